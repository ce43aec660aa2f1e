// Helpers shared by the browser tests: the page's hook called from Node, a
// gomem command that serves the page (view, serve) started and its URL read,
// Chromium opened on it, and the check that at each checkpoint the charts
// and panels show what `gomem run --json` printed.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { GomemHook } from '../../web/src/hook_types.ts';
import { ensureBuilt } from '../../src/cli/view.ts';
import { findChromium, loadPlaywright } from './browser.ts';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export interface CheckpointJson {
  name: string;
  memstats: Record<string, number>;
  proc: Record<string, number>;
}

/**
 * ensureBuilt (src/cli/view.ts: web/dist rebuilt when web/ or src/ is newer),
 * one test file at a time: vitest runs the files in parallel, and two Vite
 * builds emptying web/dist at once fail each other ("building the browser
 * view failed"). A directory in the temp folder is the lock (mkdir is
 * atomic); one older than ten minutes is a dead holder's and is taken over.
 */
export function buildPage(): void {
  const lock = join(tmpdir(), `gomem-web-build-${root.replace(/[^A-Za-z0-9]/g, '_')}.lock`);
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmdirSync(lock);
      } catch {
        // Gone meanwhile: try again.
      }
      Atomics.wait(nap, 0, 0, 250);
    }
  }
  try {
    ensureBuilt(() => {});
  } finally {
    rmdirSync(lock);
  }
}

/** Runs the hook inside the page. */
export function hook<T>(page: Page, f: (g: GomemHook, arg: never) => T, arg?: unknown): Promise<T> {
  return page.evaluate(
    ([src, a]) => {
      const fn = new Function('g', 'a', `return (${src})(g, a)`) as (g: unknown, a: unknown) => T;
      return fn((globalThis as unknown as { __gomem: GomemHook }).__gomem, a);
    },
    [f.toString(), arg] as const,
  );
}

/** `gomem run ARGS --json --quiet`'s CHECKPOINT lines. */
export function runJson(args: string[]): CheckpointJson[] {
  return runJsonPrinted(args).cli;
}

/** `gomem run ARGS --json --quiet`'s CHECKPOINT lines, and all it printed on stdout and stderr. */
export function runJsonPrinted(args: string[]): { cli: CheckpointJson[]; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['bin/gomem.js', 'run', ...args, '--json', '--quiet'], { cwd: root, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const cli: CheckpointJson[] = [];
  for (const line of run.stdout.split('\n')) if (line.startsWith('CHECKPOINT ')) cli.push(JSON.parse(line.slice('CHECKPOINT '.length)) as CheckpointJson);
  return { cli, stdout: run.stdout, stderr: run.stderr };
}

/** Starts a gomem command that serves the page (view, serve) and resolves with it and the URL it printed. */
export async function startServing(args: string[]): Promise<{ server: ChildProcess; url: string; out: () => string }> {
  const server = spawn(process.execPath, ['bin/gomem.js', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((ok, fail) => {
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) ok(m[1]!);
    });
    server.once('exit', (code) => fail(new Error(`gomem ${args[0]} exited ${code}: ${out}`)));
  });
  return { server, url, out: () => out };
}

/** Chromium on url, once the page's hook says a trace is shown (and, with live, that its run has ended). */
export async function openPage(url: string, opts: { live?: boolean } = {}): Promise<{ browser: Browser; page: Page }> {
  const pw = (await loadPlaywright())!;
  const browser = await pw.chromium.launch({ executablePath: findChromium()!, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(
    (live) => {
      const g = (globalThis as unknown as { __gomem?: GomemHook }).__gomem;
      return g?.state === 'error' || (g?.state === 'ready' && (!live || g.trace?.live === 'ended'));
    },
    opts.live === true,
    { timeout: 120_000 },
  );
  expect(await hook(page, (g) => g.error ?? g.state)).toBe('ready');
  expect(errors).toEqual([]);
  return { browser, page };
}

/** `gomem ARGS` (view or serve) and Chromium on the page it serves, shown: the server, the browser, the page. */
export async function openView(args: string[]): Promise<{ server: ChildProcess; browser: Browser; page: Page }> {
  const s = await startServing(args);
  return { server: s.server, ...(await openPage(s.url)) };
}

/** Closes what openView opened (either may be missing: a set-up that failed part way). */
export async function closeView(server: ChildProcess | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  if (server?.pid !== undefined && server.exitCode === null) server.kill('SIGTERM');
}

/** At each checkpoint: what the charts plot and the panels show equal what gomem run --json printed. */
export async function checkCheckpoints(page: Page, cli: readonly CheckpointJson[]): Promise<void> {
    const marks = await hook(page, (g) => g.checkpoints());
    expect(marks.map((m) => m.name)).toEqual(cli.map((c) => c.name));
    for (const c of cli) {
      const mark = marks.find((m) => m.name === c.name)!;
      // The cursor on the checkpoint: its time, and its place among the records of that instant.
      // The time alone is not enough: at after_loop's nanosecond the program allocates a span
      // right after the checkpoint (HeapReleased changes), and a time puts the cursor after
      // every record stamped at or before it, as the chart at that pixel shows.
      const byTime = await hook(page, (g, t: number) => g.setCursor(t), mark.t);
      expect(byTime.t, c.name).toBe(mark.t);
      const at = await hook(page, (g, r: number) => g.setCursorRecord(r), mark.record);
      expect(at, c.name).toEqual({ record: mark.record, kind: 'checkpoint', t: mark.t });
      const v = await hook(page, (g) => g.values());
      expect(v.process!.VmRSS, `${c.name} VmRSS`).toBe(c.proc.VmRSS_kB! * 1024);
      expect(v.process!.VmSize, `${c.name} VmSize`).toBe(c.proc.VmSize_kB! * 1024);
      expect(v.heap!.HeapInuse, `${c.name} HeapInuse`).toBe(c.memstats.HeapInuse);
      expect(v.heap!.HeapAlloc, `${c.name} HeapAlloc`).toBe(c.memstats.HeapAlloc);
      expect(v.heap!.NextGC, `${c.name} NextGC`).toBe(c.memstats.NextGC);
      expect(v.heap!.HeapReleased, `${c.name} HeapReleased`).toBe(c.memstats.HeapReleased);
      expect(v.heap!.StackInuse, `${c.name} StackInuse`).toBe(c.memstats.StackInuse);

      // The MemStats panel as a person reads it: "  HeapInuse  100352000 (95.70 MiB)".
      const p = await hook(page, (g) => g.panels());
      const shown: Record<string, number> = {};
      for (const m of p.memstats.matchAll(/^ {2}(\w+):?\s+(\d+)/gm)) shown[m[1]!] = Number(m[2]);
      for (const k of ['HeapSys', 'HeapIdle', 'HeapInuse', 'HeapReleased', 'StackInuse', 'Mallocs', 'Frees', 'TotalAlloc', 'HeapAlloc', 'HeapObjects', 'NumGC', 'NextGC']) {
        expect(shown[k], `${c.name} panel ${k}`).toBe(c.memstats[k]);
      }
      for (const k of ['VmRSS', 'VmSize', 'RssAnon', 'RssFile']) expect(shown[k], `${c.name} panel ${k}`).toBe(c.proc[`${k}_kB`]);
      // The checkpoint panel holds the run's own JSON.
      expect(p.checkpoint.split('\n')[0]).toBe(`CHECKPOINT ${c.name} at ${p.checkpoint.split(' at ')[1]!.split('\n')[0]}`);
      expect(JSON.parse(p.checkpoint.slice(p.checkpoint.indexOf('\n') + 1))).toEqual(c);
    }
}

/** Moves a what-if slider to the step showing `value`, as a person releasing it there does (input, then change). */
export async function slide(page: Page, id: string, value: string): Promise<void> {
  await page.evaluate(
    ([sel, want]) => {
      // No DOM types under the root tsconfig: the two elements as far as this uses them.
      interface El { value: string; min: string; max: string; textContent: string | null; dispatchEvent(e: unknown): boolean }
      const doc = (globalThis as unknown as { document: { querySelector(s: string): El } }).document;
      const Ev = (globalThis as unknown as { Event: new (type: string) => unknown }).Event;
      const input = doc.querySelector(sel);
      const out = doc.querySelector(`${sel}-value`);
      for (let i = Number(input.min); i <= Number(input.max); i++) {
        input.value = String(i);
        input.dispatchEvent(new Ev('input'));
        if (out.textContent === want) {
          input.dispatchEvent(new Ev('change'));
          return;
        }
      }
      throw new Error(`${sel}: no step shows ${want}`);
    },
    [`#whatif-${id}`, value] as const,
  );
}

/** Until the what-if run is no longer running. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const s = (globalThis as unknown as { __gomem: { whatIf(): { state: string } } }).__gomem.whatIf().state;
    return s !== 'running';
  }, undefined, { timeout: 120_000 });
}
