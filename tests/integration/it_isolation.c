/* it_isolation.c: one tenant never sees another's objects (404 or an empty
 * list, never 403), and row-level security holds even for SQL that forgets
 * its tenant filter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>
#include "it.h"

struct world {
  struct it_tenant a, b;
  char a_ops[80], a_ops_id[37];
};

/* Tenant A with one of everything; tenant B empty. */
static void make_world(struct world *w)
{
  it_tenant_new(&w->a, "isoA");
  it_tenant_new(&w->b, "isoB");
  it_key_new(&w->a, "ops", w->a_ops, w->a_ops_id);
  const char *k = w->a.key;
  it_put_created(k, "/v1/items/SKU1", "{\"name\":\"A item\",\"price\":100}");
  it_put_created(k, "/v1/locations/WH1", "{\"name\":\"A DC\",\"type\":\"warehouse\"}");
  it_put_created(k, "/v1/suppliers/SUP1", "{\"name\":\"A supplier\"}");
  it_put_created(k, "/v1/suppliers/SUP1/items/SKU1", "{\"cost\":1,\"available\":1}");
  it_put_created(k, "/v1/channels/CH1", "{\"name\":\"A web\",\"locations\":[\"WH1\"]}");
  it_put_created(k, "/v1/channels/CH1/ringfence/SKU1", "{\"location\":\"WH1\",\"quantity\":5}");
}

START_TEST(reads_of_another_tenant_are_404)
{
  struct world w;
  char path[96];
  make_world(&w);
  const char *k = w.b.key;
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/items/SKU1", k, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "code", "GET", "/v1/locations/WH1", k, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "code", "GET", "/v1/suppliers/SUP1", k, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "supplier", "GET", "/v1/suppliers/SUP1/items/SKU1", k, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "supplier", "GET", "/v1/suppliers/SUP1/items", k, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "code", "GET", "/v1/channels/CH1", k, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "channel", "GET", "/v1/channels/CH1/ringfence", k, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "channel", "GET", "/v1/channels/CH1/ringfence/SKU1", k, NULL);
  snprintf(path, sizeof path, "/v1/api-keys/%s", w.a_ops_id);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", path, k, NULL);
  snprintf(path, sizeof path, "/v1/api-keys/%s", w.a.key_id);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", path, k, NULL);

  /* lists hold only the caller's own */
  static const char *const lists[] = {"/v1/items", "/v1/locations", "/v1/suppliers", "/v1/channels"};
  for (size_t i = 0; i < 4; i++) {
    struct it_resp r = it_req("GET", lists[i], k, NULL);
    IT_STATUS(r, 200);
    ck_assert_msg(json_array_size(it_get(r.json, "data")) == 0, "%s: %s", lists[i], r.body);
    IT_JNULL(r.json, "next_cursor");
    it_resp_free(&r);
  }
  struct it_resp r = it_req("GET", "/v1/api-keys", k, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].id", w.b.key_id);
  it_resp_free(&r);
  /* A sees its own */
  r = it_req("GET", "/v1/items", w.a_ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  it_resp_free(&r);
}
END_TEST

START_TEST(writes_cannot_reach_another_tenant)
{
  struct world w;
  char path[96];
  make_world(&w);
  const char *k = w.b.key;
  /* If-Match on A's objects: they do not exist for B */
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/items/SKU1", k,
                    "{\"name\":\"B\",\"price\":1}", "If-Match: 1");
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/locations/WH1", k,
                    "{\"name\":\"B\",\"type\":\"store\"}", "If-Match: 1");
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/suppliers/SUP1", k,
                    "{\"name\":\"B\"}", "If-Match: 1");
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/channels/CH1", k,
                    "{\"name\":\"B\"}", "If-Match: 1");
  /* A's objects named in B's requests do not exist */
  IT_EXPECT_PROBLEM(404, "not_found", "supplier", "PUT", "/v1/suppliers/SUP1/items/SKU1", k,
                    "{\"cost\":1,\"available\":1}");
  IT_EXPECT_PROBLEM(404, "not_found", "channel", "PUT", "/v1/channels/CH1/ringfence/SKU1", k,
                    "{\"location\":\"WH1\",\"quantity\":1}");
  IT_EXPECT_PROBLEM(404, "not_found", "locations[0]", "PUT", "/v1/channels/CH2", k,
                    "{\"name\":\"B\",\"locations\":[\"WH1\"]}");
  /* B cannot revoke A's key; it keeps working */
  snprintf(path, sizeof path, "/v1/api-keys/%s", w.a_ops_id);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "DELETE", path, k, NULL);
  snprintf(path, sizeof path, "/v1/api-keys/%s", w.a.key_id);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "DELETE", path, k, NULL);
  IT_EXPECT_STATUS(200, "GET", "/v1/items/SKU1", w.a_ops, NULL);
  IT_EXPECT_STATUS(200, "GET", "/v1/api-keys", w.a.key, NULL);

  /* nothing of A changed, nothing was written for B */
  ck_assert_int_eq(it_sql_int(w.a.id, "SELECT count(*) FROM items WHERE version = 1 AND name = 'A item'"), 1);
  ck_assert_int_eq(it_sql_int(w.a.id, "SELECT count(*) FROM locations WHERE version = 1 AND name = 'A DC'"), 1);
  ck_assert_int_eq(it_sql_int(w.a.id, "SELECT count(*) FROM suppliers WHERE version = 1"), 1);
  ck_assert_int_eq(it_sql_int(w.a.id, "SELECT count(*) FROM channels WHERE version = 1 AND name = 'A web'"), 1);
  ck_assert_int_eq(it_sql_int(w.a.id, "SELECT count(*) FROM api_keys WHERE revoked_at IS NULL"), 2);
  static const char *const tables[] = {"items", "locations", "suppliers", "supplier_items",
                                       "channels", "ringfences"};
  for (size_t i = 0; i < 6; i++)
    ck_assert_msg(it_sql_int(w.b.id, "SELECT count(*) FROM %s", tables[i]) == 0, "B has %s", tables[i]);

  /* codes are per tenant: B may use the same ones for its own objects */
  it_put_created(k, "/v1/items/SKU1", "{\"name\":\"B item\",\"price\":5}");
  it_put_created(k, "/v1/locations/WH1", "{\"name\":\"B DC\",\"type\":\"store\"}");
  struct it_resp r = it_req("GET", "/v1/items/SKU1", w.a_ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "name", "A item");
  IT_JINT(r.json, "version", 1);
  it_resp_free(&r);
  r = it_req("GET", "/v1/items/SKU1", k, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "name", "B item");
  it_resp_free(&r);
}
END_TEST

START_TEST(row_level_security)
{
  struct world w;
  char state[6];
  make_world(&w);
  it_put_created(w.b.key, "/v1/items/B1", "{\"name\":\"b\",\"price\":1}");
  it_put_created(w.b.key, "/v1/items/B2", "{\"name\":\"b\",\"price\":1}");

  /* no tenant filter in the SQL: the policy does it */
  ck_assert_int_eq(it_sql_int(w.b.id, "SELECT count(*) FROM items"), 2);
  ck_assert_int_eq(it_sql_int(w.a.id, "SELECT count(*) FROM items"), 1);
  ck_assert_int_eq(it_sql_int(w.b.id, "SELECT count(*) FROM items WHERE tenant_id = '%s'", w.a.id), 0);
  ck_assert_int_eq(it_sql_int(w.b.id, "SELECT count(*) FROM items WHERE tenant_id <> '%s'", w.b.id), 0);
  ck_assert_int_eq(it_sql_int(w.b.id, "SELECT count(*) FROM tenants"), 1);
  ck_assert_int_eq(it_sql_int(w.b.id, "SELECT count(*) FROM api_keys"), 1);
  /* with no tenant set, nothing at all is visible, in any tenant's table */
  static const char *const tables[] = {"tenants", "api_keys", "idempotency_keys", "items",
                                       "locations", "suppliers", "supplier_items", "channels",
                                       "ringfences"};
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    ck_assert_msg(it_sql_int(IT_NO_SCOPE, "SELECT count(*) FROM %s", tables[i]) == 0,
                  "%s visible without a tenant", tables[i]);
  /* the same on a fresh session that never set anything */
  PGconn *pg = PQconnectdb(it_env("OMS_TEST_DATABASE_URL"));
  ck_assert_msg(PQstatus(pg) == CONNECTION_OK, "connect: %s", PQerrorMessage(pg));
  PGresult *res = PQexec(pg, "SELECT current_setting('oms.tenant_id', true) IS NULL,"
                             " (SELECT count(*) FROM items), (SELECT count(*) FROM api_keys),"
                             " (SELECT count(*) FROM tenants)");
  ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
  char got[64];
  snprintf(got, sizeof got, "%s %s %s %s", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
           PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3));
  PQclear(res);
  PQfinish(pg);
  ck_assert_str_eq(got, "t 0 0 0");
  /* the operator scope covers tenants and keys only, never the catalog */
  ck_assert_int_ge(it_sql_int(IT_OPERATOR, "SELECT count(*) FROM tenants"), 2);
  ck_assert_int_eq(it_sql_int(IT_OPERATOR, "SELECT count(*) FROM items"), 0);

  /* writes are checked too: B cannot insert, update or delete A's rows */
  ck_assert(!it_sql_exec(w.b.id, state,
                         "INSERT INTO items (tenant_id, sku, name, price) VALUES ('%s', 'X', 'x', 1)",
                         w.a.id));
  ck_assert_str_eq(state, "42501");
  ck_assert(it_sql_exec(w.b.id, NULL, "UPDATE items SET name = 'hacked' WHERE tenant_id = '%s'", w.a.id));
  ck_assert(it_sql_exec(w.b.id, NULL, "DELETE FROM items WHERE tenant_id = '%s'", w.a.id));
  ck_assert_int_eq(it_sql_int(w.a.id, "SELECT count(*) FROM items WHERE name = 'A item'"), 1);
  /* the application role is not a superuser and does not bypass RLS */
  ck_assert_int_eq(it_sql_int(IT_NO_SCOPE, "SELECT count(*) FROM pg_roles WHERE rolname = current_user"
                                           " AND (rolsuper OR rolbypassrls)"), 0);
}
END_TEST

START_TEST(every_table_forces_row_level_security)
{
  /* tables added by later migrations are held to the same rule */
  ck_assert_int_eq(it_sql_int(IT_NO_SCOPE,
                              "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                              " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
                              " AND c.relname <> 'schema_migrations'"
                              " AND NOT (c.relrowsecurity AND c.relforcerowsecurity)"),
                   0);
  char *names = it_sql_str(IT_NO_SCOPE,
                           "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_class c"
                           " JOIN pg_namespace n ON n.oid = c.relnamespace"
                           " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
                           " AND c.relname <> 'schema_migrations'");
  ck_assert_ptr_nonnull(names);
  int tables = 0;
  for (char *save = NULL, *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    long long n = it_sql_int(IT_NO_SCOPE, "SELECT count(*) FROM \"%s\"", t);
    ck_assert_msg(n == 0, "%lld rows of %s visible without a tenant", n, t);
    tables++;
  }
  free(names);
  ck_assert_int_ge(tables, 9);
}
END_TEST

Suite *it_suite_isolation(void)
{
  Suite *s = suite_create("isolation");
  TCase *tc = tcase_create("isolation");
  tcase_add_test(tc, reads_of_another_tenant_are_404);
  tcase_add_test(tc, writes_cannot_reach_another_tenant);
  tcase_add_test(tc, row_level_security);
  tcase_add_test(tc, every_table_forces_row_level_security);
  suite_add_tcase(s, tc);
  return s;
}
