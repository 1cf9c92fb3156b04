import { SYSTEM_ACTOR, type Actor } from '../common/actor';
import { ForbiddenError, ValidationError } from '../common/domain-errors';
import { DEFAULT_POLICY } from '../policy/policy';
import { deciderSpecification } from '../testing/decider-spec';
import { earliestPurgeDate, yearSealDecider, type PurgeSealedRecords, type SealYear, type YearSealEvent } from './year-seal.decider';

const policy = DEFAULT_POLICY; // retentionYears 1, importantRetentionYears 3
const given = deciderSpecification(yearSealDecider, { policy });
const admin: Actor = { id: 'u-admin', role: 'admin' };
const csManager: Actor = { id: 'u-csm', role: 'cs_manager' };
const auditor: Actor = { id: 'u-aud', role: 'auditor' };
const JAN_2 = '2026-01-02T02:00:00.000Z';
const ROOT = '1'.repeat(64);
const TAR = '2'.repeat(64);
const ORDINARY = { complaintId: 'c-1', number: 'SITEA-250301-001', major: false };
const MAJOR = { complaintId: 'c-2', number: 'SITEA-250302-001', major: true };

const seal = (now = JAN_2, records = [ORDINARY, MAJOR], actor: Actor = SYSTEM_ACTOR): SealYear => ({
  type: 'SealYear',
  data: { siteId: 'site-a', year: 2025, rootHash: ROOT, rootMac: null, archiveSha256: TAR, bytes: 10_240, records },
  metadata: { now, actor },
});
const purge = (now: string, complaintIds: string[], actor: Actor = admin): PurgeSealedRecords => ({
  type: 'PurgeSealedRecords',
  data: { siteId: 'site-a', year: 2025, complaintIds, reason: 'retention elapsed' },
  metadata: { now, actor },
});
const sealed: YearSealEvent = {
  type: 'YearSealed',
  data: {
    siteId: 'site-a',
    year: 2025,
    edition: 1,
    rootHash: ROOT,
    rootMac: null,
    archiveSha256: TAR,
    bytes: 10_240,
    records: [
      { ...ORDINARY, retainUntil: '2026-12-31', earliestPurgeDate: '2027-01-01' },
      { ...MAJOR, retainUntil: '2028-12-31', earliestPurgeDate: '2029-01-01' },
    ],
    at: JAN_2,
    by: SYSTEM_ACTOR,
  },
};

describe('Year-end sealing (装订封存) and retention (保存期限)', () => {
  describe('Rule: a year is sealed from its last day on, each record with its earliest purge date', () => {
    it('should seal the year’s closed records, the ordinary kept one year and the major (important) three', () => {
      given([]).when(seal()).then([sealed]);
    });

    it('should let the CS centre manager seal it on demand on 31 December (site-local)', () => {
      expect(given([]).when(seal('2025-12-31T01:00:00.000Z', [ORDINARY], csManager)).events()).toHaveLength(1);
    });

    it('should refuse before the year’s last day, naming the year', () => {
      given([])
        .when(seal('2025-12-30T02:00:00.000Z'))
        .thenThrows(ValidationError, (e: ValidationError) => expect(e.details).toEqual([{ field: 'year', problem: 'year-end sealing of 2025 starts on 2025-12-31' }]));
    });

    it('should refuse a role the policy does not let seal (permissions.ArchiveComplaint)', () => {
      given([]).when(seal(JAN_2, [ORDINARY], auditor)).thenThrows(ForbiddenError);
    });

    it('earliestPurgeDate is the day after retainUntil', () => {
      expect(earliestPurgeDate(policy, { year: 2025, important: false })).toBe('2027-01-01');
      expect(earliestPurgeDate(policy, { year: 2025, important: true })).toBe('2029-01-01');
    });
  });

  describe('Rule: a seal is never replaced — sealing again adds an edition only for newly closed records', () => {
    it('should do nothing when no record was added', () => {
      given([sealed]).when(seal('2026-01-20T02:00:00.000Z')).thenNothingHappens();
    });

    it('should add edition 2 when a record was closed into the year since', () => {
      const late = { complaintId: 'c-3', number: 'SITEA-251231-001', major: false };
      const events = given([sealed]).when(seal('2026-01-20T02:00:00.000Z', [ORDINARY, MAJOR, late])).events();
      expect(events[0].data).toMatchObject({ edition: 2 });
    });
  });

  describe('Rule: nothing is purged before its earliest purge date', () => {
    it('should refuse to purge a record still within its retention, naming it and the date', () => {
      given([sealed])
        .when(purge('2026-12-31T02:00:00.000Z', ['c-1']))
        .thenThrows(ValidationError, (e: ValidationError) =>
          expect(e.details).toEqual([{ field: 'complaintIds[0]', problem: 'SITEA-250301-001 is kept until 2026-12-31; it may be purged from 2027-01-01' }]),
        );
    });

    it('should purge it from its earliest purge date (site-local: 1 January 00:30 in Shanghai)', () => {
      given([sealed])
        .when(purge('2026-12-31T16:30:00.000Z', ['c-1']))
        .then([{ type: 'SealedRecordsPurged', data: { siteId: 'site-a', year: 2025, complaintIds: ['c-1'], reason: 'retention elapsed', at: '2026-12-31T16:30:00.000Z', by: admin } }]);
    });

    it('should keep a major record two years longer: refused with the ordinary one together, nothing purged', () => {
      given([sealed]).when(purge('2027-06-01T02:00:00.000Z', ['c-1', 'c-2'])).thenThrows(ValidationError, (e: ValidationError) => expect(e.details.map((d) => d.field)).toEqual(['complaintIds[1]']));
    });

    it('should refuse a record not sealed into the year, and anyone but an administrator', () => {
      given([sealed]).when(purge('2030-01-01T02:00:00.000Z', ['c-9'])).thenThrows(ValidationError);
      given([sealed]).when(purge('2030-01-01T02:00:00.000Z', ['c-1'], csManager)).thenThrows(ForbiddenError);
    });

    it('should purge nothing twice', () => {
      const purged = given([sealed]).when(purge('2030-01-01T02:00:00.000Z', ['c-1'])).events();
      given([sealed, ...purged]).when(purge('2030-01-02T02:00:00.000Z', ['c-1'])).thenNothingHappens();
    });
  });
});
