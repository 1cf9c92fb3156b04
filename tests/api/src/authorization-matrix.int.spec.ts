import { DEFAULT_POLICY, DISCLOSURE_APPROVER_ROLES, TYPICAL_CASE_ROLES, WEEKLY_CHECK_ROLES, mayReadContact, type ComplaintCommandType, type Role } from '@complaints/domain';
import { DEMO_USERS, mayAccessComplaint, mayAccessSite, type AuthUser } from '@complaints/auth';
import { InProcessSystem } from './support/in-process-system';

/**
 * The authorization matrix: every endpoint × every role × own site / other site, expecting
 * "allowed" (anything but 401/403) or 403. It is generated from ONE table below, and the
 * first test checks that table against the OpenAPI document of the running system, so an
 * endpoint added without a rule here fails the suite.
 *
 * The target is a complaint of site-a routed to engineering. "Own site" users are the
 * site-a demo users, "other site" the site-b ones; group-wide users (leadership, auditor,
 * admin) see every site. Allowed writes may still answer 409/422 (wrong state, bad data):
 * who may act is checked before what state allows, so the 403 line is exact.
 */
const system = new InProcessSystem();
let complaintId = '';
const SITE = 'site-a';
const DEPARTMENT = 'engineering';

type Rule =
  | { kind: 'public' }
  | { kind: 'signed-in' } // any valid token
  | { kind: 'live-stream' } // any valid token: the stream is scoped event by event (change-stream.int.spec.ts), opened and closed here
  | { kind: 'command'; command: ComplaintCommandType; body: Record<string, unknown> } // policy.permissions + scope of the complaint
  | { kind: 'register'; body: Record<string, unknown> } // policy.permissions + the body's site
  | { kind: 'read-complaint' } // sees the complaint (site, and department for department staff)
  | { kind: 'read-site'; query: string } // sees the site named in the query
  | { kind: 'cs-queue'; query: string } // sees the site, and is not department staff (the queue spans every department)
  | { kind: 'dashboard' } // sees the site; department staff only with their department
  | { kind: 'group' } // whole-group roll-up: users who see every site
  | { kind: 'archive' } // archive roles at their sites
  | { kind: 'admin' } // administrators only
  | { kind: 'desk'; roles: readonly string[]; body: Record<string, unknown> } // records desk writes: these roles at their sites
  | { kind: 'site-path' } // sees the site named in the path
  | { kind: 'roles-at-site'; roles: readonly string[]; query?: string; body?: Record<string, unknown> } // these roles, at the site (records desk)
  | { kind: 'contact'; query?: string }; // sees the complaint and may read the complainant's contact (mayReadContact)

const MATRIX: Record<string, Rule> = {
  'GET /api/health': { kind: 'public' },
  'POST /api/auth/login': { kind: 'public' },
  'GET /api/auth/me': { kind: 'signed-in' },
  'GET /api/events/stream': { kind: 'live-stream' },
  'POST /api/complaints': {
    kind: 'register',
    body: { siteId: SITE, channel: 'phone', complainant: { name: '矩阵', phone: '13800000000' }, title: '矩阵测试', description: '权限矩阵' },
  },
  'GET /api/complaints': { kind: 'read-site', query: `?siteId=${SITE}` },
  'GET /api/complaints/{id}': { kind: 'read-complaint' },
  'GET /api/complaints/{id}/history': { kind: 'read-complaint' },
  'GET /api/complaints/{id}/verify': { kind: 'read-complaint' },
  'GET /api/complaints/{id}/triage/suggestion': { kind: 'read-complaint' },
  'POST /api/complaints/{id}/corrections': { kind: 'command', command: 'CorrectComplaint', body: { field: 'title', value: '更正', reason: '矩阵' } },
  'POST /api/complaints/{id}/triage': {
    kind: 'command',
    command: 'TriageComplaint',
    body: { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: DEPARTMENT },
  },
  'POST /api/complaints/{id}/triage/referral': { kind: 'command', command: 'ReferComplaintToManager', body: { reason: '矩阵' } },
  'POST /api/complaints/{id}/replies': { kind: 'command', command: 'RecordReply', body: { kind: 'progress', message: '矩阵进展' } },
  'POST /api/complaints/{id}/plan': { kind: 'command', command: 'RecordRectificationPlan', body: { measures: '矩阵', dueAt: '2031-01-01T00:00:00+08:00' } },
  'POST /api/complaints/{id}/resolve': { kind: 'command', command: 'ResolveComplaint', body: { resolution: '矩阵', rootCause: '矩阵', responsibleDepartment: DEPARTMENT, correctiveActions: '矩阵', preventiveActions: '矩阵' } },
  'POST /api/complaints/{id}/escalate': { kind: 'command', command: 'EscalateComplaint', body: { reason: '矩阵' } },
  'POST /api/complaints/{id}/reassign': { kind: 'command', command: 'ReassignComplaint', body: { department: DEPARTMENT, reason: '矩阵' } },
  'POST /api/complaints/{id}/callbacks': { kind: 'command', command: 'RecordCallback', body: { method: 'visit', reached: true, satisfaction: 2 } },
  'POST /api/complaints/{id}/callback-exemption': { kind: 'command', command: 'ExemptFromCallback', body: { reason: 'sensitive', note: '矩阵' } },
  'POST /api/complaints/{id}/personal-data/erasure': { kind: 'command', command: 'ErasePersonalData', body: { reason: '矩阵' } },
  'POST /api/complaints/{id}/archive': { kind: 'command', command: 'ArchiveComplaint', body: {} },
  'POST /api/complaints/{id}/major': { kind: 'command', command: 'MarkComplaintMajor', body: { reasons: ['litigation'], note: '矩阵' } },
  'POST /api/complaints/{id}/compensations': { kind: 'command', command: 'ApproveCompensation', body: { amount: 1, reason: '矩阵' } },
  'POST /api/complaints/{id}/outreach': { kind: 'command', command: 'RecordOutreach', body: { kind: 'public_notice', note: '矩阵' } },
  'POST /api/complaints/{id}/attachments': { kind: 'command', command: 'AddAttachment', body: {} },
  'GET /api/complaints/{id}/attachments': { kind: 'read-complaint' },
  'GET /api/complaints/{id}/attachments/{sha256}': { kind: 'read-complaint' },
  'GET /api/callbacks': { kind: 'cs-queue', query: `?siteId=${SITE}` },
  'GET /api/complaints/{id}/notices': { kind: 'read-complaint' },
  'POST /api/complaints/{id}/notices/retry': { kind: 'contact' },
  'GET /api/complaints/{id}/notices/letter': { kind: 'contact', query: '?template=received' },
  'GET /api/complainant-notices': { kind: 'cs-queue', query: `?siteId=${SITE}` },
  'GET /api/dashboards/department': { kind: 'dashboard' },
  'GET /api/reports/monthly': { kind: 'read-site', query: `?siteId=${SITE}&month=2026-01` },
  'GET /api/reports/monthly (csv)': { kind: 'read-site', query: `?siteId=${SITE}&month=2026-01&format=csv` },
  'GET /api/reports/monthly (xlsx)': { kind: 'read-site', query: `?siteId=${SITE}&month=2026-01&format=xlsx` },
  'GET /api/reports/monthly (pdf)': { kind: 'read-site', query: `?siteId=${SITE}&month=2026-01&format=pdf` },
  'GET /api/reports/monthly (group)': { kind: 'group' },
  'GET /api/archives/{siteId}/{year}': { kind: 'archive' },
  'GET /api/archives/{siteId}/{year}/manifest': { kind: 'archive' },
  'GET /api/case-library': { kind: 'signed-in' },
  'GET /api/case-library/{complaintId}': { kind: 'signed-in' },
  'POST /api/case-library': { kind: 'desk', roles: TYPICAL_CASE_ROLES, body: { complaintId: '{id}', summary: '矩阵', cause: '矩阵', lessons: '矩阵' } },
  'PATCH /api/case-library/{complaintId}': { kind: 'desk', roles: TYPICAL_CASE_ROLES, body: { lessons: '矩阵' } },
  'POST /api/case-library/{complaintId}/unmark': { kind: 'desk', roles: TYPICAL_CASE_ROLES, body: { reason: '矩阵' } },
  'GET /api/disclosures/{siteId}/{month}': { kind: 'site-path' },
  'GET /api/disclosures/{siteId}/{month}/pdf': { kind: 'site-path' },
  'POST /api/disclosures/{siteId}/{month}/approval': { kind: 'desk', roles: DISCLOSURE_APPROVER_ROLES, body: { contentHash: 'a'.repeat(64) } },
  'GET /api/weekly-checks/{siteId}': { kind: 'site-path' },
  'GET /api/weekly-checks/{siteId}/{week}': { kind: 'site-path' },
  'POST /api/weekly-checks/{siteId}/{week}/findings': { kind: 'desk', roles: WEEKLY_CHECK_ROLES, body: { complaintId: '{id}', outcome: 'ok' } },
  'POST /api/weekly-checks/{siteId}/{week}/completion': { kind: 'desk', roles: WEEKLY_CHECK_ROLES, body: {} },
  'GET /api/admin/projections': { kind: 'admin' },
  'POST /api/admin/projections/{name}/rebuild': { kind: 'admin' },
  // Records desk (issue 15 §6–7): packs list complaints, so not for department staff; seals are for the archive roles.
  'GET /api/records/monthly-packs': { kind: 'cs-queue', query: `?siteId=${SITE}` },
  'GET /api/records/monthly-packs/{siteId}/{month}': { kind: 'cs-queue', query: '' },
  'GET /api/records/monthly-packs/{siteId}/{month}/snapshot': { kind: 'cs-queue', query: '?format=json' },
  'POST /api/records/monthly-packs/{siteId}/{month}/generate': { kind: 'roles-at-site', roles: ['cs_manager', 'general_manager', 'admin'] },
  'POST /api/records/monthly-packs/{siteId}/{month}/sign-off': { kind: 'roles-at-site', roles: ['cs_manager', 'general_manager'], body: { sha256: 'a'.repeat(64) } },
  'GET /api/records/year-seals': { kind: 'roles-at-site', roles: ['auditor', 'admin', 'cs_manager', 'general_manager', 'leadership'], query: `?siteId=${SITE}` },
  'GET /api/records/year-seals/{siteId}/{year}': { kind: 'roles-at-site', roles: ['auditor', 'admin', 'cs_manager', 'general_manager', 'leadership'] },
  'GET /api/records/year-seals/{siteId}/{year}/archive': { kind: 'roles-at-site', roles: ['auditor', 'admin', 'cs_manager', 'general_manager', 'leadership'] },
  'POST /api/records/year-seals/{siteId}/{year}': { kind: 'roles-at-site', roles: DEFAULT_POLICY.permissions.ArchiveComplaint },
  'POST /api/records/year-seals/{siteId}/{year}/purge': { kind: 'roles-at-site', roles: ['admin'], body: { complaintIds: ['00000000-0000-4000-8000-000000000000'], reason: '矩阵' } },
};

const ARCHIVE_ROLES = new Set(['auditor', 'admin', 'cs_manager', 'general_manager', 'leadership']);
const TARGET = { siteId: SITE, department: DEPARTMENT };

/** What the table says this user may do at this endpoint. */
const expectedAllowed = (rule: Rule, user: AuthUser): boolean => {
  switch (rule.kind) {
    case 'public':
    case 'signed-in':
    case 'live-stream':
      return true;
    case 'register':
      return DEFAULT_POLICY.permissions.RegisterComplaint.includes(user.role as Role) && mayAccessSite(user, SITE);
    case 'command':
      return DEFAULT_POLICY.permissions[rule.command].includes(user.role as Role) && mayAccessComplaint(user, TARGET);
    case 'read-complaint':
      return mayAccessComplaint(user, TARGET);
    case 'read-site':
      return mayAccessSite(user, SITE);
    case 'cs-queue':
      return mayAccessSite(user, SITE) && !['department_head', 'handler'].includes(user.role);
    case 'dashboard':
      return mayAccessSite(user, SITE) && (!['department_head', 'handler'].includes(user.role) || user.departments.includes(DEPARTMENT));
    case 'group':
      return user.siteIds.includes('*');
    case 'archive':
      return ARCHIVE_ROLES.has(user.role) && mayAccessSite(user, SITE);
    case 'admin':
      return user.role === 'admin';
    case 'desk':
      return rule.roles.includes(user.role) && mayAccessSite(user, SITE);
    case 'site-path':
      return mayAccessSite(user, SITE);
    case 'roles-at-site':
      return rule.roles.includes(user.role) && mayAccessSite(user, SITE);
    case 'contact':
      return mayAccessComplaint(user, TARGET) && mayReadContact(user.role);
  }
};

const request = (key: string, rule: Rule): { method: string; path: string; body?: unknown } => {
  const [method, template] = key.split(' ');
  let path = template
    .replace('{id}', complaintId)
    .replace('{siteId}', SITE)
    .replace('{year}', '2026')
    .replace('{name}', 'complaint-view')
    .replace('{complaintId}', complaintId)
    .replace('{month}', '2026-01')
    .replace('{week}', '2026-W01')
    .replace('{sha256}', '0'.repeat(64));
  if (rule.kind === 'read-site' || rule.kind === 'cs-queue') path += rule.query;
  if (rule.kind === 'contact' && rule.query) path += rule.query;
  if (rule.kind === 'dashboard') path += `?siteId=${SITE}&department=${DEPARTMENT}`;
  if (rule.kind === 'group') path += '?month=2026-01';
  if (rule.kind === 'roles-at-site' && rule.query) path += rule.query;
  if (rule.kind === 'desk') return { method, path, body: JSON.parse(JSON.stringify(rule.body).replace('{id}', complaintId)) as unknown };
  const body = rule.kind === 'roles-at-site' ? rule.body : rule.kind === 'command' || rule.kind === 'register' ? rule.body : key === 'POST /api/auth/login' ? { username: 'assistant.a', password: 'demo1234' } : undefined;
  return { method, path, body };
};

// Every demo user: one per role on each of the two sites, plus the group-wide ones.
const USERS = DEMO_USERS;

beforeAll(async () => {
  await system.start();
  const reg = await system.request('POST', '/api/complaints', { username: 'assistant.a', body: (MATRIX['POST /api/complaints'] as { body: unknown }).body });
  expect(reg.status).toBe(201);
  complaintId = String(reg.body.id);
  const triage = await system.request('POST', `/api/complaints/${complaintId}/triage`, {
    username: 'duty.a',
    body: { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: DEPARTMENT },
  });
  expect(triage.status).toBe(202);
  // The read side is eventually consistent: wait until reporting shows the routed complaint.
  for (let i = 0; i < 100; i++) {
    const view = await system.request('GET', `/api/complaints/${complaintId}`, { username: 'admin' });
    if (view.status === 200 && view.body.department === DEPARTMENT) break;
    await new Promise((r) => setTimeout(r, 50));
  }
}, 60_000);

afterAll(async () => {
  await system.stop();
});

describe('Authorization matrix (every endpoint × every role × own / other site)', () => {
  it('should have a rule for every endpoint the system serves, and no rule for one it does not', async () => {
    const doc = await system.request('GET', '/api/docs-json');
    const paths = doc.body.paths as Record<string, Record<string, unknown>>;
    const served = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const ruled = Object.keys(MATRIX).map((k) => k.replace(/ \(.*\)$/, ''));
    expect([...new Set(served)].sort()).toEqual([...new Set(ruled)].sort());
  });

  const cases = Object.entries(MATRIX).flatMap(([key, rule]) => USERS.map((user) => [key, user.username, rule, user] as const));

  it.each(cases.map(([key, username]) => [key, username]))('%s as %s', async (key, username) => {
    const rule = MATRIX[key];
    const user = USERS.find((u) => u.username === username) as AuthUser;
    const { method, path, body } = request(key, rule);
    // The live stream never ends by itself: its status is read and the stream dropped.
    const res =
      rule.kind === 'live-stream'
        ? await (async () => {
            const controller = new AbortController();
            const r = await fetch(`${system.url}${path}`, { headers: { authorization: `Bearer ${await system.token(username)}` }, signal: controller.signal });
            controller.abort();
            return { status: r.status };
          })()
        : await system.request(method, path, { username: rule.kind === 'public' ? undefined : username, body });
    const allowed = expectedAllowed(rule, user);
    const outcome = res.status === 403 ? 'forbidden' : res.status === 401 ? 'unauthenticated' : res.status >= 500 ? `error ${res.status}` : 'allowed';
    expect({ key, username, role: user.role, outcome }).toEqual({ key, username, role: user.role, outcome: allowed ? 'allowed' : 'forbidden' });
  });
});

describe('Department staff: reports and exports list only their departments\' complaints', () => {
  it('given a major complaint routed to another department, when a department head or handler reads the site\'s monthly report (JSON and CSV), then it is not listed; a manager sees it', async () => {
    const reg = await system.request('POST', '/api/complaints', {
      username: 'assistant.a',
      body: { siteId: SITE, channel: 'phone', complainant: { name: '别部门', phone: '13800000009' }, title: '保安部的集体投诉', description: '门岗', householdCount: 12 },
    });
    expect(reg.status).toBe(201);
    const otherId = String(reg.body.id);
    const otherNumber = String(reg.body.number);
    const triage = await system.request('POST', `/api/complaints/${otherId}/triage`, {
      username: 'duty.a',
      body: { nature: 'valid', severity: 'major', urgency: 'urgent', category: 'security', department: 'security' },
    });
    expect(triage.status).toBe(202);
    // The complaint's month, from its number (SITE-YYMMDD-NNN, the site's local date).
    const month = `20${otherNumber.split('-')[1].slice(0, 2)}-${otherNumber.split('-')[1].slice(2, 4)}`;
    const listed = (pack: Record<string, unknown>): string[] =>
      (['major', 'repeat', 'reopened'] as const).flatMap((k) => ((pack[k] as { items: { id: string }[] }).items ?? []).map((i) => i.id));
    let managerPack: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      managerPack = (await system.request('GET', `/api/reports/monthly?siteId=${SITE}&month=${month}`, { username: 'gm.a' })).body;
      if (listed(managerPack).includes(otherId)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(listed(managerPack)).toContain(otherId);
    for (const username of ['enghead.a', 'handler.a']) {
      expect((await system.request('GET', `/api/complaints/${otherId}`, { username })).status).toBe(403);
      const json = await system.request('GET', `/api/reports/monthly?siteId=${SITE}&month=${month}`, { username });
      expect(json.status).toBe(200);
      expect(listed(json.body)).not.toContain(otherId);
      expect(json.text).not.toContain(otherNumber);
      expect(json.text).not.toContain('保安部的集体投诉');
      // The counts still include it: they name no complaint.
      expect((json.body.major as { count: number }).count).toBe((managerPack.major as { count: number }).count);
      const csv = await system.request('GET', `/api/reports/monthly?siteId=${SITE}&month=${month}&format=csv`, { username });
      expect(csv.status).toBe(200);
      expect(csv.text).not.toContain(otherNumber);
      expect(csv.text).not.toContain('保安部的集体投诉');
    }
    const managerCsv = await system.request('GET', `/api/reports/monthly?siteId=${SITE}&month=${month}&format=csv`, { username: 'gm.a' });
    expect(managerCsv.text).toContain(otherNumber);
  });
});
