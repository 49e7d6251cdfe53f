/* routing_explain.c: the explanation of a routing decision
 * (docs/routing.md "The explanation"): the rule and the rules tried, the
 * plan, the unsourced lines, and every candidate in the first rule's order
 * with its sort values, what it holds, why it was rejected and what it was
 * given.
 *
 * Written as JSON text straight into one growing buffer: a tree of JSON
 * values costs an allocation per value and per key, which made explaining
 * twenty times dearer than planning; text costs one pass. */
#include <math.h>
#include <string.h>
#include "routing_internal.h"

struct text {
  char *s;
  size_t n, cap;
};

static inline void put(struct text *t, const char *s, size_t n)
{
  if (__builtin_expect(t->n + n + 1 > t->cap, 0)) {
    t->cap = (t->n + n + 1) * 2;
    t->s = oms_realloc(t->s, t->cap);
  }
  memcpy(t->s + t->n, s, n);
  t->n += n;
  t->s[t->n] = '\0';
}

/* lit must be a string literal (sizeof of an expression would be a pointer's) */
#define PUT(t, lit) put((t), "" lit, sizeof(lit) - 1)

/* A JSON string: '"' and '\' escaped, control characters as \u00XX. */
static void put_str(struct text *t, const char *s)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = s;
  put(t, "\"", 1);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x20 && c != '"' && c != '\\')
      continue;
    put(t, run, (size_t)(s - run));
    char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    if (c == '"' || c == '\\')
      put(t, (char[]){'\\', (char)c}, 2);
    else
      put(t, esc, 6);
    run = s + 1;
  }
  put(t, run, (size_t)(s - run));
  put(t, "\"", 1);
}

static char *digits(char *p, long long v);
static char *reserve(struct text *t, size_t n);

/* Decimal digits by hand: snprintf's cost was most of an explanation. */
static void put_int(struct text *t, long long v)
{
  char *p = reserve(t, 24);
  t->n += (size_t)(digits(p, v) - p);
  t->s[t->n] = '\0';
}

static void put_type(struct text *t, enum oms_source_type type)
{
  if (type == OMS_SRC_SUPPLIER)
    PUT(t, "\"supplier\"");
  else
    PUT(t, "\"location\"");
}

/* {"sku":..,"quantity":..} */
static void put_sku_quantity(struct text *t, const char *sku, long long q)
{
  PUT(t, "{\"sku\":");
  put_str(t, sku);
  PUT(t, ",\"quantity\":");
  put_int(t, q);
  PUT(t, "}");
}

static const char *sku_of_group(const struct route_state *t, size_t g)
{
  return t->order->lines[t->group_line[g]].sku;
}

static const char *sku_of_line(const struct route_state *t, size_t line)
{
  return sku_of_group(t, t->line_group[line]);
}

/* "rule" and "rules_tried". */
static void explain_rules(struct text *t, const struct eng_plan *p)
{
  PUT(t, "{\"rule\":");
  put_str(t, p->rule);
  PUT(t, ",\"rules_tried\":[");
  for (size_t i = 0; i < p->n_rules_tried; i++) {
    if (i)
      PUT(t, ",");
    put_str(t, p->rules_tried[i]);
  }
  PUT(t, "]");
}

/* "plan": the shipments, and "unsourced": the lines left. */
static void explain_plan(const struct route_state *r, struct text *t, const struct eng_plan *p)
{
  PUT(t, ",\"plan\":[");
  for (size_t i = 0; i < p->n_shipments; i++) {
    const struct eng_shipment *sh = &p->shipments[i];
    const struct eng_source *s = &r->sources[sh->source];
    if (i)
      PUT(t, ",");
    PUT(t, "{\"source_type\":");
    put_type(t, s->type);
    PUT(t, ",\"source\":");
    put_str(t, s->code ? s->code : "");
    PUT(t, ",\"lines\":[");
    for (size_t j = 0; j < sh->n_allocs; j++) {
      if (j)
        PUT(t, ",");
      put_sku_quantity(t, sku_of_line(r, sh->allocs[j].line), sh->allocs[j].quantity);
    }
    PUT(t, "]}");
  }
  PUT(t, "],\"unsourced\":[");
  for (size_t i = 0; i < p->n_unsourced; i++) {
    const struct eng_unsourced *u = &p->unsourced[i];
    if (i)
      PUT(t, ",");
    PUT(t, "{\"sku\":");
    put_str(t, sku_of_line(r, u->line));
    PUT(t, ",\"quantity\":");
    put_int(t, u->quantity);
    PUT(t, ",\"reason\":");
    put_str(t, u->reason);
    PUT(t, "}");
  }
  PUT(t, "]");
}

/* Each sku's object key ("SKU":), escaped once per explanation: every
 * candidate names every sku. */
struct sku_keys {
  struct text all; /* the keys, one after the other */
  size_t *start, *len;
};

static void sku_keys_make(const struct route_state *r, struct sku_keys *k)
{
  k->start = oms_malloc((r->n_groups + 1) * sizeof *k->start);
  k->len = oms_malloc((r->n_groups + 1) * sizeof *k->len);
  for (size_t g = 0; g < r->n_groups; g++) {
    k->start[g] = k->all.n;
    put_str(&k->all, sku_of_group(r, g));
    put(&k->all, ":", 1);
    k->len[g] = k->all.n - k->start[g];
  }
}

static void sku_keys_free(struct sku_keys *k)
{
  free(k->all.s);
  free(k->start);
  free(k->len);
}

/* Room for n more bytes. */
static inline char *reserve(struct text *t, size_t n)
{
  if (__builtin_expect(t->n + n + 1 > t->cap, 0)) {
    t->cap = (t->n + n + 1) * 2;
    t->s = oms_realloc(t->s, t->cap);
  }
  return t->s + t->n;
}

/* Writes v's digits at p; returns the end. */
static inline char *digits(char *p, long long v)
{
  char b[24], *e = b + sizeof b, *q = e;
  unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
  do
    *--q = (char)('0' + u % 10);
  while (u /= 10);
  if (v < 0)
    *--q = '-';
  while (q < e)
    *p++ = *q++;
  return p;
}

/* {sku: units} over the order's skus; only the non-zero ones when sparse.
 * The hot loop of an explanation (every candidate names every sku): room is
 * reserved once and bytes are written in place. */
static void put_by_sku(const struct route_state *r, const struct sku_keys *k, struct text *t,
                       const long long *per_group, bool sparse)
{
  char *start = reserve(t, k->all.n + r->n_groups * 22 + 2), *p = start;
  *p++ = '{';
  for (size_t g = 0; g < r->n_groups; g++) {
    long long v = per_group[g] > 0 ? per_group[g] : 0;
    if (sparse && v == 0)
      continue;
    if (p != start + 1)
      *p++ = ',';
    const char *key = k->all.s + k->start[g];
    for (size_t i = 0; i < k->len[g]; i++)
      *p++ = key[i];
    p = digits(p, v);
  }
  *p++ = '}';
  t->n += (size_t)(p - start);
  t->s[t->n] = '\0';
}

/* Kilometres with one decimal, as tenths by hand (printf's float
 * formatting was a fifth of the cost). */
static void put_km(struct text *t, double km)
{
  long long tenths = llround(km * 10);
  put_int(t, tenths / 10);
  char d[2] = {'.', (char)('0' + (tenths % 10))};
  put(t, d, 2);
}

/* The candidate object of source c; given_c what it was given per group. */
static void explain_candidate(const struct route_state *r, const struct sku_keys *k,
                              struct text *t, size_t c, const long long *given_c,
                              long long *avail_row)
{
  const struct eng_source *s = &r->sources[c];
  double h = route_source_hav((struct route_state *)r, c);
  const char *rejected = r->pickup_ok[c] ? NULL : r->reject_reason[c];
  PUT(t, "{\"source_type\":");
  put_type(t, s->type);
  PUT(t, ",\"source\":");
  put_str(t, s->code ? s->code : "");
  PUT(t, ",\"priority\":");
  put_int(t, s->type == OMS_SRC_SUPPLIER ? 0 : s->priority);
  PUT(t, ",\"distance_km\":");
  if (isfinite(h))
    put_km(t, route_hav_km(h));
  else
    PUT(t, "null");
  PUT(t, ",\"cost\":");
  put_int(t, r->first_cost[c]);
  PUT(t, ",\"days\":");
  put_int(t, r->first_days[c]);
  for (size_t g = 0; g < r->n_groups; g++)
    avail_row[g] = s->available ? s->available[r->group_line[g]] : 0;
  PUT(t, ",\"available\":");
  put_by_sku(r, k, t, avail_row, false);
  PUT(t, ",\"rejected\":");
  if (rejected)
    put_str(t, rejected);
  else
    PUT(t, "null");
  PUT(t, ",\"given\":");
  put_by_sku(r, k, t, given_c, true);
  PUT(t, "}");
}

/* "candidates": every source, in the first rule's order. */
static void explain_candidates(struct route_state *r, struct text *t)
{
  size_t n = r->n_sources, G = r->n_groups;
  /* what each source was given, by sku group (the avoid search's
   * avoid_give and avoid_col_max are free scratch now) */
  long long *given = r->avoid_give, *avail_row = r->avoid_col_max;
  memset(given, 0, n * G * sizeof *given);
  for (size_t i = 0; i < r->n_allocs; i++)
    given[r->allocs[i].source * G + r->line_group[r->allocs[i].line]] += r->allocs[i].quantity;
  struct sku_keys keys = {0};
  sku_keys_make(r, &keys);
  PUT(t, ",\"candidates\":[");
  for (size_t i = 0; i < n; i++) {
    size_t c = r->first_order[i];
    if (i)
      PUT(t, ",");
    explain_candidate(r, &keys, t, c, given + c * G, avail_row);
  }
  PUT(t, "]}");
  sku_keys_free(&keys);
}

char *route_explain(struct route_state *r, const struct eng_plan *p)
{
  /* about 200 bytes a candidate: one allocation for most explanations */
  struct text t = {.cap = 256 + r->n_sources * (160 + 40 * r->n_groups)};
  t.s = oms_malloc(t.cap);
  explain_rules(&t, p);
  explain_plan(r, &t, p);
  explain_candidates(r, &t);
  return t.s;
}
