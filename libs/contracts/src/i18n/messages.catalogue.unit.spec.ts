import { ERROR_MESSAGES, MESSAGES, NOTICE_MESSAGES, PARAM_LABELS, parseLang, placeholdersOf, renderMessage, renderTriageReason } from './catalogue';
import { LABELS } from './labels';

/** Latin words a Chinese text may carry: placeholders aside, product and format names only. */
const LATIN_ALLOWED = new Set(['JSON', 'App', 'Idempotency', 'Key']);

describe('The message catalogue shared by the server and the dashboard', () => {
  const entries = Object.entries(MESSAGES);

  it('given every code, then it has a non-empty Chinese and English text', () => {
    expect(entries.length).toBeGreaterThan(50);
    const missing = entries.filter(([, pair]) => !pair.zh?.trim() || !pair.en?.trim()).map(([code]) => code);
    expect(missing).toEqual([]);
  });

  it('given every code, then both languages use the same {placeholders}, so no parameter is dropped in one of them', () => {
    const differing = entries.filter(([, pair]) => placeholdersOf(pair.zh).join() !== placeholdersOf(pair.en).join()).map(([code]) => code);
    expect(differing).toEqual([]);
  });

  it('given every code, then its Chinese text is Chinese (no English words outside placeholders)', () => {
    const english = entries
      .map(([code, pair]) => [code, [...pair.zh.replace(/\{\w+\}/g, '').matchAll(/[A-Za-z]+/g)].map((m) => m[0]).filter((w) => !LATIN_ALLOWED.has(w))] as const)
      .filter(([, words]) => words.length > 0);
    expect(english).toEqual([]);
  });

  it('given every code group a parameter refers to, then the group exists and each of its labels has both languages', () => {
    for (const group of new Set(Object.values(PARAM_LABELS))) expect(LABELS[group]).toBeDefined();
    const incomplete = Object.entries(LABELS).flatMap(([group, labels]) => Object.entries(labels).filter(([, p]) => !p.zh || !p.en).map(([k]) => `${group}.${k}`));
    expect(incomplete).toEqual([]);
  });

  it('given a code with parameters naming code groups, when rendered, then the parameters are shown with their labels in that language', () => {
    expect(renderMessage('zh', 'error.invalid_state', { status: 'closed' })).toBe('投诉当前状态为“已关闭”，不允许此操作。');
    expect(renderMessage('en', 'error.invalid_state', { status: 'closed' })).toBe('Not allowed while the complaint is “Closed”.');
    expect(renderMessage('zh', 'notice.major', { reasons: ['media', 'repeat'], role: 'general_manager' })).toBe('重大投诉（媒体曝光、重复投诉），请总物业经理督办。');
    expect(renderMessage('en', 'notice.major', { reasons: ['media', 'repeat'], role: 'general_manager' })).toBe('Major complaint (Media exposure, Repeated) for the General manager.');
  });

  it('given a code the catalogue does not know (a newer server), when rendered, then the fallback (the English message) is shown', () => {
    expect(renderMessage('zh', 'error.from_the_future', {}, 'Something new went wrong')).toBe('Something new went wrong');
    expect(renderMessage('zh', 'error.from_the_future')).toBe('error.from_the_future');
  });

  it('given a triage reason with implied values, when rendered, then the implied urgency/nature are named', () => {
    expect(renderTriageReason('zh', { code: 'emergency_keyword', params: { word: '电梯困人' } })).toBe('命中关键词“电梯困人” → 紧急程度：抢险抢修');
    expect(renderTriageReason('en', { code: 'nature_default', params: {} })).toBe('caused by our own service unless shown otherwise → nature: Valid');
    expect(renderTriageReason('zh', { code: 'category_keyword', params: { words: ['漏水', '墙面'], category: 'repairs' } })).toBe('命中关键词“漏水”、“墙面” → 类别：维修');
    expect(renderTriageReason('en', { code: 'severity', params: { basis: 'urgency', urgency: 'urgent', severity: 'important' } })).toBe('urgency Urgent (same day) → severity: Important');
  });

  it('given the lang query values, then zh-CN and en are understood and anything else is not', () => {
    expect(parseLang('zh-CN')).toBe('zh');
    expect(parseLang('en')).toBe('en');
    expect(parseLang('en-GB')).toBe('en');
    expect(parseLang('fr')).toBeUndefined();
  });

  it('given the error and notice tables, then every code is namespaced by its area (a stable, greppable name)', () => {
    expect(Object.keys(ERROR_MESSAGES).every((c) => c.startsWith('error.'))).toBe(true);
    expect(Object.keys(NOTICE_MESSAGES).every((c) => c.startsWith('notice.'))).toBe(true);
  });
});
