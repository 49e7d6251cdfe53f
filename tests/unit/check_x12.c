/* check_x12.c: the X12 codec (include/oms/x12.h, docs/edi.md): the 850
 * writer byte for byte against the worked example, the reader over
 * real-world shaped 855/856/846 interchanges with every separator and line
 * ending, every error the reader reports (field "segment <n> (<ID>)"), and
 * the 997 writer. */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/x12.h"
#include "unit.h"

/* ---- documents ---- */

#define ISA_IN "ISA*00*          *00*          *ZZ*SUPPLIER01     *ZZ*ACMEOMS        *240302*0815*U*00401*000001001*0*P*>~"

/* segments:   1 ISA, 2 GS, 3 ST, 4 BAK, 5 REF, 6 PO1, 7 ACK, 8 PO1, 9 ACK, 10 PO1, 11 ACK,
 *             12 CTT, 13 SE, 14 GE, 15 IEA */
static const char DOC_855[] =
    ISA_IN "\r\n"
    "GS*PR*SUPPLIER01*ACMEOMS*20240302*0815*7*X*004010~\r\n"
    "ST*855*0001~\r\n"
    "BAK*00*AC*PO-1001*20240301~\r\n"
    "REF*CO*SO-5001~\r\n"
    "PO1*1*2*EA*12.50**SK*SKU-1~\r\n"
    "ACK*IA*2*EA~\r\n"
    "PO1*2*1*EA*8.00**VN*V-2*SK*SKU-2~\r\n"
    "ACK*IR*1*EA~\r\n"
    "PO1*3*4*EA*1.00~\r\n"
    "ACK*IB*4*EA*068*20240320~\r\n"
    "CTT*3~\r\n"
    "SE*11*0001~\r\n"
    "GE*1*7~\r\n"
    "IEA*1*000001001~\r\n";

/* 1 ISA, 2 GS, 3 ST, 4 BSN, 5 HL, 6 TD5, 7 REF, 8 HL, 9 PRF, 10 HL, 11 LIN, 12 SN1, 13 HL,
 * 14 LIN, 15 SN1, 16 CTT, 17 SE, 18 GE, 19 IEA */
static const char DOC_856[] =
    ISA_IN
    "GS*SH*SUPPLIER01*ACMEOMS*20240303*1400*9*X*004010~"
    "ST*856*0001~"
    "BSN*00*SHP-9001*20240303*1400*0001~"
    "HL*1**S~"
    "TD5*B*2*UPSN*M*UPS Ground~"
    "REF*CN*1Z999AA10123456784~"
    "HL*2*1*O~"
    "PRF*PO-1001***20240301~"
    "HL*3*2*I~"
    "LIN*1*SK*SKU-1*UP*012345678905~"
    "SN1*1*2*EA~"
    "HL*4*2*I~"
    "LIN*2*SK*SKU-2~"
    "SN1*2*1*EA~"
    "CTT*4~"
    "SE*15*0001~"
    "GE*1*9~"
    "IEA*1*000001001~";

/* 1 ISA, 2 GS, 3 ST, 4 BIA, 5 LIN, 6 QTY, 7 QTY, 8 LIN, 9 PID, 10 QTY, 11 SE, 12 GE, 13 IEA */
static const char DOC_846[] =
    ISA_IN "\n"
    "GS*IB*SUPPLIER01*ACMEOMS*20240302*0815*11*X*004010~\n"
    "ST*846*0001~\n"
    "BIA*00*SI*INV-1*20240302~\n"
    "LIN**SK*SKU-001~\n"
    "QTY*33*10*EA~\n"
    "QTY*02*5*EA~\n"
    "LIN**SK*SKU-002~\n"
    "PID*F****Blue widget~\n"
    "QTY*33*0*EA~\n"
    "SE*9*0001~\n"
    "GE*1*11~\n"
    "IEA*1*000001001~\n";

/* Two groups: two 846 sets (segments 3-9 and 10-16), then an 855 (19-25). */
static const char DOC_SEVERAL[] =
    ISA_IN "\n"
    "GS*IB*SUPPLIER01*ACMEOMS*20240302*0815*12*X*004010~\n"
    "ST*846*0001~\nBIA*00*SI*INV-1*20240302~\nLIN**SK*A~\nQTY*33*1~\nLIN**SK*B~\nQTY*33*2~\nSE*7*0001~\n"
    "ST*846*0002~\nBIA*00*SI*INV-2*20240302~\nLIN**SK*C~\nQTY*33*3~\nLIN**SK*D~\nQTY*33*4~\nSE*7*0002~\n"
    "GE*2*12~\n"
    "GS*PR*SUPPLIER01*ACMEOMS*20240302*0815*13*X*004010~\n"
    "ST*855*0001~\nBAK*00*AC*PO-7*20240301~\nPO1*1*1*EA*1.00**SK*E~\nACK*IA*1*EA~\nCTT*1~\nSE*6*0001~\n"
    "GE*1*13~\n"
    "IEA*2*000001001~\n";

/* A copy of doc with the first occurrence of from replaced by to (caller frees). */
static char *replace(const char *doc, const char *from, const char *to)
{
  const char *at = strstr(doc, from);
  ck_assert_msg(at != NULL, "test document has no \"%s\"", from);
  size_t a = (size_t)(at - doc), nf = strlen(from), nt = strlen(to), nd = strlen(doc);
  char *out = malloc(nd - nf + nt + 1);
  ck_assert_ptr_nonnull(out);
  memcpy(out, doc, a);
  memcpy(out + a, to, nt);
  memcpy(out + a + nt, at + nf, nd - a - nf + 1);
  return out;
}

/* doc (separators '*', '>' and '~' + CRLF or LF) with other separators and eol. */
static char *variant(const char *doc, char es, char ss, char term, const char *eol)
{
  size_t n = strlen(doc), k = 0;
  char *out = malloc(n * 3 + 1);
  ck_assert_ptr_nonnull(out);
  for (size_t i = 0; i < n; i++) {
    char c = doc[i];
    if (c == '\r' || c == '\n')
      continue;
    if (c == '~') {
      out[k++] = term;
      for (const char *e = eol; *e; e++)
        out[k++] = *e;
      continue;
    }
    out[k++] = c == '*' ? es : (c == '>' && i == 104) ? ss : c;
  }
  out[k] = '\0';
  return out;
}

static struct x12_interchange *read_ok(const char *doc, size_t len)
{
  struct x12_errors e = {0};
  struct x12_interchange *ic = NULL;
  int rc = x12_read(doc, len, &ic, &e);
  ck_assert_msg(rc == 0, "read failed: %s: %s", e.n ? e.e[0].field : "-",
                e.n ? e.e[0].message : "-");
  ck_assert_ptr_nonnull(ic);
  ck_assert_uint_eq(e.n, 0);
  return ic;
}

/* Reads doc, expects failure with the first error at field, its message holding msg. */
static void read_fails(const char *doc, size_t len, const char *field, const char *msg)
{
  struct x12_errors e = {0};
  struct x12_interchange *ic = (struct x12_interchange *)1;
  ck_assert_int_eq(x12_read(doc, len, &ic, &e), -1);
  ck_assert_ptr_null(ic);
  ck_assert_uint_ge(e.n, 1);
  ck_assert_msg(strcmp(e.e[0].field, field) == 0 && strstr(e.e[0].message, msg),
                "want %s: ...%s..., got %s: %s", field, msg, e.e[0].field, e.e[0].message);
}

/* ---- 850 writer ---- */

static const struct x12_po_line sample_lines[] = {
    {1, 2, 1250, "SKU-1"},
    {2, 1, 800, "SKU-2"},
};

static struct x12_envelope sample_env(void)
{
  return (struct x12_envelope){
      .sender = {"ZZ", "ACMEOMS", "ACMEOMS"},
      .receiver = {"ZZ", "SUPPLIER01", "SUPPLIER01"},
      .when = {2024, 3, 1, 12, 30},
      .interchange_control = 42,
  };
}

static struct x12_purchase_order sample_po(void)
{
  return (struct x12_purchase_order){
      .po_number = "PO-1001",
      .order_number = "SO-5001",
      .ship_to = {"Jane Doe", "1 Main St", "Apt 4", "New York", "NY", "10001", "US"},
      .n_lines = 2,
      .lines = sample_lines,
  };
}

/* The worked example of docs/edi.md. */
static const char SAMPLE_850[] =
    "ISA*00*          *00*          *ZZ*ACMEOMS        *ZZ*SUPPLIER01     *240301*1230*U*00401*000000042*0*P*>~"
    "GS*PO*ACMEOMS*SUPPLIER01*20240301*1230*42*X*004010~"
    "ST*850*0042~"
    "BEG*00*DS*PO-1001**20240301~"
    "REF*CO*SO-5001~"
    "N1*ST*Jane Doe~"
    "N3*1 Main St*Apt 4~"
    "N4*New York*NY*10001*US~"
    "PO1*1*2*EA*12.50**SK*SKU-1~"
    "PO1*2*1*EA*8.00**SK*SKU-2~"
    "CTT*2~"
    "SE*10*0042~"
    "GE*1*42~"
    "IEA*1*000000042~";

static char *write_850(const struct x12_envelope *env, const struct x12_purchase_order *po)
{
  struct x12_errors e = {0};
  struct x12_buf out;
  int rc = x12_write_850(env, po, &out, &e);
  ck_assert_msg(rc == 0, "850 refused: %s: %s", e.n ? e.e[0].field : "-",
                e.n ? e.e[0].message : "-");
  ck_assert_uint_eq(strlen(out.data), out.len);
  return out.data;
}

START_TEST(w850_worked_example_byte_for_byte)
{
  struct x12_envelope env = sample_env();
  struct x12_purchase_order po = sample_po();
  char *doc = write_850(&env, &po);
  ck_assert_str_eq(doc, SAMPLE_850);
  ck_assert_int_eq(strchr(doc, '~') - doc, 105); /* the ISA is 106 characters */
  /* the same input gives the same bytes (a PO fetched twice) */
  char *again = write_850(&env, &po);
  ck_assert_str_eq(doc, again);
  free(again);
  free(doc);
}
END_TEST

START_TEST(w850_line_endings)
{
  struct x12_envelope env = sample_env();
  struct x12_purchase_order po = sample_po();
  env.eol = X12_EOL_LF;
  char *lf = write_850(&env, &po);
  env.eol = X12_EOL_CRLF;
  char *crlf = write_850(&env, &po);
  char *want_lf = variant(SAMPLE_850, '*', '>', '~', "\n");
  char *want_crlf = variant(SAMPLE_850, '*', '>', '~', "\r\n");
  ck_assert_str_eq(lf, want_lf);
  ck_assert_str_eq(crlf, want_crlf);
  free(lf), free(crlf), free(want_lf), free(want_crlf);
}
END_TEST

START_TEST(w850_round_trips_through_the_reader)
{
  struct x12_envelope env = sample_env();
  env.group_control = 17;
  env.set_control = 5;
  env.usage = 'T';
  env.eol = X12_EOL_CRLF;
  struct x12_purchase_order po = sample_po();
  char *doc = write_850(&env, &po);
  ck_assert_ptr_nonnull(strstr(doc, "GS*PO*ACMEOMS*SUPPLIER01*20240301*1230*17*X*004010~"));
  ck_assert_ptr_nonnull(strstr(doc, "ST*850*0005~"));
  ck_assert_ptr_nonnull(strstr(doc, "SE*10*0005~\r\nGE*1*17~\r\nIEA*1*000000042~\r\n"));
  struct x12_interchange *ic = read_ok(doc, strlen(doc));
  ck_assert_str_eq(ic->sender_id, "ACMEOMS");
  ck_assert_str_eq(ic->receiver_id, "SUPPLIER01");
  ck_assert_str_eq(ic->sender_qualifier, "ZZ");
  ck_assert_uint_eq(ic->control_number, 42);
  ck_assert_int_eq(ic->usage, 'T');
  ck_assert_str_eq(ic->date, "240301");
  ck_assert_str_eq(ic->time, "1230");
  ck_assert_uint_eq(ic->n_groups, 1);
  ck_assert_str_eq(ic->groups[0].functional_id, "PO");
  ck_assert_uint_eq(ic->groups[0].control_number, 17);
  ck_assert_uint_eq(ic->groups[0].n_sets, 1);
  const struct x12_set *s = &ic->groups[0].sets[0];
  ck_assert_str_eq(s->id, "850");
  ck_assert_str_eq(s->control, "0005");
  ck_assert_int_eq(s->type, X12_SET_UNKNOWN);
  ck_assert_uint_eq(s->n_segments, 10);
  ck_assert_uint_eq(ic->n_segments, 14);
  x12_interchange_free(ic);
  free(doc);
}
END_TEST

START_TEST(w850_money_quantities_and_controls)
{
  struct x12_po_line lines[] = {{10, 999999999999999LL, 0, "A"},
                                {20, 3, 5, "B.C_D-1"},
                                {30, 12, 123456, "E"},
                                {40, 1, 100, "F"}};
  struct x12_envelope env = sample_env();
  env.interchange_control = 999999999;
  struct x12_purchase_order po = sample_po();
  po.lines = lines;
  po.n_lines = 4;
  char *doc = write_850(&env, &po);
  ck_assert_ptr_nonnull(strstr(doc, "PO1*10*999999999999999*EA*0.00**SK*A~"));
  ck_assert_ptr_nonnull(strstr(doc, "PO1*20*3*EA*0.05**SK*B.C_D-1~"));
  ck_assert_ptr_nonnull(strstr(doc, "PO1*30*12*EA*1234.56**SK*E~"));
  ck_assert_ptr_nonnull(strstr(doc, "PO1*40*1*EA*1.00**SK*F~"));
  ck_assert_ptr_nonnull(strstr(doc, "CTT*4~SE*12*999999999~GE*1*999999999~IEA*1*999999999~"));
  ck_assert_ptr_nonnull(strstr(doc, "*U*00401*999999999*0*P*>~"));
  free(doc);
}
END_TEST

START_TEST(w850_cleans_free_text)
{
  struct x12_envelope env = sample_env();
  struct x12_purchase_order po = sample_po();
  po.ship_to = (struct x12_address){"  Jos\xc3\xa9 M\xc3\xbcller*Stra\xc3\x9f" "e ",
                                    "Rue de l'\xc3\x89glise ~ 5\r\n", "B\xc3\xa2t >B< \xe2\x82\xac",
                                    "Z\xc3\xbcrich", "ZH", "8001", "CHE"};
  char *doc = write_850(&env, &po);
  ck_assert_ptr_nonnull(strstr(doc, "N1*ST*Jose Muller Strasse~"));
  ck_assert_ptr_nonnull(strstr(doc, "N3*Rue de l'Eglise   5*Bat  B< ?~"));
  ck_assert_ptr_nonnull(strstr(doc, "N4*Zurich*ZH*8001*CHE~"));
  struct x12_interchange *ic = read_ok(doc, strlen(doc)); /* still one clean document */
  ck_assert_uint_eq(ic->groups[0].sets[0].n_segments, 10);
  x12_interchange_free(ic);
  free(doc);

  /* long text is cut to the element's maximum; empty parts are left out */
  char longname[100];
  memset(longname, 'x', 99);
  longname[99] = '\0';
  po.ship_to = (struct x12_address){.name = longname, .city = "Springfield", .postal_code = "12345"};
  doc = write_850(&env, &po);
  char want[128];
  snprintf(want, sizeof want, "N1*ST*%.60s~N4*Springfield**12345~PO1*", longname);
  ck_assert_msg(strstr(doc, want) != NULL, "%s", doc);
  free(doc);
}
END_TEST

static void write_fails(const struct x12_envelope *env, const struct x12_purchase_order *po,
                        const char *field, const char *msg)
{
  struct x12_errors e = {0};
  struct x12_buf out = {(char *)1, 1};
  ck_assert_int_eq(x12_write_850(env, po, &out, &e), -1);
  ck_assert_ptr_null(out.data);
  ck_assert_uint_eq(out.len, 0);
  for (size_t i = 0; i < e.n; i++)
    if (strcmp(e.e[i].field, field) == 0 && strstr(e.e[i].message, msg))
      return;
  ck_abort_msg("no error %s: %s (first: %s: %s)", field, msg, e.n ? e.e[0].field : "-",
               e.n ? e.e[0].message : "-");
}

START_TEST(w850_refuses_bad_identifiers)
{
  struct x12_envelope env = sample_env();
  struct x12_purchase_order po = sample_po();
  struct x12_po_line lines[] = {{1, 1, 100, "SKU*1"}, {2, 1, 100, "SKU~2"}, {3, 1, 100, ""},
                                {4, 1, 100, "S\xc3\xa9"}, {5, 1, 100, NULL}};
  po.lines = lines;
  po.n_lines = 5;
  write_fails(&env, &po, "lines[0].sku", "without '*', '>' or '~'");
  write_fails(&env, &po, "lines[1].sku", "printable ASCII");
  write_fails(&env, &po, "lines[2].sku", "is required");
  write_fails(&env, &po, "lines[3].sku", "printable ASCII");
  write_fails(&env, &po, "lines[4].sku", "is required");
  po = sample_po();
  po.po_number = "PO-12345678901234567890"; /* 23 > 22 */
  write_fails(&env, &po, "po_number", "1 to 22 characters");
  po = sample_po();
  po.order_number = " SO-1";
  write_fails(&env, &po, "order_number", "start or end with a space");
  po = sample_po();
  po.ship_to.name = " *~ ";
  write_fails(&env, &po, "ship_to.name", "is required");
  po = sample_po();
  env.sender.isa_id = "ACMEOMS-TOO-LONG"; /* 16 */
  write_fails(&env, &po, "sender.isa_id", "1 to 15 characters");
  env = sample_env();
  env.receiver.qualifier = "ZZZ";
  write_fails(&env, &po, "receiver.qualifier", "2 to 2 characters");
  env = sample_env();
  env.sender.gs_id = "A";
  write_fails(&env, &po, "sender.gs_id", "2 to 15 characters");
  env = sample_env();
  env.receiver.isa_id = "SUP>01";
  write_fails(&env, &po, "receiver.isa_id", "without '*', '>' or '~'");
}
END_TEST

START_TEST(w850_refuses_bad_numbers)
{
  struct x12_envelope env = sample_env();
  struct x12_purchase_order po = sample_po();
  struct x12_po_line lines[] = {{0, 1, 100, "A"}, {2, 0, 100, "B"}, {3, 1, -1, "C"},
                                {3, 1, 1, "D"}, {5, 1000000000000000LL, 1, "E"}};
  po.lines = lines;
  po.n_lines = 5;
  write_fails(&env, &po, "lines[0].line", "1 to 999999");
  write_fails(&env, &po, "lines[1].quantity", "must be 1 to");
  write_fails(&env, &po, "lines[2].unit_cost", "must be 0 to");
  write_fails(&env, &po, "lines", "line number 3 appears twice");
  write_fails(&env, &po, "lines[4].quantity", "must be 1 to");
  po.n_lines = 0;
  write_fails(&env, &po, "lines", "1 to 999999 lines");
  po = sample_po();
  env.interchange_control = 0;
  write_fails(&env, &po, "interchange_control", "1 to 999999999");
  env = sample_env();
  env.interchange_control = 1000000000;
  write_fails(&env, &po, "interchange_control", "1 to 999999999");
  env = sample_env();
  env.set_control = 1000000000;
  write_fails(&env, &po, "set_control", "1 to 999999999");
  env = sample_env();
  env.when = (struct x12_datetime){2023, 2, 29, 10, 0};
  write_fails(&env, &po, "when", "valid date");
  env.when = (struct x12_datetime){2024, 2, 29, 24, 0};
  write_fails(&env, &po, "when", "valid date");
  env = sample_env();
  env.usage = 'X';
  write_fails(&env, &po, "usage", "'P' or 'T'");
}
END_TEST

START_TEST(w850_identity_rules)
{
  ck_assert_ptr_null(x12_id_problem("ACMEOMS", 1, 15));
  ck_assert_ptr_null(x12_id_problem("ACME OMS", 2, 15));
  ck_assert_str_eq(x12_id_problem("", 1, 15), "is required");
  ck_assert_str_eq(x12_id_problem(NULL, 1, 15), "is required");
  ck_assert_str_eq(x12_id_problem("A", 2, 15), "is too short");
  ck_assert_str_eq(x12_id_problem("0123456789ABCDEF", 1, 15), "is too long");
  ck_assert_str_eq(x12_id_problem("ACME ", 1, 15), "must not start or end with a space");
  ck_assert_ptr_nonnull(x12_id_problem("AC\tME", 1, 15));
  char f[X12_FIELD_MAX];
  x12_segment_field(f, 12, "LIN");
  ck_assert_str_eq(f, "segment 12 (LIN)");
}
END_TEST

/* ---- reader: happy paths ---- */

static void check_855_values(const struct x12_interchange *ic)
{
  ck_assert_str_eq(ic->sender_id, "SUPPLIER01");
  ck_assert_str_eq(ic->receiver_id, "ACMEOMS");
  ck_assert_str_eq(ic->control, "000001001");
  ck_assert_uint_eq(ic->control_number, 1001);
  ck_assert_int_eq(ic->usage, 'P');
  ck_assert(!ic->ack_requested);
  ck_assert_uint_eq(ic->n_segments, 15);
  ck_assert_uint_eq(ic->n_groups, 1);
  const struct x12_group *g = &ic->groups[0];
  ck_assert_str_eq(g->functional_id, "PR");
  ck_assert_str_eq(g->sender_id, "SUPPLIER01");
  ck_assert_str_eq(g->version, "004010");
  ck_assert_uint_eq(g->control_number, 7);
  ck_assert_uint_eq(g->segment, 2);
  ck_assert_uint_eq(g->end_segment, 14);
  ck_assert_uint_eq(g->n_sets, 1);
  const struct x12_set *s = &g->sets[0];
  ck_assert_int_eq(s->type, X12_SET_855);
  ck_assert_str_eq(s->control, "0001");
  ck_assert_uint_eq(s->segment, 3);
  ck_assert_uint_eq(s->end_segment, 13);
  const struct x12_855 *a = &s->u.po_ack;
  ck_assert_str_eq(a->po_number, "PO-1001");
  ck_assert_str_eq(a->ack_type, "AC");
  ck_assert_str_eq(a->date, "20240301");
  ck_assert_uint_eq(a->segment, 4);
  ck_assert_uint_eq(a->n_lines, 3);
  ck_assert_str_eq(a->lines[0].line_number, "1");
  ck_assert_str_eq(a->lines[0].sku, "SKU-1");
  ck_assert_int_eq(a->lines[0].quantity, 2);
  ck_assert_uint_eq(a->lines[0].n_acks, 1);
  ck_assert_int_eq(a->lines[0].acks[0].status, X12_ACK_ACCEPTED);
  ck_assert_int_eq(a->lines[0].acks[0].quantity, 2);
  ck_assert_uint_eq(a->lines[0].acks[0].segment, 7);
  ck_assert_str_eq(a->lines[1].sku, "SKU-2"); /* the SK pair, after a VN pair */
  ck_assert_int_eq(a->lines[1].acks[0].status, X12_ACK_REJECTED);
  ck_assert_uint_eq(a->lines[1].segment, 8);
  ck_assert_ptr_null(a->lines[2].sku); /* matched by PO101 */
  ck_assert_str_eq(a->lines[2].line_number, "3");
  ck_assert_int_eq(a->lines[2].acks[0].status, X12_ACK_BACKORDERED);
  ck_assert_int_eq(a->lines[2].acks[0].quantity, 4);
}

START_TEST(r855_happy_path)
{
  struct x12_interchange *ic = read_ok(DOC_855, strlen(DOC_855));
  check_855_values(ic);
  ck_assert_int_eq(ic->element_separator, '*');
  ck_assert_int_eq(ic->subelement_separator, '>');
  ck_assert_int_eq(ic->segment_terminator, '~');
  ck_assert_int_eq(ic->repetition_separator, 0);
  x12_interchange_free(ic);
}
END_TEST

START_TEST(r855_split_acks)
{
  char *doc = replace(DOC_855, "ACK*IA*2*EA~\r\n", "ACK*IA*1*EA~\r\nDTM*068*20240305~\r\nACK*IB*1*EA~\r\n");
  char *fixed = replace(doc, "SE*11*", "SE*13*");
  struct x12_interchange *ic = read_ok(fixed, strlen(fixed));
  const struct x12_ack_line *l = &ic->groups[0].sets[0].u.po_ack.lines[0];
  ck_assert_uint_eq(l->n_acks, 2);
  ck_assert_int_eq(l->acks[0].status, X12_ACK_ACCEPTED);
  ck_assert_int_eq(l->acks[1].status, X12_ACK_BACKORDERED);
  ck_assert_uint_eq(l->acks[1].segment, 9);
  x12_interchange_free(ic);
  free(doc), free(fixed);
}
END_TEST

START_TEST(r856_happy_path)
{
  struct x12_interchange *ic = read_ok(DOC_856, strlen(DOC_856));
  const struct x12_set *s = &ic->groups[0].sets[0];
  ck_assert_int_eq(s->type, X12_SET_856);
  const struct x12_856 *sh = &s->u.ship;
  ck_assert_str_eq(sh->shipment_id, "SHP-9001");
  ck_assert_str_eq(sh->carrier, "UPSN");
  ck_assert_uint_eq(sh->carrier_segment, 6);
  ck_assert_str_eq(sh->tracking, "1Z999AA10123456784");
  ck_assert_uint_eq(sh->tracking_segment, 7);
  ck_assert_uint_eq(sh->n_orders, 1);
  ck_assert_str_eq(sh->orders[0].po_number, "PO-1001");
  ck_assert_uint_eq(sh->orders[0].segment, 9);
  ck_assert_uint_eq(sh->orders[0].n_items, 2);
  ck_assert_str_eq(sh->orders[0].items[0].sku, "SKU-1");
  ck_assert_int_eq(sh->orders[0].items[0].quantity, 2);
  ck_assert_uint_eq(sh->orders[0].items[0].segment, 11);
  ck_assert_uint_eq(sh->orders[0].items[0].sn1_segment, 12);
  ck_assert_str_eq(sh->orders[0].items[1].sku, "SKU-2");
  ck_assert_int_eq(sh->orders[0].items[1].quantity, 1);
  x12_interchange_free(ic);

  /* the carrier from TD505 when TD503 is absent; two orders in one notice */
  char *a = replace(DOC_856, "TD5*B*2*UPSN*M*UPS Ground~", "TD5*****FEDEX HOME~");
  char *b = replace(a, "HL*4*2*I~LIN*2*SK*SKU-2~", "HL*4*1*O~PRF*PO-1002~LIN*2*SK*SKU-2~");
  char *c = replace(b, "SE*15*", "SE*16*");
  ic = read_ok(c, strlen(c));
  sh = &ic->groups[0].sets[0].u.ship;
  ck_assert_str_eq(sh->carrier, "FEDEX HOME");
  ck_assert_uint_eq(sh->n_orders, 2);
  ck_assert_str_eq(sh->orders[1].po_number, "PO-1002");
  ck_assert_str_eq(sh->orders[1].items[0].sku, "SKU-2");
  x12_interchange_free(ic);
  free(a), free(b), free(c);
}
END_TEST

START_TEST(r846_happy_path)
{
  struct x12_interchange *ic = read_ok(DOC_846, strlen(DOC_846));
  const struct x12_set *s = &ic->groups[0].sets[0];
  ck_assert_int_eq(s->type, X12_SET_846);
  ck_assert_uint_eq(s->u.inventory.n_items, 2);
  ck_assert_str_eq(s->u.inventory.items[0].sku, "SKU-001");
  ck_assert_int_eq(s->u.inventory.items[0].available, 10); /* QTY*02 is not what we apply */
  ck_assert_uint_eq(s->u.inventory.items[0].segment, 5);
  ck_assert_uint_eq(s->u.inventory.items[0].qty_segment, 6);
  ck_assert_str_eq(s->u.inventory.items[1].sku, "SKU-002");
  ck_assert_int_eq(s->u.inventory.items[1].available, 0);
  x12_interchange_free(ic);
}
END_TEST

START_TEST(r_separators_and_line_endings)
{
  static const struct {
    char es, ss, term;
    const char *eol;
  } v[] = {{'*', '>', '~', ""},     {'*', '>', '~', "\n"},   {'*', '>', '~', "\r\n"},
           {'|', '^', '~', "\r\n"}, {'^', '>', '\n', ""},    {'*', ':', '\'', "\n"},
           {'!', '\\', '\'', ""},   {0x1d, 0x1f, 0x1c, ""}, {'*', '>', '\r', "\n"}};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    char *doc = variant(DOC_855, v[i].es, v[i].ss, v[i].term, v[i].eol);
    struct x12_interchange *ic = read_ok(doc, strlen(doc));
    check_855_values(ic);
    ck_assert_int_eq(ic->element_separator, v[i].es);
    ck_assert_int_eq(ic->subelement_separator, v[i].ss);
    ck_assert_int_eq(ic->segment_terminator, v[i].term);
    x12_interchange_free(ic);
    free(doc);
  }
  /* whitespace before the ISA and after the IEA; no NUL needed at the end */
  char *doc = replace(DOC_855, "ISA", "\r\n  ISA");
  size_t n = strlen(doc);
  char *padded = malloc(n + 4);
  memcpy(padded, doc, n);
  memcpy(padded + n, " \n\tX", 4);
  struct x12_interchange *ic = read_ok(padded, n + 3);
  check_855_values(ic);
  x12_interchange_free(ic);
  free(doc), free(padded);
}
END_TEST

START_TEST(r_repetition_separator_and_test_usage)
{
  char *a = replace(DOC_846, "*U*00401*000001001*0*P*", "*^*00501*000001001*1*T*");
  struct x12_interchange *ic = read_ok(a, strlen(a));
  ck_assert_int_eq(ic->repetition_separator, '^');
  ck_assert_str_eq(ic->version, "00501");
  ck_assert(ic->ack_requested);
  ck_assert_int_eq(ic->usage, 'T');
  x12_interchange_free(ic);
  free(a);
}
END_TEST

START_TEST(r_several_groups_and_sets)
{
  struct x12_interchange *ic = read_ok(DOC_SEVERAL, strlen(DOC_SEVERAL));
  ck_assert_uint_eq(ic->n_groups, 2);
  ck_assert_uint_eq(ic->groups[0].n_sets, 2);
  ck_assert_uint_eq(ic->groups[1].n_sets, 1);
  ck_assert_str_eq(ic->groups[0].sets[1].control, "0002");
  ck_assert_uint_eq(ic->groups[0].sets[1].segment, 10);
  ck_assert_str_eq(ic->groups[0].sets[1].u.inventory.items[1].sku, "D");
  ck_assert_int_eq(ic->groups[0].sets[1].u.inventory.items[1].available, 4);
  ck_assert_int_eq(ic->groups[1].sets[0].type, X12_SET_855);
  ck_assert_uint_eq(ic->groups[1].sets[0].segment, 19);
  ck_assert_uint_eq(ic->n_segments, 26);
  x12_interchange_free(ic);
}
END_TEST

START_TEST(r_unknown_set_types)
{
  static const char doc[] =
      ISA_IN "GS*IN*SUPPLIER01*ACMEOMS*20240305*0900*18*X*004010~"
      "ST*810*0001~BIG*20240305*INV-1*20240301*PO-1001~TDS*2500~SE*4*0001~GE*1*18~"
      "IEA*1*000001001~";
  struct x12_interchange *ic = read_ok(doc, strlen(doc));
  const struct x12_set *s = &ic->groups[0].sets[0];
  ck_assert_int_eq(s->type, X12_SET_UNKNOWN);
  ck_assert_str_eq(s->id, "810");
  ck_assert_uint_eq(s->n_segments, 4);
  x12_interchange_free(ic);
}
END_TEST

START_TEST(r_every_seed_document_reads)
{
  DIR *d = opendir(OMS_SOURCE_DIR "/fuzz/corpus/x12");
  ck_assert_ptr_nonnull(d);
  int files = 0;
  for (struct dirent *de; (de = readdir(d)) != NULL;) {
    if (de->d_name[0] == '.')
      continue;
    char path[512];
    snprintf(path, sizeof path, "%s/fuzz/corpus/x12/%s", OMS_SOURCE_DIR, de->d_name);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    struct x12_errors e = {0};
    struct x12_interchange *ic = NULL;
    ck_assert_msg(x12_read(buf, n, &ic, &e) == 0, "%s: %s: %s", de->d_name,
                  e.n ? e.e[0].field : "", e.n ? e.e[0].message : "");
    x12_interchange_free(ic);
    files++;
  }
  closedir(d);
  ck_assert_int_ge(files, 12);
}
END_TEST

/* ---- reader: errors ---- */

struct bad_case {
  const char *doc, *from, *to; /* doc with from replaced by to */
  const char *field, *message; /* the first error */
};

static const struct bad_case bad[] = {
    /* the ISA */
    {DOC_855, "ZZ*SUPPLIER01     *", "ZZ*SUPPLIER01    *", "segment 1 (ISA)", "106 characters of fixed width: ISA07"},
    {DOC_855, "ISA*00*          *", "ISA*00*           *", "segment 1 (ISA)", "fixed width: ISA03 does not start at character 19"},
    {DOC_855, "*>~", "*>*~", "segment 1 (ISA)", "separators must differ"},
    {DOC_855, "ISA*", "ISB*", "segment 1 (ISA)", "must start with ISA"},
    {DOC_855, "*P*>~", "*P**~", "segment 1 (ISA)", "separators must differ"},
    {DOC_855, "*P*>~", "*P*A~", "segment 1 (ISA)", "separators must differ"},
    {DOC_855, "*000001001*0*P", "*00000100A*0*P", "segment 1 (ISA)", "ISA13"},
    {DOC_855, "*0*P*>", "*0*X*>", "segment 1 (ISA)", "ISA15"},
    {DOC_855, "*0*P*>", "*2*P*>", "segment 1 (ISA)", "ISA14"},
    {DOC_855, "*240302*0815*", "*240230*0815*", "segment 1 (ISA)", "ISA09"},
    {DOC_855, "*240302*0815*", "*240302*2460*", "segment 1 (ISA)", "ISA10"},
    {DOC_855, "*ZZ*ACMEOMS        *", "*ZZ*               *", "segment 1 (ISA)", "ISA08"},
    {DOC_855, "*00401*", "*004X1*", "segment 1 (ISA)", "ISA12"},
    {DOC_855, "ZZ*SUPPLIER01 ", "ZZ*SUPP\x01IER01 ", "segment 1 (ISA)", "not printable"},
    /* envelope counts and control numbers */
    {DOC_855, "IEA*1*", "IEA*2*", "segment 15 (IEA)", "IEA01 says 2 functional groups, the interchange has 1"},
    {DOC_855, "IEA*1*000001001", "IEA*1*000001002", "segment 15 (IEA)", "IEA02 000001002 does not match ISA13 000001001"},
    {DOC_855, "IEA*1*000001001", "IEA*1*1001", "segment 15 (IEA)", "IEA02 \"1001\" must be 9 digits"},
    {DOC_855, "GE*1*7~", "GE*2*7~", "segment 14 (GE)", "GE01 says 2 transaction sets, the group has 1"},
    {DOC_855, "GE*1*7~", "GE*1*8~", "segment 14 (GE)", "GE02 8 does not match GS06 7"},
    {DOC_855, "SE*11*0001", "SE*12*0001", "segment 13 (SE)", "SE01 says 12 segments, the set has 11"},
    {DOC_855, "SE*11*0001", "SE*11*0002", "segment 13 (SE)", "SE02 \"0002\" does not match ST02 \"0001\""},
    {DOC_855, "SE*11*0001", "SE*eleven*0001", "segment 13 (SE)", "SE01 \"eleven\" must be"},
    {DOC_855, "SE*11*0001", "SE*11", "segment 13 (SE)", "SE02 is required"},
    {DOC_855, "ST*855*0001", "ST*855*001", "segment 3 (ST)", "ST02 must be 4 to 9 characters"},
    {DOC_855, "ST*855*0001", "ST*855", "segment 3 (ST)", "ST02 is required"},
    {DOC_855, "ST*855*0001", "ST*85A*0001", "segment 3 (ST)", "ST01 must be"},
    {DOC_855, "*0815*7*X*", "*0815*7A*X*", "segment 2 (GS)", "GS06 \"7A\" must be 1 to 9 digits"},
    {DOC_855, "*20240302*0815*7*X*004010", "*20240302*0815*7*X", "segment 2 (GS)", "GS08 is required"},
    {DOC_855, "*20240302*0815*7*", "*20241302*0815*7*", "segment 2 (GS)", "GS04 must be a date"},
    {DOC_855, "GS*PR*SUPPLIER01*ACMEOMS*", "GS*PR*SUPPLIER01**", "segment 2 (GS)", "GS03 is required"},
    {DOC_855, "GS*PR*", "GS*SH*", "segment 3 (ST)", "belongs in a functional group GS*PR, not GS*SH"},
    /* nesting */
    {DOC_855, "GS*PR*SUPPLIER01*ACMEOMS*20240302*0815*7*X*004010~\r\n", "", "segment 2 (ST)", "ST where the interchange expects GS or IEA"},
    {DOC_855, "SE*11*0001~\r\n", "", "segment 13 (GE)", "GE inside the transaction set of segment 3, before its SE"},
    {DOC_855, "GE*1*7~\r\n", "", "segment 14 (IEA)", "IEA where the functional group of segment 2 expects ST or GE"},
    {DOC_855, "IEA*1*000001001~\r\n", "", "segment 14 (GE)", "the data ends before the IEA"},
    {DOC_855, "SE*11*0001~\r\nGE*1*7~\r\nIEA*1*000001001~\r\n", "", "segment 12 (CTT)", "inside the transaction set of segment 3 (no SE)"},
    {DOC_855, "IEA*1*000001001~\r\n", "IEA*1*000001001~\r\nGS*PR~", "segment 16 ()", "data after the IEA"},
    {DOC_855, "REF*CO*SO-5001~", "REF*CO*SO-5001~ST*855*0002~", "segment 6 (ST)", "ST inside the transaction set"},
    {DOC_855, "GE*1*7~\r\n", "GE*1*7~\r\nREF*CO*X~", "segment 15 (REF)", "REF where the interchange expects GS or IEA"},
    {DOC_855, "GE*1*7~\r\n", "GE*1*7~\r\nISA*00~", "segment 15 (ISA)", "ISA where the interchange expects GS or IEA"},
    /* segments */
    {DOC_855, "REF*CO*SO-5001~", "REF*CO*SO\t5001~", "segment 5 (REF)", "control character 0x09"},
    {DOC_855, "REF*CO*SO-5001~", "REF*CO*SO\xc3(5001~", "segment 5 (REF)", "not valid UTF-8"},
    {DOC_855, "REF*CO*SO-5001~", "REF*CO*SO-5001~~", "segment 6 ()", "empty segment"},
    {DOC_855, "REF*CO*SO-5001~", "Ref*CO*SO-5001~", "segment 5 (Ref)", "segment id must be"},
    {DOC_855, "IEA*1*000001001~\r\n", "IEA*1*000001001", "segment 15 (IEA)", "no terminator"},
    /* 855 */
    {DOC_855, "BAK*00*AC*PO-1001*20240301~", "BAK*00*AC~", "segment 4 (BAK)", "BAK03 is required"},
    {DOC_855, "BAK*00*AC*PO-1001*20240301~", "BAK*00*AC*PO-1001*2024~", "segment 4 (BAK)", "BAK04 must be a date"},
    {DOC_855, "BAK*00*AC*PO-1001*20240301~", "DTM*068*20240301~", "segment 6 (PO1)", "PO1 before the BAK"},
    {DOC_855, "ACK*IA*2*EA~\r\n", "", "segment 6 (PO1)", "the PO1 line has no ACK after it"},
    {DOC_855, "ACK*IB*4*EA*068*20240320~\r\n", "", "segment 10 (PO1)", "the PO1 line has no ACK after it"},
    {DOC_855, "REF*CO*SO-5001~", "ACK*IA~", "segment 5 (ACK)", "ACK without a PO1 line before it"},
    {DOC_855, "ACK*IA*2*EA~", "ACK*IX*2*EA~", "segment 7 (ACK)", "ACK01 must be IA (accepted), IR (rejected) or IB"},
    {DOC_855, "ACK*IA*2*EA~", "ACK**2*EA~", "segment 7 (ACK)", "ACK01 is required"},
    {DOC_855, "ACK*IA*2*EA~", "ACK*IA*1.5*EA~", "segment 7 (ACK)", "ACK02 \"1.5\" is not a whole number"},
    {DOC_855, "PO1*1*2*EA", "PO1*1*2X*EA", "segment 6 (PO1)", "PO102 \"2X\" is not a number"},
    {DOC_855, "PO1*1*2*EA", "PO1*1*-2*EA", "segment 6 (PO1)", "PO102 \"-2\" is negative"},
    {DOC_855, "PO1*1*2*EA", "PO1*1*1234567890123456*EA", "segment 6 (PO1)", "PO102 \"1234567890123456\" is too large"},
    /* found by fuzzing: the digits overflowed a long long before "too large" */
    {DOC_855, "PO1*1*2*EA", "PO1*1*12333333333333333333333*EA", "segment 6 (PO1)", "PO102 \"12333333333333333333333\" is too large"},
    {DOC_855, "PO1*1*2*EA*12.50**SK*SKU-1~", "PO1**2*EA*12.50~", "segment 6 (PO1)", "names neither a line (PO101) nor an SK"},
    {DOC_855, "CTT*3~", "CTT*4~", "segment 12 (CTT)", "CTT01 says 4 PO1 lines, the set has 3"},
    {DOC_855, "CTT*3~", "CTT*three~", "segment 12 (CTT)", "CTT01 \"three\" is not a number"},
    /* 856 */
    {DOC_856, "LIN*1*SK*SKU-1*UP*012345678905~", "LIN*1*UP*012345678905~", "segment 11 (LIN)", "the LIN has no SK product id"},
    {DOC_856, "SN1*1*2*EA~", "SN1*1~", "segment 12 (SN1)", "SN102 is required"},
    {DOC_856, "SN1*1*2*EA~", "SN1*1*-2*EA~", "segment 12 (SN1)", "SN102 \"-2\" is negative"},
    {DOC_856, "SN1*1*2*EA~", "SN1*1*two*EA~", "segment 12 (SN1)", "SN102 \"two\" is not a number"},
    {DOC_856, "SN1*1*2*EA~", "DTM*011*20240303~", "segment 11 (LIN)", "the LIN item has no SN1 after it"},
    {DOC_856, "SN1*2*1*EA~", "SN1*2*1*EA~SN1*2*1*EA~", "segment 16 (SN1)", "a second SN1 for one LIN"},
    {DOC_856, "HL*1**S~", "SN1*1*1*EA~", "segment 5 (SN1)", "SN1 without a LIN before it"},
    {DOC_856, "PRF*PO-1001***20240301~", "PRF~", "segment 9 (PRF)", "PRF01 is required"},
    {DOC_856, "PRF*PO-1001***20240301~", "DTM*011*20240301~", "segment 11 (LIN)", "LIN before any PRF"},
    {DOC_856, "HL*2*1*O~PRF*PO-1001***20240301~HL*3*2*I~LIN*1*SK*SKU-1*UP*012345678905~SN1*1*2*EA~HL*4*2*I~LIN*2*SK*SKU-2~SN1*2*1*EA~",
     "HL*2*1*O~HL*3*2*I~HL*4*2*I~HL*5*2*I~HL*6*2*I~HL*7*2*I~HL*8*2*I~HL*9*2*I~", "segment 3 (ST)", "the 856 has no PRF"},
    {DOC_856, "HL*3*2*I~LIN*1*SK*SKU-1*UP*012345678905~SN1*1*2*EA~HL*4*2*I~LIN*2*SK*SKU-2~SN1*2*1*EA~",
     "HL*3*2*I~HL*4*2*I~HL*5*2*I~HL*6*2*I~HL*7*2*I~HL*8*2*I~", "segment 9 (PRF)", "the PRF order has no LIN item"},
    {DOC_856, "REF*CN*1Z999AA10123456784~", "REF*CN~", "segment 7 (REF)", "REF02 is required"},
    /* 846 */
    {DOC_846, "QTY*33*10*EA~", "QTY*33~", "segment 6 (QTY)", "QTY02 is required"},
    {DOC_846, "QTY*33*10*EA~", "QTY*33*-10*EA~", "segment 6 (QTY)", "QTY02 \"-10\" is negative"},
    {DOC_846, "QTY*33*10*EA~", "QTY*33*ten*EA~", "segment 6 (QTY)", "QTY02 \"ten\" is not a number"},
    {DOC_846, "QTY*33*10*EA~", "QTY*33*10.25*EA~", "segment 6 (QTY)", "QTY02 \"10.25\" is not a whole number"},
    {DOC_846, "QTY*33*10*EA~", "QTY**10*EA~", "segment 6 (QTY)", "QTY01 is required"},
    {DOC_846, "QTY*33*10*EA~", "QTY*17*10*EA~", "segment 5 (LIN)", "the LIN item has no QTY*33"},
    {DOC_846, "QTY*02*5*EA~", "QTY*33*5*EA~", "segment 7 (QTY)", "a second QTY*33 for one LIN"},
    {DOC_846, "BIA*00*SI*INV-1*20240302~", "QTY*33*1~", "segment 4 (QTY)", "QTY*33 without a LIN item before it"},
    {DOC_846, "LIN**SK*SKU-002~", "LIN**UP*012345678905~", "segment 8 (LIN)", "the LIN has no SK product id"},
    {DOC_846, "LIN**SK*SKU-001~\nQTY*33*10*EA~\nQTY*02*5*EA~\nLIN**SK*SKU-002~\nPID*F****Blue widget~\nQTY*33*0*EA~\n",
     "DTM*1~\nDTM*2~\nDTM*3~\nDTM*4~\nDTM*5~\nDTM*6~\n", "segment 3 (ST)", "the 846 has no LIN item"},
    /* control numbers unique in their group / interchange */
    {DOC_SEVERAL, "ST*846*0002~\nBIA*00*SI*INV-2*20240302~\nLIN**SK*C~\nQTY*33*3~\nLIN**SK*D~\nQTY*33*4~\nSE*7*0002~",
     "ST*846*0001~\nBIA*00*SI*INV-2*20240302~\nLIN**SK*C~\nQTY*33*3~\nLIN**SK*D~\nQTY*33*4~\nSE*7*0001~", "segment 10 (ST)",
     "ST02 0001 repeats the set control number of segment 3"},
    {DOC_SEVERAL, "0815*13*X*004010~", "0815*012*X*004010~", "segment 25 (GE)", "GE02 13 does not match GS06 012"},
};

START_TEST(r_errors)
{
  const struct bad_case *c = &bad[_i];
  char *doc = replace(c->doc, c->from, c->to);
  read_fails(doc, strlen(doc), c->field, c->message);
  free(doc);
}
END_TEST

START_TEST(r_error_edge_cases)
{
  read_fails("", 0, "segment 1 (ISA)", "must start with ISA");
  read_fails(NULL, 0, "segment 1 (ISA)", "must start with ISA");
  read_fails(DOC_855, 50, "segment 1 (ISA)", "cut short");
  read_fails(DOC_855, 106, "segment 1 (ISA)", "the data ends before the IEA");
  /* group control numbers are compared as numbers: 012 and 12 are the same group */
  char *a = replace(DOC_SEVERAL, "0815*13*X*004010~", "0815*012*X*004010~");
  char *b = replace(a, "GE*1*13~", "GE*1*12~");
  read_fails(b, strlen(b), "segment 18 (GS)", "GS06 repeats the group control number of segment 2");
  free(a), free(b);
  /* found by fuzzing: a NUL sub-element separator was accepted, and its 997 had a space */
  size_t n855 = strlen(DOC_855);
  char *nul = malloc(n855);
  memcpy(nul, DOC_855, n855);
  nul[104] = '\0';
  read_fails(nul, n855, "segment 1 (ISA)", "separators must differ");
  nul[104] = '>';
  nul[3] = '\0';
  read_fails(nul, n855, "segment 1 (ISA)", "separators must differ");
  free(nul);
  /* an interchange with no group, a group with no set */
  static const char empty[] = ISA_IN "IEA*0*000001001~";
  read_fails(empty, strlen(empty), "segment 2 (IEA)", "holds no functional group");
  static const char no_set[] =
      ISA_IN "GS*PR*SUPPLIER01*ACMEOMS*20240302*0815*7*X*004010~GE*0*7~IEA*1*000001001~";
  read_fails(no_set, strlen(no_set), "segment 3 (GE)", "holds no transaction set");
}
END_TEST

START_TEST(r_collects_value_errors_in_order)
{
  char *a = replace(DOC_855, "PO1*1*2*EA", "PO1*1*-2*EA");
  char *b = replace(a, "ACK*IR*1*EA", "ACK*IX*1*EA");
  char *c = replace(b, "SE*11*0001", "SE*10*0001");
  char *d = replace(c, "IEA*1*000001001", "IEA*1*000001009");
  struct x12_errors e = {0};
  struct x12_interchange *ic = NULL;
  ck_assert_int_eq(x12_read(d, strlen(d), &ic, &e), -1);
  ck_assert_uint_eq(e.n, 4);
  ck_assert_str_eq(e.e[0].field, "segment 6 (PO1)");
  ck_assert_str_eq(e.e[1].field, "segment 9 (ACK)");
  ck_assert_str_eq(e.e[2].field, "segment 13 (SE)");
  ck_assert_str_eq(e.e[3].field, "segment 15 (IEA)");
  ck_assert(!e.truncated);
  free(a), free(b), free(c), free(d);

  /* past X12_MAX_ERRORS the list is cut and says so */
  char big[8192];
  int n = snprintf(big, sizeof big, "%sGS*IB*SUPPLIER01*ACMEOMS*20240302*0815*11*X*004010~ST*846*0001~",
                   ISA_IN);
  for (int i = 0; i < 30; i++)
    n += snprintf(big + n, sizeof big - (size_t)n, "LIN**SK*S%d~QTY*33*-1~", i);
  n += snprintf(big + n, sizeof big - (size_t)n, "SE*62*0001~GE*1*11~IEA*1*000001001~");
  memset(&e, 0, sizeof e);
  ck_assert_int_eq(x12_read(big, (size_t)n, &ic, &e), -1);
  ck_assert_uint_eq(e.n, X12_MAX_ERRORS);
  ck_assert(e.truncated);
  ck_assert_str_eq(e.e[0].field, "segment 5 (QTY)");
  ck_assert_str_eq(e.e[19].field, "segment 43 (QTY)");
}
END_TEST

START_TEST(r_messages_quote_safely)
{
  char *doc = replace(DOC_855, "PO1*1*2*EA", "PO1*1*\"2\\\"\xc3\xa9*EA");
  struct x12_errors e = {0};
  struct x12_interchange *ic = NULL;
  ck_assert_int_eq(x12_read(doc, strlen(doc), &ic, &e), -1);
  ck_assert_str_eq(e.e[0].message, "PO102 \"?2????\" is not a number");
  free(doc);

  /* values the envelope quotes back (found by fuzzing: ST02 was quoted raw) */
  char *a = replace(DOC_855, "ST*855*0001", "ST*855*00\xc3\xa9" "1");
  memset(&e, 0, sizeof e);
  ck_assert_int_eq(x12_read(a, strlen(a), &ic, &e), -1);
  ck_assert_str_eq(e.e[0].field, "segment 13 (SE)");
  ck_assert_str_eq(e.e[0].message, "SE02 \"0001\" does not match ST02 \"00??1\"");
  char *b = replace(DOC_855, "GS*PR*", "GS*\xc3\xa9*");
  memset(&e, 0, sizeof e);
  ck_assert_int_eq(x12_read(b, strlen(b), &ic, &e), -1);
  ck_assert_str_eq(e.e[0].message, "an 855 belongs in a functional group GS*PR, not GS*??");
  char *c = replace(DOC_SEVERAL, "ST*846*0002~", "ST*846*\xc3\xa9\xc3\xa9~");
  char *d = replace(c, "SE*7*0002~", "SE*7*\xc3\xa9\xc3\xa9~");
  char *f = replace(d, "ST*846*0001~", "ST*846*\xc3\xa9\xc3\xa9~");
  char *g = replace(f, "SE*7*0001~", "SE*7*\xc3\xa9\xc3\xa9~");
  memset(&e, 0, sizeof e);
  ck_assert_int_eq(x12_read(g, strlen(g), &ic, &e), -1);
  ck_assert_str_eq(e.e[0].message, "ST02 ???? repeats the set control number of segment 3");
  free(a), free(b), free(c), free(d), free(f), free(g);
}
END_TEST

/* ---- 997 ---- */

static char *write_997(const struct x12_interchange *ic, const struct x12_997_options *opt)
{
  struct x12_errors e = {0};
  struct x12_buf out;
  int rc = x12_write_997(ic, opt, &out, &e);
  ck_assert_msg(rc == 0, "997 refused: %s: %s", e.n ? e.e[0].field : "-",
                e.n ? e.e[0].message : "-");
  return out.data;
}

START_TEST(w997_worked_example)
{
  struct x12_interchange *ic = read_ok(DOC_855, strlen(DOC_855));
  struct x12_997_options opt = {.when = {2024, 3, 2, 9, 0}, .interchange_control = 5};
  char *doc = write_997(ic, &opt);
  ck_assert_str_eq(doc,
                   "ISA*00*          *00*          *ZZ*ACMEOMS        *ZZ*SUPPLIER01     *240302*0900*U*00401*000000005*0*P*>~"
                   "GS*FA*ACMEOMS*SUPPLIER01*20240302*0900*5*X*004010~"
                   "ST*997*0001~"
                   "AK1*PR*7~"
                   "AK2*855*0001~"
                   "AK5*A~"
                   "AK9*A*1*1*1~"
                   "SE*6*0001~"
                   "GE*1*5~"
                   "IEA*1*000000005~");
  struct x12_interchange *back = read_ok(doc, strlen(doc));
  ck_assert_str_eq(back->groups[0].sets[0].id, "997");
  x12_interchange_free(back);
  free(doc);
  x12_interchange_free(ic);
}
END_TEST

START_TEST(w997_several_groups_rejections_and_separators)
{
  char *several = variant(DOC_SEVERAL, '|', '^', '\'', "\n");
  struct x12_interchange *ic = read_ok(several, strlen(several));
  bool rejected[] = {false, true, true};
  struct x12_997_options opt = {.when = {2024, 3, 2, 9, 0}, .interchange_control = 6,
                                .group_control = 60, .eol = X12_EOL_LF,
                                .rejected = rejected, .n_rejected = 3};
  char *doc = write_997(ic, &opt);
  /* the partner's separators, our line ending */
  ck_assert_ptr_nonnull(strstr(doc, "|000000006|0|P|^'\nGS|FA|ACMEOMS|SUPPLIER01|20240302|0900|60|X|004010'\n"));
  ck_assert_ptr_nonnull(strstr(doc, "ST|997|0001'\nAK1|IB|12'\nAK2|846|0001'\nAK5|A'\nAK2|846|0002'\n"
                                    "AK5|R'\nAK9|P|2|2|1'\nSE|8|0001'\n"));
  ck_assert_ptr_nonnull(strstr(doc, "ST|997|0002'\nAK1|PR|13'\nAK2|855|0001'\nAK5|R'\nAK9|R|1|1|0'\n"
                                    "SE|6|0002'\nGE|2|60'\nIEA|1|000000006'\n"));
  struct x12_interchange *back = read_ok(doc, strlen(doc));
  ck_assert_uint_eq(back->groups[0].n_sets, 2);
  x12_interchange_free(back);
  free(doc);

  /* bad options */
  struct x12_errors e = {0};
  struct x12_buf out;
  opt.interchange_control = 0;
  ck_assert_int_eq(x12_write_997(ic, &opt, &out, &e), -1);
  ck_assert_ptr_null(out.data);
  ck_assert_str_eq(e.e[0].field, "interchange_control");
  opt.interchange_control = 6;
  opt.n_rejected = 2;
  memset(&e, 0, sizeof e);
  ck_assert_int_eq(x12_write_997(ic, &opt, &out, &e), -1);
  ck_assert_str_eq(e.e[0].field, "rejected");
  x12_interchange_free(ic);
  free(several);
}
END_TEST

/* Every example of docs/edi.md reads; its 850 is what the writer writes. */
START_TEST(docs_examples)
{
  FILE *f = fopen(OMS_SOURCE_DIR "/docs/edi.md", "r");
  ck_assert_msg(f != NULL, "docs/edi.md is missing");
  static char doc[16384];
  char line[512];
  size_t n = 0;
  int examples = 0;
  bool in_block = false;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "```", 3) == 0) {
      if (in_block && n > 3 && strncmp(doc, "ISA", 3) == 0) {
        struct x12_interchange *ic = read_ok(doc, n);
        if (examples == 0) { /* the 850, one segment a line in the doc */
          char *want = variant(SAMPLE_850, '*', '>', '~', "\n");
          ck_assert_str_eq(doc, want);
          free(want);
        }
        x12_interchange_free(ic);
        examples++;
      }
      in_block = !in_block;
      n = 0;
      doc[0] = '\0';
      continue;
    }
    size_t k = strlen(line);
    if (in_block && n + k < sizeof doc) {
      memcpy(doc + n, line, k + 1);
      n += k;
    }
  }
  fclose(f);
  ck_assert_int_eq(examples, 5); /* 850, 855, 856, 846, 997 */
}
END_TEST

Suite *suite_x12(void)
{
  Suite *s = suite_create("x12");
  TCase *tc = tcase_create("writer_850");
  tcase_add_test(tc, w850_worked_example_byte_for_byte);
  tcase_add_test(tc, w850_line_endings);
  tcase_add_test(tc, w850_round_trips_through_the_reader);
  tcase_add_test(tc, w850_money_quantities_and_controls);
  tcase_add_test(tc, w850_cleans_free_text);
  tcase_add_test(tc, w850_refuses_bad_identifiers);
  tcase_add_test(tc, w850_refuses_bad_numbers);
  tcase_add_test(tc, w850_identity_rules);
  suite_add_tcase(s, tc);
  tc = tcase_create("reader");
  tcase_add_test(tc, r855_happy_path);
  tcase_add_test(tc, r855_split_acks);
  tcase_add_test(tc, r856_happy_path);
  tcase_add_test(tc, r846_happy_path);
  tcase_add_test(tc, r_separators_and_line_endings);
  tcase_add_test(tc, r_repetition_separator_and_test_usage);
  tcase_add_test(tc, r_several_groups_and_sets);
  tcase_add_test(tc, r_unknown_set_types);
  tcase_add_test(tc, r_every_seed_document_reads);
  tcase_add_loop_test(tc, r_errors, 0, (int)(sizeof bad / sizeof bad[0]));
  tcase_add_test(tc, r_error_edge_cases);
  tcase_add_test(tc, r_collects_value_errors_in_order);
  tcase_add_test(tc, r_messages_quote_safely);
  suite_add_tcase(s, tc);
  tc = tcase_create("writer_997");
  tcase_add_test(tc, w997_worked_example);
  tcase_add_test(tc, w997_several_groups_rejections_and_separators);
  tcase_add_test(tc, docs_examples);
  suite_add_tcase(s, tc);
  return s;
}
