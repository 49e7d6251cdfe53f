/* engine.h: the pure core. No libmicrohttpd, no libpq, no I/O: every rule
 * here is unit-tested in microseconds (tests/unit). */
#ifndef OMS_ENGINE_H
#define OMS_ENGINE_H

#include <jansson.h>
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
