/* repo_orders.c: order capture (two round trips: the inputs, then one
 * PL/pgSQL call that writes everything), reads, events and tenant rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/repo.h"
#include "oms/rows.h"

REPO_STMT(capture_inputs, "SELECT oms_capture_inputs($1, $2::text[], $3::text[], $4)");

int repo_capture_inputs(struct repo_tx *tx, const char *channel, json_t *skus, json_t *pickups,
                        const char *external_id, struct oms_arena *a,
                        struct oms_capture_inputs *out, struct repo_rule_docs *rules)
{
  char *s = repo_text_array(skus), *p = repo_text_array(pickups);
  const char *params[] = {channel, s, p, external_id};
  json_t *doc = NULL;
  rules->routing = rules->order = NULL;
  int rc = repo_json_one(tx, &capture_inputs, 4, params, &doc);
  free(s);
  free(p);
  if (rc > 0 && rows_capture_inputs(doc, channel, a, out) != 0)
    rc = REPO_HARD;
  if (rc > 0) {
    rules->routing = json_incref(json_object_get(doc, "routing_rules"));
    rules->order = json_incref(json_object_get(doc, "order_rules"));
  }
  json_decref(doc);
  return rc;
}

/* The routing decision travels as its own parameter: it is text already,
 * and jansson need not parse it to embed it. */
REPO_STMT(capture_write,
          "SELECT oms_capture(jsonb_set(jsonb_set($1::jsonb, '{created_by}', to_jsonb($2::text)),"
          " '{order,routing}', coalesce($3::jsonb, 'null'::jsonb)))");

int repo_order_capture(struct repo_tx *tx, const struct oms_capture *c,
                       const struct oms_order_request *req, const char *created_by,
                       struct oms_arena *a, struct oms_capture_result *out)
{
  json_t *payload = rows_capture_payload(c, req, false), *doc = NULL;
  char *text = json_dumps(payload, JSON_COMPACT | JSON_REAL_PRECISION(17));
  const char *params[] = {text, created_by, c->routing_json};
  json_decref(payload);
  int rc = repo_json_one(tx, &capture_write, 3, params, &doc);
  free(text);
  if (rc > 0 && rows_capture_result(doc, c, a, out) != 0)
    rc = REPO_HARD;
  json_decref(doc);
  return rc;
}

/* Re-writes order documents in the shape clients see (rows_order_json). */
static int client_order(int rc, json_t **doc)
{
  if (rc <= 0 || !*doc)
    return rc;
  struct oms_arena *a = oms_arena_new();
  struct oms_order o;
  if (rows_order(*doc, a, &o) == 0) {
    json_decref(*doc);
    *doc = rows_order_json(&o);
  } else {
    rc = REPO_HARD;
  }
  oms_arena_free(a);
  return rc;
}

REPO_STMT(order_get, "SELECT oms_order_json(o) FROM orders o WHERE tenant_id = $1::uuid"
                     " AND id = $2::uuid AND ($3::uuid IS NULL OR created_by = $3::uuid)");

int repo_order_get(struct repo_tx *tx, const char *id, const char *created_by, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), id, created_by};
  *out = NULL;
  if (!oms_uuid_valid(id))
    return 0;
  return client_order(repo_json_one(tx, &order_get, 3, p, out), out);
}

REPO_STMT(order_list,
          "SELECT oms_order_json(o), seq FROM orders o WHERE tenant_id = $1::uuid"
          " AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR channel = $3)"
          " AND ($4::timestamptz IS NULL OR created_at >= $4::timestamptz)"
          " AND ($5::uuid IS NULL OR created_by = $5::uuid)"
          " AND seq > $6::bigint ORDER BY seq LIMIT $7::int");

int repo_order_list(struct repo_tx *tx, const char *status, const char *channel,
                    const char *created_after, const char *created_by, long long after,
                    int limit, json_t **out, json_t **cursors)
{
  char a[24], l[16];
  snprintf(a, sizeof a, "%lld", after);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {repo_tx_tenant(tx), status, channel, created_after, created_by, a, l};
  int rc = repo_json_all(tx, &order_list, 7, p, out, cursors);
  for (size_t i = 0; rc > 0 && i < json_array_size(*out); i++) {
    json_t *o = json_incref(json_array_get(*out, i));
    if (client_order(1, &o) < 0)
      rc = REPO_HARD;
    json_array_set_new(*out, i, o);
  }
  return rc;
}

REPO_STMT(order_events,
          "SELECT json_build_object('id', id::text, 'type', type, 'actor', actor, 'data', data,"
          " 'created_at', oms_ts(created_at)), id FROM events"
          " WHERE tenant_id = $1::uuid AND order_id = $2::uuid AND id > $3::bigint"
          " ORDER BY id LIMIT $4::int");

int repo_order_events(struct repo_tx *tx, const char *order_id, long long after, int limit,
                      json_t **out, json_t **cursors)
{
  char a[24], l[16];
  snprintf(a, sizeof a, "%lld", after);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {repo_tx_tenant(tx), order_id, a, l};
  return repo_json_all(tx, &order_events, 4, p, out, cursors);
}

REPO_STMT(track_lookup, "SELECT json_build_object('tenant_id', tenant_id, 'order_id', order_id)"
                        " FROM oms_track_tenant($1)");

int repo_track_lookup(struct repo_db *db, const char *token, char tenant_id[37],
                      char order_id[37])
{
  struct repo_tx *tx = repo_tx_begin(db, "00000000-0000-0000-0000-000000000000", false);
  json_t *row = NULL;
  if (!tx)
    return REPO_HARD;
  const char *p[] = {token};
  int rc = repo_json_one(tx, &track_lookup, 1, p, &row);
  repo_tx_end(tx, false);
  if (rc > 0 && row) {
    snprintf(tenant_id, 37, "%s", json_string_value(json_object_get(row, "tenant_id")));
    snprintf(order_id, 37, "%s", json_string_value(json_object_get(row, "order_id")));
  }
  json_decref(row);
  return rc;
}

REPO_STMT(rules_get_routing,
          "SELECT json_build_object('rules', coalesce(r.routing_rules, '[]'::jsonb),"
          " 'version', coalesce(r.routing_version, 0), 'updated_at', oms_ts(r.updated_at))"
          " FROM (SELECT 1) one LEFT JOIN tenant_rules r ON r.tenant_id = $1::uuid");
REPO_STMT(rules_get_order,
          "SELECT json_build_object('rules', coalesce(r.order_rules, '[]'::jsonb),"
          " 'version', coalesce(r.order_version, 0), 'updated_at', oms_ts(r.updated_at))"
          " FROM (SELECT 1) one LEFT JOIN tenant_rules r ON r.tenant_id = $1::uuid");
REPO_STMT(rules_put_routing,
          "INSERT INTO tenant_rules AS r (tenant_id, routing_rules, routing_version)"
          " SELECT $1::uuid, $2::jsonb, 1 WHERE $3::int IS NULL OR $3::int = 0"
          " OR EXISTS (SELECT 1 FROM tenant_rules WHERE tenant_id = $1::uuid)"
          " ON CONFLICT (tenant_id) DO UPDATE SET routing_rules = EXCLUDED.routing_rules,"
          "  routing_version = r.routing_version + 1, updated_at = now()"
          "  WHERE $3::int IS NULL OR r.routing_version = $3::int"
          " RETURNING json_build_object('rules', r.routing_rules, 'version', r.routing_version,"
          "  'updated_at', oms_ts(r.updated_at))");
REPO_STMT(rules_put_order,
          "INSERT INTO tenant_rules AS r (tenant_id, order_rules, order_version)"
          " SELECT $1::uuid, $2::jsonb, 1 WHERE $3::int IS NULL OR $3::int = 0"
          " OR EXISTS (SELECT 1 FROM tenant_rules WHERE tenant_id = $1::uuid)"
          " ON CONFLICT (tenant_id) DO UPDATE SET order_rules = EXCLUDED.order_rules,"
          "  order_version = r.order_version + 1, updated_at = now()"
          "  WHERE $3::int IS NULL OR r.order_version = $3::int"
          " RETURNING json_build_object('rules', r.order_rules, 'version', r.order_version,"
          "  'updated_at', oms_ts(r.updated_at))");

int repo_rules_get(struct repo_tx *tx, const char *which, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx)};
  return repo_json_one(tx, strcmp(which, "routing") == 0 ? &rules_get_routing : &rules_get_order,
                       1, p, out);
}

int repo_rules_put(struct repo_tx *tx, const char *which, json_t *rules, long long if_match,
                   json_t **out)
{
  char vb[24];
  char *text = json_dumps(rules, JSON_COMPACT | JSON_REAL_PRECISION(17));
  if (if_match >= 0)
    snprintf(vb, sizeof vb, "%lld", if_match);
  const char *p[] = {repo_tx_tenant(tx), text, if_match >= 0 ? vb : NULL};
  int rc = repo_json_one(tx, strcmp(which, "routing") == 0 ? &rules_put_routing : &rules_put_order,
                         3, p, out);
  free(text);
  return rc;
}

REPO_STMT(order_lock, "SELECT oms_order_json(o) FROM orders o WHERE tenant_id = $1::uuid"
                      " AND id = $2::uuid FOR UPDATE");

int repo_order_lock(struct repo_tx *tx, const char *id, struct oms_arena *a,
                    struct oms_order *out)
{
  const char *p[] = {repo_tx_tenant(tx), id};
  json_t *doc = NULL;
  memset(out, 0, sizeof *out);
  if (!oms_uuid_valid(id))
    return 0;
  int rc = repo_json_one(tx, &order_lock, 2, p, &doc);
  if (rc > 0 && doc && rows_order(doc, a, out) != 0)
    rc = REPO_HARD;
  if (rc > 0 && !doc)
    rc = 0;
  json_decref(doc);
  return rc;
}

REPO_STMT(order_apply, "SELECT oms_order_apply($1::jsonb)");

int repo_order_apply(struct repo_tx *tx, const struct oms_change *change,
                     const struct oms_order *order, json_t **out)
{
  json_t *payload = rows_change_payload(change, order->has_address ? &order->address : NULL);
  char *text = json_dumps(payload, JSON_COMPACT | JSON_REAL_PRECISION(17));
  const char *p[] = {text};
  json_decref(payload);
  int rc = repo_json_one(tx, &order_apply, 1, p, out);
  free(text);
  return client_order(rc, out);
}
