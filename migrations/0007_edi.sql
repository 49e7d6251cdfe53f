-- 0007_edi: the tenant's X12 interchange identity, and the interchanges
-- received from partners (a repeated ISA13 from the same partner is
-- recognised and not applied twice). Purchase orders already carry their
-- interchange control number (suppliers.edi_control, assigned with the PO).

CREATE TABLE tenant_edi (
  tenant_id     uuid PRIMARY KEY REFERENCES tenants(id),
  isa_qualifier text NOT NULL,
  isa_id        text NOT NULL,
  gs_id         text NOT NULL,
  version       int NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE edi_interchanges (
  tenant_id      uuid NOT NULL,
  supplier       text NOT NULL,
  control_number bigint NOT NULL,  -- ISA13 as received
  reply          jsonb NOT NULL,   -- what the first delivery was answered
  received_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, supplier, control_number),
  FOREIGN KEY (tenant_id, supplier) REFERENCES suppliers (tenant_id, code)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tenant_edi', 'edi_interchanges']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = oms_tenant()) '
                   'WITH CHECK (tenant_id = oms_tenant())', t);
  END LOOP;
END $$;

CREATE FUNCTION oms_tenant_edi_json(e tenant_edi) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object('isa_qualifier', e.isa_qualifier, 'isa_id', e.isa_id,
    'gs_id', e.gs_id, 'version', e.version, 'updated_at', oms_ts(e.updated_at))
$$;

-- What an 850 is written from: the purchase order, its order's number and
-- customer, the supplier's and the tenant's identities.
CREATE FUNCTION oms_po_edi(p_po uuid) RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
  t uuid := oms_tenant();
BEGIN
  RETURN (SELECT json_build_object(
    'po', oms_purchase_order_json(po),
    'order_number', o.number::text,
    'customer_name', o.customer->>'name',
    'supplier_edi', s.edi,
    'tenant_edi', (SELECT oms_tenant_edi_json(e) FROM tenant_edi e WHERE e.tenant_id = t))
    FROM purchase_orders po
    JOIN orders o ON o.tenant_id = po.tenant_id AND o.id = po.order_id
    JOIN suppliers s ON s.tenant_id = po.tenant_id AND s.code = po.supplier
   WHERE po.tenant_id = t AND po.id = p_po);
END
$$;

-- What an interchange from a supplier is checked and applied against: the
-- identities, whether it was received before, and its purchase orders by
-- number (each with its fulfillment and order).
CREATE FUNCTION oms_edi_inputs(p_supplier text, p_control bigint, p_po_numbers text[])
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
  t uuid := oms_tenant();
BEGIN
  RETURN (SELECT json_build_object(
    'supplier_edi', (SELECT s.edi FROM suppliers s WHERE s.tenant_id = t AND s.code = p_supplier),
    'tenant_edi', (SELECT oms_tenant_edi_json(e) FROM tenant_edi e WHERE e.tenant_id = t),
    'seen', (SELECT i.reply FROM edi_interchanges i WHERE i.tenant_id = t
              AND i.supplier = p_supplier AND i.control_number = p_control),
    'purchase_orders', (SELECT coalesce(json_agg(json_build_object('number', po.number,
                          'id', po.id, 'order_id', po.order_id,
                          'fulfillment_id', po.fulfillment_id,
                          'lines', (SELECT coalesce(json_agg(json_build_object('line', l.line,
                                      'order_line', l.order_line, 'sku', l.sku,
                                      'quantity', l.quantity) ORDER BY l.line), '[]'::json)
                                    FROM purchase_order_lines l WHERE l.tenant_id = t
                                      AND l.purchase_order_id = po.id))), '[]'::json)
                        FROM purchase_orders po WHERE po.tenant_id = t AND po.supplier = p_supplier
                          AND po.number = ANY (p_po_numbers))));
END
$$;

-- An 846: sets `available` of the supplier's items, all in one statement;
-- returns the skus the supplier has no item for (then nothing is applied:
-- the caller fails the interchange and rolls back).
CREATE FUNCTION oms_supplier_availability(p_supplier text, p_items jsonb) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  t uuid := oms_tenant();
  missing text[];
BEGIN
  SELECT coalesce(array_agg(e.v->>'sku' ORDER BY e.n), '{}') INTO missing
    FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e(v, n)
   WHERE NOT EXISTS (SELECT 1 FROM supplier_items si WHERE si.tenant_id = t
                       AND si.supplier = p_supplier AND si.sku = e.v->>'sku');
  IF cardinality(missing) > 0 THEN
    RETURN missing;
  END IF;
  -- a sku named twice: the last QTY counts
  UPDATE supplier_items si SET available = x.available, version = si.version + 1, updated_at = now()
    FROM (SELECT DISTINCT ON (e.v->>'sku') e.v->>'sku' AS sku, (e.v->>'available')::bigint AS available
            FROM jsonb_array_elements(p_items) WITH ORDINALITY AS e(v, n)
           ORDER BY e.v->>'sku', e.n DESC) x
   WHERE si.tenant_id = t AND si.supplier = p_supplier AND si.sku = x.sku;
  RETURN missing;
END
$$;
