/* metrics.c: Prometheus counters kept in process (per daemon; a scraper
 * sums the replicas): requests by route, method and status, a latency
 * histogram per route, pool use and orders created. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/http.h"
#include "oms/repo.h"

#define MAX_ROUTES 128
static const unsigned statuses[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 412, 413, 422, 500, 503};
#define NSTATUS (sizeof statuses / sizeof statuses[0] + 1) /* + other */
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

static unsigned long long counts[MAX_ROUTES + 1][NSTATUS];
static unsigned long long hist[MAX_ROUTES + 1][NBUCKETS + 1];
static unsigned long long sum_us[MAX_ROUTES + 1];
static unsigned long long orders_created;

static size_t route_index(const struct http_route *route)
{
  size_t n;
  const struct http_route *all = http_routes(&n);
  if (!route)
    return MAX_ROUTES; /* unmatched */
  return (size_t)(route - all);
}

void http_metrics_observe(const struct http_route *route, const char *method, unsigned status,
                          int64_t micros)
{
  (void)method; /* a route has one method */
  size_t ri = route_index(route);
  size_t si = NSTATUS - 1;
  for (size_t i = 0; i < NSTATUS - 1; i++)
    if (statuses[i] == status)
      si = i;
  __atomic_fetch_add(&counts[ri][si], 1, __ATOMIC_RELAXED);
  double secs = (double)micros / 1e6;
  size_t b = 0;
  while (b < NBUCKETS && secs > buckets[b])
    b++;
  __atomic_fetch_add(&hist[ri][b], 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&sum_us[ri], (unsigned long long)micros, __ATOMIC_RELAXED);
}

void http_metrics_count_order(void)
{
  __atomic_fetch_add(&orders_created, 1, __ATOMIC_RELAXED);
}

struct buf {
  char *s;
  size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void put(struct buf *b, const char *fmt, ...)
{
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if ((size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    b->cap = b->cap * 2 + (size_t)n;
    b->s = oms_realloc(b->s, b->cap);
  }
}

char *http_metrics_render(struct repo_db *db, size_t *len)
{
  struct buf b = {oms_malloc(16384), 0, 16384};
  size_t n;
  const struct http_route *all = http_routes(&n);

  put(&b, "# HELP oms_http_requests_total HTTP requests by route, method and status.\n"
          "# TYPE oms_http_requests_total counter\n");
  for (size_t r = 0; r <= MAX_ROUTES; r++) {
    if (r >= n && r != MAX_ROUTES)
      continue;
    const char *route = r == MAX_ROUTES ? "unmatched" : all[r].pattern;
    const char *method = r == MAX_ROUTES ? "any" : all[r].method;
    for (size_t s = 0; s < NSTATUS; s++) {
      unsigned long long c = __atomic_load_n(&counts[r][s], __ATOMIC_RELAXED);
      if (c)
        put(&b, "oms_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s%u\"} %llu\n",
            method, route, s == NSTATUS - 1 ? "other" : "", s == NSTATUS - 1 ? 0 : statuses[s], c);
    }
  }
  put(&b, "# HELP oms_http_request_duration_seconds Request latency by route.\n"
          "# TYPE oms_http_request_duration_seconds histogram\n");
  for (size_t r = 0; r <= MAX_ROUTES; r++) {
    if (r >= n && r != MAX_ROUTES)
      continue;
    unsigned long long total = 0;
    for (size_t i = 0; i <= NBUCKETS; i++)
      total += __atomic_load_n(&hist[r][i], __ATOMIC_RELAXED);
    if (!total)
      continue;
    const char *route = r == MAX_ROUTES ? "unmatched" : all[r].pattern;
    const char *method = r == MAX_ROUTES ? "any" : all[r].method;
    unsigned long long cum = 0;
    for (size_t i = 0; i < NBUCKETS; i++) {
      cum += __atomic_load_n(&hist[r][i], __ATOMIC_RELAXED);
      put(&b, "oms_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %llu\n",
          method, route, buckets[i], cum);
    }
    put(&b, "oms_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
        method, route, total);
    put(&b, "oms_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n", method,
        route, (double)__atomic_load_n(&sum_us[r], __ATOMIC_RELAXED) / 1e6);
    put(&b, "oms_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n", method,
        route, total);
  }
  unsigned size = 0, in_use = 0;
  if (db)
    repo_db_stats(db, &size, &in_use);
  put(&b, "# HELP oms_db_pool_connections Database connections in the pool.\n"
          "# TYPE oms_db_pool_connections gauge\noms_db_pool_connections %u\n", size);
  put(&b, "# HELP oms_db_pool_in_use Database connections in use.\n"
          "# TYPE oms_db_pool_in_use gauge\noms_db_pool_in_use %u\n", in_use);
  put(&b, "# HELP oms_orders_created_total Orders created by this daemon.\n"
          "# TYPE oms_orders_created_total counter\noms_orders_created_total %llu\n",
      __atomic_load_n(&orders_created, __ATOMIC_RELAXED));
  *len = b.len;
  return b.s;
}
