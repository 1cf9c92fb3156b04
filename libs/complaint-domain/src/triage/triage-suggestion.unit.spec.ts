import { DEFAULT_POLICY, resolvePolicy } from '../policy/policy';
import { TRIAGE_REASON_CODES, containsKeyword, suggestTriage, type TriageSuggestionInput } from './triage-suggestion';

const input = (overrides: Partial<TriageSuggestionInput> = {}): TriageSuggestionInput => ({
  channel: 'phone',
  title: '楼道灯不亮',
  description: '3栋12楼楼道灯坏了',
  ...overrides,
});

describe('Triage suggestion (explainable rules)', () => {
  describe('When nothing aggravating is said', () => {
    it('should suggest a valid, minor, normal complaint and explain every default', () => {
      expect(suggestTriage(input({ title: '绿化带有垃圾', description: '请清理' }))).toEqual({
        nature: 'valid',
        severity: 'minor',
        urgency: 'normal',
        major: false,
        majorReasons: [],
        category: 'cleaning',
        department: 'cleaning',
        reasons: [
          'urgency_default: no urgent keyword matched → urgency normal',
          'category_keyword: matched "垃圾" → category cleaning',
          'department_map: category cleaning → department cleaning',
          'nature_default: caused by our own service unless shown otherwise → nature valid',
          'severity: no aggravating rule → severity minor',
        ],
        explanations: [
          { code: 'urgency_default', params: {} },
          { code: 'category_keyword', params: { words: ['垃圾'], category: 'cleaning' } },
          { code: 'department_map', params: { category: 'cleaning', department: 'cleaning' } },
          { code: 'nature_default', params: {} },
          { code: 'severity', params: { basis: 'none', urgency: 'normal', severity: 'minor' } },
        ],
      });
    });
  });

  describe('When a facility failure or danger is described (urgent)', () => {
    it.each([
      ['停电', '整栋楼停电了'],
      ['停水', '今天一直停水'],
      ['电梯困人', '2号电梯困人'],
      ['漏水', '楼上漏水到我家'],
      ['燃气', '闻到燃气味'],
      ['fire', 'There is a fire alarm sounding'],
      ['gas', 'I smell gas in the corridor'],
      ['flood', 'Basement flood after the rain'],
      ['power outage', 'Power outage in block 3'],
      ['elevator', 'The elevator stopped between floors'],
    ])('should suggest urgent for "%s", naming the word', (word, description) => {
      const s = suggestTriage(input({ title: '报修', description }));
      expect(s.urgency).toBe('urgent');
      expect(s.severity).toBe('important');
      expect(s.reasons).toContain(`urgent_keyword: matched "${word}" → urgency urgent`);
    });

    it('should suggest an emergency for 抢修 (emergency repair)', () => {
      expect(suggestTriage(input({ description: '水管爆了需要抢修' })).urgency).toBe('emergency');
    });
  });

  describe('When media, lawyers, lawsuits or hotlines are mentioned (major)', () => {
    it.each(['媒体', '记者', '律师', '起诉', '12345', '12315', 'media', 'lawyer', 'sue'])('should suggest major for "%s"', (word) => {
      const s = suggestTriage(input({ description: `再不处理就找 ${word} 了` }));
      expect([s.major, s.severity]).toEqual([true, 'major']);
      expect(s.reasons).toContain(`major_keyword: matched "${word}" → major`);
    });

    it('should match English words whole: "issue" does not contain "sue", "123456" does not contain "12345"', () => {
      expect(containsKeyword('this issue again', 'sue')).toBe(false);
      expect(containsKeyword('ticket 123456', '12345')).toBe(false);
      expect(containsKeyword('I will SUE you', 'sue')).toBe(true);
      expect(suggestTriage(input({ description: 'the same issue again' })).major).toBe(false);
    });
  });

  describe('When the complaint came through the media or a higher authority', () => {
    it.each(['media', 'authority'] as const)('should suggest major for channel %s', (channel) => {
      const s = suggestTriage(input({ channel }));
      expect(s.major).toBe(true);
      expect(s.reasons).toContain(`major_channel: channel ${channel} → major`);
    });
  });

  describe('When many households complain together', () => {
    it('should suggest a major collective complaint at the policy threshold', () => {
      expect(suggestTriage(input({ householdCount: 10 })).reasons).toContain('collective: 10 households ≥ 10 → major (collective complaint)');
      expect(suggestTriage(input({ householdCount: 9 })).major).toBe(false);
    });
  });

  describe('When the complaint repeats an earlier one', () => {
    it('should suggest major for any repeat under the default policy (seed: repeated complaints are major)', () => {
      const s = suggestTriage(input({ repeatCount: 1 }));
      expect([s.major, s.majorReasons]).toEqual([true, ['repeat']]);
      expect(s.reasons).toContain('repeat: repeat count 1 ≥ 1 → major (repeated complaint)');
    });

    it('should only raise the severity of a first repeat where the policy counts major from the third complaint', () => {
      const policy = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { major: { repeatCountAtLeast: 2 } } }]);
      expect(suggestTriage(input({ repeatCount: 1 }), policy).severity).toBe('important');
      expect(suggestTriage(input({ repeatCount: 2 }), policy).majorReasons).toEqual(['repeat']);
    });
  });

  describe('When the category is hinted or described', () => {
    it('should take the hint when it names a category', () => {
      expect(suggestTriage(input({ categoryHint: 'parking' })).category).toBe('parking');
    });
    it('should read a Chinese hint through the category keywords', () => {
      const s = suggestTriage(input({ title: '问题', description: '说明', categoryHint: '物业费' }));
      expect([s.category, s.department]).toEqual(['fees', 'finance']);
    });
    it('should map the category to the department through the policy', () => {
      const policy = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { categoryDepartments: { cleaning: 'management_office' } } }]);
      expect(suggestTriage(input({ description: '垃圾没人清' }), policy).department).toBe('management_office');
    });
    it('should fall back to "other"', () => {
      expect(suggestTriage(input({ title: 'abc', description: 'xyz' })).category).toBe('other');
    });
  });

  describe('When the developer or a legacy defect is the cause', () => {
    it('should suggest "to be improved"', () => {
      const s = suggestTriage(input({ description: '交房时墙面就有裂缝，开发商一直不修' }));
      expect([s.nature, s.category]).toEqual(['to_be_improved', 'developer_defects']);
    });
  });

  describe('When a staff-attitude complaint is raised more than a month later', () => {
    it('should suggest invalid, and not major', () => {
      const s = suggestTriage(
        input({ description: '保安态度很差，我要找媒体', occurredAt: '2025-01-01T00:00:00Z', receivedAt: '2025-03-01T00:00:00Z' }),
      );
      expect([s.nature, s.major, s.category]).toEqual(['invalid', false, 'staff_attitude']);
      expect(s.reasons).toContain('late_staff_attitude: raised more than 30 days after the event → nature invalid');
    });
  });

  describe('When a site edits the keyword lists', () => {
    it('should use the policy’s lists', () => {
      const policy = { ...DEFAULT_POLICY, keywords: { ...DEFAULT_POLICY.keywords, urgent: ['化粪池'] } };
      expect(suggestTriage(input({ description: '化粪池满了' }), policy).urgency).toBe('urgent');
      expect(suggestTriage(input({ description: '停电了' }), policy).urgency).toBe('normal');
    });
  });
});

describe('Rule: every reason of a suggestion is also a stable code with parameters (rendered in the reader’s language by the client)', () => {
  it('should give the code and the word for an urgent keyword, and one explanation per reason, in the same order, each code known', () => {
    // given a lift entrapment by phone; when the suggestion is made; then each reason has its code and parameters
    const s = suggestTriage(input({ title: '电梯困人', description: '3号楼电梯停在8楼与9楼之间，有人被困' }));
    expect(s.explanations).toHaveLength(s.reasons.length);
    // The sentence keeps its older rule name: repeat_major and repeat_important read `repeat:`, category_hint_keyword `category_hint:`.
    const sentenceRule = (code: string) => (code.startsWith('repeat_') ? 'repeat' : code === 'category_hint_keyword' ? 'category_hint' : code);
    expect(s.explanations.map((e) => sentenceRule(e.code))).toEqual(s.reasons.map((r) => r.slice(0, r.indexOf(':'))));
    expect(s.explanations[0]).toEqual({ code: 'urgent_keyword', params: { word: '电梯困人' } });
    expect(s.explanations).toContainEqual({ code: 'severity', params: { basis: 'urgency', urgency: 'urgent', severity: 'important' } });
    for (const e of s.explanations) expect(TRIAGE_REASON_CODES).toContain(e.code);
  });

  it('should tell a repeat that makes a complaint major from one that only aggravates it, with the count and the threshold', () => {
    // given a site where a complaint is major from its second repeat on (the seed: from the first)
    const policy = resolvePolicy([{ level: 'site', id: 'S', version: '1', override: { major: { repeatCountAtLeast: 2 } } }]);
    expect(suggestTriage(input({ repeatCount: 1 }), policy).explanations).toContainEqual({ code: 'repeat_important', params: { count: 1 } });
    expect(suggestTriage(input({ repeatCount: 2 }), policy).explanations).toContainEqual({ code: 'repeat_major', params: { count: 2, minimum: 2 } });
    expect(suggestTriage(input({ repeatCount: 1 })).explanations).toContainEqual({ code: 'repeat_major', params: { count: 1, minimum: 1 } });
  });
});
