import { MAX_INPUT_DEPTH, findUnsafeInput } from './input-guard';

/** Rule (issue 13, rows 5 and 9): input no handler can store is refused before any handler, naming the field. */
describe('Rule: text with NUL or a lone surrogate, non-finite numbers and deep nesting are refused, naming the field', () => {
  it('given clean input (Chinese, emoji as a surrogate pair, 1e308), then nothing is found', () => {
    expect(findUnsafeInput({ title: '电梯困人 😀', complainant: { name: '张女士' }, n: 1e308, list: [1, 'a'] })).toBeUndefined();
  });

  it('given a NUL in a nested field, then that field is named', () => {
    expect(findUnsafeInput({ complainant: { name: 'a\u0000b' } })).toEqual({ field: 'complainant.name', problem: expect.stringMatching(/NUL/) });
  });

  it('given a lone high or low surrogate, then the field is named', () => {
    expect(findUnsafeInput({ title: 'x\ud800' })?.field).toBe('title');
    expect(findUnsafeInput({ reason: '\udc00y' })?.field).toBe('reason');
    expect(findUnsafeInput({ ['k\u0000']: 1 })?.problem).toMatch(/field name/);
  });

  it('given Infinity (what JSON.parse makes of 1e400), then it is refused', () => {
    expect(findUnsafeInput(JSON.parse('{"householdCount":1e400}'))).toEqual({ field: 'householdCount', problem: 'must be a finite number' });
  });

  it(`given nesting deeper than ${MAX_INPUT_DEPTH} levels (5,000 here), then it is refused without overflowing the stack`, () => {
    const deep = JSON.parse(`{"value":${'['.repeat(5_000)}${']'.repeat(5_000)}}`) as unknown;
    expect(findUnsafeInput(deep)?.problem).toMatch(/nest deeper/);
    const ok = JSON.parse(`{"value":${'['.repeat(MAX_INPUT_DEPTH - 1)}${']'.repeat(MAX_INPUT_DEPTH - 1)}}`) as unknown;
    expect(findUnsafeInput(ok)).toBeUndefined();
  });
});
