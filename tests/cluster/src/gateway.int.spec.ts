import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const SERVICES = ['intake', 'triage', 'handling', 'callback', 'reporting'] as const;

/** The gateway proxies with http-proxy-middleware (a dependency of the workspace); without it the launcher cannot run. */
const missing = ((): string | undefined => {
  try {
    require.resolve('http-proxy-middleware');
    return undefined;
  } catch {
    return 'http-proxy-middleware is not installed (npm install)';
  }
})();
if (missing) console.warn(`\n*** cluster gateway tests SKIPPED — ${missing} ***\n`);
const describeWithProxy = missing ? describe.skip : describe;

/** A stand-in for one service: answers who it is and what it received, and a one-operation OpenAPI document. */
const stub = (name: string): Server =>
  createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.url?.startsWith('/api/events/stream')) {
        // The live stream: one frame now, then held open (as reporting holds it).
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        res.write(`id: 7\nevent: change\ndata: ${JSON.stringify({ service: name, lastEventId: req.headers['last-event-id'] ?? null })}\n\n`);
        return;
      }
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/docs-json') {
        const path = { intake: '/api/complaints', triage: '/api/complaints/{id}/triage', handling: '/api/complaints/{id}/plan', callback: '/api/callbacks', reporting: '/api/complaints/{id}' }[name] as string;
        const method = name === 'reporting' || name === 'callback' ? 'get' : 'post';
        res.end(JSON.stringify({ openapi: '3.0.0', info: { title: name, version: '1' }, paths: { [path]: { [method]: { operationId: name } }, '/api/health': { get: {} } }, components: { schemas: { [`${name}Dto`]: { type: 'object' } } } }));
        return;
      }
      res.end(JSON.stringify({ service: name, method: req.method, url: req.url, body, forwardedFor: req.headers['x-forwarded-for'] ?? null }));
    });
  });

const listen = (server: Server): Promise<string> => new Promise((done) => server.listen(0, '127.0.0.1', () => done(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const close = (server: Server): Promise<void> =>
  new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });

describeWithProxy('The cluster gateway (tools/cluster/gateway.cjs) in front of five services', () => {
  const stubs = new Map<string, Server>();
  let gateway: Server;
  let base = '';

  beforeAll(async () => {
    const urls: Record<string, string> = {};
    for (const name of SERVICES) {
      const server = stub(name);
      stubs.set(name, server);
      urls[name] = await listen(server);
    }
    const { createGateway } = require(join(root, 'tools/cluster/gateway.cjs')) as { createGateway: (options: { services: Record<string, string> }) => Server };
    gateway = createGateway({ services: urls });
    base = await listen(gateway);
  });
  afterAll(async () => {
    await close(gateway);
    for (const server of stubs.values()) if (server.listening) await close(server);
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('sends each request, path, query and body unchanged, to the service that owns it', async () => {
    expect((await call('POST', '/api/complaints', { title: '电梯困人' })).body).toMatchObject({ service: 'intake', method: 'POST', url: '/api/complaints', body: '{"title":"电梯困人"}' });
    expect((await call('GET', '/api/complaints?siteId=site-a&q=电梯')).body).toMatchObject({ service: 'reporting', url: `/api/complaints?siteId=site-a&q=${encodeURIComponent('电梯')}` });
    expect((await call('GET', '/api/complaints/c1/triage/suggestion')).body).toMatchObject({ service: 'triage' });
    expect((await call('POST', '/api/complaints/c1/resolve', {})).body).toMatchObject({ service: 'handling' });
    expect((await call('POST', '/api/complaints/c1/callbacks', {})).body).toMatchObject({ service: 'callback' });
    expect((await call('GET', '/dashboard/route')).body).toMatchObject({ service: 'reporting', url: '/dashboard/route' });
  });

  it('passes the live stream through from reporting as it is written, with the Last-Event-ID header', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/events/stream`, { headers: { 'last-event-id': '6' }, signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    // The first frame arrives while the stream is still open: nothing waits for the end.
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    controller.abort();
    expect(new TextDecoder().decode(value)).toContain('data: {"service":"reporting","lastEventId":"6"}');
  });

  it('tells the service who the client is (X-Forwarded-For)', async () => {
    expect((await call('GET', '/api/complaints/c1')).body.forwardedFor).toMatch(/127\.0\.0\.1/);
  });

  it('serves one OpenAPI document merged from the services, and the page that shows it', async () => {
    const { status, body } = await call('GET', '/api/docs-json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths as object).sort()).toEqual(['/api/callbacks', '/api/complaints', '/api/complaints/{id}', '/api/complaints/{id}/plan', '/api/complaints/{id}/triage', '/api/health']);
    expect(Object.keys((body.components as { schemas: object }).schemas).sort()).toEqual(['callbackDto', 'handlingDto', 'intakeDto', 'reportingDto', 'triageDto']);
    const page = await fetch(`${base}/api/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/api/docs/swagger-ui-bundle.js');
    expect((await fetch(`${base}/api/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it('given a service that is down, then its requests get a 502 in the API error shape', async () => {
    await close(stubs.get('handling') as Server);
    const { status, body } = await call('POST', '/api/complaints/c1/plan', {});
    expect(status).toBe(502);
    expect(body).toMatchObject({ statusCode: 502, error: 'Bad Gateway' });
    expect(body.message).toContain('handling');
    expect((await call('GET', '/api/docs-json')).status).toBe(502);
  });
});
