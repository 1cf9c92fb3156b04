'use strict';
// A real S3-compatible object store for tests and development: Adobe S3Mock
// (com.adobe.testing:s3mock, fetched once from Maven Central by fetch.sh) run by `java`.
//
//   const { startS3Mock } = require('../../infra/s3mock/s3mock.cjs');
//   const s3 = await startS3Mock({ port: 19090, dataDir });   // s3.endpoint -> 'http://127.0.0.1:19090'
//   await s3.stop();
//
// From a shell: `node infra/s3mock/s3mock.cjs start` (S3MOCK_PORT, default 9090; data in
// .data/s3mock) and `node infra/s3mock/s3mock.cjs stop`.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const SCRIPT_DIR = __dirname;
const REPO_ROOT = path.resolve(SCRIPT_DIR, '..', '..');
const VERSION = process.env.S3MOCK_VERSION || '4.7.0';

const fetchJar = () => {
  const result = spawnSync('bash', [path.join(SCRIPT_DIR, 'fetch.sh')], { encoding: 'utf8', env: { ...process.env, S3MOCK_VERSION: VERSION } });
  if (result.status !== 0) throw new Error(`s3mock: fetch failed: ${(result.stderr || result.stdout || '').trim().split('\n').slice(-3).join(' ')}`);
  return result.stdout.trim().split('\n').pop();
};

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves once GET / answers on the port (S3Mock lists the buckets there), or rejects after the timeout. */
const waitReady = async (endpoint, pid, timeoutMs) => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (pid && !alive(pid)) throw new Error('s3mock: the java process exited during start-up');
    try {
      const response = await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(1000) });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`s3mock: not ready on ${endpoint} within ${timeoutMs / 1000} s`);
};

async function startS3Mock(opts = {}) {
  const port = Number(opts.port ?? process.env.S3MOCK_PORT ?? 9090);
  const dataDir = path.resolve(opts.dataDir ?? process.env.S3MOCK_DATA_DIR ?? path.join(REPO_ROOT, '.data', 's3mock'));
  const endpoint = `http://127.0.0.1:${port}`;
  fs.mkdirSync(dataDir, { recursive: true });
  if (opts.fresh) fs.rmSync(path.join(dataDir, 'store'), { recursive: true, force: true });
  const jar = fetchJar();
  const log = fs.openSync(path.join(dataDir, 's3mock.log'), 'w');
  const child = spawn(
    'java',
    [
      `-Xmx${opts.heap ?? '256m'}`,
      '-XX:TieredStopAtLevel=1',
      '-jar',
      jar,
      `--com.adobe.testing.s3mock.httpPort=${port}`,
      // The HTTPS listener on a port the system picks (the tests use HTTP).
      '--server.port=0',
      '--server.address=127.0.0.1',
      `--com.adobe.testing.s3mock.store.root=${path.join(dataDir, 'store')}`,
      '--com.adobe.testing.s3mock.store.retainFilesOnExit=false',
      '--spring.main.banner-mode=off',
    ],
    { detached: true, stdio: ['ignore', log, log] },
  );
  child.unref();
  fs.writeFileSync(path.join(dataDir, 's3mock.pid'), `${child.pid}\n`);
  try {
    await waitReady(endpoint, child.pid, opts.startTimeoutMs ?? 90_000);
  } catch (error) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
    const tail = fs.readFileSync(path.join(dataDir, 's3mock.log'), 'utf8').split('\n').slice(-5).join('\n');
    throw new Error(`${error.message}\n${tail}`);
  }
  const stop = async () => {
    if (!alive(child.pid)) return;
    process.kill(child.pid, 'SIGTERM');
    const until = Date.now() + 20_000;
    while (alive(child.pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    if (alive(child.pid)) process.kill(child.pid, 'SIGKILL');
    fs.rmSync(path.join(dataDir, 's3mock.pid'), { force: true });
  };
  return { endpoint, port, pid: child.pid, version: VERSION, dataDir, stop };
}

function stopByPidFile(dataDir) {
  const file = path.join(dataDir, 's3mock.pid');
  if (!fs.existsSync(file)) return false;
  const pid = Number(fs.readFileSync(file, 'utf8').trim());
  const cmdline = (() => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      return '';
    }
  })();
  // Only our own S3Mock (guards against a reused pid).
  if (pid && cmdline.includes('s3mock') && alive(pid)) process.kill(pid, 'SIGTERM');
  fs.rmSync(file, { force: true });
  return true;
}

module.exports = { startS3Mock, stopByPidFile, S3MOCK_VERSION: VERSION };

if (require.main === module) {
  const dataDir = path.resolve(process.env.S3MOCK_DATA_DIR ?? path.join(REPO_ROOT, '.data', 's3mock'));
  const command = process.argv[2];
  if (command === 'start') {
    startS3Mock({ dataDir }).then(
      (s3) => console.log(`s3mock: ready at ${s3.endpoint} (Adobe S3Mock ${s3.version}, pid ${s3.pid}, data ${s3.dataDir})`),
      (error) => {
        console.error(error.message);
        process.exit(1);
      },
    );
  } else if (command === 'stop') {
    console.log(stopByPidFile(dataDir) ? 's3mock: stopped' : 's3mock: not running');
  } else {
    console.error('usage: node infra/s3mock/s3mock.cjs start|stop');
    process.exit(2);
  }
}
