import { SignJWT } from 'jose';
import { TokenService } from './token.service';

/** Issue 13, row 11: a correctly signed token must still say when it expires. */
const SECRET = 'token-unit-test-secret-0123456789abcdefghij';
const tokens = new TokenService({ secret: SECRET, issuer: 'complaints', audience: 'complaints-api', ttlSeconds: 900 });
const claims = { role: 'admin', site_ids: ['*'], departments: [] };
const sign = (withExp: boolean) => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('00000000-0000-4000-8000-000000000001').setIssuer('complaints').setAudience('complaints-api').setIssuedAt();
  if (withExp) jwt.setExpirationTime('5m');
  return jwt.sign(new TextEncoder().encode(SECRET));
};

describe('Rule: a token without an expiry is refused, even when correctly signed', () => {
  it('given a signed token with exp, when verified, then it is accepted', async () => {
    await expect(tokens.verify(await sign(true))).resolves.toMatchObject({ role: 'admin', siteIds: ['*'] });
  });

  it('given the same token without exp, when verified, then it is refused', async () => {
    await expect(tokens.verify(await sign(false))).rejects.toThrow(/exp/);
  });

  it('given a token this service issued, when verified, then it carries exp and is accepted', async () => {
    const issued = await tokens.issue({ id: '00000000-0000-4000-8000-000000000002', username: 'u', role: 'auditor', siteIds: ['*'], departments: [] });
    const payload = JSON.parse(Buffer.from(issued.split('.')[1], 'base64url').toString()) as { exp?: number };
    expect(payload.exp).toEqual(expect.any(Number));
    await expect(tokens.verify(issued)).resolves.toMatchObject({ role: 'auditor' });
  });
});
