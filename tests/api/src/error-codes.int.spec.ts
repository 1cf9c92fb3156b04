import { isKnownCode, renderMessage } from '@complaints/contracts';
import { InProcessSystem } from './support/in-process-system';

/**
 * Every error body carries, beside its English `message`, a stable `code` and `params` of
 * the shared message catalogue (and each field problem its `code`), so the dashboard shows
 * it in the reader's language. Through the composed API on a real PostgreSQL.
 */
const system = new InProcessSystem();
let id = '';

beforeAll(async () => {
  await system.start();
  const reg = await system.request('POST', '/api/complaints', {
    username: 'assistant.a',
    body: { siteId: 'site-a', channel: 'phone', complainant: { name: '孙女士', phone: '13800000088', building: '2', unit: '201' }, title: '门禁失灵', description: '单元门禁刷卡无反应' },
  });
  expect(reg.status).toBe(201);
  id = String(reg.body.id);
}, 60_000);

afterAll(async () => {
  await system.stop();
});

type ErrorBody = { statusCode: number; message: string; code: string; params: Record<string, unknown>; details?: { field: string; problem: string; code: string }[] };

/** The body is the documented shape: the English message kept, a catalogue code both languages can render. */
const coded = (res: { status: number; body: Record<string, unknown> }): ErrorBody => {
  const body = res.body as unknown as ErrorBody;
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  expect(isKnownCode(body.code)).toBe(true);
  expect(body.params).toEqual(expect.any(Object));
  for (const d of body.details ?? []) expect(isKnownCode(d.code)).toBe(true);
  return body;
};

describe('Error bodies carry a catalogue code and parameters beside the English message', () => {
  it('given a body with a missing and an unknown field, then 400 error.validation, each field problem with its code', async () => {
    const res = await system.request('POST', '/api/complaints', { username: 'assistant.a', body: { siteId: 'site-a', channel: 'phone', title: '', colour: 'red' } });
    expect(res.status).toBe(400);
    const body = coded(res);
    expect(body.code).toBe('error.validation');
    expect(body.params.fields).toEqual(expect.arrayContaining(['colour', 'description']));
    expect(body.details?.find((d) => d.field === 'colour')?.code).toBe('problem.unknown_field');
    expect(body.details?.filter((d) => d.field === 'description').map((d) => d.code)).toContain('problem.required');
  });

  it('given malformed JSON, then 400 error.malformed_json', async () => {
    const res = await system.request('POST', '/api/complaints', { username: 'assistant.a', raw: '{"siteId":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(coded(res).code).toBe('error.malformed_json');
  });

  it('given no token or a wrong password, then 401 error.unauthorized / error.wrong_credentials', async () => {
    expect(coded(await system.request('GET', `/api/complaints/${id}`)).code).toBe('error.unauthorized');
    const login = await system.request('POST', '/api/auth/login', { body: { username: 'duty.a', password: 'wrong-password' } });
    expect(login.status).toBe(401);
    expect(coded(login)).toMatchObject({ code: 'error.wrong_credentials', message: 'Wrong username or password' });
  });

  it('given a site-b user reading a site-a complaint, then 403 error.outside_scope; a role that may not triage, 403 error.forbidden.role', async () => {
    const other = await system.request('GET', `/api/complaints/${id}/triage/suggestion`, { username: 'assistant.b' });
    expect(other.status).toBe(403);
    expect(coded(other).code).toBe('error.outside_scope');
    const handler = await system.request('POST', `/api/complaints/${id}/triage`, {
      username: 'handler.a',
      body: { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'facilities', department: 'engineering' },
    });
    expect(handler.status).toBe(403);
    expect(coded(handler).code).toBe('error.forbidden.role');
  });

  it('given an unknown complaint, then 404 error.complaint_not_found', async () => {
    const res = await system.request('GET', '/api/complaints/00000000-0000-4000-8000-000000000000/triage/suggestion', { username: 'duty.a' });
    expect(res.status).toBe(404);
    expect(coded(res).code).toBe('error.complaint_not_found');
  });

  it('given a complaint not yet triaged, when it is resolved on the spot… (a status the action does not allow), then 409 error.invalid_state naming the status as a code, rendered in both languages', async () => {
    const res = await system.request('POST', `/api/complaints/${id}/archive`, { username: 'csmanager.a', body: {} });
    expect(res.status).toBe(409);
    const body = coded(res);
    expect(body).toMatchObject({ code: 'error.invalid_state', params: { status: 'registered' } });
    expect(body.message).toContain('registered');
    expect(renderMessage('zh', body.code, body.params as never)).toBe('投诉当前状态为“已登记”，不允许此操作。');
    expect(renderMessage('en', body.code, body.params as never)).toBe('Not allowed while the complaint is “Registered”.');
  });

  it('given a domain rule broken by the data, then 422 error.validation with the field named', async () => {
    const triaged = await system.request('POST', `/api/complaints/${id}/triage`, {
      username: 'duty.a',
      body: { nature: 'valid', invalidReason: 'rumour', severity: 'minor', urgency: 'normal', category: 'facilities', department: 'engineering' },
    });
    expect(triaged.status).toBe(422);
    const body = coded(triaged);
    expect(body.code).toBe('error.validation');
    expect(body.details?.map((d) => d.field)).toContain('invalidReason');
  });
});
