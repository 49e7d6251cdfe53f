/* check_rules.c: the order rules of src/engine/rules.c (PUT /v1/order-rules):
 * validation with exact error paths, defaults in the normalised list, each
 * condition true and false, and the evaluation order (holds accumulate, a
 * release stops). JSON is written with single quotes. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "oms/engine.h"
#include "unit.h"

#define assert_err ut_assert_err
#define err_at ut_err_at
#define jq ut_jq

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

/* Parses text, expects success and the normalised list want. */
static void passes_as(const char *text, const char *want)
{
  json_t *in = jq(text), *out = NULL, *errors = json_array();
  int rc = eng_order_rules_parse(in, &out, errors);
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

/* Parses text, expects failure and returns the errors (caller decrefs). */
static json_t *fails(const char *text)
{
  json_t *in = jq(text), *out = NULL, *errors = json_array();
  int rc = eng_order_rules_parse(in, &out, errors);
  ck_assert_int_eq(rc, -1);
  ck_assert_ptr_null(out);
  ck_assert_uint_gt(json_array_size(errors), 0);
  json_decref(in);
  return errors;
}

/* Expects exactly one error, at field with msg. */
static void fails_once(const char *text, const char *field, const char *msg)
{
  json_t *errors = fails(text);
  if (json_array_size(errors) != 1) {
    char *all = json_dumps(errors, 0);
    ck_abort_msg("%s: want one error at %s, got %s", text, field, all);
  }
  assert_err(errors, field, msg);
  json_decref(errors);
}

/* One rule with the given when, to test a single condition's validation. */
static void when_fails(const char *when, const char *field, const char *msg)
{
  char text[1024];
  snprintf(text, sizeof text, "[{'name':'r','action':'hold','when':%s}]", when);
  fails_once(text, field, msg);
}

/* Parses rules_text, evaluates it on order_text with prices_text and checks
 * the holds and the release rule (NULL: none). */
static void eval_is(const char *rules_text, const char *order_text, const char *prices_text,
                    const char *want_holds, const char *want_released)
{
  json_t *in = jq(rules_text), *rules = NULL, *errors = json_array();
  if (eng_order_rules_parse(in, &rules, errors) != 0) {
    char *all = json_dumps(errors, 0);
    ck_abort_msg("rules %s do not parse: %s", rules_text, all);
  }
  json_t *order = jq(order_text), *prices = jq(prices_text);
  const char *released = "sentinel";
  json_t *holds = ut_rules_eval(rules, order, prices, &released);
  ck_assert_ptr_nonnull(holds);
  assert_json(holds, want_holds);
  if (want_released)
    ck_assert_str_eq(released ? released : "(null)", want_released);
  else
    ck_assert_ptr_null(released);
  json_decref(holds);
  json_decref(order);
  json_decref(prices);
  json_decref(rules);
  json_decref(in);
  json_decref(errors);
}

/* A rule "r" that holds when `when` matches: checks that it matches
 * (match true) or not on order_text. */
static void cond_is(const char *when, const char *order_text, const char *prices_text, bool match)
{
  char rules[1024];
  snprintf(rules, sizeof rules, "[{'name':'r','when':%s,'action':'hold'}]", when);
  const char *kind = strstr(when, "price_mismatch_pct_gt") ? "price_mismatch" : "order_hold";
  char want[256];
  if (match)
    snprintf(want, sizeof want, "[{'rule':'r','reason':'review','kind':'%s'}]", kind);
  else
    snprintf(want, sizeof want, "[]");
  eval_is(rules, order_text, prices_text, want, NULL);
}

#define HOLD(name, reason) "{'rule':'" name "','reason':'" reason "','kind':'order_hold'}"

/* A typical order: total 2*1999 + 1*5000 = 8998. */
#define ORDER                                                                              \
  "{'channel':'web','currency':'USD','ship_method':'standard',"                           \
  "'customer':{'email':'Ann@Example.COM','name':'Ann'},"                                  \
  "'shipping_address':{'line1':'1 Main St','city':'Springfield','postal_code':'12345',"   \
  "'country':'US'},"                                                                      \
  "'lines':[{'sku':'A','quantity':2,'unit_price':1999},{'sku':'B','quantity':1,'unit_price':5000}]}"

#define PRICES "{'A':1999,'B':5000}"

/* ---- parsing ---- */

START_TEST(parse_defaults)
{
  passes_as("[{'name':'big','action':'hold'}]",
            "[{'name':'big','when':{},'action':'hold','reason':'review'}]");
  passes_as("[{'name':'vip','action':'release'}]",
            "[{'name':'vip','when':{},'action':'release','reason':null}]");
  passes_as("[{'name':'h','when':null,'action':'hold','reason':null}]",
            "[{'name':'h','when':{},'action':'hold','reason':'review'}]");
  passes_as("[{'name':'h','action':'hold','reason':'fraud check'},"
            "{'name':'r','action':'release','reason':'trusted'}]",
            "[{'name':'h','when':{},'action':'hold','reason':'fraud check'},"
            "{'name':'r','when':{},'action':'release','reason':'trusted'}]");
  passes_as("[{'name':'h','action':'hold','reason':''}]",
            "[{'name':'h','when':{},'action':'hold','reason':''}]");
  passes_as("[]", "[]");
  passes_as("{'rules':[]}", "[]");
  passes_as("{'rules':[{'name':'h','action':'hold'}]}",
            "[{'name':'h','when':{},'action':'hold','reason':'review'}]");
}
END_TEST

START_TEST(parse_every_condition)
{
  const char *when =
      "{'total_gt':100000,'total_lt':500000,'channel':'web','country_in':['US','CA'],"
      "'country_not_in':['RU'],'ship_method':['standard','express'],"
      "'price_mismatch_pct_gt':5.5,'missing':['shipping_address.postal_code','customer.email'],"
      "'email_domain_in':['Example.com','mail.example.org']}";
  char in[1024], want[1024];
  snprintf(in, sizeof in, "[{'name':'all','when':%s,'action':'hold'}]", when);
  snprintf(want, sizeof want, "[{'name':'all','when':%s,'action':'hold','reason':'review'}]", when);
  passes_as(in, want);
  passes_as("[{'name':'c','when':{'channel':['web','POS-1'],'ship_method':'express',"
            "'total_gt':0,'price_mismatch_pct_gt':0},'action':'hold'}]",
            "[{'name':'c','when':{'channel':['web','POS-1'],'ship_method':'express',"
            "'total_gt':0,'price_mismatch_pct_gt':0},'action':'hold','reason':'review'}]");
}
END_TEST

START_TEST(parse_rule_errors)
{
  fails_once("[{'name':'r','action':'block'}]", "rules[0].action",
             "must be one of hold, release");
  fails_once("[{'name':'r'}]", "rules[0].action", "is required");
  fails_once("[{'action':'hold'}]", "rules[0].name", "is required");
  fails_once("[{'name':'','action':'hold'}]", "rules[0].name", "must be 1 to 64 characters");
  fails_once("[{'name':'r','action':'hold','reason':5}]", "rules[0].reason", "must be a string");
  fails_once("[{'name':'r','action':'hold','when':[]}]", "rules[0].when", "must be an object");
  fails_once("[{'name':'r','action':'hold','wehn':{'total_gt':1}}]", "rules[0].wehn",
             "unknown field");
  fails_once("[{'name':'a','action':'hold'},{'name':'b','action':'hold'},{'name':'a','action':'release'}]",
             "rules[2].name", "duplicate name (also rules[0].name)");
  fails_once("[{'name':'a','action':'hold'},5]", "rules[1]", "must be an object");
  fails_once("{'rule':[]}", "rules", "is required");
  fails_once("{'rules':{}}", "rules", "must be an array");
  fails_once("'x'", "body", "must be an array of rules or an object with \"rules\"");

  char name[100], text[256];
  memset(name, 'n', 65);
  name[65] = '\0';
  snprintf(text, sizeof text, "[{'name':'%s','action':'hold'}]", name);
  fails_once(text, "rules[0].name", "must be 1 to 64 characters");
  name[64] = '\0';
  snprintf(text, sizeof text, "[{'name':'%s','action':'hold'}]", name);
  json_t *in = jq(text), *out = NULL, *errors = json_array();
  ck_assert_int_eq(eng_order_rules_parse(in, &out, errors), 0);
  json_decref(in);
  json_decref(out);
  json_decref(errors);

  char reason[256];
  char big[400];
  memset(reason, 'x', 201);
  reason[201] = '\0';
  snprintf(big, sizeof big, "[{'name':'r','action':'hold','reason':'%s'}]", reason);
  fails_once(big, "rules[0].reason", "must be 0 to 200 characters");
}
END_TEST

START_TEST(parse_too_many_rules)
{
  json_t *list = json_array();
  for (int i = 0; i < 101; i++) {
    char name[16];
    snprintf(name, sizeof name, "r%d", i);
    json_array_append_new(list, json_pack("{s:s,s:s}", "name", name, "action", "hold"));
  }
  json_t *out = NULL, *errors = json_array();
  ck_assert_int_eq(eng_order_rules_parse(list, &out, errors), -1);
  assert_err(errors, "rules", "must have at most 100 entries");
  json_decref(errors);
  errors = json_array();
  json_array_remove(list, 100);
  ck_assert_int_eq(eng_order_rules_parse(list, &out, errors), 0);
  ck_assert_uint_eq(json_array_size(out), 100);
  json_decref(out);
  json_decref(errors);
  json_decref(list);
}
END_TEST

START_TEST(parse_condition_errors)
{
  when_fails("{'total_gt':-1}", "rules[0].when.total_gt", "must be >= 0");
  when_fails("{'total_gt':1.5}", "rules[0].when.total_gt", "must be an integer");
  when_fails("{'total_lt':'100'}", "rules[0].when.total_lt", "must be an integer");
  when_fails("{'total_lt':-5}", "rules[0].when.total_lt", "must be >= 0");
  when_fails("{'totl_gt':100}", "rules[0].when.totl_gt", "unknown condition");
  when_fails("{'channel':'we b'}", "rules[0].when.channel",
             "must be 1-64 characters of A-Z a-z 0-9 . _ -");
  when_fails("{'channel':['web','']}", "rules[0].when.channel[1]",
             "must be 1-64 characters of A-Z a-z 0-9 . _ -");
  when_fails("{'channel':5}", "rules[0].when.channel",
             "must be a channel code or an array of channel codes");
  when_fails("{'channel':[]}", "rules[0].when.channel", "must have 1 to 1000 entries");
  when_fails("{'country_in':'US'}", "rules[0].when.country_in", "must be an array");
  when_fails("{'country_in':[]}", "rules[0].when.country_in", "must have 1 to 1000 entries");
  when_fails("{'country_in':['us']}", "rules[0].when.country_in[0]",
             "must be a 2-letter upper-case country code");
  when_fails("{'country_in':['USA']}", "rules[0].when.country_in[0]",
             "must be a 2-letter upper-case country code");
  when_fails("{'ship_method':'overnight'}", "rules[0].when.ship_method",
             "must be one of standard, express");
  when_fails("{'ship_method':['express','pickup']}", "rules[0].when.ship_method[1]",
             "must be one of standard, express");
  when_fails("{'ship_method':{}}", "rules[0].when.ship_method",
             "must be \"standard\", \"express\" or an array of them");
  when_fails("{'price_mismatch_pct_gt':-0.5}", "rules[0].when.price_mismatch_pct_gt",
             "must be >= 0");
  when_fails("{'price_mismatch_pct_gt':'5'}", "rules[0].when.price_mismatch_pct_gt",
             "must be a number");
  const char *bad_paths[] = {"'Customer.email'", "'customer..email'", "'.email'", "'email.'",
                             "''", "'customer-email'", "5"};
  for (size_t i = 0; i < sizeof bad_paths / sizeof bad_paths[0]; i++) {
    char when[128];
    snprintf(when, sizeof when, "{'missing':['customer.email',%s]}", bad_paths[i]);
    when_fails(when, "rules[0].when.missing[1]",
               "must be a dotted field path of 1-100 characters of a-z 0-9 _ .");
  }
  char when[256], p[128];
  memset(p, 'a', 101);
  p[101] = '\0';
  snprintf(when, sizeof when, "{'missing':['%s']}", p);
  when_fails(when, "rules[0].when.missing[0]",
             "must be a dotted field path of 1-100 characters of a-z 0-9 _ .");
  p[100] = '\0';
  char want[256];
  snprintf(when, sizeof when, "[{'name':'r','action':'hold','when':{'missing':['%s']}}]", p);
  snprintf(want, sizeof want, "[{'name':'r','action':'hold','reason':'review','when':{'missing':['%s']}}]", p);
  passes_as(when, want);
  when_fails("{'email_domain_in':['@example.com']}", "rules[0].when.email_domain_in[0]",
             "must be a domain name such as example.com");
  when_fails("{'email_domain_in':['example..com']}", "rules[0].when.email_domain_in[0]",
             "must be a domain name such as example.com");
  when_fails("{'email_domain_in':'example.com'}", "rules[0].when.email_domain_in",
             "must be an array");
}
END_TEST

/* The exact paths of the API's examples, and every error at once. */
START_TEST(parse_error_paths)
{
  json_t *errors = fails("[{'name':'a','action':'hold'},{'name':'b','action':'hold'},"
                         "{'name':'c','action':'hold','when':{'country_not_in':['US','de']}}]");
  ck_assert_uint_eq(json_array_size(errors), 1);
  assert_err(errors, "rules[2].when.country_not_in[1]", "must be a 2-letter upper-case country code");
  json_decref(errors);

  errors = fails("[{'name':'a','action':'stop','when':{'total_gt':-1,'colour':'red'}},"
                 "{'name':'a','action':'hold','when':{'channel':'web'},'extra':1}]");
  ck_assert_uint_eq(json_array_size(errors), 5);
  assert_err(errors, "rules[0].action", "must be one of hold, release");
  assert_err(errors, "rules[0].when.total_gt", "must be >= 0");
  assert_err(errors, "rules[0].when.colour", "unknown condition");
  assert_err(errors, "rules[1].extra", "unknown field");
  assert_err(errors, "rules[1].name", "duplicate name (also rules[0].name)");
  json_decref(errors);

  /* the {"rules":[...]} form reports the same paths */
  fails_once("{'rules':[{'name':'a','action':'hold','when':{'total_gt':-1}}]}",
             "rules[0].when.total_gt", "must be >= 0");
}
END_TEST

/* ---- conditions, one at a time ---- */

START_TEST(cond_empty_rules)
{
  eval_is("[]", ORDER, PRICES, "[]", NULL);
  /* a rule without conditions always matches */
  cond_is("{}", ORDER, PRICES, true);
  cond_is("{}", "{}", "{}", true);
  /* released_by may be NULL */
  json_t *in = jq("[{'name':'r','action':'hold'}]"), *rules = NULL, *errors = json_array();
  ck_assert_int_eq(eng_order_rules_parse(in, &rules, errors), 0);
  json_t *order = jq(ORDER), *prices = jq(PRICES);
  json_t *holds = ut_rules_eval(rules, order, prices, NULL);
  assert_json(holds, "[" HOLD("r", "review") "]");
  json_decref(holds);
  json_decref(order);
  json_decref(prices);
  json_decref(rules);
  json_decref(in);
  json_decref(errors);
}
END_TEST

START_TEST(cond_total)
{
  /* total 8998 */
  cond_is("{'total_gt':8997}", ORDER, PRICES, true);
  cond_is("{'total_gt':8998}", ORDER, PRICES, false);
  cond_is("{'total_gt':0}", ORDER, PRICES, true);
  cond_is("{'total_lt':8999}", ORDER, PRICES, true);
  cond_is("{'total_lt':8998}", ORDER, PRICES, false);
  cond_is("{'total_gt':0}", "{'lines':[]}", "{}", false);
  cond_is("{'total_lt':1}", "{'lines':[]}", "{}", true);
  /* totals that overflow saturate: still greater than any limit */
  cond_is("{'total_gt':9223372036854775806}",
          "{'lines':[{'sku':'A','quantity':4000000000,'unit_price':4000000000000}]}", "{}", true);
  cond_is("{'total_gt':9223372036854775806}",
          "{'lines':[{'sku':'A','quantity':1,'unit_price':9223372036854775807},"
          "{'sku':'B','quantity':1,'unit_price':9223372036854775807}]}",
          "{}", true);
  cond_is("{'total_lt':1000}",
          "{'lines':[{'sku':'A','quantity':3037000500,'unit_price':3037000500}]}", "{}", false);
}
END_TEST

START_TEST(cond_channel)
{
  cond_is("{'channel':'web'}", ORDER, PRICES, true);
  cond_is("{'channel':'pos'}", ORDER, PRICES, false);
  cond_is("{'channel':['pos','web']}", ORDER, PRICES, true);
  cond_is("{'channel':['pos','amazon']}", ORDER, PRICES, false);
  cond_is("{'channel':'WEB'}", ORDER, PRICES, false); /* codes are case-sensitive */
  cond_is("{'channel':'web'}", "{'lines':[]}", "{}", false);
}
END_TEST

START_TEST(cond_country)
{
  cond_is("{'country_in':['US','CA']}", ORDER, PRICES, true);
  cond_is("{'country_in':['CA']}", ORDER, PRICES, false);
  cond_is("{'country_not_in':['US','CA']}", ORDER, PRICES, false);
  cond_is("{'country_not_in':['CA']}", ORDER, PRICES, true);
}
END_TEST

/* No country: "in" never holds, "not in" always does. */
START_TEST(cond_no_country)
{
  const char *orders[] = {
      "{'lines':[]}",
      "{'shipping_address':{'city':'X'},'lines':[]}",
      "{'shipping_address':{'country':null},'lines':[]}",
      "{'shipping_address':{'country':''},'lines':[]}",
      "{'shipping_address':null,'lines':[]}",
  };
  for (size_t i = 0; i < sizeof orders / sizeof orders[0]; i++) {
    cond_is("{'country_in':['US']}", orders[i], "{}", false);
    cond_is("{'country_not_in':['US']}", orders[i], "{}", true);
  }
}
END_TEST

START_TEST(cond_ship_method)
{
  cond_is("{'ship_method':'standard'}", ORDER, PRICES, true);
  cond_is("{'ship_method':'express'}", ORDER, PRICES, false);
  cond_is("{'ship_method':['express','standard']}", ORDER, PRICES, true);
  cond_is("{'ship_method':['express']}", ORDER, PRICES, false);
  cond_is("{'ship_method':'standard'}", "{'lines':[]}", "{}", false);
}
END_TEST

START_TEST(cond_price_mismatch)
{
  const char *rules = "[{'name':'price','when':{'price_mismatch_pct_gt':5},'action':'hold'}]";
  const char *hold = "[{'rule':'price','reason':'review','kind':'price_mismatch'}]";
  /* exactly 5% off is not "more than 5%" */
  eval_is(rules, "{'lines':[{'sku':'A','quantity':1,'unit_price':105}]}", "{'A':100}", "[]", NULL);
  eval_is(rules, "{'lines':[{'sku':'A','quantity':1,'unit_price':95}]}", "{'A':100}", "[]", NULL);
  eval_is(rules, "{'lines':[{'sku':'A','quantity':1,'unit_price':106}]}", "{'A':100}", hold, NULL);
  eval_is(rules, "{'lines':[{'sku':'A','quantity':1,'unit_price':94}]}", "{'A':100}", hold, NULL);
  /* any line is enough */
  eval_is(rules,
          "{'lines':[{'sku':'A','quantity':1,'unit_price':100},{'sku':'B','quantity':1,'unit_price':1}]}",
          "{'A':100,'B':2000}", hold, NULL);
  eval_is(rules, ORDER, PRICES, "[]", NULL);
  /* fractional figures */
  cond_is("{'price_mismatch_pct_gt':2.5}", "{'lines':[{'sku':'A','quantity':1,'unit_price':1026}]}",
          "{'A':1000}", true);
  cond_is("{'price_mismatch_pct_gt':2.5}", "{'lines':[{'sku':'A','quantity':1,'unit_price':1025}]}",
          "{'A':1000}", false);
  /* 0: any difference */
  cond_is("{'price_mismatch_pct_gt':0}", "{'lines':[{'sku':'A','quantity':1,'unit_price':1001}]}",
          "{'A':1000}", true);
  cond_is("{'price_mismatch_pct_gt':0}", "{'lines':[{'sku':'A','quantity':1,'unit_price':1000}]}",
          "{'A':1000}", false);
  /* catalog price 0: any non-zero unit price mismatches, whatever the figure */
  cond_is("{'price_mismatch_pct_gt':1000}", "{'lines':[{'sku':'A','quantity':1,'unit_price':1}]}",
          "{'A':0}", true);
  cond_is("{'price_mismatch_pct_gt':1000}", "{'lines':[{'sku':'A','quantity':1,'unit_price':0}]}",
          "{'A':0}", false);
  /* a sku without a catalog price cannot mismatch */
  cond_is("{'price_mismatch_pct_gt':5}", "{'lines':[{'sku':'Z','quantity':1,'unit_price':1}]}",
          "{'A':100}", false);
  cond_is("{'price_mismatch_pct_gt':5}", "{'lines':[{'sku':'Z','quantity':1,'unit_price':1}]}",
          "{}", false);
  /* huge prices do not overflow */
  cond_is("{'price_mismatch_pct_gt':50}",
          "{'lines':[{'sku':'A','quantity':1,'unit_price':9223372036854775807}]}", "{'A':1}", true);
  cond_is("{'price_mismatch_pct_gt':50}",
          "{'lines':[{'sku':'A','quantity':1,'unit_price':9223372036854775807}]}",
          "{'A':9223372036854775807}", false);
}
END_TEST

START_TEST(cond_missing)
{
  cond_is("{'missing':['shipping_address.postal_code']}", ORDER, PRICES, false);
  cond_is("{'missing':['shipping_address.region']}", ORDER, PRICES, true);
  cond_is("{'missing':['customer.email','shipping_address.postal_code']}", ORDER, PRICES, false);
  /* any listed path is enough */
  cond_is("{'missing':['customer.email','customer.phone']}", ORDER, PRICES, true);
  cond_is("{'missing':['customer.email']}", "{'customer':{'email':null},'lines':[]}", "{}", true);
  cond_is("{'missing':['customer.email']}", "{'customer':{'email':''},'lines':[]}", "{}", true);
  cond_is("{'missing':['customer.email']}", "{'customer':null,'lines':[]}", "{}", true);
  cond_is("{'missing':['customer.email']}", "{'lines':[]}", "{}", true);
  /* through a non-object: not found */
  cond_is("{'missing':['customer.email']}", "{'customer':'Ann','lines':[]}", "{}", true);
  /* a present value of any other type counts as present */
  cond_is("{'missing':['customer']}", ORDER, PRICES, false);
  cond_is("{'missing':['payment.amount']}", "{'payment':{'amount':0},'lines':[]}", "{}", false);
  cond_is("{'missing':['ship_complete']}", "{'ship_complete':false,'lines':[]}", "{}", false);
  cond_is("{'missing':['channel']}", ORDER, PRICES, false);
}
END_TEST

START_TEST(cond_email_domain)
{
  /* customer.email is Ann@Example.COM */
  cond_is("{'email_domain_in':['example.com']}", ORDER, PRICES, true);
  cond_is("{'email_domain_in':['EXAMPLE.com']}", ORDER, PRICES, true);
  cond_is("{'email_domain_in':['other.org','example.com']}", ORDER, PRICES, true);
  cond_is("{'email_domain_in':['mail.example.com']}", ORDER, PRICES, false);
  cond_is("{'email_domain_in':['com']}", ORDER, PRICES, false);
  /* the part after the last '@' */
  cond_is("{'email_domain_in':['b.org']}", "{'customer':{'email':'\\\"a@x\\\"@B.org'},'lines':[]}",
          "{}", true);
  cond_is("{'email_domain_in':['x']}", "{'customer':{'email':'\\\"a@x\\\"@B.org'},'lines':[]}",
          "{}", false);
  cond_is("{'email_domain_in':['example.com']}", "{'customer':{'email':'example.com'},'lines':[]}",
          "{}", false);
  cond_is("{'email_domain_in':['example.com']}", "{'customer':{'email':'a@'},'lines':[]}", "{}",
          false);
  cond_is("{'email_domain_in':['example.com']}", "{'customer':{'email':null},'lines':[]}", "{}",
          false);
  cond_is("{'email_domain_in':['example.com']}", "{'lines':[]}", "{}", false);
}
END_TEST

START_TEST(cond_all_must_hold)
{
  const char *when = "{'total_gt':5000,'channel':'web','country_in':['US'],'ship_method':'standard'}";
  cond_is(when, ORDER, PRICES, true);
  cond_is("{'total_gt':5000,'channel':'pos'}", ORDER, PRICES, false);
  cond_is("{'total_gt':9000,'channel':'web'}", ORDER, PRICES, false);
  cond_is("{'channel':'web','country_in':['CA']}", ORDER, PRICES, false);
  cond_is("{'channel':'web','missing':['customer.email']}", ORDER, PRICES, false);
  cond_is("{'channel':'web','missing':['customer.phone'],'email_domain_in':['example.com']}", ORDER,
          PRICES, true);
  /* a price condition with another that fails: no hold at all */
  cond_is("{'price_mismatch_pct_gt':0,'channel':'web'}",
          "{'channel':'web','lines':[{'sku':'A','quantity':1,'unit_price':1}]}", "{'A':2}", true);
  cond_is("{'price_mismatch_pct_gt':0,'channel':'pos'}",
          "{'channel':'web','lines':[{'sku':'A','quantity':1,'unit_price':1}]}", "{'A':2}", false);
}
END_TEST

/* ---- evaluation order ---- */

START_TEST(eval_holds_accumulate)
{
  eval_is("[{'name':'big','when':{'total_gt':5000},'action':'hold','reason':'large order'},"
          "{'name':'pos','when':{'channel':'pos'},'action':'hold'},"
          "{'name':'foreign','when':{'country_not_in':['CA']},'action':'hold','reason':'export'},"
          "{'name':'price','when':{'price_mismatch_pct_gt':1},'action':'hold','reason':'price'}]",
          ORDER, "{'A':1000,'B':5000}",
          "[" HOLD("big", "large order") "," HOLD("foreign", "export")
          ",{'rule':'price','reason':'price','kind':'price_mismatch'}]",
          NULL);
}
END_TEST

/* A release stops: later holds are not added, earlier ones stay. */
START_TEST(eval_release_stops)
{
  const char *rules = "[{'name':'big','when':{'total_gt':5000},'action':'hold'},"
                      "{'name':'trusted','when':{'email_domain_in':['example.com']},'action':'release'},"
                      "{'name':'all','action':'hold','reason':'later'}]";
  eval_is(rules, ORDER, PRICES, "[" HOLD("big", "review") "]", "trusted");
  /* a release that does not match does not stop */
  eval_is(rules, "{'customer':{'email':'x@other.org'},'lines':[]}", "{}",
          "[" HOLD("all", "later") "]", NULL);
}
END_TEST

/* The allow-list pattern: release rules first. */
START_TEST(eval_release_first)
{
  const char *rules = "[{'name':'vip','when':{'email_domain_in':['example.com']},'action':'release'},"
                      "{'name':'big','when':{'total_gt':5000},'action':'hold','reason':'large'},"
                      "{'name':'no-zip','when':{'missing':['shipping_address.postal_code']},"
                      "'action':'hold','reason':'address'}]";
  eval_is(rules, ORDER, PRICES, "[]", "vip");
  eval_is(rules,
          "{'customer':{'email':'a@else.net'},'shipping_address':{'country':'US'},"
          "'lines':[{'sku':'A','quantity':3,'unit_price':2000}]}",
          "{}", "[" HOLD("big", "large") "," HOLD("no-zip", "address") "]", NULL);
  eval_is("[{'name':'everyone','action':'release'},{'name':'all','action':'hold'}]", ORDER, PRICES,
          "[]", "everyone");
}
END_TEST

Suite *suite_rules(void)
{
  Suite *s = suite_create("rules");
  TCase *tc;

  tc = tcase_create("parse");
  tcase_add_test(tc, parse_defaults);
  tcase_add_test(tc, parse_every_condition);
  tcase_add_test(tc, parse_rule_errors);
  tcase_add_test(tc, parse_too_many_rules);
  tcase_add_test(tc, parse_condition_errors);
  tcase_add_test(tc, parse_error_paths);
  suite_add_tcase(s, tc);

  tc = tcase_create("conditions");
  tcase_add_test(tc, cond_empty_rules);
  tcase_add_test(tc, cond_total);
  tcase_add_test(tc, cond_channel);
  tcase_add_test(tc, cond_country);
  tcase_add_test(tc, cond_no_country);
  tcase_add_test(tc, cond_ship_method);
  tcase_add_test(tc, cond_price_mismatch);
  tcase_add_test(tc, cond_missing);
  tcase_add_test(tc, cond_email_domain);
  tcase_add_test(tc, cond_all_must_hold);
  suite_add_tcase(s, tc);

  tc = tcase_create("evaluation");
  tcase_add_test(tc, eval_holds_accumulate);
  tcase_add_test(tc, eval_release_stops);
  tcase_add_test(tc, eval_release_first);
  suite_add_tcase(s, tc);
  return s;
}
