/* it_util.c: the integration harness (see it.h): the omsd child process,
 * the libcurl client, JSON paths, assertions, libpq checks and tenant
 * fixtures. */
#define _GNU_SOURCE /* vasprintf */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include "it.h"
#include "oms/common.h"

struct it_server it_srv;

const char *it_env(const char *name)
{
  const char *v = getenv(name);
  if (!v || !*v) {
    fprintf(stderr, "check_http: %s is not set (run through scripts/test.sh)\n", name);
    exit(2);
  }
  return v;
}

static void sleep_ms(unsigned ms)
{
  struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

/* ---- the server ---- */

/* A port the kernel considers free right now (bound then released). */
static unsigned free_port(void)
{
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return 0;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
    close(fd);
    return 0;
  }
  close(fd);
  return ntohs(a.sin_port);
}

bool it_server_alive(struct it_server *s)
{
  int st;
  if (s->pid <= 0)
    return false;
  pid_t w = waitpid(s->pid, &st, WNOHANG);
  if (w == 0)
    return true;
  s->pid = 0;
  return false;
}

int it_server_start(struct it_server *s)
{
  unsigned char raw[24];
  const char *bin = it_env("OMS_BIN");
  const char *url = it_env("OMS_TEST_DATABASE_URL");
  char port[16];

  memset(s, 0, sizeof *s);
  if (oms_random_bytes(raw, sizeof raw) != 0)
    return -1;
  for (size_t i = 0; i < sizeof raw; i++)
    snprintf(s->token + 2 * i, 3, "%02x", raw[i]);
  s->port = free_port();
  if (!s->port) {
    fprintf(stderr, "check_http: no free port\n");
    return -1;
  }
  snprintf(port, sizeof port, "%u", s->port);
  snprintf(s->base, sizeof s->base, "http://127.0.0.1:%u", s->port);

  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    /* hermetic: no config file, only these settings */
    setenv("OMS_CONFIG", "/dev/null", 1);
    setenv("OMS_PORT", port, 1);
    setenv("DATABASE_URL", url, 1);
    setenv("OMS_ADMIN_TOKEN", s->token, 1);
    setenv("OMS_THREADS", "4", 1);
    setenv("OMS_LOG_LEVEL", "warn", 1);
    unsetenv("OMS_DB_POOL");
    execl(bin, bin, (char *)NULL);
    fprintf(stderr, "check_http: cannot run %s: %s\n", bin, strerror(errno));
    _exit(127);
  }
  s->pid = pid;

  /* ready when /health answers 200, within 10 s */
  for (int waited = 0; waited < 10000; waited += 50) {
    if (!it_server_alive(s)) {
      fprintf(stderr, "check_http: omsd exited during start-up\n");
      return -1;
    }
    struct it_resp r = it_req_to(s, "GET", "/health", NULL, NULL, (const char *)NULL);
    long st = r.status;
    it_resp_free(&r);
    if (st == 200)
      return 0;
    sleep_ms(50);
  }
  fprintf(stderr, "check_http: omsd did not answer /health within 10 s\n");
  it_server_stop(s, 1000);
  return -1;
}

int it_server_wait(struct it_server *s, unsigned wait_ms)
{
  int st = 0;
  if (s->pid <= 0)
    return -1;
  for (unsigned waited = 0;; waited += 10) {
    pid_t w = waitpid(s->pid, &st, WNOHANG);
    if (w == s->pid)
      break;
    if (w < 0) {
      s->pid = 0;
      return -1;
    }
    if (waited >= wait_ms) {
      fprintf(stderr, "check_http: omsd did not exit within %u ms; killing it\n", wait_ms);
      kill(s->pid, SIGKILL);
      waitpid(s->pid, &st, 0);
      s->pid = 0;
      return -1;
    }
    sleep_ms(10);
  }
  s->pid = 0;
  if (WIFEXITED(st))
    return WEXITSTATUS(st);
  if (WIFSIGNALED(st))
    return 128 + WTERMSIG(st);
  return -1;
}

int it_server_stop(struct it_server *s, unsigned wait_ms)
{
  if (s->pid <= 0)
    return -1;
  kill(s->pid, SIGTERM);
  return it_server_wait(s, wait_ms);
}

/* ---- HTTP ---- */

struct growbuf {
  char *s;
  size_t len;
};

static void gb_add(struct growbuf *b, const char *data, size_t n)
{
  char *p = realloc(b->s, b->len + n + 1);
  if (!p)
    abort();
  b->s = p;
  memcpy(b->s + b->len, data, n);
  b->len += n;
  b->s[b->len] = '\0';
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *cls)
{
  gb_add(cls, data, size * nmemb);
  return size * nmemb;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *cls)
{
  struct growbuf *b = cls;
  size_t n = size * nmemb;
  /* a new status line (after 100 Continue) starts the final header block */
  if (n >= 5 && strncmp(data, "HTTP/", 5) == 0)
    b->len = 0;
  gb_add(b, data, n);
  return n;
}

const char *it_header(const struct it_resp *r, const char *name, char *buf, size_t buflen)
{
  size_t nl = strlen(name);
  const char *p = r->headers;
  if (!p || buflen == 0)
    return NULL;
  while (*p) {
    const char *eol = strstr(p, "\r\n");
    size_t len = eol ? (size_t)(eol - p) : strlen(p);
    if (len > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
      const char *v = p + nl + 1;
      const char *e = p + len;
      while (v < e && (*v == ' ' || *v == '\t'))
        v++;
      while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
      size_t vl = (size_t)(e - v);
      if (vl >= buflen)
        vl = buflen - 1;
      memcpy(buf, v, vl);
      buf[vl] = '\0';
      return buf;
    }
    if (!eol)
      break;
    p = eol + 2;
  }
  return NULL;
}

struct it_resp it_req_v(const struct it_server *srv, const char *method, const char *path,
                        const char *key, const char *body, size_t body_len,
                        const char *const *headers)
{
  struct it_resp r;
  struct growbuf b = {NULL, 0}, h = {NULL, 0};
  struct curl_slist *hl = NULL;
  char url[4096], auth[1024], errbuf[CURL_ERROR_SIZE] = "";
  CURL *c = curl_easy_init();

  memset(&r, 0, sizeof r);
  if (!c) {
    snprintf(r.error, sizeof r.error, "curl_easy_init failed");
    r.body = strdup("");
    return r;
  }
  snprintf(url, sizeof url, "%s%s", srv->base, path);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
  if (strcmp(method, "HEAD") == 0)
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  /* no "Expect: 100-continue" round trip */
  hl = curl_slist_append(hl, "Expect:");
  if (key) {
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", key);
    hl = curl_slist_append(hl, auth);
  }
  bool own_type = false; /* an extra header may name another Content-Type */
  for (const char *const *p = headers; p && *p; p++)
    own_type |= strncasecmp(*p, "Content-Type:", 13) == 0;
  if (body) {
    if (!own_type)
      hl = curl_slist_append(hl, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
  }
  for (const char *const *p = headers; p && *p; p++)
    hl = curl_slist_append(hl, *p);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);

  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  } else {
    r.status = 0;
    snprintf(r.error, sizeof r.error, "%s: %s", curl_easy_strerror(rc), errbuf);
  }
  curl_slist_free_all(hl);
  curl_easy_cleanup(c);

  r.body = b.s ? b.s : strdup("");
  r.body_len = b.len;
  r.headers = h.s ? h.s : strdup("");
  if (r.body_len > 0)
    r.json = json_loadb(r.body, r.body_len, JSON_DECODE_ANY, NULL);
  it_header(&r, "X-Request-Id", r.request_id, sizeof r.request_id);
  it_header(&r, "Idempotent-Replayed", r.replayed, sizeof r.replayed);
  it_header(&r, "Content-Type", r.content_type, sizeof r.content_type);
  return r;
}

struct it_resp it_req_to(const struct it_server *srv, const char *method, const char *path,
                         const char *key, const char *body, ...)
{
  const char *headers[16];
  size_t n = 0;
  va_list ap;
  va_start(ap, body);
  for (const char *h; (h = va_arg(ap, const char *)) != NULL;) {
    if (n + 1 < sizeof headers / sizeof headers[0])
      headers[n++] = h;
  }
  va_end(ap);
  headers[n] = NULL;
  return it_req_v(srv, method, path, key, body, body ? strlen(body) : 0, headers);
}

void it_resp_free(struct it_resp *r)
{
  json_decref(r->json);
  free(r->body);
  free(r->headers);
  memset(r, 0, sizeof *r);
}

/* ---- JSON ---- */

json_t *it_get(json_t *root, const char *path)
{
  json_t *v = root;
  const char *p = path;
  char name[256];
  while (v && *p) {
    if (*p == '.') {
      p++;
      continue;
    }
    if (*p == '[') {
      char *end;
      long i = strtol(p + 1, &end, 10);
      if (*end != ']' || !json_is_array(v))
        return NULL;
      v = json_array_get(v, (size_t)i);
      p = end + 1;
      continue;
    }
    size_t n = strcspn(p, ".[");
    if (n >= sizeof name || !json_is_object(v))
      return NULL;
    memcpy(name, p, n);
    name[n] = '\0';
    v = json_object_get(v, name);
    p += n;
  }
  return v;
}

const char *it_str(json_t *root, const char *path)
{
  return json_string_value(it_get(root, path));
}

long long it_int(json_t *root, const char *path)
{
  json_t *v = it_get(root, path);
  return json_is_integer(v) ? (long long)json_integer_value(v) : -424242;
}

bool it_has_field(json_t *problem, const char *field)
{
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(problem, "errors"), i, e)
  {
    const char *f = json_string_value(json_object_get(e, "field"));
    if (f && strcmp(f, field) == 0)
      return true;
  }
  return false;
}

bool it_contains(const char *text, const char *needle)
{
  return text && needle && strstr(text, needle) != NULL;
}

/* ---- assertions ---- */

static const char *shorten(const struct it_resp *r)
{
  if (r->status == 0)
    return r->error;
  return r->body ? r->body : "";
}

void it_assert_status_(const char *file, int line, const struct it_resp *r, long status)
{
  ck_assert_msg(r->status == status, "%s:%d: expected status %ld, got %ld: %.600s", file, line,
                status, r->status, shorten(r));
  ck_assert_msg(r->request_id[0] != '\0', "%s:%d: reply without X-Request-Id", file, line);
}

void it_assert_problem_(const char *file, int line, const struct it_resp *r, long status,
                        const char *code, const char *field)
{
  char type[160];
  it_assert_status_(file, line, r, status);
  ck_assert_msg(strncmp(r->content_type, "application/problem+json", 24) == 0,
                "%s:%d: Content-Type is '%s', not application/problem+json", file, line,
                r->content_type);
  ck_assert_msg(json_is_object(r->json), "%s:%d: problem body is not a JSON object: %.300s", file,
                line, r->body);
  const char *got = it_str(r->json, "code");
  ck_assert_msg(got && strcmp(got, code) == 0, "%s:%d: expected code %s, got %s: %.600s", file,
                line, code, got ? got : "(none)", r->body);
  snprintf(type, sizeof type, "https://oms.dev/errors/%s", code);
  ck_assert_msg(it_str(r->json, "type") && strcmp(it_str(r->json, "type"), type) == 0,
                "%s:%d: problem type is not %s: %.300s", file, line, type, r->body);
  ck_assert_msg(it_int(r->json, "status") == status, "%s:%d: problem status is not %ld", file,
                line, status);
  ck_assert_msg(it_str(r->json, "title") != NULL, "%s:%d: problem without title", file, line);
  ck_assert_msg(it_str(r->json, "detail") != NULL, "%s:%d: problem without detail", file, line);
  ck_assert_msg(json_is_array(it_get(r->json, "errors")), "%s:%d: problem without errors[]",
                file, line);
  if (field)
    ck_assert_msg(it_has_field(r->json, field), "%s:%d: expected errors[].field '%s': %.600s",
                  file, line, field, r->body);
}

void it_assert_json_str_(const char *file, int line, json_t *root, const char *path,
                         const char *want)
{
  const char *got = it_str(root, path);
  ck_assert_msg(got && strcmp(got, want) == 0, "%s:%d: %s is %s, expected \"%s\"", file, line,
                path, got ? got : "(not a string)", want);
}

void it_assert_json_int_(const char *file, int line, json_t *root, const char *path,
                         long long want)
{
  json_t *v = it_get(root, path);
  ck_assert_msg(json_is_integer(v), "%s:%d: %s is not an integer", file, line, path);
  ck_assert_msg((long long)json_integer_value(v) == want, "%s:%d: %s is %lld, expected %lld", file,
                line, path, (long long)json_integer_value(v), want);
}

void it_assert_json_bool_(const char *file, int line, json_t *root, const char *path, bool want)
{
  json_t *v = it_get(root, path);
  ck_assert_msg(json_is_boolean(v), "%s:%d: %s is not a boolean", file, line, path);
  ck_assert_msg(json_is_true(v) == want, "%s:%d: %s is %s, expected %s", file, line, path,
                json_is_true(v) ? "true" : "false", want ? "true" : "false");
}

void it_assert_json_null_(const char *file, int line, json_t *root, const char *path)
{
  json_t *v = it_get(root, path);
  ck_assert_msg(v && json_is_null(v), "%s:%d: %s is %s, expected null", file, line, path,
                v ? "not null" : "absent");
}

/* ---- database ---- */

/* One connection, used from the main (test) thread only. */
static PGconn *g_pg;

static PGconn *pg_conn(void)
{
  if (g_pg && PQstatus(g_pg) != CONNECTION_OK) {
    PQfinish(g_pg);
    g_pg = NULL;
  }
  if (!g_pg) {
    g_pg = PQconnectdb(it_env("OMS_TEST_DATABASE_URL"));
    ck_assert_msg(PQstatus(g_pg) == CONNECTION_OK, "cannot connect to the test database: %s",
                  PQerrorMessage(g_pg));
  }
  return g_pg;
}

void it_sql_close(void)
{
  if (g_pg)
    PQfinish(g_pg);
  g_pg = NULL;
}

/* Sets the session's scope (session-wide settings, is_local = false). */
static bool set_scope(PGconn *pg, const char *scope)
{
  const char *tenant = (scope && scope != IT_OPERATOR) ? scope : "";
  const char *op = scope == IT_OPERATOR ? "on" : "";
  const char *p[2] = {tenant, op};
  PGresult *res = PQexecParams(pg,
                               "SELECT set_config('oms.tenant_id', $1, false),"
                               " set_config('oms.operator', $2, false)",
                               2, NULL, p, NULL, NULL, 0);
  bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
  PQclear(res);
  return ok;
}

/* Runs sql in scope; returns the result (caller PQclears) or NULL after
 * failing the test (unless may_fail). */
static PGresult *run_sql(const char *scope, const char *sql, char sqlstate[6], bool may_fail)
{
  PGconn *pg = pg_conn();
  ck_assert_msg(set_scope(pg, scope), "cannot set the scope: %s", PQerrorMessage(pg));
  PGresult *res = PQexec(pg, sql);
  ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    if (sqlstate) {
      const char *s = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      snprintf(sqlstate, 6, "%s", s ? s : "");
    }
    if (may_fail) {
      PQclear(res);
      return NULL;
    }
    char msg[512];
    snprintf(msg, sizeof msg, "%s", PQresultErrorMessage(res));
    PQclear(res);
      ck_abort_msg("SQL failed: %s: %s", sql, msg);
  }
  return res;
}

static char *vformat(const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    abort();
  return s;
}

long long it_sql_int(const char *scope, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *sql = vformat(fmt, ap);
  va_end(ap);
  PGresult *res = run_sql(scope, sql, NULL, false);
  bool have = PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0);
  long long v = have ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
  PQclear(res);
  if (!have) {
    char msg[512];
    snprintf(msg, sizeof msg, "%s", sql);
    free(sql);
    ck_abort_msg("SQL returned no value: %s", msg);
  }
  free(sql);
  return v;
}

char *it_sql_str(const char *scope, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *sql = vformat(fmt, ap);
  va_end(ap);
  PGresult *res = run_sql(scope, sql, NULL, false);
  char *v = NULL;
  if (PQntuples(res) > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0))
    v = strdup(PQgetvalue(res, 0, 0));
  PQclear(res);
  free(sql);
  return v;
}

bool it_sql_exec(const char *scope, char sqlstate[6], const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *sql = vformat(fmt, ap);
  va_end(ap);
  if (sqlstate)
    sqlstate[0] = '\0';
  PGresult *res = run_sql(scope, sql, sqlstate, true);
  free(sql);
  if (!res)
    return false;
  PQclear(res);
  return true;
}

/* ---- fixtures ---- */

void it_unique(char *buf, size_t n, const char *prefix)
{
  static unsigned counter;
  unsigned c = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
  snprintf(buf, n, "%s%ldx%u", prefix, (long)getpid(), c);
}

void it_tenant_new_(const char *file, int line, struct it_tenant *t, const char *prefix)
{
  char body[160];
  memset(t, 0, sizeof *t);
  it_unique(t->name, sizeof t->name, prefix);
  snprintf(body, sizeof body, "{\"name\":\"%s\"}", t->name);
  struct it_resp r = it_req("POST", "/v1/tenants", it_srv.token, body);
  it_assert_status_(file, line, &r, 201);
  const char *id = it_str(r.json, "id");
  const char *key = it_str(r.json, "api_key.key");
  const char *kid = it_str(r.json, "api_key.id");
  ck_assert_msg(id && key && kid, "%s:%d: tenant reply lacks id/api_key: %s", file, line, r.body);
  snprintf(t->id, sizeof t->id, "%s", id);
  snprintf(t->key, sizeof t->key, "%s", key);
  snprintf(t->key_id, sizeof t->key_id, "%s", kid);
  it_resp_free(&r);
}

void it_key_new_(const char *file, int line, const struct it_tenant *t, const char *role,
                 char key[80], char id[37])
{
  char body[128];
  snprintf(body, sizeof body, "{\"role\":\"%s\",\"name\":\"%s key\"}", role, role);
  struct it_resp r = it_req("POST", "/v1/api-keys", t->key, body);
  it_assert_status_(file, line, &r, 201);
  const char *k = it_str(r.json, "key");
  const char *i = it_str(r.json, "id");
  ck_assert_msg(k && i, "%s:%d: key reply lacks key/id: %s", file, line, r.body);
  snprintf(key, 80, "%s", k);
  if (id)
    snprintf(id, 37, "%s", i);
  it_resp_free(&r);
}

void it_put_created_(const char *file, int line, const char *key, const char *path,
                     const char *body)
{
  struct it_resp r = it_req("PUT", path, key, body);
  it_assert_status_(file, line, &r, 201);
  it_resp_free(&r);
}

/* ---- shared checks of catalog resources ---- */

void it_walk_pages_(const char *file, int line, const char *key, const char *list_path,
                    const char *id_field, const char *const *want, size_t n)
{
  char path[512];
  char cursor[64] = "";
  size_t seen = 0, pages = 0;
  for (;;) {
    if (cursor[0])
      snprintf(path, sizeof path, "%s?limit=1&after=%s", list_path, cursor);
    else
      snprintf(path, sizeof path, "%s?limit=1", list_path);
    struct it_resp r = it_req("GET", path, key, NULL);
    it_assert_status_(file, line, &r, 200);
    json_t *data = it_get(r.json, "data");
    json_t *next = it_get(r.json, "next_cursor");
    ck_assert_msg(json_is_array(data), "%s:%d: %s: no data[]", file, line, path);
    ck_assert_msg(next && (json_is_null(next) || json_is_string(next)),
                  "%s:%d: %s: next_cursor missing or not string/null", file, line, path);
    pages++;
    if (json_array_size(data) == 0) {
      ck_assert_msg(json_is_null(next), "%s:%d: empty page with a cursor", file, line);
      break;
    }
    ck_assert_msg(json_array_size(data) == 1, "%s:%d: %s: %zu entries on a page of 1", file, line,
                  path, json_array_size(data));
    const char *id = it_str(json_array_get(data, 0), id_field);
    ck_assert_msg(seen < n, "%s:%d: more entries than the %zu expected (extra %s)", file, line, n,
                  id ? id : "?");
    ck_assert_msg(id && strcmp(id, want[seen]) == 0, "%s:%d: entry %zu is %s, expected %s", file,
                  line, seen, id ? id : "?", want[seen]);
    seen++;
    if (json_is_null(next)) {
      it_resp_free(&r);
      break;
    }
    snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
    it_resp_free(&r);
    ck_assert_msg(pages <= n + 1, "%s:%d: the cursor does not end", file, line);
  }
  ck_assert_msg(seen == n, "%s:%d: walked %zu entries, expected %zu", file, line, seen, n);
  ck_assert_msg(pages == n, "%s:%d: %zu pages for %zu entries (last page must say null)", file,
                line, pages, n);

  /* the whole list in one page, and the limits */
  snprintf(path, sizeof path, "%s?limit=500", list_path);
  struct it_resp r = it_req("GET", path, key, NULL);
  it_assert_status_(file, line, &r, 200);
  ck_assert_msg(json_array_size(it_get(r.json, "data")) == n, "%s:%d: limit=500 gave %zu", file,
                line, json_array_size(it_get(r.json, "data")));
  ck_assert_msg(json_is_null(it_get(r.json, "next_cursor")), "%s:%d: cursor after all", file, line);
  it_resp_free(&r);
  r = it_req("GET", list_path, key, NULL); /* default limit 50 */
  it_assert_status_(file, line, &r, 200);
  ck_assert_msg(json_array_size(it_get(r.json, "data")) == n, "%s:%d: default limit", file, line);
  it_resp_free(&r);
  static const char *const bad_limits[] = {"0", "501", "-1", "abc", "1.5", "", "99999999999999999999"};
  for (size_t i = 0; i < sizeof bad_limits / sizeof bad_limits[0]; i++) {
    snprintf(path, sizeof path, "%s?limit=%s", list_path, bad_limits[i]);
    r = it_req("GET", path, key, NULL);
    it_assert_problem_(file, line, &r, 400, "validation_failed", "limit");
    it_resp_free(&r);
  }
  snprintf(path, sizeof path, "%s?after=not-a-cursor", list_path);
  r = it_req("GET", path, key, NULL);
  it_assert_problem_(file, line, &r, 400, "validation_failed", "after");
  it_resp_free(&r);
}

static long long version_of(const char *file, int line, const char *key, const char *path)
{
  struct it_resp r = it_req("GET", path, key, NULL);
  it_assert_status_(file, line, &r, 200);
  json_t *obj = r.json;
  json_t *data = json_object_get(r.json, "data");
  if (json_is_array(data) && json_array_size(data) == 1) /* a list of one (ring-fences) */
    obj = json_array_get(data, 0);
  long long v = it_int(obj, "version");
  it_resp_free(&r);
  return v;
}

void it_if_match_cycle_(const char *file, int line, const char *key, const char *path,
                        const char *get_path, const char *body, const char *missing_path)
{
  char h[64];
  long long v = version_of(file, line, key, get_path);
  ck_assert_msg(v >= 1, "%s:%d: no version at %s", file, line, get_path);

  /* stale (and future) versions: 412, nothing changes */
  static const long long deltas[] = {-1, +1, +1000};
  for (size_t i = 0; i < 3; i++) {
    if (v + deltas[i] < 0)
      continue;
    snprintf(h, sizeof h, "If-Match: %lld", v + deltas[i]);
    struct it_resp r = it_req("PUT", path, key, body, h);
    it_assert_problem_(file, line, &r, 412, "precondition_failed", NULL);
    it_resp_free(&r);
  }
  ck_assert_msg(version_of(file, line, key, get_path) == v, "%s:%d: a 412 changed the version",
                file, line);

  /* the current version: 200, version + 1; quoted and weak forms too */
  for (int i = 0; i < 3; i++) {
    if (i == 0)
      snprintf(h, sizeof h, "If-Match: %lld", v);
    else if (i == 1)
      snprintf(h, sizeof h, "If-Match: \"%lld\"", v);
    else
      snprintf(h, sizeof h, "If-Match: W/\"%lld\"", v);
    struct it_resp r = it_req("PUT", path, key, body, h);
    it_assert_status_(file, line, &r, 200);
    ck_assert_msg(it_int(r.json, "version") == v + 1, "%s:%d: version %lld after If-Match %lld",
                  file, line, it_int(r.json, "version"), v);
    it_resp_free(&r);
    v++;
  }

  /* malformed */
  static const char *const bad[] = {"If-Match: abc", "If-Match: -1", "If-Match: 1x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct it_resp r = it_req("PUT", path, key, body, bad[i]);
    it_assert_problem_(file, line, &r, 400, "validation_failed", "If-Match");
    it_resp_free(&r);
  }
  ck_assert_msg(version_of(file, line, key, get_path) == v, "%s:%d: a 400 changed the version",
                file, line);

  /* an object that does not exist has no version to match */
  if (missing_path) {
    struct it_resp r = it_req("PUT", missing_path, key, body, "If-Match: 1");
    it_assert_problem_(file, line, &r, 412, "precondition_failed", NULL);
    it_resp_free(&r);
  }
}

void it_expect_400s_(const char *file, int line, const char *key, const char *method,
                     const char *path, const struct it_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    struct it_resp r = it_req(method, path, key, cases[i].body);
    ck_assert_msg(r.status == 400, "%s:%d: case %zu %s %s %s: expected 400, got %ld: %.400s",
                  file, line, i, method, path, cases[i].body ? cases[i].body : "(no body)",
                  r.status, r.body);
    ck_assert_msg(it_has_field(r.json, cases[i].field),
                  "%s:%d: case %zu %s: expected errors[].field '%s': %.400s", file, line, i,
                  cases[i].body ? cases[i].body : "(no body)", cases[i].field, r.body);
    if (cases[i].field2)
      ck_assert_msg(it_has_field(r.json, cases[i].field2),
                    "%s:%d: case %zu %s: expected errors[].field '%s': %.400s", file, line, i,
                    cases[i].body, cases[i].field2, r.body);
    it_assert_problem_(file, line, &r, 400, "validation_failed", cases[i].field);
    it_resp_free(&r);
  }
}

/* ---- raw sockets ---- */

int it_raw_connect(unsigned port)
{
  struct sockaddr_in a;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0)
    return -1;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((uint16_t)port);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool it_raw_send(int fd, const char *data, size_t n)
{
  while (n > 0) {
    ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return false;
    data += w;
    n -= (size_t)w;
  }
  return true;
}

/* Whether buf holds a whole response: headers and Content-Length bytes. */
static bool response_complete(const char *buf, size_t len)
{
  const char *end = strstr(buf, "\r\n\r\n");
  if (!end)
    return false;
  size_t hdr = (size_t)(end - buf) + 4;
  const char *p = buf;
  while (p < end) {
    if (strncasecmp(p, "Content-Length:", 15) == 0)
      return len >= hdr + strtoul(p + 15, NULL, 10);
    const char *nl = strstr(p, "\r\n");
    if (!nl)
      break;
    p = nl + 2;
  }
  return false;
}

char *it_raw_read(int fd, unsigned timeout_ms)
{
  struct growbuf b = {NULL, 0};
  struct timespec t0, now;
  gb_add(&b, "", 0);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    char chunk[4096];
    clock_gettime(CLOCK_MONOTONIC, &now);
    long elapsed = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
    if (elapsed >= (long)timeout_ms)
      break;
    struct timeval tv = {0, 50000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n == 0)
      break; /* EOF */
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        continue;
      break;
    }
    gb_add(&b, chunk, (size_t)n);
    if (response_complete(b.s, b.len))
      break;
  }
  return b.s;
}

char *it_raw_exchange(unsigned port, const char *req, unsigned timeout_ms)
{
  int fd = it_raw_connect(port);
  if (fd < 0)
    return NULL;
  char *out = NULL;
  if (it_raw_send(fd, req, strlen(req)))
    out = it_raw_read(fd, timeout_ms);
  close(fd);
  return out;
}

static void stock_post(const char *file, int line, const char *key, const char *body)
{
  struct it_resp r = it_req("POST", "/v1/inventory/adjustments", key, body);
  it_assert_status_(file, line, &r, 200);
  it_resp_free(&r);
}

void it_stock_set_(const char *file, int line, const char *key, const char *loc, const char *sku,
                   long long n)
{
  char body[256];
  snprintf(body, sizeof body,
           "{\"location\":\"%s\",\"sku\":\"%s\",\"set\":%lld,\"reason\":\"receipt\"}", loc, sku, n);
  stock_post(file, line, key, body);
}

void it_stock_adjust_(const char *file, int line, const char *key, const char *loc,
                      const char *sku, long long delta)
{
  char body[256];
  snprintf(body, sizeof body, "{\"location\":\"%s\",\"sku\":\"%s\",\"delta\":%lld}", loc, sku,
           delta);
  stock_post(file, line, key, body);
}
