/* rows_read.c: JSON -> model (include/oms/rows.h). The only code that
 * reads the JSON of orders, capture inputs and ATS inputs field by field;
 * the engine sees typed values only. */
#include <string.h>
#include "oms/rows.h"

/* ---- field access: absent, null or mistyped reads as absent ---- */

static const char *text(json_t *o, const char *k, struct oms_arena *a)
{
  return oms_arena_strdup(a, json_string_value(json_object_get(o, k)));
}

static long long integer(json_t *o, const char *k, long long absent)
{
  json_t *v = json_object_get(o, k);
  return json_is_integer(v) ? (long long)json_integer_value(v) : absent;
}

static bool flag(json_t *o, const char *k)
{
  return json_is_true(json_object_get(o, k));
}

static bool has_number(json_t *o, const char *k)
{
  return json_is_number(json_object_get(o, k));
}

static int enum_of(json_t *o, const char *k, int (*of)(const char *), int absent)
{
  int v = of(json_string_value(json_object_get(o, k)));
  return v < 0 ? absent : v;
}

/* Allocates n elements of size elem (n may be 0). */
static void *array_of(struct oms_arena *a, size_t n, size_t elem)
{
  return oms_arena_alloc(a, (n ? n : 1) * elem);
}

/* ---- parties ---- */

static bool read_address(json_t *o, struct oms_arena *a, struct oms_address *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(o))
    return false;
  out->name = text(o, "name", a);
  out->line1 = text(o, "line1", a);
  out->line2 = text(o, "line2", a);
  out->city = text(o, "city", a);
  out->region = text(o, "region", a);
  out->postal_code = text(o, "postal_code", a);
  out->country = text(o, "country", a);
  out->phone = text(o, "phone", a);
  out->has_coords = has_number(o, "lat") && has_number(o, "lon");
  out->lat = json_number_value(json_object_get(o, "lat"));
  out->lon = json_number_value(json_object_get(o, "lon"));
  return true;
}

static bool read_customer(json_t *o, struct oms_arena *a, struct oms_customer *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(o))
    return false;
  out->email = text(o, "email", a);
  out->name = text(o, "name", a);
  return true;
}

static bool read_payment(json_t *o, struct oms_payment *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(o))
    return false;
  out->status = (enum oms_payment_status)enum_of(o, "status", oms_payment_status_of, 0);
  out->has_amount = json_is_integer(json_object_get(o, "amount"));
  out->amount = integer(o, "amount", 0);
  return true;
}

/* ---- an order as a client asks for it ---- */

int rows_order_request(json_t *doc, struct oms_arena *a, struct oms_order_request *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(doc))
    return -1;
  out->channel = text(doc, "channel", a);
  out->external_id = text(doc, "external_id", a);
  out->currency = text(doc, "currency", a);
  out->has_customer = read_customer(json_object_get(doc, "customer"), a, &out->customer);
  out->has_address = read_address(json_object_get(doc, "shipping_address"), a, &out->address);
  out->has_payment = read_payment(json_object_get(doc, "payment"), &out->payment);
  out->ship_method = (enum oms_ship_method)enum_of(doc, "ship_method", oms_ship_method_of, 0);
  out->has_ship_method = oms_ship_method_of(json_string_value(json_object_get(doc, "ship_method"))) >= 0;
  out->ship_complete = flag(doc, "ship_complete");
  json_t *lines = json_object_get(doc, "lines");
  out->n_lines = json_array_size(lines);
  out->lines = array_of(a, out->n_lines, sizeof *out->lines);
  size_t i;
  json_t *l;
  json_array_foreach(lines, i, l)
  {
    struct oms_request_line *rl = &out->lines[i];
    rl->sku = text(l, "sku", a);
    rl->quantity = integer(l, "quantity", 0);
    rl->has_unit_price = json_is_integer(json_object_get(l, "unit_price"));
    rl->unit_price = integer(l, "unit_price", 0);
    rl->fulfillment = (enum oms_fulfillment_kind)enum_of(l, "fulfillment", oms_fulfillment_kind_of, 0);
    rl->pickup_location = text(l, "pickup_location", a);
  }
  return 0;
}

/* ---- a captured order ---- */

int rows_fulfillment(json_t *f, struct oms_arena *a, struct oms_fulfillment *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(f))
    return -1;
  out->id = text(f, "id", a);
  out->order_id = text(f, "order_id", a);
  out->source_type = (enum oms_source_type)enum_of(f, "source_type", oms_source_type_of, 0);
  out->source = text(f, "source", a);
  out->fulfillment = (enum oms_fulfillment_kind)enum_of(f, "fulfillment", oms_fulfillment_kind_of, 0);
  out->status = (enum oms_fstatus)enum_of(f, "status", oms_fstatus_of, 0);
  out->carrier = text(f, "carrier", a);
  out->tracking_number = text(f, "tracking_number", a);
  out->reason = text(f, "reason", a);
  out->purchase_order_id = text(f, "purchase_order_id", a);
  out->version = (int)integer(f, "version", 1);
  out->created_at = text(f, "created_at", a);
  out->updated_at = text(f, "updated_at", a);
  out->shipped_at = text(f, "shipped_at", a);
  json_t *lines = json_object_get(f, "lines");
  out->n_lines = json_array_size(lines);
  out->lines = array_of(a, out->n_lines, sizeof *out->lines);
  size_t i;
  json_t *l;
  json_array_foreach(lines, i, l)
  {
    out->lines[i] = (struct oms_fulfillment_line){
        .line = (int)integer(l, "line", 0),
        .sku = text(l, "sku", a),
        .quantity = integer(l, "quantity", 0),
        .shipped = integer(l, "shipped", 0),
        .rejected = integer(l, "rejected", 0),
        .cancelled = integer(l, "cancelled", 0),
        .fenced = integer(l, "fenced", 0),
    };
  }
  return 0;
}

static void read_order_line(json_t *l, struct oms_arena *a, struct oms_order_line *out)
{
  *out = (struct oms_order_line){
      .line = (int)integer(l, "line", 0),
      .sku = text(l, "sku", a),
      .quantity = integer(l, "quantity", 0),
      .unit_price = integer(l, "unit_price", 0),
      .fulfillment = (enum oms_fulfillment_kind)enum_of(l, "fulfillment", oms_fulfillment_kind_of, 0),
      .pickup_location = text(l, "pickup_location", a),
      .status = (enum oms_status)enum_of(l, "status", oms_status_of, OMS_ST_RELEASED),
      .allocated = integer(l, "allocated", 0),
      .shipped = integer(l, "shipped", 0),
      .delivered = integer(l, "delivered", 0),
      .returned = integer(l, "returned", 0),
      .cancelled = integer(l, "cancelled", 0),
      .backordered = integer(l, "backordered", 0),
      .preordered = integer(l, "preordered", 0),
      .exception = integer(l, "exception", 0),
      .promise_date = text(l, "promise_date", a),
  };
}

static void read_holds(json_t *holds, struct oms_arena *a, struct oms_order *out)
{
  size_t i;
  json_t *h;
  out->n_holds = json_array_size(holds);
  out->holds = array_of(a, out->n_holds, sizeof *out->holds);
  json_array_foreach(holds, i, h)
  {
    out->holds[i] = (struct oms_hold){
        .kind = (enum oms_hold_kind)enum_of(h, "kind", oms_hold_kind_of, OMS_HOLD_MANUAL),
        .rule = text(h, "rule", a),
        .reason = text(h, "reason", a),
        .created_by = text(h, "created_by", a),
        .created_at = text(h, "created_at", a),
    };
  }
}

int rows_order(json_t *doc, struct oms_arena *a, struct oms_order *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(doc))
    return -1;
  out->id = text(doc, "id", a);
  out->number = text(doc, "number", a);
  out->channel = text(doc, "channel", a);
  out->external_id = text(doc, "external_id", a);
  out->currency = text(doc, "currency", a);
  out->has_customer = read_customer(json_object_get(doc, "customer"), a, &out->customer);
  out->has_address = read_address(json_object_get(doc, "shipping_address"), a, &out->address);
  out->has_payment = read_payment(json_object_get(doc, "payment"), &out->payment);
  out->ship_method = (enum oms_ship_method)enum_of(doc, "ship_method", oms_ship_method_of, 0);
  out->ship_complete = flag(doc, "ship_complete");
  out->status = (enum oms_status)enum_of(doc, "status", oms_status_of, OMS_ST_RELEASED);
  out->total = integer(doc, "total", 0);
  out->exchange_for = text(doc, "exchange_for", a);
  json_t *routing = json_object_get(doc, "routing");
  if (routing && !json_is_null(routing)) {
    char *t = json_dumps(routing, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    out->routing_json = oms_arena_strdup(a, t);
    free(t);
  }
  out->tracking_token = text(doc, "tracking_token", a);
  out->version = (int)integer(doc, "version", 1);
  out->created_at = text(doc, "created_at", a);
  out->updated_at = text(doc, "updated_at", a);
  json_t *lines = json_object_get(doc, "lines"), *fuls = json_object_get(doc, "fulfillments");
  out->n_lines = json_array_size(lines);
  out->lines = array_of(a, out->n_lines, sizeof *out->lines);
  size_t i;
  json_t *x;
  json_array_foreach(lines, i, x) read_order_line(x, a, &out->lines[i]);
  out->n_fulfillments = json_array_size(fuls);
  out->fulfillments = array_of(a, out->n_fulfillments, sizeof *out->fulfillments);
  json_array_foreach(fuls, i, x) rows_fulfillment(x, a, &out->fulfillments[i]);
  read_holds(json_object_get(doc, "holds"), a, out);
  return 0;
}

/* ---- the channel's view of stock ---- */

int rows_channel_view(json_t *c, struct oms_arena *a, struct oms_channel_view *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(c))
    return -1;
  json_t *locs = json_object_get(c, "locations");
  out->code = text(c, "code", a);
  out->all_locations = !json_is_array(locs); /* "*" */
  out->n_locations = json_array_size(locs);
  out->locations = array_of(a, out->n_locations, sizeof *out->locations);
  size_t i;
  json_t *l;
  json_array_foreach(locs, i, l) out->locations[i] = oms_arena_strdup(a, json_string_value(l));
  out->safety_stock = integer(c, "safety_stock", 0);
  out->percent = (int)integer(c, "percent", 100);
  out->max_per_sku = integer(c, "max_per_sku", -1);
  out->dropship = flag(c, "dropship");
  out->preorders = flag(c, "preorders");
  out->currency = text(c, "currency", a);
  return 0;
}

static void read_preorder_terms(json_t *o, struct oms_arena *a, struct oms_preorder_terms *out)
{
  out->enabled = flag(o, "preorder_enabled");
  out->limit = integer(o, "preorder_limit", 0);
  out->channel_limit = integer(o, "channel_limit", -1);
  out->release_date = text(o, "release_date", a);
  out->expected = integer(o, "expected", 0);
}

static void read_items(json_t *items, struct oms_arena *a, struct oms_capture_inputs *out)
{
  const char *sku;
  json_t *v;
  size_t i = 0;
  out->n_items = json_object_size(items);
  out->items = array_of(a, out->n_items, sizeof *out->items);
  json_object_foreach(items, sku, v)
  {
    struct oms_item_view *it = &out->items[i++];
    it->sku = oms_arena_strdup(a, sku);
    it->price = integer(v, "price", 0);
    it->dropship = flag(v, "dropship");
    read_preorder_terms(v, a, &it->preorder);
  }
}

static void read_location(json_t *l, struct oms_arena *a, struct oms_location_view *out)
{
  const char *type = json_string_value(json_object_get(l, "type"));
  *out = (struct oms_location_view){
      .code = text(l, "code", a),
      .is_store = type && strcmp(type, "store") == 0,
      .active = flag(l, "active"),
      .ship = flag(l, "ship"),
      .pickup = flag(l, "pickup"),
      .has_coords = has_number(l, "lat") && has_number(l, "lon"),
      .lat = json_number_value(json_object_get(l, "lat")),
      .lon = json_number_value(json_object_get(l, "lon")),
      .priority = (int)integer(l, "priority", 100),
      .cost_per_shipment = integer(l, "cost_per_shipment", 0),
      .ship_days = (int)integer(l, "ship_days", 2),
  };
  json_t *stock = json_object_get(l, "stock");
  const char *sku;
  json_t *p;
  size_t i = 0;
  out->n_stock = json_object_size(stock);
  out->stock = array_of(a, out->n_stock, sizeof *out->stock);
  json_object_foreach(stock, sku, p)
  {
    out->stock[i++] = (struct oms_stock_position){
        .sku = oms_arena_strdup(a, sku),
        .on_hand = integer(p, "on_hand", 0),
        .reserved = integer(p, "reserved", 0),
        .fenced_this = integer(p, "fenced_this", 0),
        .fenced_other = integer(p, "fenced_other", 0),
    };
  }
}

static void read_supplier(json_t *s, struct oms_arena *a, struct oms_supplier_view *out)
{
  *out = (struct oms_supplier_view){
      .code = text(s, "code", a),
      .active = flag(s, "active"),
      .lead_time_days = (int)integer(s, "lead_time_days", 0),
  };
  json_t *items = json_object_get(s, "items");
  const char *sku;
  json_t *v;
  size_t i = 0;
  out->n_items = json_object_size(items);
  out->items = array_of(a, out->n_items, sizeof *out->items);
  json_object_foreach(items, sku, v)
  {
    out->items[i++] = (struct oms_supplier_item_view){
        .sku = oms_arena_strdup(a, sku),
        .cost = integer(v, "cost", 0),
        .available = integer(v, "available", 0),
        .ship_days = (int)integer(v, "ship_days", 3),
    };
  }
}

/* Counters are keyed "sku|*" (all channels) and "sku|<channel>". */
static void read_preorders(json_t *counts, const char *channel, struct oms_arena *a,
                           struct oms_capture_inputs *out)
{
  char key[200];
  out->n_preorders = out->n_items;
  out->preorders = array_of(a, out->n_items, sizeof *out->preorders);
  for (size_t i = 0; i < out->n_items; i++) {
    const char *sku = out->items[i].sku;
    struct oms_preorder_state *p = &out->preorders[i];
    p->sku = sku;
    if ((size_t)snprintf(key, sizeof key, "%s|*", sku) < sizeof key)
      p->outstanding = integer(counts, key, 0);
    if (channel && (size_t)snprintf(key, sizeof key, "%s|%s", sku, channel) < sizeof key)
      p->outstanding_channel = integer(counts, key, 0);
  }
}

int rows_capture_inputs(json_t *doc, const char *channel, struct oms_arena *a,
                        struct oms_capture_inputs *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(doc))
    return -1;
  out->channel_found = rows_channel_view(json_object_get(doc, "channel"), a, &out->channel) == 0;
  read_items(json_object_get(doc, "items"), a, out);
  json_t *locs = json_object_get(doc, "locations"), *sups = json_object_get(doc, "suppliers");
  size_t i;
  json_t *x;
  out->n_locations = json_array_size(locs);
  out->locations = array_of(a, out->n_locations, sizeof *out->locations);
  json_array_foreach(locs, i, x) read_location(x, a, &out->locations[i]);
  out->n_suppliers = json_array_size(sups);
  out->suppliers = array_of(a, out->n_suppliers, sizeof *out->suppliers);
  json_array_foreach(sups, i, x) read_supplier(x, a, &out->suppliers[i]);
  read_preorders(json_object_get(doc, "preorder"), channel, a, out);
  out->duplicate_id = text(doc, "duplicate", a);
  return 0;
}

int rows_ats_inputs(json_t *doc, struct oms_arena *a, struct oms_ats_inputs *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(doc))
    return -1;
  out->sku = text(doc, "sku", a);
  out->dropship = flag(doc, "dropship");
  out->supplier_available = integer(doc, "supplier_available", 0);
  read_preorder_terms(doc, a, &out->preorder);
  out->outstanding = integer(doc, "outstanding", 0);
  out->outstanding_channel = integer(doc, "outstanding_channel", 0);
  json_t *positions = json_object_get(doc, "positions");
  size_t i;
  json_t *p;
  out->n_positions = json_array_size(positions);
  out->positions = array_of(a, out->n_positions, sizeof *out->positions);
  json_array_foreach(positions, i, p)
  {
    out->positions[i] = (struct oms_ats_location){
        .location = text(p, "location", a),
        .active = flag(p, "active"),
        .ship = flag(p, "ship"),
        .on_hand = integer(p, "on_hand", 0),
        .reserved = integer(p, "reserved", 0),
        .fenced_this = integer(p, "fenced_this", 0),
        .fenced_other = integer(p, "fenced_other", 0),
    };
  }
  return 0;
}

int rows_capture_result(json_t *doc, const struct oms_capture *c, struct oms_arena *a,
                        struct oms_capture_result *out)
{
  char key[24];
  memset(out, 0, sizeof *out);
  if (!json_is_object(doc))
    return -1;
  out->duplicate_id = text(doc, "duplicate", a);
  out->number = text(doc, "number", a);
  out->created_at = text(doc, "created_at", a);
  json_t *promise = json_object_get(doc, "promise_dates");
  out->promise_dates = array_of(a, c->lines.n, sizeof *out->promise_dates);
  for (size_t i = 0; i < c->lines.n; i++) {
    snprintf(key, sizeof key, "%d", c->lines.items[i].l.line);
    out->promise_dates[i] = text(promise, key, a);
  }
  json_t *fenced = json_object_get(doc, "fenced");
  size_t i;
  json_t *f;
  out->n_fenced = json_array_size(fenced);
  out->fenced = array_of(a, out->n_fenced, sizeof *out->fenced);
  json_array_foreach(fenced, i, f)
  {
    out->fenced[i] = (struct oms_fenced_units){.fulfillment_id = text(f, "fulfillment_id", a),
                                          .line = (int)integer(f, "line", 0),
                                          .fenced = integer(f, "fenced", 0)};
  }
  return 0;
}

/* ---- inbound supply ---- */

int rows_inbound(json_t *doc, struct oms_arena *a, struct oms_inbound *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(doc))
    return -1;
  out->id = text(doc, "id", a);
  out->location = text(doc, "location", a);
  out->status = (enum oms_inbound_status)enum_of(doc, "status", oms_inbound_status_of, 0);
  json_t *lines = json_object_get(doc, "lines");
  size_t i;
  json_t *l;
  out->n_lines = json_array_size(lines);
  out->lines = array_of(a, out->n_lines, sizeof *out->lines);
  json_array_foreach(lines, i, l) out->lines[i] = (struct oms_inbound_line){
      .line = (int)integer(l, "line", 0), .sku = text(l, "sku", a),
      .quantity = integer(l, "quantity", 0), .received = integer(l, "received", 0)};
  return 0;
}

/* Positional row access (oms_waiting_orders writes arrays, not objects). */
static const char *at_text(json_t *row, size_t i, struct oms_arena *a)
{
  return oms_arena_strdup(a, json_string_value(json_array_get(row, i)));
}

static long long at_int(json_t *row, size_t i)
{
  return (long long)json_integer_value(json_array_get(row, i));
}

static bool at_is(json_t *row, size_t i, const char *s)
{
  const char *v = json_string_value(json_array_get(row, i));
  return v && strcmp(v, s) == 0;
}

static int at_enum(json_t *row, size_t i, int (*of)(const char *), int absent)
{
  int v = of(json_string_value(json_array_get(row, i)));
  return v < 0 ? absent : v;
}

/* The lines of rows l (from *k on) that belong to order id. */
static void waiting_lines(json_t *l, size_t *k, struct oms_arena *a, struct oms_order *o)
{
  size_t start = *k;
  while (*k < json_array_size(l) && at_is(json_array_get(l, *k), 0, o->id))
    (*k)++;
  o->n_lines = *k - start;
  o->lines = array_of(a, o->n_lines, sizeof *o->lines);
  for (size_t i = 0; i < o->n_lines; i++) {
    json_t *r = json_array_get(l, start + i);
    o->lines[i] = (struct oms_order_line){
        .line = (int)at_int(r, 1), .sku = at_text(r, 2, a), .quantity = at_int(r, 3),
        .fulfillment = (enum oms_fulfillment_kind)at_enum(r, 4, oms_fulfillment_kind_of, 0),
        .pickup_location = at_text(r, 5, a), .allocated = at_int(r, 6), .shipped = at_int(r, 7),
        .delivered = at_int(r, 8), .returned = at_int(r, 9), .cancelled = at_int(r, 10),
        .backordered = at_int(r, 11), .preordered = at_int(r, 12), .exception = at_int(r, 13)};
  }
}

/* The fulfillments (with their lines) of order id, from *k and *kl on. */
static void waiting_fulfillments(json_t *f, json_t *fl, size_t *k, size_t *kl,
                                 struct oms_arena *a, struct oms_order *o)
{
  size_t start = *k;
  while (*k < json_array_size(f) && at_is(json_array_get(f, *k), 1, o->id))
    (*k)++;
  o->n_fulfillments = *k - start;
  o->fulfillments = array_of(a, o->n_fulfillments, sizeof *o->fulfillments);
  for (size_t i = 0; i < o->n_fulfillments; i++) {
    json_t *r = json_array_get(f, start + i);
    struct oms_fulfillment *x = &o->fulfillments[i];
    *x = (struct oms_fulfillment){
        .id = at_text(r, 0, a), .order_id = o->id,
        .source_type = (enum oms_source_type)at_enum(r, 2, oms_source_type_of, 0),
        .source = at_text(r, 3, a),
        .fulfillment = (enum oms_fulfillment_kind)at_enum(r, 4, oms_fulfillment_kind_of, 0),
        .status = (enum oms_fstatus)at_enum(r, 5, oms_fstatus_of, 0), .carrier = at_text(r, 6, a),
        .tracking_number = at_text(r, 7, a), .reason = at_text(r, 8, a),
        .purchase_order_id = at_text(r, 9, a), .version = 1};
    size_t ls = *kl;
    while (*kl < json_array_size(fl) && at_is(json_array_get(fl, *kl), 0, x->id))
      (*kl)++;
    x->n_lines = *kl - ls;
    x->lines = array_of(a, x->n_lines, sizeof *x->lines);
    for (size_t j = 0; j < x->n_lines; j++) {
      json_t *q = json_array_get(fl, ls + j);
      x->lines[j] = (struct oms_fulfillment_line){
          .line = (int)at_int(q, 1), .sku = at_text(q, 2, a), .quantity = at_int(q, 3),
          .shipped = at_int(q, 4), .rejected = at_int(q, 5), .cancelled = at_int(q, 6),
          .fenced = at_int(q, 7)};
    }
  }
}

/* The waiting orders, from oms_waiting_orders' positional rows. */
static void waiting_orders(json_t *w, struct oms_arena *a, struct oms_receipt_inputs *out)
{
  json_t *o = json_object_get(w, "o"), *l = json_object_get(w, "l");
  json_t *f = json_object_get(w, "f"), *fl = json_object_get(w, "fl");
  size_t kl = 0, kf = 0, kfl = 0;
  out->n_orders = json_array_size(o);
  out->orders = array_of(a, out->n_orders, sizeof *out->orders);
  for (size_t i = 0; i < out->n_orders; i++) {
    json_t *r = json_array_get(o, i);
    struct oms_order *x = &out->orders[i];
    *x = (struct oms_order){
        .id = at_text(r, 0, a), .channel = at_text(r, 1, a),
        .ship_method = (enum oms_ship_method)at_enum(r, 2, oms_ship_method_of, 0),
        .ship_complete = json_is_true(json_array_get(r, 3)),
        .status = (enum oms_status)at_enum(r, 4, oms_status_of, OMS_ST_PREORDERED)};
    /* only their number matters to a receipt: held or not */
    x->n_holds = (size_t)at_int(r, 5);
    x->holds = array_of(a, x->n_holds, sizeof *x->holds);
    waiting_lines(l, &kl, a, x);
    waiting_fulfillments(f, fl, &kf, &kfl, a, x);
  }
}

int rows_receipt_inputs(json_t *doc, struct oms_arena *a, struct oms_receipt_inputs *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(doc) || rows_inbound(json_object_get(doc, "inbound"), a, &out->inbound) != 0)
    return -1;
  read_location(json_object_get(doc, "location"), a, &out->location);
  json_t *channels = json_object_get(doc, "channels");
  size_t i;
  json_t *x;
  out->n_channels = json_array_size(channels);
  out->channels = array_of(a, out->n_channels, sizeof *out->channels);
  json_array_foreach(channels, i, x) rows_channel_view(x, a, &out->channels[i]);
  waiting_orders(json_object_get(doc, "orders"), a, out);
  return 0;
}

int rows_preorder_report(json_t *doc, struct oms_arena *a, struct oms_preorder_report *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(doc))
    return -1;
  out->sku = text(doc, "sku", a);
  read_preorder_terms(doc, a, &out->terms);
  out->terms.channel_limit = -1;
  out->outstanding = integer(doc, "outstanding", 0);
  out->orders_waiting = integer(doc, "orders_waiting", 0);
  json_t *exp = json_object_get(doc, "expected");
  size_t i;
  json_t *e;
  out->n_expected = json_array_size(exp);
  out->expected = array_of(a, out->n_expected, sizeof *out->expected);
  json_array_foreach(exp, i, e)
  {
    out->expected[i] = (struct oms_expected_receipt){
        .inbound_id = text(e, "inbound_id", a), .date = text(e, "date", a),
        .quantity = integer(e, "quantity", 0)};
    out->terms.expected += out->expected[i].quantity;
  }
  return 0;
}

/* ---- drop-ship EDI ---- */

static bool read_identity(json_t *o, struct oms_arena *a, struct oms_edi_identity *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(o))
    return false;
  out->qualifier = text(o, "isa_qualifier", a);
  out->isa_id = text(o, "isa_id", a);
  out->gs_id = text(o, "gs_id", a);
  return out->isa_id != NULL;
}

static void read_po_lines(json_t *lines, struct oms_arena *a, struct oms_po_line **out, size_t *n)
{
  size_t i;
  json_t *l;
  *n = json_array_size(lines);
  *out = array_of(a, *n, sizeof **out);
  json_array_foreach(lines, i, l)(*out)[i] = (struct oms_po_line){
      .line = (int)integer(l, "line", 0), .order_line = (int)integer(l, "order_line", 0),
      .sku = text(l, "sku", a), .quantity = integer(l, "quantity", 0),
      .cost = integer(l, "cost", 0), .shipped = integer(l, "shipped", 0)};
}

int rows_po_edi(json_t *doc, struct oms_arena *a, struct oms_purchase_order *po,
                struct oms_edi_identity *tenant, bool *has_tenant,
                struct oms_edi_identity *supplier, bool *has_supplier)
{
  memset(po, 0, sizeof *po);
  json_t *p = json_object_get(doc, "po");
  if (!json_is_object(doc) || !json_is_object(p))
    return -1;
  po->id = text(p, "id", a);
  po->number = text(p, "number", a);
  po->supplier = text(p, "supplier", a);
  po->order_id = text(p, "order_id", a);
  po->fulfillment_id = text(p, "fulfillment_id", a);
  po->order_number = text(doc, "order_number", a);
  po->customer_name = text(doc, "customer_name", a);
  po->has_ship_to = read_address(json_object_get(p, "ship_to"), a, &po->ship_to);
  po->control_number = (unsigned long)integer(p, "control_number", 0);
  po->created_at = text(p, "created_at", a);
  read_po_lines(json_object_get(p, "lines"), a, &po->lines, &po->n_lines);
  *has_tenant = read_identity(json_object_get(doc, "tenant_edi"), a, tenant);
  *has_supplier = read_identity(json_object_get(doc, "supplier_edi"), a, supplier);
  return 0;
}

int rows_edi_partner(json_t *doc, const char *supplier, struct oms_arena *a,
                     struct oms_edi_partner *out)
{
  memset(out, 0, sizeof *out);
  if (!json_is_object(doc))
    return -1;
  out->supplier = oms_arena_strdup(a, supplier);
  out->has_supplier_edi = read_identity(json_object_get(doc, "supplier_edi"), a, &out->supplier_edi);
  out->has_tenant_edi = read_identity(json_object_get(doc, "tenant_edi"), a, &out->tenant_edi);
  json_t *pos = json_object_get(doc, "purchase_orders");
  size_t i;
  json_t *p;
  out->n_pos = json_array_size(pos);
  out->pos = array_of(a, out->n_pos, sizeof *out->pos);
  json_array_foreach(pos, i, p)
  {
    struct oms_po_ref *r = &out->pos[i];
    *r = (struct oms_po_ref){.number = text(p, "number", a), .id = text(p, "id", a),
                             .order_id = text(p, "order_id", a),
                             .fulfillment_id = text(p, "fulfillment_id", a)};
    read_po_lines(json_object_get(p, "lines"), a, &r->lines, &r->n_lines);
  }
  return 0;
}
