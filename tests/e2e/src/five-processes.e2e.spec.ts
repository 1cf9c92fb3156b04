import { createHash, randomBytes } from 'node:crypto';
import { eventually, greenMail, greenMailSkipReason, kafkaBrokers, kafkaSkipReason, readMailbox } from '@complaints/testing';
import { ACTORS, FiveProcessSystem, complaintBody } from './support/five-process-system';

/**
 * The walking skeleton across five separate processes: intake → event store → relay →
 * Kafka → triage, handling, callback, reporting → GET from reporting. Real broker, real
 * PostgreSQL, each service its own OS process and port, talking only through Kafka.
 */
const brokers = kafkaBrokers();
const describeKafka = brokers ? describe : describe.skip;
if (!brokers) console.warn(`\n*** five-process e2e SKIPPED: ${kafkaSkipReason()} ***\n`);
// The real SMTP server the test runner started (infra/greenmail): handling sends complainant notices to it.
const mail = greenMail();
/** The mail server (only called in tests that run when it exists). */
const gm = () => {
  if (!mail) throw new Error('no GreenMail');
  return mail;
};
if (brokers && !mail) console.warn(`\n*** five-process e2e: the e-mail notice step SKIPPED: ${greenMailSkipReason()} ***\n`);

type Registered = { id: string; number: string; status: string };

const body = (i: number) =>
  complaintBody({
    channel: i % 2 === 0 ? 'phone' : 'wechat',
    complainant: { name: `业主${i}`, phone: `1380013${String(i).padStart(4, '0')}`, building: '3', unit: `${1200 + i}` },
    title: `楼道灯不亮 #${i}`,
    description: `3号楼${i}层楼道灯坏了一周，晚上看不见路。`,
  });

describeKafka('Five services as five processes on the real Kafka broker and PostgreSQL', () => {
  const system = new FiveProcessSystem();

  beforeAll(async () => {
    await system.start(
      brokers ?? [],
      mail ? { handling: { NOTICE_SMTP_HOST: mail.smtpHost, NOTICE_SMTP_PORT: String(mail.smtpPort), NOTICE_SMTP_FROM: 'kefu@yangguang.example', SCHEDULER_INTERVAL_MS: '500' } } : {},
    );
    console.log(`five-process e2e: broker ${brokers?.join(',')}, topics ${system.topicPrefix}.*, database ${system.db.name}; ${system.describe()}`);
  }, 180_000);

  afterAll(async () => {
    await system.stop();
  });

  const register = async (i: number): Promise<Registered> => {
    const res = await system.request('POST', '/api/complaints', body(i), ACTORS.assistant);
    expect(res.status).toBe(201);
    return res.body as Registered;
  };

  const correct = async (id: string, i: number) => {
    const res = await system.request('POST', `/api/complaints/${id}/corrections`, { field: 'complainant.unit', value: `${2200 + i}`, reason: '房号登记有误' }, ACTORS.assistant);
    expect(res.status).toBe(202);
  };

  const count = async (query: string, params: unknown[] = []) => Number((await system.sql.query<{ n: string }>(query, params)).rows[0].n);

  it('should register complaints over HTTP at intake and read them back from reporting', async () => {
    const registered: Registered[] = [];
    for (let i = 0; i < 10; i++) registered.push(await register(i));
    expect(new Set(registered.map((r) => r.number)).size).toBe(10);
    expect(registered.map((r) => r.number.split('-')[2]).sort()).toEqual(['001', '002', '003', '004', '005', '006', '007', '008', '009', '010']);

    for (const r of registered) {
      const view = await system.view(r.id);
      expect(view).toMatchObject({ id: r.id, number: r.number, status: 'registered', siteId: 'site-a' });
    }
    const list = await system.request('GET', '/api/complaints?siteId=site-a&pageSize=50', undefined, ACTORS.assistant);
    expect(list.body.total).toBe(10);

    // Every consumer group got every event, once.
    for (const [schema, table] of [['triage', 'inbox'], ['handling', 'cases'], ['callback', 'cases']]) {
      await eventually(async () => ((await count(`SELECT count(*) AS n FROM ${schema}.${table}`)) === 10 ? true : undefined), `${schema} to see 10 complaints`);
    }
  }, 120_000);

  it('should announce a registration at intake on the live stream of reporting (through Kafka), to the site\'s users only', async () => {
    /** Opens GET /api/events/stream where the proxy would send it; collects the complaint ids announced. */
    const listen = async (actor: (typeof ACTORS)[keyof typeof ACTORS]) => {
      const controller = new AbortController();
      const heard: string[] = [];
      const res = await fetch(`${system.processes[system.route('GET', '/api/events/stream')].url}/api/events/stream`, {
        headers: { authorization: `Bearer ${await system.token(actor)}` },
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      void (async () => {
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return;
            for (const m of decoder.decode(value, { stream: true }).matchAll(/"complaintId":"([0-9a-f-]{36})"/g)) heard.push(m[1]);
          }
        } catch {
          /* aborted */
        }
      })();
      return { heard, close: () => controller.abort() };
    };
    const siteA = await listen(ACTORS.assistant);
    const siteB = await listen(ACTORS.otherSiteAssistant);
    try {
      const r = await register(900);
      await eventually(async () => (siteA.heard.includes(r.id) ? true : undefined), 'site A hears of the registration', 30_000);
      // Reporting has applied it (it announces only then): the view is there at once.
      expect((await system.request('GET', `/api/complaints/${r.id}`, undefined, ACTORS.assistant)).status).toBe(200);
      expect(siteB.heard).not.toContain(r.id);
    } finally {
      siteA.close();
      siteB.close();
    }
  }, 60_000);

  it('should lose nothing and apply nothing twice when a consumer process is killed mid-run and restarted', async () => {
    const triage = system.processes.triage;
    const before = await count(`SELECT count(*) AS n FROM triage.inbox`);
    const batch: Registered[] = [];
    for (let i = 100; i < 130; i++) {
      const r = await register(i);
      batch.push(r);
      await correct(r.id, i);
      if (i === 110) await triage.kill('SIGKILL'); // crash while messages are flowing
    }
    await triage.restart();

    const ids = batch.map((b) => b.id);
    await eventually(
      async () => ((await count(`SELECT count(*) AS n FROM triage.inbox WHERE complaint_id = ANY($1::uuid[]) AND events_seen = 2`, [ids])) === 30 ? true : undefined),
      'triage to apply all 60 events of the batch after its restart',
      60_000,
    );
    // Exactly once: every complaint saw its registration and its correction, no more.
    expect(await count(`SELECT count(*) AS n FROM triage.inbox`)).toBe(before + 30);
    expect(await count(`SELECT count(*) AS n FROM triage.inbox WHERE events_seen <> 2 AND complaint_id = ANY($1::uuid[])`, [ids])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM triage.processed_events WHERE consumer = 'triage-inbox'`)).toBe(before + 60);
  }, 150_000);

  (mail ? it : it.skip)('should send the "received" notice to a complainant who left an e-mail address through the real SMTP server, and record it on the complaint', async () => {
    const email = `e2e-${Date.now()}@residents.example`;
    const res = await system.request(
      'POST',
      '/api/complaints',
      complaintBody({ complainant: { name: '钱女士', phone: '13800131313', email, building: '8', unit: '0808' }, title: '地下车库漏水', description: '车库B2层顶板漏水' }),
      ACTORS.assistant,
    );
    expect(res.status).toBe(201);
    const { id, number } = res.body as Registered;
    // intake → event store → relay → Kafka → handling queues the notice → its sender → SMTP → the mailbox.
    const [received] = await eventually(async () => {
      const inbox = await readMailbox(gm().apiUrl, email);
      return inbox.length > 0 ? inbox : undefined;
    }, `the "received" e-mail to reach ${email}`, 60_000);
    expect(received.subject).toContain(`投诉受理通知（编号 ${number}）`);
    expect(received.text).toContain('尊敬的钱女士：');
    expect(received.text).toMatch(new RegExp(`投诉编号为 ${number}。\\n我们将于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d 前给予您首次答复。`));
    // The send is an event on the complaint (channel, template, time), read back from reporting.
    const sent = await eventually(async () => {
      const history = await system.request('GET', `/api/complaints/${id}/history`, undefined, ACTORS.assistant);
      return (history.body.events as { type: string; data: Record<string, unknown> }[]).find((e) => e.type === 'ComplainantNoticeSent');
    }, 'ComplainantNoticeSent on the complaint', 30_000);
    expect(sent.data).toMatchObject({ template: 'received', channel: 'email', attempts: 1 });
    // The notice list (served by handling) shows it sent, and the SMS (no gateway configured) off.
    const notices = await eventually(async () => {
      const r = await system.request('GET', `/api/complaints/${id}/notices`, undefined, ACTORS.assistant);
      return (r.body.items as { status: string }[]).every((n) => n.status !== 'pending') ? r : undefined;
    }, 'the notices to settle', 30_000);
    expect((notices.body.items as { channel: string; status: string }[]).map((n) => [n.channel, n.status]).sort()).toEqual([
      ['email', 'sent'],
      ['sms', 'off'],
    ]);
    expect(JSON.stringify(notices.body)).not.toContain(email);
  }, 120_000);

  it('should take a photo at intake, store it once by its SHA-256, and let reporting (another process) list it and hand back exactly those bytes', async () => {
    const { id } = await register(900);
    // A real JPEG header and some content: intake sniffs it, hashes it, records the hash.
    const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]), randomBytes(32 * 1024)]);
    const sha256 = createHash('sha256').update(photo).digest('hex');
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), '楼道灯照片.jpg');
    const path = `/api/complaints/${id}/attachments`;
    expect(system.route('POST', path)).toBe('intake');
    const upload = await fetch(`${system.processes[system.route('POST', path)].url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await system.token(ACTORS.assistant)}` },
      body: form,
    });
    expect(upload.status).toBe(201);
    expect(await upload.json()).toMatchObject({ sha256, size: photo.length, mediaType: 'image/jpeg', fileName: '楼道灯照片.jpg', stage: 'registration', duplicate: false });

    // Reporting, another process, lists it from the stream and reads the bytes from the store.
    expect(system.route('GET', path)).toBe('reporting');
    const list = await system.request('GET', path, undefined, ACTORS.assistant);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ sha256, stage: 'registration', available: true })]);
    const download = await fetch(`${system.processes.reporting.url}${path}/${sha256}`, { headers: { authorization: `Bearer ${await system.token(ACTORS.assistant)}` } });
    expect(download.status).toBe(200);
    expect(createHash('sha256').update(Buffer.from(await download.arrayBuffer())).digest('hex')).toBe(sha256);
    // The event travelled through Kafka to reporting's projection, and the chain covers it.
    await system.view(id, (v) => Number(v.version) >= 2, 'the view after AttachmentAdded');
    expect(await system.eventTypes(id)).toContain('AttachmentAdded');
    expect((await system.request('GET', `/api/complaints/${id}/verify`, undefined, ACTORS.auditor)).body).toMatchObject({ valid: true });
    // Another site's assistant gets neither the list nor the bytes.
    expect((await system.request('GET', path, undefined, ACTORS.otherSiteAssistant)).status).toBe(403);
    console.log(`five-process e2e: attachment ${sha256.slice(0, 12)}… stored by intake in ${system.env.ATTACHMENT_STORE ?? 'postgres'}, served by reporting`);
  }, 60_000);
});
