/* inventory.c: the rules of inventory adjustments and units of measure. */
#include <string.h>
#include "oms/engine.h"

#define QTY_MAX 1000000000LL

static const char *const uoms[] = {"EACH", "CASE", NULL};
static const char *const reasons[] = {"receipt", "cycle_count", "damage", "correction", "sync", NULL};

static const struct js_field adjustment_spec[] = {
    {.name = "location", .type = JS_CODE, .flags = JS_REQUIRED},
    {.name = "sku", .type = JS_CODE, .flags = JS_REQUIRED},
    {.name = "delta", .type = JS_INT, .min = -QTY_MAX, .max = QTY_MAX},
    {.name = "set", .type = JS_INT, .min = 0, .max = QTY_MAX},
    {.name = "uom", .type = JS_ENUM, .enums = uoms, .def = "\"EACH\""},
    {.name = "reason", .type = JS_ENUM, .enums = reasons, .def = "\"correction\""},
    {.name = "reference", .type = JS_STRING, .flags = JS_NULLABLE, .min = 0, .max = 200, .def = "null"},
    {.type = JS_END},
};

int eng_adjustment_parse(json_t *in, json_t **out, json_t *errors)
{
  if (js_parse(adjustment_spec, in, "", out, errors) != 0)
    return -1;
  json_t *delta = json_object_get(*out, "delta");
  json_t *set = json_object_get(*out, "set");
  if (!delta == !set) {
    js_error(errors, delta ? "set" : "delta", "give exactly one of delta or set");
  } else if (delta && json_integer_value(delta) == 0) {
    js_error(errors, "delta", "must not be 0");
  }
  if (json_array_size(errors) > 0) {
    json_decref(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

int eng_to_each(long long qty, const char *uom, long long case_pack, long long *each)
{
  if (strcmp(uom, "CASE") != 0) {
    *each = qty;
    return 0;
  }
  if (case_pack <= 0)
    return -1;
  if (__builtin_mul_overflow(qty, case_pack, each) || *each > QTY_MAX || *each < -QTY_MAX)
    return -1;
  return 0;
}

size_t eng_shortfall_plan(const struct oms_open_allocation *allocs, size_t n,
                          long long short_units, struct eng_shortfall_take *takes,
                          long long *moved)
{
  size_t k = 0;
  *moved = 0;
  for (size_t i = 0; i < n && *moved < short_units; i++) {
    long long left = short_units - *moved;
    long long take = allocs[i].open < left ? allocs[i].open : left;
    if (take <= 0)
      continue;
    takes[k++] = (struct eng_shortfall_take){.fulfillment_id = allocs[i].fulfillment_id,
                                             .order_id = allocs[i].order_id,
                                             .units = take};
    *moved += take;
  }
  return k;
}
