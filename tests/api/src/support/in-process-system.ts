import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { composeRootModule, createHttpApp, loadConfig, startConsumers, type PlatformOverrides } from '@complaints/service-kit';
import { IntakeModule } from '@complaints/intake-service';
import { TriageModule } from '@complaints/triage-service';
import { HandlingModule } from '@complaints/handling-service';
import { CallbackModule } from '@complaints/callback-service';
import { ReportingModule } from '@complaints/reporting-service';
import { createTestDatabase, type TestDatabase } from '@complaints/testing';

/**
 * All five services in one process on a fresh real database, the way the embedded
 * default composes them, listening on a free port. For API-level tests that need many
 * requests quickly (fuzzing, the authorization matrix).
 */
export class InProcessSystem {
  app!: INestApplication;
  db!: TestDatabase;
  sql!: Client;
  url = '';
  private readonly tokens = new Map<string, string>();

  /** `env`: more settings, as the environment would give them (e.g. TRUST_PROXY); `overrides`: e.g. where the log goes. */
  async start(env: Record<string, string> = {}, overrides: PlatformOverrides = {}): Promise<void> {
    this.db = await createTestDatabase('api');
    const config = loadConfig(
      { DATABASE_URL: this.db.url, LOG_LEVEL: 'error', ...env },
      {
        processName: 'embedded',
        port: 0,
        bus: 'memory',
        relayEnabled: true,
        schedulerEnabled: false,
        host: '127.0.0.1',
        personalDataKey: 'api-tests-only-personal-data-key-0123456789',
        auth: { login: true, seedDemoUsers: true, jwtSecret: 'api-tests-only-secret-0123456789abcdefghijkl' },
      },
    );
    this.app = await createHttpApp(composeRootModule(config, [IntakeModule, TriageModule, HandlingModule, CallbackModule, ReportingModule], overrides), config, 'test', {
      shutdownHooks: false,
    });
    await startConsumers(this.app);
    await this.app.listen(0, '127.0.0.1');
    this.url = `http://127.0.0.1:${(this.app.getHttpServer().address() as AddressInfo).port}`;
    this.sql = new Client({ connectionString: this.db.url });
    await this.sql.connect();
  }

  async stop(): Promise<void> {
    await this.sql?.end();
    await this.app?.close();
    await this.db?.drop();
  }

  async token(username: string): Promise<string> {
    const cached = this.tokens.get(username);
    if (cached) return cached;
    const res = await fetch(`${this.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo1234' }) });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
    const { accessToken } = (await res.json()) as { accessToken: string };
    this.tokens.set(username, accessToken);
    return accessToken;
  }

  async request(
    method: string,
    path: string,
    options: { username?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: Record<string, unknown>; text: string; headers: Headers }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.username) headers.authorization = `Bearer ${await this.token(options.username)}`;
    const res = await fetch(`${this.url}${path}`, { method, headers, body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)) });
    const text = await res.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    return { status: res.status, body, text, headers: res.headers };
  }

  async eventCount(): Promise<number> {
    return Number((await this.sql.query<{ n: string }>(`SELECT count(*) AS n FROM event_store.events`)).rows[0].n);
  }
}
