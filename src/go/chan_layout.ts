// Channels: the allocations of make(chan T, n) (runtime/chan.go makechan,
// Go 1.23 on amd64).
//
//   pointer-free elements (or n·size == 0):   one noscan block
//   ┌──────────────── hchan 104 B ───────────────┬── buf n·size ──┐
//   │ qcount dataqsiz buf elemsize closed timer  │                │
//   │ elemtype sendx recvx recvq sendq lock      │                │
//   └────────────────────────────────────────────┴────────────────┘
//   elements with pointers: new(hchan) (scan, 104 B) + a typed buf array
//
// The hchan can be noscan although it holds pointers: buf points into the
// same block, elemtype into read-only type data, and the sudogs on the wait
// queues are kept alive by their goroutines (chan.go's own argument).

import { GoPanic, goThrow } from '../runtime/panic.ts';
import { maxAlloc, rawAlloc, typedAlloc } from './alloc.ts';
import type { Alloc } from './alloc.ts';
import { T } from './types.ts';
import type { GoType } from './types.ts';

/** runtime.hchan in Go 1.23 (the timer field is new in 1.23). */
export const hchanType: GoType = T.named(
  T.struct([
    ['qcount', T.uint],
    ['dataqsiz', T.uint],
    ['buf', T.unsafePointer],
    ['elemsize', T.uint16],
    ['closed', T.uint32],
    ['timer', T.unsafePointer], // *timer
    ['elemtype', T.unsafePointer], // *_type
    ['sendx', T.uint],
    ['recvx', T.uint],
    ['recvq', T.struct([['first', T.unsafePointer], ['last', T.unsafePointer]])],
    ['sendq', T.struct([['first', T.unsafePointer], ['last', T.unsafePointer]])],
    ['lock', T.struct([['key', T.uintptr]])], // runtime.mutex without lock ranking
  ]),
  'runtime.hchan',
);

const maxAlign = 8;
/** hchanSize: sizeof(hchan) rounded up to maxAlign = 104. */
export const hchanSize = Math.ceil(hchanType.size / maxAlign) * maxAlign;

/** The allocations of make(chan elem, size). Panics (GoPanic) and throws (GoFatalError) as makechan does. */
export function makechanAllocs(elem: GoType, size = 0): Alloc[] {
  // The compiler rejects element types of 64 KiB or more ("channel element type too large (>64kB)").
  if (elem.size >= 1 << 16) goThrow('makechan: invalid channel element type');
  if (elem.align > maxAlign) goThrow('makechan: bad alignment');
  const mem = elem.size * size;
  if (size < 0 || !Number.isSafeInteger(size) || mem > maxAlloc - hchanSize) {
    throw new GoPanic('makechan: size out of range');
  }
  if (mem === 0) return [rawAlloc(hchanSize, 'hchan')];
  if (!elem.pointers) return [rawAlloc(hchanSize + mem, 'hchan+buf')];
  return [typedAlloc(hchanType, hchanSize, 'hchan'), typedAlloc(elem, mem, 'chan buf')];
}
