/* h_exceptions.c: /v1/exceptions, the staff work queue. */
#include <string.h>
#include "oms/http.h"
#include "oms/repo.h"

static const char *const kinds[] = {"order_hold", "price_mismatch", "inventory_discrepancy",
                                    "fulfillment_rejected", "unroutable", NULL};

void http_get_exceptions(struct http_request *r, struct repo_tx *tx)
{
  static const char *const statuses[] = {"open", "resolved", NULL};
  const char *kind, *status;
  int limit;
  long long after;
  json_t *items, *cursors;
  if (!http_page_args(r, &limit, &after) ||
      !http_query_enum(r, "kind", kinds, "is not a known exception kind", &kind) ||
      !http_query_enum(r, "status", statuses, "must be open or resolved", &status))
    return;
  int rc = repo_exception_list(tx, kind, status, after, limit + 1, &items, &cursors);
  http_reply_list(r, rc, items, cursors, limit);
}

void http_get_exceptions_ID(struct http_request *r, struct repo_tx *tx)
{
  json_t *out = NULL;
  int rc = repo_exception_get(tx, r->params[0], &out);
  http_reply_get(r, rc, out, "id");
}

void http_post_exceptions_ID_resolve(struct http_request *r, struct repo_tx *tx)
{
  json_t *note = r->json ? json_object_get(r->json, "note") : NULL;
  json_t *out = NULL;
  if (r->json && !json_is_object(r->json)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "body", "must be a JSON object");
    return;
  }
  if (note && !json_is_null(note) && (!json_is_string(note) || json_string_length(note) > 2000)) {
    http_fail_field(r, OMS_ERR_VALIDATION, "note", "must be a string of at most 2000 characters");
    return;
  }
  int rc = repo_exception_resolve(tx, r->params[0], json_string_value(note), &out);
  if (rc < 0) {
    http_fail_db(r, rc);
    return;
  }
  if (rc == 0) {
    /* tell apart "no such exception" from "already resolved" */
    rc = repo_exception_get(tx, r->params[0], &out);
    if (rc < 0)
      http_fail_db(r, rc);
    else if (rc == 0)
      http_fail_field(r, OMS_ERR_NOT_FOUND, "id", "does not exist");
    else
      http_fail(r, OMS_ERR_INVALID_STATE, "The exception is already resolved", NULL);
    json_decref(out);
    return;
  }
  http_ok(r, 200, out);
}
