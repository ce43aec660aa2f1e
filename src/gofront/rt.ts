// What compiled Go code calls besides the go/ API: loads and stores through
// a pointer that may point into the running function's own variables (a
// Ref: the variable did not escape, so it lives in the frame and the
// compiled code keeps its value), value copies of structs and arrays, and
// Go's integer arithmetic on JS numbers.

import type { Go } from '../go/api.ts';
import { GoPanic } from '../runtime/panic.ts';
import { GoString, Iface, Ptr, Slice, pointerOf } from '../go/values.ts';
import { boxAllocs, boxPath } from '../go/iface_sizes.ts';
import { formatValue } from '../go/pkg/fmt.ts';
import { formatFloat } from '../go/strconv.ts';
import { Kind, T, isDirectIface } from '../go/types.ts';
import { errorString, numErrorType, pathErrorType, wrapError } from './stdlib.ts';
import type { GoMap } from '../go/map.ts';
import type { GoType } from '../go/types.ts';
import { growsliceCap } from '../runtime/slice.ts';
import { tmpStringBufSize } from '../go/string_sizes.ts';
import { mallocgc } from '../runtime/malloc.ts';
import { closureType } from '../go/closure_sizes.ts';
import { storeValue } from '../go/memops.ts';
import { TextRt } from './rt_text.ts';
import { RWMutex } from './rt_sync.ts';
import { BuilderRt, type FieldAccess } from './rt_builder.ts';
import { PoolRt } from './rt_pool.ts';
import { IoRt } from './rt_io.ts';
import type { Mutex, WaitGroup } from '../go/pkg/sync.ts';
import { type SelectCase, type SelectResult, selectgo } from '../go/select.ts';

/**
 * A func value in compiled code: the address of its funcval (a closure
 * object on the heap, or a static funcval in rodata) and the JS function
 * that runs it (a generator: a func value's body may block).
 */
export class FuncVal {
  constructor(
    readonly type: GoType,
    readonly addr: number,
    readonly fn: (...args: unknown[]) => Generator<unknown, unknown, unknown>,
  ) {}

  toString(): string {
    return `0x${this.addr.toString(16)}`;
  }
}

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

/** The dynamic type of a recovered runtime error (runtime.Error's implementations, reduced to their text). */
const runtimeErrorType = T.named(T.string, 'runtime.Error');

/** sync.Once's state: done, and the mutex a second caller waits on. */
type SyncKind = 'WaitGroup' | 'Mutex' | 'Once' | 'RWMutex';
type SyncState = WaitGroup | Mutex | OnceState | RWMutex;

interface OnceState {
  done: boolean;
  readonly m: Mutex;
}

/** A function's pending deferred calls and the panic (or other throw) its exit is handling. */
export class DeferFrame {
  readonly list: (() => Generator<unknown, unknown, unknown>)[] = [];
  panic: GoPanic | null = null;
  fatal: unknown = null;
}

/** A float as the runtime's print shows it: +1.500000e+000. */
function printFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  const [m, e] = f.toExponential(6).split('e') as [string, string];
  const exp = Number(e);
  return `${f < 0 || Object.is(f, -0) ? '' : '+'}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(3, '0')}`;
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

/** Runs a generator to its end without yielding (a method fmt calls while it prints). */
function drive(g: Generator<unknown, unknown, unknown>): unknown {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/** Go's == on values held in JS (strings by text, pointers by address, structs and arrays field by field). */
function valueEq(a: unknown, b: unknown): boolean {
  if (a instanceof GoString && b instanceof GoString) return a.text === b.text;
  if (a instanceof Ptr && b instanceof Ptr) return a.addr === b.addr;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valueEq(x, b[i]));
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Object.getPrototypeOf(a) === Object.prototype) {
    return Object.keys(a).every((k) => valueEq((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  // eslint-disable-next-line eqeqeq
  return a == b;
}

/**
 * What boxing depends on in a value (BoxOptions.value): the number inside
 * a chain of one-field structs and one-element arrays (convT64 of Sq{7}
 * takes staticuint64s), a string's text, null for a nil slice.
 */
function boxValue(v: unknown): number | string | null | undefined {
  for (;;) {
    if (typeof v === 'number') return v;
    if (typeof v === 'bigint') return undefined;
    if (v instanceof GoString) return v.text;
    if (v instanceof Slice) return v.ptr === 0 ? null : undefined;
    if (Array.isArray(v) && v.length === 1) v = v[0];
    else if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && Object.keys(v).length === 1) v = Object.values(v)[0];
    else return undefined;
  }
}

/** A Go panic with its value (what recover returns): the message is what an unrecovered panic prints. */
export class GoPanicValue extends GoPanic {
  constructor(
    message: string,
    /** The value passed to panic, or null for a runtime error (recover then returns a runtime.Error). */
    readonly goValue: unknown,
  ) {
    super(message);
  }
}

function nilDeref(): never {
  throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
}

/** A method as compiled: its function, whether it is a generator, whether its receiver is a pointer. */
export type MethodEntry = readonly [(...a: unknown[]) => unknown, boolean, boolean];

/** Go's name of a type in messages: `interface {}` for any, main.T for the program's types. */
function typeName(t: GoType): string {
  return t.str;
}

/** Whether two types are identical (named types by identity, others by their spelling). */
function sameType(a: GoType, b: GoType): boolean {
  return a === b || (a.name === '' && b.name === '' && a.str === b.str);
}

/** The helpers bound to one process's API. */
export class CompiledRt {
  /** strings and strconv. */
  readonly text: TextRt;
  readonly builder: BuilderRt;
  readonly pool: PoolRt;
  readonly io: IoRt;

  constructor(readonly go: Go) {
    this.text = new TextRt(go);
    this.builder = new BuilderRt(go, this as unknown as FieldAccess);
    this.io = new IoRt(go);
    this.pool = new PoolRt(go, this as unknown as ConstructorParameters<typeof PoolRt>[1]);
    this.methodTable.set(numErrorType, new Map<string, MethodEntry>([['Error', [(p: unknown) => this.text.numErrorError((p as Ptr).addr), false, true]]]));
    // The standard library's methods the subset's values can have.
    this.methodTable.set(errorString, new Map<string, MethodEntry>([['Error', [(p: unknown) => this.go.get(p as Ptr, 's'), false, true]]]));
    this.methodTable.set(pathErrorType, new Map<string, MethodEntry>([['Error', [(p: unknown) => this.go.p.literal(this.pathErrorText.get((p as Ptr).addr) ?? ''), false, true]]]));
    this.methodTable.set(runtimeErrorType, new Map<string, MethodEntry>([['Error', [(v: unknown) => v, false, false]]]));
    this.methodTable.set(wrapError, new Map<string, MethodEntry>([['Error', [(p: unknown) => this.go.get(p as Ptr, 'msg'), false, true]]]));
  }

  // ── interfaces ───────────────────────────────────────────────────────

  /** Methods by receiver base type (the program's named types, and errors.errorString). */
  private readonly methodTable = new Map<GoType, Map<string, MethodEntry>>();

  /** Declares the compiled methods of a named type. */
  methods(t: GoType, ms: Record<string, MethodEntry>): void {
    this.methodTable.set(t, new Map(Object.entries(ms)));
  }

  /** The method `name` of dynamic type t: found on T for a T, on T for a *T (value and pointer receivers). */
  private method(t: GoType, name: string): MethodEntry | undefined {
    const pointer = t.kind === Kind.Pointer && t.name === '';
    const m = this.methodTable.get(pointer ? t.elem! : t)?.get(name);
    if (m === undefined || (m[2] && !pointer)) return undefined;
    return m;
  }

  /**
   * A value converted to an interface: the data word is the value itself
   * when it is pointer-shaped, else a box — none for zero-size values,
   * bools, single bytes and small integers (staticuint64s), "" and nil
   * slices, static data for constants, a stack temporary when the
   * interface does not escape; otherwise convT's allocation of the value's
   * size, holding a copy.
   */
  box(v: unknown, t: GoType, escapes: boolean, constant: boolean): Iface {
    const x = new Iface(t, v);
    const p = this.go.p;
    if (isDirectIface(t)) {
      x.data = pointerOf(v);
      return x;
    }
    const known = boxValue(v);
    const path = boxPath(t, { escapes, constant, value: known });
    if (path === 'zerobase') x.data = p.rt.zerobase;
    else if (path === 'staticuint64s') x.data = p.staticuint64(Number(v === true ? 1 : v === false ? 0 : v) & 0xff);
    else if (path === 'static') x.data = this.staticBox(t, v);
    else if (path === 'stack') x.data = 0; // a temporary in the frame: nothing for the collector to find
    else {
      const allocs = boxAllocs(t, { value: known });
      if (allocs.length === 0) {
        if (path === 'convTstring' || path === 'convTslice') x.data = p.zeroVal;
        else x.data = p.staticuint64(typeof known === 'number' && Number.isInteger(known) ? known : 0);
      } else {
        const a = allocs[0]!;
        const b = mallocgc(p.rt, a.size, a.noscan ? null : a.type, true);
        storeValue(p, b, t, v);
        x.data = b;
      }
    }
    return x;
  }

  private readonly statics_ = new Map<string, number>();

  /** A constant's box: read-only data in the binary (one per type and value). */
  private staticBox(t: GoType, v: unknown): number {
    const key = `${t.str}\u0000${v instanceof GoString ? v.text : String(v)}`;
    let a = this.statics_.get(key);
    if (a === undefined) {
      a = this.go.p.globals.declare(t);
      storeValue(this.go.p, a, t, v);
      this.statics_.set(key, a);
    }
    return a;
  }

  /** x.M(args…) on an interface: the dynamic type's method (yield* it); a nil interface panics. */
  *icall(x: Iface | GoErrorValue | null, name: string, ...args: unknown[]): Generator<unknown, unknown, unknown> {
    if (x === null || x === undefined) nilDeref();
    if (x instanceof GoErrorValue) return this.go.p.literal(x.message);
    const m = this.method(x.type, name);
    if (m === undefined) throw new Error(`gomem: ${x.type.str} has no method ${name}`);
    const pointer = x.type.kind === Kind.Pointer && x.type.name === '';
    // A value-receiver method through a *T: the method gets a copy of *p.
    const recv = pointer && !m[2] ? clone(this.load(x.value as Ptr | Ref)) : x.value;
    const r = m[0](recv, ...args);
    if (m[1]) return yield* r as Generator<unknown, unknown, unknown>;
    return r;
  }

  /** Whether interface value x holds a value of type t (a type switch's case, x.(T)'s ok). */
  isType(x: Iface | GoErrorValue | null, t: GoType): boolean {
    if (x === null || x === undefined) return false;
    if (x instanceof GoErrorValue) return false;
    return sameType(x.type, t);
  }

  /** Whether x's dynamic type implements interface t. */
  implements(x: Iface | GoErrorValue | null, t: GoType): boolean {
    if (x === null || x === undefined) return false;
    if (x instanceof GoErrorValue) return (t.underlying ?? t).methods!.every((m) => m.name === 'Error');
    return ((t.underlying ?? t).methods ?? []).every((m) => this.method(x.type, m.name) !== undefined);
  }

  /** The value x holds (a copy, for a struct or array). */
  dyn(x: Iface): unknown {
    return clone(x.value);
  }

  /** x.(T) for a concrete T: its value, or Go's panic; with ok, [value or zero, ok]. */
  assertType(x: Iface | GoErrorValue | null, t: GoType, from: string, ok: boolean, zero: unknown): unknown {
    const good = this.isType(x, t);
    if (ok) return good ? [clone((x as Iface).value), true] : [zero, false];
    if (!good) throw new GoPanicValue(`interface conversion: ${from} is ${x === null ? 'nil' : x instanceof GoErrorValue ? '*errors.errorString' : typeName((x as Iface).type)}, not ${typeName(t)}`, null);
    return clone((x as Iface).value);
  }

  /** x.(I) for an interface I: x itself when its dynamic type implements I. */
  assertIface(x: Iface | GoErrorValue | null, t: GoType, ok: boolean): unknown {
    const good = this.implements(x, t);
    if (ok) return good ? [x, true] : [null, false];
    if (!good) {
      if (x === null) throw new GoPanicValue(`interface conversion: interface is nil, not ${typeName(t)}`, null);
      const miss = ((t.underlying ?? t).methods ?? []).find((m) => !(x instanceof Iface) || this.method(x.type, m.name) === undefined);
      throw new GoPanicValue(`interface conversion: ${x instanceof Iface ? typeName(x.type) : '*errors.errorString'} is not ${typeName(t)}: missing method ${miss?.name ?? '?'}`, null);
    }
    return x;
  }

  /** a == b for interface values: the same dynamic type and equal values. */
  ifaceEq(a: unknown, b: unknown): boolean {
    if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
    if (!(a instanceof Iface) || !(b instanceof Iface)) return a === b;
    if (!sameType(a.type, b.type)) return false;
    return valueEq(a.value, b.value);
  }

  /** An interface operand of fmt or log, as the text it prints (Error and String methods called, as fmt does). */
  fmtText(x: unknown, plus = false): string {
    if (x === null || x === undefined) return '<nil>';
    if (x instanceof GoErrorValue) return x.message;
    if (!(x instanceof Iface)) return formatValue(x);
    for (const name of ['Error', 'String']) {
      if (this.method(x.type, name) === undefined) continue;
      const r = drive(this.icall(x, name));
      return r instanceof GoString ? r.text : String(r);
    }
    return this.format(x.value, x.type, true, plus);
  }

  /** Go's %v of a value of type t (%+v with `plus`: struct fields named). */
  format(v: unknown, t: GoType, top: boolean, plus = false): string {
    const u = t.underlying ?? t;
    if (v instanceof Iface) return this.fmtText(v, plus);
    switch (u.kind) {
      case Kind.Struct: {
        const o = (v ?? {}) as Record<string, unknown>;
        return `{${u.fields!.map((f) => `${plus ? `${f.name}:` : ''}${this.format(o[f.name], f.type, false, plus)}`).join(' ')}}`;
      }
      case Kind.Pointer:
        if (v === null || v === undefined) return '<nil>';
        if (top && (u.elem!.underlying ?? u.elem!).kind === Kind.Struct) return `&${this.format(this.load(v as Ptr | Ref), u.elem!, false, plus)}`;
        return v instanceof Ptr ? `0x${v.addr.toString(16)}` : '0xc000000000';
      case Kind.Float32:
      case Kind.Float64:
        return formatFloat(Number(v));
      case Kind.Bool:
        return String(v);
      case Kind.Slice: {
        // [e0 e1 …]: each element read from the heap array, or from the frame's.
        if (v === null || v === undefined) return '[]';
        const s = v as Slice | StackSlice;
        const es: string[] = [];
        for (let i = 0; i < s.len; i++) es.push(this.format(s instanceof StackSlice ? s.arr[s.off + i] : this.go.get(s, i), u.elem!, false, plus));
        return `[${es.join(' ')}]`;
      }
    }
    if (Array.isArray(v)) return `[${v.map((e) => this.format(e, u.elem!, false, plus)).join(' ')}]`;
    return formatValue(v);
  }

  /** errors.New(text): a new *errorString (16 bytes, on the heap) in an error. */
  errorsNew(text: GoString): Iface {
    const p = this.go.new(errorString);
    this.go.set(p, 's', text);
    const x = new Iface(T.pointer(errorString), p);
    x.data = p.addr;
    return x;
  }

  /**
   * fmt.Errorf(format, a...): Sprintf's text in errors.New's *errorString;
   * with one %w, in a *fmt.wrapError that also holds the wrapped error.
   */
  errorf(format: string, ...args: unknown[]): Iface {
    const w = (format.match(/%w/g) ?? []).length;
    if (w === 0) return this.errorsNew(this.go.fmt.Sprintf(format, ...args));
    if (w > 1) throw new Error('gomem: fmt.Errorf with several %w is not supported yet');
    const text = this.go.fmt.Sprintf(format.replace('%w', '%v'), ...args);
    const p = this.go.new(wrapError);
    this.go.set(p, 'msg', text);
    const x = new Iface(T.pointer(wrapError), p);
    x.data = p.addr;
    return x;
  }

  // ── func values ──────────────────────────────────────────────────────

  /** Function index in the binary's text, by Go name. */
  private readonly funcIndex = new Map<string, number>();
  /** The func value at a funcval address (a func value read back from memory is only its address). */
  private readonly funcvals = new Map<number, FuncVal>();
  private readonly statics = new Map<string, FuncVal>();

  private index_(name: string, body: unknown): number {
    let i = this.funcIndex.get(name);
    if (i === undefined) this.funcIndex.set(name, (i = this.go.p.rodata.addFunc(name, body)));
    return i;
  }

  /** A function of the program as a value: a static funcval in rodata (no allocation). */
  staticFunc(name: string, type: GoType, fn: (...a: unknown[]) => unknown, gen: boolean): FuncVal {
    let f = this.statics.get(name);
    if (f === undefined) {
      const body = gen ? (fn as (...a: unknown[]) => Generator<unknown, unknown, unknown>) : function* (...a: unknown[]) {
        return fn(...a);
      };
      const addr = this.go.p.rodata.staticFuncval(this.index_(name, body));
      f = new FuncVal(type, addr, body);
      this.statics.set(name, f);
      this.funcvals.set(addr, f);
    }
    return f;
  }

  /**
   * A func literal's value. Capturing nothing, or not escaping (the
   * compiler keeps it on the stack), it allocates nothing; otherwise its
   * closure object {F uintptr; captures…} is allocated and filled, so that
   * the collector traces what it captured.
   */
  closure(name: string, type: GoType, escapes: boolean, caps: readonly (readonly [GoType, unknown])[], fn: (...a: unknown[]) => Generator<unknown, unknown, unknown>): FuncVal {
    const idx = this.index_(name, fn);
    const p = this.go.p;
    if (caps.length === 0 || !escapes) {
      const f = new FuncVal(type, p.rodata.staticFuncval(idx), fn);
      this.funcvals.set(f.addr, f);
      return f;
    }
    const ct = closureType(caps.map(([t], i) => ({ type: t, byRef: false, name: `v${i + 1}` })));
    const rt = p.rt;
    const obj = mallocgc(rt, ct.size, ct.pointers ? ct : null, true);
    rt.mem.storeWord(obj, p.rodata.codeAddr(idx));
    caps.forEach(([t, v], i) => storeValue(p, obj + ct.fields![i + 1]!.offset, t, v));
    const f = new FuncVal(type, obj, fn);
    this.funcvals.set(obj, f);
    return f;
  }

  /** f(args…) for a func value (yield* it); a nil func panics as in Go. */
  *callf(f: FuncVal | { addr: number } | null, ...args: unknown[]): Generator<unknown, unknown, unknown> {
    if (f === null || f === undefined) nilDeref();
    const fv = f instanceof FuncVal ? f : this.funcvals.get(f.addr);
    if (fv === undefined) throw new Error(`gomem: call of a func value at 0x${f.addr.toString(16)} that holds no function`);
    return yield* fv.fn(...args);
  }

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
  attempt(f: () => unknown): [unknown, Iface | null] {
    try {
      return [f(), null];
    } catch (e) {
      if (e instanceof GoPanic || !(e instanceof Error) || e.constructor !== Error) throw e;
      return [null, this.osError(e.message)];
    }
  }

  /** Each *fs.PathError's text, by address (its fields are in memory, its message is kept here). */
  private readonly pathErrorText = new Map<number, string>();

  /**
   * An os or syscall call's error as Go returns it: a new *fs.PathError
   * (48 bytes: Op, Path, Err) in an error, whose Error() is the message.
   */
  osError(message: string): Iface {
    const p = this.go.new(pathErrorType);
    this.pathErrorText.set(p.addr, message);
    const x = new Iface(T.pointer(pathErrorType), p);
    x.data = p.addr;
    return x;
  }

  /** err of a call returning only an error. */
  attempt1(f: () => unknown): Iface | null {
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
  /** append(s, xs...): xs's elements (a string's bytes for append([]byte, s...)) appended one growslice at most. */
  appendSlice(s: Slice | StackSlice, xs: Slice | StackSlice | GoString | null): Slice | StackSlice {
    const vals: unknown[] = [];
    if (xs instanceof GoString) for (let i = 0; i < xs.len; i++) vals.push(this.text.byteAt(xs, i));
    else if (xs !== null) for (let i = 0; i < xs.len; i++) vals.push(this.get(xs, i));
    return vals.length === 0 ? s : this.append(s, ...vals);
  }

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

  /** A ...T argument that stays in the caller's frame (pointer-free elements): a slice over a JS array. */
  stackSlice(t: GoType, vals: unknown[]): StackSlice {
    return new StackSlice(t, vals, 0, vals.length, vals.length);
  }

  /**
   * A ... argument or slice literal of pointerful elements (interfaces, pointers, strings,
   * slices, maps, chans, funcs, structs and arrays of them) that does not escape: in the frame, as the compiler keeps it,
   * when none of its values points into the heap (constants' boxes, stack values, nil), else
   * null: gomem's frames cannot show the collector pointers held in a JS array, so the caller
   * puts that one on the heap (an allocation real Go does not make; docs/fidelity/gofront.md).
   */
  stackPtrSlice(t: GoType, vals: unknown[]): StackSlice | null {
    const heap = this.go.p.rt.mheap;
    let heapPtr = false;
    let stackRef = false;
    const scan = (v: unknown): void => {
      if (v === null || v === undefined || typeof v !== 'object') return;
      if (v instanceof Ref) stackRef = true;
      else if (Array.isArray(v)) v.forEach(scan);
      else if (v instanceof Iface || v instanceof GoString || v instanceof Slice || v instanceof Ptr || v instanceof StackSlice) {
        const a = v instanceof Iface ? (v.data ?? 0) : pointerOf(v);
        if (a !== 0 && heap.spanOf(a) !== null) heapPtr = true;
        if (v instanceof StackSlice) v.arr.forEach(scan);
      } else if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) scan(x); // a struct's fields
      else {
        // A map, chan or closure: its address.
        const a = pointerOf(v);
        if (a !== 0 && heap.spanOf(a) !== null) heapPtr = true;
      }
    };
    vals.forEach(scan);
    // A value in the frame (&x, &T{…}) cannot be stored in heap memory: those stay in the frame even beside a heap pointer.
    if (heapPtr && !stackRef) return null;
    return new StackSlice(t, vals, 0, vals.length, vals.length);
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

  /**
   * s1 + s2 + … whose result does not escape: the compiler passes a 32-byte
   * stack buffer, which a result that fits uses (no allocation).
   */
  concatTmp(...parts: GoString[]): GoString {
    const total = parts.reduce((n, x) => n + x.len, 0);
    if (total > tmpStringBufSize || parts.filter((x) => x.len > 0).length <= 1) return this.go.concat(...parts);
    return new GoString(parts.map((x) => x.text).join(''), 0, total);
  }

  /** Go's string comparison: by bytes. */
  strEq(a: GoString, b: GoString): boolean {
    return a.text === b.text;
  }

  // ── sync ─────────────────────────────────────────────────────────────

  /** sync values' state, by the address of the variable (in memory), or by the JS object of one kept in a frame. */
  private readonly syncAt = new Map<number, SyncState>();
  private readonly syncIn = new WeakMap<object, SyncState>();

  /** The state of the sync value p points to (made on first use: a zero value is ready to use, as in Go). */
  syncOf(p: Ptr | Ref | null, kind: 'WaitGroup'): WaitGroup;
  syncOf(p: Ptr | Ref | null, kind: 'Mutex'): Mutex;
  syncOf(p: Ptr | Ref | null, kind: 'Once'): OnceState;
  syncOf(p: Ptr | Ref | null, kind: 'RWMutex'): RWMutex;
  syncOf(p: Ptr | Ref | null, kind: SyncKind): SyncState {
    if (p === null) nilDeref();
    const make = (): SyncState =>
      kind === 'WaitGroup' ? this.go.sync.WaitGroup() : kind === 'Mutex' ? this.go.sync.Mutex() : kind === 'RWMutex' ? new RWMutex(this.go) : { done: false, m: this.go.sync.Mutex() };
    if (p instanceof Ref) {
      const o = p.get() as object;
      let s = this.syncIn.get(o);
      if (s === undefined) this.syncIn.set(o, (s = make()));
      return s;
    }
    let s = this.syncAt.get(p.addr);
    if (s === undefined) this.syncAt.set(p.addr, (s = make()));
    return s;
  }

  /** once.Do(f): f runs once; a second caller waits for the first to finish (o.m), as Go's doSlow does. */
  *onceDo(p: Ptr | Ref | null, f: FuncVal | null): Generator<unknown, void, unknown> {
    const o = this.syncOf(p, 'Once');
    if (o.done) return;
    yield* o.m.Lock();
    try {
      if (!o.done) {
        try {
          yield* this.callf(f);
        } finally {
          o.done = true;
        }
      }
    } finally {
      o.m.Unlock();
    }
  }

  /** select: selectgo over the cases (a blocking call: yield* it). */
  select(cases: SelectCase[], hasDefault: boolean): Generator<1 | 2 | 3, SelectResult, unknown> {
    return this.go.blocking('select', selectgo(this.go.p, cases, hasDefault));
  }

  // ── defer, panic, recover ────────────────────────────────────────────

  /** The frame whose deferred calls are running (recover stops its panic), or null. */
  private recovering: DeferFrame | null = null;

  deferFrame(): DeferFrame {
    return new DeferFrame();
  }

  /** A throw out of a function body with defers: a Go panic waits for them; anything else (os.Exit, a fatal error) passes. */
  caught(d: DeferFrame, e: unknown): void {
    if (e instanceof GoPanic) {
      d.panic = e;
      return;
    }
    d.fatal = e;
    throw e;
  }

  /** The deferred calls, last first; a panic still unrecovered afterwards goes on up. */
  *runDefers(d: DeferFrame): Generator<unknown, void, unknown> {
    while (d.list.length > 0) {
      const call = d.list.pop()!;
      const saved = this.recovering;
      this.recovering = d;
      try {
        yield* call();
      } catch (e) {
        // A deferred call that panics replaces the panic (Go prints both; gomem keeps the last).
        if (!(e instanceof GoPanic)) {
          d.fatal = e;
          throw e;
        }
        d.panic = e;
      } finally {
        this.recovering = saved;
      }
    }
    if (d.panic !== null) throw d.panic;
  }

  /**
   * recover(): the panic's value, stopping it, when called while a
   * panicking function's deferred calls run; nil otherwise. (Go also
   * requires the deferred function itself to call it; gomem lets a
   * function it calls recover too.) A runtime error's value is its
   * runtime.Error.
   */
  recover(): unknown {
    const d = this.recovering;
    if (d === null || d.panic === null) return null;
    const p = d.panic;
    d.panic = null;
    if (p instanceof GoPanicValue && p.goValue !== null) return p.goValue;
    return this.runtimeError(p.value);
  }

  /** A runtime error as a value (what recover returns for one): its text in static data, an Error method. */
  runtimeError(message: string): Iface {
    const x = new Iface(runtimeErrorType, this.go.p.literal(message));
    x.data = this.staticBox(runtimeErrorType, x.value);
    return x;
  }

  /** panic(v): Go's message for v (an error's Error(), a Stringer's String(), a basic value as print shows it). */
  panic(v: unknown): never {
    if (v === null || v === undefined) {
      const e = new GoErrorValue('panic called with nil argument');
      throw new GoPanicValue(e.message, e);
    }
    if (v instanceof GoErrorValue) throw new GoPanicValue(v.message, v);
    if (!(v instanceof Iface)) throw new GoPanic(v instanceof GoString ? v.text : String(v));
    throw new GoPanicValue(this.panicText(v), v);
  }

  private panicText(x: Iface): string {
    for (const name of ['Error', 'String']) {
      if (this.method(x.type, name) === undefined) continue;
      const r = drive(this.icall(x, name));
      return r instanceof GoString ? r.text : String(r);
    }
    const t = x.type;
    const u = t.underlying ?? t;
    const v = x.value;
    let text: string;
    switch (u.kind) {
      case Kind.String:
        text = (v as GoString).text;
        break;
      case Kind.Float32:
      case Kind.Float64:
        text = printFloat(Number(v));
        break;
      case Kind.Bool:
      case Kind.Int:
      case Kind.Int8:
      case Kind.Int16:
      case Kind.Int32:
      case Kind.Int64:
      case Kind.Uint:
      case Kind.Uint8:
      case Kind.Uint16:
      case Kind.Uint32:
      case Kind.Uint64:
      case Kind.Uintptr:
        text = String(v);
        break;
      default:
        // printanycustomtype's last case: the type and the data word.
        return `(${t.str}) 0x${(x.data ?? 0).toString(16)}`;
    }
    if (t.name === '' || !t.name.includes('.')) return text;
    // A defined type: main.T(5), main.S("x").
    return u.kind === Kind.String ? `${t.name}("${text}")` : `${t.name}(${text})`;
  }

  isNil(v: unknown): boolean {
    if (v instanceof Slice) return v.ptr === 0;
    return v === null || v === undefined;
  }
}
