// Reads Prometheus samples of one Go process over time into scrapes: the
// time of each and its samples by series ("name" or "name{k=\"v\",…}" with
// the labels sorted; a histogram's buckets as name_bucket{le="…"} and a
// summary's quantiles as name{quantile="…"}, as Prometheus stores them).
//
// Two inputs: text-exposition documents (format 0.0.4, one per scrape: what
// `curl /metrics` saves and `gomem run --prom DIR` writes), parsed by
// parse-prometheus-text-format, timed by their samples' own timestamps or
// by --every in the files' order; or a Prometheus HTTP API query_range
// result (a JSON matrix), whose series carry their timestamps.

// @ts-expect-error: the package ships no type declarations (its output shape is typed below).
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** Input that cannot be read: one line naming the file (and the line, for text). */
export class PromError extends Error {}

/** One family as parse-prometheus-text-format returns it. */
export interface PromFamily {
  name: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: {
    value?: string;
    labels?: Record<string, string>;
    timestamp_ms?: string;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count?: string;
    sum?: string;
  }[];
}

/** One scrape: its time (seconds; since the epoch when the samples carried timestamps, else from the first scrape) and its samples by series key. */
export interface Scrape {
  readonly file: string;
  readonly t: number;
  readonly samples: ReadonlyMap<string, number>;
}

/** Labels that name the target, not the series: a query over one process's target differs only in them. */
const targetLabels = new Set(['job', 'instance']);

/** A series key: the name, and its labels sorted, without job and instance. */
export function seriesKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const ls = Object.keys(labels)
    .filter((k) => k !== '__name__' && !targetLabels.has(k))
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return ls.length === 0 ? name : `${name}{${ls.join(',')}}`;
}

/** The number a sample's text stands for (Go's strconv forms, NaN and ±Inf included), or null. */
function valueOf(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim();
  if (/^[+-]?Inf$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^NaN$/i.test(t)) return NaN;
  const n = Number(t);
  return t === '' || Number.isNaN(n) ? null : n;
}

/** The 1-based line of the text where the sample of `name` with this value is, for an error; 0 when not found. */
function lineOf(text: string, name: string, value: string | undefined): number {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(name) && (value === undefined || l.includes(value)));
  return i + 1;
}

/** A text-exposition document's families, typed; a line that cannot be read is one line naming it. */
export function parseExposition(text: string, file: string): PromFamily[] {
  try {
    return parsePrometheusTextFormat(text) as PromFamily[];
  } catch (e) {
    const msg = (e as Error).message;
    const m = /^Encountered invalid line: (.*)$/s.exec(msg);
    if (m !== null) {
      const bad = m[1]!;
      const n = text.split('\n').findIndex((l) => l === bad || l.trim() === bad.trim()) + 1;
      throw new PromError(`${file}:${n > 0 ? `${n}:` : ''} cannot read ${JSON.stringify(bad.length > 80 ? `${bad.slice(0, 80)}…` : bad)} (not Prometheus text format)`);
    }
    throw new PromError(`${file}: not Prometheus text format (${msg})`);
  }
}

/** One text-exposition document's samples, and the time its samples carry (ms since the epoch) or null. */
export function samplesOfText(text: string, file: string): { samples: Map<string, number>; timestampMs: number | null } {
  const families = parseExposition(text, file);
  const samples = new Map<string, number>();
  let timestampMs: number | null = null;
  const put = (key: string, name: string, raw: string | undefined): void => {
    const v = valueOf(raw);
    if (v === null) {
      const blank = raw === undefined || raw.trim() === '';
      const n = lineOf(text, name, blank ? undefined : raw);
      const line = n > 0 ? text.split('\n')[n - 1]! : name;
      throw new PromError(`${file}:${n > 0 ? `${n}:` : ''} ${blank ? `cannot read ${JSON.stringify(line)} (not Prometheus text format)` : `${name}: ${JSON.stringify(raw)} is not a number`}`);
    }
    samples.set(key, v);
  };
  for (const f of families) {
    for (const m of f.metrics) {
      const labels = m.labels ?? {};
      if (m.timestamp_ms !== undefined) {
        const ts = Number(m.timestamp_ms);
        if (Number.isFinite(ts)) timestampMs = Math.max(timestampMs ?? ts, ts);
      }
      if (f.type === 'HISTOGRAM') {
        for (const [le, c] of Object.entries(m.buckets ?? {})) put(seriesKey(`${f.name}_bucket`, { ...labels, le }), `${f.name}_bucket`, c);
        put(seriesKey(`${f.name}_sum`, labels), `${f.name}_sum`, m.sum);
        put(seriesKey(`${f.name}_count`, labels), `${f.name}_count`, m.count);
      } else if (f.type === 'SUMMARY') {
        for (const [q, v] of Object.entries(m.quantiles ?? {})) put(seriesKey(f.name, { ...labels, quantile: q }), f.name, v);
        if (m.sum !== undefined) put(seriesKey(`${f.name}_sum`, labels), `${f.name}_sum`, m.sum);
        if (m.count !== undefined) put(seriesKey(`${f.name}_count`, labels), `${f.name}_count`, m.count);
      } else put(seriesKey(f.name, labels), f.name, m.value);
    }
  }
  return { samples, timestampMs };
}

/**
 * Scrapes from text documents, in the order given: timed by --every
 * (seconds) when it is given, else by their samples' timestamps, which
 * then every document must carry.
 */
export function scrapesOfTexts(docs: readonly { file: string; text: string }[], everyS: number | null): Scrape[] {
  const parsed = docs.map((d) => ({ file: d.file, ...samplesOfText(d.text, d.file) }));
  if (everyS === null) {
    const untimed = parsed.find((p) => p.timestampMs === null);
    if (untimed !== undefined) throw new PromError(`${untimed.file}: its samples carry no timestamps: give --every (the scrape interval, e.g. 15s) to time the files in their order`);
    const out = parsed.map((p) => ({ file: p.file, t: p.timestampMs! / 1000, samples: p.samples })).sort((a, b) => a.t - b.t);
    return out;
  }
  return parsed.map((p, i) => ({ file: p.file, t: i * everyS, samples: p.samples }));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Scrapes from a Prometheus HTTP API query_range response (resultType matrix): one scrape per distinct timestamp. */
export function scrapesOfMatrix(text: string, file: string): Scrape[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new PromError(`${file}: not JSON (${(e as Error).message})`);
  }
  const data = isObject(v) && isObject(v.data) ? v.data : isObject(v) && v.resultType !== undefined ? v : null;
  if (data === null) throw new PromError(`${file}: not a Prometheus query_range response (no "data")`);
  if (isObject(v) && v.status !== undefined && v.status !== 'success') throw new PromError(`${file}: the query's status is ${JSON.stringify(v.status)}, not "success"`);
  if (data.resultType !== 'matrix') throw new PromError(`${file}: data.resultType is ${JSON.stringify(data.resultType)}: a query_range result is a "matrix"`);
  if (!Array.isArray(data.result)) throw new PromError(`${file}: data.result is not a list of series`);
  const byT = new Map<number, Map<string, number>>();
  const seen = new Map<string, string>();
  data.result.forEach((s: unknown, i: number) => {
    if (!isObject(s) || !isObject(s.metric) || !Array.isArray(s.values)) throw new PromError(`${file}: data.result[${i}] is not a series {metric, values}`);
    const labels = s.metric as Record<string, string>;
    const name = labels.__name__;
    if (typeof name !== 'string') throw new PromError(`${file}: data.result[${i}] has no __name__ label`);
    const key = seriesKey(name, labels);
    const target = JSON.stringify(Object.fromEntries(Object.entries(labels).filter(([k]) => targetLabels.has(k))));
    const other = seen.get(key);
    if (other !== undefined && other !== target) throw new PromError(`${file}: data.result[${i}]: ${key} of two targets (${other} and ${target}): query one process`);
    seen.set(key, target);
    (s.values as unknown[]).forEach((pt, j) => {
      if (!Array.isArray(pt) || pt.length !== 2 || typeof pt[0] !== 'number') throw new PromError(`${file}: data.result[${i}].values[${j}] is not a pair [time, "value"]`);
      const val = valueOf(typeof pt[1] === 'string' ? pt[1] : undefined);
      if (val === null) throw new PromError(`${file}: data.result[${i}].values[${j}]: ${JSON.stringify(pt[1])} is not a number`);
      let m = byT.get(pt[0]);
      if (m === undefined) byT.set(pt[0], (m = new Map()));
      m.set(key, val);
    });
  });
  return [...byT.entries()].sort((a, b) => a[0] - b[0]).map(([t, samples]) => ({ file, t, samples }));
}

/** Whether a file's text is JSON (a query_range response) rather than text exposition. */
export function looksLikeJson(text: string): boolean {
  return /^\s*[[{]/.test(text);
}
