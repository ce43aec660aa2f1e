// The real runs' own spread, per tolerance rule: `npx tsx reality/spread.ts [--md]`.
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
import { toleranceFor, type Tolerance } from './tolerances.ts';

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
        const { rule, tol, scope } = lookup(rec.case, key);
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

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const recs = listCases()
    .map(loadRecording)
    .filter((r): r is Recording => r !== null);
  const rs = spreads(recs);
  if (process.argv.includes('--suggest')) {
    for (const l of suggestions(rs)) console.log(l);
  } else {
    console.log(formatSpreads(rs, process.argv.includes('--md')));
  }
}
