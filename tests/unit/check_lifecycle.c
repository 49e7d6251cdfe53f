/* check_lifecycle.c: line and order statuses of src/engine/lifecycle.c,
 * derived from unit counts. Each line status, then the order statuses that
 * combinations of line statuses give (docs/openapi.yaml, order statuses). */
#include <check.h>
#include <stddef.h>
#include "oms/engine.h"
#include "unit.h"

/* A line of 4 units unless the test says otherwise. */
static const char *line_st(struct eng_line_qty q, bool held)
{
  if (q.quantity == 0)
    q.quantity = 4;
  return oms_status_name(eng_line_status(&q, held));
}

START_TEST(test_line_cancelled)
{
  ck_assert_str_eq(line_st((struct eng_line_qty){.cancelled = 4}, false), "cancelled");
  ck_assert_str_eq(line_st((struct eng_line_qty){.cancelled = 4}, true), "cancelled");
  /* cancelled wins even when a stale count says otherwise */
  ck_assert_str_eq(line_st((struct eng_line_qty){.cancelled = 4, .backordered = 1}, false),
                   "cancelled");
}
END_TEST

START_TEST(test_line_returned)
{
  /* every shipped unit back, and every open unit shipped */
  ck_assert_str_eq(line_st((struct eng_line_qty){.shipped = 4, .delivered = 4, .returned = 4}, false),
                   "returned");
  /* one cancelled, three shipped, three back: the whole line is returned */
  ck_assert_str_eq(line_st((struct eng_line_qty){.cancelled = 1, .shipped = 3, .returned = 3}, false),
                   "returned");
  ck_assert_str_eq(line_st((struct eng_line_qty){.shipped = 4, .delivered = 4, .returned = 1}, false),
                   "partially_returned");
  /* two shipped and back, two still at the warehouse */
  ck_assert_str_eq(line_st((struct eng_line_qty){.allocated = 2, .shipped = 2, .returned = 2}, false),
                   "partially_returned");
}
END_TEST

START_TEST(test_line_shipped_delivered_completed)
{
  ck_assert_str_eq(line_st((struct eng_line_qty){.shipped = 4}, false), "shipped");
  ck_assert_str_eq(line_st((struct eng_line_qty){.shipped = 4, .delivered = 3}, false), "shipped");
  ck_assert_str_eq(line_st((struct eng_line_qty){.shipped = 4, .delivered = 4}, false), "delivered");
  /* a pickup line handed over is completed, not delivered */
  ck_assert_str_eq(line_st((struct eng_line_qty){.shipped = 4, .delivered = 4, .pickup = true}, false),
                   "completed");
  ck_assert_str_eq(line_st((struct eng_line_qty){.shipped = 4, .pickup = true}, false), "shipped");
  /* shipped counts against what was not cancelled */
  ck_assert_str_eq(line_st((struct eng_line_qty){.cancelled = 1, .shipped = 3}, false), "shipped");
  /* a hold does not matter once everything has left */
  ck_assert_str_eq(line_st((struct eng_line_qty){.shipped = 4}, true), "shipped");
}
END_TEST

START_TEST(test_line_partially_shipped)
{
  ck_assert_str_eq(line_st((struct eng_line_qty){.allocated = 3, .shipped = 1}, false),
                   "partially_shipped");
  /* shipped outranks exception, backorder and hold */
  ck_assert_str_eq(line_st((struct eng_line_qty){.exception = 3, .shipped = 1}, true),
                   "partially_shipped");
  ck_assert_str_eq(line_st((struct eng_line_qty){.backordered = 2, .shipped = 2}, false),
                   "partially_shipped");
}
END_TEST

START_TEST(test_line_waiting_states)
{
  ck_assert_str_eq(line_st((struct eng_line_qty){.allocated = 2, .exception = 2}, false), "exception");
  /* exception outranks pre-order and backorder */
  ck_assert_str_eq(line_st((struct eng_line_qty){.exception = 1, .preordered = 3}, false), "exception");
  ck_assert_str_eq(line_st((struct eng_line_qty){.exception = 4}, true), "exception");
  ck_assert_str_eq(line_st((struct eng_line_qty){.preordered = 4}, false), "preordered");
  /* a line partly covered by stock stays preordered */
  ck_assert_str_eq(line_st((struct eng_line_qty){.allocated = 1, .preordered = 3}, false), "preordered");
  ck_assert_str_eq(line_st((struct eng_line_qty){.preordered = 1, .backordered = 3}, false), "preordered");
  ck_assert_str_eq(line_st((struct eng_line_qty){.preordered = 4}, true), "preordered");
  ck_assert_str_eq(line_st((struct eng_line_qty){.backordered = 4}, false), "backordered");
  ck_assert_str_eq(line_st((struct eng_line_qty){.allocated = 3, .backordered = 1}, false), "backordered");
  ck_assert_str_eq(line_st((struct eng_line_qty){.backordered = 4}, true), "backordered");
}
END_TEST

START_TEST(test_line_on_hold_released)
{
  ck_assert_str_eq(line_st((struct eng_line_qty){.allocated = 4}, true), "on_hold");
  ck_assert_str_eq(line_st((struct eng_line_qty){.allocated = 4}, false), "released");
  /* part cancelled, the rest allocated */
  ck_assert_str_eq(line_st((struct eng_line_qty){.allocated = 3, .cancelled = 1}, false), "released");
  ck_assert_str_eq(line_st((struct eng_line_qty){.allocated = 3, .cancelled = 1}, true), "on_hold");
}
END_TEST

#define ORDER(held, sc, ...)                                                                       \
  order_st((const char *const[]){__VA_ARGS__},                                                     \
           sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *), held, sc)

static const char *order_st(const char *const *st, size_t n, bool held, bool ship_complete)
{
  enum oms_status v[16];
  ck_assert_uint_le(n, 16);
  for (size_t i = 0; i < n; i++) {
    ck_assert_int_ge(oms_status_of(st[i]), 0);
    v[i] = (enum oms_status)oms_status_of(st[i]);
  }
  return oms_status_name(eng_order_status(v, n, held, ship_complete));
}

START_TEST(test_order_cancelled)
{
  ck_assert_str_eq(ORDER(false, false, "cancelled"), "cancelled");
  ck_assert_str_eq(ORDER(false, false, "cancelled", "cancelled"), "cancelled");
  ck_assert_str_eq(ORDER(true, true, "cancelled", "cancelled"), "cancelled");
  ck_assert_str_eq(oms_status_name(eng_order_status(NULL, 0, false, false)), "cancelled");
}
END_TEST

START_TEST(test_order_shipped_family)
{
  /* cancelled lines do not count: what is left has shipped */
  ck_assert_str_eq(ORDER(false, false, "shipped", "cancelled"), "shipped");
  ck_assert_str_eq(ORDER(false, false, "shipped", "shipped"), "shipped");
  ck_assert_str_eq(ORDER(false, false, "shipped", "delivered"), "shipped");
  ck_assert_str_eq(ORDER(false, false, "delivered", "delivered", "cancelled"), "delivered");
  ck_assert_str_eq(ORDER(false, false, "completed", "completed"), "completed");
  /* a pickup line handed over and a delivered one: delivered */
  ck_assert_str_eq(ORDER(false, false, "completed", "delivered"), "delivered");
  ck_assert_str_eq(ORDER(false, false, "completed", "shipped"), "shipped");
  /* a hold does not matter once everything has left */
  ck_assert_str_eq(ORDER(true, false, "shipped"), "shipped");
}
END_TEST

START_TEST(test_order_partially_shipped)
{
  ck_assert_str_eq(ORDER(false, false, "shipped", "released"), "partially_shipped");
  ck_assert_str_eq(ORDER(false, false, "released", "partially_shipped"), "partially_shipped");
  ck_assert_str_eq(ORDER(false, false, "delivered", "backordered"), "partially_shipped");
  ck_assert_str_eq(ORDER(false, false, "shipped", "exception"), "partially_shipped");
  ck_assert_str_eq(ORDER(true, false, "shipped", "on_hold"), "partially_shipped");
}
END_TEST

START_TEST(test_order_held_and_exception)
{
  ck_assert_str_eq(ORDER(true, false, "on_hold", "on_hold"), "on_hold");
  /* a hold outranks exceptions and waiting lines */
  ck_assert_str_eq(ORDER(true, false, "on_hold", "exception"), "on_hold");
  ck_assert_str_eq(ORDER(true, false, "preordered"), "on_hold");
  ck_assert_str_eq(ORDER(true, false, "backordered"), "on_hold");
  ck_assert_str_eq(ORDER(false, false, "released", "exception"), "exception");
  ck_assert_str_eq(ORDER(false, true, "preordered", "exception"), "exception");
  ck_assert_str_eq(ORDER(false, false, "exception", "cancelled"), "exception");
}
END_TEST

START_TEST(test_order_preordered)
{
  ck_assert_str_eq(ORDER(false, false, "preordered"), "preordered");
  ck_assert_str_eq(ORDER(false, false, "preordered", "preordered", "cancelled"), "preordered");
  /* stock and pre-order lines: the stock ships at once unless ship_complete */
  ck_assert_str_eq(ORDER(false, false, "released", "preordered"), "released");
  ck_assert_str_eq(ORDER(false, true, "released", "preordered"), "preordered");
  /* pre-ordered and backordered lines: nothing can go yet */
  ck_assert_str_eq(ORDER(false, false, "preordered", "backordered"), "preordered");
  ck_assert_str_eq(ORDER(false, true, "preordered", "backordered"), "preordered");
}
END_TEST

START_TEST(test_order_backordered_released)
{
  ck_assert_str_eq(ORDER(false, false, "backordered"), "backordered");
  ck_assert_str_eq(ORDER(false, false, "backordered", "backordered", "cancelled"), "backordered");
  /* some lines released: the order is released (the rest waits) */
  ck_assert_str_eq(ORDER(false, false, "released", "backordered"), "released");
  /* ship_complete: nothing leaves while a line waits for stock */
  ck_assert_str_eq(ORDER(false, true, "released", "backordered"), "backordered");
  ck_assert_str_eq(ORDER(false, true, "released", "released"), "released");
  ck_assert_str_eq(ORDER(false, false, "released", "released"), "released");
  ck_assert_str_eq(ORDER(false, false, "released", "cancelled"), "released");
}
END_TEST

START_TEST(test_order_returned)
{
  ck_assert_str_eq(ORDER(false, false, "returned"), "returned");
  ck_assert_str_eq(ORDER(false, false, "returned", "cancelled"), "returned");
  ck_assert_str_eq(ORDER(false, false, "returned", "returned"), "returned");
  ck_assert_str_eq(ORDER(false, false, "returned", "delivered"), "partially_returned");
  ck_assert_str_eq(ORDER(false, false, "partially_returned"), "partially_returned");
  ck_assert_str_eq(ORDER(false, false, "partially_returned", "returned"), "partially_returned");
  /* a return outranks what is still open */
  ck_assert_str_eq(ORDER(false, false, "returned", "released"), "partially_returned");
}
END_TEST

Suite *suite_lifecycle(void)
{
  Suite *s = suite_create("lifecycle");
  TCase *tl = tcase_create("line");
  tcase_add_test(tl, test_line_cancelled);
  tcase_add_test(tl, test_line_returned);
  tcase_add_test(tl, test_line_shipped_delivered_completed);
  tcase_add_test(tl, test_line_partially_shipped);
  tcase_add_test(tl, test_line_waiting_states);
  tcase_add_test(tl, test_line_on_hold_released);
  suite_add_tcase(s, tl);
  TCase *to = tcase_create("order");
  tcase_add_test(to, test_order_cancelled);
  tcase_add_test(to, test_order_shipped_family);
  tcase_add_test(to, test_order_partially_shipped);
  tcase_add_test(to, test_order_held_and_exception);
  tcase_add_test(to, test_order_preordered);
  tcase_add_test(to, test_order_backordered_released);
  tcase_add_test(to, test_order_returned);
  suite_add_tcase(s, to);
  return s;
}
