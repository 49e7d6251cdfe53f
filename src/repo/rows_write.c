/* rows_write.c: model -> JSON (include/oms/rows.h): the writes the
 * database functions oms_capture and oms_order_apply take, and the order
 * and fulfillment documents clients see. The shape of an order on the wire
 * is defined here and nowhere else. */
#include <string.h>
#include "oms/rows.h"

/* ---- values ---- */

static json_t *str_or_null(const char *s)
{
  return s ? json_string(s) : json_null();
}

static json_t *int_or_null(bool present, long long v)
{
  return present ? json_integer(v) : json_null();
}

/* Adds key only when s is set. */
static void set_opt(json_t *o, const char *key, const char *s)
{
  if (s)
    json_object_set_new(o, key, json_string(s));
}

/* Adds the array under key unless it is empty (the database functions
 * treat an absent array as empty). Steals arr. */
static void set_nonempty(json_t *o, const char *key, json_t *arr)
{
  if (json_array_size(arr) > 0)
    json_object_set_new(o, key, arr);
  else
    json_decref(arr);
}

/* Parses stored JSON text (the routing decision); null when absent. */
static json_t *embedded(const char *text)
{
  json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
  return v ? v : json_null();
}

json_t *rows_address_json(const struct oms_address *ad)
{
  return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "name", str_or_null(ad->name),
                   "line1", str_or_null(ad->line1), "line2", str_or_null(ad->line2), "city",
                   str_or_null(ad->city), "region", str_or_null(ad->region), "postal_code",
                   str_or_null(ad->postal_code), "country", str_or_null(ad->country), "phone",
                   str_or_null(ad->phone), "lat", ad->has_coords ? json_real(ad->lat) : json_null(),
                   "lon", ad->has_coords ? json_real(ad->lon) : json_null());
}

static json_t *customer_json(bool has, const struct oms_customer *c)
{
  if (!has)
    return json_null();
  return json_pack("{s:o,s:o}", "email", str_or_null(c->email), "name", str_or_null(c->name));
}

static json_t *payment_json(bool has, const struct oms_payment *p)
{
  if (!has)
    return json_null();
  return json_pack("{s:s,s:o}", "status", oms_payment_status_name(p->status), "amount",
                   int_or_null(p->has_amount, p->amount));
}

/* ---- events and exceptions ---- */

static json_t *event_json(const struct oms_event *e)
{
  json_t *d;
  switch (e->type) {
  case OMS_EV_ORDER_CREATED:
    d = json_pack("{s:s,s:s,s:n}", "order_id", e->order_id, "status", e->status,
                  "previous_status");
    break;
  case OMS_EV_ORDER_STATUS_CHANGED:
    d = json_pack("{s:s,s:s}", "order_id", e->order_id, "status", e->status);
    set_opt(d, "previous_status", e->previous_status);
    set_opt(d, "reason", e->reason);
    break;
  case OMS_EV_FULFILLMENT_CREATED:
  case OMS_EV_FULFILLMENT_STATUS_CHANGED:
    d = json_pack("{s:s,s:s,s:s,s:s}", "fulfillment_id", e->fulfillment_id, "order_id",
                  e->order_id, "source", e->source, "status", e->status);
    break;
  case OMS_EV_PURCHASE_ORDER_CREATED:
  case OMS_EV_PURCHASE_ORDER_STATUS_CHANGED:
    d = json_pack("{s:o,s:s,s:s}", "purchase_order_id", str_or_null(e->purchase_order_id),
                  "order_id", e->order_id, "status", e->status);
    break;
  case OMS_EV_EXCEPTION_OPENED:
  default:
    d = json_pack("{s:s,s:s,s:s}", "exception_id", e->exception_id, "kind", e->kind, "order_id",
                  e->order_id);
    break;
  }
  return json_pack("{s:s,s:o}", "type", oms_event_type_name(e->type), "data", d);
}

static json_t *events_json(const struct oms_event *ev, size_t n)
{
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, event_json(&ev[i]));
  return a;
}

static json_t *exception_data_json(const struct oms_exception_data *d)
{
  json_t *o = json_object();
  if (d->line > 0)
    json_object_set_new(o, "line", json_integer(d->line));
  if (d->rule_set)
    json_object_set_new(o, "rule", str_or_null(d->rule));
  set_opt(o, "by", d->by);
  if (d->fulfillment_id) {
    json_object_set_new(o, "fulfillment_id", json_string(d->fulfillment_id));
    if (d->reason_set)
      json_object_set_new(o, "reason", str_or_null(d->reason));
    json_object_set_new(o, "quantity", json_integer(d->quantity));
  }
  if (d->counts_set) {
    json_object_set_new(o, "on_hand", json_integer(d->on_hand));
    json_object_set_new(o, "reserved", json_integer(d->reserved));
    json_object_set_new(o, "shortfall", json_integer(d->shortfall));
  }
  return o;
}

static json_t *exceptions_json(const struct oms_new_exception *ex, size_t n)
{
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++) {
    const struct oms_new_exception *e = &ex[i];
    json_t *o = json_pack("{s:s,s:s}", "id", e->id, "kind", oms_exception_kind_name(e->kind));
    if (e->placed) {
      json_object_set_new(o, "location", str_or_null(e->location));
      json_object_set_new(o, "sku", str_or_null(e->sku));
    } else {
      set_opt(o, "location", e->location);
      set_opt(o, "sku", e->sku);
    }
    json_object_set_new(o, "detail", json_string(e->detail));
    json_object_set_new(o, "data", exception_data_json(&e->data));
    json_array_append_new(a, o);
  }
  return a;
}

static json_t *holds_json(const struct oms_new_hold *h, size_t n)
{
  json_t *a = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(a, json_pack("{s:s,s:o,s:o}", "kind", oms_hold_kind_name(h[i].kind),
                                       "rule", str_or_null(h[i].rule), "reason",
                                       str_or_null(h[i].reason)));
  return a;
}

/* ---- new fulfillments: the rows oms_place() writes ---- */

struct placement {
  json_t *fulfillments, *location_lines, *supplier_lines, *purchase_orders;
};

static void place_fulfillment(const struct oms_new_fulfillment *f, json_t *ship_to,
                              struct placement *p)
{
  bool supplier = f->source_type == OMS_SRC_SUPPLIER;
  json_t *lines = json_array();
  for (size_t k = 0; k < f->n_lines; k++) {
    const struct oms_fulfillment_line *l = &f->lines[k];
    json_array_append_new(lines, json_pack("{s:i,s:s,s:I}", "line", l->line, "sku", l->sku,
                                           "quantity", (json_int_t)l->quantity));
    json_array_append_new(supplier ? p->supplier_lines : p->location_lines,
                          json_pack("{s:s,s:i,s:s,s:s,s:I}", "fulfillment_id", f->id, "line",
                                    l->line, "sku", l->sku, "source", f->source, "quantity",
                                    (json_int_t)l->quantity));
  }
  json_array_append_new(p->fulfillments,
                        json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", f->id, "source_type",
                                  oms_source_type_name(f->source_type), "source", f->source,
                                  "fulfillment", oms_fulfillment_kind_name(f->fulfillment),
                                  "status", oms_fstatus_name(f->status), "lines", lines));
  if (!supplier)
    return;
  json_t *po_lines = json_array();
  for (size_t k = 0; k < f->n_po_lines; k++) {
    const struct oms_po_line *l = &f->po_lines[k];
    json_array_append_new(po_lines, json_pack("{s:i,s:i,s:s,s:I,s:I}", "line", l->line,
                                              "order_line", l->order_line, "sku", l->sku,
                                              "quantity", (json_int_t)l->quantity, "cost",
                                              (json_int_t)l->cost));
  }
  json_array_append_new(p->purchase_orders,
                        json_pack("{s:s,s:s,s:s,s:I,s:O,s:o}", "id", f->po_id, "supplier",
                                  f->source, "fulfillment_id", f->id, "total_cost",
                                  (json_int_t)f->po_total_cost, "ship_to", ship_to, "lines",
                                  po_lines));
}

static struct placement placements(const struct oms_new_fulfillment *f, size_t n, json_t *ship_to)
{
  struct placement p = {json_array(), json_array(), json_array(), json_array()};
  for (size_t i = 0; i < n; i++)
    place_fulfillment(&f[i], ship_to, &p);
  return p;
}

/* ---- the capture write (oms_capture) ---- */

static json_t *capture_line_json(const struct oms_capture_line *cl)
{
  const struct oms_order_line *l = &cl->l;
  json_t *o = json_pack("{s:i,s:s,s:I,s:I,s:s,s:o,s:s,s:I,s:I,s:I}", "line", l->line, "sku",
                        l->sku, "quantity", (json_int_t)l->quantity, "unit_price",
                        (json_int_t)l->unit_price, "fulfillment",
                        oms_fulfillment_kind_name(l->fulfillment), "pickup_location",
                        str_or_null(l->pickup_location), "status", oms_status_name(l->status),
                        "allocated", (json_int_t)l->allocated, "preordered",
                        (json_int_t)l->preordered, "backordered", (json_int_t)l->backordered);
  if (l->promise_date)
    json_object_set_new(o, "promise_date", json_string(l->promise_date));
  else if (cl->promise_days >= 0)
    json_object_set_new(o, "promise_days", json_integer(cl->promise_days));
  return o;
}

/* The order's own columns: the request as stored, and what capture decided. */
static json_t *capture_order_json(const struct oms_capture *c, const struct oms_order_request *r,
                                  bool embed_routing)
{
  json_t *o = json_pack("{s:s,s:o,s:s,s:o,s:o,s:s,s:o,s:b}", "channel", r->channel,
                        "external_id", str_or_null(r->external_id), "currency", c->currency,
                        "customer", customer_json(r->has_customer, &r->customer),
                        "shipping_address",
                        r->has_address ? rows_address_json(&r->address) : json_null(),
                        "ship_method", oms_ship_method_name(r->ship_method), "payment",
                        payment_json(r->has_payment, &r->payment), "ship_complete",
                        r->ship_complete);
  json_object_set_new(o, "id", json_string(c->order_id));
  json_object_set_new(o, "status", json_string(oms_status_name(c->status)));
  json_object_set_new(o, "total", json_integer(c->total));
  json_object_set_new(o, "routing", embed_routing ? embedded(c->routing_json) : json_null());
  json_object_set_new(o, "tracking_token", json_string(c->tracking_token));
  json_object_set_new(o, "exchange_for", str_or_null(c->exchange_for));
  return o;
}

json_t *rows_capture_payload(const struct oms_capture *c, const struct oms_order_request *r,
                             bool embed_routing)
{
  json_t *lines = json_array(), *holds = json_array(), *takes = json_array();
  for (size_t i = 0; i < c->lines.n; i++)
    json_array_append_new(lines, capture_line_json(&c->lines.items[i]));
  for (size_t i = 0; i < c->holds.n; i++) {
    const struct oms_new_hold *h = &c->holds.items[i];
    json_array_append_new(holds, json_pack("{s:o,s:o,s:s}", "rule", str_or_null(h->rule),
                                           "reason", str_or_null(h->reason), "kind",
                                           oms_hold_kind_name(h->kind)));
  }
  for (size_t i = 0; i < c->preorder_takes.n; i++) {
    const struct oms_preorder_take *t = &c->preorder_takes.items[i];
    json_array_append_new(takes, json_pack("{s:s,s:I,s:I,s:o}", "sku", t->sku, "quantity",
                                           (json_int_t)t->quantity, "limit", (json_int_t)t->limit,
                                           "channel_limit",
                                           int_or_null(t->channel_limit >= 0, t->channel_limit)));
  }
  json_t *ship_to = r->has_address ? rows_address_json(&r->address) : json_null();
  struct placement p = placements(c->fulfillments.items, c->fulfillments.n, ship_to);
  json_decref(ship_to);
  return json_pack("{s:o,s:s,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "order",
                   capture_order_json(c, r, embed_routing), "actor", c->actor, "safety_stock",
                   (json_int_t)c->safety_stock, "lines", lines, "holds", holds, "fulfillments",
                   p.fulfillments, "location_lines", p.location_lines, "supplier_lines",
                   p.supplier_lines, "preorder_takes", takes, "purchase_orders",
                   p.purchase_orders, "exceptions",
                   exceptions_json(c->exceptions.items, c->exceptions.n), "events",
                   events_json(c->events.items, c->events.n));
}

/* ---- a change (oms_order_apply) ---- */

static json_t *order_line_json(const struct oms_order_line *l)
{
  return json_pack("{s:i,s:s,s:I,s:I,s:s,s:o,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "line",
                   l->line, "sku", l->sku, "quantity", (json_int_t)l->quantity, "unit_price",
                   (json_int_t)l->unit_price, "fulfillment",
                   oms_fulfillment_kind_name(l->fulfillment), "pickup_location",
                   str_or_null(l->pickup_location), "status", oms_status_name(l->status),
                   "allocated", (json_int_t)l->allocated, "shipped", (json_int_t)l->shipped,
                   "delivered", (json_int_t)l->delivered, "returned", (json_int_t)l->returned,
                   "cancelled", (json_int_t)l->cancelled, "backordered",
                   (json_int_t)l->backordered, "preordered", (json_int_t)l->preordered,
                   "exception", (json_int_t)l->exception, "promise_date",
                   str_or_null(l->promise_date));
}

/* The fulfillment rows a change rewrites: lines, statuses, purchase orders. */
static void change_fulfillments_json(const struct oms_change *c, json_t *p)
{
  json_t *fl = json_array(), *fu = json_array(), *pu = json_array(), *plu = json_array();
  for (size_t i = 0; i < c->fulfillment_lines.n; i++) {
    const struct oms_fulfillment_line_update *u = &c->fulfillment_lines.items[i];
    json_array_append_new(fl, json_pack("{s:s,s:i,s:I,s:I,s:I,s:I}", "fulfillment_id",
                                        u->fulfillment_id, "line", u->line, "shipped",
                                        (json_int_t)u->shipped, "rejected", (json_int_t)u->rejected,
                                        "cancelled", (json_int_t)u->cancelled, "fenced",
                                        (json_int_t)u->fenced));
  }
  for (size_t i = 0; i < c->fulfillment_updates.n; i++) {
    const struct oms_fulfillment_update *u = &c->fulfillment_updates.items[i];
    json_t *o = json_pack("{s:s,s:s}", "id", u->id, "status", oms_fstatus_name(u->status));
    set_opt(o, "carrier", u->carrier);
    set_opt(o, "tracking_number", u->tracking_number);
    set_opt(o, "reason", u->reason);
    json_array_append_new(fu, o);
  }
  for (size_t i = 0; i < c->po_updates.n; i++)
    json_array_append_new(pu, json_pack("{s:s,s:s}", "fulfillment_id",
                                        c->po_updates.items[i].fulfillment_id, "status",
                                        oms_po_status_name(c->po_updates.items[i].status)));
  for (size_t i = 0; i < c->po_line_updates.n; i++) {
    const struct oms_po_line_update *u = &c->po_line_updates.items[i];
    json_t *o = json_pack("{s:s,s:i,s:I}", "fulfillment_id", u->fulfillment_id, "line", u->line,
                          "shipped", (json_int_t)u->shipped);
    set_opt(o, "status", oms_po_line_status_name(u->status));
    json_array_append_new(plu, o);
  }
  set_nonempty(p, "fulfillment_lines", fl);
  set_nonempty(p, "fulfillment_updates", fu);
  set_nonempty(p, "po_updates", pu);
  set_nonempty(p, "po_line_updates", plu);
}

/* Stock that changes hands: given back, shipped, lost. */
static void change_stock_json(const struct oms_change *c, json_t *p)
{
  json_t *ur = json_array(), *us = json_array(), *pr = json_array();
  json_t *moves[2] = {json_array(), json_array()};
  for (size_t i = 0; i < c->unreserve.n; i++) {
    const struct oms_stock_return *s = &c->unreserve.items[i];
    json_array_append_new(ur, json_pack("{s:s,s:s,s:I,s:I}", "location", s->source, "sku",
                                        s->sku, "quantity", (json_int_t)s->quantity, "fenced",
                                        (json_int_t)s->fenced));
  }
  for (size_t i = 0; i < c->unsupply.n; i++) {
    const struct oms_stock_return *s = &c->unsupply.items[i];
    json_array_append_new(us, json_pack("{s:s,s:s,s:I}", "supplier", s->source, "sku", s->sku,
                                        "quantity", (json_int_t)s->quantity));
  }
  for (size_t i = 0; i < c->preorder_release.n; i++)
    json_array_append_new(pr, json_pack("{s:s,s:I}", "sku", c->preorder_release.items[i].sku,
                                        "quantity",
                                        (json_int_t)c->preorder_release.items[i].quantity));
  const struct oms_stock_move *lists[2] = {c->ship_stock.items, c->lose_stock.items};
  size_t counts[2] = {c->ship_stock.n, c->lose_stock.n};
  for (int k = 0; k < 2; k++)
    for (size_t i = 0; i < counts[k]; i++) {
      const struct oms_stock_move *m = &lists[k][i];
      json_array_append_new(moves[k], json_pack("{s:s,s:s,s:I,s:s,s:s}", "location",
                                                m->location, "sku", m->sku, "quantity",
                                                (json_int_t)m->quantity, "reason",
                                                oms_stock_reason_name(m->reason), "reference",
                                                m->reference));
    }
  set_nonempty(p, "unreserve", ur);
  set_nonempty(p, "unsupply", us);
  set_nonempty(p, "preorder_release", pr);
  set_nonempty(p, "ship_stock", moves[0]);
  set_nonempty(p, "lose_stock", moves[1]);
}

json_t *rows_change_payload(const struct oms_change *c, const struct oms_address *ship_to)
{
  json_t *p = json_pack("{s:s,s:s,s:s}", "order_id", c->order_id, "actor", c->actor, "status",
                        oms_status_name(c->status));
  set_opt(p, "note", c->note);
  json_t *lines = json_array();
  for (size_t i = 0; i < c->n_lines; i++)
    json_array_append_new(lines, order_line_json(&c->lines[i]));
  json_object_set_new(p, "lines", lines);
  change_fulfillments_json(c, p);
  change_stock_json(c, p);
  set_nonempty(p, "holds_add", holds_json(c->holds_add.items, c->holds_add.n));
  if (c->release_holds)
    json_object_set_new(p, "release_holds", json_true());
  json_t *to = ship_to ? rows_address_json(ship_to) : json_null();
  struct placement pl = placements(c->fulfillments.items, c->fulfillments.n, to);
  json_decref(to);
  set_nonempty(p, "fulfillments", pl.fulfillments);
  set_nonempty(p, "location_lines", pl.location_lines);
  set_nonempty(p, "supplier_lines", pl.supplier_lines);
  set_nonempty(p, "purchase_orders", pl.purchase_orders);
  if (c->has_safety_stock)
    json_object_set_new(p, "safety_stock", json_integer(c->safety_stock));
  if (c->routing_json)
    json_object_set_new(p, "routing", embedded(c->routing_json));
  set_nonempty(p, "exceptions", exceptions_json(c->exceptions.items, c->exceptions.n));
  set_nonempty(p, "events", events_json(c->events.items, c->events.n));
  return p;
}

/* ---- a receipt (oms_receive) ---- */

/* A growing text buffer (the receipt's write is written as text: at ten
 * thousand orders a tree of small JSON values costs more than the SQL). */
struct text {
  char *s;
  size_t n, cap;
};

static void put(struct text *t, const char *s, size_t n)
{
  if (t->n + n + 1 > t->cap) {
    t->cap = (t->n + n + 1) * 2;
    t->s = oms_realloc(t->s, t->cap);
  }
  memcpy(t->s + t->n, s, n);
  t->n += n;
  t->s[t->n] = '\0';
}

static void puts_(struct text *t, const char *s)
{
  put(t, s, strlen(s));
}

/* Codes ([A-Za-z0-9._-], validated on the way in), UUIDs and enum names
 * need no escaping; anything else goes through put_json. */
static void put_code(struct text *t, const char *s)
{
  put(t, "\"", 1);
  puts_(t, s);
  put(t, "\"", 1);
}

static void put_int(struct text *t, long long v)
{
  char b[24];
  put(t, b, (size_t)snprintf(b, sizeof b, "%lld", v));
}

static void put_json(struct text *t, json_t *v)
{
  char *enc = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  puts_(t, enc);
  free(enc);
}

/* Pre-order counters fall per sku, overall ("*") and per channel. */
static void add_count(json_t *counts, const char *sku, const char *channel, long long q)
{
  size_t i;
  json_t *c;
  json_array_foreach(counts, i, c)
  {
    if (strcmp(json_string_value(json_object_get(c, "sku")), sku) == 0 &&
        strcmp(json_string_value(json_object_get(c, "channel")), channel) == 0) {
      json_object_set_new(c, "quantity",
                          json_integer(json_integer_value(json_object_get(c, "quantity")) + q));
      return;
    }
  }
  json_array_append_new(counts, json_pack("{s:s,s:s,s:I}", "sku", sku, "channel", channel,
                                          "quantity", (json_int_t)q));
}

/* The receipt's positional rows of one kind, over every change (the shape
 * oms_receive() reads). */
enum receipt_rows { R_LINES, R_FULFILLMENTS, R_FLINES, R_UPDATES, R_ORDERS, R_EVENTS };

static void sep(struct text *t, bool *first)
{
  if (!*first)
    put(t, ",", 1);
  *first = false;
}

static void receipt_rows_of(struct text *t, const struct oms_change *c, enum receipt_rows kind,
                            bool *first)
{
  switch (kind) {
  case R_LINES:
    for (size_t i = 0; i < c->n_lines; i++) {
      sep(t, first);
      put(t, "[", 1), put_code(t, c->order_id), put(t, ",", 1), put_int(t, c->lines[i].line);
      put(t, ",", 1), put_code(t, oms_status_name(c->lines[i].status)), put(t, ",", 1);
      put_int(t, c->lines[i].allocated), put(t, ",", 1), put_int(t, c->lines[i].preordered);
      put(t, "]", 1);
    }
    break;
  case R_FULFILLMENTS:
  case R_FLINES:
    for (size_t i = 0; i < c->fulfillments.n; i++) {
      const struct oms_new_fulfillment *f = &c->fulfillments.items[i];
      if (kind == R_FULFILLMENTS) {
        sep(t, first);
        put(t, "[", 1), put_code(t, f->id), put(t, ",", 1), put_code(t, c->order_id);
        put(t, ",", 1), put_code(t, oms_fulfillment_kind_name(f->fulfillment)), put(t, ",", 1);
        put_code(t, oms_fstatus_name(f->status)), put(t, "]", 1);
        continue;
      }
      for (size_t k = 0; k < f->n_lines; k++) {
        sep(t, first);
        put(t, "[", 1), put_code(t, f->id), put(t, ",", 1), put_int(t, f->lines[k].line);
        put(t, ",", 1), put_code(t, f->lines[k].sku), put(t, ",", 1);
        put_int(t, f->lines[k].quantity), put(t, "]", 1);
      }
    }
    break;
  case R_UPDATES:
    for (size_t i = 0; i < c->fulfillment_updates.n; i++) {
      sep(t, first);
      put(t, "[", 1), put_code(t, c->fulfillment_updates.items[i].id), put(t, ",", 1);
      put_code(t, oms_fstatus_name(c->fulfillment_updates.items[i].status)), put(t, "]", 1);
    }
    break;
  case R_ORDERS:
    sep(t, first);
    put(t, "[", 1), put_code(t, c->order_id), put(t, ",", 1);
    put_code(t, oms_status_name(c->status)), put(t, "]", 1);
    break;
  case R_EVENTS:
    for (size_t i = 0; i < c->events.n; i++) {
      json_t *ev = event_json(&c->events.items[i]);
      sep(t, first);
      put(t, "[", 1), put_code(t, oms_event_type_name(c->events.items[i].type));
      put(t, ",", 1), put_code(t, c->order_id), put(t, ",", 1);
      put_json(t, json_object_get(ev, "data")), put(t, "]", 1);
      json_decref(ev);
    }
    break;
  }
}

static json_t *receipt_counts(const struct oms_receipt *r)
{
  json_t *counts = json_array();
  for (size_t k = 0; k < r->changes.n; k++) {
    const struct oms_change *c = &r->changes.items[k];
    for (size_t i = 0; i < c->preorder_release.n; i++) {
      add_count(counts, c->preorder_release.items[i].sku, "*", c->preorder_release.items[i].quantity);
      add_count(counts, c->preorder_release.items[i].sku, c->channel,
                c->preorder_release.items[i].quantity);
    }
  }
  return counts;
}

char *rows_receipt_payload(const struct oms_receipt *r)
{
  struct text t = {0};
  json_t *stock = json_array(), *lines = json_array();
  for (size_t i = 0; i < r->stock.n; i++)
    json_array_append_new(stock, json_pack("{s:s,s:I,s:I}", "sku", r->stock.items[i].sku,
                                           "quantity", (json_int_t)r->stock.items[i].quantity,
                                           "reserve", (json_int_t)r->stock.items[i].reserve));
  for (size_t i = 0; i < r->n_lines; i++)
    json_array_append_new(lines, json_pack("{s:i,s:I}", "line", r->lines[i].line, "received",
                                           (json_int_t)r->lines[i].received));
  json_t *head = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o}", "inbound_id", r->inbound_id,
                           "location", r->location, "actor", r->actor, "status",
                           oms_inbound_status_name(r->status), "stock_in", stock,
                           "inbound_lines", lines, "counts", receipt_counts(r));
  put_json(&t, head);
  json_decref(head);
  t.n--; /* reopen the object */
  static const char *const keys[] = {"l", "f", "fl", "fu", "o", "e"};
  for (int k = R_LINES; k <= R_EVENTS; k++) {
    bool first = true;
    put(&t, ",\"", 2), puts_(&t, keys[k]), put(&t, "\":[", 3);
    for (size_t i = 0; i < r->changes.n; i++)
      receipt_rows_of(&t, &r->changes.items[i], (enum receipt_rows)k, &first);
    put(&t, "]", 1);
  }
  put(&t, "}", 1);
  return t.s;
}

/* ---- what clients see ---- */

json_t *rows_fulfillment_json(const struct oms_fulfillment *f)
{
  json_t *lines = json_array();
  for (size_t k = 0; k < f->n_lines; k++) {
    const struct oms_fulfillment_line *l = &f->lines[k];
    json_array_append_new(lines, json_pack("{s:i,s:s,s:I,s:I,s:I,s:I,s:I}", "line", l->line,
                                           "sku", l->sku, "quantity", (json_int_t)l->quantity,
                                           "shipped", (json_int_t)l->shipped, "rejected",
                                           (json_int_t)l->rejected, "cancelled",
                                           (json_int_t)l->cancelled, "fenced",
                                           (json_int_t)l->fenced));
  }
  return json_pack("{s:s,s:o,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:i,s:o,s:o,s:o}", "id", f->id,
                   "order_id", str_or_null(f->order_id), "source_type",
                   oms_source_type_name(f->source_type), "source", f->source, "fulfillment",
                   oms_fulfillment_kind_name(f->fulfillment), "status",
                   oms_fstatus_name(f->status), "carrier", str_or_null(f->carrier),
                   "tracking_number", str_or_null(f->tracking_number), "reason",
                   str_or_null(f->reason), "purchase_order_id", str_or_null(f->purchase_order_id),
                   "lines", lines, "version", f->version, "created_at", str_or_null(f->created_at),
                   "updated_at", str_or_null(f->updated_at), "shipped_at",
                   str_or_null(f->shipped_at));
}

json_t *rows_order_json(const struct oms_order *o)
{
  json_t *lines = json_array(), *fuls = json_array(), *holds = json_array();
  for (size_t i = 0; i < o->n_lines; i++)
    json_array_append_new(lines, order_line_json(&o->lines[i]));
  for (size_t i = 0; i < o->n_fulfillments; i++)
    json_array_append_new(fuls, rows_fulfillment_json(&o->fulfillments[i]));
  for (size_t i = 0; i < o->n_holds; i++) {
    const struct oms_hold *h = &o->holds[i];
    json_array_append_new(holds, json_pack("{s:s,s:o,s:o,s:o,s:o}", "kind",
                                           oms_hold_kind_name(h->kind), "rule", str_or_null(h->rule),
                                           "reason", str_or_null(h->reason), "created_by",
                                           str_or_null(h->created_by), "created_at",
                                           str_or_null(h->created_at)));
  }
  json_t *out = json_pack("{s:s,s:o,s:s,s:o,s:s,s:o,s:o,s:s,s:o,s:b,s:s,s:I,s:o}", "id", o->id,
                          "number", str_or_null(o->number), "channel", o->channel,
                          "external_id", str_or_null(o->external_id), "currency", o->currency,
                          "customer", customer_json(o->has_customer, &o->customer),
                          "shipping_address",
                          o->has_address ? rows_address_json(&o->address) : json_null(),
                          "ship_method", oms_ship_method_name(o->ship_method), "payment",
                          payment_json(o->has_payment, &o->payment), "ship_complete",
                          o->ship_complete, "status", oms_status_name(o->status), "total",
                          (json_int_t)o->total, "exchange_for", str_or_null(o->exchange_for));
  json_object_set_new(out, "lines", lines);
  json_object_set_new(out, "fulfillments", fuls);
  json_object_set_new(out, "holds", holds);
  json_object_set_new(out, "routing", embedded(o->routing_json));
  json_object_set_new(out, "tracking_token", str_or_null(o->tracking_token));
  json_object_set_new(out, "version", json_integer(o->version));
  json_object_set_new(out, "created_at", str_or_null(o->created_at));
  json_object_set_new(out, "updated_at", str_or_null(o->updated_at));
  return out;
}
