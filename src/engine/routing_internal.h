/* routing_internal.h: what the files of the routing engine share (not part
 * of the engine's interface: that is the routing section of engine.h).
 *
 * The engine is split by concern:
 *   routing_rules.c       the routing-rules document: validate, compile, the default rule
 *   routing_candidates.c  distances, which rules match an order, which sources may ship
 *   routing_sort.c        sort keys and the candidates' order (sorted, or a lazy heap)
 *   routing_split.c       the split modes: allow, never, avoid (fewest shipments)
 *   routing_explain.c     the explanation JSON
 *   routing.c             eng_route: the state, the waterfall of rules, the plan
 * docs/routing.md describes the behaviour with worked examples.
 *
 * One call of eng_route owns one struct route_state. Every array of it lives
 * in one scratch block cut up by route_state_layout (routing.c); only the
 * list of allocations, whose length is not known in advance, has a block of
 * its own. Nothing here does I/O. */
#ifndef OMS_ROUTING_INTERNAL_H
#define OMS_ROUTING_INTERNAL_H

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "oms/engine.h"

/* "No source": an empty entry of a size_t array of source indices. */
#define ROUTE_NONE SIZE_MAX
/* Sort keys per source: the phase (or drop-ship preference), then the
 * rule's own keys. */
#define ROUTE_MAX_KEYS (1 + ENG_MAX_SORT)
#define ROUTE_EARTH_KM 6371.0
#define ROUTE_PI 3.14159265358979323846
#define ROUTE_RAD_PER_DEG (ROUTE_PI / 180.0)
/* Work (in group-sized steps) the avoid search may do before it settles
 * for the greedy answer: bounds the worst case on pathological inputs
 * (about 0.2 ms at 200 sources; realistic orders finish far below it). */
#define ROUTE_AVOID_BUDGET 200000L

/* Units of one order line given by one source, in the order given. */
struct route_alloc {
  size_t source; /* index into the sources */
  size_t line;   /* index into the order's lines */
  long long quantity;
};

/* The state of one eng_route call.
 *
 * Indexing: "per line" arrays have n_lines entries, "per group" arrays
 * n_groups (a group is one distinct sku of the order: lines of the same sku
 * share that sku's units at a source), "per source" arrays n_sources. An
 * array "[source][group]" has n_sources * n_groups entries, the entry of
 * source c and group g at c * n_groups + g. Quantities are units (EACH).
 *
 * Ownership: order and sources are borrowed from the caller. Every array
 * pointer points into the one scratch block that eng_route allocates and
 * frees; the explanation arrays are NULL (not laid out) when no
 * explanation is asked for. allocs is the only separately owned block.
 *
 * Some scratch is reused once routing is done (the plan builder borrows the
 * candidate arrays, the explanation the avoid search's): each such reuse is
 * named where it happens. */
struct route_state {
  /* ---- inputs ---- */
  const struct eng_order *order;    /* borrowed */
  const struct eng_source *sources; /* borrowed, n_sources of them */
  size_t n_sources, n_lines, n_groups;
  bool explain;         /* build the explanation (!order->no_explanation) */
  double order_cos_lat; /* cos of the order's latitude (when it has coordinates) */

  /* ---- per line ---- */
  size_t *line_group;        /* the line's sku group */
  long long *line_left;      /* units still to source */
  size_t *pickup_source;     /* the store a pickup line names, or ROUTE_NONE */
  const char **line_reason;  /* why what is left is unsourced (static strings;
                                the last rule that tried decides) */

  /* ---- per group ---- */
  size_t *group_line;        /* the group's first line: its sku, and the index
                                into each source's available[] */
  long long *group_demand;   /* ship units still wanted under the current rule */
  long long *group_demand_start; /* group_demand when the split modes started:
                                    tells "insufficient stock" apart */
  long long *group_supply;   /* what the rule's candidates hold in all */
  long long *group_scratch;  /* source_values' units-left counters */
  long long ship_total;      /* ship units wanted when the current rule started */

  /* ---- per source ---- */
  long long *stock;          /* [source][group]: units left to give (>= 0) */
  double *source_hav;        /* haversine term a from the order (see
                                route_source_hav): NAN not measured yet,
                                INFINITY unknown (no coordinates) */
  uint64_t *sort_keys;       /* [source][ROUTE_MAX_KEYS]: the current rule's
                                keys, compared in turn (route_compare) */
  size_t n_keys;             /* keys in use per source under the current rule */
  bool need_inventory;       /* the keys (or the explanation) need inventory */
  bool need_cost_days;       /* ... need a supplier's cost or days for the units */
  double max_hav;            /* the rule's max_distance_km as a haversine term */
  unsigned char *used;       /* 1: gave ship units under the current rule */
  size_t n_used;             /* sources with used[] set: the shipments so far */
  unsigned char *pickup_ok;  /* 1: a pickup line of the first rule found stock
                                here (the explanation then shows no rejection) */

  /* ---- the current rule's candidates in sort order ----
   * sorted[0..n_sorted) are in order; heap[0..n_heap) holds the rest, a
   * min-heap once heap_ready (see route_order_at). sort_tmp is the merge
   * sort's buffer. All three have n_sources entries. */
  size_t *sorted, n_sorted;
  size_t *heap, n_heap;
  size_t *sort_tmp;
  bool heap_ready;

  /* ---- the first rule, kept for the explanation (explain only) ---- */
  const char **reject_reason; /* per source: why it may not ship, or NULL */
  long long *first_cost;      /* per source: the cost value of its sort keys */
  long long *first_days;      /* per source: the days value */
  size_t *first_order;        /* every source, in the first rule's sort order */

  /* ---- the avoid search (routing_split.c) ----
   * "relevant" sources are the stretch's candidates that can give some of a
   * wanted group, in rank order; "wanted" groups those with demand. */
  size_t *avoid_groups;      /* [wanted group] -> group */
  size_t *avoid_sources;     /* [relevant source] -> source */
  size_t *avoid_current;     /* the set being explored (relevant indices) */
  size_t *avoid_best;        /* the best set found */
  size_t *avoid_greedy;      /* the greedy set */
  long long *avoid_give;     /* [relevant][wanted]: what it can give, capped at the demand */
  long long *avoid_col_max;  /* [relevant + 1][wanted]: suffix maxima of avoid_give */
  long long *avoid_row_max;  /* [relevant + 1]: suffix maxima of a source's whole gain */
  long long *avoid_taken;    /* [depth][wanted]: what the pick at each depth took */
  long long *avoid_need;     /* [wanted]: still wanted of the target */
  long long *avoid_target;   /* [wanted]: what all relevant sources can cover */
  long long *avoid_column;   /* [relevant]: one group's column, for the lower bound */
  unsigned char *avoid_picked; /* [relevant]: in the greedy set */

  /* ---- allocations, in the order they were made (own block) ---- */
  struct route_alloc *allocs;
  size_t n_allocs, allocs_cap;
};

/* Which stretch of the sort order a split mode works on: every candidate,
 * the locations, or the suppliers. Drop-ship "fallback" runs the mode once
 * for each of the last two; its keys put every location before every
 * supplier. */
enum route_stretch { STRETCH_ALL, STRETCH_LOCATIONS, STRETCH_SUPPLIERS };

static inline long long min_ll(long long a, long long b)
{
  return a < b ? a : b;
}

/* Saturating arithmetic: sums of stock and costs never wrap. */
static inline long long sat_add(long long a, long long b)
{
  long long r;
  return __builtin_add_overflow(a, b, &r) ? LLONG_MAX : r;
}

static inline long long sat_mul(long long a, long long b)
{
  long long r;
  return __builtin_mul_overflow(a, b, &r) ? LLONG_MAX : r;
}

static inline bool route_is_supplier(const struct route_state *t, size_t source)
{
  return t->sources[source].type == OMS_SRC_SUPPLIER;
}

/* A line the split modes route: not a pickup, units still to source. */
static inline bool route_is_ship_line(const struct route_state *t, size_t line)
{
  return !t->order->lines[line].pickup && t->line_left[line] > 0;
}

/* The distance in km of a haversine term a. */
static inline double route_hav_km(double a)
{
  return 2 * ROUTE_EARTH_KM * asin(sqrt(a));
}

/* The order of candidates under the current rule's keys, ties to the code,
 * then locations first, then the index: a total order, so every way of
 * sorting gives the same sequence. Inline: it is the sort's inner loop. */
static inline int route_compare(const struct route_state *t, size_t a, size_t b)
{
  const uint64_t *ka = t->sort_keys + a * ROUTE_MAX_KEYS, *kb = t->sort_keys + b * ROUTE_MAX_KEYS;
  for (size_t i = 0; i < t->n_keys; i++)
    if (ka[i] != kb[i])
      return ka[i] < kb[i] ? -1 : 1;
  const char *ca = t->sources[a].code ? t->sources[a].code : "";
  const char *cb = t->sources[b].code ? t->sources[b].code : "";
  int c = strcmp(ca, cb);
  if (c)
    return c;
  if (t->sources[a].type != t->sources[b].type)
    return t->sources[a].type == OMS_SRC_LOCATION ? -1 : 1;
  return a < b ? -1 : a > b;
}

/* ---- routing.c ---- */

/* Gives q units of line to source (nothing when q <= 0): counts them off
 * the source's stock and the line; ship units also off the group's demand,
 * marking the source used. */
void route_add_alloc(struct route_state *t, size_t source, size_t line, long long q, bool ship);

/* ---- routing_candidates.c ---- */

/* Whether rule r's `when` matches the order. */
bool route_rule_matches(const struct eng_rule *r, const struct eng_order *o);
/* The haversine term from the order to source c (measured once, cached). */
double route_source_hav(struct route_state *t, size_t c);
/* Sets up the candidates of rule r: which sources may ship (with their
 * sort keys), left unordered in the heap; the first rule with an
 * explanation keeps every source's rejection, values and rank, and sorts
 * all of them. */
void route_collect_candidates(struct route_state *t, const struct eng_rule *r, bool first);

/* ---- routing_sort.c ---- */

/* Fills source c's sort keys under rule r (first: also keep its cost and
 * days for the explanation). */
void route_make_sort_keys(struct route_state *t, const struct eng_rule *r, size_t c, bool first);
/* Stable sort of m source indices v under route_compare (tmp: m entries). */
void route_sort_sources(const struct route_state *t, size_t *v, size_t m, size_t *tmp);
/* The candidates are heap[0..m), not yet in order. */
void route_order_reset(struct route_state *t, size_t m);
/* The i-th candidate in sort order, or ROUTE_NONE past the last. */
size_t route_order_at(struct route_state *t, size_t i);
/* Puts every candidate in order (sorted[0..n_sorted)). */
void route_order_all(struct route_state *t);

/* ---- routing_split.c ---- */

/* Routes the ship lines under r's split mode from the candidates of one
 * stretch, opening at most budget shipments in all under the rule. */
void route_split(struct route_state *t, const struct eng_rule *r, enum route_stretch which,
                 size_t budget);

/* ---- routing_explain.c ---- */

/* The decision as docs/routing.md "The explanation" shows it, as JSON text
 * (caller frees). Call after the plan is built: it reuses scratch. */
char *route_explain(struct route_state *t, const struct eng_plan *p);

#endif
