/* it_edi.c: drop-ship EDI over X12. The tenant's identity; the 850 the
 * server writes for a purchase order (fixed bytes, control numbers rising
 * per supplier); interchanges from the supplier: an 855 acknowledgement, an
 * 856 ship notice, an 846 stock advice, each with its 997, a repeated
 * interchange answered and not applied twice, and malformed or
 * inconsistent ones refused with the segment at fault and nothing applied. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "it.h"

struct edi_shop {
  struct it_tenant t;
  char po_id[37], po_number[32], order_id[37], order_number[32];
};

/* A tenant ACMEOMS with supplier SUP1 (SUPPLIER01) drop-shipping D and E,
 * channel web (drop-ship), and one order of 2 D + 1 E sent to SUP1. */
static void shop_new(struct edi_shop *s)
{
  const char *k;
  it_tenant_new(&s->t, "edi");
  k = s->t.key;
  struct it_resp r = it_req("PUT", "/v1/settings/edi", k, "{\"isa_id\":\"ACMEOMS\"}");
  IT_STATUS(r, 201);
  it_resp_free(&r);
  it_put_created(k, "/v1/items/D", "{\"name\":\"Drop D\",\"price\":5000,\"dropship\":true}");
  it_put_created(k, "/v1/items/E", "{\"name\":\"Drop E\",\"price\":3000,\"dropship\":true}");
  it_put_created(k, "/v1/suppliers/SUP1",
                 "{\"name\":\"Supplier\",\"lead_time_days\":1,\"edi\":{\"isa_id\":\"SUPPLIER01\"}}");
  it_put_created(k, "/v1/suppliers/SUP1/items/D", "{\"cost\":1250,\"available\":10}");
  it_put_created(k, "/v1/suppliers/SUP1/items/E", "{\"cost\":800,\"available\":10}");
  it_put_created(k, "/v1/channels/web", "{\"name\":\"Web\",\"dropship\":true}");
  r = it_req("POST", "/v1/orders", k,
             "{\"channel\":\"web\",\"customer\":{\"name\":\"Ann Lee\"},"
             "\"shipping_address\":{\"line1\":\"1 Main St\",\"city\":\"New York\",\"region\":\"NY\","
             "\"postal_code\":\"10001\",\"country\":\"US\"},"
             "\"lines\":[{\"sku\":\"D\",\"quantity\":2},{\"sku\":\"E\",\"quantity\":1}]}");
  IT_STATUS(r, 201);
  snprintf(s->order_id, sizeof s->order_id, "%s", it_str(r.json, "id"));
  snprintf(s->order_number, sizeof s->order_number, "%s", it_str(r.json, "number"));
  snprintf(s->po_id, sizeof s->po_id, "%s", it_str(r.json, "fulfillments[0].purchase_order_id"));
  it_resp_free(&r);
  char path[96];
  snprintf(path, sizeof path, "/v1/purchase-orders/%s", s->po_id);
  r = it_req("GET", path, k, NULL);
  IT_STATUS(r, 200);
  snprintf(s->po_number, sizeof s->po_number, "%s", it_str(r.json, "number"));
  it_resp_free(&r);
}

/* An interchange from SUP1 to ACMEOMS holding one set of type st (GS01 fid)
 * with the given body segments ('~'-terminated); SE counts them. */
static char *interchange(unsigned control, const char *fid, const char *st, const char *body)
{
  size_t segs = 2;
  for (const char *p = body; *p; p++)
    segs += *p == '~';
  char *out = malloc(strlen(body) + 512);
  sprintf(out,
          "ISA*00*          *00*          *ZZ*SUPPLIER01     *ZZ*ACMEOMS        *261204*1200*U*00401*%09u*0*P*>~\r\n"
          "GS*%s*SUPPLIER01*ACMEOMS*20261204*1200*%u*X*004010~\r\n"
          "ST*%s*0001~\r\n%sSE*%zu*0001~\r\nGE*1*%u~\r\nIEA*1*%09u~\r\n",
          control, fid, control, st, body, segs, control, control);
  return out;
}

static struct it_resp post_edi(const struct edi_shop *s, const char *doc)
{
  return it_req("POST", "/v1/suppliers/SUP1/edi", s->t.key, doc,
                "Content-Type: application/edi-x12");
}

START_TEST(test_settings)
{
  struct it_tenant t;
  it_tenant_new(&t, "edi-settings");
  IT_EXPECT_PROBLEM(404, "not_found", NULL, "GET", "/v1/settings/edi", t.key, NULL);
  struct it_resp r = it_req("PUT", "/v1/settings/edi", t.key, "{\"isa_id\":\"ACMEOMS\"}");
  IT_STATUS(r, 201);
  IT_JSTR(r.json, "isa_qualifier", "ZZ");
  IT_JSTR(r.json, "gs_id", "ACMEOMS");
  it_resp_free(&r);
  r = it_req("PUT", "/v1/settings/edi", t.key,
             "{\"isa_qualifier\":\"01\",\"isa_id\":\"123456789\",\"gs_id\":\"ACMEGS\"}", "If-Match: 1");
  IT_STATUS(r, 200);
  IT_JINT(r.json, "version", 2);
  it_resp_free(&r);
  r = it_req("GET", "/v1/settings/edi", t.key, NULL);
  IT_JSTR(r.json, "isa_id", "123456789");
  IT_JSTR(r.json, "gs_id", "ACMEGS");
  it_resp_free(&r);
  const struct it_case bad[] = {
      {"{}", "isa_id", NULL},
      {"{\"isa_id\":\"A*B\"}", "isa_id", NULL},
      {"{\"isa_id\":\"0123456789ABCDEF\"}", "isa_id", NULL},
      {"{\"isa_id\":\"ACME\",\"isa_qualifier\":\"Z\"}", "isa_qualifier", NULL},
      {"{\"isa_id\":\"A\"}", "gs_id", NULL},
  };
  it_expect_400s(t.key, "PUT", "/v1/settings/edi", bad);
  IT_EXPECT_PROBLEM(412, "precondition_failed", NULL, "PUT", "/v1/settings/edi", t.key,
                    "{\"isa_id\":\"X1\"}", "If-Match: 1");
}
END_TEST

START_TEST(test_850)
{
  struct edi_shop s;
  char path[96], want[160];
  shop_new(&s);
  snprintf(path, sizeof path, "/v1/purchase-orders/%s/edi", s.po_id);
  struct it_resp r = it_req("GET", path, s.t.key, NULL);
  IT_STATUS(r, 200);
  ck_assert_msg(strncmp(r.content_type, "application/edi-x12", 19) == 0, "%s", r.content_type);
  ck_assert(strncmp(r.body, "ISA*00*          *00*          *ZZ*ACMEOMS        *ZZ*SUPPLIER01     *", 70) == 0);
  char *isa_end = strchr(r.body, '~');
  ck_assert_int_eq(isa_end - r.body, 105);
  snprintf(want, sizeof want, "BEG*00*DS*%s**", s.po_number);
  ck_assert_msg(strstr(r.body, want), "no %s in %s", want, r.body);
  snprintf(want, sizeof want, "REF*CO*%s~", s.order_number);
  ck_assert_msg(strstr(r.body, want), "no %s in %s", want, r.body);
  ck_assert(strstr(r.body, "N1*ST*Ann Lee~"));
  ck_assert(strstr(r.body, "N4*New York*NY*10001*US~"));
  ck_assert(strstr(r.body, "PO1*1*2*EA*12.50**SK*D~"));
  ck_assert(strstr(r.body, "PO1*2*1*EA*8.00**SK*E~"));
  ck_assert(strstr(r.body, "CTT*2~"));
  long long ctrl = it_sql_int(s.t.id, "SELECT control_number FROM purchase_orders WHERE id = '%s'", s.po_id);
  snprintf(want, sizeof want, "IEA*1*%09lld~", ctrl);
  ck_assert_msg(strstr(r.body, want), "no %s", want);
  /* an independent parser (Debian's X12::Parser) reads it, as the values we meant */
  char file[64], cmd[400];
  snprintf(file, sizeof file, "/tmp/oms-it-850-%d.x12", (int)getpid());
  FILE *fp = fopen(file, "w");
  ck_assert_ptr_nonnull(fp);
  fwrite(r.body, 1, r.body_len, fp);
  fclose(fp);
  snprintf(cmd, sizeof cmd, "perl %s/tests/x12/x12_read.pl %s %s/tests/x12/850_004010.cf",
           OMS_SOURCE_DIR, file, OMS_SOURCE_DIR);
  FILE *pp = popen(cmd, "r");
  ck_assert_ptr_nonnull(pp);
  char got[8192];
  size_t n = fread(got, 1, sizeof got - 1, pp);
  got[n] = '\0';
  ck_assert_msg(pclose(pp) == 0, "X12::Parser refused the 850: %s", got);
  unlink(file);
  snprintf(want, sizeof want, "BEG|00|DS|%s||", s.po_number);
  ck_assert_msg(strstr(got, want), "X12::Parser read %s", got);
  ck_assert_msg(strstr(got, "loop PO1\nPO1|1|2|EA|12.50||SK|D\n"), "X12::Parser read %s", got);
  ck_assert_msg(strstr(got, "PO1|2|1|EA|8.00||SK|E\n"), "X12::Parser read %s", got);
  ck_assert_msg(strstr(got, "N4|New York|NY|10001|US\n"), "X12::Parser read %s", got);
  ck_assert_msg(strstr(got, "CTT|2\n"), "X12::Parser read %s", got);
  /* the same bytes every time */
  struct it_resp again = it_req("GET", path, s.t.key, NULL);
  ck_assert_str_eq(again.body, r.body);
  it_resp_free(&again);
  it_resp_free(&r);
  /* the next PO to the supplier takes the next control number */
  r = it_req("POST", "/v1/orders", s.t.key, "{\"channel\":\"web\",\"lines\":[{\"sku\":\"D\",\"quantity\":1}]}");
  IT_STATUS(r, 201);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT max(control_number) FROM purchase_orders"), ctrl + 1);
  /* no identity: refused, not written */
  it_put_created(s.t.key, "/v1/suppliers/SUP2", "{\"name\":\"No EDI\"}");
  ck_assert(it_sql_exec(s.t.id, NULL, "UPDATE suppliers SET edi = NULL WHERE code = 'SUP1'"));
  IT_EXPECT_PROBLEM(409, "invalid_state", NULL, "GET", path, s.t.key, NULL);
  IT_EXPECT_PROBLEM(404, "not_found", "id", "GET",
                    "/v1/purchase-orders/00000000-0000-4000-8000-000000000000/edi", s.t.key, NULL);
}
END_TEST

START_TEST(test_855_856_846)
{
  struct edi_shop s;
  char body[1024];
  shop_new(&s);
  snprintf(body, sizeof body,
           "BAK*00*AC*%s*20261204~PO1*1*2*EA*12.50**SK*D~ACK*IA*2*EA~PO1*2*1*EA*8.00**SK*E~ACK*IB*1*EA~",
           s.po_number);
  char *doc = interchange(101, "PR", "855", body);
  struct it_resp r = post_edi(&s, doc);
  IT_STATUS(r, 200);
  IT_JSTR(r.json, "transaction_sets[0].type", "855");
  IT_JSTR(r.json, "transaction_sets[0].control_number", "0001");
  IT_JBOOL(r.json, "transaction_sets[0].applied", true);
  const char *ack = it_str(r.json, "ack_997");
  ck_assert_ptr_nonnull(ack);
  ck_assert(strncmp(ack, "ISA*00*", 7) == 0);
  ck_assert(strstr(ack, "*ZZ*ACMEOMS        *ZZ*SUPPLIER01     *"));
  ck_assert(strstr(ack, "AK1*PR*101"));
  ck_assert(strstr(ack, "AK5*A"));
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM purchase_orders WHERE status = 'acknowledged'"), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM purchase_order_lines WHERE status = 'backordered'"), 1);
  long long events = it_sql_int(s.t.id, "SELECT count(*) FROM events");
  /* the same interchange again: answered, not applied twice */
  r = post_edi(&s, doc);
  IT_STATUS(r, 200);
  IT_JBOOL(r.json, "duplicate", true);
  it_resp_free(&r);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM events"), events);
  free(doc);

  /* the ship notice: carrier, tracking, units */
  snprintf(body, sizeof body,
           "BSN*00*SHIP1*20261205*1300~HL*1**S~TD5**2*UPSN*M~REF*CN*1Z999~HL*2*1*O~PRF*%s~"
           "HL*3*2*I~LIN**SK*D~SN1**2*EA~HL*4*2*I~LIN**SK*E~SN1**1*EA~", s.po_number);
  doc = interchange(102, "SH", "856", body);
  r = post_edi(&s, doc);
  IT_STATUS(r, 200);
  it_resp_free(&r);
  free(doc);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM purchase_orders WHERE status = 'shipped'"), 1);
  char *carrier = it_sql_str(s.t.id, "SELECT carrier || ' ' || tracking_number FROM fulfillments"
                                     " WHERE source = 'SUP1'");
  ck_assert_str_eq(carrier, "UPSN 1Z999");
  free(carrier);

  /* stock advice: one statement for every line */
  doc = interchange(103, "IB", "846", "BIA*00*MM*ADV1*20261205~LIN**SK*D~QTY*33*55~LIN**SK*E~QTY*33*0~");
  r = post_edi(&s, doc);
  IT_STATUS(r, 200);
  it_resp_free(&r);
  free(doc);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT available FROM supplier_items WHERE sku = 'D'"), 55);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT available FROM supplier_items WHERE sku = 'E'"), 0);
}
END_TEST

START_TEST(test_refused_and_nothing_applied)
{
  struct edi_shop s;
  char body[512];
  shop_new(&s);
  /* an unknown sku in an 846: the segment is named, no line applied */
  char *doc = interchange(201, "IB", "846", "BIA*00*MM*ADV1*20261205~LIN**SK*D~QTY*33*40~LIN**SK*NOPE~QTY*33*1~");
  struct it_resp r = post_edi(&s, doc);
  IT_PROBLEM(r, 400, "x12_invalid", "segment 7 (LIN)");
  it_resp_free(&r);
  free(doc);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT available FROM supplier_items WHERE sku = 'D'"), 8);
  /* an unknown PO */
  doc = interchange(202, "PR", "855", "BAK*00*AC*PO999999*20261204~PO1*1*2*EA*12.50**SK*D~ACK*IA*2*EA~");
  r = post_edi(&s, doc);
  IT_PROBLEM(r, 400, "x12_invalid", "segment 4 (BAK)");
  it_resp_free(&r);
  free(doc);
  /* a sku not on the PO: the engine's refusal, at its PO1 */
  snprintf(body, sizeof body, "BAK*00*AC*%s*20261204~PO1*1*2*EA*12.50**SK*ZZZ~ACK*IR*2*EA~", s.po_number);
  doc = interchange(203, "PR", "855", body);
  r = post_edi(&s, doc);
  IT_PROBLEM(r, 400, "x12_invalid", "segment 5 (PO1)");
  it_resp_free(&r);
  free(doc);
  /* a wrong count */
  snprintf(body, sizeof body, "BAK*00*AC*%s*20261204~PO1*1*2*EA*12.50**SK*D~ACK*IA*2*EA~", s.po_number);
  doc = interchange(204, "PR", "855", body);
  char *se = strstr(doc, "SE*5*");
  ck_assert_ptr_nonnull(se);
  se[3] = '6';
  r = post_edi(&s, doc);
  IT_PROBLEM(r, 400, "x12_invalid", NULL);
  it_resp_free(&r);
  free(doc);
  /* another sender */
  doc = interchange(205, "PR", "855", body);
  memcpy(strstr(doc, "SUPPLIER01"), "SUPPLIER02", 10);
  r = post_edi(&s, doc);
  IT_PROBLEM(r, 400, "x12_invalid", "segment 1 (ISA)");
  it_resp_free(&r);
  free(doc);
  IT_EXPECT_PROBLEM(400, "validation_failed", "Content-Type", "POST", "/v1/suppliers/SUP1/edi",
                    s.t.key, "ISA*...");
  IT_EXPECT_PROBLEM(404, "not_found", "supplier", "POST", "/v1/suppliers/NOPE/edi", s.t.key,
                    "ISA", "Content-Type: application/edi-x12");
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM purchase_orders WHERE status <> 'sent'"), 0);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM edi_interchanges"), 0);

  /* a rejection routes the units again like a fulfillment reject */
  snprintf(body, sizeof body, "BAK*00*RJ*%s*20261204~PO1*1*2*EA*12.50**SK*D~ACK*IR*2*EA~", s.po_number);
  doc = interchange(206, "PR", "855", body);
  r = post_edi(&s, doc);
  IT_STATUS(r, 200);
  it_resp_free(&r);
  free(doc);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT count(*) FROM exceptions WHERE kind = 'fulfillment_rejected'"), 1);
  ck_assert_int_eq(it_sql_int(s.t.id, "SELECT rejected FROM fulfillment_lines WHERE sku = 'D'"), 2);
}
END_TEST

Suite *it_suite_edi(void)
{
  Suite *s = suite_create("edi");
  TCase *tc = tcase_create("x12");
  tcase_add_test(tc, test_settings);
  tcase_add_test(tc, test_850);
  tcase_add_test(tc, test_855_856_846);
  tcase_add_test(tc, test_refused_and_nothing_applied);
  suite_add_tcase(s, tc);
  return s;
}
