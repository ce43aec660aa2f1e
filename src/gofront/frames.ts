// A compiled function's frame size: the bytes its frame takes beyond the
// slots go.func lays out itself (locals that hold pointers). The gc
// compiler's frame holds every local that stays on the stack, spill slots
// and outgoing arguments, and the CALL pushes a return address; gomem
// counts the locals and the return address (spills and argument areas are
// not modelled yet, so frames can be smaller than the compiler's).

import type { FuncDecl, VarObj } from './objects.ts';

const ptrSize = 8;

/** Bytes of the frame beyond its pointer slots. */
export function frameSize(f: FuncDecl, slotted: readonly VarObj[], heap: ReadonlySet<VarObj>): number {
  let off = 0;
  for (const v of f.vars) {
    if (v.param || slotted.includes(v) || heap.has(v)) continue;
    const a = Math.max(v.type.align, 1);
    off = Math.ceil(off / a) * a + v.type.size;
  }
  return Math.ceil(off / ptrSize) * ptrSize + ptrSize;
}
