-- 0008_stable_ts: oms_ts() formats with to_char(), which is STABLE; an
-- IMMUTABLE SQL function over a STABLE one is never inlined, so every
-- timestamp in every JSON view ran as a function call of its own. Marked
-- STABLE, the planner inlines it.
ALTER FUNCTION oms_ts(timestamptz) STABLE;
