'use strict';
// Programmatic control of a local GreenMail mail server (SMTP + IMAP + REST API) for the
// test runner and tests: fetch.sh brings the official jar from Maven Central once, then
// `java -jar` runs it on loopback with authentication off (any user, any password).
//
//   const { startGreenMail } = require('../../infra/greenmail/greenmail-server.cjs');
//   const mail = await startGreenMail({ smtpPort: 13025 });
//   // mail.smtp -> { host: '127.0.0.1', port: 13025 }, mail.apiUrl -> 'http://127.0.0.1:13027'
//   await mail.stop();
const { spawn, execFile } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const SCRIPT_DIR = __dirname;
const HOST = '127.0.0.1';

const fetchJar = () =>
  new Promise((resolve, reject) => {
    execFile('bash', [path.join(SCRIPT_DIR, 'fetch.sh')], { env: process.env, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`infra/greenmail/fetch.sh failed: ${String(stderr || error.message).trim().split('\n').pop()}`));
      else resolve(stdout.trim().split('\n').pop());
    });
  });

const ready = async (apiUrl, child, timeoutMs) => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`GreenMail exited with ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${apiUrl}/api/service/readiness`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`GreenMail not ready at ${apiUrl} within ${timeoutMs} ms`);
};

/**
 * Starts GreenMail: SMTP on `smtpPort`, IMAP on `imapPort` (default smtpPort + 1) and the
 * REST API on `apiPort` (default smtpPort + 2), all on 127.0.0.1.
 */
async function startGreenMail(options = {}) {
  const smtpPort = Number(options.smtpPort ?? process.env.GREENMAIL_SMTP_PORT ?? 3025);
  const imapPort = Number(options.imapPort ?? smtpPort + 1);
  const apiPort = Number(options.apiPort ?? smtpPort + 2);
  const logFile = options.logFile ?? path.join(SCRIPT_DIR, '..', '..', '.data', `greenmail-${smtpPort}.log`);
  const started = Date.now();
  const jar = await fetchJar();
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'a');
  const child = spawn(
    'java',
    [
      '-Xmx128m',
      `-Dgreenmail.smtp.hostname=${HOST}`,
      `-Dgreenmail.smtp.port=${smtpPort}`,
      `-Dgreenmail.imap.hostname=${HOST}`,
      `-Dgreenmail.imap.port=${imapPort}`,
      `-Dgreenmail.api.hostname=${HOST}`,
      `-Dgreenmail.api.port=${apiPort}`,
      '-Dgreenmail.auth.disabled',
      '-jar',
      jar,
    ],
    { stdio: ['ignore', log, log], detached: false },
  );
  fs.closeSync(log);
  const apiUrl = `http://${HOST}:${apiPort}`;
  try {
    await ready(apiUrl, child, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const version = /greenmail-standalone-(.+)\.jar$/.exec(jar)?.[1] ?? 'unknown';
  return {
    version,
    pid: child.pid,
    smtp: { host: HOST, port: smtpPort },
    imap: { host: HOST, port: imapPort },
    apiUrl,
    logFile,
    startedInMs: Date.now() - started,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

module.exports = { startGreenMail };
