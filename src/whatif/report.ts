// A sweep's results for people: the table (stdout and table.txt), one row
// per configuration in the grid's order, settings in Go's names; and the
// HTML report, the same table above a chart of RSS and heap over time for
// each configuration, drawn by uPlot, whose script and stylesheet the
// report carries inline so that it opens from disk, offline.

import { formatDuration } from '../go/units.ts';
import { parseSize } from '../go/units.ts';
import { parseByteCount } from '../runtime/runtime1.ts';
import type { Row } from './outcome.ts';
import type { StoredResult, SweepConfig, SweepFile } from './store.ts';

/** A configuration and its result (null: none yet: another shard's, or a run that failed). */
export interface ReportEntry {
  config: SweepConfig;
  result: StoredResult | null;
}

/** Bytes in MiB with one decimal, as the table compares them. */
export function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** A duration in Go's notation (Duration.String) at three significant digits: 87.8µs, 4.29ms, 1m0s. */
export function roughDuration(ns: number): string {
  if (ns <= 0) return '0s';
  const scale = 10 ** Math.max(0, Math.floor(Math.log10(ns)) - 2);
  return formatDuration(Math.round(ns / scale) * scale);
}

/** How the run ended, in a word or two. `duration`: the sweep set --duration, so reaching it is surviving it. */
export function outcomeText(row: Row, duration: boolean): string {
  switch (row.outcome) {
    case 'exit':
      return row.status === 0 ? 'survived' : `exit ${row.status}`;
    case 'time-limit':
      return duration ? 'survived' : 'time limit';
    case 'oom-kill':
      return 'OOM-killed';
    case 'segv':
      return 'SIGSEGV';
    default:
      return row.outcome;
  }
}

const figureColumns = ['outcome', 'at', 'peak RSS', 'peak memory.current', 'GC cycles', 'GC CPU', 'assist', 'max pause', 'limiter on'];

/** The figures of a row, as the table prints them. */
function cells(row: Row, duration: boolean): string[] {
  return [
    outcomeText(row, duration),
    roughDuration(row.endNs),
    mib(row.peakRss),
    mib(row.peakCharge),
    String(row.gcCycles),
    row.gcCpuFraction > 0 && row.gcCpuFraction < 0.0005 ? '<0.1%' : `${(row.gcCpuFraction * 100).toFixed(1)}%`,
    roughDuration(row.assistNs),
    roughDuration(row.maxPauseNs),
    roughDuration(row.limiterNs),
  ];
}

/** The rows' texts: settings columns, then the figures; a configuration without a result says so. */
function tableCells(columns: readonly string[], entries: readonly ReportEntry[], duration: boolean): string[][] {
  const rows: string[][] = [[...columns, ...figureColumns]];
  for (const e of entries) {
    const settings = columns.map((c) => e.config.settings[c] ?? '-');
    rows.push([...settings, ...(e.result === null ? ['(no result)', ...figureColumns.slice(1).map(() => '')] : cells(e.result.row, duration))]);
  }
  return rows;
}

/** The table, aligned: text left, numbers right, two spaces between columns. */
export function formatTable(columns: readonly string[], entries: readonly ReportEntry[], duration: boolean): string {
  const rows = tableCells(columns, entries, duration);
  const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  const numeric = rows[0]!.map((_, i) => i >= columns.length + 1);
  return rows
    .map((r) =>
      r
        .map((c, i) => {
          const pad = ' '.repeat(width[i]! - [...c].length);
          return numeric[i] ? pad + c : c + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Which mode made a sweep's figures, as the table's first line and the report say it. */
export function modeLine(sweep: Pick<SweepFile, 'mode' | 'calibrate'>): string {
  if (sweep.mode === 'fast') {
    return `mode: fast (a cycle-level model, not every object; calibrated by an exact run of ${sweep.calibrate ?? '?'} per GOMAXPROCS; docs/fidelity.md gives its error)`;
  }
  return 'mode: exact (every object and span simulated)';
}

/** memory.max and GOMEMLIMIT of a configuration, in bytes, where it sets a number (lines on its chart). */
function limitsOf(settings: Record<string, string>): { memoryMax: number | null; memoryLimit: number | null } {
  const max = settings['memory.max'];
  const lim = settings.GOMEMLIMIT;
  const limit = lim === undefined || lim === 'off' ? null : parseByteCount(lim);
  return {
    memoryMax: max === undefined || max === 'max' ? null : parseSize(max),
    memoryLimit: limit === null || limit > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(limit),
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Text safe inside a <script> element. */
function scriptText(s: string): string {
  return s.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/**
 * The report: one self-contained HTML file. `uplot`: uPlot's minified
 * script (its IIFE build) and stylesheet, inlined.
 */
export function reportHtml(sweep: SweepFile, entries: readonly ReportEntry[], uplot: { js: string; css: string }): string {
  const duration = sweep.duration !== null;
  const rows = tableCells(sweep.columns, entries, duration);
  const head = rows[0]!.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows
    .slice(1)
    .map((r, i) => `<tr id="row${i}">${r.map((c, k) => `<td${k >= sweep.columns.length + 1 ? ' class="n"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  const charts = entries.map((e) => {
    const label = sweep.columns.map((c) => `${c}=${e.config.settings[c] ?? '-'}`).join(' ');
    return {
      label,
      outcome: e.result === null ? 'no result' : `${outcomeText(e.result.row, duration)} at ${roughDuration(e.result.row.endNs)}`,
      series: e.result?.series ?? null,
      ...limitsOf(e.config.settings),
    };
  });
  const what = `${sweep.program.name}${sweep.duration !== null ? `, ${sweep.duration} of virtual time` : ''}${sweep.seed !== null ? `, seed ${sweep.seed}` : ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>gomem whatif: ${escapeHtml(what)}</title>
<style>${uplot.css}</style>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; font: 13px ui-monospace, monospace; }
th, td { padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; white-space: nowrap; }
td.n { text-align: right; }
h2 { font-size: 15px; margin: 1.5em 0 0.3em; font-family: ui-monospace, monospace; }
.chart { margin-bottom: 1em; }
</style>
</head>
<body>
<h1>gomem whatif: ${escapeHtml(what)}</h1>
<p>gomem ${escapeHtml(sweep.gomem)}, ${entries.length} configurations, ${escapeHtml(modeLine(sweep))}. RSS is VmRSS; memory.current the container's charge; HeapInuse and HeapAlloc as runtime.MemStats; the goal is the pacer's heap goal. Each point is the most its time bucket saw.</p>
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
<div id="charts"></div>
<script>${scriptText(uplot.js)}</script>
<script>
const charts = ${scriptText(JSON.stringify(charts))};
const MiB = 1048576;
const colours = { rss: '#d62728', charge: '#9467bd', heapInuse: '#1f77b4', heapAlloc: '#2ca02c', heapGoal: '#7f7f7f', memoryMax: '#000000', memoryLimit: '#ff7f0e' };
const root = document.getElementById('charts');
charts.forEach((c, i) => {
  const h = document.createElement('h2');
  h.textContent = c.label + ': ' + c.outcome;
  root.appendChild(h);
  if (c.series === null) return;
  const div = document.createElement('div');
  div.className = 'chart';
  root.appendChild(div);
  const s = c.series;
  const data = [s.t.map((t) => t / 1e9)];
  const series = [{ label: 'time (s)' }];
  const add = (name, col, colour, dash) => {
    data.push(col.map((v) => (v === null ? null : v / MiB)));
    series.push({ label: name, stroke: colour, width: 1.5, dash, value: (u, v) => (v == null ? '' : v.toFixed(1) + ' MiB') });
  };
  add('RSS', s.rss, colours.rss);
  add('memory.current', s.charge, colours.charge, [2, 3]);
  add('HeapInuse', s.heapInuse, colours.heapInuse);
  add('HeapAlloc', s.heapAlloc, colours.heapAlloc);
  add('heap goal', s.heapGoal, colours.heapGoal, [6, 4]);
  if (c.memoryMax !== null) add('memory.max', s.t.map(() => c.memoryMax), colours.memoryMax, [1, 4]);
  if (c.memoryLimit !== null) add('GOMEMLIMIT', s.t.map(() => c.memoryLimit), colours.memoryLimit, [1, 4]);
  new uPlot({
    width: Math.min(1000, window.innerWidth - 60),
    height: 280,
    series,
    scales: { x: { time: false } },
    axes: [{ label: 'virtual time (s)' }, { label: 'MiB', size: 60 }],
  }, data, div);
});
</script>
</body>
</html>
`;
}
