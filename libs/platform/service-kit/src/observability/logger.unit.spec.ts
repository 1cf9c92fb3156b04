import { Writable } from 'node:stream';
import { annotateLogContext, currentLogContext, runInLogContext } from './log-context';
import { createJsonLogger } from './logger';
import { batchLogContext } from '../bus/bus-transport';
import type { DeliveredMessage } from '@complaints/messaging';

/** A logger writing into an array, one parsed JSON object per line. */
const capture = (level: 'debug' | 'info' = 'info') => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createJsonLogger({ service: 'intake', level, destination });
  return { logger, lines, entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
};

describe('JSON logs', () => {
  it('should write one JSON object per line with time, level label, service and message', () => {
    const { logger, entries } = capture();
    logger.info({ context: 'relay' }, 'leading');
    expect(entries()).toEqual([expect.objectContaining({ level: 'info', service: 'intake', context: 'relay', msg: 'leading', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) })]);
  });

  it('should carry the correlation and causation ids, the complaint and the actor of the work in hand', () => {
    const { logger, entries } = capture();
    runInLogContext({ correlationId: 'corr-1' }, () =>
      annotateLogContext({ complaintId: 'c-1', actor: { id: 'u-1', role: 'cs_assistant' }, correlationId: 'ignored', causationId: 'cause-1' }, () => logger.info('decided')),
    );
    logger.info('outside');
    const [inside, outside] = entries();
    // What the context said first wins (the request's X-Correlation-Id), the rest is filled in.
    expect(inside).toMatchObject({ correlationId: 'corr-1', causationId: 'cause-1', complaintId: 'c-1', actor: { id: 'u-1', role: 'cs_assistant' } });
    expect(outside).not.toHaveProperty('complaintId');
    expect(outside).not.toHaveProperty('correlationId');
  });

  it('should open a context of its own for a command run outside any (scheduler), and keep contexts apart', async () => {
    const { logger, entries } = capture();
    await Promise.all([
      annotateLogContext({ complaintId: 'a' }, async () => {
        await new Promise((r) => setTimeout(r, 5));
        logger.info('a');
      }),
      annotateLogContext({ complaintId: 'b' }, async () => logger.info('b')),
    ]);
    expect(entries().map((e) => [e.msg, e.complaintId]).sort()).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
    expect(currentLogContext()).toEqual({});
  });

  it('should redact credentials and any complainant object logged by mistake', () => {
    const { logger, lines } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer secret-token' } }, command: { complainant: { name: '张女士', phone: '13800138000' } }, complainant: { unit: '1201' } }, 'oops');
    const text = lines.join('\n');
    expect(text).not.toContain('secret-token');
    expect(text).not.toContain('张女士');
    expect(text).not.toContain('13800138000');
    expect(text).not.toContain('1201');
    expect(text).toContain('[redacted]');
  });

  it('should hold back debug lines unless LOG_LEVEL is debug', () => {
    const quiet = capture('info');
    quiet.logger.debug('batch');
    expect(quiet.lines).toEqual([]);
    const verbose = capture('debug');
    verbose.logger.debug('batch');
    expect(verbose.entries()[0]).toMatchObject({ level: 'debug', msg: 'batch' });
  });
});

describe('A bus batch in the logs', () => {
  const message = (key: string, headers: Record<string, string>, actor = { id: 'u-1', role: 'duty_officer' }): DeliveredMessage => ({
    topic: 't',
    partition: 0,
    offset: '0',
    key,
    value: JSON.stringify({ metadata: { actor } }),
    headers,
  });

  it('should name what every message of the batch shares: complaint, correlation and causation ids, actor; a lone message its event', () => {
    const one = batchLogContext([message('c-1', { 'correlation-id': 'corr', 'causation-id': 'cause', 'event-id': 'e-1', 'event-type': 'ComplaintTriaged' })], 'triage');
    expect(one).toEqual({ group: 'triage', complaintId: 'c-1', correlationId: 'corr', causationId: 'cause', actor: { id: 'u-1', role: 'duty_officer' }, eventId: 'e-1', eventType: 'ComplaintTriaged' });
  });

  it('should leave out what the messages of a batch do not share', () => {
    const mixed = batchLogContext(
      [message('c-1', { 'correlation-id': 'corr', 'event-id': 'e-1' }), message('c-2', { 'correlation-id': 'corr', 'event-id': 'e-2' }, { id: 'u-2', role: 'handler' })],
      'reporting',
    );
    expect(mixed).toMatchObject({ group: 'reporting', correlationId: 'corr' });
    expect(mixed.complaintId).toBeUndefined();
    expect(mixed.actor).toBeUndefined();
    expect(mixed.eventId).toBeUndefined();
  });
});
