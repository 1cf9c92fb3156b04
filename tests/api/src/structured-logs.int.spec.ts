import { Writable } from 'node:stream';
import { InProcessSystem } from './support/in-process-system';

/**
 * The JSON log of a process after a registration (README "Logs"): every line is one JSON
 * object; the request's line and the consumers' batch lines carry the correlation id,
 * the complaint id and the actor; the complainant's name, phone and flat number appear in
 * no line, though the process opened them to answer the view.
 */
describe('Structured JSON logs', () => {
  const system = new InProcessSystem();
  const lines: string[] = [];
  let pending = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const parts = (pending + chunk.toString('utf8')).split('\n');
      pending = parts.pop() ?? '';
      lines.push(...parts.filter(Boolean));
      done();
    },
  });

  beforeAll(() => system.start({ LOG_LEVEL: 'debug' }, { logDestination: destination }), 60_000);
  afterAll(() => system.stop());

  const complainant = { name: '欧阳娜娜', phone: '13977770001', building: '九号楼', unit: '七〇三室' };

  it('should log JSON lines naming the correlation id, complaint and actor, and never the complainant', async () => {
    const res = await system.request('POST', '/api/complaints', {
      username: 'assistant.a',
      headers: { 'x-correlation-id': 'logs-corr-1' },
      body: { siteId: 'site-a', channel: 'phone', complainant, title: '噪音', description: '楼上装修噪音', householdCount: 1 },
    });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    // The view shows the complainant in full to the assistant: the process did open the sealed values.
    let view = await system.request('GET', `/api/complaints/${id}`, { username: 'assistant.a' });
    for (let tries = 0; view.status !== 200 && tries < 200; tries++) {
      await new Promise((r) => setTimeout(r, 25));
      view = await system.request('GET', `/api/complaints/${id}`, { username: 'assistant.a' });
    }
    expect(JSON.stringify(view.body)).toContain(complainant.name);

    const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

    const actor = { id: expect.any(String), role: 'cs_assistant' };
    const request = entries().find((e) => e.msg === 'request completed' && (e.http as Record<string, unknown>)?.route === '/api/complaints');
    expect(request).toMatchObject({
      level: 'info',
      service: 'embedded',
      correlationId: 'logs-corr-1',
      complaintId: id,
      causationId: expect.any(String),
      actor,
      requestId: res.headers.get('x-request-id'),
      http: { method: 'POST', status: 201, durationMs: expect.any(Number) },
    });
    const batches = entries().filter((e) => typeof e.group === 'string' && e.complaintId === id && /message\(s\) from/.test(String(e.msg)));
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) expect(batch).toMatchObject({ level: 'debug', context: 'bus', correlationId: 'logs-corr-1', complaintId: id, actor });

    const text = lines.join('\n');
    for (const value of Object.values(complainant)) expect(text).not.toContain(value);
    expect(text).not.toContain('Bearer ');
  });
});
