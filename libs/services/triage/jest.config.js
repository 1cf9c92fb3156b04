/** @type {import('jest').Config} */
module.exports = {
  displayName: 'triage-service',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
