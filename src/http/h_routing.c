/* h_routing.c: /v1/routing-rules (the tenant's ordered rule list) and
 * /v1/routing/simulate (a decision and its explanation, nothing written). */
#include "oms/engine.h"
#include "oms/http.h"
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
  json_t *skus = json_array(), *pickups = json_array(), *inputs = NULL, *errors = NULL;
  size_t i;
  json_t *l;
  if (!doc) {
    json_decref(skus);
    json_decref(pickups);
    return;
  }
  json_array_foreach(json_object_get(doc, "lines"), i, l)
  {
    json_array_append(skus, json_object_get(l, "sku"));
    if (json_is_string(json_object_get(l, "pickup_location")))
      json_array_append(pickups, json_object_get(l, "pickup_location"));
  }
  int rc = repo_capture_inputs(tx, json_string_value(json_object_get(doc, "channel")), skus,
                               pickups, NULL, &inputs);
  if (rc <= 0) {
    http_fail_db(r, rc);
  } else {
    json_t *decision = eng_simulate(doc, inputs, &errors);
    if (decision)
      http_ok(r, 200, decision);
    else
      http_fail(r, OMS_ERR_NOT_FOUND, "The order names objects that do not exist", errors);
  }
  json_decref(doc);
  json_decref(skus);
  json_decref(pickups);
  json_decref(inputs);
}
