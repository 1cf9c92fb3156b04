/** @type {import('jest').Config} */
module.exports = {
  displayName: 'service-common',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
