import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

/** A message read back from a topic (the dead-letter topics, for the reconciliation). */
export type ReadMessage = { partition: number; offset: string; key: string; value: string; headers: Record<string, string> };

const kafkaOf = (brokers: string[]) => new Kafka({ clientId: `faults-${randomUUID().slice(0, 6)}`, brokers, logLevel: logLevel.NOTHING, retry: { retries: 8 } });

/** Publishes raw messages (the poison) the way the relay does: keyed, acks from all replicas. */
export const publishRaw = async (brokers: string[], topic: string, messages: { key: string; value: string; headers: Record<string, string> }[]): Promise<void> => {
  const producer = kafkaOf(brokers).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages });
  } finally {
    await producer.disconnect();
  }
};

/** Every message of a topic up to its current end ([] when the topic does not exist). */
export const readTopic = async (brokers: string[], topic: string, timeoutMs = 30_000): Promise<ReadMessage[]> => {
  const kafka = kafkaOf(brokers);
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(topic)) return [];
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const total = [...ends.values()].reduce((n, v) => n + v, 0n);
  if (total === 0n) return [];
  const consumer = kafka.consumer({ groupId: `faults-reader-${randomUUID()}` });
  const out: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${out.length} of ${total} messages of ${topic} in ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            if (BigInt(message.offset) >= (ends.get(partition) ?? 0n)) return;
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? String(v[0]) : v.toString();
            out.push({ partition, offset: message.offset, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '', headers });
            if (BigInt(out.length) >= total) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
};
