/* h_tenants.c: /v1/tenants, the platform operator's endpoints. A tenant is
 * born with one admin key, shown once. */
#include <string.h>
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/keys.h"
#include "oms/repo.h"

void http_post_tenants(struct http_request *r, struct repo_tx *tx)
{
  json_t *doc = http_parse_with(r, eng_tenant_parse);
  json_t *out = NULL;
  struct oms_key key;
  if (!doc)
    return;
  oms_key_new(&key);
  int rc = repo_tenant_create(tx, json_string_value(json_object_get(doc, "name")), key.hash,
                              key.prefix, &out);
  json_decref(doc);
  if (rc <= 0) {
    http_fail_db(r, rc);
    return;
  }
  /* a replay shows everything but the secret */
  r->replay = json_deep_copy(out);
  json_object_set_new(json_object_get(out, "api_key"), "key", json_string(key.key));
  http_ok(r, 201, out);
}

void http_get_tenants(struct http_request *r, struct repo_tx *tx)
{
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!http_page_args(r, &limit, &after))
    return;
  int rc = repo_tenant_list(tx, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}

void http_get_tenants_ID(struct http_request *r, struct repo_tx *tx)
{
  json_t *out = NULL;
  int rc = repo_tenant_get(tx, r->params[0], &out);
  http_reply_get(r, rc, out, "id");
}
