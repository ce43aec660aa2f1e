// fmt.Fprintf / Fprintln to os.Stdout and os.Stderr, and runtime/metrics'
// Read, for compiled code. The printer's costs are fmt's own (go/pkg/fmt.ts:
// the operands boxed, a pp from its pool); the text is formatted here, with
// the verbs the reality programs use (%d %s %v %q %x %f with a precision).

import type { Go } from '../go/api.ts';
import type { GoProcess } from '../go/process.ts';
import { formatValue } from '../go/pkg/fmt.ts';
import { T } from '../go/types.ts';
import { GoString, Ptr, type Slice } from '../go/values.ts';
import { formatFloat } from '../go/strconv.ts';
import { allDesc } from '../runtime/metrics_desc.ts';

const osFilePtr = T.pointer(T.named(T.struct([['file', T.pointer(T.uintptr)]]), 'os.File'));

/** Go's %q of a string: strconv.Quote (printable ASCII as is, escapes as JSON writes them for the rest). */
function quote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function text(v: unknown, p?: GoProcess): string {
  return v instanceof GoString ? v.text : formatValue(v, p);
}

/** Printf's formatting of its operands. */
export function goSprintf(format: string, args: readonly unknown[], p?: GoProcess): string {
  let i = 0;
  return format.replace(/%([-+# 0]*)(\d*)(?:\.(\d+))?([vdsxqf%])/g, (_m, _flags: string, width: string, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    const v = args[i++];
    let out: string;
    switch (verb) {
      case 'q':
        out = quote(text(v, p));
        break;
      case 'x':
        out = typeof v === 'number' || typeof v === 'bigint' ? v.toString(16) : [...new TextEncoder().encode(text(v, p))].map((b) => b.toString(16).padStart(2, '0')).join('');
        break;
      case 'f':
        out = Number(v).toFixed(prec === undefined ? 6 : Number(prec));
        break;
      default:
        out = typeof v === 'number' && !Number.isInteger(v) ? formatFloat(v) : text(v, p);
    }
    return width !== '' && out.length < Number(width) ? out.padStart(Number(width)) : out;
  });
}

export class IoRt {
  constructor(private readonly go: Go) {}

  /** os.Stdout (1), os.Stderr (2): a *os.File standing for the file descriptor (not a heap object). */
  stdFile(fd: number): Ptr {
    return new Ptr(osFilePtr, fd);
  }

  private write(f: Ptr | null, s: string): [number, null] {
    if (f === null) throw new Error('gomem: Fprintf to a nil *os.File');
    if (f.addr === 2) this.go.p.stderr(s);
    else if (f.addr === 1) this.go.p.stdout(s);
    else throw new Error('gomem: fmt.Fprint* to a file other than os.Stdout and os.Stderr is not modelled');
    return [new TextEncoder().encode(s).length, null];
  }

  fprintf(f: Ptr | null, format: string, args: unknown[]): [number, null] {
    this.go.fmt.appendArgs(args);
    return this.write(f, goSprintf(format, args, this.go.p));
  }

  fprintln(f: Ptr | null, args: unknown[]): [number, null] {
    this.go.fmt.appendArgs(args);
    return this.write(f, `${args.map((a) => text(a, this.go.p)).join(' ')}\n`);
  }

  /** metrics.Read(s): each sample's Value set from the runtime's metrics (KindBad for an unknown name). */
  metricsRead(s: Slice | null): void {
    if (s === null) return;
    const names: string[] = [];
    for (let i = 0; i < s.len; i++) names.push(((this.go.get(s, i) as { Name: GoString }).Name).text);
    const got = this.go.metrics.Read(names);
    for (let i = 0; i < s.len; i++) {
      const sample = this.go.get(s, i) as { Name: GoString; Value: unknown };
      const v = got.get(names[i]!);
      const d = allDesc.find((x) => x.Name === names[i]);
      let value: { kind: number; scalar: number | bigint; pointer: null };
      if (v === null || v === undefined || d === undefined || (typeof v !== 'number' && typeof v !== 'bigint')) value = { kind: 0, scalar: 0, pointer: null };
      else if (d.Kind === 2) value = { kind: 2, scalar: floatBits(Number(v)), pointer: null };
      // A uint64 the model keeps as a JS number is exact below 2^53; beyond, it is math.MaxInt64 (no memory limit).
      else value = { kind: 1, scalar: typeof v === 'number' && v >= 2 ** 63 - 1024 ? 2n ** 63n - 1n : v, pointer: null };
      this.go.set(s, i, { ...sample, Value: value });
    }
  }

  metricUint64(v: { kind: number; scalar: number | bigint }): number | bigint {
    if (v.kind !== 1) throw new Error('panic: called Uint64 on non-uint64 metric value');
    // Memory hands a uint64 back as a JS number: math.MaxInt64 (no memory limit) made exact again.
    return typeof v.scalar === 'number' && v.scalar >= 2 ** 63 - 1024 ? 2n ** 63n - 1n : v.scalar;
  }

  metricFloat64(v: { kind: number; scalar: number | bigint }): number {
    if (v.kind !== 2) throw new Error('panic: called Float64 on non-float64 metric value');
    const dv = new DataView(new ArrayBuffer(8));
    dv.setBigUint64(0, BigInt(v.scalar));
    return dv.getFloat64(0);
  }
}

/** math.Float64bits. */
function floatBits(f: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, f);
  return dv.getBigUint64(0);
}
