import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_POLICY, type ComplaintPolicy } from '@complaints/domain';
import { GENERATED, generateDocs } from './write-docs';
import { permissionsTable, policyDefaultsTable, readPolicySource, renderProcessDoc } from './policy-table';

const root = join(__dirname, '../../../..');
const committed = (path: string): string => readFileSync(join(root, path), 'utf8');

describe('Generated docs stay in step with the code (run `npm run docs` after changing either)', () => {
  it('docs/api/openapi.json is the OpenAPI document the embedded server serves at /api/docs-json', async () => {
    const generated = await generateDocs(root, 'api');
    expect(committed(GENERATED.openapi)).toBe(generated.get(GENERATED.openapi));
  });

  it('docs/api/reference.md is the Markdown rendering of that document', async () => {
    const generated = await generateDocs(root, 'api');
    expect(committed(GENERATED.reference)).toBe(generated.get(GENERATED.reference));
  });

  it('docs/process.md holds the defaults and permissions tables of the default policy', async () => {
    const generated = await generateDocs(root, 'process');
    expect(committed(GENERATED.process)).toBe(generated.get(GENERATED.process));
  });
});

describe('The policy tables are generated from the policy code', () => {
  const source = readPolicySource(root);
  const withPlan = (amount: number): ComplaintPolicy => ({ ...DEFAULT_POLICY, deadlines: { ...DEFAULT_POLICY.deadlines, plan: { amount, unit: 'working_days' } } });

  it('given a changed default, when the table is generated, then the new value shows and process.md no longer matches', () => {
    expect(policyDefaultsTable(source, withPlan(5))).toContain('| `deadlines.plan` | 5 working days |');
    expect(policyDefaultsTable(source)).toContain(`| \`deadlines.plan\` | ${DEFAULT_POLICY.deadlines.plan.amount} working days |`);
    const stale = committed(GENERATED.process).replace(/\| `deadlines\.plan` \| [^|]+\|/, '| `deadlines.plan` | 99 working days |');
    expect(renderProcessDoc(stale, source)).toBe(committed(GENERATED.process));
  });

  it('given a field with a doc comment in policy.ts, the comment is its meaning', () => {
    const documented = source.replace('/** 整改措施: "within 3 working days" when not finished the same day (counted from receipt, 接报后). */', '/** Rectification measures, rewritten. */');
    expect(policyDefaultsTable(documented)).toContain('| `deadlines.plan` | 3 working days | Rectification measures, rewritten. |');
  });

  it('lists every setting of the default policy and every command of its permissions', () => {
    const table = policyDefaultsTable(source);
    for (const key of Object.keys(DEFAULT_POLICY).filter((k) => k !== 'permissions')) expect(table).toMatch(new RegExp(`\\| \`${key}(\\.[^\`]+)?\` \\|`));
    for (const command of Object.keys(DEFAULT_POLICY.permissions)) expect(permissionsTable()).toContain(`| \`${command}\` |`);
  });
});

describe('The repository documents itself', () => {
  // The contract, the process and the architecture live under docs/; nothing may point to
  // documents outside the repository (a shared folder beside it) or by their old bare names.
  const outside = /\.\.\/shared\/[\w-]+\.md|(?<![\w/.-])(API|DOMAIN|ARCHITECTURE|STYLE)\.md/;
  const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((file) => /\.(ts|tsx|js|mjs|cjs|md|conf|json|ya?ml|sh)$/.test(file) && existsSync(join(root, file)));

  it('no tracked file refers to the docs by a path outside the repository', () => {
    const offenders = tracked.flatMap((file) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => outside.test(line)),
    );
    expect(offenders.map(({ at, line }) => `${at}: ${line.trim()}`)).toEqual([]);
  });

  it('the pattern catches both forms it forbids', () => {
    // Built from pieces so that this file does not match itself.
    expect(outside.test(`the contract of ../${'shared'}/API.md`)).toBe(true);
    expect(outside.test(`(ARCHITECTURE${'.md'} "Read models")`)).toBe(true);
    expect(outside.test('(docs/architecture.md "Read models") and README.md')).toBe(false);
  });
});
