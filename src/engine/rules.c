/* rules.c: order rules (API.md "Orders", PUT /v1/order-rules; docs/order-rules.md).
 * An ordered list of {name, when, action, reason}: when an order arrives,
 * every matching "hold" rule adds a hold and a matching "release" rule stops
 * the evaluation. Validation is strict about keys (an unknown condition or
 * rule field is an error) because a typo that silently dropped a condition
 * would turn the rule into one that matches every order. */
#include <stdio.h>
#include <string.h>
#include "oms/common.h"
#include "oms/engine.h"

#define I64MAX 0x7fffffffffffffffLL
#define I64MIN (-I64MAX - 1)
#define RULES_MAX 100
#define LIST_MAX 1000   /* channels, countries, domains in one condition */
#define MISSING_MAX 50  /* paths in one "missing" condition */
#define PATH_MAX_LEN 100
#define DOMAIN_MAX_LEN 253

static const char *const actions[] = {"hold", "release", NULL};
static const char *const ship_methods[] = {"standard", "express", NULL};

/* name, action and reason; "when" is checked by parse_when (its keys are
 * open-ended and some conditions take a value or a list). reason is
 * nullable so that an explicit null means "the default for the action". */
static const struct js_field rule_spec[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_REQUIRED, .min = 1, .max = 64},
    {.name = "action", .type = JS_ENUM, .flags = JS_REQUIRED, .enums = actions},
    {.name = "reason", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 200, .def = "null"},
    {.type = JS_END},
};

static const char *const rule_keys[] = {"name", "when", "action", "reason", NULL};

static bool in_list(const char *const *list, const char *s)
{
  for (; *list; list++)
    if (strcmp(*list, s) == 0)
      return true;
  return false;
}

/* ASCII-only, so the comparison does not depend on the locale. */
static bool ascii_eq_nocase(const char *a, const char *b)
{
  for (;; a++, b++) {
    unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
    if (x >= 'A' && x <= 'Z')
      x = (unsigned char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z')
      y = (unsigned char)(y - 'A' + 'a');
    if (x != y)
      return false;
    if (x == '\0')
      return true;
  }
}

/* ---- validation of conditions ----
 * Each checker validates one present value at path and returns 0 or -1
 * with its errors appended. */

typedef int (*elem_fn)(json_t *v, const char *path, json_t *errors);

static int check_code_elem(json_t *v, const char *path, json_t *errors)
{
  if (!json_is_string(v) || !oms_code_valid(json_string_value(v)) ||
      strlen(json_string_value(v)) != json_string_length(v)) {
    js_error(errors, path, "must be 1-64 characters of A-Z a-z 0-9 . _ -");
    return -1;
  }
  return 0;
}

static int check_country_elem(json_t *v, const char *path, json_t *errors)
{
  const char *s = json_string_value(v);
  if (!s || json_string_length(v) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z') {
    js_error(errors, path, "must be a 2-letter upper-case country code");
    return -1;
  }
  return 0;
}

static int check_ship_method_elem(json_t *v, const char *path, json_t *errors)
{
  const char *s = json_string_value(v);
  if (!s || strlen(s) != json_string_length(v) || !in_list(ship_methods, s)) {
    js_error(errors, path, "must be one of standard, express");
    return -1;
  }
  return 0;
}

/* A dotted path of object keys: segments of [a-z0-9_], none empty. An empty
 * segment ("a..b", ".a") could never be found, so the rule would match
 * every order: refuse it. */
static int check_path_elem(json_t *v, const char *path, json_t *errors)
{
  const char *s = json_string_value(v);
  size_t n = s ? json_string_length(v) : 0;
  bool ok = s && n >= 1 && n <= PATH_MAX_LEN && s[0] != '.' && s[n - 1] != '.';
  for (size_t i = 0; ok && i < n; i++) {
    char c = s[i];
    if (c == '.')
      ok = s[i + 1] != '.';
    else
      ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }
  if (!ok) {
    js_error(errors, path, "must be a dotted field path of 1-100 characters of a-z 0-9 _ .");
    return -1;
  }
  return 0;
}

/* A host name: labels of [A-Za-z0-9-] separated by single dots. "@x.com"
 * or "user@x.com" is refused rather than never matching. */
static int check_domain_elem(json_t *v, const char *path, json_t *errors)
{
  const char *s = json_string_value(v);
  size_t n = s ? json_string_length(v) : 0;
  bool ok = s && n >= 1 && n <= DOMAIN_MAX_LEN && s[0] != '.' && s[n - 1] != '.';
  for (size_t i = 0; ok && i < n; i++) {
    char c = s[i];
    if (c == '.')
      ok = s[i + 1] != '.';
    else
      ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }
  if (!ok) {
    js_error(errors, path, "must be a domain name such as example.com");
    return -1;
  }
  return 0;
}

/* A non-empty array of at most max elements, each checked by fn. An empty
 * list is refused: "in []" would never match and "not in []" always. */
static int check_list(json_t *v, const char *path, size_t max, elem_fn fn, json_t *errors)
{
  char sub[600], msg[64];
  size_t i;
  json_t *e;
  int rc = 0;
  if (!json_is_array(v)) {
    js_error(errors, path, "must be an array");
    return -1;
  }
  if (json_array_size(v) == 0 || json_array_size(v) > max) {
    snprintf(msg, sizeof msg, "must have 1 to %zu entries", max);
    js_error(errors, path, msg);
    return -1;
  }
  json_array_foreach(v, i, e)
  {
    snprintf(sub, sizeof sub, "%s[%zu]", path, i);
    if (fn(e, sub, errors))
      rc = -1;
  }
  return rc;
}

static int check_total(json_t *v, const char *path, json_t *errors)
{
  if (!json_is_integer(v)) {
    js_error(errors, path, "must be an integer");
    return -1;
  }
  if (json_integer_value(v) < 0) {
    js_error(errors, path, "must be >= 0");
    return -1;
  }
  return 0;
}

static int check_channel(json_t *v, const char *path, json_t *errors)
{
  if (json_is_string(v))
    return check_code_elem(v, path, errors);
  if (json_is_array(v))
    return check_list(v, path, LIST_MAX, check_code_elem, errors);
  js_error(errors, path, "must be a channel code or an array of channel codes");
  return -1;
}

static int check_countries(json_t *v, const char *path, json_t *errors)
{
  return check_list(v, path, LIST_MAX, check_country_elem, errors);
}

static int check_ship_method(json_t *v, const char *path, json_t *errors)
{
  if (json_is_string(v))
    return check_ship_method_elem(v, path, errors);
  if (json_is_array(v))
    return check_list(v, path, 2, check_ship_method_elem, errors);
  js_error(errors, path, "must be \"standard\", \"express\" or an array of them");
  return -1;
}

static int check_pct(json_t *v, const char *path, json_t *errors)
{
  /* JSON text cannot carry NaN or infinity, so a number is finite here */
  if (!json_is_number(v)) {
    js_error(errors, path, "must be a number");
    return -1;
  }
  if (json_number_value(v) < 0) {
    js_error(errors, path, "must be >= 0");
    return -1;
  }
  return 0;
}

static int check_missing(json_t *v, const char *path, json_t *errors)
{
  return check_list(v, path, MISSING_MAX, check_path_elem, errors);
}

static int check_domains(json_t *v, const char *path, json_t *errors)
{
  return check_list(v, path, LIST_MAX, check_domain_elem, errors);
}

/* ---- evaluation of conditions ---- */

/* What evaluation needs of an order, computed once per evaluation. */
struct facts {
  json_t *order, *prices;
  long long total; /* saturated at the long long range */
  const char *channel, *ship_method, *country, *email_domain;
};

typedef bool (*match_fn)(json_t *cond, const struct facts *f);

/* v is the value itself or an array of accepted values. */
static bool one_of(json_t *cond, const char *v)
{
  size_t i;
  json_t *e;
  if (!v)
    return false;
  if (json_is_string(cond))
    return strcmp(json_string_value(cond), v) == 0;
  json_array_foreach(cond, i, e)
  {
    if (json_is_string(e) && strcmp(json_string_value(e), v) == 0)
      return true;
  }
  return false;
}

static bool match_total_gt(json_t *cond, const struct facts *f)
{
  return f->total > json_integer_value(cond);
}

static bool match_total_lt(json_t *cond, const struct facts *f)
{
  return f->total < json_integer_value(cond);
}

static bool match_channel(json_t *cond, const struct facts *f)
{
  return one_of(cond, f->channel);
}

static bool match_ship_method(json_t *cond, const struct facts *f)
{
  return one_of(cond, f->ship_method);
}

static bool country_listed(json_t *cond, const char *country)
{
  size_t i;
  json_t *e;
  json_array_foreach(cond, i, e)
  {
    if (json_is_string(e) && ascii_eq_nocase(json_string_value(e), country))
      return true;
  }
  return false;
}

/* No country: not in any list. So country_in fails and country_not_in
 * holds (a "ship only to US/CA" hold must catch an order without one). */
static bool match_country_in(json_t *cond, const struct facts *f)
{
  return f->country && country_listed(cond, f->country);
}

static bool match_country_not_in(json_t *cond, const struct facts *f)
{
  return !f->country || !country_listed(cond, f->country);
}

/* A line mismatches when |unit_price - price| / price * 100 > pct, written
 * as |unit_price - price| * 100 > pct * price so that no division rounds a
 * boundary case (5% of 100 is exactly 5: no mismatch). Long double holds
 * the products of any two 63-bit integers without overflow. A catalog
 * price of 0 makes any non-zero unit price a mismatch; a sku without a
 * catalog price cannot mismatch. */
static bool match_price(json_t *cond, const struct facts *f)
{
  long double pct = (long double)json_number_value(cond);
  json_t *lines = json_object_get(f->order, "lines");
  size_t i;
  json_t *line;
  json_array_foreach(lines, i, line)
  {
    json_t *sku = json_object_get(line, "sku");
    json_t *up = json_object_get(line, "unit_price");
    json_t *cp = json_is_string(sku) ? json_object_get(f->prices, json_string_value(sku)) : NULL;
    if (!json_is_integer(up) || !json_is_integer(cp))
      continue;
    long double unit = (long double)json_integer_value(up);
    long double price = (long double)json_integer_value(cp);
    long double diff = unit > price ? unit - price : price - unit;
    if (price == 0) {
      if (unit != 0)
        return true;
    } else if (diff * 100 > pct * (price < 0 ? -price : price)) {
      return true;
    }
  }
  return false;
}

/* Absent, null and "" count as missing. Paths walk objects only: a step
 * through anything else (an array, a string) finds nothing. */
static bool path_missing(json_t *order, const char *path)
{
  char seg[PATH_MAX_LEN + 1];
  json_t *v = order;
  const char *p = path;
  for (;;) {
    size_t n = strcspn(p, ".");
    if (n == 0 || n > PATH_MAX_LEN || !json_is_object(v))
      return true;
    memcpy(seg, p, n);
    seg[n] = '\0';
    v = json_object_get(v, seg);
    if (p[n] == '\0')
      break;
    p += n + 1;
  }
  return !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
}

static bool match_missing(json_t *cond, const struct facts *f)
{
  size_t i;
  json_t *e;
  json_array_foreach(cond, i, e)
  {
    if (json_is_string(e) && path_missing(f->order, json_string_value(e)))
      return true;
  }
  return false;
}

static bool match_email_domain(json_t *cond, const struct facts *f)
{
  size_t i;
  json_t *e;
  if (!f->email_domain || !*f->email_domain)
    return false;
  json_array_foreach(cond, i, e)
  {
    if (json_is_string(e) && ascii_eq_nocase(json_string_value(e), f->email_domain))
      return true;
  }
  return false;
}

static const struct cond {
  const char *key;
  elem_fn check;
  match_fn match;
} conds[] = {
    {"total_gt", check_total, match_total_gt},
    {"total_lt", check_total, match_total_lt},
    {"channel", check_channel, match_channel},
    {"country_in", check_countries, match_country_in},
    {"country_not_in", check_countries, match_country_not_in},
    {"ship_method", check_ship_method, match_ship_method},
    {"price_mismatch_pct_gt", check_pct, match_price},
    {"missing", check_missing, match_missing},
    {"email_domain_in", check_domains, match_email_domain},
};

static const struct cond *cond_find(const char *key)
{
  for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++)
    if (strcmp(conds[i].key, key) == 0)
      return &conds[i];
  return NULL;
}

/* ---- parsing ---- */

/* Validates a rule's "when" (absent or null: {}) and returns a new object
 * holding the conditions as given, or NULL with errors appended. */
static json_t *parse_when(json_t *in, const char *rule_path, json_t *errors)
{
  char path[600];
  const char *key;
  json_t *v;
  int rc = 0;

  snprintf(path, sizeof path, "%s.when", rule_path);
  if (!in || json_is_null(in))
    return json_object();
  if (!json_is_object(in)) {
    js_error(errors, path, "must be an object");
    return NULL;
  }
  json_object_foreach(in, key, v)
  {
    char sub[700];
    const struct cond *c = cond_find(key);
    snprintf(sub, sizeof sub, "%s.%s", path, key);
    if (!c) {
      js_error(errors, sub, "unknown condition");
      rc = -1;
    } else if (c->check(v, sub, errors)) {
      rc = -1;
    }
  }
  return rc ? NULL : json_deep_copy(in);
}

/* Validates one rule at path ("rules[3]"). Returns a new normalised rule
 * or NULL with errors appended. */
static json_t *parse_rule(json_t *in, const char *path, json_t *errors)
{
  char sub[600];
  const char *key;
  json_t *v, *rule = NULL, *when = NULL;
  size_t before = json_array_size(errors);

  if (!json_is_object(in)) {
    js_error(errors, path, "must be an object");
    return NULL;
  }
  json_object_foreach(in, key, v)
  {
    if (!in_list(rule_keys, key)) {
      snprintf(sub, sizeof sub, "%s.%s", path, key);
      js_error(errors, sub, "unknown field");
    }
  }
  js_parse(rule_spec, in, path, &rule, errors);
  when = parse_when(json_object_get(in, "when"), path, errors);
  if (json_array_size(errors) > before || !rule || !when)
    goto fail;

  json_object_set_new(rule, "when", when);
  when = NULL;
  if (json_is_null(json_object_get(rule, "reason")) &&
      strcmp(json_string_value(json_object_get(rule, "action")), "hold") == 0)
    json_object_set_new(rule, "reason", json_string("review"));
  return rule;

fail:
  json_decref(rule);
  json_decref(when);
  return NULL;
}

int eng_order_rules_parse(json_t *in, json_t **out, json_t *errors)
{
  char path[64], msg[96];
  size_t before = json_array_size(errors);
  json_t *list = in, *res = NULL;
  size_t i;
  json_t *e;

  *out = NULL;
  if (json_is_object(in)) {
    list = json_object_get(in, "rules");
    if (!list) {
      js_error(errors, "rules", "is required");
      return -1;
    }
  } else if (!json_is_array(in)) {
    js_error(errors, "body", "must be an array of rules or an object with \"rules\"");
    return -1;
  }
  if (!json_is_array(list)) {
    js_error(errors, "rules", "must be an array");
    return -1;
  }
  if (json_array_size(list) > RULES_MAX) {
    snprintf(msg, sizeof msg, "must have at most %d entries", RULES_MAX);
    js_error(errors, "rules", msg);
    return -1;
  }

  res = json_array();
  if (!res)
    return -1;
  json_array_foreach(list, i, e)
  {
    snprintf(path, sizeof path, "rules[%zu]", i);
    json_t *rule = parse_rule(e, path, errors);
    if (rule)
      json_array_append_new(res, rule);

    /* names identify holds and releases: they must be unique */
    const char *name = json_string_value(json_object_get(e, "name"));
    for (size_t j = 0; name && j < i; j++) {
      const char *other = json_string_value(json_object_get(json_array_get(list, j), "name"));
      if (other && strcmp(name, other) == 0) {
        snprintf(path, sizeof path, "rules[%zu].name", i);
        snprintf(msg, sizeof msg, "duplicate name (also rules[%zu].name)", j);
        js_error(errors, path, msg);
        break;
      }
    }
  }
  if (json_array_size(errors) > before) {
    json_decref(res);
    return -1;
  }
  *out = res;
  return 0;
}

/* ---- evaluation ---- */

/* Σ quantity × unit_price, saturated: an absurd order must still compare
 * greater than any limit rather than wrap around to a small total. */
static long long order_total(json_t *order)
{
  long long total = 0;
  size_t i;
  json_t *line;
  json_array_foreach(json_object_get(order, "lines"), i, line)
  {
    json_t *q = json_object_get(line, "quantity");
    json_t *p = json_object_get(line, "unit_price");
    if (!json_is_integer(q) || !json_is_integer(p))
      continue;
    long long a = json_integer_value(q), b = json_integer_value(p), t;
    if (__builtin_mul_overflow(a, b, &t))
      t = ((a < 0) != (b < 0)) ? I64MIN : I64MAX;
    if (__builtin_add_overflow(total, t, &total))
      total = t < 0 ? I64MIN : I64MAX;
  }
  return total;
}

static const char *nonempty_string(json_t *v)
{
  const char *s = json_string_value(v);
  return s && *s ? s : NULL;
}

/* Every condition must hold. A key that is not a known condition (rules
 * that did not come from eng_order_rules_parse) makes the rule not match. */
static bool rule_matches(json_t *when, const struct facts *f)
{
  const char *key;
  json_t *v;
  json_object_foreach(when, key, v)
  {
    const struct cond *c = cond_find(key);
    if (!c || !c->match(v, f))
      return false;
  }
  return true;
}

json_t *eng_order_rules_eval(json_t *rules, json_t *order, json_t *prices,
                             const char **released_by)
{
  struct facts f = {.order = order, .prices = prices};
  json_t *holds = json_array();
  json_t *addr = json_object_get(order, "shipping_address");
  const char *email = json_string_value(json_object_get(json_object_get(order, "customer"), "email"));
  size_t i;
  json_t *rule;

  if (released_by)
    *released_by = NULL;
  if (!holds)
    return NULL;

  f.total = order_total(order);
  f.channel = nonempty_string(json_object_get(order, "channel"));
  f.ship_method = nonempty_string(json_object_get(order, "ship_method"));
  f.country = nonempty_string(json_object_get(addr, "country"));
  f.email_domain = email && strrchr(email, '@') ? strrchr(email, '@') + 1 : NULL;

  json_array_foreach(rules, i, rule)
  {
    json_t *when = json_object_get(rule, "when");
    const char *action = json_string_value(json_object_get(rule, "action"));
    const char *name = json_string_value(json_object_get(rule, "name"));
    if (!action || !name || (when && !json_is_object(when)))
      continue; /* not a normalised rule */
    if (!rule_matches(when, &f))
      continue;
    if (strcmp(action, "release") == 0) {
      if (released_by)
        *released_by = name;
      break;
    }
    if (strcmp(action, "hold") != 0)
      continue;
    const char *reason = json_string_value(json_object_get(rule, "reason"));
    const char *kind = json_object_get(when, "price_mismatch_pct_gt") ? "price_mismatch" : "order_hold";
    json_array_append_new(holds, json_pack("{s:s,s:s,s:s}", "rule", name, "reason",
                                           reason ? reason : "review", "kind", kind));
  }
  return holds;
}
