import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Lints imports that break the layering of docs/architecture.md, placed as if they were
 * files of the projects concerned, and expects the lint to refuse each one — so the
 * boundaries are shown to be enforced, not only configured.
 */
const root = resolve(__dirname, '../../..');

type Probe = { filePath: string; code: string };

// ESLint loads its flat config with a dynamic import, which jest's module sandbox does not
// allow, so the probes are linted by the real ESLint in a child process, all at once.
const LINTER = `
const { ESLint } = require('eslint');
const path = require('node:path');
(async () => {
  const probes = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  // The boundary rule reads Nx's cached project graph and skips itself without one
  // (a fresh checkout): compute it first.
  await require('@nx/devkit').createProjectGraphAsync({ exitOnError: true });
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const p of probes) {
    const [r] = await eslint.lintText(p.code, { filePath: path.resolve(p.filePath) });
    out.push(r.messages.filter((m) => m.severity === 2).map((m) => m.ruleId + ': ' + m.message));
  }
  process.stdout.write('@@lint-results@@' + JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });`;

const lintAll = (probes: Probe[]): string[][] => {
  const run = spawnSync(process.execPath, ['-e', LINTER], { cwd: root, input: JSON.stringify(probes), encoding: 'utf8', maxBuffer: 10_000_000 });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  const marker = run.stdout.lastIndexOf('@@lint-results@@');
  if (marker < 0) throw new Error(`no lint results: ${run.stdout.slice(0, 500)} ${run.stderr.slice(0, 500)}`);
  return JSON.parse(run.stdout.slice(marker + '@@lint-results@@'.length)) as string[][];
};

const PROBES = {
  frameworkInDomain: { filePath: 'libs/complaint-domain/src/probe.ts', code: "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n" },
  dbClientInDomain: { filePath: 'libs/complaint-domain/src/probe.ts', code: "import { Pool } from 'pg';\nexport const x = Pool;\n" },
  serviceToService: { filePath: 'libs/services/triage/src/probe.ts', code: "import { IntakeModule } from '@complaints/intake-service';\nexport const x = IntakeModule;\n" },
  domainToPlatform: { filePath: 'libs/complaint-domain/src/probe.ts', code: "import { PostgresEventStore } from '@complaints/event-store';\nexport const x = PostgresEventStore;\n" },
  platformToService: { filePath: 'libs/platform/messaging/src/probe.ts', code: "import { ReportingModule } from '@complaints/reporting-service';\nexport const x = ReportingModule;\n" },
  serviceToDomainAndPlatform: {
    filePath: 'libs/services/triage/src/probe.ts',
    code: "import { decide } from '@complaints/domain';\nimport { EVENT_STORE } from '@complaints/service-kit';\nexport const x = [decide, EVENT_STORE];\n",
  },
} satisfies Record<string, Probe>;

let results: Record<keyof typeof PROBES, string[]>;
const lint = async (probe: keyof typeof PROBES) => results[probe];

describe('Module boundaries (docs/architecture.md "Layout")', () => {
  beforeAll(() => {
    const names = Object.keys(PROBES) as (keyof typeof PROBES)[];
    const out = lintAll(names.map((n) => PROBES[n]));
    results = Object.fromEntries(names.map((n, i) => [n, out[i]])) as typeof results;
  }, 120_000);

  it('should refuse a framework import inside the complaint domain', async () => {
    const errors = await lint('frameworkInDomain');
    expect(errors.some((e) => e.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('should refuse an event-store client import inside the complaint domain', async () => {
    const errors = await lint('dbClientInDomain');
    expect(errors.some((e) => e.startsWith('no-restricted-imports'))).toBe(true);
  });

  it("should refuse one service's library importing another service's", async () => {
    const errors = await lint('serviceToService');
    expect(errors.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('should refuse the domain importing a platform library', async () => {
    const errors = await lint('domainToPlatform');
    expect(errors.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('should refuse a platform library importing a service', async () => {
    const errors = await lint('platformToService');
    expect(errors.some((e) => e.startsWith('@nx/enforce-module-boundaries'))).toBe(true);
  });

  it('should accept a service importing the domain and the platform', async () => {
    const errors = await lint('serviceToDomainAndPlatform');
    expect(errors).toEqual([]);
  });
});
