import { PasswordHasher, PasswordHashingBusyError } from './password';

/** Rule (issue 13, row 6): password hashing runs on worker threads behind a bounded queue. */
describe('Rule: password hashing is bounded — beyond the threads and the queue, a sign-in is refused at once', () => {
  const hasher = new PasswordHasher(1, 1);
  afterAll(() => hasher.close());

  it('given one thread and room for one waiting, when three hashes are asked at once, then two are done and the third is refused as busy', async () => {
    const results = await Promise.allSettled([hasher.hash('one'), hasher.hash('two'), hasher.hash('three')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(PasswordHashingBusyError);
    expect((results[2] as PromiseRejectedResult).reason.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('given a hash made on the worker, when compared, then the right password matches and a wrong one does not', async () => {
    const hash = await hasher.hash('correct horse');
    expect(hash).toMatch(/^\$2[aby]\$10\$/);
    await expect(hasher.compare('correct horse', hash)).resolves.toBe(true);
    await expect(hasher.compare('wrong horse', hash)).resolves.toBe(false);
    expect(hasher.queued).toBe(0);
  });
});
