import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NotificationMessage } from '@complaints/contracts';
import { WebhookNotifier, notifierFromEnv } from './notifier.adapters';

const chase: NotificationMessage = {
  schemaVersion: 1,
  eventId: '5b0e7a3c-9d7e-4c2a-8f00-1c2d3e4f5a6b',
  kind: 'chase',
  complaintId: '0f8a3c1e-2b4d-4e6f-8a0b-1c2d3e4f5a6b',
  at: '2026-03-05T02:00:00.000Z',
  toRole: 'cs_assistant',
  toDepartment: 'engineering',
  deadline: 'plan',
  dueAt: '2026-03-04T15:59:59.999Z',
  escalationLevel: 0,
};

describe('Webhook notifier (a real HTTP server on loopback)', () => {
  let server: Server;
  let status = 204;
  const received: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(body) as Record<string, unknown> });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/complaints`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    status = 204;
  });

  it('should POST the notification as JSON with a readable text and the event id as idempotency key', async () => {
    await new WebhookNotifier(url).deliver(chase);
    expect(received).toHaveLength(1);
    expect(received[0].headers['content-type']).toBe('application/json');
    expect(received[0].headers['idempotency-key']).toBe(chase.eventId);
    expect(received[0].body).toMatchObject({ kind: 'chase', complaintId: chase.complaintId, toRole: 'cs_assistant', deadline: 'plan' });
    expect(String(received[0].body.text)).toContain('催办');
    // What to tell, in both languages, from the catalogue (this message has no code: from its kind and fields).
    expect(received[0].body.texts).toEqual({
      'zh-CN': '催办：投诉的“整改措施”已于 2026-03-04T15:59:59.999Z 到期，请尽快办理。',
      en: 'Chase: the complaint’s “Rectification plan” was due 2026-03-04T15:59:59.999Z.',
    });
  });

  it('should fail the delivery when the webhook answers with an error, so the bus retries it', async () => {
    status = 503;
    await expect(new WebhookNotifier(url).deliver(chase)).rejects.toThrow('webhook answered 503');
  });

  it('should pick the webhook when NOTIFY_WEBHOOK_URL is set and the log otherwise', () => {
    expect(notifierFromEnv({ NOTIFY_WEBHOOK_URL: url }).channel).toBe('webhook');
    expect(notifierFromEnv({}).channel).toBe('log');
  });
});
