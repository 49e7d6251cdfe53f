/* lifecycle.c: order and line statuses, derived from quantities in one
 * place. A line's units are each in one state: allocated (at a source, not
 * yet shipped), shipped (of which delivered and returned), cancelled,
 * backordered, pre-ordered, or in exception (waiting for staff). */
#include "oms/engine.h"

enum oms_status eng_line_status(const struct eng_line_qty *q, bool held)
{
  long long open = q->quantity - q->cancelled;
  if (open <= 0)
    return OMS_ST_CANCELLED;
  if (q->returned > 0)
    return q->returned >= q->shipped && q->shipped >= open ? OMS_ST_RETURNED
                                                           : OMS_ST_PARTIALLY_RETURNED;
  if (q->shipped >= open) {
    if (q->delivered >= q->shipped)
      return q->pickup ? OMS_ST_COMPLETED : OMS_ST_DELIVERED;
    return OMS_ST_SHIPPED;
  }
  if (q->shipped > 0)
    return OMS_ST_PARTIALLY_SHIPPED;
  if (q->exception > 0)
    return OMS_ST_EXCEPTION;
  if (q->preordered > 0)
    return OMS_ST_PREORDERED;
  if (q->backordered > 0)
    return OMS_ST_BACKORDERED;
  return held ? OMS_ST_ON_HOLD : OMS_ST_RELEASED;
}

enum oms_status eng_order_status(const enum oms_status *st, size_t n, bool held,
                                 bool ship_complete)
{
  size_t count[OMS_ST__COUNT] = {0}, active = 0;
  for (size_t i = 0; i < n; i++) {
    if (st[i] == OMS_ST_CANCELLED)
      continue;
    active++;
    count[st[i]]++;
  }
  size_t returned = count[OMS_ST_RETURNED], part_returned = count[OMS_ST_PARTIALLY_RETURNED];
  size_t delivered = count[OMS_ST_DELIVERED], completed = count[OMS_ST_COMPLETED];
  size_t shipped = count[OMS_ST_SHIPPED] + delivered + completed;
  size_t preordered = count[OMS_ST_PREORDERED], backordered = count[OMS_ST_BACKORDERED];
  if (active == 0)
    return OMS_ST_CANCELLED;
  if (returned + part_returned > 0)
    return returned == active ? OMS_ST_RETURNED : OMS_ST_PARTIALLY_RETURNED;
  if (shipped == active) {
    if (completed == active)
      return OMS_ST_COMPLETED;
    if (delivered + completed == active)
      return OMS_ST_DELIVERED;
    return OMS_ST_SHIPPED;
  }
  if (shipped + count[OMS_ST_PARTIALLY_SHIPPED] > 0)
    return OMS_ST_PARTIALLY_SHIPPED;
  if (held)
    return OMS_ST_ON_HOLD;
  if (count[OMS_ST_EXCEPTION] > 0)
    return OMS_ST_EXCEPTION;
  if (preordered > 0 && (ship_complete || preordered + backordered == active))
    return OMS_ST_PREORDERED;
  /* ship_complete: the stock lines wait (pending) for the backordered ones */
  if (backordered == active || (ship_complete && backordered > 0))
    return OMS_ST_BACKORDERED;
  return OMS_ST_RELEASED;
}

enum oms_fstatus eng_work_status(bool held, bool ship_complete, bool units_waiting)
{
  return held || (ship_complete && units_waiting) ? OMS_F_PENDING : OMS_F_RELEASED;
}
