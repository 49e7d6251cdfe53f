/* change.c: the machinery every change to a captured order shares. An
 * action works on a copy of the order's state, moves units between states
 * (allocated at a source, cancelled, backordered, pre-ordered, in
 * exception), and eng__finish() turns the result into one change for
 * repo_order_apply: absolute line and fulfillment-line quantities, stock
 * given back, new fulfillments, exceptions and events. Statuses are
 * re-derived by lifecycle.c. */
#include <stdio.h>
#include <string.h>
#include "internal.h"

enum oms_err eng__refuse(struct eng_act *a, enum oms_err e, const char *field, const char *msg)
{
  snprintf(a->detail, sizeof a->detail, "%s", msg);
  snprintf(a->field, sizeof a->field, "%s", field ? field : "");
  return e;
}

/* ---- the working copy ---- */

static void copy_fulfillments(struct eng_chg *c, const struct oms_order *order)
{
  struct oms_arena *a = c->arena;
  size_t n = order->n_fulfillments;
  c->o.fulfillments = oms_arena_alloc(a, (n + 1) * sizeof *c->o.fulfillments);
  c->before = oms_arena_alloc(a, (n + 1) * sizeof *c->before);
  c->touched = oms_arena_alloc(a, (n + 1) * sizeof *c->touched);
  for (size_t i = 0; i < n; i++) {
    const struct oms_fulfillment *f = &order->fulfillments[i];
    struct oms_fulfillment *g = &c->o.fulfillments[i];
    *g = *f;
    g->lines = oms_arena_alloc(a, (f->n_lines + 1) * sizeof *g->lines);
    memcpy(g->lines, f->lines, f->n_lines * sizeof *g->lines);
    c->before[i] = f->status;
  }
}

void eng__chg_init(struct eng_chg *c, struct eng_act *a, const struct oms_order *order,
                   struct oms_change *change)
{
  memset(c, 0, sizeof *c);
  memset(change, 0, sizeof *change);
  c->a = a;
  c->arena = a->arena;
  c->o = *order;
  c->p = change;
  c->o.lines = oms_arena_alloc(a->arena, (order->n_lines + 1) * sizeof *c->o.lines);
  memcpy(c->o.lines, order->lines, order->n_lines * sizeof *c->o.lines);
  c->o.holds = oms_arena_alloc(a->arena, (order->n_holds + 1) * sizeof *c->o.holds);
  memcpy(c->o.holds, order->holds, order->n_holds * sizeof *c->o.holds);
  copy_fulfillments(c, order);
  change->order_id = order->id;
  change->actor = a->actor;
  change->channel = order->channel;
}

struct oms_order_line *eng__line_of(struct oms_order *o, int line)
{
  for (size_t i = 0; i < o->n_lines; i++)
    if (o->lines[i].line == line)
      return &o->lines[i];
  return NULL;
}

long eng__fulfillment_of(const struct oms_order *o, const char *fid)
{
  for (size_t i = 0; i < o->n_fulfillments; i++)
    if (strcmp(o->fulfillments[i].id, fid) == 0)
      return (long)i;
  return -1;
}

long long eng__open_units(const struct oms_fulfillment_line *fl)
{
  return fl->quantity - fl->shipped - fl->rejected - fl->cancelled;
}

bool eng__fulfillment_closed(enum oms_fstatus s)
{
  return s == OMS_F_SHIPPED || s == OMS_F_PICKED_UP || s == OMS_F_DELIVERED ||
         s == OMS_F_CANCELLED || s == OMS_F_REJECTED;
}

bool eng__order_final(enum oms_status s)
{
  return s == OMS_ST_CANCELLED || s == OMS_ST_SHIPPED || s == OMS_ST_DELIVERED ||
         s == OMS_ST_COMPLETED || s == OMS_ST_RETURNED || s == OMS_ST_PARTIALLY_RETURNED;
}

void eng__set_fstatus(struct eng_chg *c, size_t f, enum oms_fstatus status)
{
  c->o.fulfillments[f].status = status;
  c->touched[f] = true;
}

bool eng__units_waiting(const struct oms_order *o)
{
  for (size_t i = 0; i < o->n_lines; i++)
    if (o->lines[i].preordered + o->lines[i].backordered > 0)
      return true;
  return false;
}

struct oms_event *eng__chg_event(struct eng_chg *c, enum oms_event_type type)
{
  return eng__event(c->arena, &c->p->events, type, c->o.id);
}

struct oms_new_exception *eng__open_exception(struct eng_chg *c, enum oms_exception_kind kind,
                                              const char *location, const char *sku,
                                              const char *detail)
{
  struct oms_new_exception *x = eng__exception(c->arena, &c->p->exceptions, &c->p->events,
                                               c->a->new_id, kind, c->o.id, detail);
  x->location = location;
  x->sku = sku;
  x->placed = true;
  return x;
}

/* ---- taking units off fulfillments ---- */

/* Gives back the stock of t units taken off fulfillment line fl of f. */
static void give_back(struct eng_chg *c, const struct oms_fulfillment *f,
                      struct oms_fulfillment_line *fl, long long t, enum eng_take_as as,
                      eng_freed_list *freed)
{
  bool supplier = f->source_type == OMS_SRC_SUPPLIER;
  if (supplier) {
    /* units a supplier refused are not its to sell again */
    if (as != ENG_TAKE_REJECTED)
      *(struct oms_stock_return *)OMS_APPEND(c->arena, c->p->unsupply) =
          (struct oms_stock_return){.source = f->source, .sku = fl->sku, .quantity = t};
  } else {
    long long fenced = fl->fenced < t ? fl->fenced : t;
    fl->fenced -= fenced;
    *(struct oms_stock_return *)OMS_APPEND(c->arena, c->p->unreserve) = (struct oms_stock_return){
        .source = f->source, .sku = fl->sku, .quantity = t, .fenced = fenced};
  }
  if (freed && !(supplier && as == ENG_TAKE_REJECTED))
    *(struct eng_freed *)OMS_APPEND(c->arena, *freed) = (struct eng_freed){
        .supplier = supplier, .source = f->source, .sku = fl->sku, .quantity = t};
}

long long eng__take_allocated(struct eng_chg *c, struct oms_order_line *L, long long n,
                              const char *fid, enum eng_take_as as, eng_freed_list *freed)
{
  long long taken = 0;
  for (size_t k = c->o.n_fulfillments; k-- > 0 && taken < n;) {
    struct oms_fulfillment *f = &c->o.fulfillments[k];
    if (eng__fulfillment_closed(f->status) || (fid && strcmp(fid, f->id) != 0))
      continue;
    for (size_t i = 0; i < f->n_lines && taken < n; i++) {
      struct oms_fulfillment_line *fl = &f->lines[i];
      if (fl->line != L->line)
        continue;
      long long t = eng__open_units(fl);
      if (t > n - taken)
        t = n - taken;
      if (t <= 0)
        continue;
      if (as == ENG_TAKE_REJECTED)
        fl->rejected += t;
      else
        fl->cancelled += t;
      L->allocated -= t;
      taken += t;
      c->touched[k] = true;
      give_back(c, f, fl, t, as, freed);
    }
  }
  return taken;
}

/* ---- routing units again ---- */

/* A copy of the inputs with the stock the change just freed credited back,
 * so the re-route sees the units it released. */
static struct oms_capture_inputs *credited_inputs(struct eng_chg *c, const eng_freed_list *freed)
{
  struct oms_arena *a = c->arena;
  struct oms_capture_inputs *in = oms_arena_alloc(a, sizeof *in);
  *in = *c->a->inputs;
  in->locations = oms_arena_alloc(a, (in->n_locations + 1) * sizeof *in->locations);
  in->suppliers = oms_arena_alloc(a, (in->n_suppliers + 1) * sizeof *in->suppliers);
  for (size_t i = 0; i < in->n_locations; i++) {
    in->locations[i] = c->a->inputs->locations[i];
    struct oms_location_view *l = &in->locations[i];
    l->stock = oms_arena_alloc(a, (l->n_stock + 1) * sizeof *l->stock);
    memcpy(l->stock, c->a->inputs->locations[i].stock, l->n_stock * sizeof *l->stock);
  }
  for (size_t i = 0; i < in->n_suppliers; i++) {
    in->suppliers[i] = c->a->inputs->suppliers[i];
    struct oms_supplier_view *s = &in->suppliers[i];
    s->items = oms_arena_alloc(a, (s->n_items + 1) * sizeof *s->items);
    memcpy(s->items, c->a->inputs->suppliers[i].items, s->n_items * sizeof *s->items);
  }
  for (size_t k = 0; freed && k < freed->n; k++) {
    const struct eng_freed *x = &freed->items[k];
    for (size_t i = 0; x->supplier && i < in->n_suppliers; i++)
      for (size_t j = 0; strcmp(in->suppliers[i].code, x->source) == 0 && j < in->suppliers[i].n_items; j++)
        if (strcmp(in->suppliers[i].items[j].sku, x->sku) == 0)
          in->suppliers[i].items[j].available += x->quantity;
    for (size_t i = 0; !x->supplier && i < in->n_locations; i++)
      for (size_t j = 0; strcmp(in->locations[i].code, x->source) == 0 && j < in->locations[i].n_stock; j++)
        if (strcmp(in->locations[i].stock[j].sku, x->sku) == 0)
          in->locations[i].stock[j].reserved -= x->quantity;
  }
  return in;
}

/* Books what a re-route could not place: backordered when the rule allows
 * it, else in exception for staff. */
static void book_unplaced(struct eng_chg *c, const struct eng_units_req *u, long long got,
                          bool backorder)
{
  struct oms_order_line *L = eng__line_of(&c->o, u->line);
  long long rest = u->quantity - got;
  L->allocated += got;
  if (rest <= 0)
    return;
  if (backorder) {
    L->backordered += rest;
    return;
  }
  L->exception += rest;
  struct oms_new_exception *x = eng__open_exception(
      c, OMS_EXC_UNROUTABLE, NULL, L->sku,
      eng__fmt(c->arena, "%lld units of %s (line %d) could not be routed again", rest, L->sku,
               L->line));
  x->data.line = L->line;
}

void eng__reroute_units(struct eng_chg *c, const eng_freed_list *freed,
                        const struct eng_units_req *units, size_t n, const char *exclude)
{
  bool held = c->o.n_holds > 0;
  bool wait = c->o.ship_complete && eng__units_waiting(&c->o);
  struct eng_route_order ro = {.order_id = c->o.id, .channel = c->o.channel,
                               .ship_method = c->o.ship_method,
                               .address = c->o.has_address ? &c->o.address : NULL};
  struct eng_place_ctx ctx = {.arena = c->arena, .order = &ro,
                              .inputs = credited_inputs(c, freed), .routing = c->a->routing,
                              .exclude = exclude, .new_id = c->a->new_id};
  struct eng_placement placed;
  c->p->has_safety_stock = true;
  c->p->safety_stock = c->a->inputs->channel.safety_stock;
  bool routed = eng__plan(&ctx, units, n, &placed) == 0;
  if (routed) {
    eng__emit(&ctx, &placed, units, eng_work_status(held, c->o.ship_complete, wait),
              &c->p->fulfillments, &c->p->events);
    if (placed.routing_json)
      c->p->routing_json = placed.routing_json;
  }
  for (size_t i = 0; i < n; i++)
    book_unplaced(c, &units[i], routed ? placed.allocated[i] : 0, routed && placed.backorder);
  eng__placement_free(&placed);
  /* an order that ships complete waits again if a unit ended up waiting */
  if (c->o.ship_complete && eng__units_waiting(&c->o))
    for (size_t i = 0; i < c->p->fulfillments.n; i++)
      c->p->fulfillments.items[i].status = OMS_F_PENDING;
}

/* ---- finishing a change ---- */

/* The purchase order follows its fulfillment when it closes. */
static void po_follows(struct eng_chg *c, const struct oms_fulfillment *f, bool closed_here)
{
  enum oms_po_status ps;
  if (f->status == OMS_F_CANCELLED)
    ps = OMS_PO_CANCELLED;
  else if (f->status == OMS_F_REJECTED)
    ps = OMS_PO_REJECTED;
  else if (closed_here && f->status == OMS_F_SHIPPED)
    ps = OMS_PO_SHIPPED; /* a step that ships the last units reports its PO itself */
  else
    return;
  *(struct oms_po_update *)OMS_APPEND(c->arena, c->p->po_updates) =
      (struct oms_po_update){.fulfillment_id = f->id, .status = ps};
  struct oms_event *e = eng__chg_event(c, OMS_EV_PURCHASE_ORDER_STATUS_CHANGED);
  e->purchase_order_id = f->purchase_order_id;
  e->status = oms_po_status_name(ps);
}

/* Writes fulfillment k's lines and status; a fulfillment with nothing left
 * open is done with: shipped (picked up) when some of it left, else
 * rejected or cancelled. */
static void finish_fulfillment(struct eng_chg *c, size_t k)
{
  struct oms_fulfillment *f = &c->o.fulfillments[k];
  long long open = 0, shipped = 0, rejected = 0;
  for (size_t i = 0; i < f->n_lines; i++) {
    const struct oms_fulfillment_line *fl = &f->lines[i];
    open += eng__open_units(fl);
    shipped += fl->shipped;
    rejected += fl->rejected;
    *(struct oms_fulfillment_line_update *)OMS_APPEND(c->arena, c->p->fulfillment_lines) =
        (struct oms_fulfillment_line_update){.fulfillment_id = f->id, .line = fl->line,
                                             .shipped = fl->shipped, .rejected = fl->rejected,
                                             .cancelled = fl->cancelled, .fenced = fl->fenced};
  }
  bool closed_here = false;
  if (open == 0 && !eng__fulfillment_closed(f->status)) {
    bool pickup = f->fulfillment == OMS_PICKUP;
    f->status = shipped > 0    ? (pickup ? OMS_F_PICKED_UP : OMS_F_SHIPPED)
                : rejected > 0 ? OMS_F_REJECTED
                               : OMS_F_CANCELLED;
    closed_here = true;
  }
  *(struct oms_fulfillment_update *)OMS_APPEND(c->arena, c->p->fulfillment_updates) =
      (struct oms_fulfillment_update){.id = f->id, .status = f->status, .carrier = f->carrier,
                                      .tracking_number = f->tracking_number, .reason = f->reason};
  if (c->before[k] == f->status)
    return;
  struct oms_event *e = eng__chg_event(c, OMS_EV_FULFILLMENT_STATUS_CHANGED);
  e->fulfillment_id = f->id;
  e->source = f->source;
  e->status = oms_fstatus_name(f->status);
  if (f->source_type == OMS_SRC_SUPPLIER)
    po_follows(c, f, closed_here);
}

void eng__finish(struct eng_chg *c)
{
  struct oms_order *o = &c->o;
  bool held = o->n_holds > 0;
  enum oms_status *st = oms_arena_alloc(c->arena, (o->n_lines + 1) * sizeof *st);
  for (size_t i = 0; i < o->n_lines; i++) {
    struct oms_order_line *l = &o->lines[i];
    struct eng_line_qty q = {.quantity = l->quantity, .allocated = l->allocated,
                             .shipped = l->shipped, .delivered = l->delivered,
                             .returned = l->returned, .cancelled = l->cancelled,
                             .backordered = l->backordered, .preordered = l->preordered,
                             .exception = l->exception, .pickup = l->fulfillment == OMS_PICKUP};
    st[i] = l->status = eng_line_status(&q, held);
  }
  c->p->lines = o->lines;
  c->p->n_lines = o->n_lines;
  /* work waits (pending) only while the order is held or ships complete
   * with units still waiting; once neither holds, it goes out */
  if (eng_work_status(held, o->ship_complete, eng__units_waiting(o)) == OMS_F_RELEASED)
    for (size_t k = 0; k < o->n_fulfillments; k++)
      if (o->fulfillments[k].status == OMS_F_PENDING)
        eng__set_fstatus(c, k, OMS_F_RELEASED);
  enum oms_status status = eng_order_status(st, o->n_lines, held, o->ship_complete);
  for (size_t k = 0; k < o->n_fulfillments; k++)
    if (c->touched[k])
      finish_fulfillment(c, k);
  c->p->status = status;
  if (o->status != status) {
    struct oms_event *e = eng__chg_event(c, OMS_EV_ORDER_STATUS_CHANGED);
    e->status = oms_status_name(status);
    e->previous_status = oms_status_name(o->status);
    e->reason = c->p->note;
  }
}
