import { AsyncLocalStorage } from 'node:async_hooks';
import { consumerHandlers, type BusMessage, type BusSubscription, type ConsumerHandlers, type MessageBus, type MessageHandler, type SubscribeOptions } from '../message-bus.port';
import { handleBatchWithRetry } from '../consumer/retry';

type Group = { groupId: string; topic: string; handler: MessageHandler | ConsumerHandlers; options: SubscribeOptions; stopped: boolean };

/**
 * An in-process bus for tests of what publishes (the relay): `publish`
 * resolves after every subscribed group has handled the messages, so the relay's
 * checkpoint only moves past what consumers have applied: a crash re-delivers, never
 * loses. Dead letters are kept in memory and logged.
 */
export class InMemoryMessageBus implements MessageBus {
  readonly kind = 'memory' as const;
  private readonly groups: Group[] = [];
  private readonly offsets = new Map<string, number>();
  private queue: Promise<void> = Promise.resolve();
  private readonly delivering = new AsyncLocalStorage<boolean>();
  readonly deadLetters: BusMessage[] = [];
  private openGate!: () => void;
  /** Publishing waits until every consumer of the process has subscribed (see `open`). */
  private readonly gate = new Promise<void>((resolve) => (this.openGate = resolve));

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  /**
   * Unlike Kafka, this bus keeps no log for late subscribers: the launcher opens it once
   * every module has subscribed, so nothing is delivered to an incomplete set of groups.
   */
  open(): void {
    this.openGate();
  }

  publish(messages: BusMessage[]): Promise<void> {
    // A handler that publishes gets its messages delivered inline (queueing them behind
    // the delivery that is running it would wait for itself).
    if (this.delivering.getStore()) return this.deliver(messages);
    // One delivery at a time keeps every group's order equal to publish order.
    const run = this.queue.then(() => this.gate).then(() => this.delivering.run(true, () => this.deliver(messages)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async deliver(messages: BusMessage[]): Promise<void> {
    const delivered = messages.map((message) => {
      const offset = this.offsets.get(message.topic) ?? 0;
      this.offsets.set(message.topic, offset + 1);
      return { ...message, partition: 0, offset: String(offset) };
    });
    for (const group of [...this.groups]) {
      const forGroup = delivered.filter((m) => m.topic === group.topic);
      if (forGroup.length === 0 || group.stopped) continue;
      const { deadLetters, errors } = await handleBatchWithRetry(forGroup, consumerHandlers(group.handler), {
        groupId: group.groupId,
        maxAttempts: group.options.maxAttempts ?? 5,
        retryDelayMs: group.options.retryDelayMs ?? 100,
        // One queue serves every consumer here: an outage is waited out for a while, not for ever.
        maxTransientMs: 30_000,
        isStopping: () => group.stopped,
      }).catch((error: unknown) => {
        if (group.stopped) return { deadLetters: [], errors: [] }; // stopping: the group no longer wants it
        throw error;
      });
      errors.forEach((error) => this.log(`dead-letter: ${group.groupId} gave up on ${error}`));
      if (deadLetters.length > 0) {
        this.deadLetters.push(...deadLetters);
        group.options.onDeadLetters?.(deadLetters.length);
        await this.deliver(deadLetters);
      }
    }
  }

  async subscribe(options: SubscribeOptions, handler: MessageHandler | ConsumerHandlers): Promise<BusSubscription> {
    const group: Group = { groupId: options.groupId, topic: options.topic, handler, options, stopped: false };
    this.groups.push(group);
    return {
      stop: async () => {
        group.stopped = true;
        this.groups.splice(this.groups.indexOf(group), 1);
      },
    };
  }

  async close(): Promise<void> {
    this.groups.splice(0);
    await this.queue;
  }
}
