/* it_inbound.c: inbound supply and receipts. An inbound is created, read and
 * listed; a receipt raises on_hand with a ledger row and allocates the
 * pre-orders waiting for it, oldest order first, in one transaction (a line
 * partly covered keeps waiting; ship_complete orders go out only whole; the
 * rest is plain stock); expected units raise what may be pre-ordered; and
 * receipts racing each other and new pre-order captures allocate every
 * waiting unit at most once, in order of capture. The database's sums are
 * checked after each. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"

/* A tenant with WH1 (no stock of P), stock of Q at WH2, item P on
 * pre-order (limit `limit`, released 2027-01-15), channel web taking
 * pre-orders. */
static void setup(struct it_tenant *t, int limit)
{
  char body[256];
  it_tenant_new(t, "inbound");
  snprintf(body, sizeof body,
           "{\"name\":\"P\",\"price\":1000,\"preorder\":{\"enabled\":true,\"limit\":%d,"
           "\"release_date\":\"2027-01-15\"}}", limit);
  it_put_created(t->key, "/v1/items/P", body);
  it_put_created(t->key, "/v1/items/Q", "{\"name\":\"Q\",\"price\":500}");
  it_put_created(t->key, "/v1/locations/WH1", "{\"name\":\"W1\",\"type\":\"warehouse\",\"priority\":1}");
  it_put_created(t->key, "/v1/locations/WH2", "{\"name\":\"W2\",\"type\":\"warehouse\",\"priority\":2}");
  it_put_created(t->key, "/v1/channels/web", "{\"name\":\"Web\",\"preorders\":true}");
  it_stock_set(t->key, "WH2", "Q", 100);
}

/* Captures an order of qty P (and one Q when with_q); returns its id (37). */
static void preorder(const struct it_tenant *t, int qty, bool with_q, bool ship_complete, char id[37])
{
  char body[400];
  snprintf(body, sizeof body,
           "{\"channel\":\"web\",\"ship_complete\":%s,\"lines\":[{\"sku\":\"P\",\"quantity\":%d}%s]}",
           ship_complete ? "true" : "false", qty,
           with_q ? ",{\"sku\":\"Q\",\"quantity\":1}" : "");
  struct it_resp r = it_req("POST", "/v1/orders", t->key, body);
  IT_STATUS(r, 201);
  snprintf(id, 37, "%s", it_str(r.json, "id"));
  it_resp_free(&r);
}

static void inbound_new(const struct it_tenant *t, const char *loc, int qty, char id[37])
{
  char body[300];
  snprintf(body, sizeof body,
           "{\"location\":\"%s\",\"expected_date\":\"2027-01-10\",\"reference\":\"ASN-1\","
           "\"lines\":[{\"sku\":\"P\",\"quantity\":%d}]}", loc, qty);
  struct it_resp r = it_req("POST", "/v1/inbound", t->key, body);
  IT_STATUS(r, 201);
  snprintf(id, 37, "%s", it_str(r.json, "id"));
  it_resp_free(&r);
}

static struct it_resp receive(const struct it_tenant *t, const char *id, const char *sku, int qty)
{
  char path[96], body[160];
  snprintf(path, sizeof path, "/v1/inbound/%s/receive", id);
  snprintf(body, sizeof body, "{\"lines\":[{\"sku\":\"%s\",\"quantity\":%d}]}", sku, qty);
  return it_req("POST", path, t->key, body);
}

static void sums_hold(const char *tenant)
{
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM inventory WHERE reserved > on_hand"), 0);
  ck_assert_int_eq(
      it_sql_int(tenant, "SELECT count(*) FROM inventory v WHERE v.reserved <>"
                         " (SELECT coalesce(sum(l.quantity - l.shipped - l.rejected - l.cancelled), 0)"
                         "  FROM fulfillment_lines l JOIN fulfillments f ON f.id = l.fulfillment_id"
                         "  WHERE f.status NOT IN ('shipped', 'picked_up', 'delivered', 'cancelled', 'rejected')"
                         "  AND f.source_type = 'location' AND f.source = v.location AND l.sku = v.sku)"),
      0);
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM inventory v WHERE v.on_hand <>"
                                      " (SELECT coalesce(sum(delta), 0) FROM inventory_ledger g"
                                      "  WHERE g.sku = v.sku AND g.location = v.location)"),
                   0);
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM order_lines ol WHERE ol.allocated <>"
                                      " (SELECT coalesce(sum(l.quantity - l.shipped - l.rejected"
                                      " - l.cancelled), 0) FROM fulfillment_lines l"
                                      "  JOIN fulfillments f ON f.id = l.fulfillment_id"
                                      "  WHERE f.order_id = ol.order_id AND l.line = ol.line)"),
                   0);
  /* the counters are exactly what still waits */
  ck_assert_int_eq(it_sql_int(tenant, "SELECT coalesce((SELECT outstanding FROM preorder_counts"
                                      " WHERE sku = 'P' AND channel = '*'), 0) -"
                                      " (SELECT coalesce(sum(preordered), 0) FROM order_lines WHERE sku = 'P')"),
                   0);
}

START_TEST(test_inbound_create_read_list)
{
  struct it_tenant t;
  char a[37], b[37], path[96];
  setup(&t, 10);
  struct it_resp r = it_req("POST", "/v1/inbound", t.key,
                            "{\"location\":\"WH1\",\"expected_date\":\"2027-01-10\","
                            "\"reference\":\"ASN-7\",\"lines\":[{\"sku\":\"P\",\"quantity\":6},"
                            "{\"sku\":\"Q\",\"quantity\":2}]}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "status", "expected");
  IT_JSTR(r.json, "location", "WH1");
  IT_JSTR(r.json, "expected_date", "2027-01-10");
  IT_JSTR(r.json, "reference", "ASN-7");
  IT_JSTR(r.json, "lines[1].sku", "Q");
  IT_JINT(r.json, "lines[0].quantity", 6);
  IT_JINT(r.json, "lines[0].received", 0);
  snprintf(a, sizeof a, "%s", it_str(r.json, "id"));
  it_resp_free(&r);
  inbound_new(&t, "WH2", 3, b);
  snprintf(path, sizeof path, "/v1/inbound/%s", a);
  r = it_req("GET", path, t.key, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "id", a);
  it_resp_free(&r);
  const char *both[] = {a, b}, *first[] = {a}, *second[] = {b};
  it_walk_pages(t.key, "/v1/inbound", "id", both, 2);
  r = it_req("GET", "/v1/inbound?location=WH2", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].id", second[0]);
  it_resp_free(&r);
  r = it_req("GET", "/v1/inbound?sku=Q&status=expected", t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "data")), 1);
  IT_JSTR(r.json, "data[0].id", first[0]);
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(400, "validation_failed", "status", "GET", "/v1/inbound?status=lost", t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "location", "GET", "/v1/inbound?location=NOPE", t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET", "/v1/inbound/00000000-0000-4000-8000-000000000000",
                    t.key, NULL);
  /* bad bodies: nothing is written */
  IT_EXPECT_PROBLEM(404, "not_found", "location", "POST", "/v1/inbound", t.key,
                    "{\"location\":\"NOPE\",\"lines\":[{\"sku\":\"P\",\"quantity\":1}]}");
  IT_EXPECT_PROBLEM(404, "not_found", "lines[1].sku", "POST", "/v1/inbound", t.key,
                    "{\"location\":\"WH1\",\"lines\":[{\"sku\":\"P\",\"quantity\":1},"
                    "{\"sku\":\"X\",\"quantity\":1}]}");
  const struct it_case bad[] = {
      {"{\"lines\":[{\"sku\":\"P\",\"quantity\":1}]}", "location", NULL},
      {"{\"location\":\"WH1\",\"lines\":[]}", "lines", NULL},
      {"{\"location\":\"WH1\",\"lines\":[{\"sku\":\"P\",\"quantity\":0}]}", "lines[0].quantity", NULL},
      {"{\"location\":\"WH1\",\"lines\":[{\"sku\":\"P\",\"quantity\":-2}]}", "lines[0].quantity", NULL},
      {"{\"location\":\"WH1\",\"expected_date\":\"2027-13-01\",\"lines\":[{\"sku\":\"P\",\"quantity\":1}]}",
       "expected_date", NULL},
  };
  it_expect_400s(t.key, "POST", "/v1/inbound", bad);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inbound"), 2);
}
END_TEST

START_TEST(test_receipt_allocates_oldest_first)
{
  struct it_tenant t;
  char o1[37], o2[37], o3[37], in[37], path[128];
  setup(&t, 20);
  preorder(&t, 3, false, false, o1);
  preorder(&t, 4, true, true, o2); /* ships complete: Q waits with it */
  preorder(&t, 2, false, false, o3);
  inbound_new(&t, "WH1", 10, in);

  struct it_resp r = receive(&t, in, "P", 5);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "partially_received");
  IT_JINT(r.json, "lines[0].received", 5);
  IT_JINT(r.json, "allocated.units", 5);
  ck_assert_uint_eq(json_array_size(it_get(r.json, "allocated.orders")), 2);
  it_resp_free(&r);

  snprintf(path, sizeof path, "/v1/orders/%s", o1);
  r = it_req("GET", path, t.key, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "released");
  IT_JINT(r.json, "lines[0].allocated", 3);
  IT_JINT(r.json, "lines[0].preordered", 0);
  IT_JSTR(r.json, "fulfillments[0].source", "WH1");
  IT_JSTR(r.json, "fulfillments[0].status", "released");
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/orders/%s", o2);
  r = it_req("GET", path, t.key, NULL);
  IT_JSTR(r.json, "status", "preordered");
  IT_JINT(r.json, "lines[0].allocated", 2);
  IT_JINT(r.json, "lines[0].preordered", 2);
  IT_JSTR(r.json, "fulfillments[0].status", "pending"); /* Q waits */
  IT_JSTR(r.json, "fulfillments[1].status", "pending"); /* the 2 of P wait too */
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT allocated FROM order_lines WHERE order_id = '%s'", o3), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT on_hand FROM inventory WHERE sku = 'P' AND location = 'WH1'"), 5);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE sku = 'P' AND location = 'WH1'"), 5);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory_ledger WHERE sku = 'P'"
                                    " AND reason = 'receipt' AND reference = '%s'", in), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT outstanding FROM preorder_counts WHERE sku = 'P' AND channel = 'web'"), 4);
  /* the timeline shows the allocation */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM events WHERE order_id = '%s'"
                                    " AND type = 'fulfillment.created' AND data->>'source' = 'WH1'", o1), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM events WHERE order_id = '%s'"
                                    " AND type = 'order.status_changed' AND data->>'status' = 'released'", o1), 1);
  sums_hold(t.id);

  /* the rest, and more than expected: O2 goes out whole, O3 too, 3 left to sell */
  r = receive(&t, in, "P", 7);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "received");
  IT_JINT(r.json, "lines[0].received", 12);
  IT_JINT(r.json, "allocated.units", 4);
  it_resp_free(&r);
  snprintf(path, sizeof path, "/v1/orders/%s", o2);
  r = it_req("GET", path, t.key, NULL);
  IT_JSTR(r.json, "status", "released");
  IT_JSTR(r.json, "fulfillments[0].status", "released");
  IT_JSTR(r.json, "fulfillments[1].status", "released");
  IT_JSTR(r.json, "fulfillments[2].status", "released");
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM orders WHERE status <> 'released'"), 0);
  r = it_req("GET", "/v1/channels/web/availability?sku=P", t.key, NULL);
  IT_JINT(r.json, "data[0].on_hand_ats", 3);
  it_resp_free(&r);
  sums_hold(t.id);
  /* what arrived ships like any stock */
  snprintf(path, sizeof path, "/v1/orders/%s", o1);
  r = it_req("GET", path, t.key, NULL);
  char fpath[128];
  snprintf(fpath, sizeof fpath, "/v1/fulfillments/%s/ship", it_str(r.json, "fulfillments[0].id"));
  it_resp_free(&r);
  IT_EXPECT_STATUS(200, "POST", fpath, t.key, "{\"carrier\":\"UPS\",\"tracking_number\":\"1Z\"}");
  sums_hold(t.id);
}
END_TEST

START_TEST(test_receipt_refusals)
{
  struct it_tenant t;
  char in[37], o[37];
  setup(&t, 5);
  preorder(&t, 2, false, false, o);
  inbound_new(&t, "WH1", 4, in);
  struct it_resp r = receive(&t, in, "Q", 1);
  IT_PROBLEM(r, 422, "sku_not_expected", "lines[0].sku");
  it_resp_free(&r);
  r = receive(&t, "00000000-0000-4000-8000-000000000000", "P", 1);
  IT_PROBLEM(r, 404, "not_found", "id");
  it_resp_free(&r);
  char path[96];
  snprintf(path, sizeof path, "/v1/inbound/%s/receive", in);
  const struct it_case bad[] = {
      {"{}", "lines", NULL},
      {"{\"lines\":[{\"sku\":\"P\",\"quantity\":0}]}", "lines[0].quantity", NULL},
      {"{\"lines\":[{\"sku\":\"P\",\"quantity\":\"2\"}]}", "lines[0].quantity", NULL},
      {"{\"lines\":[{\"quantity\":2}]}", "lines[0].sku", NULL},
  };
  it_expect_400s(t.key, "POST", path, bad);
  /* nothing of those moved */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory WHERE location = 'WH1'"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(received) FROM inbound_lines"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT preordered FROM order_lines WHERE order_id = '%s'", o), 2);
}
END_TEST

START_TEST(test_expected_supply_and_report)
{
  struct it_tenant t;
  char in[37], o[37];
  setup(&t, 5);
  preorder(&t, 4, false, false, o);
  struct it_resp r = it_req("GET", "/v1/channels/web/availability?sku=P", t.key, NULL);
  IT_JINT(r.json, "data[0].preorder_ats", 1); /* limit 5, 4 waiting */
  it_resp_free(&r);
  /* 20 are coming: what is coming may be sold */
  inbound_new(&t, "WH1", 20, in);
  r = it_req("GET", "/v1/channels/web/availability?sku=P", t.key, NULL);
  IT_JINT(r.json, "data[0].preorder_ats", 16);
  it_resp_free(&r);
  r = it_req("GET", "/v1/preorders?sku=P&sku=Q", t.key, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "data[0].sku", "P");
  IT_JINT(r.json, "data[0].limit", 5);
  IT_JINT(r.json, "data[0].preordered_units", 4);
  IT_JINT(r.json, "data[0].orders_waiting", 1);
  IT_JINT(r.json, "data[0].preorder_ats", 16);
  IT_JSTR(r.json, "data[0].expected[0].inbound_id", in);
  IT_JSTR(r.json, "data[0].expected[0].date", "2027-01-10");
  IT_JINT(r.json, "data[0].expected[0].quantity", 20);
  IT_JSTR(r.json, "data[1].sku", "Q");
  IT_JINT(r.json, "data[1].preorder_ats", 0);
  it_resp_free(&r);
  /* 6 arrive: 4 go to the waiting order, 14 still to come */
  r = receive(&t, in, "P", 6);
  IT_STATUS(r, 200);
  it_resp_free(&r);
  r = it_req("GET", "/v1/preorders?sku=P", t.key, NULL);
  IT_JINT(r.json, "data[0].preordered_units", 0);
  IT_JINT(r.json, "data[0].orders_waiting", 0);
  IT_JINT(r.json, "data[0].expected[0].quantity", 14);
  IT_JINT(r.json, "data[0].preorder_ats", 14);
  it_resp_free(&r);
  IT_EXPECT_PROBLEM(404, "not_found", "sku", "GET", "/v1/preorders?sku=NOPE", t.key, NULL);
  IT_EXPECT_PROBLEM(400, "validation_failed", "sku", "GET", "/v1/preorders", t.key, NULL);
  sums_hold(t.id);
}
END_TEST

/* ---- races ---- */

struct worker {
  const struct it_tenant *t;
  const char *inbound; /* receipts: the inbound; captures: NULL */
  int n, qty;
  long fails;
};

static void *work(void *cls)
{
  struct worker *w = cls;
  for (int i = 0; i < w->n; i++) {
    struct it_resp r;
    if (w->inbound) {
      r = receive(w->t, w->inbound, "P", w->qty);
    } else {
      char body[200];
      snprintf(body, sizeof body, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"P\",\"quantity\":%d}]}",
               w->qty);
      r = it_req("POST", "/v1/orders", w->t->key, body);
    }
    if (r.status != (w->inbound ? 200 : 201))
      w->fails++;
    it_resp_free(&r);
  }
  return NULL;
}

/* No waiting line has a later-captured line of P allocated after it. */
static void capture_order_kept(const char *tenant)
{
  ck_assert_int_eq(it_sql_int(tenant,
                              "SELECT count(*) FROM order_lines a JOIN orders oa ON oa.id = a.order_id,"
                              " order_lines b JOIN orders ob ON ob.id = b.order_id"
                              " WHERE a.sku = 'P' AND b.sku = 'P' AND a.preordered > 0"
                              " AND b.allocated > 0 AND ob.seq > oa.seq"),
                   0);
}

START_TEST(test_receipts_race_each_other_and_captures)
{
  struct it_tenant t;
  char in1[37], in2[37], o[37];
  setup(&t, 1000);
  for (int i = 0; i < 20; i++)
    preorder(&t, 2, false, false, o);
  inbound_new(&t, "WH1", 30, in1);
  inbound_new(&t, "WH1", 30, in2);
  struct worker w[4] = {{&t, in1, 6, 3, 0}, {&t, in2, 6, 3, 0}, {&t, NULL, 10, 1, 0},
                        {&t, NULL, 10, 2, 0}};
  pthread_t th[4];
  for (int i = 0; i < 4; i++)
    ck_assert_int_eq(pthread_create(&th[i], NULL, work, &w[i]), 0);
  for (int i = 0; i < 4; i++)
    pthread_join(th[i], NULL);
  for (int i = 0; i < 4; i++)
    ck_assert_int_eq(w[i].fails, 0);
  /* 36 units arrived; 40 + 30 were waiting or came: every unit once */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(received) FROM inbound_lines"), 36);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT on_hand FROM inventory WHERE sku = 'P'"), 36);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(allocated) FROM order_lines WHERE sku = 'P'"), 36);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(preordered) FROM order_lines WHERE sku = 'P'"), 70 - 36);
  capture_order_kept(t.id);
  sums_hold(t.id);
}
END_TEST

Suite *it_suite_inbound(void)
{
  Suite *s = suite_create("inbound");
  TCase *tc = tcase_create("receipts");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_inbound_create_read_list);
  tcase_add_test(tc, test_receipt_allocates_oldest_first);
  tcase_add_test(tc, test_receipt_refusals);
  tcase_add_test(tc, test_expected_supply_and_report);
  tcase_add_test(tc, test_receipts_race_each_other_and_captures);
  suite_add_tcase(s, tc);
  return s;
}
