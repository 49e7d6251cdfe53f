/* it_rules.c: rules that both the engine (C) and the database guards (SQL)
 * must know are decided once, and the two agree. What a channel may reserve
 * at a location is eng_ats_reservable() in src/engine/ats.c; the guard of
 * every reservation re-checks it with oms_reservable() and
 * oms_fenced_other() (migrations/0005_rule_owners.sql). A table of cases
 * holds both to the same answers, first as arithmetic, then end to end:
 * what the availability API (C) says a channel may take is exactly what a
 * capture (the SQL guard) lets it take. Also: our own broken invariants are
 * 5xx, not a client's 4xx. */
#include <stdio.h>
#include <string.h>
#include "it.h"
#include "oms/engine.h"

struct reservable_case {
  long long on_hand, reserved, safety, fenced_other;
};

static const struct reservable_case cases[] = {
    {10, 0, 0, 0}, {10, 3, 0, 0}, {10, 3, 2, 0}, {10, 3, 2, 4}, {10, 3, 2, 5},
    {10, 3, 2, 9}, {0, 0, 0, 0},  {0, 0, 5, 0},  {5, 8, 0, 0},  {5, 8, 1, 1},
    {100, 0, 100, 0}, {100, 0, 99, 0}, {1000000000, 999999999, 0, 0},
};

START_TEST(test_reservable_arithmetic)
{
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const struct reservable_case *c = &cases[i];
    struct eng_ats_channel ch = {.safety_stock = c->safety, .percent = 100, .max_per_sku = -1};
    struct eng_ats_position p = {.on_hand = c->on_hand, .reserved = c->reserved,
                                 .fenced_other = c->fenced_other};
    long long sql = it_sql_int(IT_NO_SCOPE, "SELECT oms_reservable(%lld, %lld, %lld, %lld)",
                               c->on_hand, c->reserved, c->safety, c->fenced_other);
    ck_assert_msg(sql == eng_ats_reservable(&ch, &p),
                  "case %zu: SQL says %lld, C says %lld", i, sql, eng_ats_reservable(&ch, &p));
  }
}
END_TEST

/* A tenant with location WH1, item A, channel web (safety) and channel mkt
 * fencing `fence` units of A at WH1. */
static void setup(struct it_tenant *t, const struct reservable_case *c)
{
  char body[256];
  it_tenant_new(t, "rules");
  it_put_created(t->key, "/v1/items/A", "{\"name\":\"A\",\"price\":100}");
  it_put_created(t->key, "/v1/locations/WH1", "{\"name\":\"W\",\"type\":\"warehouse\"}");
  snprintf(body, sizeof body, "{\"name\":\"Web\",\"safety_stock\":%lld}", c->safety);
  it_put_created(t->key, "/v1/channels/web", body);
  it_put_created(t->key, "/v1/channels/mkt", "{\"name\":\"Market\"}");
  it_stock_set(t->key, "WH1", "A", c->on_hand);
  if (c->fenced_other > 0) {
    snprintf(body, sizeof body, "{\"location\":\"WH1\",\"quantity\":%lld}", c->fenced_other);
    it_put_created(t->key, "/v1/channels/mkt/ringfence/A", body);
  }
}

static long long web_ats(const struct it_tenant *t)
{
  struct it_resp r = it_req("GET", "/v1/channels/web/availability?sku=A", t->key, NULL);
  IT_STATUS(r, 200);
  long long v = it_int(r.json, "data[0].on_hand_ats");
  it_resp_free(&r);
  return v;
}

static long capture(const struct it_tenant *t, long long qty)
{
  char body[160];
  snprintf(body, sizeof body, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":%lld}]}",
           qty);
  struct it_resp r = it_req("POST", "/v1/orders", t->key, body);
  long status = r.status;
  it_resp_free(&r);
  return status;
}

START_TEST(test_guard_takes_what_the_engine_publishes)
{
  static const struct reservable_case live[] = {
      {10, 0, 0, 0}, {10, 0, 2, 3}, {7, 0, 3, 4}, {6, 0, 1, 2}, {4, 0, 0, 4}};
  for (size_t i = 0; i < sizeof live / sizeof live[0]; i++) {
    struct it_tenant t;
    setup(&t, &live[i]);
    long long ats = web_ats(&t);
    long long sql = it_sql_int(t.id,
                               "SELECT oms_reservable(v.on_hand, v.reserved, %lld,"
                               " oms_fenced_other(v.tenant_id, v.sku, v.location, 'web'))"
                               " FROM inventory v WHERE v.tenant_id = '%s' AND v.sku = 'A'",
                               live[i].safety, t.id);
    ck_assert_msg(ats == sql, "case %zu: the API publishes %lld, the guard allows %lld", i, ats,
                  sql);
    /* the guard lets the channel take exactly that, then nothing more */
    if (ats > 0)
      ck_assert_int_eq(capture(&t, ats), 201);
    ck_assert_int_eq(capture(&t, 1), 409);
    ck_assert_int_eq(web_ats(&t), 0);
  }
}
END_TEST

/* Stored rules that do not compile are our broken invariant (they were
 * validated when stored): 500 with the cause logged, and nothing written. */
START_TEST(test_stored_rules_fault_is_500)
{
  struct it_tenant t;
  struct reservable_case c = {5, 0, 0, 0};
  setup(&t, &c);
  const char *order = "{\"channel\":\"web\",\"lines\":[{\"sku\":\"A\",\"quantity\":1}]}";
  ck_assert(it_sql_exec(t.id, NULL,
                        "INSERT INTO tenant_rules (tenant_id, routing_rules) VALUES ('%s',"
                        " '{\"not\":\"a list\"}')",
                        t.id));
  IT_EXPECT_PROBLEM(500, "internal_error", NULL, "POST", "/v1/orders", t.key, order);
  IT_EXPECT_PROBLEM(500, "internal_error", NULL, "POST", "/v1/routing/simulate", t.key, order);
  ck_assert(it_sql_exec(t.id, NULL,
                        "UPDATE tenant_rules SET routing_rules = '[]', order_rules = '[1]'"
                        " WHERE tenant_id = '%s'", t.id));
  IT_EXPECT_PROBLEM(500, "internal_error", NULL, "POST", "/v1/orders", t.key, order);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM orders WHERE tenant_id = '%s'", t.id), 0);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT reserved FROM inventory WHERE tenant_id = '%s'", t.id),
                   0);
  /* mended, the same order goes through */
  ck_assert(it_sql_exec(t.id, NULL, "UPDATE tenant_rules SET order_rules = '[]'"
                                    " WHERE tenant_id = '%s'", t.id));
  ck_assert_int_eq(capture(&t, 1), 201);
}
END_TEST

Suite *it_suite_rules(void)
{
  Suite *s = suite_create("rules");
  TCase *tc = tcase_create("owners");
  tcase_add_test(tc, test_reservable_arithmetic);
  tcase_add_test(tc, test_guard_takes_what_the_engine_publishes);
  tcase_add_test(tc, test_stored_rules_fault_is_500);
  suite_add_tcase(s, tc);
  return s;
}
