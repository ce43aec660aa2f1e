// Fits a step series into the pixel budget: per pixel column, the first,
// lowest, highest and last value, so a spike one record wide still shows
// and a trace of a million rows draws as a few thousand points.

import { type Table, upperBound } from './table.ts';

export type Series = (number | null)[];

/** Below this many rows per pixel column the rows are drawn as they are. */
const rawPerColumn = 4;

/**
 * The rows of table within [x0, x1] (plus the row in effect at x0 and the
 * first after x1, so lines reach both edges), columns cols scaled by scale,
 * reduced to at most 4 points per pixel column when there are more.
 */
export function decimate(table: Table, cols: readonly number[], scale: readonly number[], x0: number, x1: number, width: number): [number[], ...Series[]] {
  const lo = Math.max(0, upperBound(table.t, table.n, x0) - 1);
  const hi = Math.min(table.n, upperBound(table.t, table.n, x1) + 1);
  const xs: number[] = [];
  const ys: Series[] = cols.map(() => []);
  const v = (c: number, row: number): number | null => {
    const x = table.cols[cols[c]!]![row]!;
    return Number.isNaN(x) ? null : x * scale[c]!;
  };
  const columns = Math.max(1, Math.floor(width));
  if (hi - lo <= rawPerColumn * columns) {
    for (let row = lo; row < hi; row++) {
      xs.push(table.t[row]!);
      for (let c = 0; c < cols.length; c++) ys[c]!.push(v(c, row));
    }
    return [xs, ...ys];
  }
  const bw = (x1 - x0) / columns;
  let row = lo;
  while (row < hi) {
    const bucket = Math.floor((table.t[row]! - x0) / bw);
    let end = row + 1;
    while (end < hi && Math.floor((table.t[end]! - x0) / bw) === bucket) end++;
    const tFirst = table.t[row]!;
    const tLast = table.t[end - 1]!;
    if (end - row <= rawPerColumn) {
      for (let r = row; r < end; r++) {
        xs.push(table.t[r]!);
        for (let c = 0; c < cols.length; c++) ys[c]!.push(v(c, r));
      }
    } else {
      xs.push(tFirst, tFirst, tLast, tLast);
      for (let c = 0; c < cols.length; c++) {
        let min = Infinity;
        let max = -Infinity;
        const col = table.cols[cols[c]!]!;
        for (let r = row; r < end; r++) {
          const x = col[r]!;
          if (x < min) min = x;
          if (x > max) max = x;
        }
        const k = scale[c]!;
        const nn = (x: number): number | null => (Number.isFinite(x) ? x * k : null);
        ys[c]!.push(v(c, row), nn(min), nn(max), v(c, end - 1));
      }
    }
    row = end;
  }
  return [xs, ...ys];
}

/**
 * Events (page faults, scavenger releases) summed per pixel column of
 * [x0, x1]: x is each column's start, y its sum.
 */
export function perColumn(times: Float64Array, amounts: Float64Array, x0: number, x1: number, width: number): [number[], number[]] {
  const columns = Math.max(1, Math.floor(width));
  const bw = (x1 - x0) / columns;
  const sums = new Float64Array(columns);
  for (let i = upperBound(times, times.length, x0 - 1e-9); i < times.length && times[i]! <= x1; i++) {
    sums[Math.min(columns - 1, Math.floor((times[i]! - x0) / bw))]! += amounts[i]!;
  }
  const xs: number[] = [];
  for (let k = 0; k < columns; k++) xs.push(x0 + k * bw);
  return [xs, Array.from(sums)];
}
