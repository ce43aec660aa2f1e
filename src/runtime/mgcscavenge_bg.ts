// The scavenger as a policy (Go 1.23 mgcscavenge.go, mheap.go): its goals
// (gcPaceScavenger), the background scavenger goroutine paced to 1% of the
// CPU by a PI controller (scavengerState, bgscavenge), allocation-time
// scavenging (allocSpan's assist), scavengeAll for debug.FreeOSMemory and
// the GODEBUG=scavtrace=1 line. The page-level work (the scavenge index,
// scavengeOne) is in mgcscavenge.ts.
//
// How a freed page gets back to the OS, in virtual time:
//   1. Mark termination: gcPaceScavenger sets the two goals; the scavenge
//      index's generation moves on, so chunks densely used in the cycle
//      that just ended are skipped, and the pages the coming sweep frees in
//      them are left alone until the next cycle.
//   2. The sweep finishes (sweepone finds nothing left): scavtrace prints
//      and asks sysmon to wake the scavenger; sysmon does at its next look
//      (gomem: the scheduler's next decision, or its 10 ms preemption check).
//      Sweep termination (gcStart) wakes it directly.
//   3. bgscavenge: release 64 KiB at a time, highest addresses first, until
//      1 ms of work or the goals are met; sleep worked/sleepRatio on a
//      timer, the PI controller steering sleepRatio so that the work is 1%
//      of GOMAXPROCS × wall time; park when nothing is left.

import { physPageSize } from './mem.ts';
import { PIController, reduceExtraPercent, retainExtraPercent, scavengeCostRatio, scavengePercent } from './mgcscavenge.ts';
import type { Sched } from './proc.ts';
import type { Runtime } from './runtime.ts';
import type { ScavengeWho } from './traceevent.ts';
import { type G, type GoroutineBody, type YieldValue, YieldPark } from './runtime2.ts';

/** ^uint64(0) for a goal: no scavenging wanted. */
export const noGoal = Infinity;

/** The starting sleep ratio, and the fallback after a controller failure. */
export const startingScavSleepRatio = 0.001;
/** At least this much work (ns) per batch, or the sleeps get too short to be reliable. */
export const minScavWorkTime = 1e6;
/** The amount one scavenge call of the background scavenger asks for. */
export const scavengeQuantum = 64 << 10;
/** What one physical page's release is assumed to cost when the clock saw none. */
export const approxWorkedNSPerPhysicalPage = 10e3;
/** Heap goals above this turn on huge pages for the heap's metadata (malloc.go). */
export const minHeapForMetadataHugePages = 1 << 30;

/** What the limiter offers the allocator's scavenging (mgclimit.go gcCPULimiter). */
export interface ScavengeLimiter {
  limiting(): boolean;
  addAssistTime(ns: number): void;
}

/**
 * Go's `scavenge` variable: the goals and the CPU time of this GC cycle,
 * plus the totals before it (Go folds these into work.cpuStats at mark
 * termination; /cpu/classes/scavenge/* read totals + this cycle's).
 */
export class ScavengeState {
  /** Who the pages being released now are released for (the scavenge event's who). */
  releasing: ScavengeWho = 'background';
  /** Retained heap (heapInUse + heapFree) to keep; noGoal disables. */
  gcPercentGoal = noGoal;
  /** mappedReady to keep; noGoal disables. */
  memoryLimitGoal = noGoal;
  /** ns the allocator spent scavenging this cycle. */
  assistTime = 0;
  /** ns the background scavenger spent this cycle. */
  backgroundTime = 0;
  /** Totals of the cycles before (cpuStats.ScavengeAssistTime, ScavengeBgTime). */
  cumAssistTime = 0;
  cumBgTime = 0;
  /** The GC CPU limiter (set by the collector). */
  limiter: ScavengeLimiter | null = null;

  /** Mark termination: this cycle's times into the totals, and a new cycle. */
  accumulate(): void {
    this.cumAssistTime += this.assistTime;
    this.cumBgTime += this.backgroundTime;
    this.assistTime = 0;
    this.backgroundTime = 0;
  }
}

/** heapRetained: the heap's estimated contribution to RSS. */
export function heapRetained(rt: Runtime): number {
  const gc = rt.gcController;
  return gc.heapInUse.bytes + gc.heapFree.bytes;
}

/**
 * gcPaceScavenger: the two goals, at every gcControllerCommit. The
 * memory-limit goal is 95% of the limit (off while mappedReady is below it:
 * the allocator scavenges for the limit itself). The GOGC goal retains 10%
 * over the heap in use scaled by how the goal moved, and only once a cycle
 * has ended (lastHeapGoal ≠ 0).
 */
export function gcPaceScavenger(rt: Runtime): void {
  const gc = rt.gcController;
  const s = rt.scavenge;
  const memoryLimitGoal = Math.trunc(gc.memoryLimitNum * (1 - reduceExtraPercent / 100));
  const mappedReady = rt.sys.mappedReady;
  s.memoryLimitGoal = mappedReady <= memoryLimitGoal ? noGoal : memoryLimitGoal;

  const lastHeapGoal = gc.lastHeapGoal;
  if (lastHeapGoal === 0) {
    s.gcPercentGoal = noGoal;
    return;
  }
  const goalRatio = gc.heapGoal() / lastHeapGoal;
  let gcPercentGoal = Math.trunc(rt.memstats.lastHeapInUse * goalRatio);
  // Go writes the 10% as a division by 1/(10/100) = 10 (an integer division).
  gcPercentGoal += Math.floor(gcPercentGoal / (100 / retainExtraPercent));
  gcPercentGoal = Math.ceil(gcPercentGoal / physPageSize) * physPageSize;
  const retained = heapRetained(rt);
  s.gcPercentGoal = retained <= gcPercentGoal || retained - gcPercentGoal < physPageSize ? noGoal : gcPercentGoal;
}

/** What the scavenger goroutine needs from the scheduler. */
export interface ScavengerSched {
  readonly now: () => number;
  /** gopark of the running goroutine; the caller yields the token. */
  park(reason: string): YieldValue;
  /** injectglist: g becomes runnable on the global run queue. */
  injectglist(g: G): void;
  /** A runtime timer calling f at `when`; returns its stop (timer.stop: it then does nothing). */
  addFuncTimer(when: number, f: () => void): () => void;
  /** How long waiting d ns for a timer really takes. */
  sleepWall(d: number): number;
  /** A safe point of the running goroutine (other Ps catch up). */
  poll(): void;
}

/**
 * scavengerState: the background scavenger's sleep/wake state and pacing.
 * The stubs (sleepStub, scavenge, shouldStop, gomaxprocs) are what Go's
 * TestScavenger replaces; init installs the real ones where unset.
 */
export class ScavengerState {
  /** The goroutine bound to the scavenger. */
  g: G | null = null;
  /** sysmon should wake the scavenger at its next look. */
  sysmonWake = false;
  parked = false;
  /** The next scavtrace line says "[controller reset]". */
  printControllerReset = false;
  /** Ratio of time worked to time slept; lower means more sleep. */
  sleepRatio = startingScavSleepRatio;
  /** Steers sleepRatio so the scavenger uses scavengePercent of the CPU (tuned loosely by Ziegler–Nichols in Go). */
  sleepController = new PIController(0.3375, 3.2e6, 1e9, 0.001, 1000.0);
  /** ns left during which the controller is not used (after it failed). */
  controllerCooldown = 0;
  /** Test stub: sleeps n ns, returns how long it slept. */
  sleepStub: ((n: number) => number) | null = null;
  /** Scavenges n bytes: [released, ns it took]. */
  scavenge: ((n: number) => [number, number]) | null = null;
  /** Whether the goals are met (stop early). */
  shouldStop: (() => boolean) | null = null;
  gomaxprocs: (() => number) | null = null;
  /** The scheduler, once the scavenger runs as a goroutine (null with sleepStub in tests). */
  sched: ScavengerSched | null = null;
  /** Stops the sleep timer (null when none is set). */
  private stopTimer: (() => void) | null = null;

  /** init: wires the state to g and installs the real functions for the stubs left unset. */
  init(g: G | null, rt: Runtime | null, sched: ScavengerSched | null): void {
    if (this.g !== null) throw new Error('scavenger state is already wired');
    this.g = g;
    this.sched = sched;
    this.sleepRatio = startingScavSleepRatio;
    if (rt === null) return;
    const s = rt.scavenge;
    this.scavenge ??= (n) => {
      const start = rt.clock.now;
      const r = rt.mheap.pages.scavenge(n, null, false);
      const end = rt.clock.now;
      // Between quanta the scavenger is preemptible: the other Ps run meanwhile.
      sched?.poll();
      if (start >= end) return [r, 0];
      s.backgroundTime += end - start;
      return [r, end - start];
    };
    this.shouldStop ??= () => heapRetained(rt) <= s.gcPercentGoal && rt.sys.mappedReady <= s.memoryLimitGoal;
    this.gomaxprocs ??= () => rt.allp.length;
  }

  /** park: the scavenger goroutine parks; yield the returned token. */
  park(): YieldValue {
    this.parked = true;
    return this.sched === null ? YieldPark : this.sched.park('GC scavenge wait');
  }

  /** ready: ask sysmon to wake the scavenger. */
  ready(): void {
    this.sysmonWake = true;
  }

  /** wake: unpark the scavenger now if it is parked (or asleep), onto the global run queue. */
  wake(): void {
    if (!this.parked) return;
    this.sysmonWake = false;
    this.parked = false;
    if (this.sched !== null && this.g !== null) this.sched.injectglist(this.g);
  }

  /** sysmon's look: wake the scavenger if someone asked. */
  sysmon(): void {
    if (this.sysmonWake) this.wake();
  }

  /**
   * sleep for worked/sleepRatio, then feed the CPU fraction of this
   * work+sleep period to the controller. A wake-up (sweep termination) may
   * end the sleep early; slept is what was really slept.
   */
  *sleep(worked: number): GoroutineBody {
    // Too little work to time a sleep by: assume the minimum.
    if (worked < minScavWorkTime) worked = minScavWorkTime;
    worked *= 1 + scavengeCostRatio;
    const sleepTime = Math.trunc(worked / this.sleepRatio);
    let slept: number;
    const sched = this.sched;
    if (this.sleepStub === null && sched !== null) {
      const start = sched.now();
      this.stopTimer = sched.addFuncTimer(start + Math.round(sched.sleepWall(sleepTime)), () => this.wake());
      this.parked = true;
      yield sched.park('sleep');
      slept = sched.now() - start;
      // A wake-up may have come before the timer: it must not fire into a later sleep.
      this.stopTimer();
      this.stopTimer = null;
    } else {
      slept = this.sleepStub!(sleepTime);
    }

    if (this.controllerCooldown > 0) {
      const t = slept + Math.trunc(worked);
      if (t > this.controllerCooldown) this.controllerCooldown = 0;
      else this.controllerCooldown -= t;
      return;
    }
    const idealFraction = scavengePercent / 100.0;
    const cpuFraction = worked / ((slept + worked) * this.gomaxprocs!());
    const [ratio, ok] = this.sleepController.next(cpuFraction, idealFraction, slept + worked);
    this.sleepRatio = ratio;
    if (!ok) {
      // The controller's assumption (a proportional response) broke: sleep a fixed, conservative amount for 5 s.
      this.sleepRatio = startingScavSleepRatio;
      this.controllerCooldown = 5e9;
      this.printControllerReset = true;
    }
  }

  /**
   * run: scavenge in 64 KiB quanta until 1 ms of work, the goals are met or
   * the heap has nothing left. Returns [released bytes, worked ns].
   */
  run(): [number, number] {
    let released = 0;
    let worked = 0;
    while (worked < minScavWorkTime) {
      if (this.shouldStop!()) break;
      const [r, duration] = this.scavenge!(scavengeQuantum);
      // A clock too coarse to see the work: assume 10 µs per physical page.
      if (duration === 0) worked += approxWorkedNSPerPhysicalPage * Math.floor(r / physPageSize);
      else worked += duration;
      released += r;
      // Less than asked for: the heap is exhausted for now.
      if (r < scavengeQuantum) break;
    }
    if (released > 0 && released < physPageSize) throw new Error('released less than one physical page of memory');
    return [released, worked];
  }
}

/**
 * bgscavenge's loop, for a goroutine already parked at its start (gcenable
 * made it and it parked): run, add what was released, sleep; park when
 * nothing was released. onReleased adds to pages.scav.releasedBg.
 */
export function* bgscavengeLoop(s: ScavengerState, onReleased: (n: number) => void): GoroutineBody {
  for (;;) {
    const [released, workTime] = s.run();
    if (released === 0) {
      yield s.park();
      continue;
    }
    onReleased(released);
    yield* s.sleep(workTime);
  }
}

/**
 * gcenable's `go bgscavenge(c)`: scavenger.init on goroutine g (made
 * parked at start-up, where bgscavenge parks after init) and its body.
 */
export function startScavenger(rt: Runtime, g: G, sched: Sched): void {
  const clock = rt.clock;
  rt.scavenger.init(g, rt, {
    now: () => clock.now,
    park: (reason) => sched.park(reason),
    injectglist: (x) => sched.injectglist(x),
    addFuncTimer: (when, f) => {
      const t = sched.addFuncTimer(when, f);
      return () => sched.stopTimer(t);
    },
    sleepWall: (d) => sched.sleepWall(d),
    poll: () => sched.poll(),
  });
  rt.scavenger.parked = true;
  g.body = bgscavengeLoop(rt.scavenger, (n) => {
    rt.mheap.pages.scav.releasedBg += n;
  });
}

/**
 * printScavTrace: the GODEBUG=scavtrace=1 line — KiB released by the
 * background scavenger and eagerly since the last line, KiB released now,
 * and the heap's utilisation (in use / retained).
 */
export function scavTraceLine(rt: Runtime, releasedBg: number, releasedEager: number, forced: boolean): string {
  const gc = rt.gcController;
  const inUse = gc.heapInUse.bytes;
  const retained = heapRetained(rt);
  const util = retained === 0 ? 0 : Math.floor((inUse * 100) / retained);
  let line = `scav ${Math.floor(releasedBg / 1024)} KiB work (bg), ${Math.floor(releasedEager / 1024)} KiB work (eager), ${Math.floor(gc.heapReleased.bytes / 1024)} KiB now, ${util}% util`;
  if (forced) line += ' (forced)';
  else if (rt.scavenger.printControllerReset) {
    line += ' [controller reset]';
    rt.scavenger.printControllerReset = false;
  }
  return line + '\n';
}

/**
 * The sweep of the cycle just finished (sweepone found nothing left): the
 * scavtrace line (its counters restart), then sysmon is asked to wake the
 * scavenger — there is surely work for it now.
 */
export function scavengerSweepDone(rt: Runtime, scavtrace: number, print: (s: string) => void): void {
  if (scavtrace > 0) {
    const scav = rt.mheap.pages.scav;
    print(scavTraceLine(rt, scav.releasedBg, scav.releasedEager, false));
    scav.releasedBg = 0;
    scav.releasedEager = 0;
  }
  rt.scavenger.ready();
}

/**
 * allocSpan's scavenging (the "assist"): release bytes now, forced or not,
 * backing out as soon as the GC CPU limiter turns on. The time counts as
 * scavenge-assist CPU and, for the limiter, as GC time.
 */
export function allocScavenge(rt: Runtime, bytes: number, force: boolean): number {
  const s = rt.scavenge;
  const start = rt.clock.now;
  const limiter = s.limiter;
  s.releasing = 'alloc';
  const released = rt.mheap.pages.scavenge(bytes, limiter === null ? null : () => limiter.limiting(), force);
  s.releasing = 'background';
  rt.mheap.pages.scav.releasedEager += released;
  const dt = rt.clock.now - start;
  limiter?.addAssistTime(dt);
  s.assistTime += dt;
  return released;
}

/**
 * mheap.scavengeAll (debug.FreeOSMemory after its GC): every free page
 * released, density ignored; pages sitting in the Ps' page caches are not
 * free to the page allocator and stay. scavtrace prints one "(forced)"
 * line with the amount in the eager column.
 */
export function scavengeAll(rt: Runtime, scavtrace: number, print: (s: string) => void): number {
  rt.scavenge.releasing = 'free-os-memory';
  const released = rt.mheap.pages.scavenge(Infinity, null, true);
  rt.scavenge.releasing = 'background';
  if (scavtrace > 0) print(scavTraceLine(rt, 0, released, true));
  return released;
}
