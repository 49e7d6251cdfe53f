/* act.c: the one runner of every change to a captured order (staff
 * actions, fulfillment steps, purchase-order acknowledgements, inventory
 * shortfalls): lock the order's row, read what routing needs when the
 * change may route units again, let the engine decide, turn a refusal into
 * the 4xx that says what the client did, and apply the change (with its
 * events) in one call. A failure that is ours is a 5xx with its cause
 * logged. */
#include <stdio.h>
#include <string.h>
#include "oms/common.h"
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/log.h"
#include "oms/repo.h"

bool http_compile_routing(struct http_request *r, json_t *doc, struct eng_rules *out)
{
  memset(out, 0, sizeof *out);
  if (!doc || json_is_null(doc) || (json_is_array(doc) && eng_rules_compile(doc, out) == 0))
    return true;
  LOG_ERROR("request %s: the stored routing rules of tenant %s do not compile", r->request_id,
            r->tenant_id);
  http_fail(r, OMS_ERR_INTERNAL, "The stored routing rules could not be read", NULL);
  return false;
}

bool http_compile_order_rules(struct http_request *r, json_t *doc, struct oms_arena *a,
                              const struct eng_order_rules **out)
{
  if (eng_order_rules_compile(doc, a, out) == 0)
    return true;
  LOG_ERROR("request %s: the stored order rules of tenant %s do not compile", r->request_id,
            r->tenant_id);
  http_fail(r, OMS_ERR_INTERNAL, "The stored order rules could not be read", NULL);
  return false;
}

void http_fail_refusal(struct http_request *r, enum oms_err e, const struct eng_act *a)
{
  if (a->field[0])
    http_fail_field(r, e, a->field, a->detail);
  else
    http_fail(r, e, a->detail, NULL);
}

bool http_read_inputs(struct http_request *r, struct repo_tx *tx, const char *channel,
                      json_t *skus, json_t *pickups, const char *external_id,
                      struct oms_arena *a, struct oms_capture_inputs *in,
                      struct repo_rule_docs *docs, struct eng_rules *routing)
{
  int rc = repo_capture_inputs(tx, channel, skus, pickups, external_id, a, in, docs);
  if (rc <= 0) {
    http_fail_db(r, rc < 0 ? rc : REPO_HARD);
    return false;
  }
  return http_compile_routing(r, docs->routing, routing);
}

/* The capture inputs of the order's skus, for changes that route again. */
static bool read_routing_inputs(struct http_request *r, struct repo_tx *tx,
                                const struct oms_order *o, struct oms_arena *a,
                                struct oms_capture_inputs *in, struct repo_rule_docs *docs,
                                struct eng_rules *routing)
{
  json_t *skus = json_array(), *pickups = json_array();
  for (size_t i = 0; i < o->n_lines; i++) {
    json_array_append_new(skus, json_string(o->lines[i].sku));
    if (o->lines[i].pickup_location)
      json_array_append_new(pickups, json_string(o->lines[i].pickup_location));
  }
  bool ok = http_read_inputs(r, tx, o->channel, skus, pickups, NULL, a, in, docs, routing);
  json_decref(skus);
  json_decref(pickups);
  return ok;
}

int http_run_action(struct http_request *r, struct repo_tx *tx, struct http_action *act,
                    const char *not_found_field, json_t **after)
{
  struct oms_arena *arena = oms_arena_new();
  struct oms_order order;
  struct oms_capture_inputs inputs;
  struct repo_rule_docs docs = {0};
  struct eng_rules routing = {0};
  struct oms_change change;
  struct eng_act a = {.actor = act->actor ? act->actor : r->key_id, .new_id = oms_uuid_new,
                      .arena = arena};
  int rc = repo_order_lock(tx, act->order_id, arena, &order);
  if (after)
    *after = NULL;
  if (rc <= 0) {
    if (rc < 0)
      http_fail_db(r, rc);
    else
      http_fail_field(r, OMS_ERR_NOT_FOUND, not_found_field, "does not exist");
    goto cleanup;
  }
  if (act->routes) {
    rc = -1;
    if (!read_routing_inputs(r, tx, &order, arena, &inputs, &docs, &routing))
      goto cleanup;
    a.inputs = &inputs;
    a.routing = &routing;
  }
  enum oms_err e = act->run(&a, &order, act->cls, &change);
  if (e != OMS_OK) {
    act->refused = e;
    snprintf(act->detail, sizeof act->detail, "%s", a.detail);
    snprintf(act->field, sizeof act->field, "%s", a.field);
    if (!act->quiet)
      http_fail_refusal(r, e, &a);
    rc = 0;
    goto cleanup;
  }
  json_t *out = NULL;
  rc = repo_order_apply(tx, &change, &order, &out);
  if (rc <= 0)
    http_fail_db(r, rc < 0 ? rc : REPO_HARD);
  if (after && rc > 0)
    *after = out;
  else
    json_decref(out);
cleanup:
  eng_rules_free(&routing);
  json_decref(docs.routing);
  json_decref(docs.order);
  oms_arena_free(arena);
  return rc;
}
