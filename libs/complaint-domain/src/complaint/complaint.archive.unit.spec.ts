import { SYSTEM_ACTOR, type Actor } from '../common/actor';
import { ForbiddenError, InvalidStateError, ValidationError } from '../common/domain-errors';
import { deciderSpecification } from '../testing/decider-spec';
import { COMPLAINT_ID, actors, command, history } from '../testing/complaint.fixtures';
import type { ArchiveComplaint, CorrectComplaint, RecordOutreach } from './complaint.commands';
import { decide } from './complaint.decider';
import { evolve, foldComplaint, initialState } from './complaint.state';

const given = deciderSpecification({ decide, evolve, initialState });
const YEAR_END = '2025-12-31T02:00:00.000Z'; // 10:00 on 31 December in Shanghai
const archive = (now = YEAR_END, year?: number, actor: Actor = SYSTEM_ACTOR) => command<ArchiveComplaint>('ArchiveComplaint', { year }, actor, now);
const closed = history().register().triage().close().events; // closed on 2025-03-03
const archived = [...closed, ...decide(archive(), foldComplaint(closed))];

describe('Year-end archive (装订封存)', () => {
  describe('When a complaint closed during the year reaches the year end', () => {
    it('should seal it for that year, naming who sealed it', () => {
      given(closed)
        .when(archive())
        .then([{ type: 'ComplaintArchived', data: { complaintId: COMPLAINT_ID, at: YEAR_END, actor: SYSTEM_ACTOR, year: 2025 } }]);
    });

    it('should also let the CS centre manager seal it in the new year', () => {
      const events = given(closed).when(archive('2026-01-05T02:00:00.000Z', 2025, actors.csManager)).events();
      expect(events).toEqual([{ type: 'ComplaintArchived', data: { complaintId: COMPLAINT_ID, at: '2026-01-05T02:00:00.000Z', actor: actors.csManager, year: 2025 } }]);
    });
  });

  describe('When it is not yet the year end', () => {
    it('should refuse to seal', () => {
      given(closed)
        .when(archive('2025-12-30T02:00:00.000Z'))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'year', problem: 'year-end sealing of 2025 starts on 2025-12-31' }]));
    });

    it('should refuse a year before the complaint closed', () => {
      given(closed).when(archive('2026-01-05T02:00:00.000Z', 2024)).thenThrows(ValidationError);
    });
  });

  describe('When the complaint is still open', () => {
    it('should refuse to seal it, naming its status', () => {
      given(history().register().triage().events)
        .when(archive())
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.currentStatus).toBe('triaged'));
    });
  });

  describe('When the complaint is already sealed', () => {
    it('should refuse to seal it again', () => {
      given(archived).when(archive('2026-01-02T00:00:00.000Z')).thenThrows(InvalidStateError);
    });

    it('should refuse any correction or further entry', () => {
      given(archived)
        .when(command<CorrectComplaint>('CorrectComplaint', { field: 'title', value: '改', reason: '补录' }, actors.assistant, '2026-01-02T00:00:00.000Z'))
        .thenThrows(InvalidStateError, (e: InvalidStateError) => expect(e.message).toContain('sealed'));
      given(archived)
        .when(command<RecordOutreach>('RecordOutreach', { kind: 'public_notice', note: 'x' }, actors.supervisor, '2026-01-02T00:00:00.000Z'))
        .thenThrows(InvalidStateError);
    });
  });

  describe('When someone without the right tries', () => {
    it('should refuse a customer assistant', () => {
      given(closed).when(archive(YEAR_END, undefined, actors.assistant)).thenThrows(ForbiddenError);
    });
  });
});
