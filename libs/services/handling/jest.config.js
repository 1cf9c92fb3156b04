/** @type {import('jest').Config} */
module.exports = {
  displayName: 'handling-service',
  preset: '../../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
