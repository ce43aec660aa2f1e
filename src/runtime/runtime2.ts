// The runtime's core structures (runtime2.go): G (a goroutine), and the
// per-P state — the memory system's half (mcache, page cache, mspan cache,
// persistentalloc region) and the scheduler's half (run queues, the P's
// position in virtual time). M (threads) are only counted: gomem runs one
// host thread and models parallelism through per-P virtual clocks.

import type { MCache } from './mcache.ts';
import type { PageCache } from './mpagecache.ts';
import type { MSpan } from './mspan.ts';
import { PersistentAlloc } from './persistentalloc.ts';
import type { Stack } from './stack.ts';

/** unsafe.Sizeof of runtime structures on linux/amd64, Go 1.23.5 (from the DWARF of a real binary). */
export const sizeofG = 432;
export const sizeofM = 1760;
export const sizeofP = 8944;
export const sizeofSudog = 88;
export const sizeofTimer = 88;
export const sizeofDefer = 48;

/** p.mspancache: up to 128 mspans, refilled 64 at a time. */
export const mspanCacheCap = 128;

// G status (runtime2.go).
export const _Gidle = 0;
export const _Grunnable = 1;
export const _Grunning = 2;
export const _Gsyscall = 3;
export const _Gwaiting = 4;
export const _Gdead = 6;
export const gStatusNames: Record<number, string> = {
  0: '_Gidle',
  1: '_Grunnable',
  2: '_Grunning',
  3: '_Gsyscall',
  4: '_Gwaiting',
  6: '_Gdead',
};

/** What a goroutine's body yields to the scheduler. */
export const YieldPark = 1; // parked: someone else will ready it
export const YieldGosched = 2; // runtime.Gosched: to the global run queue
export const YieldPreempt = 3; // preempted at a safe point: back to its P's queue
export type YieldValue = typeof YieldPark | typeof YieldGosched | typeof YieldPreempt;

/** A goroutine body: a generator that yields when it blocks. */
export type GoroutineBody = Generator<YieldValue, void, unknown>;

/**
 * One stack frame. Its slots live in the goroutine's stack memory at
 * [stack.hi − sp, stack.hi − sp + size); the words listed in ptrOffs hold
 * pointers (the function's stack map), and are roots while the frame is on
 * the stack.
 */
export interface Frame {
  readonly fn: string;
  /** Frame size in bytes (locals, spills, outgoing args). */
  readonly size: number;
  /** Byte offsets, from the frame's lowest address, of its pointer words (the stack map). */
  readonly ptrOffs: Int32Array;
  /**
   * Byte offset of the word where a callee spills its first register
   * argument (the frame's outgoing-argument area), or -1 when the frame
   * has none. A call leaves the value there after it returns; the
   * collector scans the word in the innermost frame only, as Go scans an
   * asynchronously preempted frame conservatively (scanframeworker).
   */
  readonly spillOff: number;
  /**
   * The slots of a call the compiler inlined: in Go they are part of the
   * caller's frame, so the innermost frame the collector scans
   * conservatively, and where a call's argument is spilled, is the nearest
   * frame below that is not inlined (physicalTop).
   */
  readonly inlined: boolean;
  /** Bytes from stack.hi down to the frame's lowest address; set when it is pushed. */
  sp: number;
}

/**
 * The index in frames of the innermost frame that is a function's own
 * (skipping inlined calls' slots, which live in it in Go), or -1.
 */
export function physicalTop(frames: readonly Frame[]): number {
  let i = frames.length - 1;
  while (i >= 0 && frames[i]!.inlined) i--;
  return i;
}

/**
 * The address of the word in g's innermost real frame (physicalTop) where a
 * call spills its first argument (Frame.spillOff), or 0 when that frame has
 * none: growslice writes the old array there, the collector scans it.
 */
export function spillSlot(g: G): number {
  const t = physicalTop(g.frames);
  if (t < 0) return 0;
  const top = g.frames[t]!;
  return top.spillOff >= 0 ? g.stack.hi - top.sp + top.spillOff : 0;
}

/** A frame with no pointer slots. */
export const noPointers = new Int32Array(0);

export class G {
  status = _Gidle;
  stack: Stack = { lo: 0, hi: 0 };
  /** Bytes of stack in use, measured down from stack.hi. */
  stackUsed = 0;
  readonly frames: Frame[] = [];
  /**
   * Calls the compiler inlined (go.inline), innermost last: no frame on the
   * stack, but tracebacks and profiles name them, each inside the frame
   * that was innermost when it began (`depth` = frames.length then).
   */
  readonly inlined: { fn: string; depth: number }[] = [];
  /** Address of the g struct (heap-allocated by malg), 0 for g0 stacks on OS threads. */
  addr = 0;
  body: GoroutineBody | null = null;
  waitreason = '';
  /** Virtual time at which it last became runnable. */
  readyAt = 0;
  /** The P it last ran on (timers fire there). */
  lastP = 0;
  /** Runtime-internal goroutine (not counted by NumGoroutine). */
  system = false;
  /** Value handed over by whoever readied it (a channel element, …). */
  param: unknown = undefined;
  /** Debt (< 0) or credit of GC assist work, in bytes. */
  gcAssistBytes = 0;
  /**
   * casgstatus's latency tracking (for /sched/latencies and
   * /sync/mutex/wait/total): whether this G is being tracked, its uint8
   * count of transitions out of running (one in gTrackingPeriod is
   * tracked), when its tracked state began, and its runnable time so far.
   */
  tracking = false;
  trackingSeq = 0;
  trackingStamp = 0;
  runnableTime = 0;

  constructor(
    public goid: number,
    public name: string,
  ) {}
}

/** Who wants to hear of a P's time changing (the scheduler's index). */
export interface PTimeWatcher {
  timeChanged(id: number, t: number): void;
}

export class P {
  /** Address of the p struct (allp[id]). */
  addr = 0;
  mcache: MCache;
  pcache: PageCache;
  readonly mspancache: MSpan[] = [];
  readonly palloc = new PersistentAlloc();
  /** len(pp.sudogcache): its elements are the words of the p struct's sudogbuf (proc_sudog.ts). */
  sudogcacheLen = 0;

  /** Next G to run before the queue (newproc and goready put it here). */
  runnext: G | null = null;
  readonly runq: G[] = [];
  /** pp.gFree: dead Gs kept for reuse, top last (gfput, gfget). */
  readonly gFree: G[] = [];
  private time_ = 0;
  /**
   * The scheduler's index of P times (Sched), told of every change: the
   * collector moves Ps' times too (startTheWorld), and with thousands of Ps
   * the scheduler cannot afford to look at every P to find out.
   */
  timeWatcher: PTimeWatcher | null = null;
  /** This P's position in virtual time (ns): it is busy until then. */
  get time(): number {
    return this.time_;
  }
  set time(t: number) {
    this.time_ = t;
    if (this.timeWatcher !== null) this.timeWatcher.timeChanged(this.id, t);
  }
  /** Virtual ns this P spent running goroutines. */
  busyTime = 0;
  /** Number of goroutine switches on this P (schedtick). */
  schedtick = 0;
  /** The goroutine this P ran last (a switch costs time). */
  lastG: G | null = null;

  constructor(
    readonly id: number,
    mcache: MCache,
    pcache: PageCache,
  ) {
    this.mcache = mcache;
    this.pcache = pcache;
  }

  hasLocalWork(): boolean {
    return this.runnext !== null || this.runq.length > 0;
  }
}
