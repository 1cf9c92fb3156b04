import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ComplaintCommandRunner } from '@complaints/service-common';
import { EVENT_STORE } from '@complaints/service-kit';
import { linkForAppend, type EventStore } from '@complaints/event-store';
import { InProcessSystem } from './support/in-process-system';

/**
 * Event schema evolution (issue 14): an event stored with an older schema version is read as
 * the current one by every reader — the command path's replay, the read-model projections,
 * the audit view and the chain verification — through the domain's one converter, while the
 * stored bytes (and so the hash chain) stay as they were written.
 */
const system = new InProcessSystem();
/** The key the in-process system runs with (support/in-process-system.ts): the archive verifier derives the chain key from it. */
const PERSONAL_DATA_KEY = 'api-tests-only-personal-data-key-0123456789';
const VERIFIER = resolve(__dirname, '../../../tools/verify-archive.mjs');

beforeAll(async () => {
  await system.start();
}, 60_000);

afterAll(async () => {
  await system.stop();
});

describe('A version-1 event in a complaint stream', () => {
  it('should be stamped on new events, and an old (v1) erasure without fields should erase the name and phone for replay, projection and audit, the chain still verifying', async () => {
    const reg = await system.request('POST', '/api/complaints', {
      username: 'assistant.a',
      body: { siteId: 'site-a', channel: 'phone', complainant: { name: '吴先生', phone: '13800000456', building: '7', unit: '703' }, title: '垃圾清运不及时', description: '7号楼垃圾两天未清运' },
    });
    expect(reg.status).toBe(201);
    const id = String(reg.body.id);
    const streamId = `complaint-${id}`;

    // New events carry their type's schema version.
    const stamped = await system.sql.query<{ v: number }>(`SELECT (metadata->>'schemaVersion')::int AS v FROM event_store.events WHERE stream_id = $1`, [streamId]);
    expect(stamped.rows.map((r) => r.v)).toEqual([1]);

    // An erasure as version 1 wrote it: no `fields`, no schemaVersion — linked onto the chain like any append.
    const store = system.app.get<EventStore>(EVENT_STORE);
    const history = await store.readStream(streamId);
    const v1 = {
      id: randomUUID(),
      type: 'PersonalDataErased',
      data: { complaintId: id, at: new Date().toISOString(), actor: { id: 'u-admin', role: 'admin' }, reason: '业主申请删除个人信息' },
      metadata: { actor: { id: 'u-admin', role: 'admin' }, occurredAt: new Date().toISOString() },
    };
    const link = linkForAppend(store, streamId, history, [v1]);
    await store.appendToStream(streamId, link.events, link.options);

    // Replay in the command path: the name and phone read as erased (a v1 erasure named them).
    const state = await system.app.get(ComplaintCommandRunner).stateOf(id);
    expect(state.exists && [state.personalDataErased, state.complainant.name, state.complainant.phone]).toEqual([true, '[erased]', '[erased]']);

    // The projection (live, through the relay) and the audit view read it the same way.
    let view: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) {
      view = (await system.request('GET', `/api/complaints/${id}`, { username: 'admin' })).body;
      if (view.personalDataErased === true) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect([view.personalDataErased, (view.complainant as Record<string, unknown>).name, (view.complainant as Record<string, unknown>).phone]).toEqual([true, '[erased]', '[erased]']);

    // The stored bytes are untouched (no fields, no version) and the chain verifies.
    const stored = await system.sql.query<{ data: Record<string, unknown>; metadata: Record<string, unknown> }>(
      `SELECT data, metadata FROM event_store.events WHERE stream_id = $1 AND type = 'PersonalDataErased'`,
      [streamId],
    );
    expect([stored.rows[0].data.fields, stored.rows[0].metadata.schemaVersion]).toEqual([undefined, undefined]);
    const verify = await system.request('GET', `/api/complaints/${id}/verify`, { username: 'auditor' });
    expect(verify.body).toMatchObject({ valid: true, events: 2 });
  }, 60_000);

  it('should read a v1 erasure in a closed complaint as v2 through replay, a rebuild of the complaint view and the yearly archive, which verifies offline', async () => {
    const ok = async (method: string, path: string, username: string, body?: unknown) => {
      const res = await system.request(method, path, { username, body });
      if (![200, 201, 202].includes(res.status)) throw new Error(`${method} ${path} as ${username}: ${res.status} ${res.text.slice(0, 300)}`);
      return res;
    };
    const viewUntil = async (id: string, done: (v: Record<string, unknown>) => boolean, what: string) => {
      let view: Record<string, unknown> = {};
      for (let i = 0; i < 600; i++) {
        view = (await system.request('GET', `/api/complaints/${id}`, { username: 'admin' })).body;
        if (done(view)) return view;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(view)}`);
    };
    const reg = await ok('POST', '/api/complaints', 'assistant.a', {
      siteId: 'site-a',
      channel: 'phone',
      complainant: { name: '郑女士', phone: '13800000789', building: '9', unit: '901' },
      title: '电梯异响',
      description: '9号楼电梯运行异响',
    });
    const id = String(reg.body.id);
    const streamId = `complaint-${id}`;
    await ok('POST', `/api/complaints/${id}/triage`, 'duty.a', { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering' });
    await ok('POST', `/api/complaints/${id}/replies`, 'assistant.a', { kind: 'first', message: '已安排' });
    await ok('POST', `/api/complaints/${id}/resolve`, 'handler.a', { resolution: '已修复', rootCause: '导轨松动', responsibleDepartment: 'engineering', correctiveActions: '调整导轨', preventiveActions: '巡检' });
    await ok('POST', `/api/complaints/${id}/callbacks`, 'assistant.a', { method: 'phone', reached: true, satisfaction: 2 });
    const closed = await viewUntil(id, (v) => v.status === 'closed', 'closed');

    // The erasure as version 1 wrote it (no fields, no schemaVersion), appended through the store's ordinary linking.
    const store = system.app.get<EventStore>(EVENT_STORE);
    const history = await store.readStream(streamId);
    const at = new Date().toISOString();
    const v1 = {
      id: randomUUID(),
      type: 'PersonalDataErased',
      data: { complaintId: id, at, actor: { id: 'u-admin', role: 'admin' }, reason: '业主申请删除个人信息' },
      metadata: { actor: { id: 'u-admin', role: 'admin' }, occurredAt: at },
    };
    const link = linkForAppend(store, streamId, history, [v1]);
    await store.appendToStream(streamId, link.events, link.options);

    // Replay (the command path) sees v2: the name and phone erased.
    const state = await system.app.get(ComplaintCommandRunner).stateOf(id);
    expect(state.exists && [state.status, state.personalDataErased, state.complainant.name, state.complainant.phone]).toEqual(['closed', true, '[erased]', '[erased]']);

    // A rebuild of the complaint view from the store folds it the same way.
    const rebuilt = await ok('POST', '/api/admin/projections/complaint-view/rebuild?wait=true', 'admin');
    expect(rebuilt.body).toMatchObject({ status: 'live' });
    const view = await viewUntil(id, (v) => v.personalDataErased === true, 'the erasure in the rebuilt view');
    const complainant = view.complainant as Record<string, unknown>;
    expect([view.status, complainant.name, complainant.phone, complainant.building]).toEqual(['closed', '[erased]', '[erased]', '9']);

    // The yearly archive holds the event as stored, and the offline verifier calls it intact.
    const year = new Date(Date.parse(String(closed.closedAt)) + 8 * 3_600_000).getUTCFullYear();
    const manifest = await ok('GET', `/api/archives/site-a/${year}/manifest`, 'auditor');
    const entry = (manifest.body.files as { complaintId: string; events: number }[]).find((f) => f.complaintId === id);
    expect(entry?.events).toBe(history.length + 1);
    const res = await fetch(`${system.url}/api/archives/site-a/${year}`, { headers: { authorization: `Bearer ${await system.token('auditor')}` } });
    expect(res.status).toBe(200);
    const tar = Buffer.from(await res.arrayBuffer());
    const line = tar
      .toString('utf8')
      .split('\n')
      .find((l) => l.includes('"PersonalDataErased"') && l.includes(id));
    expect(line).toBeDefined();
    const archived = JSON.parse(line as string) as { data: Record<string, unknown>; metadata: Record<string, unknown> };
    expect([archived.data.fields, archived.metadata.schemaVersion]).toEqual([undefined, undefined]);
    const work = mkdtempSync(join(tmpdir(), 'event-schema-archive-'));
    try {
      const file = join(work, `site-a-${year}.tar`);
      writeFileSync(file, tar);
      const run = spawnSync(process.execPath, [VERIFIER, file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', PERSONAL_DATA_KEY } });
      expect(`${run.stdout}${run.stderr}`).toContain('intact');
      expect(run.status).toBe(0);
      // And the verifier is not blind to it: the same archive with the erasure's reason changed fails.
      const reason = Buffer.from('删除个人信息');
      const at2 = tar.indexOf(reason);
      expect(at2).toBeGreaterThan(0);
      const tamperedTar = Buffer.from(tar);
      Buffer.from('删除个人资料').copy(tamperedTar, at2);
      writeFileSync(file, tamperedTar);
      const tampered = spawnSync(process.execPath, [VERIFIER, file], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', PERSONAL_DATA_KEY } });
      expect(tampered.status).not.toBe(0);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});
