/* repo_tenants.c: tenants and their API keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/repo.h"

REPO_STMT(tenant_create,
          "WITH t AS (INSERT INTO tenants (id, name) VALUES ($1::uuid, $2) RETURNING *),"
          " k AS (INSERT INTO api_keys (tenant_id, id, name, role, key_hash, prefix)"
          "       SELECT t.id, $3::uuid, 'default', 'admin', $4, $5 FROM t RETURNING *)"
          " SELECT json_build_object('id', t.id, 'name', t.name, 'created_at', oms_ts(t.created_at),"
          "  'api_key', oms_api_key_json(k))"
          " FROM t, k");

int repo_tenant_create(struct repo_tx *tx, const char *name, const char *key_hash,
                       const char *key_prefix, json_t **out)
{
  char id[37], kid[37];
  oms_uuid_new(id);
  oms_uuid_new(kid);
  const char *p[] = {id, name, kid, key_hash, key_prefix};
  return repo_json_one(tx, &tenant_create, 5, p, out);
}

#define TENANT_JSON \
  "json_build_object('id', id, 'name', name, 'created_at', oms_ts(created_at))"

REPO_STMT(tenant_get, "SELECT " TENANT_JSON " FROM tenants WHERE id = $1::uuid");

int repo_tenant_get(struct repo_tx *tx, const char *id, json_t **out)
{
  const char *p[] = {id};
  if (!oms_uuid_valid(id)) {
    *out = NULL;
    return 0;
  }
  return repo_json_one(tx, &tenant_get, 1, p, out);
}

REPO_STMT(tenant_list, "SELECT " TENANT_JSON ", seq FROM tenants WHERE seq > $1::bigint"
                       " ORDER BY seq LIMIT $2::int");

int repo_tenant_list(struct repo_tx *tx, long long after, int limit, json_t **out,
                     json_t **cursors)
{
  char a[24], l[16];
  snprintf(a, sizeof a, "%lld", after);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {a, l};
  return repo_json_all(tx, &tenant_list, 2, p, out, cursors);
}

REPO_STMT(tenant_find_demo, "SELECT id FROM tenants WHERE name = $1 ORDER BY seq LIMIT 1");
REPO_STMT(tenant_insert, "INSERT INTO tenants (id, name) VALUES ($1::uuid, $2)");
REPO_STMT(key_insert_admin,
          "INSERT INTO api_keys (tenant_id, id, name, role, key_hash, prefix)"
          " VALUES ($1::uuid, $2::uuid, 'make run', 'admin', $3, $4)");

int repo_tenant_demo(struct repo_db *db, const char *name, const char *key_hash,
                     const char *key_prefix, char tenant_id[37])
{
  struct repo_tx *tx = repo_tx_begin(db, NULL, true);
  char *found = NULL, kid[37];
  if (!tx)
    return REPO_HARD;
  const char *p1[] = {name};
  repo_exec(tx, &tenant_find_demo, 1, p1, &found);
  if (found) {
    snprintf(tenant_id, 37, "%s", found);
    free(found);
  } else {
    oms_uuid_new(tenant_id);
    const char *p2[] = {tenant_id, name};
    repo_exec(tx, &tenant_insert, 2, p2, NULL);
  }
  oms_uuid_new(kid);
  const char *p3[] = {tenant_id, kid, key_hash, key_prefix};
  repo_exec(tx, &key_insert_admin, 4, p3, NULL);
  return repo_tx_end(tx, true);
}

REPO_STMT(key_create,
          "INSERT INTO api_keys AS k (tenant_id, id, name, role, key_hash, prefix)"
          " VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6) RETURNING oms_api_key_json(k)");

int repo_key_create(struct repo_tx *tx, const char *role, const char *name,
                    const char *key_hash, const char *key_prefix, json_t **out)
{
  char kid[37];
  oms_uuid_new(kid);
  const char *p[] = {repo_tx_tenant(tx), kid, name, role, key_hash, key_prefix};
  return repo_json_one(tx, &key_create, 6, p, out);
}

REPO_STMT(key_get, "SELECT oms_api_key_json(k) FROM api_keys k"
                   " WHERE tenant_id = $1::uuid AND id = $2::uuid AND revoked_at IS NULL");

int repo_key_get(struct repo_tx *tx, const char *id, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), id};
  if (!oms_uuid_valid(id)) {
    *out = NULL;
    return 0;
  }
  return repo_json_one(tx, &key_get, 2, p, out);
}

REPO_STMT(key_list, "SELECT oms_api_key_json(k), seq FROM api_keys k"
                    " WHERE tenant_id = $1::uuid AND revoked_at IS NULL AND seq > $2::bigint"
                    " ORDER BY seq LIMIT $3::int");

int repo_key_list(struct repo_tx *tx, long long after, int limit, json_t **out, json_t **cursors)
{
  char a[24], l[16];
  snprintf(a, sizeof a, "%lld", after);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {repo_tx_tenant(tx), a, l};
  return repo_json_all(tx, &key_list, 3, p, out, cursors);
}

REPO_STMT(key_revoke, "UPDATE api_keys SET revoked_at = now()"
                      " WHERE tenant_id = $1::uuid AND id = $2::uuid AND revoked_at IS NULL");

int repo_key_revoke(struct repo_tx *tx, const char *id)
{
  const char *p[] = {repo_tx_tenant(tx), id};
  if (!oms_uuid_valid(id))
    return 0;
  return repo_exec(tx, &key_revoke, 2, p, NULL);
}
