import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { mayAccessComplaint, type AuthUser } from '@complaints/auth';
import { COMPLAINT_STREAM_PREFIX, complaintIdFromStream } from '@complaints/contracts';
import type { EventStore } from '@complaints/event-store';
import type { ProjectedEvent } from '@complaints/read-model';
import { EVENT_STORE } from '@complaints/service-kit';
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

/**
 * Announces read-model changes once the reporting projections have applied them, to the
 * live streams open in this process (`GET /api/events/stream`), and replays them for a
 * client that comes back with a `Last-Event-ID` (a store position): the events after it
 * that the complaint view has already folded, read from the event store.
 */
@Injectable()
export class ChangeFeed implements BeforeApplicationShutdown {
  /** A replay reads at most this many events; a client further behind is told to reload everything. */
  static readonly REPLAY_LIMIT = 2_000;
  private readonly listeners = new Set<ChangeListener>();
  private readonly closers = new Set<() => void>();

  constructor(
    @Inject(REPORTING_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

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

  /** Ends every open stream (the server is stopping: clients reconnect to the next one). */
  beforeApplicationShutdown(): void {
    for (const close of [...this.closers]) close();
    this.listeners.clear();
    this.closers.clear();
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
   * the version its last event gives it). Nobody listening: nothing is looked up — but whether
   * anyone listens is asked again once applied, so a stream opened meanwhile (whose replay
   * may have run before the commit) still hears of the batch.
   */
  async beforeApply(events: readonly ProjectedEvent[]): Promise<() => Promise<void>> {
    if (events.length === 0) return async () => undefined;
    const ids = [...new Set(events.map((e) => e.key))];
    // Where each complaint stood before (a reassignment is told to the department it leaves).
    const before = this.listeners.size > 0 ? await this.placements(ids) : new Map<string, Placement>();
    return async () => {
      if (this.listeners.size === 0) return;
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
      this.publish(changes.sort(byPosition));
    };
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
