/* catalog.c: the rules of catalog documents (items, locations, suppliers,
 * supplier items, channels, ring-fences) and of tenants and API keys.
 * PUT replaces the whole resource, so every omitted field takes its default. */
#include <stdio.h>
#include <string.h>
#include "oms/engine.h"

#define I64MAX 0x7fffffffffffffffLL
#define MONEY_MAX 1000000000000000LL /* 10^15 minor units */
#define QTY_MAX 1000000000LL

static const char *const location_types[] = {"warehouse", "store", NULL};
static const char *const key_roles[] = {"admin", "ops", "storefront", NULL};

static const struct js_field preorder_spec[] = {
    {.name = "enabled", .type = JS_BOOL, .def = "false"},
    {.name = "limit", .type = JS_INT, .min = 0, .max = QTY_MAX, .def = "0"},
    {.name = "channel_limits", .type = JS_CODE_INTS, .min = 0, .max = QTY_MAX, .def = "{}"},
    {.name = "release_date", .type = JS_DATE, .flags = JS_NULLABLE, .def = "null"},
    {.type = JS_END},
};

static const struct js_field item_spec[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_REQUIRED, .min = 1, .max = 200},
    {.name = "price", .type = JS_INT, .flags = JS_REQUIRED, .min = 0, .max = MONEY_MAX},
    {.name = "case_pack", .type = JS_INT, .flags = JS_NULLABLE, .min = 1, .max = 1000000, .def = "null"},
    {.name = "tags", .type = JS_STRINGS, .min = 1, .max = 64, .max_items = 50, .def = "[]"},
    {.name = "dropship", .type = JS_BOOL, .def = "false"},
    {.name = "preorder", .type = JS_OBJECT, .sub = preorder_spec, .def = "{}"},
    {.type = JS_END},
};

int eng_item_parse(json_t *in, json_t **out, json_t *errors)
{
  if (js_parse(item_spec, in, "", out, errors) != 0)
    return -1;
  json_t *po = json_object_get(in, "preorder");
  json_t *npo = json_object_get(*out, "preorder");
  if (json_is_true(json_object_get(npo, "enabled")) &&
      !json_is_integer(json_object_get(po, "limit"))) {
    js_error(errors, "preorder.limit", "is required when preorder.enabled is true");
    json_decref(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

static const struct js_field location_spec[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_REQUIRED, .min = 1, .max = 200},
    {.name = "type", .type = JS_ENUM, .flags = JS_REQUIRED, .enums = location_types},
    {.name = "lat", .type = JS_NUMBER, .flags = JS_NULLABLE, .dmin = -90, .dmax = 90, .def = "null"},
    {.name = "lon", .type = JS_NUMBER, .flags = JS_NULLABLE, .dmin = -180, .dmax = 180, .def = "null"},
    {.name = "ship", .type = JS_BOOL, .def = "true"},
    {.name = "pickup", .type = JS_BOOL, .def = "false"},
    {.name = "returns", .type = JS_BOOL, .def = "true"},
    {.name = "priority", .type = JS_INT, .min = 0, .max = 1000000, .def = "100"},
    {.name = "cost_per_shipment", .type = JS_INT, .min = 0, .max = MONEY_MAX, .def = "0"},
    {.name = "ship_days", .type = JS_INT, .min = 0, .max = 365, .def = "2"},
    {.name = "active", .type = JS_BOOL, .def = "true"},
    {.type = JS_END},
};

int eng_location_parse(json_t *in, json_t **out, json_t *errors)
{
  if (js_parse(location_spec, in, "", out, errors) != 0)
    return -1;
  bool has_lat = !json_is_null(json_object_get(*out, "lat"));
  bool has_lon = !json_is_null(json_object_get(*out, "lon"));
  if (has_lat != has_lon) {
    js_error(errors, has_lat ? "lon" : "lat", "lat and lon must be given together");
    json_decref(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

static const struct js_field edi_spec[] = {
    {.name = "isa_qualifier", .type = JS_STRING, .min = 2, .max = 2, .def = "\"ZZ\""},
    {.name = "isa_id", .type = JS_STRING, .flags = JS_REQUIRED, .min = 1, .max = 15},
    {.name = "gs_id", .type = JS_STRING, .min = 2, .max = 15},
    {.type = JS_END},
};

static const struct js_field supplier_spec[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_REQUIRED, .min = 1, .max = 200},
    {.name = "lead_time_days", .type = JS_INT, .min = 0, .max = 365, .def = "0"},
    {.name = "edi", .type = JS_OBJECT, .flags = JS_NULLABLE, .sub = edi_spec, .def = "null"},
    {.name = "active", .type = JS_BOOL, .def = "true"},
    {.type = JS_END},
};

/* X12 element values may not contain the separators we write with. */
static bool x12_safe(const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p > 0x7E) /* X12 identifiers are printable ASCII */
      return false;
  return strpbrk(s, "*~^:>|") == NULL;
}

/* The X12 identity rules of a tenant (PUT /v1/settings/edi) and of a
 * supplier's `edi`: one definition. gs_id defaults to isa_id. */
static int check_identity(json_t *edi, const char *prefix, json_t *errors)
{
  size_t before = json_array_size(errors);
  const char *fields[] = {"isa_qualifier", "isa_id", "gs_id"};
  for (int i = 0; i < 3; i++) {
    const char *v = json_string_value(json_object_get(edi, fields[i]));
    if (v && !x12_safe(v)) {
      char path[64];
      snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", fields[i]);
      js_error(errors, path, "must be printable ASCII without X12 separators (* ~ ^ : > |)");
    }
  }
  if (json_array_size(errors) == before && !json_object_get(edi, "gs_id")) {
    json_t *isa = json_object_get(edi, "isa_id");
    if (json_string_length(isa) < 2) {
      char path[64];
      snprintf(path, sizeof path, "%s%sgs_id", prefix, *prefix ? "." : "");
      js_error(errors, path, "is required when isa_id is 1 character (a GS id has 2 to 15)");
    } else {
      json_object_set(edi, "gs_id", isa);
    }
  }
  return json_array_size(errors) > before ? -1 : 0;
}

int eng_edi_identity_parse(json_t *in, const char *prefix, json_t **out, json_t *errors)
{
  if (js_parse(edi_spec, in, prefix, out, errors) != 0)
    return -1;
  if (check_identity(*out, prefix, errors) != 0) {
    json_decref(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

int eng_supplier_parse(json_t *in, json_t **out, json_t *errors)
{
  if (js_parse(supplier_spec, in, "", out, errors) != 0)
    return -1;
  json_t *edi = json_object_get(*out, "edi");
  if (json_is_object(edi) && check_identity(edi, "edi", errors) != 0) {
    json_decref(*out);
    *out = NULL;
    return -1;
  }
  return 0;
}

static const struct js_field supplier_item_spec[] = {
    {.name = "cost", .type = JS_INT, .flags = JS_REQUIRED, .min = 0, .max = MONEY_MAX},
    {.name = "available", .type = JS_INT, .flags = JS_REQUIRED, .min = 0, .max = QTY_MAX},
    {.name = "ship_days", .type = JS_INT, .min = 0, .max = 365, .def = "3"},
    {.type = JS_END},
};

int eng_supplier_item_parse(json_t *in, json_t **out, json_t *errors)
{
  return js_parse(supplier_item_spec, in, "", out, errors);
}

static const struct js_field channel_spec[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_REQUIRED, .min = 1, .max = 200},
    {.name = "locations", .type = JS_CODES, .flags = JS_STAR, .max_items = 1000, .def = "\"*\""},
    {.name = "safety_stock", .type = JS_INT, .min = 0, .max = QTY_MAX, .def = "0"},
    {.name = "percent", .type = JS_INT, .min = 0, .max = 100, .def = "100"},
    {.name = "max_per_sku", .type = JS_INT, .flags = JS_NULLABLE, .min = 0, .max = QTY_MAX, .def = "null"},
    {.name = "dropship", .type = JS_BOOL, .def = "false"},
    {.name = "preorders", .type = JS_BOOL, .def = "false"},
    {.name = "currency", .type = JS_STRING, .min = 3, .max = 3, .def = "\"USD\""},
    {.name = "shopify_secret", .type = JS_STRING, .flags = JS_NULLABLE, .min = 1, .max = 500, .def = "null"},
    {.type = JS_END},
};

int eng_channel_parse(json_t *in, json_t **out, json_t *errors)
{
  if (js_parse(channel_spec, in, "", out, errors) != 0)
    return -1;
  const char *cur = json_string_value(json_object_get(*out, "currency"));
  for (int i = 0; i < 3; i++)
    if (cur[i] < 'A' || cur[i] > 'Z') {
      js_error(errors, "currency", "must be a 3-letter upper-case ISO 4217 code");
      json_decref(*out);
      *out = NULL;
      return -1;
    }
  /* duplicate location codes would double-count stock */
  json_t *locs = json_object_get(*out, "locations");
  if (json_is_array(locs)) {
    for (size_t i = 0; i < json_array_size(locs); i++)
      for (size_t j = 0; j < i; j++)
        if (json_equal(json_array_get(locs, i), json_array_get(locs, j))) {
          char path[64];
          snprintf(path, sizeof path, "locations[%zu]", i);
          js_error(errors, path, "is listed twice");
          json_decref(*out);
          *out = NULL;
          return -1;
        }
  }
  return 0;
}

static const struct js_field ringfence_spec[] = {
    {.name = "location", .type = JS_CODE, .flags = JS_REQUIRED},
    {.name = "quantity", .type = JS_INT, .flags = JS_REQUIRED, .min = 0, .max = QTY_MAX},
    {.type = JS_END},
};

int eng_ringfence_parse(json_t *in, json_t **out, json_t *errors)
{
  return js_parse(ringfence_spec, in, "", out, errors);
}

static const struct js_field tenant_spec[] = {
    {.name = "name", .type = JS_STRING, .flags = JS_REQUIRED, .min = 1, .max = 200},
    {.type = JS_END},
};

int eng_tenant_parse(json_t *in, json_t **out, json_t *errors)
{
  return js_parse(tenant_spec, in, "", out, errors);
}

static const struct js_field api_key_spec[] = {
    {.name = "role", .type = JS_ENUM, .flags = JS_REQUIRED, .enums = key_roles},
    {.name = "name", .type = JS_STRING, .min = 0, .max = 200, .def = "\"\""},
    {.type = JS_END},
};

int eng_api_key_parse(json_t *in, json_t **out, json_t *errors)
{
  return js_parse(api_key_spec, in, "", out, errors);
}
