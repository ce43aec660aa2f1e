// The read-only parts of the binary a program points into: string literals
// and type descriptors in .rodata, static funcvals, and function code in
// .text. gomem does not have the real binary's contents, so it places what
// a program uses there itself, once per literal, type or function (never
// per object): a string literal gets its own address, so that a string
// header read back from memory finds its text; a func value's code pointer
// finds the JS body that implements it.
//
//   .text    ┌ func 0 ┬ func 1 ┬ …            code addresses (16 B apart)
//   .rodata  ┌ literals … ──▶        ◀── static funcvals ┬ type descriptors ▶
//
// Heap strings are not here: their bytes are stored in simulated memory
// when they are built (concatenation, conversions) and read back from it.

import type { GoBinary } from './binary.ts';
import type { TypeTable } from '../runtime/type.ts';

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

export class Rodata {
  readonly base: number;
  readonly end: number;
  private next: number;
  /** Literal text → address, and the literals in address order for reverse lookup. */
  private readonly byText = new Map<string, number>();
  private readonly addrs: number[] = [];
  private readonly texts: Uint8Array[] = [];
  /** Static funcvals and the code they point to. */
  private readonly funcvalBase: number;
  private readonly textBase: number;
  readonly funcs: { name: string; body: unknown }[] = [];

  constructor(binary: GoBinary, types: TypeTable) {
    const text = binary.exec.segments[0]!;
    const ro = binary.exec.segments[1] ?? text;
    this.textBase = text.vaddr + 0x1000;
    this.base = ro.vaddr;
    this.end = ro.vaddr + ro.memsz;
    this.next = this.base;
    // The upper half of rodata: static funcvals (8 B each) then type descriptors.
    this.funcvalBase = this.base + Math.floor(ro.memsz / 2 / 8) * 8;
    types.base = this.funcvalBase + 64 * 1024;
  }

  /** Address of the bytes of a string literal, assigned on first use; equal literals share them, as the linker does. */
  literalAddr(text: string): number {
    let a = this.byText.get(text);
    if (a === undefined) {
      const bytes = utf8.encode(text);
      a = this.next;
      this.next += Math.max(bytes.length, 1);
      this.byText.set(text, a);
      this.addrs.push(a);
      this.texts.push(bytes);
    }
    return a;
  }

  /** Whether a points into the rodata area gomem uses for literals. */
  isLiteral(a: number): boolean {
    return a >= this.base && a < this.next;
  }

  /** The text of the len bytes at ptr in rodata, or null if ptr is not in a literal. */
  literalText(ptr: number, len: number): string | null {
    if (!this.isLiteral(ptr)) return null;
    // Binary search for the last literal starting at or below ptr.
    let lo = 0;
    let hi = this.addrs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.addrs[mid]! <= ptr) lo = mid;
      else hi = mid - 1;
    }
    const bytes = this.texts[lo]!;
    const off = ptr - this.addrs[lo]!;
    return utf8d.decode(bytes.subarray(off, off + len));
  }

  /** Registers a function's JS body; returns its index (its code address is textBase + 16·index). */
  addFunc(name: string, body: unknown): number {
    this.funcs.push({ name, body });
    return this.funcs.length - 1;
  }

  codeAddr(index: number): number {
    return this.textBase + 16 * index;
  }

  /** The function index of a code address, or −1. */
  funcIndexOfCode(pc: number): number {
    const i = (pc - this.textBase) / 16;
    return Number.isInteger(i) && i >= 0 && i < this.funcs.length ? i : -1;
  }

  /** A static funcval (a func literal that captures nothing): its address in rodata. */
  staticFuncval(index: number): number {
    return this.funcvalBase + 8 * index;
  }

  /** The function index of a static funcval address, or −1. */
  funcIndexOfFuncval(a: number): number {
    const i = (a - this.funcvalBase) / 8;
    return Number.isInteger(i) && i >= 0 && i < this.funcs.length ? i : -1;
  }
}
