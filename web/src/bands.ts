// GC cycles as bands behind every chart, one colour per phase, so a step in
// RSS or HeapInuse can be read against the cycle that made it.

import type uPlot from 'uplot';
import type { GcCycle } from './timeline.ts';

export const phaseColors: Record<string, string> = {
  sweepterm: 'rgba(214, 39, 40, 0.30)',
  mark: 'rgba(255, 127, 14, 0.20)',
  marktermination: 'rgba(214, 39, 40, 0.40)',
  sweep: 'rgba(31, 119, 180, 0.10)',
};

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

/** A drawClear hook: the bands under the series, in the plot's box. */
export function drawBands(u: uPlot, cycles: readonly GcCycle[], end: number): void {
  const { ctx, bbox } = u;
  const min = u.scales.x.min!;
  const max = u.scales.x.max!;
  ctx.save();
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  for (const c of cycles) {
    const first = c.phases.sweepterm ?? c.phases.mark;
    if (first === undefined || first > max) continue;
    for (const [phase, from, to] of phaseIntervals(c, end)) {
      if (to < min || from > max) continue;
      const x0 = u.valToPos(from, 'x', true);
      // At least one device pixel, so a 10 µs stop-the-world pause still shows at full zoom-out.
      const w = Math.max(1, u.valToPos(to, 'x', true) - x0);
      ctx.fillStyle = phaseColors[phase]!;
      ctx.fillRect(x0, bbox.top, w, bbox.height);
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
