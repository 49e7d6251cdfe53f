/* repo.h: the repository, the only code that speaks SQL.
 * db.c owns connections, prepared statements and the transaction runner;
 * repo_<aggregate>.c hold the queries of one aggregate each. Every call that
 * reads or writes tenant data takes the transaction, which carries the
 * tenant (and PostgreSQL row-level security keys on it too).
 *
 * What the engine reads and decides crosses this interface as the typed
 * values of oms/model.h (converted by rows_*.c, once); documents clients see
 * (orders, fulfillments) come back as JSON built by rows_write.c.
 *
 * Ownership, for every function here unless it says otherwise: pointer
 * arguments are borrowed for the call; a json_t ** out-parameter receives a
 * new reference the caller releases with json_decref (NULL when no row); a
 * char ** receives a string the caller frees; model values are carved from
 * the struct oms_arena given and live until it is freed. */
#ifndef OMS_REPO_H
#define OMS_REPO_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "oms/model.h"

struct repo_db;  /* the pool */
struct repo_tx;  /* one connection inside BEGIN .. COMMIT */

/* Query status: <0 failures, >=0 number of rows. */
enum repo_qs {
  REPO_HARD = -2, /* broken: constraint we did not expect, syntax, lost connection */
  REPO_SOFT = -1, /* serialization failure or deadlock: the tx runner re-runs */
  REPO_NONE = 0,
};

/* ---- pool and transactions (db.c) ---- */

/* Opens a pool of n connections to url. Returns NULL (logged) on failure. */
struct repo_db *repo_db_open(const char *url, unsigned n);
void repo_db_close(struct repo_db *db);
/* True when a connection answers SELECT 1. */
bool repo_db_ping(struct repo_db *db);
void repo_db_stats(struct repo_db *db, unsigned *size, unsigned *in_use);

/* Applies every migrations/NNNN_*.sql not yet in schema_migrations, in
 * order, each in its own transaction. Returns 0, or -1 (logged). */
int repo_migrate(const char *url, const char *dir);

/* Begins a transaction scoped to tenant_id (NULL or "": operator scope,
 * for tenant creation and key lookup). Waits for a pooled connection.
 * Returns NULL when none could be had or BEGIN failed. */
struct repo_tx *repo_tx_begin(struct repo_db *db, const char *tenant_id, bool operator_scope);
/* Begins a transaction authenticated by an API key's SHA-256 hex: in one
 * round trip, BEGIN and the key lookup, which also scopes the transaction
 * to the key's tenant. Returns the transaction with tenant_id, key_id (37
 * bytes each) and role (16 bytes) filled; NULL with *rc = 0 when the key is
 * unknown or revoked, or *rc < 0 when the database failed. */
struct repo_tx *repo_tx_begin_key(struct repo_db *db, const char *key_hash, char *tenant_id,
                                  char *key_id, char *role, int *rc);
/* Commits (commit=true) or rolls back, and returns the connection to the
 * pool. Returns the status of COMMIT: 0, REPO_SOFT or REPO_HARD. */
int repo_tx_end(struct repo_tx *tx, bool commit);
/* The worst failure seen in this transaction (0, REPO_SOFT or REPO_HARD). */
int repo_tx_failed(const struct repo_tx *tx);
/* SQLSTATE of the last failed statement ("" if none). */
const char *repo_tx_sqlstate(const struct repo_tx *tx);
const char *repo_tx_tenant(const struct repo_tx *tx);

/* Renders an array of codes as a PostgreSQL text[] literal (caller frees).
 * Only for codes ([A-Za-z0-9._-]), which need no quoting. */
char *repo_text_array(json_t *arr);

/* A statement: name is unique, sql uses $1..$n. Declared static at the
 * call site; prepared per connection on first use. */
struct repo_stmt {
  const char *name;
  const char *sql;
  int id; /* assigned on first use */
};
#define REPO_STMT(var, sqltext) static struct repo_stmt var = {#var, sqltext, -1}

/* Runs stmt with text parameters (NULL = SQL NULL). Each row's first column
 * must be JSON text. one: *out = the first row's object, or NULL.
 * Returns rows (>=0) or REPO_SOFT/REPO_HARD. */
int repo_json_one(struct repo_tx *tx, struct repo_stmt *stmt, int n,
                  const char *const *params, json_t **out);
/* As repo_json_one, but all rows into *out (a new array). When the second
 * column is present it is the row's cursor (seq); *cursors (new array, may be NULL) gets each row's seq. */
int repo_json_all(struct repo_tx *tx, struct repo_stmt *stmt, int n,
                  const char *const *params, json_t **out, json_t **cursors);
/* Runs stmt and returns rows affected/returned (or REPO_SOFT/REPO_HARD);
 * when out_val is given, copies the first row's first column (caller frees,
 * NULL if none or SQL NULL). */
int repo_exec(struct repo_tx *tx, struct repo_stmt *stmt, int n,
              const char *const *params, char **out_val);

/* ---- tenants and keys (repo_tenants.c) ---- */

int repo_tenant_create(struct repo_tx *tx, const char *name, const char *key_hash,
                       const char *key_prefix, json_t **out);
int repo_tenant_get(struct repo_tx *tx, const char *id, json_t **out);
int repo_tenant_list(struct repo_tx *tx, long long after, int limit, json_t **out,
                     json_t **cursors);
/* Ensures a tenant named name exists and adds an admin key for it
 * (for `omsd --demo`). */
int repo_tenant_demo(struct repo_db *db, const char *name, const char *key_hash,
                     const char *key_prefix, char tenant_id[37]);

int repo_key_create(struct repo_tx *tx, const char *role, const char *name,
                    const char *key_hash, const char *key_prefix, json_t **out);
int repo_key_get(struct repo_tx *tx, const char *id, json_t **out);
int repo_key_list(struct repo_tx *tx, long long after, int limit, json_t **out,
                  json_t **cursors);
/* Revokes; returns 1 when revoked, 0 when no such active key. */
int repo_key_revoke(struct repo_tx *tx, const char *id);

/* ---- idempotency (repo_idempotency.c) ---- */

/* Claims key for this transaction. Returns 1 when claimed (go on with the
 * work), 0 when a committed record exists: *status, *body (caller frees) and
 * *hash_matches describe it; <0 on failure. */
int repo_idem_claim(struct repo_tx *tx, const char *key, const char *request_hash,
                    int *status, char **body, bool *hash_matches);
/* Stores the reply of a claimed key. */
int repo_idem_store(struct repo_tx *tx, const char *key, int status, const char *body);

/* ---- catalog (repo_catalog.c) ---- */
enum repo_kind { REPO_ITEM, REPO_LOCATION, REPO_SUPPLIER, REPO_CHANNEL };
/* Returns 1 when the object of that kind and code exists in the tenant. */
int repo_exists(struct repo_tx *tx, enum repo_kind kind, const char *code);

/*
 * Writes take the normalised document (json from the engine's spec), an
 * If-Match version (<0: none), and return the stored object.
 * Returns 1 and sets *created, or 0 when If-Match failed, or <0. */
int repo_item_put(struct repo_tx *tx, const char *sku, json_t *doc, long long if_match,
                  json_t **out, bool *created);
int repo_item_get(struct repo_tx *tx, const char *sku, json_t **out);
int repo_item_list(struct repo_tx *tx, long long after, int limit, json_t **out,
                   json_t **cursors);

int repo_location_put(struct repo_tx *tx, const char *code, json_t *doc, long long if_match,
                      json_t **out, bool *created);
int repo_location_get(struct repo_tx *tx, const char *code, json_t **out);
int repo_location_list(struct repo_tx *tx, long long after, int limit, json_t **out,
                       json_t **cursors);

int repo_supplier_put(struct repo_tx *tx, const char *code, json_t *doc, long long if_match,
                      json_t **out, bool *created);
int repo_supplier_get(struct repo_tx *tx, const char *code, json_t **out);
int repo_supplier_list(struct repo_tx *tx, long long after, int limit, json_t **out,
                       json_t **cursors);
int repo_supplier_item_put(struct repo_tx *tx, const char *supplier, const char *sku,
                           json_t *doc, long long if_match, json_t **out, bool *created);
int repo_supplier_item_get(struct repo_tx *tx, const char *supplier, const char *sku,
                           json_t **out);
int repo_supplier_item_list(struct repo_tx *tx, const char *supplier, long long after,
                            int limit, json_t **out, json_t **cursors);

int repo_channel_put(struct repo_tx *tx, const char *code, json_t *doc, long long if_match,
                     json_t **out, bool *created);
int repo_channel_get(struct repo_tx *tx, const char *code, json_t **out);
int repo_channel_list(struct repo_tx *tx, long long after, int limit, json_t **out,
                      json_t **cursors);
int repo_ringfence_put(struct repo_tx *tx, const char *channel, const char *sku,
                       json_t *doc, long long if_match, json_t **out, bool *created);
/* sku NULL: every fence of the channel. */
int repo_ringfence_list(struct repo_tx *tx, const char *channel, const char *sku,
                        long long after, int limit, json_t **out, json_t **cursors);

/* ---- inventory (repo_inventory.c) ---- */

/* Finds an item's case_pack: 1 (*case_pack < 0 when none), 0 when no item. */
int repo_item_case_pack(struct repo_tx *tx, const char *sku, long long *case_pack);
/* Applies an adjustment (is_set: on_hand = qty, else on_hand += qty) and
 * writes its ledger row, in one statement under the position's row lock.
 * Returns 1 with *position {location, sku, on_hand, reserved, available,
 * delta}, 0 when on_hand would fall below zero, <0 on failure. */
int repo_inventory_adjust(struct repo_tx *tx, const char *location, const char *sku, bool is_set,
                          long long qty, const char *reason, const char *reference,
                          json_t **position);
/* {sku, on_hand, reserved, available, locations: [...]} of one sku. */
int repo_inventory_get(struct repo_tx *tx, const char *sku, json_t **out);
/* Ledger rows of a sku (location NULL: all), in order. */
int repo_ledger_list(struct repo_tx *tx, const char *sku, const char *location, long long after,
                     int limit, json_t **out, json_t **cursors);

/* ---- availability (repo_inventory.c) ---- */
/* The ATS inputs of every existing sku of skus (array of strings) in
 * channel, in sku order, into arena a (*n entries; see oms_ats_inputs in
 * migrations/). Returns rows (>= 0) or <0. */
int repo_ats_inputs(struct repo_tx *tx, const char *channel, json_t *skus, struct oms_arena *a,
                    struct oms_ats_inputs **out, size_t *n);
/* The channel and the ATS inputs of skus in it, in one round trip. Returns
 * 1, 0 (no such channel) or <0. */
int repo_availability_inputs(struct repo_tx *tx, const char *channel, json_t *skus,
                             struct oms_arena *a, struct oms_channel_view *channel_out,
                             struct oms_ats_inputs **out, size_t *n);
/* Skus whose ATS may have changed since `since` (RFC 3339; NULL: all), after
 * the sku `after` (NULL: from the start), at most limit; *skus an array. */
int repo_ats_changed(struct repo_tx *tx, const char *channel, const char *since,
                     const char *after, int limit, json_t **skus);
/* The database's clock now, RFC 3339 (caller frees). */
char *repo_now(struct repo_tx *tx);

/* ---- exceptions (repo_exceptions.c) ---- */
/* Opens an exception; order_id, location, sku and data may be NULL. */
int repo_exception_open(struct repo_tx *tx, const char *kind, const char *order_id,
                        const char *location, const char *sku, const char *detail,
                        json_t *data, json_t **out);
int repo_exception_list(struct repo_tx *tx, const char *kind, const char *status,
                        long long after, int limit, json_t **out, json_t **cursors);
int repo_exception_get(struct repo_tx *tx, const char *id, json_t **out);
/* Resolves an open exception: 1 done, 0 no such open exception. */
int repo_exception_resolve(struct repo_tx *tx, const char *id, const char *note, json_t **out);

/* ---- orders (repo_orders.c) ---- */

/* The tenant's stored rule documents (each a new reference or NULL). */
struct repo_rule_docs {
  json_t *routing, *order;
};
/* Everything capture (and a re-route) decides from, for the skus and named
 * pickup stores of an order in channel, in one round trip
 * (oms_capture_inputs), into arena a; *rules gets the tenant's rule
 * documents (caller decrefs). Returns 1 or <0. */
int repo_capture_inputs(struct repo_tx *tx, const char *channel, json_t *skus, json_t *pickups,
                        const char *external_id, struct oms_arena *a,
                        struct oms_capture_inputs *out, struct repo_rule_docs *rules);
/* Writes a capture (oms_capture). Returns 1 with *out what the database
 * decided (out->duplicate_id set when (channel, external_id) exists), or
 * REPO_SOFT when the stock moved (the dispatcher re-runs the request). */
int repo_order_capture(struct repo_tx *tx, const struct oms_capture *c,
                       const struct oms_order_request *req, const char *created_by,
                       struct oms_arena *a, struct oms_capture_result *out);
/* An order as clients see it; created_by non-NULL restricts to orders that
 * key created. */
int repo_order_get(struct repo_tx *tx, const char *id, const char *created_by, json_t **out);
int repo_order_list(struct repo_tx *tx, const char *status, const char *channel,
                    const char *created_after, const char *created_by, long long after,
                    int limit, json_t **out, json_t **cursors);
int repo_order_events(struct repo_tx *tx, const char *order_id, long long after, int limit,
                      json_t **out, json_t **cursors);
/* Reads an order into arena a and locks its row for a change (FOR UPDATE).
 * Returns 1, 0 (no such order) or <0. */
int repo_order_lock(struct repo_tx *tx, const char *id, struct oms_arena *a,
                    struct oms_order *out);
/* Applies a change computed by the engine to the locked order
 * (oms_order_apply); *out the order after it, as clients see it. */
int repo_order_apply(struct repo_tx *tx, const struct oms_change *change,
                     const struct oms_order *order, json_t **out);
/* ---- fulfillments and purchase orders (repo_fulfillments.c) ---- */
int repo_fulfillment_get(struct repo_tx *tx, const char *id, json_t **out);
/* The order a fulfillment belongs to (37 bytes). 1 found, 0 none. */
int repo_fulfillment_order(struct repo_tx *tx, const char *id, char order_id[37]);
int repo_fulfillment_list(struct repo_tx *tx, const char *location, const char *supplier,
                          const char *status, long long after, int limit, json_t **out,
                          json_t **cursors);
int repo_po_get(struct repo_tx *tx, const char *id, json_t **out);
int repo_po_list(struct repo_tx *tx, const char *supplier, const char *status, long long after,
                 int limit, json_t **out, json_t **cursors);
/* Open fulfillment lines holding units of sku at a location, newest first,
 * into arena a (*n entries). */
int repo_open_allocations(struct repo_tx *tx, const char *location, const char *sku,
                          struct oms_arena *a, struct oms_open_allocation **out, size_t *n);

/* ---- inbound supply and receipts (repo_inbound.c) ---- */
/* Creates an inbound from a validated body {location, expected_date,
 * reference, lines:[{sku, quantity}]}; *out as GET shows it. */
int repo_inbound_create(struct repo_tx *tx, json_t *doc, json_t **out);
int repo_inbound_get(struct repo_tx *tx, const char *id, json_t **out);
int repo_inbound_list(struct repo_tx *tx, const char *status, const char *location,
                      const char *sku, long long after, int limit, json_t **out, json_t **cursors);
/* Locks the inbound, the skus' pre-order counters and every order waiting
 * for them, then reads what a receipt decides from. 1, 0 (no such
 * inbound) or <0. */
int repo_receipt_inputs(struct repo_tx *tx, const char *inbound_id, json_t *skus,
                        struct oms_arena *a, struct oms_receipt_inputs *out);
/* Writes a receipt; *out the inbound after it. */
int repo_receive(struct repo_tx *tx, const struct oms_receipt *r, json_t **out);
/* The pre-order position of the existing skus of skus, in sku order. */
int repo_preorder_report(struct repo_tx *tx, json_t *skus, struct oms_arena *a,
                         struct oms_preorder_report **out, size_t *n);

/* ---- drop-ship EDI (repo_edi.c) ---- */
int repo_edi_settings_get(struct repo_tx *tx, json_t **out);
/* Replaces the tenant's identity (validated {isa_qualifier, isa_id, gs_id});
 * if_match < 0: none. 1 done (*created), 0 stale If-Match. */
int repo_edi_settings_put(struct repo_tx *tx, json_t *doc, long long if_match, json_t **out,
                          bool *created);
/* What an 850 is written from (oms_po_edi); 0 when no such purchase order. */
int repo_po_edi(struct repo_tx *tx, const char *po_id, json_t **out);
/* The supplier's and the tenant's identities and the purchase orders named
 * (po_numbers: an array of strings), into arena a; *seen the reply of an
 * interchange with this control number received before, or NULL. */
int repo_edi_inputs(struct repo_tx *tx, const char *supplier, unsigned long control,
                    json_t *po_numbers, struct oms_arena *a, struct oms_edi_partner *out,
                    json_t **seen);
/* Records an interchange received and what it was answered. */
int repo_edi_record(struct repo_tx *tx, const char *supplier, unsigned long control, json_t *reply);
/* Sets supplier items' available from [{sku, available}] in one statement;
 * *missing the skus the supplier has no item for (then nothing changed). */
int repo_supplier_availability(struct repo_tx *tx, const char *supplier, json_t *items,
                               json_t **missing);
/* The next outbound interchange control number for supplier. */
int repo_next_control(struct repo_tx *tx, const char *supplier, unsigned long *control);

/* Resolves a tracking token to its tenant and order (operator scope). */
int repo_track_lookup(struct repo_db *db, const char *token, char tenant_id[37],
                      char order_id[37]);

/* ---- tenant rules (repo_orders.c) ---- */
/* which: "routing" or "order". *out = {"rules":[...],"version":n,"updated_at"}. */
int repo_rules_get(struct repo_tx *tx, const char *which, json_t **out);
/* Replaces the rules; if_match < 0: none. 1 done, 0 stale If-Match. */
int repo_rules_put(struct repo_tx *tx, const char *which, json_t *rules, long long if_match,
                   json_t **out);

#endif
