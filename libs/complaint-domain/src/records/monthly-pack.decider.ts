/**
 * The monthly pack of one site (月度统计报告, docs/process.md §6 "Reports") as a record of its own —
 * a small decider beside the complaint's, on the stream `monthly-pack-<siteId>-<yyyy-mm>`.
 *
 *   1. On the 1st (site-local) the scheduler generates the previous month's pack and stores
 *      its bytes as an immutable snapshot; `MonthlyPackGenerated` records each file's SHA-256,
 *      so the hash chain covers what was generated. A pack is generated once: later
 *      corrections of complaints never change a snapshot.
 *   2. A manager signs it off (签字) by naming the SHA-256 of the file they read: the signature
 *      covers exactly those bytes. It is due by the policy's `reporting.monthlyReportDueDay`
 *      of the next month; a later sign-off is recorded as late.
 *   3. While unsigned after the due day, the scheduler chases the managers once per site-local
 *      day (催办), like a complaint's overdue step.
 */
import { ForbiddenError, InvalidStateError, ProblemList } from '../common/domain-errors';
import type { Actor, Role } from '../common/actor';
import { localDateOf, addDaysToLocalDate } from '../calendar/time-zone';
import { DEFAULT_POLICY, monthlyReportDueDate, type ComplaintPolicy } from '../policy/policy';

/** Who may generate a pack on demand (the scheduler signs as `system`). */
export const MONTHLY_PACK_GENERATORS: readonly Role[] = ['system', 'cs_manager', 'general_manager', 'admin'];
/** Who signs a site's monthly pack off: its managers (客服中心经理, 总物业经理). */
export const MONTHLY_PACK_SIGNERS: readonly Role[] = ['cs_manager', 'general_manager'];

export type SnapshotFile = { format: string; sha256: string; bytes: number };

export type MonthlyPackStatus = 'none' | 'awaiting_sign_off' | 'signed_off';

export type MonthlyPackState = {
  status: MonthlyPackStatus;
  siteId?: string;
  month?: string;
  dueBy?: string;
  files: SnapshotFile[];
  generatedAt?: string;
  generatedBy?: Actor;
  signedOff?: { at: string; by: Actor; sha256: string; late: boolean; note?: string };
  /** Site-local dates on which the sign-off was chased. */
  chasedOn: string[];
};

type Meta = { now: string; actor: Actor };
export type GenerateMonthlyPack = { type: 'GenerateMonthlyPack'; data: { siteId: string; month: string; files: SnapshotFile[] }; metadata: Meta };
export type SignOffMonthlyPack = { type: 'SignOffMonthlyPack'; data: { siteId: string; month: string; sha256: string; note?: string | null }; metadata: Meta };
export type ChaseMonthlyPackSignOff = { type: 'ChaseMonthlyPackSignOff'; data: { siteId: string; month: string }; metadata: Meta };
export type MonthlyPackCommand = GenerateMonthlyPack | SignOffMonthlyPack | ChaseMonthlyPackSignOff;

export type MonthlyPackGenerated = { type: 'MonthlyPackGenerated'; data: { siteId: string; month: string; files: SnapshotFile[]; dueBy: string; at: string; by: Actor } };
export type MonthlyPackSignedOff = { type: 'MonthlyPackSignedOff'; data: { siteId: string; month: string; sha256: string; dueBy: string; late: boolean; note?: string; at: string; by: Actor } };
export type MonthlyPackSignOffChased = {
  type: 'MonthlyPackSignOffChased';
  data: { siteId: string; month: string; dueBy: string; date: string; notifyRoles: Role[]; at: string; by: Actor };
};
export type MonthlyPackEvent = MonthlyPackGenerated | MonthlyPackSignedOff | MonthlyPackSignOffChased;

export const MONTHLY_PACK_EVENT_TYPES: readonly MonthlyPackEvent['type'][] = ['MonthlyPackGenerated', 'MonthlyPackSignedOff', 'MonthlyPackSignOffChased'];

export const MONTHLY_PACK_STREAM_PREFIX = 'monthly-pack-';
export const monthlyPackStreamName = (siteId: string, month: string): string => `${MONTHLY_PACK_STREAM_PREFIX}${siteId}-${month}`;

export type MonthlyPackContext = { policy: Pick<ComplaintPolicy, 'reporting' | 'timeZone'> };

export const initialMonthlyPackState = (): MonthlyPackState => ({ status: 'none', files: [], chasedOn: [] });

export const evolveMonthlyPack = (state: MonthlyPackState, event: MonthlyPackEvent): MonthlyPackState => {
  switch (event.type) {
    case 'MonthlyPackGenerated':
      return { ...state, status: 'awaiting_sign_off', siteId: event.data.siteId, month: event.data.month, dueBy: event.data.dueBy, files: event.data.files, generatedAt: event.data.at, generatedBy: event.data.by };
    case 'MonthlyPackSignedOff':
      return {
        ...state,
        status: 'signed_off',
        signedOff: { at: event.data.at, by: event.data.by, sha256: event.data.sha256, late: event.data.late, ...(event.data.note ? { note: event.data.note } : {}) },
      };
    case 'MonthlyPackSignOffChased':
      return { ...state, chasedOn: [...state.chasedOn, event.data.date] };
    default:
      return state;
  }
};

const MONTH = /^(19|2\d)\d\d-(0[1-9]|1[0-2])$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** The first site-local day after `month` (YYYY-MM): when its pack can be generated. */
export const firstDayAfterMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
};

/** The month before the site-local date's month (YYYY-MM): the pack generated on the 1st. */
export const previousMonthOf = (localDate: string): string => {
  const [y, m] = localDate.split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

const checkTarget = (problems: ProblemList, data: { siteId: string; month: string }, state: MonthlyPackState): void => {
  problems.check(typeof data.siteId === 'string' && data.siteId !== '', 'siteId', 'required');
  problems.check(typeof data.month === 'string' && MONTH.test(data.month), 'month', 'must be YYYY-MM');
  if (state.siteId !== undefined) problems.check(state.siteId === data.siteId && state.month === data.month, 'month', `this pack is ${state.siteId} ${state.month}`);
};

export const decideMonthlyPack = (command: MonthlyPackCommand, state: MonthlyPackState, { policy }: MonthlyPackContext = { policy: DEFAULT_POLICY }): MonthlyPackEvent[] => {
  const { now, actor } = command.metadata;
  const today = localDateOf(Date.parse(now), policy.timeZone);
  const problems = new ProblemList();
  checkTarget(problems, command.data, state);
  switch (command.type) {
    case 'GenerateMonthlyPack': {
      if (!MONTHLY_PACK_GENERATORS.includes(actor.role)) throw new ForbiddenError('role', `A monthly pack is generated by the scheduler or management, not '${actor.role}'`);
      problems.throwIfAny();
      // Rule: a month's pack is generated once its month is over in the site's time zone.
      problems.check(today >= firstDayAfterMonth(command.data.month), 'month', `the pack of ${command.data.month} can be generated from ${firstDayAfterMonth(command.data.month)} on`);
      problems.check(Array.isArray(command.data.files) && command.data.files.length > 0, 'files', 'at least one file');
      (command.data.files ?? []).forEach((f, i) => problems.check(SHA256.test(f.sha256) && Number.isInteger(f.bytes) && f.bytes > 0, `files[${i}]`, 'needs a SHA-256 (hex) and a size'));
      problems.throwIfAny();
      // Rule: the snapshot is immutable — generating again changes nothing.
      if (state.status !== 'none') return [];
      return [{ type: 'MonthlyPackGenerated', data: { siteId: command.data.siteId, month: command.data.month, files: command.data.files, dueBy: monthlyReportDueDate(policy, command.data.month), at: now, by: actor } }];
    }
    case 'SignOffMonthlyPack': {
      if (!MONTHLY_PACK_SIGNERS.includes(actor.role)) throw new ForbiddenError('role', `A monthly pack is signed off by a site manager (${MONTHLY_PACK_SIGNERS.join(', ')}), not '${actor.role}'`);
      problems.throwIfAny();
      if (state.status === 'none') throw new InvalidStateError('sign off the monthly pack', 'none', 'it has not been generated yet');
      if (state.status === 'signed_off') throw new InvalidStateError('sign off the monthly pack', 'signed_off', `already signed off by ${state.signedOff?.by.id} at ${state.signedOff?.at}`);
      // Rule: the signature names the bytes signed — the SHA-256 of one of the snapshot's files.
      problems.check(state.files.some((f) => f.sha256 === command.data.sha256), 'sha256', `must be the SHA-256 of the generated snapshot (${state.files.map((f) => `${f.format} ${f.sha256}`).join(', ')})`);
      problems.check(command.data.note === undefined || command.data.note === null || (typeof command.data.note === 'string' && command.data.note.length <= 500), 'note', 'at most 500 characters');
      problems.throwIfAny();
      const dueBy = state.dueBy as string;
      return [
        {
          type: 'MonthlyPackSignedOff',
          data: { siteId: command.data.siteId, month: command.data.month, sha256: command.data.sha256, dueBy, late: today > dueBy, ...(command.data.note ? { note: command.data.note } : {}), at: now, by: actor },
        },
      ];
    }
    case 'ChaseMonthlyPackSignOff': {
      if (actor.role !== 'system') throw new ForbiddenError('role', 'Chasing is the scheduler’s');
      problems.throwIfAny();
      // Rule: a sign-off still missing after the due day is chased, once per site-local day.
      if (state.status !== 'awaiting_sign_off' || !state.dueBy || today <= state.dueBy || state.chasedOn.includes(today)) return [];
      return [{ type: 'MonthlyPackSignOffChased', data: { siteId: command.data.siteId, month: command.data.month, dueBy: state.dueBy, date: today, notifyRoles: [...MONTHLY_PACK_SIGNERS], at: now, by: actor } }];
    }
    default:
      return [];
  }
};

/** The site-local date the next chase of an unsigned pack falls on (for the scheduler's view). */
export const nextChaseDate = (state: MonthlyPackState): string | undefined => {
  if (state.status !== 'awaiting_sign_off' || !state.dueBy) return undefined;
  const last = state.chasedOn[state.chasedOn.length - 1];
  return last ? addDaysToLocalDate(last, 1) : addDaysToLocalDate(state.dueBy, 1);
};

export const monthlyPackDecider = { decide: decideMonthlyPack, evolve: evolveMonthlyPack, initialState: initialMonthlyPackState };
