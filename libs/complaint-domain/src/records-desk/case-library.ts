/**
 * 案例库 — the typical-case library shared inside the group. A manager marks a closed
 * complaint as a typical case with an anonymised summary, its cause and the lessons drawn;
 * managers may edit or unmark it. Its own stream per complaint, `case-<complaintId>`, so a
 * complaint sealed at year end keeps its history untouched. The entry holds no personal data:
 * text naming the complainant or carrying a phone-like number is refused, naming the field.
 */
import type { Role } from '../common/actor';
import { InvalidStateError, ProblemList } from '../common/domain-errors';
import type { ComplaintStatus } from '../complaint/complaint.types';
import { anonymiseText, assertDeskRole, personalDataIn, type DeskMetadata } from './desk-common';

/** Managers (the CS centre manager, the general property manager, the company's leadership). */
export const TYPICAL_CASE_ROLES: readonly Role[] = ['cs_manager', 'general_manager', 'leadership'];

export const TYPICAL_CASE_TEXT_MAX = 4000;
export const TYPICAL_CASE_FIELDS = ['summary', 'cause', 'lessons'] as const;
export type TypicalCaseField = (typeof TYPICAL_CASE_FIELDS)[number];
export type TypicalCaseText = Record<TypicalCaseField, string>;

export const typicalCaseStreamName = (complaintId: string): string => `case-${complaintId}`;
export const CASE_STREAM_PREFIX = 'case-';

/** What the library needs of the complaint, read from its own stream by the service. */
export type CaseComplaintFacts = {
  id: string;
  siteId: string;
  number: string;
  status: ComplaintStatus | 'none';
  category?: string;
  title: string;
  closedAt?: string;
  /** The complainant's name and phone in plain text (opened only to check the text against them). */
  personal: { names: (string | undefined)[]; phones: (string | undefined)[] };
};

export type MarkTypicalCase = { type: 'MarkTypicalCase'; data: { complaint: CaseComplaintFacts } & TypicalCaseText; metadata: DeskMetadata };
export type EditTypicalCase = { type: 'EditTypicalCase'; data: { complaint: CaseComplaintFacts } & Partial<TypicalCaseText>; metadata: DeskMetadata };
export type UnmarkTypicalCase = { type: 'UnmarkTypicalCase'; data: { complaintId: string; reason: string }; metadata: DeskMetadata };
export type TypicalCaseCommand = MarkTypicalCase | EditTypicalCase | UnmarkTypicalCase;

export type TypicalCaseMarked = {
  type: 'TypicalCaseMarked';
  data: { complaintId: string; siteId: string; number: string; category: string | null; title: string; closedAt: string | null; at: string; by: DeskMetadata['actor'] } & TypicalCaseText;
};
export type TypicalCaseEdited = { type: 'TypicalCaseEdited'; data: { complaintId: string; at: string; by: DeskMetadata['actor'] } & Partial<TypicalCaseText> };
export type TypicalCaseUnmarked = { type: 'TypicalCaseUnmarked'; data: { complaintId: string; reason: string; at: string; by: DeskMetadata['actor'] } };
export type TypicalCaseEvent = TypicalCaseMarked | TypicalCaseEdited | TypicalCaseUnmarked;
export const TYPICAL_CASE_EVENT_TYPES: readonly TypicalCaseEvent['type'][] = ['TypicalCaseMarked', 'TypicalCaseEdited', 'TypicalCaseUnmarked'];

export type TypicalCaseState = {
  marked: boolean;
  complaintId?: string;
  siteId?: string;
  number?: string;
  category?: string | null;
  title?: string;
  closedAt?: string | null;
  text?: TypicalCaseText;
  markedAt?: string;
  markedBy?: DeskMetadata['actor'];
  updatedAt?: string;
};

export const initialTypicalCaseState = (): TypicalCaseState => ({ marked: false });

export const evolveTypicalCase = (state: TypicalCaseState, event: TypicalCaseEvent): TypicalCaseState => {
  switch (event.type) {
    case 'TypicalCaseMarked': {
      const d = event.data;
      return {
        marked: true,
        complaintId: d.complaintId,
        siteId: d.siteId,
        number: d.number,
        category: d.category,
        title: d.title,
        closedAt: d.closedAt,
        text: { summary: d.summary, cause: d.cause, lessons: d.lessons },
        markedAt: d.at,
        markedBy: d.by,
        updatedAt: d.at,
      };
    }
    case 'TypicalCaseEdited': {
      const { complaintId: _id, at, by: _by, ...text } = event.data;
      return state.text ? { ...state, text: { ...state.text, ...text }, updatedAt: at } : state;
    }
    case 'TypicalCaseUnmarked':
      return { ...state, marked: false, updatedAt: event.data.at };
    default:
      return state;
  }
};

/** Each given text field: present, at most TYPICAL_CASE_TEXT_MAX long, free of the complainant's name and of phone numbers. */
const checkText = (problems: ProblemList, text: Partial<TypicalCaseText>, personal: CaseComplaintFacts['personal'], required: boolean): void => {
  for (const field of TYPICAL_CASE_FIELDS) {
    const value = text[field];
    if (value === undefined && !required) continue;
    if (typeof value !== 'string' || value.trim() === '') {
      problems.add(field, 'required: a non-empty anonymised text');
      continue;
    }
    if (value.length > TYPICAL_CASE_TEXT_MAX) problems.add(field, `at most ${TYPICAL_CASE_TEXT_MAX} characters`);
    const found = personalDataIn(value, personal);
    if (found === 'name') problems.add(field, "contains the complainant's name: the library holds no personal data");
    if (found === 'phone') problems.add(field, 'contains a phone number: the library holds no personal data');
  }
};

/** Only a closed complaint is a finished case to learn from. */
const assertClosed = (complaint: CaseComplaintFacts, action: string): void => {
  if (complaint.status !== 'closed') throw new InvalidStateError(action, complaint.status, 'only a closed complaint can be a typical case');
};

export const decideTypicalCase = (command: TypicalCaseCommand, state: TypicalCaseState): TypicalCaseEvent[] => {
  const { now, actor } = command.metadata;
  switch (command.type) {
    case 'MarkTypicalCase': {
      assertDeskRole(actor, TYPICAL_CASE_ROLES, 'mark a typical case');
      const { complaint } = command.data;
      assertClosed(complaint, 'mark as a typical case');
      if (state.marked) throw new InvalidStateError('mark as a typical case', 'closed', 'it is already in the library: edit it instead');
      const problems = new ProblemList();
      checkText(problems, command.data, complaint.personal, true);
      problems.throwIfAny();
      return [
        {
          type: 'TypicalCaseMarked',
          data: {
            complaintId: complaint.id,
            siteId: complaint.siteId,
            number: complaint.number,
            category: complaint.category ?? null,
            // The complaint's own title may name the complainant ("张女士反映…"): the entry keeps it anonymised.
            title: anonymiseText(complaint.title, complaint.personal),
            closedAt: complaint.closedAt ?? null,
            summary: command.data.summary.trim(),
            cause: command.data.cause.trim(),
            lessons: command.data.lessons.trim(),
            at: now,
            by: actor,
          },
        },
      ];
    }
    case 'EditTypicalCase': {
      assertDeskRole(actor, TYPICAL_CASE_ROLES, 'edit a typical case');
      const { complaint } = command.data;
      if (!state.marked) throw new InvalidStateError('edit the typical case', complaint.status, 'it is not in the library');
      const problems = new ProblemList();
      const text: Partial<TypicalCaseText> = {};
      for (const field of TYPICAL_CASE_FIELDS) if (command.data[field] !== undefined) text[field] = command.data[field];
      problems.check(Object.keys(text).length > 0, 'summary', 'give at least one of summary, cause, lessons');
      checkText(problems, text, complaint.personal, false);
      problems.throwIfAny();
      const changed: Partial<TypicalCaseText> = {};
      for (const field of TYPICAL_CASE_FIELDS) if (text[field] !== undefined && text[field]?.trim() !== state.text?.[field]) changed[field] = text[field]?.trim();
      if (Object.keys(changed).length === 0) return [];
      return [{ type: 'TypicalCaseEdited', data: { complaintId: complaint.id, ...changed, at: now, by: actor } }];
    }
    case 'UnmarkTypicalCase': {
      assertDeskRole(actor, TYPICAL_CASE_ROLES, 'unmark a typical case');
      const problems = new ProblemList();
      problems.check(typeof command.data.reason === 'string' && command.data.reason.trim() !== '', 'reason', 'required');
      problems.throwIfAny();
      if (!state.marked) return [];
      return [{ type: 'TypicalCaseUnmarked', data: { complaintId: command.data.complaintId, reason: command.data.reason.trim(), at: now, by: actor } }];
    }
    default:
      return [];
  }
};

export const typicalCaseDecider = { initialState: initialTypicalCaseState, evolve: evolveTypicalCase, decide: decideTypicalCase };
