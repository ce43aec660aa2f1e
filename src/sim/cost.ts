// The virtual-time cost model: how many nanoseconds of simulated time each
// piece of runtime and kernel work takes, calibrated against real Go 1.23 on
// this machine (bench/calibrate.ts runs bench/go/calibrate and writes
// costs.json). It mirrors no Go file; it stands in for the CPU that runs
// Go's mallocgc (malloc.go), memclrNoHeapPointers (memclr_amd64.s), the
// mark and sweep loops (mgcmark.go, mgcsweep.go), the scheduler (proc.go)
// and Linux's page-fault and mm syscall paths.
//
// How the simulator uses it:
//   1. The runtime/kernel layers call an accessor with what the work was
//      (an object's size, a page count, a span's sweep outcome …).
//   2. The accessor returns nanoseconds: a pure function of its inputs and
//      of the constants, never of the host clock, so runs are deterministic.
//   3. A ClockCharger adds them to the virtual Clock, carrying fractions of
//      a nanosecond so that long runs sum exactly (Clock.advance takes whole
//      nanoseconds).
//
// What it simplifies (docs/fidelity/costs.md has the measured sizes):
//   - One number per kind of work, measured with its data in cache (the
//     note in costs.json says which state), plus one price per miss of a
//     per-P cache model (cache.ts) for the touches that go beyond it: the
//     collector's scans and the program's small loads, stores and
//     allocations. No branch predictors, no TLB of its own.
//   - Costs between measured sizes are piecewise-linear interpolations;
//     beyond the largest measured size they extrapolate along the last
//     segment (or at the last per-byte rate).
//   - CPU work only: a simulated P does one thing at a time; contention
//     between Ps (locks, memory bandwidth) is not modelled.

import { cacheSectorBytes, cacheWays } from './cache.ts';
import costsFile from './costs.json' with { type: 'json' };

/** One constant as costs.json stores it. */
export interface CostEntry {
  /** Nanoseconds per `unit`. */
  ns: number;
  unit: string;
  /** The benchmark (bench/go/calibrate) or fit it came from. */
  source: string;
  note: string;
  /** Run-to-run spread over the samples used: (max − min) / median. */
  spread?: number;
}

/** The small-object sizes measured for mallocgc, by noscan / scan. */
export const NOSCAN_SIZES = [16, 64, 256, 1024, 4096, 8192, 32768] as const;
export const SCAN_SIZES = [16, 64, 256, 512, 1024, 4096, 8192] as const;
/** Large-object span sizes measured, in 8 KiB pages (40 KiB and 1 MiB). */
export const LARGE_PAGES = [5, 128] as const;
/** Block sizes measured for memclr (zeroing). */
export const ZEROING_BYTES = [8192, 40960, 1 << 20, 16 << 20, 64 << 20] as const;

/**
 * Every constant the accessors read. The model refuses a costs file without
 * one of them (and test/sim/cost.test.ts checks the checked-in file).
 */
export const COST_KEYS = [
  'malloc.tiny',
  ...NOSCAN_SIZES.map((s) => `malloc.noscan.${s}` as const),
  ...SCAN_SIZES.map((s) => `malloc.scan.${s}` as const),
  ...LARGE_PAGES.map((p) => `malloc.large.${p}` as const),
  ...ZEROING_BYTES.map((b) => `zeroing.${b}` as const),
  'fault.page4k',
  'fault.page2m',
  'checkpoint.base',
  'checkpoint.perMiB',
  'gc.mark.object',
  'gc.mark.pointerWord',
  'gc.mark.nilWord',
  'gc.mark.noscanObject',
  'gc.mark.spanMiss',
  'gc.mark.cycle',
  'mem.cacheBytes',
  'mem.lineMiss',
  'gc.stack.byte',
  'gc.stack.goroutine',
  'gc.sweep.spanFreed',
  'gc.sweep.spanPartial',
  'gc.sweep.spanUnchanged',
  'gc.sweep.largeSpanFreed',
  'gc.stw.sweepTermination.p1',
  'gc.stw.sweepTermination.p2',
  'gc.stw.markTermination.p1',
  'gc.stw.markTermination.p2',
  'gc.stw.forced.sweepTermination.p1',
  'gc.stw.forced.sweepTermination.p2',
  'gc.stw.forced.markTermination.p1',
  'gc.stw.forced.markTermination.p2',
  'sched.goroutineCreate',
  'sched.chanBuffered',
  'sched.chanHandoff',
  'sched.gosched',
  'sched.switch',
  'sched.wakeIdleP',
  'sleep.idle.0',
  'sleep.idle.1000000',
  'sleep.idle.10000000',
  'syscall.mmap',
  'syscall.mmapReserve',
  'syscall.mmapFixed',
  'syscall.munmap',
  'syscall.munmapResident.call',
  'syscall.munmapResident.page',
  'syscall.madviseDontneed',
  'syscall.madviseDontneedResident.call',
  'syscall.madviseDontneedResident.page',
  'syscall.madviseHugepage',
] as const;

export type CostKey = (typeof COST_KEYS)[number];

/** mallocgc's size boundaries (malloc.go): tiny below 16 bytes (noscan only); small up to maxSmallSize − mallocHeaderSize. */
const maxTinySize = 16;
const maxSmallSizeForMalloc = 32768 - 8;
const pageSize = 8192;

export type SweepOutcome = 'unchanged' | 'partial' | 'freed' | 'largeFreed';
export type StwPhase = 'sweepTermination' | 'markTermination';
export type MemSyscall = 'mmap' | 'mmapReserve' | 'mmapFixed' | 'munmap' | 'madviseDontneed' | 'madviseHugepage' | 'madviseNohugepage';

export interface CostModelOptions {
  /** A whole table of constants (ns by key) instead of costs.json; for tests. */
  costs?: Readonly<Record<string, number>>;
  /** Replace some constants (ns by key), e.g. to study a faster page fault. */
  overrides?: Readonly<Partial<Record<CostKey, number>>>;
}

/** Piecewise-linear table: xs strictly increasing, ys made non-decreasing. */
interface Table {
  xs: Float64Array;
  ys: Float64Array;
}

export class CostModel {
  private readonly c: Readonly<Record<CostKey, number>>;
  private readonly noscan: Table;
  private readonly scan: Table;
  private readonly zero: Table;
  private readonly largeBase: number;
  private readonly largePerPage: number;

  constructor(opts: CostModelOptions = {}) {
    const base = opts.costs ?? fileCosts();
    const c = {} as Record<CostKey, number>;
    for (const k of COST_KEYS) {
      const v = opts.overrides?.[k] ?? base[k];
      if (v === undefined) throw new Error(`cost model: constant "${k}" is missing (regenerate src/sim/costs.json: npm run bench -- calibrate)`);
      if (!Number.isFinite(v) || v < 0) throw new Error(`cost model: constant "${k}" is ${v}; expected a non-negative number of nanoseconds`);
      c[k] = v;
    }
    this.c = c;
    this.noscan = table(NOSCAN_SIZES, NOSCAN_SIZES.map((s) => c[`malloc.noscan.${s}`]));
    this.scan = table(SCAN_SIZES, SCAN_SIZES.map((s) => c[`malloc.scan.${s}`]));
    this.zero = table(ZEROING_BYTES, ZEROING_BYTES.map((b) => c[`zeroing.${b}`]));
    const [p0, p1] = LARGE_PAGES;
    const y0 = c[`malloc.large.${p0}`];
    const y1 = c[`malloc.large.${p1}`];
    // A line through the two measured spans; never decreasing with size.
    this.largePerPage = Math.max(0, (y1 - y0) / (p1 - p0));
    this.largeBase = y0 - this.largePerPage * p0;
  }

  /** A constant by key, in ns per its unit. */
  get(key: CostKey): number {
    return this.c[key];
  }

  // ── mallocgc (malloc.go) ──

  /**
   * One mallocgc call, dispatched as Go does: noscan below 16 bytes → tiny,
   * up to 32760 bytes → small size classes, above → a large span. Small and
   * tiny costs are steady-state costs: they include zeroing the reused slot.
   * Large costs are the span allocation only; callers add zeroing(bytes)
   * when the span needs zeroing (Go 1.23 zeroes every large object after
   * taking its span, in memclrNoHeapPointersChunked, scan or not).
   * Zero-size allocations cost nothing here.
   */
  malloc(size: number, noscan: boolean): number {
    if (size <= 0) return 0;
    if (noscan && size < maxTinySize) return this.mallocTiny();
    if (size <= maxSmallSizeForMalloc) return this.mallocSmall(size, noscan);
    return this.mallocLarge(Math.ceil(size / pageSize));
  }

  /** A tiny allocation (noscan, < 16 bytes), averaged over fitting into the current 16-byte block and starting a new one. */
  mallocTiny(): number {
    return this.c['malloc.tiny'];
  }

  /**
   * A small allocation of `size` requested bytes (≤ 32760), by interpolation
   * between the measured sizes (flat below the smallest; along the last
   * segment above the largest). Includes zeroing the slot (steady state).
   */
  mallocSmall(size: number, noscan: boolean): number {
    return interpolate(noscan ? this.noscan : this.scan, size);
  }

  /** Allocating a large span of `npages` 8 KiB pages (not zeroing it): a line through the 5- and 128-page measurements. */
  mallocLarge(npages: number): number {
    return this.largeBase + this.largePerPage * npages;
  }

  /**
   * memclrNoHeapPointers of `bytes` resident bytes, by interpolation between
   * measured block sizes (L3-warm up to 16 MiB; 64 MiB with non-temporal
   * stores); below 8 KiB and above 64 MiB, proportional to the bytes.
   */
  zeroing(bytes: number): number {
    if (bytes <= 0) return 0;
    const t = this.zero;
    const n = t.xs.length;
    if (bytes < t.xs[0]!) return (t.ys[0]! * bytes) / t.xs[0]!;
    if (bytes > t.xs[n - 1]!) return (t.ys[n - 1]! * bytes) / t.xs[n - 1]!;
    return interpolate(t, bytes);
  }

  // ── the kernel ──

  /**
   * One checkpoint of the reality helper (ReadMemStats, runtime/metrics.Read,
   * /proc/self/status and smaps read, the line written) in a process with
   * `rssBytes` resident: smaps walks the page tables, so it grows with RSS.
   */
  checkpoint(rssBytes: number): number {
    return this.c['checkpoint.base'] + (rssBytes / (1 << 20)) * this.c['checkpoint.perMiB'];
  }

  /**
   * First-touch page faults: `pages` faults on 4 KiB pages, or, if `huge`,
   * on 2 MiB transparent huge pages (each allocating and zeroing 2 MiB).
   */
  pageFault(pages: number, huge = false): number {
    return pages * (huge ? this.c['fault.page2m'] : this.c['fault.page4k']);
  }

  /**
   * One memory syscall as the Go runtime issues it (mem_linux.go). For munmap
   * and MADV_DONTNEED, `residentPages` 4 KiB pages that were resident are
   * freed: a fixed cost (with the TLB flush) plus a cost per page.
   */
  syscall(name: MemSyscall, residentPages = 0): number {
    switch (name) {
      case 'mmap':
        return this.c['syscall.mmap'];
      case 'mmapReserve':
        return this.c['syscall.mmapReserve'];
      case 'mmapFixed':
        return this.c['syscall.mmapFixed'];
      case 'madviseHugepage':
      case 'madviseNohugepage':
        return this.c['syscall.madviseHugepage'];
      case 'munmap':
        return this.freeing(this.c['syscall.munmap'], this.c['syscall.munmapResident.call'], this.c['syscall.munmapResident.page'], residentPages);
      case 'madviseDontneed':
        return this.freeing(
          this.c['syscall.madviseDontneed'],
          this.c['syscall.madviseDontneedResident.call'],
          this.c['syscall.madviseDontneedResident.page'],
          residentPages,
        );
    }
  }

  private freeing(untouched: number, call: number, perPage: number, pages: number): number {
    return pages <= 0 ? untouched : Math.max(untouched, call + perPage * pages);
  }

  // ── the garbage collector (mgcmark.go, mgcsweep.go, mgc.go) ──

  /** Greying, queueing and scanning one object, not counting its pointer words. */
  markObject(): number {
    return this.c['gc.mark.object'];
  }
  /** Scanning one non-nil pointer word: findObject and the mark-bit test. */
  markPointerWord(): number {
    return this.c['gc.mark.pointerWord'];
  }
  /** Scanning one pointer-typed word that holds nil. */
  markNilWord(): number {
    return this.c['gc.mark.nilWord'];
  }
  /** Extra cost when a pointer word greys a pointer-free object (marked, never scanned). */
  markNoscanObject(): number {
    return this.c['gc.mark.noscanObject'];
  }
  /** Reaching a span's mspan record that the marking P's record cache (src/sim/cache.ts, sequential prefetch) does not hold. */
  markSpanMiss(): number {
    return this.c['gc.mark.spanMiss'];
  }
  /** Bytes of each P's cache model (src/sim/cache.ts), a whole number of its sets. */
  cacheBytes(): number {
    const set = cacheWays * cacheSectorBytes;
    return Math.max(set, Math.floor(this.c['mem.cacheBytes'] / set) * set);
  }
  /** One miss of the cache model: a sector neither cached nor prefetched. */
  lineMiss(): number {
    return this.c['mem.lineMiss'];
  }
  /** Fixed mark work of one cycle (roots other than stacks, worker start-up). */
  markCycle(): number {
    return this.c['gc.mark.cycle'];
  }
  /** Scanning `n` bytes of goroutine stack (hi − sp). */
  scanStackBytes(n: number): number {
    return n * this.c['gc.stack.byte'];
  }
  /** Fixed cost of scanning one goroutine's stack, beyond its bytes. */
  scanStackGoroutine(): number {
    return this.c['gc.stack.goroutine'];
  }
  /** Sweeping one span, by what the sweep found. */
  sweepSpan(outcome: SweepOutcome = 'unchanged'): number {
    switch (outcome) {
      case 'unchanged':
        return this.c['gc.sweep.spanUnchanged'];
      case 'partial':
        return this.c['gc.sweep.spanPartial'];
      case 'freed':
        return this.c['gc.sweep.spanFreed'];
      case 'largeFreed':
        return this.c['gc.sweep.largeSpanFreed'];
    }
  }
  /**
   * One stop-the-world pause of a cycle over a small heap (gctrace's first or
   * third clock number) at `gomaxprocs` Ps, for a cycle started by
   * allocation or `forced` by runtime.GC() (which pauses much longer at 2 Ps:
   * the other P must be woken). Measured at 1 and 2 Ps; above 2,
   * extrapolated by the same increase per P (this machine has 2 CPUs).
   */
  stwPause(phase: StwPhase, gomaxprocs: number, forced = false): number {
    const k = forced ? 'forced.' : '';
    const p1 = this.c[`gc.stw.${k}${phase}.p1`];
    const p2 = this.c[`gc.stw.${k}${phase}.p2`];
    if (gomaxprocs <= 1) return p1;
    return p2 + Math.max(0, p2 - p1) * (gomaxprocs - 2);
  }

  // ── the scheduler (proc.go, chan.go, time.go) ──

  /** go f(): creating a goroutine, running it once and reusing its g at exit. */
  goroutineCreate(): number {
    return this.c['sched.goroutineCreate'];
  }
  /** A channel send+receive pair: buffered without blocking, or a handoff to a parked goroutine (with its switch). */
  chanOp(handoff = false): number {
    return handoff ? this.c['sched.chanHandoff'] : this.c['sched.chanBuffered'];
  }
  /** runtime.Gosched() with nothing else runnable. */
  gosched(): number {
    return this.c['sched.gosched'];
  }
  /** Switching from one goroutine to another on a P. */
  goroutineSwitch(): number {
    return this.c['sched.switch'];
  }
  /** Wall time from work made runnable to an idle P, whose M sleeps, running it (wakep → futex wake → steal). */
  wakeIdleP(): number {
    return this.c['sched.wakeIdleP'];
  }
  /**
   * Wall time of time.Sleep(d) in a process with nothing else to run: the
   * idle M waits in netpoll with a timeout in whole milliseconds, so any
   * sleep of 1 ms or less takes the measured 1 ms sleep; between 1 and 10 ms
   * interpolated; beyond, d plus the 10 ms case's overshoot.
   */
  sleepIdle(d: number): number {
    const s0 = this.c['sleep.idle.0'];
    const s1 = Math.max(s0, this.c['sleep.idle.1000000']);
    const s10 = Math.max(s1, this.c['sleep.idle.10000000']);
    if (d <= 0) return s0;
    if (d <= 1e6) return s1;
    if (d <= 1e7) return s1 + ((s10 - s1) * (d - 1e6)) / 9e6;
    return d + Math.max(0, s10 - 1e7);
  }
}

/** Adds costs to a Clock in whole nanoseconds, carrying the fractions. */
export class ClockCharger {
  private frac = 0;
  constructor(private readonly clock: { advance(ns: number): void }) {}

  charge(ns: number): void {
    const t = this.frac + ns;
    const whole = Math.floor(t);
    this.frac = t - whole;
    if (whole > 0) this.clock.advance(whole);
  }
}

/** Virtual-time charges for the runtime's work on the running goroutine's clock (Runtime.costs). */
export interface AllocCosts {
  malloc(size: number, noscan: boolean): void;
  zeroing(bytes: number): void;
  /** Misses of the running P's cache model (Runtime.touchMemory). */
  lineMisses(n: number): void;
  /** Pointers the write barrier buffered for the running goroutine (wbBufFlush greys them on its time). */
  barrierPointers(n: number): void;
  /** Span records the running goroutine's wbBufFlush reached outside its P's record cache. */
  spanMisses(n: number): void;
}

/** The runtime's charges (AllocCosts) on a clock. */
export function allocCharges(model: CostModel, charger: ClockCharger): AllocCosts {
  const miss = model.lineMiss();
  // wbBufFlush does for each buffered pointer what scanobject does for a
  // pointer word it finds (findObject, the mark bit, greyobject), so it is
  // priced as one: Go has no benchmark of the flush alone.
  const barrierPointer = model.markPointerWord();
  const spanMiss = model.markSpanMiss();
  // Loops allocate one type again and again: the price of the last size is
  // kept, since interpolating the table was a quarter of mallocgc's own
  // host time (a pure function of size and noscan, so the charges are the same).
  let lastSize = -1;
  let lastNoscan = false;
  let lastNs = 0;
  return {
    malloc: (size, noscan) => {
      if (size !== lastSize || noscan !== lastNoscan) {
        lastNs = model.malloc(size, noscan);
        lastSize = size;
        lastNoscan = noscan;
      }
      charger.charge(lastNs);
    },
    zeroing: (bytes) => charger.charge(model.zeroing(bytes)),
    lineMisses: (n) => charger.charge(n * miss),
    barrierPointers: (n) => charger.charge(n * barrierPointer),
    spanMisses: (n) => charger.charge(n * spanMiss),
  };
}

/** The checked-in constants, ns by key. */
function fileCosts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, e] of Object.entries(costsFile.costs as Record<string, CostEntry>)) out[k] = e.ns;
  return out;
}

/** The checked-in entries with their units, sources and notes (for docs and UIs). */
export function costEntries(): Readonly<Record<string, CostEntry>> {
  return costsFile.costs as Record<string, CostEntry>;
}

function table(xs: readonly number[], ys: readonly number[]): Table {
  const t = { xs: Float64Array.from(xs), ys: Float64Array.from(ys) };
  // Costs never fall as sizes grow: a noisy dip is flattened (the test on the
  // checked-in file makes sure none is there).
  for (let i = 1; i < t.ys.length; i++) if (t.ys[i]! < t.ys[i - 1]!) t.ys[i] = t.ys[i - 1]!;
  return t;
}

/** Piecewise-linear: flat below xs[0], along the last segment above the end. */
function interpolate(t: Table, x: number): number {
  const { xs, ys } = t;
  const n = xs.length;
  if (x <= xs[0]!) return ys[0]!;
  let i = 1;
  while (i < n - 1 && x > xs[i]!) i++;
  if (x === xs[i]) return ys[i]!; // measured points exactly, without rounding
  const x0 = xs[i - 1]!;
  const y0 = ys[i - 1]!;
  return y0 + ((ys[i]! - y0) * (x - x0)) / (xs[i]! - x0);
}
