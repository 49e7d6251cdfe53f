/* repo_catalog.c: items, locations, suppliers, supplier items, channels and
 * ring-fences. Writes are one upsert each: the normalised document is passed
 * as one jsonb parameter, If-Match guards the update, and the stored row
 * comes back through the oms_<kind>_json() view of migrations/0001. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "oms/repo.h"

/* A stale or unmatched If-Match yields no row: the insert is skipped when
 * If-Match is given (the object must exist) and the update's WHERE fails. */
#define IF_MATCH_INSERT(exists) "WHERE $4::int IS NULL OR EXISTS (" exists ")"
#define IF_MATCH_UPDATE "WHERE $4::int IS NULL OR t.version = $4::int"

/* Runs an upsert whose RETURNING is (created boolean, json). */
static int put(struct repo_tx *tx, struct repo_stmt *s, const char *const *p, int n,
               json_t **out, bool *created)
{
  json_t *row = NULL;
  int rc = repo_json_one(tx, s, n, p, &row);
  *out = NULL;
  if (rc <= 0)
    return rc;
  *created = json_is_true(json_object_get(row, "created"));
  *out = json_incref(json_object_get(row, "object"));
  json_decref(row);
  return 1;
}

static int list(struct repo_tx *tx, struct repo_stmt *s, const char *scope, long long after,
                int limit, json_t **out, json_t **cursors)
{
  char a[24], l[16];
  snprintf(a, sizeof a, "%lld", after);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {repo_tx_tenant(tx), a, l, scope};
  return repo_json_all(tx, s, scope ? 4 : 3, p, out, cursors);
}

static char *if_match_str(long long v, char buf[24])
{
  if (v < 0)
    return NULL;
  snprintf(buf, 24, "%lld", v);
  return buf;
}

#define RETURNING(fn) \
  " RETURNING json_build_object('created', t.xmax = 0, 'object', " fn "(t))"

/* ---- items ---- */

REPO_STMT(item_put,
          "INSERT INTO items AS t (tenant_id, sku, name, price, case_pack, tags, dropship,"
          " preorder_enabled, preorder_limit, preorder_channel_limits, release_date)"
          " SELECT $1::uuid, $2, d->>'name', (d->>'price')::bigint, (d->>'case_pack')::int,"
          "  d->'tags', (d->>'dropship')::boolean, (d#>>'{preorder,enabled}')::boolean,"
          "  (d#>>'{preorder,limit}')::bigint, d#>'{preorder,channel_limits}',"
          "  (d#>>'{preorder,release_date}')::date"
          " FROM (SELECT $3::jsonb AS d) s "
          IF_MATCH_INSERT("SELECT 1 FROM items WHERE tenant_id = $1::uuid AND sku = $2")
          " ON CONFLICT (tenant_id, sku) DO UPDATE SET name = EXCLUDED.name,"
          "  price = EXCLUDED.price, case_pack = EXCLUDED.case_pack, tags = EXCLUDED.tags,"
          "  dropship = EXCLUDED.dropship, preorder_enabled = EXCLUDED.preorder_enabled,"
          "  preorder_limit = EXCLUDED.preorder_limit,"
          "  preorder_channel_limits = EXCLUDED.preorder_channel_limits,"
          "  release_date = EXCLUDED.release_date, version = t.version + 1, updated_at = now() "
          IF_MATCH_UPDATE RETURNING("oms_item_json"));

int repo_item_put(struct repo_tx *tx, const char *sku, json_t *doc, long long if_match,
                  json_t **out, bool *created)
{
  char vb[24];
  char *d = json_dumps(doc, JSON_COMPACT);
  const char *p[] = {repo_tx_tenant(tx), sku, d, if_match_str(if_match, vb)};
  int rc = put(tx, &item_put, p, 4, out, created);
  free(d);
  return rc;
}

REPO_STMT(item_get, "SELECT oms_item_json(t) FROM items t WHERE tenant_id = $1::uuid AND sku = $2");
REPO_STMT(item_list, "SELECT oms_item_json(t), seq FROM items t WHERE tenant_id = $1::uuid"
                     " AND seq > $2::bigint ORDER BY seq LIMIT $3::int");

int repo_item_get(struct repo_tx *tx, const char *sku, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), sku};
  return repo_json_one(tx, &item_get, 2, p, out);
}

int repo_item_list(struct repo_tx *tx, long long after, int limit, json_t **out, json_t **cursors)
{
  return list(tx, &item_list, NULL, after, limit, out, cursors);
}

/* ---- locations ---- */

REPO_STMT(location_put,
          "INSERT INTO locations AS t (tenant_id, code, name, type, lat, lon, ship, pickup,"
          " returns, priority, cost_per_shipment, ship_days, active)"
          " SELECT $1::uuid, $2, d->>'name', d->>'type', (d->>'lat')::float8, (d->>'lon')::float8,"
          "  (d->>'ship')::boolean, (d->>'pickup')::boolean, (d->>'returns')::boolean,"
          "  (d->>'priority')::int, (d->>'cost_per_shipment')::bigint, (d->>'ship_days')::int,"
          "  (d->>'active')::boolean"
          " FROM (SELECT $3::jsonb AS d) s "
          IF_MATCH_INSERT("SELECT 1 FROM locations WHERE tenant_id = $1::uuid AND code = $2")
          " ON CONFLICT (tenant_id, code) DO UPDATE SET name = EXCLUDED.name,"
          "  type = EXCLUDED.type, lat = EXCLUDED.lat, lon = EXCLUDED.lon, ship = EXCLUDED.ship,"
          "  pickup = EXCLUDED.pickup, returns = EXCLUDED.returns, priority = EXCLUDED.priority,"
          "  cost_per_shipment = EXCLUDED.cost_per_shipment, ship_days = EXCLUDED.ship_days,"
          "  active = EXCLUDED.active, version = t.version + 1, updated_at = now() "
          IF_MATCH_UPDATE RETURNING("oms_location_json"));

int repo_location_put(struct repo_tx *tx, const char *code, json_t *doc, long long if_match,
                      json_t **out, bool *created)
{
  char vb[24];
  char *d = json_dumps(doc, JSON_COMPACT);
  const char *p[] = {repo_tx_tenant(tx), code, d, if_match_str(if_match, vb)};
  int rc = put(tx, &location_put, p, 4, out, created);
  free(d);
  return rc;
}

REPO_STMT(location_get, "SELECT oms_location_json(t) FROM locations t"
                        " WHERE tenant_id = $1::uuid AND code = $2");
REPO_STMT(location_list, "SELECT oms_location_json(t), seq FROM locations t"
                         " WHERE tenant_id = $1::uuid AND seq > $2::bigint ORDER BY seq LIMIT $3::int");

int repo_location_get(struct repo_tx *tx, const char *code, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), code};
  return repo_json_one(tx, &location_get, 2, p, out);
}

int repo_location_list(struct repo_tx *tx, long long after, int limit, json_t **out,
                       json_t **cursors)
{
  return list(tx, &location_list, NULL, after, limit, out, cursors);
}

/* ---- suppliers ---- */

REPO_STMT(supplier_put,
          "INSERT INTO suppliers AS t (tenant_id, code, name, lead_time_days, edi, active)"
          " SELECT $1::uuid, $2, d->>'name', (d->>'lead_time_days')::int,"
          "  NULLIF(d->'edi', 'null'::jsonb), (d->>'active')::boolean"
          " FROM (SELECT $3::jsonb AS d) s "
          IF_MATCH_INSERT("SELECT 1 FROM suppliers WHERE tenant_id = $1::uuid AND code = $2")
          " ON CONFLICT (tenant_id, code) DO UPDATE SET name = EXCLUDED.name,"
          "  lead_time_days = EXCLUDED.lead_time_days, edi = EXCLUDED.edi,"
          "  active = EXCLUDED.active, version = t.version + 1, updated_at = now() "
          IF_MATCH_UPDATE RETURNING("oms_supplier_json"));

int repo_supplier_put(struct repo_tx *tx, const char *code, json_t *doc, long long if_match,
                      json_t **out, bool *created)
{
  char vb[24];
  char *d = json_dumps(doc, JSON_COMPACT);
  const char *p[] = {repo_tx_tenant(tx), code, d, if_match_str(if_match, vb)};
  int rc = put(tx, &supplier_put, p, 4, out, created);
  free(d);
  return rc;
}

REPO_STMT(supplier_get, "SELECT oms_supplier_json(t) FROM suppliers t"
                        " WHERE tenant_id = $1::uuid AND code = $2");
REPO_STMT(supplier_list, "SELECT oms_supplier_json(t), seq FROM suppliers t"
                         " WHERE tenant_id = $1::uuid AND seq > $2::bigint ORDER BY seq LIMIT $3::int");

int repo_supplier_get(struct repo_tx *tx, const char *code, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), code};
  return repo_json_one(tx, &supplier_get, 2, p, out);
}

int repo_supplier_list(struct repo_tx *tx, long long after, int limit, json_t **out,
                       json_t **cursors)
{
  return list(tx, &supplier_list, NULL, after, limit, out, cursors);
}

/* ---- supplier items ---- */

REPO_STMT(supplier_item_put,
          "INSERT INTO supplier_items AS t (tenant_id, supplier, sku, cost, available, ship_days)"
          " SELECT $1::uuid, $5, $2, (d->>'cost')::bigint, (d->>'available')::bigint,"
          "  (d->>'ship_days')::int"
          " FROM (SELECT $3::jsonb AS d) s "
          IF_MATCH_INSERT("SELECT 1 FROM supplier_items WHERE tenant_id = $1::uuid"
                          " AND supplier = $5 AND sku = $2")
          " ON CONFLICT (tenant_id, supplier, sku) DO UPDATE SET cost = EXCLUDED.cost,"
          "  available = EXCLUDED.available, ship_days = EXCLUDED.ship_days,"
          "  version = t.version + 1, updated_at = now() "
          IF_MATCH_UPDATE RETURNING("oms_supplier_item_json"));

int repo_supplier_item_put(struct repo_tx *tx, const char *supplier, const char *sku,
                           json_t *doc, long long if_match, json_t **out, bool *created)
{
  char vb[24];
  char *d = json_dumps(doc, JSON_COMPACT);
  const char *p[] = {repo_tx_tenant(tx), sku, d, if_match_str(if_match, vb), supplier};
  int rc = put(tx, &supplier_item_put, p, 5, out, created);
  free(d);
  return rc;
}

REPO_STMT(supplier_item_get, "SELECT oms_supplier_item_json(t) FROM supplier_items t"
                             " WHERE tenant_id = $1::uuid AND supplier = $2 AND sku = $3");
REPO_STMT(supplier_item_list, "SELECT oms_supplier_item_json(t), seq FROM supplier_items t"
                              " WHERE tenant_id = $1::uuid AND seq > $2::bigint AND supplier = $4"
                              " ORDER BY seq LIMIT $3::int");

int repo_supplier_item_get(struct repo_tx *tx, const char *supplier, const char *sku,
                           json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), supplier, sku};
  return repo_json_one(tx, &supplier_item_get, 3, p, out);
}

int repo_supplier_item_list(struct repo_tx *tx, const char *supplier, long long after, int limit,
                            json_t **out, json_t **cursors)
{
  return list(tx, &supplier_item_list, supplier, after, limit, out, cursors);
}

/* ---- channels ---- */

REPO_STMT(channel_put,
          "INSERT INTO channels AS t (tenant_id, code, name, locations, safety_stock, percent,"
          " max_per_sku, dropship, preorders, currency, shopify_secret)"
          " SELECT $1::uuid, $2, d->>'name', d->'locations', (d->>'safety_stock')::bigint,"
          "  (d->>'percent')::int, (d->>'max_per_sku')::bigint, (d->>'dropship')::boolean,"
          "  (d->>'preorders')::boolean, d->>'currency', d->>'shopify_secret'"
          " FROM (SELECT $3::jsonb AS d) s "
          IF_MATCH_INSERT("SELECT 1 FROM channels WHERE tenant_id = $1::uuid AND code = $2")
          " ON CONFLICT (tenant_id, code) DO UPDATE SET name = EXCLUDED.name,"
          "  locations = EXCLUDED.locations, safety_stock = EXCLUDED.safety_stock,"
          "  percent = EXCLUDED.percent, max_per_sku = EXCLUDED.max_per_sku,"
          "  dropship = EXCLUDED.dropship, preorders = EXCLUDED.preorders,"
          "  currency = EXCLUDED.currency, shopify_secret = EXCLUDED.shopify_secret,"
          "  version = t.version + 1, updated_at = now() "
          IF_MATCH_UPDATE RETURNING("oms_channel_json"));

int repo_channel_put(struct repo_tx *tx, const char *code, json_t *doc, long long if_match,
                     json_t **out, bool *created)
{
  char vb[24];
  char *d = json_dumps(doc, JSON_COMPACT);
  const char *p[] = {repo_tx_tenant(tx), code, d, if_match_str(if_match, vb)};
  int rc = put(tx, &channel_put, p, 4, out, created);
  free(d);
  return rc;
}

REPO_STMT(channel_get, "SELECT oms_channel_json(t) FROM channels t"
                       " WHERE tenant_id = $1::uuid AND code = $2");
REPO_STMT(channel_list, "SELECT oms_channel_json(t), seq FROM channels t"
                        " WHERE tenant_id = $1::uuid AND seq > $2::bigint ORDER BY seq LIMIT $3::int");

int repo_channel_get(struct repo_tx *tx, const char *code, json_t **out)
{
  const char *p[] = {repo_tx_tenant(tx), code};
  return repo_json_one(tx, &channel_get, 2, p, out);
}

int repo_channel_list(struct repo_tx *tx, long long after, int limit, json_t **out,
                      json_t **cursors)
{
  return list(tx, &channel_list, NULL, after, limit, out, cursors);
}

/* ---- ring-fences ---- */

REPO_STMT(ringfence_put,
          "INSERT INTO ringfences AS t (tenant_id, channel, sku, location, quantity)"
          " SELECT $1::uuid, $5, $2, d->>'location', (d->>'quantity')::bigint"
          " FROM (SELECT $3::jsonb AS d) s "
          IF_MATCH_INSERT("SELECT 1 FROM ringfences WHERE tenant_id = $1::uuid AND channel = $5"
                          " AND sku = $2 AND location = $3::jsonb->>'location'")
          " ON CONFLICT (tenant_id, channel, sku, location) DO UPDATE SET"
          "  quantity = EXCLUDED.quantity, version = t.version + 1, updated_at = now() "
          IF_MATCH_UPDATE RETURNING("oms_ringfence_json"));

int repo_ringfence_put(struct repo_tx *tx, const char *channel, const char *sku, json_t *doc,
                       long long if_match, json_t **out, bool *created)
{
  char vb[24];
  char *d = json_dumps(doc, JSON_COMPACT);
  const char *p[] = {repo_tx_tenant(tx), sku, d, if_match_str(if_match, vb), channel};
  int rc = put(tx, &ringfence_put, p, 5, out, created);
  free(d);
  return rc;
}

REPO_STMT(ringfence_list, "SELECT oms_ringfence_json(t), seq FROM ringfences t"
                          " WHERE tenant_id = $1::uuid AND seq > $2::bigint AND channel = $4"
                          " AND ($5::text IS NULL OR sku = $5) ORDER BY seq LIMIT $3::int");

int repo_ringfence_list(struct repo_tx *tx, const char *channel, const char *sku,
                        long long after, int limit, json_t **out, json_t **cursors)
{
  char a[24], l[16];
  snprintf(a, sizeof a, "%lld", after);
  snprintf(l, sizeof l, "%d", limit);
  const char *p[] = {repo_tx_tenant(tx), a, l, channel, sku};
  return repo_json_all(tx, &ringfence_list, 5, p, out, cursors);
}

/* ---- existence ---- */

REPO_STMT(exists_item, "SELECT 1 FROM items WHERE tenant_id = $1::uuid AND sku = $2");
REPO_STMT(exists_location, "SELECT 1 FROM locations WHERE tenant_id = $1::uuid AND code = $2");
REPO_STMT(exists_supplier, "SELECT 1 FROM suppliers WHERE tenant_id = $1::uuid AND code = $2");
REPO_STMT(exists_channel, "SELECT 1 FROM channels WHERE tenant_id = $1::uuid AND code = $2");

int repo_exists(struct repo_tx *tx, enum repo_kind kind, const char *code)
{
  static struct repo_stmt *const by_kind[] = {&exists_item, &exists_location, &exists_supplier,
                                              &exists_channel};
  const char *p[] = {repo_tx_tenant(tx), code};
  return repo_exec(tx, by_kind[kind], 2, p, NULL);
}
