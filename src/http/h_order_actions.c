/* h_order_actions.c: staff actions on an order: hold, release, cancel
 * (whole or some lines) and reroute. The order's row is locked, the engine
 * computes the change from its state (or refuses it: 409 invalid_state),
 * and one call applies it. */
#include <stdio.h>
#include <string.h>
#include "oms/common.h"
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/repo.h"

/* Locks the order of the path; fails 404 when there is none. */
static json_t *lock_order(struct http_request *r, struct repo_tx *tx)
{
  json_t *order = NULL;
  int rc = repo_order_lock(tx, r->params[0], &order);
  if (rc <= 0 || !order) {
    http_reply_get(r, rc, order, "id");
    return NULL;
  }
  return order;
}

/* Applies an engine verdict: the change, or the refusal. */
static void apply(struct http_request *r, struct repo_tx *tx, struct eng_act *a, enum oms_err e,
                  json_t *change)
{
  json_t *out = NULL;
  if (e != OMS_OK) {
    if (a->field[0])
      http_fail_field(r, e, a->field, a->detail);
    else
      http_fail(r, e, a->detail, NULL);
    return;
  }
  int rc = repo_order_apply(tx, change, &out);
  json_decref(change);
  if (rc <= 0) {
    http_fail_db(r, rc);
    return;
  }
  http_ok(r, 200, out);
}

static void act_init(struct http_request *r, struct eng_act *a)
{
  memset(a, 0, sizeof *a);
  a->actor = r->key_id;
  a->new_id = oms_uuid_new;
}

/* An optional JSON object body; fails 400 when the body is not one. */
static bool optional_object(struct http_request *r)
{
  if (r->json && !json_is_object(r->json)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "body", "must be a JSON object");
    return false;
  }
  return true;
}

static bool optional_string(struct http_request *r, const char *name, const char **out)
{
  json_t *v = r->json ? json_object_get(r->json, name) : NULL;
  *out = NULL;
  if (!v || json_is_null(v))
    return true;
  if (!json_is_string(v) || json_string_length(v) > 500) {
    http_fail_field(r, OMS_ERR_VALIDATION, name, "must be a string of at most 500 characters");
    return false;
  }
  *out = json_string_value(v);
  return true;
}

void http_post_orders_ID_hold(struct http_request *r, struct repo_tx *tx)
{
  struct eng_act a;
  const char *reason;
  json_t *order, *change = NULL;
  if (!optional_object(r) || !optional_string(r, "reason", &reason) || !(order = lock_order(r, tx)))
    return;
  act_init(r, &a);
  enum oms_err e = eng_act_hold(&a, order, reason, &change);
  json_decref(order);
  apply(r, tx, &a, e, change);
}

void http_post_orders_ID_release(struct http_request *r, struct repo_tx *tx)
{
  struct eng_act a;
  json_t *order, *change = NULL;
  if (!optional_object(r) || !(order = lock_order(r, tx)))
    return;
  act_init(r, &a);
  enum oms_err e = eng_act_release(&a, order, &change);
  json_decref(order);
  apply(r, tx, &a, e, change);
}

static const struct js_field cancel_line_spec[] = {
    /* a line is named by its number ("line", from 1) or by its sku */
    {.name = "line", .type = JS_INT, .min = 1, .max = 100000},
    {.name = "sku", .type = JS_CODE},
    {.name = "quantity", .type = JS_INT, .min = 1, .max = 1000000000},
    {.type = JS_END},
};

static const struct js_field cancel_spec[] = {
    {.name = "reason", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 500, .def = "null"},
    {.name = "lines", .type = JS_ARRAY, .flags = JS_NULLABLE, .sub = cancel_line_spec, .max_items = 500, .def = "null"},
    {.type = JS_END},
};

void http_post_orders_ID_cancel(struct http_request *r, struct repo_tx *tx)
{
  struct eng_act a;
  json_t *doc = NULL, *order = NULL, *change = NULL;
  if (!optional_object(r))
    return;
  if (r->json) {
    if (!(doc = http_body_spec(r, cancel_spec)))
      return;
  }
  size_t i;
  json_t *l;
  json_array_foreach(json_object_get(doc, "lines"), i, l)
  {
    if (!json_object_get(l, "line") && !json_object_get(l, "sku")) {
      char field[48];
      snprintf(field, sizeof field, "lines[%zu].line", i);
      http_fail_field(r, OMS_ERR_VALIDATION, field, "give the line number or its sku");
      json_decref(doc);
      return;
    }
  }
  if (!(order = lock_order(r, tx))) {
    json_decref(doc);
    return;
  }
  act_init(r, &a);
  json_t *lines = doc ? json_object_get(doc, "lines") : NULL;
  enum oms_err e = eng_act_cancel(&a, order, json_is_array(lines) ? lines : NULL,
                                  doc ? json_string_value(json_object_get(doc, "reason")) : NULL,
                                  &change);
  json_decref(order);
  json_decref(doc);
  apply(r, tx, &a, e, change);
}

/* The inputs a re-route needs: those of capture for the order's skus. */
json_t *http_reroute_inputs(struct http_request *r, struct repo_tx *tx, json_t *order)
{
  json_t *skus = json_array(), *pickups = json_array(), *inputs = NULL;
  size_t i;
  json_t *l;
  json_array_foreach(json_object_get(order, "lines"), i, l)
  {
    json_array_append(skus, json_object_get(l, "sku"));
    if (json_is_string(json_object_get(l, "pickup_location")))
      json_array_append(pickups, json_object_get(l, "pickup_location"));
  }
  int rc = repo_capture_inputs(tx, json_string_value(json_object_get(order, "channel")), skus,
                               pickups, NULL, &inputs);
  json_decref(skus);
  json_decref(pickups);
  if (rc <= 0) {
    http_fail_db(r, rc);
    json_decref(inputs);
    return NULL;
  }
  return inputs;
}

void http_post_orders_ID_reroute(struct http_request *r, struct repo_tx *tx)
{
  struct eng_act a;
  json_t *order, *inputs, *change = NULL;
  if (!optional_object(r) || !(order = lock_order(r, tx)))
    return;
  if (!(inputs = http_reroute_inputs(r, tx, order))) {
    json_decref(order);
    return;
  }
  act_init(r, &a);
  enum oms_err e = eng_act_reroute(&a, order, inputs, &change);
  json_decref(order);
  json_decref(inputs);
  apply(r, tx, &a, e, change);
}
