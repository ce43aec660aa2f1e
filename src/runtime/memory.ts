// What the process's memory holds: the bytes a Go program stores into heap
// objects, goroutine stacks and globals, so that a pointer read back is the
// pointer stored and the collector can trace the object graph by reading
// pointer words out of memory, as Go's does. Go has no such file (its memory
// is the machine's); this is gomem's stand-in for RAM contents.
//
// Only what is written is stored, and only in typed arrays attached to the
// span (or region) it belongs to — never a JS object or Map entry per
// simulated object or pointer:
//
//   small-object span   one buffer, slot-major; each slot keeps the prefix
//                       of `stride` bytes that anything was written into
//                       (the stride grows, up to elemsize, when a store lands
//                       past it). A 64-byte node whose program writes only
//                       its two pointers costs 16 bytes of host memory.
//
//        slot 0           slot 1           slot 2
//       ┌────────┬ ─ ─ ─ ┬────────┬ ─ ─ ─ ┬────────┬ ─ ─
//       │ stride │ (0s)  │ stride │ (0s)  │ stride │        simulated
//       └────────┴ ─ ─ ─ ┴────────┴ ─ ─ ─ ┴────────┴ ─ ─
//       ┌────────┬────────┬────────┐
//       │ slot 0 │ slot 1 │ slot 2 │ …                        host buffer
//       └────────┴────────┴────────┘
//
//   large-object span,  1 KiB chunks, each allocated on the first non-zero
//   stack span,         store into it: a 600 MiB []byte with three bytes set
//   globals             costs three chunks.
//
// Everything not stored reads as zero: fresh memory from the OS is zero, and
// mallocgc clears a reused slot's stored prefix when Go would zero the slot.
// Words are little-endian 64-bit integers; numbers are exact below 2^53
// (every address is).
//
// Stores also make the page resident (the kernel model's write fault): a
// span remembers the resident prefix it has written in address order
// (MSpan.touchedOff), so most stores reach the kernel model once per page.

import type { MHeap } from './mheap.ts';
import { type MSpan, mSpanDead, mSpanInUse, mSpanManual } from './mspan.ts';
import type { SysMemory } from './mem.ts';

/** Bytes per chunk of a chunked region (large spans, stack spans, globals). */
export const memChunkBytes = 1024;
const chunkShift = 10;

const two32 = 4294967296;

/** The word stored at byte off of a host view (two little-endian uint32 halves), as loadWord reads it. */
export function loadSlotWord(v: DataView, off: number): number {
  return v.getUint32(off + 4, true) * two32 + v.getUint32(off, true);
}

/**
 * The end of what is stored for the object at slot base b of in-use span s:
 * every word at or past it reads 0. A span of several slots keeps each
 * slot's stored prefix (SlotMem); a one-object span keeps 1 KiB chunks up
 * to the last one written (ChunkedMem) — the same split Memory.locate makes.
 */
export function storedEnd(s: MSpan, b: number): number {
  if (s.nelems > 1) {
    const m = s.mem as SlotMem | null;
    return b + (m === null ? 0 : m.stride);
  }
  const m = s.mem as ChunkedMem | null;
  return s.startAddr + (m === null ? 0 : m.chunks.length * memChunkBytes);
}

/** A sparse region of memory: 1 KiB chunks, allocated on first non-zero store. */
export class ChunkedMem {
  /** Chunk i covers [base + i·1024, base + (i+1)·1024); undefined = all zero. */
  chunks: (DataView | undefined)[] = [];

  /** The chunk holding offset off, creating it if asked. */
  chunk(off: number, create: boolean): DataView | undefined {
    const i = off >>> chunkShift;
    let c = this.chunks[i];
    if (c === undefined && create) {
      while (this.chunks.length < i) this.chunks.push(undefined);
      c = this.chunks[i] = new DataView(new ArrayBuffer(memChunkBytes));
    }
    return c;
  }

  /** Host bytes held. */
  hostBytes(): number {
    let n = 0;
    for (const c of this.chunks) if (c !== undefined) n += memChunkBytes;
    return n;
  }
}

/**
 * Contents of a small-object span: each slot's written prefix (`stride`
 * bytes, a multiple of 8), slot after slot.
 */
export class SlotMem {
  view: DataView;
  constructor(
    readonly nelems: number,
    public stride: number,
  ) {
    this.view = new DataView(new ArrayBuffer(nelems * stride));
  }

  /** Zeroes slot i's stored prefix (mallocgc reusing the slot). */
  clearSlot(i: number): void {
    new Uint8Array(this.view.buffer, i * this.stride, this.stride).fill(0);
  }

  /** Widens every slot's stored prefix to `stride` bytes, keeping what is stored. */
  grow(stride: number): void {
    const old = new Uint8Array(this.view.buffer);
    const neu = new Uint8Array(this.nelems * stride);
    const os = this.stride;
    for (let i = 0; i < this.nelems; i++) neu.set(old.subarray(i * os, i * os + os), i * stride);
    this.view = new DataView(neu.buffer);
    this.stride = stride;
  }
}

/** The contents of a process's memory. One per Runtime. */
export class Memory {
  /** The binary's writable data (.noptrdata, .data, .bss, .noptrbss), if set. */
  private globalsBase = 0;
  private globalsEnd = 0;
  readonly globals = new ChunkedMem();

  // Result of the last locate(): avoids allocating a Location per access.
  private view: DataView | undefined = undefined;
  private off = 0;
  /** The span of the last access: consecutive accesses mostly hit the same span. */
  private lastSpan: MSpan | null = null;

  constructor(
    private readonly heap: () => MHeap,
    private readonly sys: SysMemory,
  ) {}

  /**
   * The 4 KiB pages of the globals already written: private anonymous
   * pages from then on (a write to .data copies the file's page), which
   * the kernel never takes back from a process that does not unmap them,
   * so a later store there cannot fault and need not ask it (a loop storing
   * into a global sink asked it once per iteration). Indexed by page number
   * less the first page's.
   */
  private globalsWritten = new Uint8Array(0);
  private globalsFirstPage = 0;

  /** The writable data segment of the binary: [base, base + size). */
  setGlobals(base: number, size: number): void {
    this.globalsBase = base;
    this.globalsEnd = base + size;
    this.globalsFirstPage = Math.floor(base / 4096);
    this.globalsWritten = new Uint8Array(Math.ceil((base + size) / 4096) - this.globalsFirstPage);
  }

  isGlobal(a: number): boolean {
    return a >= this.globalsBase && a < this.globalsEnd;
  }

  /**
   * Finds the storage of the n bytes at a (n ≤ 8, not crossing a word
   * boundary unless 8-aligned): sets this.view/this.off. With create, makes
   * room (growing a slot's stride, adding a chunk); without, view is
   * undefined when nothing is stored there (the bytes are zero).
   */
  /**
   * The span holding a (any state but dead), or null. A span still in use
   * that covers a is a's span (spans never overlap), so the last one found
   * is checked first.
   */
  private spanFor(a: number): MSpan | null {
    const l = this.lastSpan;
    if (l !== null && l.state !== mSpanDead && a >= l.startAddr && a < l.startAddr + l.npages * 8192) return l;
    const s = this.heap().spanOf(a);
    if (s !== null && s.state !== mSpanDead) this.lastSpan = s;
    return s;
  }

  private locate(a: number, n: number, create: boolean): void {
    if (a >= this.globalsBase && a < this.globalsEnd) {
      const off = a - this.globalsBase;
      this.view = this.globals.chunk(off, create);
      this.off = off & (memChunkBytes - 1);
      return;
    }
    const s = this.spanFor(a);
    if (s !== null && a >= s.startAddr) {
      if (s.state === mSpanInUse && s.nelems > 1) {
        this.locateSlot(s, a, n, create);
        return;
      }
      if (s.state === mSpanInUse || s.state === mSpanManual) {
        if (s.mem === null && create) s.mem = new ChunkedMem();
        const off = a - s.startAddr;
        this.view = (s.mem as ChunkedMem | null)?.chunk(off, create);
        this.off = off & (memChunkBytes - 1);
        return;
      }
    }
    if (create) throw new Error(`gomem: store to 0x${a.toString(16)}, which is not heap, stack or global memory`);
    this.view = undefined;
  }

  private locateSlot(s: MSpan, a: number, n: number, create: boolean): void {
    const rel = a - s.startAddr;
    const i = s.divideByElemSize(rel);
    const o = rel - i * s.elemsize;
    let m = s.mem as SlotMem | null;
    if (m === null || o + n > m.stride) {
      if (!create) {
        this.view = undefined;
        return;
      }
      // Grow to the next multiple of 8 past the store, at least doubling, capped at the slot size.
      // A first store starts with 32 bytes a slot (a node's few pointer and scalar fields), then doubles.
      let stride = m === null ? 16 : m.stride;
      stride = Math.min(s.elemsize, Math.max(stride * 2, (o + n + 7) & ~7));
      if (m === null) m = s.mem = new SlotMem(s.nelems, stride);
      else m.grow(stride);
    }
    this.view = m.view;
    this.off = i * m.stride + o;
  }

  // ── loads (no residency change: see noteRead) ────────────────────────

  /** An unsigned 64-bit word (a pointer, a uintptr, a uint64) at an 8-aligned address. */
  loadWord(a: number): number {
    this.locate(a, 8, false);
    const v = this.view;
    if (v === undefined) return 0;
    return v.getUint32(this.off + 4, true) * two32 + v.getUint32(this.off, true);
  }

  /** A signed 64-bit integer (int, int64). */
  loadInt64(a: number): number {
    this.locate(a, 8, false);
    const v = this.view;
    if (v === undefined) return 0;
    return v.getInt32(this.off + 4, true) * two32 + v.getUint32(this.off, true);
  }

  /** An integer of 1, 2 or 4 bytes, signed or not. */
  loadInt(a: number, size: 1 | 2 | 4, signed: boolean): number {
    this.locate(a, size, false);
    const v = this.view;
    if (v === undefined) return 0;
    const o = this.off;
    if (size === 1) return signed ? v.getInt8(o) : v.getUint8(o);
    if (size === 2) return signed ? v.getInt16(o, true) : v.getUint16(o, true);
    return signed ? v.getInt32(o, true) : v.getUint32(o, true);
  }

  loadFloat64(a: number): number {
    this.locate(a, 8, false);
    return this.view === undefined ? 0 : this.view.getFloat64(this.off, true);
  }

  loadFloat32(a: number): number {
    this.locate(a, 4, false);
    return this.view === undefined ? 0 : this.view.getFloat32(this.off, true);
  }

  /** A 64-bit word exactly, as a BigInt (uint64/int64 beyond 2^53). */
  loadBig(a: number, signed: boolean): bigint {
    this.locate(a, 8, false);
    if (this.view === undefined) return 0n;
    return signed ? this.view.getBigInt64(this.off, true) : this.view.getBigUint64(this.off, true);
  }

  /** A word the binary's file already holds (initialised data): stored without a write fault. */
  initWord(a: number, x: number): void {
    this.locate(a, 8, x !== 0);
    const v = this.view;
    if (v === undefined) return;
    const hi = Math.floor(x / two32);
    v.setUint32(this.off, x - hi * two32, true);
    v.setUint32(this.off + 4, hi >>> 0, true);
  }

  // ── stores (the page becomes resident) ──────────────────────────────

  /** A 64-bit word: an address, a uintptr or an int64 (exact below 2^53 in magnitude). */
  storeWord(a: number, x: number): void {
    this.noteWrite(a, 8);
    this.initWord(a, x);
  }

  storeInt(a: number, size: 1 | 2 | 4, x: number): void {
    this.noteWrite(a, size);
    this.locate(a, size, x !== 0);
    const v = this.view;
    if (v === undefined) return;
    if (size === 1) v.setUint8(this.off, x & 0xff);
    else if (size === 2) v.setUint16(this.off, x & 0xffff, true);
    else v.setUint32(this.off, x >>> 0, true);
  }

  storeFloat64(a: number, x: number): void {
    this.noteWrite(a, 8);
    this.locate(a, 8, !Object.is(x, 0));
    this.view?.setFloat64(this.off, x, true);
  }

  storeFloat32(a: number, x: number): void {
    this.noteWrite(a, 4);
    this.locate(a, 4, !Object.is(x, 0));
    this.view?.setFloat32(this.off, x, true);
  }

  storeBig(a: number, x: bigint): void {
    this.noteWrite(a, 8);
    this.locate(a, 8, x !== 0n);
    this.view?.setBigUint64(this.off, BigInt.asUintN(64, x), true);
  }

  // ── bulk ─────────────────────────────────────────────────────────────

  /** Bytes [a, a+n) as stored (zeros where nothing is). */
  readBytes(a: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; ) {
      const step = this.run(a + i, n - i);
      this.locate(a + i, step, false);
      if (this.view !== undefined) out.set(new Uint8Array(this.view.buffer, this.view.byteOffset + this.off, step), i);
      i += step;
    }
    return out;
  }

  /** Writes bytes at a (makes the pages resident). */
  writeBytes(a: number, bytes: Uint8Array): void {
    this.noteWrite(a, bytes.length);
    for (let i = 0; i < bytes.length; ) {
      const step = this.run(a + i, bytes.length - i);
      const part = bytes.subarray(i, i + step);
      this.locate(a + i, step, part.some((b) => b !== 0));
      if (this.view !== undefined) new Uint8Array(this.view.buffer, this.view.byteOffset + this.off, step).set(part);
      i += step;
    }
  }

  /**
   * memmove(dst, src, n) of the stored contents; residency is the caller's
   * (bulk copies touch pages through the kernel model in one call).
   */
  move(dst: number, src: number, n: number): void {
    if (n <= 0 || dst === src) return;
    if (!this.anyStored(src, n)) {
      this.clear(dst, n);
      return;
    }
    const bytes = this.readBytes(src, n);
    for (let i = 0; i < n; ) {
      const step = this.run(dst + i, n - i);
      const part = bytes.subarray(i, i + step);
      this.locate(dst + i, step, part.some((b) => b !== 0));
      if (this.view !== undefined) new Uint8Array(this.view.buffer, this.view.byteOffset + this.off, step).set(part);
      i += step;
    }
  }

  /** Zeroes the stored contents of [a, a+n) (memclr); residency is the caller's. */
  clear(a: number, n: number): void {
    for (let i = 0; i < n; ) {
      const step = this.run(a + i, n - i);
      this.locate(a + i, step, false);
      if (this.view !== undefined) new Uint8Array(this.view.buffer, this.view.byteOffset + this.off, step).fill(0);
      i += step;
    }
  }

  /** Whether anything non-zero may be stored in [a, a+n). */
  anyStored(a: number, n: number): boolean {
    for (let i = 0; i < n; ) {
      const step = this.run(a + i, n - i);
      this.locate(a + i, step, false);
      if (this.view !== undefined) return true;
      i += step;
    }
    return false;
  }

  /**
   * How many bytes from a (at most n) share one storage unit: up to the end
   * of a's slot (small spans) or chunk.
   */
  private run(a: number, n: number): number {
    const s = a >= this.globalsBase && a < this.globalsEnd ? null : this.spanFor(a);
    let end: number;
    if (s !== null && s.state === mSpanInUse && s.nelems > 1 && a >= s.startAddr) {
      const rel = a - s.startAddr;
      const i = s.divideByElemSize(rel);
      const slotEnd = s.startAddr + (i + 1) * s.elemsize;
      // Within the stored prefix, runs stop at its end; past it, at the slot's end.
      const stored = s.mem === null ? 0 : (s.mem as SlotMem).stride;
      const o = rel - i * s.elemsize;
      end = o < stored ? slotEnd - s.elemsize + stored : slotEnd;
    } else {
      const base = s !== null && (s.state === mSpanInUse || s.state === mSpanManual) ? s.startAddr : this.globalsBase;
      end = base + (Math.floor((a - base) / memChunkBytes) + 1) * memChunkBytes;
    }
    return Math.max(1, Math.min(n, end - a));
  }

  // ── residency ────────────────────────────────────────────────────────

  /** Sees every noted load and store (the runtime's cache model prices them). */
  onTouch: ((a: number, n: number) => void) | null = null;

  /** Whether every page of the globals' [a, a+n) has been written (globalsWritten). */
  private globalsAllWritten(a: number, n: number): boolean {
    const w = this.globalsWritten;
    const last = Math.floor((a + n - 1) / 4096) - this.globalsFirstPage;
    for (let i = Math.floor(a / 4096) - this.globalsFirstPage; i <= last; i++) if (w[i] !== 1) return false;
    return true;
  }

  /** A store of n bytes at a: fault its pages in, once per page for address-ordered writes. */
  noteWrite(a: number, n: number): void {
    this.onTouch?.(a, n);
    if (a >= this.globalsBase && a + n <= this.globalsEnd) {
      if (this.globalsAllWritten(a, n)) return;
      this.sys.touch(a, n);
      this.globalsWritten.fill(1, Math.floor(a / 4096) - this.globalsFirstPage, Math.floor((a + n - 1) / 4096) - this.globalsFirstPage + 1);
      return;
    }
    const s = this.spanFor(a);
    if (s !== null && a >= s.startAddr && a + n - s.startAddr <= s.touchedOff) return;
    this.sys.touch(a, n);
    if (s !== null && a >= s.startAddr && a - s.startAddr <= s.touchedOff && a < s.startAddr + s.npages * 8192) {
      s.touchedOff = Math.min(Math.ceil((a + n - s.startAddr) / 4096) * 4096, s.npages * 8192);
    }
  }

  /** A load of n bytes at a: a read fault if the page was never touched (the zero page). */
  noteRead(a: number, n: number): void {
    this.onTouch?.(a, n);
    if (a >= this.globalsBase && a + n <= this.globalsEnd) {
      // A page only read may be the file's (clean, reclaimable): the kernel is asked each time.
      if (!this.globalsAllWritten(a, n)) this.sys.touchRead(a, n);
      return;
    }
    const s = this.spanFor(a);
    if (s !== null && a >= s.startAddr && a + n - s.startAddr <= s.touchedOff) return;
    this.sys.touchRead(a, n);
  }
}
