-- 0004_order_changes: one function applies every change to a captured
-- order (staff actions, fulfillment steps, re-routes), computed by the
-- engine from the order's locked state. Stock moves in (sku, location)
-- order like capture, so the two never deadlock one another.

-- Places new fulfillments' units: drop-ship supply and location stock
-- (this channel's fence first, then the guarded reservation), and creates
-- their purchase orders. Shared by capture and re-routes.
CREATE FUNCTION oms_place(t uuid, oid uuid, ch text, safety bigint, p jsonb) RETURNS void
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

-- The write of a capture, in one call. Inserts first and takes the hot
-- inventory rows last (in sku, location order) so locks are held briefly
-- and never in conflicting orders. A guarded update that finds the stock
-- gone raises OMR01: the daemon re-plans against fresh stock.
CREATE FUNCTION oms_capture(p jsonb) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  t uuid := oms_tenant();
  o jsonb := p->'order';
  oid uuid := (o->>'id')::uuid;
  ch text := o->>'channel';
  existing uuid;
  num bigint;
  created timestamptz;
BEGIN
  BEGIN
    INSERT INTO orders (tenant_id, id, channel, external_id, currency, customer, shipping_address,
                        ship_method, payment, ship_complete, status, total, routing,
                        tracking_token, created_by, exchange_for)
    VALUES (t, oid, ch, o->>'external_id', o->>'currency', NULLIF(o->'customer', 'null'),
            NULLIF(o->'shipping_address', 'null'), o->>'ship_method', NULLIF(o->'payment', 'null'),
            (o->>'ship_complete')::boolean, o->>'status', (o->>'total')::bigint, o->'routing',
            o->>'tracking_token', (p->>'created_by')::uuid, (o->>'exchange_for')::uuid)
    RETURNING number, created_at INTO num, created;
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

  -- only what the database decided; omsd builds the reply from its payload
  RETURN json_build_object(
    'number', num::text, 'created_at', oms_ts(created),
    'promise_dates', (SELECT json_object_agg(l.line, to_char(l.promise_date, 'YYYY-MM-DD'))
                      FROM order_lines l WHERE l.tenant_id = t AND l.order_id = oid),
    'fenced', (SELECT coalesce(json_agg(json_build_object('fulfillment_id', fl.fulfillment_id,
                                                          'line', fl.line, 'fenced', fl.fenced)),
                               '[]'::json)
               FROM fulfillment_lines fl JOIN fulfillments f
                 ON f.tenant_id = fl.tenant_id AND f.id = fl.fulfillment_id
               WHERE f.tenant_id = t AND f.order_id = oid AND fl.fenced > 0));
END $$;

-- Applies a change computed by the engine to an order whose row the
-- caller locked. Quantities of lines and fulfillment lines are absolute.
CREATE FUNCTION oms_order_apply(p jsonb) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  t uuid := oms_tenant();
  oid uuid := (p->>'order_id')::uuid;
  ch text;
  x jsonb; q bigint;
BEGIN
  SELECT channel INTO ch FROM orders WHERE tenant_id = t AND id = oid;

  -- stock given back: reservations (and this channel's fence), drop-ship supply, pre-orders
  FOR x IN SELECT value FROM jsonb_array_elements(coalesce(p->'unreserve', '[]'))
           ORDER BY value->>'sku', value->>'location' LOOP
    UPDATE inventory SET reserved = greatest(0, reserved - (x->>'quantity')::bigint), updated_at = now()
     WHERE tenant_id = t AND sku = x->>'sku' AND location = x->>'location';
    IF coalesce((x->>'fenced')::bigint, 0) > 0 THEN
      UPDATE ringfences SET quantity = quantity + (x->>'fenced')::bigint, updated_at = now()
       WHERE tenant_id = t AND channel = ch AND sku = x->>'sku' AND location = x->>'location';
    END IF;
  END LOOP;
  FOR x IN SELECT value FROM jsonb_array_elements(coalesce(p->'unsupply', '[]'))
           ORDER BY value->>'supplier', value->>'sku' LOOP
    UPDATE supplier_items SET available = available + (x->>'quantity')::bigint, updated_at = now()
     WHERE tenant_id = t AND supplier = x->>'supplier' AND sku = x->>'sku';
  END LOOP;
  FOR x IN SELECT value FROM jsonb_array_elements(coalesce(p->'preorder_release', '[]'))
           ORDER BY value->>'sku' LOOP
    UPDATE preorder_counts SET outstanding = greatest(0, outstanding - (x->>'quantity')::bigint),
                               updated_at = now()
     WHERE tenant_id = t AND sku = x->>'sku' AND channel IN ('*', ch);
  END LOOP;

  -- shipped units leave on-hand and reserved together; the ledger records it
  FOR x IN SELECT value FROM jsonb_array_elements(coalesce(p->'ship_stock', '[]'))
           ORDER BY value->>'sku', value->>'location' LOOP
    q := (x->>'quantity')::bigint;
    WITH upd AS (
      UPDATE inventory SET on_hand = on_hand - q, reserved = greatest(0, reserved - q),
                           updated_at = now()
       WHERE tenant_id = t AND sku = x->>'sku' AND location = x->>'location'
      RETURNING on_hand)
    INSERT INTO inventory_ledger (tenant_id, sku, location, delta, on_hand_after, reason, reference)
    SELECT t, x->>'sku', x->>'location', -q, on_hand, coalesce(x->>'reason', 'shipment'), x->>'reference'
      FROM upd;
  END LOOP;

  -- counted losses (short picks, damage): on-hand falls, the ledger records why
  FOR x IN SELECT value FROM jsonb_array_elements(coalesce(p->'lose_stock', '[]'))
           ORDER BY value->>'sku', value->>'location' LOOP
    q := (x->>'quantity')::bigint;
    WITH old AS (SELECT on_hand FROM inventory WHERE tenant_id = t AND sku = x->>'sku'
                   AND location = x->>'location' FOR UPDATE),
         upd AS (UPDATE inventory v SET on_hand = greatest(0, v.on_hand - q), updated_at = now()
                   FROM old WHERE v.tenant_id = t AND v.sku = x->>'sku' AND v.location = x->>'location'
                 RETURNING v.on_hand, v.on_hand - old.on_hand AS delta)
    INSERT INTO inventory_ledger (tenant_id, sku, location, delta, on_hand_after, reason, reference)
    SELECT t, x->>'sku', x->>'location', delta, on_hand, x->>'reason', x->>'reference'
      FROM upd WHERE delta <> 0;
  END LOOP;

  UPDATE order_lines l SET status = u->>'status', allocated = (u->>'allocated')::bigint,
         shipped = (u->>'shipped')::bigint, delivered = (u->>'delivered')::bigint,
         returned = (u->>'returned')::bigint, cancelled = (u->>'cancelled')::bigint,
         backordered = (u->>'backordered')::bigint, preordered = (u->>'preordered')::bigint,
         exception = (u->>'exception')::bigint,
         promise_date = coalesce((u->>'promise_date')::date, l.promise_date)
    FROM jsonb_array_elements(coalesce(p->'lines', '[]')) u
   WHERE l.tenant_id = t AND l.order_id = oid AND l.line = (u->>'line')::int;

  UPDATE fulfillment_lines l SET shipped = (u->>'shipped')::bigint,
         rejected = (u->>'rejected')::bigint, cancelled = (u->>'cancelled')::bigint,
         fenced = coalesce((u->>'fenced')::bigint, l.fenced)
    FROM jsonb_array_elements(coalesce(p->'fulfillment_lines', '[]')) u
   WHERE l.tenant_id = t AND l.fulfillment_id = (u->>'fulfillment_id')::uuid
     AND l.line = (u->>'line')::int;

  UPDATE fulfillments f SET status = u->>'status',
         carrier = coalesce(u->>'carrier', f.carrier),
         tracking_number = coalesce(u->>'tracking_number', f.tracking_number),
         reason = coalesce(u->>'reason', f.reason),
         shipped_at = CASE WHEN u->>'status' IN ('shipped', 'picked_up') AND f.shipped_at IS NULL
                           THEN now() ELSE f.shipped_at END,
         version = f.version + 1, updated_at = now()
    FROM jsonb_array_elements(coalesce(p->'fulfillment_updates', '[]')) u
   WHERE f.tenant_id = t AND f.id = (u->>'id')::uuid;

  UPDATE purchase_orders po SET status = u->>'status', updated_at = now()
    FROM jsonb_array_elements(coalesce(p->'po_updates', '[]')) u
   WHERE po.tenant_id = t AND po.fulfillment_id = (u->>'fulfillment_id')::uuid;
  UPDATE purchase_order_lines pl SET shipped = (u->>'shipped')::bigint,
         status = coalesce(u->>'status', pl.status)
    FROM purchase_orders po, jsonb_array_elements(coalesce(p->'po_line_updates', '[]')) u
   WHERE po.tenant_id = t AND po.fulfillment_id = (u->>'fulfillment_id')::uuid
     AND pl.tenant_id = t AND pl.purchase_order_id = po.id AND pl.order_line = (u->>'line')::int;

  IF (p->>'release_holds')::boolean THEN
    UPDATE order_holds SET released_at = now(), released_by = p->>'actor'
     WHERE tenant_id = t AND order_id = oid AND released_at IS NULL;
    UPDATE exceptions SET status = 'resolved', resolved_at = now(), note = 'order released'
     WHERE tenant_id = t AND order_id = oid AND status = 'open'
       AND kind IN ('order_hold', 'price_mismatch');
  END IF;
  INSERT INTO order_holds (tenant_id, order_id, kind, rule, reason, created_by)
  SELECT t, oid, h->>'kind', h->>'rule', h->>'reason', p->>'actor'
    FROM jsonb_array_elements(coalesce(p->'holds_add', '[]')) h;

  -- new fulfillments of a re-route
  INSERT INTO fulfillments (tenant_id, id, order_id, source_type, source, fulfillment, status)
  SELECT t, (f->>'id')::uuid, oid, f->>'source_type', f->>'source', f->>'fulfillment', f->>'status'
    FROM jsonb_array_elements(coalesce(p->'fulfillments', '[]')) f;
  PERFORM oms_place(t, oid, ch, coalesce((p->>'safety_stock')::bigint, 0), p);

  INSERT INTO exceptions (tenant_id, id, kind, order_id, location, sku, detail, data)
  SELECT t, (e->>'id')::uuid, e->>'kind', oid, e->>'location', e->>'sku', e->>'detail',
         coalesce(e->'data', '{}')
    FROM jsonb_array_elements(coalesce(p->'exceptions', '[]')) e;

  INSERT INTO events (tenant_id, type, order_id, actor, data)
  SELECT t, e->>'type', oid, p->>'actor', e->'data'
    FROM jsonb_array_elements(coalesce(p->'events', '[]')) e;

  UPDATE orders SET status = coalesce(p->>'status', status),
         routing = coalesce(p->'routing', routing),
         version = version + 1, updated_at = now()
   WHERE tenant_id = t AND id = oid;

  RETURN (SELECT oms_order_json(r) FROM orders r WHERE r.tenant_id = t AND r.id = oid);
END $$;

CREATE FUNCTION oms_purchase_order_json(po purchase_orders) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT json_build_object(
    'id', po.id, 'number', po.number, 'supplier', po.supplier, 'order_id', po.order_id,
    'fulfillment_id', po.fulfillment_id, 'status', po.status,
    'lines', (SELECT coalesce(json_agg(json_build_object('line', l.line, 'order_line', l.order_line,
                'sku', l.sku, 'quantity', l.quantity, 'cost', l.cost, 'shipped', l.shipped,
                'status', l.status) ORDER BY l.line), '[]'::json)
              FROM purchase_order_lines l
              WHERE l.tenant_id = po.tenant_id AND l.purchase_order_id = po.id),
    'total_cost', po.total_cost, 'ship_to', po.ship_to, 'control_number', po.control_number,
    'created_at', oms_ts(po.created_at), 'updated_at', oms_ts(po.updated_at)));
END
$$;
