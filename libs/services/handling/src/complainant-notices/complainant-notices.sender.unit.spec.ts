import { noticeRetryPolicyFromEnv, retryDelayMs } from './complainant-notices.sender';
import { noticeMaxAgeMs } from './complainant-notices.consumer';

describe('Complainant notice retries', () => {
  it('should back off exponentially from the base delay up to the cap', () => {
    const policy = { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 100_000 };
    expect([1, 2, 3, 4, 5].map((attempts) => retryDelayMs(policy, attempts))).toEqual([30_000, 60_000, 100_000, 100_000, 100_000]);
  });

  it('should read the policy from the environment, keeping the defaults for missing or malformed values', () => {
    expect(noticeRetryPolicyFromEnv({})).toEqual({ maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 3_600_000 });
    expect(noticeRetryPolicyFromEnv({ NOTICE_MAX_ATTEMPTS: '2', NOTICE_RETRY_BASE_MS: '1000', NOTICE_RETRY_MAX_MS: 'soon' })).toEqual({ maxAttempts: 2, baseDelayMs: 1_000, maxDelayMs: 3_600_000 });
    expect(noticeRetryPolicyFromEnv({ NOTICE_MAX_ATTEMPTS: '0' }).maxAttempts).toBe(5);
  });

  it('should queue notices only for events of the last 72 hours unless NOTICE_MAX_AGE_HOURS says otherwise (no notices about old history)', () => {
    expect(noticeMaxAgeMs({})).toBe(72 * 3_600_000);
    expect(noticeMaxAgeMs({ NOTICE_MAX_AGE_HOURS: '24' })).toBe(24 * 3_600_000);
    expect(noticeMaxAgeMs({ NOTICE_MAX_AGE_HOURS: 'ever' })).toBe(72 * 3_600_000);
  });
});
