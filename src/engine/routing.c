/* routing.c: where each order line is fulfilled from (docs/routing.md has
 * the rules and worked examples; routing_internal.h lists the files of the
 * routing engine).
 *
 * This file is eng_route itself: the state of one call laid out in one
 * scratch block, the waterfall of matching rules (each routes what the
 * ones before it left: pickup lines first, then the ship lines under the
 * rule's split mode), and the plan built from the allocations made. Pure
 * and deterministic: no I/O, no clocks, no randomness; every tie is broken
 * by the source code. One scratch block per call, one block for the plan,
 * and the explanation when asked for. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "routing_internal.h"

/* ---- the state's one block ---- */

/* Cuts a block into 16-byte aligned pieces. With p NULL it only adds up
 * the size, so the same layout code both measures and carves. */
struct arena {
  char *p;
  size_t off;
};

static void *carve(struct arena *a, size_t bytes)
{
  size_t o = (a->off + 15) & ~(size_t)15;
  a->off = o + bytes;
  return a->p ? a->p + o : NULL;
}

/* Lays the state's arrays out in a (sizes only when a->p is NULL). */
static void route_state_layout(struct route_state *t, struct arena *a)
{
  size_t n = t->n_sources, L = t->n_lines, G = t->n_groups, nG = n * G;
  t->line_group = carve(a, L * sizeof(size_t));
  t->line_left = carve(a, L * sizeof(long long));
  t->pickup_source = carve(a, L * sizeof(size_t));
  t->line_reason = carve(a, L * sizeof(char *));
  t->group_line = carve(a, G * sizeof(size_t));
  t->group_demand = carve(a, G * sizeof(long long));
  t->group_demand_start = carve(a, G * sizeof(long long));
  t->group_supply = carve(a, G * sizeof(long long));
  t->group_scratch = carve(a, G * sizeof(long long));
  t->stock = carve(a, nG * sizeof(long long));
  t->source_hav = carve(a, n * sizeof(double));
  t->sort_keys = carve(a, n * ROUTE_MAX_KEYS * sizeof(uint64_t));
  t->sorted = carve(a, n * sizeof(size_t));
  t->heap = carve(a, n * sizeof(size_t));
  t->sort_tmp = carve(a, n * sizeof(size_t));
  t->used = carve(a, n);
  t->pickup_ok = carve(a, n);
  if (t->explain) {
    t->reject_reason = carve(a, n * sizeof(char *));
    t->first_cost = carve(a, n * sizeof(long long));
    t->first_days = carve(a, n * sizeof(long long));
    t->first_order = carve(a, n * sizeof(size_t));
  }
  t->avoid_groups = carve(a, G * sizeof(size_t));
  t->avoid_sources = carve(a, n * sizeof(size_t));
  t->avoid_current = carve(a, n * sizeof(size_t));
  t->avoid_best = carve(a, n * sizeof(size_t));
  t->avoid_greedy = carve(a, n * sizeof(size_t));
  t->avoid_give = carve(a, nG * sizeof(long long));
  t->avoid_col_max = carve(a, (nG + G) * sizeof(long long));
  t->avoid_row_max = carve(a, (n + 1) * sizeof(long long));
  t->avoid_taken = carve(a, (nG + G) * sizeof(long long));
  t->avoid_need = carve(a, G * sizeof(long long));
  t->avoid_target = carve(a, G * sizeof(long long));
  t->avoid_column = carve(a, n * sizeof(long long));
  t->avoid_picked = carve(a, n);
}

/* The number of sku groups: lines of one sku share that sku's units. */
static size_t count_groups(const struct eng_order *order)
{
  size_t n = 0, l, j;
  for (l = 0; l < order->n_lines; l++) {
    for (j = 0; j < l && strcmp(order->lines[j].sku, order->lines[l].sku) != 0; j++)
      ;
    n += j == l;
  }
  return n;
}

/* Fills the per-line, per-group and per-source arrays from the inputs. */
static void route_state_init(struct route_state *t)
{
  const struct eng_order *order = t->order;
  size_t G = 0, l, g;
  for (l = 0; l < t->n_lines; l++) {
    size_t j;
    for (j = 0; j < l && strcmp(order->lines[j].sku, order->lines[l].sku) != 0; j++)
      ;
    if (j == l) {
      t->group_line[G] = l;
      t->line_group[l] = G++;
    } else {
      t->line_group[l] = t->line_group[j];
    }
    t->line_left[l] = order->lines[l].quantity;
    t->line_reason[l] = "no source with stock";
    t->pickup_source[l] = ROUTE_NONE;
  }
  /* locals: the byte stores below would otherwise make the compiler reload
   * every field of t (this loop is a sixth of a plan's work) */
  const struct eng_source *sources = t->sources;
  const size_t *group_line = t->group_line;
  long long *stock = t->stock;
  double *hav = t->source_hav;
  unsigned char *pickup_ok = t->pickup_ok;
  for (size_t c = 0, n = t->n_sources; c < n; c++) {
    const long long *available = sources[c].available;
    for (g = 0; g < G; g++) {
      long long v = available ? available[group_line[g]] : 0;
      stock[c * G + g] = v > 0 ? v : 0;
    }
    hav[c] = NAN;
    pickup_ok[c] = 0;
  }
  /* the store a pickup line names: active and offering pickup */
  for (l = 0; l < t->n_lines; l++) {
    const struct eng_order_line *ln = &order->lines[l];
    for (size_t c = 0; ln->pickup && ln->pickup_location && c < t->n_sources; c++) {
      const struct eng_source *s = &t->sources[c];
      if (s->type == OMS_SRC_LOCATION && s->code && s->active && s->pickup &&
          strcmp(s->code, ln->pickup_location) == 0) {
        t->pickup_source[l] = c;
        break;
      }
    }
  }
  if (order->has_coords)
    t->order_cos_lat = cos(order->lat * ROUTE_RAD_PER_DEG);
}

void route_add_alloc(struct route_state *t, size_t source, size_t line, long long q, bool ship)
{
  if (q <= 0)
    return;
  if (t->n_allocs == t->allocs_cap) {
    t->allocs_cap *= 2;
    t->allocs = oms_realloc(t->allocs, t->allocs_cap * sizeof *t->allocs);
  }
  size_t g = t->line_group[line];
  t->stock[source * t->n_groups + g] -= q;
  t->line_left[line] -= q;
  if (ship) {
    t->group_demand[g] -= q;
    if (!t->used[source]) {
      t->used[source] = 1;
      t->n_used++;
    }
  }
  t->allocs[t->n_allocs++] = (struct route_alloc){.source = source, .line = line, .quantity = q};
}

/* ---- one rule ---- */

/* Pickup lines have one possible source, the store the customer chose:
 * they go there first, before ship lines compete for its units. */
static void route_pickup_lines(struct route_state *t, const struct eng_rule *r, bool first)
{
  for (size_t l = 0; l < t->n_lines; l++) {
    if (!t->order->lines[l].pickup || t->line_left[l] <= 0)
      continue;
    size_t c = t->pickup_source[l];
    if (c == ROUTE_NONE) {
      t->line_reason[l] = "pickup location unavailable";
      continue;
    }
    long long stock = t->stock[c * t->n_groups + t->line_group[l]];
    long long take = min_ll(stock, t->line_left[l]);
    if (take < t->line_left[l] && r->split == ENG_SPLIT_NEVER)
      take = 0;
    if (first && stock > 0)
      t->pickup_ok[c] = 1;
    route_add_alloc(t, c, l, take, false);
    if (t->line_left[l] > 0)
      t->line_reason[l] =
          stock <= 0 ? "no stock at pickup location" : "insufficient stock at pickup location";
  }
}

/* The ship units wanted of each group, and in all. */
static void count_ship_demand(struct route_state *t)
{
  memset(t->group_demand, 0, t->n_groups * sizeof *t->group_demand);
  t->ship_total = 0;
  for (size_t l = 0; l < t->n_lines; l++)
    if (route_is_ship_line(t, l)) {
      t->group_demand[t->line_group[l]] += t->line_left[l];
      t->ship_total += t->line_left[l];
    }
}

/* What the m candidates (cand) hold of each group, and the demand before
 * the split modes run: the reasons of what stays unsourced compare them. */
static void count_supply(struct route_state *t, const size_t *cand, size_t m)
{
  for (size_t g = 0; g < t->n_groups; g++) {
    long long s = 0;
    for (size_t i = 0; i < m; i++)
      s = sat_add(s, t->stock[cand[i] * t->n_groups + g]);
    t->group_supply[g] = s;
    t->group_demand_start[g] = t->group_demand[g];
  }
}

static void record_reasons(struct route_state *t, const struct eng_rule *r)
{
  for (size_t l = 0; l < t->n_lines; l++) {
    if (!route_is_ship_line(t, l))
      continue;
    size_t g = t->line_group[l];
    t->line_reason[l] = t->group_supply[g] == 0                         ? "no source with stock"
                        : t->group_supply[g] < t->group_demand_start[g] ? "insufficient stock"
                        : r->split == ENG_SPLIT_NEVER                   ? "split not allowed"
                                                                        : "max_shipments reached";
  }
}

/* Routes what is left under rule r. The first rule also records, for the
 * explanation, every source's sort values, rejection and rank (even when
 * no ship line is left). */
static void route_under_rule(struct route_state *t, const struct eng_rule *r, bool first)
{
  bool keep_all = first && t->explain;
  route_pickup_lines(t, r, first);
  count_ship_demand(t);
  if (t->ship_total == 0 && !keep_all)
    return;
  memset(t->used, 0, t->n_sources);
  t->n_used = 0;
  route_collect_candidates(t, r, first);
  if (t->ship_total == 0)
    return;
  /* every candidate, in some order: sorted for the first rule, else heap */
  count_supply(t, keep_all ? t->sorted : t->heap, keep_all ? t->n_sorted : t->n_heap);
  size_t budget = r->max_shipments > 0 ? (size_t)r->max_shipments : ROUTE_NONE;
  if (r->dropship == ENG_DS_FALLBACK) {
    /* locations first under the split mode; suppliers take what is left */
    route_split(t, r, STRETCH_LOCATIONS, budget);
    route_split(t, r, STRETCH_SUPPLIERS, budget);
  } else {
    route_split(t, r, STRETCH_ALL, budget);
  }
  record_reasons(t, r);
}

/* The waterfall: the matching rules in order (or the default alone, in
 * *default_rule), each taking what the ones before left, until every line
 * is sourced or a rule does not fall through. tried gets the rules that
 * ran; returns how many. */
static size_t run_waterfall(struct route_state *t, const struct eng_rules *rules,
                            struct eng_rule *default_rule, const struct eng_rule **tried)
{
  size_t n_rules = rules ? rules->n : 0, n_matching = 0, n_tried = 0, l;
  for (size_t i = 0; i < n_rules; i++)
    if (route_rule_matches(&rules->rules[i], t->order))
      tried[n_matching++] = &rules->rules[i];
  if (n_matching == 0) {
    eng_rule_default(default_rule);
    tried[n_matching++] = default_rule;
  }
  for (size_t i = 0; i < n_matching; i++) {
    route_under_rule(t, tried[i], i == 0);
    n_tried++;
    for (l = 0; l < t->n_lines && t->line_left[l] == 0; l++)
      ;
    if (l == t->n_lines || !tried[i]->fallthrough)
      break;
  }
  return n_tried;
}

/* ---- the plan ----
 * The allocations become one shipment per source, in the order sources
 * were first given something, each source's allocations merged per line
 * and in line order. The builder borrows five arrays of n_sources entries
 * from the state, free once routing is done. */

struct plan_scratch {
  size_t *shipment_of; /* per source: its shipment, or ROUTE_NONE */
  size_t *source_of;   /* per shipment: its source */
  size_t *start, *end; /* per shipment: its range in the bucketed allocations */
  size_t *count;       /* per shipment: allocations, then lines once merged */
  size_t n_shipments;
};

static void number_shipments(struct route_state *t, struct plan_scratch *ps)
{
  size_t *shipment_of = ps->shipment_of, n = t->n_sources;
  ps->n_shipments = 0;
  for (size_t c = 0; c < n; c++) /* a local bound and array: becomes a memset */
    shipment_of[c] = ROUTE_NONE;
  for (size_t i = 0; i < t->n_allocs; i++) {
    size_t c = t->allocs[i].source;
    if (ps->shipment_of[c] == ROUTE_NONE) {
      ps->shipment_of[c] = ps->n_shipments;
      ps->source_of[ps->n_shipments] = c;
      ps->count[ps->n_shipments++] = 0;
    }
    ps->count[ps->shipment_of[c]]++;
  }
}

/* Copies the allocations, grouped by shipment (a counting sort), into the
 * second half of t->allocs; returns the copy. */
static struct route_alloc *bucket_by_shipment(struct route_state *t, struct plan_scratch *ps)
{
  size_t n = t->n_allocs;
  if (t->allocs_cap < 2 * n + 1) {
    t->allocs_cap = 2 * n + 1;
    t->allocs = oms_realloc(t->allocs, t->allocs_cap * sizeof *t->allocs);
  }
  struct route_alloc *b = t->allocs + n;
  for (size_t s = 0, off = 0; s < ps->n_shipments; s++) {
    ps->start[s] = ps->end[s] = off;
    off += ps->count[s];
  }
  for (size_t i = 0; i < n; i++)
    b[ps->end[ps->shipment_of[t->allocs[i].source]]++] = t->allocs[i];
  return b;
}

/* Sorts each shipment's allocations by line and merges those of one line;
 * count[] becomes the merged counts. Returns their sum. */
static size_t merge_lines(struct plan_scratch *ps, struct route_alloc *b)
{
  size_t merged = 0;
  for (size_t s = 0; s < ps->n_shipments; s++) {
    size_t lo = ps->start[s], hi = ps->end[s], out = lo;
    for (size_t i = lo + 1; i < hi; i++) {
      struct route_alloc x = b[i];
      size_t j = i;
      for (; j > lo && b[j - 1].line > x.line; j--)
        b[j] = b[j - 1];
      b[j] = x;
    }
    for (size_t i = lo; i < hi; i++) {
      if (out > lo && b[out - 1].line == b[i].line)
        b[out - 1].quantity += b[i].quantity;
      else
        b[out++] = b[i];
    }
    ps->count[s] = out - lo;
    merged += ps->count[s];
  }
  return merged;
}

/* One block holds the shipments, their allocations, the unsourced lines
 * and the tried rule names. */
static void build_plan(struct route_state *t, const struct eng_rule *const *tried, size_t n_tried,
                       struct eng_plan *p)
{
  struct plan_scratch ps = {.shipment_of = t->heap, .source_of = t->sort_tmp, .start = t->sorted,
                            .end = t->avoid_sources, .count = t->avoid_current};
  number_shipments(t, &ps);
  struct route_alloc *b = bucket_by_shipment(t, &ps);
  size_t merged = merge_lines(&ps, b), ns = ps.n_shipments, n_unsourced = 0;
  for (size_t l = 0; l < t->n_lines; l++)
    n_unsourced += t->line_left[l] > 0;

  size_t bytes = ns * sizeof(struct eng_shipment) + merged * sizeof(struct eng_alloc) +
                 n_unsourced * sizeof(struct eng_unsourced) + n_tried * sizeof(char *);
  char *block = oms_malloc(bytes);
  p->shipments = (struct eng_shipment *)block;
  struct eng_alloc *al = (struct eng_alloc *)(block + ns * sizeof(struct eng_shipment));
  p->unsourced = (struct eng_unsourced *)(al + merged);
  p->rules_tried = (const char **)(p->unsourced + n_unsourced);

  for (size_t s = 0, ai = 0; s < ns; s++) {
    p->shipments[s].source = ps.source_of[s];
    p->shipments[s].allocs = al + ai;
    p->shipments[s].n_allocs = ps.count[s];
    for (size_t j = 0; j < ps.count[s]; j++) {
      const struct route_alloc *x = &b[ps.start[s] + j];
      al[ai++] = (struct eng_alloc){.line = x->line, .quantity = x->quantity};
    }
  }
  p->n_shipments = ns;
  for (size_t l = 0; l < t->n_lines; l++)
    if (t->line_left[l] > 0)
      p->unsourced[p->n_unsourced++] = (struct eng_unsourced){
          .line = l, .quantity = t->line_left[l], .reason = t->line_reason[l]};
  for (size_t i = 0; i < n_tried; i++)
    p->rules_tried[i] = tried[i]->name;
  p->n_rules_tried = n_tried;
  p->rule = tried[0]->name;
  p->backorder = tried[n_tried - 1]->backorder;
}

/* ---- the entry points ---- */

static bool order_valid(const struct eng_order *order, const struct eng_source *sources,
                        size_t n_sources)
{
  if (!order || !order->lines || order->n_lines == 0 || (n_sources && !sources))
    return false;
  for (size_t l = 0; l < order->n_lines; l++)
    if (!order->lines[l].sku || order->lines[l].quantity <= 0)
      return false;
  return true;
}

int eng_route(const struct eng_rules *rules, const struct eng_order *order,
              const struct eng_source *sources, size_t n_sources, struct eng_plan *plan)
{
  if (!plan)
    return -1;
  memset(plan, 0, sizeof *plan);
  if (!order_valid(order, sources, n_sources))
    return -1;

  struct route_state t = {.order = order, .sources = sources, .n_sources = n_sources,
                          .n_lines = order->n_lines, .n_groups = count_groups(order),
                          .explain = !order->no_explanation};
  size_t n_rules = rules ? rules->n : 0;
  const struct eng_rule **tried;
  struct eng_rule default_rule;

  /* measure, allocate, then carve: the state and the list of rules tried
   * share the one scratch block */
  struct arena a = {0};
  route_state_layout(&t, &a);
  carve(&a, (n_rules + 1) * sizeof *tried);
  char *block = oms_malloc(a.off);
  t.allocs_cap = 2 * t.n_lines + 16;
  t.allocs = oms_malloc(t.allocs_cap * sizeof *t.allocs);
  a = (struct arena){.p = block};
  route_state_layout(&t, &a);
  tried = carve(&a, (n_rules + 1) * sizeof *tried);

  route_state_init(&t);
  size_t n_tried = run_waterfall(&t, rules, &default_rule, tried);
  build_plan(&t, tried, n_tried, plan);
  if (t.explain)
    plan->explanation = route_explain(&t, plan);

  free(t.allocs);
  free(block);
  return 0;
}

void eng_plan_free(struct eng_plan *plan)
{
  if (!plan)
    return;
  free(plan->shipments); /* the block holding every array of the plan */
  free(plan->explanation);
  memset(plan, 0, sizeof *plan);
}
