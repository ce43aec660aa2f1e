// gomem explain: where VmRSS and VmSize go, split into causes that sum to
// the kernel model's figures exactly (bytes), with no residual line.
//
// RSS is classified page by page: every resident 4 KiB page of every VMA
// (PTE states anon, lazyfree, file, file-dirty; the zero page and raw pfn
// mappings are mapped but not in RSS, as in Linux) is given to a cause by
// its address, using what the runtime knows about that address:
//
//   heap arenas        the page allocator's bitmaps (free? scavenged?), the
//                      P page caches, and for allocated pages the span
//                      (spanOf): in-use span → allocated slots / free slots
//                      and tail / heap bits at the span's end; manual span →
//                      stacks, GC workbufs, unrolled GC-program bitmaps
//   other runtime      mem_linux's registry of what each mapping is for
//   mappings           (sysAlloc / sysReserve labels); persistentalloc
//                      chunks split by the allocations carved from them,
//                      each charged to its MemStats stat
//   the rest           the kernel's view: the executable's segments and
//                      bss, [stack], [vdso], file mappings, the program's
//                      own anonymous mappings
//
// A page split between causes (a small-object span page holding allocated
// and free slots) is split by bytes; every page adds exactly 4096.
// VmSize is split by VMA bytes the same way: runtime regions by label and
// protection (PROT_NONE = reserved), the mapped heap by span and page state.
// It reads runtime and kernel state only: nothing here allocates, faults,
// flushes an mcache or moves the kernel's lookup caches.

import { runToCheckpoint } from './run_to.ts';
import { PAGE_SIZE, PROT_EXEC, PROT_NONE, PROT_WRITE, type Vma } from '../kernel/index.ts';
import { PMD_HUGE_ANON, PTE_ANON, PTE_FILE, PTE_FILE_W, PTE_LAZY } from '../kernel/pagetable.ts';
import { SPECIAL_NONE, SPECIAL_STACK, SPECIAL_VDSO, SPECIAL_VVAR, SPECIAL_VVAR_VCLOCK } from '../kernel/vma.ts';
import type { SysLabel } from '../runtime/mem.ts';
import type { LinuxMem } from '../runtime/mem_linux.ts';
import { progSpans } from '../runtime/mbitmap.ts';
import { pageBitsGet, pallocDataWords, scavengedOffset } from '../runtime/mpallocbits.ts';
import { chunkIndex, chunkPageIndex } from '../runtime/mpagealloc_64bit.ts';
import { type MSpan, mSpanInUse, mSpanManual } from '../runtime/mspan.ts';
import { memStatsAsTheyStand } from '../runtime/mstats.ts';
import { minSizeForMallocHeader, pageSize } from '../runtime/sizeclasses_const.ts';
import type { GoProcess, RunOptions, RunResult } from './process.ts';
import type { Program } from './program.ts';

/** One cause of RSS or VSZ. */
export interface ExplainLine {
  /** A stable key: heap.objects, meta.gc-bits, binary.text, vsz.heap.reserved … */
  id: string;
  /** What the bytes are. */
  what: string;
  bytes: number;
  /** What would change it. */
  change: string;
  /** RSS lines: of the bytes, those in transparent huge pages (AnonHugePages). */
  hugeBytes?: number;
}

/** One VMA and the RSS / VSZ lines its bytes went to (for cross-checks against smaps). */
export interface ExplainMapping {
  start: number;
  end: number;
  name: string;
  /** Resident bytes counted page by page (equals smaps Rss). */
  rss: number;
  rssLines: Record<string, number>;
  vszLines: Record<string, number>;
}

/** Figures read at the same instant by other means, and the heap totals the classifier found, for cross-checks. */
export interface ExplainCheck {
  memstats: {
    HeapAlloc: number;
    HeapInuse: number;
    HeapIdle: number;
    HeapReleased: number;
    HeapSys: number;
    StackInuse: number;
    MSpanInuse: number;
    MSpanSys: number;
    MCacheSys: number;
    GCSys: number;
    OtherSys: number;
    BuckHashSys: number;
    Sys: number;
  };
  /** heapStats.inWorkBufs and inPtrScalarBits (the parts of GCSys that are heap spans). */
  inWorkBufs: number;
  inPtrScalarBits: number;
  /** gcMiscSys: the part of GCSys mapped outside the heap. */
  gcMiscSys: number;
  /** Found by walking the spans and the page allocator, resident or not. */
  heap: {
    /** Σ npages × 8 KiB of in-use heap spans. */
    inUseSpanBytes: number;
    /** Σ allocated slots × elemsize. */
    allocatedSlotBytes: number;
    stackSpanBytes: number;
    workbufSpanBytes: number;
    ptrScalarSpanBytes: number;
    /** Free pages, not scavenged / scavenged (page allocator and P page caches). */
    freeBytes: number;
    releasedBytes: number;
    /** Bytes of the heap arenas' read-write mappings. */
    mappedBytes: number;
  };
}

export interface ExplainReport {
  program: string;
  checkpoint: string;
  vmRss: number;
  vmSize: number;
  rss: ExplainLine[];
  vsz: ExplainLine[];
  mappings: ExplainMapping[];
  check: ExplainCheck;
  /** How the split was made where it is not exact to the byte of a cause. */
  notes: string[];
}

const MiB = 1024 * 1024;
const fmtMiB = (n: number): string => `${(n / MiB).toFixed(n >= 10 * MiB ? 1 : 2)} MiB`;

interface LineSpec {
  what: string;
  change: (bytes: number) => string;
}

const ADDRESS_ONLY = 'address space only: no page is resident';

/** The RSS causes, in the order they are printed. */
const RSS_SPECS: Record<string, LineSpec> = {
  'heap.objects': {
    what: 'heap objects: allocated slots of in-use spans (live, or dead and not yet swept)',
    change: () => 'shrinks when objects become unreachable and the GC sweeps them; lower GOGC collects sooner',
  },
  'heap.span-free': {
    what: 'free slots and tail waste inside in-use heap spans',
    change: () => 'reused by allocations of the same size class; a span whose objects all die goes back to the page heap at the sweep',
  },
  'heap.heap-bits': {
    what: 'heap bits: pointer bitmaps at the end of small-object scan spans (in HeapInuse)',
    change: () => 'go with their spans',
  },
  'heap.free-retained': {
    what: 'free pages retained, not yet released (HeapIdle − HeapReleased, resident)',
    change: (b) => `debug.FreeOSMemory would return ${fmtMiB(b)} of RSS; the background scavenger releases them toward its goal (GOMEMLIMIT makes it release more)`,
  },
  'heap.released-lazyfree': {
    what: 'released with MADV_FREE, still in RSS (LazyFree; GODEBUG=madvdontneed=0)',
    change: (b) => `the kernel takes these ${fmtMiB(b)} only under memory pressure; GODEBUG=madvdontneed=1 (the default) would drop them from RSS at release`,
  },
  'heap.lazyfree-reused': {
    what: 'released with MADV_FREE, then taken back by Go (allocated, maybe freed again) but not written since: Go counts it in use or retained, the kernel still as LazyFree',
    change: () => 'its next write makes it an ordinary page again; until then the kernel may take it, and Go sees zeros there, as it expects of a page it released',
  },
  'heap.released-thp': {
    what: 'THP rounding: released or never-used heap pages made resident by a huge page fault over their 2 MiB region',
    change: () => '--thp never (or GODEBUG=disablethp=1) would leave them unbacked; a later release splits the huge page',
  },
  'stacks': {
    what: 'goroutine stacks and the Ms\' g0 and signal stacks (stack spans; thread stacks live here in a Go binary without cgo)',
    change: () => 'stacks shrink at GC when a goroutine uses under a quarter; freed stack spans go back to the page heap',
  },
  'gc.workbufs': {
    what: 'GC work buffers (workbuf spans, in GCSys)',
    change: () => 'freed by the background sweeper after the cycle',
  },
  'gc.ptr-scalar-bits': {
    what: 'unrolled GC-program pointer bitmaps of large objects (in GCSys)',
    change: () => 'freed with their objects',
  },
  'meta.gc-bits': {
    what: 'GC mark and alloc bits (gcBits arenas, 64 KiB chunks, GCSys)',
    change: () => 'chunks are reused cycle after cycle, never unmapped',
  },
  'meta.heap-arena-metadata': {
    what: 'heapArena metadata: span map and page bitmaps of each 64 MiB arena (GCSys)',
    change: () => 'grows with the heap arenas; never freed',
  },
  'meta.arena-index': {
    what: 'heap arena index (the L2 arena map, sysAllocOS, in no MemStats field)',
    change: () => 'one entry per arena; never freed',
  },
  'meta.pagealloc-summary': {
    what: 'page-allocator summaries (radix tree levels L0–L4, GCSys)',
    change: () => 'grows with the heap; never freed',
  },
  'meta.pagealloc-chunks': {
    what: 'page-allocator chunk bitmaps (alloc and scavenged bits per 4 MiB chunk, GCSys)',
    change: () => 'grows with the heap; never freed',
  },
  'meta.scavenge-index': {
    what: 'scavenge index (one entry per 4 MiB chunk, GCSys)',
    change: () => 'grows with the heap; never freed',
  },
  'meta.allspans': {
    what: 'h.allspans: the array of every span struct\'s address (OtherSys)',
    change: () => 'grows ×1.5 with the number of spans ever made',
  },
  'meta.profile-buckets': {
    what: 'heap-profile bucket hash table (BuckHashSys)',
    change: () => 'mapped at the first profile sample; MemProfileRate=0 avoids it',
  },
  'meta.persistent.mspan_sys': {
    what: 'span structs (mspan fixalloc chunks, MSpanSys)',
    change: () => 'one per span ever live at once; reused, never freed',
  },
  'meta.persistent.mcache_sys': {
    what: 'mcache structs (one per P, MCacheSys)',
    change: () => 'fixed by GOMAXPROCS',
  },
  'meta.persistent.gcMiscSys': {
    what: 'GC and page-allocator structures from persistentalloc (span sets, address ranges, GCSys)',
    change: () => 'never freed',
  },
  'meta.persistent.other_sys': {
    what: 'other persistentalloc\'d runtime structures (arena hints, …, OtherSys)',
    change: () => 'never freed',
  },
  'meta.persistent.buckhash_sys': {
    what: 'profile buckets and the data/bss pointer masks (persistentalloc, BuckHashSys)',
    change: () => 'buckets grow with distinct allocation stacks sampled',
  },
  'meta.persistent.unused': {
    what: 'persistentalloc chunks: list links, alignment padding and not-yet-used tails that were written (OtherSys)',
    change: () => 'filled by later persistent allocations',
  },
  'binary.text': { what: "the executable's text (file-backed pages)", change: () => 'page cache shared with other runs of the binary; the kernel may drop clean pages' },
  'binary.rodata': { what: "the executable's read-only data (file-backed pages)", change: () => 'clean file pages; the kernel may drop them' },
  'binary.data': { what: "the executable's .data, pages still as read from the file", change: () => 'clean file pages' },
  'binary.data-written': { what: "the executable's .data pages written (private copies, anonymous)", change: () => 'stay while the process lives' },
  'binary.bss': { what: "the executable's .bss (anonymous, written pages)", change: () => 'stay while the process lives' },
  'os.stack': { what: "the main thread's [stack] (m0's g0 runs on it)", change: () => 'grows down on demand; never shrinks' },
  'os.vdso': { what: '[vdso] (the kernel\'s shared code page)', change: () => 'fixed' },
  'anon.program': { what: 'anonymous mappings the program made itself (syscall.Mmap)', change: () => 'syscall.Munmap' },
};

function specOf(id: string): LineSpec {
  const s = RSS_SPECS[id];
  if (s !== undefined) return s;
  if (id.startsWith('file:')) return { what: `file mapping ${id.slice(5)} (its page-cache pages, and private copies of written pages)`, change: () => 'syscall.Munmap; clean pages may be dropped by the kernel' };
  if (id.startsWith('meta.stat:')) return { what: `runtime mapping charged to ${id.slice(10)}`, change: () => 'never freed' };
  if (id.startsWith('anon:')) return { what: `anonymous mapping ${id.slice(5)}`, change: () => 'munmap' };
  return { what: id, change: () => '' };
}

const VSZ_WHAT: Record<string, string> = {
  'vsz.heap.inuse': 'mapped heap: in-use heap spans (HeapInuse)',
  'vsz.heap.stacks': 'mapped heap: stack spans (StackInuse)',
  'vsz.heap.gc-spans': 'mapped heap: GC workbuf and pointer-bitmap spans (in GCSys)',
  'vsz.heap.free': 'mapped heap: free pages retained (HeapIdle − HeapReleased)',
  'vsz.heap.released': 'mapped heap: released or never-used free pages (HeapReleased)',
  'vsz.heap.reserved': 'heap arena reserved, not yet mapped (PROT_NONE)',
  'vsz.pagealloc-summary.reserved': 'page-allocator summary reservation (PROT_NONE)',
  'vsz.pagealloc-summary.mapped': 'page-allocator summaries mapped',
  'vsz.scavenge-index.reserved': 'scavenge index reservation (PROT_NONE)',
  'vsz.scavenge-index.mapped': 'scavenge index mapped',
  'vsz.arena-index.mapped': 'heap arena index (L2 map, 32 MiB, mostly untouched)',
  'vsz.pagealloc-chunks.mapped': 'page-allocator chunk bitmap blocks (1 MiB each)',
  'vsz.gc-bits.mapped': 'gcBits arenas (64 KiB chunks)',
  'vsz.heap-arena-metadata.mapped': 'heapArena metadata blocks',
  'vsz.allspans.mapped': 'h.allspans array',
  'vsz.persistentalloc.mapped': 'persistentalloc chunks (256 KiB each)',
  'vsz.profile-buckets.mapped': 'heap-profile bucket hash table',
  'vsz.binary.text': "the executable's text segment",
  'vsz.binary.rodata': "the executable's read-only data segment",
  'vsz.binary.data': "the executable's .data segment",
  'vsz.binary.bss': "the executable's .bss",
  'vsz.os.stack': "the main thread's [stack]",
  'vsz.os.vdso': '[vvar], [vvar_vclock] and [vdso]',
  'vsz.anon.program': 'anonymous mappings the program made itself (syscall.Mmap)',
};

function vszWhat(id: string): string {
  const w = VSZ_WHAT[id];
  if (w !== undefined) return w;
  if (id.startsWith('vsz.file:')) return `file mapping ${id.slice(9)}`;
  const m = /^vsz\.(.*)\.(reserved|mapped)$/.exec(id);
  if (m !== null) return `runtime mapping ${m[1]} (${m[2] === 'reserved' ? 'PROT_NONE' : 'mapped'})`;
  return id;
}

function vszChange(id: string, bytes: number, rssOf: (prefix: string) => number): string {
  if (id.endsWith('.reserved')) return ADDRESS_ONLY;
  if (id === 'vsz.heap.released') {
    const r = rssOf('heap.released');
    return r === 0 ? `${ADDRESS_ONLY} (the heap reuses it before asking the OS for more)` : `${fmtMiB(bytes - r)} of it has no resident page; the rest is in RSS (see the released lines)`;
  }
  if (id === 'vsz.heap.free') return 'debug.FreeOSMemory moves it to released; the address space stays';
  if (id.startsWith('vsz.heap.')) return 'the heap never unmaps: address space stays once mapped';
  if (id.startsWith('vsz.file:') || id === 'vsz.anon.program') return 'munmap';
  return 'fixed for the life of the process';
}

/** A resident-page state: anonymous, lazily freed, or a mapped page-cache page. */
function resident(s: number): boolean {
  return s === PTE_ANON || s === PTE_LAZY || s === PTE_FILE || s === PTE_FILE_W;
}

class Acc {
  readonly bytes = new Map<string, number>();
  readonly huge = new Map<string, number>();
  add(id: string, n: number, huge: boolean): void {
    if (n === 0) return;
    this.bytes.set(id, (this.bytes.get(id) ?? 0) + n);
    if (huge) this.huge.set(id, (this.huge.get(id) ?? 0) + n);
  }
}

/** The runtime's registry of its mappings (mem_linux). */
function regionsOf(p: GoProcess): { starts: readonly number[]; ends: readonly number[]; labels: readonly SysLabel[] } {
  return (p.rt.sys as LinuxMem).regions;
}

/** Heap state the classifier consults per page, built once per report. */
class HeapView {
  readonly workbufs: Set<MSpan>;
  readonly ptrScalar = new Set<MSpan>();

  constructor(private readonly p: GoProcess) {
    const rt = p.rt;
    this.workbufs = new Set(p.gc.mark.work.workbufSpans());
    for (const s of rt.mheap.allspans) {
      if (s.state !== mSpanInUse || s.largeType === null || !s.largeType.gcprog) continue;
      const ps = progSpans.get(s);
      if (ps !== undefined) this.ptrScalar.add(ps);
    }
  }

  manualKind(s: MSpan): 'stacks' | 'gc.workbufs' | 'gc.ptr-scalar-bits' {
    if (this.workbufs.has(s)) return 'gc.workbufs';
    if (this.ptrScalar.has(s)) return 'gc.ptr-scalar-bits';
    return 'stacks';
  }

  /** Whether the 8 KiB runtime page at addr is free: null if allocated, else whether it is scavenged. */
  freeState(addr: number): { free: boolean; scav: boolean } {
    const rt = this.p.rt;
    for (const pp of rt.allp) {
      const c = pp.pcache;
      if (c.base === 0 || addr < c.base || addr >= c.base + 64 * pageSize) continue;
      const i = Math.floor((addr - c.base) / pageSize);
      const bit = i < 32 ? (c.cacheLo >>> i) & 1 : (c.cacheHi >>> (i - 32)) & 1;
      if (bit !== 0) {
        const sc = i < 32 ? (c.scavLo >>> i) & 1 : (c.scavHi >>> (i - 32)) & 1;
        return { free: true, scav: sc !== 0 };
      }
    }
    const pages = rt.mheap.pages;
    const ci = chunkIndex(addr);
    if (!pages.hasChunk(ci)) return { free: false, scav: false };
    const w = pages.chunkWords(ci);
    const o = pages.chunkOffset(ci);
    const i = chunkPageIndex(addr);
    if (pageBitsGet(w, o, i) !== 0) return { free: false, scav: false };
    return { free: true, scav: pageBitsGet(w, o + scavengedOffset, i) !== 0 };
  }
}

/** Whether slot i of a small-object span is allocated: below freeindex, or its alloc bit. */
function slotInUse(s: MSpan, i: number): boolean {
  return i < s.freeindex || s.isAllocated(i);
}

/** Bytes of the span's pointer bitmap kept at its end (Go 1.22+: small scan objects). */
function heapBitsBytes(s: MSpan): number {
  if (s.sizeclass() === 0 || s.noscan() || s.elemsize > minSizeForMallocHeader) return 0;
  return (s.npages * pageSize) / 64;
}

/** Splits the span bytes [lo, hi) (offsets) into allocated-slot, heap-bit and free bytes. */
function splitSpanRange(s: MSpan, lo: number, hi: number): { objects: number; bits: number } {
  const nbytes = s.npages * pageSize;
  if (s.sizeclass() === 0) return { objects: s.allocCount > 0 ? hi - lo : 0, bits: 0 };
  const bm = heapBitsBytes(s);
  const bits = Math.max(0, Math.min(hi, nbytes) - Math.max(lo, nbytes - bm));
  const es = s.elemsize;
  const objEnd = s.nelems * es;
  let objects = 0;
  const top = Math.min(hi, objEnd);
  if (top > lo) {
    for (let i = Math.floor(lo / es), last = Math.floor((top - 1) / es); i <= last; i++) {
      if (!slotInUse(s, i)) continue;
      objects += Math.min(top, (i + 1) * es) - Math.max(lo, i * es);
    }
  }
  return { objects, bits };
}

/** The allocated slots of a span × elemsize, resident or not. */
function allocatedSlotBytes(s: MSpan): number {
  if (s.sizeclass() === 0) return s.allocCount > 0 ? s.elemsize : 0;
  let n = 0;
  for (let i = 0; i < s.nelems; i++) if (slotInUse(s, i)) n++;
  return n * s.elemsize;
}

/** The persistentalloc carvings sorted by address, for the page split of chunks. */
function carvings(p: GoProcess): { addr: Float64Array; end: Float64Array; stat: string[] } {
  const c = p.rt.persistent.carved;
  const idx = c.addr.map((_, i) => i).sort((a, b) => c.addr[a]! - c.addr[b]!);
  return {
    addr: Float64Array.from(idx, (i) => c.addr[i]!),
    end: Float64Array.from(idx, (i) => c.addr[i]! + c.size[i]!),
    stat: idx.map((i) => c.stat[i]!.name),
  };
}

/** Explains VmRSS and VmSize of the process now. `checkpoint` names the moment. */
export function explain(p: GoProcess, checkpoint: string): ExplainReport {
  const proc = p.proc;
  const rt = p.rt;
  const pt = proc.mm.pgtables;
  const regions = regionsOf(p);
  const heap = new HeapView(p);
  const carved = carvings(p);
  const exeFile = proc.machine.fs.lookup(p.binary.exec.path);
  const mm = proc.mm;
  const bssStart = Math.ceil(mm.endData / PAGE_SIZE) * PAGE_SIZE;
  const bssEnd = mm.startBrk;

  const rss = new Acc();
  const vsz = new Acc();
  const mappings: ExplainMapping[] = [];
  let heapMapped = 0;

  for (const v of proc.vmas()) {
    const vmaRss = new Acc();
    const vmaVsz = new Acc();
    let pages = 0;
    const addRss = (id: string, n: number, huge: boolean): void => {
      rss.add(id, n, huge);
      vmaRss.add(id, n, huge);
    };
    const addVsz = (id: string, n: number): void => {
      vsz.add(id, n, false);
      vmaVsz.add(id, n, false);
    };
    // The VMA cut at the runtime regions it overlaps; the pieces outside every region belong to the VMA's own kind.
    const pieces: { start: number; end: number; label: SysLabel | null }[] = [];
    let a = v.start;
    for (let i = 0; i < regions.starts.length && a < v.end; i++) {
      const rs = Math.max(regions.starts[i]!, v.start);
      const re = Math.min(regions.ends[i]!, v.end);
      if (re <= rs || re <= a) continue;
      if (rs > a) pieces.push({ start: a, end: rs, label: null });
      pieces.push({ start: Math.max(rs, a), end: re, label: regions.labels[i]! });
      a = re;
    }
    if (a < v.end) pieces.push({ start: a, end: v.end, label: null });

    for (const piece of pieces) {
      const label = piece.label;
      const size = piece.end - piece.start;
      // ── VSZ ──
      if (label === 'heap-arena') {
        if (v.prot === PROT_NONE) addVsz('vsz.heap.reserved', size);
        else {
          // Split below by span and page state, for the whole heap at once.
          heapMapped += size;
          vmaVsz.add('vsz.heap.mapped', size, false);
        }
      } else if (label !== null) {
        addVsz(`vsz.${label}.${v.prot === PROT_NONE ? 'reserved' : 'mapped'}`, size);
      } else addVsz(`vsz.${vmaKind(v, piece.start)}`, size);

      // ── RSS ──
      let classify: (addr: number, state: number, huge: boolean) => void;
      if (label === 'heap-arena') {
        let cur: MSpan | null = null;
        classify = (addr, state, huge) => {
          const f = heap.freeState(addr);
          // A lazily freed page Go has taken back without writing it: LazyFree in smaps all the same.
          if (state === PTE_LAZY && !(f.free && f.scav)) {
            addRss('heap.lazyfree-reused', PAGE_SIZE, huge);
            return;
          }
          if (f.free) {
            if (!f.scav) addRss('heap.free-retained', PAGE_SIZE, huge);
            else if (state === PTE_LAZY) addRss('heap.released-lazyfree', PAGE_SIZE, huge);
            else addRss('heap.released-thp', PAGE_SIZE, huge);
            return;
          }
          let s = cur;
          if (s === null || addr < s.startAddr || addr >= s.startAddr + s.npages * pageSize) {
            s = cur = rt.mheap.spanOf(addr);
          }
          if (s === null || addr < s.startAddr || addr >= s.startAddr + s.npages * pageSize || (s.state !== mSpanInUse && s.state !== mSpanManual)) {
            throw new Error(`explain: resident heap page 0x${addr.toString(16)} is allocated in the page allocator but in no span`);
          }
          if (s.state === mSpanManual) {
            addRss(heap.manualKind(s), PAGE_SIZE, huge);
            return;
          }
          const off = addr - s.startAddr;
          const { objects, bits } = splitSpanRange(s, off, off + PAGE_SIZE);
          addRss('heap.objects', objects, huge);
          addRss('heap.heap-bits', bits, huge);
          addRss('heap.span-free', PAGE_SIZE - objects - bits, huge);
        };
      } else if (label === 'persistentalloc') {
        classify = (addr, _state, huge) => {
          // Carvings overlapping [addr, addr + 4096), by binary search for the first ending after addr.
          let lo = 0;
          let hi = carved.addr.length;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (carved.end[mid]! <= addr) lo = mid + 1;
            else hi = mid;
          }
          let used = 0;
          for (let i = lo; i < carved.addr.length && carved.addr[i]! < addr + PAGE_SIZE; i++) {
            const n = Math.min(addr + PAGE_SIZE, carved.end[i]!) - Math.max(addr, carved.addr[i]!);
            if (n <= 0) continue;
            addRss(`meta.persistent.${carved.stat[i]!}`, n, huge);
            used += n;
          }
          addRss('meta.persistent.unused', PAGE_SIZE - used, huge);
        };
      } else if (label !== null) {
        const id = `meta.${label}`;
        classify = (_addr, _state, huge) => addRss(id, PAGE_SIZE, huge);
      } else {
        classify = (addr, state, huge) => addRss(vmaKindRss(v, addr, state), PAGE_SIZE, huge);
      }
      pt.forEachInRange(piece.start, piece.end, (t) => {
        const base = t.base;
        const huge = t.pmd === PMD_HUGE_ANON;
        const i0 = Math.max(0, Math.floor((piece.start - base) / PAGE_SIZE));
        const i1 = Math.min(512, Math.ceil((piece.end - base) / PAGE_SIZE));
        const st = t.states;
        for (let i = i0; i < i1; i++) {
          const s = st[i]!;
          if (!resident(s)) continue;
          pages++;
          classify(base + i * PAGE_SIZE, s, huge);
        }
      });
    }
    mappings.push({ start: v.start, end: v.end, name: v.name, rss: pages * PAGE_SIZE, rssLines: Object.fromEntries(vmaRss.bytes), vszLines: Object.fromEntries(vmaVsz.bytes) });
  }

  function vmaKind(v: Vma, addr: number): string {
    if (v.special === SPECIAL_STACK) return 'os.stack';
    if (v.special === SPECIAL_VDSO || v.special === SPECIAL_VVAR || v.special === SPECIAL_VVAR_VCLOCK) return 'os.vdso';
    if (v.special !== SPECIAL_NONE) return 'os.vdso';
    const f = v.file;
    if (f !== undefined && exeFile !== undefined && f === exeFile) {
      if (v.prot & PROT_EXEC) return 'binary.text';
      if (v.prot & PROT_WRITE) return 'binary.data';
      return 'binary.rodata';
    }
    if (f !== undefined) return `file:${f.path}`;
    if (addr >= bssStart && addr < bssEnd) return 'binary.bss';
    return v.name === '' ? 'anon.program' : `anon:${v.name}`;
  }
  function vmaKindRss(v: Vma, addr: number, state: number): string {
    const k = vmaKind(v, addr);
    if (k === 'binary.data' && (state === PTE_ANON || state === PTE_LAZY)) return 'binary.data-written';
    return k;
  }

  // ── the heap, walked whole (resident or not): totals for VSZ and the cross-checks ──
  let inUseSpanBytes = 0;
  let allocated = 0;
  let stackSpanBytes = 0;
  let workbufSpanBytes = 0;
  let ptrScalarSpanBytes = 0;
  for (const s of rt.mheap.allspans) {
    if (s.state === mSpanInUse) {
      inUseSpanBytes += s.npages * pageSize;
      allocated += allocatedSlotBytes(s);
    } else if (s.state === mSpanManual) {
      const k = heap.manualKind(s);
      if (k === 'stacks') stackSpanBytes += s.npages * pageSize;
      else if (k === 'gc.workbufs') workbufSpanBytes += s.npages * pageSize;
      else ptrScalarSpanBytes += s.npages * pageSize;
    }
  }
  let freeBytes = 0;
  let releasedBytes = 0;
  const pages = rt.mheap.pages;
  for (let ci = pages.start; ci < pages.end; ci++) {
    if (!pages.hasChunk(ci)) continue;
    const w = pages.chunkWords(ci);
    const o = pages.chunkOffset(ci);
    for (let k = 0; k < pallocDataWords / 2; k++) {
      const alloc = w[o + k]!;
      const scav = w[o + scavengedOffset + k]!;
      freeBytes += popcount(~alloc & ~scav) * pageSize;
      releasedBytes += popcount(~alloc & scav) * pageSize;
    }
  }
  for (const pp of rt.allp) {
    const c = pp.pcache;
    freeBytes += (popcount(c.cacheLo & ~c.scavLo) + popcount(c.cacheHi & ~c.scavHi)) * pageSize;
    releasedBytes += (popcount(c.cacheLo & c.scavLo) + popcount(c.cacheHi & c.scavHi)) * pageSize;
  }
  const mappedSplit = inUseSpanBytes + stackSpanBytes + workbufSpanBytes + ptrScalarSpanBytes + freeBytes + releasedBytes;
  if (mappedSplit !== heapMapped) {
    throw new Error(`explain: the mapped heap is ${heapMapped} bytes, but spans and free pages add up to ${mappedSplit}`);
  }
  vsz.add('vsz.heap.inuse', inUseSpanBytes, false);
  vsz.add('vsz.heap.stacks', stackSpanBytes, false);
  vsz.add('vsz.heap.gc-spans', workbufSpanBytes + ptrScalarSpanBytes, false);
  vsz.add('vsz.heap.free', freeBytes, false);
  vsz.add('vsz.heap.released', releasedBytes, false);

  const ms = memStatsAsTheyStand(rt);

  const rssOf = (prefix: string): number => {
    let n = 0;
    for (const [k, b] of rss.bytes) if (k.startsWith(prefix)) n += b;
    return n;
  };
  const order = Object.keys(RSS_SPECS);
  const rank = (id: string): number => {
    const i = order.indexOf(id);
    if (i >= 0) return i;
    if (id.startsWith('meta.')) return order.indexOf('meta.persistent.unused') + 0.5;
    return order.length;
  };
  const rssLines: ExplainLine[] = [...rss.bytes.entries()]
    .sort((x, y) => rank(x[0]) - rank(y[0]) || (x[0] < y[0] ? -1 : 1))
    .map(([id, bytes]) => {
      const spec = specOf(id);
      const huge = rss.huge.get(id) ?? 0;
      return { id, what: spec.what, bytes, change: spec.change(bytes), ...(huge > 0 ? { hugeBytes: huge } : {}) };
    });
  const vszOrder = Object.keys(VSZ_WHAT);
  const vrank = (id: string): number => {
    const i = vszOrder.indexOf(id);
    return i >= 0 ? i : vszOrder.length;
  };
  const vszLines: ExplainLine[] = [...vsz.bytes.entries()]
    .sort((x, y) => vrank(x[0]) - vrank(y[0]) || (x[0] < y[0] ? -1 : 1))
    .map(([id, bytes]) => ({ id, what: vszWhat(id), bytes, change: vszChange(id, bytes, rssOf) }));

  const notes = [
    'Every resident 4 KiB page (PTE anon, lazyfree, file, file-dirty) is counted once; zero-page and pfn mappings are mapped but not in VmRSS, as in Linux.',
    'Heap pages are split by bytes: allocated slots (objects live or not yet swept), the pointer bitmap at a small scan span\'s end, and the rest of the span (free slots, tail).',
    'THP: a huge page makes all 512 pages of its region resident. Pages the runtime had released (or never used) that are resident so count as THP rounding; untouched pages inside in-use spans or runtime metadata filled by a huge page stay in their own line (hugeBytes says how much of a line is in huge pages).',
    "Thread stacks: a Go binary without cgo runs its Ms on g0 and signal stacks allocated from stack spans, so they are in the stacks line; only m0's g0 uses the OS [stack].",
  ];

  return {
    program: p.program.name,
    checkpoint,
    vmRss: proc.vmRss,
    vmSize: proc.vmSize,
    rss: rssLines,
    vsz: vszLines,
    mappings,
    check: {
      memstats: {
        HeapAlloc: ms.HeapAlloc,
        HeapInuse: ms.HeapInuse,
        HeapIdle: ms.HeapIdle,
        HeapReleased: ms.HeapReleased,
        HeapSys: ms.HeapSys,
        StackInuse: ms.StackInuse,
        MSpanInuse: ms.MSpanInuse,
        MSpanSys: ms.MSpanSys,
        MCacheSys: ms.MCacheSys,
        GCSys: ms.GCSys,
        OtherSys: ms.OtherSys,
        BuckHashSys: ms.BuckHashSys,
        Sys: ms.Sys,
      },
      inWorkBufs: rt.memstats.heapStats.inWorkBufs,
      inPtrScalarBits: rt.memstats.heapStats.inPtrScalarBits,
      gcMiscSys: rt.memstats.gcMiscSys.bytes,
      heap: {
        inUseSpanBytes,
        allocatedSlotBytes: allocated,
        stackSpanBytes,
        workbufSpanBytes,
        ptrScalarSpanBytes,
        freeBytes,
        releasedBytes,
        mappedBytes: heapMapped,
      },
    },
    notes,
  };
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

// ── text ──────────────────────────────────────────────────────────────

const num = (n: number): string => n.toLocaleString('en-US');

function table(title: string, total: number, lines: readonly ExplainLine[]): string[] {
  const out = [`${title} ${num(total)} bytes (${num(Math.floor(total / 1024))} kB)`];
  const w = Math.max(...lines.map((l) => num(l.bytes).length), 5);
  for (const l of lines) {
    const pct = total === 0 ? 0 : (100 * l.bytes) / total;
    const huge = l.hugeBytes !== undefined ? ` [${num(l.hugeBytes)} in huge pages]` : '';
    out.push(`  ${num(l.bytes).padStart(w)}  ${pct.toFixed(1).padStart(5)}%  ${l.what}${huge}`);
    if (l.change !== '') out.push(`  ${''.padStart(w)}          → ${l.change}`);
  }
  const sum = lines.reduce((s, l) => s + l.bytes, 0);
  out.push(`  ${num(sum).padStart(w)}  total (${sum === total ? 'equals' : 'DIFFERS FROM'} the kernel's figure)`);
  return out;
}

/** The report as a readable table. */
export function formatExplain(r: ExplainReport): string {
  const out: string[] = [];
  out.push(`${r.program} at checkpoint ${r.checkpoint}`);
  out.push('');
  out.push(...table('VmRSS', r.vmRss, r.rss));
  out.push('');
  out.push(...table('VmSize', r.vmSize, r.vsz));
  return out.join('\n') + '\n';
}

/** What explainAt returns: the report at the checkpoint, or why there is none. */
export interface ExplainRun {
  report: ExplainReport | null;
  checkpoints: string[];
  result: RunResult;
  stderr: string;
}

/** Runs the program to the first checkpoint named `at` and explains RSS and VSZ there. */
export function explainAt(program: Program, runOpts: RunOptions, at: string): ExplainRun {
  let report: ExplainReport | null = null;
  const r = runToCheckpoint(program, runOpts, at, (_json, p) => {
    report = explain(p, at);
  });
  return { report, checkpoints: r.checkpoints, result: r.result, stderr: r.stderr };
}
