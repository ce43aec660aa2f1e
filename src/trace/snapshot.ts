// A full-state snapshot for the trace: what a viewer needs to draw any
// panel at one instant without replaying from the start — MemStats as the
// runtime holds them (no flush: taking a snapshot must not change the run),
// the pacer's state, the process's counters, every in-use span with its
// class and object count, and every mapping with its pages as runs of
// kernel page states. Read-only over the model.

import { PAGE_SIZE } from '../kernel/index.ts';
import { PMD_TABLE } from '../kernel/pagetable.ts';
import type { GoProcess } from '../go/process.ts';
import { type HeapStats, memStatsAsTheyStand } from '../runtime/mstats.ts';
import { emptymspan, mSpanInUse, mSpanManual, numSpanClasses } from '../runtime/mspan.ts';
import type { MHeap } from '../runtime/mheap.ts';
import { hugeFlag, runtimePageSize } from './format.ts';

/** The cumulative allocation counters of Go's consistent heap stats, copied. */
export interface AllocCounters {
  small: Float64Array;
  smallFree: Float64Array;
  large: number;
  largeCount: number;
  largeFree: number;
  largeFreeCount: number;
  tiny: number;
}

export function allocCounters(h: HeapStats): AllocCounters {
  return {
    small: h.smallAllocCount.slice(),
    smallFree: h.smallFreeCount.slice(),
    large: h.largeAlloc,
    largeCount: h.largeAllocCount,
    largeFree: h.largeFree,
    largeFreeCount: h.largeFreeCount,
    tiny: h.tinyAllocCount,
  };
}

export interface SnapshotVma {
  startPage: number;
  pages: number;
  flags: number;
  name: string;
  /** Triples: pages since the last run's end (or the mapping's start), run length, page state (+hugeFlag in a huge PMD). */
  runs: number[];
}

export interface SnapshotState {
  json: string;
  /** Quintuples sorted by base: base page (runtime pages), npages, spanclass, use (spanUses index), allocCount. */
  spans: number[];
  vmas: SnapshotVma[];
}

const bigintsAsText = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

export function snapshotState(p: GoProcess, manualUse: ReadonlyMap<number, number>): SnapshotState {
  const rt = p.rt;
  const gc = rt.gcController;
  const mm = p.proc.mm;
  const cg = p.proc.cgroup;
  // Before mallocinit (the snapshot a trace starts with, at exec) there is no heap yet.
  const started = (rt.mheap as MHeap | undefined) !== undefined;
  // PauseNs and PauseEnd (256 entries each) are left out: the GC records carry every pause.
  const { PauseNs: _pn, PauseEnd: _pe, ...memstats } = started ? memStatsAsTheyStand(rt) : { PauseNs: null, PauseEnd: null };
  const a = allocCounters(rt.memstats.heapStats);
  const json = JSON.stringify(
    {
      memstats: started ? memstats : null,
      // Before gcinit the pacer's figures are placeholders (a goal near 2^63): absent.
      gc: !started ? null : {
        phase: rt.gcphase,
        cyclesStarted: p.gc.cycles,
        numgc: rt.memstats.numgc,
        heapLive: gc.heapLive,
        heapMarked: gc.heapMarked,
        heapGoal: gc.heapGoal(),
        trigger: gc.trigger().trigger,
        heapInUse: gc.heapInUse.bytes,
        heapFree: gc.heapFree.bytes,
        heapReleased: gc.heapReleased.bytes,
      },
      mm: { anon: mm.rssAnon, file: mm.rssFile, shmem: mm.rssShmem, vm: mm.totalVm, hwmRss: mm.hiwaterRss, hwmVm: mm.hiwaterVm, pgtablesBytes: mm.pgtables.bytes },
      cgroup: { path: cg.path, usage: cg.usage, max: cg.memoryMax === Infinity ? null : cg.memoryMax },
      allocs: { small: Array.from(a.small), smallFree: Array.from(a.smallFree), large: a.large, largeCount: a.largeCount, largeFree: a.largeFree, largeFreeCount: a.largeFreeCount, tiny: a.tiny },
      ...(started ? { caches: cachesOf(p) } : {}),
    },
    bigintsAsText,
  );
  return { json, spans: started ? spansOf(p, manualUse) : [], vmas: vmasOf(p) };
}

/**
 * Where the small-object allocator keeps its spans at this instant: each
 * P's mcache (the span it allocates from, per span class) and page cache,
 * and each mcentral's four span sets. Only Ps holding something, and only
 * classes with a span in a set, are listed; base addresses are in runtime
 * pages, as the span list's.
 */
function cachesOf(p: GoProcess): { p: { id: number; mcache: number[][]; pcache: [number, number] }[]; mcentral: number[][] } {
  const rt = p.rt;
  const ps: { id: number; mcache: number[][]; pcache: [number, number] }[] = [];
  for (const pp of rt.allp) {
    const mcache: number[][] = [];
    const alloc = pp.mcache.alloc;
    for (let spc = 0; spc < numSpanClasses; spc++) {
      const s = alloc[spc]!;
      // [spanclass, base, objects allocated, slots]
      if (s !== emptymspan) mcache.push([spc, s.startAddr / runtimePageSize, s.allocCount, s.nelems]);
    }
    const pc = pp.pcache;
    const free = popcount32(pc.cacheLo) + popcount32(pc.cacheHi);
    if (mcache.length > 0 || free > 0) ps.push({ id: pp.id, mcache, pcache: [pc.base / runtimePageSize, free] });
  }
  const sg = rt.mheap.sweepgen;
  const mcentral: number[][] = [];
  for (const c of rt.mheap.central) {
    const n = [c.partialSwept(sg), c.partialUnswept(sg), c.fullSwept(sg), c.fullUnswept(sg)].map((set) => Array.from(set.spans()).length);
    // [spanclass, partial swept, partial unswept, full swept, full unswept]
    if (n.some((k) => k > 0)) mcentral.push([c.spanclass, ...n]);
  }
  return { p: ps, mcentral };
}

function popcount32(x: number): number {
  let v = x >>> 0;
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function spansOf(p: GoProcess, manualUse: ReadonlyMap<number, number>): number[] {
  const live = p.rt.mheap.allspans.filter((s) => s.state === mSpanInUse || s.state === mSpanManual);
  live.sort((x, y) => x.startAddr - y.startAddr);
  const out: number[] = [];
  for (const s of live) {
    const use = s.state === mSpanInUse ? 0 : (manualUse.get(s.startAddr) ?? 1);
    out.push(s.startAddr / runtimePageSize, s.npages, s.state === mSpanInUse ? s.spanclass : 0, use, s.allocCount);
  }
  return out;
}

function vmasOf(p: GoProcess): SnapshotVma[] {
  const mm = p.proc.mm;
  return mm.vmas.map((v) => {
    const runs: number[] = [];
    let cursor = v.start / PAGE_SIZE; // end of the last run, in pages
    let runStart = 0;
    let runLen = 0;
    let runState = -1;
    const close = (): void => {
      if (runLen > 0) runs.push(runStart - cursor, runLen, runState);
      if (runLen > 0) cursor = runStart + runLen;
      runLen = 0;
    };
    mm.pgtables.forEachInRange(v.start, v.end, (t) => {
      if (t.present === 0) return;
      const first = t.base / PAGE_SIZE;
      const lo = Math.max(v.start, t.base) / PAGE_SIZE - first;
      const hi = Math.min(v.end, t.base + t.states.length * PAGE_SIZE) / PAGE_SIZE - first;
      const huge = t.pmd === PMD_TABLE ? 0 : hugeFlag;
      for (let i = lo; i < hi; i++) {
        const st = t.states[i]!;
        if (st === 0) {
          close();
          continue;
        }
        const state = st + huge;
        const page = first + i;
        if (runLen > 0 && state === runState && page === runStart + runLen) runLen++;
        else {
          close();
          runStart = page;
          runLen = 1;
          runState = state;
        }
      }
    });
    close();
    return { startPage: v.start / PAGE_SIZE, pages: (v.end - v.start) / PAGE_SIZE, flags: v.vmFlags, name: mm.vmaName(v), runs };
  });
}

