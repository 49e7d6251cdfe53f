-- 0009_lean_capture: capture skips the statements whose arrays are empty
-- (holds, exceptions, purchase orders, pre-order and supplier takes): each
-- costs an executor start-up even when it has nothing to do.
CREATE OR REPLACE FUNCTION oms_place(t uuid, oid uuid, ch text, safety bigint, p jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  x jsonb; q bigint; fence bigint; ctrl bigint;
BEGIN
  IF jsonb_array_length(coalesce(p->'purchase_orders', '[]')) > 0 THEN
    FOR x IN SELECT value FROM jsonb_array_elements(coalesce(p->'purchase_orders', '[]')) LOOP
      UPDATE suppliers SET edi_control = edi_control + 1
       WHERE tenant_id = t AND code = x->>'supplier' RETURNING edi_control INTO ctrl;
      INSERT INTO purchase_orders (tenant_id, id, number, supplier, order_id, fulfillment_id,
                                   total_cost, ship_to, control_number)
      VALUES (t, (x->>'id')::uuid, 'PO' || nextval('po_numbers'), x->>'supplier', oid,
              (x->>'fulfillment_id')::uuid, (x->>'total_cost')::bigint,
              NULLIF(x->'ship_to', 'null'), ctrl);
      INSERT INTO purchase_order_lines (tenant_id, purchase_order_id, line, order_line, sku,
                                        quantity, cost)
      SELECT t, (x->>'id')::uuid, (pl->>'line')::int, (pl->>'order_line')::int, pl->>'sku',
             (pl->>'quantity')::bigint, (pl->>'cost')::bigint
        FROM jsonb_array_elements(x->'lines') pl;
    END LOOP;
  END IF;

  IF jsonb_array_length(coalesce(p->'preorder_takes', '[]')) > 0 THEN
    FOR x IN SELECT value FROM jsonb_array_elements(coalesce(p->'preorder_takes', '[]'))
             ORDER BY value->>'sku' LOOP
      q := (x->>'quantity')::bigint;
      INSERT INTO preorder_counts AS c (tenant_id, sku, channel, outstanding)
      VALUES (t, x->>'sku', '*', q)
      ON CONFLICT (tenant_id, sku, channel) DO UPDATE
        SET outstanding = c.outstanding + q, updated_at = now()
        WHERE c.outstanding + q <= (x->>'limit')::bigint;
      IF NOT FOUND OR q > (x->>'limit')::bigint THEN
        RAISE EXCEPTION USING ERRCODE = 'OMR01', MESSAGE = 'pre-order limit reached: ' || (x->>'sku');
      END IF;
      INSERT INTO preorder_counts AS c (tenant_id, sku, channel, outstanding)
      VALUES (t, x->>'sku', ch, q)
      ON CONFLICT (tenant_id, sku, channel) DO UPDATE
        SET outstanding = c.outstanding + q, updated_at = now()
        WHERE x->>'channel_limit' IS NULL OR c.outstanding + q <= (x->>'channel_limit')::bigint;
      IF NOT FOUND OR q > coalesce((x->>'channel_limit')::bigint, q) THEN
        RAISE EXCEPTION USING ERRCODE = 'OMR01', MESSAGE = 'channel pre-order limit reached: ' || (x->>'sku');
      END IF;
    END LOOP;
  END IF;

  IF jsonb_array_length(coalesce(p->'supplier_lines', '[]')) > 0 THEN
    FOR x IN SELECT value FROM jsonb_array_elements(coalesce(p->'supplier_lines', '[]'))
             ORDER BY value->>'source', value->>'sku' LOOP
      q := (x->>'quantity')::bigint;
      UPDATE supplier_items SET available = available - q, updated_at = now()
       WHERE tenant_id = t AND supplier = x->>'source' AND sku = x->>'sku' AND available >= q;
      IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'OMR01', MESSAGE = 'supplier stock moved: ' || (x->>'sku');
      END IF;
      INSERT INTO fulfillment_lines (tenant_id, fulfillment_id, line, sku, quantity)
      VALUES (t, (x->>'fulfillment_id')::uuid, (x->>'line')::int, x->>'sku', q);
    END LOOP;
  END IF;

  FOR x IN SELECT value FROM jsonb_array_elements(coalesce(p->'location_lines', '[]'))
           ORDER BY value->>'sku', value->>'source', (value->>'line')::int LOOP
    q := (x->>'quantity')::bigint;
    fence := 0;
    UPDATE ringfences g SET quantity = g.quantity - least(g.quantity, q), updated_at = now()
      FROM (SELECT quantity FROM ringfences WHERE tenant_id = t AND channel = ch
              AND sku = x->>'sku' AND location = x->>'source' FOR UPDATE) old
     WHERE g.tenant_id = t AND g.channel = ch AND g.sku = x->>'sku' AND g.location = x->>'source'
       AND old.quantity > 0
    RETURNING least(old.quantity, q) INTO fence;
    UPDATE inventory v SET reserved = v.reserved + q, updated_at = now()
     WHERE v.tenant_id = t AND v.sku = x->>'sku' AND v.location = x->>'source'
       AND v.on_hand - v.reserved - safety
           - (SELECT coalesce(sum(g.quantity), 0) FROM ringfences g
               WHERE g.tenant_id = t AND g.sku = v.sku AND g.location = v.location
                 AND g.channel <> ch) >= q;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'OMR01',
        MESSAGE = 'stock moved: ' || (x->>'sku') || ' at ' || (x->>'source');
    END IF;
    INSERT INTO fulfillment_lines (tenant_id, fulfillment_id, line, sku, quantity, fenced)
    VALUES (t, (x->>'fulfillment_id')::uuid, (x->>'line')::int, x->>'sku', q, coalesce(fence, 0));
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION oms_capture(p jsonb) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  t uuid := oms_tenant();
  o jsonb := p->'order';
  oid uuid := (o->>'id')::uuid;
  ch text := o->>'channel';
  existing uuid;
BEGIN
  BEGIN
    INSERT INTO orders (tenant_id, id, channel, external_id, currency, customer, shipping_address,
                        ship_method, payment, ship_complete, status, total, routing,
                        tracking_token, created_by, exchange_for)
    VALUES (t, oid, ch, o->>'external_id', o->>'currency', NULLIF(o->'customer', 'null'),
            NULLIF(o->'shipping_address', 'null'), o->>'ship_method', NULLIF(o->'payment', 'null'),
            (o->>'ship_complete')::boolean, o->>'status', (o->>'total')::bigint, o->'routing',
            o->>'tracking_token', (p->>'created_by')::uuid, (o->>'exchange_for')::uuid);
  EXCEPTION WHEN unique_violation THEN
    SELECT id INTO existing FROM orders
     WHERE tenant_id = t AND channel = ch AND external_id = o->>'external_id';
    IF existing IS NULL THEN RAISE; END IF;
    RETURN json_build_object('duplicate', existing);
  END;
  INSERT INTO tracking_tokens (token, tenant_id, order_id) VALUES (o->>'tracking_token', t, oid);

  INSERT INTO order_lines (tenant_id, order_id, line, sku, quantity, unit_price, fulfillment,
                           pickup_location, status, allocated, backordered, preordered, promise_date)
  SELECT t, oid, (l->>'line')::int, l->>'sku', (l->>'quantity')::bigint, (l->>'unit_price')::bigint,
         l->>'fulfillment', l->>'pickup_location', l->>'status', (l->>'allocated')::bigint,
         (l->>'backordered')::bigint, (l->>'preordered')::bigint,
         coalesce((l->>'promise_date')::date, current_date + (l->>'promise_days')::int)
    FROM jsonb_array_elements(p->'lines') l;

  IF jsonb_array_length(p->'holds') > 0 THEN
    INSERT INTO order_holds (tenant_id, order_id, kind, rule, reason, created_by)
    SELECT t, oid, h->>'kind', h->>'rule', h->>'reason', 'rule'
      FROM jsonb_array_elements(p->'holds') h;
  END IF;

  INSERT INTO fulfillments (tenant_id, id, order_id, source_type, source, fulfillment, status)
  SELECT t, (f->>'id')::uuid, oid, f->>'source_type', f->>'source', f->>'fulfillment', f->>'status'
    FROM jsonb_array_elements(p->'fulfillments') f;

  IF jsonb_array_length(p->'exceptions') > 0 THEN
    INSERT INTO exceptions (tenant_id, id, kind, order_id, sku, detail, data)
    SELECT t, (e->>'id')::uuid, e->>'kind', oid, e->>'sku', e->>'detail', coalesce(e->'data', '{}')
      FROM jsonb_array_elements(p->'exceptions') e;
  END IF;

  INSERT INTO events (tenant_id, type, order_id, actor, data)
  SELECT t, e->>'type', oid, p->>'actor', e->'data' FROM jsonb_array_elements(p->'events') e;

  -- pre-orders, drop-ship supply and, last, the hot stock rows
  PERFORM oms_place(t, oid, ch, (p->>'safety_stock')::bigint, p);

  RETURN (SELECT oms_order_json(r) FROM orders r WHERE r.tenant_id = t AND r.id = oid);
END $$;
