import fc from 'fast-check';
import { InProcessSystem } from './support/in-process-system';

/**
 * Hostile input: thousands of malformed bodies sent to every write endpoint. Each body is
 * a valid one with one defect (a wrong type, a missing or unknown field, an out-of-range
 * value, an oversized text, a bad date…), or random JSON, or not JSON at all. Every answer
 * must be a 4xx in docs/api.md's error shape — never a 500 — and nothing may be appended.
 */
const system = new InProcessSystem();
let complaintId = '';

/** How a field is validated: what makes a value of it wrong. */
type Kind = 'text' | 'enum' | 'bool' | 'int' | 'date' | 'object' | 'any';
type Field = { kind: Kind; required?: boolean; values?: readonly string[]; min?: number; max?: number };
type Endpoint = { path: () => string; valid: Record<string, unknown>; fields: Record<string, Field>; username: string };

const ENDPOINTS: Record<string, Endpoint> = {
  register: {
    path: () => '/api/complaints',
    username: 'assistant.a',
    valid: { siteId: 'site-a', channel: 'phone', complainant: { name: '张三', phone: '13800138000', building: '1', unit: '101' }, title: '噪音', description: '楼上噪音', householdCount: 1 },
    fields: {
      siteId: { kind: 'text', required: true },
      channel: { kind: 'enum', required: true, values: ['phone', 'visit', 'wechat'] },
      complainant: { kind: 'object', required: true },
      title: { kind: 'text', required: true },
      description: { kind: 'text', required: true },
      householdCount: { kind: 'int', min: 1, max: 1_000_000 },
      receivedAt: { kind: 'date' },
      location: { kind: 'text' },
      firstContactOwner: { kind: 'object' },
    },
  },
  correction: {
    path: () => `/api/complaints/${complaintId}/corrections`,
    username: 'assistant.a',
    valid: { field: 'title', value: '新标题', reason: '登记有误' },
    fields: { field: { kind: 'text', required: true }, value: { kind: 'any', required: true }, reason: { kind: 'text', required: true } },
  },
  triage: {
    path: () => `/api/complaints/${complaintId}/triage`,
    username: 'duty.a',
    valid: { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'noise', department: 'security' },
    fields: {
      nature: { kind: 'enum', required: true, values: ['valid', 'to_be_improved', 'invalid'] },
      severity: { kind: 'enum', required: true, values: ['minor', 'important', 'major'] },
      urgency: { kind: 'enum', required: true, values: ['normal', 'urgent', 'emergency'] },
      category: { kind: 'text', required: true },
      department: { kind: 'text', required: true },
    },
  },
  referral: { path: () => `/api/complaints/${complaintId}/triage/referral`, username: 'duty.a', valid: { reason: '无法判断' }, fields: { reason: { kind: 'text', required: true } } },
  replies: {
    path: () => `/api/complaints/${complaintId}/replies`,
    username: 'csmanager.a',
    valid: { kind: 'first', message: '已处理', resolvedOnSpot: false },
    fields: { kind: { kind: 'enum', required: true, values: ['first', 'second', 'progress'] }, message: { kind: 'text', required: true }, resolvedOnSpot: { kind: 'bool' } },
  },
  plan: {
    path: () => `/api/complaints/${complaintId}/plan`,
    username: 'csmanager.a',
    valid: { measures: '整改', dueAt: '2030-01-01T00:00:00+08:00' },
    fields: { measures: { kind: 'text', required: true }, dueAt: { kind: 'date', required: true } },
  },
  resolve: {
    path: () => `/api/complaints/${complaintId}/resolve`,
    username: 'csmanager.a',
    valid: { resolution: '已解决', rootCause: '老化', responsibleDepartment: 'security', correctiveActions: '更换', preventiveActions: '巡检' },
    fields: {
      resolution: { kind: 'text', required: true },
      rootCause: { kind: 'text' },
      responsibleDepartment: { kind: 'text' },
      correctiveActions: { kind: 'text' },
      preventiveActions: { kind: 'text' },
    },
  },
  escalate: { path: () => `/api/complaints/${complaintId}/escalate`, username: 'csmanager.a', valid: { reason: '升级' }, fields: { reason: { kind: 'text', required: true } } },
  reassign: {
    path: () => `/api/complaints/${complaintId}/reassign`,
    username: 'duty.a',
    valid: { department: 'security', reason: '职责' },
    fields: { department: { kind: 'text', required: true }, reason: { kind: 'text', required: true } },
  },
  callbacks: {
    path: () => `/api/complaints/${complaintId}/callbacks`,
    username: 'assistant.a',
    valid: { method: 'phone', reached: true, satisfaction: 2 },
    fields: { method: { kind: 'enum', required: true, values: ['phone', 'visit', 'message_board', 'other'] }, reached: { kind: 'bool', required: true }, satisfaction: { kind: 'int', min: 1, max: 5 } },
  },
  exemption: {
    path: () => `/api/complaints/${complaintId}/callback-exemption`,
    username: 'assistant.a',
    valid: { reason: 'sensitive', note: '敏感' },
    fields: { reason: { kind: 'enum', required: true, values: ['on_spot_confirmed', 'anonymous', 'no_contact', 'sensitive'] }, note: { kind: 'text' } },
  },
  erasure: {
    path: () => `/api/complaints/${complaintId}/personal-data/erasure`,
    username: 'admin',
    valid: { reason: '业主申请删除个人信息' },
    fields: { reason: { kind: 'text', required: true } },
  },
};

const notA = {
  text: fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 })),
  bool: fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant('true')),
  date: fc.oneof(fc.constantFrom('tomorrow', '2026-13-45T99:99:99Z', '2026-02-30', '', '12:00'), fc.integer(), fc.boolean()),
  object: fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant([1, 2])),
};

/** A value the field's validation must refuse. */
const invalidFor = (field: Field) => {
  const base = field.required ? fc.oneof(fc.constant(null), fc.constant('')) : fc.constant(undefined);
  switch (field.kind) {
    case 'text':
      return fc.oneof(notA.text, fc.constant('x'.repeat(20_000)), ...(field.required ? [fc.constant(''), fc.constant(null)] : []));
    case 'enum':
      return fc.oneof(fc.string({ maxLength: 12 }).filter((v) => !field.values?.includes(v)), fc.integer(), fc.constant(null));
    case 'bool':
      return field.required ? fc.oneof(notA.bool, fc.constant(null)) : notA.bool;
    case 'int':
      return fc.oneof(fc.integer({ max: (field.min ?? 0) - 1 }), fc.integer({ min: (field.max ?? 0) + 1 }), fc.constantFrom(2.5, 'three'), fc.boolean());
    case 'date':
      return field.required ? fc.oneof(notA.date, fc.constant(null)) : notA.date;
    case 'object':
      return field.required ? fc.oneof(notA.object, fc.constant(null)) : notA.object;
    case 'any':
      return base;
  }
};

/** A valid body with exactly one defect that validation must catch. */
const mutated = (endpoint: Endpoint) => {
  const names = Object.keys(endpoint.fields);
  const keys = Object.keys(endpoint.valid);
  const wrongValue = fc.constantFrom(...names.filter((n) => endpoint.fields[n].kind !== 'any')).chain((n) =>
    invalidFor(endpoint.fields[n]).map((v) => ({ ...endpoint.valid, [n]: v })),
  );
  const required = names.filter((n) => endpoint.fields[n].required);
  const missing = fc.constantFrom(...required).map((n) => Object.fromEntries(Object.entries(endpoint.valid).filter(([k]) => k !== n)));
  const unknown = fc
    .tuple(fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !keys.includes(k) && !['__proto__', 'constructor'].includes(k)), fc.jsonValue({ maxDepth: 1 }))
    .map(([k, v]) => ({ ...endpoint.valid, [k]: v }));
  return fc.oneof(wrongValue, missing, unknown);
};

const anyBody = (endpoint: Endpoint) =>
  fc.oneof(
    { weight: 6, arbitrary: mutated(endpoint).map((b) => ({ raw: JSON.stringify(b) })) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length > 0).map((v) => ({ raw: JSON.stringify(v) })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((raw) => ({ raw: `${raw}{` })) },
  );

beforeAll(async () => {
  await system.start();
  const res = await system.request('POST', '/api/complaints', { username: 'assistant.a', body: ENDPOINTS.register.valid });
  expect(res.status).toBe(201);
  complaintId = String(res.body.id);
}, 60_000);

afterAll(async () => {
  await system.stop();
});

describe('Hostile input on every write endpoint', () => {
  it.each(Object.keys(ENDPOINTS))('should answer every malformed body to %s with a 4xx naming the problem, never a 500, and append nothing', async (name) => {
    const endpoint = ENDPOINTS[name];
    const before = await system.eventCount();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(anyBody(endpoint), async ({ raw }) => {
        sent++;
        const res = await system.request('POST', endpoint.path(), { username: endpoint.username, raw });
        if (res.status < 400 || res.status >= 500) throw new Error(`${name}: ${res.status} for ${raw.slice(0, 200)} → ${res.text.slice(0, 300)}`);
        if (typeof res.body.message !== 'string' || res.body.statusCode !== res.status) throw new Error(`${name}: error body not in docs/api.md's shape: ${res.text.slice(0, 300)}`);
        if (/at \S+ \(|\bSELECT\b|\bINSERT\b|stack/i.test(res.text)) throw new Error(`${name}: internals leaked: ${res.text.slice(0, 300)}`);
      }),
      { numRuns: 300, seed: 20261123 },
    );
    expect(sent).toBeGreaterThanOrEqual(300);
    expect(await system.eventCount()).toBe(before);
  }, 120_000);
});
