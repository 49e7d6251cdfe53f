/* h_items.c: /v1/items: the catalog's sellable units. */
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/repo.h"

void http_put_items_SKU(struct http_request *r, struct repo_tx *tx)
{
  const char *sku = http_param_code(r, 0, "sku");
  long long if_match;
  json_t *doc, *out = NULL;
  bool created = false;
  if (!sku || !http_if_match(r, &if_match) || !(doc = http_parse_with(r, eng_item_parse)))
    return;
  int rc = repo_item_put(tx, sku, doc, if_match, &out, &created);
  json_decref(doc);
  http_reply_put(r, rc, out, created);
}

void http_get_items_SKU(struct http_request *r, struct repo_tx *tx)
{
  const char *sku = http_param_code(r, 0, "sku");
  json_t *out = NULL;
  if (!sku)
    return;
  int rc = repo_item_get(tx, sku, &out);
  http_reply_get(r, rc, out, "sku");
}

void http_get_items(struct http_request *r, struct repo_tx *tx)
{
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!http_page_args(r, &limit, &after))
    return;
  int rc = repo_item_list(tx, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}
