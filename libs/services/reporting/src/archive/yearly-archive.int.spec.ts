import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { canonicalJson } from '@complaints/event-store';
import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { ComplaintStory, appendStories, cst } from '../testing/complaint-story';
import { openReportingHarness, type ReportingHarness } from '../testing/reporting-harness';
import { buildYearlyArchive, sha256, type ArchiveBundle } from './yearly-archive';
import { tarArchive } from './tar.util';

const VERIFIER = resolve(__dirname, '../../../../../tools/verify-archive.mjs');
const SITE = 'site-arc';

const closed = (registeredAt: string, number: string, closedAt: string, siteId = SITE) =>
  new ComplaintStory()
    .register(cst(registeredAt), { number, siteId, title: '电梯困人', description: '3号楼电梯停在8楼与9楼之间' })
    .triage(cst(registeredAt.replace(/\d\d:\d\d$/, '23:00')))
    .firstReply(cst(registeredAt.replace(/\d\d:\d\d$/, '23:10')))
    .resolve(cst(registeredAt.replace(/\d\d:\d\d$/, '23:20')))
    .callback(cst(closedAt), 2);

// Closed in 2025 (Shanghai): two in the middle of the year, one at 23:30 on 31 December.
const C1 = closed('2025-03-03 10:00', 'ARC-250303-001', '2025-03-06 10:00');
const C2 = closed('2025-06-02 10:00', 'ARC-250602-002', '2025-06-05 10:00');
const C3 = closed('2025-12-29 10:00', 'ARC-251229-003', '2025-12-31 23:30');
// Closed at 23:30 on 31 December 2024 in Shanghai (15:30 UTC): a 2024 record.
const OLD = closed('2024-12-27 10:00', 'ARC-241227-001', '2024-12-31 23:30');
// Closed in 2024 but sealed into 2025 at the year's end.
const SEALED = closed('2024-12-02 10:00', 'ARC-241202-002', '2024-12-05 10:00').archive(cst('2025-12-31 18:00'), 2025);
// Still open; and another site's closed complaint.
const OPEN = new ComplaintStory().register(cst('2025-05-05 10:00'), { number: 'ARC-250505-004', siteId: SITE, title: '楼道灯不亮', description: '灯坏了' });
const ELSEWHERE = closed('2025-04-01 10:00', 'OTH-250401-001', '2025-04-03 10:00', 'site-other');

const verify = (target: string) => {
  const run = spawnSync(process.execPath, [VERIFIER, target], { encoding: 'utf8' });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
};

const write = (bundle: ArchiveBundle, root: string): string => {
  const dir = join(root, bundle.directory);
  for (const file of bundle.files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.content);
  }
  return dir;
};

describe('Yearly sealed archive (装订封存) and its offline verifier', () => {
  let db: TestDatabase;
  let h: ReportingHarness;
  let bundle: ArchiveBundle;
  let work: string;

  beforeAll(async () => {
    db = await createTestDatabase('archive');
    h = await openReportingHarness(db.url);
    await appendStories(h.store, [C1, C2, C3, OLD, SEALED, OPEN, ELSEWHERE]);
    await h.projections.rebuild('complaint-view');
    bundle = await buildYearlyArchive(h.dataSource, h.store, { siteId: SITE, year: 2025, timeZone: 'Asia/Shanghai', now: new Date('2026-01-02T00:00:00Z') });
    work = mkdtempSync(join(tmpdir(), 'archive-'));
  }, 60_000);

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await h?.close();
    await db?.drop();
  });

  describe('Given the site’s history', () => {
    it('should seal the complaints closed in 2025 in Shanghai time, and the one sealed into 2025, nothing else', () => {
      expect(bundle.manifest.files.map((f) => f.number)).toEqual(['ARC-241202-002', 'ARC-250303-001', 'ARC-250602-002', 'ARC-251229-003']);
      expect(bundle.manifest.complaints).toBe(4);
      // Kept to the end of 2025 + archive.retentionYears (1), major ones + importantRetentionYears (3).
      expect(bundle.manifest.files.map((f) => [f.major, f.retainUntil])).toEqual(bundle.manifest.files.map((f) => [f.major, f.major ? '2028-12-31' : '2026-12-31']));
      expect(bundle.manifest.files.some((f) => f.retainUntil === '2026-12-31')).toBe(true);
      // Six events each (registered, triaged, first reply, resolved, callback completed, closed), plus SEALED's archive event.
      expect(bundle.manifest.events).toBe(6 * 4 + 1);
    });

    it('should list each file’s SHA-256 and size and seal the manifest with a root hash over its canonical JSON', () => {
      for (const entry of bundle.manifest.files) {
        const file = bundle.files.find((f) => f.path === entry.path);
        expect(file && sha256(file.content)).toBe(entry.sha256);
        expect(file?.content.length).toBe(entry.bytes);
      }
      const { rootHash, ...rest } = bundle.manifest;
      expect(rootHash).toBe(sha256(canonicalJson(rest)));
    });

    it('should leave 2024 with the record closed at 23:30 on 31 December 2024 in Shanghai only', async () => {
      const y2024 = await buildYearlyArchive(h.dataSource, h.store, { siteId: SITE, year: 2024, timeZone: 'Asia/Shanghai', now: new Date() });
      expect(y2024.manifest.files.map((f) => f.number)).toEqual(['ARC-241227-001']);
    });
  });

  describe('When the verifier checks it offline', () => {
    it('should accept the bundle as written to a folder', () => {
      const { code, out } = verify(write(bundle, join(work, 'ok')));
      expect(out).toContain(`OK: ${SITE} 2025 — 4 complaints, 25 events`);
      expect(code).toBe(0);
    });

    it('should accept the same bundle as the tar the API serves', () => {
      const tar = join(work, 'bundle.tar');
      writeFileSync(tar, tarArchive(bundle.files.map((f) => ({ path: `${bundle.directory}/${f.path}`, content: f.content })), new Date()));
      expect(verify(tar).code).toBe(0);
    });

    it('should refuse a file altered after sealing (its SHA-256 no longer matches)', () => {
      const dir = write(bundle, join(work, 'altered'));
      const path = join(dir, 'events/ARC-250303-001.jsonl');
      writeFileSync(path, readFileSync(path, 'utf8').replace('已处理完毕', '未处理完毕'));
      const { code, out } = verify(dir);
      expect(code).toBe(1);
      expect(out).toContain('events/ARC-250303-001.jsonl: SHA-256');
    });

    it('should refuse an event altered even when the forger recomputes every file hash and the root hash (the hash chain breaks)', () => {
      const dir = write(bundle, join(work, 'forged'));
      const path = join(dir, 'events/ARC-250303-001.jsonl');
      const forged = Buffer.from(readFileSync(path, 'utf8').replace('"satisfaction":2', '"satisfaction":1'), 'utf8');
      writeFileSync(path, forged);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const entry = manifest.files.find((f: { path: string }) => f.path === 'events/ARC-250303-001.jsonl');
      entry.sha256 = sha256(forged);
      entry.bytes = forged.length;
      const { rootHash: _old, ...rest } = manifest;
      manifest.rootHash = sha256(canonicalJson(rest));
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
      const { code, out } = verify(dir);
      expect(code).toBe(1);
      expect(out).toContain('events/ARC-250303-001.jsonl event 5 (CallbackCompleted)');
      expect(out).toContain('the event was altered');
      expect(out).not.toContain('SHA-256');
    });

    it('should refuse a manifest edited without its root hash, and a missing file', () => {
      const dir = write(bundle, join(work, 'manifest'));
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, year: 2024 }));
      rmSync(join(dir, 'events/ARC-250602-002.jsonl'));
      const { code, out } = verify(dir);
      expect(code).toBe(1);
      expect(out).toContain('root hash mismatch');
      expect(out).toContain('events/ARC-250602-002.jsonl: missing');
    });
  });
});
