import 'reflect-metadata';
import { openReportingDataSource } from '../reporting.module';
import { ReportingProjections, postgresHeadPosition, projectionNames } from '../projections/reporting-projections';
import { openCliEnvironment } from './cli-environment';
import { progressBar } from './progress-bar';

/**
 * `npm run rebuild -- <projection|all> [--resume] [--batch-size N]`: drops a reporting
 * projection and rebuilds it from the event store, with a progress bar and the final
 * events/s. Safe beside running services: the live consumer and the rebuild take turns per
 * batch and converge on the same rows (see ProjectionRunner).
 */
const usage = () =>
  `usage: npm run rebuild -- <projection|all> [--resume] [--batch-size N]\nprojections: ${projectionNames().join(', ')}\n` +
  'Connects to DATABASE_URL (EVENT_STORE=postgres|eventstoredb as the services), else to the embedded default (npm start) database.';

const main = async (): Promise<number> => {
  const args = process.argv.slice(2);
  const target = args.find((a) => !a.startsWith('--'));
  const resume = args.includes('--resume');
  const sizeArg = args.indexOf('--batch-size');
  const batchSize = sizeArg >= 0 ? Number(args[sizeArg + 1]) : 2_000;
  if (!target || args.includes('--help') || !(batchSize > 0)) {
    process.stderr.write(`${usage()}\n`);
    return 2;
  }
  const names = target === 'all' ? projectionNames() : [target];
  const unknown = names.filter((n) => !projectionNames().includes(n));
  if (unknown.length) {
    process.stderr.write(`unknown projection ${unknown.join(', ')}\n${usage()}\n`);
    return 2;
  }
  const env = await openCliEnvironment((line) => process.stderr.write(`${line}\n`));
  try {
    const dataSource = await openReportingDataSource(env.databaseUrl, 3);
    try {
      const head = env.eventStore === 'postgres' ? postgresHeadPosition((sql) => env.pool.query<{ head: string | null }>(sql)) : undefined;
      const projections = new ReportingProjections(dataSource, env.store, head);
      for (const name of names) {
        const bar = progressBar(name);
        const report = await projections.rebuild(name, {
          resume,
          batchSize,
          onProgress: (p) => bar.update(p.events, p.head ? Number(p.position) / Number(p.head) : undefined, p.elapsedMs),
        });
        bar.done();
        process.stdout.write(
          `rebuilt ${name}: ${report.events.toLocaleString('en-US')} events → ${report.rows.toLocaleString('en-US')} rows in ${(report.elapsedMs / 1000).toFixed(2)} s — ${report.eventsPerSecond.toLocaleString('en-US')} events/s\n`,
        );
      }
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await env.close();
  }
  return 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
