import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Pool } from 'pg';
import { EventStoreDbEventStore, PostgresEventStore, chainKeyFrom, type EventStore } from '@complaints/event-store';
import { canConnect, ensureDatabase, readEmbeddedPassword, startEmbeddedPostgres, type EmbeddedPostgres } from '@complaints/service-kit';

/**
 * What a reporting command-line tool connects to: DATABASE_URL (and EVENT_STORE /
 * EVENTSTORE_CONNECTION_STRING) like the services; without DATABASE_URL, the embedded
 * default's database — the running `npm start` server if there is one, else its data
 * folder (DATA_DIR, default ./.data) started just for the command and stopped after.
 * The hash chain's key comes from CHAIN_KEY, else PERSONAL_DATA_KEY, else the embedded
 * default's own key file (DATA_DIR/personal-data-key), as the services derive it.
 */
export type CliEnvironment = { databaseUrl: string; pool: Pool; store: EventStore; eventStore: 'postgres' | 'eventstoredb'; close(): Promise<void> };

export const openCliEnvironment = async (log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<CliEnvironment> => {
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    const port = Number(env.EMBEDDED_PG_PORT ?? 54329);
    const dataDir = resolve(env.DATA_DIR || '.data', 'postgres');
    const password = readEmbeddedPassword(dataDir);
    const running = password ? `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/complaints` : undefined;
    if (running && (await canConnect(running))) {
      databaseUrl = running;
      log(`using the embedded default's running PostgreSQL on port ${port}`);
    } else {
      // The cluster may live elsewhere (`<dataDir>.location`, when root's postgres user could not reach dataDir).
      if (!existsSync(dataDir) && !existsSync(`${dataDir}.location`)) {
        throw new Error(`No DATABASE_URL, no server on port ${port} and no embedded data in ${dataDir}: nothing to work on`);
      }
      log(`starting the embedded PostgreSQL of ${dataDir} for this command`);
      embedded = await startEmbeddedPostgres({ dataDir, port, runtimeDir: env.EMBEDDED_PG_RUNTIME_DIR });
      databaseUrl = await ensureDatabase(embedded.adminUrl, 'complaints');
    }
  }
  const pool = new Pool({ connectionString: databaseUrl, max: 4 });
  pool.on('error', () => undefined);
  const keyFile = resolve(env.DATA_DIR || '.data', 'personal-data-key');
  const secret = env.CHAIN_KEY || env.PERSONAL_DATA_KEY || (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
  if (!secret) log('no CHAIN_KEY or PERSONAL_DATA_KEY: streams of hash chain v2 cannot be verified');
  const chainKey = secret ? chainKeyFrom(secret) : undefined;
  const eventStore = env.EVENT_STORE === 'eventstoredb' ? 'eventstoredb' : 'postgres';
  let store: EventStore;
  if (eventStore === 'eventstoredb') store = new EventStoreDbEventStore({ connectionString: env.EVENTSTORE_CONNECTION_STRING ?? '', chainKey });
  else {
    const postgres = new PostgresEventStore({ pool, chainKey });
    await postgres.migrate(); // a database nothing has written to yet has an empty store
    store = postgres;
  }
  return {
    databaseUrl,
    pool,
    store,
    eventStore,
    close: async () => {
      await store.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await embedded?.stop();
    },
  };
};
