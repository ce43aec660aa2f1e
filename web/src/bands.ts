// GC cycles as bands behind every chart, one colour per phase, so a step in
// RSS or HeapInuse can be read against the cycle that made it. With a
// what-if run drawn over the trace's (whatif.ts), its cycles are a strip of
// the same colours along the foot of each chart, and the trace's bands stop
// above it, so the two runs' collectors are seen side by side.

import type uPlot from 'uplot';
import type { GcCycle } from './timeline.ts';

export const phaseColors: Record<string, string> = {
  sweepterm: 'rgba(214, 39, 40, 0.30)',
  mark: 'rgba(255, 127, 14, 0.20)',
  marktermination: 'rgba(214, 39, 40, 0.40)',
  sweep: 'rgba(31, 119, 180, 0.10)',
};

/** The what-if strip's colours: the same hues, stronger, since the strip is thin. */
export const overlayPhaseColors: Record<string, string> = {
  sweepterm: 'rgba(214, 39, 40, 0.60)',
  mark: 'rgba(255, 127, 14, 0.50)',
  marktermination: 'rgba(214, 39, 40, 0.80)',
  sweep: 'rgba(31, 119, 180, 0.30)',
};

/** The what-if strip's height, CSS pixels. */
export const overlayStripPx = 10;

const order = ['sweepterm', 'mark', 'marktermination', 'sweep', 'sweepdone'] as const;

/** Each phase of a cycle as [phase, from, to]; a phase runs until the next one starts. */
export function phaseIntervals(c: GcCycle, end: number): [string, number, number][] {
  const out: [string, number, number][] = [];
  for (let k = 0; k < order.length - 1; k++) {
    const from = c.phases[order[k]!];
    if (from === undefined) continue;
    let to: number | undefined;
    for (let j = k + 1; j < order.length && to === undefined; j++) to = c.phases[order[j]!];
    out.push([order[k]!, from, to ?? end]);
  }
  return out;
}

/** The phases a band can be, in the order bandLayer numbers them. */
export const bandPhases = ['sweepterm', 'mark', 'marktermination', 'sweep'] as const;

/**
 * One run's cycles to draw (the trace's, or a what-if run's), each phase of
 * each cycle an interval, in columns, ordered by start; reach[i] is the
 * latest end among intervals 0..i, so the first one a range can show is
 * found by a binary search, and a frame looks at the visible bands only.
 */
export interface BandLayer {
  run: 'trace' | 'what-if';
  n: number;
  cycle: Int32Array;
  phase: Uint8Array;
  from: Float64Array;
  to: Float64Array;
  reach: Float64Array;
}

/** A run's bands: its cycles' phases; a phase with no next one (a sweep still going) ends at the run's end. */
export function bandLayer(run: BandLayer['run'], cycles: readonly GcCycle[], end: number): BandLayer {
  const list: [number, number, number, number][] = [];
  for (const c of cycles) {
    for (const [phase, from, to] of phaseIntervals(c, end)) list.push([c.cycle, bandPhases.indexOf(phase as (typeof bandPhases)[number]), from, to]);
  }
  list.sort((a, b) => a[2] - b[2]);
  const n = list.length;
  const l: BandLayer = { run, n, cycle: new Int32Array(n), phase: new Uint8Array(n), from: new Float64Array(n), to: new Float64Array(n), reach: new Float64Array(n) };
  let reach = -Infinity;
  list.forEach(([cycle, phase, from, to], i) => {
    l.cycle[i] = cycle;
    l.phase[i] = phase;
    l.from[i] = from;
    l.to[i] = to;
    reach = Math.max(reach, to);
    l.reach[i] = reach;
  });
  return l;
}

/** A band as drawn: its cycle and phase, its times, and where it is on the plot (CSS pixels from the plot's left and top edges, before clipping). */
export interface DrawnBand {
  run: 'trace' | 'what-if';
  cycle: number;
  phase: string;
  from: number;
  to: number;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * What a chart's last drawBands drew, kept as numbers (no object per band
 * and frame): for each band the layer, its index there, its x and width in
 * canvas pixels; bands() makes DrawnBands of them for the test hook.
 */
export class BandsDrawn {
  layers: readonly BandLayer[] = [];
  /** Per layer, the strip of the plot it was drawn in: CSS pixels from the top. */
  rows: [number, number][] = [];
  nums: number[] = [];
  left = 0;
  dpr = 1;

  bands(): DrawnBand[] {
    const out: DrawnBand[] = [];
    const d = this.nums;
    for (let k = 0; k < d.length; k += 4) {
      const l = this.layers[d[k]!]!;
      const i = d[k + 1]!;
      const [y0, y1] = this.rows[d[k]!]!;
      out.push({ run: l.run, cycle: l.cycle[i]!, phase: bandPhases[l.phase[i]!]!, from: l.from[i]!, to: l.to[i]!, x0: (d[k + 2]! - this.left) / this.dpr, x1: (d[k + 2]! + d[k + 3]! - this.left) / this.dpr, y0, y1 });
    }
    return out;
  }
}

/** The first index whose reach is at least t: every band before it ends before t. */
function firstReaching(l: BandLayer, t: number): number {
  let lo = 0;
  let hi = l.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (l.reach[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A drawClear hook: the bands under the series, in the plot's box, one path
 * per phase filled once; what was drawn is kept in `drawn` for the test hook.
 */
export function drawBands(u: uPlot, layers: readonly BandLayer[], drawn: BandsDrawn): void {
  const { ctx, bbox } = u;
  const min = u.scales.x.min!;
  const max = u.scales.x.max!;
  const dpr = devicePixelRatio;
  const cssHeight = bbox.height / dpr;
  const strip = layers.some((l) => l.run === 'what-if') ? Math.min(overlayStripPx, cssHeight / 4) : 0;
  drawn.layers = layers;
  drawn.rows = [];
  drawn.nums.length = 0;
  drawn.left = bbox.left;
  drawn.dpr = dpr;
  const kx = bbox.width / (max - min);
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  layers.forEach((l, li) => {
    const colors = l.run === 'trace' ? phaseColors : overlayPhaseColors;
    // CSS pixels from the plot's top: the trace's bands above the strip, the what-if run's in it.
    const y0 = l.run === 'trace' ? 0 : cssHeight - strip;
    const y1 = l.run === 'trace' ? cssHeight - strip : cssHeight;
    drawn.rows.push([y0, y1]);
    const paths = bandPhases.map(() => new Path2D());
    for (let i = firstReaching(l, min); i < l.n && l.from[i]! <= max; i++) {
      if (l.to[i]! < min) continue;
      const x0 = bbox.left + (l.from[i]! - min) * kx;
      // At least one device pixel, so a 10 µs stop-the-world pause still shows at full zoom-out.
      const w = Math.max(1, bbox.left + (l.to[i]! - min) * kx - x0);
      paths[l.phase[i]!]!.rect(x0, bbox.top + y0 * dpr, w, (y1 - y0) * dpr);
      drawn.nums.push(li, i, x0, w);
    }
    bandPhases.forEach((phase, k) => {
      ctx.fillStyle = colors[phase]!;
      ctx.fill(paths[k]!);
    });
  });
  ctx.restore();
}

/** A draw hook: the time cursor as a vertical line. */
export function drawCursor(u: uPlot, t: number): void {
  const { ctx, bbox } = u;
  if (t < u.scales.x.min! || t > u.scales.x.max!) return;
  const x = Math.round(u.valToPos(t, 'x', true));
  ctx.save();
  ctx.strokeStyle = '#000';
  ctx.lineWidth = Math.max(1, devicePixelRatio);
  ctx.beginPath();
  ctx.moveTo(x, bbox.top);
  ctx.lineTo(x, bbox.top + bbox.height);
  ctx.stroke();
  ctx.restore();
}
