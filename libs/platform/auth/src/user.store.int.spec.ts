import { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users';
import { UserStore } from './user.store';

/**
 * Demo users (published password) and the administrator's password (issue 13, row 1):
 * demo users exist only where a start asks for them, and ADMIN_PASSWORD is the admin's.
 */
let db: TestDatabase;
let pool: Pool;
let store: UserStore;

beforeAll(async () => {
  db = await createTestDatabase('auth_users');
  pool = new Pool({ connectionString: db.url, max: 2 });
  store = new UserStore(pool);
  await store.migrate();
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe('Rule: demo users sign in only while a start asks for them', () => {
  it('given seeded demo users, when a start does not ask for them, then none of them can sign in any more', async () => {
    expect(await store.seedDemoUsers()).toBe(DEMO_USERS.length);
    expect(await store.authenticate('handler.a', DEMO_PASSWORD)).toMatchObject({ username: 'handler.a' });
    expect(await store.disableDemoUsers()).toBe(DEMO_USERS.length);
    expect(await store.authenticate('handler.a', DEMO_PASSWORD)).toBeUndefined();
    expect(await store.authenticate('admin', DEMO_PASSWORD)).toBeUndefined();
  });

  it('given disabled demo users, when a later start asks for them again, then they are enabled (nothing created twice)', async () => {
    expect(await store.seedDemoUsers()).toBe(0);
    expect(await store.authenticate('duty.a', DEMO_PASSWORD)).toMatchObject({ username: 'duty.a' });
  });
});

describe('Rule: ADMIN_PASSWORD is the admin user\'s password, and that admin is no demo user', () => {
  it('given an ADMIN_PASSWORD, when the start sets it, then admin signs in with it only, and survives disabling the demo users', async () => {
    await store.ensureAdmin('a-long-admin-password-42');
    expect(await store.authenticate('admin', DEMO_PASSWORD)).toBeUndefined();
    expect(await store.authenticate('admin', 'a-long-admin-password-42')).toMatchObject({ username: 'admin', role: 'admin', siteIds: ['*'] });
    await store.disableDemoUsers();
    expect(await store.authenticate('admin', 'a-long-admin-password-42')).toMatchObject({ username: 'admin' });
    expect(await store.authenticate('gm.a', DEMO_PASSWORD)).toBeUndefined();
  });
});

describe('Rule: a disabled user is refused at once', () => {
  it('given a user, when disabled, then isDisabled says so; unknown or non-uuid subjects are not disabled', async () => {
    const { rows } = await pool.query<{ id: string }>(`SELECT id FROM auth.users WHERE username = 'admin'`);
    expect(await store.isDisabled(rows[0].id)).toBe(false);
    await store.setDisabled('admin', true);
    expect(await store.isDisabled(rows[0].id)).toBe(true);
    await store.setDisabled('admin', false);
    expect(await store.isDisabled('00000000-0000-4000-8000-000000000000')).toBe(false);
    expect(await store.isDisabled('oidc|someone')).toBe(false);
  });
});
