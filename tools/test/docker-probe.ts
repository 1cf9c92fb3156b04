import { existsSync } from 'node:fs';
import { request } from 'node:http';

/**
 * Is a Docker engine reachable (for testcontainers)? Answers with a reason either way,
 * so suites that need one can say plainly why they were skipped.
 */
export const probeDocker = (): Promise<{ available: boolean; reason: string }> => {
  const host = process.env.DOCKER_HOST;
  let target: { socketPath?: string; host?: string; port?: number };
  if (host?.startsWith('tcp://')) {
    const url = new URL(host.replace('tcp://', 'http://'));
    target = { host: url.hostname, port: Number(url.port || 2375) };
  } else {
    const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
    if (!existsSync(socketPath)) return Promise.resolve({ available: false, reason: `no Docker engine: ${socketPath} does not exist` });
    target = { socketPath };
  }
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? { available: true, reason: 'Docker engine answered /_ping' } : { available: false, reason: `Docker engine answered ${res.statusCode}` });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ available: false, reason: `no Docker engine: ${error.message}` }));
    req.end();
  });
};
