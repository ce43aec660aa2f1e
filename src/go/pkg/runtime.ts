// runtime, runtime/debug and runtime/metrics as programs call them.
// runtime.GC and debug.FreeOSMemory block the calling goroutine until the
// cycle and its sweep are done (`yield* go.runtime.GC()`); the cycle starts
// at the call even when the caller does not wait.

import { type MetricSampleValue, readAllMetrics } from '../../runtime/metrics.ts';
import { type Description, KindBad, KindFloat64, KindFloat64Histogram, KindUint64, allDesc } from '../../runtime/metrics_desc.ts';
import { type MemStatsSnapshot, readMemStats } from '../../runtime/mstats.ts';
import type { GoroutineBody } from '../../runtime/runtime2.ts';
import type { GoProcess } from '../process.ts';
import { Ptr } from '../values.ts';
import { GoPanic } from '../../runtime/panic.ts';
import { scavengeAll } from '../../runtime/mgcscavenge_bg.ts';

export class RuntimePkg {
  /** Finalizer specials set so far (SetFinalizer). */
  finalizers = 0;

  constructor(private readonly p: GoProcess) {}

  /** runtime.GC(): a full cycle, then the sweep; blocks the caller (yield* it). */
  GC(): GoroutineBody {
    const gc = this.p.gc;
    return this.p.go.blocking('go.runtime.GC()', gc.waitForced(gc.startForced()));
  }

  /** runtime.ReadMemStats. */
  ReadMemStats(): MemStatsSnapshot {
    return readMemStats(this.p.rt);
  }

  NumGoroutine(): number {
    return this.p.sched.numGoroutine();
  }

  /** runtime.GOMAXPROCS(0) reads it; changing it at run time is not modelled. */
  GOMAXPROCS(n = 0): number {
    if (n > 0 && n !== this.p.gomaxprocs) throw new Error('gomem: changing GOMAXPROCS at run time is not modelled; use --gomaxprocs');
    return this.p.gomaxprocs;
  }

  NumCPU(): number {
    return this.p.machine.ncpu;
  }

  /**
   * runtime.SetFinalizer(obj, finalizer): when the collector finds obj
   * unreachable, obj survives that cycle and finalizer(obj) runs on the
   * finalizer goroutine; a later cycle frees obj. A null finalizer removes it.
   */
  SetFinalizer(obj: Ptr | null, finalizer: ((obj: Ptr) => void) | null): void {
    if (obj === null) throw new GoPanic('runtime.SetFinalizer: first argument is nil');
    this.p.go.createfing();
    const type = obj.type;
    this.p.gc.setFinalizer(obj.addr, finalizer === null ? null : (a) => finalizer(new Ptr(type, a)));
    this.finalizers++;
  }

  /**
   * runtime.MemProfileRate: bytes between heap-profile samples on average
   * (1: every allocation; 0: none). It starts at 512 KiB for a program that
   * reads profiles (Program.memProfile, --memprofile), else 0; set it at the
   * start of main, as Go's documentation asks.
   */
  get MemProfileRate(): number {
    return this.p.rt.memProfileRate;
  }

  set MemProfileRate(rate: number) {
    if (!Number.isSafeInteger(rate) || rate < 0) throw new Error(`runtime.MemProfileRate: ${rate} is not a non-negative int`);
    this.p.rt.memProfileRate = rate;
  }

  /** runtime.KeepAlive(x): x stays reachable until here (a use of the value). */
  KeepAlive(_x: unknown): void {}

  /** runtime.Gosched. */
  Gosched(): GoroutineBody {
    return this.p.go.blocking('go.runtime.Gosched()', this.p.sched.gosched());
  }

  /** runtime.SetFinalizer's memory side: a finalizer special record (the first starts the finalizer goroutine). */
  noteFinalizer(): void {
    this.finalizers++;
    this.p.go.createfing();
  }
}

export class Debug {
  constructor(private readonly p: GoProcess) {}

  /** debug.SetGCPercent: returns the previous setting; negative disables the GC. */
  SetGCPercent(pct: number): number {
    const out = this.p.rt.gcController.setGCPercent(pct);
    this.p.gc.controllerCommit();
    // A heap trigger that the new setting has already passed starts a cycle at the next allocation, as in Go.
    return out;
  }

  /** debug.SetMemoryLimit: returns the previous limit; a negative input only reads it. */
  SetMemoryLimit(limit: bigint | number): bigint {
    const out = this.p.rt.gcController.setMemoryLimit(BigInt(limit));
    this.p.gc.controllerCommit();
    return out;
  }

  /**
   * debug.FreeOSMemory (runtime_debug_freeOSMemory): runtime.GC — a forced
   * cycle and the whole sweep — then mheap.scavengeAll releases every free
   * page; blocks the caller, whose time the releasing takes.
   */
  FreeOSMemory(): GoroutineBody {
    return this.p.go.blocking('go.debug.FreeOSMemory()', this.freeOSMemory());
  }

  private *freeOSMemory(): GoroutineBody {
    yield* this.p.go.runtime.GC();
    scavengeAll(this.p.rt, this.p.debug.scavtrace, (s) => this.p.stderr(s));
  }

  /** debug.ReadGCStats: the GC history (empty until the collector exists). */
  ReadGCStats(): { NumGC: number; PauseTotal: number; LastGC: bigint } {
    const ms = this.p.rt.memstats;
    return { NumGC: ms.numgc, PauseTotal: ms.pause_total_ns, LastGC: ms.last_gc_unix };
  }
}

export class Metrics {
  /** metrics.ValueKind's values (Description.Kind). */
  readonly KindBad = KindBad;
  readonly KindUint64 = KindUint64;
  readonly KindFloat64 = KindFloat64;
  readonly KindFloat64Histogram = KindFloat64Histogram;

  constructor(private readonly p: GoProcess) {}

  /** metrics.All(): the description of every supported metric, sorted by name (shared; do not modify). */
  All(): readonly Description[] {
    return allDesc;
  }

  /**
   * metrics.Read for the named metrics (every supported one, in All()'s
   * order, when omitted): a number (a bigint for a uint64 beyond 2^53) or a
   * Float64Histogram {Counts, Buckets} (Buckets shared, as in Go). A name
   * this Go does not support reads as null: Go's Value of Kind KindBad,
   * whose Uint64() would panic — not a 0 that looks like a reading.
   */
  Read(): Map<string, MetricSampleValue>;
  Read(names: readonly string[]): Map<string, MetricSampleValue | null>;
  Read(names?: readonly string[]): Map<string, MetricSampleValue | null> {
    const all = readAllMetrics(this.p.rt, this.p.readMetrics());
    if (!names) return all;
    return new Map(names.map((n) => [n, all.get(n) ?? null]));
  }
}
