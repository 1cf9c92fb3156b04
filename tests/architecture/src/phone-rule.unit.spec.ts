import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PHONE_MAX_LENGTH, PHONE_PATTERN } from '@complaints/domain';

const root = join(__dirname, '../../..');

/** A `export const NAME = <literal>;` of a source file, evaluated (our own source: a string or number literal). */
const constantOf = (file: string, name: string): unknown => {
  const source = readFileSync(join(root, file), 'utf8');
  const match = new RegExp(`export const ${name} = ('(?:[^'\\\\]|\\\\.)*'|\\d+);`).exec(source);
  if (!match) throw new Error(`${file} has no ${name} literal`);
  return new Function(`return ${match[1]};`)();
};

/**
 * One phone rule (issue 14): the dashboard never imports backend code, so it keeps a copy of
 * the domain's default pattern (the policy's intake.phonePattern); this holds the copy to it.
 */
describe('One phone rule: the dashboard’s copy is the domain’s default', () => {
  it('should have the same pattern and length bound in apps/dashboard/src/lib/validation.ts as in the domain', () => {
    expect(constantOf('apps/dashboard/src/lib/validation.ts', 'PHONE_PATTERN')).toBe(PHONE_PATTERN);
    expect(constantOf('apps/dashboard/src/lib/validation.ts', 'PHONE_MAX_LENGTH')).toBe(PHONE_MAX_LENGTH);
  });
});
