-- Spoorlog's database and its least-privileged role. Run once, as a superuser:
--   psql -v role=spoorlog -v database=spoorlog -v password="$SPOORLOG_DB_PASSWORD" \
--        -f deploy/postgres-setup.sql
-- (deploy/postgres-setup.sh does this with the defaults.)
--
-- The role logs in and owns what it creates -- the control schema and one schema per
-- tenant (t_<slug>), made when a tenant is registered -- and nothing else: no superuser,
-- no CREATEDB, no CREATEROLE, no replication, no row-security bypass. The database belongs
-- to the administrator who runs this, so the service cannot drop it.
\set ON_ERROR_STOP on

CREATE ROLE :"role" LOGIN PASSWORD :'password'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS;
CREATE DATABASE :"database" ENCODING 'UTF8' TEMPLATE template0;

REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
-- CONNECT to serve, CREATE to make a schema per tenant, TEMPORARY for pg_restore.
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE :"database" TO :"role";

\connect :"database"
-- Nothing in public: every table lives in a schema the role owns.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
-- Statements and lock waits are bounded by the service itself (SPOORLOG_STORE_TIMEOUT);
-- an idle transaction left open by a crashed client is ended here.
ALTER ROLE :"role" IN DATABASE :"database" SET idle_in_transaction_session_timeout = '60s';
