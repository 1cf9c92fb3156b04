import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigError, isLoopbackHost, loadConfig } from './config';

/**
 * Security of the defaults (issue 13, rows 1 and 2): what a process refuses to start with,
 * and what it does when started as it comes.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const SECRETS = { DATABASE_URL: 'postgres://x@127.0.0.1/db', JWT_SECRET: 'unit-test-jwt-secret-0123456789abcdefghij', PERSONAL_DATA_KEY: 'unit-test-personal-data-key-0123456789abcd' };
const service = (env: NodeJS.ProcessEnv, login = false) => loadConfig(env, { processName: 'reporting', port: 3005, bus: 'kafka', auth: { login } });
const embedded = (env: NodeJS.ProcessEnv) =>
  loadConfig(env, { processName: 'embedded', port: 3000, bus: 'memory', host: '127.0.0.1', personalDataKey: 'made-on-first-start-0123456789abcdefghijkl', auth: { login: true, seedDemoUsers: true, jwtSecret: 'made-on-first-start-jwt-0123456789abcdefgh' } });

/** The values .env.example ships, read from the file itself. */
const envExample = (): Record<string, string> =>
  Object.fromEntries(
    readFileSync(join(ROOT, '.env.example'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );

describe('Rule: the embedded default is reachable from this machine only, unless HOST says otherwise', () => {
  it('given no HOST, when the embedded default starts, then it binds to loopback and seeds the demo users', () => {
    const config = embedded({ DATABASE_URL: SECRETS.DATABASE_URL });
    expect(config.host).toBe('127.0.0.1');
    expect(isLoopbackHost(config.host)).toBe(true);
    expect(config.auth.seedDemoUsers).toBe(true);
  });

  it('given HOST=0.0.0.0 and no ADMIN_PASSWORD, when it starts, then it refuses and says why', () => {
    expect(() => embedded({ DATABASE_URL: SECRETS.DATABASE_URL, HOST: '0.0.0.0' })).toThrow(/ADMIN_PASSWORD is not set/);
  });

  it('given HOST=0.0.0.0 and an ADMIN_PASSWORD, when it starts, then no demo users are seeded', () => {
    const config = embedded({ DATABASE_URL: SECRETS.DATABASE_URL, HOST: '0.0.0.0', ADMIN_PASSWORD: 'a-long-admin-password-42' });
    expect(config.host).toBe('0.0.0.0');
    expect(config.auth.seedDemoUsers).toBe(false);
    expect(config.auth.adminPassword).toBe('a-long-admin-password-42');
  });

  it('given HOST=0.0.0.0 and SEED_DEMO_USERS=true, when it starts, then the demo users are seeded (explicitly asked for)', () => {
    expect(embedded({ DATABASE_URL: SECRETS.DATABASE_URL, HOST: '0.0.0.0', ADMIN_PASSWORD: 'a-long-admin-password-42', SEED_DEMO_USERS: 'true' }).auth.seedDemoUsers).toBe(true);
  });

  it('given an ADMIN_PASSWORD that is short or the demo password, when it starts, then it refuses', () => {
    expect(() => embedded({ DATABASE_URL: SECRETS.DATABASE_URL, ADMIN_PASSWORD: 'demo1234' })).toThrow(ConfigError);
    expect(() => embedded({ DATABASE_URL: SECRETS.DATABASE_URL, ADMIN_PASSWORD: 'short-pw' })).toThrow(/at least 12/);
  });
});

describe('Rule: every service refuses to start without its own JWT_SECRET and PERSONAL_DATA_KEY', () => {
  it('given both secrets, when a service starts, then it runs with them', () => {
    const config = service(SECRETS);
    expect(config.auth.jwtSecret).toBe(SECRETS.JWT_SECRET);
    expect(config.personalDataKey).toBe(SECRETS.PERSONAL_DATA_KEY);
    expect(config.auth.seedDemoUsers).toBe(false);
  });

  it('given no PERSONAL_DATA_KEY, when a service starts, then it refuses (no key derived from JWT_SECRET)', () => {
    expect(() => service({ ...SECRETS, PERSONAL_DATA_KEY: '' })).toThrow(/PERSONAL_DATA_KEY is not set/);
  });

  it('given no JWT_SECRET, when a service starts, then it refuses', () => {
    expect(() => service({ ...SECRETS, JWT_SECRET: '' })).toThrow(/JWT_SECRET/);
  });

  it('given the sample values of .env.example or the former compose defaults, when a service starts, then it refuses each', () => {
    const sample = envExample();
    expect(Object.keys(sample).sort()).toEqual(['ADMIN_PASSWORD', 'JWT_SECRET', 'PERSONAL_DATA_KEY']);
    expect(() => service({ ...SECRETS, JWT_SECRET: sample.JWT_SECRET })).toThrow(/sample value/);
    expect(() => service({ ...SECRETS, PERSONAL_DATA_KEY: sample.PERSONAL_DATA_KEY })).toThrow(/sample value/);
    expect(() => service({ ...SECRETS, ADMIN_PASSWORD: sample.ADMIN_PASSWORD })).toThrow(/sample value/);
    expect(() => service({ ...SECRETS, JWT_SECRET: 'local-compose-secret-change-me-0123456789' })).toThrow(/sample value/);
    expect(() => service({ ...SECRETS, PERSONAL_DATA_KEY: 'local-compose-personal-data-key-change-me-0123' })).toThrow(/sample value/);
  });

  it('given PERSONAL_DATA_KEY equal to JWT_SECRET, when a service starts, then it refuses', () => {
    expect(() => service({ ...SECRETS, PERSONAL_DATA_KEY: SECRETS.JWT_SECRET })).toThrow(/differ/);
  });

  it('given sign-in served on 0.0.0.0 without ADMIN_PASSWORD, when the service starts, then it refuses', () => {
    expect(() => service({ ...SECRETS, HOST: '0.0.0.0' }, true)).toThrow(/ADMIN_PASSWORD/);
    expect(service({ ...SECRETS, HOST: '0.0.0.0', ADMIN_PASSWORD: 'a-long-admin-password-42' }, true).auth.login).toBe(true);
  });
});

describe('Rule: behind the proxy the client address is the one the proxy saw (TRUST_PROXY)', () => {
  it('given TRUST_PROXY=1, then one hop is trusted; given nothing, none; given true, it refuses', () => {
    expect(service({ ...SECRETS, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(service(SECRETS).trustProxy).toBeUndefined();
    expect(service({ ...SECRETS, TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(() => service({ ...SECRETS, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });
});

describe('Rule: docker-compose.yml holds no secret and seeds no demo user by default', () => {
  type Compose = { services: Record<string, { build?: unknown; environment?: Record<string, string> }> };
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true, maxAliasCount: 10_000 }) as Compose;
  const built = Object.entries(compose.services).filter(([, svc]) => svc.build);

  it('given the compose file, then every service takes JWT_SECRET and PERSONAL_DATA_KEY from the environment with no fallback', () => {
    expect(built.map(([name]) => name).sort()).toEqual(['callback', 'handling', 'intake', 'reporting', 'triage']);
    for (const [name, svc] of built) {
      for (const key of ['JWT_SECRET', 'PERSONAL_DATA_KEY']) {
        expect({ name, key, value: svc.environment?.[key] }).toEqual({ name, key, value: expect.stringMatching(new RegExp(`^\\$\\{${key}:\\?[^}]*\\}$`)) });
      }
    }
  });

  it('given the compose file, then sign-in needs ADMIN_PASSWORD and the demo users are off unless asked for', () => {
    const reporting = compose.services.reporting.environment ?? {};
    expect(reporting.ADMIN_PASSWORD).toMatch(/^\$\{ADMIN_PASSWORD:\?[^}]*\}$/);
    expect(reporting.SEED_DEMO_USERS).toBe('${SEED_DEMO_USERS:-false}');
    for (const [, svc] of built) expect(svc.environment?.TRUST_PROXY).toBe('${TRUST_PROXY:-1}');
  });
});

describe('Rule: the hash chain is keyed with CHAIN_KEY, else PERSONAL_DATA_KEY; the owner may migrate the event store (issue 13 row 4)', () => {
  it('given no CHAIN_KEY, then the chain key comes from PERSONAL_DATA_KEY; given one, from it; given a short or sample one, the service refuses', () => {
    expect(service(SECRETS).chainKeySecret).toBe(SECRETS.PERSONAL_DATA_KEY);
    expect(service({ ...SECRETS, CHAIN_KEY: 'unit-test-chain-key-0123456789abcdefghijk' }).chainKeySecret).toBe('unit-test-chain-key-0123456789abcdefghijk');
    expect(() => service({ ...SECRETS, CHAIN_KEY: 'too-short' })).toThrow(/CHAIN_KEY must be at least 32/);
    expect(() => service({ ...SECRETS, CHAIN_KEY: 'replace-with-a-chain-key-of-32-characters-x' })).toThrow(/CHAIN_KEY is a sample value/);
  });

  it('given MIGRATION_DATABASE_URL, then it is kept apart from DATABASE_URL; given none, there is none', () => {
    expect(service({ ...SECRETS, MIGRATION_DATABASE_URL: 'postgres://owner@127.0.0.1/db' }).migrationDatabaseUrl).toBe('postgres://owner@127.0.0.1/db');
    expect(service(SECRETS).migrationDatabaseUrl).toBeUndefined();
  });
});
