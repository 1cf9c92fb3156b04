import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client } from 'pg';
import { EVENT_WRITER_ROLE } from '@complaints/event-store';

/** The login role the embedded default's services connect as. */
export const SERVICES_ROLE = 'complaints_services';

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The role's password: made once, kept beside the superuser's (mode 0600). */
const servicesPassword = (file: string): string => {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
};

/**
 * The embedded default's services do not connect as the superuser: they get a login role
 * of their own (no superuser, no role or database creation) that is a member of
 * `complaints_event_writer` — so on `event_store.events` it may only SELECT and INSERT —
 * and that owns every other schema of the database (the read models, checkpoints, users,
 * personal-data keys…), which it creates and migrates itself. The event store's schema stays
 * the owner's, who migrates it (`MIGRATION_DATABASE_URL`). Schemas an earlier start made as
 * the superuser are handed over to the role, with everything in them. Idempotent; returns the
 * role's connection URL for the database `ownerUrl` names.
 */
export const ensureServicesRole = async (ownerUrl: string, options: { passwordFile: string; role?: string }): Promise<string> => {
  const role = options.role ?? SERVICES_ROLE;
  if (!ROLE_NAME.test(role)) throw new Error(`invalid role name ${role}`);
  const password = servicesPassword(options.passwordFile);
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('complaints:services-role'))`);
    const database = (await client.query<{ d: string }>('SELECT current_database() AS d')).rows[0].d;
    const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${client.escapeLiteral(password)}`;
    await client.query(rowCount ? `ALTER ROLE ${role} ${attributes}` : `CREATE ROLE ${role} ${attributes}`);
    const writer = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [EVENT_WRITER_ROLE]);
    if (!writer.rowCount) await client.query(`CREATE ROLE ${EVENT_WRITER_ROLE} NOLOGIN`);
    await client.query(`GRANT ${EVENT_WRITER_ROLE} TO ${role}`);
    await client.query(`GRANT CONNECT, CREATE ON DATABASE ${client.escapeIdentifier(database)} TO ${role}`);
    // pg_trgm (the read models' search) goes into public.
    await client.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${role}`);
    await client.query(`
      DO $do$
      DECLARE
        v_role oid := (SELECT oid FROM pg_roles WHERE rolname = '${role}');
        r record;
      BEGIN
        FOR r IN SELECT nspname FROM pg_namespace
                  WHERE nspowner <> v_role AND nspname NOT IN ('event_store', 'public', 'information_schema') AND nspname NOT LIKE 'pg\\_%' LOOP
          EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, '${role}');
        END LOOP;
        -- Tables first (their serial sequences follow them), then sequences, functions and types of their own.
        FOR r IN SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspowner = v_role AND c.relowner <> v_role AND c.relkind IN ('r', 'p', 'v', 'm', 'f') LOOP
          EXECUTE format('ALTER %s %I.%I OWNER TO %I',
            CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
            r.nspname, r.relname, '${role}');
        END LOOP;
        FOR r IN SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspowner = v_role AND c.relowner <> v_role AND c.relkind = 'S' LOOP
          EXECUTE format('ALTER SEQUENCE %I.%I OWNER TO %I', r.nspname, r.relname, '${role}');
        END LOOP;
        FOR r IN SELECT p.oid::regprocedure AS routine FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspowner = v_role AND p.proowner <> v_role LOOP
          EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.routine, '${role}');
        END LOOP;
        FOR r IN SELECT t.oid::regtype AS type FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                  WHERE n.nspowner = v_role AND t.typowner <> v_role AND t.typtype IN ('e', 'd', 'r') AND t.typrelid = 0 LOOP
          EXECUTE format('ALTER TYPE %s OWNER TO %I', r.type, '${role}');
        END LOOP;
      END
      $do$`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  const url = new URL(ownerUrl);
  url.username = role;
  url.password = password;
  return url.toString();
};
