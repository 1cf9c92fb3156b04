import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { IsISO8601, IsInt, IsOptional } from 'class-validator';
import { Public } from '@complaints/auth';
import { CLOCK, type AdjustableClock } from '../clock';

export class ClockChangeDto {
  @IsOptional() @IsInt() advanceMs?: number;
  @IsOptional() @IsISO8601() set?: string;
}

/**
 * Test-only control of this process's clock, registered only with CLOCK_CONTROL=true:
 * end-to-end tests move time forward to make deadlines fall due in a running system.
 */
@ApiExcludeController()
@Public()
@Controller('admin/clock')
export class ClockController {
  constructor(@Inject(CLOCK) private readonly clock: AdjustableClock) {}

  @Get()
  now(): { now: string } {
    return { now: this.clock.now().toISOString() };
  }

  @Post()
  @HttpCode(200)
  change(@Body() body: ClockChangeDto): { now: string } {
    if (body.set) this.clock.set(new Date(body.set));
    if (body.advanceMs) this.clock.advance(body.advanceMs);
    return { now: this.clock.now().toISOString() };
  }
}
