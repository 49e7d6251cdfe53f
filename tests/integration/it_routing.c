/* it_routing.c: PUT/GET /v1/routing-rules (validation, versions, If-Match)
 * and POST /v1/routing/simulate (the decision and its explanation, nothing
 * written): rules that match a channel, split never, distance filters,
 * the waterfall to the next matching rule, and the built-in default. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"

static void put_rules_ok(const char *key, const char *body, long long want_version)
{
  struct it_resp r = it_req("PUT", "/v1/routing-rules", key, body);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", want_version);
  it_resp_free(&r);
}

START_TEST(rules_validation)
{
  static const struct it_case cases[] = {
      {NULL, "body", NULL},
      {"[{\"name\":\"a\",}]", "body", NULL},
      {"{\"name\":\"a\"}", "rules", NULL},
      {"{\"rules\":5}", "rules", NULL},
      {"5", "body", NULL},
      {"[5]", "rules[0]", NULL},
      {"[{}]", "rules[0].name", NULL},
      {"[{\"name\":\"\"}]", "rules[0].name", NULL},
      /* sort keys */
      {"[{\"name\":\"a\",\"sort\":[\"priority\",\"speed\"]}]", "rules[0].sort[1]", NULL},
      {"[{\"name\":\"a\",\"sort\":[\"Priority\"]}]", "rules[0].sort[0]", NULL},
      {"[{\"name\":\"a\",\"sort\":[\"cost\",\"cost\"]}]", "rules[0].sort[1]", NULL},
      {"[{\"name\":\"a\",\"sort\":[1]}]", "rules[0].sort[0]", NULL},
      {"[{\"name\":\"a\",\"sort\":[]}]", "rules[0].sort", NULL},
      {"[{\"name\":\"a\",\"sort\":\"priority\"}]", "rules[0].sort", NULL},
      /* distances */
      {"[{\"name\":\"a\",\"filters\":{\"max_distance_km\":-1}}]", "rules[0].filters.max_distance_km", NULL},
      {"[{\"name\":\"a\",\"filters\":{\"max_distance_km\":0}}]", "rules[0].filters.max_distance_km", NULL},
      {"[{\"name\":\"a\",\"filters\":{\"max_distance_km\":-0.5}}]", "rules[0].filters.max_distance_km", NULL},
      {"[{\"name\":\"a\",\"filters\":{\"max_distance_km\":\"500\"}}]", "rules[0].filters.max_distance_km", NULL},
      /* modes */
      {"[{\"name\":\"a\",\"split\":\"sometimes\"}]", "rules[0].split", NULL},
      {"[{\"name\":\"a\",\"split\":\"NEVER\"}]", "rules[0].split", NULL},
      {"[{\"name\":\"a\",\"split\":true}]", "rules[0].split", NULL},
      {"[{\"name\":\"a\",\"dropship\":\"always\"}]", "rules[0].dropship", NULL},
      {"[{\"name\":\"a\",\"dropship\":false}]", "rules[0].dropship", NULL},
      {"[{\"name\":\"a\",\"max_shipments\":0}]", "rules[0].max_shipments", NULL},
      {"[{\"name\":\"a\",\"max_shipments\":1.5}]", "rules[0].max_shipments", NULL},
      {"[{\"name\":\"a\",\"backorder\":\"yes\"}]", "rules[0].backorder", NULL},
      {"[{\"name\":\"a\",\"fallthrough\":1}]", "rules[0].fallthrough", NULL},
      /* filters and conditions */
      {"[{\"name\":\"a\",\"filters\":{\"location_types\":[\"depot\"]}}]", "rules[0].filters.location_types[0]", NULL},
      {"[{\"name\":\"a\",\"filters\":{\"location_types\":[]}}]", "rules[0].filters.location_types", NULL},
      {"[{\"name\":\"a\",\"filters\":{\"exclude\":[\"bad code\"]}}]", "rules[0].filters.exclude[0]", NULL},
      {"[{\"name\":\"a\",\"when\":{\"ship_method\":\"teleport\"}}]", "rules[0].when.ship_method", NULL},
      {"[{\"name\":\"a\",\"when\":{\"country\":\"usa\"}}]", "rules[0].when.country", NULL},
      {"[{\"name\":\"a\",\"when\":{\"channel\":[]}}]", "rules[0].when.channel", NULL},
      {"[{\"name\":\"a\",\"when\":{\"currency\":\"USD\"}}]", "rules[0].when.currency", NULL},
      /* names are unique; the error names the later rule */
      {"[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"a\"}]", "rules[2].name", NULL},
      /* several errors at once, each with its path */
      {"[{\"name\":\"ok\"},{\"name\":\"x\",\"sort\":[\"nope\"],\"filters\":{\"max_distance_km\":-5},"
       "\"split\":\"bad\",\"dropship\":\"bad\"}]",
       "rules[1].sort[0]", "rules[1].filters.max_distance_km"},
      {"[{\"name\":\"x\",\"split\":\"bad\",\"dropship\":\"bad\"}]", "rules[0].split", "rules[0].dropship"},
  };
  struct it_tenant t;
  it_tenant_new(&t, "rrbad");
  it_expect_400s(t.key, "PUT", "/v1/routing-rules", cases);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM tenant_rules WHERE routing_version > 0"), 0);

  /* an existing list is left as it was */
  put_rules_ok(t.key, "[{\"name\":\"keep\"}]", 1);
  IT_EXPECT_PROBLEM(400, "validation_failed", "rules[0].sort[0]", "PUT", "/v1/routing-rules", t.key,
                    "[{\"name\":\"x\",\"sort\":[\"fastest\"]}]");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT routing_version FROM tenant_rules"), 1);
  char *name = it_sql_str(t.id, "SELECT routing_rules->0->>'name' FROM tenant_rules");
  ck_assert_str_eq(name, "keep");
  free(name);

  /* roles: a storefront key neither reads nor writes rules, nor simulates */
  char sf[80], ops[80];
  it_key_new(&t, "storefront", sf, NULL);
  it_key_new(&t, "ops", ops, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "PUT", "/v1/routing-rules", sf, "[]");
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/routing-rules", sf, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "POST", "/v1/routing/simulate", sf,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT routing_version FROM tenant_rules"), 1);
  put_rules_ok(ops, "[]", 2);
}
END_TEST

START_TEST(rules_round_trip_and_if_match)
{
  struct it_tenant t;
  it_tenant_new(&t, "rrput");

  /* nothing yet: an empty list at version 0 */
  struct it_resp r = it_req("GET", "/v1/routing-rules", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules")), 0);
  IT_JINT(r.json, "version", 0);
  it_resp_free(&r);

  const char *rules =
      "[{\"name\":\"marketplace\",\"when\":{\"channel\":[\"mkt\",\"ebay\"],\"ship_method\":\"express\","
      "\"country\":\"US\"},\"filters\":{\"location_types\":[\"warehouse\"],\"max_distance_km\":500,"
      "\"exclude\":[\"STORE9\"]},\"sort\":[\"distance\",\"cost\",\"inventory\",\"days\",\"priority\"],"
      "\"split\":\"never\",\"dropship\":\"prefer_cheapest\",\"backorder\":true,\"fallthrough\":false},"
      "{\"name\":\"rest\",\"split\":\"avoid\",\"max_shipments\":3,\"dropship\":\"never\"},"
      "{\"name\":\"fast\",\"when\":{\"channel\":\"web\"},\"filters\":{\"max_distance_km\":12.5},"
      "\"dropship\":\"prefer_fastest\",\"split\":\"allow\"}]";
  r = it_req("PUT", "/v1/routing-rules", t.key, rules);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 1);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules")), 3);
  it_resp_free(&r);

  r = it_req("GET", "/v1/routing-rules", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 1);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules")), 3);
  IT_JSTR(r.json, "rules[0].name", "marketplace");
  IT_JSTR(r.json, "rules[0].when.channel[0]", "mkt");
  IT_JSTR(r.json, "rules[0].when.channel[1]", "ebay");
  IT_JSTR(r.json, "rules[0].when.ship_method", "express");
  IT_JSTR(r.json, "rules[0].when.country", "US");
  IT_JSTR(r.json, "rules[0].filters.location_types[0]", "warehouse");
  ck_assert(json_number_value(it_get(r.json, "rules[0].filters.max_distance_km")) == 500.0);
  IT_JSTR(r.json, "rules[0].filters.exclude[0]", "STORE9");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules[0].sort")), 5);
  IT_JSTR(r.json, "rules[0].sort[0]", "distance");
  IT_JSTR(r.json, "rules[0].sort[4]", "priority");
  IT_JSTR(r.json, "rules[0].split", "never");
  IT_JSTR(r.json, "rules[0].dropship", "prefer_cheapest");
  IT_JBOOL(r.json, "rules[0].backorder", true);
  IT_JBOOL(r.json, "rules[0].fallthrough", false);
  IT_JSTR(r.json, "rules[1].name", "rest");
  IT_JSTR(r.json, "rules[1].split", "avoid");
  IT_JINT(r.json, "rules[1].max_shipments", 3);
  IT_JSTR(r.json, "rules[1].dropship", "never");
  /* omitted fields come back with their defaults */
  IT_JBOOL(r.json, "rules[1].backorder", false);
  IT_JBOOL(r.json, "rules[1].fallthrough", true);
  IT_JSTR(r.json, "rules[2].name", "fast");
  IT_JSTR(r.json, "rules[2].when.channel", "web");
  ck_assert(json_number_value(it_get(r.json, "rules[2].filters.max_distance_km")) == 12.5);
  IT_JSTR(r.json, "rules[2].dropship", "prefer_fastest");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT jsonb_array_length(routing_rules) FROM tenant_rules"), 3);

  /* {"rules":[...]} is accepted too; PUT replaces the whole list */
  put_rules_ok(t.key, "{\"rules\":[{\"name\":\"only\"}]}", 2);
  r = it_req("GET", "/v1/routing-rules", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules")), 1);
  IT_JSTR(r.json, "rules[0].name", "only");
  IT_JSTR(r.json, "rules[0].split", "allow");
  IT_JSTR(r.json, "rules[0].dropship", "fallback");
  IT_JINT(r.json, "version", 2);
  it_resp_free(&r);

  /* If-Match: stale 412 (nothing changes), current 200 */
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/routing-rules", t.key, "[]", "If-Match: 1");
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/routing-rules", t.key, "[]", "If-Match: 3");
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/routing-rules", t.key, "[]", "If-Match: 0");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT routing_version FROM tenant_rules"), 2);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT jsonb_array_length(routing_rules) FROM tenant_rules"), 1);
  r = it_req("PUT", "/v1/routing-rules", t.key, "[]", "If-Match: 2");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 3);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules")), 0);
  it_resp_free(&r);
  r = it_req("PUT", "/v1/routing-rules", t.key, "[{\"name\":\"q\"}]", "If-Match: \"3\"");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 4);
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(400, "validation_failed", "If-Match", "PUT", "/v1/routing-rules", t.key, "[]",
                    "If-Match: abc");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT routing_version FROM tenant_rules"), 4);

  /* the first PUT of a tenant with If-Match: 0 (the version GET shows) works, 1 does not */
  struct it_tenant u;
  it_tenant_new(&u, "rrput2");
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/routing-rules", u.key, "[]", "If-Match: 1");
  r = it_req("PUT", "/v1/routing-rules", u.key, "[]", "If-Match: 0");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 1);
  it_resp_free(&r);
  /* tenants do not share rules */
  r = it_req("GET", "/v1/routing-rules", t.key, NULL);
  IT_JINT(r.json, "version", 4);
  IT_JSTR(r.json, "rules[0].name", "q");
  it_resp_free(&r);
}
END_TEST

/* WH1 (New York, priority 1) has 3 of A, WH2 (Los Angeles, priority 2) has 5,
 * ST1 (a store in New York, a position of A at 0) has 4 of B. */
static void seed_network(const char *key)
{
  it_put_created(key, "/v1/locations/WH1", "{\"name\":\"NY\",\"type\":\"warehouse\",\"lat\":40.71,"
                                           "\"lon\":-74.0,\"priority\":1,\"cost_per_shipment\":900}");
  it_put_created(key, "/v1/locations/WH2", "{\"name\":\"LA\",\"type\":\"warehouse\",\"lat\":34.05,"
                                           "\"lon\":-118.24,\"priority\":2,\"cost_per_shipment\":300}");
  it_put_created(key, "/v1/locations/ST1", "{\"name\":\"NY store\",\"type\":\"store\",\"lat\":40.75,"
                                           "\"lon\":-73.99,\"priority\":3}");
  it_put_created(key, "/v1/items/A", "{\"name\":\"A\",\"price\":1000}");
  it_put_created(key, "/v1/items/B", "{\"name\":\"B\",\"price\":1000}");
  it_put_created(key, "/v1/channels/web", "{\"name\":\"Web\"}");
  it_put_created(key, "/v1/channels/mkt", "{\"name\":\"Mkt\"}");
  const char *adj[] = {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":3}",
                       "{\"location\":\"WH2\",\"sku\":\"A\",\"delta\":5}",
                       "{\"location\":\"ST1\",\"sku\":\"B\",\"delta\":4}",
                       "{\"location\":\"ST1\",\"sku\":\"A\",\"set\":0}"};
  for (int i = 0; i < 4; i++) {
    struct it_resp r = it_req("POST", "/v1/inventory/adjustments", key, adj[i]);
    IT_STATUS(r, 200);
    it_resp_free(&r);
  }
}

/* Units of sku a plan gives source (0 when none). */
static long long plan_units(json_t *decision, const char *source, const char *sku)
{
  json_t *plan = it_get(decision, "plan");
  long long n = 0;
  for (size_t i = 0; i < json_array_size(plan); i++) {
    json_t *s = json_array_get(plan, i);
    if (!it_str(s, "source") || strcmp(it_str(s, "source"), source) != 0)
      continue;
    json_t *ls = it_get(s, "lines");
    for (size_t k = 0; k < json_array_size(ls); k++)
      if (it_str(json_array_get(ls, k), "sku") && strcmp(it_str(json_array_get(ls, k), "sku"), sku) == 0)
        n += it_int(json_array_get(ls, k), "quantity");
  }
  return n;
}

static json_t *candidate(json_t *decision, const char *source)
{
  json_t *c = it_get(decision, "candidates");
  for (size_t i = 0; i < json_array_size(c); i++)
    if (it_str(json_array_get(c, i), "source") &&
        strcmp(it_str(json_array_get(c, i), "source"), source) == 0)
      return json_array_get(c, i);
  return NULL;
}

static const char order_ny[] =
    "{\"channel\":\"web\",\"external_id\":\"sim-1\",\"shipping_address\":{\"line1\":\"1 Main\","
    "\"city\":\"New York\",\"country\":\"US\",\"lat\":40.73,\"lon\":-73.99},"
    "\"lines\":[{\"sku\":\"A\",\"quantity\":5}]}";

/* Nothing was written by a simulation. */
static void nothing_written(const char *tenant)
{
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM orders"), 0);
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM order_lines"), 0);
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM fulfillments"), 0);
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM events"), 0);
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM inventory WHERE reserved <> 0"), 0);
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM preorder_counts"), 0);
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM purchase_orders"), 0);
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM exceptions"), 0);
}

START_TEST(simulate_default_rule_and_explanation)
{
  struct it_tenant t;
  it_tenant_new(&t, "sim");
  seed_network(t.key);

  /* the built-in default: priority first, split allowed */
  struct it_resp r = it_req("POST", "/v1/routing/simulate", t.key, order_ny);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "rule", "default");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules_tried")), 1);
  IT_JSTR(r.json, "rules_tried[0]", "default");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "plan")), 2);
  IT_JSTR(r.json, "plan[0].source_type", "location");
  IT_JSTR(r.json, "plan[0].source", "WH1");
  IT_JSTR(r.json, "plan[0].lines[0].sku", "A");
  IT_JINT(r.json, "plan[0].lines[0].quantity", 3);
  IT_JSTR(r.json, "plan[1].source", "WH2");
  IT_JINT(r.json, "plan[1].lines[0].quantity", 2);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "unsourced")), 0);
  /* every source considered, with its sort values and what it was given */
  json_t *c1 = candidate(r.json, "WH1"), *c2 = candidate(r.json, "WH2"), *c3 = candidate(r.json, "ST1");
  ck_assert_msg(c1 && c2 && c3, "candidates: %s", r.body);
  IT_JSTR(c1, "source_type", "location");
  IT_JINT(c1, "priority", 1);
  IT_JINT(c1, "cost", 900);
  IT_JINT(c1, "available.A", 3);
  IT_JNULL(c1, "rejected");
  ck_assert(json_number_value(it_get(c1, "distance_km")) < 5);
  IT_JINT(c2, "priority", 2);
  IT_JINT(c2, "available.A", 5);
  ck_assert(json_number_value(it_get(c2, "distance_km")) > 3000);
  IT_JNULL(c2, "rejected");
  IT_JINT(c3, "available.A", 0);
  IT_JSTR(c3, "rejected", "no stock");
  it_resp_free(&r);
  nothing_written(t.id);

  /* a location that never held the skus, and an inactive one, are candidates too */
  it_put_created(t.key, "/v1/locations/EMPTY", "{\"name\":\"Empty\",\"type\":\"warehouse\"}");
  it_put_created(t.key, "/v1/locations/SHUT", "{\"name\":\"Shut\",\"type\":\"warehouse\",\"active\":false}");
  r = it_req("POST", "/v1/routing/simulate", t.key, order_ny);
  IT_STATUS(r, 200);
  json_t *empty = candidate(r.json, "EMPTY"), *shut = candidate(r.json, "SHUT");
  ck_assert_msg(empty && shut, "candidates: %s", r.body);
  IT_JSTR(empty, "rejected", "no stock");
  IT_JINT(empty, "available.A", 0);
  IT_JSTR(shut, "rejected", "inactive");
  it_resp_free(&r);

  /* simulate is repeatable and has the same plan as a capture */
  r = it_req("POST", "/v1/routing/simulate", t.key, order_ny);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "plan[0].lines[0].quantity", 3);
  it_resp_free(&r);
  /* more than there is: unsourced, still 200 and still nothing written */
  r = it_req("POST", "/v1/routing/simulate", t.key,
             "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":10},{\"sku\":\"B\",\"quantity\":1}]}");
  IT_STATUS(r, 200);
  ck_assert_int_eq(plan_units(r.json, "WH1", "A") + plan_units(r.json, "WH2", "A"), 8);
  ck_assert_int_eq(plan_units(r.json, "ST1", "B"), 1);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "unsourced")), 1);
  IT_JSTR(r.json, "unsourced[0].sku", "A");
  IT_JINT(r.json, "unsourced[0].quantity", 2);
  ck_assert_ptr_nonnull(it_str(r.json, "unsourced[0].reason"));
  it_resp_free(&r);
  /* an Idempotency-Key does not make a simulation write an order */
  r = it_req("POST", "/v1/routing/simulate", t.key, order_ny, "Idempotency-Key: sim-k");
  IT_STATUS(r, 200);
  it_resp_free(&r);
  nothing_written(t.id);

  /* bad bodies and unknown objects */
  IT_EXPECT_PROBLEM(400, "validation_failed", "lines", "POST", "/v1/routing/simulate", t.key,
                    "{\"channel\":\"web\"}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "lines[0].quantity", "POST", "/v1/routing/simulate", t.key,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":0}]}");
  IT_EXPECT_PROBLEM(404, "not_found", "channel", "POST", "/v1/routing/simulate", t.key,
                    "{\"channel\":\"nope\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  IT_EXPECT_PROBLEM(404, "not_found", "lines[1].sku", "POST", "/v1/routing/simulate", t.key,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1},"
                    "{\"sku\":\"Z\",\"quantity\":1}]}");
  nothing_written(t.id);

  /* a capture of the same order follows the simulated plan */
  r = it_req("POST", "/v1/orders", t.key, order_ny);
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "routing.rule", "default");
  IT_JSTR(r.json, "routing.plan[0].source", "WH1");
  IT_JINT(r.json, "routing.plan[0].lines[0].quantity", 3);
  IT_JSTR(r.json, "routing.plan[1].source", "WH2");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE location = 'WH1'"), 3);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE location = 'WH2' AND sku = 'A'"), 2);
}
END_TEST

START_TEST(simulate_rules_change_the_plan)
{
  struct it_tenant t;
  it_tenant_new(&t, "simrules");
  seed_network(t.key);
  long long rev = 0;

  /* a rule for another channel does not apply: the default does */
  put_rules_ok(t.key, "[{\"name\":\"mkt-one\",\"when\":{\"channel\":\"mkt\"},\"split\":\"never\"}]", ++rev);
  struct it_resp r = it_req("POST", "/v1/routing/simulate", t.key, order_ny);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "rule", "default");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "plan")), 2);
  it_resp_free(&r);

  /* split never for web: one source that can take it all (WH2) */
  put_rules_ok(t.key, "[{\"name\":\"mkt-one\",\"when\":{\"channel\":\"mkt\"}},"
                      "{\"name\":\"web-one\",\"when\":{\"channel\":\"web\"},\"split\":\"never\"}]", ++rev);
  r = it_req("POST", "/v1/routing/simulate", t.key, order_ny);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "rule", "web-one");
  IT_JSTR(r.json, "rules_tried[0]", "web-one");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules_tried")), 1);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "plan")), 1);
  IT_JSTR(r.json, "plan[0].source", "WH2");
  IT_JINT(r.json, "plan[0].lines[0].quantity", 5);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "unsourced")), 0);
  it_resp_free(&r);
  /* ... and it fails rather than split when no one source can */
  r = it_req("POST", "/v1/routing/simulate", t.key,
             "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":6}]}");
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "plan")), 0);
  IT_JSTR(r.json, "unsourced[0].sku", "A");
  IT_JINT(r.json, "unsourced[0].quantity", 6);
  IT_JSTR(r.json, "unsourced[0].reason", "split not allowed");
  it_resp_free(&r);
  /* the same rule by ship method and country: an express order from Canada does not match */
  put_rules_ok(t.key, "[{\"name\":\"us-std\",\"when\":{\"channel\":\"web\",\"country\":\"US\","
                      "\"ship_method\":\"standard\"},\"split\":\"never\"}]", ++rev);
  r = it_req("POST", "/v1/routing/simulate", t.key, order_ny);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "rule", "us-std");
  it_resp_free(&r);
  r = it_req("POST", "/v1/routing/simulate", t.key,
             "{\"channel\":\"web\",\"ship_method\":\"express\",\"shipping_address\":{\"country\":\"US\"},"
             "\"lines\":[{\"sku\":\"A\",\"quantity\":5}]}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "rule", "default");
  it_resp_free(&r);
  r = it_req("POST", "/v1/routing/simulate", t.key,
             "{\"channel\":\"web\",\"shipping_address\":{\"country\":\"CA\"},"
             "\"lines\":[{\"sku\":\"A\",\"quantity\":5}]}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "rule", "default");
  it_resp_free(&r);

  /* a distance filter without fallthrough: only WH1 (near New York) */
  put_rules_ok(t.key, "[{\"name\":\"near\",\"when\":{\"channel\":\"web\"},"
                      "\"filters\":{\"max_distance_km\":500},\"fallthrough\":false},"
                      "{\"name\":\"far\",\"when\":{\"channel\":\"web\"}}]", ++rev);
  r = it_req("POST", "/v1/routing/simulate", t.key, order_ny);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "rule", "near");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules_tried")), 1);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "plan")), 1);
  IT_JSTR(r.json, "plan[0].source", "WH1");
  IT_JINT(r.json, "plan[0].lines[0].quantity", 3);
  IT_JINT(r.json, "unsourced[0].quantity", 2);
  json_t *c2 = candidate(r.json, "WH2");
  ck_assert_msg(c2 != NULL, "%s", r.body);
  IT_JSTR(c2, "rejected", "filtered: max_distance_km");
  IT_JINT(c2, "available.A", 5);
  IT_JNULL(candidate(r.json, "WH1"), "rejected");
  it_resp_free(&r);
  /* the capture of that order is refused (the rule allows no backorder), nothing written */
  r = it_req("POST", "/v1/orders", t.key, order_ny);
  IT_PROBLEM(r, 409, "insufficient_inventory", "lines[0].quantity");
  it_resp_free(&r);
  nothing_written(t.id);

  /* with fallthrough (the default) the next matching rule takes what is left */
  put_rules_ok(t.key, "[{\"name\":\"other\",\"when\":{\"channel\":\"mkt\"}},"
                      "{\"name\":\"near\",\"when\":{\"channel\":\"web\"},\"filters\":{\"max_distance_km\":500}},"
                      "{\"name\":\"far\",\"when\":{\"channel\":[\"web\",\"mkt\"]},\"split\":\"never\"}]", ++rev);
  r = it_req("POST", "/v1/routing/simulate", t.key, order_ny);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "rule", "near");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules_tried")), 2);
  IT_JSTR(r.json, "rules_tried[0]", "near");
  IT_JSTR(r.json, "rules_tried[1]", "far");
  ck_assert_int_eq(plan_units(r.json, "WH1", "A"), 3);
  ck_assert_int_eq(plan_units(r.json, "WH2", "A"), 2);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "unsourced")), 0);
  it_resp_free(&r);
  /* a small order the first rule covers alone tries only that one */
  r = it_req("POST", "/v1/routing/simulate", t.key,
             "{\"channel\":\"web\",\"shipping_address\":{\"lat\":40.7,\"lon\":-74.0},"
             "\"lines\":[{\"sku\":\"A\",\"quantity\":2}]}");
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules_tried")), 1);
  ck_assert_int_eq(plan_units(r.json, "WH1", "A"), 2);
  it_resp_free(&r);
  nothing_written(t.id);

  /* sort by cost: the cheaper shipment (WH2) first, split allowed */
  put_rules_ok(t.key, "[{\"name\":\"cheap\",\"sort\":[\"cost\"]}]", ++rev);
  r = it_req("POST", "/v1/routing/simulate", t.key, order_ny);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "rule", "cheap");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "plan")), 1);
  IT_JSTR(r.json, "plan[0].source", "WH2");
  IT_JINT(r.json, "plan[0].lines[0].quantity", 5);
  it_resp_free(&r);
  /* an excluded location and location types */
  put_rules_ok(t.key, "[{\"name\":\"no-wh2\",\"filters\":{\"exclude\":[\"WH2\"]},\"backorder\":true}]", ++rev);
  r = it_req("POST", "/v1/routing/simulate", t.key, order_ny);
  IT_STATUS(r, 200);
  IT_JSTR(candidate(r.json, "WH2"), "rejected", "filtered: excluded");
  ck_assert_int_eq(plan_units(r.json, "WH1", "A"), 3);
  IT_JINT(r.json, "unsourced[0].quantity", 2);
  it_resp_free(&r);
  put_rules_ok(t.key, "[{\"name\":\"stores\",\"filters\":{\"location_types\":[\"store\"]}}]", ++rev);
  r = it_req("POST", "/v1/routing/simulate", t.key,
             "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1},{\"sku\":\"B\",\"quantity\":1}]}");
  IT_STATUS(r, 200);
  IT_JSTR(candidate(r.json, "WH1"), "rejected", "filtered: location_type");
  ck_assert_int_eq(plan_units(r.json, "ST1", "B"), 1);
  IT_JSTR(r.json, "unsourced[0].sku", "A");
  it_resp_free(&r);
  nothing_written(t.id);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT routing_version FROM tenant_rules"), rev);
}
END_TEST

Suite *it_suite_routing(void)
{
  Suite *s = suite_create("routing");
  TCase *tc = tcase_create("routing");
  tcase_add_test(tc, rules_validation);
  tcase_add_test(tc, rules_round_trip_and_if_match);
  tcase_add_test(tc, simulate_default_rule_and_explanation);
  tcase_add_test(tc, simulate_rules_change_the_plan);
  suite_add_tcase(s, tc);
  return s;
}
