/* routing_split.c: the split modes (docs/routing.md "Split modes"): how
 * the ship lines still wanted are spread over a rule's candidates.
 *
 *   allow  each line takes from the candidates in sort order
 *   never  the best candidate that can take every ship line whole
 *   avoid  one candidate when one can take everything, else the fewest
 *          candidates that source as much as all of them together (an
 *          exact search within ROUTE_AVOID_BUDGET, else the greedy set)
 *
 * Each mode works on one stretch of the sort order (enum route_stretch) and
 * opens at most `budget` shipments under the rule (max_shipments). */
#include <string.h>
#include "routing_internal.h"

/* ---- stretches ---- */

static bool in_stretch(const struct route_state *t, size_t c, enum route_stretch which)
{
  return c != ROUTE_NONE && !(which == STRETCH_LOCATIONS && route_is_supplier(t, c)) &&
         !(which == STRETCH_SUPPLIERS && !route_is_supplier(t, c));
}

/* Where the stretch starts in sort order. */
static size_t stretch_start(struct route_state *t, enum route_stretch which)
{
  size_t i = 0, c;
  while (which == STRETCH_SUPPLIERS && (c = route_order_at(t, i)) != ROUTE_NONE &&
         !route_is_supplier(t, c))
    i++;
  return i;
}

/* ---- allow and never ---- */

/* allow: each line, in order, takes from the sources in order; a source
 * not yet used is opened only while the rule has shipments left. */
static void split_allow(struct route_state *t, enum route_stretch which, size_t budget)
{
  size_t start = stretch_start(t, which);
  for (size_t l = 0; l < t->n_lines; l++) {
    if (!route_is_ship_line(t, l))
      continue;
    size_t g = t->line_group[l], c;
    for (size_t i = start; t->line_left[l] > 0 && in_stretch(t, c = route_order_at(t, i), which);
         i++) {
      long long stock = t->stock[c * t->n_groups + g];
      if (stock <= 0 || (!t->used[c] && t->n_used >= budget))
        continue;
      route_add_alloc(t, c, l, min_ll(stock, t->line_left[l]), true);
    }
  }
}

/* The best source of the stretch (by sort) that can take every ship line
 * whole, or ROUTE_NONE. A scan: no need to order the others. */
static size_t best_whole_source(struct route_state *t, enum route_stretch which)
{
  size_t best = ROUTE_NONE;
  for (size_t k = 0; k < t->n_sorted + t->n_heap; k++) {
    size_t c = k < t->n_sorted ? t->sorted[k] : t->heap[k - t->n_sorted], g;
    if (!in_stretch(t, c, which))
      continue;
    const long long *stock = t->stock + c * t->n_groups;
    for (g = 0; g < t->n_groups && stock[g] >= t->group_demand[g]; g++)
      ;
    if (g == t->n_groups && (best == ROUTE_NONE || route_compare(t, c, best) < 0))
      best = c;
  }
  return best;
}

static void take_every_ship_line(struct route_state *t, size_t c)
{
  for (size_t l = 0; l < t->n_lines; l++)
    if (route_is_ship_line(t, l))
      route_add_alloc(t, c, l, t->line_left[l], true);
}

/* never: the best source that can take every ship line whole takes it. */
static void split_never(struct route_state *t, enum route_stretch which, size_t budget)
{
  size_t c;
  if (t->n_used < budget && (c = best_whole_source(t, which)) != ROUTE_NONE)
    take_every_ship_line(t, c);
}

/* ---- avoid: the fewest-shipments search ----
 * Over n_relevant sources (in rank order) and n_wanted sku groups:
 * give[i * n_wanted + a] is what source i can give group a (capped at the
 * demand), need[a] what is still wanted of the target, covered the units
 * covered so far. Sets are explored in lexicographic order of ranks, so
 * the first set found of a size is the best by sort. */
struct avoid_search {
  size_t n_wanted, n_relevant;
  size_t k;                   /* the set size being tried */
  const long long *give;      /* [relevant][wanted] */
  const long long *col_max;   /* [relevant + 1][wanted]: max of give[i..][a] */
  const long long *row_max;   /* [relevant + 1]: max over i.. of a source's whole gain */
  long long *need;            /* [wanted] */
  long long *taken;           /* [depth][wanted]: what the pick at a depth took */
  long long covered, total, best_cov;
  size_t *current, *best, n_best; /* sets as relevant indices */
  long budget;                /* work left (see ROUTE_AVOID_BUDGET) */
  bool out_of_budget;
};

/* Spends one group-sized step of work; false once the budget is gone. */
static bool avoid_spend(struct avoid_search *s)
{
  if ((s->budget -= (long)s->n_wanted) < 0) {
    s->out_of_budget = true;
    return false;
  }
  return true;
}

/* A set of `size` sources covering cov beats the best so far. */
static bool avoid_better(const struct avoid_search *s, long long cov, size_t size)
{
  return cov > s->best_cov || (cov == s->best_cov && size < s->n_best);
}

static void avoid_record(struct avoid_search *s, long long cov, size_t size)
{
  s->best_cov = cov;
  s->n_best = size;
  memcpy(s->best, s->current, size * sizeof *s->current);
}

/* The bound: each remaining pick adds at most what the best source left
 * holds of each group, and at most the most any source left holds. True
 * when no set below this node can beat the best. */
static bool avoid_prune(const struct avoid_search *s, size_t start, size_t depth)
{
  size_t na = s->n_wanted;
  long long left = (long long)(s->k - depth), bound = s->covered, m;
  const long long *col_max = s->col_max + start * na;
  for (size_t a = 0; a < na; a++)
    bound += __builtin_mul_overflow(col_max[a], left, &m) || m > s->need[a] ? s->need[a] : m;
  if (!__builtin_mul_overflow(s->row_max[start], left, &m) && s->covered + m < bound)
    bound = s->covered + m;
  return bound < s->best_cov || (bound == s->best_cov && depth + 1 >= s->n_best);
}

/* The last pick: what avoid_dfs one level down would do (record the set
 * when it is better, stop at full cover), without updating need. */
static bool avoid_last_pick(struct avoid_search *s, size_t start, size_t depth)
{
  size_t na = s->n_wanted;
  for (size_t i = start; i < s->n_relevant; i++) {
    if (!avoid_spend(s))
      return false;
    const long long *give = s->give + i * na;
    long long gain = 0;
    for (size_t a = 0; a < na; a++)
      gain += min_ll(s->need[a], give[a]);
    if (gain == 0)
      continue;
    long long cov = s->covered + gain;
    if (avoid_better(s, cov, depth + 1)) {
      s->current[depth] = i;
      avoid_record(s, cov, depth + 1);
      if (cov == s->total)
        return true;
    }
  }
  return false;
}

/* Explores the sets of size k that extend current[0..depth) with sources
 * from start on. True once a set covers everything (stop). */
static bool avoid_dfs(struct avoid_search *s, size_t start, size_t depth)
{
  size_t na = s->n_wanted;
  if (avoid_better(s, s->covered, depth)) {
    avoid_record(s, s->covered, depth);
    if (s->covered == s->total)
      return true;
  }
  if (depth == s->k || !avoid_spend(s) || avoid_prune(s, start, depth))
    return false;
  if (depth + 1 == s->k)
    return avoid_last_pick(s, start, depth);
  long long *taken = s->taken + depth * na;
  for (size_t i = start; i < s->n_relevant; i++) {
    if (!avoid_spend(s))
      return false;
    const long long *give = s->give + i * na;
    long long gain = 0;
    for (size_t a = 0; a < na; a++) {
      taken[a] = min_ll(s->need[a], give[a]);
      gain += taken[a];
    }
    /* a source adding nothing is in no smallest set */
    if (gain == 0)
      continue;
    for (size_t a = 0; a < na; a++)
      s->need[a] -= taken[a];
    s->covered += gain;
    s->current[depth] = i;
    bool done = avoid_dfs(s, i + 1, depth + 1);
    for (size_t a = 0; a < na; a++)
      s->need[a] += taken[a];
    s->covered -= gain;
    if (done)
      return true;
    if (s->out_of_budget)
      return false;
  }
  return false;
}

/* The stretch's sources that can give some of a wanted group, in rank
 * order, with what they can give. Returns how many. */
static size_t avoid_gather(struct route_state *t, enum route_stretch which, size_t na)
{
  size_t G = t->n_groups, nr = 0, c;
  for (size_t i = stretch_start(t, which); in_stretch(t, c = route_order_at(t, i), which); i++) {
    long long *give = t->avoid_give + nr * na, any = 0;
    for (size_t a = 0; a < na; a++) {
      size_t g = t->avoid_groups[a];
      give[a] = min_ll(t->stock[c * G + g], t->group_demand[g]);
      if (give[a] < 0)
        give[a] = 0;
      any |= give[a];
    }
    if (any)
      t->avoid_sources[nr++] = c;
  }
  return nr;
}

/* The target of each wanted group (what all relevant sources together can
 * cover of its demand); returns their sum. */
static long long avoid_targets(struct route_state *t, size_t na, size_t nr)
{
  const long long *give = t->avoid_give;
  long long total = 0;
  for (size_t a = 0; a < na; a++) {
    long long cap = 0;
    for (size_t i = 0; i < nr; i++)
      cap = sat_add(cap, give[i * na + a]);
    t->avoid_target[a] = min_ll(cap, t->group_demand[t->avoid_groups[a]]);
    total += t->avoid_target[a];
  }
  return total;
}

/* The suffix maxima the search's bound uses: per group, and of what one
 * source can add in all. */
static void avoid_suffix_maxima(struct route_state *t, size_t na, size_t nr)
{
  const long long *give = t->avoid_give;
  long long *col_max = t->avoid_col_max, *row_max = t->avoid_row_max;
  for (size_t a = 0; a < na; a++) {
    col_max[nr * na + a] = 0;
    for (size_t i = nr; i-- > 0;) {
      long long v = give[i * na + a], w = col_max[(i + 1) * na + a];
      col_max[i * na + a] = v > w ? v : w;
    }
  }
  row_max[nr] = 0;
  for (size_t i = nr; i-- > 0;) {
    long long v = 0;
    for (size_t a = 0; a < na; a++)
      v += min_ll(give[i * na + a], t->avoid_target[a]);
    row_max[i] = v > row_max[i + 1] ? v : row_max[i + 1];
  }
}

/* Sets smaller than this cannot cover the targets: the total over the most
 * one source can add, and the sources one group alone needs (its largest
 * first). Counting stops past k_max. */
static size_t avoid_lower_bound(struct route_state *t, size_t na, size_t nr, long long total,
                                size_t k_max)
{
  const long long *give = t->avoid_give, *row_max = t->avoid_row_max;
  size_t lb = row_max[0] > 0 ? (size_t)((total + row_max[0] - 1) / row_max[0]) : 1;
  for (size_t a = 0; a < na && lb <= k_max; a++) {
    if (t->avoid_col_max[a] >= t->avoid_target[a])
      continue;
    long long *col = t->avoid_column, got = 0;
    for (size_t i = 0; i < nr; i++)
      col[i] = give[i * na + a];
    size_t cnt = 0;
    while (got < t->avoid_target[a] && cnt <= k_max) {
      size_t bi = 0;
      for (size_t i = 1; i < nr; i++)
        if (col[i] > col[bi])
          bi = i;
      got += col[bi];
      col[bi] = 0;
      cnt++;
    }
    if (cnt > lb)
      lb = cnt;
  }
  return lb;
}

/* When the search ran out of budget short of full cover: the greedy set
 * (the source adding most units next, best rank on ties), taken instead of
 * the search's best when it is better. Uses s->need as scratch. */
static void avoid_greedy(struct route_state *t, struct avoid_search *s, size_t k_max,
                         const size_t **set, size_t *n_set)
{
  size_t na = s->n_wanted, nr = s->n_relevant, ng = 0;
  const long long *give = t->avoid_give;
  long long cov = 0;
  size_t *greedy = t->avoid_greedy;
  memset(t->avoid_picked, 0, nr);
  memcpy(s->need, t->avoid_target, na * sizeof *s->need);
  while (ng < k_max && cov < s->total) {
    long long best_gain = 0;
    size_t bi = 0;
    for (size_t i = 0; i < nr; i++) {
      if (t->avoid_picked[i])
        continue;
      long long gain = 0;
      for (size_t a = 0; a < na; a++)
        gain += min_ll(s->need[a], give[i * na + a]);
      if (gain > best_gain) {
        best_gain = gain;
        bi = i;
      }
    }
    if (best_gain == 0)
      break;
    t->avoid_picked[bi] = 1;
    for (size_t a = 0; a < na; a++)
      s->need[a] -= min_ll(s->need[a], give[bi * na + a]);
    cov += best_gain;
    greedy[ng++] = bi;
  }
  if (!avoid_better(s, cov, ng))
    return;
  /* back to rank order */
  for (size_t i = 1; i < ng; i++)
    for (size_t j = i; j > 0 && greedy[j - 1] > greedy[j]; j--) {
      size_t x = greedy[j];
      greedy[j] = greedy[j - 1];
      greedy[j - 1] = x;
    }
  *set = greedy;
  *n_set = ng;
}

/* Each ship line goes whole to the first chosen source that can take it,
 * else is split over the chosen sources in rank order. */
static void avoid_allocate(struct route_state *t, const size_t *set, size_t n_set)
{
  size_t G = t->n_groups, c;
  for (size_t l = 0; l < t->n_lines; l++) {
    if (!route_is_ship_line(t, l))
      continue;
    size_t g = t->line_group[l], j;
    for (j = 0; j < n_set && t->stock[t->avoid_sources[set[j]] * G + g] < t->line_left[l]; j++)
      ;
    if (j < n_set) {
      route_add_alloc(t, t->avoid_sources[set[j]], l, t->line_left[l], true);
      continue;
    }
    for (j = 0; j < n_set && t->line_left[l] > 0; j++) {
      c = t->avoid_sources[set[j]];
      route_add_alloc(t, c, l, min_ll(t->stock[c * G + g], t->line_left[l]), true);
    }
  }
}

/* avoid: one source when one can take everything, else the fewest sources
 * that source as much as all of them could together (iterative deepening
 * from a lower bound). */
static void split_avoid(struct route_state *t, enum route_stretch which, size_t budget)
{
  size_t na = 0, c;
  for (size_t g = 0; g < t->n_groups; g++)
    if (t->group_demand[g] > 0)
      t->avoid_groups[na++] = g;
  size_t shipments_left = budget > t->n_used ? budget - t->n_used : 0;
  if (na == 0 || shipments_left == 0)
    return;
  /* one source for everything when one can: no search, no sort */
  if ((c = best_whole_source(t, which)) != ROUTE_NONE) {
    take_every_ship_line(t, c);
    return;
  }
  route_order_all(t);
  size_t nr = avoid_gather(t, which, na);
  if (nr == 0)
    return;
  long long total = avoid_targets(t, na, nr);
  avoid_suffix_maxima(t, na, nr);
  size_t k_max = shipments_left < nr ? shipments_left : nr;
  size_t lb = avoid_lower_bound(t, na, nr, total, k_max);
  struct avoid_search s = {.n_wanted = na, .n_relevant = nr, .give = t->avoid_give,
                           .col_max = t->avoid_col_max, .row_max = t->avoid_row_max,
                           .need = t->avoid_need, .taken = t->avoid_taken, .total = total,
                           .best_cov = 0, .current = t->avoid_current, .best = t->avoid_best,
                           .n_best = 0, .budget = ROUTE_AVOID_BUDGET};
  for (size_t k = lb < k_max ? lb : k_max; k <= k_max && s.best_cov < total && !s.out_of_budget;
       k++) {
    s.k = k;
    s.covered = 0;
    memcpy(s.need, t->avoid_target, na * sizeof *s.need);
    avoid_dfs(&s, 0, 0);
  }
  const size_t *set = s.best;
  size_t n_set = s.n_best;
  if (s.out_of_budget && s.best_cov < total)
    avoid_greedy(t, &s, k_max, &set, &n_set);
  avoid_allocate(t, set, n_set);
}

void route_split(struct route_state *t, const struct eng_rule *r, enum route_stretch which,
                 size_t budget)
{
  size_t g;
  for (g = 0; g < t->n_groups && t->group_demand[g] <= 0; g++)
    ;
  if (g == t->n_groups)
    return;
  if (r->split == ENG_SPLIT_NEVER)
    split_never(t, which, budget);
  else if (r->split == ENG_SPLIT_AVOID)
    split_avoid(t, which, budget);
  else
    split_allow(t, which, budget);
}
