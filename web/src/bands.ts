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

/** One run's cycles to draw: the trace's, or a what-if run's. */
export interface BandLayer {
  run: 'trace' | 'what-if';
  cycles: readonly GcCycle[];
  /** Where a phase with no next one (a sweep still going) ends: the run's end. */
  end: number;
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
 * A drawClear hook: the bands under the series, in the plot's box; each
 * band drawn is put in `drawn` (emptied first), for the test hook.
 */
export function drawBands(u: uPlot, layers: readonly BandLayer[], drawn?: DrawnBand[]): void {
  const { ctx, bbox } = u;
  const min = u.scales.x.min!;
  const max = u.scales.x.max!;
  if (drawn) drawn.length = 0;
  const dpr = devicePixelRatio;
  const cssHeight = bbox.height / dpr;
  const strip = layers.some((l) => l.run === 'what-if') ? Math.min(overlayStripPx, cssHeight / 4) : 0;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  for (const layer of layers) {
    const colors = layer.run === 'trace' ? phaseColors : overlayPhaseColors;
    // CSS pixels from the plot's top: the trace's bands above the strip, the what-if run's in it.
    const y0 = layer.run === 'trace' ? 0 : cssHeight - strip;
    const y1 = layer.run === 'trace' ? cssHeight - strip : cssHeight;
    for (const c of layer.cycles) {
      const first = c.phases.sweepterm ?? c.phases.mark;
      if (first === undefined || first > max) continue;
      for (const [phase, from, to] of phaseIntervals(c, layer.end)) {
        if (to < min || from > max) continue;
        const x0 = u.valToPos(from, 'x', true);
        // At least one device pixel, so a 10 µs stop-the-world pause still shows at full zoom-out.
        const w = Math.max(1, u.valToPos(to, 'x', true) - x0);
        ctx.fillStyle = colors[phase]!;
        ctx.fillRect(x0, bbox.top + y0 * dpr, w, (y1 - y0) * dpr);
        drawn?.push({ run: layer.run, cycle: c.cycle, phase, from, to, x0: (x0 - bbox.left) / dpr, x1: (x0 + w - bbox.left) / dpr, y0, y1 });
      }
    }
  }
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
