/* routing_explain.c: the explanation of a routing decision
 * (docs/routing.md "The explanation"): the rule and the rules tried, the
 * plan, the unsourced lines, and every candidate in the first rule's order
 * with its sort values, what it holds, why it was rejected and what it was
 * given.
 *
 * Building it is mostly allocation (jansson gives every value, object and
 * key its own block), so values that repeat are made once per explanation
 * and shared by reference: source types, reasons, skus, {} and every
 * integer (a small open-addressing table), and the "available" objects of
 * sources that hold the same. The explanation is read-only for its users. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "routing_internal.h"

#define CACHE_INTS 512     /* power of two; past half full, integers are not shared */
#define CACHE_AVAILABLE 64 /* the same for available objects */
#define CACHE_REASONS 16

/* The shared values of one explanation; each holds one reference. */
struct explain_cache {
  json_t *type[2]; /* "location", "supplier" */
  json_t *empty;   /* {}: what most candidates were given */
  const char *reason[CACHE_REASONS]; /* static strings, compared by address */
  json_t *reason_json[CACHE_REASONS];
  size_t n_reasons;
  size_t n_ints;
  long long int_key[CACHE_INTS];
  json_t *int_json[CACHE_INTS]; /* NULL: free slot */
  /* available objects by content: row i (n_groups entries, scratch) holds
   * what candidate i has of each group; the table maps a row to its object */
  long long *rows;
  json_t *available_json[CACHE_AVAILABLE]; /* NULL: free slot */
  size_t available_row[CACHE_AVAILABLE], n_available;
};

static json_t *cached_int(struct explain_cache *x, long long v)
{
  size_t h = (size_t)(((uint64_t)v * 0x9E3779B97F4A7C15ULL) >> 55) & (CACHE_INTS - 1);
  while (x->int_json[h]) {
    if (x->int_key[h] == v)
      return json_incref(x->int_json[h]);
    h = (h + 1) & (CACHE_INTS - 1);
  }
  if (x->n_ints >= CACHE_INTS / 2)
    return json_integer(v);
  x->int_key[h] = v;
  x->int_json[h] = json_integer(v);
  x->n_ints++;
  return json_incref(x->int_json[h]);
}

static json_t *cached_reason(struct explain_cache *x, const char *reason)
{
  size_t i;
  for (i = 0; i < x->n_reasons && x->reason[i] != reason; i++)
    ;
  if (i == x->n_reasons) {
    if (i == CACHE_REASONS)
      return json_string(reason);
    x->reason[i] = reason;
    x->reason_json[i] = json_string_nocheck(reason);
    x->n_reasons++;
  }
  return json_incref(x->reason_json[i]);
}

static json_t *cached_type(struct explain_cache *x, enum oms_source_type type)
{
  int i = type == OMS_SRC_SUPPLIER;
  if (!x->type[i])
    x->type[i] = json_string_nocheck(i ? "supplier" : "location");
  return json_incref(x->type[i]);
}

static void cache_free(struct explain_cache *x)
{
  json_decref(x->empty);
  for (size_t i = 0; i < 2; i++)
    json_decref(x->type[i]);
  for (size_t i = 0; i < CACHE_INTS; i++)
    json_decref(x->int_json[i]);
  for (size_t i = 0; i < CACHE_AVAILABLE; i++)
    json_decref(x->available_json[i]);
  for (size_t i = 0; i < x->n_reasons; i++)
    json_decref(x->reason_json[i]);
}

/* {"sku","quantity"}; sku is the group's shared string, NULL when the sku
 * is not UTF-8 (the key is then left out, as json_string would). */
static json_t *sku_quantity(struct explain_cache *x, json_t *sku, long long q)
{
  json_t *o = json_object();
  if (sku)
    json_object_set_nocheck(o, "sku", sku);
  json_object_set_new_nocheck(o, "quantity", cached_int(x, q));
  return o;
}

/* "rule" and "rules_tried". */
static void explain_rules(json_t *out, const struct eng_plan *p)
{
  json_object_set_new_nocheck(out, "rule", json_string(p->rule));
  json_t *tried = json_array();
  for (size_t i = 0; i < p->n_rules_tried; i++)
    json_array_append_new(tried, json_string(p->rules_tried[i]));
  json_object_set_new_nocheck(out, "rules_tried", tried);
}

/* "plan": the shipments, and "unsourced": the lines left. */
static void explain_plan(struct route_state *t, struct explain_cache *x, json_t *out,
                         const struct eng_plan *p)
{
  json_t *plan = json_array();
  for (size_t i = 0; i < p->n_shipments; i++) {
    const struct eng_shipment *sh = &p->shipments[i];
    const struct eng_source *s = &t->sources[sh->source];
    json_t *o = json_object(), *lines = json_array();
    json_object_set_new_nocheck(o, "source_type", cached_type(x, s->type));
    json_object_set_new_nocheck(o, "source", json_string(s->code ? s->code : ""));
    for (size_t j = 0; j < sh->n_allocs; j++)
      json_array_append_new(lines, sku_quantity(x, t->sku_json[t->line_group[sh->allocs[j].line]],
                                                sh->allocs[j].quantity));
    json_object_set_new_nocheck(o, "lines", lines);
    json_array_append_new(plan, o);
  }
  json_object_set_new_nocheck(out, "plan", plan);

  json_t *unsourced = json_array();
  for (size_t i = 0; i < p->n_unsourced; i++) {
    const struct eng_unsourced *u = &p->unsourced[i];
    json_t *o = sku_quantity(x, t->sku_json[t->line_group[u->line]], u->quantity);
    json_object_set_new_nocheck(o, "reason", cached_reason(x, u->reason));
    json_array_append_new(unsourced, o);
  }
  json_object_set_new_nocheck(out, "unsourced", unsourced);
}

/* The "available" object of the candidate of rank i: what it holds of each
 * sku. Candidates holding the same of every sku share one object (most
 * often: none of any). */
static json_t *available_object(struct route_state *t, struct explain_cache *x, size_t i,
                                const struct eng_source *s)
{
  size_t G = t->n_groups;
  long long *row = x->rows + i * G;
  uint64_t hash = 0x84222325cbf29ce4ULL;
  for (size_t g = 0; g < G; g++) {
    long long v = s->available ? s->available[t->group_line[g]] : 0;
    row[g] = v > 0 ? v : 0;
    hash = (hash ^ (uint64_t)row[g]) * 0x100000001b3ULL;
  }
  size_t h = (size_t)(hash >> 58) & (CACHE_AVAILABLE - 1);
  while (x->available_json[h] &&
         memcmp(x->rows + x->available_row[h] * G, row, G * sizeof *row) != 0)
    h = (h + 1) & (CACHE_AVAILABLE - 1);
  if (x->available_json[h])
    return json_incref(x->available_json[h]);
  json_t *av = json_object();
  for (size_t g = 0; g < G; g++)
    if (t->sku_json[g])
      json_object_set_new_nocheck(av, t->sku_text[g], cached_int(x, row[g]));
  if (x->n_available < CACHE_AVAILABLE / 2) {
    x->available_json[h] = json_incref(av);
    x->available_row[h] = i;
    x->n_available++;
  }
  return av;
}

/* The candidate object of the source c of rank i; given is what each
 * source was given, [source][group]. */
static json_t *explain_candidate(struct route_state *t, struct explain_cache *x, size_t i,
                                 size_t c, const long long *given)
{
  const struct eng_source *s = &t->sources[c];
  json_t *o = json_object(), *given_json = NULL;
  double h = route_source_hav(t, c);
  const char *rejected = t->pickup_ok[c] ? NULL : t->reject_reason[c];
  const long long *given_c = given + c * t->n_groups;
  json_object_set_new_nocheck(o, "source_type", cached_type(x, s->type));
  json_object_set_new_nocheck(o, "source", json_string(s->code ? s->code : ""));
  json_object_set_new_nocheck(o, "priority",
                              cached_int(x, s->type == OMS_SRC_SUPPLIER ? 0 : s->priority));
  json_object_set_new_nocheck(o, "distance_km",
                              isfinite(h) ? json_real(round(route_hav_km(h) * 10) / 10)
                                          : json_null());
  json_object_set_new_nocheck(o, "cost", cached_int(x, t->first_cost[c]));
  json_object_set_new_nocheck(o, "days", cached_int(x, t->first_days[c]));
  json_t *av = available_object(t, x, i, s);
  for (size_t g = 0; g < t->n_groups; g++)
    if (given_c[g] > 0 && t->sku_json[g])
      json_object_set_new_nocheck(given_json ? given_json : (given_json = json_object()),
                                  t->sku_text[g], cached_int(x, given_c[g]));
  json_object_set_new_nocheck(o, "available", av);
  json_object_set_new_nocheck(o, "rejected", rejected ? cached_reason(x, rejected) : json_null());
  if (!given_json && !x->empty)
    x->empty = json_object();
  json_object_set_new_nocheck(o, "given", given_json ? given_json : json_incref(x->empty));
  return o;
}

/* "candidates": every source, in the first rule's order. */
static void explain_candidates(struct route_state *t, struct explain_cache *x, json_t *out)
{
  size_t n = t->n_sources, G = t->n_groups;
  /* what each source was given, by sku group (the avoid search's
   * avoid_give is free scratch now) */
  long long *given = t->avoid_give;
  memset(given, 0, n * G * sizeof *given);
  for (size_t i = 0; i < t->n_allocs; i++)
    given[t->allocs[i].source * G + t->line_group[t->allocs[i].line]] += t->allocs[i].quantity;

  /* the candidates first, the array that holds them after: its growth is
   * then a few reallocations at the end, not interleaved with the small
   * blocks of the candidates */
  json_t **objects = t->candidate_json;
  for (size_t i = 0; i < n; i++)
    objects[i] = explain_candidate(t, x, i, t->first_order[i], given);
  json_t *candidates = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(candidates, objects[i]);
  json_object_set_new_nocheck(out, "candidates", candidates);
}

json_t *route_explain(struct route_state *t, const struct eng_plan *p)
{
  struct explain_cache x;
  x.type[0] = x.type[1] = x.empty = NULL;
  x.n_reasons = x.n_ints = 0;
  memset(x.int_json, 0, sizeof x.int_json);
  memset(x.available_json, 0, sizeof x.available_json);
  x.n_available = 0;
  x.rows = t->avoid_col_max; /* free scratch now: n_sources * n_groups + n_groups entries */
  /* each sku once: its string (NULL: not UTF-8, so never a key) */
  for (size_t g = 0; g < t->n_groups; g++) {
    t->sku_text[g] = t->order->lines[t->group_line[g]].sku;
    t->sku_json[g] = json_string(t->sku_text[g]);
  }

  json_t *out = json_object();
  explain_rules(out, p);
  explain_plan(t, &x, out, p);
  explain_candidates(t, &x, out);

  for (size_t g = 0; g < t->n_groups; g++)
    json_decref(t->sku_json[g]);
  cache_free(&x);
  return out;
}
