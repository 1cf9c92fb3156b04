import { eventStoreContract } from '../event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/**
 * The same contract suite as PostgreSQL, against a real EventStoreDB started by
 * testcontainers. EventStoreDB has no other way onto a test machine, so where no
 * Docker engine answers the suite is skipped — loudly, with the reason, never passed.
 */
const dockerStatus = process.env.DOCKER_STATUS ?? 'unavailable: not probed';
const EVENTSTOREDB_IMAGE = process.env.EVENTSTOREDB_IMAGE ?? 'eventstore/eventstore:24.10';

if (dockerStatus === 'available') {
  eventStoreContract(`EventStoreDB (${EVENTSTOREDB_IMAGE}, testcontainers)`, async () => {
    // Loaded only where Docker exists.
    const { GenericContainer, Wait } = require('testcontainers') as typeof import('testcontainers');
    const container = await new GenericContainer(EVENTSTOREDB_IMAGE)
      .withEnvironment({
        EVENTSTORE_INSECURE: 'true',
        EVENTSTORE_MEM_DB: 'true',
        EVENTSTORE_RUN_PROJECTIONS: 'None',
        EVENTSTORE_START_STANDARD_PROJECTIONS: 'false',
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCode(204))
      .withStartupTimeout(120_000)
      .start();
    const store = new EventStoreDbEventStore({
      connectionString: `esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
    });
    return {
      store,
      teardown: async () => {
        await store.close();
        await container.stop();
      },
    };
  });
} else {
  describe('Event store contract: EventStoreDB', () => {
    console.warn(`\n*** EventStoreDB contract suite SKIPPED: ${dockerStatus}. The PostgreSQL adapter ran the same suite. ***\n`);
    // Skipped on purpose, with the reason in its name: no Docker engine means no EventStoreDB here.
    it.skip(`SKIPPED — EventStoreDB contract suite needs Docker for testcontainers (${dockerStatus})`, () => undefined);
  });
}
