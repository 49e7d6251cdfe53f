/* actions.c: changes to captured orders: staff holds, releases, cancels and
 * re-routes. Each works on a copy of the order's state, moves units between
 * states (allocated at a source, cancelled, backordered, pre-ordered, in
 * exception), and emits one change for repo_order_apply: absolute line and
 * fulfillment-line quantities, the stock to give back, new fulfillments,
 * exceptions and events. Statuses are re-derived by lifecycle.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/engine.h"
#include "internal.h"

struct chg {
  struct eng_act *a;
  json_t *o;       /* the order, mutated */
  json_t *p;       /* the change */
  json_t *before;  /* fulfillment id -> status before */
  json_t *touched; /* fulfillment id -> true */
};

static long long qv(json_t *obj, const char *k)
{
  return (long long)json_integer_value(json_object_get(obj, k));
}

static void qset(json_t *obj, const char *k, long long v)
{
  json_object_set_new(obj, k, json_integer(v));
}

static const char *sv(json_t *obj, const char *k)
{
  return json_string_value(json_object_get(obj, k));
}

static void add(struct chg *c, const char *arr, json_t *v)
{
  json_t *a = json_object_get(c->p, arr);
  if (!a) {
    a = json_array();
    json_object_set_new(c->p, arr, a);
  }
  json_array_append_new(a, v);
}

static enum oms_err refuse(struct eng_act *a, enum oms_err e, const char *field, const char *msg)
{
  snprintf(a->detail, sizeof a->detail, "%s", msg);
  snprintf(a->field, sizeof a->field, "%s", field ? field : "");
  return e;
}

static void chg_init(struct chg *c, struct eng_act *a, json_t *order)
{
  c->a = a;
  c->o = json_deep_copy(order);
  c->p = json_pack("{s:O,s:s}", "order_id", json_object_get(order, "id"), "actor", a->actor);
  c->before = json_object();
  c->touched = json_object();
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(c->o, "fulfillments"), i, f)
      json_object_set(c->before, sv(f, "id"), json_object_get(f, "status"));
}

static void chg_free(struct chg *c)
{
  json_decref(c->o);
  json_decref(c->p);
  json_decref(c->before);
  json_decref(c->touched);
}

static bool is_any(const char *s, const char *const *set)
{
  for (; *set; set++)
    if (s && strcmp(s, *set) == 0)
      return true;
  return false;
}

static const char *const closed_fulfillment[] = {"shipped", "picked_up", "delivered", "cancelled",
                                                 "rejected", NULL};
static const char *const final_order[] = {"cancelled", "shipped", "delivered", "completed",
                                          "returned", "partially_returned", NULL};

static json_t *line_of(json_t *o, long long line)
{
  size_t i;
  json_t *l;
  json_array_foreach(json_object_get(o, "lines"), i, l) if (qv(l, "line") == line) return l;
  return NULL;
}

static long long open_units(json_t *fl)
{
  return qv(fl, "quantity") - qv(fl, "shipped") - qv(fl, "rejected") - qv(fl, "cancelled");
}

static void set_fstatus(struct chg *c, json_t *f, const char *status)
{
  json_object_set_new(f, "status", json_string(status));
  json_object_set_new(c->touched, sv(f, "id"), json_true());
}

/* Takes up to n open units of order line L off its fulfillments, newest
 * first (only fulfillment fid when given), counting them as `as` on the
 * fulfillment line ("cancelled" or "rejected"); gives their stock back.
 * *inputs_fix (may be NULL) gets the freed stock so a re-route sees it. */
static long long take_allocated(struct chg *c, json_t *L, long long n, const char *fid,
                                const char *as, json_t *freed)
{
  json_t *fs = json_object_get(c->o, "fulfillments");
  long long taken = 0;
  for (size_t k = json_array_size(fs); k-- > 0 && taken < n;) {
    json_t *f = json_array_get(fs, k);
    if (is_any(sv(f, "status"), closed_fulfillment) || (fid && strcmp(fid, sv(f, "id")) != 0))
      continue;
    size_t i;
    json_t *fl;
    json_array_foreach(json_object_get(f, "lines"), i, fl)
    {
      if (qv(fl, "line") != qv(L, "line") || taken >= n)
        continue;
      long long t = open_units(fl);
      if (t > n - taken)
        t = n - taken;
      if (t <= 0)
        continue;
      qset(fl, as, qv(fl, as) + t);
      qset(L, "allocated", qv(L, "allocated") - t);
      taken += t;
      json_object_set_new(c->touched, sv(f, "id"), json_true());
      bool supplier = strcmp(sv(f, "source_type"), "supplier") == 0;
      if (supplier) {
        /* units a supplier refused are not its to sell again */
        if (strcmp(as, "rejected") != 0)
          add(c, "unsupply", json_pack("{s:O,s:O,s:I}", "supplier", json_object_get(f, "source"),
                                       "sku", json_object_get(fl, "sku"), "quantity", (json_int_t)t));
      } else {
        long long fenced = qv(fl, "fenced") < t ? qv(fl, "fenced") : t;
        qset(fl, "fenced", qv(fl, "fenced") - fenced);
        add(c, "unreserve", json_pack("{s:O,s:O,s:I,s:I}", "location", json_object_get(f, "source"),
                                      "sku", json_object_get(fl, "sku"), "quantity", (json_int_t)t,
                                      "fenced", (json_int_t)fenced));
      }
      if (freed && !(supplier && strcmp(as, "rejected") == 0))
        json_array_append_new(freed, json_pack("{s:b,s:O,s:O,s:I}", "supplier", supplier,
                                               "source", json_object_get(f, "source"), "sku",
                                               json_object_get(fl, "sku"), "quantity",
                                               (json_int_t)t));
    }
  }
  return taken;
}

static void event(struct chg *c, const char *type, json_t *data)
{
  add(c, "events", json_pack("{s:s,s:o}", "type", type, "data", data));
}

static bool waiting_units(json_t *o)
{
  size_t i;
  json_t *l;
  json_array_foreach(json_object_get(o, "lines"), i, l) if (qv(l, "preordered") + qv(l, "backordered") > 0) return true;
  return false;
}

/* Re-derives statuses and writes every line, fulfillment line and changed
 * fulfillment into the change, with their events. */
static void finish(struct chg *c)
{
  json_t *o = c->o;
  bool held = json_array_size(json_object_get(o, "holds")) > 0;
  size_t i, n = json_array_size(json_object_get(o, "lines"));
  json_t *l, *f;
  const char **st = oms_calloc(n ? n : 1, sizeof *st);
  json_t *lines = json_array();
  json_array_foreach(json_object_get(o, "lines"), i, l)
  {
    struct eng_line_qty q = {
        .quantity = qv(l, "quantity"), .allocated = qv(l, "allocated"), .shipped = qv(l, "shipped"),
        .delivered = qv(l, "delivered"), .returned = qv(l, "returned"),
        .cancelled = qv(l, "cancelled"), .backordered = qv(l, "backordered"),
        .preordered = qv(l, "preordered"), .exception = qv(l, "exception"),
        .pickup = strcmp(sv(l, "fulfillment"), "pickup") == 0};
    json_object_set_new(l, "status", json_string(eng_line_status(&q, held)));
    st[i] = sv(l, "status");
    json_array_append(lines, l);
  }
  json_object_set_new(c->p, "lines", lines);
  /* work waits (pending) only while the order is held or ships complete
   * with units still waiting; once neither holds, it goes out */
  bool wait = json_is_true(json_object_get(o, "ship_complete")) && waiting_units(o);
  if (!held && !wait) {
    json_array_foreach(json_object_get(o, "fulfillments"), i, f)
    {
      if (strcmp(sv(f, "status"), "pending") == 0)
        set_fstatus(c, f, "released");
    }
  }
  const char *prev = sv(o, "status");
  const char *status = eng_order_status(st, n, held, json_is_true(json_object_get(o, "ship_complete")));
  free(st);

  json_array_foreach(json_object_get(o, "fulfillments"), i, f)
  {
    const char *id = sv(f, "id");
    if (!json_object_get(c->touched, id))
      continue;
    /* a fulfillment with nothing left open is done with: shipped (picked
     * up) when some of it left, else rejected or cancelled */
    long long open = 0, shipped = 0, rejected = 0;
    size_t k;
    json_t *fl;
    json_array_foreach(json_object_get(f, "lines"), k, fl)
    {
      open += open_units(fl);
      shipped += qv(fl, "shipped");
      rejected += qv(fl, "rejected");
      add(c, "fulfillment_lines", json_pack("{s:s,s:O,s:O,s:O,s:O,s:O}", "fulfillment_id", id,
                                            "line", json_object_get(fl, "line"), "shipped",
                                            json_object_get(fl, "shipped"), "rejected",
                                            json_object_get(fl, "rejected"), "cancelled",
                                            json_object_get(fl, "cancelled"), "fenced",
                                            json_object_get(fl, "fenced")));
    }
    bool closed_here = false; /* a step that ships the last units reports its PO itself */
    if (open == 0 && !is_any(sv(f, "status"), closed_fulfillment)) {
      bool pickup = strcmp(sv(f, "fulfillment"), "pickup") == 0;
      json_object_set_new(f, "status", json_string(shipped > 0    ? (pickup ? "picked_up" : "shipped")
                                                   : rejected > 0 ? "rejected"
                                                                  : "cancelled"));
      closed_here = true;
    }
    const char *was = json_string_value(json_object_get(c->before, id));
    json_t *u = json_pack("{s:s,s:O}", "id", id, "status", json_object_get(f, "status"));
    const char *extra[] = {"carrier", "tracking_number", "reason"};
    for (int e = 0; e < 3; e++)
      if (json_is_string(json_object_get(f, extra[e])))
        json_object_set(u, extra[e], json_object_get(f, extra[e]));
    add(c, "fulfillment_updates", u);
    if (!was || strcmp(was, sv(f, "status")) != 0) {
      event(c, "fulfillment.status_changed",
            json_pack("{s:s,s:O,s:O,s:O}", "fulfillment_id", id, "order_id",
                      json_object_get(o, "id"), "source", json_object_get(f, "source"), "status",
                      json_object_get(f, "status")));
      if (strcmp(sv(f, "source_type"), "supplier") == 0 &&
          (is_any(sv(f, "status"), (const char *const[]){"cancelled", "rejected", NULL}) ||
           (closed_here && strcmp(sv(f, "status"), "shipped") == 0))) {
        const char *po_status = sv(f, "status");
        add(c, "po_updates", json_pack("{s:s,s:s}", "fulfillment_id", id, "status", po_status));
        event(c, "purchase_order.status_changed",
              json_pack("{s:O,s:O,s:s}", "purchase_order_id", json_object_get(f, "purchase_order_id"),
                        "order_id", json_object_get(o, "id"), "status", po_status));
      }
    }
  }
  json_object_set_new(c->p, "status", json_string(status));
  if (!prev || strcmp(prev, status) != 0) {
    json_t *data = json_pack("{s:O,s:s,s:s?}", "order_id", json_object_get(o, "id"), "status",
                             status, "previous_status", prev);
    if (json_object_get(c->p, "note"))
      json_object_set(data, "reason", json_object_get(c->p, "note"));
    event(c, "order.status_changed", data);
  }
}

static json_t *done(struct chg *c)
{
  json_t *p = json_incref(c->p);
  chg_free(c);
  return p;
}

static void open_exception(struct chg *c, const char *kind, const char *location, const char *sku,
                           const char *detail, json_t *data)
{
  char id[37];
  c->a->new_id(id);
  json_t *e = json_pack("{s:s,s:s,s:s?,s:s?,s:s,s:o}", "id", id, "kind", kind, "location",
                        location, "sku", sku, "detail", detail, "data", data ? data : json_object());
  add(c, "exceptions", e);
  event(c, "exception.opened", json_pack("{s:s,s:s,s:O}", "exception_id", id, "kind", kind,
                                         "order_id", json_object_get(c->o, "id")));
}

enum oms_err eng_act_hold(struct eng_act *a, json_t *order, const char *reason, json_t **change)
{
  struct chg c;
  *change = NULL;
  if (is_any(sv(order, "status"), final_order))
    return refuse(a, OMS_ERR_INVALID_STATE, NULL, "An order that is cancelled, shipped or returned cannot be held");
  if (json_array_size(json_object_get(order, "holds")) > 0)
    return refuse(a, OMS_ERR_INVALID_STATE, NULL, "The order is already on hold");
  chg_init(&c, a, order);
  json_t *hold = json_pack("{s:s,s:n,s:s}", "kind", "manual", "rule", "reason", reason ? reason : "manual hold");
  json_array_append(json_object_get(c.o, "holds"), hold);
  add(&c, "holds_add", hold);
  open_exception(&c, "order_hold", NULL, NULL, reason ? reason : "manual hold", json_pack("{s:s}", "by", a->actor));
  size_t i;
  json_t *f;
  /* nothing goes out while held: work sent or accepted waits again */
  json_array_foreach(json_object_get(c.o, "fulfillments"), i, f)
  {
    if (strcmp(sv(f, "status"), "released") == 0 || strcmp(sv(f, "status"), "accepted") == 0)
      set_fstatus(&c, f, "pending");
  }
  finish(&c);
  *change = done(&c);
  return OMS_OK;
}


enum oms_err eng_act_release(struct eng_act *a, json_t *order, json_t **change)
{
  struct chg c;
  *change = NULL;
  if (json_array_size(json_object_get(order, "holds")) == 0)
    return refuse(a, OMS_ERR_INVALID_STATE, NULL, "The order is not on hold");
  chg_init(&c, a, order);
  json_object_set_new(c.p, "release_holds", json_true());
  json_array_clear(json_object_get(c.o, "holds"));
  finish(&c); /* sends the pending work out unless the order ships complete and waits */
  *change = done(&c);
  return OMS_OK;
}

/* Cancels n units of line L: waiting units first, then allocated ones. */
static void cancel_units(struct chg *c, json_t *L, long long n)
{
  long long t;
  qset(L, "cancelled", qv(L, "cancelled") + n);
  t = qv(L, "backordered") < n ? qv(L, "backordered") : n;
  qset(L, "backordered", qv(L, "backordered") - t);
  n -= t;
  t = qv(L, "preordered") < n ? qv(L, "preordered") : n;
  if (t > 0) {
    qset(L, "preordered", qv(L, "preordered") - t);
    add(c, "preorder_release", json_pack("{s:O,s:I}", "sku", json_object_get(L, "sku"), "quantity", (json_int_t)t));
  }
  n -= t;
  t = qv(L, "exception") < n ? qv(L, "exception") : n;
  qset(L, "exception", qv(L, "exception") - t);
  n -= t;
  if (n > 0)
    take_allocated(c, L, n, NULL, "cancelled", NULL);
}

enum oms_err eng_act_cancel(struct eng_act *a, json_t *order, json_t *lines, const char *reason,
                            json_t **change)
{
  struct chg c;
  char msg[200], field[64];
  *change = NULL;
  chg_init(&c, a, order);
  if (reason)
    json_object_set_new(c.p, "note", json_string(reason));
  long long total = 0;
  if (!lines) {
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(c.o, "lines"), i, l)
    {
      long long can = qv(l, "quantity") - qv(l, "cancelled") - qv(l, "shipped");
      if (can > 0) {
        cancel_units(&c, l, can);
        total += can;
      }
    }
    if (total == 0) {
      chg_free(&c);
      return refuse(a, OMS_ERR_INVALID_STATE, NULL, "Nothing in this order can be cancelled: it is shipped or cancelled");
    }
  } else {
    size_t i;
    json_t *req;
    json_array_foreach(lines, i, req)
    {
      json_t *L = NULL;
      if (json_is_integer(json_object_get(req, "line"))) {
        L = line_of(c.o, qv(req, "line"));
        snprintf(field, sizeof field, "lines[%zu].line", i);
      } else {
        /* by sku: the first line of that sku with units left to cancel */
        size_t k;
        json_t *x;
        json_array_foreach(json_object_get(c.o, "lines"), k, x)
        {
          bool open = qv(x, "quantity") - qv(x, "cancelled") - qv(x, "shipped") > 0;
          if (!L && open && strcmp(sv(x, "sku"), sv(req, "sku")) == 0)
            L = x;
        }
        snprintf(field, sizeof field, "lines[%zu].sku", i);
      }
      if (!L) {
        chg_free(&c);
        return refuse(a, OMS_ERR_NOT_FOUND, field, "The order has no such line");
      }
      long long can = qv(L, "quantity") - qv(L, "cancelled") - qv(L, "shipped");
      long long want = json_is_integer(json_object_get(req, "quantity")) ? qv(req, "quantity") : can;
      if (want > can || can == 0) {
        snprintf(field, sizeof field, "lines[%zu].quantity", i);
        snprintf(msg, sizeof msg, "line %lld: only %lld units can be cancelled (the rest is shipped or cancelled)",
                 qv(L, "line"), can);
        chg_free(&c);
        return refuse(a, OMS_ERR_INVALID_STATE, field, msg);
      }
      cancel_units(&c, L, want);
    }
  }
  /* a cancelled order has nothing left to hold: its holds end with it */
  bool all_cancelled = true;
  size_t k;
  json_t *x;
  json_array_foreach(json_object_get(c.o, "lines"), k, x) all_cancelled &=
      qv(x, "cancelled") >= qv(x, "quantity");
  if (all_cancelled && json_array_size(json_object_get(c.o, "holds")) > 0) {
    json_object_set_new(c.p, "release_holds", json_true());
    json_array_clear(json_object_get(c.o, "holds"));
  }
  finish(&c);
  *change = done(&c);
  return OMS_OK;
}

/* Frees the stock the change gives back in a copy of the inputs, so the
 * re-route sees the units it just released. */
static void credit_inputs(json_t *inputs, json_t *freed)
{
  size_t i, k;
  json_t *x, *s;
  json_array_foreach(freed, i, x)
  {
    bool sup = json_is_true(json_object_get(x, "supplier"));
    json_array_foreach(json_object_get(inputs, sup ? "suppliers" : "locations"), k, s)
    {
      if (strcmp(sv(s, "code"), sv(x, "source")) != 0)
        continue;
      json_t *pos = json_object_get(json_object_get(s, sup ? "items" : "stock"), sv(x, "sku"));
      if (!pos)
        continue;
      if (sup)
        qset(pos, "available", qv(pos, "available") + qv(x, "quantity"));
      else
        qset(pos, "reserved", qv(pos, "reserved") - qv(x, "quantity"));
    }
  }
}

/* Routes the given units (sublines) again, excluding one source, and books
 * the outcome: allocated units on new fulfillments, the rest backordered
 * when the rule allows it or else in exception for staff. */
static void reroute_units(struct chg *c, json_t *inputs, json_t *sublines, const char *exclude)
{
  bool held = json_array_size(json_object_get(c->o, "holds")) > 0;
  bool wait = json_is_true(json_object_get(c->o, "ship_complete")) && waiting_units(c->o);
  json_t *r = eng__route_units(c->o, inputs, sublines, exclude, held || wait ? "pending" : "released",
                               c->a->new_id);
  size_t i;
  json_t *s;
  const char *arrays[] = {"fulfillments", "location_lines", "supplier_lines", "purchase_orders", "events"};
  for (int k = 0; r && k < 5; k++) {
    json_t *x;
    size_t j;
    json_array_foreach(json_object_get(r, arrays[k]), j, x) add(c, arrays[k], json_incref(x));
  }
  if (r && !json_is_null(json_object_get(r, "routing")))
    json_object_set(c->p, "routing", json_object_get(r, "routing"));
  json_array_foreach(sublines, i, s)
  {
    json_t *L = line_of(c->o, qv(s, "line"));
    long long got = r ? json_integer_value(json_array_get(json_object_get(r, "allocated"), i)) : 0;
    long long rest = qv(s, "quantity") - got;
    qset(L, "allocated", qv(L, "allocated") + got);
    if (rest <= 0)
      continue;
    if (r && json_is_true(json_object_get(r, "backorder"))) {
      qset(L, "backordered", qv(L, "backordered") + rest);
    } else {
      char detail[200];
      qset(L, "exception", qv(L, "exception") + rest);
      snprintf(detail, sizeof detail, "%lld units of %s (line %lld) could not be routed again",
               rest, sv(L, "sku"), qv(L, "line"));
      open_exception(c, "unroutable", NULL, sv(L, "sku"), detail,
                     json_pack("{s:O}", "line", json_object_get(L, "line")));
    }
  }
  json_decref(r);
  /* an order that ships complete waits again if a unit ended up waiting */
  if (json_is_true(json_object_get(c->o, "ship_complete")) && waiting_units(c->o)) {
    json_t *f;
    json_array_foreach(json_object_get(c->p, "fulfillments"), i, f)
        json_object_set_new(f, "status", json_string("pending"));
  }
}

enum oms_err eng_act_reroute(struct eng_act *a, json_t *order, json_t *inputs, json_t **change)
{
  struct chg c;
  *change = NULL;
  if (is_any(sv(order, "status"), final_order))
    return refuse(a, OMS_ERR_INVALID_STATE, NULL, "Nothing to re-route: the order is cancelled, shipped or returned");
  chg_init(&c, a, order);
  json_t *freed = json_array(), *sublines = json_array();
  size_t i;
  json_t *L;
  json_array_foreach(json_object_get(c.o, "lines"), i, L)
  {
    long long open = qv(L, "allocated") + qv(L, "exception") + qv(L, "backordered");
    if (open <= 0)
      continue;
    take_allocated(&c, L, qv(L, "allocated"), NULL, "cancelled", freed);
    qset(L, "exception", 0);
    qset(L, "backordered", 0);
    json_array_append_new(sublines, json_pack("{s:O,s:O,s:I,s:O,s:O}", "line", json_object_get(L, "line"),
                                              "sku", json_object_get(L, "sku"), "quantity",
                                              (json_int_t)open, "fulfillment",
                                              json_object_get(L, "fulfillment"), "pickup_location",
                                              json_object_get(L, "pickup_location")));
  }
  if (json_array_size(sublines) == 0) {
    json_decref(freed);
    json_decref(sublines);
    chg_free(&c);
    return refuse(a, OMS_ERR_INVALID_STATE, NULL, "Nothing to re-route: every unit is shipped, cancelled or pre-ordered");
  }
  json_t *in = json_deep_copy(inputs);
  credit_inputs(in, freed);
  json_object_set_new(c.p, "safety_stock",
                      json_integer(qv(json_object_get(in, "channel"), "safety_stock")));
  reroute_units(&c, in, sublines, NULL);
  json_decref(in);
  json_decref(freed);
  json_decref(sublines);
  finish(&c);
  *change = done(&c);
  return OMS_OK;
}

/* ---- fulfillment steps ---- */

static json_t *fulfillment_of(json_t *o, const char *fid)
{
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(o, "fulfillments"), i, f) if (strcmp(sv(f, "id"), fid) == 0) return f;
  return NULL;
}

/* Units of fulfillment line fl already in picks (a request may name a sku
 * more than once: each entry takes only what the earlier ones left). */
static long long picked_from(json_t *picks, json_t *fl)
{
  long long n = 0;
  size_t i;
  json_t *pk;
  json_array_foreach(picks, i, pk) if (json_object_get(pk, "fl") == fl) n += qv(pk, "quantity");
  return n;
}

/* The units a step applies to: the requested {sku, quantity} list, or
 * every open unit. Returns an array of {fl, quantity} (fl borrowed), or
 * NULL with the refusal in a. */
static json_t *pick_units(struct eng_act *a, json_t *f, json_t *req, enum oms_err *err)
{
  json_t *picks = json_array();
  size_t i, k;
  json_t *r, *fl;
  if (!req) {
    json_array_foreach(json_object_get(f, "lines"), k, fl) if (open_units(fl) > 0)
        json_array_append_new(picks, json_pack("{s:O,s:I}", "fl", fl, "quantity", (json_int_t)open_units(fl)));
    return picks;
  }
  json_array_foreach(req, i, r)
  {
    long long want = qv(r, "quantity");
    char field[64], msg[200];
    snprintf(field, sizeof field, "lines[%zu].sku", i);
    bool found = false;
    json_array_foreach(json_object_get(f, "lines"), k, fl)
    {
      if (strcmp(sv(fl, "sku"), sv(r, "sku")) != 0 || want <= 0)
        continue;
      found = true;
      long long left = open_units(fl) - picked_from(picks, fl);
      long long t = left < want ? left : want;
      if (t > 0) {
        json_array_append_new(picks, json_pack("{s:O,s:I}", "fl", fl, "quantity", (json_int_t)t));
        want -= t;
      }
    }
    if (!found) {
      json_decref(picks);
      *err = refuse(a, OMS_ERR_VALIDATION, field, "is not in this fulfillment");
      return NULL;
    }
    if (want > 0) {
      snprintf(field, sizeof field, "lines[%zu].quantity", i);
      snprintf(msg, sizeof msg, "is more than the fulfillment has open for %s", sv(r, "sku"));
      json_decref(picks);
      *err = refuse(a, OMS_ERR_INVALID_STATE, field, msg);
      return NULL;
    }
  }
  return picks;
}

static enum oms_err step_refused(struct eng_act *a, json_t *f, const char *what)
{
  char msg[200];
  snprintf(msg, sizeof msg, "A fulfillment in status %s cannot be %s", sv(f, "status"), what);
  return refuse(a, OMS_ERR_INVALID_STATE, NULL, msg);
}

/* Takes units off a fulfillment as rejected and routes them elsewhere. */
static void reject_units(struct chg *c, json_t *f, json_t *picks, const char *reason,
                         json_t *inputs)
{
  json_t *freed = json_array(), *sublines = json_array();
  size_t i;
  json_t *pk;
  bool location = strcmp(sv(f, "source_type"), "location") == 0;
  json_array_foreach(picks, i, pk)
  {
    json_t *fl = json_object_get(pk, "fl");
    json_t *L = line_of(c->o, qv(fl, "line"));
    long long q = qv(pk, "quantity");
    take_allocated(c, L, q, sv(f, "id"), "rejected", freed);
    if (location && reason && (strcmp(reason, "short_pick") == 0 || strcmp(reason, "damaged") == 0))
      add(c, "lose_stock", json_pack("{s:O,s:O,s:I,s:s,s:O}", "location", json_object_get(f, "source"),
                                     "sku", json_object_get(fl, "sku"), "quantity", (json_int_t)q,
                                     "reason", strcmp(reason, "damaged") == 0 ? "damage" : "short_pick",
                                     "reference", json_object_get(f, "id")));
    json_array_append_new(sublines, json_pack("{s:O,s:O,s:I,s:O,s:O}", "line", json_object_get(L, "line"),
                                              "sku", json_object_get(L, "sku"), "quantity", (json_int_t)q,
                                              "fulfillment", json_object_get(L, "fulfillment"),
                                              "pickup_location", json_object_get(L, "pickup_location")));
    char detail[200];
    if (reason && strcmp(reason, "inventory_discrepancy") == 0)
      continue; /* the discrepancy itself is the exception */
    snprintf(detail, sizeof detail, "%s rejected %lld of %s (%s)", sv(f, "source"), q,
             sv(fl, "sku"), reason ? reason : "other");
    open_exception(c, "fulfillment_rejected", location ? sv(f, "source") : NULL, sv(fl, "sku"),
                   detail, json_pack("{s:O,s:s?,s:I}", "fulfillment_id", json_object_get(f, "id"),
                                     "reason", reason, "quantity", (json_int_t)q));
  }
  json_t *in = json_deep_copy(inputs);
  credit_inputs(in, freed);
  json_object_set_new(c->p, "safety_stock", json_integer(qv(json_object_get(in, "channel"), "safety_stock")));
  reroute_units(c, in, sublines, sv(f, "source"));
  json_decref(in);
  json_decref(freed);
  json_decref(sublines);
}

enum oms_err eng_act_fulfillment(struct eng_act *a, json_t *order, const char *fid,
                                 enum eng_fstep step, json_t *body, json_t *inputs,
                                 json_t **change)
{
  struct chg c;
  enum oms_err err = OMS_OK;
  *change = NULL;
  json_t *f0 = fulfillment_of(order, fid);
  if (!f0)
    return refuse(a, OMS_ERR_NOT_FOUND, "id", "does not exist");
  const char *st = sv(f0, "status");
  bool pickup = strcmp(sv(f0, "fulfillment"), "pickup") == 0;
  bool open_state = strcmp(st, "released") == 0 || strcmp(st, "accepted") == 0;
  switch (step) {
  case ENG_F_ACCEPT:
    if (strcmp(st, "released") != 0)
      return step_refused(a, f0, "accepted");
    break;
  case ENG_F_REJECT:
    if (!open_state && strcmp(st, "ready_for_pickup") != 0)
      return step_refused(a, f0, "rejected");
    break;
  case ENG_F_SHIP:
    if (!open_state)
      return step_refused(a, f0, "shipped");
    if (pickup)
      return refuse(a, OMS_ERR_INVALID_STATE, NULL, "A pickup fulfillment is picked up, not shipped");
    break;
  case ENG_F_READY:
    if (!pickup)
      return refuse(a, OMS_ERR_INVALID_STATE, NULL, "Only a pickup fulfillment can be ready for pickup");
    if (!open_state)
      return step_refused(a, f0, "made ready for pickup");
    break;
  case ENG_F_PICKED_UP:
    if (!pickup)
      return refuse(a, OMS_ERR_INVALID_STATE, NULL, "Only a pickup fulfillment can be picked up");
    if (strcmp(st, "ready_for_pickup") != 0)
      return step_refused(a, f0, "picked up");
    break;
  case ENG_F_DELIVERED:
    if (strcmp(st, "shipped") != 0)
      return step_refused(a, f0, "delivered");
    break;
  }
  chg_init(&c, a, order);
  json_t *f = fulfillment_of(c.o, fid);
  json_t *req = body ? json_object_get(body, "lines") : NULL;
  json_t *picks = NULL;
  size_t i;
  json_t *pk;
  bool supplier = strcmp(sv(f, "source_type"), "supplier") == 0;

  switch (step) {
  case ENG_F_ACCEPT:
    set_fstatus(&c, f, "accepted");
    if (supplier) {
      add(&c, "po_updates", json_pack("{s:s,s:s}", "fulfillment_id", fid, "status", "acknowledged"));
      event(&c, "purchase_order.status_changed",
            json_pack("{s:O,s:O,s:s}", "purchase_order_id", json_object_get(f, "purchase_order_id"),
                      "order_id", json_object_get(c.o, "id"), "status", "acknowledged"));
    }
    break;
  case ENG_F_READY:
    set_fstatus(&c, f, "ready_for_pickup");
    break;
  case ENG_F_REJECT:
    if (!(picks = pick_units(a, f, json_is_array(req) ? req : NULL, &err)))
      goto refused;
    if (json_array_size(picks) == 0) {
      err = refuse(a, OMS_ERR_INVALID_STATE, NULL, "Nothing open in this fulfillment to reject");
      goto refused;
    }
    json_object_set(f, "reason", json_object_get(body, "reason"));
    json_object_set_new(c.touched, fid, json_true());
    reject_units(&c, f, picks, sv(body, "reason"), inputs);
    break;
  case ENG_F_SHIP:
  case ENG_F_PICKED_UP: {
    if (!(picks = pick_units(a, f, step == ENG_F_SHIP && json_is_array(req) ? req : NULL, &err)))
      goto refused;
    if (json_array_size(picks) == 0) {
      err = refuse(a, OMS_ERR_INVALID_STATE, NULL, "Nothing open in this fulfillment to ship");
      goto refused;
    }
    json_array_foreach(picks, i, pk)
    {
      json_t *fl = json_object_get(pk, "fl");
      json_t *L = line_of(c.o, qv(fl, "line"));
      long long q = qv(pk, "quantity");
      qset(fl, "shipped", qv(fl, "shipped") + q);
      qset(L, "allocated", qv(L, "allocated") - q);
      qset(L, "shipped", qv(L, "shipped") + q);
      if (step == ENG_F_PICKED_UP)
        qset(L, "delivered", qv(L, "delivered") + q);
      if (!supplier)
        add(&c, "ship_stock", json_pack("{s:O,s:O,s:I,s:s,s:O}", "location", json_object_get(f, "source"),
                                        "sku", json_object_get(fl, "sku"), "quantity", (json_int_t)q,
                                        "reason", step == ENG_F_SHIP ? "shipment" : "pickup",
                                        "reference", json_object_get(f, "id")));
    }
    long long open = 0;
    json_t *fl;
    json_array_foreach(json_object_get(f, "lines"), i, fl) open += open_units(fl);
    if (step == ENG_F_SHIP) {
      json_object_set(f, "carrier", json_object_get(body, "carrier"));
      json_object_set(f, "tracking_number", json_object_get(body, "tracking_number"));
    }
    set_fstatus(&c, f, open > 0 ? sv(f, "status") : (step == ENG_F_SHIP ? "shipped" : "picked_up"));
    if (supplier) {
      json_array_foreach(json_object_get(f, "lines"), i, fl)
          add(&c, "po_line_updates", json_pack("{s:s,s:O,s:O}", "fulfillment_id", fid, "line",
                                               json_object_get(fl, "line"), "shipped",
                                               json_object_get(fl, "shipped")));
      const char *pos = open > 0 ? "partially_shipped" : "shipped";
      add(&c, "po_updates", json_pack("{s:s,s:s}", "fulfillment_id", fid, "status", pos));
      event(&c, "purchase_order.status_changed",
            json_pack("{s:O,s:O,s:s}", "purchase_order_id", json_object_get(f, "purchase_order_id"),
                      "order_id", json_object_get(c.o, "id"), "status", pos));
    }
    break;
  }
  case ENG_F_DELIVERED: {
    json_t *fl;
    json_array_foreach(json_object_get(f, "lines"), i, fl)
    {
      json_t *L = line_of(c.o, qv(fl, "line"));
      qset(L, "delivered", qv(L, "delivered") + qv(fl, "shipped"));
    }
    set_fstatus(&c, f, "delivered");
    break;
  }
  }
  json_decref(picks);
  finish(&c);
  *change = done(&c);
  return OMS_OK;
refused:
  json_decref(picks);
  chg_free(&c);
  return err;
}

enum oms_err eng_act_shortfall(struct eng_act *a, json_t *order, const char *fid, const char *sku,
                               long long units, json_t *inputs, json_t **change)
{
  struct chg c;
  *change = NULL;
  chg_init(&c, a, order);
  json_t *f = fulfillment_of(c.o, fid);
  if (!f) {
    chg_free(&c);
    return refuse(a, OMS_ERR_NOT_FOUND, "id", "does not exist");
  }
  json_t *picks = json_array();
  size_t i;
  json_t *fl;
  json_array_foreach(json_object_get(f, "lines"), i, fl)
  {
    if (strcmp(sv(fl, "sku"), sku) != 0 || units <= 0)
      continue;
    long long t = open_units(fl) < units ? open_units(fl) : units;
    if (t > 0) {
      json_array_append_new(picks, json_pack("{s:O,s:I}", "fl", fl, "quantity", (json_int_t)t));
      units -= t;
    }
  }
  json_object_set_new(c.touched, fid, json_true());
  reject_units(&c, f, picks, "inventory_discrepancy", inputs);
  json_decref(picks);
  finish(&c);
  *change = done(&c);
  return OMS_OK;
}

enum oms_err eng_act_po_ack(struct eng_act *a, json_t *order, const char *fid, json_t *lines,
                            json_t *inputs, json_t **change)
{
  struct chg c;
  enum oms_err err = OMS_OK;
  *change = NULL;
  json_t *f0 = fulfillment_of(order, fid);
  if (!f0)
    return refuse(a, OMS_ERR_NOT_FOUND, "id", "does not exist");
  if (strcmp(sv(f0, "status"), "released") != 0 && strcmp(sv(f0, "status"), "accepted") != 0)
    return step_refused(a, f0, "acknowledged");
  chg_init(&c, a, order);
  json_t *f = fulfillment_of(c.o, fid);
  json_t *rejects = json_array();
  size_t i, k;
  json_t *r, *fl;
  bool any_kept = false;
  json_array_foreach(lines, i, r)
  {
    bool found = false;
    const char *status = sv(r, "status");
    json_array_foreach(json_object_get(f, "lines"), k, fl)
    {
      if (strcmp(sv(fl, "sku"), sv(r, "sku")) != 0)
        continue;
      found = true;
      add(&c, "po_line_updates", json_pack("{s:s,s:O,s:O,s:s}", "fulfillment_id", fid, "line",
                                           json_object_get(fl, "line"), "shipped",
                                           json_object_get(fl, "shipped"), "status", status));
      if (strcmp(status, "rejected") == 0 && open_units(fl) > 0)
        json_array_append_new(rejects, json_pack("{s:O,s:I}", "sku", json_object_get(fl, "sku"),
                                                 "quantity", (json_int_t)open_units(fl)));
      else
        any_kept = true;
    }
    if (!found) {
      char field[64];
      snprintf(field, sizeof field, "lines[%zu].sku", i);
      err = refuse(a, OMS_ERR_VALIDATION, field, "is not on this purchase order");
      json_decref(rejects);
      chg_free(&c);
      return err;
    }
  }
  /* lines the acknowledgement does not name are taken as accepted */
  json_array_foreach(json_object_get(f, "lines"), k, fl)
  {
    bool named = false;
    json_array_foreach(lines, i, r) named |= strcmp(sv(fl, "sku"), sv(r, "sku")) == 0;
    any_kept |= !named && open_units(fl) > 0;
  }
  if (json_array_size(rejects) > 0) {
    json_t *picks = pick_units(a, f, rejects, &err);
    if (picks) {
      json_object_set_new(c.touched, fid, json_true());
      reject_units(&c, f, picks, "rejected by supplier", inputs);
      json_decref(picks);
    }
  }
  json_decref(rejects);
  if (err != OMS_OK) {
    chg_free(&c);
    return err;
  }
  /* when every open unit was rejected, finish() closes the fulfillment and
   * reports its purchase order (rejected, or shipped if some had left) */
  if (any_kept) {
    set_fstatus(&c, f, "accepted");
    add(&c, "po_updates", json_pack("{s:s,s:s}", "fulfillment_id", fid, "status", "acknowledged"));
    event(&c, "purchase_order.status_changed",
          json_pack("{s:O,s:O,s:s}", "purchase_order_id", json_object_get(f, "purchase_order_id"),
                    "order_id", json_object_get(c.o, "id"), "status", "acknowledged"));
  }
  finish(&c);
  *change = done(&c);
  return OMS_OK;
}
