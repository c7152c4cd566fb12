-- The rights of the PostgreSQL role bilag connects as in production.
--
-- It reads and writes what the pipeline writes, may only INSERT into the chained tables
-- (vouchers, postings, audit_log) and move the chain's head forward, and nothing else:
-- no UPDATE or DELETE of posted records, no TRUNCATE, no DDL, no trigger rights (it
-- owns no table, so it cannot ALTER, DISABLE or DROP a trigger). The schema belongs to
-- another role, which runs the migrations (any bilag command run as that role migrates).
--
-- Run as the schema's owner, after the migrations and again after any upgrade that
-- adds tables:
--
--   psql "$OWNER_URL" -v role=bilag_app -v schema=bilag -f scripts/postgres-app-role.sql
--
-- tests/integration/test_postgres_app_role.py runs this file against the real server.

GRANT USAGE ON SCHEMA :"schema" TO :"role";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA :"schema" TO :"role";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA :"schema" TO :"role";
REVOKE UPDATE, DELETE, TRUNCATE ON :"schema".vouchers, :"schema".postings, :"schema".audit_log FROM :"role";
REVOKE INSERT, DELETE, TRUNCATE ON :"schema".chain_head FROM :"role";
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON :"schema".alembic_version FROM :"role";
