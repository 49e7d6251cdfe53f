/* h_locations.c: /v1/locations: warehouses and stores. */
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/repo.h"

void http_put_locations_CODE(struct http_request *r, struct repo_tx *tx)
{
  const char *code = http_param_code(r, 0, "code");
  long long if_match;
  json_t *doc, *out = NULL;
  bool created = false;
  if (!code || !http_if_match(r, &if_match) || !(doc = http_parse_with(r, eng_location_parse)))
    return;
  int rc = repo_location_put(tx, code, doc, if_match, &out, &created);
  json_decref(doc);
  http_reply_put(r, rc, out, created);
}

void http_get_locations_CODE(struct http_request *r, struct repo_tx *tx)
{
  const char *code = http_param_code(r, 0, "code");
  json_t *out = NULL;
  if (!code)
    return;
  int rc = repo_location_get(tx, code, &out);
  http_reply_get(r, rc, out, "code");
}

void http_get_locations(struct http_request *r, struct repo_tx *tx)
{
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!http_page_args(r, &limit, &after))
    return;
  int rc = repo_location_list(tx, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}
