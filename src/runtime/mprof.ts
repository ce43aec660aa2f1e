// Heap profiling (mprof.go, and malloc.go's sampling): mallocgc samples an
// allocation about once per MemProfileRate bytes, at exponentially
// distributed intervals (nextSample, fastexprand); a sampled object gets a
// profile special record pointing at the bucket of its call stack and size,
// and the sweep that frees it counts the free in that bucket.
//
// Counts go into one of three future cycles and become visible (active) only
// when a GC cycle is complete, so that a profile shows the heap as of the
// last mark, not the garbage allocated since (mProf_Malloc writes to cycle
// C+2, mProf_Free to C+1; mark termination moves C on and flushes C's
// counts into active; runtime.GC's end flushes C+1 after its sweep).
// Buckets are per distinct stack and size, not per object: a Map of them is
// Go's buckhash. Special records are kept by span id, as for finalizers.

import { FixAlloc } from './mfixalloc.ts';
import type { MCache } from './mcache.ts';
import type { MSpan } from './mspan.ts';
import type { Runtime } from './runtime.ts';

/** runtime.MemProfileRate's default: one sample per 512 KiB allocated, on average. */
export const defaultMemProfileRate = 512 * 1024;
/** Entries of the bucket hash table (buckHashSize), 8 bytes each, sysAlloc'd at the first sample. */
const buckHashSize = 179999;
/** unsafe.Sizeof(bucket{}): next, allnext, typ, hash, size, nstk. */
const bucketHeaderSize = 48;
/** unsafe.Sizeof(memRecord{}): active and three future memRecordCycles of four words. */
const memRecordSize = 128;
/** unsafe.Sizeof(specialprofile{}): the special header (next, offset, kind) and the bucket pointer. */
export const specialProfileSize = 24;
/** mProfCycleWrap: the cycle counter wraps at a multiple of the three future slots. */
const mProfCycleWrap = 3 * (2 << 24);

/**
 * fastlog2Table (fastlog2table.go): log2(1 + i/32) for i = 0..32, as Go's
 * generator computed them (numeric facts; reproduced, not recomputed, so
 * that the interpolation below gives Go's exact values).
 */
const fastlog2Table = [
  0, 0.0443941193584535, 0.08746284125033943, 0.12928301694496647, 0.16992500144231248, 0.2094533656289499, 0.24792751344358555,
  0.28540221886224837, 0.3219280948873623, 0.3575520046180837, 0.39231742277876036, 0.4262647547020979, 0.4594316186372973,
  0.4918530963296748, 0.5235619560570128, 0.5545888516776374, 0.5849625007211563, 0.6147098441152082, 0.6438561897747247,
  0.6724253419714956, 0.7004397181410922, 0.7279204545631992, 0.7548875021634686, 0.7813597135246596, 0.8073549220576042,
  0.8328900141647417, 0.8579809951275721, 0.8826430493618412, 0.9068905956085185, 0.9307373375628862, 0.9541963103868752,
  0.9772799234999164, 1,
];

/**
 * fastlog2(q) for an integer 1 ≤ q ≤ 2^26: the exponent plus the table's
 * value interpolated over the next 20 bits of the mantissa. Go reads those
 * bits from the float64; for an integer they are exact integer arithmetic.
 */
export function fastlog2Int(q: number): number {
  const e = 31 - Math.clz32(q); // q < 2^27 fits in 32 bits
  const frac = (q - 2 ** e) * 2 ** (25 - e); // the mantissa's top 25 bits, exactly
  const index = Math.floor(frac / 2 ** 20);
  const scale = frac % 2 ** 20;
  const low = fastlog2Table[index]!;
  const high = fastlog2Table[index + 1]!;
  return e + low + ((high - low) * scale) / 2 ** 20;
}

/**
 * fastexprand(mean): a sample of the exponential distribution with that
 * mean, from 26 random bits (`bits` is a uniform uint32; cheaprandn(1<<26)
 * takes its top 26).
 */
export function fastexprand(mean: number, bits: number): number {
  if (mean > 0x7000000) mean = 0x7000000;
  else if (mean === 0) return 0;
  const q = (bits >>> 6) + 1;
  let qlog = fastlog2Int(q) - 26;
  if (qlog > 0) qlog = 0;
  return Math.trunc(qlog * (-0.6931471805599453 * mean)) + 1;
}

/** One frame of a recorded call stack, innermost first. */
export interface ProfFrame {
  readonly fn: string;
  readonly file: string;
  readonly line: number;
  /** Inlined into the next (outer) frame: pprof shows both in one location. */
  readonly inline?: boolean;
}

/** Where the runtime's own frames are in Go 1.23.5 as Debian installs it (this project's real Go). */
const goroot = '/usr/lib/go-1.23/src/runtime/';

/**
 * runtime.main's frame below main.main. The traceback stops there:
 * runtime.goexit, below it, marks the top of the stack.
 */
export const runtimeMain: ProfFrame = { fn: 'runtime.main', file: `${goroot}proc.go`, line: 272 };

/** A new goroutine's g (newproc → systemstack → newproc1 → malg), as callers() sees it from g0. */
export const malgStack: ProfFrame[] = [
  { fn: 'runtime.malg', file: `${goroot}proc.go`, line: 4957 },
  { fn: 'runtime.newproc1', file: `${goroot}proc.go`, line: 5002 },
  { fn: 'runtime.newproc.func1', file: `${goroot}proc.go`, line: 4979 },
  { fn: 'runtime.systemstack', file: `${goroot}asm_amd64.s`, line: 514 },
];

/** gcStart's gcBgMarkStartWorkers, on the goroutine whose allocation (mallocgc) started the cycle: where each `go gcBgMarkWorker(ready)` closure is allocated. */
export const startWorkersFrames: ProfFrame[] = [
  { fn: 'runtime.gcBgMarkStartWorkers', file: `${goroot}mgc.go`, line: 1328 },
  { fn: 'runtime.gcStart', file: `${goroot}mgc.go`, line: 697 },
  { fn: 'runtime.mallocgc', file: `${goroot}malloc.go`, line: 1304 },
];
/** Its `ready` channel (makechan of a zero-size element). */
export const startWorkersChanFrames: ProfFrame[] = [
  { fn: 'runtime.makechan', file: `${goroot}chan.go`, line: 97 },
  { ...startWorkersFrames[0]!, line: 1323 },
  ...startWorkersFrames.slice(1),
];

/** A mark worker's node, allocated by the worker goroutine itself when it first runs. */
export const gcBgMarkWorkerStack: ProfFrame[] = [{ fn: 'runtime.gcBgMarkWorker', file: `${goroot}mgc.go`, line: 1384 }];

/** memRecordCycle: allocs, frees, alloc_bytes, free_bytes. */
type Cycle = [number, number, number, number];

const newCycle = (): Cycle => [0, 0, 0, 0];

function addCycle(a: Cycle, b: Cycle): void {
  a[0] += b[0];
  a[1] += b[1];
  a[2] += b[2];
  a[3] += b[3];
}

/** A memProfile bucket: one call stack and allocation size, with its counts. */
export interface Bucket {
  readonly stack: readonly ProfFrame[];
  readonly size: number;
  readonly active: Cycle;
  readonly future: [Cycle, Cycle, Cycle];
}

/** runtime.MemProfileRecord as pprof reads it. */
export interface MemProfileRecord {
  allocBytes: number;
  freeBytes: number;
  allocObjects: number;
  freeObjects: number;
  stack: readonly ProfFrame[];
}

/** A profile special: the sampled object's offset in its span and its bucket. */
interface ProfileSpecial {
  off: number;
  bucket: Bucket;
  rec: number;
}

export class MemProfile {
  /** mProfCycle: the cycle number (the flushed bit is kept apart). */
  private cycle = 0;
  private flushed = false;
  /** mbuckets, in creation order (Go walks allnext from the newest; the order pprof writes does not change the profile). */
  private readonly buckets: Bucket[] = [];
  private readonly byKey = new Map<string, Bucket>();
  /** Profile specials by span id (Go: span.specials). */
  private readonly bySpan: (ProfileSpecial[] | undefined)[] = [];
  private specialAlloc: FixAlloc | null = null;
  private buckhash = 0;

  /**
   * The running goroutine's call stack for a sample, innermost first
   * (installed by the program layer, which knows the program's frames).
   */
  stackOf: () => ProfFrame[] = () => [];
  /** The stack of an allocation not made on the running goroutine's stack (withStack), else null. */
  private fixedStack: ProfFrame[] | null = null;
  /** A uniform uint32 for nextSample (the program layer's seeded generator). */
  randomBits: () => number = () => 0;

  constructor(private readonly rt: Runtime) {}

  /**
   * Runs an allocation whose stack is not the running goroutine's: one the
   * runtime makes on the system stack (g0, where callers() does not cross
   * back to the goroutine's stack), or on a goroutine gomem does not run
   * as one. A sample there records `stack` and nothing of the program's.
   */
  withStack<R>(stack: ProfFrame[], alloc: () => R): R {
    const saved = this.fixedStack;
    this.fixedStack = stack;
    try {
      return alloc();
    } finally {
      this.fixedStack = saved;
    }
  }

  /**
   * Runs an allocation the runtime makes on the running goroutine's stack,
   * below the program's frames: a sample records `frames` (innermost
   * first) on top of the goroutine's stack.
   */
  withFrames<R>(frames: ProfFrame[], alloc: () => R): R {
    return this.withStack([...frames, ...(this.fixedStack ?? this.stackOf())], alloc);
  }

  /** nextSample: bytes until the next sample at the current MemProfileRate. */
  nextSample(): number {
    const rate = this.rt.memProfileRate;
    if (rate === 1) return 0;
    if (rate === 0) return 0;
    return fastexprand(rate, this.randomBits());
  }

  /** mallocgc's tail: count fullSize (the slot) against c.nextSample; sample when it runs out. */
  sampleMalloc(c: MCache, x: number, span: MSpan): void {
    const rate = this.rt.memProfileRate;
    const fullSize = span.elemsize;
    if (rate !== 1 && fullSize < c.nextSample) {
      c.nextSample -= fullSize;
      return;
    }
    // profilealloc
    c.nextSample = this.nextSample();
    this.malloc(span, x, fullSize);
  }

  /** mProf_Malloc: count the allocation in its bucket's C+2 cycle and attach a profile special. */
  private malloc(s: MSpan, x: number, size: number): void {
    const b = this.bucketFor(this.fixedStack ?? this.stackOf(), size);
    const c = b.future[(this.cycle + 2) % 3]!;
    c[0]++;
    c[2] += size;
    // setprofilebucket: the special hangs off the object's slot in its span.
    this.specialAlloc ??= new FixAlloc(specialProfileSize, this.rt.memstats.other_sys, this.rt.persistent);
    const rec = this.specialAlloc.alloc(this.rt.curP?.palloc ?? null);
    const off = s.nelems === 1 ? 0 : s.divideByElemSize(x - s.startAddr) * s.elemsize;
    let list = this.bySpan[s.id];
    if (list === undefined) list = this.bySpan[s.id] = [];
    list.push({ off, bucket: b, rec });
  }

  /** stkbucket: the bucket of this stack and size, made (with the hash table at first) when new. */
  private bucketFor(stack: ProfFrame[], size: number): Bucket {
    let key = String(size);
    for (const f of stack) key += `\u0000${f.fn}\u0000${f.file}\u0000${f.line}${f.inline === true ? '+' : ''}`;
    let b = this.byKey.get(key);
    if (b !== undefined) return b;
    if (this.buckhash === 0) this.buckhash = this.rt.sys.sysAlloc(buckHashSize * 8, this.rt.memstats.buckhash_sys, 'profile-buckets');
    // newBucket: persistentalloc of the header, the stack's PCs and the
    // memRecord. The PCs are the frames shown (an inlined call shares its
    // caller's PC), the runtime's allocation entry point (makeslice,
    // newobject: pprof hides it) and, on a goroutine's stack, runtime.goexit
    // at the bottom (pprof drops it); a g0 stack ends at systemstack.
    // (Real Go, blahdo's one bucket: BuckHashSys +1,440,200 = the table + 48 + 4·8 + 128.)
    const onG0 = stack.length > 0 && stack[stack.length - 1]!.fn === 'runtime.systemstack';
    const pcs = stack.filter((f) => f.inline !== true).length + 1 + (onG0 ? 0 : 1);
    this.rt.persistent.alloc(bucketHeaderSize + pcs * 8 + memRecordSize, 0, this.rt.memstats.buckhash_sys, null);
    b = { stack, size, active: newCycle(), future: [newCycle(), newCycle(), newCycle()] };
    this.byKey.set(key, b);
    this.buckets.push(b);
    return b;
  }

  /**
   * The sweep's part (after finalizers: an object a finalizer keeps is
   * marked by then, so it keeps its record too): each sampled object left
   * unmarked is freed, counted in its bucket's C+1 cycle (mProf_Free).
   */
  sweepSpecials(s: MSpan): void {
    const list = this.bySpan[s.id];
    if (list === undefined) return;
    let kept = 0;
    for (const sp of list) {
      const idx = s.nelems === 1 ? 0 : s.divideByElemSize(sp.off);
      if (s.isMarked(idx)) {
        list[kept++] = sp;
        continue;
      }
      const c = sp.bucket.future[(this.cycle + 1) % 3]!;
      c[1]++;
      c[3] += s.elemsize;
      this.specialAlloc!.free(sp.rec);
    }
    list.length = kept;
    if (kept === 0) this.bySpan[s.id] = undefined;
  }

  /** mProf_NextCycle: mark termination ends profiling cycle C (before the world restarts). */
  nextCycle(): void {
    this.cycle = (this.cycle + 1) % mProfCycleWrap;
    this.flushed = false;
  }

  /** mProf_Flush: once per cycle, fold cycle C's counts into active. */
  flush(): void {
    if (this.flushed) return;
    this.flushed = true;
    this.flushIndex(this.cycle % 3);
  }

  /** mProf_PostSweep: runtime.GC's sweep is done, so C+1's frees are all in: publish them. */
  postSweep(): void {
    this.flushIndex((this.cycle + 1) % 3);
  }

  private flushIndex(i: number): void {
    for (const b of this.buckets) {
      const f = b.future[i]!;
      addCycle(b.active, f);
      f.fill(0);
    }
  }

  /**
   * memProfileInternal: the records pprof writes (inuseZero: also the
   * buckets with nothing in use). Before any cycle has published counts,
   * everything recorded so far is published at once.
   */
  records(inuseZero: boolean): MemProfileRecord[] {
    this.flushIndex(this.cycle % 3);
    if (this.buckets.every((b) => b.active[0] === 0 && b.active[1] === 0)) {
      for (const b of this.buckets) for (const f of b.future) {
        addCycle(b.active, f);
        f.fill(0);
      }
    }
    const out: MemProfileRecord[] = [];
    for (const b of this.buckets) {
      const a = b.active;
      if (!inuseZero && a[2] === a[3]) continue;
      out.push({ allocObjects: a[0], freeObjects: a[1], allocBytes: a[2], freeBytes: a[3], stack: b.stack });
    }
    return out;
  }
}
