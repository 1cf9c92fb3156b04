import { resolvePolicy } from '../policy/policy';
import { ValidationError } from '../common/domain-errors';
import { deciderSpecification } from '../testing/decider-spec';
import { T0, actors, command, history, plusHours, triageData } from '../testing/complaint.fixtures';
import type { TriageComplaint, TriageComplaintData } from '../complaint/complaint.commands';
import { decide } from '../complaint/complaint.decider';
import type { ComplaintTriaged } from '../complaint/complaint.events';
import { evolve, initialState } from '../complaint/complaint.state';
import { MAX_EXPLANATIONS } from './triage-explanations';
import type { TriageReason } from './triage-suggestion';

/**
 * Rule: an automatic triage keeps its reasons as codes with parameters (`explanations`), not
 * as English sentences, so every reader sees them in their own language; only the
 * suggestion's known reason codes with flat parameters are accepted.
 */
const autoRepairs = resolvePolicy([{ level: 'site', id: 'SH01', version: 'auto', override: { triage: { autoApplyCategories: ['repairs'] } } }]);
const given = deciderSpecification({ decide, evolve, initialState }, { policy: autoRepairs });
const registered = history().register().events;
const T1 = plusHours(T0, 1);
const autoTriage = (overrides: Partial<TriageComplaintData>): TriageComplaint => command<TriageComplaint>('TriageComplaint', triageData(overrides), actors.system, T1);

const REASONS: TriageReason[] = [
  { code: 'category_keyword', params: { words: ['漏水'], category: 'repairs' } },
  { code: 'urgency_default', params: {} },
  { code: 'severity', params: { basis: 'none', urgency: 'normal', severity: 'minor' } },
];

describe('Automatic triage keeps its reasons as codes (the reader’s language)', () => {
  it('given a registered complaint, when the system triages it with the suggestion’s explanations, then the event carries them as codes with parameters and no English note', () => {
    const events = given(registered).when(autoTriage({ explanations: REASONS })).events();
    const event = events.find((e) => e.type === 'ComplaintTriaged') as ComplaintTriaged;
    expect(event.data.explanations).toEqual(REASONS);
    expect(event.data.note).toBeUndefined();
    expect(event.data.automatic).toBe(true);
  });

  it('given explanations with a code the suggestion does not have, or nested parameters, or too many, then a validation error naming explanations', () => {
    const naming = (e: ValidationError) => expect(e.details.map((d) => d.field)).toContain('explanations');
    given(registered).when(autoTriage({ explanations: [{ code: 'made_up' as never, params: {} }] })).thenThrows(ValidationError, naming);
    given(registered).when(autoTriage({ explanations: [{ code: 'category_default', params: { category: { nested: true } as never } }] })).thenThrows(ValidationError, naming);
    const many = Array.from({ length: MAX_EXPLANATIONS + 1 }, () => REASONS[1]);
    given(registered).when(autoTriage({ explanations: many })).thenThrows(ValidationError, naming);
  });
});
