// fmt and log: the text they print and the allocations printing makes
// (fmt_allocs.ts: boxing the arguments, reflection copies, the printer pool
// on first use and again after a GC clears sync.Pools).

import { mallocgc } from '../../runtime/malloc.ts';
import { writePointer } from '../../runtime/mbarrier.ts';
import { growsliceCap } from '../../runtime/slice.ts';
import { loadLocal } from './time_zone.ts';
import type { Alloc } from '../alloc.ts';
import { type FmtArg, fmtAllocs } from '../fmt_allocs.ts';
import { type Pool } from '../pool.ts';
import { scanType } from '../../runtime/rtypes.ts';
import type { GoProcess } from '../process.ts';
import { loadValue } from '../memops.ts';
import { formatFloat } from '../strconv.ts';
import { T } from '../types.ts';
import { GoString, Ptr, Slice } from '../values.ts';

/** unsafe.Sizeof(fmt.pp{}) on amd64. */
const ppSize = 208;
const ppType = scanType('fmt.pp', ppSize);

/**
 * Go's %v of a value as Println prints it. A slice's elements are read from
 * the simulated memory of `p` (without it, as zeros: what a program that
 * never stored them would see).
 */
export function formatValue(v: unknown, p?: GoProcess): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatFloat(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof GoString) return v.text;
  if (v instanceof Ptr) return `0x${v.addr.toString(16)}`;
  if (v instanceof Slice) {
    const es: string[] = [];
    for (let i = 0; i < v.len; i++) es.push(p === undefined ? '0' : formatValue(loadValue(p, v.addr(i), v.elem), p));
    return `[${es.join(' ')}]`;
  }
  return String(v);
}

/** The FmtArg of a JS value passed to a print function. */
export function fmtArg(v: unknown): FmtArg {
  if (typeof v === 'string') return { type: T.string, constant: true };
  if (typeof v === 'number') return Number.isInteger(v) ? { type: T.int, value: v } : { type: T.float64, value: v };
  if (typeof v === 'boolean') return { type: T.bool, constant: true };
  if (v instanceof GoString) return { type: T.string, value: v.len === 0 ? '' : v.text };
  if (v instanceof Slice) return { type: v.type, len: v.len };
  if (v instanceof Ptr) return { type: v.type };
  return { type: T.int, value: 0 };
}

export class Fmt {
  /** fmt's printer cache: `var ppFree = sync.Pool{New: func() any { return new(pp) }}`. */
  private ppFree: Pool | null = null;

  constructor(private readonly p: GoProcess) {}

  private allocate(allocs: readonly Alloc[]): void {
    for (const a of allocs) mallocgc(this.p.rt, a.size, a.noscan ? null : a.type, true);
  }

  /**
   * newPrinter / p.free: a pp from ppFree (new(pp) when the pool is empty),
   * its buffer grown to hold the output (the first time), then back into the pool.
   */
  private printer(): void {
    const rt = this.p.rt;
    this.ppFree ??= this.p.go.pools.pool('fmt.ppFree');
    let pp = this.ppFree.Get();
    if (pp === 0) pp = mallocgc(rt, ppSize, ppType, true);
    // p.buf: a []byte grown by the first write (8 bytes for a short line), kept for reuse.
    if (rt.mem.loadWord(pp) === 0) rt.mem.storeWord(pp, mallocgc(rt, 8, null, false));
    this.ppFree.Put(pp);
  }

  /** fmt.Println(a...): operands separated by spaces, a newline. */
  Println(...args: unknown[]): void {
    this.appendArgs(args);
    this.p.stdout(args.map((a) => formatValue(a, this.p)).join(' ') + '\n');
  }

  /**
   * What printing its operands costs fmt (Print*, and log through
   * Appendln/Appendf): the operands boxed at the call site, and a printer
   * from the pool.
   */
  appendArgs(args: readonly unknown[]): void {
    this.allocate(fmtAllocs(args.map(fmtArg)));
    this.printer();
  }

  /** fmt.Printf with %v, %d, %s verbs. */
  Printf(format: string, ...args: unknown[]): void {
    this.appendArgs(args);
    this.p.stdout(sprintf(format, args, this.p));
  }

  /**
   * fmt.Sprintf: the operands boxed, a printer, then string(p.buf): the
   * result's bytes on the heap (none for "", a one-byte string is static),
   * so that a program can store the string and read it back.
   */
  Sprintf(format: string, ...args: unknown[]): GoString {
    const text = sprintf(format, args, this.p);
    const bytes = new TextEncoder().encode(text);
    this.allocate(fmtAllocs(args.map(fmtArg)));
    this.printer();
    if (bytes.length === 0) return this.p.emptyString;
    if (bytes.length === 1) return new GoString(text, this.p.staticuint64(bytes[0]!), 1);
    const ptr = mallocgc(this.p.rt, bytes.length, null, false);
    this.p.rt.mem.writeBytes(ptr, bytes);
    return new GoString(text, ptr, bytes.length);
  }
}

/** The lengths of formatHeader's appends for LstdFlags: date, then time, each field and separator in turn. */
const headerPieces = [4, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1];

/** []byte's header, the object new([]byte) makes (log's bufferPool.New). */
const byteSliceType = T.slice(T.byte);

/** Go's %q of a string: strconv.Quote (printable ASCII as is, escapes as JSON writes them for the rest). */
function quote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A small printf: %v %d %s %q %x, %f with a precision, a width, and %%
 * (the verbs the seed programs and the reality cases use). `p` as for formatValue.
 */
export function sprintf(format: string, args: readonly unknown[], p?: GoProcess): string {
  let i = 0;
  return format.replace(/%([-+# 0]*)(\d*)(?:\.(\d+))?([vdsxqf%])/g, (_m, _flags: string, width: string, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const v = args[i++];
    let out: string;
    switch (verb) {
      case 'q':
        out = quote(formatValue(v, p));
        break;
      case 'x':
        out = typeof v === 'number' || typeof v === 'bigint' ? v.toString(16) : [...new TextEncoder().encode(formatValue(v, p))].map((b) => b.toString(16).padStart(2, '0')).join('');
        break;
      case 'f':
        out = Number(v).toFixed(prec === undefined ? 6 : Number(prec));
        break;
      default:
        out = formatValue(v, p);
    }
    return width !== '' && out.length < Number(width) ? out.padStart(Number(width)) : out;
  });
}

/**
 * log: the standard logger, to stderr with Go's default date and time
 * prefix (LstdFlags). Each line is assembled as log.(*Logger).output does:
 * a *[]byte from log's bufferPool (new([]byte) when it is empty), the header
 * appended to it piece by piece (formatHeader's itoa and append calls, so
 * the buffer grows 8 → 16 → 32 bytes the first time), then fmt.Appendln's
 * text; the buffer goes back to the pool. The header's first t.Date() loads
 * the Local time zone (loadLocal).
 */
export class Log {
  private bufferPool: Pool | null = null;
  private localLoaded = false;

  constructor(private readonly p: GoProcess) {}

  private prefix(): string {
    // The wall clock of the simulated machine: boot time + virtual time since the process started.
    const ms = this.p.machine.bootTime * 1000 + Math.floor(this.p.clock.now / 1e6);
    const d = new Date(ms);
    const two = (n: number): string => String(n).padStart(2, '0');
    return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} `;
  }

  Println(...args: unknown[]): void {
    this.output(args, args.map((a) => formatValue(a, this.p)).join(' ') + '\n');
  }

  Printf(format: string, ...args: unknown[]): void {
    const s = sprintf(format, args, this.p);
    this.output(args, s.endsWith('\n') ? s : s + '\n');
  }

  /** log.(*Logger).output: getBuffer, formatHeader, fmt's text, putBuffer, one write. */
  private output(args: readonly unknown[], text: string): void {
    const rt = this.p.rt;
    const mem = rt.mem;
    this.bufferPool ??= this.p.go.pools.pool('log.bufferPool');
    let bp = this.bufferPool.Get();
    if (bp === 0) bp = mallocgc(rt, byteSliceType.size, byteSliceType, true);
    if (!this.localLoaded) {
      this.localLoaded = true;
      loadLocal(this.p);
    }
    let arr = mem.loadWord(bp);
    let cap = mem.loadWord(bp + 16);
    let len = 0;
    const append = (n: number): void => {
      if (len + n > cap) {
        const g = growsliceCap(cap, len + n, T.byte);
        const a = mallocgc(rt, g.memBytes, T.byte, false);
        if (len > 0) mem.move(a, arr, len);
        arr = a;
        cap = g.newcap;
      }
      len += n;
    };
    // "2009/01/23 01:23:23 ": itoa(year, 4) '/' itoa(month, 2) '/' itoa(day, 2) ' ' itoa(hour, 2) ':' …
    for (const n of headerPieces) append(n);
    this.p.go.fmt.appendArgs(args);
    append(Buffer.byteLength(text));
    writePointer(rt, bp, arr);
    mem.storeWord(bp + 8, len);
    mem.storeWord(bp + 16, cap);
    // putBuffer: a buffer grown past 64 KiB is dropped; the *[]byte goes back either way.
    if (cap > 64 << 10) {
      writePointer(rt, bp, 0);
      mem.storeWord(bp + 16, 0);
    }
    mem.storeWord(bp + 8, 0);
    this.bufferPool.Put(bp);
    this.p.stderr(this.prefix() + text);
  }

  /** log.Fatal: prints, then os.Exit(1). */
  Fatal(...args: unknown[]): never {
    this.Println(...args);
    return this.p.go.os.Exit(1);
  }
}

