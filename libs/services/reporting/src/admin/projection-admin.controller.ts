import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { Response } from 'express';
import { RebuildInProgressError, type RebuildReport } from '@complaints/read-model';
import { CurrentUser, conflict, notFound, type ActingUser } from '@complaints/service-kit';
import { assertAdmin } from '../access/reporting-access';
import { ProjectionService, type ProjectionState } from '../projections/projection.service';

const toBool = ({ value }: { value: unknown }) => (value === 'true' || value === true ? true : value === 'false' || value === false ? false : value);

export class RebuildQueryDto {
  @ApiPropertyOptional({ description: 'Answer when the rebuild has finished (200 with its figures) instead of at once (202)' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  wait?: boolean;
}


/** Operations on the reporting projections (read models). */
@ApiTags('admin')
@Controller('admin/projections')
export class ProjectionAdminController {
  constructor(private readonly projections: ProjectionService) {}

  @Get()
  @ApiOkResponse({ description: 'Every projection with its checkpoint: status, position, events, last rebuild' })
  async list(@CurrentUser() user: ActingUser): Promise<{ projections: ProjectionState[] }> {
    assertAdmin(user);
    return { projections: await this.projections.states() };
  }

  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Rebuild started (or, with ?wait=true, 200 with events, rows, seconds and events/s)' })
  async rebuild(
    @Param('name') name: string,
    @Query() query: RebuildQueryDto,
    @CurrentUser() user: ActingUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<{ projection: string; status: 'rebuilding' } | ({ status: 'live' } & RebuildReport)> {
    assertAdmin(user);
    if (!this.projections.projections.find(name)) {
      throw notFound(`Unknown projection '${name}'; one of ${this.projections.projections.projections.map((p) => p.name).join(', ')}`);
    }
    if (this.projections.isRunning(name)) throw conflict(`Projection ${name} is already being rebuilt`);
    const run = this.projections.start(name);
    if (!query.wait) {
      // A rebuild already running in another process shows up as a failed start here.
      const early = await Promise.race([run.then(() => undefined, (e: unknown) => e), new Promise((r) => setTimeout(r, 50, undefined))]);
      if (early instanceof RebuildInProgressError) throw conflict(early.message);
      return { projection: name, status: 'rebuilding' };
    }
    try {
      const report = await run;
      res.status(200);
      return { status: 'live', ...report };
    } catch (error) {
      if (error instanceof RebuildInProgressError) throw conflict(error.message);
      throw error;
    }
  }
}
