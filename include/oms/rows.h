/* rows.h: the one place JSON turns into the typed model and back.
 *
 * Readers take the JSON a PL/pgSQL row function returns (oms_order_json,
 * oms_capture_inputs, oms_ats_inputs in migrations/) or a body the engine's
 * parser normalised (eng_order_parse), and fill model values in an arena
 * (every string is copied, so the JSON may be freed right after). A reader
 * of a normalised document is lenient about what the normaliser guarantees:
 * an absent or null optional field reads as absent; a field of the wrong
 * type reads as absent too. It returns -1 only when the document is not an
 * object at all.
 *
 * Writers turn model values into the JSON the database functions take
 * (oms_capture, oms_order_apply) and the JSON clients see (orders,
 * fulfillments): the shape of an order on the wire is defined here, once.
 *
 * Pure: jansson and the model, no libpq, so unit tests link it. */
#ifndef OMS_ROWS_H
#define OMS_ROWS_H

#include <jansson.h>
#include "oms/model.h"

/* ---- readers ---- */
int rows_order_request(json_t *doc, struct oms_arena *a, struct oms_order_request *out);
int rows_order(json_t *doc, struct oms_arena *a, struct oms_order *out);
int rows_fulfillment(json_t *doc, struct oms_arena *a, struct oms_fulfillment *out);
/* channel: the order's channel code (pre-order counters are keyed by it). */
int rows_capture_inputs(json_t *doc, const char *channel, struct oms_arena *a,
                        struct oms_capture_inputs *out);
/* A channel as oms_channel_json shows it. */
int rows_channel_view(json_t *doc, struct oms_arena *a, struct oms_channel_view *out);
int rows_ats_inputs(json_t *doc, struct oms_arena *a, struct oms_ats_inputs *out);

/* An inbound as oms_inbound_json shows it. */
int rows_inbound(json_t *doc, struct oms_arena *a, struct oms_inbound *out);
/* What oms_receipt_inputs returns. */
int rows_receipt_inputs(json_t *doc, struct oms_arena *a, struct oms_receipt_inputs *out);

/* What oms_preorder_report returns for one sku. */
int rows_preorder_report(json_t *doc, struct oms_arena *a, struct oms_preorder_report *out);

/* What oms_po_edi returns: the purchase order as an 850 is written from it,
 * and the identities (has_* false when one is not set). */
int rows_po_edi(json_t *doc, struct oms_arena *a, struct oms_purchase_order *po,
                struct oms_edi_identity *tenant, bool *has_tenant,
                struct oms_edi_identity *supplier, bool *has_supplier);
/* What oms_edi_inputs returns, for supplier. */
int rows_edi_partner(json_t *doc, const char *supplier, struct oms_arena *a,
                     struct oms_edi_partner *out);

/* What oms_capture decided for the capture c it wrote. */
int rows_capture_result(json_t *doc, const struct oms_capture *c, struct oms_arena *a,
                        struct oms_capture_result *out);

/* ---- writers (each returns a new reference) ---- */
/* embed_routing false: order.routing is null, and the caller sends
 * c->routing_json to oms_capture as text of its own (no parse here). */
json_t *rows_capture_payload(const struct oms_capture *c, const struct oms_order_request *req,
                             bool embed_routing);
/* ship_to: the order's address for new purchase orders (NULL: none). */
json_t *rows_change_payload(const struct oms_change *c, const struct oms_address *ship_to);
/* The write of a receipt (oms_receive), as JSON text: changes flattened
 * into set-based positional rows. Caller frees. */
char *rows_receipt_payload(const struct oms_receipt *r);
json_t *rows_order_json(const struct oms_order *o);
json_t *rows_fulfillment_json(const struct oms_fulfillment *f);
json_t *rows_address_json(const struct oms_address *addr);

#endif
