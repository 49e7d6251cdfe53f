/* bench_x12.c: micro-benchmark of the X12 codec (include/oms/x12.h).
 *
 * Cases, each run for a fixed time:
 *   write_850_100   x12_write_850 of a 100-line purchase order
 *   read_846_100    x12_read of a 100-item 846 (LIN + PID + QTY*33 each)
 *   read_846_1000   the same with 1,000 items
 *   write_997_1000  x12_write_997 for that 1,000-item 846
 * and prints documents/s and the mean and p99 microseconds per document.
 *
 *   bench_x12 [seconds-per-case]   (default 1)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "oms/common.h"
#include "oms/x12.h"

#define MAX_SAMPLES (1u << 22)

static double now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

struct bench_case {
  const char *name;
  void (*run)(void *ctx);
  void *ctx;
};

static double *samples;

static void measure(const struct bench_case *c, double seconds)
{
  for (int i = 0; i < 50; i++) /* warm-up */
    c->run(c->ctx);
  size_t n = 0;
  double start = now_us(), end = start + seconds * 1e6, t = start;
  while (t < end && n < MAX_SAMPLES) {
    c->run(c->ctx);
    double t2 = now_us();
    samples[n++] = t2 - t;
    t = t2;
  }
  double total = t - start;
  qsort(samples, n, sizeof *samples, cmp_double);
  printf("%-16s %10.0f docs/s   mean %8.2f us   p50 %8.2f us   p99 %8.2f us   (%zu runs)\n",
         c->name, (double)n / (total / 1e6), total / (double)n, samples[n / 2],
         samples[(size_t)((double)n * 0.99)], n);
}

/* ---- write an 850 ---- */

struct po_ctx {
  struct x12_envelope env;
  struct x12_purchase_order po;
  struct x12_po_line lines[100];
  char skus[100][16];
};

static void run_write_850(void *p)
{
  struct po_ctx *c = p;
  struct x12_errors e = {0};
  struct x12_buf out;
  if (x12_write_850(&c->env, &c->po, &out, &e) != 0) {
    fprintf(stderr, "bench_x12: 850 refused: %s: %s\n", e.e[0].field, e.e[0].message);
    exit(1);
  }
  free(out.data);
}

static void setup_po(struct po_ctx *c)
{
  c->env = (struct x12_envelope){.sender = {"ZZ", "ACMEOMS", NULL},
                                 .receiver = {"ZZ", "SUPPLIER01", NULL},
                                 .when = {2024, 3, 1, 12, 30},
                                 .interchange_control = 123456};
  for (int i = 0; i < 100; i++) {
    snprintf(c->skus[i], sizeof c->skus[i], "SKU-%05d", i + 1);
    c->lines[i] = (struct x12_po_line){i + 1, 1 + i % 7, 199 + 37 * i, c->skus[i]};
  }
  c->po = (struct x12_purchase_order){
      "PO-000123", "SO-98765",
      {"Jane Doe", "1 Main Street", "Apartment 4B", "New York", "NY", "10001", "US"},
      100, c->lines};
}

/* ---- read an 846 ---- */

struct doc_ctx {
  char *text;
  size_t len;
  struct x12_interchange *parsed; /* for the 997 case */
};

static char *make_846(int items, size_t *len)
{
  size_t cap = 256 + (size_t)items * 96, n = 0;
  char *b = oms_malloc(cap);
  n += (size_t)snprintf(b + n, cap - n,
                        "ISA*00*          *00*          *ZZ*SUPPLIER01     *ZZ*ACMEOMS        "
                        "*240302*0815*U*00401*000001005*0*P*>~\r\n"
                        "GS*IB*SUPPLIER01*ACMEOMS*20240302*0815*11*X*004010~\r\n"
                        "ST*846*0001~\r\nBIA*00*SI*INV-1*20240302~\r\n");
  for (int i = 0; i < items; i++)
    n += (size_t)snprintf(b + n, cap - n,
                          "LIN**SK*SKU-%05d*VN*V%05d~\r\nPID*F****Item %d~\r\nQTY*33*%d*EA~\r\n",
                          i + 1, i + 1, i + 1, (i * 13) % 500);
  n += (size_t)snprintf(b + n, cap - n, "SE*%d*0001~\r\nGE*1*11~\r\nIEA*1*000001005~\r\n",
                        items * 3 + 3);
  *len = n;
  return b;
}

static void run_read(void *p)
{
  struct doc_ctx *c = p;
  struct x12_errors e = {0};
  struct x12_interchange *ic;
  if (x12_read(c->text, c->len, &ic, &e) != 0) {
    fprintf(stderr, "bench_x12: 846 refused: %s: %s\n", e.e[0].field, e.e[0].message);
    exit(1);
  }
  x12_interchange_free(ic);
}

static void run_write_997(void *p)
{
  struct doc_ctx *c = p;
  struct x12_997_options opt = {.when = {2024, 3, 2, 9, 0}, .interchange_control = 5};
  struct x12_errors e = {0};
  struct x12_buf out;
  if (x12_write_997(c->parsed, &opt, &out, &e) != 0)
    exit(1);
  free(out.data);
}

int main(int argc, char **argv)
{
  double seconds = argc > 1 ? atof(argv[1]) : 1.0;
  if (seconds <= 0)
    seconds = 1.0;
  samples = oms_malloc(MAX_SAMPLES * sizeof *samples);
  static struct po_ctx po;
  setup_po(&po);
  struct doc_ctx d100 = {0}, d1000 = {0};
  d100.text = make_846(100, &d100.len);
  d1000.text = make_846(1000, &d1000.len);
  struct x12_errors e = {0};
  if (x12_read(d1000.text, d1000.len, &d1000.parsed, &e) != 0)
    return 1;
  const struct bench_case cases[] = {
      {"write_850_100", run_write_850, &po},
      {"read_846_100", run_read, &d100},
      {"read_846_1000", run_read, &d1000},
      {"write_997_1000", run_write_997, &d1000},
  };
  printf("X12 codec, %.1f s per case (846: %zu and %zu bytes)\n", seconds, d100.len, d1000.len);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    measure(&cases[i], seconds);
  x12_interchange_free(d1000.parsed);
  free(d100.text);
  free(d1000.text);
  free(samples);
  return 0;
}
