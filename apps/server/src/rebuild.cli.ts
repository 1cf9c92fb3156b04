import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StreamProjection } from '@complaints/read-model';
import type { PlatformConfig } from '@complaints/service-kit';
import { ComplaintPersonalData, ServiceProjections, SiteDirectory, openServiceDataSource, postgresHeadPosition } from '@complaints/service-common';
import { ReportingProjections, openCliEnvironment, openReportingDataSource, progressBar, projectionNames as reportingProjectionNames } from '@complaints/reporting-service';
import { TRIAGE_MIGRATIONS, TRIAGE_SCHEMA, triageProjections } from '@complaints/triage-service';
import { HANDLING_MIGRATIONS, HANDLING_SCHEMA, handlingProjections } from '@complaints/handling-service';
import { CALLBACK_MIGRATIONS, CALLBACK_SCHEMA, callbackProjections } from '@complaints/callback-service';
import { INTAKE_MIGRATIONS, INTAKE_SCHEMA, intakeProjections } from '@complaints/intake-service';

/**
 * `npm run rebuild -- <projection|service|all> [--resume] [--batch-size N]`: drops projections
 * of any service and rebuilds them from the event store, with a progress bar and the final
 * events/s. Safe beside running services: the live consumer and the rebuild take turns per
 * batch and converge on the same rows (see ProjectionRunner).
 */
type Service = { service: string; projections: readonly string[] };

const namesOf = (projections: readonly StreamProjection<unknown>[]) => projections.map((p) => p.name);

/** Every service's projections by name (the CLI's arguments), from their declarations, without opening anything. */
const SERVICES: Service[] = [
  { service: 'reporting', projections: reportingProjectionNames() },
  { service: TRIAGE_SCHEMA, projections: namesOf(triageProjections()) },
  { service: HANDLING_SCHEMA, projections: namesOf(handlingProjections(new SiteDirectory())) },
  { service: CALLBACK_SCHEMA, projections: namesOf(callbackProjections()) },
  { service: INTAKE_SCHEMA, projections: namesOf(intakeProjections(new SiteDirectory(), undefined as unknown as ComplaintPersonalData)) },
];

const allNames = () => SERVICES.flatMap((s) => s.projections);

const usage = () =>
  `usage: npm run rebuild -- <projection|service|all> [--resume] [--batch-size N]\n` +
  SERVICES.map((s) => `  ${s.service}: ${s.projections.join(', ')}`).join('\n') +
  '\nConnects to DATABASE_URL (EVENT_STORE=postgres|eventstoredb as the services), else to the embedded default (npm start) database.';

/** The key the services derive the phone digests from (PERSONAL_DATA_KEY, else the embedded default's key file). */
const personalDataKey = (env: NodeJS.ProcessEnv): string | undefined => {
  const keyFile = resolve(env.DATA_DIR || '.data', 'personal-data-key');
  return env.PERSONAL_DATA_KEY || (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
};

const main = async (): Promise<number> => {
  const args = process.argv.slice(2);
  const target = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  const resume = args.includes('--resume');
  const sizeArg = args.indexOf('--batch-size');
  const batchSize = sizeArg >= 0 ? Number(args[sizeArg + 1]) : 2_000;
  if (!target || args.includes('--help') || !(batchSize > 0)) {
    process.stderr.write(`${usage()}\n`);
    return 2;
  }
  const names = target === 'all' ? allNames() : (SERVICES.find((s) => s.service === target)?.projections ?? [target]);
  const unknown = names.filter((n) => !allNames().includes(n));
  if (unknown.length) {
    process.stderr.write(`unknown projection ${unknown.join(', ')}\n${usage()}\n`);
    return 2;
  }
  const env = await openCliEnvironment((line) => process.stderr.write(`${line}\n`));
  const opened: ServiceProjections[] = [];
  try {
    const head = env.eventStore === 'postgres' ? postgresHeadPosition((sql) => env.pool.query<{ head: string | null }>(sql)) : undefined;
    const sites = new SiteDirectory();
    const key = personalDataKey(process.env);
    const open = async (service: string): Promise<ServiceProjections> => {
      const existing = opened.find((s) => s.schema === service);
      if (existing) return existing;
      let set: ServiceProjections;
      if (service === 'reporting') set = new ReportingProjections(await openReportingDataSource(env.databaseUrl, 3), env.store, head);
      else {
        const declared: Record<string, [typeof TRIAGE_MIGRATIONS, () => StreamProjection<unknown>[]]> = {
          [TRIAGE_SCHEMA]: [TRIAGE_MIGRATIONS, () => triageProjections()],
          [HANDLING_SCHEMA]: [HANDLING_MIGRATIONS, () => handlingProjections(sites)],
          [CALLBACK_SCHEMA]: [CALLBACK_MIGRATIONS, () => callbackProjections()],
          [INTAKE_SCHEMA]: [
            INTAKE_MIGRATIONS,
            () => {
              // The contact index keeps digests of phones: without the services' key it would index nothing that matches.
              if (!key) throw new Error('the contact index needs PERSONAL_DATA_KEY (or the embedded default’s key file) to digest phone numbers');
              return intakeProjections(sites, new ComplaintPersonalData(env.pool, { personalDataKey: key } as PlatformConfig));
            },
          ],
        };
        const [migrations, projections] = declared[service];
        set = new ServiceProjections(await openServiceDataSource(env.databaseUrl, { schema: service, migrations }), service, env.store, projections(), head);
      }
      opened.push(set);
      return set;
    };
    for (const name of names) {
      const service = SERVICES.find((s) => s.projections.includes(name)) as Service;
      const set = await open(service.service);
      const bar = progressBar(name);
      const report = await set.rebuild(name, {
        resume,
        batchSize,
        onProgress: (p) => bar.update(p.events, p.head ? Number(p.position) / Number(p.head) : undefined, p.elapsedMs),
      });
      bar.done();
      process.stdout.write(
        `rebuilt ${service.service}/${name}: ${report.events.toLocaleString('en-US')} events → ${report.rows.toLocaleString('en-US')} rows in ${(report.elapsedMs / 1000).toFixed(2)} s — ${report.eventsPerSecond.toLocaleString('en-US')} events/s\n`,
      );
    }
  } finally {
    for (const set of opened) await set.dataSource.destroy().catch(() => undefined);
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
