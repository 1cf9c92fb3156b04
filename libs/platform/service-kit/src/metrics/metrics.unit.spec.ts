import { Metrics, type StoreProbe } from './metrics';

describe('Consumer lag', () => {
  const now = Date.now();
  const probe = (head: bigint, recorded: Record<string, number>): StoreProbe => ({
    head: async () => head,
    recordedAfter: async (position) => (recorded[position.toString()] === undefined ? undefined : new Date(recorded[position.toString()])),
  });

  it('should report a group that has handled up to the head as caught up, and one behind by the age of the oldest event it has not handled', async () => {
    const metrics = new Metrics('test');
    metrics.setStoreProbe(probe(120n, { '100': now - 90_000 }));
    metrics.handled('reporting', [{ position: '90', recordedAt: new Date(now - 100_000).toISOString() }, { position: '100', recordedAt: new Date(now - 95_000).toISOString() }]);
    metrics.handled('triage', [{ position: '120', recordedAt: new Date(now).toISOString() }]);
    const lag = await metrics.lag();
    expect(lag.find((l) => l.group === 'triage')).toEqual({ group: 'triage', eventsBehind: 0, secondsBehind: 0 });
    const reporting = lag.find((l) => l.group === 'reporting');
    expect(reporting?.eventsBehind).toBe(20);
    expect(reporting?.secondsBehind).toBeGreaterThanOrEqual(89);
    expect(reporting?.secondsBehind).toBeLessThan(120);
  });

  it('should keep the furthest position a group has handled when batches of different partitions finish out of order', async () => {
    const metrics = new Metrics('test');
    metrics.setStoreProbe(probe(50n, {}));
    metrics.handled('g', [{ position: '50', recordedAt: new Date(now).toISOString() }]);
    metrics.handled('g', [{ position: '30', recordedAt: new Date(now).toISOString() }]);
    expect(await metrics.lag()).toEqual([{ group: 'g', eventsBehind: 0, secondsBehind: 0 }]);
  });
});

describe('Projection lag', () => {
  const now = Date.now();

  it('should count each projection’s applied events (not its redeliveries) and report how far its live path is behind the store, per projection', async () => {
    const metrics = new Metrics('test');
    metrics.setStoreProbe({ head: async () => 40n, recordedAfter: async (position) => (position === 30n ? new Date(now - 60_000) : undefined) });
    const batch = [
      { position: '29', recordedAt: new Date(now - 70_000).toISOString() },
      { position: '30', recordedAt: new Date(now - 65_000).toISOString() },
    ];
    metrics.projectionApplied('triage-inbox', 2, batch);
    metrics.projectionApplied('contact-index', 0, [...batch, { position: '40', recordedAt: new Date(now).toISOString() }]);
    const lag = await metrics.projectionLag();
    expect(lag.find((l) => l.group === 'contact-index')).toEqual({ group: 'contact-index', eventsBehind: 0, secondsBehind: 0 });
    const inbox = lag.find((l) => l.group === 'triage-inbox');
    expect(inbox?.eventsBehind).toBe(10);
    expect(inbox?.secondsBehind).toBeGreaterThanOrEqual(59);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/complaints_projection_events_applied_total\{projection="triage-inbox",process="test"\} 2/);
    expect(text).not.toMatch(/complaints_projection_events_applied_total\{projection="contact-index"/);
    expect(text).toMatch(/complaints_projection_events_behind\{projection="triage-inbox",process="test"\} 10/);
  });
});
