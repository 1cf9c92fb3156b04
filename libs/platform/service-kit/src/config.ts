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

export const loadConfig = (env: NodeJS.ProcessEnv, defaults: Partial<PlatformConfig> & { processName: string }): PlatformConfig => {
  const databaseUrl = env.DATABASE_URL ?? defaults.databaseUrl;
  if (!databaseUrl) throw new ConfigError('DATABASE_URL is required (postgres://user:pass@host:5432/db)');
  const port = Number(env.PORT ?? defaults.port ?? 3000);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new ConfigError(`PORT must be a TCP port; got "${env.PORT}"`);
  const bus = oneOf('BUS', env.BUS, ['kafka', 'memory'] as const, defaults.bus ?? 'kafka');
  const kafkaBrokers = (env.KAFKA_BROKERS ?? defaults.kafkaBrokers?.join(',') ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
  const eventStore = oneOf('EVENT_STORE', env.EVENT_STORE, ['postgres', 'eventstoredb'] as const, defaults.eventStore ?? 'postgres');
  const eventStoreConnectionString = env.EVENTSTORE_CONNECTION_STRING ?? defaults.eventStoreConnectionString;
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
  };
};
