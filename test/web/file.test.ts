// The static build opened straight from disk (a file:// URL, no server), in
// headless Chromium: `npm run build:web` makes web/dist/index.html one file
// (script, stylesheet, the what-if Worker and the Go parser's .wasm inside
// it; web/vite.config.ts), copied here to a folder of its own and opened
// as file:///…/index.html. Chromium loads no module script, stylesheet or
// Worker from a file: URL, so before it was one file the page stayed blank.
// A trace picked with the file input is shown as gomem run --json printed
// it; the GOGC slider runs blahdo again in the Worker (started from a blob:
// URL), as `gomem run blahdo --gogc 50`; Go source pasted into the page is
// compiled there (the parser's .wasm from a data: URL) and run as
// `gomem run prog.go` runs it. No page error, no console error.

import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webDist } from '../../src/cli/view.ts';
import type { GomemHook } from '../../web/src/hook_types.ts';
import { browserMissing, findChromium, loadPlaywright } from './browser.ts';
import { type CheckpointJson, buildPage, checkCheckpoints, hook, runJson, settled, slide } from './page.ts';

const missing = await browserMissing();
if (missing !== null) console.warn(`test/web/file.test.ts: SKIPPED, ${missing}`);

/** A few GC cycles with the checkpoint helper. */
const prog = `package main

import "gomem/reality/checkpoint"

type node struct {
	next *node
	val  [6]int64
}

var keep []*node

func main() {
	checkpoint.Mark("start")
	for i := 0; i < 50000; i++ {
		keep = append(keep, &node{})
	}
	checkpoint.Mark("after_build")
	checkpoint.Exit()
}
`;

describe.skipIf(missing !== null)('the static build opened from file:// in headless Chromium', () => {
  let browser: Browser | undefined;
  let page: Page;
  let dir = '';
  let cli: CheckpointJson[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    buildPage();
    expect(readdirSync(webDist)).toEqual(['index.html']);
    dir = mkdtempSync(join(tmpdir(), 'gomem-file-'));
    copyFileSync(join(webDist, 'index.html'), join(dir, 'index.html'));
    const trace = join(dir, 'blahdo.trace');
    cli = runJson(['blahdo', '--trace', trace]);
    const pw = (await loadPlaywright())!;
    browser = await pw.chromium.launch({ executablePath: findChromium()!, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    await page.goto(pathToFileURL(join(dir, 'index.html')).href);
    await page.waitForFunction(() => (globalThis as unknown as { __gomem?: GomemHook }).__gomem?.state === 'empty', undefined, { timeout: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('opens a trace picked with the file input: at each checkpoint the charts and panels show what gomem run blahdo --json printed', async () => {
    expect(page.url()).toMatch(/^file:\/\/\/.*\/index\.html$/);
    await page.setInputFiles('#file', join(dir, 'blahdo.trace'));
    await page.waitForFunction(() => {
      const g = (globalThis as unknown as { __gomem?: GomemHook }).__gomem;
      return g?.state === 'ready' || g?.state === 'error';
    }, undefined, { timeout: 60_000 });
    expect(await hook(page, (g) => g.error ?? g.state)).toBe('ready');
    expect(await hook(page, (g) => g.trace!.program)).toBe('blahdo');
    await checkCheckpoints(page, cli);
    // The stylesheet is there too: the charts sit in their grid, the header is styled.
    expect(await page.evaluate(() => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string }; document: { querySelector(s: string): unknown } }).getComputedStyle((globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector('#panels')).display)).toBe('grid');
    expect(errors).toEqual([]);
  }, 120_000);

  it('the GOGC slider runs blahdo again in the Worker: the overlay is gomem run blahdo --gogc 50', async () => {
    await slide(page, 'gogc', '50');
    await settled(page);
    const w = await hook(page, (g) => g.whatIf());
    expect(w.error).toBeUndefined();
    expect(w).toMatchObject({ state: 'done', flags: ['--gogc 50'], outcome: 'exit' });
    const want = runJson(['blahdo', '--gogc', '50']);
    expect(w.run!.checkpoints.map((c) => c.name)).toEqual(want.map((c) => c.name));
    for (const c of want) {
      const mark = w.run!.checkpoints.find((m) => m.name === c.name)!;
      const v = (await hook(page, (g, r: number) => g.whatIfValues({ record: r }), mark.record))!;
      expect(v.process!.VmRSS, `${c.name} VmRSS`).toBe(c.proc.VmRSS_kB! * 1024);
      for (const k of ['HeapInuse', 'HeapAlloc', 'NextGC', 'HeapReleased']) expect(v.heap![k], `${c.name} ${k}`).toBe(c.memstats[k]);
    }
    expect(errors).toEqual([]);
  }, 180_000);

  it('Go source pasted into the page is compiled and run there as gomem run prog.go runs it', async () => {
    writeFileSync(join(dir, 'prog.go'), prog);
    const want = runJson([join(dir, 'prog.go')]);
    await page.evaluate(() => {
      (globalThis as unknown as { document: { querySelector(s: string): { open: boolean } } }).document.querySelector('#gosource').open = true;
    });
    await page.fill('#go-text', prog);
    await page.fill('#go-file', 'prog.go');
    await page.fill('#go-settings', '');
    await page.click('#go-run');
    await page.waitForFunction(() => {
      const g = (globalThis as unknown as { __gomem?: GomemHook }).__gomem;
      return g?.state === 'error' || (g?.state === 'ready' && g.trace?.program === 'prog');
    }, undefined, { timeout: 120_000 });
    expect(await hook(page, (g) => g.error ?? g.state)).toBe('ready');
    expect(want.map((c) => c.name)).toEqual(['start', 'after_build', 'exit']);
    await checkCheckpoints(page, want);
    expect(errors).toEqual([]);
  }, 180_000);
});
