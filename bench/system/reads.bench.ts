/**
 * The read-latency part of `bench:system` on its own (`npm run bench:reads`): see
 * reads-at-scale.ts and bench/README.md "Reads at scale".
 *
 *   node -r ./tools/runtime-paths.cjs dist/bench/system/reads.bench.js [--complaints N] [--templates T] [--runs R] [--no-events] [--database URL (one a run kept with BENCH_KEEP_DATABASE=1: measured again, nothing made)] [--json FILE]
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { TEST_JWT_SECRET } from '../../tests/e2e/src/support/five-process-system';
import { runReadsAtScale, readsMarkdown } from './reads-at-scale';
import { LoadSampler } from './measure';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
process.env.TEST_DATABASE_URL ??= process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const main = async () => {
  const load = new LoadSampler();
  load.start();
  const reads = await runReadsAtScale({
    complaints: Number(option('complaints') ?? 1_000_000),
    templates: Number(option('templates') ?? 10_000),
    runs: Number(option('runs') ?? 200),
    events: !argv.includes('--no-events'),
    jwtSecret: TEST_JWT_SECRET,
    database: option('database'),
  });
  return { reads, load: load.stop(), loadAverageAtEnd: loadavg() };
};

main().then(
  (report) => {
    const json = JSON.stringify(report, null, 2);
    const file = option('json');
    if (file) writeFileSync(file, `${json}\n`);
    process.stdout.write(`${json}\n\n${readsMarkdown(report.reads)}\n`);
    process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`reads bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
