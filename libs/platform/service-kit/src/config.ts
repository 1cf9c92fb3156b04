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
   * Without it, one is derived from JWT_SECRET — set it explicitly in production, since
   * rotating JWT_SECRET would then make all personal data unreadable.
   */
  personalDataKey: string;
  /** True when personalDataKey was derived from JWT_SECRET rather than configured. */
  personalDataKeyDerived: boolean;
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
    /** Create the demo users when the user table is empty. */
    seedDemoUsers: boolean;
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

const authConfig = (env: NodeJS.ProcessEnv, defaults: Partial<PlatformConfig['auth']> = {}): PlatformConfig['auth'] => {
  const jwtSecret = env.JWT_SECRET || defaults.jwtSecret;
  const oidcJwksUri = env.OIDC_JWKS_URI || defaults.oidcJwksUri;
  if (!jwtSecret && !oidcJwksUri) throw new ConfigError('JWT_SECRET (≥ 32 characters, the same in every service) or OIDC_JWKS_URI is required to verify tokens');
  if (jwtSecret && jwtSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  return {
    jwtSecret,
    oidcJwksUri,
    issuer: env.JWT_ISSUER || defaults.issuer || 'complaints',
    audience: env.JWT_AUDIENCE || defaults.audience || 'complaints-api',
    ttlSeconds: positiveInt('JWT_TTL_SECONDS', env.JWT_TTL_SECONDS, defaults.ttlSeconds ?? 1_800),
    login: bool(env.AUTH_LOGIN_ENABLED, defaults.login ?? false),
    seedDemoUsers: bool(env.SEED_DEMO_USERS, defaults.seedDemoUsers ?? false),
  };
};

export const loadConfig = (env: NodeJS.ProcessEnv, defaults: Partial<Omit<PlatformConfig, 'auth' | 'personalDataKeyDerived'>> & { processName: string; auth?: Partial<PlatformConfig['auth']> }): PlatformConfig => {
  const databaseUrl = env.DATABASE_URL ?? defaults.databaseUrl;
  if (!databaseUrl) throw new ConfigError('DATABASE_URL is required (postgres://user:pass@host:5432/db)');
  const port = Number(env.PORT ?? defaults.port ?? 3000);
  // 0 = any free port (tests).
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a TCP port; got "${env.PORT}"`);
  const bus = oneOf('BUS', env.BUS, ['kafka', 'memory'] as const, defaults.bus ?? 'kafka');
  const kafkaBrokers = (env.KAFKA_BROKERS ?? defaults.kafkaBrokers?.join(',') ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  const eventStore = oneOf('EVENT_STORE', env.EVENT_STORE, ['postgres', 'eventstoredb'] as const, defaults.eventStore ?? 'postgres');
  const eventStoreConnectionString = env.EVENTSTORE_CONNECTION_STRING ?? defaults.eventStoreConnectionString;
  const auth = authConfig(env, defaults.auth);
  const configuredPersonalDataKey = env.PERSONAL_DATA_KEY || defaults.personalDataKey;
  if (configuredPersonalDataKey !== undefined && configuredPersonalDataKey.length < 32) throw new ConfigError('PERSONAL_DATA_KEY must be base64 of 32 bytes or at least 32 characters');
  if (!configuredPersonalDataKey && !auth.jwtSecret) throw new ConfigError('PERSONAL_DATA_KEY (≥ 32 characters, the same in every service) is required when tokens come from OIDC only');
  const personalDataKey = configuredPersonalDataKey || `derived-from-jwt-secret:${auth.jwtSecret}`;
  if (eventStore === 'eventstoredb' && !eventStoreConnectionString) throw new ConfigError('EVENTSTORE_CONNECTION_STRING is required when EVENT_STORE=eventstoredb');
  return {
    processName: defaults.processName,
    host: env.HOST ?? defaults.host ?? '0.0.0.0',
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
    personalDataKeyDerived: !configuredPersonalDataKey,
    auth,
  };
};
