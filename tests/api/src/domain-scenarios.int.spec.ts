import { DEFAULT_POLICY, callbackQuotaReminderDay } from '@complaints/domain';
import { InProcessSystem } from './support/in-process-system';

/**
 * Issue 14's lifecycle scenarios through the composed API on a real PostgreSQL, with the
 * deadline scheduler running on the test clock (CLOCK_CONTROL): the emergency chain (the
 * department at once, the site head at +5 min, the company head at +10 min, the written report
 * chased at +24 h and then recorded), a late letter whose clock ran from receipt, a plan beyond
 * the special-case cap refused and then recorded as an approved extension, and a major
 * complaint's callback exemption refused.
 */
const system = new InProcessSystem();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type Event = { type: string; data: Record<string, unknown> };

const events = async (id: string): Promise<Event[]> =>
  (await system.sql.query<Event>(`SELECT type, data FROM event_store.events WHERE stream_id = $1 ORDER BY stream_revision`, [`complaint-${id}`])).rows;

const until = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const eventsUntil = (id: string, what: string, done: (all: Event[]) => boolean) =>
  until(what, async () => {
    const all = await events(id);
    return done(all) ? all : undefined;
  }).catch(async (error: Error) => {
    throw new Error(`${error.message}; events: ${JSON.stringify((await events(id)).map((e) => e.type))}`);
  });

const setClock = async (to: number) => {
  const res = await system.request('POST', '/api/admin/clock', { body: { set: new Date(to).toISOString() } });
  expect(res.status).toBe(200);
};

let phones = Math.floor(Math.random() * 1_000_000) * 10;
const register = async (extra: Record<string, unknown> = {}, username = 'assistant.a'): Promise<string> => {
  const res = await system.request('POST', '/api/complaints', {
    username,
    // A phone of its own per complaint: the same contact about the same issue would make it a repeat (major).
    body: { siteId: 'site-a', channel: 'phone', complainant: { name: '孙女士', phone: `139${String(++phones).padStart(8, '0')}`, building: '3', unit: '101' }, title: '地下室水管爆裂', description: '3号楼地下室水管爆裂，水漫车库', ...extra },
  });
  expect(res.status).toBe(201);
  return String(res.body.id);
};

const triage = async (id: string, extra: Record<string, unknown> = {}) => {
  const res = await system.request('POST', `/api/complaints/${id}/triage`, {
    username: 'duty.a',
    body: { nature: 'valid', severity: 'important', urgency: 'normal', category: 'repairs', department: 'engineering', ...extra },
  });
  expect(res.status).toBe(202);
};

beforeAll(async () => {
  await system.start({ SCHEDULER_ENABLED: 'true', SCHEDULER_INTERVAL_MS: '150', CLOCK_CONTROL: 'true' });
}, 60_000);

afterAll(async () => {
  await system.stop();
});

describe('The emergency chain on the test clock (seed: department within 3 minutes, site head 5, company head 10, written report within 24 h / 48 h)', () => {
  it('should tell the department at once, raise the emergency at +5 and +10 minutes, chase the missing written report at +24 h, and take the report', async () => {
    const t0 = Date.now();
    await setClock(t0);
    const id = await register();
    await triage(id, { urgency: 'emergency' });

    const notified = await eventsUntil(id, 'the department notice', (all) => all.some((e) => e.type === 'EmergencyDepartmentNotified'));
    const notice = notified.find((e) => e.type === 'EmergencyDepartmentNotified') as Event;
    expect(notice.data).toMatchObject({ department: 'engineering', notifyRole: 'department_head', late: false });
    const receivedAt = Date.parse(String(notified[0].data.receivedAt));
    expect(Date.parse(String(notice.data.dueBy))).toBe(receivedAt + 3 * MINUTE);
    expect(notified.some((e) => e.type === 'ComplaintEscalated')).toBe(false);

    await setClock(receivedAt + 5 * MINUTE + 1_000);
    const atFive = await eventsUntil(id, 'the site head escalation', (all) => all.some((e) => e.type === 'ComplaintEscalated'));
    expect(atFive.filter((e) => e.type === 'ComplaintEscalated').map((e) => e.data.escalatedTo)).toEqual(['general_manager']);

    await setClock(receivedAt + 10 * MINUTE + 1_000);
    const atTen = await eventsUntil(id, 'the company head escalation', (all) => all.filter((e) => e.type === 'ComplaintEscalated').length >= 2);
    expect(atTen.filter((e) => e.type === 'ComplaintEscalated' && String(e.data.reason).startsWith('emergency chain')).map((e) => e.data.escalatedTo)).toEqual([
      'general_manager',
      'leadership',
    ]);

    await setClock(receivedAt + 24 * HOUR + MINUTE);
    const chased = await eventsUntil(id, 'the chase of the written report', (all) => all.some((e) => e.type === 'DeadlineChased' && e.data.deadline === 'writtenReport'));
    expect(chased.filter((e) => e.type === 'DeadlineChased' && e.data.deadline === 'writtenReport').map((e) => e.data.notifyDepartment)).toEqual(['engineering']);

    // The notifications: the department's emergency notice among the chase and escalation notices, each once.
    const kinds = await until('the notifications', async () => {
      const { rows } = await system.sql.query<{ kind: string }>(`SELECT kind FROM handling.notifications WHERE complaint_id = $1`, [id]);
      return rows.some((r) => r.kind === 'emergency') && rows.some((r) => r.kind === 'chase') ? rows.map((r) => r.kind) : undefined;
    });
    expect(kinds.filter((k) => k === 'emergency')).toHaveLength(1);

    // The written report: refused empty (400 naming summary) and to a role outside the reporting line, then recorded (late).
    const empty = await system.request('POST', `/api/complaints/${id}/written-reports`, { username: 'enghead.a', body: { summary: '' } });
    expect([empty.status, (empty.body.details as { field: string }[]).map((d) => d.field)]).toEqual([400, ['summary']]);
    expect((await system.request('POST', `/api/complaints/${id}/written-reports`, { username: 'auditor', body: { summary: '报告' } })).status).toBe(403);
    const ok = await system.request('POST', `/api/complaints/${id}/written-reports`, { username: 'enghead.a', body: { summary: '02:10 接报，02:12 工程部到场关阀，无人员受伤' } });
    expect(ok.status).toBe(202);
    const reported = (await events(id)).filter((e) => e.type === 'WrittenReportRecorded');
    expect(reported.map((e) => [e.data.report, e.data.late])).toEqual([[1, true]]);

    // The scheduler keeps ticking: nothing in the chain happened twice.
    await new Promise((r) => setTimeout(r, 600));
    const all = await events(id);
    const keys = all.map((e) => e.data.key).filter((k): k is string => typeof k === 'string');
    expect(new Set(keys).size).toBe(keys.length);
    await setClock(Date.now());
  }, 400_000);

  it('should refuse a written report for a complaint that is not an emergency (409)', async () => {
    const id = await register({ title: '路灯不亮', description: '5号楼前路灯不亮' });
    await triage(id);
    const res = await system.request('POST', `/api/complaints/${id}/written-reports`, { username: 'csmanager.a', body: { summary: '报告' } });
    expect(res.status).toBe(409);
  });
});

describe('A letter registered two days after it arrived (deadlines count from receipt, 接报后)', () => {
  it('should have its first reply overdue and chased at once, not 24 h after the registration', async () => {
    await setClock(Date.now());
    const receivedAt = new Date(Date.now() - 50 * HOUR).toISOString();
    const id = await register({ channel: 'letter', receivedAt, title: '来信反映电梯异响', description: '信中反映2号楼电梯运行有异响' });
    const chased = await eventsUntil(id, 'the first reply to be chased', (all) => all.some((e) => e.type === 'DeadlineChased' && e.data.deadline === 'firstReply'));
    const chase = chased.find((e) => e.type === 'DeadlineChased') as Event;
    expect(chase.data.dueAt).toBe(new Date(Date.parse(receivedAt) + 24 * HOUR).toISOString());
  }, 120_000);
});

describe('A rectification plan beyond the special-case cap (seed: 7 working days for special cases)', () => {
  it('should refuse the handler a date past the cap (422 naming dueAt), then take it from the CS centre manager as an approved extension', async () => {
    await setClock(Date.now());
    const id = await register({ title: '外墙大面积渗水', description: '1802室外墙渗水，需搭架施工' });
    await triage(id);
    const far = new Date(Date.now() + 40 * 24 * HOUR).toISOString();
    const refused = await system.request('POST', `/api/complaints/${id}/plan`, { username: 'handler.a', body: { measures: '搭架修补外墙防水层', dueAt: far } });
    expect([refused.status, (refused.body.details as { field: string }[]).map((d) => d.field)]).toEqual([422, ['dueAt']]);
    const approved = await system.request('POST', `/api/complaints/${id}/plan`, { username: 'csmanager.a', body: { measures: '搭架修补外墙防水层（经理批准延期）', dueAt: far } });
    expect(approved.status).toBe(202);
    const plan = (await events(id)).find((e) => e.type === 'RectificationPlanRecorded') as Event;
    expect(Date.parse(String((plan.data.deadlines as Record<string, string>).resolve))).toBe(Date.parse(far));
    expect(plan.data.extension).toEqual({ onTimeLimit: expect.any(String) });
    expect(Date.parse(String((plan.data.extension as { onTimeLimit: string }).onTimeLimit))).toBeLessThan(Date.parse(far));
  });
});

describe('A major complaint (12 households) and its callback exemption (seed: major complaints require an on-site visit)', () => {
  it('should refuse the exemption (naming reason) and leave the complaint open for its visit', async () => {
    await setClock(Date.now());
    const id = await register({ householdCount: 12, title: '12户联名投诉电梯长期故障', description: '2号楼12户业主联名投诉电梯频繁停运' });
    await triage(id);
    const resolved = await system.request('POST', `/api/complaints/${id}/resolve`, {
      username: 'handler.a',
      body: { resolution: '更换主板', rootCause: '主板老化', responsibleDepartment: 'engineering', correctiveActions: '更换主板', preventiveActions: '季度检测' },
    });
    expect(resolved.status).toBe(202);
    const before = (await events(id)).length;
    const refused = await system.request('POST', `/api/complaints/${id}/callback-exemption`, { username: 'csmanager.a', body: { reason: 'sensitive', note: '业主情绪激动' } });
    expect(refused.status).toBe(422);
    expect((refused.body.details as { field: string }[]).map((d) => d.field)).toEqual(['reason']);
    const after = await events(id);
    expect(after.length).toBe(before);
    expect(after.some((e) => e.type === 'ComplaintMarkedMajor' || (e.type === 'ComplaintTriaged' && e.data.major === true))).toBe(true);
  });
});

describe('A correction that clears an optional field (records are never altered: 不得随意涂改)', () => {
  it('should take null for the location (202, the entry keeps the previous value), refuse null for the title (422 naming value) and a missing value (400 naming value)', async () => {
    const id = await register({ location: '3号楼大堂', title: '大堂地面湿滑', description: '大堂地面湿滑无警示' });
    const cleared = await system.request('POST', `/api/complaints/${id}/corrections`, { username: 'assistant.a', body: { field: 'location', value: null, reason: '地点登记错误' } });
    expect(cleared.status).toBe(202);
    const correction = (await events(id)).find((e) => e.type === 'ComplaintCorrected') as Event;
    expect(correction.data).toMatchObject({ field: 'location', previousValue: '3号楼大堂', value: null });
    const required = await system.request('POST', `/api/complaints/${id}/corrections`, { username: 'assistant.a', body: { field: 'title', value: null, reason: '清除' } });
    expect([required.status, (required.body.details as { field: string }[]).map((d) => d.field)]).toEqual([422, ['value']]);
    const missing = await system.request('POST', `/api/complaints/${id}/corrections`, { username: 'assistant.a', body: { field: 'location', reason: '清除' } });
    expect([missing.status, (missing.body.details as { field: string }[]).map((d) => d.field)]).toEqual([400, ['value']]);
  });
});

describe('One phone rule (the policy’s intake.phonePattern) at registration and in a correction', () => {
  it('should refuse the same malformed number in both with a 4xx naming the field, and take a landline with its extension in both', async () => {
    const bad = '(021)62345678';
    const registration = await system.request('POST', '/api/complaints', {
      username: 'assistant.a',
      body: { siteId: 'site-a', channel: 'phone', complainant: { name: '周先生', phone: bad }, title: '电话格式', description: '电话格式检查' },
    });
    expect([registration.status, (registration.body.details as { field: string }[]).map((d) => d.field)]).toEqual([422, ['complainant.phone']]);
    const id = await register({ complainant: { name: '周先生', phone: '021-62345678 转 123' } });
    const correction = await system.request('POST', `/api/complaints/${id}/corrections`, { username: 'assistant.a', body: { field: 'complainant.phone', value: bad, reason: '电话记错' } });
    expect([correction.status, (correction.body.details as { field: string }[]).map((d) => d.field)]).toEqual([422, ['value']]);
    const good = await system.request('POST', `/api/complaints/${id}/corrections`, { username: 'assistant.a', body: { field: 'complainant.phone', value: '+86 138 0013 8000', reason: '电话记错' } });
    expect(good.status).toBe(202);
  });
});

describe('Month-end reminder of the managers’ callback minimums (seed: CS centre manager ≥ 3 callbacks a month, general manager ≥ 1)', () => {
  it('should remind the CS centre manager below the minimum once in the last days of the month, and nobody earlier', async () => {
    await setClock(Date.now());
    const id = await register({ title: '单元门禁损坏', description: '2单元门禁无法关闭' });
    await triage(id);
    const resolved = await system.request('POST', `/api/complaints/${id}/resolve`, {
      username: 'handler.a',
      body: { resolution: '更换门禁锁', rootCause: '锁体损坏', responsibleDepartment: 'engineering', correctiveActions: '更换', preventiveActions: '巡检' },
    });
    expect(resolved.status).toBe(202);
    const called = await system.request('POST', `/api/complaints/${id}/callbacks`, { username: 'csmanager.a', body: { method: 'phone', reached: true, satisfaction: 2 } });
    expect(called.status).toBe(202);
    await eventsUntil(id, 'the callback', (all) => all.some((e) => e.type === 'CallbackCompleted'));
    // The monthly pack's projection has counted it (the reminder counts the month the same way).
    await until('the callback in the monthly figures', async () => {
      const pack = (await system.request('GET', '/api/reports/monthly?siteId=site-a', { username: 'csmanager.a' })).body as { callbackQuotas?: { role: string; callbacks: number }[] };
      return pack.callbackQuotas?.some((q) => q.role === 'cs_manager' && q.callbacks >= 1) ? true : undefined;
    });
    const list = async (month: string) =>
      (await system.request('GET', `/api/reports/callback-quota-reminders?siteId=site-a&month=${month}`, { username: 'csmanager.a' })).body as unknown as { role: string; callbacks: number; missing: number; daysLeft: number }[];

    // A day of this month outside the reminder days (if today is one), then one inside them (site-local, Asia/Shanghai).
    const DAY = 24 * HOUR;
    const day = (t: number) => callbackQuotaReminderDay(DEFAULT_POLICY, 'Asia/Shanghai', new Date(t).toISOString());
    const month = day(Date.now()).month;
    let inside = Date.now();
    while (!day(inside).remind) inside += DAY;
    if (!day(Date.now()).remind) {
      await new Promise((r) => setTimeout(r, 600));
      expect(await list(month)).toEqual([]);
    }
    await setClock(inside);
    const reminders = await until('the reminder', async () => {
      const rows = await list(month);
      return rows.some((r) => r.role === 'cs_manager') ? rows : undefined;
    });
    const manager = reminders.filter((r) => r.role === 'cs_manager');
    expect(manager).toHaveLength(1);
    expect(manager[0].callbacks).toBeGreaterThanOrEqual(1);
    expect(manager[0].missing).toBe(3 - manager[0].callbacks);
    expect(manager[0].daysLeft).toBeLessThanOrEqual(DEFAULT_POLICY.callback.monthlyMinimumReminderDays);
    // Once a month: later beats add nothing for the same person.
    await new Promise((r) => setTimeout(r, 600));
    expect((await list(month)).filter((r) => r.role === 'cs_manager')).toHaveLength(1);
    expect((await system.request('GET', '/api/reports/callback-quota-reminders?siteId=site-b', { username: 'csmanager.a' })).status).toBe(403);
    await setClock(Date.now());
  }, 300_000);
});
