/* actions.c: staff actions on captured orders: hold, release, cancel
 * (whole or some lines) and re-route. Each works on a copy of the order
 * (change.c) and records one change; statuses are re-derived by
 * lifecycle.c. */
#include <string.h>
#include "internal.h"

enum oms_err eng_act_hold(struct eng_act *a, const struct oms_order *order, const char *reason,
                          struct oms_change *change)
{
  struct eng_chg c;
  if (eng__order_final(order->status))
    return eng__refuse(a, OMS_ERR_INVALID_STATE, NULL,
                       "An order that is cancelled, shipped or returned cannot be held");
  if (order->n_holds > 0)
    return eng__refuse(a, OMS_ERR_INVALID_STATE, NULL, "The order is already on hold");
  eng__chg_init(&c, a, order, change);
  const char *why = reason ? reason : "manual hold";
  struct oms_new_hold hold = {.kind = OMS_HOLD_MANUAL, .reason = why};
  c.o.holds[c.o.n_holds++] = (struct oms_hold){.kind = hold.kind, .reason = why};
  *(struct oms_new_hold *)OMS_APPEND(c.arena, change->holds_add) = hold;
  eng__open_exception(&c, OMS_EXC_ORDER_HOLD, NULL, NULL, why)->data.by = a->actor;
  /* nothing goes out while held: work sent or accepted waits again */
  for (size_t k = 0; k < c.o.n_fulfillments; k++)
    if (c.o.fulfillments[k].status == OMS_F_RELEASED || c.o.fulfillments[k].status == OMS_F_ACCEPTED)
      eng__set_fstatus(&c, k, OMS_F_PENDING);
  eng__finish(&c);
  return OMS_OK;
}

enum oms_err eng_act_release(struct eng_act *a, const struct oms_order *order,
                             struct oms_change *change)
{
  struct eng_chg c;
  if (order->n_holds == 0)
    return eng__refuse(a, OMS_ERR_INVALID_STATE, NULL, "The order is not on hold");
  eng__chg_init(&c, a, order, change);
  change->release_holds = true;
  c.o.n_holds = 0;
  eng__finish(&c); /* sends the pending work out unless the order ships complete and waits */
  return OMS_OK;
}

/* Cancels n units of line L: waiting units first, then allocated ones. */
static void cancel_units(struct eng_chg *c, struct oms_order_line *L, long long n)
{
  long long t;
  L->cancelled += n;
  t = L->backordered < n ? L->backordered : n;
  L->backordered -= t;
  n -= t;
  t = L->preordered < n ? L->preordered : n;
  if (t > 0) {
    L->preordered -= t;
    *(struct oms_preorder_release *)OMS_APPEND(c->arena, c->p->preorder_release) =
        (struct oms_preorder_release){.sku = L->sku, .quantity = t};
  }
  n -= t;
  t = L->exception < n ? L->exception : n;
  L->exception -= t;
  n -= t;
  if (n > 0)
    eng__take_allocated(c, L, n, NULL, ENG_TAKE_CANCELLED, NULL);
}

static long long cancellable(const struct oms_order_line *L)
{
  return L->quantity - L->cancelled - L->shipped;
}

/* The line a cancel request names: by number, or the first open line of
 * its sku. *field names the request's field. */
static struct oms_order_line *cancel_target(struct eng_chg *c, const struct eng_cancel_line *req,
                                            size_t i, const char **field)
{
  if (req->line > 0) {
    *field = eng__fmt(c->arena, "lines[%zu].line", i);
    return eng__line_of(&c->o, req->line);
  }
  *field = eng__fmt(c->arena, "lines[%zu].sku", i);
  for (size_t k = 0; k < c->o.n_lines; k++)
    if (cancellable(&c->o.lines[k]) > 0 && req->sku && strcmp(c->o.lines[k].sku, req->sku) == 0)
      return &c->o.lines[k];
  return NULL;
}

static enum oms_err cancel_lines(struct eng_chg *c, const struct eng_cancel_line *lines, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    const char *field;
    struct oms_order_line *L = cancel_target(c, &lines[i], i, &field);
    if (!L)
      return eng__refuse(c->a, OMS_ERR_NOT_FOUND, field, "The order has no such line");
    long long can = cancellable(L);
    long long want = lines[i].quantity >= 0 ? lines[i].quantity : can;
    if (want > can || can == 0)
      return eng__refuse(
          c->a, OMS_ERR_INVALID_STATE, eng__fmt(c->arena, "lines[%zu].quantity", i),
          eng__fmt(c->arena,
                   "line %d: only %lld units can be cancelled (the rest is shipped or cancelled)",
                   L->line, can));
    cancel_units(c, L, want);
  }
  return OMS_OK;
}

enum oms_err eng_act_cancel(struct eng_act *a, const struct oms_order *order,
                            const struct eng_cancel_line *lines, size_t n, const char *reason,
                            struct oms_change *change)
{
  struct eng_chg c;
  eng__chg_init(&c, a, order, change);
  change->note = reason;
  if (!lines || n == 0) {
    long long total = 0;
    for (size_t i = 0; i < c.o.n_lines; i++) {
      long long can = cancellable(&c.o.lines[i]);
      if (can > 0) {
        cancel_units(&c, &c.o.lines[i], can);
        total += can;
      }
    }
    if (total == 0)
      return eng__refuse(a, OMS_ERR_INVALID_STATE, NULL,
                         "Nothing in this order can be cancelled: it is shipped or cancelled");
  } else {
    enum oms_err e = cancel_lines(&c, lines, n);
    if (e != OMS_OK)
      return e;
  }
  /* a cancelled order has nothing left to hold: its holds end with it */
  bool all_cancelled = true;
  for (size_t i = 0; i < c.o.n_lines; i++)
    all_cancelled &= c.o.lines[i].cancelled >= c.o.lines[i].quantity;
  if (all_cancelled && c.o.n_holds > 0) {
    change->release_holds = true;
    c.o.n_holds = 0;
  }
  eng__finish(&c);
  return OMS_OK;
}

enum oms_err eng_act_reroute(struct eng_act *a, const struct oms_order *order,
                             struct oms_change *change)
{
  struct eng_chg c;
  if (eng__order_final(order->status))
    return eng__refuse(a, OMS_ERR_INVALID_STATE, NULL,
                       "Nothing to re-route: the order is cancelled, shipped or returned");
  eng__chg_init(&c, a, order, change);
  eng_freed_list freed = {0};
  struct eng_units_req *units = oms_arena_alloc(c.arena, (c.o.n_lines + 1) * sizeof *units);
  size_t n = 0;
  for (size_t i = 0; i < c.o.n_lines; i++) {
    struct oms_order_line *L = &c.o.lines[i];
    long long open = L->allocated + L->exception + L->backordered;
    if (open <= 0)
      continue;
    eng__take_allocated(&c, L, L->allocated, NULL, ENG_TAKE_CANCELLED, &freed);
    L->exception = 0;
    L->backordered = 0;
    units[n++] = (struct eng_units_req){.line = L->line, .sku = L->sku, .quantity = open,
                                        .fulfillment = L->fulfillment,
                                        .pickup_location = L->pickup_location};
  }
  if (n == 0)
    return eng__refuse(a, OMS_ERR_INVALID_STATE, NULL,
                       "Nothing to re-route: every unit is shipped, cancelled or pre-ordered");
  eng__reroute_units(&c, &freed, units, n, NULL);
  eng__finish(&c);
  return OMS_OK;
}
