// `gomem whatif --queue` and `gomem worker` on a real Redis: Debian's
// redis-server (scripts/install-redis.sh) started here on 127.0.0.1 at a
// free port, in a temporary directory, nothing saved; two workers as child
// processes; the sweep's files and table byte for byte those of the same
// grid run on the local pool; the same sweep enqueued again runs nothing
// (the jobs' ids are the results' ids); one-line errors for a bad URL and a
// Redis that is not there. Without redis-server the test is skipped, and
// says so.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gomem, root, tree } from './helpers/cli.ts';

const haveRedis = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
const missing = 'redis-server is not installed (scripts/install-redis.sh installs Debian\'s; .ci/run calls it): the queue test is SKIPPED';
if (!haveRedis) process.stderr.write(`test/whatif/queue.test.ts: ${missing}\n`);

/** A port nothing listens on now: the kernel's choice for a listener closed at once. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** A child's output so far, and a promise for the first line matching re. */
function watch(child: ChildProcess, stream: 'stdout' | 'stderr'): { text: () => string; line: (re: RegExp, ms: number) => Promise<string> } {
  let text = '';
  const waiting: { re: RegExp; ok: (l: string) => void }[] = [];
  child[stream]!.setEncoding('utf8');
  child[stream]!.on('data', (d: string) => {
    text += d;
    for (const w of [...waiting]) {
      const m = text.split('\n').find((l) => w.re.test(l));
      if (m !== undefined) {
        waiting.splice(waiting.indexOf(w), 1);
        w.ok(m);
      }
    }
  });
  return {
    text: () => text,
    line: (re, ms) =>
      new Promise((ok, fail) => {
        const m = text.split('\n').find((l) => re.test(l));
        if (m !== undefined) return ok(m);
        const timer = setTimeout(() => fail(new Error(`no line matching ${re} in ${ms} ms; output so far:\n${text}`)), ms);
        waiting.push({ re, ok: (l) => (clearTimeout(timer), ok(l)) });
      }),
  };
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited in ms. */
function stop(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((ok) => {
    if (child.exitCode !== null || child.signalCode !== null) return ok();
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      ok();
    });
    child.kill('SIGTERM');
  });
}

const grid = ['blahdo', '--cgroup-memory-max', '96MiB,128MiB'];
const completedLine = /^gomem worker: memory\.max=\d+MiB: (survived|OOM-killed) at /;

describe.skipIf(!haveRedis)('gomem whatif --queue, gomem worker (BullMQ on a real redis-server)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'gomem-queue-'));
  let redis: ChildProcess | null = null;
  const workers: { child: ChildProcess; err: ReturnType<typeof watch> }[] = [];
  let url = '';

  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    await watch(redis, 'stdout').line(/Ready to accept connections/, 10_000);
    for (let i = 0; i < 2; i++) {
      const child = spawn(process.execPath, ['bin/gomem.js', 'worker', '--queue', url, '--jobs', '1'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
      workers.push({ child, err: watch(child, 'stderr') });
    }
    await Promise.all(workers.map((w) => w.err.line(/^gomem worker: taking configurations from redis:\/\/127\.0\.0\.1:\d+\/0 \(queue gomem-whatif\), 1 at a time/, 45_000)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => stop(w.child, 5000)));
    if (redis !== null) await stop(redis, 2000);
    rmSync(tmp, { recursive: true, force: true });
  }, 15_000);

  it('two workers run the grid; its files and table are the local run\'s, byte for byte; enqueued again, nothing runs twice', async () => {
    const [q, local] = await Promise.all([
      gomem(['whatif', ...grid, '--queue', url, '--out', join(tmp, 'queued')]),
      gomem(['whatif', ...grid, '--jobs', '1', '--out', join(tmp, 'local')]),
    ]);
    expect([q.status, local.status, q.stderr]).toEqual([0, 0, expect.stringContaining('[2/2]')]);
    expect(q.stdout).toBe(local.stdout);
    // Below the mode line and the header.
    expect(q.stdout.split('\n')[0]).toBe('mode: exact (every object and span simulated)');
    expect(q.stdout.split('\n').slice(2, 4).map((l) => l.split(/\s{2,}/).slice(0, 2))).toEqual([
      ['96MiB', 'OOM-killed'],
      ['128MiB', 'survived'],
    ]);
    const a = tree(join(tmp, 'local'));
    const b = tree(join(tmp, 'queued'));
    expect([...b.keys()]).toEqual([...a.keys()]);
    expect([...a.keys()].filter((k) => a.get(k) !== b.get(k))).toEqual([]);
    expect(a.size).toBe(2 + 3); // two results, sweep.json, table.txt, report.html
    // Each configuration ran once, on one of the workers.
    const ran = (): string[] => workers.flatMap((w) => w.err.text().split('\n').filter((l) => completedLine.test(l)));
    expect(ran().sort()).toEqual([expect.stringContaining('memory.max=128MiB: survived at 269ms'), expect.stringContaining('memory.max=96MiB: OOM-killed at 4.29ms')]);

    // The same grid enqueued again, into another directory: the jobs are there (their ids are the results'), done; their values come back.
    const again = await gomem(['whatif', ...grid, '--queue', url, '--out', join(tmp, 'again')]);
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(local.stdout);
    const c = tree(join(tmp, 'again'));
    expect([...a.keys()].filter((k) => a.get(k) !== c.get(k))).toEqual([]);
    expect(ran()).toHaveLength(2);
  }, 120_000);

  it('refuses a bad --queue URL and an unreachable Redis in one line, exit 2, before running anything', async () => {
    const closed = await freePort();
    const [bad, gone, worker] = await Promise.all([
      gomem(['whatif', ...grid, '--queue', 'http://127.0.0.1:6379', '--out', join(tmp, 'never')]),
      gomem(['whatif', ...grid, '--queue', `redis://127.0.0.1:${closed}`, '--out', join(tmp, 'never')]),
      gomem(['worker', '--queue', `redis://127.0.0.1:${closed}/x`]),
    ]);
    expect([bad.status, bad.stdout, bad.stderr]).toEqual([2, '', 'gomem: --queue: "http://127.0.0.1:6379" is not a Redis URL: http:// is not redis:// or rediss:// (redis://host:port[/db], as redis://127.0.0.1:6379/0)\n']);
    expect([gone.status, gone.stdout, gone.stderr]).toEqual([2, '', `gomem: --queue: cannot reach Redis at 127.0.0.1:${closed}: connect ECONNREFUSED 127.0.0.1:${closed}\n`]);
    expect([worker.status, worker.stderr]).toEqual([2, `gomem: --queue: "redis://127.0.0.1:${closed}/x" names database "x", not a number (redis://host:port[/db], as redis://127.0.0.1:6379/0)\n`]);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  }, 30_000);
});

if (!haveRedis) {
  describe('gomem whatif --queue', () => {
    it.skip(missing, () => {});
  });
}
