-- 0005_rule_owners: every rule that both C and SQL must know is decided in
-- one place. The engine (src/engine/ats.c) owns what a channel may reserve
-- at a location (eng_ats_reservable), pre-order headroom
-- (eng_preorder_headroom) and which locations a channel sells from
-- (eng_channel_sells_from). SQL keeps only guards that re-check what C
-- decided, through the two functions below, and the inputs no longer carry
-- a channel's location membership: the engine computes it from the
-- channel's list. tests/integration/it_rules.c holds C and SQL to the same
-- answers on a table of cases.

-- Units ring-fenced for channels other than ch, per sku and location: the
-- one SQL definition, used by the ATS inputs, the capture inputs and the
-- guard. A set-returning SQL function of one SELECT, so the planner inlines
-- it into each caller's query (a scalar SQL function with a FROM clause is
-- not inlined and would be planned again at every call).
CREATE FUNCTION oms_fenced_others(t uuid, ch text, p_skus text[])
RETURNS TABLE (sku text, location text, fenced bigint) LANGUAGE sql STABLE AS $$
  SELECT g.sku, g.location, sum(g.quantity)::bigint FROM ringfences g
   WHERE g.tenant_id = t AND g.sku = ANY (p_skus) AND g.channel <> ch
   GROUP BY g.sku, g.location
$$;

-- The same for one sku at one location (the guard of one reservation).
CREATE FUNCTION oms_fenced_other(t uuid, p_sku text, p_location text, ch text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT f.fenced FROM oms_fenced_others(t, ch, ARRAY[p_sku]) f
                    WHERE f.location = p_location), 0);
END
$$;

-- What a channel may reserve: the guard's copy of eng_ats_reservable()
-- (src/engine/ats.c), which owns the rule.
CREATE FUNCTION oms_reservable(on_hand bigint, reserved bigint, safety bigint,
                               fenced_other bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
  SELECT greatest(0, on_hand - reserved - safety - fenced_other)
$$;

CREATE OR REPLACE FUNCTION oms_ats_inputs(p_tenant uuid, p_channel text, p_skus text[])
RETURNS SETOF json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN QUERY
SELECT json_build_object(
    'sku', i.sku,
    'dropship', i.dropship,
    'preorder_enabled', i.preorder_enabled,
    'preorder_limit', i.preorder_limit,
    'channel_limit', (i.preorder_channel_limits ->> p_channel)::bigint,
    'outstanding', coalesce((SELECT p.outstanding FROM preorder_counts p
                             WHERE p.tenant_id = p_tenant AND p.sku = i.sku
                               AND p.channel = '*'), 0),
    'outstanding_channel', coalesce((SELECT p.outstanding FROM preorder_counts p
                             WHERE p.tenant_id = p_tenant AND p.sku = i.sku
                               AND p.channel = p_channel), 0),
    'supplier_available', coalesce((SELECT sum(si.available) FROM supplier_items si
                             JOIN suppliers s ON s.tenant_id = si.tenant_id AND s.code = si.supplier
                             WHERE si.tenant_id = p_tenant AND si.sku = i.sku AND s.active), 0),
    'positions', coalesce((SELECT json_agg(json_build_object(
        'location', v.location, 'on_hand', v.on_hand, 'reserved', v.reserved,
        'active', l.active, 'ship', l.ship,
        'fenced_this', coalesce((SELECT sum(r.quantity) FROM ringfences r
                                 WHERE r.tenant_id = p_tenant AND r.sku = i.sku
                                   AND r.location = v.location AND r.channel = p_channel), 0),
        'fenced_other', coalesce(fo.fenced, 0))
        ORDER BY v.location)
      FROM inventory v JOIN locations l ON l.tenant_id = v.tenant_id AND l.code = v.location
      LEFT JOIN oms_fenced_others(p_tenant, p_channel, p_skus) fo
        ON fo.sku = v.sku AND fo.location = v.location
      WHERE v.tenant_id = p_tenant AND v.sku = i.sku), '[]'::json))
  FROM items i
  WHERE i.tenant_id = p_tenant AND i.sku = ANY (p_skus)
  ORDER BY i.sku;
END
$$;

CREATE OR REPLACE FUNCTION oms_capture_inputs(p_channel text, p_skus text[], p_pickups text[],
                                   p_external_id text)
RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT json_build_object(
    'channel', (SELECT oms_channel_json(c) FROM channels c
                WHERE c.tenant_id = oms_tenant() AND c.code = p_channel),
    'items', (SELECT coalesce(json_object_agg(i.sku, json_build_object(
                'price', i.price, 'dropship', i.dropship, 'preorder_enabled', i.preorder_enabled,
                'preorder_limit', i.preorder_limit,
                'channel_limit', (i.preorder_channel_limits ->> p_channel)::bigint,
                'release_date', to_char(i.release_date, 'YYYY-MM-DD'))), '{}'::json)
              FROM items i WHERE i.tenant_id = oms_tenant() AND i.sku = ANY (p_skus)),
    'locations', (SELECT coalesce(json_agg(json_build_object(
                'code', l.code, 'type', l.type, 'active', l.active, 'ship', l.ship,
                'pickup', l.pickup, 'lat', l.lat, 'lon', l.lon, 'priority', l.priority,
                'cost_per_shipment', l.cost_per_shipment, 'ship_days', l.ship_days,
                'stock', (SELECT coalesce(json_object_agg(v.sku, json_build_object(
                            'on_hand', v.on_hand, 'reserved', v.reserved,
                            'fenced_other', coalesce(fo.fenced, 0))),
                            '{}'::json)
                          FROM inventory v
                          LEFT JOIN oms_fenced_others(l.tenant_id, p_channel, p_skus) fo
                            ON fo.sku = v.sku AND fo.location = v.location
                          WHERE v.tenant_id = l.tenant_id AND v.location = l.code
                            AND v.sku = ANY (p_skus)))
              ORDER BY l.code), '[]'::json)
              FROM locations l WHERE l.tenant_id = oms_tenant()
                AND (l.code = ANY (p_pickups) OR EXISTS (
                  SELECT 1 FROM inventory v WHERE v.tenant_id = l.tenant_id AND v.location = l.code
                    AND v.sku = ANY (p_skus)))),
    'suppliers', (SELECT coalesce(json_agg(json_build_object(
                'code', s.code, 'active', s.active, 'lead_time_days', s.lead_time_days,
                'items', (SELECT coalesce(json_object_agg(si.sku, json_build_object(
                            'cost', si.cost, 'available', si.available, 'ship_days', si.ship_days)),
                            '{}'::json)
                          FROM supplier_items si WHERE si.tenant_id = s.tenant_id
                            AND si.supplier = s.code AND si.sku = ANY (p_skus)))
              ORDER BY s.code), '[]'::json)
              FROM suppliers s WHERE s.tenant_id = oms_tenant() AND EXISTS (
                SELECT 1 FROM supplier_items si WHERE si.tenant_id = s.tenant_id
                  AND si.supplier = s.code AND si.sku = ANY (p_skus))),
    'preorder', (SELECT coalesce(json_object_agg(p.sku || '|' || p.channel, p.outstanding), '{}'::json)
              FROM preorder_counts p WHERE p.tenant_id = oms_tenant() AND p.sku = ANY (p_skus)
                AND p.channel IN ('*', p_channel)),
    'routing_rules', (SELECT r.routing_rules FROM tenant_rules r WHERE r.tenant_id = oms_tenant()),
    'order_rules', (SELECT r.order_rules FROM tenant_rules r WHERE r.tenant_id = oms_tenant()),
    'duplicate', (SELECT o.id FROM orders o WHERE o.tenant_id = oms_tenant()
                    AND o.channel = p_channel AND o.external_id = p_external_id)));
END
$$;

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
      -- the headroom was decided by eng_preorder_headroom() (src/engine/ats.c);
      -- these guards only re-check the same limits against the counters now
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
       AND oms_reservable(v.on_hand, v.reserved, safety,
                          oms_fenced_other(t, v.sku, v.location, ch)) >= q;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'OMR01',
        MESSAGE = 'stock moved: ' || (x->>'sku') || ' at ' || (x->>'source');
    END IF;
    INSERT INTO fulfillment_lines (tenant_id, fulfillment_id, line, sku, quantity, fenced)
    VALUES (t, (x->>'fulfillment_id')::uuid, (x->>'line')::int, x->>'sku', q, coalesce(fence, 0));
  END LOOP;
END $$;
