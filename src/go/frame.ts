// Stack frames as a program sees them: a function's local variables at
// offsets in its frame on the goroutine's stack, with the stack map the
// compiler emits (which words hold pointers). A frame's pointer slots are
// the collector's roots for as long as the frame is on the stack; a JS
// variable is not (it is like a register: a pointer kept across a call that
// may collect must live in a frame slot, a global or the heap).
//
// A FrameShape is built once per function (its layout and a class whose
// properties are the slots); each call pushes a small record and returns an
// instance whose property reads and writes load and store the slot's memory:
//
//   const f = go.locals('main.main', { root: T.pointer(Node), n: T.int });
//   f.root = go.new(Node);        // a pointer store into main's frame
//
//        stack.hi ─┐
//   ┌──────────────┤ frame of main.main (sp = its size)
//   │ root *Node   │ ← ptrOffs = [0]
//   │ n    int     │
//   ├──────────────┤ frame of the callee …
//   │              │
//   stack.lo

import { type Frame, type G, spillSlot } from '../runtime/runtime2.ts';
import { forEachPointerWord } from '../runtime/mbarrier.ts';
import { loadValue, storeValue } from './memops.ts';
import type { GoProcess } from './process.ts';
import type { GoType } from './types.ts';

/** A frame's slots, by name: reading returns the value, assigning stores it. */
export type Locals<S extends Record<string, GoType>> = { -readonly [K in keyof S]: unknown };

export interface SlotLayout {
  readonly name: string;
  readonly type: GoType;
  readonly off: number;
}

// A holder's own state sits under symbols, so that a variable of any name
// (`p`, `g`, `rec`…) can be a property of it.
export const kProc: unique symbol = Symbol('process');
export const kSlotAddr: unique symbol = Symbol('slotAddr');
export const kG: unique symbol = Symbol('g');
export const kRec: unique symbol = Symbol('rec');
const kPopped: unique symbol = Symbol('popped');

/** Something whose slots are at known offsets from an address: a frame, a closure object, the globals. */
export interface SlotHolder {
  readonly [kProc]: GoProcess;
  /** Address of the slot at byte offset off (checks that the holder may be used). */
  [kSlotAddr](off: number): number;
}

/** Lays out named variables by Go's alignment rules; returns the slots and the end offset. */
export function layoutSlots(slots: Record<string, GoType>): { slots: SlotLayout[]; end: number } {
  const out: SlotLayout[] = [];
  let off = 0;
  for (const [name, type] of Object.entries(slots)) {
    const align = Math.max(type.align, 1);
    off = Math.ceil(off / align) * align;
    out.push({ name, type, off });
    off += type.size;
  }
  return { slots: out, end: off };
}

/**
 * Gives a class one property per slot that loads and stores the slot's
 * memory. `barrier` is false for frames (stores into the running
 * goroutine's own stack take no write barrier in Go) and true for the heap
 * and globals.
 */
export function defineSlotAccessors(proto: object, slots: readonly SlotLayout[], barrier: boolean): void {
  for (const s of slots) {
    Object.defineProperty(proto, s.name, {
      enumerable: true,
      get(this: SlotHolder) {
        return loadValue(this[kProc], this[kSlotAddr](s.off), s.type);
      },
      set(this: SlotHolder, v: unknown) {
        storeValue(this[kProc], this[kSlotAddr](s.off), s.type, v, barrier);
      },
    });
  }
}

/** The base of every frame instance: which goroutine's stack it is on, and its record. */
export class FrameRef implements SlotHolder {
  readonly [kProc]: GoProcess;
  /** The goroutine whose stack holds the frame, its record, and whether the function returned. */
  readonly [kG]: G;
  readonly [kRec]: Frame;
  [kPopped] = false;

  constructor(p: GoProcess, g: G, rec: Frame) {
    this[kProc] = p;
    this[kG] = g;
    this[kRec] = rec;
  }

  /** Address of the slot at byte offset off, checking the frame is live and the caller owns it. */
  [kSlotAddr](off: number): number {
    const rec = this[kRec];
    const g = this[kG];
    if (this[kPopped]) throw new Error(`gomem: a local of ${rec.fn} used after ${rec.fn} returned`);
    if (this[kProc].sched.curG !== g) throw new Error(`gomem: a local of ${rec.fn} (goroutine ${g.goid}) used from another goroutine; share values through the heap, a global or a channel`);
    return g.stack.hi - rec.sp + off;
  }
}

export class FrameShape {
  readonly size: number;
  readonly slots: readonly SlotLayout[];
  readonly ptrOffs: Int32Array;
  /** Frame.spillOff: the first word past the named slots, when the extra bytes hold one. */
  readonly spillOff: number;
  private readonly Instance: new (p: GoProcess, g: G, rec: Frame) => FrameRef;

  constructor(
    readonly fn: string,
    slots: Record<string, GoType>,
    /** Bytes of the frame beyond its named slots (spills, outgoing arguments). */
    extra = 0,
    /** The slots of an inlined call, part of the caller's frame in Go (Frame.inlined). */
    readonly inlined = false,
  ) {
    const { slots: layout, end } = layoutSlots(slots);
    const ptrs: number[] = [];
    for (const sl of layout) if (sl.type.pointers) forEachPointerWord(sl.type, sl.type.size, (o) => ptrs.push(sl.off + o));
    this.slots = layout;
    this.ptrOffs = Int32Array.from(ptrs);
    this.size = Math.ceil((end + extra) / 8) * 8;
    const spill = Math.ceil(end / 8) * 8;
    this.spillOff = extra >= 8 && spill + 8 <= this.size ? spill : -1;
    class Instance extends FrameRef {}
    defineSlotAccessors(Instance.prototype, layout, false);
    this.Instance = Instance;
  }

  /** Pushes a frame of this shape on goroutine g's stack before g runs (newproc writing its arguments). */
  pushOn(p: GoProcess, g: G): FrameRef {
    const rec: Frame = { fn: this.fn, size: this.size, ptrOffs: this.ptrOffs, spillOff: this.spillOff, inlined: this.inlined, sp: 0 };
    p.sched.placeFrame(g, rec, false);
    return new this.Instance(p, g, rec);
  }

  /** Pushes a frame of this shape on the running goroutine's stack. */
  push(p: GoProcess): FrameRef {
    const rec: Frame = { fn: this.fn, size: this.size, ptrOffs: this.ptrOffs, spillOff: this.spillOff, inlined: this.inlined, sp: 0 };
    const g = p.sched.curG;
    if (g === null) throw new Error(`gomem: ${this.fn} called outside a goroutine`);
    p.sched.pushFrame(rec);
    return new this.Instance(p, g, rec);
  }

  /** Pops a frame pushed by push(). */
  pop(p: GoProcess, f: FrameRef): void {
    f[kPopped] = true;
    p.sched.popFrame(f[kRec]);
  }

  /** Whether another declaration of the function has the same slots. */
  sameSlots(slots: Record<string, GoType>): boolean {
    const names = Object.keys(slots);
    return names.length === this.slots.length && this.slots.every((s, i) => s.name === names[i] && s.type === slots[s.name]);
  }
}

/**
 * The address of a frame's slot at byte offset off (for runtime code that
 * writes a frame directly, as sendDirect does; `creator`: the goroutine is
 * being created by the running one, which writes its arguments).
 */
export function frameSlotAddr(f: FrameRef, off: number, creator = false): number {
  if (creator) return f[kG].stack.hi - f[kRec].sp + off;
  return f[kSlotAddr](off);
}

/** The goroutine a frame belongs to. */
export function frameG(f: FrameRef): G {
  return f[kG];
}

/** A frame's runtime record (its size, stack map and position). */
export function frameRecord(f: FrameRef): Frame {
  return f[kRec];
}

/**
 * A runtime call's first argument left in the running goroutine's
 * innermost frame (its outgoing-argument spill word, Frame.spillOff):
 * growslice spills the old array's pointer there, since it needs it after
 * mallocgc, and the word keeps it until something overwrites it. A call
 * from an inlined body spills into the frame it was inlined into.
 */
export function spillArg(p: GoProcess, v: number): void {
  const g = p.sched.curG;
  const spill = g === null ? 0 : spillSlot(g);
  if (spill !== 0) p.rt.mem.storeWord(spill, v);
}
