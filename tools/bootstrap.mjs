#!/usr/bin/env node
// Brings a fresh checkout to a runnable state, so `npm start` and `npm test` are the
// only commands a new machine needs:
//   1. installs dependencies when node_modules is missing or package-lock.json changed
//      (`npm install`, not `npm ci`: the lockfile is written without the platform-
//      specific optional packages of other platforms — @swc/core-*, @nx/nx-* … — and
//      `npm ci` refuses such a lockfile, while `npm install` resolves it as is);
//   2. compiles the workspace with tsc into dist/ (incremental, a few seconds);
//   3. builds the dashboard (apps/dashboard) with vite into dist/dashboard/, only when its
//      sources changed since the last build (hash of apps/dashboard/** and of the message catalogue
//      it shares with the server, libs/contracts/src/i18n/**, in dist/dashboard/.source-hash).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'node_modules', '.complaints-install-stamp');
const lockHash = createHash('sha256')
  .update(readFileSync(join(root, 'package-lock.json')))
  .update(readFileSync(join(root, 'package.json')))
  .digest('hex');

const run = (cmd, args, what) => {
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (result.status !== 0) {
    console.error(`bootstrap: ${what} failed (${cmd} ${args.join(' ')} exited ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
  console.log(`bootstrap: ${what} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
};

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
  console.log('bootstrap: installing dependencies (npm install)…');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], 'dependency install');
  writeFileSync(stamp, lockHash);
}
if (process.env.SKIP_BUILD !== '1') run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], 'build');

const dashboardSources = (dir) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== 'node_modules' && !/\.test\.tsx?$/.test(e.name))
    .flatMap((e) => (e.isDirectory() ? dashboardSources(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
if (process.env.SKIP_BUILD !== '1') {
  const dashboard = join(root, 'apps', 'dashboard');
  const hash = createHash('sha256');
  for (const file of dashboardSources(dashboard)) hash.update(file.slice(dashboard.length)).update(readFileSync(file));
  // The shared message catalogue is bundled into the dashboard too.
  const catalogue = join(root, 'libs', 'contracts', 'src', 'i18n');
  for (const file of dashboardSources(catalogue).filter((f) => !f.endsWith('.spec.ts'))) hash.update(file.slice(root.length)).update(readFileSync(file));
  const sourceHash = hash.digest('hex');
  const stampFile = join(root, 'dist', 'dashboard', '.source-hash');
  const built = existsSync(join(root, 'dist', 'dashboard', 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === sourceHash;
  if (!built) {
    console.log('bootstrap: building the dashboard (vite build → dist/dashboard)…');
    run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(dashboard, 'vite.config.ts'), '--logLevel', 'warn'], 'dashboard build');
    writeFileSync(stampFile, sourceHash);
  }
}
