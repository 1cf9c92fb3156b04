/**
 * 公示 — the monthly public disclosure of a site's complaints about common areas and shared
 * interests, with their outcomes, anonymised, approved by the CS centre manager before it is
 * posted. The approval is an event on the stream `disclosure-<siteId>-<yyyy-mm>` recording
 * the SHA-256 of the content approved: when the content changes afterwards (a correction, a
 * late closure) its hash no longer matches and the notice is unpublished until approved again.
 */
import type { Role } from '../common/actor';
import { InvalidStateError, ProblemList } from '../common/domain-errors';
import { localDateOf } from '../calendar/time-zone';
import type { Complaint } from '../complaint/complaint.state';
import { assertDeskRole, anonymiseText, type DeskMetadata } from './desk-common';

/** Who approves the notice: the CS centre manager (客服中心经理). */
export const DISCLOSURE_APPROVER_ROLES: readonly Role[] = ['cs_manager'];

export const DISCLOSURE_STREAM_PREFIX = 'disclosure-';
export const disclosureStreamName = (siteId: string, month: string): string => `${DISCLOSURE_STREAM_PREFIX}${siteId}-${month}`;

export const isDisclosureMonth = (month: unknown): month is string => typeof month === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(month);

/** Categories about what every owner shares: the building's facilities and the estate's common grounds and services. */
export const COMMON_AREA_CATEGORIES: readonly string[] = ['facilities', 'security', 'cleaning', 'landscaping', 'parking'];

/** Words in a complaint's `location` that name a common area (公共区域) rather than someone's home. */
export const COMMON_AREA_LOCATION_WORDS: readonly string[] = [
  '公共', '公区', '电梯', '大堂', '大厅', '楼道', '走廊', '楼梯', '车库', '停车场', '地库', '小区', '花园', '绿化', '广场', '门岗', '大门', '会所', '泳池', '屋面', '天台', '外墙', '道路', '垃圾',
  'common', 'lobby', 'lift', 'elevator', 'corridor', 'stair', 'garage', 'car park', 'parking', 'garden', 'entrance', 'gate', 'playground', 'pool', 'roof', 'clubhouse',
];

export type CommonAreaReason = 'collective' | 'category' | 'location';

/**
 * 公共区域和公共利益: a complaint belongs in the notice when many households raised it (a
 * shared interest: household count ≥ 2 or collective), when its category is a common-area
 * one, or when its location names a common area. Invalid complaints are left out: there was
 * nothing of ours to put right.
 */
export const commonAreaReasons = (complaint: Pick<Complaint, 'householdCount' | 'collective' | 'category' | 'location' | 'nature'>): CommonAreaReason[] => {
  if (complaint.nature === 'invalid') return [];
  const reasons: CommonAreaReason[] = [];
  if (complaint.collective || complaint.householdCount >= 2) reasons.push('collective');
  if (complaint.category && COMMON_AREA_CATEGORIES.includes(complaint.category)) reasons.push('category');
  const location = complaint.location?.toLowerCase() ?? '';
  if (location && COMMON_AREA_LOCATION_WORDS.some((w) => location.includes(w))) reasons.push('location');
  return reasons;
};

export const isCommonAreaComplaint = (complaint: Parameters<typeof commonAreaReasons>[0]): boolean => commonAreaReasons(complaint).length > 0;

export type DisclosureOutcome = 'resolved' | 'closed' | 'in_progress';

export type DisclosureItem = {
  number: string;
  receivedOn: string;
  category: string | null;
  location: string | null;
  title: string;
  outcome: DisclosureOutcome;
  /** What was done (the resolution or the explanation), anonymised; null while in progress. */
  result: string | null;
  closedOn: string | null;
  reasons: CommonAreaReason[];
};

export type DisclosureNotice = { siteId: string; month: string; items: DisclosureItem[] };

const inMonth = (instant: string, month: string, timeZone: string): boolean => localDateOf(Date.parse(instant), timeZone).startsWith(month);

/**
 * The notice of one site and month: the common-area complaints received in the month (site
 * time), oldest first, each anonymised — the complainant's name, phone and flat never appear,
 * nor any phone-like number, flat number or "surname + 女士/先生" in the free text.
 * `complaints` carry their complainant opened (plaintext or erased), so names can be struck out.
 */
export const disclosureNotice = (siteId: string, month: string, timeZone: string, complaints: readonly Complaint[]): DisclosureNotice => {
  const items = complaints
    .filter((c) => c.siteId === siteId && inMonth(c.receivedAt, month, timeZone))
    .map((c) => ({ c, reasons: commonAreaReasons(c) }))
    .filter(({ reasons }) => reasons.length > 0)
    .sort((a, b) => a.c.receivedAt.localeCompare(b.c.receivedAt) || a.c.number.localeCompare(b.c.number))
    .map(({ c, reasons }): DisclosureItem => {
      const personal = { names: [c.complainant?.name], phones: [c.complainant?.phone], units: [c.complainant?.unit] };
      const outcome: DisclosureOutcome = c.status === 'closed' ? 'closed' : c.status === 'resolved' ? 'resolved' : 'in_progress';
      const result = outcome === 'in_progress' ? null : (c.resolution?.resolution ?? c.explanation ?? null);
      return {
        number: c.number,
        receivedOn: localDateOf(Date.parse(c.receivedAt), timeZone),
        category: c.category ?? null,
        location: c.location ? anonymiseText(c.location, personal) : null,
        title: anonymiseText(c.title, personal),
        outcome,
        result: result === null ? null : anonymiseText(result, personal),
        closedOn: c.closedAt ? localDateOf(Date.parse(c.closedAt), timeZone) : null,
        reasons,
      };
    });
  return { siteId, month, items };
};

/** Whether the month is over at the site (a notice is approved only for a whole month). */
export const monthEnded = (month: string, now: string, timeZone: string): boolean => localDateOf(Date.parse(now), timeZone).slice(0, 7) > month;

export type ApproveDisclosure = {
  type: 'ApproveDisclosure';
  data: { siteId: string; month: string; timeZone: string; contentHash: string; itemCount: number };
  metadata: DeskMetadata;
};
export type DisclosureCommand = ApproveDisclosure;

export type DisclosureApproved = {
  type: 'DisclosureApproved';
  data: { siteId: string; month: string; contentHash: string; itemCount: number; supersedes: string | null; at: string; by: DeskMetadata['actor'] };
};
export type DisclosureEvent = DisclosureApproved;
export const DISCLOSURE_EVENT_TYPES: readonly DisclosureEvent['type'][] = ['DisclosureApproved'];

export type DisclosureState = { siteId?: string; month?: string; approvedHash?: string; itemCount?: number; approvedAt?: string; approvedBy?: DeskMetadata['actor']; approvals: number };

export const initialDisclosureState = (): DisclosureState => ({ approvals: 0 });

export const evolveDisclosure = (state: DisclosureState, event: DisclosureEvent): DisclosureState =>
  event.type === 'DisclosureApproved'
    ? { siteId: event.data.siteId, month: event.data.month, approvedHash: event.data.contentHash, itemCount: event.data.itemCount, approvedAt: event.data.at, approvedBy: event.data.by, approvals: state.approvals + 1 }
    : state;

export const decideDisclosure = (command: DisclosureCommand, state: DisclosureState): DisclosureEvent[] => {
  const { now, actor } = command.metadata;
  const { siteId, month, timeZone, contentHash, itemCount } = command.data;
  assertDeskRole(actor, DISCLOSURE_APPROVER_ROLES, 'approve a public disclosure');
  const problems = new ProblemList();
  problems.check(isDisclosureMonth(month), 'month', 'must be YYYY-MM');
  problems.check(typeof contentHash === 'string' && /^[0-9a-f]{64}$/.test(contentHash), 'contentHash', 'must be the SHA-256 (64 hex digits) of the notice approved');
  problems.check(Number.isInteger(itemCount) && itemCount >= 0, 'itemCount', 'must be a whole number ≥ 0');
  problems.throwIfAny();
  if (!monthEnded(month, now, timeZone)) throw new InvalidStateError('approve the disclosure', 'month in progress', `${month} has not ended at the site yet`);
  if (state.approvedHash === contentHash) return [];
  return [{ type: 'DisclosureApproved', data: { siteId, month, contentHash, itemCount, supersedes: state.approvedHash ?? null, at: now, by: actor } }];
};

export const disclosureDecider = { initialState: initialDisclosureState, evolve: evolveDisclosure, decide: decideDisclosure };

/** Published means approved as it stands: the approved hash is the current content's. */
export const disclosureStatus = (state: DisclosureState, currentHash: string): 'draft' | 'published' | 'changed_since_approval' =>
  state.approvedHash === undefined ? 'draft' : state.approvedHash === currentHash ? 'published' : 'changed_since_approval';
