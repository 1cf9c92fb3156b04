import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Pool } from 'pg';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { EventStoreDbEventStore, PostgresEventStore, chainKeyFrom, type EventStore, type RecordedEvent } from '@complaints/event-store';
import { EventRelay, StoreFedMessageBus, toComplaintEventMessage, type BusMessage, type MessageBus } from '@complaints/messaging';
import { RECORDS_NOTICE_STREAM_PREFIXES, complaintIdFromStream, notificationFromEvent, notificationFromRecordsEvent, topicNames, type TopicNames } from '@complaints/contracts';
import { ConfigError, type PlatformConfig } from './config';
import { AdjustableClock, CLOCK, systemClock, type Clock } from './clock';
import { ClockController } from './http/clock.controller';
import { EVENT_STORE, JSON_LOGGER, MESSAGE_BUS, METRICS, PG_POOL, PLATFORM_CONFIG, TOPICS } from './tokens';
import { createJsonLogger, nestLoggerParams } from './observability/logger';
import { TracedKafkaMessageBus } from './observability/traced-kafka-bus';
import { flushTracing, inSpan, traceHeadersFrom } from './observability/tracing';
import { Metrics, type StoreProbe } from './metrics/metrics';
import { MetricsController } from './metrics/metrics.controller';
import { HealthController } from './http/health.controller';
import { APP_GUARD } from '@nestjs/core';
import { AuthController, AuthGuard, TokenService, USER_STATUS, USER_STORE, UserStore } from '@complaints/auth';

/** Local users and sign-in, where this process serves them; demo users on first start if asked. */
const userStoreProvider = (config: PlatformConfig) => ({
  provide: USER_STORE,
  inject: [PG_POOL],
  useFactory: async (pool: Pool) => {
    const logger = new Logger('auth');
    const store = new UserStore(pool);
    await store.migrate();
    if (config.auth.adminPassword) await store.ensureAdmin(config.auth.adminPassword);
    if (config.auth.seedDemoUsers) {
      const created = await store.seedDemoUsers();
      logger.warn(`demo users enabled${created ? ` (${created} created)` : ''}: password demo1234, published in the README — for trials on this machine only`);
    } else {
      const disabled = await store.disableDemoUsers();
      if (disabled) logger.warn(`disabled ${disabled} demo users: SEED_DEMO_USERS is off or the server is reachable from other machines`);
    }
    return store;
  },
});

/**
 * What the relay and the embedded bus read: every stream (complaint streams for the events
 * topic and notices, the records desk's streams for their chases' notices); `routeComplaintEvent`
 * keeps what is published.
 */
const RELAYED_STREAM_PREFIX = '';

/** The relay's name (its checkpoint row); the embedded bus starts where it left off. */
const RELAY_NAME = 'complaint-events';

const COMPLAINT_STREAM = /^complaint-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What the relay publishes for a stored event: every complaint event on the events
 * topic, and chases, escalations and major flags also on the notifications topic.
 * The records desk's chases (an unsigned monthly pack, an overdue weekly supervisor check, the
 * month-end callback-quota reminder) go on the notifications topic only. Other streams (e.g.
 * the numbering counters) stay inside the event store.
 */
export const routeComplaintEvent = (event: RecordedEvent, topics: TopicNames): BusMessage[] => {
  if (!COMPLAINT_STREAM.test(event.streamId)) return routeRecordsEvent(event, topics);
  // The trace context the command stored travels in the message headers (README "Traces").
  const trace = traceHeadersFrom(event.metadata);
  const eventMessage = toComplaintEventMessage(event, topics.complaintEvents);
  const messages = [{ ...eventMessage, headers: { ...eventMessage.headers, ...trace } }];
  const notification = notificationFromEvent(event, complaintIdFromStream(event.streamId));
  if (notification) {
    messages.push({
      topic: topics.notifications,
      key: notification.complaintId ?? event.streamId,
      value: JSON.stringify(notification),
      headers: { 'event-id': event.id, 'event-type': event.type, 'schema-version': '1', ...trace },
    });
  }
  return messages;
};

/** The notice a records-desk chase calls for, on the notifications topic (keyed by its site). */
const routeRecordsEvent = (event: RecordedEvent, topics: TopicNames): BusMessage[] => {
  if (!RECORDS_NOTICE_STREAM_PREFIXES.some((prefix) => event.streamId.startsWith(prefix))) return [];
  const notification = notificationFromRecordsEvent(event);
  if (!notification) return [];
  return [
    {
      topic: topics.notifications,
      key: notification.subject?.siteId ?? event.streamId,
      value: JSON.stringify(notification),
      headers: { 'event-id': event.id, 'event-type': event.type, 'schema-version': '1', ...traceHeadersFrom(event.metadata) },
    },
  ];
};

/**
 * Runs the relay (event store → bus) in this process when RELAY_ENABLED is set.
 * Several processes may enable it: one leads (advisory lock), the others stand by.
 */
@Injectable()
export class RelayService implements OnApplicationBootstrap {
  private readonly logger = new Logger('relay');
  relay?: EventRelay;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.relayEnabled) return;
    if (this.bus.kind === 'store') {
      this.logger.log('no relay needed: every consumer group reads the event store itself (embedded bus)');
      return;
    }
    this.relay = new EventRelay({
      store: this.store,
      bus: this.bus,
      pool: this.pool,
      connectionString: this.config.databaseUrl,
      name: RELAY_NAME,
      streamPrefix: RELAYED_STREAM_PREFIX,
      route: (event) => routeComplaintEvent(event, this.topics),
      log: (line) => this.logger.log(line),
    });
    this.relay.start();
    const relay = this.relay;
    this.metrics.setRelayPosition(() => relay.checkpoint());
  }

  async stop(): Promise<void> {
    await this.relay?.stop();
  }
}

/** Closes what the platform opened, after every module has stopped its consumers. */
@Injectable()
export class PlatformLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly relay: RelayService,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.bus.close().catch(() => undefined);
    await this.store.close().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
    await flushTracing();
  }
}

export type PlatformOverrides = {
  /** Share one in-process bus between modules of the embedded launcher. */
  bus?: MessageBus;
  /** A clock tests can move forward. */
  clock?: Clock;
  /** Where the JSON log goes (default: standard output); tests read it. */
  logDestination?: DestinationStream;
};

/**
 * A connection that the server closes (a restart, Ctrl-C reaching the embedded server
 * first) must not crash the process, idle or checked out: the pool listens on idle
 * ones, and every connection gets a listener of its own for the time it is checked out
 * (pg-pool removes its idle listener then, and an 'error' event nobody hears is fatal).
 * The query in flight fails as usual; the caller retries (consumers) or answers 503.
 */
export const createPool = (connectionString: string, max = 10): Pool => {
  const logger = new Logger('database');
  const pool = new Pool({ connectionString, max });
  pool.on('error', (error) => logger.warn(`idle connection lost: ${error.message}`));
  pool.on('connect', (client) => client.on('error', (error) => logger.warn(`connection lost: ${error.message}`)));
  return pool;
};

const createBus = (config: PlatformConfig, store: EventStore, pool: Pool, topics: TopicNames): MessageBus => {
  const logger = new Logger('bus');
  if (config.bus === 'memory') {
    return new StoreFedMessageBus({
      store,
      pool,
      route: (event) => routeComplaintEvent(event, topics),
      storeTopics: [topics.complaintEvents, topics.notifications],
      streamPrefix: RELAYED_STREAM_PREFIX,
      relayName: RELAY_NAME,
      log: (line) => logger.warn(line),
    });
  }
  return new TracedKafkaMessageBus({ brokers: config.kafkaBrokers, clientId: config.kafkaClientId, log: (line) => logger.warn(line) });
};

/** Counts the events this process appends (metrics) and traces each append, whatever the adapter. */
const counted = (store: EventStore, metrics: Metrics): EventStore => {
  const readStreamHead = store.readStreamHead?.bind(store);
  const commitUnit = store.commitUnit?.bind(store);
  return {
    ...(commitUnit
      ? {
          // Called synchronously (no await before it): units reach the store in the order they were made.
          commitUnit: (unit) =>
            inSpan('event-store unit of work', { attributes: { 'complaints.stream_id': unit.appends.map((a) => a.streamId).join(' '), 'complaints.event_count': unit.appends.reduce((n, a) => n + a.events.length, 0) } }, async () => {
              const result = await commitUnit(unit);
              metrics.eventsAppended.inc(unit.appends.reduce((n, a) => n + a.events.length, 0));
              return result;
            }),
        }
      : {}),
    appendToStream: (streamId, events, options) =>
      inSpan('event-store append', { attributes: { 'complaints.stream_id': streamId, 'complaints.event_count': events.length } }, async () => {
        const result = await store.appendToStream(streamId, events, options);
        metrics.eventsAppended.inc(events.length);
        return result;
      }),
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options, handler) => store.subscribeToAll(options, handler),
    close: () => store.close(),
    chainKey: store.chainKey,
    ...(readStreamHead ? { readStreamHead } : {}),
  };
};

/** Where the PostgreSQL event store stands, for the lag metrics (schema event_store). */
const postgresStoreProbe = (pool: Pool): StoreProbe => ({
  head: async () => {
    const { rows } = await pool.query<{ head: string | null }>('SELECT max(position)::text AS head FROM event_store.events');
    return rows[0]?.head ? BigInt(rows[0].head) : undefined;
  },
  recordedAfter: async (position) => {
    const { rows } = await pool.query<{ recorded_at: Date }>('SELECT recorded_at FROM event_store.events WHERE position > $1 ORDER BY position LIMIT 1', [position.toString()]);
    return rows[0]?.recorded_at;
  },
});

const createEventStore = async (config: PlatformConfig, pool: Pool, metrics: Metrics): Promise<EventStore> => {
  const chainKey = chainKeyFrom(config.chainKeySecret);
  if (config.eventStore === 'eventstoredb') {
    return counted(new EventStoreDbEventStore({ connectionString: config.eventStoreConnectionString ?? '', chainKey }), metrics);
  }
  const store = new PostgresEventStore({ pool, chainKey });
  if (config.migrationDatabaseUrl && config.migrationDatabaseUrl !== config.databaseUrl) {
    // The schema's owner migrates; the services' own role may only read and append events.
    const owner = createPool(config.migrationDatabaseUrl, 1);
    try {
      await new PostgresEventStore({ pool, migrationPool: owner }).migrate();
    } finally {
      await owner.end().catch(() => undefined);
    }
  } else {
    await store.migrate();
  }
  metrics.setStoreProbe(postgresStoreProbe(pool));
  return counted(store, metrics);
};

/** The platform's ports for every service: database pool, event store, bus, topics, relay, health. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: PlatformConfig, overrides: PlatformOverrides = {}): DynamicModule {
    if (config.bus === 'memory' && !overrides.bus && config.processName !== 'embedded') {
      throw new ConfigError('BUS=memory only works when all services run in one process (the embedded launcher)');
    }
    const logger = createJsonLogger({ service: config.processName, level: config.logLevel, destination: overrides.logDestination });
    return {
      module: PlatformModule,
      // JSON logs (pino) for Nest's Logger everywhere, with the ids of the work in hand.
      imports: [LoggerModule.forRoot(nestLoggerParams(logger))],
      controllers: [HealthController, MetricsController, ...(config.clockControl ? [ClockController] : []), ...(config.auth.login ? [AuthController] : [])],
      providers: [
        { provide: PLATFORM_CONFIG, useValue: config },
        { provide: JSON_LOGGER, useValue: logger },
        { provide: CLOCK, useValue: overrides.clock ?? (config.clockControl ? new AdjustableClock() : systemClock) },
        { provide: TOPICS, useValue: topicNames(config.topicPrefix) },
        { provide: PG_POOL, useFactory: () => createPool(config.databaseUrl) },
        { provide: METRICS, useFactory: () => new Metrics(config.processName) },
        { provide: EVENT_STORE, inject: [PG_POOL, METRICS], useFactory: (pool: Pool, metrics: Metrics) => createEventStore(config, pool, metrics) },
        {
          provide: MESSAGE_BUS,
          inject: [EVENT_STORE, PG_POOL, TOPICS],
          useFactory: (store: EventStore, pool: Pool, topics: TopicNames) => overrides.bus ?? createBus(config, store, pool, topics),
        },
        RelayService,
        PlatformLifecycle,
        {
          provide: TokenService,
          useFactory: () =>
            new TokenService({
              secret: config.auth.jwtSecret,
              jwksUri: config.auth.oidcJwksUri,
              issuer: config.auth.issuer,
              audience: config.auth.audience,
              ttlSeconds: config.auth.ttlSeconds,
            }),
        },
        // Disabled users are refused on every request, in every service (same database).
        { provide: USER_STATUS, inject: [PG_POOL], useFactory: (pool: Pool) => new UserStore(pool) },
        { provide: APP_GUARD, useClass: AuthGuard },
        ...(config.auth.login ? [userStoreProvider(config)] : []),
      ],
      exports: [TokenService, JSON_LOGGER, PLATFORM_CONFIG, CLOCK, TOPICS, PG_POOL, EVENT_STORE, MESSAGE_BUS, METRICS, RelayService],
    };
  }
}
