-- bench/seed.sql: the bulk of the benchmark tenant, loaded in SQL (the
-- locations, channels and rules go through the API: scripts/bench.sh).
--
--   psql -v tenant=<uuid> -v history=50000 -f bench/seed.sql   (as the application role)
--
-- Runs as the non-superuser application role with oms.tenant_id set, so
-- row-level security checks every row like the daemon's own writes.
--
-- Catalog: 10,000 skus SKU-00001 .. SKU-10000, price 499 + (i * 7919) % 20000
-- (bench/loadgen.c computes the same price, so no order trips the price rule).
-- Stock, every unit received through the ledger (reason "receipt"):
--   SKU-00001..00010  hot skus:    1,000,000 units at each warehouse, 1,000 at each store
--   SKU-00011..00020  scarce skus: 100 units at WH-EAST and 50 at STORE-01 only
--                                  (the sell-out run drains them)
--   SKU-00021..10000  the range:   200..2,000 units at each warehouse, and 20..100
--                                  units at half of the stores
-- Locations must exist first (4 warehouses WH-*, 16 stores STORE-01..16).
\set ON_ERROR_STOP on
SET oms.tenant_id = :'tenant';

BEGIN;
INSERT INTO items (tenant_id, sku, name, price, case_pack, tags)
SELECT :'tenant'::uuid, format('SKU-%s', lpad(i::text, 5, '0')), format('Bench item %s', i),
       499 + (i * 7919) % 20000, CASE WHEN i % 4 = 0 THEN 12 END,
       CASE WHEN i <= 10 THEN '["hot"]'::jsonb WHEN i <= 20 THEN '["scarce"]'::jsonb
            ELSE '[]'::jsonb END
  FROM generate_series(1, 10000) i;

-- warehouses: every sku
INSERT INTO inventory (tenant_id, sku, location, on_hand)
SELECT :'tenant'::uuid, format('SKU-%s', lpad(i::text, 5, '0')), l.code,
       CASE WHEN i <= 10 THEN 1000000
            ELSE 200 + (i * 2654435761::bigint + length(l.code) * 97) % 1801 END
  FROM generate_series(1, 10000) i
  CROSS JOIN locations l
 WHERE l.tenant_id = :'tenant'::uuid AND l.type = 'warehouse'
   AND (i > 20 OR i <= 10 OR l.code = 'WH-EAST');

-- the scarce skus: 100 at WH-EAST (set above to the range formula), 50 at STORE-01
UPDATE inventory SET on_hand = 100
 WHERE tenant_id = :'tenant'::uuid AND location = 'WH-EAST'
   AND sku BETWEEN 'SKU-00011' AND 'SKU-00020';

-- stores: hot skus everywhere, the range at half of the stores, scarce at STORE-01
INSERT INTO inventory (tenant_id, sku, location, on_hand)
SELECT :'tenant'::uuid, format('SKU-%s', lpad(i::text, 5, '0')), l.code,
       CASE WHEN i <= 10 THEN 1000 WHEN i <= 20 THEN 50 ELSE 20 + (i * 31 + l.seq) % 81 END
  FROM generate_series(1, 10000) i
  CROSS JOIN locations l
 WHERE l.tenant_id = :'tenant'::uuid AND l.type = 'store'
   AND (i <= 10 OR (i <= 20 AND l.code = 'STORE-01')
        OR (i > 20 AND (i + substr(l.code, 7)::int) % 2 = 0));

-- every unit on hand came in through the ledger
INSERT INTO inventory_ledger (tenant_id, sku, location, delta, on_hand_after, reason, reference)
SELECT tenant_id, sku, location, on_hand, on_hand, 'receipt', 'bench-seed'
  FROM inventory WHERE tenant_id = :'tenant'::uuid
 ORDER BY sku, location;
COMMIT;

-- History: :history orders captured and shipped before the benchmark (two
-- lines, one fulfillment from a warehouse, its events and tracking token),
-- so the tables a capture touches are not empty. With empty tables the
-- plans each long-lived connection caches (PL/pgSQL statements, foreign-key
-- checks) are sequential scans that stay cached as the tables grow, and
-- capture slows down run after run: a start-up artifact, not steady state.
-- Shipped lines hold no reservation and wrote no ledger row (their units
-- left before the seeded receipts), so every check stays exact.
BEGIN;
CREATE TEMP TABLE hist ON COMMIT DROP AS
SELECT g, gen_random_uuid() AS id, gen_random_uuid() AS fid,
       format('SKU-%s', lpad((21 + (g * 7) % 9980)::text, 5, '0')) AS s1,
       format('SKU-%s', lpad((21 + (g * 13 + 4990) % 9980)::text, 5, '0')) AS s2,
       (ARRAY['WH-EAST', 'WH-CENTRAL', 'WH-SOUTH', 'WH-WEST'])[1 + g % 4] AS wh,
       (ARRAY['web', 'web', 'web', 'app', 'marketplace'])[1 + g % 5] AS channel,
       now() - make_interval(secs => (:history - g) * 30) AS at
  FROM generate_series(1, :history) g;

INSERT INTO orders (tenant_id, id, channel, external_id, currency, customer, shipping_address,
                    ship_method, payment, status, total, routing, tracking_token, created_at,
                    updated_at)
SELECT :'tenant'::uuid, id, channel, 'hist-' || g, 'USD',
       jsonb_build_object('email', format('c%s@example.com', g % 100000), 'name', format('Customer %s', g % 100000)),
       jsonb_build_object('line1', format('%s Main St', g % 9999), 'city', 'Chicago', 'region', 'IL',
                          'postal_code', '60601', 'country', 'US', 'lat', 41.88, 'lon', -87.63),
       'standard', '{"status":"paid","amount":4000}', 'shipped', 4000,
       jsonb_build_object('rule', 'standard', 'rules_tried', '["standard"]'::jsonb,
                          'plan', jsonb_build_array(jsonb_build_object('source_type', 'location', 'source', wh,
                            'lines', jsonb_build_array(jsonb_build_object('sku', s1, 'quantity', 1),
                                                       jsonb_build_object('sku', s2, 'quantity', 1)))),
                          'unsourced', '[]'::jsonb),
       'hist-' || id, at, at
  FROM hist;
INSERT INTO order_lines (tenant_id, order_id, line, sku, quantity, unit_price, fulfillment, status,
                         shipped)
SELECT :'tenant'::uuid, id, l.line, CASE l.line WHEN 1 THEN s1 ELSE s2 END, 1, 2000, 'ship', 'shipped', 1
  FROM hist, (VALUES (1), (2)) l(line);
INSERT INTO fulfillments (tenant_id, id, order_id, source_type, source, status, carrier,
                          tracking_number, created_at, updated_at, shipped_at)
SELECT :'tenant'::uuid, fid, id, 'location', wh, 'shipped', 'UPS', '1Z' || g, at, at, at FROM hist;
INSERT INTO fulfillment_lines (tenant_id, fulfillment_id, line, sku, quantity, shipped)
SELECT :'tenant'::uuid, fid, l.line, CASE l.line WHEN 1 THEN s1 ELSE s2 END, 1, 1
  FROM hist, (VALUES (1), (2)) l(line);
INSERT INTO events (tenant_id, type, order_id, actor, data, created_at)
SELECT :'tenant'::uuid, e.type, id, 'system', e.data, at
  FROM hist, LATERAL (VALUES
    ('order.created', jsonb_build_object('order_id', id, 'status', 'released', 'previous_status', NULL)),
    ('fulfillment.created', jsonb_build_object('fulfillment_id', fid, 'order_id', id, 'source', wh, 'status', 'released')),
    ('order.status_changed', jsonb_build_object('order_id', id, 'status', 'shipped', 'previous_status', 'released'))) e(type, data);
INSERT INTO tracking_tokens (token, tenant_id, order_id)
SELECT 'hist-' || id, :'tenant'::uuid, id FROM hist;
COMMIT;

SELECT count(*) AS items FROM items WHERE tenant_id = :'tenant'::uuid \gset
SELECT count(*) AS positions, sum(on_hand) AS units FROM inventory WHERE tenant_id = :'tenant'::uuid \gset
SELECT count(*) AS orders FROM orders WHERE tenant_id = :'tenant'::uuid \gset
\echo seed: :items skus, :positions stock positions, :units units on hand, :orders orders in history
