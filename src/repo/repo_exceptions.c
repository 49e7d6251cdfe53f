/* repo_exceptions.c: the staff work queue (holds, price mismatches,
 * inventory discrepancies, rejected fulfillments, unroutable lines). */
#include <stdio.h>
#include <stdlib.h>
#include "oms/common.h"
#include "oms/repo.h"

REPO_STMT(exception_open,
          "INSERT INTO exceptions AS e (tenant_id, id, kind, order_id, location, sku, detail, data)"
          " VALUES ($1::uuid, $2::uuid, $3, $4::uuid, $5, $6, $7, coalesce($8::jsonb, '{}'))"
          " RETURNING oms_exception_json(e)");

int repo_exception_open(struct repo_tx *tx, const char *kind, const char *order_id,
                        const char *location, const char *sku, const char *detail,
                        json_t *data, json_t **out)
{
  char id[37];
  oms_uuid_new(id);
  char *d = data ? json_dumps(data, JSON_COMPACT) : NULL;
  const char *p[] = {repo_tx_tenant(tx), id, kind, order_id, location, sku, detail, d};
  json_t *tmp = NULL;
  int rc = repo_json_one(tx, &exception_open, 8, p, out ? out : &tmp);
  json_decref(tmp);
  free(d);
  return rc;
}

REPO_STMT(exception_list,
          "SELECT oms_exception_json(e), seq FROM exceptions e WHERE tenant_id = $1::uuid"
          " AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR status = $3)"
          " AND seq > $4::bigint ORDER BY seq LIMIT $5::int");

int repo_exception_list(struct repo_tx *tx, const char *kind, const char *status,
                        long long after, int limit, json_t **out, json_t **cursors)
{
  char a[24], l[16];
  snprintf(a, sizeof a, "%lld", after);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {repo_tx_tenant(tx), kind, status, a, l};
  return repo_json_all(tx, &exception_list, 5, p, out, cursors);
}

REPO_STMT(exception_get, "SELECT oms_exception_json(e) FROM exceptions e"
                         " WHERE tenant_id = $1::uuid AND id = $2::uuid");

int repo_exception_get(struct repo_tx *tx, const char *id, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), id};
  *out = NULL;
  if (!oms_uuid_valid(id))
    return 0;
  return repo_json_one(tx, &exception_get, 2, p, out);
}

REPO_STMT(exception_resolve,
          "UPDATE exceptions e SET status = 'resolved', resolved_at = now(), note = $3"
          " WHERE tenant_id = $1::uuid AND id = $2::uuid AND status = 'open'"
          " RETURNING oms_exception_json(e)");

int repo_exception_resolve(struct repo_tx *tx, const char *id, const char *note, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), id, note};
  *out = NULL;
  if (!oms_uuid_valid(id))
    return 0;
  return repo_json_one(tx, &exception_resolve, 3, p, out);
}
