import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type InjectionToken,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OptionalFactoryDependency,
  type Provider,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource, type MixedList } from 'typeorm';
import type { EventStore } from '@complaints/event-store';
import {
  RebuildStoppedError,
  createReadModelDataSource,
  migrateReadModel,
  type ProjectedEvent,
  type ProjectionCheckpoint,
  type RebuildOptions,
  type RebuildReport,
  type StreamProjection,
} from '@complaints/read-model';
import { EVENT_STORE, METRICS, PG_POOL, PLATFORM_CONFIG, type Metrics, type PlatformConfig } from '@complaints/service-kit';
import { ServiceProjections, postgresHeadPosition } from './service-projections';

/** What a service declares about its read models: its schema, the migrations that own its tables, its projections. */
export type ReadModelSpec = {
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for migration classes
  migrations: MixedList<Function>;
  projections: readonly StreamProjection<unknown>[];
  /** Connections of the schema's data source (default 3). */
  poolSize?: number;
};

/** Opens a schema's data source and brings its tables up to date (TypeORM migrations under the schema's advisory lock). */
export const openServiceDataSource = async (databaseUrl: string, spec: Pick<ReadModelSpec, 'schema' | 'migrations' | 'poolSize'>): Promise<DataSource> => {
  const dataSource = createReadModelDataSource({ url: databaseUrl, schema: spec.schema, entities: [], migrations: spec.migrations, poolSize: Math.max(2, spec.poolSize ?? 3) }); // the migration lock holds one connection while the migrations run on another
  await dataSource.initialize();
  try {
    await migrateReadModel(dataSource, spec.schema);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  return dataSource;
};

/** The connections every service's projections of this process share (one pool, not one per schema). */
export const READ_MODEL_CONNECTIONS = Symbol('READ_MODEL_CONNECTIONS');

/** Runs a schema's migrations on a connection pair of its own, closed after. */
export const migrateServiceSchema = async (databaseUrl: string, spec: Pick<ReadModelSpec, 'schema' | 'migrations'>): Promise<void> => {
  const dataSource = await openServiceDataSource(databaseUrl, { ...spec, poolSize: 2 });
  await dataSource.destroy();
};

@Injectable()
class ReadModelConnectionsLifecycle implements OnApplicationShutdown {
  constructor(@Inject(READ_MODEL_CONNECTIONS) private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * One TypeORM data source (up to 8 connections) for the projections of every service in the
 * process — in the embedded server four services share it. Projections name their tables with
 * their schema, so no search path is needed; each schema's migrations run on their own.
 */
@Module({
  providers: [
    {
      provide: READ_MODEL_CONNECTIONS,
      inject: [PLATFORM_CONFIG],
      useFactory: async (config: PlatformConfig) => {
        const dataSource = new DataSource({ type: 'postgres', url: config.databaseUrl, synchronize: false, logging: ['error'], extra: { max: 8 } });
        await dataSource.initialize();
        return dataSource;
      },
    },
    ReadModelConnectionsLifecycle,
  ],
  exports: [READ_MODEL_CONNECTIONS],
})
export class ReadModelConnectionsModule {}

/**
 * A service's read models inside the running service: the declared projections over the
 * schema's own data source. Its consumer hands every delivered batch to `applyLive`; on start
 * it builds, in the background, every projection that has never been built (a new
 * installation, a projection added or changed by an upgrade); `rebuild` drops one and builds
 * it again from the event store while traffic flows. Reactions (automatic triage, deadline
 * chasing, notices) are not here: a rebuild only ever writes rows.
 */
export class ServiceReadModel implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: Logger;
  private readonly running = new Map<string, Promise<RebuildReport>>();
  private stopping = false;

  constructor(
    readonly projections: ServiceProjections,
    private readonly metrics?: Metrics,
    private readonly buildOnStart = true,
  ) {
    this.logger = new Logger(`projections:${projections.schema}`);
  }

  /** Migrates the schema, then runs its projections on the shared connections. */
  static async open(spec: ReadModelSpec, deps: { config: PlatformConfig; store: EventStore; pool: Pool; dataSource: DataSource; metrics?: Metrics }): Promise<ServiceReadModel> {
    await migrateServiceSchema(deps.config.databaseUrl, spec);
    const dataSource = deps.dataSource;
    const head = deps.config.eventStore === 'postgres' ? postgresHeadPosition((sql) => deps.pool.query<{ head: string | null }>(sql)) : undefined;
    return new ServiceReadModel(new ServiceProjections(dataSource, spec.schema, deps.store, spec.projections, head), deps.metrics);
  }

  get dataSource(): DataSource {
    return this.projections.dataSource;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.buildOnStart) return;
    const built = new Set((await this.projections.checkpoints()).filter((c) => c.status === 'live').map((c) => c.name));
    const toBuild = this.projections.names().filter((name) => !built.has(name));
    // One after the other: a rebuild holds a connection for its lock, the shared pool is small.
    void (async () => {
      for (const name of toBuild) {
        if (this.stopping) return;
        this.logger.log(`building ${name} from the event store (never built, or its last rebuild did not finish)`);
        await this.rebuildInBackground(name, { resume: true }).catch(() => undefined);
      }
    })();
  }

  /** A running build stops at its next batch (its checkpoint stays; the next start resumes it) before the connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running.values()]);
  }

  /** The live path: a delivered batch applied to every projection (each once per event id). */
  async applyLive(events: readonly ProjectedEvent[]): Promise<Record<string, number>> {
    const applied = await this.projections.applyLive(events);
    for (const [projection, n] of Object.entries(applied)) this.metrics?.projectionApplied(projection, n, events);
    return applied;
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** Drops a projection and rebuilds it from the event store (the returned promise settles when it ends). */
  rebuild(name: string, options: RebuildOptions = {}): Promise<RebuildReport> {
    return this.projections.rebuild(name, { ...options, shouldStop: () => this.stopping || (options.shouldStop?.() ?? false) });
  }

  private rebuildInBackground(name: string, options: { resume?: boolean } = {}): Promise<RebuildReport> {
    const existing = this.running.get(name);
    if (existing) return existing;
    const run = this.rebuild(name, options)
      .then((report) => {
        this.logger.log(`${name} built: ${report.events} events, ${report.rows} rows in ${(report.elapsedMs / 1000).toFixed(1)} s (${report.eventsPerSecond} events/s)`);
        return report;
      })
      .finally(() => this.running.delete(name));
    run.catch((error: unknown) => {
      if (error instanceof RebuildStoppedError) this.logger.warn(error.message);
      else this.logger.error(`${name}: rebuild failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    this.running.set(name, run);
    return run;
  }

  checkpoints(): Promise<ProjectionCheckpoint[]> {
    return this.projections.checkpoints();
  }
}

/**
 * The Nest provider of a service's read model under `token` (its module imports ReadModelConnectionsModule). `projections` receives the
 * providers listed in `inject` (e.g. the site directory), after the platform's own.
 */
export const readModelProvider = (
  token: string | symbol,
  spec: Omit<ReadModelSpec, 'projections'>,
  projections: (...deps: never[]) => readonly StreamProjection<unknown>[],
  inject: (InjectionToken | OptionalFactoryDependency)[] = [],
): Provider => ({
  provide: token,
  inject: [PLATFORM_CONFIG, EVENT_STORE, PG_POOL, READ_MODEL_CONNECTIONS, { token: METRICS, optional: true }, ...inject],
  useFactory: (config: PlatformConfig, store: EventStore, pool: Pool, dataSource: DataSource, metrics: Metrics | undefined, ...deps: never[]) =>
    ServiceReadModel.open({ ...spec, projections: projections(...deps) }, { config, store, pool, dataSource, metrics }),
});
