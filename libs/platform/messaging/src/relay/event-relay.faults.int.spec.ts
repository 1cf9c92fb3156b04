import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync, type WriteStream } from 'node:fs';
import { join, relative } from 'node:path';
import { Client } from 'pg';
import { chainEvents, GENESIS_HASH, PostgresEventStore, verifyChain, type EventToAppend } from '@complaints/event-store';
import { createTestDatabase, eventually, kafkaBrokers, kafkaSkipReason, workspaceRoot, type TestDatabase } from '@complaints/testing';
import { KafkaMessageBus } from '../kafka/kafka-message-bus';
import { processedEventsTableSql } from '../consumer/apply-once';

/**
 * The relay fault tests of issue 3, with real OS processes on the real Kafka broker and
 * real PostgreSQL: a relay process (event store → Kafka) and a consumer process (Kafka →
 * applyOnce into PostgreSQL) are SIGKILLed and restarted again and again while thousands
 * of events are appended to hundreds of complaint streams. At the end every stored event
 * must have been applied exactly once, in stream order, and the relay's checkpoint must
 * stand at the last position.
 *
 * The two processes run the compiled libraries (fault-workers/*.cjs through
 * tools/runtime-paths.cjs), so `npm run build` must have run (`npm test` does it).
 */
const brokers = kafkaBrokers();
const describeKafka = brokers ? describe : describe.skip;
if (!brokers) console.warn(`\n*** relay fault tests (SIGKILLed relay and consumer processes) SKIPPED: ${kafkaSkipReason()} ***\n`);

const WORKERS = join(workspaceRoot, 'libs/platform/messaging/fault-workers');
const LOG_DIR = join(workspaceRoot, 'tmp', 'relay-fault-logs');
const SCHEMA = 'fault';
const CONSUMER = 'fault-consumer';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The worker processes run the compiled libraries: fail when they are missing, and warn
 * loudly when a source is newer than its compiled file (an incremental `tsc` leaves an
 * unchanged file's output alone, so an old timestamp alone does not prove it stale).
 */
const checkDist = () => {
  const missing: string[] = [];
  const older: string[] = [];
  for (const lib of ['libs/platform/messaging/src', 'libs/platform/event-store/src', 'libs/contracts/src']) {
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.contract.ts')) {
          const compiled = join(workspaceRoot, 'dist', relative(workspaceRoot, path)).replace(/\.ts$/, '.js');
          if (!existsSync(compiled)) missing.push(relative(workspaceRoot, path));
          else if (statSync(compiled).mtimeMs < statSync(path).mtimeMs) older.push(relative(workspaceRoot, path));
        }
      }
    };
    walk(join(workspaceRoot, lib));
  }
  if (missing.length) throw new Error(`dist/ has no compiled ${missing.join(', ')}: run \`npm run build\` first (npm test does)`);
  if (older.length) console.warn(`\n*** relay fault tests: these sources are newer than their compiled files under dist/, which the worker processes run — \`npm run build\` if they changed: ${older.join(', ')} ***\n`);
};

type Line = { pid: number; at: number; text: string };

/** A worker script as its own OS process that can be SIGKILLed and started again. */
class WorkerProcess {
  private child?: ChildProcess;
  private log?: WriteStream;
  readonly lines: Line[] = [];
  readonly pids: number[] = [];
  kills = 0;

  constructor(
    readonly label: string,
    private readonly script: string,
    private readonly env: Record<string, string>,
  ) {}

  get pid(): number {
    return this.child?.pid ?? -1;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  linesOf(pid: number): string[] {
    return this.lines.filter((l) => l.pid === pid).map((l) => l.text);
  }

  /** Starts the process and resolves once it printed `ready`. */
  async start(): Promise<void> {
    mkdirSync(LOG_DIR, { recursive: true });
    this.log ??= createWriteStream(join(LOG_DIR, `${this.label}-${Date.now()}.log`), { flags: 'a' });
    const child = spawn(process.execPath, ['-r', join(workspaceRoot, 'tools/runtime-paths.cjs'), join(WORKERS, this.script)], {
      cwd: workspaceRoot,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const pid = child.pid ?? -1;
    this.pids.push(pid);
    let buffered = '';
    const onData = (chunk: Buffer) => {
      this.log?.write(chunk.toString('utf8').replace(/^(?=.)/gm, `[${pid}] `));
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const text of parts) this.lines.push({ pid, at: Date.now(), text });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${this.label} exited with ${child.exitCode}: ${this.linesOf(pid).slice(-5).join(' | ')}`);
        return this.linesOf(pid).includes('ready') ? true : undefined;
      },
      `${this.label} (pid ${pid}) to start`,
      30_000,
      25,
    );
  }

  /** A crash: SIGKILL, nothing runs on the way out. Resolves once the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) throw new Error(`${this.label} is not running, nothing to kill`);
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    this.kills++;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && this.running) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    this.log?.end();
    this.log = undefined;
  }
}

type Fixture = {
  db: TestDatabase;
  store: PostgresEventStore;
  sql: Client;
  topic: string;
  env: Record<string, string>;
  teardown(): Promise<void>;
};

const setUp = async (label: string): Promise<Fixture> => {
  const db = await createTestDatabase(label);
  const store = new PostgresEventStore({ connectionString: db.url });
  await store.migrate();
  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  await sql.query(processedEventsTableSql(SCHEMA));
  await sql.query(`
    CREATE TABLE ${SCHEMA}.stream_counters (stream_id text PRIMARY KEY, applied int NOT NULL, last_revision int NOT NULL, out_of_order int NOT NULL);
    CREATE TABLE ${SCHEMA}.deliveries (id bigserial PRIMARY KEY, event_id uuid NOT NULL, relay_pid int NOT NULL, consumer_pid int NOT NULL,
                                       kafka_partition int NOT NULL, kafka_offset bigint NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());`);
  const topic = `faults-${randomUUID().slice(0, 8)}.events.v1`;
  // Both processes see the same topic from the start (6 partitions, the bus's default).
  const bus = new KafkaMessageBus({ brokers: brokers ?? [], clientId: `fault-setup-${label}` });
  await bus.ensureTopics([topic]);
  await bus.close();
  const env = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: (brokers ?? []).join(','),
    TOPIC: topic,
    GROUP_ID: `${topic}.consumer`,
    SCHEMA,
    RELAY_NAME: 'fault-relay',
    BATCH_SIZE: '200',
    STANDBY_RETRY_MS: '300',
    // The broker's minimum: a SIGKILLed consumer stalls its group for this long.
    SESSION_TIMEOUT_MS: '6000',
  };
  return {
    db,
    store,
    sql,
    topic,
    env,
    teardown: async () => {
      await sql.end().catch(() => undefined);
      await store.close().catch(() => undefined);
      await db.drop();
    },
  };
};

type Stream = { id: string; planned: number; appended: number; lastHash: string };

const newStreams = (count: number, events: number): Stream[] =>
  Array.from({ length: count }, (_, i) => ({
    id: `complaint-${randomUUID()}`,
    planned: Math.floor(events / count) + (i < events % count ? 1 : 0),
    appended: 0,
    lastHash: GENESIS_HASH,
  }));

/**
 * Appends every stream's planned events, 1–3 per append with the exact expected revision
 * and the hash chain, from `writers` concurrent writers (each owning a share of the
 * streams), paced to take about `durationMs`.
 */
const appendAll = async (store: PostgresEventStore, streams: Stream[], writers: number, durationMs: number): Promise<number> => {
  const total = streams.reduce((n, s) => n + s.planned - s.appended, 0);
  const appendsPerWriter = Math.max(1, Math.ceil(total / 2 / writers));
  const started = Date.now();
  let appended = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const mine = streams.filter((_, i) => i % writers === w);
      for (let k = 0; ; k++) {
        const open = mine.filter((s) => s.appended < s.planned);
        if (open.length === 0) return;
        const stream = open[k % open.length];
        const size = Math.min(1 + ((k + w) % 3), stream.planned - stream.appended);
        const batch: EventToAppend[] = Array.from({ length: size }, (_, j) => ({
          id: randomUUID(),
          type: 'ComplaintNoteAdded',
          data: { n: stream.appended + j, note: `第${stream.appended + j}条` },
          metadata: {
            actor: { id: `writer-${w}`, role: 'cs_assistant' },
            occurredAt: new Date().toISOString(),
            correlationId: randomUUID(),
            causationId: randomUUID(),
          },
        }));
        const chained = chainEvents(stream.lastHash, batch);
        await store.appendToStream(stream.id, chained, { expectedRevision: stream.appended === 0 ? 'no_stream' : BigInt(stream.appended - 1) });
        stream.appended += size;
        stream.lastHash = chained[chained.length - 1].metadata.hash as string;
        appended += size;
        const due = started + ((k + 1) * durationMs) / appendsPerWriter;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    }),
  );
  return appended;
};

describeKafka('Relay and consumer processes SIGKILLed repeatedly on the real broker and PostgreSQL', () => {
  const fixtures: Fixture[] = [];
  const workers: WorkerProcess[] = [];

  beforeAll(() => checkDist());

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await Promise.all(fixtures.splice(0).map((f) => f.teardown()));
  });

  const count = async (sql: Client, query: string, params: unknown[] = []): Promise<number> => Number((await sql.query<{ n: string }>(query, params)).rows[0].n);

  const checkpoint = async (sql: Client): Promise<bigint | undefined> => {
    const { rows } = await sql
      .query<{ position: string }>(`SELECT position FROM messaging.relay_checkpoints WHERE name = 'fault-relay'`)
      .catch(() => ({ rows: [] as { position: string }[] }));
    return rows.length ? BigInt(rows[0].position) : undefined;
  };

  /**
   * Waits until the consumer applied `total` events and the relay checkpoint reached the
   * store's last position. Fails early, with the numbers, when nothing has moved for 15 s
   * (longer than a consumer group's stall after a crash): events are then lost, not late.
   */
  const drain = async (f: Fixture, total: number, timeoutMs: number): Promise<bigint> => {
    const last = BigInt((await f.sql.query<{ p: string }>(`SELECT max(position) AS p FROM event_store.events`)).rows[0].p);
    const started = Date.now();
    let seen = '';
    let movedAt = Date.now();
    for (;;) {
      const processed = await count(f.sql, `SELECT count(*) AS n FROM ${SCHEMA}.processed_events WHERE consumer = $1`, [CONSUMER]);
      const at = await checkpoint(f.sql);
      if (processed >= total && at === last) return last;
      const state = `${processed} of ${total} events applied, relay checkpoint ${at ?? 'none'} of ${last}`;
      if (state !== seen) [seen, movedAt] = [state, Date.now()];
      if (Date.now() - movedAt > 15_000) throw new Error(`no progress for 15 s: ${state}`);
      if (Date.now() - started > timeoutMs) throw new Error(`not drained after ${timeoutMs} ms: ${state}`);
      await sleep(200);
    }
  };

  /** The exactly-once, in-order, nothing-lost assertions shared by both tests. */
  const assertEverythingAppliedOnce = async (f: Fixture, streams: Stream[], total: number, last: bigint) => {
    const { sql } = f;
    // Nothing new arrives after a pause: no late double application.
    await sleep(1_500);
    expect(await count(sql, `SELECT count(*) AS n FROM event_store.events`)).toBe(total);
    expect(await count(sql, `SELECT count(*) AS n FROM ${SCHEMA}.processed_events WHERE consumer = $1`, [CONSUMER])).toBe(total);
    // Every stored event id is among the processed ones (and so nothing else is).
    expect(
      await count(
        sql,
        `SELECT count(*) AS n FROM event_store.events e
          WHERE NOT EXISTS (SELECT 1 FROM ${SCHEMA}.processed_events p WHERE p.consumer = $1 AND p.event_id = e.event_id)`,
        [CONSUMER],
      ),
    ).toBe(0);
    // Every effect once: each stream's counter equals its number of events, and the
    // events were applied in revision order (no gap, no step back).
    const { rows } = await sql.query<{ stream_id: string; applied: number; last_revision: number; out_of_order: number }>(
      `SELECT stream_id, applied, last_revision, out_of_order FROM ${SCHEMA}.stream_counters`,
    );
    const byStream = new Map(rows.map((r) => [r.stream_id, r]));
    expect(byStream.size).toBe(streams.length);
    const wrong = streams.filter((s) => {
      const row = byStream.get(s.id);
      return !row || row.applied !== s.planned || row.last_revision !== s.planned - 1 || row.out_of_order !== 0;
    });
    expect(wrong.map((s) => ({ stream: s.id, planned: s.planned, got: byStream.get(s.id) }))).toEqual([]);
    expect(rows.reduce((n, r) => n + r.applied, 0)).toBe(total);
    expect(await checkpoint(sql)).toBe(last);
    // The history the auditors rely on is intact.
    for (const s of streams) expect(verifyChain(await f.store.readStream(s.id))).toEqual({ valid: true, events: s.planned });
  };

  it('should deliver every one of 4,000 events and apply each exactly once while the relay and the consumer are SIGKILLed and restarted every 1.5 s', async () => {
    const f = await setUp('relay_faults');
    fixtures.push(f);
    const relay = new WorkerProcess('relay', 'relay-worker.cjs', f.env);
    const consumer = new WorkerProcess('consumer', 'consumer-worker.cjs', f.env);
    workers.push(relay, consumer);
    await Promise.all([relay.start(), consumer.start()]);

    const total = 4_000;
    const streams = newStreams(300, total);
    const started = Date.now();
    const timeline: string[] = [];
    const at = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
    let appending = true;
    const appender = appendAll(f.store, streams, 4, 20_000).finally(() => {
      appending = false;
      timeline.push(`${at()} all appended`);
    });

    // Crashes while events are being appended: the relay every 1.5 s, ten times; the
    // consumer three times, each time once its previous incarnation has rejoined the
    // group (a SIGKILLed member stalls its group for the session timeout, 6 s here).
    const crash = async (victim: WorkerProcess) => {
      const pid = victim.pid;
      await victim.kill();
      timeline.push(`${at()} ${victim.label} ${pid} SIGKILLed${appending ? '' : ' (appends done)'}`);
      await victim.start();
      timeline.push(`${at()} ${victim.label} ${victim.pid} up`);
    };
    const relayKiller = (async () => {
      for (let i = 0; i < 10; i++) {
        await sleep(1_500);
        await crash(relay);
      }
    })();
    const consumerKiller = (async () => {
      await sleep(2_000);
      for (let i = 0; i < 3; i++) {
        await crash(consumer);
        await sleep(1_500);
      }
    })();
    const appended = await appender;
    const appendedAfter = Date.now() - started;
    await Promise.all([relayKiller, consumerKiller]);
    console.log(`relay fault test timeline: ${timeline.join('; ')}`);
    expect(appended).toBe(total);
    expect(relay.kills).toBe(10);
    expect(consumer.kills).toBe(3);

    const last = await drain(f, total, 60_000);
    const drainedAfter = Date.now() - started;
    await assertEverythingAppliedOnce(f, streams, total, last);

    const deliveries = await count(f.sql, `SELECT count(*) AS n FROM ${SCHEMA}.deliveries`);
    const published = await count(f.sql, `SELECT count(DISTINCT relay_pid) AS n FROM ${SCHEMA}.deliveries`);
    expect(deliveries).toBeGreaterThanOrEqual(total);
    console.log(
      `relay fault test: ${total} events in ${streams.length} streams appended in ${(appendedAfter / 1000).toFixed(1)} s; ` +
        `relay SIGKILLed ${relay.kills}× (${relay.pids.length} processes, ${published} of them published), consumer SIGKILLed ${consumer.kills}× ` +
        `(${consumer.pids.length} processes); ${deliveries} deliveries, ${deliveries - total} redelivered duplicates skipped; ` +
        `all applied exactly once, checkpoint ${last}, after ${(drainedAfter / 1000).toFixed(1)} s`,
    );
  }, 120_000);

  it('should publish from one relay of two at a time (advisory-lock leader) and lose nothing when the leader is SIGKILLed and the stand-by takes over', async () => {
    const f = await setUp('relay_leader');
    fixtures.push(f);
    const consumer = new WorkerProcess('consumer', 'consumer-worker.cjs', f.env);
    const first = new WorkerProcess('relay-a', 'relay-worker.cjs', f.env);
    const second = new WorkerProcess('relay-b', 'relay-worker.cjs', f.env);
    workers.push(consumer, first, second);
    await consumer.start();
    await first.start();
    await eventually(async () => (first.linesOf(first.pid).some((l) => l.includes('leading')) ? true : undefined), 'relay-a to lead', 15_000, 25);
    await second.start();
    const leaders = () =>
      [first, second]
        .flatMap((w) => w.lines.filter((l) => l.text.includes('leading')).map((l) => ({ pid: l.pid, at: l.at })))
        .sort((a, b) => a.at - b.at);

    // Phase 1: both relays run; only the leader publishes.
    const streams = newStreams(100, 1_000);
    expect(await appendAll(f.store, streams, 2, 2_000)).toBe(1_000);
    await drain(f, 1_000, 30_000);
    const leaderA = first.pid;
    const standbyB = second.pid;
    expect(leaders().map((l) => l.pid)).toEqual([leaderA]);
    expect(await count(f.sql, `SELECT count(*) AS n FROM ${SCHEMA}.deliveries WHERE relay_pid = $1`, [standbyB])).toBe(0);
    expect(await count(f.sql, `SELECT count(*) AS n FROM ${SCHEMA}.deliveries WHERE relay_pid <> $1`, [leaderA])).toBe(0);

    // Phase 2: more events while the leader dies; the stand-by takes over, the killed
    // one comes back as the stand-by, and then the new leader dies too.
    for (const s of streams) s.planned += 5;
    const more = newStreams(100, 1_000);
    const all = [...streams, ...more];
    const appender = appendAll(f.store, all, 2, 6_000);
    await sleep(1_500);
    await first.kill();
    await eventually(async () => (leaders().some((l) => l.pid === standbyB) ? true : undefined), 'relay-b to take over', 10_000, 25);
    await first.start();
    await sleep(1_500);
    await second.kill();
    await eventually(async () => (leaders().some((l) => l.pid === first.pid) ? true : undefined), 'the restarted relay-a to take over', 10_000, 25);
    const total = 1_000 + 500 + 1_000;
    expect(await appender).toBe(total - 1_000);

    const last = await drain(f, total, 45_000);
    await assertEverythingAppliedOnce(f, all, total, last);
    // Leadership went A → B → A′, one at a time, and only leaders published.
    expect(leaders().map((l) => l.pid)).toEqual([leaderA, standbyB, first.pid]);
    const publishers = (await f.sql.query<{ relay_pid: number }>(`SELECT DISTINCT relay_pid FROM ${SCHEMA}.deliveries ORDER BY 1`)).rows.map((r) => r.relay_pid);
    expect(publishers.every((pid) => [leaderA, standbyB, first.pid].includes(pid))).toBe(true);
    console.log(
      `relay leader test: ${total} events; leaders ${leaders()
        .map((l) => l.pid)
        .join(' → ')}; ${await count(f.sql, `SELECT count(*) AS n FROM ${SCHEMA}.deliveries`)} deliveries; all applied exactly once, checkpoint ${last}`,
    );
  }, 120_000);
});
