// The record every src/go size model returns: one heap allocation a Go
// operation makes, as the arguments of its mallocgc call (runtime/malloc.go
// mallocgc(size, typ, needzero)). The allocator layer turns each into a slot.

import { GoPanic } from '../runtime/panic.ts';
import type { GoType } from './types.ts';

export interface Alloc {
  /** Bytes requested from mallocgc, before size-class rounding and any malloc header. Never 0: mallocgc(0) returns &zerobase and allocates nothing. */
  readonly size: number;
  /** The type passed to mallocgc; null for untyped noscan requests (mallocgc(n, nil, …)). */
  readonly type: GoType | null;
  /** No pointers to scan: the object goes to a noscan span (and, under 16 B, to the tiny allocator). */
  readonly noscan: boolean;
  /** What Go allocates it for, in the runtime's words: 'hmap', 'buckets', 'hchan', 'rawstring', 'growslice' … */
  readonly what: string;
}

/** An allocation of `size` bytes of `type` (noscan when the type has no pointers). */
export function typedAlloc(type: GoType, size: number, what: string): Alloc {
  return { size, type, noscan: !type.pointers, what };
}

/** mallocgc(size, nil, …): an untyped pointer-free block (strings, byte buffers, noscan hchan). */
export function rawAlloc(size: number, what: string): Alloc {
  return { size, type: null, noscan: true, what };
}

/** A panic with a runtime.Error (errorString): Go prints "panic: runtime error: <msg>". */
export function runtimeError(msg: string): GoPanic {
  return new GoPanic(`runtime error: ${msg}`);
}

/** maxAlloc on linux/amd64: 1 << heapAddrBits (48); the same fact as runtime/malloc.ts. */
export const maxAlloc = 2 ** 48;
