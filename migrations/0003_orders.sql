-- 0003_orders: orders, lines, holds, fulfillments, purchase orders, events,
-- and the tenant's routing and order rules.

CREATE TABLE tenant_rules (
  tenant_id     uuid PRIMARY KEY,
  routing_rules jsonb NOT NULL DEFAULT '[]',
  routing_version int NOT NULL DEFAULT 0,
  order_rules   jsonb NOT NULL DEFAULT '[]',
  order_version int NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE order_numbers START 1001;

CREATE TABLE orders (
  tenant_id     uuid NOT NULL,
  id            uuid NOT NULL,
  seq           bigint GENERATED ALWAYS AS IDENTITY,
  number        bigint NOT NULL DEFAULT nextval('order_numbers'),
  channel       text NOT NULL,
  external_id   text,
  currency      text NOT NULL,
  customer      jsonb,
  shipping_address jsonb,
  ship_method   text NOT NULL,
  payment       jsonb,
  ship_complete boolean NOT NULL DEFAULT false,
  status        text NOT NULL,
  total         bigint NOT NULL,
  routing       jsonb,
  tracking_token text NOT NULL UNIQUE,
  created_by    uuid,
  exchange_for  uuid,
  version       int NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, channel, external_id),
  FOREIGN KEY (tenant_id, channel) REFERENCES channels (tenant_id, code)
);
CREATE INDEX orders_seq ON orders (tenant_id, seq);
CREATE INDEX orders_status ON orders (tenant_id, status, seq);

CREATE TABLE order_lines (
  tenant_id   uuid NOT NULL,
  order_id    uuid NOT NULL,
  line        int NOT NULL,
  sku         text NOT NULL,
  quantity    bigint NOT NULL CHECK (quantity > 0),
  unit_price  bigint NOT NULL CHECK (unit_price >= 0),
  fulfillment text NOT NULL CHECK (fulfillment IN ('ship', 'pickup')),
  pickup_location text,
  status      text NOT NULL,
  allocated   bigint NOT NULL DEFAULT 0 CHECK (allocated >= 0),
  shipped     bigint NOT NULL DEFAULT 0 CHECK (shipped >= 0),
  delivered   bigint NOT NULL DEFAULT 0 CHECK (delivered >= 0),
  returned    bigint NOT NULL DEFAULT 0 CHECK (returned >= 0),
  cancelled   bigint NOT NULL DEFAULT 0 CHECK (cancelled >= 0),
  backordered bigint NOT NULL DEFAULT 0 CHECK (backordered >= 0),
  preordered  bigint NOT NULL DEFAULT 0 CHECK (preordered >= 0),
  exception   bigint NOT NULL DEFAULT 0 CHECK (exception >= 0),
  promise_date date,
  PRIMARY KEY (tenant_id, order_id, line),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id),
  CHECK (allocated + shipped + cancelled + backordered + preordered + exception <= quantity)
);
CREATE INDEX order_lines_preordered ON order_lines (tenant_id, sku) WHERE preordered > 0;

CREATE TABLE order_holds (
  tenant_id   uuid NOT NULL,
  order_id    uuid NOT NULL,
  id          bigint GENERATED ALWAYS AS IDENTITY,
  kind        text NOT NULL,
  rule        text,
  reason      text,
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  released_at timestamptz,
  released_by text,
  PRIMARY KEY (tenant_id, order_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);

CREATE TABLE fulfillments (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL,
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  order_id    uuid NOT NULL,
  source_type text NOT NULL CHECK (source_type IN ('location', 'supplier')),
  source      text NOT NULL,
  fulfillment text NOT NULL DEFAULT 'ship',
  status      text NOT NULL,
  carrier     text,
  tracking_number text,
  reason      text,
  version     int NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  shipped_at  timestamptz,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);
CREATE INDEX fulfillments_order ON fulfillments (tenant_id, order_id);
CREATE INDEX fulfillments_queue ON fulfillments (tenant_id, source, status, seq);

CREATE TABLE fulfillment_lines (
  tenant_id      uuid NOT NULL,
  fulfillment_id uuid NOT NULL,
  line           int NOT NULL,
  sku            text NOT NULL,
  quantity       bigint NOT NULL CHECK (quantity > 0),
  shipped        bigint NOT NULL DEFAULT 0,
  rejected       bigint NOT NULL DEFAULT 0,
  cancelled      bigint NOT NULL DEFAULT 0,
  fenced         bigint NOT NULL DEFAULT 0, -- units taken from this channel's ring-fence
  PRIMARY KEY (tenant_id, fulfillment_id, line),
  FOREIGN KEY (tenant_id, fulfillment_id) REFERENCES fulfillments (tenant_id, id),
  CHECK (shipped + rejected + cancelled <= quantity)
);

ALTER TABLE suppliers ADD COLUMN edi_control bigint NOT NULL DEFAULT 0;

CREATE SEQUENCE po_numbers START 5001;

CREATE TABLE purchase_orders (
  tenant_id      uuid NOT NULL,
  id             uuid NOT NULL,
  seq            bigint GENERATED ALWAYS AS IDENTITY,
  number         text NOT NULL,
  supplier       text NOT NULL,
  order_id       uuid NOT NULL,
  fulfillment_id uuid NOT NULL,
  status         text NOT NULL DEFAULT 'sent',
  total_cost     bigint NOT NULL,
  ship_to        jsonb,
  control_number bigint NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, number),
  FOREIGN KEY (tenant_id, supplier) REFERENCES suppliers (tenant_id, code),
  FOREIGN KEY (tenant_id, fulfillment_id) REFERENCES fulfillments (tenant_id, id)
);
CREATE INDEX purchase_orders_seq ON purchase_orders (tenant_id, seq);

CREATE TABLE purchase_order_lines (
  tenant_id         uuid NOT NULL,
  purchase_order_id uuid NOT NULL,
  line              int NOT NULL,
  order_line        int NOT NULL,
  sku               text NOT NULL,
  quantity          bigint NOT NULL CHECK (quantity > 0),
  cost              bigint NOT NULL,
  shipped           bigint NOT NULL DEFAULT 0,
  status            text NOT NULL DEFAULT 'sent',
  PRIMARY KEY (tenant_id, purchase_order_id, line),
  FOREIGN KEY (tenant_id, purchase_order_id) REFERENCES purchase_orders (tenant_id, id)
);

CREATE TABLE events (
  tenant_id  uuid NOT NULL,
  id         bigint GENERATED ALWAYS AS IDENTITY,
  type       text NOT NULL,
  order_id   uuid,
  actor      text NOT NULL,
  data       jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX events_order ON events (tenant_id, order_id, id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_rules', 'orders', 'order_lines', 'order_holds', 'fulfillments',
                           'fulfillment_lines', 'purchase_orders', 'purchase_order_lines', 'events']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = oms_tenant()) '
                   'WITH CHECK (tenant_id = oms_tenant())', t);
  END LOOP;
END $$;

-- Tracking tokens resolve to a tenant before any tenant is known (the
-- customer-facing endpoint has no key): readable in operator scope only.
CREATE TABLE tracking_tokens (
  token     text PRIMARY KEY,
  tenant_id uuid NOT NULL,
  order_id  uuid NOT NULL
);
ALTER TABLE tracking_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE tracking_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tracking_tokens
  USING (tenant_id = oms_tenant() OR oms_operator()) WITH CHECK (tenant_id = oms_tenant());

CREATE FUNCTION oms_track_tenant(p_token text) RETURNS TABLE (tenant_id uuid, order_id uuid)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('oms.operator', 'on', true);
  RETURN QUERY SELECT t.tenant_id, t.order_id FROM tracking_tokens t WHERE t.token = p_token;
  PERFORM set_config('oms.operator', '', true);
END $$;

CREATE FUNCTION oms_fulfillment_json(f fulfillments) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT json_build_object(
    'id', f.id, 'order_id', f.order_id, 'source_type', f.source_type, 'source', f.source,
    'fulfillment', f.fulfillment, 'status', f.status, 'carrier', f.carrier,
    'tracking_number', f.tracking_number, 'reason', f.reason,
    'purchase_order_id', (SELECT po.id FROM purchase_orders po
                          WHERE po.tenant_id = f.tenant_id AND po.fulfillment_id = f.id),
    'lines', (SELECT coalesce(json_agg(json_build_object('line', l.line, 'sku', l.sku,
                'quantity', l.quantity, 'shipped', l.shipped, 'rejected', l.rejected,
                'cancelled', l.cancelled, 'fenced', l.fenced) ORDER BY l.line), '[]'::json)
              FROM fulfillment_lines l WHERE l.tenant_id = f.tenant_id AND l.fulfillment_id = f.id),
    'version', f.version, 'created_at', oms_ts(f.created_at), 'updated_at', oms_ts(f.updated_at),
    'shipped_at', oms_ts(f.shipped_at)));
END
$$;

CREATE FUNCTION oms_order_json(o orders) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT json_build_object(
    'id', o.id, 'number', o.number::text, 'channel', o.channel, 'external_id', o.external_id,
    'currency', o.currency, 'customer', o.customer, 'shipping_address', o.shipping_address,
    'ship_method', o.ship_method, 'payment', o.payment, 'ship_complete', o.ship_complete,
    'status', o.status, 'total', o.total, 'exchange_for', o.exchange_for,
    'lines', (SELECT coalesce(json_agg(json_build_object('line', l.line, 'sku', l.sku,
                'quantity', l.quantity, 'unit_price', l.unit_price, 'fulfillment', l.fulfillment,
                'pickup_location', l.pickup_location, 'status', l.status,
                'allocated', l.allocated, 'shipped', l.shipped, 'delivered', l.delivered,
                'returned', l.returned, 'cancelled', l.cancelled, 'backordered', l.backordered,
                'preordered', l.preordered, 'exception', l.exception,
                'promise_date', to_char(l.promise_date, 'YYYY-MM-DD')) ORDER BY l.line), '[]'::json)
              FROM order_lines l WHERE l.tenant_id = o.tenant_id AND l.order_id = o.id),
    'fulfillments', (SELECT coalesce(json_agg(oms_fulfillment_json(f) ORDER BY f.seq), '[]'::json)
              FROM fulfillments f WHERE f.tenant_id = o.tenant_id AND f.order_id = o.id),
    'holds', (SELECT coalesce(json_agg(json_build_object('kind', h.kind, 'rule', h.rule,
                'reason', h.reason, 'created_by', h.created_by,
                'created_at', oms_ts(h.created_at)) ORDER BY h.id), '[]'::json)
              FROM order_holds h WHERE h.tenant_id = o.tenant_id AND h.order_id = o.id
                AND h.released_at IS NULL),
    'routing', o.routing, 'tracking_token', o.tracking_token, 'version', o.version,
    'created_at', oms_ts(o.created_at), 'updated_at', oms_ts(o.updated_at)));
END
$$;

-- Everything capture needs to decide, in one round trip: the channel, the
-- order's items, locations holding them (with this channel's view of
-- fences) and the named pickup stores, suppliers of them, pre-order
-- counters, the tenant's rules and an existing order with this external id.
CREATE FUNCTION oms_capture_inputs(p_channel text, p_skus text[], p_pickups text[],
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
                            'fenced_other', (SELECT coalesce(sum(g.quantity), 0) FROM ringfences g
                                             WHERE g.tenant_id = v.tenant_id AND g.sku = v.sku
                                               AND g.location = v.location AND g.channel <> p_channel))),
                            '{}'::json)
                          FROM inventory v WHERE v.tenant_id = l.tenant_id AND v.location = l.code
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
