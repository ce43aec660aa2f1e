// The address space at the cursor, as the map draws it: the process's
// mappings (VMAs) laid end to end in address order — the gaps between them
// left out, or the 1.2 GiB of a Go process would be a few pixels in 128 TiB
// — with each 4 KiB page's state (reserved, mapped but never touched, the
// zero page, anonymous, lazily freed, page cache, huge) from the last
// snapshot, and the Go heap's spans in use at the cursor (exact: the
// snapshot's spans and the span records after it). Page states are a
// snapshot's because the trace's RSS records name a cause and a first
// address, not every page they touched.

import type { SnapshotMapping, TraceRecord } from '../../src/trace/reader.ts';
import { class_to_size } from '../../src/runtime/sizeclasses.ts';
import { minSizeForMallocHeader } from '../../src/runtime/sizeclasses_const.ts';
import { type LiveSpan, className, lastSnapshot, spanSlots, spansAt } from './allocator.ts';
import { bytes } from './fmt.ts';
import type { Timeline } from './timeline.ts';

/** A page's state on the map: the snapshot's page states, and two for pages in no run. */
export const pageKinds = ['reserved', 'untouched', 'zero', 'anon', 'lazyfree', 'file', 'file-dirty', 'pfn', 'anon-huge'] as const;
export type PageKind = (typeof pageKinds)[number];

/** VM_READ | VM_WRITE | VM_EXEC: a mapping with none of them is a PROT_NONE reservation. */
const vmAccess = 0x7;
const osPage = 4096;
/** Where Go's heap starts (the first arena hint on linux/amd64), its arenas' size and the page allocator's chunks'. */
export const heapStart = 0xc000000000;
const arenaBytes = 64 << 20;
const chunkBytes = 4 << 20;

export interface AddrSpan extends LiveSpan {
  base: number;
}

export interface AddrMap {
  /** The snapshot the page states come from: its record and time. */
  snapshot: { record: number; t: number };
  vmas: SnapshotMapping[];
  /** Each VMA's first byte on the map's axis (the VMAs before it, end to end). */
  offsets: Float64Array;
  /** The axis' length: VmSize at the snapshot. */
  total: number;
  /** Spans in use at the cursor, by address. */
  spans: AddrSpan[];
}

type SnapshotRec = Extract<TraceRecord, { kind: 'snapshot' }>;

/** The last answer of addrMapAt: the map, the smaps panel and the hook ask for the same record in turn. */
let lastMap: { tl: Timeline; rec: number; out: AddrMap | null } | null = null;

/** The address space once record rec has been applied (not to be changed by the caller); null before the first snapshot. */
export function addrMapAt(tl: Timeline, rec: number): AddrMap | null {
  if (lastMap !== null && lastMap.tl === tl && lastMap.rec === rec) return lastMap.out;
  const out = buildAddrMap(tl, rec);
  lastMap = { tl, rec, out };
  return out;
}

function buildAddrMap(tl: Timeline, rec: number): AddrMap | null {
  const at = lastSnapshot(tl, rec, false);
  if (at < 0) return null;
  const vmas = (tl.records[at] as SnapshotRec).mappings;
  const offsets = new Float64Array(vmas.length);
  let total = 0;
  vmas.forEach((v, i) => {
    offsets[i] = total;
    total += v.end - v.start;
  });
  const live = spansAt(tl, rec);
  const spans: AddrSpan[] = [];
  if (live !== null) for (const [base, s] of live.spans) spans.push({ base, ...s });
  spans.sort((a, b) => a.base - b.base);
  return { snapshot: { record: at, t: tl.tm[at]! }, vmas, offsets, total, spans };
}

function pageKind(v: SnapshotMapping, run: SnapshotMapping['runs'][number] | null): PageKind {
  if (run === null) return (v.flags & vmAccess) === 0 ? 'reserved' : 'untouched';
  if (run.huge && run.state === 'anon') return 'anon-huge';
  return run.state === 'none' ? 'untouched' : run.state;
}

/**
 * Calls f(from, to, kind) for every stretch of the axis in order: each
 * VMA's runs and the pages between them. O(runs), however large the VMAs.
 */
export function forEachPageStretch(m: AddrMap, f: (from: number, to: number, kind: PageKind) => void): void {
  m.vmas.forEach((v, i) => {
    const off = m.offsets[i]! - v.start;
    let at = v.start;
    for (const run of v.runs) {
      if (run.addr > at) f(at + off, run.addr + off, pageKind(v, null));
      const end = run.addr + run.pages * osPage;
      f(run.addr + off, end + off, pageKind(v, run));
      at = end;
    }
    if (at < v.end) f(at + off, v.end + off, pageKind(v, null));
  });
}

/** The first index in [0, n) for which `past(i)` is false (n if none); `past` must be true for a prefix only. */
function firstNotPast(n: number, past: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the first VMA that ends after addr (vmas.length if none). */
function vmaAtOrAfter(m: AddrMap, addr: number): number {
  return firstNotPast(m.vmas.length, (i) => m.vmas[i]!.end <= addr);
}

/** The VMA holding an address (index), or -1. */
export function vmaAt(m: AddrMap, addr: number): number {
  const lo = vmaAtOrAfter(m, addr);
  return lo < m.vmas.length && m.vmas[lo]!.start <= addr ? lo : -1;
}

/** The position of an address on the axis, or -1 outside every VMA. */
export function offsetOf(m: AddrMap, addr: number): number {
  const i = vmaAt(m, addr);
  return i < 0 ? -1 : m.offsets[i]! + (addr - m.vmas[i]!.start);
}

/** The position on the axis of an address, or of the first mapped byte after it (the axis' end past the last mapping). */
export function offsetAtOrAfter(m: AddrMap, addr: number): number {
  const lo = vmaAtOrAfter(m, addr);
  if (lo >= m.vmas.length) return m.total;
  const v = m.vmas[lo]!;
  return m.offsets[lo]! + Math.max(0, addr - v.start);
}

/** The address at a position on the axis. */
export function addressOf(m: AddrMap, offset: number): number {
  const i = Math.max(0, firstNotPast(m.vmas.length, (j) => m.offsets[j]! <= offset) - 1);
  return m.vmas[i]!.start + (offset - m.offsets[i]!);
}

/** The span in use holding an address, if any. */
export function spanAt(m: AddrMap, addr: number): AddrSpan | null {
  const s = m.spans[firstNotPast(m.spans.length, (i) => m.spans[i]!.base <= addr) - 1];
  return s !== undefined && addr < s.base + s.npages * 8192 ? s : null;
}

const kindNames: Record<PageKind, string> = {
  reserved: 'reserved (PROT_NONE: address space only)',
  untouched: 'mapped, never touched (not resident)',
  zero: 'the shared zero page (read, never written)',
  anon: 'resident, anonymous',
  lazyfree: 'lazily freed (MADV_FREE: resident until reclaimed)',
  file: 'page cache (file-backed)',
  'file-dirty': 'page cache, dirty',
  pfn: 'kernel page (vvar)',
  'anon-huge': 'resident, anonymous, in a 2 MiB huge page',
};

/** What is at an address, in one line: the mapping, the page's state, the span. */
export function describeAddress(m: AddrMap, addr: number): string {
  const i = vmaAt(m, addr);
  if (i < 0) return `0x${addr.toString(16)}: not mapped`;
  const v = m.vmas[i]!;
  const page = Math.floor(addr / osPage) * osPage;
  const run = v.runs.find((r) => r.addr <= page && page < r.addr + r.pages * osPage) ?? null;
  const parts = [`0x${addr.toString(16)}`, `in ${v.name || '[anon]'} 0x${v.start.toString(16)}–0x${v.end.toString(16)} (${bytes(v.end - v.start)})`, `page: ${kindNames[pageKind(v, run)]}`];
  if (addr >= heapStart && addr < heapStart + 2 ** 40) {
    // Go's heap address space: 64 MiB arenas (heapArena metadata each), 4 MiB page-allocator chunks.
    parts.push(`heap arena 0x${(Math.floor(addr / arenaBytes) * arenaBytes).toString(16)} (64 MiB), chunk 0x${(Math.floor(addr / chunkBytes) * chunkBytes).toString(16)} (4 MiB)`);
  }
  const s = spanAt(m, addr);
  if (s !== null) {
    const what = s.use === 'heap' ? className(s.spanclass) : s.use === 'stack' ? 'goroutine stacks' : s.use === 'bits' ? 'GC bitmaps' : 'GC work buffers';
    const fill = s.use !== 'heap' ? '' : s.objects < 0 ? ', allocated since the snapshot' : `, ${s.objects}/${spanSlots(s.npages, s.spanclass)} objects at the snapshot`;
    parts.push(`span 0x${s.base.toString(16)} (${s.npages} × 8 KiB): ${what}${fill}`);
    const slot = slotAt(s, addr);
    if (slot !== null) parts.push(slot.k < slot.n ? `slot ${slot.k + 1} of ${slot.n} (0x${slot.start.toString(16)}–0x${(slot.start + slot.size).toString(16)})` : slot.bitmap ? 'the span’s heap bits (pointer bitmap of its slots)' : 'tail after the last slot (unused)');
  } else if (addr >= heapStart && addr < heapStart + 2 ** 40 && (v.flags & vmAccess) !== 0) parts.push('no span: a free page of the heap');
  return parts.join(' · ');
}

/**
 * Where an address falls among a small-object span's slots: slot k of n
 * (k = n past the last slot: the heap bits a small scan class keeps in the
 * span's last 1/64, or the tail). Which slots are allocated or marked is not
 * in the trace (measured: alloc and mark bits per span at each snapshot
 * would make live-heap-gogc100's trace 3.8 times the size), so only the
 * slots' places are known.
 */
export function slotAt(s: AddrSpan, addr: number): { k: number; n: number; size: number; start: number; bitmap: boolean } | null {
  const sizeclass = s.spanclass >> 1;
  if (s.use !== 'heap' || sizeclass === 0) return null;
  const size = class_to_size[sizeclass]!;
  const n = spanSlots(s.npages, s.spanclass);
  const off = addr - s.base;
  const k = Math.min(n, Math.floor(off / size));
  const spanBytes = s.npages * 8192;
  return { k, n, size, start: s.base + k * size, bitmap: k >= n && off >= spanBytes - spanBytes / 64 && (s.spanclass & 1) === 0 && size <= minSizeForMallocHeader };
}

/** Bytes of each page kind over the whole map (the hook's summary; RSS is anon, lazyfree, file and file-dirty). */
export function pageTotals(m: AddrMap): Record<PageKind, number> {
  const out = Object.fromEntries(pageKinds.map((k) => [k, 0])) as Record<PageKind, number>;
  forEachPageStretch(m, (a, b, k) => (out[k] += b - a));
  return out;
}
