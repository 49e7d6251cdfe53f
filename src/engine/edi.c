/* edi.c: drop-ship EDI between the model and the X12 codec (x12*.c). An
 * 850 is written from a purchase order as it was created; an interchange
 * from a supplier is checked against the supplier's and the tenant's
 * identities and the purchase orders it names, and becomes a plan of what
 * to apply: acknowledgements (855), ship notices (856) and supplier stock
 * (846). The changes themselves are the engine's actions (steps.c). */
#include <stdio.h>
#include <string.h>
#include "internal.h"

/* ---- 850 ---- */

int eng_edi_datetime(const char *s, struct x12_datetime *out)
{
  memset(out, 0, sizeof *out);
  if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d", &out->year, &out->month, &out->day, &out->hour,
                   &out->minute) != 5)
    return -1;
  return 0;
}

static struct x12_party party_of(const struct oms_edi_identity *id)
{
  return (struct x12_party){.qualifier = id->qualifier, .isa_id = id->isa_id, .gs_id = id->gs_id};
}

int eng_edi_850(const struct oms_purchase_order *po, const struct oms_edi_identity *tenant,
                const struct oms_edi_identity *supplier, struct x12_buf *out,
                struct x12_errors *errors)
{
  struct x12_envelope env = {.sender = party_of(tenant), .receiver = party_of(supplier),
                             .interchange_control = po->control_number};
  memset(errors, 0, sizeof *errors);
  if (eng_edi_datetime(po->created_at, &env.when) != 0) {
    errors->n = 1;
    snprintf(errors->e[0].field, sizeof errors->e[0].field, "created_at");
    snprintf(errors->e[0].message, sizeof errors->e[0].message, "is not an RFC 3339 time");
    return -1;
  }
  struct x12_po_line *lines = oms_calloc(po->n_lines ? po->n_lines : 1, sizeof *lines);
  for (size_t i = 0; i < po->n_lines; i++)
    lines[i] = (struct x12_po_line){.line = po->lines[i].line, .quantity = po->lines[i].quantity,
                                    .unit_cost = po->lines[i].cost, .sku = po->lines[i].sku};
  const struct oms_address *ad = &po->ship_to;
  const char *name = po->has_ship_to && ad->name ? ad->name
                     : po->customer_name         ? po->customer_name
                                                 : "Customer";
  struct x12_purchase_order x = {
      .po_number = po->number, .order_number = po->order_number,
      .ship_to = {.name = name, .line1 = ad->line1, .line2 = ad->line2, .city = ad->city,
                  .region = ad->region, .postal_code = ad->postal_code, .country = ad->country},
      .n_lines = po->n_lines, .lines = lines};
  int rc = x12_write_850(&env, &x, out, errors);
  free(lines);
  return rc;
}

/* ---- an interchange from a supplier ---- */

static void add_error(struct x12_errors *e, size_t segment, const char *id, const char *msg)
{
  if (e->n >= X12_MAX_ERRORS) {
    e->truncated = true;
    return;
  }
  x12_segment_field(e->e[e->n].field, segment, id);
  snprintf(e->e[e->n].message, sizeof e->e[e->n].message, "%s", msg);
  e->n++;
}

static bool same(const char *a, const char *b)
{
  return a && b && strcmp(a, b) == 0;
}

/* ISA06/ISA08 (and their qualifiers) and every GS02/GS03 name the partners. */
static void check_identities(const struct x12_interchange *ic, const struct oms_edi_partner *p,
                             struct x12_errors *e)
{
  if (!p->has_supplier_edi) {
    add_error(e, 1, "ISA", "the supplier has no EDI identity (PUT /v1/suppliers/{code} with edi)");
    return;
  }
  if (!p->has_tenant_edi) {
    add_error(e, 1, "ISA", "the tenant has no EDI identity (PUT /v1/settings/edi)");
    return;
  }
  if (!same(ic->sender_id, p->supplier_edi.isa_id) ||
      !same(ic->sender_qualifier, p->supplier_edi.qualifier))
    add_error(e, 1, "ISA", "ISA05/ISA06 is not this supplier's EDI identity");
  if (!same(ic->receiver_id, p->tenant_edi.isa_id) ||
      !same(ic->receiver_qualifier, p->tenant_edi.qualifier))
    add_error(e, 1, "ISA", "ISA07/ISA08 is not this tenant's EDI identity");
  for (size_t g = 0; g < ic->n_groups; g++) {
    const struct x12_group *gr = &ic->groups[g];
    if (!same(gr->sender_id, p->supplier_edi.gs_id))
      add_error(e, gr->segment, "GS", "GS02 is not this supplier's GS id");
    if (!same(gr->receiver_id, p->tenant_edi.gs_id))
      add_error(e, gr->segment, "GS", "GS03 is not this tenant's GS id");
  }
}

static const struct oms_po_ref *po_of(const struct oms_edi_partner *p, const char *number)
{
  for (size_t i = 0; i < p->n_pos; i++)
    if (same(p->pos[i].number, number))
      return &p->pos[i];
  return NULL;
}

/* The sku of a PO1: its SK pair, else the PO line its PO101 names. */
static const char *ack_sku(const struct oms_po_ref *po, const struct x12_ack_line *l)
{
  if (l->sku)
    return l->sku;
  for (size_t i = 0; l->line_number && i < po->n_lines; i++) {
    char n[24];
    snprintf(n, sizeof n, "%d", po->lines[i].line);
    if (strcmp(n, l->line_number) == 0)
      return po->lines[i].sku;
  }
  return NULL;
}

static const enum oms_po_line_status ack_status[] = {
    [X12_ACK_ACCEPTED] = OMS_POL_ACCEPTED,
    [X12_ACK_REJECTED] = OMS_POL_REJECTED,
    [X12_ACK_BACKORDERED] = OMS_POL_BACKORDERED,
};

/* An 855: the first ACK of each PO1 answers for the line. */
static void plan_855(const struct x12_855 *s, const struct oms_edi_partner *p, struct oms_arena *a,
                     struct eng_edi_set *out, struct x12_errors *e)
{
  const struct oms_po_ref *po = po_of(p, s->po_number);
  if (!po) {
    add_error(e, s->segment, "BAK", "BAK03 is not a purchase order of this supplier");
    return;
  }
  struct eng_edi_ack *ack = &out->ack;
  ack->po = po;
  ack->lines = oms_arena_alloc(a, (s->n_lines + 1) * sizeof *ack->lines);
  ack->line_segments = oms_arena_alloc(a, (s->n_lines + 1) * sizeof *ack->line_segments);
  for (size_t i = 0; i < s->n_lines; i++) {
    const struct x12_ack_line *l = &s->lines[i];
    const char *sku = ack_sku(po, l);
    if (!sku) {
      add_error(e, l->segment, "PO1", "names no line of the purchase order (no SK, no PO101 match)");
      continue;
    }
    ack->line_segments[ack->n_lines] = l->segment;
    ack->lines[ack->n_lines++] = (struct eng_ack_line){.sku = sku,
                                                       .status = ack_status[l->acks[0].status]};
  }
}

/* An 856: one ship step per PRF, with the set's carrier and tracking. */
static void plan_856(const struct x12_856 *s, const struct oms_edi_partner *p, struct oms_arena *a,
                     struct eng_edi_set *out, struct x12_errors *e)
{
  out->ships = oms_arena_alloc(a, (s->n_orders + 1) * sizeof *out->ships);
  for (size_t k = 0; k < s->n_orders; k++) {
    const struct x12_ship_order *o = &s->orders[k];
    const struct oms_po_ref *po = po_of(p, o->po_number);
    if (!po) {
      add_error(e, o->segment, "PRF", "PRF01 is not a purchase order of this supplier");
      continue;
    }
    struct eng_edi_ship *sh = &out->ships[out->n_ships++];
    struct eng_units *units = oms_arena_alloc(a, (o->n_items + 1) * sizeof *units);
    sh->po = po;
    sh->segment = o->segment;
    sh->line_segments = oms_arena_alloc(a, (o->n_items + 1) * sizeof *sh->line_segments);
    sh->body = (struct eng_step_body){.carrier = s->carrier, .tracking_number = s->tracking,
                                      .has_lines = true, .lines = units};
    for (size_t i = 0; i < o->n_items; i++) {
      if (o->items[i].quantity <= 0)
        continue; /* a line shipping nothing now */
      sh->line_segments[sh->body.n_lines] = o->items[i].segment;
      units[sh->body.n_lines++] =
          (struct eng_units){.sku = o->items[i].sku, .quantity = o->items[i].quantity};
    }
  }
}

static void plan_846(const struct x12_846 *s, struct oms_arena *a, struct eng_edi_plan *out,
                     size_t *cap)
{
  for (size_t i = 0; i < s->n_items; i++) {
    if (out->n_stock == *cap) {
      size_t grown = *cap ? *cap * 2 : 64;
      struct eng_edi_stock *bigger = oms_arena_alloc(a, grown * sizeof *bigger);
      if (out->n_stock)
        memcpy(bigger, out->stock, out->n_stock * sizeof *bigger);
      out->stock = bigger;
      *cap = grown;
    }
    out->stock[out->n_stock++] = (struct eng_edi_stock){
        .sku = s->items[i].sku, .available = s->items[i].available, .segment = s->items[i].segment};
  }
}

int eng_edi_plan(const struct x12_interchange *ic, const struct oms_edi_partner *partner,
                 struct oms_arena *a, struct eng_edi_plan *out, struct x12_errors *errors)
{
  size_t n = 0, stock_cap = 0;
  memset(out, 0, sizeof *out);
  memset(errors, 0, sizeof *errors);
  check_identities(ic, partner, errors);
  if (errors->n)
    return -1;
  for (size_t g = 0; g < ic->n_groups; g++)
    n += ic->groups[g].n_sets;
  out->sets = oms_arena_alloc(a, (n + 1) * sizeof *out->sets);
  for (size_t g = 0; g < ic->n_groups; g++)
    for (size_t k = 0; k < ic->groups[g].n_sets; k++) {
      const struct x12_set *s = &ic->groups[g].sets[k];
      struct eng_edi_set *p = &out->sets[out->n_sets++];
      *p = (struct eng_edi_set){.type = s->type, .id = s->id, .control = s->control,
                                .segment = s->segment, .applied = s->type != X12_SET_UNKNOWN};
      if (s->type == X12_SET_855)
        plan_855(&s->u.po_ack, partner, a, p, errors);
      else if (s->type == X12_SET_856)
        plan_856(&s->u.ship, partner, a, p, errors);
      else if (s->type == X12_SET_846)
        plan_846(&s->u.inventory, a, out, &stock_cap);
    }
  return errors->n ? -1 : 0;
}
