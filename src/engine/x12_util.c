/* x12_util.c: the plumbing of the X12 codec: the reader's arena, the
 * writers' byte buffer, error recording and the small date/number checks
 * both directions share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "x12_internal.h"

/* ---- arena ----
 * An interchange is read into many small strings and arrays; one arena lets
 * the caller free it all with one call and keeps the reader free of
 * per-field ownership. Chunks grow geometrically; a request larger than the
 * next chunk gets a chunk of its own. */
struct x12_chunk {
  struct x12_chunk *next;
  size_t used, cap;
  _Alignas(16) unsigned char mem[];
};

#define X12_CHUNK_MIN 4096u

void *x12_arena_alloc(struct x12_arena *a, size_t n)
{
  n = (n + 15u) & ~(size_t)15u;
  struct x12_chunk *c = a->head;
  if (!c || c->cap - c->used < n) {
    size_t cap = c ? c->cap * 2 : X12_CHUNK_MIN;
    if (cap > ((size_t)1 << 20))
      cap = (size_t)1 << 20;
    if (cap < n)
      cap = n;
    c = oms_malloc(sizeof *c + cap);
    c->used = 0;
    c->cap = cap;
    c->next = a->head;
    a->head = c;
  }
  void *p = c->mem + c->used;
  c->used += n;
  memset(p, 0, n);
  return p;
}

char *x12_arena_strndup(struct x12_arena *a, const char *s, size_t n)
{
  char *p = x12_arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void x12_arena_free(struct x12_arena *a)
{
  struct x12_chunk *c = a->head;
  while (c) {
    struct x12_chunk *next = c->next;
    free(c);
    c = next;
  }
  a->head = NULL;
}

void *x12_push(struct x12_arena *a, void **items, size_t *n, size_t *cap, size_t size)
{
  if (*n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 8;
    void *grown = x12_arena_alloc(a, ncap * size);
    if (*n)
      memcpy(grown, *items, *n * size);
    *items = grown; /* the old block stays in the arena: at most as much again */
    *cap = ncap;
  }
  void *slot = (char *)*items + *n * size;
  (*n)++;
  return slot;
}

/* ---- output buffer ---- */

static void out_reserve(struct x12_out *o, size_t extra)
{
  if (o->cap - o->len > extra)
    return;
  size_t cap = o->cap ? o->cap : 1024;
  while (cap - o->len <= extra)
    cap *= 2;
  o->data = oms_realloc(o->data, cap);
  o->cap = cap;
}

void x12_out_bytes(struct x12_out *o, const char *s, size_t n)
{
  out_reserve(o, n);
  memcpy(o->data + o->len, s, n);
  o->len += n;
  o->data[o->len] = '\0';
}

void x12_out_str(struct x12_out *o, const char *s)
{
  x12_out_bytes(o, s, strlen(s));
}

void x12_out_char(struct x12_out *o, char c)
{
  x12_out_bytes(o, &c, 1);
}

void x12_out_fmt(struct x12_out *o, const char *fmt, ...)
{
  char tmp[128];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n < sizeof tmp) {
    x12_out_bytes(o, tmp, (size_t)n);
    return;
  }
  out_reserve(o, (size_t)n);
  va_start(ap, fmt);
  vsnprintf(o->data + o->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  o->len += (size_t)n;
}

void x12_out_finish(struct x12_out *o, struct x12_buf *out)
{
  if (!o->data)
    x12_out_bytes(o, "", 0);
  out->data = o->data;
  out->len = o->len;
  o->data = NULL;
  o->len = o->cap = 0;
}

/* ---- errors ---- */

bool x12_err_addv(struct x12_errors *e, const char *field, const char *fmt, va_list ap)
{
  if (e->n >= X12_MAX_ERRORS) {
    e->truncated = true;
    return false;
  }
  struct x12_error *x = &e->e[e->n++];
  snprintf(x->field, sizeof x->field, "%s", field);
  vsnprintf(x->message, sizeof x->message, fmt, ap);
  return true;
}

bool x12_err_add(struct x12_errors *e, const char *field, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  bool ok = x12_err_addv(e, field, fmt, ap);
  va_end(ap);
  return ok;
}

void x12_segment_field(char out[X12_FIELD_MAX], size_t segment, const char *id)
{
  snprintf(out, X12_FIELD_MAX, "segment %zu (%.3s)", segment, id ? id : "");
}

void x12_printable(char *out, const char *s, size_t n)
{
  size_t k = 0;
  for (size_t i = 0; i < n && k < 24; i++) {
    unsigned char c = (unsigned char)s[i];
    out[k++] = (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? (char)c : '?';
  }
  if (n > 24) {
    memcpy(out + k, "...", 3);
    k += 3;
  }
  out[k] = '\0';
}

/* ---- small checks ---- */

bool x12_is_digits(const char *s, size_t n)
{
  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9')
      return false;
  return true;
}

bool x12_date_valid(int year, int month, int day)
{
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
    return false;
  int max = days[month - 1];
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && leap)
    max = 29;
  return day <= max;
}

static int num(const char *s, size_t n)
{
  int v = 0;
  for (size_t i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

bool x12_date_text_valid(const char *s, size_t n)
{
  if ((n != 6 && n != 8) || !x12_is_digits(s, n))
    return false;
  int year = n == 8 ? num(s, 4) : 2000 + num(s, 2);
  const char *md = s + (n - 4);
  return x12_date_valid(year, num(md, 2), num(md + 2, 2));
}

bool x12_time_text_valid(const char *s, size_t n)
{
  if (n < 4 || n > 8 || n == 5 || !x12_is_digits(s, n))
    return false;
  if (num(s, 2) > 23 || num(s + 2, 2) > 59)
    return false;
  return n < 6 || num(s + 4, 2) <= 59;
}
