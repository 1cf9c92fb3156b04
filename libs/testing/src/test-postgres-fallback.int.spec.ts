import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
// eslint-disable-next-line @nx/enforce-module-boundaries -- jest's global setup lives in tools/test (no Nx project); this tests it
import { startEmbeddedTestPostgres } from '../../../tools/test/global-setup';
import { freePort } from './service-process';

/**
 * Jest's global setup falls back to the embedded PostgreSQL when no server answers at
 * 127.0.0.1:5432 and no URL is set. This runs that fallback directly (this machine has a
 * server at 5432, so the global setup itself never reaches it here).
 */
jest.setTimeout(120_000);

let base: string;
beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'complaints-test-fallback-'));
  chmodSync(base, 0o755);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("the tests' embedded PostgreSQL fallback", () => {
  it('rule: it starts a server whose URL, with its random password, is what TEST_DATABASE_URL gets', async () => {
    // given no other server (the fallback is called directly)
    const port = await freePort();

    // when the fallback starts
    const server = await startEmbeddedTestPostgres(port, join(base, 'runtime'), base);
    try {
      // then its admin URL opens it, with a password that is not the old fixed one
      expect(server.clusterDir).toBe(join(base, `complaints-test-pg-${port}`));
      expect(new URL(server.adminUrl).password).not.toBe('postgres');
      const client = new Client({ connectionString: server.adminUrl });
      await client.connect();
      const { rows } = await client.query<{ one: number }>('SELECT 1 AS one');
      await client.end();
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await server.stop();
    }
  });

  it('rule: when it cannot start, the run stops with one paragraph naming the cause and the settings that fix it', async () => {
    // given its port taken
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    try {
      // when the fallback starts
      const failure = await startEmbeddedTestPostgres(port, join(base, 'runtime'), base).catch((error: unknown) => error);

      // then the message says why, and what to set
      const message = (failure as Error).message;
      expect(message).toMatch(/^tests: no PostgreSQL answered at 127\.0\.0\.1:5432/);
      expect(message).toContain(`port ${port} on 127.0.0.1 is already in use`);
      expect(message).toContain('set TEST_EMBEDDED_PG_PORT to a free port');
      expect(message).toContain('TEST_DATABASE_URL');
      expect(message).not.toContain('\n');
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });
});
