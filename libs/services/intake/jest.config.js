/** @type {import('jest').Config} */
module.exports = {
  displayName: 'intake-service',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
