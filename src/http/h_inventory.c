/* h_inventory.c: /v1/inventory: adjustments (each one a ledger row), the
 * positions of a sku and its ledger. */
#include <stdio.h>
#include <string.h>
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/repo.h"

struct shortfall_call {
  const char *fid, *sku;
  long long units;
};

static enum oms_err run_shortfall(struct eng_act *a, const struct oms_order *o, void *cls,
                                  struct oms_change *change)
{
  const struct shortfall_call *c = cls;
  return eng_act_shortfall(a, o, c->fid, c->sku, c->units, change);
}

/* The count found fewer units than are reserved at loc: the engine picks
 * the newest allocations there that no longer fit (only the units short),
 * and each is routed again elsewhere by the action runner. Returns
 * {"units": n, "orders": [ids]} or NULL (the reply is set). */
static json_t *reroute_shortfall(struct http_request *r, struct repo_tx *tx, const char *loc,
                                 const char *sku, long long short_units)
{
  struct oms_arena *arena = oms_arena_new();
  struct oms_open_allocation *allocs;
  size_t n;
  long long moved = 0;
  json_t *orders = json_array(), *out = NULL;
  int rc = repo_open_allocations(tx, loc, sku, arena, &allocs, &n);
  if (rc < 0) {
    http_fail_db(r, rc);
    goto cleanup;
  }
  struct eng_shortfall_take *takes = oms_arena_alloc(arena, (n + 1) * sizeof *takes);
  size_t k = eng_shortfall_plan(allocs, n, short_units, takes, &moved);
  for (size_t i = 0; i < k; i++) {
    struct shortfall_call call = {.fid = takes[i].fulfillment_id, .sku = sku,
                                  .units = takes[i].units};
    struct http_action act = {.order_id = takes[i].order_id, .routes = true, .actor = "system",
                              .run = run_shortfall, .cls = &call};
    if (http_run_action(r, tx, &act, "location", NULL) <= 0)
      goto cleanup;
    json_array_append_new(orders, json_string(takes[i].order_id));
  }
  out = json_pack("{s:I,s:O}", "units", (json_int_t)moved, "orders", orders);
cleanup:
  json_decref(orders);
  oms_arena_free(arena);
  return out;
}

void http_post_inventory_adjustments(struct http_request *r, struct repo_tx *tx)
{
  json_t *doc = http_parse_with(r, eng_adjustment_parse);
  json_t *pos = NULL;
  long long case_pack = -1, each;
  if (!doc)
    return;
  const char *loc = json_string_value(json_object_get(doc, "location"));
  const char *sku = json_string_value(json_object_get(doc, "sku"));
  json_t *delta = json_object_get(doc, "delta");
  bool is_set = delta == NULL;
  long long qty = json_integer_value(is_set ? json_object_get(doc, "set") : delta);
  const char *uom = json_string_value(json_object_get(doc, "uom"));

  int rc = repo_item_case_pack(tx, sku, &case_pack);
  if (rc <= 0) {
    if (rc < 0)
      http_fail_db(r, rc);
    else
      http_fail_field(r, OMS_ERR_NOT_FOUND, "sku", "does not exist");
    goto cleanup;
  }
  if (!http_require(r, tx, REPO_LOCATION, loc, "location"))
    goto cleanup;
  if (eng_to_each(qty, uom, case_pack, &each) != 0) {
    http_fail_field(r, OMS_ERR_VALIDATION, "uom",
                    case_pack <= 0 ? "CASE needs the item's case_pack, and it has none"
                                   : "the quantity in EACH is out of range");
    goto cleanup;
  }
  rc = repo_inventory_adjust(tx, loc, sku, is_set, each, json_string_value(json_object_get(doc, "reason")),
                             json_string_value(json_object_get(doc, "reference")), &pos);
  if (rc < 0) {
    http_fail_db(r, rc);
    goto cleanup;
  }
  if (rc == 0) {
    http_fail_field(r, OMS_ERR_INVALID_STATE, "delta", "would take on_hand below zero");
    goto cleanup;
  }
  long long on_hand = json_integer_value(json_object_get(pos, "on_hand"));
  long long reserved = json_integer_value(json_object_get(pos, "reserved"));
  if (on_hand < reserved) {
    /* the count is the truth: record it, and tell staff what no longer fits */
    char detail[256];
    snprintf(detail, sizeof detail,
             "on_hand of %s at %s set to %lld below reserved %lld: %lld units short", sku, loc,
             on_hand, reserved, reserved - on_hand);
    json_t *data = json_pack("{s:I,s:I,s:I}", "on_hand", (json_int_t)on_hand, "reserved",
                             (json_int_t)reserved, "shortfall", (json_int_t)(reserved - on_hand));
    json_t *exc = NULL;
    rc = repo_exception_open(tx, "inventory_discrepancy", NULL, loc, sku, detail, data, &exc);
    json_decref(data);
    if (rc <= 0) {
      http_fail_db(r, rc);
      goto cleanup;
    }
    json_object_set_new(pos, "exception_id", json_incref(json_object_get(exc, "id")));
    json_decref(exc);
    json_t *moved = reroute_shortfall(r, tx, loc, sku, reserved - on_hand);
    if (!moved)
      goto cleanup;
    json_object_set_new(pos, "rerouted", moved);
    /* the position after the re-route */
    json_object_set_new(pos, "reserved", json_integer(reserved - json_integer_value(json_object_get(moved, "units"))));
    long long avail = on_hand - json_integer_value(json_object_get(pos, "reserved"));
    json_object_set_new(pos, "available", json_integer(avail > 0 ? avail : 0));
  }
  http_ok(r, 200, pos);
  pos = NULL;
cleanup:
  json_decref(pos);
  json_decref(doc);
}

void http_get_inventory_SKU(struct http_request *r, struct repo_tx *tx)
{
  const char *sku = http_param_code(r, 0, "sku");
  json_t *out = NULL;
  if (!sku)
    return;
  int rc = repo_inventory_get(tx, sku, &out);
  http_reply_get(r, rc, out, "sku");
}

void http_get_inventory_SKU_ledger(struct http_request *r, struct repo_tx *tx)
{
  const char *sku = http_param_code(r, 0, "sku");
  const char *loc = http_query(r, "location");
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!sku || !http_page_args(r, &limit, &after) || !http_require(r, tx, REPO_ITEM, sku, "sku"))
    return;
  if (loc && !http_require(r, tx, REPO_LOCATION, loc, "location"))
    return;
  int rc = repo_ledger_list(tx, sku, loc, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}
