import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AdjustableClock } from '@complaints/service-kit';
import { InProcessSystem } from './support/in-process-system';

/**
 * The records desk over HTTP (issue 15 §6–7), on a test clock: a complaint closed in
 * December 2026; January's scheduler work done on demand — the pack generated, downloaded
 * with its hash, signed off naming that hash; the year sealed, its archive downloaded as
 * stored and verified offline; the retention shown per record and enforced on purge.
 */
const PERSONAL_DATA_KEY = 'api-tests-only-personal-data-key-0123456789';
const VERIFIER = resolve(__dirname, '../../../tools/verify-archive.mjs');
const system = new InProcessSystem();
const clock = new AdjustableClock();
const at = (local: string) => clock.set(new Date(`${local}+08:00`));
let complaintId = '';
let work = '';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const download = async (path: string, username: string) => {
  const res = await fetch(`${system.url}${path}`, { headers: { authorization: `Bearer ${await system.token(username)}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
};
const ok = async (method: string, path: string, username: string, body?: unknown, expected = [200, 201, 202]) => {
  const res = await system.request(method, path, { username, body });
  if (!expected.includes(res.status)) throw new Error(`${method} ${path} as ${username}: ${res.status} ${res.text.slice(0, 300)}`);
  return res;
};

beforeAll(async () => {
  at('2026-12-10T09:00:00');
  await system.start({}, { clock });
  work = mkdtempSync(join(tmpdir(), 'records-api-'));
  const reg = await ok('POST', '/api/complaints', 'assistant.a', { siteId: 'site-a', channel: 'phone', complainant: { name: '档案', phone: '13800000077' }, title: '电梯异响', description: '2号楼电梯异响' });
  complaintId = String(reg.body.id);
  await ok('POST', `/api/complaints/${complaintId}/triage`, 'duty.a', { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering' });
  await ok('POST', `/api/complaints/${complaintId}/replies`, 'assistant.a', { kind: 'first', message: '已安排' });
  await ok('POST', `/api/complaints/${complaintId}/resolve`, 'handler.a', { resolution: '已修复', rootCause: '轴承磨损', responsibleDepartment: 'engineering', correctiveActions: '更换', preventiveActions: '巡检' });
  await ok('POST', `/api/complaints/${complaintId}/callbacks`, 'assistant.a', { method: 'phone', reached: true, satisfaction: 2 });
  // The read side follows the store in global order, which waits for every older open transaction
  // on the (shared) server: allow minutes, then insist.
  let status = '';
  for (let i = 0; i < 3_000 && status !== 'closed'; i++) {
    status = String((await system.request('GET', `/api/complaints/${complaintId}`, { username: 'admin' })).body.status);
    if (status !== 'closed') await new Promise((r) => setTimeout(r, 100));
  }
  expect(status).toBe('closed');
}, 420_000);

afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await system.stop();
});

describe('Monthly pack over HTTP', () => {
  it('should refuse December’s pack while December runs (422 naming month), then generate it on 1 January', async () => {
    const early = await system.request('POST', '/api/records/monthly-packs/site-a/2026-12/generate', { username: 'csmanager.a' });
    expect(early.status).toBe(422);
    expect(early.body.details).toEqual([{ field: 'month', problem: 'the pack of 2026-12 can be generated from 2027-01-01 on', code: 'problem.invalid' }]);
    at('2027-01-01T08:00:00');
    const res = await ok('POST', '/api/records/monthly-packs/site-a/2026-12/generate', 'csmanager.a');
    expect(res.body).toMatchObject({ generated: true, pack: { siteId: 'site-a', month: '2026-12', status: 'awaiting_sign_off', dueBy: '2027-01-03', overdue: false } });
    expect((await ok('POST', '/api/records/monthly-packs/site-a/2026-12/generate', 'gm.a')).body.generated).toBe(false);
    expect((await system.request('POST', '/api/records/monthly-packs/site-a/2026-12/generate', { username: 'assistant.a' })).status).toBe(403);
    expect((await system.request('POST', '/api/records/monthly-packs/site-a/2026-12/generate', { username: 'csmanager.b' })).status).toBe(403);
  });

  it('should serve the snapshot with its SHA-256, and take a sign-off naming it only', async () => {
    const pack = (await ok('GET', '/api/records/monthly-packs/site-a/2026-12', 'csmanager.a')).body as { files: { format: string; sha256: string }[] };
    const pdf = await download('/api/records/monthly-packs/site-a/2026-12/snapshot?format=pdf', 'csmanager.a');
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toContain('application/pdf');
    expect(pdf.headers.get('x-content-sha256')).toBe(sha256(pdf.bytes));
    expect(sha256(pdf.bytes)).toBe(pack.files.find((f) => f.format === 'pdf')?.sha256);
    const json = await download('/api/records/monthly-packs/site-a/2026-12/snapshot?format=json', 'supervisor.a');
    expect((JSON.parse(json.bytes.toString('utf8')) as { month: string }).month).toBe('2026-12');
    expect((await download('/api/records/monthly-packs/site-a/2026-12/snapshot', 'enghead.a')).status).toBe(403);

    const wrong = await system.request('POST', '/api/records/monthly-packs/site-a/2026-12/sign-off', { username: 'csmanager.a', body: { sha256: 'f'.repeat(64) } });
    expect(wrong.status).toBe(422);
    expect((wrong.body.details as { field: string }[])[0].field).toBe('sha256');
    at('2027-01-04T10:00:00');
    const signed = await ok('POST', '/api/records/monthly-packs/site-a/2026-12/sign-off', 'csmanager.a', { sha256: sha256(pdf.bytes), note: '已审阅' });
    expect(signed.body).toMatchObject({ status: 'signed_off', late: true, signedSha256: sha256(pdf.bytes) });
    expect((await system.request('POST', '/api/records/monthly-packs/site-a/2026-12/sign-off', { username: 'gm.a', body: { sha256: sha256(pdf.bytes) } })).status).toBe(409);
    const list = await ok('GET', '/api/records/monthly-packs?siteId=site-a', 'gm.a');
    expect((list.body.items as { month: string }[]).map((i) => i.month)).toEqual(['2026-12']);
  });
});

describe('Year-end seal over HTTP', () => {
  it('should seal 2026 on demand, list the record with its earliest purge date, and serve the archive as sealed, intact offline', async () => {
    const sealed = await ok('POST', '/api/records/year-seals/site-a/2026', 'csmanager.a');
    expect(sealed.body).toMatchObject({ sealed: true, edition: 1 });
    const detail = await ok('GET', '/api/records/year-seals/site-a/2026', 'auditor');
    expect(detail.body.records).toEqual([{ complaintId, number: expect.any(String), major: false, retainUntil: '2027-12-31', earliestPurgeDate: '2028-01-01', purgedAt: null }]);
    const tar = await download('/api/records/year-seals/site-a/2026/archive', 'auditor');
    expect(tar.status).toBe(200);
    expect(tar.headers.get('x-content-sha256')).toBe(sha256(tar.bytes));
    expect(sha256(tar.bytes)).toBe((detail.body.editions as { archiveSha256: string }[])[0].archiveSha256);
    const file = join(work, 'site-a-2026.tar');
    writeFileSync(file, tar.bytes);
    const run = spawnSync(process.execPath, [VERIFIER, file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', PERSONAL_DATA_KEY } });
    expect(`${run.stdout}${run.stderr}`).toContain('intact');
    expect(run.status).toBe(0);
    // The complaint itself is sealed: no more entries.
    expect((await system.request('POST', `/api/complaints/${complaintId}/outreach`, { username: 'assistant.a', body: { kind: 'visit', note: '回访' } })).status).toBe(409);
    expect((await ok('POST', '/api/records/year-seals/site-a/2026', 'admin')).body).toMatchObject({ sealed: false, edition: 1 });
    expect((await system.request('GET', '/api/records/year-seals/site-a/2026', { username: 'assistant.a' })).status).toBe(403);
    expect((await system.request('GET', '/api/records/year-seals/site-a/2026', { username: 'csmanager.b' })).status).toBe(403);
  });

  it('should refuse to purge before the earliest purge date, naming the record and the date', async () => {
    const early = await system.request('POST', '/api/records/year-seals/site-a/2026/purge', { username: 'admin', body: { complaintIds: [complaintId], reason: '保存期限届满' } });
    expect(early.status).toBe(422);
    expect(String((early.body.details as { problem: string }[])[0].problem)).toContain('it may be purged from 2028-01-01');
    at('2028-01-01T09:00:00');
    const purged = await ok('POST', '/api/records/year-seals/site-a/2026/purge', 'admin', { complaintIds: [complaintId], reason: '保存期限届满' });
    expect((purged.body.records as { purgedAt: string | null }[])[0].purgedAt).not.toBeNull();
  });
});
