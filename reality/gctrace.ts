// GODEBUG=gctrace=1 lines: parsing them out of a program's stderr, and
// flattening one run's lines into "gctrace…" keys, the unit the recordings
// and the comparison work in (as checkpoint.ts does for CHECKPOINT lines).
//
// Go 1.23 prints one line per GC cycle at the end of mark termination
// (runtime/mgc.go, gcMarkTermination):
//
//   gc 7 @0.349s 10%: 0.017+31+0.063 ms clock, 0.034+0.12/6.4/27+0.12 ms cpu, 55->60->17 MB, 69 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)
//
//   gc N          the cycle (memstats.numgc after it)
//   @S s          when it started (sweep termination), seconds since the runtime started
//   P%            int(GCCPUFraction × 100): the GC's share of CPU since the program started
//   a+b+c ms clock  wall time of sweep termination (STW), concurrent mark, mark termination (STW)
//   a+b/c/d+e ms cpu  CPU time: sweep termination, mark assists / background workers
//                 (dedicated + fractional) / idle workers, mark termination
//   I->J->K MB    heap in use (HeapAlloc, >>20) when the cycle started, when mark ended, and
//                 marked live
//   L MB goal     the heap goal this cycle ran against
//   M MB stacks   stack bytes scanned (gcController.lastStackScan) that the next goal counts
//   G2 MB globals data+bss scanned (gcController.globalsScan)
//   Q P           GOMAXPROCS during the cycle
//   (forced)      runtime.GC() (or debug.FreeOSMemory) started it
//
// MB figures are bytes >> 20 (truncated, not rounded); clock and cpu numbers
// are host time and are kept in the recording but not compared.
//
// Flattened keys (one run's lines):
//   gctrace.cycles            number of lines
//   gctrace.last_cpu_pct      the P% of the last line
//   gctrace[N].heap0_MB  …heap1_MB, heap2_MB, goal_MB, stacks_MB, globals_MB, procs
//   gctrace[N].forced         1 or 0
//   gctrace[N].at_s           informational (host time)

import type { Value } from './checkpoint.ts';

export interface GctraceLine {
  /** The cycle number, 1-based. */
  n: number;
  /** Start of the cycle, seconds since the runtime started. */
  at_s: number;
  /** GC CPU share since the program started, in whole percent (truncated). */
  cpu_pct: number;
  /** Wall clock, ms: sweep termination, concurrent mark, mark termination. */
  clock_ms: [number, number, number];
  /** CPU, ms: sweep termination, assists, background workers, idle workers, mark termination. */
  cpu_ms: [number, number, number, number, number];
  heap0_MB: number;
  heap1_MB: number;
  heap2_MB: number;
  goal_MB: number;
  stacks_MB: number;
  globals_MB: number;
  procs: number;
  forced: boolean;
}

const NUM = String.raw`(\d+(?:\.\d+)?)`;
const LINE = new RegExp(
  String.raw`^gc (\d+) @${NUM}s (\d+)%: ${NUM}\+${NUM}\+${NUM} ms clock, ${NUM}\+${NUM}/${NUM}/${NUM}\+${NUM} ms cpu, ` +
    String.raw`(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (\d+) MB stacks, (\d+) MB globals, (\d+) P( \(forced\))?$`,
);

/** True for a line gctrace printed (or started to print): `gc N @…`. */
export function isGctraceLine(line: string): boolean {
  return /^gc \d+ @/.test(line);
}

/** One gctrace line's fields, or null when the line is not a whole gctrace line. */
export function parseGctraceLine(line: string): GctraceLine | null {
  const m = LINE.exec(line.trimEnd());
  if (!m) return null;
  const n = (i: number): number => Number(m[i]);
  return {
    n: n(1),
    at_s: n(2),
    cpu_pct: n(3),
    clock_ms: [n(4), n(5), n(6)],
    cpu_ms: [n(7), n(8), n(9), n(10), n(11)],
    heap0_MB: n(12),
    heap1_MB: n(13),
    heap2_MB: n(14),
    goal_MB: n(15),
    stacks_MB: n(16),
    globals_MB: n(17),
    procs: n(18),
    forced: m[19] !== undefined,
  };
}

/**
 * Splits a program's stderr into its gctrace lines (parsed) and its other
 * lines. A line that starts like a gctrace line but does not parse (another
 * thread's write landed inside it) is reported in `malformed`, not dropped
 * silently.
 */
export function parseGctrace(stderr: string): { lines: GctraceLine[]; other: string[]; malformed: string[] } {
  const lines: GctraceLine[] = [];
  const other: string[] = [];
  const malformed: string[] = [];
  for (const line of stderr.split('\n')) {
    if (line === '') continue;
    if (isGctraceLine(line)) {
      const g = parseGctraceLine(line);
      if (g) lines.push(g);
      else malformed.push(line);
    } else {
      other.push(line);
    }
  }
  return { lines, other, malformed };
}

/** The compared fields of each cycle, in the order rows are shown. */
export const CYCLE_FIELDS = ['heap0_MB', 'heap1_MB', 'heap2_MB', 'goal_MB', 'stacks_MB', 'globals_MB', 'procs', 'forced', 'at_s'] as const;

/** One run's gctrace lines as flattened keys (see the header). */
export function flattenGctrace(lines: readonly GctraceLine[]): Map<string, Value> {
  const out = new Map<string, Value>();
  out.set('gctrace.cycles', lines.length);
  if (lines.length > 0) out.set('gctrace.last_cpu_pct', lines[lines.length - 1]!.cpu_pct);
  for (const l of lines) {
    for (const f of CYCLE_FIELDS) {
      const v = l[f];
      out.set(`gctrace[${l.n}].${f}`, typeof v === 'boolean' ? (v ? 1 : 0) : v);
    }
  }
  return out;
}
