import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  MONTHLY_PACK_STREAM_PREFIX,
  YEAR_SEAL_STREAM_PREFIX,
  monthlyPackDecider,
  monthlyPackStreamName,
  yearSealDecider,
  yearSealStreamName,
  type Actor,
  type ComplaintPolicy,
  type MonthlyPackCommand,
  type MonthlyPackEvent,
  type MonthlyPackState,
  type Role,
  type YearSealCommand,
  type YearSealEvent,
  type YearSealState,
} from '@complaints/domain';
import { handleCommand, type EventStore } from '@complaints/event-store';
import { ProjectionRunner, RebuildInProgressError, type ProjectedEvent, type StreamProjection } from '@complaints/read-model';
import { ComplaintCommandRunner, ComplaintPersonalData, SiteDirectory } from '@complaints/service-common';
import { CLOCK, EVENT_STORE, type ActingUser, type Clock } from '@complaints/service-kit';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';
import { buildMonthlyPack } from '../monthly-report/monthly-report.query';
import { monthlyReportPdf } from '../monthly-report/export/monthly-report.pdf';
import { staffOf } from '../monthly-report/monthly-report.controller';
import { buildYearlyArchive, selectYearlyArchive, type ArchiveManifest } from '../archive/yearly-archive';
import { tarArchive } from '../archive/tar.util';
import { REPORTING_SCHEMA } from '../projections/reporting-projections';
import { monthlyPackProjection, recordsEventSource, yearSealProjection } from './records.projections';
import { storeSnapshot } from './record-snapshots';

/** The actor the records scheduler signs with. */
export const RECORDS_SCHEDULER_ACTOR: Actor = { id: 'system:records-scheduler', role: 'system', name: 'Records scheduler' };

export const actorOf = (user: ActingUser): Actor => ({ id: user.id, role: user.role as Role, ...(user.name ? { name: user.name } : {}) });

const PLACEHOLDER_SHA = '0'.repeat(64);

export type SealOutcome = { sealed: boolean; edition: number | null; manifest: ArchiveManifest | null; state: YearSealState };

/**
 * The records desk (issue 15 §6–7): the monthly packs' snapshots and sign-off, and the
 * year-end seal with its retention. Every decision is the domain's (`monthlyPackDecider`,
 * `yearSealDecider`, `ArchiveComplaint`, `ErasePersonalData`); this service builds the bytes,
 * stores them under their hash, appends the decided events and brings the read models up to date.
 */
@Injectable()
export class RecordsService {
  private readonly logger = new Logger('records');
  private readonly packs: ProjectionRunner;
  private readonly seals: ProjectionRunner;
  /** How far this process has caught up on each records stream family (global position; 0 after a start). */
  private readonly caughtUp = new Map<string, bigint>();

  constructor(
    @Inject(REPORTING_DATA_SOURCE) readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly sites: SiteDirectory,
    private readonly complaints: ComplaintCommandRunner,
    private readonly personalData: ComplaintPersonalData,
  ) {
    this.packs = new ProjectionRunner(dataSource, REPORTING_SCHEMA, recordsEventSource(store, MONTHLY_PACK_STREAM_PREFIX));
    this.seals = new ProjectionRunner(dataSource, REPORTING_SCHEMA, recordsEventSource(store, YEAR_SEAL_STREAM_PREFIX));
  }

  now(): Date {
    return this.clock.now();
  }

  /** The policy in force at the site, in the site's time zone. */
  policy(siteId: string): ComplaintPolicy {
    return { ...this.sites.policy(siteId), timeZone: this.sites.site(siteId).timeZone };
  }

  // ── read models ────────────────────────────────────────────────────────────

  /** Builds a records projection never built yet (new installation or upgrade). */
  async ensureBuilt(): Promise<void> {
    for (const [runner, projection] of [
      [this.packs, monthlyPackProjection],
      [this.seals, yearSealProjection],
    ] as const) {
      const checkpoint = await runner.checkpoint(projection.name);
      if (checkpoint?.status === 'live') continue;
      try {
        await runner.rebuild(projection as StreamProjection<unknown>);
      } catch (error) {
        // Another instance is building it: its rows will be there; this one catches up on its ticks.
        if (!(error instanceof RebuildInProgressError)) throw error;
      }
    }
  }

  /** Applies every records event this process has not applied yet (appended by another process, or before a crash). */
  async catchUp(): Promise<void> {
    for (const [runner, projection, prefix] of [
      [this.packs, monthlyPackProjection, MONTHLY_PACK_STREAM_PREFIX],
      [this.seals, yearSealProjection, YEAR_SEAL_STREAM_PREFIX],
    ] as const) {
      const source = recordsEventSource(this.store, prefix);
      // readAll stops below any transaction still open, so nothing is skipped by moving on.
      let after = this.caughtUp.get(prefix) ?? 0n;
      for (;;) {
        const batch = await source.readAll(after, 500);
        if (batch.length === 0) break;
        await runner.applyLiveBatch(projection as StreamProjection<unknown>, batch.map(source.toProjected).filter((e): e is ProjectedEvent => e !== undefined));
        after = batch[batch.length - 1].position;
        this.caughtUp.set(prefix, after);
      }
    }
  }

  private async project(streamId: string, kind: 'pack' | 'seal'): Promise<void> {
    const prefix = kind === 'pack' ? MONTHLY_PACK_STREAM_PREFIX : YEAR_SEAL_STREAM_PREFIX;
    const events = await recordsEventSource(this.store, prefix).readStream(streamId);
    if (kind === 'pack') await this.packs.applyLiveBatch(monthlyPackProjection, events);
    else await this.seals.applyLiveBatch(yearSealProjection, events);
  }

  // ── the monthly pack ───────────────────────────────────────────────────────

  private async runPack(command: MonthlyPackCommand, correlationId?: string): Promise<{ state: MonthlyPackState; newEvents: MonthlyPackEvent[] }> {
    const streamId = monthlyPackStreamName(command.data.siteId, command.data.month);
    const context = { policy: this.policy(command.data.siteId) };
    const result = await handleCommand<MonthlyPackState, MonthlyPackCommand, MonthlyPackEvent>(
      this.store,
      streamId,
      { initialState: monthlyPackDecider.initialState, evolve: monthlyPackDecider.evolve, decide: (c, s) => monthlyPackDecider.decide(c, s, context) },
      command,
      {
        metadata: { actor: { id: command.metadata.actor.id, role: command.metadata.actor.role }, occurredAt: command.metadata.now, correlationId: correlationId ?? randomUUID(), commandType: command.type },
        eventIds: (events) => events.map(() => randomUUID()),
      },
    );
    if (result.newEvents.length > 0) await this.project(streamId, 'pack');
    return { state: result.state, newEvents: result.newEvents };
  }

  async packState(siteId: string, month: string): Promise<MonthlyPackState> {
    const events = await this.store.readStream(monthlyPackStreamName(siteId, month));
    return events.reduce((s, e) => monthlyPackDecider.evolve(s, { type: e.type, data: e.data } as unknown as MonthlyPackEvent), monthlyPackDecider.initialState());
  }

  /**
   * Generates a site's pack of `month` once: the JSON and PDF as they are now, stored under
   * their SHA-256, then `MonthlyPackGenerated` naming both. Refused (by the domain) before the
   * month is over or for a role outside management; a pack already generated is left as it is.
   */
  async generatePack(siteId: string, month: string, actor: Actor): Promise<{ generated: boolean; state: MonthlyPackState }> {
    const now = this.clock.now();
    const existing = await this.packState(siteId, month);
    const command = (files: { format: string; sha256: string; bytes: number }[]): MonthlyPackCommand => ({ type: 'GenerateMonthlyPack', data: { siteId, month, files }, metadata: { now: now.toISOString(), actor } });
    // Ask the domain first with a placeholder file: a refusal costs no PDF.
    monthlyPackDecider.decide(command([{ format: 'pdf', sha256: PLACEHOLDER_SHA, bytes: 1 }]), existing, { policy: this.policy(siteId) });
    if (existing.status !== 'none') return { generated: false, state: existing };
    const site = this.sites.site(siteId);
    const policy = this.policy(siteId);
    const pack = await buildMonthlyPack(this.dataSource, {
      level: 'site',
      month,
      asOf: now,
      generatedAt: now,
      groupPolicy: this.sites.policy('*'),
      sites: [{ id: site.id, name: site.name, regionId: site.regionId, timeZone: site.timeZone, policy, staff: staffOf(site) }],
    });
    const json = Buffer.from(`${JSON.stringify(pack, null, 2)}\n`, 'utf8');
    const pdf = await monthlyReportPdf(pack);
    const files = [
      { format: 'pdf', ...(await storeSnapshot(this.dataSource, pdf, 'application/pdf', now)) },
      { format: 'json', ...(await storeSnapshot(this.dataSource, json, 'application/json; charset=utf-8', now)) },
    ];
    const result = await this.runPack(command(files));
    if (result.newEvents.length > 0) this.logger.log(`monthly pack ${siteId} ${month} generated (pdf ${files[0].sha256})`);
    return { generated: result.newEvents.length > 0, state: result.state };
  }

  async signOffPack(siteId: string, month: string, sha256: string, note: string | undefined, actor: Actor, correlationId?: string): Promise<MonthlyPackState> {
    const result = await this.runPack({ type: 'SignOffMonthlyPack', data: { siteId, month, sha256, ...(note ? { note } : {}) }, metadata: { now: this.clock.now().toISOString(), actor } }, correlationId);
    return result.state;
  }

  /** Chases an unsigned pack past its due day (at most once per site-local day). */
  async chasePack(siteId: string, month: string): Promise<boolean> {
    const result = await this.runPack({ type: 'ChaseMonthlyPackSignOff', data: { siteId, month }, metadata: { now: this.clock.now().toISOString(), actor: RECORDS_SCHEDULER_ACTOR } });
    for (const event of result.newEvents) {
      if (event.type === 'MonthlyPackSignOffChased') {
        // The chase is on the pack's stream and on the records page; the relay makes it a notice (notice.packSignOffChase).
        this.logger.warn(`monthly pack ${siteId} ${month} not signed off (due ${event.data.dueBy}): chasing ${event.data.notifyRoles.join(', ')}`);
      }
    }
    return result.newEvents.length > 0;
  }

  // ── the year seal ──────────────────────────────────────────────────────────

  private async runSeal(command: YearSealCommand, correlationId?: string): Promise<{ state: YearSealState; newEvents: YearSealEvent[] }> {
    const streamId = yearSealStreamName(command.data.siteId, command.data.year);
    const context = { policy: this.policy(command.data.siteId) };
    const result = await handleCommand<YearSealState, YearSealCommand, YearSealEvent>(
      this.store,
      streamId,
      { initialState: yearSealDecider.initialState, evolve: yearSealDecider.evolve, decide: (c, s) => yearSealDecider.decide(c, s, context) },
      command,
      {
        metadata: { actor: { id: command.metadata.actor.id, role: command.metadata.actor.role }, occurredAt: command.metadata.now, correlationId: correlationId ?? randomUUID(), commandType: command.type },
        eventIds: (events) => events.map(() => randomUUID()),
      },
    );
    if (result.newEvents.length > 0) await this.project(streamId, 'seal');
    return { state: result.state, newEvents: result.newEvents };
  }

  async sealState(siteId: string, year: number): Promise<YearSealState> {
    const events = await this.store.readStream(yearSealStreamName(siteId, year));
    return events.reduce((s, e) => yearSealDecider.evolve(s, { type: e.type, data: e.data } as unknown as YearSealEvent), yearSealDecider.initialState());
  }

  /** The closed complaints the year's archive holds (the archive's own selection, from the complaint view: no stream is read). */
  private async closedOfYear(siteId: string, year: number): Promise<{ id: string; number: string; major: boolean }[]> {
    const rows = await selectYearlyArchive(this.dataSource, { siteId, year, timeZone: this.sites.site(siteId).timeZone });
    return rows.map((r) => ({ id: String(r.id), number: r.number, major: r.major === true }));
  }

  /**
   * Seals a site's year (装订封存): each closed complaint of the year not sealed yet gets its
   * `ComplaintArchived` (the domain's rule, with a key per site, year and complaint so a retry
   * or a second scheduler seals nothing twice); then the archive (every stream, with the
   * manifest, its root hash and the signed root) is built, stored under its SHA-256, and
   * `YearSealed` records it with each record's retention. Sealing again adds an edition only
   * when records were closed into the year since.
   */
  async sealYear(siteId: string, year: number, actor: Actor, correlationId?: string): Promise<SealOutcome> {
    const now = this.clock.now();
    const existing = await this.sealState(siteId, year);
    const selected = await this.closedOfYear(siteId, year);
    const records = selected.map((c) => ({ complaintId: c.id, number: c.number, major: c.major }));
    const dryRun = yearSealDecider.decide(
      { type: 'SealYear', data: { siteId, year, rootHash: PLACEHOLDER_SHA, archiveSha256: PLACEHOLDER_SHA, bytes: 1, records }, metadata: { now: now.toISOString(), actor } },
      existing,
      { policy: this.policy(siteId) },
    );
    if (dryRun.length === 0) return { sealed: false, edition: existing.editions.length || null, manifest: null, state: existing };
    for (const complaint of selected) {
      // Read from its stream, not the read model (which may lag): a complaint sealed already is left as it is.
      const state = await this.complaints.stateOf(complaint.id);
      if (state.exists && state.archived) continue;
      await this.complaints.run(
        complaint.id,
        { type: 'ArchiveComplaint', data: { year }, metadata: { now: now.toISOString(), actor, correlationId } },
        { idempotencyKey: `year-seal:${siteId}:${year}:${complaint.id}`, context: { policy: this.policy(siteId) }, correlationId },
      );
    }
    // Built after the ComplaintArchived events: the archive holds each stream up to its seal.
    const bundle = await buildYearlyArchive(this.dataSource, this.store, { siteId, year, timeZone: this.sites.site(siteId).timeZone, now, policy: this.policy(siteId) });
    const tar = tarArchive(
      bundle.files.map((f) => ({ path: `${bundle.directory}/${f.path}`, content: f.content })),
      new Date(bundle.manifest.createdAt),
    );
    const stored = await storeSnapshot(this.dataSource, tar, 'application/x-tar', now);
    const result = await this.runSeal(
      {
        type: 'SealYear',
        data: {
          siteId,
          year,
          rootHash: bundle.manifest.rootHash,
          rootMac: bundle.manifest.rootMac ?? null,
          archiveSha256: stored.sha256,
          bytes: stored.bytes,
          records: bundle.manifest.files.map((f) => ({ complaintId: f.complaintId, number: f.number, major: f.major })),
        },
        metadata: { now: now.toISOString(), actor },
      },
      correlationId,
    );
    const sealed = result.newEvents.length > 0;
    if (sealed) this.logger.log(`year ${year} of ${siteId} sealed: ${bundle.manifest.complaints} complaints, root ${bundle.manifest.rootHash}`);
    return { sealed, edition: result.state.editions.length || null, manifest: sealed ? bundle.manifest : null, state: result.state };
  }

  /**
   * Purges sealed records whose earliest purge date has come (the domain refuses any other,
   * naming it). The event store is append-only, so what a purge can do is: record the decision
   * (`SealedRecordsPurged`), erase the complainant's personal data (`ErasePersonalData`, then the
   * data key is destroyed: crypto-shredding, so every copy — the store, Kafka, the archives —
   * reads "[erased]"), and mark the record purged in the sealed-records read model. The
   * events themselves, with their hash chain, stay.
   */
  async purge(siteId: string, year: number, complaintIds: string[], reason: string, actor: Actor, correlationId?: string): Promise<YearSealState> {
    const now = this.clock.now().toISOString();
    const command: YearSealCommand = { type: 'PurgeSealedRecords', data: { siteId, year, complaintIds, reason }, metadata: { now, actor } };
    const existing = await this.sealState(siteId, year);
    const decided = yearSealDecider.decide(command, existing, { policy: this.policy(siteId) });
    const toPurge = decided.flatMap((e) => (e.type === 'SealedRecordsPurged' ? e.data.complaintIds : []));
    for (const id of toPurge) {
      await this.complaints.run(id, { type: 'ErasePersonalData', data: { reason: `retention elapsed: ${reason}` }, metadata: { now, actor, correlationId } }, {
        idempotencyKey: `year-seal-purge:${siteId}:${year}:${id}`,
        context: { policy: this.policy(siteId) },
        correlationId,
      });
      await this.personalData.erase(id);
    }
    return (await this.runSeal(command, correlationId)).state;
  }

  /** A system-run variant for the scheduler. */
  sealYearBySchedule(siteId: string, year: number): Promise<SealOutcome> {
    return this.sealYear(siteId, year, { ...RECORDS_SCHEDULER_ACTOR });
  }
}

