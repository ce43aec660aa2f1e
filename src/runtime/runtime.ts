// The runtime's global state — what Go keeps in package variables
// (mheap_, memstats, gcController, allp, mcache0, debug) — as one object,
// so that several simulated processes can live side by side. Functions
// mirroring Go's free functions take it as their first argument
// (mallocgc(rt, …)).

import { CacheModel, cacheWays, recordCacheBytes } from '../sim/cache.ts';
import { EventStream } from '../sim/events.ts';
import type { RuntimeEvents } from './traceevent.ts';
import type { Clock } from '../sim/clock.ts';
import type { AllocCosts } from '../sim/cost.ts';
import type { MCache } from './mcache.ts';
import type { MemDebug } from './mem_linux.ts';
import type { SysMemory } from './mem.ts';
import { GcControllerState, maxInt64 } from './mgcpacer.ts';
import { ScavengeState, ScavengerState } from './mgcscavenge_bg.ts';
import { MemProfile } from './mprof.ts';
import { SchedStats } from './histogram.ts';
import type { MHeap } from './mheap.ts';
import type { MSpan } from './mspan.ts';
import { Memory } from './memory.ts';
import { type WriteBarrier, noWriteBarrier } from './mbarrier.ts';
import { TypeTable } from './type.ts';
import { MemStats } from './mstats.ts';
import { goThrow, GoPanic } from './panic.ts';
import { PersistentAllocator } from './persistentalloc.ts';
import type { P } from './runtime2.ts';

/** gcphase values (mgc.go). */
export const _GCoff = 0;
export const _GCmark = 1;
export const _GCmarktermination = 2;

/** The garbage collector as the allocator sees it; installed by the GC. */
export interface Collector {
  /** gcTrigger{kind: gcTriggerHeap}.test() then gcStart. */
  maybeStartHeapGC(): void;
  gcmarknewobject(span: MSpan, x: number): void;
  deductAssistCredit(size: number): void;
  chargeAssistTail(bytes: number): void;
  /** Sweep a span that was cached before the current sweep began. */
  sweepStale(s: MSpan): void;
  deductSweepCredit(spanBytes: number, callerSweepPages: number): void;
  reclaim(npages: number): void;
  isSweepDone(): boolean;
  /** mcentral.cacheSpan's sweeping of spans of its class. */
  readonly centralSweeper: { active(): boolean; tryAcquireAndSweep(s: MSpan): boolean };
}

/** GODEBUG settings of the collector (runtime1.go dbgvars). */
export interface GCDebug {
  gctrace: number;
  gcpacertrace: number;
  gcstoptheworld: number;
  gccheckmark: number;
  gcshrinkstackoff: number;
  adaptivestackstart: number;
  scavtrace: number;
}

export interface RuntimeOptions {
  sys: SysMemory;
  clock: Clock;
  debug: MemDebug;
  gcPercent?: number;
  memoryLimit?: bigint;
}

export class Runtime {
  readonly sys: SysMemory;
  readonly clock: Clock;
  readonly debug: MemDebug;
  readonly memstats = new MemStats();
  /** The scheduler's latency and stop-the-world histograms and mutex-wait time (Go's sched.timeToRun, sched.stw*, …), for runtime/metrics. */
  readonly schedStats = new SchedStats();
  readonly gcController: GcControllerState;
  readonly persistent: PersistentAllocator;
  /** Set by mallocinit. */
  mheap!: MHeap;
  /** The bootstrap mcache, used before Ps exist; given to allp[0] by procresize. */
  mcache0: MCache | null = null;
  readonly allp: P[] = [];
  /** The P held by the running goroutine's M, or null (bootstrap, no P). */
  curP: P | null = null;

  gcphase = _GCoff;
  gcBlackenEnabled = false;
  /** Set by mallocgc's slow paths: this allocation took a new span. */
  shouldhelpgc = false;
  /**
   * Depth of code gcStart and gcAssistAlloc refuse to run in: on the M's g0
   * stack (systemstack: newproc's malg and allgadd) or with the M held
   * (acquirem: acquireSudog). An allocation there starts no GC cycle and
   * does no assist; its bytes are still the user goroutine's debt.
   */
  nonpreemptible = 0;
  /** Address every zero-size allocation returns (&zerobase, in the binary's bss). */
  zerobase = 0;
  /** runtime.MemProfileRate; 0 unless the program can read heap profiles. */
  memProfileRate = 0;
  /** The heap profile: sampled allocations by call stack (mprof.ts). */
  readonly mprof = new MemProfile(this);

  /** What the process's memory holds (pointer words and the bytes programs read back). */
  readonly mem: Memory;
  /** The GODEBUG settings the collector reads. */
  debugGC: GCDebug = { gctrace: 0, gcpacertrace: 0, gcstoptheworld: 0, gccheckmark: 0, gcshrinkstackoff: 0, adaptivestackstart: 1, scavtrace: 0 };
  /** The scavenger's goals and CPU time (Go's `scavenge`). */
  readonly scavenge = new ScavengeState();
  /** The background scavenger's state (Go's `scavenger`). */
  readonly scavenger = new ScavengerState();
  /** Called after each mark termination's gcControllerCommit (the scavenger paces itself there). */
  onGCCommit: (() => void) | null = null;
  /** Called when a cycle's sweep has finished (scavtrace, the scavenger's wake-up). */
  onSweepDone: (() => void) | null = null;
  /** GC, span and scavenger events for observers (traceevent.ts); the runtime never calls an observer itself. */
  readonly events = new EventStream<RuntimeEvents>();
  /** The write barrier every pointer store goes through (mbarrier.ts); the collector enables it. */
  writeBarrier: WriteBarrier = noWriteBarrier;
  /** Type descriptors by address (interface type words, malloc headers). */
  readonly types = new TypeTable();

  /**
   * The address of a runtime or package variable in the binary's .data or
   * .bss (plus a field offset), marked as a pointer in the globals' GC
   * bitmap; installed by the program layer, which knows the binary.
   */
  rootWord: ((symbol: string, offset: number) => number) | null = null;

  collector: Collector | null = null;
  costs: AllocCosts | null = null;
  /** Bytes of each CPU's cache model (0: no cache model; installed with the costs). */
  cacheBytes = 0;
  /**
   * The machine's CPUs (Sched.ncpu). A cache is a CPU's, not a P's: P i
   * runs on CPU i mod ncpu, so with more Ps than CPUs the Ps sharing a CPU
   * share its cache (as threads time-sharing a core do), and 100,000 Ps
   * need two cache models, not 100,000.
   */
  ncpu = 1;
  /** Each CPU's cache, for what touches cost (made at first use when the cost model has one). */
  private readonly cpuCaches: (CacheModel | undefined)[] = [];
  /** The same CPU's cache as the runtime's span records meet it. */
  private readonly cpuRecordCaches: (CacheModel | undefined)[] = [];
  /** Stack-cache flush hook (stack.go stackcache_clear), installed by the stack allocator. */
  stackcacheClearHook: ((c: MCache) => void) | null = null;

  constructor(opts: RuntimeOptions) {
    this.sys = opts.sys;
    this.clock = opts.clock;
    this.debug = opts.debug;
    this.persistent = new PersistentAllocator(opts.sys, this.memstats);
    this.mem = new Memory(() => this.mheap, opts.sys);
    this.mem.onTouch = (a, n) => this.touchMemory(a, n);
    this.gcController = new GcControllerState(() => opts.sys.mappedReady);
  }

  // ── hooks the allocator calls; no-ops until the GC and cost model exist ──

  maybeStartGC(): void {
    const c = this.collector;
    if (c === null || this.nonpreemptible > 0) return;
    c.maybeStartHeapGC();
  }
  gcmarknewobject(span: MSpan, x: number): void {
    this.collector?.gcmarknewobject(span, x);
  }
  deductAssistCredit(size: number): void {
    this.collector?.deductAssistCredit(size);
  }

  /** f on the g0 stack (systemstack) or with the M held (acquirem … releasem): see nonpreemptible. */
  nonpreemptibly<T>(f: () => T): T {
    this.nonpreemptible++;
    try {
      return f();
    } finally {
      this.nonpreemptible--;
    }
  }
  chargeAssistTail(bytes: number): void {
    this.collector?.chargeAssistTail(bytes);
  }
  sweepStale(s: MSpan): void {
    if (!this.collector) throw new Error('stale span without a sweeper');
    this.collector.sweepStale(s);
  }
  deductSweepCredit(spanBytes: number, callerSweepPages: number): void {
    this.collector?.deductSweepCredit(spanBytes, callerSweepPages);
  }
  reclaim(npages: number): void {
    this.collector?.reclaim(npages);
  }
  isSweepDone(): boolean {
    return this.collector ? this.collector.isSweepDone() : true;
  }
  chargeMalloc(size: number, noscan: boolean): void {
    this.costs?.malloc(size, noscan);
  }
  chargeZeroing(bytes: number): void {
    this.costs?.zeroing(bytes);
  }

  /** The cache model of the CPU the running P runs on (made at first use), or null with no cost model or no running P. */
  curPCache(): CacheModel | null {
    const p = this.curP;
    if (p === null || this.cacheBytes === 0) return null;
    const cpu = p.id % this.ncpu;
    return this.cpuCaches[cpu] ?? (this.cpuCaches[cpu] = new CacheModel(this.cacheBytes, cacheWays));
  }

  /** The record cache of the running P's CPU (made at first use), or null as curPCache. */
  curPRecordCache(): CacheModel | null {
    const p = this.curP;
    if (p === null || this.cacheBytes === 0) return null;
    const cpu = p.id % this.ncpu;
    return this.cpuRecordCaches[cpu] ?? (this.cpuRecordCaches[cpu] = new CacheModel(recordCacheBytes, cacheWays, 'sequential'));
  }

  /**
   * A small load or store by the running goroutine (or its mallocgc): the
   * sectors that miss the running P's cache model cost time. Accesses of
   * more than 512 bytes are not looked at: bulk copies and clears stream,
   * and their calibrated costs are per byte already.
   */
  touchMemory(a: number, n: number): void {
    if (n > 512 || n <= 0) return;
    const c = this.curPCache();
    if (c === null) return;
    const m = c.touchRange(a, n);
    if (m !== 0) this.costs?.lineMisses(m);
  }

  stackcacheClear(c: MCache): void {
    this.stackcacheClearHook?.(c);
  }

  throwOutOfMemory(): never {
    goThrow('out of memory', this.mheap.outOfMemoryMessage ? [this.mheap.outOfMemoryMessage] : []);
  }

  panicAllocSize(): never {
    throw new GoPanic('runtime error: makeslice: len out of range');
  }

  /** The mcache of the running code. */
  mcache(): MCache {
    return this.curP !== null ? this.curP.mcache : this.mcache0!;
  }
}

export const defaultMemoryLimit = maxInt64;
