// Allocations of string operations: concatenation and the conversions
// between string, []byte and []rune (runtime/string.go concatstrings,
// rawstring, rawbyteslice, rawruneslice, stringtoslicebyte,
// slicebytetostring, stringtoslicerune, slicerunetostring, intstring; Go 1.23).
//
// When the result does not escape, the compiler passes a 32-byte stack
// buffer (tmpBuf, or [32]rune for []rune) and results that fit use it:
// no allocation. Results that escape are allocated exactly, except the
// slice conversions, whose capacity is rounded up to the size class.
// String data is pointer-free: every allocation here is noscan, so results
// under 16 bytes go to the tiny allocator.

import { roundupsize } from '../runtime/msize.ts';
import { goThrow } from '../runtime/panic.ts';
import { maxAlloc, rawAlloc } from './alloc.ts';
import type { Alloc } from './alloc.ts';

/** tmpStringBufSize: the stack buffer for non-escaping results (bytes, or runes for []rune). */
export const tmpStringBufSize = 32;

export interface ConvOptions {
  /** The result escapes to the heap (the default). When false the compiler supplies a 32-entry stack buffer. */
  readonly escapes?: boolean;
}

function rawstring(n: number, what: string): Alloc[] {
  return n > 0 ? [rawAlloc(n, what)] : [];
}

/**
 * a + b + …: one allocation of the total length, or none when the result
 * is empty, when exactly one operand is non-empty (that operand is returned
 * as is; gomem's strings never live on the stack), or when a non-escaping
 * result fits the 32-byte buffer.
 */
export function concatstringsAllocs(lens: readonly number[], opts: ConvOptions = {}): Alloc[] {
  let total = 0;
  let nonEmpty = 0;
  for (const n of lens) {
    if (n < 0) throw new Error(`negative string length ${n}`);
    if (n > 0) nonEmpty++;
    total += n;
  }
  if (total > maxAlloc) goThrow('string concatenation too long');
  if (nonEmpty <= 1) return [];
  if (opts.escapes === false && total <= tmpStringBufSize) return [];
  return rawstring(total, 'concatstrings');
}

export interface ByteConvOptions extends ConvOptions {
  /**
   * The non-escaping []byte is never written: since Go 1.22 the compiler
   * then lets it share the string's bytes (no copy at any length).
   */
  readonly readOnly?: boolean;
}

/** []byte(s) for a string of `len` bytes: the slice's capacity and the allocation. */
export function stringToBytes(len: number, opts: ByteConvOptions = {}): { cap: number; allocs: Alloc[] } {
  if (opts.escapes === false && (opts.readOnly || len <= tmpStringBufSize)) return { cap: opts.readOnly ? len : tmpStringBufSize, allocs: [] };
  // rawbyteslice: the capacity is the whole size-class block.
  const cap = roundupsize(len, true);
  return { cap, allocs: cap > 0 ? [rawAlloc(cap, 'rawbyteslice')] : [] };
}

/** string(b) for a []byte of length n: none for 0 or 1 byte (staticuint64s), else n bytes unless it fits the stack buffer. */
export function bytesToString(n: number, opts: ConvOptions = {}): Alloc[] {
  if (n <= 1) return [];
  if (opts.escapes === false && n <= tmpStringBufSize) return [];
  return rawstring(n, 'slicebytetostring');
}

/** []rune(s) for a string of `runes` code points: capacity rounded to the size class. */
export function stringToRunes(runes: number, opts: ConvOptions = {}): { cap: number; allocs: Alloc[] } {
  if (opts.escapes === false && runes <= tmpStringBufSize) return { cap: tmpStringBufSize, allocs: [] };
  if (runes > maxAlloc / 4) goThrow('out of memory');
  const mem = roundupsize(runes * 4, true);
  return { cap: mem / 4, allocs: mem > 0 ? [rawAlloc(mem, 'rawruneslice')] : [] };
}

/**
 * string(runes) where the runes encode to `utf8Bytes` bytes: slicerunetostring
 * reserves 3 spare bytes, so even an empty []rune allocates 3 bytes when
 * the result escapes.
 */
export function runesToString(utf8Bytes: number, opts: ConvOptions = {}): Alloc[] {
  const n = utf8Bytes + 3;
  if (opts.escapes === false && n <= tmpStringBufSize) return [];
  return rawstring(n, 'slicerunetostring');
}

/** string(rune(x)): a 4-byte buffer, on the stack unless the result escapes. */
export function runeToString(opts: ConvOptions = {}): Alloc[] {
  return opts.escapes === false ? [] : rawstring(4, 'intstring');
}

/** Bytes of the UTF-8 encoding Go would give a JS string (lone surrogates become U+FFFD, 3 bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Number of runes (code points) of a JS string, as `for range` counts them. */
export function runeCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
