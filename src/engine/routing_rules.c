/* routing_rules.c: the routing-rules document of PUT /v1/routing-rules
 * (docs/routing.md "Routing rules").
 *
 * eng_rules_parse validates a document with a js_parse table plus the checks
 * a table cannot say (when conditions, location types, sort keys, unique
 * names) and returns it normalised; eng_rules_compile turns the normalised
 * document into struct eng_rule values that borrow their strings from the
 * JSON; eng_rule_default is the built-in rule used when none matches. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "routing_internal.h"

#define RULES_MAX 100       /* rules per document */
#define WHEN_MAX_VALUES 100 /* values per when condition */
#define LOCATION_TYPES_MAX 10

/* Indexed by the enums of engine.h. */
static const char *const split_names[] = {"never", "avoid", "allow", NULL};
static const char *const dropship_names[] = {"never", "fallback", "prefer_cheapest",
                                             "prefer_fastest", NULL};
static const char *const sort_names[] = {"priority", "distance", "cost", "inventory", "days", NULL};
/* Indexed by enum location_type. */
static const char *const type_names[] = {"warehouse", "store", NULL};
enum location_type { TYPE_WAREHOUSE, TYPE_STORE };
static const char *const method_names[] = {"standard", "express", NULL};
/* Indexed by enum when_kind. */
static const char *const when_names[] = {"channel", "ship_method", "country", NULL};
enum when_kind { WHEN_CHANNEL, WHEN_SHIP_METHOD, WHEN_COUNTRY };

static const struct js_field when_spec[] = {
    {.name = "channel", .type = JS_ANY},
    {.name = "ship_method", .type = JS_ANY},
    {.name = "country", .type = JS_ANY},
    {.type = JS_END},
};

static const struct js_field filters_spec[] = {
    {.name = "location_types", .type = JS_STRINGS, .min = 1, .max = 64,
     .max_items = LOCATION_TYPES_MAX},
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

/* The index of s in a NULL-terminated list of names, or -1 (also for NULL). */
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

/* ---- validation ---- */

/* One value of a when condition of the given kind. */
static void check_when_item(json_t *v, const char *path, enum when_kind kind, json_t *errors)
{
  const char *s = json_string_value(v);
  if (!s) {
    js_error(errors, path, "must be a string");
    return;
  }
  bool has_nul = strlen(s) != json_string_length(v);
  if (kind == WHEN_CHANNEL && (has_nul || !oms_code_valid(s)))
    js_error(errors, path, "must be a channel code (1-64 characters of A-Z a-z 0-9 . _ -)");
  else if (kind == WHEN_SHIP_METHOD && (has_nul || name_index(method_names, s) < 0))
    js_error(errors, path, "must be one of standard, express");
  else if (kind == WHEN_COUNTRY && (has_nul || !country_valid(s)))
    js_error(errors, path, "must be a 2-letter upper-case country code");
}

/* A when condition is one accepted value or a non-empty list of them. */
static void check_when_value(json_t *v, const char *path, enum when_kind kind, json_t *errors)
{
  char sub[640]; /* path (< 600) + "[index]" */
  size_t i;
  json_t *e;
  if (json_is_string(v)) {
    check_when_item(v, path, kind, errors);
    return;
  }
  if (!json_is_array(v)) {
    js_error(errors, path, "must be a string or an array of strings");
    return;
  }
  if (json_array_size(v) == 0 || json_array_size(v) > WHEN_MAX_VALUES) {
    js_error(errors, path, "must have 1 to 100 entries");
    return;
  }
  json_array_foreach(v, i, e)
  {
    snprintf(sub, sizeof sub, "%s[%zu]", path, i);
    check_when_item(e, sub, kind, errors);
  }
}

static void check_when(json_t *when, const char *prefix, json_t *errors)
{
  char path[600];
  const char *k;
  json_t *v;
  if (!json_is_object(when))
    return;
  /* an unknown condition silently dropped would match every order */
  json_object_foreach(when, k, v)
  {
    int kind = name_index(when_names, k);
    snprintf(path, sizeof path, "%s.when.%s", prefix, k);
    if (kind < 0)
      js_error(errors, path, "is not a known condition (channel, ship_method, country)");
    else if (!json_is_null(v))
      check_when_value(v, path, (enum when_kind)kind, errors);
  }
}

/* Each entry of arr must be one of names (else the error must_be), and be
 * listed once. skip_non_strings: entries that are not strings were
 * reported already (by js_parse) and are passed over. */
static void check_name_list(json_t *arr, const char *path, const char *const *names,
                            const char *must_be, bool skip_non_strings, json_t *errors)
{
  char sub[640];
  size_t i, j;
  json_t *e;
  json_array_foreach(arr, i, e)
  {
    if (skip_non_strings && !json_is_string(e))
      continue;
    snprintf(sub, sizeof sub, "%s[%zu]", path, i);
    if (name_index(names, json_string_value(e)) < 0) {
      js_error(errors, sub, must_be);
      continue;
    }
    for (j = 0; j < i; j++)
      if (json_equal(e, json_array_get(arr, j))) {
        js_error(errors, sub, "is listed twice");
        break;
      }
  }
}

static void check_filters(json_t *f, const char *prefix, json_t *errors)
{
  char path[600];
  if (!json_is_object(f))
    return;
  json_t *lt = json_object_get(f, "location_types");
  snprintf(path, sizeof path, "%s.filters.location_types", prefix);
  if (json_is_array(lt) && json_array_size(lt) == 0)
    js_error(errors, path, "must not be empty");
  else if (json_is_array(lt) && json_array_size(lt) <= LOCATION_TYPES_MAX)
    check_name_list(lt, path, type_names, "must be one of warehouse, store", true, errors);

  json_t *md = json_object_get(f, "max_distance_km");
  if (md && !json_is_null(md)) {
    double d = json_number_value(md);
    if (!json_is_number(md) || !isfinite(d) || d <= 0) {
      snprintf(path, sizeof path, "%s.filters.max_distance_km", prefix);
      js_error(errors, path, "must be a number > 0");
    }
  }
}

static void check_sort(json_t *s, const char *prefix, json_t *errors)
{
  char path[600];
  snprintf(path, sizeof path, "%s.sort", prefix);
  if (!s || json_is_null(s))
    return;
  if (!json_is_array(s))
    js_error(errors, path, "must be an array of sort keys (priority, distance, cost, inventory, days)");
  else if (json_array_size(s) == 0)
    js_error(errors, path, "must not be empty");
  else
    check_name_list(s, path, sort_names, "must be one of priority, distance, cost, inventory, days",
                    false, errors);
}

/* Rule i's name must differ from the names of the rules before it: names
 * identify rules in every explanation. */
static void check_unique_name(json_t *arr, size_t i, const char *prefix, json_t *errors)
{
  char path[96], msg[96];
  json_t *name = json_object_get(json_array_get(arr, i), "name");
  for (size_t j = 0; json_is_string(name) && j < i; j++)
    if (json_equal(name, json_object_get(json_array_get(arr, j), "name"))) {
      snprintf(path, sizeof path, "%s.name", prefix);
      snprintf(msg, sizeof msg, "must be unique (rules[%zu] has the same name)", j);
      js_error(errors, path, msg);
      break;
    }
}

int eng_rules_parse(json_t *in, json_t **out, json_t *errors)
{
  char prefix[64];
  size_t before = json_array_size(errors);
  json_t *arr = json_is_object(in) ? json_object_get(in, "rules") : in;

  *out = NULL;
  if (!json_is_array(arr)) {
    js_error(errors, json_is_object(in) ? "rules" : "body",
             "must be an array of rules (or {\"rules\":[...]})");
    return -1;
  }
  if (json_array_size(arr) > RULES_MAX) {
    js_error(errors, "rules", "must have at most 100 entries");
    return -1;
  }
  json_t *normalised = json_array();
  size_t i;
  json_t *r;
  json_array_foreach(arr, i, r)
  {
    json_t *o = NULL;
    snprintf(prefix, sizeof prefix, "rules[%zu]", i);
    if (js_parse(rule_spec, r, prefix, &o, errors) == 0)
      json_array_append_new(normalised, o);
    if (!json_is_object(r))
      continue;
    /* what a field table cannot say; fields of the wrong basic type were
     * reported by js_parse and are skipped here */
    check_when(json_object_get(r, "when"), prefix, errors);
    check_filters(json_object_get(r, "filters"), prefix, errors);
    check_sort(json_object_get(r, "sort"), prefix, errors);
    check_unique_name(arr, i, prefix, errors);
  }
  if (json_array_size(errors) > before) {
    json_decref(normalised);
    return -1;
  }
  *out = normalised;
  return 0;
}

/* ---- compilation ---- */

/* Reads a string-or-array condition into strs[*pos..] (advancing *pos);
 * absent or null is "any" (NULL, 0). Returns -1 on a malformed value. */
static int compile_strings(json_t *v, const char **strs, size_t *pos, const char *const **list,
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

/* How many strings compile_strings will store for v. */
static size_t count_strings(json_t *v)
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

static int compile_when(json_t *when, struct eng_rule *r, const char **strs, size_t *pos)
{
  if (compile_strings(json_object_get(when, "channel"), strs, pos, &r->channels, &r->n_channels) ||
      compile_strings(json_object_get(when, "ship_method"), strs, pos, &r->ship_methods,
                      &r->n_ship_methods) ||
      compile_strings(json_object_get(when, "country"), strs, pos, &r->countries,
                      &r->n_countries))
    return -1;
  return 0;
}

static int compile_filters(json_t *f, struct eng_rule *r, const char **strs, size_t *pos)
{
  json_t *lt = json_object_get(f, "location_types");
  if (json_is_array(lt)) {
    r->allow_warehouse = r->allow_store = false;
    for (size_t i = 0; i < json_array_size(lt); i++) {
      int t = name_index(type_names, json_string_value(json_array_get(lt, i)));
      if (t < 0)
        return -1;
      if (t == TYPE_WAREHOUSE)
        r->allow_warehouse = true;
      else
        r->allow_store = true;
    }
  }
  json_t *md = json_object_get(f, "max_distance_km");
  r->max_distance_km = json_is_number(md) ? json_number_value(md) : -1;
  return compile_strings(json_object_get(f, "exclude"), strs, pos, &r->exclude, &r->n_exclude);
}

static int compile_sort(json_t *s, struct eng_rule *r)
{
  if (!s)
    return 0;
  if (!json_is_array(s) || json_array_size(s) > ENG_MAX_SORT)
    return -1;
  r->n_sort = json_array_size(s);
  for (size_t i = 0; i < r->n_sort; i++) {
    int k = name_index(sort_names, json_string_value(json_array_get(s, i)));
    if (k < 0)
      return -1;
    r->sort[i] = (enum eng_sort_key)k;
  }
  return 0;
}

/* split, max_shipments, dropship, backorder and fallthrough. */
static int compile_modes(json_t *j, struct eng_rule *r)
{
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

static int compile_rule(json_t *j, struct eng_rule *r, const char **strs, size_t *pos)
{
  eng_rule_default(r);
  r->fallthrough = true;
  r->name = json_string_value(json_object_get(j, "name"));
  if (!r->name)
    return -1;
  if (compile_when(json_object_get(j, "when"), r, strs, pos) ||
      compile_filters(json_object_get(j, "filters"), r, strs, pos) ||
      compile_sort(json_object_get(j, "sort"), r) || compile_modes(j, r))
    return -1;
  return 0;
}

int eng_rules_compile(json_t *rules_json, struct eng_rules *out)
{
  json_t *arr = json_is_object(rules_json) ? json_object_get(rules_json, "rules") : rules_json;
  memset(out, 0, sizeof *out);
  if (!json_is_array(arr))
    return -1;
  /* one block of string pointers for every rule: count them first */
  size_t n = json_array_size(arr), n_strs = 0;
  for (size_t i = 0; i < n; i++) {
    json_t *j = json_array_get(arr, i);
    if (!json_is_object(j))
      return -1;
    json_t *when = json_object_get(j, "when");
    n_strs += count_strings(json_object_get(when, "channel")) +
              count_strings(json_object_get(when, "ship_method")) +
              count_strings(json_object_get(when, "country")) +
              count_strings(json_object_get(json_object_get(j, "filters"), "exclude"));
  }
  out->rules = oms_calloc(n ? n : 1, sizeof *out->rules);
  out->strs = oms_malloc((n_strs ? n_strs : 1) * sizeof *out->strs);
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
