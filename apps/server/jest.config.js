/** The embedded launcher's own tests: the generated docs (docs/api/, docs/process.md) are up to date. */
module.exports = {
  displayName: 'server',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
