import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SiteDirectory } from '@complaints/service-common';
import { openReportingDataSource } from '../reporting.module';
import { buildYearlyArchive } from '../archive/yearly-archive';
import { ReportingProjections } from '../projections/reporting-projections';
import { openCliEnvironment } from './cli-environment';

/**
 * `npm run archive:export -- --site <siteId> --year <YYYY> [--out <dir>]`: writes the sealed
 * yearly archive of a site's closed complaints to <out>/<site>-<year>/ (default out:
 * ./archives) and prints its root hash. Verify it with `npm run archive:verify -- <dir>`.
 */
const option = (args: string[], name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const main = async (): Promise<number> => {
  const args = process.argv.slice(2);
  const siteId = option(args, '--site');
  const year = Number(option(args, '--year'));
  const out = resolve(option(args, '--out') ?? 'archives');
  if (!siteId || !Number.isInteger(year)) {
    process.stderr.write('usage: npm run archive:export -- --site <siteId> --year <YYYY> [--out <dir>]\n');
    return 2;
  }
  const env = await openCliEnvironment((line) => process.stderr.write(`${line}\n`));
  try {
    const dataSource = await openReportingDataSource(env.databaseUrl, 2);
    try {
      // The selection reads the complaint view: build it first where it never was.
      const projections = new ReportingProjections(dataSource, env.store);
      if ((await projections.runner.checkpoint('complaint-view'))?.status !== 'live') {
        process.stderr.write('building the complaint view from the event store first\n');
        await projections.rebuild('complaint-view', { resume: true });
      }
      const sites = new SiteDirectory();
      const bundle = await buildYearlyArchive(dataSource, env.store, { siteId, year, timeZone: sites.site(siteId).timeZone, now: new Date(), policy: sites.policy(siteId) });
      const root = join(out, bundle.directory);
      for (const file of bundle.files) {
        const path = join(root, file.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.content);
      }
      process.stdout.write(`archived ${bundle.manifest.complaints} complaints (${bundle.manifest.events} events) of ${siteId} for ${year} in ${root}\nroot hash ${bundle.manifest.rootHash}\n`);
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
    process.stderr.write(`archive export failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
