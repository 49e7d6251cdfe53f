/* h_purchase_orders.c: /v1/purchase-orders: a supplier-sourced fulfillment
 * seen as the purchase order sent to the drop-ship partner, and the JSON
 * acknowledgement and ship notice for partners without EDI. */
#include <stdio.h>
#include <string.h>
#include "oms/common.h"
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/repo.h"

static const char *const po_statuses[] = {"sent", "acknowledged", "rejected", "partially_shipped",
                                          "shipped", "cancelled", NULL};
static const char *const ack_statuses[] = {"accepted", "rejected", "backordered", NULL};

void http_get_purchase_orders(struct http_request *r, struct repo_tx *tx)
{
  const char *sup = http_query(r, "supplier"), *status;
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!http_page_args(r, &limit, &after) ||
      !http_query_enum(r, "status", po_statuses, "is not a purchase order status", &status))
    return;
  if (sup && !http_require(r, tx, REPO_SUPPLIER, sup, "supplier"))
    return;
  int rc = repo_po_list(tx, sup, status, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}

void http_get_purchase_orders_ID(struct http_request *r, struct repo_tx *tx)
{
  json_t *out = NULL;
  int rc = repo_po_get(tx, r->params[0], &out);
  http_reply_get(r, rc, out, "id");
}

/* Reads the PO of the path; fails 404 when there is none. */
static json_t *po_of(struct http_request *r, struct repo_tx *tx)
{
  json_t *po = NULL;
  int rc = repo_po_get(tx, r->params[0], &po);
  if (rc <= 0 || !po) {
    http_reply_get(r, rc, po, "id");
    return NULL;
  }
  return po;
}

static const struct js_field ack_line_spec[] = {
    {.name = "sku", .type = JS_CODE, .flags = JS_REQUIRED},
    {.name = "status", .type = JS_ENUM, .flags = JS_REQUIRED, .enums = ack_statuses},
    {.type = JS_END},
};

static const struct js_field ack_spec[] = {
    {.name = "lines", .type = JS_ARRAY, .flags = JS_REQUIRED, .sub = ack_line_spec, .max_items = 500},
    {.type = JS_END},
};

void http_post_purchase_orders_ID_acknowledge(struct http_request *r, struct repo_tx *tx)
{
  json_t *body = http_body_spec(r, ack_spec), *po = NULL, *order = NULL, *inputs = NULL,
         *change = NULL, *out = NULL;
  struct eng_act a = {.actor = r->key_id, .new_id = oms_uuid_new};
  if (!body || !(po = po_of(r, tx)))
    goto cleanup;
  int rc = repo_order_lock(tx, json_string_value(json_object_get(po, "order_id")), &order);
  if (rc <= 0 || !order) {
    http_fail_db(r, rc < 0 ? rc : REPO_HARD);
    goto cleanup;
  }
  if (!(inputs = http_reroute_inputs(r, tx, order)))
    goto cleanup;
  enum oms_err e = eng_act_po_ack(&a, order, json_string_value(json_object_get(po, "fulfillment_id")),
                                  json_object_get(body, "lines"), inputs, &change);
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
  json_decref(po);
  po = NULL;
  rc = repo_po_get(tx, r->params[0], &po);
  http_reply_get(r, rc, po, "id");
  po = NULL;
cleanup:
  json_decref(body);
  json_decref(po);
  json_decref(order);
  json_decref(inputs);
  json_decref(change);
  json_decref(out);
}

void http_post_purchase_orders_ID_ship(struct http_request *r, struct repo_tx *tx)
{
  json_t *body = http_body_spec(r, http_ship_spec()), *po = NULL;
  if (!body || !(po = po_of(r, tx))) {
    json_decref(body);
    return;
  }
  http_fulfillment_step(r, tx, json_string_value(json_object_get(po, "fulfillment_id")),
                        ENG_F_SHIP, body, false);
  json_decref(body);
  if (r->status == 200) {
    json_t *out = NULL;
    int rc = repo_po_get(tx, r->params[0], &out);
    http_reply_get(r, rc, out, "id");
  }
  json_decref(po);
}
