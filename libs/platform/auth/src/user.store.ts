import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { AuthUser } from './auth-user';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
      // Which rows are demo users (published password), so a start that must not expose
      // them can disable them. Before this column, seeding was the only way users were
      // made, so the demo usernames already present are demo users.
      const { rows } = await client.query<{ exists: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'auth' AND table_name = 'users' AND column_name = 'demo') AS exists`,
      );
      if (!rows[0].exists) {
        await client.query(`ALTER TABLE auth.users ADD COLUMN demo boolean NOT NULL DEFAULT false`);
        await client.query(`UPDATE auth.users SET demo = true WHERE username = ANY($1)`, [DEMO_USERS.map((u) => u.username)]);
      }
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('migrate:auth'))`).catch(() => undefined);
      client.release();
    }
  }

  /** Creates the user unless the username is taken (then nothing changes). True when created. */
  async create(user: Omit<AuthUser, 'id'>, password: string, options: { demo?: boolean } = {}): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO auth.users (id, username, password_hash, name, role, site_ids, departments, demo) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING`,
      [randomUUID(), user.username, await hashPassword(password), user.name ?? null, user.role, user.siteIds, user.departments, options.demo ?? false],
    );
    return rowCount === 1;
  }

  /**
   * The `admin` user with this password (ADMIN_PASSWORD), made or updated on every start:
   * enabled, administrator of the whole group, and no longer a demo user.
   */
  async ensureAdmin(password: string): Promise<void> {
    const admin = DEMO_USERS.find((u) => u.username === 'admin') as Omit<AuthUser, 'id'>;
    await this.pool.query(
      `INSERT INTO auth.users (id, username, password_hash, name, role, site_ids, departments, demo) VALUES ($1, 'admin', $2, $3, 'admin', '{*}', '{}', false)
       ON CONFLICT (username) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = 'admin', site_ids = '{*}', departments = '{}', disabled = false, demo = false`,
      [randomUUID(), await hashPassword(password), admin.name ?? null],
    );
  }

  /** Creates the demo users that are missing and enables them all. Returns how many were made. */
  async seedDemoUsers(): Promise<number> {
    let created = 0;
    for (const user of DEMO_USERS) if (await this.create(user, DEMO_PASSWORD, { demo: true })) created++;
    await this.pool.query(`UPDATE auth.users SET disabled = false WHERE demo`);
    return created;
  }

  /** Disables every demo user (their password is published). Returns how many were enabled before. */
  async disableDemoUsers(): Promise<number> {
    const { rowCount } = await this.pool.query(`UPDATE auth.users SET disabled = true WHERE demo AND NOT disabled`);
    return rowCount ?? 0;
  }

  /**
   * Is this local user disabled (checked on every request, so disabling takes effect at
   * once, not when the token expires)? Subjects that are not local users (OIDC) are not;
   * neither is anyone where this database has no user table (a service whose sign-in
   * runs elsewhere, before that service has created it).
   */
  async isDisabled(id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    try {
      const { rows } = await this.pool.query<{ disabled: boolean }>(`SELECT disabled FROM auth.users WHERE id = $1::uuid`, [id]);
      return rows[0]?.disabled === true;
    } catch (error) {
      if ((error as { code?: string }).code === '42P01' || (error as { code?: string }).code === '3F000') return false;
      throw error;
    }
  }

  async setDisabled(username: string, disabled: boolean): Promise<void> {
    await this.pool.query(`UPDATE auth.users SET disabled = $2 WHERE username = $1`, [username, disabled]);
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
