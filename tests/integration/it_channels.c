/* it_channels.c: sales channels (/v1/channels/{code}) and their
 * ring-fences (/v1/channels/{code}/ringfence/{sku}). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"

static void seed_locations(const char *key)
{
  it_put_created(key, "/v1/locations/WH1", "{\"name\":\"DC\",\"type\":\"warehouse\"}");
  it_put_created(key, "/v1/locations/STORE5", "{\"name\":\"Store\",\"type\":\"store\"}");
}

START_TEST(create_fills_defaults_then_replace)
{
  struct it_tenant t;
  it_tenant_new(&t, "chans");
  seed_locations(t.key);
  struct it_resp r = it_req("PUT", "/v1/channels/web", t.key, "{\"name\":\"Web store\"}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "code", "web");
  IT_JSTR(r.json, "name", "Web store");
  IT_JSTR(r.json, "locations", "*");
  IT_JINT(r.json, "safety_stock", 0);
  IT_JINT(r.json, "percent", 100);
  IT_JNULL(r.json, "max_per_sku");
  IT_JBOOL(r.json, "dropship", false);
  IT_JBOOL(r.json, "preorders", false);
  IT_JSTR(r.json, "currency", "USD");
  IT_JBOOL(r.json, "shopify_secret_set", false);
  ck_assert_ptr_null(it_get(r.json, "shopify_secret"));
  IT_JINT(r.json, "version", 1);
  it_resp_free(&r);

  const char *full = "{\"name\":\"Shopify\",\"locations\":[\"WH1\",\"STORE5\"],\"safety_stock\":2,"
                     "\"percent\":50,\"max_per_sku\":0,\"dropship\":true,\"preorders\":true,"
                     "\"currency\":\"EUR\",\"shopify_secret\":\"shpss_t0p-s3cr3t-value\"}";
  r = it_req("PUT", "/v1/channels/web", t.key, full);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 2);
  IT_JSTR(r.json, "locations[0]", "WH1");
  IT_JSTR(r.json, "locations[1]", "STORE5");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "locations")), 2);
  IT_JINT(r.json, "safety_stock", 2);
  IT_JINT(r.json, "percent", 50);
  IT_JINT(r.json, "max_per_sku", 0);
  IT_JBOOL(r.json, "dropship", true);
  IT_JBOOL(r.json, "preorders", true);
  IT_JSTR(r.json, "currency", "EUR");
  IT_JBOOL(r.json, "shopify_secret_set", true);
  ck_assert_ptr_null(it_get(r.json, "shopify_secret"));
  ck_assert(!it_contains(r.body, "s3cr3t"));
  it_resp_free(&r);

  /* the secret is write-only: not in GET nor in the list */
  r = it_req("GET", "/v1/channels/web", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JBOOL(r.json, "shopify_secret_set", true);
  ck_assert_ptr_null(it_get(r.json, "shopify_secret"));
  ck_assert(!it_contains(r.body, "s3cr3t"));
  it_resp_free(&r);
  r = it_req("GET", "/v1/channels", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JBOOL(r.json, "data[0].shopify_secret_set", true);
  ck_assert(!it_contains(r.body, "s3cr3t"));
  ck_assert(!it_contains(r.body, "\"shopify_secret\""));
  it_resp_free(&r);
  char *stored = it_sql_str(t.id, "SELECT shopify_secret FROM channels WHERE code = 'web'");
  ck_assert_ptr_nonnull(stored);
  ck_assert_str_eq(stored, "shpss_t0p-s3cr3t-value");
  free(stored);

  /* replace: omitted fields (the secret too) take their defaults */
  r = it_req("PUT", "/v1/channels/web", t.key, "{\"name\":\"Web\",\"max_per_sku\":5}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 3);
  IT_JSTR(r.json, "locations", "*");
  IT_JINT(r.json, "percent", 100);
  IT_JINT(r.json, "max_per_sku", 5);
  IT_JSTR(r.json, "currency", "USD");
  IT_JBOOL(r.json, "shopify_secret_set", false);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM channels WHERE code = 'web'"
                                    " AND shopify_secret IS NULL AND locations = '\"*\"'"), 1);

  /* an explicit "*" is accepted */
  r = it_req("PUT", "/v1/channels/pos", t.key, "{\"name\":\"POS\",\"locations\":\"*\",\"percent\":0}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "locations", "*");
  IT_JINT(r.json, "percent", 0);
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(404, "not_found", "code", "GET", "/v1/channels/NOPE", t.key, NULL);
}
END_TEST

START_TEST(list_and_if_match)
{
  struct it_tenant t;
  it_tenant_new(&t, "chanlist");
  static const char *const codes[] = {"web", "amazon", "pos"};
  for (int i = 0; i < 3; i++) {
    char path[64];
    snprintf(path, sizeof path, "/v1/channels/%s", codes[i]);
    it_put_created(t.key, path, "{\"name\":\"x\"}");
  }
  it_walk_pages(t.key, "/v1/channels", "code", codes, 3);
  it_if_match_cycle(t.key, "/v1/channels/amazon", "/v1/channels/amazon", "{\"name\":\"Amazon\"}",
                    "/v1/channels/ebay");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM channels"), 3);
}
END_TEST

START_TEST(invalid_channel_bodies)
{
  static const struct it_case cases[] = {
      {NULL, "body", NULL},
      {"{\"name\":\"x\",}", "body", NULL},
      {"{}", "name", NULL},
      {"{\"name\":\"\"}", "name", NULL},
      {"{\"name\":\"x\",\"percent\":101}", "percent", NULL},
      {"{\"name\":\"x\",\"percent\":-1}", "percent", NULL},
      {"{\"name\":\"x\",\"percent\":50.5}", "percent", NULL},
      {"{\"name\":\"x\",\"percent\":\"50\"}", "percent", NULL},
      {"{\"name\":\"x\",\"safety_stock\":-2}", "safety_stock", NULL},
      {"{\"name\":\"x\",\"max_per_sku\":-1}", "max_per_sku", NULL},
      {"{\"name\":\"x\",\"locations\":\"all\"}", "locations", NULL},
      {"{\"name\":\"x\",\"locations\":{\"WH1\":true}}", "locations", NULL},
      {"{\"name\":\"x\",\"locations\":[1]}", "locations[0]", NULL},
      {"{\"name\":\"x\",\"locations\":[\"WH1\",\"bad code\"]}", "locations[1]", NULL},
      {"{\"name\":\"x\",\"locations\":[\"WH1\",\"STORE5\",\"WH1\"]}", "locations[2]", NULL},
      {"{\"name\":\"x\",\"dropship\":\"no\"}", "dropship", NULL},
      {"{\"name\":\"x\",\"preorders\":1}", "preorders", NULL},
      {"{\"name\":\"x\",\"currency\":\"usd\"}", "currency", NULL},
      {"{\"name\":\"x\",\"currency\":\"US\"}", "currency", NULL},
      {"{\"name\":\"x\",\"currency\":\"USDX\"}", "currency", NULL},
      {"{\"name\":\"x\",\"currency\":840}", "currency", NULL},
      {"{\"name\":\"x\",\"shopify_secret\":\"\"}", "shopify_secret", NULL},
      {"{\"name\":\"x\",\"shopify_secret\":42}", "shopify_secret", NULL},
      {"{\"percent\":101,\"safety_stock\":-1}", "name", "percent"},
  };
  struct it_tenant t;
  it_tenant_new(&t, "chanbad");
  seed_locations(t.key);
  it_expect_400s(t.key, "PUT", "/v1/channels/web", cases);
  IT_EXPECT_PROBLEM(400, "validation_failed", "code", "PUT", "/v1/channels/w%20b", t.key, "{\"name\":\"x\"}");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM channels"), 0);

  /* locations that do not exist: 404 naming the entry */
  IT_EXPECT_PROBLEM(404, "not_found", "locations[1]", "PUT", "/v1/channels/web", t.key,
                    "{\"name\":\"x\",\"locations\":[\"WH1\",\"NOPE\"]}");
  IT_EXPECT_PROBLEM(404, "not_found", "locations[0]", "PUT", "/v1/channels/web", t.key,
                    "{\"name\":\"x\",\"locations\":[\"wh1\"]}");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM channels"), 0);
  /* and an existing channel is left as it was */
  it_put_created(t.key, "/v1/channels/web", "{\"name\":\"keep\",\"locations\":[\"WH1\"]}");
  IT_EXPECT_PROBLEM(404, "not_found", "locations[1]", "PUT", "/v1/channels/web", t.key,
                    "{\"name\":\"x\",\"locations\":[\"STORE5\",\"NOPE\"]}");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM channels WHERE name = 'keep'"
                                    " AND version = 1 AND locations = '[\"WH1\"]'"), 1);
}
END_TEST

START_TEST(ringfences)
{
  struct it_tenant t;
  it_tenant_new(&t, "fences");
  seed_locations(t.key);
  it_put_created(t.key, "/v1/items/SKU1", "{\"name\":\"x\",\"price\":1}");
  it_put_created(t.key, "/v1/items/SKU2", "{\"name\":\"y\",\"price\":1}");
  it_put_created(t.key, "/v1/channels/amazon", "{\"name\":\"Amazon\"}");

  struct it_resp r = it_req("PUT", "/v1/channels/amazon/ringfence/SKU1", t.key,
                            "{\"location\":\"WH1\",\"quantity\":50}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "channel", "amazon");
  IT_JSTR(r.json, "sku", "SKU1");
  IT_JSTR(r.json, "location", "WH1");
  IT_JINT(r.json, "quantity", 50);
  IT_JINT(r.json, "version", 1);
  it_resp_free(&r);

  r = it_req("PUT", "/v1/channels/amazon/ringfence/SKU1", t.key, "{\"location\":\"WH1\",\"quantity\":40}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "quantity", 40);
  IT_JINT(r.json, "version", 2);
  it_resp_free(&r);
  /* another location of the same sku is another fence; zero is allowed */
  it_put_created(t.key, "/v1/channels/amazon/ringfence/SKU1", "{\"location\":\"STORE5\",\"quantity\":0}");
  it_put_created(t.key, "/v1/channels/amazon/ringfence/SKU2", "{\"location\":\"WH1\",\"quantity\":7}");

  r = it_req("GET", "/v1/channels/amazon/ringfence/SKU1", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 2);
  IT_JSTR(r.json, "data[0].location", "WH1");
  IT_JINT(r.json, "data[0].quantity", 40);
  IT_JSTR(r.json, "data[1].location", "STORE5");
  IT_JNULL(r.json, "next_cursor");
  it_resp_free(&r);
  static const char *const skus[] = {"SKU1", "SKU1", "SKU2"};
  it_walk_pages(t.key, "/v1/channels/amazon/ringfence", "sku", skus, 3);

  it_if_match_cycle(t.key, "/v1/channels/amazon/ringfence/SKU2", "/v1/channels/amazon/ringfence/SKU2",
                    "{\"location\":\"WH1\",\"quantity\":8}", NULL);
  /* If-Match on a fence that does not exist (SKU2 at STORE5) */
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/channels/amazon/ringfence/SKU2",
                    t.key, "{\"location\":\"STORE5\",\"quantity\":1}", "If-Match: 1");

  /* what it names must exist */
  IT_EXPECT_PROBLEM(404, "not_found", "location", "PUT", "/v1/channels/amazon/ringfence/SKU1",
                    t.key, "{\"location\":\"WH9\",\"quantity\":5}");
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "PUT", "/v1/channels/amazon/ringfence/NOPE", t.key,
                    "{\"location\":\"WH1\",\"quantity\":5}");
  IT_EXPECT_PROBLEM(404, "not_found", "channel", "PUT", "/v1/channels/ebay/ringfence/SKU1", t.key,
                    "{\"location\":\"WH1\",\"quantity\":5}");
  IT_EXPECT_PROBLEM(404, "not_found", "channel", "GET", "/v1/channels/ebay/ringfence", t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "channel", "GET", "/v1/channels/ebay/ringfence/SKU1", t.key, NULL);
  r = it_req("GET", "/v1/channels/amazon/ringfence/NOPE", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);

  static const struct it_case bad[] = {
      {NULL, "body", NULL},
      {"{\"location\":\"WH1\",", "body", NULL},
      {"{}", "location", "quantity"},
      {"{\"quantity\":5}", "location", NULL},
      {"{\"location\":\"WH1\"}", "quantity", NULL},
      {"{\"location\":\"WH1\",\"quantity\":-1}", "quantity", NULL},
      {"{\"location\":\"WH1\",\"quantity\":2.5}", "quantity", NULL},
      {"{\"location\":\"WH1\",\"quantity\":\"5\"}", "quantity", NULL},
      {"{\"location\":\"W H\",\"quantity\":5}", "location", NULL},
      {"{\"location\":5,\"quantity\":5}", "location", NULL},
      {"{\"location\":null,\"quantity\":5}", "location", NULL},
  };
  it_expect_400s(t.key, "PUT", "/v1/channels/amazon/ringfence/SKU1", bad);
  IT_EXPECT_PROBLEM(400, "validation_failed", "sku", "PUT", "/v1/channels/amazon/ringfence/S%20K",
                    t.key, "{\"location\":\"WH1\",\"quantity\":5}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "channel", "PUT", "/v1/channels/a%20b/ringfence/SKU1",
                    t.key, "{\"location\":\"WH1\",\"quantity\":5}");

  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM ringfences"), 3);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT quantity FROM ringfences WHERE channel = 'amazon'"
                                    " AND sku = 'SKU1' AND location = 'WH1'"), 40);
}
END_TEST

START_TEST(roles)
{
  struct it_tenant t;
  char sf[80], ops[80];
  it_tenant_new(&t, "chanroles");
  it_key_new(&t, "storefront", sf, NULL);
  it_key_new(&t, "ops", ops, NULL);
  it_put_created(ops, "/v1/locations/WH1", "{\"name\":\"x\",\"type\":\"warehouse\"}");
  it_put_created(ops, "/v1/items/SKU1", "{\"name\":\"x\",\"price\":1}");
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "PUT", "/v1/channels/web", sf, "{\"name\":\"x\"}");
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/channels", sf, NULL);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM channels"), 0);
  it_put_created(ops, "/v1/channels/web", "{\"name\":\"x\"}");
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "PUT", "/v1/channels/web/ringfence/SKU1", sf,
                    "{\"location\":\"WH1\",\"quantity\":5}");
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/channels/web/ringfence", sf, NULL);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM ringfences"), 0);
  it_put_created(ops, "/v1/channels/web/ringfence/SKU1", "{\"location\":\"WH1\",\"quantity\":5}");
}
END_TEST

Suite *it_suite_channels(void)
{
  Suite *s = suite_create("channels");
  TCase *tc = tcase_create("channels");
  tcase_add_test(tc, create_fills_defaults_then_replace);
  tcase_add_test(tc, list_and_if_match);
  tcase_add_test(tc, invalid_channel_bodies);
  tcase_add_test(tc, ringfences);
  tcase_add_test(tc, roles);
  suite_add_tcase(s, tc);
  return s;
}
