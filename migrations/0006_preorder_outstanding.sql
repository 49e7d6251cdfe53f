-- 0006_preorder_outstanding: capture keeps pre-order counters per channel
-- and a total row under channel '*'; available-to-sell reads the item's
-- outstanding units from that total row (summing every row counted them twice).
CREATE OR REPLACE FUNCTION oms_ats_inputs(p_tenant uuid, p_channel text, p_skus text[])
RETURNS SETOF json LANGUAGE sql STABLE AS $$
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
  ORDER BY i.sku
$$;
