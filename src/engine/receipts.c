/* receipts.c: inbound supply arriving. Received units are counted on the
 * inbound, then allocated to the pre-orders waiting for them, first come
 * first served: in the order orders were captured, then line by line. Each
 * order's allocation becomes one change (change.c) with a new fulfillment at
 * the receiving location, so statuses, releases and events follow the same
 * rules as every other change. Only what no pre-order waits for is left to
 * sell. */
#include <string.h>
#include "internal.h"

/* Received units per sku still free to allocate. */
struct free_units {
  const char *sku;
  long long left;
};

static long long *left_of(struct free_units *f, size_t n, const char *sku)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(f[i].sku, sku) == 0)
      return &f[i].left;
  return NULL;
}

static const struct oms_channel_view *channel_of(const struct oms_receipt_inputs *in,
                                                 const char *code)
{
  for (size_t i = 0; i < in->n_channels; i++)
    if (strcmp(in->channels[i].code, code) == 0)
      return &in->channels[i];
  return NULL;
}

/* Whether line L of order o may take units at the receiving location. */
static bool eligible(const struct oms_receipt_inputs *in, const struct oms_order *o,
                     const struct oms_order_line *L)
{
  const struct oms_location_view *loc = &in->location;
  if (!loc->active)
    return false;
  if (L->fulfillment == OMS_PICKUP)
    return loc->pickup && L->pickup_location && strcmp(L->pickup_location, loc->code) == 0;
  const struct oms_channel_view *ch = channel_of(in, o->channel);
  return loc->ship && ch && eng_channel_sells_from(ch, loc->code);
}

/* Counts the received units on the inbound's lines (in line order, the
 * surplus on the last line of the sku) and sets its status. */
static enum oms_err count_received(struct eng_act *a, const struct oms_inbound *inb,
                                   const struct eng_receipt_line *lines, size_t n,
                                   struct oms_receipt *out)
{
  out->n_lines = inb->n_lines;
  out->lines = oms_arena_alloc(a->arena, (inb->n_lines + 1) * sizeof *out->lines);
  memcpy(out->lines, inb->lines, inb->n_lines * sizeof *out->lines);
  for (size_t i = 0; i < n; i++) {
    long long q = lines[i].quantity;
    long last = -1;
    for (size_t k = 0; k < inb->n_lines && q > 0; k++) {
      if (strcmp(inb->lines[k].sku, lines[i].sku) != 0)
        continue;
      last = (long)k;
      long long room = inb->lines[k].quantity - out->lines[k].received;
      long long t = room > 0 ? (room < q ? room : q) : 0;
      out->lines[k].received += t;
      q -= t;
    }
    if (last < 0)
      return eng__refuse(a, OMS_ERR_SKU_NOT_EXPECTED, eng__fmt(a->arena, "lines[%zu].sku", i),
                         eng__fmt(a->arena, "%s is not on this inbound shipment", lines[i].sku));
    out->lines[last].received += q; /* more than expected: plain stock */
  }
  bool all = true, any = false;
  for (size_t k = 0; k < inb->n_lines; k++) {
    all &= out->lines[k].received >= inb->lines[k].quantity;
    any |= out->lines[k].received > 0;
  }
  out->status = all ? OMS_IN_RECEIVED : any ? OMS_IN_PARTIALLY_RECEIVED : OMS_IN_EXPECTED;
  return OMS_OK;
}

/* The stock coming in, per sku, with what pre-orders take of it. */
static struct free_units *stock_in(struct eng_act *a, const struct eng_receipt_line *lines,
                                   size_t n, struct oms_receipt *out)
{
  struct free_units *f = oms_arena_alloc(a->arena, (n + 1) * sizeof *f);
  for (size_t i = 0; i < n; i++) {
    struct oms_stock_in *s = NULL;
    for (size_t k = 0; k < out->stock.n && !s; k++)
      if (strcmp(out->stock.items[k].sku, lines[i].sku) == 0)
        s = &out->stock.items[k];
    if (!s) {
      s = OMS_APPEND(a->arena, out->stock);
      s->sku = lines[i].sku;
      f[out->stock.n - 1].sku = lines[i].sku;
    }
    s->quantity += lines[i].quantity;
  }
  for (size_t k = 0; k < out->stock.n; k++)
    f[k].left = out->stock.items[k].quantity;
  return f;
}

/* Allocates what order o waits for from the free units; returns the units. */
static long long allocate_order(struct eng_act *a, const struct oms_receipt_inputs *in,
                                const struct oms_order *o, struct free_units *f, size_t nf,
                                struct oms_receipt *out)
{
  long long *take = oms_arena_alloc(a->arena, (o->n_lines + 1) * sizeof *take), total = 0;
  for (size_t i = 0; i < o->n_lines; i++) {
    const struct oms_order_line *L = &o->lines[i];
    long long *left = left_of(f, nf, L->sku);
    if (L->preordered <= 0 || !left || *left <= 0 || !eligible(in, o, L))
      continue;
    take[i] = L->preordered < *left ? L->preordered : *left;
    *left -= take[i];
    total += take[i];
  }
  if (total == 0)
    return 0;
  struct eng_chg c;
  struct oms_change *change = OMS_APPEND(a->arena, out->changes);
  eng__chg_init(&c, a, o, change);
  struct oms_new_fulfillment *nf_ = OMS_APPEND(a->arena, change->fulfillments);
  a->new_id(nf_->id);
  nf_->source_type = OMS_SRC_LOCATION;
  nf_->source = in->location.code;
  nf_->lines = oms_arena_alloc(a->arena, (o->n_lines + 1) * sizeof *nf_->lines);
  for (size_t i = 0; i < o->n_lines; i++) {
    if (take[i] == 0)
      continue;
    struct oms_order_line *L = &c.o.lines[i];
    L->preordered -= take[i];
    L->allocated += take[i];
    nf_->fulfillment = L->fulfillment == OMS_PICKUP ? OMS_PICKUP : nf_->fulfillment;
    nf_->lines[nf_->n_lines++] = (struct oms_fulfillment_line){.line = L->line, .sku = L->sku,
                                                               .quantity = take[i]};
    *(struct oms_preorder_release *)OMS_APPEND(a->arena, change->preorder_release) =
        (struct oms_preorder_release){.sku = L->sku, .quantity = take[i]};
  }
  nf_->status = eng_work_status(c.o.n_holds > 0, c.o.ship_complete, eng__units_waiting(&c.o));
  struct oms_event *e = eng__chg_event(&c, OMS_EV_FULFILLMENT_CREATED);
  e->fulfillment_id = nf_->id;
  e->source = nf_->source;
  e->status = oms_fstatus_name(nf_->status);
  eng__finish(&c);
  return total;
}

enum oms_err eng_receive(struct eng_act *a, const struct oms_receipt_inputs *in,
                         const struct eng_receipt_line *lines, size_t n,
                         struct oms_receipt *out)
{
  memset(out, 0, sizeof *out);
  out->inbound_id = in->inbound.id;
  out->location = in->inbound.location;
  out->actor = a->actor;
  enum oms_err e = count_received(a, &in->inbound, lines, n, out);
  if (e != OMS_OK)
    return e;
  struct free_units *f = stock_in(a, lines, n, out);
  size_t nf = out->stock.n;
  for (size_t i = 0; i < in->n_orders; i++)
    out->allocated += allocate_order(a, in, &in->orders[i], f, nf, out);
  for (size_t k = 0; k < nf; k++)
    out->stock.items[k].reserve = out->stock.items[k].quantity - f[k].left;
  return OMS_OK;
}
