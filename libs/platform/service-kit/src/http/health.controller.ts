import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Pool } from 'pg';
import type { MessageBus } from '@complaints/messaging';
import { Public } from '@complaints/auth';
import type { PlatformConfig } from '../config';
import { MESSAGE_BUS, PG_POOL, PLATFORM_CONFIG } from '../tokens';

type Component = { status: 'up' | 'down'; [k: string]: unknown };

/** `GET /api/health`: the only endpoint without a token (docs/api.md "Auth"). */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
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
    const ok = Object.values(components).every((c) => c.status === 'up');
    if (!ok) res.status(503);
    return { status: ok ? 'ok' : 'degraded', process: this.config.processName, components };
  }
}
