// The Go API a gomem program is written against: what a Go compiler would
// emit calls to (new, make, append, copy, field and element loads and
// stores, conversions, closures, go statements, channel operations), stack
// frames whose pointer slots are GC roots, globals, and the standard-library
// packages the seed programs use. Each operation makes the allocations,
// memory writes and reads the Go operation makes — values are stored in
// simulated memory and read back from it — so the runtime, the collector
// and the kernel model see the same program.
//
//   const Node = T.declare('main.Node');
//   T.define(Node, T.struct([['left', T.pointer(Node)], ['right', T.pointer(Node)], ['val', T.int64]]));
//   const f = go.locals('main.main', { root: T.pointer(Node) });
//   f.root = go.new(Node);                 // root := new(Node)
//   go.set(f.root, 'val', 42);             // root.val = 42
//   go.get(f.root, 'left');                // root.left (a Ptr, or null)
//
// A value held only in a JS variable is like a value in a register: the
// collector does not see it. Keep pointers that must survive an allocation
// in a frame slot (go.locals, go.func), a global (go.globals) or the heap.
//
// Blocking operations are generators: `yield* go.time.Sleep(2 * go.time.Second)`.

import { mallocgc, newobject, smallRun, smallRunCommit, smallRunPlan, smallRunTakeSlots, smallShape } from '../runtime/malloc.ts';
import { memmoveNoHeapPointers, typedmemclr, typedslicecopy, writePointer } from '../runtime/mbarrier.ts';
import { GoPanic } from '../runtime/panic.ts';
import { forcePreemptNS, parkForever } from '../runtime/proc.ts';
import { scanType } from '../runtime/rtypes.ts';
import type { G, GoroutineBody } from '../runtime/runtime2.ts';
import { growsliceCap } from '../runtime/slice.ts';
import type { RType } from '../runtime/type.ts';
import { RunDst, mallocChargeNs, runEnd, takeRun } from './alloc_n.ts';
import { Chan } from './chan.ts';
import { closureType } from './closure_sizes.ts';
import { type FrameRef, FrameShape, type Locals, type SlotHolder, type SlotLayout, defineSlotAccessors, frameSlotAddr, kProc, kRec, kSlotAddr, layoutSlots, spillArg } from './frame.ts';
import { GoMap } from './map.ts';
import { Pools } from './pool.ts';
import { loadValue, storeValue, toGoString } from './memops.ts';
import { Fmt, Log } from './pkg/fmt.ts';
import { Os, Syscall } from './pkg/os.ts';
import { Pprof } from './pkg/pprof_pkg.ts';
import { Debug, Metrics, RuntimePkg } from './pkg/runtime.ts';
import { Sync } from './pkg/sync.ts';
import { ApiMisuse } from './panic_trace.ts';
import { Time } from './pkg/time.ts';
import type { GoProcess } from './process.ts';
import { goroutineBaseFrames } from '../runtime/proc_parked.ts';
import { bytesToString, stringToBytes } from './string_sizes.ts';
import { type GoType, Kind, type StructField, T } from './types.ts';
import { Func, GoString, Iface, Ptr, Slice, pointerOf } from './values.ts';

export type { Locals };

/**
 * What allocN reads of the scheduler to know that the safe points of a run
 * of allocations do nothing (Sched.poll acts only once the clock reaches
 * pollAt or schedwhen + forcePreemptNS, and never while catching up).
 * These are Sched's private fields, read here only.
 */
interface SchedPoll {
  readonly curG: G | null;
  readonly pollAt: number;
  readonly schedwhen: number;
  readonly catchingUp: boolean;
}

const utf8 = new TextEncoder();

/** A goroutine body that is replaced before the goroutine first runs. */
function* parkedBody(): GoroutineBody {
  throw new Error('gomem: goroutine started before its body was set');
}
const generatorProto = Object.getPrototypeOf(function* () {});

/** Struct fields by name, built once per struct type. */
const fieldIndex = new WeakMap<GoType, Map<string, StructField>>();

function fieldOf(t: GoType, name: string): StructField {
  let m = fieldIndex.get(t);
  if (m === undefined) {
    m = new Map(t.fields!.map((f) => [f.name, f]));
    fieldIndex.set(t, m);
  }
  const f = m.get(name);
  if (f === undefined) throw new Error(`gomem: ${t.str} has no field ${name}`);
  return f;
}

function nilDeref(): never {
  throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
}

function indexPanic(i: number, len: number): never {
  throw new GoPanic(`runtime error: index out of range [${i}] with length ${len}`);
}

const kObj: unique symbol = Symbol('address');

/** Closure objects' captured variables as properties, at the closure's address. */
class ClosureEnv implements SlotHolder {
  readonly [kProc]: GoProcess;
  private readonly [kObj]: number;
  constructor(p: GoProcess, obj: number) {
    this[kProc] = p;
    this[kObj] = obj;
  }
  [kSlotAddr](off: number): number {
    return this[kObj] + off;
  }
}

/** The package-level variables a program declared, at their addresses in .bss. */
class GlobalVars implements SlotHolder {
  readonly [kProc]: GoProcess;
  private readonly [kObj]: number;
  constructor(p: GoProcess, base: number) {
    this[kProc] = p;
    this[kObj] = base;
  }
  [kSlotAddr](off: number): number {
    return this[kObj] + off;
  }
}

export class Go {
  /** Type constructors: go.T.int64, go.T.slice(go.T.byte), go.T.struct([...]). */
  readonly T = T;
  readonly fmt: Fmt;
  readonly log: Log;
  readonly time: Time;
  readonly runtime: RuntimePkg;
  readonly debug: Debug;
  readonly metrics: Metrics;
  readonly os: Os;
  readonly syscall: Syscall;
  readonly sync: Sync;
  readonly pprof: Pprof;
  private readonly opaque = new Map<string, RType>();
  private fing = false;
  /** Frame layouts by function name: built once per function, not per call. */
  private readonly shapes = new Map<string, FrameShape>();
  /** Closure layouts by func literal name: the env class over the closure object. */
  private readonly closureShapes = new Map<string, { type: GoType; Env: new (p: GoProcess, obj: number) => ClosureEnv }>();

  constructor(readonly p: GoProcess) {
    this.fmt = new Fmt(p);
    this.log = new Log(p);
    this.time = new Time(p);
    this.runtime = new RuntimePkg(p);
    this.debug = new Debug(p);
    this.metrics = new Metrics(p);
    this.os = new Os(p);
    this.syscall = new Syscall(p);
    this.sync = new Sync(p);
    this.pprof = new Pprof(p);
    this.pools = new Pools(p);
  }

  // ── program plumbing ─────────────────────────────────────────────────

  /** checkpoint.Mark(name): one snapshot of the process (see checkpoints.md). */
  checkpoint(name: string): void {
    this.p.checkpoint(name);
  }

  /** Adds a key to the next checkpoint's `extra` object (checkpoint.Extra…). */
  extra(key: string, value: number | bigint | string | number[] | boolean): void {
    this.p.addExtra(key, value);
  }

  /** A program option given with --opt (or its default). */
  option(name: string): string {
    const v = this.p.options[name];
    if (v === undefined) throw new Error(`${this.p.program.name} has no option "${name}"`);
    return v;
  }

  /** CPU work that allocates nothing, for ns nanoseconds of virtual time (a busy loop). */
  work(ns: number): GoroutineBody {
    return this.blocking('go.work(…)', this.p.sched.work(ns));
  }

  // ── blocking calls ────────────────────────────────────────────────────

  /** A blocking call whose generator has not started: made without yield*, it would do nothing. */
  private pendingBlocking: { what: string } | null = null;

  /**
   * Every blocking operation (time.Sleep, runtime.GC, a channel send, …)
   * returns its generator through here. In JavaScript, calling it without
   * `yield*` runs none of it, silently: the goroutine's next operation, or
   * its end, reports that instead, as a panic naming the call.
   */
  blocking<T, R>(what: string, gen: Generator<T, R, unknown>): Generator<T, R, unknown> {
    this.checkBlocking();
    const call = { what };
    this.pendingBlocking = call;
    const self = this;
    return (function* () {
      if (self.pendingBlocking === call) self.pendingBlocking = null;
      return yield* gen;
    })();
  }

  /** Throws if the last blocking call was made without yield*. */
  checkBlocking(): void {
    const c = this.pendingBlocking;
    if (c === null) return;
    this.pendingBlocking = null;
    throw new ApiMisuse(`gomem: ${c.what} was called without yield*, so it did nothing; write yield* ${c.what}`);
  }

  /** A safe point of the program's code: every operation of the API passes one. */
  private safePoint(): void {
    if (this.pendingBlocking !== null) this.checkBlocking();
    this.p.sched.poll();
  }

  /** os.Exit(code). */
  exit(code: number): never {
    return this.os.Exit(code);
  }

  // ── frames, functions, closures, goroutines ─────────────────────────

  private shape(fn: string, slots: Record<string, GoType>, extra: number, inlined = false): FrameShape {
    let sh = this.shapes.get(fn);
    if (sh === undefined) {
      sh = new FrameShape(fn, slots, extra, inlined);
      this.shapes.set(fn, sh);
    } else if (!sh.sameSlots(slots) || sh.size !== new FrameShape(fn, slots, extra).size) {
      throw new Error(`gomem: function ${fn} declared with different locals in two places`);
    }
    return sh;
  }

  /**
   * Declares the current function's local variables: a frame of their size
   * (plus `frameSize` bytes of other stack use) pushed on the running
   * goroutine's stack; its pointer slots are GC roots until the goroutine
   * ends. Returns an object whose properties read and write the slots.
   */
  locals<S extends Record<string, GoType>>(fn: string, slots: S, frameSize = 0): Locals<S> {
    return this.shape(fn, slots, frameSize).push(this.p) as unknown as Locals<S>;
  }

  /**
   * Pushes a frame for a function whose body the caller runs itself (what
   * a compiler's prologue does); go.leave pops it. go.func pairs them for you.
   */
  enter<S extends Record<string, GoType>>(fn: string, slots: S, frameSize = 0): Locals<S> {
    return this.shape(fn, slots, frameSize).push(this.p) as unknown as Locals<S>;
  }

  /** Pops a frame pushed by go.enter (the function's epilogue): its slots stop being roots. */
  leave(frame: Locals<Record<string, GoType>>): void {
    const f = frame as unknown as FrameRef;
    const sh = this.shapes.get(f[kRec].fn)!;
    sh.pop(this.p, f);
  }

  /** A call that uses `frameSize` bytes of stack while `body` runs (the stack grows by copying if needed). */
  call<R>(fn: string, frameSize: number, body: () => R): R {
    const sh = this.shape(fn, {}, frameSize);
    const f = sh.push(this.p);
    try {
      return body();
    } finally {
      sh.pop(this.p, f);
    }
  }

  /**
   * A call the compiler inlined (go build -gcflags=-m: "inlining call to
   * main.bigBytes"): `body` runs in the caller's frame — no stack is used —
   * but heap-profile stacks show `fn` as Go's do, "(inline)" in the
   * caller's location.
   */
  inline<R>(fn: string, body: () => R): R {
    const g = this.p.sched.curG;
    if (g === null) return body();
    g.inlined.push({ fn, depth: g.frames.length });
    try {
      return body();
    } finally {
      g.inlined.pop();
    }
  }

  /**
   * A Go function with local variables. Calling the returned function
   * pushes its frame (slots zeroed), runs `body(frame, ...args)`, and pops
   * the frame when the body returns or throws. With a generator body the
   * function may block inside its frame: `yield* fn(args)`.
   */
  func<S extends Record<string, GoType>, A extends unknown[], R>(
    fn: string,
    slots: S,
    body: (f: Locals<S>, ...args: A) => R,
    frameSize = 0,
    /** The locals of a call the compiler inlined: they live in the caller's frame (Frame.inlined). */
    inlined = false,
  ): (...args: A) => R {
    const sh = this.shape(fn, slots, frameSize, inlined);
    const p = this.p;
    if (Object.getPrototypeOf(body) === generatorProto) {
      const gen = body as unknown as (f: Locals<S>, ...args: A) => Generator<number, unknown, unknown>;
      const self = this;
      return function* (...args: A) {
        self.safePoint();
        const f = sh.push(p);
        try {
          return yield* gen(f as unknown as Locals<S>, ...args);
        } finally {
          sh.pop(p, f);
        }
      } as unknown as (...args: A) => R;
    }
    return (...args: A): R => {
      this.safePoint(); // a function's prologue is a preemption point
      const f = sh.push(p);
      try {
        return body(f as unknown as Locals<S>, ...args);
      } finally {
        sh.pop(p, f);
      }
    };
  }

  /**
   * A func literal that captures variables by value: `func(args) { … }`.
   * Calling go.closure allocates the closure object {F uintptr; captures…}
   * (the collector traces it) and stores the captured values in it; the body
   * receives an object whose properties read and write them there. A literal
   * capturing nothing is a static funcval: no allocation. Call it with
   * go.invoke, or start it with go.go.
   */
  closure<C extends Record<string, GoType>, A extends unknown[], R>(
    name: string,
    captures: C,
    values: { [K in keyof C]?: unknown },
    body: (env: Locals<C>, ...args: A) => R,
    type: GoType = T.func(),
  ): Func {
    const p = this.p;
    const index = p.rodata.addFunc(name, body);
    if (Object.keys(captures).length === 0) return new Func(type, p.rodata.staticFuncval(index));
    let sh = this.closureShapes.get(name);
    if (sh === undefined) {
      const ct = closureType(Object.entries(captures).map(([n, t]) => ({ name: n, type: t, byRef: false })));
      const layout: SlotLayout[] = ct.fields!.slice(1).map((f) => ({ name: f.name, type: f.type, off: f.offset }));
      class Env extends ClosureEnv {}
      defineSlotAccessors(Env.prototype, layout, true);
      sh = { type: ct, Env };
      this.closureShapes.set(name, sh);
    }
    const rt = p.rt;
    const ct = sh.type;
    const obj = mallocgc(rt, ct.size, ct.pointers ? ct : null, true);
    rt.mem.storeWord(obj, p.rodata.codeAddr(index));
    const env = new sh.Env(p, obj) as unknown as Record<string, unknown>;
    for (const k of Object.keys(captures)) if (values[k] !== undefined) env[k] = values[k];
    return new Func(type, obj);
  }

  /** f(args…) for a func value; a nil func panics as in Go. */
  invoke<R = unknown>(f: Func | null, ...args: unknown[]): R {
    if (f === null || f === undefined) nilDeref();
    const { name, body, closure } = this.p.funcBody(f);
    const Env = this.closureShapes.get(name)?.Env;
    const env = closure !== 0 && Env !== undefined ? new Env(this.p, closure) : null;
    return (body as (env: unknown, ...a: unknown[]) => R)(env, ...args);
  }

  /**
   * The `go` statement. Its arguments are copied onto the new goroutine's
   * stack when it is created (newproc), so they are roots from then on:
   *   go.go(f)                       go f()     — f a go.closure func value
   *   go.go('main.worker', function* (go, a) { … a.ch … }, { args: { ch: [T.chan(T.int), ch] } })
   *                                  go worker(ch)
   * A `closureBytes` option allocates the closure a `go func(){…}()` would.
   */
  go(fn: Func): void;
  go<S extends Record<string, GoType>>(
    name: string,
    body: (go: Go, args: Locals<S>) => GoroutineBody,
    opts?: { closureBytes?: number; args?: { [K in keyof S]: readonly [S[K], unknown] } },
  ): void;
  go(fn: Func | string, body?: (go: Go, args: never) => GoroutineBody, opts: { closureBytes?: number; args?: Record<string, readonly [GoType, unknown]> } = {}): void {
    if (fn instanceof Func) {
      const self = this;
      const { name } = this.p.funcBody(fn);
      this.startGoroutine(name, { fn: [fn.type, fn] }, function* () {
        const r = self.invoke(fn) as unknown;
        if (r !== null && typeof r === 'object' && Symbol.iterator in (r as object)) yield* r as GoroutineBody;
      });
      return;
    }
    if (opts.closureBytes) mallocgc(this.p.rt, opts.closureBytes, this.opaqueType('closure', opts.closureBytes), true);
    this.startGoroutine(fn, opts.args ?? {}, (args) => (body as (go: Go, a: unknown) => GoroutineBody)(this, args));
  }

  /** newproc with the goroutine's first frame (its arguments) written on its new stack. */
  private startGoroutine(name: string, args: Record<string, readonly [GoType, unknown]>, body: (args: unknown) => GoroutineBody): void {
    const sched = this.p.sched;
    const g = sched.newproc(name, parkedBody());
    sched.pushParkedFrames(g, goroutineBaseFrames);
    const names = Object.keys(args);
    if (names.length === 0) {
      g.body = this.checkedAtEnd(body(null));
      return;
    }
    const types: Record<string, GoType> = {};
    for (const k of names) types[k] = args[k]![0];
    const sh = this.shape(`${name}·args`, types, 0);
    const frame = sh.pushOn(this.p, g);
    // Go passes a go statement's arguments in a closure the creator builds on
    // the heap, so they go through the write barrier: a goroutine created
    // during mark is not among the stacks the cycle scans.
    for (const sl of sh.slots) storeValue(this.p, frameSlotAddr(frame, sl.off, true), sl.type, args[sl.name]![1], true);
    g.body = this.checkedAtEnd(body(frame));
  }

  /** A goroutine's body, then the check that its last blocking call was made with yield*. */
  *checkedAtEnd(body: GoroutineBody): GoroutineBody {
    yield* body;
    this.checkBlocking();
  }

  /**
   * Package-level variables: laid out in the binary's .bss, with pointer
   * bits in its GC bitmap, so they are roots for the whole run. Call once per
   * set of variables; returns an object whose properties read and write them.
   */
  globals<S extends Record<string, GoType>>(slots: S): Locals<S> {
    const { slots: layout, end } = layoutSlots(slots);
    const block = T.struct(layout.map((s) => [s.name, s.type] as const));
    const base = this.p.globals.declare(block);
    void end;
    class Vars extends GlobalVars {}
    defineSlotAccessors(Vars.prototype, layout, true);
    const vars = new Vars(this.p, base);
    for (const sl of layout) this.globalVarAddrs.set(vars, { ...(this.globalVarAddrs.get(vars) ?? {}), [sl.name]: new Ptr(T.pointer(sl.type), base + sl.off) });
    return vars as unknown as Locals<S>;
  }

  /** &v for package-level variables declared with go.globals (their addresses, by holder). */
  private readonly globalVarAddrs = new WeakMap<object, Record<string, Ptr>>();

  /** &name: a pointer to a package-level variable declared with go.globals. */
  globalAddr(vars: object, name: string): Ptr {
    const p = this.globalVarAddrs.get(vars)?.[name];
    if (p === undefined) throw new Error(`gomem: ${name} is not a variable of these globals`);
    return p;
  }

  // ── builtins: allocation ─────────────────────────────────────────────

  /** new(T): a zeroed T on the heap (it escapes). */
  new(t: GoType): Ptr {
    this.safePoint();
    const addr = newobject(this.p.rt, t);
    return new Ptr(T.pointer(t), addr);
  }

  /**
   * n objects of type t, each made as go.new(t) makes one and kept or
   * dropped as `dst` says — the bulk path for a loop that allocates many
   * objects of one type. Its effects are exactly those of the loop:
   *   go.allocN(t, n)             for i := 0; i < n; i++ { _ = new(T) }     for (…) go.new(t)
   *   go.allocN(t, n, s, from)    for i := 0; i < n; i++ { s[from+i] = new(T) }
   *                                                        for (…) go.set(s, from + i, go.new(t))
   *   go.allocN(t, n, a, from)    for i := 0; i < n; i++ { a[from+i] = new(T) }
   *                                                        for (…) go.set(a, from + i, go.new(t))
   *   go.allocN(t, n, p)          for i := 0; i < n; i++ { sink = new(T) }  for (…) g.sink = go.new(t)
   * (s a slice of pointers; a a pointer to an array of pointers, such as
   * go.globalAddr(g, 'arr'); p the address of a pointer variable,
   * go.globalAddr(g, 'sink'), or of a pointer field or element). Every safe point, GC
   * trigger, assist, sweep, profile sample, write barrier and charge of
   * virtual time happens where the loop has it, so the outputs are
   * byte-identical; only the work of simulating it is less. Returns the last
   * object (null when n is 0).
   */
  allocN(t: GoType, n: number, dst: Slice | Ptr | null = null, from = 0): Ptr | null {
    if (!Number.isSafeInteger(n) || n < 0) throw new ApiMisuse(`gomem: allocN of ${n} objects; expected a whole number ≥ 0`);
    const ptrType = T.pointer(t);
    const isPtr = (x: GoType): boolean => x.kind === Kind.Pointer || x.kind === Kind.UnsafePointer;
    // The elements stored into (a slice, or an array through a pointer to it) and their base address and length; or one variable.
    let elems: Slice | Ptr | null = null;
    let elemsBase = 0;
    let elemsLen = 0;
    let sinkAddr = 0;
    if (dst instanceof Slice) {
      if (!isPtr(dst.elem)) throw new ApiMisuse(`gomem: allocN into a ${dst.type.str}; expected a slice of pointers`);
      elems = dst;
      elemsBase = dst.ptr;
      elemsLen = dst.len;
    } else if (dst instanceof Ptr) {
      const e = dst.elem;
      if (e.kind === Kind.Array && isPtr(e.elem!)) {
        elems = dst;
        elemsBase = dst.addr;
        elemsLen = e.len!;
      } else if (isPtr(e)) sinkAddr = dst.addr;
      else throw new ApiMisuse(`gomem: allocN into a ${dst.type.str}; expected a pointer to a pointer variable or to an array of pointers`);
    } else if (dst !== null && dst !== undefined) throw new ApiMisuse('gomem: allocN into something other than a slice or a pointer');
    const p = this.p;
    const rt = p.rt;
    const sched = p.sched as unknown as SchedPoll;
    const shape = smallShape(t.size, t);
    const dataSize = t.size;
    const mallocNs = shape !== null ? mallocChargeNs(p, dataSize, shape.noscan) : -1;
    // An element out of range panics at its store, after its object is made: that object and any after it take the loop's own path.
    const fast = elems === null ? n : from < 0 || !Number.isSafeInteger(from) ? 0 : Math.max(0, Math.min(n, elemsLen - from));
    let last = 0;
    let i = 0;
    while (i < n) {
      this.safePoint(); // go.new's
      if (shape !== null && i < fast) {
        const c = rt.curP !== null ? rt.curP.mcache : rt.mcache0!;
        const s = c.alloc[shape.spc]!;
        const g = sched.curG;
        // Who pays mark assists, as GC.deductAssistCredit (mgc.ts) decides it: a user goroutine while blackening is on.
        const assisted = rt.gcBlackenEnabled && rt.collector !== null && g !== null && !g.system;
        const k = smallRunPlan(rt, c, s, dataSize, assisted ? g!.gcAssistBytes : null, fast - i);
        if (k > 0) {
          const first = smallRun.first;
          // The safe points in the run do nothing until the clock reaches the scheduler's next poll or preemption.
          const deadline = sched.catchingUp || g === null ? Infinity : Math.min(sched.pollAt, sched.schedwhen + forcePreemptNS);
          const e = shape.elemsize;
          const typeAddr = shape.hasHeader ? rt.types.addrOf(t) : 0;
          const dstKind = elems !== null ? RunDst.Slice : sinkAddr !== 0 ? RunDst.Sink : RunDst.None;
          const dstAddr = elems !== null ? elemsBase + (from + i) * 8 : sinkAddr;
          let m: number;
          try {
            m = takeRun(p, s, first, k, e, mallocNs, typeAddr, deadline, dstKind, dstAddr);
          } catch (err) {
            // Killed at a page fault: the state is what the calls one at a time leave at that fault.
            const made = runEnd.made;
            smallRunCommit(rt, c, s, first, made, dataSize, shape.noscan ? null : t, shape.hasHeader);
            if (assisted) g!.gcAssistBytes -= made * e;
            if (runEnd.partial) {
              smallRunTakeSlots(s, first + made, 1);
              if (assisted) g!.gcAssistBytes -= dataSize;
            }
            throw err;
          }
          const split = runEnd.split;
          const base = s.startAddr;
          smallRunCommit(rt, c, s, first, m, dataSize, shape.noscan ? null : t, shape.hasHeader);
          if (assisted) g!.gcAssistBytes -= m * e;
          last = base + (first + m - 1) * e + (shape.hasHeader ? 8 : 0);
          i += m;
          if (split) this.set(elems, from + i - 1, new Ptr(ptrType, last));
          continue;
        }
      }
      last = newobject(rt, t);
      if (elems !== null) this.set(elems, from + i, new Ptr(ptrType, last));
      else if (sinkAddr !== 0) writePointer(rt, sinkAddr, last);
      i++;
    }
    return n === 0 ? null : new Ptr(ptrType, last);
  }

  /** make([]T, len, cap) on the heap (makeslice). */
  make(sliceType: GoType, len: number, cap = len): Slice {
    this.safePoint();
    const elem = sliceType.elem!;
    if (len < 0 || !Number.isSafeInteger(len)) throw new GoPanic('runtime error: makeslice: len out of range');
    if (cap < len || !Number.isSafeInteger(cap) || elem.size * cap > 2 ** 48) throw new GoPanic('runtime error: makeslice: cap out of range');
    const ptr = mallocgc(this.p.rt, elem.size * cap, elem, true);
    return new Slice(sliceType, ptr, len, cap);
  }

  /** make(map[K]V, hint). */
  makeMap<K = unknown, V = unknown>(mapType: GoType, hint = 0): GoMap<K, V> {
    this.safePoint();
    return GoMap.make<K, V>(this.p, mapType, hint);
  }

  /** make(chan T, size). */
  makeChan(chanType: GoType, size = 0): Chan {
    this.safePoint();
    return Chan.make(this.p, chanType, size);
  }

  // ── loads and stores ─────────────────────────────────────────────────

  /** The address and type of x[k]: a slice element, a field of *struct, an element of *array. */
  private place(x: Slice | Ptr | null, k: string | number): { a: number; t: GoType } {
    if (x === null || x === undefined) {
      if (typeof k === 'number') indexPanic(k, 0);
      nilDeref();
    }
    if (x instanceof Slice) {
      const i = k as number;
      if (!(i >= 0 && i < x.len)) indexPanic(i, x.len);
      return { a: x.ptr + i * x.type.elem!.size, t: x.type.elem! };
    }
    const t = x.type.elem!;
    if (t.kind === Kind.Struct) {
      const f = fieldOf(t, k as string);
      return { a: x.addr + f.offset, t: f.type };
    }
    if (t.kind === Kind.Array) {
      const i = k as number;
      if (!(i >= 0 && i < t.len!)) indexPanic(i, t.len!);
      return { a: x.addr + i * t.elem!.size, t: t.elem! };
    }
    throw new Error(`gomem: ${x.type.str} has no fields or elements`);
  }

  /** x[k]: s[i] of a slice, p.f of a pointer to a struct, p[i] of a pointer to an array. */
  get(x: Slice | Ptr | null, k: string | number): unknown {
    this.safePoint();
    const { a, t } = this.place(x, k);
    this.p.rt.mem.noteRead(a, Math.max(t.size, 1));
    return loadValue(this.p, a, t);
  }

  /** x[k] = v (pointer words through the write barrier). */
  set(x: Slice | Ptr | null, k: string | number, v: unknown = undefined): void {
    this.safePoint();
    const { a, t } = this.place(x, k);
    storeValue(this.p, a, t, v);
  }

  /** &x[k]: a pointer to the element or field (an interior pointer). */
  addr(x: Slice | Ptr | null, k: string | number): Ptr {
    const { a, t } = this.place(x, k);
    return new Ptr(T.pointer(t), a);
  }

  /** *p. */
  load(p: Ptr | null): unknown {
    this.safePoint();
    if (p === null || p === undefined) nilDeref();
    this.p.rt.mem.noteRead(p.addr, Math.max(p.elem.size, 1));
    return loadValue(this.p, p.addr, p.elem);
  }

  /** *p = v. */
  store(p: Ptr | null, v: unknown): void {
    this.safePoint();
    if (p === null || p === undefined) nilDeref();
    storeValue(this.p, p.addr, p.elem, v);
  }

  /** A pointer store at a raw address (the slot must hold a pointer). */
  storePointer(addr: number, v: unknown): void {
    this.safePoint();
    writePointer(this.p.rt, addr, pointerOf(v));
  }

  // ── slices ───────────────────────────────────────────────────────────

  /** append(s, values...): grows like growslice (the old elements are copied, pointer words through the barrier). */
  append(s: Slice, ...values: unknown[]): Slice {
    return this.appendN(s, values.length, values);
  }

  /** append of n elements: their values if given, else zero values (append(s, make([]T, n)...)). */
  appendN(s: Slice, n: number, values: readonly unknown[] = []): Slice {
    this.safePoint();
    const elem = s.elem;
    const newLen = s.len + n;
    const rt = this.p.rt;
    let out: Slice;
    if (newLen <= s.cap) {
      out = new Slice(s.type, s.ptr, newLen, s.cap);
    } else {
      const g = growsliceCap(s.cap, newLen, elem);
      const noscan = !elem.pointers;
      // Pointerful arrays come zeroed; noscan ones are cleared only past the new length.
      const p = g.memBytes === 0 ? rt.zerobase : mallocgc(rt, g.memBytes, elem, !noscan);
      if (g.memBytes > 0) {
        if (noscan) rt.sys.touch(p + newLen * elem.size, g.memBytes - newLen * elem.size);
        if (s.len > 0) {
          if (noscan) memmoveNoHeapPointers(rt, p, s.ptr, s.len * elem.size);
          else typedslicecopy(rt, elem, p, s.ptr, s.len);
        }
        spillArg(this.p, s.ptr);
      }
      out = new Slice(s.type, p, newLen, g.newcap);
    }
    if (n > 0 && elem.size > 0) {
      // The new elements are written.
      const at = out.ptr + s.len * elem.size;
      rt.sys.touch(at, n * elem.size);
      if (values.length === 0) {
        if (elem.pointers) typedmemclr(rt, elem, at, n * elem.size);
        else rt.mem.clear(at, n * elem.size);
      }
      for (let i = 0; i < values.length; i++) storeValue(this.p, at + i * elem.size, elem, values[i]);
    }
    return out;
  }

  /** copy(dst, src): the min length is read from src and written to dst. */
  copy(dst: Slice | null, src: Slice | null): number {
    this.safePoint();
    if (dst === null || src === null) return 0;
    const n = Math.min(dst.len, src.len);
    const elem = dst.elem;
    if (n === 0 || elem.size === 0) return n;
    if (elem.pointers) typedslicecopy(this.p.rt, elem, dst.ptr, src.ptr, n);
    else memmoveNoHeapPointers(this.p.rt, dst.ptr, src.ptr, n * elem.size);
    return n;
  }

  /** Writes every element of s with values that do not matter (for i := range s { s[i] = v }): residency, not contents. */
  fill(s: Slice): void {
    this.safePoint();
    const start = this.p.clock.now;
    if (s.len > 0) this.p.rt.sys.touch(s.ptr, s.len * s.elem.size);
    this.p.chargeBytesWritten(s.len * s.elem.size);
    this.p.sched.preemptible(start);
  }

  /** Reads every element of s. */
  readAll(s: Slice): void {
    this.safePoint();
    const start = this.p.clock.now;
    if (s.len > 0) this.p.rt.sys.touchRead(s.ptr, s.len * s.elem.size);
    this.p.sched.preemptible(start);
  }

  // ── strings ──────────────────────────────────────────────────────────

  /** A string literal: its bytes live in the binary's rodata (no allocation). */
  str(text: string): GoString {
    this.safePoint();
    return this.p.literal(text);
  }

  /** A new heap string of the given text: its bytes are written into a fresh allocation. */
  private heapString(text: string, bytes: Uint8Array = utf8.encode(text)): GoString {
    const ptr = mallocgc(this.p.rt, bytes.length, null, false);
    this.p.rt.mem.writeBytes(ptr, bytes);
    return new GoString(text, ptr, bytes.length);
  }

  /** s1 + s2 + …: one allocation of the total length unless at most one operand is non-empty. */
  concat(...parts: (GoString | string)[]): GoString {
    this.safePoint();
    const strs = parts.map((x) => toGoString(this.p, x));
    const nonEmpty = strs.filter((x) => x.len > 0);
    if (nonEmpty.length === 0) return this.p.emptyString;
    if (nonEmpty.length === 1) return nonEmpty[0]!;
    return this.heapString(strs.map((x) => x.text).join(''));
  }

  /** string(b): a copy of the bytes (none for 0 or 1 byte: "" and the static one-byte strings). */
  bytesToString(b: Slice | null): GoString {
    this.safePoint();
    if (b === null || b.len === 0) return this.p.emptyString;
    const rt = this.p.rt;
    rt.mem.noteRead(b.ptr, b.len);
    const bytes = rt.mem.readBytes(b.ptr, b.len);
    const text = new TextDecoder().decode(bytes);
    if (bytesToString(b.len).length === 0) return new GoString(text, this.p.staticuint64(bytes[0]!), 1);
    return this.heapString(text, bytes);
  }

  /** []byte(s): a copy, its capacity rounded up to the size class (a 33-byte string gets cap 48). */
  stringToBytes(s: GoString | string): Slice {
    this.safePoint();
    const str = toGoString(this.p, s);
    const { cap, allocs } = stringToBytes(str.len);
    let ptr = 0;
    for (const a of allocs) {
      ptr = mallocgc(this.p.rt, a.size, null, false);
      this.p.rt.sys.touch(ptr, a.size);
      this.p.rt.mem.writeBytes(ptr, utf8.encode(str.text));
    }
    return new Slice(T.slice(T.byte), ptr, str.len, cap);
  }

  // ── interfaces and unsafe ────────────────────────────────────────────

  /** A value converted to an interface (any, error, …): boxed when stored, as convT does. */
  box(v: unknown, t: GoType): Iface {
    this.safePoint();
    return new Iface(t, v);
  }

  /** unsafe.Pointer(p). */
  unsafePointer(p: Ptr | null): Ptr | null {
    return p === null ? null : new Ptr(T.unsafePointer, p.addr);
  }

  /** uintptr(unsafe.Pointer(p)): an integer, not a pointer — it keeps nothing alive. */
  uintptr(p: Ptr | null): number {
    return p === null ? 0 : p.addr;
  }

  /** (*T)(unsafe.Pointer(u)) for a uintptr or an unsafe.Pointer: a pointer of type ptrType. */
  pointerAt(u: number | Ptr | null, ptrType: GoType): Ptr | null {
    const a = typeof u === 'number' ? u : u === null ? 0 : u.addr;
    return a === 0 ? null : new Ptr(ptrType, a);
  }

  // ── runtime internals a program's packages reach ─────────────────────

  /** A runtime type for a package-internal object known only by name, size and "has pointers". */
  opaqueType(name: string, size: number): RType {
    const key = `${name}/${size}`;
    let t = this.opaque.get(key);
    if (!t) this.opaque.set(key, (t = scanType(name || 'unknown', size)));
    return t;
  }

  /** clearpools (mgc.go): at each cycle's start, sync.Pools drop their victims and demote their contents. */
  clearpools(): void {
    this.pools.cleanup();
  }

  /** The process's sync.Pools (fmt's printer cache among them). */
  readonly pools: Pools;

  /** createfing: the finalizer goroutine, started by the first SetFinalizer. */
  createfing(): void {
    if (this.fing) return;
    this.fing = true;
    const g = this.p.sched.newproc('runtime.runfinq', parkForever(), { parked: 'finalizer wait' });
    this.p.rt.mem.initWord(this.p.globals.rootWord('runtime.fing', 0), g.addr);
    this.p.gc.setFinalizerGoroutine(g);
  }
}
