-- Runs once, on the first start of the postgres container (docker-entrypoint-initdb.d),
-- as the POSTGRES_USER superuser. The application connects as "oms", which is NOT a
-- superuser and has no BYPASSRLS: superusers bypass row-level security, which the
-- schema uses (FORCE ROW LEVEL SECURITY) for tenant isolation.
CREATE ROLE oms LOGIN PASSWORD 'oms' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE DATABASE oms OWNER oms ENCODING 'UTF8' TEMPLATE template0;
