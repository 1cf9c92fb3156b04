import { ValidationError } from '../common/domain-errors';
import { deepMerge } from '../common/object.util';
import { DEFAULT_POLICY, assertValidPolicy, escalationLevelOf, monthlyReportDueDate, resolvePolicy, retainUntil, topEscalationLevel } from './policy';

describe('Policy as data', () => {
  describe('When no override is given', () => {
    it('should carry the property procedures’ numbers', () => {
      const p = DEFAULT_POLICY;
      expect({
        collective: p.collective.minHouseholds,
        secondReply: p.deadlines.secondReply,
        plan: p.deadlines.plan,
        urgentResolve: p.deadlines.resolve.urgent,
        followUp: p.deadlines.followUp,
        progressContact: p.deadlines.progressContact,
        firstReply: p.deadlines.firstReply.normal,
        callbackAttempts: p.callback.maxAttempts,
        monthlyMinimum: p.callback.monthlyMinimum,
        chain: p.escalation.chain,
        majorTo: p.major.escalateTo,
        majorNotify: p.major.notify,
        emergency: p.escalation.emergency,
        normalResolve: p.deadlines.resolve.normal,
        urgentPlan: p.deadlines.planByUrgency?.urgent,
        specialCaseLimit: p.deadlines.resolveSpecialCaseLimit,
        repeatMajorFrom: p.major.repeatCountAtLeast,
        capaFor: p.handling.requireRootCauseFor,
        capaFields: p.handling.requiredCapaFields,
        closeUnreachedFor: p.callback.closeUnreachedFor,
        unresolved: p.deadlines.unresolvedMajorAfter,
        lateAttitude: p.invalid.staffAttitudeLateAfterDays,
        reportDay: p.reporting.monthlyReportDueDay,
        retention: p.archive.retentionYears,
        callbackTarget: p.callback.targetRate,
        timeZone: p.timeZone,
      }).toEqual({
        collective: 10,
        secondReply: { amount: 3, unit: 'days' },
        plan: { amount: 3, unit: 'working_days' },
        urgentResolve: { amount: 0, unit: 'same_day' },
        followUp: { amount: 3, unit: 'days' },
        progressContact: { amount: 7, unit: 'days' },
        firstReply: { amount: 24, unit: 'hours' },
        callbackAttempts: 3,
        monthlyMinimum: { cs_manager: 3, general_manager: 1 },
        chain: ['cs_assistant', 'cs_manager', 'general_manager', 'leadership'],
        majorTo: 'general_manager',
        majorNotify: ['general_manager', 'leadership'],
        emergency: {
          notifyDepartmentMinutes: 3,
          siteHeadEscalationMinutes: 5,
          companyHeadEscalationMinutes: 10,
          writtenReportHours: [24, 48],
          siteHeadRole: 'general_manager',
          companyHeadRole: 'leadership',
        },
        normalResolve: { amount: 3, unit: 'working_days' },
        urgentPlan: { amount: 0, unit: 'same_day' },
        specialCaseLimit: { amount: 7, unit: 'working_days' },
        repeatMajorFrom: 1,
        capaFor: ['valid', 'to_be_improved'],
        capaFields: ['rootCause', 'responsibleDepartment', 'correctiveActions', 'preventiveActions'],
        closeUnreachedFor: ['to_be_improved'],
        unresolved: { amount: 30, unit: 'days' },
        lateAttitude: 30,
        reportDay: 3,
        retention: 1,
        callbackTarget: 1,
        timeZone: 'Asia/Shanghai',
      });
      expect(() => assertValidPolicy(DEFAULT_POLICY)).not.toThrow();
    });

    it('should say which roles may do what', () => {
      expect(DEFAULT_POLICY.permissions.ChaseOverdueDeadline).toEqual(['system']);
      expect(DEFAULT_POLICY.permissions.RecordCallback).not.toContain('handler');
      expect(Object.values(DEFAULT_POLICY.permissions).some((roles) => roles.includes('auditor'))).toBe(false);
    });

    it('should place the escalation levels on the chain', () => {
      expect([escalationLevelOf(DEFAULT_POLICY, 'cs_manager'), escalationLevelOf(DEFAULT_POLICY, 'general_manager'), topEscalationLevel(DEFAULT_POLICY)]).toEqual([1, 2, 3]);
    });
  });

  describe('When a group, a region and a site override the policy', () => {
    const resolved = resolvePolicy([
      { level: 'site', id: 'SH01', version: '4', override: { collective: { minHouseholds: 5 }, deadlines: { plan: { amount: 2, unit: 'working_days' } } } },
      { level: 'group', id: 'acme', version: '3', override: { collective: { minHouseholds: 20 }, callback: { maxAttempts: 5 }, departments: [...DEFAULT_POLICY.departments, 'parking_office'] } },
      { level: 'region', id: 'east', version: '2', override: { deadlines: { plan: { amount: 5, unit: 'working_days' }, secondReply: { amount: 2, unit: 'days' } }, categoryDepartments: { parking: 'parking_office' } } },
    ]);

    it('should let the site win over the region and the group', () => {
      expect(resolved.collective.minHouseholds).toBe(5);
      expect(resolved.deadlines.plan).toEqual({ amount: 2, unit: 'working_days' });
    });

    it('should inherit what the site does not set from the region, the group and the defaults', () => {
      expect(resolved.deadlines.secondReply).toEqual({ amount: 2, unit: 'days' });
      expect(resolved.callback.maxAttempts).toBe(5);
      expect(resolved.deadlines.followUp).toEqual({ amount: 3, unit: 'days' });
    });

    it('should replace lists whole and merge maps key by key', () => {
      expect(resolved.departments).toEqual(['customer_service', 'engineering', 'security', 'cleaning', 'landscaping', 'finance', 'management_office', 'parking_office']);
      expect([resolved.categoryDepartments.parking, resolved.categoryDepartments.fees]).toEqual(['parking_office', 'finance']);
    });

    it('should refuse a category mapped to a department the site does not have', () => {
      expect(() => resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { departments: ['customer_service'] } }])).toThrow(ValidationError);
    });

    it('should compose a version id naming every layer in order', () => {
      expect(resolved.version).toBe('default@2025.1+group:acme@3+region:east@2+site:SH01@4');
    });

    it('should not change the default policy object', () => {
      expect(DEFAULT_POLICY.collective.minHouseholds).toBe(10);
    });
  });

  describe('When an override would break a rule', () => {
    it('should reject it, naming the fields', () => {
      expect(() =>
        resolvePolicy([
          { level: 'site', id: 'X', version: '1', override: { timeZone: 'Nowhere/Land', callback: { maxAttempts: 0 }, escalation: { chain: ['cs_assistant', 'cs_manager'] } } },
        ]),
      ).toThrow(ValidationError);
      try {
        resolvePolicy([{ level: 'site', id: 'X', version: '1', override: { timeZone: 'Nowhere/Land', callback: { maxAttempts: 0 } } }]);
      } catch (e) {
        expect((e as ValidationError).details.map((d) => d.field)).toEqual(['timeZone', 'callback.maxAttempts']);
      }
    });
  });

  describe('When objects are deep-merged', () => {
    it('should merge nested objects, replace arrays and ignore undefined', () => {
      expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: undefined })).toEqual({ a: { b: 1, c: [3] }, d: 1 });
    });
  });
});

describe('Retention of sealed records (保存期限: archive.retentionYears / importantRetentionYears)', () => {
  it('given the default policy, when a record is sealed into 2025, then an ordinary one is kept to 2026-12-31 and an important (major) one to 2028-12-31', () => {
    expect(retainUntil(DEFAULT_POLICY, { year: 2025, important: false })).toBe('2026-12-31');
    expect(retainUntil(DEFAULT_POLICY, { year: 2025, important: true })).toBe('2028-12-31');
  });

  it('given a site keeping records 2 and 5 years, then its records are kept that long', () => {
    const policy = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { archive: { retentionYears: 2, importantRetentionYears: 5 } } }]);
    expect([retainUntil(policy, { year: 2025, important: false }), retainUntil(policy, { year: 2025, important: true })]).toEqual(['2027-12-31', '2030-12-31']);
  });

  it('given an override keeping important records shorter than ordinary ones (or under a year), then it is refused naming the field', () => {
    try {
      resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { archive: { retentionYears: 0, importantRetentionYears: 0 } } }]);
      throw new Error('accepted');
    } catch (e) {
      expect((e as ValidationError).details.map((d) => d.field)).toEqual(['archive.retentionYears']);
    }
    try {
      resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { archive: { retentionYears: 3, importantRetentionYears: 2 } } }]);
      throw new Error('accepted');
    } catch (e) {
      expect((e as ValidationError).details.map((d) => d.field)).toEqual(['archive.importantRetentionYears']);
    }
  });
});

describe('The monthly report is due early the next month (reporting.monthlyReportDueDay)', () => {
  it('given the default policy (day 3), when the March 2025 report is asked, then it is due on 2025-04-03; December’s on 3 January', () => {
    expect(monthlyReportDueDate(DEFAULT_POLICY, '2025-03')).toBe('2025-04-03');
    expect(monthlyReportDueDate(DEFAULT_POLICY, '2025-12')).toBe('2026-01-03');
  });

  it('given a site whose reports are due on the 10th, then March’s is due on 2025-04-10; a day past 28 is refused naming the field', () => {
    const policy = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { reporting: { monthlyReportDueDay: 10 } } }]);
    expect(monthlyReportDueDate(policy, '2025-03')).toBe('2025-04-10');
    try {
      resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { reporting: { monthlyReportDueDay: 31 } } }]);
      throw new Error('accepted');
    } catch (e) {
      expect((e as ValidationError).details.map((d) => d.field)).toEqual(['reporting.monthlyReportDueDay']);
    }
  });
});
