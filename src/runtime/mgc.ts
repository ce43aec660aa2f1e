// The garbage collector's cycle (mgc.go): Go 1.23's concurrent, non-moving
// tri-colour mark-sweep, run in virtual time.
//
//   1. gcStart (a trigger fired: the heap trigger on allocation, runtime.GC,
//      the forced GC every 2 minutes, debug.FreeOSMemory): stop the world
//      (sweep termination: finish sweeping, clear sync.Pools, start the
//      pacer's cycle), gcphase = _GCmark, the write barrier on, allocate
//      black, assists enabled; start the world.
//   2. Mark, concurrently: root jobs (globals, stacks) and grey objects are
//      drained by the background mark workers — dedicated and fractional
//      ones taking 25% of GOMAXPROCS, idle ones on idle Ps — and by
//      allocating goroutines paying assists in proportion to what they
//      allocate (the pacer's assist ratio).
//   3. gcMarkDone when no work is left: stop the world (mark termination:
//      endCycle, the marked heap becomes heapMarked, the next goal and
//      trigger, stats), gcphase = _GCoff, the sweep begins (sweepgen += 2),
//      start the world; flush the mcaches; the gctrace line.
//   4. Sweep, concurrently (mgcsweep.ts) until the next cycle.
//
// Concurrency in virtual time: each P has its own clock. The scheduler
// (proc.ts) asks this collector whether a P should run a mark worker
// (workerStart) and runs worker steps of ~100 µs of mark work
// (runWorker); a goroutine that runs for a long time without giving its P
// back lets the other Ps catch up at its safe points (Sched.poll), so
// marking and sweeping proceed beside it as they would on real cores, and
// a worker that needs its stack waits for that safe point, as suspendG
// does. A stop-the-world pause stops every P at the instant it starts.
// docs/fidelity.md says what this simplifies and by how much.

import type { Clock } from '../sim/clock.ts';
import type { CostModel } from '../sim/cost.ts';
import { GCMark, type RootSet, drainCheckThreshold, gcOverAssistWork, hasHeader, objectBase, walkReachable } from './mgcmark.ts';
import { Sweeper } from './mgcsweep.ts';
import { gcBgMarkWorkerStack, startWorkersChanFrames, startWorkersFrames } from './mprof.ts';
import type { MSpan } from './mspan.ts';
import { type Sched, sysmonPreemptAt } from './proc.ts';
import { workerFrameIndex, workerNodeSlot, workerParkedFrames } from './proc_parked.ts';
import type { Collector, Runtime } from './runtime.ts';
import { _GCmark, _GCmarktermination, _GCoff } from './runtime.ts';
import { type G, type GoroutineBody, type P, YieldGosched, YieldPark, _Gdead } from './runtime2.ts';
import type { StackAllocator } from './stack.ts';
import { fmtNSAsMS, itoaDiv } from './mgctrace.ts';
import { gcTriggerCycle, gcTriggerHeap, gcTriggerTime } from './mgcpacer.ts';
import { printfloat } from './print.ts';
import { GcCPULimiterState } from './mgclimit.ts';
import { Finalizers, specialFinalizerSize } from './mfinal.ts';
import { FixAlloc } from './mfixalloc.ts';
import { goThrow } from './panic.ts';
import { closure1Type, gType, hchanSize } from './rtypes.ts';
import { mallocgc } from './malloc.ts';
import { acquireSudog, clearSudogCache, releaseSudog } from './proc_sudog.ts';
import { gcPaceScavenger, startScavenger, minHeapForMetadataHugePages, scavengerSweepDone } from './mgcscavenge_bg.ts';
import type { GCPhase, MarkWorker } from './traceevent.ts';

/** forcegcperiod: a GC at least every 2 minutes once one has run (proc.go). */
export const forcegcperiod = 2 * 60 * 1e9;


/** The background worker a P is in the middle of (GC.continuing); dedicated workers need no state. */
const workerNone = 0;
const workerFractional = 1;
const workerIdle = 2;

export type GCTriggerKind = 'heap' | 'time' | 'cycle';

/** What the collector needs from outside the runtime layer. */
export interface GCEnv {
  readonly rt: Runtime;
  readonly sched: Sched;
  readonly stacks: StackAllocator;
  readonly clock: Clock;
  readonly costs: CostModel;
  readonly roots: RootSet;
  /** Writes to the process's stderr (gctrace, gcpacertrace). */
  print(s: string): void;
  /** clearpools: sync.Pool's cleanup and the runtime's caches (installed by packages that have them). */
  clearpools(): void;
  /** The Unix time (ns) of virtual time t (MemStats.LastGC). */
  unixNanos(t: number): bigint;
  /** Process start (runtimeInitTime) in virtual time. */
  readonly startTime: number;
}

/** GC CPU accounting (mgclimit.go gcCPUStats / cpuStats): virtual ns by class. */
export class GCCPUStats {
  assist = 0;
  dedicated = 0;
  fractional = 0;
  idle = 0;
  pause = 0;
  get total(): number {
    return this.assist + this.dedicated + this.fractional + this.idle + this.pause;
  }
}

export class GC implements Collector {
  readonly rt: Runtime;
  readonly mark: GCMark;
  readonly sweeper: Sweeper;
  /** memstats.enablegc: set by gcenable at the start of runtime.main. */
  enabled = false;
  /** work.cycles: cycles started. */
  cycles = 0;
  /** Called at the end of mark termination's pause, where Go takes its CPU-stats snapshot (work.cpuStats.accumulate). */
  onMarkTermination: (() => void) | null = null;
  /**
   * Mark work (virtual ns) a background worker does before the scheduler
   * decides again: finer steps interleave marking with the mutator more
   * closely (tests shrink it to exercise the barrier).
   */
  workerQuantumNs = 100_000;
  /** gcphase's companion: assists and workers may blacken objects. */
  private blacken = false;

  // work.* of the current (or last) cycle.
  heap0 = 0;
  heap1 = 0;
  heap2 = 0;
  tSweepTerm = 0;
  tMark = 0;
  tMarkTerm = 0;
  tEnd = 0;
  pauseNS = 0;
  userForced = false;
  stwprocs = 1;
  maxprocs = 1;
  /** GODEBUG=gcstoptheworld: 0 background, 1 mark with the world stopped, 2 also sweep so. */
  mode = 0;

  /** Goroutines in runtime.GC waiting for a cycle's mark termination, with the cycle they wait for. */
  private readonly markWaiters: { g: G; cycle: number }[] = [];
  /** The GC CPU limiter (mgclimit.go): when it is full, assists stop. */
  readonly limiter: GcCPULimiterState;
  /** Busy and idle-mark P time already given to the limiter (ns), for the idle time of its next update. */
  private limiterBusySeen = 0;
  private limiterIdleMarkSeen = 0;

  /** The GC cycle in which the GC CPU limiter last engaged (/gc/limiter/last-enabled:gc-cycle). */
  get limiterLastEnabledCycle(): number {
    return this.limiter.lastEnabledCycle;
  }
  /** Cumulative GC CPU (ns) since start, for GCCPUFraction and /cpu/classes/gc. */
  readonly cpu = new GCCPUStats();
  /** Per-P virtual ns of fractional mark work this cycle (p.gcFractionalMarkTime). */
  private fractional: number[] = [];
  /** The cycles' gcpacertrace/gctrace lines go to stderr here. */
  private bgsweepG: G | null = null;
  private bgsweepParked = true;
  private forcegcG: G | null = null;
  private forcegcParked = true;

  /** Finalizer specials and the finalizer queue (mfinal.ts). */
  readonly finalizers: Finalizers;
  /** mheap_.specialfinalizeralloc: the 48-byte special records (OtherSys). */
  private readonly specialAlloc: FixAlloc;

  constructor(private readonly env: GCEnv) {
    const rt = (this.rt = env.rt);
    this.finalizers = new Finalizers(rt);
    this.specialAlloc = new FixAlloc(specialFinalizerSize, rt.memstats.other_sys, rt.persistent);
    const c = env.costs;
    this.mark = new GCMark(rt, () => env.roots, {
      object: c.markObject(),
      pointerWord: c.markPointerWord(),
      nilWord: c.markNilWord(),
      noscanObject: c.markNoscanObject(),
      cycle: c.markCycle(),
      stackGoroutine: c.scanStackGoroutine(),
      stackByte: c.scanStackBytes(1),
      lineMiss: c.lineMiss(),
      spanMiss: c.markSpanMiss(),
    });
    this.sweeper = new Sweeper(rt, {
      cost: (o) => c.sweepSpan(o),
      sweepSpecials: (s) => {
        this.finalizers.sweepSpecials(s, (rec) => this.specialAlloc.free(rec));
        rt.mprof.sweepSpecials(s);
      },
      onDrained: () => this.onSweepDone(),
    });
    rt.collector = this;
    this.limiter = new GcCPULimiterState({ numgc: () => rt.memstats.numgc });
    rt.scavenge.limiter = this.limiter;
    this.mark.onStackScanned = (g) => {
      // A goroutine running on another P gives its stack up only at its next safe point (suspendG): the scanner waits for it.
      if (g === env.sched.runningG) this.stackWaitUntil = Math.max(this.stackWaitUntil, env.sched.safePointAt);
      env.sched.stackScanned(g, rt.debugGC.gcshrinkstackoff > 0);
    };
    this.mark.freeDeadStacks = () => env.sched.freeDeadStacks();
    // A fractional worker does not spin for a running goroutine's stack: it gives its P up until then (an idle worker spins instead).
    this.mark.mayScanStack = (g) => {
      if (!this.inFractional || g !== env.sched.runningG || env.clock.now >= env.sched.safePointAt) return true;
      this.fractionalBlocked[rt.curP!.id] = env.sched.safePointAt;
      return false;
    };
    this.mark.extraRoots = () => this.finalizers.markRoots((_s, base) => this.mark.scanobject(base), (p) => this.mark.shade(p));
    rt.writeBarrier = { enabled: false, record: (old, ptr) => this.writeBarrier(old, ptr) };
  }

  /**
   * The hybrid write barrier (Go's gcWriteBarrier and wbBufFlush): shade
   * the overwritten pointer (Yuasa) and the new one (Dijkstra). Go records
   * both into a per-P buffer and greys them when it fills; gomem greys them
   * at once, which marks the same objects a little earlier.
   */
  writeBarrier(old: number, ptr: number): void {
    const n = (old !== 0 ? 1 : 0) + (ptr !== 0 ? 1 : 0);
    if (n === 0) return;
    let misses = 0;
    if (old !== 0 && this.mark.greyPointer(old)) misses++;
    if (ptr !== 0 && this.mark.greyPointer(ptr)) misses++;
    // The flush runs on the writer's time, not the collector's (it is mutator CPU in Go's accounting).
    this.rt.costs?.barrierPointers(n);
    if (misses !== 0) this.rt.costs?.spanMisses(misses);
  }

  /** gcenable: the background sweeper, scavenger and forcegc helper get their bodies; collection may start. */
  enable(bgsweep: G | null, forcegc: G | null, bgscavengeG: G | null = null): void {
    this.enabled = true;
    this.limiter.resetCapacity(this.env.clock.now, this.rt.allp.length);
    this.limiter.lastUpdate = this.env.clock.now;
    this.rt.memstats.enablegc = true;
    if (bgsweep !== null) {
      this.bgsweepG = bgsweep;
      bgsweep.body = this.bgsweep();
    }
    if (forcegc !== null) {
      this.forcegcG = forcegc;
      forcegc.body = this.forcegchelper();
    }
    if (bgscavengeG !== null) startScavenger(this.rt, bgscavengeG, this.env.sched);
  }

  // ── Collector: what the allocator calls ──────────────────────────────

  maybeStartHeapGC(): void {
    if (!this.starting && this.test('heap')) this.gcStart('heap');
  }

  /** gcStart is running (Go's work.startSema and gcsema): allocations inside it start no cycle. */
  private starting = false;

  gcmarknewobject(span: MSpan, x: number): void {
    this.mark.markNew(span, x);
  }

  deductAssistCredit(size: number): void {
    const g = this.env.sched.curG;
    if (g === null || g.system) return;
    g.gcAssistBytes -= size;
    // gcAssistAlloc does not assist on g0 or with the M held: the debt waits for the goroutine's next allocation.
    if (g.gcAssistBytes < 0 && this.rt.nonpreemptible === 0) this.gcAssistAlloc(g);
  }

  chargeAssistTail(bytes: number): void {
    const g = this.env.sched.curG;
    if (g !== null && !g.system) g.gcAssistBytes -= bytes;
  }

  sweepStale(s: MSpan): void {
    this.sweeper.sweepStale(s);
    this.chargeSweep();
  }

  deductSweepCredit(spanBytes: number, callerSweepPages: number): void {
    this.sweeper.deductSweepCredit(spanBytes, callerSweepPages);
    this.chargeSweep();
  }

  reclaim(npages: number): void {
    this.sweeper.reclaim(npages);
    this.chargeSweep();
  }

  isSweepDone(): boolean {
    return this.sweeper.isDone();
  }

  /** Sweeping done on the running goroutine's behalf takes its time. */
  private chargeSweep(): void {
    const ns = this.sweeper.take();
    if (ns > 0) this.env.clock.advance(Math.round(ns));
  }

  /** The mcentral's sweeper hooks (cacheSpan sweeping spans of its class). */
  readonly centralSweeper = {
    active: (): boolean => !this.sweeper.isDone(),
    tryAcquireAndSweep: (s: MSpan): boolean => {
      const ok = this.sweeper.tryAcquireAndSweep(s);
      this.chargeSweep();
      return ok;
    },
  };

  // ── triggers and the start of a cycle ────────────────────────────────

  /** gcTrigger.test. */
  test(kind: GCTriggerKind, n = 0): boolean {
    const rt = this.rt;
    if (!this.enabled || rt.gcphase !== _GCoff) return false;
    const gc = rt.gcController;
    switch (kind) {
      case 'heap':
        return gc.heapLive >= gc.trigger().trigger;
      case 'time':
        if (gc.gcPercent < 0) return false;
        return rt.memstats.last_gc_nanotime !== 0 && this.env.clock.now - rt.memstats.last_gc_nanotime > forcegcperiod;
      case 'cycle':
        return n - this.cycles > 0;
    }
  }

  /** gcStart: sweep termination and the start of concurrent mark. */
  gcStart(kind: GCTriggerKind, n = 0): void {
    if (this.starting) return;
    this.starting = true;
    try {
      this.gcStartLocked(kind, n);
    } finally {
      this.starting = false;
    }
  }

  private gcStartLocked(kind: GCTriggerKind, n: number): void {
    const rt = this.rt;
    // Finish the previous cycle's sweep while the trigger still holds.
    while (this.test(kind, n) && this.sweeper.sweepone() !== -1) {
      /* keep sweeping */
    }
    this.chargeSweep();
    if (!this.test(kind, n)) return;
    this.mode = rt.debugGC.gcstoptheworld;
    this.userForced = kind === 'cycle';
    this.startWorkers();
    // gcResetMarkState.
    for (const g of this.env.sched.allgs) g.gcAssistBytes = 0;
    for (const ai of rt.mheap.allArenas) rt.mheap.arenas.get(ai)!.pageMarks.fill(0);
    this.mark.work.reset();
    const procs = rt.allp.length;
    this.stwprocs = Math.min(procs, this.env.sched.ncpu);
    this.maxprocs = procs;
    this.heap0 = rt.gcController.heapLive;
    this.pauseNS = 0;
    // A P lagging the one that ended the last cycle (see gcAssistAlloc) starts the next no sooner than that end.
    if (this.env.clock.now < this.tEnd) this.env.clock.set(this.tEnd);
    const now = this.env.clock.now;
    this.tSweepTerm = now;
    const stw = this.stopTheWorld(true);
    // finishsweep_m: sweep what is left, then the unswept sets are empty; gcBits epochs rotate.
    while (this.sweeper.sweepone() !== -1) {
      /* sweep */
    }
    const sweptNs = this.sweeper.take();
    // The unswept sets are empty now: reset them, or their spines (one
    // pointer per 512 spans ever pushed) would grow cycle after cycle.
    const sg = rt.mheap.sweepgen;
    for (const c of rt.mheap.central) {
      c.partialUnswept(sg).reset();
      c.fullUnswept(sg).reset();
    }
    rt.scavenger.wake(); // sweeping is done: there is work for the scavenger
    rt.mheap.gcBits.nextEpoch();
    this.env.clearpools();
    clearSudogCache(rt);
    this.cycles++;
    const pacerLine = rt.gcController.startCycle(now, procs, { kind: kind === 'heap' ? gcTriggerHeap : kind === 'time' ? gcTriggerTime : gcTriggerCycle }, { gcstoptheworld: this.mode, initialHeapLive: this.heap0 });
    const ev = rt.events;
    if (ev.wants('gcStart')) {
      const trigger = rt.gcController.trigger().trigger;
      ev.emit('gcStart', { t: now, cycle: this.cycles, kind, heapLive: this.heap0, trigger, goal: rt.gcController.heapGoal() });
    }
    this.phaseEvent('sweepterm', now);
    this.dedicated = rt.gcController.dedicatedMarkWorkersNeeded;
    this.feedLimiterIdle();
    this.limiter.startGCTransition(true, now);
    this.idleMax = rt.gcController.idleMarkWorkersMax;
    this.fractional = new Array<number>(procs).fill(0);
    this.fractionalBlocked = new Array<number>(procs).fill(-Infinity);
    this.runMode = new Array<number>(procs).fill(workerNone);
    this.runSince = new Array<number>(procs).fill(-Infinity);
    this.runTick = new Array<number>(procs).fill(-1);
    this.checkLeft = new Array<number>(procs).fill(0);
    rt.gcphase = _GCmark;
    rt.writeBarrier.enabled = true;
    this.mark.prepareRoots();
    this.mark.markTinyAllocs();
    this.blacken = true;
    rt.gcBlackenEnabled = true;
    // The Ps with nothing to run: their Ms sleep (stopm).
    const asleep = rt.allp.filter((p) => p !== rt.curP && p.time < now && p.runq.length === 0 && p.runnext === null);
    this.startTheWorld(stw, this.stwCost('sweepTermination') + sweptNs);
    this.tMark = this.env.clock.now;
    // startTheWorld's wakep wakes one of them; its M, finding a mark worker to
    // run, wakes the next (resetspinning), and so on: the k-th starts k
    // wake-ups into the mark (sched.wakeIdleP: 48 µs on this machine, a
    // large part of the few hundred µs that a small heap's mark lasts).
    const wake = this.env.costs.wakeIdleP();
    this.wakeAt = new Array<number>(procs).fill(-Infinity);
    asleep.forEach((p, k) => (this.wakeAt[p.id] = this.tMark + Math.round((k + 1) * wake)));
    this.phaseEvent('mark', this.tMark);
    this.env.sched.wantPoll(); // idle Ps start their workers
    this.limiter.finishGCTransition(this.tMark);
    if (rt.debugGC.gcpacertrace > 0) this.env.print(pacerLine);
    if (this.mode !== 0) {
      // gcstoptheworld: the whole mark runs with the world stopped.
      this.markWithWorldStopped();
    }
  }

  /**
   * gcBgMarkStartWorkers: one mark worker goroutine per P, made once. As
   * Go 1.23 makes them, with the M held (acquirem) or preemption off, so
   * none of these allocations starts a cycle: a `ready` channel
   * (make(chan struct{}, 1): a 104-byte hchan, noscan), then per worker the
   * closure `go gcBgMarkWorker(ready)` allocates, its g, and — while the
   * caller waits in <-ready (a sudog from its P's cache) — the worker's
   * gcBgMarkWorkerNode. The node is kept by the worker's own frame; the
   * channel and closures are garbage as soon as the workers are up, so the
   * first cycle frees them (real Go's /gc/heap/frees-by-size after its
   * first cycle: 112 B × 1, 16 B × 2 of these).
   */
  private startWorkers(): void {
    const rt = this.rt;
    const sched = this.env.sched;
    if (this.workers >= rt.allp.length) return;
    rt.nonpreemptibly(() => rt.mprof.withFrames(startWorkersChanFrames, () => mallocgc(rt, hchanSize, null, true)));
    while (this.workers < rt.allp.length) {
      rt.nonpreemptibly(() => rt.mprof.withFrames(startWorkersFrames, () => mallocgc(rt, closure1Type.size, closure1Type, true)));
      const g = sched.newproc('runtime.gcBgMarkWorker', parkWorker(), { parked: 'GC worker (idle)' });
      const sudog = acquireSudog(rt);
      const node = rt.nonpreemptibly(() => rt.mprof.withStack(gcBgMarkWorkerStack, () => mallocgc(rt, workerNodeSize, null, true)));
      sched.pushParkedFrames(g, workerParkedFrames);
      // node, a local of gcBgMarkWorker live across its gopark.
      const wf = g.frames[workerFrameIndex]!;
      rt.mem.storeWord(g.stack.hi - wf.sp + workerNodeSlot, node);
      releaseSudog(rt, sudog);
      this.workers++;
    }
  }

  private workers = 0;
  /** Dedicated mark workers this cycle (the first `dedicated` Ps run one), and the idle-worker limit. */
  private dedicated = 0;
  private idleMax = 0;

  // ── stop the world ───────────────────────────────────────────────────

  /**
   * stopTheWorldWithSema: every P stops at this instant. `sample`: a GC
   * stop-the-world (sweep or mark termination) that runtime/metrics counts.
   */
  private stopTheWorld(sample = false): { at: number; sample: boolean } {
    return { at: this.env.clock.now, sample };
  }

  /**
   * startTheWorldWithSema: the pause lasted `ns` (stopping the Ps and the
   * work done while stopped); every P resumes no earlier than its end.
   * The pause is a sample of /sched/pauses/total/gc:seconds, its stopping
   * part (none: every P stops at once here; real Go takes from about 100 ns
   * to a few hundred µs to stop running Ps) one of /sched/pauses/stopping/gc.
   */
  private startTheWorld(stw: { at: number; sample: boolean }, ns: number): void {
    const clock = this.env.clock;
    const end = Math.max(clock.now, stw.at) + Math.round(ns);
    clock.set(end);
    for (const p of this.rt.allp) if (p.time < end) p.time = end;
    const pause = end - stw.at;
    this.pauseNS += pause;
    this.cpu.pause += pause * this.maxprocs;
    if (stw.sample) this.rt.schedStats.recordSTW(true, 0, pause);
  }

  /** The pause of a stop-the-world phase: stopping and restarting GOMAXPROCS Ps (calibrated per P). */
  private stwCost(phase: 'sweepTermination' | 'markTermination'): number {
    return this.env.costs.stwPause(phase, this.maxprocs, this.userForced);
  }

  // ── mark: workers, assists, termination ──────────────────────────────

  /** Whether P p, scheduling at p.time, would run a dedicated or fractional worker (findRunnableGCWorker's first choices). */
  wantsWorker(p: P): boolean {
    if (!this.blacken || !this.mark.available()) return false;
    if (p.id < this.dedicated) return true;
    const gc = this.rt.gcController;
    return gc.fractionalUtilizationGoal > 0 && p.time >= this.fractionalBlocked[p.id]! && gc.fractionalWorkerBehind(this.fractional[p.id]!, p.time);
  }

  /** Whether P p should run a mark worker now, and from when (Infinity: no). userStart: when its goroutines could run. */
  workerStart(p: P, userStart: number): number {
    if (!this.blacken || !this.mark.available()) return Infinity;
    // No worker starts before the cycle's mark does: a P left idle while another ran ahead
    // (a long stretch of allocation without a safe point that let it catch up) has an older time.
    const cont = this.continuing(p, userStart);
    if (cont === workerFractional) return Math.max(p.time, this.tMark);
    if (cont === workerIdle) return Math.max(p.time, this.tMark);
    const awake = this.wakeAt[p.id]!;
    if (this.wantsWorker(p)) return Math.max(p.time, this.tMark, awake);
    // Idle workers on Ps with nothing to run, up to the cycle's limit (one for a periodic GC).
    if (userStart === Infinity && p.id - this.dedicated < this.idleMax) return Math.max(p.time, this.tMark, awake);
    return Infinity;
  }

  /**
   * The worker P p is in the middle of (workerNone: none), as Go's gcDrain
   * has not returned yet. A fractional worker returns only at its checks
   * (after each root job, and every drainCheckThreshold units of heap scan
   * work: pollFractionalWorkerExit) or when sysmon preempts it
   * (sysmonPreemptAt). An idle worker returns when pollWork finds a goroutine
   * to run (userStart), or on that preemption. Until then the P does not go
   * back through findRunnableGCWorker: an idle worker runs no fractional
   * worker however far behind its goal the P falls, so on an idle P nearly
   * all mark time is idle time, which GCCPUFraction leaves out. A goroutine
   * run on the P since (schedtick) ends either.
   */
  private continuing(p: P, userStart: number): number {
    const mode = this.runMode[p.id]!;
    if (mode === workerNone || p.schedtick !== this.runTick[p.id] || p.time >= sysmonPreemptAt(this.runSince[p.id]!)) return workerNone;
    if (mode === workerIdle && userStart !== Infinity) return workerNone;
    return mode;
  }

  /** One step of a mark worker on p, from `start`: about workerQuantumNs of marking. */
  runWorker(p: P, start: number): void {
    const rt = this.rt;
    const clock = this.env.clock;
    const gc = rt.gcController;
    const savedP = rt.curP;
    const savedNow = clock.now;
    clock.set(start);
    rt.curP = p;
    const id = p.id;
    const dedicated = id < this.dedicated;
    let mode = dedicated ? workerNone : this.continuing(p, this.env.sched.userWorkStart(p));
    if (!dedicated && mode === workerNone) {
      // findRunnableGCWorker: a fractional worker if this P is behind its goal, else an idle one.
      mode = gc.fractionalUtilizationGoal > 0 && start >= this.fractionalBlocked[id]! && gc.fractionalWorkerBehind(this.fractional[id]!, start) ? workerFractional : workerIdle;
      this.runMode[id] = mode;
      this.runSince[id] = start;
      this.runTick[id] = p.schedtick;
      this.checkLeft[id] = drainCheckThreshold;
    }
    const fractional = mode === workerFractional;
    if (!this.joined.has(p)) {
      this.joined.add(p);
      this.mark.work.joinP();
    }
    this.stackWaitUntil = -Infinity;
    this.inFractional = fractional;
    const roots = this.mark.rootsStarted();
    // A fractional worker stops at its next check: after a root job, or its scan work to the next threshold.
    this.mark.drain(this.workerQuantumNs, fractional ? this.checkLeft[id] : Infinity, fractional);
    this.inFractional = false;
    const { ns, units } = this.mark.take();
    // Waiting for a running goroutine's stack spins in suspendG: the worker's time. So is what
    // the drain advanced the clock by itself (shrinking a scanned stack: copystack's faults and copy).
    const spent = Math.max(1, Math.round(ns) + (clock.now - start), Math.round(this.stackWaitUntil - start));
    clock.set(start + spent);
    gc.bgScanCredit += units;
    if (dedicated) {
      gc.dedicatedMarkTime += spent;
      this.cpu.dedicated += spent;
    } else if (fractional) {
      gc.fractionalMarkTime += spent;
      this.fractional[id]! += spent;
      this.cpu.fractional += spent;
      const left = (this.checkLeft[id]! -= units);
      if (left <= 0) this.checkLeft[id]! += drainCheckThreshold;
      const check = left <= 0 || this.mark.rootsStarted() !== roots;
      // It gave its P up for a running goroutine's stack (fractionalBlocked), or its check says it is far enough ahead.
      if (this.fractionalBlocked[id]! > start || (check && gc.pollFractionalWorkerExit(this.fractional[id]!, clock.now))) this.runMode[id] = workerNone;
    } else {
      gc.idleMarkTime += spent;
      this.cpu.idle += spent;
    }
    p.busyTime += spent;
    p.time = clock.now;
    this.markEvent(id, dedicated ? 'dedicated' : fractional ? 'fractional' : 'idle', start, spent, units);
    if (!this.mark.available()) {
      // gcMarkDone's ragged barrier and stop-the-world wait for a goroutine running elsewhere to reach its safe point.
      if (clock.now < this.env.sched.safePointAt) clock.set(this.env.sched.safePointAt);
      this.gcMarkDone();
    }
    p.time = Math.max(p.time, clock.now);
    clock.set(Math.max(savedNow, savedP === null ? 0 : savedNow));
    rt.curP = savedP;
  }

  private readonly joined = new Set<P>();
  /** The latest safe point of a running goroutine whose stack this worker step scanned (-Infinity: none). */
  private stackWaitUntil = -Infinity;
  /** Set while a fractional worker drains; per P, until when its fractional worker waits for a running goroutine's stack. */
  private inFractional = false;
  private fractionalBlocked: number[] = [];
  /** Per P, the worker it is in the middle of (continuing): its mode, start, the P's schedtick then, and a fractional worker's scan work left to its next check. */
  private runMode: number[] = [];
  private runSince: number[] = [];
  private runTick: number[] = [];
  private checkLeft: number[] = [];
  /** When each P's M, asleep as the cycle began, is awake to run a worker (-Infinity: it was not asleep). */
  private wakeAt: number[] = [];

  /** Changes with the GC phase and cycle (the scheduler's catch-up stops there). */
  epoch(): number {
    return this.cycles * 4 + this.rt.gcphase;
  }

  /**
   * The idle time of the Ps since the limiter last looked (Go's idle-P and
   * idle-mark limiter events): all P time minus what the Ps spent busy, plus
   * idle mark workers' time (idle for the limiter too).
   */
  private feedLimiterIdle(): void {
    let busy = 0;
    for (const p of this.rt.allp) busy += p.busyTime;
    const now = this.env.clock.now;
    const span = Math.max(0, now - this.limiter.lastUpdate) * this.rt.allp.length;
    const busyDelta = busy - this.limiterBusySeen;
    const idleMark = this.cpu.idle - this.limiterIdleMarkSeen;
    this.limiterBusySeen = busy;
    this.limiterIdleMarkSeen = this.cpu.idle;
    const idle = Math.max(0, span - busyDelta) + idleMark;
    if (idle > 0) this.limiter.addIdleTime(Math.min(idle, span));
  }

  private updateLimiter(): void {
    if (this.limiter.transitioning) return;
    this.feedLimiterIdle();
    this.limiter.update(this.env.clock.now);
  }

  /** gcAssistAlloc: the allocating goroutine pays its debt in scan work. */
  private gcAssistAlloc(g: G): void {
    if (!this.blacken || this.limiter.limiting()) return;
    // The scheduler runs the Ps in turn: a goroutine on a P that lags the one that started the
    // cycle is, in its own time, before the mark began. It assists at its first allocation after.
    if (this.env.clock.now < this.tMark) return;
    const gc = this.rt.gcController;
    let debt = -g.gcAssistBytes;
    let scanWork = Math.trunc(gc.assistWorkPerByte * debt);
    if (scanWork < gcOverAssistWork) {
      scanWork = gcOverAssistWork;
      debt = Math.trunc(gc.assistBytesPerWork * scanWork);
    }
    // Steal background credit first.
    if (gc.bgScanCredit > 0) {
      if (gc.bgScanCredit < scanWork) {
        const stolen = gc.bgScanCredit;
        g.gcAssistBytes += 1 + Math.trunc(gc.assistBytesPerWork * stolen);
        gc.bgScanCredit = 0;
        scanWork -= stolen;
      } else {
        gc.bgScanCredit -= scanWork;
        g.gcAssistBytes += debt;
        return;
      }
    }
    const p = this.rt.curP;
    if (p !== null && !this.joined.has(p)) {
      this.joined.add(p);
      this.mark.work.joinP();
    }
    const start = this.env.clock.now;
    this.mark.drain(Infinity, scanWork);
    const { ns, units } = this.mark.take();
    g.gcAssistBytes += 1 + Math.trunc(gc.assistBytesPerWork * units);
    // With what the drain advanced the clock by itself (stack shrinking, as in runWorker).
    const spent = Math.round(ns) + (this.env.clock.now - start);
    this.env.clock.advance(Math.round(ns));
    gc.assistTime += spent;
    this.cpu.assist += spent;
    this.markEvent(p?.id ?? -1, 'assist', start, spent, units);
    this.limiter.addAssistTime(spent);
    this.updateLimiter();
    if (!this.mark.available()) {
      this.gcMarkDone();
      return;
    }
    // Still in debt with work left elsewhere would park in Go; gomem's single
    // queue has no work hidden in other Ps' buffers, so the debt stands.
  }

  /** GODEBUG=gcstoptheworld=1|2: mark everything now, every P working, the world stopped. */
  private markWithWorldStopped(): void {
    // Not a stop-the-world of its own in Go, which only keeps user goroutines off the Ps
    // (schedEnableUser(false)) between the two pauses: no /sched/pauses sample.
    const stw = this.stopTheWorld();
    this.mark.drain(Infinity);
    const { ns, units } = this.mark.take();
    const wall = ns / this.maxprocs;
    this.markEvent(-1, 'stw', stw.at, ns, units);
    this.rt.gcController.dedicatedMarkTime += ns;
    this.cpu.dedicated += ns;
    this.startTheWorld(stw, wall);
    this.gcMarkDone();
  }

  /** gcMarkDone: no mark work is left — mark termination. */
  gcMarkDone(): void {
    const rt = this.rt;
    if (rt.gcphase !== _GCmark || this.mark.available()) return;
    const clock = this.env.clock;
    // Never before the mark began, whichever P's time finished the work (see gcAssistAlloc).
    if (clock.now < this.tMark) clock.set(this.tMark);
    const now = clock.now;
    this.tMarkTerm = now;
    this.phaseEvent('marktermination', now);
    const stw = this.stopTheWorld(true);
    this.env.sched.computeStartingStackSize(rt.debugGC.adaptivestackstart !== 0);
    this.blacken = false;
    rt.gcBlackenEnabled = false;
    this.feedLimiterIdle();
    this.limiter.startGCTransition(false, now);
    const gc = rt.gcController;
    const pacerLine = gc.endCycle(now, rt.allp.length, this.userForced);
    // gcMarkTermination.
    rt.gcphase = _GCmarktermination;
    this.heap1 = gc.heapLive;
    for (const p of rt.allp) p.mcache.scanAlloc = 0;
    gc.resetLive(this.mark.work.bytesMarked);
    this.heap2 = this.mark.work.bytesMarked;
    if (rt.debugGC.gccheckmark > 0) this.checkmark();
    rt.gcphase = _GCoff;
    rt.writeBarrier.enabled = false;
    this.sweeper.begin();
    const stwSwept = this.mode === 2;
    if (stwSwept) {
      for (const p of rt.allp) p.mcache.prepareForSweep(rt);
      while (this.sweeper.sweepone() !== -1) {
        /* sweep */
      }
      // Every free of this cycle is in: the profile cycle can be published at once.
      rt.mprof.nextCycle();
      rt.mprof.flush();
    }
    const ms = rt.memstats;
    ms.lastHeapInUse = gc.heapInUse.bytes;
    this.controllerCommit();
    const sweptNs = this.sweeper.take();
    // A new heap-profile cycle starts before the world does, so no event leaks into the wrong one.
    rt.mprof.nextCycle();
    this.startTheWorld(stw, this.stwCost('markTermination') + sweptNs);
    rt.mprof.flush();
    const end = clock.now;
    this.tEnd = end;
    this.limiter.finishGCTransition(end);
    ms.last_gc_unix = this.env.unixNanos(end);
    ms.last_gc_nanotime = end;
    ms.pause_ns[ms.numgc % 256] = this.pauseNS;
    ms.pause_end[ms.numgc % 256] = ms.last_gc_unix;
    ms.pause_total_ns += this.pauseNS;
    const total = (end - this.env.startTime) * rt.allp.length;
    ms.gc_cpu_fraction = total > 0 ? (this.cpu.total - this.cpu.idle) / total : 0;
    rt.scavenge.accumulate();
    this.onMarkTermination?.();
    this.doneEvent();
    this.phaseEvent(stwSwept ? 'sweepdone' : 'sweep', end);
    if (this.userForced) ms.numforcedgc++;
    ms.numgc++;
    rt.mheap.pages.scav.index.nextGen();
    this.joined.clear();
    // After the world restarts: free workbufs later, free stack spans, flush the caches.
    this.mark.work.prepareFree();
    this.env.stacks.freeStackSpans();
    // forEachP: every P flushes its mcache; idle ones (every P but the running one, between steps) their page cache.
    const running = rt.curP;
    for (const p of rt.allp) {
      rt.curP = p;
      p.mcache.prepareForSweep(rt);
      rt.curP = running;
      if (p !== running) p.pcache.flush(rt.mheap.pages);
    }
    this.chargeSweep();
    if (pacerLine !== null && rt.debugGC.gcpacertrace > 0) this.env.print(pacerLine);
    if (rt.debugGC.gctrace > 0) this.env.print(this.traceLine());
    if (gc.heapGoal() > minHeapForMetadataHugePages) rt.mheap.enableMetadataHugePages();
    if (!stwSwept) this.wakeSweeper();
    for (let i = this.markWaiters.length - 1; i >= 0; i--) {
      const w = this.markWaiters[i]!;
      if (ms.numgc >= w.cycle) {
        this.markWaiters.splice(i, 1);
        this.env.sched.ready(w.g);
      }
    }
  }

  /**
   * gcControllerCommit: the pacer's goal and trigger from its inputs, the
   * assist ratio if marking, the sweeper's and scavenger's pace. At mark
   * termination, and at once when debug.SetGCPercent or SetMemoryLimit
   * changes a setting.
   */
  controllerCommit(): void {
    const gc = this.rt.gcController;
    gc.commit(this.sweeper.isDone());
    if (this.blacken) gc.revise();
    this.sweeper.pace(gc.trigger().trigger);
    gcPaceScavenger(this.rt);
    this.rt.onGCCommit?.();
  }

  // ── events for observers (traceevent.ts) ─────────────────────────────

  private phaseEvent(phase: GCPhase, t: number): void {
    const ev = this.rt.events;
    if (ev.wants('gcPhase')) ev.emit('gcPhase', { t, cycle: this.cycles, phase });
  }

  private markEvent(p: number, who: MarkWorker, t: number, ns: number, work: number): void {
    const ev = this.rt.events;
    if (ev.wants('gcMark')) ev.emit('gcMark', { t, cycle: this.cycles, p, who, ns, work, grey: this.mark.work.n, marked: this.mark.work.bytesMarked });
  }

  /** At the end of mark termination, with the figures gctrace prints. */
  private doneEvent(): void {
    const ev = this.rt.events;
    if (!ev.wants('gcDone')) return;
    const gc = this.rt.gcController;
    const c = this.cpu;
    ev.emit('gcDone', {
      t: this.tEnd,
      cycle: this.cycles,
      heap0: this.heap0,
      heap1: this.heap1,
      heap2: this.heap2,
      goal: gc.lastHeapGoal,
      nextGoal: gc.heapGoal(),
      nextTrigger: gc.trigger().trigger,
      pauseNs: this.pauseNS,
      heapScan: gc.lastHeapScan,
      stackScan: gc.lastStackScan,
      globalsScan: gc.globalsScan,
      cpuAssist: c.assist,
      cpuDedicated: c.dedicated,
      cpuFractional: c.fractional,
      cpuIdle: c.idle,
      cpuPause: c.pause,
    });
  }

  /** The gctrace line of the cycle that just ended (mgc.go gcMarkTermination). */
  traceLine(): string {
    const rt = this.rt;
    const ms = rt.memstats;
    const gc = rt.gcController;
    const util = Math.trunc(ms.gc_cpu_fraction * 100);
    const clk = [this.tMark - this.tSweepTerm, this.tMarkTerm - this.tMark, this.tEnd - this.tMarkTerm].map(fmtNSAsMS).join('+');
    const cpu =
      fmtNSAsMS(this.stwprocs * (this.tMark - this.tSweepTerm)) +
      '+' +
      fmtNSAsMS(gc.assistTime) +
      '/' +
      fmtNSAsMS(gc.dedicatedMarkTime + gc.fractionalMarkTime) +
      '/' +
      fmtNSAsMS(gc.idleMarkTime) +
      '+' +
      fmtNSAsMS(this.stwprocs * (this.tEnd - this.tMarkTerm));
    const mb = (n: number): number => Math.floor(n / 1048576);
    return (
      `gc ${ms.numgc} @${itoaDiv(Math.floor((this.tSweepTerm - this.env.startTime) / 1e6), 3)}s ${util}%: ${clk} ms clock, ${cpu} ms cpu, ` +
      `${mb(this.heap0)}->${mb(this.heap1)}->${mb(this.heap2)} MB, ${mb(gc.lastHeapGoal)} MB goal, ${mb(gc.lastStackScan)} MB stacks, ` +
      `${mb(gc.globalsScan)} MB globals, ${this.maxprocs} P${this.userForced ? ' (forced)' : ''}\n`
    );
  }

  /** GODEBUG=gccheckmark=1: after mark, a stop-the-world re-walk finds nothing reachable left unmarked. */
  private checkmark(): void {
    walkReachable(this.rt, this.env.roots, (base, s) => {
      const idx = s.nelems === 1 ? 0 : s.divideByElemSize(base - s.startAddr);
      if (!s.isMarked(idx)) {
        throw new CheckmarkError(`runtime: checkmarks found unexpected unmarked object obj=0x${base.toString(16)}\nfatal error: checkmark found unmarked object`);
      }
    });
  }

  // ── sweeping after the cycle ─────────────────────────────────────────

  private wakeSweeper(): void {
    const g = this.bgsweepG;
    if (g !== null && this.bgsweepParked && g.status !== _Gdead) {
      this.bgsweepParked = false;
      const saved = this.rt.curP;
      this.env.sched.ready(g);
      this.rt.curP = saved;
    }
  }

  /** bgsweep: sweep span by span, letting others run every few spans; then free the workbufs; park. */
  private *bgsweep(): GoroutineBody {
    for (;;) {
      let n = 0;
      while (this.sweeper.sweepone() !== -1) {
        this.chargeSweep();
        if (++n % 10 === 0) yield YieldGosched;
      }
      this.chargeSweep();
      while (this.mark.work.freeSome()) yield YieldGosched;
      this.bgsweepParked = true;
      yield this.env.sched.park('GC sweep wait');
    }
  }

  /** The sweep of this cycle finished: the scavenger's and gcpacertrace's moment. */
  private onSweepDone(): void {
    this.phaseEvent('sweepdone', this.env.clock.now);
    this.rt.onSweepDone?.();
    if (this.rt.debugGC.gcpacertrace > 0) {
      const h = this.rt.mheap;
      const live = this.rt.gcController.heapLive;
      this.env.print(`pacer: sweep done at heap size ${Math.floor(live / 1048576)}MB; allocated ${Math.floor((live - h.sweepHeapLiveBasis) / 1048576)}MB during sweep; swept ${h.pagesSwept} pages at ${printfloat(h.sweepPagesPerByte)} pages/byte\n`);
    }
    scavengerSweepDone(this.rt, this.rt.debugGC.scavtrace, (s) => this.env.print(s));
  }

  // ── finalizers ───────────────────────────────────────────────────────

  /** runtime.SetFinalizer(obj, fn) (fn null removes it); obj must point to the start of a heap object. */
  setFinalizer(obj: number, fn: ((obj: number) => void) | null): void {
    const rt = this.rt;
    const s = rt.mheap.spanOf(obj);
    if (s === null || s.state !== 1) GoPanicLike('runtime.SetFinalizer: pointer not in allocated block');
    if (fn === null) {
      const rec = this.finalizers.remove(s, obj);
      if (rec !== 0) this.specialAlloc.free(rec);
      return;
    }
    const rec = this.specialAlloc.alloc(rt.curP?.palloc ?? null);
    rt.sys.touch(rec, specialFinalizerSize);
    const base = objectBase(s, obj);
    if (obj - base !== (hasHeader(s) ? 8 : 0)) GoPanicLike('runtime.SetFinalizer: pointer not at beginning of allocated block');
    if (!this.finalizers.add(s, base, obj, fn, rec)) {
      this.specialAlloc.free(rec);
      GoPanicLike('runtime.SetFinalizer: finalizer already set');
    }
  }

  /** The finalizer goroutine (createfing): it runs the queued finalizers. */
  setFinalizerGoroutine(g: G): void {
    const sched = this.env.sched;
    this.finalizers.setFing({
      ready: () => {
        const saved = this.rt.curP;
        sched.ready(g);
        this.rt.curP = saved;
      },
    });
    g.body = this.finalizers.runfinq(
      () => sched.park('finalizer wait'),
      (ns) => this.env.clock.advance(Math.round(ns)),
    );
  }

  // ── runtime.GC and the periodic GC ───────────────────────────────────

  /**
   * runtime.GC, first half: start a new cycle now if none is in progress
   * (sweep termination happens at the call, as in Go). Returns the cycle to
   * wait for, or −1 when a cycle is in progress and must end first.
   */
  startForced(): number {
    if (this.rt.gcphase !== _GCoff) return -1;
    const n = this.cycles;
    this.gcStart('cycle', n + 1);
    return this.cycles;
  }

  /**
   * runtime.GC, second half: wait for that cycle's mark termination, then
   * sweep everything on this goroutine, as Go's GC returns only after
   * sweeping. Blocks the calling goroutine (yield* it).
   */
  *waitForced(cycle: number): GoroutineBody {
    if (cycle < 0) {
      // gcWaitOnMark(n) for the cycle in progress, then start ours.
      yield* this.waitOnMark(this.cycles);
      const n = this.cycles;
      this.gcStart('cycle', n + 1);
      cycle = this.cycles;
    }
    yield* this.waitOnMark(cycle);
    while (this.cycles === cycle && this.sweeper.sweepone() !== -1) this.chargeSweep();
    this.chargeSweep();
    // The sweep is really done: publish the stable heap profile, unless another mark termination came first.
    if (this.cycles === cycle || (this.rt.gcphase === _GCmark && this.cycles === cycle + 1)) this.rt.mprof.postSweep();
  }

  /** Parks the running goroutine until numgc reaches `cycle`. */
  private *waitOnMark(cycle: number): GoroutineBody {
    const sched = this.env.sched;
    while (this.rt.memstats.numgc < cycle) {
      this.markWaiters.push({ g: sched.curG!, cycle });
      yield sched.park('GC wait');
    }
  }

  /** The scheduler's tick: sysmon's check for the 2-minute periodic GC. */
  tick(now: number): void {
    this.rt.scavenger.sysmon();
    if (this.limiter.needUpdate(now)) this.updateLimiter();
    if (!this.forcegcParked || this.forcegcG === null) return;
    const ms = this.rt.memstats;
    if (!this.enabled || this.rt.gcController.gcPercent < 0 || ms.last_gc_nanotime === 0) return;
    if (now - ms.last_gc_nanotime <= forcegcperiod || this.rt.gcphase !== _GCoff) return;
    this.forcegcParked = false;
    const saved = this.rt.curP;
    this.rt.curP = null;
    this.env.sched.ready(this.forcegcG);
    this.rt.curP = saved;
  }

  /** sysmon wakes the scavenger if the end of a sweep asked for it. */
  sysmonWake(): void {
    this.rt.scavenger.sysmon();
  }

  private *forcegchelper(): GoroutineBody {
    for (;;) {
      this.forcegcParked = true;
      yield this.env.sched.park('force gc (idle)');
      this.gcStart('time');
    }
  }
}

/** SetFinalizer misuse: Go throws with this message. */
function GoPanicLike(msg: string): never {
  goThrow(msg);
}

/** A failed gccheckmark verification (Go throws). */
export class CheckmarkError extends Error {}

/** gcBgMarkWorkerNode: an lfnode (next uint64, pushcnt uintptr), gp guintptr and m muintptr: 32 bytes, no pointer the GC sees. */
const workerNodeSize = 32;

/** A mark worker goroutine's body: the scheduler runs its work (GC.runWorker); the G itself stays parked. */
function* parkWorker(): GoroutineBody {
  for (;;) yield YieldPark;
}

export { gType };
