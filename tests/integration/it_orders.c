/* it_orders.c: POST/GET /v1/orders (capture: echo, reservations, duplicates,
 * insufficient stock, backorders, pre-orders, ship_complete, validation,
 * idempotency), storefront visibility, list filters and paging, the
 * timeline, the customer's tracking view, and the staff actions hold,
 * release, cancel and reroute. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"

/* A tenant with items A (price 1000) and B (2500), warehouses WH1
 * (priority 1, New York) holding A:10 and WH2 (priority 2, Los Angeles)
 * holding B:5, and the channel "web" (every location, USD). */
struct shop {
  struct it_tenant t;
  char ops[80], ops_id[37];
};

#define stock_set(key, loc, sku, n) it_stock_set((key), (loc), (sku), (n))

static void shop_new(struct shop *s, const char *prefix)
{
  it_tenant_new(&s->t, prefix);
  it_key_new(&s->t, "ops", s->ops, s->ops_id);
  const char *k = s->t.key;
  it_put_created(k, "/v1/items/A", "{\"name\":\"Item A\",\"price\":1000}");
  it_put_created(k, "/v1/items/B", "{\"name\":\"Item B\",\"price\":2500}");
  it_put_created(k, "/v1/locations/WH1",
                 "{\"name\":\"East DC\",\"type\":\"warehouse\",\"priority\":1,\"lat\":40.7,\"lon\":-74.0}");
  it_put_created(k, "/v1/locations/WH2",
                 "{\"name\":\"West DC\",\"type\":\"warehouse\",\"priority\":2,\"lat\":34.05,\"lon\":-118.24}");
  it_put_created(k, "/v1/channels/web", "{\"name\":\"Web store\"}");
  stock_set(k, "WH1", "A", 10);
  stock_set(k, "WH2", "B", 5);
}

/* POSTs an order that must be created; the caller frees the reply. */
static struct it_resp order_new_(const char *file, int line, const char *key, const char *body)
{
  struct it_resp r = it_req("POST", "/v1/orders", key, body);
  it_assert_status_(file, line, &r, 201);
  ck_assert_msg(it_str(r.json, "id") != NULL, "%s:%d: order without id", file, line);
  return r;
}
#define order_new(key, body) order_new_(__FILE__, __LINE__, (key), (body))

static long long inv(const char *tenant, const char *col, const char *loc, const char *sku)
{
  return it_sql_int(tenant,
                    "SELECT coalesce(sum(%s), 0) FROM inventory WHERE location = '%s' AND sku = '%s'",
                    col, loc, sku);
}

static long long rows(const char *tenant, const char *table)
{
  return it_sql_int(tenant, "SELECT count(*) FROM %s", table);
}

/* The id of the fulfillment at source (the last one there), copied to out. */
static const char *fid_at(json_t *order, const char *source, char out[37])
{
  size_t i;
  json_t *f;
  out[0] = '\0';
  json_array_foreach(it_get(order, "fulfillments"), i, f)
  {
    if (strcmp(it_str(f, "source"), source) == 0)
      snprintf(out, 37, "%s", it_str(f, "id"));
  }
  ck_assert_msg(out[0], "no fulfillment at %s", source);
  return out;
}

static const char *const full_order =
    "{\"channel\":\"web\",\"external_id\":\"1001\",\"currency\":\"USD\","
    "\"customer\":{\"email\":\"ann@example.com\",\"name\":\"Ann\"},"
    "\"shipping_address\":{\"line1\":\"1 Main Street\",\"city\":\"New York\",\"region\":\"NY\","
    "\"postal_code\":\"10001\",\"country\":\"US\",\"lat\":40.71,\"lon\":-74.01},"
    "\"ship_method\":\"express\","
    "\"lines\":[{\"sku\":\"A\",\"quantity\":2,\"unit_price\":1999,\"fulfillment\":\"ship\"},"
    "{\"sku\":\"B\",\"quantity\":1}],"
    "\"payment\":{\"status\":\"authorized\",\"amount\":6498},"
    "\"ship_complete\":false}";

START_TEST(create_echoes_the_request_and_reserves)
{
  struct shop s;
  shop_new(&s, "ordcreate");
  struct it_resp r = order_new(s.t.key, full_order);
  json_t *o = r.json;
  ck_assert_str_eq(r.content_type, "application/json");
  /* every field of the request as stored */
  IT_JSTR(o, "channel", "web");
  IT_JSTR(o, "external_id", "1001");
  IT_JSTR(o, "currency", "USD");
  IT_JSTR(o, "customer.email", "ann@example.com");
  IT_JSTR(o, "customer.name", "Ann");
  IT_JSTR(o, "shipping_address.line1", "1 Main Street");
  IT_JSTR(o, "shipping_address.city", "New York");
  IT_JSTR(o, "shipping_address.region", "NY");
  IT_JSTR(o, "shipping_address.postal_code", "10001");
  IT_JSTR(o, "shipping_address.country", "US");
  ck_assert(json_is_number(it_get(o, "shipping_address.lat")));
  ck_assert_double_eq_tol(json_number_value(it_get(o, "shipping_address.lat")), 40.71, 1e-9);
  ck_assert_double_eq_tol(json_number_value(it_get(o, "shipping_address.lon")), -74.01, 1e-9);
  IT_JSTR(o, "ship_method", "express");
  IT_JSTR(o, "payment.status", "authorized");
  IT_JINT(o, "payment.amount", 6498);
  IT_JBOOL(o, "ship_complete", false);
  /* and what the server adds */
  const char *id = it_str(o, "id");
  ck_assert_uint_eq(strlen(id), 36);
  ck_assert(json_is_string(it_get(o, "number")) || json_is_integer(it_get(o, "number")));
  IT_JSTR(o, "status", "released");
  ck_assert_ptr_nonnull(it_str(o, "created_at"));
  IT_JINT(o, "version", 1);
  ck_assert(it_str(o, "tracking_token") && strlen(it_str(o, "tracking_token")) >= 16);
  ck_assert(json_is_array(it_get(o, "holds")) && json_array_size(it_get(o, "holds")) == 0);
  /* lines: the request's fields plus their state */
  ck_assert_uint_eq(json_array_size(it_get(o, "lines")), 2);
  IT_JSTR(o, "lines[0].sku", "A");
  IT_JINT(o, "lines[0].quantity", 2);
  IT_JINT(o, "lines[0].unit_price", 1999);
  IT_JSTR(o, "lines[0].fulfillment", "ship");
  IT_JSTR(o, "lines[0].status", "released");
  IT_JINT(o, "lines[0].allocated", 2);
  IT_JINT(o, "lines[0].shipped", 0);
  IT_JINT(o, "lines[0].returned", 0);
  ck_assert_ptr_nonnull(it_str(o, "lines[0].promise_date"));
  IT_JSTR(o, "lines[1].sku", "B");
  IT_JINT(o, "lines[1].unit_price", 2500); /* the catalog price when none is given */
  IT_JSTR(o, "lines[1].fulfillment", "ship");
  IT_JSTR(o, "lines[1].status", "released");
  IT_JINT(o, "lines[1].allocated", 1);
  IT_JINT(o, "lines[1].shipped", 0);
  IT_JINT(o, "lines[1].returned", 0);
  ck_assert_ptr_nonnull(it_str(o, "lines[1].promise_date"));
  /* one fulfillment per source: A from WH1, B from WH2 */
  ck_assert_uint_eq(json_array_size(it_get(o, "fulfillments")), 2);
  for (int i = 0; i < 2; i++) {
    json_t *f = json_array_get(it_get(o, "fulfillments"), (size_t)i);
    ck_assert_uint_eq(strlen(it_str(f, "id")), 36);
    IT_JSTR(f, "source_type", "location");
    IT_JSTR(f, "status", "released");
    ck_assert_uint_eq(json_array_size(it_get(f, "lines")), 1);
    IT_JSTR(f, "lines[0].sku", i == 0 ? "A" : "B");
    IT_JINT(f, "lines[0].quantity", i == 0 ? 2 : 1);
  }
  IT_JSTR(o, "fulfillments[0].source", "WH1");
  IT_JSTR(o, "fulfillments[1].source", "WH2");
  /* the routing decision and its explanation */
  IT_JSTR(o, "routing.rule", "default");
  IT_JSTR(o, "routing.rules_tried[0]", "default");
  ck_assert_uint_eq(json_array_size(it_get(o, "routing.plan")), 2);
  IT_JSTR(o, "routing.plan[0].source", "WH1");
  IT_JSTR(o, "routing.plan[0].source_type", "location");
  IT_JSTR(o, "routing.plan[0].lines[0].sku", "A");
  IT_JINT(o, "routing.plan[0].lines[0].quantity", 2);
  ck_assert(json_array_size(it_get(o, "routing.candidates")) >= 2);
  IT_JINT(o, "routing.candidates[0].available.A", 10);

  /* stored: reservations rose by the ordered units, one order, its lines
   * and fulfillments, and the creation event */
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 2);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "B"), 1);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 10);
  ck_assert_int_eq(rows(s.t.id, "orders"), 1);
  ck_assert_int_eq(rows(s.t.id, "order_lines"), 2);
  ck_assert_int_eq(rows(s.t.id, "fulfillments"), 2);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM fulfillment_lines"), 2);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT total FROM orders WHERE id = '%s'", id), 2 * 1999 + 2500);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM events WHERE type = 'order.created'"
                                      " AND order_id = '%s' AND actor = '%s'", id, s.t.key_id), 1);
  ck_assert_int_eq(rows(s.t.id, "exceptions"), 0);

  /* GET gives the same order */
  char path[96];
  snprintf(path, sizeof path, "/v1/orders/%s", id);
  struct it_resp g = it_req("GET", path, s.ops, NULL);
  IT_STATUS(g, 200);
  IT_JSTR(g.json, "id", id);
  IT_JSTR(g.json, "status", "released");
  IT_JSTR(g.json, "tracking_token", it_str(o, "tracking_token"));
  IT_JSTR(g.json, "customer.email", "ann@example.com");
  IT_JINT(g.json, "payment.amount", 6498);
  ck_assert_uint_eq(json_array_size(it_get(g.json, "fulfillments")), 2);
  IT_JSTR(g.json, "routing.rule", "default");
  it_resp_free(&g);
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", "/v1/orders/00000000-0000-4000-8000-000000000000",
                    s.t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", "/v1/orders/not-a-uuid", s.t.key, NULL);
}
END_TEST

START_TEST(minimal_order_takes_defaults)
{
  struct shop s;
  shop_new(&s, "ordmin");
  struct it_resp r = order_new(s.ops, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  IT_JSTR(r.json, "currency", "USD"); /* the channel's */
  IT_JSTR(r.json, "ship_method", "standard");
  IT_JBOOL(r.json, "ship_complete", false);
  IT_JNULL(r.json, "external_id");
  IT_JNULL(r.json, "customer");
  IT_JNULL(r.json, "shipping_address");
  IT_JNULL(r.json, "payment");
  IT_JINT(r.json, "lines[0].unit_price", 1000);
  IT_JSTR(r.json, "lines[0].fulfillment", "ship");
  IT_JSTR(r.json, "status", "released");
  it_resp_free(&r);
  /* orders without an external id never collide */
  r = order_new(s.ops, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  it_resp_free(&r);
  ck_assert_int_eq(rows(s.t.id, "orders"), 2);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 2);
}
END_TEST

START_TEST(duplicate_external_id_is_409)
{
  struct shop s;
  shop_new(&s, "orddup");
  it_put_created(s.t.key, "/v1/channels/pos", "{\"name\":\"Point of sale\"}");
  struct it_resp r = order_new(s.t.key, full_order);
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  it_resp_free(&r);

  r = it_req("POST", "/v1/orders", s.t.key, full_order);
  IT_PROBLEM(r, 409, "duplicate_order", NULL);
  IT_JSTR(r.json, "order_id", id);
  it_resp_free(&r);
  /* a different body with the same (channel, external_id) too */
  r = it_req("POST", "/v1/orders", s.ops,
             "{\"channel\":\"web\",\"external_id\":\"1001\",\"lines\":[{\"sku\":\"B\",\"quantity\":1}]}");
  IT_PROBLEM(r, 409, "duplicate_order", NULL);
  IT_JSTR(r.json, "order_id", id);
  it_resp_free(&r);
  ck_assert_int_eq(rows(s.t.id, "orders"), 1);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 2);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "B"), 1);

  /* the same external id on another channel is another order */
  r = order_new(s.t.key,
                "{\"channel\":\"pos\",\"external_id\":\"1001\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  ck_assert_str_ne(it_str(r.json, "id"), id);
  it_resp_free(&r);
  ck_assert_int_eq(rows(s.t.id, "orders"), 2);

  /* another tenant may use it as well */
  struct shop s2;
  shop_new(&s2, "orddup2");
  r = order_new(s2.t.key, full_order);
  it_resp_free(&r);
  ck_assert_int_eq(rows(s2.t.id, "orders"), 1);
}
END_TEST

START_TEST(insufficient_inventory_writes_nothing)
{
  struct shop s;
  shop_new(&s, "ordshort");
  /* A: 10 on hand, 11 wanted; B fits */
  struct it_resp r = it_req("POST", "/v1/orders", s.t.key,
                            "{\"channel\":\"web\",\"external_id\":\"X1\",\"lines\":["
                            "{\"sku\":\"B\",\"quantity\":1},{\"sku\":\"A\",\"quantity\":11}]}");
  IT_PROBLEM(r, 409, "insufficient_inventory", "lines[1].quantity");
  ck_assert(!it_has_field(r.json, "lines[0].quantity"));
  it_resp_free(&r);
  /* both short: both named */
  r = it_req("POST", "/v1/orders", s.t.key,
             "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":11},{\"sku\":\"B\",\"quantity\":6}]}");
  IT_PROBLEM(r, 409, "insufficient_inventory", "lines[0].quantity");
  ck_assert(it_has_field(r.json, "lines[1].quantity"));
  it_resp_free(&r);
  /* the two lines of one sku share its stock */
  IT_EXPECT_PROBLEM(409, "insufficient_inventory", "lines[1].quantity", "POST", "/v1/orders",
                    s.t.key,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":6},{\"sku\":\"A\",\"quantity\":5}]}");
  /* safety stock counts: 10 on hand, safety 2, 9 wanted */
  IT_EXPECT_STATUS(200, "PUT", "/v1/channels/web", s.t.key, "{\"name\":\"Web\",\"safety_stock\":2}");
  IT_EXPECT_PROBLEM(409, "insufficient_inventory", "lines[0].quantity", "POST", "/v1/orders",
                    s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":9}]}");

  static const char *const tables[] = {"orders", "order_lines", "order_holds", "fulfillments",
                                       "fulfillment_lines", "purchase_orders", "events",
                                       "exceptions", "tracking_tokens"};
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    ck_assert_msg(rows(s.t.id, tables[i]) == 0, "%s has rows", tables[i]);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 0);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "B"), 0);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 10);
  /* the refused external id is still free */
  r = order_new(s.t.key, "{\"channel\":\"web\",\"external_id\":\"X1\",\"lines\":[{\"sku\":\"A\",\"quantity\":8}]}");
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 8);
}
END_TEST

START_TEST(backorder_rule_backorders_without_exception)
{
  struct shop s;
  shop_new(&s, "ordbo");
  it_put_created(s.t.key, "/v1/items/C", "{\"name\":\"Item C\",\"price\":700}");
  IT_EXPECT_STATUS(200, "PUT", "/v1/routing-rules", s.t.key, "[{\"name\":\"bo\",\"backorder\":true}]");

  /* nothing in stock anywhere: the whole order waits */
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"C\",\"quantity\":2}]}");
  IT_JSTR(r.json, "status", "backordered");
  IT_JSTR(r.json, "lines[0].status", "backordered");
  IT_JINT(r.json, "lines[0].allocated", 0);
  IT_JINT(r.json, "lines[0].backordered", 2);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 0);
  IT_JSTR(r.json, "routing.rule", "bo");
  it_resp_free(&r);

  /* stock for one line, not the other: the stock line is released */
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":3},"
                         "{\"sku\":\"C\",\"quantity\":1}]}");
  IT_JSTR(r.json, "status", "released");
  IT_JSTR(r.json, "lines[0].status", "released");
  IT_JSTR(r.json, "lines[1].status", "backordered");
  IT_JINT(r.json, "lines[1].backordered", 1);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 1);
  IT_JSTR(r.json, "fulfillments[0].source", "WH1");
  IT_JSTR(r.json, "fulfillments[0].status", "released");
  it_resp_free(&r);

  /* part of a line: 10 of 12 reserved, 2 waiting */
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":9}]}");
  IT_JINT(r.json, "lines[0].allocated", 7);
  IT_JINT(r.json, "lines[0].backordered", 2);
  IT_JSTR(r.json, "lines[0].status", "backordered");
  it_resp_free(&r);

  /* the rule asked for it: no exception */
  ck_assert_int_eq(rows(s.t.id, "exceptions"), 0);
  ck_assert_int_eq(rows(s.t.id, "orders"), 3);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 10);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT coalesce(sum(backordered), 0) FROM order_lines"), 5);
  r = it_req("GET", "/v1/exceptions", s.t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);

  /* a backordered order can be cancelled */
  char path[128];
  char *first = it_sql_str(s.t.id, "SELECT id FROM orders ORDER BY seq LIMIT 1");
  snprintf(path, sizeof path, "/v1/orders/%s/cancel", first);
  free(first);
  r = it_req("POST", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "cancelled");
  IT_JINT(r.json, "lines[0].backordered", 0);
  IT_JINT(r.json, "lines[0].cancelled", 2);
  it_resp_free(&r);
}
END_TEST

START_TEST(preorder_within_limit)
{
  struct shop s;
  shop_new(&s, "ordpre");
  it_put_created(s.t.key, "/v1/items/P",
                 "{\"name\":\"Pre\",\"price\":4000,\"preorder\":{\"enabled\":true,\"limit\":5,"
                 "\"release_date\":\"2027-01-15\"}}");
  /* the channel must take pre-orders */
  IT_EXPECT_PROBLEM(409, "insufficient_inventory", "lines[0].quantity", "POST", "/v1/orders",
                    s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"P\",\"quantity\":1}]}");
  IT_EXPECT_STATUS(200, "PUT", "/v1/channels/web", s.t.key, "{\"name\":\"Web\",\"preorders\":true}");

  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"P\",\"quantity\":3}]}");
  IT_JSTR(r.json, "status", "preordered");
  IT_JSTR(r.json, "lines[0].status", "preordered");
  IT_JSTR(r.json, "lines[0].promise_date", "2027-01-15");
  IT_JINT(r.json, "lines[0].allocated", 0);
  IT_JINT(r.json, "lines[0].preordered", 3);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 0);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT outstanding FROM preorder_counts"
                                      " WHERE sku = 'P' AND channel = '*'"), 3);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM order_lines WHERE sku = 'P'"
                                      " AND promise_date = DATE '2027-01-15'"), 1);

  /* 2 of the limit of 5 are left */
  IT_EXPECT_PROBLEM(409, "insufficient_inventory", "lines[0].quantity", "POST", "/v1/orders",
                    s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"P\",\"quantity\":3}]}");
  ck_assert_int_eq(rows(s.t.id, "orders"), 1);
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"P\",\"quantity\":2}]}");
  IT_JSTR(r.json, "lines[0].status", "preordered");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT outstanding FROM preorder_counts"
                                      " WHERE sku = 'P' AND channel = '*'"), 5);
  IT_EXPECT_PROBLEM(409, "insufficient_inventory", "lines[0].quantity", "POST", "/v1/orders",
                    s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"P\",\"quantity\":1}]}");
  ck_assert_int_eq(rows(s.t.id, "orders"), 2);

  /* a cancelled pre-order gives its units back to the limit */
  char path[128];
  char *first = it_sql_str(s.t.id, "SELECT id FROM orders ORDER BY seq LIMIT 1");
  snprintf(path, sizeof path, "/v1/orders/%s/cancel", first);
  free(first);
  r = it_req("POST", path, s.ops, "{\"lines\":[{\"line\":1,\"quantity\":2}]}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "preordered");
  IT_JINT(r.json, "lines[0].preordered", 1);
  IT_JINT(r.json, "lines[0].cancelled", 2);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT outstanding FROM preorder_counts"
                                      " WHERE sku = 'P' AND channel = '*'"), 3);
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"P\",\"quantity\":2}]}");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT outstanding FROM preorder_counts"
                                      " WHERE sku = 'P' AND channel = '*'"), 5);
}
END_TEST

START_TEST(ship_complete_with_a_preorder_line_waits)
{
  struct shop s;
  shop_new(&s, "ordcomplete");
  it_put_created(s.t.key, "/v1/items/P",
                 "{\"name\":\"Pre\",\"price\":4000,\"preorder\":{\"enabled\":true,\"limit\":50,"
                 "\"release_date\":\"2027-03-01\"}}");
  IT_EXPECT_STATUS(200, "PUT", "/v1/channels/web", s.t.key, "{\"name\":\"Web\",\"preorders\":true}");

  /* ship_complete: the stock line is reserved but not released */
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"ship_complete\":true,\"lines\":["
                                        "{\"sku\":\"A\",\"quantity\":2},{\"sku\":\"P\",\"quantity\":1}]}");
  IT_JBOOL(r.json, "ship_complete", true);
  IT_JSTR(r.json, "status", "preordered");
  IT_JSTR(r.json, "lines[0].status", "released");
  IT_JINT(r.json, "lines[0].allocated", 2);
  IT_JSTR(r.json, "lines[1].status", "preordered");
  IT_JSTR(r.json, "lines[1].promise_date", "2027-03-01");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 1);
  IT_JSTR(r.json, "fulfillments[0].source", "WH1");
  IT_JSTR(r.json, "fulfillments[0].status", "pending");
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 2);
  /* nothing for WH1 to work on */
  r = it_req("GET", "/v1/fulfillments?location=WH1&status=released", s.t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);
  /* a hold and its release do not send it either */
  char path[128];
  char *id = it_sql_str(s.t.id, "SELECT id FROM orders");
  snprintf(path, sizeof path, "/v1/orders/%s/hold", id);
  r = it_req("POST", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "on_hold");
  IT_JSTR(r.json, "fulfillments[0].status", "pending");
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/orders/%s/release", id);
  free(id);
  r = it_req("POST", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "preordered");
  IT_JSTR(r.json, "fulfillments[0].status", "pending");
  it_resp_free(&r);

  /* without ship_complete the stock line goes at once */
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1},"
                         "{\"sku\":\"P\",\"quantity\":1}]}");
  IT_JSTR(r.json, "status", "released");
  IT_JSTR(r.json, "lines[1].status", "preordered");
  IT_JSTR(r.json, "fulfillments[0].status", "released");
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 3);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT outstanding FROM preorder_counts"
                                      " WHERE sku = 'P' AND channel = '*'"), 2);
}
END_TEST

START_TEST(invalid_orders_write_nothing)
{
  static const struct it_case cases[] = {
      {NULL, "body", NULL},
      {"[]", "body", NULL},
      {"{", "body", NULL},
      {"{}", "channel", "lines"},
      {"{\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}", "channel", NULL},
      {"{\"channel\":\"web\"}", "lines", NULL},
      {"{\"channel\":\"web\",\"lines\":{}}", "lines", NULL},
      {"{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":0}]}", "lines[0].quantity", NULL},
      {"{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":-2}]}", "lines[0].quantity", NULL},
      {"{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1.5}]}", "lines[0].quantity", NULL},
      {"{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":\"2\"}]}", "lines[0].quantity", NULL},
      {"{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\"}]}", "lines[0].quantity", NULL},
      {"{\"channel\":\"web\",\"lines\":[{\"quantity\":1}]}", "lines[0].sku", NULL},
      {"{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1},{\"sku\":\"B\",\"quantity\":0}]}",
       "lines[1].quantity", NULL},
      {"{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1,\"unit_price\":-1}]}",
       "lines[0].unit_price", NULL},
      {"{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1,\"fulfillment\":\"pickup\"}]}",
       "lines[0].pickup_location", NULL},
      {"{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1,\"fulfillment\":\"drone\"}]}",
       "lines[0].fulfillment", NULL},
      {"{\"channel\":\"web\",\"ship_method\":\"overnight\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}",
       "ship_method", NULL},
      {"{\"channel\":\"web\",\"payment\":{\"status\":\"pending\"},\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}",
       "payment.status", NULL},
      {"{\"channel\":\"web\",\"currency\":\"usd\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}", "currency", NULL},
      {"{\"channel\":\"web\",\"ship_complete\":\"yes\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}",
       "ship_complete", NULL},
      {"{\"channel\":\"web\",\"customer\":{\"email\":\"nobody\"},\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}",
       "customer.email", NULL},
      {"{\"channel\":\"web\",\"shipping_address\":{\"country\":\"us\"},\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}",
       "shipping_address.country", NULL},
      {"{\"channel\":\"bad code\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}", "channel", NULL},
  };
  struct shop s;
  shop_new(&s, "ordbad");
  it_expect_400s(s.t.key, "POST", "/v1/orders", cases);

  /* objects that do not exist: 404 naming the field */
  IT_EXPECT_PROBLEM(404, "not_found", "lines[0].sku", "POST", "/v1/orders", s.t.key,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"NOPE\",\"quantity\":1}]}");
  IT_EXPECT_PROBLEM(404, "not_found", "lines[1].sku", "POST", "/v1/orders", s.t.key,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1},{\"sku\":\"NOPE\",\"quantity\":1}]}");
  IT_EXPECT_PROBLEM(404, "not_found", "channel", "POST", "/v1/orders", s.t.key,
                    "{\"channel\":\"nochannel\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  IT_EXPECT_PROBLEM(404, "not_found", "lines[0].pickup_location", "POST", "/v1/orders", s.t.key,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1,\"fulfillment\":\"pickup\","
                    "\"pickup_location\":\"STORE404\"}]}");
  /* another tenant's objects do not exist either */
  struct shop o;
  shop_new(&o, "ordbadother");
  it_put_created(o.t.key, "/v1/items/OTHER", "{\"name\":\"x\",\"price\":1}");
  IT_EXPECT_PROBLEM(404, "not_found", "lines[0].sku", "POST", "/v1/orders", s.t.key,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"OTHER\",\"quantity\":1}]}");

  static const char *const tables[] = {"orders", "order_lines", "fulfillments", "events",
                                       "exceptions", "tracking_tokens"};
  for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
    ck_assert_msg(rows(s.t.id, tables[i]) == 0, "%s has rows", tables[i]);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 0);
  /* no auth: 401 */
  IT_EXPECT_PROBLEM(401, "unauthorized", NULL, "POST", "/v1/orders", NULL,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  ck_assert_int_eq(rows(s.t.id, "orders"), 0);
}
END_TEST

START_TEST(idempotency_key_replays_the_order)
{
  struct shop s;
  shop_new(&s, "ordidem");
  const char *body = "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":2}]}";
  struct it_resp r1 = it_req("POST", "/v1/orders", s.t.key, body, "Idempotency-Key: order-42");
  IT_STATUS(r1, 201);
  ck_assert_str_eq(r1.replayed, "");
  struct it_resp r2 = it_req("POST", "/v1/orders", s.t.key, body, "Idempotency-Key: order-42");
  IT_STATUS(r2, 201);
  ck_assert_str_eq(r2.replayed, "true");
  IT_JSTR(r2.json, "id", it_str(r1.json, "id"));
  IT_JSTR(r2.json, "tracking_token", it_str(r1.json, "tracking_token"));
  ck_assert(json_equal(r1.json, r2.json));
  it_resp_free(&r1);
  it_resp_free(&r2);
  ck_assert_int_eq(rows(s.t.id, "orders"), 1);
  ck_assert_int_eq(rows(s.t.id, "events"), 2); /* order.created, fulfillment.created: once */
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 2);
  /* the same key with another body */
  IT_EXPECT_PROBLEM(422, "idempotency_key_reused", NULL, "POST", "/v1/orders", s.t.key,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":3}]}",
                    "Idempotency-Key: order-42");
  /* a refused order keeps no key: it can be retried once stock arrives */
  const char *big = "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":12}]}";
  IT_EXPECT_PROBLEM(409, "insufficient_inventory", "lines[0].quantity", "POST", "/v1/orders",
                    s.t.key, big, "Idempotency-Key: order-43");
  stock_set(s.t.key, "WH1", "A", 20);
  struct it_resp r3 = it_req("POST", "/v1/orders", s.t.key, big, "Idempotency-Key: order-43");
  IT_STATUS(r3, 201);
  ck_assert_str_eq(r3.replayed, "");
  it_resp_free(&r3);
  ck_assert_int_eq(rows(s.t.id, "orders"), 2);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 14);
}
END_TEST

START_TEST(storefront_sees_only_its_own_orders)
{
  struct shop s;
  char sf1[80], sf1_id[37], sf2[80], path[128];
  shop_new(&s, "ordsf");
  it_key_new(&s.t, "storefront", sf1, sf1_id);
  it_key_new(&s.t, "storefront", sf2, NULL);
  struct it_resp r = order_new(sf1, "{\"channel\":\"web\",\"external_id\":\"SF-1\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  it_resp_free(&r);
  r = order_new(s.ops, "{\"channel\":\"web\",\"external_id\":\"OPS-1\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  char ops_order[37];
  snprintf(ops_order, sizeof ops_order, "%s", it_str(r.json, "id"));
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM orders WHERE id = '%s'"
                                      " AND created_by = '%s'", id, sf1_id), 1);

  /* its own: in the list and by id */
  r = it_req("GET", "/v1/orders", sf1, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].id", id);
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/orders/%s", id);
  IT_EXPECT_STATUS(200, "GET", path, sf1, NULL);
  snprintf(path, sizeof path, "/v1/orders/%s/events", id);
  IT_EXPECT_STATUS(200, "GET", path, sf1, NULL);
  /* not the ops key's order */
  snprintf(path, sizeof path, "/v1/orders/%s", ops_order);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", path, sf1, NULL);

  /* another storefront key: 404 and an empty list */
  snprintf(path, sizeof path, "/v1/orders/%s", id);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", path, sf2, NULL);
  snprintf(path, sizeof path, "/v1/orders/%s/events", id);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", path, sf2, NULL);
  r = it_req("GET", "/v1/orders", sf2, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  IT_JNULL(r.json, "next_cursor");
  it_resp_free(&r);

  /* ops and admin see the tenant's */
  r = it_req("GET", "/v1/orders", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 2);
  it_resp_free(&r);
  r = it_req("GET", "/v1/orders", s.t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 2);
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/orders/%s", id);
  IT_EXPECT_STATUS(200, "GET", path, s.ops, NULL);

  /* staff actions are not for storefronts */
  static const char *const actions[] = {"hold", "release", "cancel", "reroute"};
  for (size_t i = 0; i < 4; i++) {
    snprintf(path, sizeof path, "/v1/orders/%s/%s", id, actions[i]);
    IT_EXPECT_PROBLEM(403, "forbidden", NULL, "POST", path, sf1, "{}");
  }
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/fulfillments", sf1, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/exceptions", sf1, NULL);
  ck_assert_int_eq(rows(s.t.id, "order_holds"), 0);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM orders WHERE status = 'released'"), 2);

  /* another tenant sees none of it */
  struct shop o;
  shop_new(&o, "ordsfother");
  snprintf(path, sizeof path, "/v1/orders/%s", id);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", path, o.t.key, NULL);
  snprintf(path, sizeof path, "/v1/orders/%s/hold", id);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "POST", path, o.t.key, "{}");
  r = it_req("GET", "/v1/orders", o.t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);
}
END_TEST

START_TEST(list_filters_and_pages)
{
  struct shop s;
  char ids[3][37], created[3][40], path[160];
  shop_new(&s, "ordlist");
  it_put_created(s.t.key, "/v1/channels/pos", "{\"name\":\"POS\"}");
  static const char *const bodies[] = {
      "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}",
      "{\"channel\":\"pos\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}",
      "{\"channel\":\"web\",\"lines\":[{\"sku\":\"B\",\"quantity\":1}]}",
  };
  for (int i = 0; i < 3; i++) {
    struct it_resp r = order_new(s.t.key, bodies[i]);
    snprintf(ids[i], sizeof ids[i], "%s", it_str(r.json, "id"));
    snprintf(created[i], sizeof created[i], "%s", it_str(r.json, "created_at"));
    it_resp_free(&r);
  }
  snprintf(path, sizeof path, "/v1/orders/%s/hold", ids[2]);
  IT_EXPECT_STATUS(200, "POST", path, s.t.key, "{\"reason\":\"fraud check\"}");

  const char *const want[] = {ids[0], ids[1], ids[2]};
  it_walk_pages(s.t.key, "/v1/orders", "id", want, 3);

  struct {
    const char *query;
    int n;
    const char *first;
  } filters[] = {
      {"status=on_hold", 1, ids[2]},
      {"status=released", 2, ids[0]},
      {"status=shipped", 0, NULL},
      {"channel=pos", 1, ids[1]},
      {"channel=web", 2, ids[0]},
      {"channel=web&status=released", 1, ids[0]},
      {"channel=nochannel", 0, NULL},
      {"created_after=2000-01-01T00:00:00Z", 3, ids[0]},
      {"created_after=2999-01-01T00:00:00Z", 0, NULL},
  };
  for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
    snprintf(path, sizeof path, "/v1/orders?%s", filters[i].query);
    struct it_resp r = it_req("GET", path, s.ops, NULL);
    IT_STATUS(r, 200);
    ck_assert_msg(json_array_size(it_get(r.json, "data")) == (size_t)filters[i].n,
                  "%s: %zu orders, expected %d", filters[i].query,
                  json_array_size(it_get(r.json, "data")), filters[i].n);
    if (filters[i].first)
      IT_JSTR(r.json, "data[0].id", filters[i].first);
    it_resp_free(&r);
  }
  /* created_after is inclusive: from the second order's creation on */
  snprintf(path, sizeof path, "/v1/orders?created_after=%s", created[1]);
  struct it_resp r = it_req("GET", path, s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 2);
  IT_JSTR(r.json, "data[0].id", ids[1]);
  it_resp_free(&r);
  /* filters and the cursor together */
  r = it_req("GET", "/v1/orders?channel=web&limit=1", s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "data[0].id", ids[0]);
  ck_assert_ptr_nonnull(it_str(r.json, "next_cursor"));
  snprintf(path, sizeof path, "/v1/orders?channel=web&limit=1&after=%s", it_str(r.json, "next_cursor"));
  it_resp_free(&r);
  r = it_req("GET", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "data[0].id", ids[2]);
  it_resp_free(&r);

  IT_EXPECT_PROBLEM(400, "validation_failed", "status", "GET", "/v1/orders?status=lost", s.ops, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "created_after", "GET",
                    "/v1/orders?created_after=yesterday", s.ops, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "channel", "GET", "/v1/orders?channel=a%20b", s.ops, NULL);
}
END_TEST

/* The types and (previous_status -> status) of an order's events, as
 * "type:prev>status" strings joined with spaces (fulfillment events as
 * "fulfillment.x:source>status"). */
static void timeline(const char *key, const char *id, char *out, size_t n, const char *actor)
{
  char path[128];
  size_t o = 0;
  snprintf(path, sizeof path, "/v1/orders/%s/events?limit=500", id);
  struct it_resp r = it_req("GET", path, key, NULL);
  IT_STATUS(r, 200);
  size_t i;
  json_t *e;
  out[0] = '\0';
  json_array_foreach(it_get(r.json, "data"), i, e)
  {
    const char *type = it_str(e, "type");
    ck_assert_ptr_nonnull(it_str(e, "created_at"));
    ck_assert_ptr_nonnull(it_str(e, "id"));
    if (actor)
      ck_assert_msg(it_str(e, "actor") && strcmp(it_str(e, "actor"), actor) == 0,
                    "event %s by %s, expected %s", type, it_str(e, "actor"), actor);
    if (strncmp(type, "order.", 6) == 0) {
      IT_JSTR(e, "data.order_id", id);
      const char *prev = it_str(e, "data.previous_status");
      o += (size_t)snprintf(out + o, n - o, "%s%s:%s>%s", o ? " " : "", type, prev ? prev : "-",
                            it_str(e, "data.status"));
    } else if (strncmp(type, "fulfillment.", 12) == 0) {
      o += (size_t)snprintf(out + o, n - o, "%s%s:%s>%s", o ? " " : "", type,
                            it_str(e, "data.source"), it_str(e, "data.status"));
    } else {
      o += (size_t)snprintf(out + o, n - o, "%s%s", o ? " " : "", type);
    }
  }
  it_resp_free(&r);
}

START_TEST(events_are_the_timeline)
{
  struct shop s;
  char path[128], tl[2048];
  shop_new(&s, "ordevents");
  struct it_resp r = order_new(s.ops, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  it_resp_free(&r);
  timeline(s.ops, id, tl, sizeof tl, s.ops_id);
  ck_assert_str_eq(tl, "order.created:->released fulfillment.created:WH1>released");

  snprintf(path, sizeof path, "/v1/orders/%s/hold", id);
  IT_EXPECT_STATUS(200, "POST", path, s.ops, "{\"reason\":\"call the customer\"}");
  snprintf(path, sizeof path, "/v1/orders/%s/release", id);
  IT_EXPECT_STATUS(200, "POST", path, s.ops, NULL);
  snprintf(path, sizeof path, "/v1/orders/%s/cancel", id);
  IT_EXPECT_STATUS(200, "POST", path, s.ops, "{\"reason\":\"customer asked\"}");
  timeline(s.ops, id, tl, sizeof tl, s.ops_id);
  ck_assert_str_eq(tl, "order.created:->released fulfillment.created:WH1>released"
                       " exception.opened fulfillment.status_changed:WH1>pending"
                       " order.status_changed:released>on_hold"
                       " fulfillment.status_changed:WH1>released"
                       " order.status_changed:on_hold>released"
                       " fulfillment.status_changed:WH1>cancelled"
                       " order.status_changed:released>cancelled");
  /* the cancel's reason is on its event */
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM events WHERE order_id = '%s'"
                                      " AND type = 'order.status_changed' AND data->>'status' = 'cancelled'"
                                      " AND data->>'reason' = 'customer asked'", id), 1);
  /* the admin key's actions are the admin key's */
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  it_resp_free(&r);
  timeline(s.t.key, id, tl, sizeof tl, s.t.key_id);
  /* paging over the timeline */
  snprintf(path, sizeof path, "/v1/orders/%s/events?limit=1", id);
  r = it_req("GET", path, s.t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].type", "order.created");
  ck_assert_ptr_nonnull(it_str(r.json, "next_cursor"));
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/orders/%s/events?limit=0", id);
  IT_EXPECT_PROBLEM(400, "validation_failed", "limit", "GET", path, s.t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET",
                    "/v1/orders/00000000-0000-4000-8000-000000000000/events", s.t.key, NULL);
}
END_TEST

START_TEST(tracking_shows_only_customer_safe_fields)
{
  struct shop s;
  char path[160], fid[37], fid2[37];
  shop_new(&s, "ordtrack");
  struct it_resp r = order_new(s.t.key, full_order);
  char id[37], token[80], number[32];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  snprintf(token, sizeof token, "%s", it_str(r.json, "tracking_token"));
  snprintf(number, sizeof number, "%s", it_str(r.json, "number") ? it_str(r.json, "number") : "");
  fid_at(r.json, "WH1", fid);
  fid_at(r.json, "WH2", fid2);
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/fulfillments/%s/ship", fid);
  IT_EXPECT_STATUS(200, "POST", path, s.t.key, "{\"carrier\":\"UPS\",\"tracking_number\":\"1Z999AA10123456784\"}");

  snprintf(path, sizeof path, "/v1/track/%s", token);
  r = it_req("GET", path, NULL, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "partially_shipped");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 2);
  IT_JSTR(r.json, "fulfillments[0].status", "shipped");
  IT_JSTR(r.json, "fulfillments[0].carrier", "UPS");
  IT_JSTR(r.json, "fulfillments[0].tracking_number", "1Z999AA10123456784");
  IT_JSTR(r.json, "fulfillments[0].lines[0].sku", "A");
  IT_JINT(r.json, "fulfillments[0].lines[0].quantity", 2);
  IT_JSTR(r.json, "fulfillments[1].status", "released");
  IT_JSTR(r.json, "lines[0].sku", "A");
  IT_JSTR(r.json, "lines[0].status", "shipped");
  IT_JSTR(r.json, "lines[1].status", "released");
  /* nothing that identifies or prices */
  static const char *const secret[] = {"ann@example.com", "example.com", "1 Main Street",
                                       "New York", "\"Ann\"", "postal_code", "unit_price",
                                       "price", "total", "payment", "amount", "tracking_token",
                                       "customer", "shipping_address", "order_id", "\"id\"",
                                       "tenant", "created_by", "actor"};
  for (size_t i = 0; i < sizeof secret / sizeof secret[0]; i++)
    ck_assert_msg(!it_contains(r.body, secret[i]), "tracking view shows %s: %s", secret[i], r.body);
  ck_assert_msg(!it_contains(r.body, id), "tracking view shows the order id");
  ck_assert_msg(!it_contains(r.body, fid) && !it_contains(r.body, fid2),
                "tracking view shows fulfillment ids");
  ck_assert_msg(!it_contains(r.body, s.t.id), "tracking view shows the tenant id");
  ck_assert_msg(!it_contains(r.body, s.t.key_id), "tracking view shows the key id");
  it_resp_free(&r);
  /* a key changes nothing */
  r = it_req("GET", path, s.t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert(!it_contains(r.body, "ann@example.com"));
  it_resp_free(&r);

  IT_EXPECT_PROBLEM(404, "not_found", "tracking_token", "GET", "/v1/track/no-such-token", NULL, NULL);
  /* the token is the secret: a truncated one is unknown */
  char half[80];
  snprintf(half, sizeof half, "/v1/track/%.*s", (int)(strlen(token) / 2), token);
  IT_EXPECT_PROBLEM(404, "not_found", "tracking_token", "GET", half, NULL, NULL);
  /* the order id is not a token */
  snprintf(path, sizeof path, "/v1/track/%s", id);
  IT_EXPECT_PROBLEM(404, "not_found", "tracking_token", "GET", path, NULL, NULL);
}
END_TEST

START_TEST(hold_and_release)
{
  struct shop s;
  char path[128];
  shop_new(&s, "ordhold");
  struct it_resp r = order_new(s.t.key, full_order);
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  it_resp_free(&r);

  snprintf(path, sizeof path, "/v1/orders/%s/hold", id);
  r = it_req("POST", path, s.ops, "{\"reason\":\"address check\"}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "on_hold");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "holds")), 1);
  IT_JSTR(r.json, "holds[0].reason", "address check");
  IT_JSTR(r.json, "fulfillments[0].status", "pending");
  IT_JSTR(r.json, "fulfillments[1].status", "pending");
  IT_JSTR(r.json, "lines[0].status", "on_hold");
  IT_JINT(r.json, "version", 2);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM order_holds WHERE order_id = '%s'"
                                      " AND released_at IS NULL", id), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE order_id = '%s'"
                                      " AND kind = 'order_hold' AND status = 'open'", id), 1);
  r = it_req("GET", "/v1/exceptions?kind=order_hold&status=open", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].order_id", id);
  IT_JSTR(r.json, "data[0].status", "open");
  it_resp_free(&r);
  /* reservations stay; nothing for the warehouses to do */
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 2);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "B"), 1);
  r = it_req("GET", "/v1/fulfillments?location=WH1&status=released", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);

  /* a second hold: 409, nothing changes */
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops, "{\"reason\":\"again\"}");
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM order_holds"), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT version FROM orders WHERE id = '%s'", id), 2);
  IT_EXPECT_PROBLEM(400, "validation_failed", "reason", "POST", path, s.ops, "{\"reason\":5}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "body", "POST", path, s.ops, "[1]");

  snprintf(path, sizeof path, "/v1/orders/%s/release", id);
  r = it_req("POST", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "released");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "holds")), 0);
  IT_JSTR(r.json, "fulfillments[0].status", "released");
  IT_JSTR(r.json, "fulfillments[1].status", "released");
  IT_JSTR(r.json, "lines[0].status", "released");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE order_id = '%s'"
                                      " AND kind = 'order_hold' AND status = 'resolved'"
                                      " AND resolved_at IS NOT NULL", id), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM order_holds WHERE released_at IS NOT NULL"
                                      " AND released_by = '%s'", s.ops_id), 1);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 2);
  r = it_req("GET", "/v1/fulfillments?location=WH1&status=released", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  it_resp_free(&r);

  /* releasing a released order: 409 */
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops, NULL);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT version FROM orders WHERE id = '%s'", id), 3);
  /* unknown order: 404 */
  IT_EXPECT_PROBLEM(404, "not_found", "id", "POST", "/v1/orders/00000000-0000-4000-8000-000000000000/hold",
                    s.ops, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "POST", "/v1/orders/nope/release", s.ops, NULL);

  /* a cancelled order cannot be held */
  snprintf(path, sizeof path, "/v1/orders/%s/cancel", id);
  IT_EXPECT_STATUS(200, "POST", path, s.ops, NULL);
  snprintf(path, sizeof path, "/v1/orders/%s/hold", id);
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops, NULL);
}
END_TEST

START_TEST(cancel_lines_then_whole)
{
  struct shop s;
  char path[128];
  shop_new(&s, "ordcancel");
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":3},"
                                        "{\"sku\":\"B\",\"quantity\":2}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 3);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "B"), 2);
  snprintf(path, sizeof path, "/v1/orders/%s/cancel", id);

  /* refusals change nothing */
  IT_EXPECT_PROBLEM(404, "not_found", "lines[0].line", "POST", path, s.ops,
                    "{\"lines\":[{\"line\":3,\"quantity\":1}]}");
  IT_EXPECT_PROBLEM(409, "invalid_state", "lines[0].quantity", "POST", path, s.ops,
                    "{\"lines\":[{\"line\":1,\"quantity\":4}]}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "lines[0].quantity", "POST", path, s.ops,
                    "{\"lines\":[{\"line\":1,\"quantity\":0}]}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "lines[0].line", "POST", path, s.ops,
                    "{\"lines\":[{\"quantity\":1}]}");
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 3);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT version FROM orders"), 1);

  /* one unit of line 1 */
  r = it_req("POST", path, s.ops, "{\"reason\":\"changed mind\",\"lines\":[{\"line\":1,\"quantity\":1}]}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "released");
  IT_JINT(r.json, "lines[0].cancelled", 1);
  IT_JINT(r.json, "lines[0].allocated", 2);
  IT_JSTR(r.json, "lines[0].status", "released");
  IT_JINT(r.json, "fulfillments[0].lines[0].cancelled", 1);
  IT_JSTR(r.json, "fulfillments[0].status", "released");
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 2);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 10);

  /* all of line 2 (no quantity: what is left of it) */
  r = it_req("POST", path, s.ops, "{\"lines\":[{\"line\":2}]}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "released");
  IT_JSTR(r.json, "lines[1].status", "cancelled");
  IT_JINT(r.json, "lines[1].cancelled", 2);
  IT_JSTR(r.json, "fulfillments[1].source", "WH2");
  IT_JSTR(r.json, "fulfillments[1].status", "cancelled");
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "B"), 0);
  IT_EXPECT_PROBLEM(409, "invalid_state", "lines[0].quantity", "POST", path, s.ops,
                    "{\"lines\":[{\"line\":2,\"quantity\":1}]}");

  /* the whole order */
  r = it_req("POST", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "cancelled");
  IT_JSTR(r.json, "lines[0].status", "cancelled");
  IT_JINT(r.json, "lines[0].cancelled", 3);
  IT_JINT(r.json, "lines[0].allocated", 0);
  IT_JSTR(r.json, "fulfillments[0].status", "cancelled");
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 0);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "B"), 0);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM orders WHERE status = 'cancelled'"), 1);
  /* again: nothing left to cancel */
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops, NULL);
  /* the freed units sell again */
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":10},"
                         "{\"sku\":\"B\",\"quantity\":5}]}");
  it_resp_free(&r);
}
END_TEST

START_TEST(cancel_of_a_shipped_line_is_409)
{
  struct shop s;
  char path[128], wh1[37];
  shop_new(&s, "ordcancelship");
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":2},"
                                        "{\"sku\":\"B\",\"quantity\":1}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  fid_at(r.json, "WH1", wh1);
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/fulfillments/%s/ship", wh1);
  IT_EXPECT_STATUS(200, "POST", path, s.ops, "{\"carrier\":\"UPS\",\"tracking_number\":\"1Z1\"}");

  snprintf(path, sizeof path, "/v1/orders/%s/cancel", id);
  IT_EXPECT_PROBLEM(409, "invalid_state", "lines[0].quantity", "POST", path, s.ops,
                    "{\"lines\":[{\"line\":1}]}");
  IT_EXPECT_PROBLEM(409, "invalid_state", "lines[0].quantity", "POST", path, s.ops,
                    "{\"lines\":[{\"line\":1,\"quantity\":1}]}");
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT cancelled FROM order_lines WHERE line = 1"), 0);
  /* the whole order: only what is not shipped */
  r = it_req("POST", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "lines[0].status", "shipped");
  IT_JSTR(r.json, "lines[1].status", "cancelled");
  IT_JSTR(r.json, "status", "shipped");
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "B"), 0);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 8);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 0);
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops, NULL);
  /* a shipped order cannot be held or re-routed either */
  snprintf(path, sizeof path, "/v1/orders/%s/hold", id);
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops, NULL);
  snprintf(path, sizeof path, "/v1/orders/%s/reroute", id);
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops, NULL);
}
END_TEST

START_TEST(reroute_moves_open_units)
{
  struct shop s;
  char path[128], wh1[37];
  shop_new(&s, "ordreroute");
  stock_set(s.t.key, "WH2", "A", 5);
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":2}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  fid_at(r.json, "WH1", wh1);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 2);

  /* WH1 falls behind WH2: a re-route moves the units */
  IT_EXPECT_STATUS(200, "PUT", "/v1/locations/WH1", s.t.key,
                   "{\"name\":\"East DC\",\"type\":\"warehouse\",\"priority\":50,\"lat\":40.7,\"lon\":-74.0}");
  snprintf(path, sizeof path, "/v1/orders/%s/reroute", id);
  r = it_req("POST", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "released");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 2);
  IT_JSTR(r.json, "fulfillments[0].source", "WH1");
  IT_JSTR(r.json, "fulfillments[0].status", "cancelled");
  IT_JSTR(r.json, "fulfillments[1].source", "WH2");
  IT_JSTR(r.json, "fulfillments[1].status", "released");
  IT_JINT(r.json, "fulfillments[1].lines[0].quantity", 2);
  IT_JINT(r.json, "lines[0].allocated", 2);
  IT_JSTR(r.json, "routing.plan[0].source", "WH2");
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 0);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "A"), 2);
  /* the old fulfillment cannot be worked on */
  snprintf(path, sizeof path, "/v1/fulfillments/%s/accept", wh1);
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops, NULL);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM events WHERE order_id = '%s'"
                                      " AND type = 'fulfillment.created'", id), 2);

  /* nothing anywhere: the units go to the exception queue */
  stock_set(s.t.key, "WH1", "A", 0);
  IT_EXPECT_STATUS(200, "PUT", "/v1/locations/WH2", s.t.key,
                   "{\"name\":\"West DC\",\"type\":\"warehouse\",\"active\":false}");
  snprintf(path, sizeof path, "/v1/orders/%s/reroute", id);
  r = it_req("POST", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "exception");
  IT_JSTR(r.json, "lines[0].status", "exception");
  IT_JINT(r.json, "lines[0].exception", 2);
  IT_JINT(r.json, "lines[0].allocated", 0);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "A"), 0);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE kind = 'unroutable'"
                                      " AND order_id = '%s' AND status = 'open'", id), 1);

  /* stock arrives: a re-route takes the units out of the exception */
  stock_set(s.t.key, "WH1", "A", 4);
  r = it_req("POST", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "released");
  IT_JINT(r.json, "lines[0].exception", 0);
  IT_JINT(r.json, "lines[0].allocated", 2);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 2);
  /* a cancelled order cannot be re-routed */
  snprintf(path, sizeof path, "/v1/orders/%s/cancel", id);
  IT_EXPECT_STATUS(200, "POST", path, s.ops, NULL);
  snprintf(path, sizeof path, "/v1/orders/%s/reroute", id);
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops, NULL);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 0);
}
END_TEST

/* The 201 of a capture is built from what was written; it must be exactly
 * what GET /v1/orders/{id} reads back, for every kind of order. */
static void reply_equals_read_(const char *file, int line, const char *key, const char *body)
{
  struct it_resp c = order_new_(file, line, key, body);
  char path[96];
  snprintf(path, sizeof path, "/v1/orders/%s", it_str(c.json, "id"));
  struct it_resp g = it_req("GET", path, key, NULL);
  it_assert_status_(file, line, &g, 200);
  if (!json_equal(c.json, g.json)) {
    char *a = json_dumps(c.json, JSON_SORT_KEYS), *b = json_dumps(g.json, JSON_SORT_KEYS);
    ck_abort_msg("%s:%d: capture reply differs from GET\n  POST %.1500s\n  GET  %.1500s", file,
                 line, a, b);
  }
  it_resp_free(&c);
  it_resp_free(&g);
}
#define reply_equals_read(key, body) reply_equals_read_(__FILE__, __LINE__, (key), (body))

START_TEST(capture_reply_equals_what_is_stored)
{
  struct shop s;
  shop_new(&s, "reply");
  const char *k = s.t.key;
  /* a ring-fence for this channel, a drop-ship supplier, a pre-order item,
   * a pickup store and an order rule that holds big orders */
  it_put_created(k, "/v1/locations/ST1",
                 "{\"name\":\"Store\",\"type\":\"store\",\"pickup\":true,\"lat\":40.75,\"lon\":-73.99}");
  stock_set(k, "ST1", "A", 3);
  it_put_created(k, "/v1/channels/web/ringfence/A", "{\"location\":\"WH1\",\"quantity\":2}");
  it_put_created(k, "/v1/items/D", "{\"name\":\"Drop\",\"price\":500,\"dropship\":true}");
  it_put_created(k, "/v1/items/P", "{\"name\":\"Pre\",\"price\":700,\"preorder\":{\"enabled\":true,"
                                   "\"limit\":10,\"release_date\":\"2027-02-01\"}}");
  struct it_resp r = it_req("PUT", "/v1/channels/web", k,
                            "{\"name\":\"Web store\",\"dropship\":true,\"preorders\":true}");
  ck_assert_int_eq(r.status, 200);
  it_resp_free(&r);
  it_put_created(k, "/v1/suppliers/S1", "{\"name\":\"Supplier\"}");
  it_put_created(k, "/v1/suppliers/S1/items/D", "{\"cost\":300,\"available\":5}");
  r = it_req("PUT", "/v1/order-rules", k,
             "[{\"name\":\"big\",\"when\":{\"total_gt\":100000},\"action\":\"hold\",\"reason\":\"review\"}]");
  ck_assert_int_eq(r.status, 200);
  it_resp_free(&r);

  reply_equals_read(k, full_order);
  reply_equals_read(k, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  reply_equals_read(k, "{\"channel\":\"web\",\"shipping_address\":{\"country\":\"US\",\"lat\":40.7,"
                       "\"lon\":-74.0},\"lines\":[{\"sku\":\"A\",\"quantity\":2},"
                       "{\"sku\":\"D\",\"quantity\":2},{\"sku\":\"P\",\"quantity\":3},"
                       "{\"sku\":\"A\",\"quantity\":1,\"fulfillment\":\"pickup\","
                       "\"pickup_location\":\"ST1\"}]}");
  reply_equals_read(k, "{\"channel\":\"web\",\"ship_complete\":true,\"lines\":["
                       "{\"sku\":\"B\",\"quantity\":1},{\"sku\":\"P\",\"quantity\":1}]}");
  reply_equals_read(k, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"B\",\"quantity\":1,"
                       "\"unit_price\":200000}]}"); /* held by the rule */
}
END_TEST

Suite *it_suite_orders(void)
{
  Suite *s = suite_create("orders");
  TCase *tc = tcase_create("orders");
  tcase_add_test(tc, create_echoes_the_request_and_reserves);
  tcase_add_test(tc, minimal_order_takes_defaults);
  tcase_add_test(tc, duplicate_external_id_is_409);
  tcase_add_test(tc, insufficient_inventory_writes_nothing);
  tcase_add_test(tc, backorder_rule_backorders_without_exception);
  tcase_add_test(tc, preorder_within_limit);
  tcase_add_test(tc, ship_complete_with_a_preorder_line_waits);
  tcase_add_test(tc, invalid_orders_write_nothing);
  tcase_add_test(tc, idempotency_key_replays_the_order);
  tcase_add_test(tc, storefront_sees_only_its_own_orders);
  tcase_add_test(tc, list_filters_and_pages);
  tcase_add_test(tc, events_are_the_timeline);
  tcase_add_test(tc, tracking_shows_only_customer_safe_fields);
  tcase_add_test(tc, hold_and_release);
  tcase_add_test(tc, cancel_lines_then_whole);
  tcase_add_test(tc, cancel_of_a_shipped_line_is_409);
  tcase_add_test(tc, reroute_moves_open_units);
  tcase_add_test(tc, capture_reply_equals_what_is_stored);
  suite_add_tcase(s, tc);
  return s;
}
