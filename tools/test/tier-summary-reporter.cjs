/**
 * Jest reporter that prints the closing summary of a test run (tools/test/run-tests.mjs):
 * each tier with its counts — passed, failed, skipped — and every tier that did not run,
 * with the reason. Jest calls it before its own summary reporter, so a run still ends with
 * jest's usual "Test Suites: … / Tests: …" lines.
 *
 * run-tests.mjs passes what jest cannot know in TEST_RUN_CONTEXT (JSON): the selected
 * tiers, the vitest counts of the dashboard's component tests, and the Kafka line.
 */
const { existsSync } = require('node:fs');
const { join, relative } = require('node:path');
const { TIERS, tierOf } = require('./tiers.cjs');

const root = join(__dirname, '..', '..');

const counts = () => ({ files: 0, passed: 0, failed: 0, skipped: 0 });
const show = (c) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped (${c.files} file${c.files === 1 ? '' : 's'})`;

/** Why an infrastructure-dependent tier skips here, or undefined when it can run. */
const browserMissing = () => {
  if (!existsSync('/usr/bin/chromium')) return '/usr/bin/chromium is absent (apt-get install -y chromium)';
  if (!existsSync(join(root, 'dist', 'dashboard', 'index.html'))) return 'dist/dashboard is not built (node tools/bootstrap.mjs builds it)';
  return undefined;
};

class TierSummaryReporter {
  constructor(globalConfig) {
    this.globalConfig = globalConfig;
  }

  onRunComplete(_contexts, results) {
    let context = {};
    try {
      context = JSON.parse(process.env.TEST_RUN_CONTEXT || '{}');
    } catch {
      context = {};
    }
    const selected = context.tiers || TIERS.map((t) => t.name);
    const byTier = new Map(TIERS.map((t) => [t.name, counts()]));
    const untiered = counts();
    for (const file of results.testResults) {
      const c = byTier.get(tierOf(relative(root, file.testFilePath))) || untiered;
      c.files += 1;
      c.passed += file.numPassingTests;
      c.failed += file.numFailingTests + (file.testExecError ? 1 : 0);
      c.skipped += file.numPendingTests + file.numTodoTests;
    }
    const lines = [];
    for (const tier of TIERS) {
      const label = `${tier.name.padEnd(12)}${tier.runner.padEnd(7)}${tier.files.padEnd(32)}`;
      if (!selected.includes(tier.name)) {
        lines.push(`${label}not run — ${context.script || 'this run'} selects ${selected.join(', ')}`);
        continue;
      }
      if (tier.runner === 'vitest') {
        const v = context.vitest;
        if (!v) lines.push(`${label}not run — ${context.vitestReason || 'run by tools/test/run-tests.mjs only'}`);
        else if (v.error) lines.push(`${label}FAILED to run — ${v.error}`);
        else lines.push(`${label}${show(v)}`);
        continue;
      }
      const c = byTier.get(tier.name);
      let reason;
      if (tier.name === 'browser') reason = browserMissing();
      if ((tier.name === 'integration' || tier.name === 'e2e') && context.kafkaSkipped) reason = `Kafka tests — ${context.kafkaSkipped}`;
      if (c.files === 0) lines.push(`${label}no test files in this run${context.filtered ? ' (arguments given to jest)' : ''}`);
      else if (reason && c.skipped > 0 && c.passed === 0) lines.push(`${label}${show(c)} — SKIPPED: ${reason}`);
      else lines.push(`${label}${show(c)}${reason ? ` — partly SKIPPED: ${reason}` : ''}`);
    }
    if (untiered.files) lines.push(`${'(no tier)'.padEnd(51)}${show(untiered)} — name the tier in the file name`);
    if (context.kafka) lines.push(`kafka       ${context.kafka}`);
    if (context.greenmail) lines.push(`greenmail   ${context.greenmail}`);
    if (context.s3) lines.push(`s3          ${context.s3}`);
    const docker = process.env.DOCKER_STATUS || 'not probed';
    const eventStoreDbRan = results.testResults.some((file) => /eventstoredb/.test(file.testFilePath));
    if (!selected.includes('integration')) lines.push(`eventstoredb not run — its contract suite is in the integration tier`);
    else if (!eventStoreDbRan) lines.push(`eventstoredb not in this run${docker === 'available' ? '' : ` (and would skip: no Docker engine — ${docker})`}`);
    else lines.push(`eventstoredb ${docker === 'available' ? 'contract suite ran through testcontainers' : `SKIPPED — contract suite needs a Docker engine (${docker})`}`);
    process.stderr.write(`\ntest tiers (${context.script || 'jest'}):\n  ${lines.join('\n  ')}\n`);
  }
}

module.exports = TierSummaryReporter;
