/* it_locations.c: PUT/GET /v1/locations/{code} and GET /v1/locations. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "it.h"

static long long locations_in(const char *tenant)
{
  return it_sql_int(tenant, "SELECT count(*) FROM locations");
}

START_TEST(create_fills_defaults_then_replace)
{
  struct it_tenant t;
  it_tenant_new(&t, "locs");
  struct it_resp r = it_req("PUT", "/v1/locations/WH1", t.key, "{\"name\":\"Main DC\",\"type\":\"warehouse\"}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "code", "WH1");
  IT_JSTR(r.json, "name", "Main DC");
  IT_JSTR(r.json, "type", "warehouse");
  IT_JNULL(r.json, "lat");
  IT_JNULL(r.json, "lon");
  IT_JBOOL(r.json, "ship", true);
  IT_JBOOL(r.json, "pickup", false);
  IT_JBOOL(r.json, "returns", true);
  IT_JINT(r.json, "priority", 100);
  IT_JINT(r.json, "cost_per_shipment", 0);
  IT_JINT(r.json, "ship_days", 2);
  IT_JBOOL(r.json, "active", true);
  IT_JINT(r.json, "version", 1);
  ck_assert_ptr_nonnull(it_str(r.json, "created_at"));
  it_resp_free(&r);

  const char *full = "{\"name\":\"Store 5\",\"type\":\"store\",\"lat\":40.7,\"lon\":-74.0,\"ship\":false,"
                     "\"pickup\":true,\"returns\":false,\"priority\":10,\"cost_per_shipment\":500,"
                     "\"ship_days\":0,\"active\":false}";
  r = it_req("PUT", "/v1/locations/WH1", t.key, full);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 2);
  IT_JSTR(r.json, "type", "store");
  ck_assert(json_is_number(it_get(r.json, "lat")));
  ck_assert(fabs(json_number_value(it_get(r.json, "lat")) - 40.7) < 1e-9);
  ck_assert(fabs(json_number_value(it_get(r.json, "lon")) + 74.0) < 1e-9);
  IT_JBOOL(r.json, "ship", false);
  IT_JBOOL(r.json, "pickup", true);
  IT_JBOOL(r.json, "returns", false);
  IT_JINT(r.json, "priority", 10);
  IT_JINT(r.json, "cost_per_shipment", 500);
  IT_JINT(r.json, "ship_days", 0);
  IT_JBOOL(r.json, "active", false);
  it_resp_free(&r);

  r = it_req("GET", "/v1/locations/WH1", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 2);
  IT_JSTR(r.json, "name", "Store 5");
  ck_assert(fabs(json_number_value(it_get(r.json, "lat")) - 40.7) < 1e-9);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM locations WHERE code = 'WH1'"
                                    " AND lat = 40.7 AND lon = -74 AND priority = 10"), 1);

  /* replace: coordinates and flags back to their defaults */
  r = it_req("PUT", "/v1/locations/WH1", t.key, "{\"name\":\"DC\",\"type\":\"warehouse\"}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 3);
  IT_JNULL(r.json, "lat");
  IT_JNULL(r.json, "lon");
  IT_JBOOL(r.json, "ship", true);
  IT_JBOOL(r.json, "pickup", false);
  IT_JINT(r.json, "priority", 100);
  IT_JBOOL(r.json, "active", true);
  it_resp_free(&r);

  /* boundaries accepted */
  r = it_req("PUT", "/v1/locations/EDGE", t.key,
             "{\"name\":\"e\",\"type\":\"store\",\"lat\":-90,\"lon\":180,\"ship_days\":365,\"priority\":0}");
  IT_STATUS(r, 201);
  IT_JINT(r.json, "ship_days", 365);
  it_resp_free(&r);
  ck_assert_int_eq(locations_in(t.id), 2);
  IT_EXPECT_PROBLEM(404, "not_found", "code", "GET", "/v1/locations/NOPE", t.key, NULL);
}
END_TEST

START_TEST(list_walks_all_pages)
{
  struct it_tenant t;
  it_tenant_new(&t, "loclist");
  static const char *const codes[] = {"WH2", "STORE5", "WH1", "STORE1"};
  for (int i = 0; i < 4; i++) {
    char path[64];
    snprintf(path, sizeof path, "/v1/locations/%s", codes[i]);
    it_put_created(t.key, path, "{\"name\":\"x\",\"type\":\"store\"}");
  }
  it_walk_pages(t.key, "/v1/locations", "code", codes, 4);
}
END_TEST

START_TEST(if_match)
{
  struct it_tenant t;
  it_tenant_new(&t, "locif");
  it_put_created(t.key, "/v1/locations/WH1", "{\"name\":\"x\",\"type\":\"warehouse\"}");
  it_if_match_cycle(t.key, "/v1/locations/WH1", "/v1/locations/WH1",
                    "{\"name\":\"y\",\"type\":\"warehouse\"}", "/v1/locations/WH9");
  IT_EXPECT_PROBLEM(404, "not_found", "code", "GET", "/v1/locations/WH9", t.key, NULL);
  ck_assert_int_eq(locations_in(t.id), 1);
}
END_TEST

START_TEST(invalid_bodies_are_400_and_write_nothing)
{
  static const struct it_case cases[] = {
      {NULL, "body", NULL},
      {"{\"name\":\"x\",\"type\":\"store\"", "body", NULL},
      {"[\"x\"]", "body", NULL},
      {"{}", "name", "type"},
      {"{\"name\":\"x\"}", "type", NULL},
      {"{\"type\":\"store\"}", "name", NULL},
      {"{\"name\":\"x\",\"type\":\"depot\"}", "type", NULL},
      {"{\"name\":\"x\",\"type\":\"Store\"}", "type", NULL},
      {"{\"name\":\"x\",\"type\":1}", "type", NULL},
      {"{\"name\":\"x\",\"type\":null}", "type", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"lat\":40.7}", "lon", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"lon\":-74}", "lat", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"lat\":40.7,\"lon\":null}", "lon", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"lat\":90.5,\"lon\":0}", "lat", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"lat\":-91,\"lon\":0}", "lat", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"lat\":0,\"lon\":180.01}", "lon", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"lat\":\"40.7\",\"lon\":0}", "lat", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"ship\":\"yes\"}", "ship", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"pickup\":0}", "pickup", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"returns\":\"false\"}", "returns", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"active\":1}", "active", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"priority\":-1}", "priority", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"priority\":1.5}", "priority", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"cost_per_shipment\":-500}", "cost_per_shipment", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"cost_per_shipment\":\"500\"}", "cost_per_shipment", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"ship_days\":-1}", "ship_days", NULL},
      {"{\"name\":\"x\",\"type\":\"store\",\"ship_days\":366}", "ship_days", NULL},
      {"{\"name\":\"\",\"type\":\"depot\",\"priority\":-1}", "name", "priority"},
  };
  struct it_tenant t;
  it_tenant_new(&t, "locbad");
  it_expect_400s(t.key, "PUT", "/v1/locations/WH1", cases);
  ck_assert_int_eq(locations_in(t.id), 0);
  IT_EXPECT_PROBLEM(400, "validation_failed", "code", "PUT", "/v1/locations/W%20H", t.key,
                    "{\"name\":\"x\",\"type\":\"store\"}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "code", "PUT", "/v1/locations/WH%2A", t.key,
                    "{\"name\":\"x\",\"type\":\"store\"}");
  IT_EXPECT_PROBLEM(404, "not_found", "code", "GET", "/v1/locations/W%20H", t.key, NULL);
  ck_assert_int_eq(locations_in(t.id), 0);
}
END_TEST

START_TEST(roles)
{
  struct it_tenant t;
  char ops[80], sf[80];
  const char *body = "{\"name\":\"x\",\"type\":\"store\"}";
  it_tenant_new(&t, "locroles");
  it_key_new(&t, "ops", ops, NULL);
  it_key_new(&t, "storefront", sf, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "PUT", "/v1/locations/S1", sf, body);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/locations", sf, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/locations/S1", sf, NULL);
  ck_assert_int_eq(locations_in(t.id), 0);
  it_put_created(ops, "/v1/locations/S1", body);
  IT_EXPECT_STATUS(200, "GET", "/v1/locations/S1", ops, NULL);
}
END_TEST

Suite *it_suite_locations(void)
{
  Suite *s = suite_create("locations");
  TCase *tc = tcase_create("locations");
  tcase_add_test(tc, create_fills_defaults_then_replace);
  tcase_add_test(tc, list_walks_all_pages);
  tcase_add_test(tc, if_match);
  tcase_add_test(tc, invalid_bodies_are_400_and_write_nothing);
  tcase_add_test(tc, roles);
  suite_add_tcase(s, tc);
  return s;
}
