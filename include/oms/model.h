/* model.h: the typed domain model. What the engine reads (orders, lines,
 * fulfillments, the channel's view, stock positions, suppliers, pre-order
 * counters) and what it decides (captures, changes, events, exceptions) are
 * these structs; JSON exists only at the HTTP edge and in the repository's
 * row readers and writers (include/oms/rows.h), which convert once.
 *
 * Ownership: every pointer in a model value points into one struct
 * oms_arena (see common.h) that its reader or the engine call was given;
 * oms_arena_free() releases the value with everything it points to. Strings
 * are NUL-terminated and never NULL unless the field says "or NULL". */
#ifndef OMS_MODEL_H
#define OMS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include "oms/common.h"

#define OMS_ID_LEN 37 /* a UUID string and its NUL */

/* ---- enumerations, each with its wire names (model.c) ---- */

enum oms_source_type { OMS_SRC_LOCATION, OMS_SRC_SUPPLIER };
enum oms_fulfillment_kind { OMS_SHIP, OMS_PICKUP };
enum oms_ship_method { OMS_STANDARD, OMS_EXPRESS };
enum oms_payment_status { OMS_PAY_AUTHORIZED, OMS_PAY_PAID, OMS_PAY_DEPOSIT };

/* Order and line statuses (one set of names serves both). */
enum oms_status {
  OMS_ST_ON_HOLD,
  OMS_ST_RELEASED,
  OMS_ST_PARTIALLY_SHIPPED,
  OMS_ST_SHIPPED,
  OMS_ST_DELIVERED,
  OMS_ST_COMPLETED,
  OMS_ST_PREORDERED,
  OMS_ST_BACKORDERED,
  OMS_ST_CANCELLED,
  OMS_ST_EXCEPTION,
  OMS_ST_PARTIALLY_RETURNED,
  OMS_ST_RETURNED,
  OMS_ST__COUNT
};

enum oms_fstatus {
  OMS_F_PENDING,   /* the order is held, or ships complete and waits */
  OMS_F_RELEASED,  /* sent to the location or supplier */
  OMS_F_ACCEPTED,
  OMS_F_REJECTED,
  OMS_F_SHIPPED,
  OMS_F_READY_FOR_PICKUP,
  OMS_F_PICKED_UP,
  OMS_F_DELIVERED,
  OMS_F_CANCELLED,
  OMS_F__COUNT
};

enum oms_po_status {
  OMS_PO_SENT,
  OMS_PO_ACKNOWLEDGED,
  OMS_PO_REJECTED,
  OMS_PO_PARTIALLY_SHIPPED,
  OMS_PO_SHIPPED,
  OMS_PO_CANCELLED,
  OMS_PO__COUNT
};

/* A supplier's answer for one purchase-order line. */
enum oms_po_line_status { OMS_POL_NONE, OMS_POL_ACCEPTED, OMS_POL_REJECTED, OMS_POL_BACKORDERED };

enum oms_hold_kind { OMS_HOLD_MANUAL, OMS_HOLD_ORDER, OMS_HOLD_PRICE_MISMATCH };

enum oms_exception_kind {
  OMS_EXC_ORDER_HOLD,
  OMS_EXC_PRICE_MISMATCH,
  OMS_EXC_INVENTORY_DISCREPANCY,
  OMS_EXC_FULFILLMENT_REJECTED,
  OMS_EXC_UNROUTABLE,
  OMS_EXC__COUNT
};

enum oms_event_type {
  OMS_EV_ORDER_CREATED,
  OMS_EV_ORDER_STATUS_CHANGED,
  OMS_EV_FULFILLMENT_CREATED,
  OMS_EV_FULFILLMENT_STATUS_CHANGED,
  OMS_EV_PURCHASE_ORDER_CREATED,
  OMS_EV_PURCHASE_ORDER_STATUS_CHANGED,
  OMS_EV_EXCEPTION_OPENED,
  OMS_EV__COUNT
};

/* Why stock leaves on-hand (ledger reasons of the engine's movements). */
enum oms_stock_reason { OMS_MOVE_SHIPMENT, OMS_MOVE_PICKUP, OMS_MOVE_SHORT_PICK, OMS_MOVE_DAMAGE };

const char *oms_source_type_name(enum oms_source_type t);
const char *oms_fulfillment_kind_name(enum oms_fulfillment_kind k);
const char *oms_ship_method_name(enum oms_ship_method m);
const char *oms_payment_status_name(enum oms_payment_status s);
const char *oms_status_name(enum oms_status s);
const char *oms_fstatus_name(enum oms_fstatus s);
const char *oms_po_status_name(enum oms_po_status s);
const char *oms_po_line_status_name(enum oms_po_line_status s); /* NONE: NULL */
const char *oms_hold_kind_name(enum oms_hold_kind k);
const char *oms_exception_kind_name(enum oms_exception_kind k);
const char *oms_event_type_name(enum oms_event_type t);
const char *oms_stock_reason_name(enum oms_stock_reason r);
/* Name -> value; each returns -1 for a name it does not know. */
int oms_source_type_of(const char *name);
int oms_fulfillment_kind_of(const char *name);
int oms_ship_method_of(const char *name);
int oms_payment_status_of(const char *name);
int oms_status_of(const char *name);
int oms_fstatus_of(const char *name);
int oms_po_line_status_of(const char *name);
int oms_hold_kind_of(const char *name);

/* ---- parties and places ---- */

/* A shipping address as the order stores it. Every text field may be NULL. */
struct oms_address {
  const char *name, *line1, *line2, *city, *region, *postal_code, *country, *phone;
  bool has_coords;
  double lat, lon;
};

struct oms_customer {
  const char *email, *name; /* or NULL */
};

struct oms_payment {
  enum oms_payment_status status;
  bool has_amount;
  long long amount; /* minor units */
};

/* ---- an order as a client asks for it (POST /v1/orders, normalised) ---- */

struct oms_request_line {
  const char *sku;
  long long quantity;  /* EACH, > 0 */
  bool has_unit_price; /* false: the catalog price applies */
  long long unit_price;
  enum oms_fulfillment_kind fulfillment;
  const char *pickup_location; /* pickup: the store; else NULL */
};

struct oms_order_request {
  const char *channel;
  const char *external_id; /* or NULL */
  const char *currency;    /* or NULL: the channel's */
  bool has_customer, has_address, has_payment;
  struct oms_customer customer;
  struct oms_address address;
  struct oms_payment payment;
  enum oms_ship_method ship_method;
  bool has_ship_method; /* false only for a document that was not normalised */
  bool ship_complete;
  struct oms_request_line *lines;
  size_t n_lines;
};

/* ---- a captured order (GET /v1/orders/{id}) ---- */

struct oms_order_line {
  int line; /* from 1 */
  const char *sku;
  long long quantity, unit_price;
  enum oms_fulfillment_kind fulfillment;
  const char *pickup_location; /* or NULL */
  enum oms_status status;
  /* where the units are: each unit is in exactly one of allocated (at a
   * source, not shipped), shipped, cancelled, backordered, preordered and
   * exception; delivered and returned count units of shipped */
  long long allocated, shipped, delivered, returned, cancelled, backordered, preordered, exception;
  const char *promise_date; /* YYYY-MM-DD or NULL */
};

struct oms_fulfillment_line {
  int line; /* the order line */
  const char *sku;
  long long quantity, shipped, rejected, cancelled;
  long long fenced; /* of quantity, units taken from the channel's ring-fence */
};

struct oms_fulfillment {
  const char *id;
  const char *order_id;
  enum oms_source_type source_type;
  const char *source; /* location or supplier code */
  enum oms_fulfillment_kind fulfillment;
  enum oms_fstatus status;
  const char *carrier, *tracking_number, *reason; /* or NULL */
  const char *purchase_order_id;                  /* suppliers' fulfillments, else NULL */
  struct oms_fulfillment_line *lines;
  size_t n_lines;
  int version;
  const char *created_at, *updated_at, *shipped_at; /* RFC 3339; shipped_at or NULL */
};

struct oms_hold {
  enum oms_hold_kind kind;
  const char *rule;   /* the order rule that placed it, or NULL */
  const char *reason; /* or NULL */
  const char *created_by, *created_at;
};

struct oms_order {
  const char *id, *number;
  const char *channel, *external_id, *currency; /* external_id or NULL */
  bool has_customer, has_address, has_payment;
  struct oms_customer customer;
  struct oms_address address;
  struct oms_payment payment;
  enum oms_ship_method ship_method;
  bool ship_complete;
  enum oms_status status;
  long long total;
  const char *exchange_for;   /* or NULL */
  const char *routing_json;   /* the stored routing decision, JSON text, or NULL */
  const char *tracking_token;
  int version;
  const char *created_at, *updated_at;
  struct oms_order_line *lines;
  size_t n_lines;
  struct oms_fulfillment *fulfillments;
  size_t n_fulfillments;
  struct oms_hold *holds; /* active holds only */
  size_t n_holds;
};

/* ---- what routing and capture read: the channel's view of stock ---- */

struct oms_channel_view {
  const char *code;
  bool all_locations;      /* locations "*" */
  const char **locations;  /* else the codes it sells from */
  size_t n_locations;
  long long safety_stock;  /* units kept back at every location */
  int percent;             /* 0..100 of the pool published */
  long long max_per_sku;   /* < 0: no cap */
  bool dropship, preorders;
  const char *currency;
};

struct oms_preorder_terms {
  bool enabled;
  long long limit;         /* units outstanding at most, all channels */
  long long channel_limit; /* this channel's own limit; < 0: none */
  const char *release_date; /* YYYY-MM-DD or NULL */
  long long expected;      /* units still to arrive on inbound shipments */
};

struct oms_item_view {
  const char *sku;
  long long price;
  bool dropship;
  struct oms_preorder_terms preorder;
};

/* One sku at one location, as this channel sees it. */
struct oms_stock_position {
  const char *sku;
  long long on_hand, reserved;
  long long fenced_this;  /* ring-fenced for this channel */
  long long fenced_other; /* ring-fenced for other channels */
};

struct oms_location_view {
  const char *code;
  bool is_store; /* type "store", else "warehouse" */
  bool active, ship, pickup, has_coords;
  double lat, lon;
  int priority;
  long long cost_per_shipment;
  int ship_days;
  struct oms_stock_position *stock; /* the order's skus held here */
  size_t n_stock;
};

struct oms_supplier_item_view {
  const char *sku;
  long long cost, available;
  int ship_days;
};

struct oms_supplier_view {
  const char *code;
  bool active;
  int lead_time_days;
  struct oms_supplier_item_view *items; /* the order's skus it drop-ships */
  size_t n_items;
};

/* Units pre-ordered and not yet allocated, per sku and channel. */
struct oms_preorder_state {
  const char *sku;
  long long outstanding;         /* all channels */
  long long outstanding_channel; /* this channel */
};

/* Everything capture and re-routing decide from, read in one round trip. */
struct oms_capture_inputs {
  bool channel_found;
  struct oms_channel_view channel;
  struct oms_item_view *items; /* the order's skus that exist */
  size_t n_items;
  struct oms_location_view *locations; /* every location of the tenant, by code */
  size_t n_locations;
  struct oms_supplier_view *suppliers; /* every supplier of the tenant, by code */
  size_t n_suppliers;
  struct oms_preorder_state *preorders; /* skus with a counter */
  size_t n_preorders;
  const char *duplicate_id; /* an order with this channel and external_id, or NULL */
};

/* The ATS inputs of one sku in one channel (GET availability). */
struct oms_ats_inputs {
  const char *sku;
  bool dropship;
  long long supplier_available; /* over active suppliers */
  struct oms_preorder_terms preorder;
  long long outstanding, outstanding_channel;
  struct oms_ats_location {
    const char *location;
    bool active, ship;
    long long on_hand, reserved, fenced_this, fenced_other;
  } *positions;
  size_t n_positions;
};

/* An open allocation at a location: a fulfillment line holding units of a
 * sku there (the newest first, for re-routing a discrepancy). */
struct oms_open_allocation {
  const char *fulfillment_id, *order_id;
  long long open;
};

/* ---- inbound supply ---- */

enum oms_inbound_status { OMS_IN_EXPECTED, OMS_IN_PARTIALLY_RECEIVED, OMS_IN_RECEIVED };

struct oms_inbound_line {
  int line;
  const char *sku;
  long long quantity, received;
};

struct oms_inbound {
  const char *id, *location;
  enum oms_inbound_status status;
  struct oms_inbound_line *lines;
  size_t n_lines;
};

/* The pre-order position of a sku (GET /v1/preorders). */
struct oms_expected_receipt {
  const char *inbound_id, *date; /* date YYYY-MM-DD or NULL */
  long long quantity;            /* still to arrive */
};
struct oms_preorder_report {
  const char *sku;
  struct oms_preorder_terms terms;
  long long outstanding;   /* pre-ordered units not yet allocated */
  long long orders_waiting;
  struct oms_expected_receipt *expected;
  size_t n_expected;
};

/* What a receipt decides from: the inbound, its location, and every order
 * with pre-ordered units of the received skus (locked, in capture order)
 * with the channels they came through. */
struct oms_receipt_inputs {
  struct oms_inbound inbound;
  struct oms_location_view location;
  struct oms_channel_view *channels;
  size_t n_channels;
  struct oms_order *orders;
  size_t n_orders;
};

/* ---- drop-ship EDI ---- */

/* An X12 interchange identity (a tenant's or a supplier's). */
struct oms_edi_identity {
  const char *qualifier, *isa_id, *gs_id;
};

struct oms_po_line {
  int line, order_line;
  const char *sku;
  long long quantity, cost, shipped; /* cost per unit, minor units */
};

/* A purchase order as an 850 is written from it. */
struct oms_purchase_order {
  const char *id, *number, *supplier, *order_id, *fulfillment_id;
  const char *order_number;  /* the order's number (REF*CO) */
  const char *customer_name; /* or NULL */
  bool has_ship_to;
  struct oms_address ship_to;
  unsigned long control_number; /* assigned when the PO was created */
  const char *created_at;       /* RFC 3339: the interchange's date */
  struct oms_po_line *lines;
  size_t n_lines;
};

/* A purchase order an inbound document may name, by number. */
struct oms_po_ref {
  const char *number, *id, *order_id, *fulfillment_id;
  struct oms_po_line *lines; /* line, order_line, sku, quantity */
  size_t n_lines;
};

/* What an interchange from a supplier is checked against. */
struct oms_edi_partner {
  const char *supplier;
  bool has_supplier_edi, has_tenant_edi;
  struct oms_edi_identity supplier_edi, tenant_edi;
  struct oms_po_ref *pos;
  size_t n_pos;
};

/* ---- what the engine decides ---- */

/* Optional facts of an exception (its free-form `data`): the writer emits
 * the ones set. */
struct oms_exception_data {
  int line;                   /* 0: none */
  const char *rule;           /* the order rule that held it */
  bool rule_set;              /* rule given (even if NULL) */
  const char *by;             /* who held it */
  const char *fulfillment_id; /* the rejected fulfillment */
  const char *reason;
  bool reason_set;
  long long quantity; /* with fulfillment_id */
  long long on_hand, reserved, shortfall; /* inventory discrepancies */
  bool counts_set;
};

struct oms_new_exception {
  char id[OMS_ID_LEN];
  enum oms_exception_kind kind;
  const char *location, *sku; /* or NULL */
  bool placed;                /* on a change: location and sku are written even when NULL */
  const char *detail;
  struct oms_exception_data data;
};

/* An event of the timeline. Which fields are set depends on the type:
 * order events: order_id, status, previous_status (or NULL), reason (or NULL);
 * fulfillment events: fulfillment_id, order_id, source, status;
 * purchase-order events: purchase_order_id, order_id, status;
 * exception.opened: exception_id, kind, order_id. */
struct oms_event {
  enum oms_event_type type;
  const char *order_id, *status, *previous_status, *reason;
  const char *fulfillment_id, *source, *purchase_order_id, *exception_id, *kind;
};

/* A fulfillment a plan creates, with its purchase order when a supplier
 * ships it. */
struct oms_new_fulfillment {
  char id[OMS_ID_LEN];
  enum oms_source_type source_type;
  const char *source;
  enum oms_fulfillment_kind fulfillment;
  enum oms_fstatus status;
  struct oms_fulfillment_line *lines; /* line, sku, quantity */
  size_t n_lines;
  char po_id[OMS_ID_LEN]; /* suppliers: the purchase order; else "" */
  long long po_total_cost;
  struct oms_po_line *po_lines;
  size_t n_po_lines;
};

struct oms_new_hold {
  enum oms_hold_kind kind;
  const char *rule;   /* or NULL */
  const char *reason; /* or NULL */
};

/* Growable lists of what a decision creates (capture and changes share them). */
typedef OMS_VEC(struct oms_new_fulfillment) oms_new_fulfillments;
typedef OMS_VEC(struct oms_new_exception) oms_new_exceptions;
typedef OMS_VEC(struct oms_new_hold) oms_new_holds;
typedef OMS_VEC(struct oms_event) oms_events;

/* Units of a pre-order limit a capture takes, per sku. */
struct oms_preorder_take {
  const char *sku;
  long long quantity;
  long long limit, channel_limit; /* the limits the guard checks; channel_limit < 0: none */
};

/* A line of a capture: the stored line, and the promise in days when it
 * ships from stock (the database adds them to today), else -1. */
struct oms_capture_line {
  struct oms_order_line l;
  int promise_days;
};

/* The decision of a capture (eng_capture): everything the write inserts. */
struct oms_capture {
  const char *order_id, *tracking_token, *actor, *exchange_for; /* exchange_for or NULL */
  const char *currency; /* the order's, or the channel's when it gave none */
  enum oms_status status;
  long long total;
  long long safety_stock;   /* the channel's, for the guarded reservations */
  const char *routing_json; /* the decision and its explanation, or NULL */
  OMS_VEC(struct oms_capture_line) lines;
  oms_new_holds holds;
  oms_new_fulfillments fulfillments;
  OMS_VEC(struct oms_preorder_take) preorder_takes;
  oms_new_exceptions exceptions;
  oms_events events;
};

/* What the database decided when it wrote a capture (oms_capture). */
struct oms_capture_result {
  const char *duplicate_id;   /* (channel, external_id) existed: that order, and nothing written */
  const char *number, *created_at;
  const char **promise_dates; /* per capture line: YYYY-MM-DD or NULL */
  struct oms_fenced_units {
    const char *fulfillment_id;
    int line;
    long long fenced; /* units the reservation took from the channel's fence */
  } *fenced;
  size_t n_fenced;
};

/* ---- a change to a captured order (engine actions) ----
 * Quantities of lines and fulfillment lines are absolute; stock movements
 * are deltas. Applied in one call by the repository. */

struct oms_fulfillment_line_update {
  const char *fulfillment_id;
  int line;
  long long shipped, rejected, cancelled, fenced;
};

struct oms_fulfillment_update {
  const char *id;
  enum oms_fstatus status;
  const char *carrier, *tracking_number, *reason; /* NULL: unchanged */
};

struct oms_po_update {
  const char *fulfillment_id;
  enum oms_po_status status;
};

struct oms_po_line_update {
  const char *fulfillment_id;
  int line;
  long long shipped;
  enum oms_po_line_status status; /* NONE: unchanged */
};

/* Stock given back to a location (and this channel's fence), or to a supplier. */
struct oms_stock_return {
  const char *source; /* location or supplier */
  const char *sku;
  long long quantity;
  long long fenced; /* locations: of quantity, units back into the channel's fence */
};

struct oms_preorder_release {
  const char *sku;
  long long quantity;
};

/* Stock that leaves a location's on-hand (shipped, picked up, lost). */
struct oms_stock_move {
  const char *location, *sku;
  long long quantity;
  enum oms_stock_reason reason;
  const char *reference; /* the fulfillment id */
};

struct oms_change {
  const char *order_id, *actor;
  const char *channel; /* the order's */
  enum oms_status status;
  const char *note; /* a cancel's reason, or NULL */
  struct oms_order_line *lines; /* every line of the order, after the change */
  size_t n_lines;
  OMS_VEC(struct oms_fulfillment_line_update) fulfillment_lines;
  OMS_VEC(struct oms_fulfillment_update) fulfillment_updates;
  OMS_VEC(struct oms_po_update) po_updates;
  OMS_VEC(struct oms_po_line_update) po_line_updates;
  OMS_VEC(struct oms_stock_return) unreserve; /* to locations */
  OMS_VEC(struct oms_stock_return) unsupply;  /* to suppliers */
  OMS_VEC(struct oms_preorder_release) preorder_release;
  OMS_VEC(struct oms_stock_move) ship_stock;
  OMS_VEC(struct oms_stock_move) lose_stock;
  oms_new_holds holds_add;
  bool release_holds;
  oms_new_fulfillments fulfillments; /* placed by a re-route */
  bool has_safety_stock;                             /* a re-route places stock: */
  long long safety_stock;                            /* the channel's */
  const char *routing_json;                          /* a re-route's decision, or NULL */
  oms_new_exceptions exceptions;
  oms_events events;
};

/* A receipt (eng_receive): stock in, the inbound's new counts, and one
 * change per order whose pre-ordered units it allocated. */
struct oms_stock_in {
  const char *sku;
  long long quantity; /* received at the inbound's location */
  long long reserve;  /* of it, allocated to waiting pre-orders */
};

typedef OMS_VEC(struct oms_change) oms_changes;

struct oms_receipt {
  const char *inbound_id, *location, *actor;
  enum oms_inbound_status status;
  struct oms_inbound_line *lines; /* the inbound's lines, received counts after the receipt */
  size_t n_lines;
  OMS_VEC(struct oms_stock_in) stock;
  oms_changes changes;
  long long allocated; /* units allocated to pre-orders */
};

const char *oms_inbound_status_name(enum oms_inbound_status s);
int oms_inbound_status_of(const char *name);

#endif
