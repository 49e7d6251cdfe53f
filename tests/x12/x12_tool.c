/* x12_tool.c: the X12 codec from the command line, for the independent
 * check of tests/x12/check_x12_perl.sh and for trying documents by hand.
 *
 *   x12_tool 850 [FILE]                      JSON purchase order -> 850 on stdout
 *   x12_tool 997 CONTROL CCYYMMDDHHMM [FILE] X12 interchange -> its 997 on stdout
 *   x12_tool read [FILE]                     X12 interchange -> what was read, one line a record
 *
 * FILE defaults to standard input. Exit status 0, 1 on invalid input (the
 * errors on stderr as "<field>: <message>"), 2 on usage errors.
 *
 * The JSON of `850` (every field but line2/region/usage/eol/group_control/
 * set_control is required):
 *   {"sender":{"qualifier":"ZZ","isa_id":"ACMEOMS","gs_id":"ACMEOMS"},
 *    "receiver":{"qualifier":"ZZ","isa_id":"SUPPLIER01"},
 *    "when":"202403011230", "control":42, "usage":"P", "eol":"none|lf|crlf",
 *    "po_number":"PO-1001", "order_number":"SO-5001",
 *    "ship_to":{"name","line1","line2","city","region","postal_code","country"},
 *    "lines":[{"line":1,"sku":"SKU-1","quantity":2,"unit_cost":1250}]} */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/common.h"
#include "oms/x12.h"

static char *slurp(const char *path, size_t *len)
{
  FILE *f = path ? fopen(path, "rb") : stdin;
  if (!f) {
    perror(path);
    exit(2);
  }
  size_t cap = 65536, n = 0;
  char *buf = oms_malloc(cap);
  for (size_t got; (got = fread(buf + n, 1, cap - n, f)) > 0;) {
    n += got;
    if (n == cap)
      buf = oms_realloc(buf, cap *= 2);
  }
  if (path)
    fclose(f);
  *len = n;
  return buf;
}

static int print_errors(const struct x12_errors *e)
{
  for (size_t i = 0; i < e->n; i++)
    fprintf(stderr, "%s: %s\n", e->e[i].field, e->e[i].message);
  if (e->truncated)
    fprintf(stderr, "(more errors not shown)\n");
  return 1;
}

static int parse_when(const char *s, struct x12_datetime *t)
{
  if (!s || strlen(s) != 12 || sscanf(s, "%4d%2d%2d%2d%2d", &t->year, &t->month, &t->day,
                                      &t->hour, &t->minute) != 5) {
    fprintf(stderr, "when must be CCYYMMDDHHMM\n");
    return -1;
  }
  return 0;
}

static const char *str(json_t *o, const char *k)
{
  return json_string_value(json_object_get(o, k));
}

static enum x12_eol eol_of(const char *s)
{
  return !s ? X12_EOL_NONE : !strcmp(s, "lf") ? X12_EOL_LF : !strcmp(s, "crlf") ? X12_EOL_CRLF
                                                                                : X12_EOL_NONE;
}

static int cmd_850(const char *path)
{
  size_t len;
  char *text = slurp(path, &len);
  json_error_t jerr;
  json_t *j = json_loadb(text, len, 0, &jerr);
  free(text);
  if (!j) {
    fprintf(stderr, "JSON: %s (line %d)\n", jerr.text, jerr.line);
    return 2;
  }
  json_t *snd = json_object_get(j, "sender"), *rcv = json_object_get(j, "receiver");
  json_t *to = json_object_get(j, "ship_to"), *lines = json_object_get(j, "lines");
  struct x12_envelope env = {
      .sender = {str(snd, "qualifier"), str(snd, "isa_id"), str(snd, "gs_id")},
      .receiver = {str(rcv, "qualifier"), str(rcv, "isa_id"), str(rcv, "gs_id")},
      .interchange_control = (unsigned long)json_integer_value(json_object_get(j, "control")),
      .group_control = (unsigned long)json_integer_value(json_object_get(j, "group_control")),
      .set_control = (unsigned long)json_integer_value(json_object_get(j, "set_control")),
      .usage = str(j, "usage") ? str(j, "usage")[0] : 0,
      .eol = eol_of(str(j, "eol"))};
  int rc = 2;
  size_t n = json_array_size(lines);
  struct x12_po_line *pl = oms_calloc(n ? n : 1, sizeof *pl);
  if (parse_when(str(j, "when"), &env.when) == 0) {
    for (size_t i = 0; i < n; i++) {
      json_t *l = json_array_get(lines, i);
      pl[i] = (struct x12_po_line){json_integer_value(json_object_get(l, "line")),
                                   json_integer_value(json_object_get(l, "quantity")),
                                   json_integer_value(json_object_get(l, "unit_cost")),
                                   str(l, "sku")};
    }
    struct x12_purchase_order po = {
        str(j, "po_number"), str(j, "order_number"),
        {str(to, "name"), str(to, "line1"), str(to, "line2"), str(to, "city"), str(to, "region"),
         str(to, "postal_code"), str(to, "country")},
        n, pl};
    struct x12_errors errors = {0};
    struct x12_buf out;
    rc = x12_write_850(&env, &po, &out, &errors) == 0 ? 0 : print_errors(&errors);
    if (rc == 0)
      fwrite(out.data, 1, out.len, stdout);
    free(out.data);
  }
  free(pl);
  json_decref(j);
  return rc;
}

static struct x12_interchange *read_file(const char *path)
{
  size_t len;
  char *text = slurp(path, &len);
  struct x12_errors errors = {0};
  struct x12_interchange *ic = NULL;
  if (x12_read(text, len, &ic, &errors) != 0)
    print_errors(&errors);
  free(text);
  return ic;
}

static int cmd_997(const char *control, const char *when, const char *path)
{
  struct x12_997_options opt = {.interchange_control = strtoul(control, NULL, 10)};
  if (parse_when(when, &opt.when) != 0)
    return 2;
  struct x12_interchange *ic = read_file(path);
  if (!ic)
    return 1;
  struct x12_errors errors = {0};
  struct x12_buf out;
  int rc = x12_write_997(ic, &opt, &out, &errors) == 0 ? 0 : print_errors(&errors);
  if (rc == 0)
    fwrite(out.data, 1, out.len, stdout);
  free(out.data);
  x12_interchange_free(ic);
  return rc;
}

static void print_set(const struct x12_set *s)
{
  printf("set %s %s segments %zu-%zu\n", s->id, s->control, s->segment, s->end_segment);
  static const char *status[] = {"IA", "IR", "IB"};
  if (s->type == X12_SET_855) {
    const struct x12_855 *a = &s->u.po_ack;
    printf("  855 po=%s type=%s\n", a->po_number, a->ack_type);
    for (size_t i = 0; i < a->n_lines; i++) {
      const struct x12_ack_line *l = &a->lines[i];
      printf("  line %s sku=%s quantity=%lld", l->line_number ? l->line_number : "-",
             l->sku ? l->sku : "-", l->quantity);
      for (size_t k = 0; k < l->n_acks; k++)
        printf(" ack=%s/%lld", status[l->acks[k].status], l->acks[k].quantity);
      printf("\n");
    }
  } else if (s->type == X12_SET_856) {
    const struct x12_856 *sh = &s->u.ship;
    printf("  856 shipment=%s carrier=%s tracking=%s\n", sh->shipment_id ? sh->shipment_id : "-",
           sh->carrier ? sh->carrier : "-", sh->tracking ? sh->tracking : "-");
    for (size_t o = 0; o < sh->n_orders; o++)
      for (size_t i = 0; i < sh->orders[o].n_items; i++)
        printf("  po=%s sku=%s shipped=%lld\n", sh->orders[o].po_number,
               sh->orders[o].items[i].sku, sh->orders[o].items[i].quantity);
  } else if (s->type == X12_SET_846) {
    for (size_t i = 0; i < s->u.inventory.n_items; i++)
      printf("  846 sku=%s available=%lld\n", s->u.inventory.items[i].sku,
             s->u.inventory.items[i].available);
  }
}

static int cmd_read(const char *path)
{
  struct x12_interchange *ic = read_file(path);
  if (!ic)
    return 1;
  printf("interchange %s from %s/%s to %s/%s usage %c\n", ic->control, ic->sender_qualifier,
         ic->sender_id, ic->receiver_qualifier, ic->receiver_id, ic->usage);
  for (size_t g = 0; g < ic->n_groups; g++) {
    const struct x12_group *gr = &ic->groups[g];
    printf("group %s %s from %s to %s\n", gr->functional_id, gr->control, gr->sender_id,
           gr->receiver_id);
    for (size_t s = 0; s < gr->n_sets; s++)
      print_set(&gr->sets[s]);
  }
  x12_interchange_free(ic);
  return 0;
}

int main(int argc, char **argv)
{
  oms_alloc_install();
  if (argc >= 2 && !strcmp(argv[1], "850") && argc <= 3)
    return cmd_850(argc == 3 ? argv[2] : NULL);
  if (argc >= 4 && !strcmp(argv[1], "997") && argc <= 5)
    return cmd_997(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
  if (argc >= 2 && !strcmp(argv[1], "read") && argc <= 3)
    return cmd_read(argc == 3 ? argv[2] : NULL);
  fprintf(stderr, "usage: x12_tool 850 [FILE] | 997 CONTROL CCYYMMDDHHMM [FILE] | read [FILE]\n");
  return 2;
}
