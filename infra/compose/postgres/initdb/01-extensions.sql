-- Runs once, when the PostgreSQL container initialises an empty data volume
-- (docker-entrypoint-initdb.d of the official postgres image), as POSTGRES_USER
-- connected to POSTGRES_DB.
--
-- pg_trgm ships in the official image's contrib; the read models use it for the
-- free-text search (q=) of GET /api/complaints. Creating it here means the services do
-- not need superuser rights for it. Also created in template1 so that any database made
-- later on this server (e.g. a scratch database for a projection rebuild) has it too.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

\connect template1
CREATE EXTENSION IF NOT EXISTS pg_trgm;
