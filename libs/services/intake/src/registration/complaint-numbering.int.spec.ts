import { randomUUID } from 'node:crypto';
import { PostgresEventStore, verifyChain, type EventStore } from '@complaints/event-store';
import { SiteDirectory } from '@complaints/service-common';
import { createTestDatabase, type TestDatabase } from '@complaints/testing';
import { ComplaintNumberingService } from './complaint-numbering.service';

/**
 * Yearly numbering on a real PostgreSQL event store: unique and gap-free under
 * concurrency, the same number for a retried complaint, and a cost that does not grow
 * with the year's complaints (only the counter stream's tail is read).
 */
let db: TestDatabase;
let store: PostgresEventStore;
let eventsRead = 0;
const counting: EventStore = {
  appendToStream: (...args) => store.appendToStream(...args),
  readStream: async (...args) => {
    const events = await store.readStream(...args);
    eventsRead += events.length;
    return events;
  },
  readAll: (options) => store.readAll(options),
  subscribeToAll: (options, handler) => store.subscribeToAll(options, handler),
  close: async () => undefined,
};
const sites = SiteDirectory.from({ SITES_JSON: JSON.stringify([{ id: 'site-n', code: 'SN01', name: '编号测试', timeZone: 'Asia/Shanghai' }]) });
const numbering = new ComplaintNumberingService(counting, sites);
/** A second intake instance: the two meet only at the stream's expected revision. */
const otherInstance = new ComplaintNumberingService(counting, sites);
const RECEIVED = '2026-03-02T02:00:00.000Z';
const serialOf = (number: string) => Number(number.split('-')[2]);

beforeAll(async () => {
  db = await createTestDatabase('numbering');
  store = new PostgresEventStore({ connectionString: db.url });
  await store.migrate();
});

afterAll(async () => {
  await store.close();
  await db.drop();
});

describe('Yearly complaint numbers (SITE-YYMMDD-NNN)', () => {
  it('should hand out unique, gap-free serials to concurrent registrations on two intake instances', async () => {
    const numbers = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? numbering : otherInstance).allocate('site-n', randomUUID(), RECEIVED)));
    expect(numbers.every((n) => /^SN01-260302-\d{3}$/.test(n))).toBe(true);
    expect(numbers.map(serialOf).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(verifyChain(await store.readStream('numbering-site-n-2026')).valid).toBe(true);
  });

  it('should read one event per allocation however long the year has run', async () => {
    eventsRead = 0;
    for (let i = 0; i < 150; i++) await numbering.allocate('site-n', randomUUID(), RECEIVED);
    expect(eventsRead).toBe(150); // the counter's last event, nothing more
  });

  it('should give a retried registration the number it already holds, even after 200 later allocations', async () => {
    const retried = randomUUID();
    const startedAt = new Date();
    const first = await numbering.allocate('site-n', retried, RECEIVED, startedAt);
    await Promise.all(Array.from({ length: 200 }, () => numbering.allocate('site-n', randomUUID(), RECEIVED)));
    eventsRead = 0;
    expect(await numbering.allocate('site-n', retried, RECEIVED, startedAt)).toBe(first);
    expect(eventsRead).toBeGreaterThan(200); // it looked back over the allocations since it started
    const serials = (await store.readStream('numbering-site-n-2026')).map((e) => (e.data as { serial: number }).serial);
    expect(serials).toEqual(Array.from({ length: serials.length }, (_, i) => i + 1));
  });
});
