/* x12_internal.h: what the X12 codec files share (x12_util.c, x12_write.c,
 * x12_read.c, x12_sets.c): the arena, the output buffer, the segment view of
 * the reader and the error helpers. Not part of the engine's interface. */
#ifndef OMS_X12_INTERNAL_H
#define OMS_X12_INTERNAL_H

#include <stdarg.h>
#include "oms/x12.h"

/* ---- arena: many small allocations freed at once (x12_util.c) ---- */
struct x12_chunk;
struct x12_arena {
  struct x12_chunk *head;
};
/* Zeroed, 16-byte aligned memory that lives until x12_arena_free. */
void *x12_arena_alloc(struct x12_arena *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *x12_arena_strndup(struct x12_arena *a, const char *s, size_t n);
void x12_arena_free(struct x12_arena *a);

/* ---- growable byte buffer (x12_util.c) ---- */
struct x12_out {
  char *data;
  size_t len, cap;
};
void x12_out_bytes(struct x12_out *o, const char *s, size_t n);
void x12_out_str(struct x12_out *o, const char *s);
void x12_out_char(struct x12_out *o, char c);
void x12_out_fmt(struct x12_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the bytes (NUL-terminated) to out; o is empty afterwards. */
void x12_out_finish(struct x12_out *o, struct x12_buf *out);

/* ---- errors (x12_util.c) ---- */
/* Appends an error; false when errors was already full (truncated is set). */
bool x12_err_add(struct x12_errors *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool x12_err_addv(struct x12_errors *e, const char *field, const char *fmt, va_list ap);
/* Copies at most 24 bytes of s[0..n) into out (>= 32 bytes) with anything
 * outside printable ASCII (and '"') shown as '?', "..." when cut: safe to
 * quote in a message that ends up in JSON. */
void x12_printable(char *out, const char *s, size_t n);

/* ---- small checks (x12_util.c) ---- */
bool x12_is_digits(const char *s, size_t n);
/* Calendar check; year in full (2024). */
bool x12_date_valid(int year, int month, int day);
/* CCYYMMDD (n = 8) or YYMMDD (n = 6) */
bool x12_date_text_valid(const char *s, size_t n);
/* HHMM, HHMMSS or HHMMSSd..(up to 8) */
bool x12_time_text_valid(const char *s, size_t n);

/* ---- the reader's view of one segment (x12_read.c, x12_sets.c) ---- */
#define X12_MAX_ELEMENTS 99 /* reference designators have two digits */

struct x12_span {
  const char *p;
  size_t n;
};

struct x12_seg {
  size_t index;    /* from 1 at ISA */
  char id[4];      /* printable copy of element 0 (for fields), "" when empty */
  size_t n_el;     /* elements after the id: el[1..n_el] */
  struct x12_span el[X12_MAX_ELEMENTS + 1]; /* el[0] = the id */
};

struct x12_reader {
  const char *p, *end;  /* what is left of the input */
  char es, ss, term;    /* element, sub-element separators, segment terminator */
  char rs;              /* repetition separator (ISA11 when not a letter/digit), or 0 */
  size_t seg_no;        /* segments read so far */
  struct x12_errors *errors;
  struct x12_arena *arena;
  bool stop;            /* a structural error, or the error list is full */
};

/* Element i of s (1-based) as a span with surrounding spaces removed; an
 * empty span when absent. */
struct x12_span x12_el(const struct x12_seg *s, size_t i);
/* True when element i is present and not blank. */
bool x12_has(const struct x12_seg *s, size_t i);
/* Arena copy of element i (trimmed), or NULL when blank. */
const char *x12_el_dup(struct x12_reader *r, const struct x12_seg *s, size_t i);
/* True when element i equals text. */
bool x12_el_is(const struct x12_seg *s, size_t i, const char *text);
/* A content error at segment s ("segment <n> (<ID>)"). */
void x12_seg_err(struct x12_reader *r, const struct x12_seg *s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Requires element i; records "<ID><nn> is required" when blank. */
bool x12_require(struct x12_reader *r, const struct x12_seg *s, size_t i);
/* Reads element i as a whole number of units >= 0 ("12", "12.0", "12.00"),
 * at most 999999999999999; records the error and returns false otherwise. */
bool x12_quantity(struct x12_reader *r, const struct x12_seg *s, size_t i, long long *out);
/* The product id of the first qualifier/id pair starting at element `from`
 * (from, from+1), (from+2, from+3), ... whose qualifier is "SK"; NULL if none. */
const char *x12_sk_pair(struct x12_reader *r, const struct x12_seg *s, size_t from);

/* ---- a transaction set body (x12_sets.c) ---- */
/* Grows a typed array kept in the arena: returns the address of element
 * *n (zeroed) after making room, and increments *n. */
void *x12_push(struct x12_arena *a, void **items, size_t *n, size_t *cap, size_t size);

struct x12_set_reader;
/* Starts reading the body of set (type, id already known); NULL for unknown types. */
struct x12_set_reader *x12_set_begin(struct x12_reader *r, struct x12_set *set);
/* One body segment (between ST and SE). */
void x12_set_segment(struct x12_set_reader *sr, const struct x12_seg *s);
/* The SE arrived (se is the SE segment): final checks, copy the results into set. */
void x12_set_end(struct x12_set_reader *sr, const struct x12_seg *se);
/* The functional identifier GS01 that fits ST01, or NULL for types not read. */
const char *x12_functional_id(enum x12_set_type t);
enum x12_set_type x12_set_type_of(const struct x12_span *st01);

#endif
