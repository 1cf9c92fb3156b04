import type { Response } from 'express';
import type { Pool } from 'pg';
import type { MessageBus } from '@complaints/messaging';
import type { PlatformConfig } from '../config';
import { Metrics } from '../metrics/metrics';
import { HealthController } from './health.controller';

describe('Health and consumer lag', () => {
  const now = Date.now();
  const pool = { query: async () => ({ rows: [] }) } as unknown as Pool;
  const bus = { kind: 'store' } as MessageBus;
  const config = { processName: 'embedded', eventStore: 'postgres' } as PlatformConfig;
  const response = () => {
    const res = { statusCode: 200, status: (code: number) => ((res.statusCode = code), res) };
    return res;
  };
  const metricsBehind = (secondsBehind: number) => {
    const metrics = new Metrics('test');
    metrics.setStoreProbe({ head: async () => 20n, recordedAfter: async () => new Date(now - secondsBehind * 1000) });
    metrics.handled('reporting', [{ position: '10', recordedAt: new Date(now - 200_000).toISOString() }]);
    return metrics;
  };

  it('should report a consumer group more than 60 s behind as lagging and the process as degraded, still answering 200', async () => {
    const res = response();
    const health = await new HealthController(pool, bus, config, metricsBehind(90)).health(res as unknown as Response);
    expect(res.statusCode).toBe(200);
    expect(health.status).toBe('degraded');
    expect(health.components.consumers).toMatchObject({ status: 'lagging', groups: { reporting: { eventsBehind: 10 } } });
  });

  it('should call a group a few seconds behind up, and the process ok', async () => {
    const res = response();
    const health = await new HealthController(pool, bus, config, metricsBehind(3)).health(res as unknown as Response);
    expect(health.status).toBe('ok');
    expect(health.components.consumers.status).toBe('up');
  });
});
