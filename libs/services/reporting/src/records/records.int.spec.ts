import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ValidationError, InvalidStateError, type Actor } from '@complaints/domain';
import { chainKeyFrom } from '@complaints/event-store';
import { ComplaintCommandRunner, ComplaintPersonalData, SiteDirectory } from '@complaints/service-common';
import { AdjustableClock, type PlatformConfig } from '@complaints/service-kit';
import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { ComplaintStory, appendStories, cst } from '../testing/complaint-story';
import { openReportingHarness, tableChecksum, type ReportingHarness } from '../testing/reporting-harness';
import { readSnapshot, sha256Hex } from './record-snapshots';
import { RecordsService } from './records.service';
import { RecordsSchedulerService } from './records-scheduler.service';
import { ProjectionRunner } from '@complaints/read-model';
import { monthlyPackProjection, recordsEventSource, yearSealProjection } from './records.projections';

const VERIFIER = resolve(__dirname, '../../../../../tools/verify-archive.mjs');
const CHAIN_KEY = 'records-test-chain-key-0123456789abcdefghij';
const SITE = 'site-rec';
const manager: Actor = { id: 'u-csm', role: 'cs_manager', name: '陈经理' };
const admin: Actor = { id: 'u-admin', role: 'admin' };

const closed = (registeredAt: string, number: string, closedAt: string) =>
  new ComplaintStory()
    .register(cst(registeredAt), { number, siteId: SITE, title: '电梯困人', description: '3号楼电梯停在8楼与9楼之间' })
    .triage(cst(registeredAt.replace(/\d\d:\d\d$/, '23:00')))
    .firstReply(cst(registeredAt.replace(/\d\d:\d\d$/, '23:10')))
    .resolve(cst(registeredAt.replace(/\d\d:\d\d$/, '23:20')))
    .callback(cst(closedAt), 2);

const ORDINARY = closed('2025-12-01 10:00', 'REC-251201-001', '2025-12-04 10:00');
const MAJOR = new ComplaintStory()
  .register(cst('2025-12-02 10:00'), { number: 'REC-251202-002', siteId: SITE, title: '漏水', description: '楼上漏水' })
  .triage(cst('2025-12-02 11:00'))
  .run('MarkComplaintMajor', { reasons: ['litigation'] }, manager, cst('2025-12-02 12:00'))
  .firstReply(cst('2025-12-02 13:00'))
  .resolve(cst('2025-12-03 10:00'))
  .callback(cst('2025-12-05 10:00'), 3, manager, 'visit');
const OPEN = new ComplaintStory().register(cst('2025-12-20 10:00'), { number: 'REC-251220-003', siteId: SITE, title: '楼道灯不亮', description: '灯坏了' });

const verify = (target: string, env: Record<string, string> = {}) => {
  const run = spawnSync(process.execPath, [VERIFIER, target], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
};

/**
 * readAll shows only events below every open transaction's horizon (no gaps in global order);
 * the PostgreSQL cluster is shared with other test files, so wait until the whole store is visible
 * before a rebuild reads it.
 */
const settle = async (h: ReportingHarness): Promise<void> => {
  for (let i = 0; i < 4_800; i++) {
    const [{ n }] = (await h.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_store.events`)).rows;
    if ((await h.store.readAll({ maxCount: 100_000 })).length >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the event store did not settle');
};

describe('Records desk: scheduled monthly packs and year-end sealing (issue 15 §6–7)', () => {
  let db: TestDatabase;
  let h: ReportingHarness;
  let clock: AdjustableClock;
  let records: RecordsService;
  let scheduler: RecordsSchedulerService;
  let work: string;

  beforeAll(async () => {
    db = await createTestDatabase('records');
    h = await openReportingHarness(db.url, { chainKey: chainKeyFrom(CHAIN_KEY) });
    await appendStories(h.store, [ORDINARY, MAJOR, OPEN]);
    await settle(h);
    await h.projections.rebuild('complaint-view');
    await h.projections.rebuild('monthly-report');
    const sites = SiteDirectory.from({ SITES_JSON: JSON.stringify([{ id: SITE, name: '测试花园' }]) });
    const config = { personalDataKey: 'records-test-personal-data-key-0123456789' } as PlatformConfig;
    const personalData = new ComplaintPersonalData(h.pool, config);
    await personalData.vault.migrate();
    clock = new AdjustableClock();
    clock.set(new Date(cst('2026-01-01 01:00')));
    records = new RecordsService(h.dataSource, h.store, clock, sites, new ComplaintCommandRunner(h.store, sites, personalData), personalData);
    scheduler = new RecordsSchedulerService(records, sites, { schedulerEnabled: false, processName: 'test' } as PlatformConfig);
    await records.ensureBuilt();
    work = mkdtempSync(join(tmpdir(), 'records-'));
  }, 300_000);

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await h?.close();
    await db?.drop();
  });

  describe('Given 1 January 2026, 01:00 in the site’s time zone, when the scheduler runs', () => {
    let report: Awaited<ReturnType<RecordsSchedulerService['tick']>>;
    beforeAll(async () => {
      report = await scheduler.tick();
    }, 60_000);

    it('should generate December’s pack and seal 2025, and fail nothing', () => {
      expect(report).toEqual({ generated: [`pack ${SITE} 2025-12`], chased: [], sealed: [`seal ${SITE} 2025`], failed: [] });
    });

    it('should store the pack’s PDF and JSON under the SHA-256 its event records, due by the 3rd', async () => {
      const [row] = (await h.dataSource.query(`SELECT * FROM reporting.monthly_pack WHERE site_id = $1`, [SITE])) as { month: string; status: string; due_by: string; files: { format: string; sha256: string; bytes: number }[] }[];
      expect(row).toMatchObject({ month: '2025-12', status: 'awaiting_sign_off', due_by: '2026-01-03' });
      expect(row.files.map((f) => f.format)).toEqual(['pdf', 'json']);
      const events = await h.store.readStream(`monthly-pack-${SITE}-2025-12`);
      expect(events.map((e) => e.type)).toEqual(['MonthlyPackGenerated']);
      expect(events[0].data.files).toEqual(row.files);
      for (const file of row.files) {
        const stored = await readSnapshot(h.dataSource, file.sha256);
        expect(stored && sha256Hex(stored.content)).toBe(file.sha256);
        expect(stored?.bytes).toBe(file.bytes);
      }
      const stored = await readSnapshot(h.dataSource, row.files[1].sha256);
      const json = JSON.parse(stored?.content.toString('utf8') ?? '{}') as { month: string };
      expect(json.month).toBe('2025-12');
    });

    it('should seal both closed complaints (not the open one) with ComplaintArchived in their own streams', async () => {
      for (const story of [ORDINARY, MAJOR]) expect((await h.store.readStream(`complaint-${story.id}`)).map((e) => e.type)).toContain('ComplaintArchived');
      expect((await h.store.readStream(`complaint-${OPEN.id}`)).map((e) => e.type)).not.toContain('ComplaintArchived');
    });

    it('should list each sealed record with its retention: the ordinary kept to 2026, the major to 2028', async () => {
      const rows = (await h.dataSource.query(`SELECT number, major, retain_until, earliest_purge_date FROM reporting.sealed_record WHERE site_id = $1 ORDER BY number`, [SITE])) as unknown[];
      expect(rows).toEqual([
        { number: 'REC-251201-001', major: false, retain_until: '2026-12-31', earliest_purge_date: '2027-01-01' },
        { number: 'REC-251202-002', major: true, retain_until: '2028-12-31', earliest_purge_date: '2029-01-01' },
      ]);
    });

    it('should store the archive exactly as sealed, and the offline verifier (with the chain key) calls it intact', async () => {
      const [seal] = (await h.dataSource.query(`SELECT editions FROM reporting.year_seal WHERE site_id = $1 AND year = 2025`, [SITE])) as { editions: { archiveSha256: string; rootHash: string; rootMac: string | null }[] }[];
      expect(seal.editions).toHaveLength(1);
      expect(seal.editions[0].rootMac).toMatch(/^[0-9a-f]{64}$/);
      const tar = await readSnapshot(h.dataSource, seal.editions[0].archiveSha256);
      if (!tar) throw new Error('the sealed archive is not stored');
      const file = join(work, 'sealed.tar');
      writeFileSync(file, tar.content);
      const result = verify(file, { CHAIN_KEY });
      expect(result.out).toContain('intact');
      expect(result.code).toBe(0);
      // The manifest shows each record's earliest purge date.
      expect(tar.content.toString('utf8')).toContain('"earliestPurgeDate": "2029-01-01"');
      // A byte changed in the stored archive is caught by the verifier.
      const forged = Buffer.from(tar.content);
      const at = forged.indexOf(Buffer.from('电梯困人'));
      forged.write('电梯困住', at, 'utf8');
      writeFileSync(file, forged);
      expect(verify(file, { CHAIN_KEY }).code).not.toBe(0);
    });
  });

  describe('When the scheduler runs again the same day (restart, second instance)', () => {
    it('should change nothing', async () => {
      const before = await h.store.readAll({ maxCount: 10_000 });
      expect(await scheduler.tick()).toEqual({ generated: [], chased: [], sealed: [], failed: [] });
      expect((await h.store.readAll({ maxCount: 10_000 })).length).toBe(before.length);
    });
  });

  describe('Given a complaint of December corrected after the pack was generated', () => {
    it('should keep serving the snapshot as generated', async () => {
      // (The rebuilds below read the store in global order: allow for other test files' long transactions on the shared server.)
      const [row] = (await h.dataSource.query(`SELECT files FROM reporting.monthly_pack WHERE site_id = $1`, [SITE])) as { files: { sha256: string }[] }[];
      await appendStories(h.store, [closed('2025-12-10 10:00', 'REC-251210-004', '2025-12-12 10:00')]);
      await settle(h);
      await h.projections.rebuild('monthly-report');
      await h.projections.rebuild('complaint-view');
      const again = await records.generatePack(SITE, '2025-12', manager);
      expect(again.generated).toBe(false);
      expect(again.state.files.map((f) => f.sha256)).toEqual(row.files.map((f) => f.sha256));
    }, 300_000);
  });

  describe('When nobody signs by the due day', () => {
    it('should not chase on the 3rd, chase once on the 4th, record the late sign-off, then stop chasing', async () => {
      clock.set(new Date(cst('2026-01-03 20:00')));
      const third = await scheduler.tick();
      expect(third.chased).toEqual([]);
      // Still January: the record closed into 2025 since the first seal gets its edition (below).
      expect(third.sealed).toEqual([`seal ${SITE} 2025`]);
      clock.set(new Date(cst('2026-01-04 09:00')));
      expect((await scheduler.tick()).chased).toEqual([`chase ${SITE} 2025-12`]);
      expect((await scheduler.tick()).chased).toEqual([]);
      const state = await records.packState(SITE, '2025-12');
      await expect(records.signOffPack(SITE, '2025-12', 'f'.repeat(64), undefined, manager)).rejects.toBeInstanceOf(ValidationError);
      const signed = await records.signOffPack(SITE, '2025-12', state.files[0].sha256, '已审阅', manager);
      expect(signed.signedOff).toMatchObject({ late: true, sha256: state.files[0].sha256 });
      await expect(records.signOffPack(SITE, '2025-12', state.files[0].sha256, undefined, manager)).rejects.toBeInstanceOf(InvalidStateError);
      clock.set(new Date(cst('2026-01-05 09:00')));
      expect((await scheduler.tick()).chased).toEqual([]);
      const [row] = (await h.dataSource.query(`SELECT status, chases, late, signed_off_by FROM reporting.monthly_pack WHERE site_id = $1`, [SITE])) as unknown[];
      expect(row).toEqual({ status: 'signed_off', chases: 1, late: true, signed_off_by: '陈经理' });
    });
  });

  describe('Given a record closed into 2025 after the seal', () => {
    it('should have had the January scheduler add a second edition holding it, keeping the first archive as it was', async () => {
      const [seal] = (await h.dataSource.query(`SELECT editions, complaints FROM reporting.year_seal WHERE site_id = $1 AND year = 2025`, [SITE])) as { editions: { edition: number; archiveSha256: string; complaints: number }[]; complaints: number }[];
      expect(seal.editions.map((e) => [e.edition, e.complaints])).toEqual([
        [1, 2],
        [2, 3],
      ]);
      expect(seal.complaints).toBe(3);
      expect(new Set(seal.editions.map((e) => e.archiveSha256)).size).toBe(2);
      for (const e of seal.editions) expect(await readSnapshot(h.dataSource, e.archiveSha256)).toBeDefined();
      // On demand, with nothing new closed into the year: nothing is sealed.
      expect(await records.sealYear(SITE, 2025, manager)).toMatchObject({ sealed: false, edition: 2 });
    });

    it('should refuse to seal 2026 before its last day', async () => {
      await expect(records.sealYear(SITE, 2026, manager)).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('Retention: nothing is purged before its earliest purge date', () => {
    it('should refuse on 31 December 2026 and purge the ordinary record on 1 January 2027, erasing its personal data', async () => {
      clock.set(new Date(cst('2026-12-31 23:00')));
      await expect(records.purge(SITE, 2025, [ORDINARY.id], '保存期限届满', admin)).rejects.toBeInstanceOf(ValidationError);
      clock.set(new Date(cst('2027-01-01 00:30')));
      await expect(records.purge(SITE, 2025, [ORDINARY.id, MAJOR.id], '保存期限届满', admin)).rejects.toBeInstanceOf(ValidationError);
      await records.purge(SITE, 2025, [ORDINARY.id], '保存期限届满', admin);
      expect((await h.store.readStream(`complaint-${ORDINARY.id}`)).map((e) => e.type)).toContain('PersonalDataErased');
      const rows = (await h.dataSource.query(`SELECT number, purged_at IS NOT NULL AS purged FROM reporting.sealed_record WHERE site_id = $1 ORDER BY number`, [SITE])) as unknown[];
      expect(rows).toEqual([
        { number: 'REC-251201-001', purged: true },
        { number: 'REC-251202-002', purged: false },
        { number: 'REC-251210-004', purged: false },
      ]);
    });
  });

  describe('Rebuild', () => {
    it('should rebuild the records read models from their streams to the same rows', async () => {
      const tables = [
        ['reporting.monthly_pack', 'id'],
        ['reporting.year_seal', 'id'],
        ['reporting.sealed_record', 'site_id, year, complaint_id'],
      ] as const;
      await settle(h);
      const before = await Promise.all(tables.map(([t, o]) => tableChecksum(h.dataSource, t, o)));
      await new ProjectionRunner(h.dataSource, 'reporting', recordsEventSource(h.store, 'monthly-pack-')).rebuild(monthlyPackProjection);
      await new ProjectionRunner(h.dataSource, 'reporting', recordsEventSource(h.store, 'year-seal-')).rebuild(yearSealProjection);
      expect(await Promise.all(tables.map(([t, o]) => tableChecksum(h.dataSource, t, o)))).toEqual(before);
      expect(before.map((b) => b.rows)).toEqual([1, 1, 3]);
    }, 300_000);
  });
});
