/** API tier: all five services composed in one process (as `npm start` runs them) on a real PostgreSQL. */
module.exports = {
  displayName: 'api',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
