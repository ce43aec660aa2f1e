// The guided tours, in headless Chromium, walked to their ends with the
// page's own buttons: big-slice-gc (why RSS stays up after runtime.GC(),
// one GC cycle, VSZ against RSS) and big-slice-freeos (RSS drops at once
// with debug.FreeOSMemory()), and container-oom in a 128 MiB container (the
// container that dies at its limit while VSZ is a red herring). At each step the cursor is where the step
// says, and the figures the text quotes are those gomem run --json printed
// at the same checkpoint. A screenshot of each tour's last step is kept.

import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytes } from '../../web/src/fmt.ts';
import { browserMissing } from './browser.ts';
import { buildPage, type CheckpointJson, hook, openPage, root, runJson, startServing } from './page.ts';

const artifacts = join(root, 'test-artifacts', 'web');
const missing = await browserMissing();
if (missing !== null) console.warn(`test/web/tours.test.ts: SKIPPED, ${missing}`);

interface Opened {
  server: ChildProcess;
  browser: Browser;
  page: Page;
  cli: CheckpointJson[];
}

async function open(scenario: string): Promise<Opened> {
  buildPage();
  const trace = join(mkdtempSync(join(tmpdir(), 'gomem-tours-')), `${scenario}.trace`);
  const cli = runJson([scenario, '--trace', trace]);
  const { server, url } = await startServing(['view', trace]);
  const { browser, page } = await openPage(url);
  return { server, browser, page, cli };
}

async function close(o: Opened | undefined): Promise<void> {
  await o?.browser.close();
  if (o?.server.exitCode === null) o.server.kill('SIGTERM');
}

/** Walks a tour with its buttons: start, then next ▶ until it is disabled. Returns each step as shown, with the cursor there. */
async function walk(page: Page, id: string): Promise<{ title: string; text: string; record: number; kind: string }[]> {
  await page.click(`#tour-${id}`);
  const out: { title: string; text: string; record: number; kind: string }[] = [];
  for (;;) {
    const shown = (await hook(page, (g) => g.tour()))!;
    expect(shown.id).toBe(id);
    expect(shown.step).toBe(out.length);
    expect(await page.textContent('#tour-text')).toBe(shown.text);
    const c = await hook(page, (g) => g.cursor());
    out.push({ title: shown.title, text: shown.text, record: c.record, kind: c.kind });
    if (await page.isDisabled('#tour-next')) break;
    await page.click('#tour-next');
  }
  expect(out.length).toBe((await hook(page, (g) => g.tours())).find((t) => t.id === id)!.steps.length);
  return out;
}

const cp = (cli: CheckpointJson[], name: string): CheckpointJson => cli.find((c) => c.name === name)!;

describe.skipIf(missing !== null)('tours in headless Chromium: big-slice-gc', () => {
  let o: Opened | undefined;
  beforeAll(async () => {
    o = await open('big-slice-gc');
  }, 180_000);
  afterAll(() => close(o));

  it('offers the VSZ, GC-cycle and RSS-after-runtime.GC tours', async () => {
    expect((await hook(o!.page, (g) => g.tours())).map((t) => t.id)).toEqual(['vsz', 'gc', 'release']);
  });

  it('"Why RSS stays up after runtime.GC()", walked to its end: each step on its checkpoint, quoting what gomem run --json printed there', async () => {
    const steps = await walk(o!.page, 'release');
    const marks = await hook(o!.page, (g) => g.checkpoints());
    const names = ['after_full_touch', 'after_gc', 'after_gc_sleep1s', 'after_make_300mb'];
    expect(steps.length).toBe(4);
    steps.forEach((s, i) => {
      // The snapshot right after the checkpoint: the same instant, with the map's page states.
      expect(s.record, s.title).toBe(marks.find((m) => m.name === names[i])!.record + 1);
      expect(s.kind).toBe('snapshot');
    });
    const [touched, gc, slept, again] = names.map((n) => cp(o!.cli, n));
    const rss = (c: CheckpointJson): string => bytes(c.proc.VmRSS_kB! * 1024);
    expect(steps[0]!.text).toContain(`HeapInuse ${bytes(touched!.memstats.HeapInuse)}, VmRSS ${rss(touched!)}`);
    expect(steps[1]!.text).toContain(`HeapInuse fell to ${bytes(gc!.memstats.HeapInuse)}. But VmRSS is still ${rss(gc!)}`);
    expect(steps[1]!.text).toContain(`only ${bytes(gc!.memstats.HeapReleased)} is released`);
    expect(steps[2]!.text).toContain(`VmRSS ${rss(slept!)}, HeapReleased ${bytes(slept!.memstats.HeapReleased)}`);
    expect(steps[2]!.text).toContain(`released ${bytes(slept!.memstats.HeapReleased - gc!.memstats.HeapReleased)} in that second`);
    expect(steps[3]!.text).toContain(`VmRSS moves from ${rss(slept!)} to ${rss(again!)}, while HeapInuse is back up to ${bytes(again!.memstats.HeapInuse)}`);
    // The RSS story itself, in the run's own numbers: a GC gave nothing back to the kernel.
    expect(gc!.proc.VmRSS_kB!).toBeGreaterThan(0.95 * touched!.proc.VmRSS_kB!);
    mkdirSync(artifacts, { recursive: true });
    await o!.page.screenshot({ path: join(artifacts, 'tour-release-big-slice-gc.png'), fullPage: true });
  });

  it('"One GC cycle", walked to its end: GC start, mark, the longest grey queue, mark termination, sweep', async () => {
    const steps = await walk(o!.page, 'gc');
    expect(steps.map((s) => s.kind)).toEqual(['gcStart', 'gcPhase', 'gcMark', 'gcDone', 'gcPhase']);
    expect(steps.map((s) => s.title)).toEqual(['GC 2 starts', 'Mark', 'The grey queue at its longest', 'Mark termination', 'Sweep']);
    // GC 2 is the program's runtime.GC(): NumGC goes from 1 to 2 between after_full_touch and after_gc.
    expect(cp(o!.cli, 'after_full_touch').memstats.NumGC).toBe(1);
    expect(cp(o!.cli, 'after_gc').memstats.NumGC).toBe(2);
    expect(steps[0]!.text).toContain('GC 2 starts (runtime.GC())');
    // The range is the cycle: every step's cursor within it.
    const [a, b] = await hook(o!.page, (g) => g.range());
    for (const s of steps) {
      const t = await hook(o!.page, (g, r: number) => g.setCursorRecord(r).t, s.record);
      expect(t).toBeGreaterThanOrEqual(a);
      expect(t).toBeLessThanOrEqual(b);
    }
    await o!.page.screenshot({ path: join(artifacts, 'tour-gc-big-slice-gc.png'), fullPage: true });
  });

  it('"VSZ against RSS", walked to its end: the figures are those at start and exit, and the map is zoomed to the heap on the third step', async () => {
    const steps = await walk(o!.page, 'vsz');
    const start = cp(o!.cli, 'start');
    const exit = cp(o!.cli, 'exit');
    expect(steps[0]!.text).toContain(`VmSize is ${bytes(start.proc.VmSize_kB! * 1024)} and its VmRSS ${bytes(start.proc.VmRSS_kB! * 1024)}`);
    expect(steps.at(-1)!.text).toContain(`At exit: VmSize ${bytes(exit.proc.VmSize_kB! * 1024)}, VmRSS ${bytes(exit.proc.VmRSS_kB! * 1024)}`);
    await hook(o!.page, (g) => g.tourGo('vsz', 2));
    const m = (await hook(o!.page, (g) => g.addressMap()))!;
    expect(m.range[1] - m.range[0]).toBe(64 * 2 ** 20);
    // The tour's step and the map's zoom are in the URL: a link shows the same step, zoomed the same.
    await o!.page.waitForFunction(() => {
      const h = (globalThis as unknown as { location: { hash: string } }).location.hash;
      return h.includes('tour=vsz.2') && h.includes('map=c000000000-c004000000');
    });
    const p2 = await o!.browser.newPage({ viewport: { width: 1400, height: 1600 } });
    await p2.goto(o!.page.url());
    await p2.waitForFunction(() => (globalThis as unknown as { __gomem?: { state: string } }).__gomem?.state === 'ready', null, { timeout: 30_000 });
    expect(await hook(p2, (g) => g.tour())).toMatchObject({ id: 'vsz', step: 2 });
    expect(await hook(p2, (g) => g.cursor())).toEqual(await hook(o!.page, (g) => g.cursor()));
    expect((await hook(p2, (g) => g.addressMap()))!.range).toEqual(m.range);
    await p2.close();
    await o!.page.click('#tour-end');
    expect(await hook(o!.page, (g) => g.tour())).toBeNull();
    expect(await hook(o!.page, (g) => g.tourGo('vsz', 99))).toBeNull();
  });
});

describe.skipIf(missing !== null)('tours in headless Chromium: big-slice-freeos', () => {
  let o: Opened | undefined;
  beforeAll(async () => {
    o = await open('big-slice-freeos');
  }, 180_000);
  afterAll(() => close(o));

  it('"RSS drops at once with debug.FreeOSMemory()", walked to its end, quoting what gomem run --json printed', async () => {
    const steps = await walk(o!.page, 'release');
    expect(steps[0]!.title).toBe('A 600 MiB slice, every byte written');
    expect(steps[1]!.title).toBe('The slice dropped, then debug.FreeOSMemory()');
    const gc = cp(o!.cli, 'after_gc');
    const slept = cp(o!.cli, 'after_gc_sleep1s');
    const again = cp(o!.cli, 'after_make_300mb');
    expect(steps[1]!.text).toContain(`HeapInuse ${bytes(gc.memstats.HeapInuse)}, HeapReleased ${bytes(gc.memstats.HeapReleased)}, and VmRSS fell to ${bytes(gc.proc.VmRSS_kB! * 1024)}`);
    expect(steps[3]!.text).toContain(`VmRSS grows from ${bytes(slept.proc.VmRSS_kB! * 1024)} to ${bytes(again.proc.VmRSS_kB! * 1024)}`);
    expect(gc.proc.VmRSS_kB!).toBeLessThan(8 * 1024);
    mkdirSync(artifacts, { recursive: true });
    await o!.page.screenshot({ path: join(artifacts, 'tour-release-big-slice-freeos.png'), fullPage: true });
  });
});

describe.skipIf(missing !== null)('tours in headless Chromium: container-oom in a 128 MiB container', () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let summary = '';

  beforeAll(async () => {
    buildPage();
    const trace = join(mkdtempSync(join(tmpdir(), 'gomem-tours-')), 'oom.trace');
    const run = spawnSync(process.execPath, ['bin/gomem.js', 'run', 'container-oom', '--cgroup-memory-max', '128MiB', '--trace', trace], { cwd: root, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(137);
    summary = run.stderr;
    const s = await startServing(['view', trace]);
    server = s.server;
    ({ browser, page } = await openPage(s.url));
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    if (server?.exitCode === null) server.kill('SIGTERM');
  });

  it('"The container that dies at its limit", walked to its end: VSZ far over the limit from the start, memory.current at it when the OOM killer comes, as the run\'s summary says', async () => {
    expect((await hook(page, (g) => g.tours())).map((t) => t.id)).toEqual(['vsz', 'gc', 'span', 'oom']);
    const steps = await walk(page, 'oom');
    expect(steps.map((s) => s.title)).toEqual(['VSZ is over the limit from the start', 'memory.current climbs', 'At the limit', 'The OOM kill']);
    expect(steps[3]!.kind).toBe('exit');
    expect(steps[3]!.text).toContain('(exit status 137, oom-kill)');
    // gomem: OOM kill at 63.272 s of virtual time: cgroup /gomem charged 128.0 MiB of its 128.0 MiB limit
    const kill = /OOM kill at ([\d.]+) s of virtual time: cgroup \S+ charged ([\d.]+) MiB of its ([\d.]+) MiB limit/.exec(summary)!;
    expect(kill).not.toBeNull();
    expect(steps[3]!.text).toContain(`At ${Number(kill[1]).toFixed(2)} s the kernel's OOM killer`);
    expect(steps[2]!.text).toContain(`memory.current is ${kill[2]} MiB of ${kill[3]} MiB`);
    // The VSZ the summary reports at the kill is the one the step quotes.
    const vsz = Number(/RSS [\d.]+ MiB \(anon[^)]*\), page tables [\d.]+ MiB, VSZ ([\d.]+) MiB/.exec(summary)![1]);
    const v = await hook(page, (g, r: number) => g.setCursorRecord(r) && g.values(), steps[2]!.record);
    expect((v.process!.VmSize! / 2 ** 20).toFixed(1)).toBe(vsz.toFixed(1));
    expect(steps[2]!.text).toContain(`VmSize is ${bytes(v.process!.VmSize!)}`);
    expect(steps[0]!.text).toMatch(/VmSize is already 1\.\d\d GiB — \d+\.\d× the limit/);
    mkdirSync(artifacts, { recursive: true });
    await hook(page, (g) => g.tourGo('oom', 3));
    await page.screenshot({ path: join(artifacts, 'tour-oom-container-oom.png'), fullPage: true });
  });

  it('"A span\'s life", walked to its end: mheap.allocSpan, the span in a P\'s mcache at a snapshot, mheap.freeSpan, the same span throughout', async () => {
    const steps = await walk(page, 'span');
    expect(steps[0]!.kind).toBe('spanAlloc');
    expect(steps[1]!.kind).toBe('snapshot');
    expect(steps.at(-1)!.kind).toBe('spanFree');
    const base = Number(/at (0x[0-9a-f]+):/.exec(steps[0]!.text)![1]);
    // The records the steps stand on are that span's allocation and free.
    await hook(page, (g, r: number) => g.setCursorRecord(r), steps[0]!.record);
    expect((await hook(page, (g) => g.panels())).cursor).toContain(`mheap.allocSpan: heap span at 0x${base.toString(16)}`);
    expect(await hook(page, (g, a: number) => g.describeAddress(a), base)).toContain(`span 0x${base.toString(16)} (1 × 8 KiB): 4096 B noscan, allocated since the snapshot`);
    await hook(page, (g, r: number) => g.setCursorRecord(r), steps.at(-1)!.record);
    expect((await hook(page, (g) => g.panels())).cursor).toContain(`mheap.freeSpan: heap span at 0x${base.toString(16)}`);
    // At the mcache step, the allocator panel's figures have it in that P's mcache.
    const p = Number(/In P(\d+)'s mcache/.exec(steps[1]!.title)![1]);
    await hook(page, (g, r: number) => g.setCursorRecord(r), steps[1]!.record);
    const a = (await hook(page, (g) => g.allocator()))!;
    expect(a.caches!.p.find((x) => x.id === p)!.mcache.map((m) => m.base)).toContain(base);
    await page.screenshot({ path: join(artifacts, 'tour-span-container-oom.png'), fullPage: true });
  });
});
