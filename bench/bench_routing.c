/* bench_routing.c: micro-benchmark of the routing engine (eng_route).
 *
 * Plans 10-line orders over 200 candidate sources (180 locations, 20
 * drop-ship suppliers) made from a fixed-seed generator, for a fixed time
 * per case, and prints plans/s and p50/p95/p99 latency in microseconds, with
 * and without the explanation. Cases: the built-in default rule (split
 * allow, sort priority then distance, drop-ship fallback), split avoid,
 * split never, and drop-ship prefer_cheapest.
 *
 *   bench_routing [seconds-per-case [case-substring [plan|explain]]]
 *   (default 2 s, every case, both)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "oms/engine.h"

#define N_SRC 200
#define N_SUP 20
#define N_LINES 10
#define N_ORDERS 64
#define N_SKUS 40
#define MAX_SAMPLES (8u << 20)

struct world {
  char codes[N_SRC][16];
  char skus[N_SKUS][16];
  struct eng_source src[N_SRC];
  /* per order: its lines and every source's view of them */
  struct eng_order_line lines[N_ORDERS][N_LINES];
  struct eng_order orders[N_ORDERS];
  long long avail[N_ORDERS][N_SRC][N_LINES];
  long long ucost[N_ORDERS][N_SRC][N_LINES];
  int idays[N_ORDERS][N_SRC][N_LINES];
  /* stock of each source per catalogue sku */
  long long stock[N_SRC][N_SKUS], cost[N_SRC][N_SKUS];
  int sdays[N_SRC][N_SKUS];
};

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static unsigned long long next(void)
{
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static long long pick(long long lo, long long hi) /* [lo, hi] */
{
  return lo + (long long)(next() % (unsigned long long)(hi - lo + 1));
}

static double frand(double lo, double hi)
{
  return lo + (hi - lo) * (double)(next() >> 11) / (double)(1ULL << 53);
}

static void build(struct world *w)
{
  for (int k = 0; k < N_SKUS; k++)
    snprintf(w->skus[k], sizeof w->skus[k], "SKU-%03d", k);
  for (int c = 0; c < N_SRC; c++) {
    struct eng_source *s = &w->src[c];
    bool supplier = c >= N_SRC - N_SUP;
    snprintf(w->codes[c], sizeof w->codes[c], supplier ? "SUP%03d" : "LOC%03d", c);
    *s = (struct eng_source){.type = supplier ? OMS_SRC_SUPPLIER : OMS_SRC_LOCATION,
                             .code = w->codes[c], .active = pick(0, 19) != 0, .ship = true,
                             .in_channel = pick(0, 9) != 0};
    if (!supplier) {
      s->is_store = pick(0, 2) != 0;
      s->pickup = s->is_store;
      s->has_coords = pick(0, 9) != 0;
      s->lat = frand(25, 49);   /* the continental US */
      s->lon = frand(-124, -67);
      s->priority = (int)pick(1, 10) * 10;
      s->cost_per_shipment = pick(300, 900);
      s->days = (int)pick(1, 5);
    } else {
      s->days = (int)pick(0, 3);
    }
    for (int k = 0; k < N_SKUS; k++) {
      /* locations: 60% stock a sku; suppliers: 30% */
      bool has = (long long)pick(0, 99) < (supplier ? 30 : 60);
      w->stock[c][k] = has ? pick(1, 20) : 0;
      w->cost[c][k] = pick(500, 3000);
      w->sdays[c][k] = (int)pick(1, 6);
    }
  }
  for (int o = 0; o < N_ORDERS; o++) {
    int used[N_SKUS] = {0};
    for (int l = 0; l < N_LINES; l++) {
      int k;
      do
        k = (int)pick(0, N_SKUS - 1);
      while (used[k]);
      used[k] = 1;
      w->lines[o][l] = (struct eng_order_line){.sku = w->skus[k], .quantity = pick(1, 3)};
      for (int c = 0; c < N_SRC; c++) {
        w->avail[o][c][l] = w->stock[c][k];
        w->ucost[o][c][l] = w->cost[c][k];
        w->idays[o][c][l] = w->sdays[c][k];
      }
    }
    w->orders[o] = (struct eng_order){.channel = "web", .ship_method = "standard", .country = "US",
                                      .has_coords = true, .lat = frand(25, 49),
                                      .lon = frand(-124, -67), .lines = w->lines[o],
                                      .n_lines = N_LINES};
  }
}

/* Points every source at order o's per-line arrays. */
static void point(struct world *w, int o)
{
  for (int c = 0; c < N_SRC; c++) {
    w->src[c].available = w->avail[o][c];
    bool supplier = w->src[c].type == OMS_SRC_SUPPLIER;
    w->src[c].unit_cost = supplier ? w->ucost[o][c] : NULL;
    w->src[c].item_days = supplier ? w->idays[o][c] : NULL;
  }
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double *samples;

static void run(struct world *w, const char *label, const struct eng_rules *rules, bool explain,
                double seconds)
{
  size_t n = 0;
  size_t shipments = 0, unsourced = 0;
  double start = now_s(), end = start + seconds, t = start;
  int o = 0;
  while (t < end && n < MAX_SAMPLES) {
    struct eng_plan plan;
    point(w, o);
    w->orders[o].no_explanation = !explain;
    double t0 = now_s();
    if (eng_route(rules, &w->orders[o], w->src, N_SRC, &plan) != 0) {
      fprintf(stderr, "eng_route failed\n");
      exit(1);
    }
    shipments += plan.n_shipments;
    unsourced += plan.n_unsourced;
    eng_plan_free(&plan);
    t = now_s();
    samples[n++] = (t - t0) * 1e6;
    o = (o + 1) % N_ORDERS;
  }
  double elapsed = t - start;
  qsort(samples, n, sizeof *samples, cmp_double);
  printf("%-28s %-8s %9.0f plans/s  p50 %7.2f  p95 %7.2f  p99 %7.2f us  (%.2f shipments, %.2f unsourced lines/plan)\n",
         label, explain ? "explain" : "plan", (double)n / elapsed, samples[n / 2],
         samples[(size_t)((double)n * 0.95)], samples[(size_t)((double)n * 0.99)],
         (double)shipments / (double)n, (double)unsourced / (double)n);
  fflush(stdout);
}

static void compile(const char *text, json_t **j, struct eng_rules *r)
{
  json_error_t err;
  json_t *in = json_loads(text, 0, &err), *errors = json_array();
  if (!in || eng_rules_parse(in, j, errors) != 0 || eng_rules_compile(*j, r) != 0) {
    fprintf(stderr, "bad rules %s\n", text);
    exit(1);
  }
  json_decref(in);
  json_decref(errors);
}

int main(int argc, char **argv)
{
  double seconds = argc > 1 ? atof(argv[1]) : 2.0;
  const char *only = argc > 2 ? argv[2] : NULL, *mode = argc > 3 ? argv[3] : NULL;
  struct world *w = calloc(1, sizeof *w);
  samples = malloc(MAX_SAMPLES * sizeof *samples);
  if (!w || !samples || seconds <= 0)
    return 1;
  build(w);

  static const struct {
    const char *label, *rules;
  } cases[] = {
      {"default (allow, fallback)", NULL},
      {"avoid", "[{\"name\":\"avoid\",\"split\":\"avoid\",\"sort\":[\"priority\",\"distance\"]}]"},
      {"never", "[{\"name\":\"never\",\"split\":\"never\",\"sort\":[\"distance\",\"cost\"]}]"},
      {"allow, prefer_cheapest, 500km",
       "[{\"name\":\"cheap\",\"dropship\":\"prefer_cheapest\",\"filters\":{\"max_distance_km\":500},"
       "\"sort\":[\"inventory\",\"distance\"]}]"},
  };
  printf("eng_route: %d-line orders over %d sources (%d suppliers), %.1f s per case\n", N_LINES,
         N_SRC, N_SUP, seconds);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *j = NULL;
    struct eng_rules r = {0};
    if (only && !strstr(cases[i].label, only))
      continue;
    if (cases[i].rules)
      compile(cases[i].rules, &j, &r);
    if (!mode || strcmp(mode, "plan") == 0)
      run(w, cases[i].label, cases[i].rules ? &r : NULL, false, seconds);
    if (!mode || strcmp(mode, "explain") == 0)
      run(w, cases[i].label, cases[i].rules ? &r : NULL, true, seconds);
    eng_rules_free(&r);
    json_decref(j);
  }
  free(samples);
  free(w);
  return 0;
}
