-- bench/receipt.sql: a tenant's item waiting for a receipt: :n pre-ordered
-- lines of sku PRE (:per lines of one unit per order, as capture writes
-- them) and an inbound of :n units at RWH. Called by scripts/bench.sh (run
-- "receipt") with -v tenant=<uuid> -v n=<lines> -v per=<lines per order>;
-- the receipt itself goes through the API.
SELECT set_config('oms.tenant_id', :'tenant', false);
INSERT INTO items (tenant_id, sku, name, price, preorder_enabled, preorder_limit, release_date)
VALUES (:'tenant', 'PRE', 'Pre-order bench item', 1000, true, :n, '2027-01-15');
INSERT INTO locations (tenant_id, code, name, type, ship, pickup, returns, priority, cost_per_shipment, ship_days, active)
VALUES (:'tenant', 'RWH', 'Receiving DC', 'warehouse', true, false, true, 5, 0, 2, true);
INSERT INTO channels (tenant_id, code, name, locations, safety_stock, percent, dropship, preorders, currency)
VALUES (:'tenant', 'pre', 'Pre-order channel', '"*"', 0, 100, false, true, 'USD');
CREATE TEMP TABLE bench_ids AS
  SELECT md5('bench-receipt-' || g)::uuid AS id, g FROM generate_series(1, :n / :per) g;
INSERT INTO orders (tenant_id, id, channel, currency, ship_method, status, total, tracking_token)
SELECT :'tenant', id, 'pre', 'USD', 'standard', 'preordered', 1000 * :per, 'bench-receipt-' || :'tenant' || '-' || g FROM bench_ids ORDER BY g;
INSERT INTO order_lines (tenant_id, order_id, line, sku, quantity, unit_price, fulfillment, status,
                         preordered, promise_date)
SELECT :'tenant', id, k, 'PRE', 1, 1000, 'ship', 'preordered', 1, '2027-01-15'
  FROM bench_ids, generate_series(1, :per) k;
INSERT INTO preorder_counts (tenant_id, sku, channel, outstanding)
VALUES (:'tenant', 'PRE', '*', :n), (:'tenant', 'PRE', 'pre', :n);
INSERT INTO inbound (tenant_id, id, location, expected_date, reference)
VALUES (:'tenant', '00000000-0000-4000-8000-0000000000aa', 'RWH', '2027-01-10', 'bench');
INSERT INTO inbound_lines (tenant_id, inbound_id, line, sku, quantity)
VALUES (:'tenant', '00000000-0000-4000-8000-0000000000aa', 1, 'PRE', :n);
ANALYZE orders;
ANALYZE order_lines;
