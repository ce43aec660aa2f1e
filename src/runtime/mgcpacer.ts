// The GC pacer (Go 1.23 runtime/mgcpacer.go, gcControllerState): the heap
// accounting the allocator feeds (heapLive, heapScan, heapInUse, heapFree,
// heapReleased, totalAlloc, totalFree), the heap goal and trigger derived
// from GOGC and GOMEMLIMIT, and the per-cycle controller the collector
// drives: startCycle (mark workers, idle-worker limit), revise (the assist
// ratio), endCycle (the cons/mark estimate), resetLive and commit.
//
// Units: sizes and scan work are bytes, times are nanoseconds of virtual
// time, utilisations are fractions of GOMAXPROCS. Quantities Go keeps in
// uint64/int64 are float64 integers here, exact below 2^53. The default
// memory limit (2^63−1) and the "GOGC=off" goal (2^64−1) exceed that; they
// only ever take part in comparisons and in float arithmetic that Go also
// does in float64, so the model decides the same way; MemStats.NextGC is
// reported exactly through heapGoalExact(), in BigInt.
//
// Float→integer conversions follow Go on amd64 (truncation; out-of-range
// and NaN become math.MinInt64 for int64, see int64FromFloat), so even the
// degenerate corners (a forced GC with GOGC=off, a zero scan-work cycle)
// compute what the real runtime computes.

import { goThrow } from './panic.ts';
import { printfloat } from './print.ts';
import { SysMemStat } from './mem.ts';

/** heapMinimum at GOGC=100: 4 MiB (the HeapMinimum512KiB experiment is off by default). */
export const defaultHeapMinimum = 4 << 20;
/** The trigger lies between 45/64 (~0.7) and 61/64 (~0.95) of the way from heapMarked to the goal. */
export const triggerRatioDen = 64;
export const minTriggerRatioNum = 45;
export const maxTriggerRatioNum = 61;
/** The memory-limit goal keeps 3% of the limit, at least 1 MiB, as headroom for pacing error. */
export const memoryLimitHeapGoalHeadroomPercent = 3;
export const memoryLimitMinHeapGoalHeadroom = 1 << 20;
/** While sweeping is unfinished the trigger stays at least this far above heapLive, so the sweeper has room. */
export const sweepMinHeapDistance = 1 << 20;
/** Goal GC CPU utilisation during marking, as a fraction of GOMAXPROCS. */
export const gcGoalUtilization = 0.25;
/** Utilisation of the background (dedicated + fractional) workers; assists make up any difference. */
export const gcBackgroundUtilization = 0.25;
/** Scan work (bytes) a worker accumulates locally before publishing it (heapScanWork, bgScanCredit). */
export const gcCreditSlack = 2000;
/** Assist ns a P accumulates before adding them to assistTime. */
export const gcAssistTimeSlack = 5000;
/** Extra scan work an assist does, pre-paying for future allocation. */
export const gcOverAssistWork = 64 << 10;
/** Stack bytes allocated or freed on a P before maxStackScan is updated. */
export const maxStackScanSlack = 8 << 10;
/** The heap goal is kept at least this far above the trigger point of the running cycle. */
const minRunway = 64 << 10;
/** Above this live/goal ratio revise() paces against a 10% overshoot. */
const maxOvershoot = 1.1;
/** A fractional worker yields once its share exceeds the goal by this factor (pollFractionalWorkerExit). */
const fractionalWorkerExitSlack = 1.2;

/** math.MaxInt64: "no memory limit". */
export const maxInt64 = 2n ** 63n - 1n;
const maxUint64 = 2n ** 64n - 1n;
const two63 = 2 ** 63;
const two64 = 2 ** 64;

// gcTrigger kinds (mgc.go); startCycle only distinguishes the periodic one.
export const gcTriggerHeap = 0;
export const gcTriggerTime = 1;
export const gcTriggerCycle = 2;
export type GcTriggerKind = typeof gcTriggerHeap | typeof gcTriggerTime | typeof gcTriggerCycle;

// gcMarkWorkerMode (mgc.go): what a background mark worker is running as.
export const gcMarkWorkerNotWorker = 0;
export const gcMarkWorkerDedicatedMode = 1;
export const gcMarkWorkerFractionalMode = 2;
export const gcMarkWorkerIdleMode = 3;
export type GcMarkWorkerMode =
  | typeof gcMarkWorkerNotWorker
  | typeof gcMarkWorkerDedicatedMode
  | typeof gcMarkWorkerFractionalMode
  | typeof gcMarkWorkerIdleMode;

/** The per-P fields startCycle clears (Go: p.gcAssistTime, p.gcFractionalMarkTime), both in ns. */
export interface PacerPState {
  gcAssistTime: number;
  gcFractionalMarkTime: number;
}

/** The per-P slack counter addScannableStack batches into (Go: p.maxStackScanDelta), in bytes. */
export interface StackScanSlack {
  maxStackScanDelta: number;
}

export interface StartCycleOptions {
  /** GODEBUG gcstoptheworld: when > 0 every P is a dedicated worker. */
  gcstoptheworld?: number;
  /** allp: their assist and fractional times are reset. */
  allp?: Iterable<PacerPState>;
  /** work.initialHeapLive, for the gcpacertrace line (default: heapLive now). */
  initialHeapLive?: number;
}

/** Go's int64(f) on amd64 (CVTTSD2SQ): truncation toward zero; NaN and out-of-range give math.MinInt64. */
export function int64FromFloat(f: number): number {
  if (!(f >= -two63 && f < two63)) return -two63;
  return Math.trunc(f);
}

/** Go's uint64(f) on amd64: below 2^63 as int64 (negatives wrap), else via f − 2^63 with the top bit set. */
export function uint64FromFloat(f: number): number {
  if (f < two63) {
    const i = int64FromFloat(f);
    return i < 0 ? i + two64 : i;
  }
  const y = f - two63; // NaN lands here too and gives 2^63, as on amd64
  return y < two63 ? Math.trunc(y) + two63 : two63;
}

/** Two's-complement wrap-around of an int64 result. */
function wrapInt64(x: number): number {
  if (x >= two63) return x - two64;
  if (x < -two63) return x + two64;
  return x;
}

export class GcControllerState {
  /** GOGC; -1 means off. */
  gcPercent = 100;
  /** GOMEMLIMIT in bytes, exact (Go: int64, never negative). */
  memoryLimit: bigint = maxInt64;
  /** The same limit as a float64, for the hot comparisons. */
  memoryLimitNum = Number(maxInt64);
  /** Bytes; 4 MiB · GOGC/100: the GOGC goal never drops below this, amortising GC cost on tiny heaps. */
  heapMinimum = defaultHeapMinimum;
  /** Bytes of allocation the pacer expects during a mark phase at 25% GC CPU (from consMark). */
  runway = 0;
  /**
   * Estimated cons/mark ratio: allocation rate over scan rate, both per
   * CPU-ns, so dimensionless. The maximum of the last 4 measurements, which
   * biases towards starting earlier rather than assisting more.
   */
  consMark = 0;
  /** The cons/mark measured in each of the last 4 cycles (not past consMark values), oldest first. */
  readonly lastConsMark: [number, number, number, number] = [0, 0, 0, 0];
  /** Bytes; the goal from GOGC alone. Infinity stands for ^uint64(0) (GOGC=off). */
  gcPercentHeapGoal = Infinity;
  /** Bytes; heapLive + 1 MiB while sweeping is unfinished at commit, else 0. Bounds both trigger and goal. */
  sweepDistMinTrigger = 0;
  /** Bytes; heapLive when the current cycle started. -1 stands for ^uint64(0): no cycle is marking. */
  triggered = -1;
  /** Bytes; heapGoal() when the last cycle ended (the scavenger's reference), not its latest value. */
  lastHeapGoal = 0;

  /** Bytes "live" for pacing: heapMarked + whole spans handed to mcaches since. */
  heapLive = 0;
  /** Bytes of scannable heap (pointer-bearing prefixes): last cycle's heapScanWork + scannable allocation since; frozen while marking. */
  heapScan = 0;
  /** Bytes of heap scanned last cycle (its heapScanWork). */
  lastHeapScan = 0;
  /** Bytes of stack scanned last cycle (its stackScanWork). */
  lastStackScan = 0;
  /** Bytes of allocated goroutine stack: the most a stack scan could cost (an overestimate of what is scanned). */
  maxStackScan = 0;
  /** Bytes of data + bss of all modules (set at start), all scanned every cycle. */
  globalsScan = 0;
  /** Bytes marked by the last cycle; unlike heapLive it changes only at mark termination. */
  heapMarked = 0;

  // Scan work done this cycle, in bytes (Go: atomic int64s, published in gcCreditSlack batches).
  heapScanWork = 0;
  stackScanWork = 0;
  globalsScanWork = 0;
  /** Bytes of scan work done by background workers and not yet stolen by assists. */
  bgScanCredit = 0;

  // CPU time this cycle, in ns.
  /** Time in mutator assists (flushed from P's in gcAssistTimeSlack batches). */
  assistTime = 0;
  /** Time in dedicated workers (added when each stops). */
  dedicatedMarkTime = 0;
  /** Time in fractional workers. */
  fractionalMarkTime = 0;
  /** Time in idle workers. */
  idleMarkTime = 0;
  /** Absolute ns at which assists and workers were enabled (the startCycle argument: before STW #1). */
  markStartTime = 0;

  /** Dedicated workers still to start this cycle; the scheduler takes them one by one and markWorkerStop returns them. */
  dedicatedMarkWorkersNeeded = 0;
  // Go packs these two int32s into one uint64 (idleMarkWorkers) so that they
  // change together atomically; one thread of control needs no packing, and
  // the packed view is available as idleMarkWorkers.
  /** Idle mark workers running now. */
  idleMarkWorkersCount = 0;
  /** Idle mark workers allowed (a soft limit; the count may transiently exceed it). */
  idleMarkWorkersMax = 0;

  /** Scan work (bytes) an assist owes per byte allocated. */
  assistWorkPerByte = 0;
  /** 1/assistWorkPerByte: bytes of allocation credit per byte of scan work. */
  assistBytesPerWork = 0;
  /** Fraction of each P's time a fractional worker should take (0: none needed). */
  fractionalUtilizationGoal = 0;

  // Memory counters (Go: sysMemStat / atomic uint64).
  /** Bytes in mSpanInUse spans. */
  readonly heapInUse = new SysMemStat('heapInUse');
  /** Free, unscavenged heap pages (includes pages in P page caches). */
  readonly heapFree = new SysMemStat('heapFree');
  /** Free, released (scavenged or never used) heap pages. The stat heap growth's sysMap charges. */
  readonly heapReleased = new SysMemStat('heapReleased');
  totalAlloc = 0;
  totalFree = 0;

  /** mappedReady lives with the OS layer (mem.ts); the pacer reads it. */
  constructor(private readonly mappedReady: () => number) {}

  /** gcinit: knobs from GOGC/GOMEMLIMIT and a first commit (no sweep before the first GC). No revise: no GC runs yet. */
  init(gcPercent: number, memoryLimit: bigint): void {
    this.heapMinimum = defaultHeapMinimum;
    this.triggered = -1;
    this.setGCPercent(gcPercent);
    this.setMemoryLimit(memoryLimit);
    this.commit(true);
  }

  /** Returns the old value; negative means off (-1). commit must follow. */
  setGCPercent(pct: number): number {
    const out = this.gcPercent;
    // Go's gcPercent is an int32 (debug.SetGCPercent converts its int argument).
    const v = pct < 0 ? -1 : Math.trunc(pct) | 0;
    // uint64 arithmetic as Go does it: for -1 it wraps to a meaningless (and
    // unused, the goal being maximal) huge value.
    this.heapMinimum = Number(BigInt.asUintN(64, BigInt(defaultHeapMinimum) * BigInt.asUintN(64, BigInt(v))) / 100n);
    this.gcPercent = v;
    return out;
  }

  /** Returns the old value; negative inputs only read it. commit must follow. */
  setMemoryLimit(limit: bigint): bigint {
    const out = this.memoryLimit;
    if (limit >= 0n) {
      this.memoryLimit = limit;
      this.memoryLimitNum = Number(limit);
    }
    return out;
  }

  /**
   * Recomputes the GOGC goal and the runway. Called at mark termination and
   * after a knob changes (gcControllerCommit, which also revises if marking
   * and re-paces the sweeper and scavenger). Depends on heapMarked and
   * heapLive being current.
   */
  commit(isSweepDone: boolean): void {
    this.sweepDistMinTrigger = isSweepDone ? 0 : this.heapLive + sweepMinHeapDistance;
    let goal = Infinity;
    if (this.gcPercent >= 0) {
      // uint64 arithmetic, wrapping as Go's would for absurd GOGC values; commit is rare enough for BigInt.
      // (Math.trunc: these hold integers, as uint64s do; a stray fraction must not make BigInt throw.)
      const marked = BigInt(Math.trunc(this.heapMarked));
      const base = marked + BigInt(Math.trunc(this.lastStackScan)) + BigInt(Math.trunc(this.globalsScan));
      goal = Number(BigInt.asUintN(64, marked + BigInt.asUintN(64, base * BigInt(this.gcPercent)) / 100n));
    }
    if (goal < this.heapMinimum) goal = this.heapMinimum;
    this.gcPercentHeapGoal = goal;
    // Expected scan work times cons/mark is the allocation that happens while
    // it is done at equal CPU rates; weighting by 75/25 gives the allocation
    // during a mark phase that takes 25% of the CPU.
    this.runway = uint64FromFloat(
      ((this.consMark * (1 - gcGoalUtilization)) / gcGoalUtilization) *
        (this.lastHeapScan + this.lastStackScan + this.globalsScan),
    );
  }

  /**
   * Resets the per-cycle state and sizes the mark workers. Called with the
   * world stopped in gcStart (sweep termination), markStartTime being the
   * time read before that stop. Returns the `pacer: assist ratio=…` line
   * GODEBUG=gcpacertrace=1 prints (with its newline); the caller prints it.
   */
  startCycle(markStartTime: number, procs: number, trigger: { readonly kind: number }, opts: StartCycleOptions = {}): string {
    this.heapScanWork = 0;
    this.stackScanWork = 0;
    this.globalsScanWork = 0;
    this.bgScanCredit = 0;
    this.assistTime = 0;
    this.dedicatedMarkTime = 0;
    this.fractionalMarkTime = 0;
    this.idleMarkTime = 0;
    this.markStartTime = markStartTime;
    this.triggered = this.heapLive;

    // Round the dedicated workers to the nearest whole P; where that is more
    // than 30% off 25% (GOMAXPROCS ≤ 3 or 6), round down and let fractional
    // workers make up the rest.
    const totalUtilizationGoal = procs * gcBackgroundUtilization;
    let dedicated = int64FromFloat(totalUtilizationGoal + 0.5);
    const utilError = dedicated / totalUtilizationGoal - 1;
    const maxUtilError = 0.3;
    if (utilError < -maxUtilError || utilError > maxUtilError) {
      if (dedicated > totalUtilizationGoal) dedicated--;
      this.fractionalUtilizationGoal = (totalUtilizationGoal - dedicated) / procs;
    } else {
      this.fractionalUtilizationGoal = 0;
    }
    if ((opts.gcstoptheworld ?? 0) > 0) {
      dedicated = procs;
      this.fractionalUtilizationGoal = 0;
    }

    if (opts.allp) {
      for (const pp of opts.allp) {
        pp.gcAssistTime = 0;
        pp.gcFractionalMarkTime = 0;
      }
    }

    if (trigger.kind === gcTriggerTime) {
      // A periodic GC runs on an idle program: no need for every P, but
      // without a dedicated worker one idle worker must be allowed, since a
      // fractional worker alone may never get scheduled.
      this.setMaxIdleMarkWorkers(dedicated > 0 ? 0 : 1);
    } else {
      this.setMaxIdleMarkWorkers((procs | 0) - (dedicated | 0));
    }

    this.dedicatedMarkWorkersNeeded = dedicated;
    this.revise();

    const initialHeapLive = opts.initialHeapLive ?? this.heapLive;
    return (
      `pacer: assist ratio=${printfloat(this.assistWorkPerByte)}` +
      ` (scan ${Math.floor(this.heapScan / 2 ** 20)} MB in ${Math.floor(initialHeapLive / 2 ** 20)}->` +
      `${this.heapGoalExact() >> 20n} MB) workers=${dedicated}+${printfloat(this.fractionalUtilizationGoal)}\n`
    );
  }

  /**
   * Recomputes the assist ratio so that the remaining scan work is done by
   * the time the heap reaches its goal. Called while assists are enabled
   * whenever heapLive, heapScan or a goal input changes (update,
   * gcControllerCommit, startCycle).
   */
  revise(): void {
    // A forced GC with GOGC=off paces as if GOGC were huge.
    const gcPercent = this.gcPercent < 0 ? 100000 : this.gcPercent;
    const live = this.heapLive;
    const scan = this.heapScan;
    const work = this.heapScanWork + this.stackScanWork + this.globalsScanWork;

    // Pace to the soft goal, assuming a steady-state heap.
    let heapGoal = wrapInt64(this.heapGoal());
    // Expected work: what the last cycle scanned, plus this cycle's globals.
    let scanWorkExpected = this.lastHeapScan + this.lastStackScan + this.globalsScan;
    // Worst case: every scannable heap byte and every allocated stack byte is live.
    const maxScanWork = scan + this.maxStackScan + this.globalsScan;
    // int64(^uint64(0)) is -1, which is what the sentinel holds.
    const triggered = this.triggered;
    if (work > scanWorkExpected) {
      // More work than expected: the heap is growing. Stretch the runway in
      // proportion to the worst-case work, which keeps assists flat; the next
      // cycle will need that memory anyway. Never beyond the hard goal,
      // (1 + GOGC/100) × the goal.
      let extHeapGoal = wrapInt64(
        int64FromFloat((wrapInt64(heapGoal - triggered) / scanWorkExpected) * maxScanWork) + triggered,
      );
      scanWorkExpected = maxScanWork;
      const hardGoal = int64FromFloat((1.0 + gcPercent / 100.0) * heapGoal);
      if (extHeapGoal > hardGoal) extHeapGoal = hardGoal;
      heapGoal = extHeapGoal;
    }
    if (live > heapGoal) {
      // Past even the extended goal: allow a 10% overshoot and assume the worst-case work.
      heapGoal = int64FromFloat(heapGoal * maxOvershoot);
      scanWorkExpected = maxScanWork;
    }

    // Marking is racy (objects may be scanned twice), so the remaining work
    // can go negative; keep it at least 1000 bytes.
    let scanWorkRemaining = wrapInt64(scanWorkExpected - work);
    if (scanWorkRemaining < 1000) scanWorkRemaining = 1000;
    let heapRemaining = wrapInt64(heapGoal - live);
    if (heapRemaining <= 0) heapRemaining = 1;

    this.assistWorkPerByte = scanWorkRemaining / heapRemaining;
    this.assistBytesPerWork = heapRemaining / scanWorkRemaining;
  }

  /**
   * Measures this cycle's cons/mark and folds it into the estimate. Called
   * in mark termination (world stopped) before resetLive; `now` is the time
   * marking ended. Returns GODEBUG=gcpacertrace=1's `pacer: …% CPU (25
   * exp.) for …` line (with its newline), or null when Go prints nothing
   * (heapLive did not grow past the trigger point).
   */
  endCycle(now: number, procs: number, _userForced: boolean): string | null {
    // The scavenger paces against the goal as it was when this cycle ended.
    this.lastHeapGoal = this.heapGoal();
    // Exact for the trace line (the goal is near 2^63 with GOGC=off and no limit).
    const lastHeapGoalExact = this.heapGoalExact();

    const assistDuration = now - this.markStartTime;
    // The background workers are assumed to have met their 25%.
    let utilization = gcBackgroundUtilization;
    if (assistDuration > 0) utilization += this.assistTime / (assistDuration * procs);

    // A cycle too short to see any allocation teaches nothing.
    if (this.triggered < 0 || this.heapLive <= this.triggered) return null;
    let idleUtilization = 0.0;
    if (assistDuration > 0) idleUtilization = this.idleMarkTime / (assistDuration * procs);

    // (bytes allocated / mutator CPU) / (scan work / GC CPU). Idle marking
    // counts as GC CPU but not as time taken from the mutator, which could
    // have had it. Duration and procs cancel out of the ratio.
    const scanWork = this.heapScanWork + this.stackScanWork + this.globalsScanWork;
    const currentConsMark =
      ((this.heapLive - this.triggered) * (utilization + idleUtilization)) / (scanWork * (1 - utilization));

    // The estimate is the maximum of this and the last 4 measurements.
    const oldConsMark = this.consMark;
    this.consMark = currentConsMark;
    const last = this.lastConsMark;
    for (let i = 0; i < last.length; i++) {
      if (last[i]! > this.consMark) this.consMark = last[i]!;
    }
    last[0] = last[1];
    last[1] = last[2];
    last[2] = last[3];
    last[3] = currentConsMark;

    const live = this.heapLive;
    return (
      `pacer: ${int64FromFloat(utilization * 100)}% CPU (${gcGoalUtilization * 100} exp.) for ` +
      `${this.heapScanWork}+${this.stackScanWork}+${this.globalsScanWork} B work ` +
      `(${this.lastHeapScan + this.lastStackScan + this.globalsScan} B exp.) ` +
      `in ${this.triggered} B -> ${live} B (∆goal ${BigInt(Math.trunc(live)) - lastHeapGoalExact}, cons/mark ${printfloat(oldConsMark)})\n`
    );
  }

  /**
   * Sets up the next cycle's inputs from the one that just marked: called in
   * gcMark (world stopped) after endCycle and before commit.
   */
  resetLive(bytesMarked: number): void {
    this.heapMarked = bytesMarked;
    this.heapLive = bytesMarked;
    this.heapScan = this.heapScanWork;
    this.lastHeapScan = this.heapScanWork;
    this.lastStackScan = this.stackScanWork;
    this.triggered = -1;
  }

  /** Accounts `duration` ns of a worker that stopped, and returns a dedicated worker's slot. */
  markWorkerStop(mode: GcMarkWorkerMode, duration: number): void {
    switch (mode) {
      case gcMarkWorkerDedicatedMode:
        this.dedicatedMarkTime += duration;
        this.dedicatedMarkWorkersNeeded += 1;
        break;
      case gcMarkWorkerFractionalMode:
        this.fractionalMarkTime += duration;
        break;
      case gcMarkWorkerIdleMode:
        this.idleMarkTime += duration;
        this.removeIdleMarkWorker();
        break;
      default:
        goThrow('markWorkerStop: unknown mark worker mode');
    }
  }

  /**
   * The pacing half of findRunnableGCWorker: given a P's fractional mark
   * time (ns this cycle) and the time now, the mode its background worker
   * should run in, or gcMarkWorkerNotWorker. Takes a dedicated slot if one
   * is left. The caller has already checked that blackening is enabled,
   * updated the CPU limiter if it needed it, checked that mark work is
   * available and taken a worker from the pool (returning it on NotWorker).
   */
  findRunnableGCWorkerMode(gcFractionalMarkTime: number, now: number): GcMarkWorkerMode {
    if (this.dedicatedMarkWorkersNeeded > 0) {
      this.dedicatedMarkWorkersNeeded--;
      return gcMarkWorkerDedicatedMode;
    }
    if (this.fractionalUtilizationGoal === 0) return gcMarkWorkerNotWorker;
    if (!this.fractionalWorkerBehind(gcFractionalMarkTime, now)) return gcMarkWorkerNotWorker;
    return gcMarkWorkerFractionalMode;
  }

  /** Whether a P with this much fractional mark time (ns) is not ahead of the fractional goal at `now`. */
  fractionalWorkerBehind(gcFractionalMarkTime: number, now: number): boolean {
    const delta = now - this.markStartTime;
    return !(delta > 0 && gcFractionalMarkTime / delta > this.fractionalUtilizationGoal);
  }

  /**
   * pollFractionalWorkerExit: whether a running fractional worker should
   * stop, its P's share (selfTime = p.gcFractionalMarkTime + time in the
   * current run, ns) being more than 1.2 × the goal at `now`. The slack
   * keeps the worker from being behind again the moment it exits.
   */
  pollFractionalWorkerExit(selfTime: number, now: number): boolean {
    const delta = now - this.markStartTime;
    if (delta <= 0) return true;
    return selfTime / delta > fractionalWorkerExitSlack * this.fractionalUtilizationGoal;
  }

  /**
   * heapLive / heapScan deltas from mcache refills, releases and large
   * allocations. heapScan is frozen while marking (blackenEnabled, Go's
   * gcBlackenEnabled); then the assist ratio is revised instead.
   */
  update(dHeapLive: number, dHeapScan: number, blackenEnabled: boolean): void {
    if (dHeapLive !== 0) this.heapLive += dHeapLive;
    if (!blackenEnabled) {
      if (dHeapScan !== 0) this.heapScan += dHeapScan;
    } else {
      this.revise();
    }
  }

  /**
   * Goroutine stack bytes allocated (+) or freed (−). With a P, batched in
   * its maxStackScanDelta until it reaches ±8 KiB; without one, direct.
   */
  addScannableStack(pp: StackScanSlack | null, amount: number): void {
    if (pp === null) {
      this.maxStackScan += amount;
      return;
    }
    pp.maxStackScanDelta += amount;
    if (pp.maxStackScanDelta >= maxStackScanSlack || pp.maxStackScanDelta <= -maxStackScanSlack) {
      this.maxStackScan += pp.maxStackScanDelta;
      pp.maxStackScanDelta = 0;
    }
  }

  /** A module's data + bss bytes (modulesinit). */
  addGlobals(amount: number): void {
    this.globalsScan += amount;
  }

  // ── idle mark workers ──

  /** The packed form Go keeps: count in the low int32, max in the high int32. */
  get idleMarkWorkers(): bigint {
    return (BigInt.asUintN(32, BigInt(this.idleMarkWorkersMax)) << 32n) | BigInt.asUintN(32, BigInt(this.idleMarkWorkersCount));
  }

  /** Try to become an idle mark worker: false once the maximum is reached. */
  addIdleMarkWorker(): boolean {
    const n = this.idleMarkWorkersCount;
    const max = this.idleMarkWorkersMax;
    if (n >= max) return false; // n > max is tolerated (see idleMarkWorkersMax)
    if (n < 0) goThrow('negative idle mark workers', [`n=${n} max=${max}`]);
    this.idleMarkWorkersCount = n + 1;
    return true;
  }

  /** A hint: would another idle worker be allowed? (addIdleMarkWorker decides.) */
  needIdleMarkWorker(): boolean {
    return this.idleMarkWorkersCount < this.idleMarkWorkersMax;
  }

  /** An idle mark worker stopped. */
  removeIdleMarkWorker(): void {
    const n = this.idleMarkWorkersCount;
    if (n - 1 < 0) goThrow('negative idle mark workers', [`n=${n} max=${this.idleMarkWorkersMax}`]);
    this.idleMarkWorkersCount = n - 1;
  }

  /** Sets the maximum; running workers above it are expected to deschedule themselves. */
  setMaxIdleMarkWorkers(max: number): void {
    const n = this.idleMarkWorkersCount;
    if (n < 0) goThrow('negative idle mark workers', [`n=${n} max=${max}`]);
    this.idleMarkWorkersMax = max | 0;
  }

  // ── goals and trigger ──

  /**
   * The memory-limit-based goal: the limit minus non-heap memory and any
   * overage, less 3% (at least 1 MiB) headroom, never below heapMarked
   * (float64 arithmetic; exact when the limit is below 2^53).
   * Go re-reads its three inputs until they are consistent; here they always are.
   */
  memoryLimitHeapGoal(): number {
    const heapFree = this.heapFree.bytes;
    const heapAlloc = this.totalAlloc - this.totalFree;
    const mappedReady = this.mappedReady();
    const memoryLimit = this.memoryLimitNum;
    const nonHeap = mappedReady - heapFree - heapAlloc;
    const overage = mappedReady > memoryLimit ? mappedReady - memoryLimit : 0;
    // Non-heap memory alone exceeds the limit: collect continuously and let the CPU limiter cap the cost.
    if (nonHeap + overage >= memoryLimit) return this.heapMarked;
    let goal = memoryLimit - (nonHeap + overage);
    const headroom = Math.max(Math.floor(goal / 100) * memoryLimitHeapGoalHeadroomPercent, memoryLimitMinHeapGoalHeadroom);
    goal = goal < headroom || goal - headroom < headroom ? headroom : goal - headroom;
    return Math.max(goal, this.heapMarked);
  }

  /** The same computation in exact uint64 arithmetic, for reporting. */
  memoryLimitHeapGoalExact(): bigint {
    const heapFree = BigInt(this.heapFree.bytes);
    const heapAlloc = BigInt(this.totalAlloc - this.totalFree);
    const mappedReady = BigInt(this.mappedReady());
    const memoryLimit = this.memoryLimit;
    const heapMarked = BigInt(this.heapMarked);
    const nonHeap = mappedReady - heapFree - heapAlloc;
    const overage = mappedReady > memoryLimit ? mappedReady - memoryLimit : 0n;
    if (nonHeap + overage >= memoryLimit) return heapMarked;
    let goal = memoryLimit - (nonHeap + overage);
    let headroom = (goal / 100n) * BigInt(memoryLimitHeapGoalHeadroomPercent);
    if (headroom < BigInt(memoryLimitMinHeapGoalHeadroom)) headroom = BigInt(memoryLimitMinHeapGoalHeadroom);
    goal = goal < headroom || goal - headroom < headroom ? headroom : goal - headroom;
    return goal < heapMarked ? heapMarked : goal;
  }

  /**
   * heapGoalInternal: the lower of the GOGC and memory-limit goals and the
   * minimum trigger. Outside the memory-limit regime the goal is pushed up
   * to the sweep distance and to 64 KiB above the running cycle's trigger
   * point (so assists stay finite); under the limit it is never pushed up.
   */
  heapGoalInternal(): { goal: number; minTrigger: number } {
    let goal = this.gcPercentHeapGoal;
    let minTrigger = 0;
    const limitGoal = this.memoryLimitHeapGoal();
    if (limitGoal < goal) {
      goal = limitGoal;
    } else {
      goal = Math.max(goal, this.sweepDistMinTrigger);
      minTrigger = this.sweepDistMinTrigger;
      if (this.triggered >= 0 && goal < this.triggered + minRunway) goal = this.triggered + minRunway;
    }
    return { goal, minTrigger };
  }

  /** The heap goal in bytes (NextGC). */
  heapGoal(): number {
    return this.heapGoalInternal().goal;
  }

  /** heapGoal() as Go's uint64 (MemStats.NextGC, /gc/heap/goal:bytes). */
  heapGoalExact(): bigint {
    let goal: bigint = this.gcPercentHeapGoal === Infinity ? maxUint64 : BigInt(this.gcPercentHeapGoal);
    const limitGoal = this.memoryLimitHeapGoalExact();
    if (limitGoal < goal) return limitGoal;
    const sweepDist = BigInt(this.sweepDistMinTrigger);
    if (sweepDist > goal) goal = sweepDist;
    if (this.triggered >= 0 && goal < BigInt(this.triggered + minRunway)) goal = BigInt(this.triggered + minRunway);
    return goal;
  }

  /**
   * The heapLive value at which the next cycle starts, and the goal: goal −
   * runway, kept between 45/64 and 61/64 of the way from heapMarked to the
   * goal (for large heaps the upper bound is goal − 4 MiB instead).
   */
  trigger(): { trigger: number; goal: number } {
    const { goal, minTrigger: mt } = this.heapGoalInternal();
    const heapMarked = this.heapMarked;
    // Defensive in Go too: a goal at or below the live heap means collecting continuously.
    if (heapMarked >= goal) return { trigger: goal, goal };
    let minTrigger = Math.max(mt, heapMarked);
    const span = Math.floor((goal - heapMarked) / triggerRatioDen);
    minTrigger = Math.max(minTrigger, span * minTriggerRatioNum + heapMarked);
    let maxTrigger = span * maxTriggerRatioNum + heapMarked;
    if (goal > defaultHeapMinimum && goal - defaultHeapMinimum > maxTrigger) maxTrigger = goal - defaultHeapMinimum;
    maxTrigger = Math.max(maxTrigger, minTrigger);
    let trigger = this.runway > goal ? minTrigger : goal - this.runway;
    trigger = Math.min(Math.max(trigger, minTrigger), maxTrigger);
    if (trigger > goal) {
      goThrow('produced a trigger greater than the heap goal', [
        `trigger=${trigger} heapGoal=${goal}`,
        `minTrigger=${minTrigger} maxTrigger=${maxTrigger}`,
      ]);
    }
    return { trigger, goal };
  }
}
