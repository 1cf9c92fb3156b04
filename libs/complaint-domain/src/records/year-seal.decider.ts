/**
 * Year-end sealing (装订封存) of a site's closed complaints and their retention (保存期限) — a small
 * decider on the stream `year-seal-<siteId>-<yyyy>`, beside each complaint's own
 * `ComplaintArchived`.
 *
 *   1. From the year's last day (site-local) a seal is made of every closed complaint of the
 *      year: the archive (each stream's events) and its manifest, signed. `YearSealed` records
 *      the manifest's root hash, its signature, the archive file's SHA-256, and each record
 *      with how long it is kept (`retainUntil`: 31 December of the year plus
 *      `archive.retentionYears`, or `archive.importantRetentionYears` for a major one) and so
 *      its earliest purge date, the day after.
 *   2. Sealing again adds an edition only when records were closed into the year since
 *      (otherwise nothing happens): a seal is never replaced.
 *   3. Nothing is purged before its earliest purge date: `PurgeSealedRecords` is refused, naming
 *      each record still within its retention.
 */
import { ForbiddenError, ProblemList } from '../common/domain-errors';
import type { Actor } from '../common/actor';
import { addDaysToLocalDate, localDateOf } from '../calendar/time-zone';
import { DEFAULT_POLICY, retainUntil, type ComplaintPolicy } from '../policy/policy';

export type SealedRecord = { complaintId: string; number: string; major: boolean; retainUntil: string; earliestPurgeDate: string };

export type SealEdition = { edition: number; rootHash: string; rootMac: string | null; archiveSha256: string; bytes: number; complaints: number; at: string; by: Actor };

export type YearSealState = {
  siteId?: string;
  year?: number;
  editions: SealEdition[];
  /** Every record sealed into the year, by complaint id (the latest edition's entry). */
  records: Record<string, SealedRecord>;
  /** Purged records: complaint id → when. */
  purged: Record<string, string>;
};

type Meta = { now: string; actor: Actor };
export type SealYear = {
  type: 'SealYear';
  data: { siteId: string; year: number; rootHash: string; rootMac?: string | null; archiveSha256: string; bytes: number; records: { complaintId: string; number: string; major: boolean }[] };
  metadata: Meta;
};
export type PurgeSealedRecords = { type: 'PurgeSealedRecords'; data: { siteId: string; year: number; complaintIds: string[]; reason: string }; metadata: Meta };
export type YearSealCommand = SealYear | PurgeSealedRecords;

export type YearSealed = {
  type: 'YearSealed';
  data: { siteId: string; year: number; edition: number; rootHash: string; rootMac: string | null; archiveSha256: string; bytes: number; records: SealedRecord[]; at: string; by: Actor };
};
export type SealedRecordsPurged = { type: 'SealedRecordsPurged'; data: { siteId: string; year: number; complaintIds: string[]; reason: string; at: string; by: Actor } };
export type YearSealEvent = YearSealed | SealedRecordsPurged;

export const YEAR_SEAL_EVENT_TYPES: readonly YearSealEvent['type'][] = ['YearSealed', 'SealedRecordsPurged'];

export const YEAR_SEAL_STREAM_PREFIX = 'year-seal-';
export const yearSealStreamName = (siteId: string, year: number): string => `${YEAR_SEAL_STREAM_PREFIX}${siteId}-${year}`;

export type YearSealContext = { policy: Pick<ComplaintPolicy, 'archive' | 'timeZone' | 'permissions'> };

/** The first day a sealed record may be purged: the day after it is kept until. */
export const earliestPurgeDate = (policy: Pick<ComplaintPolicy, 'archive'>, record: { year: number; important: boolean }): string =>
  addDaysToLocalDate(retainUntil(policy, record), 1);

/** Year-end sealing of `year` starts on its last day, site-local (as for ComplaintArchived). */
export const sealingStartsOn = (year: number): string => `${year}-12-31`;

export const initialYearSealState = (): YearSealState => ({ editions: [], records: {}, purged: {} });

export const evolveYearSeal = (state: YearSealState, event: YearSealEvent): YearSealState => {
  switch (event.type) {
    case 'YearSealed': {
      const { records, edition, rootHash, rootMac, archiveSha256, bytes, at, by } = event.data;
      return {
        ...state,
        siteId: event.data.siteId,
        year: event.data.year,
        editions: [...state.editions, { edition, rootHash, rootMac, archiveSha256, bytes, complaints: records.length, at, by }],
        records: { ...state.records, ...Object.fromEntries(records.map((r) => [r.complaintId, r])) },
      };
    }
    case 'SealedRecordsPurged':
      return { ...state, purged: { ...state.purged, ...Object.fromEntries(event.data.complaintIds.map((id) => [id, event.data.at])) } };
    default:
      return state;
  }
};

const SHA256 = /^[0-9a-f]{64}$/;

const checkTarget = (problems: ProblemList, data: { siteId: string; year: number }, state: YearSealState): void => {
  problems.check(typeof data.siteId === 'string' && data.siteId !== '', 'siteId', 'required');
  problems.check(Number.isInteger(data.year) && data.year >= 2000 && data.year <= 2999, 'year', 'must be a four-digit year (2000–2999)');
  if (state.siteId !== undefined) problems.check(state.siteId === data.siteId && state.year === data.year, 'year', `this seal is ${state.siteId} ${state.year}`);
};

export const decideYearSeal = (command: YearSealCommand, state: YearSealState, { policy }: YearSealContext = { policy: DEFAULT_POLICY }): YearSealEvent[] => {
  const { now, actor } = command.metadata;
  const today = localDateOf(Date.parse(now), policy.timeZone);
  const problems = new ProblemList();
  checkTarget(problems, command.data, state);
  switch (command.type) {
    case 'SealYear': {
      // Whoever may seal a complaint (policy permissions.ArchiveComplaint) may seal its year.
      if (!policy.permissions.ArchiveComplaint.includes(actor.role)) throw new ForbiddenError('role', `Year-end sealing is for ${policy.permissions.ArchiveComplaint.join(', ')}, not '${actor.role}'`);
      problems.throwIfAny();
      const { year, records } = command.data;
      // Rule: a year is sealed from its last day on, site-local.
      problems.check(today >= sealingStartsOn(year), 'year', `year-end sealing of ${year} starts on ${sealingStartsOn(year)}`);
      problems.check(SHA256.test(command.data.rootHash), 'rootHash', 'must be a SHA-256 (hex)');
      problems.check(SHA256.test(command.data.archiveSha256), 'archiveSha256', 'must be a SHA-256 (hex)');
      problems.check(Number.isInteger(command.data.bytes) && command.data.bytes > 0, 'bytes', 'must be the archive’s size');
      problems.check(Array.isArray(records), 'records', 'required');
      problems.throwIfAny();
      // Rule: a seal is never replaced; sealing again adds an edition only for records closed into the year since.
      const fresh = records.filter((r) => state.records[r.complaintId] === undefined);
      if (state.editions.length > 0 && fresh.length === 0) return [];
      const sealed: SealedRecord[] = records.map((r) => ({
        complaintId: r.complaintId,
        number: r.number,
        major: r.major === true,
        retainUntil: retainUntil(policy, { year, important: r.major === true }),
        earliestPurgeDate: earliestPurgeDate(policy, { year, important: r.major === true }),
      }));
      return [
        {
          type: 'YearSealed',
          data: {
            siteId: command.data.siteId,
            year,
            edition: state.editions.length + 1,
            rootHash: command.data.rootHash,
            rootMac: command.data.rootMac ?? null,
            archiveSha256: command.data.archiveSha256,
            bytes: command.data.bytes,
            records: sealed,
            at: now,
            by: actor,
          },
        },
      ];
    }
    case 'PurgeSealedRecords': {
      if (actor.role !== 'admin' && actor.role !== 'system') throw new ForbiddenError('role', `Purging sealed records is for administrators, not '${actor.role}'`);
      const { complaintIds, reason } = command.data;
      problems.check(Array.isArray(complaintIds) && complaintIds.length > 0, 'complaintIds', 'at least one complaint id');
      problems.check(typeof reason === 'string' && reason.trim() !== '' && reason.length <= 500, 'reason', 'required, at most 500 characters');
      problems.throwIfAny();
      // Rule: nothing is purged before its earliest purge date (retainUntil + 1 day, site-local).
      complaintIds.forEach((id, i) => {
        const record = state.records[id];
        if (!record) problems.add(`complaintIds[${i}]`, `${id} is not sealed into ${command.data.year}`);
        else if (today < record.earliestPurgeDate) problems.add(`complaintIds[${i}]`, `${record.number} is kept until ${record.retainUntil}; it may be purged from ${record.earliestPurgeDate}`);
      });
      problems.throwIfAny();
      const toPurge = [...new Set(complaintIds)].filter((id) => state.purged[id] === undefined);
      if (toPurge.length === 0) return [];
      return [{ type: 'SealedRecordsPurged', data: { siteId: command.data.siteId, year: command.data.year, complaintIds: toPurge, reason: reason.trim(), at: now, by: actor } }];
    }
    default:
      return [];
  }
};

export const yearSealDecider = { decide: decideYearSeal, evolve: evolveYearSeal, initialState: initialYearSealState };
