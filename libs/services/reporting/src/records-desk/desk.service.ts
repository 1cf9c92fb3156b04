import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { complaintStreamId } from '@complaints/contracts';
import {
  createWorkingCalendar,
  foldComplaint,
  reviewWeeklyChecks,
  typicalCaseDecider,
  disclosureDecider,
  weeklyCheckDecider,
  weeklyCheckStreamName,
  type Complaint,
  type ComplaintEvent,
  type WeeklyCheckCommand,
  type WeeklyCheckState,
} from '@complaints/domain';
import { handleCommand, type EventStore, type RecordedEvent } from '@complaints/event-store';
import { ProjectionRunner, advanceCheckpoint, fromRecordedEvent, type ProjectedEvent, type ProjectionSource } from '@complaints/read-model';
import { ComplaintPersonalData, SiteDirectory, deterministicUuid } from '@complaints/service-common';
import { CLOCK, EVENT_STORE, PLATFORM_CONFIG, type Clock, type PlatformConfig } from '@complaints/service-kit';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';
import { REPORTING_SCHEMA } from '../projections/reporting-projections';
import { ProjectionService } from '../projections/projection.service';
import { DESK_PROJECTIONS, type DeskProjection } from './desk.projections';

type AnyDecider = { initialState: () => unknown; evolve: (s: never, e: never) => unknown; decide: (c: never, s: never) => { type: string; data: object }[] };

/**
 * A desk projection's events from the store. `readAll` reads every stream and keeps the
 * projection's own: a prefix filter in the store would scan all the complaint events after
 * the position on every call when desk events are rare; reading in order and passing over
 * the others costs each event once.
 */
const sourceFor = (store: EventStore, prefix: string): ProjectionSource => {
  const toProjected = (e: RecordedEvent): ProjectedEvent | undefined => (e.streamId.startsWith(prefix) ? fromRecordedEvent(e, e.streamId) : undefined);
  return {
    readAll: (after, maxCount) => store.readAll({ after, maxCount }),
    readStream: async (streamId) => (await store.readStream(streamId)).map(toProjected).filter((e): e is ProjectedEvent => e !== undefined),
    toProjected,
  };
};

const SCAN_BATCH = 500;

/**
 * The records desk inside reporting (issue 15 items 3–5): its commands append to streams of
 * its own (`case-…`, `disclosure-…`, `record-check-…`) through the domain's deciders and the
 * hash-chained `handleCommand`; its read models are StreamProjections in the reporting schema,
 * built from the event store on the first start (in the background) and then kept by one
 * catch-up loop reading the store in global order (those streams are not complaint events, so
 * the bus does not carry them); each projection's checkpoint moves with it.
 * After its own command the service applies the stream at once, so the next read sees it.
 * The weekly-check scheduler runs here too: the chase steps are deterministic events, so two
 * processes or a restart never chase twice.
 */
@Injectable()
export class RecordsDeskService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('records-desk');
  private readonly runners = new Map<string, { projection: DeskProjection<unknown>; runner: ProjectionRunner }>();
  private timer?: NodeJS.Timeout;
  private stopping = false;
  private scanning?: Promise<void>;
  private wake?: () => void;
  /** How often the catch-up loop looks for new events (ms). */
  static pollIntervalMs = 1_000;
  /** How often the weekly-check scheduler looks (ms) where the scheduler is enabled (SCHEDULER_ENABLED, as for the deadline scheduler). */
  static schedulerIntervalMs = 60_000;

  constructor(
    @Inject(REPORTING_DATA_SOURCE) readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sites: SiteDirectory,
    private readonly personalData: ComplaintPersonalData,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly projectionService: ProjectionService,
  ) {
    for (const projection of DESK_PROJECTIONS) {
      this.runners.set(projection.streamPrefix, { projection, runner: new ProjectionRunner(dataSource, REPORTING_SCHEMA, sourceFor(store, projection.streamPrefix)) });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    // Build what was never built, in the background once the other reporting projections' first
    // builds are done, one at a time: a rebuild holds a pooled connection for its lock and takes
    // another for each write, and the reporting pool is small (awaited here, or beside those
    // builds, it starved the pool and the service never answered). Then follow the store.
    this.scanning = (async () => {
      await new Promise((r) => setTimeout(r, 500)); // let the other projections' first builds begin
      while (!this.stopping && this.projectionService.projections.projections.some((p) => this.projectionService.isRunning(p.name))) await new Promise((r) => setTimeout(r, 200));
      for (const { projection, runner } of this.runners.values()) {
        if (this.stopping) return;
        if ((await runner.checkpoint(projection.name))?.status !== 'live') await runner.rebuild(projection, { resume: true, shouldStop: () => this.stopping });
      }
      const positions = await Promise.all([...this.runners.values()].map(async ({ projection, runner }) => BigInt((await runner.checkpoint(projection.name))?.position ?? '0')));
      await this.scan(positions.reduce((x, y) => (y < x ? y : x)));
    })().catch((error: unknown) => {
      if (!this.stopping) this.logger.error(`records desk projections stopped: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (this.config.schedulerEnabled && RecordsDeskService.schedulerIntervalMs > 0) {
      this.timer = setInterval(() => void this.runScheduler().catch((e: unknown) => this.logger.warn(`weekly-check scheduler: ${e instanceof Error ? e.message : String(e)}`)), RecordsDeskService.schedulerIntervalMs);
      this.timer.unref();
    }
  }

  /** The catch-up loop: reads the store in order from `after`, applies each desk projection's events, moves its checkpoint. */
  private async scan(after: bigint): Promise<void> {
    let position = after;
    while (!this.stopping) {
      try {
        const batch = await this.store.readAll({ after: position > 0n ? position : undefined, maxCount: SCAN_BATCH });
        if (batch.length > 0) {
          await this.applyScanned(batch);
          position = batch[batch.length - 1].position;
          if (batch.length === SCAN_BATCH) continue;
        }
      } catch (error) {
        if (this.stopping) break;
        this.logger.warn(`records desk catch-up: ${error instanceof Error ? error.message : String(error)}; trying again`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, RecordsDeskService.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private lastAdvance = 0;

  /**
   * Applies a read batch's desk events. The checkpoints (where the next start resumes) move in
   * one transaction when the batch held desk events, else at most every 30 s: the reporting
   * pool is small and shared with the complaint projections, and re-reading a few seconds of
   * events after a restart changes nothing (applied ids and row versions skip them).
   */
  private async applyScanned(batch: readonly RecordedEvent[]): Promise<void> {
    const last = batch[batch.length - 1].position.toString();
    let applied = 0;
    for (const [prefix, { projection, runner }] of this.runners) {
      const events = batch.filter((e) => e.streamId.startsWith(prefix)).map((e) => fromRecordedEvent(e, e.streamId));
      if (events.length > 0) applied += await runner.applyLiveBatch(projection, events);
    }
    if (applied === 0 && Date.now() - this.lastAdvance < 30_000) return;
    this.lastAdvance = Date.now();
    await this.dataSource.transaction(async (manager) => {
      for (const { projection } of this.runners.values()) await advanceCheckpoint(manager, REPORTING_SCHEMA, projection.name, last, 0);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.wake?.();
    await this.scanning;
  }

  now(): string {
    return this.clock.now().toISOString();
  }

  /** Folds a stream's stored events into its read model now (idempotent: applied ids are skipped). */
  async refresh(streamId: string): Promise<void> {
    for (const [prefix, { projection, runner }] of this.runners) {
      if (!streamId.startsWith(prefix)) continue;
      const events = await this.store.readStream(streamId);
      await runner.applyLiveBatch(projection, events.map((e) => fromRecordedEvent(e, e.streamId)));
    }
  }

  /** Decides a desk command on its stream, appends the events hash-chained, and refreshes the read model. */
  async execute<C extends { type: string; metadata: { actor: { id: string; role: string } } }>(
    streamId: string,
    decider: AnyDecider,
    command: C,
    options: { correlationId?: string; eventId?: (type: string, i: number) => string } = {},
  ): Promise<{ type: string; data: object }[]> {
    const commandId = randomUUID();
    const result = await handleCommand(this.store, streamId, decider as never, command as never, {
      metadata: {
        actor: { id: command.metadata.actor.id, role: command.metadata.actor.role },
        occurredAt: (command.metadata as { now?: string }).now,
        correlationId: options.correlationId ?? commandId,
        causationId: commandId,
        commandType: command.type,
      },
      eventIds: (events: { type: string }[]) => events.map((e, i) => options.eventId?.(e.type, i) ?? randomUUID()),
    });
    if (result.newEvents.length > 0) await this.refresh(streamId);
    return result.newEvents as { type: string; data: object }[];
  }

  /** A complaint's current state from its own stream (the source of truth), with the complainant opened. */
  async complaint(complaintId: string): Promise<Complaint | undefined> {
    const events = await this.store.readStream(complaintStreamId(complaintId));
    const state = foldComplaint(events.map((e) => ({ type: e.type, data: e.data }) as unknown as ComplaintEvent));
    if (!state.exists) return undefined;
    const [opened] = await this.personalData.openComplaints([state]);
    return opened;
  }

  /** Complaint states (complainant opened) of the complaint view, for a site and a time window of receipt. */
  async complaintsOfSite(siteId: string, receivedBefore: string, receivedFrom?: string, openOnlyBefore = false): Promise<Complaint[]> {
    const rows: { state: Complaint }[] = await this.dataSource.query(
      `SELECT state FROM reporting.complaint_view
        WHERE site_id = $1 AND received_at <= $2
          AND ($3::timestamptz IS NULL OR received_at >= $3 ${openOnlyBefore ? "OR status IN ('registered','triaged','in_progress','reopened','resolved')" : ''})`,
      [siteId, receivedBefore, receivedFrom ?? null],
    );
    return this.personalData.openComplaints(rows.map((r) => r.state));
  }

  readonly deciders = { typicalCase: typicalCaseDecider, disclosure: disclosureDecider, weeklyCheck: weeklyCheckDecider };

  /** One pass of the weekly-check scheduler over every site: the chase steps now due (domain rule `reviewWeeklyChecks`). */
  async runScheduler(): Promise<number> {
    let chased = 0;
    const now = this.clock.now().toISOString();
    // The configured sites and every site that has complaints (a site need not be configured to take them).
    const seen: { site_id: string }[] = await this.dataSource.query(`SELECT DISTINCT site_id FROM reporting.complaint_view`);
    const siteIds = [...new Set([...this.sites.allSites().map((s) => s.id), ...seen.map((r) => r.site_id)])];
    for (const site of siteIds.map((id) => this.sites.site(id))) {
      const rows: { week: string; state: WeeklyCheckState }[] = await this.dataSource.query(`SELECT week, state FROM reporting.weekly_check WHERE site_id = $1`, [site.id]);
      const checks = Object.fromEntries(rows.map((r) => [r.week, r.state]));
      const commands = reviewWeeklyChecks({ siteId: site.id, now, calendar: createWorkingCalendar({ timeZone: site.timeZone }), policy: this.sites.policy(site.id), checks });
      for (const command of commands) {
        const events = await this.execute(weeklyCheckStreamName(site.id, command.data.week), weeklyCheckDecider as AnyDecider, command as WeeklyCheckCommand, {
          eventId: (type, i) => deterministicUuid(`event:${command.data.key}:${i}:${type}`),
        });
        chased += events.length;
        if (events.length) this.logger.log(`weekly check ${site.id} ${command.data.week} chased to ${command.data.to} (level ${command.data.level})`);
      }
    }
    return chased;
  }
}
