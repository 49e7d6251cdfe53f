/* check_actions.c: changes to captured orders (src/engine/actions.c):
 * staff holds, releases, cancels and re-routes, the fulfillment steps
 * (accept, ship, pickup, delivery, reject), purchase-order
 * acknowledgements and inventory shortfalls. Orders are written in the
 * shape oms_order_json (migrations/0003_orders.sql) gives them; inputs in
 * the shape of oms_capture_inputs. Ids come from a counter, so every
 * change is exact. JSON is written with single quotes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/engine.h"
#include "unit.h"

#define at ut_at
#define jq ut_jq

/* ---- JSON helpers ---- */

/* Asserts the value at a dotted path ("lines.0.status") of got; "" is got. */
static void assert_at(json_t *got, const char *path, const char *want_text)
{
  json_t *v = *path ? at(got, path) : got;
  json_t *want = jq(want_text);
  if (!v || !json_equal(v, want)) {
    char *g = v ? json_dumps(v, JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;
    char *w = json_dumps(want, JSON_SORT_KEYS | JSON_ENCODE_ANY);
    ck_abort_msg("at %s: got %s\nwant %s", path, g ? g : "(nothing)", w);
  }
  json_decref(want);
}

static void assert_absent(json_t *got, const char *path)
{
  json_t *v = at(got, path);
  if (v) {
    char *g = json_dumps(v, JSON_SORT_KEYS | JSON_ENCODE_ANY);
    ck_abort_msg("at %s: want nothing, got %s", path, g);
  }
}

/* Sets obj at a dotted path to the JSON text. */
static void put(json_t *obj, const char *path, const char *text)
{
  char buf[200];
  snprintf(buf, sizeof buf, "%s", path);
  char *dot = strrchr(buf, '.');
  json_t *parent = obj;
  if (dot) {
    *dot = '\0';
    parent = at(obj, buf);
    ck_assert_msg(parent != NULL, "nothing at %s", buf);
  }
  json_t *v = jq(text);
  const char *key = dot ? dot + 1 : path;
  if (json_is_array(parent))
    ck_assert_int_eq(json_array_set_new(parent, strtoul(key, NULL, 10), v), 0);
  else
    ck_assert_int_eq(json_object_set_new(parent, key, v), 0);
}

/* ---- fixtures ---- */

#define ORD "11111111-1111-4111-8111-111111111111"
#define F1 "f0000000-0000-4000-8000-000000000001"
#define F2 "f0000000-0000-4000-8000-000000000002"
#define F3 "f0000000-0000-4000-8000-000000000003"
#define PO3 "c0000000-0000-4000-8000-000000000003"
#define ID(n) "00000000-0000-4000-8000-00000000000" #n

static int next_id;

static void test_new_id(char out[37])
{
  snprintf(out, 37, "00000000-0000-4000-8000-%012d", ++next_id);
}

static struct eng_act act(void)
{
  struct eng_act a = {.actor = "key-1", .new_id = test_new_id};
  next_id = 0;
  return a;
}

/* An order line as oms_order_json shows it: every count 0 but allocated;
 * over (JSON text, may be NULL) replaces fields. */
static json_t *line(int no, const char *sku, long long qty, const char *over)
{
  json_t *l = json_pack("{s:i,s:s,s:I,s:i,s:s,s:n,s:s,s:I,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:s}", "line",
                        no, "sku", sku, "quantity", (json_int_t)qty, "unit_price", 1000,
                        "fulfillment", "ship", "pickup_location", "status", "released",
                        "allocated", (json_int_t)qty, "shipped", 0, "delivered", 0, "returned", 0,
                        "cancelled", 0, "backordered", 0, "preordered", 0, "exception", 0,
                        "promise_date", "2026-01-07");
  if (over) {
    json_t *o = jq(over);
    json_object_update(l, o);
    json_decref(o);
  }
  return l;
}

/* A fulfillment line: nothing shipped, rejected or cancelled yet. */
static json_t *fline(int no, const char *sku, long long qty, const char *over)
{
  json_t *l = json_pack("{s:i,s:s,s:I,s:i,s:i,s:i,s:i}", "line", no, "sku", sku, "quantity",
                        (json_int_t)qty, "shipped", 0, "rejected", 0, "cancelled", 0, "fenced", 0);
  if (over) {
    json_t *o = jq(over);
    json_object_update(l, o);
    json_decref(o);
  }
  return l;
}

/* A fulfillment as oms_fulfillment_json shows it (po NULL: a location's,
 * purchase_order_id null); steals lines. */
static json_t *ful(const char *id, const char *type, const char *source, const char *kind,
                   const char *status, const char *po, json_t *lines)
{
  return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:n,s:n,s:n,s:s?,s:o,s:i}", "id", id, "order_id", ORD,
                   "source_type", type, "source", source, "fulfillment", kind, "status", status,
                   "carrier", "tracking_number", "reason", "purchase_order_id", po, "lines", lines,
                   "version", 1);
}

/* An order as oms_order_json shows it; steals lines and fulfillments. */
static json_t *order(const char *status, json_t *lines, json_t *fulfillments)
{
  json_t *o = jq("{'number':'1001','channel':'web','external_id':'1001','currency':'USD',"
                 "'customer':{'email':'a@b.c','name':'Ann'},"
                 "'shipping_address':{'name':null,'line1':'1 Main St','line2':null,"
                 "'city':'New York','region':'NY','postal_code':'10001','country':'US',"
                 "'phone':null,'lat':40.7,'lon':-74.0},"
                 "'ship_method':'standard','payment':null,'ship_complete':false,'total':5000,"
                 "'exchange_for':null,'holds':[],'routing':null,'tracking_token':'trk-1',"
                 "'version':1}");
  json_object_set_new(o, "id", json_string(ORD));
  json_object_set_new(o, "status", json_string(status));
  json_object_set_new(o, "lines", lines);
  json_object_set_new(o, "fulfillments", fulfillments);
  return o;
}

/* The standard released order:
 *   line 1: 3 of A, at WH1 (F1; one unit from web's ring-fence)
 *   line 2: 2 of B, one at WH1 (F1), one at STORE5 (F2) */
static json_t *order_released(void)
{
  return order("released",
               json_pack("[o,o]", line(1, "A", 3, NULL), line(2, "B", 2, "{'unit_price':1000}")),
               json_pack("[o,o]",
                         ful(F1, "location", "WH1", "ship", "released", NULL,
                             json_pack("[o,o]", fline(1, "A", 3, "{'fenced':1}"),
                                       fline(2, "B", 1, NULL))),
                         ful(F2, "location", "STORE5", "ship", "released", NULL,
                             json_pack("[o]", fline(2, "B", 1, NULL)))));
}

#define ITEM(price) \
  "{'price':" #price ",'dropship':false,'preorder_enabled':false,'preorder_limit':null," \
  "'channel_limit':null,'release_date':null}"

/* Inputs as oms_capture_inputs returns them while order_released holds
 * its units: STORE5 (store, priority 20, pickup) has A 3 and B 2 (1 ours),
 * WH1 (priority 10) A 3 and B 1 (all ours), WH2 (priority 30) A 4. */
static json_t *inputs(void)
{
  return jq("{'channel':{'code':'web','name':'Web','locations':'*','safety_stock':0,"
            "'percent':100,'max_per_sku':null,'dropship':true,'preorders':false,"
            "'currency':'USD','shopify_secret_set':false,'version':1},"
            "'items':{'A':" ITEM(1000) ",'B':" ITEM(1000) ","
            "'D':{'price':1999,'dropship':true,'preorder_enabled':false,'preorder_limit':null,"
            "'channel_limit':null,'release_date':null}},"
            "'locations':["
            "{'code':'STORE5','type':'store','active':true,'ship':true,'pickup':true,"
            "'lat':40.73,'lon':-73.99,'priority':20,'cost_per_shipment':300,'ship_days':1,"
            "'stock':{'A':{'on_hand':3,'reserved':0,'fenced_other':0},"
            "'B':{'on_hand':2,'reserved':1,'fenced_other':0}}},"
            "{'code':'WH1','type':'warehouse','active':true,'ship':true,'pickup':false,"
            "'lat':40.7,'lon':-74.0,'priority':10,'cost_per_shipment':500,'ship_days':2,"
            "'stock':{'A':{'on_hand':3,'reserved':3,'fenced_other':0},"
            "'B':{'on_hand':1,'reserved':1,'fenced_other':0}}},"
            "{'code':'WH2','type':'warehouse','active':true,'ship':true,'pickup':false,"
            "'lat':41.0,'lon':-75.0,'priority':30,'cost_per_shipment':500,'ship_days':3,"
            "'stock':{'A':{'on_hand':4,'reserved':0,'fenced_other':0}}}],"
            "'suppliers':[],'preorder':{},'routing_rules':null,'order_rules':null,"
            "'duplicate':null}");
}

/* ---- hold and release ---- */

START_TEST(test_hold)
{
  struct eng_act a = act();
  json_t *o = order_released(), *ch = (json_t *)1;
  ck_assert_int_eq(ut_act_hold(&a, o, "fraud check", &ch), OMS_OK);
  assert_at(ch, "",
            "{'order_id':'" ORD "','actor':'key-1','status':'on_hold',"
            "'holds_add':[{'kind':'manual','rule':null,'reason':'fraud check'}],"
            "'exceptions':[{'id':'" ID(1) "','kind':'order_hold','location':null,'sku':null,"
            "'detail':'fraud check','data':{'by':'key-1'}}],"
            "'lines':[" /* every line as it now is */
            "{'line':1,'sku':'A','quantity':3,'unit_price':1000,'fulfillment':'ship',"
            "'pickup_location':null,'status':'on_hold','allocated':3,'shipped':0,'delivered':0,"
            "'returned':0,'cancelled':0,'backordered':0,'preordered':0,'exception':0,"
            "'promise_date':'2026-01-07'},"
            "{'line':2,'sku':'B','quantity':2,'unit_price':1000,'fulfillment':'ship',"
            "'pickup_location':null,'status':'on_hold','allocated':2,'shipped':0,'delivered':0,"
            "'returned':0,'cancelled':0,'backordered':0,'preordered':0,'exception':0,"
            "'promise_date':'2026-01-07'}],"
            "'fulfillment_lines':["
            "{'fulfillment_id':'" F1 "','line':1,'shipped':0,'rejected':0,'cancelled':0,'fenced':1},"
            "{'fulfillment_id':'" F1 "','line':2,'shipped':0,'rejected':0,'cancelled':0,'fenced':0},"
            "{'fulfillment_id':'" F2 "','line':2,'shipped':0,'rejected':0,'cancelled':0,'fenced':0}],"
            "'fulfillment_updates':[{'id':'" F1 "','status':'pending'},"
            "{'id':'" F2 "','status':'pending'}],"
            "'events':["
            "{'type':'exception.opened','data':{'exception_id':'" ID(1) "','kind':'order_hold',"
            "'order_id':'" ORD "'}},"
            "{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F1 "',"
            "'order_id':'" ORD "','source':'WH1','status':'pending'}},"
            "{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F2 "',"
            "'order_id':'" ORD "','source':'STORE5','status':'pending'}},"
            "{'type':'order.status_changed','data':{'order_id':'" ORD "','status':'on_hold',"
            "'previous_status':'released'}}]}");
  ck_assert_str_eq(a.detail, "");
  json_decref(ch);

  /* no reason: a manual hold */
  a = act();
  ck_assert_int_eq(ut_act_hold(&a, o, NULL, &ch), OMS_OK);
  assert_at(ch, "holds_add", "[{'kind':'manual','rule':null,'reason':'manual hold'}]");
  assert_at(ch, "exceptions.0.detail", "'manual hold'");
  json_decref(ch);
  json_decref(o);
}
END_TEST

START_TEST(test_hold_refused)
{
  /* already held */
  struct eng_act a = act();
  json_t *o = order_released(), *ch = (json_t *)1;
  put(o, "status", "'on_hold'");
  put(o, "holds", "[{'kind':'rule','rule':'big','reason':'review','created_by':'rule',"
                  "'created_at':'2026-01-05T10:00:00Z'}]");
  ck_assert_int_eq(ut_act_hold(&a, o, "again", &ch), OMS_ERR_INVALID_STATE);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.detail, "The order is already on hold");
  ck_assert_str_eq(a.field, "");
  json_decref(o);

  /* shipped, cancelled and returned orders cannot be held */
  const char *final[] = {"shipped", "delivered", "completed", "cancelled", "returned",
                         "partially_returned"};
  for (size_t i = 0; i < sizeof final / sizeof *final; i++) {
    a = act();
    o = order_released();
    json_object_set_new(o, "status", json_string(final[i]));
    ch = (json_t *)1;
    ck_assert_int_eq(ut_act_hold(&a, o, "late", &ch), OMS_ERR_INVALID_STATE);
    ck_assert_ptr_null(ch);
    ck_assert_str_eq(a.detail, "An order that is cancelled, shipped or returned cannot be held");
    json_decref(o);
  }

  /* a partly shipped order can still be held; only released work stops */
  a = act();
  o = order_released();
  put(o, "status", "'partially_shipped'");
  put(o, "fulfillments.1.status", "'shipped'");
  put(o, "fulfillments.1.lines.0.shipped", "1");
  put(o, "lines.1.shipped", "1");
  put(o, "lines.1.allocated", "1");
  ck_assert_int_eq(ut_act_hold(&a, o, "check", &ch), OMS_OK);
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'pending'}]");
  assert_at(ch, "status", "'partially_shipped'");
  assert_at(ch, "lines.0.status", "'on_hold'");
  assert_at(ch, "lines.1.status", "'partially_shipped'");
  json_decref(ch);
  json_decref(o);
}
END_TEST

/* order_released after a hold: on_hold, fulfillments pending. */
static json_t *order_held(void)
{
  json_t *o = order_released();
  put(o, "status", "'on_hold'");
  put(o, "lines.0.status", "'on_hold'");
  put(o, "lines.1.status", "'on_hold'");
  put(o, "fulfillments.0.status", "'pending'");
  put(o, "fulfillments.1.status", "'pending'");
  put(o, "holds", "[{'kind':'manual','rule':null,'reason':'fraud check','created_by':'key-1',"
                  "'created_at':'2026-01-05T10:00:00Z'}]");
  return o;
}

START_TEST(test_hold_takes_back_accepted_work)
{
  /* a warehouse that accepted the work gets nothing to ship while held */
  struct eng_act a = act();
  json_t *o = order_released(), *ch = NULL;
  put(o, "fulfillments.0.status", "'accepted'");
  ck_assert_int_eq(ut_act_hold(&a, o, "check", &ch), OMS_OK);
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'pending'},"
                                       "{'id':'" F2 "','status':'pending'}]");
  json_decref(ch);
  json_decref(o);
}
END_TEST

START_TEST(test_cancel_held_order_ends_its_holds)
{
  struct eng_act a = act();
  json_t *o = order_held(), *ch = NULL;
  ck_assert_int_eq(ut_act_cancel(&a, o, NULL, "customer asked", &ch), OMS_OK);
  assert_at(ch, "status", "'cancelled'");
  assert_at(ch, "release_holds", "true");
  json_decref(ch);
  /* a partial cancel keeps the order held */
  json_t *lines = jq("[{'line':1,'quantity':1}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, lines, NULL, &ch), OMS_OK);
  assert_at(ch, "status", "'on_hold'");
  ck_assert_ptr_null(json_object_get(ch, "release_holds"));
  json_decref(ch);
  json_decref(lines);
  json_decref(o);
}
END_TEST

START_TEST(test_cancel_last_waiting_line_releases_the_work)
{
  /* ships complete: stock waits for the pre-order; cancelling the
   * pre-ordered line lets the stock go out */
  struct eng_act a = act();
  json_t *o = order_released(), *ch = NULL;
  put(o, "ship_complete", "true");
  put(o, "status", "'preordered'");
  put(o, "fulfillments.0.status", "'pending'");
  put(o, "fulfillments.1.status", "'pending'");
  json_array_append_new(json_object_get(o, "lines"),
                        line(3, "P", 2, "{'status':'preordered','allocated':0,'preordered':2}"));
  json_t *lines = jq("[{'line':3}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, lines, NULL, &ch), OMS_OK);
  assert_at(ch, "status", "'released'");
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'released'},"
                                       "{'id':'" F2 "','status':'released'}]");
  assert_at(ch, "preorder_release", "[{'sku':'P','quantity':2}]");
  json_decref(ch);
  json_decref(lines);
  json_decref(o);
}
END_TEST

START_TEST(test_release)
{
  struct eng_act a = act();
  json_t *o = order_held(), *ch = (json_t *)1;
  ck_assert_int_eq(ut_act_release(&a, o, &ch), OMS_OK);
  assert_at(ch, "release_holds", "true");
  assert_at(ch, "status", "'released'");
  assert_at(ch, "lines.0.status", "'released'");
  assert_at(ch, "lines.1.status", "'released'");
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'released'},"
                                       "{'id':'" F2 "','status':'released'}]");
  assert_at(ch, "events",
            "[{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F1 "',"
            "'order_id':'" ORD "','source':'WH1','status':'released'}},"
            "{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F2 "',"
            "'order_id':'" ORD "','source':'STORE5','status':'released'}},"
            "{'type':'order.status_changed','data':{'order_id':'" ORD "','status':'released',"
            "'previous_status':'on_hold'}}]");
  assert_absent(ch, "exceptions");
  assert_absent(ch, "unreserve");
  json_decref(ch);
  json_decref(o);

  /* not held: refused */
  a = act();
  o = order_released();
  ch = (json_t *)1;
  ck_assert_int_eq(ut_act_release(&a, o, &ch), OMS_ERR_INVALID_STATE);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.detail, "The order is not on hold");
  json_decref(o);
}
END_TEST

START_TEST(test_release_ship_complete_waits)
{
  /* ship_complete with a pre-ordered line: the hold goes, the stock stays
   * pending and the order preordered */
  struct eng_act a = act();
  json_t *o = order_held(), *ch = NULL;
  put(o, "ship_complete", "true");
  put(o, "lines.1", "{'line':2,'sku':'B','quantity':2,'unit_price':1000,'fulfillment':'ship',"
                    "'pickup_location':null,'status':'preordered','allocated':0,'shipped':0,"
                    "'delivered':0,'returned':0,'cancelled':0,'backordered':0,'preordered':2,"
                    "'exception':0,'promise_date':'2027-01-15'}");
  json_array_remove(json_object_get(o, "fulfillments"), 1);
  json_array_remove(json_object_get(json_array_get(json_object_get(o, "fulfillments"), 0), "lines"), 1);
  ck_assert_int_eq(ut_act_release(&a, o, &ch), OMS_OK);
  assert_at(ch, "release_holds", "true");
  assert_at(ch, "status", "'preordered'");
  assert_absent(ch, "fulfillment_updates");
  assert_at(ch, "events", "[{'type':'order.status_changed','data':{'order_id':'" ORD "',"
                          "'status':'preordered','previous_status':'on_hold'}}]");
  json_decref(ch);
  json_decref(o);
}
END_TEST

/* ---- cancel ---- */

START_TEST(test_cancel_partial)
{
  struct eng_act a = act();
  json_t *o = order_released(), *ch = (json_t *)1;
  json_t *req = jq("[{'line':1,'quantity':2}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, req, "customer asked", &ch), OMS_OK);
  /* the fenced unit goes back to the fence first */
  assert_at(ch, "unreserve", "[{'location':'WH1','sku':'A','quantity':2,'fenced':1}]");
  assert_at(ch, "lines.0.cancelled", "2");
  assert_at(ch, "lines.0.allocated", "1");
  assert_at(ch, "lines.0.status", "'released'");
  assert_at(ch, "status", "'released'");
  assert_at(ch, "fulfillment_lines",
            "[{'fulfillment_id':'" F1 "','line':1,'shipped':0,'rejected':0,'cancelled':2,'fenced':0},"
            "{'fulfillment_id':'" F1 "','line':2,'shipped':0,'rejected':0,'cancelled':0,'fenced':0}]");
  /* F1 still has work: it stays released, and nothing changed status */
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'released'}]");
  assert_absent(ch, "events");
  json_decref(ch);
  json_decref(req);

  /* a quantity left out cancels what can be: line 2 from the newest
   * fulfillment first, which then has nothing left */
  a = act();
  req = jq("[{'line':2}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, req, NULL, &ch), OMS_OK);
  assert_at(ch, "unreserve", "[{'location':'STORE5','sku':'B','quantity':1,'fenced':0},"
                             "{'location':'WH1','sku':'B','quantity':1,'fenced':0}]");
  assert_at(ch, "lines.1.status", "'cancelled'");
  assert_at(ch, "lines.1.cancelled", "2");
  assert_at(ch, "lines.1.allocated", "0");
  assert_at(ch, "status", "'released'");
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'released'},"
                                       "{'id':'" F2 "','status':'cancelled'}]");
  assert_at(ch, "events", "[{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F2 "',"
                          "'order_id':'" ORD "','source':'STORE5','status':'cancelled'}}]");
  json_decref(ch);
  json_decref(req);
  json_decref(o);
}
END_TEST

START_TEST(test_cancel_whole)
{
  struct eng_act a = act();
  json_t *o = order_released(), *ch = (json_t *)1;
  ck_assert_int_eq(ut_act_cancel(&a, o, NULL, "fraud", &ch), OMS_OK);
  assert_at(ch, "unreserve", "[{'location':'WH1','sku':'A','quantity':3,'fenced':1},"
                             "{'location':'STORE5','sku':'B','quantity':1,'fenced':0},"
                             "{'location':'WH1','sku':'B','quantity':1,'fenced':0}]");
  assert_at(ch, "status", "'cancelled'");
  assert_at(ch, "lines.0.status", "'cancelled'");
  assert_at(ch, "lines.0.cancelled", "3");
  assert_at(ch, "lines.0.allocated", "0");
  assert_at(ch, "lines.1.status", "'cancelled'");
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'cancelled'},"
                                       "{'id':'" F2 "','status':'cancelled'}]");
  assert_at(ch, "events",
            "[{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F1 "',"
            "'order_id':'" ORD "','source':'WH1','status':'cancelled'}},"
            "{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F2 "',"
            "'order_id':'" ORD "','source':'STORE5','status':'cancelled'}},"
            "{'type':'order.status_changed','data':{'order_id':'" ORD "','status':'cancelled',"
            "'previous_status':'released','reason':'fraud'}}]");
  json_decref(ch);
  json_decref(o);
}
END_TEST

START_TEST(test_cancel_waiting_units_first)
{
  /* line 1: 3 of A, 1 allocated, 1 backordered, 1 in exception */
  struct eng_act a = act();
  json_t *o = order_released(), *ch = NULL;
  put(o, "lines.0.allocated", "1");
  put(o, "lines.0.backordered", "1");
  put(o, "lines.0.exception", "1");
  put(o, "fulfillments.0.lines.0.quantity", "1");
  put(o, "fulfillments.0.lines.0.fenced", "0");
  json_t *req = jq("[{'line':1,'quantity':2}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, req, NULL, &ch), OMS_OK);
  assert_at(ch, "lines.0.backordered", "0");
  assert_at(ch, "lines.0.exception", "0");
  assert_at(ch, "lines.0.allocated", "1");
  assert_at(ch, "lines.0.cancelled", "2");
  assert_absent(ch, "unreserve");
  json_decref(ch);
  json_decref(req);
  json_decref(o);

  /* pre-ordered units give their place in the pre-order back */
  a = act();
  o = order_released();
  put(o, "lines.0.allocated", "1");
  put(o, "lines.0.preordered", "2");
  put(o, "fulfillments.0.lines.0.quantity", "1");
  req = jq("[{'line':1,'quantity':3}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, req, NULL, &ch), OMS_OK);
  assert_at(ch, "preorder_release", "[{'sku':'A','quantity':2}]");
  assert_at(ch, "unreserve", "[{'location':'WH1','sku':'A','quantity':1,'fenced':1}]");
  assert_at(ch, "lines.0.status", "'cancelled'");
  json_decref(ch);
  json_decref(req);
  json_decref(o);
}
END_TEST

START_TEST(test_cancel_refused)
{
  /* 2 of line 1 shipped: only 1 can be cancelled */
  struct eng_act a = act();
  json_t *o = order_released(), *ch = (json_t *)1;
  put(o, "lines.0.shipped", "2");
  put(o, "lines.0.allocated", "1");
  put(o, "fulfillments.0.lines.0.shipped", "2");
  json_t *req = jq("[{'line':2,'quantity':1},{'line':1,'quantity':2}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, req, NULL, &ch), OMS_ERR_INVALID_STATE);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.field, "lines[1].quantity");
  ck_assert_str_eq(a.detail, "line 1: only 1 units can be cancelled (the rest is shipped or cancelled)");
  json_decref(req);

  /* the one that can be is fine */
  a = act();
  req = jq("[{'line':1,'quantity':1}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, req, NULL, &ch), OMS_OK);
  assert_at(ch, "lines.0.status", "'shipped'");
  assert_at(ch, "lines.0.cancelled", "1");
  json_decref(ch);
  json_decref(req);

  /* no such line */
  a = act();
  req = jq("[{'line':7}]");
  ch = (json_t *)1;
  ck_assert_int_eq(ut_act_cancel(&a, o, req, NULL, &ch), OMS_ERR_NOT_FOUND);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.field, "lines[0].line");
  ck_assert_str_eq(a.detail, "The order has no such line");
  json_decref(req);
  json_decref(o);

  /* a line already cancelled */
  a = act();
  o = order_released();
  put(o, "lines.0.cancelled", "3");
  put(o, "lines.0.allocated", "0");
  put(o, "lines.0.status", "'cancelled'");
  req = jq("[{'line':1}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, req, NULL, &ch), OMS_ERR_INVALID_STATE);
  ck_assert_str_eq(a.field, "lines[0].quantity");
  ck_assert_str_eq(a.detail, "line 1: only 0 units can be cancelled (the rest is shipped or cancelled)");
  json_decref(req);
  json_decref(o);

  /* a whole order that has shipped */
  a = act();
  o = order_released();
  put(o, "status", "'shipped'");
  put(o, "lines.0.shipped", "3");
  put(o, "lines.0.allocated", "0");
  put(o, "lines.1.shipped", "2");
  put(o, "lines.1.allocated", "0");
  ck_assert_int_eq(ut_act_cancel(&a, o, NULL, NULL, &ch), OMS_ERR_INVALID_STATE);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.field, "");
  ck_assert_str_eq(a.detail, "Nothing in this order can be cancelled: it is shipped or cancelled");
  json_decref(o);
}
END_TEST

/* order_released with line 3: 2 of D drop-shipped by SUP1 (F3, PO3). */
static json_t *order_dropship(void)
{
  json_t *o = order_released();
  json_array_append_new(json_object_get(o, "lines"), line(3, "D", 2, "{'unit_price':1999}"));
  json_array_append_new(json_object_get(o, "fulfillments"),
                        ful(F3, "supplier", "SUP1", "ship", "released", PO3,
                            json_pack("[o]", fline(3, "D", 2, NULL))));
  return o;
}

static json_t *inputs_dropship(void)
{
  json_t *in = inputs();
  put(in, "suppliers", "[{'code':'SUP1','active':true,'lead_time_days':2,"
                       "'items':{'D':{'cost':1200,'available':0,'ship_days':3}}},"
                       "{'code':'SUP2','active':true,'lead_time_days':4,"
                       "'items':{'D':{'cost':1300,'available':10,'ship_days':3}}}]");
  return in;
}

/* order_released after F1 shipped 2 of its 3 A (nothing else yet). */
static json_t *order_f1_part_shipped(void)
{
  json_t *o = order_released();
  put(o, "status", "'partially_shipped'");
  put(o, "lines.0.shipped", "2");
  put(o, "lines.0.allocated", "1");
  put(o, "lines.0.status", "'partially_shipped'");
  put(o, "fulfillments.0.lines.0.shipped", "2");
  put(o, "fulfillments.0.lines.1.shipped", "1");
  put(o, "lines.1.shipped", "1");
  put(o, "lines.1.allocated", "1");
  put(o, "lines.1.status", "'partially_shipped'");
  put(o, "fulfillments.0.carrier", "'UPS'");
  put(o, "fulfillments.0.tracking_number", "'1Z1'");
  return o;
}

START_TEST(test_cancel_dropship)
{
  struct eng_act a = act();
  json_t *o = order_dropship(), *ch = NULL;
  json_t *req = jq("[{'line':3}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, req, NULL, &ch), OMS_OK);
  assert_at(ch, "unsupply", "[{'supplier':'SUP1','sku':'D','quantity':2}]");
  assert_absent(ch, "unreserve");
  assert_at(ch, "fulfillment_updates", "[{'id':'" F3 "','status':'cancelled'}]");
  assert_at(ch, "po_updates", "[{'fulfillment_id':'" F3 "','status':'cancelled'}]");
  assert_at(ch, "events",
            "[{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F3 "',"
            "'order_id':'" ORD "','source':'SUP1','status':'cancelled'}},"
            "{'type':'purchase_order.status_changed','data':{'purchase_order_id':'" PO3 "',"
            "'order_id':'" ORD "','status':'cancelled'}}]");
  json_decref(ch);
  json_decref(req);
  json_decref(o);
}
END_TEST

START_TEST(test_cancel_rest_of_shipment)
{
  /* F1 shipped 2 of A and its B; the last A is cancelled: F1 has nothing
   * open and has shipped, so it is shipped (not left released) */
  struct eng_act a = act();
  json_t *o = order_f1_part_shipped(), *ch = NULL;
  json_t *req = jq("[{'line':1}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, req, NULL, &ch), OMS_OK);
  assert_at(ch, "unreserve", "[{'location':'WH1','sku':'A','quantity':1,'fenced':1}]");
  assert_at(ch, "lines.0.status", "'shipped'");
  assert_at(ch, "fulfillment_updates",
            "[{'id':'" F1 "','status':'shipped','carrier':'UPS','tracking_number':'1Z1'}]");
  assert_at(ch, "events.0", "{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F1 "',"
                            "'order_id':'" ORD "','source':'WH1','status':'shipped'}}");
  json_decref(ch);
  json_decref(req);

  /* the same when the rest is rejected */
  a = act();
  json_t *in = inputs();
  json_t *body = jq("{'reason':'damaged'}");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_REJECT, body, in, &ch), OMS_OK);
  assert_at(ch, "fulfillment_updates",
            "[{'id':'" F1 "','status':'shipped','carrier':'UPS','tracking_number':'1Z1',"
            "'reason':'damaged'}]");
  json_decref(ch);
  json_decref(body);
  json_decref(in);
  json_decref(o);
}
END_TEST

START_TEST(test_cancel_rest_of_dropship)
{
  /* SUP1 shipped 1 of 2 D; the other is cancelled: the fulfillment and
   * its purchase order are shipped */
  struct eng_act a = act();
  json_t *o = order_dropship(), *ch = NULL;
  put(o, "status", "'partially_shipped'");
  put(o, "fulfillments.2.status", "'accepted'");
  put(o, "fulfillments.2.lines.0.shipped", "1");
  put(o, "lines.2.shipped", "1");
  put(o, "lines.2.allocated", "1");
  json_t *req = jq("[{'line':3}]");
  ck_assert_int_eq(ut_act_cancel(&a, o, req, NULL, &ch), OMS_OK);
  assert_at(ch, "unsupply", "[{'supplier':'SUP1','sku':'D','quantity':1}]");
  assert_at(ch, "fulfillment_updates", "[{'id':'" F3 "','status':'shipped'}]");
  assert_at(ch, "po_updates", "[{'fulfillment_id':'" F3 "','status':'shipped'}]");
  assert_at(ch, "events",
            "[{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F3 "',"
            "'order_id':'" ORD "','source':'SUP1','status':'shipped'}},"
            "{'type':'purchase_order.status_changed','data':{'purchase_order_id':'" PO3 "',"
            "'order_id':'" ORD "','status':'shipped'}}]");
  json_decref(ch);
  json_decref(req);
  json_decref(o);
}
END_TEST

/* ---- re-route ---- */

START_TEST(test_reroute)
{
  /* every unit is taken off and placed again; WH1's units are ours, so
   * the re-route sees them free and puts them back where they were */
  struct eng_act a = act();
  json_t *o = order_released(), *in = inputs(), *ch = NULL;
  ck_assert_int_eq(ut_act_reroute(&a, o, in, &ch), OMS_OK);
  assert_at(ch, "unreserve", "[{'location':'WH1','sku':'A','quantity':3,'fenced':1},"
                             "{'location':'STORE5','sku':'B','quantity':1,'fenced':0},"
                             "{'location':'WH1','sku':'B','quantity':1,'fenced':0}]");
  /* WH1 (priority 10) now has A 3 and B 1 free, STORE5 B 2: B splits */
  assert_at(ch, "fulfillments",
            "[{'id':'" ID(1) "','source_type':'location','source':'WH1','fulfillment':'ship',"
            "'status':'released','lines':[{'line':1,'sku':'A','quantity':3},"
            "{'line':2,'sku':'B','quantity':1}]},"
            "{'id':'" ID(2) "','source_type':'location','source':'STORE5','fulfillment':'ship',"
            "'status':'released','lines':[{'line':2,'sku':'B','quantity':1}]}]");
  assert_at(ch, "location_lines",
            "[{'fulfillment_id':'" ID(1) "','line':1,'sku':'A','source':'WH1','quantity':3},"
            "{'fulfillment_id':'" ID(1) "','line':2,'sku':'B','source':'WH1','quantity':1},"
            "{'fulfillment_id':'" ID(2) "','line':2,'sku':'B','source':'STORE5','quantity':1}]");
  assert_at(ch, "safety_stock", "0");
  assert_at(ch, "routing.rule", "'default'");
  assert_at(ch, "lines.0.allocated", "3");
  assert_at(ch, "lines.1.allocated", "2");
  assert_at(ch, "status", "'released'");
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'cancelled'},"
                                       "{'id':'" F2 "','status':'cancelled'}]");
  assert_absent(ch, "exceptions");
  json_decref(ch);
  json_decref(in);

  /* WH1 lost its A meanwhile: the freed units are all it has, minus one */
  a = act();
  in = inputs();
  put(in, "locations.1.stock.A.on_hand", "2");
  ck_assert_int_eq(ut_act_reroute(&a, o, in, &ch), OMS_OK);
  assert_at(ch, "location_lines",
            "[{'fulfillment_id':'" ID(1) "','line':1,'sku':'A','source':'WH1','quantity':2},"
            "{'fulfillment_id':'" ID(1) "','line':2,'sku':'B','source':'WH1','quantity':1},"
            "{'fulfillment_id':'" ID(2) "','line':1,'sku':'A','source':'STORE5','quantity':1},"
            "{'fulfillment_id':'" ID(2) "','line':2,'sku':'B','source':'STORE5','quantity':1}]");
  json_decref(ch);
  json_decref(in);
  json_decref(o);
}
END_TEST

START_TEST(test_reroute_exception_units)
{
  /* 2 of line 1 waited in exception; now WH2 has stock */
  struct eng_act a = act();
  json_t *o = order_released(), *in = inputs(), *ch = NULL;
  put(o, "status", "'exception'");
  put(o, "lines.0.status", "'exception'");
  put(o, "lines.0.allocated", "1");
  put(o, "lines.0.exception", "2");
  put(o, "fulfillments.0.lines.0.quantity", "1");
  put(o, "fulfillments.0.lines.0.fenced", "0");
  put(in, "locations.1.stock.A.reserved", "1");
  put(in, "locations.1.stock.A.on_hand", "1");
  ck_assert_int_eq(ut_act_reroute(&a, o, in, &ch), OMS_OK);
  /* WH1 gives its 1 back to the same line, STORE5 (priority 20, before
   * WH2's 30) the other 2 */
  assert_at(ch, "lines.0.exception", "0");
  assert_at(ch, "lines.0.allocated", "3");
  assert_at(ch, "lines.0.status", "'released'");
  assert_at(ch, "status", "'released'");
  assert_at(ch, "location_lines",
            "[{'fulfillment_id':'" ID(1) "','line':1,'sku':'A','source':'WH1','quantity':1},"
            "{'fulfillment_id':'" ID(1) "','line':2,'sku':'B','source':'WH1','quantity':1},"
            "{'fulfillment_id':'" ID(2) "','line':1,'sku':'A','source':'STORE5','quantity':2},"
            "{'fulfillment_id':'" ID(2) "','line':2,'sku':'B','source':'STORE5','quantity':1}]");
  assert_at(ch, "events.4", "{'type':'order.status_changed','data':{'order_id':'" ORD "',"
                            "'status':'released','previous_status':'exception'}}");
  json_decref(ch);
  json_decref(in);
  json_decref(o);
}
END_TEST

START_TEST(test_reroute_nowhere)
{
  /* nothing anywhere: the units wait in exception and staff hear of it */
  struct eng_act a = act();
  json_t *o = order_released(), *in = inputs(), *ch = NULL;
  put(in, "locations", "[]");
  ck_assert_int_eq(ut_act_reroute(&a, o, in, &ch), OMS_OK);
  assert_at(ch, "lines.0.exception", "3");
  assert_at(ch, "lines.0.allocated", "0");
  assert_at(ch, "lines.0.status", "'exception'");
  assert_at(ch, "lines.1.exception", "2");
  assert_at(ch, "status", "'exception'");
  assert_at(ch, "exceptions",
            "[{'id':'" ID(1) "','kind':'unroutable','location':null,'sku':'A',"
            "'detail':'3 units of A (line 1) could not be routed again','data':{'line':1}},"
            "{'id':'" ID(2) "','kind':'unroutable','location':null,'sku':'B',"
            "'detail':'2 units of B (line 2) could not be routed again','data':{'line':2}}]");
  assert_absent(ch, "fulfillments");
  json_decref(ch);
  json_decref(in);
  json_decref(o);
}
END_TEST

START_TEST(test_reroute_refused)
{
  struct eng_act a = act();
  json_t *o = order_released(), *in = inputs(), *ch = (json_t *)1;
  put(o, "status", "'shipped'");
  ck_assert_int_eq(ut_act_reroute(&a, o, in, &ch), OMS_ERR_INVALID_STATE);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.detail, "Nothing to re-route: the order is cancelled, shipped or returned");
  json_decref(o);

  /* only pre-ordered units: nothing to route */
  a = act();
  o = order(
      "preordered",
      json_pack("[o]", line(1, "A", 2, "{'allocated':0,'preordered':2,'status':'preordered'}")),
      json_array());
  ck_assert_int_eq(ut_act_reroute(&a, o, in, &ch), OMS_ERR_INVALID_STATE);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.detail,
                   "Nothing to re-route: every unit is shipped, cancelled or pre-ordered");
  json_decref(o);
  json_decref(in);
}
END_TEST

/* ---- fulfillment steps ---- */

START_TEST(test_accept)
{
  struct eng_act a = act();
  json_t *o = order_released(), *ch = NULL;
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_ACCEPT, NULL, NULL, &ch), OMS_OK);
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'accepted'}]");
  assert_at(ch, "events", "[{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F1 "',"
                          "'order_id':'" ORD "','source':'WH1','status':'accepted'}}]");
  assert_at(ch, "status", "'released'");
  assert_absent(ch, "po_updates");
  json_decref(ch);

  /* accepted, pending (order held) or shipped: refused */
  const char *not_released[] = {"accepted", "pending", "shipped", "rejected", "cancelled"};
  for (size_t i = 0; i < sizeof not_released / sizeof *not_released; i++) {
    char want[100];
    a = act();
    json_object_set_new(at(o, "fulfillments.0"), "status", json_string(not_released[i]));
    ch = (json_t *)1;
    ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_ACCEPT, NULL, NULL, &ch),
                     OMS_ERR_INVALID_STATE);
    ck_assert_ptr_null(ch);
    snprintf(want, sizeof want, "A fulfillment in status %s cannot be accepted", not_released[i]);
    ck_assert_str_eq(a.detail, want);
  }
  json_decref(o);

  /* a supplier's acceptance acknowledges its purchase order */
  a = act();
  o = order_dropship();
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F3, ENG_F_ACCEPT, NULL, NULL, &ch), OMS_OK);
  assert_at(ch, "po_updates", "[{'fulfillment_id':'" F3 "','status':'acknowledged'}]");
  assert_at(ch, "events",
            "[{'type':'purchase_order.status_changed','data':{'purchase_order_id':'" PO3 "',"
            "'order_id':'" ORD "','status':'acknowledged'}},"
            "{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F3 "',"
            "'order_id':'" ORD "','source':'SUP1','status':'accepted'}}]");
  json_decref(ch);

  /* an unknown fulfillment */
  a = act();
  ch = (json_t *)1;
  ck_assert_int_eq(ut_act_fulfillment(&a, o, "f0000000-0000-4000-8000-000000000009",
                                       ENG_F_ACCEPT, NULL, NULL, &ch),
                   OMS_ERR_NOT_FOUND);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.field, "id");
  json_decref(o);
}
END_TEST

START_TEST(test_ship)
{
  struct eng_act a = act();
  json_t *o = order_released(), *ch = NULL;
  json_t *body = jq("{'carrier':'UPS','tracking_number':'1Z999'}");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_SHIP, body, NULL, &ch), OMS_OK);
  assert_at(ch, "ship_stock",
            "[{'location':'WH1','sku':'A','quantity':3,'reason':'shipment','reference':'" F1 "'},"
            "{'location':'WH1','sku':'B','quantity':1,'reason':'shipment','reference':'" F1 "'}]");
  assert_at(ch, "fulfillment_lines",
            "[{'fulfillment_id':'" F1 "','line':1,'shipped':3,'rejected':0,'cancelled':0,'fenced':1},"
            "{'fulfillment_id':'" F1 "','line':2,'shipped':1,'rejected':0,'cancelled':0,'fenced':0}]");
  assert_at(ch, "fulfillment_updates",
            "[{'id':'" F1 "','status':'shipped','carrier':'UPS','tracking_number':'1Z999'}]");
  assert_at(ch, "lines.0.shipped", "3");
  assert_at(ch, "lines.0.allocated", "0");
  assert_at(ch, "lines.0.status", "'shipped'");
  assert_at(ch, "lines.1.shipped", "1");
  assert_at(ch, "lines.1.allocated", "1");
  assert_at(ch, "lines.1.status", "'partially_shipped'");
  assert_at(ch, "status", "'partially_shipped'");
  assert_at(ch, "events",
            "[{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F1 "',"
            "'order_id':'" ORD "','source':'WH1','status':'shipped'}},"
            "{'type':'order.status_changed','data':{'order_id':'" ORD "',"
            "'status':'partially_shipped','previous_status':'released'}}]");
  assert_absent(ch, "unreserve");
  json_decref(ch);

  /* from accepted too; the last shipment makes the order shipped */
  a = act();
  put(o, "fulfillments.1.status", "'accepted'");
  put(o, "status", "'partially_shipped'");
  put(o, "lines.0.shipped", "3");
  put(o, "lines.0.allocated", "0");
  put(o, "lines.1.shipped", "1");
  put(o, "lines.1.allocated", "1");
  put(o, "fulfillments.0.status", "'shipped'");
  put(o, "fulfillments.0.lines.0.shipped", "3");
  put(o, "fulfillments.0.lines.1.shipped", "1");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F2, ENG_F_SHIP, body, NULL, &ch), OMS_OK);
  assert_at(ch, "status", "'shipped'");
  assert_at(ch, "lines.1.status", "'shipped'");
  assert_at(ch, "fulfillment_updates",
            "[{'id':'" F2 "','status':'shipped','carrier':'UPS','tracking_number':'1Z999'}]");
  json_decref(ch);

  /* shipped already: refused */
  a = act();
  ch = (json_t *)1;
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_SHIP, body, NULL, &ch),
                   OMS_ERR_INVALID_STATE);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.detail, "A fulfillment in status shipped cannot be shipped");
  json_decref(o);

  /* pending (the order is held): refused */
  a = act();
  o = order_held();
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_SHIP, body, NULL, &ch),
                   OMS_ERR_INVALID_STATE);
  ck_assert_str_eq(a.detail, "A fulfillment in status pending cannot be shipped");
  json_decref(o);
  json_decref(body);
}
END_TEST

START_TEST(test_ship_partial)
{
  struct eng_act a = act();
  json_t *o = order_released(), *ch = NULL;
  json_t *body = jq("{'carrier':'UPS','tracking_number':'1Z1','lines':[{'sku':'A','quantity':2}]}");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_SHIP, body, NULL, &ch), OMS_OK);
  assert_at(ch, "ship_stock",
            "[{'location':'WH1','sku':'A','quantity':2,'reason':'shipment','reference':'" F1 "'}]");
  /* work is left: the fulfillment stays released */
  assert_at(ch, "fulfillment_updates",
            "[{'id':'" F1 "','status':'released','carrier':'UPS','tracking_number':'1Z1'}]");
  assert_at(ch, "lines.0.status", "'partially_shipped'");
  assert_at(ch, "status", "'partially_shipped'");
  json_decref(ch);
  json_decref(body);

  /* more than is open */
  a = act();
  body = jq("{'carrier':'UPS','tracking_number':'1Z1','lines':[{'sku':'B','quantity':1},"
            "{'sku':'A','quantity':4}]}");
  ch = (json_t *)1;
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_SHIP, body, NULL, &ch),
                   OMS_ERR_INVALID_STATE);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.field, "lines[1].quantity");
  ck_assert_str_eq(a.detail, "is more than the fulfillment has open for A");
  json_decref(body);

  /* a sku the fulfillment does not have */
  a = act();
  body = jq("{'carrier':'UPS','tracking_number':'1Z1','lines':[{'sku':'Z','quantity':1}]}");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_SHIP, body, NULL, &ch), OMS_ERR_VALIDATION);
  ck_assert_str_eq(a.field, "lines[0].sku");
  ck_assert_str_eq(a.detail, "is not in this fulfillment");
  json_decref(body);
  json_decref(o);
}
END_TEST

START_TEST(test_ship_dropship)
{
  struct eng_act a = act();
  json_t *o = order_dropship(), *ch = NULL;
  put(o, "fulfillments.2.status", "'accepted'");
  json_t *body = jq("{'carrier':'FedEx','tracking_number':'F1','lines':[{'sku':'D','quantity':1}]}");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F3, ENG_F_SHIP, body, NULL, &ch), OMS_OK);
  /* a supplier's stock is not ours: no ship_stock */
  assert_absent(ch, "ship_stock");
  assert_at(ch, "po_line_updates", "[{'fulfillment_id':'" F3 "','line':3,'shipped':1}]");
  assert_at(ch, "po_updates", "[{'fulfillment_id':'" F3 "','status':'partially_shipped'}]");
  assert_at(ch, "events.0", "{'type':'purchase_order.status_changed','data':{"
                            "'purchase_order_id':'" PO3 "','order_id':'" ORD "',"
                            "'status':'partially_shipped'}}");
  assert_at(ch, "lines.2.status", "'partially_shipped'");
  json_decref(ch);
  json_decref(body);
  json_decref(o);
}
END_TEST

/* order_released with line 3: 1 of A for pickup at STORE5 (F3). */
static json_t *order_pickup(void)
{
  json_t *o = order_released();
  json_array_append_new(json_object_get(o, "lines"),
                        line(3, "A", 1, "{'fulfillment':'pickup','pickup_location':'STORE5'}"));
  json_array_append_new(json_object_get(o, "fulfillments"),
                        ful(F3, "location", "STORE5", "pickup", "released", NULL,
                            json_pack("[o]", fline(3, "A", 1, NULL))));
  return o;
}

START_TEST(test_pickup)
{
  struct eng_act a = act();
  json_t *o = order_pickup(), *ch = (json_t *)1;
  json_t *body = jq("{'carrier':'UPS','tracking_number':'1Z1'}");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F3, ENG_F_SHIP, body, NULL, &ch),
                   OMS_ERR_INVALID_STATE);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.detail, "A pickup fulfillment is picked up, not shipped");
  json_decref(body);

  /* picked up before it is ready: refused */
  a = act();
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F3, ENG_F_PICKED_UP, NULL, NULL, &ch),
                   OMS_ERR_INVALID_STATE);
  ck_assert_str_eq(a.detail, "A fulfillment in status released cannot be picked up");

  /* a ship fulfillment is never ready for pickup */
  a = act();
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_READY, NULL, NULL, &ch),
                   OMS_ERR_INVALID_STATE);
  ck_assert_str_eq(a.detail, "Only a pickup fulfillment can be ready for pickup");
  a = act();
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_PICKED_UP, NULL, NULL, &ch),
                   OMS_ERR_INVALID_STATE);
  ck_assert_str_eq(a.detail, "Only a pickup fulfillment can be picked up");

  a = act();
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F3, ENG_F_READY, NULL, NULL, &ch), OMS_OK);
  assert_at(ch, "fulfillment_updates", "[{'id':'" F3 "','status':'ready_for_pickup'}]");
  assert_at(ch, "events", "[{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F3 "',"
                          "'order_id':'" ORD "','source':'STORE5','status':'ready_for_pickup'}}]");
  assert_absent(ch, "ship_stock");
  json_decref(ch);

  /* ready twice: refused */
  put(o, "fulfillments.2.status", "'ready_for_pickup'");
  a = act();
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F3, ENG_F_READY, NULL, NULL, &ch),
                   OMS_ERR_INVALID_STATE);
  ck_assert_str_eq(a.detail, "A fulfillment in status ready_for_pickup cannot be made ready for pickup");

  a = act();
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F3, ENG_F_PICKED_UP, NULL, NULL, &ch), OMS_OK);
  assert_at(ch, "ship_stock",
            "[{'location':'STORE5','sku':'A','quantity':1,'reason':'pickup','reference':'" F3 "'}]");
  assert_at(ch, "fulfillment_updates", "[{'id':'" F3 "','status':'picked_up'}]");
  assert_at(ch, "lines.2.shipped", "1");
  assert_at(ch, "lines.2.delivered", "1");
  assert_at(ch, "lines.2.allocated", "0");
  assert_at(ch, "lines.2.status", "'completed'");
  assert_at(ch, "status", "'partially_shipped'");
  json_decref(ch);
  json_decref(o);
}
END_TEST

START_TEST(test_delivered)
{
  struct eng_act a = act();
  json_t *o = order_released(), *ch = (json_t *)1;
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_DELIVERED, NULL, NULL, &ch),
                   OMS_ERR_INVALID_STATE);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.detail, "A fulfillment in status released cannot be delivered");

  /* everything shipped; F1 arrives first, then F2 */
  put(o, "status", "'shipped'");
  put(o, "lines.0.shipped", "3");
  put(o, "lines.0.allocated", "0");
  put(o, "lines.1.shipped", "2");
  put(o, "lines.1.allocated", "0");
  put(o, "fulfillments.0.status", "'shipped'");
  put(o, "fulfillments.0.lines.0.shipped", "3");
  put(o, "fulfillments.0.lines.1.shipped", "1");
  put(o, "fulfillments.1.status", "'shipped'");
  put(o, "fulfillments.1.lines.0.shipped", "1");
  a = act();
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_DELIVERED, NULL, NULL, &ch), OMS_OK);
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'delivered'}]");
  assert_at(ch, "lines.0.delivered", "3");
  assert_at(ch, "lines.0.status", "'delivered'");
  assert_at(ch, "lines.1.delivered", "1");
  assert_at(ch, "lines.1.status", "'shipped'");
  assert_at(ch, "status", "'shipped'");
  json_decref(ch);

  put(o, "fulfillments.0.status", "'delivered'");
  put(o, "lines.0.delivered", "3");
  put(o, "lines.1.delivered", "1");
  a = act();
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F2, ENG_F_DELIVERED, NULL, NULL, &ch), OMS_OK);
  assert_at(ch, "lines.1.delivered", "2");
  assert_at(ch, "status", "'delivered'");
  assert_at(ch, "events.1", "{'type':'order.status_changed','data':{'order_id':'" ORD "',"
                            "'status':'delivered','previous_status':'shipped'}}");
  json_decref(ch);

  /* delivered twice: refused */
  a = act();
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_DELIVERED, NULL, NULL, &ch),
                   OMS_ERR_INVALID_STATE);
  ck_assert_str_eq(a.detail, "A fulfillment in status delivered cannot be delivered");
  json_decref(o);
}
END_TEST

START_TEST(test_reject_short_pick)
{
  /* WH1 finds only 1 of its 3 A: the 2 are lost there and re-routed, never
   * back to WH1 (whose freed units would rank first, priority 10); STORE5
   * (priority 20) has 3 */
  struct eng_act a = act();
  json_t *o = order_released(), *in = inputs(), *ch = NULL;
  json_t *body = jq("{'reason':'short_pick','lines':[{'sku':'A','quantity':2}]}");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_REJECT, body, in, &ch), OMS_OK);
  assert_at(ch, "lose_stock",
            "[{'location':'WH1','sku':'A','quantity':2,'reason':'short_pick','reference':'" F1 "'}]");
  assert_at(ch, "unreserve", "[{'location':'WH1','sku':'A','quantity':2,'fenced':1}]");
  assert_at(ch, "exceptions",
            "[{'id':'" ID(1) "','kind':'fulfillment_rejected','location':'WH1','sku':'A',"
            "'detail':'WH1 rejected 2 of A (short_pick)',"
            "'data':{'fulfillment_id':'" F1 "','reason':'short_pick','quantity':2}}]");
  assert_at(ch, "fulfillments",
            "[{'id':'" ID(2) "','source_type':'location','source':'STORE5','fulfillment':'ship',"
            "'status':'released','lines':[{'line':1,'sku':'A','quantity':2}]}]");
  assert_at(ch, "location_lines",
            "[{'fulfillment_id':'" ID(2) "','line':1,'sku':'A','source':'STORE5','quantity':2}]");
  assert_at(ch, "fulfillment_lines",
            "[{'fulfillment_id':'" F1 "','line':1,'shipped':0,'rejected':2,'cancelled':0,'fenced':0},"
            "{'fulfillment_id':'" F1 "','line':2,'shipped':0,'rejected':0,'cancelled':0,'fenced':0}]");
  /* F1 keeps its other units: still released, with the reason noted */
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'released','reason':'short_pick'}]");
  assert_at(ch, "lines.0.allocated", "3");
  assert_at(ch, "lines.0.status", "'released'");
  assert_at(ch, "status", "'released'");
  assert_at(ch, "routing.plan", "[{'source_type':'location','source':'STORE5',"
                               "'lines':[{'sku':'A','quantity':2}]}]");
  assert_at(ch, "events",
            "[{'type':'exception.opened','data':{'exception_id':'" ID(1) "',"
            "'kind':'fulfillment_rejected','order_id':'" ORD "'}},"
            "{'type':'fulfillment.created','data':{'fulfillment_id':'" ID(2) "',"
            "'order_id':'" ORD "','source':'STORE5','status':'released'}}]");
  json_decref(ch);
  json_decref(body);

  /* damaged: ledger reason damage; other: on-hand untouched */
  a = act();
  body = jq("{'reason':'damaged','lines':[{'sku':'B','quantity':1}]}");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_REJECT, body, in, &ch), OMS_OK);
  assert_at(ch, "lose_stock",
            "[{'location':'WH1','sku':'B','quantity':1,'reason':'damage','reference':'" F1 "'}]");
  json_decref(ch);
  json_decref(body);
  a = act();
  body = jq("{'reason':'other','lines':[{'sku':'B','quantity':1}]}");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_REJECT, body, in, &ch), OMS_OK);
  assert_absent(ch, "lose_stock");
  assert_at(ch, "exceptions.0.detail", "'WH1 rejected 1 of B (other)'");
  json_decref(ch);
  json_decref(body);
  json_decref(in);
  json_decref(o);
}
END_TEST

START_TEST(test_reject_all_nowhere_else)
{
  /* WH1 rejects everything and no one else has A: the units wait in
   * exception; F1 is rejected */
  struct eng_act a = act();
  json_t *o = order_released(), *in = inputs(), *ch = NULL;
  put(in, "locations.0.stock.A.on_hand", "0");
  put(in, "locations.2.stock.A.on_hand", "0");
  put(in, "locations.0.stock.B.on_hand", "1"); /* STORE5's B is all ours */
  json_t *body = jq("{'reason':'short_pick'}");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_REJECT, body, in, &ch), OMS_OK);
  assert_at(ch, "lose_stock",
            "[{'location':'WH1','sku':'A','quantity':3,'reason':'short_pick','reference':'" F1 "'},"
            "{'location':'WH1','sku':'B','quantity':1,'reason':'short_pick','reference':'" F1 "'}]");
  assert_at(ch, "exceptions",
            "[{'id':'" ID(1) "','kind':'fulfillment_rejected','location':'WH1','sku':'A',"
            "'detail':'WH1 rejected 3 of A (short_pick)',"
            "'data':{'fulfillment_id':'" F1 "','reason':'short_pick','quantity':3}},"
            "{'id':'" ID(2) "','kind':'fulfillment_rejected','location':'WH1','sku':'B',"
            "'detail':'WH1 rejected 1 of B (short_pick)',"
            "'data':{'fulfillment_id':'" F1 "','reason':'short_pick','quantity':1}},"
            "{'id':'" ID(3) "','kind':'unroutable','location':null,'sku':'A',"
            "'detail':'3 units of A (line 1) could not be routed again','data':{'line':1}},"
            "{'id':'" ID(4) "','kind':'unroutable','location':null,'sku':'B',"
            "'detail':'1 units of B (line 2) could not be routed again','data':{'line':2}}]");
  assert_absent(ch, "fulfillments");
  assert_at(ch, "lines.0.exception", "3");
  assert_at(ch, "lines.0.allocated", "0");
  assert_at(ch, "lines.0.status", "'exception'");
  assert_at(ch, "lines.1.exception", "1");
  assert_at(ch, "lines.1.allocated", "1");
  assert_at(ch, "status", "'exception'");
  assert_at(ch, "fulfillment_updates", "[{'id':'" F1 "','status':'rejected','reason':'short_pick'}]");
  assert_at(ch, "events.4", "{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F1 "',"
                            "'order_id':'" ORD "','source':'WH1','status':'rejected'}}");
  assert_at(ch, "events.5", "{'type':'order.status_changed','data':{'order_id':'" ORD "',"
                            "'status':'exception','previous_status':'released'}}");
  json_decref(ch);
  json_decref(body);

  /* a rejected fulfillment cannot be rejected again */
  put(o, "fulfillments.0.status", "'rejected'");
  a = act();
  body = jq("{'reason':'other'}");
  ck_assert_int_eq(ut_act_fulfillment(&a, o, F1, ENG_F_REJECT, body, in, &ch),
                   OMS_ERR_INVALID_STATE);
  ck_assert_str_eq(a.detail, "A fulfillment in status rejected cannot be rejected");
  json_decref(body);
  json_decref(in);
  json_decref(o);
}
END_TEST

/* ---- purchase orders and shortfalls ---- */

START_TEST(test_po_ack)
{
  /* SUP1 rejects D; SUP2 has it */
  struct eng_act a = act();
  json_t *o = order_dropship(), *in = inputs_dropship(), *ch = NULL;
  json_t *lines = jq("[{'sku':'D','status':'rejected'}]");
  ck_assert_int_eq(ut_act_po_ack(&a, o, F3, lines, in, &ch), OMS_OK);
  /* units the supplier refused are not given back to its availability */
  ck_assert_ptr_null(json_object_get(ch, "unsupply"));
  assert_at(ch, "exceptions",
            "[{'id':'" ID(1) "','kind':'fulfillment_rejected','location':null,'sku':'D',"
            "'detail':'SUP1 rejected 2 of D (rejected by supplier)',"
            "'data':{'fulfillment_id':'" F3 "','reason':'rejected by supplier','quantity':2}}]");
  assert_at(ch, "fulfillments",
            "[{'id':'" ID(2) "','source_type':'supplier','source':'SUP2','fulfillment':'ship',"
            "'status':'released','lines':[{'line':3,'sku':'D','quantity':2}]}]");
  assert_at(ch, "supplier_lines",
            "[{'fulfillment_id':'" ID(2) "','line':3,'sku':'D','source':'SUP2','quantity':2}]");
  assert_at(ch, "purchase_orders",
            "[{'id':'" ID(3) "','supplier':'SUP2','fulfillment_id':'" ID(2) "','total_cost':2600,"
            "'ship_to':{'name':null,'line1':'1 Main St','line2':null,'city':'New York',"
            "'region':'NY','postal_code':'10001','country':'US','phone':null,'lat':40.7,"
            "'lon':-74.0},'lines':[{'line':1,'order_line':3,'sku':'D','quantity':2,'cost':1300}]}]");
  assert_at(ch, "po_line_updates",
            "[{'fulfillment_id':'" F3 "','line':3,'shipped':0,'status':'rejected'}]");
  assert_at(ch, "fulfillment_updates", "[{'id':'" F3 "','status':'rejected'}]");
  /* the purchase order is rejected, once */
  assert_at(ch, "po_updates", "[{'fulfillment_id':'" F3 "','status':'rejected'}]");
  assert_at(ch, "events",
            "[{'type':'exception.opened','data':{'exception_id':'" ID(1) "',"
            "'kind':'fulfillment_rejected','order_id':'" ORD "'}},"
            "{'type':'fulfillment.created','data':{'fulfillment_id':'" ID(2) "',"
            "'order_id':'" ORD "','source':'SUP2','status':'released'}},"
            "{'type':'purchase_order.created','data':{'purchase_order_id':'" ID(3) "',"
            "'order_id':'" ORD "','status':'sent'}},"
            "{'type':'fulfillment.status_changed','data':{'fulfillment_id':'" F3 "',"
            "'order_id':'" ORD "','source':'SUP1','status':'rejected'}},"
            "{'type':'purchase_order.status_changed','data':{'purchase_order_id':'" PO3 "',"
            "'order_id':'" ORD "','status':'rejected'}}]");
  assert_at(ch, "lines.2.allocated", "2");
  assert_at(ch, "lines.2.status", "'released'");
  json_decref(ch);
  json_decref(lines);

  /* a line it does not have */
  a = act();
  lines = jq("[{'sku':'A','status':'accepted'}]");
  ch = (json_t *)1;
  ck_assert_int_eq(ut_act_po_ack(&a, o, F3, lines, in, &ch), OMS_ERR_VALIDATION);
  ck_assert_ptr_null(ch);
  ck_assert_str_eq(a.field, "lines[0].sku");
  json_decref(lines);
  json_decref(in);
  json_decref(o);
}
END_TEST

START_TEST(test_po_ack_partial)
{
  /* SUP1's PO has D (line 3) and E (line 4); it rejects D, accepts E */
  struct eng_act a = act();
  json_t *o = order_dropship(), *in = inputs_dropship(), *ch = NULL;
  json_array_append_new(json_object_get(o, "lines"), line(4, "E", 1, NULL));
  json_array_append_new(at(o, "fulfillments.2.lines"), fline(4, "E", 1, NULL));
  put(in, "items.E", "{'price':100,'dropship':true,'preorder_enabled':false,'preorder_limit':null,"
                     "'channel_limit':null,'release_date':null}");
  json_t *lines = jq("[{'sku':'D','status':'rejected'},{'sku':'E','status':'accepted'}]");
  ck_assert_int_eq(ut_act_po_ack(&a, o, F3, lines, in, &ch), OMS_OK);
  assert_at(ch, "po_line_updates",
            "[{'fulfillment_id':'" F3 "','line':3,'shipped':0,'status':'rejected'},"
            "{'fulfillment_id':'" F3 "','line':4,'shipped':0,'status':'accepted'}]");
  assert_at(ch, "fulfillment_updates", "[{'id':'" F3 "','status':'accepted'}]");
  assert_at(ch, "po_updates", "[{'fulfillment_id':'" F3 "','status':'acknowledged'}]");
  assert_at(ch, "supplier_lines",
            "[{'fulfillment_id':'" ID(2) "','line':3,'sku':'D','source':'SUP2','quantity':2}]");
  assert_at(ch, "events.2", "{'type':'purchase_order.created','data':{'purchase_order_id':'" ID(3) "',"
                            "'order_id':'" ORD "','status':'sent'}}");
  assert_at(ch, "events.3", "{'type':'purchase_order.status_changed','data':{"
                            "'purchase_order_id':'" PO3 "','order_id':'" ORD "',"
                            "'status':'acknowledged'}}");
  json_decref(ch);
  json_decref(lines);

  /* a shipped PO cannot be acknowledged */
  a = act();
  put(o, "fulfillments.2.status", "'shipped'");
  lines = jq("[{'sku':'E','status':'accepted'}]");
  ck_assert_int_eq(ut_act_po_ack(&a, o, F3, lines, in, &ch), OMS_ERR_INVALID_STATE);
  ck_assert_str_eq(a.detail, "A fulfillment in status shipped cannot be acknowledged");
  json_decref(lines);
  json_decref(in);
  json_decref(o);
}
END_TEST

START_TEST(test_shortfall)
{
  /* a count finds WH1 2 units of A short: they leave F1 and go elsewhere,
   * with no fulfillment_rejected exception (the discrepancy is one) and no
   * second loss of stock (the count already lowered it) */
  struct eng_act a = act();
  json_t *o = order_released(), *in = inputs(), *ch = NULL;
  ck_assert_int_eq(ut_act_shortfall(&a, o, F1, "A", 2, in, &ch), OMS_OK);
  assert_at(ch, "unreserve", "[{'location':'WH1','sku':'A','quantity':2,'fenced':1}]");
  assert_absent(ch, "lose_stock");
  assert_absent(ch, "exceptions");
  assert_at(ch, "fulfillments",
            "[{'id':'" ID(1) "','source_type':'location','source':'STORE5','fulfillment':'ship',"
            "'status':'released','lines':[{'line':1,'sku':'A','quantity':2}]}]");
  assert_at(ch, "fulfillment_lines.0",
            "{'fulfillment_id':'" F1 "','line':1,'shipped':0,'rejected':2,'cancelled':0,'fenced':0}");
  assert_at(ch, "lines.0.allocated", "3");
  assert_at(ch, "status", "'released'");
  json_decref(ch);

  /* more than the fulfillment holds: what it has */
  a = act();
  ck_assert_int_eq(ut_act_shortfall(&a, o, F1, "B", 5, in, &ch), OMS_OK);
  assert_at(ch, "unreserve", "[{'location':'WH1','sku':'B','quantity':1,'fenced':0}]");
  json_decref(ch);

  a = act();
  ch = (json_t *)1;
  ck_assert_int_eq(ut_act_shortfall(&a, o, "f0000000-0000-4000-8000-000000000009", "A", 1, in, &ch),
                   OMS_ERR_NOT_FOUND);
  ck_assert_ptr_null(ch);
  json_decref(in);
  json_decref(o);
}
END_TEST

/* Every refusal the engine's actions return says what the client did: a
 * 4xx (the action runner replies with its status, detail and field). */
START_TEST(test_refusals_are_4xx)
{
  const enum oms_err refusals[] = {OMS_ERR_INVALID_STATE, OMS_ERR_VALIDATION, OMS_ERR_NOT_FOUND};
  for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
    ck_assert_uint_ge(oms_err_status(refusals[i]), 400);
    ck_assert_uint_lt(oms_err_status(refusals[i]), 500);
  }
}
END_TEST

/* A count short by 5 takes the newest allocations first, only the units
 * short, never more than a line holds. */
START_TEST(test_shortfall_plan)
{
  const struct oms_open_allocation allocs[] = {
      {.fulfillment_id = "f3", .order_id = "o3", .open = 2},
      {.fulfillment_id = "f2", .order_id = "o2", .open = 0},
      {.fulfillment_id = "f1", .order_id = "o1", .open = 4},
      {.fulfillment_id = "f0", .order_id = "o0", .open = 9}};
  struct eng_shortfall_take takes[4];
  long long moved;
  size_t n = eng_shortfall_plan(allocs, 4, 5, takes, &moved);
  ck_assert_uint_eq(n, 2);
  ck_assert_int_eq(moved, 5);
  ck_assert_str_eq(takes[0].fulfillment_id, "f3");
  ck_assert_int_eq(takes[0].units, 2);
  ck_assert_str_eq(takes[1].order_id, "o1");
  ck_assert_int_eq(takes[1].units, 3);
  /* more short than allocated: everything open, and no more */
  n = eng_shortfall_plan(allocs, 4, 100, takes, &moved);
  ck_assert_uint_eq(n, 3);
  ck_assert_int_eq(moved, 15);
}
END_TEST

Suite *suite_actions(void)
{
  Suite *s = suite_create("actions");
  TCase *th = tcase_create("hold_release");
  tcase_add_test(th, test_hold);
  tcase_add_test(th, test_hold_refused);
  tcase_add_test(th, test_hold_takes_back_accepted_work);
  tcase_add_test(th, test_cancel_held_order_ends_its_holds);
  tcase_add_test(th, test_cancel_last_waiting_line_releases_the_work);
  tcase_add_test(th, test_release);
  tcase_add_test(th, test_release_ship_complete_waits);
  suite_add_tcase(s, th);
  TCase *tc = tcase_create("cancel");
  tcase_add_test(tc, test_cancel_partial);
  tcase_add_test(tc, test_cancel_whole);
  tcase_add_test(tc, test_cancel_waiting_units_first);
  tcase_add_test(tc, test_cancel_refused);
  tcase_add_test(tc, test_cancel_dropship);
  tcase_add_test(tc, test_cancel_rest_of_shipment);
  tcase_add_test(tc, test_cancel_rest_of_dropship);
  suite_add_tcase(s, tc);
  TCase *tr = tcase_create("reroute");
  tcase_add_test(tr, test_reroute);
  tcase_add_test(tr, test_reroute_exception_units);
  tcase_add_test(tr, test_reroute_nowhere);
  tcase_add_test(tr, test_reroute_refused);
  suite_add_tcase(s, tr);
  TCase *tf = tcase_create("fulfillment");
  tcase_add_test(tf, test_accept);
  tcase_add_test(tf, test_ship);
  tcase_add_test(tf, test_ship_partial);
  tcase_add_test(tf, test_ship_dropship);
  tcase_add_test(tf, test_pickup);
  tcase_add_test(tf, test_delivered);
  tcase_add_test(tf, test_reject_short_pick);
  tcase_add_test(tf, test_reject_all_nowhere_else);
  suite_add_tcase(s, tf);
  TCase *tp = tcase_create("supply");
  tcase_add_test(tp, test_po_ack);
  tcase_add_test(tp, test_po_ack_partial);
  tcase_add_test(tp, test_shortfall);
  tcase_add_test(tp, test_shortfall_plan);
  tcase_add_test(tp, test_refusals_are_4xx);
  suite_add_tcase(s, tp);
  return s;
}
