/* lifecycle.c: order and line statuses, derived from quantities in one
 * place. A line's units are each in one state: allocated (at a source, not
 * yet shipped), shipped (of which delivered and returned), cancelled,
 * backordered, pre-ordered, or in exception (waiting for staff). */
#include <string.h>
#include "oms/engine.h"

const char *eng_line_status(const struct eng_line_qty *q, bool held)
{
  long long open = q->quantity - q->cancelled;
  if (open <= 0)
    return "cancelled";
  if (q->returned > 0)
    return q->returned >= q->shipped && q->shipped >= open ? "returned" : "partially_returned";
  if (q->shipped >= open) {
    if (q->delivered >= q->shipped)
      return q->pickup ? "completed" : "delivered";
    return "shipped";
  }
  if (q->shipped > 0)
    return "partially_shipped";
  if (q->exception > 0)
    return "exception";
  if (q->preordered > 0)
    return "preordered";
  if (q->backordered > 0)
    return "backordered";
  return held ? "on_hold" : "released";
}

static bool is(const char *s, const char *a)
{
  return strcmp(s, a) == 0;
}

static bool shipped_like(const char *s)
{
  return is(s, "shipped") || is(s, "delivered") || is(s, "completed");
}

const char *eng_order_status(const char *const *st, size_t n, bool held, bool ship_complete)
{
  size_t active = 0, returned = 0, part_returned = 0, shipped = 0, delivered = 0, completed = 0,
         part_shipped = 0, exception = 0, preordered = 0, backordered = 0;
  for (size_t i = 0; i < n; i++) {
    const char *s = st[i];
    if (is(s, "cancelled"))
      continue;
    active++;
    if (is(s, "returned"))
      returned++;
    else if (is(s, "partially_returned"))
      part_returned++;
    else if (shipped_like(s)) {
      shipped++;
      if (is(s, "delivered"))
        delivered++;
      if (is(s, "completed"))
        completed++;
    } else if (is(s, "partially_shipped"))
      part_shipped++;
    else if (is(s, "exception"))
      exception++;
    else if (is(s, "preordered"))
      preordered++;
    else if (is(s, "backordered"))
      backordered++;
  }
  if (active == 0)
    return "cancelled";
  if (returned + part_returned > 0)
    return returned == active ? "returned" : "partially_returned";
  if (shipped == active) {
    if (completed == active)
      return "completed";
    if (delivered + completed == active)
      return "delivered";
    return "shipped";
  }
  if (shipped + part_shipped > 0)
    return "partially_shipped";
  if (held)
    return "on_hold";
  if (exception > 0)
    return "exception";
  if (preordered > 0 && (ship_complete || preordered + backordered == active))
    return "preordered";
  /* ship_complete: the stock lines wait (pending) for the backordered ones */
  if (backordered == active || (ship_complete && backordered > 0))
    return "backordered";
  return "released";
}
