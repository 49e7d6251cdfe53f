/* x12_read.c: the X12 reader: separators from the ISA, segments, and the
 * envelope (ISA/IEA, GS/GE, ST/SE) with its counts and control numbers. The
 * bodies of 855/856/846 sets are read in x12_sets.c. Rules: x12.h and
 * docs/edi.md.
 *
 * Two kinds of error: a wrong value (a count, a control number, a quantity)
 * is recorded and reading goes on, so a partner sees every such problem at
 * once; a wrong structure (a segment the envelope has no place for) is
 * recorded and ends the reading, since what follows cannot be placed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "x12_internal.h"

#define ISA_LEN 106 /* with its terminator */

/* Where the element separators of a fixed-width ISA stand. */
static const int isa_sep_at[16] = {3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103};
static const int isa_width[16] = {2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1};

struct interchange_box { /* what x12_interchange_free releases */
  struct x12_interchange ic;
  struct x12_arena arena;
};


/* ---- errors ---- */

static void err_at(struct x12_reader *r, size_t index, const char *id, bool structural,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void err_at(struct x12_reader *r, size_t index, const char *id, bool structural,
                   const char *fmt, ...)
{
  char field[X12_FIELD_MAX];
  x12_segment_field(field, index, id);
  va_list ap;
  va_start(ap, fmt);
  if (!x12_err_addv(r->errors, field, fmt, ap))
    r->stop = true;
  va_end(ap);
  if (structural)
    r->stop = true;
}

void x12_seg_err(struct x12_reader *r, const struct x12_seg *s, const char *fmt, ...)
{
  char field[X12_FIELD_MAX];
  x12_segment_field(field, s->index, s->id);
  va_list ap;
  va_start(ap, fmt);
  if (!x12_err_addv(r->errors, field, fmt, ap))
    r->stop = true;
  va_end(ap);
}

/* ---- elements ---- */

static bool is_alnum(unsigned char c)
{
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static struct x12_span trim(struct x12_span v)
{
  while (v.n && v.p[0] == ' ')
    v.p++, v.n--;
  while (v.n && v.p[v.n - 1] == ' ')
    v.n--;
  return v;
}

struct x12_span x12_el(const struct x12_seg *s, size_t i)
{
  if (i > s->n_el)
    return (struct x12_span){"", 0};
  return trim(s->el[i]);
}

bool x12_has(const struct x12_seg *s, size_t i)
{
  return x12_el(s, i).n > 0;
}

const char *x12_el_dup(struct x12_reader *r, const struct x12_seg *s, size_t i)
{
  struct x12_span v = x12_el(s, i);
  return v.n ? x12_arena_strndup(r->arena, v.p, v.n) : NULL;
}

bool x12_el_is(const struct x12_seg *s, size_t i, const char *text)
{
  struct x12_span v = x12_el(s, i);
  return v.n == strlen(text) && memcmp(v.p, text, v.n) == 0;
}

bool x12_require(struct x12_reader *r, const struct x12_seg *s, size_t i)
{
  if (x12_has(s, i))
    return true;
  x12_seg_err(r, s, "%s%02zu is required", s->id, i);
  return false;
}

bool x12_quantity(struct x12_reader *r, const struct x12_seg *s, size_t i, long long *out)
{
  if (!x12_require(r, s, i))
    return false;
  struct x12_span v = x12_el(s, i);
  size_t k = 0, digits = 0;
  long long q = 0;
  bool too_big = false, fraction = false, nonzero_fraction = false;
  for (; k < v.n && v.p[k] >= '0' && v.p[k] <= '9'; k++, digits++) {
    if (!too_big) /* stop before q could overflow */
      q = q * 10 + (v.p[k] - '0');
    too_big = too_big || q > 999999999999999LL;
  }
  if (k < v.n && v.p[k] == '.') {
    fraction = true;
    for (k++; k < v.n && v.p[k] >= '0' && v.p[k] <= '9'; k++, digits++)
      nonzero_fraction = nonzero_fraction || v.p[k] != '0';
  }
  const char *problem = v.p[0] == '-'                                       ? "is negative"
                        : k != v.n || digits == 0 || (fraction && v.n == 1) ? "is not a number"
                        : nonzero_fraction ? "is not a whole number of units"
                        : too_big          ? "is too large"
                                           : NULL;
  if (problem) {
    char shown[32];
    x12_printable(shown, v.p, v.n);
    x12_seg_err(r, s, "%s%02zu \"%s\" %s", s->id, i, shown, problem);
    return false;
  }
  *out = q;
  return true;
}

const char *x12_sk_pair(struct x12_reader *r, const struct x12_seg *s, size_t from)
{
  for (size_t i = from; i + 1 <= s->n_el; i += 2)
    if (x12_el_is(s, i, "SK"))
      return x12_el_dup(r, s, i + 1);
  return NULL;
}

/* Copy of element i when it holds only digits, 1..max of them; else an error. */
static bool digits_el(struct x12_reader *r, const struct x12_seg *s, size_t i, size_t min,
                      size_t max, unsigned long *value)
{
  if (!x12_require(r, s, i))
    return false;
  struct x12_span v = x12_el(s, i);
  if (!x12_is_digits(v.p, v.n) || v.n < min || v.n > max) {
    char shown[32];
    x12_printable(shown, v.p, v.n);
    if (min == max)
      x12_seg_err(r, s, "%s%02zu \"%s\" must be %zu digits", s->id, i, shown, min);
    else
      x12_seg_err(r, s, "%s%02zu \"%s\" must be %zu to %zu digits", s->id, i, shown, min, max);
    return false;
  }
  unsigned long long n = 0;
  for (size_t k = 0; k < v.n; k++)
    n = n * 10 + (unsigned)(v.p[k] - '0');
  *value = n > 0xffffffffull ? 0xfffffffful : (unsigned long)n;
  return true;
}

/* An identity or control value the 997 echoes: min..max characters without
 * the sub-element separator (the other separators cannot occur in an element). */
static const char *echo_el(struct x12_reader *r, const struct x12_seg *s, size_t i, size_t min,
                           size_t max)
{
  if (!x12_require(r, s, i))
    return NULL;
  struct x12_span v = x12_el(s, i);
  if (v.n < min || v.n > max) {
    x12_seg_err(r, s, "%s%02zu must be %zu to %zu characters", s->id, i, min, max);
    return NULL;
  }
  if (memchr(v.p, r->ss, v.n)) {
    x12_seg_err(r, s, "%s%02zu holds the sub-element separator", s->id, i);
    return NULL;
  }
  return x12_arena_strndup(r->arena, v.p, v.n);
}

/* ---- segments ---- */

static void skip_eol(struct x12_reader *r)
{
  while (r->p < r->end && (*r->p == '\r' || *r->p == '\n'))
    r->p++;
}

static bool at_end(struct x12_reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r' || *r->p == '\n'))
    r->p++;
  return r->p == r->end;
}

/* Rejects control characters and invalid UTF-8 inside a segment body. */
static void check_bytes(struct x12_reader *r, const struct x12_seg *s, const char *p, size_t n)
{
  const unsigned char *u = (const unsigned char *)p;
  for (size_t i = 0; i < n;) {
    unsigned char c = u[i];
    if (c < 0x20 || c == 0x7f) {
      if (c != (unsigned char)r->es && c != (unsigned char)r->ss &&
          (!r->rs || c != (unsigned char)r->rs)) {
        x12_seg_err(r, s, "control character 0x%02X in the segment", c);
        return;
      }
      i++;
      continue;
    }
    size_t len = c < 0x80 ? 1 : (c >= 0xc2 && c <= 0xdf) ? 2 : (c >= 0xe0 && c <= 0xef) ? 3
                                                              : (c >= 0xf0 && c <= 0xf4) ? 4 : 0;
    bool ok = len > 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; k++)
      ok = (u[i + k] & 0xc0) == 0x80;
    if (ok && len == 3)
      ok = !(c == 0xe0 && u[i + 1] < 0xa0) && !(c == 0xed && u[i + 1] >= 0xa0);
    if (ok && len == 4)
      ok = !(c == 0xf0 && u[i + 1] < 0x90) && !(c == 0xf4 && u[i + 1] >= 0x90);
    if (!ok) {
      x12_seg_err(r, s, "byte 0x%02X is not valid UTF-8", c);
      return;
    }
    i += len;
  }
}

/* Splits p[0..n) into s: the id and its elements. */
static void split_segment(struct x12_reader *r, struct x12_seg *s, const char *p, size_t n)
{
  s->index = ++r->seg_no;
  s->n_el = 0;
  const char *e = memchr(p, r->es, n);
  size_t idn = e ? (size_t)(e - p) : n;
  s->el[0] = (struct x12_span){p, idn};
  size_t k = 0;
  bool id_ok = idn >= 2 && idn <= 3;
  for (; k < idn && k < 3; k++) {
    unsigned char c = (unsigned char)p[k];
    s->id[k] = (c >= 0x21 && c < 0x7f && c != '"' && c != '\\') ? (char)c : '?';
    id_ok = id_ok && ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  }
  s->id[k] = '\0';
  const char *end = p + n;
  for (const char *q = e; q && s->n_el < X12_MAX_ELEMENTS;) {
    const char *next = memchr(q + 1, r->es, (size_t)(end - q - 1));
    const char *stop = next ? next : end;
    s->el[++s->n_el] = (struct x12_span){q + 1, (size_t)(stop - q - 1)};
    q = next;
    if (q && s->n_el == X12_MAX_ELEMENTS)
      x12_seg_err(r, s, "more than %d elements", X12_MAX_ELEMENTS);
  }
  if (n == 0)
    x12_seg_err(r, s, "empty segment");
  else if (!id_ok)
    x12_seg_err(r, s, "segment id must be 2 or 3 capital letters or digits");
  check_bytes(r, s, p, n);
}

/* The next segment into s; false at the end of the data. */
static bool next_segment(struct x12_reader *r, struct x12_seg *s)
{
  if (r->stop || at_end(r))
    return false;
  const char *t = memchr(r->p, r->term, (size_t)(r->end - r->p));
  const char *p = r->p;
  size_t n = t ? (size_t)(t - p) : (size_t)(r->end - p);
  r->p = t ? t + 1 : r->end;
  split_segment(r, s, p, n);
  if (!t)
    x12_seg_err(r, s, "the segment has no terminator");
  skip_eol(r);
  return true;
}

static bool seg_is(const struct x12_seg *s, const char *id)
{
  return s->el[0].n == strlen(id) && memcmp(s->el[0].p, id, s->el[0].n) == 0;
}

/* ---- ISA ---- */

static bool isa_layout(struct x12_reader *r, const char *p, size_t left)
{
  if (left < ISA_LEN || memcmp(p, "ISA", 3) != 0) {
    if (left >= 3 && memcmp(p, "ISA", 3) == 0)
      err_at(r, 1, "ISA", true, "the ISA is cut short: it has 106 characters, %zu are left",
             left);
    else
      err_at(r, 1, "ISA", true, "an interchange must start with ISA");
    return false;
  }
  r->es = p[3];
  r->ss = p[104];
  r->term = p[105];
  /* the widths first: a field too long or short moves ISA16 and the terminator too */
  for (int i = 1; i < 16 && !is_alnum((unsigned char)r->es) && r->es != ' ' && r->es; i++)
    if (p[isa_sep_at[i]] != r->es) {
      err_at(r, 1, "ISA", true, "the ISA must be 106 characters of fixed width: ISA%02d "
                                "does not start at character %d", i + 1, isa_sep_at[i] + 2);
      return false;
    }
  const char seps[3] = {r->es, r->ss, r->term};
  for (int i = 0; i < 3; i++)
    if (is_alnum((unsigned char)seps[i]) || seps[i] == ' ' || seps[i] == '\0' ||
        seps[i] == seps[(i + 1) % 3]) {
      err_at(r, 1, "ISA", true, "separators must differ from each other, letters, digits, "
                                "space and NUL (element 0x%02X, sub-element 0x%02X, segment 0x%02X)",
             (unsigned char)r->es, (unsigned char)r->ss, (unsigned char)r->term);
      return false;
    }
  for (int i = 0; i < 104; i++) {
    unsigned char c = (unsigned char)p[i];
    bool sep_pos = false;
    for (int k = 0; k < 16; k++)
      sep_pos = sep_pos || isa_sep_at[k] == i;
    if (!sep_pos && (c < 0x20 || c > 0x7e || c == (unsigned char)r->es ||
                     c == (unsigned char)r->ss || c == (unsigned char)r->term)) {
      err_at(r, 1, "ISA", true, "character %d of the ISA is not printable or is a separator",
             i + 1);
      return false;
    }
  }
  return true;
}

static const char *isa_dup(struct x12_reader *r, const char *p, int i)
{
  struct x12_span v = {p + isa_sep_at[i] + 1, (size_t)isa_width[i]};
  while (v.n && v.p[v.n - 1] == ' ')
    v.n--;
  return x12_arena_strndup(r->arena, v.p, v.n);
}

static void isa_check(struct x12_reader *r, struct x12_interchange *ic, const struct x12_seg *s)
{
  if (!*ic->sender_qualifier || !*ic->receiver_qualifier)
    x12_seg_err(r, s, "ISA05 and ISA07 (id qualifiers) are required");
  if (!*ic->sender_id)
    x12_seg_err(r, s, "ISA06 (sender id) is required");
  if (!*ic->receiver_id)
    x12_seg_err(r, s, "ISA08 (receiver id) is required");
  if (!x12_date_text_valid(ic->date, 6))
    x12_seg_err(r, s, "ISA09 must be a date YYMMDD");
  if (strlen(ic->time) != 4 || !x12_time_text_valid(ic->time, 4))
    x12_seg_err(r, s, "ISA10 must be a time HHMM");
  if (strlen(ic->version) != 5 || !x12_is_digits(ic->version, 5))
    x12_seg_err(r, s, "ISA12 must be a version of 5 digits (00401)");
  if (strlen(ic->control) != 9 || !x12_is_digits(ic->control, 9))
    x12_seg_err(r, s, "ISA13 (interchange control number) must be 9 digits");
  if (!*ic->auth_qualifier || !*ic->security_qualifier)
    x12_seg_err(r, s, "ISA01 and ISA03 (information qualifiers) are required");
  const char *ack = s->el[14].p, *usage = s->el[15].p;
  if (*ack != '0' && *ack != '1')
    x12_seg_err(r, s, "ISA14 (acknowledgment requested) must be 0 or 1");
  if (*usage != 'P' && *usage != 'T')
    x12_seg_err(r, s, "ISA15 (usage) must be P or T");
  ic->ack_requested = *ack == '1';
  ic->usage = *usage;
}

static bool read_isa(struct x12_reader *r, struct x12_interchange *ic, struct x12_seg *s)
{
  at_end(r);
  const char *p = r->p;
  if (!isa_layout(r, p, (size_t)(r->end - p)))
    return false;
  r->p = p + ISA_LEN;
  unsigned char rep = (unsigned char)p[isa_sep_at[10] + 1];
  if (!is_alnum(rep))
    r->rs = (char)rep;
  split_segment(r, s, p, ISA_LEN - 1);
  skip_eol(r);
  ic->element_separator = r->es;
  ic->subelement_separator = r->ss;
  ic->segment_terminator = r->term;
  const char **fields[13] = {&ic->auth_qualifier,     &ic->auth_info,   &ic->security_qualifier,
                             &ic->security_info,      &ic->sender_qualifier, &ic->sender_id,
                             &ic->receiver_qualifier, &ic->receiver_id, &ic->date,
                             &ic->time,               &ic->standards_id, &ic->version,
                             &ic->control};
  for (int i = 0; i < 13; i++)
    *fields[i] = isa_dup(r, p, i);
  if (r->rs) {
    ic->repetition_separator = r->rs;
    if (rep == (unsigned char)r->es || rep == (unsigned char)r->ss || rep == (unsigned char)r->term)
      x12_seg_err(r, s, "ISA11 (repetition separator) repeats another separator");
  }
  unsigned long control = 0;
  for (const char *c = ic->control; *c >= '0' && *c <= '9'; c++)
    control = control * 10 + (unsigned long)(*c - '0');
  ic->control_number = control;
  isa_check(r, ic, s);
  return !r->stop;
}

/* ---- ST ... SE ---- */

static void read_st(struct x12_reader *r, const struct x12_group *g, struct x12_set *set,
                    const struct x12_seg *s)
{
  set->segment = s->index;
  if (x12_require(r, s, 1)) {
    struct x12_span id = x12_el(s, 1);
    if (id.n != 3 || !x12_is_digits(id.p, 3))
      x12_seg_err(r, s, "ST01 must be a transaction set id of 3 digits");
    else
      set->id = x12_arena_strndup(r->arena, id.p, id.n);
    set->type = x12_set_type_of(&id);
  }
  set->control = echo_el(r, s, 2, 4, 9);
  const char *fid = x12_functional_id(set->type);
  if (fid && g->functional_id && strcmp(fid, g->functional_id) != 0) {
    char shown[32];
    x12_printable(shown, g->functional_id, strlen(g->functional_id));
    x12_seg_err(r, s, "an %s belongs in a functional group GS*%s, not GS*%s", set->id, fid,
                shown);
  }
}

static void read_se(struct x12_reader *r, struct x12_set *set, const struct x12_seg *s)
{
  set->end_segment = s->index;
  set->n_segments = s->index - set->segment + 1;
  unsigned long count;
  if (digits_el(r, s, 1, 1, 10, &count) && count != set->n_segments)
    x12_seg_err(r, s, "SE01 says %lu segments, the set has %zu (ST to SE)", count,
                set->n_segments);
  if (x12_require(r, s, 2) && set->control) {
    struct x12_span v = x12_el(s, 2);
    size_t n = strlen(set->control);
    if (v.n != n || memcmp(v.p, set->control, v.n) != 0) {
      char shown[32], st02[32];
      x12_printable(shown, v.p, v.n);
      x12_printable(st02, set->control, n);
      x12_seg_err(r, s, "SE02 \"%s\" does not match ST02 \"%s\"", shown, st02);
    }
  }
}

static bool is_envelope(const struct x12_seg *s)
{
  return seg_is(s, "ISA") || seg_is(s, "IEA") || seg_is(s, "GS") || seg_is(s, "GE") ||
         seg_is(s, "ST");
}

/* Reads from the ST in s to its SE. */
static void read_set(struct x12_reader *r, const struct x12_group *g, struct x12_set *set,
                     struct x12_seg *s)
{
  read_st(r, g, set, s);
  struct x12_set_reader *body = x12_set_begin(r, set);
  size_t st = s->index;
  while (next_segment(r, s)) {
    if (seg_is(s, "SE")) {
      if (body) /* first: its errors are in segments before the SE */
        x12_set_end(body, s);
      read_se(r, set, s);
      return;
    }
    if (is_envelope(s)) {
      err_at(r, s->index, s->id, true, "%s inside the transaction set of segment %zu, "
                                       "before its SE", s->id, st);
      return;
    }
    if (body)
      x12_set_segment(body, s);
  }
  if (!r->stop)
    err_at(r, r->seg_no, s->id, true, "the data ends inside the transaction set of segment %zu "
                                      "(no SE)", st);
}

/* ---- GS ... GE ---- */

struct control_ref {
  const char *text;
  size_t segment;
};

static int cmp_control(const void *a, const void *b)
{
  const struct control_ref *x = a, *y = b;
  int c = strcmp(x->text, y->text);
  return c ? c : (x->segment > y->segment) - (x->segment < y->segment);
}

/* Set controls must differ within a group (a 997 names sets by them). */
static void unique_set_controls(struct x12_reader *r, const struct x12_set *sets, size_t n)
{
  struct control_ref *refs = oms_malloc((n ? n : 1) * sizeof *refs);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (sets[i].control)
      refs[k++] = (struct control_ref){sets[i].control, sets[i].segment};
  qsort(refs, k, sizeof *refs, cmp_control);
  for (size_t i = 1; i < k; i++)
    if (strcmp(refs[i].text, refs[i - 1].text) == 0) {
      char shown[32];
      x12_printable(shown, refs[i].text, strlen(refs[i].text));
      err_at(r, refs[i].segment, "ST", false, "ST02 %s repeats the set control number of "
                                              "segment %zu", shown, refs[i - 1].segment);
    }
  free(refs);
}

static void read_gs(struct x12_reader *r, struct x12_group *g, const struct x12_seg *s)
{
  g->segment = s->index;
  g->functional_id = echo_el(r, s, 1, 2, 2);
  g->sender_id = echo_el(r, s, 2, 2, 15);
  g->receiver_id = echo_el(r, s, 3, 2, 15);
  if (x12_require(r, s, 4) && !x12_date_text_valid(x12_el(s, 4).p, x12_el(s, 4).n))
    x12_seg_err(r, s, "GS04 must be a date CCYYMMDD");
  else
    g->date = x12_el_dup(r, s, 4);
  if (x12_require(r, s, 5) && !x12_time_text_valid(x12_el(s, 5).p, x12_el(s, 5).n))
    x12_seg_err(r, s, "GS05 must be a time HHMM");
  else
    g->time = x12_el_dup(r, s, 5);
  if (digits_el(r, s, 6, 1, 9, &g->control_number))
    g->control = x12_el_dup(r, s, 6);
  if (x12_require(r, s, 7))
    g->agency = x12_el_dup(r, s, 7);
  if (x12_require(r, s, 8))
    g->version = x12_el_dup(r, s, 8);
}

static void read_ge(struct x12_reader *r, struct x12_group *g, const struct x12_seg *s)
{
  g->end_segment = s->index;
  unsigned long v;
  if (g->n_sets == 0)
    x12_seg_err(r, s, "the functional group of segment %zu holds no transaction set",
                g->segment);
  if (digits_el(r, s, 1, 1, 6, &v) && v != g->n_sets)
    x12_seg_err(r, s, "GE01 says %lu transaction sets, the group has %zu", v, g->n_sets);
  if (digits_el(r, s, 2, 1, 9, &v) && g->control && v != g->control_number)
    x12_seg_err(r, s, "GE02 %lu does not match GS06 %s", v, g->control);
}

/* Reads from the GS in s to its GE. */
static void read_group(struct x12_reader *r, struct x12_group *g, struct x12_seg *s)
{
  read_gs(r, g, s);
  void *sets = NULL; /* struct x12_set[] in the arena */
  size_t n = 0, cap = 0, gs = s->index;
  while (next_segment(r, s)) {
    if (seg_is(s, "ST")) {
      struct x12_set *set = x12_push(r->arena, &sets, &n, &cap, sizeof *set);
      g->sets = sets;
      g->n_sets = n;
      read_set(r, g, set, s);
      if (r->stop)
        return;
      continue;
    }
    if (seg_is(s, "GE")) {
      read_ge(r, g, s);
      unique_set_controls(r, g->sets, g->n_sets);
      return;
    }
    err_at(r, s->index, s->id, true, "%s where the functional group of segment %zu expects ST "
                                     "or GE", s->id, gs);
    return;
  }
  if (!r->stop)
    err_at(r, r->seg_no, s->id, true, "the data ends inside the functional group of segment "
                                      "%zu (no GE)", gs);
}

/* ---- ISA ... IEA ---- */

static void unique_group_controls(struct x12_reader *r, const struct x12_group *g, size_t n)
{
  struct control_ref *refs = oms_malloc((n ? n : 1) * sizeof *refs);
  size_t k = 0;
  char(*texts)[12] = oms_malloc((n ? n : 1) * sizeof *texts);
  for (size_t i = 0; i < n; i++)
    if (g[i].control) { /* compare as numbers: "01" and "1" are the same group */
      snprintf(texts[k], sizeof texts[k], "%010lu", g[i].control_number);
      refs[k] = (struct control_ref){texts[k], g[i].segment};
      k++;
    }
  qsort(refs, k, sizeof *refs, cmp_control);
  for (size_t i = 1; i < k; i++)
    if (strcmp(refs[i].text, refs[i - 1].text) == 0)
      err_at(r, refs[i].segment, "GS", false, "GS06 repeats the group control number of "
                                              "segment %zu", refs[i - 1].segment);
  free(texts);
  free(refs);
}

static void read_iea(struct x12_reader *r, struct x12_interchange *ic, const struct x12_seg *s)
{
  unsigned long v;
  if (ic->n_groups == 0)
    x12_seg_err(r, s, "the interchange holds no functional group");
  if (digits_el(r, s, 1, 1, 5, &v) && v != ic->n_groups)
    x12_seg_err(r, s, "IEA01 says %lu functional groups, the interchange has %zu", v,
                ic->n_groups);
  if (digits_el(r, s, 2, 9, 9, &v) && v != ic->control_number)
    x12_seg_err(r, s, "IEA02 %09lu does not match ISA13 %s", v, ic->control);
  ic->n_segments = s->index;
  unique_group_controls(r, ic->groups, ic->n_groups);
}

static void read_interchange(struct x12_reader *r, struct x12_interchange *ic, struct x12_seg *s)
{
  if (!read_isa(r, ic, s))
    return;
  void *groups = NULL; /* struct x12_group[] in the arena */
  size_t n = 0, cap = 0;
  while (next_segment(r, s)) {
    if (seg_is(s, "GS")) {
      struct x12_group *g = x12_push(r->arena, &groups, &n, &cap, sizeof *g);
      ic->groups = groups;
      ic->n_groups = n;
      read_group(r, g, s);
      continue;
    }
    if (seg_is(s, "IEA")) {
      read_iea(r, ic, s);
      if (!r->stop && !at_end(r))
        err_at(r, s->index + 1, "", true, "data after the IEA");
      return;
    }
    err_at(r, s->index, s->id, true, "%s where the interchange expects GS or IEA", s->id);
    return;
  }
  if (!r->stop)
    err_at(r, r->seg_no, s->id, true, "the data ends before the IEA");
}

int x12_read(const char *data, size_t len, struct x12_interchange **out,
             struct x12_errors *errors)
{
  *out = NULL;
  struct interchange_box *box = oms_calloc(1, sizeof *box);
  struct x12_seg *s = oms_malloc(sizeof *s);
  size_t before = errors->n;
  struct x12_reader r = {.p = data ? data : "", .end = (data ? data : "") + (data ? len : 0),
                         .errors = errors, .arena = &box->arena};
  s->id[0] = '\0';
  read_interchange(&r, &box->ic, s);
  free(s);
  if (errors->n != before || errors->truncated) {
    x12_interchange_free(&box->ic);
    return -1;
  }
  *out = &box->ic;
  return 0;
}

void x12_interchange_free(struct x12_interchange *ic)
{
  if (!ic)
    return;
  struct interchange_box *box = (struct interchange_box *)ic; /* ic is its first member */
  x12_arena_free(&box->arena);
  free(box);
}
