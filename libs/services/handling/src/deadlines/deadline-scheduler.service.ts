import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { isDomainError, reviewDeadlines } from '@complaints/domain';
import { CLOCK, PG_POOL, PLATFORM_CONFIG, migrateSql, type Clock, type PlatformConfig } from '@complaints/service-kit';
import { ComplaintCommandRunner, SiteDirectory } from '@complaints/service-common';
import { deadlineTimersSql, nextCheckAt, saveTimer } from './deadline-timers';

/**
 * The deadline scheduler (催办/升级): takes the timers that have fallen due, asks the
 * domain what to issue (chase, then escalate one level per grace, or mark major), and
 * sends each command through the normal command path with its deterministic key as
 * idempotency key — so a replay, a restart or a second scheduler never chases or
 * escalates twice. `FOR UPDATE SKIP LOCKED` lets several instances share the work.
 */
@Injectable()
export class DeadlineSchedulerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('deadline-scheduler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  issued = 0;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly runner: ComplaintCommandRunner,
    private readonly sites: SiteDirectory,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.schedulerEnabled) return;
    await migrateSql(this.pool, 'handling', deadlineTimersSql);
    this.logger.log(`checking deadlines every ${this.config.schedulerIntervalMs} ms`);
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn(`tick failed: ${String(error)}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(loop, this.config.schedulerIntervalMs);
        });
    };
    this.timer = setTimeout(loop, this.config.schedulerIntervalMs);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over the due timers; returns how many complaints it reviewed. */
  async tick(limit = 100): Promise<number> {
    const now = this.clock.now();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ complaint_id: string }>(
        `SELECT complaint_id FROM handling.deadline_timers WHERE next_check_at <= $1 ORDER BY next_check_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      );
      for (const { complaint_id: id } of rows) await this.review(id, now, client);
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async review(complaintId: string, now: Date, client: Parameters<typeof saveTimer>[0]): Promise<void> {
    let state = await this.runner.stateOf(complaintId);
    if (!state.exists) return;
    const context = { policy: this.sites.policy(state.siteId) };
    for (const command of reviewDeadlines(state, now.toISOString(), context).commands) {
      try {
        const result = await this.runner.run(complaintId, command, { idempotencyKey: command.data.key ?? undefined, context });
        state = result.state;
        if (result.newEvents.length > 0) {
          this.issued++;
          this.logger.log(`${command.type} ${complaintId} (${command.data.key})`);
        }
      } catch (error) {
        // The complaint moved on meanwhile (e.g. resolved): the next review decides afresh.
        if (!isDomainError(error)) throw error;
        this.logger.debug(`${command.type} ${complaintId} refused: ${error.message}`);
      }
    }
    state = await this.runner.stateOf(complaintId);
    const next = nextCheckAt(state, now, context);
    // If something is still due right now (a refused command), look again after one interval rather than spin.
    await saveTimer(client, state, next && next.getTime() <= now.getTime() ? new Date(now.getTime() + this.config.schedulerIntervalMs) : next);
  }
}
