/**
 * The dashboard in a real browser: Debian's chromium (/usr/bin/chromium) driven by
 * playwright-core against the embedded default started from dist/ (npm test builds it,
 * dashboard included). Skips, saying so, where /usr/bin/chromium is absent.
 */
module.exports = {
  displayName: 'e2e-browser',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.browser.spec.ts'],
  testTimeout: 300_000,
};
