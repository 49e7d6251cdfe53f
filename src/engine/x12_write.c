/* x12_write.c: the writers of the X12 codec: the 850 purchase order we send
 * a drop-ship supplier and the 997 functional acknowledgment we return for
 * what a partner sent (layouts in include/oms/x12.h and docs/edi.md).
 *
 * Why identifiers are refused but free text is cleaned: a PO number or sku
 * comes back to us in the partner's 855/856 and must match exactly, so
 * changing one would break the exchange silently; an address is only read
 * by people and carriers, and a customer's "Apt *5" must not make the PO
 * impossible to send. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "x12_internal.h"

#define ES '*'
#define SUBES '>'
#define TERM '~'

/* ---- segments ---- */

struct seg_writer {
  struct x12_out out;
  char es, term;
  enum x12_eol eol;
  size_t mark;  /* where the current segment's id ends */
  size_t count; /* segments written since the last count_reset */
};

static void seg_begin(struct seg_writer *w, const char *id)
{
  x12_out_str(&w->out, id);
  w->mark = w->out.len;
}

static void seg_el(struct seg_writer *w, const char *value)
{
  x12_out_char(&w->out, w->es);
  x12_out_str(&w->out, value ? value : "");
}

/* Ends a segment; trailing empty elements are dropped, as X12 requires. */
static void seg_end(struct seg_writer *w)
{
  while (w->out.len > w->mark && w->out.data[w->out.len - 1] == w->es)
    w->out.len--;
  w->out.data[w->out.len] = '\0';
  x12_out_char(&w->out, w->term);
  if (w->term != '\n' && w->term != '\r') {
    if (w->eol == X12_EOL_CRLF)
      x12_out_char(&w->out, '\r');
    if (w->eol == X12_EOL_CRLF || w->eol == X12_EOL_LF)
      x12_out_char(&w->out, '\n');
  }
  w->count++;
}

/* A whole segment of up to 8 elements: seg(w, "REF", "CO", number, NULL). */
static void seg(struct seg_writer *w, const char *id, ...)
{
  va_list ap;
  va_start(ap, id);
  seg_begin(w, id);
  for (const char *v; (v = va_arg(ap, const char *)) != NULL;)
    seg_el(w, v);
  va_end(ap);
  seg_end(w);
}

/* A fixed-width element: value padded with spaces (the ISA). */
static void seg_fixed(struct seg_writer *w, const char *value, size_t width)
{
  size_t n = value ? strlen(value) : 0;
  x12_out_char(&w->out, w->es);
  x12_out_bytes(&w->out, value ? value : "", n < width ? n : width);
  for (; n < width; n++)
    x12_out_char(&w->out, ' ');
}

/* ---- checks and cleaning ---- */

const char *x12_id_problem(const char *s, size_t min_len, size_t max_len)
{
  if (!s || !*s)
    return "is required";
  size_t n = strlen(s);
  if (n < min_len)
    return "is too short";
  if (n > max_len)
    return "is too long";
  if (s[0] == ' ' || s[n - 1] == ' ')
    return "must not start or end with a space";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c > 0x7e || c == ES || c == SUBES || c == TERM)
      return "must be printable ASCII without '*', '>' or '~'";
  }
  return NULL;
}

static bool check_id(struct x12_errors *e, const char *field, const char *s, size_t min_len,
                     size_t max_len)
{
  const char *problem = x12_id_problem(s, min_len, max_len);
  if (!problem)
    return true;
  if (strcmp(problem, "is too long") == 0 || strcmp(problem, "is too short") == 0)
    x12_err_add(e, field, "must be %zu to %zu characters", min_len, max_len);
  else
    x12_err_add(e, field, "%s", problem);
  return false;
}

/* ASCII for the Latin-1 letters U+00C0..U+00FF ("?" for the two signs). */
static const char *const latin1[64] = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I", "I",
    "D", "N", "O", "O", "O", "O", "O", "?", "O", "U", "U", "U", "U", "Y", "TH", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "?", "o", "u", "u", "u", "u", "y", "th", "y"};

/* Length of the UTF-8 sequence that starts at s (1 for a stray byte). */
static size_t utf8_len(const unsigned char *s, size_t left)
{
  size_t n = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 1;
  if (n > left)
    return 1;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xc0) != 0x80)
      return 1;
  return n;
}

/* Cleans free text into out (max + 1 bytes): see x12_write_850 in x12.h. */
static void clean_text(const char *in, size_t max, char *out)
{
  size_t k = 0, n = in ? strlen(in) : 0;
  const unsigned char *s = (const unsigned char *)(in ? in : "");
  for (size_t i = 0; i < n && k < max;) {
    const char *put = NULL;
    char one[2] = {(char)s[i], '\0'};
    size_t step = 1;
    if (s[i] >= 0x80) {
      step = utf8_len(s + i, n - i);
      if (step == 2 && s[i] == 0xc3)
        put = latin1[s[i + 1] - 0x80];
      else if (step == 2 && s[i] == 0xc2 && s[i + 1] == 0xa0)
        put = " "; /* no-break space */
      else
        put = "?";
    } else if (s[i] < 0x20 || s[i] == 0x7f || s[i] == ES || s[i] == SUBES || s[i] == TERM) {
      put = " ";
    } else {
      put = one;
    }
    for (; *put && k < max; put++)
      if (k > 0 || *put != ' ') /* no leading spaces */
        out[k++] = *put;
    i += step;
  }
  while (k > 0 && out[k - 1] == ' ')
    k--;
  out[k] = '\0';
}

static bool check_datetime(struct x12_errors *e, const struct x12_datetime *t)
{
  if (t->year < 1900 || t->year > 2099 || !x12_date_valid(t->year, t->month, t->day) ||
      t->hour < 0 || t->hour > 23 || t->minute < 0 || t->minute > 59) {
    x12_err_add(e, "when", "must be a valid date and time between 1900 and 2099");
    return false;
  }
  return true;
}

static bool check_control(struct x12_errors *e, const char *field, unsigned long v, bool zero_ok)
{
  if ((v == 0 && !zero_ok) || v > 999999999ul) {
    x12_err_add(e, field, "must be 1 to 999999999");
    return false;
  }
  return true;
}

static void check_party(struct x12_errors *e, const char *side, const struct x12_party *p)
{
  char field[X12_FIELD_MAX];
  snprintf(field, sizeof field, "%s.qualifier", side);
  if (p->qualifier)
    check_id(e, field, p->qualifier, X12_QUALIFIER_LEN, X12_QUALIFIER_LEN);
  snprintf(field, sizeof field, "%s.isa_id", side);
  check_id(e, field, p->isa_id, 1, X12_ISA_ID_MAX);
  snprintf(field, sizeof field, "%s.gs_id", side);
  check_id(e, field, p->gs_id ? p->gs_id : p->isa_id, X12_GS_ID_MIN, X12_GS_ID_MAX);
}

static void check_envelope(const struct x12_envelope *env, struct x12_errors *e)
{
  check_party(e, "sender", &env->sender);
  check_party(e, "receiver", &env->receiver);
  check_datetime(e, &env->when);
  check_control(e, "interchange_control", env->interchange_control, false);
  check_control(e, "group_control", env->group_control, true);
  check_control(e, "set_control", env->set_control, true);
  if (env->usage != 0 && env->usage != 'P' && env->usage != 'T')
    x12_err_add(e, "usage", "must be 'P' or 'T'");
  if (env->eol != X12_EOL_NONE && env->eol != X12_EOL_LF && env->eol != X12_EOL_CRLF)
    x12_err_add(e, "eol", "is not one of the x12_eol values");
}

static int cmp_ll(const void *a, const void *b)
{
  long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

static void check_lines(const struct x12_purchase_order *po, struct x12_errors *e)
{
  char field[X12_FIELD_MAX];
  if (po->n_lines == 0 || po->n_lines > 999999 || !po->lines) {
    x12_err_add(e, "lines", "must hold 1 to 999999 lines");
    return;
  }
  for (size_t i = 0; i < po->n_lines; i++) {
    const struct x12_po_line *l = &po->lines[i];
    snprintf(field, sizeof field, "lines[%zu].line", i);
    if (l->line < 1 || l->line > 999999)
      x12_err_add(e, field, "must be 1 to 999999");
    snprintf(field, sizeof field, "lines[%zu].quantity", i);
    if (l->quantity < 1 || l->quantity > 999999999999999LL)
      x12_err_add(e, field, "must be 1 to 999999999999999");
    snprintf(field, sizeof field, "lines[%zu].unit_cost", i);
    if (l->unit_cost < 0 || l->unit_cost > 99999999999999999LL)
      x12_err_add(e, field, "must be 0 to 99999999999999999 minor units");
    snprintf(field, sizeof field, "lines[%zu].sku", i);
    check_id(e, field, l->sku, 1, 48);
  }
  /* PO101 must tell lines apart: an 855 may match lines by it */
  long long *nums = oms_malloc(po->n_lines * sizeof *nums);
  for (size_t i = 0; i < po->n_lines; i++)
    nums[i] = po->lines[i].line;
  qsort(nums, po->n_lines, sizeof *nums, cmp_ll);
  for (size_t i = 1; i < po->n_lines; i++)
    if (nums[i] == nums[i - 1]) {
      x12_err_add(e, "lines", "line number %lld appears twice", nums[i]);
      break;
    }
  free(nums);
}

static void check_po(const struct x12_purchase_order *po, struct x12_errors *e)
{
  check_id(e, "po_number", po->po_number, 1, 22);
  check_id(e, "order_number", po->order_number, 1, 30);
  char name[61];
  clean_text(po->ship_to.name, 60, name);
  if (!name[0])
    x12_err_add(e, "ship_to.name", "is required (N102)");
  check_lines(po, e);
}

/* ---- envelope segments ---- */

static void write_isa(struct seg_writer *w, const struct x12_party *from, const struct x12_party *to,
                      const struct x12_datetime *t, unsigned long control, char usage, char ss)
{
  char buf[16];
  seg_begin(w, "ISA");
  seg_fixed(w, "00", 2);
  seg_fixed(w, "", 10);
  seg_fixed(w, "00", 2);
  seg_fixed(w, "", 10);
  seg_fixed(w, from->qualifier ? from->qualifier : "ZZ", 2);
  seg_fixed(w, from->isa_id, 15);
  seg_fixed(w, to->qualifier ? to->qualifier : "ZZ", 2);
  seg_fixed(w, to->isa_id, 15);
  snprintf(buf, sizeof buf, "%02d%02d%02d", t->year % 100, t->month, t->day);
  seg_fixed(w, buf, 6);
  snprintf(buf, sizeof buf, "%02d%02d", t->hour, t->minute);
  seg_fixed(w, buf, 4);
  seg_fixed(w, "U", 1);
  seg_fixed(w, "00401", 5);
  snprintf(buf, sizeof buf, "%09lu", control);
  seg_fixed(w, buf, 9);
  seg_fixed(w, "0", 1);
  buf[0] = usage ? usage : 'P';
  buf[1] = '\0';
  seg_fixed(w, buf, 1);
  x12_out_char(&w->out, w->es);
  x12_out_char(&w->out, ss); /* as a byte: ISA16 is never empty, so nothing is trimmed */
  seg_end(w);
}

static void write_gs(struct seg_writer *w, const char *fid, const char *from, const char *to,
                     const struct x12_datetime *t, unsigned long control)
{
  char date[16], time[8], ctl[16];
  snprintf(date, sizeof date, "%04d%02d%02d", t->year, t->month, t->day);
  snprintf(time, sizeof time, "%02d%02d", t->hour, t->minute);
  snprintf(ctl, sizeof ctl, "%lu", control);
  seg(w, "GS", fid, from, to, date, time, ctl, "X", "004010", NULL);
}

static void write_trailers(struct seg_writer *w, size_t sets, unsigned long group_control,
                           unsigned long interchange_control)
{
  char n[24], ctl[16];
  snprintf(n, sizeof n, "%zu", sets);
  snprintf(ctl, sizeof ctl, "%lu", group_control);
  seg(w, "GE", n, ctl, NULL);
  snprintf(ctl, sizeof ctl, "%09lu", interchange_control);
  seg(w, "IEA", "1", ctl, NULL);
}

static void write_se(struct seg_writer *w, const char *set_control)
{
  char n[24];
  snprintf(n, sizeof n, "%zu", w->count + 1); /* ST..SE, SE included */
  seg(w, "SE", n, set_control, NULL);
}

/* ---- 850 ---- */

static void write_ship_to(struct seg_writer *w, const struct x12_address *a)
{
  char name[61], l1[56], l2[56], city[31], region[3], postal[16], country[4];
  clean_text(a->name, 60, name);
  seg(w, "N1", "ST", name, NULL);
  clean_text(a->line1, 55, l1);
  clean_text(a->line2, 55, l2);
  if (l1[0] || l2[0])
    seg(w, "N3", l1[0] ? l1 : l2, l1[0] ? l2 : "", NULL);
  clean_text(a->city, 30, city);
  clean_text(a->region, 2, region);
  clean_text(a->postal_code, 15, postal);
  clean_text(a->country, 3, country);
  if (city[0] || region[0] || postal[0] || country[0])
    seg(w, "N4", city, region, postal, country, NULL);
}

static void write_po1(struct seg_writer *w, const struct x12_po_line *l)
{
  char line[24], qty[24], cost[32];
  snprintf(line, sizeof line, "%lld", l->line);
  snprintf(qty, sizeof qty, "%lld", l->quantity);
  snprintf(cost, sizeof cost, "%lld.%02lld", l->unit_cost / 100, l->unit_cost % 100);
  seg(w, "PO1", line, qty, "EA", cost, "", "SK", l->sku, NULL);
}

static void write_850_set(struct seg_writer *w, const struct x12_envelope *env,
                          const struct x12_purchase_order *po, const char *set_control)
{
  char date[16], n[24];
  snprintf(date, sizeof date, "%04d%02d%02d", env->when.year, env->when.month, env->when.day);
  w->count = 0;
  seg(w, "ST", "850", set_control, NULL);
  seg(w, "BEG", "00", "DS", po->po_number, "", date, NULL);
  seg(w, "REF", "CO", po->order_number, NULL);
  write_ship_to(w, &po->ship_to);
  for (size_t i = 0; i < po->n_lines; i++)
    write_po1(w, &po->lines[i]);
  snprintf(n, sizeof n, "%zu", po->n_lines);
  seg(w, "CTT", n, NULL);
  write_se(w, set_control);
}

int x12_write_850(const struct x12_envelope *env, const struct x12_purchase_order *po,
                  struct x12_buf *out, struct x12_errors *errors)
{
  out->data = NULL;
  out->len = 0;
  size_t before = errors->n;
  check_envelope(env, errors);
  check_po(po, errors);
  if (errors->n != before || errors->truncated)
    return -1;

  unsigned long gctl = env->group_control ? env->group_control : env->interchange_control;
  unsigned long sctl = env->set_control ? env->set_control : gctl;
  char set_control[16];
  snprintf(set_control, sizeof set_control, "%04lu", sctl);
  struct seg_writer w = {.es = ES, .term = TERM, .eol = env->eol};
  const struct x12_party *from = &env->sender, *to = &env->receiver;
  write_isa(&w, from, to, &env->when, env->interchange_control, env->usage, SUBES);
  write_gs(&w, "PO", from->gs_id ? from->gs_id : from->isa_id, to->gs_id ? to->gs_id : to->isa_id,
           &env->when, gctl);
  write_850_set(&w, env, po, set_control);
  write_trailers(&w, 1, gctl, env->interchange_control);
  x12_out_finish(&w.out, out);
  return 0;
}

/* ---- 997 ---- */

/* True when v can be echoed between the 997's separators. */
static bool echo_ok(const struct seg_writer *w, char ss, const char *v)
{
  for (const char *p = v ? v : ""; *p; p++)
    if (*p == w->es || *p == ss || *p == w->term || *p == '\r' || *p == '\n')
      return false;
  return true;
}

static bool check_997(const struct x12_interchange *rx, const struct x12_997_options *opt,
                      const struct seg_writer *w, struct x12_errors *e)
{
  size_t before = e->n, sets = 0;
  check_datetime(e, &opt->when);
  check_control(e, "interchange_control", opt->interchange_control, false);
  check_control(e, "group_control", opt->group_control, true);
  if (rx->n_groups == 0)
    x12_err_add(e, "received", "holds no functional group to acknowledge");
  const char *echo[] = {rx->sender_qualifier, rx->sender_id, rx->receiver_qualifier,
                        rx->receiver_id};
  bool ok = true;
  for (size_t i = 0; i < OMS_ARRAY_LEN(echo); i++)
    ok = ok && echo_ok(w, rx->subelement_separator, echo[i]);
  for (size_t g = 0; g < rx->n_groups; g++) {
    const struct x12_group *gr = &rx->groups[g];
    ok = ok && echo_ok(w, rx->subelement_separator, gr->functional_id) &&
         echo_ok(w, rx->subelement_separator, gr->control) &&
         echo_ok(w, rx->subelement_separator, gr->sender_id) &&
         echo_ok(w, rx->subelement_separator, gr->receiver_id);
    for (size_t s = 0; s < gr->n_sets; s++, sets++)
      ok = ok && echo_ok(w, rx->subelement_separator, gr->sets[s].id) &&
           echo_ok(w, rx->subelement_separator, gr->sets[s].control);
  }
  if (!ok)
    x12_err_add(e, "received", "holds a value that contains a separator");
  if (opt->rejected && opt->n_rejected != sets)
    x12_err_add(e, "rejected", "must have one entry per received set (%zu)", sets);
  return e->n == before && !e->truncated;
}

/* One ST*997 acknowledging group g; *set_index counts sets over all groups. */
static void write_997_set(struct seg_writer *w, const struct x12_group *g,
                          const struct x12_997_options *opt, size_t *set_index,
                          const char *set_control)
{
  char n[24], acc[24];
  size_t accepted = 0;
  w->count = 0;
  seg(w, "ST", "997", set_control, NULL);
  seg(w, "AK1", g->functional_id, g->control, NULL);
  for (size_t s = 0; s < g->n_sets; s++, (*set_index)++) {
    bool rejected = opt->rejected && opt->rejected[*set_index];
    accepted += !rejected;
    seg(w, "AK2", g->sets[s].id, g->sets[s].control, NULL);
    seg(w, "AK5", rejected ? "R" : "A", NULL);
  }
  snprintf(n, sizeof n, "%zu", g->n_sets);
  snprintf(acc, sizeof acc, "%zu", accepted);
  const char *status = accepted == g->n_sets ? "A" : accepted == 0 ? "R" : "P";
  seg(w, "AK9", status, n, n, acc, NULL);
  write_se(w, set_control);
}

int x12_write_997(const struct x12_interchange *rx, const struct x12_997_options *opt,
                  struct x12_buf *out, struct x12_errors *errors)
{
  out->data = NULL;
  out->len = 0;
  struct seg_writer w = {.es = rx->element_separator, .term = rx->segment_terminator,
                         .eol = opt->eol};
  if (!check_997(rx, opt, &w, errors))
    return -1;

  unsigned long gctl = opt->group_control ? opt->group_control : opt->interchange_control;
  struct x12_party from = {rx->receiver_qualifier, rx->receiver_id, rx->groups[0].receiver_id};
  struct x12_party to = {rx->sender_qualifier, rx->sender_id, rx->groups[0].sender_id};
  write_isa(&w, &from, &to, &opt->when, opt->interchange_control, rx->usage,
            rx->subelement_separator);
  write_gs(&w, "FA", from.gs_id, to.gs_id, &opt->when, gctl);
  size_t set_index = 0;
  for (size_t g = 0; g < rx->n_groups; g++) {
    char set_control[24];
    snprintf(set_control, sizeof set_control, "%04zu", g + 1);
    write_997_set(&w, &rx->groups[g], opt, &set_index, set_control);
  }
  write_trailers(&w, rx->n_groups, gctl, opt->interchange_control);
  x12_out_finish(&w.out, out);
  return 0;
}
