// The browser view in a real headless Chromium: `gomem view` on the traces
// of hello, blahdo and idle-after-burst (34 checkpoints: the scavenger
// releasing the burst's heap second by second), the cursor set to each
// checkpoint, and what the charts plot and the panels show equal to what
// `gomem run --json` printed there; a step to the next GC lands on a GC
// phase record; W/A/S/D zoom and pan; a click on a step names its cause;
// the view state survives a reload through the URL hash. Screenshots of the
// page and of each chart and panel are kept in test-artifacts/web/.

import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GomemHook } from '../../web/src/hook_types.ts';
import { browserMissing } from './browser.ts';
import { buildPage, checkCheckpoints, type CheckpointJson, hook, openPage, root, runJsonPrinted, startServing } from './page.ts';

const artifacts = join(root, 'test-artifacts', 'web');
const missing = await browserMissing();
if (missing !== null) console.warn(`test/web/view.test.ts: SKIPPED, ${missing}`);

interface Opened {
  server: ChildProcess;
  browser: Browser;
  page: Page;
  url: string;
  cli: CheckpointJson[];
  /** What the traced run printed on stderr. */
  stderr: string;
}

/** Runs a scenario with --trace and --json, serves the trace with gomem view, and opens it in Chromium. */
async function openView(scenario: string): Promise<Opened> {
  buildPage();
  const dir = mkdtempSync(join(tmpdir(), 'gomem-web-'));
  const trace = join(dir, `${scenario}.trace`);
  const { cli, stderr } = runJsonPrinted([scenario, '--trace', trace]);
  const { server, url } = await startServing(['view', trace]);
  const { browser, page } = await openPage(url);
  return { server, browser, page, url, cli, stderr };
}

async function closeView(v: Opened | undefined): Promise<void> {
  await v?.browser.close();
  if (v?.server.pid !== undefined && v.server.exitCode === null) v.server.kill('SIGTERM');
}

describe.skipIf(missing !== null)('gomem view in headless Chromium: hello', () => {
  let opened: Opened | undefined;

  beforeAll(async () => {
    opened = await openView('hello');
  }, 180_000);

  afterAll(() => closeView(opened));

  it('at each checkpoint (start, after Println, after the 2 s sleep, exit), plots and shows what gomem run --json printed', async () => {
    expect(opened!.cli.map((c) => c.name)).toEqual(['start', 'after_println', 'after_sleep_2s', 'exit']);
    await checkCheckpoints(opened!.page, opened!.cli);
    // The 1.2 GiB of VSZ that is address space only, next to a 2 MiB RSS: the story hello tells.
    const v = await hook(opened!.page, (g) => g.values());
    expect(v.process!.VmSize!).toBeGreaterThan(1.1 * 2 ** 30);
    expect(v.process!.VmRSS!).toBeLessThan(4 * 2 ** 20);
  }, 120_000);
});

describe.skipIf(missing !== null)('gomem view in headless Chromium: idle-after-burst, 34 checkpoints', () => {
  let opened: Opened | undefined;

  beforeAll(async () => {
    opened = await openView('idle-after-burst');
  }, 180_000);

  afterAll(() => closeView(opened));

  it('at each of its 34 checkpoints (start, after the burst and its GC, 30 idle seconds of scavenging, exit), plots and shows what gomem run --json printed', async () => {
    expect(opened!.cli.length).toBe(34);
    await checkCheckpoints(opened!.page, opened!.cli);
  }, 120_000);
});

describe.skipIf(missing !== null)('gomem view in headless Chromium: blahdo', () => {
  let opened: Opened | undefined;
  let browser: Browser;
  let page: Page;
  let url = '';
  let cli: CheckpointJson[] = [];

  beforeAll(async () => {
    opened = await openView('blahdo');
    ({ browser, page, url, cli } = opened);
  }, 180_000);

  afterAll(() => closeView(opened));

  it('was served by gomem view on 127.0.0.1, and shows blahdo', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#trace=trace\.gz$/);
    expect(await hook(page, (g) => g.trace!.program)).toBe('blahdo');
    expect(cli.map((c) => c.name)).toEqual(['before_loop', 'after_loop', 'exit']);
    expect(await hook(page, (g) => g.charts())).toEqual({
      process: ['VmRSS', 'memory.current', 'VmSize'],
      heap: ['HeapInuse', 'HeapAlloc', 'NextGC', 'trigger', 'HeapReleased', 'StackInuse'],
      mark: ['marked', 'grey objects'],
      gcCpu: ['assist', 'dedicated', 'fractional', 'idle', 'pause'],
      events: ['page faults', 'scavenged'],
    });
  });

  it('at each checkpoint, plots and shows the figures gomem run --json printed', async () => {
    await checkCheckpoints(page, cli);
  });

  it('the program output panel holds stdout and stderr up to the cursor', async () => {
    const marks = await hook(page, (g) => g.checkpoints());
    await hook(page, (g, r: number) => g.setCursorRecord(r), marks[0]!.record);
    const before = (await hook(page, (g) => g.panels())).output;
    expect(before).toContain('memory baseline...');
    expect(before).not.toContain('memory comparison...');
    await hook(page, (g, r: number) => g.setCursorRecord(r), marks[2]!.record);
    // blahdo's log.Println lines (stderr): four before the loop, four after; the first after it follows its fmt.Println.
    const logged = opened!.stderr.split('\n').filter((l) => l.startsWith('2025/01/01 '));
    expect(logged).toHaveLength(8);
    expect((await hook(page, (g) => g.panels())).output).toContain(`memory comparison...\n${logged[4]}\n`);
  });

  it('next ▶ with "GC phase" chosen moves the cursor to the next gcPhase record; ◀ prev moves it back', async () => {
    await hook(page, (g) => g.setCursorRecord(0));
    const phases = await hook(page, (g) => g.times('gcPhase'));
    expect(phases.length).toBe(50); // 10 cycles × sweepterm, mark, marktermination, sweep, sweepdone
    await page.selectOption('#step-kind', 'gcPhase');
    await page.click('#step-next');
    const first = await hook(page, (g) => g.cursor());
    expect(first.kind).toBe('gcPhase');
    expect(first.t).toBe(phases[0]);
    expect((await hook(page, (g) => g.panels())).cursor).toContain('GC 1: sweepterm');
    await page.click('#step-next');
    const second = await hook(page, (g) => g.cursor());
    expect(second).toMatchObject({ kind: 'gcPhase', t: phases[1] });
    expect((await hook(page, (g) => g.panels())).cursor).toContain('GC 1: mark');
    await page.click('#step-prev');
    expect(await hook(page, (g) => g.cursor())).toEqual(first);
    // Through the hook as well, and past the last one there is nothing.
    expect(await hook(page, (g) => g.step('gcPhase', 1))).toEqual(second);
    await hook(page, (g) => g.setCursorRecord(g.trace!.records - 1));
    expect(await hook(page, (g) => g.step('gcPhase', 1))).toBeNull();
  });

  it('W/S zoom about the cursor and A/D pan by a fifth, as in Perfetto, never past the run', async () => {
    const marks = await hook(page, (g) => g.checkpoints());
    const c = marks[1]!;
    await hook(page, (g, r: number) => g.setCursorRecord(r), c.record);
    const end = (await hook(page, (g) => g.trace!.end));
    const [a0, b0] = await hook(page, (g) => g.setRange(0, g.trace!.end));
    await page.click('h1, body', { position: { x: 5, y: 5 } }).catch(() => {});
    await page.keyboard.press('w');
    const [a1, b1] = await hook(page, (g) => g.range());
    // 0.8 of the width, the cursor at the same fraction of it.
    expect(b1 - a1).toBeCloseTo(0.8 * (b0 - a0), -1);
    expect((c.t - a1) / (b1 - a1)).toBeCloseTo((c.t - a0) / (b0 - a0), 6);
    await page.keyboard.press('a');
    const [a2, b2] = await hook(page, (g) => g.range());
    expect(b2 - a2).toBeCloseTo(b1 - a1, -1);
    expect(a2).toBeCloseTo(Math.max(0, a1 - 0.2 * (b1 - a1)), -1);
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    const [a3, b3] = await hook(page, (g) => g.range());
    expect(b3 - a3).toBeCloseTo(b1 - a1, -1);
    expect(b3).toBeLessThanOrEqual(end);
    await page.keyboard.press('s');
    await page.keyboard.press('s');
    const [a4, b4] = await hook(page, (g) => g.range());
    expect([a4, b4]).toEqual([0, end]);
  });

  it('a click next to a step of VmSize or VmRSS puts the cursor on the record that made it, and the cursor line names its cause', async () => {
    const marks = await hook(page, (g) => g.checkpoints());
    // The first change of the process chart after before_loop: the heap mapping 128 MiB more address space for the first 100 MB slice.
    const mm = (await hook(page, (g) => g.times('mm'))).filter((t) => t > marks[0]!.t);
    const t = mm[0]!;
    const [a, b] = await hook(page, (g, x: number) => g.setRange(x - 2e4, x + 2e4), t);
    await hook(page, (g) => g.setCursorRecord(0));
    const over = (await page.$$('#charts .chart .u-over'))[0]!;
    const box = (await over.boundingBox())!;
    // 2 px off the step: within the click's reach, not on it.
    const x = box.x + ((t - a) / (b - a)) * box.width + 2;
    await page.mouse.click(x, box.y + box.height / 2);
    const c = await hook(page, (g) => g.cursor());
    expect(c).toMatchObject({ kind: 'mm', t });
    const line = (await hook(page, (g) => g.panels())).cursor;
    expect(line).toMatch(/ mm — mmap at 0xc[0-9a-f]+, VSZ \+128\.0 MiB$/);
    await hook(page, (g) => g.setRange(0, g.trace!.end));
  });

  it('keeps the cursor and range in the URL hash: a reload shows the same moment', async () => {
    const marks = await hook(page, (g) => g.checkpoints());
    await hook(page, (g, r: number) => g.setCursorRecord(r), marks[1]!.record);
    const range = await hook(page, (g) => g.setRange(1e6, 2.6e8));
    // The hash follows the view within 100 ms; wait for both changes to reach it.
    await page.waitForFunction(
      ([r, a, b]) => {
        const hash = (globalThis as unknown as { location: { hash: string } }).location.hash;
        return hash.includes(`rec=${r}&`) && hash.includes(`from=${a}&to=${b}&`);
      },
      [marks[1]!.record, range[0], range[1]] as const,
    );
    const link = page.url();
    expect(link).toContain('trace=trace.gz');
    const p2 = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    await p2.goto(link);
    await p2.waitForFunction(() => (globalThis as unknown as { __gomem?: GomemHook }).__gomem?.state === 'ready', null, { timeout: 30_000 });
    expect(await hook(p2, (g) => g.cursor())).toMatchObject({ record: marks[1]!.record, kind: 'checkpoint', t: marks[1]!.t });
    expect(await hook(p2, (g) => g.range())).toEqual(range);
    await p2.close();
  });

  it('draws: screenshots of the page and of each chart and panel at the after_loop checkpoint are kept in test-artifacts/web/', async () => {
    const marks = await hook(page, (g) => g.checkpoints());
    await hook(page, (g) => g.setRange(0, g.trace!.end));
    await hook(page, (g, r: number) => g.setCursorRecord(r), marks[1]!.record);
    // Five uPlot charts, each with a canvas that has drawn something.
    const canvases = await page.$$eval('#charts canvas', (cs) => cs.map((c) => (c as unknown as { width: number }).width));
    expect(canvases.length).toBe(5);
    for (const w of canvases) expect(w).toBeGreaterThan(400);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'blahdo.png'), fullPage: true });
    // And each panel on its own: the five charts, then the four text panels.
    const charts = await page.$$('#charts .chart');
    expect(charts.length).toBe(5);
    const ids = Object.keys(await hook(page, (g) => g.charts()));
    for (const [i, c] of charts.entries()) await c.screenshot({ path: join(artifacts, `blahdo-chart-${ids[i] ?? i}.png`) });
    for (const id of ['memstats', 'allocator', 'checkpoint', 'output']) await (await page.$(`#panels pre#${id}`))!.screenshot({ path: join(artifacts, `blahdo-panel-${id}.png`) });
  });
});
