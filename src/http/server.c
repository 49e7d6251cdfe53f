/* server.c: libmicrohttpd callbacks. Collects one request (capping the body
 * at 1 MiB: past that it reads and discards up to a hard cap, then replies
 * 413), hands it to the router, auth and dispatcher on the final upload
 * call, queues the reply and logs one line when the connection completes. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <microhttpd.h>
#include "oms/common.h"
#include "oms/http.h"
#include "oms/log.h"
#include "oms/repo.h"

#define HARD_BODY_CAP (64u * 1024u * 1024u)

struct http_server {
  struct MHD_Daemon *d;
  struct repo_db *db;
};

static struct repo_db *g_db;
static const char *g_admin_token;
static int g_inflight;

const char *http_admin_token(void)
{
  return g_admin_token;
}

static void set_request_id(struct http_request *r, struct MHD_Connection *c)
{
  const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Request-Id");
  if (h && *h && strlen(h) <= 64) {
    bool ok = true;
    for (const char *p = h; *p; p++)
      if (!isgraph((unsigned char)*p))
        ok = false;
    if (ok) {
      snprintf(r->request_id, sizeof r->request_id, "%s", h);
      return;
    }
  }
  oms_uuid_new(r->request_id);
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct http_request *r)
{
  struct MHD_Response *resp;
  char *text = NULL;
  size_t len = 0;
  const char *ctype = r->content_type ? r->content_type : "application/json";

  if (r->raw) {
    text = r->raw;
    len = r->raw_len;
    r->raw = NULL;
  } else if (r->reply) {
    text = json_dumps(r->reply, JSON_COMPACT | JSON_REAL_PRECISION(15));
    len = strlen(text);
    if (r->err != OMS_OK)
      ctype = "application/problem+json";
  }
  if (r->status == 0)
    r->status = 500;
  if (r->status == 204 || !text) {
    free(text);
    resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  } else {
    resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
  }
  MHD_add_response_header(resp, "X-Request-Id", r->request_id);
  if (r->replayed)
    MHD_add_response_header(resp, "Idempotent-Replayed", "true");
  if (r->status == 405 && r->allow[0])
    MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
  if (r->status == 401)
    MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
  enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static void handle(struct http_request *r)
{
  int m = http_route_match(r);
  if (m == 404) {
    http_fail(r, OMS_ERR_NOT_FOUND, "No such endpoint", NULL);
    return;
  }
  if (m == 405) {
    http_fail(r, OMS_ERR_METHOD_NOT_ALLOWED, NULL, NULL);
    return;
  }
  if (r->body_too_large) {
    http_fail(r, OMS_ERR_PAYLOAD_TOO_LARGE, "Request bodies are limited to 1 MiB", NULL);
    return;
  }
  if (!http_authenticate(r, g_admin_token))
    return;
  http_dispatch(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **req_cls)
{
  (void)cls;
  (void)version;
  struct http_request *r = *req_cls;
  if (!r) {
    r = oms_calloc(1, sizeof *r);
    r->start_us = oms_now_us();
    r->method = method;
    r->path = oms_strdup(url);
    r->conn = c;
    r->db = g_db;
    set_request_id(r, c);
    __atomic_fetch_add(&g_inflight, 1, __ATOMIC_SEQ_CST);
    *req_cls = r;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > HARD_BODY_CAP) {
      /* far too big to read and discard: answer now (MHD closes after) */
      r->body_too_large = true;
      http_fail(r, OMS_ERR_PAYLOAD_TOO_LARGE, "Request bodies are limited to 1 MiB", NULL);
      return send_reply(c, r);
    }
    return MHD_YES;
  }
  if (*upload_size) {
    size_t n = *upload_size;
    if (!r->body_too_large && r->body_len + n <= HTTP_BODY_LIMIT) {
      r->body = oms_realloc(r->body, r->body_len + n + 1);
      memcpy(r->body + r->body_len, upload_data, n);
      r->body_len += n;
      r->body[r->body_len] = '\0';
    } else {
      r->body_too_large = true;
      free(r->body);
      r->body = NULL;
      r->body_len += n; /* counted, not kept */
      if (r->body_len > HARD_BODY_CAP) {
        http_fail(r, OMS_ERR_PAYLOAD_TOO_LARGE, "Request bodies are limited to 1 MiB", NULL);
        *upload_size = 0;
        return send_reply(c, r);
      }
    }
    *upload_size = 0;
    return MHD_YES;
  }
  if (r->status == 0)
    handle(r);
  if (r->body_too_large)
    r->body_len = 0;
  return send_reply(c, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
  (void)cls;
  (void)c;
  (void)toe;
  struct http_request *r = *req_cls;
  if (!r)
    return;
  int64_t us = oms_now_us() - r->start_us;
  http_metrics_observe(r->route, r->method, r->status, us);
  OMS_LOG(r->status >= 500 ? OMS_LOG_ERROR : OMS_LOG_INFO,
          "request method=%s route=%s status=%u latency_ms=%.3f tenant=%s request_id=%s",
          r->method, r->route ? r->route->pattern : "-", r->status, (double)us / 1000.0,
          r->tenant_id[0] ? r->tenant_id : (r->role == ROLE_OPERATOR ? "operator" : "-"),
          r->request_id);
  json_decref(r->json);
  json_decref(r->reply);
  json_decref(r->replay);
  free(r->raw);
  free(r->body);
  free(r->path);
  free(r);
  *req_cls = NULL;
  __atomic_fetch_sub(&g_inflight, 1, __ATOMIC_SEQ_CST);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
  char msg[512];
  (void)cls;
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n'))
    msg[--n] = '\0';
  LOG_DEBUG("libmicrohttpd: %s", msg);
}

struct http_server *http_server_start(unsigned port, unsigned threads, struct repo_db *db,
                                      const char *admin_token)
{
  struct http_server *s = oms_calloc(1, sizeof *s);
  g_db = db;
  g_admin_token = admin_token;
  s->db = db;
  s->d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG, (uint16_t)port,
                          NULL, NULL, on_request, NULL,
                          MHD_OPTION_THREAD_POOL_SIZE, threads,
                          MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                          MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
                          MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
                          MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
                          MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                          MHD_OPTION_END);
  if (!s->d) {
    LOG_ERROR("cannot listen on port %u", port);
    free(s);
    return NULL;
  }
  return s;
}

void http_server_stop(struct http_server *s, unsigned grace_ms)
{
  if (!s)
    return;
  /* stop accepting: new connections are refused, not left hanging */
  MHD_socket ls = MHD_quiesce_daemon(s->d);
  if (ls != MHD_INVALID_SOCKET)
    close(ls);
  for (unsigned waited = 0; waited < grace_ms; waited += 10) {
    if (__atomic_load_n(&g_inflight, __ATOMIC_SEQ_CST) == 0)
      break;
    usleep(10000);
  }
  MHD_stop_daemon(s->d);
  free(s);
}
