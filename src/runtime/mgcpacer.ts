// The GC pacer's state (mgcpacer.go gcControllerState): the heap
// accounting the allocator feeds (heapLive, heapScan, heapInUse, heapFree,
// heapReleased, totalAlloc, totalFree) and the heap goal and trigger derived
// from GOGC and GOMEMLIMIT. The cycle hooks (startCycle, revise, endCycle)
// arrive with the garbage collector.
//
// Units: every field is in bytes unless it says otherwise. Quantities that
// Go computes in uint64 are float64 integers here; they are exact below
// 2^53. The two that are not — the default memory limit (2^63−1) and the
// "GOGC=off" goal (2^64−1) — only ever decide comparisons against real heap
// sizes, where float64 is exact enough; NextGC is reported exactly through
// heapGoalExact(), in BigInt.

import { SysMemStat } from './mem.ts';

export const defaultHeapMinimum = 4 << 20;
export const triggerRatioDen = 64;
export const minTriggerRatioNum = 45;
export const maxTriggerRatioNum = 61;
export const memoryLimitHeapGoalHeadroomPercent = 3;
export const memoryLimitMinHeapGoalHeadroom = 1 << 20;
export const sweepMinHeapDistance = 1 << 20;
export const gcGoalUtilization = 0.25;
export const gcBackgroundUtilization = 0.25;
/** math.MaxInt64: "no memory limit". */
export const maxInt64 = 2n ** 63n - 1n;
const maxUint64 = 2n ** 64n - 1n;

export class GcControllerState {
  /** GOGC; -1 means off. */
  gcPercent = 100;
  /** GOMEMLIMIT in bytes, exact. */
  memoryLimit: bigint = maxInt64;
  /** The same limit as a float64, for the hot comparisons. */
  memoryLimitNum = Number(maxInt64);
  /** 4 MiB · GOGC/100: the goal never drops below this. */
  heapMinimum = defaultHeapMinimum;
  /** runway: bytes of allocation the pacer expects during a mark phase. */
  runway = 0;
  consMark = 0;
  /** gcPercentHeapGoal; Infinity stands for ^uint64(0) (GOGC=off). */
  gcPercentHeapGoal = Infinity;
  /** heapLive + 1 MiB while sweeping is unfinished, else 0. */
  sweepDistMinTrigger = 0;
  /** heapLive when the current cycle started; -1 stands for ^uint64(0) (no cycle). */
  triggered = -1;
  lastHeapGoal = 0;

  /** Bytes "live" for pacing: heapMarked + whole spans handed to mcaches since. */
  heapLive = 0;
  /** Scannable bytes (pointer-bearing prefix) allocated since the last cycle + last marked. */
  heapScan = 0;
  lastHeapScan = 0;
  lastStackScan = 0;
  /** Total goroutine stack bytes (what a stack scan could cost). */
  maxStackScan = 0;
  /** Size of data + bss of all modules (set once at start). */
  globalsScan = 0;
  /** bytesMarked of the last cycle. */
  heapMarked = 0;

  // Memory counters (Go: sysMemStat / atomic uint64).
  /** Bytes in mSpanInUse spans. */
  readonly heapInUse = new SysMemStat('heapInUse');
  /** Free, unscavenged heap pages (includes pages in P page caches). */
  readonly heapFree = new SysMemStat('heapFree');
  /** Free, released (scavenged or never used) heap pages. The stat heap growth's sysMap charges. */
  readonly heapReleased = new SysMemStat('heapReleased');
  totalAlloc = 0;
  totalFree = 0;

  constructor(private readonly mappedReady: () => number) {}

  init(gcPercent: number, memoryLimit: bigint): void {
    this.heapMinimum = defaultHeapMinimum;
    this.triggered = -1;
    this.setGCPercent(gcPercent);
    this.setMemoryLimit(memoryLimit);
    this.commit(true);
  }

  /** Returns the old value. Negative means off (-1). */
  setGCPercent(pct: number): number {
    const out = this.gcPercent;
    const v = pct < 0 ? -1 : pct;
    // For -1, Go's uint64 wrap-around makes heapMinimum meaningless (the goal is maximal anyway).
    this.heapMinimum = v < 0 ? 0 : Math.floor((defaultHeapMinimum * v) / 100);
    this.gcPercent = v;
    return out;
  }

  /** Returns the old value; negative inputs only read it. */
  setMemoryLimit(limit: bigint): bigint {
    const out = this.memoryLimit;
    if (limit >= 0n) {
      this.memoryLimit = limit;
      this.memoryLimitNum = Number(limit);
    }
    return out;
  }

  commit(isSweepDone: boolean): void {
    this.sweepDistMinTrigger = isSweepDone ? 0 : this.heapLive + sweepMinHeapDistance;
    let goal = Infinity;
    if (this.gcPercent >= 0) {
      goal =
        this.heapMarked +
        Math.floor(((this.heapMarked + this.lastStackScan + this.globalsScan) * this.gcPercent) / 100);
    }
    if (goal < this.heapMinimum) goal = this.heapMinimum;
    this.gcPercentHeapGoal = goal;
    this.runway = Math.floor(
      ((this.consMark * (1 - gcGoalUtilization)) / gcGoalUtilization) *
        (this.lastHeapScan + this.lastStackScan + this.globalsScan),
    );
  }

  /** heapLive / heapScan deltas from mcache refills, releases and large allocations. */
  update(dHeapLive: number, dHeapScan: number, blackenEnabled: boolean): void {
    this.heapLive += dHeapLive;
    if (!blackenEnabled) this.heapScan += dHeapScan;
    // During marking Go calls revise() instead; the GC issue adds it.
  }

  /** The memory-limit-based goal (float64 arithmetic; exact when the limit is below 2^53). */
  memoryLimitHeapGoal(): number {
    const heapFree = this.heapFree.bytes;
    const heapAlloc = this.totalAlloc - this.totalFree;
    const mappedReady = this.mappedReady();
    const memoryLimit = this.memoryLimitNum;
    const nonHeap = mappedReady - heapFree - heapAlloc;
    const overage = mappedReady > memoryLimit ? mappedReady - memoryLimit : 0;
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

  /** heapGoalInternal: the goal and the minimum trigger. */
  heapGoalInternal(): { goal: number; minTrigger: number } {
    let goal = this.gcPercentHeapGoal;
    let minTrigger = 0;
    const limitGoal = this.memoryLimitHeapGoal();
    if (limitGoal < goal) {
      goal = limitGoal;
    } else {
      goal = Math.max(goal, this.sweepDistMinTrigger);
      minTrigger = this.sweepDistMinTrigger;
      const minRunway = 64 << 10;
      if (this.triggered >= 0 && goal < this.triggered + minRunway) goal = this.triggered + minRunway;
    }
    return { goal, minTrigger };
  }

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
    if (this.triggered >= 0 && goal < BigInt(this.triggered + (64 << 10))) goal = BigInt(this.triggered + (64 << 10));
    return goal;
  }

  /** The heapLive value at which the next cycle starts, and the goal. */
  trigger(): { trigger: number; goal: number } {
    const { goal, minTrigger: mt } = this.heapGoalInternal();
    const heapMarked = this.heapMarked;
    if (heapMarked >= goal) return { trigger: goal, goal };
    let minTrigger = Math.max(mt, heapMarked);
    const span = Math.floor((goal - heapMarked) / triggerRatioDen);
    minTrigger = Math.max(minTrigger, span * minTriggerRatioNum + heapMarked);
    let maxTrigger = span * maxTriggerRatioNum + heapMarked;
    if (goal > defaultHeapMinimum && goal - defaultHeapMinimum > maxTrigger) maxTrigger = goal - defaultHeapMinimum;
    maxTrigger = Math.max(maxTrigger, minTrigger);
    let trigger = this.runway > goal ? minTrigger : goal - this.runway;
    trigger = Math.min(Math.max(trigger, minTrigger), maxTrigger);
    return { trigger, goal };
  }
}
