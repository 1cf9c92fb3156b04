/**
 * The test tiers, by file name (docs/architecture.md "Code conventions"). One list, read by
 * tools/test/run-tests.mjs (`npm run test:unit|test:int|test:e2e`), by its closing summary
 * (tier-summary-reporter.cjs) and by the test that every spec names its tier.
 */
const TIERS = [
  { name: 'unit', runner: 'jest', pattern: /\.unit\.spec\.ts$/, files: '*.unit.spec.ts', needs: 'nothing but PostgreSQL for a few' },
  { name: 'component', runner: 'vitest', pattern: /^apps\/dashboard\/.*\.test\.tsx?$/, files: 'apps/dashboard **/*.test.ts(x)', needs: 'jsdom' },
  { name: 'integration', runner: 'jest', pattern: /\.int\.spec\.ts$/, files: '*.int.spec.ts', needs: 'PostgreSQL, Kafka' },
  { name: 'e2e', runner: 'jest', pattern: /\.e2e\.spec\.ts$/, files: '*.e2e.spec.ts', needs: 'five processes, PostgreSQL, Kafka' },
  { name: 'browser', runner: 'jest', pattern: /\.browser\.spec\.ts$/, files: '*.browser.spec.ts', needs: '/usr/bin/chromium' },
];

/** What each npm script runs: `npm run test:<key>`; `npm test` runs them all. */
const SELECTIONS = {
  unit: ['unit', 'component'],
  int: ['integration'],
  e2e: ['e2e', 'browser'],
};

/** The tier a test file (path relative to the workspace root) belongs to, or undefined. */
const tierOf = (path) => TIERS.find((tier) => tier.pattern.test(path.replace(/\\/g, '/')))?.name;

module.exports = { TIERS, SELECTIONS, tierOf };
