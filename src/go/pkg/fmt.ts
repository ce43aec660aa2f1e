// fmt and log: the text they print and the allocations printing makes
// (fmt_allocs.ts: boxing the arguments, reflection copies, the printer pool
// on first use and again after a GC clears sync.Pools).

import { mallocgc } from '../../runtime/malloc.ts';
import type { Alloc } from '../alloc.ts';
import { type FmtArg, fmtAllocs } from '../fmt_allocs.ts';
import { type Pool } from '../pool.ts';
import { scanType } from '../../runtime/rtypes.ts';
import type { GoProcess } from '../process.ts';
import { formatFloat } from '../strconv.ts';
import { T } from '../types.ts';
import { GoString, Ptr, Slice } from '../values.ts';

/** unsafe.Sizeof(fmt.pp{}) on amd64. */
const ppSize = 208;
const ppType = scanType('fmt.pp', ppSize);

/** Go's %v of a value as Println prints it. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : formatFloat(v);
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof GoString) return v.text;
  if (v instanceof Ptr) return `0x${v.addr.toString(16)}`;
  // Element values a program never stored read as zero.
  if (v instanceof Slice) return `[${Array.from({ length: v.len }, () => '0').join(' ')}]`;
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
    this.allocate(fmtAllocs(args.map(fmtArg)));
    this.printer();
    this.p.stdout(args.map(formatValue).join(' ') + '\n');
  }

  /** fmt.Printf with %v, %d, %s verbs. */
  Printf(format: string, ...args: unknown[]): void {
    this.allocate(fmtAllocs(args.map(fmtArg)));
    this.printer();
    this.p.stdout(sprintf(format, args));
  }

  /** fmt.Sprintf: also allocates the result string. */
  Sprintf(format: string, ...args: unknown[]): GoString {
    const text = sprintf(format, args);
    const n = Buffer.byteLength(text);
    this.allocate(fmtAllocs(args.map(fmtArg), { resultLen: n }));
    this.printer();
    return new GoString(text, 0, n);
  }
}

/** A small printf: %v %d %s %x %% (enough for the seed programs). */
export function sprintf(format: string, args: readonly unknown[]): string {
  let i = 0;
  return format.replace(/%([-+# 0]*\d*(?:\.\d+)?)([vdsxq%])/g, (_m, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    const v = args[i++];
    if (verb === 'x' && typeof v === 'number') return v.toString(16);
    if (verb === 'q') return JSON.stringify(formatValue(v));
    return formatValue(v);
  });
}

/** log: the standard logger, to stderr with Go's default date and time prefix (LstdFlags). */
export class Log {
  constructor(private readonly p: GoProcess) {}

  private prefix(): string {
    // The wall clock of the simulated machine: boot time + virtual time since the process started.
    const ms = this.p.machine.bootTime * 1000 + Math.floor(this.p.clock.now / 1e6);
    const d = new Date(ms);
    const two = (n: number): string => String(n).padStart(2, '0');
    return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} `;
  }

  Println(...args: unknown[]): void {
    this.p.stderr(this.prefix() + args.map(formatValue).join(' ') + '\n');
  }

  Printf(format: string, ...args: unknown[]): void {
    const s = sprintf(format, args);
    this.p.stderr(this.prefix() + (s.endsWith('\n') ? s : s + '\n'));
  }

  /** log.Fatal: prints, then os.Exit(1). */
  Fatal(...args: unknown[]): never {
    this.Println(...args);
    return this.p.go.os.Exit(1);
  }
}

