/* h_ops.c: GET /health, /ready and /metrics (no auth). */
#include <stdlib.h>
#include "oms/http.h"
#include "oms/repo.h"

void http_get_health(struct http_request *r, struct repo_tx *tx)
{
  (void)tx;
  http_ok(r, 200, json_pack("{s:s}", "status", "ok"));
}

void http_get_ready(struct http_request *r, struct repo_tx *tx)
{
  (void)tx;
  if (repo_db_ping(r->db))
    http_ok(r, 200, json_pack("{s:s}", "status", "ready"));
  else
    http_fail(r, OMS_ERR_UNAVAILABLE, "The database does not answer", NULL);
}

void http_get_metrics(struct http_request *r, struct repo_tx *tx)
{
  (void)tx;
  r->raw = http_metrics_render(r->db, &r->raw_len);
  r->content_type = "text/plain; version=0.0.4; charset=utf-8";
  r->status = 200;
}
