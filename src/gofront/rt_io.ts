// fmt.Fprintf / Fprintln to os.Stdout and os.Stderr, and runtime/metrics'
// Read, for compiled code. The printer's costs and text are fmt's own
// (go/pkg/fmt.ts: the operands boxed, a pp from its pool; sprintf and
// formatValue).

import type { Go } from '../go/api.ts';
import { formatValue, sprintf } from '../go/pkg/fmt.ts';
import { T } from '../go/types.ts';
import { GoString, Ptr, type Slice } from '../go/values.ts';
import { allDesc } from '../runtime/metrics_desc.ts';

const osFilePtr = T.pointer(T.named(T.struct([['file', T.pointer(T.uintptr)]]), 'os.File'));

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
    return this.write(f, sprintf(format, args, this.go.p));
  }

  fprintln(f: Ptr | null, args: unknown[]): [number, null] {
    this.go.fmt.appendArgs(args);
    return this.write(f, `${args.map((a) => formatValue(a, this.go.p)).join(' ')}\n`);
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
