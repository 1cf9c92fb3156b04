import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ComplainantNoticeSender, ComplainantNoticesConsumer } from '@complaints/handling-service';
import { ComplaintCommandRunner } from '@complaints/service-common';
import { toComplaintEventMessage } from '@complaints/messaging';
import { greenMail, greenMailSkipReason, readMailbox } from '@complaints/testing';
import { InProcessSystem } from './support/in-process-system';

/**
 * Complainant notices through the composed system: the complaint's events queue the
 * notices, the sender delivers them to a real SMTP server (GreenMail) and a stub SMS
 * gateway, and each outcome is an event on the complaint's stream. The sender is driven
 * pass by pass (`tick`) so each step is observed.
 */
const mail = greenMail();
/** The mail server (only called in tests that run when it exists). */
const gm = () => {
  if (!mail) throw new Error('no GreenMail');
  return mail;
};
if (!mail) console.warn(`\n*** complainant notice flow SKIPPED (needs the GreenMail SMTP server): ${greenMailSkipReason()} ***\n`);

const system = new InProcessSystem();
let sms: Server;
let smsStatus = 200;
const texts: { to: string; text: string; key: string }[] = [];
let sender: ComplainantNoticeSender;

const register = async (complainant: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
  const res = await system.request('POST', '/api/complaints', {
    username: 'assistant.a',
    body: { siteId: 'site-a', channel: 'phone', complainant, title: '电梯困人', description: '3号楼电梯停在8楼与9楼之间', ...extra },
  });
  expect(res.status).toBe(201);
  return { id: String(res.body.id), number: String(res.body.number) };
};

type Notice = { id: string; template: string; channel: string; status: string; attempts: number; lastError: string | null };
const notices = async (id: string, username = 'assistant.a'): Promise<Notice[]> => (await system.request('GET', `/api/complaints/${id}/notices`, { username })).body.items as Notice[];

const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const queued = (id: string, count: number) => waitFor(`${count} notices queued for ${id}`, async () => ((await notices(id)).length >= count ? notices(id) : undefined));
const historyTypes = async (id: string) => ((await system.request('GET', `/api/complaints/${id}/history`, { username: 'auditor' })).body.events as { type: string; data: Record<string, unknown> }[]) ?? [];

(mail ? describe : describe.skip)('Complainant notices (composed system, real SMTP server, stub SMS gateway)', () => {
  beforeAll(async () => {
    sms = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (smsStatus === 200) texts.push(JSON.parse(body) as { to: string; text: string; key: string });
        res.statusCode = smsStatus;
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => sms.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, {
      NOTICE_SMTP_HOST: gm().smtpHost,
      NOTICE_SMTP_PORT: String(gm().smtpPort),
      NOTICE_SMTP_FROM: 'kefu@yangguang.example',
      NOTICE_SMS_GATEWAY_URL: `http://127.0.0.1:${(sms.address() as AddressInfo).port}/send`,
      NOTICE_SMS_GATEWAY_TOKEN: 'stub-token',
      NOTICE_MAX_ATTEMPTS: '3',
      NOTICE_RETRY_BASE_MS: '1',
    });
    await system.start();
    sender = system.app.get(ComplainantNoticeSender);
  }, 150_000);

  afterAll(async () => {
    await system.stop();
    await new Promise<void>((resolve) => sms.close(() => resolve()));
    for (const key of ['NOTICE_SMTP_HOST', 'NOTICE_SMTP_PORT', 'NOTICE_SMTP_FROM', 'NOTICE_SMS_GATEWAY_URL', 'NOTICE_SMS_GATEWAY_TOKEN', 'NOTICE_MAX_ATTEMPTS', 'NOTICE_RETRY_BASE_MS']) delete process.env[key];
  });

  it('given a complaint registered with an e-mail address and a phone, when the sender runs, then the "received" e-mail and SMS arrive and each is an event on the complaint', async () => {
    const email = `zhang-${Date.now()}@residents.example`;
    const { id, number } = await register({ name: '张女士', phone: '13800138000', email, building: '3', unit: '1201' });
    expect((await queued(id, 2)).map((n) => [n.template, n.channel, n.status])).toEqual([
      ['received', 'email', 'pending'],
      ['received', 'sms', 'pending'],
    ]);
    await sender.tick();

    const [received] = await readMailbox(gm().apiUrl, email);
    expect(received.subject).toContain(`投诉受理通知（编号 ${number}）`);
    expect(received.text).toContain('尊敬的张女士：');
    expect(received.text).toMatch(/我们将于 \d{4}-\d\d-\d\d \d\d:\d\d 前给予您首次答复。/);
    expect(texts.find((t) => t.to === '13800138000')?.text).toContain(`编号${number}`);
    expect((await notices(id)).map((n) => [n.channel, n.status, n.attempts])).toEqual([
      ['email', 'sent', 1],
      ['sms', 'sent', 1],
    ]);
    const sent = (await historyTypes(id)).filter((e) => e.type === 'ComplainantNoticeSent');
    expect(sent.map((e) => [e.data.template, e.data.channel])).toEqual([
      ['received', 'email'],
      ['received', 'sms'],
    ]);
    // The contact is sealed at rest and appears in no notice event, nor in the notice list.
    const stored = await system.sql.query<{ data: string }>(`SELECT data::text AS data FROM event_store.events WHERE stream_id = $1`, [`complaint-${id}`]);
    expect(stored.rows.some((r) => r.data.includes(email))).toBe(false);
    expect(JSON.stringify(await notices(id))).not.toContain(email);
    // The CS assistant sees the address itself on the view.
    expect(((await system.request('GET', `/api/complaints/${id}`, { username: 'assistant.a' })).body.complainant as { email: string }).email).toBe(email);
  }, 150_000);

  it('given an e-mail contact that is not an address, when registering, then it is refused naming complainant.email and nothing is stored', async () => {
    const before = await system.eventCount();
    const res = await system.request('POST', '/api/complaints', {
      username: 'assistant.a',
      body: { siteId: 'site-a', channel: 'phone', complainant: { name: '张女士', phone: '13800138000', email: 'not-an-address' }, title: '电梯困人', description: '…' },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('complainant.email');
    expect(await system.eventCount()).toBe(before);
  });

  it('given the same event delivered again, when the sender runs, then nothing is queued or sent twice', async () => {
    const email = `again-${Date.now()}@residents.example`;
    const { id } = await register({ name: '李先生', phone: '13700137000', email });
    await queued(id, 2);
    await sender.tick();
    const runner = system.app.get(ComplaintCommandRunner);
    const [registered] = await runner.readHistory(id);
    const message = { ...toComplaintEventMessage(registered, 'complaints.events.v1'), partition: 0, offset: '0' };
    await system.app.get(ComplainantNoticesConsumer).onComplaintEvents([message]);
    await system.sql.query(`DELETE FROM handling.processed_events WHERE event_id = $1`, [registered.id]).catch(() => undefined);
    await system.app.get(ComplainantNoticesConsumer).onComplaintEvents([message]);
    await sender.tick();
    expect(await notices(id)).toHaveLength(2);
    expect(await readMailbox(gm().apiUrl, email)).toHaveLength(1);
    // An event from long ago (history replayed when notices are first switched on) queues nothing;
    // the same event, recent, would.
    const consumer = system.app.get(ComplainantNoticesConsumer);
    await consumer.onComplaintEvents([{ ...message, value: JSON.stringify({ ...JSON.parse(message.value), eventId: randomUUID(), recordedAt: new Date(Date.now() - 10 * 86_400_000).toISOString() }) }]);
    expect(await notices(id)).toHaveLength(2);
    await consumer.onComplaintEvents([{ ...message, value: JSON.stringify({ ...JSON.parse(message.value), eventId: randomUUID() }) }]);
    expect(await notices(id)).toHaveLength(4);
    await system.sql.query(`UPDATE handling.complainant_notices SET status = 'cancelled' WHERE complaint_id = $1 AND status = 'pending'`, [id]);
    expect((await historyTypes(id)).filter((e) => e.type === 'ComplainantNoticeSent')).toHaveLength(2);
  }, 150_000);

  it('given a gateway that keeps failing, when the retries run out, then ComplainantNoticeFailed is recorded and the notice is on the assistant queue; a retry from the queue sends it', async () => {
    smsStatus = 503;
    const { id } = await register({ name: '王女士', phone: '13900139000' });
    await queued(id, 1);
    for (let pass = 0; pass < 3; pass++) {
      await new Promise((r) => setTimeout(r, 20)); // past the (1 ms) backoff
      await sender.tick();
    }
    const [failed] = await notices(id);
    expect([failed.status, failed.attempts, failed.lastError]).toEqual(['failed', 3, 'sms gateway 503']);
    const failures = (await historyTypes(id)).filter((e) => e.type === 'ComplainantNoticeFailed');
    expect(failures.map((e) => [e.data.channel, e.data.attempts, e.data.error])).toEqual([['sms', 3, 'sms gateway 503']]);

    const queue = await system.request('GET', '/api/complainant-notices?siteId=site-a', { username: 'assistant.a' });
    expect((queue.body.items as Notice[]).map((n) => n.id)).toContain(failed.id);
    expect((await system.request('GET', '/api/complainant-notices?siteId=site-a', { username: 'handler.a' })).status).toBe(403);
    expect((await system.request('GET', '/api/complainant-notices?siteId=site-a', { username: 'assistant.b' })).status).toBe(403);

    smsStatus = 200;
    const retry = await system.request('POST', `/api/complaints/${id}/notices/retry`, { username: 'assistant.a' });
    expect([retry.status, retry.body]).toEqual([202, { retried: 1 }]);
    await sender.tick();
    expect((await notices(id)).map((n) => n.status)).toEqual(['sent']);
    expect((await historyTypes(id)).filter((e) => e.type.startsWith('ComplainantNotice')).map((e) => e.type)).toEqual(['ComplainantNoticeFailed', 'ComplainantNoticeSent']);
  }, 150_000);

  it('given an anonymous complaint, or a complainant erased before the notice went out, then no notice is sent', async () => {
    const anonymous = await register({ anonymous: true });
    const email = `erased-${Date.now()}@residents.example`;
    const erased = await register({ name: '赵先生', phone: '13600136000', email });
    await queued(erased.id, 2);
    expect(await notices(anonymous.id)).toEqual([]);
    const erasure = await system.request('POST', `/api/complaints/${erased.id}/personal-data/erasure`, { username: 'admin', body: { reason: '业主申请删除' } });
    expect(erasure.status).toBe(200);
    await sender.tick();
    expect((await notices(erased.id)).map((n) => [n.status, n.lastError])).toEqual([
      ['cancelled', 'anonymous or erased complainant'],
      ['cancelled', 'anonymous or erased complainant'],
    ]);
    expect(await readMailbox(gm().apiUrl, email)).toEqual([]);
    expect((await historyTypes(erased.id)).some((e) => e.type.startsWith('ComplainantNotice'))).toBe(false);
  }, 150_000);

  it('given a complaint that came in by letter, when its letter is asked for, then CS staff get a zh-CN PDF ready to print and others a 403', async () => {
    const { id } = await register({ name: '孙女士', phone: '13500135000', building: '5', unit: '502' }, { channel: 'letter' });
    expect((await queued(id, 2)).map((n) => n.channel).sort()).toEqual(['letter', 'sms']);
    await sender.tick();
    expect((await notices(id)).find((n) => n.channel === 'letter')?.status).toBe('ready');
    // A letter is printed and posted by staff: preparing it records nothing on the complaint.
    expect((await historyTypes(id)).filter((e) => e.type === 'ComplainantNoticeSent').map((e) => e.data.channel)).toEqual(['sms']);
    const res = await fetch(`${system.url}/api/complaints/${id}/notices/letter?template=received`, { headers: { authorization: `Bearer ${await system.token('assistant.a')}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await res.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    expect((await system.request('GET', `/api/complaints/${id}/notices/letter?template=received`, { username: 'auditor' })).status).toBe(403);
    expect((await system.request('GET', `/api/complaints/${id}/notices/letter?template=closed`, { username: 'assistant.a' })).status).toBe(404);
    expect((await system.request('GET', `/api/complaints/${id}/notices/letter?template=nonsense`, { username: 'assistant.a' })).status).toBe(400);
  }, 150_000);
});
