/**
 * Rate limiting on sign-in: at most `limit` failed attempts per key within `windowMs`;
 * after that, refused until the oldest of them leaves the window. Keeps at most
 * `maxKeys` keys (the oldest go first), so sprayed usernames cannot grow it without end.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly limit = 10,
    readonly windowMs = 5 * 60_000,
    private readonly maxKeys = 100_000,
  ) {}

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds until another attempt is allowed, or 0 if one is allowed now. */
  retryAfter(key: string, now = Date.now()): number {
    const list = this.recent(key, now);
    return list.length >= this.limit ? Math.max(1, Math.ceil((list[list.length - this.limit] + this.windowMs - now) / 1000)) : 0;
  }

  recordFailure(key: string, now = Date.now()): void {
    const list = [...this.recent(key, now), now].slice(-this.limit);
    this.failures.delete(key);
    this.failures.set(key, list);
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value as string);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}

export type LoginLimits = {
  /** One client address guessing one account. */
  pair: LoginRateLimiter;
  /** One client address, whatever usernames it tries (spraying). */
  address: LoginRateLimiter;
  /** One account, from every address together (a distributed guess). Higher, so one client cannot lock anyone out. */
  account: LoginRateLimiter;
};

/** The limits of docs/api.md's sign-in; the hashing pool's queue bounds it globally (PasswordHasher). */
export const defaultLoginLimits = (): LoginLimits => ({
  pair: new LoginRateLimiter(10, 5 * 60_000),
  address: new LoginRateLimiter(30, 5 * 60_000),
  account: new LoginRateLimiter(100, 15 * 60_000),
});

/** Seconds until this address may try this account again (0: now), checking every limit. */
export const loginRetryAfter = (limits: LoginLimits, ip: string, username: string, now = Date.now()): number =>
  Math.max(limits.pair.retryAfter(`${ip}|${username}`, now), limits.address.retryAfter(ip, now), limits.account.retryAfter(username, now));

export const recordLoginFailure = (limits: LoginLimits, ip: string, username: string, now = Date.now()): void => {
  limits.pair.recordFailure(`${ip}|${username}`, now);
  limits.address.recordFailure(ip, now);
  limits.account.recordFailure(username, now);
};

/** A successful sign-in clears this address's record for the account (not the address's or the account's totals). */
export const recordLoginSuccess = (limits: LoginLimits, ip: string, username: string): void => {
  limits.pair.reset(`${ip}|${username}`);
};
