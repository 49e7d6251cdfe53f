/* h_routing.c: /v1/routing-rules (the tenant's ordered rule list) and
 * /v1/routing/simulate (a decision and its explanation, nothing written). */
#include "oms/engine.h"
#include "oms/http.h"
#include "oms/log.h"
#include "oms/rows.h"
#include "oms/repo.h"

/* PUT of a whole rule list: shared by routing and order rules. */
void http_put_rules(struct http_request *r, struct repo_tx *tx, const char *which,
                    http_doc_parser parse)
{
  long long if_match;
  json_t *rules = NULL, *out = NULL;
  json_t *errors = json_array();
  if (!http_if_match(r, &if_match)) {
    json_decref(errors);
    return;
  }
  if (!r->json) {
    json_decref(errors);
    http_fail_field(r, OMS_ERR_VALIDATION, "body", "must be a JSON array of rules");
    return;
  }
  if (parse(r->json, &rules, errors) != 0) {
    http_fail(r, OMS_ERR_VALIDATION, "The rules are not valid", errors);
    return;
  }
  json_decref(errors);
  int rc = repo_rules_put(tx, which, rules, if_match, &out);
  json_decref(rules);
  if (rc < 0)
    http_fail_db(r, rc);
  else if (rc == 0)
    http_fail(r, OMS_ERR_PRECONDITION_FAILED, "If-Match does not match the rules' version", NULL);
  else
    http_ok(r, 200, out);
}

void http_get_rules(struct http_request *r, struct repo_tx *tx, const char *which)
{
  json_t *out = NULL;
  int rc = repo_rules_get(tx, which, &out);
  if (rc <= 0)
    http_fail_db(r, rc);
  else
    http_ok(r, 200, out);
}

void http_put_routing_rules(struct http_request *r, struct repo_tx *tx)
{
  http_put_rules(r, tx, "routing", eng_rules_parse);
}

void http_get_routing_rules(struct http_request *r, struct repo_tx *tx)
{
  http_get_rules(r, tx, "routing");
}

void http_post_routing_simulate(struct http_request *r, struct repo_tx *tx)
{
  json_t *doc = http_parse_with(r, eng_order_parse);
  json_t *skus = json_array(), *pickups = json_array();
  struct oms_arena *a = oms_arena_new();
  struct oms_order_request req;
  struct oms_capture_inputs in;
  struct repo_rule_docs docs = {0};
  struct eng_rules routing = {0};
  eng_errors errors = {0};
  const char *decision = NULL;
  if (!doc || rows_order_request(doc, a, &req) != 0)
    goto cleanup;
  http_order_skus(&req, skus, pickups);
  if (!http_read_inputs(r, tx, req.channel, skus, pickups, NULL, a, &in, &docs, &routing))
    goto cleanup;
  struct eng_capture_in ci = {.order = &req, .inputs = &in, .routing = &routing};
  enum eng_capture_result res = eng_simulate(&ci, a, &decision, &errors);
  if (res == ENG_CAPTURE_OK) {
    http_ok(r, 200, json_loads(decision, 0, NULL));
  } else if (res == ENG_CAPTURE_UNKNOWN) {
    json_t *list = json_array();
    for (size_t i = 0; i < errors.n; i++)
      js_error(list, errors.items[i].field, errors.items[i].message);
    http_fail(r, OMS_ERR_NOT_FOUND, "The order names objects that do not exist", list);
  } else {
    LOG_ERROR("request %s: the routing engine refused a simulation", r->request_id);
    http_fail(r, OMS_ERR_INTERNAL, NULL, NULL);
  }
cleanup:
  eng_rules_free(&routing);
  json_decref(docs.routing);
  json_decref(docs.order);
  json_decref(doc);
  json_decref(skus);
  json_decref(pickups);
  oms_arena_free(a);
}
