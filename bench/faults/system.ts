import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import type { TestDatabase } from '@complaints/testing';
import { ACTORS, FiveProcessSystem, SERVICES, TEST_JWT_SECRET, TEST_PERSONAL_DATA_KEY, parseJsonBody, type Actor, type ServiceName } from '../../tests/e2e/src/support/five-process-system';
import { createTestDatabase } from '@complaints/testing';
import { ManagedService, freePort, onCleanup, progress, seconds, sleep } from './harness';

export type SystemOptions = {
  label: string;
  adminUrl: string;
  brokers: string[];
  /** Handling's (and callback's) clock runs this far ahead, so the scheduler has deadlines to chase. */
  clockOffsetMs: number;
  schedulerIntervalMs: number;
};

export type PostOutcome = 'accepted' | 'refused' | 'settled_after_retry';

/**
 * The five services as five processes on the fault run's own broker and PostgreSQL. The
 * e2e FiveProcessSystem is reused for what the public API needs (sign-in per demo user,
 * which service a request goes to); the processes are the harness's, so they can be
 * SIGKILLed and restarted with the same port and environment.
 */
export class FaultSystem {
  readonly api = new FiveProcessSystem();
  readonly services = {} as Record<ServiceName, ManagedService>;
  readonly topicPrefix = `faults-${randomUUID().slice(0, 8)}`;
  db!: TestDatabase;
  /** Our own reads (a pool: it reconnects after a PostgreSQL restart). */
  pool!: Pool;
  env: Record<string, string> = {};
  readonly stats = { accepted: 0, refused: 0, settledAfterRetry: 0, retries: 0 };
  readonly refusals: string[] = [];
  private readonly stoppers: (() => Promise<void>)[] = [];

  constructor(private readonly options: SystemOptions) {}

  async start(): Promise<void> {
    this.db = await createTestDatabase(`faults_${this.options.label}`, this.options.adminUrl);
    this.stoppers.push(onCleanup(`database ${this.db.name}`, () => this.db.drop()));
    this.env = {
      DATABASE_URL: this.db.url,
      BUS: 'kafka',
      KAFKA_BROKERS: this.options.brokers.join(','),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      EVENT_STORE: 'postgres',
      JWT_SECRET: TEST_JWT_SECRET,
      PERSONAL_DATA_KEY: TEST_PERSONAL_DATA_KEY,
      // A 20,000-complaint run outlasts the default 30-minute token.
      JWT_TTL_SECONDS: '86400',
      SEED_DEMO_USERS: 'true',
    };
    for (const name of SERVICES) {
      const extra: Record<string, string> =
        name === 'handling' ? { CLOCK_CONTROL: 'true', SCHEDULER_INTERVAL_MS: String(this.options.schedulerIntervalMs) } : name === 'callback' ? { CLOCK_CONTROL: 'true' } : {};
      const service = new ManagedService(name, await freePort(), { ...this.env, ...extra });
      this.stoppers.push(onCleanup(`${name} process`, () => service.stop()));
      const ms = await service.start();
      this.services[name] = service;
      progress(`${name}: pid ${service.pid} on ${service.url}, healthy in ${seconds(ms)} s`);
    }
    Object.assign(this.api.processes, this.services);
    this.pool = new Pool({ connectionString: this.db.url, max: 4 });
    this.pool.on('error', () => undefined);
    this.stoppers.push(onCleanup('reconciliation pool', () => this.pool.end()));
    // Sign every actor in now: the workload must not depend on reporting being up later.
    for (const actor of Object.values(ACTORS)) await this.api.token(actor);
    await this.applyClock();
  }

  /** Stops the processes, closes the pool and drops the database (newest first). */
  async stop(): Promise<void> {
    for (const stop of this.stoppers.splice(0).reverse()) await stop().catch((error: Error) => progress(`stop: ${error.message}`));
  }

  /** Sets the offset clocks (after a start or a restart of handling or callback). */
  async applyClock(only?: ServiceName): Promise<void> {
    if (!this.options.clockOffsetMs) return;
    for (const name of ['handling', 'callback'] as const) {
      if (only && only !== name) continue;
      const set = new Date(Date.now() + this.options.clockOffsetMs).toISOString();
      await this.withRetry(`clock of ${name}`, async () => {
        const res = await fetch(`${this.services[name].url}/api/admin/clock`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ set }),
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status !== 200) throw new Error(`clock → ${res.status}`);
      });
    }
  }

  /** The clock the scheduler sees (handling's), for the "no timer left overdue" check. */
  async handlingNow(): Promise<Date> {
    const res = await fetch(`${this.services.handling.url}/api/admin/clock`);
    return new Date(((await res.json()) as { now: string }).now);
  }

  private async withRetry<T>(what: string, attempt: () => Promise<T>, timeoutMs = 300_000): Promise<T> {
    const started = Date.now();
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (Date.now() - started > timeoutMs) throw new Error(`${what}: gave up after ${timeoutMs} ms: ${(error as Error).message}`);
        await sleep(Math.min(2_000, 100 * 2 ** Math.min(n, 5)));
      }
    }
  }

  /**
   * A command through the public API, retried while its service is down (connection refused,
   * 5xx): a crashed service must not lose the workload's requests. A refusal (4xx) after a
   * retry means an earlier attempt went through before the crash.
   */
  async post(path: string, body: unknown, actor: Actor, idempotencyKey?: string): Promise<{ outcome: PostOutcome; body: Record<string, unknown> }> {
    const service = this.api.route('POST', path);
    let attempts = 0;
    return this.withRetry(`POST ${path}`, async () => {
      attempts++;
      if (attempts > 1) this.stats.retries++;
      const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${await this.api.token(actor)}` };
      if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
      const res = await fetch(`${this.services[service].url}${path}`, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
      const text = await res.text();
      const parsed = parseJsonBody(text);
      if (res.status >= 500 || res.status === 429) throw new Error(`${res.status} ${text.slice(0, 200)}`);
      if (res.status === 201 || res.status === 202 || res.status === 200) {
        this.stats.accepted++;
        return { outcome: 'accepted' as const, body: parsed };
      }
      if (attempts > 1) {
        this.stats.settledAfterRetry++;
        return { outcome: 'settled_after_retry' as const, body: parsed };
      }
      this.stats.refused++;
      if (this.refusals.length < 20) this.refusals.push(`POST ${path} → ${res.status} ${text.slice(0, 300)}`);
      return { outcome: 'refused' as const, body: parsed };
    });
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await this.pool.query<{ n: string | null }>(sql, params);
    return Number(rows[0]?.n ?? 0);
  }

  describe(): string {
    return SERVICES.map((n) => `${n} pid ${this.services[n].pid} :${this.services[n].port}`).join(', ');
  }
}
