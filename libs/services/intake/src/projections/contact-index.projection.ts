import { ERASED_PERSONAL_VALUE, type RegisterComplaintData } from '@complaints/domain';
import { deleteRows, upsertRows, type ColumnSpec, type ProjectedEvent, type StreamProjection } from '@complaints/read-model';
import type { ComplaintPersonalData, SiteDirectory } from '@complaints/service-common';
import { suggestedCategory } from '../repeats/repeat-detection';

/**
 * Repeat detection's contact index (重复投诉): per complaint with a complainant's phone, the
 * keyed digest of the number (never the number), the site, the category (the suggestion's
 * until triage, then the triaged one) and when it was received. Erasing the complaint's
 * personal data takes it out. The phone is sealed in the event: `prepare` opens it and keeps
 * only its digest, on the live path and in a rebuild alike (after an erasure the key is gone,
 * the phone reads as erased, and the complaint is not indexed — as live, once erased).
 */
export type ContactEntry = { siteId: string; receivedAt: string; category: string; phoneDigest: string | null; erased: boolean };

/** Where `prepare` leaves the digest of a registration's phone (null: nothing to index). */
const DIGEST = 'contactIndexPhoneDigest';

type Registration = RegisterComplaintData & { siteId: string; receivedAt: string; complainant?: { phone?: string; anonymous?: boolean } };

const INDEX_COLUMNS: ColumnSpec[] = [
  { name: 'complaint_id', type: 'uuid' },
  { name: 'site_id', type: 'text' },
  { name: 'phone_digest', type: 'text' },
  { name: 'category', type: 'text' },
  { name: 'received_at', type: 'timestamptz' },
];

const STATE_COLUMNS: ColumnSpec[] = [
  { name: 'complaint_id', type: 'uuid' },
  { name: 'version', type: 'integer' },
  { name: 'state', type: 'jsonb' },
  { name: 'updated_at', type: 'timestamptz' },
];

export const contactIndexProjection = (sites: SiteDirectory, personalData: ComplaintPersonalData): StreamProjection<ContactEntry> => ({
  name: 'contact-index',
  description: 'intake.contact_index: repeat detection by phone digest, site and category',
  stateTable: { table: 'intake.contact_index_state', key: 'complaint_id', keyType: 'uuid' },
  tables: ['intake.contact_index', 'intake.contact_index_state'],
  prepare: async (events) => {
    const sealed = events.filter((e) => e.type === 'ComplaintRegistered').map((e) => (e.data as Registration).complainant?.phone);
    if (sealed.every((p) => p === undefined || p === null)) return [...events];
    const open = await personalData.vault.openerFor(sealed);
    return events.map((e): ProjectedEvent => {
      if (e.type !== 'ComplaintRegistered') return e;
      const c = (e.data as Registration).complainant;
      const phone = typeof c?.phone === 'string' ? open(c.phone) : undefined;
      const digest = c?.anonymous || !phone || phone === ERASED_PERSONAL_VALUE ? null : personalData.phoneIndex(phone);
      return { ...e, metadata: { ...e.metadata, [DIGEST]: digest } };
    });
  },
  evolve: (state, event) => {
    switch (event.type) {
      case 'ComplaintRegistered': {
        const d = event.data as Registration;
        return {
          siteId: d.siteId,
          receivedAt: d.receivedAt,
          category: suggestedCategory(d, sites.policy(d.siteId)),
          phoneDigest: (event.metadata[DIGEST] as string | null | undefined) ?? null,
          erased: false,
        };
      }
      case 'ComplaintTriaged':
        return state ? { ...state, category: (event.data as { category: string }).category } : state;
      case 'PersonalDataErased':
        return state ? { ...state, phoneDigest: null, erased: true } : state;
      default:
        return state ?? undefined;
    }
  },
  write: async (manager, changes) => {
    await upsertRows(
      manager,
      'intake.contact_index_state',
      STATE_COLUMNS,
      ['complaint_id'],
      changes.map(({ key, version, after, lastEvent }) => ({ complaint_id: key, version, state: after, updated_at: lastEvent.recordedAt })),
      { chunkSize: 1_000 },
    );
    const indexed = changes.filter((c) => c.after.phoneDigest !== null && !c.after.erased);
    await upsertRows(
      manager,
      'intake.contact_index',
      INDEX_COLUMNS,
      ['complaint_id'],
      indexed.map(({ key, after }) => ({ complaint_id: key, site_id: after.siteId, phone_digest: after.phoneDigest, category: after.category, received_at: after.receivedAt })),
      { chunkSize: 1_000 },
    );
    const unindexed = changes.filter((c) => c.after.phoneDigest === null || c.after.erased);
    await deleteRows(manager, 'intake.contact_index', [{ name: 'complaint_id', type: 'uuid' }], unindexed.map((c) => ({ complaint_id: c.key })));
  },
});
