/* engine.h: the pure core. No libmicrohttpd, no libpq, no I/O: every rule
 * here is unit-tested in microseconds (tests/unit).
 *
 * JSON appears here only where a client's or a stored document is
 * validated or compiled (the *_parse and *_compile functions); every
 * decision takes and returns the typed values of oms/model.h. */
#ifndef OMS_ENGINE_H
#define OMS_ENGINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "oms/common.h"
#include "oms/json_spec.h"
#include "oms/model.h"

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
 * The ATS rules of docs/availability.md, as pure arithmetic:
 *   pool(l)      = max(0, on_hand - reserved - safety_stock - fenced_other)
 *   on_hand_ats  = min(max_per_sku or inf, floor(percent/100 * sum pool(l)))
 *                  over active, shipping-capable l in the channel's locations
 *   dropship_ats = sum supplier available, if channel and item allow drop-ship
 *   preorder_ats = eng_preorder_headroom(), if the channel takes pre-orders
 *                  and the item is on pre-order
 * Owners: eng_ats_reservable() is the one definition of what a channel may
 * reserve at a location (the SQL guard oms_reservable() in migrations/0005
 * only re-checks it); eng_preorder_headroom() of pre-order headroom (the
 * guard in oms_place() re-checks the limits); eng_channel_sells_from() of
 * which locations a channel sells from. */
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
  long long expected;            /* units still to arrive on inbound shipments */
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
/* The overall pre-order limit in effect: the item's limit, raised to the
 * units expected on inbound shipments when more are coming (what is on its
 * way may be sold). */
long long eng_preorder_limit(const struct oms_preorder_terms *t);
/* Units that may still be pre-ordered: max(0, min(eng_preorder_limit -
 * outstanding, channel_limit - outstanding_channel)), the channel term only
 * when the item has a limit for the channel. */
long long eng_preorder_headroom(const struct oms_preorder_terms *t, long long outstanding,
                                long long outstanding_channel);
/* Whether channel c sells from (and publishes the stock of) location code. */
bool eng_channel_sells_from(const struct oms_channel_view *c, const char *code);
/* The ATS arithmetic's view of a channel. */
struct eng_ats_channel eng_ats_channel_of(const struct oms_channel_view *c);
/* ATS of one sku in channel c; pools (may be NULL) gets pool(l) of each
 * of in->positions (in->n_positions entries). */
void eng_ats_of(const struct oms_channel_view *c, const struct oms_ats_inputs *in,
                long long *pools, struct eng_ats *out);

/* ---- inventory adjustments (inventory.c) ---- */
/* Validates an adjustment body: location, sku (codes), exactly one of delta
 * (non-zero integer) or set (integer >= 0), uom EACH|CASE (default EACH),
 * reason (receipt|cycle_count|damage|correction|sync, default correction),
 * reference (string <= 200, default null). */
int eng_adjustment_parse(json_t *in, json_t **out, json_t *errors);
/* Converts a quantity in uom to EACH with the item's case_pack (<= 0: none).
 * Returns 0, or -1 when CASE is used without a case_pack or on overflow. */
int eng_to_each(long long qty, const char *uom, long long case_pack, long long *each);

/* One re-route a discrepancy needs: take `units` of the sku off fulfillment
 * fulfillment_id of order order_id. */
struct eng_shortfall_take {
  const char *fulfillment_id, *order_id;
  long long units;
};
/* Decides which allocations (repo_open_allocations: the newest first) a
 * count that found fewer units than are reserved re-routes: only
 * the units short (short_units), never more than a line holds open. Fills
 * takes (room for n entries) and returns how many; *moved the units. */
size_t eng_shortfall_plan(const struct oms_open_allocation *allocs, size_t n,
                          long long short_units, struct eng_shortfall_take *takes,
                          long long *moved);

/* ---- routing (routing.c) ----
 * Where each order line is fulfilled from. Pure and deterministic: the same
 * inputs give the same plan. See docs/routing.md. */

#define ENG_MAX_SORT 5

enum eng_sort_key { ENG_SORT_PRIORITY, ENG_SORT_DISTANCE, ENG_SORT_COST, ENG_SORT_INVENTORY, ENG_SORT_DAYS };
enum eng_split { ENG_SPLIT_NEVER, ENG_SPLIT_AVOID, ENG_SPLIT_ALLOW };
enum eng_dropship { ENG_DS_NEVER, ENG_DS_FALLBACK, ENG_DS_PREFER_CHEAPEST, ENG_DS_PREFER_FASTEST };

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
  enum oms_source_type type;
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
  char *explanation;         /* the decision as docs/routing.md shows it, JSON text (owned) */
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
 * Business rules checked when an order arrives (PUT /v1/order-rules,
 * docs/order-rules.md): every matching "hold" rule adds a hold; a matching
 * "release" rule stops the evaluation; no hold means auto-release. */

/* Validates a PUT /v1/order-rules body (an array, or {"rules":[...]}) and
 * returns 0 with *out the normalised array, or -1 with errors such as
 * "rules[0].when.total_gt". */
int eng_order_rules_parse(json_t *in, json_t **out, json_t *errors);

struct eng_order_rules; /* compiled, lives in the arena it was compiled into */
/* Compiles a normalised rule list (as eng_order_rules_parse returns it and
 * the tenant's row stores it; NULL or null: no rules) into arena a. Returns
 * 0, or -1 when the document is not such a list (a stored document that
 * fails is a server fault: it was validated when it was stored). */
int eng_order_rules_compile(json_t *rules, struct oms_arena *a, const struct eng_order_rules **out);

/* Σ quantity × unit_price, saturated at the long long range: an absurd
 * order still compares greater than any limit. The one definition of an
 * order's total (rules and the stored total use it). unit_prices gives each
 * line's price (NULL: the lines' own). */
long long eng_order_total(const struct oms_order_request *o, const long long *unit_prices);

/* Evaluates rules against order. unit_prices[i] is line i's unit price as
 * charged, catalog_prices[i] its catalog price (< 0: no catalog price, the
 * line cannot mismatch). Appends the holds to *holds (in a); returns the
 * name of the release rule that stopped the evaluation, or NULL. */
const char *eng_order_rules_eval(const struct eng_order_rules *rules,
                                 const struct oms_order_request *order,
                                 const long long *unit_prices, const long long *catalog_prices,
                                 struct oms_arena *a, oms_new_holds *holds);

/* ---- orders: capture and lifecycle (orders.c, sourcing.c, lifecycle.c) ---- */

/* Validates a POST /v1/orders body. Normalised output: channel,
 * external_id (string or null), currency (or null: the channel's),
 * customer {email,name} or null, shipping_address {name,line1,line2,city,
 * region,postal_code,country,phone,lat,lon} or null, ship_method (default
 * "standard"), lines [{sku,quantity,unit_price (or null: the catalog price),
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

/* A field the client got wrong, in the order it was found. */
struct eng_field_error {
  const char *field, *message;
};
typedef OMS_VEC(struct eng_field_error) eng_errors;

enum eng_capture_result {
  ENG_CAPTURE_OK = 0,
  ENG_CAPTURE_INSUFFICIENT, /* 409: errors name the lines[i].quantity that cannot be sourced */
  ENG_CAPTURE_UNKNOWN,      /* 404: errors name the channel, skus or stores that do not exist */
  ENG_CAPTURE_FAULT,        /* our own broken invariant (500): errors say which */
};

/* What a capture decides from. */
struct eng_capture_in {
  const struct oms_order_request *order;
  const struct oms_capture_inputs *inputs;
  const struct eng_rules *routing;           /* the tenant's compiled rules (n = 0: default) */
  const struct eng_order_rules *order_rules; /* NULL: none */
  const struct eng_capture_ctx *ctx;
};

/* Plans a capture: applies the order rules, routes, decides each line's
 * outcome (allocated, pre-ordered within the limits, backordered when the
 * rule allows it) and fills *out, the write of repo_order_capture. Every
 * value lives in arena a. Returns ENG_CAPTURE_OK, or a refusal with *errors. */
enum eng_capture_result eng_capture(const struct eng_capture_in *in, struct oms_arena *a,
                                    struct oms_capture *out, eng_errors *errors);

/* Routes an order without deciding anything: *decision_json gets the
 * decision and its explanation (JSON text in a). Returns ENG_CAPTURE_OK or
 * ENG_CAPTURE_UNKNOWN with *errors. */
enum eng_capture_result eng_simulate(const struct eng_capture_in *in, struct oms_arena *a,
                                     const char **decision_json, eng_errors *errors);

/* The order a capture created, as GET shows it, from the decision c, the
 * request and what the database decided (in arena a). */
void eng_captured_order(const struct oms_capture *c, const struct oms_order_request *req,
                        const struct oms_capture_result *db, struct oms_arena *a,
                        struct oms_order *out);

/* Line status from its quantities (one place for the whole lifecycle). */
struct eng_line_qty {
  long long quantity, allocated, shipped, delivered, returned, cancelled, backordered,
      preordered, exception;
  bool pickup;
};
enum oms_status eng_line_status(const struct eng_line_qty *q, bool held);
/* Order status from its line statuses. */
enum oms_status eng_order_status(const enum oms_status *line_statuses, size_t n, bool held,
                                 bool ship_complete);
/* The status of work sent to sources (new fulfillments, and pending ones
 * when an order changes): pending while the order is held or ships complete
 * with units still waiting, else released. The one owner of that rule. */
enum oms_fstatus eng_work_status(bool held, bool ship_complete, bool units_waiting);

/* ---- changes to captured orders (actions.c, steps.c) ----
 * Each takes the order (its row locked by the caller), computes the change,
 * and returns OMS_OK with *change filled (the write of repo_order_apply), or
 * a refusal (OMS_ERR_INVALID_STATE, OMS_ERR_VALIDATION, OMS_ERR_NOT_FOUND)
 * with a message in a->detail naming a->field. Nothing is written on a
 * refusal. Every value of the change lives in a->arena. */
struct eng_act {
  const char *actor;                 /* who: key id or "system" */
  void (*new_id)(char out[37]);
  struct oms_arena *arena;           /* where the change is built */
  /* for changes that route units again (re-route, rejects, shortfalls):
   * the capture inputs of the order's skus and the tenant's rules */
  const struct oms_capture_inputs *inputs;
  const struct eng_rules *routing;
  char detail[256];                  /* the reason an action is refused */
  char field[64];                    /* the field it concerns ("" if none) */
};

enum oms_err eng_act_hold(struct eng_act *a, const struct oms_order *order, const char *reason,
                          struct oms_change *change);
enum oms_err eng_act_release(struct eng_act *a, const struct oms_order *order,
                             struct oms_change *change);

/* A line to cancel: by number (line > 0) or else the first open line of sku;
 * quantity < 0: every unit that can be. */
struct eng_cancel_line {
  int line;
  const char *sku;
  long long quantity;
};
/* lines NULL (n 0): the whole order. */
enum oms_err eng_act_cancel(struct eng_act *a, const struct oms_order *order,
                            const struct eng_cancel_line *lines, size_t n, const char *reason,
                            struct oms_change *change);
/* Routes again every unit not shipped (needs a->inputs and a->routing). */
enum oms_err eng_act_reroute(struct eng_act *a, const struct oms_order *order,
                             struct oms_change *change);

/* Fulfillment steps (docs/openapi.yaml, "Fulfillment"). */
enum eng_fstep { ENG_F_ACCEPT, ENG_F_REJECT, ENG_F_SHIP, ENG_F_READY, ENG_F_PICKED_UP,
                 ENG_F_DELIVERED };
/* Units named by a request: sku and quantity. */
struct eng_units {
  const char *sku;
  long long quantity;
};
/* The validated body of a step: reject (reason, lines), ship (carrier,
 * tracking_number, lines); has_lines false: every open unit. */
struct eng_step_body {
  const char *reason, *carrier, *tracking_number; /* or NULL */
  bool has_lines;
  const struct eng_units *lines;
  size_t n_lines;
};
/* One step on fulfillment fid (a reject needs a->inputs and a->routing). */
enum oms_err eng_act_fulfillment(struct eng_act *a, const struct oms_order *order,
                                 const char *fid, enum eng_fstep step,
                                 const struct eng_step_body *body, struct oms_change *change);
/* A supplier's acknowledgement of its purchase order (fulfillment fid),
 * line by sku; rejected units are routed elsewhere, backordered ones stay
 * with the supplier. */
struct eng_ack_line {
  const char *sku;
  enum oms_po_line_status status;
};
enum oms_err eng_act_po_ack(struct eng_act *a, const struct oms_order *order, const char *fid,
                            const struct eng_ack_line *lines, size_t n,
                            struct oms_change *change);
/* ---- receipts of inbound supply (receipts.c) ---- */
struct eng_receipt_line {
  const char *sku;
  long long quantity; /* > 0 */
};
/* Receives lines at the inbound's location: counts them on the inbound
 * (a surplus is plain stock), then allocates the received units to the
 * waiting pre-ordered lines of the orders in `in` (capture order, then line
 * order; a line partly covered keeps waiting for the rest), each order's
 * allocation on one new fulfillment there, released unless the order is
 * held or ships complete and still waits. A pickup line takes units only
 * at its store; a ship line only where its channel sells from and the
 * location ships. Refuses (OMS_ERR_SKU_NOT_EXPECTED, field lines[i].sku) a
 * sku the inbound does not hold. */
enum oms_err eng_receive(struct eng_act *a, const struct oms_receipt_inputs *in,
                         const struct eng_receipt_line *lines, size_t n,
                         struct oms_receipt *out);

/* ---- drop-ship EDI (edi.c; the X12 codec is x12*.c, include/oms/x12.h) ---- */
#include "oms/x12.h"

/* Validates an X12 identity {isa_qualifier ("ZZ"), isa_id (1-15), gs_id
 * (2-15, default isa_id)}: PUT /v1/settings/edi, and a supplier's `edi`
 * (errors then under prefix "edi"). */
int eng_edi_identity_parse(json_t *in, const char *prefix, json_t **out, json_t *errors);

/* Writes the 850 of a purchase order: the tenant sends, the supplier
 * receives; dated and numbered as the PO was created, so every fetch gives
 * the same bytes. Returns 0, or -1 with errors. */
int eng_edi_850(const struct oms_purchase_order *po, const struct oms_edi_identity *tenant,
                const struct oms_edi_identity *supplier, struct x12_buf *out,
                struct x12_errors *errors);

/* What an interchange from a supplier asks for, set by set. */
struct eng_edi_ack {
  const struct oms_po_ref *po;
  struct eng_ack_line *lines; /* per PO1 */
  size_t *line_segments;      /* the PO1 of each */
  size_t n_lines;
};
struct eng_edi_ship {
  const struct oms_po_ref *po;
  size_t segment;            /* its PRF */
  struct eng_step_body body; /* carrier, tracking, lines */
  size_t *line_segments;     /* the LIN of each line */
};
struct eng_edi_stock {
  const char *sku;
  long long available;
  size_t segment; /* its LIN */
};
struct eng_edi_set {
  enum x12_set_type type;
  const char *id, *control; /* ST01, ST02 */
  size_t segment;           /* ST */
  bool applied;             /* the set changes something (unknown types do not) */
  struct eng_edi_ack ack;   /* 855 */
  struct eng_edi_ship *ships; /* 856: one per PRF */
  size_t n_ships;
};
struct eng_edi_plan {
  struct eng_edi_set *sets;
  size_t n_sets;
  struct eng_edi_stock *stock; /* every 846 item, in document order */
  size_t n_stock;
};
/* Checks an interchange against the partner (ISA and GS identities, known
 * purchase orders, lines on them) and turns it into what to apply, in arena
 * a. Returns 0, or -1 with errors (fields "segment <n> (<ID>)"). */
int eng_edi_plan(const struct x12_interchange *ic, const struct oms_edi_partner *partner,
                 struct oms_arena *a, struct eng_edi_plan *out, struct x12_errors *errors);
/* Reads an RFC 3339 UTC time into an X12 date and time; -1 when it is not one. */
int eng_edi_datetime(const char *rfc3339, struct x12_datetime *out);

/* Takes `units` units of sku off the fulfillment fid (a count found them
 * missing) and routes them again elsewhere. */
enum oms_err eng_act_shortfall(struct eng_act *a, const struct oms_order *order, const char *fid,
                               const char *sku, long long units, struct oms_change *change);

#endif
