/* routing.c: where each order line is fulfilled from (API.md "Routing",
 * docs/routing.md has the worked examples).
 *
 * Two halves: the routing-rules document (validated with a js_parse table
 * plus the checks a table cannot say, then compiled into struct eng_rules
 * that borrows its strings from the JSON), and eng_route(), the waterfall
 * of matching rules over the candidate sources the caller read from the
 * database. Pure and deterministic: no I/O, no clocks, no randomness; every
 * tie is broken by the source code. One scratch block per call, one block for
 * the plan, and the explanation when asked for. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/engine.h"

/* ======================================================================
 * The rules document
 * ====================================================================== */

#define RT_MAX_RULES 100
#define RT_MAX_WHEN 100 /* values per when condition */

/* Indexed by the enums of engine.h. */
static const char *const split_names[] = {"never", "avoid", "allow", NULL};
static const char *const dropship_names[] = {"never", "fallback", "prefer_cheapest",
                                             "prefer_fastest", NULL};
static const char *const sort_names[] = {"priority", "distance", "cost", "inventory", "days", NULL};
static const char *const type_names[] = {"warehouse", "store", NULL};
static const char *const method_names[] = {"standard", "express", NULL};
static const char *const when_names[] = {"channel", "ship_method", "country", NULL};

static const struct js_field when_spec[] = {
    {.name = "channel", .type = JS_ANY},
    {.name = "ship_method", .type = JS_ANY},
    {.name = "country", .type = JS_ANY},
    {.type = JS_END},
};

static const struct js_field filters_spec[] = {
    {.name = "location_types", .type = JS_STRINGS, .min = 1, .max = 64, .max_items = 10},
    {.name = "max_distance_km", .type = JS_ANY, .flags = JS_NULLABLE},
    {.name = "exclude", .type = JS_CODES, .max_items = 1000},
    {.type = JS_END},
};

static const struct js_field rule_spec[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_REQUIRED, .min = 1, .max = 64},
    {.name = "when", .type = JS_OBJECT, .sub = when_spec, .def = "{}"},
    {.name = "filters", .type = JS_OBJECT, .sub = filters_spec, .def = "{}"},
    {.name = "sort", .type = JS_ANY, .def = "[\"priority\",\"distance\"]"},
    {.name = "split", .type = JS_ENUM, .enums = split_names, .def = "\"allow\""},
    {.name = "max_shipments", .type = JS_INT, .flags = JS_NULLABLE, .min = 1, .max = 1000,
     .def = "null"},
    {.name = "dropship", .type = JS_ENUM, .enums = dropship_names, .def = "\"fallback\""},
    {.name = "backorder", .type = JS_BOOL, .def = "false"},
    {.name = "fallthrough", .type = JS_BOOL, .def = "true"},
    {.type = JS_END},
};

static int name_index(const char *const *names, const char *s)
{
  if (!s)
    return -1;
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], s) == 0)
      return i;
  return -1;
}

static bool country_valid(const char *s)
{
  return s && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] == '\0';
}

/* One value of a when condition: kind indexes when_names. */
static void when_one(json_t *v, const char *path, int kind, json_t *errors)
{
  const char *s = json_string_value(v);
  if (!s) {
    js_error(errors, path, "must be a string");
    return;
  }
  bool nul = strlen(s) != json_string_length(v);
  if (kind == 0 && (nul || !oms_code_valid(s)))
    js_error(errors, path, "must be a channel code (1-64 characters of A-Z a-z 0-9 . _ -)");
  else if (kind == 1 && (nul || name_index(method_names, s) < 0))
    js_error(errors, path, "must be one of standard, express");
  else if (kind == 2 && (nul || !country_valid(s)))
    js_error(errors, path, "must be a 2-letter upper-case country code");
}

/* A when condition is one accepted value or a non-empty list of them. */
static void when_value(json_t *v, const char *path, int kind, json_t *errors)
{
  char sub[640]; /* path (< 600) + "[index]" */
  size_t i;
  json_t *e;
  if (json_is_string(v)) {
    when_one(v, path, kind, errors);
    return;
  }
  if (!json_is_array(v)) {
    js_error(errors, path, "must be a string or an array of strings");
    return;
  }
  if (json_array_size(v) == 0 || json_array_size(v) > RT_MAX_WHEN) {
    js_error(errors, path, "must have 1 to 100 entries");
    return;
  }
  json_array_foreach(v, i, e)
  {
    snprintf(sub, sizeof sub, "%s[%zu]", path, i);
    when_one(e, sub, kind, errors);
  }
}

/* The checks of one rule that a field table cannot say. r is the rule as
 * the client sent it; fields of the wrong basic type were reported by
 * js_parse and are skipped here. */
static void rule_extra(json_t *r, const char *prefix, json_t *errors)
{
  char path[600], sub[640];
  const char *k;
  size_t i, j;
  json_t *v, *e;

  json_t *when = json_object_get(r, "when");
  if (json_is_object(when)) {
    /* an unknown condition silently dropped would match every order */
    json_object_foreach(when, k, v)
    {
      int kind = name_index(when_names, k);
      snprintf(path, sizeof path, "%s.when.%s", prefix, k);
      if (kind < 0)
        js_error(errors, path, "is not a known condition (channel, ship_method, country)");
      else if (!json_is_null(v))
        when_value(v, path, kind, errors);
    }
  }

  json_t *f = json_object_get(r, "filters");
  if (json_is_object(f)) {
    json_t *lt = json_object_get(f, "location_types");
    snprintf(path, sizeof path, "%s.filters.location_types", prefix);
    if (json_is_array(lt) && json_array_size(lt) == 0)
      js_error(errors, path, "must not be empty");
    else if (json_is_array(lt) && json_array_size(lt) <= 10) {
      json_array_foreach(lt, i, e)
      {
        if (!json_is_string(e))
          continue;
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        if (name_index(type_names, json_string_value(e)) < 0) {
          js_error(errors, sub, "must be one of warehouse, store");
          continue;
        }
        for (j = 0; j < i; j++)
          if (json_equal(e, json_array_get(lt, j))) {
            js_error(errors, sub, "is listed twice");
            break;
          }
      }
    }
    json_t *md = json_object_get(f, "max_distance_km");
    if (md && !json_is_null(md)) {
      double d = json_number_value(md);
      if (!json_is_number(md) || !isfinite(d) || d <= 0) {
        snprintf(path, sizeof path, "%s.filters.max_distance_km", prefix);
        js_error(errors, path, "must be a number > 0");
      }
    }
  }

  json_t *s = json_object_get(r, "sort");
  snprintf(path, sizeof path, "%s.sort", prefix);
  if (s && !json_is_null(s)) {
    if (!json_is_array(s))
      js_error(errors, path, "must be an array of sort keys (priority, distance, cost, inventory, days)");
    else if (json_array_size(s) == 0)
      js_error(errors, path, "must not be empty");
    else {
      json_array_foreach(s, i, e)
      {
        snprintf(sub, sizeof sub, "%s[%zu]", path, i);
        if (name_index(sort_names, json_string_value(e)) < 0) {
          js_error(errors, sub, "must be one of priority, distance, cost, inventory, days");
          continue;
        }
        for (j = 0; j < i; j++)
          if (json_equal(e, json_array_get(s, j))) {
            js_error(errors, sub, "is listed twice");
            break;
          }
      }
    }
  }
}

int eng_rules_parse(json_t *in, json_t **out, json_t *errors)
{
  char prefix[64], path[96], msg[96];
  size_t before = json_array_size(errors);
  json_t *arr = json_is_object(in) ? json_object_get(in, "rules") : in;

  *out = NULL;
  if (!json_is_array(arr)) {
    js_error(errors, json_is_object(in) ? "rules" : "body",
             "must be an array of rules (or {\"rules\":[...]})");
    return -1;
  }
  if (json_array_size(arr) > RT_MAX_RULES) {
    js_error(errors, "rules", "must have at most 100 entries");
    return -1;
  }
  json_t *res = json_array();
  size_t i;
  json_t *r;
  json_array_foreach(arr, i, r)
  {
    json_t *o = NULL;
    snprintf(prefix, sizeof prefix, "rules[%zu]", i);
    if (js_parse(rule_spec, r, prefix, &o, errors) == 0)
      json_array_append_new(res, o);
    if (!json_is_object(r))
      continue;
    rule_extra(r, prefix, errors);
    /* names identify rules in every explanation: they must be unique */
    json_t *name = json_object_get(r, "name");
    for (size_t j = 0; json_is_string(name) && j < i; j++)
      if (json_equal(name, json_object_get(json_array_get(arr, j), "name"))) {
        snprintf(path, sizeof path, "%s.name", prefix);
        snprintf(msg, sizeof msg, "must be unique (rules[%zu] has the same name)", j);
        js_error(errors, path, msg);
        break;
      }
  }
  if (json_array_size(errors) > before) {
    json_decref(res);
    return -1;
  }
  *out = res;
  return 0;
}

/* Reads a string-or-array condition into strs[*pos..]; absent or null is
 * "any" (NULL, 0). Returns -1 on a malformed value. */
static int compile_list(json_t *v, const char **strs, size_t *pos, const char *const **list,
                        size_t *n)
{
  *list = NULL;
  *n = 0;
  if (!v || json_is_null(v))
    return 0;
  if (json_is_string(v)) {
    *list = &strs[*pos];
    strs[(*pos)++] = json_string_value(v);
    *n = 1;
    return 0;
  }
  if (!json_is_array(v) || json_array_size(v) == 0)
    return -1;
  *list = &strs[*pos];
  for (size_t i = 0; i < json_array_size(v); i++) {
    const char *s = json_string_value(json_array_get(v, i));
    if (!s)
      return -1;
    strs[(*pos)++] = s;
  }
  *n = json_array_size(v);
  return 0;
}

static size_t count_list(json_t *v)
{
  return json_is_string(v) ? 1 : json_is_array(v) ? json_array_size(v) : 0;
}

void eng_rule_default(struct eng_rule *r)
{
  memset(r, 0, sizeof *r);
  r->name = "default";
  r->allow_warehouse = r->allow_store = true;
  r->max_distance_km = -1;
  r->sort[0] = ENG_SORT_PRIORITY;
  r->sort[1] = ENG_SORT_DISTANCE;
  r->n_sort = 2;
  r->split = ENG_SPLIT_ALLOW;
  r->max_shipments = 0;
  r->dropship = ENG_DS_FALLBACK;
  r->backorder = false;
  r->fallthrough = false;
}

static int compile_rule(json_t *j, struct eng_rule *r, const char **strs, size_t *pos)
{
  eng_rule_default(r);
  r->fallthrough = true;
  r->name = json_string_value(json_object_get(j, "name"));
  if (!r->name)
    return -1;
  json_t *when = json_object_get(j, "when");
  if (compile_list(json_object_get(when, "channel"), strs, pos, &r->channels, &r->n_channels) ||
      compile_list(json_object_get(when, "ship_method"), strs, pos, &r->ship_methods,
                   &r->n_ship_methods) ||
      compile_list(json_object_get(when, "country"), strs, pos, &r->countries, &r->n_countries))
    return -1;

  json_t *f = json_object_get(j, "filters");
  json_t *lt = json_object_get(f, "location_types");
  if (json_is_array(lt)) {
    r->allow_warehouse = r->allow_store = false;
    for (size_t i = 0; i < json_array_size(lt); i++) {
      int t = name_index(type_names, json_string_value(json_array_get(lt, i)));
      if (t < 0)
        return -1;
      if (t == 0)
        r->allow_warehouse = true;
      else
        r->allow_store = true;
    }
  }
  json_t *md = json_object_get(f, "max_distance_km");
  r->max_distance_km = json_is_number(md) ? json_number_value(md) : -1;
  if (compile_list(json_object_get(f, "exclude"), strs, pos, &r->exclude, &r->n_exclude))
    return -1;

  json_t *s = json_object_get(j, "sort");
  if (s) {
    if (!json_is_array(s) || json_array_size(s) > ENG_MAX_SORT)
      return -1;
    r->n_sort = json_array_size(s);
    for (size_t i = 0; i < r->n_sort; i++) {
      int k = name_index(sort_names, json_string_value(json_array_get(s, i)));
      if (k < 0)
        return -1;
      r->sort[i] = (enum eng_sort_key)k;
    }
  }
  json_t *v;
  if ((v = json_object_get(j, "split"))) {
    int k = name_index(split_names, json_string_value(v));
    if (k < 0)
      return -1;
    r->split = (enum eng_split)k;
  }
  v = json_object_get(j, "max_shipments");
  r->max_shipments = json_is_integer(v) && json_integer_value(v) > 0
                         ? (int)(json_integer_value(v) > 1000000 ? 1000000 : json_integer_value(v))
                         : 0;
  if ((v = json_object_get(j, "dropship"))) {
    int k = name_index(dropship_names, json_string_value(v));
    if (k < 0)
      return -1;
    r->dropship = (enum eng_dropship)k;
  }
  r->backorder = json_is_true(json_object_get(j, "backorder"));
  v = json_object_get(j, "fallthrough");
  r->fallthrough = v ? json_is_true(v) : true;
  return 0;
}

int eng_rules_compile(json_t *rules_json, struct eng_rules *out)
{
  json_t *arr = json_is_object(rules_json) ? json_object_get(rules_json, "rules") : rules_json;
  memset(out, 0, sizeof *out);
  if (!json_is_array(arr))
    return -1;
  size_t n = json_array_size(arr), nstr = 0;
  for (size_t i = 0; i < n; i++) {
    json_t *j = json_array_get(arr, i);
    if (!json_is_object(j))
      return -1;
    json_t *when = json_object_get(j, "when");
    nstr += count_list(json_object_get(when, "channel")) +
            count_list(json_object_get(when, "ship_method")) +
            count_list(json_object_get(when, "country")) +
            count_list(json_object_get(json_object_get(j, "filters"), "exclude"));
  }
  out->rules = oms_calloc(n ? n : 1, sizeof *out->rules);
  out->strs = oms_malloc((nstr ? nstr : 1) * sizeof *out->strs);
  if (!out->rules || !out->strs) {
    eng_rules_free(out);
    return -1;
  }
  size_t pos = 0;
  for (size_t i = 0; i < n; i++)
    if (compile_rule(json_array_get(arr, i), &out->rules[i], out->strs, &pos) != 0) {
      eng_rules_free(out);
      return -1;
    }
  out->n = n;
  return 0;
}

void eng_rules_free(struct eng_rules *r)
{
  if (!r)
    return;
  free(r->rules);
  free((void *)r->strs);
  memset(r, 0, sizeof *r);
}

/* ======================================================================
 * Distance
 * ====================================================================== */

#define RT_EARTH_KM 6371.0
#define RT_DEG (3.14159265358979323846 / 180.0)

/* The haversine term a = sin^2(dlat/2) + cos lat1 cos lat2 sin^2(dlon/2),
 * with cos lat1 precomputed: eng_route measures every source from one
 * order, and sorts and filters on a itself (distance grows with a), taking
 * the arc sine only for the explanation. */
static double hav_a(double lat1, double coslat1, double lon1, double lat2, double lon2)
{
  double s1 = sin((lat2 - lat1) * RT_DEG / 2), s2 = sin((lon2 - lon1) * RT_DEG / 2);
  double a = s1 * s1 + coslat1 * cos(lat2 * RT_DEG) * s2 * s2;
  return a > 1 ? 1 : a < 0 ? 0 : a;
}

static double hav_km(double a)
{
  return 2 * RT_EARTH_KM * asin(sqrt(a));
}

double eng_distance_km(double lat1, double lon1, double lat2, double lon2)
{
  return hav_km(hav_a(lat1, cos(lat1 * RT_DEG), lon1, lat2, lon2));
}

/* ======================================================================
 * Routing
 * ====================================================================== */

#define NK_MAX (1 + ENG_MAX_SORT) /* phase or preference, then the rule's sort */
#define NONE SIZE_MAX
/* Work (in group-sized steps) the avoid search may do before it settles
 * for the greedy answer: bounds the worst case on pathological inputs
 * (about 0.2 ms at 200 sources; realistic orders finish far below it). */
#define AVOID_BUDGET 200000L

struct rt_alloc {
  size_t src, line;
  long long qty;
};

/* The state of one eng_route call. Arrays live in one scratch block. */
struct rt {
  const struct eng_order *o;
  const struct eng_source *src;
  size_t n, L, G;
  bool explain;
  double coslat; /* of the order */

  /* per line */
  size_t *grp;      /* sku group of the line */
  long long *rem;   /* units still to source */
  size_t *pick;     /* pickup source, or NONE */
  const char **why; /* why the rest is unsourced (last rule that tried) */
  /* per sku group */
  size_t *gline;  /* first line of the group (its sku, its available) */
  long long *dem; /* ship units of the group still wanted, current rule */
  long long *dem0, *tot, *scr;
  long long ship_total;
  /* per source */
  long long *stock; /* n*G units left */
  double *hav;      /* haversine a; NAN: not measured yet; INFINITY: unknown */
  uint64_t *key;    /* n*NK_MAX sort keys of the current rule */
  size_t nk;
  bool need_inv, need_cd; /* the rule's keys use inventory / cost or days */
  double hav_max;   /* the rule's max_distance_km as a haversine a */
  /* the rule's candidates in sort order: ord[0..nord) sorted, the rest
   * still in the heap (see ord_at) */
  size_t *ord, nord, *heap, nheap, *tmp;
  bool heaped;
  unsigned char *used, *pk_ok;
  size_t nused;
  /* the first rule, for the explanation */
  const char **rej;
  long long *xcost, *xdays;
  size_t *xord;
  json_t **xobj, **xsku;
  const char **xskey;
  /* avoid search */
  size_t *aidx, *ridx, *cur, *best, *gsel;
  long long *e, *suf, *rowsuf, *delta, *need, *tgt, *col;
  unsigned char *mark;
  /* allocations, in the order they were made */
  struct rt_alloc *al;
  size_t nal, cap;
  bool oom;
};

struct arena {
  char *p;
  size_t off;
};

static void *carve(struct arena *a, size_t bytes)
{
  size_t o = (a->off + 15) & ~(size_t)15;
  a->off = o + bytes;
  return a->p ? a->p + o : NULL;
}

/* Lays the scratch arrays out in a (sizes only when a->p is NULL). */
static void layout(struct rt *t, struct arena *a)
{
  size_t n = t->n, L = t->L, G = t->G, nG = n * G;
  t->grp = carve(a, L * sizeof(size_t));
  t->rem = carve(a, L * sizeof(long long));
  t->pick = carve(a, L * sizeof(size_t));
  t->why = carve(a, L * sizeof(char *));
  t->gline = carve(a, G * sizeof(size_t));
  t->dem = carve(a, G * sizeof(long long));
  t->dem0 = carve(a, G * sizeof(long long));
  t->tot = carve(a, G * sizeof(long long));
  t->scr = carve(a, G * sizeof(long long));
  t->stock = carve(a, nG * sizeof(long long));
  t->hav = carve(a, n * sizeof(double));
  t->key = carve(a, n * NK_MAX * sizeof(uint64_t));
  t->ord = carve(a, n * sizeof(size_t));
  t->heap = carve(a, n * sizeof(size_t));
  t->tmp = carve(a, n * sizeof(size_t));
  t->used = carve(a, n);
  t->pk_ok = carve(a, n);
  if (t->explain) {
    t->rej = carve(a, n * sizeof(char *));
    t->xcost = carve(a, n * sizeof(long long));
    t->xdays = carve(a, n * sizeof(long long));
    t->xord = carve(a, n * sizeof(size_t));
    t->xobj = carve(a, n * sizeof(json_t *));
    t->xsku = carve(a, G * sizeof(json_t *));
    t->xskey = carve(a, G * sizeof(char *));
  }
  t->aidx = carve(a, G * sizeof(size_t));
  t->ridx = carve(a, n * sizeof(size_t));
  t->cur = carve(a, n * sizeof(size_t));
  t->best = carve(a, n * sizeof(size_t));
  t->gsel = carve(a, n * sizeof(size_t));
  t->e = carve(a, nG * sizeof(long long));
  t->suf = carve(a, (nG + G) * sizeof(long long));
  t->rowsuf = carve(a, (n + 1) * sizeof(long long));
  t->delta = carve(a, (nG + G) * sizeof(long long));
  t->need = carve(a, G * sizeof(long long));
  t->tgt = carve(a, G * sizeof(long long));
  t->col = carve(a, n * sizeof(long long));
  t->mark = carve(a, n);
}

static long long min_ll(long long a, long long b)
{
  return a < b ? a : b;
}

static long long sat_add(long long a, long long b)
{
  long long r;
  return __builtin_add_overflow(a, b, &r) ? LLONG_MAX : r;
}

static long long sat_mul(long long a, long long b)
{
  long long r;
  return __builtin_mul_overflow(a, b, &r) ? LLONG_MAX : r;
}

static bool is_supplier(const struct rt *t, size_t c)
{
  return t->src[c].type == ENG_SRC_SUPPLIER;
}

static double src_hav(struct rt *t, size_t c)
{
  if (isnan(t->hav[c])) {
    const struct eng_source *s = &t->src[c];
    bool ok = t->o->has_coords && s->has_coords && isfinite(s->lat) && isfinite(s->lon) &&
              isfinite(t->o->lat) && isfinite(t->o->lon);
    t->hav[c] = ok ? hav_a(t->o->lat, t->coslat, t->o->lon, s->lat, s->lon) : INFINITY;
  }
  return t->hav[c];
}

static void add_alloc(struct rt *t, size_t c, size_t l, long long q, bool ship)
{
  if (q <= 0)
    return;
  if (t->nal == t->cap) {
    size_t cap = t->cap * 2;
    struct rt_alloc *al = oms_realloc(t->al, cap * sizeof *al);
    if (!al) {
      t->oom = true;
      return;
    }
    t->al = al;
    t->cap = cap;
  }
  size_t g = t->grp[l];
  t->stock[c * t->G + g] -= q;
  t->rem[l] -= q;
  if (ship) {
    t->dem[g] -= q;
    if (!t->used[c]) {
      t->used[c] = 1;
      t->nused++;
    }
  }
  t->al[t->nal++] = (struct rt_alloc){.src = c, .line = l, .qty = q};
}

/* ---- the rule's view of a source ---- */

static bool rule_matches(const struct eng_rule *r, const struct eng_order *o)
{
  size_t i;
  if (r->n_channels) {
    for (i = 0; i < r->n_channels && !(o->channel && strcmp(o->channel, r->channels[i]) == 0); i++)
      ;
    if (i == r->n_channels)
      return false;
  }
  if (r->n_ship_methods) {
    for (i = 0; i < r->n_ship_methods &&
                !(o->ship_method && strcmp(o->ship_method, r->ship_methods[i]) == 0);
         i++)
      ;
    if (i == r->n_ship_methods)
      return false;
  }
  if (r->n_countries) {
    /* countries compare without case: "us" on an address is still US */
    for (i = 0; i < r->n_countries; i++) {
      const char *a = o->country, *b = r->countries[i];
      if (!a)
        continue;
      size_t k = 0;
      while (a[k] && b[k] && (a[k] | 0x20) == (b[k] | 0x20))
        k++;
      if (!a[k] && !b[k])
        break;
    }
    if (i == r->n_countries)
      return false;
  }
  return true;
}

static bool excluded(const struct eng_rule *r, const char *code)
{
  for (size_t i = 0; i < r->n_exclude; i++)
    if (code && strcmp(code, r->exclude[i]) == 0)
      return true;
  return false;
}

/* Why source c cannot take ship lines under rule r, or NULL when it can. */
static const char *ship_reject(struct rt *t, const struct eng_rule *r, size_t c)
{
  const struct eng_source *s = &t->src[c];
  if (s->type == ENG_SRC_SUPPLIER) {
    if (r->dropship == ENG_DS_NEVER)
      return "dropship: never";
    if (!s->active)
      return "inactive";
    if (excluded(r, s->code))
      return "filtered: excluded";
  } else {
    if (!s->active)
      return "inactive";
    if (!s->in_channel)
      return "not in channel";
    if (!s->ship)
      return "cannot ship";
    if (s->is_store ? !r->allow_store : !r->allow_warehouse)
      return "filtered: location_type";
    if (excluded(r, s->code))
      return "filtered: excluded";
    if (r->max_distance_km >= 0) {
      double h = src_hav(t, c);
      if (isfinite(h) && h > t->hav_max)
        return "filtered: max_distance_km";
    }
  }
  if (t->ship_total == 0)
    return "no ship lines";
  const long long *st = t->stock + c * t->G;
  for (size_t g = 0; g < t->G; g++)
    if (t->dem[g] > 0 && st[g] > 0)
      return NULL;
  return "no stock";
}

/* Cost, days and inventory of source c for the ship units still wanted.
 * A supplier's cost is what it would be paid for what it can take (units
 * of one sku counted down over the lines of that sku), its days its lead
 * time plus the slowest item it would ship. */
static void src_values(struct rt *t, size_t c, long long *cost, long long *days, long long *inv)
{
  const struct eng_source *s = &t->src[c];
  const long long *st = t->stock + c * t->G;
  long long v = 0;
  for (size_t g = 0; t->need_inv && g < t->G; g++)
    v += min_ll(st[g], t->dem[g]);
  *inv = v;
  if (s->type != ENG_SRC_SUPPLIER || !t->need_cd) {
    *cost = s->cost_per_shipment;
    *days = s->days;
    return;
  }
  long long *left = t->scr, sum = 0;
  int maxd = 0;
  memcpy(left, st, t->G * sizeof *left);
  for (size_t l = 0; l < t->L; l++) {
    if (t->o->lines[l].pickup || t->rem[l] <= 0)
      continue;
    size_t g = t->grp[l];
    long long take = min_ll(left[g], t->rem[l]);
    if (take <= 0)
      continue;
    left[g] -= take;
    long long uc = s->unit_cost && s->unit_cost[l] > 0 ? s->unit_cost[l] : 0;
    sum = sat_add(sum, sat_mul(uc, take));
    if (s->item_days && s->item_days[l] > maxd)
      maxd = s->item_days[l];
  }
  *cost = sum;
  *days = (long long)s->days + maxd;
}

static uint64_t enc_ll(long long v)
{
  return (uint64_t)v ^ 0x8000000000000000ULL;
}

/* Non-negative doubles order like their bit patterns; unknown sorts last.
 * (The distance key is the haversine a, which grows with the distance.) */
static uint64_t enc_dist(double d)
{
  uint64_t u;
  if (!(d > 0))
    return d == 0 ? 0 : UINT64_MAX;
  if (isinf(d))
    return UINT64_MAX;
  memcpy(&u, &d, sizeof u);
  return u;
}

/* Fills the sort keys of source c under rule r: first the drop-ship
 * preference (cost or days) or, in the other modes, locations before
 * suppliers; then the rule's sort keys. Ties go to the code (cmp_src). */
static void make_key(struct rt *t, const struct eng_rule *r, size_t c, bool first)
{
  const struct eng_source *s = &t->src[c];
  long long cost, days, inv;
  src_values(t, c, &cost, &days, &inv);
  if (first && t->explain) {
    t->xcost[c] = cost;
    t->xdays[c] = days;
  }
  uint64_t *k = t->key + c * NK_MAX;
  size_t i = 0;
  if (r->dropship == ENG_DS_PREFER_CHEAPEST)
    k[i++] = enc_ll(cost);
  else if (r->dropship == ENG_DS_PREFER_FASTEST)
    k[i++] = enc_ll(days);
  else
    k[i++] = s->type == ENG_SRC_SUPPLIER;
  for (size_t j = 0; j < r->n_sort && j < ENG_MAX_SORT; j++) {
    switch (r->sort[j]) {
    case ENG_SORT_PRIORITY:
      k[i++] = enc_ll(s->type == ENG_SRC_SUPPLIER ? 0 : s->priority);
      break;
    case ENG_SORT_DISTANCE:
      k[i++] = enc_dist(src_hav(t, c));
      break;
    case ENG_SORT_COST:
      k[i++] = enc_ll(cost);
      break;
    case ENG_SORT_INVENTORY:
      k[i++] = enc_ll(-inv);
      break;
    case ENG_SORT_DAYS:
      k[i++] = enc_ll(days);
      break;
    }
  }
  t->nk = i;
}

static int cmp_src(const struct rt *t, size_t a, size_t b)
{
  const uint64_t *ka = t->key + a * NK_MAX, *kb = t->key + b * NK_MAX;
  for (size_t i = 0; i < t->nk; i++)
    if (ka[i] != kb[i])
      return ka[i] < kb[i] ? -1 : 1;
  const char *ca = t->src[a].code ? t->src[a].code : "";
  const char *cb = t->src[b].code ? t->src[b].code : "";
  int c = strcmp(ca, cb);
  if (c)
    return c;
  if (t->src[a].type != t->src[b].type)
    return t->src[a].type == ENG_SRC_LOCATION ? -1 : 1;
  return a < b ? -1 : a > b;
}

/* Stable merge sort of source indices (insertion-sorted runs of 8). */
static void sort_src(const struct rt *t, size_t *v, size_t m, size_t *tmp)
{
  const size_t run = 8;
  for (size_t lo = 0; lo < m; lo += run) {
    size_t hi = lo + run < m ? lo + run : m;
    for (size_t i = lo + 1; i < hi; i++) {
      size_t x = v[i], j = i;
      while (j > lo && cmp_src(t, v[j - 1], x) > 0) {
        v[j] = v[j - 1];
        j--;
      }
      v[j] = x;
    }
  }
  size_t *a = v, *b = tmp;
  for (size_t w = run; w < m; w *= 2) {
    for (size_t lo = 0; lo < m; lo += 2 * w) {
      size_t mid = lo + w < m ? lo + w : m, hi = lo + 2 * w < m ? lo + 2 * w : m;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        b[k++] = cmp_src(t, a[j], a[i]) < 0 ? a[j++] : a[i++];
      while (i < mid)
        b[k++] = a[i++];
      while (j < hi)
        b[k++] = a[j++];
    }
    size_t *x = a;
    a = b;
    b = x;
  }
  if (a != v)
    memcpy(v, a, m * sizeof *v);
}

/* A min-heap of candidates under cmp_src. */
static void heap_down(const struct rt *t, size_t *h, size_t n, size_t i)
{
  size_t x = h[i];
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= n)
      break;
    if (c + 1 < n && cmp_src(t, h[c + 1], h[c]) < 0)
      c++;
    if (cmp_src(t, h[c], x) >= 0)
      break;
    h[i] = h[c];
    i = c;
  }
  h[i] = x;
}

/* The candidates heap[0..m), put in sort order only as far as a split
 * mode looks: allow seldom looks past the first few sources, so they are
 * popped from a heap (made on first use); avoid's search sorts them all
 * (ord_all); never only picks the best able source (best_whole).
 * cmp_src is a total order: every way gives the same sequence. */
static void ord_init(struct rt *t, size_t m)
{
  t->nord = 0;
  t->nheap = m;
  t->heaped = false;
}

/* The i-th candidate in sort order, or NONE past the last. */
static size_t ord_at(struct rt *t, size_t i)
{
  if (t->nord <= i && t->nheap > 0 && !t->heaped) {
    for (size_t k = t->nheap / 2; k-- > 0;)
      heap_down(t, t->heap, t->nheap, k);
    t->heaped = true;
  }
  while (t->nord <= i && t->nheap > 0) {
    t->ord[t->nord++] = t->heap[0];
    t->heap[0] = t->heap[--t->nheap];
    heap_down(t, t->heap, t->nheap, 0);
  }
  return i < t->nord ? t->ord[i] : NONE;
}

/* Puts every candidate in order: a merge sort when none was popped yet. */
static void ord_all(struct rt *t)
{
  if (t->nord == 0 && t->nheap > 0) {
    memcpy(t->ord, t->heap, t->nheap * sizeof *t->ord);
    sort_src(t, t->ord, t->nheap, t->tmp);
    t->nord = t->nheap;
    t->nheap = 0;
  }
  ord_at(t, SIZE_MAX - 1);
}

/* ---- split modes ----
 * Each works on one stretch of the candidates: every one (which 0), the
 * locations (1) or the suppliers (2) -- drop-ship fallback runs the mode
 * twice, and its sort keys put every location before every supplier. */

enum { ST_ALL, ST_LOCS, ST_SUPS };

static bool ship_line(const struct rt *t, size_t l)
{
  return !t->o->lines[l].pickup && t->rem[l] > 0;
}

static bool in_stretch(const struct rt *t, size_t c, int which)
{
  return c != NONE && !(which == ST_LOCS && is_supplier(t, c)) &&
         !(which == ST_SUPS && !is_supplier(t, c));
}

/* Where the stretch starts in sort order. */
static size_t stretch_lo(struct rt *t, int which)
{
  size_t i = 0, c;
  while (which == ST_SUPS && (c = ord_at(t, i)) != NONE && !is_supplier(t, c))
    i++;
  return i;
}

/* allow: each line, in order, takes from the sources in order; a source
 * not yet used is opened only while the rule has shipments left. */
static void split_allow(struct rt *t, int which, size_t budget)
{
  size_t lo = stretch_lo(t, which);
  for (size_t l = 0; l < t->L; l++) {
    if (!ship_line(t, l))
      continue;
    size_t g = t->grp[l], c;
    for (size_t i = lo; t->rem[l] > 0 && in_stretch(t, c = ord_at(t, i), which); i++) {
      long long st = t->stock[c * t->G + g];
      if (st <= 0 || (!t->used[c] && t->nused >= budget))
        continue;
      add_alloc(t, c, l, min_ll(st, t->rem[l]), true);
    }
  }
}

/* The best source of the stretch (by sort) that can take every ship line
 * whole, or NONE. A scan: no need to order the others. */
static size_t best_whole(struct rt *t, int which)
{
  size_t best = NONE;
  for (size_t k = 0; k < t->nord + t->nheap; k++) {
    size_t c = k < t->nord ? t->ord[k] : t->heap[k - t->nord], g;
    if (!in_stretch(t, c, which))
      continue;
    const long long *st = t->stock + c * t->G;
    for (g = 0; g < t->G && st[g] >= t->dem[g]; g++)
      ;
    if (g == t->G && (best == NONE || cmp_src(t, c, best) < 0))
      best = c;
  }
  return best;
}

static void take_all(struct rt *t, size_t c)
{
  for (size_t l = 0; l < t->L; l++)
    if (ship_line(t, l))
      add_alloc(t, c, l, t->rem[l], true);
}

/* never: the best source that can take every ship line whole takes it. */
static void split_never(struct rt *t, int which, size_t budget)
{
  size_t c;
  if (t->nused < budget && (c = best_whole(t, which)) != NONE)
    take_all(t, c);
}

/* The fewest-shipments search of split "avoid", over nr relevant sources
 * (in rank order) and na sku groups: e[i*na+a] is what source i can give
 * group a (capped at the demand), need[a] what is still wanted of the target,
 * cov the units covered so far. Sets are explored in lexicographic order of
 * ranks, so the first set found of a size is the best by sort. */
struct av {
  size_t na, nr, k;
  const long long *e, *suf, *rowsuf;
  long long *need, *delta;
  long long cov, total, bestcov;
  size_t *cur, *best, nbest;
  long budget;
  bool oob;
};

static bool av_dfs(struct av *s, size_t start, size_t depth)
{
  size_t na = s->na;
  if (s->cov > s->bestcov || (s->cov == s->bestcov && depth < s->nbest)) {
    s->bestcov = s->cov;
    s->nbest = depth;
    memcpy(s->best, s->cur, depth * sizeof *s->cur);
    if (s->cov == s->total)
      return true;
  }
  if (depth == s->k)
    return false;
  /* bound: each remaining pick adds at most what the best source left
   * holds of each group, and at most the most any source left holds */
  if ((s->budget -= (long)na) < 0) {
    s->oob = true;
    return false;
  }
  long long left = (long long)(s->k - depth), ub = s->cov, m;
  const long long *sf = s->suf + start * na;
  for (size_t a = 0; a < na; a++)
    ub += __builtin_mul_overflow(sf[a], left, &m) || m > s->need[a] ? s->need[a] : m;
  if (!__builtin_mul_overflow(s->rowsuf[start], left, &m) && s->cov + m < ub)
    ub = s->cov + m;
  if (ub < s->bestcov || (ub == s->bestcov && depth + 1 >= s->nbest))
    return false;
  long long *d = s->delta + depth * na;
  if (depth + 1 == s->k) {
    /* the last pick: what av_dfs one level down would do (record the set
     * when it is better, stop at full cover), without updating need */
    for (size_t i = start; i < s->nr; i++) {
      if ((s->budget -= (long)na) < 0) {
        s->oob = true;
        return false;
      }
      const long long *ei = s->e + i * na;
      long long gain = 0;
      for (size_t a = 0; a < na; a++)
        gain += min_ll(s->need[a], ei[a]);
      if (gain == 0)
        continue;
      long long cov = s->cov + gain;
      if (cov > s->bestcov || (cov == s->bestcov && depth + 1 < s->nbest)) {
        s->bestcov = cov;
        s->nbest = depth + 1;
        memcpy(s->best, s->cur, depth * sizeof *s->cur);
        s->best[depth] = i;
        if (cov == s->total)
          return true;
      }
    }
    return false;
  }
  for (size_t i = start; i < s->nr; i++) {
    if ((s->budget -= (long)na) < 0) {
      s->oob = true;
      return false;
    }
    const long long *ei = s->e + i * na;
    long long gain = 0;
    for (size_t a = 0; a < na; a++) {
      d[a] = min_ll(s->need[a], ei[a]);
      gain += d[a];
    }
    /* a source adding nothing is in no smallest set */
    if (gain == 0)
      continue;
    for (size_t a = 0; a < na; a++)
      s->need[a] -= d[a];
    s->cov += gain;
    s->cur[depth] = i;
    bool done = av_dfs(s, i + 1, depth + 1);
    for (size_t a = 0; a < na; a++)
      s->need[a] += d[a];
    s->cov -= gain;
    if (done)
      return true;
    if (s->oob)
      return false;
  }
  return false;
}

/* avoid: one source when one can take everything, else the fewest
 * sources that source as much as all of them could together (iterative
 * deepening, exact within AVOID_BUDGET; beyond it the greedy set). Lines
 * then go whole to the first chosen source that can take them, and are
 * split over the chosen sources only when none can. */
static void split_avoid(struct rt *t, int which, size_t budget)
{
  size_t na = 0, nr = 0, G = t->G, c;
  for (size_t g = 0; g < G; g++)
    if (t->dem[g] > 0)
      t->aidx[na++] = g;
  size_t left = budget > t->nused ? budget - t->nused : 0;
  if (na == 0 || left == 0)
    return;
  /* one source for everything when one can: no search, no sort */
  if ((c = best_whole(t, which)) != NONE) {
    take_all(t, c);
    return;
  }
  ord_all(t);
  long long *e = t->e;
  for (size_t i = stretch_lo(t, which); in_stretch(t, c = ord_at(t, i), which); i++) {
    long long *ei = e + nr * na, any = 0;
    for (size_t a = 0; a < na; a++) {
      ei[a] = min_ll(t->stock[c * G + t->aidx[a]], t->dem[t->aidx[a]]);
      if (ei[a] < 0)
        ei[a] = 0;
      any |= ei[a];
    }
    if (any)
      t->ridx[nr++] = c;
  }
  if (nr == 0)
    return;
  long long total = 0;
  for (size_t a = 0; a < na; a++) {
    long long cap = 0;
    for (size_t i = 0; i < nr; i++)
      cap = sat_add(cap, e[i * na + a]);
    t->tgt[a] = min_ll(cap, t->dem[t->aidx[a]]);
    total += t->tgt[a];
  }
  long long *suf = t->suf;
  for (size_t a = 0; a < na; a++) {
    suf[nr * na + a] = 0;
    for (size_t i = nr; i-- > 0;) {
      long long v = e[i * na + a], w = suf[(i + 1) * na + a];
      suf[i * na + a] = v > w ? v : w;
    }
  }
  /* suffix maxima of what one source can add in all */
  long long *rowsuf = t->rowsuf;
  rowsuf[nr] = 0;
  for (size_t i = nr; i-- > 0;) {
    long long v = 0;
    for (size_t a = 0; a < na; a++)
      v += min_ll(e[i * na + a], t->tgt[a]);
    rowsuf[i] = v > rowsuf[i + 1] ? v : rowsuf[i + 1];
  }
  size_t kmax = left < nr ? left : nr;
  /* lower bounds: the sources one group alone needs (its largest first),
   * and the total over the most one source can add */
  size_t lb = rowsuf[0] > 0 ? (size_t)((total + rowsuf[0] - 1) / rowsuf[0]) : 1;
  for (size_t a = 0; a < na && lb <= kmax; a++) {
    if (suf[a] >= t->tgt[a])
      continue;
    long long *col = t->col, got = 0;
    for (size_t i = 0; i < nr; i++)
      col[i] = e[i * na + a];
    size_t cnt = 0;
    while (got < t->tgt[a] && cnt <= kmax) {
      size_t bi = 0;
      for (size_t i = 1; i < nr; i++)
        if (col[i] > col[bi])
          bi = i;
      got += col[bi];
      col[bi] = 0;
      cnt++;
    }
    if (cnt > lb)
      lb = cnt;
  }
  struct av s = {.na = na, .nr = nr, .e = e, .suf = suf, .rowsuf = rowsuf, .need = t->need,
                 .delta = t->delta,
                 .total = total, .bestcov = 0, .cur = t->cur, .best = t->best, .nbest = 0,
                 .budget = AVOID_BUDGET};
  for (size_t k = lb < kmax ? lb : kmax; k <= kmax && s.bestcov < total && !s.oob; k++) {
    s.k = k;
    s.cov = 0;
    memcpy(s.need, t->tgt, na * sizeof *s.need);
    av_dfs(&s, 0, 0);
  }
  size_t *set = s.best, nset = s.nbest;
  if (s.oob && s.bestcov < total) {
    /* greedy: the source adding most units next, best rank on ties */
    long long cov = 0;
    size_t ng = 0;
    memset(t->mark, 0, nr);
    memcpy(s.need, t->tgt, na * sizeof *s.need);
    while (ng < kmax && cov < total) {
      long long bg = 0;
      size_t bi = 0;
      for (size_t i = 0; i < nr; i++) {
        if (t->mark[i])
          continue;
        long long g = 0;
        for (size_t a = 0; a < na; a++)
          g += min_ll(s.need[a], e[i * na + a]);
        if (g > bg) {
          bg = g;
          bi = i;
        }
      }
      if (bg == 0)
        break;
      t->mark[bi] = 1;
      for (size_t a = 0; a < na; a++)
        s.need[a] -= min_ll(s.need[a], e[bi * na + a]);
      cov += bg;
      t->gsel[ng++] = bi;
    }
    if (cov > s.bestcov || (cov == s.bestcov && ng < s.nbest)) {
      /* back to rank order */
      for (size_t i = 1; i < ng; i++)
        for (size_t j = i; j > 0 && t->gsel[j - 1] > t->gsel[j]; j--) {
          size_t x = t->gsel[j];
          t->gsel[j] = t->gsel[j - 1];
          t->gsel[j - 1] = x;
        }
      set = t->gsel;
      nset = ng;
    }
  }
  /* whole where one chosen source can, else split in rank order */
  for (size_t l = 0; l < t->L; l++) {
    if (!ship_line(t, l))
      continue;
    size_t g = t->grp[l], j;
    for (j = 0; j < nset && t->stock[t->ridx[set[j]] * G + g] < t->rem[l]; j++)
      ;
    if (j < nset) {
      add_alloc(t, t->ridx[set[j]], l, t->rem[l], true);
      continue;
    }
    for (j = 0; j < nset && t->rem[l] > 0; j++) {
      c = t->ridx[set[j]];
      add_alloc(t, c, l, min_ll(t->stock[c * G + g], t->rem[l]), true);
    }
  }
}

static void run_split(struct rt *t, const struct eng_rule *r, int which, size_t budget)
{
  size_t g;
  for (g = 0; g < t->G && t->dem[g] <= 0; g++)
    ;
  if (g == t->G)
    return;
  if (r->split == ENG_SPLIT_NEVER)
    split_never(t, which, budget);
  else if (r->split == ENG_SPLIT_AVOID)
    split_avoid(t, which, budget);
  else
    split_allow(t, which, budget);
}

/* Pickup lines have one possible source, the store the customer chose:
 * they go there first, before ship lines compete for its units. */
static void route_pickup(struct rt *t, const struct eng_rule *r, bool first)
{
  for (size_t l = 0; l < t->L; l++) {
    if (!t->o->lines[l].pickup || t->rem[l] <= 0)
      continue;
    size_t c = t->pick[l];
    if (c == NONE) {
      t->why[l] = "pickup location unavailable";
      continue;
    }
    long long st = t->stock[c * t->G + t->grp[l]], take = min_ll(st, t->rem[l]);
    if (take < t->rem[l] && r->split == ENG_SPLIT_NEVER)
      take = 0;
    if (first && st > 0)
      t->pk_ok[c] = 1;
    add_alloc(t, c, l, take, false);
    if (t->rem[l] > 0)
      t->why[l] = st <= 0 ? "no stock at pickup location" : "insufficient stock at pickup location";
  }
}

/* Routes what is left under rule r. The first rule also records, for the
 * explanation, every source's sort values, rejection and rank. */
static void route_rule(struct rt *t, const struct eng_rule *r, bool first)
{
  size_t n = t->n, G = t->G, m = 0;
  bool all = first && t->explain;

  route_pickup(t, r, first);
  memset(t->dem, 0, G * sizeof *t->dem);
  t->ship_total = 0;
  for (size_t l = 0; l < t->L; l++)
    if (ship_line(t, l)) {
      t->dem[t->grp[l]] += t->rem[l];
      t->ship_total += t->rem[l];
    }
  if (t->ship_total == 0 && !all)
    return;
  memset(t->used, 0, n);
  t->nused = 0;
  t->need_inv = all;
  t->need_cd = all || r->dropship == ENG_DS_PREFER_CHEAPEST || r->dropship == ENG_DS_PREFER_FASTEST;
  for (size_t j = 0; j < r->n_sort; j++) {
    t->need_inv |= r->sort[j] == ENG_SORT_INVENTORY;
    t->need_cd |= r->sort[j] == ENG_SORT_COST || r->sort[j] == ENG_SORT_DAYS;
  }
  /* km > max  <=>  a > sin^2(max / 2R); past half the globe: no limit */
  double half = r->max_distance_km / (2 * RT_EARTH_KM);
  t->hav_max = half >= 3.14159265358979323846 / 2 ? 2 : sin(half) * sin(half);

  if (all) {
    for (size_t c = 0; c < n; c++) {
      t->rej[c] = ship_reject(t, r, c);
      make_key(t, r, c, true);
      t->xord[c] = c;
    }
    sort_src(t, t->xord, n, t->tmp);
    for (size_t i = 0; i < n; i++)
      if (!t->rej[t->xord[i]])
        t->ord[m++] = t->xord[i];
    t->nord = m;
    t->nheap = 0;
  } else {
    for (size_t c = 0; c < n; c++)
      if (!ship_reject(t, r, c)) {
        make_key(t, r, c, false);
        t->heap[m++] = c;
      }
    ord_init(t, m);
  }
  if (t->ship_total == 0)
    return;

  const size_t *cs = all ? t->ord : t->heap; /* every candidate, in some order */
  for (size_t g = 0; g < G; g++) {
    long long s = 0;
    for (size_t i = 0; i < m; i++)
      s = sat_add(s, t->stock[cs[i] * G + g]);
    t->tot[g] = s;
    t->dem0[g] = t->dem[g];
  }
  size_t budget = r->max_shipments > 0 ? (size_t)r->max_shipments : NONE;
  if (r->dropship == ENG_DS_FALLBACK) {
    /* locations first under the split mode; suppliers take what is left */
    run_split(t, r, ST_LOCS, budget);
    run_split(t, r, ST_SUPS, budget);
  } else {
    run_split(t, r, ST_ALL, budget);
  }

  for (size_t l = 0; l < t->L; l++) {
    if (!ship_line(t, l))
      continue;
    size_t g = t->grp[l];
    t->why[l] = t->tot[g] == 0              ? "no source with stock"
                : t->tot[g] < t->dem0[g]    ? "insufficient stock"
                : r->split == ENG_SPLIT_NEVER ? "split not allowed"
                                              : "max_shipments reached";
  }
}

/* ---- the plan ---- */

/* Building the explanation is mostly allocation (jansson gives every value,
 * object and key its own block), so values that repeat are made once per
 * explanation and shared by reference: source types, reasons, skus, {}
 * and every integer (a small open-addressing table). The explanation is
 * read-only for its users. */
#define XC_INTS 512 /* power of two; past half full, integers are not shared */
#define XC_AV 64    /* the same for available objects */

struct xcache {
  json_t *type[2];
  json_t *none; /* {}: what most candidates were given */
  const char *why[16];
  json_t *whyj[16];
  size_t nwhy;
  size_t nint;
  long long ikey[XC_INTS];
  json_t *ival[XC_INTS];
  /* available objects by content: rows (n*G, scratch) and a table */
  long long *row;
  json_t *avj[XC_AV];
  size_t avrow[XC_AV], nav;
};

static json_t *x_int(struct xcache *x, long long v)
{
  size_t h = (size_t)(((uint64_t)v * 0x9E3779B97F4A7C15ULL) >> 55) & (XC_INTS - 1);
  while (x->ival[h]) {
    if (x->ikey[h] == v)
      return json_incref(x->ival[h]);
    h = (h + 1) & (XC_INTS - 1);
  }
  if (x->nint >= XC_INTS / 2)
    return json_integer(v);
  x->ikey[h] = v;
  if (!(x->ival[h] = json_integer(v)))
    return NULL;
  x->nint++;
  return json_incref(x->ival[h]);
}

static json_t *x_why(struct xcache *x, const char *why)
{
  size_t i;
  for (i = 0; i < x->nwhy && x->why[i] != why; i++)
    ;
  if (i == x->nwhy) {
    if (i == 16)
      return json_string(why);
    x->why[i] = why;
    x->whyj[i] = json_string_nocheck(why);
    x->nwhy++;
  }
  return json_incref(x->whyj[i]);
}

static json_t *x_type(struct xcache *x, enum eng_source_type t)
{
  int i = t == ENG_SRC_SUPPLIER;
  if (!x->type[i])
    x->type[i] = json_string_nocheck(i ? "supplier" : "location");
  return json_incref(x->type[i]);
}

/* {"sku","quantity"}; sku is the group's shared string, NULL when the sku
 * is not UTF-8 (the key is then left out, as json_string would). */
static json_t *sku_qty(struct xcache *x, json_t *sku, long long q)
{
  json_t *o = json_object();
  if (sku)
    json_object_set_nocheck(o, "sku", sku);
  json_object_set_new_nocheck(o, "quantity", x_int(x, q));
  return o;
}

/* The decision as API.md shows it. */
static json_t *explain(struct rt *t, const struct eng_plan *p)
{
  size_t n = t->n, G = t->G;
  struct xcache xc, *x = &xc;
  x->type[0] = x->type[1] = x->none = NULL;
  x->nwhy = x->nint = 0;
  memset(x->ival, 0, sizeof x->ival);
  memset(x->avj, 0, sizeof x->avj);
  x->nav = 0;
  x->row = t->suf; /* free scratch now, n*G + G long longs */
  /* each sku once: its string (NULL: not UTF-8, so never a key) */
  json_t **skuj = t->xsku;
  const char **skus = t->xskey;
  for (size_t g = 0; g < G; g++) {
    skus[g] = t->o->lines[t->gline[g]].sku;
    skuj[g] = json_string(skus[g]);
  }

  json_t *out = json_object();
  json_object_set_new_nocheck(out, "rule", json_string(p->rule));
  json_t *tr = json_array();
  for (size_t i = 0; i < p->n_rules_tried; i++)
    json_array_append_new(tr, json_string(p->rules_tried[i]));
  json_object_set_new_nocheck(out, "rules_tried", tr);

  json_t *plan = json_array();
  for (size_t i = 0; i < p->n_shipments; i++) {
    const struct eng_shipment *sh = &p->shipments[i];
    const struct eng_source *s = &t->src[sh->source];
    json_t *o = json_object(), *lines = json_array();
    json_object_set_new_nocheck(o, "source_type", x_type(x, s->type));
    json_object_set_new_nocheck(o, "source", json_string(s->code ? s->code : ""));
    for (size_t j = 0; j < sh->n_allocs; j++)
      json_array_append_new(lines, sku_qty(x, skuj[t->grp[sh->allocs[j].line]],
                                           sh->allocs[j].quantity));
    json_object_set_new_nocheck(o, "lines", lines);
    json_array_append_new(plan, o);
  }
  json_object_set_new_nocheck(out, "plan", plan);

  json_t *un = json_array();
  for (size_t i = 0; i < p->n_unsourced; i++) {
    json_t *o = sku_qty(x, skuj[t->grp[p->unsourced[i].line]], p->unsourced[i].quantity);
    json_object_set_new_nocheck(o, "reason", x_why(x, p->unsourced[i].reason));
    json_array_append_new(un, o);
  }
  json_object_set_new_nocheck(out, "unsourced", un);

  /* what each source was given, by sku group (t->e is free scratch now) */
  long long *given = t->e;
  memset(given, 0, n * G * sizeof *given);
  for (size_t i = 0; i < t->nal; i++)
    given[t->al[i].src * G + t->grp[t->al[i].line]] += t->al[i].qty;

  /* the candidates first, the array that holds them after: its growth is
   * then a few reallocations at the end, not interleaved with the small
   * blocks of the candidates */
  json_t **co = t->xobj;
  for (size_t i = 0; i < n; i++) {
    size_t c = t->xord[i];
    const struct eng_source *s = &t->src[c];
    json_t *o = json_object(), *av = NULL, *gv = NULL;
    double h = src_hav(t, c);
    const char *rej = t->pk_ok[c] ? NULL : t->rej[c];
    const long long *a0 = s->available, *gc = given + c * G;
    json_object_set_new_nocheck(o, "source_type", x_type(x, s->type));
    json_object_set_new_nocheck(o, "source", json_string(s->code ? s->code : ""));
    json_object_set_new_nocheck(o, "priority", x_int(x, s->type == ENG_SRC_SUPPLIER ? 0 : s->priority));
    json_object_set_new_nocheck(o, "distance_km",
                                isfinite(h) ? json_real(round(hav_km(h) * 10) / 10) : json_null());
    json_object_set_new_nocheck(o, "cost", x_int(x, t->xcost[c]));
    json_object_set_new_nocheck(o, "days", x_int(x, t->xdays[c]));
    /* sources holding the same of every sku share one available object
     * (most often: none of any) */
    long long *row = x->row + i * G;
    uint64_t hash = 0x84222325cbf29ce4ULL;
    for (size_t g = 0; g < G; g++) {
      long long v = a0 ? a0[t->gline[g]] : 0;
      row[g] = v > 0 ? v : 0;
      hash = (hash ^ (uint64_t)row[g]) * 0x100000001b3ULL;
    }
    size_t hs = (size_t)(hash >> 58) & (XC_AV - 1);
    while (x->avj[hs] && memcmp(x->row + x->avrow[hs] * G, row, G * sizeof *row) != 0)
      hs = (hs + 1) & (XC_AV - 1);
    if (x->avj[hs]) {
      av = json_incref(x->avj[hs]);
    } else {
      av = json_object();
      for (size_t g = 0; g < G; g++)
        if (skuj[g])
          json_object_set_new_nocheck(av, skus[g], x_int(x, row[g]));
      if (x->nav < XC_AV / 2 && av) {
        x->avj[hs] = json_incref(av);
        x->avrow[hs] = i;
        x->nav++;
      }
    }
    for (size_t g = 0; g < G; g++)
      if (gc[g] > 0 && skuj[g])
        json_object_set_new_nocheck(gv ? gv : (gv = json_object()), skus[g], x_int(x, gc[g]));
    json_object_set_new_nocheck(o, "available", av);
    json_object_set_new_nocheck(o, "rejected", rej ? x_why(x, rej) : json_null());
    if (!gv && !x->none)
      x->none = json_object();
    json_object_set_new_nocheck(o, "given", gv ? gv : json_incref(x->none));
    co[i] = o;
  }
  json_t *cands = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(cands, co[i]);
  json_object_set_new_nocheck(out, "candidates", cands);

  for (size_t g = 0; g < G; g++)
    json_decref(skuj[g]);
  json_decref(x->none);
  for (size_t i = 0; i < 2; i++)
    json_decref(x->type[i]);
  for (size_t i = 0; i < XC_INTS; i++)
    json_decref(x->ival[i]);
  for (size_t i = 0; i < XC_AV; i++)
    json_decref(x->avj[i]);
  for (size_t i = 0; i < x->nwhy; i++)
    json_decref(x->whyj[i]);
  return out;
}

/* Turns the allocations into the plan: one shipment per source in the
 * order sources were first given something, each source's allocations
 * merged per line and in line order. One block holds the shipments, their
 * allocations, the unsourced lines and the tried rule names. */
static int build_plan(struct rt *t, const struct eng_rule *const *tried, size_t ntried,
                      struct eng_plan *p)
{
  size_t n = t->n, ns = 0, nal = t->nal;
  size_t *ship_of = t->heap, *src_of = t->tmp, *start = t->ord, *end = t->ridx, *cnt = t->cur;
  for (size_t c = 0; c < n; c++)
    ship_of[c] = NONE;
  for (size_t i = 0; i < nal; i++) {
    size_t c = t->al[i].src;
    if (ship_of[c] == NONE) {
      ship_of[c] = ns;
      src_of[ns] = c;
      cnt[ns++] = 0;
    }
    cnt[ship_of[c]]++;
  }
  /* bucket by shipment (counting sort into the second half of t->al) */
  if (t->cap < 2 * nal + 1) {
    struct rt_alloc *al = oms_realloc(t->al, (2 * nal + 1) * sizeof *al);
    if (!al)
      return -1;
    t->al = al;
    t->cap = 2 * nal + 1;
  }
  struct rt_alloc *b = t->al + nal;
  for (size_t s = 0, off = 0; s < ns; s++) {
    start[s] = end[s] = off;
    off += cnt[s];
  }
  for (size_t i = 0; i < nal; i++)
    b[end[ship_of[t->al[i].src]]++] = t->al[i];
  /* each bucket by line, the same line merged */
  size_t merged = 0;
  for (size_t s = 0; s < ns; s++) {
    size_t lo = start[s], hi = end[s], out = lo;
    for (size_t i = lo + 1; i < hi; i++) {
      struct rt_alloc x = b[i];
      size_t j = i;
      for (; j > lo && b[j - 1].line > x.line; j--)
        b[j] = b[j - 1];
      b[j] = x;
    }
    for (size_t i = lo; i < hi; i++) {
      if (out > lo && b[out - 1].line == b[i].line)
        b[out - 1].qty += b[i].qty;
      else
        b[out++] = b[i];
    }
    cnt[s] = out - lo;
    merged += cnt[s];
  }
  size_t nu = 0;
  for (size_t l = 0; l < t->L; l++)
    nu += t->rem[l] > 0;

  size_t bytes = ns * sizeof(struct eng_shipment) + merged * sizeof(struct eng_alloc) +
                 nu * sizeof(struct eng_unsourced) + ntried * sizeof(char *);
  char *blk = oms_malloc(bytes);
  if (!blk)
    return -1;
  p->shipments = (struct eng_shipment *)blk;
  struct eng_alloc *al = (struct eng_alloc *)(blk + ns * sizeof(struct eng_shipment));
  p->unsourced = (struct eng_unsourced *)(al + merged);
  p->rules_tried = (const char **)(p->unsourced + nu);

  for (size_t s = 0, ai = 0; s < ns; s++) {
    p->shipments[s].source = src_of[s];
    p->shipments[s].allocs = al + ai;
    p->shipments[s].n_allocs = cnt[s];
    for (size_t j = 0; j < cnt[s]; j++)
      al[ai++] = (struct eng_alloc){.line = b[start[s] + j].line, .quantity = b[start[s] + j].qty};
  }
  p->n_shipments = ns;
  for (size_t l = 0; l < t->L; l++)
    if (t->rem[l] > 0)
      p->unsourced[p->n_unsourced++] =
          (struct eng_unsourced){.line = l, .quantity = t->rem[l], .reason = t->why[l]};
  for (size_t i = 0; i < ntried; i++)
    p->rules_tried[i] = tried[i]->name;
  p->n_rules_tried = ntried;
  p->rule = tried[0]->name;
  p->backorder = tried[ntried - 1]->backorder;
  return 0;
}

int eng_route(const struct eng_rules *rules, const struct eng_order *order,
              const struct eng_source *sources, size_t n_sources, struct eng_plan *plan)
{
  if (!plan)
    return -1;
  memset(plan, 0, sizeof *plan);
  if (!order || !order->lines || order->n_lines == 0 || (n_sources && !sources))
    return -1;
  for (size_t l = 0; l < order->n_lines; l++)
    if (!order->lines[l].sku || order->lines[l].quantity <= 0)
      return -1;

  struct rt t = {.o = order, .src = sources, .n = n_sources, .L = order->n_lines,
                 .explain = !order->no_explanation};
  const struct eng_rule **tried;
  struct eng_rule def;
  size_t nrules = rules ? rules->n : 0, nm = 0, ntried = 0, l, g;
  int rc = -1;

  /* sku groups: lines of one sku share that sku's units at a source */
  for (l = 0; l < t.L; l++) {
    for (g = 0; g < l && strcmp(order->lines[g].sku, order->lines[l].sku) != 0; g++)
      ;
    t.G += g == l;
  }
  struct arena a = {0};
  layout(&t, &a);
  tried = carve(&a, (nrules + 1) * sizeof *tried);
  char *block = oms_malloc(a.off);
  t.cap = 2 * t.L + 16;
  t.al = oms_malloc(t.cap * sizeof *t.al);
  if (!block || !t.al)
    goto cleanup;
  a = (struct arena){.p = block};
  layout(&t, &a);
  tried = carve(&a, (nrules + 1) * sizeof *tried);

  size_t G = 0;
  for (l = 0; l < t.L; l++) {
    size_t j;
    for (j = 0; j < l && strcmp(order->lines[j].sku, order->lines[l].sku) != 0; j++)
      ;
    if (j == l) {
      t.gline[G] = l;
      t.grp[l] = G++;
    } else {
      t.grp[l] = t.grp[j];
    }
    t.rem[l] = order->lines[l].quantity;
    t.why[l] = "no source with stock";
    t.pick[l] = NONE;
  }
  for (size_t c = 0; c < t.n; c++) {
    const struct eng_source *s = &sources[c];
    for (g = 0; g < G; g++) {
      long long v = s->available ? s->available[t.gline[g]] : 0;
      t.stock[c * G + g] = v > 0 ? v : 0;
    }
    t.hav[c] = NAN;
    t.pk_ok[c] = 0;
  }
  /* the store a pickup line names: active and offering pickup */
  for (l = 0; l < t.L; l++) {
    const struct eng_order_line *ln = &order->lines[l];
    for (size_t c = 0; ln->pickup && ln->pickup_location && c < t.n; c++) {
      const struct eng_source *s = &sources[c];
      if (s->type == ENG_SRC_LOCATION && s->code && s->active && s->pickup &&
          strcmp(s->code, ln->pickup_location) == 0) {
        t.pick[l] = c;
        break;
      }
    }
  }
  if (order->has_coords)
    t.coslat = cos(order->lat * RT_DEG);

  /* the waterfall: the matching rules in order, or the default alone */
  for (size_t i = 0; i < nrules; i++)
    if (rule_matches(&rules->rules[i], order))
      tried[nm++] = &rules->rules[i];
  if (nm == 0) {
    eng_rule_default(&def);
    tried[nm++] = &def;
  }
  for (size_t i = 0; i < nm; i++) {
    route_rule(&t, tried[i], i == 0);
    ntried++;
    for (l = 0; l < t.L && t.rem[l] == 0; l++)
      ;
    if (l == t.L || !tried[i]->fallthrough)
      break;
  }
  if (t.oom || build_plan(&t, tried, ntried, plan) != 0)
    goto cleanup;
  if (t.explain && !(plan->explanation = explain(&t, plan)))
    goto cleanup;
  rc = 0;

cleanup:
  if (rc != 0)
    eng_plan_free(plan);
  free(t.al);
  free(block);
  return rc;
}

void eng_plan_free(struct eng_plan *plan)
{
  if (!plan)
    return;
  free(plan->shipments); /* the block holding every array of the plan */
  json_decref(plan->explanation);
  memset(plan, 0, sizeof *plan);
}
