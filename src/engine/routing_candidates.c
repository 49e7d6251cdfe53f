/* routing_candidates.c: which rules apply to an order, and which sources
 * a rule may ship from (docs/routing.md "The waterfall" and "Candidate
 * sources and filters"), with the distances the filters and sort keys use.
 *
 * Distances are kept as the haversine term a (which grows with the
 * distance), measured once per source and call; the arc sine is taken only
 * for the explanation and eng_distance_km. */
#include <math.h>
#include <string.h>
#include "routing_internal.h"

/* ---- distance ---- */

/* The haversine term a = sin^2(dlat/2) + cos lat1 cos lat2 sin^2(dlon/2),
 * with cos lat1 precomputed: eng_route measures every source from one
 * order. */
static double haversine_a(double lat1, double cos_lat1, double lon1, double lat2, double lon2)
{
  double s1 = sin((lat2 - lat1) * ROUTE_RAD_PER_DEG / 2),
         s2 = sin((lon2 - lon1) * ROUTE_RAD_PER_DEG / 2);
  double a = s1 * s1 + cos_lat1 * cos(lat2 * ROUTE_RAD_PER_DEG) * s2 * s2;
  return a > 1 ? 1 : a < 0 ? 0 : a;
}

double eng_distance_km(double lat1, double lon1, double lat2, double lon2)
{
  return route_hav_km(haversine_a(lat1, cos(lat1 * ROUTE_RAD_PER_DEG), lon1, lat2, lon2));
}

double route_source_hav(struct route_state *t, size_t c)
{
  if (isnan(t->source_hav[c])) {
    const struct eng_source *s = &t->sources[c];
    const struct eng_order *o = t->order;
    bool known = o->has_coords && s->has_coords && isfinite(s->lat) && isfinite(s->lon) &&
                 isfinite(o->lat) && isfinite(o->lon);
    t->source_hav[c] =
        known ? haversine_a(o->lat, t->order_cos_lat, o->lon, s->lat, s->lon) : INFINITY;
  }
  return t->source_hav[c];
}

/* ---- which rules match ---- */

/* Whether value (may be NULL: matches nothing) is one of list[0..n). */
static bool listed(const char *const *list, size_t n, const char *value)
{
  for (size_t i = 0; i < n; i++)
    if (value && strcmp(value, list[i]) == 0)
      return true;
  return false;
}

/* Countries compare without case: "us" on an address is still US. */
static bool country_listed(const char *const *list, size_t n, const char *country)
{
  for (size_t i = 0; i < n; i++) {
    const char *a = country, *b = list[i];
    if (!a)
      continue;
    size_t k = 0;
    while (a[k] && b[k] && (a[k] | 0x20) == (b[k] | 0x20))
      k++;
    if (!a[k] && !b[k])
      return true;
  }
  return false;
}

bool route_rule_matches(const struct eng_rule *r, const struct eng_order *o)
{
  /* an empty list is "any" */
  return (!r->n_channels || listed(r->channels, r->n_channels, o->channel)) &&
         (!r->n_ship_methods || listed(r->ship_methods, r->n_ship_methods, o->ship_method)) &&
         (!r->n_countries || country_listed(r->countries, r->n_countries, o->country));
}

/* ---- which sources may ship ---- */

/* Why source c cannot take ship lines under rule r, or NULL when it can. */
static const char *ship_reject_reason(struct route_state *t, const struct eng_rule *r, size_t c)
{
  const struct eng_source *s = &t->sources[c];
  if (s->type == OMS_SRC_SUPPLIER) {
    if (r->dropship == ENG_DS_NEVER)
      return "dropship: never";
    if (!s->active)
      return "inactive";
    if (listed(r->exclude, r->n_exclude, s->code))
      return "filtered: excluded";
  } else {
    if (!s->active)
      return "inactive";
    if (!s->in_channel)
      return "not in channel";
    if (!s->ship)
      return "cannot ship";
    if (s->is_store ? !r->allow_store : !r->allow_warehouse)
      return "filtered: location_type";
    if (listed(r->exclude, r->n_exclude, s->code))
      return "filtered: excluded";
    if (r->max_distance_km >= 0) {
      double h = route_source_hav(t, c);
      if (isfinite(h) && h > t->max_hav)
        return "filtered: max_distance_km";
    }
  }
  if (t->ship_total == 0)
    return "no ship lines";
  const long long *stock = t->stock + c * t->n_groups;
  for (size_t g = 0; g < t->n_groups; g++)
    if (t->group_demand[g] > 0 && stock[g] > 0)
      return NULL;
  return "no stock";
}

/* What the rule's filters and sort keys need, computed once per rule. */
static void prepare_rule(struct route_state *t, const struct eng_rule *r, bool keep_all)
{
  t->need_inventory = keep_all;
  t->need_cost_days = keep_all || r->dropship == ENG_DS_PREFER_CHEAPEST ||
                      r->dropship == ENG_DS_PREFER_FASTEST;
  for (size_t j = 0; j < r->n_sort; j++) {
    t->need_inventory |= r->sort[j] == ENG_SORT_INVENTORY;
    t->need_cost_days |= r->sort[j] == ENG_SORT_COST || r->sort[j] == ENG_SORT_DAYS;
  }
  /* km > max  <=>  a > sin^2(max / 2R); past half the globe: no limit */
  double half = r->max_distance_km / (2 * ROUTE_EARTH_KM);
  t->max_hav = half >= ROUTE_PI / 2 ? 2 : sin(half) * sin(half);
}

void route_collect_candidates(struct route_state *t, const struct eng_rule *r, bool first)
{
  size_t n = t->n_sources, m = 0;
  bool keep_all = first && t->explain;
  prepare_rule(t, r, keep_all);
  if (keep_all) {
    /* every source gets keys and a rank; the able ones, in that order,
     * are the candidates */
    for (size_t c = 0; c < n; c++) {
      t->reject_reason[c] = ship_reject_reason(t, r, c);
      route_make_sort_keys(t, r, c, true);
      t->first_order[c] = c;
    }
    route_sort_sources(t, t->first_order, n, t->sort_tmp);
    for (size_t i = 0; i < n; i++)
      if (!t->reject_reason[t->first_order[i]])
        t->sorted[m++] = t->first_order[i];
    t->n_sorted = m;
    t->n_heap = 0;
    return;
  }
  for (size_t c = 0; c < n; c++)
    if (!ship_reject_reason(t, r, c)) {
      route_make_sort_keys(t, r, c, false);
      t->heap[m++] = c;
    }
  route_order_reset(t, m);
}
