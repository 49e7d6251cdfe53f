/* h_order_actions.c: staff actions on an order: hold, release, cancel
 * (whole or some lines) and reroute, each run by the action runner (act.c):
 * the order's row is locked, the engine computes the change from its state
 * (or refuses it: 409 invalid_state), and one call applies it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/repo.h"

/* Runs one staff action on the order of the path and replies with the
 * order after it. */
static void act_on_order(struct http_request *r, struct repo_tx *tx, struct http_action *act)
{
  json_t *after = NULL;
  act->order_id = r->params[0];
  if (http_run_action(r, tx, act, "id", &after) > 0)
    http_ok(r, 200, after);
}

/* An optional JSON object body; fails 400 when the body is not one. */
static bool optional_object(struct http_request *r)
{
  if (r->json && !json_is_object(r->json)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "body", "must be a JSON object");
    return false;
  }
  return true;
}

static bool optional_string(struct http_request *r, const char *name, const char **out)
{
  json_t *v = r->json ? json_object_get(r->json, name) : NULL;
  *out = NULL;
  if (!v || json_is_null(v))
    return true;
  if (!json_is_string(v) || json_string_length(v) > 500) {
    http_fail_field(r, OMS_ERR_VALIDATION, name, "must be a string of at most 500 characters");
    return false;
  }
  *out = json_string_value(v);
  return true;
}

static enum oms_err run_hold(struct eng_act *a, const struct oms_order *o, void *cls,
                             struct oms_change *change)
{
  return eng_act_hold(a, o, cls, change);
}

void http_post_orders_ID_hold(struct http_request *r, struct repo_tx *tx)
{
  const char *reason;
  if (!optional_object(r) || !optional_string(r, "reason", &reason))
    return;
  struct http_action act = {.run = run_hold, .cls = (void *)reason};
  act_on_order(r, tx, &act);
}

static enum oms_err run_release(struct eng_act *a, const struct oms_order *o, void *cls,
                                struct oms_change *change)
{
  (void)cls;
  return eng_act_release(a, o, change);
}

void http_post_orders_ID_release(struct http_request *r, struct repo_tx *tx)
{
  if (!optional_object(r))
    return;
  struct http_action act = {.run = run_release};
  act_on_order(r, tx, &act);
}

static const struct js_field cancel_line_spec[] = {
    /* a line is named by its number ("line", from 1) or by its sku */
    {.name = "line", .type = JS_INT, .min = 1, .max = 100000},
    {.name = "sku", .type = JS_CODE},
    {.name = "quantity", .type = JS_INT, .min = 1, .max = 1000000000},
    {.type = JS_END},
};

static const struct js_field cancel_spec[] = {
    {.name = "reason", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 500, .def = "null"},
    {.name = "lines", .type = JS_ARRAY, .flags = JS_NULLABLE, .sub = cancel_line_spec, .max_items = 500, .def = "null"},
    {.type = JS_END},
};

struct cancel_req {
  const char *reason;
  struct eng_cancel_line lines[500];
  size_t n;
};

static enum oms_err run_cancel(struct eng_act *a, const struct oms_order *o, void *cls,
                               struct oms_change *change)
{
  struct cancel_req *c = cls;
  return eng_act_cancel(a, o, c->n ? c->lines : NULL, c->n, c->reason, change);
}

/* The validated cancel body as the engine takes it; false (400 set) when a
 * line names neither its number nor its sku. */
static bool cancel_request(struct http_request *r, json_t *doc, struct cancel_req *c)
{
  size_t i;
  json_t *l;
  c->reason = json_string_value(json_object_get(doc, "reason"));
  c->n = 0;
  json_array_foreach(json_object_get(doc, "lines"), i, l)
  {
    json_t *line = json_object_get(l, "line"), *q = json_object_get(l, "quantity");
    if (!line && !json_object_get(l, "sku")) {
      char field[48];
      snprintf(field, sizeof field, "lines[%zu].line", i);
      http_fail_field(r, OMS_ERR_VALIDATION, field, "give the line number or its sku");
      return false;
    }
    c->lines[c->n++] = (struct eng_cancel_line){
        .line = line ? (int)json_integer_value(line) : 0,
        .sku = json_string_value(json_object_get(l, "sku")),
        .quantity = json_is_integer(q) ? json_integer_value(q) : -1};
  }
  return true;
}

void http_post_orders_ID_cancel(struct http_request *r, struct repo_tx *tx)
{
  json_t *doc = NULL;
  struct cancel_req *c = oms_calloc(1, sizeof *c);
  if (!optional_object(r) || (r->json && !(doc = http_body_spec(r, cancel_spec))))
    goto cleanup;
  if (doc && !cancel_request(r, doc, c))
    goto cleanup;
  struct http_action act = {.run = run_cancel, .cls = c};
  act_on_order(r, tx, &act);
cleanup:
  json_decref(doc);
  free(c);
}

static enum oms_err run_reroute(struct eng_act *a, const struct oms_order *o, void *cls,
                                struct oms_change *change)
{
  (void)cls;
  return eng_act_reroute(a, o, change);
}

void http_post_orders_ID_reroute(struct http_request *r, struct repo_tx *tx)
{
  if (!optional_object(r))
    return;
  struct http_action act = {.run = run_reroute, .routes = true};
  act_on_order(r, tx, &act);
}
