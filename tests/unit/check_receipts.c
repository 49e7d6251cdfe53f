/* check_receipts.c: receipts of inbound supply (src/engine/receipts.c):
 * counting on the inbound, first-come-first-served allocation to waiting
 * pre-orders, partial cover, ship_complete, pickup stores, channel
 * locations, refusals. Inputs are written as oms_receipt_inputs returns
 * them and read by the repository's reader. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "oms/engine.h"
#include "oms/rows.h"
#include "unit.h"

static int next_id;
static void test_new_id(char out[37])
{
  snprintf(out, 37, "00000000-0000-4000-8000-%012d", ++next_id);
}

/* A pre-order line waiting for `pre` units of sku. */
static char *line_json(char *buf, size_t n, int no, const char *sku, int qty, int pre,
                       const char *fulfillment, const char *pickup)
{
  snprintf(buf, n,
           "{'line':%d,'sku':'%s','quantity':%d,'unit_price':100,'fulfillment':'%s',"
           "'pickup_location':%s,'status':'%s','allocated':%d,'shipped':0,'delivered':0,"
           "'returned':0,'cancelled':0,'backordered':0,'preordered':%d,'exception':0,"
           "'promise_date':'2027-01-15'}",
           no, sku, qty, fulfillment, pickup ? pickup : "null", pre ? "preordered" : "released",
           qty - pre, pre);
  return buf;
}

static char *order_json(char *buf, size_t n, const char *id, const char *channel, bool ship_complete,
                        const char *status, const char *lines, const char *fuls, const char *holds)
{
  snprintf(buf, n,
           "{'id':'%s','number':'1','channel':'%s','currency':'USD','customer':null,"
           "'shipping_address':null,'ship_method':'standard','payment':null,'ship_complete':%s,"
           "'status':'%s','total':100,'lines':[%s],'fulfillments':[%s],'holds':[%s],"
           "'routing':null,'tracking_token':'t','version':1}",
           id, channel, ship_complete ? "true" : "false", status, lines, fuls, holds);
  return buf;
}

struct run {
  struct oms_arena *arena;
  struct oms_receipt_inputs in;
  struct oms_receipt out;
  struct eng_act act;
  enum oms_err rc;
};

/* Fixtures write the waiting orders as objects (oms_order_json's shape);
 * oms_waiting_orders returns them as positional rows: convert. */
static json_t *positional(json_t *orders)
{
  json_t *o = json_array(), *l = json_array(), *f = json_array(), *fl = json_array();
  size_t i, k, j;
  json_t *x, *y, *z;
  json_array_foreach(orders, i, x)
  {
    const char *id = json_string_value(json_object_get(x, "id"));
    json_array_append_new(o, json_pack("[s,O,O,O,O,I]", id, json_object_get(x, "channel"),
                                       json_object_get(x, "ship_method"),
                                       json_object_get(x, "ship_complete"),
                                       json_object_get(x, "status"),
                                       (json_int_t)json_array_size(json_object_get(x, "holds"))));
    json_array_foreach(json_object_get(x, "lines"), k, y)
    {
      json_t *row = json_pack("[s]", id);
      const char *keys[] = {"line", "sku", "quantity", "fulfillment", "pickup_location",
                            "allocated", "shipped", "delivered", "returned", "cancelled",
                            "backordered", "preordered", "exception"};
      for (size_t q = 0; q < sizeof keys / sizeof keys[0]; q++)
        json_array_append(row, json_object_get(y, keys[q]));
      json_array_append_new(l, row);
    }
    json_array_foreach(json_object_get(x, "fulfillments"), k, y)
    {
      json_array_append_new(f, json_pack("[O,s,O,O,O,O,n,n,n,n]", json_object_get(y, "id"), id,
                                         json_object_get(y, "source_type"),
                                         json_object_get(y, "source"),
                                         json_object_get(y, "fulfillment"),
                                         json_object_get(y, "status")));
      json_array_foreach(json_object_get(y, "lines"), j, z)
          json_array_append_new(fl, json_pack("[O,O,O,O,O,O,O,O]", json_object_get(y, "id"),
                                              json_object_get(z, "line"), json_object_get(z, "sku"),
                                              json_object_get(z, "quantity"),
                                              json_object_get(z, "shipped"),
                                              json_object_get(z, "rejected"),
                                              json_object_get(z, "cancelled"),
                                              json_object_get(z, "fenced")));
    }
  }
  return json_pack("{s:o,s:o,s:o,s:o}", "o", o, "l", l, "f", f, "fl", fl);
}

static void receive(struct run *r, const char *inputs, const struct eng_receipt_line *lines,
                    size_t n)
{
  json_t *doc = ut_jq(inputs);
  json_object_set_new(doc, "orders", positional(json_object_get(doc, "orders")));
  r->arena = oms_arena_new();
  ck_assert_int_eq(rows_receipt_inputs(doc, r->arena, &r->in), 0);
  json_decref(doc);
  next_id = 0;
  r->act = (struct eng_act){.actor = "key-1", .new_id = test_new_id, .arena = r->arena};
  r->rc = eng_receive(&r->act, &r->in, lines, n, &r->out);
}

static char inputs_buf[8192];

/* Three orders waiting for P (capture order O1, O2, O3) at WH1, web sells
 * from WH1: O1 waits 3, O2 waits 4 (ships complete with an allocated line
 * of Q pending), O3 waits 2. The inbound expects 10 of P. */
static const char *three_orders(void)
{
  char l1[512], l2[512], l2b[512], l3[512], o1[2048], o2[3072], o3[2048];
  order_json(o1, sizeof o1, "O1", "web", false, "preordered",
             line_json(l1, sizeof l1, 1, "P", 3, 3, "ship", NULL), "", "");
  line_json(l2, sizeof l2, 1, "P", 4, 4, "ship", NULL);
  line_json(l2b, sizeof l2b, 2, "Q", 1, 0, "ship", NULL);
  char lines2[1100];
  snprintf(lines2, sizeof lines2, "%s,%s", l2, l2b);
  order_json(o2, sizeof o2, "O2", "web", true, "preordered", lines2,
             "{'id':'F9','order_id':'O2','source_type':'location','source':'WH2',"
             "'fulfillment':'ship','status':'pending','lines':[{'line':2,'sku':'Q','quantity':1,"
             "'shipped':0,'rejected':0,'cancelled':0,'fenced':0}]}",
             "");
  order_json(o3, sizeof o3, "O3", "web", false, "preordered",
             line_json(l3, sizeof l3, 1, "P", 2, 2, "ship", NULL), "", "");
  snprintf(inputs_buf, sizeof inputs_buf,
           "{'inbound':{'id':'IN1','location':'WH1','status':'expected','lines':["
           "{'line':1,'sku':'P','quantity':10,'received':0}]},"
           "'location':{'code':'WH1','type':'warehouse','active':true,'ship':true,'pickup':false},"
           "'channels':[{'code':'web','locations':'*'}],'orders':[%s,%s,%s]}",
           o1, o2, o3);
  return inputs_buf;
}

START_TEST(test_first_come_first_served)
{
  struct run r;
  struct eng_receipt_line in[] = {{"P", 5}};
  receive(&r, three_orders(), in, 1);
  ck_assert_int_eq(r.rc, OMS_OK);
  ck_assert_int_eq(r.out.allocated, 5);
  ck_assert_int_eq(r.out.status, OMS_IN_PARTIALLY_RECEIVED);
  ck_assert_int_eq(r.out.lines[0].received, 5);
  ck_assert_uint_eq(r.out.stock.n, 1);
  ck_assert_int_eq(r.out.stock.items[0].quantity, 5);
  ck_assert_int_eq(r.out.stock.items[0].reserve, 5);
  /* O1 whole (3), O2 gets 2 of 4 and keeps waiting; O3 nothing */
  ck_assert_uint_eq(r.out.changes.n, 2);
  const struct oms_change *c1 = &r.out.changes.items[0], *c2 = &r.out.changes.items[1];
  ck_assert_str_eq(c1->order_id, "O1");
  ck_assert_int_eq(c1->status, OMS_ST_RELEASED);
  ck_assert_int_eq(c1->lines[0].allocated, 3);
  ck_assert_int_eq(c1->lines[0].preordered, 0);
  ck_assert_uint_eq(c1->fulfillments.n, 1);
  ck_assert_str_eq(c1->fulfillments.items[0].source, "WH1");
  ck_assert_int_eq(c1->fulfillments.items[0].status, OMS_F_RELEASED);
  ck_assert_int_eq(c1->fulfillments.items[0].lines[0].quantity, 3);
  ck_assert_uint_eq(c1->preorder_release.n, 1);
  ck_assert_int_eq(c1->preorder_release.items[0].quantity, 3);
  /* events: the new fulfillment, then the order's status */
  ck_assert_int_eq(c1->events.items[0].type, OMS_EV_FULFILLMENT_CREATED);
  ck_assert_int_eq(c1->events.items[c1->events.n - 1].type, OMS_EV_ORDER_STATUS_CHANGED);
  ck_assert_str_eq(c2->order_id, "O2");
  ck_assert_int_eq(c2->lines[0].allocated, 2);
  ck_assert_int_eq(c2->lines[0].preordered, 2);
  ck_assert_int_eq(c2->lines[0].status, OMS_ST_PREORDERED);
  /* ships complete and still waits: the new work is pending, like the old */
  ck_assert_int_eq(c2->fulfillments.items[0].status, OMS_F_PENDING);
  ck_assert_uint_eq(c2->fulfillment_updates.n, 0);
  oms_arena_free(r.arena);
}
END_TEST

START_TEST(test_whole_ship_complete_releases_and_surplus_is_stock)
{
  struct run r;
  struct eng_receipt_line in[] = {{"P", 8}, {"P", 4}};
  receive(&r, three_orders(), in, 2);
  ck_assert_int_eq(r.rc, OMS_OK);
  ck_assert_int_eq(r.out.allocated, 9);
  ck_assert_int_eq(r.out.stock.items[0].quantity, 12);
  ck_assert_int_eq(r.out.stock.items[0].reserve, 9); /* 3 left to sell */
  ck_assert_int_eq(r.out.lines[0].received, 12);   /* more than expected: kept */
  ck_assert_int_eq(r.out.status, OMS_IN_RECEIVED);
  ck_assert_uint_eq(r.out.changes.n, 3);
  const struct oms_change *c2 = &r.out.changes.items[1];
  ck_assert_int_eq(c2->status, OMS_ST_RELEASED);
  ck_assert_int_eq(c2->fulfillments.items[0].status, OMS_F_RELEASED);
  /* the pending stock fulfillment goes out with it */
  ck_assert_uint_eq(c2->fulfillment_updates.n, 1);
  ck_assert_str_eq(c2->fulfillment_updates.items[0].id, "F9");
  ck_assert_int_eq(c2->fulfillment_updates.items[0].status, OMS_F_RELEASED);
  oms_arena_free(r.arena);
}
END_TEST

START_TEST(test_refusals_and_where_units_may_go)
{
  struct run r;
  struct eng_receipt_line bad[] = {{"P", 1}, {"Z", 1}};
  receive(&r, three_orders(), bad, 2);
  ck_assert_int_eq(r.rc, OMS_ERR_SKU_NOT_EXPECTED);
  ck_assert_str_eq(r.act.field, "lines[1].sku");
  ck_assert_uint_eq(oms_err_status(r.rc), 422);
  oms_arena_free(r.arena);

  /* a channel that does not sell from WH1, a pickup at another store, a
   * pickup at this one: only the last takes units */
  char l1[512], l2[512], l3[512], o1[2048], o2[2048], o3[2048];
  order_json(o1, sizeof o1, "O1", "mkt", false, "preordered",
             line_json(l1, sizeof l1, 1, "P", 1, 1, "ship", NULL), "", "");
  order_json(o2, sizeof o2, "O2", "web", false, "preordered",
             line_json(l2, sizeof l2, 1, "P", 1, 1, "pickup", "'S2'"), "", "");
  order_json(o3, sizeof o3, "O3", "web", false, "on_hold",
             line_json(l3, sizeof l3, 1, "P", 1, 1, "pickup", "'S1'"), "",
             "{'kind':'manual','rule':null,'reason':'check'}");
  snprintf(inputs_buf, sizeof inputs_buf,
           "{'inbound':{'id':'IN1','location':'S1','status':'expected','lines':["
           "{'line':1,'sku':'P','quantity':3,'received':0}]},"
           "'location':{'code':'S1','type':'store','active':true,'ship':false,'pickup':true},"
           "'channels':[{'code':'web','locations':'*'},{'code':'mkt','locations':['WH1']}],"
           "'orders':[%s,%s,%s]}",
           o1, o2, o3);
  struct eng_receipt_line in[] = {{"P", 3}};
  receive(&r, inputs_buf, in, 1);
  ck_assert_int_eq(r.rc, OMS_OK);
  ck_assert_uint_eq(r.out.changes.n, 1);
  ck_assert_str_eq(r.out.changes.items[0].order_id, "O3");
  ck_assert_int_eq(r.out.changes.items[0].fulfillments.items[0].fulfillment, OMS_PICKUP);
  /* held: allocated, but the work waits */
  ck_assert_int_eq(r.out.changes.items[0].fulfillments.items[0].status, OMS_F_PENDING);
  ck_assert_int_eq(r.out.changes.items[0].status, OMS_ST_ON_HOLD);
  ck_assert_int_eq(r.out.stock.items[0].reserve, 1);
  oms_arena_free(r.arena);
}
END_TEST

START_TEST(test_preorder_limit_raised_by_what_is_coming)
{
  struct oms_preorder_terms t = {.enabled = true, .limit = 10, .channel_limit = -1};
  ck_assert_int_eq(eng_preorder_limit(&t), 10);
  ck_assert_int_eq(eng_preorder_headroom(&t, 4, 0), 6);
  t.expected = 6; /* less is coming than the limit: the limit stands */
  ck_assert_int_eq(eng_preorder_headroom(&t, 4, 0), 6);
  t.expected = 25; /* more is coming: what is coming may be sold */
  ck_assert_int_eq(eng_preorder_limit(&t), 25);
  ck_assert_int_eq(eng_preorder_headroom(&t, 4, 0), 21);
  t.channel_limit = 5;
  ck_assert_int_eq(eng_preorder_headroom(&t, 4, 3), 2);
}
END_TEST

Suite *suite_receipts(void)
{
  Suite *s = suite_create("receipts");
  TCase *tc = tcase_create("receive");
  tcase_add_test(tc, test_first_come_first_served);
  tcase_add_test(tc, test_whole_ship_complete_releases_and_surplus_is_stock);
  tcase_add_test(tc, test_refusals_and_where_units_may_go);
  tcase_add_test(tc, test_preorder_limit_raised_by_what_is_coming);
  suite_add_tcase(s, tc);
  return s;
}
