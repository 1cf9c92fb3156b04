import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { AuthUser } from './auth-user';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';

/** Local users of the embedded default (schema `auth`), with bcrypt password hashes. */
export class UserStore {
  constructor(private readonly pool: Pool) {}

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query(`SELECT pg_advisory_lock(hashtext('migrate:auth'))`);
      await client.query(`
        CREATE SCHEMA IF NOT EXISTS auth;
        CREATE TABLE IF NOT EXISTS auth.users (
          id            uuid PRIMARY KEY,
          username      text UNIQUE NOT NULL,
          password_hash text NOT NULL,
          name          text,
          role          text NOT NULL,
          site_ids      text[] NOT NULL DEFAULT '{}',
          departments   text[] NOT NULL DEFAULT '{}',
          disabled      boolean NOT NULL DEFAULT false,
          created_at    timestamptz NOT NULL DEFAULT now()
        );`);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('migrate:auth'))`).catch(() => undefined);
      client.release();
    }
  }

  async create(user: Omit<AuthUser, 'id'>, password: string): Promise<AuthUser> {
    const id = randomUUID();
    await this.pool.query(
      `INSERT INTO auth.users (id, username, password_hash, name, role, site_ids, departments) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING`,
      [id, user.username, await hashPassword(password), user.name ?? null, user.role, user.siteIds, user.departments],
    );
    return { ...user, id };
  }

  /** Creates the demo users when the table has none (first start). Returns how many were made. */
  async seedDemoUsers(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM auth.users`);
    if (Number(rows[0].n) > 0) return 0;
    for (const user of DEMO_USERS) await this.create(user, DEMO_PASSWORD);
    return DEMO_USERS.length;
  }

  /** The user, if the username exists, is enabled and the password matches. Same cost either way. */
  async authenticate(username: string, password: string): Promise<AuthUser | undefined> {
    const { rows } = await this.pool.query<{ id: string; username: string; password_hash: string; name: string | null; role: string; site_ids: string[]; departments: string[] }>(
      `SELECT id, username, password_hash, name, role, site_ids, departments FROM auth.users WHERE username = $1 AND NOT disabled`,
      [username],
    );
    const row = rows[0];
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    if (!row || !ok) return undefined;
    return { id: row.id, username: row.username, name: row.name ?? undefined, role: row.role, siteIds: row.site_ids, departments: row.departments };
  }
}
