import { Inject, Injectable, Logger, Optional, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { mayAccessComplaint, type AuthUser } from '@complaints/auth';
import { COMPLAINT_STREAM_PREFIX, complaintIdFromStream } from '@complaints/contracts';
import type { EventStore } from '@complaints/event-store';
import type { ProjectedEvent } from '@complaints/read-model';
import { EVENT_STORE, PLATFORM_CONFIG, type PlatformConfig } from '@complaints/service-kit';
import { REPORTING_DATA_SOURCE } from '../reporting.tokens';

/**
 * What the live stream tells a dashboard about one complaint: its read model moved to
 * `version` (events folded) through the listed event types. `position` is the store
 * position of the last of those events — the stream's event id, which a client hands back
 * as `Last-Event-ID` to resume. No personal data: ids, the site, the department and event
 * type names only.
 */
export type ComplaintChange = {
  position: string;
  complaintId: string;
  version: number;
  changes: string[];
  siteId: string;
  department: string | null;
};

/** Where a complaint's read model stands: who may see it. */
type Placement = { siteId: string; department: string | null; version: number };

export type ChangeListener = (changes: ComplaintChange[]) => void;

/** Who may be told of a change: the reads' own rule — the complaint's site, and for department staff its department (before or after a reassignment). */
export const visibleTo = (user: AuthUser, change: ComplaintChange & { previousDepartment?: string | null }): boolean =>
  mayAccessComplaint(user, change) || (change.previousDepartment !== undefined && mayAccessComplaint(user, { siteId: change.siteId, department: change.previousDepartment }));

/** Largest store position first compared as numbers (positions are decimal strings, may pass 2^53). */
const byPosition = (a: { position: string }, b: { position: string }): number => {
  const x = BigInt(a.position);
  const y = BigInt(b.position);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The PostgreSQL channel on which every replica of reporting announces what it applied. */
export const CHANGE_CHANNEL = 'reporting_changes';
/** NOTIFY carries at most 8000 bytes: a batch's changes go in chunks below that. */
const MAX_NOTIFY_BYTES = 7_000;

/** The changes as NOTIFY payloads (JSON arrays), each under MAX_NOTIFY_BYTES. */
export const notifyPayloads = (changes: readonly ComplaintChange[]): string[] => {
  const payloads: string[] = [];
  let chunk: string[] = [];
  let bytes = 2;
  for (const change of changes) {
    const json = JSON.stringify(change);
    const size = Buffer.byteLength(json) + 1;
    if (chunk.length > 0 && bytes + size > MAX_NOTIFY_BYTES) {
      payloads.push(`[${chunk.join(',')}]`);
      chunk = [];
      bytes = 2;
    }
    chunk.push(json);
    bytes += size;
  }
  if (chunk.length) payloads.push(`[${chunk.join(',')}]`);
  return payloads;
};

/**
 * Announces read-model changes once the reporting projections have applied them, to the
 * live streams open in every replica of reporting (`GET /api/events/stream`), and replays
 * them for a client that comes back with a `Last-Event-ID` (a store position): the events
 * after it that the complaint view has already folded, read from the event store.
 *
 * Replicas: the replica whose consumer applied a batch sends its changes with PostgreSQL
 * NOTIFY on CHANGE_CHANNEL (after the commit, so a reader can fetch what is announced);
 * every replica LISTENs on its own connection and tells its own streams — so a client
 * connected to one replica hears of what another applied. Without that connection (not yet
 * open, or lost and reconnecting) the changes go to this replica's streams only; a client
 * that missed some while its replica was cut off catches up with Last-Event-ID when it reconnects.
 */
@Injectable()
export class ChangeFeed implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** A replay reads at most this many events; a client further behind is told to reload everything. */
  static readonly REPLAY_LIMIT = 2_000;
  private readonly listeners = new Set<ChangeListener>();
  private readonly closers = new Set<() => void>();
  private readonly logger = new Logger('live');
  private channel: Client | undefined;
  private listening = false;
  private stopping = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    @Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(PLATFORM_CONFIG) private readonly config?: PlatformConfig,
  ) {}

  /** Whether this replica hears the other replicas' announcements (LISTEN is open). */
  get hearsReplicas(): boolean {
    return this.listening;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config?.databaseUrl) await this.listen();
  }

  private async listen(): Promise<void> {
    if (this.stopping || !this.config) return;
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'reporting-live' });
    const lost = (error?: unknown) => {
      if (this.channel !== client) return;
      this.channel = undefined;
      this.listening = false;
      if (error) this.logger.warn(`live channel lost: ${error instanceof Error ? error.message : String(error)}`);
      client.end().catch(() => undefined);
      if (!this.stopping) this.retry = setTimeout(() => void this.listen(), 1_000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel !== CHANGE_CHANNEL || !message.payload) return;
      try {
        this.publish(JSON.parse(message.payload) as ComplaintChange[]);
      } catch (error) {
        this.logger.warn(`unreadable live announcement: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    this.channel = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      if (this.channel === client) this.listening = true;
    } catch (error) {
      lost(error);
    }
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  subscribe(listener: ChangeListener, close: () => void): () => void {
    this.listeners.add(listener);
    this.closers.add(close);
    return () => {
      this.listeners.delete(listener);
      this.closers.delete(close);
    };
  }

  /** Ends every open stream (the server is stopping: clients reconnect to the next one) and the LISTEN connection. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.retry) clearTimeout(this.retry);
    for (const close of [...this.closers]) close();
    this.listeners.clear();
    this.closers.clear();
    const channel = this.channel;
    this.channel = undefined;
    this.listening = false;
    await channel?.end().catch(() => undefined);
  }

  async placements(ids: string[]): Promise<Map<string, Placement>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.dataSource.query(`SELECT id::text AS id, site_id, department, version FROM reporting.complaint_view WHERE id = ANY($1::uuid[])`, [ids])) as {
      id: string;
      site_id: string;
      department: string | null;
      version: number;
    }[];
    return new Map(rows.map((r) => [r.id, { siteId: r.site_id, department: r.department, version: Number(r.version) }]));
  }

  /**
   * Called by the projections' consumer with a batch it is about to apply: returns the
   * function to call once it has been applied (announces each complaint of the batch with
   * the version its last event gives it). When this replica hears the others (LISTEN), the
   * changes are announced to all of them, whoever listens where; otherwise to this replica's
   * own streams — and then, nobody listening here, nothing is looked up (whether anyone listens
   * is asked again once applied, so a stream opened meanwhile still hears of the batch).
   */
  async beforeApply(events: readonly ProjectedEvent[]): Promise<() => Promise<void>> {
    if (events.length === 0) return async () => undefined;
    const ids = [...new Set(events.map((e) => e.key))];
    const anyone = () => this.listening || this.listeners.size > 0;
    // Where each complaint stood before (a reassignment is told to the department it leaves).
    const before = anyone() ? await this.placements(ids) : new Map<string, Placement>();
    return async () => {
      if (!anyone()) return;
      const after = await this.placements(ids);
      const changes: (ComplaintChange & { previousDepartment?: string | null })[] = [];
      for (const id of ids) {
        const placement = after.get(id);
        if (!placement) continue; // not in the view (yet): nothing a reader could fetch
        const own = events.filter((e) => e.key === id);
        const last = own.reduce((a, b) => (b.revision > a.revision ? b : a));
        const previous = before.get(id);
        changes.push({
          position: last.position,
          complaintId: id,
          version: last.revision + 1,
          changes: [...new Set(own.map((e) => e.type))],
          siteId: placement.siteId,
          department: placement.department,
          ...(previous && previous.department !== placement.department ? { previousDepartment: previous.department } : {}),
        });
      }
      await this.announce(changes.sort(byPosition));
    };
  }

  /** To every replica's streams by NOTIFY (this one's included, through its own LISTEN), or to this replica's only. */
  private async announce(changes: ComplaintChange[]): Promise<void> {
    if (changes.length === 0) return;
    if (!this.listening) return this.publish(changes);
    try {
      for (const payload of notifyPayloads(changes)) await this.dataSource.query('SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, payload]);
    } catch (error) {
      this.logger.warn(`live announcement to the other replicas failed: ${error instanceof Error ? error.message : String(error)}`);
      this.publish(changes);
    }
  }

  publish(changes: ComplaintChange[]): void {
    if (changes.length === 0) return;
    for (const listener of [...this.listeners]) listener(changes);
  }

  /**
   * The changes after `after` (a store position) that the complaint view has folded, one
   * per complaint (its latest), in store order; `complete` is false when more than
   * REPLAY_LIMIT events followed it (the client should reload everything instead).
   */
  async replay(after: bigint): Promise<{ changes: ComplaintChange[]; complete: boolean }> {
    const events = await this.store.readAll({ after, maxCount: ChangeFeed.REPLAY_LIMIT + 1, streamPrefix: COMPLAINT_STREAM_PREFIX });
    const complete = events.length <= ChangeFeed.REPLAY_LIMIT;
    const considered = events.slice(0, ChangeFeed.REPLAY_LIMIT);
    const byComplaint = new Map<string, typeof considered>();
    for (const e of considered) {
      const id = complaintIdFromStream(e.streamId);
      const own = byComplaint.get(id);
      if (own) own.push(e);
      else byComplaint.set(id, [e]);
    }
    const placements = await this.placements([...byComplaint.keys()]);
    const changes: ComplaintChange[] = [];
    for (const [id, own] of byComplaint) {
      const placement = placements.get(id);
      if (!placement) continue;
      // Only what the view has folded: the rest is announced live once it is applied.
      const applied = own.filter((e) => Number(e.revision) < placement.version);
      if (applied.length === 0) continue;
      const last = applied[applied.length - 1];
      changes.push({
        position: last.position.toString(),
        complaintId: id,
        version: Number(last.revision) + 1,
        changes: [...new Set(applied.map((e) => e.type))],
        siteId: placement.siteId,
        department: placement.department,
      });
    }
    return { changes: changes.sort(byPosition), complete };
  }
}
