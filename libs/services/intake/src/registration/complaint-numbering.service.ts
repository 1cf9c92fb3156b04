import { Inject, Injectable } from '@nestjs/common';
import {
  complaintNumber,
  decideYearlyCounter,
  evolveYearlyCounter,
  initialYearlyCounterState,
  numberingYear,
  serialOf,
  yearlyCounterStreamName,
  type AllocateComplaintSerial,
  type ComplaintSerialAllocated,
  type YearlyCounterState,
} from '@complaints/domain';
import { handleCommand, prepareAppend, type AppendOptions, type EventStore, type EventToAppend, type RecordedEvent } from '@complaints/event-store';
import { EVENT_STORE } from '@complaints/service-kit';
import { deterministicUuid, SiteDirectory } from '@complaints/service-common';

/** Allowance for the clocks of the idempotency table and the event store differing. */
const CLOCK_SKEW_MS = 5_000;
const PAGE = 100;
/** Allocations appended together at most (one event each). */
const MAX_BATCH = 100;

/**
 * The tail of a counter stream the allocation needs, oldest first: its last event (the
 * last serial), plus — when an earlier attempt for the same complaint may already hold a
 * serial — every allocation recorded since that attempt could have started. Never the
 * whole stream: that grows with every complaint of the year and made registration cost
 * grow with it (bench/README.md, `npm run bench:system`).
 */
export const counterTail =
  (heldSince?: Date) =>
  async (store: EventStore, streamId: string): Promise<RecordedEvent[]> => {
    const tail = await store.readStream(streamId, { direction: 'backwards', maxCount: heldSince ? PAGE : 1 });
    if (heldSince && tail.length === PAGE) {
      const cutoff = heldSince.getTime() - CLOCK_SKEW_MS;
      for (let page = tail; page.length === PAGE && page[page.length - 1].recordedAt.getTime() >= cutoff && page[page.length - 1].revision > 0n; ) {
        page = await store.readStream(streamId, { direction: 'backwards', fromRevision: page[page.length - 1].revision - 1n, maxCount: PAGE });
        tail.push(...page);
      }
    }
    return tail.reverse();
  };

/** Where this process believes a counter stream stands: its last event (none: the stream is empty). */
type Cursor = { last?: Pick<RecordedEvent, 'type' | 'data' | 'revision' | 'recordedAt' | 'metadata'> };

/**
 * A serial taken for a unit of work (`EventStore.commitUnit`): the number, the counter
 * append that records it (with the expected revision), and what to tell the service once
 * the unit's outcome is known.
 */
export type SerialReservation = {
  number: string;
  append: { streamId: string; events: EventToAppend[]; options: AppendOptions };
  /** The unit committed: the serial is taken for good. */
  committed(): void;
  /** The unit did not commit: the serial was never taken; the next reservation re-reads the stream. */
  failed(): void;
};

type Waiting = { command: AllocateComplaintSerial; heldSince?: Date; resolve: (serial: number) => void; reject: (error: unknown) => void };

/** One append for a batch of allocations: each takes the next serial in turn. */
const decideBatch = (commands: AllocateComplaintSerial[], state: YearlyCounterState): ComplaintSerialAllocated[] => {
  const events: ComplaintSerialAllocated[] = [];
  let current = state;
  for (const command of commands) {
    const decided = decideYearlyCounter(command, current);
    current = decided.reduce(evolveYearlyCounter, current);
    events.push(...decided);
  }
  return events;
};

/**
 * Hands out the gap-free yearly serial of a site (see the domain's yearly-counter
 * decider): one counter stream per site and year, appended with the expected revision,
 * the allocation naming the complaint so a retry gets the same number back.
 *
 * Cost: only the stream's tail is read — the last serial, and for a retried registration
 * the allocations made since its first attempt (`heldSince`). Registrations that arrive
 * while an append is in flight queue in this process and go in the next append together
 * (one event each), so concurrent registrations at one site do not fight over the
 * stream's revision; several intake instances still meet at the expected revision.
 */
@Injectable()
export class ComplaintNumberingService {
  private readonly queues = new Map<string, Waiting[]>();

  /** Counter streams' positions as this process left them (units of work), and their loads in progress. */
  private readonly cursors = new Map<string, Cursor>();
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly sites: SiteDirectory,
  ) {}

  /** The counter stream of a site's year of registration. */
  streamFor(siteId: string, receivedAt: string): string {
    return yearlyCounterStreamName(siteId, numberingYear(receivedAt, this.sites.site(siteId).timeZone));
  }

  /**
   * Makes sure `reserve` can answer for the stream without reading: reads its last event
   * unless this process already knows where it stands (one read for all callers waiting).
   */
  async prepare(streamId: string): Promise<void> {
    while (!this.cursors.has(streamId)) {
      let load = this.loading.get(streamId);
      if (!load) {
        load = (async () => {
          try {
            const [last] = await this.store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
            this.cursors.set(streamId, { last });
          } finally {
            this.loading.delete(streamId);
          }
        })();
        this.loading.set(streamId, load);
      }
      await load;
    }
  }

  /**
   * The next serial of the site's year for a unit of work, synchronously, from where this
   * process left the counter stream (undefined: `prepare` it first). Serials taken one
   * after another chain onto each other; the store refuses any built on a stale position
   * (another instance appended, or an earlier unit failed), and `failed` makes the next
   * reservation read the stream again. Gap-free: a serial exists once its unit commits.
   */
  reserve(siteId: string, complaintId: string, receivedAt: string): SerialReservation | undefined {
    const site = this.sites.site(siteId);
    const year = numberingYear(receivedAt, site.timeZone);
    const streamId = yearlyCounterStreamName(siteId, year);
    const cursor = this.cursors.get(streamId);
    if (!cursor) return undefined;
    const command: AllocateComplaintSerial = { type: 'AllocateComplaintSerial', data: { siteId, year, complaintId }, metadata: { now: receivedAt } };
    // The counter's state depends on its last event only (the last serial). A unit always
    // takes a new serial: one for the same complaint in flight (a concurrent request with the
    // same key) or committed fails on the claim that unit carries, before its serial counts.
    const prepared = prepareAppend<YearlyCounterState, AllocateComplaintSerial, ComplaintSerialAllocated>(
      this.store,
      streamId,
      { initialState: initialYearlyCounterState, evolve: evolveYearlyCounter, decide: (c, state) => decideYearlyCounter(c, { ...state, serials: {} }) },
      command,
      cursor.last ? [cursor.last] : [],
      {
        metadata: { actor: { id: 'system:numbering', role: 'system' }, occurredAt: receivedAt, causationId: complaintId },
        eventIds: (events) => events.map((e) => deterministicUuid(`serial:${e.data.siteId}:${e.data.year}:${e.data.complaintId}`)),
      },
    );
    const serial = serialOf(prepared.finalState, complaintId);
    if (!prepared.append || serial === undefined) return undefined;
    const appended = prepared.append.events[prepared.append.events.length - 1];
    const next: Cursor = {
      last: {
        type: appended.type,
        data: appended.data,
        revision: (cursor.last?.revision ?? -1n) + 1n,
        recordedAt: typeof appended.metadata.recordedAt === 'string' ? new Date(appended.metadata.recordedAt) : new Date(),
        metadata: appended.metadata,
      },
    };
    this.cursors.set(streamId, next);
    return {
      number: complaintNumber(site.code, receivedAt, serial, site.timeZone),
      append: prepared.append,
      committed: () => undefined,
      failed: () => {
        // Units built on this one fail too; whoever reserves next starts from the store.
        this.cursors.delete(streamId);
      },
    };
  }

  /**
   * @param heldSince when a retried registration (same Idempotency-Key, same complaint id)
   *   first started: an allocation for it can only have been recorded after that. Omit it
   *   for a freshly made complaint id, which cannot hold a serial yet.
   */
  async allocate(siteId: string, complaintId: string, receivedAt: string, heldSince?: Date): Promise<string> {
    const site = this.sites.site(siteId);
    const year = numberingYear(receivedAt, site.timeZone);
    const command: AllocateComplaintSerial = { type: 'AllocateComplaintSerial', data: { siteId, year, complaintId }, metadata: { now: receivedAt } };
    const streamId = yearlyCounterStreamName(siteId, year);
    const serial = await new Promise<number>((resolve, reject) => {
      const queue = this.queues.get(streamId);
      if (queue) {
        queue.push({ command, heldSince, resolve, reject });
        return;
      }
      this.queues.set(streamId, [{ command, heldSince, resolve, reject }]);
      void this.drain(streamId);
    });
    return complaintNumber(site.code, receivedAt, serial, site.timeZone);
  }

  /** Appends what is queued for the stream, batch by batch, until the queue is empty. */
  private async drain(streamId: string): Promise<void> {
    for (;;) {
      const queue = this.queues.get(streamId) ?? [];
      if (queue.length === 0) {
        this.queues.delete(streamId);
        return;
      }
      const batch = queue.splice(0, MAX_BATCH);
      try {
        const serials = await this.append(streamId, batch);
        this.cursors.delete(streamId); // appended outside the units of work: their next reservation re-reads
        for (const waiting of batch) {
          const serial = serials.get(waiting.command.data.complaintId);
          if (serial === undefined) waiting.reject(new Error(`no serial allocated for ${waiting.command.data.complaintId}`));
          else waiting.resolve(serial);
        }
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
  }

  private async append(streamId: string, batch: Waiting[]): Promise<Map<string, number>> {
    const since = batch.map((w) => w.heldSince).filter((d): d is Date => d !== undefined);
    const heldSince = since.length ? new Date(Math.min(...since.map((d) => d.getTime()))) : undefined;
    const first = batch[0].command;
    const result = await handleCommand<YearlyCounterState, AllocateComplaintSerial[], ComplaintSerialAllocated>(
      this.store,
      streamId,
      { initialState: initialYearlyCounterState, evolve: evolveYearlyCounter, decide: decideBatch },
      batch.map((w) => w.command),
      {
        metadata: { actor: { id: 'system:numbering', role: 'system' }, occurredAt: first.metadata.now, causationId: first.data.complaintId },
        eventIds: (events) => events.map((e) => deterministicUuid(`serial:${e.data.siteId}:${e.data.year}:${e.data.complaintId}`)),
        maxAttempts: 50,
        readHistory: counterTail(heldSince),
      },
    );
    return new Map(batch.map((w) => [w.command.data.complaintId, serialOf(result.state, w.command.data.complaintId) as number]).filter(([, serial]) => serial !== undefined) as [string, number][]);
  }
}
