import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** bcrypt with cost 10: a proper adaptive password hash, pure JavaScript (no native build). */
const COST = 10;

/** Compared against when the username is unknown, so a wrong username costs as much time as a wrong password. */
export const DUMMY_HASH = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8.Y1Nc4s5HvA3VbJtB2w2sJ4l9kE9e';

/** Every hashing thread is busy and the queue is full: try again shortly (a 429 with Retry-After). */
export class PasswordHashingBusyError extends Error {
  readonly retryAfterSeconds = 1;
  constructor() {
    super('Too many sign-ins at once; try again in a moment');
  }
}

type Job = { op: 'hash' | 'compare'; args: [string, string | number]; resolve: (value: string | boolean) => void; reject: (error: unknown) => void };
type Slot = { worker: Worker; job?: Job };

// The worker runs bcryptjs synchronously: it has a thread of its own, so it blocks nobody.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const bcrypt = require(${JSON.stringify(require.resolve('bcryptjs'))});
parentPort.on('message', ({ op, args }) => {
  try {
    parentPort.postMessage({ value: op === 'hash' ? bcrypt.hashSync(args[0], args[1]) : bcrypt.compareSync(args[0], args[1]) });
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
});`;

/**
 * Password hashing off the event loop, with a bound (issue 13, row 6): bcrypt runs in a
 * small pool of worker threads (at most `threads` at once), at most `maxQueued` more
 * wait, and beyond that a sign-in is refused at once instead of stalling every other
 * request of the process. (bcryptjs's own async mode runs on the event loop in slices of
 * up to 100 ms, and one turn of the loop runs the slice of every hash in progress: with
 * many sign-ins at once, every other request waited for all of them — on this machine
 * /api/health took up to ~0.5 s during 60 parallel sign-ins, ~0.06 s with the pool.)
 */
export class PasswordHasher {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];

  constructor(
    private readonly threads = Math.max(1, Math.min(2, availableParallelism() - 1)),
    private readonly maxQueued = 64,
  ) {}

  hash(password: string): Promise<string> {
    return this.submit('hash', [password, COST]) as Promise<string>;
  }

  compare(password: string, hash: string): Promise<boolean> {
    return this.submit('compare', [password, hash]) as Promise<boolean>;
  }

  /** Sign-ins waiting for a thread now. */
  get queued(): number {
    return this.queue.length;
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private submit(op: Job['op'], args: Job['args']): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      const job: Job = { op, args, resolve, reject };
      const idle = this.idleSlot();
      if (idle) return this.start(idle, job);
      if (this.queue.length >= this.maxQueued) return reject(new PasswordHashingBusyError());
      this.queue.push(job);
    });
  }

  private idleSlot(): Slot | undefined {
    const idle = this.slots.find((slot) => !slot.job);
    if (idle || this.slots.length >= this.threads) return idle;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    const slot: Slot = { worker };
    worker.on('message', (message: { value?: string | boolean; error?: string }) => {
      const job = slot.job;
      slot.job = undefined;
      if (job) {
        if (message.error !== undefined) job.reject(new Error(message.error));
        else job.resolve(message.value as string | boolean);
      }
      const next = this.queue.shift();
      if (next) this.start(slot, next);
      else worker.unref();
    });
    worker.on('error', (error) => {
      // A crashed thread is replaced on next use; its job fails (a 500, logged).
      this.slots.splice(this.slots.indexOf(slot), 1);
      slot.job?.reject(error);
      const next = this.queue.shift();
      if (next) this.submit(next.op, next.args).then(next.resolve, next.reject);
    });
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, job: Job): void {
    // Referenced while it works (a pending hash keeps the process alive), not while idle.
    slot.worker.ref();
    slot.job = job;
    slot.worker.postMessage({ op: job.op, args: job.args });
  }
}

/** The process's one pool (sign-in, seeding users). */
export const passwordHasher = new PasswordHasher();

export const hashPassword = (password: string): Promise<string> => passwordHasher.hash(password);

export const verifyPassword = (password: string, hash: string): Promise<boolean> => passwordHasher.compare(password, hash);
