/* it_suppliers.c: drop-ship partners (/v1/suppliers/{code}) and what each
 * can ship (/v1/suppliers/{code}/items/{sku}). */
#include <stdio.h>
#include <string.h>
#include "it.h"

START_TEST(create_fills_defaults_then_replace)
{
  struct it_tenant t;
  it_tenant_new(&t, "sups");
  struct it_resp r = it_req("PUT", "/v1/suppliers/ACME", t.key, "{\"name\":\"Acme Supply\"}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "code", "ACME");
  IT_JSTR(r.json, "name", "Acme Supply");
  IT_JINT(r.json, "lead_time_days", 0);
  IT_JBOOL(r.json, "active", true);
  IT_JNULL(r.json, "edi");
  IT_JINT(r.json, "version", 1);
  it_resp_free(&r);

  /* edi: isa_qualifier defaults to ZZ, gs_id to isa_id */
  r = it_req("PUT", "/v1/suppliers/ACME", t.key,
             "{\"name\":\"Acme\",\"lead_time_days\":2,\"edi\":{\"isa_id\":\"SUPPLIER01\"},\"active\":false}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 2);
  IT_JINT(r.json, "lead_time_days", 2);
  IT_JBOOL(r.json, "active", false);
  IT_JSTR(r.json, "edi.isa_qualifier", "ZZ");
  IT_JSTR(r.json, "edi.isa_id", "SUPPLIER01");
  IT_JSTR(r.json, "edi.gs_id", "SUPPLIER01");
  it_resp_free(&r);

  r = it_req("PUT", "/v1/suppliers/ACME", t.key,
             "{\"name\":\"Acme\",\"edi\":{\"isa_qualifier\":\"01\",\"isa_id\":\"123456789\",\"gs_id\":\"ACMEGS\"}}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 3);
  IT_JSTR(r.json, "edi.isa_qualifier", "01");
  IT_JSTR(r.json, "edi.isa_id", "123456789");
  IT_JSTR(r.json, "edi.gs_id", "ACMEGS");
  IT_JINT(r.json, "lead_time_days", 0);
  IT_JBOOL(r.json, "active", true);
  it_resp_free(&r);

  r = it_req("GET", "/v1/suppliers/ACME", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 3);
  IT_JSTR(r.json, "edi.gs_id", "ACMEGS");
  it_resp_free(&r);

  /* replace without edi: back to null */
  r = it_req("PUT", "/v1/suppliers/ACME", t.key, "{\"name\":\"Acme\"}");
  IT_STATUS(r, 200);
  IT_JNULL(r.json, "edi");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM suppliers WHERE code = 'ACME'"
                                    " AND edi IS NULL AND version = 4"), 1);
  IT_EXPECT_PROBLEM(404, "not_found", "code", "GET", "/v1/suppliers/NOPE", t.key, NULL);
}
END_TEST

START_TEST(list_and_if_match)
{
  struct it_tenant t;
  it_tenant_new(&t, "suplist");
  static const char *const codes[] = {"S3", "S1", "S2"};
  for (int i = 0; i < 3; i++) {
    char path[64];
    snprintf(path, sizeof path, "/v1/suppliers/%s", codes[i]);
    it_put_created(t.key, path, "{\"name\":\"x\"}");
  }
  it_walk_pages(t.key, "/v1/suppliers", "code", codes, 3);
  it_if_match_cycle(t.key, "/v1/suppliers/S1", "/v1/suppliers/S1", "{\"name\":\"y\"}",
                    "/v1/suppliers/S9");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM suppliers"), 3);
}
END_TEST

START_TEST(invalid_supplier_bodies)
{
  static const struct it_case cases[] = {
      {NULL, "body", NULL},
      {"{\"name\":", "body", NULL},
      {"{}", "name", NULL},
      {"{\"name\":\"\"}", "name", NULL},
      {"{\"name\":[]}", "name", NULL},
      {"{\"name\":\"x\",\"lead_time_days\":-1}", "lead_time_days", NULL},
      {"{\"name\":\"x\",\"lead_time_days\":\"2\"}", "lead_time_days", NULL},
      {"{\"name\":\"x\",\"lead_time_days\":366}", "lead_time_days", NULL},
      {"{\"name\":\"x\",\"active\":\"yes\"}", "active", NULL},
      {"{\"name\":\"x\",\"edi\":\"ZZ\"}", "edi", NULL},
      {"{\"name\":\"x\",\"edi\":{}}", "edi.isa_id", NULL},
      {"{\"name\":\"x\",\"edi\":{\"isa_id\":\"\"}}", "edi.isa_id", NULL},
      {"{\"name\":\"x\",\"edi\":{\"isa_id\":\"SUPPLIER01234567\"}}", "edi.isa_id", NULL},
      {"{\"name\":\"x\",\"edi\":{\"isa_id\":\"A*B\"}}", "edi.isa_id", NULL},
      {"{\"name\":\"x\",\"edi\":{\"isa_id\":\"AB~\"}}", "edi.isa_id", NULL},
      {"{\"name\":\"x\",\"edi\":{\"isa_id\":\"AB\",\"gs_id\":\"G|S\"}}", "edi.gs_id", NULL},
      {"{\"name\":\"x\",\"edi\":{\"isa_id\":\"AB\",\"isa_qualifier\":\"Z\"}}", "edi.isa_qualifier", NULL},
      {"{\"name\":\"x\",\"edi\":{\"isa_id\":\"AB\",\"isa_qualifier\":\"ZZZ\"}}", "edi.isa_qualifier", NULL},
      {"{\"name\":\"x\",\"edi\":{\"isa_id\":5}}", "edi.isa_id", NULL},
  };
  struct it_tenant t;
  it_tenant_new(&t, "supbad");
  it_expect_400s(t.key, "PUT", "/v1/suppliers/S1", cases);
  IT_EXPECT_PROBLEM(400, "validation_failed", "code", "PUT", "/v1/suppliers/S%201", t.key, "{\"name\":\"x\"}");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM suppliers"), 0);
}
END_TEST

START_TEST(supplier_items)
{
  struct it_tenant t;
  it_tenant_new(&t, "supitems");
  it_put_created(t.key, "/v1/suppliers/ACME", "{\"name\":\"Acme\"}");
  it_put_created(t.key, "/v1/items/SKU1", "{\"name\":\"x\",\"price\":1}");
  it_put_created(t.key, "/v1/items/SKU2", "{\"name\":\"y\",\"price\":1}");

  struct it_resp r = it_req("PUT", "/v1/suppliers/ACME/items/SKU1", t.key, "{\"cost\":1200,\"available\":300}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "supplier", "ACME");
  IT_JSTR(r.json, "sku", "SKU1");
  IT_JINT(r.json, "cost", 1200);
  IT_JINT(r.json, "available", 300);
  IT_JINT(r.json, "ship_days", 3);
  IT_JINT(r.json, "version", 1);
  it_resp_free(&r);

  r = it_req("PUT", "/v1/suppliers/ACME/items/SKU1", t.key, "{\"cost\":0,\"available\":0,\"ship_days\":0}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 2);
  IT_JINT(r.json, "cost", 0);
  IT_JINT(r.json, "available", 0);
  IT_JINT(r.json, "ship_days", 0);
  it_resp_free(&r);

  r = it_req("GET", "/v1/suppliers/ACME/items/SKU1", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 2);
  IT_JSTR(r.json, "sku", "SKU1");
  it_resp_free(&r);

  it_put_created(t.key, "/v1/suppliers/ACME/items/SKU2", "{\"cost\":5,\"available\":7}");
  static const char *const skus[] = {"SKU1", "SKU2"};
  it_walk_pages(t.key, "/v1/suppliers/ACME/items", "sku", skus, 2);
  it_if_match_cycle(t.key, "/v1/suppliers/ACME/items/SKU2", "/v1/suppliers/ACME/items/SKU2",
                    "{\"cost\":6,\"available\":7}", NULL);

  /* what the path names must exist */
  it_put_created(t.key, "/v1/suppliers/EMPTY", "{\"name\":\"e\"}");
  it_put_created(t.key, "/v1/items/SKU3", "{\"name\":\"z\",\"price\":1}");
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/suppliers/ACME/items/SKU3", t.key,
                    "{\"cost\":1,\"available\":1}", "If-Match: 1");
  IT_EXPECT_PROBLEM(404, "not_found", "supplier", "PUT", "/v1/suppliers/NOPE/items/SKU1", t.key,
                    "{\"cost\":1,\"available\":1}");
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "PUT", "/v1/suppliers/ACME/items/NOPE", t.key,
                    "{\"cost\":1,\"available\":1}");
  IT_EXPECT_PROBLEM(404, "not_found", "supplier", "PUT", "/v1/suppliers/NOPE/items/NOPE", t.key,
                    "{\"cost\":1,\"available\":1}");
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/suppliers/ACME/items/SKU3", t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "supplier", "GET", "/v1/suppliers/NOPE/items/SKU1", t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "supplier", "GET", "/v1/suppliers/NOPE/items", t.key, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "supplier", "PUT", "/v1/suppliers/N%20O/items/SKU1",
                    t.key, "{\"cost\":1,\"available\":1}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "sku", "PUT", "/v1/suppliers/ACME/items/S%20K",
                    t.key, "{\"cost\":1,\"available\":1}");

  r = it_req("GET", "/v1/suppliers/EMPTY/items", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  IT_JNULL(r.json, "next_cursor");
  it_resp_free(&r);

  static const struct it_case bad[] = {
      {NULL, "body", NULL},
      {"{}", "cost", "available"},
      {"{\"available\":1}", "cost", NULL},
      {"{\"cost\":1}", "available", NULL},
      {"{\"cost\":-1,\"available\":1}", "cost", NULL},
      {"{\"cost\":1,\"available\":-1}", "available", NULL},
      {"{\"cost\":1.5,\"available\":1}", "cost", NULL},
      {"{\"cost\":1,\"available\":\"300\"}", "available", NULL},
      {"{\"cost\":1,\"available\":1,\"ship_days\":-1}", "ship_days", NULL},
      {"{\"cost\":1,\"available\":1,\"ship_days\":\"3\"}", "ship_days", NULL},
  };
  it_expect_400s(t.key, "PUT", "/v1/suppliers/ACME/items/SKU3", bad);
  /* the body is checked before the path's objects */
  it_expect_400s(t.key, "PUT", "/v1/suppliers/NOPE/items/NOPE", bad);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM supplier_items"), 2);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM supplier_items WHERE supplier = 'ACME'"
                                    " AND sku = 'SKU1' AND version = 2 AND available = 0"), 1);
}
END_TEST

START_TEST(roles)
{
  struct it_tenant t;
  char sf[80], ops[80];
  it_tenant_new(&t, "suproles");
  it_key_new(&t, "storefront", sf, NULL);
  it_key_new(&t, "ops", ops, NULL);
  it_put_created(ops, "/v1/suppliers/S1", "{\"name\":\"x\"}");
  it_put_created(ops, "/v1/items/SKU1", "{\"name\":\"x\",\"price\":1}");
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "PUT", "/v1/suppliers/S2", sf, "{\"name\":\"x\"}");
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/suppliers", sf, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "PUT", "/v1/suppliers/S1/items/SKU1", sf,
                    "{\"cost\":1,\"available\":1}");
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/suppliers/S1/items", sf, NULL);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM suppliers"), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM supplier_items"), 0);
  it_put_created(ops, "/v1/suppliers/S1/items/SKU1", "{\"cost\":1,\"available\":1}");
}
END_TEST

Suite *it_suite_suppliers(void)
{
  Suite *s = suite_create("suppliers");
  TCase *tc = tcase_create("suppliers");
  tcase_add_test(tc, create_fills_defaults_then_replace);
  tcase_add_test(tc, list_and_if_match);
  tcase_add_test(tc, invalid_supplier_bodies);
  tcase_add_test(tc, supplier_items);
  tcase_add_test(tc, roles);
  suite_add_tcase(s, tc);
  return s;
}
