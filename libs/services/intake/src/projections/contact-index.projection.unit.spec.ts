import type { ProjectedEvent } from '@complaints/read-model';
import { SiteDirectory, type ComplaintPersonalData } from '@complaints/service-common';
import { contactIndexProjection, type ContactEntry } from './contact-index.projection';

const ID = '22222222-2222-4222-8222-222222222222';
let revision = 0;
const event = (type: string, data: Record<string, unknown>, metadata: Record<string, unknown> = {}): ProjectedEvent => ({
  id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
  streamId: `complaint-${ID}`,
  key: ID,
  revision: revision++,
  position: String(revision),
  type,
  data,
  metadata,
  recordedAt: '2025-03-10T02:00:00.000Z',
});
// evolve never opens a phone: `prepare` has already left the digest in the metadata.
const projection = contactIndexProjection(SiteDirectory.from({}), {} as ComplaintPersonalData);
const fold = (events: ProjectedEvent[]): ContactEntry | undefined => events.reduce<ContactEntry | undefined>((s, e) => projection.evolve(s, e), undefined);
const registered = (digest: string | null) =>
  event(
    'ComplaintRegistered',
    { siteId: 'site-a', receivedAt: '2025-03-10T02:00:00.000Z', channel: 'phone', title: '楼道灯不亮', description: '3栋楼道灯坏了', householdCount: 1, complainant: { phone: 'sealed:…' } },
    { contactIndexPhoneDigest: digest },
  );

describe('Rule: the contact index keeps a complaint by its phone digest, site and category until its personal data is erased', () => {
  beforeEach(() => (revision = 0));

  it('given a registration with a phone, then it is indexed under the suggestion’s category; a triage replaces the category', () => {
    const registeredOnly = fold([registered('digest-1')]);
    expect(registeredOnly).toMatchObject({ siteId: 'site-a', phoneDigest: 'digest-1', erased: false, receivedAt: '2025-03-10T02:00:00.000Z' });
    expect(registeredOnly?.category).toEqual(expect.any(String));
    revision = 0;
    expect(fold([registered('digest-1'), event('ComplaintTriaged', { category: 'cleaning' })])?.category).toBe('cleaning');
  });

  it('given an anonymous complaint or one without a phone (no digest), then nothing is indexed', () => {
    expect(fold([registered(null)])?.phoneDigest).toBeNull();
  });

  it('given the personal data erased, then the digest is forgotten', () => {
    expect(fold([registered('digest-1'), event('PersonalDataErased', { reason: 'request' })])).toMatchObject({ phoneDigest: null, erased: true });
  });
});
