import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * Runs a compiled service (`dist/apps/<name>/src/main.js`) as its own OS process, the
 * way the distributed topology does, for end-to-end and fault tests.
 */
/** The workspace (the folder holding nx.json), from the sources (jest) or a compiled copy under dist/ (benchmarks). */
export const workspaceRoot = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'nx.json'))) return dir;
  throw new Error(`No nx.json above ${__dirname}`);
})();

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });

export type ServiceProcess = {
  name: string;
  port: number;
  url: string;
  readonly pid: number;
  logFile: string;
  /** SIGKILL (a crash) or another signal; resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the process again with the same port and environment. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

const waitForHealth = async (url: string, child: ChildProcess, timeoutMs: number): Promise<void> => {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`process exited with code ${child.exitCode} before it was healthy`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`not healthy after ${timeoutMs} ms`);
};

export const startServiceProcess = async (
  name: string,
  env: Record<string, string>,
  options: { logDir?: string; healthTimeoutMs?: number } = {},
): Promise<ServiceProcess> => {
  const port = Number(env.PORT ?? (await freePort()));
  const logDir = options.logDir ?? join(workspaceRoot, 'tmp', 'e2e-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}-${port}.log`);
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess;
  let log: WriteStream;

  const launch = async () => {
    log = createWriteStream(logFile, { flags: 'a' });
    child = spawn(process.execPath, ['-r', join(workspaceRoot, 'tools/runtime-paths.cjs'), join(workspaceRoot, `dist/apps/${name}/src/main.js`)], {
      cwd: workspaceRoot,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: env.LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    try {
      await waitForHealth(url, child, options.healthTimeoutMs ?? 60_000);
    } catch (error) {
      child.kill('SIGKILL');
      throw new Error(`${name} (port ${port}): ${(error as Error).message}; see ${logFile}`);
    }
  };

  const exited = () => new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));

  await launch();
  return {
    name,
    port,
    url,
    get pid() {
      return child.pid ?? -1;
    },
    logFile,
    kill: async (signal = 'SIGKILL') => {
      const done = exited();
      child.kill(signal);
      await done;
    },
    restart: launch,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = exited();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
};

/** Polls until `probe` returns a value (not undefined) or the time runs out. */
export const eventually = async <T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000, intervalMs = 100): Promise<T> => {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
};

/** The broker the test command started, or undefined with the reason the Kafka tier is skipped. */
export const kafkaBrokers = (): string[] | undefined => process.env.KAFKA_BROKERS?.split(',').filter(Boolean);
export const kafkaSkipReason = (): string => process.env.KAFKA_TIER_SKIPPED ?? 'KAFKA_BROKERS is not set (run the tests with `npm test`, which starts a broker)';

/** The GreenMail SMTP server the test command started (infra/greenmail), or undefined with the reason. */
export const greenMail = (): { smtpHost: string; smtpPort: number; apiUrl: string } | undefined =>
  process.env.GREENMAIL_SMTP_PORT && process.env.GREENMAIL_API_URL
    ? { smtpHost: '127.0.0.1', smtpPort: Number(process.env.GREENMAIL_SMTP_PORT), apiUrl: process.env.GREENMAIL_API_URL }
    : undefined;
export const greenMailSkipReason = (): string =>
  process.env.GREENMAIL_SKIPPED ?? 'GREENMAIL_SMTP_PORT / GREENMAIL_API_URL are not set (run the tests with `node tools/test/run-tests.mjs`, which starts GreenMail)';

export type ReceivedMail = { subject?: string; mimeMessage: string; text: string };

const decodeMimeText = (mime: string): string => {
  // Every text part of the message, decoded (base64 or quoted-printable), joined.
  const parts: string[] = [];
  const re = /Content-Transfer-Encoding:\s*(base64|quoted-printable|8bit|7bit)\s*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([\s\S]*?)(?=\r?\n--|$)/gi;
  for (let m = re.exec(mime); m; m = re.exec(mime)) {
    const [, encoding, body] = m;
    if (encoding.toLowerCase() === 'base64') parts.push(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'));
    else if (encoding.toLowerCase() === 'quoted-printable')
      parts.push(Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
    else parts.push(body);
  }
  return parts.join('\n');
};

/** The mail GreenMail holds for an address, read back over its REST API, with the text parts decoded. */
export const readMailbox = async (apiUrl: string, address: string): Promise<ReceivedMail[]> => {
  const response = await fetch(`${apiUrl}/api/user/${encodeURIComponent(address)}/messages/INBOX`);
  if (response.status === 400 || response.status === 404) return [];
  if (!response.ok) throw new Error(`GreenMail answered ${response.status} for ${address}'s INBOX`);
  const messages = (await response.json()) as { subject?: string; mimeMessage: string }[];
  return messages.map((m) => ({ subject: m.subject, mimeMessage: m.mimeMessage, text: decodeMimeText(m.mimeMessage) }));
};
