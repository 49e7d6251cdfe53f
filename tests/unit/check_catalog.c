/* check_catalog.c: the catalog document rules of src/engine/catalog.c —
 * items, locations, suppliers, supplier items, channels, ring-fences,
 * tenants and API keys: their defaults, their limits and the cross-field
 * rules a spec table cannot say. JSON is written with single quotes. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "oms/engine.h"
#include "unit.h"

#define assert_err ut_assert_err
#define err_at ut_err_at
#define jq ut_jq

typedef int (*parse_fn)(json_t *in, json_t **out, json_t *errors);

/* Parses test JSON written with ' for " (any JSON value). Caller decrefs. */
static void assert_json(json_t *got, const char *want_text)
{
  json_t *want = jq(want_text);
  if (!json_equal(got, want)) {
    char *g = json_dumps(got, JSON_SORT_KEYS | JSON_ENCODE_ANY);
    char *w = json_dumps(want, JSON_SORT_KEYS | JSON_ENCODE_ANY);
    ck_abort_msg("got %s, want %s", g ? g : "NULL", w);
  }
  json_decref(want);
}

/* Runs fn over text with a fresh errors array. Caller decrefs *out and *errors. */
static int run(parse_fn fn, const char *text, json_t **out, json_t **errors)
{
  json_t *in = jq(text);
  *errors = json_array();
  *out = NULL;
  int rc = fn(in, out, *errors);
  json_decref(in);
  if (rc == 0) {
    ck_assert_ptr_nonnull(*out);
    ck_assert_uint_eq(json_array_size(*errors), 0);
  } else {
    ck_assert_int_eq(rc, -1);
    ck_assert_ptr_null(*out);
    ck_assert_uint_gt(json_array_size(*errors), 0);
  }
  return rc;
}

static void passes_as(parse_fn fn, const char *text, const char *want)
{
  json_t *out, *errors;
  ck_assert_int_eq(run(fn, text, &out, &errors), 0);
  assert_json(out, want);
  json_decref(out);
  json_decref(errors);
}

static void fails_once(parse_fn fn, const char *text, const char *field, const char *msg)
{
  json_t *out, *errors;
  ck_assert_int_eq(run(fn, text, &out, &errors), -1);
  assert_err(errors, field, msg);
  ck_assert_msg(json_array_size(errors) == 1, "%s: %zu errors", text, json_array_size(errors));
  json_decref(errors);
}

/* ---- items ---- */

#define ITEM_DEFAULTS                                                                     \
  "'case_pack':null,'tags':[],'dropship':false,"                                          \
  "'preorder':{'enabled':false,'limit':0,'channel_limits':{},'release_date':null}"

START_TEST(item_defaults)
{
  passes_as(eng_item_parse, "{'name':'Mug','price':1250}",
            "{'name':'Mug','price':1250," ITEM_DEFAULTS "}");
  passes_as(eng_item_parse, "{'name':'Free','price':0,'colour':'dropped'}",
            "{'name':'Free','price':0," ITEM_DEFAULTS "}");
}
END_TEST

START_TEST(item_full)
{
  passes_as(eng_item_parse,
            "{'name':'Mug','price':1250,'case_pack':12,'tags':['kitchen','gift'],'dropship':true,"
            "'preorder':{'enabled':true,'limit':500,'channel_limits':{'web':100,'pos':0},"
            "'release_date':'2025-03-01'}}",
            "{'name':'Mug','price':1250,'case_pack':12,'tags':['kitchen','gift'],'dropship':true,"
            "'preorder':{'enabled':true,'limit':500,'channel_limits':{'web':100,'pos':0},"
            "'release_date':'2025-03-01'}}");
  /* a partial preorder gets the other defaults */
  passes_as(eng_item_parse, "{'name':'Mug','price':1,'preorder':{'release_date':'2025-03-01'}}",
            "{'name':'Mug','price':1,'case_pack':null,'tags':[],'dropship':false,"
            "'preorder':{'enabled':false,'limit':0,'channel_limits':{},'release_date':'2025-03-01'}}");
}
END_TEST

START_TEST(item_price)
{
  fails_once(eng_item_parse, "{'name':'Mug'}", "price", "is required");
  fails_once(eng_item_parse, "{'name':'Mug','price':null}", "price", "must not be null");
  fails_once(eng_item_parse, "{'name':'Mug','price':-1}", "price",
             "must be between 0 and 1000000000000000");
  fails_once(eng_item_parse, "{'name':'Mug','price':12.5}", "price", "must be an integer");
  fails_once(eng_item_parse, "{'name':'Mug','price':'12'}", "price", "must be an integer");
  fails_once(eng_item_parse, "{'name':'Mug','price':1000000000000001}", "price",
             "must be between 0 and 1000000000000000");
  passes_as(eng_item_parse, "{'name':'Mug','price':1000000000000000}",
            "{'name':'Mug','price':1000000000000000," ITEM_DEFAULTS "}");
}
END_TEST

START_TEST(item_fields)
{
  fails_once(eng_item_parse, "{'price':1}", "name", "is required");
  fails_once(eng_item_parse, "{'name':'','price':1}", "name", "must be 1 to 200 characters");
  fails_once(eng_item_parse, "{'name':'Mug','price':1,'case_pack':0}", "case_pack",
             "must be between 1 and 1000000");
  passes_as(eng_item_parse, "{'name':'Mug','price':1,'case_pack':null}",
            "{'name':'Mug','price':1," ITEM_DEFAULTS "}");
  fails_once(eng_item_parse, "{'name':'Mug','price':1,'tags':['ok','']}", "tags[1]",
             "must be 1 to 64 characters");
  fails_once(eng_item_parse, "{'name':'Mug','price':1,'dropship':'yes'}", "dropship",
             "must be true or false");
}
END_TEST

START_TEST(item_preorder_rules)
{
  fails_once(eng_item_parse, "{'name':'Mug','price':1,'preorder':{'enabled':true}}",
             "preorder.limit", "is required when preorder.enabled is true");
  /* the default limit of 0 does not count as given */
  fails_once(eng_item_parse,
             "{'name':'Mug','price':1,'preorder':{'enabled':true,'release_date':'2025-01-01'}}",
             "preorder.limit", "is required when preorder.enabled is true");
  /* an explicit 0 is a real (closed) limit */
  passes_as(eng_item_parse, "{'name':'Mug','price':1,'preorder':{'enabled':true,'limit':0}}",
            "{'name':'Mug','price':1,'case_pack':null,'tags':[],'dropship':false,"
            "'preorder':{'enabled':true,'limit':0,'channel_limits':{},'release_date':null}}");
  fails_once(eng_item_parse, "{'name':'Mug','price':1,'preorder':{'limit':-1}}",
             "preorder.limit", "must be between 0 and 1000000000");
  fails_once(eng_item_parse, "{'name':'Mug','price':1,'preorder':{'release_date':'2025-02-29'}}",
             "preorder.release_date", "must be a date YYYY-MM-DD");
  fails_once(eng_item_parse, "{'name':'Mug','price':1,'preorder':{'release_date':'soon'}}",
             "preorder.release_date", "must be a date YYYY-MM-DD");
  fails_once(eng_item_parse, "{'name':'Mug','price':1,'preorder':{'channel_limits':{'web':-1}}}",
             "preorder.channel_limits.web", "must be between 0 and 1000000000");
  fails_once(eng_item_parse, "{'name':'Mug','price':1,'preorder':{'channel_limits':{'a b':1}}}",
             "preorder.channel_limits.a b", "key must be a code");
  fails_once(eng_item_parse, "{'name':'Mug','price':1,'preorder':true}", "preorder",
             "must be an object");
}
END_TEST

START_TEST(item_collects_field_errors)
{
  json_t *out, *errors;
  ck_assert_int_eq(run(eng_item_parse, "{'price':-5,'case_pack':0,'tags':'x','preorder':{'limit':'a'}}",
                       &out, &errors), -1);
  assert_err(errors, "name", "is required");
  assert_err(errors, "price", "must be between 0 and 1000000000000000");
  assert_err(errors, "case_pack", "must be between 1 and 1000000");
  assert_err(errors, "tags", "must be an array");
  assert_err(errors, "preorder.limit", "must be an integer");
  ck_assert_uint_eq(json_array_size(errors), 5);
  json_decref(errors);
}
END_TEST

/* ---- locations ---- */

START_TEST(location_defaults)
{
  passes_as(eng_location_parse, "{'name':'Main','type':'warehouse'}",
            "{'name':'Main','type':'warehouse','lat':null,'lon':null,'ship':true,'pickup':false,"
            "'returns':true,'priority':100,'cost_per_shipment':0,'ship_days':2,'active':true}");
}
END_TEST

START_TEST(location_full)
{
  passes_as(eng_location_parse,
            "{'name':'Shop','type':'store','lat':51.5,'lon':-0.125,'ship':false,'pickup':true,"
            "'returns':false,'priority':0,'cost_per_shipment':499,'ship_days':0,'active':false}",
            "{'name':'Shop','type':'store','lat':51.5,'lon':-0.125,'ship':false,'pickup':true,"
            "'returns':false,'priority':0,'cost_per_shipment':499,'ship_days':0,'active':false}");
  /* integer coordinates become reals; the bounds are inclusive */
  passes_as(eng_location_parse, "{'name':'Pole','type':'store','lat':90,'lon':-180}",
            "{'name':'Pole','type':'store','lat':90.0,'lon':-180.0,'ship':true,'pickup':false,"
            "'returns':true,'priority':100,'cost_per_shipment':0,'ship_days':2,'active':true}");
}
END_TEST

START_TEST(location_rules)
{
  fails_once(eng_location_parse, "{'name':'X'}", "type", "is required");
  fails_once(eng_location_parse, "{'name':'X','type':'depot'}", "type",
             "must be one of warehouse, store");
  fails_once(eng_location_parse, "{'name':'X','type':'Store'}", "type",
             "must be one of warehouse, store");
  fails_once(eng_location_parse, "{'name':'X','type':'store','lat':45}", "lon",
             "lat and lon must be given together");
  fails_once(eng_location_parse, "{'name':'X','type':'store','lat':45,'lon':null}", "lon",
             "lat and lon must be given together");
  fails_once(eng_location_parse, "{'name':'X','type':'store','lon':7.5}", "lat",
             "lat and lon must be given together");
  fails_once(eng_location_parse, "{'name':'X','type':'store','lat':91,'lon':0}", "lat",
             "must be between -90 and 90");
  fails_once(eng_location_parse, "{'name':'X','type':'store','lat':-90.5,'lon':0}", "lat",
             "must be between -90 and 90");
  fails_once(eng_location_parse, "{'name':'X','type':'store','lat':0,'lon':180.5}", "lon",
             "must be between -180 and 180");
  fails_once(eng_location_parse, "{'name':'X','type':'store','lat':'1','lon':0}", "lat",
             "must be a number");
  fails_once(eng_location_parse, "{'name':'X','type':'store','priority':-1}", "priority",
             "must be between 0 and 1000000");
  fails_once(eng_location_parse, "{'name':'X','type':'store','ship_days':366}", "ship_days",
             "must be between 0 and 365");
  fails_once(eng_location_parse, "{'name':'X','type':'store','cost_per_shipment':-1}",
             "cost_per_shipment", "must be between 0 and 1000000000000000");
}
END_TEST

/* ---- suppliers ---- */

START_TEST(supplier_defaults)
{
  passes_as(eng_supplier_parse, "{'name':'Acme'}",
            "{'name':'Acme','lead_time_days':0,'edi':null,'active':true}");
  passes_as(eng_supplier_parse, "{'name':'Acme','edi':null}",
            "{'name':'Acme','lead_time_days':0,'edi':null,'active':true}");
}
END_TEST

START_TEST(supplier_edi_defaults)
{
  passes_as(eng_supplier_parse, "{'name':'Acme','edi':{'isa_id':'ACME01'}}",
            "{'name':'Acme','lead_time_days':0,'active':true,"
            "'edi':{'isa_qualifier':'ZZ','isa_id':'ACME01','gs_id':'ACME01'}}");
  passes_as(eng_supplier_parse,
            "{'name':'Acme','lead_time_days':14,'active':false,"
            "'edi':{'isa_qualifier':'01','isa_id':'123456789','gs_id':'ACMEGS','x':1}}",
            "{'name':'Acme','lead_time_days':14,'active':false,"
            "'edi':{'isa_qualifier':'01','isa_id':'123456789','gs_id':'ACMEGS'}}");
}
END_TEST

START_TEST(supplier_edi_rules)
{
  fails_once(eng_supplier_parse, "{'name':'Acme','edi':{}}", "edi.isa_id", "is required");
  fails_once(eng_supplier_parse, "{'name':'Acme','edi':{'isa_id':'0123456789ABCDEF'}}",
             "edi.isa_id", "must be 1 to 15 characters");
  passes_as(eng_supplier_parse, "{'name':'Acme','edi':{'isa_id':'0123456789ABCDE'}}",
            "{'name':'Acme','lead_time_days':0,'active':true,"
            "'edi':{'isa_qualifier':'ZZ','isa_id':'0123456789ABCDE','gs_id':'0123456789ABCDE'}}");
  fails_once(eng_supplier_parse, "{'name':'Acme','edi':{'isa_id':'AC*ME','gs_id':'ACME'}}",
             "edi.isa_id", "must be printable ASCII without X12 separators (* ~ ^ : > |)");
  fails_once(eng_supplier_parse, "{'name':'Acme','edi':{'isa_id':'ACME','gs_id':'AC~ME'}}",
             "edi.gs_id", "must be printable ASCII without X12 separators (* ~ ^ : > |)");
  fails_once(eng_supplier_parse, "{'name':'Acme','edi':{'isa_id':'ACME','isa_qualifier':'Z>'}}",
             "edi.isa_qualifier", "must be printable ASCII without X12 separators (* ~ ^ : > |)");
  fails_once(eng_supplier_parse, "{'name':'Acme','edi':{'isa_id':'ACME','isa_qualifier':'Z'}}",
             "edi.isa_qualifier", "must be 2 to 2 characters");
  fails_once(eng_supplier_parse, "{'name':'Acme','edi':'ACME'}", "edi", "must be an object");
  fails_once(eng_supplier_parse, "{'name':'Acme','lead_time_days':-1}", "lead_time_days",
             "must be between 0 and 365");

  /* a separator in isa_id is reported there whatever happens to the defaulted gs_id */
  json_t *out, *errors;
  ck_assert_int_eq(run(eng_supplier_parse, "{'name':'Acme','edi':{'isa_id':'A|B'}}", &out, &errors), -1);
  assert_err(errors, "edi.isa_id", "must be printable ASCII without X12 separators (* ~ ^ : > |)");
  json_decref(errors);
}
END_TEST

/* ---- supplier items ---- */

START_TEST(supplier_item)
{
  passes_as(eng_supplier_item_parse, "{'cost':700,'available':40}",
            "{'cost':700,'available':40,'ship_days':3}");
  passes_as(eng_supplier_item_parse, "{'cost':0,'available':0,'ship_days':0}",
            "{'cost':0,'available':0,'ship_days':0}");
  json_t *out, *errors;
  ck_assert_int_eq(run(eng_supplier_item_parse, "{}", &out, &errors), -1);
  assert_err(errors, "cost", "is required");
  assert_err(errors, "available", "is required");
  ck_assert_uint_eq(json_array_size(errors), 2);
  json_decref(errors);
  fails_once(eng_supplier_item_parse, "{'cost':1,'available':-1}", "available",
             "must be between 0 and 1000000000");
  fails_once(eng_supplier_item_parse, "{'cost':-1,'available':1}", "cost",
             "must be between 0 and 1000000000000000");
  fails_once(eng_supplier_item_parse, "{'cost':1,'available':1,'ship_days':400}", "ship_days",
             "must be between 0 and 365");
}
END_TEST

/* ---- channels ---- */

#define CHANNEL_DEFAULTS                                                                   \
  "'safety_stock':0,'percent':100,'max_per_sku':null,'dropship':false,'preorders':false," \
  "'currency':'USD','shopify_secret':null"

START_TEST(channel_defaults)
{
  passes_as(eng_channel_parse, "{'name':'Web'}",
            "{'name':'Web','locations':'*'," CHANNEL_DEFAULTS "}");
}
END_TEST

START_TEST(channel_full)
{
  passes_as(eng_channel_parse,
            "{'name':'Web','locations':['WH1','STORE-2'],'safety_stock':5,'percent':0,"
            "'max_per_sku':0,'dropship':true,'preorders':true,'currency':'EUR',"
            "'shopify_secret':'s3cret'}",
            "{'name':'Web','locations':['WH1','STORE-2'],'safety_stock':5,'percent':0,"
            "'max_per_sku':0,'dropship':true,'preorders':true,'currency':'EUR',"
            "'shopify_secret':'s3cret'}");
  passes_as(eng_channel_parse, "{'name':'Web','locations':'*','max_per_sku':0}",
            "{'name':'Web','locations':'*','safety_stock':0,'percent':100,'max_per_sku':0,"
            "'dropship':false,'preorders':false,'currency':'USD','shopify_secret':null}");
}
END_TEST

START_TEST(channel_rules)
{
  fails_once(eng_channel_parse, "{'name':'Web','percent':101}", "percent",
             "must be between 0 and 100");
  fails_once(eng_channel_parse, "{'name':'Web','percent':-1}", "percent",
             "must be between 0 and 100");
  fails_once(eng_channel_parse, "{'name':'Web','currency':'usd'}", "currency",
             "must be a 3-letter upper-case ISO 4217 code");
  fails_once(eng_channel_parse, "{'name':'Web','currency':'US1'}", "currency",
             "must be a 3-letter upper-case ISO 4217 code");
  fails_once(eng_channel_parse, "{'name':'Web','currency':'US'}", "currency",
             "must be 3 to 3 characters");
  fails_once(eng_channel_parse, "{'name':'Web','currency':'USDX'}", "currency",
             "must be 3 to 3 characters");
  fails_once(eng_channel_parse, "{'name':'Web','locations':['WH1','WH1']}", "locations[1]",
             "is listed twice");
  fails_once(eng_channel_parse, "{'name':'Web','locations':['A','B','C','B']}", "locations[3]",
             "is listed twice");
  fails_once(eng_channel_parse, "{'name':'Web','locations':'WH1'}", "locations",
             "must be \"*\" or an array of codes");
  fails_once(eng_channel_parse, "{'name':'Web','locations':['WH 1']}", "locations[0]",
             "must be 1-64 characters of A-Z a-z 0-9 . _ -");
  fails_once(eng_channel_parse, "{'name':'Web','max_per_sku':-1}", "max_per_sku",
             "must be between 0 and 1000000000");
  fails_once(eng_channel_parse, "{'name':'Web','safety_stock':-1}", "safety_stock",
             "must be between 0 and 1000000000");
  fails_once(eng_channel_parse, "{'name':'Web','shopify_secret':''}", "shopify_secret",
             "must be 1 to 500 characters");
  fails_once(eng_channel_parse, "{'name':'Web','shopify_secret':5}", "shopify_secret",
             "must be a string");
}
END_TEST

/* ---- ring-fences, tenants, API keys ---- */

START_TEST(ringfence)
{
  passes_as(eng_ringfence_parse, "{'location':'WH1','quantity':5,'x':1}",
            "{'location':'WH1','quantity':5}");
  passes_as(eng_ringfence_parse, "{'location':'WH1','quantity':0}",
            "{'location':'WH1','quantity':0}");
  json_t *out, *errors;
  ck_assert_int_eq(run(eng_ringfence_parse, "{}", &out, &errors), -1);
  assert_err(errors, "location", "is required");
  assert_err(errors, "quantity", "is required");
  ck_assert_uint_eq(json_array_size(errors), 2);
  json_decref(errors);
  fails_once(eng_ringfence_parse, "{'location':'W H','quantity':1}", "location",
             "must be 1-64 characters of A-Z a-z 0-9 . _ -");
  fails_once(eng_ringfence_parse, "{'location':'WH1','quantity':-1}", "quantity",
             "must be between 0 and 1000000000");
  fails_once(eng_ringfence_parse, "{'location':'WH1','quantity':1.5}", "quantity",
             "must be an integer");
}
END_TEST

START_TEST(tenant)
{
  passes_as(eng_tenant_parse, "{'name':'Acme Ltd','id':'ignored'}", "{'name':'Acme Ltd'}");
  fails_once(eng_tenant_parse, "{}", "name", "is required");
  fails_once(eng_tenant_parse, "{'name':''}", "name", "must be 1 to 200 characters");
  fails_once(eng_tenant_parse, "{'name':null}", "name", "must not be null");
  fails_once(eng_tenant_parse, "[]", "body", "must be a JSON object");
}
END_TEST

START_TEST(api_key)
{
  passes_as(eng_api_key_parse, "{'role':'admin'}", "{'role':'admin','name':''}");
  passes_as(eng_api_key_parse, "{'role':'ops','name':'night shift'}",
            "{'role':'ops','name':'night shift'}");
  passes_as(eng_api_key_parse, "{'role':'storefront','name':''}",
            "{'role':'storefront','name':''}");
  fails_once(eng_api_key_parse, "{}", "role", "is required");
  fails_once(eng_api_key_parse, "{'role':'root'}", "role",
             "must be one of admin, ops, storefront");
  fails_once(eng_api_key_parse, "{'role':'Admin'}", "role",
             "must be one of admin, ops, storefront");
  fails_once(eng_api_key_parse, "{'role':'ops','name':7}", "name", "must be a string");
}
END_TEST

START_TEST(parsers_reject_non_objects)
{
  parse_fn fns[] = {eng_item_parse,    eng_location_parse,  eng_supplier_parse,
                    eng_supplier_item_parse, eng_channel_parse, eng_ringfence_parse,
                    eng_tenant_parse,  eng_api_key_parse};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    fails_once(fns[i], "[]", "body", "must be a JSON object");
    fails_once(fns[i], "'x'", "body", "must be a JSON object");
  }
}
END_TEST

Suite *suite_catalog(void)
{
  Suite *s = suite_create("catalog");
  TCase *tc;

  tc = tcase_create("items");
  tcase_add_test(tc, item_defaults);
  tcase_add_test(tc, item_full);
  tcase_add_test(tc, item_price);
  tcase_add_test(tc, item_fields);
  tcase_add_test(tc, item_preorder_rules);
  tcase_add_test(tc, item_collects_field_errors);
  suite_add_tcase(s, tc);

  tc = tcase_create("locations");
  tcase_add_test(tc, location_defaults);
  tcase_add_test(tc, location_full);
  tcase_add_test(tc, location_rules);
  suite_add_tcase(s, tc);

  tc = tcase_create("suppliers");
  tcase_add_test(tc, supplier_defaults);
  tcase_add_test(tc, supplier_edi_defaults);
  tcase_add_test(tc, supplier_edi_rules);
  tcase_add_test(tc, supplier_item);
  suite_add_tcase(s, tc);

  tc = tcase_create("channels");
  tcase_add_test(tc, channel_defaults);
  tcase_add_test(tc, channel_full);
  tcase_add_test(tc, channel_rules);
  tcase_add_test(tc, ringfence);
  suite_add_tcase(s, tc);

  tc = tcase_create("tenants_and_keys");
  tcase_add_test(tc, tenant);
  tcase_add_test(tc, api_key);
  tcase_add_test(tc, parsers_reject_non_objects);
  suite_add_tcase(s, tc);
  return s;
}
