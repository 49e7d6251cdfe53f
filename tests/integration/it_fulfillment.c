/* it_fulfillment.c: what locations and suppliers do with what routing sent
 * them, as whole stories: a split order shipped from two warehouses, a
 * BOPIS order picked up at a store, a short pick re-routed to a store, a
 * drop-shipped line shipped by its supplier, and the last unit counted away
 * under an open order. Each checks statuses, on_hand and reserved in SQL,
 * the ledger and the events; then steps out of order, the work queues and
 * unknown ids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"

struct shop {
  struct it_tenant t;
  char ops[80], ops_id[37];
};

#define stock_set(key, loc, sku, n) it_stock_set((key), (loc), (sku), (n))

/* A tenant with items A (1000) and B (2500), warehouse WH1 (priority 1)
 * and the channel "web" (every location, drop-ship allowed). */
static void shop_new(struct shop *s, const char *prefix)
{
  it_tenant_new(&s->t, prefix);
  it_key_new(&s->t, "ops", s->ops, s->ops_id);
  const char *k = s->t.key;
  it_put_created(k, "/v1/items/A", "{\"name\":\"Item A\",\"price\":1000}");
  it_put_created(k, "/v1/items/B", "{\"name\":\"Item B\",\"price\":2500}");
  it_put_created(k, "/v1/locations/WH1", "{\"name\":\"East DC\",\"type\":\"warehouse\",\"priority\":1}");
  it_put_created(k, "/v1/channels/web", "{\"name\":\"Web\",\"dropship\":true}");
}

static struct it_resp order_new_(const char *file, int line, const char *key, const char *body)
{
  struct it_resp r = it_req("POST", "/v1/orders", key, body);
  it_assert_status_(file, line, &r, 201);
  return r;
}
#define order_new(key, body) order_new_(__FILE__, __LINE__, (key), (body))

static long long inv(const char *tenant, const char *col, const char *loc, const char *sku)
{
  return it_sql_int(tenant,
                    "SELECT coalesce(sum(%s), 0) FROM inventory WHERE location = '%s' AND sku = '%s'",
                    col, loc, sku);
}

/* The id of the n-th (0-based) fulfillment at source, copied to out. */
static const char *fid_nth(json_t *order, const char *source, int n, char out[37])
{
  size_t i;
  json_t *f;
  int seen = 0;
  out[0] = '\0';
  json_array_foreach(it_get(order, "fulfillments"), i, f)
  {
    if (strcmp(it_str(f, "source"), source) == 0 && seen++ == n) {
      snprintf(out, 37, "%s", it_str(f, "id"));
      break;
    }
  }
  ck_assert_msg(out[0], "no fulfillment %d at %s", n, source);
  return out;
}

/* Runs one fulfillment step that must succeed; returns the fulfillment. */
static struct it_resp step_(const char *file, int line, const char *key, const char *fid,
                            const char *step, const char *body)
{
  char path[128];
  snprintf(path, sizeof path, "/v1/fulfillments/%s/%s", fid, step);
  struct it_resp r = it_req("POST", path, key, body);
  it_assert_status_(file, line, &r, 200);
  ck_assert_msg(it_str(r.json, "id") && strcmp(it_str(r.json, "id"), fid) == 0,
                "%s:%d: step %s did not answer with the fulfillment: %s", file, line, step, r.body);
  return r;
}
#define step(key, fid, s, body) step_(__FILE__, __LINE__, (key), (fid), (s), (body))

/* A step that must be refused with 409 invalid_state. */
static void step_409_(const char *file, int line, const char *key, const char *fid,
                      const char *step, const char *body)
{
  char path[128];
  snprintf(path, sizeof path, "/v1/fulfillments/%s/%s", fid, step);
  struct it_resp r = it_req("POST", path, key, body);
  it_assert_problem_(file, line, &r, 409, "invalid_state", NULL);
  it_resp_free(&r);
}
#define step_409(key, fid, s, body) step_409_(__FILE__, __LINE__, (key), (fid), (s), (body))

static struct it_resp order_get_(const char *file, int line, const char *key, const char *id)
{
  char path[96];
  snprintf(path, sizeof path, "/v1/orders/%s", id);
  struct it_resp r = it_req("GET", path, key, NULL);
  it_assert_status_(file, line, &r, 200);
  return r;
}
#define order_get(key, id) order_get_(__FILE__, __LINE__, (key), (id))

/* The order's status by SQL. */
static char *order_status(const char *tenant, const char *id)
{
  return it_sql_str(tenant, "SELECT status FROM orders WHERE id = '%s'", id);
}
#define ORDER_STATUS_IS(tenant, id, want)                                                   \
  do {                                                                                      \
    char *st__ = order_status((tenant), (id));                                              \
    ck_assert_msg(st__ && strcmp(st__, (want)) == 0, "order status %s, expected %s",        \
                  st__ ? st__ : "(none)", (want));                                          \
    free(st__);                                                                             \
  } while (0)

static long long events_of(const char *tenant, const char *order_id, const char *type,
                           const char *status)
{
  return it_sql_int(tenant, "SELECT count(*) FROM events WHERE order_id = '%s' AND type = '%s'"
                            " AND data->>'status' = '%s'", order_id, type, status);
}

/* How many fulfillments a queue query lists. */
static size_t queue_len(const char *key, const char *query)
{
  char path[160];
  snprintf(path, sizeof path, "/v1/fulfillments?%s", query);
  struct it_resp r = it_req("GET", path, key, NULL);
  IT_STATUS(r, 200);
  size_t n = json_array_size(it_get(r.json, "data"));
  it_resp_free(&r);
  return n;
}

START_TEST(split_order_shipped_from_two_warehouses)
{
  struct shop s;
  char f1[37], f2[37];
  shop_new(&s, "fsplit");
  it_put_created(s.t.key, "/v1/locations/WH2", "{\"name\":\"West DC\",\"type\":\"warehouse\",\"priority\":2}");
  stock_set(s.t.key, "WH1", "A", 10);
  stock_set(s.t.key, "WH2", "B", 6);
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":2},"
                                        "{\"sku\":\"B\",\"quantity\":3}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  fid_nth(r.json, "WH1", 0, f1);
  fid_nth(r.json, "WH2", 0, f2);
  it_resp_free(&r);

  /* each warehouse sees its part */
  r = it_req("GET", "/v1/fulfillments?location=WH1&status=released", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].id", f1);
  IT_JSTR(r.json, "data[0].order_id", id);
  IT_JSTR(r.json, "data[0].lines[0].sku", "A");
  IT_JINT(r.json, "data[0].lines[0].quantity", 2);
  it_resp_free(&r);
  ck_assert_uint_eq(queue_len(s.ops, "location=WH2&status=released"), 1);

  /* WH1 accepts and ships everything */
  r = step(s.ops, f1, "accept", NULL);
  IT_JSTR(r.json, "status", "accepted");
  it_resp_free(&r);
  ck_assert_uint_eq(queue_len(s.ops, "location=WH1&status=released"), 0);
  ck_assert_uint_eq(queue_len(s.ops, "location=WH1&status=accepted"), 1);
  r = step(s.ops, f1, "ship", "{\"carrier\":\"UPS\",\"tracking_number\":\"1Z-EAST\"}");
  IT_JSTR(r.json, "status", "shipped");
  IT_JSTR(r.json, "carrier", "UPS");
  IT_JSTR(r.json, "tracking_number", "1Z-EAST");
  IT_JINT(r.json, "lines[0].shipped", 2);
  ck_assert_ptr_nonnull(it_str(r.json, "shipped_at"));
  it_resp_free(&r);
  ORDER_STATUS_IS(s.t.id, id, "partially_shipped");
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 8);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 0);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM inventory_ledger WHERE location = 'WH1'"
                                      " AND sku = 'A' AND reason = 'shipment' AND delta = -2"
                                      " AND on_hand_after = 8 AND reference = '%s'", f1), 1);
  r = it_req("GET", "/v1/inventory/A/ledger?location=WH1", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 2);
  IT_JSTR(r.json, "data[1].reason", "shipment");
  IT_JINT(r.json, "data[1].delta", -2);
  IT_JINT(r.json, "data[1].on_hand_after", 8);
  it_resp_free(&r);

  /* WH2 ships from released, in two parcels */
  r = step(s.ops, f2, "ship", "{\"carrier\":\"FedEx\",\"tracking_number\":\"FX-1\","
                              "\"lines\":[{\"sku\":\"B\",\"quantity\":1}]}");
  IT_JSTR(r.json, "status", "released");
  IT_JINT(r.json, "lines[0].shipped", 1);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH2", "B"), 5);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "B"), 2);
  r = order_get(s.ops, id);
  IT_JSTR(r.json, "status", "partially_shipped");
  IT_JSTR(r.json, "lines[0].status", "shipped");
  IT_JSTR(r.json, "lines[1].status", "partially_shipped");
  IT_JINT(r.json, "lines[1].shipped", 1);
  IT_JINT(r.json, "lines[1].allocated", 2);
  it_resp_free(&r);
  r = step(s.ops, f2, "ship", "{\"carrier\":\"FedEx\",\"tracking_number\":\"FX-2\"}");
  IT_JSTR(r.json, "status", "shipped");
  IT_JINT(r.json, "lines[0].shipped", 3);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH2", "B"), 3);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "B"), 0);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM inventory_ledger WHERE location = 'WH2'"
                                      " AND reason = 'shipment'"), 2);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT coalesce(sum(delta), 0) FROM inventory_ledger"
                                      " WHERE location = 'WH2' AND sku = 'B'"), 3);
  r = order_get(s.ops, id);
  IT_JSTR(r.json, "status", "shipped");
  IT_JSTR(r.json, "lines[1].status", "shipped");
  it_resp_free(&r);
  step_409(s.ops, f2, "ship", NULL);

  /* deliveries */
  r = step(s.ops, f1, "delivered", NULL);
  IT_JSTR(r.json, "status", "delivered");
  it_resp_free(&r);
  ORDER_STATUS_IS(s.t.id, id, "shipped");
  r = step(s.ops, f2, "delivered", NULL);
  it_resp_free(&r);
  r = order_get(s.ops, id);
  IT_JSTR(r.json, "status", "delivered");
  IT_JSTR(r.json, "lines[0].status", "delivered");
  IT_JSTR(r.json, "lines[1].status", "delivered");
  it_resp_free(&r);
  step_409(s.ops, f1, "delivered", NULL);

  /* every step is an event */
  ck_assert_int_eq(events_of(s.t.id, id, "order.status_changed", "partially_shipped"), 1);
  ck_assert_int_eq(events_of(s.t.id, id, "order.status_changed", "shipped"), 1);
  ck_assert_int_eq(events_of(s.t.id, id, "order.status_changed", "delivered"), 1);
  ck_assert_int_eq(events_of(s.t.id, id, "fulfillment.status_changed", "accepted"), 1);
  ck_assert_int_eq(events_of(s.t.id, id, "fulfillment.status_changed", "shipped"), 2);
  ck_assert_int_eq(events_of(s.t.id, id, "fulfillment.status_changed", "delivered"), 2);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM events WHERE order_id = '%s'"
                                      " AND actor <> '%s'", id, s.ops_id), 3); /* the creation's */
  /* the customer sees both parcels */
  char *token = it_sql_str(s.t.id, "SELECT tracking_token FROM orders WHERE id = '%s'", id);
  char path[128];
  snprintf(path, sizeof path, "/v1/track/%s", token);
  free(token);
  r = it_req("GET", path, NULL, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "delivered");
  IT_JSTR(r.json, "fulfillments[0].tracking_number", "1Z-EAST");
  IT_JSTR(r.json, "fulfillments[1].carrier", "FedEx");
  IT_JSTR(r.json, "fulfillments[1].tracking_number", "FX-2");
  it_resp_free(&r);
}
END_TEST

START_TEST(bopis_order_picked_up_at_a_store)
{
  struct shop s;
  char f[37], fw[37];
  shop_new(&s, "fbopis");
  it_put_created(s.t.key, "/v1/locations/STORE5",
                 "{\"name\":\"Store 5\",\"type\":\"store\",\"priority\":5,\"pickup\":true,\"ship\":false}");
  stock_set(s.t.key, "WH1", "A", 5);
  stock_set(s.t.key, "WH1", "B", 5);
  stock_set(s.t.key, "STORE5", "A", 3);
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":2,"
                                        "\"fulfillment\":\"pickup\",\"pickup_location\":\"STORE5\"}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  IT_JSTR(r.json, "lines[0].fulfillment", "pickup");
  IT_JSTR(r.json, "lines[0].pickup_location", "STORE5");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 1);
  IT_JSTR(r.json, "fulfillments[0].source", "STORE5"); /* not WH1, though it ranks first */
  IT_JSTR(r.json, "fulfillments[0].fulfillment", "pickup");
  fid_nth(r.json, "STORE5", 0, f);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "STORE5", "A"), 2);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 0);

  /* a pickup is not shipped, and not picked up before it is ready */
  step_409(s.ops, f, "ship", "{\"carrier\":\"UPS\",\"tracking_number\":\"1Z\"}");
  step_409(s.ops, f, "picked_up", NULL);
  step_409(s.ops, f, "delivered", NULL);
  r = step(s.ops, f, "ready_for_pickup", NULL);
  IT_JSTR(r.json, "status", "ready_for_pickup");
  it_resp_free(&r);
  step_409(s.ops, f, "ready_for_pickup", NULL);
  step_409(s.ops, f, "accept", NULL);
  ck_assert_uint_eq(queue_len(s.ops, "location=STORE5&status=ready_for_pickup"), 1);
  ORDER_STATUS_IS(s.t.id, id, "released");
  ck_assert_int_eq(inv(s.t.id, "on_hand", "STORE5", "A"), 3);

  r = step(s.ops, f, "picked_up", NULL);
  IT_JSTR(r.json, "status", "picked_up");
  IT_JINT(r.json, "lines[0].shipped", 2);
  it_resp_free(&r);
  r = order_get(s.ops, id);
  IT_JSTR(r.json, "status", "completed");
  IT_JSTR(r.json, "lines[0].status", "completed");
  IT_JINT(r.json, "lines[0].shipped", 2);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "STORE5", "A"), 1);
  ck_assert_int_eq(inv(s.t.id, "reserved", "STORE5", "A"), 0);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM inventory_ledger WHERE location = 'STORE5'"
                                      " AND sku = 'A' AND reason = 'pickup' AND delta = -2"
                                      " AND on_hand_after = 1 AND reference = '%s'", f), 1);
  step_409(s.ops, f, "picked_up", NULL);
  step_409(s.ops, f, "delivered", NULL);
  step_409(s.ops, f, "reject", "{\"reason\":\"damaged\"}");
  ck_assert_int_eq(events_of(s.t.id, id, "fulfillment.status_changed", "ready_for_pickup"), 1);
  ck_assert_int_eq(events_of(s.t.id, id, "fulfillment.status_changed", "picked_up"), 1);
  ck_assert_int_eq(events_of(s.t.id, id, "order.status_changed", "completed"), 1);

  /* a ship-to-home fulfillment is never ready for pickup nor picked up */
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"B\",\"quantity\":1}]}");
  fid_nth(r.json, "WH1", 0, fw);
  it_resp_free(&r);
  step_409(s.ops, fw, "ready_for_pickup", NULL);
  step_409(s.ops, fw, "picked_up", NULL);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM fulfillments WHERE id = '%s'"
                                      " AND status = 'released' AND version = 1", fw), 1);

  /* a store that does not offer pickup cannot take a pickup line */
  IT_EXPECT_STATUS(200, "PUT", "/v1/locations/STORE5", s.t.key,
                   "{\"name\":\"Store 5\",\"type\":\"store\",\"pickup\":false,\"ship\":false}");
  IT_EXPECT_PROBLEM(409, "insufficient_inventory", "lines[0].quantity", "POST", "/v1/orders", s.t.key,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1,"
                    "\"fulfillment\":\"pickup\",\"pickup_location\":\"STORE5\"}]}");
}
END_TEST

START_TEST(short_pick_rerouted_to_a_store)
{
  struct shop s;
  char f1[37], fs[37], path[128];
  shop_new(&s, "fshort");
  it_put_created(s.t.key, "/v1/items/C", "{\"name\":\"Item C\",\"price\":300}");
  it_put_created(s.t.key, "/v1/locations/STORE7",
                 "{\"name\":\"Store 7\",\"type\":\"store\",\"priority\":5}");
  stock_set(s.t.key, "WH1", "A", 5);
  stock_set(s.t.key, "STORE7", "A", 4);
  stock_set(s.t.key, "WH1", "C", 2);
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":3}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  fid_nth(r.json, "WH1", 0, f1);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 1);
  it_resp_free(&r);
  r = step(s.ops, f1, "accept", NULL);
  it_resp_free(&r);

  /* WH1 finds only one: two are short */
  r = step(s.ops, f1, "reject", "{\"reason\":\"short_pick\",\"lines\":[{\"sku\":\"A\",\"quantity\":2}]}");
  IT_JSTR(r.json, "reason", "short_pick");
  IT_JINT(r.json, "lines[0].rejected", 2);
  IT_JSTR(r.json, "status", "accepted"); /* one unit still to ship */
  it_resp_free(&r);
  /* WH1's count is corrected: on_hand 5 - 2, reserved 3 - 2 */
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 3);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM inventory_ledger WHERE location = 'WH1'"
                                      " AND sku = 'A' AND reason = 'short_pick' AND delta = -2"
                                      " AND on_hand_after = 3 AND reference = '%s'", f1), 1);
  /* the two go to the store, not back to WH1 (which still has 2 free and ranks first) */
  r = order_get(s.ops, id);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 2);
  fid_nth(r.json, "STORE7", 0, fs);
  IT_JSTR(r.json, "fulfillments[1].source", "STORE7");
  IT_JSTR(r.json, "fulfillments[1].status", "released");
  IT_JINT(r.json, "fulfillments[1].lines[0].quantity", 2);
  IT_JSTR(r.json, "status", "released");
  IT_JINT(r.json, "lines[0].allocated", 3);
  IT_JINT(r.json, "lines[0].exception", 0);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "STORE7", "A"), 2);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM fulfillments WHERE source = 'WH1'"), 1);
  /* the rejection is an exception */
  r = it_req("GET", "/v1/exceptions?kind=fulfillment_rejected", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].order_id", id);
  IT_JSTR(r.json, "data[0].location", "WH1");
  IT_JSTR(r.json, "data[0].sku", "A");
  IT_JSTR(r.json, "data[0].status", "open");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE kind = 'unroutable'"), 0);
  ck_assert_int_eq(events_of(s.t.id, id, "fulfillment.created", "released"), 2);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM events WHERE order_id = '%s'"
                                      " AND type = 'exception.opened'"
                                      " AND data->>'kind' = 'fulfillment_rejected'", id), 1);

  /* the store is in the work queue; both ship; the order is shipped */
  ck_assert_uint_eq(queue_len(s.ops, "location=STORE7&status=released"), 1);
  r = step(s.ops, fs, "ship", "{\"carrier\":\"USPS\",\"tracking_number\":\"9400\"}");
  it_resp_free(&r);
  ORDER_STATUS_IS(s.t.id, id, "partially_shipped");
  r = step(s.ops, f1, "ship", "{\"carrier\":\"UPS\",\"tracking_number\":\"1Z\"}");
  IT_JSTR(r.json, "status", "shipped");
  IT_JINT(r.json, "lines[0].shipped", 1);
  it_resp_free(&r);
  ORDER_STATUS_IS(s.t.id, id, "shipped");
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 2);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 0);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "STORE7", "A"), 2);
  ck_assert_int_eq(inv(s.t.id, "reserved", "STORE7", "A"), 0);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT coalesce(sum(delta), 0) FROM inventory_ledger"
                                      " WHERE location = 'WH1' AND sku = 'A'"), 2);

  /* nothing else has C: the line goes to exception for staff */
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"C\",\"quantity\":2}]}");
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  fid_nth(r.json, "WH1", 0, f1);
  it_resp_free(&r);
  r = step(s.ops, f1, "reject", "{\"reason\":\"short_pick\"}");
  IT_JSTR(r.json, "status", "rejected");
  IT_JINT(r.json, "lines[0].rejected", 2);
  it_resp_free(&r);
  r = order_get(s.ops, id);
  IT_JSTR(r.json, "status", "exception");
  IT_JSTR(r.json, "lines[0].status", "exception");
  IT_JINT(r.json, "lines[0].exception", 2);
  IT_JINT(r.json, "lines[0].allocated", 0);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 1);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "C"), 0);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "C"), 0);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE kind = 'unroutable'"
                                      " AND order_id = '%s' AND sku = 'C' AND status = 'open'", id), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE kind = 'fulfillment_rejected'"
                                      " AND order_id = '%s'", id), 1);
  step_409(s.ops, f1, "ship", "{\"carrier\":\"UPS\",\"tracking_number\":\"1Z\"}");
  step_409(s.ops, f1, "accept", NULL);
  step_409(s.ops, f1, "reject", "{\"reason\":\"other\"}");
  /* staff cancel what could not be sourced */
  snprintf(path, sizeof path, "/v1/orders/%s/cancel", id);
  r = it_req("POST", path, s.ops, "{\"reason\":\"out of stock\"}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "cancelled");
  it_resp_free(&r);
}
END_TEST

START_TEST(drop_shipped_line_shipped_by_its_supplier)
{
  struct shop s;
  char fw[37], fsup[37], po[37], path[160];
  shop_new(&s, "fdrop");
  it_put_created(s.t.key, "/v1/items/D", "{\"name\":\"Drop D\",\"price\":5000,\"dropship\":true}");
  it_put_created(s.t.key, "/v1/items/E", "{\"name\":\"Drop E\",\"price\":3000,\"dropship\":true}");
  it_put_created(s.t.key, "/v1/items/F", "{\"name\":\"Drop F\",\"price\":900,\"dropship\":true}");
  it_put_created(s.t.key, "/v1/suppliers/SUP1", "{\"name\":\"Partner One\",\"lead_time_days\":1}");
  it_put_created(s.t.key, "/v1/suppliers/SUP1/items/D", "{\"cost\":1200,\"available\":10}");
  it_put_created(s.t.key, "/v1/suppliers/SUP1/items/E", "{\"cost\":800,\"available\":10}");
  it_put_created(s.t.key, "/v1/suppliers/SUP1/items/F", "{\"cost\":400,\"available\":10}");
  it_put_created(s.t.key, "/v1/suppliers/SUP2", "{\"name\":\"Partner Two\",\"lead_time_days\":3}");
  it_put_created(s.t.key, "/v1/suppliers/SUP2/items/E", "{\"cost\":950,\"available\":4}");
  stock_set(s.t.key, "WH1", "A", 5);

  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"shipping_address\":{\"line1\":\"9 Elm\","
                                        "\"city\":\"Boston\",\"country\":\"US\"},"
                                        "\"lines\":[{\"sku\":\"A\",\"quantity\":1},{\"sku\":\"D\",\"quantity\":2}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  fid_nth(r.json, "WH1", 0, fw);
  fid_nth(r.json, "SUP1", 0, fsup);
  IT_JSTR(r.json, "fulfillments[1].source_type", "supplier");
  IT_JSTR(r.json, "fulfillments[1].lines[0].sku", "D");
  IT_JINT(r.json, "fulfillments[1].lines[0].quantity", 2);
  IT_JSTR(r.json, "fulfillments[1].status", "released");
  IT_JSTR(r.json, "routing.plan[1].source_type", "supplier");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT available FROM supplier_items WHERE supplier = 'SUP1'"
                                      " AND sku = 'D'"), 8);

  /* the purchase order */
  r = it_req("GET", "/v1/purchase-orders?supplier=SUP1", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  snprintf(po, sizeof po, "%s", it_str(r.json, "data[0].id"));
  it_resp_free(&r);
  r = it_req("GET", "/v1/purchase-orders?supplier=SUP2", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 0);
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/purchase-orders/%s", po);
  r = it_req("GET", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "id", po);
  IT_JSTR(r.json, "supplier", "SUP1");
  IT_JSTR(r.json, "order_id", id);
  IT_JSTR(r.json, "fulfillment_id", fsup);
  IT_JSTR(r.json, "status", "sent");
  ck_assert_ptr_nonnull(it_str(r.json, "number"));
  ck_assert_uint_eq(json_array_size(it_get(r.json, "lines")), 1);
  IT_JINT(r.json, "lines[0].line", 1);
  IT_JSTR(r.json, "lines[0].sku", "D");
  IT_JINT(r.json, "lines[0].quantity", 2);
  IT_JINT(r.json, "lines[0].cost", 1200);
  IT_JINT(r.json, "lines[0].shipped", 0);
  IT_JINT(r.json, "total_cost", 2400);
  IT_JSTR(r.json, "ship_to.line1", "9 Elm");
  IT_JSTR(r.json, "ship_to.city", "Boston");
  ck_assert_ptr_nonnull(it_str(r.json, "created_at"));
  it_resp_free(&r);
  r = it_req("GET", "/v1/purchase-orders?supplier=SUP1&status=sent", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  it_resp_free(&r);
  ck_assert_uint_eq(queue_len(s.ops, "supplier=SUP1"), 1);
  ck_assert_uint_eq(queue_len(s.ops, "location=WH1"), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM events WHERE order_id = '%s'"
                                      " AND type = 'purchase_order.created'", id), 1);

  /* the supplier acknowledges */
  snprintf(path, sizeof path, "/v1/purchase-orders/%s/acknowledge", po);
  IT_EXPECT_PROBLEM(400, "validation_failed", "lines[0].sku", "POST", path, s.ops,
                    "{\"lines\":[{\"sku\":\"A\",\"status\":\"accepted\"}]}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "lines[0].status", "POST", path, s.ops,
                    "{\"lines\":[{\"sku\":\"D\",\"status\":\"maybe\"}]}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "lines", "POST", path, s.ops, "{}");
  r = it_req("POST", path, s.ops, "{\"lines\":[{\"sku\":\"D\",\"status\":\"accepted\"}]}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "id", po);
  IT_JSTR(r.json, "status", "acknowledged");
  IT_JSTR(r.json, "lines[0].status", "accepted");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM fulfillments WHERE id = '%s'"
                                      " AND status = 'accepted'", fsup), 1);

  /* the warehouse line ships first */
  r = step(s.ops, fw, "ship", "{\"carrier\":\"UPS\",\"tracking_number\":\"1Z-A\"}");
  it_resp_free(&r);
  ORDER_STATUS_IS(s.t.id, id, "partially_shipped");
  /* then the supplier, with its own tracking number */
  snprintf(path, sizeof path, "/v1/purchase-orders/%s/ship", po);
  IT_EXPECT_PROBLEM(409, "invalid_state", "lines[0].quantity", "POST", path, s.ops,
                    "{\"carrier\":\"DHL\",\"tracking_number\":\"DHL-1\",\"lines\":[{\"sku\":\"D\",\"quantity\":3}]}");
  r = it_req("POST", path, s.ops, "{\"carrier\":\"DHL\",\"tracking_number\":\"DHL-1\","
                                  "\"lines\":[{\"sku\":\"D\",\"quantity\":2}]}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "id", po);
  IT_JSTR(r.json, "status", "shipped");
  IT_JINT(r.json, "lines[0].shipped", 2);
  it_resp_free(&r);
  r = order_get(s.ops, id);
  IT_JSTR(r.json, "status", "shipped");
  IT_JSTR(r.json, "lines[1].status", "shipped");
  IT_JSTR(r.json, "fulfillments[1].status", "shipped");
  IT_JSTR(r.json, "fulfillments[1].carrier", "DHL");
  IT_JSTR(r.json, "fulfillments[1].tracking_number", "DHL-1");
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops,
                    "{\"carrier\":\"DHL\",\"tracking_number\":\"DHL-2\"}");
  /* no stock moved anywhere for the drop-shipped line */
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM inventory_ledger WHERE sku = 'D'"), 0);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM events WHERE order_id = '%s'"
                                      " AND type = 'purchase_order.status_changed'"
                                      " AND data->>'status' IN ('acknowledged', 'shipped')", id), 2);

  /* a rejected PO line goes to the next supplier */
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"D\",\"quantity\":1},"
                         "{\"sku\":\"E\",\"quantity\":3}]}");
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 1);
  IT_JSTR(r.json, "fulfillments[0].source", "SUP1");
  snprintf(po, sizeof po, "%s", it_str(r.json, "fulfillments[0].purchase_order_id"));
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/purchase-orders/%s/acknowledge", po);
  r = it_req("POST", path, s.ops, "{\"lines\":[{\"sku\":\"D\",\"status\":\"accepted\"},"
                                  "{\"sku\":\"E\",\"status\":\"rejected\"}]}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "acknowledged");
  IT_JSTR(r.json, "lines[1].sku", "E");
  IT_JSTR(r.json, "lines[1].status", "rejected");
  it_resp_free(&r);
  r = order_get(s.ops, id);
  IT_JSTR(r.json, "status", "released");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 2);
  IT_JSTR(r.json, "fulfillments[0].status", "accepted");
  IT_JINT(r.json, "fulfillments[0].lines[1].rejected", 3);
  IT_JSTR(r.json, "fulfillments[1].source", "SUP2");
  IT_JSTR(r.json, "fulfillments[1].source_type", "supplier");
  IT_JINT(r.json, "fulfillments[1].lines[0].quantity", 3);
  IT_JINT(r.json, "lines[1].allocated", 3);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT available FROM supplier_items WHERE supplier = 'SUP2'"
                                      " AND sku = 'E'"), 1);
  r = it_req("GET", "/v1/purchase-orders?supplier=SUP2", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].order_id", id);
  IT_JINT(r.json, "data[0].total_cost", 3 * 950);
  IT_JSTR(r.json, "data[0].status", "sent");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE order_id = '%s'"
                                      " AND kind = 'fulfillment_rejected' AND sku = 'E'", id), 1);

  /* a line no one else can take goes to exception */
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"F\",\"quantity\":2}]}");
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  snprintf(po, sizeof po, "%s", it_str(r.json, "fulfillments[0].purchase_order_id"));
  snprintf(fsup, sizeof fsup, "%s", it_str(r.json, "fulfillments[0].id"));
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/purchase-orders/%s/acknowledge", po);
  r = it_req("POST", path, s.ops, "{\"lines\":[{\"sku\":\"F\",\"status\":\"rejected\"}]}");
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "rejected");
  it_resp_free(&r);
  r = order_get(s.ops, id);
  IT_JSTR(r.json, "status", "exception");
  IT_JSTR(r.json, "lines[0].status", "exception");
  IT_JINT(r.json, "lines[0].exception", 2);
  IT_JSTR(r.json, "fulfillments[0].status", "rejected");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE order_id = '%s'"
                                      " AND kind = 'unroutable' AND status = 'open'", id), 1);
  snprintf(path, sizeof path, "/v1/purchase-orders/%s/ship", po);
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "POST", path, s.ops,
                    "{\"carrier\":\"DHL\",\"tracking_number\":\"DHL-3\"}");
  step_409(s.ops, fsup, "ship", NULL);

  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET",
                    "/v1/purchase-orders/00000000-0000-4000-8000-000000000000", s.ops, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "POST",
                    "/v1/purchase-orders/00000000-0000-4000-8000-000000000000/acknowledge", s.ops,
                    "{\"lines\":[{\"sku\":\"F\",\"status\":\"accepted\"}]}");
  IT_EXPECT_PROBLEM(404, "not_found", "supplier", "GET", "/v1/purchase-orders?supplier=NOPE", s.ops, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "status", "GET", "/v1/purchase-orders?status=lost", s.ops, NULL);
}
END_TEST

START_TEST(last_unit_counted_away_under_an_open_order)
{
  struct shop s;
  char path[160], f1[37];
  shop_new(&s, "fcount");
  it_put_created(s.t.key, "/v1/locations/WH2", "{\"name\":\"West DC\",\"type\":\"warehouse\",\"priority\":2}");
  stock_set(s.t.key, "WH1", "A", 1);
  stock_set(s.t.key, "WH2", "A", 1);
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  fid_nth(r.json, "WH1", 0, f1);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 1);

  /* a count finds WH1's last unit gone */
  r = it_req("POST", "/v1/inventory/adjustments", s.ops,
             "{\"location\":\"WH1\",\"sku\":\"A\",\"set\":0,\"reason\":\"cycle_count\",\"reference\":\"count-7\"}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "on_hand", 0);
  IT_JINT(r.json, "reserved", 0);
  ck_assert_ptr_nonnull(it_str(r.json, "exception_id"));
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 0);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 0);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "A"), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM inventory_ledger WHERE location = 'WH1'"
                                      " AND reason = 'cycle_count' AND delta = -1 AND on_hand_after = 0"
                                      " AND reference = 'count-7'"), 1);
  r = it_req("GET", "/v1/exceptions?kind=inventory_discrepancy", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].location", "WH1");
  IT_JSTR(r.json, "data[0].sku", "A");
  IT_JSTR(r.json, "data[0].status", "open");
  it_resp_free(&r);
  r = order_get(s.ops, id);
  IT_JSTR(r.json, "status", "released");
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 2);
  IT_JSTR(r.json, "fulfillments[0].source", "WH1");
  IT_JSTR(r.json, "fulfillments[0].status", "rejected");
  IT_JSTR(r.json, "fulfillments[1].source", "WH2");
  IT_JSTR(r.json, "fulfillments[1].status", "released");
  IT_JINT(r.json, "lines[0].allocated", 1);
  it_resp_free(&r);
  step_409(s.ops, f1, "ship", NULL);
  ck_assert_uint_eq(queue_len(s.ops, "location=WH2&status=released"), 1);
  ck_assert_uint_eq(queue_len(s.ops, "location=WH1&status=released"), 0);

  /* and then WH2's: nowhere left, the line waits for staff */
  r = it_req("POST", "/v1/inventory/adjustments", s.ops,
             "{\"location\":\"WH2\",\"sku\":\"A\",\"delta\":-1,\"reason\":\"damage\"}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "on_hand", 0);
  IT_JINT(r.json, "reserved", 0);
  it_resp_free(&r);
  r = order_get(s.ops, id);
  IT_JSTR(r.json, "status", "exception");
  IT_JSTR(r.json, "lines[0].status", "exception");
  IT_JINT(r.json, "lines[0].exception", 1);
  IT_JINT(r.json, "lines[0].allocated", 0);
  IT_JSTR(r.json, "fulfillments[1].status", "rejected");
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "A"), 0);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE kind = 'inventory_discrepancy'"), 2);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE kind = 'unroutable'"
                                      " AND order_id = '%s' AND status = 'open'", id), 1);
  ck_assert_int_eq(events_of(s.t.id, id, "order.status_changed", "exception"), 1);

  /* stock arrives; staff re-route */
  stock_set(s.t.key, "WH2", "A", 3);
  snprintf(path, sizeof path, "/v1/orders/%s/reroute", id);
  r = it_req("POST", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "released");
  IT_JINT(r.json, "lines[0].allocated", 1);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "A"), 1);
}
END_TEST

START_TEST(count_moves_only_the_newest_units_short)
{
  struct shop s;
  shop_new(&s, "fcountnewest");
  it_put_created(s.t.key, "/v1/locations/WH2", "{\"name\":\"West DC\",\"type\":\"warehouse\",\"priority\":2}");
  stock_set(s.t.key, "WH1", "A", 5);
  stock_set(s.t.key, "WH2", "A", 5);
  char ids[2][37];
  for (int i = 0; i < 2; i++) {
    struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":2}]}");
    snprintf(ids[i], sizeof ids[i], "%s", it_str(r.json, "id"));
    IT_JSTR(r.json, "fulfillments[0].source", "WH1");
    it_resp_free(&r);
  }
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 4);
  /* 3 found: one unit short; the newer order gives up one unit */
  struct it_resp r = it_req("POST", "/v1/inventory/adjustments", s.ops,
                            "{\"location\":\"WH1\",\"sku\":\"A\",\"set\":3,\"reason\":\"cycle_count\"}");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "on_hand", 3);
  IT_JINT(r.json, "reserved", 3);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 3);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "A"), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM fulfillments WHERE order_id = '%s'", ids[0]), 1);
  r = order_get(s.ops, ids[1]);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments")), 2);
  IT_JSTR(r.json, "fulfillments[0].source", "WH1");
  IT_JINT(r.json, "fulfillments[0].lines[0].rejected", 1);
  IT_JSTR(r.json, "fulfillments[0].status", "released");
  IT_JSTR(r.json, "fulfillments[1].source", "WH2");
  IT_JINT(r.json, "fulfillments[1].lines[0].quantity", 1);
  IT_JSTR(r.json, "status", "released");
  it_resp_free(&r);
  /* a count above reserved moves nothing */
  r = it_req("POST", "/v1/inventory/adjustments", s.ops,
             "{\"location\":\"WH1\",\"sku\":\"A\",\"set\":4,\"reason\":\"cycle_count\"}");
  IT_STATUS(r, 200);
  ck_assert_ptr_null(it_get(r.json, "exception_id"));
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE kind = 'inventory_discrepancy'"), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM fulfillments"), 3);
}
END_TEST

START_TEST(steps_out_of_order_are_409)
{
  struct shop s;
  char f[37], g[37], path[160];
  shop_new(&s, "fsteps");
  it_put_created(s.t.key, "/v1/locations/WH2", "{\"name\":\"West DC\",\"type\":\"warehouse\",\"priority\":2}");
  stock_set(s.t.key, "WH1", "A", 10);
  stock_set(s.t.key, "WH2", "A", 10);
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":2}]}");
  fid_nth(r.json, "WH1", 0, f);
  it_resp_free(&r);

  /* delivered before shipped */
  step_409(s.ops, f, "delivered", NULL);
  /* accept twice */
  r = step(s.ops, f, "accept", NULL);
  it_resp_free(&r);
  step_409(s.ops, f, "accept", NULL);
  step_409(s.ops, f, "delivered", NULL);

  /* bad bodies are 400 and change nothing */
  snprintf(path, sizeof path, "/v1/fulfillments/%s/reject", f);
  IT_EXPECT_PROBLEM(400, "validation_failed", "reason", "POST", path, s.ops, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "reason", "POST", path, s.ops, "{}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "reason", "POST", path, s.ops, "{\"reason\":\"lazy\"}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "lines[0].quantity", "POST", path, s.ops,
                    "{\"reason\":\"other\",\"lines\":[{\"sku\":\"A\",\"quantity\":0}]}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "lines[0].sku", "POST", path, s.ops,
                    "{\"reason\":\"other\",\"lines\":[{\"sku\":\"B\",\"quantity\":1}]}");
  IT_EXPECT_PROBLEM(409, "invalid_state", "lines[0].quantity", "POST", path, s.ops,
                    "{\"reason\":\"other\",\"lines\":[{\"sku\":\"A\",\"quantity\":3}]}");
  snprintf(path, sizeof path, "/v1/fulfillments/%s/ship", f);
  IT_EXPECT_PROBLEM(400, "validation_failed", "carrier", "POST", path, s.ops, "{\"carrier\":5}");
  IT_EXPECT_PROBLEM(400, "validation_failed", "body", "POST", path, s.ops, "[]");
  IT_EXPECT_PROBLEM(409, "invalid_state", "lines[0].quantity", "POST", path, s.ops,
                    "{\"carrier\":\"UPS\",\"lines\":[{\"sku\":\"A\",\"quantity\":5}]}");
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM fulfillments WHERE id = '%s'"
                                      " AND status = 'accepted' AND version = 2", f), 1);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 2);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 10);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions"), 0);

  /* rejected: nothing more can happen to it */
  r = step(s.ops, f, "reject", "{\"reason\":\"other\",\"note\":\"wrong bin\"}");
  IT_JSTR(r.json, "status", "rejected");
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 10); /* "other" corrects nothing */
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 0);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH2", "A"), 2);
  step_409(s.ops, f, "ship", "{\"carrier\":\"UPS\",\"tracking_number\":\"1Z\"}");
  step_409(s.ops, f, "accept", NULL);
  step_409(s.ops, f, "reject", "{\"reason\":\"other\"}");
  step_409(s.ops, f, "delivered", NULL);
  step_409(s.ops, f, "ready_for_pickup", NULL);

  /* shipped: no second shipment, no rejection */
  r = it_req("GET", "/v1/fulfillments?location=WH2", s.ops, NULL);
  IT_STATUS(r, 200);
  snprintf(g, sizeof g, "%s", it_str(r.json, "data[0].id"));
  it_resp_free(&r);
  r = step(s.ops, g, "ship", "{\"carrier\":\"UPS\",\"tracking_number\":\"1Z\"}");
  it_resp_free(&r);
  step_409(s.ops, g, "ship", NULL);
  step_409(s.ops, g, "reject", "{\"reason\":\"damaged\"}");
  step_409(s.ops, g, "accept", NULL);
  r = step(s.ops, g, "delivered", NULL);
  it_resp_free(&r);
  step_409(s.ops, g, "delivered", NULL);

  /* a cancelled fulfillment */
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  fid_nth(r.json, "WH1", 0, f);
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/orders/%s/cancel", id);
  IT_EXPECT_STATUS(200, "POST", path, s.ops, NULL);
  step_409(s.ops, f, "accept", NULL);
  step_409(s.ops, f, "ship", NULL);

  /* damaged units are written off the location's on-hand */
  long long before = inv(s.t.id, "on_hand", "WH1", "A");
  r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":2}]}");
  fid_nth(r.json, "WH1", 0, f);
  it_resp_free(&r);
  r = step(s.ops, f, "reject", "{\"reason\":\"damaged\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  IT_JINT(r.json, "lines[0].rejected", 1);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), before - 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM inventory_ledger WHERE location = 'WH1'"
                                      " AND reason = 'damage' AND delta = -1 AND reference = '%s'", f), 1);

  /* unknown fulfillments */
  static const char *const steps[] = {"accept", "reject", "ship", "ready_for_pickup", "picked_up",
                                      "delivered"};
  for (size_t i = 0; i < 6; i++) {
    snprintf(path, sizeof path, "/v1/fulfillments/00000000-0000-4000-8000-000000000000/%s", steps[i]);
    IT_EXPECT_PROBLEM(404, "not_found", "id", "POST", path, s.ops,
                      i == 1 ? "{\"reason\":\"other\"}" : NULL);
  }
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", "/v1/fulfillments/00000000-0000-4000-8000-000000000000",
                    s.ops, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", "/v1/fulfillments/not-a-uuid", s.ops, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "POST", "/v1/fulfillments/not-a-uuid/accept", s.ops, NULL);
  /* another tenant's */
  struct shop o;
  shop_new(&o, "fstepsother");
  snprintf(path, sizeof path, "/v1/fulfillments/%s", g);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", path, o.t.key, NULL);
  snprintf(path, sizeof path, "/v1/fulfillments/%s/delivered", g);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "POST", path, o.t.key, NULL);
}
END_TEST

START_TEST(work_queue_by_location_and_status)
{
  struct shop s;
  char fids[3][37], path[160], sf[80];
  shop_new(&s, "fqueue");
  it_put_created(s.t.key, "/v1/locations/WH2", "{\"name\":\"West DC\",\"type\":\"warehouse\",\"priority\":2}");
  stock_set(s.t.key, "WH1", "A", 10);
  stock_set(s.t.key, "WH2", "B", 10);
  for (int i = 0; i < 3; i++) {
    struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
    fid_nth(r.json, "WH1", 0, fids[i]);
    it_resp_free(&r);
  }
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"B\",\"quantity\":1}]}");
  it_resp_free(&r);

  r = it_req("GET", "/v1/fulfillments?location=WH1&status=released", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 3);
  for (int i = 0; i < 3; i++) {
    char p[32];
    snprintf(p, sizeof p, "data[%d].id", i);
    IT_JSTR(r.json, p, fids[i]);
    snprintf(p, sizeof p, "data[%d].source", i);
    IT_JSTR(r.json, p, "WH1");
    snprintf(p, sizeof p, "data[%d].status", i);
    IT_JSTR(r.json, p, "released");
  }
  IT_JNULL(r.json, "next_cursor");
  it_resp_free(&r);
  /* pages in creation order */
  r = it_req("GET", "/v1/fulfillments?location=WH1&status=released&limit=2", s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 2);
  ck_assert_ptr_nonnull(it_str(r.json, "next_cursor"));
  snprintf(path, sizeof path, "/v1/fulfillments?location=WH1&status=released&limit=2&after=%s",
           it_str(r.json, "next_cursor"));
  it_resp_free(&r);
  r = it_req("GET", path, s.ops, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].id", fids[2]);
  IT_JNULL(r.json, "next_cursor");
  it_resp_free(&r);

  /* accepted work leaves the released queue */
  r = step(s.ops, fids[1], "accept", NULL);
  it_resp_free(&r);
  ck_assert_uint_eq(queue_len(s.ops, "location=WH1&status=released"), 2);
  ck_assert_uint_eq(queue_len(s.ops, "location=WH1&status=accepted"), 1);
  ck_assert_uint_eq(queue_len(s.ops, "location=WH1"), 3);
  ck_assert_uint_eq(queue_len(s.ops, "location=WH2"), 1);
  ck_assert_uint_eq(queue_len(s.ops, "status=released"), 3);
  ck_assert_uint_eq(queue_len(s.ops, "location=WH2&status=accepted"), 0);
  snprintf(path, sizeof path, "/v1/fulfillments/%s", fids[1]);
  r = it_req("GET", path, s.ops, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "accepted");
  IT_JINT(r.json, "version", 2);
  IT_JSTR(r.json, "lines[0].sku", "A");
  it_resp_free(&r);

  IT_EXPECT_PROBLEM(404, "not_found", "location", "GET", "/v1/fulfillments?location=NOPE", s.ops, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "supplier", "GET", "/v1/fulfillments?supplier=NOPE", s.ops, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "status", "GET", "/v1/fulfillments?status=lost", s.ops, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "limit", "GET", "/v1/fulfillments?limit=0", s.ops, NULL);
  it_key_new(&s.t, "storefront", sf, NULL);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "GET", "/v1/fulfillments?location=WH1", sf, NULL);
  snprintf(path, sizeof path, "/v1/fulfillments/%s/ship", fids[0]);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "POST", path, sf, "{}");
  /* another tenant's queue is not visible */
  struct shop o;
  shop_new(&o, "fqueueother");
  ck_assert_uint_eq(queue_len(o.t.key, "location=WH1"), 0);
}
END_TEST

START_TEST(a_sku_named_twice_in_a_step)
{
  struct shop s;
  char f[37], path[160];
  shop_new(&s, "frepeat");
  stock_set(s.t.key, "WH1", "A", 10);
  /* two order lines of one sku: one fulfillment with two lines */
  struct it_resp r = order_new(s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":2},"
                                        "{\"sku\":\"A\",\"quantity\":2}]}");
  char id[37];
  snprintf(id, sizeof id, "%s", it_str(r.json, "id"));
  fid_nth(r.json, "WH1", 0, f);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "fulfillments[0].lines")), 2);
  it_resp_free(&r);

  /* the entries together ask for more than is open: 409, not a database error */
  snprintf(path, sizeof path, "/v1/fulfillments/%s/ship", f);
  IT_EXPECT_PROBLEM(409, "invalid_state", "lines[1].quantity", "POST", path, s.ops,
                    "{\"carrier\":\"UPS\",\"lines\":[{\"sku\":\"A\",\"quantity\":4},{\"sku\":\"A\",\"quantity\":1}]}");
  snprintf(path, sizeof path, "/v1/fulfillments/%s/reject", f);
  IT_EXPECT_PROBLEM(409, "invalid_state", "lines[1].quantity", "POST", path, s.ops,
                    "{\"reason\":\"short_pick\",\"lines\":[{\"sku\":\"A\",\"quantity\":3},{\"sku\":\"A\",\"quantity\":2}]}");
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 10);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 4);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM fulfillments WHERE version = 1"), 1);

  /* within what is open, each entry takes what the earlier ones left */
  r = step(s.ops, f, "ship", "{\"carrier\":\"UPS\",\"tracking_number\":\"1Z\","
                             "\"lines\":[{\"sku\":\"A\",\"quantity\":1},{\"sku\":\"A\",\"quantity\":2}]}");
  IT_JSTR(r.json, "status", "released");
  IT_JINT(r.json, "lines[0].shipped", 2);
  IT_JINT(r.json, "lines[1].shipped", 1);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 7);
  ck_assert_int_eq(inv(s.t.id, "reserved", "WH1", "A"), 1);
  snprintf(path, sizeof path, "/v1/fulfillments/%s/ship", f);
  IT_EXPECT_PROBLEM(409, "invalid_state", "lines[1].quantity", "POST", path, s.ops,
                    "{\"carrier\":\"UPS\",\"lines\":[{\"sku\":\"A\",\"quantity\":1},{\"sku\":\"A\",\"quantity\":1}]}");
  r = step(s.ops, f, "reject", "{\"reason\":\"short_pick\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}");
  IT_JSTR(r.json, "status", "shipped"); /* nothing left open, some of it left */
  IT_JINT(r.json, "lines[1].rejected", 1);
  it_resp_free(&r);
  ck_assert_int_eq(inv(s.t.id, "on_hand", "WH1", "A"), 6);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM inventory_ledger WHERE reason = 'short_pick'"
                                      " AND delta = -1"), 1);
  r = order_get(s.ops, id);
  IT_JSTR(r.json, "lines[0].status", "shipped");
  IT_JSTR(r.json, "lines[1].status", "partially_shipped");
  IT_JSTR(r.json, "status", "partially_shipped");
  it_resp_free(&r);
}
END_TEST

Suite *it_suite_fulfillment(void)
{
  Suite *s = suite_create("fulfillment");
  TCase *tc = tcase_create("fulfillment");
  tcase_add_test(tc, split_order_shipped_from_two_warehouses);
  tcase_add_test(tc, bopis_order_picked_up_at_a_store);
  tcase_add_test(tc, short_pick_rerouted_to_a_store);
  tcase_add_test(tc, drop_shipped_line_shipped_by_its_supplier);
  tcase_add_test(tc, last_unit_counted_away_under_an_open_order);
  tcase_add_test(tc, count_moves_only_the_newest_units_short);
  tcase_add_test(tc, steps_out_of_order_are_409);
  tcase_add_test(tc, a_sku_named_twice_in_a_step);
  tcase_add_test(tc, work_queue_by_location_and_status);
  suite_add_tcase(s, tc);
  return s;
}
