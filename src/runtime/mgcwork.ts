// The collector's grey objects (mgcwork.go): the queue of objects marked but
// not yet scanned, and the memory Go keeps them in.
//
// Go holds grey pointers in 2048-byte workbufs (a 24-byte header and 253
// pointers), two cached per P and the rest on global full/empty lists; new
// workbufs come 16 at a time from 32 KiB manual spans (spanAllocWorkBuf,
// counted in GCSys), which stay until the cycle ends and the background
// sweeper frees them (prepareFreeWorkbufs, freeSomeWbufs).
//
// gomem keeps one queue of addresses in a typed array (the order objects
// are scanned in is a depth-first walk, as each P's LIFO gcWork gives) and
// counts the workbufs that queue needs: enough spans for the deepest queue
// of the cycle plus two buffers per P that took part, allocated as the
// queue grows and freed after the cycle, so GCSys and RSS move as Go's do.

import { mSpanManual, type MSpan, spanAllocWorkBuf } from './mspan.ts';
import type { Runtime } from './runtime.ts';
import { pageSize } from './sizeclasses_const.ts';

/** _WorkbufSize: bytes per workbuf. */
export const workbufSize = 2048;
/** Pointers per workbuf: (2048 − 24-byte header) / 8. */
export const workbufPointers = 253;
/** workbufAlloc: bytes of workbuf span taken at a time (16 workbufs). */
export const workbufAlloc = 32 << 10;

export class GCWork {
  private q = new Float64Array(4096);
  /** Grey objects queued. */
  n = 0;
  /** Bytes of heap marked this cycle (work.bytesMarked): noscan objects when greyed, scan objects when scanned, new objects when allocated black. */
  bytesMarked = 0;

  /** The spans workbufs came from this cycle, and how many workbufs they hold and how many were ever used. */
  private readonly spans: MSpan[] = [];
  private capacity = 0;
  private used = 0;
  /** The deepest queue this cycle, in workbufs; the Ps whose gcWork took part. */
  private queueBufs = 0;
  private joined = 0;
  /** Spans of past cycles waiting for the background sweeper to free them. */
  private readonly toFree: MSpan[] = [];

  constructor(private readonly rt: Runtime) {}

  push(obj: number): void {
    if (this.n === this.q.length) {
      const q = new Float64Array(this.q.length * 2);
      q.set(this.q);
      this.q = q;
    }
    this.q[this.n++] = obj;
    // One more full workbuf every 253 queued pointers.
    if (this.n > this.queueBufs * workbufPointers) {
      this.queueBufs++;
      this.needWorkbufs(this.queueBufs + 2 * this.joined);
    }
  }

  pop(): number {
    return this.n === 0 ? 0 : this.q[--this.n]!;
  }

  empty(): boolean {
    return this.n === 0;
  }

  /** A P's gcWork takes its two workbufs (getempty) when it first does mark work in the cycle. */
  joinP(): void {
    this.joined++;
    this.needWorkbufs(this.queueBufs + 2 * this.joined);
  }

  /** getempty: make `count` workbufs exist and be written, allocating 32 KiB spans as Go does. */
  private needWorkbufs(count: number): void {
    const rt = this.rt;
    while (this.capacity < count) {
      const s = rt.mheap.allocManual(workbufAlloc / pageSize, spanAllocWorkBuf);
      if (s === null) rt.throwOutOfMemory();
      this.spans.push(s!);
      this.capacity += workbufAlloc / workbufSize;
    }
    while (this.used < count) {
      // The workbuf's header and first pointers are written as it is taken.
      const s = this.spans[Math.floor(this.used / (workbufAlloc / workbufSize))]!;
      rt.sys.touch(s.startAddr + (this.used % (workbufAlloc / workbufSize)) * workbufSize, workbufSize);
      this.used++;
    }
  }

  /** The workbuf spans held now, in use or waiting to be freed (gomem explain). */
  workbufSpans(): readonly MSpan[] {
    return [...this.spans, ...this.toFree];
  }

  /** gcResetMarkState's part: a new cycle's counters. */
  reset(): void {
    this.n = 0;
    this.bytesMarked = 0;
  }

  /** prepareFreeWorkbufs (after mark termination): the cycle's workbuf spans go on the free list. */
  prepareFree(): void {
    this.toFree.push(...this.spans.splice(0));
    this.capacity = 0;
    this.used = 0;
    this.queueBufs = 0;
    this.joined = 0;
  }

  /** freeSomeWbufs: the background sweeper returns up to 64 workbuf spans to the heap; true if more remain. */
  freeSome(): boolean {
    const rt = this.rt;
    for (let i = 0; i < 64 && this.toFree.length > 0; i++) {
      const s = this.toFree.pop()!;
      if (s.state !== mSpanManual) throw new Error('workbuf span not manual');
      rt.mheap.freeManual(s, spanAllocWorkBuf);
    }
    return this.toFree.length > 0;
  }
}
