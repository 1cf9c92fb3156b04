import { GroupCommit, type Settled } from './group-commit';

describe('Group commit', () => {
  it('should write an item alone when nothing else waits, and group the items that arrive while groups are being written', async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const commit = new GroupCommit<number, number>(
      async (items) => {
        groups.push(items);
        await gate;
        return items.map((n) => ({ ok: true, value: n * 10 }));
      },
      { maxInFlight: 1, maxBatch: 3 },
    );
    const answers = Promise.all([1, 2, 3, 4, 5, 6].map((n) => commit.submit(n)));
    release();
    expect(await answers).toEqual([10, 20, 30, 40, 50, 60]);
    expect(groups).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('should give each item its own outcome, and every item of a group the error of a write that fails as a whole', async () => {
    const perItem = new GroupCommit<number, number>(async (items) => items.map((n): Settled<number> => (n % 2 ? { ok: true, value: n } : { ok: false, error: new Error(`even ${n}`) })), { maxInFlight: 1 });
    const results = await Promise.allSettled([1, 2, 3].map((n) => perItem.submit(n)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([1, 'even 2', 3]);
    const whole = new GroupCommit<number, number>(async () => {
      throw new Error('database gone');
    });
    await expect(Promise.all([whole.submit(1), whole.submit(2)])).rejects.toThrow('database gone');
    await expect(whole.submit(3)).rejects.toThrow('database gone'); // and it keeps going afterwards
  });
});
