// A step line (each value holds until the next point, as uPlot's
// paths.stepped with align 1 draws it) built from only the segments that
// show something. Pixel positions are whole device pixels, as uPlot rounds
// them; a run of points at one height is one horizontal segment, and a
// point that moves neither the pen's height nor past its pixel adds
// nothing. A decimated series is four points per pixel column (first, low,
// high, last: decimate.ts), mostly at the height of the one before: uPlot's
// stepped builder made two segments of each (and a dashed line dashes every
// one), which was most of a frame's time on a long trace; here a column
// whose series did not move costs no segment. A null is a gap: the value
// before it holds up to the null's time, and the line starts again at the
// next value. undefined (a time only another series has, uPlot.join) is
// passed over.

import type uPlot from 'uplot';

/** A canvas path as this uses it: no DOM types here, since test/web/steps.test.ts checks it under the root tsconfig (Node's). */
interface Path {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
}

const newPath = (): Path => new (globalThis as unknown as { Path2D: new () => Path }).Path2D();

/** The builder: the line, and with fill the area between it and the scale's 0. */
export function steps(opts: { fill?: boolean } = {}): uPlot.Series.PathBuilder {
  return (u, sidx, idx0, idx1) => {
    const xs = u.data[0] as ArrayLike<number>;
    const ys = u.data[sidx] as ArrayLike<number | null | undefined>;
    const scale = u.series[sidx]!.scale!;
    const stroke = newPath();
    const fill = opts.fill === true ? newPath() : null;
    // valToPos(v, scale, true) for linear scales, with the scales looked up once: x to the right, y up, in canvas pixels.
    const { left, top, width, height } = u.bbox;
    const sx = u.scales.x!;
    const sy = u.scales[scale]!;
    const kx = width / (sx.max! - sx.min!);
    const ky = height / (sy.max! - sy.min!);
    const px = (t: number): number => Math.round(left + (t - sx.min!) * kx);
    const py = (v: number): number => Math.round(top + height - (v - sy.min!) * ky);
    const base = fill !== null ? py(0) : 0;
    // The pen: where the last segment ended; `have` while a line is drawn, `last` the latest point at the pen's height (its x is needed only when the line moves or ends).
    let have = false;
    let penX = 0;
    let penY = 0;
    let last = -1;
    let startX = 0;
    const finish = (x: number): void => {
      if (x !== penX) {
        stroke.lineTo(x, penY);
        fill?.lineTo(x, penY);
      }
      if (fill !== null) {
        fill.lineTo(x, base);
        fill.lineTo(startX, base);
        fill.closePath();
      }
      have = false;
    };
    for (let i = idx0; i <= idx1; i++) {
      const v = ys[i];
      if (v === undefined) continue;
      if (v === null) {
        if (have) finish(px(xs[i]!));
        continue;
      }
      const y = py(v);
      if (!have) {
        const x = px(xs[i]!);
        stroke.moveTo(x, y);
        if (fill !== null) {
          fill.moveTo(x, base);
          fill.lineTo(x, y);
        }
        have = true;
        penX = startX = x;
        penY = y;
      } else if (y !== penY) {
        const x = px(xs[i]!);
        if (x !== penX) {
          stroke.lineTo(x, penY);
          fill?.lineTo(x, penY);
        }
        stroke.lineTo(x, y);
        fill?.lineTo(x, y);
        penX = x;
        penY = y;
      }
      last = i;
    }
    if (have) finish(px(xs[last]!));
    return { stroke, fill, clip: null, band: null, flags: 0 } as unknown as uPlot.Series.Paths;
  };
}
