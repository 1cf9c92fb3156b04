/** @type {import('jest').Config} */
module.exports = {
  displayName: 'messaging',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
