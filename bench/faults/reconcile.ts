import { foldComplaint, type ComplaintEvent, type ComplaintState } from '@complaints/domain';
import { chainKeyFrom, verifyChain } from '@complaints/event-store';
import { TEST_PERSONAL_DATA_KEY } from '../../tests/e2e/src/support/five-process-system';
import { deadLetterTopic, notificationFromEvent, topicNames } from '@complaints/contracts';
import type { FaultSystem } from './system';
import { readTopic } from './kafka-tools';
import { progress, seconds, sleep } from './harness';

/** One line of the reconciliation report. */
export type Check = { check: string; expected: string; found: string; ok: boolean; detail?: string };

/** A poison message that must come out in the dead-letter topic once per consumer group reading its topic. */
export type ExpectedDeadLetter = { topic: string; poisonId: string; groups: string[] };

const COMPLAINT_STREAM_SQL = `stream_id ~ '^complaint-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`;
/** The notice a stored event calls for — the relay's own rule (contracts), so the check follows every new kind of notice. */
const noticeOf = (e: { id: string; type: string; data: Record<string, unknown>; streamId: string }) => notificationFromEvent(e, e.streamId.slice('complaint-'.length));
export const EVENT_GROUPS = ['intake', 'triage', 'handling', 'callback', 'reporting'];
export const NOTIFICATION_GROUPS = ['notifier'];

/** Every consumer's processed-events table: schema, consumer name, which stored events it must hold. */
export const CONSUMERS: { schema: string; consumer: string; wants: (event: StoredEvent) => boolean }[] = [
  // Every service's projections record the ids of every complaint event they were delivered, by projection name.
  { schema: 'intake', consumer: 'contact-index', wants: () => true },
  { schema: 'triage', consumer: 'triage-inbox', wants: () => true },
  { schema: 'handling', consumer: 'handling-cases', wants: () => true },
  { schema: 'handling', consumer: 'deadline-timers', wants: () => true },
  { schema: 'callback', consumer: 'callback-tasks', wants: () => true },
  { schema: 'reporting', consumer: 'complaint-view', wants: () => true },
  { schema: 'reporting', consumer: 'department-dashboard', wants: () => true },
  { schema: 'reporting', consumer: 'monthly-report', wants: () => true },
  { schema: 'handling', consumer: 'notifier', wants: (e) => noticeOf(e) !== undefined },
];

export type StoredEvent = { id: string; streamId: string; revision: number; position: bigint; type: string; data: Record<string, unknown>; metadata: Record<string, unknown>; recordedAt: Date };

const safeRows = async <R>(system: FaultSystem, sql: string, params: unknown[] = []): Promise<R[]> => {
  try {
    return (await system.pool.query(sql, params)).rows as R[];
  } catch (error) {
    if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '3F000') return []; // table or schema never created
    throw error;
  }
};

/** The numbers the drain watches: the store's head, the relay checkpoint, each consumer's count. */
export const pipelineState = async (system: FaultSystem) => {
  const [head] = await safeRows<{ n: string; intake: string; notifying: string; head: string | null }>(
    system,
    `SELECT count(*) AS n, count(*) FILTER (WHERE type IN ('ComplaintRegistered','ComplaintTriaged')) AS intake,
            count(*) FILTER (WHERE type IN ('DeadlineChased','ComplaintEscalated','ComplaintMarkedMajor')
                             OR (type = 'ComplaintClosed' AND data->'informFirstContactOwner'->>'id' IS NOT NULL)) AS notifying, max(position)::text AS head
       FROM event_store.events WHERE ${COMPLAINT_STREAM_SQL}`,
  );
  const [checkpoint] = await safeRows<{ position: string }>(system, `SELECT position::text AS position FROM messaging.relay_checkpoints WHERE name = 'complaint-events'`);
  const processed: Record<string, number> = {};
  for (const c of CONSUMERS) {
    const [row] = await safeRows<{ n: string }>(system, `SELECT count(*) AS n FROM ${c.schema}.processed_events WHERE consumer = $1`, [c.consumer]);
    processed[c.consumer] = Number(row?.n ?? 0);
  }
  const expected: Record<string, number> = {};
  for (const c of CONSUMERS) expected[c.consumer] = c.consumer === 'notifier' ? Number(head?.notifying ?? 0) : Number(head?.n ?? 0);
  return { events: Number(head?.n ?? 0), head: BigInt(head?.head ?? '0'), checkpoint: BigInt(checkpoint?.position ?? '0'), processed, expected };
};

/**
 * Waits until the system is quiet: every stored complaint event published (relay checkpoint at
 * the head) and applied by every consumer, the scheduler with nothing left to do, and no new
 * event for a few polls. Gives up when nothing has moved for `stallMs` (then the reconciliation
 * shows what is missing). Returns the ms it took.
 */
export const drain = async (system: FaultSystem, stallMs: number): Promise<{ ms: number; settled: boolean }> => {
  const started = Date.now();
  let last = '';
  let movedAt = Date.now();
  let quietPolls = 0;
  let reportedAt = 0;
  for (;;) {
    let state: Awaited<ReturnType<typeof pipelineState>> | undefined;
    try {
      state = await pipelineState(system);
    } catch (error) {
      progress(`drain: cannot read the database yet (${(error as Error).message})`);
    }
    if (state) {
      const behind = Object.keys(state.expected).filter((c) => state.processed[c] < state.expected[c]);
      const summary = `${state.events} events, relay ${state.checkpoint}/${state.head}, ${Object.keys(state.expected)
        .map((c) => `${c} ${state.processed[c]}/${state.expected[c]}`)
        .join(', ')}`;
      if (summary !== last) [last, movedAt] = [summary, Date.now()];
      const caughtUp = behind.length === 0 && state.checkpoint >= state.head;
      quietPolls = caughtUp && Date.now() - movedAt >= 4_000 ? quietPolls + 1 : 0;
      if (quietPolls >= 2) return { ms: Date.now() - started, settled: true };
      if (Date.now() - reportedAt > 10_000) {
        reportedAt = Date.now();
        progress(`drain: ${summary}`);
      }
      if (Date.now() - movedAt > stallMs) {
        progress(`drain: nothing moved for ${seconds(stallMs)} s; reconciling as is (${summary})`);
        return { ms: Date.now() - started, settled: false };
      }
    }
    await sleep(1_000);
  }
};

const check = (name: string, expected: number, found: number, detail?: string, ok = expected === found): Check => ({
  check: name,
  expected: expected.toLocaleString('en-US'),
  found: found.toLocaleString('en-US'),
  ok,
  ...(detail ? { detail } : {}),
});

const CHAIN_KEY = chainKeyFrom(TEST_PERSONAL_DATA_KEY);

const sample = (items: string[]): string | undefined => (items.length ? `${items.length} wrong, e.g. ${items.slice(0, 3).join('; ')}` : undefined);

const loadStreams = async (system: FaultSystem): Promise<Map<string, StoredEvent[]>> => {
  const streams = new Map<string, StoredEvent[]>();
  let after = '0';
  for (;;) {
    const { rows } = await system.pool.query<{ pos: string; event_id: string; stream_id: string; stream_revision: string; type: string; data: Record<string, unknown>; metadata: Record<string, unknown>; recorded_at: Date }>(
      `SELECT position::text AS pos, event_id, stream_id, stream_revision::text AS stream_revision, type, data, metadata, recorded_at
         FROM event_store.events WHERE position > $1::bigint AND ${COMPLAINT_STREAM_SQL} ORDER BY events.position LIMIT 10000`,
      [after],
    );
    if (rows.length === 0) break;
    for (const r of rows) {
      const list = streams.get(r.stream_id) ?? [];
      list.push({ id: r.event_id, streamId: r.stream_id, revision: Number(r.stream_revision), position: BigInt(r.pos), type: r.type, data: r.data, metadata: r.metadata, recordedAt: r.recorded_at });
      streams.set(r.stream_id, list);
    }
    after = rows[rows.length - 1].pos;
  }
  for (const list of streams.values()) list.sort((a, b) => a.revision - b.revision);
  return streams;
};

export type ReconcileInput = {
  registered: string[];
  deadLetters: ExpectedDeadLetter[];
  brokers: string[];
  schedulerIntervalMs: number;
};

/** The reconciliation of the event store against every read model and consumer effect. */
export const reconcile = async (system: FaultSystem, input: ReconcileInput): Promise<{ checks: Check[]; streams: number; events: number }> => {
  const checks: Check[] = [];
  const streams = await loadStreams(system);
  const all = [...streams.values()].flat();
  const byComplaint = new Map<string, { events: StoredEvent[]; state: ComplaintState }>();
  for (const [streamId, events] of streams) {
    byComplaint.set(streamId.slice('complaint-'.length), { events, state: foldComplaint(events.map((e) => ({ type: e.type, data: e.data }) as ComplaintEvent)) });
  }
  progress(`reconcile: ${streams.size} complaint streams, ${all.length} events`);

  // The event store itself.
  const missing = input.registered.filter((id) => !byComplaint.has(id));
  checks.push(check('event store: every accepted registration has its stream', input.registered.length, input.registered.length - missing.length, sample(missing)));
  const broken: string[] = [];
  for (const [streamId, events] of streams) {
    // The services sign the chain with a key derived from PERSONAL_DATA_KEY (no CHAIN_KEY set here).
    const verdict = verifyChain(
      events.map((e) => ({ ...e, revision: BigInt(e.revision) })),
      { key: CHAIN_KEY, streamId },
    );
    if (!verdict.valid) broken.push(`${streamId} at ${verdict.brokenAt} (${verdict.reason})`);
    if (events.some((e, i) => e.revision !== i)) broken.push(`${streamId}: revisions not 0..n-1`);
  }
  checks.push(check('event store: hash chains verify (and revisions are gap-free)', streams.size, streams.size - broken.length, sample(broken)));
  const head = all.reduce((m, e) => (e.position > m ? e.position : m), 0n);
  const [cp] = await safeRows<{ position: string }>(system, `SELECT position::text AS position FROM messaging.relay_checkpoints WHERE name = 'complaint-events'`);
  const checkpoint = BigInt(cp?.position ?? '0');
  checks.push({ check: 'relay: checkpoint at (or past) the last complaint event', expected: `≥ ${head}`, found: String(checkpoint), ok: checkpoint >= head });

  // Every consumer's processed-events table: each stored event it must apply, exactly those.
  for (const c of CONSUMERS) {
    const expected = new Set(all.filter((e) => c.wants(e)).map((e) => e.id));
    const rows = await safeRows<{ event_id: string }>(system, `SELECT event_id FROM ${c.schema}.processed_events WHERE consumer = $1`, [c.consumer]);
    const processed = new Set(rows.map((r) => r.event_id));
    const absent = [...expected].filter((id) => !processed.has(id));
    const extra = [...processed].filter((id) => !expected.has(id));
    checks.push(
      check(
        `${c.schema}.processed_events (${c.consumer}): each event id once`,
        expected.size,
        expected.size - absent.length,
        absent.length || extra.length || rows.length !== processed.size ? `missing ${absent.length}, unexpected ${extra.length}, duplicate rows ${rows.length - processed.size}` : undefined,
        absent.length === 0 && extra.length === 0 && rows.length === processed.size,
      ),
    );
  }

  // Reporting read models: same last revision (version) and status as the event store.
  for (const table of ['complaint_view', 'dashboard_case', 'report_complaint']) {
    const rows = await safeRows<{ id: string; version: number; status: string }>(system, `SELECT id, version, status FROM reporting.${table}`);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const wrong: string[] = [];
    for (const [id, { events, state }] of byComplaint) {
      const row = byId.get(id);
      const status = state.exists ? state.status : 'none';
      if (!row) wrong.push(`${id} missing`);
      else if (row.version !== events.length || row.status !== status) wrong.push(`${id}: version ${row.version}/${events.length}, status ${row.status}/${status}`);
    }
    checks.push(check(`reporting.${table}: row at the stream's last revision and status`, byComplaint.size, byComplaint.size - wrong.length, sample(wrong), wrong.length === 0 && rows.length === byComplaint.size));
  }

  // The writing services' own complaint records: one increment per event, so a double apply shows.
  for (const [schema, table] of [
    ['triage', 'inbox'],
    ['handling', 'cases'],
    ['callback', 'cases'],
  ] as const) {
    const rows = await safeRows<{ complaint_id: string; events_seen: number; last_event: string }>(system, `SELECT complaint_id, events_seen, last_event FROM ${schema}.${table}`);
    const byId = new Map(rows.map((r) => [r.complaint_id, r]));
    const wrong: string[] = [];
    for (const [id, { events }] of byComplaint) {
      const row = byId.get(id);
      if (!row) wrong.push(`${id} missing`);
      else if (row.events_seen !== events.length || row.last_event !== events[events.length - 1].type)
        wrong.push(`${id}: events_seen ${row.events_seen}/${events.length}, last ${row.last_event}/${events[events.length - 1].type}`);
    }
    checks.push(check(`${schema}.${table}: events_seen = stream length, last event matches`, byComplaint.size, byComplaint.size - wrong.length, sample(wrong), wrong.length === 0 && rows.length === byComplaint.size));
  }

  // Intake's contact index: one row per registration with a phone, with the triaged category.
  {
    const rows = await safeRows<{ complaint_id: string; category: string }>(system, `SELECT complaint_id, category FROM intake.contact_index`);
    const byId = new Map(rows.map((r) => [r.complaint_id, r]));
    const wanted = [...byComplaint].filter(([, { events }]) => {
      const c = (events[0].data.complainant ?? {}) as { phone?: string | null; anonymous?: boolean | null };
      return events[0].type === 'ComplaintRegistered' && !!c.phone && !c.anonymous;
    });
    const wrong: string[] = [];
    for (const [id, { events }] of wanted) {
      const row = byId.get(id);
      const triaged = [...events].reverse().find((e) => e.type === 'ComplaintTriaged');
      if (!row) wrong.push(`${id} missing`);
      else if (triaged && row.category !== triaged.data.category) wrong.push(`${id}: category ${row.category}/${String(triaged.data.category)}`);
    }
    checks.push(check('intake.contact_index: a row per registration with a phone (triaged category)', wanted.length, wanted.length - wrong.length, sample(wrong), wrong.length === 0 && rows.length === wanted.length));
  }

  // Callback tasks: one per resolved complaint, one round per resolution, status from the last callback event.
  {
    const rows = await safeRows<{ complaint_id: string; round: number; status: string }>(system, `SELECT complaint_id, round, status FROM callback.tasks`);
    const byId = new Map(rows.map((r) => [r.complaint_id, r]));
    const wrong: string[] = [];
    let wanted = 0;
    for (const [id, { events }] of byComplaint) {
      const resolutions = events.filter((e) => e.type === 'ComplaintResolved').length;
      if (!resolutions) continue;
      wanted++;
      const last = [...events].reverse().find((e) => ['ComplaintResolved', 'CallbackCompleted', 'CallbackExempted'].includes(e.type));
      const status = last?.type === 'CallbackCompleted' ? 'done' : last?.type === 'CallbackExempted' ? 'exempt' : 'open';
      const row = byId.get(id);
      if (!row) wrong.push(`${id} missing`);
      else if (row.round !== resolutions || row.status !== status) wrong.push(`${id}: round ${row.round}/${resolutions}, status ${row.status}/${status}`);
    }
    checks.push(check('callback.tasks: a task per resolved complaint, one round per resolution', wanted, wanted - wrong.length, sample(wrong), wrong.length === 0 && rows.length === wanted));
  }

  // Handling's deadline timers: one per complaint at its current version; none left overdue.
  {
    const rows = await safeRows<{ complaint_id: string; version: number; next_check_at: Date | null }>(system, // The next check in force: the projection's, unless the scheduler snoozed this version (or a later one).
      `SELECT t.complaint_id, t.version, CASE WHEN s.complaint_id IS NULL THEN t.next_check_at ELSE s.until END AS next_check_at
         FROM handling.deadline_timers t LEFT JOIN handling.deadline_snoozes s ON s.complaint_id = t.complaint_id AND s.version >= t.version`);
    const byId = new Map(rows.map((r) => [r.complaint_id, r]));
    const wrong: string[] = [];
    for (const [id, { state }] of byComplaint) {
      const row = byId.get(id);
      if (!state.exists) continue;
      if (!row) wrong.push(`${id} missing`);
      else if (row.version !== state.version) wrong.push(`${id}: version ${row.version}/${state.version}`);
      else if (state.status === 'closed' && row.next_check_at !== null) wrong.push(`${id}: closed but next check ${row.next_check_at.toISOString()}`);
    }
    checks.push(check('handling.deadline_timers: a timer per complaint at its current version', byComplaint.size, byComplaint.size - wrong.length, sample(wrong), wrong.length === 0 && rows.length === byComplaint.size));
    const now = await system.handlingNow();
    const overdue = rows.filter((r) => r.next_check_at && r.next_check_at.getTime() < now.getTime() - 30_000 - 3 * input.schedulerIntervalMs);
    checks.push(
      check(
        'scheduler: timers left overdue (not reviewed)',
        0,
        overdue.length,
        sample(overdue.map((r) => `${r.complaint_id} due ${r.next_check_at?.toISOString()} (handling clock ${now.toISOString()})`)),
      ),
    );
  }

  // The scheduler issues each chase and escalation once.
  {
    const keys = new Map<string, number>();
    for (const e of all) if ((e.type === 'DeadlineChased' || e.type === 'ComplaintEscalated') && typeof e.data.key === 'string') keys.set(`${e.streamId}/${e.data.key}`, (keys.get(`${e.streamId}/${e.data.key}`) ?? 0) + 1);
    const twice = [...keys].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
    checks.push(check(`scheduler: chases and escalations issued once per deadline key (${keys.size} keys)`, 0, twice.length, sample(twice)));
  }

  // Notifications: one delivery per notifying event.
  {
    const wanted = new Map(all.flatMap((e) => {
      const notice = noticeOf(e);
      return notice ? [[e.id, notice.kind] as const] : [];
    }));
    const rows = await safeRows<{ event_id: string; kind: string }>(system, `SELECT event_id, kind FROM handling.notifications`);
    const seen = new Set(rows.map((r) => r.event_id));
    const wrong = [...wanted.keys()].filter((id) => !seen.has(id)).map((id) => `${id} not delivered`);
    for (const r of rows) {
      const kind = wanted.get(r.event_id);
      if (!kind) wrong.push(`${r.event_id} delivered but no such notifying event`);
      else if (kind !== r.kind) wrong.push(`${r.event_id}: kind ${r.kind}/${kind}`);
    }
    checks.push(check('handling.notifications: one per notice the events call for (chase, escalation, major, outcome)', wanted.size, rows.length, sample(wrong), wrong.length === 0 && rows.length === wanted.size));
  }

  // Dead-letter topics: exactly the poison messages, once per consumer group of their topic.
  const topics = topicNames(system.topicPrefix);
  for (const topic of [topics.complaintEvents, topics.notifications]) {
    const dlq = deadLetterTopic(topic);
    const expected = new Map<string, number>();
    for (const d of input.deadLetters.filter((x) => x.topic === topic)) for (const g of d.groups) expected.set(`${d.poisonId}|${g}`, 0);
    let found: Awaited<ReturnType<typeof readTopic>> = [];
    let error = '';
    try {
      found = await readTopic(input.brokers, dlq);
    } catch (e) {
      error = (e as Error).message;
    }
    const unexpected: string[] = [];
    for (const m of found) {
      const k = `${m.headers['fault-poison'] ?? '?'}|${m.headers['dlq-consumer-group'] ?? '?'}`;
      if (expected.has(k)) expected.set(k, (expected.get(k) ?? 0) + 1);
      else unexpected.push(`group ${m.headers['dlq-consumer-group']} key ${m.key} event ${m.headers['event-id'] ?? '-'}: ${(m.headers['dlq-error'] ?? '').slice(0, 120)}`);
    }
    const once = [...expected.values()].filter((n) => n === 1).length;
    const wrong = [...[...expected].filter(([, n]) => n !== 1).map(([k, n]) => `${k} ×${n}`), ...unexpected];
    checks.push(
      check(`${dlq}: exactly the poison messages (one per consumer group)`, expected.size, found.length, error || sample(wrong), !error && wrong.length === 0 && once === expected.size && found.length === expected.size),
    );
  }

  // Nothing crashed by itself (kills by the harness are not counted).
  const exits = Object.values(system.services).flatMap((s) => s.unexpectedExits.map((x) => `${s.name} ${x}`));
  checks.push(check('service processes: exits nobody caused', 0, exits.length, sample(exits)));
  return { checks, streams: streams.size, events: all.length };
};
