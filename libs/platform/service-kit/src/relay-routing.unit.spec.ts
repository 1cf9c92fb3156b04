import { topicNames } from '@complaints/contracts';
import type { RecordedEvent } from '@complaints/event-store';
import { routeComplaintEvent } from './platform.module';

const recorded = (streamId: string, type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: '0b8f3c1e-1111-4222-8333-444455556666',
  type,
  streamId,
  revision: 0n,
  position: 1n,
  data,
  metadata: {},
  recordedAt: new Date(0),
});

describe('The relay’s routing (five-process form) and the embedded bus publish records-desk chases as notices', () => {
  const topics = topicNames();

  it('given a chase on a monthly-pack, record-check or callback-quota stream, then one message on the notifications topic only, keyed by the site, with the event’s id', () => {
    const cases = [
      recorded('monthly-pack-site-a-2025-03', 'MonthlyPackSignOffChased', { siteId: 'site-a', month: '2025-03', dueBy: '2025-04-03', notifyRoles: ['cs_manager'], at: 'x' }),
      recorded('record-check-site-a-2025-W14', 'WeeklyCheckChased', { siteId: 'site-a', week: '2025-W14', dueAt: 'd', level: 0, to: 'cs_supervisor', key: 'k', at: 'x' }),
      recorded('callback-quota-site-a-2025-04', 'CallbackQuotaReminded', { siteId: 'site-a', month: '2025-04', actorId: 'u-1', role: 'cs_manager', callbacks: 0, required: 3, missing: 3, daysLeft: 1, at: 'x' }),
    ];
    for (const event of cases) {
      const messages = routeComplaintEvent(event, topics);
      expect(messages.map((m) => [m.topic, m.key, m.headers?.['event-id']])).toEqual([[topics.notifications, 'site-a', event.id]]);
      expect(JSON.parse(String(messages[0].value))).toMatchObject({ eventId: event.id, subject: { siteId: 'site-a' } });
    }
  });

  it('given a records event that tells nobody, or a chase-like event on another stream, then nothing is published', () => {
    expect(routeComplaintEvent(recorded('monthly-pack-site-a-2025-03', 'MonthlyPackGenerated', { siteId: 'site-a', month: '2025-03' }), topics)).toEqual([]);
    expect(routeComplaintEvent(recorded('counter-site-a', 'WeeklyCheckChased', { siteId: 'site-a', week: '2025-W14', to: 'cs_manager' }), topics)).toEqual([]);
  });
});
