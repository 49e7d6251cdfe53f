/* json_spec.h: declarative validation of JSON request bodies.
 * A handler describes the fields it expects in a table; js_parse() checks
 * every field, collects every error with its path ("lines[0].quantity"),
 * and builds a normalised copy with defaults filled in. */
#ifndef OMS_JSON_SPEC_H
#define OMS_JSON_SPEC_H

#include <jansson.h>
#include <stdbool.h>

enum js_type {
  JS_END = 0,     /* terminates a field table */
  JS_STRING,      /* string, length in [min,max] (max 0 = 10000) */
  JS_CODE,        /* code: 1..64 of [A-Za-z0-9._-] */
  JS_INT,         /* integer in [min,max] */
  JS_NUMBER,      /* integer or real in [dmin,dmax] */
  JS_BOOL,
  JS_ENUM,        /* string, one of enums */
  JS_DATE,        /* "YYYY-MM-DD" */
  JS_OBJECT,      /* nested object described by sub */
  JS_STRINGS,     /* array of strings, each length in [1,max], at most max_items */
  JS_CODES,       /* array of codes, at most max_items */
  JS_CODE_INTS,   /* object: code -> integer in [min,max] */
  JS_ARRAY,       /* array of objects described by sub, 1..max_items entries */
  JS_ANY,         /* any JSON value, kept as is */
};

#define JS_REQUIRED 0x1u
#define JS_NULLABLE 0x2u /* null is accepted (and kept) */
#define JS_STAR 0x4u     /* for JS_CODES: the string "*" is also accepted */

struct js_field {
  const char *name;
  enum js_type type;
  unsigned flags;
  long long min, max;          /* JS_INT / JS_CODE_INTS range; JS_STRING length */
  double dmin, dmax;           /* JS_NUMBER range */
  const char *const *enums;    /* JS_ENUM: NULL-terminated list */
  const char *def;             /* default as JSON text; NULL: absent stays absent */
  const struct js_field *sub;  /* JS_OBJECT / JS_ARRAY element fields */
  size_t max_items;            /* JS_STRINGS / JS_CODES / JS_ARRAY */
};

/* Adds {"field": path, "message": msg} to errors (an array). */
void js_error(json_t *errors, const char *path, const char *msg);

/* Validates in (must be an object) against spec. On success returns 0 and
 * sets *out to a new object (caller decrefs) holding every spec field
 * (defaults filled; unknown fields dropped). On failure returns -1, *out is
 * NULL and errors (an array, borrowed) holds one entry per problem. prefix is
 * the path of `in` ("" at the top). */
int js_parse(const struct js_field *spec, json_t *in, const char *prefix,
             json_t **out, json_t *errors);

#endif
