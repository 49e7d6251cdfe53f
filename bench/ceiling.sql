-- bench/ceiling.sql: the database's own ceiling for order capture.
--
-- The least work a capture must do on this schema, as one PL/pgSQL call
-- (one round trip, one transaction): the order row, its two lines, one
-- event (the outbox row webhooks are delivered from) and two guarded
-- reservations, taken last and in sku order exactly like oms_capture, so
-- the row locks are held as briefly as the real thing can hold them.
-- No routing, no rules, no JSON in or out: what `make bench` measures
-- with pgbench (bench/ceiling.pgbench) at 32 clients, synchronous_commit
-- on, to print omsd's capture rate as a percentage of it.
--
-- It runs in a tenant of its own (created by scripts/bench.sh and loaded
-- with bench/seed.sql like the main one), so its orders, which have no
-- fulfillments, do not disturb the main tenant's reservation checks; its
-- own check is sum(reserved) = sum(order_lines.allocated) per sku.
-- Row-level security applies as for the daemon: the function sets
-- oms.tenant_id for its transaction and pgbench connects as the
-- application role.
CREATE OR REPLACE FUNCTION bench_ceiling_capture(p_tenant uuid, p_s1 int, p_s2 int,
                                                 p_q1 int, p_q2 int, p_wh int)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  oid uuid := gen_random_uuid();
  loc text := (ARRAY['WH-EAST', 'WH-CENTRAL', 'WH-SOUTH', 'WH-WEST'])[p_wh];
  a text := format('SKU-%s', lpad(least(p_s1, p_s2)::text, 5, '0'));
  b text := format('SKU-%s', lpad(greatest(p_s1, p_s2)::text, 5, '0'));
  qa int := CASE WHEN p_s1 <= p_s2 THEN p_q1 ELSE p_q2 END;
  qb int := CASE WHEN p_s1 <= p_s2 THEN p_q2 ELSE p_q1 END;
BEGIN
  PERFORM set_config('oms.tenant_id', p_tenant::text, true);

  INSERT INTO orders (tenant_id, id, channel, external_id, currency, customer, shipping_address,
                      ship_method, payment, status, total, tracking_token)
  VALUES (p_tenant, oid, 'web', oid::text, 'USD',
          '{"email":"c1@example.com","name":"Customer 1"}',
          '{"line1":"1 Main St","city":"Chicago","region":"IL","postal_code":"60601","country":"US","lat":41.88,"lon":-87.63}',
          'standard', '{"status":"authorized","amount":1998}', 'released', 1998, oid::text);

  INSERT INTO order_lines (tenant_id, order_id, line, sku, quantity, unit_price, fulfillment,
                           status, allocated)
  VALUES (p_tenant, oid, 1, a, qa, 999, 'ship', 'released', qa),
         (p_tenant, oid, 2, b, qb, 999, 'ship', 'released', qb);

  INSERT INTO events (tenant_id, type, order_id, actor, data)
  VALUES (p_tenant, 'order.created', oid, 'bench',
          jsonb_build_object('order_id', oid, 'status', 'released', 'previous_status', NULL));

  UPDATE inventory SET reserved = reserved + qa, updated_at = now()
   WHERE tenant_id = p_tenant AND sku = a AND location = loc AND on_hand - reserved >= qa;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'OMR01', MESSAGE = 'insufficient stock: ' || a;
  END IF;
  UPDATE inventory SET reserved = reserved + qb, updated_at = now()
   WHERE tenant_id = p_tenant AND sku = b AND location = loc AND on_hand - reserved >= qb;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'OMR01', MESSAGE = 'insufficient stock: ' || b;
  END IF;
  RETURN oid;
END $$;
