/* it_inventory.c: POST /v1/inventory/adjustments (each one a ledger row),
 * GET /v1/inventory/{sku} and its ledger, bad adjustments that write
 * nothing, and a count below reserved: the inventory_discrepancy exception,
 * the re-route of the units short, and resolving exceptions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"

static long long ledger_rows(const char *tenant)
{
  return it_sql_int(tenant, "SELECT count(*) FROM inventory_ledger");
}

/* Positions whose on_hand differs from the sum of their ledger deltas. */
static long long ledger_mismatches(const char *tenant)
{
  return it_sql_int(tenant,
                    "SELECT count(*) FROM inventory v WHERE v.on_hand <>"
                    " (SELECT coalesce(sum(l.delta), 0) FROM inventory_ledger l"
                    "   WHERE l.sku = v.sku AND l.location = v.location)"
                    " OR v.on_hand <> coalesce((SELECT l.on_hand_after FROM inventory_ledger l"
                    "   WHERE l.sku = v.sku AND l.location = v.location ORDER BY l.id DESC LIMIT 1), 0)");
}

/* One adjustment that must succeed (200) and write exactly one ledger row
 * with delta want_delta; the reply must show on_hand want_on_hand. */
static void adjust_ok(const struct it_tenant *t, const char *body, const char *loc,
                      long long want_delta, long long want_on_hand)
{
  long long before = ledger_rows(t->id);
  struct it_resp r = it_req("POST", "/v1/inventory/adjustments", t->key, body);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "location", loc);
  IT_JINT(r.json, "on_hand", want_on_hand);
  ck_assert_msg(json_is_integer(it_get(r.json, "reserved")) &&
                    json_is_integer(it_get(r.json, "available")),
                "position lacks reserved/available: %s", r.body);
  it_resp_free(&r);
  ck_assert_int_eq(ledger_rows(t->id), before + 1);
  ck_assert_int_eq(it_sql_int(t->id, "SELECT delta FROM inventory_ledger ORDER BY id DESC LIMIT 1"),
                   want_delta);
  ck_assert_int_eq(it_sql_int(t->id, "SELECT on_hand_after FROM inventory_ledger"
                                     " ORDER BY id DESC LIMIT 1"), want_on_hand);
  ck_assert_int_eq(ledger_mismatches(t->id), 0);
}

static void seed(const char *key)
{
  it_put_created(key, "/v1/locations/WH1", "{\"name\":\"DC\",\"type\":\"warehouse\",\"priority\":1}");
  it_put_created(key, "/v1/locations/WH2", "{\"name\":\"DC2\",\"type\":\"warehouse\",\"priority\":2}");
  it_put_created(key, "/v1/items/A", "{\"name\":\"A\",\"price\":1000,\"case_pack\":12}");
  it_put_created(key, "/v1/items/B", "{\"name\":\"B\",\"price\":500}");
}

START_TEST(adjustments_delta_set_case_and_ledger)
{
  struct it_tenant t;
  it_tenant_new(&t, "inv");
  seed(t.key);

  struct it_resp r = it_req("POST", "/v1/inventory/adjustments", t.key,
                            "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":5,\"reason\":\"receipt\","
                            "\"reference\":\"PO-1\"}");
  IT_STATUS(r, 200);
  ck_assert_str_eq(r.content_type, "application/json");
  IT_JSTR(r.json, "location", "WH1");
  IT_JSTR(r.json, "sku", "A");
  IT_JINT(r.json, "on_hand", 5);
  IT_JINT(r.json, "reserved", 0);
  IT_JINT(r.json, "available", 5);
  it_resp_free(&r);
  ck_assert_int_eq(ledger_rows(t.id), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory_ledger WHERE sku = 'A'"
                                    " AND location = 'WH1' AND delta = 5 AND on_hand_after = 5"
                                    " AND reason = 'receipt' AND reference = 'PO-1'"), 1);

  /* CASE: x case_pack (12) */
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":2,\"uom\":\"CASE\",\"reason\":\"receipt\"}",
            "WH1", 24, 29);
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":-1,\"uom\":\"CASE\",\"reason\":\"damage\"}",
            "WH1", -12, 17);
  /* set: the count is the truth; the ledger records the difference */
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"set\":40,\"reason\":\"cycle_count\"}", "WH1", 23, 40);
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"set\":1,\"uom\":\"CASE\",\"reason\":\"cycle_count\"}",
            "WH1", -28, 12);
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"set\":0,\"reason\":\"sync\"}", "WH1", -12, 0);
  /* explicit EACH, default reason and uom, a null reference */
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":10,\"uom\":\"EACH\",\"reference\":null}",
            "WH1", 10, 10);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory_ledger WHERE delta = 10"
                                    " AND reason = 'correction' AND reference IS NULL"), 1);
  /* a count that confirms the number is still recorded */
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"set\":10,\"reason\":\"cycle_count\"}", "WH1", 0, 10);
  /* another position, another sku; a position is created by its first adjustment */
  adjust_ok(&t, "{\"location\":\"WH2\",\"sku\":\"A\",\"set\":7,\"reason\":\"sync\",\"reference\":\"x\"}",
            "WH2", 7, 7);
  adjust_ok(&t, "{\"location\":\"WH2\",\"sku\":\"B\",\"delta\":3,\"reason\":\"correction\"}", "WH2", 3, 3);

  ck_assert_int_eq(ledger_rows(t.id), 10);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT on_hand FROM inventory WHERE sku = 'A' AND location = 'WH1'"), 10);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(delta) FROM inventory_ledger WHERE sku = 'A'"
                                    " AND location = 'WH1'"), 10);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory"), 3);
  ck_assert_int_eq(ledger_mismatches(t.id), 0);
  /* each reason kept */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(DISTINCT reason) FROM inventory_ledger"), 5);
  /* the ledger is append-only, even for the application role */
  char state[6];
  ck_assert(!it_sql_exec(t.id, state, "UPDATE inventory_ledger SET delta = 0"));
  ck_assert(!it_sql_exec(t.id, state, "DELETE FROM inventory_ledger"));
  ck_assert_int_eq(ledger_rows(t.id), 10);

  /* ops may adjust too; a storefront key may not */
  char ops[80], sf[80];
  it_key_new(&t, "ops", ops, NULL);
  it_key_new(&t, "storefront", sf, NULL);
  r = it_req("POST", "/v1/inventory/adjustments", ops, "{\"location\":\"WH2\",\"sku\":\"B\",\"delta\":1}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "on_hand", 4);
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "POST", "/v1/inventory/adjustments", sf,
                    "{\"location\":\"WH2\",\"sku\":\"B\",\"delta\":1}");
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/inventory/B", sf, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/inventory/B/ledger", sf, NULL);
  ck_assert_int_eq(ledger_rows(t.id), 11);
}
END_TEST

START_TEST(positions_totals_and_per_location)
{
  struct it_tenant t;
  it_tenant_new(&t, "invget");
  seed(t.key);
  it_put_created(t.key, "/v1/locations/ST1", "{\"name\":\"Store\",\"type\":\"store\",\"priority\":3}");

  /* an item without positions: zeros, no locations */
  struct it_resp r = it_req("GET", "/v1/inventory/A", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "sku", "A");
  IT_JINT(r.json, "on_hand", 0);
  IT_JINT(r.json, "reserved", 0);
  IT_JINT(r.json, "available", 0);
  ck_assert(json_is_array(it_get(r.json, "locations")));
  ck_assert_uint_eq(json_array_size(it_get(r.json, "locations")), 0);
  it_resp_free(&r);

  adjust_ok(&t, "{\"location\":\"WH2\",\"sku\":\"A\",\"delta\":4}", "WH2", 4, 4);
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":10}", "WH1", 10, 10);
  adjust_ok(&t, "{\"location\":\"ST1\",\"sku\":\"A\",\"delta\":1,\"uom\":\"CASE\"}", "ST1", 12, 12);
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"B\",\"delta\":99}", "WH1", 99, 99);

  /* reserve 6 at WH1 through an order */
  it_put_created(t.key, "/v1/channels/web", "{\"name\":\"Web\"}");
  r = it_req("POST", "/v1/orders", t.key,
             "{\"channel\":\"web\",\"external_id\":\"o1\",\"lines\":[{\"sku\":\"A\",\"quantity\":6}]}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "fulfillments[0].source", "WH1");
  it_resp_free(&r);

  r = it_req("GET", "/v1/inventory/A", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "sku", "A");
  IT_JINT(r.json, "on_hand", 26);
  IT_JINT(r.json, "reserved", 6);
  IT_JINT(r.json, "available", 20);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "locations")), 3);
  /* in location order */
  IT_JSTR(r.json, "locations[0].location", "ST1");
  IT_JINT(r.json, "locations[0].on_hand", 12);
  IT_JINT(r.json, "locations[0].reserved", 0);
  IT_JINT(r.json, "locations[0].available", 12);
  IT_JSTR(r.json, "locations[1].location", "WH1");
  IT_JINT(r.json, "locations[1].on_hand", 10);
  IT_JINT(r.json, "locations[1].reserved", 6);
  IT_JINT(r.json, "locations[1].available", 4);
  IT_JSTR(r.json, "locations[2].location", "WH2");
  IT_JINT(r.json, "locations[2].on_hand", 4);
  IT_JINT(r.json, "locations[2].reserved", 0);
  IT_JINT(r.json, "locations[2].available", 4);
  it_resp_free(&r);
  /* the reply agrees with the table */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(on_hand) FROM inventory WHERE sku = 'A'"), 26);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(reserved) FROM inventory WHERE sku = 'A'"), 6);

  /* the adjustment reply shows the reservation */
  r = it_req("POST", "/v1/inventory/adjustments", t.key, "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":-1}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "on_hand", 9);
  IT_JINT(r.json, "reserved", 6);
  IT_JINT(r.json, "available", 3);
  it_resp_free(&r);
  /* more than what is free, but not below what is reserved... */
  r = it_req("POST", "/v1/inventory/adjustments", t.key, "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":-3}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "on_hand", 6);
  IT_JINT(r.json, "available", 0);
  ck_assert_ptr_null(it_get(r.json, "exception_id"));
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM exceptions"), 0);

  r = it_req("GET", "/v1/inventory/B", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "on_hand", 99);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "locations")), 1);
  it_resp_free(&r);

  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/inventory/NOPE", t.key, NULL);
  /* a name that cannot exist is not found either */
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/inventory/A%20B", t.key, NULL);
  /* another tenant's sku is 404 */
  struct it_tenant u;
  it_tenant_new(&u, "invget2");
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/inventory/A", u.key, NULL);
}
END_TEST

START_TEST(ledger_list_filter_and_pages)
{
  struct it_tenant t;
  it_tenant_new(&t, "ledger");
  seed(t.key);
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":5,\"reason\":\"receipt\","
                "\"reference\":\"r1\"}", "WH1", 5, 5);
  adjust_ok(&t, "{\"location\":\"WH2\",\"sku\":\"A\",\"delta\":3,\"reason\":\"receipt\","
                "\"reference\":\"r2\"}", "WH2", 3, 3);
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":-2,\"reason\":\"damage\","
                "\"reference\":\"r3\"}", "WH1", -2, 3);
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"B\",\"delta\":8,\"reference\":\"other-sku\"}",
            "WH1", 8, 8);
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"set\":9,\"reason\":\"cycle_count\","
                "\"reference\":\"r4\"}", "WH1", 6, 9);
  adjust_ok(&t, "{\"location\":\"WH2\",\"sku\":\"A\",\"set\":1,\"reason\":\"sync\","
                "\"reference\":\"r5\"}", "WH2", -2, 1);

  /* the whole ledger of A in creation order; Σ delta = on_hand per location */
  struct it_resp r = it_req("GET", "/v1/inventory/A/ledger", t.key, NULL);
  IT_STATUS(r, 200);
  json_t *data = it_get(r.json, "data");
  ck_assert_uint_eq(json_array_size(data), 5);
  IT_JNULL(r.json, "next_cursor");
  static const char *const refs[] = {"r1", "r2", "r3", "r4", "r5"};
  static const char *const locs[] = {"WH1", "WH2", "WH1", "WH1", "WH2"};
  static const long long deltas[] = {5, 3, -2, 6, -2};
  static const long long after[] = {5, 3, 3, 9, 1};
  static const char *const reasons[] = {"receipt", "receipt", "damage", "cycle_count", "sync"};
  for (size_t i = 0; i < 5; i++) {
    json_t *e = json_array_get(data, i);
    IT_JSTR(e, "reference", refs[i]);
    IT_JSTR(e, "location", locs[i]);
    IT_JINT(e, "delta", deltas[i]);
    IT_JINT(e, "on_hand_after", after[i]);
    IT_JSTR(e, "reason", reasons[i]);
    ck_assert_msg(it_str(e, "created_at") && strlen(it_str(e, "created_at")) >= 20 &&
                      it_str(e, "created_at")[strlen(it_str(e, "created_at")) - 1] == 'Z',
                  "created_at: %s", r.body);
  }
  it_resp_free(&r);

  /* one location */
  r = it_req("GET", "/v1/inventory/A/ledger?location=WH1", t.key, NULL);
  IT_STATUS(r, 200);
  data = it_get(r.json, "data");
  ck_assert_uint_eq(json_array_size(data), 3);
  long long sum = 0;
  for (size_t i = 0; i < json_array_size(data); i++) {
    IT_JSTR(json_array_get(data, i), "location", "WH1");
    sum += it_int(json_array_get(data, i), "delta");
  }
  ck_assert_int_eq(sum, 9);
  IT_JSTR(r.json, "data[2].reference", "r4");
  it_resp_free(&r);

  /* pages of 2 with a location filter: r1 r3 | r4 */
  r = it_req("GET", "/v1/inventory/A/ledger?location=WH1&limit=2", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 2);
  IT_JSTR(r.json, "data[0].reference", "r1");
  IT_JSTR(r.json, "data[1].reference", "r3");
  const char *next = it_str(r.json, "next_cursor");
  ck_assert_msg(next != NULL, "no next_cursor: %s", r.body);
  char path[256];
  snprintf(path, sizeof path, "/v1/inventory/A/ledger?location=WH1&limit=2&after=%s", next);
  it_resp_free(&r);
  r = it_req("GET", path, t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].reference", "r4");
  IT_JNULL(r.json, "next_cursor");
  it_resp_free(&r);

  /* pages of 1 over everything of A */
  static const char *const want[] = {"r1", "r2", "r3", "r4", "r5"};
  it_walk_pages(t.key, "/v1/inventory/A/ledger", "reference", want, 5);

  /* a location without rows of this sku: empty */
  it_put_created(t.key, "/v1/locations/WH3", "{\"name\":\"x\",\"type\":\"warehouse\"}");
  r = it_req("GET", "/v1/inventory/A/ledger?location=WH3", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  IT_JNULL(r.json, "next_cursor");
  it_resp_free(&r);

  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/inventory/NOPE/ledger", t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "location", "GET", "/v1/inventory/A/ledger?location=NOPE",
                    t.key, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "limit", "GET", "/v1/inventory/A/ledger?limit=0",
                    t.key, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "after", "GET", "/v1/inventory/A/ledger?after=x",
                    t.key, NULL);
}
END_TEST

START_TEST(bad_adjustments_write_nothing)
{
  struct it_tenant t;
  it_tenant_new(&t, "invbad");
  seed(t.key);
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":5}", "WH1", 5, 5);
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"B\",\"delta\":5}", "WH1", 5, 5);
  long long rows = ledger_rows(t.id);

  static const struct it_case cases[] = {
      {NULL, "body", NULL},
      {"{\"location\":\"WH1\",", "body", NULL},
      {"[1]", "body", NULL},
      {"{\"sku\":\"A\",\"delta\":1}", "location", NULL},
      {"{\"location\":\"WH1\",\"delta\":1}", "sku", NULL},
      {"{\"location\":\"W H\",\"sku\":\"A\",\"delta\":1}", "location", NULL},
      {"{\"location\":\"WH1\",\"sku\":5,\"delta\":1}", "sku", NULL},
      /* neither or both of delta and set */
      {"{\"location\":\"WH1\",\"sku\":\"A\"}", "delta", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":1,\"set\":3}", "set", NULL},
      /* set below zero, delta 0 */
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"set\":-1}", "set", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":0}", "delta", NULL},
      /* non-integer quantities */
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":1.5}", "delta", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":2.0}", "delta", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":\"2\"}", "delta", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"set\":1e2}", "set", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"set\":null}", "set", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":true}", "delta", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":99999999999999999999}", "body", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":10000000000}", "delta", NULL},
      /* unknown enum values */
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":1,\"reason\":\"theft\"}", "reason", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":1,\"reason\":\"RECEIPT\"}", "reason", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":1,\"uom\":\"BOX\"}", "uom", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":1,\"uom\":\"each\"}", "uom", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":1,\"reference\":7}", "reference", NULL},
      /* CASE of an item without case_pack; CASE beyond range */
      {"{\"location\":\"WH1\",\"sku\":\"B\",\"delta\":1,\"uom\":\"CASE\"}", "uom", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"B\",\"set\":0,\"uom\":\"CASE\"}", "uom", NULL},
      {"{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":1000000000,\"uom\":\"CASE\"}", "uom", NULL},
  };
  it_expect_400s(t.key, "POST", "/v1/inventory/adjustments", cases);
  ck_assert_int_eq(ledger_rows(t.id), rows);

  /* what the adjustment names must exist: 404 naming it */
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "POST", "/v1/inventory/adjustments", t.key,
                    "{\"location\":\"WH1\",\"sku\":\"NOPE\",\"delta\":1}");
  IT_EXPECT_PROBLEM(404, "not_found", "location", "POST", "/v1/inventory/adjustments", t.key,
                    "{\"location\":\"NOPE\",\"sku\":\"A\",\"delta\":1}");
  IT_EXPECT_PROBLEM(404, "not_found", "location", "POST", "/v1/inventory/adjustments", t.key,
                    "{\"location\":\"wh1\",\"sku\":\"A\",\"set\":4}");
  /* another tenant's objects are not found either */
  struct it_tenant u;
  it_tenant_new(&u, "invbad2");
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "POST", "/v1/inventory/adjustments", u.key,
                    "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":1}");

  /* below zero: 409, the position as it was, no ledger row; a position that
   * did not exist is not left behind */
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", "/v1/inventory/adjustments", t.key,
                    "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":-6}");
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", "/v1/inventory/adjustments", t.key,
                    "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":-1,\"uom\":\"CASE\"}");
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", "/v1/inventory/adjustments", t.key,
                    "{\"location\":\"WH2\",\"sku\":\"A\",\"delta\":-1}");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT on_hand FROM inventory WHERE sku = 'A' AND location = 'WH1'"), 5);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory WHERE location = 'WH2'"), 0);
  ck_assert_int_eq(ledger_rows(t.id), rows);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM exceptions"), 0);
  ck_assert_int_eq(ledger_mismatches(t.id), 0);

  /* an error is not kept under an Idempotency-Key: the same key then works */
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", "/v1/inventory/adjustments", t.key,
                    "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":-6}", "Idempotency-Key: adj-1");
  struct it_resp r = it_req("POST", "/v1/inventory/adjustments", t.key,
                            "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":-5}", "Idempotency-Key: adj-1");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "on_hand", 0);
  it_resp_free(&r);
  /* and a replay writes no second row */
  r = it_req("POST", "/v1/inventory/adjustments", t.key,
             "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":-5}", "Idempotency-Key: adj-1");
  IT_STATUS(r, 200);
  ck_assert_str_eq(r.replayed, "true");
  IT_JINT(r.json, "on_hand", 0);
  it_resp_free(&r);
  ck_assert_int_eq(ledger_rows(t.id), rows + 1);
  ck_assert_int_eq(ledger_mismatches(t.id), 0);
}
END_TEST

/* The fulfillment of order json o at source src: its first line's
 * quantity - rejected - cancelled, or -1 when there is none. */
static long long open_at(json_t *o, const char *src)
{
  json_t *fs = it_get(o, "fulfillments");
  long long n = -1;
  for (size_t i = 0; i < json_array_size(fs); i++) {
    json_t *f = json_array_get(fs, i);
    if (strcmp(it_str(f, "source") ? it_str(f, "source") : "", src) != 0)
      continue;
    json_t *ls = it_get(f, "lines");
    for (size_t k = 0; k < json_array_size(ls); k++) {
      json_t *l = json_array_get(ls, k);
      n = (n < 0 ? 0 : n) + it_int(l, "quantity") - it_int(l, "rejected") - it_int(l, "cancelled");
    }
  }
  return n;
}

START_TEST(count_below_reserved_reroutes_shortfall)
{
  struct it_tenant t;
  it_tenant_new(&t, "discrep");
  seed(t.key);
  it_put_created(t.key, "/v1/channels/web", "{\"name\":\"Web\"}");
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":10}", "WH1", 10, 10);
  adjust_ok(&t, "{\"location\":\"WH2\",\"sku\":\"A\",\"delta\":10}", "WH2", 10, 10);

  /* two orders at WH1 (priority 1): 4 then 3 units reserved */
  char o1[37], o2[37];
  struct it_resp r = it_req("POST", "/v1/orders", t.key,
                            "{\"channel\":\"web\",\"external_id\":\"d1\","
                            "\"lines\":[{\"sku\":\"A\",\"quantity\":4}]}");
  IT_STATUS(r, 201);
  snprintf(o1, sizeof o1, "%s", it_str(r.json, "id"));
  IT_JSTR(r.json, "fulfillments[0].source", "WH1");
  it_resp_free(&r);
  r = it_req("POST", "/v1/orders", t.key,
             "{\"channel\":\"web\",\"external_id\":\"d2\",\"lines\":[{\"sku\":\"A\",\"quantity\":3}]}");
  IT_STATUS(r, 201);
  snprintf(o2, sizeof o2, "%s", it_str(r.json, "id"));
  IT_JSTR(r.json, "fulfillments[0].source", "WH1");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 1);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE sku = 'A' AND location = 'WH1'"), 7);
  long long rows = ledger_rows(t.id);

  /* the count finds 5: accepted, recorded, an exception, 2 units re-routed */
  r = it_req("POST", "/v1/inventory/adjustments", t.key,
             "{\"location\":\"WH1\",\"sku\":\"A\",\"set\":5,\"reason\":\"cycle_count\",\"reference\":\"count-7\"}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "location", "WH1");
  IT_JINT(r.json, "on_hand", 5);
  IT_JINT(r.json, "reserved", 5);
  IT_JINT(r.json, "available", 0);
  const char *eid = it_str(r.json, "exception_id");
  ck_assert_msg(eid != NULL, "no exception_id: %s", r.body);
  char exc[37];
  snprintf(exc, sizeof exc, "%s", eid);
  IT_JINT(r.json, "rerouted.units", 2);
  /* the newest allocation is the one moved */
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rerouted.orders")), 1);
  IT_JSTR(r.json, "rerouted.orders[0]", o2);
  it_resp_free(&r);

  /* the ledger: one row for the count */
  ck_assert_int_eq(ledger_rows(t.id), rows + 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory_ledger WHERE location = 'WH1'"
                                    " AND delta = -5 AND on_hand_after = 5 AND reason = 'cycle_count'"
                                    " AND reference = 'count-7'"), 1);
  ck_assert_int_eq(ledger_mismatches(t.id), 0);
  /* reserved never exceeds on_hand at the counted location; the short
   * units are reserved at WH2 now; nothing is reserved twice */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory WHERE reserved > on_hand"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE sku = 'A' AND location = 'WH1'"), 5);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE sku = 'A' AND location = 'WH2'"), 2);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory v WHERE v.reserved <>"
                                    " (SELECT coalesce(sum(l.quantity - l.shipped - l.rejected - l.cancelled), 0)"
                                    "  FROM fulfillment_lines l JOIN fulfillments f ON f.id = l.fulfillment_id"
                                    "  WHERE f.source_type = 'location' AND f.source = v.location"
                                    "    AND l.sku = v.sku AND f.status NOT IN ('rejected', 'cancelled'))"),
                   0);

  /* the second order's fulfillments changed: 1 left at WH1, 2 at WH2 */
  char path[128];
  snprintf(path, sizeof path, "/v1/orders/%s", o2);
  r = it_req("GET", path, t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_int_eq(open_at(r.json, "WH1"), 1);
  ck_assert_int_eq(open_at(r.json, "WH2"), 2);
  IT_JINT(r.json, "lines[0].allocated", 3);
  it_resp_free(&r);
  /* the first one is untouched */
  snprintf(path, sizeof path, "/v1/orders/%s", o1);
  r = it_req("GET", path, t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 1);
  ck_assert_int_eq(open_at(r.json, "WH1"), 4);
  it_resp_free(&r);

  /* the exception names the shortfall */
  r = it_req("GET", "/v1/exceptions?kind=inventory_discrepancy", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].id", exc);
  IT_JSTR(r.json, "data[0].kind", "inventory_discrepancy");
  IT_JSTR(r.json, "data[0].status", "open");
  IT_JSTR(r.json, "data[0].location", "WH1");
  IT_JSTR(r.json, "data[0].sku", "A");
  IT_JNULL(r.json, "data[0].resolved_at");
  ck_assert_msg(it_str(r.json, "data[0].detail") && it_contains(it_str(r.json, "data[0].detail"), "2"),
                "detail: %s", r.body);
  it_resp_free(&r);
  r = it_req("GET", "/v1/exceptions?kind=inventory_discrepancy&status=open", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  it_resp_free(&r);
  r = it_req("GET", "/v1/exceptions?kind=order_hold", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM exceptions WHERE kind = 'inventory_discrepancy'"
                                    " AND status = 'open' AND location = 'WH1' AND sku = 'A'"), 1);

  /* resolve: 200, then 409; unknown ids 404 */
  snprintf(path, sizeof path, "/v1/exceptions/%s/resolve", exc);
  r = it_req("POST", path, t.key, "{\"note\":\"recounted, two found damaged\"}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "id", exc);
  IT_JSTR(r.json, "status", "resolved");
  IT_JSTR(r.json, "note", "recounted, two found damaged");
  ck_assert_ptr_nonnull(it_str(r.json, "resolved_at"));
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, t.key, "{\"note\":\"again\"}");
  IT_EXPECT_PROBLEM(404, "not_found", "id", "POST",
                    "/v1/exceptions/6f1c2d3e-0000-4000-8000-000000000000/resolve", t.key, "{}");
  IT_EXPECT_PROBLEM(404, "not_found", "id", "POST", "/v1/exceptions/not-a-uuid/resolve", t.key, "{}");
  struct it_tenant u;
  it_tenant_new(&u, "discrep2");
  IT_EXPECT_PROBLEM(404, "not_found", "id", "POST", path, u.key, "{}");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM exceptions WHERE status = 'resolved'"
                                    " AND note = 'recounted, two found damaged'"), 1);
  r = it_req("GET", "/v1/exceptions?kind=inventory_discrepancy&status=open", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(400, "validation_failed", "kind", "GET", "/v1/exceptions?kind=nope", t.key, NULL);
}
END_TEST

START_TEST(count_below_reserved_with_nowhere_to_go)
{
  struct it_tenant t;
  it_tenant_new(&t, "discrep3");
  seed(t.key);
  it_put_created(t.key, "/v1/channels/web", "{\"name\":\"Web\"}");
  adjust_ok(&t, "{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":5}", "WH1", 5, 5);
  struct it_resp r = it_req("POST", "/v1/orders", t.key,
                            "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":4}]}");
  IT_STATUS(r, 201);
  char oid[37];
  snprintf(oid, sizeof oid, "%s", it_str(r.json, "id"));
  it_resp_free(&r);

  /* 1 found: 3 short and no other stock: the count stands, the units go to
   * the exception queue instead of staying reserved */
  r = it_req("POST", "/v1/inventory/adjustments", t.key,
             "{\"location\":\"WH1\",\"sku\":\"A\",\"set\":1,\"reason\":\"cycle_count\"}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "on_hand", 1);
  IT_JINT(r.json, "reserved", 1);
  IT_JINT(r.json, "available", 0);
  ck_assert_ptr_nonnull(it_str(r.json, "exception_id"));
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory WHERE reserved > on_hand"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE location = 'WH1'"), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM exceptions WHERE kind = 'inventory_discrepancy'"
                                    " AND status = 'open'"), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM exceptions WHERE kind = 'unroutable'"
                                    " AND status = 'open' AND sku = 'A'"), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT allocated FROM order_lines"), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT exception FROM order_lines"), 3);
  ck_assert_int_eq(ledger_mismatches(t.id), 0);
  char path[96];
  snprintf(path, sizeof path, "/v1/orders/%s", oid);
  r = it_req("GET", path, t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_int_eq(open_at(r.json, "WH1"), 1);
  it_resp_free(&r);
}
END_TEST

Suite *it_suite_inventory(void)
{
  Suite *s = suite_create("inventory");
  TCase *tc = tcase_create("inventory");
  tcase_add_test(tc, adjustments_delta_set_case_and_ledger);
  tcase_add_test(tc, positions_totals_and_per_location);
  tcase_add_test(tc, ledger_list_filter_and_pages);
  tcase_add_test(tc, bad_adjustments_write_nothing);
  tcase_add_test(tc, count_below_reserved_reroutes_shortfall);
  tcase_add_test(tc, count_below_reserved_with_nowhere_to_go);
  suite_add_tcase(s, tc);
  return s;
}
