/* it_ops.c: GET /health, /ready, /metrics, and what the router answers for
 * paths and methods it does not know. */
#include <string.h>
#include "it.h"

START_TEST(health_is_ok_without_credentials)
{
  struct it_resp r = it_req("GET", "/health", NULL, NULL);
  IT_STATUS(r, 200);
  ck_assert_str_eq(r.content_type, "application/json");
  ck_assert_str_eq(r.body, "{\"status\":\"ok\"}");
  it_resp_free(&r);

  /* public: a bad credential does not matter, nor does a trailing slash */
  r = it_req("GET", "/health/", "not-a-key", NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "ok");
  it_resp_free(&r);
}
END_TEST

START_TEST(ready_when_database_answers)
{
  struct it_resp r = it_req("GET", "/ready", NULL, NULL);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "status", "ready");
  it_resp_free(&r);
}
END_TEST

START_TEST(metrics_are_prometheus_text)
{
  IT_EXPECT_STATUS(200, "GET", "/health", NULL, NULL);
  IT_EXPECT_STATUS(404, "GET", "/no/such/path", NULL, NULL);
  struct it_resp r = it_req("GET", "/metrics", NULL, NULL);
  IT_STATUS(r, 200);
  ck_assert_msg(strncmp(r.content_type, "text/plain", 10) == 0, "Content-Type %s",
                r.content_type);
  ck_assert_ptr_null(r.json);
  ck_assert(it_contains(r.body, "# TYPE oms_http_requests_total counter\n"));
  ck_assert(it_contains(r.body, "oms_http_requests_total{method=\"GET\",route=\"/health\",status=\"200\"} "));
  ck_assert(it_contains(r.body, "oms_http_requests_total{method=\"any\",route=\"unmatched\",status=\"404\"} "));
  ck_assert(it_contains(r.body, "oms_http_request_duration_seconds_bucket{method=\"GET\",route=\"/health\",le=\"+Inf\"} "));
  ck_assert(it_contains(r.body, "# TYPE oms_db_pool_connections gauge\n"));
  ck_assert(it_contains(r.body, "\noms_db_pool_connections "));
  ck_assert(!it_contains(r.body, "\noms_db_pool_connections 0\n"));
  ck_assert(it_contains(r.body, "\noms_db_pool_in_use "));
  ck_assert(it_contains(r.body, "\noms_orders_created_total "));
  it_resp_free(&r);
}
END_TEST

START_TEST(unknown_path_is_404_problem)
{
  static const char *const paths[] = {"/", "/nope", "/v1", "/v1/itemz", "/v1/items/A/B",
                                      "/v1/channels/C/ringfence/S/extra", "/health/x"};
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
    struct it_resp r = it_req("GET", paths[i], NULL, NULL);
    ck_assert_msg(r.status == 404, "GET %s: %ld", paths[i], r.status);
    IT_PROBLEM(r, 404, "not_found", NULL);
    it_resp_free(&r);
  }
}
END_TEST

START_TEST(wrong_method_on_known_path_is_405)
{
  /* decided before authentication: no credentials needed to learn it */
  IT_EXPECT_PROBLEM(405, "method_not_allowed", NULL, "DELETE", "/health", NULL, NULL);
  IT_EXPECT_PROBLEM(405, "method_not_allowed", NULL, "POST", "/metrics", NULL, "{}");
  IT_EXPECT_PROBLEM(405, "method_not_allowed", NULL, "POST", "/v1/items/SKU1", NULL, "{}");
  IT_EXPECT_PROBLEM(405, "method_not_allowed", NULL, "DELETE", "/v1/items/SKU1", NULL, NULL);
  IT_EXPECT_PROBLEM(405, "method_not_allowed", NULL, "PATCH", "/v1/locations/WH1", NULL, "{}");
  IT_EXPECT_PROBLEM(405, "method_not_allowed", NULL, "PUT", "/v1/tenants", it_srv.token, "{}");
  IT_EXPECT_PROBLEM(405, "method_not_allowed", NULL, "POST", "/v1/api-keys/x", NULL, "{}");
}
END_TEST

Suite *it_suite_ops(void)
{
  Suite *s = suite_create("ops");
  TCase *tc = tcase_create("ops");
  tcase_add_test(tc, health_is_ok_without_credentials);
  tcase_add_test(tc, ready_when_database_answers);
  tcase_add_test(tc, metrics_are_prometheus_text);
  tcase_add_test(tc, unknown_path_is_404_problem);
  tcase_add_test(tc, wrong_method_on_known_path_is_405);
  suite_add_tcase(s, tc);
  return s;
}
