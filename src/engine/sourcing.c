/* sourcing.c: places units of an order at sources. Turns the capture
 * inputs into the routing engine's candidate sources (what each location
 * may reserve for this channel, what each supplier may drop-ship), routes
 * with the tenant's rules (routing*.c), and turns the plan into new
 * fulfillments, purchase orders and their events. Shared by capture and by
 * every change that routes units again (re-route, reject, shortfall). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"

const char *eng__fmt(struct oms_arena *a, const char *fmt, ...)
{
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = oms_arena_alloc(a, (size_t)(n > 0 ? n : 0) + 1);
  vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap2);
  va_end(ap2);
  return s;
}

const struct oms_item_view *eng__item(const struct oms_capture_inputs *in, const char *sku)
{
  for (size_t i = 0; i < in->n_items; i++)
    if (strcmp(in->items[i].sku, sku) == 0)
      return &in->items[i];
  return NULL;
}

struct oms_preorder_state eng__preorder_state(const struct oms_capture_inputs *in,
                                              const char *sku)
{
  for (size_t i = 0; i < in->n_preorders; i++)
    if (strcmp(in->preorders[i].sku, sku) == 0)
      return in->preorders[i];
  return (struct oms_preorder_state){.sku = sku};
}

struct oms_event *eng__event(struct oms_arena *a, oms_events *events, enum oms_event_type type,
                             const char *order_id)
{
  struct oms_event *e = OMS_APPEND(a, *events);
  e->type = type;
  e->order_id = order_id;
  return e;
}

struct oms_new_exception *eng__exception(struct oms_arena *a, oms_new_exceptions *exceptions,
                                         oms_events *events, void (*new_id)(char out[37]),
                                         enum oms_exception_kind kind, const char *order_id,
                                         const char *detail)
{
  struct oms_new_exception *x = OMS_APPEND(a, *exceptions);
  new_id(x->id);
  x->kind = kind;
  x->detail = detail;
  if (events) {
    struct oms_event *e = eng__event(a, events, OMS_EV_EXCEPTION_OPENED, order_id);
    e->exception_id = x->id;
    e->kind = oms_exception_kind_name(kind);
  }
  return x;
}

/* ---- candidate sources ---- */

static const struct oms_stock_position *position_of(const struct oms_location_view *l,
                                                    const char *sku)
{
  for (size_t i = 0; i < l->n_stock; i++)
    if (strcmp(l->stock[i].sku, sku) == 0)
      return &l->stock[i];
  return NULL;
}

static const struct oms_supplier_item_view *supplier_item(const struct oms_supplier_view *s,
                                                          const char *sku)
{
  for (size_t i = 0; i < s->n_items; i++)
    if (strcmp(s->items[i].sku, sku) == 0)
      return &s->items[i];
  return NULL;
}

/* A location: what this channel may reserve there (eng_ats_reservable, the
 * hard rule of capture) for each unit request's sku. */
static void location_source(const struct eng_place_ctx *ctx, const struct oms_location_view *l,
                            const struct eng_units_req *units, size_t n, struct eng_source *src)
{
  const struct oms_channel_view *ch = &ctx->inputs->channel;
  struct eng_ats_channel view = {.safety_stock = ch->safety_stock, .percent = 100, .max_per_sku = -1};
  long long *avail = oms_arena_alloc(ctx->arena, n * sizeof *avail);
  *src = (struct eng_source){
      .type = OMS_SRC_LOCATION,
      .code = l->code,
      .is_store = l->is_store,
      .active = l->active,
      .ship = l->ship,
      .pickup = l->pickup,
      .in_channel = eng_channel_sells_from(ch, l->code),
      .has_coords = l->has_coords,
      .lat = l->lat,
      .lon = l->lon,
      .priority = l->priority,
      .cost_per_shipment = l->cost_per_shipment,
      .days = l->ship_days,
      .available = avail,
  };
  bool excluded = ctx->exclude && strcmp(ctx->exclude, l->code) == 0;
  for (size_t i = 0; i < n && !excluded; i++) {
    const struct oms_stock_position *p = position_of(l, units[i].sku);
    if (!p)
      continue;
    struct eng_ats_position pos = {.on_hand = p->on_hand, .reserved = p->reserved,
                                   .fenced_other = p->fenced_other};
    avail[i] = eng_ats_reservable(&view, &pos);
  }
}

/* A supplier: what it may drop-ship of each unit request's sku, when the
 * channel and the item allow drop-ship. */
static void supplier_source(const struct eng_place_ctx *ctx, const struct oms_supplier_view *s,
                            const struct eng_units_req *units, size_t n, struct eng_source *src)
{
  long long *avail = oms_arena_alloc(ctx->arena, n * sizeof *avail);
  long long *cost = oms_arena_alloc(ctx->arena, n * sizeof *cost);
  int *days = oms_arena_alloc(ctx->arena, n * sizeof *days);
  *src = (struct eng_source){
      .type = OMS_SRC_SUPPLIER,
      .code = s->code,
      .active = s->active,
      .ship = true,
      .in_channel = true,
      .days = s->lead_time_days,
      .available = avail,
      .unit_cost = cost,
      .item_days = days,
  };
  bool excluded = ctx->exclude && strcmp(ctx->exclude, s->code) == 0;
  for (size_t i = 0; i < n && !excluded && ctx->inputs->channel.dropship; i++) {
    const struct oms_item_view *item = eng__item(ctx->inputs, units[i].sku);
    const struct oms_supplier_item_view *si = supplier_item(s, units[i].sku);
    if (!si || !item || !item->dropship)
      continue;
    avail[i] = si->available;
    cost[i] = si->cost;
    days[i] = si->ship_days;
  }
}

static struct eng_candidates candidates_of(const struct eng_place_ctx *ctx,
                                       const struct eng_units_req *units, size_t n)
{
  const struct oms_capture_inputs *in = ctx->inputs;
  struct eng_candidates c = {.n = in->n_locations + in->n_suppliers};
  c.sources = oms_arena_alloc(ctx->arena, (c.n + 1) * sizeof *c.sources);
  c.lines = oms_arena_alloc(ctx->arena, n * sizeof *c.lines);
  for (size_t i = 0; i < n; i++)
    c.lines[i] = (struct eng_order_line){.sku = units[i].sku,
                                         .quantity = units[i].quantity,
                                         .pickup = units[i].fulfillment == OMS_PICKUP,
                                         .pickup_location = units[i].pickup_location};
  for (size_t s = 0; s < in->n_locations; s++)
    location_source(ctx, &in->locations[s], units, n, &c.sources[s]);
  for (size_t k = 0; k < in->n_suppliers; k++)
    supplier_source(ctx, &in->suppliers[k], units, n, &c.sources[in->n_locations + k]);
  return c;
}

/* ---- the plan as fulfillments ---- */

/* One fulfillment per shipment of the plan, with its purchase order when a
 * supplier ships it, and their events. */
static void emit_shipment(const struct eng_place_ctx *ctx, const struct eng_candidates *c,
                          const struct eng_shipment *sh, const struct eng_units_req *units,
                          enum oms_fstatus fstatus, oms_new_fulfillments *fuls, oms_events *events)
{
  struct oms_arena *a = ctx->arena;
  const struct eng_source *src = &c->sources[sh->source];
  bool supplier = src->type == OMS_SRC_SUPPLIER, pickup = false;
  struct oms_new_fulfillment *f = OMS_APPEND(a, *fuls);
  ctx->new_id(f->id);
  for (size_t k = 0; k < sh->n_allocs; k++)
    pickup |= units[sh->allocs[k].line].fulfillment == OMS_PICKUP;
  f->source_type = supplier ? OMS_SRC_SUPPLIER : OMS_SRC_LOCATION;
  f->source = src->code;
  f->fulfillment = pickup ? OMS_PICKUP : OMS_SHIP;
  f->status = fstatus;
  f->n_lines = sh->n_allocs;
  f->lines = oms_arena_alloc(a, (sh->n_allocs + 1) * sizeof *f->lines);
  if (supplier)
    f->po_lines = oms_arena_alloc(a, (sh->n_allocs + 1) * sizeof *f->po_lines);
  for (size_t k = 0; k < sh->n_allocs; k++) {
    const struct eng_units_req *u = &units[sh->allocs[k].line];
    long long q = sh->allocs[k].quantity;
    f->lines[k] = (struct oms_fulfillment_line){.line = u->line, .sku = u->sku, .quantity = q};
    if (supplier) {
      long long cost = src->unit_cost[sh->allocs[k].line];
      f->po_total_cost += cost * q;
      f->po_lines[f->n_po_lines++] = (struct oms_po_line){
          .line = (int)k + 1, .order_line = u->line, .sku = u->sku, .quantity = q, .cost = cost};
    }
  }
  struct oms_event *e = eng__event(a, events, OMS_EV_FULFILLMENT_CREATED, ctx->order->order_id);
  e->fulfillment_id = f->id;
  e->source = f->source;
  e->status = oms_fstatus_name(f->status);
  if (!supplier)
    return;
  ctx->new_id(f->po_id);
  e = eng__event(a, events, OMS_EV_PURCHASE_ORDER_CREATED, ctx->order->order_id);
  e->purchase_order_id = f->po_id;
  e->status = oms_po_status_name(OMS_PO_SENT);
}

/* Units placed and promise days per unit request. */
static void tally(struct eng_placement *p, size_t n, struct oms_arena *a)
{
  const struct eng_candidates *c = &p->candidates;
  p->allocated = oms_arena_alloc(a, (n + 1) * sizeof *p->allocated);
  p->days = oms_arena_alloc(a, (n + 1) * sizeof *p->days);
  for (size_t s = 0; s < p->plan.n_shipments; s++) {
    const struct eng_shipment *sh = &p->plan.shipments[s];
    const struct eng_source *src = &c->sources[sh->source];
    for (size_t k = 0; k < sh->n_allocs; k++) {
      size_t li = sh->allocs[k].line;
      p->allocated[li] += sh->allocs[k].quantity;
      long long d = src->days + (src->type == OMS_SRC_SUPPLIER ? src->item_days[li] : 0);
      if (d > p->days[li])
        p->days[li] = d;
    }
  }
}

int eng__plan(const struct eng_place_ctx *ctx, const struct eng_units_req *units, size_t n,
              struct eng_placement *out)
{
  const struct eng_route_order *o = ctx->order;
  const struct oms_address *ad = o->address;
  memset(out, 0, sizeof *out);
  out->candidates = candidates_of(ctx, units, n);
  struct eng_order eo = {
      .channel = o->channel,
      .ship_method = oms_ship_method_name(o->ship_method),
      .country = ad ? ad->country : NULL,
      .has_coords = ad && ad->has_coords,
      .lat = ad ? ad->lat : 0,
      .lon = ad ? ad->lon : 0,
      .lines = out->candidates.lines,
      .n_lines = n,
  };
  if (eng_route(ctx->routing, &eo, out->candidates.sources, out->candidates.n, &out->plan) != 0)
    return -1;
  tally(out, n, ctx->arena);
  out->backorder = out->plan.backorder;
  out->routing_json = oms_arena_strdup(ctx->arena, out->plan.explanation);
  return 0;
}

void eng__emit(const struct eng_place_ctx *ctx, const struct eng_placement *p,
               const struct eng_units_req *units, enum oms_fstatus fstatus,
               oms_new_fulfillments *fulfillments, oms_events *events)
{
  for (size_t s = 0; s < p->plan.n_shipments; s++)
    emit_shipment(ctx, &p->candidates, &p->plan.shipments[s], units, fstatus, fulfillments,
                  events);
}

void eng__placement_free(struct eng_placement *p)
{
  eng_plan_free(&p->plan);
}
