// Go source in the page, in headless Chromium: a program pasted into the
// "Run Go source here" panel is compiled by the front end in the page's
// Worker (web-tree-sitter and the Go grammar fetched as .wasm) and run on
// the model. The run shown must be the one `gomem run prog.go` makes: at
// each checkpoint the charts and panels show what --json printed. Its trace
// carries the source, so the what-if sliders run it again (GOGC 50: the
// overlay is `gomem run prog.go --gogc 50`'s run) and so do the ps/explain
// panels. A compile error is the compiler's one line, as gomem run prints it.

import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTrace } from '../../src/trace/reader.ts';
import { buildTimeline } from '../../web/src/timeline.ts';
import type { GomemHook } from '../../web/src/hook_types.ts';
import { browserMissing, findChromium, loadPlaywright } from './browser.ts';
import { buildPage, checkCheckpoints, type CheckpointJson, hook, root, runJson, settled, slide, startServing } from './page.ts';

const missing = await browserMissing();
if (missing !== null) console.warn(`test/web/gosource.test.ts: SKIPPED, ${missing}`);

/** Pointerful nodes kept in a growing slice, with the checkpoint helper: a few GC cycles at GOGC=100. */
const prog = `package main

import "gomem/reality/checkpoint"

type node struct {
	next *node
	val  [6]int64
}

var keep []*node

func main() {
	checkpoint.Mark("start")
	for i := 0; i < 200000; i++ {
		n := &node{}
		if len(keep) > 0 {
			n.next = keep[len(keep)-1]
		}
		keep = append(keep, n)
	}
	checkpoint.Mark("after_build")
	keep = keep[:1000]
	for i := 0; i < 200000; i++ {
		_ = &node{val: [6]int64{int64(i)}}
	}
	checkpoint.Mark("after_churn")
	checkpoint.Exit()
}
`;

const bad = `package main

func main() {
	x = 1
}
`;

/** The page's state, from its hook. */
function state(page: Page): Promise<string> {
  return hook(page, (g) => g.state);
}

/** Pastes source into the panel, names the file, and presses run. */
async function runSource(page: Page, text: string, settings = ''): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { document: { querySelector(s: string): { open: boolean } } }).document.querySelector('#gosource').open = true;
  });
  await page.fill('#go-text', text);
  await page.fill('#go-file', 'prog.go');
  await page.fill('#go-settings', settings);
  await page.click('#go-run');
  await page.waitForFunction(() => {
    const g = (globalThis as unknown as { __gomem?: GomemHook }).__gomem;
    return g?.state === 'ready' || g?.state === 'error';
  }, undefined, { timeout: 120_000 });
}

describe.skipIf(missing !== null)('Go source pasted into the page (headless Chromium)', () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let dir = '';
  let cli: CheckpointJson[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    buildPage();
    dir = mkdtempSync(join(tmpdir(), 'gomem-gosource-'));
    writeFileSync(join(dir, 'prog.go'), prog);
    writeFileSync(join(dir, 'bad.go'), bad);
    const trace = join(dir, 'prog.trace');
    cli = runJson([join(dir, 'prog.go'), '--trace', trace]);
    // Any trace serves the page; it is opened without one.
    const s = await startServing(['view', trace]);
    server = s.server;
    const pw = (await loadPlaywright())!;
    browser = await pw.chromium.launch({ executablePath: findChromium()!, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('/', s.url).href);
    await page.waitForFunction(() => (globalThis as unknown as { __gomem?: GomemHook }).__gomem?.state === 'empty', undefined, { timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (server?.pid !== undefined && server.exitCode === null) server.kill('SIGTERM');
  });

  it('runs the pasted program as gomem run prog.go does: at each checkpoint the charts and panels show what --json printed', async () => {
    await runSource(page, prog);
    expect(await hook(page, (g) => g.error ?? g.state)).toBe('ready');
    expect(errors).toEqual([]);
    expect(await page.textContent('#status')).toMatch(/^prog: \d+ records, .* of virtual time, \d+ GC cycles/);
    expect(cli.map((c) => c.name)).toEqual(['start', 'after_build', 'after_churn', 'exit']);
    await checkCheckpoints(page, cli);
  }, 180_000);

  it('runs it again for the ps and explain panels, and for the what-if sliders (GOGC 50: gomem run prog.go --gogc 50)', async () => {
    expect(await hook(page, (g) => g.cliTexts())).toEqual({ state: 'done' });
    // At each checkpoint the ps row and the explain section gomem run prog.go --ps --explain printed there.
    const run = spawnSync(process.execPath, ['bin/gomem.js', 'run', join(dir, 'prog.go'), '--ps', '--explain', '--quiet'], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const rows = run.stdout.split('\n').filter((l) => l.startsWith('root '));
    const marks = await hook(page, (g) => g.checkpoints());
    expect(rows).toHaveLength(marks.length);
    for (const [i, m] of marks.entries()) {
      await hook(page, (g, r: number) => g.setCursorRecord(r), m.record);
      const p = await hook(page, (g) => g.panels());
      expect(p.ps.split('\n')[2]).toBe(rows[i]);
      const body = p.explain.slice(p.explain.indexOf('\n') + 1);
      expect(body.startsWith(`prog at checkpoint ${m.name}\n`)).toBe(true);
      expect(run.stdout).toContain(`# explain at ${m.name}\n${body}`);
    }
    const w0 = await hook(page, (g) => g.whatIf());
    expect(w0).toMatchObject({ state: 'none', flags: [] });
    const trace50 = join(dir, 'prog50.trace');
    const cli50 = runJson([join(dir, 'prog.go'), '--gogc', '50', '--trace', trace50]);
    const tl50 = buildTimeline(decodeTrace(gunzipSync(readFileSync(trace50))));
    await slide(page, 'gogc', '50');
    await settled(page);
    const w = await hook(page, (g) => g.whatIf());
    expect(w.error).toBeUndefined();
    expect(w).toMatchObject({ state: 'done', flags: ['--gogc 50'], outcome: 'exit' });
    expect(w.run!.records).toBe(tl50.records.length);
    expect(w.run!.cycles).toBe(tl50.cycles.length);
    expect(w.run!.checkpoints.map((c) => c.name)).toEqual(cli50.map((c) => c.name));
    for (const c of cli50) {
      const mark = w.run!.checkpoints.find((m) => m.name === c.name)!;
      const v = (await hook(page, (g, r: number) => g.whatIfValues({ record: r }), mark.record))!;
      for (const k of ['HeapInuse', 'HeapAlloc', 'NextGC', 'HeapReleased']) expect(v.heap![k], `${c.name} ${k}`).toBe(c.memstats[k]);
    }
    expect(errors).toEqual([]);
  }, 240_000);

  it('a compile error is the compiler line gomem run prints, and exits nothing else', async () => {
    const run = spawnSync(process.execPath, ['bin/gomem.js', 'run', join(dir, 'bad.go')], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('./bad.go:4:2: undefined: x\n');
    await runSource(page, bad);
    expect(await state(page)).toBe('error');
    expect(await page.textContent('#status')).toBe('./prog.go:4:2: undefined: x');
    expect(errors).toEqual([]);
  }, 120_000);

  it('refuses settings that are not Go variables, in one line', async () => {
    await runSource(page, prog, 'GOGC=50 FOO=1');
    expect(await page.textContent('#status')).toBe('prog.go: settings: "FOO=1" is not GOGC=…, GOMEMLIMIT=…, GOMAXPROCS=… or GODEBUG=…');
  }, 60_000);
});
