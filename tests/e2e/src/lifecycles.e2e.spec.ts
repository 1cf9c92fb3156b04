import { eventually, kafkaBrokers, kafkaSkipReason, startServiceProcess } from '@complaints/testing';
import { ACTORS, FiveProcessSystem, complaintBody } from './support/five-process-system';

/**
 * Whole complaint lifecycles through the public HTTP API of five separate service
 * processes on the real Kafka broker and PostgreSQL (issue "The four writing services").
 * The handling process runs with a controllable clock so deadlines can fall due.
 */
const brokers = kafkaBrokers();
const describeKafka = brokers ? describe : describe.skip;
if (!brokers) console.warn(`\n*** lifecycle e2e SKIPPED: ${kafkaSkipReason()} ***\n`);

const DAY = 86_400_000;
const shanghaiDate = (iso: string) => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

describeKafka('Complaint lifecycles across five processes (real Kafka, real PostgreSQL)', () => {
  const system = new FiveProcessSystem();

  beforeAll(async () => {
    await system.start(brokers ?? [], { handling: { CLOCK_CONTROL: 'true', SCHEDULER_INTERVAL_MS: '250' } });
    console.log(`lifecycle e2e: broker ${brokers?.join(',')}, topics ${system.topicPrefix}.*, ${system.describe()}`);
  }, 180_000);

  afterAll(async () => {
    await system.stop();
  });

  const triage = (id: string, overrides: Record<string, unknown> = {}) =>
    system.post(`/api/complaints/${id}/triage`, { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering', ...overrides }, ACTORS.duty);

  it('should take a normal valid complaint from registration to closed, with a root cause and the complainant accepting', async () => {
    const { id, number } = await system.register(complaintBody());
    expect(number).toMatch(/^SITEA-\d{6}-\d{3}$/);
    await triage(id);
    await system.post(`/api/complaints/${id}/replies`, { kind: 'first', message: '已安排电工明天上午维修', resolvedOnSpot: false, nextReplyDueAt: new Date(Date.now() + DAY).toISOString() }, ACTORS.handler);
    await system.post(`/api/complaints/${id}/plan`, { measures: '更换灯具并检查线路', dueAt: new Date(Date.now() + 2 * DAY).toISOString() }, ACTORS.handler);
    await system.post(`/api/complaints/${id}/resolve`, { resolution: '已更换灯具', rootCause: '灯具老化', responsibleDepartment: 'engineering', correctiveActions: '更换', preventiveActions: '每月巡检' }, ACTORS.handler);
    await system.post(`/api/complaints/${id}/callbacks`, { method: 'phone', reached: true, satisfaction: 2, comment: '满意' }, ACTORS.assistant);

    const view = await system.view(id, (v) => v.status === 'closed', 'closed');
    expect(view).toMatchObject({ status: 'closed', nature: 'valid', satisfaction: 2, reopenCount: 0 });
    expect(await system.eventTypes(id)).toEqual([
      'ComplaintRegistered',
      'ComplaintTriaged',
      'FirstReplyGiven',
      'RectificationPlanRecorded',
      'ComplaintResolved',
      'CallbackCompleted',
      'ComplaintClosed',
    ]);
    const verify = await system.request('GET', `/api/complaints/${id}/verify`);
    expect(verify.body).toEqual({ valid: true, events: 7 });
  });

  it('should handle an urgent outage the same day: the suggestion says urgent and every deadline falls on the day of receipt', async () => {
    const { id } = await system.register(complaintBody({ title: '整栋楼停电', description: '3号楼突然停电，电梯也停了' }));
    const suggestion = await system.request('GET', `/api/complaints/${id}/triage/suggestion`);
    expect(suggestion.status).toBe(200);
    expect(suggestion.body).toMatchObject({ urgency: 'urgent', category: 'facilities', department: 'engineering' });
    expect((suggestion.body.reasons as string[]).some((r) => r.includes('停电'))).toBe(true);

    const { nature, severity, urgency, category, department } = suggestion.body as Record<string, string>;
    await triage(id, { nature, severity, urgency, category, department });
    const triaged = await system.view(id, (v) => v.status === 'triaged', 'triaged');
    const received = shanghaiDate(triaged.receivedAt as string);
    const deadlines = triaged.deadlines as Record<string, string | null>;
    expect(shanghaiDate(deadlines.firstReply as string)).toBe(received);
    expect(shanghaiDate(deadlines.resolve as string)).toBe(received);
    expect(shanghaiDate(deadlines.plan as string)).toBe(received); // urgent measures the same day too

    // Dealt with on the spot: the first reply resolves it; only the callback remains.
    await system.post(`/api/complaints/${id}/replies`, { kind: 'first', message: '电工已到场，总闸跳闸已复位，供电已恢复', resolvedOnSpot: true }, ACTORS.handler);
    await system.view(id, (v) => v.status === 'resolved', 'resolved on the spot');
    await system.post(`/api/complaints/${id}/callbacks`, { method: 'phone', reached: true, satisfaction: 1 }, ACTORS.assistant);
    await system.view(id, (v) => v.status === 'closed', 'closed');
  });

  it('should close an invalid complaint once the explanation is recorded, with no callback', async () => {
    const { id } = await system.register(complaintBody({ title: '小区要拆迁', description: '听说小区要拆迁，物业要涨价' }));
    await triage(id, { nature: 'invalid', invalidReason: 'rumour', category: 'other', department: 'management_office' });
    await system.post(`/api/complaints/${id}/replies`, { kind: 'first', message: '经核实无拆迁计划，已向业主详细解释' }, ACTORS.assistant);
    const view = await system.view(id, (v) => v.status === 'closed', 'closed');
    expect(view.nature).toBe('invalid');
    const types = await system.eventTypes(id);
    expect(types).toContain('InvalidComplaintExplained');
    expect(types).not.toContain('CallbackCompleted');
    expect(types[types.length - 1]).toBe('ComplaintClosed');
  });

  it('should treat a collective complaint as major and accept only an on-site callback by a CS manager', async () => {
    const { id } = await system.register(complaintBody({ title: '地下车库积水', description: '12户业主反映地下车库积水严重', householdCount: 12 }));
    const registered = await system.view(id, (v) => v.major === true, 'major');
    expect(registered.collective).toBe(true);
    await triage(id, { severity: 'major', category: 'facilities' });
    await system.post(`/api/complaints/${id}/resolve`, { resolution: '疏通排水沟并加装水泵', rootCause: '排水沟堵塞', responsibleDepartment: 'engineering', correctiveActions: '疏通排水沟', preventiveActions: '雨季前检查排水' }, ACTORS.handler);

    const byPhone = await system.request('POST', `/api/complaints/${id}/callbacks`, { method: 'phone', reached: true, satisfaction: 2 }, ACTORS.csManager);
    expect([403, 422]).toContain(byPhone.status);
    const byAssistant = await system.request('POST', `/api/complaints/${id}/callbacks`, { method: 'visit', reached: true, satisfaction: 2 }, ACTORS.assistant);
    expect(byAssistant.status).toBe(403);
    expect(await system.eventTypes(id)).not.toContain('CallbackCompleted');
    // Nor can it be closed without the visit through an exemption: the complainants can be visited.
    const exempted = await system.request('POST', `/api/complaints/${id}/callback-exemption`, { reason: 'sensitive', note: '涉及多户' }, ACTORS.csManager);
    expect([exempted.status, exempted.body.details]).toEqual([422, [expect.objectContaining({ field: 'reason' })]]);

    await system.post(`/api/complaints/${id}/callbacks`, { method: 'visit', reached: true, satisfaction: 2, comment: '上门回访' }, ACTORS.csManager);
    await system.view(id, (v) => v.status === 'closed', 'closed');
  });

  it('should send a compensation over the CS centre manager’s limit to the next approver, the general manager, and close with the total approved', async () => {
    const { id } = await system.register(complaintBody({ title: '楼上漏水泡坏地板', description: '1201室卫生间漏水，楼下1101室地板起拱' }));
    await triage(id, { severity: 'important' });
    // The CS centre manager's view offers compensation (the domain's policy); the assistant's does not.
    const managerView = await system.view(id, (v) => v.status === 'triaged', 'triaged', ACTORS.csManager);
    expect(managerView.actions).toContain('compensate');
    expect((await system.view(id, (v) => v.status === 'triaged', 'triaged', ACTORS.assistant)).actions).not.toContain('compensate');

    await system.post(`/api/complaints/${id}/compensations`, { amount: 800, reason: '地板维修费' }, ACTORS.csManager);
    // 800 + 3,000 exceeds the CS centre manager's 1,000 on this complaint: the answer names the next approver.
    const over = await system.request('POST', `/api/complaints/${id}/compensations`, { amount: 3000, reason: '更换整屋地板' }, ACTORS.csManager);
    expect(over.status).toBe(403);
    expect(String(over.body.message)).toContain('general_manager');
    await system.post(`/api/complaints/${id}/compensations`, { amount: 3000, reason: '更换整屋地板' }, ACTORS.generalManager);
    await system.post(`/api/complaints/${id}/outreach`, { kind: 'visit', note: '上门查看1101室地板受损情况' }, ACTORS.assistant);

    const compensated = await system.view(id, (v) => v.compensationTotal === 3800, 'compensation total 3800', ACTORS.csManager);
    expect(compensated.actions).not.toContain('compensate'); // the CS centre manager's limit is used up here
    await system.post(`/api/complaints/${id}/resolve`, { resolution: '已修复漏水并赔偿地板', rootCause: '防水层老化', responsibleDepartment: 'engineering', correctiveActions: '重做防水', preventiveActions: '年度检查' }, ACTORS.handler);
    await system.post(`/api/complaints/${id}/callbacks`, { method: 'phone', reached: true, satisfaction: 2 }, ACTORS.assistant);
    const closed = await system.view(id, (v) => v.status === 'closed', 'closed');
    expect(closed.compensationTotal).toBe(3800);
    const types = await system.eventTypes(id);
    expect(types.filter((t) => t === 'CompensationApproved')).toHaveLength(2);
    expect(types).toContain('OutreachRecorded');
    // The first-contact owner (here the registering assistant) is told the outcome, once.
    const outcome = await eventually(async () => {
      const { rows } = await system.sql.query<{ to_role: string; payload: { toUser?: { id: string }; reason?: string } }>(
        `SELECT to_role, payload FROM handling.notifications WHERE complaint_id = $1 AND kind = 'outcome'`,
        [id],
      );
      return rows.length > 0 ? rows : undefined;
    }, 'the outcome notice to the first-contact owner');
    expect(outcome).toHaveLength(1);
    expect([outcome[0].to_role, outcome[0].payload.reason, typeof outcome[0].payload.toUser?.id]).toEqual(['first_contact_owner', 'accepted', 'string']);
    // Not yet 31 December of the year it closed: sealing is refused and nothing is appended.
    const sealed = await system.request('POST', `/api/complaints/${id}/archive`, {}, ACTORS.csManager);
    expect(new Date().toISOString().slice(5, 10) >= '12-31' ? [202, 422] : [422]).toContain(sealed.status);
  });

  it('should reopen on a dissatisfied callback (4), one escalation level higher, and close on the second round', async () => {
    const { id } = await system.register(complaintBody({ title: '电梯异响', description: '2号楼电梯运行时有异响' }));
    await triage(id, { category: 'facilities' });
    await system.post(`/api/complaints/${id}/resolve`, { resolution: '已调整导轨', rootCause: '导轨松动', responsibleDepartment: 'engineering', correctiveActions: '调整导轨', preventiveActions: '每月保养' }, ACTORS.handler);
    const before = await system.view(id, (v) => v.status === 'resolved', 'resolved');
    await system.post(`/api/complaints/${id}/callbacks`, { method: 'phone', reached: true, satisfaction: 4, comment: '还是有声音' }, ACTORS.assistant);

    const reopened = await system.view(id, (v) => v.status === 'reopened', 'reopened');
    expect(reopened.reopenCount).toBe(1);
    expect(reopened.escalationLevel).toBe((before.escalationLevel as number) + 1);
    expect((reopened.deadlines as Record<string, string | null>).resolve).not.toBeNull();

    await system.post(`/api/complaints/${id}/resolve`, { resolution: '更换导靴', rootCause: '导靴磨损', responsibleDepartment: 'engineering', correctiveActions: '更换导靴', preventiveActions: '每月保养' }, ACTORS.handler);
    await system.post(`/api/complaints/${id}/callbacks`, { method: 'phone', reached: true, satisfaction: 2 }, ACTORS.assistant);
    const closed = await system.view(id, (v) => v.status === 'closed', 'closed');
    expect(closed).toMatchObject({ satisfaction: 2, reopenCount: 1 });
  });

  it('should chase an overdue plan and then escalate it as the clock moves forward, each once, with notifications', async () => {
    const { id } = await system.register(complaintBody({ title: '外墙渗水', description: '1802室外墙渗水' }));
    const dump = async () =>
      JSON.stringify((await system.sql.query(`SELECT type, data->>'deadline' AS d, data->>'key' AS k FROM event_store.events WHERE stream_id = $1 ORDER BY stream_revision`, [`complaint-${id}`])).rows);
    await triage(id);
    await system.post(`/api/complaints/${id}/replies`, { kind: 'first', message: '已登记，安排勘察', nextReplyDueAt: new Date(Date.now() + 20 * DAY).toISOString() }, ACTORS.handler);
    const triaged = await system.view(id, (v) => v.status === 'in_progress', 'in progress');
    const planDue = new Date((triaged.deadlines as Record<string, string>).plan);

    // Past the plan deadline: a chase notice.
    const setClock = async (to: Date) => expect((await system.request('POST', '/api/admin/clock', { set: to.toISOString() })).status).toBe(200);
    await setClock(new Date(planDue.getTime() + 60_000));
    const chaseOfPlan = async () =>
      Number((await system.sql.query(`SELECT count(*) AS n FROM event_store.events WHERE stream_id = $1 AND type = 'DeadlineChased' AND data->>'deadline' = 'plan'`, [`complaint-${id}`])).rows[0].n);
    await eventually(async () => ((await chaseOfPlan()) === 1 ? true : undefined), 'the plan to be chased', 20_000).catch(async (error: Error) => {
      throw new Error(`${error.message}; events: ${await dump()}`);
    });

    // Still overdue days later: escalated one level up the chain. (The follow-up falls due
    // with the plan; deadlines overdue together raise the complaint one level, not one each.)
    await setClock(new Date(planDue.getTime() + 3 * DAY));
    const escalations = async () =>
      Number(
        (
          await system.sql.query(
            `SELECT count(*) AS n FROM event_store.events WHERE stream_id = $1 AND type = 'ComplaintEscalated' AND (data->>'automatic')::boolean AND data->>'deadline' IN ('plan', 'followUp')`,
            [`complaint-${id}`],
          )
        ).rows[0].n,
      );
    await eventually(async () => ((await escalations()) >= 1 ? true : undefined), 'the overdue plan to be escalated', 20_000).catch(async (error: Error) => {
      throw new Error(`${error.message}; events: ${await dump()}`);
    });

    // The scheduler keeps ticking: nothing is chased or escalated twice for the same step.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await chaseOfPlan()).toBe(1);
    const { rows } = await system.sql.query<{ key: string; n: string }>(
      `SELECT data->>'key' AS key, count(*) AS n FROM event_store.events WHERE stream_id = $1 AND type IN ('DeadlineChased', 'ComplaintEscalated') GROUP BY 1`,
      [`complaint-${id}`],
    );
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);

    // Every chase and escalation became a notification, delivered once.
    await eventually(async () => {
      const n = Number((await system.sql.query(`SELECT count(*) AS n FROM handling.notifications WHERE complaint_id = $1`, [id])).rows[0].n);
      return n === rows.length ? n : undefined;
    }, 'a notification per chase and escalation');
    const kinds = (await system.sql.query<{ kind: string }>(`SELECT DISTINCT kind FROM handling.notifications WHERE complaint_id = $1`, [id])).rows.map((r) => r.kind).sort();
    expect(kinds).toEqual(['chase', 'escalation']);
    await setClock(new Date());
  }, 90_000);

  it('should link a repeat complaint (same contact, same issue) to its predecessor and treat it as major (any repeated complaint is)', async () => {
    // The CS assistant picks the category at intake (categoryHint): same contact + same category = same issue.
    const body = complaintBody({ title: '楼上噪音', description: '楼上噪音太大，晚上十点还很吵', categoryHint: 'noise' });
    const first = await system.register(body);
    await system.view(first.id);
    await eventually(async () => {
      const n = Number((await system.sql.query(`SELECT count(*) AS n FROM intake.contact_index WHERE complaint_id = $1`, [first.id])).rows[0].n);
      return n === 1 ? true : undefined;
    }, 'intake to index the first complaint');
    const second = await system.register({ ...body, title: '噪音又来了', description: '楼上噪音还是很大' });
    const view = await system.view(second.id, (v) => v.major === true, 'major');
    expect(view.repeatOf).toBe(first.id);
    // Major at once: up to the general manager (level 2), whatever the one level a repeat adds.
    expect([view.major, view.escalationLevel]).toEqual([true, 2]);

    const explicit = await system.register(complaintBody({ relatedComplaintId: first.id, title: '同一问题', description: '楼上噪音' }));
    expect((await system.view(explicit.id)).repeatOf).toBe(first.id);
  });

  it('should neither lose nor duplicate a chase or an escalation when handling restarts with deadlines pending, even beside a second scheduler', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { id } = await system.register(complaintBody({ title: `门禁失灵 #${i}`, description: '单元门禁刷卡无反应' }));
      await triage(id, { category: 'facilities' });
      ids.push(id);
    }
    const views = await Promise.all(ids.map((id) => system.view(id, (v) => v.status === 'triaged' && (v.deadlines as Record<string, string | null>).firstReply !== null, 'triaged')));
    const latestFirstReply = Math.max(...views.map((v) => new Date((v.deadlines as Record<string, string>).firstReply).getTime()));
    const handling = system.processes.handling;
    const setClock = async (to: Date) => expect((await system.request('POST', '/api/admin/clock', { set: to.toISOString() })).status).toBe(200);

    // Crash handling with the deadlines pending, bring it back, then let time pass the first replies.
    await handling.kill('SIGKILL');
    await handling.restart();
    await setClock(new Date(latestFirstReply + 60_000));
    const chases = async () =>
      Number((await system.sql.query(`SELECT count(*) AS n FROM event_store.events WHERE stream_id = ANY($1) AND type = 'DeadlineChased' AND data->>'deadline' = 'firstReply'`, [ids.map((id) => `complaint-${id}`)])).rows[0].n);
    await eventually(async () => ((await chases()) === 5 ? true : undefined), 'a first-reply chase for each of the 5 complaints', 30_000);

    // A second scheduler joins, handling crashes again mid-run, time moves past the grace.
    const second = await startServiceProcess('handling', { ...system.env, CLOCK_CONTROL: 'true', SCHEDULER_INTERVAL_MS: '250' });
    try {
      const later = new Date(latestFirstReply + 2 * DAY);
      await fetch(`${second.url}/api/admin/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ set: later.toISOString() }) });
      await setClock(later);
      await new Promise((r) => setTimeout(r, 300));
      await handling.kill('SIGKILL');
      await handling.restart();
      await setClock(later);
      const escalated = async () =>
        Number((await system.sql.query(`SELECT count(DISTINCT stream_id) AS n FROM event_store.events WHERE stream_id = ANY($1) AND type = 'ComplaintEscalated'`, [ids.map((id) => `complaint-${id}`)])).rows[0].n);
      await eventually(async () => ((await escalated()) === 5 ? true : undefined), 'each complaint escalated', 30_000);
      await new Promise((r) => setTimeout(r, 1_500)); // both schedulers keep ticking
    } finally {
      await second.stop();
    }
    const { rows } = await system.sql.query<{ key: string; n: string }>(
      `SELECT data->>'key' AS key, count(*) AS n FROM event_store.events WHERE stream_id = ANY($1) AND type IN ('DeadlineChased', 'ComplaintEscalated') AND data ? 'key' GROUP BY 1`,
      [ids.map((id) => `complaint-${id}`)],
    );
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
    expect(await chases()).toBe(5);
    await setClock(new Date());
  }, 150_000);

  it('should answer a repeated Idempotency-Key with the same complaint, and refuse the key with another body', async () => {
    const body = complaintBody({ title: '水压低', description: '顶楼水压太低' });
    const token = await system.token(ACTORS.assistant);
    const post = (b: unknown, key: string) =>
      fetch(`${system.processes.intake.url}/api/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key, authorization: `Bearer ${token}` },
        body: JSON.stringify(b),
      });
    const key = `e2e-${Date.now()}`;
    const [a, b] = await Promise.all([post(body, key), post(body, key)]);
    const first = (await a.json()) as { id: string; number: string };
    const second = (await b.json()) as { id: string; number: string };
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(second).toEqual(first);
    const third = await post(body, key);
    expect(third.status).toBe(201);
    expect(await third.json()).toEqual(first);
    const other = await post({ ...body, title: '别的问题' }, key);
    expect(other.status).toBe(409);
    expect(await system.eventTypes(first.id)).toEqual(['ComplaintRegistered']);
  });

  it('should refuse malformed bodies on every write endpoint with a 4xx naming the field, and append nothing', async () => {
    const { id } = await system.register(complaintBody());
    await system.view(id);
    const before = await system.eventCount();
    const cases: [string, unknown][] = [
      ['/api/complaints', { siteId: 'site-e2e', channel: 'fax', title: '', description: 'x', complainant: {} }],
      ['/api/complaints', { siteId: 'site-e2e', channel: 'phone', title: 't', description: 'd', complainant: { phone: 12 }, extra: true }],
      [`/api/complaints/${id}/corrections`, { field: 'title' }],
      [`/api/complaints/${id}/triage`, { nature: 'good', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering' }],
      [`/api/complaints/${id}/replies`, { kind: 'third', message: '' }],
      [`/api/complaints/${id}/plan`, { measures: 'x', dueAt: 'tomorrow' }],
      [`/api/complaints/${id}/resolve`, { resolution: 42 }],
      [`/api/complaints/${id}/escalate`, {}],
      [`/api/complaints/${id}/reassign`, { department: '', reason: 'x' }],
      [`/api/complaints/${id}/callbacks`, { method: 'phone', reached: 'yes', satisfaction: 9 }],
      [`/api/complaints/${id}/callback-exemption`, { reason: 'because' }],
    ];
    for (const [path, body] of cases) {
      const res = await system.request('POST', path, body, ACTORS.duty);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(Array.isArray(res.body.details) && (res.body.details as unknown[]).length > 0).toBe(true);
    }
    const notJson = await system.request('POST', `/api/complaints/${id}/replies`, undefined, ACTORS.handler, '{"kind":');
    expect(notJson.status).toBe(400);
    const unknown = await system.request('POST', '/api/complaints/00000000-0000-4000-8000-000000000000/resolve', { resolution: 'x' }, ACTORS.handler);
    expect(unknown.status).toBe(404);
    const wrongState = await system.request('POST', `/api/complaints/${id}/resolve`, { resolution: 'x' }, ACTORS.csManager);
    expect(wrongState.status).toBe(409);
    expect(String(wrongState.body.message)).toContain('registered');
    expect(await system.eventCount()).toBe(before);
  });

  it('should keep staff to their own site and department, and let auditors read but not write', async () => {
    const { id } = await system.register(complaintBody());
    await system.view(id);
    const before = await system.eventCount();
    // Another site's assistant can neither act on nor read this complaint.
    expect((await system.request('POST', `/api/complaints/${id}/triage`, { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering' }, ACTORS.otherSiteAssistant)).status).toBe(403);
    expect((await system.request('GET', `/api/complaints/${id}/triage/suggestion`, undefined, ACTORS.otherSiteAssistant)).status).toBe(403);
    expect((await system.request('POST', '/api/complaints', complaintBody({ siteId: 'site-a' }), ACTORS.otherSiteAssistant)).status).toBe(403);
    // A handler of engineering may not act before the complaint is routed to engineering.
    expect((await system.request('POST', `/api/complaints/${id}/replies`, { kind: 'first', message: '已收到' }, ACTORS.handler)).status).toBe(403);
    // The auditor reads everything and writes nothing.
    expect((await system.request('GET', `/api/complaints/${id}/history`, undefined, ACTORS.auditor)).status).toBe(200);
    expect((await system.request('POST', `/api/complaints/${id}/escalate`, { reason: '稽核' }, ACTORS.auditor)).status).toBe(403);
    // No token, no access (health excepted).
    const anonymous = await fetch(`${system.processes.reporting.url}/api/complaints/${id}`);
    expect(anonymous.status).toBe(401);
    expect((await fetch(`${system.processes.reporting.url}/api/health`)).status).toBe(200);
    expect(await system.eventCount()).toBe(before);
  });

  it('should run the emergency chain on the test clock (department at once, +5 min site head, +10 min company head), start a letter\'s clock at its earlier receipt, and take a plan beyond the cap only as an approved extension', async () => {
    const MINUTE = 60_000;
    const HOUR = 60 * MINUTE;
    const setClock = async (to: number) => expect((await system.request('POST', '/api/admin/clock', { set: new Date(to).toISOString() })).status).toBe(200);
    const events = async (id: string) =>
      (await system.sql.query<{ type: string; data: Record<string, unknown> }>(`SELECT type, data FROM event_store.events WHERE stream_id = $1 ORDER BY stream_revision`, [`complaint-${id}`])).rows;
    const eventsUntil = (id: string, what: string, done: (all: { type: string; data: Record<string, unknown> }[]) => boolean) =>
      eventually(async () => {
        const all = await events(id);
        return done(all) ? all : undefined;
      }, what, 30_000).catch(async (error: Error) => {
        throw new Error(`${error.message}; events: ${JSON.stringify((await events(id)).map((e) => e.type))}`);
      });
    await setClock(Date.now());

    // Three processes started side by side.
    const emergency = await system.register(complaintBody({ title: '地下室水管爆裂', description: '3号楼地下室水管爆裂，水漫车库' }));
    const letterReceivedAt = new Date(Date.now() - 50 * HOUR).toISOString();
    const letter = await system.register(complaintBody({ channel: 'letter', receivedAt: letterReceivedAt, title: '来信反映电梯异响', description: '信中反映2号楼电梯运行有异响' }));
    const special = await system.register(complaintBody({ title: '外墙大面积渗水', description: '1802室外墙渗水，需搭架施工' }));
    await triage(emergency.id, { urgency: 'emergency', severity: 'important' });
    await triage(special.id, { severity: 'important' });

    // Emergency: the department is told at once (due within 3 minutes of receipt), nobody escalated yet.
    const notified = await eventsUntil(emergency.id, 'the department notice', (all) => all.some((e) => e.type === 'EmergencyDepartmentNotified'));
    const notice = notified.find((e) => e.type === 'EmergencyDepartmentNotified') as { data: Record<string, unknown> };
    expect(notice.data).toMatchObject({ department: 'engineering', notifyRole: 'department_head', late: false });
    const receivedAt = Date.parse(String(notified[0].data.receivedAt));
    expect(Date.parse(String(notice.data.dueBy))).toBe(receivedAt + 3 * MINUTE);
    expect(notified.some((e) => e.type === 'ComplaintEscalated')).toBe(false);

    // The letter: its first reply was due 24 h after it arrived, not after its registration — chased at once.
    const chased = await eventsUntil(letter.id, 'the letter\'s first reply to be chased', (all) => all.some((e) => e.type === 'DeadlineChased' && e.data.deadline === 'firstReply'));
    expect((chased.find((e) => e.type === 'DeadlineChased') as { data: Record<string, unknown> }).data.dueAt).toBe(new Date(Date.parse(letterReceivedAt) + 24 * HOUR).toISOString());
    expect((await system.view(letter.id)).receivedAt).toBe(letterReceivedAt);

    // The plan: a date 40 days out is beyond the special-case cap for the handler (422 naming dueAt) …
    const far = new Date(Date.now() + 40 * 24 * HOUR).toISOString();
    const refused = await system.request('POST', `/api/complaints/${special.id}/plan`, { measures: '搭架修补外墙防水层', dueAt: far }, ACTORS.handler);
    expect([refused.status, (refused.body.details as { field: string }[]).map((d) => d.field)]).toEqual([422, ['dueAt']]);
    expect(await system.eventTypes(special.id)).not.toContain('RectificationPlanRecorded');
    // … and taken from the CS centre manager as an approved extension (on time only up to the cap).
    await system.post(`/api/complaints/${special.id}/plan`, { measures: '搭架修补外墙防水层（经理批准延期）', dueAt: far }, ACTORS.csManager);
    const plan = (await eventsUntil(special.id, 'the plan', (all) => all.some((e) => e.type === 'RectificationPlanRecorded'))).find((e) => e.type === 'RectificationPlanRecorded') as { data: Record<string, unknown> };
    expect(Date.parse(String((plan.data.deadlines as Record<string, string>).resolve))).toBe(Date.parse(far));
    expect(Date.parse(String((plan.data.extension as { onTimeLimit: string }).onTimeLimit))).toBeLessThan(Date.parse(far));
    const extended = await system.view(special.id, (v) => Date.parse(String((v.deadlines as Record<string, string | null>).resolve)) === Date.parse(far), 'the extended plan');
    expect(Date.parse(String((extended.deadlines as Record<string, string | null>).resolve))).toBe(Date.parse(far));

    // Emergency, +5 minutes: the site head (general manager) …
    await setClock(receivedAt + 5 * MINUTE + 1_000);
    const atFive = await eventsUntil(emergency.id, 'the site head escalation', (all) => all.some((e) => e.type === 'ComplaintEscalated'));
    expect(atFive.filter((e) => e.type === 'ComplaintEscalated').map((e) => e.data.escalatedTo)).toEqual(['general_manager']);
    // … +10 minutes: the company head (leadership); each step once.
    await setClock(receivedAt + 10 * MINUTE + 1_000);
    const atTen = await eventsUntil(emergency.id, 'the company head escalation', (all) => all.filter((e) => e.type === 'ComplaintEscalated').length >= 2);
    expect(atTen.filter((e) => e.type === 'ComplaintEscalated' && String(e.data.reason).startsWith('emergency chain')).map((e) => e.data.escalatedTo)).toEqual(['general_manager', 'leadership']);
    await new Promise((r) => setTimeout(r, 1_000));
    const keys = (await events(emergency.id)).map((e) => e.data.key).filter((k): k is string => typeof k === 'string');
    expect(new Set(keys).size).toBe(keys.length);
    const kinds = await eventually(async () => {
      const { rows } = await system.sql.query<{ kind: string }>(`SELECT kind FROM handling.notifications WHERE complaint_id = $1`, [emergency.id]);
      return rows.some((r) => r.kind === 'emergency') && rows.filter((r) => r.kind === 'escalation').length >= 2 ? rows.map((r) => r.kind) : undefined;
    }, 'the emergency notifications');
    expect(kinds.filter((k) => k === 'emergency')).toHaveLength(1);
    await setClock(Date.now());
  }, 150_000);
});
