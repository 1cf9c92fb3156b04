import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Client, Pool } from 'pg';
import { TokenService, type AuthUser } from '@complaints/auth';
import { GENESIS_HASH, PostgresEventStore, chainKeyFrom, computeEventHash, computeKeyedEventHash } from '@complaints/event-store';
import { AdjustableClock, composeRootModule, createHttpApp, loadConfig, startConsumers } from '@complaints/service-kit';
import { createTestDatabase, eventually, type TestDatabase } from '@complaints/testing';
import { ReportingModule } from '../reporting.module';
import { ComplaintStory, appendStories, cst } from '../testing/complaint-story';

/**
 * Issue 13 row 4: a tamperer with superuser rights on the real PostgreSQL edits an event's
 * data, edits the `recorded_at` that `asOf` reads, deletes a stream's last event, and
 * recomputes every hash of a stream without the chain key. Each time GET /api/complaints/:id/verify
 * (the reporting audit endpoint) says invalid, and the year's archive is refused (409) rather
 * than sealed; an archive sealed before the tampering still passes the offline verifier with the
 * key. (The verifier's own refusals of tampered archive files: yearly-archive.int.spec.ts.)
 */
const SITE = 'site-tamper';
const PERSONAL_DATA_KEY = 'tamper-test-personal-data-key-0123456789';
const VERIFIER = resolve(__dirname, '../../../../../tools/verify-archive.mjs');

const closed = (day: string, number: string) =>
  new ComplaintStory()
    .register(cst(`2025-03-${day} 10:00`), { number, siteId: SITE, title: '电梯困人', description: '3号楼电梯停在8楼与9楼之间' })
    .triage(cst(`2025-03-${day} 10:10`))
    .firstReply(cst(`2025-03-${day} 10:30`))
    .resolve(cst(`2025-03-${day} 15:00`))
    .callback(cst(`2025-03-${day} 18:00`), 2);

const UNTOUCHED = closed('03', 'TP-250303-001');
const EDITED = closed('04', 'TP-250304-002');
const MOVED = closed('05', 'TP-250305-003');
const TRUNCATED = closed('06', 'TP-250306-004');
const REHASHED = closed('07', 'TP-250307-005');
const DOWNGRADED = closed('10', 'TP-250310-006');
const STORIES = [UNTOUCHED, EDITED, MOVED, TRUNCATED, REHASHED, DOWNGRADED];

const auditor: AuthUser = { id: 'u-auditor', username: 'auditor', role: 'auditor', siteIds: ['*'], departments: [] };

type Row = { position: string; event_id: string; stream_id: string; type: string; data: Record<string, unknown>; metadata: Record<string, unknown> };

describe('Given keyed complaint histories on a real PostgreSQL, when a superuser tampers with them, then /verify and the archive say so (issue 13 row 4)', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let token: string;
  let pool: Pool;
  let sql: Client;
  let work: string;

  const get = (path: string) => fetch(`${base}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
  const verify = async (story: ComplaintStory) => (await (await get(`/complaints/${story.id}/verify`)).json()) as Record<string, unknown>;
  const verifyArchive = (target: string, env: Record<string, string> = {}) => {
    const run = spawnSync(process.execPath, [VERIFIER, target], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: run.status, out: `${run.stdout}${run.stderr}` };
  };
  /** What a tamperer with superuser rights does: switch the append-only trigger off around the change. */
  const tamper = async (change: (client: Client) => Promise<unknown>) => {
    await sql.query('BEGIN');
    try {
      await sql.query('ALTER TABLE event_store.events DISABLE TRIGGER USER');
      await change(sql);
      await sql.query('ALTER TABLE event_store.events ENABLE TRIGGER USER');
      await sql.query('COMMIT');
    } catch (error) {
      await sql.query('ROLLBACK');
      throw error;
    }
  };
  const rows = async (story: ComplaintStory) =>
    (await sql.query<Row>(`SELECT position, event_id, stream_id, type, data, metadata FROM event_store.events WHERE stream_id = $1 ORDER BY stream_revision`, [`complaint-${story.id}`])).rows;

  beforeAll(async () => {
    db = await createTestDatabase('tamper');
    const secret = 'tamper-test-jwt-secret-of-32-characters!!';
    const config = loadConfig(
      { DATABASE_URL: db.url, LOG_LEVEL: 'error', JWT_SECRET: secret, PERSONAL_DATA_KEY },
      { processName: 'embedded', port: 3000, bus: 'memory', relayEnabled: true, host: '127.0.0.1' },
    );
    token = await new TokenService({ secret, issuer: config.auth.issuer, audience: config.auth.audience, ttlSeconds: 900 }).issue(auditor);
    const clock = new AdjustableClock();
    clock.set(new Date(cst('2026-01-05 10:00')));
    app = await createHttpApp(composeRootModule(config, [ReportingModule], { clock }), config, 'tamper test', { shutdownHooks: false });
    await startConsumers(app);
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    pool = new Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    // The services' key: no CHAIN_KEY set, so the one derived from PERSONAL_DATA_KEY.
    const store = new PostgresEventStore({ pool, chainKey: chainKeyFrom(PERSONAL_DATA_KEY) });
    await appendStories(store, STORIES);
    await eventually(async () => {
      const res = await get(`/complaints/${DOWNGRADED.id}`);
      return res.status === 200 && ((await res.json()) as { status: string }).status === 'closed' ? true : undefined;
    }, 'every complaint projected');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    work = mkdtempSync(join(tmpdir(), 'tamper-'));
  }, 90_000);

  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await sql?.end();
    await app?.close();
    await pool?.end();
    await db?.drop();
  });

  it('before any tampering: every history verifies, and the sealed archive passes the offline verifier with the key (and not without it)', async () => {
    for (const story of STORIES) expect(await verify(story)).toEqual({ valid: true, events: 6 });
    const res = await get(`/archives/${SITE}/2025`);
    expect(res.status).toBe(200);
    const tar = join(work, 'before.tar');
    writeFileSync(tar, Buffer.from(await res.arrayBuffer()));
    const withKey = verifyArchive(tar, { PERSONAL_DATA_KEY });
    expect(withKey.out).toContain(`OK: ${SITE} 2025 — 6 complaints, 36 events, every file and hash chain intact (chain v2 and signed heads checked with the chain key)`);
    expect(withKey.code).toBe(0);
    const withoutKey = verifyArchive(tar);
    expect(withoutKey.out).toContain('can only be checked with the chain key');
    expect(withoutKey.code).toBe(1);
  });

  it('when an event’s data is edited, then /verify breaks at that event', async () => {
    await tamper((c) => c.query(`UPDATE event_store.events SET data = jsonb_set(data, '{satisfaction}', '5') WHERE stream_id = $1 AND type = 'CallbackCompleted'`, [`complaint-${EDITED.id}`]));
    expect(await verify(EDITED)).toEqual({ valid: false, events: 6, brokenAt: 5, reason: 'hash_mismatch' });
  });

  it('when the recorded time that asOf reads is moved, then /verify breaks at that event', async () => {
    await tamper((c) => c.query(`UPDATE event_store.events SET recorded_at = recorded_at + interval '2 days' WHERE stream_id = $1 AND stream_revision = 3`, [`complaint-${MOVED.id}`]));
    expect(await verify(MOVED)).toEqual({ valid: false, events: 6, brokenAt: 4, reason: 'recorded_at_mismatch' });
  });

  it('when the stream’s last event is deleted, then /verify says it was cut short (the signed head names one more event)', async () => {
    await tamper((c) => c.query(`DELETE FROM event_store.events WHERE stream_id = $1 AND stream_revision = 5`, [`complaint-${TRUNCATED.id}`]));
    expect(await verify(TRUNCATED)).toEqual({ valid: false, events: 5, brokenAt: 6, reason: 'truncated' });
  });

  it('when an event is edited and every hash recomputed with a key of the tamperer’s own (and the head re-signed with it), then /verify breaks at the first event', async () => {
    const forgerKey = chainKeyFrom('the-tamperers-own-key-material-0123456789');
    await tamper(async (c) => {
      let previous = GENESIS_HASH;
      for (const row of await rows(REHASHED)) {
        const data = row.type === 'CallbackCompleted' ? { ...row.data, satisfaction: 5 } : row.data;
        const metadata = { ...row.metadata, prevHash: previous };
        const hash = computeKeyedEventHash(forgerKey, row.stream_id, { id: row.event_id, type: row.type, data, metadata }, previous);
        await c.query('UPDATE event_store.events SET data = $2, metadata = $3 WHERE position = $1', [row.position, data, { ...metadata, hash }]);
        previous = hash;
      }
      await c.query(`UPDATE event_store.stream_heads SET last_hash = $2 WHERE stream_id = $1`, [`complaint-${REHASHED.id}`, previous]);
    });
    expect(await verify(REHASHED)).toEqual({ valid: false, events: 6, brokenAt: 1, reason: 'hash_mismatch' });
  });

  it('when every hash is recomputed by the old unkeyed rule (chain v1) and the signed head deleted, then /verify still finds the head missing or the chain gone back — never valid', async () => {
    await tamper(async (c) => {
      let previous = GENESIS_HASH;
      for (const row of await rows(DOWNGRADED)) {
        const { chain: _c, revision: _r, recordedAt: _t, hash: _h, ...rest } = row.metadata;
        const metadata = { ...rest, prevHash: previous };
        const hash = computeEventHash({ id: row.event_id, type: row.type, data: row.data, metadata }, previous);
        await c.query('UPDATE event_store.events SET metadata = $2 WHERE position = $1', [row.position, { ...metadata, hash }]);
        previous = hash;
      }
    });
    // The head still stands: it no longer matches the last event.
    expect(await verify(DOWNGRADED)).toEqual({ valid: false, events: 6, brokenAt: 6, reason: 'head_mismatch' });
    // (A tamperer who also deletes the head makes the stream look like history from before chain v2: see README, Security.)
  });

  it('after the tampering: the untouched history still verifies, and the year’s archive is refused (409 naming a tampered complaint) instead of sealed', async () => {
    expect(await verify(UNTOUCHED)).toEqual({ valid: true, events: 6 });
    const res = await get(`/archives/${SITE}/2025`);
    expect(res.status).toBe(409);
    const body = (await res.json()) as { message: string };
    expect(body.message).toMatch(/TP-2503(04|05|06|07|10)-00\d/);
  });
});
