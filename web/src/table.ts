// A columnar table of a step function of time: row k holds the values from
// record rec[k] (at time t[k]) until the next row. Typed arrays, grown by
// doubling, because a long trace has a million rows and a JS object per row
// would cost more than the page's whole budget.

export class Table {
  n = 0;
  t: Float64Array;
  rec: Int32Array;
  readonly cols: Float64Array[];

  constructor(readonly names: readonly string[], cap = 1024) {
    this.t = new Float64Array(cap);
    this.rec = new Int32Array(cap);
    this.cols = names.map(() => new Float64Array(cap));
  }

  col(name: string): Float64Array {
    const i = this.names.indexOf(name);
    if (i < 0) throw new Error(`no column ${name}`);
    return this.cols[i]!;
  }

  /** Appends a row unless it repeats the last one (a record that changed nothing plotted). */
  push(t: number, rec: number, values: readonly number[]): void {
    if (this.n > 0) {
      let same = true;
      for (let c = 0; c < values.length; c++) if (!Object.is(this.cols[c]![this.n - 1], values[c])) same = false;
      if (same) return;
    }
    if (this.n === this.t.length) this.grow();
    this.t[this.n] = t;
    this.rec[this.n] = rec;
    for (let c = 0; c < values.length; c++) this.cols[c]![this.n] = values[c]!;
    this.n++;
  }

  private grow(): void {
    const cap = this.t.length * 2;
    const g = <T extends Float64Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.t = g(this.t);
    this.rec = g(this.rec);
    for (let c = 0; c < this.cols.length; c++) this.cols[c] = g(this.cols[c]!);
  }

  /** The row in effect once record i has been applied (-1 before the first row). */
  rowAtRecord(i: number): number {
    return upperBound(this.rec, this.n, i) - 1;
  }

  /** The row in effect at time t (after every record at or before t). */
  rowAtTime(t: number): number {
    return upperBound(this.t, this.n, t) - 1;
  }
}

/** The first index in a[0..n) whose value is greater than v (a sorted ascending). */
export function upperBound(a: ArrayLike<number>, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
