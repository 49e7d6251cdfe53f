/* it_items.c: PUT/GET /v1/items/{sku} and GET /v1/items. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"

static long long items_in(const char *tenant)
{
  return it_sql_int(tenant, "SELECT count(*) FROM items");
}

START_TEST(create_fills_defaults_then_replace)
{
  struct it_tenant t;
  it_tenant_new(&t, "items");
  struct it_resp r = it_req("PUT", "/v1/items/TSHIRT-M", t.key, "{\"name\":\"T-shirt M\",\"price\":1999}");
  IT_STATUS(r, 201);
  ck_assert_str_eq(r.content_type, "application/json");
  IT_JSTR(r.json, "sku", "TSHIRT-M");
  IT_JSTR(r.json, "name", "T-shirt M");
  IT_JINT(r.json, "price", 1999);
  IT_JNULL(r.json, "case_pack");
  ck_assert(json_is_array(it_get(r.json, "tags")) && json_array_size(it_get(r.json, "tags")) == 0);
  IT_JBOOL(r.json, "dropship", false);
  IT_JBOOL(r.json, "preorder.enabled", false);
  IT_JINT(r.json, "preorder.limit", 0);
  ck_assert(json_is_object(it_get(r.json, "preorder.channel_limits")) &&
            json_object_size(it_get(r.json, "preorder.channel_limits")) == 0);
  IT_JNULL(r.json, "preorder.release_date");
  IT_JINT(r.json, "version", 1);
  ck_assert_ptr_nonnull(it_str(r.json, "created_at"));
  ck_assert_str_eq(it_str(r.json, "created_at"), it_str(r.json, "updated_at"));
  it_resp_free(&r);

  /* the whole document */
  const char *full = "{\"name\":\"T-shirt M v2\",\"price\":2499,\"case_pack\":12,\"tags\":[\"summer\",\"cotton\"],"
                     "\"dropship\":true,\"preorder\":{\"enabled\":true,\"limit\":500,"
                     "\"channel_limits\":{\"web\":100},\"release_date\":\"2027-01-15\"},\"ignored\":1}";
  r = it_req("PUT", "/v1/items/TSHIRT-M", t.key, full);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 2);
  IT_JSTR(r.json, "name", "T-shirt M v2");
  IT_JINT(r.json, "price", 2499);
  IT_JINT(r.json, "case_pack", 12);
  IT_JSTR(r.json, "tags[0]", "summer");
  IT_JSTR(r.json, "tags[1]", "cotton");
  IT_JBOOL(r.json, "dropship", true);
  IT_JBOOL(r.json, "preorder.enabled", true);
  IT_JINT(r.json, "preorder.limit", 500);
  IT_JINT(r.json, "preorder.channel_limits.web", 100);
  IT_JSTR(r.json, "preorder.release_date", "2027-01-15");
  ck_assert_ptr_null(it_get(r.json, "ignored"));
  it_resp_free(&r);

  r = it_req("GET", "/v1/items/TSHIRT-M", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 2);
  IT_JINT(r.json, "case_pack", 12);
  IT_JINT(r.json, "preorder.channel_limits.web", 100);
  it_resp_free(&r);

  /* PUT replaces: what is omitted goes back to its default */
  r = it_req("PUT", "/v1/items/TSHIRT-M", t.key, "{\"name\":\"T\",\"price\":0}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 3);
  IT_JINT(r.json, "price", 0);
  IT_JNULL(r.json, "case_pack");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "tags")), 0);
  IT_JBOOL(r.json, "dropship", false);
  IT_JBOOL(r.json, "preorder.enabled", false);
  IT_JINT(r.json, "preorder.limit", 0);
  IT_JNULL(r.json, "preorder.release_date");
  it_resp_free(&r);

  ck_assert_int_eq(items_in(t.id), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT version FROM items WHERE sku = 'TSHIRT-M'"), 3);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM items WHERE sku = 'TSHIRT-M'"
                                    " AND case_pack IS NULL AND tags = '[]' AND NOT dropship"
                                    " AND NOT preorder_enabled AND release_date IS NULL"), 1);

  /* edge values accepted */
  r = it_req("PUT", "/v1/items/a.b_c-9", t.key,
             "{\"name\":\"x\",\"price\":1000000000000000,\"case_pack\":1,"
             "\"preorder\":{\"enabled\":true,\"limit\":0,\"release_date\":\"2028-02-29\"}}");
  IT_STATUS(r, 201);
  IT_JINT(r.json, "price", 1000000000000000LL);
  IT_JSTR(r.json, "preorder.release_date", "2028-02-29");
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/items/NOPE", t.key, NULL);

  /* UTF-8 text round-trips */
  r = it_req("PUT", "/v1/items/UTF8", t.key,
             "{\"name\":\"T-shirt caf\u00e9 \u2615 \u00fc\",\"price\":1,\"tags\":[\"\u00e9t\u00e9\"]}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "name", "T-shirt caf\xc3\xa9 \xe2\x98\x95 \xc3\xbc");
  IT_JSTR(r.json, "tags[0]", "\xc3\xa9t\xc3\xa9");
  it_resp_free(&r);
  char *name = it_sql_str(t.id, "SELECT name FROM items WHERE sku = 'UTF8'");
  ck_assert_str_eq(name, "T-shirt caf\xc3\xa9 \xe2\x98\x95 \xc3\xbc");
  free(name);
}
END_TEST

struct putter {
  pthread_barrier_t *start;
  const char *key, *path, *body, *hdr;
  long status;
  long long version;
};

static void *put_one(void *cls)
{
  struct putter *p = cls;
  pthread_barrier_wait(p->start);
  struct it_resp r = p->hdr ? it_req("PUT", p->path, p->key, p->body, p->hdr)
                            : it_req("PUT", p->path, p->key, p->body);
  p->status = r.status;
  p->version = it_int(r.json, "version");
  it_resp_free(&r);
  return NULL;
}

/* Runs n PUTs of the same request at once. */
static void put_race(struct putter *p, int n, const char *key, const char *path, const char *body,
                     const char *hdr)
{
  pthread_t th[16];
  pthread_barrier_t start;
  pthread_barrier_init(&start, NULL, (unsigned)n);
  for (int i = 0; i < n; i++) {
    p[i] = (struct putter){&start, key, path, body, hdr, 0, 0};
    ck_assert_int_eq(pthread_create(&th[i], NULL, put_one, &p[i]), 0);
  }
  for (int i = 0; i < n; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&start);
}

START_TEST(concurrent_puts_lose_no_update)
{
  enum { N = 8 };
  struct putter p[N];
  struct it_tenant t;
  it_tenant_new(&t, "itemrace");

  /* the same new sku from 8 clients: one creates, seven update, in turn */
  put_race(p, N, t.key, "/v1/items/HOT", "{\"name\":\"hot\",\"price\":1}", NULL);
  int created = 0;
  unsigned seen = 0;
  for (int i = 0; i < N; i++) {
    ck_assert_msg(p[i].status == 201 || p[i].status == 200, "put %d: %ld", i, p[i].status);
    created += p[i].status == 201;
    ck_assert_msg(p[i].version >= 1 && p[i].version <= N, "version %lld", p[i].version);
    ck_assert_msg(!(seen & (1u << p[i].version)), "version %lld twice", p[i].version);
    seen |= 1u << p[i].version;
    if (p[i].status == 201)
      ck_assert_int_eq(p[i].version, 1);
  }
  ck_assert_int_eq(created, 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT version FROM items WHERE sku = 'HOT'"), N);

  /* 8 clients holding the same version: exactly one wins, the rest get 412 */
  char hdr[32];
  snprintf(hdr, sizeof hdr, "If-Match: %d", N);
  put_race(p, N, t.key, "/v1/items/HOT", "{\"name\":\"won\",\"price\":2}", hdr);
  int won = 0;
  for (int i = 0; i < N; i++) {
    ck_assert_msg(p[i].status == 200 || p[i].status == 412, "put %d: %ld", i, p[i].status);
    won += p[i].status == 200;
  }
  ck_assert_int_eq(won, 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT version FROM items WHERE sku = 'HOT'"), N + 1);
  ck_assert_int_eq(items_in(t.id), 1);
}
END_TEST

START_TEST(list_walks_all_pages)
{
  struct it_tenant t;
  it_tenant_new(&t, "itemlist");
  static const char *const skus[] = {"SKU-C", "SKU-A", "SKU-B"}; /* creation order, not name order */
  for (int i = 0; i < 3; i++) {
    char path[64];
    snprintf(path, sizeof path, "/v1/items/%s", skus[i]);
    it_put_created(t.key, path, "{\"name\":\"x\",\"price\":1}");
  }
  /* an update does not move an item in the list */
  IT_EXPECT_STATUS(200, "PUT", "/v1/items/SKU-C", t.key, "{\"name\":\"y\",\"price\":2}");
  it_walk_pages(t.key, "/v1/items", "sku", skus, 3);
}
END_TEST

START_TEST(if_match)
{
  struct it_tenant t;
  it_tenant_new(&t, "itemif");
  it_put_created(t.key, "/v1/items/SKU1", "{\"name\":\"x\",\"price\":1}");
  it_if_match_cycle(t.key, "/v1/items/SKU1", "/v1/items/SKU1", "{\"name\":\"x\",\"price\":2}",
                    "/v1/items/MISSING");
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/items/MISSING", t.key, NULL);
  ck_assert_int_eq(items_in(t.id), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT version FROM items WHERE sku = 'SKU1'"), 4);
}
END_TEST

START_TEST(invalid_bodies_are_400_and_write_nothing)
{
  static const struct it_case cases[] = {
      {NULL, "body", NULL},
      {"", "body", NULL},
      {"{", "body", NULL},
      {"{\"name\":\"x\",\"price\":1,}", "body", NULL},
      {"[]", "body", NULL},
      {"\"item\"", "body", NULL},
      {"null", "body", NULL},
      {"{\"name\":\"a\",\"name\":\"b\",\"price\":1}", "body", NULL},
      {"{}", "name", "price"},
      {"{\"name\":\"x\"}", "price", NULL},
      {"{\"price\":1}", "name", NULL},
      {"{\"name\":\"\",\"price\":1}", "name", NULL},
      {"{\"name\":5,\"price\":1}", "name", NULL},
      {"{\"name\":null,\"price\":1}", "name", NULL},
      {"{\"name\":\"x\",\"price\":-1}", "price", NULL},
      {"{\"name\":\"x\",\"price\":\"1999\"}", "price", NULL},
      {"{\"name\":\"x\",\"price\":19.99}", "price", NULL},
      {"{\"name\":\"x\",\"price\":null}", "price", NULL},
      {"{\"name\":\"x\",\"price\":true}", "price", NULL},
      {"{\"name\":\"x\",\"price\":1000000000000001}", "price", NULL},
      {"{\"name\":\"x\",\"price\":1,\"case_pack\":0}", "case_pack", NULL},
      {"{\"name\":\"x\",\"price\":1,\"case_pack\":-12}", "case_pack", NULL},
      {"{\"name\":\"x\",\"price\":1,\"case_pack\":\"12\"}", "case_pack", NULL},
      {"{\"name\":\"x\",\"price\":1,\"tags\":\"summer\"}", "tags", NULL},
      {"{\"name\":\"x\",\"price\":1,\"tags\":[1]}", "tags[0]", NULL},
      {"{\"name\":\"x\",\"price\":1,\"tags\":[\"ok\",\"\"]}", "tags[1]", NULL},
      {"{\"name\":\"x\",\"price\":1,\"tags\":[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]}", "tags[0]", NULL},
      {"{\"name\":\"a\\u0000b\",\"price\":1}", "body", NULL},
      {"{\"name\":\"x\",\"price\":1,\"dropship\":\"yes\"}", "dropship", NULL},
      {"{\"name\":\"x\",\"price\":1,\"dropship\":1}", "dropship", NULL},
      {"{\"name\":\"x\",\"price\":1,\"preorder\":true}", "preorder", NULL},
      {"{\"name\":\"x\",\"price\":1,\"preorder\":{\"enabled\":\"yes\"}}", "preorder.enabled", NULL},
      {"{\"name\":\"x\",\"price\":1,\"preorder\":{\"enabled\":true}}", "preorder.limit", NULL},
      {"{\"name\":\"x\",\"price\":1,\"preorder\":{\"enabled\":true,\"limit\":-1}}", "preorder.limit", NULL},
      {"{\"name\":\"x\",\"price\":1,\"preorder\":{\"limit\":\"5\"}}", "preorder.limit", NULL},
      {"{\"name\":\"x\",\"price\":1,\"preorder\":{\"channel_limits\":{\"web\":-5}}}", "preorder.channel_limits.web", NULL},
      {"{\"name\":\"x\",\"price\":1,\"preorder\":{\"channel_limits\":[]}}", "preorder.channel_limits", NULL},
      {"{\"name\":\"x\",\"price\":1,\"preorder\":{\"release_date\":\"2027-02-30\"}}", "preorder.release_date", NULL},
      {"{\"name\":\"x\",\"price\":1,\"preorder\":{\"release_date\":\"2027-1-15\"}}", "preorder.release_date", NULL},
      {"{\"name\":\"x\",\"price\":1,\"preorder\":{\"release_date\":\"2027-01-15T00:00:00Z\"}}", "preorder.release_date", NULL},
      {"{\"name\":\"x\",\"price\":-1,\"case_pack\":0}", "price", "case_pack"},
  };
  struct it_tenant t;
  it_tenant_new(&t, "itembad");
  it_expect_400s(t.key, "PUT", "/v1/items/SKU1", cases);
  char body[300];
  snprintf(body, sizeof body, "{\"name\":\"%0201d\",\"price\":1}", 0);
  IT_EXPECT_PROBLEM(400, "validation_failed", "name", "PUT", "/v1/items/SKU1", t.key, body);
  /* at most 50 tags */
  char tags[600];
  int o = snprintf(tags, sizeof tags, "{\"name\":\"x\",\"price\":1,\"tags\":[");
  for (int i = 0; i < 51; i++)
    o += snprintf(tags + o, sizeof tags - (size_t)o, "%s\"t%d\"", i ? "," : "", i);
  snprintf(tags + o, sizeof tags - (size_t)o, "]}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "tags", "PUT", "/v1/items/SKU1", t.key, tags);
  ck_assert_int_eq(items_in(t.id), 0);

  /* an invalid replacement leaves the stored item as it was */
  it_put_created(t.key, "/v1/items/SKU1", "{\"name\":\"keep\",\"price\":5}");
  it_expect_400s(t.key, "PUT", "/v1/items/SKU1", cases);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM items WHERE sku = 'SKU1'"
                                    " AND name = 'keep' AND price = 5 AND version = 1"), 1);
}
END_TEST

START_TEST(invalid_sku_in_path)
{
  struct it_tenant t;
  char path[160], sku64[65];
  const char *body = "{\"name\":\"x\",\"price\":1}";
  it_tenant_new(&t, "itemsku");
  IT_EXPECT_PROBLEM(400, "validation_failed", "sku", "PUT", "/v1/items/bad%20sku", t.key, body);
  IT_EXPECT_PROBLEM(400, "validation_failed", "sku", "PUT", "/v1/items/caf%C3%A9", t.key, body);
  IT_EXPECT_PROBLEM(400, "validation_failed", "sku", "PUT", "/v1/items/a+b", t.key, body);
  memset(sku64, 'S', 64);
  sku64[64] = '\0';
  snprintf(path, sizeof path, "/v1/items/%sX", sku64); /* 65 characters */
  IT_EXPECT_PROBLEM(400, "validation_failed", "sku", "PUT", path, t.key, body);
  ck_assert_int_eq(items_in(t.id), 0);
  /* 64 is the limit */
  snprintf(path, sizeof path, "/v1/items/%s", sku64);
  it_put_created(t.key, path, body);
  IT_EXPECT_STATUS(200, "GET", path, t.key, NULL);
  /* a read of a name that cannot exist is 404 */
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/items/bad%20sku", t.key, NULL);
  ck_assert_int_eq(items_in(t.id), 1);
}
END_TEST

START_TEST(roles)
{
  struct it_tenant t;
  char ops[80], sf[80];
  const char *body = "{\"name\":\"x\",\"price\":1}";
  it_tenant_new(&t, "itemroles");
  it_key_new(&t, "ops", ops, NULL);
  it_key_new(&t, "storefront", sf, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "PUT", "/v1/items/SF1", sf, body);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/items", sf, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/items/SF1", sf, NULL);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "PUT", "/v1/items/SF1", NULL, body);
  ck_assert_int_eq(items_in(t.id), 0);
  it_put_created(ops, "/v1/items/OPS1", body);
  IT_EXPECT_STATUS(200, "GET", "/v1/items/OPS1", ops, NULL);
  ck_assert_int_eq(items_in(t.id), 1);
}
END_TEST

Suite *it_suite_items(void)
{
  Suite *s = suite_create("items");
  TCase *tc = tcase_create("items");
  tcase_add_test(tc, create_fills_defaults_then_replace);
  tcase_add_test(tc, list_walks_all_pages);
  tcase_add_test(tc, if_match);
  tcase_add_test(tc, invalid_bodies_are_400_and_write_nothing);
  tcase_add_test(tc, invalid_sku_in_path);
  tcase_add_test(tc, roles);
  tcase_add_test(tc, concurrent_puts_lose_no_update);
  suite_add_tcase(s, tc);
  return s;
}
