import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Pool } from 'pg';
import { isDomainError, reviewDeadlines } from '@complaints/domain';
import { CLOCK, PG_POOL, PLATFORM_CONFIG, type Clock, type PlatformConfig } from '@complaints/service-kit';
import { ComplaintCommandRunner, SiteDirectory } from '@complaints/service-common';
import { DUE_TIMERS_SQL, nextCheckAt, saveSnooze } from './deadline-timers';

/**
 * The deadline scheduler (催办/升级) — a reaction, separate from the `deadline-timers`
 * projection it reads (a rebuild of the timers never chases anything): takes the timers that have fallen due, asks the
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
      const { rows } = await client.query<{ complaint_id: string }>(DUE_TIMERS_SQL, [now, limit]);
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

  private async review(complaintId: string, now: Date, client: Parameters<typeof saveSnooze>[0]): Promise<void> {
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
    // The snooze is the scheduler's own record: the timer row stays the projection's fold of the events.
    if (!state.exists) return;
    await saveSnooze(client, complaintId, state.version, next && next.getTime() <= now.getTime() ? new Date(now.getTime() + this.config.schedulerIntervalMs) : next);
  }
}
