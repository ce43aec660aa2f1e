// The comparator as pure functions: a case's recording of real Go and the
// checkpoints gomem printed for the same case go in, one row per
// (checkpoint, key) comes out, with a verdict:
//   ok       gomem's value is inside the real runs' [min, max], or within the
//            key's tolerance of the real median
//   OUT      outside both; also a key or checkpoint gomem has and real Go has not
//   missing  real Go has it, gomem does not print it (never counted as passing)
//   info     informational key (see tolerances.ts): shown, not judged
// A key that real Go showed in only some runs may be absent from gomem (ok).
// reality/run.ts is the command line around this; tests can assert on rows.
//
// Besides the checkpoints, two pseudo-checkpoints (recording.ts):
//   (run)      keys of the whole run derived from its checkpoints: peak.HeapAlloc
//   (gctrace)  for a case recorded with GODEBUG=gctrace=1: gctrace.cycles,
//              gctrace.last_cpu_pct and, for every cycle N real Go ran,
//              gctrace[N].heap0_MB … procs, forced (gctrace.ts), against the
//              gctrace lines gomem printed on stderr. When gomem printed none,
//              every one of these keys is missing — even a cycle only some
//              real runs reached — so a model without gctrace never passes.

import { flatten, type Checkpoint, type Value } from './checkpoint.ts';
import { flattenGctrace, type GctraceLine } from './gctrace.ts';
import { GCTRACE_CHECKPOINT, RUN_CHECKPOINT, derivedKeys, runKeys, type KeyStat, type Recording } from './recording.ts';
import { toleranceFor as defaultToleranceFor, type Tolerance } from './tolerances.ts';

export type Verdict = 'ok' | 'OUT' | 'missing' | 'info';

export interface Row {
  case: string;
  checkpoint: string;
  key: string;
  /** What real Go showed; null when real Go does not have the key. */
  real: KeyStat | null;
  /** What gomem printed; null when it printed nothing for the key. */
  gomem: Value | null;
  /** (gomem − median) / |median|; null when not numeric or the median is 0. */
  relErr: number | null;
  verdict: Verdict;
  /** The tolerance rule applied (its match pattern). */
  rule: string;
  note?: string;
}

export type ToleranceLookup = (caseName: string, key: string, checkpoint: string) => { rule: string; tol: Tolerance };

export interface CompareOptions {
  /** Compare only these keys: exact keys, section names ("memstats"), or globs ("proc.Vm*"). */
  onlyKeys?: string[];
  toleranceFor?: ToleranceLookup;
  /** The gctrace lines gomem printed (parsed from its stderr); none or undefined: it printed none. */
  gctrace?: readonly GctraceLine[];
}

/** A key pattern: exact, a section prefix (matches "memstats.X" for "memstats"), or a '*' glob. */
export function keyMatches(key: string, patterns: string[]): boolean {
  return patterns.some((p) => {
    if (p.includes('*')) {
      const re = new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
      return re.test(key);
    }
    return key === p || key.startsWith(p + '.') || key.startsWith(p + '[');
  });
}

/** Judges one gomem value against the real runs' statistics for the key. */
export function judge(
  real: KeyStat | null,
  gomem: Value | null,
  tol: Tolerance,
  runs: number,
): { verdict: Verdict; relErr: number | null; note?: string } {
  if (real === null) {
    if (gomem === null) return { verdict: 'missing', relErr: null };
    return tol.info !== undefined
      ? { verdict: 'info', relErr: null, note: 'not in real Go' }
      : { verdict: 'OUT', relErr: null, note: 'not in real Go' };
  }
  if (gomem === null) {
    if (real.n < runs) return { verdict: 'ok', relErr: null, note: `absent in ${runs - real.n} of ${runs} real runs` };
    return { verdict: 'missing', relErr: null };
  }
  if (real.median !== undefined) {
    const med = real.median;
    if (typeof gomem !== 'number') return { verdict: tol.info !== undefined ? 'info' : 'OUT', relErr: null, note: 'not a number' };
    const relErr = med !== 0 ? (gomem - med) / Math.abs(med) : gomem === 0 ? 0 : null;
    if (tol.info !== undefined) return { verdict: 'info', relErr };
    const inRange = gomem >= real.min! && gomem <= real.max!;
    const allowed = Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.abs(med));
    return { verdict: inRange || Math.abs(gomem - med) <= allowed ? 'ok' : 'OUT', relErr };
  }
  if (tol.info !== undefined) return { verdict: 'info', relErr: null };
  return { verdict: (real.values ?? []).includes(String(gomem)) ? 'ok' : 'OUT', relErr: null };
}

/** Every row of one case. gomem's checkpoints are matched to the recording's by name. */
export function compareCase(rec: Recording, gomem: Checkpoint[], opts: CompareOptions = {}): Row[] {
  const lookup = opts.toleranceFor ?? defaultToleranceFor;
  const wanted = (k: string): boolean => !opts.onlyKeys || opts.onlyKeys.length === 0 || keyMatches(k, opts.onlyKeys);
  const runs = rec.recorded.runs;
  const rows: Row[] = [];
  /** Rows of one (pseudo-)checkpoint: real keys against gomem's flattened values. */
  const compareKeys = (cpName: string, real: Record<string, KeyStat>, gflat: Map<string, Value>, missingNote?: string, strict = false): void => {
    for (const [key, stat] of Object.entries(real)) {
      if (!wanted(key)) continue;
      const { rule, tol } = lookup(rec.case, key, cpName);
      const gv = gflat.get(key) ?? null;
      const j = strict && gv === null ? { verdict: 'missing' as const, relErr: null } : judge(stat, gv, tol, runs);
      rows.push({ case: rec.case, checkpoint: cpName, key, real: stat, gomem: gv, rule, ...j, ...(missingNote && j.verdict === 'missing' ? { note: missingNote } : {}) });
    }
    for (const [key, gv] of gflat) {
      if (key in real || !wanted(key)) continue;
      const { rule, tol } = lookup(rec.case, key, cpName);
      rows.push({ case: rec.case, checkpoint: cpName, key, real: null, gomem: gv, rule, ...judge(null, gv, tol, runs) });
    }
  };
  const flats = new Map<string, Map<string, Value>>();
  for (const g of gomem) if (!flats.has(g.name)) flats.set(g.name, flatten(g));
  for (const cp of rec.checkpoints) {
    const g = flats.get(cp.name);
    compareKeys(cp.name, cp.keys, g ?? new Map<string, Value>(), g ? undefined : 'checkpoint not printed by gomem');
  }
  for (const g of gomem) {
    if (!rec.checkpoints.some((c) => c.name === g.name)) {
      rows.push({ case: rec.case, checkpoint: g.name, key: '(checkpoint)', real: null, gomem: g.seq, relErr: null, verdict: 'OUT', rule: '', note: 'checkpoint not in real Go' });
    }
  }
  // The whole run: gomem's figures over the checkpoints real Go has too.
  const shared = rec.checkpoints.map((c) => flats.get(c.name)).filter((f): f is Map<string, Value> => f !== undefined);
  compareKeys(RUN_CHECKPOINT, derivedKeys(rec), runKeys(shared), shared.length === 0 ? 'no checkpoint printed by gomem' : undefined);
  if (rec.gctrace) {
    const lines = opts.gctrace ?? [];
    if (lines.length === 0) compareKeys(GCTRACE_CHECKPOINT, rec.gctrace.keys, new Map(), 'gomem printed no gctrace lines', true);
    else compareKeys(GCTRACE_CHECKPOINT, rec.gctrace.keys, flattenGctrace(lines));
  }
  return rows;
}

export interface Summary {
  ok: number;
  OUT: number;
  missing: number;
  info: number;
}

export function summarizeRows(rows: Row[]): Summary {
  const s: Summary = { ok: 0, OUT: 0, missing: 0, info: 0 };
  for (const r of rows) s[r.verdict]++;
  return s;
}

// ---- the text table ------------------------------------------------------

function fmtValue(v: Value | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v === '' ? '""' : v;
  return Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+$/, '');
}

function fmtReal(s: KeyStat | null): [string, string] {
  if (s === null) return ['(absent)', ''];
  if (s.median !== undefined) {
    const spread = s.min === s.max ? '' : `${fmtValue(s.min)}–${fmtValue(s.max)}`;
    return [fmtValue(s.median), spread];
  }
  return [(s.values ?? []).map(fmtValue).join(' | '), ''];
}

function fmtRel(r: number | null): string {
  if (r === null) return '';
  return `${r >= 0 ? '+' : ''}${(r * 100).toFixed(Math.abs(r) < 0.1 ? 2 : 1)}%`;
}

/**
 * Renders rows as a table per checkpoint. A checkpoint gomem did not print
 * at all becomes one line instead of one row per key.
 */
export function formatTable(rows: Row[]): string {
  const out: string[] = [];
  const header = ['checkpoint', 'key', 'real median', 'spread (min–max)', 'gomem', 'rel.err', 'verdict'];
  const body: string[][] = [];
  const byCp = new Map<string, Row[]>();
  for (const r of rows) byCp.set(r.checkpoint, [...(byCp.get(r.checkpoint) ?? []), r]);
  for (const [cp, rs] of byCp) {
    if (rs.length > 1 && rs.every((r) => r.gomem === null)) {
      const n = rs.filter((r) => r.verdict === 'missing').length;
      body.push([cp, `(all ${rs.length} keys)`, '', '', '—', '', `missing ${n}` + (rs[0]!.note ? ` (${rs[0]!.note})` : '')]);
      continue;
    }
    for (const r of rs) {
      const [med, spread] = fmtReal(r.real);
      const note = r.note ? ` (${r.note})` : '';
      body.push([r.checkpoint, r.key, med, spread, fmtValue(r.gomem), fmtRel(r.relErr), r.verdict + note]);
    }
  }
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...body.map((b) => b[i]!.length))));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : i >= 2 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  out.push(line(header));
  for (const b of body) out.push(line(b));
  return out.join('\n');
}
