/* unit_model.c: the unit suites' bridge to the typed engine. Test fixtures
 * are written as the JSON the database functions return (oms_order_json,
 * oms_capture_inputs, oms_ats_inputs), and expected results as the JSON the
 * database functions take; these helpers read the fixtures with the
 * repository's own readers (rows_read.c), call the typed engine, and write
 * its result with the repository's writers (rows_write.c), so a test checks
 * the engine and the codec the daemon really uses. */
#include <check.h>
#include <string.h>
#include "oms/engine.h"
#include "oms/rows.h"
#include "unit.h"

/* The arena of the last call: results that point into it (a released_by
 * name) stay valid until the next call. */
static struct oms_arena *last;

static struct oms_arena *fresh_arena(void)
{
  oms_arena_free(last);
  return last = oms_arena_new();
}

static json_t *errors_json(const eng_errors *errors)
{
  json_t *a = json_array();
  for (size_t i = 0; i < errors->n; i++)
    js_error(a, errors->items[i].field, errors->items[i].message);
  return a;
}

/* ---- ATS ---- */

json_t *ut_ats_eval(json_t *channel, json_t *inputs)
{
  struct oms_arena *a = fresh_arena();
  struct oms_channel_view ch;
  struct oms_ats_inputs in;
  struct eng_ats r;
  ck_assert_int_eq(rows_channel_view(channel, a, &ch), 0);
  ck_assert_int_eq(rows_ats_inputs(inputs, a, &in), 0);
  long long *pools = oms_arena_alloc(a, (in.n_positions + 1) * sizeof *pools);
  eng_ats_of(&ch, &in, pools, &r);
  json_t *locs = json_array();
  for (size_t i = 0; i < in.n_positions; i++)
    json_array_append_new(locs, json_pack("{s:s,s:I}", "location", in.positions[i].location,
                                          "pool", (json_int_t)pools[i]));
  return json_pack("{s:s,s:I,s:I,s:I,s:I,s:o}", "sku", in.sku, "available_to_sell",
                   (json_int_t)r.available_to_sell, "on_hand_ats", (json_int_t)r.on_hand_ats,
                   "dropship_ats", (json_int_t)r.dropship_ats, "preorder_ats",
                   (json_int_t)r.preorder_ats, "locations", locs);
}

/* ---- order rules ---- */

json_t *ut_rules_eval(json_t *rules, json_t *order, json_t *prices, const char **released_by)
{
  struct oms_arena *a = fresh_arena();
  const struct eng_order_rules *compiled;
  struct oms_order_request req;
  oms_new_holds holds = {0};
  ck_assert_int_eq(eng_order_rules_compile(rules, a, &compiled), 0);
  ck_assert_int_eq(rows_order_request(order, a, &req), 0);
  long long *unit = oms_arena_alloc(a, (req.n_lines + 1) * sizeof *unit);
  long long *catalog = oms_arena_alloc(a, (req.n_lines + 1) * sizeof *catalog);
  for (size_t i = 0; i < req.n_lines; i++) {
    json_t *p = req.lines[i].sku ? json_object_get(prices, req.lines[i].sku) : NULL;
    unit[i] = req.lines[i].has_unit_price ? req.lines[i].unit_price : -1;
    catalog[i] = json_is_integer(p) ? json_integer_value(p) : -1;
  }
  const char *rel = eng_order_rules_eval(compiled, &req, unit, catalog, a, &holds);
  if (released_by)
    *released_by = rel;
  json_t *out = json_array();
  for (size_t i = 0; i < holds.n; i++)
    json_array_append_new(out, json_pack("{s:s,s:s,s:s}", "rule", holds.items[i].rule, "reason",
                                         holds.items[i].reason, "kind",
                                         oms_hold_kind_name(holds.items[i].kind)));
  return out;
}

/* ---- capture ---- */

/* Reads the inputs and compiles the rules they carry. */
static void read_inputs(json_t *inputs, const char *channel, struct oms_arena *a,
                        struct oms_capture_inputs *in, struct eng_rules *routing,
                        const struct eng_order_rules **order_rules)
{
  ck_assert_int_eq(rows_capture_inputs(inputs, channel, a, in), 0);
  json_t *rr = json_object_get(inputs, "routing_rules");
  memset(routing, 0, sizeof *routing);
  if (json_is_array(rr))
    ck_assert_int_eq(eng_rules_compile(rr, routing), 0);
  if (order_rules)
    ck_assert_int_eq(eng_order_rules_compile(json_object_get(inputs, "order_rules"), a,
                                             order_rules), 0);
}

enum eng_capture_result ut_capture(json_t *order, json_t *inputs,
                                   const struct eng_capture_ctx *ctx, json_t **payload,
                                   json_t **errors)
{
  struct oms_arena *a = fresh_arena();
  struct oms_order_request req;
  struct oms_capture_inputs in;
  struct eng_rules routing;
  const struct eng_order_rules *order_rules;
  struct oms_capture out;
  eng_errors errs = {0};
  ck_assert_int_eq(rows_order_request(order, a, &req), 0);
  read_inputs(inputs, req.channel, a, &in, &routing, &order_rules);
  struct eng_capture_in ci = {.order = &req, .inputs = &in, .routing = &routing,
                              .order_rules = order_rules, .ctx = ctx};
  enum eng_capture_result rc = eng_capture(&ci, a, &out, &errs);
  *payload = rc == ENG_CAPTURE_OK ? rows_capture_payload(&out, &req, true) : NULL;
  *errors = rc == ENG_CAPTURE_OK ? NULL : errors_json(&errs);
  eng_rules_free(&routing);
  return rc;
}

json_t *ut_simulate(json_t *order, json_t *inputs, json_t **errors)
{
  struct oms_arena *a = fresh_arena();
  struct oms_order_request req;
  struct oms_capture_inputs in;
  struct eng_rules routing;
  const char *decision = NULL;
  eng_errors errs = {0};
  ck_assert_int_eq(rows_order_request(order, a, &req), 0);
  read_inputs(inputs, req.channel, a, &in, &routing, NULL);
  struct eng_capture_in ci = {.order = &req, .inputs = &in, .routing = &routing};
  enum eng_capture_result rc = eng_simulate(&ci, a, &decision, &errs);
  eng_rules_free(&routing);
  *errors = rc == ENG_CAPTURE_OK ? NULL : errors_json(&errs);
  return rc == ENG_CAPTURE_OK ? json_loads(decision, 0, NULL) : NULL;
}

/* ---- changes ---- */

/* Runs one action on the order (and inputs, when given), and writes the
 * change as repo_order_apply would send it. */
struct act_call {
  struct oms_order order;
  struct oms_capture_inputs in;
  struct eng_rules routing;
  struct oms_change change;
};

static void act_begin(struct eng_act *a, json_t *order, json_t *inputs, struct act_call *c)
{
  memset(c, 0, sizeof *c);
  a->arena = fresh_arena();
  ck_assert_int_eq(rows_order(order, a->arena, &c->order), 0);
  a->inputs = NULL;
  a->routing = NULL;
  if (inputs) {
    read_inputs(inputs, c->order.channel, a->arena, &c->in, &c->routing, NULL);
    a->inputs = &c->in;
    a->routing = &c->routing;
  }
}

static enum oms_err act_end(struct eng_act *a, enum oms_err e, struct act_call *c, json_t **change)
{
  *change = e == OMS_OK ? rows_change_payload(&c->change, c->order.has_address
                                                              ? &c->order.address
                                                              : NULL)
                        : NULL;
  eng_rules_free(&c->routing);
  a->arena = NULL;
  a->inputs = NULL;
  a->routing = NULL;
  return e;
}

enum oms_err ut_act_hold(struct eng_act *a, json_t *order, const char *reason, json_t **change)
{
  struct act_call c;
  act_begin(a, order, NULL, &c);
  return act_end(a, eng_act_hold(a, &c.order, reason, &c.change), &c, change);
}

enum oms_err ut_act_release(struct eng_act *a, json_t *order, json_t **change)
{
  struct act_call c;
  act_begin(a, order, NULL, &c);
  return act_end(a, eng_act_release(a, &c.order, &c.change), &c, change);
}

enum oms_err ut_act_cancel(struct eng_act *a, json_t *order, json_t *lines, const char *reason,
                           json_t **change)
{
  struct act_call c;
  act_begin(a, order, NULL, &c);
  size_t n = json_array_size(lines), i;
  struct eng_cancel_line *cl = oms_arena_alloc(a->arena, (n + 1) * sizeof *cl);
  json_t *l;
  json_array_foreach(lines, i, l)
  {
    json_t *q = json_object_get(l, "quantity");
    cl[i] = (struct eng_cancel_line){
        .line = (int)json_integer_value(json_object_get(l, "line")),
        .sku = json_string_value(json_object_get(l, "sku")),
        .quantity = json_is_integer(q) ? json_integer_value(q) : -1};
  }
  return act_end(a, eng_act_cancel(a, &c.order, lines ? cl : NULL, n, reason, &c.change), &c,
                 change);
}

enum oms_err ut_act_reroute(struct eng_act *a, json_t *order, json_t *inputs, json_t **change)
{
  struct act_call c;
  act_begin(a, order, inputs, &c);
  return act_end(a, eng_act_reroute(a, &c.order, &c.change), &c, change);
}

/* {sku, quantity} lists of request bodies. */
static struct eng_units *units_of(struct oms_arena *a, json_t *lines, size_t *n)
{
  size_t i;
  json_t *l;
  *n = json_array_size(lines);
  struct eng_units *u = oms_arena_alloc(a, (*n + 1) * sizeof *u);
  json_array_foreach(lines, i, l) u[i] = (struct eng_units){
      .sku = json_string_value(json_object_get(l, "sku")),
      .quantity = json_integer_value(json_object_get(l, "quantity"))};
  return u;
}

enum oms_err ut_act_fulfillment(struct eng_act *a, json_t *order, const char *fid,
                                enum eng_fstep step, json_t *body, json_t *inputs,
                                json_t **change)
{
  struct act_call c;
  struct eng_step_body b = {0};
  act_begin(a, order, inputs, &c);
  if (body) {
    json_t *lines = json_object_get(body, "lines");
    b.reason = json_string_value(json_object_get(body, "reason"));
    b.carrier = json_string_value(json_object_get(body, "carrier"));
    b.tracking_number = json_string_value(json_object_get(body, "tracking_number"));
    b.has_lines = json_is_array(lines);
    b.lines = units_of(a->arena, lines, &b.n_lines);
  }
  return act_end(a, eng_act_fulfillment(a, &c.order, fid, step, body ? &b : NULL, &c.change), &c,
                 change);
}

enum oms_err ut_act_po_ack(struct eng_act *a, json_t *order, const char *fid, json_t *lines,
                           json_t *inputs, json_t **change)
{
  struct act_call c;
  act_begin(a, order, inputs, &c);
  size_t n = json_array_size(lines), i;
  struct eng_ack_line *al = oms_arena_alloc(a->arena, (n + 1) * sizeof *al);
  json_t *l;
  json_array_foreach(lines, i, l)
  {
    int st = oms_po_line_status_of(json_string_value(json_object_get(l, "status")));
    al[i] = (struct eng_ack_line){.sku = json_string_value(json_object_get(l, "sku")),
                                  .status = st < 0 ? OMS_POL_NONE : (enum oms_po_line_status)st};
  }
  return act_end(a, eng_act_po_ack(a, &c.order, fid, al, n, &c.change), &c, change);
}

enum oms_err ut_act_shortfall(struct eng_act *a, json_t *order, const char *fid, const char *sku,
                              long long units, json_t *inputs, json_t **change)
{
  struct act_call c;
  act_begin(a, order, inputs, &c);
  return act_end(a, eng_act_shortfall(a, &c.order, fid, sku, units, &c.change), &c, change);
}
