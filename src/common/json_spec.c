/* json_spec.c: table-driven validation of request bodies (see json_spec.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "oms/common.h"
#include "oms/json_spec.h"

void js_error(json_t *errors, const char *path, const char *msg)
{
  json_array_append_new(errors, json_pack("{s:s,s:s}", "field", path, "message", msg));
}

/* Formats a field path into dst. A path longer than dst (only a client's
 * own absurd object keys make one) is cut and ends in "...", so an error
 * message never names a different field than the one at fault. */
static void path_fmt(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void path_fmt(char *dst, size_t n, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int w = vsnprintf(dst, n, fmt, ap);
  va_end(ap);
  if (w >= 0 && (size_t)w >= n && n > 4)
    memcpy(dst + n - 4, "...", 4);
}

static void join(char *dst, size_t n, const char *prefix, const char *name)
{
  if (prefix && *prefix)
    path_fmt(dst, n, "%s.%s", prefix, name);
  else
    path_fmt(dst, n, "%s", name);
}

static int check_int(const struct js_field *f, json_t *v, const char *path, json_t *errors)
{
  char msg[128];
  if (!json_is_integer(v)) {
    js_error(errors, path, "must be an integer");
    return -1;
  }
  json_int_t n = json_integer_value(v);
  if (n < f->min || n > f->max) {
    if (f->max == (long long)INT64_MAX || f->max == 0x7fffffffffffffffLL)
      snprintf(msg, sizeof msg, "must be >= %lld", f->min);
    else
      snprintf(msg, sizeof msg, "must be between %lld and %lld", f->min, f->max);
    js_error(errors, path, msg);
    return -1;
  }
  return 0;
}

static int check_string(const struct js_field *f, json_t *v, const char *path, json_t *errors)
{
  char msg[128];
  if (!json_is_string(v)) {
    js_error(errors, path, "must be a string");
    return -1;
  }
  /* lengths count characters (UTF-8 code points), not bytes */
  const unsigned char *str = (const unsigned char *)json_string_value(v);
  size_t bytes = json_string_length(v), len = 0;
  for (size_t i = 0; i < bytes; i++)
    len += (str[i] & 0xC0) != 0x80;
  long long max = f->max > 0 ? f->max : 10000;
  if ((long long)len < f->min || (long long)len > max) {
    snprintf(msg, sizeof msg, "must be %lld to %lld characters", f->min, max);
    js_error(errors, path, msg);
    return -1;
  }
  if (memchr(json_string_value(v), '\0', bytes)) {
    js_error(errors, path, "must not contain NUL characters");
    return -1;
  }
  return 0;
}

static int check_code(json_t *v, const char *path, json_t *errors)
{
  if (!json_is_string(v)) {
    js_error(errors, path, "must be a string");
    return -1;
  }
  if (!oms_code_valid(json_string_value(v)) || strlen(json_string_value(v)) != json_string_length(v)) {
    js_error(errors, path, "must be 1-64 characters of A-Z a-z 0-9 . _ -");
    return -1;
  }
  return 0;
}

static json_t *parse_number(const struct js_field *f, json_t *v, const char *path,
                            json_t *errors)
{
  char msg[128];
  if (!json_is_number(v)) {
    js_error(errors, path, "must be a number");
    return NULL;
  }
  double d = json_number_value(v);
  if (!isfinite(d) || d < f->dmin || d > f->dmax) {
    snprintf(msg, sizeof msg, "must be between %g and %g", f->dmin, f->dmax);
    js_error(errors, path, msg);
    return NULL;
  }
  return json_real(d);
}

static json_t *parse_enum(const struct js_field *f, json_t *v, const char *path, json_t *errors)
{
  char msg[256];
  if (json_is_string(v))
    for (const char *const *e = f->enums; *e; e++)
      if (strcmp(*e, json_string_value(v)) == 0)
        return json_incref(v);
  size_t o = (size_t)snprintf(msg, sizeof msg, "must be one of");
  for (const char *const *e = f->enums; *e && o < sizeof msg; e++)
    o += (size_t)snprintf(msg + o, sizeof msg - o, "%s %s", e == f->enums ? "" : ",", *e);
  js_error(errors, path, msg);
  return NULL;
}

/* JS_STRINGS and JS_CODES: an array of strings or codes ("*" with JS_STAR). */
static json_t *parse_list(const struct js_field *f, json_t *v, const char *path, json_t *errors)
{
  char sub[512], msg[64];
  size_t i;
  json_t *e;
  if ((f->flags & JS_STAR) && json_is_string(v) && strcmp(json_string_value(v), "*") == 0)
    return json_incref(v);
  if (!json_is_array(v)) {
    js_error(errors, path, (f->flags & JS_STAR) ? "must be \"*\" or an array of codes"
                                                : "must be an array");
    return NULL;
  }
  if (f->max_items && json_array_size(v) > f->max_items) {
    snprintf(msg, sizeof msg, "must have at most %zu entries", f->max_items);
    js_error(errors, path, msg);
    return NULL;
  }
  int bad = 0;
  json_array_foreach(v, i, e)
  {
    path_fmt(sub, sizeof sub, "%s[%zu]", path, i);
    if (f->type == JS_CODES ? check_code(e, sub, errors) : check_string(f, e, sub, errors))
      bad = 1;
  }
  return bad ? NULL : json_incref(v);
}

static json_t *parse_code_ints(const struct js_field *f, json_t *v, const char *path,
                               json_t *errors)
{
  char sub[512];
  const char *k;
  json_t *e;
  if (!json_is_object(v)) {
    js_error(errors, path, "must be an object");
    return NULL;
  }
  int bad = 0;
  json_object_foreach(v, k, e)
  {
    path_fmt(sub, sizeof sub, "%s.%s", path, k);
    if (!oms_code_valid(k)) {
      js_error(errors, sub, "key must be a code");
      bad = 1;
    } else if (check_int(f, e, sub, errors)) {
      bad = 1;
    }
  }
  return bad ? NULL : json_incref(v);
}

/* JS_ARRAY: 1..max_items objects, each parsed with the sub-spec. */
static json_t *parse_array(const struct js_field *f, json_t *v, const char *path, json_t *errors)
{
  char sub[512], msg[64];
  size_t i;
  json_t *e;
  if (!json_is_array(v)) {
    js_error(errors, path, "must be an array");
    return NULL;
  }
  if (json_array_size(v) == 0 || (f->max_items && json_array_size(v) > f->max_items)) {
    snprintf(msg, sizeof msg, "must have 1 to %zu entries", f->max_items ? f->max_items : (size_t)10000);
    js_error(errors, path, msg);
    return NULL;
  }
  json_t *out = json_array();
  int bad = 0;
  json_array_foreach(v, i, e)
  {
    json_t *o = NULL;
    path_fmt(sub, sizeof sub, "%s[%zu]", path, i);
    if (!json_is_object(e)) {
      js_error(errors, sub, "must be an object");
      bad = 1;
    } else if (js_parse(f->sub, e, sub, &o, errors) == 0) {
      json_array_append_new(out, o);
    } else {
      bad = 1;
    }
  }
  if (bad) {
    json_decref(out);
    return NULL;
  }
  return out;
}

/* Validates one present, non-null value; returns a new normalised value or NULL. */
static json_t *parse_value(const struct js_field *f, json_t *v, const char *path, json_t *errors)
{
  json_t *out = NULL;
  switch (f->type) {
  case JS_STRING:
    return check_string(f, v, path, errors) ? NULL : json_incref(v);
  case JS_CODE:
    return check_code(v, path, errors) ? NULL : json_incref(v);
  case JS_INT:
    return check_int(f, v, path, errors) ? NULL : json_incref(v);
  case JS_NUMBER:
    return parse_number(f, v, path, errors);
  case JS_BOOL:
    if (!json_is_boolean(v)) {
      js_error(errors, path, "must be true or false");
      return NULL;
    }
    return json_incref(v);
  case JS_ENUM:
    return parse_enum(f, v, path, errors);
  case JS_DATE:
    if (!json_is_string(v) || !oms_date_valid(json_string_value(v))) {
      js_error(errors, path, "must be a date YYYY-MM-DD");
      return NULL;
    }
    return json_incref(v);
  case JS_OBJECT:
    if (!json_is_object(v)) {
      js_error(errors, path, "must be an object");
      return NULL;
    }
    js_parse(f->sub, v, path, &out, errors);
    return out;
  case JS_STRINGS:
  case JS_CODES:
    return parse_list(f, v, path, errors);
  case JS_CODE_INTS:
    return parse_code_ints(f, v, path, errors);
  case JS_ARRAY:
    return parse_array(f, v, path, errors);
  case JS_ANY:
    return json_incref(v);
  case JS_END:
    break;
  }
  return NULL;
}

int js_parse(const struct js_field *spec, json_t *in, const char *prefix, json_t **out,
             json_t *errors)
{
  char path[512];
  size_t before = json_array_size(errors);
  json_t *res = json_object();

  *out = NULL;
  if (!json_is_object(in)) {
    js_error(errors, (prefix && *prefix) ? prefix : "body", "must be a JSON object");
    json_decref(res);
    return -1;
  }
  for (const struct js_field *f = spec; f->type != JS_END; f++) {
    json_t *v = json_object_get(in, f->name);
    join(path, sizeof path, prefix, f->name);
    if (!v || (json_is_null(v) && !(f->flags & JS_NULLABLE))) {
      if (f->flags & JS_REQUIRED) {
        js_error(errors, path, v ? "must not be null" : "is required");
      } else if (f->def) {
        json_t *d = json_loads(f->def, JSON_DECODE_ANY, NULL);
        if (d && f->type == JS_OBJECT && json_is_object(d)) {
          /* a default object is itself normalised (sub-defaults filled) */
          json_t *n = NULL;
          js_parse(f->sub, d, path, &n, errors);
          json_decref(d);
          d = n;
        }
        if (d)
          json_object_set_new(res, f->name, d);
      } else if (v && json_is_null(v)) {
        js_error(errors, path, "must not be null");
      }
      continue;
    }
    if (json_is_null(v)) {
      json_object_set_new(res, f->name, json_null());
      continue;
    }
    json_t *n = parse_value(f, v, path, errors);
    if (n)
      json_object_set_new(res, f->name, n);
  }
  if (json_array_size(errors) > before) {
    json_decref(res);
    return -1;
  }
  *out = res;
  return 0;
}
