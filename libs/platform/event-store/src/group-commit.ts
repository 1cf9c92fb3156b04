/** One item's outcome in a group. */
export type Settled<O> = { ok: true; value: O } | { ok: false; error: unknown };

export type GroupCommitOptions = {
  /** Groups being written at once (default 2: one commits while the next one forms). */
  maxInFlight?: number;
  /** Items in one group at most (default 100). */
  maxBatch?: number;
};

type Waiting<I, O> = { item: I; resolve: (value: O) => void; reject: (error: unknown) => void };

/**
 * Group commit: callers submit one item each and get their own answer, while the items
 * that arrive together are written together — one statement or transaction, one WAL
 * flush for all. An item submitted while fewer than `maxInFlight` groups are being
 * written goes at once (alone, if nothing else is waiting), so a quiet system pays no
 * extra latency; under load the queue forms the next group while the current one
 * commits. `write` answers every item of a group, in order, with its own value or error.
 */
export class GroupCommit<I, O> {
  private readonly queue: Waiting<I, O>[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxBatch: number;

  constructor(
    private readonly write: (items: I[]) => Promise<Settled<O>[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.maxBatch = options.maxBatch ?? 100;
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.flush(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(group: Waiting<I, O>[]): Promise<void> {
    let results: Settled<O>[];
    try {
      results = await this.write(group.map((w) => w.item));
    } catch (error) {
      results = group.map(() => ({ ok: false as const, error }));
    }
    group.forEach((waiting, i) => {
      const result = results[i] ?? { ok: false as const, error: new Error('group commit: no answer for this item') };
      if (result.ok) waiting.resolve(result.value);
      else waiting.reject(result.error);
    });
  }
}

/** Runs `run` and captures its outcome as a `Settled`. */
export const settle = async <O>(run: () => Promise<O>): Promise<Settled<O>> => {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    return { ok: false, error };
  }
};
