import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Pool } from 'pg';
import type { MessageBus } from '@complaints/messaging';
import { Public } from '@complaints/auth';
import type { PlatformConfig } from '../config';
import { MESSAGE_BUS, METRICS, PG_POOL, PLATFORM_CONFIG } from '../tokens';
import type { Metrics } from '../metrics/metrics';

/** A consumer group (and the projections it feeds) further behind the store than this is reported as lagging. */
export const LAG_DEGRADED_SECONDS = 60;

type Component = { status: 'up' | 'down' | 'lagging'; [k: string]: unknown };

/** `GET /api/health`: the only endpoint without a token (docs/api.md "Auth"). */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(METRICS) private readonly metrics: Metrics,
  ) {}

  @Public()
  @Get()
  @HttpCode(200)
  @ApiOkResponse({ description: '{ status: "ok" | "degraded", components: { … } }' })
  async health(@Res({ passthrough: true }) res: Response): Promise<{ status: 'ok' | 'degraded'; process: string; components: Record<string, Component> }> {
    const components: Record<string, Component> = {};
    const started = Date.now();
    try {
      await this.pool.query('SELECT 1');
      components.database = { status: 'up', latencyMs: Date.now() - started };
    } catch (error) {
      components.database = { status: 'down', error: (error as Error).message };
    }
    components.eventStore = { status: components.database.status, adapter: this.config.eventStore };
    components.bus = { status: 'up', adapter: this.bus.kind };
    // Consumers (and the projections they feed) far behind the store: the process works, its views are stale.
    const lag = await this.metrics.lag();
    if (lag.length > 0) {
      const worst = Math.max(...lag.map((l) => l.secondsBehind));
      components.consumers = {
        status: worst > LAG_DEGRADED_SECONDS ? 'lagging' : 'up',
        groups: Object.fromEntries(lag.map((l) => [l.group, { eventsBehind: l.eventsBehind, secondsBehind: Math.round(l.secondsBehind) }])),
      };
    }
    const ok = Object.values(components).every((c) => c.status === 'up');
    // Down is a 503 (take this instance out); lagging answers 200 with status degraded (it still serves).
    if (Object.values(components).some((c) => c.status === 'down')) res.status(503);
    return { status: ok ? 'ok' : 'degraded', process: this.config.processName, components };
  }
}
