/* model.c: the wire names of the model's enumerations (include/oms/model.h),
 * in one table each, both ways. */
#include <string.h>
#include "oms/model.h"

static const char *const source_types[] = {"location", "supplier", NULL};
static const char *const fulfillment_kinds[] = {"ship", "pickup", NULL};
static const char *const ship_methods[] = {"standard", "express", NULL};
static const char *const payment_statuses[] = {"authorized", "paid", "deposit", NULL};
static const char *const statuses[] = {
    "on_hold", "released", "partially_shipped", "shipped", "delivered", "completed", "preordered",
    "backordered", "cancelled", "exception", "partially_returned", "returned", NULL};
static const char *const fstatuses[] = {"pending",  "released",         "accepted",
                                        "rejected", "shipped",          "ready_for_pickup",
                                        "picked_up", "delivered",       "cancelled", NULL};
static const char *const po_statuses[] = {"sent",    "acknowledged", "rejected", "partially_shipped",
                                          "shipped", "cancelled",    NULL};
static const char *const po_line_statuses[] = {"", "accepted", "rejected", "backordered", NULL};
static const char *const hold_kinds[] = {"manual", "order_hold", "price_mismatch", NULL};
static const char *const exception_kinds[] = {"order_hold", "price_mismatch",
                                              "inventory_discrepancy", "fulfillment_rejected",
                                              "unroutable", NULL};
static const char *const event_types[] = {"order.created",
                                          "order.status_changed",
                                          "fulfillment.created",
                                          "fulfillment.status_changed",
                                          "purchase_order.created",
                                          "purchase_order.status_changed",
                                          "exception.opened",
                                          NULL};
static const char *const inbound_statuses[] = {"expected", "partially_received", "received", NULL};
static const char *const stock_reasons[] = {"shipment", "pickup", "short_pick", "damage", NULL};

static int index_of(const char *const *names, const char *name)
{
  if (!name)
    return -1;
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], name) == 0)
      return i;
  return -1;
}

#define NAME_FN(fn, type, table) \
  const char *fn(type v) { return table[v]; }

NAME_FN(oms_source_type_name, enum oms_source_type, source_types)
NAME_FN(oms_fulfillment_kind_name, enum oms_fulfillment_kind, fulfillment_kinds)
NAME_FN(oms_ship_method_name, enum oms_ship_method, ship_methods)
NAME_FN(oms_payment_status_name, enum oms_payment_status, payment_statuses)
NAME_FN(oms_status_name, enum oms_status, statuses)
NAME_FN(oms_fstatus_name, enum oms_fstatus, fstatuses)
NAME_FN(oms_po_status_name, enum oms_po_status, po_statuses)
NAME_FN(oms_hold_kind_name, enum oms_hold_kind, hold_kinds)
NAME_FN(oms_exception_kind_name, enum oms_exception_kind, exception_kinds)
NAME_FN(oms_event_type_name, enum oms_event_type, event_types)
NAME_FN(oms_stock_reason_name, enum oms_stock_reason, stock_reasons)
NAME_FN(oms_inbound_status_name, enum oms_inbound_status, inbound_statuses)

const char *oms_po_line_status_name(enum oms_po_line_status s)
{
  return s == OMS_POL_NONE ? NULL : po_line_statuses[s];
}

int oms_source_type_of(const char *name) { return index_of(source_types, name); }
int oms_fulfillment_kind_of(const char *name) { return index_of(fulfillment_kinds, name); }
int oms_ship_method_of(const char *name) { return index_of(ship_methods, name); }
int oms_payment_status_of(const char *name) { return index_of(payment_statuses, name); }
int oms_status_of(const char *name) { return index_of(statuses, name); }
int oms_fstatus_of(const char *name) { return index_of(fstatuses, name); }
int oms_hold_kind_of(const char *name) { return index_of(hold_kinds, name); }

int oms_po_line_status_of(const char *name)
{
  int i = index_of(po_line_statuses, name);
  return i <= 0 ? -1 : i;
}
int oms_inbound_status_of(const char *name) { return index_of(inbound_statuses, name); }
