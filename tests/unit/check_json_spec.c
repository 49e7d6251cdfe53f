/* check_json_spec.c: the table-driven body validator. Worked examples of
 * every field type: the output it normalises to and the exact path and
 * message of every error it collects. JSON in these tests is written with
 * single quotes for readability and converted before parsing. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "oms/json_spec.h"
#include "unit.h"

#define assert_err ut_assert_err
#define err_at ut_err_at

#define I64MAX 0x7fffffffffffffffLL

/* Parses test JSON written with ' for " (any JSON value). Caller decrefs. */
static json_t *jq(const char *text)
{
  json_error_t err;
  size_t n = strlen(text) + 1;
  char *buf = malloc(n);
  ck_assert_ptr_nonnull(buf);
  memcpy(buf, text, n);
  for (char *p = buf; *p; p++)
    if (*p == '\'')
      *p = '"';
  json_t *j = json_loads(buf, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
  ck_assert_msg(j != NULL, "bad test JSON %s: %s", buf, err.text);
  free(buf);
  return j;
}

/* Asserts that got equals the JSON in want_text (single-quoted). */
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

/* Message of the first error at field, or NULL. Borrowed from errors. */
/* ---- the spec tables under test ---- */

static const char *const colours[] = {"red", "green", "blue", NULL};

static const struct js_field pre_spec[] = {
    {.name = "enabled", .type = JS_BOOL, .def = "false"},
    {.name = "limit", .type = JS_INT, .min = 0, .max = 100, .def = "0"},
    {.name = "release", .type = JS_DATE, .flags = JS_NULLABLE, .def = "null"},
    {.type = JS_END},
};

static const struct js_field line_spec[] = {
    {.name = "sku", .type = JS_CODE, .flags = JS_REQUIRED},
    {.name = "quantity", .type = JS_INT, .flags = JS_REQUIRED, .min = 1, .max = 1000},
    {.name = "note", .type = JS_STRING, .max = 20},
    {.type = JS_END},
};

static const struct js_field spec[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_REQUIRED, .min = 1, .max = 10},
    {.name = "code", .type = JS_CODE},
    {.name = "count", .type = JS_INT, .min = 0, .max = 100, .def = "7"},
    {.name = "big", .type = JS_INT, .min = 1, .max = I64MAX},
    {.name = "weight", .type = JS_NUMBER, .dmin = 0, .dmax = 10},
    {.name = "active", .type = JS_BOOL, .def = "true"},
    {.name = "colour", .type = JS_ENUM, .enums = colours, .def = "\"red\""},
    {.name = "day", .type = JS_DATE, .flags = JS_NULLABLE},
    {.name = "preorder", .type = JS_OBJECT, .sub = pre_spec, .def = "{}"},
    {.name = "tags", .type = JS_STRINGS, .min = 1, .max = 5, .max_items = 3, .def = "[]"},
    {.name = "locations", .type = JS_CODES, .flags = JS_STAR, .max_items = 3, .def = "\"*\""},
    {.name = "codes", .type = JS_CODES, .max_items = 2},
    {.name = "limits", .type = JS_CODE_INTS, .min = 0, .max = 10},
    {.name = "lines", .type = JS_ARRAY, .sub = line_spec, .max_items = 2},
    {.name = "meta", .type = JS_ANY},
    {.type = JS_END},
};

/* The output with only "name":"n" given: every default, nothing else. */
#define DEFAULTS_AFTER_NAME                                                                   \
  "'count':7,'active':true,'colour':'red','preorder':{'enabled':false,'limit':0,'release':null}," \
  "'tags':[],'locations':'*'"

/* Runs spec over text with a fresh errors array. Caller decrefs *out and *errors. */
static int run(const char *text, json_t **out, json_t **errors)
{
  json_t *in = jq(text);
  *errors = json_array();
  *out = (json_t *)0x1; /* must be overwritten */
  int rc = js_parse(spec, in, "", out, *errors);
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

/* Expects text to fail with exactly one error, at field with msg. */
static void fails_once(const char *text, const char *field, const char *msg)
{
  json_t *out, *errors;
  ck_assert_int_eq(run(text, &out, &errors), -1);
  assert_err(errors, field, msg);
  ck_assert_msg(json_array_size(errors) == 1, "%s: %zu errors", text, json_array_size(errors));
  json_decref(errors);
}

/* Expects text to pass and normalise to want. */
static void passes_as(const char *text, const char *want)
{
  json_t *out, *errors;
  ck_assert_int_eq(run(text, &out, &errors), 0);
  assert_json(out, want);
  json_decref(out);
  json_decref(errors);
}

/* ---- defaults and normalisation ---- */

START_TEST(defaults_filled_and_absent_stays_absent)
{
  /* code, big, weight, day, codes, limits, lines and meta have no default:
   * absent stays absent; preorder's default {} gets its own sub-defaults */
  passes_as("{'name':'n'}", "{'name':'n'," DEFAULTS_AFTER_NAME "}");
}
END_TEST

START_TEST(partial_object_gets_sub_defaults)
{
  passes_as("{'name':'n','preorder':{'enabled':true}}",
            "{'name':'n','count':7,'active':true,'colour':'red',"
            "'preorder':{'enabled':true,'limit':0,'release':null},'tags':[],'locations':'*'}");
}
END_TEST

START_TEST(full_document_kept_and_unknown_dropped)
{
  passes_as("{'name':'0123456789','code':'A-1','count':0,'big':9007199254740993,'weight':3,"
            "'active':false,'colour':'blue','day':'2024-02-29',"
            "'preorder':{'enabled':true,'limit':100,'release':'2025-01-31','junk':1},"
            "'tags':['a','bb'],'locations':['WH1','WH2'],'codes':['x'],"
            "'limits':{'web':0,'pos':10},"
            "'lines':[{'sku':'S1','quantity':1,'extra':true},{'sku':'S2','quantity':1000,'note':'hi'}],"
            "'meta':{'any':[1,'two',null]},'unknown':'dropped','also':null}",
            "{'name':'0123456789','code':'A-1','count':0,'big':9007199254740993,'weight':3.0,"
            "'active':false,'colour':'blue','day':'2024-02-29',"
            "'preorder':{'enabled':true,'limit':100,'release':'2025-01-31'},"
            "'tags':['a','bb'],'locations':['WH1','WH2'],'codes':['x'],"
            "'limits':{'web':0,'pos':10},"
            "'lines':[{'sku':'S1','quantity':1},{'sku':'S2','quantity':1000,'note':'hi'}],"
            "'meta':{'any':[1,'two',null]}}");
}
END_TEST

START_TEST(number_is_normalised_to_real)
{
  json_t *out, *errors;
  ck_assert_int_eq(run("{'name':'n','weight':2}", &out, &errors), 0);
  json_t *w = json_object_get(out, "weight");
  ck_assert(json_is_real(w));
  ck_assert(json_real_value(w) == 2.0);
  json_decref(out);
  json_decref(errors);
  passes_as("{'name':'n','weight':0.25}", "{'name':'n','weight':0.25," DEFAULTS_AFTER_NAME "}");
}
END_TEST

START_TEST(output_is_a_new_object)
{
  json_t *in = jq("{'name':'n','meta':{'k':1}}");
  json_t *errors = json_array(), *out = NULL;
  ck_assert_int_eq(js_parse(spec, in, "", &out, errors), 0);
  ck_assert_ptr_ne(out, in);
  ck_assert_ptr_null(json_object_get(in, "count")); /* the input is not modified */
  json_decref(in);
  /* the output stays valid after the input is gone */
  assert_json(json_object_get(out, "meta"), "{'k':1}");
  json_decref(out);
  json_decref(errors);
}
END_TEST

/* ---- required and null ---- */

START_TEST(required_missing)
{
  fails_once("{}", "name", "is required");
  fails_once("{'Name':'n'}", "name", "is required"); /* names are case-sensitive */
}
END_TEST

START_TEST(null_on_non_nullable)
{
  /* required */
  fails_once("{'name':null}", "name", "must not be null");
  /* optional without default */
  fails_once("{'name':'n','code':null}", "code", "must not be null");
  fails_once("{'name':'n','meta':null}", "meta", "must not be null");
  fails_once("{'name':'n','lines':null}", "lines", "must not be null");
}
END_TEST

START_TEST(null_on_nullable_is_kept)
{
  passes_as("{'name':'n','day':null}", "{'name':'n','day':null," DEFAULTS_AFTER_NAME "}");
  passes_as("{'name':'n','preorder':{'release':null}}",
            "{'name':'n'," DEFAULTS_AFTER_NAME "}");
}
END_TEST

START_TEST(null_with_default_takes_default)
{
  /* a non-nullable field with a default treats null as absent (PUT semantics) */
  passes_as("{'name':'n','count':null,'active':null,'preorder':null,'tags':null}",
            "{'name':'n'," DEFAULTS_AFTER_NAME "}");
  passes_as("{'name':'n','preorder':{'enabled':null,'limit':null}}",
            "{'name':'n'," DEFAULTS_AFTER_NAME "}");
}
END_TEST

/* ---- wrong types ---- */

START_TEST(wrong_types)
{
  fails_once("{'name':5}", "name", "must be a string");
  fails_once("{'name':true}", "name", "must be a string"); /* bool for string */
  fails_once("{'name':['n']}", "name", "must be a string");
  fails_once("{'name':'n','code':1}", "code", "must be a string");
  fails_once("{'name':'n','count':'5'}", "count", "must be an integer"); /* string for int */
  fails_once("{'name':'n','count':1.5}", "count", "must be an integer"); /* real for int */
  fails_once("{'name':'n','count':2.0}", "count", "must be an integer");
  fails_once("{'name':'n','count':true}", "count", "must be an integer");
  fails_once("{'name':'n','weight':'1'}", "weight", "must be a number");
  fails_once("{'name':'n','active':'yes'}", "active", "must be true or false");
  fails_once("{'name':'n','active':1}", "active", "must be true or false");
  fails_once("{'name':'n','day':20240101}", "day", "must be a date YYYY-MM-DD");
  fails_once("{'name':'n','preorder':5}", "preorder", "must be an object");
  fails_once("{'name':'n','preorder':[]}", "preorder", "must be an object");
  fails_once("{'name':'n','tags':'a'}", "tags", "must be an array");
  fails_once("{'name':'n','codes':{}}", "codes", "must be an array");
  fails_once("{'name':'n','locations':5}", "locations", "must be \"*\" or an array of codes");
  fails_once("{'name':'n','limits':[]}", "limits", "must be an object");
  fails_once("{'name':'n','lines':{}}", "lines", "must be an array");
}
END_TEST

/* ---- ranges and lengths ---- */

START_TEST(int_range)
{
  fails_once("{'name':'n','count':-1}", "count", "must be between 0 and 100");
  fails_once("{'name':'n','count':101}", "count", "must be between 0 and 100");
  passes_as("{'name':'n','count':100}",
            "{'name':'n','count':100,'active':true,'colour':'red',"
            "'preorder':{'enabled':false,'limit':0,'release':null},'tags':[],'locations':'*'}");
  /* an open upper bound says so */
  fails_once("{'name':'n','big':0}", "big", "must be >= 1");
  fails_once("{'name':'n','big':-9223372036854775807}", "big", "must be >= 1");
}
END_TEST

START_TEST(number_range)
{
  fails_once("{'name':'n','weight':-0.5}", "weight", "must be between 0 and 10");
  fails_once("{'name':'n','weight':10.01}", "weight", "must be between 0 and 10");
  passes_as("{'name':'n','weight':10}", "{'name':'n','weight':10.0," DEFAULTS_AFTER_NAME "}");
}
END_TEST

START_TEST(string_length)
{
  fails_once("{'name':''}", "name", "must be 1 to 10 characters");
  fails_once("{'name':'01234567890'}", "name", "must be 1 to 10 characters");
  passes_as("{'name':'a'}", "{'name':'a'," DEFAULTS_AFTER_NAME "}");
  /* max 0 means 10000 */
  passes_as("{'name':'n','lines':[{'sku':'s','quantity':1,'note':''}]}",
            "{'name':'n','lines':[{'sku':'s','quantity':1,'note':''}]," DEFAULTS_AFTER_NAME "}");
  fails_once("{'name':'n','lines':[{'sku':'s','quantity':1,'note':'012345678901234567890'}]}",
             "lines[0].note", "must be 0 to 20 characters");
  /* an escaped NUL (only loadable with JSON_ALLOW_NUL) is refused rather
   * than silently truncated later */
  fails_once("{'name':'a\\u0000b'}", "name", "must not contain NUL characters");
}
END_TEST

START_TEST(string_max_defaults_to_10000)
{
  static const struct js_field s[] = {
      {.name = "t", .type = JS_STRING},
      {.type = JS_END},
  };
  char big[10002];
  json_t *out = NULL, *errors = json_array();
  memset(big, 'x', sizeof big - 1);
  big[10000] = '\0';
  json_t *in = json_pack("{s:s}", "t", big);
  ck_assert_int_eq(js_parse(s, in, "", &out, errors), 0);
  json_decref(out);
  json_decref(in);
  big[10000] = 'x';
  big[10001] = '\0';
  in = json_pack("{s:s}", "t", big);
  ck_assert_int_eq(js_parse(s, in, "", &out, errors), -1);
  ck_assert_ptr_null(out);
  assert_err(errors, "t", "must be 0 to 10000 characters");
  ck_assert_uint_eq(json_array_size(errors), 1);
  json_decref(in);
  json_decref(errors);
}
END_TEST

/* ---- enums, dates, codes ---- */

START_TEST(enum_lists_allowed_values)
{
  fails_once("{'name':'n','colour':'purple'}", "colour", "must be one of red, green, blue");
  fails_once("{'name':'n','colour':'Red'}", "colour", "must be one of red, green, blue");
  fails_once("{'name':'n','colour':1}", "colour", "must be one of red, green, blue");
  passes_as("{'name':'n','colour':'green'}",
            "{'name':'n','count':7,'active':true,'colour':'green',"
            "'preorder':{'enabled':false,'limit':0,'release':null},'tags':[],'locations':'*'}");
}
END_TEST

START_TEST(date_field)
{
  fails_once("{'name':'n','day':'2023-02-29'}", "day", "must be a date YYYY-MM-DD");
  fails_once("{'name':'n','day':'2024-2-1'}", "day", "must be a date YYYY-MM-DD");
  fails_once("{'name':'n','day':'2024-01-01T00:00:00Z'}", "day", "must be a date YYYY-MM-DD");
  passes_as("{'name':'n','day':'2000-02-29'}",
            "{'name':'n','day':'2000-02-29'," DEFAULTS_AFTER_NAME "}");
}
END_TEST

START_TEST(code_field)
{
  const char *msg = "must be 1-64 characters of A-Z a-z 0-9 . _ -";
  fails_once("{'name':'n','code':''}", "code", msg);
  fails_once("{'name':'n','code':'a b'}", "code", msg);
  fails_once("{'name':'n','code':'a/b'}", "code", msg);
  fails_once("{'name':'n','code':'caf\\u00e9'}", "code", msg);
  fails_once("{'name':'n','code':'a\\u0000b'}", "code", msg); /* NUL cannot hide the tail */
  passes_as("{'name':'n','code':'Z._-9'}", "{'name':'n','code':'Z._-9'," DEFAULTS_AFTER_NAME "}");
}
END_TEST

/* ---- nested objects ---- */

START_TEST(nested_object_paths)
{
  json_t *out, *errors;
  ck_assert_int_eq(run("{'name':'n','preorder':{'enabled':'x','limit':101,'release':'2024-13-01','junk':1}}",
                       &out, &errors), -1);
  assert_err(errors, "preorder.enabled", "must be true or false");
  assert_err(errors, "preorder.limit", "must be between 0 and 100");
  assert_err(errors, "preorder.release", "must be a date YYYY-MM-DD");
  ck_assert_uint_eq(json_array_size(errors), 3);
  json_decref(errors);
}
END_TEST

START_TEST(prefix_is_prepended)
{
  json_t *in = jq("{'count':-1,'preorder':{'limit':-1}}"), *out = NULL, *errors = json_array();
  ck_assert_int_eq(js_parse(spec, in, "items[3]", &out, errors), -1);
  ck_assert_ptr_null(out);
  assert_err(errors, "items[3].name", "is required");
  assert_err(errors, "items[3].count", "must be between 0 and 100");
  assert_err(errors, "items[3].preorder.limit", "must be between 0 and 100");
  ck_assert_uint_eq(json_array_size(errors), 3);
  json_decref(in);
  json_decref(errors);
  /* a non-object under a prefix is reported at the prefix */
  in = jq("[1]");
  errors = json_array();
  ck_assert_int_eq(js_parse(spec, in, "items[3]", &out, errors), -1);
  assert_err(errors, "items[3]", "must be a JSON object");
  ck_assert_uint_eq(json_array_size(errors), 1);
  json_decref(in);
  json_decref(errors);
}
END_TEST

/* ---- arrays of strings and codes ---- */

START_TEST(strings_index_paths)
{
  json_t *out, *errors;
  ck_assert_int_eq(run("{'name':'n','tags':['a','','toolong']}", &out, &errors), -1);
  assert_err(errors, "tags[1]", "must be 1 to 5 characters");
  assert_err(errors, "tags[2]", "must be 1 to 5 characters");
  ck_assert_ptr_null(err_at(errors, "tags[0]"));
  ck_assert_uint_eq(json_array_size(errors), 2);
  json_decref(errors);
  fails_once("{'name':'n','tags':['a',2]}", "tags[1]", "must be a string");
  fails_once("{'name':'n','tags':['a','b','c','d']}", "tags", "must have at most 3 entries");
  passes_as("{'name':'n','tags':['a','b','c']}",
            "{'name':'n','count':7,'active':true,'colour':'red',"
            "'preorder':{'enabled':false,'limit':0,'release':null},'tags':['a','b','c'],'locations':'*'}");
}
END_TEST

START_TEST(codes_index_paths)
{
  const char *msg = "must be 1-64 characters of A-Z a-z 0-9 . _ -";
  json_t *out, *errors;
  ck_assert_int_eq(run("{'name':'n','codes':['ok','bad code']}", &out, &errors), -1);
  assert_err(errors, "codes[1]", msg);
  ck_assert_uint_eq(json_array_size(errors), 1);
  json_decref(errors);
  ck_assert_int_eq(run("{'name':'n','locations':['a/b','ok',7]}", &out, &errors), -1);
  assert_err(errors, "locations[0]", msg);
  assert_err(errors, "locations[2]", "must be a string");
  ck_assert_uint_eq(json_array_size(errors), 2);
  json_decref(errors);
  fails_once("{'name':'n','codes':['a','b','c']}", "codes", "must have at most 2 entries");
  /* an empty list of codes is allowed */
  passes_as("{'name':'n','codes':[]}", "{'name':'n','codes':[]," DEFAULTS_AFTER_NAME "}");
}
END_TEST

START_TEST(star_accepted_only_where_flagged)
{
  passes_as("{'name':'n','locations':'*'}", "{'name':'n'," DEFAULTS_AFTER_NAME "}");
  passes_as("{'name':'n','locations':['A','B']}",
            "{'name':'n','count':7,'active':true,'colour':'red',"
            "'preorder':{'enabled':false,'limit':0,'release':null},'tags':[],'locations':['A','B']}");
  fails_once("{'name':'n','locations':'A'}", "locations", "must be \"*\" or an array of codes");
  fails_once("{'name':'n','locations':'**'}", "locations", "must be \"*\" or an array of codes");
  /* "*" is the whole value, not an entry */
  fails_once("{'name':'n','locations':['*']}", "locations[0]",
             "must be 1-64 characters of A-Z a-z 0-9 . _ -");
  /* without JS_STAR, "*" is just a wrong type */
  fails_once("{'name':'n','codes':'*'}", "codes", "must be an array");
}
END_TEST

/* ---- code -> int maps ---- */

START_TEST(code_ints)
{
  passes_as("{'name':'n','limits':{'web':3,'pos':0}}",
            "{'name':'n','limits':{'web':3,'pos':0}," DEFAULTS_AFTER_NAME "}");
  passes_as("{'name':'n','limits':{}}", "{'name':'n','limits':{}," DEFAULTS_AFTER_NAME "}");
  json_t *out, *errors;
  ck_assert_int_eq(run("{'name':'n','limits':{'web':11,'bad key':1,'x':'a','y':1.5,'ok':10}}",
                       &out, &errors), -1);
  assert_err(errors, "limits.web", "must be between 0 and 10");
  assert_err(errors, "limits.bad key", "key must be a code");
  assert_err(errors, "limits.x", "must be an integer");
  assert_err(errors, "limits.y", "must be an integer");
  ck_assert_ptr_null(err_at(errors, "limits.ok"));
  ck_assert_uint_eq(json_array_size(errors), 4);
  json_decref(errors);
  fails_once("{'name':'n','limits':{'':1}}", "limits.", "key must be a code");
}
END_TEST

/* ---- arrays of objects ---- */

START_TEST(array_of_objects_paths)
{
  json_t *out, *errors;
  ck_assert_int_eq(run("{'name':'n','lines':[{'sku':'A','quantity':1},{'sku':'B','quantity':0}]}",
                       &out, &errors), -1);
  assert_err(errors, "lines[1].quantity", "must be between 1 and 1000");
  ck_assert_uint_eq(json_array_size(errors), 1);
  json_decref(errors);

  ck_assert_int_eq(run("{'name':'n','lines':[{},5]}", &out, &errors), -1);
  assert_err(errors, "lines[0].sku", "is required");
  assert_err(errors, "lines[0].quantity", "is required");
  assert_err(errors, "lines[1]", "must be an object");
  ck_assert_uint_eq(json_array_size(errors), 3);
  json_decref(errors);

  fails_once("{'name':'n','lines':[{'sku':'a b','quantity':1}]}", "lines[0].sku",
             "must be 1-64 characters of A-Z a-z 0-9 . _ -");
}
END_TEST

START_TEST(array_of_objects_size)
{
  fails_once("{'name':'n','lines':[]}", "lines", "must have 1 to 2 entries");
  fails_once("{'name':'n','lines':[{'sku':'A','quantity':1},{'sku':'B','quantity':1},"
             "{'sku':'C','quantity':1}]}",
             "lines", "must have 1 to 2 entries");
  passes_as("{'name':'n','lines':[{'sku':'A','quantity':5,'junk':[1]}]}",
            "{'name':'n','lines':[{'sku':'A','quantity':5}]," DEFAULTS_AFTER_NAME "}");
}
END_TEST

/* ---- several errors, non-objects, the errors array ---- */

START_TEST(several_errors_collected)
{
  json_t *out, *errors;
  ck_assert_int_eq(run("{'count':500,'active':'no','colour':'pink','day':'x','tags':[''],"
                       "'lines':[{'quantity':0}],'limits':{'a':-1},'unknown':1}",
                       &out, &errors), -1);
  assert_err(errors, "name", "is required");
  assert_err(errors, "count", "must be between 0 and 100");
  assert_err(errors, "active", "must be true or false");
  assert_err(errors, "colour", "must be one of red, green, blue");
  assert_err(errors, "day", "must be a date YYYY-MM-DD");
  assert_err(errors, "tags[0]", "must be 1 to 5 characters");
  assert_err(errors, "lines[0].sku", "is required");
  assert_err(errors, "lines[0].quantity", "must be between 1 and 1000");
  assert_err(errors, "limits.a", "must be between 0 and 10");
  ck_assert_uint_eq(json_array_size(errors), 9);
  /* each error is exactly {field, message} */
  json_t *e = json_array_get(errors, 0);
  ck_assert_uint_eq(json_object_size(e), 2);
  ck_assert(json_is_string(json_object_get(e, "field")));
  ck_assert(json_is_string(json_object_get(e, "message")));
  /* errors follow the order of the spec table */
  ck_assert_str_eq(json_string_value(json_object_get(e, "field")), "name");
  json_decref(errors);
}
END_TEST

START_TEST(top_level_non_object_rejected)
{
  const char *bodies[] = {"[]", "[{'name':'n'}]", "'x'", "1", "1.5", "true", "null"};
  for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
    json_t *out, *errors;
    ck_assert_int_eq(run(bodies[i], &out, &errors), -1);
    assert_err(errors, "body", "must be a JSON object");
    ck_assert_uint_eq(json_array_size(errors), 1);
    json_decref(errors);
  }
  /* NULL input is treated as a non-object too */
  json_t *out = NULL, *errors = json_array();
  ck_assert_int_eq(js_parse(spec, NULL, "", &out, errors), -1);
  ck_assert_ptr_null(out);
  assert_err(errors, "body", "must be a JSON object");
  json_decref(errors);
}
END_TEST

START_TEST(earlier_errors_do_not_fail_a_valid_body)
{
  /* errors is appended to; only the errors this call adds decide its result */
  json_t *in = jq("{'name':'n'}"), *out = NULL, *errors = json_array();
  js_error(errors, "elsewhere", "an earlier problem");
  ck_assert_int_eq(js_parse(spec, in, "", &out, errors), 0);
  ck_assert_ptr_nonnull(out);
  ck_assert_uint_eq(json_array_size(errors), 1);
  json_decref(out);
  json_decref(in);
  in = jq("{}");
  ck_assert_int_eq(js_parse(spec, in, "", &out, errors), -1);
  ck_assert_uint_eq(json_array_size(errors), 2);
  assert_err(errors, "elsewhere", "an earlier problem");
  assert_err(errors, "name", "is required");
  json_decref(in);
  json_decref(errors);
}
END_TEST

START_TEST(js_error_shape)
{
  json_t *errors = json_array();
  js_error(errors, "a.b[0]", "msg");
  assert_json(errors, "[{'field':'a.b[0]','message':'msg'}]");
  json_decref(errors);
}
END_TEST

START_TEST(empty_spec_drops_everything)
{
  static const struct js_field none[] = {{.type = JS_END}};
  json_t *in = jq("{'a':1,'b':{}}"), *out = NULL, *errors = json_array();
  ck_assert_int_eq(js_parse(none, in, "", &out, errors), 0);
  assert_json(out, "{}");
  json_decref(out);
  json_decref(in);
  json_decref(errors);
}
END_TEST

Suite *suite_json_spec(void)
{
  Suite *s = suite_create("json_spec");
  TCase *tc;

  tc = tcase_create("output");
  tcase_add_test(tc, defaults_filled_and_absent_stays_absent);
  tcase_add_test(tc, partial_object_gets_sub_defaults);
  tcase_add_test(tc, full_document_kept_and_unknown_dropped);
  tcase_add_test(tc, number_is_normalised_to_real);
  tcase_add_test(tc, output_is_a_new_object);
  tcase_add_test(tc, empty_spec_drops_everything);
  suite_add_tcase(s, tc);

  tc = tcase_create("scalars");
  tcase_add_test(tc, required_missing);
  tcase_add_test(tc, null_on_non_nullable);
  tcase_add_test(tc, null_on_nullable_is_kept);
  tcase_add_test(tc, null_with_default_takes_default);
  tcase_add_test(tc, wrong_types);
  tcase_add_test(tc, int_range);
  tcase_add_test(tc, number_range);
  tcase_add_test(tc, string_length);
  tcase_add_test(tc, string_max_defaults_to_10000);
  tcase_add_test(tc, enum_lists_allowed_values);
  tcase_add_test(tc, date_field);
  tcase_add_test(tc, code_field);
  suite_add_tcase(s, tc);

  tc = tcase_create("structures");
  tcase_add_test(tc, nested_object_paths);
  tcase_add_test(tc, prefix_is_prepended);
  tcase_add_test(tc, strings_index_paths);
  tcase_add_test(tc, codes_index_paths);
  tcase_add_test(tc, star_accepted_only_where_flagged);
  tcase_add_test(tc, code_ints);
  tcase_add_test(tc, array_of_objects_paths);
  tcase_add_test(tc, array_of_objects_size);
  suite_add_tcase(s, tc);

  tc = tcase_create("errors");
  tcase_add_test(tc, several_errors_collected);
  tcase_add_test(tc, top_level_non_object_rejected);
  tcase_add_test(tc, earlier_errors_do_not_fail_a_valid_body);
  tcase_add_test(tc, js_error_shape);
  suite_add_tcase(s, tc);
  return s;
}
