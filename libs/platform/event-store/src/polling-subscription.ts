import type { RecordedEvent, Subscription, SubscriptionHandler } from './event-store.port';

export type PollingSubscriptionOptions = {
  readBatch: (after: bigint | undefined, maxCount: number) => Promise<RecordedEvent[]>;
  after?: bigint;
  batchSize: number;
  pollIntervalMs: number;
  /** Registers a wake-up callback (e.g. on a database notification); returns an unregister function. */
  onWake?: (wake: () => void) => () => void;
  handler: SubscriptionHandler;
};

/**
 * A catch-up subscription over any `readAll`: pages through history in bounded
 * batches, then keeps polling (woken early by notifications). A batch counts as
 * handled only when the handler resolves; the checkpoint then moves past it.
 */
export const pollingSubscription = (options: PollingSubscriptionOptions): Subscription => {
  let stopped = false;
  let wakeTimer: (() => void) | undefined;
  // After a wake-up, a notification can arrive before the writer's transaction is
  // visible to readers (see the store's ordering rule), so look again a few times
  // soon before falling back to the normal interval.
  let quickPolls = 0;
  const wake = () => {
    quickPolls = 10;
    wakeTimer?.();
  };
  const unregister = options.onWake?.(wake);

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeTimer = undefined;
        resolve();
      }
      wakeTimer = done;
    });

  const run = async () => {
    let after = options.after;
    try {
      while (!stopped) {
        const batch = await options.readBatch(after, options.batchSize);
        if (stopped) break;
        if (batch.length > 0) {
          await options.handler(batch);
          after = batch[batch.length - 1].position;
          if (batch.length === options.batchSize) continue;
        }
        if (quickPolls > 0) {
          quickPolls--;
          await sleep(15);
        } else {
          await sleep(options.pollIntervalMs);
        }
      }
    } finally {
      unregister?.();
    }
  };

  const done = run();
  return {
    done,
    stop: async () => {
      stopped = true;
      wakeTimer?.();
      await done.catch(() => undefined);
    },
  };
};
