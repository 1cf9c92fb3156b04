/** Where a V8 CPU profile (.cpuprofile) spent its samples: self time by function and by package. */
import { readFileSync } from 'node:fs';
import { round } from './measure';

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[] };

export type ProfileSummary = { seconds: number; idlePercent: number; byPackage: { name: string; percent: number }[]; byFunction: { name: string; percent: number }[] };

const packageOf = (url: string, functionName: string): string => {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node: core';
  const w = /\/dist\/(libs\/[^/]+(?:\/[^/]+)?|apps\/[^/]+)\//.exec(url);
  return w ? w[1] : url;
};

export const summarizeProfile = (file: string, top = 15): ProfileSummary => {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const hits = new Map<number, number>();
  for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
  const total = profile.samples.length || 1;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let idle = 0;
  for (const node of profile.nodes) {
    const n = hits.get(node.id) ?? 0;
    if (!n) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idle += n;
    const pkg = packageOf(url, functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n);
    const fn = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => ({ name, percent: round((n / total) * 100, 1) }));
  return { seconds: round((profile.endTime - profile.startTime) / 1e6, 1), idlePercent: round((idle / total) * 100, 1), byPackage: rank(byPackage), byFunction: rank(byFunction) };
};
