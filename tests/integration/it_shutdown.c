/* it_shutdown.c: SIGTERM drains. Runs last: a second omsd finishes a request
 * that is in flight when the signal arrives and exits 0; then the shared
 * server is stopped the same way and must exit 0 too (under LSan that also
 * means it leaked nothing). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "it.h"

static void nap_ms(long ms)
{
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

START_TEST(sigterm_finishes_the_request_in_flight)
{
  struct it_server s2;
  ck_assert_int_eq(it_server_start(&s2), 0);

  char name[64], body[96];
  it_unique(name, sizeof name, "drain");
  snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
  struct it_resp r = it_req_to(&s2, "POST", "/v1/tenants", s2.token, body, (const char *)NULL);
  IT_STATUS(r, 201);
  char tenant[37], key[80];
  snprintf(tenant, sizeof tenant, "%s", it_str(r.json, "id"));
  snprintf(key, sizeof key, "%s", it_str(r.json, "api_key.key"));
  it_resp_free(&r);

  /* half a request: headers and part of the body */
  const char *item = "{\"name\":\"drained\",\"price\":1999}";
  size_t half = strlen(item) / 2;
  char head[512];
  snprintf(head, sizeof head,
           "PUT /v1/items/DRAIN1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
           "Content-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
           key, strlen(item));
  int fd = it_raw_connect(s2.port);
  ck_assert_int_ge(fd, 0);
  ck_assert(it_raw_send(fd, head, strlen(head)));
  ck_assert(it_raw_send(fd, item, half));
  nap_ms(300);

  kill(s2.pid, SIGTERM);
  nap_ms(300);
  ck_assert_msg(it_server_alive(&s2), "omsd exited with a request in flight");
  /* no new request is served while draining (the listening socket may
   * still complete the TCP handshake, so look for an answer, briefly) */
  int late = it_raw_connect(s2.port);
  if (late >= 0) {
    const char *get = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    it_raw_send(late, get, strlen(get));
    char *none = it_raw_read(late, 300);
    ck_assert_msg(none[0] == '\0', "a new request during the drain was answered: %.200s", none);
    free(none);
    close(late);
  }

  /* the rest of the body: the request completes normally */
  ck_assert(it_raw_send(fd, item + half, strlen(item) - half));
  char *reply = it_raw_read(fd, 10000);
  close(fd);
  ck_assert_msg(strncmp(reply, "HTTP/1.1 201", 12) == 0, "reply: %.400s", reply);
  ck_assert_msg(it_contains(reply, "\"sku\":\"DRAIN1\""), "reply: %.400s", reply);
  free(reply);

  int rc = it_server_wait(&s2, 35000);
  ck_assert_msg(rc == 0, "omsd exited with %d after SIGTERM", rc);
  ck_assert_int_eq(it_sql_int(tenant, "SELECT count(*) FROM items WHERE sku = 'DRAIN1'"), 1);
}
END_TEST

START_TEST(shared_server_exits_0_on_sigterm)
{
  ck_assert(it_server_alive(&it_srv));
  int rc = it_server_stop(&it_srv, 35000);
  ck_assert_msg(rc == 0, "omsd exited with status %d after SIGTERM (expected 0)", rc);
}
END_TEST

Suite *it_suite_shutdown(void)
{
  Suite *s = suite_create("shutdown");
  TCase *tc = tcase_create("shutdown");
  tcase_add_test(tc, sigterm_finishes_the_request_in_flight);
  tcase_add_test(tc, shared_server_exits_0_on_sigterm);
  suite_add_tcase(s, tc);
  return s;
}
