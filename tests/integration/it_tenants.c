/* it_tenants.c: /v1/tenants, the platform operator's API (OMS_ADMIN_TOKEN
 * only; every other credential is 401). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"
#include "oms/common.h"

static long long tenant_count(void)
{
  return it_sql_int(IT_OPERATOR, "SELECT count(*) FROM tenants");
}

START_TEST(operator_creates_tenant_with_admin_key)
{
  char name[64], body[128], hash[65];
  it_unique(name, sizeof name, "Acme");
  snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
  struct it_resp r = it_req("POST", "/v1/tenants", it_srv.token, body);
  IT_STATUS(r, 201);
  ck_assert_str_eq(r.content_type, "application/json");
  const char *id = it_str(r.json, "id");
  ck_assert_msg(oms_uuid_valid(id), "id %s", id ? id : "(none)");
  IT_JSTR(r.json, "name", name);
  ck_assert_ptr_nonnull(it_str(r.json, "created_at"));
  IT_JSTR(r.json, "api_key.role", "admin");
  ck_assert(oms_uuid_valid(it_str(r.json, "api_key.id")));
  const char *key = it_str(r.json, "api_key.key");
  ck_assert_ptr_nonnull(key);
  ck_assert_msg(strncmp(key, "oms_", 4) == 0, "key %s", key);
  ck_assert_uint_eq(strlen(key), 47); /* oms_ + 43 base64url chars of 32 bytes */
  ck_assert_msg(strncmp(it_str(r.json, "api_key.prefix"), key, 12) == 0, "prefix");
  IT_JNULL(r.json, "api_key.revoked_at");

  /* stored: one tenant, one admin key, hashed */
  ck_assert_int_eq(it_sql_int(IT_OPERATOR, "SELECT count(*) FROM tenants WHERE id = '%s' AND name = '%s'", id, name), 1);
  ck_assert_int_eq(it_sql_int(id, "SELECT count(*) FROM api_keys WHERE role = 'admin'"), 1);
  oms_sha256_hex(key, strlen(key), hash);
  char *stored = it_sql_str(id, "SELECT key_hash FROM api_keys");
  ck_assert_str_eq(stored, hash);
  free(stored);

  /* the key works at once */
  struct it_resp k = it_req("GET", "/v1/api-keys", key, NULL);
  IT_STATUS(k, 200);
  ck_assert_uint_eq(json_array_size(it_get(k.json, "data")), 1);
  IT_JSTR(k.json, "data[0].id", it_str(r.json, "api_key.id"));
  it_resp_free(&k);
  it_resp_free(&r);
}
END_TEST

START_TEST(only_the_operator_token_is_accepted)
{
  struct it_tenant t;
  char ops[80], wwwa[64];
  it_tenant_new(&t, "auth");
  it_key_new(&t, "ops", ops, NULL);
  long long before = tenant_count();
  const char *body = "{\"name\":\"Intruder\"}";

  struct it_resp r = it_req("POST", "/v1/tenants", NULL, body);
  IT_PROBLEM(r, 401, "unauthorized", NULL);
  ck_assert_ptr_nonnull(it_header(&r, "WWW-Authenticate", wwwa, sizeof wwwa));
  ck_assert_str_eq(wwwa, "Bearer");
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/tenants", "wrong-token", body);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/tenants", t.key, body);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/tenants", ops, body);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "GET", "/v1/tenants", t.key, NULL);
  char path[96];
  snprintf(path, sizeof path, "/v1/tenants/%s", t.id);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "GET", path, t.key, NULL);
  /* the token in another scheme, or a prefix of it, is not the token */
  char basic[160], half[40];
  snprintf(basic, sizeof basic, "Authorization: Basic %s", it_srv.token);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/tenants", NULL, body, basic);
  snprintf(half, sizeof half, "%.32s", it_srv.token);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/tenants", half, body);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/tenants", NULL, body,
                    "Authorization: Bearer ");
  ck_assert_int_eq(tenant_count(), before);
}
END_TEST

START_TEST(invalid_tenant_body_is_400)
{
  static const struct {
    const char *body, *field;
  } cases[] = {
      {"{}", "name"},
      {"{\"name\":\"\"}", "name"},
      {"{\"name\":5}", "name"},
      {"{\"name\":null}", "name"},
      {"{\"name\":[\"Acme\"]}", "name"},
      {"[{\"name\":\"Acme\"}]", "body"},
      {"{\"name\":", "body"},
      {"not json", "body"},
  };
  long long before = tenant_count();
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct it_resp r = it_req("POST", "/v1/tenants", it_srv.token, cases[i].body);
    ck_assert_msg(r.status == 400, "%s: %ld", cases[i].body, r.status);
    IT_PROBLEM(r, 400, "validation_failed", cases[i].field);
    it_resp_free(&r);
  }
  IT_EXPECT_PROBLEM(400, "validation_failed", "body", "POST", "/v1/tenants", it_srv.token, NULL);
  /* 201 characters */
  char body[300];
  snprintf(body, sizeof body, "{\"name\":\"%0201d\"}", 0);
  IT_EXPECT_PROBLEM(400, "validation_failed", "name", "POST", "/v1/tenants", it_srv.token, body);
  ck_assert_int_eq(tenant_count(), before);
}
END_TEST

START_TEST(get_and_list_tenants)
{
  struct it_tenant a, b;
  char path[96];
  it_tenant_new(&a, "listA");
  it_tenant_new(&b, "listB");

  snprintf(path, sizeof path, "/v1/tenants/%s", a.id);
  struct it_resp r = it_req("GET", path, it_srv.token, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "id", a.id);
  IT_JSTR(r.json, "name", a.name);
  ck_assert_ptr_nonnull(it_str(r.json, "created_at"));
  ck_assert_ptr_null(it_get(r.json, "api_key"));
  it_resp_free(&r);

  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", "/v1/tenants/00000000-0000-4000-8000-000000000000",
                    it_srv.token, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", "/v1/tenants/not-a-uuid", it_srv.token, NULL);

  /* the list holds both, a before b (creation order), and no secrets;
   * walk it in pages of 500 (the database may hold many tenants) */
  long pos = 0, ia = -1, ib = -1;
  char cursor[64] = "";
  for (int page = 0; page < 1000 && (ia < 0 || ib < 0); page++) {
    if (cursor[0])
      snprintf(path, sizeof path, "/v1/tenants?limit=500&after=%s", cursor);
    else
      snprintf(path, sizeof path, "/v1/tenants?limit=500");
    r = it_req("GET", path, it_srv.token, NULL);
    IT_STATUS(r, 200);
    json_t *data = it_get(r.json, "data");
    ck_assert(json_is_array(data));
    for (size_t i = 0; i < json_array_size(data); i++, pos++) {
      const char *id = it_str(json_array_get(data, i), "id");
      if (id && strcmp(id, a.id) == 0)
        ia = pos;
      if (id && strcmp(id, b.id) == 0)
        ib = pos;
    }
    ck_assert(!it_contains(r.body, a.key));
    ck_assert(!it_contains(r.body, "\"key\""));
    const char *next = it_str(r.json, "next_cursor");
    snprintf(cursor, sizeof cursor, "%s", next ? next : "");
    it_resp_free(&r);
    if (!cursor[0])
      break;
  }
  ck_assert_msg(ia >= 0 && ib > ia, "positions %ld %ld", ia, ib);

  /* pages of one: the cursor moves forward */
  r = it_req("GET", "/v1/tenants?limit=1", it_srv.token, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  const char *first = it_str(r.json, "next_cursor");
  ck_assert_ptr_nonnull(first);
  snprintf(path, sizeof path, "/v1/tenants?limit=1&after=%s", first);
  struct it_resp r2 = it_req("GET", path, it_srv.token, NULL);
  IT_STATUS(r2, 200);
  ck_assert_uint_eq(json_array_size(it_get(r2.json, "data")), 1);
  ck_assert_str_ne(it_str(r.json, "data[0].id"), it_str(r2.json, "data[0].id"));
  it_resp_free(&r2);
  it_resp_free(&r);

  IT_EXPECT_PROBLEM(400, "validation_failed", "limit", "GET", "/v1/tenants?limit=0", it_srv.token, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "limit", "GET", "/v1/tenants?limit=501", it_srv.token, NULL);
}
END_TEST

Suite *it_suite_tenants(void)
{
  Suite *s = suite_create("tenants");
  TCase *tc = tcase_create("tenants");
  tcase_add_test(tc, operator_creates_tenant_with_admin_key);
  tcase_add_test(tc, only_the_operator_token_is_accepted);
  tcase_add_test(tc, invalid_tenant_body_is_400);
  tcase_add_test(tc, get_and_list_tenants);
  suite_add_tcase(s, tc);
  return s;
}
