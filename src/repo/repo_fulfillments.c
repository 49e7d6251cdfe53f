/* repo_fulfillments.c: the work queues of locations and suppliers, and
 * purchase orders. Changes go through oms_order_apply (repo_orders.c). */
#include <stdio.h>
#include <stdlib.h>
#include "oms/common.h"
#include "oms/repo.h"
#include "oms/rows.h"

REPO_STMT(fulfillment_get, "SELECT oms_fulfillment_json(f) FROM fulfillments f"
                           " WHERE tenant_id = $1::uuid AND id = $2::uuid");

/* Re-writes a fulfillment document in the shape clients see. */
static int client_fulfillment(json_t **doc)
{
  struct oms_arena *a = oms_arena_new();
  struct oms_fulfillment f;
  int rc = rows_fulfillment(*doc, a, &f);
  if (rc == 0) {
    json_decref(*doc);
    *doc = rows_fulfillment_json(&f);
  }
  oms_arena_free(a);
  return rc == 0 ? 1 : REPO_HARD;
}

int repo_fulfillment_get(struct repo_tx *tx, const char *id, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), id};
  *out = NULL;
  if (!oms_uuid_valid(id))
    return 0;
  int rc = repo_json_one(tx, &fulfillment_get, 2, p, out);
  return rc > 0 && *out ? client_fulfillment(out) : rc;
}

REPO_STMT(fulfillment_order, "SELECT order_id FROM fulfillments WHERE tenant_id = $1::uuid"
                             " AND id = $2::uuid");

int repo_fulfillment_order(struct repo_tx *tx, const char *id, char order_id[37])
{
  const char *p[] = {repo_tx_tenant(tx), id};
  char *v = NULL;
  if (!oms_uuid_valid(id))
    return 0;
  int rc = repo_exec(tx, &fulfillment_order, 2, p, &v);
  if (rc > 0 && v)
    snprintf(order_id, 37, "%s", v);
  free(v);
  return rc;
}

REPO_STMT(fulfillment_list,
          "SELECT oms_fulfillment_json(f), seq FROM fulfillments f WHERE tenant_id = $1::uuid"
          " AND ($2::text IS NULL OR (source_type = 'location' AND source = $2))"
          " AND ($3::text IS NULL OR (source_type = 'supplier' AND source = $3))"
          " AND ($4::text IS NULL OR status = $4) AND seq > $5::bigint ORDER BY seq LIMIT $6::int");

int repo_fulfillment_list(struct repo_tx *tx, const char *location, const char *supplier,
                          const char *status, long long after, int limit, json_t **out,
                          json_t **cursors)
{
  char a[24], l[16];
  snprintf(a, sizeof a, "%lld", after);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {repo_tx_tenant(tx), location, supplier, status, a, l};
  int rc = repo_json_all(tx, &fulfillment_list, 6, p, out, cursors);
  for (size_t i = 0; rc > 0 && i < json_array_size(*out); i++) {
    json_t *f = json_incref(json_array_get(*out, i));
    if (client_fulfillment(&f) < 0)
      rc = REPO_HARD;
    json_array_set_new(*out, i, f);
  }
  return rc;
}

REPO_STMT(po_get, "SELECT oms_purchase_order_json(po) FROM purchase_orders po"
                  " WHERE tenant_id = $1::uuid AND id = $2::uuid");

int repo_po_get(struct repo_tx *tx, const char *id, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), id};
  *out = NULL;
  if (!oms_uuid_valid(id))
    return 0;
  return repo_json_one(tx, &po_get, 2, p, out);
}

REPO_STMT(po_list, "SELECT oms_purchase_order_json(po), seq FROM purchase_orders po"
                   " WHERE tenant_id = $1::uuid AND ($2::text IS NULL OR supplier = $2)"
                   " AND ($3::text IS NULL OR status = $3) AND seq > $4::bigint"
                   " ORDER BY seq LIMIT $5::int");

int repo_po_list(struct repo_tx *tx, const char *supplier, const char *status, long long after,
                 int limit, json_t **out, json_t **cursors)
{
  char a[24], l[16];
  snprintf(a, sizeof a, "%lld", after);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {repo_tx_tenant(tx), supplier, status, a, l};
  return repo_json_all(tx, &po_list, 5, p, out, cursors);
}

/* "open" is eng__open_units() of the engine, computed here to find and
 * order the rows; the engine re-derives it from the order it locks. */
REPO_STMT(open_allocations,
          "SELECT json_build_object('fulfillment_id', f.id, 'order_id', f.order_id,"
          " 'open', l.quantity - l.shipped - l.rejected - l.cancelled)"
          " FROM fulfillments f JOIN fulfillment_lines l"
          "   ON l.tenant_id = f.tenant_id AND l.fulfillment_id = f.id"
          " WHERE f.tenant_id = $1::uuid AND f.source_type = 'location' AND f.source = $2"
          "   AND l.sku = $3 AND f.status IN ('pending', 'released', 'accepted', 'ready_for_pickup')"
          "   AND l.quantity - l.shipped - l.rejected - l.cancelled > 0"
          " ORDER BY f.seq DESC, l.line DESC");

int repo_open_allocations(struct repo_tx *tx, const char *location, const char *sku,
                          struct oms_arena *a, struct oms_open_allocation **out, size_t *n)
{
  const char *p[] = {repo_tx_tenant(tx), location, sku};
  json_t *rows = NULL;
  *out = NULL;
  *n = 0;
  int rc = repo_json_all(tx, &open_allocations, 3, p, &rows, NULL);
  if (rc >= 0) {
    *n = json_array_size(rows);
    *out = oms_arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
      json_t *r = json_array_get(rows, i);
      (*out)[i] = (struct oms_open_allocation){
          .fulfillment_id =
              oms_arena_strdup(a, json_string_value(json_object_get(r, "fulfillment_id"))),
          .order_id = oms_arena_strdup(a, json_string_value(json_object_get(r, "order_id"))),
          .open = json_integer_value(json_object_get(r, "open"))};
    }
  }
  json_decref(rows);
  return rc;
}
