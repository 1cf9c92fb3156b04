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
