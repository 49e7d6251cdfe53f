/* it_keys.c: /v1/api-keys (admin only): create (secret shown once, stored
 * as its SHA-256), list and read (never the secret), revoke (immediate). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"
#include "oms/common.h"

START_TEST(admin_creates_ops_and_storefront_keys)
{
  struct it_tenant t;
  it_tenant_new(&t, "keys");
  static const char *const roles[] = {"ops", "storefront", "admin"};
  char keys[3][80], ids[3][37];

  for (int i = 0; i < 3; i++) {
    char body[96];
    snprintf(body, sizeof body, "{\"role\":\"%s\",\"name\":\"k-%s\"}", roles[i], roles[i]);
    struct it_resp r = it_req("POST", "/v1/api-keys", t.key, body);
    IT_STATUS(r, 201);
    ck_assert(oms_uuid_valid(it_str(r.json, "id")));
    IT_JSTR(r.json, "role", roles[i]);
    char name[32];
    snprintf(name, sizeof name, "k-%s", roles[i]);
    IT_JSTR(r.json, "name", name);
    const char *key = it_str(r.json, "key");
    ck_assert_ptr_nonnull(key);
    ck_assert_msg(strncmp(key, "oms_", 4) == 0 && strlen(key) == 47, "key %s", key);
    ck_assert_msg(strncmp(it_str(r.json, "prefix"), key, 12) == 0, "prefix");
    ck_assert_ptr_nonnull(it_str(r.json, "created_at"));
    IT_JNULL(r.json, "revoked_at");
    snprintf(keys[i], sizeof keys[i], "%s", key);
    snprintf(ids[i], sizeof ids[i], "%s", it_str(r.json, "id"));
    it_resp_free(&r);
  }
  ck_assert_str_ne(keys[0], keys[1]);

  /* each works with its role: ops reads the catalog, storefront does not */
  IT_EXPECT_STATUS(200, "GET", "/v1/items", keys[0], NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/items", keys[1], NULL);
  IT_EXPECT_STATUS(200, "GET", "/v1/api-keys", keys[2], NULL);
  /* the name is optional */
  struct it_resp r = it_req("POST", "/v1/api-keys", t.key, "{\"role\":\"ops\"}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "name", "");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM api_keys"), 5);

  /* list: in creation order, never a secret */
  r = it_req("GET", "/v1/api-keys", t.key, NULL);
  IT_STATUS(r, 200);
  json_t *data = it_get(r.json, "data");
  ck_assert_uint_eq(json_array_size(data), 5);
  IT_JSTR(r.json, "data[0].id", t.key_id);
  IT_JSTR(r.json, "data[1].id", ids[0]);
  IT_JSTR(r.json, "data[2].id", ids[1]);
  IT_JSTR(r.json, "data[3].id", ids[2]);
  IT_JNULL(r.json, "next_cursor");
  for (size_t i = 0; i < json_array_size(data); i++) {
    ck_assert_ptr_null(json_object_get(json_array_get(data, i), "key"));
    ck_assert_ptr_null(json_object_get(json_array_get(data, i), "key_hash"));
  }
  for (int i = 0; i < 3; i++)
    ck_assert(!it_contains(r.body, keys[i]));
  ck_assert(!it_contains(r.body, t.key));
  it_resp_free(&r);

  /* one, by id */
  char path[96];
  snprintf(path, sizeof path, "/v1/api-keys/%s", ids[1]);
  r = it_req("GET", path, t.key, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "id", ids[1]);
  IT_JSTR(r.json, "role", "storefront");
  ck_assert_ptr_null(it_get(r.json, "key"));
  ck_assert(!it_contains(r.body, keys[1]));
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", "/v1/api-keys/00000000-0000-4000-8000-000000000000", t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", "/v1/api-keys/nope", t.key, NULL);

  /* paging */
  r = it_req("GET", "/v1/api-keys?limit=2", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 2);
  ck_assert_ptr_nonnull(it_str(r.json, "next_cursor"));
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(400, "validation_failed", "limit", "GET", "/v1/api-keys?limit=0", t.key, NULL);
}
END_TEST

START_TEST(keys_are_stored_hashed)
{
  struct it_tenant t;
  char key[80], id[37], hash[65];
  it_tenant_new(&t, "hash");
  it_key_new(&t, "ops", key, id);
  oms_sha256_hex(key, strlen(key), hash);
  char *stored = it_sql_str(t.id, "SELECT key_hash FROM api_keys WHERE id = '%s'", id);
  ck_assert_ptr_nonnull(stored);
  ck_assert_str_eq(stored, hash);
  free(stored);
  char *prefix = it_sql_str(t.id, "SELECT prefix FROM api_keys WHERE id = '%s'", id);
  ck_assert_int_eq(strncmp(prefix, key, 12), 0);
  ck_assert_uint_eq(strlen(prefix), 12);
  free(prefix);
  /* the secret is in no column of any row (strpos: keys may hold '_') */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM api_keys k"
                                    " WHERE strpos(row_to_json(k)::text, '%s') > 0", key), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM api_keys k"
                                    " WHERE strpos(row_to_json(k)::text, '%s') > 0", t.key), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM idempotency_keys i"
                                    " WHERE strpos(row_to_json(i)::text, '%s') > 0", key), 0);
}
END_TEST

START_TEST(revoke_takes_effect_immediately)
{
  struct it_tenant t;
  char ops[80], ops_id[37], path[96];
  it_tenant_new(&t, "revoke");
  it_key_new(&t, "ops", ops, ops_id);
  IT_EXPECT_STATUS(200, "GET", "/v1/items", ops, NULL);

  snprintf(path, sizeof path, "/v1/api-keys/%s", ops_id);
  struct it_resp r = it_req("DELETE", path, t.key, NULL);
  IT_STATUS(r, 204);
  ck_assert_uint_eq(r.body_len, 0);
  it_resp_free(&r);

  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "GET", "/v1/items", ops, NULL);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "PUT", "/v1/items/X1", ops, "{\"name\":\"x\",\"price\":1}");
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", path, t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "DELETE", path, t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "DELETE", "/v1/api-keys/not-a-uuid", t.key, NULL);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM api_keys WHERE id = '%s'"
                                    " AND revoked_at IS NOT NULL", ops_id), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM items"), 0);

  r = it_req("GET", "/v1/api-keys", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].id", t.key_id);
  it_resp_free(&r);

  /* an admin may revoke its own key; the next call is 401 */
  snprintf(path, sizeof path, "/v1/api-keys/%s", t.key_id);
  IT_EXPECT_STATUS(204, "DELETE", path, t.key, NULL);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "GET", "/v1/api-keys", t.key, NULL);
}
END_TEST

START_TEST(other_roles_get_403)
{
  struct it_tenant t;
  char ops[80], ops_id[37], sf[80], path[96];
  it_tenant_new(&t, "roles");
  it_key_new(&t, "ops", ops, ops_id);
  it_key_new(&t, "storefront", sf, NULL);
  snprintf(path, sizeof path, "/v1/api-keys/%s", ops_id);
  const char *keys[] = {ops, sf};
  for (int i = 0; i < 2; i++) {
    IT_EXPECT_PROBLEM(403, "forbidden", NULL, "POST", "/v1/api-keys", keys[i], "{\"role\":\"admin\"}");
    IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/api-keys", keys[i], NULL);
    IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", path, keys[i], NULL);
    IT_EXPECT_PROBLEM(403, "forbidden", NULL, "DELETE", path, keys[i], NULL);
  }
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM api_keys"), 3);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL"), 0);
}
END_TEST

START_TEST(invalid_key_body_is_400)
{
  static const struct {
    const char *body, *field;
  } cases[] = {
      {"{}", "role"},
      {"{\"name\":\"x\"}", "role"},
      {"{\"role\":\"superuser\"}", "role"},
      {"{\"role\":\"Admin\"}", "role"},
      {"{\"role\":\"\"}", "role"},
      {"{\"role\":1}", "role"},
      {"{\"role\":null}", "role"},
      {"{\"role\":\"ops\",\"name\":7}", "name"},
      {"{\"role\":\"ops\"", "body"},
      {"[\"ops\"]", "body"},
  };
  struct it_tenant t;
  it_tenant_new(&t, "keybody");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct it_resp r = it_req("POST", "/v1/api-keys", t.key, cases[i].body);
    ck_assert_msg(r.status == 400, "%s: %ld", cases[i].body, r.status);
    IT_PROBLEM(r, 400, "validation_failed", cases[i].field);
    it_resp_free(&r);
  }
  char body[300];
  snprintf(body, sizeof body, "{\"role\":\"ops\",\"name\":\"%0201d\"}", 0);
  IT_EXPECT_PROBLEM(400, "validation_failed", "name", "POST", "/v1/api-keys", t.key, body);
  IT_EXPECT_PROBLEM(400, "validation_failed", "body", "POST", "/v1/api-keys", t.key, NULL);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM api_keys"), 1);
}
END_TEST

START_TEST(missing_or_bad_credentials_are_401)
{
  struct it_tenant t;
  it_tenant_new(&t, "badauth");
  const char *body = "{\"role\":\"ops\"}";
  char basic[160], spaced[160], lower[160], chopped[80];
  snprintf(basic, sizeof basic, "Authorization: Basic %s", t.key);
  snprintf(lower, sizeof lower, "Authorization: bearer %s", t.key);
  snprintf(spaced, sizeof spaced, "Authorization: Bearer   %s", t.key);
  snprintf(chopped, sizeof chopped, "%.46s", t.key);

  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/api-keys", NULL, body);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/api-keys", "oms_nonsense", body);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/api-keys", chopped, body);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/api-keys", it_srv.token, body);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/api-keys", NULL, body, basic);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/api-keys", NULL, body,
                    "Authorization: Bearer");
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "GET", "/v1/api-keys", NULL, NULL,
                    "Authorization: Bearer ");
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "GET", "/v1/items", NULL, NULL);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "GET", "/v1/locations/WH1", "x", NULL);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM api_keys"), 1);
  /* the scheme is case-insensitive and extra spaces are tolerated */
  IT_EXPECT_STATUS(200, "GET", "/v1/api-keys", NULL, NULL, lower);
  IT_EXPECT_STATUS(200, "GET", "/v1/api-keys", NULL, NULL, spaced);
}
END_TEST

Suite *it_suite_keys(void)
{
  Suite *s = suite_create("api_keys");
  TCase *tc = tcase_create("api_keys");
  tcase_add_test(tc, admin_creates_ops_and_storefront_keys);
  tcase_add_test(tc, keys_are_stored_hashed);
  tcase_add_test(tc, revoke_takes_effect_immediately);
  tcase_add_test(tc, other_roles_get_403);
  tcase_add_test(tc, invalid_key_body_is_400);
  tcase_add_test(tc, missing_or_bad_credentials_are_401);
  suite_add_tcase(s, tc);
  return s;
}
