/** Deployment files checked without starting them: the compose observability stack and the Kubernetes manifests. */
module.exports = {
  displayName: 'deploy',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
};
