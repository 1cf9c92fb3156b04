import { ACTORS, complaintBody } from '../../tests/e2e/src/support/five-process-system';
import type { FaultSystem } from './system';
import { progress, seconds } from './harness';

const DAY = 86_400_000;

/**
 * How far each complaint goes (by its index, so every run has the same mix):
 *  30 % registered only · 20 % triaged · 10 % triaged + first reply · 20 % resolved and
 *  closed by a satisfied callback · 10 % resolved, callback pending · 10 % collective
 *  (major: a notification) triaged, resolved and closed by an on-site callback.
 * Every 20th complainant is anonymous, without a phone number (no contact-index row expected).
 */
export type Plan = 'registered' | 'triaged' | 'replied' | 'closed' | 'resolved' | 'major_closed';
const PLANS: Plan[] = ['registered', 'registered', 'registered', 'triaged', 'triaged', 'replied', 'closed', 'closed', 'resolved', 'major_closed'];
export const planOf = (i: number): Plan => PLANS[i % PLANS.length];

export type WorkloadResult = { registered: string[]; elapsedMs: number; requests: number };

const triageBody = (major: boolean) => ({ nature: 'valid', severity: major ? 'major' : 'minor', urgency: 'normal', category: major ? 'facilities' : 'repairs', department: 'engineering' });

/** One complaint's steps; returns its id (undefined if the registration was refused). */
export const runComplaint = async (system: FaultSystem, i: number, runTag: string, plan: Plan = planOf(i)): Promise<string | undefined> => {
  const major = plan === 'major_closed';
  const overrides: Record<string, unknown> = {
    title: major ? `地下车库积水 #${i}` : `楼道灯不亮 #${i}`,
    description: major ? `12户业主反映地下车库积水严重（${i}）` : `5号楼18层楼道灯坏了三天，晚上看不见路（${i}）`,
    complainant: i % 20 === 1 ? { name: '李先生', building: '2', unit: '301', anonymous: true } : { name: '陈女士', phone: `139${String(10_000_000 + i).slice(-8)}`, building: '5', unit: '1802' },
    ...(major ? { householdCount: 12 } : {}),
  };
  const registered = await system.post('/api/complaints', complaintBody(overrides), ACTORS.assistant, `${runTag}-${i}`);
  if (registered.outcome !== 'accepted') return undefined;
  const id = registered.body.id as string;
  if (plan === 'registered') return id;
  await system.post(`/api/complaints/${id}/triage`, triageBody(major), ACTORS.duty);
  if (plan === 'triaged') return id;
  if (plan === 'replied') {
    await system.post(`/api/complaints/${id}/replies`, { kind: 'first', message: '已安排电工明天上午维修', resolvedOnSpot: false, nextReplyDueAt: new Date(Date.now() + 20 * DAY).toISOString() }, ACTORS.handler);
    return id;
  }
  await system.post(`/api/complaints/${id}/resolve`, { resolution: '已更换灯具', rootCause: '灯具老化', responsibleDepartment: 'engineering', correctiveActions: '更换灯具', preventiveActions: '每月巡检楼道灯' }, ACTORS.handler);
  if (plan === 'resolved') return id;
  if (major) await system.post(`/api/complaints/${id}/callbacks`, { method: 'visit', reached: true, satisfaction: 2, comment: '上门回访' }, ACTORS.csManager);
  else await system.post(`/api/complaints/${id}/callbacks`, { method: 'phone', reached: true, satisfaction: 2, comment: '满意' }, ACTORS.assistant);
  return id;
};

/**
 * Drives `count` complaints through their plans from `concurrency` workers; `onProgress`
 * sees the fraction done (the fault scenarios hang their faults on it).
 */
export const runWorkload = async (
  system: FaultSystem,
  count: number,
  concurrency: number,
  runTag: string,
  onProgress: (done: number) => void = () => undefined,
): Promise<WorkloadResult> => {
  const started = Date.now();
  const registered: string[] = [];
  let next = 0;
  let done = 0;
  let lastReport = Date.now();
  const requestsBefore = system.stats.accepted + system.stats.refused + system.stats.settledAfterRetry;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const id = await runComplaint(system, i, runTag);
        if (id) registered.push(id);
        done++;
        onProgress(done);
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          const rate = done / ((Date.now() - started) / 1000);
          progress(`workload: ${done}/${count} complaints (${rate.toFixed(1)}/s, ${system.stats.retries} retried requests)`);
        }
      }
    }),
  );
  const elapsedMs = Date.now() - started;
  progress(`workload: ${count} complaints in ${seconds(elapsedMs)} s`);
  return { registered, elapsedMs, requests: system.stats.accepted + system.stats.refused + system.stats.settledAfterRetry - requestsBefore };
};
