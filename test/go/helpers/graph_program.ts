// Random programs over an object graph, run twice: on gomem (pointers in
// simulated memory, roots in globals and frames) and on a plain-JS mirror
// that holds JS references and knows nothing of addresses, layouts or the
// model's code. The property tests compare what each says is reachable, and
// what each says every field holds.
//
// The program's types:
//   T1  struct { p, q *T1; x int64; s string }      32 B: heap bits in the span
//   T2  struct { arr [80]*T1; next *T2 }             648 B: a malloc header
//   Big [5000]*T1                                    40,000 B: a large object
// Roots: two globals and the slots of a stack of frames, each holding a *T1,
// a *T2, a *Big and a []*T1.

import fc from 'fast-check';
import type { Go } from '../../../src/go/api.ts';
import { GoProcess } from '../../../src/go/process.ts';
import { T } from '../../../src/go/types.ts';
import { GoString, Ptr, Slice } from '../../../src/go/values.ts';
import type { GoMap } from '../../../src/go/map.ts';
import type { Chan } from '../../../src/go/chan.ts';
import { walkReachable } from '../../../src/runtime/mgcmark.ts';
import { Sweeper } from '../../../src/runtime/mgcsweep.ts';
import type { MSpan } from '../../../src/runtime/mspan.ts';
import type { YieldValue } from '../../../src/runtime/runtime2.ts';

export const T1 = T.declare('main.T1');
T.define(T1, T.struct([['p', T.pointer(T1)], ['q', T.pointer(T1)], ['x', T.int64], ['s', T.string]]));
export const T2 = T.declare('main.T2');
T.define(T2, T.struct([['arr', T.array(T.pointer(T1), 80)], ['next', T.pointer(T2)]]));
export const Big = T.named(T.array(T.pointer(T1), 5000), 'main.Big');

const slotTypes = {
  p1: T.pointer(T1),
  p2: T.pointer(T2),
  pb: T.pointer(Big),
  s: T.slice(T.pointer(T1)),
  m: T.map(T.int, T.pointer(T1)),
  c: T.chan(T.pointer(T1)),
};
type SlotKind = keyof typeof slotTypes;
const frameSlots = slotTypes;
const chanCap = 8;

/** A root: global 0 or 1, or a frame counted from the top (0 = innermost). */
export interface Root {
  g?: number;
  f?: number;
}

export type Op =
  | { k: 'new'; at: Root; kind: 'p1' | 'p2' | 'pb' } // p1: at.p1 = &T1{p: at.p1}
  | { k: 'str'; at: Root; n: number } // at.p1.s = "…" + "…" (a heap string)
  | { k: 'link'; obj: Root; field: 'p' | 'q'; src: Root } // at.p1.p = src.p1
  | { k: 'follow'; at: Root; src: Root; field: 'p' | 'q' } // at.p1 = src.p1.p
  | { k: 'unlink'; at: Root; src: Root; field: 'p' | 'q' } // x := src.p1.p; at.p1 = x; src.p1.p = x.p (removal from a list)
  | { k: 'arr'; obj: Root; i: number; src: Root } // obj.p2.arr[i] = src.p1 (or obj.pb[i])
  | { k: 'next'; obj: Root; src: Root } // obj.p2.next = src.p2
  | { k: 'move'; dst: Root; src: Root; kind: SlotKind }
  | { k: 'nil'; at: Root; kind: SlotKind }
  | { k: 'append'; at: Root; src: Root }
  | { k: 'sset'; at: Root; i: number; src: Root }
  | { k: 'copy'; dst: Root; src: Root }
  | { k: 'push' }
  | { k: 'pop' }
  | { k: 'mnew'; at: Root }
  | { k: 'mset'; at: Root; key: number; src: Root } // at.m[key] = src.p1
  | { k: 'mdel'; at: Root; key: number }
  | { k: 'mget'; dst: Root; at: Root; key: number } // dst.p1 = at.m[key]
  | { k: 'cnew'; at: Root }
  | { k: 'csend'; at: Root; src: Root } // at.c <- src.p1 (when there is room)
  | { k: 'crecv'; dst: Root; at: Root } // dst.p1 = <-at.c (when there is a value)
  | { k: 'spawn'; src: Root; ns: number } // go func(p) { sleep; global1.p1 = p }(src.p1)
  | { k: 'gc' } // runtime.GC()
  | { k: 'burst' }; // allocate garbage until the heap trigger starts a cycle (the ops after it run while it marks)

const root: fc.Arbitrary<Root> = fc.oneof(fc.record({ g: fc.integer({ min: 0, max: 1 }) }), fc.record({ f: fc.integer({ min: 0, max: 2 }) }));
const slotKind = fc.constantFrom<SlotKind>('p1', 'p2', 'pb', 's', 'm', 'c');

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('new' as const), at: root, kind: fc.constantFrom('p1' as const, 'p1' as const, 'p1' as const, 'p2' as const, 'pb' as const) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('str' as const), at: root, n: fc.integer({ min: 0, max: 999 }) }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('link' as const), obj: root, field: fc.constantFrom('p' as const, 'q' as const), src: root }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('follow' as const), at: root, src: root, field: fc.constantFrom('p' as const, 'q' as const) }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('unlink' as const), at: root, src: root, field: fc.constantFrom('p' as const, 'p' as const, 'q' as const) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('arr' as const), obj: root, i: fc.integer({ min: 0, max: 79 }), src: root }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('next' as const), obj: root, src: root }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('move' as const), dst: root, src: root, kind: slotKind }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('nil' as const), at: root, kind: slotKind }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('append' as const), at: root, src: root }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('sset' as const), at: root, i: fc.nat(40), src: root }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('copy' as const), dst: root, src: root }) },
  { weight: 2, arbitrary: fc.constant({ k: 'push' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'pop' as const }) },
);

/** Maps, channels, goroutines and forced collections on top of the pointer graph (the collector's property tests). */
export const gcOpArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 30, arbitrary: opArb },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('mnew' as const), at: root }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('mset' as const), at: root, key: fc.nat(20), src: root }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('mdel' as const), at: root, key: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('mget' as const), dst: root, at: root, key: fc.nat(20) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cnew' as const), at: root }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('csend' as const), at: root, src: root }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('crecv' as const), dst: root, at: root }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('spawn' as const), src: root, ns: fc.integer({ min: 1, max: 2_000_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ k: 'gc' as const }) },
  { weight: 2, arbitrary: fc.constant({ k: 'burst' as const }) },
);

export const programArb = fc.array(opArb, { minLength: 1, maxLength: 150, size: 'max' });
export const gcProgramArb = fc.array(gcOpArb, { minLength: 1, maxLength: 200, size: 'max' });

// ── the mirror: JS references only ──────────────────────────────────────

interface MObj {
  kind: 'T1' | 'T2' | 'Big' | 'arr' | 'str' | 'map' | 'chan';
  /** Pointer fields by name or index. */
  refs: Map<string | number, MObj | null>;
  /** The address gomem gave it (an output of the model, used only to compare). */
  addr: number;
}

interface MSlice {
  arr: MObj;
  len: number;
  cap: number;
}

type MVal = MObj | MSlice | null;

interface MRoots {
  [k: string]: MVal;
}

/** What both sides report. */
export interface Outcome {
  /** Addresses of the objects the program made that the side finds reachable, sorted. */
  reachable: number[];
  /** For every object reachable in the mirror: field → address held (0 for nil), from each side. */
  fieldsMirror: string[];
  fieldsGomem: string[];
  /** The mirror's reachable objects' addresses, sorted. */
  mirrorReachable: number[];
  /**
   * After each runtime.GC(): what survived (the program's objects still
   * allocated), what the mirror reaches, and what the mirror reached when the
   * cycle began but not at its end (it may survive as floating garbage).
   */
  cycles: { survivors: number[]; reachable: number[]; mayFloat: number[] }[];
}

/** The collector's tests: a low GOGC (paced cycles among the operations), gccheckmark, fine-grained marking. */
export const gcRunOptions: RunOptions = { gogc: '5', godebug: 'gccheckmark=1', workerQuantumNs: 2_000, pollQuantumNs: 0, markSlowdown: 40, ballast: 20_000 };

export interface RunOptions {
  /** GOGC for the run ('off' by default: the pointer-graph tests run without a collector). */
  gogc?: string;
  godebug?: string;
  /** The collector's worker step (virtual ns of mark work between scheduling decisions). */
  workerQuantumNs?: number;
  /** How far the other Ps may fall behind before a safe point catches them up (0: at every safe point, the most interleaving). */
  pollQuantumNs?: number;
  /** Marking made this many times slower in virtual time, so that more of the program runs while a cycle marks. */
  markSlowdown?: number;
  /** Nodes of a live linked list built first, so each cycle has marking to do while the program runs. */
  ballast?: number;
  /** Sees the program's stderr (gctrace lines, for debugging a failing case). */
  onStderr?: (s: string) => void;
}

const lit1 = 'abcdefghij';

/**
 * Who hears of every object the sweeper frees (the address mallocgc returned
 * for it): the sweep is wrapped once, so the tests see frees without the
 * model reporting them.
 */
export const markOps = { n: 0 };
const sweepListeners = new Set<(addr: number) => void>();
const sweep = Sweeper.prototype.sweep;
Sweeper.prototype.sweep = function (this: Sweeper, s: MSpan, preserve: boolean): boolean {
  if (sweepListeners.size === 0) return sweep.call(this, s, preserve);
  const hdr = s.sizeclass() !== 0 && !s.noscan() && s.elemsize > 512 ? 8 : 0;
  const before: number[] = [];
  for (let i = 0; i < s.nelems; i++) if (s.isAllocated(i) || i < s.freeindex) before.push(i);
  const r = sweep.call(this, s, preserve);
  for (const i of before) {
    if (r || !s.isAllocated(i)) for (const f of sweepListeners) f(s.startAddr + i * s.elemsize + hdr);
  }
  return r;
};

/** Runs the ops on gomem and on the mirror; returns both views. */
export function runBoth(ops: readonly Op[], opts: RunOptions = {}): Outcome {
  let out: Outcome | null = null;
  let err = '';
  const env: Record<string, string> = { GOGC: opts.gogc ?? 'off', GOMAXPROCS: '2' };
  if (opts.godebug) env.GODEBUG = opts.godebug;
  const p = new GoProcess(
    {
      name: 'graph',
      description: 'random object graph',
      *main(go) {
        if (opts.workerQuantumNs !== undefined) go.p.gc.workerQuantumNs = opts.workerQuantumNs;
        if (opts.pollQuantumNs !== undefined) go.p.sched.pollQuantumNs = opts.pollQuantumNs;
        if (opts.markSlowdown) {
          const c = go.p.gc.mark.costs;
          const k = opts.markSlowdown;
          go.p.gc.mark.costs = { ...c, object: c.object * k, pointerWord: c.pointerWord * k, nilWord: c.nilWord * k, noscanObject: c.noscanObject * k };
        }
        out = yield* execute(go, ops, opts.ballast ?? 0);
      },
    },
    {
      stdout: () => {},
      stderr: (s) => {
        err += s;
        opts.onStderr?.(s);
      },
      env,
    },
  );
  let r;
  try {
    r = p.run();
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${err}`);
  }
  if (r.status !== 0) throw new Error(`program failed with ${r.outcome}: ${err}`);
  return out!;
}

function* execute(go: Go, ops: readonly Op[], ballast: number): Generator<YieldValue, Outcome, unknown> {
  const globals = [go.globals(frameSlots), go.globals(frameSlots)] as Record<string, unknown>[];
  if (ballast > 0) {
    // Held only by a goroutine parked for good, whose stack is scanned after
    // main's: the root scan greys the ballast's head after every program
    // root, so the (LIFO) drain walks the whole chain before it scans the
    // program's objects, which stay grey (and their children white) while
    // the program runs through most of the mark.
    const b = go.globals({ head: slotTypes.p1 }) as Record<string, unknown>;
    for (let i = 0; i < ballast; i++) {
      const n = go.new(T1);
      go.set(n, 'p', b.head);
      b.head = n;
    }
    const never = go.makeChan(slotTypes.c);
    go.go(
      'main.holdBallast',
      function* () {
        yield* never.recv();
      },
      { args: { head: [slotTypes.p1, b.head] } },
    );
    b.head = null;
    // Building it started cycles: finish one so the program starts between
    // cycles, with a heap goal sized by the ballast.
    yield* go.runtime.GC();
  }
  const mGlobals: MRoots[] = [{}, {}];
  const frames: Record<string, unknown>[] = [];
  const mFrames: MRoots[] = [];
  const made: MObj[] = [];
  const push = (): void => {
    frames.push(go.enter('main.frame', frameSlots) as Record<string, unknown>);
    mFrames.push({});
  };
  push();
  const slot = (r: Root): [Record<string, unknown>, MRoots] | null => {
    if (r.g !== undefined) return [globals[r.g]!, mGlobals[r.g]!];
    const i = frames.length - 1 - r.f!;
    return i < 0 ? null : [frames[i]!, mFrames[i]!];
  };
  /** The program's objects by address: the newest one at each (a freed object's slot may be reused). */
  const byAddr = new Map<number, MObj>();
  const obj = (kind: MObj['kind'], addr: number): MObj => {
    const o: MObj = { kind, refs: new Map(), addr };
    made.push(o);
    byAddr.set(addr, o);
    return o;
  };
  const cycles: Outcome['cycles'] = [];
  /** Goroutines started by 'spawn' that have not ended: their frames hold a pointer (mirror roots). */
  const spawned = new Set<{ v: MObj | null }>();
  const mirrorSeen = (): Set<MObj> => {
    const seen = new Set<MObj>();
    const visit = (v: MVal | undefined): void => {
      if (v === null || v === undefined) return;
      const o = 'refs' in v ? v : v.arr;
      if (seen.has(o)) return;
      seen.add(o);
      for (const r of o.refs.values()) visit(r);
    };
    for (const r of [...mGlobals, ...mFrames]) for (const v of Object.values(r)) visit(v);
    for (const sp of spawned) visit(sp.v);
    return seen;
  };
  // The sweeper reports each object it frees: a program object freed is dead,
  // even if its slot is later handed to another object.
  const freed = (addr: number): void => {
    byAddr.delete(addr);
  };
  sweepListeners.add(freed);
  const allocated = (addr: number): boolean => byAddr.has(addr);

  for (const op of ops) {
    if (go.p.rt.gcphase !== 0) markOps.n++;
    switch (op.k) {
      case 'new': {
        const s = slot(op.at);
        if (!s) break;
        const t = op.kind === 'p1' ? T1 : op.kind === 'p2' ? T2 : Big;
        // A *T1 is pushed on the front of the list the slot holds (n.p = old
        // head), so the program builds chains whose inner nodes only the
        // heap reaches.
        const head = s[0].p1;
        const mHead = (s[1].p1 as MObj | undefined) ?? null;
        const p = go.new(t);
        const o = obj(op.kind === 'p1' ? 'T1' : op.kind === 'p2' ? 'T2' : 'Big', p.addr);
        if (op.kind === 'p1') {
          go.set(p, 'p', head);
          o.refs.set('p', mHead);
        }
        s[0][op.kind] = p;
        s[1][op.kind] = o;
        break;
      }
      case 'str': {
        const s = slot(op.at);
        const target = s?.[1].p1 as MObj | null | undefined;
        if (!s || !target) break;
        const at = s[0].p1 as Ptr;
        const str = go.concat(lit1, String(1000 + op.n) + lit1);
        go.set(at, 's', str);
        target.refs.set('s', obj('str', str.ptr));
        break;
      }
      case 'link': {
        const o = slot(op.obj);
        const src = slot(op.src);
        const target = o?.[1].p1 as MObj | null | undefined;
        if (!o || !src || !target) break;
        const v = (src[1].p1 as MObj | undefined) ?? null;
        go.set(o[0].p1 as Ptr, op.field, src[0].p1);
        target.refs.set(op.field, v);
        break;
      }
      case 'follow': {
        const s = slot(op.at);
        const src = slot(op.src);
        const target = src?.[1].p1 as MObj | null | undefined;
        if (!s || !src || !target) break;
        const v = target.refs.get(op.field) ?? null;
        s[0].p1 = go.get(src[0].p1 as Ptr, op.field);
        s[1].p1 = v;
        break;
      }
      case 'unlink': {
        const s = slot(op.at);
        const src = slot(op.src);
        const a = src?.[1].p1 as MObj | null | undefined;
        const x = (a?.refs.get(op.field) as MObj | null | undefined) ?? null;
        if (!s || !src || !a || !x) break;
        const after = x.refs.get(op.field) ?? null;
        const aPtr = src[0].p1 as Ptr;
        const xPtr = go.get(aPtr, op.field) as Ptr;
        s[0].p1 = xPtr;
        s[1].p1 = x;
        go.set(aPtr, op.field, go.get(xPtr, op.field));
        a.refs.set(op.field, after);
        break;
      }
      case 'arr': {
        const o = slot(op.obj);
        const src = slot(op.src);
        if (!o || !src) break;
        const v = (src[1].p1 as MObj | undefined) ?? null;
        const t2 = o[1].p2 as MObj | null | undefined;
        const big = o[1].pb as MObj | null | undefined;
        const p = src[0].p1;
        if (t2) {
          go.set(go.addr(o[0].p2 as Ptr, 'arr'), op.i, p);
          t2.refs.set(op.i, v);
        } else if (big) {
          const i = op.i * 61; // spread over the large object
          go.set(o[0].pb as Ptr, i, p);
          big.refs.set(i, v);
        }
        break;
      }
      case 'next': {
        const o = slot(op.obj);
        const src = slot(op.src);
        const t2 = o?.[1].p2 as MObj | null | undefined;
        if (!o || !src || !t2) break;
        const v = (src[1].p2 as MObj | undefined) ?? null;
        go.set(o[0].p2 as Ptr, 'next', src[0].p2);
        t2.refs.set('next', v);
        break;
      }
      case 'move': {
        const d = slot(op.dst);
        const s = slot(op.src);
        if (!d || !s) break;
        d[0][op.kind] = s[0][op.kind];
        d[1][op.kind] = s[1][op.kind] ?? null;
        break;
      }
      case 'nil': {
        const s = slot(op.at);
        if (!s) break;
        s[0][op.kind] = null;
        s[1][op.kind] = null;
        break;
      }
      case 'append': {
        const s = slot(op.at);
        const src = slot(op.src);
        if (!s || !src) break;
        const old = (s[0].s as Slice | null) ?? new Slice(slotTypes.s, 0, 0, 0);
        const m = s[1].s as MSlice | null | undefined;
        const v = (src[1].p1 as MObj | undefined) ?? null;
        const neu = go.append(old, src[0].p1);
        s[0].s = neu;
        if (m && neu.ptr === old.ptr) {
          m.arr.refs.set(m.len, v);
          s[1].s = { arr: m.arr, len: m.len + 1, cap: m.cap };
        } else {
          // A new array: append copies the old elements into it.
          const arr = obj('arr', neu.ptr);
          for (let i = 0; i < (m?.len ?? 0); i++) arr.refs.set(i, m!.arr.refs.get(i) ?? null);
          arr.refs.set(m?.len ?? 0, v);
          s[1].s = { arr, len: neu.len, cap: neu.cap };
        }
        break;
      }
      case 'sset': {
        const s = slot(op.at);
        const src = slot(op.src);
        const m = s?.[1].s as MSlice | null | undefined;
        if (!s || !src || !m || m.len === 0) break;
        const i = op.i % m.len;
        const v = (src[1].p1 as MObj | undefined) ?? null;
        go.set(s[0].s as Slice, i, src[0].p1);
        m.arr.refs.set(i, v);
        break;
      }
      case 'copy': {
        const d = slot(op.dst);
        const s = slot(op.src);
        const md = d?.[1].s as MSlice | null | undefined;
        const ms = s?.[1].s as MSlice | null | undefined;
        if (!d || !s || !md || !ms) break;
        const n = go.copy(d[0].s as Slice, s[0].s as Slice);
        const vals = Array.from({ length: n }, (_, i) => ms.arr.refs.get(i) ?? null);
        vals.forEach((v, i) => md.arr.refs.set(i, v));
        break;
      }
      case 'mnew': {
        const s = slot(op.at);
        if (!s) break;
        const m = go.makeMap(slotTypes.m);
        s[0].m = m;
        s[1].m = obj('map', m.addr);
        break;
      }
      case 'mset': {
        const s = slot(op.at);
        const src = slot(op.src);
        const mm = s?.[1].m as MObj | null | undefined;
        if (!s || !src || !mm) break;
        const v = (src[1].p1 as MObj | undefined) ?? null;
        (s[0].m as GoMap<number, unknown>).set(op.key, src[0].p1);
        mm.refs.set(op.key, v);
        break;
      }
      case 'mdel': {
        const s = slot(op.at);
        const mm = s?.[1].m as MObj | null | undefined;
        if (!s || !mm) break;
        (s[0].m as GoMap<number, unknown>).delete(op.key);
        mm.refs.delete(op.key);
        break;
      }
      case 'mget': {
        const d = slot(op.dst);
        const s = slot(op.at);
        const mm = s?.[1].m as MObj | null | undefined;
        if (!d || !s || !mm) break;
        d[0].p1 = (s[0].m as GoMap<number, unknown>).get(op.key) ?? null;
        d[1].p1 = mm.refs.get(op.key) ?? null;
        break;
      }
      case 'cnew': {
        const s = slot(op.at);
        if (!s) break;
        const c = go.makeChan(slotTypes.c, chanCap);
        s[0].c = c;
        s[1].c = obj('chan', c.addr);
        break;
      }
      case 'csend': {
        const s = slot(op.at);
        const src = slot(op.src);
        const mc = s?.[1].c as MObj | null | undefined;
        if (!s || !src || !mc || mc.refs.size >= chanCap) break;
        const v = (src[1].p1 as MObj | undefined) ?? null;
        yield* (s[0].c as Chan).send(src[0].p1);
        // The queue's positions: one past the newest.
        const keys = [...mc.refs.keys()] as number[];
        mc.refs.set(keys.length === 0 ? 0 : Math.max(...keys) + 1, v);
        break;
      }
      case 'crecv': {
        const d = slot(op.dst);
        const s = slot(op.at);
        const mc = s?.[1].c as MObj | null | undefined;
        if (!d || !s || !mc || mc.refs.size === 0) break;
        d[0].p1 = yield* (s[0].c as Chan).recv();
        const first = Math.min(...([...mc.refs.keys()] as number[]));
        d[1].p1 = mc.refs.get(first) ?? null;
        mc.refs.delete(first);
        break;
      }
      case 'spawn': {
        const src = slot(op.src);
        if (!src) break;
        const sp = { v: (src[1].p1 as MObj | undefined) ?? null };
        spawned.add(sp);
        // go worker(p): p is copied onto the new goroutine's stack as it is created.
        go.go(
          'main.worker',
          function* (g, a: Record<string, unknown>) {
            yield* g.time.Sleep(op.ns);
            globals[1]!.p1 = a.p;
            mGlobals[1]!.p1 = sp.v;
            spawned.delete(sp);
          },
          { args: { p: [slotTypes.p1, src[0].p1] } },
        );
        break;
      }
      case 'gc': {
        // The cycle starts at the call; goroutines woken while main waits may
        // drop pointers during it (floating garbage survives, as in Go).
        const atStart = [...mirrorSeen()].map((o) => o.addr);
        yield* go.runtime.GC();
        const seen = mirrorSeen();
        const survivors = [...byAddr.keys()].filter(allocated).sort((a, b) => a - b);
        const reachable = [...seen].map((o) => o.addr).sort((a, b) => a - b);
        cycles.push({ survivors, reachable, mayFloat: atStart.filter((a) => !reachable.includes(a)).sort((a, b) => a - b) });
        break;
      }
      case 'burst':
        // Garbage held by no root (a JS variable is not one): at most 2.9 MB
        // of it, stopping once the allocation that crosses the trigger has
        // started a cycle.
        for (let i = 0; i < 4_096 && go.p.rt.gcphase === 0; i++) go.new(T2);
        break;
      case 'push':
        if (frames.length < 6) push();
        break;
      case 'pop':
        if (frames.length > 1) {
          go.leave(frames.pop()! as never);
          mFrames.pop();
        }
        break;
    }
  }

  sweepListeners.delete(freed);
  // The mirror's reachable set: a plain graph search from its roots.
  const seen = mirrorSeen();
  const ours = new Set(byAddr.keys());
  const gomemReach: number[] = [];
  walkReachable(go.p.rt, go.p.roots, (_b, _s, obj) => {
    if (ours.has(obj)) gomemReach.push(obj);
  });

  // Every field of every object the mirror can reach, read back through gomem.
  const fieldsMirror: string[] = [];
  const fieldsGomem: string[] = [];
  for (const o of seen) {
    if (o.kind === 'map' || o.kind === 'chan') continue;
    for (const [f, v] of o.refs) {
      fieldsMirror.push(`${o.addr}.${f}=${v?.addr ?? 0}`);
      fieldsGomem.push(`${o.addr}.${f}=${readField(go, o, f)}`);
    }
  }
  return {
    reachable: [...gomemReach].sort((a, b) => a - b),
    fieldsMirror: fieldsMirror.sort(),
    fieldsGomem: fieldsGomem.sort(),
    mirrorReachable: [...seen].map((o) => o.addr).sort((a, b) => a - b),
    cycles,
  };
}

/** The address the gomem object holds in field f (0 for nil). */
function readField(go: Go, o: MObj, f: string | number): number {
  const at = (t: typeof T1, addr: number): Ptr => new Ptr(T.pointer(t), addr);
  let v: unknown;
  if (o.kind === 'T1') v = go.get(at(T1, o.addr), f);
  else if (o.kind === 'T2') v = f === 'next' ? go.get(at(T2, o.addr), 'next') : go.get(go.addr(at(T2, o.addr), 'arr'), f);
  else if (o.kind === 'Big') v = go.get(at(Big, o.addr), f);
  else v = go.get(at(T.array(T.pointer(T1), 1 << 20), o.addr), f);
  if (v instanceof GoString) return v.ptr;
  return v instanceof Ptr ? v.addr : 0;
}

/** A cycle is right when everything reachable survived and nothing else did but floating garbage. */
export function cycleOK(c: Outcome['cycles'][number]): boolean {
  const surv = new Set(c.survivors);
  const allowed = new Set([...c.reachable, ...c.mayFloat]);
  return c.reachable.every((a) => surv.has(a)) && c.survivors.every((a) => allowed.has(a));
}
