// GC cycles as bands behind the charts, in headless Chromium: live-heap-gogc100
// (13 cycles) opened with gomem view. Every chart (process, heap, mark, GC
// CPU, faults) draws each cycle's phases (sweep termination, mark, mark
// termination, sweep) from and to the times of the run's own gcPhase
// records, read here from the trace file `gomem run --trace` wrote, at the
// pixels those times have on the chart's axis, whole run and zoomed in; the
// phases' lengths are the "clock" triple and the start the "@" of the
// gctrace lines the same run printed (GODEBUG=gctrace=1), formatted as Go's
// runtime formats them. With GOGC moved to 50, the what-if run's cycles
// (30) are a strip along each chart's foot at the times of
// `gomem run live-heap-gogc100 --gogc 50 --trace`'s records, and the trace's
// bands stop above it. The canvas's pixels are read where a band is drawn.

import { type ChildProcess, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTrace } from '../../src/trace/reader.ts';
import type { GomemHook } from '../../web/src/hook_types.ts';
import { browserMissing } from './browser.ts';
import { buildPage, closeView, hook, openView, root, settled, slide } from './page.ts';

const artifacts = join(root, 'test-artifacts', 'web');
const missing = await browserMissing();
if (missing !== null) console.warn(`test/web/bands.test.ts: SKIPPED, ${missing}`);

const scenario = 'live-heap-gogc100';
const charts = ['process', 'heap', 'mark', 'gcCpu', 'events'];
const order = ['sweepterm', 'mark', 'marktermination', 'sweep', 'sweepdone'] as const;
/** The phase colours of web/src/bands.ts, as RGBA bytes: the trace's bands, and the what-if strip's. */
const colours: Record<string, [number, number, number, number]> = {
  sweepterm: [214, 39, 40, 0.3],
  mark: [255, 127, 14, 0.2],
  marktermination: [214, 39, 40, 0.4],
  sweep: [31, 119, 180, 0.1],
};
const stripColours: Record<string, [number, number, number, number]> = {
  sweepterm: [214, 39, 40, 0.6],
  mark: [255, 127, 14, 0.5],
  marktermination: [214, 39, 40, 0.8],
  sweep: [31, 119, 180, 0.3],
};

type Bands = ReturnType<GomemHook['bands']>[string];
type Band = Bands['bands'][number];

interface Run {
  /** Each cycle's phases as [phase, from, to], from the trace's gcPhase records; a phase runs until the next starts, the last sweep to the run's end. */
  intervals: { cycle: number; phase: string; from: number; to: number }[];
  /** The gctrace lines the run printed: cycle, "@" seconds, the clock triple. */
  gctrace: { cycle: number; at: string; clock: string }[];
}

/** gomem run SCENARIO ARGS --godebug gctrace=1 --trace FILE: its cycles from the trace's records, and its gctrace lines. */
function runCycles(args: string[], trace: string): Run {
  const r = spawnSync(process.execPath, ['bin/gomem.js', 'run', scenario, ...args, '--godebug', 'gctrace=1', '--trace', trace, '--quiet'], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const { records } = decodeTrace(gunzipSync(readFileSync(trace)));
  const end = Math.max(...records.map((x) => x.t));
  const phases = new Map<number, Partial<Record<string, number>>>();
  for (const x of records) {
    if (x.kind !== 'gcPhase') continue;
    if (!phases.has(x.cycle)) phases.set(x.cycle, {});
    phases.get(x.cycle)![x.phase] = x.t;
  }
  const intervals: Run['intervals'] = [];
  for (const [cycle, p] of phases) {
    for (let k = 0; k < order.length - 1; k++) {
      const from = p[order[k]!];
      if (from === undefined) continue;
      const to = order.slice(k + 1).map((q) => p[q]).find((v) => v !== undefined) ?? end;
      intervals.push({ cycle, phase: order[k]!, from, to });
    }
  }
  const gctrace: Run['gctrace'] = [];
  for (const m of (r.stdout + r.stderr).matchAll(/^gc (\d+) @(\d+\.\d+)s \d+%: (\S+) ms clock/gm)) gctrace.push({ cycle: Number(m[1]), at: m[2]!, clock: m[3]! });
  return { intervals, gctrace };
}

/** Go's fmtNSAsMS (runtime/mgc.go): whole ms from 10 ms up, else two significant digits with at most three decimals. */
function fmtNSAsMS(ns: number): string {
  if (ns >= 10e6) return String(Math.floor(ns / 1e6));
  let x = Math.floor(ns / 1e3);
  if (x === 0) return '0';
  let dec = 3;
  while (x >= 100) {
    x = Math.floor(x / 10);
    dec--;
  }
  const s = String(x).padStart(dec + 1, '0');
  return dec === 0 ? s : `${s.slice(0, s.length - dec)}.${s.slice(s.length - dec)}`;
}

const key = (b: { cycle: number; phase: string; from: number; to: number }): string => `${b.cycle}:${b.phase}:${b.from}:${b.to}`;

/** Each band is at the pixels its times have on the chart's axis: x0 at `from`, x1 at `to` (at least one pixel wide). */
function checkPixels(chart: string, p: Bands, bands: Band[]): void {
  const px = (t: number): number => ((t - p.min) / (p.max - p.min)) * p.width;
  for (const b of bands) {
    expect(Math.abs(b.x0 - px(b.from)), `${chart} ${key(b)} x0`).toBeLessThan(0.01);
    expect(Math.abs(b.x1 - Math.max(px(b.to), b.x0 + 1)), `${chart} ${key(b)} x1`).toBeLessThan(0.01);
  }
}

/** The bands of a run that a chart showing [min, max] must draw: those that overlap it. */
function visible(run: Run, p: Bands): string[] {
  return run.intervals.filter((i) => i.to >= p.min && i.from <= p.max).map(key);
}

/** The canvas's pixels (RGBA) of a chart in the rectangle [x0, x1) × [y0, y1) (CSS pixels on the canvas), read in the page. */
function pixels(page: Page, chart: string, x0: number, x1: number, y0: number, y1: number): Promise<number[][]> {
  return page.evaluate(
    ([id, a, z, t, b]) => {
      // No DOM types under the root tsconfig: the canvas as far as this uses it.
      interface Canvas { width: number; clientWidth: number; getContext(c: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
      const canvas = (globalThis as unknown as { document: { querySelector(s: string): Canvas } }).document.querySelector(`#charts [data-chart="${id}"] canvas`);
      const dpr = canvas.width / canvas.clientWidth;
      const [l, r, u, d] = [Math.ceil(a * dpr), Math.floor(z * dpr), Math.ceil(t * dpr), Math.floor(b * dpr)];
      if (r <= l || d <= u) return [];
      const data = canvas.getContext('2d').getImageData(l, u, r - l, d - u).data;
      const out: number[][] = [];
      for (let i = 0; i < data.length; i += 4) out.push([data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!]);
      return out;
    },
    [chart, x0, x1, y0, y1] as const,
  );
}

/**
 * Inside a band (a pixel in from its edges), most pixels are the phase's
 * colour: grid lines and series cross some. With gap (a stretch of the plot
 * between cycles, CSS pixels from its left), most of the plot there is clear.
 */
async function checkDrawn(page: Page, chart: string, p: Bands, b: Band, want: [number, number, number, number], gap?: [number, number]): Promise<void> {
  const x0 = p.left + Math.max(0, b.x0) + 1;
  const x1 = p.left + Math.min(p.width, b.x1) - 1;
  const inside = await pixels(page, chart, x0, x1, p.top + b.y0 + 1, p.top + b.y1 - 1);
  expect(inside.length, `${chart} ${key(b)}: pixels in the band`).toBeGreaterThan(20);
  const like = (px: number[], c: [number, number, number, number]): boolean => Math.abs(px[3]! - c[3] * 255) <= 3 && [0, 1, 2].every((i) => Math.abs(px[i]! - c[i]!) <= 10);
  expect(inside.filter((px) => like(px, want)).length / inside.length, `${chart} ${key(b)}: ${JSON.stringify(inside.slice(0, 4))}`).toBeGreaterThan(0.8);
  if (gap !== undefined) {
    const clear = await pixels(page, chart, p.left + gap[0] + 1, p.left + gap[1] - 1, p.top + 1, p.top + p.height - 1);
    expect(clear.length).toBeGreaterThan(20);
    expect(clear.filter((px) => px[3] === 0).length / clear.length, `${chart}: the gap before ${key(b)}`).toBeGreaterThan(0.8);
  }
}

describe.skipIf(missing !== null)(`GC bands in headless Chromium: ${scenario}, and GOGC 50 drawn over it`, () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let run: Run;
  let run50: Run;

  beforeAll(async () => {
    buildPage();
    const dir = mkdtempSync(join(tmpdir(), 'gomem-bands-'));
    const trace = join(dir, `${scenario}.trace`);
    run = runCycles([], trace);
    run50 = runCycles(['--gogc', '50'], join(dir, `${scenario}-gogc50.trace`));
    ({ server, browser, page } = await openView(['view', trace]));
  }, 180_000);

  afterAll(() => closeView(server, browser));

  it('the run’s cycles are its gctrace’s: the phases’ lengths are the clock triple, the first phase’s start the “@”', () => {
    expect(run.gctrace.map((g) => g.cycle)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(run50.gctrace.length).toBe(30);
    for (const r of [run, run50]) {
      // gctrace prints a cycle at its mark termination: the cycles with a sweep (at GOGC 50 a 31st has begun when the program exits).
      expect([...new Set(r.intervals.filter((i) => i.phase === 'sweep').map((i) => i.cycle))]).toEqual(r.gctrace.map((g) => g.cycle));
      for (const g of r.gctrace) {
        const ph = (p: string): { from: number; to: number } => r.intervals.find((i) => i.cycle === g.cycle && i.phase === p)!;
        expect([ph('sweepterm'), ph('mark'), ph('marktermination')].map((i) => fmtNSAsMS(i.to - i.from)).join('+'), `gc ${g.cycle}`).toBe(g.clock);
        expect((Math.floor(ph('sweepterm').from / 1e6) / 1e3).toFixed(3), `gc ${g.cycle} @`).toBe(g.at);
      }
    }
  });

  it('every chart draws each phase of each cycle from and to the times of the trace’s gcPhase records, at those times’ pixels', async () => {
    const all = await hook(page, (g) => g.bands());
    expect(Object.keys(all)).toEqual(charts);
    for (const c of charts) {
      const p = all[c]!;
      expect(p.bands.every((b) => b.run === 'trace' && b.y0 === 0 && b.y1 === p.height)).toBe(true);
      expect(p.bands.map(key), c).toEqual(visible(run, p));
      // The whole run: 13 cycles, 4 phases each.
      expect(p.bands.length, c).toBe(52);
      checkPixels(c, p, p.bands);
    }
    // Drawn: the widest mark band on the heap chart is the mark's colour, the gap before its cycle clear.
    const p = all.heap!;
    const mark = p.bands.filter((b) => b.phase === 'mark').sort((a, b) => b.x1 - b.x0 - (a.x1 - a.x0))[0]!;
    const before = p.bands.filter((b) => b.cycle === mark.cycle - 1 && b.phase === 'sweep')[0]!;
    await checkDrawn(page, 'heap', p, mark, colours.mark!, [before.x1, p.bands.find((b) => b.cycle === mark.cycle && b.phase === 'sweepterm')!.x0]);
    mkdirSync(artifacts, { recursive: true });
    await (await page.$('#charts [data-chart="heap"]'))!.screenshot({ path: join(artifacts, 'bands-heap.png') });
  });

  it('zoomed in on cycle 5’s start, the bands there are where its phases’ times fall, those outside the range not drawn', async () => {
    const c5 = run.intervals.filter((i) => i.cycle === 5);
    const st = c5.find((i) => i.phase === 'sweepterm')!;
    // Sweep termination (10.7 µs) and the mark's first 100 µs: sweep termination some hundred pixels wide.
    const a = st.from - 20e3;
    const b = st.to + 100e3;
    await hook(page, (g, r: [number, number]) => g.setRange(r[0], r[1]), [a, b]);
    const all = await hook(page, (g) => g.bands());
    for (const c of charts) {
      const p = all[c]!;
      expect([p.min, p.max]).toEqual([a, b]);
      expect(p.bands.map(key), c).toEqual(visible(run, p));
      expect(p.bands.map((x) => `${x.cycle}:${x.phase}`), c).toEqual(['5:sweepterm', '5:mark']);
      checkPixels(c, p, p.bands);
    }
    const p = all.process!;
    const band = p.bands.find((x) => x.phase === 'sweepterm')!;
    expect(band.x1 - band.x0).toBeGreaterThan(50);
    await checkDrawn(page, 'process', p, band, colours.sweepterm!, [0, band.x0]);
    await checkDrawn(page, 'process', p, p.bands.find((x) => x.phase === 'mark')!, colours.mark!);
    await hook(page, (g) => g.setRange(0, g.trace!.end));
  });

  it('GOGC 50: the what-if run’s 30 cycles in a strip along each chart’s foot, at the times of gomem run --gogc 50’s records; the trace’s bands above it', async () => {
    await hook(page, (g) => g.setRange(0, g.trace!.end));
    await slide(page, 'gogc', '50');
    await settled(page);
    expect(await hook(page, (g) => g.whatIf())).toMatchObject({ state: 'done', flags: ['--gogc 50'] });
    const all = await hook(page, (g) => g.bands());
    for (const c of charts) {
      const p = all[c]!;
      const mine = p.bands.filter((b) => b.run === 'trace');
      const theirs = p.bands.filter((b) => b.run === 'what-if');
      expect(mine.map(key), c).toEqual(visible(run, p));
      expect(theirs.map(key), c).toEqual(visible(run50, p));
      // 30 cycles' four phases, and the 31st's that had begun at the exit.
      expect(theirs.length, c).toBe(run50.intervals.length);
      expect(run50.intervals.length).toBeGreaterThan(120);
      expect(mine.every((b) => b.y0 === 0 && b.y1 === p.height - 10), c).toBe(true);
      expect(theirs.every((b) => b.y0 === p.height - 10 && b.y1 === p.height), c).toBe(true);
      checkPixels(c, p, p.bands);
    }
    const p = all.heap!;
    const mark = p.bands.filter((b) => b.run === 'what-if' && b.phase === 'mark').sort((a, b) => b.x1 - b.x0 - (a.x1 - a.x0))[0]!;
    await checkDrawn(page, 'heap', p, mark, stripColours.mark!);
    mkdirSync(artifacts, { recursive: true });
    await (await page.$('#charts [data-chart="heap"]'))!.screenshot({ path: join(artifacts, 'bands-heap-whatif-gogc50.png') });
  }, 180_000);

  it('back to GOGC 100, the strip goes', async () => {
    await hook(page, (g) => g.setRange(0, g.trace!.end));
    await slide(page, 'gogc', '100');
    await settled(page);
    const all = await hook(page, (g) => g.bands());
    for (const c of charts) {
      expect(all[c]!.bands.every((b) => b.run === 'trace' && b.y1 === all[c]!.height), c).toBe(true);
      expect(all[c]!.bands.length, c).toBe(52);
    }
  });
});
