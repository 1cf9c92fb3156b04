import { SpanStatusCode, propagation, trace, type Span } from '@opentelemetry/api';
import { HEADER } from '@complaints/contracts';
import { KafkaMessageBus, type BusMessage } from '@complaints/messaging';
import { SpanKind, TRACE_CONTEXT_KEYS, contextFrom, tracer } from './tracing';

/**
 * The Kafka bus with a producer span per message that carries a trace context (the relay
 * copies the one the event stored): the span continues that trace, ends when the broker
 * has acknowledged, and its own context replaces the message's `traceparent`, so each
 * consumer's span is its child. Untraced messages go as they are.
 */
export class TracedKafkaMessageBus extends KafkaMessageBus {
  override async publish(messages: BusMessage[]): Promise<void> {
    const spans: Span[] = [];
    const outgoing = messages.map((message) => {
      const parent = contextFrom(message.headers);
      if (!trace.getSpanContext(parent)) return message;
      const span = tracer().startSpan(
        `${message.topic} publish`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.operation.type': 'send',
            'messaging.destination.name': message.topic,
            'messaging.kafka.message.key': message.key,
            ...(message.headers[HEADER.eventId] ? { 'messaging.message.id': message.headers[HEADER.eventId] } : {}),
            ...(message.headers[HEADER.eventType] ? { 'complaints.event_type': message.headers[HEADER.eventType] } : {}),
          },
        },
        parent,
      );
      spans.push(span);
      const headers = { ...message.headers };
      for (const key of TRACE_CONTEXT_KEYS) delete headers[key];
      propagation.inject(trace.setSpan(parent, span), headers);
      return { ...message, headers };
    });
    try {
      await super.publish(outgoing);
    } catch (error) {
      for (const span of spans) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }
}
