/* check_ats.c: available-to-sell arithmetic (docs/availability.md) and the
 * adjustment rules, with the worked examples of docs/availability.md. */
#include <check.h>
#include <string.h>
#include "oms/engine.h"
#include "unit.h"

static const struct eng_ats_channel plain = {.safety_stock = 0, .percent = 100, .max_per_sku = -1};
static const struct eng_ats_item no_extra = {.channel_limit = -1};

static struct eng_ats_position pos(long long on_hand, long long reserved, long long fenced_other)
{
  return (struct eng_ats_position){.on_hand = on_hand, .reserved = reserved,
                                   .fenced_other = fenced_other, .active = true, .ship = true,
                                   .in_channel = true};
}

START_TEST(pool_subtracts_reserved_safety_and_other_fences)
{
  struct eng_ats_channel c = plain;
  c.safety_stock = 2;
  struct eng_ats_position p = pos(30, 5, 10);
  ck_assert_int_eq(eng_ats_pool(&c, &p), 13); /* 30 - 5 - 2 - 10 */
  p = pos(10, 9, 0);
  ck_assert_int_eq(eng_ats_pool(&c, &p), 0);  /* never below zero */
  p = pos(3, 5, 0);                           /* a discrepancy: reserved > on_hand */
  ck_assert_int_eq(eng_ats_pool(&c, &p), 0);
}
END_TEST

START_TEST(locations_that_do_not_count)
{
  struct eng_ats_position p = pos(10, 0, 0);
  p.active = false;
  ck_assert_int_eq(eng_ats_pool(&plain, &p), 0);
  p = pos(10, 0, 0);
  p.ship = false;
  ck_assert_int_eq(eng_ats_pool(&plain, &p), 0);
  p = pos(10, 0, 0);
  p.in_channel = false;
  ck_assert_int_eq(eng_ats_pool(&plain, &p), 0);
  /* but what an order may reserve there ignores publication flags */
  ck_assert_int_eq(eng_ats_reservable(&plain, &p), 10);
}
END_TEST

START_TEST(percent_floors_and_cap_applies)
{
  struct eng_ats_position ps[] = {pos(18, 0, 0), pos(19, 0, 0)};
  struct eng_ats a;
  struct eng_ats_channel c = plain;
  c.percent = 50;
  eng_ats_compute(&c, &no_extra, ps, 2, &a);
  ck_assert_int_eq(a.pool, 37);
  ck_assert_int_eq(a.on_hand_ats, 18); /* floor(18.5) */
  c.percent = 0;
  eng_ats_compute(&c, &no_extra, ps, 2, &a);
  ck_assert_int_eq(a.on_hand_ats, 0);
  c.percent = 100;
  c.max_per_sku = 25;
  eng_ats_compute(&c, &no_extra, ps, 2, &a);
  ck_assert_int_eq(a.on_hand_ats, 25);
  c.max_per_sku = 0; /* 0 = nothing from stock */
  eng_ats_compute(&c, &no_extra, ps, 2, &a);
  ck_assert_int_eq(a.on_hand_ats, 0);
  ck_assert_int_eq(a.available_to_sell, 0);
}
END_TEST

START_TEST(percent_is_exact_for_large_pools)
{
  struct eng_ats_position ps[] = {pos(999999999, 0, 0)};
  struct eng_ats a;
  struct eng_ats_channel c = plain;
  c.percent = 33;
  eng_ats_compute(&c, &no_extra, ps, 1, &a);
  ck_assert_int_eq(a.on_hand_ats, 329999999); /* floor(0.33 * 999999999) */
}
END_TEST

START_TEST(dropship_needs_channel_and_item)
{
  struct eng_ats a;
  struct eng_ats_channel c = plain;
  struct eng_ats_item it = no_extra;
  it.supplier_available = 40;
  it.dropship = true;
  eng_ats_compute(&c, &it, NULL, 0, &a);
  ck_assert_int_eq(a.dropship_ats, 0); /* channel does not drop-ship */
  c.dropship = true;
  eng_ats_compute(&c, &it, NULL, 0, &a);
  ck_assert_int_eq(a.dropship_ats, 40);
  it.dropship = false;
  eng_ats_compute(&c, &it, NULL, 0, &a);
  ck_assert_int_eq(a.dropship_ats, 0);
}
END_TEST

START_TEST(preorder_headroom_with_channel_limit)
{
  struct eng_ats a;
  struct eng_ats_channel c = plain;
  struct eng_ats_item it = {.preorder_enabled = true, .preorder_limit = 100,
                            .channel_limit = 30, .outstanding = 60, .outstanding_channel = 12};
  eng_ats_compute(&c, &it, NULL, 0, &a);
  ck_assert_int_eq(a.preorder_ats, 0); /* channel does not take pre-orders */
  c.preorders = true;
  eng_ats_compute(&c, &it, NULL, 0, &a);
  ck_assert_int_eq(a.preorder_ats, 18); /* min(100-60, 30-12) */
  it.channel_limit = -1;
  eng_ats_compute(&c, &it, NULL, 0, &a);
  ck_assert_int_eq(a.preorder_ats, 40);
  it.outstanding = 120; /* over the limit after a change of limit */
  eng_ats_compute(&c, &it, NULL, 0, &a);
  ck_assert_int_eq(a.preorder_ats, 0);
  it.preorder_enabled = false;
  it.outstanding = 0;
  eng_ats_compute(&c, &it, NULL, 0, &a);
  ck_assert_int_eq(a.preorder_ats, 0);
}
END_TEST

START_TEST(everything_combined)
{
  /* the docs example: web (safety 2, 50%, drop-ship, pre-orders) */
  struct eng_ats_channel web = {.safety_stock = 2, .percent = 50, .max_per_sku = -1,
                                .dropship = true, .preorders = true};
  struct eng_ats_position ps[] = {pos(30, 0, 10), pos(21, 0, 0), pos(7, 0, 0)};
  ps[2].ship = false; /* a store that does not ship */
  struct eng_ats_item it = {.dropship = true, .supplier_available = 40, .preorder_enabled = true,
                            .preorder_limit = 100, .channel_limit = 30};
  struct eng_ats a;
  eng_ats_compute(&web, &it, ps, 3, &a);
  ck_assert_int_eq(a.pool, 37);
  ck_assert_int_eq(a.on_hand_ats, 18);
  ck_assert_int_eq(a.dropship_ats, 40);
  ck_assert_int_eq(a.preorder_ats, 30);
  ck_assert_int_eq(a.available_to_sell, 88);
}
END_TEST

START_TEST(eval_from_json_inputs)
{
  /* which locations count is the channel's (the engine decides, from its list) */
  json_t *ch = json_loads("{\"code\":\"web\",\"locations\":[\"WH1\"],\"safety_stock\":1,\"percent\":100,"
                          "\"max_per_sku\":null,\"dropship\":false,\"preorders\":false}", 0, NULL);
  json_t *in = json_loads("{\"sku\":\"A\",\"dropship\":false,\"supplier_available\":0,"
                          "\"preorder_enabled\":false,\"preorder_limit\":0,\"channel_limit\":null,"
                          "\"outstanding\":0,\"outstanding_channel\":0,\"positions\":["
                          "{\"location\":\"WH1\",\"on_hand\":10,\"reserved\":3,\"fenced_this\":0,"
                          "\"fenced_other\":2,\"active\":true,\"ship\":true},"
                          "{\"location\":\"WH2\",\"on_hand\":5,\"reserved\":0,\"fenced_this\":0,"
                          "\"fenced_other\":0,\"active\":true,\"ship\":true}]}",
                          0, NULL);
  ck_assert_ptr_nonnull(ch);
  ck_assert_ptr_nonnull(in);
  json_t *res = ut_ats_eval(ch, in);
  ck_assert_str_eq(json_string_value(json_object_get(res, "sku")), "A");
  ck_assert_int_eq(json_integer_value(json_object_get(res, "on_hand_ats")), 4);
  ck_assert_int_eq(json_integer_value(json_object_get(res, "available_to_sell")), 4);
  json_t *locs = json_object_get(res, "locations");
  ck_assert_int_eq(json_array_size(locs), 2);
  ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(locs, 1), "pool")), 0);
  json_decref(res);
  json_decref(in);
  json_decref(ch);
}
END_TEST

static json_t *adj(const char *text, json_t **errors)
{
  json_t *in = json_loads(text, 0, NULL), *out = NULL;
  *errors = json_array();
  eng_adjustment_parse(in, &out, *errors);
  json_decref(in);
  return out;
}

static const char *first_field(json_t *errors)
{
  return json_string_value(json_object_get(json_array_get(errors, 0), "field"));
}

START_TEST(adjustment_rules)
{
  json_t *e, *o;
  o = adj("{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":-3}", &e);
  ck_assert_ptr_nonnull(o);
  ck_assert_str_eq(json_string_value(json_object_get(o, "uom")), "EACH");
  ck_assert_str_eq(json_string_value(json_object_get(o, "reason")), "correction");
  json_decref(o);
  json_decref(e);

  o = adj("{\"location\":\"WH1\",\"sku\":\"A\"}", &e);
  ck_assert_ptr_null(o);
  ck_assert_str_eq(first_field(e), "delta");
  json_decref(e);
  o = adj("{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":1,\"set\":2}", &e);
  ck_assert_ptr_null(o);
  ck_assert_str_eq(first_field(e), "set");
  json_decref(e);
  o = adj("{\"location\":\"WH1\",\"sku\":\"A\",\"set\":-1}", &e);
  ck_assert_ptr_null(o);
  ck_assert_str_eq(first_field(e), "set");
  json_decref(e);
  o = adj("{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":0}", &e);
  ck_assert_ptr_null(o);
  ck_assert_str_eq(first_field(e), "delta");
  json_decref(e);
  o = adj("{\"location\":\"WH1\",\"sku\":\"A\",\"delta\":1.5}", &e);
  ck_assert_ptr_null(o);
  ck_assert_str_eq(first_field(e), "delta");
  json_decref(e);
  o = adj("{\"location\":\"WH1\",\"sku\":\"A\",\"set\":1,\"uom\":\"PALLET\"}", &e);
  ck_assert_ptr_null(o);
  ck_assert_str_eq(first_field(e), "uom");
  json_decref(e);
  o = adj("{\"location\":\"WH1\",\"sku\":\"A\",\"set\":1,\"reason\":\"theft\"}", &e);
  ck_assert_ptr_null(o);
  ck_assert_str_eq(first_field(e), "reason");
  json_decref(e);
}
END_TEST

START_TEST(units_of_measure)
{
  long long each;
  ck_assert_int_eq(eng_to_each(5, "EACH", -1, &each), 0);
  ck_assert_int_eq(each, 5);
  ck_assert_int_eq(eng_to_each(5, "CASE", 12, &each), 0);
  ck_assert_int_eq(each, 60);
  ck_assert_int_eq(eng_to_each(-2, "CASE", 12, &each), 0);
  ck_assert_int_eq(each, -24);
  ck_assert_int_eq(eng_to_each(5, "CASE", -1, &each), -1);           /* no case_pack */
  ck_assert_int_eq(eng_to_each(1000000000, "CASE", 1000, &each), -1); /* out of range */
}
END_TEST

Suite *suite_ats(void)
{
  Suite *s = suite_create("ats");
  TCase *tc = tcase_create("arithmetic");
  tcase_add_test(tc, pool_subtracts_reserved_safety_and_other_fences);
  tcase_add_test(tc, locations_that_do_not_count);
  tcase_add_test(tc, percent_floors_and_cap_applies);
  tcase_add_test(tc, percent_is_exact_for_large_pools);
  tcase_add_test(tc, dropship_needs_channel_and_item);
  tcase_add_test(tc, preorder_headroom_with_channel_limit);
  tcase_add_test(tc, everything_combined);
  tcase_add_test(tc, eval_from_json_inputs);
  tcase_add_test(tc, adjustment_rules);
  tcase_add_test(tc, units_of_measure);
  suite_add_tcase(s, tc);
  return s;
}
