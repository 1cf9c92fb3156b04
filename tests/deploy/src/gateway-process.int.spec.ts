import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort } from '@complaints/testing';

/**
 * The gateway as its own process (tools/cluster/gateway-main.cjs, what infra/k8s runs):
 * its liveness answer, and `/api/health` (its readiness probe) proxied to reporting at
 * REPORTING_URL; a service that is down is a 502 in the API's error shape.
 */
const root = join(__dirname, '../../..');

describe('The gateway process (Kubernetes entry point)', () => {
  let stub: Server;
  let gateway: ChildProcess;
  let url = '';

  beforeAll(async () => {
    stub = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', from: 'reporting-stub', path: req.url }));
    });
    await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
    const port = await freePort();
    const reporting = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    gateway = spawn(process.execPath, [join(root, 'tools/cluster/gateway-main.cjs')], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REPORTING_URL: reporting, INTAKE_URL: 'http://127.0.0.1:1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    url = `http://127.0.0.1:${port}`;
    for (let tries = 0; ; tries++) {
      const ok = await fetch(`${url}/gateway/health`).then((r) => r.ok, () => false);
      if (ok) break;
      if (tries > 100) throw new Error('gateway did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (gateway && gateway.exitCode === null) {
      const exited = new Promise((r) => gateway.once('exit', r));
      gateway.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => stub?.close(r));
  });

  it('should answer its own liveness probe and send /api/health to reporting', async () => {
    expect(await (await fetch(`${url}/gateway/health`)).json()).toEqual({ status: 'ok' });
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ from: 'reporting-stub', path: '/api/health' });
  });

  it('should answer 502 in the API error shape when the service a request belongs to is down', async () => {
    const res = await fetch(`${url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ statusCode: 502, error: 'Bad Gateway' });
  });

  it('should stop on SIGTERM', async () => {
    const exited = new Promise<number | null>((r) => gateway.once('exit', (code) => r(code)));
    gateway.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
