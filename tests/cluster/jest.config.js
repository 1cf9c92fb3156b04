/** The cluster launcher's gateway (tools/cluster): its routing table and OpenAPI merge, and the gateway against stub services. */
module.exports = {
  displayName: 'cluster',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
