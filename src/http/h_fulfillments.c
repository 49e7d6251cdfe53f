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

enum oms_err http_run_step(struct eng_act *a, const struct oms_order *o, void *cls,
                           struct oms_change *change)
{
  const struct http_step_call *s = cls;
  return eng_act_fulfillment(a, o, s->fid, s->step, s->body, change);
}

/* Runs one step on the fulfillment fid through the action runner (a reject
 * routes units again) and replies with the fulfillment. */
void http_fulfillment_step(struct http_request *r, struct repo_tx *tx, const char *fid,
                           enum eng_fstep step, const struct eng_step_body *body)
{
  char order_id[37];
  int rc = repo_fulfillment_order(tx, fid, order_id);
  if (rc <= 0) {
    if (rc < 0)
      http_fail_db(r, rc);
    else
      http_fail_field(r, OMS_ERR_NOT_FOUND, "id", "does not exist");
    return;
  }
  struct http_step_call call = {.fid = fid, .step = step, .body = body};
  struct http_action act = {.order_id = order_id, .routes = step == ENG_F_REJECT,
                            .run = http_run_step, .cls = &call};
  if (http_run_action(r, tx, &act, "id", NULL) <= 0)
    return;
  json_t *f = NULL;
  rc = repo_fulfillment_get(tx, fid, &f);
  http_reply_get(r, rc, f, "id");
}

/* {sku, quantity} lines of a validated body, in arena a. */
static const struct eng_units *units_of(json_t *lines, struct oms_arena *a, size_t *n)
{
  size_t i;
  json_t *l;
  *n = json_array_size(lines);
  struct eng_units *u = oms_arena_alloc(a, (*n + 1) * sizeof *u);
  json_array_foreach(lines, i, l) u[i] = (struct eng_units){
      .sku = oms_arena_strdup(a, json_string_value(json_object_get(l, "sku"))),
      .quantity = json_integer_value(json_object_get(l, "quantity"))};
  return u;
}

/* A validated body (reject, ship) as the engine takes it, in arena a. */
static const struct eng_step_body *step_body(json_t *doc, struct oms_arena *a)
{
  struct eng_step_body *b = oms_arena_alloc(a, sizeof *b);
  json_t *lines = json_object_get(doc, "lines");
  b->reason = oms_arena_strdup(a, json_string_value(json_object_get(doc, "reason")));
  b->carrier = oms_arena_strdup(a, json_string_value(json_object_get(doc, "carrier")));
  b->tracking_number = oms_arena_strdup(a, json_string_value(json_object_get(doc, "tracking_number")));
  b->has_lines = json_is_array(lines);
  b->lines = units_of(lines, a, &b->n_lines);
  return b;
}

const struct eng_step_body *http_ship_body(struct http_request *r, struct oms_arena *a)
{
  json_t *doc = http_body_spec(r, ship_spec);
  if (!doc)
    return NULL;
  const struct eng_step_body *b = step_body(doc, a);
  json_decref(doc);
  return b;
}

static void step(struct http_request *r, struct repo_tx *tx, enum eng_fstep s,
                 const struct js_field *spec)
{
  json_t *doc = NULL;
  struct oms_arena *a = oms_arena_new();
  if (r->json && !json_is_object(r->json)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "body", "must be a JSON object");
    goto cleanup;
  }
  if (spec && !r->json && s == ENG_F_REJECT) {
    http_fail_field(r, OMS_ERR_VALIDATION, "reason", "is required");
    goto cleanup;
  }
  if (spec && r->json && !(doc = http_body_spec(r, spec)))
    goto cleanup;
  http_fulfillment_step(r, tx, r->params[0], s, doc ? step_body(doc, a) : NULL);
cleanup:
  json_decref(doc);
  oms_arena_free(a);
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
