/* h_edi.c: drop-ship EDI over X12 4010. The tenant's interchange identity
 * (/v1/settings/edi), the 850 of a purchase order
 * (GET /v1/purchase-orders/{id}/edi, application/edi-x12), and interchanges
 * from a supplier (POST /v1/suppliers/{code}/edi): read by the codec,
 * checked and planned by the engine (edi.c), applied with the same actions
 * as the JSON acknowledgement and ship notice, all or nothing, answered with
 * a 997. See docs/edi.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "oms/common.h"
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/log.h"
#include "oms/repo.h"
#include "oms/rows.h"

#define EDI_TYPE "application/edi-x12"

/* ---- the tenant's identity ---- */

static int parse_settings(json_t *in, json_t **out, json_t *errors)
{
  return eng_edi_identity_parse(in, "", out, errors);
}

void http_put_settings_edi(struct http_request *r, struct repo_tx *tx)
{
  long long if_match;
  bool created = false;
  json_t *out = NULL, *doc;
  if (!http_if_match(r, &if_match) || !(doc = http_parse_with(r, parse_settings)))
    return;
  int rc = repo_edi_settings_put(tx, doc, if_match, &out, &created);
  json_decref(doc);
  http_reply_put(r, rc, out, created);
}

void http_get_settings_edi(struct http_request *r, struct repo_tx *tx)
{
  json_t *out = NULL;
  int rc = repo_edi_settings_get(tx, &out);
  if (rc == 0) {
    http_fail(r, OMS_ERR_NOT_FOUND, "The tenant has no EDI identity yet: PUT /v1/settings/edi",
              NULL);
    return;
  }
  http_reply_get(r, rc, out, "settings");
}

/* ---- the 850 of a purchase order ---- */

static json_t *x12_errors_json(const struct x12_errors *e)
{
  json_t *a = json_array();
  for (size_t i = 0; i < e->n; i++)
    js_error(a, e->e[i].field, e->e[i].message);
  return a;
}

void http_get_purchase_orders_ID_edi(struct http_request *r, struct repo_tx *tx)
{
  json_t *doc = NULL;
  struct oms_arena *a = oms_arena_new();
  struct oms_purchase_order po;
  struct oms_edi_identity tenant, supplier;
  bool has_tenant, has_supplier;
  struct x12_buf buf = {0};
  struct x12_errors errors;
  int rc = repo_po_edi(tx, r->params[0], &doc);
  if (rc <= 0) {
    http_reply_get(r, rc, NULL, "id");
    goto cleanup;
  }
  if (rows_po_edi(doc, a, &po, &tenant, &has_tenant, &supplier, &has_supplier) != 0) {
    http_fail_db(r, REPO_HARD);
    goto cleanup;
  }
  if (!has_tenant || !has_supplier) {
    http_fail(r, OMS_ERR_INVALID_STATE,
              !has_tenant ? "The tenant has no EDI identity: PUT /v1/settings/edi"
                          : "The supplier has no EDI identity: PUT /v1/suppliers/{code} with edi",
              NULL);
    goto cleanup;
  }
  if (eng_edi_850(&po, &tenant, &supplier, &buf, &errors) != 0) {
    http_fail(r, OMS_ERR_INVALID_STATE, "This purchase order cannot be written as an X12 850",
              x12_errors_json(&errors));
    goto cleanup;
  }
  r->status = 200;
  r->raw = buf.data;
  r->raw_len = buf.len;
  r->content_type = EDI_TYPE;
cleanup:
  json_decref(doc);
  oms_arena_free(a);
}

/* ---- an interchange from a supplier ---- */

/* What one POST works with. */
struct inbound_edi {
  struct http_request *r;
  struct repo_tx *tx;
  const char *supplier;
  struct oms_arena *arena;
  struct x12_interchange *ic;
  struct x12_errors errors;
};

static void fail_x12(struct inbound_edi *in)
{
  http_fail(in->r, OMS_ERR_X12_INVALID, "The X12 interchange is not valid; nothing was applied",
            x12_errors_json(&in->errors));
}

static void x12_error_at(struct inbound_edi *in, size_t segment, const char *id, const char *msg)
{
  struct x12_errors *e = &in->errors;
  if (e->n >= X12_MAX_ERRORS)
    return;
  char *m = e->e[e->n].message;
  x12_segment_field(e->e[e->n].field, segment, id);
  if ((size_t)snprintf(m, sizeof e->e[e->n].message, "%s", msg) >= sizeof e->e[e->n].message)
    memcpy(m + sizeof e->e[e->n].message - 4, "...", 4); /* cut, and says so */
  e->n++;
}

/* The purchase-order numbers the interchange names (855 BAK03, 856 PRF01). */
static json_t *po_numbers(const struct x12_interchange *ic)
{
  json_t *nums = json_array();
  for (size_t g = 0; g < ic->n_groups; g++)
    for (size_t k = 0; k < ic->groups[g].n_sets; k++) {
      const struct x12_set *s = &ic->groups[g].sets[k];
      if (s->type == X12_SET_855)
        json_array_append_new(nums, json_string(s->u.po_ack.po_number));
      for (size_t i = 0; s->type == X12_SET_856 && i < s->u.ship.n_orders; i++)
        json_array_append_new(nums, json_string(s->u.ship.orders[i].po_number));
    }
  return nums;
}

/* A refusal of the engine, worded as an X12 error at the segment it
 * concerns: line i of a request is line i of the set. */
static void refusal_at(struct inbound_edi *in, const struct http_action *act,
                       const size_t *line_segments, size_t n, size_t set_segment,
                       const char *line_id)
{
  size_t i;
  char msg[sizeof act->field + sizeof act->detail + 2];
  snprintf(msg, sizeof msg, "%s%s%s", act->field[0] ? act->field : "", act->field[0] ? ": " : "",
           act->detail);
  if (sscanf(act->field, "lines[%zu]", &i) == 1 && i < n)
    x12_error_at(in, line_segments[i], line_id, msg);
  else
    x12_error_at(in, set_segment, "ST", msg);
}

/* Applies one planned set; false when the engine refused it (error set). */
static bool apply_set(struct inbound_edi *in, const struct eng_edi_set *s)
{
  if (s->type == X12_SET_855) {
    struct http_ack_call call = {.fid = s->ack.po->fulfillment_id, .lines = s->ack.lines,
                                 .n = s->ack.n_lines};
    struct http_action act = {.order_id = s->ack.po->order_id, .routes = true,
                              .run = http_run_ack, .cls = &call, .quiet = true};
    int rc = http_run_action(in->r, in->tx, &act, "id", NULL);
    if (rc == 0 && act.refused)
      refusal_at(in, &act, s->ack.line_segments, s->ack.n_lines, s->segment, "PO1");
    return rc > 0;
  }
  for (size_t k = 0; k < s->n_ships; k++) {
    const struct eng_edi_ship *sh = &s->ships[k];
    struct http_step_call call = {.fid = sh->po->fulfillment_id, .step = ENG_F_SHIP,
                                  .body = &sh->body};
    struct http_action act = {.order_id = sh->po->order_id, .run = http_run_step, .cls = &call,
                              .quiet = true};
    int rc = http_run_action(in->r, in->tx, &act, "id", NULL);
    if (rc == 0 && act.refused)
      refusal_at(in, &act, sh->line_segments, sh->body.n_lines, sh->segment, "LIN");
    if (rc <= 0)
      return false;
  }
  return true;
}

/* Sets the supplier's stock from every 846, in one statement. */
static bool apply_stock(struct inbound_edi *in, const struct eng_edi_plan *plan)
{
  if (plan->n_stock == 0)
    return true;
  json_t *items = json_array(), *missing = NULL;
  for (size_t i = 0; i < plan->n_stock; i++)
    json_array_append_new(items, json_pack("{s:s,s:I}", "sku", plan->stock[i].sku, "available",
                                           (json_int_t)plan->stock[i].available));
  int rc = repo_supplier_availability(in->tx, in->supplier, items, &missing);
  json_decref(items);
  if (rc <= 0) {
    http_fail_db(in->r, rc < 0 ? rc : REPO_HARD);
    json_decref(missing);
    return false;
  }
  for (size_t k = 0; k < json_array_size(missing); k++)
    for (size_t i = 0; i < plan->n_stock; i++)
      if (strcmp(plan->stock[i].sku, json_string_value(json_array_get(missing, k))) == 0) {
        x12_error_at(in, plan->stock[i].segment, "LIN", "the supplier has no item for this sku");
        break;
      }
  bool ok = json_array_size(missing) == 0;
  json_decref(missing);
  return ok;
}

/* The reply: every set with whether it was applied, and the 997. */
static json_t *edi_reply(struct inbound_edi *in, const struct eng_edi_plan *plan)
{
  unsigned long control;
  struct x12_997_options opt = {0};
  struct x12_buf ack = {0};
  char *now = repo_now(in->tx);
  int rc = repo_next_control(in->tx, in->supplier, &control);
  if (rc <= 0 || eng_edi_datetime(now, &opt.when) != 0) {
    free(now);
    http_fail_db(in->r, rc < 0 ? rc : REPO_HARD);
    return NULL;
  }
  free(now);
  opt.interchange_control = control;
  if (x12_write_997(in->ic, &opt, &ack, &in->errors) != 0) {
    LOG_ERROR("request %s: the 997 could not be written", in->r->request_id);
    http_fail(in->r, OMS_ERR_INTERNAL, NULL, NULL);
    return NULL;
  }
  json_t *sets = json_array();
  for (size_t i = 0; i < plan->n_sets; i++)
    json_array_append_new(sets, json_pack("{s:s,s:s,s:b}", "type", plan->sets[i].id,
                                          "control_number", plan->sets[i].control, "applied",
                                          plan->sets[i].applied));
  json_t *reply = json_pack("{s:o,s:s}", "transaction_sets", sets, "ack_997", ack.data);
  free(ack.data);
  return reply;
}

/* Checks, plans and applies the interchange; returns the reply or NULL
 * (the request's reply is set). */
static json_t *apply_interchange(struct inbound_edi *in)
{
  struct oms_edi_partner partner;
  struct eng_edi_plan plan;
  json_t *nums = po_numbers(in->ic), *seen = NULL, *reply = NULL;
  int rc = repo_edi_inputs(in->tx, in->supplier, in->ic->control_number, nums, in->arena,
                           &partner, &seen);
  json_decref(nums);
  if (rc <= 0) {
    http_fail_db(in->r, rc < 0 ? rc : REPO_HARD);
    return NULL;
  }
  if (seen) { /* the same interchange again: answered, not applied twice */
    json_object_set_new(seen, "duplicate", json_true());
    return seen;
  }
  if (eng_edi_plan(in->ic, &partner, in->arena, &plan, &in->errors) != 0) {
    fail_x12(in);
    return NULL;
  }
  for (size_t i = 0; i < plan.n_sets; i++)
    if (plan.sets[i].applied && plan.sets[i].type != X12_SET_846 && !apply_set(in, &plan.sets[i])) {
      if (in->errors.n)
        fail_x12(in);
      return NULL;
    }
  if (!apply_stock(in, &plan)) {
    if (in->errors.n)
      fail_x12(in);
    return NULL;
  }
  if (!(reply = edi_reply(in, &plan)))
    return NULL;
  if ((rc = repo_edi_record(in->tx, in->supplier, in->ic->control_number, reply)) <= 0) {
    json_decref(reply);
    http_fail_db(in->r, rc < 0 ? rc : REPO_HARD);
    return NULL;
  }
  return reply;
}

void http_post_suppliers_CODE_edi(struct http_request *r, struct repo_tx *tx)
{
  const char *ctype = http_header(r, "Content-Type");
  struct inbound_edi in = {.r = r, .tx = tx, .arena = oms_arena_new()};
  if (!ctype || strncasecmp(ctype, EDI_TYPE, strlen(EDI_TYPE)) != 0) {
    http_fail_field(r, OMS_ERR_VALIDATION, "Content-Type", "must be " EDI_TYPE);
    goto cleanup;
  }
  if (!(in.supplier = http_param_code(r, 0, "supplier")) ||
      !http_require(r, tx, REPO_SUPPLIER, in.supplier, "supplier"))
    goto cleanup;
  if (x12_read(r->body ? r->body : "", r->body_len, &in.ic, &in.errors) != 0) {
    fail_x12(&in);
    goto cleanup;
  }
  json_t *reply = apply_interchange(&in);
  if (reply)
    http_ok(r, 200, reply);
cleanup:
  x12_interchange_free(in.ic);
  oms_arena_free(in.arena);
}
