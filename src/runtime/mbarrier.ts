// The single write path for pointers (mbarrier.go, mwbbuf.go and the
// compiler's write-barrier calls). Every pointer a program stores into the
// heap or a global — a field, a slice element, a map slot, a channel buffer,
// a closure's captured variable, an interface's data word, a string's or a
// slice's data pointer inside an object — goes through writePointer, and
// every bulk copy of pointerful memory (growslice, copy, map evacuation,
// channel hand-off) through typedmemmove / typedslicecopy, which apply the
// barrier word by word with the type's pointer bitmap (bulkBarrierPreWrite)
// before moving the bytes.
//
// The barrier itself (shade the overwritten pointer, and the new one while
// the writer's stack is grey) belongs to the collector: it installs
// `rt.writeBarrier` and sets `enabled` during mark, as Go's setGCPhase sets
// writeBarrier.enabled. Stores into the running goroutine's own stack frame
// take no barrier, as in Go.

import type { Runtime } from './runtime.ts';
import type { RType } from './type.ts';

/** The collector's half of the write barrier. */
export interface WriteBarrier {
  /** writeBarrier.enabled: set while gcphase is _GCmark or _GCmarktermination. */
  enabled: boolean;
  /** Records one pointer store: the old value of the slot and the new one (either may be 0). */
  record(old: number, ptr: number): void;
}

/** The barrier before any collector exists: never enabled. */
export const noWriteBarrier: WriteBarrier = {
  enabled: false,
  record(): void {},
};

/** *slot = ptr, for a pointer slot in the heap or in a global. */
export function writePointer(rt: Runtime, slot: number, ptr: number): void {
  const wb = rt.writeBarrier;
  if (wb.enabled) wb.record(rt.mem.loadWord(slot), ptr);
  rt.mem.storeWord(slot, ptr);
}

/**
 * bulkBarrierPreWrite: the barrier for every pointer word of the `size`
 * bytes at dst that are about to be overwritten by the bytes at src (src 0:
 * cleared), using typ's pointer mask tiled every typ.size bytes.
 */
export function bulkBarrierPreWrite(rt: Runtime, dst: number, src: number, size: number, typ: RType): void {
  const wb = rt.writeBarrier;
  if (!wb.enabled || typ.ptrdata === 0) return;
  forEachPointerWord(typ, size, (off) => wb.record(rt.mem.loadWord(dst + off), src === 0 ? 0 : rt.mem.loadWord(src + off)));
}

/** Calls f with the byte offset of every pointer word in `size` bytes of values of typ laid end to end. */
export function forEachPointerWord(typ: RType, size: number, f: (off: number) => void): void {
  const mask = typ.gcdata;
  const words = typ.ptrdata / 8;
  for (let base = 0; base < size; base += typ.size) {
    for (let w = 0; w < words; w++) {
      if (mask === null ? typ.isPointerWord!(w) : ((mask[w >>> 3]! >>> (w & 7)) & 1) !== 0) f(base + w * 8);
    }
  }
}

/** typedmemmove(typ, dst, src): copies one value of typ, pointer words through the barrier. */
export function typedmemmove(rt: Runtime, typ: RType, dst: number, src: number): void {
  if (dst === src || typ.size === 0) return;
  bulkBarrierPreWrite(rt, dst, src, typ.ptrdata, typ);
  rt.mem.noteRead(src, typ.size);
  rt.mem.noteWrite(dst, typ.size);
  rt.mem.move(dst, src, typ.size);
}

/** typedslicecopy: n elements of typ from src to dst (memmove semantics for overlap). */
export function typedslicecopy(rt: Runtime, typ: RType, dst: number, src: number, n: number): void {
  const size = n * typ.size;
  if (size === 0 || dst === src) return;
  bulkBarrierPreWrite(rt, dst, src, size, typ);
  rt.mem.noteRead(src, size);
  rt.mem.noteWrite(dst, size);
  rt.mem.move(dst, src, size);
}

/** memclrHasPointers / typedmemclr: zeroes `size` bytes of values of typ at dst. */
export function typedmemclr(rt: Runtime, typ: RType, dst: number, size: number): void {
  if (size === 0) return;
  bulkBarrierPreWrite(rt, dst, 0, size, typ);
  rt.mem.noteWrite(dst, size);
  rt.mem.clear(dst, size);
}

/** memmove of pointer-free bytes: no barrier. */
export function memmoveNoHeapPointers(rt: Runtime, dst: number, src: number, n: number): void {
  if (n === 0 || dst === src) return;
  rt.mem.noteRead(src, n);
  rt.mem.noteWrite(dst, n);
  rt.mem.move(dst, src, n);
}
