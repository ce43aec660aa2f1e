// The GC mark chart, the allocator panel and the address-space map, in headless Chromium, on
// live-heap-gogc100 (13 GC cycles over a 13.6 MB live heap of 64-byte
// pointerful nodes). The mark chart plots each gcMark record's grey objects
// and marked bytes, and each cycle's last marked figure is gctrace's live
// heap (gcDone's heap2). The allocator panel's spans add up to HeapInuse and
// StackInuse as gomem run --json printed them at every checkpoint; at the
// snapshot after each, its objects add up to HeapObjects and each span
// class's spans are those of its mcentral sets and mcaches. The map's
// mappings add up to VmSize, its resident pages to VmRSS, its spans to
// HeapInuse and StackInuse; hovering it names the page and span drawn there.

import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TraceRecord, decodeTrace } from '../../src/trace/reader.ts';
import { browserMissing } from './browser.ts';
import { buildPage, closeView, type CheckpointJson, hook, openView, root, runJson } from './page.ts';

const artifacts = join(root, 'test-artifacts', 'web');
const missing = await browserMissing();
if (missing !== null) console.warn(`test/web/panels.test.ts: SKIPPED, ${missing}`);

type Mark = Extract<TraceRecord, { kind: 'gcMark' }>;
type Done = Extract<TraceRecord, { kind: 'gcDone' }>;

describe.skipIf(missing !== null)('GC mark chart and allocator panel in headless Chromium: live-heap-gogc100', () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let cli: CheckpointJson[] = [];
  let records: TraceRecord[] = [];

  beforeAll(async () => {
    buildPage();
    const dir = mkdtempSync(join(tmpdir(), 'gomem-panels-'));
    const trace = join(dir, 'run.trace');
    cli = runJson(['live-heap-gogc100', '--trace', trace]);
    records = decodeTrace(gunzipSync(readFileSync(trace))).records;
    ({ server, browser, page } = await openView(['view', trace]));
  }, 240_000);

  afterAll(() => closeView(server, browser));

  it('draws the mark chart: marked bytes and grey objects', async () => {
    expect((await hook(page, (g) => g.charts())).mark).toEqual(['marked', 'grey objects']);
  });

  it("plots after each piece of mark work its grey objects and bytes marked; a cycle's last is gctrace's live heap, and nothing is plotted after mark termination", async () => {
    const dones = records.flatMap((r, i) => (r.kind === 'gcDone' ? [{ r: r as Done, i }] : []));
    expect(dones.length).toBe(13);
    for (const { r: done, i } of dones) {
      // The cycle's gcMark records: the first three and the last, compared one by one.
      const marks = records.flatMap((r, k) => (r.kind === 'gcMark' && r.cycle === done.cycle ? [{ r: r as Mark, k }] : []));
      expect(marks.length, `cycle ${done.cycle}`).toBeGreaterThan(3);
      for (const { r, k } of [...marks.slice(0, 3), marks.at(-1)!]) {
        await hook(page, (g, rec: number) => g.setCursorRecord(rec), k);
        expect((await hook(page, (g) => g.values())).mark, `cycle ${done.cycle} record ${k}`).toEqual({ marked: r.marked, 'grey objects': r.grey });
      }
      expect(marks.at(-1)!.r.marked, `cycle ${done.cycle}: heap2`).toBe(done.heap2);
      expect(marks.at(-1)!.r.grey).toBe(0);
      await hook(page, (g, rec: number) => g.setCursorRecord(rec), i);
      expect((await hook(page, (g) => g.values())).mark).toEqual({ marked: null, 'grey objects': null });
    }
  });

  it('the allocator panel: at every checkpoint its heap spans are HeapInuse and its stack spans StackInuse, as gomem run --json printed', async () => {
    const marks = await hook(page, (g) => g.checkpoints());
    expect(marks.map((m) => m.name)).toEqual(cli.map((c) => c.name));
    for (const c of cli) {
      const mark = marks.find((m) => m.name === c.name)!;
      await hook(page, (g, r: number) => g.setCursorRecord(r), mark.record);
      const a = await hook(page, (g) => g.allocator());
      if (c.name === 'start') {
        // main's first line: the heap exists, but the trace's only snapshot with it follows this checkpoint.
        expect(a).toBeNull();
        continue;
      }
      expect(a!.classes.reduce((s, r) => s + r.pages * 8192, 0), `${c.name} HeapInuse`).toBe(c.memstats.HeapInuse);
      expect(a!.stacks.pages * 8192, `${c.name} StackInuse`).toBe(c.memstats.StackInuse);
      const text = (await hook(page, (g) => g.panels())).allocator;
      expect(text).toContain(`heap spans: ${c.memstats.HeapInuse} `);
      expect(text).toContain(`stacks: ${a!.stacks.spans} spans, ${c.memstats.StackInuse} `);
    }
  });

  it("the allocator panel at the snapshot after each checkpoint: objects add up to HeapObjects, and each class's spans are its mcentral sets' and mcaches'", async () => {
    const marks = await hook(page, (g) => g.checkpoints());
    for (const c of cli) {
      const mark = marks.find((m) => m.name === c.name)!;
      expect(records[mark.record + 1]!.kind).toBe('snapshot');
      await hook(page, (g, r: number) => g.setCursorRecord(r), mark.record + 1);
      const a = (await hook(page, (g) => g.allocator()))!;
      expect(a.snapshot.record).toBe(mark.record + 1);
      expect(a.after).toBe(0);
      expect(a.classes.reduce((s, r) => s + r.objects, 0), `${c.name} HeapObjects`).toBe(c.memstats.HeapObjects);
      expect(a.caches).not.toBeNull();
      for (const r of a.classes) {
        const m = a.caches!.mcentral.find((x) => x.spanclass === r.spanclass);
        const cached = a.caches!.p.flatMap((p) => p.mcache).filter((x) => x.spanclass === r.spanclass);
        const inSets = m === undefined ? 0 : m.partialSwept + m.partialUnswept + m.fullSwept + m.fullUnswept;
        expect(inSets + cached.length, `${c.name} spanclass ${r.spanclass}`).toBe(r.spans);
        // Swept full spans have every slot allocated; the count of full spans agrees where no mcache holds one of the class.
        if (cached.length === 0 && m !== undefined && m.partialUnswept + m.fullUnswept === 0) expect(r.full, `${c.name} spanclass ${r.spanclass} full`).toBe(m.fullSwept);
      }
    }
    // The 64-byte pointerful nodes: 126 slots a span (the last 128 bytes are its pointer bitmap), all full after the build.
    const build = marks.find((m) => m.name === 'after_build')!;
    await hook(page, (g, r: number) => g.setCursorRecord(r), build.record + 1);
    const nodes = (await hook(page, (g) => g.allocator()))!.classes.find((r) => r.spanclass === 12)!;
    expect(nodes).toMatchObject({ size: 64, noscan: false, spans: 1588, full: 1587, partial: 1, slots: 1588 * 126 });
  });

  it('the address-space map at the snapshot after each checkpoint: its mappings are VmSize, its resident pages VmRSS, its spans HeapInuse and StackInuse', async () => {
    const marks = await hook(page, (g) => g.checkpoints());
    for (const c of cli) {
      const mark = marks.find((m) => m.name === c.name)!;
      await hook(page, (g, r: number) => g.setCursorRecord(r), mark.record + 1);
      const m = (await hook(page, (g) => g.addressMap()))!;
      expect(m.snapshot.record).toBe(mark.record + 1);
      expect(m.total, `${c.name} VmSize`).toBe(c.proc.VmSize_kB! * 1024);
      const p = m.pages;
      expect(p.anon! + p['anon-huge']! + p.lazyfree! + p.file! + p['file-dirty']!, `${c.name} VmRSS`).toBe(c.proc.VmRSS_kB! * 1024);
      expect(Object.values(p).reduce((a, b) => a + b, 0)).toBe(m.total);
      // Most of VSZ is address space only: the heap's arena reservations and the page allocator's summaries.
      expect(p.reserved!).toBeGreaterThan(1.09 * 2 ** 30);
      expect(m.spans.heap, `${c.name} HeapInuse`).toBe(c.memstats.HeapInuse);
      expect(m.spans.stack, `${c.name} StackInuse`).toBe(c.memstats.StackInuse);
      expect(m.range).toEqual([0, m.total]);
    }
  });

  it("the smaps panel at the snapshot after each checkpoint: the checkpoint's smaps_anon_ge1MiB entries and smaps_summary totals, as gomem run --json printed them", async () => {
    const marks = await hook(page, (g) => g.checkpoints());
    for (const c of cli as (CheckpointJson & { smaps_anon_ge1MiB: Record<string, unknown>[]; smaps_summary: Record<string, number> })[]) {
      const mark = marks.find((m) => m.name === c.name)!;
      await hook(page, (g, r: number) => g.setCursorRecord(r), mark.record + 1);
      const rows = (await hook(page, (g) => g.smaps()))!;
      for (const e of c.smaps_anon_ge1MiB) expect(rows.find((r) => r.range === e.range), `${c.name} ${String(e.range)}`).toEqual(e);
      const sum = (k: 'size_kB' | 'rss_kB' | 'anon_kB' | 'lazyfree_kB' | 'anonhuge_kB'): number => rows.reduce((a, r) => a + r[k], 0);
      expect({ maps: rows.length, size_kB: sum('size_kB'), rss_kB: sum('rss_kB'), anonymous_kB: sum('anon_kB'), lazyfree_kB: sum('lazyfree_kB'), anonhuge_kB: sum('anonhuge_kB') }, c.name).toEqual({
        maps: c.smaps_summary.maps,
        size_kB: c.smaps_summary.size_kB,
        rss_kB: c.smaps_summary.rss_kB,
        anonymous_kB: c.smaps_summary.anonymous_kB,
        lazyfree_kB: c.smaps_summary.lazyfree_kB,
        anonhuge_kB: c.smaps_summary.anonhuge_kB,
      });
      expect((await hook(page, (g) => g.panels())).smaps).toContain(`${rows.length} mappings`);
    }
  });

  it('the map zooms to the Go heap, and hovering a pixel names the page and the span drawn there', async () => {
    const marks = await hook(page, (g) => g.checkpoints());
    const build = marks.find((m) => m.name === 'after_build')!;
    await hook(page, (g, r: number) => g.setCursorRecord(r), build.record + 1);
    // The first span of the heap: 126 of the 64-byte nodes.
    expect(await hook(page, (g) => g.describeAddress(0xc000000000))).toBe(
      '0xc000000000 · in [anon] 0xc000000000–0xc001000000 (16.0 MiB) · page: resident, anonymous · heap arena 0xc000000000 (64 MiB), chunk 0xc000000000 (4 MiB) · span 0xc000000000 (1 × 8 KiB): 64 B scan, 126/126 objects at the snapshot · slot 1 of 126 (0xc000000000–0xc000000040)',
    );
    await page.click('#map-heap');
    const whole = (await hook(page, (g) => g.addressMap()))!;
    expect(whole.range[1] - whole.range[0]).toBe(64 * 2 ** 20); // the heap's first arena: 16 MiB mapped, 48 MiB reserved
    const at = 0xc000000000 + 1_000_000;
    const px = (await hook(page, (g, a: number) => g.mapPixel(a), at))!;
    const canvas = (await page.$('#map'))!;
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 1 + px.x, box.y + 1 + px.y);
    const hover = (await page.textContent('#map-hover'))!;
    expect(hover).toMatch(/^0xc0000f[0-9a-f]{4} · in \[anon\] 0xc000000000–0xc001000000 \(16\.0 MiB\) · page: resident, anonymous · heap arena 0xc000000000 \(64 MiB\), chunk 0xc000000000 \(4 MiB\) · span 0xc0000f[0-9a-f]{4} \(1 × 8 KiB\): 64 B scan, 126\/126 objects at the snapshot · slot \d+ of 126 \(0xc0000f[0-9a-f]{4}–0xc0000f[0-9a-f]{4}\)$/);
    // The pixel is drawn in the resident-anonymous colour, and the span strip below it in a colour of its own.
    const rgb = await page.$eval('#map', (c, p) => Array.from((c as unknown as { getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: number[] } } }).getContext('2d').getImageData(Math.floor(p.x), Math.floor(p.y), 1, 1).data).slice(0, 3), px);
    expect(rgb).toEqual([214, 39, 40]);
    // The wheel zooms in about the pointer: 0.8 of the range.
    await page.mouse.wheel(0, -100);
    const zoomed = (await hook(page, (g) => g.addressMap()))!;
    expect(zoomed.range[1] - zoomed.range[0]).toBeCloseTo(0.8 * 64 * 2 ** 20, -2);
    expect(await hook(page, (g) => g.mapZoom(null, null))).toEqual([0, whole.total]);
  });

  it('zoomed in to 64 bytes a pixel, a span of 256-byte or larger slots is drawn slot by slot: each slot’s first pixel darker, and hovering names the slot', async () => {
    // A span of such a class at this moment, found as the hover names it (page by page through the first 16 MiB of heap).
    const found = await hook(page, (g) => {
      for (let a = 0xc000000000; a < 0xc001000000; a += 8192) {
        const m = / · span (0x[0-9a-f]+) \((\d+) × 8 KiB\): (\d+) B (?:scan|noscan)/.exec(g.describeAddress(a) ?? '');
        if (m !== null && Number(m[3]) >= 256) return { base: Number(m[1]), npages: Number(m[2]), size: Number(m[3]) };
      }
      return null;
    });
    expect(found).not.toBeNull();
    const { base, size } = found!;
    await hook(page, (g, a: number) => g.mapZoom(a, a + 8192), base);
    const shown = (await hook(page, (g) => g.addressMap()))!;
    expect((shown.range[1] - shown.range[0]) / (shown.width * shown.rows)).toBeLessThanOrEqual(64); // the closest zoom, about 64 bytes a pixel
    const spanStripY = (y: number): number => Math.floor(y - 3.5) + 8; // the page strip is 7 px, the span strip the 4 below it
    for (const k of [0, 1, 2]) {
      const start = (await hook(page, (g, a: number) => g.mapPixel(a), base + k * size))!;
      const inside = (await hook(page, (g, a: number) => g.mapPixel(a), base + k * size + 128))!;
      const px = await page.$eval(
        '#map',
        (c, pts) => pts.map((p) => Array.from((c as unknown as { getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: number[] } } }).getContext('2d').getImageData(Math.floor(p.x), p.y, 1, 1).data).slice(0, 3)),
        [{ x: start.x, y: spanStripY(start.y) }, { x: inside.x, y: spanStripY(inside.y) }],
      );
      const sum = (rgb: number[]): number => rgb.reduce((x, y) => x + y, 0);
      expect(sum(px[0]!), `slot ${k + 1}: its first pixel ${px[0]} darker than its third ${px[1]}`).toBeLessThan(sum(px[1]!));
      expect(await hook(page, (g, a: number) => g.describeAddress(a), base + k * size + 5)).toContain(` · slot ${k + 1} of `);
    }
    mkdirSync(artifacts, { recursive: true });
    await (await page.$('#map'))!.screenshot({ path: join(artifacts, 'live-heap-map-slots.png') });
    await hook(page, (g) => g.mapZoom(null, null));
  });

  it('screenshots of the mark chart and the allocator panel are kept in test-artifacts/web/', async () => {
    const marks = await hook(page, (g) => g.checkpoints());
    const churn = marks.find((m) => m.name === 'after_churn_1')!;
    await hook(page, (g, r: number) => g.setCursorRecord(r), churn.record + 1);
    mkdirSync(artifacts, { recursive: true });
    const ids = Object.keys(await hook(page, (g) => g.charts()));
    const charts = await page.$$('#charts .chart');
    expect(charts.length).toBe(ids.length);
    await charts[ids.indexOf('mark')]!.screenshot({ path: join(artifacts, 'live-heap-chart-mark.png') });
    await (await page.$('#panels pre#allocator'))!.screenshot({ path: join(artifacts, 'live-heap-panel-allocator.png') });
    await (await page.$('#panels pre#smaps'))!.screenshot({ path: join(artifacts, 'live-heap-panel-smaps.png') });
    await (await page.$('#addrmap'))!.screenshot({ path: join(artifacts, 'live-heap-addrmap.png') });
    await page.click('#map-heap');
    await (await page.$('#addrmap'))!.screenshot({ path: join(artifacts, 'live-heap-addrmap-heap.png') });
    await hook(page, (g) => g.mapZoom(null, null));
    await page.screenshot({ path: join(artifacts, 'live-heap.png'), fullPage: true });
    // The view down to the end of the map, with the heap zoomed (docs/img/view-live-heap.png is one of these).
    await page.click('#map-heap');
    await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
    const bottom = await page.$eval('#addrmap', (e) => {
      const r = (e as unknown as { getBoundingClientRect(): { bottom: number } }).getBoundingClientRect();
      return Math.ceil(r.bottom);
    });
    // A viewport as tall as the view down to the map: the sticky controls stay at the top.
    await page.setViewportSize({ width: 1400, height: bottom + 8 });
    await page.screenshot({ path: join(artifacts, 'live-heap-view.png') });
    await page.setViewportSize({ width: 1400, height: 1600 });
    await hook(page, (g) => g.mapZoom(null, null));
  });
});
