/* h_suppliers.c: /v1/suppliers and /v1/suppliers/{code}/items: drop-ship
 * partners and what each can ship, at what cost and speed. */
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/repo.h"

void http_put_suppliers_CODE(struct http_request *r, struct repo_tx *tx)
{
  const char *code = http_param_code(r, 0, "code");
  long long if_match;
  json_t *doc, *out = NULL;
  bool created = false;
  if (!code || !http_if_match(r, &if_match) || !(doc = http_parse_with(r, eng_supplier_parse)))
    return;
  int rc = repo_supplier_put(tx, code, doc, if_match, &out, &created);
  json_decref(doc);
  http_reply_put(r, rc, out, created);
}

void http_get_suppliers_CODE(struct http_request *r, struct repo_tx *tx)
{
  const char *code = http_param_code(r, 0, "code");
  json_t *out = NULL;
  if (!code)
    return;
  int rc = repo_supplier_get(tx, code, &out);
  http_reply_get(r, rc, out, "code");
}

void http_get_suppliers(struct http_request *r, struct repo_tx *tx)
{
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!http_page_args(r, &limit, &after))
    return;
  int rc = repo_supplier_list(tx, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}

void http_put_suppliers_CODE_items_SKU(struct http_request *r, struct repo_tx *tx)
{
  const char *code = http_param_code(r, 0, "supplier");
  const char *sku = code ? http_param_code(r, 1, "sku") : NULL;
  long long if_match;
  json_t *doc, *out = NULL;
  bool created = false;
  if (!sku || !http_if_match(r, &if_match) ||
      !(doc = http_parse_with(r, eng_supplier_item_parse)))
    return;
  if (!http_require(r, tx, REPO_SUPPLIER, code, "supplier") ||
      !http_require(r, tx, REPO_ITEM, sku, "sku")) {
    json_decref(doc);
    return;
  }
  int rc = repo_supplier_item_put(tx, code, sku, doc, if_match, &out, &created);
  json_decref(doc);
  http_reply_put(r, rc, out, created);
}

void http_get_suppliers_CODE_items_SKU(struct http_request *r, struct repo_tx *tx)
{
  const char *code = http_param_code(r, 0, "supplier");
  const char *sku = code ? http_param_code(r, 1, "sku") : NULL;
  json_t *out = NULL;
  /* an unknown supplier is named as such, not as a missing sku */
  if (!sku || !http_require(r, tx, REPO_SUPPLIER, code, "supplier"))
    return;
  int rc = repo_supplier_item_get(tx, code, sku, &out);
  http_reply_get(r, rc, out, "sku");
}

void http_get_suppliers_CODE_items(struct http_request *r, struct repo_tx *tx)
{
  const char *code = http_param_code(r, 0, "supplier");
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!code || !http_page_args(r, &limit, &after) ||
      !http_require(r, tx, REPO_SUPPLIER, code, "supplier"))
    return;
  int rc = repo_supplier_item_list(tx, code, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}
