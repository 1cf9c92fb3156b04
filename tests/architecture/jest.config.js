/** Architecture tests: the module boundaries of docs/architecture.md are enforced, not just drawn. */
module.exports = {
  displayName: 'architecture',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
