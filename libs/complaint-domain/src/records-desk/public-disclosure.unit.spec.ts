import type { Actor } from '../common/actor';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { actors, history } from '../testing/complaint.fixtures';
import { deciderSpecification } from '../testing/decider-spec';
import { anonymiseText } from './desk-common';
import { commonAreaReasons, disclosureDecider, disclosureNotice, disclosureStatus, type DisclosureEvent, type ApproveDisclosure } from './public-disclosure';

const TZ = 'Asia/Shanghai';
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const approve = (contentHash = HASH_A, now = '2025-04-01T02:00:00.000Z', actor: Actor = actors.csManager): ApproveDisclosure => ({
  type: 'ApproveDisclosure',
  data: { siteId: 'site-sh-01', month: '2025-03', timeZone: TZ, contentHash, itemCount: 2 },
  metadata: { now, actor },
});
const approved = (contentHash = HASH_A, supersedes: string | null = null): DisclosureEvent => ({
  type: 'DisclosureApproved',
  data: { siteId: 'site-sh-01', month: '2025-03', contentHash, itemCount: 2, supersedes, at: '2025-04-01T02:00:00.000Z', by: actors.csManager },
});
const given = deciderSpecification(disclosureDecider);

describe('Public disclosure (公示): which complaints are about common areas and shared interests', () => {
  const base = { householdCount: 1, collective: false, category: 'repairs', location: '3栋1201室内', nature: 'valid' as const };
  it('Rule: a complaint many households raised is a shared interest', () => {
    expect(commonAreaReasons({ ...base, householdCount: 12, collective: true })).toEqual(['collective']);
  });
  it('Rule: a common-area category (facilities, security, cleaning, landscaping, parking) belongs in the notice', () => {
    expect(commonAreaReasons({ ...base, category: 'cleaning' })).toEqual(['category']);
  });
  it('Rule: a location naming a common area (lift, lobby, garage…) belongs in the notice', () => {
    expect(commonAreaReasons({ ...base, location: '2号楼电梯' })).toEqual(['location']);
    expect(commonAreaReasons({ ...base, location: 'Underground garage B2' })).toEqual(['location']);
  });
  it("Rule: a complaint about one's own home, or an invalid one, is not disclosed", () => {
    expect(commonAreaReasons(base)).toEqual([]);
    expect(commonAreaReasons({ ...base, category: 'facilities', nature: 'invalid' })).toEqual([]);
  });
});

describe('Public disclosure (公示): the notice is anonymised', () => {
  it('Rule: names, phones, honorifics and flat numbers never appear in the notice', () => {
    expect(anonymiseText('张女士(13800138000)说3号楼1201室漏水，李先生也说', { names: ['张女士'] })).toBe('＊＊(＊＊＊)说＊＊漏水，某先生也说');
    expect(anonymiseText('3号楼电梯停运')).toBe('3号楼电梯停运');
  });
  it("Rule: the month's common-area complaints of the site are listed with their outcome, anonymised", () => {
    const lift = history(undefined, '2025-03-10T02:00:00.000Z')
      .register({ complainant: { name: '刘先生', phone: '13911112222', building: '3', unit: '1201', anonymous: false }, title: '刘先生反映电梯异响', location: '3号楼电梯' })
      .triage({ category: 'facilities' })
      .firstReply()
      .resolve({ resolution: '已更换曳引机轴承，已电话 13911112222 告知' }).complaint;
    const home = history(undefined, '2025-03-11T02:00:00.000Z').register({ complaintId: 'c-home', number: 'SH01-250311-002', location: '1201室内' }).triage().complaint;
    const april = history(undefined, '2025-04-01T02:00:00.000Z').register({ complaintId: 'c-apr', number: 'SH01-250401-001', location: '大堂' }).complaint;
    const notice = disclosureNotice('site-sh-01', '2025-03', TZ, [april, home, lift]);
    expect(notice.items).toEqual([
      { number: 'SH01-250303-001', receivedOn: '2025-03-10', category: 'facilities', location: '3号楼电梯', title: '＊＊反映电梯异响', outcome: 'resolved', result: '已更换曳引机轴承，已电话 ＊＊＊ 告知', closedOn: null, reasons: ['category', 'location'] },
    ]);
  });
});

describe('Public disclosure (公示): approval by the CS centre manager', () => {
  it('Rule: the CS centre manager approves a finished month, recording the hash of the content approved', () => {
    given([]).when(approve()).then([approved()]);
  });
  it('Rule: only the CS centre manager approves a disclosure', () => {
    given([]).when(approve(HASH_A, undefined, actors.supervisor)).thenThrows(ForbiddenError);
  });
  it('Rule: a month still in progress at the site cannot be approved', () => {
    given([]).when(approve(HASH_A, '2025-03-31T15:59:00.000Z')).thenThrows(InvalidStateError);
    given([]).when(approve(HASH_A, '2025-03-31T16:00:00.000Z')).then([{ ...approved(), data: { ...approved().data, at: '2025-03-31T16:00:00.000Z' } } as DisclosureEvent]);
  });
  it('Rule: the hash must be a SHA-256 (422 naming contentHash)', () => {
    given([]).when(approve('abc')).thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual(['contentHash']));
  });
  it('Rule: approving the same content again changes nothing; changed content is approved anew, superseding the old hash', () => {
    given([approved()]).when(approve()).thenNothingHappens();
    given([approved()]).when(approve(HASH_B)).then([approved(HASH_B, HASH_A)]);
  });
  it('Rule: a notice is published only while its content is the one approved; a later change is visible', () => {
    const state = [approved()].reduce(disclosureDecider.evolve, disclosureDecider.initialState());
    expect([disclosureStatus(disclosureDecider.initialState(), HASH_A), disclosureStatus(state, HASH_A), disclosureStatus(state, HASH_B)]).toEqual(['draft', 'published', 'changed_since_approval']);
  });
});
