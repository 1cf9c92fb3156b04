import { randomUUID } from 'node:crypto';
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
});
