-- 0008_inbound: expected supply (inbound shipments) and receipts that
-- allocate waiting pre-orders, oldest order first. The allocation is decided
-- by the engine (eng_receive, src/engine/receipts.c) from the locked orders;
-- oms_receive() writes it in one set-based call.

CREATE TABLE inbound (
  tenant_id     uuid NOT NULL,
  id            uuid NOT NULL,
  seq           bigint GENERATED ALWAYS AS IDENTITY,
  location      text NOT NULL,
  expected_date date,
  reference     text,
  status        text NOT NULL DEFAULT 'expected'
                CHECK (status IN ('expected', 'partially_received', 'received')),
  version       int NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, location) REFERENCES locations (tenant_id, code)
);
CREATE INDEX inbound_seq ON inbound (tenant_id, seq);
CREATE INDEX inbound_status ON inbound (tenant_id, status, seq);

CREATE TABLE inbound_lines (
  tenant_id  uuid NOT NULL,
  inbound_id uuid NOT NULL,
  line       int NOT NULL,
  sku        text NOT NULL,
  quantity   bigint NOT NULL CHECK (quantity > 0),
  received   bigint NOT NULL DEFAULT 0 CHECK (received >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, inbound_id, line),
  FOREIGN KEY (tenant_id, inbound_id) REFERENCES inbound (tenant_id, id),
  FOREIGN KEY (tenant_id, sku) REFERENCES items (tenant_id, sku)
);
-- what is still to arrive, per sku
CREATE INDEX inbound_lines_open ON inbound_lines (tenant_id, sku) WHERE received < quantity;
CREATE INDEX inbound_lines_changed ON inbound_lines (tenant_id, updated_at);
-- waiting pre-order lines of a sku, for receipts
CREATE INDEX order_lines_waiting ON order_lines (tenant_id, sku, order_id) WHERE preordered > 0;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['inbound', 'inbound_lines']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = oms_tenant()) '
                   'WITH CHECK (tenant_id = oms_tenant())', t);
  END LOOP;
END $$;

-- Units of sku still to arrive on inbound shipments (received beyond what
-- a line expected does not make another line arrive sooner).
CREATE FUNCTION oms_expected(t uuid, p_sku text) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT coalesce(sum(l.quantity - l.received), 0)::bigint FROM inbound_lines l
           WHERE l.tenant_id = t AND l.sku = p_sku AND l.received < l.quantity);
END
$$;

CREATE FUNCTION oms_inbound_json(i inbound) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT json_build_object(
    'id', i.id, 'location', i.location, 'expected_date', to_char(i.expected_date, 'YYYY-MM-DD'),
    'reference', i.reference, 'status', i.status,
    'lines', (SELECT coalesce(json_agg(json_build_object('line', l.line, 'sku', l.sku,
                'quantity', l.quantity, 'received', l.received) ORDER BY l.line), '[]'::json)
              FROM inbound_lines l WHERE l.tenant_id = i.tenant_id AND l.inbound_id = i.id),
    'version', i.version, 'created_at', oms_ts(i.created_at), 'updated_at', oms_ts(i.updated_at)));
END
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
    'expected', oms_expected(p_tenant, i.sku),
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

-- The capture inputs, now with the pre-order supply expected ('expected'
-- per item) and every location and supplier of the tenant as a candidate.
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
                'expected', oms_expected(i.tenant_id, i.sku),
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
              -- every location: one without stock is still a candidate the
              -- explanation shows ("no stock"), like one filtered out
              FROM locations l WHERE l.tenant_id = oms_tenant()),
    'suppliers', (SELECT coalesce(json_agg(json_build_object(
                'code', s.code, 'active', s.active, 'lead_time_days', s.lead_time_days,
                'items', (SELECT coalesce(json_object_agg(si.sku, json_build_object(
                            'cost', si.cost, 'available', si.available, 'ship_days', si.ship_days)),
                            '{}'::json)
                          FROM supplier_items si WHERE si.tenant_id = s.tenant_id
                            AND si.supplier = s.code AND si.sku = ANY (p_skus)))
              ORDER BY s.code), '[]'::json)
              FROM suppliers s WHERE s.tenant_id = oms_tenant()),
    'preorder', (SELECT coalesce(json_object_agg(p.sku || '|' || p.channel, p.outstanding), '{}'::json)
              FROM preorder_counts p WHERE p.tenant_id = oms_tenant() AND p.sku = ANY (p_skus)
                AND p.channel IN ('*', p_channel)),
    'routing_rules', (SELECT r.routing_rules FROM tenant_rules r WHERE r.tenant_id = oms_tenant()),
    'order_rules', (SELECT r.order_rules FROM tenant_rules r WHERE r.tenant_id = oms_tenant()),
    'duplicate', (SELECT o.id FROM orders o WHERE o.tenant_id = oms_tenant()
                    AND o.channel = p_channel AND o.external_id = p_external_id)));
END
$$;


-- Skus whose ATS may have changed now also count expected supply.
CREATE OR REPLACE FUNCTION oms_ats_changed(p_tenant uuid, p_channel text, p_since timestamptz,
                                p_after text, p_limit int)
RETURNS TABLE (sku text) LANGUAGE sql STABLE AS $$
  SELECT DISTINCT x.sku FROM (
    SELECT v.sku FROM inventory v WHERE v.tenant_id = p_tenant AND v.updated_at > p_since
    UNION ALL SELECT i.sku FROM items i WHERE i.tenant_id = p_tenant AND i.updated_at > p_since
    UNION ALL SELECT si.sku FROM supplier_items si WHERE si.tenant_id = p_tenant AND si.updated_at > p_since
    UNION ALL SELECT si.sku FROM supplier_items si JOIN suppliers s
                ON s.tenant_id = si.tenant_id AND s.code = si.supplier
              WHERE si.tenant_id = p_tenant AND s.updated_at > p_since
    UNION ALL SELECT r.sku FROM ringfences r WHERE r.tenant_id = p_tenant AND r.updated_at > p_since
    UNION ALL SELECT p.sku FROM preorder_counts p WHERE p.tenant_id = p_tenant AND p.updated_at > p_since
    UNION ALL SELECT l.sku FROM inbound_lines l WHERE l.tenant_id = p_tenant AND l.updated_at > p_since
    UNION ALL SELECT v.sku FROM inventory v JOIN locations l
                ON l.tenant_id = v.tenant_id AND l.code = v.location
              WHERE v.tenant_id = p_tenant AND l.updated_at > p_since
    UNION ALL SELECT i.sku FROM items i WHERE i.tenant_id = p_tenant
                AND EXISTS (SELECT 1 FROM channels c WHERE c.tenant_id = p_tenant
                            AND c.code = p_channel AND c.updated_at > p_since)
  ) x
  WHERE p_after IS NULL OR x.sku > p_after
  ORDER BY x.sku
  LIMIT p_limit
$$;

-- The orders waiting for pre-ordered units of skus, in capture order, with
-- what a receipt needs of each, as flat positional rows (a receipt may find
-- ten thousand orders waiting: nested JSON objects cost ten times more to
-- build and to read). rows_receipt_inputs() reads them:
--   o:  [id, channel, ship_method, ship_complete, status, active holds]
--   l:  [order_id, line, sku, quantity, fulfillment, pickup_location, allocated, shipped,
--        delivered, returned, cancelled, backordered, preordered, exception]
--   f:  [id, order_id, source_type, source, fulfillment, status, carrier, tracking_number,
--        reason, purchase_order_id]
--   fl: [fulfillment_id, line, sku, quantity, shipped, rejected, cancelled, fenced]
-- each in capture order, then line or fulfillment order.
CREATE FUNCTION oms_waiting_orders(t uuid, p_skus text[]) RETURNS json
LANGUAGE sql STABLE AS $$
  WITH w AS (SELECT o.id, o.seq FROM orders o WHERE o.tenant_id = t AND o.id IN (
               SELECT l.order_id FROM order_lines l
                WHERE l.tenant_id = t AND l.sku = ANY (p_skus) AND l.preordered > 0)),
  f AS (SELECT f.*, w.seq AS oseq FROM fulfillments f JOIN w ON w.id = f.order_id
         WHERE f.tenant_id = t)
  SELECT json_build_object(
    'o', (SELECT coalesce(json_agg(json_build_array(o.id, o.channel, o.ship_method,
                   o.ship_complete, o.status,
                   (SELECT count(*) FROM order_holds h WHERE h.tenant_id = t
                     AND h.order_id = o.id AND h.released_at IS NULL)) ORDER BY w.seq), '[]')
            FROM orders o JOIN w ON w.id = o.id WHERE o.tenant_id = t),
    'l', (SELECT coalesce(json_agg(json_build_array(l.order_id, l.line, l.sku, l.quantity,
                   l.fulfillment, l.pickup_location, l.allocated, l.shipped, l.delivered,
                   l.returned, l.cancelled, l.backordered, l.preordered, l.exception)
                   ORDER BY w.seq, l.line), '[]')
            FROM order_lines l JOIN w ON w.id = l.order_id WHERE l.tenant_id = t),
    'f', (SELECT coalesce(json_agg(json_build_array(f.id, f.order_id, f.source_type, f.source,
                   f.fulfillment, f.status, f.carrier, f.tracking_number, f.reason,
                   (SELECT po.id FROM purchase_orders po WHERE po.tenant_id = t
                     AND po.fulfillment_id = f.id)) ORDER BY f.oseq, f.seq), '[]') FROM f),
    'fl', (SELECT coalesce(json_agg(json_build_array(fl.fulfillment_id, fl.line, fl.sku,
                   fl.quantity, fl.shipped, fl.rejected, fl.cancelled, fl.fenced)
                   ORDER BY f.oseq, f.seq, fl.line), '[]')
             FROM fulfillment_lines fl JOIN f ON f.id = fl.fulfillment_id
            WHERE fl.tenant_id = t))
$$;

-- What a receipt decides from, after taking its locks: the inbound (locked:
-- receipts of one inbound run one after the other), the pre-order counters
-- of the skus (locked: a pre-order capture of them waits for the receipt,
-- and the receipt for captures in flight, so none is skipped), every order
-- with pre-ordered units of the skus (locked, in capture order), the
-- channels they came through, and the receiving location. VOLATILE: each
-- statement sees what committed before it, after the locks.
CREATE FUNCTION oms_receipt_inputs(p_inbound uuid, p_skus text[]) RETURNS json
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  t uuid := oms_tenant();
  inb inbound;
BEGIN
  SELECT * INTO inb FROM inbound WHERE tenant_id = t AND id = p_inbound FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM preorder_counts WHERE tenant_id = t AND sku = ANY (p_skus) AND channel = '*'
    ORDER BY sku FOR UPDATE;
  PERFORM 1 FROM orders o WHERE o.tenant_id = t AND o.id IN (
      SELECT l.order_id FROM order_lines l
       WHERE l.tenant_id = t AND l.sku = ANY (p_skus) AND l.preordered > 0)
    ORDER BY o.seq FOR UPDATE;
  RETURN (SELECT json_build_object(
    'inbound', oms_inbound_json(inb),
    'location', (SELECT json_build_object('code', l.code, 'type', l.type, 'active', l.active,
                  'ship', l.ship, 'pickup', l.pickup)
                 FROM locations l WHERE l.tenant_id = t AND l.code = inb.location),
    'channels', (SELECT coalesce(json_agg(oms_channel_json(c)), '[]'::json) FROM channels c
                 WHERE c.tenant_id = t AND c.code IN (
                   SELECT o.channel FROM orders o JOIN order_lines l
                     ON l.tenant_id = o.tenant_id AND l.order_id = o.id
                   WHERE o.tenant_id = t AND l.sku = ANY (p_skus) AND l.preordered > 0)),
    'orders', oms_waiting_orders(t, p_skus)));
END
$$;

-- Writes a receipt decided by the engine, set-based (a receipt may
-- allocate thousands of waiting lines): stock in with its ledger rows, the
-- inbound's counts, reservations for the allocated units (never more than
-- arrived), pre-order counters, order lines, new fulfillments and their
-- lines, pending work released, order statuses, events.
CREATE FUNCTION oms_receive(p jsonb) RETURNS json LANGUAGE plpgsql AS $$
DECLARE
  t uuid := oms_tenant();
  inb uuid := (p->>'inbound_id')::uuid;
  loc text := p->>'location';
  x record;
BEGIN
  FOR x IN SELECT * FROM jsonb_to_recordset(p->'stock_in') AS s(sku text, quantity bigint, reserve bigint)
           ORDER BY s.sku LOOP
    WITH upd AS (
      INSERT INTO inventory AS v (tenant_id, sku, location, on_hand, reserved)
      VALUES (t, x.sku, loc, x.quantity, x.reserve)
      ON CONFLICT (tenant_id, sku, location) DO UPDATE
        SET on_hand = v.on_hand + x.quantity, reserved = v.reserved + x.reserve, updated_at = now()
      RETURNING v.on_hand, v.reserved)
    INSERT INTO inventory_ledger (tenant_id, sku, location, delta, on_hand_after, reason, reference)
    SELECT t, x.sku, loc, x.quantity, on_hand, 'receipt', inb::text FROM upd;
  END LOOP;

  UPDATE inbound_lines l SET received = u.received, updated_at = now()
    FROM jsonb_to_recordset(p->'inbound_lines') AS u(line int, received bigint)
   WHERE l.tenant_id = t AND l.inbound_id = inb AND l.line = u.line;
  UPDATE inbound SET status = p->>'status', version = version + 1, updated_at = now()
   WHERE tenant_id = t AND id = inb;

  FOR x IN SELECT * FROM jsonb_to_recordset(p->'counts') AS c(sku text, channel text, quantity bigint)
           ORDER BY c.sku, c.channel LOOP
    UPDATE preorder_counts SET outstanding = outstanding - x.quantity, updated_at = now()
     WHERE tenant_id = t AND sku = x.sku AND channel = x.channel AND outstanding >= x.quantity;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'pre-order counter of % (%) below what a receipt allocated', x.sku, x.channel;
    END IF;
  END LOOP;

  -- positional rows, as rows_receipt_payload() writes them
  UPDATE order_lines l SET status = u->>2, allocated = (u->>3)::bigint, preordered = (u->>4)::bigint
    FROM jsonb_array_elements(p->'l') u
   WHERE l.tenant_id = t AND l.order_id = (u->>0)::uuid AND l.line = (u->>1)::int;
  INSERT INTO fulfillments (tenant_id, id, order_id, source_type, source, fulfillment, status)
  SELECT t, (f->>0)::uuid, (f->>1)::uuid, 'location', loc, f->>2, f->>3
    FROM jsonb_array_elements(p->'f') f;
  INSERT INTO fulfillment_lines (tenant_id, fulfillment_id, line, sku, quantity)
  SELECT t, (l->>0)::uuid, (l->>1)::int, l->>2, (l->>3)::bigint
    FROM jsonb_array_elements(p->'fl') l;
  UPDATE fulfillments f SET status = u->>1, version = f.version + 1, updated_at = now()
    FROM jsonb_array_elements(p->'fu') u
   WHERE f.tenant_id = t AND f.id = (u->>0)::uuid AND f.status <> u->>1;
  UPDATE orders o SET status = u->>1, version = o.version + 1, updated_at = now()
    FROM jsonb_array_elements(p->'o') u
   WHERE o.tenant_id = t AND o.id = (u->>0)::uuid;
  INSERT INTO events (tenant_id, type, order_id, actor, data)
  SELECT t, e.v->>0, (e.v->>1)::uuid, p->>'actor', e.v->2
    FROM jsonb_array_elements(p->'e') WITH ORDINALITY AS e(v, n) ORDER BY e.n;

  RETURN (SELECT oms_inbound_json(i) FROM inbound i WHERE i.tenant_id = t AND i.id = inb);
END $$;

-- The pre-order position of skus (GET /v1/preorders): the item's terms,
-- outstanding units, orders waiting and the receipts still to come; the
-- engine computes the headroom (eng_preorder_headroom) from it.
CREATE FUNCTION oms_preorder_report(p_skus text[]) RETURNS SETOF json LANGUAGE plpgsql STABLE AS $$
DECLARE
  t uuid := oms_tenant();
BEGIN
  RETURN QUERY SELECT json_build_object(
    'sku', i.sku, 'preorder_enabled', i.preorder_enabled, 'preorder_limit', i.preorder_limit,
    'release_date', to_char(i.release_date, 'YYYY-MM-DD'),
    'expected', coalesce((SELECT json_agg(json_build_object('inbound_id', b.id,
                    'date', to_char(b.expected_date, 'YYYY-MM-DD'), 'quantity', x.quantity)
                    ORDER BY b.expected_date NULLS LAST, b.seq)
                  FROM (SELECT l.inbound_id, sum(l.quantity - l.received)::bigint AS quantity
                          FROM inbound_lines l
                         WHERE l.tenant_id = t AND l.sku = i.sku AND l.received < l.quantity
                         GROUP BY l.inbound_id) x
                  JOIN inbound b ON b.tenant_id = t AND b.id = x.inbound_id), '[]'::json),
    'outstanding', coalesce((SELECT p.outstanding FROM preorder_counts p
                             WHERE p.tenant_id = t AND p.sku = i.sku AND p.channel = '*'), 0),
    'orders_waiting', (SELECT count(DISTINCT l.order_id) FROM order_lines l
                        WHERE l.tenant_id = t AND l.sku = i.sku AND l.preordered > 0))
  FROM items i WHERE i.tenant_id = t AND i.sku = ANY (p_skus)
  ORDER BY i.sku;
END
$$;
