// The binary's writable data as the collector sees it: .data and .bss, the
// sections that may hold pointers, with the pointer bitmap the linker emits
// for them (moduledata.gcdatamask / gcbssmask), and .noptrdata/.noptrbss
// beside them. Globals are roots for the whole run (markrootBlock).
//
//   RW segment  ┌─────────────┬──────────┬──────┬─────────────────┬───────────┐
//               │ .go.buildinfo│.noptrdata│.data │ .bss            │ .noptrbss │
//               └─────────────┴──────────┴──────┴─────────────────┴───────────┘
//                                                      ◀── gomem's words grow down
//                                                          from the end of .bss
//
// gomem does not have the real binary's variables. It places, from the end
// of .bss downward, the program's own package-level variables (go.globals)
// and the words through which the runtime and package inits hold the
// objects that stay live (allgs, allp, the init objects); each gets its
// pointer bits. The runtime's read-only tables programs can point into
// (staticuint64s in .noptrdata, zeroVal in .bss) sit at the section starts.

import type { Memory } from '../runtime/memory.ts';
import type { GoBinary } from './binary.ts';
import type { GoType } from './types.ts';
import { forEachPointerWord } from '../runtime/mbarrier.ts';

export class Globals {
  /** [dataStart, bssEnd): the scanned sections. */
  readonly dataStart: number;
  readonly bssStart: number;
  readonly bssEnd: number;
  readonly segBase: number;
  readonly segEnd: number;
  /** runtime.staticuint64s: 256 words holding 0…255 (the boxes of small integers). */
  readonly staticuint64s: number;
  /** runtime.zeroVal: 1024 zero bytes (the box of zero values). */
  readonly zeroVal: number;
  /** One bit per word of [dataStart, bssEnd): the word holds a pointer. */
  readonly ptrmask: Uint8Array;
  /** Next free byte, going down from the end of .bss. */
  private top: number;

  constructor(binary: GoBinary, mem: Memory) {
    const seg = binary.exec.segments.find((s) => (s.prot & 2) !== 0) ?? binary.exec.segments[binary.exec.segments.length - 1]!;
    const sec = binary.sections;
    this.segBase = seg.vaddr;
    this.segEnd = seg.vaddr + seg.memsz;
    const fileEnd = seg.vaddr + seg.filesz;
    this.dataStart = fileEnd - sec.data;
    this.bssStart = fileEnd;
    this.bssEnd = fileEnd + sec.bss;
    this.ptrmask = new Uint8Array(Math.ceil((this.bssEnd - this.dataStart) / 64));
    this.top = this.bssEnd;
    this.staticuint64s = Math.ceil((this.dataStart - sec.noptrdata) / 8) * 8;
    this.zeroVal = this.bssStart;
    mem.setGlobals(this.segBase, seg.memsz);
    // The table's contents come from the binary file: stored without a write.
    for (let i = 1; i < 256; i++) mem.initWord(this.staticuint64s + 8 * i, i);
  }

  /** Reserves a global of type t (aligned), marking its pointer words; returns its address. */
  declare(t: GoType): number {
    const align = Math.max(t.align, 1);
    const a = Math.floor((this.top - t.size) / align) * align;
    if (a < this.bssStart + 1024) throw new Error('gomem: the program declares more globals than its binary\'s .bss holds');
    this.top = a;
    if (t.pointers) forEachPointerWord(t, t.size, (off) => this.markPointer(a + off));
    return a;
  }

  /** Addresses of named variables: from the binary's measured symbols, else placed on first use. */
  private readonly symbolAddrs = new Map<string, number>();

  /** Bytes gomem sets aside for a runtime or package variable whose place in the binary is not known. */
  static readonly unknownSymbolBytes = 2048;

  /** Records where the binary keeps its variables: [section, offset] by symbol. */
  setSymbols(symbols: Record<string, readonly [string, number]>): void {
    for (const [name, [sec, off]] of Object.entries(symbols)) {
      this.symbolAddrs.set(name, (sec === 'data' ? this.dataStart : this.bssStart) + off);
    }
  }

  /** The address of a named variable's word at `offset`, marked as a pointer (a root). */
  rootWord(symbol: string, offset: number): number {
    let base = this.symbolAddrs.get(symbol);
    if (base === undefined) {
      this.top = Math.floor((this.top - Globals.unknownSymbolBytes) / 8) * 8;
      base = this.top;
      this.symbolAddrs.set(symbol, base);
    }
    this.markPointer(base + offset);
    return base + offset;
  }

  /** Reserves one pointer word (a runtime or package variable holding an object); returns its address. */
  pointerWord(): number {
    this.top -= 8;
    this.markPointer(this.top);
    return this.top;
  }

  private markPointer(a: number): void {
    const w = (a - this.dataStart) / 8;
    this.ptrmask[w >>> 3]! |= 1 << (w & 7);
  }

  /** Calls f with the address of every pointer word of .data and .bss (the collector's root scan). */
  forEachPointer(f: (a: number) => void): void {
    const m = this.ptrmask;
    for (let i = 0; i < m.length; i++) {
      const b = m[i]!;
      if (b === 0) continue;
      for (let j = 0; j < 8; j++) if ((b >>> j) & 1) f(this.dataStart + (i * 8 + j) * 8);
    }
  }
}
