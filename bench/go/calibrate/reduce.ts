// From benchmark samples to the model's constants (src/sim/costs.json
// "costs"), for bench/calibrate.ts. Each constant is either read straight
// off one benchmark (the median over its usable samples, see usableSamples
// in results.ts) or derived from several (a fit, a difference), computed
// from their medians. Also checks the model against measurements it was
// not given. Pure: no I/O.

import { CostModel, NOSCAN_SIZES, SCAN_SIZES } from '../../../src/sim/cost.ts';
import { cacheWays } from '../../../src/sim/cache.ts';
import { fitCache } from './cachefit.ts';
import { leastSquares, median, primaryValue, roundSig, spread, usableSamples, type Quietness, type Sample, type Series } from './results.ts';

export interface Cost {
  ns: number;
  unit: string;
  source: string;
  note: string;
  /** (max − min) / median over the samples used; for a derived constant, the largest spread among its inputs. */
  spread: number;
}

/** A measurement that is not a model constant, against what the model predicts for it. */
export interface Check {
  what: string;
  measuredNs: number;
  modelNs: number;
  /** model / measured − 1. */
  error: number;
}

export interface ReduceOptions extends Quietness {
  /** Quiet samples wanted per benchmark. */
  want: number;
}

type Metric = string | ((s: Sample) => number);

/** The chosen samples of every benchmark, and medians over them. */
export class View {
  constructor(
    readonly series: ReadonlyMap<string, Series>,
    private readonly opts: ReduceOptions,
  ) {}

  has(name: string): boolean {
    return this.series.has(name);
  }

  /** Indexes of the samples used for `name`, judged by `metric` (its primary value by default). */
  used(name: string, metric: Metric = primaryValue): number[] {
    return usableSamples(this.samples(name), this.all(name, metric), this.opts, this.opts.want);
  }

  values(name: string, metric: Metric): number[] {
    const all = this.all(name, metric);
    return this.used(name, metric).map((i) => all[i]!);
  }

  private samples(name: string): Sample[] {
    const s = this.series.get(name);
    if (!s || s.samples.length === 0) throw new Error(`calibrate: no samples of ${name}`);
    return s.samples;
  }

  /** `metric` of every sample of `name`. */
  private all(name: string, metric: Metric): number[] {
    return this.samples(name).map((smp) => {
      const v = typeof metric === 'string' ? smp.values[metric] : metric(smp);
      if (v === undefined || !Number.isFinite(v)) throw new Error(`calibrate: ${name} has no "${String(metric)}"`);
      return v;
    });
  }

  value(name: string, metric: Metric): number {
    return median(this.values(name, metric));
  }

  spread(name: string, metric: Metric): number {
    return spread(this.values(name, metric));
  }
}

/** GC mark CPU of a cycle with time spent descheduled removed (the runtime measures its workers in wall time). */
const markCPU = (s: Sample) => s.values['mark-ns']! * Math.min(1, s.values['cpu/wall']!);
const cpu = 'cpu-ns/op';

export function reduce(view: View): { costs: Record<string, Cost>; warnings: string[]; checks: Check[] } {
  const warnings: string[] = [];
  const costs: Record<string, Cost> = {};

  const store = (key: string, ns: number, spr: number, unit: string, source: string, note: string) => {
    let v = roundSig(ns);
    if (!(v >= 0)) {
      // A small cost lost in the noise of the costs subtracted to get it.
      warnings.push(`${key}: ${v} ns is not ≥ 0; stored as 0`);
      v = 0;
    }
    costs[key] = { ns: v, unit, source, note, spread: roundSig(spr, 2) };
  };
  /** A constant read off one benchmark. */
  const direct = (key: string, name: string, metric: Metric, unit: string, note: string) =>
    store(key, view.value(name, metric), view.spread(name, metric), unit, `Benchmark${name}`, note);
  /** The largest spread among the inputs of a derived constant. */
  const spreadOf = (...inputs: [string, Metric][]) => Math.max(...inputs.map(([n, m]) => view.spread(n, m)));

  // mallocgc: exactly one allocation per op, or the benchmark measured something else.
  for (const [name, s] of view.series) {
    if (!name.startsWith('Malloc')) continue;
    const bad = s.samples.map((x) => x.values['allocs/op']).filter((a) => a !== 1);
    if (bad.length > 0) warnings.push(`${name}: allocs/op ${bad.join(',')}, expected 1`);
  }
  direct('malloc.tiny', 'MallocSteady/tiny8', cpu, 'ns per op',
    'new(uint64): 8-byte noscan through the tiny allocator (half the ops start a new 16-byte block); steady-state heap (span reuse after GC, GC outside the timed part)');
  for (const n of NOSCAN_SIZES) {
    direct(`malloc.noscan.${n}`, `MallocSteady/noscan${n}`, cpu, 'ns per op',
      `new([${n}]byte): small noscan, size class ${n}; steady state, so the reused slot is zeroed (memclr of ${n} bytes, L3-warm) inside the op`);
  }
  const headerClass: Record<number, number> = { 1024: 1152, 2048: 2304, 4096: 4864, 8192: 9472 };
  for (const n of SCAN_SIZES) {
    direct(`malloc.scan.${n}`, `MallocSteady/scan${n}`, cpu, 'ns per op',
      `new([${n / 8}]*byte): small scan` +
        (n > 512 ? ` with an 8-byte malloc header (size class ${headerClass[n]})` : `, heap bits in the span (size class ${n})`) +
        '; steady state, zeroing of the reused slot and heapSetType included');
  }
  direct('malloc.large.5', 'MallocFresh/large40k', cpu, 'ns per op',
    'new([40960]byte): 5-page large span from a heap that only grows (GOGC=off, one process, no reuse): span allocation alone, no zeroing, memory untouched; heap growth (sysMap of new arenas) amortised');
  direct('malloc.large.128', 'MallocFresh/large1m', cpu, 'ns per op', 'new([1<<20]byte): 128-page large span, as malloc.large.5');

  for (const [name, how, n] of [
    ['MemclrWarm/8KiB', 'L3-warm (chunks of an 8 MiB buffer)', 8192],
    ['MemclrWarm/40KiB', 'L3-warm (chunks of an 8 MiB buffer)', 40960],
    ['MemclrWarm/1MiB', 'L3-warm (chunks of an 8 MiB buffer)', 1 << 20],
    ['MemclrHot/16MiB', 'one 16 MiB buffer again and again: L3-resident', 16 << 20],
    ['MemclrHot/64MiB', '64 MiB, beyond the L3: non-temporal stores (memclr_amd64.s, ≥ 32 MiB)', 64 << 20],
  ] as const) {
    direct(`zeroing.${n}`, name, cpu, `ns per call of ${n} bytes`, `memclrNoHeapPointers of resident memory, ${how}`);
  }

  direct('fault.page4k', 'PageFault/4KiB', cpu, 'ns per 4 KiB page',
    'first write to a never-touched anonymous page (fault, allocate, zero, map), one byte per page of a fresh 64 MiB mapping');
  const huge = view.values('PageFault/2MiB', 'huge-%');
  if (huge.some((h) => h < 90)) warnings.push(`PageFault/2MiB: only ${huge.join(',')}% became huge pages`);
  direct('fault.page2m', 'PageFault/2MiB', cpu, 'ns per 2 MiB huge page',
    `first write per 2 MiB of a MADV_HUGEPAGE mapping (THP madvise mode): one huge-page fault, allocating and zeroing 2 MiB; ${median(huge)}% of the region became AnonHugePages`);

  // A checkpoint: a line through its two resident-set sizes (smaps walks the page tables).
  {
    const small = 'Checkpoint/ballast=0MiB';
    const big = 'Checkpoint/ballast=128MiB';
    const [r0, r1] = [view.value(small, 'rss-MiB'), view.value(big, 'rss-MiB')];
    const perMiB = (view.value(big, cpu) - view.value(small, cpu)) / (r1 - r0);
    const spr = spreadOf([small, cpu], [big, cpu]);
    const src = `Benchmark${small} and ${big}`;
    store('checkpoint.base', view.value(small, cpu) - r0 * perMiB, spr, 'ns per checkpoint', src,
      'the reality helper\'s checkpoint.Mark (ReadMemStats, runtime/metrics.Read, /proc/self/status and smaps read and summarised, the line written) with nothing resident: the intercept of the line through both');
    store('checkpoint.perMiB', perMiB, spr, 'ns per MiB of VmRSS', src, 'per MiB resident: smaps walks the page tables of every mapping; slope of the same line');
  }

  reduceGC(view, direct, store, spreadOf, warnings);

  direct('sched.goroutineCreate', 'GoroutineCreate', cpu, 'ns per goroutine',
    'go f() with f doing one wg.Done(), run to completion: newproc, one schedule, goexit, gfput (g reused)');
  direct('sched.chanBuffered', 'ChanBuffered', cpu, 'ns per send+receive pair', 'send then receive on a buffered channel in one goroutine: no blocking, no switch');
  direct('sched.chanHandoff', 'ChanHandoff', cpu, 'ns per send+receive pair',
    'unbuffered channel between two goroutines at GOMAXPROCS=1: the pair includes about one goroutine switch');
  direct('sched.gosched', 'Gosched', cpu, 'ns per call', 'runtime.Gosched() with nothing else runnable');
  direct('sched.switch', 'GoschedPingPong', 'cpu-ns/switch', 'ns per switch', 'two goroutines alternating through runtime.Gosched(): one switch each call');
  direct('sched.wakeIdleP', 'WakeIdleP', 'wake-ns', 'ns of wall time per wake-up',
    'a goroutine made runnable by a running one while the other P\'s M sleeps (GOMAXPROCS=2, that P idle for 3 ms first), until that P runs it: wakep, the futex wake of the M, its steal (median of the ops)');
  for (const [label, d] of [['0s', 0], ['1µs', 1e3], ['100µs', 1e5], ['1ms', 1e6], ['10ms', 1e7]] as const) {
    const used = d === 0 || d === 1e6 || d === 1e7;
    direct(`sleep.idle.${d}`, `Sleep/${label}`, 'ns/op', 'ns of wall time per call',
      `time.Sleep(${label}) in a process with nothing else to run: total wall time of the call (the idle M waits in netpoll with a timeout in whole milliseconds, so shorter sleeps take about 1 ms)` +
        (used ? '' : '; a check, not read by the model (sleepIdle uses the 1 ms case for every d ≤ 1 ms)'));
  }

  direct('syscall.mmap', 'Syscall/mmap/64KiB', cpu, 'ns per call', 'sysAlloc: mmap(nil, 64 KiB, RW, PRIVATE|ANON)');
  direct('syscall.mmapReserve', 'Syscall/mmapReserve/64MiB', cpu, 'ns per call', 'sysReserve: mmap(nil, 64 MiB, PROT_NONE)');
  direct('syscall.mmapFixed', 'Syscall/mmapFixed/4MiB', cpu, 'ns per call', 'sysMap: mmap(FIXED, 4 MiB, RW) inside a PROT_NONE reservation (splits the VMA)');
  direct('syscall.munmap', 'Syscall/munmap/64KiB', cpu, 'ns per call', 'munmap of 64 KiB never touched');
  direct('syscall.madviseDontneed', 'Syscall/madviseDontneed/64KiB', cpu, 'ns per call', 'sysUnused: MADV_DONTNEED of 64 KiB never touched');
  direct('syscall.madviseHugepage', 'Syscall/madviseHuge/4MiB', cpu, 'ns per call', 'sysHugePage/sysNoHugePage: MADV_(NO)HUGEPAGE on 4 MiB, splitting or merging VMAs');
  for (const name of ['munmapResident', 'madviseDontneedResident']) {
    // Two sizes with every page resident: a line, per call + per page.
    const a = `Syscall/${name}/64KiB`;
    const b = `Syscall/${name}/2MiB`;
    const perPage = (view.value(b, cpu) - view.value(a, cpu)) / (512 - 16);
    const spr = spreadOf([a, cpu], [b, cpu]);
    const src = `Benchmark${a} and ${b}`;
    store(`syscall.${name}.call`, view.value(a, cpu) - 16 * perPage, spr, 'ns per call', src,
      'fixed part of the call when pages are resident (includes the TLB flush), from the line through the 64 KiB (16 pages) and 2 MiB (512 pages) cases');
    store(`syscall.${name}.page`, perPage, spr, 'ns per resident 4 KiB page', src, 'per resident page freed: slope of the same line');
  }

  // The model interpolates these tables and flattens any dip; say so here.
  const rising = (keys: string[]) => {
    for (let i = 1; i < keys.length; i++) {
      const [lo, hi] = [costs[keys[i - 1]!]!.ns, costs[keys[i]!]!.ns];
      if (hi < lo) warnings.push(`${keys[i]} (${hi} ns) is below ${keys[i - 1]} (${lo} ns): noise? cost.ts will flatten it`);
    }
  };
  rising(NOSCAN_SIZES.map((n) => `malloc.noscan.${n}`));
  rising(SCAN_SIZES.map((n) => `malloc.scan.${n}`));
  rising(['malloc.large.5', 'malloc.large.128']);
  rising([8192, 40960, 1 << 20, 16 << 20, 64 << 20].map((n) => `zeroing.${n}`));
  return { costs, warnings, checks: checkModel(view, costs) };
}

type Direct = (key: string, name: string, metric: Metric, unit: string, note: string) => void;
type Store = (key: string, ns: number, spread: number, unit: string, source: string, note: string) => void;
type SpreadOf = (...inputs: [string, Metric][]) => number;

function reduceGC(view: View, direct: Direct, store: Store, spreadOf: SpreadOf, warnings: string[]): void {
  direct('gc.mark.cycle', 'GCEmpty', markCPU, 'ns per cycle',
    'mark CPU of a cycle over an almost empty heap: roots (globals, a few stacks), worker start-up and termination');
  const empty = view.value('GCEmpty', markCPU);

  // Per object and per pointer word: mark − cycle = N·(object + W·word) over
  // the sequential graphs (slot 0 greys the next object, the other slots hit
  // marked objects), fitted on the per-object cost so every case weighs the
  // same: (mark − cycle)/N = object + word·W.
  const seq = [...view.series.keys()]
    .map((n) => /^GCMark\/seq\/n=(\d+)\/w=(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], n: Number(m[1]), w: Number(m[2]) }))
    .filter((c) => c.w <= 32); // w=128 (malloc header) is kept as a check
  const [object, word] = leastSquares(
    seq.map((c) => [1, c.w]),
    seq.map((c) => (view.value(c.name, markCPU) - empty) / c.n),
  ) as [number, number];
  const fitSpread = spreadOf(['GCEmpty', markCPU], ...seq.map((c) => [c.name, markCPU] as [string, Metric]));
  const fitSrc = 'fit over BenchmarkGCMark/seq/* and BenchmarkGCEmpty';
  store('gc.mark.object', object, fitSpread, 'ns per object', fitSrc,
    'greying, queueing and scanning one object, beyond its pointer words: least-squares fit of (mark CPU − gc.mark.cycle)/N = object + word·W over N = 25k–400k objects of W = 1–32 pointer words (allocation-order graph)');
  store('gc.mark.pointerWord', word, fitSpread, 'ns per pointer word', fitSrc,
    'one non-nil pointer word scanned: findObject + mark-bit test (target already marked, in cache); see gc.mark.randomFactor for cache-missing targets');
  const n = 100_000;
  const nilName = 'GCMark/nil/n=100000/w=16';
  store('gc.mark.nilWord', (view.value(nilName, markCPU) - empty - n * (object + word)) / (15 * n), spreadOf([nilName, markCPU]),
    'ns per nil pointer word', `Benchmark${nilName}`, 'a pointer-typed word holding nil: loaded, tested, skipped');
  const noscanName = 'GCMark/noscan/n=100000/w=2';
  store('gc.mark.noscanObject', (view.value(noscanName, markCPU) - empty - n * (object + 2 * word)) / n, spreadOf([noscanName, markCPU]),
    'ns per object', `Benchmark${noscanName}`,
    'extra cost when a pointer word greys a pointer-free object (marked, counted, never queued or scanned), beyond gc.mark.pointerWord');
  const rndName = 'GCMark/random/n=100000/w=16';
  store('gc.mark.randomFactor', (view.value(rndName, markCPU) - empty - n * object) / (16 * n * word), spreadOf([rndName, markCPU]), 'ratio', `Benchmark${rndName}`,
    'pointer-word cost when targets are scattered over a 12.8 MB graph (cache misses), as a multiple of gc.mark.pointerWord; the model prices such misses with its cache model instead (mem.cacheBytes, mem.lineMiss)');
  // The cache model: its size and miss cost, from what the random graphs
  // cost beyond the sequential ones (cachefit.ts).
  const rnd4 = 'GCMark/random/n=100000/w=4';
  const extra = (rnd: string, sq: string) => (view.value(rnd, markCPU) - view.value(sq, markCPU)) / n;
  const fit = fitCache(extra(rnd4, 'GCMark/seq/n=100000/w=4'), extra(rndName, 'GCMark/seq/n=100000/w=16'));
  const fitInputs: [string, Metric][] = [[rnd4, markCPU], [rndName, markCPU], ['GCMark/seq/n=100000/w=4', markCPU], ['GCMark/seq/n=100000/w=16', markCPU]];
  store('mem.cacheBytes', fit.cacheBytes, spreadOf(...fitInputs), 'bytes', 'fit over BenchmarkGCMark/random/* against BenchmarkGCMark/seq/*',
    `size of the per-P cache model (src/sim/cache.ts, ${cacheWays}-way, 128-byte sectors): the size at which the model's misses price the 3.2 MB and the 12.8 MB random graphs alike`);
  store('mem.lineMiss', fit.missNs, spreadOf(...fitInputs), 'ns per miss', 'fit over BenchmarkGCMark/random/* against BenchmarkGCMark/seq/*',
    'one miss of the cache model (a 128-byte sector not cached nor prefetched): the 12.8 MB random graph\'s extra mark CPU per object over the model\'s extra misses per object');
  // Span records out of cache: live pointer-free buffers one per far-apart
  // span, against the same buffers in consecutive spans (whose records the
  // model's record cache streams): every buffer of the gap case misses it.
  const spansDense = 'GCMarkSpans/n=30000/gap=0';
  const spansGap = 'GCMarkSpans/n=30000/gap=16';
  store('gc.mark.spanMiss', (view.value(spansGap, markCPU) - view.value(spansDense, markCPU)) / 30_000, spreadOf([spansDense, markCPU], [spansGap, markCPU]),
    'ns per miss', `Benchmark${spansGap} against gap=0`,
    'reaching a span\'s mspan record (and its mark bits) out of the core\'s cache, for each pointer greyed into a span whose record the marking P\'s record cache (src/sim/cache.ts, sequential prefetch) neither holds nor streams: 4 KiB pointer-free buffers kept one per 8.5 spans, against the same buffers in consecutive spans, per buffer');
  const w128 = view.value('GCMark/seq/n=100000/w=128', markCPU);
  const err128 = (empty + n * (object + 128 * word)) / w128 - 1;
  if (Math.abs(err128) > 0.3) warnings.push(`mark fit predicts the 1 KiB (malloc-header) objects ${(err128 * 100).toFixed(0)}% off`);

  // Stack scan: 100 goroutines × depth {0,100,400} × frame {small,big}.
  // Per byte: slope of mark CPU over the bytes scanned; per goroutine: what
  // the depth-0 cases cost beyond the empty cycle and their bytes.
  const stk = [...view.series.keys()].filter((k) => k.startsWith('GCStackScan/'));
  const stkB = (k: string) => view.value(k, 'scan-stack-B');
  const perByte = leastSquares(
    stk.map((k) => [1, stkB(k)]),
    stk.map((k) => view.value(k, markCPU)),
  )[1]!;
  const stkSpread = spreadOf(...stk.map((k) => [k, markCPU] as [string, Metric]));
  store('gc.stack.byte', perByte, stkSpread, 'ns per byte of stack', 'fit over BenchmarkGCStackScan/*',
    "scanning goroutine stacks, per byte in use (hi − sp, the runtime's /gc/scan/stack:bytes): frame walk + pointer slots; frames of 4 and 64 pointer slots give about the same rate");
  const g = 100;
  const depth0 = ['GCStackScan/g=100/depth=0/frame=small', 'GCStackScan/g=100/depth=0/frame=big'];
  const perG = depth0.map((k) => (view.value(k, markCPU) - empty - perByte * (stkB(k) - view.value('GCEmpty', 'scan-stack-B'))) / g);
  store('gc.stack.goroutine', (perG[0]! + perG[1]!) / 2, spreadOf(['GCEmpty', markCPU], ...depth0.map((k) => [k, markCPU] as [string, Metric])), 'ns per goroutine',
    'BenchmarkGCStackScan/g=100/depth=0/* vs BenchmarkGCEmpty', 'fixed cost of scanning one parked goroutine (suspend, unwinder set-up), beyond its bytes');

  // Sweep per span (the Go side already subtracted the clean-heap baseline).
  direct('gc.sweep.spanFreed', 'GCSweep/dead/64B', 'sweep-b-ns/span', 'ns per span',
    'sweeping a small-object span in which every object died: freed to the heap (8192 spans of 128 × 64 B)');
  direct('gc.sweep.spanPartial', 'GCSweep/sparse/64B', 'sweep-b-ns/span', 'ns per span', 'sweeping a span where 127 of 128 objects died: bits swapped, span kept (needzero set)');
  direct('gc.sweep.spanUnchanged', 'GCSweep/sparse/64B', 'sweep-c-ns/span', 'ns per span', 'sweeping a span where nothing died since the last cycle');
  direct('gc.sweep.largeSpanFreed', 'GCSweep/dead/64KiB', 'sweep-b-ns/span', 'ns per span', 'sweeping a dead 8-page large object: span freed to the heap');

  // STW pauses from gctrace (calibrate.ts adds each run's medians to the sample).
  for (const p of [1, 2]) {
    for (const [kind, name, how] of [
      ['', `GCNatural@p${p}`, 'cycles started by allocation (GOGC=100, ~1 MiB live heap)'],
      ['forced.', `GCSmallHeap@p${p}`, 'cycles forced by runtime.GC() in a program doing nothing else (~1 MiB live heap)'],
    ] as const) {
      direct(`gc.stw.${kind}sweepTermination.p${p}`, name, 'gctrace-sweepterm-ns', 'ns per cycle',
        `first "clock" number of GODEBUG=gctrace=1 (sweep termination STW) at GOMAXPROCS=${p}: median over the ${how} of a run (gctrace prints µs steps)`);
      direct(`gc.stw.${kind}markTermination.p${p}`, name, 'gctrace-markterm-ns', 'ns per cycle',
        `third "clock" number of gctrace (mark termination STW) at GOMAXPROCS=${p}, ${how}`);
    }
  }
}

/**
 * How well the model's interpolations and compositions predict measurements
 * it was not given: small sizes between the measured ones, large
 * allocations as span + zeroing, 1 KiB objects with a malloc header in the
 * mark, sub-millisecond sleeps.
 */
function checkModel(view: View, costs: Record<string, Cost>): Check[] {
  const m = new CostModel({ costs: Object.fromEntries(Object.entries(costs).map(([k, c]) => [k, c.ns])) });
  const out: Check[] = [];
  const check = (what: string, measured: number, model: number) =>
    out.push({ what, measuredNs: roundSig(measured), modelNs: roundSig(model), error: roundSig(model / measured - 1, 2) });
  for (const [name, size, noscan] of [
    ['noscan128', 128, true],
    ['noscan2048', 2048, true],
    ['scan128', 128, false],
    ['scan2048', 2048, false],
  ] as const) {
    if (!view.has(`MallocSteady/${name}`)) continue;
    check(`mallocSmall(${size}, ${noscan ? 'noscan' : 'scan'}) vs BenchmarkMallocSteady/${name}`, view.value(`MallocSteady/${name}`, cpu), m.mallocSmall(size, noscan));
  }
  check('mallocLarge(5) + zeroing(40960) vs BenchmarkMallocSteady/large40k (reused span, delayed zeroing)', view.value('MallocSteady/large40k', cpu), m.mallocLarge(5) + m.zeroing(40960));
  check('mallocLarge(128) + zeroing(1 MiB) vs BenchmarkMallocSteady/large1m', view.value('MallocSteady/large1m', cpu), m.mallocLarge(128) + m.zeroing(1 << 20));
  check('mallocLarge(5) + zeroing(40960) vs BenchmarkMallocSteady/scanlarge40k (scan: delayed zeroing too)', view.value('MallocSteady/scanlarge40k', cpu), m.mallocLarge(5) + m.zeroing(40960));
  const n = 100_000;
  check('markCycle + N·(markObject + 128·markPointerWord) vs BenchmarkGCMark/seq/n=100000/w=128 (1 KiB objects with malloc headers)',
    view.value('GCMark/seq/n=100000/w=128', markCPU), m.markCycle() + n * (m.markObject() + 128 * m.markPointerWord()));
  check('markCycle + N·(markObject + 16·markPointerWord) vs BenchmarkGCMark/random/n=100000/w=16 (scattered targets, before the misses of the cache model, which mem.cacheBytes and mem.lineMiss are fitted to price)',
    view.value('GCMark/random/n=100000/w=16', markCPU), m.markCycle() + n * (m.markObject() + 16 * m.markPointerWord()));
  for (const [label, d] of [['1µs', 1e3], ['100µs', 1e5]] as const) {
    check(`sleepIdle(${label}) vs BenchmarkSleep/${label}`, view.value(`Sleep/${label}`, 'ns/op'), m.sleepIdle(d));
  }
  return out;
}
