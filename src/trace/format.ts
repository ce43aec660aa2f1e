// The gomem trace format, version 1 (docs/trace-format.md): the record
// kinds, the enumerations they carry as small integers, and the byte-level
// encoding (LEB128 varints, zigzag for signed values). The writer and the
// reader share this file, so the two cannot drift apart.

import type { GCDoneEvent } from '../runtime/traceevent.ts';

export const traceMagic = 'gomem-trace\n';
export const traceVersion = 1;

/** Record kinds: the first byte of every record. */
export const R = {
  header: 1,
  string: 2,
  mm: 3,
  syscall: 4,
  gcStart: 5,
  gcPhase: 6,
  gcMark: 7,
  gcDone: 8,
  spanAlloc: 9,
  spanFree: 10,
  scavenge: 11,
  allocs: 12,
  checkpoint: 13,
  snapshot: 14,
  output: 15,
  exit: 16,
  heapGrow: 17,
  gcLimiter: 18,
} as const;

/** A gcDone record's fields after its time, in order (traceevent.ts GCDoneEvent). */
export const gcDoneFields = ['cycle', 'heap0', 'heap1', 'heap2', 'goal', 'nextGoal', 'nextTrigger', 'pauseNs', 'heapScan', 'stackScan', 'globalsScan', 'cpuAssist', 'cpuDedicated', 'cpuFractional', 'cpuIdle', 'cpuPause'] as const satisfies readonly (keyof GCDoneEvent)[];

// Enumerations, by position: a record stores the index.
export const gcStartKinds = ['heap', 'time', 'cycle'] as const;
export const gcPhases = ['sweepterm', 'mark', 'marktermination', 'sweep', 'sweepdone'] as const;
export const markWorkers = ['dedicated', 'fractional', 'idle', 'assist', 'stw'] as const;
export const spanUses = ['heap', 'stack', 'bits', 'workbuf'] as const;
export const scavengeWhos = ['background', 'alloc', 'free-os-memory'] as const;
export const outputStreams = ['stdout', 'stderr'] as const;
/** Page states in a snapshot's page runs: the kernel's PTE states (kernel/pagetable.ts), +8 inside a huge PMD. */
export const pageStates = ['none', 'zero', 'anon', 'lazyfree', 'file', 'file-dirty', 'pfn'] as const;
export const hugeFlag = 8;

/** The Go runtime's page (span bases and sizes are in these). */
export const runtimePageSize = 8192;
/** The kernel's page (RSS, VSZ and page runs are in these). */
export const osPageSize = 4096;

const utf8e = new TextEncoder();
const utf8d = new TextDecoder();

/** An append-only byte buffer with the format's primitive encodings. */
export class ByteWriter {
  private buf = new Uint8Array(1 << 16);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }

  /** An unsigned integer up to 2^53, 7 bits per byte, low first (LEB128). */
  u(n: number): void {
    if (!(n >= 0) || !Number.isSafeInteger(n)) throw new Error(`trace: ${n} is not a non-negative safe integer`);
    this.room(8);
    while (n >= 0x80) {
      this.buf[this.len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.len++] = n;
  }

  /** A signed integer from −2^52 to 2^52−1, zigzagged so that small magnitudes stay small (the result stays below 2^53). */
  s(n: number): void {
    this.u(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  bytes(b: Uint8Array): void {
    this.u(b.length);
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  text(s: string): void {
    this.bytes(utf8e.encode(s));
  }

  /** The bytes written so far, and an empty buffer for what follows. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    return out;
  }
}

/** Reads what ByteWriter wrote. */
export class ByteReader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  get length(): number {
    return this.buf.length;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new TraceFormatError('record cut short');
    return this.buf[this.pos++]!;
  }

  u(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new TraceFormatError('varint too long');
    }
  }

  /** Steps over n varints without decoding them. */
  skip(n: number): void {
    const buf = this.buf;
    let pos = this.pos;
    for (; n > 0; n--) {
      while (pos < buf.length && buf[pos]! >= 0x80) pos++;
      pos++;
    }
    if (pos > buf.length) throw new TraceFormatError('record cut short');
    this.pos = pos;
  }

  /** A reader of the same bytes from `pos`. */
  at(pos: number): ByteReader {
    const r = new ByteReader(this.buf);
    r.pos = pos;
    return r;
  }

  s(): number {
    const z = this.u();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  bytes(): Uint8Array {
    const n = this.u();
    if (this.pos + n > this.buf.length) throw new TraceFormatError('record cut short');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  text(): string {
    return utf8d.decode(this.bytes());
  }
}

export class TraceFormatError extends Error {}
