// `gomem whatif … --queue redis://…` and `gomem worker --queue redis://…`:
// a sweep's configurations on a pool of machines, through a BullMQ queue on
// Redis (no transport or scheduler of gomem's own). The sweep's side adds
// each missing configuration as a job whose id is its result's id (adding
// it again is a no-op, so a sweep run twice, or by two people, runs it
// once), waits for the jobs through BullMQ's queue events and stores each
// returned Outcome as the local pool's would be stored. A worker takes
// jobs, runs each on its own pool of worker threads (each thread loads the
// model once and runs many configurations; the process's event loop stays
// free to renew the jobs' locks) and returns the Outcome as the job's
// value. docs/whatif.md, "A queue of machines: Redis", is the user's guide.

import { type Job, Queue, QueueEvents, type RedisOptions, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import Tinypool from 'tinypool';
import { parseInteger } from '../go/units.ts';
import { scenarios } from '../scenarios/index.ts';
import type { Outcome } from '../whatif/outcome.ts';
import { mib, outcomeText, roughDuration } from '../whatif/report.ts';
import type { ResultKey } from '../whatif/store.ts';
import { UsageError } from './errors.ts';
import { type ConfigurationRunner, fileProgramHash, workerModule } from './whatif.ts';
import type { WhatifTask } from './whatif_worker.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The queue every sweep's jobs go to; the job ids (results' ids) keep sweeps apart. */
export const queueName = 'gomem-whatif';

/** How long a connection may take before Redis counts as unreachable. */
const connectTimeoutMs = 5000;

/** A job's data: the configuration to run, and what the worker checks before running it. */
export interface QueueJobData {
  task: WhatifTask;
  key: ResultKey;
  label: string;
}

/** Kept in Redis after they finish, for a sweep run again (with another --out) to collect; its --out holds them for good. */
const keepCompleted = { age: 24 * 3600 };
const keepFailed = { age: 7 * 24 * 3600 };

/** A worker's lock on a job, renewed every half of it while the job runs; a crashed worker's job is free again when it expires. */
const lockDurationMs = 30_000;
/** How many times a job may be taken back from a worker that stopped renewing its lock before it counts as failed. */
const maxStalledCount = 2;

/** --queue's Redis: where, and the options every connection to it takes. */
export interface QueueConnection {
  /** As the user wrote it, less any password. */
  shown: string;
  where: string;
  options: RedisOptions;
  /** The sweep's side of the queue. */
  open(command: string): Promise<ConfigurationRunner>;
}

/** --queue's Redis, checked and reached (once, within the timeout): what runSweep calls before it runs anything. */
export async function reachQueue(text: string): Promise<QueueConnection> {
  const conn = queueOf(text);
  await reach(conn);
  return conn;
}

/** --queue redis://[user:password@]host[:port][/db] (rediss:// for TLS), checked; nothing connects yet. */
export function queueOf(text: string): QueueConnection {
  const bad = (why: string): UsageError => new UsageError(`--queue: "${text}" ${why} (redis://host:port[/db], as redis://127.0.0.1:6379/0)`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad('is not a Redis URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw bad(`is not a Redis URL: ${url.protocol}// is not redis:// or rediss://`);
  if (url.hostname === '') throw bad('names no host');
  if (url.search !== '' || url.hash !== '') throw bad('has a query or fragment, which gomem does not read');
  const port = url.port === '' ? 6379 : Number(url.port);
  const path = url.pathname.replace(/^\//, '');
  const db = path === '' ? 0 : parseInteger(path);
  if (db === null || db < 0) throw bad(`names database "${path}", not a number`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  // disconnectTimeout: how long a closing connection may wait for Redis to close its side (ioredis waits 2 s, BullMQ's blocked
  // connection always waits it out: a worker's stop would take that long).
  const options: RedisOptions = { host, port, db, connectTimeout: connectTimeoutMs, maxRetriesPerRequest: null, disconnectTimeout: 200 };
  if (url.username !== '') options.username = decodeURIComponent(url.username);
  if (url.password !== '') options.password = decodeURIComponent(url.password);
  if (url.protocol === 'rediss:') options.tls = {};
  const where = `${url.hostname}:${port}`;
  const shown = `${url.protocol}//${url.username !== '' ? `${url.username}@` : ''}${where}/${db}`;
  const conn: QueueConnection = { shown, where, options, open: (command) => openSweepSide(conn, command) };
  return conn;
}

/** One connection, tried once within the timeout: an unreachable Redis is a one-line error, not a wait. */
async function reach(conn: QueueConnection): Promise<void> {
  const r = new Redis({ ...conn.options, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // The socket's own error (ECONNREFUSED, ETIMEDOUT, ENOTFOUND) says more than the rejection's "Connection is closed".
  let first: Error | null = null;
  r.on('error', (e: Error) => {
    first ??= e;
  });
  try {
    await r.connect();
    await r.ping();
  } catch (e) {
    const err = first ?? e;
    const why = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    throw new UsageError(`--queue: cannot reach Redis at ${conn.where}: ${why}`);
  } finally {
    r.disconnect();
  }
}

/** Reports a connection's errors once each, as one line: ioredis reconnects by itself. */
function errorLine(command: string): (e: Error) => void {
  const seen = new Set<string>();
  return (e) => {
    const msg = e.message.split('\n')[0]!;
    if (seen.has(msg)) return;
    seen.add(msg);
    process.stderr.write(`${command}: queue: ${msg}\n`);
  };
}

/** The sweep's side: each configuration a job, its Outcome when a worker has run it. */
async function openSweepSide(conn: QueueConnection, command: string): Promise<ConfigurationRunner> {
  const onError = errorLine(command);
  const queue = new Queue<QueueJobData, Outcome, string>(queueName, { connection: conn.options });
  const events = new QueueEvents(queueName, { connection: conn.options });
  queue.on('error', onError);
  events.on('error', onError);
  // Each waiting job listens for its own completion.
  queue.setMaxListeners(0);
  events.setMaxListeners(0);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady()]);
  return {
    async run({ task, key, id, label }) {
      // A program file by its full path: the workers' working directory is not this one's.
      const spec = scenarios.has(task.spec) ? task.spec : resolve(task.spec);
      const earlier = await queue.getJob(id);
      // A job that failed before (a worker's error, a crash too many) runs again; one waiting, running or done is waited for.
      if (earlier !== undefined && (await earlier.isFailed())) await earlier.retry('failed');
      const job = await queue.add(label, { task: { ...task, spec }, key, label }, { jobId: id, attempts: 1, removeOnComplete: keepCompleted, removeOnFail: keepFailed });
      return (await job.waitUntilFinished(events)) as Outcome;
    },
    async close() {
      await events.close();
      await queue.close();
    },
  };
}

/**
 * The worker's threads: one Tinypool, made again when a program file it has
 * loaded changes (a thread caches each program it loads; a new sweep of the
 * edited file must not run the old one). A retired pool is destroyed when
 * its last configuration is done.
 */
class Threads {
  private pool: Tinypool;
  private readonly busy = new Map<Tinypool, number>();
  private readonly retired = new Set<Tinypool>();
  /** The hash of each program file the current pool may have loaded. */
  private readonly loaded = new Map<string, string>();

  constructor(private readonly threads: number) {
    this.pool = this.make();
  }

  private make(): Tinypool {
    return new Tinypool({ filename: workerModule(null), minThreads: this.threads, maxThreads: this.threads, idleTimeout: 0 });
  }

  async run(task: WhatifTask, hash: string): Promise<Outcome> {
    const before = this.loaded.get(task.spec);
    if (before !== undefined && before !== hash) {
      this.retire(this.pool);
      this.pool = this.make();
      this.loaded.clear();
    }
    this.loaded.set(task.spec, hash);
    const pool = this.pool;
    this.busy.set(pool, (this.busy.get(pool) ?? 0) + 1);
    try {
      return (await pool.run(task)) as Outcome;
    } finally {
      const left = this.busy.get(pool)! - 1;
      this.busy.set(pool, left);
      if (left === 0 && this.retired.has(pool)) void this.destroy(pool);
    }
  }

  private retire(pool: Tinypool): void {
    this.retired.add(pool);
    if ((this.busy.get(pool) ?? 0) === 0) void this.destroy(pool);
  }

  private async destroy(pool: Tinypool): Promise<void> {
    this.retired.delete(pool);
    this.busy.delete(pool);
    await pool.destroy();
  }

  async close(): Promise<void> {
    await Promise.all([this.pool, ...this.retired].map((p) => p.destroy()));
  }
}

/** Whether this worker may run a job: the same gomem, the same program file (or a scenario it has). Refused jobs fail at once, not retried. */
function checkJob(data: QueueJobData): string {
  const { task, key } = data;
  if (key.gomem !== pkg.version) throw new UnrecoverableError(`this worker is gomem ${pkg.version}, the sweep is gomem ${key.gomem}: run workers of the sweep's version`);
  if (key.program.startsWith('scenario:')) {
    if (!scenarios.has(task.spec)) throw new UnrecoverableError(`this worker has no scenario ${task.spec}`);
    return key.program;
  }
  let hash: string;
  try {
    hash = fileProgramHash(task.spec);
  } catch (e) {
    throw new UnrecoverableError(`${task.spec}: cannot read it on this worker's machine (${(e as NodeJS.ErrnoException).code ?? String(e)}): the program must be at the same path on every machine`);
  }
  if (hash !== key.program) throw new UnrecoverableError(`${task.spec}: this worker's file is not the sweep's (its ${hash.slice(0, 19)}…, the sweep's ${key.program.slice(0, 19)}…)`);
  return hash;
}

export interface WorkerFlags {
  queue?: string;
  jobs?: string;
}

/** `gomem worker --queue URL [--jobs N]`: runs the queue's configurations until Ctrl-C (or SIGTERM). */
export async function workerCommand(flags: WorkerFlags): Promise<number> {
  const command = 'gomem worker';
  if (flags.queue === undefined) throw new UsageError('worker: --queue is required (gomem worker --queue redis://host:port[/db])');
  const conn = queueOf(flags.queue);
  let jobs = availableParallelism();
  if (flags.jobs !== undefined) {
    const n = parseInteger(flags.jobs);
    if (n === null || n < 1) throw new UsageError(`--jobs: "${flags.jobs}" is not a positive integer`);
    jobs = n;
  }
  await reach(conn);
  const threads = new Threads(jobs);
  const worker = new Worker<QueueJobData, Outcome>(
    queueName,
    async (job: Job<QueueJobData, Outcome>) => {
      const hash = checkJob(job.data);
      return threads.run(job.data.task, hash);
    },
    { connection: conn.options, concurrency: jobs, lockDuration: lockDurationMs, maxStalledCount, autorun: false },
  );
  worker.on('error', errorLine(command));
  // The jobs running now, for the stop message. No wall-clock time in the log: nothing in src/ reads the host's clock (test/layers.test.ts).
  const started = new Set<string>();
  worker.on('active', (job) => started.add(job.id!));
  worker.on('completed', (job, out) => {
    started.delete(job.id!);
    const r = out.row;
    process.stderr.write(`${command}: ${job.data.label}: ${outcomeText(r, job.data.key.maxTimeNs !== null)} at ${roughDuration(r.endNs)}, peak RSS ${mib(r.peakRss)}\n`);
  });
  worker.on('failed', (job, e) => {
    if (job !== undefined) started.delete(job.id!);
    process.stderr.write(`${command}: ${job?.data.label ?? 'a job'}: failed: ${e.message.split('\n')[0]}\n`);
  });
  await worker.waitUntilReady();
  process.stderr.write(`${command}: taking configurations from ${conn.shown} (queue ${queueName}), ${jobs} at a time; Ctrl-C stops\n`);

  // Ctrl-C or SIGTERM: take no more jobs, finish the running ones; a second one stops at once (their locks lapse and other workers take them).
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${command}: ${signal} again: stopping now; the running configurations go back to the queue when their locks lapse (${lockDurationMs / 1000} s)\n`);
      process.exit(130);
    }
    stopping = true;
    const n = started.size;
    process.stderr.write(`${command}: stopping${n > 0 ? ` when the ${n} running configuration${n > 1 ? 's are' : ' is'} done (${signal} again to stop now)` : ''}\n`);
    void worker.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await worker.run();
  await worker.close();
  await threads.close();
  process.removeListener('SIGINT', stop);
  process.removeListener('SIGTERM', stop);
  process.stderr.write(`${command}: stopped\n`);
  return 0;
}
