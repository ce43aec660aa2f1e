// The fast mode's calibration: one short exact run of the workload (every
// object, every span) at GOGC=100 with no limit, read through its trace,
// gives the coefficients the cycle-level model (fast_model.ts) cannot
// derive from the workload file alone because they come out of the
// allocator and the collector as gomem models them: how much heapLive a
// byte of allocation adds (size classes, whole spans in mcaches), how much
// of the marked heap is scan work, mark CPU per byte of it, how the Ps
// split a mark phase, the pauses, the spans' fragmentation and the memory
// the runtime maps beside the heap. The settings a sweep varies (GOGC,
// GOMEMLIMIT, the container) act in the fast model through the runtime's
// own pacer and limiter; what is measured here does not depend on them.

import type { RunOptions } from '../go/process.ts';
import { GcControllerState, gcTriggerHeap, maxInt64 } from '../runtime/mgcpacer.ts';
import type { TraceHeader, TraceRecord } from '../trace/reader.ts';
import { TraceReplay } from '../trace/replay.ts';
import { osPageSize } from '../trace/format.ts';
import { Scatter } from './fast_scatter.ts';
import { runStreamed } from './run_streamed.ts';
import type { Workload } from './workload.ts';
import { workloadProgram } from './workload_program.ts';
import { Timeline } from './workload_timeline.ts';

export const calibrationFormat = 'gomem-fast-calibration/2';

/** A calibration run that saw too few cycles to fit: the user can give it longer. */
export class CalibrationError extends Error {}

/** What the exact run measured: every field a figure of that run or a fit over its cycles. */
export interface Calibration {
  format: typeof calibrationFormat;
  gomaxprocs: number;
  seed: number | null;
  /** Virtual time the calibration run lasted, and its completed cycles. */
  runNs: number;
  cycles: number;
  /** heapLive added per byte the workload allocates: size classes and the spans mcaches hold. */
  heapLivePerByte: number;
  /** Marked bytes per byte of the long-lived set, and the bytes requests in flight hold per byte/s of allocation (ns). */
  markedPerLive: number;
  inflightNs: number;
  /** The mean request's service time in the calibration phase (ns): what inflightNs scales with. */
  requestNs: number;
  /** Heap scan work per marked (survivor) byte, and per cycle besides; stack and globals scan work per cycle. */
  scanPerMarked: number;
  scanBase: number;
  stackScan: number;
  globalsScan: number;
  /** Mark CPU (assists and all workers) per byte of scan work, and per cycle besides, ns. */
  markNsPerScan: number;
  markNsBase: number;
  /** What the mark's misses on replaced cache entries cost against the cost model's figure (fast_scatter.ts; 1 unless the run could tell). */
  scatterScale: number;
  /** Mutator CPU per byte allocated besides the workload's own CPU (mallocgc, zeroing, writes), ns. */
  mutatorNsPerByte: number;
  /** Dedicated and fractional workers' CPU over what their utilization goal gives (1: exactly 25%). */
  backgroundShare: number;
  /** The two stop-the-world pauses of a cycle (sweep termination, mark termination), mean and longest single, ns. */
  sweepTermPauseNs: number;
  markTermPauseNs: number;
  maxPauseNs: number;
  /** Of the bytes a sweep frees, the share left as free slots in spans still in use (not whole spans returned): HeapInuse stays up until allocation refills them. */
  sweptKeep: number;
  /** HeapInuse per byte of heapLive at mark termination (spans' free slots). */
  inuseFactor: number;
  /** Resident memory besides the heap's pages (stacks, metadata, the binary): base + perHeap × the heap's resident bytes. */
  nonHeapBase: number;
  nonHeapPerHeap: number;
  /** The part of it that is file-backed (the binary's pages), which Go's mappedReady does not count. */
  fileRss: number;
  /** The cgroup's charge over RSS (page tables, the page cache of the binary beyond its mapping). */
  chargeOverRss: number;
}

/** One cycle as the calibration run's trace shows it. */
interface CycleObs {
  tSweepTerm: number;
  tMark: number;
  tMarkTerm: number;
  tEnd: number;
  done: Extract<TraceRecord, { kind: 'gcDone' }> | null;
  /** Memory at mark termination's end: HeapInuse, resident heap (HeapSys − HeapReleased), RSS, file RSS, charge. */
  inuse: number;
  /** The least HeapInuse between this cycle's end and the next one's start: after its sweep. */
  afterSweep: number;
  retained: number;
  rss: number;
  file: number;
  charge: number;
  /** Cumulative GC CPU at the end of the cycle before (to take this cycle's share). */
}

/** Folds the calibration run's records into cycles. */
class CalibrationReader {
  readonly replay = new TraceReplay();
  readonly cycles: CycleObs[] = [];
  private cur: CycleObs | null = null;
  /** The last cycle that ended, until the next starts: its sweep's frees. */
  private ended: CycleObs | null = null;
  readonly gomaxprocs: number;

  constructor(header: TraceHeader) {
    this.gomaxprocs = header.gomaxprocs ?? 1;
  }

  push(records: readonly TraceRecord[]): void {
    for (const rec of records) this.apply(rec);
  }

  private apply(rec: TraceRecord): void {
    const r = this.replay;
    r.apply(rec);
    if (rec.kind === 'gcPhase') {
      if (rec.phase === 'sweepterm') {
        this.cur = { tSweepTerm: rec.t, tMark: rec.t, tMarkTerm: rec.t, tEnd: rec.t, done: null, inuse: 0, afterSweep: Infinity, retained: 0, rss: 0, file: 0, charge: 0 };
      } else if (this.cur !== null) {
        if (rec.phase === 'mark') this.cur.tMark = rec.t;
        else if (rec.phase === 'marktermination') this.cur.tMarkTerm = rec.t;
        else {
          this.cur.tEnd = rec.t;
          if (this.cur.done !== null) this.cycles.push(this.cur);
          this.ended = this.cur.done !== null ? this.cur : null;
          this.cur = null;
        }
      }
    } else if (rec.kind === 'spanFree' && this.cur === null && this.ended !== null) {
      this.ended.afterSweep = Math.min(this.ended.afterSweep, r.memStats().HeapInuse);
    } else if (rec.kind === 'gcDone' && this.cur !== null) {
      const ms = r.memStats();
      this.cur.done = rec;
      this.cur.inuse = ms.HeapInuse;
      this.cur.retained = ms.HeapSys - ms.HeapReleased;
      this.cur.rss = (r.anon + r.file + r.shmem) * osPageSize;
      this.cur.file = r.file * osPageSize;
      this.cur.charge = r.charge * osPageSize;
    }
  }
}

/** Least squares y = a + b·x; with too little spread in x, b is `slope` and a the mean of y − b·x. */
export function fitLine(xs: readonly number[], ys: readonly number[], slope: number): { a: number; b: number } {
  const n = xs.length;
  if (n === 0) return { a: 0, b: slope };
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
  }
  // Less than a 10% spread around the mean: the slope would be noise.
  if (n < 3 || Math.sqrt(sxx / n) < 0.1 * Math.abs(mx)) return { a: my - slope * mx, b: slope };
  const b = sxy / sxx;
  return { a: my - b * mx, b };
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** Cycles before this many are the start-up's (a heap of a few MiB, the first goals): left out of the fits. */
const skipCycles = 2;

/**
 * How long the calibration runs unless told: long enough for about a dozen
 * cycles at GOGC=100 (a cycle comes every live heap's worth of allocation,
 * 4 MiB at least), at least 10 s and at most 60 s of virtual time.
 */
export function calibrationNs(w: Workload): number {
  const p = w.phases[0]!;
  const mid = Math.min(p.durationNs, 10e9) / 2;
  const live = p.liveStart + ((p.liveEnd - p.liveStart) * mid) / p.durationNs;
  const perCycle = p.allocRate > 0 ? (Math.max(4 << 20, live) / p.allocRate) * 1e9 : Infinity;
  return Math.min(60e9, Math.max(10e9, Math.ceil((12 * perCycle) / 1e9) * 1e9));
}

/** Runs the workload exactly for `runNs` at `gomaxprocs` and fits the fast model's coefficients. */
export function calibrate(w: Workload, opts: { gomaxprocs: number; seed: number | null; runNs: number }): Calibration {
  const env = { GOGC: '100', GOMAXPROCS: String(opts.gomaxprocs) };
  const options = { duration: `${opts.runNs}ns` };
  const runOpts: RunOptions = { env, options, stdout: () => {}, stderr: () => {} };
  if (opts.seed !== null) runOpts.seed = opts.seed;
  const settings = opts.seed !== null ? { env, options, seed: opts.seed } : { env, options };
  const reader = runStreamed(workloadProgram(w), runOpts, settings, (h) => new CalibrationReader(h));
  if (reader === null) throw new Error('fast mode: the calibration run was killed before it started');
  return fit(w, reader, opts);
}

function fit(w: Workload, reader: CalibrationReader, opts: { gomaxprocs: number; seed: number | null; runNs: number }): Calibration {
  const all = reader.cycles;
  const P = reader.gomaxprocs;
  // main starts within a millisecond of the process: the workload's time zero is the run's.
  const line = new Timeline(w.phases, 0, opts.runNs);
  // A first phase that starts with a live set has it built by the first request, on top of the rate
  // (docs/workloads.md): the cycles until it is marked, and the one after, saw that build, not the workload's rates.
  const built = w.phases[0]!.liveStart;
  let skip = skipCycles;
  if (built > 0) {
    const i = all.findIndex((c) => c.done!.heap2 >= 0.95 * built);
    skip = Math.max(skip, i < 0 ? all.length : i + 2);
  }
  if (all.length < skip + 3) {
    throw new CalibrationError(`--calibrate: the calibration run completed ${all.length} GC cycles in ${opts.runNs / 1e9} s, ${Math.max(0, all.length - skip)} past the start; it needs 3 (a longer --calibrate)`);
  }
  const cs = all.slice(skip);
  const prev = (i: number) => all[skip + i - 1]!;

  // heapLive growth between one cycle's end and the next's mark termination, against the workload's bytes then.
  const grown: number[] = [];
  const bytes: number[] = [];
  cs.forEach((c, i) => {
    const p = prev(i);
    grown.push(c.done!.heap1 - p.done!.heap2);
    bytes.push(line.integral(p.tEnd, c.tMarkTerm, (ph) => ph.allocRate));
  });
  const heapLivePerByte = sum(grown) / Math.max(1, sum(bytes));

  // Survivors: marked bytes less what was allocated black during the mark; against the long-lived set then.
  const survivors = cs.map((c) => c.done!.heap2 - (c.done!.heap1 - c.done!.heap0));
  const lives = cs.map((c) => line.liveAt(c.tMark));
  const rates = cs.map((c) => w.phases[line.index(c.tMark)]!.allocRate);
  // The request-held part scales with the allocation rate: fit survivors − kL·live = inflightNs × rate.
  const surv = fitLine(lives, survivors, 1);
  const meanRate = sum(rates) / rates.length;
  const inflightNs = meanRate > 0 ? (Math.max(0, surv.a) / meanRate) * 1e9 : 0;

  const heapScan = cs.map((c) => c.done!.heapScan);
  const scan = fitLine(survivors, heapScan, sum(heapScan) / Math.max(1, sum(survivors)));
  const stackScan = sum(cs.map((c) => c.done!.stackScan)) / cs.length;
  const globalsScan = cs[cs.length - 1]!.done!.globalsScan;

  // Mark CPU per cycle (all workers and assists; pauses apart) against its scan work.
  const markCpu: number[] = [];
  const work: number[] = [];
  const markDur: number[] = [];
  const background: number[] = [];
  // What replaced cache entries cost the mark by the cost model (fast_scatter.ts), which the fast model adds as turnover builds it up.
  const scatter = new Scatter(w, line);
  const scattered: number[] = [];
  cs.forEach((c, i) => {
    const d = c.done!;
    const p = prev(i).done!;
    markCpu.push(d.cpuAssist - p.cpuAssist + d.cpuDedicated - p.cpuDedicated + d.cpuFractional - p.cpuFractional + d.cpuIdle - p.cpuIdle);
    scattered.push(scatter.extraMarkNs(c.tMark));
    background.push(d.cpuDedicated - p.cpuDedicated + d.cpuFractional - p.cpuFractional);
    work.push(d.heapScan + d.stackScan + d.globalsScan);
    markDur.push(c.tMarkTerm - c.tMark);
  });
  const { perScan, base, scatterScale } = fitMark(work, markCpu, scattered);
  const { dedicated, fractional } = workerGoal(P);
  const backgroundShare = sum(background) / Math.max(1, sum(markDur) * (dedicated + fractional * P));

  // While marking, the Ps not running goroutines or the 25% run idle workers: what the mark did not get was the mutator's.
  const rho = sum(markCpu) / Math.max(1, sum(markDur));
  const phase = w.phases[line.index(cs[cs.length - 1]!.tMark)]!;
  const mutatorCpus = Math.max(0, P - rho);
  const own = (phase.requestRate * phase.cpuPerRequestNs) / 1e9;
  const mutatorNsPerByte = phase.allocRate > 0 ? (Math.max(0, mutatorCpus - own) * 1e9) / phase.allocRate : 0;
  const requestNs = phase.cpuPerRequestNs + (phase.requestRate > 0 ? (phase.allocRate / phase.requestRate) * mutatorNsPerByte : 0);

  const sweepTerm = cs.map((c) => c.tMark - c.tSweepTerm);
  const markTerm = cs.map((c) => c.tEnd - c.tMarkTerm);

  const inuseFactor = sum(cs.map((c) => c.inuse)) / Math.max(1, sum(cs.map((c) => c.done!.heap1)));
  // What the sweep left in use of what it freed: (HeapInuse after it − the marked heap's) over (mark end's − marked's).
  const swept = cs.filter((c) => Number.isFinite(c.afterSweep) && c.done!.heap1 > c.done!.heap2);
  const sweptKeep =
    swept.length === 0
      ? 0
      : Math.min(1, Math.max(0, sum(swept.map((c) => c.afterSweep / inuseFactor - c.done!.heap2)) / sum(swept.map((c) => c.done!.heap1 - c.done!.heap2))));
  const nonHeap = fitLine(
    cs.map((c) => c.retained),
    cs.map((c) => c.rss - c.retained),
    0,
  );
  const last = cs[cs.length - 1]!;
  const chargeOverRss = sum(cs.map((c) => c.charge - c.rss)) / cs.length;

  return {
    format: calibrationFormat,
    gomaxprocs: P,
    seed: opts.seed,
    runNs: opts.runNs,
    cycles: all.length,
    heapLivePerByte,
    markedPerLive: surv.b,
    inflightNs,
    requestNs,
    scanPerMarked: scan.b,
    scanBase: scan.a,
    stackScan,
    globalsScan,
    markNsPerScan: perScan,
    markNsBase: base,
    scatterScale,
    mutatorNsPerByte,
    backgroundShare,
    sweepTermPauseNs: sum(sweepTerm) / sweepTerm.length,
    markTermPauseNs: sum(markTerm) / markTerm.length,
    maxPauseNs: Math.max(...sweepTerm, ...markTerm),
    inuseFactor,
    sweptKeep,
    nonHeapBase: nonHeap.a,
    nonHeapPerHeap: nonHeap.b,
    fileRss: last.file,
    chargeOverRss,
  };
}

/**
 * Mark CPU per cycle = perScan × scan work + base + scatterScale × the
 * replaced entries' misses by the cost model. With the scan work spread
 * over the run (a growing heap), the misses are taken as the cost model
 * gives them and the rest fitted to the work; with the work flat (a steady
 * set) and the misses growing (turnover), the misses' scale is fitted and
 * the rest is per byte of the work.
 */
export function fitMark(work: readonly number[], cpu: readonly number[], scattered: readonly number[]): { perScan: number; base: number; scatterScale: number } {
  const meanWork = sum(work) / work.length;
  const spread = Math.sqrt(sum(work.map((x) => (x - meanWork) ** 2)) / work.length);
  const meanScatter = sum(scattered) / scattered.length;
  if (spread < 0.1 * meanWork && meanScatter > 0.1 * (sum(cpu) / cpu.length)) {
    const f = fitLine(scattered, cpu, 1);
    if (f.b > 0 && f.a > 0) return { perScan: f.a / meanWork, base: 0, scatterScale: f.b };
  }
  const rest = cpu.map((y, i) => Math.max(0, y - scattered[i]!));
  const f = fitLine(work, rest, sum(rest) / Math.max(1, sum(work)));
  return { perScan: f.b, base: Math.max(0, f.a), scatterScale: 1 };
}

/** The split of the 25% startCycle makes: dedicated workers, and the fractional goal per P. */
export function workerGoal(procs: number): { dedicated: number; fractional: number } {
  const c = new GcControllerState(() => 0);
  c.init(100, maxInt64);
  c.startCycle(0, procs, { kind: gcTriggerHeap });
  return { dedicated: c.dedicatedMarkWorkersNeeded, fractional: c.fractionalUtilizationGoal };
}
