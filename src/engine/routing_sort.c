/* routing_sort.c: the order of a rule's candidates (docs/routing.md "Sort
 * keys").
 *
 * Each candidate gets its keys once per rule, encoded as unsigned integers
 * compared in turn (route_compare in routing_internal.h, ties to the code).
 * The order is then produced only as far as a split mode looks: "allow"
 * seldom looks past the first few sources, so they are popped from a heap
 * made on first use; "avoid" sorts them all (a merge sort); "never" only
 * scans for the best able source. route_compare is a total order, so every
 * way gives the same sequence. */
#include <math.h>
#include <string.h>
#include "routing_internal.h"

/* ---- keys ---- */

/* Signed values as unsigned keys in the same order. */
static uint64_t encode_signed(long long v)
{
  return (uint64_t)v ^ 0x8000000000000000ULL;
}

/* Non-negative doubles order like their bit patterns; unknown sorts last.
 * (The distance key is the haversine term, which grows with the distance.) */
static uint64_t encode_distance(double d)
{
  uint64_t u;
  if (!(d > 0))
    return d == 0 ? 0 : UINT64_MAX;
  if (isinf(d))
    return UINT64_MAX;
  memcpy(&u, &d, sizeof u);
  return u;
}

/* Inventory, cost and days of source c for the ship units still wanted
 * (each computed only when the rule's keys need it). A supplier's cost is
 * what it would be paid for what it can take (units of one sku counted
 * down over the lines of that sku), its days its lead time plus the
 * slowest item it would ship; a location's are its cost per shipment and
 * ship days. */
static void source_values(struct route_state *t, size_t c, long long *cost, long long *days,
                          long long *inventory)
{
  const struct eng_source *s = &t->sources[c];
  const long long *stock = t->stock + c * t->n_groups;
  long long v = 0;
  for (size_t g = 0; t->need_inventory && g < t->n_groups; g++)
    v += min_ll(stock[g], t->group_demand[g]);
  *inventory = v;
  if (s->type != OMS_SRC_SUPPLIER || !t->need_cost_days) {
    *cost = s->cost_per_shipment;
    *days = s->days;
    return;
  }
  long long *left = t->group_scratch, sum = 0;
  int max_item_days = 0;
  memcpy(left, stock, t->n_groups * sizeof *left);
  for (size_t l = 0; l < t->n_lines; l++) {
    if (t->order->lines[l].pickup || t->line_left[l] <= 0)
      continue;
    size_t g = t->line_group[l];
    long long take = min_ll(left[g], t->line_left[l]);
    if (take <= 0)
      continue;
    left[g] -= take;
    long long unit_cost = s->unit_cost && s->unit_cost[l] > 0 ? s->unit_cost[l] : 0;
    sum = sat_add(sum, sat_mul(unit_cost, take));
    if (s->item_days && s->item_days[l] > max_item_days)
      max_item_days = s->item_days[l];
  }
  *cost = sum;
  *days = (long long)s->days + max_item_days;
}

/* First the drop-ship preference (cost or days) or, in the other modes,
 * locations before suppliers; then the rule's sort keys. */
void route_make_sort_keys(struct route_state *t, const struct eng_rule *r, size_t c, bool first)
{
  const struct eng_source *s = &t->sources[c];
  long long cost, days, inventory;
  source_values(t, c, &cost, &days, &inventory);
  if (first && t->explain) {
    t->first_cost[c] = cost;
    t->first_days[c] = days;
  }
  uint64_t *k = t->sort_keys + c * ROUTE_MAX_KEYS;
  size_t i = 0;
  if (r->dropship == ENG_DS_PREFER_CHEAPEST)
    k[i++] = encode_signed(cost);
  else if (r->dropship == ENG_DS_PREFER_FASTEST)
    k[i++] = encode_signed(days);
  else
    k[i++] = s->type == OMS_SRC_SUPPLIER;
  for (size_t j = 0; j < r->n_sort && j < ENG_MAX_SORT; j++) {
    switch (r->sort[j]) {
    case ENG_SORT_PRIORITY:
      k[i++] = encode_signed(s->type == OMS_SRC_SUPPLIER ? 0 : s->priority);
      break;
    case ENG_SORT_DISTANCE:
      k[i++] = encode_distance(route_source_hav(t, c));
      break;
    case ENG_SORT_COST:
      k[i++] = encode_signed(cost);
      break;
    case ENG_SORT_INVENTORY:
      k[i++] = encode_signed(-inventory);
      break;
    case ENG_SORT_DAYS:
      k[i++] = encode_signed(days);
      break;
    }
  }
  t->n_keys = i;
}

/* ---- sorting ---- */

/* Insertion sort of each run of `run` entries. */
static void sort_runs(const struct route_state *t, size_t *v, size_t m, size_t run)
{
  for (size_t lo = 0; lo < m; lo += run) {
    size_t hi = lo + run < m ? lo + run : m;
    for (size_t i = lo + 1; i < hi; i++) {
      size_t x = v[i], j = i;
      while (j > lo && route_compare(t, v[j - 1], x) > 0) {
        v[j] = v[j - 1];
        j--;
      }
      v[j] = x;
    }
  }
}

/* Stable merge sort: insertion-sorted runs of 8, then merged pairwise
 * between v and tmp. */
void route_sort_sources(const struct route_state *t, size_t *v, size_t m, size_t *tmp)
{
  const size_t run = 8;
  sort_runs(t, v, m, run);
  size_t *from = v, *to = tmp;
  for (size_t w = run; w < m; w *= 2) {
    for (size_t lo = 0; lo < m; lo += 2 * w) {
      size_t mid = lo + w < m ? lo + w : m, hi = lo + 2 * w < m ? lo + 2 * w : m;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi)
        to[k++] = route_compare(t, from[j], from[i]) < 0 ? from[j++] : from[i++];
      while (i < mid)
        to[k++] = from[i++];
      while (j < hi)
        to[k++] = from[j++];
    }
    size_t *x = from;
    from = to;
    to = x;
  }
  if (from != v)
    memcpy(v, from, m * sizeof *v);
}

/* ---- the lazy order ---- */

/* Restores the min-heap property (under route_compare) below entry i. */
static void heap_sift_down(const struct route_state *t, size_t *h, size_t n, size_t i)
{
  size_t x = h[i];
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n)
      break;
    if (child + 1 < n && route_compare(t, h[child + 1], h[child]) < 0)
      child++;
    if (route_compare(t, h[child], x) >= 0)
      break;
    h[i] = h[child];
    i = child;
  }
  h[i] = x;
}

void route_order_reset(struct route_state *t, size_t m)
{
  t->n_sorted = 0;
  t->n_heap = m;
  t->heap_ready = false;
}

size_t route_order_at(struct route_state *t, size_t i)
{
  if (t->n_sorted <= i && t->n_heap > 0 && !t->heap_ready) {
    for (size_t k = t->n_heap / 2; k-- > 0;)
      heap_sift_down(t, t->heap, t->n_heap, k);
    t->heap_ready = true;
  }
  while (t->n_sorted <= i && t->n_heap > 0) {
    t->sorted[t->n_sorted++] = t->heap[0];
    t->heap[0] = t->heap[--t->n_heap];
    heap_sift_down(t, t->heap, t->n_heap, 0);
  }
  return i < t->n_sorted ? t->sorted[i] : ROUTE_NONE;
}

/* A merge sort when none was popped yet; else pop the rest. */
void route_order_all(struct route_state *t)
{
  if (t->n_sorted == 0 && t->n_heap > 0) {
    memcpy(t->sorted, t->heap, t->n_heap * sizeof *t->sorted);
    route_sort_sources(t, t->sorted, t->n_heap, t->sort_tmp);
    t->n_sorted = t->n_heap;
    t->n_heap = 0;
  }
  route_order_at(t, SIZE_MAX - 1);
}
