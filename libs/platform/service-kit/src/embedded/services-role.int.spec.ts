import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { PostgresEventStore, chainKeyFrom, handleCommand, verifyStoredStream } from '@complaints/event-store';
import { createTestDatabase, withDatabase, type TestDatabase } from '@complaints/testing';
import { ensureServicesRole } from './services-role';

/**
 * Issue 13 row 4: the embedded default's services connect as a role that may only read and
 * append stored events, while the owner migrates the event store.
 */
describe('Rule: the embedded default’s services connect as a role that can only read and append events', () => {
  const role = `svc_test_${randomUUID().slice(0, 8)}`;
  const key = chainKeyFrom('services-role-test-chain-key-of-32-characters');
  const counter = {
    initialState: () => 0,
    evolve: (n: number) => n + 1,
    decide: (by: string, n: number) => [{ type: 'Counted', data: { by, seen: n } }],
  };
  let db: TestDatabase;
  let dir: string;
  let owner: Client;
  let ownerPool: Pool;
  let url: string;
  let services: Client;

  beforeAll(async () => {
    db = await createTestDatabase('services_role');
    dir = mkdtempSync(join(tmpdir(), 'services-role-'));
    owner = new Client({ connectionString: db.url });
    await owner.connect();
    // What an earlier start left, made as the superuser: a read model's schema, and the event store.
    await owner.query(`CREATE SCHEMA legacy_rm;
      CREATE TYPE legacy_rm.mood AS ENUM ('ok', 'bad');
      CREATE TABLE legacy_rm.items (id serial PRIMARY KEY, mood legacy_rm.mood NOT NULL DEFAULT 'ok');
      CREATE FUNCTION legacy_rm.answer() RETURNS int LANGUAGE sql AS 'SELECT 42';`);
    ownerPool = new Pool({ connectionString: db.url, max: 2 });
    await new PostgresEventStore({ pool: ownerPool }).migrate();
    url = await ensureServicesRole(db.url, { passwordFile: join(dir, 'postgres.services-password'), role });
    services = new Client({ connectionString: url });
    await services.connect();
  });

  afterAll(async () => {
    await services?.end();
    await ownerPool?.end();
    await owner?.end();
    await db.drop();
    const admin = new Client({ connectionString: withDatabase(db.url, 'postgres') });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given the role, when it is made, then it is no superuser, its password is kept in a 0600 file, and making it again changes nothing', async () => {
    const { rows } = await services.query<{ super: boolean; me: string }>('SELECT rolsuper AS super, current_user AS me FROM pg_roles WHERE rolname = current_user');
    expect(rows[0]).toEqual({ super: false, me: role });
    expect(statSync(join(dir, 'postgres.services-password')).mode & 0o777).toBe(0o600);
    expect(url).toContain(encodeURIComponent(readFileSync(join(dir, 'postgres.services-password'), 'utf8').trim()));
    expect(await ensureServicesRole(db.url, { passwordFile: join(dir, 'postgres.services-password'), role })).toBe(url);
  });

  it('given schemas an earlier start made as the superuser, when the role takes over, then it owns and migrates them and creates schemas of its own', async () => {
    await services.query(`INSERT INTO legacy_rm.items (mood) VALUES ('bad')`);
    await services.query(`ALTER TABLE legacy_rm.items ADD COLUMN IF NOT EXISTS note text; CREATE TABLE IF NOT EXISTS legacy_rm.items (id int)`);
    expect((await services.query('SELECT legacy_rm.answer() AS a')).rows[0].a).toBe(42);
    await services.query('CREATE SCHEMA IF NOT EXISTS fresh_rm; CREATE TABLE fresh_rm.t (id int)');
  });

  it('given the event store migrated by the owner, when the services append and read through it, then that works; UPDATE, DELETE, TRUNCATE, DDL and disabling the trigger are refused', async () => {
    const pool = new Pool({ connectionString: url, max: 2 });
    const store = new PostgresEventStore({ pool, chainKey: key, migrationPool: ownerPool });
    try {
      await store.migrate();
      const streamId = `complaint-${randomUUID()}`;
      for (const by of ['a', 'b']) await handleCommand(store, streamId, counter, by, { metadata: {}, eventIds: (es) => es.map(() => randomUUID()) });
      expect((await verifyStoredStream(store, streamId)).verification).toEqual({ valid: true, events: 2 });
      for (const statement of [
        `UPDATE event_store.events SET data = '{}' WHERE stream_id = '${streamId}'`,
        `DELETE FROM event_store.events WHERE stream_id = '${streamId}'`,
        'TRUNCATE event_store.events',
        'ALTER TABLE event_store.events DISABLE TRIGGER USER',
        'DROP TABLE event_store.stream_heads',
        `DELETE FROM event_store.stream_heads WHERE stream_id = '${streamId}'`,
      ]) {
        await expect(services.query(statement)).rejects.toThrow(/permission denied|must be owner|append-only/);
      }
      // A plain PostgresEventStore.migrate() as the services' role is refused too: the schema is the owner's.
      await expect(new PostgresEventStore({ pool }).migrate()).rejects.toThrow(/permission denied|must be owner/);
      expect((await verifyStoredStream(store, streamId)).verification).toEqual({ valid: true, events: 2 });
    } finally {
      await store.close();
      await pool.end();
    }
  });
});
