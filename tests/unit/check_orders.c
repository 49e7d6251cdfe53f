/* check_orders.c: order validation (eng_order_parse) and capture
 * (eng_capture, eng_simulate) of src/engine/orders.c on worked examples.
 * Capture inputs are built by hand in the shape the SQL function
 * oms_capture_inputs (migrations/0003_orders.sql) returns: the channel as
 * oms_channel_json shows it, items by sku, locations (ordered by code) with
 * a stock map {sku: {on_hand, reserved, fenced_other}}, suppliers with an
 * items map, pre-order counters "sku|*" / "sku|channel" -> outstanding,
 * routing_rules, order_rules and duplicate. Ids come from a counter, so
 * payloads are exact. JSON is written with single quotes. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/engine.h"
#include "unit.h"

#define at ut_at
#define jq ut_jq

/* ---- JSON helpers ---- */

static void assert_json(json_t *got, const char *want_text)
{
  json_t *want = jq(want_text);
  if (!json_equal(got, want)) {
    char *g = json_dumps(got, JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    char *w = json_dumps(want, JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    ck_abort_msg("got %s\nwant %s", g ? g : "NULL", w);
  }
  json_decref(want);
}

/* Asserts the value at a dotted path ("lines.0.status") of got. */
static void assert_at(json_t *got, const char *path, const char *want_text)
{
  json_t *v = at(got, path);
  ck_assert_msg(v != NULL, "nothing at %s", path);
  json_t *want = jq(want_text);
  if (!json_equal(v, want)) {
    char *g = json_dumps(v, JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    char *w = json_dumps(want, JSON_SORT_KEYS | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    ck_abort_msg("at %s: got %s\nwant %s", path, g ? g : "NULL", w);
  }
  json_decref(want);
}

/* ---- order parsing ---- */

/* Parses text, expects success and the normalised order want. */
static void parses_as(const char *text, const char *want)
{
  json_t *in = jq(text), *out = NULL, *errors = json_array();
  int rc = eng_order_parse(in, &out, errors);
  if (rc != 0) {
    char *all = json_dumps(errors, 0);
    ck_abort_msg("parse of %s failed: %s", text, all);
  }
  ck_assert_uint_eq(json_array_size(errors), 0);
  assert_json(out, want);
  json_decref(in);
  json_decref(out);
  json_decref(errors);
}

/* Parses text, expects failure with exactly the errors want (an array of
 * {field, message} in the order they are reported). */
static void fails_with(const char *text, const char *want)
{
  json_t *in = jq(text), *out = (json_t *)1, *errors = json_array();
  ck_assert_int_eq(eng_order_parse(in, &out, errors), -1);
  ck_assert_ptr_null(out);
  assert_json(errors, want);
  json_decref(in);
  json_decref(errors);
}

START_TEST(test_parse_defaults)
{
  parses_as("{'channel':'web','lines':[{'sku':'A','quantity':1}]}",
            "{'channel':'web','external_id':null,'currency':null,'customer':null,"
            "'shipping_address':null,'ship_method':'standard',"
            "'lines':[{'sku':'A','quantity':1,'unit_price':null,'fulfillment':'ship',"
            "'pickup_location':null}],"
            "'payment':null,'ship_complete':false}");
}
END_TEST

START_TEST(test_parse_full)
{
  parses_as("{'channel':'web','external_id':'1001','currency':'USD',"
            "'customer':{'email':'a@b.c','name':'Ann'},"
            "'shipping_address':{'line1':'1 Main St','city':'New York','region':'NY',"
            "'postal_code':'10001','country':'US','lat':40.7,'lon':-74.0},"
            "'ship_method':'express',"
            "'lines':[{'sku':'A','quantity':2,'unit_price':1999,'fulfillment':'ship'},"
            "{'sku':'B','quantity':1,'fulfillment':'pickup','pickup_location':'STORE5'}],"
            "'payment':{'status':'authorized','amount':3998},'ship_complete':true,"
            "'unknown':'dropped'}",
            "{'channel':'web','external_id':'1001','currency':'USD',"
            "'customer':{'email':'a@b.c','name':'Ann'},"
            "'shipping_address':{'name':null,'line1':'1 Main St','line2':null,'city':'New York',"
            "'region':'NY','postal_code':'10001','country':'US','phone':null,'lat':40.7,'lon':-74.0},"
            "'ship_method':'express',"
            "'lines':[{'sku':'A','quantity':2,'unit_price':1999,'fulfillment':'ship',"
            "'pickup_location':null},"
            "{'sku':'B','quantity':1,'unit_price':null,'fulfillment':'pickup',"
            "'pickup_location':'STORE5'}],"
            "'payment':{'status':'authorized','amount':3998},'ship_complete':true}");
}
END_TEST

START_TEST(test_parse_pickup_location)
{
  fails_with("{'channel':'web','lines':[{'sku':'A','quantity':1},"
             "{'sku':'B','quantity':1,'fulfillment':'pickup'}]}",
             "[{'field':'lines[1].pickup_location',"
             "'message':'is required when fulfillment is pickup'}]");
  fails_with("{'channel':'web','lines':[{'sku':'B','quantity':1,'fulfillment':'pickup',"
             "'pickup_location':null}]}",
             "[{'field':'lines[0].pickup_location',"
             "'message':'is required when fulfillment is pickup'}]");
  /* a ship line forgets a pickup store it names */
  parses_as("{'channel':'web','lines':[{'sku':'A','quantity':1,'pickup_location':'STORE5'}]}",
            "{'channel':'web','external_id':null,'currency':null,'customer':null,"
            "'shipping_address':null,'ship_method':'standard',"
            "'lines':[{'sku':'A','quantity':1,'unit_price':null,'fulfillment':'ship',"
            "'pickup_location':null}],'payment':null,'ship_complete':false}");
  fails_with("{'channel':'web','lines':[{'sku':'A','quantity':1,'fulfillment':'deliver'}]}",
             "[{'field':'lines[0].fulfillment','message':'must be one of ship, pickup'}]");
}
END_TEST

START_TEST(test_parse_country_currency_email)
{
  fails_with("{'channel':'web','currency':'usd','lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'currency','message':'must be a 3-letter upper-case ISO 4217 code'}]");
  fails_with("{'channel':'web','currency':'US','lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'currency','message':'must be 3 to 3 characters'}]");
  fails_with("{'channel':'web','shipping_address':{'country':'us'},"
             "'lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'shipping_address.country',"
             "'message':'must be a 2-letter upper-case ISO 3166 code'}]");
  fails_with("{'channel':'web','shipping_address':{'country':'U1'},"
             "'lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'shipping_address.country',"
             "'message':'must be a 2-letter upper-case ISO 3166 code'}]");
  fails_with("{'channel':'web','shipping_address':{'country':'USA'},"
             "'lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'shipping_address.country','message':'must be 2 to 2 characters'}]");
  fails_with("{'channel':'web','customer':{'email':'ann.example.com'},"
             "'lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'customer.email','message':'must be an email address'}]");
  /* the checks a table cannot say are all reported together */
  fails_with("{'channel':'web','currency':'eur','customer':{'email':'nobody'},"
             "'shipping_address':{'country':'de'},'lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'currency','message':'must be a 3-letter upper-case ISO 4217 code'},"
             "{'field':'shipping_address.country',"
             "'message':'must be a 2-letter upper-case ISO 3166 code'},"
             "{'field':'customer.email','message':'must be an email address'}]");
  /* null email and null country are fine */
  parses_as("{'channel':'web','customer':{'email':null},'shipping_address':{'country':null},"
            "'lines':[{'sku':'A','quantity':1}]}",
            "{'channel':'web','external_id':null,'currency':null,"
            "'customer':{'email':null,'name':null},"
            "'shipping_address':{'name':null,'line1':null,'line2':null,'city':null,'region':null,"
            "'postal_code':null,'country':null,'phone':null,'lat':null,'lon':null},"
            "'ship_method':'standard',"
            "'lines':[{'sku':'A','quantity':1,'unit_price':null,'fulfillment':'ship',"
            "'pickup_location':null}],'payment':null,'ship_complete':false}");
}
END_TEST

START_TEST(test_parse_lat_lon)
{
  fails_with("{'channel':'web','shipping_address':{'lat':40.7},'lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'shipping_address.lon','message':'lat and lon must be given together'}]");
  fails_with("{'channel':'web','shipping_address':{'lon':-74},'lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'shipping_address.lat','message':'lat and lon must be given together'}]");
  fails_with("{'channel':'web','shipping_address':{'lat':91,'lon':0},"
             "'lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'shipping_address.lat','message':'must be between -90 and 90'}]");
}
END_TEST

START_TEST(test_parse_quantities)
{
  /* every bad line is reported, with its index */
  fails_with("{'channel':'web','lines':[{'sku':'A','quantity':0},{'sku':'B','quantity':-1},"
             "{'sku':'C','quantity':1},{'sku':'D','quantity':1.5},{'sku':'E'}]}",
             "[{'field':'lines[0].quantity','message':'must be between 1 and 1000000000'},"
             "{'field':'lines[1].quantity','message':'must be between 1 and 1000000000'},"
             "{'field':'lines[3].quantity','message':'must be an integer'},"
             "{'field':'lines[4].quantity','message':'is required'}]");
  fails_with("{'channel':'web','lines':[{'sku':'A','quantity':1,'unit_price':-1}]}",
             "[{'field':'lines[0].unit_price','message':'must be between 0 and 1000000000000000'}]");
  fails_with("{'channel':'web','lines':[{'sku':'A B','quantity':1}]}",
             "[{'field':'lines[0].sku','message':'must be 1-64 characters of A-Z a-z 0-9 . _ -'}]");
}
END_TEST

START_TEST(test_parse_lines_and_required)
{
  fails_with("{'channel':'web','lines':[]}",
             "[{'field':'lines','message':'must have 1 to 500 entries'}]");
  fails_with("{'channel':'web'}", "[{'field':'lines','message':'is required'}]");
  fails_with("{'lines':[{'sku':'A','quantity':1}]}", "[{'field':'channel','message':'is required'}]");
  fails_with("{'channel':'web','lines':{'sku':'A'}}",
             "[{'field':'lines','message':'must be an array'}]");
  fails_with("[]", "[{'field':'body','message':'must be a JSON object'}]");
}
END_TEST

START_TEST(test_parse_ship_method_payment)
{
  fails_with("{'channel':'web','ship_method':'overnight','lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'ship_method','message':'must be one of standard, express'}]");
  fails_with("{'channel':'web','payment':{'status':'refunded'},'lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'payment.status','message':'must be one of authorized, paid, deposit'}]");
  fails_with("{'channel':'web','payment':{'amount':5},'lines':[{'sku':'A','quantity':1}]}",
             "[{'field':'payment.status','message':'is required'}]");
}
END_TEST

/* ---- capture ---- */

#define ORDER_ID "11111111-1111-4111-8111-111111111111"
#define ID(n) "00000000-0000-4000-8000-00000000000" #n

static int next_id;

static void test_new_id(char out[37])
{
  snprintf(out, 37, "00000000-0000-4000-8000-%012d", ++next_id);
}

/* A channel as oms_channel_json shows it. */
#define CHANNEL_WEB                                                                                \
  "{'code':'web','name':'Web','locations':'*','safety_stock':0,'percent':100,"                      \
  "'max_per_sku':null,'dropship':false,'preorders':false,'currency':'USD',"                         \
  "'shopify_secret_set':false,'version':1,'created_at':'2026-01-05T10:00:00Z',"                     \
  "'updated_at':'2026-01-05T10:00:00Z'}"

#define ITEM(price) \
  "{'price':" #price ",'dropship':false,'preorder_enabled':false,'preorder_limit':null," \
  "'channel_limit':null,'release_date':null}"

/* Inputs of a tenant with items A (1000) and B (500), a store STORE5
 * (priority 20, 3 of A, takes pickups) and a warehouse WH1 (priority 10,
 * A 10 on hand of which 2 reserved, B 5), no suppliers, no rules. */
static json_t *base_inputs(void)
{
  return jq("{'channel':" CHANNEL_WEB ","
            "'items':{'A':" ITEM(1000) ",'B':" ITEM(500) "},"
            "'locations':["
            "{'code':'STORE5','type':'store','active':true,'ship':true,'pickup':true,"
            "'lat':40.73,'lon':-73.99,'priority':20,'cost_per_shipment':300,'ship_days':1,"
            "'stock':{'A':{'on_hand':3,'reserved':0,'fenced_other':0}}},"
            "{'code':'WH1','type':'warehouse','active':true,'ship':true,'pickup':false,"
            "'lat':40.7,'lon':-74.0,'priority':10,'cost_per_shipment':500,'ship_days':2,"
            "'stock':{'A':{'on_hand':10,'reserved':2,'fenced_other':0},"
            "'B':{'on_hand':5,'reserved':0,'fenced_other':0}}}],"
            "'suppliers':[],'preorder':{},'routing_rules':null,'order_rules':null,"
            "'duplicate':null}");
}

/* Sets inputs[key] (a dotted path: "channel.safety_stock") to the JSON text. */
static void put(json_t *inputs, const char *path, const char *text)
{
  char buf[200];
  snprintf(buf, sizeof buf, "%s", path);
  char *dot = strrchr(buf, '.');
  json_t *parent = inputs;
  if (dot) {
    *dot = '\0';
    parent = at(inputs, buf);
    ck_assert_msg(parent != NULL, "nothing at %s", buf);
  }
  json_t *v = jq(text);
  if (json_is_array(parent))
    ck_assert_int_eq(json_array_set_new(parent, strtoul(dot + 1, NULL, 10), v), 0);
  else
    ck_assert_int_eq(json_object_set_new(parent, dot ? dot + 1 : path, v), 0);
}

/* Normalises an order body; the parse must succeed. */
static json_t *order_doc(const char *text)
{
  json_t *in = jq(text), *out = NULL, *errors = json_array();
  int rc = eng_order_parse(in, &out, errors);
  if (rc != 0) {
    char *all = json_dumps(errors, 0);
    ck_abort_msg("parse of %s failed: %s", text, all);
  }
  json_decref(in);
  json_decref(errors);
  return out;
}

struct cap {
  enum eng_capture_result rc;
  json_t *payload, *errors;
};

static struct cap capture_ex(const char *order_text, json_t *inputs, bool never_refuse)
{
  struct cap r;
  json_t *order = order_doc(order_text);
  struct eng_capture_ctx ctx = {.order_id = ORDER_ID,
                                .tracking_token = "trk-1",
                                .actor = "key-1",
                                .never_refuse = never_refuse,
                                .new_id = test_new_id};
  next_id = 0;
  r.payload = (json_t *)1;
  r.errors = (json_t *)1;
  r.rc = ut_capture(order, inputs, &ctx, &r.payload, &r.errors);
  if (r.rc == ENG_CAPTURE_OK) {
    ck_assert_ptr_nonnull(r.payload);
    ck_assert_ptr_null(r.errors);
  } else {
    ck_assert_ptr_null(r.payload);
    ck_assert_ptr_nonnull(r.errors);
  }
  json_decref(order);
  json_decref(inputs);
  return r;
}

static struct cap capture(const char *order_text, json_t *inputs)
{
  return capture_ex(order_text, inputs, false);
}

/* Expects a successful capture; returns its payload (caller decrefs). */
static json_t *captured(const char *order_text, json_t *inputs)
{
  struct cap r = capture(order_text, inputs);
  if (r.rc != ENG_CAPTURE_OK) {
    char *e = json_dumps(r.errors, 0);
    ck_abort_msg("capture refused (%d): %s", r.rc, e);
  }
  return r.payload;
}

#define ADDR_NYC                                                                                   \
  "'shipping_address':{'line1':'1 Main St','city':'New York','region':'NY',"                       \
  "'postal_code':'10001','country':'US','lat':40.7,'lon':-74.0}"
#define ADDR_NYC_OUT                                                                               \
  "{'name':null,'line1':'1 Main St','line2':null,'city':'New York','region':'NY',"                 \
  "'postal_code':'10001','country':'US','phone':null,'lat':40.7,'lon':-74.0}"

START_TEST(test_capture_simple)
{
  json_t *p = captured("{'channel':'web','external_id':'1001',"
                       "'customer':{'email':'a@b.c','name':'Ann'}," ADDR_NYC ","
                       "'lines':[{'sku':'A','quantity':2,'unit_price':1000},{'sku':'B','quantity':1}],"
                       "'payment':{'status':'paid','amount':2500}}",
                       base_inputs());
  /* WH1 has priority 10 and holds both skus: one shipment from there */
  assert_at(p, "order.routing.rule", "'default'");
  assert_at(p, "order.routing.plan",
            "[{'source_type':'location','source':'WH1','lines':[{'sku':'A','quantity':2},"
            "{'sku':'B','quantity':1}]}]");
  assert_at(p, "order.routing.unsourced", "[]");
  json_object_del(json_object_get(p, "order"), "routing");
  assert_json(
      p, "{'order':{'id':'" ORDER_ID "','channel':'web','external_id':'1001','currency':'USD',"
         "'customer':{'email':'a@b.c','name':'Ann'},'shipping_address':" ADDR_NYC_OUT ","
         "'ship_method':'standard','payment':{'status':'paid','amount':2500},"
         "'ship_complete':false,'status':'released','total':2500,'tracking_token':'trk-1',"
         "'exchange_for':null},"
         "'actor':'key-1','safety_stock':0,"
         "'lines':[{'line':1,'sku':'A','quantity':2,'unit_price':1000,'fulfillment':'ship',"
         "'pickup_location':null,'status':'released','allocated':2,'preordered':0,"
         "'backordered':0,'promise_days':2},"
         "{'line':2,'sku':'B','quantity':1,'unit_price':500,'fulfillment':'ship',"
         "'pickup_location':null,'status':'released','allocated':1,'preordered':0,"
         "'backordered':0,'promise_days':2}],"
         "'holds':[],"
         "'fulfillments':[{'id':'" ID(1) "','source_type':'location','source':'WH1',"
         "'fulfillment':'ship','status':'released',"
         "'lines':[{'line':1,'sku':'A','quantity':2},{'line':2,'sku':'B','quantity':1}]}],"
         "'location_lines':[{'fulfillment_id':'" ID(1) "','line':1,'sku':'A','source':'WH1',"
         "'quantity':2},"
         "{'fulfillment_id':'" ID(1) "','line':2,'sku':'B','source':'WH1','quantity':1}],"
         "'supplier_lines':[],'preorder_takes':[],'purchase_orders':[],'exceptions':[],"
         "'events':[{'type':'order.created','data':{'order_id':'" ORDER_ID "',"
         "'status':'released','previous_status':null}},"
         "{'type':'fulfillment.created','data':{'fulfillment_id':'" ID(1) "',"
         "'order_id':'" ORDER_ID "','source':'WH1','status':'released'}}]}");
  json_decref(p);
}
END_TEST

START_TEST(test_capture_splits_and_pickup)
{
  /* WH1 may give 8 of A; the other 2 come from STORE5 */
  json_t *p = captured("{'channel':'web'," ADDR_NYC ",'lines':[{'sku':'A','quantity':10}]}",
                       base_inputs());
  assert_at(p, "fulfillments",
            "[{'id':'" ID(1) "','source_type':'location','source':'WH1','fulfillment':'ship',"
            "'status':'released','lines':[{'line':1,'sku':'A','quantity':8}]},"
            "{'id':'" ID(2) "','source_type':'location','source':'STORE5','fulfillment':'ship',"
            "'status':'released','lines':[{'line':1,'sku':'A','quantity':2}]}]");
  assert_at(p, "lines.0.allocated", "10");
  /* the later promise wins: WH1 takes 2 days */
  assert_at(p, "lines.0.promise_days", "2");
  assert_at(p, "order.total", "10000");
  json_decref(p);

  /* a pickup line goes to the store the customer chose */
  p = captured("{'channel':'web','lines':[{'sku':'A','quantity':1,'fulfillment':'pickup',"
               "'pickup_location':'STORE5'},{'sku':'B','quantity':1}]}",
               base_inputs());
  assert_at(p, "fulfillments",
            "[{'id':'" ID(1) "','source_type':'location','source':'STORE5',"
            "'fulfillment':'pickup','status':'released','lines':[{'line':1,'sku':'A','quantity':1}]},"
            "{'id':'" ID(2) "','source_type':'location','source':'WH1','fulfillment':'ship',"
            "'status':'released','lines':[{'line':2,'sku':'B','quantity':1}]}]");
  assert_at(p, "lines.0.pickup_location", "'STORE5'");
  assert_at(p, "lines.0.promise_days", "1");
  json_decref(p);
}
END_TEST

START_TEST(test_capture_defaults_from_catalog_and_channel)
{
  json_t *in = base_inputs();
  put(in, "channel.currency", "'EUR'");
  json_t *p = captured("{'channel':'web','lines':[{'sku':'A','quantity':3},"
                       "{'sku':'B','quantity':2,'unit_price':450}]}",
                       in);
  /* no currency: the channel's; no unit price: the catalog's */
  assert_at(p, "order.currency", "'EUR'");
  assert_at(p, "lines.0.unit_price", "1000");
  assert_at(p, "lines.1.unit_price", "450");
  assert_at(p, "order.total", "3900");
  assert_at(p, "order.external_id", "null");
  json_decref(p);
}
END_TEST

START_TEST(test_capture_safety_stock)
{
  /* safety 3: WH1 may give 10 - 2 - 3 = 5 of A, STORE5 3 - 3 = 0 */
  json_t *in = base_inputs();
  put(in, "channel.safety_stock", "3");
  struct cap r = capture("{'channel':'web','lines':[{'sku':'A','quantity':6}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  assert_json(r.errors, "[{'field':'lines[0].quantity','message':'only 5 of 6 can be sourced'}]");
  json_decref(r.errors);

  in = base_inputs();
  put(in, "channel.safety_stock", "3");
  json_t *p = captured("{'channel':'web','lines':[{'sku':'A','quantity':5}]}", in);
  assert_at(p, "safety_stock", "3");
  assert_at(p, "location_lines",
            "[{'fulfillment_id':'" ID(1) "','line':1,'sku':'A','source':'WH1','quantity':5}]");
  assert_at(p, "order.routing.candidates.0.available", "{'A':5}");
  assert_at(p, "order.routing.candidates.1.available", "{'A':0}");
  json_decref(p);
}
END_TEST

START_TEST(test_capture_ringfence_other_channel)
{
  /* 6 units of A at WH1 are fenced for another channel: WH1 may give 2 */
  json_t *in = base_inputs();
  put(in, "locations.1.stock.A.fenced_other", "6");
  struct cap r = capture("{'channel':'web','lines':[{'sku':'A','quantity':6}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  assert_json(r.errors, "[{'field':'lines[0].quantity','message':'only 5 of 6 can be sourced'}]");
  json_decref(r.errors);

  in = base_inputs();
  put(in, "locations.1.stock.A.fenced_other", "6");
  json_t *p = captured("{'channel':'web','lines':[{'sku':'A','quantity':5}]}", in);
  assert_at(p, "location_lines",
            "[{'fulfillment_id':'" ID(1) "','line':1,'sku':'A','source':'WH1','quantity':2},"
            "{'fulfillment_id':'" ID(2) "','line':1,'sku':'A','source':'STORE5','quantity':3}]");
  json_decref(p);

  /* a fence larger than what is free leaves nothing, never less */
  in = base_inputs();
  put(in, "locations.1.stock.A.fenced_other", "50");
  p = captured("{'channel':'web','lines':[{'sku':'A','quantity':3}]}", in);
  assert_at(p, "order.routing.candidates.0.available", "{'A':0}");
  assert_at(p, "location_lines",
            "[{'fulfillment_id':'" ID(1) "','line':1,'sku':'A','source':'STORE5','quantity':3}]");
  json_decref(p);
}
END_TEST

START_TEST(test_capture_insufficient)
{
  /* A: 8 + 3 = 11 can be sourced; B: 5. Every short line is reported. */
  struct cap r = capture("{'channel':'web','lines':[{'sku':'A','quantity':12},"
                         "{'sku':'B','quantity':5},{'sku':'B','quantity':1}]}",
                         base_inputs());
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  assert_json(r.errors, "[{'field':'lines[0].quantity','message':'only 11 of 12 can be sourced'},"
                        "{'field':'lines[2].quantity','message':'only 0 of 1 can be sourced'}]");
  json_decref(r.errors);

  /* an inactive location and one outside the channel give nothing */
  json_t *in = base_inputs();
  put(in, "locations.0.active", "false");
  put(in, "channel.locations", "['STORE5']");
  r = capture("{'channel':'web','lines':[{'sku':'A','quantity':1}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  assert_json(r.errors, "[{'field':'lines[0].quantity','message':'only 0 of 1 can be sourced'}]");
  json_decref(r.errors);
}
END_TEST

START_TEST(test_capture_unknown_objects)
{
  struct cap r = capture("{'channel':'web','lines':[{'sku':'A','quantity':1},{'sku':'NOPE','quantity':1},"
                         "{'sku':'B','quantity':1,'fulfillment':'pickup','pickup_location':'STORE9'}]}",
                         base_inputs());
  ck_assert_int_eq(r.rc, ENG_CAPTURE_UNKNOWN);
  assert_json(r.errors, "[{'field':'lines[1].sku','message':'does not exist'},"
                        "{'field':'lines[2].pickup_location','message':'does not exist'}]");
  json_decref(r.errors);

  json_t *in = base_inputs();
  put(in, "channel", "null");
  r = capture("{'channel':'web','lines':[{'sku':'A','quantity':1}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_UNKNOWN);
  assert_json(r.errors, "[{'field':'channel','message':'does not exist'}]");
  json_decref(r.errors);
}
END_TEST

/* Inputs where P is on pre-order (limit 10, release 2027-01-15) with no
 * stock anywhere, and the web channel takes pre-orders. */
static json_t *preorder_inputs(void)
{
  json_t *in = base_inputs();
  put(in, "channel.preorders", "true");
  put(in, "items.P", "{'price':2000,'dropship':false,'preorder_enabled':true,'preorder_limit':10,"
                     "'channel_limit':null,'release_date':'2027-01-15'}");
  return in;
}

START_TEST(test_capture_preorder)
{
  json_t *in = preorder_inputs();
  put(in, "preorder", "{'P|*':4,'P|web':1}");
  json_t *p = captured("{'channel':'web','lines':[{'sku':'P','quantity':3}]}", in);
  assert_at(p, "lines",
            "[{'line':1,'sku':'P','quantity':3,'unit_price':2000,'fulfillment':'ship',"
            "'pickup_location':null,'status':'preordered','allocated':0,'preordered':3,"
            "'backordered':0,'promise_date':'2027-01-15'}]");
  assert_at(p, "preorder_takes", "[{'sku':'P','quantity':3,'limit':10,'channel_limit':null}]");
  assert_at(p, "order.status", "'preordered'");
  assert_at(p, "fulfillments", "[]");
  assert_at(p, "exceptions", "[]");
  assert_at(p, "events", "[{'type':'order.created','data':{'order_id':'" ORDER_ID "',"
                         "'status':'preordered','previous_status':null}}]");
  json_decref(p);

  /* 4 outstanding of 10: 6 more fit, 7 do not */
  in = preorder_inputs();
  put(in, "preorder", "{'P|*':4}");
  struct cap r = capture("{'channel':'web','lines':[{'sku':'P','quantity':7}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  assert_json(r.errors, "[{'field':'lines[0].quantity','message':'only 6 of 7 can be sourced'}]");
  json_decref(r.errors);

  /* two lines of one sku share the head-room */
  in = preorder_inputs();
  put(in, "preorder", "{'P|*':4}");
  r = capture("{'channel':'web','lines':[{'sku':'P','quantity':4},{'sku':'P','quantity':3}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  assert_json(r.errors, "[{'field':'lines[1].quantity','message':'only 2 of 3 can be sourced'}]");
  json_decref(r.errors);

  /* stock first, the rest pre-ordered: the line stays preordered */
  in = preorder_inputs();
  put(in, "locations.1.stock.P", "{'on_hand':2,'reserved':0,'fenced_other':0}");
  p = captured("{'channel':'web','lines':[{'sku':'P','quantity':5}]}", in);
  assert_at(p, "lines.0.status", "'preordered'");
  assert_at(p, "lines.0.allocated", "2");
  assert_at(p, "lines.0.preordered", "3");
  assert_at(p, "lines.0.promise_date", "'2027-01-15'");
  assert_at(p, "preorder_takes", "[{'sku':'P','quantity':3,'limit':10,'channel_limit':null}]");
  assert_at(p, "location_lines",
            "[{'fulfillment_id':'" ID(1) "','line':1,'sku':'P','source':'WH1','quantity':2}]");
  assert_at(p, "order.status", "'preordered'");
  json_decref(p);

  /* a channel that takes no pre-orders sells only stock */
  in = preorder_inputs();
  put(in, "channel.preorders", "false");
  r = capture("{'channel':'web','lines':[{'sku':'P','quantity':1}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  assert_json(r.errors, "[{'field':'lines[0].quantity','message':'only 0 of 1 can be sourced'}]");
  json_decref(r.errors);
}
END_TEST

START_TEST(test_capture_preorder_channel_limit)
{
  /* web may have 5 outstanding and has 4: one more */
  json_t *in = preorder_inputs();
  put(in, "items.P.channel_limit", "5");
  put(in, "preorder", "{'P|*':4,'P|web':4}");
  struct cap r = capture("{'channel':'web','lines':[{'sku':'P','quantity':2}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  assert_json(r.errors, "[{'field':'lines[0].quantity','message':'only 1 of 2 can be sourced'}]");
  json_decref(r.errors);

  in = preorder_inputs();
  put(in, "items.P.channel_limit", "5");
  put(in, "preorder", "{'P|*':4,'P|web':4}");
  json_t *p = captured("{'channel':'web','lines':[{'sku':'P','quantity':1}]}", in);
  assert_at(p, "preorder_takes", "[{'sku':'P','quantity':1,'limit':10,'channel_limit':5}]");
  assert_at(p, "lines.0.preordered", "1");
  json_decref(p);

  /* no counter yet for the channel: the channel limit alone applies */
  in = preorder_inputs();
  put(in, "items.P.channel_limit", "2");
  r = capture("{'channel':'web','lines':[{'sku':'P','quantity':3}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  assert_json(r.errors, "[{'field':'lines[0].quantity','message':'only 2 of 3 can be sourced'}]");
  json_decref(r.errors);
}
END_TEST

START_TEST(test_capture_ship_complete)
{
  /* a stock line and a pre-order line, ship_complete: nothing is released */
  json_t *p = captured("{'channel':'web','ship_complete':true,"
                       "'lines':[{'sku':'A','quantity':1},{'sku':'P','quantity':2}]}",
                       preorder_inputs());
  assert_at(p, "order.status", "'preordered'");
  assert_at(p, "lines.0.status", "'released'");
  assert_at(p, "lines.1.status", "'preordered'");
  assert_at(p, "fulfillments",
            "[{'id':'" ID(1) "','source_type':'location','source':'WH1','fulfillment':'ship',"
            "'status':'pending','lines':[{'line':1,'sku':'A','quantity':1}]}]");
  /* the stock is still reserved */
  assert_at(p, "location_lines",
            "[{'fulfillment_id':'" ID(1) "','line':1,'sku':'A','source':'WH1','quantity':1}]");
  assert_at(p, "events.1", "{'type':'fulfillment.created','data':{'fulfillment_id':'" ID(1) "',"
                           "'order_id':'" ORDER_ID "','source':'WH1','status':'pending'}}");
  json_decref(p);

  /* without ship_complete the stock line goes at once */
  p = captured("{'channel':'web','lines':[{'sku':'A','quantity':1},{'sku':'P','quantity':2}]}",
               preorder_inputs());
  assert_at(p, "order.status", "'released'");
  assert_at(p, "fulfillments.0.status", "'released'");
  json_decref(p);

  /* ship_complete with every line in stock releases as usual */
  p = captured("{'channel':'web','ship_complete':true,'lines':[{'sku':'A','quantity':1}]}",
               preorder_inputs());
  assert_at(p, "order.status", "'released'");
  assert_at(p, "fulfillments.0.status", "'released'");
  json_decref(p);
}
END_TEST

/* Normalises an order rules document as PUT /v1/order-rules stores it. */
static void put_order_rules(json_t *inputs, const char *text)
{
  json_t *in = jq(text), *out = NULL, *errors = json_array();
  ck_assert_int_eq(eng_order_rules_parse(in, &out, errors), 0);
  json_object_set_new(inputs, "order_rules", out);
  json_decref(in);
  json_decref(errors);
}

START_TEST(test_capture_order_rule_hold)
{
  json_t *in = base_inputs();
  put_order_rules(in, "[{'name':'big','when':{'total_gt':1500},'action':'hold','reason':'review'},"
                         "{'name':'eu','when':{'country_not_in':['US']},'action':'hold',"
                         "'reason':'export'}]");
  json_t *p = captured("{'channel':'web'," ADDR_NYC ",'lines':[{'sku':'A','quantity':2}]}", in);
  assert_at(p, "order.status", "'on_hold'");
  assert_at(p, "lines.0.status", "'on_hold'");
  assert_at(p, "lines.0.allocated", "2");
  assert_at(p, "holds", "[{'rule':'big','reason':'review','kind':'order_hold'}]");
  assert_at(p, "fulfillments",
            "[{'id':'" ID(1) "','source_type':'location','source':'WH1','fulfillment':'ship',"
            "'status':'pending','lines':[{'line':1,'sku':'A','quantity':2}]}]");
  /* the units are reserved while the order waits */
  assert_at(p, "location_lines",
            "[{'fulfillment_id':'" ID(1) "','line':1,'sku':'A','source':'WH1','quantity':2}]");
  assert_at(p, "exceptions",
            "[{'id':'" ID(2) "','kind':'order_hold','detail':'review','data':{'rule':'big'}}]");
  assert_at(p, "events",
            "[{'type':'order.created','data':{'order_id':'" ORDER_ID "','status':'on_hold',"
            "'previous_status':null}},"
            "{'type':'fulfillment.created','data':{'fulfillment_id':'" ID(1) "',"
            "'order_id':'" ORDER_ID "','source':'WH1','status':'pending'}},"
            "{'type':'exception.opened','data':{'exception_id':'" ID(2) "','kind':'order_hold',"
            "'order_id':'" ORDER_ID "'}}]");
  json_decref(p);

  /* under the threshold: released, no exception */
  in = base_inputs();
  put_order_rules(in, "[{'name':'big','when':{'total_gt':1500},'action':'hold','reason':'review'}]");
  p = captured("{'channel':'web','lines':[{'sku':'A','quantity':1}]}", in);
  assert_at(p, "order.status", "'released'");
  assert_at(p, "holds", "[]");
  assert_at(p, "exceptions", "[]");
  json_decref(p);
}
END_TEST

START_TEST(test_capture_price_mismatch)
{
  json_t *in = base_inputs();
  put_order_rules(in, "[{'name':'price','when':{'price_mismatch_pct_gt':5},'action':'hold',"
                         "'reason':'price check'}]");
  /* 800 against a catalog price of 1000 is 20% off */
  json_t *p = captured("{'channel':'web','lines':[{'sku':'B','quantity':1},"
                       "{'sku':'A','quantity':1,'unit_price':800}]}",
                       in);
  assert_at(p, "order.status", "'on_hold'");
  assert_at(p, "holds", "[{'rule':'price','reason':'price check','kind':'price_mismatch'}]");
  assert_at(p, "exceptions",
            "[{'id':'" ID(2) "','kind':'price_mismatch','detail':'price check',"
            "'data':{'rule':'price'}}]");
  assert_at(p, "events.2", "{'type':'exception.opened','data':{'exception_id':'" ID(2) "',"
                           "'kind':'price_mismatch','order_id':'" ORDER_ID "'}}");
  json_decref(p);

  /* 960 is 4% off: no hold */
  in = base_inputs();
  put_order_rules(in, "[{'name':'price','when':{'price_mismatch_pct_gt':5},'action':'hold',"
                         "'reason':'price check'}]");
  p = captured("{'channel':'web','lines':[{'sku':'A','quantity':1,'unit_price':960}]}", in);
  assert_at(p, "order.status", "'released'");
  assert_at(p, "exceptions", "[]");
  json_decref(p);
}
END_TEST

/* Inputs where D is drop-shippable: no location stock, supplier SUP1
 * (lead time 2) has 300 at 1200 each, shipping in 3 days. */
static json_t *dropship_inputs(void)
{
  json_t *in = base_inputs();
  put(in, "channel.dropship", "true");
  put(in, "items.D", "{'price':1999,'dropship':true,'preorder_enabled':false,'preorder_limit':null,"
                     "'channel_limit':null,'release_date':null}");
  put(in, "suppliers", "[{'code':'SUP1','active':true,'lead_time_days':2,"
                       "'items':{'D':{'cost':1200,'available':300,'ship_days':3}}}]");
  return in;
}

START_TEST(test_capture_dropship)
{
  json_t *p = captured("{'channel':'web'," ADDR_NYC ",'lines':[{'sku':'B','quantity':1},"
                       "{'sku':'D','quantity':2}]}",
                       dropship_inputs());
  assert_at(p, "fulfillments",
            "[{'id':'" ID(1) "','source_type':'location','source':'WH1','fulfillment':'ship',"
            "'status':'released','lines':[{'line':1,'sku':'B','quantity':1}]},"
            "{'id':'" ID(2) "','source_type':'supplier','source':'SUP1','fulfillment':'ship',"
            "'status':'released','lines':[{'line':2,'sku':'D','quantity':2}]}]");
  assert_at(p, "supplier_lines",
            "[{'fulfillment_id':'" ID(2) "','line':2,'sku':'D','source':'SUP1','quantity':2}]");
  assert_at(p, "location_lines",
            "[{'fulfillment_id':'" ID(1) "','line':1,'sku':'B','source':'WH1','quantity':1}]");
  assert_at(p, "purchase_orders",
            "[{'id':'" ID(3) "','supplier':'SUP1','fulfillment_id':'" ID(2) "','total_cost':2400,"
            "'ship_to':" ADDR_NYC_OUT ","
            "'lines':[{'line':1,'order_line':2,'sku':'D','quantity':2,'cost':1200}]}]");
  /* lead time 2 + the item's 3 days */
  assert_at(p, "lines.1.promise_days", "5");
  assert_at(p, "events",
            "[{'type':'order.created','data':{'order_id':'" ORDER_ID "','status':'released',"
            "'previous_status':null}},"
            "{'type':'fulfillment.created','data':{'fulfillment_id':'" ID(1) "',"
            "'order_id':'" ORDER_ID "','source':'WH1','status':'released'}},"
            "{'type':'fulfillment.created','data':{'fulfillment_id':'" ID(2) "',"
            "'order_id':'" ORDER_ID "','source':'SUP1','status':'released'}},"
            "{'type':'purchase_order.created','data':{'purchase_order_id':'" ID(3) "',"
            "'order_id':'" ORDER_ID "','status':'sent'}}]");
  json_decref(p);

  /* a channel without drop-ship cannot use the supplier */
  json_t *in = dropship_inputs();
  put(in, "channel.dropship", "false");
  struct cap r = capture("{'channel':'web','lines':[{'sku':'D','quantity':2}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  assert_json(r.errors, "[{'field':'lines[0].quantity','message':'only 0 of 2 can be sourced'}]");
  json_decref(r.errors);

  /* nor an item that is not drop-shippable */
  in = dropship_inputs();
  put(in, "items.D.dropship", "false");
  r = capture("{'channel':'web','lines':[{'sku':'D','quantity':2}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  json_decref(r.errors);

  /* the supplier takes only what locations cannot (fallback), at most
   * what it has */
  in = dropship_inputs();
  put(in, "locations.1.stock.D", "{'on_hand':1,'reserved':0,'fenced_other':0}");
  put(in, "suppliers.0.items.D.available", "2");
  p = captured("{'channel':'web','lines':[{'sku':'D','quantity':3}]}", in);
  assert_at(p, "location_lines",
            "[{'fulfillment_id':'" ID(1) "','line':1,'sku':'D','source':'WH1','quantity':1}]");
  assert_at(p, "supplier_lines",
            "[{'fulfillment_id':'" ID(2) "','line':1,'sku':'D','source':'SUP1','quantity':2}]");
  assert_at(p, "purchase_orders.0.total_cost", "2400");
  assert_at(p, "purchase_orders.0.ship_to", "null");
  json_decref(p);
}
END_TEST

START_TEST(test_capture_never_refuse)
{
  /* Shopify: 11 of A can be sourced, the 12th is backordered and staff
   * hear about it */
  struct cap r = capture_ex("{'channel':'web','lines':[{'sku':'A','quantity':12},"
                            "{'sku':'B','quantity':1}]}",
                            base_inputs(), true);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_OK);
  json_t *p = r.payload;
  assert_at(p, "lines.0.allocated", "11");
  assert_at(p, "lines.0.backordered", "1");
  assert_at(p, "lines.0.status", "'backordered'");
  assert_at(p, "lines.1.status", "'released'");
  assert_at(p, "order.status", "'released'");
  /* the exception takes the first id, the fulfillments the next */
  assert_at(p, "exceptions",
            "[{'id':'" ID(1) "','kind':'unroutable','sku':'A',"
            "'detail':'1 of 12 units of A could not be sourced','data':{'line':1}}]");
  assert_at(p, "fulfillments.0.id", "'" ID(2) "'");
  assert_at(p, "events.3", "{'type':'exception.opened','data':{'exception_id':'" ID(1) "',"
                           "'kind':'unroutable','order_id':'" ORDER_ID "'}}");
  json_decref(p);

  /* nothing at all: every line backordered, no fulfillment */
  json_t *in = base_inputs();
  put(in, "locations", "[]");
  r = capture_ex("{'channel':'web','lines':[{'sku':'A','quantity':2}]}", in, true);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_OK);
  assert_at(r.payload, "order.status", "'backordered'");
  assert_at(r.payload, "lines.0.backordered", "2");
  assert_at(r.payload, "lines.0.allocated", "0");
  assert_at(r.payload, "fulfillments", "[]");
  assert_at(r.payload, "exceptions.0.detail", "'2 of 2 units of A could not be sourced'");
  json_decref(r.payload);
}
END_TEST

/* Normalises a routing rules document as PUT /v1/routing-rules stores it. */
static void put_routing_rules(json_t *inputs, const char *text)
{
  json_t *in = jq(text), *out = NULL, *errors = json_array();
  ck_assert_int_eq(eng_rules_parse(in, &out, errors), 0);
  json_object_set_new(inputs, "routing_rules", out);
  json_decref(in);
  json_decref(errors);
}

START_TEST(test_capture_routing_backorder)
{
  json_t *in = base_inputs();
  put_routing_rules(in, "[{'name':'wh-only','filters':{'location_types':['warehouse']},"
                        "'backorder':true}]");
  /* WH1 gives 8 of A; the rule allows backorders for the other 2 */
  json_t *p = captured("{'channel':'web','lines':[{'sku':'A','quantity':10},{'sku':'B','quantity':1}]}", in);
  assert_at(p, "order.routing.rule", "'wh-only'");
  assert_at(p, "lines.0.allocated", "8");
  assert_at(p, "lines.0.backordered", "2");
  assert_at(p, "lines.0.status", "'backordered'");
  assert_at(p, "lines.1.status", "'released'");
  assert_at(p, "order.status", "'released'");
  /* the rule asked for it: no exception */
  assert_at(p, "exceptions", "[]");
  assert_at(p, "fulfillments",
            "[{'id':'" ID(1) "','source_type':'location','source':'WH1','fulfillment':'ship',"
            "'status':'released','lines':[{'line':1,'sku':'A','quantity':8},"
            "{'line':2,'sku':'B','quantity':1}]}]");
  json_decref(p);

  /* everything backordered: the order is backordered */
  in = base_inputs();
  put_routing_rules(in, "[{'name':'bo','filters':{'exclude':['WH1','STORE5']},'backorder':true}]");
  p = captured("{'channel':'web','lines':[{'sku':'A','quantity':1}]}", in);
  assert_at(p, "order.status", "'backordered'");
  assert_at(p, "lines.0.backordered", "1");
  assert_at(p, "fulfillments", "[]");
  json_decref(p);

  /* ship_complete with a backordered line: the stock waits, and so does
   * the order */
  in = base_inputs();
  put_routing_rules(in, "[{'name':'wh-only','filters':{'location_types':['warehouse']},"
                        "'backorder':true}]");
  p = captured("{'channel':'web','ship_complete':true,"
               "'lines':[{'sku':'A','quantity':10},{'sku':'B','quantity':1}]}", in);
  assert_at(p, "fulfillments.0.status", "'pending'");
  assert_at(p, "lines.1.status", "'released'");
  assert_at(p, "order.status", "'backordered'");
  assert_at(p, "events.0.data.status", "'backordered'");
  json_decref(p);

  /* without backorder the same rule refuses */
  in = base_inputs();
  put_routing_rules(in, "[{'name':'wh-only','filters':{'location_types':['warehouse']}}]");
  struct cap r = capture("{'channel':'web','lines':[{'sku':'A','quantity':10}]}", in);
  ck_assert_int_eq(r.rc, ENG_CAPTURE_INSUFFICIENT);
  assert_json(r.errors, "[{'field':'lines[0].quantity','message':'only 8 of 10 can be sourced'}]");
  json_decref(r.errors);
}
END_TEST

START_TEST(test_capture_exchange_and_ids)
{
  json_t *order = order_doc("{'channel':'web','lines':[{'sku':'B','quantity':1,'unit_price':0}]}");
  json_t *in = base_inputs(), *payload = NULL, *errors = NULL;
  struct eng_capture_ctx ctx = {.order_id = ORDER_ID, .tracking_token = "trk-2", .actor = "system",
                                .exchange_for = "22222222-2222-4222-8222-222222222222",
                                .new_id = test_new_id};
  next_id = 0;
  ck_assert_int_eq(ut_capture(order, in, &ctx, &payload, &errors), ENG_CAPTURE_OK);
  assert_at(payload, "order.exchange_for", "'22222222-2222-4222-8222-222222222222'");
  assert_at(payload, "order.total", "0");
  assert_at(payload, "actor", "'system'");
  assert_at(payload, "order.tracking_token", "'trk-2'");
  json_decref(payload);
  json_decref(order);
  json_decref(in);
}
END_TEST

START_TEST(test_simulate)
{
  json_t *order = order_doc("{'channel':'web','lines':[{'sku':'A','quantity':10}]}");
  json_t *in = base_inputs(), *errors = (json_t *)1;
  json_t *d = ut_simulate(order, in, &errors);
  ck_assert_ptr_nonnull(d);
  ck_assert_ptr_null(errors);
  assert_at(d, "rule", "'default'");
  assert_at(d, "plan", "[{'source_type':'location','source':'WH1','lines':[{'sku':'A','quantity':8}]},"
                       "{'source_type':'location','source':'STORE5','lines':[{'sku':'A','quantity':2}]}]");
  assert_at(d, "unsourced", "[]");
  json_decref(d);
  json_decref(order);

  /* what cannot be sourced is explained, not refused */
  order = order_doc("{'channel':'web','lines':[{'sku':'B','quantity':9}]}");
  d = ut_simulate(order, in, &errors);
  ck_assert_ptr_nonnull(d);
  assert_at(d, "unsourced", "[{'sku':'B','quantity':4,'reason':'insufficient stock'}]");
  json_decref(d);
  json_decref(order);

  order = order_doc("{'channel':'web','lines':[{'sku':'X','quantity':1}]}");
  d = ut_simulate(order, in, &errors);
  ck_assert_ptr_null(d);
  assert_json(errors, "[{'field':'lines[0].sku','message':'does not exist'}]");
  json_decref(errors);
  json_decref(order);
  json_decref(in);
}
END_TEST

Suite *suite_orders(void)
{
  Suite *s = suite_create("orders");
  TCase *tp = tcase_create("parse");
  tcase_add_test(tp, test_parse_defaults);
  tcase_add_test(tp, test_parse_full);
  tcase_add_test(tp, test_parse_pickup_location);
  tcase_add_test(tp, test_parse_country_currency_email);
  tcase_add_test(tp, test_parse_lat_lon);
  tcase_add_test(tp, test_parse_quantities);
  tcase_add_test(tp, test_parse_lines_and_required);
  tcase_add_test(tp, test_parse_ship_method_payment);
  suite_add_tcase(s, tp);
  TCase *tc = tcase_create("capture");
  tcase_add_test(tc, test_capture_simple);
  tcase_add_test(tc, test_capture_splits_and_pickup);
  tcase_add_test(tc, test_capture_defaults_from_catalog_and_channel);
  tcase_add_test(tc, test_capture_safety_stock);
  tcase_add_test(tc, test_capture_ringfence_other_channel);
  tcase_add_test(tc, test_capture_insufficient);
  tcase_add_test(tc, test_capture_unknown_objects);
  tcase_add_test(tc, test_capture_preorder);
  tcase_add_test(tc, test_capture_preorder_channel_limit);
  tcase_add_test(tc, test_capture_ship_complete);
  tcase_add_test(tc, test_capture_order_rule_hold);
  tcase_add_test(tc, test_capture_price_mismatch);
  tcase_add_test(tc, test_capture_dropship);
  tcase_add_test(tc, test_capture_never_refuse);
  tcase_add_test(tc, test_capture_routing_backorder);
  tcase_add_test(tc, test_capture_exchange_and_ids);
  tcase_add_test(tc, test_simulate);
  suite_add_tcase(s, tc);
  return s;
}
