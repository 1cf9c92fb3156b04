import { InProcessSystem } from './support/in-process-system';

/**
 * The domain commands that had no endpoint (issue 14, item 11): marking major by hand,
 * compensation within authority limits, outreach, year-end sealing — and the actions the
 * view offers each caller, computed by the domain's policy. Through the composed API on a
 * real PostgreSQL.
 */
const system = new InProcessSystem();
let id = '';

type View = Record<string, unknown> & { actions?: string[]; replyKinds?: string[]; version: number };

/** The view as `username` sees it once `done` holds (the read side is eventually consistent). */
const viewUntil = async (username: string, done: (v: View) => boolean): Promise<View> => {
  let view = {} as View;
  for (let i = 0; i < 200; i++) {
    const res = await system.request('GET', `/api/complaints/${id}`, { username });
    view = res.body as View;
    if (res.status === 200 && done(view)) return view;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`view never satisfied the condition: ${JSON.stringify(view).slice(0, 400)}`);
};

const history = async (): Promise<{ type: string; data: Record<string, unknown> }[]> =>
  (await system.request('GET', `/api/complaints/${id}/history`, { username: 'admin' })).body.events as { type: string; data: Record<string, unknown> }[];

beforeAll(async () => {
  await system.start();
  const reg = await system.request('POST', '/api/complaints', {
    username: 'assistant.a',
    body: { siteId: 'site-a', channel: 'phone', complainant: { name: '钱先生', phone: '13800000077', building: '5', unit: '502' }, title: '楼上漏水泡坏地板', description: '卫生间漏水，地板起拱' },
  });
  expect(reg.status).toBe(201);
  id = String(reg.body.id);
  const triage = await system.request('POST', `/api/complaints/${id}/triage`, {
    username: 'duty.a',
    body: { nature: 'valid', severity: 'important', urgency: 'normal', category: 'repairs', department: 'engineering' },
  });
  expect(triage.status).toBe(202);
  await viewUntil('admin', (v) => v.status === 'triaged');
}, 60_000);

afterAll(async () => {
  await system.stop();
});

describe('The view lists the actions the caller may take now (domain policy)', () => {
  it('given a triaged complaint, when each role reads it, then each sees its own actions', async () => {
    const assistant = await viewUntil('assistant.a', (v) => v.status === 'triaged');
    expect(assistant.actions).toEqual(['reply', 'plan', 'resolve', 'escalate', 'reassign', 'outreach', 'correct']);
    expect(assistant.replyKinds).toEqual(['first', 'progress']);
    const manager = await viewUntil('csmanager.a', (v) => v.status === 'triaged');
    expect(manager.actions).toEqual(expect.arrayContaining(['markMajor', 'compensate', 'outreach', 'correct']));
    const handler = await viewUntil('handler.a', (v) => v.status === 'triaged');
    expect(handler.actions).toEqual(['reply', 'plan', 'resolve']);
    const auditor = await viewUntil('auditor', (v) => v.status === 'triaged');
    expect(auditor.actions).toEqual([]);
    // The list carries the same actions.
    const list = await system.request('GET', `/api/complaints?siteId=site-a`, { username: 'assistant.a' });
    const item = (list.body.items as View[]).find((v) => v.id === id);
    expect(item?.actions).toEqual(assistant.actions);
  });
});

describe('POST /api/complaints/:id/compensations (核决权限)', () => {
  it('given 800 approved by the CS centre manager, when they approve 500 more, then 403 naming the general manager, who then approves it', async () => {
    expect((await system.request('POST', `/api/complaints/${id}/compensations`, { username: 'csmanager.a', body: { amount: 800, reason: '地板维修费' } })).status).toBe(202);
    const over = await system.request('POST', `/api/complaints/${id}/compensations`, { username: 'csmanager.a', body: { amount: 500, reason: '家具损坏' } });
    expect(over.status).toBe(403);
    expect(String(over.body.message)).toContain('general_manager');
    // The same refusal for the reader's language: a catalogue code with the total, the limit and the next approver.
    expect(over.body).toMatchObject({ code: 'error.forbidden.over_limit', params: { total: 1300, limit: 1000, role: 'cs_manager', next: 'general_manager' } });
    const byGm = await system.request('POST', `/api/complaints/${id}/compensations`, { username: 'gm.a', body: { amount: 500, reason: '家具损坏' } });
    expect(byGm.status).toBe(202);
    const view = await viewUntil('gm.a', (v) => v.compensationTotal === 1300);
    expect(view.compensationTotal).toBe(1300);
    expect((await history()).filter((e) => e.type === 'CompensationApproved').map((e) => e.data.amount)).toEqual([800, 500]);
    // The CS centre manager's limit is used up on this complaint: the view no longer offers it.
    expect((await viewUntil('csmanager.a', (v) => v.compensationTotal === 1300)).actions).not.toContain('compensate');
  });

  it('when the amount is not a positive number or the reason is missing, then 400 naming the field, nothing stored; a customer assistant gets 403', async () => {
    const before = await system.eventCount();
    const bad = await system.request('POST', `/api/complaints/${id}/compensations`, { username: 'gm.a', body: { amount: -5, reason: '' } });
    expect(bad.status).toBe(400);
    expect((bad.body.details as { field: string }[]).map((d) => d.field).sort()).toEqual(['amount', 'reason']);
    const assistant = await system.request('POST', `/api/complaints/${id}/compensations`, { username: 'assistant.a', body: { amount: 5, reason: '小额' } });
    expect(assistant.status).toBe(403);
    expect(await system.eventCount()).toBe(before);
  });
});

describe('POST /api/complaints/:id/outreach', () => {
  it('when the assistant records a residents’ meeting, then 202 and the history holds it; an unknown kind is a 400 naming kind', async () => {
    const ok = await system.request('POST', `/api/complaints/${id}/outreach`, { username: 'assistant.a', body: { kind: 'residents_meeting', note: '与5号楼业主座谈' } });
    expect(ok.status).toBe(202);
    expect(ok.body).toEqual({ accepted: true });
    expect((await history()).filter((e) => e.type === 'OutreachRecorded').map((e) => [e.data.kind, e.data.note])).toEqual([['residents_meeting', '与5号楼业主座谈']]);
    const bad = await system.request('POST', `/api/complaints/${id}/outreach`, { username: 'assistant.a', body: { kind: 'party', note: 'x' } });
    expect(bad.status).toBe(400);
    expect((bad.body.details as { field: string }[]).map((d) => d.field)).toEqual(['kind']);
    expect((await system.request('POST', `/api/complaints/${id}/outreach`, { username: 'handler.a', body: { kind: 'visit', note: 'x' } })).status).toBe(403);
  });
});

describe('POST /api/complaints/:id/major', () => {
  it('when the CS centre manager marks it major for litigation, then the view shows it major, escalated to the general manager; an unknown reason is a 400 naming reasons', async () => {
    const bad = await system.request('POST', `/api/complaints/${id}/major`, { username: 'csmanager.a', body: { reasons: ['gossip'] } });
    expect(bad.status).toBe(400);
    expect((bad.body.details as { field: string }[]).map((d) => d.field)).toEqual(['reasons']);
    expect((await system.request('POST', `/api/complaints/${id}/major`, { username: 'assistant.a', body: { reasons: ['litigation'] } })).status).toBe(403);
    const ok = await system.request('POST', `/api/complaints/${id}/major`, { username: 'csmanager.a', body: { reasons: ['litigation'], note: '业主已委托律师' } });
    expect(ok.status).toBe(202);
    const view = await viewUntil('csmanager.a', (v) => v.major === true);
    expect(view.majorReasons).toContain('litigation');
    expect(view.escalationLevel).toBe(2);
  });
});

describe('POST /api/complaints/:id/archive (year-end sealing)', () => {
  it('given a complaint that is not closed, when the CS centre manager seals it, then 409; an assistant gets 403; a non-integer year is a 400 naming year', async () => {
    const before = await system.eventCount();
    const open = await system.request('POST', `/api/complaints/${id}/archive`, { username: 'csmanager.a', body: {} });
    expect(open.status).toBe(409);
    expect((await system.request('POST', `/api/complaints/${id}/archive`, { username: 'assistant.a', body: {} })).status).toBe(403);
    const bad = await system.request('POST', `/api/complaints/${id}/archive`, { username: 'csmanager.a', body: { year: 'last' } });
    expect(bad.status).toBe(400);
    expect([...new Set((bad.body.details as { field: string }[]).map((d) => d.field))]).toEqual(['year']);
    expect(await system.eventCount()).toBe(before);
  });
});

describe('The OpenAPI document describes the new endpoints with answer and error schemas', () => {
  it.each(['/api/complaints/{id}/major', '/api/complaints/{id}/compensations', '/api/complaints/{id}/outreach', '/api/complaints/{id}/archive'])('%s', async (path) => {
    const doc = (await system.request('GET', '/api/docs-json')).body as { paths: Record<string, { post: { responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> } }> };
    const responses = doc.paths[path].post.responses;
    expect(responses['202'].content?.['application/json'].schema.$ref).toBe('#/components/schemas/AcceptedDto');
    for (const status of ['400', '403', '404', '409', '422']) expect(responses[status].content?.['application/json'].schema.$ref).toBe('#/components/schemas/ApiErrorDto');
  });
});
