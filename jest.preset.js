// Shared jest settings for every project. ts-jest in transpile-only mode keeps the
// suite fast; `npm run typecheck` (tsc) is what checks types.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  globalSetup: require('path').join(__dirname, 'tools/test/global-setup.ts'),
  globalTeardown: require('path').join(__dirname, 'tools/test/global-teardown.ts'),
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: require('path').resolve(__dirname) + '/' }),
};
