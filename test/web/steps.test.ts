// The charts' step-line builder (web/src/steps.ts) without a browser: the
// segments it gives a canvas path for a step series, on a stand-in uPlot
// (its data, scales and plot box) and a Path2D that records its calls. A
// run at one height is one segment, a null ends the line at its time and
// the next value starts it again, undefined is passed over, the fill closes
// each piece down to 0; and a decimated column's four points draw its
// extremes.

import type uPlot from 'uplot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { steps } from '../../web/src/steps.ts';

class RecordingPath {
  ops: string[] = [];
  moveTo(x: number, y: number): void {
    this.ops.push(`M${x},${y}`);
  }
  lineTo(x: number, y: number): void {
    this.ops.push(`L${x},${y}`);
  }
  closePath(): void {
    this.ops.push('Z');
  }
}

/** A uPlot as the builder reads it: x from 0 to 7 over 700 canvas pixels, y from 0 to 10 over 100, bottom up. */
function plot(xs: number[], ys: (number | null | undefined)[]): uPlot {
  return {
    data: [xs, ys],
    series: [{}, { scale: 'bytes' }],
    scales: { x: { min: 0, max: 7 }, bytes: { min: 0, max: 10 } },
    bbox: { left: 0, top: 0, width: 700, height: 100 },
  } as unknown as uPlot;
}

function ops(p: unknown): string {
  return (p as RecordingPath).ops.join(' ');
}

describe('steps: a step line from only the segments that show something', () => {
  const g = globalThis as unknown as { Path2D?: unknown };
  const had = g.Path2D;
  beforeAll(() => {
    g.Path2D = RecordingPath;
  });
  afterAll(() => {
    g.Path2D = had;
  });

  const xs = [0, 1, 2, 3, 4, 5, 6, 7];

  it('a run at one height is one segment; a null ends the line at its time; undefined is passed over', () => {
    const p = steps()(plot(xs, [5, 5, 5, 7, 7, null, 3, 3]), 1, 0, 7)!;
    expect(ops(p.stroke)).toBe('M0,50 L300,50 L300,30 L500,30 M600,70 L700,70');
    expect(p.fill).toBeNull();
    // A time only another series has (uPlot.join's undefined) changes nothing.
    expect(ops(steps()(plot(xs, [5, undefined, 5, 7, undefined, null, 3, 3]), 1, 0, 7)!.stroke)).toBe('M0,50 L300,50 L300,30 L500,30 M600,70 L700,70');
  });

  it('with fill, each piece of the line is closed down to 0', () => {
    const p = steps({ fill: true })(plot(xs, [5, 5, 5, 7, 7, null, 3, 3]), 1, 0, 7)!;
    expect(ops(p.fill)).toBe('M0,100 L0,50 L300,50 L300,30 L500,30 L500,100 L0,100 Z M600,100 L600,70 L700,70 L700,100 L600,100 Z');
  });

  it('a decimated column (first, low, high, last at its first and last times) draws its low and high', () => {
    // Columns of 100 px: 2 then 8 rows in the one at x 1–2 (first 4, low 1, high 9, last 6), then flat.
    const p = steps()(plot([0, 1, 1, 1.5, 1.5, 3, 7], [4, 4, 1, 9, 6, 6, 6]), 1, 0, 6)!;
    expect(ops(p.stroke)).toBe('M0,60 L100,60 L100,90 L150,90 L150,10 L150,40 L700,40');
  });

  it('pixel positions are whole pixels, and a change within the pen’s pixel moves only up or down', () => {
    const p = steps()(plot([0, 0.001, 0.002, 2], [5, 5.04, 6, 6]), 1, 0, 3)!;
    // 5.04 is 49.6 px from the top, pixel 50: the pen's; 6 (pixel 40) comes at x 0.2 px, pixel 0: straight up.
    expect(ops(p.stroke)).toBe('M0,50 L0,40 L200,40');
  });
});
