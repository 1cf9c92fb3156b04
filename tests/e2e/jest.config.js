/** End-to-end tier: real processes, real Kafka, real PostgreSQL. Needs `npm run build` first (npm test does it). */
module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e.spec.ts'],
  testTimeout: 180_000,
};
