/* h_orders.c: /v1/orders: capture (validate, order rules, route, reserve,
 * in one transaction), reads, the timeline, and the customer's tracking
 * view /v1/track/{token}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/log.h"
#include "oms/repo.h"
#include "oms/rows.h"

static const char *const order_statuses[] = {
    "on_hold", "released", "partially_shipped", "shipped", "delivered", "completed", "preordered",
    "backordered", "cancelled", "exception", "partially_returned", "returned", NULL};

/* A storefront key sees only the orders it created. */
static const char *creator_filter(struct http_request *r)
{
  return r->role == ROLE_STOREFRONT ? r->key_id : NULL;
}

static void new_token(char out[48])
{
  unsigned char raw[24];
  if (oms_random_bytes(raw, sizeof raw) != 0)
    abort();
  oms_base64url(raw, sizeof raw, out);
}

/* 409 duplicate_order naming the existing order (in detail and order_id). */
static void fail_duplicate(struct http_request *r, const char *id, char *duplicate_id)
{
  char msg[160];
  if (duplicate_id)
    snprintf(duplicate_id, 37, "%s", id);
  snprintf(msg, sizeof msg, "an order with this channel and external_id exists: %s", id);
  http_fail_field(r, OMS_ERR_DUPLICATE_ORDER, "external_id", msg);
  json_object_set_new(r->reply, "order_id", json_string(id));
}

/* The order's distinct skus and its pickup stores (arrays of strings). */
void http_order_skus(const struct oms_order_request *o, json_t *skus, json_t *pickups)
{
  json_t *seen = json_object();
  for (size_t i = 0; i < o->n_lines; i++) {
    const char *sku = o->lines[i].sku;
    if (!json_object_get(seen, sku)) {
      json_object_set_new(seen, sku, json_true());
      json_array_append_new(skus, json_string(sku));
    }
    if (o->lines[i].pickup_location)
      json_array_append_new(pickups, json_string(o->lines[i].pickup_location));
  }
  json_decref(seen);
}

static json_t *errors_json(const eng_errors *errors)
{
  json_t *a = json_array();
  for (size_t i = 0; i < errors->n; i++)
    js_error(a, errors->items[i].field, errors->items[i].message);
  return a;
}

/* Replies with an engine refusal of a capture, or our own fault. */
static void fail_capture(struct http_request *r, enum eng_capture_result res,
                         const eng_errors *errors)
{
  if (res == ENG_CAPTURE_UNKNOWN)
    http_fail(r, OMS_ERR_NOT_FOUND, "The order names objects that do not exist",
              errors_json(errors));
  else if (res == ENG_CAPTURE_INSUFFICIENT)
    http_fail(r, OMS_ERR_INSUFFICIENT_INVENTORY, "Not every line can be sourced",
              errors_json(errors));
  else {
    LOG_ERROR("request %s: capture failed in the engine: %s", r->request_id,
              errors->n ? errors->items[0].message : "(no cause given)");
    http_fail(r, OMS_ERR_INTERNAL, NULL, NULL);
  }
}

/* What one capture reads and decides, and frees. */
struct capture_run {
  struct oms_arena *arena;
  struct oms_order_request req;
  struct oms_capture_inputs inputs;
  struct repo_rule_docs docs;
  struct eng_rules routing;
  const struct eng_order_rules *order_rules;
  struct oms_capture decision;
  struct oms_capture_result db;
};

/* Reads the inputs of the order and the tenant's rules. */
static bool capture_read(struct http_request *r, struct repo_tx *tx, struct capture_run *c,
                         char *duplicate_id)
{
  json_t *skus = json_array(), *pickups = json_array();
  http_order_skus(&c->req, skus, pickups);
  bool ok = http_read_inputs(r, tx, c->req.channel, skus, pickups, c->req.external_id, c->arena,
                             &c->inputs, &c->docs, &c->routing);
  json_decref(skus);
  json_decref(pickups);
  if (ok && c->inputs.duplicate_id) {
    fail_duplicate(r, c->inputs.duplicate_id, duplicate_id);
    return false;
  }
  return ok && http_compile_order_rules(r, c->docs.order, c->arena, &c->order_rules);
}

/* Captures an order: shared by POST /v1/orders and the Shopify intake.
 * doc is the normalised order (eng_order_parse). Returns the stored order
 * (new reference) or NULL with the reply set. On a duplicate (channel,
 * external_id) sets *duplicate_id (37 bytes) and fails 409 duplicate_order. */
json_t *http_capture_order(struct http_request *r, struct repo_tx *tx, json_t *doc,
                           const char *actor, bool never_refuse, const char *exchange_for,
                           char *duplicate_id)
{
  struct capture_run c = {.arena = oms_arena_new()};
  json_t *out = NULL;
  char order_id[37], token[48];
  eng_errors errors = {0};
  if (duplicate_id)
    duplicate_id[0] = '\0';
  if (rows_order_request(doc, c.arena, &c.req) != 0) {
    http_fail_field(r, OMS_ERR_VALIDATION, "body", "must be a JSON object");
    goto cleanup;
  }
  if (!capture_read(r, tx, &c, duplicate_id))
    goto cleanup;
  oms_uuid_new(order_id);
  new_token(token);
  struct eng_capture_ctx ctx = {.order_id = order_id, .tracking_token = token, .actor = actor,
                                .never_refuse = never_refuse, .exchange_for = exchange_for,
                                .new_id = oms_uuid_new};
  struct eng_capture_in in = {.order = &c.req, .inputs = &c.inputs, .routing = &c.routing,
                              .order_rules = c.order_rules, .ctx = &ctx};
  enum eng_capture_result res = eng_capture(&in, c.arena, &c.decision, &errors);
  if (res != ENG_CAPTURE_OK) {
    fail_capture(r, res, &errors);
    goto cleanup;
  }
  int rc = repo_order_capture(tx, &c.decision, &c.req, r->key_id[0] ? r->key_id : NULL, c.arena,
                              &c.db);
  if (rc <= 0) {
    http_fail_db(r, rc < 0 ? rc : REPO_HARD); /* REPO_SOFT: stock moved; the dispatcher re-plans */
    goto cleanup;
  }
  if (c.db.duplicate_id) {
    fail_duplicate(r, c.db.duplicate_id, duplicate_id);
    goto cleanup;
  }
  /* the reply is the decision written plus what the database decided */
  struct oms_order created;
  eng_captured_order(&c.decision, &c.req, &c.db, c.arena, &created);
  out = rows_order_json(&created);
  http_metrics_count_order();
cleanup:
  eng_rules_free(&c.routing);
  json_decref(c.docs.routing);
  json_decref(c.docs.order);
  oms_arena_free(c.arena);
  return out;
}

void http_post_orders(struct http_request *r, struct repo_tx *tx)
{
  json_t *doc = http_parse_with(r, eng_order_parse);
  if (!doc)
    return;
  json_t *order = http_capture_order(r, tx, doc, r->key_id, false, NULL, NULL);
  json_decref(doc);
  if (order)
    http_ok(r, 201, order);
}

void http_get_orders_ID(struct http_request *r, struct repo_tx *tx)
{
  json_t *out = NULL;
  int rc = repo_order_get(tx, r->params[0], creator_filter(r), &out);
  http_reply_get(r, rc, out, "id");
}

void http_get_orders(struct http_request *r, struct repo_tx *tx)
{
  const char *status;
  const char *channel = http_query(r, "channel");
  const char *created_after = http_query(r, "created_after");
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!http_page_args(r, &limit, &after) ||
      !http_query_enum(r, "status", order_statuses, "is not an order status", &status))
    return;
  if (channel && !oms_code_valid(channel)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "channel", "must be a code");
    return;
  }
  if (created_after && !oms_rfc3339_valid(created_after)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "created_after", "must be an RFC 3339 time");
    return;
  }
  int rc = repo_order_list(tx, status, channel, created_after, creator_filter(r), after,
                           limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}

void http_get_orders_ID_events(struct http_request *r, struct repo_tx *tx)
{
  json_t *order = NULL, *items, *cursors;
  int limit;
  long long after;
  if (!http_page_args(r, &limit, &after))
    return;
  int rc = repo_order_get(tx, r->params[0], creator_filter(r), &order);
  if (rc <= 0 || !order) {
    http_reply_get(r, rc, order, "id");
    return;
  }
  json_decref(order);
  rc = repo_order_events(tx, r->params[0], after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}

/* The customer's view: status, what ships, carriers and tracking numbers;
 * no email, address, prices or internal ids. */
static json_t *customer_view(json_t *o)
{
  json_t *lines = json_array(), *ships = json_array();
  size_t i;
  json_t *l, *f;
  json_array_foreach(json_object_get(o, "lines"), i, l)
  {
    json_array_append_new(lines, json_pack("{s:O,s:O,s:O,s:O,s:O}", "sku", json_object_get(l, "sku"),
                                           "quantity", json_object_get(l, "quantity"), "status",
                                           json_object_get(l, "status"), "shipped",
                                           json_object_get(l, "shipped"), "promise_date",
                                           json_object_get(l, "promise_date")));
  }
  json_array_foreach(json_object_get(o, "fulfillments"), i, f)
  {
    json_t *fl = json_array(), *x;
    size_t k;
    json_array_foreach(json_object_get(f, "lines"), k, x)
        json_array_append_new(fl, json_pack("{s:O,s:O}", "sku", json_object_get(x, "sku"),
                                            "quantity", json_object_get(x, "quantity")));
    json_array_append_new(ships, json_pack("{s:O,s:O,s:O,s:O,s:O,s:o}", "status",
                                           json_object_get(f, "status"), "fulfillment",
                                           json_object_get(f, "fulfillment"), "carrier",
                                           json_object_get(f, "carrier"), "tracking_number",
                                           json_object_get(f, "tracking_number"), "shipped_at",
                                           json_object_get(f, "shipped_at"), "lines", fl));
  }
  return json_pack("{s:O,s:O,s:O,s:O,s:o,s:o}", "number", json_object_get(o, "number"), "status",
                   json_object_get(o, "status"), "created_at", json_object_get(o, "created_at"),
                   "updated_at", json_object_get(o, "updated_at"), "lines", lines,
                   "fulfillments", ships);
}

void http_get_track_TOKEN(struct http_request *r, struct repo_tx *unused)
{
  char tenant[37], order_id[37];
  json_t *order = NULL;
  (void)unused;
  const char *token = r->params[0];
  if (strlen(token) > 64) {
    http_fail_field(r, OMS_ERR_NOT_FOUND, "tracking_token", "does not exist");
    return;
  }
  int rc = repo_track_lookup(r->db, token, tenant, order_id);
  if (rc <= 0) {
    if (rc < 0)
      http_fail(r, OMS_ERR_UNAVAILABLE, NULL, NULL);
    else
      http_fail_field(r, OMS_ERR_NOT_FOUND, "tracking_token", "does not exist");
    return;
  }
  struct repo_tx *tx = repo_tx_begin(r->db, tenant, false);
  if (!tx) {
    http_fail(r, OMS_ERR_UNAVAILABLE, NULL, NULL);
    return;
  }
  rc = repo_order_get(tx, order_id, NULL, &order);
  repo_tx_end(tx, false);
  if (rc <= 0 || !order) {
    http_fail_field(r, OMS_ERR_NOT_FOUND, "tracking_token", "does not exist");
    return;
  }
  http_ok(r, 200, customer_view(order));
  json_decref(order);
}
