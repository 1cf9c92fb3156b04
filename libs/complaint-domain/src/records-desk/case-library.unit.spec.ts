import type { Actor } from '../common/actor';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { actors, T0 } from '../testing/complaint.fixtures';
import { deciderSpecification } from '../testing/decider-spec';
import { typicalCaseDecider, type CaseComplaintFacts, type TypicalCaseEvent, type TypicalCaseCommand } from './case-library';

const closed: CaseComplaintFacts = {
  id: 'c-1',
  siteId: 'site-a',
  number: 'SITEA-251103-001',
  status: 'closed',
  category: 'facilities',
  title: '电梯困人',
  closedAt: '2025-11-05T02:00:00.000Z',
  personal: { names: ['张女士'], phones: ['13800138000'] },
};
const text = { summary: '3号楼电梯停在两层之间，住户被困20分钟', cause: '维保单位未按期更换控制板', lessons: '维保合同加入关键部件更换期限，困人演练每季度一次' };
const at = T0;
const mark = (data: Partial<typeof text> = {}, complaint: CaseComplaintFacts = closed, actor: Actor = actors.csManager): TypicalCaseCommand => ({ type: 'MarkTypicalCase', data: { complaint, ...text, ...data }, metadata: { now: at, actor } });
const marked: TypicalCaseEvent = {
  type: 'TypicalCaseMarked',
  data: { complaintId: 'c-1', siteId: 'site-a', number: 'SITEA-251103-001', category: 'facilities', title: '电梯困人', closedAt: '2025-11-05T02:00:00.000Z', ...text, at, by: actors.csManager },
};

const given = deciderSpecification(typicalCaseDecider);

describe('Case library (案例库): a manager marks a closed complaint as a typical case', () => {
  it('Rule: a manager marks a closed complaint with its anonymised summary, cause and lessons', () => {
    given([]).when(mark()).then([marked]);
  });
  it("Rule: the entry's title is the complaint's, anonymised (a title naming the complainant loses the name)", () => {
    const named = { ...closed, title: '张女士反映电梯困人，电话13800138000' };
    expect(given([]).when(mark({}, named)).events()[0].data).toMatchObject({ title: '＊＊反映电梯困人，电话＊＊＊' });
  });
  it('Rule: only managers (CS centre manager, general manager, leadership) mark typical cases', () => {
    given([]).when(mark({}, closed, actors.supervisor)).thenThrows(ForbiddenError);
    given([]).when(mark({}, closed, actors.generalManager)).events();
  });
  it('Rule: only a closed complaint can be a typical case (409 naming its status)', () => {
    given([]).when(mark({}, { ...closed, status: 'resolved' })).thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.message).toContain("'resolved'"));
  });
  it("Rule: the entry holds no personal data — the complainant's name or phone is refused, naming the field", () => {
    given([]).when(mark({ summary: '张女士投诉电梯' })).thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'summary', problem: expect.stringContaining("complainant's name") }]));
    given([]).when(mark({ lessons: '回电 138 0013 8000 确认' })).thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual(['lessons']));
    given([]).when(mark({ cause: '' })).thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual(['cause']));
  });
  it('Rule: a case already in the library is edited, not marked again', () => {
    given([marked]).when(mark()).thenThrows(InvalidStateError);
  });
  it('Rule: a manager edits the text of a typical case; unchanged text changes nothing', () => {
    given([marked])
      .when({ type: 'EditTypicalCase', data: { complaint: closed, lessons: '关键部件到期前一个月更换' }, metadata: { now: at, actor: actors.leadership } })
      .then([{ type: 'TypicalCaseEdited', data: { complaintId: 'c-1', lessons: '关键部件到期前一个月更换', at, by: actors.leadership } }]);
    given([marked]).when({ type: 'EditTypicalCase', data: { complaint: closed, summary: text.summary }, metadata: { now: at, actor: actors.csManager } }).thenNothingHappens();
    given([marked]).when({ type: 'EditTypicalCase', data: { complaint: closed, cause: '13800138000 未接' }, metadata: { now: at, actor: actors.csManager } }).thenThrows(ValidationError);
  });
  it('Rule: a manager unmarks a typical case with a reason; it may be marked again later', () => {
    const unmarked: TypicalCaseEvent = { type: 'TypicalCaseUnmarked', data: { complaintId: 'c-1', reason: '不再典型', at, by: actors.csManager } };
    given([marked]).when({ type: 'UnmarkTypicalCase', data: { complaintId: 'c-1', reason: '不再典型' }, metadata: { now: at, actor: actors.csManager } }).then([unmarked]);
    given([marked]).when({ type: 'UnmarkTypicalCase', data: { complaintId: 'c-1', reason: ' ' }, metadata: { now: at, actor: actors.csManager } }).thenThrows(ValidationError);
    given([marked, unmarked]).when({ type: 'UnmarkTypicalCase', data: { complaintId: 'c-1', reason: 'again' }, metadata: { now: at, actor: actors.csManager } }).thenNothingHappens();
    given([marked, unmarked]).when(mark()).then([marked]);
  });
});
