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
  archive: {
    path: () => `/api/complaints/${complaintId}/archive`,
    username: 'admin',
    valid: { year: 2026 },
    fields: { year: { kind: 'int', min: 1900, max: 2999 } },
  },
  major: {
    path: () => `/api/complaints/${complaintId}/major`,
    username: 'csmanager.a',
    valid: { reasons: ['litigation'], note: '业主委托律师' },
    fields: { reasons: { kind: 'object', required: true }, note: { kind: 'text' } },
  },
  compensations: {
    path: () => `/api/complaints/${complaintId}/compensations`,
    username: 'csmanager.a',
    // amount: any positive finite number is valid (2.5 included), so only the hostile values below probe it.
    valid: { amount: 300, reason: '赔偿维修费' },
    fields: { reason: { kind: 'text', required: true } },
  },
  outreach: {
    path: () => `/api/complaints/${complaintId}/outreach`,
    username: 'assistant.a',
    valid: { kind: 'public_notice', note: '张贴公告' },
    fields: { kind: { kind: 'enum', required: true, values: ['visit', 'public_notice', 'residents_meeting'] }, note: { kind: 'text', required: true } },
  },
  // Records desk (case library, disclosure approval, weekly check): the target complaint is open, so even a valid body is refused (409).
  typicalCase: {
    path: () => '/api/case-library',
    username: 'csmanager.a',
    valid: { complaintId: '00000000-0000-4000-8000-000000000000', summary: '摘要', cause: '原因', lessons: '经验' },
    fields: { complaintId: { kind: 'text', required: true }, summary: { kind: 'text', required: true }, cause: { kind: 'text', required: true }, lessons: { kind: 'text', required: true } },
  },
  typicalCaseUnmark: { path: () => `/api/case-library/${complaintId}/unmark`, username: 'csmanager.a', valid: { reason: '不再典型' }, fields: { reason: { kind: 'text', required: true } } },
  disclosureApproval: {
    path: () => '/api/disclosures/site-a/2026-01/approval',
    username: 'csmanager.a',
    valid: { contentHash: 'a'.repeat(64) },
    fields: { contentHash: { kind: 'text', required: true } },
  },
  weeklyCheckFinding: {
    path: () => '/api/weekly-checks/site-a/2026-W01/findings',
    username: 'supervisor.a',
    valid: { complaintId: '00000000-0000-4000-8000-000000000000', outcome: 'issue', note: '缺回访记录' },
    fields: { complaintId: { kind: 'text', required: true }, outcome: { kind: 'enum', required: true, values: ['ok', 'issue'] }, note: { kind: 'text' } },
  },
  // Records desk (issue 15 §6–7)
  'pack sign-off': {
    path: () => '/api/records/monthly-packs/site-a/2026-01/sign-off',
    username: 'csmanager.a',
    valid: { sha256: 'a'.repeat(64), note: '已审阅' },
    fields: { sha256: { kind: 'text', required: true }, note: { kind: 'text' } },
  },
  'sealed records purge': {
    path: () => '/api/records/year-seals/site-a/2025/purge',
    username: 'admin',
    valid: { complaintIds: ['00000000-0000-4000-8000-000000000000'], reason: '保存期限届满' },
    fields: { complaintIds: { kind: 'object', required: true }, reason: { kind: 'text', required: true } },
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
  // A body whose fields are all optional (archive) has no "missing" variant.
  const missing = required.length === 0 ? wrongValue : fc.constantFrom(...required).map((n) => Object.fromEntries(Object.entries(endpoint.valid).filter(([k]) => k !== n)));
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

/**
 * What an outside probe turned into 500s (issue 13, rows 5 and 9): text PostgreSQL's jsonb
 * refuses (NUL, lone UTF-16 surrogates), JSON nested thousands of levels deep, numbers
 * beyond any bound (1e308, and 1e400 which JSON.parse makes Infinity), and query values out
 * of range. Every one must be a 4xx in docs/api.md's shape, append nothing and consume no number.
 */
const HOSTILE_VALUES: Record<string, string> = {
  nul: '"a\\u0000b"',
  'lone high surrogate': '"x\\ud800"',
  'lone low surrogate': '"\\udc00y"',
  'nested 5,000 deep': `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  'object nested 5,000 deep': `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
  '1e308': '1e308',
  '1e400': '1e400',
  '-1e308': '-1e308',
};
const PLACEHOLDER = '"__HOSTILE__"';

/** The valid body of an endpoint with one value (a top-level field, or one inside `complainant`) replaced by a raw JSON fragment. */
const withHostile = (endpoint: Endpoint, path: string[], fragment: string): string => {
  const body = JSON.parse(JSON.stringify(endpoint.valid)) as Record<string, unknown>;
  let target = body;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[path[path.length - 1]] = '__HOSTILE__';
  return JSON.stringify(body).replace(PLACEHOLDER, fragment);
};

const expectRefused = (label: string, res: { status: number; body: Record<string, unknown>; text: string }) => {
  if (res.status < 400 || res.status >= 500) throw new Error(`${label}: ${res.status} → ${res.text.slice(0, 300)}`);
  if (typeof res.body.message !== 'string' || res.body.statusCode !== res.status) throw new Error(`${label}: error body not in docs/api.md's shape: ${res.text.slice(0, 300)}`);
};

describe('What the outside probe found (NUL, lone surrogates, deep nesting, huge numbers, out-of-range queries)', () => {
  it.each(Object.keys(ENDPOINTS))('should refuse every hostile value in every field of %s with a 4xx, append nothing and consume no number', async (name) => {
    const endpoint = ENDPOINTS[name];
    const before = await system.eventCount();
    const paths = [...Object.keys(endpoint.valid).map((k) => [k]), ...(name === 'register' ? ['name', 'phone', 'email', 'building', 'unit'].map((k) => ['complainant', k]) : [])];
    const failures: string[] = [];
    for (const path of paths) {
      for (const [label, fragment] of Object.entries(HOSTILE_VALUES)) {
        const res = await system.request('POST', endpoint.path(), { username: endpoint.username, raw: withHostile(endpoint, path, fragment) });
        try {
          expectRefused(`${name}.${path.join('.')} = ${label}`, res);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    }
    for (const [label, fragment] of Object.entries(HOSTILE_VALUES)) {
      const res = await system.request('POST', endpoint.path(), { username: endpoint.username, raw: fragment.startsWith('"') || /^-?\d/.test(fragment) ? fragment : fragment });
      try {
        expectRefused(`${name} whole body = ${label}`, res);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    expect(failures).toEqual([]);
    expect(await system.eventCount()).toBe(before);
  }, 120_000);

  it('should refuse a correction of householdCount beyond registration\'s bounds (1e308 would mark the complaint major)', async () => {
    const before = await system.eventCount();
    for (const value of [1e308, 1_000_001, 0, -3, 2.5]) {
      const res = await system.request('POST', `/api/complaints/${complaintId}/corrections`, { username: 'assistant.a', body: { field: 'householdCount', value, reason: '探测' } });
      expectRefused(`householdCount = ${value}`, res);
    }
    expect(await system.eventCount()).toBe(before);
  });

  it('should refuse nesting 5,000 deep on the sign-in endpoint with a 400', async () => {
    const res = await system.request('POST', '/api/auth/login', { raw: `{"username":${'['.repeat(5_000)}${']'.repeat(5_000)},"password":"x"}` });
    expectRefused('login nested', res);
    const whole = await system.request('POST', '/api/auth/login', { raw: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}` });
    expectRefused('login whole body nested', whole);
  });

  it.each([
    '/api/complaints?page=1e21',
    '/api/complaints?pageSize=1e21',
    '/api/complaints?q=%00',
    '/api/complaints?siteId=site%00a',
    '/api/callbacks?siteId=site-a&dueBefore=0000-01-01',
    '/api/callbacks?siteId=site-a&page=1e21',
    '/api/callbacks?siteId=site-a&pageSize=1e21',
    '/api/reports/monthly?siteId=site-a&month=0000-01',
    '/api/reports/monthly?siteId=site-a&month=9999-12',
    '/api/reports/monthly?month=0000-01',
    '/api/reports/monthly?siteId=site-a&month=10000-01',
    '/api/complaints/00000000-0000-4000-8000-000000000000/history?asOf=0000-01-01',
    '/api/dashboards/department?siteId=site%00a',
    '/api/complaints/%00',
    '/api/complaints/%00/history',
  ])('should answer GET %s with a 4xx, never a 500', async (path) => {
    const res = await system.request('GET', path, { username: 'admin' });
    expectRefused(path, res);
  });

  it('should give the next registration the next number: refused requests consumed none', async () => {
    const first = await system.request('POST', '/api/complaints', { username: 'assistant.a', body: ENDPOINTS.register.valid });
    const hostile = await system.request('POST', '/api/complaints', { username: 'assistant.a', raw: withHostile(ENDPOINTS.register, ['title'], HOSTILE_VALUES.nul) });
    expectRefused('register with NUL', hostile);
    const surrogate = await system.request('POST', '/api/complaints', { username: 'assistant.a', raw: withHostile(ENDPOINTS.register, ['complainant', 'name'], HOSTILE_VALUES['lone high surrogate']) });
    expectRefused('register with a lone surrogate', surrogate);
    const second = await system.request('POST', '/api/complaints', { username: 'assistant.a', body: ENDPOINTS.register.valid });
    expect([first.status, second.status]).toEqual([201, 201]);
    const serial = (n: unknown) => Number(String(n).split('-').pop());
    expect(serial(second.body.number)).toBe(serial(first.body.number) + 1);
  });
});
