// The timelines: uPlot charts on one shared time axis. Each redraw asks for
// the visible range only, reduced to the pixel budget (decimate.ts); the
// GC bands and the time cursor are drawn in uPlot's hooks. Dragging selects
// a range to zoom into, a click sets the cursor, a double click shows all.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type BandLayer, BandsDrawn, type DrawnBand, bandLayer, drawBands, drawCursor } from './bands.ts';
import { decimate, perColumn } from './decimate.ts';
import { bytes, time } from './fmt.ts';
import { type LineChartSpec, gcCpuLabels, lineCharts } from './series.ts';
import { steps } from './steps.ts';
import type { Timeline } from './timeline.ts';
import type { View } from './view.ts';

const syncKey = 'gomem-time';

interface Chart {
  id: string;
  u: uPlot;
  data: () => uPlot.AlignedData;
  /** The GC bands its last draw drew. */
  bands: BandsDrawn;
}

/** The GC bands a chart draws: the trace's cycles, and a what-if run's in a strip at the foot. */
const layerCache = new WeakMap<Timeline, BandLayer>();
function bandLayers(view: View, overlay: Timeline | null): BandLayer[] {
  const layer = (run: BandLayer['run'], tl: Timeline): BandLayer => {
    let l = layerCache.get(tl);
    if (l === undefined || l.run !== run) layerCache.set(tl, (l = bandLayer(run, tl.cycles, tl.end)));
    return l;
  };
  return overlay === null ? [layer('trace', view.tl)] : [layer('trace', view.tl), layer('what-if', overlay)];
}

const timeAxis = (): uPlot.Axis => ({ values: (_u, splits) => splits.map((s) => time(s)), size: 40 });
const bytesAxis = (scale: string, side: 1 | 3 = 3): uPlot.Axis => ({ scale, side, size: 80, values: (_u, splits) => splits.map((s) => bytes(s)), ...(side === 1 ? { grid: { show: false } } : {}) });
/** An empty right-hand axis as wide as a real one, so every chart's plot spans the same times at the same pixels. */
const spacerAxis = (scale: string): uPlot.Axis => ({ scale, side: 1, size: 80, grid: { show: false }, ticks: { show: false }, values: (_u, splits) => splits.map(() => '') });

function baseOpts(view: View, title: string, width: number): Partial<uPlot.Options> {
  return {
    title,
    width,
    height: 220,
    scales: { x: { time: false, auto: false, range: () => [view.t0, view.t1] } },
    cursor: { sync: { key: syncKey }, drag: { x: true, y: false, setScale: false } },
    legend: { live: true },
  };
}

/** A chart's series from one timeline within the visible range: its lines, held to the run's end, and its limit line. */
function lineData(spec: LineChartSpec, tl: Timeline, view: View, width: number): [number[], ...(number | null)[][]] {
  const table = spec.table(tl);
  const cols = spec.lines.map((l) => table.names.indexOf(l.col));
  const scales = spec.lines.map((l) => l.scale);
  const limit = spec.limit?.(tl) ?? null;
  const [xs, ...ys] = decimate(table, cols, scales, view.t0, view.t1, plotWidth(width));
  // A step series holds its last value to the end of the run: without a point there the line would stop at its last change.
  const lastX = xs.at(-1);
  const until = Math.min(view.t1, tl.end);
  if (lastX !== undefined && lastX < until) {
    xs.push(until);
    for (const y of ys) y.push(y.at(-1) ?? null);
  }
  if (limit !== null) ys.push(xs.map(() => limit));
  return [xs, ...ys];
}

/** A what-if run's line: the original's colour, fainter and dashed (dotted where the original is dashed already). */
const overlayDash = (l: { dash?: number[] }): number[] => (l.dash ? [1, 3] : [6, 4]);

function lineChart(view: View, spec: LineChartSpec, el: HTMLElement, width: number, overlay: Timeline | null): Chart {
  const tl = view.tl;
  const limit = spec.limit?.(tl) ?? null;
  const overLimit = overlay !== null ? (spec.limit?.(overlay) ?? null) : null;
  const data = (): uPlot.AlignedData => {
    const mine = lineData(spec, tl, view, width);
    if (overlay === null) return mine as uPlot.AlignedData;
    // Two step series on their own times, joined on the union of both: a series has no point (undefined) where only the other changed, and its line runs on.
    return uPlot.join([mine as uPlot.AlignedData, lineData(spec, overlay, view, width) as uPlot.AlignedData]);
  };
  const vsz = spec.lines.some((l) => l.axis === 'vsz');
  const count = spec.lines.some((l) => l.axis === 'count');
  const series: uPlot.Series[] = [
    { label: 't', value: (_u, v) => (v === null ? '–' : time(v)) },
    ...spec.lines.map((l) => ({
      label: l.label,
      stroke: l.color,
      width: 1.5,
      scale: l.axis ?? 'bytes',
      paths: steps(),
      ...(l.dash ? { dash: l.dash } : {}),
      value: (_u: uPlot, v: number | null) => (l.axis === 'count' ? (v === null ? '–' : String(v)) : bytes(v)),
      points: { show: false },
    })),
  ];
  if (limit !== null) series.push({ label: 'memory.max', stroke: '#000', width: 1, dash: [4, 4], scale: 'bytes', value: (_u, v) => bytes(v), points: { show: false } });
  if (overlay !== null) {
    for (const l of spec.lines) {
      series.push({
        label: `${l.label} (what-if)`,
        stroke: `${l.color}b0`,
        width: 1.5,
        dash: overlayDash(l),
        scale: l.axis ?? 'bytes',
        paths: steps(),
        value: (_u: uPlot, v: number | null) => (l.axis === 'count' ? (v === null || v === undefined ? '–' : String(v)) : bytes(v ?? null)),
        points: { show: false },
      });
    }
    if (overLimit !== null) series.push({ label: 'memory.max (what-if)', stroke: '#000a', width: 1, dash: [1, 3], scale: 'bytes', value: (_u, v) => bytes(v ?? null), points: { show: false } });
  }
  const opts = {
    ...baseOpts(view, spec.title, width),
    series,
    axes: [timeAxis(), bytesAxis('bytes'), vsz ? bytesAxis('vsz', 1) : count ? { scale: 'count', side: 1, size: 80, grid: { show: false } } : spacerAxis('bytes')],
  } as uPlot.Options;
  opts.scales!.bytes = { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] };
  if (vsz) opts.scales!.vsz = { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] };
  if (count) opts.scales!.count = { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] };
  return mount(spec.id, view, opts, data, el, spec.causes, bandLayers(view, overlay));
}

function gcCpuChart(view: View, el: HTMLElement, width: number, overlay: Timeline | null): Chart {
  const colors = ['#d62728', '#1f77b4', '#2ca02c', '#bcbd22', '#000000'];
  const bars = (tl: Timeline): uPlot.AlignedData => {
    const xs: number[] = [];
    const ys: (number | null)[][] = gcCpuLabels.map(() => []);
    for (const c of tl.doneCycles) {
      if (c.done === undefined || !c.cpu || c.done < view.t0 || c.done > view.t1) continue;
      xs.push(c.done);
      gcCpuLabels.forEach((k, i) => ys[i]!.push(c.cpu![k] / 1e6));
    }
    return [xs, ...ys];
  };
  // A what-if run's cycles: bars of their own, outlined and dashed, at their own times.
  const data = (): uPlot.AlignedData => (overlay === null ? bars(view.tl) : uPlot.join([bars(view.tl), bars(overlay)]));
  const opts = {
    ...baseOpts(view, 'GC CPU per cycle (ms of CPU, at each cycle’s mark termination): assists, workers, STW pauses', width),
    height: 160,
    series: [
      { label: 't', value: (_u: uPlot, v: number | null) => (v === null ? '–' : time(v)) },
      ...gcCpuLabels.map((k, i) => ({
        label: k,
        stroke: colors[i],
        fill: colors[i] + '55',
        scale: 'ms',
        // Bars no wider than 10 px: cycles can be far apart on a zoomed axis.
        paths: uPlot.paths.bars!({ size: [0.15, 10, 2], align: 0 }),
        points: { show: false },
        value: (_u: uPlot, v: number | null) => (v === null ? '–' : `${v.toFixed(3)} ms`),
      })),
      ...(overlay === null
        ? []
        : gcCpuLabels.map((k, i) => ({
            label: `${k} (what-if)`,
            stroke: colors[i],
            dash: [3, 2],
            scale: 'ms',
            paths: uPlot.paths.bars!({ size: [0.15, 10, 2], align: 0 }),
            points: { show: false },
            value: (_u: uPlot, v: number | null | undefined) => (v === null || v === undefined ? '–' : `${v.toFixed(3)} ms`),
          }))),
    ],
    axes: [timeAxis(), { scale: 'ms', size: 80, values: (_u: uPlot, s: number[]) => s.map((v) => `${v} ms`) }, spacerAxis('ms')],
  } as uPlot.Options;
  opts.scales!.ms = { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] };
  return mount('gcCpu', view, opts, data, el, ['gcDone'], bandLayers(view, overlay));
}

function eventsChart(view: View, el: HTMLElement, width: number, overlay: Timeline | null): Chart {
  const times = (tl: Timeline): [Float64Array, Float64Array] => [Float64Array.from(tl.faults.rec, (r) => tl.tm[r]!), Float64Array.from(tl.scavenges.rec, (r) => tl.tm[r]!)];
  const runs = [view.tl, ...(overlay !== null ? [overlay] : [])].map((tl) => ({ tl, t: times(tl) }));
  const data = (): uPlot.AlignedData => {
    const w = plotWidth(width);
    // The same pixel columns for both runs: a what-if run's sums are two more series on the same xs.
    const out: number[][] = [];
    for (const { tl, t } of runs) {
      const [xs, faults] = perColumn(t[0], tl.faults.n, view.t0, view.t1, w);
      const [, scav] = perColumn(t[1], tl.scavenges.bytes, view.t0, view.t1, w);
      if (out.length === 0) out.push(xs);
      out.push(faults, scav);
    }
    return out as uPlot.AlignedData;
  };
  const opts = {
    ...baseOpts(view, 'Page faults and scavenger releases, per pixel column', width),
    height: 140,
    series: [
      { label: 't', value: (_u: uPlot, v: number | null) => (v === null ? '–' : time(v)) },
      { label: 'page faults', stroke: '#d62728', fill: '#d6272855', scale: 'n', paths: steps({ fill: true }), points: { show: false } },
      { label: 'scavenged', stroke: '#17becf', fill: '#17becf55', scale: 'bytes', paths: steps({ fill: true }), points: { show: false }, value: (_u: uPlot, v: number | null) => bytes(v) },
      ...(overlay === null
        ? []
        : [
            { label: 'page faults (what-if)', stroke: '#d62728b0', dash: [6, 4], scale: 'n', paths: steps(), points: { show: false } },
            { label: 'scavenged (what-if)', stroke: '#17becfb0', dash: [6, 4], scale: 'bytes', paths: steps(), points: { show: false }, value: (_u: uPlot, v: number | null) => bytes(v) },
          ]),
    ],
    axes: [timeAxis(), { scale: 'n', size: 80 }, bytesAxis('bytes', 1)],
  } as uPlot.Options;
  opts.scales!.n = { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] };
  opts.scales!.bytes = { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] };
  return mount('events', view, opts, data, el, ['fault', 'scavenge'], bandLayers(view, overlay));
}

/** The plotting area's width in CSS pixels, less the axes. */
function plotWidth(width: number): number {
  return Math.max(100, width - 180);
}

/** How near (CSS pixels) a click must fall to a step for the cursor to go to it. */
const clickSlackPx = 4;

function mount(id: string, view: View, opts: uPlot.Options, data: () => uPlot.AlignedData, el: HTMLElement, causes: readonly string[], layers: readonly BandLayer[]): Chart {
  const bands = new BandsDrawn();
  el.dataset.chart = id;
  opts.hooks = {
    drawClear: [(u) => drawBands(u, layers, bands)],
    draw: [(u) => drawCursor(u, view.t)],
    setSelect: [
      (u) => {
        if (u.select.width < 3) return;
        const a = u.posToVal(u.select.left, 'x');
        const b = u.posToVal(u.select.left + u.select.width, 'x');
        u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        view.setRange(a, b);
      },
    ],
  };
  const u = new uPlot(opts, data(), el);
  // A click that did not drag moves the time cursor, onto the step under the pointer if there is one; a double click shows the whole run.
  let down = -1;
  u.over.addEventListener('mousedown', (e) => (down = e.clientX));
  u.over.addEventListener('mouseup', (e) => {
    if (Math.abs(e.clientX - down) >= 3) return;
    const t = u.posToVal(e.offsetX, 'x');
    view.clickAt(t, Math.abs(u.posToVal(e.offsetX + clickSlackPx, 'x') - t), causes);
  });
  u.over.addEventListener('dblclick', () => view.resetRange());
  return { id, u, data, bands };
}

/** A chart's GC bands as drawn (Charts.bands). */
export interface PlotBands {
  min: number;
  max: number;
  left: number;
  top: number;
  width: number;
  height: number;
  bands: DrawnBand[];
}

export class Charts {
  private charts: Chart[] = [];
  /** A what-if run drawn over the line charts (whatif.ts), or null. */
  private overlay: Timeline | null = null;

  constructor(private readonly view: View, private readonly root: HTMLElement) {
    this.build();
    view.onRange(() => this.refresh());
    view.onCursor(() => {
      for (const c of this.charts) c.u.redraw(false, false);
    });
    addEventListener(
      'resize',
      () => {
        const w = this.width();
        for (const c of this.charts) c.u.setSize({ width: w, height: c.u.height });
        this.refresh();
      },
      { signal: view.signal },
    );
  }

  private build(): void {
    const width = this.width();
    for (const spec of lineCharts) this.charts.push(lineChart(this.view, spec, this.slot(), width, this.overlay));
    this.charts.push(gcCpuChart(this.view, this.slot(), width, this.overlay));
    this.charts.push(eventsChart(this.view, this.slot(), width, this.overlay));
  }

  /** Draws a what-if run's timelines over the line charts (null: none); the charts are made again with their series. */
  setOverlay(overlay: Timeline | null): void {
    if (overlay === this.overlay) return;
    this.overlay = overlay;
    for (const c of this.charts) c.u.destroy();
    this.charts = [];
    this.root.innerHTML = '';
    this.build();
  }

  private width(): number {
    return Math.max(400, this.root.clientWidth - 8);
  }

  private slot(): HTMLElement {
    const el = document.createElement('div');
    el.className = 'chart';
    this.root.appendChild(el);
    return el;
  }

  /**
   * The GC bands each chart drew last, by chart id, with the plot's time
   * range, and its place and size on the chart's canvas (CSS pixels).
   */
  bands(): Record<string, PlotBands> {
    const out: Record<string, PlotBands> = {};
    for (const c of this.charts) {
      const { u } = c;
      const d = devicePixelRatio;
      out[c.id] = { min: u.scales.x.min!, max: u.scales.x.max!, left: u.bbox.left / d, top: u.bbox.top / d, width: u.bbox.width / d, height: u.bbox.height / d, bands: c.bands.bands() };
    }
    return out;
  }

  /** New data for the visible range, for every chart. */
  refresh(): void {
    for (const c of this.charts) {
      c.u.batch(() => {
        c.u.setData(c.data(), false);
        c.u.setScale('x', { min: this.view.t0, max: this.view.t1 });
      });
    }
  }
}
