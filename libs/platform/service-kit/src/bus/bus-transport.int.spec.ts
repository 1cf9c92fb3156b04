import { Controller, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, Payload } from '@nestjs/microservices';
import { topicNames } from '@complaints/contracts';
import { InMemoryMessageBus, type DeliveredMessage } from '@complaints/messaging';
import { BusContext, BusEventPattern, BusTransport } from './bus-transport';

/**
 * The bus as a Nest transport: `@BusEventPattern` handlers get batches in their consumer
 * group, and the errors they throw reach the bus unchanged — a database restart is retried
 * until it passes, a bad message alone is dead-lettered.
 */
const seen: { group: string; keys: string[] }[] = [];
let outage = 0;

@Controller()
class TestConsumers {
  @BusEventPattern('complaint-events', { group: 'g-batch' })
  async onEvents(@Payload() messages: DeliveredMessage[], @Ctx() context: BusContext): Promise<void> {
    if (outage > 0) {
      outage--;
      throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    }
    if (messages.some((m) => m.key === 'poison')) throw new TypeError('cannot read this event');
    seen.push({ group: context.group, keys: messages.map((m) => m.key) });
  }

  @BusEventPattern('complaint-events', { group: 'g-other' })
  async onEventsToo(@Payload() messages: DeliveredMessage[], @Ctx() context: BusContext): Promise<void> {
    if (messages.some((m) => m.key === 'poison')) return; // this group can read it
    seen.push({ group: context.group, keys: messages.map((m) => m.key) });
  }

  @BusEventPattern('notifications', { group: 'g-single', oneByOne: true })
  async onNotices(@Payload() messages: DeliveredMessage[], @Ctx() context: BusContext): Promise<void> {
    seen.push({ group: context.group, keys: messages.map((m) => m.key) });
  }
}

@Module({ controllers: [TestConsumers] })
class TestModule {}

describe('BusTransport', () => {
  const topics = topicNames('transport-test');
  const bus = new InMemoryMessageBus();
  let app: INestApplication;

  beforeAll(async () => {
    app = await NestFactory.create(TestModule, { logger: false });
    app.connectMicroservice({ strategy: new BusTransport(bus, topics) });
    await app.init();
    await app.startAllMicroservices();
    bus.open();
  });
  afterAll(async () => {
    await app.close();
  });

  const publish = (topic: string, keys: string[]) => bus.publish(keys.map((key) => ({ topic, key, value: '{}', headers: {} })));

  it('should give every group its own subscription, hand a batch handler the whole batch, and a one-by-one handler one message at a time', async () => {
    seen.splice(0);
    await publish(topics.complaintEvents, ['a', 'b', 'c']);
    await publish(topics.notifications, ['n1', 'n2']);
    expect(seen).toEqual([
      { group: 'g-batch', keys: ['a', 'b', 'c'] },
      { group: 'g-other', keys: ['a', 'b', 'c'] },
      { group: 'g-single', keys: ['n1'] },
      { group: 'g-single', keys: ['n2'] },
    ]);
  });

  it('should let a database outage be retried without splitting or dead-lettering, and dead-letter only a bad message', async () => {
    seen.splice(0);
    outage = 2;
    await publish(topics.complaintEvents, ['d', 'e']);
    expect(seen).toEqual([
      { group: 'g-batch', keys: ['d', 'e'] },
      { group: 'g-other', keys: ['d', 'e'] },
    ]);
    expect(bus.deadLetters).toHaveLength(0);

    seen.splice(0);
    await publish(topics.complaintEvents, ['f', 'poison', 'g']);
    expect(seen).toEqual([
      { group: 'g-batch', keys: ['f'] },
      { group: 'g-batch', keys: ['g'] },
    ]);
    // The other group is not held up by this group's bad message (its batch went through whole).
    expect(bus.deadLetters.filter((d) => d.headers['dlq-consumer-group'] === 'g-other')).toHaveLength(0);
    expect(bus.deadLetters.map((d) => [d.key, d.topic])).toEqual([['poison', `${topics.complaintEvents}.dlq`]]);
    expect(bus.deadLetters[0].headers['dlq-error'] ?? Object.values(bus.deadLetters[0].headers).join(' ')).toContain('cannot read this event');
  }, 20_000);
});
