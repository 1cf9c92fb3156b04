/** @type {import('jest').Config} */
module.exports = {
  displayName: 'read-model',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
