/* orders.c: the rules of order capture. Validates an order, applies the
 * order rules, routes it with the engine, decides each line's outcome
 * (allocated at sources, pre-ordered within limits, backordered when the
 * rule allows it) and builds the single write the repository performs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/engine.h"
#include "internal.h"

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

static long long jint(json_t *o, const char *k, long long def)
{
  json_t *v = json_object_get(o, k);
  return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

static const char *jstr(json_t *o, const char *k)
{
  return json_string_value(json_object_get(o, k));
}

static void add_error(json_t **errors, const char *field, const char *msg)
{
  if (!*errors)
    *errors = json_array();
  js_error(*errors, field, msg);
}

struct capture {
  json_t *order, *inputs, *channel, *items;
  const struct eng_capture_ctx *ctx;
  size_t n_lines;
  struct eng_order_line *lines;
  struct eng_source *sources;
  size_t n_sources;
  long long *avail, *unit_cost;
  int *item_days;
  json_t **source_json; /* borrowed: the location/supplier object of each source */
};

/* Builds the candidate sources with what each may give per line. */
static void build_sources(struct capture *c)
{
  json_t *locs = json_object_get(c->inputs, "locations");
  json_t *sups = json_object_get(c->inputs, "suppliers");
  size_t nl = json_array_size(locs), ns = json_array_size(sups), n = c->n_lines;
  struct eng_ats_channel ch = {
      .safety_stock = jint(c->channel, "safety_stock", 0),
      .percent = 100,
      .max_per_sku = -1,
  };
  json_t *chlocs = json_object_get(c->channel, "locations");
  bool ch_dropship = json_is_true(json_object_get(c->channel, "dropship"));

  c->n_sources = nl + ns;
  c->sources = oms_calloc(c->n_sources ? c->n_sources : 1, sizeof *c->sources);
  c->source_json = oms_calloc(c->n_sources ? c->n_sources : 1, sizeof *c->source_json);
  c->avail = oms_calloc((c->n_sources ? c->n_sources : 1) * n, sizeof *c->avail);
  c->unit_cost = oms_calloc((c->n_sources ? c->n_sources : 1) * n, sizeof *c->unit_cost);
  c->item_days = oms_calloc((c->n_sources ? c->n_sources : 1) * n, sizeof *c->item_days);

  for (size_t s = 0; s < nl; s++) {
    json_t *l = json_array_get(locs, s);
    struct eng_source *src = &c->sources[s];
    bool in_channel = json_is_string(chlocs); /* "*" */
    if (!in_channel) {
      size_t k;
      json_t *code;
      json_array_foreach(chlocs, k, code) if (json_equal(code, json_object_get(l, "code")))
          in_channel = true;
    }
    *src = (struct eng_source){
        .type = ENG_SRC_LOCATION,
        .code = jstr(l, "code"),
        .is_store = strcmp(jstr(l, "type"), "store") == 0,
        .active = json_is_true(json_object_get(l, "active")),
        .ship = json_is_true(json_object_get(l, "ship")),
        .pickup = json_is_true(json_object_get(l, "pickup")),
        .in_channel = in_channel,
        .has_coords = json_is_number(json_object_get(l, "lat")),
        .lat = json_number_value(json_object_get(l, "lat")),
        .lon = json_number_value(json_object_get(l, "lon")),
        .priority = (int)jint(l, "priority", 100),
        .cost_per_shipment = jint(l, "cost_per_shipment", 0),
        .days = (int)jint(l, "ship_days", 2),
        .available = &c->avail[s * n],
    };
    c->source_json[s] = l;
    json_t *stock = json_object_get(l, "stock");
    for (size_t i = 0; i < n; i++) {
      json_t *p = json_object_get(stock, c->lines[i].sku);
      if (!p)
        continue;
      struct eng_ats_position pos = {.on_hand = jint(p, "on_hand", 0),
                                     .reserved = jint(p, "reserved", 0),
                                     .fenced_other = jint(p, "fenced_other", 0)};
      c->avail[s * n + i] = eng_ats_reservable(&ch, &pos);
    }
  }
  for (size_t k = 0; k < ns; k++) {
    size_t s = nl + k;
    json_t *sup = json_array_get(sups, k);
    json_t *sitems = json_object_get(sup, "items");
    c->sources[s] = (struct eng_source){
        .type = ENG_SRC_SUPPLIER,
        .code = jstr(sup, "code"),
        .active = json_is_true(json_object_get(sup, "active")),
        .ship = true,
        .in_channel = true,
        .days = (int)jint(sup, "lead_time_days", 0),
        .available = &c->avail[s * n],
        .unit_cost = &c->unit_cost[s * n],
        .item_days = &c->item_days[s * n],
    };
    c->source_json[s] = sup;
    for (size_t i = 0; i < n; i++) {
      json_t *item = json_object_get(c->items, c->lines[i].sku);
      json_t *si = json_object_get(sitems, c->lines[i].sku);
      if (!si || !ch_dropship || !json_is_true(json_object_get(item, "dropship")))
        continue;
      c->avail[s * n + i] = jint(si, "available", 0);
      c->unit_cost[s * n + i] = jint(si, "cost", 0);
      c->item_days[s * n + i] = (int)jint(si, "ship_days", 3);
    }
  }
}

static void free_capture(struct capture *c)
{
  free(c->lines);
  free(c->sources);
  free(c->source_json);
  free(c->avail);
  free(c->unit_cost);
  free(c->item_days);
}


/* Every sku and pickup store the order names must exist. */
static bool check_refs(struct capture *c, json_t **errors)
{
  char field[64];
  size_t i, k;
  json_t *l, *x;
  if (!json_is_object(c->channel)) {
    add_error(errors, "channel", "does not exist");
    return false;
  }
  json_array_foreach(json_object_get(c->order, "lines"), i, l)
  {
    if (!json_object_get(c->items, jstr(l, "sku"))) {
      snprintf(field, sizeof field, "lines[%zu].sku", i);
      add_error(errors, field, "does not exist");
    }
    const char *pl = jstr(l, "pickup_location");
    if (pl) {
      bool found = false;
      json_array_foreach(json_object_get(c->inputs, "locations"), k, x) found |=
          strcmp(jstr(x, "code"), pl) == 0;
      snprintf(field, sizeof field, "lines[%zu].pickup_location", i);
      if (!found)
        add_error(errors, field, "does not exist");
    }
  }
  return *errors == NULL;
}

/* Builds the engine's view of the order and its candidate sources. */
static void prepare_route(struct capture *c, struct eng_order *eo)
{
  json_t *lines = json_object_get(c->order, "lines");
  json_t *addr = json_object_get(c->order, "shipping_address");
  size_t i;
  json_t *l;
  c->lines = oms_calloc(c->n_lines ? c->n_lines : 1, sizeof *c->lines);
  json_array_foreach(lines, i, l)
  {
    c->lines[i] = (struct eng_order_line){
        .sku = jstr(l, "sku"),
        .quantity = jint(l, "quantity", 0),
        .pickup = strcmp(jstr(l, "fulfillment"), "pickup") == 0,
        .pickup_location = jstr(l, "pickup_location"),
    };
  }
  build_sources(c);
  *eo = (struct eng_order){
      .channel = jstr(c->order, "channel"),
      .ship_method = jstr(c->order, "ship_method"),
      .country = jstr(addr, "country"),
      .has_coords = json_is_number(json_object_get(addr, "lat")),
      .lat = json_number_value(json_object_get(addr, "lat")),
      .lon = json_number_value(json_object_get(addr, "lon")),
      .lines = c->lines,
      .n_lines = c->n_lines,
  };
}

json_t *eng_simulate(json_t *order, json_t *inputs, json_t **errors)
{
  struct capture c = {.order = order, .inputs = inputs};
  struct eng_rules rules = {0};
  struct eng_plan plan = {0};
  struct eng_order eo;
  json_t *out = NULL;
  *errors = NULL;
  c.channel = json_object_get(inputs, "channel");
  c.items = json_object_get(inputs, "items");
  c.n_lines = json_array_size(json_object_get(order, "lines"));
  if (!check_refs(&c, errors))
    return NULL;
  prepare_route(&c, &eo);
  json_t *rules_json = json_object_get(inputs, "routing_rules");
  if (json_is_array(rules_json) && eng_rules_compile(rules_json, &rules) != 0)
    add_error(errors, "routing_rules", "the stored routing rules do not compile");
  else if (eng_route(&rules, &eo, c.sources, c.n_sources, &plan) != 0)
    add_error(errors, "lines", "cannot be routed");
  else {
    out = json_incref(plan.explanation);
    eng_plan_free(&plan);
  }
  eng_rules_free(&rules);
  free_capture(&c);
  return out;
}

static json_t *event(const char *type, json_t *data)
{
  return json_pack("{s:s,s:o}", "type", type, "data", data);
}

/* Turns a plan into fulfillments (one per source), their stock lines, the
 * purchase orders of supplier-sourced ones, and their events. line_no maps
 * the plan's line indexes to order line numbers (NULL: index + 1). */
#define LINE_NO(li) (line_no ? line_no[li] : (int)(li) + 1)
static void emit_shipments(struct capture *c, const struct eng_plan *plan, const char *fstatus,
                           const int *line_no, json_t *addr, json_t *fulfillments,
                           json_t *loc_lines, json_t *sup_lines, json_t *pos, json_t *events)
{
  for (size_t s = 0; s < plan->n_shipments; s++) {
    const struct eng_shipment *sh = &plan->shipments[s];
    const struct eng_source *src = &c->sources[sh->source];
    char fid[37];
    bool pickup = false;
    c->ctx->new_id(fid);
    for (size_t a = 0; a < sh->n_allocs; a++)
      pickup |= c->lines[sh->allocs[a].line].pickup;
    bool supplier = src->type == ENG_SRC_SUPPLIER;
    json_t *flines = json_array();
    json_t *polines = supplier ? json_array() : NULL;
    long long po_total = 0;
    for (size_t a = 0; a < sh->n_allocs; a++) {
      size_t li = sh->allocs[a].line;
      json_int_t q = (json_int_t)sh->allocs[a].quantity;
      json_array_append_new(flines, json_pack("{s:i,s:s,s:I}", "line", LINE_NO(li), "sku",
                                              c->lines[li].sku, "quantity", q));
      json_array_append_new(supplier ? sup_lines : loc_lines,
                            json_pack("{s:s,s:i,s:s,s:s,s:I}", "fulfillment_id", fid, "line",
                                      LINE_NO(li), "sku", c->lines[li].sku, "source", src->code,
                                      "quantity", q));
      if (supplier) {
        long long cost = src->unit_cost ? src->unit_cost[li] : 0;
        po_total += cost * q;
        json_array_append_new(polines, json_pack("{s:i,s:i,s:s,s:I,s:I}", "line",
                                                 (int)json_array_size(polines) + 1, "order_line",
                                                 LINE_NO(li), "sku", c->lines[li].sku,
                                                 "quantity", q, "cost", (json_int_t)cost));
      }
    }
    json_array_append_new(fulfillments,
                          json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", fid, "source_type",
                                    supplier ? "supplier" : "location", "source", src->code,
                                    "fulfillment", pickup ? "pickup" : "ship", "status", fstatus,
                                    "lines", flines));
    json_array_append_new(events, event("fulfillment.created",
                                        json_pack("{s:s,s:s,s:s,s:s}", "fulfillment_id", fid,
                                                  "order_id", c->ctx->order_id, "source", src->code,
                                                  "status", fstatus)));
    if (supplier) {
      char poid[37];
      c->ctx->new_id(poid);
      json_array_append_new(pos, json_pack("{s:s,s:s,s:s,s:I,s:O,s:o}", "id", poid, "supplier",
                                           src->code, "fulfillment_id", fid, "total_cost",
                                           (json_int_t)po_total, "ship_to", addr ? addr : json_null(),
                                           "lines", polines));
      json_array_append_new(events, event("purchase_order.created",
                                          json_pack("{s:s,s:s,s:s}", "purchase_order_id", poid,
                                                    "order_id", c->ctx->order_id, "status", "sent")));
    }
  }

}
#undef LINE_NO

enum eng_capture_result eng_capture(json_t *order, json_t *inputs,
                                    const struct eng_capture_ctx *ctx, json_t **payload,
                                    json_t **errors)
{
  struct capture c = {.order = order, .inputs = inputs, .ctx = ctx};
  enum eng_capture_result result = ENG_CAPTURE_OK;
  struct eng_rules rules = {0};
  struct eng_plan plan = {0};
  bool routed = false;
  json_t *lines = json_object_get(order, "lines");
  json_t *holds = NULL, *out_lines = NULL, *fulfillments = NULL, *loc_lines = NULL,
         *sup_lines = NULL, *pre_takes = NULL, *pos = NULL, *exceptions = NULL, *events = NULL;
  char field[64];

  *payload = NULL;
  *errors = NULL;
  c.channel = json_object_get(inputs, "channel");
  c.items = json_object_get(inputs, "items");
  c.n_lines = json_array_size(lines);
  if (!check_refs(&c, errors))
    return ENG_CAPTURE_INVALID;
  size_t i;
  json_t *l;

  /* prices and total */
  long long total = 0;
  json_t *prices = json_object();
  json_array_foreach(lines, i, l)
  {
    json_t *item = json_object_get(c.items, jstr(l, "sku"));
    json_object_set(prices, jstr(l, "sku"), json_object_get(item, "price"));
    if (json_is_null(json_object_get(l, "unit_price")))
      json_object_set(l, "unit_price", json_object_get(item, "price"));
    long long lt;
    if (__builtin_mul_overflow(jint(l, "quantity", 0), jint(l, "unit_price", 0), &lt) ||
        __builtin_add_overflow(total, lt, &total))
      total = MONEY_MAX;
  }
  if (json_is_null(json_object_get(order, "currency")))
    json_object_set(order, "currency", json_object_get(c.channel, "currency"));

  /* order rules */
  json_t *order_rules = json_object_get(inputs, "order_rules");
  holds = json_is_array(order_rules) ? eng_order_rules_eval(order_rules, order, prices, NULL)
                                     : json_array();
  json_decref(prices);
  bool held = json_array_size(holds) > 0;

  /* routing */
  json_t *addr = json_object_get(order, "shipping_address");
  struct eng_order eo;
  prepare_route(&c, &eo);
  json_t *rules_json = json_object_get(inputs, "routing_rules");
  if (json_is_array(rules_json) && eng_rules_compile(rules_json, &rules) != 0) {
    add_error(errors, "routing_rules", "the stored routing rules do not compile");
    result = ENG_CAPTURE_INVALID;
    goto cleanup;
  }
  if (eng_route(&rules, &eo, c.sources, c.n_sources, &plan) != 0) {
    add_error(errors, "lines", "cannot be routed");
    result = ENG_CAPTURE_INVALID;
    goto cleanup;
  }
  routed = true;

  /* line outcomes */
  long long *allocated = oms_calloc(c.n_lines, sizeof *allocated);
  long long *days = oms_calloc(c.n_lines, sizeof *days);
  for (size_t s = 0; s < plan.n_shipments; s++) {
    const struct eng_shipment *sh = &plan.shipments[s];
    const struct eng_source *src = &c.sources[sh->source];
    for (size_t a = 0; a < sh->n_allocs; a++) {
      size_t li = sh->allocs[a].line;
      allocated[li] += sh->allocs[a].quantity;
      long long d = src->days;
      if (src->type == ENG_SRC_SUPPLIER && src->item_days)
        d += src->item_days[li];
      if (d > days[li])
        days[li] = d;
    }
  }
  bool ch_preorders = json_is_true(json_object_get(c.channel, "preorders"));
  json_t *outstanding = json_object_get(inputs, "preorder");
  json_t *taken = json_object(); /* sku -> units pre-ordered by this order */
  out_lines = json_array();
  exceptions = json_array();
  bool any_waiting = false;
  json_array_foreach(lines, i, l)
  {
    const char *sku = jstr(l, "sku");
    json_t *item = json_object_get(c.items, sku);
    long long qty = jint(l, "quantity", 0), rest = qty - allocated[i], pre = 0, back = 0;
    if (rest > 0 && ch_preorders && json_is_true(json_object_get(item, "preorder_enabled"))) {
      char key[160];
      long long already = jint(taken, sku, 0);
      snprintf(key, sizeof key, "%s|*", sku);
      long long head = jint(item, "preorder_limit", 0) - jint(outstanding, key, 0) - already;
      long long chlim = jint(item, "channel_limit", -1);
      if (chlim >= 0) {
        snprintf(key, sizeof key, "%s|%s", sku, jstr(order, "channel"));
        long long h2 = chlim - jint(outstanding, key, 0) - already;
        if (h2 < head)
          head = h2;
      }
      pre = rest < head ? rest : (head > 0 ? head : 0);
      rest -= pre;
      if (pre > 0)
        json_object_set_new(taken, sku, json_integer(already + pre));
    }
    if (rest > 0) {
      if (plan.backorder || ctx->never_refuse) {
        back = rest;
        if (ctx->never_refuse && !plan.backorder) {
          char detail[256], id[37];
          ctx->new_id(id);
          snprintf(detail, sizeof detail, "%lld of %lld units of %s could not be sourced",
                   rest, qty, sku);
          json_array_append_new(exceptions, json_pack("{s:s,s:s,s:s,s:s,s:{s:I}}", "id", id,
                                                      "kind", "unroutable", "sku", sku, "detail",
                                                      detail, "data", "line",
                                                      (json_int_t)(i + 1)));
        }
      } else {
        char msg[160];
        snprintf(field, sizeof field, "lines[%zu].quantity", i);
        snprintf(msg, sizeof msg, "only %lld of %lld can be sourced", qty - rest, qty);
        add_error(errors, field, msg);
        continue;
      }
    }
    if (pre > 0 || back > 0)
      any_waiting = true;
    struct eng_line_qty q = {.quantity = qty, .allocated = allocated[i], .preordered = pre,
                             .backordered = back, .pickup = c.lines[i].pickup};
    json_t *ol = json_pack("{s:i,s:s,s:I,s:O,s:O,s:O,s:s,s:I,s:I,s:I}", "line", (int)(i + 1),
                           "sku", sku, "quantity", (json_int_t)qty, "unit_price",
                           json_object_get(l, "unit_price"), "fulfillment",
                           json_object_get(l, "fulfillment"), "pickup_location",
                           json_object_get(l, "pickup_location"), "status",
                           eng_line_status(&q, held), "allocated", (json_int_t)allocated[i],
                           "preordered", (json_int_t)pre, "backordered", (json_int_t)back);
    if (pre > 0 && jstr(item, "release_date"))
      json_object_set(ol, "promise_date", json_object_get(item, "release_date"));
    else if (allocated[i] > 0)
      json_object_set_new(ol, "promise_days", json_integer(days[i]));
    json_array_append_new(out_lines, ol);
  }
  free(allocated);
  free(days);
  if (*errors) {
    json_decref(taken);
    result = ENG_CAPTURE_INSUFFICIENT;
    goto cleanup;
  }

  /* pre-order takes, per sku */
  pre_takes = json_array();
  const char *tk;
  json_t *tv;
  json_object_foreach(taken, tk, tv)
  {
    json_t *item = json_object_get(c.items, tk);
    json_array_append_new(pre_takes, json_pack("{s:s,s:O,s:O,s:O}", "sku", tk, "quantity", tv,
                                               "limit", json_object_get(item, "preorder_limit"),
                                               "channel_limit", json_object_get(item, "channel_limit")));
  }
  json_decref(taken);

  /* fulfillments: one per source */
  const char *fstatus = held ? "pending"
                             : (json_is_true(json_object_get(order, "ship_complete")) && any_waiting)
                                   ? "pending"
                                   : "released";
  fulfillments = json_array();
  loc_lines = json_array();
  sup_lines = json_array();
  pos = json_array();
  events = json_array();
  emit_shipments(&c, &plan, fstatus, NULL, addr, fulfillments, loc_lines, sup_lines, pos, events);

  /* holds become exceptions for staff */
  json_t *h;
  json_array_foreach(holds, i, h)
  {
    char id[37];
    ctx->new_id(id);
    json_array_append_new(exceptions, json_pack("{s:s,s:O,s:O,s:{s:O}}", "id", id, "kind",
                                                json_object_get(h, "kind"), "detail",
                                                json_object_get(h, "reason"), "data", "rule",
                                                json_object_get(h, "rule")));
    if (json_is_null(json_object_get(json_array_get(exceptions, json_array_size(exceptions) - 1), "detail")))
      json_object_set_new(json_array_get(exceptions, json_array_size(exceptions) - 1), "detail",
                          json_string("held by an order rule"));
  }
  json_t *e;
  json_array_foreach(exceptions, i, e)
  {
    json_array_append_new(events, event("exception.opened",
                                        json_pack("{s:O,s:O,s:s}", "exception_id",
                                                  json_object_get(e, "id"), "kind",
                                                  json_object_get(e, "kind"), "order_id",
                                                  ctx->order_id)));
  }

  /* the order's status */
  const char **st = oms_calloc(c.n_lines ? c.n_lines : 1, sizeof *st);
  json_array_foreach(out_lines, i, l) st[i] = jstr(l, "status");
  const char *status = eng_order_status(st, c.n_lines, held,
                                        json_is_true(json_object_get(order, "ship_complete")));
  free(st);
  json_array_insert_new(events, 0,
                        event("order.created", json_pack("{s:s,s:s,s:n}", "order_id", ctx->order_id,
                                                         "status", status, "previous_status")));

  json_t *o = json_deep_copy(order);
  json_object_del(o, "lines");
  json_object_set_new(o, "id", json_string(ctx->order_id));
  json_object_set_new(o, "status", json_string(status));
  json_object_set_new(o, "total", json_integer(total));
  json_object_set_new(o, "routing", plan.explanation ? json_incref(plan.explanation) : json_null());
  json_object_set_new(o, "tracking_token", json_string(ctx->tracking_token));
  json_object_set_new(o, "exchange_for", ctx->exchange_for ? json_string(ctx->exchange_for) : json_null());
  *payload = json_pack("{s:o,s:s,s:I,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O}", "order", o, "actor",
                       ctx->actor, "safety_stock", (json_int_t)jint(c.channel, "safety_stock", 0),
                       "lines", out_lines, "holds", holds, "fulfillments", fulfillments,
                       "location_lines", loc_lines, "supplier_lines", sup_lines, "preorder_takes",
                       pre_takes, "purchase_orders", pos, "exceptions", exceptions);
  json_object_set(*payload, "events", events);

cleanup:
  json_decref(holds);
  json_decref(out_lines);
  json_decref(fulfillments);
  json_decref(loc_lines);
  json_decref(sup_lines);
  json_decref(pre_takes);
  json_decref(pos);
  json_decref(exceptions);
  json_decref(events);
  if (routed)
    eng_plan_free(&plan);
  eng_rules_free(&rules);
  free_capture(&c);
  return result;
}

/* ---- the reply of a capture ---- */

static int by_line(const void *a, const void *b)
{
  json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "line"));
  json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "line"));
  return (x > y) - (x < y);
}

static long long fenced_units(json_t *fenced, const char *fid, long long line)
{
  size_t i;
  json_t *f;
  json_array_foreach(fenced, i, f)
  {
    if (strcmp(jstr(f, "fulfillment_id"), fid) == 0 && jint(f, "line", -1) == line)
      return jint(f, "fenced", 0);
  }
  return 0;
}

json_t *eng_capture_reply(json_t *payload, json_t *db)
{
  json_t *o = json_object_get(payload, "order");
  json_t *created = json_object_get(db, "created_at");
  json_t *promise = json_object_get(db, "promise_dates");
  json_t *fenced = json_object_get(db, "fenced");
  json_t *lines = json_array(), *fuls = json_array(), *holds = json_array();
  size_t i, k;
  json_t *l, *f, *h;
  char key[24];

  json_array_foreach(json_object_get(payload, "lines"), i, l)
  {
    snprintf(key, sizeof key, "%lld", jint(l, "line", 0));
    json_t *pd = json_object_get(promise, key);
    json_array_append_new(
        lines, json_pack("{s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:O,s:i,s:i,s:i,s:i,s:O,s:O,s:i,s:O}", "line",
                         json_object_get(l, "line"), "sku", json_object_get(l, "sku"), "quantity",
                         json_object_get(l, "quantity"), "unit_price", json_object_get(l, "unit_price"),
                         "fulfillment", json_object_get(l, "fulfillment"), "pickup_location",
                         json_object_get(l, "pickup_location"), "status", json_object_get(l, "status"),
                         "allocated", json_object_get(l, "allocated"), "shipped", 0, "delivered", 0,
                         "returned", 0, "cancelled", 0, "backordered", json_object_get(l, "backordered"),
                         "preordered", json_object_get(l, "preordered"), "exception", 0,
                         "promise_date", pd ? pd : json_null()));
  }
  json_array_foreach(json_object_get(payload, "fulfillments"), i, f)
  {
    const char *fid = jstr(f, "id");
    json_t *po = json_null(), *x;
    json_array_foreach(json_object_get(payload, "purchase_orders"), k, x)
    {
      if (strcmp(jstr(x, "fulfillment_id"), fid) == 0)
        po = json_object_get(x, "id");
    }
    size_t n = json_array_size(json_object_get(f, "lines"));
    json_t **sorted = oms_calloc(n ? n : 1, sizeof *sorted);
    json_array_foreach(json_object_get(f, "lines"), k, x) sorted[k] = x;
    qsort(sorted, n, sizeof *sorted, by_line);
    json_t *fl = json_array();
    for (k = 0; k < n; k++)
      json_array_append_new(fl, json_pack("{s:O,s:O,s:O,s:i,s:i,s:i,s:I}", "line",
                                          json_object_get(sorted[k], "line"), "sku",
                                          json_object_get(sorted[k], "sku"), "quantity",
                                          json_object_get(sorted[k], "quantity"), "shipped", 0,
                                          "rejected", 0, "cancelled", 0, "fenced",
                                          (json_int_t)fenced_units(fenced, fid,
                                                                   jint(sorted[k], "line", -1))));
    free(sorted);
    json_array_append_new(
        fuls, json_pack("{s:s,s:O,s:O,s:O,s:O,s:O,s:n,s:n,s:n,s:O,s:o,s:i,s:O,s:O,s:n}", "id", fid,
                        "order_id", json_object_get(o, "id"), "source_type",
                        json_object_get(f, "source_type"), "source", json_object_get(f, "source"),
                        "fulfillment", json_object_get(f, "fulfillment"), "status",
                        json_object_get(f, "status"), "carrier", "tracking_number", "reason",
                        "purchase_order_id", po, "lines", fl, "version", 1, "created_at", created,
                        "updated_at", created, "shipped_at"));
  }
  json_array_foreach(json_object_get(payload, "holds"), i, h)
      json_array_append_new(holds, json_pack("{s:O,s:O,s:O,s:s,s:O}", "kind", json_object_get(h, "kind"),
                                             "rule", json_object_get(h, "rule"), "reason",
                                             json_object_get(h, "reason"), "created_by", "rule",
                                             "created_at", created));
  const char *copy[] = {"id", "channel", "external_id", "currency", "customer", "shipping_address",
                        "ship_method", "payment", "ship_complete", "status", "total", "exchange_for"};
  json_t *out = json_object();
  for (size_t c = 0; c < sizeof copy / sizeof copy[0]; c++) {
    json_t *v = json_object_get(o, copy[c]);
    json_object_set(out, copy[c], v ? v : json_null());
    if (c == 0)
      json_object_set(out, "number", json_object_get(db, "number"));
  }
  json_object_set_new(out, "lines", lines);
  json_object_set_new(out, "fulfillments", fuls);
  json_object_set_new(out, "holds", holds);
  json_object_set(out, "routing", json_object_get(o, "routing"));
  json_object_set(out, "tracking_token", json_object_get(o, "tracking_token"));
  json_object_set_new(out, "version", json_integer(1));
  json_object_set(out, "created_at", created);
  json_object_set(out, "updated_at", created);
  return out;
}

json_t *eng__route_units(json_t *order, json_t *inputs, json_t *sublines, const char *exclude,
                         const char *fstatus, void (*new_id)(char out[37]))
{
  struct eng_capture_ctx ctx = {.order_id = jstr(order, "id"), .new_id = new_id};
  json_t *sub = json_pack("{s:O,s:O,s:O,s:O}", "channel", json_object_get(order, "channel"),
                          "ship_method", json_object_get(order, "ship_method"),
                          "shipping_address", json_object_get(order, "shipping_address"),
                          "lines", sublines);
  struct capture c = {.order = sub, .inputs = inputs, .ctx = &ctx};
  struct eng_rules rules = {0};
  struct eng_plan plan = {0};
  struct eng_order eo;
  json_t *out = NULL;
  size_t n = json_array_size(sublines), i;
  json_t *l;

  c.channel = json_object_get(inputs, "channel");
  c.items = json_object_get(inputs, "items");
  c.n_lines = n;
  int *line_no = oms_calloc(n ? n : 1, sizeof *line_no);
  json_array_foreach(sublines, i, l) line_no[i] = (int)jint(l, "line", (long long)i + 1);
  prepare_route(&c, &eo);
  if (exclude)
    for (size_t s = 0; s < c.n_sources; s++)
      if (strcmp(c.sources[s].code, exclude) == 0)
        memset((long long *)c.sources[s].available, 0, n * sizeof(long long));
  json_t *rules_json = json_object_get(inputs, "routing_rules");
  if (json_is_array(rules_json) && eng_rules_compile(rules_json, &rules) != 0)
    goto cleanup;
  if (eng_route(&rules, &eo, c.sources, c.n_sources, &plan) != 0)
    goto cleanup;
  json_t *allocated = json_array();
  for (i = 0; i < n; i++) {
    long long a = 0;
    for (size_t s = 0; s < plan.n_shipments; s++)
      for (size_t k = 0; k < plan.shipments[s].n_allocs; k++)
        if (plan.shipments[s].allocs[k].line == i)
          a += plan.shipments[s].allocs[k].quantity;
    json_array_append_new(allocated, json_integer(a));
  }
  out = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:O}", "fulfillments", json_array(),
                  "location_lines", json_array(), "supplier_lines", json_array(),
                  "purchase_orders", json_array(), "events", json_array(), "allocated", allocated,
                  "backorder", plan.backorder, "routing",
                  plan.explanation ? plan.explanation : json_null());
  emit_shipments(&c, &plan, fstatus, line_no, json_object_get(order, "shipping_address"),
                 json_object_get(out, "fulfillments"), json_object_get(out, "location_lines"),
                 json_object_get(out, "supplier_lines"), json_object_get(out, "purchase_orders"),
                 json_object_get(out, "events"));
  eng_plan_free(&plan);
cleanup:
  eng_rules_free(&rules);
  free_capture(&c);
  free(line_no);
  json_decref(sub);
  return out;
}
