/* h_fulfillments.c: /v1/fulfillments, the work queue of a location or a
 * supplier, and each step of a fulfillment: accept, reject (re-routes the
 * units elsewhere), ship, ready_for_pickup, picked_up, delivered. */
#include <stdio.h>
#include <string.h>
#include "oms/common.h"
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/repo.h"

static const char *const fstatuses[] = {"pending", "released", "accepted", "rejected", "shipped",
                                        "ready_for_pickup", "picked_up", "delivered", "cancelled",
                                        NULL};
static const char *const reject_reasons[] = {"short_pick", "damaged", "other", NULL};

void http_get_fulfillments(struct http_request *r, struct repo_tx *tx)
{
  const char *loc = http_query(r, "location"), *sup = http_query(r, "supplier");
  const char *status;
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!http_page_args(r, &limit, &after) ||
      !http_query_enum(r, "status", fstatuses, "is not a fulfillment status", &status))
    return;
  if (loc && !http_require(r, tx, REPO_LOCATION, loc, "location"))
    return;
  if (sup && !http_require(r, tx, REPO_SUPPLIER, sup, "supplier"))
    return;
  int rc = repo_fulfillment_list(tx, loc, sup, status, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}

void http_get_fulfillments_ID(struct http_request *r, struct repo_tx *tx)
{
  json_t *out = NULL;
  int rc = repo_fulfillment_get(tx, r->params[0], &out);
  http_reply_get(r, rc, out, "id");
}

static const struct js_field unit_spec[] = {
    {.name = "sku", .type = JS_CODE, .flags = JS_REQUIRED},
    {.name = "quantity", .type = JS_INT, .flags = JS_REQUIRED, .min = 1, .max = 1000000000},
    {.type = JS_END},
};

static const struct js_field reject_spec[] = {
    {.name = "reason", .type = JS_ENUM, .flags = JS_REQUIRED, .enums = reject_reasons},
    {.name = "note", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 500, .def = "null"},
    {.name = "lines", .type = JS_ARRAY, .flags = JS_NULLABLE, .sub = unit_spec, .max_items = 500, .def = "null"},
    {.type = JS_END},
};

static const struct js_field ship_spec[] = {
    {.name = "carrier", .type = JS_STRING, .flags = JS_NULLABLE, .min = 1, .max = 100, .def = "null"},
    {.name = "tracking_number", .type = JS_STRING, .flags = JS_NULLABLE, .min = 1, .max = 200, .def = "null"},
    {.name = "lines", .type = JS_ARRAY, .flags = JS_NULLABLE, .sub = unit_spec, .max_items = 500, .def = "null"},
    {.type = JS_END},
};

/* Runs one step on the fulfillment fid: lock its order, let the engine
 * decide, apply. Replies with the fulfillment. */
void http_fulfillment_step(struct http_request *r, struct repo_tx *tx, const char *fid,
                           enum eng_fstep step, json_t *body, bool reply_order)
{
  char order_id[37];
  json_t *order = NULL, *inputs = NULL, *change = NULL, *out = NULL;
  struct eng_act a = {.actor = r->key_id, .new_id = oms_uuid_new};
  int rc = repo_fulfillment_order(tx, fid, order_id);
  if (rc <= 0) {
    if (rc < 0)
      http_fail_db(r, rc);
    else
      http_fail_field(r, OMS_ERR_NOT_FOUND, "id", "does not exist");
    return;
  }
  rc = repo_order_lock(tx, order_id, &order);
  if (rc <= 0 || !order) {
    http_fail_db(r, rc < 0 ? rc : REPO_HARD);
    return;
  }
  if (step == ENG_F_REJECT && !(inputs = http_reroute_inputs(r, tx, order)))
    goto cleanup;
  enum oms_err e = eng_act_fulfillment(&a, order, fid, step, body, inputs, &change);
  if (e != OMS_OK) {
    if (a.field[0])
      http_fail_field(r, e, a.field, a.detail);
    else
      http_fail(r, e, a.detail, NULL);
    goto cleanup;
  }
  rc = repo_order_apply(tx, change, &out);
  if (rc <= 0) {
    http_fail_db(r, rc);
    goto cleanup;
  }
  if (reply_order) {
    http_ok(r, 200, out);
    out = NULL;
  } else {
    json_t *f = NULL;
    rc = repo_fulfillment_get(tx, fid, &f);
    http_reply_get(r, rc, f, "id");
  }
cleanup:
  json_decref(order);
  json_decref(inputs);
  json_decref(change);
  json_decref(out);
}

static void step(struct http_request *r, struct repo_tx *tx, enum eng_fstep s,
                 const struct js_field *spec)
{
  json_t *body = NULL;
  if (r->json && !json_is_object(r->json)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "body", "must be a JSON object");
    return;
  }
  if (spec) {
    if (!r->json && s == ENG_F_REJECT) {
      http_fail_field(r, OMS_ERR_VALIDATION, "reason", "is required");
      return;
    }
    if (r->json && !(body = http_body_spec(r, spec)))
      return;
  }
  http_fulfillment_step(r, tx, r->params[0], s, body, false);
  json_decref(body);
}

void http_post_fulfillments_ID_accept(struct http_request *r, struct repo_tx *tx)
{
  step(r, tx, ENG_F_ACCEPT, NULL);
}

void http_post_fulfillments_ID_reject(struct http_request *r, struct repo_tx *tx)
{
  step(r, tx, ENG_F_REJECT, reject_spec);
}

void http_post_fulfillments_ID_ship(struct http_request *r, struct repo_tx *tx)
{
  step(r, tx, ENG_F_SHIP, ship_spec);
}

void http_post_fulfillments_ID_ready_for_pickup(struct http_request *r, struct repo_tx *tx)
{
  step(r, tx, ENG_F_READY, NULL);
}

void http_post_fulfillments_ID_picked_up(struct http_request *r, struct repo_tx *tx)
{
  step(r, tx, ENG_F_PICKED_UP, NULL);
}

void http_post_fulfillments_ID_delivered(struct http_request *r, struct repo_tx *tx)
{
  step(r, tx, ENG_F_DELIVERED, NULL);
}

/* Exposed for purchase orders: the same ship step with the PO's body. */
const struct js_field *http_ship_spec(void)
{
  return ship_spec;
}
