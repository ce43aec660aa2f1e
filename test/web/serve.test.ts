// gomem serve: its flags (gomem run's settings, loopback only), the trace it
// streams at /live (frames of whole records that concatenate to the bytes
// gomem run --trace writes), and, in headless Chromium, a served run seen
// to its end — every checkpoint plotted and shown as gomem run --json
// printed it — and a run still going (a trace streamed a piece at a time
// from this process): the page shows the checkpoints so far, then all.

import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTrace, startViewServer } from '../../src/cli/view.ts';
import { GoProcess } from '../../src/go/process.ts';
import { scenarios } from '../../src/scenarios/index.ts';
import { decodeTrace } from '../../src/trace/reader.ts';
import { TraceWriter } from '../../src/trace/writer.ts';
import { browserMissing } from './browser.ts';
import { buildPage, checkCheckpoints, type CheckpointJson, hook, openPage, root, runJson, startServing } from './page.ts';

const missing = await browserMissing();
if (missing !== null) console.warn(`test/web/serve.test.ts: SKIPPED (browser tests), ${missing}`);

function gomem(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/gomem.js', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** GET /live: the frames' bodies as they come, until the response ends; `each` sees the count so far. */
function follow(port: number, each: (n: number) => void = () => {}): Promise<Buffer[]> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path: '/live' }, (res) => {
      let buf = Buffer.alloc(0);
      const frames: Buffer[] = [];
      res.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
          frames.push(buf.subarray(4, 4 + buf.readUInt32BE(0)));
          buf = buf.subarray(4 + buf.readUInt32BE(0));
          each(frames.length);
        }
      });
      res.on('end', () => (buf.length === 0 ? ok(frames) : fail(new Error('ended inside a frame'))));
    });
    req.on('error', fail);
    req.end();
  });
}

/**
 * A scenario's trace in pieces, cut where gomem serve cuts it (drained
 * between records): after each checkpoint. Returns the pieces and the
 * checkpoint each ends at.
 */
function tracePieces(name: string): { pieces: Uint8Array[]; names: string[] } {
  const pieces: Uint8Array[] = [];
  const names: string[] = [];
  let w: TraceWriter | null = null;
  const p = new GoProcess(scenarios.get(name)!, {
    stdout: (s) => w?.output('stdout', s),
    stderr: (s) => w?.output('stderr', s),
    onCheckpoint: (json, cp) => {
      w!.checkpoint(cp, json);
      pieces.push(w!.drain());
      names.push(cp);
    },
  });
  w = new TraceWriter(p, { name }, { env: {}, options: {} });
  const r = p.run();
  pieces.push(w.finish(r.status, r.outcome));
  names.push('end');
  return { pieces, names };
}

describe('gomem serve: flags', () => {
  it.each(['0.0.0.0', '192.168.1.10', '::', 'example.com'])('refuses --host %s in one line, exit 2, before running anything', (host) => {
    const r = gomem(['serve', 'hello', '--host', host]);
    expect(r).toMatchObject({ status: 2, stdout: '', stderr: `gomem: --host ${host}: gomem serve serves on the loopback interface only (127.0.0.1, ::1, localhost)\n` });
  });

  it("checks gomem run's flags as gomem run does, and the program, in one line", () => {
    expect(gomem(['serve', 'hello', '--port', 'http'])).toMatchObject({ status: 2, stderr: 'gomem: --port http: want a port number, 0 to 65535\n' });
    expect(gomem(['serve', 'hello', '--gogc', 'lots'])).toMatchObject({ status: 2, stderr: 'gomem: --gogc: "lots" is not an integer or "off"\n' });
    expect(gomem(['serve', 'hello', '--thp', 'sometimes'])).toMatchObject({ status: 2, stderr: 'gomem: --thp: "sometimes" is not always, madvise or never\n' });
    expect(gomem(['serve', 'no-such-scenario'])).toMatchObject({ status: 2, stdout: '', stderr: 'gomem: unknown scenario "no-such-scenario" (gomem scenarios lists them; a file must end in .ts, .js, .go or .json)\n' });
    expect(gomem(['serve', 'hello', '--opt', 'x=1'])).toMatchObject({ status: 2, stderr: 'gomem: --opt: hello has no option "x" (options: sleep)\n' });
  });
});

describe('gomem serve: the trace streamed at /live', () => {
  it('sends the pieces so far, then each as it comes, and ends with the trace', async () => {
    const live = new LiveTrace();
    const server = await startViewServer({ live, host: '127.0.0.1', port: 0, root: join(root, 'web') });
    try {
      const port = Number(new URL(server.url).port);
      live.push(Uint8Array.from([1, 2, 3]));
      live.push(Uint8Array.from([4]));
      const got = follow(port, (n) => {
        // Each piece is pushed once the page has the ones before: it is streamed, not sent at the end.
        if (n === 2) live.push(Uint8Array.from([5, 6]));
        if (n === 3) live.end();
      });
      expect((await got).map((b) => [...b])).toEqual([[1, 2, 3], [4], [5, 6]]);
      // Once ended, a page that comes later gets the whole trace and the end.
      expect((await follow(port)).map((b) => [...b])).toEqual([[1, 2, 3], [4], [5, 6]]);
    } finally {
      await server.close();
    }
  });

  it('a run drained at each checkpoint gives the bytes an undrained one does', () => {
    const { pieces } = tracePieces('hello');
    const whole = Buffer.concat(pieces);
    const dir = mkdtempSync(join(tmpdir(), 'gomem-serve-'));
    const file = join(dir, 'hello.trace');
    expect(gomem(['run', 'hello', '--quiet', '--trace', file]).status).toBe(0);
    const run = gunzipSync(readFileSync(file));
    // The header carries the program as the CLI names it (with its source); after it, record for record.
    const body = (b: Buffer): Buffer => b.subarray(b.indexOf(Buffer.from('}', 'latin1'), b.indexOf(Buffer.from('"runtimePageSize"'))) + 1);
    expect(body(whole).equals(body(run))).toBe(true);
    expect(pieces.length).toBe(5); // start, after_println, after_sleep_2s, exit, the end
  });
});

describe.skipIf(missing !== null)('gomem serve in headless Chromium', () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let url = '';
  let cli: CheckpointJson[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'gomem-serve-'));

  beforeAll(async () => {
    buildPage();
    cli = runJson(['blahdo', '--gogc', '50', '--trace', join(dir, 'run.trace')]);
    const s = await startServing(['serve', 'blahdo', '--gogc', '50', '--quiet', '--trace', join(dir, 'serve.trace')]);
    server = s.server;
    url = s.url;
    ({ browser, page } = await openPage(url, { live: true }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (server?.exitCode === null) server.kill('SIGTERM');
  });

  it('serves on 127.0.0.1 the run of blahdo with GOGC=50, followed to its end', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#live=live$/);
    const t = await hook(page, (g) => g.trace!);
    expect(t).toMatchObject({ program: 'blahdo', live: 'ended', settings: { env: { GOGC: '50' } } });
  });

  it('at each checkpoint, plots and shows what gomem run --gogc 50 --json printed', async () => {
    expect(cli.map((c) => c.name)).toEqual(['before_loop', 'after_loop', 'exit']);
    await checkCheckpoints(page, cli);
  });

  it('ends with the trace gomem run --trace writes: --trace FILE keeps the same bytes', async () => {
    const records = await hook(page, (g) => g.trace!.records);
    // The file is written once the run has ended, before the page is told.
    const run = gunzipSync(readFileSync(join(dir, 'run.trace')));
    expect(gunzipSync(readFileSync(join(dir, 'serve.trace'))).equals(run)).toBe(true);
    // And the page holds every record of it, as gomem view of that file would.
    expect(records).toBe(decodeTrace(run).records.length);
  });
});

describe.skipIf(missing !== null)('the page following a run still going (a trace streamed a piece at a time)', () => {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof startViewServer>> | undefined;

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows the checkpoints so far while the run goes on, then all of them, at the end as gomem run --json printed them', async () => {
    buildPage();
    const { pieces, names } = tracePieces('hello');
    const live = new LiveTrace();
    // The run so far: up to its second checkpoint.
    live.push(pieces[0]!);
    live.push(pieces[1]!);
    server = await startViewServer({ live, host: '127.0.0.1', port: 0 });
    const opened = await openPage(server.url);
    browser = opened.browser;
    const page = opened.page;
    // The first redraw may come after the first piece alone; the page catches up with what it was sent.
    await page.waitForFunction(() => (globalThis as unknown as { __gomem: { checkpoints(): unknown[] } }).__gomem.checkpoints().length === 2, null, { timeout: 60_000 });
    expect(await hook(page, (g) => g.trace!.live)).toBe('running');
    expect((await hook(page, (g) => g.checkpoints())).map((c) => c.name)).toEqual(names.slice(0, 2));
    expect(await page.textContent('#status')).toContain('hello (running)');
    // Someone zooms the map to the heap and steps into a tour: the redraws as the run grows keep both.
    await hook(page, (g) => g.tourGo('vsz', 1));
    await page.click('#map-heap');
    const zoomed = (await hook(page, (g) => g.addressMap()))!.range;
    for (const p of pieces.slice(2)) live.push(p);
    live.end();
    await page.waitForFunction(() => (globalThis as unknown as { __gomem?: { trace?: { live?: string } } }).__gomem?.trace?.live === 'ended', null, { timeout: 60_000 });
    const all = await hook(page, (g) => g.checkpoints());
    expect(all.map((c) => c.name)).toEqual(['start', 'after_println', 'after_sleep_2s', 'exit']);
    expect(await hook(page, (g) => g.tour())).toMatchObject({ id: 'vsz', step: 1 });
    expect((await hook(page, (g) => g.addressMap()))!.range).toEqual(zoomed);
    expect(await page.textContent('#tour-text')).toContain('grey is PROT_NONE');
    await checkCheckpoints(page, runJson(['hello']));
  }, 240_000);
});
