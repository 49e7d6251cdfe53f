/* http.h: the HTTP layer. server.c turns libmicrohttpd callbacks into one
 * struct http_request per request; router.c matches it to a handler;
 * handlers (h_<resource>.c) parse, call the engine and the repository, and
 * set the reply through http_ok()/http_fail(). Only this layer knows MHD. */
#ifndef OMS_HTTP_H
#define OMS_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "oms/common.h"
#include "oms/engine.h"

struct repo_db;
struct repo_tx;
struct MHD_Connection;

#define HTTP_BODY_LIMIT (1024u * 1024u)
#define HTTP_MAX_PARAMS 4

/* Who may call a route (bit mask). */
enum http_access {
  HA_PUBLIC = 0x1,      /* no credentials */
  HA_OPERATOR = 0x2,    /* OMS_ADMIN_TOKEN */
  HA_ADMIN = 0x4,
  HA_OPS = 0x8,
  HA_STOREFRONT = 0x10,
};
#define HA_STAFF (HA_ADMIN | HA_OPS)
#define HA_ANY_KEY (HA_ADMIN | HA_OPS | HA_STOREFRONT)

enum http_role { ROLE_NONE = 0, ROLE_OPERATOR, ROLE_ADMIN, ROLE_OPS, ROLE_STOREFRONT };

struct http_request;
typedef void (*http_handler)(struct http_request *r, struct repo_tx *tx);

/* Route flags. */
#define RF_NO_TX 0x1    /* handler runs without a transaction (tx is NULL) */
#define RF_RAW_BODY 0x2 /* the body is not JSON: the handler reads r->body itself */

struct http_route {
  const char *method;
  const char *pattern; /* "/v1/items/{sku}": {x} matches one segment */
  unsigned access;
  unsigned flags;
  http_handler handler;
};

struct http_request {
  /* set by server.c */
  char request_id[65];
  int64_t start_us;
  const char *method;          /* borrowed from MHD */
  char *path;                  /* owned copy of the URL path */
  struct MHD_Connection *conn; /* borrowed */
  struct repo_db *db;          /* borrowed */
  char *body;                  /* owned, NUL-terminated */
  size_t body_len;
  bool body_too_large;
  const struct http_route *route;
  const char *params[HTTP_MAX_PARAMS]; /* path parameters, into path */
  unsigned nparams;

  /* set by auth */
  enum http_role role;
  char tenant_id[37];
  char key_id[37];
  char key_hash[65]; /* SHA-256 of the bearer key: the transaction authenticates it */

  json_t *json; /* parsed body (owned), NULL when none */

  /* the reply */
  unsigned status;
  json_t *reply;        /* owned; serialised at the end */
  json_t *replay;       /* owned; what an Idempotency-Key replay returns instead (optional) */
  char *raw;            /* owned raw body (non-JSON replies) */
  size_t raw_len;
  const char *content_type; /* static; default application/json */
  bool replayed;
  char allow[64];       /* methods of the path, for a 405 */
  enum oms_err err;     /* OMS_OK unless http_fail() */
};

/* ---- replies (reply.c) ---- */
/* Sets a JSON reply; takes ownership of body. */
void http_ok(struct http_request *r, unsigned status, json_t *body);
/* Sets a problem+json reply; errors (stolen, may be NULL) is the field list. */
void http_fail(struct http_request *r, enum oms_err e, const char *detail, json_t *errors);
/* Shorthands: 400 validation_failed / 404 not_found naming one field. */
void http_fail_field(struct http_request *r, enum oms_err e, const char *field,
                     const char *message);
/* Fails with 500 or lets the tx runner retry, after a repo error (rc < 0). */
void http_fail_db(struct http_request *r, int rc);
/* Builds a problem+json document (new reference). */
json_t *http_problem_json(enum oms_err e, const char *detail, json_t *errors);

/* ---- request helpers (request.c) ---- */
/* Query argument (borrowed) or NULL. */
const char *http_query(struct http_request *r, const char *name);
/* Appends every value of a repeated query argument (and the comma-separated
 * parts of each) to out, an array of strings. */
void http_query_all(struct http_request *r, const char *name, json_t *out);
/* Reads an optional query argument that must be one of allowed (NULL-ended):
 * *out = the value or NULL; fails 400 with message and returns false otherwise. */
bool http_query_enum(struct http_request *r, const char *name, const char *const *allowed,
                     const char *message, const char **out);
/* Header value (borrowed) or NULL. */
const char *http_header(struct http_request *r, const char *name);
/* Reads ?limit (1..500, default 50); on error fails the request, returns false. */
bool http_limit_arg(struct http_request *r, int *limit);
/* Reads ?limit and ?after; on error fails the request and returns false. */
bool http_page_args(struct http_request *r, int *limit, long long *after);
/* Replies {"data": items (stolen), "next_cursor": ...}: when items has more
 * than limit entries the extra one is dropped and next_cursor is last_seq of
 * the page (repo lists are asked for limit+1 rows). */
void http_reply_page(struct http_request *r, json_t *items, int limit, json_t *cursors);
/* If-Match as a version; -1 when absent. Fails the request (400) and returns
 * false when malformed. */
bool http_if_match(struct http_request *r, long long *version);
/* Path parameter i checked as a code; fails (404 not_found) when invalid. */
const char *http_param_code(struct http_request *r, unsigned i, const char *field);
/* The parsed body as an object, or fails (400) and returns NULL. */
json_t *http_body_object(struct http_request *r);
/* Parses the body with a spec; returns the normalised object or fails (400). */
struct js_field;
json_t *http_body_spec(struct http_request *r, const struct js_field *spec);

/* A document parser of the engine (eng_item_parse and friends). */
typedef int (*http_doc_parser)(json_t *in, json_t **out, json_t *errors);
/* Parses the body with parse; returns the normalised object or fails (400). */
json_t *http_parse_with(struct http_request *r, http_doc_parser parse);
/* Ends a PUT from the repository's answer: 201/200 with out (stolen), 412, or 500. */
void http_reply_put(struct http_request *r, int rc, json_t *out, bool created);
/* Ends a GET of one object: 200 with out (stolen), or 404 naming field. */
void http_reply_get(struct http_request *r, int rc, json_t *out, const char *field);
/* Ends a list from repo rows (limit+1 asked): page envelope or 500. */
void http_reply_list(struct http_request *r, int rc, json_t *items, json_t *cursors, int limit);
/* Checks that the object of kind (enum repo_kind) exists, else fails 404 naming field. */
bool http_require(struct http_request *r, struct repo_tx *tx, int kind, const char *code,
                  const char *field);

/* ---- router (router.c) ---- */
/* Matches method+path; sets r->route and params. Returns 0, or 404/405. */
int http_route_match(struct http_request *r);
/* Every route (for metrics labels). */
const struct http_route *http_routes(size_t *n);

/* ---- auth (auth.c) ---- */
/* Resolves the bearer credential and checks the route's access. Returns
 * true to go on; otherwise the request holds the 401/403 reply. */
bool http_authenticate(struct http_request *r, const char *admin_token);
/* Records the role a key's transaction found (repo_tx_begin_key) and checks
 * it against the route: false (403 set) when the role may not call it. */
bool http_authorize(struct http_request *r, const char *role);

/* ---- the action runner (act.c) ---- */
/* One change to a captured order: run decides it from the locked order
 * (a->inputs and a->routing are set when routes is true: the change may
 * route units again). */
struct http_action {
  const char *order_id;
  bool routes;
  const char *actor; /* NULL: the caller's key */
  enum oms_err (*run)(struct eng_act *a, const struct oms_order *order, void *cls,
                      struct oms_change *change);
  void *cls;
  /* quiet: a refusal is handed back here instead of being the reply (the
   * caller words it, e.g. as an X12 error at a segment) */
  bool quiet;
  enum oms_err refused;
  char detail[256], field[64];
};
/* Locks the order, runs the engine and applies its change. Returns 1 with
 * *after (may be NULL) the order after the change as clients see it
 * (caller decrefs); 0 when the engine refused (the 4xx it maps to is set)
 * or there is no such order (404 naming not_found_field); <0 when the
 * database failed (reply set). */
int http_run_action(struct http_request *r, struct repo_tx *tx, struct http_action *act,
                    const char *not_found_field, json_t **after);
/* Compiles the tenant's stored rule documents; false (500 set, cause
 * logged) when one does not compile: it was validated when stored, so that
 * is our fault, not the client's. */
bool http_compile_routing(struct http_request *r, json_t *doc, struct eng_rules *out);
bool http_compile_order_rules(struct http_request *r, json_t *doc, struct oms_arena *a,
                              const struct eng_order_rules **out);
/* Reads the capture inputs of skus (and pickup stores) in channel and
 * compiles the tenant's routing rules; false with the reply set. */
struct repo_rule_docs;
bool http_read_inputs(struct http_request *r, struct repo_tx *tx, const char *channel,
                      json_t *skus, json_t *pickups, const char *external_id,
                      struct oms_arena *a, struct oms_capture_inputs *in,
                      struct repo_rule_docs *docs, struct eng_rules *routing);
/* The distinct skus and the pickup stores of an order request (arrays of
 * strings, appended to). */
void http_order_skus(const struct oms_order_request *o, json_t *skus, json_t *pickups);
/* Replies with an engine refusal (its status, detail and field). */
void http_fail_refusal(struct http_request *r, enum oms_err e, const struct eng_act *a);

/* ---- idempotent transactional dispatch (dispatch.c) ---- */
void http_dispatch(struct http_request *r);

/* ---- metrics (metrics.c) ---- */
void http_metrics_observe(const struct http_route *route, const char *method,
                          unsigned status, int64_t micros);
/* Prometheus text (caller frees). */
char *http_metrics_render(struct repo_db *db, size_t *len);
void http_metrics_count_order(void);

/* ---- server (server.c) ---- */
struct http_server;
struct http_server *http_server_start(unsigned port, unsigned threads, struct repo_db *db,
                                      const char *admin_token);
/* Stops accepting, waits for in-flight requests (at most grace_ms), stops. */
void http_server_stop(struct http_server *s, unsigned grace_ms);
const char *http_admin_token(void);

/* ---- handlers: one file per resource ---- */
void http_get_health(struct http_request *r, struct repo_tx *tx);
void http_get_ready(struct http_request *r, struct repo_tx *tx);
void http_get_metrics(struct http_request *r, struct repo_tx *tx);
void http_post_tenants(struct http_request *r, struct repo_tx *tx);
void http_get_tenants(struct http_request *r, struct repo_tx *tx);
void http_get_tenants_ID(struct http_request *r, struct repo_tx *tx);
void http_post_api_keys(struct http_request *r, struct repo_tx *tx);
void http_get_api_keys(struct http_request *r, struct repo_tx *tx);
void http_get_api_keys_ID(struct http_request *r, struct repo_tx *tx);
void http_delete_api_keys_ID(struct http_request *r, struct repo_tx *tx);
void http_put_items_SKU(struct http_request *r, struct repo_tx *tx);
void http_get_items_SKU(struct http_request *r, struct repo_tx *tx);
void http_get_items(struct http_request *r, struct repo_tx *tx);
void http_put_locations_CODE(struct http_request *r, struct repo_tx *tx);
void http_get_locations_CODE(struct http_request *r, struct repo_tx *tx);
void http_get_locations(struct http_request *r, struct repo_tx *tx);
void http_put_suppliers_CODE(struct http_request *r, struct repo_tx *tx);
void http_get_suppliers_CODE(struct http_request *r, struct repo_tx *tx);
void http_get_suppliers(struct http_request *r, struct repo_tx *tx);
void http_put_suppliers_CODE_items_SKU(struct http_request *r, struct repo_tx *tx);
void http_get_suppliers_CODE_items_SKU(struct http_request *r, struct repo_tx *tx);
void http_get_suppliers_CODE_items(struct http_request *r, struct repo_tx *tx);
void http_put_channels_CODE(struct http_request *r, struct repo_tx *tx);
void http_get_channels_CODE(struct http_request *r, struct repo_tx *tx);
void http_get_channels(struct http_request *r, struct repo_tx *tx);
void http_put_channels_CODE_ringfence_SKU(struct http_request *r, struct repo_tx *tx);
void http_get_channels_CODE_ringfence_SKU(struct http_request *r, struct repo_tx *tx);
void http_get_channels_CODE_ringfence(struct http_request *r, struct repo_tx *tx);
void http_post_inventory_adjustments(struct http_request *r, struct repo_tx *tx);
void http_get_inventory_SKU(struct http_request *r, struct repo_tx *tx);
void http_get_inventory_SKU_ledger(struct http_request *r, struct repo_tx *tx);
void http_get_channels_CODE_availability(struct http_request *r, struct repo_tx *tx);
void http_get_channels_CODE_availability_feed(struct http_request *r, struct repo_tx *tx);
void http_get_exceptions(struct http_request *r, struct repo_tx *tx);
void http_get_exceptions_ID(struct http_request *r, struct repo_tx *tx);
void http_post_exceptions_ID_resolve(struct http_request *r, struct repo_tx *tx);
void http_post_orders(struct http_request *r, struct repo_tx *tx);
void http_get_orders(struct http_request *r, struct repo_tx *tx);
void http_get_orders_ID(struct http_request *r, struct repo_tx *tx);
void http_get_orders_ID_events(struct http_request *r, struct repo_tx *tx);
void http_get_track_TOKEN(struct http_request *r, struct repo_tx *tx);
void http_post_orders_ID_hold(struct http_request *r, struct repo_tx *tx);
void http_post_orders_ID_release(struct http_request *r, struct repo_tx *tx);
void http_post_orders_ID_cancel(struct http_request *r, struct repo_tx *tx);
void http_post_orders_ID_reroute(struct http_request *r, struct repo_tx *tx);
void http_get_fulfillments(struct http_request *r, struct repo_tx *tx);
void http_get_fulfillments_ID(struct http_request *r, struct repo_tx *tx);
void http_post_fulfillments_ID_accept(struct http_request *r, struct repo_tx *tx);
void http_post_fulfillments_ID_reject(struct http_request *r, struct repo_tx *tx);
void http_post_fulfillments_ID_ship(struct http_request *r, struct repo_tx *tx);
void http_post_fulfillments_ID_ready_for_pickup(struct http_request *r, struct repo_tx *tx);
void http_post_fulfillments_ID_picked_up(struct http_request *r, struct repo_tx *tx);
void http_post_fulfillments_ID_delivered(struct http_request *r, struct repo_tx *tx);
void http_put_settings_edi(struct http_request *r, struct repo_tx *tx);
void http_get_settings_edi(struct http_request *r, struct repo_tx *tx);
void http_get_purchase_orders_ID_edi(struct http_request *r, struct repo_tx *tx);
void http_post_suppliers_CODE_edi(struct http_request *r, struct repo_tx *tx);
void http_post_inbound(struct http_request *r, struct repo_tx *tx);
void http_get_inbound(struct http_request *r, struct repo_tx *tx);
void http_get_inbound_ID(struct http_request *r, struct repo_tx *tx);
void http_post_inbound_ID_receive(struct http_request *r, struct repo_tx *tx);
void http_get_preorders(struct http_request *r, struct repo_tx *tx);
void http_get_purchase_orders(struct http_request *r, struct repo_tx *tx);
void http_get_purchase_orders_ID(struct http_request *r, struct repo_tx *tx);
void http_post_purchase_orders_ID_acknowledge(struct http_request *r, struct repo_tx *tx);
void http_post_purchase_orders_ID_ship(struct http_request *r, struct repo_tx *tx);
/* The engine calls of a fulfillment step and of a purchase-order
 * acknowledgement, for the action runner (cls is the call). */
struct http_step_call {
  const char *fid;
  enum eng_fstep step;
  const struct eng_step_body *body;
};
enum oms_err http_run_step(struct eng_act *a, const struct oms_order *o, void *cls,
                           struct oms_change *change);
struct http_ack_call {
  const char *fid;
  const struct eng_ack_line *lines;
  size_t n;
};
enum oms_err http_run_ack(struct eng_act *a, const struct oms_order *o, void *cls,
                          struct oms_change *change);

/* One fulfillment step (h_fulfillments.c), shared with purchase orders:
 * body (may be NULL) is the validated request. Replies with the
 * fulfillment. */
void http_fulfillment_step(struct http_request *r, struct repo_tx *tx, const char *fid,
                           enum eng_fstep step, const struct eng_step_body *body);
/* The ship body (carrier, tracking_number, lines) as the engine takes it,
 * in arena a; NULL when the body fails its spec (400 set). */
const struct eng_step_body *http_ship_body(struct http_request *r, struct oms_arena *a);
void http_put_routing_rules(struct http_request *r, struct repo_tx *tx);
void http_get_routing_rules(struct http_request *r, struct repo_tx *tx);
void http_post_routing_simulate(struct http_request *r, struct repo_tx *tx);
void http_put_order_rules(struct http_request *r, struct repo_tx *tx);
void http_get_order_rules(struct http_request *r, struct repo_tx *tx);

/* PUT/GET of a tenant rule list ("routing" or "order"): h_routing.c. */
void http_put_rules(struct http_request *r, struct repo_tx *tx, const char *which,
                    http_doc_parser parse);
void http_get_rules(struct http_request *r, struct repo_tx *tx, const char *which);

/* Captures an order (POST /v1/orders, Shopify, exchanges): see h_orders.c. */
json_t *http_capture_order(struct http_request *r, struct repo_tx *tx, json_t *doc,
                           const char *actor, bool never_refuse, const char *exchange_for,
                           char *duplicate_id);

#endif
