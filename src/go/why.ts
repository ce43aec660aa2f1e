// Why is it alive (issue 10, item 4; viewcore's `reachable` for core
// files): at a checkpoint, one shortest retainer path from a root to an
// object — for the largest retained types, or for one address — and the
// goroutines counted by where they are blocked (the debug=1 goroutine
// profile), so that a leak of memory or of goroutines is seen.
//
// The walk is breadth-first over exactly what the collector scans
// (runtime/mgcmark.ts): the same roots in markroot's order (.data/.bss
// pointer words, each goroutine's stack slots, finalizer specials and the
// finalizer queue, each P's tiny block) and, inside objects, the pointer
// words scanObject visits through the heap bitmap, the malloc header or
// span.largeType. scanObject reports only the values it finds; the walk
// gives it a view of memory that notes the address of each word read, which
// is the offset of the field the pointer came from.
//
// State is typed arrays: one record per reached object (its base, parent
// record, the offset in the parent it was found at, its type id), records
// in discovery order being the BFS queue, and a visited bitmap per span.
//
// Types. The runtime records an object's type only where Go does: the
// malloc header of a small scan object over 512 B, span.largeType of a
// large scan object. Small scan objects keep only their pointer bits, and
// noscan objects nothing. Like viewcore, which typed a core file's objects
// by following pointers from DWARF-typed globals and frames, the walk also
// infers a type from the typed word the object was reached through (a
// program global or frame slot, a field of an object already typed, map and
// channel internals, an interface's type word, a closure's code pointer).
// Each object says where its type came from; one with neither is named by
// what the allocator knows (scan/noscan and size class).

import { runToCheckpoint } from './run_to.ts';
import { hasHeader, findObject, forEachStackSlot, scanObject } from '../runtime/mgcmark.ts';
import { mallocHeaderSize } from '../runtime/mbitmap.ts';
import type { Memory } from '../runtime/memory.ts';
import type { MSpan } from '../runtime/mspan.ts';
import { gType, pType, sudogType, timerType } from '../runtime/rtypes.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { type G, _Gdead, _Grunnable, _Grunning, _Gsyscall, _Gwaiting, spillSlot } from '../runtime/runtime2.ts';
import { pSudogbuf0 } from '../runtime/proc_sudog.ts';
import type { RType } from '../runtime/type.ts';
import { hchanType } from './chan_layout.ts';
import type { FrameShape } from './frame.ts';
import { hmapType, mapLayout, mapextraType } from './map_layout.ts';
import type { GoProcess, RunOptions, RunResult } from './process.ts';
import type { Program } from './program.ts';
import { profileStack } from './prof_stack.ts';
import { baseFrameCount } from '../runtime/proc_parked.ts';
import { type GoType, Kind, T, isDirectIface } from './types.ts';

// ── the program's variable names ─────────────────────────────────────────

/**
 * Names of the words in .data and .bss, as the process lays them out: the
 * program's package-level variables (go.globals blocks, whose struct type
 * has the variables as fields), the runtime's and packages' variables by
 * symbol, and the unnamed words holding init objects. Globals keeps the
 * addresses only; observe() notes the names as the process places them, so
 * it must be installed before the program runs.
 */
export class GlobalNames {
  private readonly blocks: { base: number; type: GoType }[] = [];
  private readonly words = new Map<number, { symbol: string; offset: number }>();
  private readonly anon = new Set<number>();

  private constructor(private readonly p: GoProcess) {}

  /** Starts noting names for process p (before p.run()). */
  static observe(p: GoProcess): GlobalNames {
    const n = new GlobalNames(p);
    const g = p.globals;
    const declare = g.declare.bind(g);
    const rootWord = g.rootWord.bind(g);
    const pointerWord = g.pointerWord.bind(g);
    g.declare = (t) => {
      const a = declare(t);
      n.blocks.push({ base: a, type: t });
      return a;
    };
    g.rootWord = (symbol, offset) => {
      const a = rootWord(symbol, offset);
      if (!n.words.has(a)) n.words.set(a, { symbol, offset });
      return a;
    };
    g.pointerWord = () => {
      const a = pointerWord();
      n.anon.add(a);
      return a;
    };
    return n;
  }

  /** The program variable block holding address a, if any. */
  programBlock(a: number): { base: number; type: GoType } | null {
    for (const b of this.blocks) if (a >= b.base && a < b.base + b.type.size) return b;
    return null;
  }

  /** The name of the global word at a, as Go would spell it. */
  nameOf(a: number): { name: string; kind: 'program' | 'symbol' | 'init' | 'unknown'; type: GoType | null; path: string; inner: number } {
    const b = this.programBlock(a);
    if (b !== null) {
      const r = resolveWord(b.type, a - b.base);
      const top = b.type.fields!.find((f) => a - b.base >= f.offset && a - b.base < f.offset + f.type.size)!;
      return { name: `main.${r.path}`, kind: 'program', type: top.type, path: r.path, inner: a - b.base - top.offset };
    }
    const w = this.words.get(a);
    if (w !== undefined) return { name: w.offset === 0 ? w.symbol : `${w.symbol}+${w.offset}`, kind: 'symbol', type: null, path: '', inner: w.offset };
    if (this.anon.has(a)) return { name: 'a package variable holding an init object', kind: 'init', type: null, path: '', inner: 0 };
    // A symbol placed before observe() was installed: the nearest one below.
    const symbols = this.p.globals['symbolAddrs'] as Map<string, number>;
    let best: [string, number] | null = null;
    for (const [s, base] of symbols) if (base <= a && a - base < 4096 && (best === null || base > best[1])) best = [s, base];
    if (best !== null) return { name: a === best[1] ? best[0] : `${best[0]}+${a - best[1]}`, kind: 'symbol', type: null, path: '', inner: a - best[1] };
    const g = this.p.globals;
    const name = a >= g.bssStart ? `.bss+0x${(a - g.bssStart).toString(16)}` : `.data+0x${(a - g.dataStart).toString(16)}`;
    return { name, kind: 'unknown', type: null, path: '', inner: 0 };
  }

  /** The type of the value a program global's word at a points to (a type id of book), or unknown. */
  targetOf(a: number, book: TypeBook): number {
    const b = this.programBlock(a);
    if (b !== null) {
      const r = resolveWord(b.type, a - b.base);
      return r === null ? UNKNOWN : book.leafTarget(r.leaf, r.inner);
    }
    const w = this.words.get(a);
    if (w !== undefined) return book.runtimeRoot(w.symbol, w.offset);
    return UNKNOWN;
  }
}

// ── types of objects ─────────────────────────────────────────────────────

const UNKNOWN = -1;
/** A func value: the closure's type comes from its code pointer. */
const FUNC = -2;
/** An interface's data word: the type comes from the word before it. */
const IFACE = -3;
const NOT_COMPUTED = -4;

/** Where an object's type came from. */
export type TypeSource = 'malloc header' | 'span.largeType' | 'path' | 'none';
const SRC_NONE = 0;
const SRC_HEADER = 1;
const SRC_SPAN = 2;
const SRC_PATH = 3;
const sourceNames: readonly TypeSource[] = ['none', 'malloc header', 'span.largeType', 'path'];

/** A word of a struct or array: the dotted field path to it, the pointer-shaped type holding it, and its offset in that type. */
function resolveWord(t: GoType, off: number): { path: string; leaf: GoType; inner: number } {
  let path = '';
  let cur = t;
  let o = off;
  for (;;) {
    if (cur.kind === Kind.Struct) {
      let f = null;
      for (const x of cur.fields!) if (o >= x.offset && o < x.offset + Math.max(x.type.size, 1)) f = x;
      if (f === null) return { path, leaf: cur, inner: o };
      path += path === '' ? f.name : `.${f.name}`;
      o -= f.offset;
      cur = f.type;
    } else if (cur.kind === Kind.Array && cur.elem!.size > 0) {
      const i = Math.floor(o / cur.elem!.size);
      path += `[${i}]`;
      o -= i * cur.elem!.size;
      cur = cur.elem!;
    } else {
      return { path, leaf: cur, inner: o };
    }
  }
}

/** A word of a type gomem knows only by layout (a runtime structure): its name and what it points to. */
interface Special {
  readonly name: string;
  readonly target: () => number;
}

/** What objects holding values of one type (one tile, repeated: an array) look like. */
interface TypeInfo {
  /** One tile as Go prints the type. */
  readonly label: string;
  /** Its layout, for field names and pointer targets (null: known by name and size only). */
  readonly tile: GoType | null;
  readonly size: number;
  /** Words named and typed by gomem's knowledge of runtime structures, by offset in the tile. */
  readonly special: Map<number, Special> | null;
  /** Targets by word of the tile, computed on first use (NOT_COMPUTED until then). */
  targets: Int32Array | null;
  /** The type as recorded by the allocator (header, largeType), when it is this very type. */
  readonly recorded: RType | null;
}

/** The type table of one walk: a few entries per type, none per object. */
export class TypeBook {
  readonly infos: TypeInfo[] = [];
  private readonly byTile = new Map<object, number>();
  private readonly byKey = new Map<string, number>();
  /** Bucket types of the maps met, by bucket type: their overflow word points to another bucket. */
  private readonly bucketOf = new Map<GoType, GoType>();

  constructor(private readonly p: GoProcess) {}

  private add(label: string, tile: GoType | null, size: number, special: Map<number, Special> | null, recorded: RType | null): number {
    this.infos.push({ label, tile, size, special, targets: null, recorded });
    return this.infos.length - 1;
  }

  private keyed(key: string, make: () => number): number {
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = make();
      this.byKey.set(key, id);
    }
    return id;
  }

  /** Objects holding values of type t (new(t), or an array of t). */
  tile(t: GoType): number {
    if (t.size === 0) return UNKNOWN;
    let id = this.byTile.get(t);
    if (id !== undefined) return id;
    const m = this.bucketOf.get(t);
    let special: Map<number, Special> | null = null;
    if (m !== undefined && t.ptrdata > 0) {
      const ovf = t.size - 8;
      special = new Map([[ovf, { name: 'overflow', target: () => this.tile(t) }]]);
    }
    id = this.add(t.str, t, t.size, special, t);
    this.byTile.set(t, id);
    return id;
  }

  /** An object whose type the allocator recorded (a malloc header's or span.largeType's). */
  recorded(t: RType): number {
    if ('kind' in t) return this.tile(t as GoType);
    let id = this.byTile.get(t);
    if (id === undefined) {
      id = this.add(t.str, null, t.size, null, t);
      this.byTile.set(t, id);
    }
    return id;
  }

  /** runtime.hmap of map type m: its buckets and extra. */
  hmap(m: GoType): number {
    return this.keyed(`hmap ${m.str}`, () => {
      const l = mapLayout(m);
      this.bucketOf.set(l.bucket, m);
      const special = new Map<number, Special>();
      for (const f of hmapType.fields!) {
        if (f.name === 'buckets' || f.name === 'oldbuckets') special.set(f.offset, { name: f.name, target: () => this.tile(l.bucket) });
        if (f.name === 'extra') special.set(f.offset, { name: f.name, target: () => this.mapextra(m) });
      }
      return this.add(`runtime.hmap (${m.str})`, hmapType, hmapType.size, special, null);
    });
  }

  private mapextra(m: GoType): number {
    return this.keyed(`mapextra ${m.str}`, () => {
      const l = mapLayout(m);
      const special = new Map<number, Special>();
      for (const f of mapextraType.fields!) {
        const target = f.name === 'nextOverflow' ? () => this.tile(l.bucket) : () => this.tile(l.overflowSlice);
        special.set(f.offset, { name: f.name, target });
      }
      return this.add(`runtime.mapextra (${m.str})`, mapextraType, mapextraType.size, special, null);
    });
  }

  /** runtime.hchan of chan type c: a typed buffer beside it when the elements hold pointers. */
  hchan(c: GoType): number {
    return this.keyed(`hchan ${c.str}`, () => {
      const special = new Map<number, Special>();
      for (const f of hchanType.fields!) {
        if (f.name === 'buf') special.set(f.offset, { name: 'buf', target: () => (c.elem!.pointers ? this.tile(c.elem!) : UNKNOWN) });
        if (f.name === 'timer') special.set(f.offset, { name: 'timer', target: () => this.recorded(timerType) });
      }
      return this.add(`runtime.hchan (${c.str})`, hchanType, hchanType.size, special, null);
    });
  }

  /** The closure object a func value points to, by the function its code word names. */
  closureAt(obj: number): number {
    const p = this.p;
    const i = p.rodata.funcIndexOfCode(p.rt.mem.loadWord(obj));
    if (i < 0) return UNKNOWN;
    const name = p.rodata.funcs[i]!.name;
    const shapes = p.go['closureShapes'] as Map<string, { type: GoType }>;
    const ct = shapes.get(name)?.type;
    if (ct === undefined) return UNKNOWN;
    return this.keyed(`closure ${name}`, () => this.add(`${name} closure`, ct, ct.size, null, ct));
  }

  /** The value an interface holds, from its type word. */
  ifaceTarget(typeWord: number): number {
    const dyn = this.p.rt.types.at(typeWord) as GoType | null;
    if (dyn === null || !('kind' in dyn)) return UNKNOWN;
    if (!isDirectIface(dyn)) return this.tile(dyn);
    const r = resolveWord(dyn, 0);
    return this.leafTarget(r.leaf, r.inner);
  }

  /** What a pointer-shaped value of type leaf points to (its word at inner). */
  leafTarget(leaf: GoType, inner: number): number {
    switch (leaf.kind) {
      case Kind.Pointer:
      case Kind.Slice:
        return inner === 0 ? this.tile(leaf.elem!) : UNKNOWN;
      case Kind.String:
        return inner === 0 ? this.tile(T.uint8) : UNKNOWN;
      case Kind.Map:
        return this.hmap(leaf);
      case Kind.Chan:
        return this.hchan(leaf);
      case Kind.Func:
        return FUNC;
      case Kind.Interface:
        return inner === 8 ? IFACE : UNKNOWN;
    }
    return UNKNOWN;
  }

  /** What the word at byte off of a tile of type id points to. */
  target(id: number, off: number): number {
    const ti = this.infos[id]!;
    const sp = ti.special?.get(off);
    if (sp !== undefined) return sp.target();
    if (ti.tile === null) return UNKNOWN;
    const w = off >>> 3;
    if (ti.size > 1 << 15) {
      const r = resolveWord(ti.tile, off);
      return this.leafTarget(r.leaf, r.inner);
    }
    let tg = ti.targets;
    if (tg === null) tg = ti.targets = new Int32Array(Math.ceil(ti.size / 8)).fill(NOT_COMPUTED);
    let v = tg[w]!;
    if (v === NOT_COMPUTED) {
      const r = resolveWord(ti.tile, off);
      v = tg[w] = this.leafTarget(r.leaf, r.inner);
    }
    return v;
  }

  /** The field at byte off of an object of type id holding count tiles (`[3].elems[2]`, `next`; '' where the layout is not known). */
  fieldName(id: number, count: number, off: number): string {
    if (id < 0) return '';
    const ti = this.infos[id]!;
    const k = Math.floor(off / ti.size);
    const inner = off - k * ti.size;
    const sp = ti.special?.get(inner);
    let name = sp !== undefined ? sp.name : ti.tile !== null ? resolveWord(ti.tile, inner).path : '';
    if (count > 1) name = name === '' || name.startsWith('[') ? `[${k}]${name}` : `[${k}].${name}`;
    return name;
  }

  // The runtime's own structures, as far as gomem places their words.
  private gInfo = -1;
  private pInfo = -1;

  private runtimeG(): number {
    if (this.gInfo < 0) {
      const special = new Map<number, Special>([
        [gWaiting, { name: 'waiting', target: () => this.recorded(sudogType) }],
        [gTimer, { name: 'timer', target: () => this.recorded(timerType) }],
      ]);
      this.gInfo = this.add('runtime.g', null, gType.size, special, gType);
      this.byTile.set(gType, this.gInfo);
    }
    return this.gInfo;
  }

  private runtimeP(): number {
    if (this.pInfo < 0) {
      const special = new Map<number, Special>();
      for (let i = 0; i < 128; i++) special.set(pSudogbuf0 + 8 * i, { name: `sudogbuf[${i}]`, target: () => this.recorded(sudogType) });
      this.pInfo = this.add('runtime.p', null, pType.size, special, pType);
      this.byTile.set(pType, this.pInfo);
    }
    return this.pInfo;
  }

  /** An array of pointers to one runtime structure (allgs, allp). */
  private pointersTo(name: string, target: () => number): number {
    return this.keyed(`*${name}`, () => this.add(`*${name}`, null, 8, new Map([[0, { name: '', target }]]), null));
  }

  /** The type a runtime variable's word points to, where gomem knows it. */
  runtimeRoot(symbol: string, offset: number): number {
    const key = `${symbol}+${offset}`;
    switch (key) {
      case 'runtime.allgptr+0':
        return this.pointersTo('runtime.g', () => this.runtimeG());
      case 'runtime.allp+0':
        return this.pointersTo('runtime.p', () => this.runtimeP());
      case 'runtime.fing+0':
      case 'runtime.forcegc+8':
      case 'runtime.sweep+8':
      case 'runtime.scavenger+8':
        return this.runtimeG();
    }
    return UNKNOWN;
  }
}

/** Offsets in runtime.g (Go 1.23.5, linux/amd64) of the words gomem stores: g.waiting (proc_sudog.ts) and g.timer (pkg/time.ts). */
const gWaiting = 320;
const gTimer = 376;

// ── the walk ─────────────────────────────────────────────────────────────

/** A root that reached an object first: what the path starts from. */
export type RootRef =
  | { readonly kind: 'global'; readonly slot: number }
  | { readonly kind: 'stack'; readonly slot: number; readonly g: G }
  | { readonly kind: 'finalizer'; readonly obj: number; readonly off: number }
  | { readonly kind: 'finalizer queue'; readonly obj: number }
  | { readonly kind: 'tiny'; readonly p: number };

/** Every object reachable at one instant, each with the edge it was first reached by (BFS: a shortest path). */
export class HeapGraph {
  /** Records, in discovery order. */
  n = 0;
  /** Slot base of each reached object. */
  base = new Float64Array(1024);
  /** The record it was reached from, or −1 for a root. */
  parent = new Int32Array(1024);
  /** Byte offset of the pointer word in the parent object (from its start, past any malloc header), or the root's index. */
  via = new Int32Array(1024);
  /** Type id in book, or −1. */
  type = new Int32Array(1024);
  /** Where the type came from (SRC_*). */
  src = new Uint8Array(1024);
  /** The root at the start of its path (an index in roots). */
  rootOf = new Int32Array(1024);
  readonly roots: RootRef[] = [];
  /** Visited bits per span id. */
  readonly visited: (Uint32Array | undefined)[] = [];

  constructor(
    readonly book: TypeBook,
    readonly rt: Runtime,
  ) {}

  grow(): void {
    const cap = this.base.length * 2;
    const f = new Float64Array(cap);
    f.set(this.base);
    this.base = f;
    for (const k of ['parent', 'via', 'type', 'rootOf'] as const) {
      const a = new Int32Array(cap);
      a.set(this[k]);
      this[k] = a;
    }
    const s = new Uint8Array(cap);
    s.set(this.src);
    this.src = s;
  }

  /** The in-use span of record i. */
  spanOf(i: number): MSpan {
    return this.rt.mheap.spanOf(this.base[i]!)!;
  }

  /** Bytes of record i's object past its malloc header (what its type tiles). */
  objectBytes(i: number): number {
    return userBytes(this.spanOf(i));
  }

  /** The address of record i's object as the program has it (past a malloc header). */
  objectAddr(i: number): number {
    const s = this.spanOf(i);
    return hasHeader(s) ? this.base[i]! + mallocHeaderSize : this.base[i]!;
  }

  /** The record of the object holding address a, or −1 when no root reaches it. */
  recordOf(a: number): number {
    const s = findObject(this.rt.mheap, a);
    if (s === null) return -1;
    const b = s.startAddr + (s.nelems === 1 ? 0 : s.divideByElemSize(a - s.startAddr)) * s.elemsize;
    const base = this.base;
    for (let i = 0; i < this.n; i++) if (base[i] === b) return i;
    return -1;
  }
}

/**
 * Bytes an object of span s may hold past its malloc header: its slot, or
 * for a large object the size mallocgc was asked for (span.limit).
 */
function userBytes(s: MSpan): number {
  if (s.sizeclass() === 0) return s.limit - s.startAddr;
  return hasHeader(s) ? s.elemsize - mallocHeaderSize : s.elemsize;
}

/** A view of memory for scanObject that notes the address of each word it reads. */
function recordingRuntime(rt: Runtime): { view: Runtime; last: () => number } {
  const mem = rt.mem;
  let last = 0;
  const probe = Object.create(mem, {
    loadWord: {
      value: (a: number): number => {
        last = a;
        return mem.loadWord(a);
      },
    },
  }) as Memory;
  const view = Object.create(rt, { mem: { value: probe } }) as Runtime;
  return { view, last: () => last };
}

/** The frame of g holding stack address slot, and the slot's offset in it. */
function frameAt(g: G, slot: number): { index: number; off: number } | null {
  const hi = g.stack.hi;
  for (let i = g.frames.length - 1; i >= 0; i--) {
    const fr = g.frames[i]!;
    const lo = hi - fr.sp;
    if (slot >= lo && slot < lo + fr.size) return { index: i, off: slot - lo };
  }
  return null;
}

/** A frame's layout, when the program declared it (go.locals, go.func, the go statement's arguments). */
function shapeOf(p: GoProcess, g: G, index: number): FrameShape | null {
  const fr = g.frames[index]!;
  const sh = (p.go['shapes'] as Map<string, FrameShape>).get(fr.fn);
  return sh !== undefined && sh.ptrOffs === fr.ptrOffs ? sh : null;
}

/** The named variable of a frame at byte off, with its type and the word's offset in it. */
function frameSlot(sh: FrameShape | null, off: number): { name: string; type: GoType; inner: number } | null {
  if (sh === null) return null;
  for (const s of sh.slots) {
    if (off >= s.off && off < s.off + s.type.size) {
      const r = resolveWord(s.type, off - s.off);
      return { name: r.path === '' ? s.name : r.path.startsWith('[') ? `${s.name}${r.path}` : `${s.name}.${r.path}`, type: s.type, inner: off - s.off };
    }
  }
  return null;
}

/**
 * Walks everything reachable now, breadth-first from the roots, over the
 * pointer words the collector scans. Program globals go first among the
 * roots, so that of two equally short paths the one from a named variable
 * is kept.
 */
export function walkHeap(p: GoProcess, names: GlobalNames): HeapGraph {
  const rt = p.rt;
  const heap = rt.mheap;
  const mem = rt.mem;
  const book = new TypeBook(p);
  const gr = new HeapGraph(book, rt);
  const { view, last } = recordingRuntime(rt);

  /** Records the object holding v, if it is a heap object not reached yet; returns its record or −1. */
  const visit = (v: number, parent: number, via: number, hint: number): number => {
    const s = findObject(heap, v);
    if (s === null) return -1;
    const idx = s.nelems === 1 ? 0 : s.divideByElemSize(v - s.startAddr);
    if (idx >= s.freeIndexForScan && !s.isAllocated(idx)) return -1; // mspan.isFree: nothing lives there
    let m = gr.visited[s.id];
    if (m === undefined) m = gr.visited[s.id] = new Uint32Array((s.nelems + 31) >>> 5);
    const bit = 1 << (idx & 31);
    if ((m[idx >>> 5]! & bit) !== 0) return -1;
    m[idx >>> 5]! |= bit;
    const base = s.startAddr + idx * s.elemsize;
    const header = hasHeader(s);
    const obj = header ? base + mallocHeaderSize : base;
    let tid = hint === FUNC ? book.closureAt(obj) : hint;
    // A typed pointer into the middle of an object types it only when it lands on a tile (an element of an array).
    if (tid >= 0 && v !== obj && (v < obj || (v - obj) % book.infos[tid]!.size !== 0)) tid = UNKNOWN;
    const rec: RType | null = header ? rt.types.at(mem.loadWord(base)) : s.sizeclass() === 0 && !s.noscan() ? s.largeType : null;
    let src = tid >= 0 ? SRC_PATH : SRC_NONE;
    if (rec !== null) {
      if (tid < 0 || book.infos[tid]!.size !== rec.size) {
        tid = book.recorded(rec);
        src = header ? SRC_HEADER : SRC_SPAN;
      } else if (book.infos[tid]!.recorded === rec) {
        src = header ? SRC_HEADER : SRC_SPAN;
      }
    }
    if (gr.n === gr.base.length) gr.grow();
    const i = gr.n++;
    gr.base[i] = base;
    gr.parent[i] = parent;
    gr.via[i] = via;
    gr.type[i] = tid;
    gr.src[i] = src;
    gr.rootOf[i] = parent < 0 ? via : gr.rootOf[parent]!;
    return i;
  };
  const root = (v: number, ref: RootRef, hint: number): void => {
    if (v === 0) return;
    if (visit(v, -1, gr.roots.length, hint) >= 0) gr.roots.push(ref);
  };
  const global = (slot: number): void => {
    const v = mem.loadWord(slot);
    if (v === 0) return;
    let hint = names.targetOf(slot, book);
    if (hint === IFACE) hint = book.ifaceTarget(mem.loadWord(slot - 8));
    root(v, { kind: 'global', slot }, hint);
  };

  // 1. .data and .bss: the program's variables first, then the others.
  const others: number[] = [];
  p.roots.forEachGlobal((slot) => {
    if (names.programBlock(slot) === null) others.push(slot);
    else global(slot);
  });
  for (const slot of others) global(slot);
  // 2. Each goroutine's stack slots.
  for (const g of p.roots.allgs) {
    forEachStackSlot(g, (slot) => {
      const v = mem.loadWord(slot);
      if (v === 0) return;
      let hint = UNKNOWN;
      const at = frameAt(g, slot);
      const fs = at === null ? null : frameSlot(shapeOf(p, g, at.index), at.off);
      if (fs !== null) {
        const r = resolveWord(fs.type, fs.inner);
        hint = r.leaf.kind === Kind.Interface && r.inner === 8 ? book.ifaceTarget(mem.loadWord(slot - 8)) : book.leafTarget(r.leaf, r.inner);
      }
      root(v, { kind: 'stack', slot, g }, hint);
    });
  }
  // 3. Finalizers: the contents of each object with a finalizer, and the queued objects.
  p.gc.finalizers.markRoots(
    (s, base) => {
      const obj = hasHeader(s) ? base + mallocHeaderSize : base;
      scanObject(view, s, base, (v) => root(v, { kind: 'finalizer', obj, off: last() - obj }, UNKNOWN));
    },
    (q) => root(q, { kind: 'finalizer queue', obj: q }, UNKNOWN),
  );
  // 4. Each P's tiny block (gcMarkTinyAllocs).
  for (const pp of rt.allp) root(pp.mcache.tiny, { kind: 'tiny', p: pp.id }, UNKNOWN);

  // The queue: records in discovery order.
  for (let i = 0; i < gr.n; i++) {
    const b = gr.base[i]!;
    const s = heap.spanOf(b)!;
    if (s.noscan()) continue;
    const obj = hasHeader(s) ? b + mallocHeaderSize : b;
    const tid = gr.type[i]!;
    const size = tid >= 0 ? book.infos[tid]!.size : 0;
    scanObject(view, s, b, (v) => {
      const word = last();
      const off = word - obj;
      let hint = UNKNOWN;
      if (tid >= 0) {
        hint = book.target(tid, off % size);
        if (hint === IFACE) hint = book.ifaceTarget(mem.loadWord(word - 8));
      }
      visit(v, i, off, hint);
    });
  }
  return gr;
}

// ── the report ───────────────────────────────────────────────────────────

export interface WhyObject {
  /** The object's address as the program has it (past a malloc header). */
  addr: string;
  type: string;
  typeSource: TypeSource;
  /** Bytes of its heap slot (elemsize), as HeapAlloc counts it. */
  size: number;
}

export interface WhyRoot {
  kind: RootRef['kind'];
  /** The root in Go's terms: `main.cache`, `runtime.allgptr`, `goroutine 7 main.worker local q`. */
  name: string;
  /** Address of the root word. */
  slot: string;
  /** Type of the variable, where known. */
  type?: string;
  goroutine?: number;
  function?: string;
  file?: string;
  line?: number;
}

export interface WhyHop {
  /** The holder's type, the field and its byte offset (absent on the first hop: the root word itself points there). */
  from?: { type: string; field: string; offset: number };
  object: WhyObject;
}

export interface WhyPath {
  root: WhyRoot;
  hops: WhyHop[];
}

export interface WhyTypeRow {
  type: string;
  typeSources: TypeSource[];
  objects: number;
  bytes: number;
  /** How many roots the walk reached them from: each object counts under the root of its shortest path. */
  roots: number;
  /** The (up to three) roots that reach most of their bytes. */
  retainers: { root: string; objects: number; bytes: number }[];
  /** A shortest path to one of them: the first the walk reached from the root that reaches most. */
  path: WhyPath;
}

export interface GoroutineFrame {
  function: string;
  file?: string;
  line?: number;
}

export interface GoroutineGroup {
  count: number;
  /** Go's status word: the wait reason of a parked goroutine (`chan receive`, `sleep`), or runnable / running. */
  state: string;
  /** Where it is: the innermost frame outside package runtime. */
  function: string;
  /** Frames, innermost first. */
  stack: GoroutineFrame[];
  goids: number[];
}

export interface WhyReport {
  program: string;
  checkpoint: string;
  heap: { reachableObjects: number; reachableBytes: number; heapAlloc: number; heapObjects: number };
  types?: WhyTypeRow[];
  object?: { query: string; object: WhyObject; reachable: boolean; path: WhyPath | null };
  goroutines: { total: number; groups: GoroutineGroup[]; runtime: number; runtimeGroups: GoroutineGroup[] };
}

/** A bad --addr: not a heap object at the checkpoint (the message says why). */
export class WhyInputError extends Error {}

const hex = (a: number): string => `0x${a.toString(16)}`;

/** The allocator's name for an object of no known type. */
function untypedLabel(s: MSpan): string {
  const scan = s.noscan() ? 'noscan' : 'scan';
  if (s.sizeclass() === 0) return `(${scan}, large object, ${s.npages} pages)`;
  return `(${scan}, size class ${s.sizeclass()}, ${s.elemsize} B)`;
}

function describeObject(gr: HeapGraph, i: number): WhyObject {
  const tid = gr.type[i]!;
  const s = gr.spanOf(i);
  let type: string;
  if (tid < 0) type = untypedLabel(s);
  else {
    const ti = gr.book.infos[tid]!;
    const count = Math.floor(gr.objectBytes(i) / ti.size);
    type = count > 1 ? `[${count}]${ti.label}` : ti.label;
  }
  return { addr: hex(gr.objectAddr(i)), type, typeSource: sourceNames[gr.src[i]!]!, size: s.elemsize };
}

/** Function, file and line of goroutine g's frames, innermost first (lines for the running goroutine only). */
function goroutineStack(p: GoProcess, g: G): GoroutineFrame[] {
  const out: GoroutineFrame[] = [];
  const push = (fn: string, file?: string, line?: number): void => {
    const name = fn.endsWith('·args') ? fn.slice(0, -'·args'.length) : fn;
    if (out.length > 0 && out[out.length - 1]!.function === name) return;
    out.push({ function: name, ...(file ? { file } : {}), ...(line ? { line } : {}) });
  };
  if (g === p.sched.curG) {
    // The running goroutine's JavaScript stack is live: the profiler's traceback has its lines.
    for (const f of profileStack(g)) if (f.fn !== 'runtime.main' || g.name !== 'runtime.main') push(f.inline ? `${f.fn} (inline)` : f.fn, f.file, f.line);
    return out;
  }
  let n = g.inlined.length;
  for (let i = g.frames.length - 1; i >= baseFrameCount(g.frames); i--) {
    while (n > 0 && g.inlined[n - 1]!.depth === i + 1) push(`${g.inlined[--n]!.fn} (inline)`);
    push(g.frames[i]!.fn);
  }
  const start = g.name === 'runtime.main' ? 'main.main' : g.name;
  if (!g.frames.some((f) => f.fn.replace(/·args$/, '') === start)) push(start);
  return out;
}

function goroutineState(p: GoProcess, g: G): string {
  switch (g.status) {
    case _Gwaiting:
      return g.waitreason || 'waiting';
    case _Grunnable:
      return 'runnable';
    case _Gsyscall:
      return 'syscall';
    case _Grunning:
      // A body that yields to the scheduler without gopark leaves its status as it was.
      return g === p.sched.curG ? 'running' : 'parked (no wait reason)';
  }
  return 'idle';
}

/** Goroutines grouped by state and stack, largest group first; runtime goroutines apart, as Go's profile leaves them out. */
export function goroutineGroups(p: GoProcess): WhyReport['goroutines'] {
  const user = new Map<string, GoroutineGroup>();
  const sys = new Map<string, GoroutineGroup>();
  let total = 0;
  let runtime = 0;
  for (const g of p.sched.allgs) {
    if (g.status === _Gdead) continue;
    const stack = goroutineStack(p, g);
    const state = goroutineState(p, g);
    // A runtime goroutine is known by the function it runs (its stack is the runtime's throughout: gopark, …, goexit).
    const where = stack.find((f) => !f.function.startsWith('runtime.'))?.function ?? (g.system ? g.name : stack[0]?.function) ?? g.name;
    const key = `${state}\n${stack.map((f) => f.function).join('\n')}`;
    const table = g.system ? sys : user;
    if (g.system) runtime++;
    else total++;
    const grp = table.get(key);
    if (grp === undefined) table.set(key, { count: 1, state, function: where, stack, goids: [g.goid] });
    else {
      grp.count++;
      grp.goids.push(g.goid);
    }
  }
  const order = (a: GoroutineGroup, b: GoroutineGroup): number => b.count - a.count || a.goids[0]! - b.goids[0]!;
  return { total, groups: [...user.values()].sort(order), runtime, runtimeGroups: [...sys.values()].sort(order) };
}

function describeRoot(p: GoProcess, gr: HeapGraph, names: GlobalNames, ref: RootRef): WhyRoot {
  switch (ref.kind) {
    case 'global': {
      const n = names.nameOf(ref.slot);
      return { kind: 'global', name: n.name, slot: hex(ref.slot), ...(n.type !== null ? { type: n.type.str } : {}) };
    }
    case 'stack': {
      const g = ref.g;
      const at = frameAt(g, ref.slot);
      const fr = at === null ? null : g.frames[at.index]!;
      const fn = fr === null ? g.name : fr.fn.replace(/·args$/, '');
      const sh = at === null ? null : shapeOf(p, g, at.index);
      const fs = at === null ? null : frameSlot(sh, at.off);
      const spill = at !== null && ref.slot === spillSlot(g);
      const local = fs !== null ? `local ${fs.name}` : spill ? 'a call’s spilled argument (scanned conservatively)' : at !== null ? `frame word +${at.off}` : 'stack word';
      let file: string | undefined;
      let line: number | undefined;
      if (g === p.sched.curG && at !== null) {
        // The running goroutine: the traceback's entry for this frame.
        const frames = profileStack(g).filter((f) => f.inline !== true);
        const e = frames[g.frames.length - 1 - at.index];
        if (e !== undefined && e.line > 0) {
          file = e.file;
          line = e.line;
        }
      }
      const where = line !== undefined ? ` (${file}:${line})` : '';
      return {
        kind: 'stack',
        name: `goroutine ${g.goid} ${fn}${where} ${local}`,
        slot: hex(ref.slot),
        ...(fs !== null ? { type: fs.type.str } : {}),
        goroutine: g.goid,
        function: fn,
        ...(file !== undefined ? { file, line } : {}),
      };
    }
    case 'finalizer':
      return { kind: 'finalizer', name: `the finalizer special of object ${hex(ref.obj)} (its contents, at +${ref.off})`, slot: hex(ref.obj + ref.off) };
    case 'finalizer queue':
      return { kind: 'finalizer queue', name: 'the finalizer queue (finq): an object whose finalizer has not run yet', slot: hex(ref.obj) };
    case 'tiny':
      return { kind: 'tiny', name: `P ${ref.p}'s tiny allocator block (mcache.tiny)`, slot: hex(gr.rt.allp[ref.p]!.mcache.tiny) };
  }
}

/** The path from a root to record i, in Go's terms. */
export function retainerPath(p: GoProcess, gr: HeapGraph, names: GlobalNames, i: number): WhyPath {
  const chain: number[] = [];
  for (let r = i; r >= 0; r = gr.parent[r]!) chain.push(r);
  chain.reverse();
  const first = chain[0]!;
  const root = describeRoot(p, gr, names, gr.roots[gr.via[first]!]!);
  const hops: WhyHop[] = [];
  for (let k = 0; k < chain.length; k++) {
    const r = chain[k]!;
    const object = describeObject(gr, r);
    if (k === 0) {
      hops.push({ object });
      continue;
    }
    const par = chain[k - 1]!;
    const off = gr.via[r]!;
    const ptid = gr.type[par]!;
    const count = ptid < 0 ? 0 : Math.floor(gr.objectBytes(par) / gr.book.infos[ptid]!.size);
    const field = ptid < 0 ? `+${off}` : gr.book.fieldName(ptid, count, off);
    hops.push({ from: { type: hops[k - 1]!.object.type, field, offset: off }, object });
  }
  return { root, hops };
}

/** Reachable objects by type, largest first; objects of no known type by what the allocator knows of them. */
function typeRows(p: GoProcess, gr: HeapGraph, names: GlobalNames, top: number): WhyTypeRow[] {
  // Keys: 2·id (+1 for arrays of the type) for typed objects; after them, one per span class and two for large objects.
  const ntyped = gr.book.infos.length * 2;
  const nkeys = ntyped + 256 + 2;
  const bytes = new Float64Array(nkeys);
  const objects = new Float64Array(nkeys);
  const first = new Int32Array(nkeys).fill(-1);
  const sources = new Uint8Array(nkeys);
  const keyOf = new Int32Array(gr.n);
  const heap = gr.rt.mheap;
  for (let i = 0; i < gr.n; i++) {
    const s = heap.spanOf(gr.base[i]!)!;
    const tid = gr.type[i]!;
    let key: number;
    if (tid >= 0) key = 2 * tid + (Math.floor(userBytes(s) / gr.book.infos[tid]!.size) > 1 ? 1 : 0);
    else key = s.sizeclass() === 0 ? ntyped + 256 + (s.noscan() ? 1 : 0) : ntyped + s.spanclass;
    keyOf[i] = key;
    bytes[key] += s.elemsize;
    objects[key]++;
    sources[key]! |= 1 << gr.src[i]!;
    if (first[key] === -1) first[key] = i;
  }
  const keys: number[] = [];
  for (let k = 0; k < nkeys; k++) if (objects[k]! > 0) keys.push(k);
  keys.sort((a, b) => bytes[b]! - bytes[a]! || objects[b]! - objects[a]! || first[a]! - first[b]!);
  const nroots = gr.roots.length;
  return keys.slice(0, top).map((k) => {
    // Which roots the walk reached these objects from, by bytes.
    const rb = new Float64Array(nroots);
    const rn = new Float64Array(nroots);
    const rfirst = new Int32Array(nroots).fill(-1);
    for (let i = first[k]!; i < gr.n; i++) {
      if (keyOf[i] !== k) continue;
      const r = gr.rootOf[i]!;
      rb[r] += heap.spanOf(gr.base[i]!)!.elemsize;
      rn[r]++;
      if (rfirst[r] === -1) rfirst[r] = i;
    }
    const byRoot: number[] = [];
    for (let r = 0; r < nroots; r++) if (rn[r]! > 0) byRoot.push(r);
    byRoot.sort((a, b) => rb[b]! - rb[a]! || rn[b]! - rn[a]! || a - b);
    const i = rfirst[byRoot[0]!]!;
    let type: string;
    if (k < ntyped) type = (k & 1 ? '[...]' : '') + gr.book.infos[k >>> 1]!.label;
    else {
      const s = heap.spanOf(gr.base[i]!)!;
      type = s.sizeclass() === 0 ? `(${s.noscan() ? 'noscan' : 'scan'}, large objects)` : untypedLabel(s);
    }
    const typeSources = sourceNames.filter((_, j) => (sources[k]! >>> j) & 1);
    const retainers = byRoot.slice(0, 3).map((r) => ({ root: describeRoot(p, gr, names, gr.roots[r]!).name, objects: rn[r]!, bytes: rb[r]! }));
    return { type, typeSources, objects: objects[k]!, bytes: bytes[k]!, roots: byRoot.length, retainers, path: retainerPath(p, gr, names, i) };
  });
}

/** Parses an address as the user wrote it (0xc000123456, or decimal). */
export function parseAddress(s: string): number | null {
  const t = s.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t.slice(2), 16);
  if (/^[0-9]+$/.test(t)) return Number(t);
  return null;
}

export interface WhyOptions {
  /** How many types to show (default 5). */
  top?: number;
  /** An address: the path to the object holding it instead of the type table. */
  addr?: number;
}

/** The report at this instant of process p (called at a checkpoint). memstats: HeapAlloc and HeapObjects as the checkpoint read them. */
export function whyReport(p: GoProcess, names: GlobalNames, checkpoint: string, memstats: { HeapAlloc: number; HeapObjects: number }, opts: WhyOptions = {}): WhyReport {
  const gr = walkHeap(p, names);
  let reachableBytes = 0;
  const heap = p.rt.mheap;
  for (let i = 0; i < gr.n; i++) reachableBytes += heap.spanOf(gr.base[i]!)!.elemsize;
  const report: WhyReport = {
    program: p.program.name,
    checkpoint,
    heap: { reachableObjects: gr.n, reachableBytes, heapAlloc: memstats.HeapAlloc, heapObjects: memstats.HeapObjects },
    goroutines: goroutineGroups(p),
  };
  if (opts.addr !== undefined) {
    const a = opts.addr;
    const s = findObject(heap, a);
    if (s === null) throw new WhyInputError(`--addr ${hex(a)}: not a heap object (no in-use heap span holds it)`);
    const idx = s.nelems === 1 ? 0 : s.divideByElemSize(a - s.startAddr);
    if (idx >= s.freeIndexForScan && !s.isAllocated(idx)) throw new WhyInputError(`--addr ${hex(a)}: not a heap object (a free slot of a ${s.elemsize}-byte span)`);
    const i = gr.recordOf(a);
    if (i < 0) {
      const base = s.startAddr + idx * s.elemsize;
      const obj = hasHeader(s) ? base + mallocHeaderSize : base;
      const rec = hasHeader(s) ? p.rt.types.at(p.rt.mem.loadWord(base)) : s.sizeclass() === 0 && !s.noscan() ? s.largeType : null;
      const object: WhyObject = {
        addr: hex(obj),
        type: rec !== null ? rec.str : untypedLabel(s),
        typeSource: rec === null ? 'none' : hasHeader(s) ? 'malloc header' : 'span.largeType',
        size: s.elemsize,
      };
      report.object = { query: hex(a), object, reachable: false, path: null };
    } else {
      const path = retainerPath(p, gr, names, i);
      report.object = { query: hex(a), object: path.hops[path.hops.length - 1]!.object, reachable: true, path };
    }
  } else {
    report.types = typeRows(p, gr, names, opts.top ?? 5);
  }
  return report;
}

/** How a run to a checkpoint went: the report, or why there is none. */
export interface WhyRun {
  report: WhyReport | null;
  /** The checkpoints passed, in order. */
  checkpoints: string[];
  result: RunResult;
  /** What the program wrote to stderr (a panic's report, …). */
  stderr: string;
  /** A bad --addr, found at the checkpoint. */
  error: WhyInputError | null;
  /** The process, stopped at the checkpoint (or ended before it). */
  process: GoProcess;
}

/**
 * Runs program up to the checkpoint named `at` (its first occurrence), makes
 * the report there, and stops the process (as os.Exit would). The program's
 * own output is discarded.
 */
export function whyAt(program: Program, runOpts: RunOptions, at: string, opts: WhyOptions = {}): WhyRun {
  let names: GlobalNames | null = null;
  let report: WhyReport | null = null;
  let error: WhyInputError | null = null;
  const r = runToCheckpoint(
    program,
    runOpts,
    at,
    (json, proc) => {
      const ms = (JSON.parse(json) as { memstats: { HeapAlloc: number; HeapObjects: number } }).memstats;
      try {
        report = whyReport(proc, names!, at, ms, opts);
      } catch (e) {
        if (!(e instanceof WhyInputError)) throw e;
        error = e;
      }
    },
    (p) => {
      names = GlobalNames.observe(p);
    },
  );
  return { report, error, ...r };
}
