/* it_conventions.c: what every endpoint does: the 1 MiB body limit,
 * X-Request-Id, Content-Type, and Idempotency-Key (replay, reuse with another
 * body, errors not kept, length, tenant scope, concurrent duplicates). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "it.h"
#include "oms/common.h"

#define MIB (1024u * 1024u)

/* A valid JSON text padded with spaces to exactly len bytes (caller frees). */
static char *padded(const char *json, size_t len)
{
  size_t n = strlen(json);
  char *s = malloc(len + 1);
  ck_assert_ptr_nonnull(s);
  memcpy(s, json, n);
  memset(s + n, ' ', len - n);
  s[len] = '\0';
  return s;
}

START_TEST(body_over_1mib_is_413_and_writes_nothing)
{
  struct it_tenant t;
  it_tenant_new(&t, "big");
  char *body = padded("{\"role\":\"ops\",\"name\":\"big\"}", MIB + 1);
  struct it_resp r = it_req("POST", "/v1/api-keys", t.key, body);
  IT_PROBLEM(r, 413, "payload_too_large", NULL);
  it_resp_free(&r);
  free(body);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM api_keys"), 1);

  /* a large value rather than padding */
  size_t n = 2 * MIB;
  body = malloc(n + 64);
  int o = snprintf(body, 64, "{\"price\":1,\"name\":\"");
  memset(body + o, 'x', n);
  strcpy(body + o + n, "\"}");
  r = it_req("PUT", "/v1/items/BIG", t.key, body);
  IT_PROBLEM(r, 413, "payload_too_large", NULL);
  it_resp_free(&r);
  free(body);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM items"), 0);

  /* the route is matched first: a large body to an unknown path is 404 */
  body = padded("{}", MIB + 10);
  r = it_req("POST", "/v1/nothing-here", t.key, body);
  IT_PROBLEM(r, 404, "not_found", NULL);
  it_resp_free(&r);
  free(body);

  /* exactly 1 MiB is allowed */
  body = padded("{\"role\":\"ops\",\"name\":\"one-mib\"}", MIB);
  r = it_req("POST", "/v1/api-keys", t.key, body);
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "name", "one-mib");
  it_resp_free(&r);
  free(body);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM api_keys"), 2);

  /* the connection pool and server are fine afterwards */
  IT_EXPECT_STATUS(200, "GET", "/v1/api-keys", t.key, NULL);
}
END_TEST

START_TEST(huge_declared_length_is_413_without_reading)
{
  struct it_tenant t;
  it_tenant_new(&t, "huge");
  char req[512];
  snprintf(req, sizeof req,
           "POST /v1/api-keys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{\"role\":\"ops\"",
           t.key);
  char *reply = it_raw_exchange(it_srv.port, req, 5000);
  ck_assert_ptr_nonnull(reply);
  ck_assert_msg(strncmp(reply, "HTTP/1.1 413", 12) == 0, "reply: %.300s", reply);
  ck_assert_msg(it_contains(reply, "\"code\":\"payload_too_large\""), "reply: %.600s", reply);
  free(reply);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM api_keys"), 1);
}
END_TEST

START_TEST(request_id_echoed_or_generated)
{
  struct it_resp r = it_req("GET", "/health", NULL, NULL, "X-Request-Id: it-req-42");
  IT_STATUS(r, 200);
  ck_assert_str_eq(r.request_id, "it-req-42");
  it_resp_free(&r);
  /* on errors too: 401, 404, 405, 400 */
  r = it_req("GET", "/v1/items", NULL, NULL, "X-Request-Id: it-req-401");
  IT_PROBLEM(r, 401, "unauthorized", NULL);
  ck_assert_str_eq(r.request_id, "it-req-401");
  it_resp_free(&r);
  r = it_req("GET", "/nope", NULL, NULL, "X-Request-Id: it-req-404");
  ck_assert_str_eq(r.request_id, "it-req-404");
  it_resp_free(&r);
  r = it_req("DELETE", "/health", NULL, NULL, "X-Request-Id: it-req-405");
  ck_assert_str_eq(r.request_id, "it-req-405");
  it_resp_free(&r);
  r = it_req("POST", "/v1/tenants", it_srv.token, "{", "X-Request-Id: it-req-400");
  IT_PROBLEM(r, 400, "validation_failed", "body");
  ck_assert_str_eq(r.request_id, "it-req-400");
  it_resp_free(&r);

  /* generated when absent: a fresh UUID each time */
  struct it_resp a = it_req("GET", "/health", NULL, NULL);
  struct it_resp b = it_req("GET", "/health", NULL, NULL);
  ck_assert_msg(oms_uuid_valid(a.request_id), "generated id %s", a.request_id);
  ck_assert(oms_uuid_valid(b.request_id));
  ck_assert_str_ne(a.request_id, b.request_id);
  it_resp_free(&a);
  it_resp_free(&b);

  /* not echoed when unusable (spaces, longer than 64): generated instead */
  r = it_req("GET", "/health", NULL, NULL, "X-Request-Id: has space");
  ck_assert_msg(oms_uuid_valid(r.request_id), "id %s", r.request_id);
  it_resp_free(&r);
  char h[128];
  snprintf(h, sizeof h, "X-Request-Id: %065d", 0);
  r = it_req("GET", "/health", NULL, NULL, h);
  ck_assert_msg(oms_uuid_valid(r.request_id), "id %s", r.request_id);
  it_resp_free(&r);
  snprintf(h, sizeof h, "X-Request-Id: %064d", 0);
  r = it_req("GET", "/health", NULL, NULL, h);
  ck_assert_str_eq(r.request_id, h + 14);
  it_resp_free(&r);
}
END_TEST

static long long ops_keys(const struct it_tenant *t)
{
  return it_sql_int(t->id, "SELECT count(*) FROM api_keys WHERE role = 'ops'");
}

START_TEST(idempotent_key_creation_replays)
{
  struct it_tenant t;
  char idem[96], hdr[128];
  it_tenant_new(&t, "idem");
  it_unique(idem, sizeof idem, "idem-");
  snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", idem);
  const char *body = "{\"role\":\"ops\",\"name\":\"replayed\"}";

  struct it_resp first = it_req("POST", "/v1/api-keys", t.key, body, hdr);
  IT_STATUS(first, 201);
  ck_assert_str_eq(first.replayed, "");
  const char *secret = it_str(first.json, "key");
  ck_assert_ptr_nonnull(secret);

  struct it_resp again = it_req("POST", "/v1/api-keys", t.key, body, hdr);
  IT_STATUS(again, 201);
  ck_assert_str_eq(again.replayed, "true");
  ck_assert_str_eq(again.content_type, "application/json");
  ck_assert_ptr_null(it_get(again.json, "key")); /* the secret is shown once */
  ck_assert(!it_contains(again.body, secret));
  /* otherwise the same reply */
  json_t *expect = json_deep_copy(first.json);
  json_object_del(expect, "key");
  ck_assert_msg(json_equal(expect, again.json), "replay %s", again.body);
  json_decref(expect);
  ck_assert_int_eq(ops_keys(&t), 1);

  /* same key, another body: 422, nothing created */
  struct it_resp other = it_req("POST", "/v1/api-keys", t.key, "{\"role\":\"ops\",\"name\":\"other\"}", hdr);
  IT_PROBLEM(other, 422, "idempotency_key_reused", "Idempotency-Key");
  ck_assert_str_eq(other.replayed, "");
  it_resp_free(&other);
  ck_assert_int_eq(ops_keys(&t), 1);

  /* a third identical call still replays */
  struct it_resp third = it_req("POST", "/v1/api-keys", t.key, body, hdr);
  IT_STATUS(third, 201);
  ck_assert_str_eq(third.replayed, "true");
  IT_JSTR(third.json, "id", it_str(first.json, "id"));
  it_resp_free(&third);

  /* the stored reply does not hold the secret either */
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM idempotency_keys"), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT status FROM idempotency_keys WHERE key = '%s'", idem), 201);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM idempotency_keys"
                                    " WHERE strpos(response, '%s') > 0", secret), 0);
  it_resp_free(&again);
  it_resp_free(&first);

  /* without the header every call creates */
  IT_EXPECT_STATUS(201, "POST", "/v1/api-keys", t.key, body);
  IT_EXPECT_STATUS(201, "POST", "/v1/api-keys", t.key, body);
  ck_assert_int_eq(ops_keys(&t), 3);
}
END_TEST

START_TEST(idempotent_tenant_creation_replays)
{
  char idem[96], hdr[128], name[64], body[128];
  it_unique(idem, sizeof idem, "tenant-idem-");
  it_unique(name, sizeof name, "IdemCo");
  snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", idem);
  snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
  struct it_resp a = it_req("POST", "/v1/tenants", it_srv.token, body, hdr);
  IT_STATUS(a, 201);
  ck_assert_ptr_nonnull(it_str(a.json, "api_key.key"));
  struct it_resp b = it_req("POST", "/v1/tenants", it_srv.token, body, hdr);
  IT_STATUS(b, 201);
  ck_assert_str_eq(b.replayed, "true");
  IT_JSTR(b.json, "id", it_str(a.json, "id"));
  IT_JSTR(b.json, "api_key.id", it_str(a.json, "api_key.id"));
  ck_assert_ptr_null(it_get(b.json, "api_key.key"));
  ck_assert(!it_contains(b.body, it_str(a.json, "api_key.key")));
  ck_assert_int_eq(it_sql_int(IT_OPERATOR, "SELECT count(*) FROM tenants WHERE name = '%s'", name), 1);
  IT_EXPECT_PROBLEM(422, "idempotency_key_reused", "Idempotency-Key", "POST", "/v1/tenants",
                    it_srv.token, "{\"name\":\"Else\"}", hdr);
  ck_assert_int_eq(it_sql_int(IT_OPERATOR, "SELECT count(*) FROM tenants WHERE name = 'Else'"), 0);
  it_resp_free(&a);
  it_resp_free(&b);
}
END_TEST

START_TEST(errors_are_not_kept)
{
  struct it_tenant t;
  char sf[80], idem[96], hdr[128];
  it_tenant_new(&t, "idemerr");
  it_key_new(&t, "storefront", sf, NULL);
  const char *body = "{\"role\":\"ops\",\"name\":\"after-error\"}";

  /* refused before the handler (403), then the same request succeeds */
  it_unique(idem, sizeof idem, "e1-");
  snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", idem);
  IT_EXPECT_PROBLEM(403, "forbidden", NULL, "POST", "/v1/api-keys", sf, body, hdr);
  struct it_resp r = it_req("POST", "/v1/api-keys", t.key, body, hdr);
  IT_STATUS(r, 201);
  ck_assert_str_eq(r.replayed, "");
  ck_assert_ptr_nonnull(it_str(r.json, "key"));
  it_resp_free(&r);
  ck_assert_int_eq(ops_keys(&t), 1);

  /* refused by the handler (400, inside the transaction): the key is free
   * again, even for another body */
  it_unique(idem, sizeof idem, "e2-");
  snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", idem);
  IT_EXPECT_PROBLEM(400, "validation_failed", "role", "POST", "/v1/api-keys", t.key,
                    "{\"role\":\"root\"}", hdr);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM idempotency_keys WHERE key = '%s'", idem), 0);
  r = it_req("POST", "/v1/api-keys", t.key, body, hdr);
  IT_STATUS(r, 201);
  ck_assert_str_eq(r.replayed, "");
  it_resp_free(&r);
  r = it_req("POST", "/v1/api-keys", t.key, body, hdr);
  IT_STATUS(r, 201);
  ck_assert_str_eq(r.replayed, "true");
  it_resp_free(&r);
  ck_assert_int_eq(ops_keys(&t), 2);

  /* 413 is not kept either */
  it_unique(idem, sizeof idem, "e3-");
  snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", idem);
  char *big = padded(body, MIB + 1);
  IT_EXPECT_PROBLEM(413, "payload_too_large", NULL, "POST", "/v1/api-keys", t.key, big, hdr);
  free(big);
  r = it_req("POST", "/v1/api-keys", t.key, body, hdr);
  IT_STATUS(r, 201);
  ck_assert_str_eq(r.replayed, "");
  it_resp_free(&r);
  ck_assert_int_eq(ops_keys(&t), 3);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM idempotency_keys"), 3);
}
END_TEST

START_TEST(idempotency_key_length)
{
  struct it_tenant t;
  char hdr[400];
  const char *body = "{\"role\":\"ops\"}";
  it_tenant_new(&t, "idemlen");
  snprintf(hdr, sizeof hdr, "Idempotency-Key: %0256d", 0);
  IT_EXPECT_PROBLEM(400, "validation_failed", "Idempotency-Key", "POST", "/v1/api-keys", t.key, body, hdr);
  /* an empty value (curl sends "Name;" as an empty header) */
  IT_EXPECT_PROBLEM(400, "validation_failed", "Idempotency-Key", "POST", "/v1/api-keys", t.key, body,
                    "Idempotency-Key;");
  ck_assert_int_eq(ops_keys(&t), 0);
  snprintf(hdr, sizeof hdr, "Idempotency-Key: %0255d", 0);
  IT_EXPECT_STATUS(201, "POST", "/v1/api-keys", t.key, body, hdr);
  struct it_resp r = it_req("POST", "/v1/api-keys", t.key, body, hdr);
  IT_STATUS(r, 201);
  ck_assert_str_eq(r.replayed, "true");
  it_resp_free(&r);
  ck_assert_int_eq(ops_keys(&t), 1);
}
END_TEST

START_TEST(idempotency_keys_are_per_tenant)
{
  struct it_tenant a, b;
  char idem[96], hdr[128];
  const char *body = "{\"role\":\"ops\",\"name\":\"same\"}";
  it_tenant_new(&a, "idemA");
  it_tenant_new(&b, "idemB");
  it_unique(idem, sizeof idem, "shared-");
  snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", idem);
  struct it_resp ra = it_req("POST", "/v1/api-keys", a.key, body, hdr);
  struct it_resp rb = it_req("POST", "/v1/api-keys", b.key, body, hdr);
  IT_STATUS(ra, 201);
  IT_STATUS(rb, 201);
  ck_assert_str_eq(ra.replayed, "");
  ck_assert_str_eq(rb.replayed, "");
  ck_assert_str_ne(it_str(ra.json, "id"), it_str(rb.json, "id"));
  ck_assert_ptr_nonnull(it_str(rb.json, "key"));
  it_resp_free(&ra);
  it_resp_free(&rb);
  ck_assert_int_eq(ops_keys(&a), 1);
  ck_assert_int_eq(ops_keys(&b), 1);
}
END_TEST

#define NTHREADS 16

struct racer {
  pthread_barrier_t *start;
  const char *key, *hdr, *body;
  long status;
  bool replayed, has_key;
  char id[64];
  char err[256];
};

static void *race(void *cls)
{
  struct racer *x = cls;
  pthread_barrier_wait(x->start);
  struct it_resp r = it_req("POST", "/v1/api-keys", x->key, x->body, x->hdr);
  x->status = r.status;
  x->replayed = strcmp(r.replayed, "true") == 0;
  x->has_key = it_str(r.json, "key") != NULL;
  snprintf(x->id, sizeof x->id, "%s", it_str(r.json, "id") ? it_str(r.json, "id") : "");
  snprintf(x->err, sizeof x->err, "%.200s", r.status ? r.body : r.error);
  it_resp_free(&r);
  return NULL;
}

START_TEST(concurrent_duplicates_create_one)
{
  struct it_tenant t;
  char idem[96], hdr[128];
  pthread_t th[NTHREADS];
  struct racer x[NTHREADS];
  pthread_barrier_t start;
  it_tenant_new(&t, "race");
  it_unique(idem, sizeof idem, "race-");
  snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", idem);
  pthread_barrier_init(&start, NULL, NTHREADS);
  for (int i = 0; i < NTHREADS; i++) {
    memset(&x[i], 0, sizeof x[i]);
    x[i].start = &start;
    x[i].key = t.key;
    x[i].hdr = hdr;
    x[i].body = "{\"role\":\"ops\",\"name\":\"raced\"}";
    ck_assert_int_eq(pthread_create(&th[i], NULL, race, &x[i]), 0);
  }
  for (int i = 0; i < NTHREADS; i++)
    pthread_join(th[i], NULL);
  pthread_barrier_destroy(&start);

  int fresh = 0;
  for (int i = 0; i < NTHREADS; i++) {
    ck_assert_msg(x[i].status == 201, "racer %d: %ld %s", i, x[i].status, x[i].err);
    ck_assert_msg(strcmp(x[i].id, x[0].id) == 0, "racer %d: id %s vs %s", i, x[i].id, x[0].id);
    ck_assert_msg(x[i].replayed != x[i].has_key, "racer %d: replayed=%d key=%d", i, x[i].replayed,
                  x[i].has_key);
    if (!x[i].replayed)
      fresh++;
  }
  ck_assert_int_eq(fresh, 1);
  ck_assert_int_eq(ops_keys(&t), 1);
  ck_assert_int_eq(it_sql_int(t.id, "SELECT count(*) FROM idempotency_keys"), 1);
}
END_TEST

Suite *it_suite_conventions(void)
{
  Suite *s = suite_create("conventions");
  TCase *tc = tcase_create("limits");
  tcase_add_test(tc, body_over_1mib_is_413_and_writes_nothing);
  tcase_add_test(tc, huge_declared_length_is_413_without_reading);
  tcase_add_test(tc, request_id_echoed_or_generated);
  suite_add_tcase(s, tc);
  tc = tcase_create("idempotency");
  tcase_add_test(tc, idempotent_key_creation_replays);
  tcase_add_test(tc, idempotent_tenant_creation_replays);
  tcase_add_test(tc, errors_are_not_kept);
  tcase_add_test(tc, idempotency_key_length);
  tcase_add_test(tc, idempotency_keys_are_per_tenant);
  tcase_add_test(tc, concurrent_duplicates_create_one);
  suite_add_tcase(s, tc);
  return s;
}
