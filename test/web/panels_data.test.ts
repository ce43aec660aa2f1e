// The data behind the GC mark chart, the allocator panel, the address-space
// map and the tours, without a browser (so they are checked where Chromium
// is missing too), on big-slice-gc: at the snapshot after each checkpoint
// the allocator's spans are HeapInuse and StackInuse and its objects
// HeapObjects, the map's mappings are VmSize and its resident pages VmRSS,
// and its smaps entries and totals those of the checkpoint's smaps
// summaries, as gomem run --json printed them; each cycle's last marked figure is
// gctrace's heap2; the tours stand on the records their steps name.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type TraceRecord, decodeTrace } from '../../src/trace/reader.ts';
import { class_to_size } from '../../src/runtime/sizeclasses.ts';
import { addrMapAt, describeAddress, offsetAtOrAfter, offsetOf, pageTotals, slotAt } from '../../web/src/addrmap.ts';
import { allocatorAt, spanSlots } from '../../web/src/allocator.ts';
import { smapsRows, vsyscallRow } from '../../web/src/smaps.ts';
import { buildTimeline } from '../../web/src/timeline.ts';
import { toursFor } from '../../web/src/tours.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('panels data of big-slice-gc', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gomem-pd-')), 'big-slice-gc.trace');
  const run = spawnSync(process.execPath, ['bin/gomem.js', 'run', 'big-slice-gc', '--trace', file, '--json', '--quiet'], { cwd: root, encoding: 'utf8' });
  const cli = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('CHECKPOINT '))
    .map((l) => JSON.parse(l.slice(11)) as { name: string; memstats: Record<string, number>; proc: Record<string, number> });
  const tl = buildTimeline(decodeTrace(gunzipSync(readFileSync(file))));
  const snapAfter = (name: string): number => tl.checkpoints.find((c) => c.name === name)!.record + 1;

  it('ran', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(cli.map((c) => c.name)).toEqual(['start', 'after_full_touch', 'after_gc', 'after_gc_sleep1s', 'after_make_300mb', 'after_300mb', 'after_300mb_sleep1s', 'exit']);
  });

  it('the allocator at the snapshot after each checkpoint: HeapInuse, StackInuse and HeapObjects as gomem run --json printed', () => {
    for (const c of cli) {
      const at = snapAfter(c.name);
      expect(tl.records[at]!.kind).toBe('snapshot');
      const a = allocatorAt(tl, at)!;
      expect(a.after).toBe(0);
      expect(a.classes.reduce((s, r) => s + r.pages * 8192, 0), `${c.name} HeapInuse`).toBe(c.memstats.HeapInuse);
      expect(a.stacks.pages * 8192, `${c.name} StackInuse`).toBe(c.memstats.StackInuse);
      expect(a.classes.reduce((s, r) => s + r.objects, 0), `${c.name} HeapObjects`).toBe(c.memstats.HeapObjects);
    }
    // The 600 MiB []byte is one large noscan object (spanclass 1: size class 0, noscan), until the GC frees it.
    const touched = allocatorAt(tl, snapAfter('after_full_touch'))!.classes.find((r) => r.spanclass === 1)!;
    expect(touched).toMatchObject({ sizeclass: 0, noscan: true, objects: touched.spans, full: touched.spans });
    expect(touched.pages * 8192).toBe(600 * 2 ** 20); // 600 MiB is a whole number of 8 KiB pages
    const gc = allocatorAt(tl, snapAfter('after_gc'))!.classes.find((r) => r.spanclass === 1);
    expect(gc === undefined || gc.pages * 8192 < 2 ** 20).toBe(true);
  });

  it('slots per span as mheap counts them: a small pointerful class keeps its bitmap in the last 1/64 of the span', () => {
    expect(spanSlots(1, 12)).toBe(126); // 64 B scan
    expect(spanSlots(1, 13)).toBe(128); // 64 B noscan
    expect(spanSlots(1, 2)).toBe(1008); // 8 B scan
    expect(spanSlots(7, 104)).toBe(6); // 9472 B scan (has a malloc header instead)
    expect(spanSlots(76801, 0)).toBe(1);
  });

  it('the map at the snapshot after each checkpoint: VmSize, VmRSS, and every byte in one page state', () => {
    for (const c of cli) {
      const m = addrMapAt(tl, snapAfter(c.name))!;
      const p = pageTotals(m);
      expect(m.total, `${c.name} VmSize`).toBe(c.proc.VmSize_kB! * 1024);
      expect(p.anon + p['anon-huge'] + p.lazyfree + p.file + p['file-dirty'], `${c.name} VmRSS`).toBe(c.proc.VmRSS_kB! * 1024);
      expect(Object.values(p).reduce((a, b) => a + b, 0)).toBe(m.total);
      // Addresses and places on the axis agree, also between mappings.
      for (let i = 0; i < m.vmas.length; i++) {
        expect(offsetOf(m, m.vmas[i]!.start)).toBe(m.offsets[i]);
        expect(offsetAtOrAfter(m, m.vmas[i]!.end)).toBe(i + 1 < m.vmas.length ? m.offsets[i + 1] : m.total);
      }
    }
    const m = addrMapAt(tl, snapAfter('after_full_touch'))!;
    expect(describeAddress(m, 0x1000)).toBe('0x1000: not mapped');
    expect(describeAddress(m, 0xc000000000)).toMatch(/^0xc000000000 · in \[anon\] 0xc000000000–0x[0-9a-f]+ \([\d.]+ MiB\) · page: resident, anonymous · heap arena 0xc000000000 \(64 MiB\), chunk 0xc000000000 \(4 MiB\) · span 0xc000000000 /);
  });

  it('a small-object span zoomed to its slots: hovering names the slot (k of n, its bytes), the heap bits of a small scan class, the tail of a noscan one', () => {
    const m = addrMapAt(tl, snapAfter('after_gc'))!;
    const small = m.spans.filter((x) => x.use === 'heap' && x.spanclass >> 1 !== 0);
    const scan = small.find((x) => (x.spanclass & 1) === 0 && class_to_size[x.spanclass >> 1]! <= 512)!;
    const size = class_to_size[scan.spanclass >> 1]!;
    const n = spanSlots(scan.npages, scan.spanclass);
    const hex = (a: number): string => `0x${a.toString(16)}`;
    expect(slotAt(scan, scan.base)).toMatchObject({ k: 0, n, size, start: scan.base });
    expect(describeAddress(m, scan.base + size + 3)).toContain(` · slot 2 of ${n} (${hex(scan.base + size)}–${hex(scan.base + 2 * size)})`);
    expect(describeAddress(m, scan.base + (n - 1) * size)).toContain(` · slot ${n} of ${n} (`);
    // The span's last 1/64 holds its pointer bitmap (an 8 KiB span of 64-byte scan objects: 126 slots, 128 bytes of bits).
    expect(describeAddress(m, scan.base + scan.npages * 8192 - 1)).toMatch(/ · the span’s heap bits \(pointer bitmap of its slots\)$/);
    // A noscan class whose slots do not fill the span leaves a tail.
    const tail = small.find((x) => (x.spanclass & 1) === 1 && spanSlots(x.npages, x.spanclass) * class_to_size[x.spanclass >> 1]! < x.npages * 8192);
    if (tail !== undefined) expect(describeAddress(m, tail.base + tail.npages * 8192 - 1)).toMatch(/ · tail after the last slot \(unused\)$/);
    // Large objects and stacks have no slots.
    for (const x of m.spans.filter((y) => y.use !== 'heap' || y.spanclass >> 1 === 0)) expect(slotAt(x, x.base)).toBeNull();
  });

  it("smaps at the snapshot after each checkpoint: the checkpoint's smaps_anon_ge1MiB entries and smaps_summary totals", () => {
    for (const c of cli as unknown as { name: string; smaps_anon_ge1MiB: { range: string }[]; smaps_summary: Record<string, number> }[]) {
      const rows = smapsRows(addrMapAt(tl, snapAfter(c.name))!);
      for (const e of c.smaps_anon_ge1MiB) expect(rows.find((r) => r.range === e.range), `${c.name} ${e.range}`).toEqual(e);
      const sum = (k: 'size_kB' | 'rss_kB' | 'anon_kB' | 'lazyfree_kB' | 'anonhuge_kB'): number => rows.reduce((a, r) => a + r[k], 0);
      expect([rows.length, sum('size_kB'), sum('rss_kB'), sum('anon_kB'), sum('lazyfree_kB'), sum('anonhuge_kB')], c.name).toEqual(['maps', 'size_kB', 'rss_kB', 'anonymous_kB', 'lazyfree_kB', 'anonhuge_kB'].map((k) => c.smaps_summary[k]));
      expect(rows.at(-1)).toEqual(vsyscallRow);
    }
  });

  it("the mark table: each cycle's last marked bytes are gctrace's heap2, and nothing is plotted after mark termination", () => {
    const marked = tl.mark.col('marked');
    for (const c of tl.doneCycles) {
      const doneRec = tl.records.findIndex((r) => r.kind === 'gcDone' && r.cycle === c.cycle);
      const done = tl.records[doneRec] as Extract<TraceRecord, { kind: 'gcDone' }>;
      let lastMark = doneRec - 1;
      while (lastMark >= 0 && !(tl.records[lastMark]!.kind === 'gcMark' && (tl.records[lastMark] as Extract<TraceRecord, { kind: 'gcMark' }>).cycle === c.cycle)) lastMark--;
      if (lastMark < 0) continue;
      expect(marked[tl.mark.rowAtRecord(lastMark)], `GC ${c.cycle}`).toBe(done.heap2);
      expect(Number.isNaN(marked[tl.mark.rowAtRecord(doneRec)]!)).toBe(true);
    }
    // The axis never runs backwards, though gcMark records can be stamped earlier than the one before.
    for (let i = 1; i < tl.mark.n; i++) expect(tl.mark.t[i]!).toBeGreaterThanOrEqual(tl.mark.t[i - 1]!);
  });

  it('the tours it gives, and the records their steps stand on', () => {
    const tours = toursFor(tl);
    expect(tours.map((t) => t.id)).toEqual(['vsz', 'gc', 'release']);
    const release = tours.find((t) => t.id === 'release')!;
    expect(release.steps.map((s) => s.record)).toEqual(['after_full_touch', 'after_gc', 'after_gc_sleep1s', 'after_make_300mb'].map(snapAfter));
    const gc = tours.find((t) => t.id === 'gc')!;
    expect(gc.steps.map((s) => tl.records[s.record]!.kind)).toEqual(['gcStart', 'gcPhase', 'gcMark', 'gcDone', 'gcPhase']);
    for (const t of tours) for (const s of t.steps) expect(s.text.length, `${t.id}: ${s.title}`).toBeGreaterThan(40);
  });
});
