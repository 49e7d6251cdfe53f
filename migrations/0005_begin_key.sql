-- 0005_begin_key: a request's transaction starts with its key. One call
-- finds the key (in operator scope, since no tenant is known yet) and scopes
-- the rest of the transaction to the key's tenant, so authentication costs
-- no extra round trip and no extra connection.
CREATE FUNCTION oms_begin_key(h text) RETURNS TABLE (tenant_id uuid, id uuid, role text)
LANGUAGE plpgsql AS $$
DECLARE
  k record;
BEGIN
  PERFORM set_config('oms.operator', 'on', true);
  SELECT a.tenant_id, a.id, a.role INTO k FROM api_keys a
   WHERE a.key_hash = h AND a.revoked_at IS NULL;
  PERFORM set_config('oms.operator', '', true);
  IF k.tenant_id IS NOT NULL THEN
    PERFORM set_config('oms.tenant_id', k.tenant_id::text, true);
    RETURN QUERY SELECT k.tenant_id, k.id, k.role;
  END IF;
END $$;
