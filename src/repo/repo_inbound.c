/* repo_inbound.c: inbound supply (expected shipments), their receipts and
 * the pre-order report. A receipt is two round trips: the inputs, read
 * after the locks that keep receipts and pre-order captures in capture
 * order (oms_receipt_inputs), then one set-based write (oms_receive). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/repo.h"
#include "oms/rows.h"

REPO_STMT(inbound_create,
          "WITH i AS (INSERT INTO inbound (tenant_id, id, location, expected_date, reference)"
          "  SELECT $1::uuid, $2::uuid, d->>'location', (d->>'expected_date')::date,"
          "         d->>'reference' FROM (SELECT $3::jsonb AS d) x RETURNING *),"
          " l AS (INSERT INTO inbound_lines (tenant_id, inbound_id, line, sku, quantity)"
          "  SELECT $1::uuid, $2::uuid, e.n::int, e.v->>'sku', (e.v->>'quantity')::bigint"
          "    FROM jsonb_array_elements($3::jsonb->'lines') WITH ORDINALITY AS e(v, n)"
          "  RETURNING line, sku, quantity, received)"
          " SELECT json_build_object('id', i.id, 'location', i.location,"
          "  'expected_date', to_char(i.expected_date, 'YYYY-MM-DD'), 'reference', i.reference,"
          "  'status', i.status, 'lines', (SELECT json_agg(json_build_object('line', l.line,"
          "   'sku', l.sku, 'quantity', l.quantity, 'received', l.received) ORDER BY l.line)"
          "   FROM l), 'version', i.version, 'created_at', oms_ts(i.created_at),"
          "  'updated_at', oms_ts(i.updated_at)) FROM i");

int repo_inbound_create(struct repo_tx *tx, json_t *doc, json_t **out)
{
  char id[37];
  oms_uuid_new(id);
  char *text = json_dumps(doc, JSON_COMPACT);
  const char *p[] = {repo_tx_tenant(tx), id, text};
  int rc = repo_json_one(tx, &inbound_create, 3, p, out);
  free(text);
  return rc;
}

REPO_STMT(inbound_get, "SELECT oms_inbound_json(i) FROM inbound i WHERE tenant_id = $1::uuid"
                       " AND id = $2::uuid");

int repo_inbound_get(struct repo_tx *tx, const char *id, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), id};
  *out = NULL;
  if (!oms_uuid_valid(id))
    return 0;
  return repo_json_one(tx, &inbound_get, 2, p, out);
}

REPO_STMT(inbound_list,
          "SELECT oms_inbound_json(i), seq FROM inbound i WHERE tenant_id = $1::uuid"
          " AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR location = $3)"
          " AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM inbound_lines l WHERE"
          "   l.tenant_id = i.tenant_id AND l.inbound_id = i.id AND l.sku = $4))"
          " AND seq > $5::bigint ORDER BY seq LIMIT $6::int");

int repo_inbound_list(struct repo_tx *tx, const char *status, const char *location,
                      const char *sku, long long after, int limit, json_t **out, json_t **cursors)
{
  char a[24], l[16];
  snprintf(a, sizeof a, "%lld", after);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {repo_tx_tenant(tx), status, location, sku, a, l};
  return repo_json_all(tx, &inbound_list, 6, p, out, cursors);
}

REPO_STMT(receipt_inputs, "SELECT oms_receipt_inputs($1::uuid, $2::text[])");

int repo_receipt_inputs(struct repo_tx *tx, const char *inbound_id, json_t *skus,
                        struct oms_arena *a, struct oms_receipt_inputs *out)
{
  char *arr = repo_text_array(skus);
  const char *p[] = {inbound_id, arr};
  json_t *doc = NULL;
  memset(out, 0, sizeof *out);
  if (!oms_uuid_valid(inbound_id)) {
    free(arr);
    return 0;
  }
  int rc = repo_json_one(tx, &receipt_inputs, 2, p, &doc);
  free(arr);
  if (rc > 0 && (!doc || json_is_null(doc)))
    rc = 0;
  else if (rc > 0 && rows_receipt_inputs(doc, a, out) != 0)
    rc = REPO_HARD;
  json_decref(doc);
  return rc;
}

REPO_STMT(receive, "SELECT oms_receive($1::jsonb)");

int repo_receive(struct repo_tx *tx, const struct oms_receipt *r, json_t **out)
{
  char *text = rows_receipt_payload(r);
  const char *p[] = {text};
  int rc = repo_json_one(tx, &receive, 1, p, out);
  free(text);
  return rc;
}

REPO_STMT(preorder_report, "SELECT oms_preorder_report($1::text[])");

int repo_preorder_report(struct repo_tx *tx, json_t *skus, struct oms_arena *a,
                         struct oms_preorder_report **out, size_t *n)
{
  char *arr = repo_text_array(skus);
  const char *p[] = {arr};
  json_t *rows = NULL;
  *out = NULL;
  *n = 0;
  int rc = repo_json_all(tx, &preorder_report, 1, p, &rows, NULL);
  free(arr);
  if (rc >= 0) {
    *n = json_array_size(rows);
    *out = oms_arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++)
      if (rows_preorder_report(json_array_get(rows, i), a, &(*out)[i]) != 0)
        rc = REPO_HARD;
  }
  json_decref(rows);
  return rc;
}
