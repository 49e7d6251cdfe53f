/* orders.c: the rules of order capture. Validates an order, applies the
 * order rules, routes it with the engine, decides each line's outcome
 * (allocated at sources, pre-ordered within limits, backordered when the
 * rule allows it) and builds the single write the repository performs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/engine.h"
#include "internal.h"
#include "oms/model.h"

#define QTY_MAX 1000000000LL
#define MONEY_MAX 1000000000000000LL

static const char *const ship_methods[] = {"standard", "express", NULL};
static const char *const fulfillment_kinds[] = {"ship", "pickup", NULL};
static const char *const payment_statuses[] = {"authorized", "paid", "deposit", NULL};

static const struct js_field customer_spec[] = {
    {.name = "email", .type = JS_STRING, .flags = JS_NULLABLE, .min = 3, .max = 254, .def = "null"},
    {.name = "name", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 200, .def = "null"},
    {.type = JS_END},
};

static const struct js_field address_spec[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 200, .def = "null"},
    {.name = "line1", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 200, .def = "null"},
    {.name = "line2", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 200, .def = "null"},
    {.name = "city", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 200, .def = "null"},
    {.name = "region", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 200, .def = "null"},
    {.name = "postal_code", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 32, .def = "null"},
    {.name = "country", .type = JS_STRING, .flags = JS_NULLABLE, .min = 2, .max = 2, .def = "null"},
    {.name = "phone", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 64, .def = "null"},
    {.name = "lat", .type = JS_NUMBER, .flags = JS_NULLABLE, .dmin = -90, .dmax = 90, .def = "null"},
    {.name = "lon", .type = JS_NUMBER, .flags = JS_NULLABLE, .dmin = -180, .dmax = 180, .def = "null"},
    {.type = JS_END},
};

static const struct js_field line_spec[] = {
    {.name = "sku", .type = JS_CODE, .flags = JS_REQUIRED},
    {.name = "quantity", .type = JS_INT, .flags = JS_REQUIRED, .min = 1, .max = QTY_MAX},
    {.name = "unit_price", .type = JS_INT, .flags = JS_NULLABLE, .min = 0, .max = MONEY_MAX, .def = "null"},
    {.name = "fulfillment", .type = JS_ENUM, .enums = fulfillment_kinds, .def = "\"ship\""},
    {.name = "pickup_location", .type = JS_CODE, .flags = JS_NULLABLE, .def = "null"},
    {.type = JS_END},
};

static const struct js_field payment_spec[] = {
    {.name = "status", .type = JS_ENUM, .flags = JS_REQUIRED, .enums = payment_statuses},
    {.name = "amount", .type = JS_INT, .flags = JS_NULLABLE, .min = 0, .max = MONEY_MAX, .def = "null"},
    {.type = JS_END},
};

static const struct js_field order_spec[] = {
    {.name = "channel", .type = JS_CODE, .flags = JS_REQUIRED},
    {.name = "external_id", .type = JS_STRING, .flags = JS_NULLABLE, .min = 1, .max = 128, .def = "null"},
    {.name = "currency", .type = JS_STRING, .flags = JS_NULLABLE, .min = 3, .max = 3, .def = "null"},
    {.name = "customer", .type = JS_OBJECT, .flags = JS_NULLABLE, .sub = customer_spec, .def = "null"},
    {.name = "shipping_address", .type = JS_OBJECT, .flags = JS_NULLABLE, .sub = address_spec, .def = "null"},
    {.name = "ship_method", .type = JS_ENUM, .enums = ship_methods, .def = "\"standard\""},
    {.name = "lines", .type = JS_ARRAY, .flags = JS_REQUIRED, .sub = line_spec, .max_items = 500},
    {.name = "payment", .type = JS_OBJECT, .flags = JS_NULLABLE, .sub = payment_spec, .def = "null"},
    {.name = "ship_complete", .type = JS_BOOL, .def = "false"},
    {.type = JS_END},
};

static bool upper2(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] < 'A' || s[i] > 'Z')
      return false;
  return true;
}

int eng_order_parse(json_t *in, json_t **out, json_t *errors)
{
  size_t before = json_array_size(errors);
  if (js_parse(order_spec, in, "", out, errors) != 0)
    return -1;
  const char *cur = json_string_value(json_object_get(*out, "currency"));
  if (cur && !upper2(cur, 3))
    js_error(errors, "currency", "must be a 3-letter upper-case ISO 4217 code");
  json_t *addr = json_object_get(*out, "shipping_address");
  if (json_is_object(addr)) {
    const char *country = json_string_value(json_object_get(addr, "country"));
    if (country && !upper2(country, 2))
      js_error(errors, "shipping_address.country", "must be a 2-letter upper-case ISO 3166 code");
    bool lat = !json_is_null(json_object_get(addr, "lat"));
    bool lon = !json_is_null(json_object_get(addr, "lon"));
    if (lat != lon)
      js_error(errors, lat ? "shipping_address.lon" : "shipping_address.lat",
               "lat and lon must be given together");
  }
  json_t *cust = json_object_get(*out, "customer");
  const char *email = json_string_value(json_object_get(cust, "email"));
  if (email && !strchr(email, '@'))
    js_error(errors, "customer.email", "must be an email address");
  size_t i;
  json_t *l;
  json_array_foreach(json_object_get(*out, "lines"), i, l)
  {
    char path[64];
    bool pickup = strcmp(json_string_value(json_object_get(l, "fulfillment")), "pickup") == 0;
    snprintf(path, sizeof path, "lines[%zu].pickup_location", i);
    if (pickup && json_is_null(json_object_get(l, "pickup_location")))
      js_error(errors, path, "is required when fulfillment is pickup");
    if (!pickup)
      json_object_set_new(l, "pickup_location", json_null());
  }
  if (json_array_size(errors) > before) {
    json_decref(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

/* ---- capture ---- */

/* Everything one capture works with, in one place. */
struct capture {
  const struct eng_capture_in *in;
  struct oms_arena *arena;
  struct oms_capture *out;
  eng_errors *errors;
  long long *unit_prices, *catalog_prices; /* per line */
  bool held, any_waiting;
};

static void add_error(struct capture *c, const char *field, const char *msg)
{
  struct eng_field_error *e = OMS_APPEND(c->arena, *c->errors);
  e->field = field;
  e->message = msg;
}

static bool location_exists(const struct oms_capture_inputs *in, const char *code)
{
  for (size_t i = 0; i < in->n_locations; i++)
    if (strcmp(in->locations[i].code, code) == 0)
      return true;
  return false;
}

/* Every sku and pickup store the order names must exist. */
static bool check_refs(const struct eng_capture_in *in, struct oms_arena *a, eng_errors *errors)
{
  struct capture c = {.in = in, .arena = a, .errors = errors};
  if (!in->inputs->channel_found) {
    add_error(&c, "channel", "does not exist");
    return false;
  }
  for (size_t i = 0; i < in->order->n_lines; i++) {
    const struct oms_request_line *l = &in->order->lines[i];
    if (!eng__item(in->inputs, l->sku))
      add_error(&c, eng__fmt(a, "lines[%zu].sku", i), "does not exist");
    if (l->pickup_location && !location_exists(in->inputs, l->pickup_location))
      add_error(&c, eng__fmt(a, "lines[%zu].pickup_location", i), "does not exist");
  }
  return errors->n == 0;
}

static struct eng_route_order route_order_of(const struct eng_capture_in *in)
{
  const struct oms_order_request *o = in->order;
  return (struct eng_route_order){.order_id = in->ctx ? in->ctx->order_id : NULL,
                                  .channel = o->channel,
                                  .ship_method = o->ship_method,
                                  .address = o->has_address ? &o->address : NULL};
}

static struct eng_units_req *units_of(const struct oms_order_request *o, struct oms_arena *a)
{
  struct eng_units_req *u = oms_arena_alloc(a, (o->n_lines + 1) * sizeof *u);
  for (size_t i = 0; i < o->n_lines; i++)
    u[i] = (struct eng_units_req){.line = (int)i + 1,
                                  .sku = o->lines[i].sku,
                                  .quantity = o->lines[i].quantity,
                                  .fulfillment = o->lines[i].fulfillment,
                                  .pickup_location = o->lines[i].pickup_location};
  return u;
}

enum eng_capture_result eng_simulate(const struct eng_capture_in *in, struct oms_arena *a,
                                     const char **decision_json, eng_errors *errors)
{
  struct eng_placement placed;
  *decision_json = NULL;
  if (!check_refs(in, a, errors))
    return ENG_CAPTURE_UNKNOWN;
  struct eng_route_order ro = route_order_of(in);
  struct eng_place_ctx ctx = {.arena = a, .order = &ro, .inputs = in->inputs,
                              .routing = in->routing, .new_id = oms_uuid_new};
  int rc = eng__plan(&ctx, units_of(in->order, a), in->order->n_lines, &placed);
  *decision_json = placed.routing_json;
  eng__placement_free(&placed);
  return rc == 0 ? ENG_CAPTURE_OK : ENG_CAPTURE_FAULT;
}

/* Unit and catalog prices per line; a line without a unit price pays the
 * catalog's. */
static void resolve_prices(struct capture *c)
{
  const struct oms_order_request *o = c->in->order;
  c->unit_prices = oms_arena_alloc(c->arena, (o->n_lines + 1) * sizeof *c->unit_prices);
  c->catalog_prices = oms_arena_alloc(c->arena, (o->n_lines + 1) * sizeof *c->catalog_prices);
  for (size_t i = 0; i < o->n_lines; i++) {
    const struct oms_item_view *item = eng__item(c->in->inputs, o->lines[i].sku);
    c->catalog_prices[i] = item->price;
    c->unit_prices[i] = o->lines[i].has_unit_price ? o->lines[i].unit_price : item->price;
  }
}

/* Pre-ordered units of sku this order already took (earlier lines). */
static struct oms_preorder_take *take_of(struct capture *c, const struct oms_item_view *item)
{
  for (size_t i = 0; i < c->out->preorder_takes.n; i++)
    if (strcmp(c->out->preorder_takes.items[i].sku, item->sku) == 0)
      return &c->out->preorder_takes.items[i];
  return NULL;
}

/* Units of the line left unsourced that pre-order headroom covers. */
static long long preorder_units(struct capture *c, const struct oms_item_view *item, long long rest)
{
  if (rest <= 0 || !c->in->inputs->channel.preorders || !item->preorder.enabled)
    return 0;
  struct oms_preorder_take *t = take_of(c, item);
  long long already = t ? t->quantity : 0;
  struct oms_preorder_state st = eng__preorder_state(c->in->inputs, item->sku);
  long long head = eng_preorder_headroom(&item->preorder, st.outstanding + already,
                                         st.outstanding_channel + already);
  long long pre = rest < head ? rest : head;
  if (pre > 0 && !t) {
    t = OMS_APPEND(c->arena, c->out->preorder_takes);
    t->sku = item->sku;
    t->limit = eng_preorder_limit(&item->preorder);
    t->channel_limit = item->preorder.channel_limit;
  }
  if (pre > 0)
    t->quantity += pre;
  return pre;
}

/* Decides line i: allocated as placed, pre-ordered within the limits, the
 * rest backordered when the rule (or the channel, for Shopify) allows it,
 * else refused. Returns false when refused. */
static bool decide_line(struct capture *c, size_t i, const struct eng_placement *placed)
{
  const struct oms_request_line *rl = &c->in->order->lines[i];
  const struct eng_capture_ctx *ctx = c->in->ctx;
  const struct oms_item_view *item = eng__item(c->in->inputs, rl->sku);
  long long qty = rl->quantity, rest = qty - placed->allocated[i], back = 0;
  long long pre = preorder_units(c, item, rest);
  rest -= pre;
  if (rest > 0 && !(placed->backorder || ctx->never_refuse)) {
    add_error(c, eng__fmt(c->arena, "lines[%zu].quantity", i),
              eng__fmt(c->arena, "only %lld of %lld can be sourced", qty - rest, qty));
    return false;
  }
  if (rest > 0) {
    back = rest;
    if (ctx->never_refuse && !placed->backorder) {
      struct oms_new_exception *x = eng__exception(
          c->arena, &c->out->exceptions, NULL, ctx->new_id, OMS_EXC_UNROUTABLE, ctx->order_id,
          eng__fmt(c->arena, "%lld of %lld units of %s could not be sourced", rest, qty, rl->sku));
      x->sku = rl->sku;
      x->data.line = (int)i + 1;
    }
  }
  c->any_waiting |= pre > 0 || back > 0;
  struct eng_line_qty q = {.quantity = qty, .allocated = placed->allocated[i], .preordered = pre,
                           .backordered = back, .pickup = rl->fulfillment == OMS_PICKUP};
  struct oms_capture_line *cl = OMS_APPEND(c->arena, c->out->lines);
  cl->l = (struct oms_order_line){.line = (int)i + 1, .sku = rl->sku, .quantity = qty,
                                  .unit_price = c->unit_prices[i], .fulfillment = rl->fulfillment,
                                  .pickup_location = rl->pickup_location,
                                  .status = eng_line_status(&q, c->held),
                                  .allocated = placed->allocated[i], .preordered = pre,
                                  .backordered = back};
  cl->promise_days = -1;
  if (pre > 0 && item->preorder.release_date)
    cl->l.promise_date = item->preorder.release_date;
  else if (placed->allocated[i] > 0)
    cl->promise_days = (int)placed->days[i];
  return true;
}

/* Holds become exceptions for staff, and every exception is announced. */
static void open_hold_exceptions(struct capture *c)
{
  const struct eng_capture_ctx *ctx = c->in->ctx;
  for (size_t i = 0; i < c->out->holds.n; i++) {
    const struct oms_new_hold *h = &c->out->holds.items[i];
    struct oms_new_exception *x = eng__exception(
        c->arena, &c->out->exceptions, NULL, ctx->new_id,
        h->kind == OMS_HOLD_PRICE_MISMATCH ? OMS_EXC_PRICE_MISMATCH : OMS_EXC_ORDER_HOLD,
        ctx->order_id, h->reason ? h->reason : "held by an order rule");
    x->data.rule = h->rule;
    x->data.rule_set = true;
  }
  for (size_t i = 0; i < c->out->exceptions.n; i++) {
    const struct oms_new_exception *x = &c->out->exceptions.items[i];
    struct oms_event *e = eng__event(c->arena, &c->out->events, OMS_EV_EXCEPTION_OPENED,
                                     ctx->order_id);
    e->exception_id = x->id;
    e->kind = oms_exception_kind_name(x->kind);
  }
}

static enum oms_status order_status_of(struct capture *c)
{
  size_t n = c->out->lines.n;
  enum oms_status *st = oms_arena_alloc(c->arena, (n + 1) * sizeof *st);
  for (size_t i = 0; i < n; i++)
    st[i] = c->out->lines.items[i].l.status;
  return eng_order_status(st, n, c->held, c->in->order->ship_complete);
}

static void capture_header(struct capture *c)
{
  const struct eng_capture_ctx *ctx = c->in->ctx;
  const struct oms_order_request *o = c->in->order;
  struct oms_capture *out = c->out;
  out->order_id = ctx->order_id;
  out->tracking_token = ctx->tracking_token;
  out->actor = ctx->actor;
  out->exchange_for = ctx->exchange_for;
  out->currency = o->currency ? o->currency : c->in->inputs->channel.currency;
  out->total = eng_order_total(o, c->unit_prices);
  out->safety_stock = c->in->inputs->channel.safety_stock;
}

/* Decides every line; false when one cannot be sourced. */
static bool decide_lines(struct capture *c, const struct eng_placement *placed)
{
  bool ok = true;
  for (size_t i = 0; i < c->in->order->n_lines; i++)
    ok &= decide_line(c, i, placed);
  return ok;
}

enum eng_capture_result eng_capture(const struct eng_capture_in *in, struct oms_arena *a,
                                    struct oms_capture *out, eng_errors *errors)
{
  struct capture c = {.in = in, .arena = a, .out = out, .errors = errors};
  const struct oms_order_request *o = in->order;
  enum eng_capture_result result = ENG_CAPTURE_OK;
  memset(out, 0, sizeof *out);
  if (!check_refs(in, a, errors))
    return ENG_CAPTURE_UNKNOWN;
  resolve_prices(&c);
  capture_header(&c);
  eng_order_rules_eval(in->order_rules, o, c.unit_prices, c.catalog_prices, a, &out->holds);
  c.held = out->holds.n > 0;

  struct eng_route_order ro = route_order_of(in);
  struct eng_place_ctx place = {.arena = a, .order = &ro, .inputs = in->inputs,
                                .routing = in->routing, .new_id = in->ctx->new_id};
  struct eng_units_req *units = units_of(o, a);
  struct eng_placement placed;
  if (eng__plan(&place, units, o->n_lines, &placed) != 0) {
    add_error(&c, "lines", "the routing engine refused the order's lines");
    result = ENG_CAPTURE_FAULT;
    goto cleanup;
  }
  if (!decide_lines(&c, &placed)) {
    result = ENG_CAPTURE_INSUFFICIENT;
    goto cleanup;
  }
  out->routing_json = placed.routing_json;
  out->status = order_status_of(&c);
  struct oms_event *created = eng__event(a, &out->events, OMS_EV_ORDER_CREATED, out->order_id);
  created->status = oms_status_name(out->status);
  /* one fulfillment per source; work waits while held or shipping complete */
  eng__emit(&place, &placed, units, eng_work_status(c.held, o->ship_complete, c.any_waiting),
            &out->fulfillments, &out->events);
  open_hold_exceptions(&c);
cleanup:
  eng__placement_free(&placed);
  return result;
}

/* ---- the order a capture created ---- */

static int by_line(const void *x, const void *y)
{
  int a = ((const struct oms_fulfillment_line *)x)->line;
  int b = ((const struct oms_fulfillment_line *)y)->line;
  return (a > b) - (a < b);
}

static long long fenced_units(const struct oms_capture_result *db, const char *fid, int line)
{
  for (size_t i = 0; i < db->n_fenced; i++)
    if (strcmp(db->fenced[i].fulfillment_id, fid) == 0 && db->fenced[i].line == line)
      return db->fenced[i].fenced;
  return 0;
}

static void captured_fulfillment(const struct oms_capture *c, const struct oms_new_fulfillment *nf,
                                 const struct oms_capture_result *db, struct oms_arena *a,
                                 struct oms_fulfillment *f)
{
  *f = (struct oms_fulfillment){
      .id = nf->id, .order_id = c->order_id, .source_type = nf->source_type,
      .source = nf->source, .fulfillment = nf->fulfillment, .status = nf->status,
      .purchase_order_id = nf->source_type == OMS_SRC_SUPPLIER ? nf->po_id : NULL,
      .n_lines = nf->n_lines, .version = 1, .created_at = db->created_at,
      .updated_at = db->created_at};
  struct oms_fulfillment_line *lines = oms_arena_alloc(a, (nf->n_lines + 1) * sizeof *lines);
  for (size_t k = 0; k < nf->n_lines; k++) {
    lines[k] = (struct oms_fulfillment_line){.line = nf->lines[k].line, .sku = nf->lines[k].sku,
                                             .quantity = nf->lines[k].quantity};
    lines[k].fenced = fenced_units(db, nf->id, lines[k].line);
  }
  qsort(lines, nf->n_lines, sizeof *lines, by_line);
  f->lines = lines;
}

void eng_captured_order(const struct oms_capture *c, const struct oms_order_request *req,
                        const struct oms_capture_result *db, struct oms_arena *a,
                        struct oms_order *out)
{
  *out = (struct oms_order){
      .id = c->order_id, .number = db->number, .channel = req->channel,
      .external_id = req->external_id, .currency = c->currency,
      .has_customer = req->has_customer, .has_address = req->has_address,
      .has_payment = req->has_payment, .customer = req->customer, .address = req->address,
      .payment = req->payment, .ship_method = req->ship_method,
      .ship_complete = req->ship_complete, .status = c->status, .total = c->total,
      .exchange_for = c->exchange_for, .routing_json = c->routing_json,
      .tracking_token = c->tracking_token, .version = 1, .created_at = db->created_at,
      .updated_at = db->created_at};
  out->n_lines = c->lines.n;
  out->lines = oms_arena_alloc(a, (c->lines.n + 1) * sizeof *out->lines);
  for (size_t i = 0; i < c->lines.n; i++) {
    out->lines[i] = c->lines.items[i].l;
    out->lines[i].promise_date = db->promise_dates ? db->promise_dates[i] : NULL;
  }
  out->n_fulfillments = c->fulfillments.n;
  out->fulfillments = oms_arena_alloc(a, (c->fulfillments.n + 1) * sizeof *out->fulfillments);
  for (size_t i = 0; i < c->fulfillments.n; i++)
    captured_fulfillment(c, &c->fulfillments.items[i], db, a, &out->fulfillments[i]);
  out->n_holds = c->holds.n;
  out->holds = oms_arena_alloc(a, (c->holds.n + 1) * sizeof *out->holds);
  for (size_t i = 0; i < c->holds.n; i++)
    out->holds[i] = (struct oms_hold){.kind = c->holds.items[i].kind,
                                      .rule = c->holds.items[i].rule,
                                      .reason = c->holds.items[i].reason,
                                      .created_by = "rule",
                                      .created_at = db->created_at};
}
