/* it_races.c: never oversell. Many clients at once (one thread and one
 * libcurl handle each, released together by a barrier) race for the last
 * units of an item over several locations, for ring-fenced units, for
 * pre-order headroom, adjust one position, and repeat one Idempotency-Key
 * or external_id; the database then shows that nothing was oversold and
 * every accepted unit is reserved exactly once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"

struct racer {
  pthread_barrier_t *start;
  const char *method, *path, *key;
  char body[512];
  char hdr[160]; /* one extra header line, or "" */
  /* results */
  long status;
  char code[64];
  char id[40];
  char replayed[16];
  char order_id[40]; /* the existing order of a duplicate_order */
  char detail[256];
};

static void *race_one(void *cls)
{
  struct racer *p = cls;
  pthread_barrier_wait(p->start);
  struct it_resp r = p->hdr[0] ? it_req(p->method, p->path, p->key, p->body, p->hdr)
                               : it_req(p->method, p->path, p->key, p->body);
  p->status = r.status;
  snprintf(p->code, sizeof p->code, "%s", it_str(r.json, "code") ? it_str(r.json, "code") : "");
  snprintf(p->id, sizeof p->id, "%s", it_str(r.json, "id") ? it_str(r.json, "id") : "");
  snprintf(p->order_id, sizeof p->order_id, "%s",
           it_str(r.json, "order_id") ? it_str(r.json, "order_id") : "");
  snprintf(p->replayed, sizeof p->replayed, "%s", r.replayed);
  snprintf(p->detail, sizeof p->detail, "%.200s", r.status ? r.body : r.error);
  it_resp_free(&r);
  return NULL;
}

/* Runs the n prepared requests at once and waits for all of them. */
static void race(struct racer *p, size_t n)
{
  pthread_t *th = calloc(n, sizeof *th);
  pthread_barrier_t start;
  ck_assert_ptr_nonnull(th);
  pthread_barrier_init(&start, NULL, (unsigned)n);
  for (size_t i = 0; i < n; i++) {
    p[i].start = &start;
    ck_assert_int_eq(pthread_create(&th[i], NULL, race_one, &p[i]), 0);
  }
  for (size_t i = 0; i < n; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&start);
  free(th);
}

/* Counts replies with status st (and code, when not NULL). */
static size_t count(const struct racer *p, size_t n, long st, const char *code)
{
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += p[i].status == st && (!code || strcmp(p[i].code, code) == 0);
  return k;
}

/* Every reply is one of the two expected kinds; prints the first other. */
static void only_(const char *file, int line, const struct racer *p, size_t n, long ok,
                  long fail, const char *fail_code)
{
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(p[i].status == ok || (p[i].status == fail && strcmp(p[i].code, fail_code) == 0),
                  "%s:%d: request %zu: %ld %s", file, line, i, p[i].status, p[i].detail);
}
#define ONLY(p, n, ok, fail, code) only_(__FILE__, __LINE__, (p), (n), (ok), (fail), (code))

#define adjust(key, loc, sku, delta) it_stock_adjust((key), (loc), (sku), (delta))

static void order_racer(struct racer *p, const char *key, const char *channel, const char *ext,
                        const char *sku, int qty)
{
  memset(p, 0, sizeof *p);
  p->method = "POST";
  p->path = "/v1/orders";
  p->key = key;
  snprintf(p->body, sizeof p->body,
           "{\"channel\":\"%s\",\"external_id\":\"%s\",\"lines\":[{\"sku\":\"%s\",\"quantity\":%d}]}",
           channel, ext, sku, qty);
}

/* Reservations agree with the open fulfillment lines at every position,
 * and none exceeds its on_hand. */
static void reservations_consistent(const char *tenant)
{
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM inventory WHERE reserved > on_hand"), 0);
  ck_assert_int_eq(
      it_sql_int(tenant, "SELECT count(*) FROM inventory v WHERE v.reserved <>"
                         " (SELECT coalesce(sum(l.quantity - l.shipped - l.rejected - l.cancelled), 0)"
                         "  FROM fulfillment_lines l JOIN fulfillments f ON f.id = l.fulfillment_id"
                         "  WHERE f.source_type = 'location' AND f.source = v.location AND l.sku = v.sku)"),
      0);
  /* every order line's allocation is on fulfillment lines, once */
  ck_assert_int_eq(
      it_sql_int(tenant, "SELECT count(*) FROM order_lines ol WHERE ol.allocated <>"
                         " (SELECT coalesce(sum(l.quantity), 0) FROM fulfillment_lines l"
                         "  JOIN fulfillments f ON f.id = l.fulfillment_id"
                         "  WHERE f.order_id = ol.order_id AND l.line = ol.line)"),
      0);
}

START_TEST(last_units_over_three_locations)
{
  enum { N = 50 };
  struct it_tenant t;
  it_tenant_new(&t, "race");
  it_put_created(t.key, "/v1/locations/WH1", "{\"name\":\"a\",\"type\":\"warehouse\",\"priority\":1}");
  it_put_created(t.key, "/v1/locations/WH2", "{\"name\":\"b\",\"type\":\"warehouse\",\"priority\":2}");
  it_put_created(t.key, "/v1/locations/ST3", "{\"name\":\"c\",\"type\":\"store\",\"priority\":3}");
  it_put_created(t.key, "/v1/items/HOT", "{\"name\":\"hot\",\"price\":2500}");
  it_put_created(t.key, "/v1/channels/web", "{\"name\":\"Web\"}");
  adjust(t.key, "WH1", "HOT", 7);
  adjust(t.key, "WH2", "HOT", 7);
  adjust(t.key, "ST3", "HOT", 6);
  char sf[80];
  it_key_new(&t, "storefront", sf, NULL);

  struct racer *p = calloc(N, sizeof *p);
  for (int i = 0; i < N; i++) {
    char ext[32];
    snprintf(ext, sizeof ext, "r%d", i);
    order_racer(&p[i], i % 2 ? sf : t.key, "web", ext, "HOT", 1);
  }
  race(p, N);
  ONLY(p, N, 201, 409, "insufficient_inventory");
  ck_assert_uint_eq(count(p, N, 201, NULL), 20);
  ck_assert_uint_eq(count(p, N, 409, "insufficient_inventory"), 30);
  /* 20 distinct orders */
  for (int i = 0; i < N; i++)
    for (int k = 0; k < i && p[i].status == 201; k++)
      ck_assert_msg(p[k].status != 201 || strcmp(p[i].id, p[k].id) != 0, "order %s twice", p[i].id);
  free(p);

  /* nothing oversold, every accepted unit reserved exactly once */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory WHERE reserved > on_hand"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(reserved) FROM inventory WHERE sku = 'HOT'"), 20);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory WHERE sku = 'HOT' AND reserved <> on_hand"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(quantity) FROM fulfillment_lines WHERE sku = 'HOT'"), 20);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(allocated) FROM order_lines WHERE sku = 'HOT'"), 20);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM orders"), 20);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM order_lines WHERE allocated <> 1"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM fulfillments"), 20);
  reservations_consistent(t.id);
  /* the refused ones left nothing behind; on_hand is untouched */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(on_hand) FROM inventory"), 20);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM events WHERE type = 'order.created'"), 20);
  /* sold out: the next order is refused at once */
  IT_EXPECT_PROBLEM(409, "insufficient_inventory", "lines[0].quantity", "POST", "/v1/orders", t.key,
                    "{\"channel\":\"web\",\"lines\":[{\"sku\":\"HOT\",\"quantity\":1}]}");
}
END_TEST

START_TEST(ring_fenced_units)
{
  enum { N = 80 };
  struct it_tenant t;
  it_tenant_new(&t, "racefence");
  it_put_created(t.key, "/v1/locations/WH1", "{\"name\":\"a\",\"type\":\"warehouse\"}");
  it_put_created(t.key, "/v1/items/F", "{\"name\":\"fenced\",\"price\":100}");
  it_put_created(t.key, "/v1/channels/web", "{\"name\":\"Web\"}");
  it_put_created(t.key, "/v1/channels/mkt", "{\"name\":\"Marketplace\"}");
  adjust(t.key, "WH1", "F", 15);
  it_put_created(t.key, "/v1/channels/mkt/ringfence/F", "{\"location\":\"WH1\",\"quantity\":10}");

  struct racer *p = calloc(N, sizeof *p);
  for (int i = 0; i < N; i++) {
    char ext[32];
    snprintf(ext, sizeof ext, "f%d", i);
    order_racer(&p[i], t.key, i % 2 ? "mkt" : "web", ext, "F", 1);
  }
  race(p, N);
  ONLY(p, N, 201, 409, "insufficient_inventory");
  size_t web = 0, mkt = 0;
  for (int i = 0; i < N; i++)
    if (p[i].status == 201) {
      if (i % 2)
        mkt++;
      else
        web++;
    }
  free(p);
  ck_assert_msg(web <= 5, "web got %zu (only 5 are not fenced)", web);
  ck_assert_msg(mkt <= 15 && mkt >= 10, "mkt got %zu", mkt);
  ck_assert_uint_eq(web + mkt, 15);

  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE sku = 'F'"), 15);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM ringfences WHERE quantity < 0"), 0);
  /* the fence shrank by exactly the units mkt took from it; web took none of them */
  long long fenced_mkt = it_sql_int(t.id, "SELECT coalesce(sum(l.fenced), 0) FROM fulfillment_lines l"
                                          " JOIN fulfillments f ON f.id = l.fulfillment_id"
                                          " JOIN orders o ON o.id = f.order_id WHERE o.channel = 'mkt'");
  ck_assert_int_eq(fenced_mkt, 10);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT quantity FROM ringfences WHERE channel = 'mkt'"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT coalesce(sum(l.fenced), 0) FROM fulfillment_lines l"
                                    " JOIN fulfillments f ON f.id = l.fulfillment_id"
                                    " JOIN orders o ON o.id = f.order_id WHERE o.channel = 'web'"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM orders WHERE channel = 'web'"), (long long)web);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM orders WHERE channel = 'mkt'"), (long long)mkt);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(allocated) FROM order_lines"), 15);
  reservations_consistent(t.id);
}
END_TEST

START_TEST(ring_fence_holds_while_free_units_last)
{
  /* web alone races for a position where most units are fenced for mkt:
   * it gets exactly the free units and the fence is untouched */
  enum { N = 30 };
  struct it_tenant t;
  it_tenant_new(&t, "racefence2");
  it_put_created(t.key, "/v1/locations/WH1", "{\"name\":\"a\",\"type\":\"warehouse\"}");
  it_put_created(t.key, "/v1/locations/WH2", "{\"name\":\"b\",\"type\":\"warehouse\"}");
  it_put_created(t.key, "/v1/items/F", "{\"name\":\"fenced\",\"price\":100}");
  it_put_created(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"safety_stock\":1}");
  it_put_created(t.key, "/v1/channels/mkt", "{\"name\":\"Marketplace\"}");
  adjust(t.key, "WH1", "F", 15);
  adjust(t.key, "WH2", "F", 4);
  it_put_created(t.key, "/v1/channels/mkt/ringfence/F", "{\"location\":\"WH1\",\"quantity\":10}");
  struct racer *p = calloc(N, sizeof *p);
  for (int i = 0; i < N; i++) {
    char ext[32];
    snprintf(ext, sizeof ext, "w%d", i);
    order_racer(&p[i], t.key, "web", ext, "F", 1);
  }
  race(p, N);
  ONLY(p, N, 201, 409, "insufficient_inventory");
  /* WH1: 15 - 10 fenced - 1 safety = 4; WH2: 4 - 1 = 3 */
  ck_assert_uint_eq(count(p, N, 201, NULL), 7);
  free(p);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE location = 'WH1'"), 4);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE location = 'WH2'"), 3);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT quantity FROM ringfences"), 10);
  reservations_consistent(t.id);
  /* mkt still gets its 10 (and the safety-stock unit web may not take) */
  struct it_resp r = it_req("POST", "/v1/orders", t.key,
                            "{\"channel\":\"mkt\",\"lines\":[{\"sku\":\"F\",\"quantity\":12}]}");
  IT_STATUS(r, 201);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory WHERE reserved <> on_hand"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT quantity FROM ringfences"), 0);
  reservations_consistent(t.id);
}
END_TEST

START_TEST(preorder_headroom)
{
  enum { N = 60, M = 30 };
  struct it_tenant t;
  it_tenant_new(&t, "racepre");
  it_put_created(t.key, "/v1/items/P", "{\"name\":\"pre\",\"price\":100,\"preorder\":{\"enabled\":true,"
                                        "\"limit\":25,\"release_date\":\"2030-01-15\"}}");
  it_put_created(t.key, "/v1/items/Q", "{\"name\":\"pre2\",\"price\":100,\"preorder\":{\"enabled\":true,"
                                        "\"limit\":100,\"channel_limits\":{\"web\":12}}}");
  it_put_created(t.key, "/v1/channels/web", "{\"name\":\"Web\",\"preorders\":true}");

  struct racer *p = calloc(N, sizeof *p);
  for (int i = 0; i < N; i++) {
    char ext[32];
    snprintf(ext, sizeof ext, "p%d", i);
    order_racer(&p[i], t.key, "web", ext, "P", 1);
  }
  race(p, N);
  ONLY(p, N, 201, 409, "insufficient_inventory");
  ck_assert_uint_eq(count(p, N, 201, NULL), 25);
  ck_assert_uint_eq(count(p, N, 409, "insufficient_inventory"), 35);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT outstanding FROM preorder_counts WHERE sku = 'P' AND channel = '*'"), 25);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT outstanding FROM preorder_counts WHERE sku = 'P' AND channel = 'web'"), 25);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(preordered) FROM order_lines WHERE sku = 'P'"), 25);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM order_lines WHERE sku = 'P' AND status = 'preordered'"
                                    " AND promise_date = '2030-01-15'"), 25);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM orders WHERE status = 'preordered'"), 25);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM fulfillments"), 0);

  /* a channel limit holds the same way */
  for (int i = 0; i < M; i++) {
    char ext[32];
    snprintf(ext, sizeof ext, "q%d", i);
    order_racer(&p[i], t.key, "web", ext, "Q", 1);
  }
  race(p, M);
  ONLY(p, M, 201, 409, "insufficient_inventory");
  ck_assert_uint_eq(count(p, M, 201, NULL), 12);
  free(p);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT outstanding FROM preorder_counts WHERE sku = 'Q' AND channel = 'web'"), 12);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT outstanding FROM preorder_counts WHERE sku = 'Q' AND channel = '*'"), 12);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(preordered) FROM order_lines WHERE sku = 'Q'"), 12);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM preorder_counts WHERE outstanding < 0"), 0);
}
END_TEST

START_TEST(concurrent_adjustments_lose_no_update)
{
  enum { N = 40, M = 20 };
  struct it_tenant t;
  it_tenant_new(&t, "raceadj");
  it_put_created(t.key, "/v1/locations/WH1", "{\"name\":\"a\",\"type\":\"warehouse\"}");
  it_put_created(t.key, "/v1/items/A", "{\"name\":\"a\",\"price\":1,\"case_pack\":6}");
  it_put_created(t.key, "/v1/items/B", "{\"name\":\"b\",\"price\":1}");
  adjust(t.key, "WH1", "A", 100);

  struct racer *p = calloc(N, sizeof *p);
  long long want = 100;
  for (int i = 0; i < N; i++) {
    /* +1, -1, +3 and a case of 6, mixed */
    static const char *const kinds[] = {"\"delta\":1", "\"delta\":-1", "\"delta\":3",
                                        "\"delta\":1,\"uom\":\"CASE\"", "\"delta\":-1"};
    static const long long each[] = {1, -1, 3, 6, -1};
    p[i].method = "POST";
    p[i].path = "/v1/inventory/adjustments";
    p[i].key = t.key;
    snprintf(p[i].body, sizeof p[i].body,
             "{\"location\":\"WH1\",\"sku\":\"A\",%s,\"reason\":\"correction\",\"reference\":\"t%d\"}",
             kinds[i % 5], i);
    want += each[i % 5];
  }
  race(p, N);
  ONLY(p, N, 200, 0, "-");
  ck_assert_int_eq(it_sql_int(t.id, "SELECT on_hand FROM inventory WHERE sku = 'A'"), want);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(delta) FROM inventory_ledger WHERE sku = 'A'"), want);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory_ledger WHERE sku = 'A'"), N + 1);
  /* each row continues the one before it: the adjustments ran one after another */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM (SELECT on_hand_after, delta,"
                                    " lag(on_hand_after) OVER (ORDER BY id) AS prev"
                                    " FROM inventory_ledger WHERE sku = 'A') x"
                                    " WHERE prev IS NOT NULL AND prev + delta <> on_hand_after"), 0);

  /* the last units: 20 clients take one each of 10; exactly 10 succeed, never below 0 */
  adjust(t.key, "WH1", "B", 10);
  for (int i = 0; i < M; i++) {
    memset(&p[i], 0, sizeof p[i]);
    p[i].method = "POST";
    p[i].path = "/v1/inventory/adjustments";
    p[i].key = t.key;
    snprintf(p[i].body, sizeof p[i].body, "{\"location\":\"WH1\",\"sku\":\"B\",\"delta\":-1,\"reason\":\"damage\"}");
  }
  race(p, M);
  ONLY(p, M, 200, 409, "invalid_state");
  ck_assert_uint_eq(count(p, M, 200, NULL), 10);
  free(p);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT on_hand FROM inventory WHERE sku = 'B'"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT sum(delta) FROM inventory_ledger WHERE sku = 'B'"), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM inventory_ledger WHERE sku = 'B'"), 11);
}
END_TEST

START_TEST(duplicate_idempotency_keys_and_external_ids)
{
  enum { N = 12 };
  struct it_tenant t;
  it_tenant_new(&t, "raceidem");
  it_put_created(t.key, "/v1/locations/WH1", "{\"name\":\"a\",\"type\":\"warehouse\"}");
  it_put_created(t.key, "/v1/items/A", "{\"name\":\"a\",\"price\":100}");
  it_put_created(t.key, "/v1/channels/web", "{\"name\":\"Web\"}");
  adjust(t.key, "WH1", "A", 100);

  /* the same key and body from 12 clients: one order, the rest replay it */
  struct racer *p = calloc(N, sizeof *p);
  for (int i = 0; i < N; i++) {
    order_racer(&p[i], t.key, "web", "idem-1", "A", 2);
    snprintf(p[i].hdr, sizeof p[i].hdr, "Idempotency-Key: k-1");
  }
  race(p, N);
  ONLY(p, N, 201, 0, "-");
  size_t replayed = 0;
  for (int i = 0; i < N; i++) {
    replayed += strcmp(p[i].replayed, "true") == 0;
    ck_assert_str_eq(p[i].id, p[0].id);
  }
  ck_assert_uint_eq(replayed, N - 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM orders"), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory"), 2);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM idempotency_keys WHERE key = 'k-1'"), 1);

  /* one key, different bodies: one order, the others 422 */
  for (int i = 0; i < N; i++) {
    char ext[32];
    snprintf(ext, sizeof ext, "idem-2-%d", i);
    order_racer(&p[i], t.key, "web", ext, "A", 1);
    snprintf(p[i].hdr, sizeof p[i].hdr, "Idempotency-Key: k-2");
  }
  race(p, N);
  ONLY(p, N, 201, 422, "idempotency_key_reused");
  ck_assert_uint_eq(count(p, N, 201, NULL), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM orders"), 2);

  /* one external_id, no key: one order, the others 409 duplicate_order naming it */
  for (int i = 0; i < N; i++)
    order_racer(&p[i], t.key, "web", "ext-3", "A", 1);
  race(p, N);
  ONLY(p, N, 201, 409, "duplicate_order");
  ck_assert_uint_eq(count(p, N, 201, NULL), 1);
  const char *winner = NULL;
  for (int i = 0; i < N; i++)
    if (p[i].status == 201)
      winner = p[i].id;
  ck_assert_ptr_nonnull(winner);
  for (int i = 0; i < N; i++)
    if (p[i].status == 409)
      ck_assert_msg(strcmp(p[i].order_id, winner) == 0, "duplicate names %s, not %s: %s",
                    p[i].order_id, winner, p[i].detail);
  free(p);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM orders"), 3);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM orders WHERE external_id = 'ext-3'"), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory"), 4);
  reservations_consistent(t.id);
}
END_TEST

Suite *it_suite_races(void)
{
  Suite *s = suite_create("races");
  TCase *tc = tcase_create("races");
  tcase_add_test(tc, last_units_over_three_locations);
  tcase_add_test(tc, ring_fenced_units);
  tcase_add_test(tc, ring_fence_holds_while_free_units_last);
  tcase_add_test(tc, preorder_headroom);
  tcase_add_test(tc, concurrent_adjustments_lose_no_update);
  tcase_add_test(tc, duplicate_idempotency_keys_and_external_ids);
  suite_add_tcase(s, tc);
  return s;
}
