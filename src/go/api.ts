// The Go API a gomem program is written against: what a Go compiler would
// emit calls to (new, make, append, copy, conversions, go statements,
// channel operations), stack frames whose pointer slots are GC roots, and
// the standard-library packages the seed programs use. Each operation makes
// the allocations, memory writes and reads the Go operation makes, so the
// runtime and kernel models see the same program.
//
// Blocking operations are generators: `yield* go.time.Sleep(2 * go.time.Second)`.

import { mallocgc, newobject } from '../runtime/malloc.ts';
import { parkForever } from '../runtime/proc.ts';
import { scanType } from '../runtime/rtypes.ts';
import type { GoroutineBody } from '../runtime/runtime2.ts';
import { growsliceCap } from '../runtime/slice.ts';
import type { RType } from '../runtime/type.ts';
import { Chan } from './chan.ts';
import { GoMap } from './map.ts';
import { bytesToString, stringToBytes } from './string_sizes.ts';
import { Fmt, Log } from './pkg/fmt.ts';
import { Os, Syscall } from './pkg/os.ts';
import { Debug, Metrics, RuntimePkg } from './pkg/runtime.ts';
import { Sync } from './pkg/sync.ts';
import { Time } from './pkg/time.ts';
import type { GoProcess } from './process.ts';
import { type GoType, T } from './types.ts';
import { GoString, Ptr, Slice, pointerOf } from './values.ts';
import { GoPanic } from '../runtime/panic.ts';

/** A stack frame's slots, by name: reading returns the value, assigning stores it (a root for the GC). */
export type Locals<S extends Record<string, GoType>> = { -readonly [K in keyof S]: unknown };

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
  private readonly opaque = new Map<string, RType>();
  private fing = false;

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
    return this.p.sched.work(ns);
  }

  /**
   * Declares the current function's locals that hold pointers: a stack frame
   * of `frameSize` bytes whose named slots are GC roots until reassigned or
   * the goroutine ends. Returns an object whose properties read and write them.
   */
  locals<S extends Record<string, GoType>>(fn: string, slots: S, frameSize = 0): Locals<S> {
    const values = new Map<string, unknown>();
    let size = frameSize;
    for (const t of Object.values(slots)) size += t.size;
    this.p.sched.pushFrame({ fn, size: Math.ceil(size / 8) * 8, slots: values });
    const out = {} as Locals<S>;
    for (const k of Object.keys(slots)) {
      values.set(k, null);
      Object.defineProperty(out, k, {
        enumerable: true,
        get: () => values.get(k),
        set: (v: unknown) => void values.set(k, v),
      });
    }
    return out;
  }

  /** A call that uses `frameSize` bytes of stack while `body` runs (the stack grows by copying if needed). */
  call<R>(fn: string, frameSize: number, body: () => R): R {
    this.p.sched.pushFrame({ fn, size: frameSize, slots: new Map() });
    try {
      return body();
    } finally {
      this.p.sched.popFrame();
    }
  }

  /** The `go` statement: starts a goroutine (a g, a 2 KiB stack; the closure if it captures). */
  go(name: string, body: (go: Go) => GoroutineBody, opts: { closureBytes?: number } = {}): void {
    if (opts.closureBytes) mallocgc(this.p.rt, opts.closureBytes, this.opaqueType('closure', opts.closureBytes), true);
    this.p.sched.newproc(name, body(this));
  }

  /** os.Exit(code). */
  exit(code: number): never {
    return this.os.Exit(code);
  }

  // ── builtins ─────────────────────────────────────────────────────────

  /** new(T): a zeroed T on the heap (it escapes). */
  new(t: GoType): Ptr {
    const addr = newobject(this.p.rt, t);
    return new Ptr(T.pointer(t), addr);
  }

  /** make([]T, len, cap) on the heap (makeslice). */
  make(sliceType: GoType, len: number, cap = len): Slice {
    const elem = sliceType.elem!;
    if (len < 0 || !Number.isSafeInteger(len)) throw new GoPanic('runtime error: makeslice: len out of range');
    if (cap < len || !Number.isSafeInteger(cap) || elem.size * cap > 2 ** 48) throw new GoPanic('runtime error: makeslice: cap out of range');
    const ptr = mallocgc(this.p.rt, elem.size * cap, elem, true);
    return new Slice(sliceType, ptr, len, cap);
  }

  /** make(map[K]V, hint). */
  makeMap<K = unknown, V = unknown>(mapType: GoType, hint = 0): GoMap<K, V> {
    return new GoMap<K, V>(this.p, mapType, hint);
  }

  /** string(b): a copy of the bytes (none for 0 or 1 byte: "" and the static one-byte strings). */
  bytesToString(b: Slice, text = ''): GoString {
    let ptr = 0;
    for (const a of bytesToString(b.len)) {
      ptr = mallocgc(this.p.rt, a.size, null, false);
      this.p.rt.sys.touchRead(b.ptr, b.len);
      this.p.rt.sys.touch(ptr, b.len);
    }
    return new GoString(text, ptr, b.len);
  }

  /** []byte(s): a copy, its capacity rounded up to the size class (a 33-byte string gets cap 48). */
  stringToBytes(s: GoString): Slice {
    const { cap, allocs } = stringToBytes(s.len);
    let ptr = 0;
    for (const a of allocs) {
      ptr = mallocgc(this.p.rt, a.size, null, false);
      this.p.rt.sys.touch(ptr, a.size);
    }
    return new Slice(T.slice(T.byte), ptr, s.len, cap);
  }

  /**
   * Package-level variables holding pointers: globals in .data/.bss, GC
   * roots for the whole run. Returns an object whose properties read and write them.
   */
  globals<S extends Record<string, GoType>>(slots: S): Locals<S> {
    const out = {} as Locals<S>;
    for (const k of Object.keys(slots)) {
      let v: unknown = null;
      this.p.globalRoots.add(() => v);
      Object.defineProperty(out, k, { enumerable: true, get: () => v, set: (x: unknown) => void (v = x) });
    }
    return out;
  }

  /** make(chan T, size). */
  makeChan(chanType: GoType, size = 0): Chan {
    return new Chan(this.p, chanType, size);
  }

  /**
   * append(s, values...) — n elements (their values, if given, are stored:
   * pointer-shaped ones become heap pointers). Grows like growslice.
   */
  append(s: Slice, ...values: unknown[]): Slice {
    return this.appendN(s, values.length, values);
  }

  /** append of n elements whose values do not matter (append(s, make([]T, n)...)). */
  appendN(s: Slice, n: number, values: readonly unknown[] = []): Slice {
    const elem = s.elem;
    const newLen = s.len + n;
    let out: Slice;
    if (newLen <= s.cap) {
      out = new Slice(s.type, s.ptr, newLen, s.cap);
    } else {
      const g = growsliceCap(s.cap, newLen, elem);
      const rt = this.p.rt;
      const noscan = !elem.pointers;
      // Pointerful arrays come zeroed; noscan ones are cleared only past the new length.
      const p = g.memBytes === 0 ? rt.zerobase : mallocgc(rt, g.memBytes, elem, !noscan);
      if (g.memBytes > 0) {
        if (noscan) rt.sys.touch(p + newLen * elem.size, g.memBytes - newLen * elem.size);
        if (s.len > 0) {
          rt.sys.touchRead(s.ptr, s.len * elem.size);
          rt.sys.touch(p, s.len * elem.size);
        }
      }
      out = new Slice(s.type, p, newLen, g.newcap);
    }
    // The new elements are written.
    if (n > 0 && elem.size > 0) this.p.rt.sys.touch(out.ptr + s.len * elem.size, n * elem.size);
    if (values.length > 0 && elem.pointers) for (let i = 0; i < values.length; i++) this.storePointer(out.addr(s.len + i), values[i]);
    return out;
  }

  /** copy(dst, src): the min length is read from src and written to dst. */
  copy(dst: Slice, src: Slice): number {
    const n = Math.min(dst.len, src.len);
    const bytes = n * dst.elem.size;
    if (bytes > 0) {
      this.p.rt.sys.touchRead(src.ptr, bytes);
      this.p.rt.sys.touch(dst.ptr, bytes);
    }
    return n;
  }

  /** s[i] = v: writes the element (a pointer-shaped v is stored for the GC). */
  set(s: Slice, i: number, v: unknown = 0): void {
    if (i < 0 || i >= s.len) throw new GoPanic(`runtime error: index out of range [${i}] with length ${s.len}`);
    this.p.rt.sys.touch(s.addr(i), s.elem.size);
    if (s.elem.pointers) this.storePointer(s.addr(i), v);
  }

  /** s[i]: reads the element (a read fault maps the zero page or a file page). */
  get(s: Slice, i: number): unknown {
    if (i < 0 || i >= s.len) throw new GoPanic(`runtime error: index out of range [${i}] with length ${s.len}`);
    this.p.rt.sys.touchRead(s.addr(i), s.elem.size);
    return this.p.heapValues.get(s.addr(i)) ?? 0;
  }

  /** Writes every element of s (for i := range s { s[i] = v }). */
  fill(s: Slice): void {
    if (s.len > 0) this.p.rt.sys.touch(s.ptr, s.len * s.elem.size);
    this.p.chargeBytesWritten(s.len * s.elem.size);
  }

  /** Reads every element of s. */
  readAll(s: Slice): void {
    if (s.len > 0) this.p.rt.sys.touchRead(s.ptr, s.len * s.elem.size);
  }

  /** A string literal: its bytes live in the binary's rodata (no allocation). */
  str(text: string): GoString {
    return new GoString(text, this.p.binary.exec.segments[1]?.vaddr ?? 0, Buffer.byteLength(text));
  }

  /** s1 + s2 + …: one allocation of the total length unless at most one operand is non-empty. */
  concat(...parts: (GoString | string)[]): GoString {
    const strs = parts.map((x) => (typeof x === 'string' ? this.str(x) : x));
    const nonEmpty = strs.filter((x) => x.len > 0);
    const text = strs.map((x) => x.text).join('');
    if (nonEmpty.length === 0) return new GoString('', 0, 0);
    if (nonEmpty.length === 1) return nonEmpty[0]!;
    const n = Buffer.byteLength(text);
    const ptr = mallocgc(this.p.rt, n, null, false);
    this.p.rt.sys.touch(ptr, n);
    return new GoString(text, ptr, n);
  }

  /** A pointer store into the heap: the value is kept for the GC to trace. */
  storePointer(addr: number, v: unknown): void {
    const target = pointerOf(v);
    if (target === 0) this.p.heapValues.delete(addr);
    else this.p.heapValues.set(addr, v);
  }

  // ── runtime internals a program's packages reach ─────────────────────

  /** A runtime type for a package-internal object known only by name, size and "has pointers". */
  opaqueType(name: string, size: number): RType {
    const key = `${name}/${size}`;
    let t = this.opaque.get(key);
    if (!t) this.opaque.set(key, (t = scanType(name || 'unknown', size)));
    return t;
  }

  /** createfing: the finalizer goroutine, started by the first SetFinalizer. */
  createfing(): void {
    if (this.fing) return;
    this.fing = true;
    this.p.sched.newproc('runtime.runfinq', parkForever(), { system: true, parked: 'finalizer wait' });
  }
}
