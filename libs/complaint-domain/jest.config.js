/** @type {import('jest').Config} */
module.exports = {
  displayName: 'complaint-domain',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
