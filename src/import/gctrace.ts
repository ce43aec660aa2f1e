// Reading a GODEBUG=gctrace=1 log: the one line Go 1.19 and later print per
// GC cycle at the end of mark termination (runtime/mgc.go,
// gcMarkTermination), out of a service's stderr with its own lines mixed in.
//
//   gc 7 @0.349s 10%: 0.017+31+0.063 ms clock, 0.034+0.12/6.4/27+0.12 ms cpu, 55->60->17 MB, 69 MB goal, 0 MB stacks, 0 MB globals, 2 P (forced)
//
// gc N        memstats.numgc after this cycle
// @S s        when the cycle started (sweep termination), seconds since the runtime started
// P%          the GC's share of the CPU since the program started (GCCPUFraction, truncated)
// a+b+c ms clock   wall time of sweep termination, concurrent mark, mark termination
// a+b/c/d+e ms cpu CPU of sweep termination, assists / background workers / idle workers, mark termination
// H0->H1->H2 MB    heapLive when the cycle started, heapLive when mark ended, bytes marked
// G MB goal   the heap goal this cycle ran against
// S MB stacks scannable stack bytes (lastStackScan); X MB globals: data+bss scanned
// Q P         GOMAXPROCS
// (forced)    runtime.GC() or debug.FreeOSMemory started it
//
// Every MB is bytes >> 20: MiB, truncated. Other runtime lines a log may
// hold (the scavenger's "scav …" of scavtrace=1, Go 1.18's "scvg…") and the
// application's own lines are skipped. A line that starts like a gctrace line
// (`gc N @`) but cannot be read — another write landed in it, it was cut —
// is an error naming its line number, not a line silently lost: an importer
// that skipped it would see two cycles' allocation as one.

export interface GcCycle {
  /** The 1-based line of the log it was read from. */
  readonly line: number;
  /** The cycle's number (gc N). */
  readonly n: number;
  /** When the cycle started, seconds since the runtime started. */
  readonly atS: number;
  /** The GC's share of the CPU since the start, whole percent. */
  readonly cpuPct: number;
  /** Wall ms: sweep termination (STW), concurrent mark, mark termination (STW). */
  readonly clockMs: readonly [number, number, number];
  /** CPU ms: sweep termination, assists, background workers, idle workers, mark termination. */
  readonly cpuMs: readonly [number, number, number, number, number];
  /** MiB (truncated): heap at the cycle's start, at mark's end, marked. */
  readonly heap0MB: number;
  readonly heap1MB: number;
  readonly heap2MB: number;
  readonly goalMB: number;
  readonly stacksMB: number;
  readonly globalsMB: number;
  readonly procs: number;
  readonly forced: boolean;
}

export interface GctraceLog {
  readonly cycles: readonly GcCycle[];
  /** Lines that were not gctrace lines (the application's, the scavenger's, blank ones). */
  readonly otherLines: number;
  /** Of those, the scavenger's (scavtrace's "scav …", Go 1.18's "scvg…"). */
  readonly scavLines: number;
}

/** A log that cannot be read: the message names the file and the line. */
export class GctraceError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

// fmtNSAsMS prints whole milliseconds from 10 ms up and two significant
// digits (at most three decimals) below; itoaDiv the start time with three.
const num = String.raw`(\d+(?:\.\d+)?)`;
const int = String.raw`(\d+)`;
const cycleLine = new RegExp(
  String.raw`^gc ${int} @${num}s ${int}%: ${num}\+${num}\+${num} ms clock, ${num}\+${num}/${num}/${num}\+${num} ms cpu, ` +
    String.raw`${int}->${int}->${int} MB, ${int} MB goal, ${int} MB stacks, ${int} MB globals, ${int} P( \(forced\))?$`,
);
const startsLikeCycle = /^gc \d+ @/;
/** A log collector's prefix (a timestamp, a pod or unit name) in front of a whole gctrace line. */
const prefixed = /\sgc \d+ @\d/;
const scavenger = /^(scav \d|scvg)/;

function cycleOf(text: string, line: number): GcCycle | null {
  const m = cycleLine.exec(text);
  if (m === null) return null;
  const f = (i: number): number => Number(m[i]);
  return {
    line,
    n: f(1),
    atS: f(2),
    cpuPct: f(3),
    clockMs: [f(4), f(5), f(6)],
    cpuMs: [f(7), f(8), f(9), f(10), f(11)],
    heap0MB: f(12),
    heap1MB: f(13),
    heap2MB: f(14),
    goalMB: f(15),
    stacksMB: f(16),
    globalsMB: f(17),
    procs: f(18),
    forced: m[19] !== undefined,
  };
}

/** Which part of a line that starts like a gctrace line first fails to read, for the error. */
function whatIsWrong(text: string): string {
  const parts: [RegExp, string][] = [
    [/^gc \d+ @\d+(\.\d+)?s \d+%: /, 'the cycle number, start time or CPU share'],
    [/^gc \d+ @\S+ \d+%: [\d.]+\+[\d.]+\+[\d.]+ ms clock, /, 'the clock times'],
    [/ ms clock, [\d.]+\+[\d.]+\/[\d.]+\/[\d.]+\+[\d.]+ ms cpu, /, 'the CPU times'],
    [/ ms cpu, \d+->\d+->\d+ MB, /, 'the heap sizes (H0->H1->H2 MB)'],
    [/ MB, \d+ MB goal, /, 'the goal'],
    [/ MB goal, \d+ MB stacks, \d+ MB globals, /, 'the stacks or globals'],
    [/ MB globals, \d+ P( \(forced\))?$/, 'the P count or the end of the line'],
  ];
  for (const [re, what] of parts) if (!re.test(text)) return what;
  return 'the line';
}

function shown(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/**
 * The GC cycles of a log. `file` names it in errors. A line starting `gc N @`
 * must be a whole gctrace line; one with a prefix in front (a timestamp) is
 * taken when what follows the prefix is whole, and is the application's
 * otherwise. Cycle numbers must rise: a log holding two runs of a program
 * (gc 1 again after gc 40) is refused, as is a log with no cycle at all.
 * Start times are not checked (Go's are monotonic; the importer drops an
 * interval that does not go forward).
 */
export function parseGctrace(text: string, file: string): GctraceLog {
  const cycles: GcCycle[] = [];
  let otherLines = 0;
  let scavLines = 0;
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const t = lines[i]!.replace(/\r$/, '').trimEnd();
    let c: GcCycle | null = null;
    if (startsLikeCycle.test(t)) {
      c = cycleOf(t, line);
      if (c === null) throw new GctraceError(`${file}:${line}: not a gctrace line as Go 1.19+ prints it (cannot read ${whatIsWrong(t)}): ${shown(t)}`, line);
    } else {
      const p = prefixed.exec(t);
      if (p !== null) c = cycleOf(t.slice(p.index + 1), line);
    }
    if (c === null) {
      otherLines++;
      if (scavenger.test(t)) scavLines++;
      continue;
    }
    const prev = cycles[cycles.length - 1];
    if (prev !== undefined && c.n <= prev.n) {
      throw new GctraceError(
        `${file}:${line}: gc ${c.n} after gc ${prev.n} (line ${prev.line}): the log holds more than one run of the program; import one run`,
        line,
      );
    }
    cycles.push(c);
  }
  if (cycles.length === 0) throw new GctraceError(`${file}: no gctrace line (gc N @…s …, printed with GODEBUG=gctrace=1)`, 0);
  return { cycles, otherLines, scavLines };
}
