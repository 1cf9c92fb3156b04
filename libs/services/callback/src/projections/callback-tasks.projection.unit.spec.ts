import type { ProjectedEvent } from '@complaints/read-model';
import { callbackTasksProjection, type CallbackCase } from './callback-tasks.projection';

const ID = '11111111-1111-4111-8111-111111111111';
let revision = 0;
const event = (type: string, data: Record<string, unknown>): ProjectedEvent => ({
  id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
  streamId: `complaint-${ID}`,
  key: ID,
  revision: revision++,
  position: String(revision),
  type,
  data,
  metadata: {},
  recordedAt: '2025-03-10T02:00:00.000Z',
});
const fold = (events: ProjectedEvent[]): CallbackCase | undefined => events.reduce<CallbackCase | undefined>((s, e) => callbackTasksProjection.evolve(s, e), undefined);
const registered = () => event('ComplaintRegistered', { number: 'SITEA-250310-001', siteId: 'site-a', receivedAt: '2025-03-10T02:00:00.000Z', at: '2025-03-10T02:00:00.000Z' });
const resolved = (at: string, callback: string) => event('ComplaintResolved', { at, deadlines: { callback } });

describe('Rule: a callback task opens when a complaint is resolved, one round per resolution', () => {
  beforeEach(() => (revision = 0));

  it('given a registered complaint not yet resolved, then it has a record and no task', () => {
    expect(fold([registered(), event('ComplaintTriaged', { at: '2025-03-10T03:00:00.000Z' })])).toEqual({
      tracking: { siteId: 'site-a', number: 'SITEA-250310-001', registeredAt: '2025-03-10T02:00:00.000Z', lastEvent: 'ComplaintTriaged' },
    });
  });

  it('given a resolution, when the callback is unreached once and then completed, then the task is done with its score, attempts and the retry’s due date', () => {
    const state = fold([
      registered(),
      resolved('2025-03-12T02:00:00.000Z', '2025-03-14T02:00:00.000Z'),
      event('CallbackUnreached', { at: '2025-03-13T02:00:00.000Z', attempt: 1, deadlines: { callback: '2025-03-15T02:00:00.000Z' } }),
      event('CallbackCompleted', { at: '2025-03-14T02:00:00.000Z', satisfaction: 2 }),
    ]);
    expect(state?.task).toEqual({ status: 'done', openedAt: '2025-03-12T02:00:00.000Z', dueAt: '2025-03-15T02:00:00.000Z', attempts: 1, round: 1, satisfaction: 2, closedAt: '2025-03-14T02:00:00.000Z' });
  });

  it('given a complaint reopened by its callback and resolved again, then the task opens afresh as round 2; an exemption then closes it', () => {
    const events = [
      registered(),
      resolved('2025-03-12T02:00:00.000Z', '2025-03-14T02:00:00.000Z'),
      event('CallbackCompleted', { at: '2025-03-13T02:00:00.000Z', satisfaction: 5 }),
      resolved('2025-03-20T02:00:00.000Z', '2025-03-22T02:00:00.000Z'),
    ];
    expect(fold(events)?.task).toEqual({ status: 'open', openedAt: '2025-03-20T02:00:00.000Z', dueAt: '2025-03-22T02:00:00.000Z', attempts: 0, round: 2, satisfaction: null, closedAt: null });
    expect(fold([...events, event('CallbackExempted', { at: '2025-03-21T02:00:00.000Z' })])?.task).toMatchObject({ status: 'exempt', round: 2, closedAt: '2025-03-21T02:00:00.000Z' });
  });

  it('given callback events without a resolution (an impossible history), then no task is made up', () => {
    expect(fold([registered(), event('CallbackUnreached', { at: '2025-03-13T02:00:00.000Z', attempt: 1 })])?.task).toBeUndefined();
  });
});
