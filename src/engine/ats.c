/* ats.c: available-to-sell per channel (docs/availability.md has worked
 * examples), and the rules it shares with capture: what a channel may
 * reserve at a location, pre-order headroom, which locations a channel sells
 * from. Pure arithmetic over positions the repository read. */
#include <string.h>
#include "oms/engine.h"

static long long max0(long long v)
{
  return v > 0 ? v : 0;
}

/* The guard that re-checks this in the database is oms_reservable() in
 * migrations/0005_rule_owners.sql; a test holds the two to the same answers. */
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

long long eng_preorder_limit(const struct oms_preorder_terms *t)
{
  return t->expected > t->limit ? t->expected : t->limit;
}

long long eng_preorder_headroom(const struct oms_preorder_terms *t, long long outstanding,
                                long long outstanding_channel)
{
  long long headroom = eng_preorder_limit(t) - outstanding;
  if (t->channel_limit >= 0 && t->channel_limit - outstanding_channel < headroom)
    headroom = t->channel_limit - outstanding_channel;
  return max0(headroom);
}

bool eng_channel_sells_from(const struct oms_channel_view *c, const char *code)
{
  if (c->all_locations)
    return true;
  for (size_t i = 0; i < c->n_locations; i++)
    if (strcmp(c->locations[i], code) == 0)
      return true;
  return false;
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
    struct oms_preorder_terms t = {.enabled = true,
                                   .limit = item->preorder_limit,
                                   .channel_limit = item->channel_limit,
                                   .expected = item->expected};
    out->preorder_ats = eng_preorder_headroom(&t, item->outstanding, item->outstanding_channel);
  }
  out->available_to_sell = out->on_hand_ats + out->dropship_ats + out->preorder_ats;
}

struct eng_ats_channel eng_ats_channel_of(const struct oms_channel_view *c)
{
  return (struct eng_ats_channel){
      .safety_stock = c->safety_stock,
      .percent = c->percent,
      .max_per_sku = c->max_per_sku,
      .dropship = c->dropship,
      .preorders = c->preorders,
  };
}

void eng_ats_of(const struct oms_channel_view *c, const struct oms_ats_inputs *in,
                long long *pools, struct eng_ats *out)
{
  struct eng_ats_channel ch = eng_ats_channel_of(c);
  struct eng_ats_item item = {
      .dropship = in->dropship,
      .supplier_available = in->supplier_available,
      .preorder_enabled = in->preorder.enabled,
      .preorder_limit = in->preorder.limit,
      .channel_limit = in->preorder.channel_limit,
      .expected = in->preorder.expected,
      .outstanding = in->outstanding,
      .outstanding_channel = in->outstanding_channel,
  };
  struct eng_ats_position *pos = oms_calloc(in->n_positions, sizeof *pos);
  for (size_t i = 0; i < in->n_positions; i++) {
    const struct oms_ats_location *p = &in->positions[i];
    pos[i] = (struct eng_ats_position){
        .on_hand = p->on_hand,
        .reserved = p->reserved,
        .fenced_this = p->fenced_this,
        .fenced_other = p->fenced_other,
        .active = p->active,
        .ship = p->ship,
        .in_channel = eng_channel_sells_from(c, p->location),
    };
    if (pools)
      pools[i] = eng_ats_pool(&ch, &pos[i]);
  }
  eng_ats_compute(&ch, &item, pos, in->n_positions, out);
  free(pos);
}
