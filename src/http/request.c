/* request.c: what handlers read from a request: query arguments, headers,
 * paging, If-Match, path codes and the JSON body. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>
#include "oms/common.h"
#include "oms/http.h"
#include "oms/json_spec.h"
#include "oms/repo.h"

const char *http_query(struct http_request *r, const char *name)
{
  return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(struct http_request *r, const char *name)
{
  return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static bool parse_ll(const char *s, long long *out)
{
  char *end;
  if (!s || !((*s >= '0' && *s <= '9') || *s == '-'))
    return false;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || *end || end == s)
    return false;
  *out = v;
  return true;
}

bool http_limit_arg(struct http_request *r, int *limit)
{
  const char *l = http_query(r, "limit");
  long long v;
  *limit = 50;
  if (l) {
    if (!parse_ll(l, &v) || v < 1 || v > 500) {
      http_fail_field(r, OMS_ERR_VALIDATION, "limit", "must be an integer from 1 to 500");
      return false;
    }
    *limit = (int)v;
  }
  return true;
}

bool http_page_args(struct http_request *r, int *limit, long long *after)
{
  const char *a = http_query(r, "after");
  long long v;
  *after = 0;
  if (!http_limit_arg(r, limit))
    return false;
  if (a && *a) {
    if (!parse_ll(a, &v) || v < 0) {
      http_fail_field(r, OMS_ERR_VALIDATION, "after", "is not a cursor from this list");
      return false;
    }
    *after = v;
  }
  return true;
}

void http_reply_page(struct http_request *r, json_t *items, int limit, json_t *cursors)
{
  json_t *next = json_null();
  if (json_array_size(items) > (size_t)limit) {
    json_array_remove(items, (size_t)limit);
    json_t *c = json_array_get(cursors, (size_t)limit - 1);
    if (c)
      next = json_incref(c);
  }
  json_decref(cursors);
  http_ok(r, 200, json_pack("{s:o,s:o}", "data", items, "next_cursor", next));
}

bool http_if_match(struct http_request *r, long long *version)
{
  const char *h = http_header(r, "If-Match");
  char buf[32];
  *version = -1;
  if (!h)
    return true;
  /* accept 3, "3" and W/"3" */
  size_t n = strlen(h);
  if (n >= 2 && h[0] == 'W' && h[1] == '/') {
    h += 2;
    n -= 2;
  }
  if (n >= 2 && h[0] == '"' && h[n - 1] == '"' && n - 2 < sizeof buf) {
    memcpy(buf, h + 1, n - 2);
    buf[n - 2] = '\0';
    h = buf;
  }
  if (!parse_ll(h, version) || *version < 0) {
    http_fail_field(r, OMS_ERR_VALIDATION, "If-Match", "must be the object's version, an integer");
    return false;
  }
  return true;
}

const char *http_param_code(struct http_request *r, unsigned i, const char *field)
{
  const char *v = i < r->nparams ? r->params[i] : NULL;
  if (!oms_code_valid(v)) {
    /* a read of a name that cannot exist finds nothing; a write is invalid */
    bool read = strcmp(r->method, "GET") == 0 || strcmp(r->method, "DELETE") == 0;
    http_fail_field(r, read ? OMS_ERR_NOT_FOUND : OMS_ERR_VALIDATION, field,
                    read ? "does not exist" : "must be 1-64 characters of A-Z a-z 0-9 . _ -");
    return NULL;
  }
  return v;
}

json_t *http_body_object(struct http_request *r)
{
  if (!r->json || !json_is_object(r->json)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "body", "must be a JSON object");
    return NULL;
  }
  return r->json;
}

json_t *http_body_spec(struct http_request *r, const struct js_field *spec)
{
  json_t *out = NULL;
  json_t *errors = json_array();
  if (!http_body_object(r)) {
    json_decref(errors);
    return NULL;
  }
  if (js_parse(spec, r->json, "", &out, errors) != 0) {
    http_fail(r, OMS_ERR_VALIDATION, "The request body has invalid fields", errors);
    return NULL;
  }
  json_decref(errors);
  return out;
}

json_t *http_parse_with(struct http_request *r, http_doc_parser parse)
{
  json_t *out = NULL;
  if (!http_body_object(r))
    return NULL;
  json_t *errors = json_array();
  if (parse(r->json, &out, errors) != 0) {
    http_fail(r, OMS_ERR_VALIDATION, "The request body has invalid fields", errors);
    return NULL;
  }
  json_decref(errors);
  return out;
}

void http_reply_put(struct http_request *r, int rc, json_t *out, bool created)
{
  if (rc < 0)
    http_fail_db(r, rc);
  else if (rc == 0)
    http_fail(r, OMS_ERR_PRECONDITION_FAILED,
              "If-Match does not match the current version (or the object does not exist)", NULL);
  else {
    http_ok(r, created ? 201 : 200, out);
    return;
  }
  json_decref(out);
}

void http_reply_get(struct http_request *r, int rc, json_t *out, const char *field)
{
  if (rc < 0)
    http_fail_db(r, rc);
  else if (rc == 0 || !out)
    http_fail_field(r, OMS_ERR_NOT_FOUND, field, "does not exist");
  else {
    http_ok(r, 200, out);
    return;
  }
  json_decref(out);
}

void http_reply_list(struct http_request *r, int rc, json_t *items, json_t *cursors, int limit)
{
  if (rc < 0) {
    json_decref(items);
    json_decref(cursors);
    http_fail_db(r, rc);
    return;
  }
  http_reply_page(r, items, limit, cursors);
}

bool http_require(struct http_request *r, struct repo_tx *tx, int kind, const char *code,
                  const char *field)
{
  int rc = repo_exists(tx, (enum repo_kind)kind, code);
  if (rc < 0) {
    http_fail_db(r, rc);
    return false;
  }
  if (rc == 0) {
    http_fail_field(r, OMS_ERR_NOT_FOUND, field, "does not exist");
    return false;
  }
  return true;
}

struct query_all {
  const char *name;
  json_t *out;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
  struct query_all *q = cls;
  (void)kind;
  if (!key || strcmp(key, q->name) != 0 || !value)
    return MHD_YES;
  const char *s = value;
  while (*s) {
    const char *comma = strchr(s, ',');
    size_t len = comma ? (size_t)(comma - s) : strlen(s);
    if (len)
      json_array_append_new(q->out, json_stringn(s, len));
    s += len;
    if (*s == ',')
      s++;
  }
  return MHD_YES;
}

void http_query_all(struct http_request *r, const char *name, json_t *out)
{
  struct query_all q = {name, out};
  MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &q);
}

bool http_query_enum(struct http_request *r, const char *name, const char *const *allowed,
                     const char *message, const char **out)
{
  const char *v = http_query(r, name);
  *out = v;
  if (!v)
    return true;
  for (; *allowed; allowed++)
    if (strcmp(*allowed, v) == 0)
      return true;
  http_fail_field(r, OMS_ERR_VALIDATION, name, message);
  return false;
}
