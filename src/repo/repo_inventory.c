/* repo_inventory.c: positions, the ledger and the inputs of available-to-sell.
 * An adjustment is one statement: it locks the position, changes on_hand and
 * appends the ledger row, so the ledger's sum equals on_hand at every moment
 * and concurrent adjustments of one position serialise on its row lock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/repo.h"
#include "oms/rows.h"

REPO_STMT(item_case_pack, "SELECT coalesce(case_pack, -1) FROM items"
                          " WHERE tenant_id = $1::uuid AND sku = $2");

int repo_item_case_pack(struct repo_tx *tx, const char *sku, long long *case_pack)
{
  const char *p[] = {repo_tx_tenant(tx), sku};
  char *v = NULL;
  int rc = repo_exec(tx, &item_case_pack, 2, p, &v);
  if (rc > 0 && v)
    *case_pack = atoll(v);
  free(v);
  return rc;
}

REPO_STMT(position_ensure,
          "INSERT INTO inventory (tenant_id, sku, location) VALUES ($1::uuid, $2, $3)"
          " ON CONFLICT (tenant_id, sku, location) DO NOTHING");
REPO_STMT(position_adjust,
          "WITH old AS (SELECT on_hand FROM inventory"
          "             WHERE tenant_id = $1::uuid AND sku = $2 AND location = $3 FOR UPDATE),"
          " upd AS (UPDATE inventory t SET on_hand = CASE WHEN $4::boolean THEN $5::bigint"
          "                                         ELSE t.on_hand + $5::bigint END,"
          "                          updated_at = now()"
          "         FROM old WHERE t.tenant_id = $1::uuid AND t.sku = $2 AND t.location = $3"
          "           AND CASE WHEN $4::boolean THEN $5::bigint ELSE t.on_hand + $5::bigint END >= 0"
          "         RETURNING t.*, t.on_hand - old.on_hand AS delta),"
          " led AS (INSERT INTO inventory_ledger (tenant_id, sku, location, delta, on_hand_after,"
          "                                       reason, reference)"
          "         SELECT $1::uuid, $2, $3, delta, on_hand, $6, $7 FROM upd)"
          " SELECT json_build_object('location', location, 'sku', sku, 'on_hand', on_hand,"
          "  'reserved', reserved, 'available', greatest(0, on_hand - reserved), 'delta', delta)"
          " FROM upd");

int repo_inventory_adjust(struct repo_tx *tx, const char *location, const char *sku, bool is_set,
                          long long qty, const char *reason, const char *reference,
                          json_t **position)
{
  char q[24];
  snprintf(q, sizeof q, "%lld", qty);
  const char *p[] = {repo_tx_tenant(tx), sku, location, is_set ? "true" : "false", q, reason,
                     reference};
  *position = NULL;
  int rc = repo_exec(tx, &position_ensure, 3, p, NULL);
  if (rc < 0)
    return rc;
  return repo_json_one(tx, &position_adjust, 7, p, position);
}

REPO_STMT(inventory_get,
          "SELECT json_build_object('sku', i.sku,"
          "  'on_hand', coalesce(sum(v.on_hand), 0), 'reserved', coalesce(sum(v.reserved), 0),"
          "  'available', coalesce(sum(greatest(0, v.on_hand - v.reserved)), 0),"
          "  'locations', coalesce(json_agg(json_build_object('location', v.location,"
          "     'on_hand', v.on_hand, 'reserved', v.reserved,"
          "     'available', greatest(0, v.on_hand - v.reserved)) ORDER BY v.location)"
          "     FILTER (WHERE v.location IS NOT NULL), '[]'::json))"
          " FROM items i LEFT JOIN inventory v ON v.tenant_id = i.tenant_id AND v.sku = i.sku"
          " WHERE i.tenant_id = $1::uuid AND i.sku = $2 GROUP BY i.sku");

int repo_inventory_get(struct repo_tx *tx, const char *sku, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), sku};
  return repo_json_one(tx, &inventory_get, 2, p, out);
}

REPO_STMT(ledger_list,
          "SELECT json_build_object('location', location, 'sku', sku, 'delta', delta,"
          "  'on_hand_after', on_hand_after, 'reason', reason, 'reference', reference,"
          "  'created_at', oms_ts(created_at)), id"
          " FROM inventory_ledger WHERE tenant_id = $1::uuid AND sku = $2"
          "  AND ($3::text IS NULL OR location = $3) AND id > $4::bigint"
          " ORDER BY id LIMIT $5::int");

int repo_ledger_list(struct repo_tx *tx, const char *sku, const char *location, long long after,
                     int limit, json_t **out, json_t **cursors)
{
  char a[24], l[16];
  snprintf(a, sizeof a, "%lld", after);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {repo_tx_tenant(tx), sku, location, a, l};
  return repo_json_all(tx, &ledger_list, 5, p, out, cursors);
}

REPO_STMT(ats_inputs, "SELECT oms_ats_inputs($1::uuid, $2, $3::text[])");

/* Reads ATS input rows into the arena. */
static int read_ats_rows(json_t *rows, struct oms_arena *a, struct oms_ats_inputs **out, size_t *n)
{
  *n = json_array_size(rows);
  *out = oms_arena_alloc(a, (*n + 1) * sizeof **out);
  for (size_t i = 0; i < *n; i++)
    if (rows_ats_inputs(json_array_get(rows, i), a, &(*out)[i]) != 0)
      return REPO_HARD;
  return (int)*n;
}

int repo_ats_inputs(struct repo_tx *tx, const char *channel, json_t *skus, struct oms_arena *a,
                    struct oms_ats_inputs **out, size_t *n)
{
  char *arr = repo_text_array(skus);
  const char *p[] = {repo_tx_tenant(tx), channel, arr};
  json_t *rows = NULL;
  *out = NULL;
  *n = 0;
  int rc = repo_json_all(tx, &ats_inputs, 3, p, &rows, NULL);
  free(arr);
  if (rc >= 0)
    rc = read_ats_rows(rows, a, out, n);
  json_decref(rows);
  return rc;
}

REPO_STMT(availability_inputs,
          "SELECT json_build_object('channel', oms_channel_json(c),"
          " 'rows', (SELECT coalesce(json_agg(x), '[]'::json)"
          "          FROM oms_ats_inputs($1::uuid, $2, $3::text[]) x))"
          " FROM channels c WHERE c.tenant_id = $1::uuid AND c.code = $2");

int repo_availability_inputs(struct repo_tx *tx, const char *channel, json_t *skus,
                             struct oms_arena *a, struct oms_channel_view *channel_out,
                             struct oms_ats_inputs **out, size_t *n)
{
  char *arr = repo_text_array(skus);
  const char *p[] = {repo_tx_tenant(tx), channel, arr};
  json_t *row = NULL;
  *out = NULL;
  *n = 0;
  int rc = repo_json_one(tx, &availability_inputs, 3, p, &row);
  free(arr);
  if (rc > 0 && row) {
    if (rows_channel_view(json_object_get(row, "channel"), a, channel_out) != 0 ||
        read_ats_rows(json_object_get(row, "rows"), a, out, n) < 0)
      rc = REPO_HARD;
  }
  json_decref(row);
  return rc;
}

REPO_STMT(ats_changed, "SELECT to_json(sku) FROM oms_ats_changed($1::uuid, $2,"
                       " coalesce($3::timestamptz, '-infinity'), $4, $5::int)");

int repo_ats_changed(struct repo_tx *tx, const char *channel, const char *since,
                     const char *after, int limit, json_t **skus)
{
  char l[16];
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {repo_tx_tenant(tx), channel, since, after, l};
  return repo_json_all(tx, &ats_changed, 5, p, skus, NULL);
}

REPO_STMT(db_now, "SELECT oms_ts(now())");

char *repo_now(struct repo_tx *tx)
{
  char *v = NULL;
  repo_exec(tx, &db_now, 0, NULL, &v);
  return v;
}
