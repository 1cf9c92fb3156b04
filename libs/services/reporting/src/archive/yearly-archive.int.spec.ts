import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { canonicalJson, chainKeyFrom, computeKeyedEventHash, GENESIS_HASH } from '@complaints/event-store';
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

/**
 * A rebuild reads the store in global order, below every transaction still open on the server
 * (shared with other test files): wait until every appended event is readable.
 */
const settle = async (h: ReportingHarness): Promise<void> => {
  for (let i = 0; i < 3_000; i++) {
    const [{ n }] = (await h.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM event_store.events`)).rows;
    if ((await h.store.readAll({ maxCount: 100_000 })).length >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the event store did not settle');
};

const verify = (target: string, env: Record<string, string> = {}) => {
  const run = spawnSync(process.execPath, [VERIFIER, target], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
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
    await settle(h);
    await h.projections.rebuild('complaint-view');
    bundle = await buildYearlyArchive(h.dataSource, h.store, { siteId: SITE, year: 2025, timeZone: 'Asia/Shanghai', now: new Date('2026-01-02T00:00:00Z') });
    work = mkdtempSync(join(tmpdir(), 'archive-'));
  }, 360_000);

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
      expect(bundle.manifest.files.map((f) => [f.major, f.earliestPurgeDate])).toEqual(bundle.manifest.files.map((f) => [f.major, f.major ? '2029-01-01' : '2027-01-01']));
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

/**
 * Issue 13 row 4, the offline side: an archive of hash chain v2 (written by services with
 * the chain key) checked by `npm run archive:verify` with the key in the environment. The
 * forger edits a sealed file and then recomputes everything they can without the key (the
 * file's SHA-256 and size, its event count and last hash, the root hash).
 */
describe('Given an archive of keyed histories, when a forger without the key alters it, then the offline verifier refuses it (issue 13 row 4)', () => {
  const CHAIN_KEY = 'archive-test-chain-key-material-0123456789';
  const KEYED = [closed('2025-03-03 10:00', 'KEY-250303-001', '2025-03-06 10:00'), closed('2025-06-02 10:00', 'KEY-250602-002', '2025-06-05 10:00')];
  const FILE = 'events/KEY-250303-001.jsonl';
  let db: TestDatabase;
  let h: ReportingHarness;
  let bundle: ArchiveBundle;
  let work: string;

  type Line = { seq: number; revision: number; id: string; type: string; streamId: string; recordedAt: string; data: Record<string, unknown>; metadata: Record<string, unknown> };

  /** Rewrites FILE's events and recomputes all a forger can: the file's hash and size, its count and last hash, the root hash. */
  const forge = (label: string, change: (lines: Line[]) => Line[], manifestChange: (m: Record<string, unknown>) => void = () => undefined): string => {
    const dir = write(bundle, join(work, label));
    const path = join(dir, FILE);
    const lines = change(readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line));
    const content = Buffer.from(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`, 'utf8');
    writeFileSync(path, content);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const entry = manifest.files.find((f: { path: string }) => f.path === FILE);
    const before = entry.events;
    Object.assign(entry, { sha256: sha256(content), bytes: content.length, events: lines.length, lastHash: lines[lines.length - 1].metadata.hash });
    manifest.events += lines.length - before;
    manifestChange(manifest);
    const { rootHash: _old, rootMac: _mac, ...rest } = manifest;
    manifest.rootHash = sha256(canonicalJson(rest));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
    return dir;
  };

  beforeAll(async () => {
    db = await createTestDatabase('archive_keyed');
    h = await openReportingHarness(db.url, { chainKey: chainKeyFrom(CHAIN_KEY) });
    await appendStories(h.store, KEYED);
    await settle(h);
    await h.projections.rebuild('complaint-view');
    bundle = await buildYearlyArchive(h.dataSource, h.store, { siteId: SITE, year: 2025, timeZone: 'Asia/Shanghai', now: new Date('2026-01-02T00:00:00Z') });
    work = mkdtempSync(join(tmpdir(), 'archive-keyed-'));
  }, 360_000);

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await h?.close();
    await db?.drop();
  });

  it('should seal each stream’s signed head and the signed root, and pass with the key (not without it)', () => {
    expect(bundle.manifest.files.map((f) => f.head?.revision)).toEqual([5, 5]);
    expect(bundle.manifest.rootMac).toMatch(/^[0-9a-f]{64}$/);
    const dir = write(bundle, join(work, 'ok'));
    const ok = verify(dir, { CHAIN_KEY });
    expect(ok.out).toContain(`OK: ${SITE} 2025 — 2 complaints, 12 events, every file and hash chain intact (chain v2 and signed heads checked with the chain key)`);
    expect(ok.code).toBe(0);
    const noKey = verify(dir);
    expect(noKey.out).toContain('can only be checked with the chain key');
    expect(noKey.code).toBe(1);
    const wrongKey = verify(dir, { CHAIN_KEY: 'another-chain-key-material-of-32-characters' });
    expect(wrongKey.out).toContain('rootMac does not hold');
    expect(wrongKey.code).toBe(1);
  });

  it('should refuse an edited event (and the re-sealed root) even when the file hash and root hash are recomputed', () => {
    const { code, out } = verify(forge('edited', (lines) => lines.map((l) => (l.type === 'CallbackCompleted' ? { ...l, data: { ...l.data, satisfaction: 5 } } : l))), { CHAIN_KEY });
    expect(code).toBe(1);
    expect(out).toContain(`${FILE} event 5 (CallbackCompleted): content hashes (with the chain key)`);
    expect(out).toContain('rootMac does not hold');
  });

  it('should refuse an event whose recorded time was moved', () => {
    const { code, out } = verify(forge('moved', (lines) => lines.map((l, i) => (i === 3 ? { ...l, recordedAt: new Date(Date.parse(l.recordedAt) + 2 * 86_400_000).toISOString() } : l))), { CHAIN_KEY });
    expect(code).toBe(1);
    expect(out).toMatch(new RegExp(`${FILE} event 4 \\(\\w+\\): recorded at`));
    expect(out).toContain('the recorded time was altered');
  });

  it('should refuse a stream whose last event was deleted (the signed head names one more)', () => {
    const { code, out } = verify(forge('truncated', (lines) => lines.slice(0, -1)), { CHAIN_KEY });
    expect(code).toBe(1);
    expect(out).toContain(`${FILE}: the signed head names 6 events, the file holds 5 — its last events were deleted`);
  });

  it('should refuse a stream whose hashes were all recomputed with the forger’s own key, head included', () => {
    const forgerKey = chainKeyFrom('the-forgers-own-key-material-0123456789!!');
    const dir = forge(
      'rehashed',
      (lines) => {
        let previous = GENESIS_HASH;
        return lines.map((l) => {
          const data = l.type === 'CallbackCompleted' ? { ...l.data, satisfaction: 5 } : l.data;
          const metadata = { ...l.metadata, prevHash: previous };
          const hash = computeKeyedEventHash(forgerKey, l.streamId, { id: l.id, type: l.type, data, metadata }, previous);
          previous = hash;
          return { ...l, data, metadata: { ...metadata, hash } };
        });
      },
      (m) => {
        const entry = (m.files as { path: string; lastHash: string; head: { hash: string } }[]).find((f) => f.path === FILE);
        if (entry) entry.head.hash = entry.lastHash;
      },
    );
    const { code, out } = verify(dir, { CHAIN_KEY });
    expect(code).toBe(1);
    expect(out).toContain(`${FILE} event 1 (ComplaintRegistered): content hashes (with the chain key)`);
    expect(out).toContain(`${FILE}: the signed head does not hold`);
  });
});
