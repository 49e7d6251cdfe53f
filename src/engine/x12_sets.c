/* x12_sets.c: the bodies of the transaction sets a drop-ship partner sends:
 * 855 (acknowledgment: BAK, then PO1 + ACK per line), 856 (ship notice:
 * PRF orders of LIN + SN1 items, carrier from TD5, tracking from REF*CN) and
 * 846 (inventory: LIN + QTY*33). The envelope around them is x12_read.c's.
 *
 * Segments these rules do not name (DTM, N1, HL, PID, ...) are allowed and
 * skipped: partners add them freely and none changes what we apply. */
#include <stdio.h>
#include <string.h>
#include "x12_internal.h"

struct x12_set_reader {
  struct x12_reader *r;
  struct x12_set *set;
  size_t st_segment;
  void *items; /* struct x12_ack_line / x12_ship_order / x12_inventory_item */
  size_t n, cap;
  /* the open record: its index in items (n - 1) is the only one that grows */
  bool open;
  void *sub; /* its acks (855) or items (856) */
  size_t sub_n, sub_cap;
  bool has_header;   /* BAK (855) */
  bool sub_complete; /* 856: the open item has its SN1 */
  long long ctt;     /* CTT01, -1 when none */
  size_t ctt_segment;
};

enum x12_set_type x12_set_type_of(const struct x12_span *st01)
{
  if (st01->n != 3)
    return X12_SET_UNKNOWN;
  if (memcmp(st01->p, "855", 3) == 0)
    return X12_SET_855;
  if (memcmp(st01->p, "856", 3) == 0)
    return X12_SET_856;
  if (memcmp(st01->p, "846", 3) == 0)
    return X12_SET_846;
  return X12_SET_UNKNOWN;
}

const char *x12_functional_id(enum x12_set_type t)
{
  switch (t) {
  case X12_SET_855: return "PR";
  case X12_SET_856: return "SH";
  case X12_SET_846: return "IB";
  default: return NULL;
  }
}

static void err_at(struct x12_set_reader *sr, size_t segment, const char *id, const char *msg)
{
  char field[X12_FIELD_MAX];
  x12_segment_field(field, segment, id);
  if (!x12_err_add(sr->r->errors, field, "%s", msg))
    sr->r->stop = true;
}

/* The open record is complete: what follows starts afresh. */
static void drop_open(struct x12_set_reader *sr)
{
  sr->open = false;
  sr->sub = NULL;
  sr->sub_n = sr->sub_cap = 0;
}

/* ---- 855 ---- */

static struct x12_ack_line *open_line(struct x12_set_reader *sr)
{
  return sr->open ? (struct x12_ack_line *)sr->items + (sr->n - 1) : NULL;
}

/* Ends the open PO1 line: it must have had its ACK. */
static void close_line(struct x12_set_reader *sr)
{
  struct x12_ack_line *l = open_line(sr);
  if (!l)
    return;
  l->acks = sr->sub;
  l->n_acks = sr->sub_n;
  if (l->n_acks == 0)
    err_at(sr, l->segment, "PO1", "the PO1 line has no ACK after it");
  drop_open(sr);
}

static void read_bak(struct x12_set_reader *sr, const struct x12_seg *s)
{
  struct x12_855 *a = &sr->set->u.po_ack;
  if (sr->has_header) {
    x12_seg_err(sr->r, s, "a second BAK in the set");
    return;
  }
  sr->has_header = true;
  a->segment = s->index;
  x12_require(sr->r, s, 1);
  x12_require(sr->r, s, 2);
  x12_require(sr->r, s, 3);
  a->purpose = x12_el_dup(sr->r, s, 1);
  a->ack_type = x12_el_dup(sr->r, s, 2);
  a->po_number = x12_el_dup(sr->r, s, 3);
  struct x12_span d = x12_el(s, 4);
  if (d.n && !x12_date_text_valid(d.p, d.n))
    x12_seg_err(sr->r, s, "BAK04 must be a date CCYYMMDD");
  a->date = x12_el_dup(sr->r, s, 4);
}

static void read_po1(struct x12_set_reader *sr, const struct x12_seg *s)
{
  close_line(sr);
  if (!sr->has_header)
    x12_seg_err(sr->r, s, "PO1 before the BAK");
  struct x12_ack_line *l =
      x12_push(sr->r->arena, &sr->items, &sr->n, &sr->cap, sizeof(struct x12_ack_line));
  sr->open = true;
  l->segment = s->index;
  l->line_number = x12_el_dup(sr->r, s, 1);
  l->quantity = -1;
  if (x12_has(s, 2))
    x12_quantity(sr->r, s, 2, &l->quantity);
  l->sku = x12_sk_pair(sr->r, s, 6);
  if (!l->line_number && !l->sku)
    x12_seg_err(sr->r, s, "the PO1 names neither a line (PO101) nor an SK product id");
}

static void read_ack(struct x12_set_reader *sr, const struct x12_seg *s)
{
  if (!sr->open) {
    x12_seg_err(sr->r, s, "ACK without a PO1 line before it");
    return;
  }
  struct x12_ack *a = x12_push(sr->r->arena, &sr->sub, &sr->sub_n, &sr->sub_cap, sizeof *a);
  a->segment = s->index;
  a->quantity = -1;
  if (x12_require(sr->r, s, 1)) {
    if (x12_el_is(s, 1, "IA"))
      a->status = X12_ACK_ACCEPTED;
    else if (x12_el_is(s, 1, "IR"))
      a->status = X12_ACK_REJECTED;
    else if (x12_el_is(s, 1, "IB"))
      a->status = X12_ACK_BACKORDERED;
    else
      x12_seg_err(sr->r, s, "ACK01 must be IA (accepted), IR (rejected) or IB (backordered)");
  }
  if (x12_has(s, 2))
    x12_quantity(sr->r, s, 2, &a->quantity);
}

static void read_ctt(struct x12_set_reader *sr, const struct x12_seg *s)
{
  long long n;
  if (x12_quantity(sr->r, s, 1, &n)) {
    sr->ctt = n;
    sr->ctt_segment = s->index;
  }
}

static void segment_855(struct x12_set_reader *sr, const struct x12_seg *s)
{
  if (strcmp(s->id, "BAK") == 0)
    read_bak(sr, s);
  else if (strcmp(s->id, "PO1") == 0)
    read_po1(sr, s);
  else if (strcmp(s->id, "ACK") == 0)
    read_ack(sr, s);
  else if (strcmp(s->id, "CTT") == 0) {
    close_line(sr);
    read_ctt(sr, s);
  }
}

static void end_855(struct x12_set_reader *sr)
{
  close_line(sr);
  struct x12_855 *a = &sr->set->u.po_ack;
  if (!sr->has_header)
    err_at(sr, sr->st_segment, "ST", "the 855 has no BAK");
  if (sr->ctt >= 0 && (size_t)sr->ctt != sr->n) {
    char msg[X12_MESSAGE_MAX];
    snprintf(msg, sizeof msg, "CTT01 says %lld PO1 lines, the set has %zu", sr->ctt, sr->n);
    err_at(sr, sr->ctt_segment, "CTT", msg);
  }
  a->lines = sr->items;
  a->n_lines = sr->n;
}

/* ---- 856 ---- */

static struct x12_ship_order *open_order(struct x12_set_reader *sr)
{
  return sr->open ? (struct x12_ship_order *)sr->items + (sr->n - 1) : NULL;
}

static void close_item(struct x12_set_reader *sr)
{
  if (sr->sub_n && !sr->sub_complete) {
    struct x12_ship_item *it = (struct x12_ship_item *)sr->sub + (sr->sub_n - 1);
    err_at(sr, it->segment, "LIN", "the LIN item has no SN1 after it");
  }
  sr->sub_complete = true;
}

static void close_order(struct x12_set_reader *sr)
{
  struct x12_ship_order *o = open_order(sr);
  if (!o)
    return;
  close_item(sr);
  o->items = sr->sub;
  o->n_items = sr->sub_n;
  if (o->n_items == 0)
    err_at(sr, o->segment, "PRF", "the PRF order has no LIN item");
  drop_open(sr);
}

static void read_td5_ref(struct x12_set_reader *sr, const struct x12_seg *s)
{
  struct x12_856 *sh = &sr->set->u.ship;
  if (strcmp(s->id, "TD5") == 0) {
    size_t i = x12_has(s, 3) ? 3 : 5;
    if (!sh->carrier && x12_has(s, i)) {
      sh->carrier = x12_el_dup(sr->r, s, i);
      sh->carrier_segment = s->index;
    }
    return;
  }
  if (!x12_require(sr->r, s, 1) || !x12_el_is(s, 1, "CN"))
    return;
  if (x12_require(sr->r, s, 2) && !sh->tracking) {
    sh->tracking = x12_el_dup(sr->r, s, 2);
    sh->tracking_segment = s->index;
  }
}

static void read_prf(struct x12_set_reader *sr, const struct x12_seg *s)
{
  close_order(sr);
  struct x12_ship_order *o =
      x12_push(sr->r->arena, &sr->items, &sr->n, &sr->cap, sizeof(struct x12_ship_order));
  sr->open = true;
  sr->sub_complete = true;
  o->segment = s->index;
  if (x12_require(sr->r, s, 1))
    o->po_number = x12_el_dup(sr->r, s, 1);
}

static void read_ship_lin(struct x12_set_reader *sr, const struct x12_seg *s)
{
  if (!sr->open) {
    x12_seg_err(sr->r, s, "LIN before any PRF (the order it ships)");
    return;
  }
  close_item(sr);
  struct x12_ship_item *it =
      x12_push(sr->r->arena, &sr->sub, &sr->sub_n, &sr->sub_cap, sizeof *it);
  sr->sub_complete = false;
  it->segment = s->index;
  it->sku = x12_sk_pair(sr->r, s, 2);
  if (!it->sku)
    x12_seg_err(sr->r, s, "the LIN has no SK product id (LIN02/LIN03 pair or later)");
}

static void read_sn1(struct x12_set_reader *sr, const struct x12_seg *s)
{
  if (!sr->open || sr->sub_n == 0 || sr->sub_complete) {
    x12_seg_err(sr->r, s, sr->sub_complete && sr->sub_n ? "a second SN1 for one LIN"
                                                        : "SN1 without a LIN before it");
    return;
  }
  struct x12_ship_item *it = (struct x12_ship_item *)sr->sub + (sr->sub_n - 1);
  sr->sub_complete = true;
  it->sn1_segment = s->index;
  x12_quantity(sr->r, s, 2, &it->quantity);
}

static void segment_856(struct x12_set_reader *sr, const struct x12_seg *s)
{
  struct x12_856 *sh = &sr->set->u.ship;
  if (strcmp(s->id, "BSN") == 0) {
    if (!sh->segment) {
      sh->segment = s->index;
      sh->shipment_id = x12_el_dup(sr->r, s, 2);
    }
  } else if (strcmp(s->id, "TD5") == 0 || strcmp(s->id, "REF") == 0) {
    read_td5_ref(sr, s);
  } else if (strcmp(s->id, "PRF") == 0) {
    read_prf(sr, s);
  } else if (strcmp(s->id, "LIN") == 0) {
    read_ship_lin(sr, s);
  } else if (strcmp(s->id, "SN1") == 0) {
    read_sn1(sr, s);
  }
}

static void end_856(struct x12_set_reader *sr)
{
  close_order(sr);
  struct x12_856 *sh = &sr->set->u.ship;
  if (!sh->segment)
    sh->segment = sr->st_segment;
  if (sr->n == 0)
    err_at(sr, sr->st_segment, "ST", "the 856 has no PRF (the purchase order it ships)");
  sh->orders = sr->items;
  sh->n_orders = sr->n;
}

/* ---- 846 ---- */

static void close_inventory_item(struct x12_set_reader *sr)
{
  if (!sr->open)
    return;
  struct x12_inventory_item *it = (struct x12_inventory_item *)sr->items + (sr->n - 1);
  if (!it->qty_segment)
    err_at(sr, it->segment, "LIN", "the LIN item has no QTY*33 (quantity available)");
  sr->open = false;
}

static void read_inventory_lin(struct x12_set_reader *sr, const struct x12_seg *s)
{
  close_inventory_item(sr);
  struct x12_inventory_item *it =
      x12_push(sr->r->arena, &sr->items, &sr->n, &sr->cap, sizeof(struct x12_inventory_item));
  sr->open = true;
  it->segment = s->index;
  it->sku = x12_sk_pair(sr->r, s, 2);
  if (!it->sku)
    x12_seg_err(sr->r, s, "the LIN has no SK product id (LIN02/LIN03 pair or later)");
}

static void read_qty(struct x12_set_reader *sr, const struct x12_seg *s)
{
  if (!x12_require(sr->r, s, 1) || !x12_el_is(s, 1, "33"))
    return; /* other quantities (on order, committed...) are not what we apply */
  if (!sr->open) {
    x12_seg_err(sr->r, s, "QTY*33 without a LIN item before it");
    return;
  }
  struct x12_inventory_item *it = (struct x12_inventory_item *)sr->items + (sr->n - 1);
  if (it->qty_segment) {
    x12_seg_err(sr->r, s, "a second QTY*33 for one LIN");
    return;
  }
  it->qty_segment = s->index;
  x12_quantity(sr->r, s, 2, &it->available);
}

static void segment_846(struct x12_set_reader *sr, const struct x12_seg *s)
{
  if (strcmp(s->id, "LIN") == 0)
    read_inventory_lin(sr, s);
  else if (strcmp(s->id, "QTY") == 0)
    read_qty(sr, s);
}

static void end_846(struct x12_set_reader *sr)
{
  close_inventory_item(sr);
  if (sr->n == 0)
    err_at(sr, sr->st_segment, "ST", "the 846 has no LIN item");
  sr->set->u.inventory.items = sr->items;
  sr->set->u.inventory.n_items = sr->n;
}

/* ---- dispatch ---- */

struct x12_set_reader *x12_set_begin(struct x12_reader *r, struct x12_set *set)
{
  if (set->type == X12_SET_UNKNOWN)
    return NULL;
  struct x12_set_reader *sr = x12_arena_alloc(r->arena, sizeof *sr);
  sr->r = r;
  sr->set = set;
  sr->st_segment = set->segment;
  sr->ctt = -1;
  return sr;
}

void x12_set_segment(struct x12_set_reader *sr, const struct x12_seg *s)
{
  switch (sr->set->type) {
  case X12_SET_855: segment_855(sr, s); break;
  case X12_SET_856: segment_856(sr, s); break;
  case X12_SET_846: segment_846(sr, s); break;
  default: break;
  }
}

void x12_set_end(struct x12_set_reader *sr, const struct x12_seg *se)
{
  (void)se;
  switch (sr->set->type) {
  case X12_SET_855: end_855(sr); break;
  case X12_SET_856: end_856(sr); break;
  case X12_SET_846: end_846(sr); break;
  default: break;
  }
}
