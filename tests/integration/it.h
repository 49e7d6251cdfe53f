/* it.h: the integration harness. One omsd child process is started per test
 * binary run (against OMS_TEST_DATABASE_URL, a migrated throwaway database);
 * tests talk to it over HTTP with libcurl and check the database with libpq.
 * Tests run without forking (CK_NOFORK), so the server and the database
 * connection live for the whole run. Every test makes its own tenant, which
 * keeps tests independent of each other and of their order. */
#ifndef OMS_TEST_IT_H
#define OMS_TEST_IT_H

#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- the server under test ---- */

struct it_server {
  pid_t pid;
  unsigned port;
  char base[64];      /* "http://127.0.0.1:PORT" */
  char token[65];     /* OMS_ADMIN_TOKEN given to it */
};

/* The server every test talks to (started in main()). */
extern struct it_server it_srv;

/* Starts omsd ($OMS_BIN) on a free port with a random operator token and
 * waits (at most 10 s) for GET /health to answer 200. Returns 0 or -1 (with
 * a message on stderr). */
int it_server_start(struct it_server *s);
/* Sends SIGTERM and waits (at most wait_ms) for the exit. Returns the exit
 * status as an integer 0..255, 128+signal when killed by a signal, or -1 on
 * timeout (the child is then killed with SIGKILL and reaped). */
int it_server_stop(struct it_server *s, unsigned wait_ms);
/* Waits like it_server_stop, without sending a signal. */
int it_server_wait(struct it_server *s, unsigned wait_ms);
/* Whether the child is still running (reaps it if it exited). */
bool it_server_alive(struct it_server *s);

/* Reads an environment variable that must be set (aborts the run otherwise). */
const char *it_env(const char *name);

/* ---- HTTP ---- */

struct it_resp {
  long status;            /* HTTP status; 0 when the request failed to complete */
  char *body;             /* raw body, NUL-terminated (owned) */
  size_t body_len;
  json_t *json;           /* parsed body or NULL (owned) */
  char *headers;          /* header lines of the final response, "\r\n"-separated (owned) */
  char request_id[128];   /* X-Request-Id */
  char replayed[16];      /* Idempotent-Replayed */
  char content_type[128]; /* Content-Type */
  char error[256];        /* libcurl's error when status is 0 */
};

/* Sends method path (relative to the server base, e.g. "/v1/items") to srv.
 * key: bearer key or NULL for no Authorization header. body: request body
 * text or NULL (sent with Content-Type: application/json). The variadic
 * tail is extra header lines ("If-Match: 1"), ended by NULL; the it_req()
 * macro adds the NULL. Thread-safe. Caller frees with it_resp_free(). */
struct it_resp it_req_to(const struct it_server *srv, const char *method, const char *path,
                         const char *key, const char *body, ...);
struct it_resp it_req_v(const struct it_server *srv, const char *method, const char *path,
                        const char *key, const char *body, size_t body_len,
                        const char *const *headers);
#define it_req(method, path, key, body, ...) \
  it_req_to(&it_srv, (method), (path), (key), (body), ##__VA_ARGS__, (const char *)NULL)
void it_resp_free(struct it_resp *r);
/* Copies the value of response header name (case-insensitive) into buf
 * (truncated to buflen - 1) and returns buf, or NULL when absent. */
const char *it_header(const struct it_resp *r, const char *name, char *buf, size_t buflen);
/* Raw HTTP/1.1 over TCP for what libcurl will not send (a false
 * Content-Length, a half-sent body). it_raw_connect returns a socket or -1;
 * it_raw_read reads one response (headers + Content-Length bytes) or until
 * EOF or timeout_ms, and returns it NUL-terminated (caller frees; "" when
 * nothing came). it_raw_exchange connects, sends req, reads, closes. */
int it_raw_connect(unsigned port);
bool it_raw_send(int fd, const char *data, size_t n);
char *it_raw_read(int fd, unsigned timeout_ms);
char *it_raw_exchange(unsigned port, const char *req, unsigned timeout_ms);


/* ---- JSON ---- */

/* Value at a dotted path with [i] indexes ("errors[0].field",
 * "preorder.limit"), borrowed from root, or NULL. */
json_t *it_get(json_t *root, const char *path);
const char *it_str(json_t *root, const char *path); /* NULL unless a string */
long long it_int(json_t *root, const char *path);   /* -424242 unless an integer */
/* Whether a problem's errors[] names field. */
bool it_has_field(json_t *problem, const char *field);
/* Whether text contains needle. */
bool it_contains(const char *text, const char *needle);

/* ---- assertions (report the caller's file and line) ---- */

void it_assert_status_(const char *file, int line, const struct it_resp *r, long status);
void it_assert_problem_(const char *file, int line, const struct it_resp *r, long status,
                        const char *code, const char *field);
void it_assert_json_str_(const char *file, int line, json_t *root, const char *path,
                         const char *want);
void it_assert_json_int_(const char *file, int line, json_t *root, const char *path,
                         long long want);
void it_assert_json_bool_(const char *file, int line, json_t *root, const char *path, bool want);
void it_assert_json_null_(const char *file, int line, json_t *root, const char *path);

/* Status is exactly status (prints the body otherwise). */
#define IT_STATUS(r, st) it_assert_status_(__FILE__, __LINE__, &(r), (st))
/* A problem+json reply: status, Content-Type, type/title/status/code and,
 * when field is not NULL, an errors[] entry naming exactly field. */
#define IT_PROBLEM(r, st, code, field) \
  it_assert_problem_(__FILE__, __LINE__, &(r), (st), (code), (field))
#define IT_JSTR(j, path, want) it_assert_json_str_(__FILE__, __LINE__, (j), (path), (want))
#define IT_JINT(j, path, want) it_assert_json_int_(__FILE__, __LINE__, (j), (path), (want))
#define IT_JBOOL(j, path, want) it_assert_json_bool_(__FILE__, __LINE__, (j), (path), (want))
#define IT_JNULL(j, path) it_assert_json_null_(__FILE__, __LINE__, (j), (path))

/* One request whose reply must be a problem; frees the reply. */
#define IT_EXPECT_PROBLEM(st, code, field, method, path, key, body, ...)                   \
  do {                                                                                     \
    struct it_resp it__r = it_req((method), (path), (key), (body), ##__VA_ARGS__);         \
    it_assert_problem_(__FILE__, __LINE__, &it__r, (st), (code), (field));                \
    it_resp_free(&it__r);                                                                  \
  } while (0)
/* One request whose status must be st; frees the reply. */
#define IT_EXPECT_STATUS(st, method, path, key, body, ...)                                 \
  do {                                                                                     \
    struct it_resp it__r = it_req((method), (path), (key), (body), ##__VA_ARGS__);         \
    it_assert_status_(__FILE__, __LINE__, &it__r, (st));                                  \
    it_resp_free(&it__r);                                                                  \
  } while (0)

/* ---- database checks (libpq, as the application role, RLS applies; main
 * thread only: one shared connection) ---- */

/* Scope of a query: a tenant id (sets oms.tenant_id), IT_OPERATOR (sets
 * oms.operator = on, which the tenants and api_keys policies honour), or
 * IT_NO_SCOPE (neither: row-level security shows nothing). */
#define IT_OPERATOR ((const char *)1)
#define IT_NO_SCOPE ((const char *)NULL)

/* Runs a query (printf-style; only for trusted test constants) in scope and
 * returns the first column of the first row as an integer; fails the test
 * on an SQL error or when there is no row. */
long long it_sql_int(const char *scope, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same, returning the first value as a new string (caller frees) or NULL
 * when there is no row or it is NULL. */
char *it_sql_str(const char *scope, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Runs a statement in scope; returns true when it succeeded. When it failed
 * and sqlstate is not NULL, the SQLSTATE is copied there (6 bytes). */
bool it_sql_exec(const char *scope, char sqlstate[6], const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Closes the harness' database connection (end of run). */
void it_sql_close(void);

/* ---- tenants and keys ---- */

struct it_tenant {
  char id[37];
  char key[80];    /* the admin key */
  char key_id[37]; /* its id */
  char name[64];
};

/* Creates a tenant named "<prefix>-<counter>" through POST /v1/tenants. */
void it_tenant_new_(const char *file, int line, struct it_tenant *t, const char *prefix);
#define it_tenant_new(t, prefix) it_tenant_new_(__FILE__, __LINE__, (t), (prefix))
/* Creates an API key of role in tenant t; fills key (80 bytes) and id (37). */
void it_key_new_(const char *file, int line, const struct it_tenant *t, const char *role,
                 char key[80], char id[37]);
#define it_key_new(t, role, key, id) it_key_new_(__FILE__, __LINE__, (t), (role), (key), (id))

/* Creates (PUT) an object and asserts 201: path like "/v1/items/SKU1". */
void it_put_created_(const char *file, int line, const char *key, const char *path,
                     const char *body);
#define it_put_created(key, path, body) it_put_created_(__FILE__, __LINE__, (key), (path), (body))
/* Inventory through the API (reason receipt for set): asserts 200. */
void it_stock_set_(const char *file, int line, const char *key, const char *loc, const char *sku,
                   long long n);
#define it_stock_set(key, loc, sku, n) it_stock_set_(__FILE__, __LINE__, (key), (loc), (sku), (n))
void it_stock_adjust_(const char *file, int line, const char *key, const char *loc,
                      const char *sku, long long delta);
#define it_stock_adjust(key, loc, sku, d) \
  it_stock_adjust_(__FILE__, __LINE__, (key), (loc), (sku), (d))

/* Walks list_path (no query string) with limit=1 from the first page,
 * requiring the entries' id_field to be exactly want[0..n) in order and the
 * last page's next_cursor to be null; then checks limit=500, the default
 * limit, and that bad limits (0, 501, ...) and cursors are 400. */
void it_walk_pages_(const char *file, int line, const char *key, const char *list_path,
                    const char *id_field, const char *const *want, size_t n);
#define it_walk_pages(key, list_path, id_field, want, n) \
  it_walk_pages_(__FILE__, __LINE__, (key), (list_path), (id_field), (want), (n))
/* If-Match on PUT path with body (the object exists; get_path reads it):
 * stale/future versions are 412 and change nothing; the current version in
 * the forms 3, "3" and W/"3" is 200 and bumps the version; malformed values
 * are 400 (field If-Match); If-Match on missing_path (when not NULL), which
 * does not exist, is 412. get_path may also answer a list of exactly one. */
void it_if_match_cycle_(const char *file, int line, const char *key, const char *path,
                        const char *get_path, const char *body, const char *missing_path);
#define it_if_match_cycle(key, path, get_path, body, missing_path) \
  it_if_match_cycle_(__FILE__, __LINE__, (key), (path), (get_path), (body), (missing_path))

/* A request body that must be refused with 400 validation_failed naming
 * field (and field2 when not NULL) in errors[]. body NULL: no body. */
struct it_case {
  const char *body;
  const char *field;
  const char *field2;
};
void it_expect_400s_(const char *file, int line, const char *key, const char *method,
                     const char *path, const struct it_case *cases, size_t n);
#define it_expect_400s(key, method, path, cases) \
  it_expect_400s_(__FILE__, __LINE__, (key), (method), (path), (cases), \
                  sizeof(cases) / sizeof((cases)[0]))

/* A unique string for names and codes: "<prefix><pid>x<counter>". */
void it_unique(char *buf, size_t n, const char *prefix);

/* ---- suites ---- */
Suite *it_suite_ops(void);
Suite *it_suite_tenants(void);
Suite *it_suite_keys(void);
Suite *it_suite_items(void);
Suite *it_suite_locations(void);
Suite *it_suite_suppliers(void);
Suite *it_suite_channels(void);
Suite *it_suite_conventions(void);
Suite *it_suite_isolation(void);
Suite *it_suite_orders(void);
Suite *it_suite_order_rules(void);
Suite *it_suite_inventory(void);
Suite *it_suite_availability(void);
Suite *it_suite_routing(void);
Suite *it_suite_races(void);
Suite *it_suite_fulfillment(void);
Suite *it_suite_rules(void);
Suite *it_suite_inbound(void);
Suite *it_suite_edi(void);
Suite *it_suite_shutdown(void);

#endif
