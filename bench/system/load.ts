/** The load generator: a keep-alive HTTP client and closed-loop / fixed-rate drivers. */
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { sleep, summarize, type Latency } from './measure';

export type HttpResult = { status: number; body: string; ms: number };

/** node:http with keep-alive sockets: much cheaper per request than fetch, so the load generator takes less of the 2 cores. */
export class HttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });

  request(baseUrl: string, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const url = new URL(path, baseUrl);
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          agent: this.agent,
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path}: no answer in 30 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export type LoadResult = { ok: number; failed: number; seconds: number; perSecond: number; latency: Latency; firstErrors: string[] };

/**
 * `concurrency` clients, each sending its next request as soon as the previous one is
 * answered, for `durationMs` (closed loop). `op` returns its latency in ms, or throws.
 */
export const closedLoop = async (concurrency: number, durationMs: number, op: (client: number, i: number) => Promise<number>): Promise<LoadResult> => {
  const latencies: number[] = [];
  const errors: string[] = [];
  let failed = 0;
  let i = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      while (performance.now() < deadline) {
        try {
          latencies.push(await op(client, i++));
        } catch (error) {
          failed++;
          if (errors.length < 5) errors.push(String(error instanceof Error ? error.message : error));
          await sleep(20);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { ok: latencies.length, failed, seconds, perSecond: latencies.length / seconds, latency: summarize(latencies), firstErrors: errors };
};

/**
 * Starts `op` at a fixed rate (open loop: a slow answer does not slow the arrivals) for
 * `durationMs`, and waits for all of them. `op` returns a sample (ms), undefined (no sample), or throws.
 */
export const fixedRate = async (perSecond: number, durationMs: number, op: (i: number) => Promise<number | undefined>): Promise<LoadResult & { behindMs: number }> => {
  const samples: number[] = [];
  let ok = 0;
  let inFlight = 0;
  const errors: string[] = [];
  const running: Promise<void>[] = [];
  let failed = 0;
  let behindMs = 0;
  const total = Math.round((perSecond * durationMs) / 1000);
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    else behindMs = Math.max(behindMs, -wait);
    // Bounded: never more than 512 outstanding (the arrivals fall behind instead, reported as behindMs).
    while (inFlight >= 512) await sleep(5);
    inFlight++;
    running.push(
      op(i).then(
        (ms) => {
          inFlight--;
          ok++;
          if (ms !== undefined) samples.push(ms);
        },
        (error: unknown) => {
          inFlight--;
          failed++;
          if (errors.length < 5) errors.push(String(error instanceof Error ? error.message : error));
        },
      ),
    );
  }
  await Promise.all(running);
  const seconds = (performance.now() - started) / 1000;
  return { ok, failed, seconds, perSecond: total / (durationMs / 1000), latency: summarize(samples), firstErrors: errors, behindMs };
};
