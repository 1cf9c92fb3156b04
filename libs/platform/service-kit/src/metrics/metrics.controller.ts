import { Controller, ForbiddenException, Get, Header, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { Public } from '@complaints/auth';
import type { PlatformConfig } from '../config';
import { METRICS, PLATFORM_CONFIG } from '../tokens';
import type { Metrics } from './metrics';

const sameSecret = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * `GET /api/metrics`: Prometheus text format, for a scraper rather than a person (no user
 * token). With METRICS_TOKEN set, the scraper must send it as a bearer token.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  @Public()
  @Get()
  @Header('Cache-Control', 'no-store')
  async scrape(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: Response): Promise<string> {
    const token = this.config.metricsToken;
    if (token && !sameSecret(authorization ?? '', `Bearer ${token}`)) throw new ForbiddenException('metrics need the METRICS_TOKEN bearer token');
    res.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
