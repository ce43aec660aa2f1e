// The browser view's data, without a browser: the timeline built from a
// trace by one pass of TraceReplay holds, at each checkpoint record, the
// figures gomem run --json printed; GC cycles carry their phases and CPU;
// decimation keeps every column's extremes within the pixel budget; the
// page's sources typecheck under web/tsconfig.json (DOM types).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeTrace } from '../../src/trace/reader.ts';
import { decimate, perColumn } from '../../web/src/decimate.ts';
import { valuesAt } from '../../web/src/series.ts';
import { Table } from '../../web/src/table.ts';
import { buildTimeline, heapCols } from '../../web/src/timeline.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('timeline of blahdo', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'gomem-tl-')), 'blahdo.trace');
  const run = spawnSync(process.execPath, ['bin/gomem.js', 'run', 'blahdo', '--trace', file, '--json', '--quiet'], { cwd: root, encoding: 'utf8' });
  const cli = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('CHECKPOINT '))
    .map((l) => JSON.parse(l.slice(11)) as { name: string; memstats: Record<string, number>; proc: Record<string, number> });
  const tl = buildTimeline(decodeTrace(gunzipSync(readFileSync(file))));

  it('holds every MemStats figure and VmRSS/VmSize of each checkpoint, at the checkpoint record', () => {
    expect(tl.checkpoints.map((c) => c.name)).toEqual(cli.map((c) => c.name));
    for (const c of cli) {
      const mark = tl.checkpoints.find((m) => m.name === c.name)!;
      const hr = tl.heap.rowAtRecord(mark.record);
      const pr = tl.proc.rowAtRecord(mark.record);
      for (const k of heapCols) if (k !== 'trigger') expect(tl.heap.col(k)[hr], `${c.name} ${k}`).toBe(c.memstats[k]);
      for (const k of ['VmRSS', 'VmSize', 'RssAnon', 'RssFile', 'RssShmem']) expect(tl.proc.col(k)[pr], `${c.name} ${k}`).toBe(c.proc[`${k}_kB`]);
      const v = valuesAt(tl, mark.record);
      expect(v.heap).toMatchObject({ HeapInuse: c.memstats.HeapInuse, HeapAlloc: c.memstats.HeapAlloc, NextGC: c.memstats.NextGC });
      expect(v.process).toMatchObject({ VmRSS: c.proc.VmRSS_kB! * 1024, VmSize: c.proc.VmSize_kB! * 1024 });
    }
  });

  it('runs its time axis forwards in record order', () => {
    for (let i = 1; i < tl.tm.length; i++) expect(tl.tm[i]!).toBeGreaterThanOrEqual(tl.tm[i - 1]!);
    expect(tl.end).toBe(tl.tm[tl.tm.length - 1]);
  });

  it('has ten GC cycles, each with its phases in order and its CPU by class', () => {
    expect(tl.cycles.length).toBe(10);
    expect(cli.at(-1)!.memstats.NumGC).toBe(10);
    for (const c of tl.cycles) {
      const p = c.phases;
      expect(p.sweepterm! <= p.mark! && p.mark! <= p.marktermination! && p.marktermination! <= p.sweep! && p.sweep! <= p.sweepdone!, `cycle ${c.cycle}`).toBe(true);
      expect(c.done).toBe(p.sweep);
      expect(c.cpu!.pause).toBeGreaterThan(0);
    }
    // Per-cycle CPU adds up to the last gcDone's cumulative figures.
    const last = tl.records.filter((r) => r.kind === 'gcDone').at(-1) as { cpuPause: number; cpuAssist: number };
    expect(tl.cycles.reduce((n, c) => n + c.cpu!.pause, 0)).toBe(last.cpuPause);
    expect(tl.cycles.reduce((n, c) => n + c.cpu!.assist, 0)).toBe(last.cpuAssist);
  });
});

describe('decimation', () => {
  // A million-row step series: a random walk with rare spikes one row wide.
  const n = 1_000_000;
  const t = new Table(['v']);
  let v = 0;
  let seed = 1;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < n; i++) {
    v += rand() - 0.5;
    t.push(i * 10, i, [i % 99_991 === 0 ? v + 1e6 : v]);
  }

  it('draws a million rows as at most four points per pixel column, keeping each column’s extremes', () => {
    const width = 1000;
    const [xs, ys] = decimate(t, [0], [1], 0, n * 10, width);
    expect(xs.length).toBeLessThanOrEqual(4 * width + 8);
    const col = t.cols[0]!;
    let max = -Infinity;
    let min = Infinity;
    for (let i = 0; i < n; i++) {
      max = Math.max(max, col[i]!);
      min = Math.min(min, col[i]!);
    }
    expect(Math.max(...(ys as number[]))).toBe(max);
    expect(Math.min(...(ys as number[]))).toBe(min);
    // Every spike is still there.
    const spikes = (ys as number[]).filter((y) => y > 5e5).length;
    expect(spikes).toBeGreaterThanOrEqual(Math.floor(n / 99_991));
    for (let i = 1; i < xs.length; i++) expect(xs[i]!).toBeGreaterThanOrEqual(xs[i - 1]!);
  });

  it('draws a zoomed-in range row by row, with the row in effect at its left edge', () => {
    const [xs, ys] = decimate(t, [0], [2], 1005, 1100, 1000);
    expect(xs[0]).toBe(1000);
    expect(xs.at(-1)).toBe(1110);
    expect(ys![0]).toBe(t.cols[0]![100]! * 2);
  });

  it('sums events per pixel column', () => {
    const [xs, sums] = perColumn(Float64Array.from([0, 1, 5, 9, 10, 20]), Float64Array.from([1, 2, 3, 4, 5, 6]), 0, 10, 2);
    expect(xs).toEqual([0, 5]);
    expect(sums).toEqual([3, 12]);
  });
});

describe('web/ sources', () => {
  it('typecheck with the DOM (tsc -p web)', () => {
    const r = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'web'], { cwd: root, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
    // tsc takes 20 s on a quiet machine here, past a minute beside the browser tests.
  }, 300_000);
});
