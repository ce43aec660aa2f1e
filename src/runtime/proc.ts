// The scheduler (proc.go), in virtual time. GOMAXPROCS Ps each keep a
// position in time; goroutines are generators that run on a P until they
// block (park), yield (Gosched) or are preempted, and their work advances
// that P's time. Parallelism is modelled, not executed: the host runs one
// goroutine step at a time, always the one that can start earliest.
//
// The policy, deterministic by construction:
//   1. Timers due before the earliest possible start fire first; each
//      readies its goroutine on the P it last ran on.
//   2. A P runs, in Go's order: runnext, its local queue, the global
//      queue (first every 61st tick, as Go does for fairness), then steals
//      from the P with the longest queue. An idle P picks up a goroutine no
//      earlier than the time the goroutine became runnable.
//   3. Among Ps, the one that can start earliest runs; ties go to the
//      lower P id. A goroutine keeps its P until it blocks.
//   4. newproc and goready put the goroutine in the current P's runnext
//      (the previous runnext goes to the tail of the local queue).
// When no goroutine is runnable and no timer is pending while main is
// blocked, the program dies like Go: "all goroutines are asleep - deadlock!".

import type { Clock } from '../sim/clock.ts';
import { Rand } from '../sim/rand.ts';
import { VirtualTimeLimit } from './deadline.ts';
import { goThrow } from './panic.ts';
import type { Runtime } from './runtime.ts';
import {
  type Frame,
  G,
  type GoroutineBody,
  type P,
  YieldGosched,
  YieldPark,
  YieldPreempt,
  _Gdead,
  _Grunnable,
  _Grunning,
  _Gwaiting,
} from './runtime2.ts';
import type { ParkedFrames } from './proc_parked.ts';
import { fixedStack, type StackAllocator } from './stack.ts';
import { PTimeIndex } from './proc_pindex.ts';

/** stackNosplit, stackGuard (stack.go) and maxstacksize (proc.go). */
const stackNosplit = 800;
const stackGuard = 928;
const maxstacksize = 1_000_000_000;

/**
 * isSystemGoroutine (traceback.go) by the start function's name: a
 * goroutine started in package runtime is the runtime's own, left out of
 * runtime.NumGoroutine and /sched/goroutines — even one started for
 * another package, as unique's map cleanup is — except runtime.main.
 * (Go also counts runfinq while it runs a finalizer; gomem never does.)
 */
export function isSystemGoroutine(startFn: string): boolean {
  return startFn.startsWith('runtime.') && startFn !== 'runtime.main';
}

/** forcePreemptNS: sysmon preempts a goroutine that ran this long (10 ms). */
export const forcePreemptNS = 10_000_000;
/** sysmon's sleep between checks once a busy program has let it grow (20 µs doubling to 10 ms). */
export const sysmonDelayNS = 10_000_000;

/**
 * When sysmon preempts a goroutine (or a mark worker) that got its P at
 * `since`. sysmon sees the P's new schedtick at its first check after
 * `since` and notes the time then; it preempts at the check
 * forcePreemptNS after that. With checks every 10 ms that is 10–20 ms after
 * `since`, and a goroutine that keeps running is preempted every 20 ms: in
 * real Go 1.23.5 two spinning goroutines on one P run in slices of
 * 20.1–24.0 ms, median 20.3 (2026-12-07). The checks are taken at whole
 * multiples of sysmonDelayNS.
 */
export function sysmonPreemptAt(since: number): number {
  return (Math.floor(since / sysmonDelayNS) + 1) * sysmonDelayNS + forcePreemptNS;
}

/** runqgrab's usleep(3) before it takes a running P's runnext. */
const stealRunNextDelay = 3_000;

/** gTrackingPeriod (runtime2.go): one in this many transitions out of _Grunning starts latency tracking. */
export const gTrackingPeriod = 8;

/** waitReason.isMutexWait: parked on a sync.Mutex or sync.RWMutex (the wait reasons' strings, as gopark gives them). */
function isMutexWait(reason: string): boolean {
  return reason === 'sync.Mutex.Lock' || reason === 'sync.RWMutex.RLock' || reason === 'sync.RWMutex.Lock';
}

/** A pending timer: it readies g (time.Sleep), or calls f (a runtime timer such as the scavenger's). */
export interface Timer {
  when: number;
  seq: number;
  g: G | null;
  f: (() => void) | null;
}

/** What the scheduler would run next: where from, on which P, from when. */
interface Pick {
  p: P;
  start: number;
  from: 'local' | 'global' | 'steal' | 'stealnext' | 'gc';
  victim?: P;
}

/** Where a P would find a goroutine, and from when (Pick without the P). */
interface UserCandidate {
  start: number;
  from: Pick['from'];
  victim?: P;
}

/** What a P with nothing of its own could take: the global queue's head, a victim to steal from, runnexts to steal. */
interface StealContext {
  glob: G | null;
  /** The P with the longest run queue (the lowest id among equals), or null. */
  victim: P | null;
  /** The Ps with a runnext, by id. */
  nexts: P[];
}

/** Whether a is picked before b: the earlier start, then the lower P id. */
function earlier(a: Pick, b: Pick): boolean {
  return a.start < b.start || (a.start === b.start && a.p.id < b.p.id);
}

/** What the scheduler asks of the collector (mgc.ts). */
export interface GCScheduling {
  /**
   * When P p should start a mark worker (Infinity: it should not); userStart
   * is when its goroutines could run. Infinity on every P while
   * rt.gcBlackenEnabled is false (Go's schedule looks for a worker only
   * then): pickNext relies on it to pass over the idle Ps outside a mark phase.
   */
  workerStart(p: P, userStart: number): number;
  /** Runs one mark worker step on p from `start`, advancing p's time. */
  runWorker(p: P, start: number): void;
  /** sysmon's periodic check (the forced GC every 2 minutes). */
  tick(now: number): void;
  /** sysmon's wake-up of the scavenger when sweeping asked for it (scavenger.sysmonWake); also at sysmon's preemption of a long-running goroutine. */
  sysmonWake?(): void;
  /** Changes whenever the GC phase or cycle does (a catch-up stops there). */
  epoch(): number;
  /** Whether P p, scheduling now (at p.time), would run a dedicated or fractional mark worker (not an idle one). */
  wantsWorker(p: P): boolean;
}

/** What newproc needs from the world above the scheduler (allocation of g structs, costs). */
export interface ProcHooks {
  /** malg's `new(g)`: a heap-allocated g struct; returns its address. */
  allocG(): number;
  /** allgadd: registering a new G (the allgs slice grows on the heap). */
  allgadd(g: G): void;
  /** Virtual-time cost of creating a goroutine. */
  goroutineCreateCost(): number;
  /** Virtual-time cost of switching to another goroutine on a P. */
  switchCost(): number;
  /** How long a sleep of d ns really lasts (timer granularity, the idle M's wake-up). */
  sleepWall(d: number): number;
}

export class Sched {
  readonly allgs: G[] = [];
  /** sched.gFree: dead Gs beyond the Ps' own lists, with and without stacks (top last). */
  private readonly gFreeStack: G[] = [];
  private readonly gFreeNoStack: G[] = [];
  readonly globrunq: G[] = [];
  private readonly timers: Timer[] = [];
  private timerSeq = 0;
  private goidgen = 0;
  /** The running goroutine, or null between steps. */
  curG: G | null = null;
  mainG: G | null = null;
  /** Set when main returns or os.Exit is called. */
  exitCode: number | null = null;
  /** Virtual time after which run() stops a program that has not ended (VirtualTimeLimit). */
  maxTimeNs = Infinity;
  /** The collector's part of scheduling: mark workers and the periodic GC (mgc.ts); null without a collector. */
  gc: GCScheduling | null = null;
  /** CPUs of the machine (stop-the-world work is spread over min(GOMAXPROCS, ncpu)). */
  ncpu = 1;
  /** OS threads (Ms); newm adds one. */
  threads = 1;
  /** Per-P goid caches: goids are handed out in batches of 16 per P (_GoidCacheBatch). */
  private readonly goidcache = new Map<number, { next: number; end: number }>();
  /** casgstatusAlwaysTrack (proc.go): track every transition, not one in gTrackingPeriod (tests set it, as Go's do). */
  casgstatusAlwaysTrack = false;
  /**
   * cheaprand for newproc's trackingSeq: a uniform uint32, from a stream of
   * its own so that it moves no other draw (seed 1 unless the process sets it).
   */
  cheaprand: () => number = ((r) => () => r.uint32())(new Rand(1, 0x7472636b));
  /** The Ps with a runnext or a non-empty run queue (the others are idle, found through pindex). */
  private readonly local = new Set<P>();
  /** The idle Ps by time, so that a pick costs O(log Ps) for them instead of a look at each. */
  private readonly pindex = new PTimeIndex();

  constructor(
    private readonly rt: Runtime,
    private readonly clock: Clock,
    private readonly stacks: StackAllocator,
    private readonly hooks: ProcHooks,
  ) {}

  get ps(): P[] {
    return this.rt.allp;
  }

  /** CPU time the Ps spent running so far, with the running step's part up to now (it is credited to its P when the step ends). */
  busyTimeNow(): number {
    let busy = 0;
    for (const p of this.ps) busy += p.busyTime;
    if (this.curG !== null && this.curG !== this.runningG) busy += this.clock.now - this.segStart;
    // While the other Ps catch up, the goroutine waiting at its safe point has been running since its segment began.
    if (this.runningG !== null) busy += Math.max(0, this.clock.now - this.runningSegStart);
    return busy;
  }

  /** runtime.NumGoroutine: live goroutines that are not the runtime's own. */
  numGoroutine(): number {
    let n = 0;
    for (const g of this.allgs) if (g.status !== _Gdead && !g.system) n++;
    return n;
  }

  // ── goroutine creation and exit ──────────────────────────────────────

  /** The next goid, from the current P's batch of 16 (proc.go newproc1). */
  private nextGoid(): number {
    const pid = this.rt.curP?.id ?? 0;
    let c = this.goidcache.get(pid);
    if (c === undefined || c.next === c.end) {
      const base = this.goidgen;
      this.goidgen += 16;
      c = { next: base + 1, end: base + 17 };
      this.goidcache.set(pid, c);
    }
    return c.next++;
  }

  /**
   * newproc: a new goroutine running `body`, placed in the current P's
   * runnext — or, with `parked`, already blocked for that reason (the
   * runtime's own goroutines, which park as soon as they start).
   */
  newproc(name: string, body: GoroutineBody, opts: { parked?: string } = {}): G {
    let g = this.gfget(this.rt.curP ?? this.rt.allp[0]!);
    if (g === null) {
      // malg(stackMin): a fresh g struct and a 2 KiB stack.
      g = new G(0, name);
      g.addr = this.hooks.allocG();
      g.stack = this.stacks.stackalloc(fixedStack);
      g.status = _Gdead;
      this.allgs.push(g);
      this.hooks.allgadd(g);
    }
    this.rt.gcController.addScannableStack(null, g.stack.hi - g.stack.lo);
    g.goid = this.nextGoid();
    g.name = name;
    g.system = isSystemGoroutine(name);
    g.body = body;
    g.stackUsed = 0;
    g.frames.length = 0;
    g.inlined.length = 0;
    g.gcAssistBytes = 0;
    // Track the first transition of one new goroutine in gTrackingPeriod, at random (newproc1).
    g.trackingSeq = this.cheaprand() & 0xff;
    if (g.trackingSeq % gTrackingPeriod === 0) g.tracking = true;
    this.clock.advance(Math.round(this.hooks.goroutineCreateCost()));
    // The goroutine's first frame is written at the top of its stack.
    this.rt.sys.touch(g.stack.hi - 8, 8);
    if (opts.parked !== undefined) {
      g.status = _Gwaiting;
      g.waitreason = opts.parked;
      g.lastP = this.rt.curP?.id ?? 0;
    } else {
      this.ready(g);
    }
    return g;
  }

  /** goexit0 + gfput: the goroutine ends; its G (and a stack of the starting size) is kept for reuse. */
  private goexit(g: G): void {
    this.leaveRunning(g);
    g.status = _Gdead;
    g.body = null;
    g.frames.length = 0;
    g.inlined.length = 0;
    g.stackUsed = 0;
    this.rt.gcController.addScannableStack(null, -(g.stack.hi - g.stack.lo));
    this.gfput(this.rt.curP ?? this.rt.allp[g.lastP]!, g);
  }

  /**
   * gfput: a dead G goes on its P's free list, its stack freed unless it is
   * of the starting size; at 64 the P moves Gs to the global lists until 31
   * are left.
   */
  private gfput(pp: P, g: G): void {
    if (g.stack.hi - g.stack.lo !== this.startingStackSize) this.dropStack(g);
    pp.gFree.push(g);
    if (pp.gFree.length < 64) return;
    const moved: G[] = [];
    while (pp.gFree.length >= 32) moved.push(pp.gFree.pop()!);
    // gList.pushAll: the batch goes on top of each list in the order it was taken.
    for (let i = moved.length - 1; i >= 0; i--) {
      const x = moved[i]!;
      (x.stack.lo === 0 ? this.gFreeNoStack : this.gFreeStack).push(x);
    }
  }

  /**
   * gfget: a G from the P's free list, refilled to 32 from the global lists
   * (Gs with stacks first) when empty. A kept stack that is no longer the
   * starting size is freed, and a G without one gets a new stack.
   */
  private gfget(pp: P): G | null {
    if (pp.gFree.length === 0) {
      while (pp.gFree.length < 32) {
        const x = this.gFreeStack.pop() ?? this.gFreeNoStack.pop();
        if (x === undefined) break;
        pp.gFree.push(x);
      }
    }
    const g = pp.gFree.pop();
    if (g === undefined) return null;
    if (g.stack.lo !== 0 && g.stack.hi - g.stack.lo !== this.startingStackSize) this.dropStack(g);
    if (g.stack.lo === 0) g.stack = this.stacks.stackalloc(this.startingStackSize);
    return g;
  }

  /** stackfree(gp.stack); gp.stack = {}: a dead G left without a stack. */
  private dropStack(g: G): void {
    this.stacks.stackfree(g.stack);
    g.stack = { lo: 0, hi: 0 };
  }

  /** startingStackSize: new goroutines' stacks (adaptive: gcComputeStartingStackSize at each GC). */
  startingStackSize = fixedStack;
  /** Stack bytes in use and stacks seen by this cycle's stack scans (p.scannedStackSize/Count). */
  private scannedStackSize = 0;
  private scannedStacks = 0;

  /** markrootFreeGStacks: the collector frees the stacks of the dead Gs on the global free list. */
  freeDeadStacks(): void {
    // Only the global list: the Gs on the Ps' own lists keep their stacks.
    const list = this.gFreeStack.splice(0);
    for (let i = list.length - 1; i >= 0; i--) this.dropStack(list[i]!);
    this.gFreeNoStack.push(...list);
  }

  /**
   * The stack scan's side effects on g (scanstack): its size is counted
   * for the adaptive starting size, and a stack using less than a quarter
   * of itself is halved (shrinkstack) — unless it is running now (Go defers
   * that shrink to its next preemption) or GODEBUG=gcshrinkstackoff=1.
   */
  stackScanned(g: G, shrinkOff: boolean): void {
    this.scannedStackSize += g.stackUsed;
    this.scannedStacks++;
    if (shrinkOff || g === this.curG || g.stack.lo === 0) return;
    const oldsize = g.stack.hi - g.stack.lo;
    const newsize = oldsize / 2;
    if (newsize < fixedStack) return;
    if (g.stackUsed + stackNosplit >= oldsize / 4) return;
    this.copystack(g, newsize);
  }

  /** gcComputeStartingStackSize (mark termination): the average scanned stack + the guard, a power of two. */
  computeStartingStackSize(adaptive: boolean): void {
    if (!adaptive) return;
    if (this.scannedStacks === 0) {
      this.startingStackSize = fixedStack;
      return;
    }
    let avg = Math.floor(this.scannedStackSize / this.scannedStacks) + stackGuard;
    avg = Math.min(Math.max(avg, fixedStack), maxstacksize);
    let n = 1;
    while (n < avg) n *= 2;
    this.startingStackSize = n;
    this.scannedStackSize = 0;
    this.scannedStacks = 0;
  }

  // ── readying and parking ─────────────────────────────────────────────

  /** goready: make g runnable on the current P (runnext), at the current time. */
  ready(g: G): void {
    if (g.tracking) this.trackRunnable(g, this.clock.now);
    g.status = _Grunnable;
    g.readyAt = this.clock.now;
    const p = this.rt.curP ?? this.ps[g.lastP] ?? this.ps[0]!;
    if (p.runnext !== null) p.runq.push(p.runnext);
    p.runnext = g;
    this.localChanged(p);
    this.pollAt = 0;
  }

  /** p's runnext or run queue changed. */
  private localChanged(p: P): void {
    const busy = p.hasLocalWork();
    if (busy) this.local.add(p);
    else this.local.delete(p);
    if (p.id < this.pindex.n) this.pindex.localChanged(p.id, busy);
  }

  /** Brings the index of idle Ps up to date (made afresh when the Ps are not those it indexes). */
  private syncIndex(): void {
    const ps = this.ps;
    if (this.pindex.n !== ps.length) {
      this.pindex.reset(ps);
      this.local.clear();
      for (const p of ps) if (p.hasLocalWork()) this.local.add(p);
    }
    this.pindex.sync();
  }

  /** gopark: the running goroutine stops until someone readies it. Yield YieldPark after this. */
  park(reason: string): typeof YieldPark {
    const g = this.curG!;
    this.leaveRunning(g);
    g.status = _Gwaiting;
    g.waitreason = reason;
    // A tracked goroutine blocking on a mutex: its wait is timed from here.
    if (g.tracking && isMutexWait(reason)) g.trackingStamp = this.clock.now;
    return YieldPark;
  }

  /**
   * casgstatus leaving _Grunning: every gTrackingPeriod-th such transition
   * of a goroutine (its uint8 trackingSeq) starts tracking it until it next
   * runs; Go samples so that the common path stays cheap.
   */
  private leaveRunning(g: G): void {
    if (this.casgstatusAlwaysTrack || g.trackingSeq % gTrackingPeriod === 0) g.tracking = true;
    g.trackingSeq = (g.trackingSeq + 1) & 0xff;
  }

  /**
   * casgstatus to _Grunnable at `now` for a tracked goroutine: a wait on a
   * mutex that ends here adds its time, scaled by the sampling period, to
   * sched.totalMutexWaitTime; the runnable time is timed from here.
   */
  private trackRunnable(g: G, now: number): void {
    if (g.status === _Gwaiting && isMutexWait(g.waitreason)) {
      this.rt.schedStats.totalMutexWaitTime += (now - g.trackingStamp) * gTrackingPeriod;
    }
    g.trackingStamp = now;
  }

  /** A timer that readies g at `when` (time.Sleep, timers). */
  addTimer(when: number, g: G | null, f: (() => void) | null = null): Timer {
    const t: Timer = { when, seq: this.timerSeq++, g, f };
    // Binary heap on (when, seq).
    const h = this.timers;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (timerLess(h[parent]!, h[i]!)) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
    return t;
  }

  /** A runtime timer that calls f at `when` (timer.reset); f runs without a P, as timer functions may. */
  addFuncTimer(when: number, f: () => void): Timer {
    return this.addTimer(when, null, f);
  }

  /** timer.stop: a pending timer does nothing when its time comes (it stays in the heap until then). */
  stopTimer(t: Timer): void {
    t.g = null;
    t.f = null;
  }

  /**
   * injectglist for one goroutine readied without a P or from a runtime
   * helper: it goes to the global run queue (not the current P's runnext),
   * so an idle P picks it up.
   */
  injectglist(g: G): void {
    if (g.tracking) this.trackRunnable(g, this.clock.now);
    g.status = _Grunnable;
    g.readyAt = this.clock.now;
    this.globrunq.push(g);
    this.pollAt = 0;
  }

  /** How long a wait of d ns until a timer really lasts (timer granularity, the idle M's wake-up). */
  sleepWall(d: number): number {
    return this.hooks.sleepWall(d);
  }

  private popTimer(): Timer {
    const h = this.timers;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && timerLess(h[l]!, h[m]!)) m = l;
        if (r < h.length && timerLess(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }

  /** time.Sleep(ns) for the running goroutine. */
  *sleep(ns: number): GoroutineBody {
    if (ns <= 0) return;
    this.addTimer(this.clock.now + Math.round(this.hooks.sleepWall(ns)), this.curG!);
    yield this.park('sleep');
  }

  /** runtime.Gosched. */
  *gosched(): GoroutineBody {
    yield YieldGosched;
  }

  /**
   * CPU work that allocates nothing, preemptible every 10 ms like Go's
   * async preemption when other goroutines wait.
   */
  *work(ns: number): GoroutineBody {
    while (ns > 0) {
      const slice = Math.min(ns, Math.max(1, sysmonPreemptAt(this.schedwhen) - this.clock.now));
      this.clock.advance(slice);
      ns -= slice;
      // Past the time limit, a busy loop hands back to run(), which stops it.
      if ((ns > 0 && this.othersRunnable()) || this.clock.now > this.maxTimeNs) yield YieldPreempt;
      // Preempted with nothing else to run, it is scheduled again at once (a new schedtick).
      else if (ns > 0) this.schedwhen = this.clock.now;
    }
  }

  private othersRunnable(): boolean {
    return this.globrunq.length > 0 || this.local.size > 0;
  }

  // ── frames ───────────────────────────────────────────────────────────

  /**
   * Pushes a frame on the running goroutine's stack, growing the stack by
   * copying if needed. The frame's memory starts zeroed (the compiler zeroes
   * pointer slots a frame's stack map covers) and is written.
   */
  pushFrame(frame: Frame): void {
    this.placeFrame(this.curG!, frame, true);
  }

  /**
   * Writes a runtime goroutine's frames, outermost first, while it is not
   * running: what its stack holds from hi down to the sp its gopark saved
   * (proc_parked.ts).
   */
  pushParkedFrames(g: G, frames: ParkedFrames): void {
    for (const [fn, size, ptrOffs] of frames) this.placeFrame(g, { fn, size, ptrOffs, spillOff: -1, inlined: false, sp: 0 }, false);
  }

  /**
   * Puts `frame` below g's frames, its memory zeroed and written; `grow`:
   * g is running and its stack grows by copying if the frame needs it (a
   * goroutine not started yet, or parked, has room: newproc's stack).
   */
  placeFrame(g: G, frame: Frame, grow: boolean): void {
    g.frames.push(frame);
    g.stackUsed += frame.size;
    frame.sp = g.stackUsed;
    if (grow) this.growIfNeeded(g);
    const lo = g.stack.hi - g.stackUsed;
    this.rt.mem.clear(lo, frame.size);
    this.rt.sys.touch(lo, frame.size);
  }

  /** Pops the running goroutine's innermost frame, which must be `frame` when given. */
  popFrame(frame?: Frame): void {
    const g = this.curG!;
    const f = g.frames.pop();
    if (frame !== undefined && f !== frame) throw new Error(`gomem: frame ${frame.fn} popped out of order (innermost is ${f?.fn ?? 'none'})`);
    if (f) g.stackUsed -= f.size;
  }

  /** copystack to a stack of at least `size` bytes (a measured growth during package init). */
  growStackTo(g: G, size: number): void {
    if (g.stack.hi - g.stack.lo >= size) return;
    const used = g.stackUsed;
    g.stackUsed = Math.max(used, size - 928 - 1);
    this.growIfNeeded(g);
    g.stackUsed = used;
  }

  /** newstack/copystack: double the stack until the frames fit with the guard (928 bytes) to spare. */
  private growIfNeeded(g: G): void {
    let size = g.stack.hi - g.stack.lo;
    if (g.stackUsed + stackGuard <= size) return;
    while (g.stackUsed + stackGuard > size) size *= 2;
    if (size > maxstacksize) goThrow('stack overflow', [`runtime: goroutine stack exceeds ${maxstacksize}-byte limit`]);
    this.copystack(g, size);
  }

  /** copystack: g's used stack moves to a new stack of `size` bytes (frames keep their offsets from hi). */
  private copystack(g: G, size: number): void {
    const old = g.stack;
    const neu = this.stacks.stackalloc(size);
    const used = Math.min(g.stackUsed, old.hi - old.lo);
    this.rt.sys.touch(neu.hi - used, used);
    this.rt.mem.move(neu.hi - used, old.hi - used, used);
    this.rt.gcController.addScannableStack(null, size - (old.hi - old.lo));
    g.stack = neu;
    this.stacks.stackfree(old);
  }

  // ── the run loop ─────────────────────────────────────────────────────

  /** Runs until main returns (or the program exits). */
  run(): void {
    while (this.exitCode === null) {
      if (this.clock.now > this.maxTimeNs) throw new VirtualTimeLimit(this.maxTimeNs);
      const pick = this.pickNext();
      if (pick === null) {
        if (this.timers.length > 0) {
          this.fireTimer();
          continue;
        }
        goThrow('all goroutines are asleep - deadlock!');
      }
      const { p, start } = pick;
      // A timer due before this start fires first: it may make something earlier runnable.
      if (this.timers.length > 0 && this.timers[0]!.when <= start) {
        this.fireTimer();
        continue;
      }
      this.gc?.tick(start);
      const g = this.take(pick);
      if (g === null) this.gc!.runWorker(p, start);
      else this.runStep(p, g, start);
    }
  }

  /** Set while other Ps catch up inside a step (no nesting: their own safe points do not catch up again). */
  private catchingUp = false;
  /** The P whose step the catch-up runs beside (busy: others may take its runnext). */
  private runningP: P | null = null;
  /** The goroutine of that step, stopped at a safe point at `safePointAt` while the others catch up. */
  runningG: G | null = null;
  safePointAt = -Infinity;
  /** When that goroutine's running segment began (its segStart, which the steps run beside it reuse). */
  private runningSegStart = 0;
  /** The running goroutine's next safe point after this time lets the other Ps catch up. */
  private pollAt = 0;
  /** How far other Ps may fall behind a running goroutine before its next safe point lets them catch up (virtual ns). */
  pollQuantumNs = 10_000;

  /**
   * A safe point of the running goroutine (every operation of the program
   * API, between one allocation, load or store and the next): the other Ps
   * run what they would have run by now, if they are pollQuantumNs or more
   * behind or something they act on changed (wantPoll). On real Go they run
   * in parallel with it, so a P with nothing else to do sweeps in bgsweep or
   * marks in an idle worker beside an allocation loop; and a mark worker
   * that needs this goroutine's stack gets it here, as suspendG does at the
   * goroutine's next preemption point.
   */
  poll(): void {
    if (this.catchingUp || this.curG === null) return;
    if (this.clock.now >= sysmonPreemptAt(this.schedwhen)) this.preempt();
    if (this.clock.now < this.pollAt) return;
    this.pollAt = this.clock.now + this.pollQuantumNs;
    this.runOthersUntil(this.clock.now);
  }

  /**
   * The running goroutine has been in a system call since `start`
   * (entersyscall … exitsyscall): for all that time it was at a safe point,
   * so the other Ps catch up to now with its stack and its P available from
   * `start` — a cycle's mark can end and the world stop during the call, as
   * Go takes a P in _Psyscall without waiting for it.
   */
  syscall(start: number): void {
    this.safeSince(start);
  }

  /**
   * The running goroutine ran a long loop without calls since `start` (a
   * byte-by-byte fill or read of a slice): Go preempts such a loop
   * asynchronously at any instruction, so a mark worker could take its
   * stack at any moment of it, as the loop left it. The other Ps catch up
   * to now with its stack available from `start`, as for a system call;
   * without this they would run that stretch only after the goroutine's
   * step, against its frames as they are by then.
   */
  preemptible(start: number): void {
    this.safeSince(start);
  }

  /** The running goroutine has been at a safe point since `start`: the other Ps catch up to now. */
  private safeSince(start: number): void {
    if (this.catchingUp || this.curG === null) return;
    this.pollAt = this.clock.now + this.pollQuantumNs;
    this.runOthersUntil(this.clock.now, start);
  }

  /** When the running goroutine last got its P: sysmon preempts it at sysmonPreemptAt(schedwhen). */
  private schedwhen = 0;
  /** When the running step last changed P (its CPU time is charged to each P for its part). */
  private segStart = 0;

  /**
   * sysmon preempts the running goroutine (sysmonPreemptAt): it goes to
   * the global run queue and its P schedules again. When that P has a mark
   * worker to run (a dedicated one, or a fractional one behind its goal),
   * the worker takes it and the goroutine moves to a P with no goroutine of
   * its own (one running an idle mark worker gives it up at its next
   * pollWork). Otherwise it takes its P back at once. Without this a
   * goroutine that never blocks would keep its P's dedicated and
   * fractional workers from ever running, as it cannot on real Go.
   */
  private preempt(): void {
    const g = this.curG!;
    const cur = this.rt.curP;
    const now = this.clock.now;
    this.schedwhen = now;
    if (cur === null || this.gc === null) return;
    this.gc.sysmonWake?.();
    this.runOthersUntil(now);
    cur.time = now;
    if (!this.gc.wantsWorker(cur)) return;
    const to = this.idlestP(cur);
    cur.busyTime += now - this.segStart;
    if (to === null) {
      this.workerFirst(cur, now);
      return;
    }
    this.rt.curP = to;
    g.lastP = to.id;
    to.lastG = g;
    to.schedtick++;
    this.clock.set(Math.max(now, to.time));
    this.segStart = this.clock.now;
    this.schedwhen = this.clock.now;
    this.wantPoll(); // the P it left starts its worker at once
  }

  /**
   * No other P to move to (GOMAXPROCS=1, or every P has goroutines of its
   * own): findRunnable runs the GC worker before the run queue that holds
   * the preempted goroutine, so the goroutine resumes on this P when the
   * worker gives it up: a fractional worker at its self-preemption check
   * (it is then ahead of its goal), a dedicated one at the end of mark or,
   * here, when sysmon would preempt it (on Go another P's goroutine,
   * preempted in turn, would let this one run there). Without this, at GOMAXPROCS=1 an
   * allocation loop kept the fractional worker off its only P for ever, and
   * once assists had paid their debt the cycle did not end: the heap grew to
   * 84 MB against a 10 MB goal where Go stops at 11 (live-heap-gogc100).
   */
  private workerFirst(cur: P, now: number): void {
    const gc = this.gc!;
    const limit = sysmonPreemptAt(now);
    let t = now;
    while (t < limit && gc.workerStart(cur, t) <= t) {
      gc.runWorker(cur, t);
      if (cur.time <= t) break;
      t = cur.time;
    }
    cur.schedtick++;
    this.clock.set(t);
    this.segStart = t;
    this.schedwhen = t;
    this.wantPoll();
  }

  /** Something other Ps act on changed (a goroutine became runnable, a GC phase began): catch up at the next safe point. */
  wantPoll(): void {
    this.pollAt = 0;
  }

  /**
   * The other Ps run what they would have run until `until`, while the
   * current goroutine waits at a safe point. The catch-up stops early when
   * the GC phase or cycle changes: the current goroutine sees the new phase
   * at its next step before the others run on (it polls again at once).
   */
  private runOthersUntil(until: number, safeAt = this.clock.now): void {
    const cur = this.rt.curP;
    const g0 = this.curG;
    if (g0 === null || cur === null) return;
    const now = this.clock.now;
    // The steps run here set these for their own goroutines; the running one's come back after.
    const segStart = this.segStart;
    const schedwhen = this.schedwhen;
    const epoch = this.gc?.epoch() ?? 0;
    this.catchingUp = true;
    this.runningP = cur;
    this.runningG = g0;
    this.runningSegStart = segStart;
    this.safePointAt = safeAt;
    try {
      for (;;) {
        const pick = this.pickNext(cur);
        if (pick === null || pick.start >= until) break;
        if (this.timers.length > 0 && this.timers[0]!.when <= pick.start) {
          this.fireTimer();
          continue;
        }
        this.gc?.tick(pick.start);
        const g = this.take(pick);
        if (g === null) this.gc!.runWorker(pick.p, pick.start);
        else this.runStep(pick.p, g, pick.start);
        if ((this.gc?.epoch() ?? 0) !== epoch) {
          this.pollAt = 0;
          break;
        }
      }
    } finally {
      this.catchingUp = false;
      this.runningP = null;
      this.runningG = null;
      this.safePointAt = -Infinity;
      this.curG = g0;
      this.rt.curP = cur;
      this.segStart = segStart;
      this.schedwhen = schedwhen;
      this.clock.set(now);
    }
  }

  private fireTimer(): void {
    const t = this.popTimer();
    this.clock.set(Math.max(this.clock.now, t.when));
    const saved = this.rt.curP;
    this.rt.curP = null;
    if (t.f !== null) {
      t.f();
      this.rt.curP = saved;
      return;
    }
    const g = t.g;
    if (g === null) {
      this.rt.curP = saved; // stopped
      return;
    }
    if (g.tracking) this.trackRunnable(g, t.when);
    g.status = _Grunnable;
    g.readyAt = t.when;
    const p = this.ps[g.lastP] ?? this.ps[0]!;
    if (p.runnext !== null) p.runq.push(p.runnext);
    p.runnext = g;
    this.localChanged(p);
    this.rt.curP = saved;
  }

  /** What every P without a goroutine of its own could take (its run queue and runnext being empty). */
  private stealContext(): StealContext {
    let victim: P | null = null;
    const nexts: P[] = [];
    for (const q of this.local) {
      const n = q.runq.length;
      if (n > 0 && (victim === null || n > victim.runq.length || (n === victim.runq.length && q.id < victim.id))) victim = q;
      if (q.runnext !== null) nexts.push(q);
    }
    if (nexts.length > 1) nexts.sort((a, b) => a.id - b.id);
    return { glob: this.globrunq[0] ?? null, victim, nexts };
  }

  /** Where P p would find its next goroutine, and from when it could run it (null: nothing runnable). */
  private userCandidate(p: P, ctx: StealContext = this.stealContext()): UserCandidate | null {
    const local = p.runnext ?? p.runq[0] ?? null;
    if (local !== null && !(p.schedtick % 61 === 60 && ctx.glob !== null)) {
      return { start: Math.max(p.time, local.readyAt), from: 'local' };
    }
    if (ctx.glob !== null) return { start: Math.max(p.time, ctx.glob.readyAt), from: 'global' };
    // Only a P with no goroutine of its own gets here, so it is neither the victim nor among the runnexts.
    const victim = ctx.victim;
    if (victim !== null) return { start: Math.max(p.time, victim.runq[0]!.readyAt), from: 'steal', victim };
    // runqsteal's last try takes a busy P's runnext, after usleep(3) to let that P pick it first.
    for (const q of ctx.nexts) {
      const start = Math.max(p.time, q.runnext!.readyAt) + stealRunNextDelay;
      if (q === this.runningP || q.time > start) return { start, from: 'stealnext', victim: q };
    }
    return null;
  }

  /** When P p could start running a goroutine (Infinity when none is runnable). */
  userWorkStart(p: P): number {
    return this.userCandidate(p)?.start ?? Infinity;
  }

  /** What P p would run next: a goroutine, or a mark worker when the collector wants one no later (null: nothing). */
  private candidate(p: P, ctx: StealContext): Pick | null {
    const cand = this.userCandidate(p, ctx);
    if (this.gc !== null) {
      const ws = this.gc.workerStart(p, cand?.start ?? Infinity);
      if (ws !== Infinity && (cand === null || ws <= cand.start)) return { p, start: ws, from: 'gc' };
    }
    return cand === null ? null : { p, ...cand };
  }

  /**
   * The (P, G) pair that can start earliest, ties to the lower P id; g null
   * means a GC mark worker (findRunnableGCWorker comes before the run queues,
   * as in Go). Every candidate of a P starts no earlier than the P's time,
   * and all idle Ps would take the same goroutine: so the Ps with goroutines
   * of their own are looked at one by one, and the idle ones through the
   * index of their times, in O(log Ps) (outside a mark phase), or in order
   * of time until none can start before the best so far (during one, when
   * each may have a mark worker to run).
   */
  private pickNext(skip: P | null = null): Pick | null {
    this.syncIndex();
    const ctx = this.stealContext();
    let best: Pick | null = null;
    for (const p of this.local) {
      if (p === skip) continue;
      const cand = this.candidate(p, ctx);
      if (cand !== null && (best === null || earlier(cand, best))) best = cand;
    }
    const ix = this.pindex;
    if (skip !== null) ix.hide(skip.id);
    try {
      if (this.gc === null || !this.rt.gcBlackenEnabled) {
        const cand = this.idlePick(ctx);
        if (cand !== null && (best === null || earlier(cand, best))) best = cand;
      } else {
        const seen: number[] = [];
        try {
          for (;;) {
            const t = ix.min();
            if (t === Infinity || (best !== null && t > best.start)) break;
            const id = ix.leftmostAtMost(t);
            if (best !== null && t === best.start && id > best.p.id) break;
            const cand = this.candidate(this.ps[id]!, ctx);
            if (cand !== null && (best === null || earlier(cand, best))) best = cand;
            ix.hide(id);
            seen.push(id);
          }
        } finally {
          for (const id of seen) ix.restore(id);
        }
      }
    } finally {
      if (skip !== null) ix.restore(skip.id);
    }
    return best;
  }

  /**
   * The earliest pick among the idle Ps in the index, none of which has a
   * mark worker to run: each would take the same goroutine, no earlier than
   * its own time and no earlier than that goroutine became runnable.
   */
  private idlePick(ctx: StealContext): Pick | null {
    const ix = this.pindex;
    const m = ix.min();
    if (m === Infinity) return null;
    // The lowest id among the Ps that can start at `ready`, else the earliest P.
    const earliestFor = (ready: number): P => {
      const id = ix.leftmostAtMost(ready);
      return this.ps[id >= 0 ? id : ix.leftmostAtMost(m)]!;
    };
    if (ctx.glob !== null) {
      const p = earliestFor(ctx.glob.readyAt);
      return { p, start: Math.max(p.time, ctx.glob.readyAt), from: 'global' };
    }
    const victim = ctx.victim;
    if (victim !== null) {
      const r = victim.runq[0]!.readyAt;
      const p = earliestFor(r);
      return { p, start: Math.max(p.time, r), from: 'steal', victim };
    }
    // A P may take a runnext only if it would start before that runnext's own P,
    // so which runnext each P takes depends on its time. The winner takes the
    // first one the earliest P may take: a P that may not take it starts no
    // earlier than its P's time, which is later than any P that may.
    for (const q of ctx.nexts) {
      const r = q.runnext!.readyAt;
      if (q !== this.runningP && !(q.time > Math.max(m, r) + stealRunNextDelay)) continue;
      const p = earliestFor(r);
      return { p, start: Math.max(p.time, r) + stealRunNextDelay, from: 'stealnext', victim: q };
    }
    return null;
  }

  /**
   * The P with nothing runnable (not even to steal) that is earliest in
   * time, the lowest id among equals, other than `cur`; null when every P
   * has something.
   */
  private idlestP(cur: P): P | null {
    this.syncIndex();
    const ctx = this.stealContext();
    // A goroutine to take from the global queue or another P's run queue: every P has one.
    if (ctx.glob !== null || ctx.victim !== null) return null;
    if (ctx.nexts.length > 0) {
      // A runnext some Ps may steal and others not (by their times): look at each.
      let to: P | null = null;
      for (const q of this.ps) {
        if (q === cur || this.userCandidate(q, ctx) !== null) continue;
        if (to === null || q.time < to.time) to = q;
      }
      return to;
    }
    // Nothing runnable anywhere but in runnexts, and there are none: every idle P qualifies.
    const ix = this.pindex;
    ix.hide(cur.id);
    try {
      const id = ix.leftmostAtMost(ix.min());
      return id >= 0 ? this.ps[id]! : null;
    } finally {
      ix.restore(cur.id);
    }
  }

  /** Takes the goroutine a pick chose off its queue (null for a GC mark worker). */
  private take(pick: Pick): G | null {
    const p = pick.p;
    if (pick.from === 'gc') return null;
    if (pick.from === 'global') return this.globrunq.shift()!;
    const from = pick.from === 'local' ? p : pick.victim!;
    let g: G;
    if (pick.from === 'steal' || (pick.from === 'local' && p.runnext === null)) {
      g = from.runq.shift()!;
    } else {
      g = from.runnext!;
      from.runnext = null;
    }
    this.localChanged(from);
    return g;
  }

  private runStep(p: P, g: G, start: number): void {
    p.schedtick++;
    this.clock.set(start);
    if (p.lastG !== g && p.lastG !== null) this.clock.advance(Math.round(this.hooks.switchCost()));
    p.lastG = g;
    this.rt.curP = p;
    this.curG = g;
    if (g.tracking) {
      // casgstatus(_Grunnable → _Grunning): the time it waited to run is one sample of /sched/latencies.
      g.runnableTime += this.clock.now - g.trackingStamp;
      g.trackingStamp = 0;
      g.tracking = false;
      this.rt.schedStats.timeToRun.record(g.runnableTime);
      g.runnableTime = 0;
    }
    g.status = _Grunning;
    g.lastP = p.id;
    this.schedwhen = this.clock.now;
    this.segStart = start;
    let done = false;
    let yielded: number | undefined;
    try {
      const r = g.body!.next();
      done = r.done === true;
      yielded = r.value as number | undefined;
    } finally {
      // A preemption may have moved the goroutine to another P mid-step.
      p = this.ps[g.lastP]!;
      p.busyTime += this.clock.now - this.segStart;
      p.time = this.clock.now;
    }
    // Only a step that returns clears curG: a goroutine whose step throws dies
    // running, and the panic report names it.
    this.curG = null;
    if (done) {
      if (g === this.mainG) {
        this.exitCode = 0;
        return;
      }
      this.goexit(g);
    } else if (yielded === YieldGosched) {
      this.leaveRunning(g);
      if (g.tracking) this.trackRunnable(g, this.clock.now);
      g.status = _Grunnable;
      g.readyAt = this.clock.now;
      this.globrunq.push(g);
    } else if (yielded === YieldPreempt) {
      this.leaveRunning(g);
      if (g.tracking) this.trackRunnable(g, this.clock.now);
      g.status = _Grunnable;
      g.readyAt = this.clock.now;
      p.runq.push(g);
      this.localChanged(p);
    } else if (yielded !== YieldPark) {
      throw new Error(`goroutine ${g.goid} yielded ${String(yielded)}; expected a scheduler token`);
    }
    this.rt.curP = null;
  }

  /** The virtual time the program has run (the latest P time). */
  elapsed(): number {
    let t = this.clock.now;
    for (const p of this.ps) t = Math.max(t, p.time);
    return t;
  }
}

/** The body of a goroutine that blocks until something (later, the collector) needs it. */
export function* parkForever(): GoroutineBody {
  for (;;) yield YieldPark;
}

function timerLess(a: Timer, b: Timer): boolean {
  return a.when < b.when || (a.when === b.when && a.seq < b.seq);
}

