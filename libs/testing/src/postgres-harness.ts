import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Real PostgreSQL for tests. The test runner (tools/test/run-tests.mjs) or jest's
 * global setup puts a server's admin URL in TEST_DATABASE_URL; every test file makes
 * its own throw-away database there so files can run in parallel.
 */
export const adminDatabaseUrl = (): string => {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run tests through `npm test` (or jest with the root global setup)');
  return url;
};

export const withDatabase = (url: string, database: string): string => {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
};

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

/** A throw-away database on the test server (or on the server `admin` names), with a `drop` that forces it away. */
export const createTestDatabase = async (label = 'test', admin: string = adminDatabaseUrl()): Promise<TestDatabase> => {
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase().slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = withDatabase(admin, name);
  return {
    url,
    name,
    drop: async () => {
      const c = new Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
};
