// Closures: what a func literal that captures variables allocates
// (cmd/compile/internal/walk/closure.go and escape analysis; Go 1.23).
//
//   closure object (one allocation when the func value escapes)
//   ┌────────────┬──────────────┬──────────────┐
//   │ F uintptr  │ captured v1  │ captured v2 …│   by value: the variable
//   │ (code ptr) │ (or &v1)     │              │   by reference: a pointer
//   └────────────┴──────────────┴──────────────┘
//
// The compiler captures by value when the variable is never reassigned
// after capture and is at most 128 bytes; otherwise by reference, which
// moves the variable itself to the heap (one more allocation) when the
// closure escapes. F points to code, not to the heap, so a closure that
// captures only scalars is noscan. A func literal that captures nothing is
// a static funcval: no allocation.

import { typedAlloc } from './alloc.ts';
import type { Alloc } from './alloc.ts';
import { T } from './types.ts';
import type { GoType } from './types.ts';

export interface Capture {
  readonly type: GoType;
  /** Captured by reference: the variable is reassigned after capture, or larger than 128 B (the default then). */
  readonly byRef?: boolean;
  /** The variable's name, for the closure struct's field names. */
  readonly name?: string;
}

/** Captured variables over this size are always captured by reference. */
export const maxByValueCapture = 128;

function isByRef(c: Capture): boolean {
  return c.byRef ?? c.type.size > maxByValueCapture;
}

/** The closure object's struct type: { F uintptr; captures… }. */
export function closureType(captures: readonly Capture[]): GoType {
  return T.struct([
    ['F', T.uintptr],
    ...captures.map((c, i) => [c.name ?? `v${i + 1}`, isByRef(c) ? T.pointer(c.type) : c.type] as const),
  ]);
}

/**
 * Allocations when a func literal capturing `captures` escapes: each
 * by-reference variable moved to the heap (in declaration order), then the
 * closure object. Nothing when it does not escape, or captures nothing.
 */
export function closureAllocs(captures: readonly Capture[], opts: { escapes?: boolean } = {}): Alloc[] {
  if (captures.length === 0 || opts.escapes === false) return [];
  const allocs: Alloc[] = [];
  for (const c of captures) if (isByRef(c) && c.type.size > 0) allocs.push(typedAlloc(c.type, c.type.size, 'moved to heap'));
  const ct = closureType(captures);
  allocs.push(typedAlloc(ct, ct.size, 'closure'));
  return allocs;
}
