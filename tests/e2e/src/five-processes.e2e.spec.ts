import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  createTestDatabase,
  eventually,
  kafkaBrokers,
  kafkaSkipReason,
  startServiceProcess,
  type ServiceProcess,
  type TestDatabase,
} from '@complaints/testing';

/**
 * The walking skeleton across five separate processes: intake → event store → relay →
 * Kafka → triage, handling, callback, reporting → GET from reporting. Real broker, real
 * PostgreSQL, each service its own OS process and port, talking only through Kafka.
 */
const SERVICES = ['intake', 'triage', 'handling', 'callback', 'reporting'] as const;
const brokers = kafkaBrokers();
const describeKafka = brokers ? describe : describe.skip;
if (!brokers) console.warn(`\n*** five-process e2e SKIPPED: ${kafkaSkipReason()} ***\n`);

type Registered = { id: string; number: string; status: string };

const body = (i: number) => ({
  siteId: 'site-e2e',
  channel: i % 2 === 0 ? 'phone' : 'wechat',
  complainant: { name: `业主${i}`, phone: `1380013${String(i).padStart(4, '0')}`, building: '3', unit: `${1200 + i}` },
  title: `楼道灯不亮 #${i}`,
  description: `3号楼${i}层楼道灯坏了一周，晚上看不见路。`,
  householdCount: 1,
});

describeKafka('Five services as five processes on the real Kafka broker and PostgreSQL', () => {
  let db: TestDatabase;
  const processes = {} as Record<(typeof SERVICES)[number], ServiceProcess>;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase('e2e_five');
    const env = {
      DATABASE_URL: db.url,
      BUS: 'kafka',
      KAFKA_BROKERS: (brokers ?? []).join(','),
      // A topic prefix of its own keeps this run apart from any other on the same broker.
      KAFKA_TOPIC_PREFIX: `e2e-${randomUUID().slice(0, 8)}`,
      EVENT_STORE: 'postgres',
    };
    // Start sequentially: each runs its own migrations on first start.
    for (const name of SERVICES) processes[name] = await startServiceProcess(name, env);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    console.log(
      `five-process e2e: broker ${env.KAFKA_BROKERS}, topics ${env.KAFKA_TOPIC_PREFIX}.*, database ${db.name}; ` +
        SERVICES.map((n) => `${n} pid ${processes[n].pid} :${processes[n].port}`).join(', '),
    );
  }, 180_000);

  afterAll(async () => {
    await sql?.end();
    await Promise.all(Object.values(processes).map((p) => p.stop()));
    await db?.drop();
  });

  const register = async (i: number): Promise<Registered> => {
    const res = await fetch(`${processes.intake.url}/api/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body(i)),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Registered;
  };

  const correct = async (id: string, i: number) => {
    const res = await fetch(`${processes.intake.url}/api/complaints/${id}/corrections`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ field: 'complainant.unit', value: `${2200 + i}`, reason: '房号登记有误' }),
    });
    expect(res.status).toBe(202);
  };

  const count = async (query: string, params: unknown[] = []) => Number((await sql.query<{ n: string }>(query, params)).rows[0].n);

  it('should register complaints over HTTP at intake and read them back from reporting', async () => {
    const registered: Registered[] = [];
    for (let i = 0; i < 10; i++) registered.push(await register(i));
    expect(new Set(registered.map((r) => r.number)).size).toBe(10);
    expect(registered.map((r) => r.number.split('-')[2]).sort()).toEqual(['001', '002', '003', '004', '005', '006', '007', '008', '009', '010']);

    for (const r of registered) {
      const view = await eventually(async () => {
        const res = await fetch(`${processes.reporting.url}/api/complaints/${r.id}`);
        return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
      }, `complaint ${r.number} in reporting`);
      expect(view).toMatchObject({ id: r.id, number: r.number, status: 'registered', siteId: 'site-e2e' });
    }
    const list = (await (await fetch(`${processes.reporting.url}/api/complaints?siteId=site-e2e&pageSize=50`)).json()) as { total: number };
    expect(list.total).toBe(10);

    // Every consumer group got every event, once.
    for (const [schema, table] of [['triage', 'inbox'], ['handling', 'cases'], ['callback', 'cases']]) {
      await eventually(async () => ((await count(`SELECT count(*) AS n FROM ${schema}.${table}`)) === 10 ? true : undefined), `${schema} to see 10 complaints`);
    }
  }, 120_000);

  it('should lose nothing and apply nothing twice when a consumer process is killed mid-run and restarted', async () => {
    const triage = processes.triage;
    const before = await count(`SELECT count(*) AS n FROM triage.inbox`);
    const batch: Registered[] = [];
    for (let i = 100; i < 130; i++) {
      const r = await register(i);
      batch.push(r);
      await correct(r.id, i);
      if (i === 110) await triage.kill('SIGKILL'); // crash while messages are flowing
    }
    await triage.restart();

    await eventually(
      async () => ((await count(`SELECT count(*) AS n FROM triage.inbox WHERE complaint_id = ANY($1::uuid[]) AND events_seen = 2`, [batch.map((b) => b.id)])) === 30 ? true : undefined),
      'triage to apply all 60 events of the batch after its restart',
      60_000,
    );
    // Exactly once: every complaint saw its registration and its correction, no more.
    expect(await count(`SELECT count(*) AS n FROM triage.inbox`)).toBe(before + 30);
    expect(await count(`SELECT count(*) AS n FROM triage.inbox WHERE events_seen <> 2 AND complaint_id = ANY($1::uuid[])`, [batch.map((b) => b.id)])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM triage.processed_events WHERE consumer = 'triage'`)).toBe(before + 60);
  }, 150_000);
});
