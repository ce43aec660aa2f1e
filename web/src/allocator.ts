// The allocator panel at the cursor: mheap's spans by span class (how many,
// how many pages, and how full), and where the small-object allocator keeps
// them — each P's mcache and page cache, each mcentral's partial and full
// sets. The spans in use at the cursor are exact: the last snapshot's list
// with the span records after it applied. How full each span is, and the
// caches, are known only at snapshots (the trace does not record objects
// allocated from an mcache, nor spans handed between mcentral and mcache),
// so they are shown as of that snapshot, and spans allocated since are
// counted apart as "since".

import type { TraceRecord } from '../../src/trace/reader.ts';
import { class_to_size } from '../../src/runtime/sizeclasses.ts';
import { minSizeForMallocHeader } from '../../src/runtime/sizeclasses_const.ts';
import { exact, time } from './fmt.ts';
import type { Timeline } from './timeline.ts';

const pageBytes = 8192;

/** One span class's spans (heap spans only; spanclass 0 are large objects). */
export interface ClassRow {
  spanclass: number;
  sizeclass: number;
  /** Bytes per object; 0 for large objects (one object per span, of its own size). */
  size: number;
  noscan: boolean;
  spans: number;
  pages: number;
  /** Of the spans that were there at the snapshot: all slots allocated, some, none. */
  full: number;
  partial: number;
  empty: number;
  /** Objects allocated and slots, over the spans that were there at the snapshot. */
  objects: number;
  slots: number;
  /** Spans allocated since the snapshot: in use, how full not recorded. */
  since: number;
}

export interface CacheState {
  /** Each P holding something: its mcache's spans ([spanclass, base address, objects, slots]) and its page cache (base address, free pages). */
  p: { id: number; mcache: { spanclass: number; base: number; objects: number; slots: number }[]; pcache: { base: number; free: number } }[];
  /** Span classes with spans in an mcentral set. */
  mcentral: { spanclass: number; partialSwept: number; partialUnswept: number; fullSwept: number; fullUnswept: number }[];
}

export interface AllocatorState {
  /** The snapshot the fill and caches come from: its record and time. */
  snapshot: { record: number; t: number };
  /** Span records applied after it, up to the cursor. */
  after: number;
  classes: ClassRow[];
  stacks: { spans: number; pages: number };
  /** GC bitmaps and work buffers. */
  other: { spans: number; pages: number };
  /** null in a trace written before snapshots carried the caches. */
  caches: CacheState | null;
}

export interface LiveSpan {
  npages: number;
  spanclass: number;
  use: string;
  /** Objects allocated at the snapshot; -1 for a span allocated since. */
  objects: number;
}

type SnapshotRec = Extract<TraceRecord, { kind: 'snapshot' }>;

/** The last snapshot at or before record rec (-1: none); with heap, the last taken once the runtime had a heap. */
export function lastSnapshot(tl: Timeline, rec: number, heap: boolean): number {
  const snaps = tl.snapshots;
  let k = snaps.length - 1;
  while (k >= 0 && snaps[k]! > rec) k--;
  // The first snapshot, at exec, comes before the runtime has a heap.
  while (heap && k >= 0 && (tl.records[snaps[k]!] as SnapshotRec).state.memstats === null) k--;
  return k < 0 ? -1 : snaps[k]!;
}

type LiveSpans = { snapshot: number; after: number; spans: Map<number, LiveSpan> } | null;

/** The last answer of spansAt: the panel, the map and the hook ask for the same record in turn, and a large heap's replay costs 100 ms. */
let lastSpans: { tl: Timeline; rec: number; out: LiveSpans } | null = null;

/** The spans in use once record rec has been applied, by base address: the last snapshot's, with the span records after it; null before the heap. Not to be changed by the caller. */
export function spansAt(tl: Timeline, rec: number): LiveSpans {
  if (lastSpans !== null && lastSpans.tl === tl && lastSpans.rec === rec) return lastSpans.out;
  const out = replaySpans(tl, rec);
  lastSpans = { tl, rec, out };
  return out;
}

function replaySpans(tl: Timeline, rec: number): LiveSpans {
  const at = lastSnapshot(tl, rec, true);
  if (at < 0) return null;
  const snap = tl.records[at] as SnapshotRec;
  const spans = new Map<number, LiveSpan>();
  for (const s of snap.spans) spans.set(s.base, { npages: s.npages, spanclass: s.spanclass, use: s.use, objects: s.allocCount });
  let after = 0;
  for (let i = at + 1; i <= rec; i++) {
    const r = tl.records[i]!;
    if (r.kind === 'spanAlloc') spans.set(r.base, { npages: r.npages, spanclass: r.spanclass, use: r.use, objects: -1 });
    else if (r.kind === 'spanFree') spans.delete(r.base);
    else continue;
    after++;
  }
  return { snapshot: at, after, spans };
}

/** The allocator's state once record rec has been applied; null before the runtime has a heap. */
export function allocatorAt(tl: Timeline, rec: number): AllocatorState | null {
  const live = spansAt(tl, rec);
  if (live === null) return null;
  const { snapshot: at, after, spans } = live;
  const snap = tl.records[at] as SnapshotRec;
  const byClass = new Map<number, ClassRow>();
  const stacks = { spans: 0, pages: 0 };
  const other = { spans: 0, pages: 0 };
  for (const s of spans.values()) {
    if (s.use !== 'heap') {
      const o = s.use === 'stack' ? stacks : other;
      o.spans++;
      o.pages += s.npages;
      continue;
    }
    let row = byClass.get(s.spanclass);
    if (row === undefined) {
      const sizeclass = s.spanclass >> 1;
      row = { spanclass: s.spanclass, sizeclass, size: sizeclass === 0 ? 0 : class_to_size[sizeclass]!, noscan: (s.spanclass & 1) === 1, spans: 0, pages: 0, full: 0, partial: 0, empty: 0, objects: 0, slots: 0, since: 0 };
      byClass.set(s.spanclass, row);
    }
    row.spans++;
    row.pages += s.npages;
    if (s.objects < 0) {
      row.since++;
      continue;
    }
    const slots = spanSlots(s.npages, row.spanclass);
    row.objects += s.objects;
    row.slots += slots;
    if (s.objects === slots) row.full++;
    else if (s.objects === 0) row.empty++;
    else row.partial++;
  }
  const classes = [...byClass.values()].sort((a, b) => a.spanclass - b.spanclass);
  return { snapshot: { record: at, t: tl.tm[at]! }, after, classes, stacks, other, caches: cachesOf(snap.state) };
}

/**
 * A span's object slots, as mheap.initSpan counts them: a small pointerful
 * class (at most minSizeForMallocHeader bytes) keeps its pointer bitmap in
 * the span's last 1/64, so a 64-byte scan span of one page has 126 slots.
 */
export function spanSlots(npages: number, spanclass: number): number {
  const sizeclass = spanclass >> 1;
  if (sizeclass === 0) return 1;
  const size = class_to_size[sizeclass]!;
  const n = npages * pageBytes;
  return Math.floor(((spanclass & 1) === 0 && size <= minSizeForMallocHeader ? n - n / 64 : n) / size);
}

function cachesOf(state: Record<string, unknown>): CacheState | null {
  const c = state.caches as { p: { id: number; mcache: number[][]; pcache: [number, number] }[]; mcentral: number[][] } | undefined;
  if (c === undefined) return null;
  return {
    p: c.p.map((p) => ({
      id: p.id,
      mcache: p.mcache.map(([spanclass, base, objects, slots]) => ({ spanclass: spanclass!, base: base! * pageBytes, objects: objects!, slots: slots! })),
      pcache: { base: p.pcache[0] * pageBytes, free: p.pcache[1] },
    })),
    mcentral: c.mcentral.map(([spanclass, ps, pu, fs, fu]) => ({ spanclass: spanclass!, partialSwept: ps!, partialUnswept: pu!, fullSwept: fs!, fullUnswept: fu! })),
  };
}

export function className(spanclass: number): string {
  const sc = spanclass >> 1;
  return sc === 0 ? 'large' : `${class_to_size[sc]} B ${(spanclass & 1) === 1 ? 'noscan' : 'scan'}`;
}

const hex = (a: number): string => `0x${a.toString(16)}`;

/** The panel's text. */
export function allocatorText(tl: Timeline, rec: number): string {
  const a = allocatorAt(tl, rec);
  if (a === null) return 'mheap: the runtime has no heap yet';
  const lines: string[] = [];
  const snap = `the snapshot at ${time(a.snapshot.t)} (record ${a.snapshot.record + 1})`;
  lines.push(`Spans in use at the cursor (${snap}, then ${a.after} span records); how full: as of that snapshot`);
  lines.push('  spanclass  object size      spans   pages    full partial  empty  since  objects/slots');
  let heapPages = 0;
  for (const r of a.classes) {
    heapPages += r.pages;
    const fill = r.slots > 0 ? `${r.objects}/${r.slots}` : '–';
    lines.push(`  ${String(r.spanclass).padStart(9)}  ${className(r.spanclass).padEnd(15)}${String(r.spans).padStart(6)}${String(r.pages).padStart(8)}${String(r.full).padStart(8)}${String(r.partial).padStart(8)}${String(r.empty).padStart(7)}${String(r.since).padStart(7)}  ${fill}`);
  }
  lines.push(`  heap spans: ${exact(heapPages * pageBytes)} (HeapInuse); stacks: ${a.stacks.spans} spans, ${exact(a.stacks.pages * pageBytes)} (StackInuse); GC bits and work buffers: ${a.other.spans} spans, ${exact(a.other.pages * pageBytes)}`);
  lines.push('');
  if (a.caches === null) {
    lines.push('mcache, page cache, mcentral: not in this trace (its snapshots predate them)');
    return lines.join('\n');
  }
  lines.push(`Each P's mcache and page cache at ${snap}`);
  if (a.caches.p.length === 0) lines.push('  (every mcache and page cache empty: flushed, as at a checkpoint or a GC)');
  for (const p of a.caches.p) {
    const spans = p.mcache.map((m) => `${className(m.spanclass)} ${hex(m.base)} ${m.objects}/${m.slots}`);
    lines.push(`  P${p.id}: mcache ${spans.length === 0 ? 'empty' : spans.join(', ')}; page cache ${p.pcache.free} free pages${p.pcache.free > 0 ? ` at ${hex(p.pcache.base)}` : ''}`);
  }
  lines.push('', `mcentral span sets at ${snap}`);
  lines.push('  spanclass  object size      partial swept/unswept   full swept/unswept');
  for (const m of a.caches.mcentral) {
    lines.push(`  ${String(m.spanclass).padStart(9)}  ${className(m.spanclass).padEnd(15)}${`${m.partialSwept}/${m.partialUnswept}`.padStart(15)}${`${m.fullSwept}/${m.fullUnswept}`.padStart(21)}`);
  }
  return lines.join('\n');
}
