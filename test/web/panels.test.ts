// The GC mark chart and the allocator panel, in headless Chromium, on
// live-heap-gogc100 (13 GC cycles over a 13.6 MB live heap of 64-byte
// pointerful nodes). The mark chart plots each gcMark record's grey objects
// and marked bytes, and each cycle's last marked figure is gctrace's live
// heap (gcDone's heap2). The allocator panel's spans add up to HeapInuse and
// StackInuse as gomem run --json printed them at every checkpoint; at the
// snapshot after each, its objects add up to HeapObjects and each span
// class's spans are those of its mcentral sets and mcaches.

import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt } from '../../src/cli/view.ts';
import { type TraceRecord, decodeTrace } from '../../src/trace/reader.ts';
import { browserMissing } from './browser.ts';
import { type CheckpointJson, hook, openPage, root, runJson, startServing } from './page.ts';

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
    ensureBuilt(() => {});
    const dir = mkdtempSync(join(tmpdir(), 'gomem-panels-'));
    const trace = join(dir, 'run.trace');
    cli = runJson(['live-heap-gogc100', '--trace', trace]);
    records = decodeTrace(gunzipSync(readFileSync(trace))).records;
    const s = await startServing(['view', trace]);
    server = s.server;
    ({ browser, page } = await openPage(s.url));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    if (server?.exitCode === null) server.kill('SIGTERM');
  });

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
    await page.screenshot({ path: join(artifacts, 'live-heap.png'), fullPage: true });
  });
});
