/* h_channels.c: /v1/channels and their ring-fences: where each sales
 * channel sells from, under what safety stock and publication rules, and
 * which units are held for it alone. */
#include <stdio.h>
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/repo.h"

void http_put_channels_CODE(struct http_request *r, struct repo_tx *tx)
{
  const char *code = http_param_code(r, 0, "code");
  long long if_match;
  json_t *doc, *out = NULL;
  bool created = false;
  if (!code || !http_if_match(r, &if_match) || !(doc = http_parse_with(r, eng_channel_parse)))
    return;
  json_t *locs = json_object_get(doc, "locations");
  size_t i;
  json_t *l;
  json_array_foreach(locs, i, l)
  {
    char field[32];
    snprintf(field, sizeof field, "locations[%zu]", i);
    if (!http_require(r, tx, REPO_LOCATION, json_string_value(l), field)) {
      json_decref(doc);
      return;
    }
  }
  int rc = repo_channel_put(tx, code, doc, if_match, &out, &created);
  json_decref(doc);
  http_reply_put(r, rc, out, created);
}

void http_get_channels_CODE(struct http_request *r, struct repo_tx *tx)
{
  const char *code = http_param_code(r, 0, "code");
  json_t *out = NULL;
  if (!code)
    return;
  int rc = repo_channel_get(tx, code, &out);
  http_reply_get(r, rc, out, "code");
}

void http_get_channels(struct http_request *r, struct repo_tx *tx)
{
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!http_page_args(r, &limit, &after))
    return;
  int rc = repo_channel_list(tx, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}

void http_put_channels_CODE_ringfence_SKU(struct http_request *r, struct repo_tx *tx)
{
  const char *code = http_param_code(r, 0, "channel");
  const char *sku = code ? http_param_code(r, 1, "sku") : NULL;
  long long if_match;
  json_t *doc, *out = NULL;
  bool created = false;
  if (!sku || !http_if_match(r, &if_match) || !(doc = http_parse_with(r, eng_ringfence_parse)))
    return;
  if (!http_require(r, tx, REPO_CHANNEL, code, "channel") ||
      !http_require(r, tx, REPO_ITEM, sku, "sku") ||
      !http_require(r, tx, REPO_LOCATION, json_string_value(json_object_get(doc, "location")),
                    "location")) {
    json_decref(doc);
    return;
  }
  int rc = repo_ringfence_put(tx, code, sku, doc, if_match, &out, &created);
  json_decref(doc);
  http_reply_put(r, rc, out, created);
}

static void list_fences(struct http_request *r, struct repo_tx *tx, const char *sku)
{
  const char *code = http_param_code(r, 0, "channel");
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!code || !http_page_args(r, &limit, &after) ||
      !http_require(r, tx, REPO_CHANNEL, code, "channel"))
    return;
  int rc = repo_ringfence_list(tx, code, sku, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}

void http_get_channels_CODE_ringfence_SKU(struct http_request *r, struct repo_tx *tx)
{
  const char *sku = http_param_code(r, 1, "sku");
  if (sku)
    list_fences(r, tx, sku);
}

void http_get_channels_CODE_ringfence(struct http_request *r, struct repo_tx *tx)
{
  list_fences(r, tx, NULL);
}
