/* dispatch.c: runs a matched, authenticated request. Every handler but the
 * operational ones runs inside one transaction scoped to the caller's
 * tenant; errors roll it back (nothing written on any error), serialization
 * failures and deadlocks re-run it, and a POST with an Idempotency-Key
 * claims the key in that same transaction so concurrent duplicates
 * serialise on the key and replay the first reply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/http.h"
#include "oms/log.h"
#include "oms/repo.h"

#define TX_ATTEMPTS 8
static const char operator_tenant[] = "00000000-0000-0000-0000-000000000000";

static void reset_reply(struct http_request *r)
{
  json_decref(r->reply);
  json_decref(r->replay);
  r->reply = r->replay = NULL;
  r->status = 0;
  r->err = OMS_OK;
}

/* Hash of what makes two requests "the same" for Idempotency-Key. */
static void request_hash(struct http_request *r, char out[65])
{
  size_t ml = strlen(r->method), pl = strlen(r->route->pattern);
  size_t n = ml + 1 + pl + 1 + r->body_len;
  char *buf = oms_malloc(n + 1);
  memcpy(buf, r->method, ml);
  buf[ml] = ' ';
  memcpy(buf + ml + 1, r->route->pattern, pl);
  buf[ml + 1 + pl] = '\n';
  if (r->body_len)
    memcpy(buf + ml + pl + 2, r->body, r->body_len);
  /* the path's parameters are part of the request too */
  oms_sha256_hex(buf, n, out);
  free(buf);
  for (unsigned i = 0; i < r->nparams; i++) {
    char tmp[65 + 70];
    snprintf(tmp, sizeof tmp, "%s/%s", out, r->params[i]);
    oms_sha256_hex(tmp, strlen(tmp), out);
  }
}

/* Replays a stored reply. */
static void replay(struct http_request *r, int status, const char *body)
{
  reset_reply(r);
  r->reply = body ? json_loads(body, 0, NULL) : NULL;
  r->status = (unsigned)status;
  r->replayed = true;
}

/* Parses the body as JSON (when there is one); fails 400 when it is not. */
static bool parse_body(struct http_request *r)
{
  json_error_t je;
  if (r->body_len == 0 || (r->route->flags & RF_RAW_BODY))
    return true;
  r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
  if (!r->json) {
    char msg[256];
    snprintf(msg, sizeof msg, "is not valid JSON: %s (line %d, column %d)", je.text, je.line,
             je.column);
    http_fail_field(r, OMS_ERR_VALIDATION, "body", msg);
    return false;
  }
  return true;
}

void http_dispatch(struct http_request *r)
{
  const char *idem = NULL;
  char hash[65];
  bool op = r->route->access & HA_OPERATOR;

  /* a key is checked before the body is read: 401/403 come before 400 */
  if (!r->key_hash[0] && !parse_body(r))
    return;
  if (r->route->flags & RF_NO_TX) {
    r->route->handler(r, NULL);
    return;
  }
  if (strcmp(r->method, "POST") == 0 && (idem = http_header(r, "Idempotency-Key"))) {
    if (!*idem || strlen(idem) > 255) {
      http_fail_field(r, OMS_ERR_VALIDATION, "Idempotency-Key", "must be 1 to 255 characters");
      return;
    }
    request_hash(r, hash);
  }
  for (int attempt = 0; attempt < TX_ATTEMPTS; attempt++) {
    reset_reply(r);
    struct repo_tx *tx;
    if (r->key_hash[0]) {
      char role[16] = "";
      int rc = 0;
      tx = repo_tx_begin_key(r->db, r->key_hash, r->tenant_id, r->key_id, role, &rc);
      if (!tx && rc == 0) {
        r->tenant_id[0] = '\0';
        http_fail(r, OMS_ERR_UNAUTHORIZED, "The API key is not valid or was revoked", NULL);
        return;
      }
      if (tx && (!http_authorize(r, role) || (!r->json && !parse_body(r)))) {
        repo_tx_end(tx, false);
        return;
      }
    } else {
      tx = repo_tx_begin(r->db, op ? operator_tenant : r->tenant_id, op);
    }
    if (!tx) {
      http_fail(r, OMS_ERR_UNAVAILABLE, "The database is not available", NULL);
      return;
    }
    if (idem) {
      int status = 0;
      char *body = NULL;
      bool same = false;
      int rc = repo_idem_claim(tx, idem, hash, &status, &body, &same);
      if (rc == 0) {
        repo_tx_end(tx, false);
        if (!same)
          http_fail_field(r, OMS_ERR_IDEMPOTENCY_REUSED, "Idempotency-Key",
                          "was used with a different request");
        else
          replay(r, status, body);
        free(body);
        return;
      }
      if (rc < 0) {
        repo_tx_end(tx, false);
        if (rc == REPO_SOFT)
          continue;
        http_fail(r, OMS_ERR_INTERNAL, NULL, NULL);
        return;
      }
    }
    r->route->handler(r, tx);
    int failed = repo_tx_failed(tx);
    if (failed == REPO_SOFT) {
      repo_tx_end(tx, false);
      LOG_DEBUG("request %s: retrying after serialization failure", r->request_id);
      continue;
    }
    if (failed == REPO_HARD && r->status < 400) {
      LOG_ERROR("request %s: database failure (SQLSTATE %s) in %s %s", r->request_id,
                repo_tx_sqlstate(tx), r->method, r->route->pattern);
      http_fail(r, OMS_ERR_INTERNAL, NULL, NULL);
    }
    if (r->status == 0) {
      LOG_ERROR("handler for %s %s set no reply", r->method, r->route->pattern);
      http_fail(r, OMS_ERR_INTERNAL, NULL, NULL);
    }
    bool ok = r->status < 300;
    if (ok && idem) {
      json_t *stored = r->replay ? r->replay : r->reply;
      char *text = stored ? json_dumps(stored, JSON_COMPACT | JSON_REAL_PRECISION(15)) : NULL;
      repo_idem_store(tx, idem, (int)r->status, text);
      free(text);
    }
    /* a read has nothing to commit: ending it with a rollback costs no wait */
    bool read_only = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
    int rc = repo_tx_end(tx, ok && !read_only);
    if (ok && rc == REPO_SOFT)
      continue;
    if (ok && rc < 0)
      http_fail(r, OMS_ERR_INTERNAL, "The transaction could not commit", NULL);
    return;
  }
  http_fail(r, OMS_ERR_UNAVAILABLE, "The request kept conflicting with others; retry", NULL);
}
