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
import { walkReachable } from '../../../src/runtime/mgcmark.ts';

export const T1 = T.declare('main.T1');
T.define(T1, T.struct([['p', T.pointer(T1)], ['q', T.pointer(T1)], ['x', T.int64], ['s', T.string]]));
export const T2 = T.declare('main.T2');
T.define(T2, T.struct([['arr', T.array(T.pointer(T1), 80)], ['next', T.pointer(T2)]]));
export const Big = T.named(T.array(T.pointer(T1), 5000), 'main.Big');

const slotTypes = { p1: T.pointer(T1), p2: T.pointer(T2), pb: T.pointer(Big), s: T.slice(T.pointer(T1)) };
type SlotKind = keyof typeof slotTypes;
const frameSlots = { p1: slotTypes.p1, p2: slotTypes.p2, pb: slotTypes.pb, s: slotTypes.s };

/** A root: global 0 or 1, or a frame counted from the top (0 = innermost). */
export interface Root {
  g?: number;
  f?: number;
}

export type Op =
  | { k: 'new'; at: Root; kind: 'p1' | 'p2' | 'pb' }
  | { k: 'str'; at: Root; n: number } // at.p1.s = "…" + "…" (a heap string)
  | { k: 'link'; obj: Root; field: 'p' | 'q'; src: Root } // at.p1.p = src.p1
  | { k: 'follow'; at: Root; field: 'p' | 'q' } // at.p1 = at.p1.p
  | { k: 'arr'; obj: Root; i: number; src: Root } // obj.p2.arr[i] = src.p1 (or obj.pb[i])
  | { k: 'next'; obj: Root; src: Root } // obj.p2.next = src.p2
  | { k: 'move'; dst: Root; src: Root; kind: SlotKind }
  | { k: 'nil'; at: Root; kind: SlotKind }
  | { k: 'append'; at: Root; src: Root }
  | { k: 'sset'; at: Root; i: number; src: Root }
  | { k: 'copy'; dst: Root; src: Root }
  | { k: 'push' }
  | { k: 'pop' };

const root: fc.Arbitrary<Root> = fc.oneof(fc.record({ g: fc.integer({ min: 0, max: 1 }) }), fc.record({ f: fc.integer({ min: 0, max: 2 }) }));
const slotKind = fc.constantFrom<SlotKind>('p1', 'p2', 'pb', 's');

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ k: fc.constant('new' as const), at: root, kind: fc.constantFrom('p1' as const, 'p1' as const, 'p1' as const, 'p2' as const, 'pb' as const) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('str' as const), at: root, n: fc.integer({ min: 0, max: 999 }) }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant('link' as const), obj: root, field: fc.constantFrom('p' as const, 'q' as const), src: root }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('follow' as const), at: root, field: fc.constantFrom('p' as const, 'q' as const) }) },
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

export const programArb = fc.array(opArb, { minLength: 1, maxLength: 150, size: 'max' });

// ── the mirror: JS references only ──────────────────────────────────────

interface MObj {
  kind: 'T1' | 'T2' | 'Big' | 'arr' | 'str';
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
}

const lit1 = 'abcdefghij';

/** Runs the ops on gomem and on the mirror; returns both views. */
export function runBoth(ops: readonly Op[]): Outcome {
  let out: Outcome | null = null;
  const p = new GoProcess(
    {
      name: 'graph',
      description: 'random object graph',
      *main(go) {
        out = execute(go, ops);
      },
    },
    { stdout: () => {}, stderr: () => {}, env: { GOGC: 'off' } },
  );
  const r = p.run();
  if (r.status !== 0) throw new Error(`program failed with ${r.outcome}`);
  return out!;
}

function execute(go: Go, ops: readonly Op[]): Outcome {
  const globals = [go.globals(frameSlots), go.globals(frameSlots)] as Record<string, unknown>[];
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
  const obj = (kind: MObj['kind'], addr: number): MObj => {
    const o: MObj = { kind, refs: new Map(), addr };
    made.push(o);
    return o;
  };

  for (const op of ops) {
    switch (op.k) {
      case 'new': {
        const s = slot(op.at);
        if (!s) break;
        const t = op.kind === 'p1' ? T1 : op.kind === 'p2' ? T2 : Big;
        const p = go.new(t);
        s[0][op.kind] = p;
        s[1][op.kind] = obj(op.kind === 'p1' ? 'T1' : op.kind === 'p2' ? 'T2' : 'Big', p.addr);
        break;
      }
      case 'str': {
        const s = slot(op.at);
        const target = s?.[1].p1 as MObj | null | undefined;
        if (!s || !target) break;
        const str = go.concat(lit1, String(1000 + op.n) + lit1);
        go.set(s[0].p1 as Ptr, 's', str);
        target.refs.set('s', obj('str', str.ptr));
        break;
      }
      case 'link': {
        const o = slot(op.obj);
        const src = slot(op.src);
        const target = o?.[1].p1 as MObj | null | undefined;
        if (!o || !src || !target) break;
        go.set(o[0].p1 as Ptr, op.field, src[0].p1);
        target.refs.set(op.field, (src[1].p1 as MObj | undefined) ?? null);
        break;
      }
      case 'follow': {
        const s = slot(op.at);
        const target = s?.[1].p1 as MObj | null | undefined;
        if (!s || !target) break;
        s[0].p1 = go.get(s[0].p1 as Ptr, op.field);
        s[1].p1 = target.refs.get(op.field) ?? null;
        break;
      }
      case 'arr': {
        const o = slot(op.obj);
        const src = slot(op.src);
        if (!o || !src) break;
        const v = (src[1].p1 as MObj | undefined) ?? null;
        const t2 = o[1].p2 as MObj | null | undefined;
        const big = o[1].pb as MObj | null | undefined;
        if (t2) {
          go.set(go.addr(o[0].p2 as Ptr, 'arr'), op.i, src[0].p1);
          t2.refs.set(op.i, v);
        } else if (big) {
          const i = op.i * 61; // spread over the large object
          go.set(o[0].pb as Ptr, i, src[0].p1);
          big.refs.set(i, v);
        }
        break;
      }
      case 'next': {
        const o = slot(op.obj);
        const src = slot(op.src);
        const t2 = o?.[1].p2 as MObj | null | undefined;
        if (!o || !src || !t2) break;
        go.set(o[0].p2 as Ptr, 'next', src[0].p2);
        t2.refs.set('next', (src[1].p2 as MObj | undefined) ?? null);
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
        const neu = go.append(old, src[0].p1);
        s[0].s = neu;
        const m = s[1].s as MSlice | null | undefined;
        const v = (src[1].p1 as MObj | undefined) ?? null;
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
        go.set(s[0].s as Slice, i, src[0].p1);
        m.arr.refs.set(i, (src[1].p1 as MObj | undefined) ?? null);
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

  // The mirror's reachable set: a plain graph search from its roots.
  const seen = new Set<MObj>();
  const visit = (v: MVal | undefined): void => {
    if (v === null || v === undefined) return;
    const o = 'refs' in v ? v : v.arr;
    if (seen.has(o)) return;
    seen.add(o);
    for (const r of o.refs.values()) visit(r);
  };
  for (const r of [...mGlobals, ...mFrames]) for (const v of Object.values(r)) visit(v);

  const ours = new Set(made.map((o) => o.addr));
  const gomemReach: number[] = [];
  walkReachable(go.p.rt, go.p.roots, (_b, _s, obj) => {
    if (ours.has(obj)) gomemReach.push(obj);
  });

  // Every field of every object the mirror can reach, read back through gomem.
  const fieldsMirror: string[] = [];
  const fieldsGomem: string[] = [];
  for (const o of seen) {
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
