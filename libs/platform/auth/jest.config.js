/** @type {import('jest').Config} */
module.exports = {
  displayName: 'auth',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
