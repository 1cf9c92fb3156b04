/**
 * Every setting the services read, from the environment (README "Configuration").
 * One place, so the README, docker-compose.yml and the code cannot drift apart.
 */
export type ServiceName = 'intake' | 'triage' | 'handling' | 'callback' | 'reporting';

export const SERVICE_PORTS: Record<ServiceName, number> = {
  intake: 3001,
  triage: 3002,
  handling: 3003,
  callback: 3004,
  reporting: 3005,
};

export type PlatformConfig = {
  /** `embedded` for the single-process launcher, else the service's name. */
  processName: string;
  host: string;
  port: number;
  databaseUrl: string;
  eventStore: 'postgres' | 'eventstoredb';
  eventStoreConnectionString?: string;
  bus: 'kafka' | 'memory';
  kafkaBrokers: string[];
  kafkaClientId: string;
  topicPrefix: string;
  relayEnabled: boolean;
  schedulerEnabled: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Test-only: an adjustable clock behind `POST /api/admin/clock` (CLOCK_CONTROL=true). Never in production. */
  clockControl: boolean;
  /** How often the deadline scheduler looks for due timers. */
  schedulerIntervalMs: number;
  /** When set, `GET /api/metrics` answers only to `Authorization: Bearer <METRICS_TOKEN>`. */
  metricsToken?: string;
  /**
   * Master key that wraps every complainant's data key (crypto-shredding): base64 of 32
   * bytes or a secret of ≥ 32 characters, the same in every service (PERSONAL_DATA_KEY).
   * Required: a service refuses to start without it (the embedded default makes its own).
   */
  personalDataKey: string;
  /**
   * The hash chain's key material (CHAIN_KEY, ≥ 32 characters; default PERSONAL_DATA_KEY):
   * chain v2 events and stream heads are HMAC-signed with a key derived from it (hash-chain.ts
   * `chainKeyFrom`). The same in every service; never change it once events are signed.
   */
  chainKeySecret: string;
  /**
   * MIGRATION_DATABASE_URL: the event store's schema is created and upgraded through this
   * connection (its owner), while DATABASE_URL may be a role that can only read and append
   * events (a member of complaints_event_writer). Default: DATABASE_URL.
   */
  migrationDatabaseUrl?: string;
  /**
   * The address of the reverse proxy whose X-Forwarded-For the app believes (Express's
   * `trust proxy`, TRUST_PROXY): unset = none, so the client address is the TCP peer.
   */
  trustProxy?: number | string;
  auth: {
    /** Shared HS256 secret for tokens this system issues (≥ 32 characters). */
    jwtSecret?: string;
    issuer: string;
    audience: string;
    ttlSeconds: number;
    /** An OIDC provider's JWKS: tokens it signs are accepted too (RS256/ES256). */
    oidcJwksUri?: string;
    /** Serve `POST /api/auth/login` and `GET /api/auth/me` from this process (local users). */
    login: boolean;
    /**
     * Create (and enable) the demo users, password demo1234. Default: only on a loopback
     * binding of the embedded default; anywhere else only when SEED_DEMO_USERS says so.
     * When off, demo users left from an earlier start are disabled.
     */
    seedDemoUsers: boolean;
    /** ADMIN_PASSWORD: the `admin` user's password, set on every start (required off loopback where sign-in is served). */
    adminPassword?: string;
  };
};

export class ConfigError extends Error {}

const bool = (value: string | undefined, fallback: boolean): boolean => {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`expected a boolean, got "${value}"`);
};

const positiveInt = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive whole number; got "${value}"`);
  return n;
};

const oneOf = <T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T => {
  const v = (value ?? fallback) as T;
  if (!allowed.includes(v)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}; got "${value}"`);
  return v;
};

/** Is this bind address reachable from this machine only? */
export const isLoopbackHost = (host: string): boolean => /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3})$/i.test(host.trim());

/**
 * Values that appeared in this repository as examples or former defaults (.env.example,
 * earlier docker-compose.yml), and anything that still says it is a placeholder: a
 * secret anyone can read is no secret, so a service refuses them.
 */
const PUBLISHED_SECRETS = new Set([
  'local-compose-secret-change-me-0123456789',
  'local-compose-personal-data-key-change-me-0123',
  'demo1234',
]);
const PLACEHOLDER = /change[-_ ]?me|replace[-_ ]?(me|with|this)|your[-_ ]?(own[-_ ]?)?secret|example|sample|placeholder/i;

/** Refuses a secret that is missing, published in this repository or a placeholder. */
export const assertSecret = (name: string, value: string | undefined, minLength: number, hint: string): string => {
  if (!value) throw new ConfigError(`${name} is not set: ${hint}`);
  if (PUBLISHED_SECRETS.has(value) || PLACEHOLDER.test(value)) throw new ConfigError(`${name} is a sample value from the documentation or .env.example; set a secret of your own: ${hint}`);
  if (value.length < minLength) throw new ConfigError(`${name} must be at least ${minLength} characters`);
  return value;
};

/**
 * TRUST_PROXY: a number of proxy hops (`1`: the one proxy in front, as in compose), or
 * Express's list of trusted proxy addresses (`loopback`, `10.0.0.0/8`, …). `true` would
 * believe whatever X-Forwarded-For a client sends, so it is refused.
 */
const trustProxySetting = (value: string | undefined): number | string | undefined => {
  if (value === undefined || value === '' || /^(false|no|off|0)$/i.test(value)) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  if (/^(true|yes|on)$/i.test(value)) throw new ConfigError('TRUST_PROXY=true would believe any client\'s X-Forwarded-For; give the number of proxy hops (e.g. 1) or the proxies\' addresses');
  return value;
};

const SECRET_HINT = 'e.g. `openssl rand -base64 48`, the same in every service (see .env.example)';

const authConfig = (env: NodeJS.ProcessEnv, host: string, defaults: Partial<PlatformConfig['auth']> = {}): PlatformConfig['auth'] => {
  const jwtSecret = env.JWT_SECRET || defaults.jwtSecret;
  const oidcJwksUri = env.OIDC_JWKS_URI || defaults.oidcJwksUri;
  if (!jwtSecret && !oidcJwksUri) throw new ConfigError(`JWT_SECRET (≥ 32 characters, the same in every service) or OIDC_JWKS_URI is required to verify tokens; ${SECRET_HINT}`);
  if (jwtSecret) assertSecret('JWT_SECRET', jwtSecret, 32, SECRET_HINT);
  const login = bool(env.AUTH_LOGIN_ENABLED, defaults.login ?? false);
  const adminPassword = env.ADMIN_PASSWORD || defaults.adminPassword || undefined;
  if (adminPassword) assertSecret('ADMIN_PASSWORD', adminPassword, 12, 'a password of 12 characters or more for the `admin` user');
  if (login && !isLoopbackHost(host) && !adminPassword) {
    throw new ConfigError(
      `HOST=${host} makes sign-in reachable from other machines, but ADMIN_PASSWORD is not set: set ADMIN_PASSWORD (12+ characters) for the \`admin\` user, or bind to 127.0.0.1`,
    );
  }
  return {
    jwtSecret,
    oidcJwksUri,
    issuer: env.JWT_ISSUER || defaults.issuer || 'complaints',
    audience: env.JWT_AUDIENCE || defaults.audience || 'complaints-api',
    ttlSeconds: positiveInt('JWT_TTL_SECONDS', env.JWT_TTL_SECONDS, defaults.ttlSeconds ?? 1_800),
    login,
    // Demo users (published password) only where nobody else can reach them, unless asked for.
    seedDemoUsers: bool(env.SEED_DEMO_USERS, (defaults.seedDemoUsers ?? false) && isLoopbackHost(host)),
    adminPassword,
  };
};

export const loadConfig = (env: NodeJS.ProcessEnv, defaults: Partial<Omit<PlatformConfig, 'auth'>> & { processName: string; auth?: Partial<PlatformConfig['auth']> }): PlatformConfig => {
  const databaseUrl = env.DATABASE_URL ?? defaults.databaseUrl;
  if (!databaseUrl) throw new ConfigError('DATABASE_URL is required (postgres://user:pass@host:5432/db)');
  const port = Number(env.PORT ?? defaults.port ?? 3000);
  // 0 = any free port (tests).
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a TCP port; got "${env.PORT}"`);
  const bus = oneOf('BUS', env.BUS, ['kafka', 'memory'] as const, defaults.bus ?? 'kafka');
  const kafkaBrokers = (env.KAFKA_BROKERS ?? defaults.kafkaBrokers?.join(',') ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  const eventStore = oneOf('EVENT_STORE', env.EVENT_STORE, ['postgres', 'eventstoredb'] as const, defaults.eventStore ?? 'postgres');
  const eventStoreConnectionString = env.EVENTSTORE_CONNECTION_STRING ?? defaults.eventStoreConnectionString;
  const host = env.HOST || defaults.host || '0.0.0.0';
  const auth = authConfig(env, host, defaults.auth);
  const personalDataKey = assertSecret('PERSONAL_DATA_KEY', env.PERSONAL_DATA_KEY || defaults.personalDataKey, 32, `base64 of 32 bytes or 32+ characters; ${SECRET_HINT}`);
  if (auth.jwtSecret && personalDataKey === auth.jwtSecret) throw new ConfigError('PERSONAL_DATA_KEY must differ from JWT_SECRET');
  const chainKeySecret = env.CHAIN_KEY ? assertSecret('CHAIN_KEY', env.CHAIN_KEY, 32, `base64 of 32 bytes or 32+ characters; ${SECRET_HINT}`) : (defaults.chainKeySecret ?? personalDataKey);
  if (eventStore === 'eventstoredb' && !eventStoreConnectionString) throw new ConfigError('EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=eventstoredb');
  return {
    processName: defaults.processName,
    host,
    port,
    databaseUrl,
    eventStore,
    eventStoreConnectionString,
    bus,
    kafkaBrokers,
    kafkaClientId: env.KAFKA_CLIENT_ID ?? defaults.kafkaClientId ?? `complaints-${defaults.processName}`,
    topicPrefix: env.KAFKA_TOPIC_PREFIX ?? defaults.topicPrefix ?? 'complaints',
    relayEnabled: bool(env.RELAY_ENABLED, defaults.relayEnabled ?? false),
    schedulerEnabled: bool(env.SCHEDULER_ENABLED, defaults.schedulerEnabled ?? false),
    logLevel: oneOf('LOG_LEVEL', env.LOG_LEVEL, ['debug', 'info', 'warn', 'error'] as const, defaults.logLevel ?? 'info'),
    clockControl: bool(env.CLOCK_CONTROL, defaults.clockControl ?? false),
    schedulerIntervalMs: positiveInt('SCHEDULER_INTERVAL_MS', env.SCHEDULER_INTERVAL_MS, defaults.schedulerIntervalMs ?? 5_000),
    metricsToken: env.METRICS_TOKEN || undefined,
    personalDataKey,
    chainKeySecret,
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL || defaults.migrationDatabaseUrl || undefined,
    trustProxy: trustProxySetting(env.TRUST_PROXY) ?? defaults.trustProxy,
    auth,
  };
};
