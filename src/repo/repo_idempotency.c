/* repo_idempotency.c: Idempotency-Key records. The claim is an INSERT in the
 * request's own transaction: a concurrent duplicate waits on the unique
 * index until the first commits (then replays) or rolls back (then runs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/repo.h"

REPO_STMT(idem_claim,
          "INSERT INTO idempotency_keys (tenant_id, key, request_hash) VALUES ($1::uuid, $2, $3)"
          " ON CONFLICT (tenant_id, key) DO UPDATE"
          "   SET request_hash = EXCLUDED.request_hash, status = NULL, response = NULL,"
          "       created_at = now()"
          "   WHERE idempotency_keys.created_at < now() - interval '24 hours'"
          " RETURNING 1");
REPO_STMT(idem_get, "SELECT json_build_object('status', status, 'response', response,"
                    " 'same', request_hash = $3) FROM idempotency_keys"
                    " WHERE tenant_id = $1::uuid AND key = $2");
REPO_STMT(idem_store, "UPDATE idempotency_keys SET status = $3::int, response = $4"
                      " WHERE tenant_id = $1::uuid AND key = $2");

int repo_idem_claim(struct repo_tx *tx, const char *key, const char *request_hash, int *status,
                    char **body, bool *hash_matches)
{
  const char *p[] = {repo_tx_tenant(tx), key, request_hash};
  json_t *row = NULL;
  *body = NULL;
  int rc = repo_exec(tx, &idem_claim, 3, p, NULL);
  if (rc != 0)
    return rc; /* 1: claimed; <0: failure */
  rc = repo_json_one(tx, &idem_get, 3, p, &row);
  if (rc <= 0)
    return rc < 0 ? rc : REPO_HARD;
  *status = (int)json_integer_value(json_object_get(row, "status"));
  *hash_matches = json_is_true(json_object_get(row, "same"));
  const char *b = json_string_value(json_object_get(row, "response"));
  *body = b ? oms_strdup(b) : NULL;
  json_decref(row);
  return 0;
}

int repo_idem_store(struct repo_tx *tx, const char *key, int status, const char *body)
{
  char s[16];
  snprintf(s, sizeof s, "%d", status);
  const char *p[] = {repo_tx_tenant(tx), key, s, body};
  return repo_exec(tx, &idem_store, 4, p, NULL);
}
