// `gomem advise`: which GOMEMLIMIT and GOGC to set for a container of a
// given size. The candidates are the settings Go's GC guide discusses for a
// container — GOGC at 50, 100 (the default), 200 and off, each without a
// memory limit and with GOMEMLIMIT at 80%, 90% and 95% of the container —
// run as a what-if sweep in that container. Each is judged from its row:
// in a death spiral (spiral.ts), killed by the OOM killer, with less than
// 5% of the container to spare, or fine. Of the fine ones, those within
// half a percent of the CPU (or a tenth, when more) of the least GC CPU are
// as good; of those, GOGC=100 is preferred (the default, which a limit
// alone then guards: the GC guide's advice for a container), then the most
// headroom, then the earlier candidate. When none is fine or tight, the
// words name the one that held longest: to its death spiral's start, or to
// its kill. This file is that choice and its words; src/cli/advise.ts runs
// the sweep.

import { formatDuration } from '../go/units.ts';
import type { Row } from './outcome.ts';
import { mib } from './report.ts';
import type { ReportEntry } from './report.ts';

/** GOGC values tried, the default first. */
export const adviseGogc = ['100', '50', '200', 'off'] as const;
/** GOMEMLIMIT as percentages of the container's limit ("off": none). */
export const adviseLimitPercents = [80, 90, 95] as const;
/** Less headroom than this share of the container is too tight to recommend. */
export const minHeadroom = 0.05;
/** GC CPU within this share of the CPU of the least (or a tenth of it, when more) is as good. */
const cpuTie = 0.005;

const MiB = 1 << 20;

/** GOMEMLIMIT values for a container of `limit` bytes: off, then each percentage in whole MiB (rounded down), in Go's syntax. */
export function adviseMemlimits(limit: number): string[] {
  return ['off', ...adviseLimitPercents.map((p) => `${Math.floor((limit * p) / 100 / MiB)}MiB`)];
}

export type Verdict = 'fine' | 'tight' | 'spiral' | 'killed' | 'ended';

export interface Judged {
  gogc: string;
  memlimit: string;
  row: Row;
  verdict: Verdict;
  /** The container's limit less the run's peak charge, bytes. */
  headroom: number;
}

export interface Advice {
  limit: number;
  judged: Judged[];
  best: Judged | null;
  /** The advice in plain words, a line each. */
  words: string[];
}

function judge(row: Row, limit: number): Verdict {
  // A spiral is named before the kill it usually ends in: it is the cause to see.
  if (row.spiral !== null) return 'spiral';
  if (row.outcome === 'oom-kill') return 'killed';
  if (row.outcome !== 'exit' && row.outcome !== 'time-limit') return 'ended';
  if (limit - row.peakCharge < limit * minHeadroom) return 'tight';
  return 'fine';
}

const gcCpu = (r: Row): string => `${(r.gcCpuFraction * 100).toFixed(1)}%`;
const at = (ns: number): string => formatDuration(Math.round(ns / 1e6) * 1e6);
/** Between candidates otherwise alike: GOGC=100 first (the default, a limit alone guarding it), then the most headroom; sorts are stable, so then the earlier. */
const preferred = (a: Judged, b: Judged): number => (a.gogc === '100' ? 0 : 1) - (b.gogc === '100' ? 0 : 1) || b.headroom - a.headroom;
const setting = (j: Judged): string => `GOGC=${j.gogc}${j.memlimit === 'off' ? ', no GOMEMLIMIT' : ` GOMEMLIMIT=${j.memlimit}`}`;

/** The advice from the sweep's entries (settings GOGC and GOMEMLIMIT, absent meaning the default). */
export function advise(entries: readonly ReportEntry[], limit: number, limitText: string, durationText: string): Advice {
  const judged: Judged[] = [];
  for (const e of entries) {
    if (e.result === null) continue;
    const row = e.result.row;
    judged.push({ gogc: e.config.settings.GOGC ?? '100', memlimit: e.config.settings.GOMEMLIMIT ?? 'off', row, verdict: judge(row, limit), headroom: limit - row.peakCharge });
  }
  const fine = judged.filter((j) => j.verdict === 'fine');
  let best: Judged | null = null;
  if (fine.length > 0) {
    const least = Math.min(...fine.map((j) => j.row.gcCpuFraction));
    best = fine.filter((j) => j.row.gcCpuFraction <= least + Math.max(cpuTie, least / 10)).sort(preferred)[0]!;
  }
  const words: string[] = [];
  const share = (j: Judged): string => `${Math.round((j.row.peakCharge / limit) * 100)}% of ${limitText}`;
  if (best !== null) {
    words.push(`For a ${limitText} container: set ${best.memlimit === 'off' ? 'no GOMEMLIMIT' : `GOMEMLIMIT=${best.memlimit}`} and GOGC=${best.gogc}.`);
    words.push(
      `  Predicted over ${durationText}: peak RSS ${mib(best.row.peakRss)}, container charge ${mib(best.row.peakCharge)} (${share(best)}, ${mib(best.headroom)} to spare), GC ${gcCpu(best.row)} of the CPU.`,
    );
  } else {
    const tight = judged.filter((j) => j.verdict === 'tight').sort((a, b) => b.headroom - a.headroom)[0];
    if (tight !== undefined) {
      words.push(`For a ${limitText} container: no setting leaves ${Math.round(minHeadroom * 100)}% of it to spare over ${durationText}.`);
      words.push(`  The most headroom: ${setting(tight)}, container charge ${mib(tight.row.peakCharge)} (${share(tight)}), GC ${gcCpu(tight.row)} of the CPU: a larger container is safer.`);
    } else {
      // How long a candidate held: to its death spiral's start, else to its end (the kill).
      // Candidates that spiral but are not killed all reach the duration's end; their ends
      // differ by microseconds, so ranking by the end alone picked one at random among them.
      const held = (j: Judged): number => (j.row.spiral !== null ? j.row.spiral.atNs : j.row.endNs);
      const longest = [...judged].sort((a, b) => held(b) - held(a) || preferred(a, b))[0];
      const survivors = judged.some((j) => j.row.outcome === 'exit' || j.row.outcome === 'time-limit');
      words.push(
        survivors
          ? `For a ${limitText} container: every setting tried is OOM-killed or enters a death spiral within ${durationText}; the workload needs a larger container.`
          : `For a ${limitText} container: every setting tried fails within ${durationText}; the workload needs a larger container.`,
      );
      if (longest !== undefined && longest.row.spiral !== null) {
        const spare = `with ${mib(Math.max(0, longest.headroom))} to spare`;
        const o = longest.row.outcome;
        const end = o === 'oom-kill' ? `OOM-killed at ${at(longest.row.endNs)}` : o === 'exit' ? `the program ends at ${at(longest.row.endNs)} ${spare}` : o === 'time-limit' ? `still running at ${at(longest.row.endNs)} ${spare}` : `ended (${o}) at ${at(longest.row.endNs)}`;
        words.push(`  The latest into a death spiral: ${setting(longest)}, from ${at(longest.row.spiral.atNs)}; ${end}.`);
      } else if (longest !== undefined) {
        words.push(`  The longest run: ${setting(longest)}, ${longest.verdict === 'killed' ? 'OOM-killed' : 'ended'} at ${at(longest.row.endNs)}.`);
      }
    }
  }
  const dflt = judged.find((j) => j.gogc === '100' && j.memlimit === 'off');
  if (dflt !== undefined && dflt !== best) {
    const fate =
      dflt.verdict === 'killed'
        ? `is OOM-killed at ${at(dflt.row.endNs)}`
        : dflt.verdict === 'spiral'
          ? `enters a death spiral at ${at(dflt.row.spiral!.atNs)}`
          : dflt.verdict === 'tight'
            ? `survives with ${mib(dflt.headroom)} to spare (${share(dflt)})`
            : `survives: charge ${mib(dflt.row.peakCharge)}, GC ${gcCpu(dflt.row)} of the CPU`;
    words.push(`With Go's defaults (GOGC=100, no GOMEMLIMIT) it ${fate}.`);
  }
  for (const j of judged.filter((x) => x.verdict === 'spiral')) {
    const s = j.row.spiral!;
    const end = j.row.outcome === 'oom-kill' ? `; it is OOM-killed at ${at(j.row.endNs)}` : '';
    words.push(
      `Death spiral with ${setting(j)}: from ${at(s.atNs)} the GC CPU limiter has been on more than half of every 10 s (since ${at(s.limiterFromNs)}) while the heap still grows (${mib(s.heapFrom)} → ${mib(s.heapTo)})${end}.`,
    );
  }
  return { limit, judged, best, words };
}

const verdictText: Record<Verdict, string> = { fine: 'fine', tight: 'tight', spiral: 'death spiral', killed: 'OOM-killed', ended: 'ended' };

/** The candidates' table: settings, verdict, peak RSS and charge, headroom, GC CPU, limiter time. */
export function adviceTable(a: Advice): string {
  const head = ['GOGC', 'GOMEMLIMIT', 'verdict', 'at', 'peak RSS', 'peak charge', 'headroom', 'GC CPU', 'limiter on'];
  const rows = a.judged.map((j) => [
    j.gogc,
    j.memlimit,
    verdictText[j.verdict] + (j === a.best ? ' ←' : ''),
    at(j.row.endNs),
    mib(j.row.peakRss),
    mib(j.row.peakCharge),
    mib(Math.max(0, j.headroom)),
    gcCpu(j.row),
    at(j.row.limiterNs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}
