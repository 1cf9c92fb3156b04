import { Catch, Logger, UseFilters, applyDecorators, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, EventPattern, Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import { HEADER, type TopicNames } from '@complaints/contracts';
import type { BusSubscription, DeliveredMessage, MessageBus } from '@complaints/messaging';
import type { Metrics } from '../metrics/metrics';
import { runInLogContext, type LogActor, type LogContext } from '../observability/log-context';
import { SpanKind, consumerSpanContext, inSpan } from '../observability/tracing';

/** The streams a handler can follow: their topics come from the configured prefix. */
export type BusStream = 'complaint-events' | 'notifications';

/**
 * What a bus handler declares beside its stream: its consumer group (each group gets every
 * message once) and whether it takes batches (the default) or one message at a time.
 */
export type BusHandlerOptions = { group: string; oneByOne?: boolean };

/**
 * Handlers' errors reach the transport as they were thrown (Nest's default RPC filter
 * would turn them into a generic "Internal server error"); every `@BusEventPattern`
 * handler has it: the transport must tell a
 * database restart (retry until it passes) from a bad message (dead-letter it).
 */
@Catch()
export class RethrowToBusFilter implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * Marks a method as a consumer of the bus, the Nest way (`@EventPattern`):
 *
 *   @BusEventPattern('complaint-events', { group: 'triage' })
 *   async onEvents(@Payload() messages: DeliveredMessage[]) { … }
 *
 * The handler receives a batch of delivered messages (one complaint's in order) and must
 * apply it idempotently; with `oneByOne` it receives batches of one. When a batch fails for
 * a reason of its own, the transport hands the messages over again one at a time, so only
 * the message at fault is retried and then dead-lettered.
 */
export const BusEventPattern = (stream: BusStream, options: BusHandlerOptions): MethodDecorator =>
  // The pattern names the group too: Nest chains every handler of one pattern behind the
  // first, which would make the consumers of one process share one subscription (and one
  // group). One pattern per (stream, group) gives each group a subscription of its own.
  applyDecorators(EventPattern({ stream, group: options.group }, options), UseFilters(new RethrowToBusFilter()));

/** The one value all of `values` share, else undefined. */
const shared = <T>(values: (T | undefined)[]): T | undefined => (new Set(values.map((v) => JSON.stringify(v))).size === 1 ? values[0] : undefined);

const actorOf = (message: DeliveredMessage): LogActor | undefined => {
  try {
    const actor = (JSON.parse(message.value) as { metadata?: { actor?: { id?: unknown; role?: unknown } } }).metadata?.actor;
    return typeof actor?.id === 'string' && typeof actor.role === 'string' ? { id: actor.id, role: actor.role } : undefined;
  } catch {
    return undefined;
  }
};

/**
 * What the log lines of a batch carry: the group, and the complaint, correlation and
 * causation ids and the actor when every message of the batch shares them (a one-message
 * batch also names its event).
 */
export const batchLogContext = (messages: DeliveredMessage[], group: string): LogContext => ({
  group,
  complaintId: shared(messages.map((m) => m.key || undefined)),
  correlationId: shared(messages.map((m) => m.headers[HEADER.correlationId])),
  causationId: shared(messages.map((m) => m.headers[HEADER.causationId])),
  actor: shared(messages.map(actorOf)),
  eventId: messages.length === 1 ? messages[0].headers[HEADER.eventId] : undefined,
  eventType: messages.length === 1 ? messages[0].headers[HEADER.eventType] : undefined,
});

/** Context of a bus delivery: the consumer group that receives it. */
export class BusContext extends BaseRpcContext<[string]> {
  get group(): string {
    return this.args[0];
  }
}

/**
 * A custom Nest transport strategy over the platform's message bus (Kafka in the
 * distributed topology, the store-fed bus in the embedded default). On `listen` every
 * `@BusEventPattern` handler gets a subscription in its own consumer group; batching,
 * per-key order, retries and the dead-letter rule are the bus's (see `handleBatchWithRetry`).
 */
export class BusTransport extends Server implements CustomTransportStrategy {
  private readonly subscriptions: BusSubscription[] = [];
  private readonly log = new Logger('bus');

  constructor(
    private readonly bus: MessageBus,
    private readonly topics: TopicNames,
    private readonly metrics?: Metrics,
  ) {
    super();
  }

  private topicOf(stream: string): string {
    if (stream === 'complaint-events') return this.topics.complaintEvents;
    if (stream === 'notifications') return this.topics.notifications;
    throw new Error(`@BusEventPattern: unknown stream "${stream}" (complaint-events or notifications)`);
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const [pattern, handler] of this.messageHandlers) {
        const options = handler.extras as BusHandlerOptions | undefined;
        const { stream } = JSON.parse(pattern) as { stream: string };
        if (!options?.group) throw new Error(`@BusEventPattern('${stream}') needs a consumer group`);
        const topic = this.topicOf(stream);
        const run = (messages: DeliveredMessage[]) => this.invoke(handler, messages, options.group, topic);
        this.subscriptions.push(
          await this.bus.subscribe(
            { groupId: options.group, topic, onDeadLetters: (count) => this.metrics?.deadLetters.inc({ group: options.group }, count) },
            options.oneByOne ? (message) => run([message]) : { batch: run, each: (message) => run([message]) },
          ),
        );
        this.log.log(`consuming ${topic} as group ${options.group}`);
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /**
   * Hands a batch to its handler inside the batch's log context and its consumer span
   * (`<topic> process`, continuing the trace of the batch's first message).
   */
  private invoke(handler: MessageHandler, messages: DeliveredMessage[], group: string, topic: string): Promise<void> {
    const { parent, links } = consumerSpanContext(messages.map((m) => m.headers));
    return runInLogContext(batchLogContext(messages, group), () =>
      inSpan(
        `${topic} process`,
        {
          kind: SpanKind.CONSUMER,
          links,
          attributes: {
            'messaging.system': this.bus.kind,
            'messaging.operation.type': 'process',
            'messaging.destination.name': topic,
            'messaging.consumer.group.name': group,
            'messaging.batch.message_count': messages.length,
          },
        },
        async () => {
          this.log.debug(`${messages.length} message(s) from ${topic}`);
          const result = await handler(messages, new BusContext([group]));
          await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
        },
        parent,
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((s) => s.stop()));
  }

  on(): never {
    throw new Error('BusTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.bus as T;
  }
}
