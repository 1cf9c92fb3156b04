/** Small measuring helpers: percentiles, /proc readings, progress lines. */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

const started = performance.now();

/** Progress goes to stderr, so stdout carries only the report. */
export const progress = (line: string): void => {
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[system-bench ${seconds} s | load ${loadavg()[0].toFixed(1)}] ${line}\n`);
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const round = (n: number, digits = 0): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

export const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined || !Number.isFinite(n) ? '—' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export type Latency = { count: number; p50: number; p99: number; max: number; mean: number };

export const summarize = (samples: number[]): Latency => {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN;
  return { count: sorted.length, p50: round(at(50), 1), p99: round(at(99), 1), max: round(sorted[sorted.length - 1] ?? NaN, 1), mean: round(mean, 1) };
};

/** Peak (VmHWM) and current (VmRSS) resident memory of a process, in MiB. */
export const processMemory = (pid: number): { peakMiB: number; rssMiB: number } | undefined => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { peakMiB: round(kb('VmHWM') / 1024, 1), rssMiB: round(kb('VmRSS') / 1024, 1) };
  } catch {
    return undefined;
  }
};

/** CPU seconds (user + system) a process has used so far; undefined when it is gone. */
export const processCpuSeconds = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
};

/** The pids of every process whose command name is `name` (e.g. all PostgreSQL backends). */
export const pidsNamed = (name: string): number[] =>
  readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === name;
      } catch {
        return false;
      }
    })
    .map(Number);

/** Machine-wide busy CPU seconds so far (all cores), from /proc/stat. */
export const machineCpu = (): { busy: number; total: number } => {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  const idle = cpu[3] + cpu[4];
  const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / 100, total: total / 100 };
};

/**
 * Where the CPU went during a phase: seconds per named process group and for the whole
 * machine (so work from outside this benchmark shows up as "other").
 */
export class CpuMeter {
  private readonly before = new Map<string, number>();
  private machineBefore = machineCpu();
  private postgresBefore = new Map<number, number>();
  private selfBefore = process.cpuUsage();
  private at = performance.now();

  constructor(private readonly groups: () => Record<string, number[]>) {
    this.reset();
  }

  reset(): void {
    this.before.clear();
    for (const [name, pids] of Object.entries(this.groups())) this.before.set(name, pids.reduce((a, p) => a + (processCpuSeconds(p) ?? 0), 0));
    this.postgresBefore = new Map(pidsNamed('postgres').map((p) => [p, processCpuSeconds(p) ?? 0]));
    this.machineBefore = machineCpu();
    this.selfBefore = process.cpuUsage();
    this.at = performance.now();
  }

  /** CPU seconds per group since the last reset, plus PostgreSQL (all backends), this load generator and the machine. */
  read(): { wallSeconds: number; cpuSeconds: Record<string, number> } {
    const cpuSeconds: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.groups())) cpuSeconds[name] = round(pids.reduce((a, p) => a + (processCpuSeconds(p) ?? 0), 0) - (this.before.get(name) ?? 0), 1);
    let pg = 0;
    for (const pid of pidsNamed('postgres')) pg += (processCpuSeconds(pid) ?? 0) - (this.postgresBefore.get(pid) ?? 0);
    cpuSeconds.postgresql = round(pg, 1);
    const self = process.cpuUsage(this.selfBefore);
    cpuSeconds['load generator (this process)'] = round((self.user + self.system) / 1e6, 1);
    const machine = machineCpu();
    cpuSeconds['machine, all processes'] = round(machine.busy - this.machineBefore.busy, 1);
    return { wallSeconds: round((performance.now() - this.at) / 1000, 1), cpuSeconds };
  }
}

/** Samples the 1-minute load average while the benchmark runs. */
export class LoadSampler {
  private readonly samples: { at: string; load1: number }[] = [];
  private timer?: NodeJS.Timeout;

  start(intervalMs = 5_000): void {
    const take = () => this.samples.push({ at: new Date().toISOString(), load1: loadavg()[0] });
    take();
    this.timer = setInterval(take, intervalMs);
    this.timer.unref();
  }

  stop(): { min: number; max: number; mean: number; samples: number } {
    if (this.timer) clearInterval(this.timer);
    const values = this.samples.map((s) => s.load1);
    return {
      min: round(Math.min(...values), 2),
      max: round(Math.max(...values), 2),
      mean: round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length), 2),
      samples: values.length,
    };
  }
}
