import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { topicNames } from '@complaints/contracts';
import { ACTORS, SERVICES, complaintBody, type ServiceName } from '../../tests/e2e/src/support/five-process-system';
import { FaultSystem } from './system';
import { publishRaw } from './kafka-tools';
import { CONSUMERS, EVENT_GROUPS, NOTIFICATION_GROUPS, drain, pipelineState, reconcile, type Check, type ExpectedDeadLetter } from './reconcile';
import { runWorkload } from './workload';
import { progress, seconds, sleep, type OwnBroker, type OwnPostgres } from './harness';

export type ScenarioName = 'kill' | 'restart' | 'poison';

export type Settings = {
  complaints: number;
  concurrency: number;
  killEveryMs: number;
  stallMs: number;
  clockOffsetMs: number;
  schedulerIntervalMs: number;
  downMs: number;
};

export type Fault = { at: string; what: string; downMs?: number; recoveryMs?: number; note?: string };

export type ScenarioResult = {
  scenario: ScenarioName;
  complaints: number;
  concurrency: number;
  workloadMs: number;
  requests: number;
  requestStats: FaultSystem['stats'];
  refusals: string[];
  drainMs: number;
  drained: boolean;
  totalMs: number;
  streams: number;
  events: number;
  faults: Fault[];
  checks: Check[];
  ok: boolean;
  logs: string;
};

type Infra = { broker: OwnBroker; postgres: OwnPostgres };

const startSystem = async (label: string, infra: Infra, settings: Settings): Promise<FaultSystem> => {
  const system = new FaultSystem({
    label,
    adminUrl: infra.postgres.adminUrl,
    brokers: infra.broker.brokers,
    clockOffsetMs: settings.clockOffsetMs,
    schedulerIntervalMs: settings.schedulerIntervalMs,
  });
  await system.start();
  progress(`${label}: system up (topics ${system.topicPrefix}.*): ${system.describe()}`);
  return system;
};

/**
 * How long the pipeline takes to move again after a fault: until the relay checkpoint and
 * every consumer group's processed count have advanced past where they stood when the
 * fault ended (new events keep coming from the workload). Undefined if it never does.
 */
const measureRecovery = async (system: FaultSystem, probes: string[], timeoutMs = 300_000): Promise<number | undefined> => {
  const started = Date.now();
  // A probe complaint through the API, so there is something new to publish even when the workload has ended.
  const tag = `probe-${system.topicPrefix}-${probes.length}`;
  void system
    .post('/api/complaints', complaintBody({ title: '探针 probe', description: `故障恢复探针 ${tag}` }), ACTORS.assistant, tag)
    .then((r) => (r.outcome === 'accepted' ? probes.push(r.body.id as string) : undefined))
    .catch(() => undefined);
  let base: Awaited<ReturnType<typeof pipelineState>> | undefined;
  while (Date.now() - started < timeoutMs) {
    try {
      const state = await pipelineState(system);
      if (!base) base = state;
      else {
        const moved = state.checkpoint > base.checkpoint && CONSUMERS.filter((c) => c.consumer !== 'notifier' && c.consumer !== 'intake').every((c) => state.processed[c.consumer] > (base?.processed[c.consumer] ?? 0));
        if (moved) return Date.now() - started;
      }
    } catch {
      // the database may still be coming back
    }
    await sleep(250);
  }
  return undefined;
};

const finish = async (
  scenario: ScenarioName,
  system: FaultSystem,
  settings: Settings,
  started: number,
  work: { registered: string[]; elapsedMs: number; requests: number },
  faults: Fault[],
  deadLetters: ExpectedDeadLetter[],
  brokers: string[],
  extra: Check[] = [],
): Promise<ScenarioResult> => {
  progress(`${scenario}: draining`);
  const drained = await drain(system, settings.stallMs);
  progress(`${scenario}: ${drained.settled ? 'drained' : 'NOT drained'} in ${seconds(drained.ms)} s; reconciling`);
  const { checks, streams, events } = await reconcile(system, { registered: work.registered, deadLetters, brokers, schedulerIntervalMs: settings.schedulerIntervalMs });
  checks.push(...extra);
  const ok = checks.every((c) => c.ok);
  progress(`${scenario}: reconciliation ${ok ? 'CLEAN' : 'FAILED'} (${checks.filter((c) => !c.ok).length} of ${checks.length} checks mismatched)`);
  return {
    scenario,
    complaints: settings.complaints,
    concurrency: settings.concurrency,
    workloadMs: work.elapsedMs,
    requests: work.requests,
    requestStats: { ...system.stats },
    refusals: system.refusals,
    drainMs: drained.ms,
    drained: drained.settled,
    totalMs: Date.now() - started,
    streams,
    events,
    faults,
    checks,
    ok,
    logs: dirname(system.services.intake.logFile),
  };
};

const stamp = (started: number) => `${seconds(Date.now() - started)} s`;

/** 1. SIGKILL a random service (relay in intake, scheduler in handling, or a consumer) every few seconds. */
export const killRun = async (infra: Infra, settings: Settings): Promise<ScenarioResult> => {
  const system = await startSystem('kill', infra, settings);
  try {
    const started = Date.now();
    const faults: Fault[] = [];
    let running = true;
    const killer = (async () => {
      while (running) {
        await sleep(settings.killEveryMs);
        if (!running) break;
        const name: ServiceName = SERVICES[Math.floor(Math.random() * SERVICES.length)];
        const victim = system.services[name];
        const pid = victim.pid;
        const killedAt = Date.now();
        await victim.kill('SIGKILL');
        const at = stamp(started);
        try {
          await victim.start();
          if (name === 'handling' || name === 'callback') await system.applyClock(name);
          const role = name === 'intake' ? ' (relay + contact index)' : name === 'handling' ? ' (scheduler + consumers)' : '';
          faults.push({ at, what: `SIGKILL ${name}${role} pid ${pid}`, recoveryMs: Date.now() - killedAt, note: `back as pid ${victim.pid}` });
          progress(`kill: ${name} pid ${pid} SIGKILLed at ${at}, healthy again (pid ${victim.pid}) after ${seconds(Date.now() - killedAt)} s`);
        } catch (error) {
          faults.push({ at, what: `SIGKILL ${name} pid ${pid}`, note: `did not come back: ${(error as Error).message}` });
          progress(`kill: ${name} did not come back: ${(error as Error).message}`);
        }
      }
    })();
    const work = await runWorkload(system, settings.complaints, settings.concurrency, `kill-${system.topicPrefix}`).finally(() => (running = false));
    await killer;
    const restarts = faults.map((f) => f.recoveryMs ?? 0).filter(Boolean);
    progress(`kill: ${faults.length} kills during the workload; restart to healthy median ${seconds(restarts.sort((a, b) => a - b)[Math.floor(restarts.length / 2)] ?? 0)} s`);
    const notBack = faults.filter((f) => f.recoveryMs === undefined);
    return await finish('kill', system, settings, started, work, faults, [], infra.broker.brokers, [
      { check: 'killed processes restarted and healthy', expected: String(faults.length), found: String(faults.length - notBack.length), ok: notBack.length === 0 },
    ]);
  } finally {
    await system.stop();
  }
};

/** 2. Crash and restart the Kafka broker at 30 % of the workload, restart PostgreSQL at 65 %. */
export const restartRun = async (infra: Infra, settings: Settings): Promise<ScenarioResult> => {
  const system = await startSystem('restart', infra, settings);
  // A service that dies of the fault is started again (as an orchestrator would), and counted.
  for (const service of Object.values(system.services)) service.supervise = async (s) => system.applyClock(s.name as ServiceName);
  try {
    const started = Date.now();
    const faults: Fault[] = [];
    const probes: string[] = [];
    const pending: Promise<void>[] = [];
    let kafkaDone = false;
    let postgresDone = false;
    const onProgress = (done: number) => {
      if (!kafkaDone && done >= settings.complaints * 0.3) {
        kafkaDone = true;
        pending.push(
          (async () => {
            const at = stamp(started);
            progress(`restart: SIGKILL of the Kafka broker at ${at}`);
            const r = await infra.broker.crashAndRestart(settings.downMs);
            progress(`restart: broker back after ${seconds(r.downMs)} s down (start took ${seconds(r.startMs)} s); waiting for the pipeline to move`);
            const recoveryMs = await measureRecovery(system, probes);
            progress(`restart: pipeline moving again ${recoveryMs === undefined ? 'NEVER (timeout)' : `${seconds(recoveryMs)} s after the broker was back`}`);
            faults.push({ at, what: `Kafka broker SIGKILLed, restarted on the same data dir`, downMs: r.downMs, recoveryMs, note: `broker start ${seconds(r.startMs)} s` });
          })(),
        );
      }
      if (!postgresDone && kafkaDone && done >= settings.complaints * 0.65) {
        postgresDone = true;
        pending.push(
          (async () => {
            await pending[0];
            const at = stamp(started);
            progress(`restart: restarting PostgreSQL at ${at}`);
            const r = await infra.postgres.restart(settings.downMs);
            progress(`restart: PostgreSQL back after ${seconds(r.downMs)} s down; waiting for the pipeline to move`);
            const recoveryMs = await measureRecovery(system, probes);
            progress(`restart: pipeline moving again ${recoveryMs === undefined ? 'NEVER (timeout)' : `${seconds(recoveryMs)} s after PostgreSQL was back`}`);
            faults.push({ at, what: 'PostgreSQL stopped (fast shutdown) and started again', downMs: r.downMs, recoveryMs, note: `server start ${seconds(r.startMs)} s` });
          })(),
        );
      }
    };
    const work = await runWorkload(system, settings.complaints, settings.concurrency, `restart-${system.topicPrefix}`, onProgress);
    await Promise.all(pending);
    work.registered.push(...probes);
    const recovered = faults.filter((f) => f.recoveryMs !== undefined).length;
    return await finish('restart', system, settings, started, work, faults, [], infra.broker.brokers, [
      { check: 'faults injected (broker, PostgreSQL) and the pipeline moved again by itself', expected: '2', found: String(recovered), ok: faults.length === 2 && recovered === 2 },
    ]);
  } finally {
    await system.stop();
  }
};

/** 3. Poison messages on the events and the notifications topic, keyed like a live complaint. */
export const poisonRun = async (infra: Infra, settings: Settings): Promise<ScenarioResult> => {
  const system = await startSystem('poison', infra, settings);
  try {
    const started = Date.now();
    const topics = topicNames(system.topicPrefix);
    const faults: Fault[] = [];
    const deadLetters: ExpectedDeadLetter[] = [];
    let canaryId = '';
    let poisonedAt = 0;
    const canary = (async () => {
      // A live complaint: the poison goes on its partition (same key), then its lifecycle goes on.
      const registered = await system.post('/api/complaints', complaintBody({ title: '金丝雀 canary', description: '毒消息之后的投诉 canary after the poison' }), ACTORS.assistant, `canary-${system.topicPrefix}`);
      canaryId = registered.body.id as string;
      await sleep(2_000);
      const now = new Date().toISOString();
      const poison = (kind: string, value: string) => {
        const poisonId = `${kind}-${randomUUID().slice(0, 8)}`;
        return { poisonId, message: { key: canaryId, value, headers: { 'fault-poison': poisonId, 'event-type': 'Poison' } } };
      };
      const onEvents = [
        poison('not-json', '{"schemaVersion":1, this is not JSON'),
        poison('wrong-schema', JSON.stringify({ schemaVersion: 99, hello: 'world' })),
        poison(
          'bad-event-id',
          JSON.stringify({ schemaVersion: 1, eventId: 'not-a-uuid', type: 'ComplaintTriaged', complaintId: canaryId, streamId: `complaint-${canaryId}`, revision: 1, position: '0', recordedAt: now, data: {}, metadata: {} }),
        ),
      ];
      const onNotifications = [
        poison('not-json', 'not json at all'),
        poison('wrong-schema', JSON.stringify({ schemaVersion: 1, kind: 'chase' })),
        poison('bad-event-id', JSON.stringify({ schemaVersion: 1, eventId: 'not-a-uuid', kind: 'chase', complaintId: canaryId, at: now, toRole: 'cs_assistant' })),
      ];
      await publishRaw(infra.broker.brokers, topics.complaintEvents, onEvents.map((p) => p.message));
      await publishRaw(infra.broker.brokers, topics.notifications, onNotifications.map((p) => p.message));
      poisonedAt = Date.now();
      for (const p of onEvents) deadLetters.push({ topic: topics.complaintEvents, poisonId: p.poisonId, groups: EVENT_GROUPS });
      for (const p of onNotifications) deadLetters.push({ topic: topics.notifications, poisonId: p.poisonId, groups: NOTIFICATION_GROUPS });
      faults.push({ at: stamp(started), what: `3 poison messages on ${topics.complaintEvents} and 3 on ${topics.notifications}, keyed by complaint ${canaryId}` });
      progress(`poison: 6 poison messages published keyed by ${canaryId}; the canary's lifecycle goes on`);
      // After the poison, on the same partitions: triage (a chase follows on the offset clock), resolve, callback.
      await system.post(`/api/complaints/${canaryId}/triage`, { nature: 'valid', severity: 'minor', urgency: 'normal', category: 'repairs', department: 'engineering' }, ACTORS.duty);
      const chased = async () =>
        system.count(`SELECT count(*) AS n FROM event_store.events WHERE stream_id = $1 AND type = 'DeadlineChased' AND recorded_at > to_timestamp($2 / 1000.0)`, [`complaint-${canaryId}`, poisonedAt]);
      for (let i = 0; i < 60 && (await chased()) === 0; i++) await sleep(1_000);
      await system.post(`/api/complaints/${canaryId}/resolve`, { resolution: '已处理', rootCause: '测试', responsibleDepartment: 'engineering', correctiveActions: '处理', preventiveActions: '巡检' }, ACTORS.handler);
      await system.post(`/api/complaints/${canaryId}/callbacks`, { method: 'phone', reached: true, satisfaction: 2 }, ACTORS.assistant);
    })();
    const work = await runWorkload(system, settings.complaints, settings.concurrency, `poison-${system.topicPrefix}`);
    await canary;
    work.registered.push(canaryId);
    // The partition kept flowing: the canary's events stored after the poison, applied by every consumer.
    const result = await finish('poison', system, settings, started, work, faults, deadLetters, infra.broker.brokers);
    const { rows } = await system.pool.query<{ event_id: string; type: string; data: Record<string, unknown>; stream_id: string; metadata: Record<string, unknown> }>(`SELECT event_id, type, data, stream_id, metadata FROM event_store.events WHERE stream_id = $1 AND recorded_at > to_timestamp($2 / 1000.0) ORDER BY stream_revision`, [
      `complaint-${canaryId}`,
      poisonedAt,
    ]);
    let expected = 0;
    let found = 0;
    const missing: string[] = [];
    for (const c of CONSUMERS) {
      const wanted = rows.filter((r) => c.wants({ id: r.event_id, streamId: r.stream_id, type: r.type, data: r.data, metadata: r.metadata, revision: 0, position: 0n, recordedAt: new Date(0) }));
      expected += wanted.length;
      for (const r of wanted) {
        const n = await system.count(`SELECT count(*) AS n FROM ${c.schema}.processed_events WHERE consumer = $1 AND event_id = $2`, [c.consumer, r.event_id]);
        if (n === 1) found++;
        else missing.push(`${c.consumer}: ${r.type}`);
      }
    }
    result.checks.push({
      check: `poisoned partitions kept flowing: the canary's ${rows.length} events after the poison (${rows.map((r) => r.type).join(', ')}) applied by each consumer`,
      expected: String(expected),
      found: String(found),
      ok: expected > 0 && found === expected && rows.some((r) => r.type === 'DeadlineChased'),
      ...(missing.length ? { detail: `not applied: ${missing.slice(0, 5).join('; ')}` } : {}),
    });
    result.ok = result.checks.every((c) => c.ok);
    progress(`poison: after the poison, ${found} of ${expected} applications of the canary's later events; run ${result.ok ? 'CLEAN' : 'FAILED'}`);
    return result;
  } finally {
    await system.stop();
  }
};
