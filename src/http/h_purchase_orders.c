/* h_purchase_orders.c: /v1/purchase-orders: a supplier-sourced fulfillment
 * seen as the purchase order sent to the drop-ship partner, and the JSON
 * acknowledgement and ship notice for partners without EDI. */
#include <stdio.h>
#include <stdlib.h>
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

enum oms_err http_run_ack(struct eng_act *a, const struct oms_order *o, void *cls,
                          struct oms_change *change)
{
  const struct http_ack_call *c = cls;
  return eng_act_po_ack(a, o, c->fid, c->lines, c->n, change);
}

void http_post_purchase_orders_ID_acknowledge(struct http_request *r, struct repo_tx *tx)
{
  json_t *body = http_body_spec(r, ack_spec), *po = NULL;
  struct http_ack_call *call = oms_calloc(1, sizeof *call);
  struct eng_ack_line *lines = oms_calloc(500, sizeof *lines);
  call->lines = lines;
  if (!body || !(po = po_of(r, tx)))
    goto cleanup;
  size_t i;
  json_t *l;
  call->fid = json_string_value(json_object_get(po, "fulfillment_id"));
  json_array_foreach(json_object_get(body, "lines"), i, l)
  {
    int st = oms_po_line_status_of(json_string_value(json_object_get(l, "status")));
    lines[call->n++] = (struct eng_ack_line){
        .sku = json_string_value(json_object_get(l, "sku")),
        .status = st < 0 ? OMS_POL_NONE : (enum oms_po_line_status)st};
  }
  struct http_action act = {.order_id = json_string_value(json_object_get(po, "order_id")),
                            .routes = true, .run = http_run_ack, .cls = call};
  if (http_run_action(r, tx, &act, "id", NULL) <= 0)
    goto cleanup;
  json_decref(po);
  po = NULL;
  int rc = repo_po_get(tx, r->params[0], &po);
  http_reply_get(r, rc, po, "id");
  po = NULL;
cleanup:
  json_decref(body);
  json_decref(po);
  free(lines);
  free(call);
}

void http_post_purchase_orders_ID_ship(struct http_request *r, struct repo_tx *tx)
{
  struct oms_arena *a = oms_arena_new();
  const struct eng_step_body *body = http_ship_body(r, a);
  json_t *po = NULL;
  if (body && (po = po_of(r, tx))) {
    http_fulfillment_step(r, tx, json_string_value(json_object_get(po, "fulfillment_id")),
                          ENG_F_SHIP, body);
    if (r->status == 200) {
      json_t *out = NULL;
      int rc = repo_po_get(tx, r->params[0], &out);
      http_reply_get(r, rc, out, "id");
    }
  }
  json_decref(po);
  oms_arena_free(a);
}
