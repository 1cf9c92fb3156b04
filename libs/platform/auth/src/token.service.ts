import { SignJWT, createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthUser } from './auth-user';

/**
 * Short-lived JWTs with issuer, audience and algorithm pinned. The embedded default and
 * the services sign and verify with a shared secret (HS256, JWT_SECRET); in the
 * distributed topology tokens may instead come from an OIDC provider, verified against
 * its JWKS (OIDC_JWKS_URI, RS256/ES256).
 */
export type TokenSettings = {
  issuer: string;
  audience: string;
  secret?: string;
  ttlSeconds: number;
  jwksUri?: string;
};

export class InvalidTokenError extends Error {}

const LOCAL_ALGORITHM = 'HS256';
/** A token must say when it expires (and when it was issued): one without `exp` would never expire. */
const REQUIRED_CLAIMS = ['exp', 'iat', 'sub'];
const OIDC_ALGORITHMS = ['RS256', 'ES256', 'PS256'];

const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? value.split(/[ ,]+/).filter(Boolean) : []);

export class TokenService {
  private readonly key?: Uint8Array;
  private readonly jwks?: JWTVerifyGetKey;

  constructor(private readonly settings: TokenSettings) {
    if (settings.secret) {
      if (settings.secret.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
      this.key = new TextEncoder().encode(settings.secret);
    }
    if (settings.jwksUri) this.jwks = createRemoteJWKSet(new URL(settings.jwksUri));
    if (!this.key && !this.jwks) throw new Error('Token verification needs JWT_SECRET or OIDC_JWKS_URI');
  }

  get ttlSeconds(): number {
    return this.settings.ttlSeconds;
  }

  get canIssue(): boolean {
    return !!this.key;
  }

  async issue(user: AuthUser): Promise<string> {
    if (!this.key) throw new Error('this process verifies OIDC tokens only and cannot issue tokens');
    return new SignJWT({ role: user.role, name: user.name, preferred_username: user.username, site_ids: user.siteIds, departments: user.departments })
      .setProtectedHeader({ alg: LOCAL_ALGORITHM, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<AuthUser> {
    let payload: JWTPayload;
    try {
      if (this.key) {
        try {
          ({ payload } = await jwtVerify(token, this.key, { issuer: this.settings.issuer, audience: this.settings.audience, algorithms: [LOCAL_ALGORITHM], requiredClaims: REQUIRED_CLAIMS }));
        } catch (error) {
          if (!this.jwks) throw error;
          ({ payload } = await jwtVerify(token, this.jwks, { issuer: this.settings.issuer, audience: this.settings.audience, algorithms: OIDC_ALGORITHMS, requiredClaims: ['exp', 'sub'] }));
        }
      } else {
        ({ payload } = await jwtVerify(token, this.jwks as JWTVerifyGetKey, { issuer: this.settings.issuer, audience: this.settings.audience, algorithms: OIDC_ALGORITHMS, requiredClaims: ['exp', 'sub'] }));
      }
    } catch (error) {
      throw new InvalidTokenError((error as Error).message);
    }
    if (!payload.sub || typeof payload.role !== 'string') throw new InvalidTokenError('token lacks sub or role');
    return {
      id: payload.sub,
      username: typeof payload.preferred_username === 'string' ? payload.preferred_username : payload.sub,
      name: typeof payload.name === 'string' ? payload.name : undefined,
      role: payload.role,
      siteIds: stringList(payload.site_ids),
      departments: stringList(payload.departments),
    };
  }
}
