import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How far a consumer group has come: the last event it handled (store position, when recorded). */
type Progress = { position: bigint; recordedAt: number };

const advance = (progress: Map<string, Progress>, name: string, events: readonly { position: string; recordedAt: string }[]): void => {
  let best = progress.get(name);
  for (const e of events) {
    const position = BigInt(e.position);
    if (!best || position > best.position) best = { position, recordedAt: Date.parse(e.recordedAt) };
  }
  if (best) progress.set(name, best);
};

/** Where the event store stands, asked at scrape time (PostgreSQL adapter: two index lookups). */
export type StoreProbe = {
  head(): Promise<bigint | undefined>;
  /** When the first event after `position` was recorded (undefined: none yet). */
  recordedAfter(position: bigint): Promise<Date | undefined>;
};

export type GroupLag = { group: string; eventsBehind: number; secondsBehind: number };

/**
 * The process's Prometheus metrics (`GET /api/metrics`): HTTP request durations per
 * route, events appended, the relay's position against the store's head, and per
 * consumer group (each projection is fed by its service's group): events handled, batch
 * sizes, dead letters, and how far behind the store it is in events and in seconds (the
 * age of the oldest event it has not handled). Nothing here holds personal data.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly progress = new Map<string, Progress>();
  private readonly projectionProgress = new Map<string, Progress>();
  private projectionLagInFlight?: Promise<GroupLag[]>;
  private probe?: StoreProbe;
  private relayPosition?: () => Promise<bigint | undefined>;
  private lagInFlight?: Promise<GroupLag[]>;

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly eventsAppended = new Counter({ name: 'complaints_events_appended_total', help: 'Events appended to the event store by this process', registers: [this.registry] });
  readonly consumerEvents = new Counter({ name: 'complaints_consumer_events_total', help: 'Events handled per consumer group', labelNames: ['group'] as const, registers: [this.registry] });
  readonly consumerBatchSize = new Histogram({
    name: 'complaints_consumer_batch_size',
    help: 'Messages per delivered batch, per consumer group',
    labelNames: ['group'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({ name: 'complaints_consumer_dead_letters_total', help: 'Messages dead-lettered per consumer group', labelNames: ['group'] as const, registers: [this.registry] });
  readonly projectionEvents = new Counter({ name: 'complaints_projection_events_applied_total', help: 'Events applied per projection (redeliveries not counted)', labelNames: ['projection'] as const, registers: [this.registry] });

  constructor(processName: string) {
    this.registry.setDefaultLabels({ process: processName });
    collectDefaultMetrics({ register: this.registry });
    const head: Gauge = new Gauge({
      name: 'complaints_event_store_head_position',
      help: "The event store's last position",
      registers: [this.registry],
      collect: async () => {
        const position = await this.probe?.head().catch(() => undefined);
        if (position !== undefined) head.set(Number(position));
      },
    });
    const relay: Gauge = new Gauge({
      name: 'complaints_relay_position',
      help: 'The position the relay has published up to (where this process runs it)',
      registers: [this.registry],
      collect: async () => {
        const position = await this.relayPosition?.().catch(() => undefined);
        if (position !== undefined) relay.set(Number(position));
      },
    });
    const eventsBehind: Gauge<'group'> = new Gauge({
      name: 'complaints_consumer_events_behind',
      help: 'Store positions between the head and the last event a consumer group handled',
      labelNames: ['group'] as const,
      registers: [this.registry],
      collect: async () => {
        for (const lag of await this.lag()) eventsBehind.set({ group: lag.group }, lag.eventsBehind);
      },
    });
    const secondsBehind: Gauge<'group'> = new Gauge({
      name: 'complaints_consumer_seconds_behind',
      help: 'Age of the oldest stored event a consumer group has not handled (0 when caught up)',
      labelNames: ['group'] as const,
      registers: [this.registry],
      collect: async () => {
        for (const lag of await this.lag()) secondsBehind.set({ group: lag.group }, lag.secondsBehind);
      },
    });
    const projectionEventsBehind: Gauge<'projection'> = new Gauge({
      name: 'complaints_projection_events_behind',
      help: 'Store positions between the head and the last event a projection applied live',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      collect: async () => {
        for (const lag of await this.projectionLag()) projectionEventsBehind.set({ projection: lag.group }, lag.eventsBehind);
      },
    });
    const projectionSecondsBehind: Gauge<'projection'> = new Gauge({
      name: 'complaints_projection_seconds_behind',
      help: 'Age of the oldest stored event a projection has not applied live (0 when caught up)',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      collect: async () => {
        for (const lag of await this.projectionLag()) projectionSecondsBehind.set({ projection: lag.group }, lag.secondsBehind);
      },
    });
  }

  setStoreProbe(probe: StoreProbe): void {
    this.probe = probe;
  }

  setRelayPosition(position: () => Promise<bigint | undefined>): void {
    this.relayPosition = position;
  }

  /** A projection has applied these events live (its batch committed); counted and tracked for its lag. */
  projectionApplied(projection: string, applied: number, events: readonly { position: string; recordedAt: string }[]): void {
    if (applied > 0) this.projectionEvents.inc({ projection }, applied);
    advance(this.projectionProgress, projection, events);
  }

  /** Lag of every projection this process has applied events to. */
  projectionLag(): Promise<GroupLag[]> {
    if (!this.projectionLagInFlight) {
      this.projectionLagInFlight = this.computeLag(Date.now(), this.projectionProgress)
        .catch(() => [])
        .finally(() => (this.projectionLagInFlight = undefined));
    }
    return this.projectionLagInFlight;
  }

  /** A consumer group has handled these events (store positions as strings, as messages carry them). */
  handled(group: string, events: readonly { position: string; recordedAt: string }[]): void {
    if (events.length === 0) return;
    this.consumerEvents.inc({ group }, events.length);
    this.consumerBatchSize.observe({ group }, events.length);
    advance(this.progress, group, events);
  }

  /** Lag of every group this process runs (a health check and a scrape at the same moment share one computation). */
  lag(): Promise<GroupLag[]> {
    if (!this.lagInFlight) {
      this.lagInFlight = this.computeLag(Date.now(), this.progress)
        .catch(() => [])
        .finally(() => (this.lagInFlight = undefined));
    }
    return this.lagInFlight;
  }

  private async computeLag(now: number, progressOf: Map<string, Progress>): Promise<GroupLag[]> {
    const probe = this.probe;
    if (!probe) return [];
    const head = await probe.head();
    if (head === undefined) return [];
    const out: GroupLag[] = [];
    for (const [group, progress] of progressOf) {
      const behind = head > progress.position ? Number(head - progress.position) : 0;
      const next = behind > 0 ? await probe.recordedAfter(progress.position) : undefined;
      out.push({ group, eventsBehind: behind, secondsBehind: next ? Math.max(0, (now - next.getTime()) / 1000) : 0 });
    }
    return out;
  }
}
