import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, kafkaBrokers, kafkaSkipReason } from '@complaints/testing';
import { ACTORS, FiveProcessSystem, SERVICES, complaintBody, type Actor } from './support/five-process-system';

/**
 * The production shape on one machine (`npm run start:cluster`): five service processes on
 * the real Kafka broker behind the cluster gateway (tools/cluster/gateway.cjs), and a whole
 * complaint lifecycle through the gateway's single base URL — the same public-API calls a
 * client makes against `npm start`.
 */
const brokers = kafkaBrokers();
const describeKafka = brokers ? describe : describe.skip;
if (!brokers) console.warn(`\n*** gateway lifecycle e2e SKIPPED: ${kafkaSkipReason()} ***\n`);

const DAY = 86_400_000;
const root = join(__dirname, '..', '..', '..');

describeKafka('A complaint lifecycle through the cluster gateway (five processes, real Kafka)', () => {
  const system = new FiveProcessSystem();
  let gateway: Server;
  let base = '';
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    await system.start(brokers ?? []);
    const { createGateway } = require(join(root, 'tools/cluster/gateway.cjs')) as { createGateway: (options: { services: Record<string, string> }) => Server };
    gateway = createGateway({ services: Object.fromEntries(SERVICES.map((name) => [name, system.processes[name].url])) });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
    console.log(`gateway lifecycle e2e: gateway ${base} → ${system.describe()}`);
  }, 180_000);

  afterAll(async () => {
    await new Promise((resolve) => gateway?.close(resolve));
    await system.stop();
  });

  /** Sign-in and every call go to the gateway's one base URL. */
  const call = async (method: string, path: string, actor: Actor, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    let token = tokens.get(actor.username);
    if (!token) {
      const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: actor.username, password: 'demo1234' }) });
      expect(login.status).toBe(200);
      token = ((await login.json()) as { accessToken: string }).accessToken;
      tokens.set(actor.username, token);
    }
    const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const post = async (path: string, body: unknown, actor: Actor) => {
    const res = await call('POST', path, actor, body);
    if (res.status >= 300) throw new Error(`POST ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  it('should take a complaint from registration to closed through one base URL, and serve one merged OpenAPI document', async () => {
    const { id, number } = (await post('/api/complaints', complaintBody(), ACTORS.assistant)) as { id: string; number: string };
    expect(number).toMatch(/^SITEA-\d{6}-\d{3}$/);
    await post(`/api/complaints/${id}/triage`, { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering' }, ACTORS.duty);
    await post(`/api/complaints/${id}/replies`, { kind: 'first', message: '已安排电工明天上午维修', resolvedOnSpot: false, nextReplyDueAt: new Date(Date.now() + DAY).toISOString() }, ACTORS.handler);
    await post(`/api/complaints/${id}/plan`, { measures: '更换灯具并检查线路', dueAt: new Date(Date.now() + 2 * DAY).toISOString() }, ACTORS.handler);
    await post(`/api/complaints/${id}/resolve`, { resolution: '已更换灯具', rootCause: '灯具老化', responsibleDepartment: 'engineering', correctiveActions: '更换', preventiveActions: '每月巡检' }, ACTORS.handler);
    await post(`/api/complaints/${id}/callbacks`, { method: 'phone', reached: true, satisfaction: 2, comment: '满意' }, ACTORS.assistant);
    const closed = await eventually(async () => {
      const view = await call('GET', `/api/complaints/${id}`, ACTORS.assistant);
      return view.status === 200 && view.body.status === 'closed' ? view.body : undefined;
    }, 'the read model to show the complaint closed', 30_000, 100);
    expect(closed).toMatchObject({ id, number, status: 'closed', satisfaction: 2 });

    const docs = await fetch(`${base}/api/docs-json`);
    expect(docs.status).toBe(200);
    const paths = Object.keys(((await docs.json()) as { paths: Record<string, unknown> }).paths);
    for (const path of ['/api/complaints', '/api/complaints/{id}/triage', '/api/complaints/{id}/resolve', '/api/complaints/{id}/callbacks', '/api/reports/monthly']) expect(paths).toContain(path);
  }, 120_000);
});
