/* it_availability.c: available-to-sell per channel end to end
 * (GET /v1/channels/{code}/availability) by the formula of docs/availability.md, batches,
 * roles, and the feed of changed skus (…/availability/feed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"

/* Reads the ATS of sku in channel and checks every component. */
static void ats_check_(const char *file, int line, const char *key, const char *channel,
                       const char *sku, long long ats, long long on_hand_ats, long long dropship_ats,
                       long long preorder_ats)
{
  char path[256];
  snprintf(path, sizeof path, "/v1/channels/%s/availability?sku=%s", channel, sku);
  struct it_resp r = it_req("GET", path, key, NULL);
  it_assert_status_(file, line, &r, 200);
  json_t *e = it_get(r.json, "data[0]");
  ck_assert_msg(e && json_array_size(it_get(r.json, "data")) == 1, "%s:%d: %s: %s", file, line,
                path, r.body);
  it_assert_json_str_(file, line, e, "sku", sku);
  it_assert_json_int_(file, line, e, "on_hand_ats", on_hand_ats);
  it_assert_json_int_(file, line, e, "dropship_ats", dropship_ats);
  it_assert_json_int_(file, line, e, "preorder_ats", preorder_ats);
  it_assert_json_int_(file, line, e, "available_to_sell", ats);
  ck_assert_msg(ats == on_hand_ats + dropship_ats + preorder_ats, "%s:%d: bad expectation", file, line);
  it_resp_free(&r);
}
#define ATS(key, ch, sku, ats, onh, ds, pre) \
  ats_check_(__FILE__, __LINE__, (key), (ch), (sku), (ats), (onh), (ds), (pre))

static void put_ok(const char *key, const char *path, const char *body)
{
  struct it_resp r = it_req("PUT", path, key, body);
  ck_assert_msg(r.status == 200 || r.status == 201, "PUT %s %s: %ld %s", path, body, r.status, r.body);
  it_resp_free(&r);
}

#define adjust(key, loc, sku, delta) it_stock_adjust((key), (loc), (sku), (delta))

/* Locations of every kind, and A's stock at each of them. */
static void seed(const char *key)
{
  it_put_created(key, "/v1/locations/WH1", "{\"name\":\"a\",\"type\":\"warehouse\",\"priority\":1}");
  it_put_created(key, "/v1/locations/WH2", "{\"name\":\"b\",\"type\":\"warehouse\",\"priority\":2}");
  it_put_created(key, "/v1/locations/WH3", "{\"name\":\"c\",\"type\":\"warehouse\",\"priority\":3}");
  it_put_created(key, "/v1/locations/ST1", "{\"name\":\"d\",\"type\":\"store\",\"priority\":4}");
  it_put_created(key, "/v1/locations/ST2",
                 "{\"name\":\"e\",\"type\":\"store\",\"ship\":false,\"pickup\":true}");
  it_put_created(key, "/v1/locations/OLD", "{\"name\":\"f\",\"type\":\"warehouse\",\"active\":false}");
  it_put_created(key, "/v1/items/A", "{\"name\":\"A\",\"price\":1000,\"dropship\":true}");
  adjust(key, "WH1", "A", 50);
  adjust(key, "WH2", "A", 30);
  adjust(key, "WH3", "A", 5);
  adjust(key, "ST1", "A", 10);
  adjust(key, "ST2", "A", 20);
  adjust(key, "OLD", "A", 40);
}

START_TEST(formula_on_hand_part)
{
  struct it_tenant t;
  it_tenant_new(&t, "ats");
  seed(t.key);

  /* all locations: only the active ones that ship count (ST2 cannot ship, OLD is inactive) */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\"}");
  ATS(t.key, "web", "A", 95, 95, 0, 0);
  /* the per-location pools */
  struct it_resp r = it_req("GET", "/v1/channels/web/availability?sku=A", t.key, NULL);
  IT_STATUS(r, 200);
  static const char *const locs[] = {"OLD", "ST1", "ST2", "WH1", "WH2", "WH3"};
  static const long long pools[] = {0, 10, 0, 50, 30, 5};
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data[0].locations")), 6);
  for (size_t i = 0; i < 6; i++) {
    json_t *l = json_array_get(it_get(r.json, "data[0].locations"), i);
    IT_JSTR(l, "location", locs[i]);
    IT_JINT(l, "pool", pools[i]);
  }
  it_resp_free(&r);

  /* safety stock at each location, never below zero (WH3 has 5) */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":2}");
  ATS(t.key, "web", "A", 87, 87, 0, 0); /* 48 + 28 + 3 + 8 */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":8}");
  ATS(t.key, "web", "A", 66, 66, 0, 0); /* 42 + 22 + 0 + 2 */
  /* percent, floored */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":2,\"percent\":90}");
  ATS(t.key, "web", "A", 78, 78, 0, 0); /* floor(78.3) */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":2,\"percent\":33}");
  ATS(t.key, "web", "A", 28, 28, 0, 0); /* floor(28.71) */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":2,\"percent\":0}");
  ATS(t.key, "web", "A", 0, 0, 0, 0);
  /* max_per_sku: a cap after percent; null = none, 0 = nothing from stock */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":2,\"percent\":90,\"max_per_sku\":60}");
  ATS(t.key, "web", "A", 60, 60, 0, 0);
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":2,\"percent\":90,\"max_per_sku\":100}");
  ATS(t.key, "web", "A", 78, 78, 0, 0);
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":2,\"percent\":90,\"max_per_sku\":0}");
  ATS(t.key, "web", "A", 0, 0, 0, 0);
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":2,\"percent\":90,\"max_per_sku\":null}");
  ATS(t.key, "web", "A", 78, 78, 0, 0);

  /* a subset of locations: WH1 only counts (ST2 cannot ship, OLD inactive) */
  put_ok(t.key, "/v1/channels/web",
         "{\"name\":\"Web\",\"safety_stock\":2,\"percent\":90,\"locations\":[\"WH1\",\"ST2\",\"OLD\"]}");
  ATS(t.key, "web", "A", 43, 43, 0, 0); /* floor(0.9 x 48) */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"locations\":[\"WH2\",\"ST1\"]}");
  ATS(t.key, "web", "A", 40, 40, 0, 0);
  /* a location switched off or to no-ship drops out; back on, it counts */
  put_ok(t.key, "/v1/locations/WH2", "{\"name\":\"b\",\"type\":\"warehouse\",\"priority\":2,\"active\":false}");
  ATS(t.key, "web", "A", 10, 10, 0, 0);
  put_ok(t.key, "/v1/locations/WH2", "{\"name\":\"b\",\"type\":\"warehouse\",\"priority\":2,\"ship\":false}");
  ATS(t.key, "web", "A", 10, 10, 0, 0);
  put_ok(t.key, "/v1/locations/WH2", "{\"name\":\"b\",\"type\":\"warehouse\",\"priority\":2}");
  ATS(t.key, "web", "A", 40, 40, 0, 0);

  /* reserved units are not for sale: 6 reserved at WH1 by an order */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\"}");
  r = it_req("POST", "/v1/orders", t.key,
             "{\"channel\":\"web\",\"external_id\":\"r1\",\"lines\":[{\"sku\":\"A\",\"quantity\":6}]}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "fulfillments[0].source", "WH1");
  it_resp_free(&r);
  ATS(t.key, "web", "A", 89, 89, 0, 0);

  /* ring-fences: another channel's units are excluded, this channel's included */
  put_ok(t.key, "/v1/channels/mkt", "{\"name\":\"Marketplace\"}");
  ATS(t.key, "mkt", "A", 89, 89, 0, 0);
  put_ok(t.key, "/v1/channels/mkt/ringfence/A", "{\"location\":\"WH1\",\"quantity\":10}");
  ATS(t.key, "web", "A", 79, 79, 0, 0);
  ATS(t.key, "mkt", "A", 89, 89, 0, 0);
  put_ok(t.key, "/v1/channels/web/ringfence/A", "{\"location\":\"WH2\",\"quantity\":5}");
  ATS(t.key, "web", "A", 79, 79, 0, 0);
  ATS(t.key, "mkt", "A", 84, 84, 0, 0);
  /* a fence larger than the position leaves 0 there, not less */
  put_ok(t.key, "/v1/channels/mkt/ringfence/A", "{\"location\":\"WH3\",\"quantity\":50}");
  ATS(t.key, "web", "A", 74, 74, 0, 0);
  /* with safety stock, percent and a fence together: WH1 50-6-3-10=31, WH2 27, WH3 0, ST1 7 */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":3,\"percent\":50}");
  ATS(t.key, "web", "A", 32, 32, 0, 0); /* floor(65 / 2) */
  /* the database agrees with what was reserved and fenced */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE sku = 'A' AND location = 'WH1'"), 6);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(quantity) FROM ringfences WHERE sku = 'A'"), 65);
}
END_TEST

START_TEST(formula_dropship_and_preorder)
{
  struct it_tenant t;
  it_tenant_new(&t, "ats2");
  seed(t.key);
  it_put_created(t.key, "/v1/items/B", "{\"name\":\"B\",\"price\":100}"); /* not drop-shippable */
  it_put_created(t.key, "/v1/items/P", "{\"name\":\"P\",\"price\":100,\"preorder\":{\"enabled\":true,"
                                        "\"limit\":100,\"channel_limits\":{\"web\":30}}}");
  it_put_created(t.key, "/v1/suppliers/SUP1", "{\"name\":\"one\"}");
  it_put_created(t.key, "/v1/suppliers/SUP2", "{\"name\":\"two\",\"active\":false}");
  it_put_created(t.key, "/v1/suppliers/SUP3", "{\"name\":\"three\"}");
  it_put_created(t.key, "/v1/suppliers/SUP1/items/A", "{\"cost\":500,\"available\":7}");
  it_put_created(t.key, "/v1/suppliers/SUP2/items/A", "{\"cost\":400,\"available\":100}");
  it_put_created(t.key, "/v1/suppliers/SUP3/items/A", "{\"cost\":450,\"available\":4}");
  it_put_created(t.key, "/v1/suppliers/SUP1/items/B", "{\"cost\":50,\"available\":9}");

  /* drop-ship counts only when channel and item allow it, from active suppliers */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\"}");
  ATS(t.key, "web", "A", 95, 95, 0, 0);
  ATS(t.key, "web", "B", 0, 0, 0, 0);
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"dropship\":true}");
  ATS(t.key, "web", "A", 106, 95, 11, 0);
  ATS(t.key, "web", "B", 0, 0, 0, 0);
  /* percent and max_per_sku shape only stock; supplier supply is not capped */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"dropship\":true,\"percent\":50,\"max_per_sku\":0}");
  ATS(t.key, "web", "A", 11, 0, 11, 0);
  /* a supplier switched on adds its units; switched off, they go */
  put_ok(t.key, "/v1/suppliers/SUP2", "{\"name\":\"two\"}");
  ATS(t.key, "web", "A", 111, 0, 111, 0);
  put_ok(t.key, "/v1/suppliers/SUP1", "{\"name\":\"one\",\"active\":false}");
  ATS(t.key, "web", "A", 104, 0, 104, 0);
  /* the item no longer drop-shipped */
  put_ok(t.key, "/v1/items/A", "{\"name\":\"A\",\"price\":1000}");
  ATS(t.key, "web", "A", 0, 0, 0, 0);

  /* pre-orders: only when the channel takes them; the channel limit applies */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\"}");
  ATS(t.key, "web", "P", 0, 0, 0, 0);
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"preorders\":true}");
  put_ok(t.key, "/v1/channels/mkt", "{\"name\":\"Mkt\",\"preorders\":true}");
  put_ok(t.key, "/v1/channels/pos", "{\"name\":\"POS\"}");
  ATS(t.key, "web", "P", 30, 0, 0, 30);
  ATS(t.key, "mkt", "P", 100, 0, 0, 100);
  ATS(t.key, "pos", "P", 0, 0, 0, 0);
  /* an item not on pre-order has no headroom */
  ATS(t.key, "web", "A", 95, 95, 0, 0);

  /* 4 pre-ordered on web: the channel's and the item's headroom shrink */
  struct it_resp r = it_req("POST", "/v1/orders", t.key,
                            "{\"channel\":\"web\",\"external_id\":\"p1\","
                            "\"lines\":[{\"sku\":\"P\",\"quantity\":4}]}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "lines[0].status", "preordered");
  it_resp_free(&r);
  ATS(t.key, "web", "P", 26, 0, 0, 26);
  ATS(t.key, "mkt", "P", 96, 0, 0, 96);
  /* 80 on mkt: the item's limit binds web too */
  r = it_req("POST", "/v1/orders", t.key,
             "{\"channel\":\"mkt\",\"external_id\":\"p2\",\"lines\":[{\"sku\":\"P\",\"quantity\":80}]}");
  IT_STATUS(r, 201);
  it_resp_free(&r);
  ATS(t.key, "web", "P", 16, 0, 0, 16);
  ATS(t.key, "mkt", "P", 16, 0, 0, 16);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT outstanding FROM preorder_counts WHERE sku = 'P' AND channel = '*'"), 84);
  /* stock of a pre-order item plus its headroom plus drop-ship: every part adds up */
  put_ok(t.key, "/v1/items/P", "{\"name\":\"P\",\"price\":100,\"dropship\":true,\"preorder\":{\"enabled\":true,"
                               "\"limit\":100,\"channel_limits\":{\"web\":30}}}");
  it_put_created(t.key, "/v1/suppliers/SUP3/items/P", "{\"cost\":10,\"available\":3}");
  adjust(t.key, "WH2", "P", 9);
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"preorders\":true,\"dropship\":true,\"safety_stock\":1}");
  ATS(t.key, "web", "P", 27, 8, 3, 16);
  /* a channel limit below what the channel already took: 0, not negative */
  put_ok(t.key, "/v1/items/P", "{\"name\":\"P\",\"price\":100,\"preorder\":{\"enabled\":true,"
                               "\"limit\":100,\"channel_limits\":{\"web\":2}}}");
  ATS(t.key, "web", "P", 8, 8, 0, 0);
  ATS(t.key, "mkt", "P", 25, 9, 0, 16);
}
END_TEST

START_TEST(batches_errors_and_roles)
{
  struct it_tenant t;
  it_tenant_new(&t, "atsbatch");
  seed(t.key);
  it_put_created(t.key, "/v1/items/B", "{\"name\":\"B\",\"price\":100}");
  it_put_created(t.key, "/v1/items/C", "{\"name\":\"C\",\"price\":100}");
  adjust(t.key, "WH1", "B", 3);
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\"}");

  /* repeated ?sku=, in the order asked */
  struct it_resp r = it_req("GET", "/v1/channels/web/availability?sku=B&sku=A", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 2);
  IT_JSTR(r.json, "data[0].sku", "B");
  IT_JINT(r.json, "data[0].available_to_sell", 3);
  IT_JSTR(r.json, "data[1].sku", "A");
  IT_JINT(r.json, "data[1].available_to_sell", 95);
  it_resp_free(&r);
  /* comma-separated, mixed with repeats; duplicates once */
  r = it_req("GET", "/v1/channels/web/availability?sku=C,A,B&sku=A", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 3);
  IT_JSTR(r.json, "data[0].sku", "C");
  IT_JINT(r.json, "data[0].available_to_sell", 0);
  IT_JINT(r.json, "data[0].on_hand_ats", 0);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data[0].locations")), 0);
  IT_JSTR(r.json, "data[1].sku", "A");
  IT_JSTR(r.json, "data[2].sku", "B");
  it_resp_free(&r);

  /* 501 distinct skus: 400; 500 are allowed (they do not exist: 404) */
  char *path = malloc(8192);
  size_t n = (size_t)snprintf(path, 8192, "/v1/channels/web/availability?sku=A");
  for (int i = 1; i < 500; i++)
    n += (size_t)snprintf(path + n, 8192 - n, ",%d", i);
  ck_assert_uint_lt(n, 4000);
  r = it_req("GET", path, t.key, NULL);
  IT_PROBLEM(r, 404, "not_found", "sku");
  it_resp_free(&r);
  snprintf(path + n, 8192 - n, ",X");
  r = it_req("GET", path, t.key, NULL);
  IT_PROBLEM(r, 400, "validation_failed", "sku");
  it_resp_free(&r);
  /* repeats do not count twice */
  snprintf(path + n, 8192 - n, "&sku=A,1,2");
  r = it_req("GET", path, t.key, NULL);
  IT_PROBLEM(r, 404, "not_found", "sku");
  it_resp_free(&r);
  free(path);

  IT_EXPECT_PROBLEM(400, "validation_failed", "sku", "GET", "/v1/channels/web/availability", t.key, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "sku", "GET", "/v1/channels/web/availability?sku=", t.key, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "sku[0]", "GET", "/v1/channels/web/availability?sku=a%20b",
                    t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/channels/web/availability?sku=A,NOPE", t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "channel", "GET", "/v1/channels/nope/availability?sku=A", t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "channel", "GET", "/v1/channels/nope/availability/feed", t.key, NULL);
  /* another tenant sees neither the channel nor the skus */
  struct it_tenant u;
  it_tenant_new(&u, "atsbatch2");
  IT_EXPECT_PROBLEM(404, "not_found", "channel", "GET", "/v1/channels/web/availability?sku=A", u.key, NULL);
  put_ok(u.key, "/v1/channels/web", "{\"name\":\"Web\"}");
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/channels/web/availability?sku=A", u.key, NULL);

  /* a storefront key reads availability, not the catalog */
  char sf[80], ops[80];
  it_key_new(&t, "storefront", sf, NULL);
  it_key_new(&t, "ops", ops, NULL);
  ATS(sf, "web", "A", 95, 95, 0, 0);
  ATS(ops, "web", "A", 95, 95, 0, 0);
  r = it_req("GET", "/v1/channels/web/availability/feed", sf, NULL);
  IT_STATUS(r, 200);
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/items", sf, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/items/A", sf, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/channels/web", sf, NULL);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "GET", "/v1/channels/web/availability?sku=A", NULL, NULL);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "GET", "/v1/channels/web/availability?sku=A", "nope", NULL);
}
END_TEST

/* The skus of a feed page, as "A,B,C" (at most n bytes). */
static void feed_skus(json_t *page, char *out, size_t n)
{
  json_t *data = it_get(page, "data");
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < json_array_size(data) && o < n; i++)
    o += (size_t)snprintf(out + o, n - o, "%s%s", i ? "," : "",
                          it_str(json_array_get(data, i), "sku") ? it_str(json_array_get(data, i), "sku") : "?");
}

static void feed_expect_(const char *file, int line, const char *key, const char *query,
                         const char *want, const char *want_next, char *as_of)
{
  char path[512], got[512];
  snprintf(path, sizeof path, "/v1/channels/web/availability/feed%s", query);
  struct it_resp r = it_req("GET", path, key, NULL);
  it_assert_status_(file, line, &r, 200);
  feed_skus(r.json, got, sizeof got);
  ck_assert_msg(strcmp(got, want) == 0, "%s:%d: %s listed [%s], expected [%s]", file, line, path,
                got, want);
  if (want_next)
    it_assert_json_str_(file, line, r.json, "next_cursor", want_next);
  else
    it_assert_json_null_(file, line, r.json, "next_cursor");
  const char *a = it_str(r.json, "as_of");
  ck_assert_msg(a && strlen(a) >= 20 && a[strlen(a) - 1] == 'Z', "%s:%d: as_of: %s", file, line, r.body);
  if (as_of)
    snprintf(as_of, 64, "%s", a);
  it_resp_free(&r);
}
#define FEED(key, query, want, next, as_of) \
  feed_expect_(__FILE__, __LINE__, (key), (query), (want), (next), (as_of))

START_TEST(feed_changed_since_and_pages)
{
  struct it_tenant t;
  it_tenant_new(&t, "feed");
  it_put_created(t.key, "/v1/locations/WH1", "{\"name\":\"a\",\"type\":\"warehouse\"}");
  static const char *const skus[] = {"A", "B", "C", "D", "E"};
  for (int i = 0; i < 5; i++) {
    char path[64];
    snprintf(path, sizeof path, "/v1/items/%s", skus[i]);
    it_put_created(t.key, path, "{\"name\":\"x\",\"price\":1}");
  }
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":2}");
  put_ok(t.key, "/v1/channels/mkt", "{\"name\":\"Mkt\"}");
  adjust(t.key, "WH1", "B", 7);

  /* without changed_since: everything, in sku order, with the ATS values */
  char t1[64], t2[64], t3[64], q[256];
  FEED(t.key, "", "A,B,C,D,E", NULL, t1);
  struct it_resp r = it_req("GET", "/v1/channels/web/availability/feed?limit=500", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "data[1].sku", "B");
  IT_JINT(r.json, "data[1].available_to_sell", 5);
  IT_JINT(r.json, "data[1].on_hand_ats", 5);
  IT_JINT(r.json, "data[1].dropship_ats", 0);
  IT_JINT(r.json, "data[1].preorder_ats", 0);
  it_resp_free(&r);

  /* paging: limit and next_cursor/after */
  FEED(t.key, "?limit=2", "A,B", "B", NULL);
  FEED(t.key, "?limit=2&after=B", "C,D", "D", NULL);
  FEED(t.key, "?limit=2&after=D", "E", NULL, NULL);
  FEED(t.key, "?limit=5", "A,B,C,D,E", NULL, NULL);
  FEED(t.key, "?after=E", "", NULL, NULL);

  /* a change after t1 lists that sku only; nothing changed after t2 */
  adjust(t.key, "WH1", "D", 4);
  snprintf(q, sizeof q, "?changed_since=%s", t1);
  FEED(t.key, q, "D", NULL, t2);
  r = it_req("GET", "/v1/channels/web/availability?sku=D", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "data[0].available_to_sell", 2);
  it_resp_free(&r);
  snprintf(q, sizeof q, "?changed_since=%s", t2);
  FEED(t.key, q, "", NULL, NULL);
  /* a time before the change still lists it, with the same changed_since on every page */
  FEED(t.key, "?changed_since=2000-01-01T00:00:00Z&limit=3", "A,B,C", "C", NULL);
  FEED(t.key, "?changed_since=2000-01-01T00:00:00Z&limit=3&after=C", "D,E", NULL, NULL);
  FEED(t.key, "?changed_since=2999-01-01T00:00:00.000001Z", "", NULL, NULL);

  /* what else counts as a change: another channel's fence, an item, a supplier item */
  put_ok(t.key, "/v1/channels/mkt/ringfence/B", "{\"location\":\"WH1\",\"quantity\":3}");
  put_ok(t.key, "/v1/items/E", "{\"name\":\"renamed\",\"price\":1}");
  snprintf(q, sizeof q, "?changed_since=%s", t2);
  FEED(t.key, q, "B,E", NULL, t3);
  snprintf(q, sizeof q, "?changed_since=%s&limit=1", t2);
  FEED(t.key, q, "B", "B", NULL);
  snprintf(q, sizeof q, "?changed_since=%s&limit=1&after=B", t2);
  FEED(t.key, q, "E", NULL, NULL);
  snprintf(q, sizeof q, "?changed_since=%s&limit=1&after=E", t2);
  FEED(t.key, q, "", NULL, NULL);
  r = it_req("GET", "/v1/channels/web/availability?sku=B", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "data[0].available_to_sell", 2); /* 7 - 2 safety - 3 fenced for mkt */
  it_resp_free(&r);
  it_put_created(t.key, "/v1/suppliers/S1", "{\"name\":\"s\"}");
  it_put_created(t.key, "/v1/suppliers/S1/items/C", "{\"cost\":1,\"available\":1}");
  snprintf(q, sizeof q, "?changed_since=%s", t3);
  FEED(t.key, q, "C", NULL, NULL);
  /* a change of the channel itself lists every sku */
  put_ok(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":1}");
  FEED(t.key, q, "A,B,C,D,E", NULL, NULL);
  /* the +hh:mm form, URL-encoded */
  FEED(t.key, "?changed_since=2000-01-01T01:00:00%2B01:00&limit=1", "A", "A", NULL);

  /* bad arguments */
  static const char *const bad_since[] = {"yesterday", "2026-13-01T00:00:00Z", "2026-01-01",
                                          "2026-01-01T25:00:00Z", "1700000000", ""};
  for (size_t i = 0; i < sizeof bad_since / sizeof bad_since[0]; i++) {
    snprintf(q, sizeof q, "/v1/channels/web/availability/feed?changed_since=%s", bad_since[i]);
    IT_EXPECT_PROBLEM(400, "validation_failed", "changed_since", "GET", q, t.key, NULL);
  }
  IT_EXPECT_PROBLEM(400, "validation_failed", "limit", "GET", "/v1/channels/web/availability/feed?limit=0",
                    t.key, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "limit", "GET", "/v1/channels/web/availability/feed?limit=501",
                    t.key, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "after", "GET",
                    "/v1/channels/web/availability/feed?after=a%20b", t.key, NULL);
}
END_TEST

Suite *it_suite_availability(void)
{
  Suite *s = suite_create("availability");
  TCase *tc = tcase_create("availability");
  tcase_add_test(tc, formula_on_hand_part);
  tcase_add_test(tc, formula_dropship_and_preorder);
  tcase_add_test(tc, batches_errors_and_roles);
  tcase_add_test(tc, feed_changed_since_and_pages);
  suite_add_tcase(s, tc);
  return s;
}
