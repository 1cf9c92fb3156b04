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
import { handleCommand, type EventStore, type RecordedEvent } from '@complaints/event-store';
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

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly sites: SiteDirectory,
  ) {}

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
