/* steps.c: the steps of a fulfillment (accept, reject, ship, ready for
 * pickup, picked up, delivered), a supplier's acknowledgement of its
 * purchase order, and a count that found allocated units missing. Rejected
 * and missing units are routed again, never back to the source that lost
 * them. */
#include <string.h>
#include "internal.h"

typedef OMS_VEC(struct eng_units) eng_units_list;

static enum oms_err step_refused(struct eng_act *a, const struct oms_fulfillment *f,
                                 const char *what)
{
  const char *msg = eng__fmt(a->arena, "A fulfillment in status %s cannot be %s",
                             oms_fstatus_name(f->status), what);
  return eng__refuse(a, OMS_ERR_INVALID_STATE, NULL, msg);
}

/* Whether step may run on f in its current status. */
static enum oms_err step_allowed(struct eng_act *a, const struct oms_fulfillment *f,
                                 enum eng_fstep step)
{
  enum oms_fstatus st = f->status;
  bool pickup = f->fulfillment == OMS_PICKUP;
  bool open_state = st == OMS_F_RELEASED || st == OMS_F_ACCEPTED;
  switch (step) {
  case ENG_F_ACCEPT:
    return st != OMS_F_RELEASED ? step_refused(a, f, "accepted") : OMS_OK;
  case ENG_F_REJECT:
    return !open_state && st != OMS_F_READY_FOR_PICKUP ? step_refused(a, f, "rejected") : OMS_OK;
  case ENG_F_SHIP:
    if (!open_state)
      return step_refused(a, f, "shipped");
    return pickup ? eng__refuse(a, OMS_ERR_INVALID_STATE, NULL,
                                "A pickup fulfillment is picked up, not shipped")
                  : OMS_OK;
  case ENG_F_READY:
    if (!pickup)
      return eng__refuse(a, OMS_ERR_INVALID_STATE, NULL,
                         "Only a pickup fulfillment can be ready for pickup");
    return !open_state ? step_refused(a, f, "made ready for pickup") : OMS_OK;
  case ENG_F_PICKED_UP:
    if (!pickup)
      return eng__refuse(a, OMS_ERR_INVALID_STATE, NULL,
                         "Only a pickup fulfillment can be picked up");
    return st != OMS_F_READY_FOR_PICKUP ? step_refused(a, f, "picked up") : OMS_OK;
  case ENG_F_DELIVERED:
    return st != OMS_F_SHIPPED ? step_refused(a, f, "delivered") : OMS_OK;
  }
  return OMS_OK;
}

/* ---- which units a step applies to ---- */

/* Units of fl already picked (a request may name a sku more than once:
 * each entry takes only what the earlier ones left). */
static long long picked_from(const eng_picks *picks, const struct oms_fulfillment_line *fl)
{
  long long n = 0;
  for (size_t i = 0; i < picks->n; i++)
    if (picks->items[i].fl == fl)
      n += picks->items[i].quantity;
  return n;
}

static void pick(struct oms_arena *a, eng_picks *picks, struct oms_fulfillment_line *fl,
                 long long q)
{
  *(struct eng_pick *)OMS_APPEND(a, *picks) = (struct eng_pick){.fl = fl, .quantity = q};
}

/* The requested {sku, quantity} units of f, or every open unit (req NULL).
 * Returns OMS_OK with *picks, or a refusal. */
static enum oms_err pick_units(struct eng_act *a, struct oms_fulfillment *f,
                               const struct eng_units *req, size_t n_req, eng_picks *picks)
{
  memset(picks, 0, sizeof *picks);
  if (!req) {
    for (size_t k = 0; k < f->n_lines; k++)
      if (eng__open_units(&f->lines[k]) > 0)
        pick(a->arena, picks, &f->lines[k], eng__open_units(&f->lines[k]));
    return OMS_OK;
  }
  for (size_t i = 0; i < n_req; i++) {
    long long want = req[i].quantity;
    bool found = false;
    for (size_t k = 0; k < f->n_lines; k++) {
      struct oms_fulfillment_line *fl = &f->lines[k];
      if (strcmp(fl->sku, req[i].sku) != 0 || want <= 0)
        continue;
      found = true;
      long long left = eng__open_units(fl) - picked_from(picks, fl);
      long long t = left < want ? left : want;
      if (t > 0) {
        pick(a->arena, picks, fl, t);
        want -= t;
      }
    }
    if (!found)
      return eng__refuse(a, OMS_ERR_VALIDATION, eng__fmt(a->arena, "lines[%zu].sku", i),
                         "is not in this fulfillment");
    if (want > 0)
      return eng__refuse(a, OMS_ERR_INVALID_STATE, eng__fmt(a->arena, "lines[%zu].quantity", i),
                         eng__fmt(a->arena, "is more than the fulfillment has open for %s",
                                  req[i].sku));
  }
  return OMS_OK;
}

/* ---- rejected units ---- */

static bool loses_stock(const char *reason)
{
  return reason && (strcmp(reason, "short_pick") == 0 || strcmp(reason, "damaged") == 0);
}

/* Takes picked units off fulfillment k as rejected and routes them
 * elsewhere; a short pick or damage also lowers the location's on-hand. */
static void reject_units(struct eng_chg *c, size_t k, const eng_picks *picks, const char *reason)
{
  struct oms_fulfillment *f = &c->o.fulfillments[k];
  bool location = f->source_type == OMS_SRC_LOCATION;
  eng_freed_list freed = {0};
  struct eng_units_req *units = oms_arena_alloc(c->arena, (picks->n + 1) * sizeof *units);
  for (size_t i = 0; i < picks->n; i++) {
    const struct oms_fulfillment_line *fl = picks->items[i].fl;
    struct oms_order_line *L = eng__line_of(&c->o, fl->line);
    long long q = picks->items[i].quantity;
    eng__take_allocated(c, L, q, f->id, ENG_TAKE_REJECTED, &freed);
    if (location && loses_stock(reason))
      *(struct oms_stock_move *)OMS_APPEND(c->arena, c->p->lose_stock) = (struct oms_stock_move){
          .location = f->source, .sku = fl->sku, .quantity = q,
          .reason = strcmp(reason, "damaged") == 0 ? OMS_MOVE_DAMAGE : OMS_MOVE_SHORT_PICK,
          .reference = f->id};
    units[i] = (struct eng_units_req){.line = L->line, .sku = L->sku, .quantity = q,
                                      .fulfillment = L->fulfillment,
                                      .pickup_location = L->pickup_location};
    if (reason && strcmp(reason, "inventory_discrepancy") == 0)
      continue; /* the discrepancy itself is the exception */
    struct oms_new_exception *x = eng__open_exception(
        c, OMS_EXC_FULFILLMENT_REJECTED, location ? f->source : NULL, fl->sku,
        eng__fmt(c->arena, "%s rejected %lld of %s (%s)", f->source, q, fl->sku,
                 reason ? reason : "other"));
    x->data.fulfillment_id = f->id;
    x->data.reason = reason;
    x->data.reason_set = true;
    x->data.quantity = q;
  }
  eng__reroute_units(c, &freed, units, picks->n, f->source);
}

/* ---- the steps ---- */

static void po_status_changed(struct eng_chg *c, const struct oms_fulfillment *f,
                              enum oms_po_status s)
{
  *(struct oms_po_update *)OMS_APPEND(c->arena, c->p->po_updates) =
      (struct oms_po_update){.fulfillment_id = f->id, .status = s};
  struct oms_event *e = eng__chg_event(c, OMS_EV_PURCHASE_ORDER_STATUS_CHANGED);
  e->purchase_order_id = f->purchase_order_id;
  e->status = oms_po_status_name(s);
}

/* Ships (or hands over) the picked units of fulfillment k. */
static void ship_units(struct eng_chg *c, size_t k, enum eng_fstep step, const eng_picks *picks,
                       const struct eng_step_body *body)
{
  struct oms_fulfillment *f = &c->o.fulfillments[k];
  bool supplier = f->source_type == OMS_SRC_SUPPLIER;
  for (size_t i = 0; i < picks->n; i++) {
    struct oms_fulfillment_line *fl = picks->items[i].fl;
    struct oms_order_line *L = eng__line_of(&c->o, fl->line);
    long long q = picks->items[i].quantity;
    fl->shipped += q;
    L->allocated -= q;
    L->shipped += q;
    if (step == ENG_F_PICKED_UP)
      L->delivered += q;
    if (!supplier)
      *(struct oms_stock_move *)OMS_APPEND(c->arena, c->p->ship_stock) = (struct oms_stock_move){
          .location = f->source, .sku = fl->sku, .quantity = q,
          .reason = step == ENG_F_SHIP ? OMS_MOVE_SHIPMENT : OMS_MOVE_PICKUP, .reference = f->id};
  }
  long long open = 0;
  for (size_t i = 0; i < f->n_lines; i++)
    open += eng__open_units(&f->lines[i]);
  if (step == ENG_F_SHIP && body) {
    f->carrier = body->carrier;
    f->tracking_number = body->tracking_number;
  }
  eng__set_fstatus(c, k, open > 0 ? f->status : step == ENG_F_SHIP ? OMS_F_SHIPPED : OMS_F_PICKED_UP);
  if (!supplier)
    return;
  for (size_t i = 0; i < f->n_lines; i++)
    *(struct oms_po_line_update *)OMS_APPEND(c->arena, c->p->po_line_updates) =
        (struct oms_po_line_update){.fulfillment_id = f->id, .line = f->lines[i].line,
                                    .shipped = f->lines[i].shipped};
  po_status_changed(c, f, open > 0 ? OMS_PO_PARTIALLY_SHIPPED : OMS_PO_SHIPPED);
}

/* Reject, ship and pick up take units; the rest only change a status. */
static enum oms_err run_step(struct eng_chg *c, size_t k, enum eng_fstep step,
                             const struct eng_step_body *body)
{
  struct oms_fulfillment *f = &c->o.fulfillments[k];
  bool with_lines = body && body->has_lines && (step == ENG_F_REJECT || step == ENG_F_SHIP);
  eng_picks picks;
  enum oms_err e;
  switch (step) {
  case ENG_F_ACCEPT:
    eng__set_fstatus(c, k, OMS_F_ACCEPTED);
    if (f->source_type == OMS_SRC_SUPPLIER)
      po_status_changed(c, f, OMS_PO_ACKNOWLEDGED);
    return OMS_OK;
  case ENG_F_READY:
    eng__set_fstatus(c, k, OMS_F_READY_FOR_PICKUP);
    return OMS_OK;
  case ENG_F_DELIVERED:
    for (size_t i = 0; i < f->n_lines; i++)
      eng__line_of(&c->o, f->lines[i].line)->delivered += f->lines[i].shipped;
    eng__set_fstatus(c, k, OMS_F_DELIVERED);
    return OMS_OK;
  case ENG_F_REJECT:
  case ENG_F_SHIP:
  case ENG_F_PICKED_UP:
    break;
  }
  e = pick_units(c->a, f, with_lines ? body->lines : NULL, with_lines ? body->n_lines : 0, &picks);
  if (e != OMS_OK)
    return e;
  if (picks.n == 0)
    return eng__refuse(c->a, OMS_ERR_INVALID_STATE, NULL,
                       step == ENG_F_REJECT ? "Nothing open in this fulfillment to reject"
                                            : "Nothing open in this fulfillment to ship");
  if (step != ENG_F_REJECT) {
    ship_units(c, k, step, &picks, body);
    return OMS_OK;
  }
  f->reason = body ? body->reason : NULL;
  c->touched[k] = true;
  reject_units(c, k, &picks, f->reason);
  return OMS_OK;
}

enum oms_err eng_act_fulfillment(struct eng_act *a, const struct oms_order *order,
                                 const char *fid, enum eng_fstep step,
                                 const struct eng_step_body *body, struct oms_change *change)
{
  struct eng_chg c;
  long k = eng__fulfillment_of(order, fid);
  if (k < 0)
    return eng__refuse(a, OMS_ERR_NOT_FOUND, "id", "does not exist");
  enum oms_err e = step_allowed(a, &order->fulfillments[k], step);
  if (e != OMS_OK)
    return e;
  eng__chg_init(&c, a, order, change);
  if ((e = run_step(&c, (size_t)k, step, body)) != OMS_OK)
    return e;
  eng__finish(&c);
  return OMS_OK;
}

enum oms_err eng_act_shortfall(struct eng_act *a, const struct oms_order *order, const char *fid,
                               const char *sku, long long units, struct oms_change *change)
{
  struct eng_chg c;
  long k = eng__fulfillment_of(order, fid);
  if (k < 0)
    return eng__refuse(a, OMS_ERR_NOT_FOUND, "id", "does not exist");
  eng__chg_init(&c, a, order, change);
  struct oms_fulfillment *f = &c.o.fulfillments[k];
  eng_picks picks = {0};
  for (size_t i = 0; i < f->n_lines && units > 0; i++) {
    struct oms_fulfillment_line *fl = &f->lines[i];
    if (strcmp(fl->sku, sku) != 0)
      continue;
    long long t = eng__open_units(fl) < units ? eng__open_units(fl) : units;
    if (t > 0) {
      pick(c.arena, &picks, fl, t);
      units -= t;
    }
  }
  c.touched[k] = true;
  reject_units(&c, (size_t)k, &picks, "inventory_discrepancy");
  eng__finish(&c);
  return OMS_OK;
}

/* ---- purchase-order acknowledgements ---- */

/* Records the supplier's answer per line; *rejects gets the open units of
 * rejected lines, *any_kept whether some open unit stays with the supplier. */
static enum oms_err ack_lines(struct eng_chg *c, struct oms_fulfillment *f,
                              const struct eng_ack_line *lines, size_t n,
                              eng_units_list *rejects, bool *any_kept)
{
  for (size_t i = 0; i < n; i++) {
    bool found = false;
    for (size_t k = 0; k < f->n_lines; k++) {
      struct oms_fulfillment_line *fl = &f->lines[k];
      if (strcmp(fl->sku, lines[i].sku) != 0)
        continue;
      found = true;
      *(struct oms_po_line_update *)OMS_APPEND(c->arena, c->p->po_line_updates) =
          (struct oms_po_line_update){.fulfillment_id = f->id, .line = fl->line,
                                      .shipped = fl->shipped, .status = lines[i].status};
      if (lines[i].status == OMS_POL_REJECTED && eng__open_units(fl) > 0)
        *(struct eng_units *)OMS_APPEND(c->arena, *rejects) =
            (struct eng_units){.sku = fl->sku, .quantity = eng__open_units(fl)};
      else
        *any_kept = true;
    }
    if (!found)
      return eng__refuse(c->a, OMS_ERR_VALIDATION, eng__fmt(c->arena, "lines[%zu].sku", i),
                         "is not on this purchase order");
  }
  /* lines the acknowledgement does not name are taken as accepted */
  for (size_t k = 0; k < f->n_lines; k++) {
    bool named = false;
    for (size_t i = 0; i < n; i++)
      named |= strcmp(f->lines[k].sku, lines[i].sku) == 0;
    *any_kept |= !named && eng__open_units(&f->lines[k]) > 0;
  }
  return OMS_OK;
}

enum oms_err eng_act_po_ack(struct eng_act *a, const struct oms_order *order, const char *fid,
                            const struct eng_ack_line *lines, size_t n,
                            struct oms_change *change)
{
  struct eng_chg c;
  long k = eng__fulfillment_of(order, fid);
  if (k < 0)
    return eng__refuse(a, OMS_ERR_NOT_FOUND, "id", "does not exist");
  enum oms_fstatus st = order->fulfillments[k].status;
  if (st != OMS_F_RELEASED && st != OMS_F_ACCEPTED)
    return step_refused(a, &order->fulfillments[k], "acknowledged");
  eng__chg_init(&c, a, order, change);
  struct oms_fulfillment *f = &c.o.fulfillments[k];
  eng_units_list rejects = {0};
  bool any_kept = false;
  enum oms_err e = ack_lines(&c, f, lines, n, &rejects, &any_kept);
  if (e != OMS_OK)
    return e;
  if (rejects.n > 0) {
    eng_picks picks;
    if ((e = pick_units(a, f, rejects.items, rejects.n, &picks)) != OMS_OK)
      return e;
    c.touched[k] = true;
    reject_units(&c, (size_t)k, &picks, "rejected by supplier");
  }
  /* when every open unit was rejected, finishing closes the fulfillment and
   * reports its purchase order (rejected, or shipped if some had left) */
  if (any_kept) {
    eng__set_fstatus(&c, (size_t)k, OMS_F_ACCEPTED);
    po_status_changed(&c, f, OMS_PO_ACKNOWLEDGED);
  }
  eng__finish(&c);
  return OMS_OK;
}
