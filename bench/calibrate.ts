// Calibrates gomem's virtual-time cost model against real Go on this machine:
// builds the Go microbenchmarks in bench/go/calibrate, runs them, reduces
// them to the constants src/sim/cost.ts reads (bench/go/calibrate/reduce.ts)
// and writes src/sim/costs.json (generated: do not edit by hand).
//
//   npm run bench -- calibrate                      rewrite src/sim/costs.json
//   npm run bench -- calibrate --out=/tmp/c.json    write elsewhere (to compare runs)
//   npm run bench -- calibrate --only=checkpoint    measure only these groups (comma-separated);
//                                                   the others' samples are read back from the file
//   options: --rounds=N (3)  --want=N (3)  --budget=SECONDS (900)
//            --threshold=CORES (0.35)  --slack=RATIO (1.3)
//
// The machine is shared (2 vCPUs; other people's tests and builds run on
// it), and a busy neighbour inflates even the CPU time we measure: it
// evicts our data from the shared L3 and takes memory bandwidth
// (BenchmarkMallocSteady/noscan64: 14.6 ns of CPU per op on a quiet machine,
// 29.9 ns beside a busy one), and so, in phases of seconds to minutes,
// does something outside this VM that /proc/stat does not show (the same
// benchmark at 8.6 or 17.4 ns with the machine otherwise idle). So every
// benchmark meters the other processes' CPU use while it runs, and times a
// fixed probe loop before and after (bench/go/calibrate/meter_test.go). A
// sample is quiet when the background load was below --threshold cores and
// its probe ran at most --slack times slower than the fastest probe of the
// calibration. The probe does not catch every slow phase (it slowed less
// than memory-heavy benchmarks did), and interference only ever slows a
// benchmark, by about 2× when it does: so a sample is used only if it is
// also within --slack of the benchmark's fastest sample. Then:
//
//   1. Every group runs --rounds times (-test.count=1 each time, so a burst
//      of load spoils one sample of a few benchmarks, not all of one).
//   2. Each benchmark with fewer than --want quiet samples is run again,
//      each time after waiting (up to 20 s) for the machine to look quiet,
//      until it has them or the --budget of seconds runs out.
//   3. A constant is the median over the benchmark's usable samples (see
//      usableSamples); its spread ((max − min)/median) is kept beside it,
//      and every sample's raw values, background load and probe stay in
//      "measurements", with the samples used.
//
// Run without a name (`npm run bench`, every benchmark), it only prints a
// line saying how to run it: calibration takes many minutes and rewrites a
// checked-in file.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { reduce, View } from './go/calibrate/reduce.ts';
import { contention, fastCluster, median, parseBenchOutput, parseGctrace, primaryValue, roundSig, type Quietness, type Series } from './go/calibrate/results.ts';

const goDir = fileURLToPath(new URL('./go/calibrate/', import.meta.url));
const defaultOut = fileURLToPath(new URL('../src/sim/costs.json', import.meta.url));

/** One invocation of the test binary: which benchmarks, in which environment. */
interface Group {
  id: string;
  bench: string;
  benchtime: string;
  env: Record<string, string>;
  /** Appended to benchmark names ("GCSmallHeap@p2") when a benchmark runs in two groups. */
  tag?: string;
  /** Its output carries GODEBUG=gctrace=1 lines (of forced or of heap-triggered cycles) to summarise into its one benchmark's sample. */
  gctrace?: 'forced' | 'natural';
  /** Re-run as a whole (one benchmark per process), not by benchmark name. */
  whole?: boolean;
}

/** GC never starts by itself (runtime.GC() only), one P unless the case is about Ps. */
const calm = { GOGC: 'off', GOMAXPROCS: '1' };

/**
 * Fresh-heap malloc cases: one process each (see allocFresh), with a fixed
 * count that allocates about 128 MiB, so the heap grows through a couple of
 * arenas and the per-op figure includes that growth amortised.
 */
const freshCounts: Record<string, number> = {
  tiny8: 16 << 20,
  noscan16: 8 << 20,
  noscan64: 2 << 20,
  noscan1024: 128 << 10,
  noscan8192: 16 << 10,
  noscan32768: 4 << 10,
  scan16: 8 << 20,
  scan64: 2 << 20,
  scan512: 256 << 10,
  scan1024: 112 << 10,
  scan8192: 14 << 10,
  large40k: 3200,
  large1m: 128,
  scanlarge40k: 3200,
};

const groups: Group[] = [
  { id: 'malloc', bench: '^Benchmark(MallocSteady|SinkStore)$', benchtime: '200ms', env: calm },
  { id: 'memclr', bench: '^BenchmarkMemclr(Hot|Warm|Cold)$', benchtime: '200ms', env: calm },
  { id: 'fault', bench: '^BenchmarkPageFault$', benchtime: '200ms', env: calm },
  { id: 'syscall', bench: '^BenchmarkSyscall$', benchtime: '200ms', env: calm },
  { id: 'sched', bench: '^Benchmark(GoroutineCreate|ChanBuffered|ChanHandoff|Gosched|GoschedPingPong)$', benchtime: '200ms', env: calm },
  { id: 'sleep', bench: '^BenchmarkSleep$', benchtime: '200ms', env: calm },
  // Two Ps (the benchmark sets GOMAXPROCS itself): the wake-up of a P whose M sleeps.
  { id: 'wake', bench: '^BenchmarkWakeIdleP$', benchtime: '300x', env: calm },
  { id: 'checkpoint', bench: '^BenchmarkCheckpoint$', benchtime: '300ms', env: calm },
  { id: 'gc', bench: '^BenchmarkGC(Mark|Empty|StackScan)$', benchtime: '300ms', env: calm },
  { id: 'markspans', bench: '^BenchmarkGCMarkSpans$', benchtime: '300ms', env: calm },
  { id: 'sweep', bench: '^BenchmarkGCSweep$', benchtime: '100ms', env: calm },
  ...[1, 2].flatMap((p): Group[] => [
    {
      id: `stw-forced-p${p}`,
      bench: '^BenchmarkGCSmallHeap$',
      benchtime: '200ms',
      env: { ...calm, GOMAXPROCS: String(p), GODEBUG: 'gctrace=1' },
      tag: `@p${p}`,
      gctrace: 'forced',
      whole: true,
    },
    {
      id: `stw-natural-p${p}`,
      bench: '^BenchmarkGCNatural$',
      benchtime: '200ms',
      env: { GOGC: '100', GOMAXPROCS: String(p), GODEBUG: 'gctrace=1', CALIBRATE_NO_BALLAST: '1' },
      tag: `@p${p}`,
      gctrace: 'natural',
      whole: true,
    },
  ]),
  ...Object.entries(freshCounts).map(([c, n]) => ({ id: `fresh/${c}`, bench: `^BenchmarkMallocFresh$/^${c}$`, benchtime: `${n}x`, env: calm, whole: true })),
];

interface Options {
  rounds: number;
  want: number;
  budget: number;
  threshold: number;
  slack: number;
  out: string;
  named: boolean;
  /** --only=GROUP,…: measure these groups only; the others' samples come from the file being rewritten. */
  only: string[] | null;
}

/** The probe's speed on this machine at full speed (meter_test.go), to say when a whole calibration ran slowed. */
const probeFullSpeedNs = 0.45;

function options(): Options {
  const o: Options = { rounds: 3, want: 3, budget: 900, threshold: 0.35, slack: 1.3, out: defaultOut, named: false, only: null };
  for (const a of process.argv.slice(2)) {
    if (a === 'calibrate') o.named = true;
    if (a.startsWith('--only=')) o.only = a.slice('--only='.length).split(',').filter((x) => x !== '');
    const m = /^--(rounds|want|budget|threshold|slack|out)=(.+)$/.exec(a);
    if (!m) continue;
    if (m[1] === 'out') o.out = m[2]!;
    else o[m[1] as 'rounds' | 'want' | 'budget' | 'threshold' | 'slack'] = Number(m[2]);
  }
  return o;
}

/** The quietness rule with the fastest probe seen so far. */
function quietness(series: Map<string, Series>, opts: Options): Quietness {
  let best = Infinity;
  for (const s of series.values()) for (const x of s.samples) best = Math.min(best, x.probe);
  return { threshold: opts.threshold, probeBest: best, probeSlack: opts.slack };
}

export async function run(): Promise<void> {
  const opts = options();
  if (!opts.named) {
    console.log(JSON.stringify({ bench: 'calibrate', skipped: 'takes many minutes and rewrites src/sim/costs.json; run it by name: npm run bench -- calibrate' }));
    return;
  }
  const goVersion = sh('go', ['version']);
  if (goVersion === null) {
    console.error('gomem bench calibrate: Go is not installed (`go version` failed); install Go 1.23 with scripts/install-go.sh, then run `npm run bench -- calibrate` again');
    process.exit(1);
  }
  if (!/go1\.23(\.|\s)/.test(goVersion)) {
    console.error(`gomem bench calibrate: warning: gomem models Go 1.23 but ${goVersion} is installed; the constants will describe that Go instead`);
  }

  const unknown = (opts.only ?? []).filter((id) => !groups.some((g) => g.id === id));
  if (unknown.length > 0 || opts.only?.length === 0) {
    console.error(`gomem bench calibrate: --only: unknown group ${unknown.join(', ') || '(none given)'} (groups: ${groups.map((g) => g.id).join(', ')})`);
    process.exit(1);
  }
  const selected = opts.only === null ? groups : groups.filter((g) => opts.only!.includes(g.id));
  // With --only, the other groups' samples are the ones the file already holds: every constant is reduced again from them.
  const previous = opts.only === null ? null : (JSON.parse(readFileSync(existsSync(opts.out) ? opts.out : defaultOut, 'utf8')) as CostsFile);

  const tmp = mkdtempSync(join(tmpdir(), 'gomem-calibrate-'));
  const binary = join(tmp, 'calibrate.test');
  try {
    const build = spawnSync('go', ['test', '-c', '-o', binary, '.'], { cwd: goDir, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    if (build.status !== 0) {
      console.error(`gomem bench calibrate: building the Go benchmarks failed:\n${build.stderr}`);
      process.exit(1);
    }
    const date = new Date().toISOString();
    const load0 = loadavg();
    const series = previous === null ? new Map<string, Series>() : storedSeries(previous, opts.only!);
    for (let r = 0; r < opts.rounds; r++) {
      for (const g of selected) runGroup(binary, g, null, series, `round ${r + 1}/${opts.rounds}: ${g.id}`);
    }
    const topUps = await topUp(binary, series, opts, selected);

    const q = quietness(series, opts);
    const view = new View(series, { ...q, want: opts.want });
    const { costs, warnings, checks } = reduce(view);
    const here: MachineInfo = {
      go: goVersion,
      cpu: cpuModel(),
      cpus: Number(sh('nproc', []) ?? 0),
      kernel: release(),
      thp: readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8').trim(),
      date,
      loadavg1: [load0, loadavg()],
    };
    if (q.probeBest > probeFullSpeedNs * opts.slack) {
      warnings.unshift(`the machine never ran at full speed during this calibration (fastest probe ${roundSig(q.probeBest)} ns, full speed ≤ ${probeFullSpeedNs} ns): every constant is inflated; calibrate again later`);
    }
    const file = {
      generated: 'by bench/calibrate.ts (npm run bench -- calibrate); do not edit',
      measuredOn:
        previous === null
          ? here
          : { ...previous.measuredOn, updated: [...(previous.measuredOn.updated ?? []), { groups: opts.only, ...here }] },
      method: {
        rounds: opts.rounds,
        want: opts.want,
        quietBelowCores: opts.threshold,
        probeBestNs: roundSig(q.probeBest),
        probeSlack: opts.slack,
        topUpRuns: topUps,
        commands: Object.fromEntries(groups.map((g) => [g.id, command(g, g.bench)])),
        note: 'cpu-ns: process CPU time (CLOCK_PROCESS_CPUTIME_ID); bg: other processes\' CPU use meanwhile, in cores; probe: meter_test.go probe loop, ns per iteration; used: the samples each constant was computed from (1-based)',
      },
      warnings,
      checks,
      costs,
      measurements: Object.fromEntries(
        [...series.values()].map((s) => {
          const units = [...new Set(s.samples.flatMap((x) => Object.keys(x.values)))];
          return [
            s.name,
            {
              group: s.group,
              bg: s.samples.map((x) => roundSig(x.bg, 2)),
              probe: s.samples.map((x) => roundSig(x.probe, 3)),
              used: view.used(s.name).map((i) => i + 1),
              ...Object.fromEntries(units.map((u) => [u, s.samples.map((x) => roundSig(x.values[u] ?? Number.NaN, 4))])),
            },
          ];
        }),
      ),
    };
    writeFileSync(opts.out, formatJson(file) + '\n');
    for (const [name, c] of Object.entries(costs)) console.log(JSON.stringify({ bench: 'calibrate', name, ...c }));
    for (const c of checks) console.log(JSON.stringify({ bench: 'calibrate', check: c.what, measuredNs: c.measuredNs, modelNs: c.modelNs, error: c.error }));
    for (const w of warnings) console.error(`gomem bench calibrate: warning: ${w}`);
    console.error(`gomem bench calibrate: wrote ${opts.out}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Runs the benchmarks of group `g` matching `bench` (the whole group when
 * null) once, adding one sample to each benchmark's series.
 */
function runGroup(binary: string, g: Group, bench: string | null, series: Map<string, Series>, label: string): void {
  const argv = ['-test.run=^$', `-test.bench=${bench ?? g.bench}`, '-test.benchmem', `-test.benchtime=${g.benchtime}`, '-test.count=1'];
  console.error(`gomem bench calibrate: ${label}`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['GOGC', 'GOMEMLIMIT', 'GODEBUG', 'GOMAXPROCS', 'CALIBRATE_NO_BALLAST']) delete env[k];
  const s0 = machineBusy();
  const t0 = performance.now();
  const r = spawnSync(binary, argv, { cwd: goDir, encoding: 'utf8', env: { ...env, ...g.env }, maxBuffer: 256 << 20 });
  const wall = (performance.now() - t0) / 1e3;
  const busy = machineBusy() - s0;
  if (r.status !== 0) throw new Error(`calibrate: ${g.id} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const own = /^calibrate: process cpu-ns (\d+)$/m.exec(r.stderr);
  if (!own) throw new Error(`calibrate: ${g.id}: the benchmark binary did not report its CPU time`);
  const runBg = Math.max(0, busy - Number(own[1]) / 1e9) / wall;
  const lines = parseBenchOutput(r.stdout);
  if (lines.length === 0) throw new Error(`calibrate: ${g.id}: no benchmark results in:\n${r.stdout}`);
  for (const line of lines) {
    const name = line.name + (g.tag ?? '');
    const values: Record<string, number> = { ...line.metrics, iterations: line.iterations };
    if (g.gctrace) {
      const cycles = parseGctrace(r.stderr).filter((c) => c.forced === (g.gctrace === 'forced'));
      if (cycles.length === 0) throw new Error(`calibrate: ${g.id}: no gctrace lines on stderr`);
      values['gctrace-sweepterm-ns'] = median(cycles.map((c) => c.sweepTermNs));
      values['gctrace-mark-ns'] = median(cycles.map((c) => c.markNs));
      values['gctrace-markterm-ns'] = median(cycles.map((c) => c.markTermNs));
      values['gctrace-cycles'] = cycles.length;
    }
    // A benchmark metered long enough speaks for itself; otherwise the run's figure.
    const metered = (line.metrics['bg-s'] ?? 0) >= 0.1;
    const probe = line.metrics['probe-ns'];
    if (probe === undefined) throw new Error(`calibrate: ${name} did not report probe-ns (meter missing?)`);
    const sample = { values, bg: metered ? line.metrics['bg-cores']! : runBg, metered, probe };
    const s = series.get(name) ?? { name, group: g.id, samples: [] };
    s.samples.push(sample);
    series.set(name, s);
  }
}

/**
 * Step 2 of the file comment: more samples, taken when quiet, for
 * benchmarks short of quiet ones. A group most of whose benchmarks are
 * short is re-run whole (each benchmark is metered on its own anyway);
 * otherwise its short benchmarks are re-run one by one.
 */
async function topUp(binary: string, series: Map<string, Series>, opts: Options, selected: Group[]): Promise<number> {
  const deadline = performance.now() + opts.budget * 1e3;
  const quietCount = (s: Series) => {
    const q = quietness(series, opts); // the fastest probe so far
    const fast = new Set(fastCluster(s.samples.map(primaryValue), opts.slack));
    return s.samples.filter((x, i) => contention(x, q) < 1 && fast.has(i)).length;
  };
  let runs = 0;
  for (;;) {
    const all = [...series.values()].filter((s) => selected.some((g) => g.id === s.group));
    const short = all.filter((s) => quietCount(s) < opts.want);
    if (short.length === 0) return runs;
    for (const g of selected) {
      const mine = short.filter((s) => s.group === g.id);
      if (mine.length === 0) continue;
      const total = all.filter((s) => s.group === g.id).length;
      const whole = g.whole || mine.length * 2 >= total;
      for (const s of whole ? [mine[0]!] : mine) {
        if (performance.now() > deadline) {
          const left = all.filter((x) => quietCount(x) < opts.want).map((x) => x.name);
          console.error(`gomem bench calibrate: top-up budget spent; ${left.length} benchmarks have fewer than ${opts.want} quiet samples`);
          return runs;
        }
        const bg = await waitQuiet(opts.threshold, 20);
        const what = whole ? `group ${g.id} (${mine.length}/${total} short of quiet samples)` : `${s.name} (${quietCount(s)}/${opts.want} quiet)`;
        runGroup(binary, g, whole ? null : benchRegex(s.name, g.tag), series, `top-up, machine at ${bg.toFixed(2)} cores: ${what}`);
        runs++;
      }
    }
  }
}

/** Where and when a calibration ran (costs.json "measuredOn"; "updated" lists --only runs after it). */
interface MachineInfo {
  go: string;
  cpu: string;
  cpus: number;
  kernel: string;
  thp: string;
  date: string;
  loadavg1: number[];
  updated?: (MachineInfo & { groups: string[] })[];
}

/** The parts of a costs.json that --only reads back. */
interface CostsFile {
  measuredOn: MachineInfo;
  measurements: Record<string, Record<string, unknown>>;
}

/** The samples a costs.json holds for the benchmarks of groups other than `except`, as runGroup made them. */
function storedSeries(file: CostsFile, except: string[]): Map<string, Series> {
  const series = new Map<string, Series>();
  for (const [name, m] of Object.entries(file.measurements)) {
    const group = m.group as string;
    if (except.includes(group)) continue;
    const bg = m.bg as number[];
    const probe = m.probe as number[];
    const units = Object.keys(m).filter((k) => !['group', 'bg', 'probe', 'used'].includes(k));
    const samples = bg.map((b, i) => {
      const values: Record<string, number> = {};
      for (const u of units) {
        const v = (m[u] as (number | null)[])[i];
        if (typeof v === 'number') values[u] = v;
      }
      return { values, bg: b, metered: true, probe: probe[i]! };
    });
    series.set(name, { name, group, samples });
  }
  return series;
}

/** Waits until the machine's busy time over the last second is below `threshold` cores (we are idle meanwhile), or `maxSeconds`. */
async function waitQuiet(threshold: number, maxSeconds: number): Promise<number> {
  const t0 = performance.now();
  const window: { t: number; busy: number }[] = [{ t: t0, busy: machineBusy() }];
  for (;;) {
    await sleep(250);
    const now = { t: performance.now(), busy: machineBusy() };
    window.push(now);
    while (window.length > 2 && now.t - window[1]!.t >= 1000) window.shift();
    const first = window[0]!;
    const load = now.t > first.t ? (now.busy - first.busy) / ((now.t - first.t) / 1e3) : Infinity;
    if ((now.t - first.t >= 1000 && load < threshold) || now.t - t0 >= maxSeconds * 1e3) return load;
  }
}

/** -test.bench pattern for one (sub-)benchmark: each level anchored and escaped. */
function benchRegex(name: string, tag?: string): string {
  const plain = tag && name.endsWith(tag) ? name.slice(0, -tag.length) : name;
  return plain
    .split('/')
    .map((part, i) => `^${i === 0 ? 'Benchmark' : ''}${part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)
    .join('/');
}

function command(g: Group, bench: string): string {
  const quote = (s: string) => (/^[\w=.\-/]+$/.test(s) ? s : `'${s}'`);
  const argv = ['-test.run=^$', `-test.bench=${bench}`, '-test.benchmem', `-test.benchtime=${g.benchtime}`, '-test.count=1'];
  return `${Object.entries(g.env).map(([k, v]) => `${k}=${v}`).join(' ')} calibrate.test ${argv.map(quote).join(' ')}`;
}

/** CPU time all CPUs spent busy since boot, in seconds (/proc/stat, USER_HZ = 100; steal counts as busy). */
function machineBusy(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100;
}

function sh(cmd: string, args: string[]): string | null {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function cpuModel(): string {
  const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
  return m ? m[1]!.trim() : 'unknown';
}

function loadavg(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** JSON with 2-space indentation, but arrays of numbers (or null) on one line. */
function formatJson(v: unknown): string {
  return JSON.stringify(v, null, 2).replace(/\[\s*((?:-?[\d.e+-]+|null)(?:,\s*(?:-?[\d.e+-]+|null))*)\s*\]/g, (_, body: string) => `[${body.split(/,\s*/).join(', ')}]`);
}
