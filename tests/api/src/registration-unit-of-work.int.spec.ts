import { InProcessSystem } from './support/in-process-system';

/**
 * Registration as one unit of work (pipeline issue, "one commit per command"): the
 * idempotency claim, the serial's allocation, the complainant's data key and the
 * complaint's events commit together, grouped with the registrations arriving at the same
 * time — through the composed API on a real PostgreSQL.
 */
const system = new InProcessSystem();
const body = (i: number, extra: Record<string, unknown> = {}) => ({
  siteId: 'site-a',
  channel: 'phone',
  complainant: { name: `住户${i}`, phone: `1390000${String(i).padStart(4, '0')}`, building: '5', unit: `${100 + i}` },
  title: `单元测试 ${i}`,
  description: '一次提交',
  ...extra,
});
const register = (i: number, key?: string, extra: Record<string, unknown> = {}) =>
  system.request('POST', '/api/complaints', { username: 'assistant.a', body: body(i, extra), headers: key ? { 'idempotency-key': key } : {} });
const serialOf = (number: unknown) => Number(String(number).split('-')[2]);

/** Per registered complaint: its claim, its serial's allocation, its data key, its events. */
const footprint = async () => {
  const { rows } = await system.sql.query<{ complaint_id: string; claims: number; serials: number; keys: number; events: number }>(`
    WITH ids AS (
      SELECT complaint_id::text AS id FROM intake.idempotency_keys
      UNION SELECT data->>'complaintId' FROM event_store.events WHERE type = 'ComplaintSerialAllocated'
      UNION SELECT subject_id FROM personal_data.subject_keys
      UNION SELECT substr(stream_id, length('complaint-') + 1) FROM event_store.events WHERE stream_id LIKE 'complaint-%')
    SELECT id AS complaint_id,
           (SELECT count(*)::int FROM intake.idempotency_keys k WHERE k.complaint_id::text = ids.id) AS claims,
           (SELECT count(*)::int FROM event_store.events e WHERE e.type = 'ComplaintSerialAllocated' AND e.data->>'complaintId' = ids.id) AS serials,
           (SELECT count(*)::int FROM personal_data.subject_keys s WHERE s.subject_id = ids.id) AS keys,
           (SELECT count(*)::int FROM event_store.events e WHERE e.stream_id = 'complaint-' || ids.id) AS events
      FROM ids`);
  return rows;
};

beforeAll(async () => {
  await system.start();
}, 120_000);

afterAll(async () => {
  await system.stop();
});

describe('Registration: one commit per command', () => {
  it('given 30 registrations at once, then each is one whole unit — claim, serial, key and events — and the serials are gap-free', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => register(i, `uow-many-${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(201));
    expect(answers.map((a) => serialOf(a.body.number)).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const rows = await footprint();
    expect(rows).toHaveLength(30);
    expect(rows.filter((r) => !(r.claims === 1 && r.serials === 1 && r.keys === 1 && r.events >= 1))).toEqual([]);
  });

  it('given 10 requests with one Idempotency-Key at once, then one complaint is made and every request gets its answer', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => register(100, 'uow-same-key')));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const id = String(answers[0].body.id);
    const mine = (await footprint()).filter((r) => r.complaint_id === id);
    expect(mine).toEqual([{ complaint_id: id, claims: 1, serials: 1, keys: 1, events: mine[0]?.events }]);
    expect(serialOf(answers[0].body.number)).toBe(31); // the next serial: none lost to the nine duplicates
  });

  it('given a key used with another body, then 409 naming Idempotency-Key, and nothing is written for it', async () => {
    const before = await footprint();
    const answer = await register(101, 'uow-same-key');
    expect(answer.status).toBe(409);
    expect(JSON.stringify(answer.body)).toContain('Idempotency-Key');
    expect(await footprint()).toHaveLength(before.length);
  });

  it('given the database dropping the writing connections mid-flight, then nothing acknowledged is lost, nothing is half-written, and the retries fill the serials without a gap', async () => {
    let stop = false;
    const killer = (async () => {
      let kills = 0;
      while (!stop) {
        const { rowCount } = await system.sql.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%append_units(%' AND state = 'active'`,
        );
        kills += rowCount ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return kills;
    })();
    const keys = Array.from({ length: 60 }, (_, i) => ({ i: 200 + i, key: `uow-crash-${i}` }));
    const first = await Promise.all(keys.map(async ({ i, key }) => ({ i, key, answer: await register(i, key) })));
    stop = true;
    const kills = await killer;
    const acknowledged = first.filter((f) => f.answer.status === 201);
    const failed = first.filter((f) => f.answer.status !== 201);
    // Nothing half-written, whatever the clients were told.
    const afterCrash = await footprint();
    expect(afterCrash.filter((r) => !(r.claims === 1 && r.serials === 1 && r.keys === 1 && r.events >= 1))).toEqual([]);
    // Nothing acknowledged lost.
    const stored = new Set(afterCrash.map((r) => r.complaint_id));
    expect(acknowledged.filter((a) => !stored.has(String(a.answer.body.id)))).toEqual([]);
    // The clients retry what failed, with the same keys: one complaint each, serials 1..N without a gap.
    for (const f of failed) expect((await register(f.i, f.key)).status).toBe(201);
    const serials = (await system.sql.query<{ s: number }>(`SELECT (data->>'serial')::int AS s FROM event_store.events WHERE type = 'ComplaintSerialAllocated' ORDER BY 1`)).rows.map((r) => r.s);
    expect(serials).toEqual(Array.from({ length: serials.length }, (_, i) => i + 1));
    expect(serials).toHaveLength(31 + 60);
    // The fault happened. Whether a client saw it depends on timing: a connection killed while
    // its unit is in flight may be retried inside the store (every client then gets its 201),
    // so the run checks what holds either way and does not require a failed answer.
    expect(kills).toBeGreaterThan(0);
  });
});
