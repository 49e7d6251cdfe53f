/* check_routing.c: the routing engine of src/engine/routing.c — the rules
 * document (validation, defaults, compilation) and eng_route (filters, sort
 * keys, split and drop-ship modes, the waterfall, pickup, the explanation)
 * on small worked examples. JSON is written with single quotes.
 *
 * A plan is checked as text: shipments in plan order "WH1=A:2,B:1", then
 * "| A:1 (reason)" for each unsourced line. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/engine.h"
#include "unit.h"

#define err_at ut_err_at
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

/* Rules text must fail with exactly one error, at field, saying msg. */
static void rules_fail(const char *text, const char *field, const char *msg)
{
  json_t *in = jq(text), *out = (json_t *)1, *errors = json_array();
  ck_assert_int_eq(eng_rules_parse(in, &out, errors), -1);
  ck_assert_ptr_null(out);
  const char *got = err_at(errors, field);
  char *all = json_dumps(errors, 0);
  ck_assert_msg(got != NULL, "%s: no error at %s; errors: %s", text, field, all);
  ck_assert_msg(strcmp(got, msg) == 0, "%s: at %s got '%s', want '%s'", text, field, got, msg);
  ck_assert_msg(json_array_size(errors) == 1, "%s: %s", text, all);
  free(all);
  json_decref(errors);
  json_decref(in);
}

static void rules_pass(const char *text, const char *want)
{
  json_t *in = jq(text), *out = NULL, *errors = json_array();
  int rc = eng_rules_parse(in, &out, errors);
  char *all = json_dumps(errors, 0);
  ck_assert_msg(rc == 0, "%s: %s", text, all);
  free(all);
  assert_json(out, want);
  json_decref(out);
  json_decref(errors);
  json_decref(in);
}

/* ---- a routing fixture ---- */

#define MAXL 8
#define MAXS 24
#define MAXK 8

struct fsrc {
  const char *sku[MAXK];
  long long qty[MAXK], cost[MAXK];
  int days[MAXK];
  size_t n;
};

struct fx {
  struct eng_order_line lines[MAXL];
  struct eng_order order;
  struct eng_source src[MAXS];
  struct fsrc stock[MAXS];
  long long avail[MAXS][MAXL], ucost[MAXS][MAXL];
  int idays[MAXS][MAXL];
  size_t n;
  json_t *rules_json;
  struct eng_rules rules;
  bool have_rules;
  struct eng_plan plan;
  json_t *explanation; /* plan.explanation parsed (NULL when none) */
  char text[1024];
};

static void fx_init(struct fx *f)
{
  memset(f, 0, sizeof *f);
  f->order.lines = f->lines;
  f->order.channel = "web";
  f->order.ship_method = "standard";
  f->order.country = "US";
  f->order.has_coords = true;
  f->order.lat = 40.7128; /* New York */
  f->order.lon = -74.0060;
}

static void fx_free(struct fx *f)
{
  eng_plan_free(&f->plan);
  json_decref(f->explanation);
  f->explanation = NULL;
  if (f->have_rules)
    eng_rules_free(&f->rules);
  json_decref(f->rules_json);
}

static void line(struct fx *f, const char *sku, long long q)
{
  f->lines[f->order.n_lines++] = (struct eng_order_line){.sku = sku, .quantity = q};
}

static void pickup_line(struct fx *f, const char *sku, long long q, const char *store)
{
  f->lines[f->order.n_lines++] =
      (struct eng_order_line){.sku = sku, .quantity = q, .pickup = true, .pickup_location = store};
}

/* stock: "A:5 B:3" (suppliers: "A:5@1200/3" = 5 units at 1200 each, ship_days 3) */
static void set_stock(struct fx *f, size_t c, const char *stock)
{
  char sku[16];
  const char *p = stock;
  struct fsrc *s = &f->stock[c];
  while (p && *p) {
    long long q = 0, cost = 0;
    int days = 0, used = 0;
    int k = sscanf(p, " %15[^:]:%lld%n@%lld/%d%n", sku, &q, &used, &cost, &days, &used);
    ck_assert_msg(k >= 2, "bad stock %s", stock);
    s->sku[s->n] = strdup(sku);
    s->qty[s->n] = q;
    s->cost[s->n] = cost;
    s->days[s->n] = days;
    s->n++;
    p += used;
    while (*p == ' ')
      p++;
  }
}

static struct eng_source *loc(struct fx *f, const char *code, int priority, const char *stock)
{
  size_t c = f->n++;
  struct eng_source *s = &f->src[c];
  *s = (struct eng_source){.type = OMS_SRC_LOCATION, .code = code, .active = true, .ship = true,
                           .in_channel = true, .priority = priority, .days = 2};
  set_stock(f, c, stock);
  return s;
}

static void at(struct eng_source *s, double lat, double lon)
{
  s->has_coords = true;
  s->lat = lat;
  s->lon = lon;
}

static struct eng_source *sup(struct fx *f, const char *code, int lead, const char *stock)
{
  size_t c = f->n++;
  struct eng_source *s = &f->src[c];
  *s = (struct eng_source){.type = OMS_SRC_SUPPLIER, .code = code, .active = true,
                           .in_channel = true, .days = lead};
  set_stock(f, c, stock);
  return s;
}

static void rules(struct fx *f, const char *text)
{
  json_t *in = jq(text), *errors = json_array();
  int rc = eng_rules_parse(in, &f->rules_json, errors);
  char *all = json_dumps(errors, 0);
  ck_assert_msg(rc == 0, "rules %s: %s", text, all);
  free(all);
  ck_assert_int_eq(eng_rules_compile(f->rules_json, &f->rules), 0);
  f->have_rules = true;
  json_decref(errors);
  json_decref(in);
}

/* Drops the rules (and the plan) to install others. */
static void rules_reset(struct fx *f)
{
  fx_free(f);
  f->have_rules = false;
  f->rules_json = NULL;
}

static const char *plan_text(struct fx *f)
{
  struct eng_plan *p = &f->plan;
  size_t o = 0, cap = sizeof f->text;
  f->text[0] = '\0';
  for (size_t i = 0; i < p->n_shipments; i++) {
    o += (size_t)snprintf(f->text + o, cap - o, "%s%s=", i ? " " : "", f->src[p->shipments[i].source].code);
    for (size_t j = 0; j < p->shipments[i].n_allocs; j++)
      o += (size_t)snprintf(f->text + o, cap - o, "%s%s:%lld", j ? "," : "",
                            f->lines[p->shipments[i].allocs[j].line].sku,
                            p->shipments[i].allocs[j].quantity);
  }
  for (size_t i = 0; i < p->n_unsourced; i++)
    o += (size_t)snprintf(f->text + o, cap - o, "%s| %s:%lld (%s)", o ? " " : "",
                          f->lines[p->unsourced[i].line].sku, p->unsourced[i].quantity,
                          p->unsourced[i].reason);
  return f->text;
}

/* Routes the fixture (again) and returns the plan as text. */
static const char *route(struct fx *f)
{
  for (size_t c = 0; c < f->n; c++) {
    struct fsrc *s = &f->stock[c];
    bool supplier = f->src[c].type == OMS_SRC_SUPPLIER;
    for (size_t l = 0; l < f->order.n_lines; l++) {
      f->avail[c][l] = 0;
      f->ucost[c][l] = 0;
      f->idays[c][l] = 0;
      for (size_t k = 0; k < s->n; k++)
        if (strcmp(s->sku[k], f->lines[l].sku) == 0) {
          f->avail[c][l] = s->qty[k];
          f->ucost[c][l] = s->cost[k];
          f->idays[c][l] = s->days[k];
        }
    }
    f->src[c].available = f->avail[c];
    f->src[c].unit_cost = supplier ? f->ucost[c] : NULL;
    f->src[c].item_days = supplier ? f->idays[c] : NULL;
  }
  eng_plan_free(&f->plan);
  json_decref(f->explanation);
  f->explanation = NULL;
  ck_assert_int_eq(eng_route(f->have_rules ? &f->rules : NULL, &f->order, f->src, f->n, &f->plan), 0);
  f->explanation = NULL;
  if (f->plan.explanation) {
    json_error_t je;
    f->explanation = json_loads(f->plan.explanation, 0, &je);
    ck_assert_msg(f->explanation != NULL, "the explanation is not JSON (%s): %s", je.text,
                  f->plan.explanation);
  }
  return plan_text(f);
}

static void fx_done(struct fx *f)
{
  for (size_t c = 0; c < f->n; c++)
    for (size_t k = 0; k < f->stock[c].n; k++)
      free((char *)f->stock[c].sku[k]);
  fx_free(f);
}

#define ROUTES_TO(f, want)                                                                        \
  do {                                                                                            \
    const char *got_ = route(f);                                                                  \
    ck_assert_msg(strcmp(got_, want) == 0, "plan: got \"%s\", want \"%s\"", got_, want);          \
  } while (0)

/* The candidate at source code in the explanation. */
static json_t *cand(struct fx *f, const char *code)
{
  size_t i;
  json_t *c;
  json_array_foreach(json_object_get(f->explanation, "candidates"), i, c)
  {
    if (strcmp(json_string_value(json_object_get(c, "source")), code) == 0)
      return c;
  }
  ck_abort_msg("no candidate %s", code);
  return NULL;
}

static void rejected(struct fx *f, const char *code, const char *why)
{
  json_t *r = json_object_get(cand(f, code), "rejected");
  if (!why)
    ck_assert_msg(json_is_null(r), "%s rejected: %s", code, json_string_value(r));
  else
    ck_assert_msg(json_is_string(r) && strcmp(json_string_value(r), why) == 0,
                  "%s rejected: got %s, want %s", code, json_is_string(r) ? json_string_value(r) : "null", why);
}

/* Candidate codes in explanation order, space separated. */
static const char *cand_order(struct fx *f)
{
  static char buf[512];
  size_t i, o = 0;
  json_t *c;
  buf[0] = '\0';
  json_array_foreach(json_object_get(f->explanation, "candidates"), i, c)
  {
    o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? " " : "",
                          json_string_value(json_object_get(c, "source")));
  }
  return buf;
}

/* ====================================================================== */

START_TEST(distance_haversine)
{
  ck_assert(eng_distance_km(10, 20, 10, 20) == 0);
  /* one degree of the equator: 2*pi*6371/360 */
  ck_assert_double_eq_tol(eng_distance_km(0, 0, 0, 1), 111.195, 0.001);
  /* New York - Los Angeles */
  ck_assert_double_eq_tol(eng_distance_km(40.7128, -74.0060, 34.0522, -118.2437), 3935.75, 0.1);
  /* symmetric; antipodes are half the circumference */
  ck_assert_double_eq_tol(eng_distance_km(34.0522, -118.2437, 40.7128, -74.0060),
                          eng_distance_km(40.7128, -74.0060, 34.0522, -118.2437), 1e-9);
  ck_assert_double_eq_tol(eng_distance_km(0, 0, 0, 180), 20015.09, 0.01);
}
END_TEST

/* ---- the rules document ---- */

#define RULE_DEFAULTS                                                                            \
  "'when':{},'filters':{},'sort':['priority','distance'],'split':'allow','max_shipments':null," \
  "'dropship':'fallback','backorder':false,'fallthrough':true"

START_TEST(rules_defaults)
{
  rules_pass("[{'name':'a'}]", "[{'name':'a'," RULE_DEFAULTS "}]");
  rules_pass("{'rules':[{'name':'a','colour':'dropped'}]}", "[{'name':'a'," RULE_DEFAULTS "}]");
  rules_pass("[]", "[]");
  rules_pass("{'rules':[]}", "[]");
  rules_pass("[{'name':'full','when':{'channel':['web','pos'],'ship_method':'express','country':'US'},"
             "'filters':{'location_types':['store'],'max_distance_km':500,'exclude':['STORE9']},"
             "'sort':['cost','days','inventory','distance','priority'],'split':'avoid','max_shipments':2,"
             "'dropship':'prefer_fastest','backorder':true,'fallthrough':false}]",
             "[{'name':'full','when':{'channel':['web','pos'],'ship_method':'express','country':'US'},"
             "'filters':{'location_types':['store'],'max_distance_km':500,'exclude':['STORE9']},"
             "'sort':['cost','days','inventory','distance','priority'],'split':'avoid','max_shipments':2,"
             "'dropship':'prefer_fastest','backorder':true,'fallthrough':false}]");
  /* null takes the default where the field cannot be null */
  rules_pass("[{'name':'a','when':null,'sort':null,'max_shipments':null}]", "[{'name':'a'," RULE_DEFAULTS "}]");
}
END_TEST

START_TEST(rules_sort_errors)
{
  rules_fail("[{'name':'a','sort':['priority','speed']}]", "rules[0].sort[1]",
             "must be one of priority, distance, cost, inventory, days");
  rules_fail("[{'name':'a'},{'name':'b','sort':['cost','cost']}]", "rules[1].sort[1]", "is listed twice");
  rules_fail("[{'name':'a','sort':[]}]", "rules[0].sort", "must not be empty");
  rules_fail("[{'name':'a','sort':'priority'}]", "rules[0].sort",
             "must be an array of sort keys (priority, distance, cost, inventory, days)");
  rules_fail("[{'name':'a','sort':[1]}]", "rules[0].sort[0]",
             "must be one of priority, distance, cost, inventory, days");
}
END_TEST

START_TEST(rules_filter_errors)
{
  rules_fail("[{'name':'a'},{'name':'b','filters':{'max_distance_km':-5}}]",
             "rules[1].filters.max_distance_km", "must be a number > 0");
  rules_fail("[{'name':'a','filters':{'max_distance_km':0}}]", "rules[0].filters.max_distance_km",
             "must be a number > 0");
  rules_fail("[{'name':'a','filters':{'max_distance_km':'far'}}]", "rules[0].filters.max_distance_km",
             "must be a number > 0");
  rules_pass("[{'name':'a','filters':{'max_distance_km':null}}]",
             "[{'name':'a','when':{},'filters':{'max_distance_km':null},'sort':['priority','distance'],"
             "'split':'allow','max_shipments':null,'dropship':'fallback','backorder':false,'fallthrough':true}]");
  rules_fail("[{'name':'a','filters':{'location_types':[]}}]", "rules[0].filters.location_types",
             "must not be empty");
  rules_fail("[{'name':'a','filters':{'location_types':['store','dc']}}]",
             "rules[0].filters.location_types[1]", "must be one of warehouse, store");
  rules_fail("[{'name':'a','filters':{'location_types':['store','store']}}]",
             "rules[0].filters.location_types[1]", "is listed twice");
  rules_fail("[{'name':'a','filters':{'exclude':['ok','bad code']}}]", "rules[0].filters.exclude[1]",
             "must be 1-64 characters of A-Z a-z 0-9 . _ -");
  rules_fail("[{'name':'a','filters':[]}]", "rules[0].filters", "must be an object");
}
END_TEST

START_TEST(rules_mode_errors)
{
  rules_fail("[{'name':'a','split':'sometimes'}]", "rules[0].split", "must be one of never, avoid, allow");
  rules_fail("[{'name':'a','dropship':'always'}]", "rules[0].dropship",
             "must be one of never, fallback, prefer_cheapest, prefer_fastest");
  rules_fail("[{'name':'a','max_shipments':0}]", "rules[0].max_shipments", "must be between 1 and 1000");
  rules_fail("[{'name':'a','max_shipments':1.5}]", "rules[0].max_shipments", "must be an integer");
  rules_fail("[{'name':'a','backorder':'yes'}]", "rules[0].backorder", "must be true or false");
  rules_fail("[{'name':'a','fallthrough':1}]", "rules[0].fallthrough", "must be true or false");
}
END_TEST

START_TEST(rules_name_and_when_errors)
{
  rules_fail("[{'name':'a'},{'name':'b'},{'name':'a'}]", "rules[2].name",
             "must be unique (rules[0] has the same name)");
  rules_fail("[{'split':'allow'}]", "rules[0].name", "is required");
  rules_fail("[{'name':''}]", "rules[0].name", "must be 1 to 64 characters");
  rules_fail("[{'name':'a','when':{'chanel':'web'}}]", "rules[0].when.chanel",
             "is not a known condition (channel, ship_method, country)");
  rules_fail("[{'name':'a','when':{'country':'us'}}]", "rules[0].when.country",
             "must be a 2-letter upper-case country code");
  rules_fail("[{'name':'a','when':{'country':['US','USA']}}]", "rules[0].when.country[1]",
             "must be a 2-letter upper-case country code");
  rules_fail("[{'name':'a','when':{'ship_method':'overnight'}}]", "rules[0].when.ship_method",
             "must be one of standard, express");
  rules_fail("[{'name':'a','when':{'channel':'no spaces'}}]", "rules[0].when.channel",
             "must be a channel code (1-64 characters of A-Z a-z 0-9 . _ -)");
  rules_fail("[{'name':'a','when':{'channel':[]}}]", "rules[0].when.channel", "must have 1 to 100 entries");
  rules_fail("[{'name':'a','when':{'channel':5}}]", "rules[0].when.channel",
             "must be a string or an array of strings");
  rules_fail("[{'name':'a','when':{'channel':null}}]", "rules[0].when.channel", "must not be null");
  rules_fail("[5]", "rules[0]", "must be a JSON object");
  rules_fail("{'name':'a'}", "rules", "must be an array of rules (or {\"rules\":[...]})");
  rules_fail("'x'", "body", "must be an array of rules (or {\"rules\":[...]})");
}
END_TEST

START_TEST(rules_collects_every_error)
{
  json_t *in = jq("[{'name':'a','sort':['x'],'split':'no'},{'name':'a','filters':{'max_distance_km':-1}}]");
  json_t *out = NULL, *errors = json_array();
  ck_assert_int_eq(eng_rules_parse(in, &out, errors), -1);
  ck_assert_ptr_nonnull(err_at(errors, "rules[0].sort[0]"));
  ck_assert_ptr_nonnull(err_at(errors, "rules[0].split"));
  ck_assert_ptr_nonnull(err_at(errors, "rules[1].filters.max_distance_km"));
  ck_assert_ptr_nonnull(err_at(errors, "rules[1].name"));
  ck_assert_uint_eq(json_array_size(errors), 4);
  json_decref(errors);
  json_decref(in);
}
END_TEST

START_TEST(rules_limit)
{
  json_t *arr = json_array();
  char name[16];
  for (int i = 0; i < 101; i++) {
    snprintf(name, sizeof name, "r%d", i);
    json_array_append_new(arr, json_pack("{s:s}", "name", name));
  }
  json_t *out = NULL, *errors = json_array();
  ck_assert_int_eq(eng_rules_parse(arr, &out, errors), -1);
  ck_assert_str_eq(err_at(errors, "rules"), "must have at most 100 entries");
  json_array_remove(arr, 100);
  json_array_clear(errors);
  ck_assert_int_eq(eng_rules_parse(arr, &out, errors), 0);
  ck_assert_uint_eq(json_array_size(out), 100);
  json_decref(out);
  json_decref(errors);
  json_decref(arr);
}
END_TEST

START_TEST(rules_compile)
{
  struct fx f;
  fx_init(&f);
  rules(&f, "[{'name':'a'},{'name':'b','when':{'channel':['web','pos'],'ship_method':'express','country':'CA'},"
            "'filters':{'location_types':['store'],'max_distance_km':250.5,'exclude':['S1','S2']},"
            "'sort':['inventory','cost'],'split':'never','max_shipments':3,'dropship':'prefer_cheapest',"
            "'backorder':true,'fallthrough':false}]");
  ck_assert_uint_eq(f.rules.n, 2);
  struct eng_rule *a = &f.rules.rules[0], *b = &f.rules.rules[1];
  ck_assert_str_eq(a->name, "a");
  ck_assert_uint_eq(a->n_channels + a->n_ship_methods + a->n_countries + a->n_exclude, 0);
  ck_assert(a->allow_warehouse && a->allow_store);
  ck_assert(a->max_distance_km < 0);
  ck_assert_uint_eq(a->n_sort, 2);
  ck_assert_int_eq(a->sort[0], ENG_SORT_PRIORITY);
  ck_assert_int_eq(a->sort[1], ENG_SORT_DISTANCE);
  ck_assert_int_eq(a->split, ENG_SPLIT_ALLOW);
  ck_assert_int_eq(a->max_shipments, 0);
  ck_assert_int_eq(a->dropship, ENG_DS_FALLBACK);
  ck_assert(!a->backorder && a->fallthrough);

  ck_assert_uint_eq(b->n_channels, 2);
  ck_assert_str_eq(b->channels[1], "pos");
  ck_assert_uint_eq(b->n_ship_methods, 1);
  ck_assert_str_eq(b->ship_methods[0], "express");
  ck_assert_str_eq(b->countries[0], "CA");
  ck_assert(!b->allow_warehouse && b->allow_store);
  ck_assert_double_eq(b->max_distance_km, 250.5);
  ck_assert_uint_eq(b->n_exclude, 2);
  ck_assert_str_eq(b->exclude[1], "S2");
  ck_assert_uint_eq(b->n_sort, 2);
  ck_assert_int_eq(b->sort[0], ENG_SORT_INVENTORY);
  ck_assert_int_eq(b->sort[1], ENG_SORT_COST);
  ck_assert_int_eq(b->split, ENG_SPLIT_NEVER);
  ck_assert_int_eq(b->max_shipments, 3);
  ck_assert_int_eq(b->dropship, ENG_DS_PREFER_CHEAPEST);
  ck_assert(b->backorder && !b->fallthrough);

  struct eng_rule d;
  eng_rule_default(&d);
  ck_assert_str_eq(d.name, "default");
  ck_assert(d.allow_warehouse && d.allow_store && d.max_distance_km < 0 && d.n_exclude == 0);
  ck_assert_uint_eq(d.n_sort, 2);
  ck_assert_int_eq(d.sort[0], ENG_SORT_PRIORITY);
  ck_assert_int_eq(d.sort[1], ENG_SORT_DISTANCE);
  ck_assert_int_eq(d.split, ENG_SPLIT_ALLOW);
  ck_assert_int_eq(d.dropship, ENG_DS_FALLBACK);
  ck_assert(!d.backorder);

  struct eng_rules bad;
  json_t *j = jq("[{'when':{}}]");
  ck_assert_int_eq(eng_rules_compile(j, &bad), -1);
  json_decref(j);
  fx_done(&f);
}
END_TEST

/* ---- filters ---- */

START_TEST(filter_location_types)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  loc(&f, "STORE1", 1, "A:5")->is_store = true;
  loc(&f, "WH1", 2, "A:5");
  rules(&f, "[{'name':'stores','filters':{'location_types':['store']},'fallthrough':false}]");
  ROUTES_TO(&f, "STORE1=A:1");
  rejected(&f, "WH1", "filtered: location_type");
  rejected(&f, "STORE1", NULL);
  rules_reset(&f);
  rules(&f, "[{'name':'wh','filters':{'location_types':['warehouse']}}]");
  ROUTES_TO(&f, "WH1=A:1");
  rejected(&f, "STORE1", "filtered: location_type");
  fx_done(&f);
}
END_TEST

START_TEST(filter_max_distance)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  at(loc(&f, "LA", 1, "A:5"), 34.0522, -118.2437);   /* 3936 km */
  at(loc(&f, "PHL", 5, "A:5"), 39.9526, -75.1652);   /* 130 km */
  loc(&f, "NOWHERE", 9, "A:5");                       /* no coordinates */
  rules(&f, "[{'name':'near','filters':{'max_distance_km':500},'sort':['distance'],'fallthrough':false}]");
  ROUTES_TO(&f, "PHL=A:1");
  rejected(&f, "LA", "filtered: max_distance_km");
  rejected(&f, "NOWHERE", NULL); /* not distance-filtered ... */
  ck_assert_str_eq(cand_order(&f), "PHL LA NOWHERE"); /* ... and last on distance */
  ck_assert(json_is_null(json_object_get(cand(&f, "NOWHERE"), "distance_km")));
  ck_assert_double_eq(json_real_value(json_object_get(cand(&f, "PHL"), "distance_km")), 129.6);

  /* with only the far one and the unknown one: the unknown one ships */
  f.stock[1].qty[0] = 0;
  ROUTES_TO(&f, "NOWHERE=A:1");
  rejected(&f, "PHL", "no stock");

  /* an order without coordinates is not distance-filtered at all */
  f.order.has_coords = false;
  ROUTES_TO(&f, "LA=A:1"); /* every distance unknown: ties go to the code */
  ck_assert_str_eq(cand_order(&f), "LA NOWHERE PHL");
  rejected(&f, "LA", NULL);
  fx_done(&f);
}
END_TEST

START_TEST(filter_exclude_inactive_channel_ship)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  loc(&f, "EX", 1, "A:5");
  loc(&f, "OFF", 2, "A:5")->active = false;
  loc(&f, "OTHER", 3, "A:5")->in_channel = false;
  loc(&f, "NOSHIP", 4, "A:5")->ship = false;
  loc(&f, "EMPTY", 5, "B:5");
  loc(&f, "OK", 6, "A:5");
  rules(&f, "[{'name':'r','filters':{'exclude':['EX']}}]");
  ROUTES_TO(&f, "OK=A:1");
  rejected(&f, "EX", "filtered: excluded");
  rejected(&f, "OFF", "inactive");
  rejected(&f, "OTHER", "not in channel");
  rejected(&f, "NOSHIP", "cannot ship");
  rejected(&f, "EMPTY", "no stock");
  rejected(&f, "OK", NULL);
  /* rejected sources still appear, in the rule's sort order */
  ck_assert_str_eq(cand_order(&f), "EX OFF OTHER NOSHIP EMPTY OK");
  fx_done(&f);
}
END_TEST

START_TEST(filter_pickup)
{
  struct fx f;
  fx_init(&f);
  pickup_line(&f, "A", 2, "STORE5");
  line(&f, "B", 1);
  struct eng_source *s5 = loc(&f, "STORE5", 50, "A:3 B:1");
  s5->is_store = true;
  s5->pickup = true;
  s5->ship = false; /* a pickup store need not ship */
  loc(&f, "WH1", 1, "A:9 B:9");
  ROUTES_TO(&f, "STORE5=A:2 WH1=B:1");
  rejected(&f, "STORE5", NULL); /* it took the pickup */
  assert_json(json_object_get(cand(&f, "STORE5"), "given"), "{'A':2}");

  /* a store without pickup cannot take the pickup line, nor can another location */
  s5->pickup = false;
  ROUTES_TO(&f, "WH1=B:1 | A:2 (pickup location unavailable)");
  rejected(&f, "STORE5", "cannot ship");
  s5->pickup = true;
  s5->active = false;
  ROUTES_TO(&f, "WH1=B:1 | A:2 (pickup location unavailable)");
  s5->active = true;

  /* short at the store: what it has, the rest unsourced (allow) */
  f.stock[0].qty[0] = 1;
  ROUTES_TO(&f, "STORE5=A:1 WH1=B:1 | A:1 (insufficient stock at pickup location)");
  f.stock[0].qty[0] = 0;
  ROUTES_TO(&f, "WH1=B:1 | A:2 (no stock at pickup location)");
  fx_done(&f);
}
END_TEST

START_TEST(filter_pickup_not_suppliers)
{
  struct fx f;
  fx_init(&f);
  pickup_line(&f, "A", 1, "STORE5");
  struct eng_source *s5 = loc(&f, "STORE5", 1, "");
  s5->is_store = s5->pickup = true;
  sup(&f, "STORE5", 0, "A:9@100/1"); /* a supplier with the same code is no pickup store */
  ROUTES_TO(&f, "| A:1 (no stock at pickup location)");
  rejected(&f, "STORE5", "no ship lines");
  fx_done(&f);
}
END_TEST

/* ---- sort keys ---- */

START_TEST(sort_priority_and_code)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  loc(&f, "B2", 5, "A:1");
  loc(&f, "A1", 5, "A:1");
  loc(&f, "C3", 1, "A:1");
  rules(&f, "[{'name':'p','sort':['priority']}]");
  ROUTES_TO(&f, "C3=A:1");
  ck_assert_str_eq(cand_order(&f), "C3 A1 B2"); /* the tie at 5 goes to the code */
  f.src[2].priority = 5;
  ROUTES_TO(&f, "A1=A:1");
  fx_done(&f);
}
END_TEST

START_TEST(sort_distance)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  at(loc(&f, "LA", 1, "A:1"), 34.0522, -118.2437);
  at(loc(&f, "BOS", 1, "A:1"), 42.3601, -71.0589);
  loc(&f, "AAA", 1, "A:1"); /* unknown: last, despite its code */
  at(loc(&f, "CHI", 1, "A:1"), 41.8781, -87.6298);
  rules(&f, "[{'name':'d','sort':['distance']}]");
  ROUTES_TO(&f, "BOS=A:1");
  ck_assert_str_eq(cand_order(&f), "BOS CHI LA AAA");
  ck_assert_double_eq(json_real_value(json_object_get(cand(&f, "BOS"), "distance_km")), 306.1);
  fx_done(&f);
}
END_TEST

START_TEST(sort_cost_inventory_days)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 2);
  line(&f, "B", 2);
  struct eng_source *x = loc(&f, "X", 1, "A:2");     /* inventory 2 */
  struct eng_source *y = loc(&f, "Y", 1, "A:9 B:1"); /* inventory 3 (capped at the quantities) */
  struct eng_source *z = loc(&f, "Z", 1, "A:1 B:1"); /* inventory 2 */
  x->cost_per_shipment = 300;
  y->cost_per_shipment = 500;
  z->cost_per_shipment = 300;
  x->days = 3;
  y->days = 1;
  z->days = 2;
  rules(&f, "[{'name':'c','sort':['cost','inventory']}]");
  ck_assert_str_eq(route(&f), "X=A:2 Z=B:1 Y=B:1");
  ck_assert_str_eq(cand_order(&f), "X Z Y"); /* cost 300,300,500; X and Z tie on inventory 2: code */
  assert_json(json_object_get(cand(&f, "Y"), "available"), "{'A':9,'B':1}");
  ck_assert_int_eq(json_integer_value(json_object_get(cand(&f, "Y"), "cost")), 500);
  rules_reset(&f);
  rules(&f, "[{'name':'i','sort':['inventory']}]");
  route(&f);
  ck_assert_str_eq(cand_order(&f), "Y X Z");
  rules_reset(&f);
  rules(&f, "[{'name':'d','sort':['days','cost']}]");
  route(&f);
  ck_assert_str_eq(cand_order(&f), "Y Z X");
  ck_assert_int_eq(json_integer_value(json_object_get(cand(&f, "X"), "days")), 3);
  fx_done(&f);
}
END_TEST

START_TEST(sort_supplier_cost_and_days)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 2);
  line(&f, "B", 1);
  sup(&f, "S1", 1, "A:5@1000/3 B:5@200/6");   /* cost 2*1000+200 = 2200, days 1+6 = 7 */
  sup(&f, "S2", 4, "A:1@100/1");              /* takes 1 of A: cost 100, days 4+1 = 5 */
  rules(&f, "[{'name':'s','sort':['cost'],'dropship':'fallback'}]");
  ROUTES_TO(&f, "S2=A:1 S1=A:1,B:1");
  ck_assert_str_eq(cand_order(&f), "S2 S1");
  ck_assert_int_eq(json_integer_value(json_object_get(cand(&f, "S1"), "cost")), 2200);
  ck_assert_int_eq(json_integer_value(json_object_get(cand(&f, "S1"), "days")), 7);
  ck_assert_int_eq(json_integer_value(json_object_get(cand(&f, "S2"), "cost")), 100);
  ck_assert_int_eq(json_integer_value(json_object_get(cand(&f, "S2"), "days")), 5);
  ck_assert_int_eq(json_integer_value(json_object_get(cand(&f, "S2"), "priority")), 0);
  fx_done(&f);
}
END_TEST

/* ---- split modes ---- */

START_TEST(split_allow_splits_a_line)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 5);
  line(&f, "B", 1);
  loc(&f, "W1", 1, "A:3");
  loc(&f, "W2", 2, "A:1 B:1");
  loc(&f, "W3", 3, "A:9");
  ROUTES_TO(&f, "W1=A:3 W2=A:1,B:1 W3=A:1");
  ck_assert_str_eq(f.plan.rule, "default");
  fx_done(&f);
}
END_TEST

START_TEST(split_allow_max_shipments)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 5);
  line(&f, "B", 1);
  loc(&f, "W1", 1, "A:3");
  loc(&f, "W2", 2, "A:1 B:1");
  loc(&f, "W3", 3, "A:9");
  rules(&f, "[{'name':'two','max_shipments':2}]");
  ROUTES_TO(&f, "W1=A:3 W2=A:1,B:1 | A:1 (max_shipments reached)");
  rules_reset(&f);
  rules(&f, "[{'name':'one','max_shipments':1}]");
  ROUTES_TO(&f, "W1=A:3 | A:2 (max_shipments reached) | B:1 (max_shipments reached)");
  fx_done(&f);
}
END_TEST

START_TEST(split_avoid_single_source)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 2);
  line(&f, "B", 2);
  loc(&f, "W1", 1, "A:2");
  loc(&f, "W2", 2, "B:2");
  loc(&f, "W3", 3, "A:2 B:1");
  loc(&f, "W4", 4, "A:5 B:5");
  loc(&f, "W5", 5, "A:5 B:5");
  rules(&f, "[{'name':'one','split':'avoid'}]");
  ROUTES_TO(&f, "W4=A:2,B:2"); /* the best single source that takes all */
  rules_fail("[{'name':'x','split':'avoid','max_shipments':0}]", "rules[0].max_shipments",
             "must be between 1 and 1000");
  fx_done(&f);
}
END_TEST

START_TEST(split_avoid_fewest_shipments)
{
  /* The set-cover trap: W1 holds the most lines, so both "best source
   * first" and "most lines first" take W1 and then need W2 and W3 for E
   * and F: three shipments. W2 + W3 alone cover everything: two. */
  struct fx f;
  fx_init(&f);
  const char *skus[] = {"A", "B", "C", "D", "E", "F"};
  for (int i = 0; i < 6; i++)
    line(&f, skus[i], 1);
  loc(&f, "W1", 1, "A:1 B:1 C:1 D:1");
  loc(&f, "W2", 2, "A:1 B:1 E:1");
  loc(&f, "W3", 3, "C:1 D:1 F:1");
  rules(&f, "[{'name':'greedy','split':'allow'}]");
  ROUTES_TO(&f, "W1=A:1,B:1,C:1,D:1 W2=E:1 W3=F:1");
  rules_reset(&f);
  rules(&f, "[{'name':'avoid','split':'avoid'}]");
  ROUTES_TO(&f, "W2=A:1,B:1,E:1 W3=C:1,D:1,F:1");
  fx_done(&f);
}
END_TEST

START_TEST(split_avoid_ties_by_rank)
{
  /* {W1,W4} and {W2,W3} both take everything in two: W1 is the better
   * rank, so its pair wins; lines go whole to the first source able. */
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  line(&f, "B", 1);
  line(&f, "C", 1);
  loc(&f, "W1", 1, "A:1");
  loc(&f, "W2", 2, "A:1 B:1");
  loc(&f, "W3", 3, "C:1");
  loc(&f, "W4", 4, "B:1 C:1");
  rules(&f, "[{'name':'avoid','split':'avoid'}]");
  ROUTES_TO(&f, "W1=A:1 W4=B:1,C:1");
  /* with W1 gone: {W2,W3} beats {W2,W4} and {W3,...}: W2 takes A and B whole */
  f.src[0].active = false;
  ROUTES_TO(&f, "W2=A:1,B:1 W3=C:1");
  fx_done(&f);
}
END_TEST

START_TEST(split_avoid_splits_only_when_needed)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 10);
  line(&f, "B", 1);
  loc(&f, "W1", 1, "A:6 B:1");
  loc(&f, "W2", 2, "A:4");
  loc(&f, "W3", 3, "A:3");
  rules(&f, "[{'name':'avoid','split':'avoid'}]");
  ROUTES_TO(&f, "W1=A:6,B:1 W2=A:4"); /* no one holds 10 A: split over two */
  /* max_shipments caps the sources: the best the cap allows */
  rules_reset(&f);
  rules(&f, "[{'name':'avoid1','split':'avoid','max_shipments':1}]");
  ROUTES_TO(&f, "W1=A:6,B:1 | A:4 (max_shipments reached)");
  fx_done(&f);
}
END_TEST

START_TEST(split_avoid_short_stock)
{
  /* nothing can take all of A: the fewest sources that take what can be had */
  struct fx f;
  fx_init(&f);
  line(&f, "A", 10);
  line(&f, "B", 2);
  loc(&f, "W1", 1, "A:2");
  loc(&f, "W2", 2, "A:3 B:2");
  loc(&f, "W3", 3, "B:2");
  rules(&f, "[{'name':'avoid','split':'avoid'}]");
  ROUTES_TO(&f, "W1=A:2 W2=A:3,B:2 | A:5 (insufficient stock)");
  fx_done(&f);
}
END_TEST

START_TEST(split_never)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 2);
  line(&f, "B", 1);
  loc(&f, "W1", 1, "A:2");
  loc(&f, "W2", 2, "B:1");
  rules(&f, "[{'name':'whole','split':'never','dropship':'never'}]");
  ROUTES_TO(&f, "| A:2 (split not allowed) | B:1 (split not allowed)");
  ck_assert_str_eq(f.plan.rule, "whole");
  ck_assert(!f.plan.backorder);
  loc(&f, "W3", 3, "A:2 B:1");
  ROUTES_TO(&f, "W3=A:2,B:1");
  /* a line no one stocks says so */
  line(&f, "Z", 1);
  ROUTES_TO(&f, "| A:2 (split not allowed) | B:1 (split not allowed) | Z:1 (no source with stock)");
  fx_done(&f);
}
END_TEST

/* ---- drop-ship modes ---- */

START_TEST(dropship_never)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  sup(&f, "S1", 1, "A:5@100/1");
  rules(&f, "[{'name':'stock-only','dropship':'never'}]");
  ROUTES_TO(&f, "| A:1 (no source with stock)");
  rejected(&f, "S1", "dropship: never");
  fx_done(&f);
}
END_TEST

START_TEST(dropship_fallback)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 3);
  line(&f, "B", 1);
  sup(&f, "S1", 0, "A:9@100/1 B:9@100/1"); /* cheap and ranked first on priority 0 ... */
  loc(&f, "W1", 5, "A:2");
  ROUTES_TO(&f, "W1=A:2 S1=A:1,B:1");      /* ... yet takes only what stock cannot */
  ck_assert_str_eq(cand_order(&f), "W1 S1"); /* locations first in fallback */
  assert_json(json_object_get(cand(&f, "S1"), "given"), "{'A':1,'B':1}");
  /* inactive suppliers are not asked */
  f.src[0].active = false;
  ROUTES_TO(&f, "W1=A:2 | A:1 (insufficient stock) | B:1 (no source with stock)");
  rejected(&f, "S1", "inactive");
  fx_done(&f);
}
END_TEST

START_TEST(dropship_fallback_never_and_avoid)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  line(&f, "B", 1);
  loc(&f, "W1", 1, "A:1");
  sup(&f, "S1", 0, "A:1@100/1 B:1@100/1");
  /* never: no single location, so a single supplier takes it all */
  rules(&f, "[{'name':'n','split':'never'}]");
  ROUTES_TO(&f, "S1=A:1,B:1");
  rules_reset(&f);
  /* avoid: locations first (W1 takes A), then the fewest suppliers */
  rules(&f, "[{'name':'a','split':'avoid'}]");
  ROUTES_TO(&f, "W1=A:1 S1=B:1");
  fx_done(&f);
}
END_TEST

START_TEST(dropship_prefer_cheapest)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 2);
  struct eng_source *w = loc(&f, "W1", 1, "A:5");
  w->cost_per_shipment = 900;
  sup(&f, "S1", 3, "A:5@400/2"); /* 2 x 400 = 800 < 900 */
  sup(&f, "S2", 1, "A:5@500/1"); /* 1000 */
  rules(&f, "[{'name':'cheap','dropship':'prefer_cheapest'}]");
  ROUTES_TO(&f, "S1=A:2");
  ck_assert_str_eq(cand_order(&f), "S1 W1 S2");
  w->cost_per_shipment = 700;
  ROUTES_TO(&f, "W1=A:2");
  /* equal cost: the rule's sort decides (priority: suppliers count 0) */
  w->cost_per_shipment = 800;
  ROUTES_TO(&f, "S1=A:2");
  fx_done(&f);
}
END_TEST

START_TEST(dropship_prefer_fastest)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  line(&f, "B", 1);
  struct eng_source *w = loc(&f, "W1", 1, "A:5 B:5");
  w->days = 4;
  sup(&f, "S1", 1, "A:5@100/1 B:5@100/2"); /* 1 + max(1,2) = 3 days */
  sup(&f, "S2", 0, "A:5@100/5");           /* 0 + 5 = 5 days */
  rules(&f, "[{'name':'fast','dropship':'prefer_fastest'}]");
  ROUTES_TO(&f, "S1=A:1,B:1");
  ck_assert_str_eq(cand_order(&f), "S1 W1 S2");
  w->days = 2;
  ROUTES_TO(&f, "W1=A:1,B:1");
  fx_done(&f);
}
END_TEST

/* ---- the waterfall ---- */

START_TEST(waterfall_fallthrough)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 3);
  line(&f, "B", 1);
  loc(&f, "STORE1", 1, "A:1")->is_store = true;
  loc(&f, "WH1", 2, "A:9 B:9");
  rules(&f, "[{'name':'express','when':{'ship_method':'express'}},"
            "{'name':'stores','filters':{'location_types':['store']},'dropship':'never'},"
            "{'name':'pos-only','when':{'channel':'pos'}},"
            "{'name':'warehouses','filters':{'location_types':['warehouse']},'split':'never','backorder':true}]");
  ROUTES_TO(&f, "STORE1=A:1 WH1=A:2,B:1");
  ck_assert_str_eq(f.plan.rule, "stores");
  ck_assert_uint_eq(f.plan.n_rules_tried, 2);
  ck_assert_str_eq(f.plan.rules_tried[1], "warehouses");
  ck_assert(f.plan.backorder);
  assert_json(json_object_get(f.explanation, "rules_tried"), "['stores','warehouses']");
  /* the candidates are the first rule's view */
  rejected(&f, "WH1", "filtered: location_type");
  fx_done(&f);
}
END_TEST

START_TEST(waterfall_no_fallthrough)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 3);
  loc(&f, "STORE1", 1, "A:1")->is_store = true;
  loc(&f, "WH1", 2, "A:9");
  rules(&f, "[{'name':'stores','filters':{'location_types':['store']},'fallthrough':false,'backorder':true},"
            "{'name':'warehouses'}]");
  ROUTES_TO(&f, "STORE1=A:1 | A:2 (insufficient stock)");
  ck_assert_uint_eq(f.plan.n_rules_tried, 1);
  ck_assert(f.plan.backorder);
  fx_done(&f);
}
END_TEST

START_TEST(waterfall_merges_a_source)
{
  /* the same source used by two rules is one shipment */
  struct fx f;
  fx_init(&f);
  line(&f, "A", 2);
  line(&f, "B", 1);
  loc(&f, "WH1", 1, "A:1 B:1");
  loc(&f, "WH2", 2, "A:9");
  rules(&f, "[{'name':'one','max_shipments':1},{'name':'rest'}]");
  ROUTES_TO(&f, "WH1=A:1,B:1 WH2=A:1");
  ck_assert_uint_eq(f.plan.n_rules_tried, 2);
  rules_reset(&f);
  line(&f, "A", 1); /* a second line of A: the units are shared and counted down */
  rules(&f, "[{'name':'one','max_shipments':1},{'name':'rest'}]");
  ROUTES_TO(&f, "WH1=A:1,B:1 WH2=A:1,A:1");
  fx_done(&f);
}
END_TEST

START_TEST(waterfall_matching)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  loc(&f, "WH1", 1, "A:9");
  rules(&f, "[{'name':'ca','when':{'country':['CA','MX']}},"
            "{'name':'web-express','when':{'channel':['web'],'ship_method':'express'}},"
            "{'name':'web','when':{'channel':'web','country':'US'}}]");
  route(&f);
  ck_assert_str_eq(f.plan.rule, "web");
  f.order.ship_method = "express";
  route(&f);
  ck_assert_str_eq(f.plan.rule, "web-express");
  f.order.country = "mx"; /* countries compare without case */
  route(&f);
  ck_assert_str_eq(f.plan.rule, "ca");
  /* a NULL order field matches no condition on it: nothing matches, default */
  f.order.country = NULL;
  f.order.ship_method = NULL;
  route(&f);
  ck_assert_str_eq(f.plan.rule, "default");
  assert_json(json_object_get(f.explanation, "rules_tried"), "['default']");
  ck_assert(!f.plan.backorder);
  fx_done(&f);
}
END_TEST

START_TEST(default_rule_only_when_nothing_matches)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 2);
  loc(&f, "WH1", 1, "A:1");
  loc(&f, "WH2", 2, "A:1");
  /* a matching rule that sources nothing does not fall to the default */
  rules(&f, "[{'name':'wh2-out','filters':{'exclude':['WH1','WH2']},'backorder':true}]");
  ROUTES_TO(&f, "| A:2 (no source with stock)");
  ck_assert_uint_eq(f.plan.n_rules_tried, 1);
  ck_assert(f.plan.backorder);
  fx_done(&f);
}
END_TEST

/* ---- impossible orders, determinism, the explanation ---- */

START_TEST(impossible_orders)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 2);
  line(&f, "B", 1);
  ROUTES_TO(&f, "| A:2 (no source with stock) | B:1 (no source with stock)");
  assert_json(json_object_get(f.explanation, "candidates"), "[]");
  loc(&f, "WH1", 1, "A:1")->active = false;
  ROUTES_TO(&f, "| A:2 (no source with stock) | B:1 (no source with stock)");
  loc(&f, "WH2", 1, "A:1");
  ROUTES_TO(&f, "WH2=A:1 | A:1 (insufficient stock) | B:1 (no source with stock)");

  struct eng_plan p;
  struct eng_order empty = {0};
  ck_assert_int_eq(eng_route(NULL, &empty, f.src, f.n, &p), -1);
  ck_assert_ptr_null(p.explanation);
  f.lines[0].quantity = 0;
  ck_assert_int_eq(eng_route(NULL, &f.order, f.src, f.n, &p), -1);
  fx_done(&f);
}
END_TEST

START_TEST(determinism)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 3);
  line(&f, "B", 2);
  line(&f, "A", 1);
  at(loc(&f, "W1", 1, "A:2 B:1"), 40, -75);
  at(loc(&f, "W2", 1, "A:2 B:1"), 40, -75); /* identical but for the code */
  loc(&f, "W3", 1, "A:1 B:2");
  sup(&f, "S1", 2, "A:9@100/2");
  rules(&f, "[{'name':'a','split':'avoid','sort':['distance','inventory']}]");
  route(&f);
  char *one = json_dumps(f.explanation, JSON_COMPACT | JSON_REAL_PRECISION(15));
  char *plan1 = strdup(plan_text(&f));
  route(&f);
  char *two = json_dumps(f.explanation, JSON_COMPACT | JSON_REAL_PRECISION(15));
  ck_assert_str_eq(one, two);
  ck_assert_str_eq(plan1, plan_text(&f));
  free(one);
  free(two);
  free(plan1);
  /* without the explanation: the same plan, no JSON */
  f.order.no_explanation = true;
  char *plan2 = strdup(route(&f));
  ck_assert_ptr_null(f.plan.explanation);
  f.order.no_explanation = false;
  ck_assert_str_eq(plan2, route(&f));
  free(plan2);
  fx_done(&f);
}
END_TEST

START_TEST(explanation_shape)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 3);
  line(&f, "B", 1);
  line(&f, "C", 1);
  struct eng_source *w = loc(&f, "WH1", 10, "A:2 B:5");
  at(w, 40.7128, -74.0060);
  w->cost_per_shipment = 500;
  loc(&f, "FAR", 1, "A:9")->active = false;
  sup(&f, "SUP1", 1, "A:4@1200/3");
  ROUTES_TO(&f, "WH1=A:2,B:1 SUP1=A:1 | C:1 (no source with stock)");
  assert_json(f.explanation,
              "{'rule':'default','rules_tried':['default'],"
              "'plan':[{'source_type':'location','source':'WH1','lines':[{'sku':'A','quantity':2},{'sku':'B','quantity':1}]},"
              "{'source_type':'supplier','source':'SUP1','lines':[{'sku':'A','quantity':1}]}],"
              "'unsourced':[{'sku':'C','quantity':1,'reason':'no source with stock'}],"
              "'candidates':["
              "{'source_type':'location','source':'FAR','priority':1,'distance_km':null,'cost':0,'days':2,"
              "'available':{'A':9,'B':0,'C':0},'rejected':'inactive','given':{}},"
              "{'source_type':'location','source':'WH1','priority':10,'distance_km':0.0,'cost':500,'days':2,"
              "'available':{'A':2,'B':5,'C':0},'rejected':null,'given':{'A':2,'B':1}},"
              "{'source_type':'supplier','source':'SUP1','priority':0,'distance_km':null,'cost':3600,'days':4,"
              "'available':{'A':4,'B':0,'C':0},'rejected':null,'given':{'A':1}}]}");
  fx_done(&f);
}
END_TEST

START_TEST(backorder_flag)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 5);
  loc(&f, "WH1", 1, "A:1");
  rules(&f, "[{'name':'bo','backorder':true}]");
  ROUTES_TO(&f, "WH1=A:1 | A:4 (insufficient stock)");
  ck_assert(f.plan.backorder);
  rules_reset(&f);
  rules(&f, "[{'name':'first','backorder':true,'filters':{'exclude':['WH1']}},{'name':'last','backorder':false}]");
  ROUTES_TO(&f, "WH1=A:1 | A:4 (insufficient stock)");
  ck_assert(!f.plan.backorder); /* the last rule tried decides */
  fx_done(&f);
}
END_TEST

/* ---- properties on random small worlds ---- */

static unsigned long long prng = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
  prng ^= prng << 13;
  prng ^= prng >> 7;
  prng ^= prng << 17;
  return (unsigned)(prng % n);
}

/* Fills f with n locations (priority = index, so rank = index) and nl
 * lines over skus A..D (a sku may repeat), stock 0..3 and quantities 1..3. */
static void random_world(struct fx *f, size_t n, size_t nl)
{
  static const char *const skus[] = {"A", "B", "C", "D"};
  static const char *const codes[] = {"L0", "L1", "L2", "L3", "L4", "L5", "L6", "L7"};
  char stock[64];
  fx_init(f);
  for (size_t l = 0; l < nl; l++)
    line(f, skus[rnd(4)], 1 + rnd(3));
  for (size_t c = 0; c < n; c++) {
    size_t o = 0;
    stock[0] = '\0';
    for (size_t k = 0; k < 4; k++)
      o += (size_t)snprintf(stock + o, sizeof stock - o, "%s:%u ", skus[k], rnd(3) == 0 ? 0 : rnd(4));
    loc(f, codes[c], (int)c, stock);
  }
}

/* Units of each sku the order wants and each source holds. */
static long long sku_units(struct fx *f, size_t c, const char *sku)
{
  for (size_t k = 0; k < f->stock[c].n; k++)
    if (strcmp(f->stock[c].sku[k], sku) == 0)
      return f->stock[c].qty[k];
  return 0;
}

/* Every plan: no source gives more of a sku than it holds, no line gets
 * more than it asked, sourced + unsourced = asked, one shipment per source. */
static void check_plan_invariants(struct fx *f, int max_ships, bool one)
{
  struct eng_plan *p = &f->plan;
  long long got[MAXL] = {0};
  ck_assert(max_ships == 0 || p->n_shipments <= (size_t)max_ships);
  ck_assert(!one || p->n_shipments <= 1);
  for (size_t i = 0; i < p->n_shipments; i++) {
    size_t c = p->shipments[i].source;
    for (size_t j = 0; j < i; j++)
      ck_assert_uint_ne(p->shipments[j].source, c);
    for (size_t j = 0; j < p->shipments[i].n_allocs; j++) {
      const struct eng_alloc *a = &p->shipments[i].allocs[j];
      ck_assert_int_gt(a->quantity, 0);
      got[a->line] += a->quantity;
      long long given = 0;
      for (size_t k = 0; k < p->shipments[i].n_allocs; k++)
        if (strcmp(f->lines[p->shipments[i].allocs[k].line].sku, f->lines[a->line].sku) == 0)
          given += p->shipments[i].allocs[k].quantity;
      ck_assert_int_le(given, sku_units(f, c, f->lines[a->line].sku));
    }
  }
  for (size_t i = 0; i < p->n_unsourced; i++)
    got[p->unsourced[i].line] += p->unsourced[i].quantity;
  for (size_t l = 0; l < f->order.n_lines; l++)
    ck_assert_int_eq(got[l], f->lines[l].quantity);
}

/* Brute force of split "avoid": over every set of at most m sources, the
 * most units, then the fewest sources, then the lexicographically first
 * ranks. Returns the set as a bit mask and its coverage. */
static unsigned brute_avoid(struct fx *f, size_t n, size_t m, long long *best_cov)
{
  const char *skus[MAXL];
  long long dem[MAXL];
  size_t G = 0;
  for (size_t l = 0; l < f->order.n_lines; l++) {
    size_t g;
    for (g = 0; g < G && strcmp(skus[g], f->lines[l].sku) != 0; g++)
      ;
    if (g == G) {
      skus[G] = f->lines[l].sku;
      dem[G++] = 0;
    }
    dem[g] += f->lines[l].quantity;
  }
  unsigned best = 0;
  size_t best_n = 0;
  *best_cov = 0;
  for (unsigned s = 1; s < (1u << n); s++) {
    size_t k = (size_t)__builtin_popcount(s);
    if (k > m)
      continue;
    long long cov = 0;
    for (size_t g = 0; g < G; g++) {
      long long cap = 0;
      for (size_t c = 0; c < n; c++)
        if (s & (1u << c))
          cap += sku_units(f, c, skus[g]);
      cov += cap < dem[g] ? cap : dem[g];
    }
    bool better = cov > *best_cov || (cov == *best_cov && cov > 0 && k < best_n);
    if (!better && cov == *best_cov && cov > 0 && k == best_n) {
      /* same size: compare the sorted ranks lexicographically */
      unsigned x = s ^ best, low = x & -x;
      better = (s & low) != 0;
    }
    if (better) {
      best = s;
      best_n = k;
      *best_cov = cov;
    }
  }
  return best;
}

START_TEST(avoid_matches_brute_force)
{
  for (int round = 0; round < 400; round++) {
    struct fx f;
    size_t n = 2 + rnd(7), nl = 1 + rnd(5), m = rnd(3) == 0 ? 1 + rnd(3) : 0;
    random_world(&f, n, nl);
    char text[160];
    snprintf(text, sizeof text, "[{'name':'a','split':'avoid','sort':['priority'],'dropship':'never'%s%s}]",
             m ? ",'max_shipments':" : "", m ? (m == 1 ? "1" : m == 2 ? "2" : "3") : "");
    rules(&f, text);
    route(&f);
    check_plan_invariants(&f, (int)m, false);
    long long want_cov, cov = 0;
    unsigned want = brute_avoid(&f, n, m ? m : n, &want_cov), got = 0;
    for (size_t i = 0; i < f.plan.n_shipments; i++) {
      got |= 1u << f.plan.shipments[i].source;
      for (size_t j = 0; j < f.plan.shipments[i].n_allocs; j++)
        cov += f.plan.shipments[i].allocs[j].quantity;
    }
    ck_assert_msg(got == want && cov == want_cov, "round %d: got sources %#x (%lld units), want %#x (%lld units)",
                  round, got, cov, want, want_cov);
    fx_done(&f);
  }
}
END_TEST

START_TEST(modes_keep_invariants)
{
  static const char *const modes[] = {
      "[{'name':'a','split':'allow','sort':['inventory','priority']}]",
      "[{'name':'a','split':'allow','max_shipments':2,'sort':['priority']}]",
      "[{'name':'a','split':'never','sort':['priority']}]",
      "[{'name':'a','split':'avoid','sort':['inventory']},{'name':'b','split':'allow'}]",
  };
  for (int round = 0; round < 200; round++) {
    for (size_t k = 0; k < 4; k++) {
      struct fx f;
      prng += (unsigned long long)round; /* a fresh world per mode */
      random_world(&f, 2 + rnd(7), 1 + rnd(6));
      rules(&f, modes[k]);
      route(&f);
      check_plan_invariants(&f, k == 1 ? 2 : 0, k == 2);
      fx_done(&f);
    }
  }
}
END_TEST

/* ---- branches the worked examples above do not reach ---- */

START_TEST(rules_when_and_type_entries)
{
  /* an entry of a when list must be a string */
  rules_fail("[{'name':'a','when':{'channel':['web',1]}}]", "rules[0].when.channel[1]", "must be a string");
  /* a location type that is not a string is reported once (by the field table) */
  rules_fail("[{'name':'a','filters':{'location_types':['store',1]}}]",
             "rules[0].filters.location_types[1]", "must be a string");
}
END_TEST

/* eng_rules_compile takes only normalised documents: anything else is -1. */
START_TEST(rules_compile_rejects_malformed)
{
  static const char *const bad[] = {
      "{'rules':5}",
      "[5]",
      "[{'name':5}]",
      "[{'name':'a','when':{'channel':[]}}]",
      "[{'name':'a','when':{'ship_method':[1]}}]",
      "[{'name':'a','when':{'country':5}}]",
      "[{'name':'a','filters':{'location_types':['depot']}}]",
      "[{'name':'a','filters':{'exclude':5}}]",
      "[{'name':'a','sort':'priority'}]",
      "[{'name':'a','sort':['priority','distance','cost','inventory','days','priority']}]",
      "[{'name':'a','sort':['speed']}]",
      "[{'name':'a','split':'sometimes'}]",
      "[{'name':'a','dropship':'always'}]",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct eng_rules r;
    json_t *j = jq(bad[i]);
    ck_assert_msg(eng_rules_compile(j, &r) == -1, "%s compiled", bad[i]);
    ck_assert_ptr_null(r.rules);
    json_decref(j);
  }
  /* {"rules":[...]} compiles like the bare array; an absent sort is the default */
  struct eng_rules r;
  json_t *j = jq("{'rules':[{'name':'a','max_shipments':2000000}]}");
  ck_assert_int_eq(eng_rules_compile(j, &r), 0);
  ck_assert_uint_eq(r.n, 1);
  ck_assert_uint_eq(r.rules[0].n_sort, 2);
  ck_assert_int_eq(r.rules[0].max_shipments, 1000000); /* capped */
  eng_rules_free(&r);
  json_decref(j);
}
END_TEST

/* Twenty candidates (more than one insertion-sorted run of the merge sort,
 * several levels of the heap), two lines split one unit per source (more
 * allocations than the first guess of their number). Priorities are a
 * permutation of the source indices: source i has priority 7i mod 20, so
 * the order is i = 3p mod 20. */
START_TEST(sort_many_candidates)
{
  static const char *const codes[] = {"S00", "S01", "S02", "S03", "S04", "S05", "S06",
                                      "S07", "S08", "S09", "S10", "S11", "S12", "S13",
                                      "S14", "S15", "S16", "S17", "S18", "S19"};
  const char *want_order = "S00 S03 S06 S09 S12 S15 S18 S01 S04 S07 S10 S13 S16 S19 S02 S05 S08 "
                           "S11 S14 S17";
  char want[512];
  size_t o = 0;
  struct fx f;
  fx_init(&f);
  line(&f, "A", 20);
  line(&f, "B", 20);
  for (int i = 0; i < 20; i++)
    loc(&f, codes[i], (7 * i) % 20, "A:1 B:1");
  for (int p = 0; p < 20; p++)
    o += (size_t)snprintf(want + o, sizeof want - o, "%s%s=A:1,B:1", p ? " " : "", codes[(3 * p) % 20]);
  rules(&f, "[{'name':'p','sort':['priority']}]");
  ROUTES_TO(&f, want); /* every source sorted (merge sort) for the explanation */
  ck_assert_str_eq(cand_order(&f), want_order);
  f.order.no_explanation = true;
  ROUTES_TO(&f, want); /* popped one by one from the heap */
  ck_assert_ptr_null(f.plan.explanation);
  fx_done(&f);
}
END_TEST

/* A supplier and a location with the same code and equal keys: the
 * location comes first, whatever their order in the input. */
START_TEST(sort_same_code_location_first)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  sup(&f, "X", 0, "A:1@0/0");
  loc(&f, "X", 0, "A:1");
  rules(&f, "[{'name':'c','dropship':'prefer_cheapest','sort':['priority']}]");
  ROUTES_TO(&f, "X=A:1");
  ck_assert_uint_eq(f.plan.shipments[0].source, 1);
  json_t *first = json_array_get(json_object_get(f.explanation, "candidates"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(first, "source_type")), "location");
  fx_done(&f);
}
END_TEST

START_TEST(filter_exclude_supplier)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  sup(&f, "SUP1", 1, "A:5@100/1");
  sup(&f, "SUP2", 1, "A:5@200/1");
  rules(&f, "[{'name':'x','filters':{'exclude':['SUP1']}}]");
  ROUTES_TO(&f, "SUP2=A:1");
  rejected(&f, "SUP1", "filtered: excluded");
  rejected(&f, "SUP2", NULL);
  fx_done(&f);
}
END_TEST

/* A pickup line under split "never" is taken whole or not at all; a store
 * that ships and takes a pickup line holds both in line order. */
START_TEST(pickup_never_and_line_order)
{
  struct fx f;
  fx_init(&f);
  line(&f, "A", 1);
  pickup_line(&f, "B", 3, "ST1");
  struct eng_source *st = loc(&f, "ST1", 1, "A:1 B:2");
  st->is_store = st->pickup = true;
  rules(&f, "[{'name':'n','split':'never'}]");
  ROUTES_TO(&f, "ST1=A:1 | B:3 (insufficient stock at pickup location)");
  rules_reset(&f);
  f.stock[0].qty[1] = 3; /* now it has the three: the pickup is taken first, listed second */
  rules(&f, "[{'name':'n','split':'never'}]");
  ROUTES_TO(&f, "ST1=A:1,B:3");
  fx_done(&f);
}
END_TEST

/* When the exact fewest-shipments search runs out of its work budget, the
 * greedy set is used. Here (24 locations, 8 skus, 2 of each wanted) the
 * smallest full cover has 6 sources -- brute force finds
 * L03 L04 L05 L08 L12 L18 first -- and the search gives up while proving
 * that no 5 do; the greedy set is 6 sources too (other ones). */
START_TEST(split_avoid_search_budget)
{
  static const char *const stock[24] = {
      "E:1 F:1", "E:1", "D:2", "H:2", "C:1 G:1", "B:2 D:1 F:1", "D:2", "A:1",
      "C:1", "", "A:2", "C:1", "A:2 D:2 F:2", "", "A:1", "C:1",
      "D:2 F:1 H:1", "A:1 E:1", "E:2 G:1", "B:1 D:2 H:2", "G:1", "C:1", "G:1", "D:1"};
  static const char *const codes[24] = {"L00", "L01", "L02", "L03", "L04", "L05", "L06", "L07",
                                        "L08", "L09", "L10", "L11", "L12", "L13", "L14", "L15",
                                        "L16", "L17", "L18", "L19", "L20", "L21", "L22", "L23"};
  static const char *const skus[8] = {"A", "B", "C", "D", "E", "F", "G", "H"};
  struct fx f;
  fx_init(&f);
  for (int k = 0; k < 8; k++)
    line(&f, skus[k], 2);
  for (int c = 0; c < 24; c++)
    loc(&f, codes[c], c, stock[c]);
  rules(&f, "[{'name':'a','split':'avoid','sort':['priority'],'dropship':'never'}]");
  const char *greedy = "L12=A:2,D:2,F:2 L05=B:2 L04=C:1,G:1 L08=C:1 L18=E:2,G:1 L19=H:2";
  ROUTES_TO(&f, greedy);
  check_plan_invariants(&f, 0, false);
  ck_assert_uint_eq(f.plan.n_shipments, 6);
  ck_assert_uint_eq(f.plan.n_unsourced, 0);
  f.order.no_explanation = true;
  ROUTES_TO(&f, greedy);
  fx_done(&f);
}
END_TEST

Suite *suite_routing(void)
{
  Suite *s = suite_create("routing");
  TCase *tc = tcase_create("rules");
  tcase_add_test(tc, distance_haversine);
  tcase_add_test(tc, rules_defaults);
  tcase_add_test(tc, rules_sort_errors);
  tcase_add_test(tc, rules_filter_errors);
  tcase_add_test(tc, rules_mode_errors);
  tcase_add_test(tc, rules_name_and_when_errors);
  tcase_add_test(tc, rules_collects_every_error);
  tcase_add_test(tc, rules_limit);
  tcase_add_test(tc, rules_compile);
  tcase_add_test(tc, rules_when_and_type_entries);
  tcase_add_test(tc, rules_compile_rejects_malformed);
  suite_add_tcase(s, tc);

  tc = tcase_create("route");
  tcase_add_test(tc, filter_location_types);
  tcase_add_test(tc, filter_max_distance);
  tcase_add_test(tc, filter_exclude_inactive_channel_ship);
  tcase_add_test(tc, filter_pickup);
  tcase_add_test(tc, filter_pickup_not_suppliers);
  tcase_add_test(tc, sort_priority_and_code);
  tcase_add_test(tc, sort_distance);
  tcase_add_test(tc, sort_cost_inventory_days);
  tcase_add_test(tc, sort_supplier_cost_and_days);
  tcase_add_test(tc, split_allow_splits_a_line);
  tcase_add_test(tc, split_allow_max_shipments);
  tcase_add_test(tc, split_avoid_single_source);
  tcase_add_test(tc, split_avoid_fewest_shipments);
  tcase_add_test(tc, split_avoid_ties_by_rank);
  tcase_add_test(tc, split_avoid_splits_only_when_needed);
  tcase_add_test(tc, split_avoid_short_stock);
  tcase_add_test(tc, split_never);
  tcase_add_test(tc, dropship_never);
  tcase_add_test(tc, dropship_fallback);
  tcase_add_test(tc, dropship_fallback_never_and_avoid);
  tcase_add_test(tc, dropship_prefer_cheapest);
  tcase_add_test(tc, dropship_prefer_fastest);
  tcase_add_test(tc, waterfall_fallthrough);
  tcase_add_test(tc, waterfall_no_fallthrough);
  tcase_add_test(tc, waterfall_merges_a_source);
  tcase_add_test(tc, waterfall_matching);
  tcase_add_test(tc, default_rule_only_when_nothing_matches);
  tcase_add_test(tc, impossible_orders);
  tcase_add_test(tc, determinism);
  tcase_add_test(tc, explanation_shape);
  tcase_add_test(tc, backorder_flag);
  tcase_add_test(tc, avoid_matches_brute_force);
  tcase_add_test(tc, modes_keep_invariants);
  tcase_add_test(tc, sort_many_candidates);
  tcase_add_test(tc, sort_same_code_location_first);
  tcase_add_test(tc, filter_exclude_supplier);
  tcase_add_test(tc, pickup_never_and_line_order);
  tcase_add_test(tc, split_avoid_search_budget);
  suite_add_tcase(s, tc);
  return s;
}
