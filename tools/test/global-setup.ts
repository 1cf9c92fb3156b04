/**
 * Jest global setup shared by every project: finds a real PostgreSQL for the tests.
 *   1. TEST_DATABASE_URL already set (by tools/test/run-tests.mjs or by you): use it.
 *   2. DATABASE_URL set: use that server.
 *   3. A server answering at 127.0.0.1:5432 (trust auth, user postgres): use it.
 *   4. Otherwise start the embedded PostgreSQL once for the whole run (port
 *      TEST_EMBEDDED_PG_PORT, default 55000 + pid % 1000).
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { EmbeddedPostgresError, canConnect, startEmbeddedPostgres, type EmbeddedPostgres } from '../../libs/platform/service-kit/src/embedded/embedded-postgres';
import { probeDocker } from './docker-probe';

export default async function globalSetup(): Promise<void> {
  if (!process.env.DOCKER_STATUS) {
    const docker = await probeDocker();
    process.env.DOCKER_STATUS = docker.available ? 'available' : `unavailable: ${docker.reason}`;
  }
  if (process.env.TEST_DATABASE_URL) return;
  if (process.env.DATABASE_URL && (await canConnect(process.env.DATABASE_URL))) {
    process.env.TEST_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  if (await canConnect(local)) {
    process.env.TEST_DATABASE_URL = local;
    return;
  }
  const port = Number(process.env.TEST_EMBEDDED_PG_PORT) || 55_000 + (process.pid % 1000);
  const server = await startEmbeddedTestPostgres(port, process.env.EMBEDDED_PG_RUNTIME_DIR);
  process.env.TEST_DATABASE_URL = server.adminUrl;
  (globalThis as { __embeddedPostgres__?: { stop(): Promise<void> } }).__embeddedPostgres__ = server;
  console.log(`\ntests: started embedded PostgreSQL on port ${port} (no server was found at 127.0.0.1:5432), data in ${server.clusterDir}`);
}

/**
 * The fallback: the embedded PostgreSQL with its data in $TMPDIR/complaints-test-pg-<port>,
 * by the launcher's rules (as root: run as the postgres OS user, binaries copied to the
 * runtime folder when that user cannot reach node_modules). A failure is one paragraph.
 */
export const startEmbeddedTestPostgres = async (port: number, runtimeDir?: string, dataRoot = tmpdir()): Promise<EmbeddedPostgres> => {
  try {
    return await startEmbeddedPostgres({ dataDir: join(dataRoot, `complaints-test-pg-${port}`), port, runtimeDir, portSetting: 'TEST_EMBEDDED_PG_PORT' });
  } catch (error) {
    // One clear paragraph (cause and fix) instead of a stack trace from jest's global setup.
    const reason = error instanceof EmbeddedPostgresError ? error.message : String(error);
    throw new EmbeddedPostgresError(
      `tests: no PostgreSQL answered at 127.0.0.1:5432 (user postgres, trust auth) and TEST_DATABASE_URL / DATABASE_URL are not set, ` +
        `so the tests tried an embedded one, which failed. ${reason} For the tests, TEST_DATABASE_URL may name any server they can create databases on.`,
    );
  }
};
