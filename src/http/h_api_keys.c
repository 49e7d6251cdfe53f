/* h_api_keys.c: /v1/api-keys (admin): create (secret shown once), list,
 * read, revoke (immediate: every request looks the key up). */
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/keys.h"
#include "oms/repo.h"

void http_post_api_keys(struct http_request *r, struct repo_tx *tx)
{
  json_t *doc = http_parse_with(r, eng_api_key_parse);
  json_t *out = NULL;
  struct oms_key key;
  if (!doc)
    return;
  oms_key_new(&key);
  int rc = repo_key_create(tx, json_string_value(json_object_get(doc, "role")),
                           json_string_value(json_object_get(doc, "name")), key.hash, key.prefix,
                           &out);
  json_decref(doc);
  if (rc <= 0) {
    http_fail_db(r, rc);
    return;
  }
  r->replay = json_deep_copy(out);
  json_object_set_new(out, "key", json_string(key.key));
  http_ok(r, 201, out);
}

void http_get_api_keys(struct http_request *r, struct repo_tx *tx)
{
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!http_page_args(r, &limit, &after))
    return;
  int rc = repo_key_list(tx, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}

void http_get_api_keys_ID(struct http_request *r, struct repo_tx *tx)
{
  json_t *out = NULL;
  int rc = repo_key_get(tx, r->params[0], &out);
  http_reply_get(r, rc, out, "id");
}

void http_delete_api_keys_ID(struct http_request *r, struct repo_tx *tx)
{
  int rc = repo_key_revoke(tx, r->params[0]);
  if (rc < 0)
    http_fail_db(r, rc);
  else if (rc == 0)
    http_fail_field(r, OMS_ERR_NOT_FOUND, "id", "does not exist");
  else
    http_ok(r, 204, NULL);
}
