/* internal.h: what engine modules share with one another (not part of the
 * engine's public interface in include/oms/engine.h). */
#ifndef OMS_ENGINE_INTERNAL_H
#define OMS_ENGINE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

/* Routes units of an existing order again (a re-route). sublines is an
 * array of {line, sku, quantity, fulfillment, pickup_location}; exclude
 * (may be NULL) is a source code that may not take them. Returns a new
 * object {fulfillments, location_lines, supplier_lines, purchase_orders,
 * events, allocated: [n per subline], backorder: bool, routing: the
 * explanation}, with new fulfillments in status fstatus. */
json_t *eng__route_units(json_t *order, json_t *inputs, json_t *sublines, const char *exclude,
                         const char *fstatus, void (*new_id)(char out[37]));

#endif
