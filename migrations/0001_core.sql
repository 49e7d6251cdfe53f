-- 0001_core: tenants, API keys, idempotency records and the catalog.
-- Every table carries tenant_id first in every key, and row-level security
-- (FORCE'd, so it binds the owning role too) keys on the per-transaction
-- setting oms.tenant_id, so a query that forgets its WHERE cannot leak.

CREATE FUNCTION oms_tenant() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT NULLIF(current_setting('oms.tenant_id', true), '')::uuid $$;

-- Operator scope: tenant creation and API-key lookup, which run before a
-- tenant is known. Set only by the daemon in those transactions.
CREATE FUNCTION oms_operator() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(current_setting('oms.operator', true), '') = 'on' $$;

-- STABLE, like to_char() under it, so the planner inlines it into every view.
CREATE FUNCTION oms_ts(t timestamptz) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') $$;

CREATE TABLE tenants (
  id         uuid PRIMARY KEY,
  seq        bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  tenant_id  uuid NOT NULL REFERENCES tenants(id),
  id         uuid NOT NULL,
  seq        bigint GENERATED ALWAYS AS IDENTITY,
  name       text NOT NULL DEFAULT '',
  role       text NOT NULL CHECK (role IN ('admin', 'ops', 'storefront')),
  key_hash   text NOT NULL UNIQUE,
  prefix     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE idempotency_keys (
  tenant_id    uuid NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  status       int,
  response     text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);

CREATE TABLE items (
  tenant_id  uuid NOT NULL REFERENCES tenants(id),
  sku        text NOT NULL,
  seq        bigint GENERATED ALWAYS AS IDENTITY,
  name       text NOT NULL,
  price      bigint NOT NULL CHECK (price >= 0),
  case_pack  int CHECK (case_pack > 0),
  tags       jsonb NOT NULL DEFAULT '[]',
  dropship   boolean NOT NULL DEFAULT false,
  preorder_enabled boolean NOT NULL DEFAULT false,
  preorder_limit   bigint NOT NULL DEFAULT 0 CHECK (preorder_limit >= 0),
  preorder_channel_limits jsonb NOT NULL DEFAULT '{}',
  release_date date,
  version    int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, sku)
);
CREATE INDEX items_seq ON items (tenant_id, seq);

CREATE TABLE locations (
  tenant_id  uuid NOT NULL REFERENCES tenants(id),
  code       text NOT NULL,
  seq        bigint GENERATED ALWAYS AS IDENTITY,
  name       text NOT NULL,
  type       text NOT NULL CHECK (type IN ('warehouse', 'store')),
  lat        double precision CHECK (lat BETWEEN -90 AND 90),
  lon        double precision CHECK (lon BETWEEN -180 AND 180),
  ship       boolean NOT NULL,
  pickup     boolean NOT NULL,
  returns    boolean NOT NULL,
  priority   int NOT NULL,
  cost_per_shipment bigint NOT NULL CHECK (cost_per_shipment >= 0),
  ship_days  int NOT NULL CHECK (ship_days >= 0),
  active     boolean NOT NULL,
  version    int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, code),
  CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE INDEX locations_seq ON locations (tenant_id, seq);

CREATE TABLE suppliers (
  tenant_id  uuid NOT NULL REFERENCES tenants(id),
  code       text NOT NULL,
  seq        bigint GENERATED ALWAYS AS IDENTITY,
  name       text NOT NULL,
  lead_time_days int NOT NULL CHECK (lead_time_days >= 0),
  edi        jsonb,
  active     boolean NOT NULL,
  version    int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, code)
);
CREATE INDEX suppliers_seq ON suppliers (tenant_id, seq);

CREATE TABLE supplier_items (
  tenant_id  uuid NOT NULL,
  supplier   text NOT NULL,
  sku        text NOT NULL,
  seq        bigint GENERATED ALWAYS AS IDENTITY,
  cost       bigint NOT NULL CHECK (cost >= 0),
  available  bigint NOT NULL CHECK (available >= 0),
  ship_days  int NOT NULL CHECK (ship_days >= 0),
  version    int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, supplier, sku),
  FOREIGN KEY (tenant_id, supplier) REFERENCES suppliers (tenant_id, code),
  FOREIGN KEY (tenant_id, sku) REFERENCES items (tenant_id, sku)
);
CREATE INDEX supplier_items_sku ON supplier_items (tenant_id, sku);
CREATE INDEX supplier_items_seq ON supplier_items (tenant_id, supplier, seq);

CREATE TABLE channels (
  tenant_id  uuid NOT NULL REFERENCES tenants(id),
  code       text NOT NULL,
  seq        bigint GENERATED ALWAYS AS IDENTITY,
  name       text NOT NULL,
  locations  jsonb NOT NULL DEFAULT '"*"', -- "*" or an array of location codes
  safety_stock bigint NOT NULL CHECK (safety_stock >= 0),
  percent    int NOT NULL CHECK (percent BETWEEN 0 AND 100),
  max_per_sku bigint CHECK (max_per_sku >= 0),
  dropship   boolean NOT NULL,
  preorders  boolean NOT NULL,
  currency   text NOT NULL,
  shopify_secret text,
  version    int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, code)
);
CREATE INDEX channels_seq ON channels (tenant_id, seq);

CREATE TABLE ringfences (
  tenant_id  uuid NOT NULL,
  channel    text NOT NULL,
  sku        text NOT NULL,
  location   text NOT NULL,
  seq        bigint GENERATED ALWAYS AS IDENTITY,
  quantity   bigint NOT NULL CHECK (quantity >= 0),
  version    int NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, channel, sku, location),
  FOREIGN KEY (tenant_id, channel) REFERENCES channels (tenant_id, code),
  FOREIGN KEY (tenant_id, sku) REFERENCES items (tenant_id, sku),
  FOREIGN KEY (tenant_id, location) REFERENCES locations (tenant_id, code)
);
CREATE INDEX ringfences_sku ON ringfences (tenant_id, sku, location);
CREATE INDEX ringfences_seq ON ringfences (tenant_id, channel, seq);

-- Row-level security on every table.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
  USING (id = oms_tenant() OR oms_operator()) WITH CHECK (oms_operator());

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
  USING (tenant_id = oms_tenant() OR oms_operator())
  WITH CHECK (tenant_id = oms_tenant() OR oms_operator());

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys
  USING (tenant_id = oms_tenant()) WITH CHECK (tenant_id = oms_tenant());

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['items', 'locations', 'suppliers', 'supplier_items', 'channels', 'ringfences']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = oms_tenant()) '
                   'WITH CHECK (tenant_id = oms_tenant())', t);
  END LOOP;
END $$;

-- JSON views of rows: the API representation is built in one place.
CREATE FUNCTION oms_item_json(i items) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'sku', i.sku, 'name', i.name, 'price', i.price, 'case_pack', i.case_pack,
    'tags', i.tags, 'dropship', i.dropship,
    'preorder', json_build_object('enabled', i.preorder_enabled, 'limit', i.preorder_limit,
                                  'channel_limits', i.preorder_channel_limits,
                                  'release_date', to_char(i.release_date, 'YYYY-MM-DD')),
    'version', i.version, 'created_at', oms_ts(i.created_at), 'updated_at', oms_ts(i.updated_at))
$$;

CREATE FUNCTION oms_location_json(l locations) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'code', l.code, 'name', l.name, 'type', l.type, 'lat', l.lat, 'lon', l.lon,
    'ship', l.ship, 'pickup', l.pickup, 'returns', l.returns, 'priority', l.priority,
    'cost_per_shipment', l.cost_per_shipment, 'ship_days', l.ship_days, 'active', l.active,
    'version', l.version, 'created_at', oms_ts(l.created_at), 'updated_at', oms_ts(l.updated_at))
$$;

CREATE FUNCTION oms_supplier_json(s suppliers) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'code', s.code, 'name', s.name, 'lead_time_days', s.lead_time_days, 'edi', s.edi,
    'active', s.active, 'version', s.version,
    'created_at', oms_ts(s.created_at), 'updated_at', oms_ts(s.updated_at))
$$;

CREATE FUNCTION oms_supplier_item_json(s supplier_items) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'supplier', s.supplier, 'sku', s.sku, 'cost', s.cost, 'available', s.available,
    'ship_days', s.ship_days, 'version', s.version,
    'created_at', oms_ts(s.created_at), 'updated_at', oms_ts(s.updated_at))
$$;

CREATE FUNCTION oms_channel_json(c channels) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'code', c.code, 'name', c.name, 'locations', c.locations, 'safety_stock', c.safety_stock,
    'percent', c.percent, 'max_per_sku', c.max_per_sku, 'dropship', c.dropship,
    'preorders', c.preorders, 'currency', c.currency,
    'shopify_secret_set', c.shopify_secret IS NOT NULL, 'version', c.version,
    'created_at', oms_ts(c.created_at), 'updated_at', oms_ts(c.updated_at))
$$;

CREATE FUNCTION oms_ringfence_json(r ringfences) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'channel', r.channel, 'sku', r.sku, 'location', r.location, 'quantity', r.quantity,
    'version', r.version, 'created_at', oms_ts(r.created_at), 'updated_at', oms_ts(r.updated_at))
$$;

CREATE FUNCTION oms_api_key_json(k api_keys) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'id', k.id, 'name', k.name, 'role', k.role, 'prefix', k.prefix,
    'created_at', oms_ts(k.created_at), 'revoked_at', oms_ts(k.revoked_at))
$$;

-- A request's transaction starts with its key: one call finds the key (in
-- operator scope, since no tenant is known yet), scopes the rest of the
-- transaction to the key's tenant, and returns the stored hash so that the
-- daemon compares it with the presented key's in constant time.
CREATE FUNCTION oms_begin_key(h text)
RETURNS TABLE (tenant_id uuid, id uuid, role text, key_hash text)
LANGUAGE plpgsql AS $$
DECLARE
  k record;
BEGIN
  PERFORM set_config('oms.operator', 'on', true);
  SELECT a.tenant_id, a.id, a.role, a.key_hash INTO k FROM api_keys a
   WHERE a.key_hash = h AND a.revoked_at IS NULL;
  PERFORM set_config('oms.operator', '', true);
  IF k.tenant_id IS NOT NULL THEN
    PERFORM set_config('oms.tenant_id', k.tenant_id::text, true);
    RETURN QUERY SELECT k.tenant_id, k.id, k.role, k.key_hash;
  END IF;
END $$;
