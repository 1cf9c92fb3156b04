import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eventually, kafkaBrokers, kafkaSkipReason } from '@complaints/testing';
import { ACTORS, FiveProcessSystem, TEST_PERSONAL_DATA_KEY, complaintBody } from './support/five-process-system';

/**
 * Year-end sealing across the five processes (issue 15 §7, "Done when": seals a year and
 * verifies the archive offline). A complaint is registered, handled and closed through the
 * services on Kafka; reporting's clock (CLOCK_CONTROL) is moved to 2 January of the next
 * year; the year is sealed on demand at reporting; the stored archive is downloaded and
 * checked by tools/verify-archive.mjs alone, with the key, outside every service.
 */
const brokers = kafkaBrokers();
const describeKafka = brokers ? describe : describe.skip;
if (!brokers) console.warn(`\n*** records seal e2e SKIPPED: ${kafkaSkipReason()} ***\n`);

const VERIFIER = resolve(__dirname, '../../../tools/verify-archive.mjs');

describeKafka('Year-end seal across five processes on the real Kafka broker', () => {
  const system = new FiveProcessSystem();
  let work = '';

  beforeAll(async () => {
    await system.start(brokers ?? [], { reporting: { CLOCK_CONTROL: 'true', RECORDS_SCHEDULER_ENABLED: 'false' } });
    work = mkdtempSync(join(tmpdir(), 'records-e2e-'));
  }, 180_000);

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await system.stop();
  });

  // The read side follows the store in global order (the relay waits for every older open
  // transaction of the server, which other test runs share): minutes rather than the usual 30 s.
  const view = (id: string, predicate: (v: Record<string, unknown>) => boolean, what: string) =>
    eventually(
      async () => {
        const res = await system.request('GET', `/api/complaints/${id}`, undefined, ACTORS.assistant);
        return res.status === 200 && predicate(res.body) ? res.body : undefined;
      },
      `${what} of ${id}`,
      240_000,
      200,
    );

  it('should seal the year of a closed complaint on demand and hand out an archive the offline verifier calls intact', async () => {
    const { id } = await system.register(complaintBody({ title: '电梯异响', description: '2号楼电梯运行时异响' }));
    await view(id, (v) => v.status === 'registered', 'registered');
    await system.post(`/api/complaints/${id}/triage`, { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering' }, ACTORS.duty);
    await view(id, (v) => v.status === 'triaged', 'triaged');
    await system.post(`/api/complaints/${id}/replies`, { kind: 'first', message: '已安排维修' }, ACTORS.assistant);
    await system.post(`/api/complaints/${id}/resolve`, { resolution: '已修复', rootCause: '导轨缺油', responsibleDepartment: 'engineering', correctiveActions: '加油', preventiveActions: '定期保养' }, ACTORS.handler);
    await system.post(`/api/complaints/${id}/callbacks`, { method: 'phone', reached: true, satisfaction: 2 }, ACTORS.assistant);
    const closed = await view(id, (v) => v.status === 'closed', 'closed');
    const year = Number(new Date(new Date(String(closed.closedAt)).getTime() + 8 * 3_600_000).toISOString().slice(0, 4));

    // Tokens first (they use real time), then reporting's clock to 2 January of the next year, Shanghai.
    await system.token(ACTORS.csManager);
    await system.token(ACTORS.auditor);
    const clock = await fetch(`${system.processes.reporting.url}/api/admin/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ set: `${year + 1}-01-02T10:00:00+08:00` }),
    });
    expect(clock.status).toBe(200);

    const sealed = await system.request('POST', `/api/records/year-seals/site-a/${year}`, undefined, ACTORS.csManager);
    expect(sealed.status).toBe(200);
    expect(sealed.body).toMatchObject({ sealed: true, edition: 1 });
    const manifest = sealed.body.manifest as { files: { complaintId: string; retainUntil: string; earliestPurgeDate: string }[] };
    expect(manifest.files.find((f) => f.complaintId === id)).toMatchObject({ retainUntil: `${year + 1}-12-31`, earliestPurgeDate: `${year + 2}-01-01` });

    // The seal went through the complaint's own stream: intake's relay → Kafka → reporting's view.
    await view(id, (v) => v.archived === true, 'archived');

    const res = await fetch(`${system.processes.reporting.url}/api/records/year-seals/site-a/${year}/archive`, { headers: { authorization: `Bearer ${await system.token(ACTORS.auditor)}` } });
    expect(res.status).toBe(200);
    const tar = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('x-content-sha256')).toBe(createHash('sha256').update(tar).digest('hex'));
    const file = join(work, `site-a-${year}.tar`);
    writeFileSync(file, tar);
    const run = spawnSync(process.execPath, [VERIFIER, file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', PERSONAL_DATA_KEY: TEST_PERSONAL_DATA_KEY } });
    expect(`${run.stdout}${run.stderr}`).toContain('intact');
    expect(run.status).toBe(0);
  }, 900_000);
});
