/**
 * Preloaded into a service process (NODE_OPTIONS=--require …) when the benchmark runs with
 * `--profile`: the first SIGUSR2 starts the V8 CPU profiler, the second stops it and writes
 * `<BENCH_CPU_PROFILE_DIR>/<pid>.cpuprofile` (loadable in Chrome DevTools). A signal, not
 * `--cpu-prof`, because the services end on SIGTERM, which `--cpu-prof` does not survive.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')));
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
