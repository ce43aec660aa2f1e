// What compiled Go code calls besides the go/ API: loads and stores through
// a pointer that may point into the running function's own variables (a
// Ref: the variable did not escape, so it lives in the frame and the
// compiled code keeps its value), value copies of structs and arrays, and
// Go's integer arithmetic on JS numbers.

import type { Go } from '../go/api.ts';
import { GoPanic } from '../runtime/panic.ts';
import { GoString, Ptr, Slice } from '../go/values.ts';
import type { GoMap } from '../go/map.ts';
import type { GoType } from '../go/types.ts';
import { growsliceCap } from '../runtime/slice.ts';

/** &x for a variable that stays in its frame: reads and writes go to the compiled code's copy. */
export class Ref {
  constructor(
    readonly get: () => unknown,
    readonly set: (v: unknown) => void,
  ) {}
}

/**
 * A slice whose array did not escape: the gc compiler puts it in the
 * frame (its bytes are in the frame's size), gomem keeps its elements in
 * a JS array. Only pointer-free element types are kept this way, so the
 * collector loses nothing by not seeing them.
 */
export class StackSlice {
  constructor(
    readonly type: GoType,
    readonly arr: unknown[],
    readonly off: number,
    readonly len: number,
    readonly cap: number,
  ) {}

  get elem(): GoType {
    return this.type.elem!;
  }

  toString(): string {
    return `[${this.arr.slice(this.off, this.off + this.len).join(' ')}]`;
  }
}

/** An error value of the standard library (its Error() text): what a failed API call threw. */
export class GoErrorValue {
  constructor(readonly message: string) {}
  toString(): string {
    return this.message;
  }
}

/** A bigint back to a number when it is exact as one. */
function norm(x: bigint): number | bigint {
  return x >= -9007199254740991n && x <= 9007199254740991n ? Number(x) : x;
}

/** A deep copy of a struct or array value held in JS (Go assigns them by value). */
export function clone<V>(v: V): V {
  if (Array.isArray(v)) return v.map(clone) as V;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = clone(x);
    return out as V;
  }
  return v;
}

function nilDeref(): never {
  throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
}

/** The helpers bound to one process's API. */
export class CompiledRt {
  constructor(readonly go: Go) {}

  /** x.k / x[k] through a pointer or a slice. */
  get(x: Ptr | Slice | Ref | StackSlice | null, k: string | number): unknown {
    if (x instanceof StackSlice) return x.arr[x.off + this.index(k as number, x.len)];
    if (Array.isArray(x)) return (x as unknown[])[k as number];
    if (x instanceof Ref) return (x.get() as Record<string | number, unknown>)[k];
    return this.go.get(x as Ptr | Slice | null, k);
  }

  set(x: Ptr | Slice | Ref | StackSlice | null, k: string | number, v: unknown): void {
    if (x instanceof StackSlice) {
      x.arr[x.off + this.index(k as number, x.len)] = v;
      return;
    }
    if (x instanceof Ref) {
      const o = x.get() as Record<string | number, unknown>;
      o[k] = v;
      x.set(o);
      return;
    }
    this.go.set(x as Ptr | Slice | null, k, v);
  }

  /** &x.k / &x[k]. */
  addr(x: Ptr | Slice | Ref | StackSlice | null, k: string | number): Ptr | Ref {
    if (x instanceof StackSlice) {
      const i = x.off + this.index(k as number, x.len);
      return new Ref(
        () => x.arr[i],
        (v) => {
          x.arr[i] = v;
        },
      );
    }
    if (x instanceof Ref) {
      return new Ref(
        () => (x.get() as Record<string | number, unknown>)[k],
        (v) => {
          const o = x.get() as Record<string | number, unknown>;
          o[k] = v;
          x.set(o);
        },
      );
    }
    return this.go.addr(x as Ptr | Slice | null, k);
  }

  load(p: Ptr | Ref | null): unknown {
    if (p instanceof Ref) return p.get();
    return this.go.load(p);
  }

  store(p: Ptr | Ref | null, v: unknown): void {
    if (p === null) nilDeref();
    if (p instanceof Ref) p.set(v);
    else this.go.store(p, v);
  }

  /** runtime.ReadMemStats(m): the snapshot, with Go's uint64 fields as numbers. */
  readMemStats(m: Ptr | Ref | null): void {
    const s = this.go.runtime.ReadMemStats() as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s)) out[k] = typeof v === 'bigint' ? Number(v) : Array.isArray(v) ? v.map((x) => (typeof x === 'bigint' ? Number(x) : x)) : v;
    if (m instanceof Ref) m.set(out);
    else if (m === null) nilDeref();
    // A MemStats on the heap: only the fields a program reads are stored.
    else for (const k of ['Alloc', 'TotalAlloc', 'Sys', 'Mallocs', 'Frees', 'HeapAlloc', 'HeapSys', 'HeapIdle', 'HeapInuse', 'HeapReleased', 'HeapObjects', 'StackInuse', 'StackSys', 'NextGC', 'NumGC']) this.go.set(m, k, out[k]);
  }

  /** (v, err) of a call the API makes by throwing a JS Error on failure. */
  attempt(f: () => unknown): [unknown, GoErrorValue | null] {
    try {
      return [f(), null];
    } catch (e) {
      if (e instanceof GoPanic || !(e instanceof Error) || e.constructor !== Error) throw e;
      return [null, new GoErrorValue(e.message)];
    }
  }

  /** err of a call returning only an error. */
  attempt1(f: () => unknown): GoErrorValue | null {
    return this.attempt(f)[1];
  }

  private argStrings: unknown[] | null = null;

  /** os.Args as Go strings (the program's command line). */
  args(): unknown[] {
    return (this.argStrings ??= this.go.p.argv.map((a) => this.go.p.literal(a)));
  }

  /** A []int64's elements, for checkpoint.ExtraInts. */
  ints(s: Slice | StackSlice | unknown[]): number[] {
    if (Array.isArray(s)) return s as number[];
    if (s instanceof StackSlice) return s.arr.slice(s.off, s.off + s.len) as number[];
    const out: number[] = [];
    for (let i = 0; i < (s as Slice).len; i++) out.push(Number(this.go.get(s as Slice, i)));
    return out;
  }

  clone = clone;

  /** An index into a JS-held array, checked as Go checks it. */
  index(i: number, len: number): number {
    if (!(i >= 0 && i < len)) throw new GoPanic(`runtime error: index out of range [${i}] with length ${len}`);
    return i;
  }

  /** make([]T, n, c) for an array that stays in the frame. */
  stackMake(t: GoType, len: number, cap: number, zero: unknown): StackSlice {
    return new StackSlice(t, new Array(cap).fill(zero), 0, len, cap);
  }

  /** append: in place while the capacity lasts; past it growslice's new array is on the heap, as in Go. */
  append(s: Slice | StackSlice, ...vals: unknown[]): Slice | StackSlice {
    if (!(s instanceof StackSlice)) return this.go.append(s, ...vals);
    const n = s.len + vals.length;
    if (n <= s.cap) {
      vals.forEach((v, i) => (s.arr[s.off + s.len + i] = v));
      return new StackSlice(s.type, s.arr, s.off, n, s.cap);
    }
    const g = growsliceCap(s.cap, n, s.elem as never);
    const h = this.go.make(s.type, n, g.newcap);
    for (let i = 0; i < s.len; i++) this.go.set(h, i, s.arr[s.off + i]);
    vals.forEach((v, i) => this.go.set(h, s.len + i, v));
    return h;
  }

  copy(dst: Slice | StackSlice | null, src: Slice | StackSlice | null): number {
    if (!(dst instanceof StackSlice) && !(src instanceof StackSlice)) return this.go.copy(dst, src);
    if (dst === null || src === null) return 0;
    const n = Math.min(dst.len, src.len);
    const vals: unknown[] = [];
    for (let i = 0; i < n; i++) vals.push(this.get(src, i));
    vals.forEach((v, i) => this.set(dst, i, v));
    return n;
  }

  /** for i := range s { s[i] = k }. */
  fill(s: Slice | StackSlice, k: unknown): void {
    if (s instanceof StackSlice) s.arr.fill(k, s.off, s.off + s.len);
    else this.go.fill(s);
  }

  /** go.inline for a body that may block (a generator): heap profiles show fn "(inline)" while it runs. */
  *inlineGen<R>(fn: string, body: Generator<unknown, R, unknown>): Generator<unknown, R, unknown> {
    const g = this.go.p.sched.curG;
    if (g === null) return yield* body;
    g.inlined.push({ fn, depth: g.frames.length });
    try {
      return yield* body;
    } finally {
      g.inlined.pop();
    }
  }

  // Maps: a nil map reads as empty and panics on assignment, as in Go.

  mapGet(m: GoMap | null, k: unknown, zero: unknown): unknown {
    if (m === null) return zero;
    const v = m.get(k);
    return v === undefined ? zero : v;
  }

  mapLookup(m: GoMap | null, k: unknown, zero: unknown): [unknown, boolean] {
    if (m === null) return [zero, false];
    const v = m.get(k);
    return v === undefined ? [zero, false] : [v, true];
  }

  mapSet(m: GoMap | null, k: unknown, v: unknown): void {
    if (m === null) throw new GoPanic('assignment to entry in nil map');
    m.set(k, v);
  }

  mapDelete(m: GoMap | null, k: unknown): void {
    if (m !== null) m.delete(k);
  }

  mapClear(m: GoMap | null): void {
    if (m !== null) m.clear();
  }

  mapLen(m: GoMap | null): number {
    return m === null ? 0 : m.len;
  }

  mapLit(m: GoMap, pairs: [unknown, unknown][]): GoMap {
    for (const [k, v] of pairs) m.set(k, v);
    return m;
  }

  /** A nil slice of type t. */
  nilSlice(t: GoType): Slice {
    return new Slice(t, 0, 0, 0);
  }

  /** s[lo:hi:max] of a slice; a slice of a JS-held array is a JS array slice (only checkpoint.ExtraInts reads those). */
  slice(s: Slice | StackSlice | unknown[], lo: number, hi: number | undefined, max: number | undefined): Slice | StackSlice | unknown[] {
    if (Array.isArray(s)) return s.slice(lo, hi);
    if (s instanceof StackSlice) {
      const h = hi ?? s.len;
      const m = max ?? s.cap;
      if (lo < 0 || h < lo || m < h || m > s.cap) throw new GoPanic(`runtime error: slice bounds out of range [${lo}:${h}] with capacity ${s.cap}`);
      return new StackSlice(s.type, s.arr, s.off + lo, h - lo, m - lo);
    }
    const h = hi ?? s.len;
    const m = max ?? s.cap;
    if (lo < 0 || h < lo || m < h || m > s.cap) throw new GoPanic(`runtime error: slice bounds out of range [${lo}:${h}] with capacity ${s.cap}`);
    return new Slice(s.type, s.len === 0 && lo === 0 ? s.ptr : s.ptr + lo * s.elem.size, h - lo, m - lo);
  }

  /** A narrow integer result wrapped as Go wraps it (int8 … uint32; operands are exact numbers). */
  wrap(v: number | bigint, bits: number, signed: boolean): number {
    if (typeof v === 'bigint') return Number(signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v));
    const m = 2 ** bits;
    let x = ((v % m) + m) % m;
    if (signed && x >= m / 2) x -= m;
    return x;
  }

  /** A 64-bit integer in its type: a number while exact (below 2^53), else a bigint. */
  to64(v: number | bigint, signed: boolean): number | bigint {
    if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && (signed || v >= 0)) return v;
      v = BigInt(Math.trunc(v));
    }
    return norm(signed ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v));
  }

  /**
   * 64-bit integer arithmetic (int, int64, uint, uint64, uintptr), exact as
   * Go's: numbers on the fast path, BigInt when a value or the result
   * leaves the safe range (an LCG's uint64 state, a hash).
   */
  add(a: number | bigint, b: number | bigint, signed: boolean): number | bigint {
    if (typeof a === 'number' && typeof b === 'number') {
      const r = a + b;
      if (Number.isSafeInteger(r) && (signed || r >= 0)) return r;
    }
    return this.big('+', a, b, signed);
  }

  sub(a: number | bigint, b: number | bigint, signed: boolean): number | bigint {
    if (typeof a === 'number' && typeof b === 'number') {
      const r = a - b;
      if (Number.isSafeInteger(r) && (signed || r >= 0)) return r;
    }
    return this.big('-', a, b, signed);
  }

  mul(a: number | bigint, b: number | bigint, signed: boolean): number | bigint {
    if (typeof a === 'number' && typeof b === 'number') {
      const r = a * b;
      if (Number.isSafeInteger(r) && (signed || r >= 0)) return r;
    }
    return this.big('*', a, b, signed);
  }

  div(a: number | bigint, b: number | bigint, signed = true): number | bigint {
    if (b === 0 || b === 0n) throw new GoPanic('runtime error: integer divide by zero');
    if (typeof a === 'number' && typeof b === 'number') return Math.trunc(a / b);
    return this.big('/', a, b, signed);
  }

  mod(a: number | bigint, b: number | bigint, signed = true): number | bigint {
    if (b === 0 || b === 0n) throw new GoPanic('runtime error: integer divide by zero');
    if (typeof a === 'number' && typeof b === 'number') return a % b;
    return this.big('%', a, b, signed);
  }

  shl(a: number | bigint, b: number | bigint, signed = true): number | bigint {
    if (typeof a === 'number' && typeof b === 'number') {
      const r = a * 2 ** b;
      if (Number.isSafeInteger(r) && (signed || r >= 0)) return r;
    }
    return this.big('<<', a, b, signed);
  }

  shr(a: number | bigint, b: number | bigint, signed = true): number | bigint {
    if (typeof a === 'number' && typeof b === 'number') return Math.floor(a / 2 ** b);
    return this.big('>>', a, b, signed);
  }

  and(a: number | bigint, b: number | bigint, signed = true): number | bigint {
    return this.big('&', a, b, signed);
  }

  or(a: number | bigint, b: number | bigint, signed = true): number | bigint {
    return this.big('|', a, b, signed);
  }

  xor(a: number | bigint, b: number | bigint, signed = true): number | bigint {
    return this.big('^', a, b, signed);
  }

  private big(op: string, a: number | bigint, b: number | bigint, signed: boolean): number | bigint {
    const x = BigInt(a);
    const y = BigInt(b);
    let r: bigint;
    switch (op) {
      case '+':
        r = x + y;
        break;
      case '-':
        r = x - y;
        break;
      case '*':
        r = x * y;
        break;
      case '/':
        r = x / y;
        break;
      case '%':
        r = x % y;
        break;
      case '<<':
        r = y >= 64n ? 0n : x << y;
        break;
      case '>>':
        r = x >> (y > 64n ? 64n : y);
        break;
      case '&':
        r = x & y;
        break;
      case '|':
        r = x | y;
        break;
      default:
        r = x ^ y;
    }
    return norm(signed ? BigInt.asIntN(64, r) : BigInt.asUintN(64, r));
  }

  /** Go's string comparison: by bytes. */
  strEq(a: GoString, b: GoString): boolean {
    return a.text === b.text;
  }

  panic(v: unknown): never {
    throw new GoPanic(v instanceof GoString ? v.text : String(v));
  }

  isNil(v: unknown): boolean {
    if (v instanceof Slice) return v.ptr === 0;
    return v === null || v === undefined;
  }
}
