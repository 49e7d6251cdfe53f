/* h_inbound.c: /v1/inbound (expected supply at a location), its receipts
 * (POST /v1/inbound/{id}/receive: stock in, waiting pre-orders allocated
 * first come first served, in one transaction) and /v1/preorders (the
 * pre-order position of skus). The allocation is the engine's
 * (eng_receive); see docs/preorders.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/log.h"
#include "oms/repo.h"

#define QTY_MAX 1000000000LL

static const char *const inbound_statuses[] = {"expected", "partially_received", "received", NULL};

static const struct js_field unit_spec[] = {
    {.name = "sku", .type = JS_CODE, .flags = JS_REQUIRED},
    {.name = "quantity", .type = JS_INT, .flags = JS_REQUIRED, .min = 1, .max = QTY_MAX},
    {.type = JS_END},
};

static const struct js_field inbound_spec[] = {
    {.name = "location", .type = JS_CODE, .flags = JS_REQUIRED},
    {.name = "expected_date", .type = JS_DATE, .flags = JS_NULLABLE, .def = "null"},
    {.name = "reference", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 200, .def = "null"},
    {.name = "lines", .type = JS_ARRAY, .flags = JS_REQUIRED, .sub = unit_spec, .max_items = 1000},
    {.type = JS_END},
};

static const struct js_field receive_spec[] = {
    {.name = "lines", .type = JS_ARRAY, .flags = JS_REQUIRED, .sub = unit_spec, .max_items = 1000},
    {.type = JS_END},
};

void http_post_inbound(struct http_request *r, struct repo_tx *tx)
{
  json_t *doc = http_body_spec(r, inbound_spec), *out = NULL;
  if (!doc)
    return;
  size_t i;
  json_t *l;
  if (!http_require(r, tx, REPO_LOCATION, json_string_value(json_object_get(doc, "location")),
                    "location"))
    goto cleanup;
  json_array_foreach(json_object_get(doc, "lines"), i, l)
  {
    char field[48];
    snprintf(field, sizeof field, "lines[%zu].sku", i);
    if (!http_require(r, tx, REPO_ITEM, json_string_value(json_object_get(l, "sku")), field))
      goto cleanup;
  }
  int rc = repo_inbound_create(tx, doc, &out);
  if (rc <= 0 || !out) {
    http_fail_db(r, rc < 0 ? rc : REPO_HARD);
    goto cleanup;
  }
  http_ok(r, 201, out);
cleanup:
  json_decref(doc);
}

void http_get_inbound_ID(struct http_request *r, struct repo_tx *tx)
{
  json_t *out = NULL;
  int rc = repo_inbound_get(tx, r->params[0], &out);
  http_reply_get(r, rc, out, "id");
}

void http_get_inbound(struct http_request *r, struct repo_tx *tx)
{
  const char *status, *loc = http_query(r, "location"), *sku = http_query(r, "sku");
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!http_page_args(r, &limit, &after) ||
      !http_query_enum(r, "status", inbound_statuses, "is not an inbound status", &status))
    return;
  if (loc && !http_require(r, tx, REPO_LOCATION, loc, "location"))
    return;
  if (sku && !http_require(r, tx, REPO_ITEM, sku, "sku"))
    return;
  int rc = repo_inbound_list(tx, status, loc, sku, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}

/* The receipt's lines as the engine takes them, and its distinct skus. */
static struct eng_receipt_line *receipt_lines(json_t *doc, struct oms_arena *a, size_t *n,
                                              json_t *skus)
{
  json_t *lines = json_object_get(doc, "lines"), *seen = json_object();
  size_t i;
  json_t *l;
  *n = json_array_size(lines);
  struct eng_receipt_line *out = oms_arena_alloc(a, (*n + 1) * sizeof *out);
  json_array_foreach(lines, i, l)
  {
    const char *sku = json_string_value(json_object_get(l, "sku"));
    out[i] = (struct eng_receipt_line){.sku = oms_arena_strdup(a, sku),
                                       .quantity = json_integer_value(json_object_get(l, "quantity"))};
    if (!json_object_get(seen, sku)) {
      json_object_set_new(seen, sku, json_true());
      json_array_append_new(skus, json_string(sku));
    }
  }
  json_decref(seen);
  return out;
}

/* The reply: the inbound after the receipt, with what it allocated. */
static json_t *receipt_reply(json_t *inbound, const struct oms_receipt *rc)
{
  json_t *orders = json_array();
  for (size_t i = 0; i < rc->changes.n; i++)
    json_array_append_new(orders, json_string(rc->changes.items[i].order_id));
  json_object_set_new(inbound, "allocated", json_pack("{s:I,s:o}", "units",
                                                      (json_int_t)rc->allocated, "orders", orders));
  return inbound;
}

void http_post_inbound_ID_receive(struct http_request *r, struct repo_tx *tx)
{
  json_t *doc = http_body_spec(r, receive_spec), *skus = json_array(), *out = NULL;
  struct oms_arena *a = oms_arena_new();
  struct oms_receipt_inputs in;
  struct oms_receipt receipt;
  size_t n;
  if (!doc)
    goto cleanup;
  struct eng_receipt_line *lines = receipt_lines(doc, a, &n, skus);
  int rc = repo_receipt_inputs(tx, r->params[0], skus, a, &in);
  if (rc <= 0) {
    if (rc < 0)
      http_fail_db(r, rc);
    else
      http_fail_field(r, OMS_ERR_NOT_FOUND, "id", "does not exist");
    goto cleanup;
  }
  struct eng_act act = {.actor = r->key_id, .new_id = oms_uuid_new, .arena = a};
  enum oms_err e = eng_receive(&act, &in, lines, n, &receipt);
  if (e != OMS_OK) {
    http_fail_refusal(r, e, &act);
    goto cleanup;
  }
  rc = repo_receive(tx, &receipt, &out);
  if (rc <= 0 || !out) {
    http_fail_db(r, rc < 0 ? rc : REPO_HARD);
    goto cleanup;
  }
  http_ok(r, 200, receipt_reply(out, &receipt));
cleanup:
  json_decref(doc);
  json_decref(skus);
  oms_arena_free(a);
}

static json_t *report_json(const struct oms_preorder_report *p)
{
  json_t *exp = json_array();
  for (size_t i = 0; i < p->n_expected; i++)
    json_array_append_new(exp, json_pack("{s:s,s:s?,s:I}", "inbound_id", p->expected[i].inbound_id,
                                         "date", p->expected[i].date, "quantity",
                                         (json_int_t)p->expected[i].quantity));
  long long ats = p->terms.enabled ? eng_preorder_headroom(&p->terms, p->outstanding, 0) : 0;
  return json_pack("{s:s,s:b,s:I,s:I,s:s?,s:I,s:I,s:I,s:o}", "sku", p->sku, "enabled",
                   p->terms.enabled, "limit", (json_int_t)p->terms.limit, "effective_limit",
                   (json_int_t)eng_preorder_limit(&p->terms), "release_date",
                   p->terms.release_date, "preordered_units", (json_int_t)p->outstanding,
                   "orders_waiting", (json_int_t)p->orders_waiting, "preorder_ats",
                   (json_int_t)ats, "expected", exp);
}

void http_get_preorders(struct http_request *r, struct repo_tx *tx)
{
  json_t *skus = json_array(), *data = NULL;
  struct oms_arena *a = oms_arena_new();
  struct oms_preorder_report *rows;
  size_t n, i;
  json_t *s;
  http_query_all(r, "sku", skus);
  if (json_array_size(skus) == 0 || json_array_size(skus) > 500) {
    http_fail_field(r, OMS_ERR_VALIDATION, "sku", "give 1 to 500 ?sku=");
    goto cleanup;
  }
  json_array_foreach(skus, i, s) if (!oms_code_valid(json_string_value(s)))
  {
    http_fail_field(r, OMS_ERR_VALIDATION, "sku", "must be a code");
    goto cleanup;
  }
  int rc = repo_preorder_report(tx, skus, a, &rows, &n);
  if (rc < 0) {
    http_fail_db(r, rc);
    goto cleanup;
  }
  data = json_array();
  json_array_foreach(skus, i, s)
  {
    const struct oms_preorder_report *p = NULL;
    for (size_t k = 0; k < n && !p; k++)
      if (strcmp(rows[k].sku, json_string_value(s)) == 0)
        p = &rows[k];
    if (!p) {
      char msg[128];
      snprintf(msg, sizeof msg, "%s does not exist", json_string_value(s));
      http_fail_field(r, OMS_ERR_NOT_FOUND, "sku", msg);
      goto cleanup;
    }
    json_array_append_new(data, report_json(p));
  }
  http_ok(r, 200, json_pack("{s:O}", "data", data));
cleanup:
  json_decref(skus);
  json_decref(data);
  oms_arena_free(a);
}
