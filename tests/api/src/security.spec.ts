import { InProcessSystem } from './support/in-process-system';

/**
 * Issue 13 ("Security from an outside probe"): what the probe found, each as the answer
 * the running system must give now. All five services in one process on a real database.
 */
const system = new InProcessSystem();

beforeAll(async () => {
  await system.start();
}, 60_000);

afterAll(async () => {
  await system.stop();
});

describe('Row 11: a disabled user loses access at once, not when the token expires', () => {
  it('given a signed-in handler, when the user is disabled, then the same token is refused with 401; enabled again, it works', async () => {
    expect((await system.request('GET', '/api/auth/me', { username: 'handler.b' })).status).toBe(200);
    await system.sql.query(`UPDATE auth.users SET disabled = true WHERE username = 'handler.b'`);
    const refused = await system.request('GET', '/api/auth/me', { username: 'handler.b' });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/disabled/);
    await system.sql.query(`UPDATE auth.users SET disabled = false WHERE username = 'handler.b'`);
    expect((await system.request('GET', '/api/auth/me', { username: 'handler.b' })).status).toBe(200);
  });
});
