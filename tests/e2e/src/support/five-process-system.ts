import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, eventually, startServiceProcess, type ServiceProcess, type TestDatabase } from '@complaints/testing';

/**
 * The five services as five OS processes on one real broker and one real PostgreSQL,
 * each with its own port, talking only through Kafka; plus a tiny HTTP client that
 * sends each request to the service docs/api.md assigns it (what the reverse proxy does).
 */
export const SERVICES = ['intake', 'triage', 'handling', 'callback', 'reporting'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** Demo users (README): who signs in for each step. Site-a staff unless named otherwise. */
export type Actor = { username: string };
export const ACTORS = {
  duty: { username: 'duty.a' },
  assistant: { username: 'assistant.a' },
  csManager: { username: 'csmanager.a' },
  generalManager: { username: 'gm.a' },
  handler: { username: 'handler.a' },
  auditor: { username: 'auditor' },
  admin: { username: 'admin' },
  otherSiteAssistant: { username: 'assistant.b' },
} satisfies Record<string, Actor>;

/** The signing secret every process of the test system shares. */
export const TEST_JWT_SECRET = 'e2e-only-secret-0123456789abcdefghijklmnopqrstuvwxyz';
/** The personal-data master key every process shares (wraps each complainant's data key). */
export const TEST_PERSONAL_DATA_KEY = 'e2e-only-personal-data-master-key-0123456789';

export type Response = { status: number; body: Record<string, unknown> };

/** A response body as JSON; `{ text }` when it is not JSON, `{}` when empty. */
export const parseJsonBody = (text: string): Record<string, unknown> => {
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    return { text };
  }
};

export class FiveProcessSystem {
  readonly processes = {} as Record<ServiceName, ServiceProcess>;
  db!: TestDatabase;
  sql!: Client;
  topicPrefix = `e2e-${randomUUID().slice(0, 8)}`;
  env: Record<string, string> = {};
  private readonly tokens = new Map<string, string>();

  /** Signs in (once per user) through reporting's `POST /api/auth/login`. */
  async token(actor: Actor): Promise<string> {
    const cached = this.tokens.get(actor.username);
    if (cached) return cached;
    const res = await fetch(`${this.processes.reporting.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: actor.username, password: 'demo1234' }),
    });
    if (res.status !== 200) throw new Error(`login ${actor.username} → ${res.status} ${await res.text()}`);
    const { accessToken } = (await res.json()) as { accessToken: string };
    this.tokens.set(actor.username, accessToken);
    return accessToken;
  }

  async start(brokers: string[], extraEnv: Partial<Record<ServiceName, Record<string, string>>> = {}): Promise<void> {
    this.db = await createTestDatabase('e2e_life');
    const env = {
      DATABASE_URL: this.db.url,
      BUS: 'kafka',
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      EVENT_STORE: 'postgres',
      JWT_SECRET: TEST_JWT_SECRET,
      PERSONAL_DATA_KEY: TEST_PERSONAL_DATA_KEY,
      SEED_DEMO_USERS: 'true',
      // Attachments as the distributed topology keeps them: in the S3-compatible store the test
      // command starts (Adobe S3Mock), else in PostgreSQL.
      ...(process.env.S3_TEST_ENDPOINT
        ? { ATTACHMENT_STORE: 's3', S3_ENDPOINT: process.env.S3_TEST_ENDPOINT, S3_BUCKET: this.topicPrefix, S3_ACCESS_KEY_ID: 'e2e', S3_SECRET_ACCESS_KEY: 'e2e-only-secret' }
        : { ATTACHMENT_STORE: 'postgres' }),
    };
    this.env = env;
    for (const name of SERVICES) this.processes[name] = await startServiceProcess(name, { ...env, ...(extraEnv[name] ?? {}) });
    this.sql = new Client({ connectionString: this.db.url });
    await this.sql.connect();
  }

  async stop(): Promise<void> {
    await this.sql?.end();
    await Promise.all(Object.values(this.processes).map((p) => p.stop()));
    await this.db?.drop();
  }

  describe(): string {
    return SERVICES.map((n) => `${n} pid ${this.processes[n].pid} :${this.processes[n].port}`).join(', ');
  }

  /** Which service docs/api.md assigns a request to (what the reverse proxy does). */
  route(method: string, path: string): ServiceName {
    const p = path.split('?')[0];
    if (p.startsWith('/api/admin/clock')) return 'handling';
    if (p.startsWith('/api/callbacks')) return 'callback';
    if (/^\/api\/complaints\/[^/]+\/notices(\/(retry|letter))?$/.test(p) || p === '/api/complainant-notices') return 'handling';
    if (method === 'GET') return /\/triage(\/suggestion)?$/.test(p) ? 'triage' : 'reporting';
    if (p === '/api/complaints' || p.endsWith('/corrections') || p.endsWith('/personal-data/erasure') || p.endsWith('/archive') || p.endsWith('/attachments')) return 'intake';
    if (/\/triage(\/referral)?$/.test(p)) return 'triage';
    if (/\/(replies|plan|resolve|escalate|reassign|major|compensations|outreach)$/.test(p)) return 'handling';
    if (/\/(callbacks|callback-exemption)$/.test(p)) return 'callback';
    return 'reporting';
  }

  async request(method: string, path: string, body?: unknown, actor: Actor = ACTORS.assistant, raw?: string): Promise<Response> {
    const res = await fetch(`${this.processes[this.route(method, path)].url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.token(actor)}` },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    return { status: res.status, body: parseJsonBody(text) };
  }

  /** A POST that must be accepted; shows the error body when it is not. */
  async post(path: string, body: unknown, actor: Actor = ACTORS.assistant): Promise<Record<string, unknown>> {
    const res = await this.request('POST', path, body, actor);
    if (res.status !== 201 && res.status !== 202) throw new Error(`POST ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async register(body: Record<string, unknown>): Promise<{ id: string; number: string }> {
    return (await this.post('/api/complaints', body, ACTORS.assistant)) as { id: string; number: string };
  }

  /** Polls reporting until the view (as `actor` sees it) satisfies `predicate`. */
  view(id: string, predicate: (v: Record<string, unknown>) => boolean = () => true, what = 'the view', actor: Actor = ACTORS.assistant): Promise<Record<string, unknown>> {
    return eventually(
      async () => {
        const res = await this.request('GET', `/api/complaints/${id}`, undefined, actor);
        return res.status === 200 && predicate(res.body) ? res.body : undefined;
      },
      `${what} of ${id}`,
      30_000,
      150,
    );
  }

  async eventTypes(id: string): Promise<string[]> {
    const { rows } = await this.sql.query<{ type: string }>(`SELECT type FROM event_store.events WHERE stream_id = $1 ORDER BY stream_revision`, [`complaint-${id}`]);
    return rows.map((r) => r.type);
  }

  async eventCount(): Promise<number> {
    return Number((await this.sql.query<{ n: string }>(`SELECT count(*) AS n FROM event_store.events`)).rows[0].n);
  }
}

let phoneCounter = 0;
export const complaintBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  siteId: 'site-a',
  channel: 'phone',
  complainant: { name: '陈女士', phone: `1390000${String(++phoneCounter).padStart(4, '0')}`, building: '5', unit: '1802' },
  title: '楼道灯不亮',
  description: '5号楼18层楼道灯坏了三天，晚上看不见路',
  request: '尽快维修',
  householdCount: 1,
  ...overrides,
});
