import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
// tools/ is no Nx project: loaded by path, as run-tests.mjs loads it.
const { tierOf, SELECTIONS } = require(join(root, 'tools/test/tiers.cjs')) as {
  tierOf: (path: string) => string | undefined;
  SELECTIONS: Record<string, string[]>;
};
const testFiles = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => /\.(spec|test)\.tsx?$/.test(file));

/**
 * `npm run test:unit`, `test:int` and `test:e2e` select tests by the tier in their file name,
 * so a test whose name has no tier would run only under `npm test`.
 */
describe('Test tiers (npm run test:unit | test:int | test:e2e)', () => {
  it('every test file names its tier', () => {
    expect(testFiles.filter((file) => !tierOf(file))).toEqual([]);
  });

  it('given a name without a tier, then it belongs to none', () => {
    expect(tierOf('libs/x/src/thing.spec.ts')).toBeUndefined();
    expect(tierOf('libs/x/src/thing.int.spec.ts')).toBe('integration');
    expect(tierOf('apps/dashboard/src/pages/X.test.tsx')).toBe('component');
  });

  it('every tier is run by exactly one of the three scripts', () => {
    const selected = Object.values(SELECTIONS).flat();
    expect(selected.sort()).toEqual(['browser', 'component', 'e2e', 'integration', 'unit']);
  });
});
