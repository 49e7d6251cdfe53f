/* it_order_rules.c: PUT/GET /v1/order-rules and what the rules do to orders
 * as they are captured: holds (with their exceptions), price mismatches
 * against the catalog, release allow-lists, countries and missing fields;
 * held orders keep their reservations and send nothing to locations until
 * a person releases them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"

/* A tenant with item A (price 1000) stocked 20 at WH1 and channel "web". */
struct shop {
  struct it_tenant t;
  char ops[80], ops_id[37];
};

static void shop_new(struct shop *s, const char *prefix)
{
  it_tenant_new(&s->t, prefix);
  it_key_new(&s->t, "ops", s->ops, s->ops_id);
  const char *k = s->t.key;
  it_put_created(k, "/v1/items/A", "{\"name\":\"Item A\",\"price\":1000}");
  it_put_created(k, "/v1/locations/WH1", "{\"name\":\"DC\",\"type\":\"warehouse\"}");
  it_put_created(k, "/v1/channels/web", "{\"name\":\"Web\"}");
  struct it_resp r = it_req("POST", "/v1/inventory/adjustments", k,
                            "{\"location\":\"WH1\",\"sku\":\"A\",\"set\":20,\"reason\":\"receipt\"}");
  IT_STATUS(r, 200);
  it_resp_free(&r);
}

static void rules_put_(const char *file, int line, const char *key, const char *rules)
{
  struct it_resp r = it_req("PUT", "/v1/order-rules", key, rules);
  it_assert_status_(file, line, &r, 200);
  it_resp_free(&r);
}
#define rules_put(key, rules) rules_put_(__FILE__, __LINE__, (key), (rules))

/* Creates an order (201) and returns the reply; the caller frees it. */
static struct it_resp order_new_(const char *file, int line, const char *key, const char *body)
{
  struct it_resp r = it_req("POST", "/v1/orders", key, body);
  it_assert_status_(file, line, &r, 201);
  return r;
}
#define order_new(key, body) order_new_(__FILE__, __LINE__, (key), (body))

/* An order of `qty` A at unit_price `price` for `email` shipped to
 * `country` with `postal` (NULL: no such field). */
static void order_body(char *out, size_t n, int qty, int price, const char *email,
                       const char *country, const char *postal)
{
  char addr[200] = "";
  int o = 0;
  if (country || postal) {
    o = snprintf(addr, sizeof addr, ",\"shipping_address\":{\"line1\":\"1 Road\"");
    if (country)
      o += snprintf(addr + o, sizeof addr - (size_t)o, ",\"country\":\"%s\"", country);
    if (postal)
      o += snprintf(addr + o, sizeof addr - (size_t)o, ",\"postal_code\":\"%s\"", postal);
    snprintf(addr + o, sizeof addr - (size_t)o, "}");
  }
  snprintf(out, n,
           "{\"channel\":\"web\",\"customer\":{\"email\":\"%s\"}%s,"
           "\"lines\":[{\"sku\":\"A\",\"quantity\":%d,\"unit_price\":%d}]}",
           email, addr, qty, price);
}

static long long reserved(const char *tenant)
{
  return it_sql_int(tenant, "SELECT coalesce(sum(reserved), 0) FROM inventory"
                            " WHERE location = 'WH1' AND sku = 'A'");
}

START_TEST(put_validates_and_get_returns)
{
  static const struct it_case cases[] = {
      {NULL, "body", NULL},
      {"{", "body", NULL},
      {"{}", "rules", NULL},
      {"[{\"name\":\"r\",\"when\":{\"totl_gt\":100},\"action\":\"hold\"}]", "rules[0].when.totl_gt", NULL},
      {"[{\"name\":\"r\",\"wehn\":{},\"action\":\"hold\"}]", "rules[0].wehn", NULL},
      {"[{\"name\":\"r\",\"action\":\"block\"}]", "rules[0].action", NULL},
      {"[{\"name\":\"r\"}]", "rules[0].action", NULL},
      {"[{\"action\":\"hold\"}]", "rules[0].name", NULL},
      {"[{\"name\":\"a\",\"action\":\"hold\"},{\"name\":\"b\",\"action\":\"hold\"},"
       "{\"name\":\"a\",\"action\":\"release\"}]",
       "rules[2].name", NULL},
      {"[{\"name\":\"r\",\"when\":{\"total_gt\":-1},\"action\":\"hold\"}]", "rules[0].when.total_gt", NULL},
      {"[{\"name\":\"r\",\"when\":{\"total_gt\":\"5\"},\"action\":\"hold\"}]", "rules[0].when.total_gt", NULL},
      {"[{\"name\":\"a\",\"action\":\"hold\"},{\"name\":\"b\",\"action\":\"hold\"},"
       "{\"name\":\"c\",\"when\":{\"country_not_in\":[\"US\",\"de\"]},\"action\":\"hold\"}]",
       "rules[2].when.country_not_in[1]", NULL},
      {"[{\"name\":\"r\",\"when\":{\"country_in\":[]},\"action\":\"hold\"}]", "rules[0].when.country_in", NULL},
      {"[{\"name\":\"r\",\"when\":{\"ship_method\":\"overnight\"},\"action\":\"hold\"}]",
       "rules[0].when.ship_method", NULL},
      {"[{\"name\":\"r\",\"when\":{\"missing\":[\"customer..email\"]},\"action\":\"hold\"}]",
       "rules[0].when.missing[0]", NULL},
      {"[{\"name\":\"r\",\"when\":{\"email_domain_in\":[\"@example.com\"]},\"action\":\"release\"}]",
       "rules[0].when.email_domain_in[0]", NULL},
      {"[{\"name\":\"r\",\"when\":{\"price_mismatch_pct_gt\":-5},\"action\":\"hold\"}]",
       "rules[0].when.price_mismatch_pct_gt", NULL},
      {"[{\"name\":\"r\",\"when\":[],\"action\":\"hold\"}]", "rules[0].when", NULL},
      {"[{\"name\":\"r\",\"when\":{\"totl_gt\":1},\"action\":\"block\"}]", "rules[0].when.totl_gt",
       "rules[0].action"},
  };
  struct shop s;
  char sf[80];
  shop_new(&s, "orules");
  struct it_resp r = it_req("GET", "/v1/order-rules", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert(json_is_array(it_get(r.json, "rules")) && json_array_size(it_get(r.json, "rules")) == 0);
  IT_JINT(r.json, "version", 0);
  it_resp_free(&r);

  it_expect_400s(s.ops, "PUT", "/v1/order-rules", cases);
  /* at most 100 rules */
  char *many = malloc(101 * 48 + 8);
  int o = sprintf(many, "[");
  for (int i = 0; i < 101; i++)
    o += sprintf(many + o, "%s{\"name\":\"r%d\",\"action\":\"hold\"}", i ? "," : "", i);
  sprintf(many + o, "]");
  IT_EXPECT_PROBLEM(400, "validation_failed", "rules", "PUT", "/v1/order-rules", s.ops, many);
  free(many);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM tenant_rules"
                                      " WHERE order_rules <> '[]'::jsonb"), 0);

  /* a valid list is stored normalised */
  r = it_req("PUT", "/v1/order-rules", s.ops,
             "[{\"name\":\"trusted\",\"when\":{\"email_domain_in\":[\"ourshop.com\"]},\"action\":\"release\"},"
             "{\"name\":\"big\",\"when\":{\"total_gt\":100000,\"channel\":\"web\"},\"action\":\"hold\",\"reason\":\"large\"},"
             "{\"name\":\"all\",\"action\":\"hold\"}]");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 1);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules")), 3);
  IT_JSTR(r.json, "rules[0].name", "trusted");
  IT_JSTR(r.json, "rules[0].action", "release");
  IT_JNULL(r.json, "rules[0].reason");
  IT_JSTR(r.json, "rules[1].reason", "large");
  IT_JINT(r.json, "rules[1].when.total_gt", 100000);
  IT_JSTR(r.json, "rules[1].when.channel", "web");
  IT_JSTR(r.json, "rules[2].reason", "review");
  ck_assert(json_is_object(it_get(r.json, "rules[2].when")));
  it_resp_free(&r);
  r = it_req("GET", "/v1/order-rules", s.t.key, NULL);
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 1);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules")), 3);
  IT_JSTR(r.json, "rules[1].name", "big");
  it_resp_free(&r);
  /* {"rules": [...]} is the same; a stale If-Match is 412 */
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/order-rules", s.ops,
                    "{\"rules\":[]}", "If-Match: 7");
  r = it_req("PUT", "/v1/order-rules", s.ops, "{\"rules\":[]}", "If-Match: 1");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 2);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "rules")), 0);
  it_resp_free(&r);
  /* invalid bodies left it alone */
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT order_version FROM tenant_rules"), 2);

  it_key_new(&s.t, "storefront", sf, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "PUT", "/v1/order-rules", sf, "[]");
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/order-rules", sf, NULL);
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "GET", "/v1/order-rules", NULL, NULL);
}
END_TEST

START_TEST(total_gt_holds_with_an_exception)
{
  struct shop s;
  char body[512], path[128];
  shop_new(&s, "orulebig");
  rules_put(s.ops, "[{\"name\":\"big\",\"when\":{\"total_gt\":5000},\"action\":\"hold\",\"reason\":\"large order\"}]");

  /* 5000 is not more than 5000 */
  order_body(body, sizeof body, 5, 1000, "ann@example.com", "US", "10001");
  struct it_resp r = order_new(s.ops, body);
  IT_JSTR(r.json, "status", "released");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "holds")), 0);
  it_resp_free(&r);

  order_body(body, sizeof body, 6, 1000, "ann@example.com", "US", "10001");
  r = order_new(s.ops, body);
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  IT_JSTR(r.json, "status", "on_hold");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "holds")), 1);
  IT_JSTR(r.json, "holds[0].rule", "big");
  IT_JSTR(r.json, "holds[0].reason", "large order");
  IT_JSTR(r.json, "holds[0].kind", "order_hold");
  IT_JSTR(r.json, "lines[0].status", "on_hold");
  IT_JINT(r.json, "lines[0].allocated", 6);
  IT_JSTR(r.json, "fulfillments[0].status", "pending");
  it_resp_free(&r);
  ck_assert_int_eq(reserved(s.t.id), 11);

  r = it_req("GET", "/v1/exceptions?kind=order_hold", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].kind", "order_hold");
  IT_JSTR(r.json, "data[0].status", "open");
  IT_JSTR(r.json, "data[0].order_id", id);
  ck_assert_ptr_nonnull(it_str(r.json, "data[0].detail"));
  it_resp_free(&r);
  r = it_req("GET", "/v1/exceptions?kind=price_mismatch", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);
  /* an event for it */
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM events WHERE order_id = '%s'"
                                      " AND type = 'exception.opened' AND data->>'kind' = 'order_hold'", id), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM events WHERE order_id = '%s'"
                                      " AND type = 'order.created' AND data->>'status' = 'on_hold'", id), 1);
  snprintf(path, sizeof path, "/v1/orders?status=on_hold");
  r = it_req("GET", path, s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].holds[0].rule", "big");
  it_resp_free(&r);

  /* several matching holds: one hold (and exception) each */
  rules_put(s.ops, "[{\"name\":\"big\",\"when\":{\"total_gt\":5000},\"action\":\"hold\"},"
                   "{\"name\":\"web\",\"when\":{\"channel\":\"web\"},\"action\":\"hold\",\"reason\":\"web review\"},"
                   "{\"name\":\"pos\",\"when\":{\"channel\":\"pos\"},\"action\":\"hold\"}]");
  r = order_new(s.ops, body);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "holds")), 2);
  IT_JSTR(r.json, "holds[0].rule", "big");
  IT_JSTR(r.json, "holds[0].reason", "review");
  IT_JSTR(r.json, "holds[1].rule", "web");
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE order_id = '%s'"
                                      " AND kind = 'order_hold' AND status = 'open'", id), 2);
  /* one release clears both */
  snprintf(path, sizeof path, "/v1/orders/%s/release", id);
  r = it_req("POST", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "released");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "holds")), 0);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE order_id = '%s'"
                                      " AND status = 'resolved'", id), 2);
}
END_TEST

START_TEST(price_mismatch_opens_its_exception)
{
  struct shop s;
  char body[512];
  shop_new(&s, "oruleprice");
  rules_put(s.ops, "[{\"name\":\"price\",\"when\":{\"price_mismatch_pct_gt\":10},\"action\":\"hold\","
                   "\"reason\":\"price check\"}]");

  /* 10% off is within the figure */
  order_body(body, sizeof body, 1, 900, "ann@example.com", "US", "10001");
  struct it_resp r = order_new(s.ops, body);
  IT_JSTR(r.json, "status", "released");
  it_resp_free(&r);
  /* no unit price: the catalog price, no mismatch */
  r = order_new(s.ops, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  IT_JSTR(r.json, "status", "released");
  it_resp_free(&r);

  /* 20% off the catalog price */
  order_body(body, sizeof body, 2, 800, "ann@example.com", "US", "10001");
  r = order_new(s.ops, body);
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  IT_JSTR(r.json, "status", "on_hold");
  IT_JSTR(r.json, "holds[0].kind", "price_mismatch");
  IT_JSTR(r.json, "holds[0].rule", "price");
  IT_JSTR(r.json, "holds[0].reason", "price check");
  IT_JINT(r.json, "lines[0].unit_price", 800);
  IT_JSTR(r.json, "fulfillments[0].status", "pending");
  it_resp_free(&r);
  /* 20% over as well */
  order_body(body, sizeof body, 1, 1200, "ann@example.com", "US", "10001");
  r = order_new(s.ops, body);
  IT_JSTR(r.json, "holds[0].kind", "price_mismatch");
  it_resp_free(&r);

  r = it_req("GET", "/v1/exceptions?kind=price_mismatch&status=open", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 2);
  IT_JSTR(r.json, "data[0].order_id", id);
  IT_JSTR(r.json, "data[0].kind", "price_mismatch");
  it_resp_free(&r);
  r = it_req("GET", "/v1/exceptions?kind=order_hold", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);
  ck_assert_int_eq(reserved(s.t.id), 1 + 1 + 2 + 1);
}
END_TEST

START_TEST(release_rule_first_stops_evaluation)
{
  struct shop s;
  char body[512];
  shop_new(&s, "orulerelease");
  rules_put(s.ops, "[{\"name\":\"staff\",\"when\":{\"email_domain_in\":[\"ourshop.com\"]},\"action\":\"release\"},"
                   "{\"name\":\"big\",\"when\":{\"total_gt\":1000},\"action\":\"hold\",\"reason\":\"large order\"},"
                   "{\"name\":\"no-zip\",\"when\":{\"missing\":[\"shipping_address.postal_code\"]},"
                   "\"action\":\"hold\",\"reason\":\"address incomplete\"}]");
  /* trusted (domain case does not matter): released, nothing for staff */
  order_body(body, sizeof body, 3, 1000, "ann@OurShop.COM", "US", NULL);
  struct it_resp r = order_new(s.ops, body);
  IT_JSTR(r.json, "status", "released");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "holds")), 0);
  IT_JSTR(r.json, "fulfillments[0].status", "released");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions"), 0);
  /* a sub-domain is another domain */
  order_body(body, sizeof body, 3, 1000, "eve@mail.ourshop.com", "US", NULL);
  r = order_new(s.ops, body);
  IT_JSTR(r.json, "status", "on_hold");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "holds")), 2);
  IT_JSTR(r.json, "holds[0].rule", "big");
  IT_JSTR(r.json, "holds[1].rule", "no-zip");
  IT_JSTR(r.json, "holds[1].reason", "address incomplete");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE kind = 'order_hold'"), 2);

  /* the release placed last protects nobody from the holds before it */
  rules_put(s.ops, "[{\"name\":\"big\",\"when\":{\"total_gt\":1000},\"action\":\"hold\"},"
                   "{\"name\":\"staff\",\"when\":{\"email_domain_in\":[\"ourshop.com\"]},\"action\":\"release\"},"
                   "{\"name\":\"all\",\"action\":\"hold\",\"reason\":\"later\"}]");
  order_body(body, sizeof body, 3, 1000, "ann@ourshop.com", "US", "10001");
  r = order_new(s.ops, body);
  IT_JSTR(r.json, "status", "on_hold");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "holds")), 1);
  IT_JSTR(r.json, "holds[0].rule", "big");
  it_resp_free(&r);
  /* and stops the rest: a small trusted order is released */
  order_body(body, sizeof body, 1, 1000, "ann@ourshop.com", "US", "10001");
  r = order_new(s.ops, body);
  IT_JSTR(r.json, "status", "released");
  it_resp_free(&r);
  /* an untrusted small order reaches "all" */
  order_body(body, sizeof body, 1, 1000, "bob@example.org", "US", "10001");
  r = order_new(s.ops, body);
  IT_JSTR(r.json, "status", "on_hold");
  IT_JSTR(r.json, "holds[0].rule", "all");
  IT_JSTR(r.json, "holds[0].reason", "later");
  it_resp_free(&r);
}
END_TEST

START_TEST(country_not_in_holds_exports_and_no_country)
{
  struct shop s;
  char body[512];
  shop_new(&s, "orulecountry");
  rules_put(s.ops, "[{\"name\":\"export\",\"when\":{\"country_not_in\":[\"US\",\"CA\"]},\"action\":\"hold\","
                   "\"reason\":\"export\"}]");
  static const struct {
    const char *country;
    const char *status;
  } cases[] = {{"US", "released"}, {"CA", "released"}, {"DE", "on_hold"}, {NULL, "on_hold"}};
  for (size_t i = 0; i < 4; i++) {
    order_body(body, sizeof body, 1, 1000, "ann@example.com", cases[i].country, "10001");
    struct it_resp r = order_new(s.ops, body);
    ck_assert_msg(strcmp(it_str(r.json, "status"), cases[i].status) == 0, "%s: %s",
                  cases[i].country ? cases[i].country : "(none)", it_str(r.json, "status"));
    if (strcmp(cases[i].status, "on_hold") == 0)
      IT_JSTR(r.json, "holds[0].rule", "export");
    it_resp_free(&r);
  }
  /* no shipping address at all: no country either */
  struct it_resp r = order_new(s.ops, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  IT_JSTR(r.json, "status", "on_hold");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE kind = 'order_hold'"
                                      " AND detail = 'export'"), 3);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM orders WHERE status = 'on_hold'"), 3);
}
END_TEST

START_TEST(missing_postal_code_holds)
{
  struct shop s;
  char body[512];
  shop_new(&s, "orulemissing");
  rules_put(s.ops, "[{\"name\":\"no-zip\",\"when\":{\"missing\":[\"shipping_address.postal_code\"]},"
                   "\"action\":\"hold\",\"reason\":\"address incomplete\"}]");
  order_body(body, sizeof body, 1, 1000, "ann@example.com", "US", "10001");
  struct it_resp r = order_new(s.ops, body);
  IT_JSTR(r.json, "status", "released");
  it_resp_free(&r);
  order_body(body, sizeof body, 1, 1000, "ann@example.com", "US", NULL);
  r = order_new(s.ops, body);
  IT_JSTR(r.json, "status", "on_hold");
  IT_JSTR(r.json, "holds[0].rule", "no-zip");
  IT_JSTR(r.json, "holds[0].reason", "address incomplete");
  IT_JSTR(r.json, "holds[0].kind", "order_hold");
  it_resp_free(&r);
  order_body(body, sizeof body, 1, 1000, "ann@example.com", "US", "");
  r = order_new(s.ops, body);
  IT_JSTR(r.json, "status", "on_hold");
  it_resp_free(&r);
  r = order_new(s.ops, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  IT_JSTR(r.json, "status", "on_hold");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE kind = 'order_hold'"
                                      " AND status = 'open'"), 3);
}
END_TEST

START_TEST(held_orders_keep_reservations_until_released)
{
  struct shop s;
  char body[512], path[160], fid[37];
  shop_new(&s, "oruleheld");
  rules_put(s.ops, "[{\"name\":\"big\",\"when\":{\"total_gt\":5000},\"action\":\"hold\"}]");
  order_body(body, sizeof body, 15, 1000, "ann@example.com", "US", "10001");
  struct it_resp r = order_new(s.ops, body);
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  snprintf(fid, sizeof fid, "%s", it_str(r.json, "fulfillments[0].id"));
  IT_JSTR(r.json, "status", "on_hold");
  IT_JSTR(r.json, "fulfillments[0].status", "pending");
  it_resp_free(&r);
  /* the units are the held order's */
  ck_assert_int_eq(reserved(s.t.id), 15);
  IT_EXPECT_PROBLEM(409, "insufficient_inventory", "lines[0].quantity", "POST", "/v1/orders", s.ops,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":6}]}");
  /* nothing in the warehouse's queue; the fulfillment cannot be worked */
  r = it_req("GET", "/v1/fulfillments?location=WH1&status=released", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);
  r = it_req("GET", "/v1/fulfillments?location=WH1&status=pending", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].id", fid);
  it_resp_free(&r);
  static const char *const steps[] = {"accept", "ship", "ready_for_pickup", "picked_up", "delivered"};
  for (size_t i = 0; i < 5; i++) {
    snprintf(path, sizeof path, "/v1/fulfillments/%s/%s", fid, steps[i]);
    IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops, NULL);
  }
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM fulfillments WHERE status = 'pending'"), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT on_hand FROM inventory WHERE sku = 'A'"), 20);
  /* resolving the exception does not release the order */
  r = it_req("GET", "/v1/exceptions?kind=order_hold&status=open", s.ops, NULL);
  IT_STATUS(r, 200);
  char exc[37];
  snprintf(exc, sizeof exc, "%s", it_str(r.json, "data[0].id"));
  it_resp_free(&r);

  /* a person releases it */
  snprintf(path, sizeof path, "/v1/orders/%s/release", id);
  r = it_req("POST", path, s.ops, "{}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "released");
  IT_JSTR(r.json, "fulfillments[0].status", "released");
  it_resp_free(&r);
  ck_assert_int_eq(reserved(s.t.id), 15);
  snprintf(path, sizeof path, "/v1/exceptions/%s", exc);
  r = it_req("GET", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "resolved");
  ck_assert_ptr_nonnull(it_str(r.json, "resolved_at"));
  it_resp_free(&r);
  r = it_req("GET", "/v1/fulfillments?location=WH1&status=released", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].id", fid);
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/fulfillments/%s/accept", fid);
  IT_EXPECT_STATUS(200, "POST", path, s.ops, NULL);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM events WHERE order_id = '%s'"
                                      " AND type = 'order.status_changed' AND data->>'previous_status' = 'on_hold'"
                                      " AND data->>'status' = 'released' AND actor = '%s'", id, s.ops_id), 1);
}
END_TEST

START_TEST(exceptions_resolve_with_a_note)
{
  struct shop s;
  char body[512], path[160];
  shop_new(&s, "oruleresolve");
  rules_put(s.ops, "[{\"name\":\"all\",\"action\":\"hold\"}]");
  order_body(body, sizeof body, 1, 1000, "ann@example.com", "US", "10001");
  struct it_resp r = order_new(s.ops, body);
  it_resp_free(&r);
  r = it_req("GET", "/v1/exceptions", s.ops, NULL);
  IT_STATUS(r, 200);
  char exc[37];
  snprintf(exc, sizeof exc, "%s", it_str(r.json, "data[0].id"));
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/exceptions/%s/resolve", exc);
  IT_EXPECT_PROBLEM(400, "validation_failed", "note", "POST", path, s.ops, "{\"note\":5}");
  r = it_req("POST", path, s.ops, "{\"note\":\"called the customer\"}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "resolved");
  IT_JSTR(r.json, "note", "called the customer");
  ck_assert_ptr_nonnull(it_str(r.json, "resolved_at"));
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops, "{\"note\":\"again\"}");
  IT_EXPECT_PROBLEM(404, "not_found", "id", "POST",
                    "/v1/exceptions/00000000-0000-4000-8000-000000000000/resolve", s.ops, "{}");
  r = it_req("GET", "/v1/exceptions?status=open", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);
  r = it_req("GET", "/v1/exceptions?status=resolved", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(400, "validation_failed", "kind", "GET", "/v1/exceptions?kind=fraud", s.ops, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "status", "GET", "/v1/exceptions?status=closed", s.ops, NULL);
  /* the order itself stays held */
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM orders WHERE status = 'on_hold'"), 1);
}
END_TEST

Suite *it_suite_order_rules(void)
{
  Suite *s = suite_create("order_rules");
  TCase *tc = tcase_create("order_rules");
  tcase_add_test(tc, put_validates_and_get_returns);
  tcase_add_test(tc, total_gt_holds_with_an_exception);
  tcase_add_test(tc, price_mismatch_opens_its_exception);
  tcase_add_test(tc, release_rule_first_stops_evaluation);
  tcase_add_test(tc, country_not_in_holds_exports_and_no_country);
  tcase_add_test(tc, missing_postal_code_holds);
  tcase_add_test(tc, held_orders_keep_reservations_until_released);
  tcase_add_test(tc, exceptions_resolve_with_a_note);
  suite_add_tcase(s, tc);
  return s;
}
