import { InProcessSystem } from './support/in-process-system';

/**
 * `GET /api/metrics` of the embedded process after real traffic: Prometheus text with the
 * request histogram by route pattern, the events appended, and per consumer group the
 * events handled, the batch sizes and the lag; `/api/health` shows the groups' lag.
 */
describe('Metrics and lag', () => {
  const system = new InProcessSystem();
  beforeAll(() => system.start(), 60_000);
  afterAll(() => system.stop());

  const metric = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `) ? Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)) : false);
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  it('should count requests by route pattern, events appended and events handled per consumer group, and report each group caught up', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await system.request('POST', '/api/complaints', {
        username: 'assistant.a',
        body: { siteId: 'site-a', channel: 'phone', complainant: { name: '张三', phone: `1380013800${i}`, building: '1', unit: '101' }, title: '噪音', description: '楼上噪音', householdCount: 1 },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id as string);
    }
    // Every registration reaches the read model (the reporting group has handled it).
    for (const id of ids) {
      for (let tries = 0; (await system.request('GET', `/api/complaints/${id}`, { username: 'assistant.a' })).status !== 200; tries++) {
        if (tries > 200) throw new Error(`${id} never reached the read model`);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    // Each consumer group goes at its own pace: scrape until every one has handled the 5 registrations.
    const groups = ['intake', 'triage', 'handling', 'callback', 'reporting'];
    let res!: Response;
    let text = '';
    for (let tries = 0; ; tries++) {
      res = await fetch(`${system.url}/api/metrics`);
      text = await res.text();
      if (groups.every((group) => (metric(text, 'complaints_consumer_events_total', { group }) ?? 0) >= 5) || tries > 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    // The route pattern, never the raw path with an id in it.
    expect(metric(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/api/complaints', status: '201' })).toBe(5);
    expect(metric(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/api/complaints/:id', status: '200' })).toBeGreaterThanOrEqual(5);
    expect(text).not.toContain(ids[0]);
    expect(metric(text, 'complaints_events_appended_total')).toBeGreaterThanOrEqual(10); // 5 registrations + their serials
    for (const group of groups) {
      expect(metric(text, 'complaints_consumer_events_total', { group })).toBeGreaterThanOrEqual(5);
      expect(metric(text, 'complaints_consumer_batch_size_count', { group })).toBeGreaterThanOrEqual(1);
    }
    expect(metric(text, 'complaints_projection_events_applied_total', { projection: 'complaint-view' })).toBeGreaterThanOrEqual(5);
    expect(metric(text, 'complaints_event_store_head_position')).toBeGreaterThanOrEqual(10);
    expect(metric(text, 'complaints_consumer_seconds_behind', { group: 'reporting' })).toBe(0);
    expect(text).not.toContain('13800138000');

    const health = await system.request('GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect((health.body.components as Record<string, { status: string; groups: Record<string, unknown> }>).consumers).toMatchObject({
      status: 'up',
      groups: { reporting: { secondsBehind: 0 } },
    });
  });
});
