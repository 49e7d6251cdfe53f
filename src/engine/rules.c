/* rules.c: order rules (PUT /v1/order-rules; docs/order-rules.md).
 * An ordered list of {name, when, action, reason}: when an order arrives,
 * every matching "hold" rule adds a hold and a matching "release" rule stops
 * the evaluation. Validation is strict about keys (an unknown condition or
 * rule field is an error) because a typo that silently dropped a condition
 * would turn the rule into one that matches every order. */
#include <stdio.h>
#include <string.h>
#include "oms/common.h"
#include "oms/engine.h"
#include "oms/model.h"

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

/* A condition: its checker, and the compiler that stores its value in a
 * compiled rule. */
struct compiled_rule;
typedef bool (*compile_fn)(json_t *v, struct oms_arena *a, struct compiled_rule *r);

static bool compile_total_gt(json_t *v, struct oms_arena *a, struct compiled_rule *r);
static bool compile_total_lt(json_t *v, struct oms_arena *a, struct compiled_rule *r);
static bool compile_channel(json_t *v, struct oms_arena *a, struct compiled_rule *r);
static bool compile_country_in(json_t *v, struct oms_arena *a, struct compiled_rule *r);
static bool compile_country_not_in(json_t *v, struct oms_arena *a, struct compiled_rule *r);
static bool compile_ship_method(json_t *v, struct oms_arena *a, struct compiled_rule *r);
static bool compile_price(json_t *v, struct oms_arena *a, struct compiled_rule *r);
static bool compile_missing(json_t *v, struct oms_arena *a, struct compiled_rule *r);
static bool compile_domains(json_t *v, struct oms_arena *a, struct compiled_rule *r);

static const struct cond {
  const char *key;
  elem_fn check;
  compile_fn compile;
} conds[] = {
    {"total_gt", check_total, compile_total_gt},
    {"total_lt", check_total, compile_total_lt},
    {"channel", check_channel, compile_channel},
    {"country_in", check_countries, compile_country_in},
    {"country_not_in", check_countries, compile_country_not_in},
    {"ship_method", check_ship_method, compile_ship_method},
    {"price_mismatch_pct_gt", check_pct, compile_price},
    {"missing", check_missing, compile_missing},
    {"email_domain_in", check_domains, compile_domains},
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

/* ---- compiled rules ---- */

/* A list condition: present, with its values. */
struct str_list {
  bool present;
  const char **v;
  size_t n;
};

struct compiled_rule {
  const char *name, *reason;
  bool release;         /* action "release", else "hold" */
  bool never;           /* not a normalised rule: never matches */
  bool has_total_gt, has_total_lt, has_price;
  long long total_gt, total_lt;
  double price_pct;
  struct str_list channels, ship_methods, country_in, country_not_in, missing, domains;
};

struct eng_order_rules {
  struct compiled_rule *rules;
  size_t n;
};

/* One string or an array of strings; non-strings are skipped. */
static bool compile_list(json_t *v, struct oms_arena *a, struct str_list *out)
{
  size_t n = json_is_array(v) ? json_array_size(v) : 1, i;
  json_t *e;
  out->present = true;
  out->v = oms_arena_alloc(a, n * sizeof *out->v + 1);
  if (json_is_string(v)) {
    out->v[out->n++] = oms_arena_strdup(a, json_string_value(v));
    return true;
  }
  json_array_foreach(v, i, e) if (json_is_string(e)) out->v[out->n++] =
      oms_arena_strdup(a, json_string_value(e));
  return json_is_array(v);
}

static bool compile_total_gt(json_t *v, struct oms_arena *a, struct compiled_rule *r)
{
  (void)a;
  r->has_total_gt = true;
  r->total_gt = json_integer_value(v);
  return json_is_integer(v);
}

static bool compile_total_lt(json_t *v, struct oms_arena *a, struct compiled_rule *r)
{
  (void)a;
  r->has_total_lt = true;
  r->total_lt = json_integer_value(v);
  return json_is_integer(v);
}

static bool compile_channel(json_t *v, struct oms_arena *a, struct compiled_rule *r)
{
  return compile_list(v, a, &r->channels);
}

static bool compile_ship_method(json_t *v, struct oms_arena *a, struct compiled_rule *r)
{
  return compile_list(v, a, &r->ship_methods);
}

static bool compile_country_in(json_t *v, struct oms_arena *a, struct compiled_rule *r)
{
  return json_is_array(v) && compile_list(v, a, &r->country_in);
}

static bool compile_country_not_in(json_t *v, struct oms_arena *a, struct compiled_rule *r)
{
  return json_is_array(v) && compile_list(v, a, &r->country_not_in);
}

static bool compile_price(json_t *v, struct oms_arena *a, struct compiled_rule *r)
{
  (void)a;
  r->has_price = true;
  r->price_pct = json_number_value(v);
  return json_is_number(v);
}

static bool compile_missing(json_t *v, struct oms_arena *a, struct compiled_rule *r)
{
  return json_is_array(v) && compile_list(v, a, &r->missing);
}

static bool compile_domains(json_t *v, struct oms_arena *a, struct compiled_rule *r)
{
  return json_is_array(v) && compile_list(v, a, &r->domains);
}

/* A rule that is not in the normalised shape never matches: a condition
 * silently dropped would make it match every order. */
static void compile_rule(json_t *rule, struct oms_arena *a, struct compiled_rule *r)
{
  json_t *when = json_object_get(rule, "when");
  const char *action = json_string_value(json_object_get(rule, "action"));
  const char *key;
  json_t *v;
  r->name = oms_arena_strdup(a, json_string_value(json_object_get(rule, "name")));
  r->reason = oms_arena_strdup(a, json_string_value(json_object_get(rule, "reason")));
  r->release = action && strcmp(action, "release") == 0;
  r->never = !r->name || !action || (!r->release && strcmp(action, "hold") != 0) ||
             (when && !json_is_object(when));
  json_object_foreach(when, key, v)
  {
    const struct cond *c = cond_find(key);
    if (!c || !c->compile(v, a, r))
      r->never = true;
  }
}

int eng_order_rules_compile(json_t *rules, struct oms_arena *a, const struct eng_order_rules **out)
{
  struct eng_order_rules *r = oms_arena_alloc(a, sizeof *r);
  *out = r;
  if (!rules || json_is_null(rules))
    return 0;
  if (!json_is_array(rules))
    return -1;
  r->rules = oms_arena_alloc(a, (json_array_size(rules) + 1) * sizeof *r->rules);
  size_t i;
  json_t *rule;
  json_array_foreach(rules, i, rule)
  {
    if (!json_is_object(rule))
      return -1;
    compile_rule(rule, a, &r->rules[r->n++]);
  }
  return 0;
}

/* ---- evaluation ---- */

/* What evaluation needs of an order, computed once per evaluation. */
struct facts {
  const struct oms_order_request *order;
  const long long *unit_prices, *catalog_prices;
  long long total; /* saturated at the long long range */
  const char *channel, *ship_method, *country, *email_domain;
};

static bool listed(const struct str_list *l, const char *v, bool nocase)
{
  for (size_t i = 0; v && i < l->n; i++)
    if (nocase ? ascii_eq_nocase(l->v[i], v) : strcmp(l->v[i], v) == 0)
      return true;
  return false;
}

/* A line mismatches when |unit_price - price| / price * 100 > pct, written
 * as |unit_price - price| * 100 > pct * price so that no division rounds a
 * boundary case (5% of 100 is exactly 5: no mismatch). Long double holds
 * the products of any two 63-bit integers without overflow. A catalog
 * price of 0 makes any non-zero unit price a mismatch; a line without a
 * catalog price (< 0) cannot mismatch. */
static bool price_mismatch(double pct_d, const struct facts *f)
{
  long double pct = (long double)pct_d;
  for (size_t i = 0; i < f->order->n_lines; i++) {
    if (f->unit_prices[i] < 0 || f->catalog_prices[i] < 0)
      continue;
    long double unit = (long double)f->unit_prices[i];
    long double price = (long double)f->catalog_prices[i];
    long double diff = unit > price ? unit - price : price - unit;
    if (price == 0) {
      if (unit != 0)
        return true;
    } else if (diff * 100 > pct * price) {
      return true;
    }
  }
  return false;
}

static bool empty(const char *s)
{
  return !s || !*s;
}

/* Whether a dotted field path of the order (as eng_order_parse normalises
 * it) is absent, null or "". Paths walk objects only: a path into lines
 * (an array) or past a scalar finds nothing. */
static bool path_missing(const struct oms_order_request *o, const char *path)
{
  const struct oms_address *ad = &o->address;
  const char *sub;
  if (strcmp(path, "channel") == 0)
    return empty(o->channel);
  if (strcmp(path, "external_id") == 0)
    return empty(o->external_id);
  if (strcmp(path, "currency") == 0)
    return empty(o->currency);
  if (strcmp(path, "ship_method") == 0 || strcmp(path, "ship_complete") == 0 ||
      strcmp(path, "lines") == 0)
    return false;
  if (strcmp(path, "customer") == 0)
    return !o->has_customer;
  if (strcmp(path, "shipping_address") == 0)
    return !o->has_address;
  if (strcmp(path, "payment") == 0)
    return !o->has_payment;
  if (strncmp(path, "customer.", 9) == 0 && o->has_customer) {
    sub = path + 9;
    return strcmp(sub, "email") == 0 ? empty(o->customer.email)
           : strcmp(sub, "name") == 0 ? empty(o->customer.name)
                                       : true;
  }
  if (strncmp(path, "payment.", 8) == 0 && o->has_payment) {
    sub = path + 8;
    return strcmp(sub, "status") == 0 ? false : strcmp(sub, "amount") == 0 ? !o->payment.has_amount
                                                                           : true;
  }
  if (strncmp(path, "shipping_address.", 17) != 0 || !o->has_address)
    return true;
  sub = path + 17;
  const struct {
    const char *key;
    const char *value;
  } fields[] = {{"name", ad->name},     {"line1", ad->line1},   {"line2", ad->line2},
                {"city", ad->city},     {"region", ad->region}, {"postal_code", ad->postal_code},
                {"country", ad->country}, {"phone", ad->phone}};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
    if (strcmp(sub, fields[i].key) == 0)
      return empty(fields[i].value);
  return !(strcmp(sub, "lat") == 0 || strcmp(sub, "lon") == 0) || !ad->has_coords;
}

static bool any_missing(const struct str_list *paths, const struct oms_order_request *o)
{
  for (size_t i = 0; i < paths->n; i++)
    if (path_missing(o, paths->v[i]))
      return true;
  return false;
}

/* Every condition of the rule holds. No country: not in any list, so
 * country_in fails and country_not_in holds (a "ship only to US/CA" hold
 * must catch an order without one). */
static bool rule_matches(const struct compiled_rule *r, const struct facts *f)
{
  if (r->never)
    return false;
  if ((r->has_total_gt && !(f->total > r->total_gt)) ||
      (r->has_total_lt && !(f->total < r->total_lt)))
    return false;
  if ((r->channels.present && !listed(&r->channels, f->channel, false)) ||
      (r->ship_methods.present && !listed(&r->ship_methods, f->ship_method, false)))
    return false;
  if (r->country_in.present && !(f->country && listed(&r->country_in, f->country, true)))
    return false;
  if (r->country_not_in.present && f->country && listed(&r->country_not_in, f->country, true))
    return false;
  if (r->has_price && !price_mismatch(r->price_pct, f))
    return false;
  if (r->missing.present && !any_missing(&r->missing, f->order))
    return false;
  if (r->domains.present &&
      (empty(f->email_domain) || !listed(&r->domains, f->email_domain, true)))
    return false;
  return true;
}

long long eng_order_total(const struct oms_order_request *o, const long long *unit_prices)
{
  long long total = 0;
  for (size_t i = 0; i < o->n_lines; i++) {
    long long a = o->lines[i].quantity, t;
    long long b = unit_prices ? unit_prices[i] : o->lines[i].unit_price;
    if (unit_prices ? b < 0 : !o->lines[i].has_unit_price)
      continue;
    if (__builtin_mul_overflow(a, b, &t))
      t = ((a < 0) != (b < 0)) ? I64MIN : I64MAX;
    if (__builtin_add_overflow(total, t, &total))
      total = t < 0 ? I64MIN : I64MAX;
  }
  return total;
}

const char *eng_order_rules_eval(const struct eng_order_rules *rules,
                                 const struct oms_order_request *order,
                                 const long long *unit_prices, const long long *catalog_prices,
                                 struct oms_arena *a, oms_new_holds *holds)
{
  const char *email = order->has_customer ? order->customer.email : NULL;
  struct facts f = {
      .order = order,
      .unit_prices = unit_prices,
      .catalog_prices = catalog_prices,
      .total = eng_order_total(order, unit_prices),
      .channel = empty(order->channel) ? NULL : order->channel,
      .ship_method = order->has_ship_method ? oms_ship_method_name(order->ship_method) : NULL,
      .country = order->has_address && !empty(order->address.country) ? order->address.country : NULL,
      .email_domain = email && strrchr(email, '@') ? strrchr(email, '@') + 1 : NULL,
  };
  for (size_t i = 0; rules && i < rules->n; i++) {
    const struct compiled_rule *r = &rules->rules[i];
    if (!rule_matches(r, &f))
      continue;
    if (r->release)
      return r->name;
    struct oms_new_hold *h = OMS_APPEND(a, *holds);
    h->kind = r->has_price ? OMS_HOLD_PRICE_MISMATCH : OMS_HOLD_ORDER;
    h->rule = r->name;
    h->reason = r->reason ? r->reason : "review";
  }
  return NULL;
}
