// Resolves the workspace's path aliases (@complaints/*) to the compiled files under
// dist/ at run time, from the one list in tsconfig.base.json. Loaded with
// `node -r ./tools/runtime-paths.cjs dist/apps/<service>/src/main.js`.
const path = require('node:path');
const tsconfigPaths = require('tsconfig-paths');
const { compilerOptions } = require('../tsconfig.base.json');

const root = path.resolve(__dirname, '..');
const paths = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, targets]) => [alias, targets.map((t) => t.replace(/\.ts$/, ''))]),
);
tsconfigPaths.register({ baseUrl: path.join(root, 'dist'), paths, addMatchAll: false });
