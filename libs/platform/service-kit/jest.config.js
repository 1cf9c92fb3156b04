/** @type {import('jest').Config} */
module.exports = {
  displayName: 'service-kit',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
