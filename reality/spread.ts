// The real runs' own spread, per tolerance rule: `npx tsx reality/spread.ts [--md]`;
// `--suggest` lists the rules too tight for a recording, `--rules CASE…`
// prints case rules (widen(…) lines for tolerances.ts) sized to each case's
// recording, after its gcFigures and hostTime rules.
// For every recorded key the half-range is max(max − median, median − min):
// how far a real run strayed from the median. A tolerance narrower than the
// half-range it covers would fail real Go itself, so each rule must be at
// least as wide as the largest half-range it applies to; compare.test.ts
// checks that, and the table this prints is the justification quoted in
// tolerances.ts and docs/reality.md. The keys derived from a whole run
// ((run) peak.HeapAlloc) and the gctrace keys are included; a GC-figure rule
// (range: true) takes the real runs' own min–max as its allowance, so its
// largest half-range is reported but never "too tight".

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listCases, loadRecording } from './cases.ts';
import { allRecordedKeys, type Recording } from './recording.ts';
import { CASE_RULES, RULES, matches, toleranceFor, type Rule, type Tolerance } from './tolerances.ts';

export interface SpreadItem {
  case: string;
  checkpoint: string;
  key: string;
  median: number;
  halfRange: number;
  /** What the rule allows around this median. */
  allowed: number;
}

export interface RuleSpread {
  rule: string;
  scope: string; // "all cases" or the case of an override
  tol: Tolerance;
  keys: number; // (case, checkpoint, key) triples the rule covered
  worstAbs: SpreadItem | null; // largest half-range
  worstRel: SpreadItem | null; // largest half-range / |median|
  tooTight: SpreadItem[]; // half-range > allowed (never for a range rule: the real runs' range is its allowance)
}

export function allowedAround(tol: Tolerance, median: number): number {
  return Math.max(tol.abs ?? 0, (tol.rel ?? 0) * Math.abs(median));
}

export function spreads(recs: Recording[], lookup = toleranceFor): RuleSpread[] {
  const byRule = new Map<string, RuleSpread>();
  for (const rec of recs) {
    for (const cp of allRecordedKeys(rec)) {
      for (const [key, s] of Object.entries(cp.keys)) {
        if (s.median === undefined) continue;
        const { rule, tol, scope } = lookup(rec.case, key, cp.name);
        const id = `${scope}\u0000${rule}`;
        let r = byRule.get(id);
        if (!r) byRule.set(id, (r = { rule, scope, tol, keys: 0, worstAbs: null, worstRel: null, tooTight: [] }));
        r.keys++;
        if (tol.info !== undefined) continue;
        const half = Math.max(s.max! - s.median, s.median - s.min!);
        const item: SpreadItem = { case: rec.case, checkpoint: cp.name, key, median: s.median, halfRange: half, allowed: allowedAround(tol, s.median) };
        if (!r.worstAbs || half > r.worstAbs.halfRange) r.worstAbs = item;
        const rel = (x: SpreadItem): number => (x.median === 0 ? (x.halfRange === 0 ? 0 : Infinity) : x.halfRange / Math.abs(x.median));
        if (!r.worstRel || rel(item) > rel(r.worstRel)) r.worstRel = item;
        if (half > item.allowed && !tol.range) r.tooTight.push(item);
      }
    }
  }
  // global rules first (in first-use order), then each case's rules
  return [...byRule.values()].sort((a, b) => (a.scope === b.scope ? 0 : a.scope === 'all cases' ? -1 : b.scope === 'all cases' ? 1 : a.scope.localeCompare(b.scope)));
}

function describe(x: SpreadItem | null): string {
  if (!x) return '—';
  const rel = x.median === 0 ? '' : ` (${((100 * x.halfRange) / Math.abs(x.median)).toFixed(2)}%)`;
  return `±${+x.halfRange.toPrecision(6)}${rel} at ${x.case}/${x.checkpoint} ${x.key}`;
}

function tolText(t: Tolerance): string {
  if (t.info !== undefined) return 'info';
  const parts: string[] = [];
  if (t.range) parts.push('min–max');
  if (t.abs !== undefined) parts.push(`abs ${t.abs}`);
  if (t.rel !== undefined) parts.push(`rel ${+(t.rel * 100).toPrecision(6)}%`);
  return parts.join(', ') || 'exact';
}

export function formatSpreads(rs: RuleSpread[], md: boolean): string {
  const rows = rs.map((r) => [r.scope, r.rule, tolText(r.tol), String(r.keys), describe(r.worstAbs), describe(r.worstRel), r.tooTight.length > 0 ? `TOO TIGHT ×${r.tooTight.length}` : r.tol.range ? 'range' : 'covers']);
  const head = ['scope', 'rule', 'tolerance', 'keys', 'largest half-range', 'largest relative half-range', 'check'];
  if (md) {
    return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`)].join('\n');
  }
  return [head, ...rows].map((r) => r.join('  ·  ')).join('\n');
}

/**
 * For every (case, rule) where the rule is too tight, the smallest relative
 * (and absolute) allowance that would cover that case's spread: the raw
 * material for a case rule in tolerances.ts.
 */
export function suggestions(rs: RuleSpread[]): string[] {
  const need = new Map<string, { rel: number; abs: number; n: number }>();
  for (const r of rs) {
    for (const t of r.tooTight) {
      const id = `${t.case}\u0000${r.rule}`;
      const cur = need.get(id) ?? { rel: 0, abs: 0, n: 0 };
      cur.rel = Math.max(cur.rel, t.median === 0 ? 0 : t.halfRange / Math.abs(t.median));
      cur.abs = Math.max(cur.abs, t.halfRange);
      cur.n++;
      need.set(id, cur);
    }
  }
  return [...need.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, v]) => {
      const [c, rule] = id.split('\u0000');
      return `${c}: ${rule}: needs rel ${(v.rel * 100).toFixed(2)}% or abs ${+v.abs.toPrecision(6)} (${v.n} keys)`;
    });
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** A byte or kB allowance as tolerances.ts writes it. */
function absText(a: number, kb: boolean): string {
  if (kb) return a % 1024 === 0 && a >= 1024 ? `${a / 1024} * 1024` : String(a);
  if (a % MiB === 0 && a >= MiB) return `${a / MiB} * MiB`;
  if (a % KiB === 0 && a >= KiB) return `${a / KiB} * KiB`;
  return String(a);
}

/** A half-range for a "why": objects as counts, kB keys and bytes as sizes. */
function human(x: number, key: string): string {
  const kb = key.endsWith('_kB');
  const v = kb ? x * 1024 : x;
  const p = (n: number): string => String(+n.toPrecision(3));
  if (/Objects|Frees|Mallocs|NumGC|:objects|cycles/.test(key)) return v >= 1e3 ? `${p(v / 1e3)}k` : p(v);
  if (v >= 1e6) return `${p(v / 1e6)} MB`;
  if (v >= 1e3) return `${p(v / 1e3)} ${kb ? 'kB' : 'KB'}`;
  return `${p(v)} B`;
}

/**
 * The case rules a recording needs: for every global rule too narrow for
 * the case's own spread (once its range and informational case rules have
 * taken their keys), the smallest allowance covering it — relative, or
 * absolute around a small median.
 */
export function caseRules(rec: Recording): string[] {
  const keep: Rule[] = (CASE_RULES[rec.case] ?? []).filter((r) => r.tol.range || r.tol.info !== undefined || r.at !== undefined);
  const need = new Map<string, { rel: number; abs: number; globalRel: number; maxHalf: number; worst: { rel: number; half: number; cp: string; key: string } }>();
  for (const cp of allRecordedKeys(rec)) {
    for (const [key, s] of Object.entries(cp.keys)) {
      if (s.median === undefined || keep.some((r) => matches(r.match, key) && (r.at === undefined || matches(r.at, cp.name)))) continue;
      const g = RULES.find((r) => matches(r.match, key));
      if (!g || g.tol.info !== undefined || g.tol.range) continue;
      const half = Math.max(s.max! - s.median, s.median - s.min!);
      if (half <= allowedAround(g.tol, s.median)) continue;
      let n = need.get(g.match);
      if (!n) need.set(g.match, (n = { rel: 0, abs: g.tol.abs ?? 0, globalRel: g.tol.rel ?? 0, maxHalf: 0, worst: { rel: 0, half: 0, cp: '', key } }));
      n.maxHalf = Math.max(n.maxHalf, half);
      if (s.median === 0) n.abs = Math.max(n.abs, half);
      else if (half / Math.abs(s.median) > n.rel) {
        n.rel = half / Math.abs(s.median);
        n.worst = { rel: n.rel, half, cp: cp.name, key };
      }
    }
  }
  const order = (m: string): number => RULES.findIndex((r) => r.match === m);
  return [...need.keys()]
    .sort((a, b) => order(a) - order(b))
    .map((m) => {
      const n = need.get(m)!;
      const kb = m.includes('_kB') || m.startsWith('smaps') || m.startsWith('proc.');
      const w = n.worst;
      let rel = Math.ceil((n.rel * 1.02 + 0.005) * 100) / 100;
      let abs = n.abs;
      let why = `±${(w.rel * 100).toFixed(1)}% (${human(w.half, w.key)} at ${w.cp})`;
      if (rel > 1.5) {
        // around a small median an absolute allowance says it better
        const unit = kb || /:objects$|HeapObjects$|Frees$/.test(m) ? 1024 : MiB;
        abs = Math.max(n.abs, Math.ceil((n.maxHalf * 1.02) / unit) * unit);
        rel = n.globalRel;
        why = `±${human(n.maxHalf, w.key)} around a small median (${w.cp})`;
      }
      return `    widen('${m}', ${rel}, ${absText(abs, kb)}, '${why}'),`;
    });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const recs = listCases()
    .map(loadRecording)
    .filter((r): r is Recording => r !== null);
  const rs = spreads(recs);
  const r = process.argv.indexOf('--rules');
  if (r >= 0) {
    for (const c of process.argv.slice(r + 1)) {
      const rec = recs.find((x) => x.case === c);
      if (!rec) throw new Error(`spread: no recording of ${c}`);
      console.log(`  // ${c}`);
      for (const l of caseRules(rec)) console.log(l);
    }
  } else if (process.argv.includes('--suggest')) {
    for (const l of suggestions(rs)) console.log(l);
  } else {
    console.log(formatSpreads(rs, process.argv.includes('--md')));
  }
}
