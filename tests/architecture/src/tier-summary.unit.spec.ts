import { join } from 'node:path';

const root = join(__dirname, '../../..');
// tools/ is no Nx project: loaded by path, as jest loads it (--reporters).
const TierSummaryReporter = require(join(root, 'tools/test/tier-summary-reporter.cjs')) as new (config: unknown) => { onRunComplete(contexts: unknown, results: unknown): void };
type FileResult = { testFilePath: string; numPassingTests: number; numFailingTests: number; numPendingTests: number; numTodoTests: number; testExecError?: unknown };
const file = (path: string, passed: number, failed = 0, skipped = 0, execError = false): FileResult => ({
  testFilePath: join(root, path),
  numPassingTests: passed,
  numFailingTests: failed,
  numPendingTests: skipped,
  numTodoTests: 0,
  ...(execError ? { testExecError: { message: 'boom' } } : {}),
});

/** The closing summary `npm test` prints for these file results and this run context. */
const summary = (testResults: FileResult[], context: Record<string, unknown>): string[] => {
  const written: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const before = process.env.TEST_RUN_CONTEXT;
  process.env.TEST_RUN_CONTEXT = JSON.stringify(context);
  try {
    new TierSummaryReporter({}).onRunComplete(new Set(), { testResults });
  } finally {
    spy.mockRestore();
    if (before === undefined) delete process.env.TEST_RUN_CONTEXT;
    else process.env.TEST_RUN_CONTEXT = before;
  }
  return written.join('').split('\n').map((line) => line.trim());
};
const lineOf = (lines: string[], tier: string): string => lines.find((line) => line.startsWith(`${tier} `)) ?? `(no ${tier} line)`;

describe('The closing summary of a test run names each tier with its counts', () => {
  it('given a full run, then each tier shows passed, failed and skipped, failures to load counting as failed', () => {
    const lines = summary(
      [file('libs/a/src/x.unit.spec.ts', 5, 1, 2), file('libs/a/src/y.unit.spec.ts', 3), file('libs/a/src/z.int.spec.ts', 0, 0, 0, true), file('tests/e2e/src/w.e2e.spec.ts', 4)],
      { script: 'npm test', vitest: { files: 9, passed: 60, failed: 0, skipped: 1 } },
    );
    expect(lines[1]).toBe('test tiers (npm test):');
    expect(lineOf(lines, 'unit')).toContain('8 passed, 1 failed, 2 skipped (2 files)');
    expect(lineOf(lines, 'component')).toContain('60 passed, 0 failed, 1 skipped (9 files)');
    expect(lineOf(lines, 'integration')).toContain('0 passed, 1 failed, 0 skipped (1 file)');
    expect(lineOf(lines, 'e2e')).toContain('4 passed, 0 failed, 0 skipped (1 file)');
  });

  it('given one tier selected, then the others say they were not run and by which script', () => {
    const lines = summary([file('libs/a/src/x.unit.spec.ts', 1)], { script: 'npm run test:unit', tiers: ['unit', 'component'], vitest: { files: 1, passed: 1, failed: 0, skipped: 0 } });
    expect(lineOf(lines, 'integration')).toContain('not run — npm run test:unit selects unit, component');
    expect(lineOf(lines, 'browser')).toContain('not run');
    expect(lineOf(lines, 'kafka')).toBe('(no kafka line)');
  });

  it('given no Kafka broker, then the Kafka-dependent tiers say they were skipped and why', () => {
    const reason = 'SKIPPED — no KAFKA_BROKERS and no java+mvn to run a real broker on this machine';
    const lines = summary([file('libs/a/src/k.int.spec.ts', 0, 0, 3)], { script: 'npm run test:int', tiers: ['integration'], kafka: reason, kafkaSkipped: `kafka: ${reason}` });
    expect(lineOf(lines, 'integration')).toContain(`0 passed, 0 failed, 3 skipped (1 file) — SKIPPED: Kafka tests — kafka: ${reason}`);
    expect(lineOf(lines, 'kafka')).toContain(reason);
  });

  it('given a test file without a tier in its name, then it is listed apart', () => {
    const lines = summary([file('libs/a/src/odd.spec.ts', 2)], { script: 'npm test' });
    expect(lines.find((line) => line.startsWith('(no tier)'))).toContain('2 passed, 0 failed, 0 skipped (1 file) — name the tier in the file name');
  });
});
