/* engine.h: the pure core. No libmicrohttpd, no libpq, no I/O: every rule
 * here is unit-tested in microseconds (tests/unit). */
#ifndef OMS_ENGINE_H
#define OMS_ENGINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
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

#endif

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
