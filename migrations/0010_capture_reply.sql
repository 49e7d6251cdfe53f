-- 0010_capture_reply: capture no longer reads the whole order back as JSON
-- (oms_order_json was the largest single step of the write). It returns
-- what only the database decides (the order number, the time, promise dates
-- and ring-fenced units); omsd builds the reply from the payload it wrote.
-- A test checks the reply equals GET /v1/orders/{id}.
CREATE OR REPLACE FUNCTION oms_capture(p jsonb) RETURNS json LANGUAGE plpgsql AS $$
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
