-- 0002_inventory: positions, the append-only ledger, pre-order counters and
-- the staff exception queue.

CREATE TABLE inventory (
  tenant_id  uuid NOT NULL,
  sku        text NOT NULL,
  location   text NOT NULL,
  on_hand    bigint NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  -- reserved may exceed on_hand after a count found less (a discrepancy)
  reserved   bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, sku, location),
  FOREIGN KEY (tenant_id, sku) REFERENCES items (tenant_id, sku),
  FOREIGN KEY (tenant_id, location) REFERENCES locations (tenant_id, code)
);
CREATE INDEX inventory_changed ON inventory (tenant_id, updated_at);
CREATE INDEX inventory_location ON inventory (tenant_id, location);

CREATE TABLE inventory_ledger (
  tenant_id     uuid NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  sku           text NOT NULL,
  location      text NOT NULL,
  delta         bigint NOT NULL,
  on_hand_after bigint NOT NULL CHECK (on_hand_after >= 0),
  reason        text NOT NULL,
  reference     text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, sku, id)
);
CREATE INDEX inventory_ledger_location ON inventory_ledger (tenant_id, sku, location, id);

-- The ledger is append-only: no role may change or remove its rows.
CREATE FUNCTION oms_ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'inventory_ledger is append-only';
END $$;
CREATE TRIGGER inventory_ledger_append_only BEFORE UPDATE OR DELETE ON inventory_ledger
  FOR EACH ROW EXECUTE FUNCTION oms_ledger_immutable();

-- Units pre-ordered and not yet allocated, per sku and channel. Capture
-- raises it with a guarded update (never past the limits); receipts lower it.
CREATE TABLE preorder_counts (
  tenant_id   uuid NOT NULL,
  sku         text NOT NULL,
  channel     text NOT NULL,
  outstanding bigint NOT NULL DEFAULT 0 CHECK (outstanding >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, sku, channel)
);
CREATE INDEX preorder_counts_changed ON preorder_counts (tenant_id, updated_at);

CREATE TABLE exceptions (
  tenant_id   uuid NOT NULL,
  id          uuid NOT NULL,
  seq         bigint GENERATED ALWAYS AS IDENTITY,
  kind        text NOT NULL CHECK (kind IN ('order_hold', 'price_mismatch', 'inventory_discrepancy',
                                            'fulfillment_rejected', 'unroutable')),
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  order_id    uuid,
  location    text,
  sku         text,
  detail      text NOT NULL,
  data        jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  note        text,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX exceptions_seq ON exceptions (tenant_id, seq);
CREATE INDEX exceptions_open ON exceptions (tenant_id, kind, status, seq);

-- What the availability feed reads to find changed skus.
CREATE INDEX items_changed ON items (tenant_id, updated_at);
CREATE INDEX supplier_items_changed ON supplier_items (tenant_id, updated_at);
CREATE INDEX ringfences_changed ON ringfences (tenant_id, updated_at);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['inventory', 'inventory_ledger', 'preorder_counts', 'exceptions']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = oms_tenant()) '
                   'WITH CHECK (tenant_id = oms_tenant())', t);
  END LOOP;
END $$;

CREATE FUNCTION oms_exception_json(e exceptions) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'id', e.id, 'kind', e.kind, 'status', e.status, 'order_id', e.order_id,
    'location', e.location, 'sku', e.sku, 'detail', e.detail, 'data', e.data,
    'created_at', oms_ts(e.created_at), 'resolved_at', oms_ts(e.resolved_at), 'note', e.note)
$$;

CREATE FUNCTION oms_position_json(i inventory) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object('location', i.location, 'sku', i.sku, 'on_hand', i.on_hand,
    'reserved', i.reserved, 'available', greatest(0, i.on_hand - i.reserved))
$$;

-- Everything the ATS arithmetic needs for a set of skus in one channel, one
-- JSON object per sku: item flags, supplier supply, pre-order counters and
-- every position with its location's flags and ring-fences.
CREATE FUNCTION oms_ats_inputs(p_tenant uuid, p_channel text, p_skus text[])
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
        'in_channel', (c.locations = '"*"'::jsonb OR c.locations ? v.location),
        'fenced_this', coalesce((SELECT sum(r.quantity) FROM ringfences r
                                 WHERE r.tenant_id = p_tenant AND r.sku = i.sku
                                   AND r.location = v.location AND r.channel = p_channel), 0),
        'fenced_other', coalesce((SELECT sum(r.quantity) FROM ringfences r
                                 WHERE r.tenant_id = p_tenant AND r.sku = i.sku
                                   AND r.location = v.location AND r.channel <> p_channel), 0))
        ORDER BY v.location)
      FROM inventory v JOIN locations l ON l.tenant_id = v.tenant_id AND l.code = v.location
      WHERE v.tenant_id = p_tenant AND v.sku = i.sku), '[]'::json))
  FROM items i, channels c
  WHERE i.tenant_id = p_tenant AND i.sku = ANY (p_skus)
    AND c.tenant_id = p_tenant AND c.code = p_channel
  ORDER BY i.sku;
END
$$;

-- Skus whose ATS in a channel may have changed since a moment: their
-- positions, item, supplier supply, fences or pre-order counters changed, a
-- location or supplier holding them changed, or the channel itself did.
CREATE FUNCTION oms_ats_changed(p_tenant uuid, p_channel text, p_since timestamptz,
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
