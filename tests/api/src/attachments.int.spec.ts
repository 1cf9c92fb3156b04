import { createHash, randomBytes } from 'node:crypto';
import { InProcessSystem } from './support/in-process-system';

/**
 * Attachments through the composed API on a real PostgreSQL (issue 15, item 1): multipart
 * upload, the SHA-256 in the hash-chained event, download of exactly those bytes, type
 * sniffing and size limits refused naming the field, dedup by hash, site/department scoping,
 * personal attachments and their erasure. The same flow runs once more with the S3 adapter
 * against the real S3-compatible server the test command starts (Adobe S3Mock).
 */
const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const jpeg = (kb = 4): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]), randomBytes(kb * 1024)]);
const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

const s3Endpoint = process.env.S3_TEST_ENDPOINT;
if (!s3Endpoint) console.warn(`\n*** Attachment API on the S3 store SKIPPED: ${process.env.S3_TIER_SKIPPED ?? 'S3_TEST_ENDPOINT is not set (run with `node tools/test/run-tests.mjs`, which starts Adobe S3Mock)'} ***\n`);

const withEnv = async <T>(env: Record<string, string>, run: () => Promise<T>): Promise<T> => {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
};

const suite = (name: string, env: Record<string, string>) =>
  describe(`Attachments (${name})`, () => {
    const system = new InProcessSystem();
    let id = '';
    let erasedSha = '';

    const upload = async (
      username: string,
      bytes: Buffer,
      options: { type?: string; name?: string; stage?: string; personal?: boolean; complaintId?: string } = {},
    ): Promise<{ status: number; body: Record<string, unknown> }> => {
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(bytes)], { type: options.type ?? 'image/jpeg' }), options.name ?? '漏水照片.jpg');
      if (options.stage) form.set('stage', options.stage);
      if (options.personal !== undefined) form.set('personal', String(options.personal));
      const res = await fetch(`${system.url}/api/complaints/${options.complaintId ?? id}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await system.token(username)}` },
        body: form,
      });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    };

    const download = async (username: string, hash: string, complaintId = id) => {
      const res = await fetch(`${system.url}/api/complaints/${complaintId}/attachments/${hash}`, { headers: { authorization: `Bearer ${await system.token(username)}` } });
      return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), headers: res.headers };
    };

    const list = async (username: string) => (await system.request('GET', `/api/complaints/${id}/attachments`, { username })).body as { items: Record<string, unknown>[]; stages: string[] };

    beforeAll(async () => {
      await withEnv(env, () => system.start());
      const reg = await system.request('POST', '/api/complaints', {
        username: 'assistant.a',
        body: { siteId: 'site-a', channel: 'phone', complainant: { name: '孙女士', phone: '13800000123', building: '7', unit: '701' }, title: '外墙渗水', description: '卧室外墙渗水发霉' },
      });
      expect(reg.status).toBe(201);
      id = String(reg.body.id);
    }, 60_000);

    afterAll(async () => {
      await system.stop();
    });

    it('given a registered complaint, when the assistant uploads the complainant’s photo, then 201 names its SHA-256 and the event in the hash-chained history carries it', async () => {
      const res = await upload('assistant.a', PNG_1X1, { type: 'image/png', name: '现场照片.png' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ complaintId: id, sha256: sha(PNG_1X1), size: PNG_1X1.length, mediaType: 'image/png', fileName: '现场照片.png', stage: 'registration', personal: false, duplicate: false });
      const history = (await system.request('GET', `/api/complaints/${id}/history`, { username: 'admin' })).body.events as { type: string; data: Record<string, unknown>; hash: string }[];
      const added = history.find((e) => e.type === 'AttachmentAdded');
      expect(added?.data).toMatchObject({ sha256: sha(PNG_1X1), size: PNG_1X1.length, mediaType: 'image/png', stage: 'registration' });
      expect(added?.hash).toMatch(/^[0-9a-f]{64}$/);
      expect((await system.request('GET', `/api/complaints/${id}/verify`, { username: 'admin' })).body).toMatchObject({ valid: true });
    });

    it('given the photo was uploaded, then reporting’s view follows (the projection applies AttachmentAdded)', async () => {
      let view: Record<string, unknown> = {};
      // Minutes, not seconds: on a shared PostgreSQL another suite's long transaction holds the read side back.
      for (let i = 0; i < 2400 && view.version !== 2; i++) {
        view = (await system.request('GET', `/api/complaints/${id}`, { username: 'assistant.a' })).body;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(view).toMatchObject({ id, version: 2, status: 'registered' });
    }, 180_000);

    it('given the photo was uploaded, when it is downloaded, then the bytes are exactly those whose hash the event holds', async () => {
      const res = await download('assistant.a', sha(PNG_1X1));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('x-content-sha256')).toBe(sha(PNG_1X1));
      expect(sha(res.bytes)).toBe(sha(PNG_1X1));
    });

    it('given the same bytes again, when uploaded under another name, then nothing new is recorded (dedup by hash)', async () => {
      const res = await upload('assistant.a', PNG_1X1, { type: 'image/png', name: 'again.png' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ duplicate: true, sha256: sha(PNG_1X1) });
      const { items } = await list('assistant.a');
      expect(items.filter((i) => i.sha256 === sha(PNG_1X1))).toHaveLength(1);
    });

    it('refuses PNG bytes declared as JPEG, an HTML page declared as an image, and a missing file — each naming the field, storing nothing', async () => {
      const mismatch = await upload('assistant.a', Buffer.concat([PNG_1X1, Buffer.from('x')]), { type: 'image/jpeg' });
      expect(mismatch.status).toBe(422);
      expect(mismatch.body.details).toEqual([{ field: 'mediaType', problem: 'the content is image/png, not image/jpeg', code: 'problem.invalid' }]);
      const html = Buffer.from('<html><script>alert(1)</script></html>');
      const disguised = await upload('assistant.a', html, { type: 'image/png' });
      expect(disguised.status).toBe(422);
      expect((disguised.body.details as { field: string }[])[0].field).toBe('mediaType');
      expect((await system.sql.query(`SELECT 1 FROM attachments.blobs WHERE sha256 = $1`, [sha(html)])).rowCount).toBe(0);
      const none = await system.request('POST', `/api/complaints/${id}/attachments`, { username: 'assistant.a', body: {} });
      expect(none.status).toBe(400);
      expect(none.body.details).toEqual([expect.objectContaining({ field: 'file' })]);
    });

    it('refuses a file over the policy’s 10 MiB naming size, and handling evidence before triage naming the status', async () => {
      const big = await upload('assistant.a', jpeg(10 * 1024 + 1));
      expect(big.status).toBe(422);
      expect(big.body.details).toEqual([expect.objectContaining({ field: 'size' })]);
      const early = await upload('assistant.a', jpeg(), { stage: 'handling' });
      expect(early.status).toBe(409);
      expect(String(early.body.message)).toContain("'registered'");
    });

    it('scopes by site and department: another site’s user and another department’s staff are refused; the list offers the stages the domain takes', async () => {
      expect((await upload('assistant.b', jpeg())).status).toBe(403);
      expect((await system.request('GET', `/api/complaints/${id}/attachments`, { username: 'assistant.b' })).status).toBe(403);
      expect((await download('assistant.b', sha(PNG_1X1))).status).toBe(403);
      expect((await list('duty.a')).stages).toEqual(['registration']);
      expect((await list('auditor')).stages).toEqual([]);
      const triage = await system.request('POST', `/api/complaints/${id}/triage`, {
        username: 'duty.a',
        body: { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering' },
      });
      expect(triage.status).toBe(202);
      expect((await list('handler.a')).stages).toEqual(['handling', 'resolution']);
      const handling = await upload('handler.a', jpeg(), { stage: 'handling', name: '维修中.jpg' });
      expect(handling.status).toBe(201);
      expect(handling.body).toMatchObject({ stage: 'handling', fileName: '维修中.jpg' });
    });

    it('given a personal photo (the complainant’s ID), when a handler lists or downloads it, then it is masked and refused; once erased, nobody gets it and the bytes are gone', async () => {
      const idCard = jpeg(2);
      erasedSha = sha(idCard);
      const res = await upload('assistant.a', idCard, { stage: 'handling', personal: true, name: '孙女士身份证.jpg' });
      expect(res.status).toBe(201);
      expect((await download('assistant.a', sha(idCard))).status).toBe(200);
      // Its file name is personal data: sealed at rest, masked for the auditor, in full for CS staff.
      const stored = await system.sql.query<{ data: Record<string, unknown> }>(`SELECT data FROM event_store.events WHERE type = 'AttachmentAdded' AND data->>'sha256' = $1`, [sha(idCard)]);
      expect(String(stored.rows[0].data.fileName)).toMatch(/^pii:/);
      expect((await system.request('GET', `/api/complaints/${id}/history`, { username: 'auditor' })).text).not.toContain('身份证');
      expect((await list('assistant.a')).items.find((i) => i.sha256 === sha(idCard))).toMatchObject({ fileName: '孙女士身份证.jpg', available: true });
      const handlerView = (await list('handler.a')).items.find((i) => i.sha256 === sha(idCard));
      expect(handlerView).toMatchObject({ personal: true, available: false, unavailableReason: 'personal', fileName: '[personal]' });
      expect((await download('handler.a', sha(idCard))).status).toBe(403);

      const erase = await system.request('POST', `/api/complaints/${id}/personal-data/erasure`, { username: 'admin', body: { reason: '业主申请删除个人信息' } });
      expect(erase.status).toBe(200);
      expect((await download('assistant.a', sha(idCard))).status).toBe(410);
      const after = (await list('assistant.a')).items;
      expect(after.find((i) => i.sha256 === sha(idCard))).toMatchObject({ available: false, unavailableReason: 'erased', fileName: '[erased]' });
      // The non-personal photo is untouched by the erasure.
      expect((await download('assistant.a', sha(PNG_1X1))).status).toBe(200);
      // A personal attachment is not taken any more.
      const again = await upload('assistant.a', jpeg(1), { stage: 'handling', personal: true });
      expect(again.status).toBe(422);
      expect(again.body.details).toEqual([expect.objectContaining({ field: 'personal' })]);
      // The chain still verifies: the event keeps its hash, only the bytes went.
      expect((await system.request('GET', `/api/complaints/${id}/verify`, { username: 'admin' })).body).toMatchObject({ valid: true });
    });

    if (name === 'PostgreSQL') {
      it('given the same photo sent three times at once, then one AttachmentAdded is recorded and the others answer duplicate', async () => {
        const photo = jpeg(3);
        const answers = await Promise.all([1, 2, 3].map(() => upload('handler.a', photo, { stage: 'handling' })));
        expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
        expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
        const history = (await system.request('GET', `/api/complaints/${id}/history`, { username: 'admin' })).body.events as { type: string; data: Record<string, unknown> }[];
        expect(history.filter((e) => e.type === 'AttachmentAdded' && e.data.sha256 === sha(photo))).toHaveLength(1);
      });

      it('given 60 uploads with random fields, types and bytes, then every answer is 201 or a 4xx naming a field — never a 5xx — and a refused one stores nothing', async () => {
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
        const stages = ['registration', 'handling', 'resolution', '', 'later', '处理', 'x'.repeat(300)];
        const types = ['image/jpeg', 'image/png', 'application/pdf', 'text/html', 'application/octet-stream', 'image/svg+xml', ''];
        const names = ['a.jpg', '照片.png', '../../etc/passwd', 'x'.repeat(300), 'con\u0001trol.jpg', ' ', 'ok.pdf'];
        const bodies = [() => jpeg(1), () => PNG_1X1, () => Buffer.from('%PDF-1.4 x'), () => randomBytes(100), () => Buffer.alloc(0), () => Buffer.from('<svg onload=alert(1)>')];
        for (let i = 0; i < 60; i++) {
          const bytes = pick(bodies)();
          const form = new FormData();
          form.set('file', new Blob([new Uint8Array(bytes)], { type: pick(types) }), pick(names));
          const stage = pick(stages);
          if (stage) form.set('stage', stage);
          if (Math.random() < 0.5) form.set('personal', pick(['true', 'false', 'yes', '1', '']));
          if (Math.random() < 0.3) form.set('note', pick(['备注', 'x'.repeat(2000), '']));
          const res = await fetch(`${system.url}/api/complaints/${id}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${await system.token('handler.a')}` }, body: form });
          const body = (await res.json()) as { details?: { field: string }[]; duplicate?: boolean };
          expect({ i, status: res.status < 500 }).toEqual({ i, status: true });
          if (res.status === 201) continue;
          expect([400, 409, 413, 422]).toContain(res.status);
          if (res.status !== 409) expect(body.details?.length).toBeGreaterThan(0);
          if (!(await system.sql.query(`SELECT 1 FROM attachments.refs WHERE sha256 = $1`, [sha(bytes)])).rowCount) {
            expect((await system.sql.query(`SELECT 1 FROM attachments.blobs WHERE sha256 = $1`, [sha(bytes)])).rowCount).toBe(0);
          }
        }
      }, 120_000);

      it('keeps the bytes of an erased personal attachment nowhere in PostgreSQL, and the others there', async () => {
        expect((await system.sql.query(`SELECT 1 FROM attachments.blobs WHERE sha256 = $1`, [erasedSha])).rowCount).toBe(0);
        expect((await system.sql.query(`SELECT 1 FROM attachments.blobs WHERE sha256 = $1`, [sha(PNG_1X1)])).rowCount).toBe(1);
      });

      it('stops an upload over ATTACHMENT_MAX_UPLOAD_BYTES (12 MiB here) early with 413 naming file', async () => {
        const res = await upload('handler.a', jpeg(13 * 1024), { stage: 'handling' });
        expect(res.status).toBe(413);
        expect(res.body.details).toEqual([{ field: 'file', problem: `at most ${12 * 1024 * 1024} bytes per upload`, code: 'problem.invalid' }]);
      });
    } else {
      it('keeps the bytes in the bucket under attachments/<sha256>, and an erased personal attachment’s nowhere', async () => {
        const object = (hash: string) => fetch(`${env.S3_ENDPOINT}/${env.S3_BUCKET}/attachments/${hash}`);
        const kept = await object(sha(PNG_1X1));
        expect(kept.status).toBe(200);
        expect(sha(Buffer.from(await kept.arrayBuffer()))).toBe(sha(PNG_1X1));
        expect((await object(erasedSha)).status).toBe(404);
        expect((await system.sql.query(`SELECT 1 FROM attachments.blobs`)).rowCount).toBe(0);
      });
    }
  });

suite('PostgreSQL', { ATTACHMENT_STORE: 'postgres', ATTACHMENT_MAX_UPLOAD_BYTES: String(12 * 1024 * 1024) });
if (s3Endpoint) {
  suite('S3 on Adobe S3Mock', {
    ATTACHMENT_STORE: 's3',
    S3_ENDPOINT: s3Endpoint,
    S3_BUCKET: `api-attachments-${randomBytes(3).toString('hex')}`,
    S3_ACCESS_KEY_ID: 'test',
    S3_SECRET_ACCESS_KEY: 'test-secret',
  });
}
