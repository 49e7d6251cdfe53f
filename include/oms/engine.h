/* engine.h: the pure core. No libmicrohttpd, no libpq, no I/O: every rule
 * here is unit-tested in microseconds (tests/unit). */
#ifndef OMS_ENGINE_H
#define OMS_ENGINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "oms/common.h"
#include "oms/json_spec.h"

/* ---- catalog documents (catalog.c) ----
 * Each parser validates a PUT body, fills defaults, applies the rules a
 * field table cannot say (lat and lon together, a pre-order limit when
 * enabled, edi.gs_id defaulting to isa_id), and returns 0 with *out a new
 * normalised object, or -1 with every problem appended to errors. */
int eng_item_parse(json_t *in, json_t **out, json_t *errors);
int eng_location_parse(json_t *in, json_t **out, json_t *errors);
int eng_supplier_parse(json_t *in, json_t **out, json_t *errors);
int eng_supplier_item_parse(json_t *in, json_t **out, json_t *errors);
int eng_channel_parse(json_t *in, json_t **out, json_t *errors);
int eng_ringfence_parse(json_t *in, json_t **out, json_t *errors);
int eng_tenant_parse(json_t *in, json_t **out, json_t *errors);
int eng_api_key_parse(json_t *in, json_t **out, json_t *errors);


/* ---- available-to-sell (ats.c) ----
 * The contract of API.md "Inventory", as pure arithmetic:
 *   pool(l)      = max(0, on_hand - reserved - safety_stock - fenced_other)
 *   on_hand_ats  = min(max_per_sku or inf, floor(percent/100 * sum pool(l)))
 *                  over active, shipping-capable l in the channel's locations
 *   dropship_ats = sum supplier available, if channel and item allow drop-ship
 *   preorder_ats = max(0, min(limit - outstanding, channel_limit - outstanding_channel))
 *                  if the channel takes pre-orders and the item is on pre-order
 */
struct eng_ats_channel {
  long long safety_stock;
  int percent;            /* 0..100 */
  long long max_per_sku;  /* < 0: no cap */
  bool dropship;
  bool preorders;
};

struct eng_ats_position {
  long long on_hand, reserved;
  long long fenced_this;  /* units fenced for this channel at l (informational) */
  long long fenced_other; /* units fenced for other channels at l */
  bool active, ship, in_channel;
};

struct eng_ats_item {
  bool dropship;
  long long supplier_available; /* sum over active suppliers */
  bool preorder_enabled;
  long long preorder_limit;
  long long channel_limit;       /* < 0: no channel limit */
  long long outstanding;         /* pre-ordered, not yet allocated, all channels */
  long long outstanding_channel; /* the same for this channel */
};

struct eng_ats {
  long long on_hand_ats, dropship_ats, preorder_ats, available_to_sell;
  long long pool; /* sum of pool(l) before percent and cap */
};

/* pool(l) for one position under channel c (0 when l does not count). */
long long eng_ats_pool(const struct eng_ats_channel *c, const struct eng_ats_position *p);
/* What channel c may reserve at p for an order (the hard rule of capture:
 * on_hand - reserved - safety_stock - fenced_other, never below 0). */
long long eng_ats_reservable(const struct eng_ats_channel *c, const struct eng_ats_position *p);
/* Computes the ATS of one sku for channel c over n positions. */
void eng_ats_compute(const struct eng_ats_channel *c, const struct eng_ats_item *item,
                     const struct eng_ats_position *pos, size_t n, struct eng_ats *out);

/* ---- inventory adjustments (inventory.c) ---- */
/* Validates an adjustment body: location, sku (codes), exactly one of delta
 * (non-zero integer) or set (integer >= 0), uom EACH|CASE (default EACH),
 * reason (receipt|cycle_count|damage|correction|sync, default correction),
 * reference (string <= 200, default null). */
int eng_adjustment_parse(json_t *in, json_t **out, json_t *errors);
/* Converts a quantity in uom to EACH with the item's case_pack (<= 0: none).
 * Returns 0, or -1 when CASE is used without a case_pack or on overflow. */
int eng_to_each(long long qty, const char *uom, long long case_pack, long long *each);

/* Evaluates ATS from JSON inputs: channel is the channel object (as the
 * API shows it), inputs one row of repo_ats_inputs. Returns a new object
 * {sku, available_to_sell, on_hand_ats, dropship_ats, preorder_ats,
 *  locations: [{location, pool}]}. */
json_t *eng_ats_eval(json_t *channel, json_t *inputs);

/* ---- routing (routing.c) ----
 * Where each order line is fulfilled from. Pure and deterministic: the same
 * inputs give the same plan. See docs/routing.md and API.md "Routing". */

#define ENG_MAX_SORT 5

enum eng_sort_key { ENG_SORT_PRIORITY, ENG_SORT_DISTANCE, ENG_SORT_COST, ENG_SORT_INVENTORY, ENG_SORT_DAYS };
enum eng_split { ENG_SPLIT_NEVER, ENG_SPLIT_AVOID, ENG_SPLIT_ALLOW };
enum eng_dropship { ENG_DS_NEVER, ENG_DS_FALLBACK, ENG_DS_PREFER_CHEAPEST, ENG_DS_PREFER_FASTEST };
enum eng_source_type { ENG_SRC_LOCATION, ENG_SRC_SUPPLIER };

/* A compiled routing rule. String pointers are borrowed from the JSON the
 * rule was compiled from (eng_rules_compile) and live as long as it. */
struct eng_rule {
  const char *name;
  /* when: NULL/0 = any. Each may list several accepted values. */
  const char *const *channels; size_t n_channels;
  const char *const *ship_methods; size_t n_ship_methods;
  const char *const *countries; size_t n_countries;
  /* filters */
  bool allow_warehouse, allow_store; /* location_types; both true when absent */
  double max_distance_km;            /* < 0: none */
  const char *const *exclude; size_t n_exclude;
  enum eng_sort_key sort[ENG_MAX_SORT]; size_t n_sort;
  enum eng_split split;
  int max_shipments;                 /* 0: no limit */
  enum eng_dropship dropship;
  bool backorder;
  bool fallthrough;
};

struct eng_rules {
  struct eng_rule *rules;
  size_t n;
  /* owned storage for the string arrays */
  const char **strs;
};

/* Validates a PUT /v1/routing-rules body (an array of rules, or
 * {"rules":[...]}) and returns 0 with *out the normalised array (defaults
 * filled: filters {}, sort ["priority","distance"], split "allow",
 * max_shipments null, dropship "fallback", backorder false, fallthrough true),
 * or -1 with errors like "rules[1].sort[0]". */
int eng_rules_parse(json_t *in, json_t **out, json_t *errors);
/* Compiles a normalised array (from eng_rules_parse). Borrowed strings
 * point into rules_json, which must outlive *out. Returns 0 or -1. */
int eng_rules_compile(json_t *rules_json, struct eng_rules *out);
void eng_rules_free(struct eng_rules *r);
/* The built-in default rule: the channel's active locations, sort priority
 * then distance, split allow, drop-ship fallback, no backorder. */
void eng_rule_default(struct eng_rule *r);

struct eng_order_line {
  const char *sku;
  long long quantity;        /* EACH, > 0 */
  bool pickup;               /* fulfillment "pickup" */
  const char *pickup_location;
};

struct eng_order {
  const char *channel, *ship_method, *country; /* may be NULL */
  bool has_coords;
  double lat, lon;
  const struct eng_order_line *lines;
  size_t n_lines;
  bool no_explanation;       /* true: plan->explanation stays NULL (faster) */
};

/* A candidate source, with what it holds for each order line. */
struct eng_source {
  enum eng_source_type type;
  const char *code;
  /* locations */
  bool is_store;          /* type "store" (else warehouse) */
  bool active, ship, pickup, in_channel;
  bool has_coords;
  double lat, lon;
  int priority;           /* locations; suppliers use 0 */
  long long cost_per_shipment;
  int days;               /* location ship_days; supplier lead_time_days */
  /* per order line (arrays of n_lines, owned by the caller): */
  const long long *available; /* what this source may give for that line's sku
                                 (locations: eng_ats_reservable; suppliers:
                                 supplier item available; 0 when none). Lines of
                                 one sku share the units: the engine counts them
                                 down as it allocates. */
  const long long *unit_cost; /* suppliers: cost per unit per line (else NULL) */
  const int *item_days;       /* suppliers: supplier item ship_days per line (else NULL) */
};

/* One fulfillment of a plan. */
struct eng_alloc {
  size_t line;       /* index into the order's lines */
  long long quantity;
};
struct eng_shipment {
  size_t source;     /* index into the sources */
  struct eng_alloc *allocs;
  size_t n_allocs;
};

struct eng_unsourced {
  size_t line;
  long long quantity;
  const char *reason; /* static string: "no source with stock", "split not allowed", ... */
};

struct eng_plan {
  const char *rule;          /* the first rule tried, or "default" */
  const char **rules_tried;  /* names, in order (borrowed) */
  size_t n_rules_tried;
  struct eng_shipment *shipments;
  size_t n_shipments;
  struct eng_unsourced *unsourced;
  size_t n_unsourced;
  bool backorder;            /* the last rule tried allows backorders */
  json_t *explanation;       /* the decision as API.md shows it (owned) */
};

/* Plans an order: picks the first rule whose `when` matches (else the
 * default), routes, and falls through to the next matching rules for what
 * is left. Fills *plan (free with eng_plan_free). Returns 0, or -1 on
 * invalid input (no lines). Never allocates more than the plan needs. */
int eng_route(const struct eng_rules *rules, const struct eng_order *order,
              const struct eng_source *sources, size_t n_sources, struct eng_plan *plan);
void eng_plan_free(struct eng_plan *plan);
/* Great-circle distance in km (haversine, R = 6371 km). */
double eng_distance_km(double lat1, double lon1, double lat2, double lon2);

/* ---- order rules (rules.c) ----
 * Business rules checked when an order arrives (API.md "Orders",
 * PUT /v1/order-rules): every matching "hold" rule adds a hold; a matching
 * "release" rule stops the evaluation; no hold means auto-release. */

/* Validates a PUT /v1/order-rules body (an array, or {"rules":[...]}) and
 * returns 0 with *out the normalised array, or -1 with errors such as
 * "rules[0].when.total_gt". */
int eng_order_rules_parse(json_t *in, json_t **out, json_t *errors);

/* Evaluates normalised rules against a normalised order (eng_order_parse's
 * output: channel, currency, customer, shipping_address, lines[] with sku,
 * quantity, unit_price). prices maps sku -> catalog price (integer).
 * Returns a new array of holds [{"rule","reason","kind"}] where kind is
 * "price_mismatch" when the rule has a price condition that matched, else
 * "order_hold"; empty when the order is released. *released_by (may be
 * NULL) gets the name of the release rule that stopped evaluation
 * (borrowed from rules) or NULL. */
json_t *eng_order_rules_eval(json_t *rules, json_t *order, json_t *prices,
                             const char **released_by);

/* ---- orders: capture and lifecycle (orders.c, lifecycle.c) ---- */

/* Validates a POST /v1/orders body. Normalised output: channel,
 * external_id (string or null), currency (or null: the channel's),
 * customer {email,name} or null, shipping_address {line1,line2,city,region,
 * postal_code,country,lat,lon} or null, ship_method (default "standard"),
 * lines [{sku,quantity,unit_price (or null: the catalog price),
 * fulfillment ("ship"),pickup_location}], payment {status,amount} or null,
 * ship_complete (false). */
int eng_order_parse(json_t *in, json_t **out, json_t *errors);

struct eng_capture_ctx {
  const char *order_id;      /* new UUID */
  const char *tracking_token;
  const char *actor;         /* who: key id, "shopify", "system" */
  bool never_refuse;         /* Shopify: backorder what cannot be sourced */
  const char *exchange_for;  /* RMA id or NULL */
  /* ids: the engine needs fresh UUIDs for fulfillments, purchase orders and
   * exceptions; new_id fills out[37] */
  void (*new_id)(char out[37]);
};

enum eng_capture_result {
  ENG_CAPTURE_OK = 0,
  ENG_CAPTURE_INSUFFICIENT, /* *errors lists lines[i].quantity problems */
  ENG_CAPTURE_INVALID,      /* *errors lists field problems (404-ish: unknown sku etc.) */
};

/* Plans a capture from the order (eng_order_parse output) and the inputs
 * read by repo_capture_inputs: applies order rules, routes, decides line
 * outcomes (allocated, preordered, backordered), and builds the write
 * payload for repo_order_capture (order, lines, holds, fulfillments,
 * reservations, supplier takes, pre-order takes, purchase orders,
 * exceptions, events). Returns ENG_CAPTURE_OK with *payload, or another
 * result with *errors (a new array of {field,message}) and *not_found set
 * when the problem is an unknown object (404) rather than stock (409). */
enum eng_capture_result eng_capture(json_t *order, json_t *inputs,
                                    const struct eng_capture_ctx *ctx, json_t **payload,
                                    json_t **errors);

/* The order as GET /v1/orders/{id} shows it, built from a capture payload
 * and what the database decided for it (oms_capture: number, created_at,
 * promise_dates {line: date}, fenced [{fulfillment_id, line, fenced}]).
 * Returns a new object. */
json_t *eng_capture_reply(json_t *payload, json_t *db);

/* Routes an order without deciding anything: returns the decision and its
 * explanation (new reference), or NULL with *errors (unknown objects). */
json_t *eng_simulate(json_t *order, json_t *inputs, json_t **errors);

/* Line status from its quantities (one place for the whole lifecycle). */
struct eng_line_qty {
  long long quantity, allocated, shipped, delivered, returned, cancelled, backordered,
      preordered, exception;
  bool pickup;
};
const char *eng_line_status(const struct eng_line_qty *q, bool held);
/* Order status from its line statuses. */
const char *eng_order_status(const char *const *line_statuses, size_t n, bool held,
                             bool ship_complete);

/* ---- changes to captured orders (actions.c) ----
 * Each takes the order as GET /v1/orders/{id} shows it (its row locked by
 * the caller), computes the change, and returns OMS_OK with *change (the
 * payload of repo_order_apply), or an error (OMS_ERR_INVALID_STATE,
 * OMS_ERR_VALIDATION, OMS_ERR_NOT_FOUND) with a message in detail. */
struct eng_act {
  const char *actor;                 /* who: key id or "system" */
  void (*new_id)(char out[37]);
  char detail[256];                  /* the reason an action is refused */
  char field[64];                    /* the field it concerns ("" if none) */
};

enum oms_err eng_act_hold(struct eng_act *a, json_t *order, const char *reason, json_t **change);
enum oms_err eng_act_release(struct eng_act *a, json_t *order, json_t **change);
/* lines: [{line, quantity}] (quantity optional: all that can be) or NULL for the whole order. */
enum oms_err eng_act_cancel(struct eng_act *a, json_t *order, json_t *lines, const char *reason,
                            json_t **change);
/* Routes again every unit not shipped (inputs from repo_capture_inputs). */
enum oms_err eng_act_reroute(struct eng_act *a, json_t *order, json_t *inputs, json_t **change);

/* Fulfillment steps (API.md "Fulfillment"). fid names the fulfillment;
 * body is the validated request (reject: reason + lines; ship: carrier,
 * tracking_number, lines; lines [{sku, quantity}] or absent for all). */
enum eng_fstep { ENG_F_ACCEPT, ENG_F_REJECT, ENG_F_SHIP, ENG_F_READY, ENG_F_PICKED_UP,
                 ENG_F_DELIVERED };
enum oms_err eng_act_fulfillment(struct eng_act *a, json_t *order, const char *fid,
                                 enum eng_fstep step, json_t *body, json_t *inputs,
                                 json_t **change);
/* A supplier's acknowledgement of its purchase order (fulfillment fid):
 * lines [{sku, status: accepted|rejected|backordered}]; rejected units are
 * routed elsewhere, backordered ones stay with the supplier. */
enum oms_err eng_act_po_ack(struct eng_act *a, json_t *order, const char *fid, json_t *lines,
                            json_t *inputs, json_t **change);
/* Takes `units` units of sku off the fulfillment fid (a count found them
 * missing) and routes them again elsewhere. */
enum oms_err eng_act_shortfall(struct eng_act *a, json_t *order, const char *fid, const char *sku,
                               long long units, json_t *inputs, json_t **change);

#endif
