import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { EventStore } from '@complaints/event-store';
import { RebuildStoppedError, type ProjectedEvent, type ProjectionCheckpoint, type RebuildReport } from '@complaints/read-model';
import { EVENT_STORE, PG_POOL, PLATFORM_CONFIG, type PlatformConfig } from '@complaints/service-kit';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';
import { ReportingProjections, postgresHeadPosition } from './reporting-projections';

export type ProjectionState = ProjectionCheckpoint & { description: string; running: boolean; lastReport?: RebuildReport };

/**
 * The reporting projections inside the service: applies delivered events, builds on start
 * every projection that has never been built (a new installation, or a projection added by
 * an upgrade: its rows come from the event store's whole history), and runs rebuilds
 * requested through the admin endpoint in the background.
 */
@Injectable()
export class ProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  readonly projections: ReportingProjections;
  private readonly running = new Map<string, Promise<RebuildReport>>();
  private readonly reports = new Map<string, RebuildReport>();
  private stopping = false;

  constructor(
    @Inject(REPORTING_DATA_SOURCE) dataSource: DataSource,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(PG_POOL) pool: Pool,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    const head = config.eventStore === 'postgres' ? postgresHeadPosition((sql) => pool.query<{ head: string | null }>(sql)) : undefined;
    this.projections = new ReportingProjections(dataSource, store, head);
  }

  async onApplicationBootstrap(): Promise<void> {
    const built = new Set((await this.projections.checkpoints()).filter((c) => c.status === 'live').map((c) => c.name));
    for (const projection of this.projections.projections) {
      if (built.has(projection.name)) continue;
      this.logger.log(`building ${projection.name} from the event store (never built, or its last rebuild did not finish)`);
      this.start(projection.name, { resume: true });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running.values()]);
  }

  applyLive(events: ProjectedEvent[]): Promise<Record<string, number>> {
    return this.projections.applyLive(events);
  }

  isRunning(name: string): boolean {
    return this.running.has(name);
  }

  /** Starts a rebuild in the background; the promise settles when it ends. */
  start(name: string, options: { resume?: boolean } = {}): Promise<RebuildReport> {
    const existing = this.running.get(name);
    if (existing) return existing;
    const run = this.projections
      .rebuild(name, {
        resume: options.resume,
        shouldStop: () => this.stopping,
        onProgress: (p) => {
          if (p.events % 50_000 < 2_000) this.logger.debug(`${name}: ${p.events} events`);
        },
      })
      .then((report) => {
        this.reports.set(name, report);
        this.logger.log(`${name} rebuilt: ${report.events} events, ${report.rows} rows in ${(report.elapsedMs / 1000).toFixed(1)} s (${report.eventsPerSecond} events/s)`);
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

  async states(): Promise<ProjectionState[]> {
    const checkpoints = new Map((await this.projections.checkpoints()).map((c) => [c.name, c]));
    return this.projections.projections.map((p) => {
      const checkpoint = checkpoints.get(p.name) ?? {
        name: p.name,
        position: '0',
        events: 0,
        status: 'rebuilding' as const,
        startedAt: null,
        finishedAt: null,
        updatedAt: new Date(0).toISOString(),
        lastError: null,
      };
      const lastReport = this.reports.get(p.name);
      return { ...checkpoint, description: p.description, running: this.running.has(p.name), ...(lastReport ? { lastReport } : {}) };
    });
  }
}
