/* internal.h: what engine modules share with one another (not part of the
 * engine's public interface in include/oms/engine.h). */
#ifndef OMS_ENGINE_INTERNAL_H
#define OMS_ENGINE_INTERNAL_H

#include "oms/engine.h"

/* ---- sourcing (sourcing.c): routing units of an order to sources ---- */

/* Units to place: a line of an order, or the part of one to route again. */
struct eng_units_req {
  int line; /* the order line number */
  const char *sku;
  long long quantity;
  enum oms_fulfillment_kind fulfillment;
  const char *pickup_location; /* or NULL */
};

/* The order the units belong to, as routing sees it. */
struct eng_route_order {
  const char *order_id, *channel;
  enum oms_ship_method ship_method;
  const struct oms_address *address; /* or NULL */
};

/* Everything a placement needs besides the units. */
struct eng_place_ctx {
  struct oms_arena *arena;
  const struct eng_route_order *order;
  const struct oms_capture_inputs *inputs;
  const struct eng_rules *routing;
  const char *exclude; /* a source that may not take the units, or NULL */
  void (*new_id)(char out[37]);
};

/* The routing engine's candidate sources for some unit requests. */
struct eng_candidates {
  struct eng_source *sources;
  size_t n;
  struct eng_order_line *lines;
};

/* A routed placement, before it becomes fulfillments. */
struct eng_placement {
  struct eng_candidates candidates;
  struct eng_plan plan; /* freed by eng__placement_free */
  /* per unit request (arrays in the arena) */
  long long *allocated; /* units placed */
  long long *days;      /* promise in days: the slowest source the unit uses */
  bool backorder;       /* the last rule tried allows backorders */
  const char *routing_json; /* the decision and its explanation */
};

/* Routes units (n > 0). Returns 0, or -1 when routing refused its input (a
 * broken invariant); free *out with eng__placement_free either way. */
int eng__plan(const struct eng_place_ctx *ctx, const struct eng_units_req *units, size_t n,
              struct eng_placement *out);
/* Appends the plan's fulfillments (status fstatus, with their purchase
 * orders) to *fulfillments and their events to *events; draws their ids. */
void eng__emit(const struct eng_place_ctx *ctx, const struct eng_placement *p,
               const struct eng_units_req *units, enum oms_fstatus fstatus,
               oms_new_fulfillments *fulfillments, oms_events *events);
void eng__placement_free(struct eng_placement *p);

/* The item of sku in the inputs, or NULL. */
const struct oms_item_view *eng__item(const struct oms_capture_inputs *in, const char *sku);
/* The pre-order counters of sku (zeros when it has none). */
struct oms_preorder_state eng__preorder_state(const struct oms_capture_inputs *in,
                                              const char *sku);

/* Appends an event (fields as struct oms_event says for its type). */
struct oms_event *eng__event(struct oms_arena *a, oms_events *events, enum oms_event_type type,
                             const char *order_id);
/* Appends an exception with a fresh id and its exception.opened event. */
struct oms_new_exception *eng__exception(struct oms_arena *a, oms_new_exceptions *exceptions,
                                         oms_events *events, void (*new_id)(char out[37]),
                                         enum oms_exception_kind kind, const char *order_id,
                                         const char *detail);
/* printf into the arena. */
const char *eng__fmt(struct oms_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- changes to captured orders (change.c) ---- */

/* A change in the making: a working copy of the order whose units the
 * action moves, and the change it records for repo_order_apply. */
struct eng_chg {
  struct eng_act *a;
  struct oms_arena *arena;
  struct oms_order o;         /* the copy (lines, fulfillments and their lines copied) */
  struct oms_change *p;       /* the change */
  enum oms_fstatus *before;   /* per fulfillment of o: its status before */
  bool *touched;              /* per fulfillment of o: the change rewrites it */
};

/* How units leave a fulfillment line. */
enum eng_take_as { ENG_TAKE_CANCELLED, ENG_TAKE_REJECTED };

/* Stock a change gives back, for routing the units again. */
struct eng_freed {
  bool supplier;
  const char *source, *sku;
  long long quantity;
};
typedef OMS_VEC(struct eng_freed) eng_freed_list;

/* Units to take off one fulfillment line. */
struct eng_pick {
  struct oms_fulfillment_line *fl;
  long long quantity;
};
typedef OMS_VEC(struct eng_pick) eng_picks;

enum oms_err eng__refuse(struct eng_act *a, enum oms_err e, const char *field, const char *msg);
void eng__chg_init(struct eng_chg *c, struct eng_act *a, const struct oms_order *order,
                   struct oms_change *change);
struct oms_order_line *eng__line_of(struct oms_order *o, int line);
/* The index of fulfillment fid in o, or -1. */
long eng__fulfillment_of(const struct oms_order *o, const char *fid);
long long eng__open_units(const struct oms_fulfillment_line *fl);
bool eng__fulfillment_closed(enum oms_fstatus s);
bool eng__order_final(enum oms_status s);
void eng__set_fstatus(struct eng_chg *c, size_t f, enum oms_fstatus status);
/* Takes up to n open units of order line L off its fulfillments, newest
 * first (only fulfillment fid when given), and gives their stock back;
 * freed (may be NULL) records the stock for a re-route. Returns the units. */
long long eng__take_allocated(struct eng_chg *c, struct oms_order_line *L, long long n,
                              const char *fid, enum eng_take_as as, eng_freed_list *freed);
/* Opens an exception on the order, with its event. */
struct oms_new_exception *eng__open_exception(struct eng_chg *c, enum oms_exception_kind kind,
                                              const char *location, const char *sku,
                                              const char *detail);
struct oms_event *eng__chg_event(struct eng_chg *c, enum oms_event_type type);
/* Routes units again (credited with the stock freed, never to exclude):
 * placed units on new fulfillments, the rest backordered when the rule
 * allows it, else in exception for staff. */
void eng__reroute_units(struct eng_chg *c, const eng_freed_list *freed,
                        const struct eng_units_req *units, size_t n, const char *exclude);
/* Re-derives statuses and writes every line, changed fulfillment and the
 * order's status into the change, with their events. */
void eng__finish(struct eng_chg *c);
/* Whether some unit of the order waits (pre-ordered or backordered). */
bool eng__units_waiting(const struct oms_order *o);

#endif
