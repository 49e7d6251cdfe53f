/* ats.c: available-to-sell per channel (docs/availability.md has worked
 * examples). Pure arithmetic over positions the repository read. */
#include <stdlib.h>
#include "oms/engine.h"

static long long max0(long long v)
{
  return v > 0 ? v : 0;
}

long long eng_ats_reservable(const struct eng_ats_channel *c, const struct eng_ats_position *p)
{
  return max0(p->on_hand - p->reserved - c->safety_stock - p->fenced_other);
}

long long eng_ats_pool(const struct eng_ats_channel *c, const struct eng_ats_position *p)
{
  if (!p->active || !p->ship || !p->in_channel)
    return 0;
  return eng_ats_reservable(c, p);
}

void eng_ats_compute(const struct eng_ats_channel *c, const struct eng_ats_item *item,
                     const struct eng_ats_position *pos, size_t n, struct eng_ats *out)
{
  long long pool = 0;
  for (size_t i = 0; i < n; i++)
    pool += eng_ats_pool(c, &pos[i]);
  out->pool = pool;
  /* floor(percent/100 * pool), exact in integers */
  long long published = pool / 100 * c->percent + (pool % 100) * c->percent / 100;
  if (c->max_per_sku >= 0 && published > c->max_per_sku)
    published = c->max_per_sku;
  out->on_hand_ats = published;

  out->dropship_ats = (c->dropship && item->dropship) ? max0(item->supplier_available) : 0;

  out->preorder_ats = 0;
  if (c->preorders && item->preorder_enabled) {
    long long headroom = item->preorder_limit - item->outstanding;
    if (item->channel_limit >= 0) {
      long long ch = item->channel_limit - item->outstanding_channel;
      if (ch < headroom)
        headroom = ch;
    }
    out->preorder_ats = max0(headroom);
  }
  out->available_to_sell = out->on_hand_ats + out->dropship_ats + out->preorder_ats;
}

static long long jint(json_t *o, const char *k, long long def)
{
  json_t *v = json_object_get(o, k);
  return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

json_t *eng_ats_eval(json_t *channel, json_t *inputs)
{
  struct eng_ats_channel c = {
      .safety_stock = jint(channel, "safety_stock", 0),
      .percent = (int)jint(channel, "percent", 100),
      .max_per_sku = jint(channel, "max_per_sku", -1),
      .dropship = json_is_true(json_object_get(channel, "dropship")),
      .preorders = json_is_true(json_object_get(channel, "preorders")),
  };
  struct eng_ats_item item = {
      .dropship = json_is_true(json_object_get(inputs, "dropship")),
      .supplier_available = jint(inputs, "supplier_available", 0),
      .preorder_enabled = json_is_true(json_object_get(inputs, "preorder_enabled")),
      .preorder_limit = jint(inputs, "preorder_limit", 0),
      .channel_limit = jint(inputs, "channel_limit", -1),
      .outstanding = jint(inputs, "outstanding", 0),
      .outstanding_channel = jint(inputs, "outstanding_channel", 0),
  };
  json_t *positions = json_object_get(inputs, "positions");
  size_t n = json_array_size(positions), i;
  struct eng_ats_position *pos = oms_calloc(n ? n : 1, sizeof *pos);
  json_t *p, *locs = json_array();
  json_array_foreach(positions, i, p)
  {
    pos[i] = (struct eng_ats_position){
        .on_hand = jint(p, "on_hand", 0),
        .reserved = jint(p, "reserved", 0),
        .fenced_this = jint(p, "fenced_this", 0),
        .fenced_other = jint(p, "fenced_other", 0),
        .active = json_is_true(json_object_get(p, "active")),
        .ship = json_is_true(json_object_get(p, "ship")),
        .in_channel = json_is_true(json_object_get(p, "in_channel")),
    };
    json_array_append_new(locs, json_pack("{s:O,s:I}", "location", json_object_get(p, "location"),
                                          "pool", (json_int_t)eng_ats_pool(&c, &pos[i])));
  }
  struct eng_ats a;
  eng_ats_compute(&c, &item, pos, n, &a);
  free(pos);
  return json_pack("{s:O,s:I,s:I,s:I,s:I,s:o}", "sku", json_object_get(inputs, "sku"),
                   "available_to_sell", (json_int_t)a.available_to_sell, "on_hand_ats",
                   (json_int_t)a.on_hand_ats, "dropship_ats", (json_int_t)a.dropship_ats,
                   "preorder_ats", (json_int_t)a.preorder_ats, "locations", locs);
}
