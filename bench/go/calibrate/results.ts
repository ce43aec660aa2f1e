// Pure helpers for bench/calibrate.ts: parse `go test -bench` output and
// GODEBUG=gctrace=1 lines, reduce repeated runs (median, spread), round,
// and fit linear models by least squares. No I/O here, so tests can feed
// recorded output (test/bench/calibrate_results.test.ts).

/** One result line of `go test -bench`: name, iterations, value per unit. */
export interface BenchLine {
  /** Without the "Benchmark" prefix and without a "-<GOMAXPROCS>" suffix. */
  name: string;
  iterations: number;
  /** unit → value, e.g. {"ns/op": 8.8, "cpu-ns/op": 8.9, "allocs/op": 1}. */
  metrics: Record<string, number>;
}

// "BenchmarkMallocSteady/tiny8-2 \t 3469 \t 8.831 ns/op \t 8 B/op ..."
const benchLine = /^Benchmark(\S+)\s+(\d+)\s+(.*)$/;

export function parseBenchOutput(text: string): BenchLine[] {
  const out: BenchLine[] = [];
  for (const raw of text.split('\n')) {
    const m = benchLine.exec(raw.trim());
    if (!m) continue;
    const fields = m[3]!.trim().split(/\s+/);
    if (fields.length % 2 !== 0) continue; // not a result line (e.g. a log line)
    const metrics: Record<string, number> = {};
    let ok = true;
    for (let i = 0; i < fields.length; i += 2) {
      const v = Number(fields[i]);
      if (!Number.isFinite(v)) {
        ok = false;
        break;
      }
      metrics[fields[i + 1]!] = v;
    }
    if (!ok) continue;
    out.push({ name: m[1]!.replace(/-\d+$/, ''), iterations: Number(m[2]), metrics });
  }
  return out;
}

/** One GODEBUG=gctrace=1 line's wall-clock phases, in ns. */
export interface GctraceCycle {
  n: number;
  /** Sweep termination STW, concurrent mark, mark termination STW (the "clock" triple). */
  sweepTermNs: number;
  markNs: number;
  markTermNs: number;
  procs: number;
  forced: boolean;
}

// gc 7 @0.107s 0%: 0.028+0.13+0.004 ms clock, 0.028+0/0.035/0.092+0.004 ms cpu, 64->64->0 MB, 8 MB goal, 0 MB stacks, 0 MB globals, 1 P (forced)
const gctraceLine = /^gc (\d+) @[\d.]+s \d+%: ([\d.]+)\+([\d.]+)\+([\d.]+) ms clock, .* (\d+) P( \(forced\))?$/;

export function parseGctrace(text: string): GctraceCycle[] {
  const out: GctraceCycle[] = [];
  for (const raw of text.split('\n')) {
    const m = gctraceLine.exec(raw.trim());
    if (!m) continue;
    out.push({
      n: Number(m[1]),
      sweepTermNs: Number(m[2]) * 1e6,
      markNs: Number(m[3]) * 1e6,
      markTermNs: Number(m[4]) * 1e6,
      procs: Number(m[5]),
      forced: m[6] !== undefined,
    });
  }
  return out;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of nothing');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** (max − min) / |median|: the run-to-run spread as a fraction. */
export function spread(xs: readonly number[]): number {
  const m = Math.abs(median(xs));
  if (m === 0) return 0;
  return (Math.max(...xs) - Math.min(...xs)) / m;
}

/** x rounded to `digits` significant digits (3 by default). */
export function roundSig(x: number, digits = 3): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}

/**
 * Ordinary least squares: coefficients c minimising Σ (rows[i]·c − y[i])².
 * Solves the normal equations by Gaussian elimination with partial pivoting;
 * fine for the 2–3 unknowns the calibration fits.
 */
export function leastSquares(rows: readonly number[][], y: readonly number[]): number[] {
  const k = rows[0]!.length;
  if (rows.length < k) throw new Error(`least squares: ${rows.length} points for ${k} unknowns`);
  const a = Array.from({ length: k }, () => new Array<number>(k + 1).fill(0));
  rows.forEach((r, i) => {
    for (let p = 0; p < k; p++) {
      for (let q = 0; q < k; q++) a[p]![q]! += r[p]! * r[q]!;
      a[p]![k]! += r[p]! * y[i]!;
    }
  });
  const scale = Math.max(...a.map((row, i) => Math.abs(row[i]!)));
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    const d = a[col]![col]!;
    if (Math.abs(d) <= 1e-12 * scale) throw new Error('least squares: singular system (the inputs do not separate the unknowns)');
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r]![col]! / d;
      for (let c = col; c <= k; c++) a[r]![c]! -= f * a[col]![c]!;
    }
  }
  return a.map((row, i) => row[k]! / a[i]![i]!);
}

// ── samples and the choice of quiet ones ──

/** One run of one benchmark. */
export interface Sample {
  /** unit → value, as the benchmark reported it (plus derived entries). */
  values: Record<string, number>;
  /** Other processes' CPU use meanwhile, in cores. */
  bg: number;
  /** Whether bg was metered over this benchmark alone (else: its whole process run). */
  metered: boolean;
  /** CPU ns per iteration of meter_test.go's probe loop: how fast the machine ran. */
  probe: number;
}

/** Every run of one benchmark, and the group (environment) it runs in. */
export interface Series {
  name: string;
  group: string;
  samples: Sample[];
}

export interface Quietness {
  /** Background load (cores) below which a sample can be quiet. */
  threshold: number;
  /** The fastest probe seen in the calibration, ns. */
  probeBest: number;
  /** A quiet sample's probe is at most probeBest × probeSlack. */
  probeSlack: number;
}

/** How far a sample is from quiet: ≤ 1 when quiet, larger the more contended. */
export function contention(s: { bg: number; probe: number }, q: Quietness): number {
  return Math.max(s.bg / q.threshold, s.probe / (q.probeBest * q.probeSlack));
}

/**
 * Which samples to use: the quiet ones (contention below 1) if there are
 * at least `want` of them; otherwise the least contended ⌈n/2⌉ (at least
 * `want`, at most n). Indexes in sample order.
 */
export function chooseSamples(samples: readonly { bg: number; probe: number }[], q: Quietness, want: number): number[] {
  const scored = samples.map((s, i) => [contention(s, q), i] as const);
  const quiet = scored.filter(([c]) => c < 1);
  const pick =
    quiet.length >= want
      ? quiet
      : [...scored].sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, Math.min(samples.length, Math.max(want, Math.ceil(samples.length / 2))));
  return pick.map(([, i]) => i).sort((a, b) => a - b);
}

/**
 * Indexes of the values within `slack` × the smallest (all of them when the
 * smallest is not positive, e.g. a pause gctrace printed as 0). Interference
 * here only ever slows a benchmark, and slows it by about 2× when it does,
 * so the values cluster around the uncontended cost and around twice that.
 */
export function fastCluster(values: readonly number[], slack: number): number[] {
  const min = Math.min(...values);
  return values.map((v, i) => [v, i] as const).filter(([v]) => !(min > 0) || v <= min * slack).map(([, i]) => i);
}

/** The value a benchmark is about: CPU ns per op, else mark CPU, else wall ns per op. */
export function primaryValue(s: Sample): number {
  return s.values['cpu-ns/op'] ?? s.values['mark-ns'] ?? s.values['ns/op'] ?? Number.NaN;
}

/**
 * The samples a constant is computed from: the quiet ones (chooseSamples)
 * that are also in the fast cluster of `values`; if none is both, the fast
 * cluster alone.
 */
export function usableSamples(samples: readonly Sample[], values: readonly number[], q: Quietness, want: number): number[] {
  const fast = new Set(fastCluster(values, q.probeSlack));
  const both = chooseSamples(samples, q, want).filter((i) => fast.has(i));
  return both.length > 0 ? both : [...fast].sort((a, b) => a - b);
}
