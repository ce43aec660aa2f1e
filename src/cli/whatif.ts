// `gomem whatif <program> [lists]`: runs a program under every combination
// of the run settings given as lists (--gogc 50,100,off --memlimit
// off,400MiB --cgroup-memory-max 512MiB …) on a pool of worker threads,
// one configuration per task, and prints a table: how each run ended,
// its peak RSS and container charge, GC cycles and CPU, assists, the
// longest pause, the GC CPU limiter. Each result is written as it comes
// (src/whatif/store.ts), so a sweep stopped and started again runs only
// what is missing; --shard I/N runs a batch runner's part of the grid and
// `gomem whatif merge` joins the parts; --queue runs the grid on BullMQ
// workers over Redis instead of the pool (whatif_queue.ts). docs/whatif.md
// is the user's guide.

import { type Command, Option } from 'commander';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { extname, join, resolve } from 'node:path';
import Tinypool from 'tinypool';
import { parseDuration, parseInteger, shortDuration } from '../go/units.ts';
import type { Program } from '../go/program.ts';
import { scenarios } from '../scenarios/index.ts';
import { type AxisKey, type Configuration, GridError, type Shard, gridAxes, gridOf, inShard, parseList, parseShard } from '../whatif/grid.ts';
import { type Calibration, CalibrationError, calibrationNs } from '../whatif/fast_calibrate.ts';
import { calibrationFor, fastConfig } from '../whatif/fast_task.ts';
import type { Outcome } from '../whatif/outcome.ts';
import { type Workload, parseWorkload } from '../whatif/workload.ts';
import { type ReportEntry, formatTable, mib, modeLine, outcomeText, reportHtml, roughDuration } from '../whatif/report.ts';
import { ResultStore, type ResultKey, type StoredResult, type SweepConfig, type SweepFile, canonicalJson, programHash, resultId, writeText } from '../whatif/store.ts';
import { UsageError } from './errors.ts';
import { goFilesIn } from './gosource.ts';
import { type RunFlags, goEnvironment, loadProgram, machineOptions, programOptions, settingsEnv } from './run.ts';
import type { WhatifTask } from './whatif_worker.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export interface WhatifFlags {
  gogc?: string;
  memlimit?: string;
  gomaxprocs?: string;
  godebug?: string[];
  cgroupMemoryMax?: string;
  duration?: string;
  out?: string;
  shard?: string;
  jobs?: string;
  queue?: string;
  seed?: string;
  opt?: string[];
  mode?: string;
  calibrate?: string;
}

/** A grid error as the user's: one line naming the flag and the value. */
function gridCall<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GridError) throw new UsageError(e.message);
    throw e;
  }
}

/** The lists, each value checked exactly as `gomem run` checks the flag. */
function listsOf(flags: WhatifFlags): Partial<Record<AxisKey, string[]>> {
  const lists: Partial<Record<AxisKey, string[]>> = {};
  for (const { key } of gridAxes) {
    const text = flags[key];
    if (text === undefined) continue;
    const values = gridCall(() => parseList(key, text));
    for (const v of values) {
      if (key === 'cgroupMemoryMax') machineOptions({ cgroupMemoryMax: v });
      else settingsEnv({ [key]: v }, {});
    }
    lists[key] = values;
  }
  return lists;
}

/** --duration, checked as --max-time is (it is the run's limit of virtual time). */
function durationOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  try {
    return machineOptions({ maxTime: text }).maxTimeNs!;
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(e.message.replace(/^--max-time/, '--duration'));
    throw e;
  }
}

/** What the key calls the program: a built-in scenario by name (its version is gomem's), a file or directory by its bytes. */
function programId(spec: string, program: Program): string {
  if (scenarios.get(spec) === program) return `scenario:${spec}`;
  return fileProgramHash(spec);
}

/** A program file's or Go directory's hash as the key names it. */
export function fileProgramHash(spec: string): string {
  const path = resolve(spec);
  if (existsSync(path) && statSync(path).isDirectory()) {
    return programHash(goFilesIn(path).map((f) => ({ name: f, bytes: readFileSync(join(path, f)) })));
  }
  return programHash([{ name: spec, bytes: readFileSync(path) }]);
}

/** The table's setting columns: the Go settings any configuration's process sees, then the cgroup's limit. */
function settingsOf(env: Record<string, string>, memoryMax: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['GOGC', 'GOMEMLIMIT', 'GOMAXPROCS', 'GODEBUG']) if (env[name] !== undefined) out[name] = env[name]!;
  if (memoryMax !== undefined) out['memory.max'] = memoryMax;
  return out;
}

/** Runs configurations: the pool of worker threads, or a queue's workers (whatif_queue.ts). */
export interface ConfigurationRunner {
  run(job: { task: WhatifTask; key: ResultKey; id: string; label: string }): Promise<Outcome>;
  close(): Promise<void>;
}

interface Planned {
  config: Configuration;
  sweep: SweepConfig;
  key: ResultKey;
  task: WhatifTask;
}

/** Progress on stderr: a line redrawn in place on a terminal, a line per finished configuration otherwise. */
class Progress {
  private done = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(
    private readonly total: number,
    private readonly earlier: number,
    private readonly command: string,
  ) {
    if (earlier > 0) process.stderr.write(`${command}: ${earlier} of ${total} configurations done in an earlier run, kept\n`);
    this.draw();
  }

  finished(label: string, text: string): void {
    this.done++;
    if (this.tty) this.draw();
    else process.stderr.write(`${this.command}: [${this.earlier + this.done}/${this.total}] ${label}: ${text}\n`);
  }

  private draw(): void {
    if (!this.tty) return;
    const n = this.earlier + this.done;
    const width = 30;
    const filled = this.total === 0 ? width : Math.round((n / this.total) * width);
    process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n}/${this.total} configurations`);
  }

  end(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

/**
 * The pool's worker module, started from a data: URL that first registers
 * the module hooks the CLI runs with (tsx for TypeScript, program_hooks.mjs
 * for program files, as bin/gomem.js registers them; a worker thread does
 * not inherit them), as serve.ts starts its worker.
 */
export function workerModule(spec: string | null): string {
  const fromSources = import.meta.url.endsWith('.ts');
  // null: any program (a queue's worker runs whatever it is sent).
  const programFile = spec === null || /\.[cm]?[jt]s$/.test(spec);
  const tsx = fromSources || spec === null || /\.[cm]?ts$/.test(spec) ? import.meta.resolve('tsx/esm/api') : null;
  const hooks = fromSources || programFile ? new URL('./program_hooks.mjs', import.meta.url).href : null;
  const entry = new URL(`./whatif_worker${extname(new URL(import.meta.url).pathname)}`, import.meta.url).href;
  const code = [
    "import { register } from 'node:module';",
    tsx !== null ? `(await import(${JSON.stringify(tsx)})).register();` : '',
    hooks !== null ? `register(${JSON.stringify(hooks)});` : '',
    `const m = await import(${JSON.stringify(entry)});`,
    'export default m.runConfiguration;',
  ].join('\n');
  return `data:text/javascript,${encodeURIComponent(code)}`;
}

/** uPlot's script and stylesheet, to inline in the report. */
function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  return {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
}

/** Writes table.txt and report.html from the sweep's configurations and the results the store holds. */
function writeReports(store: ResultStore, sweep: SweepFile): ReportEntry[] {
  const entries = entriesOf(store, sweep);
  writeText(join(store.dir, 'table.txt'), `${modeLine(sweep)}\n${formatTable(sweep.columns, entries, sweep.duration !== null)}\n`);
  writeText(join(store.dir, 'report.html'), reportHtml(sweep, entries, uplotAssets()));
  return entries;
}

function entriesOf(store: ResultStore, sweep: SweepFile): ReportEntry[] {
  return sweep.configs.map((c) => {
    const p = store.path(c.id);
    const result = existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as StoredResult) : null;
    return { config: c, result };
  });
}

function outputDir(dir: string, flag: string): ResultStore {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${flag}: ${dir} is not a directory`);
  try {
    return new ResultStore(dir).open();
  } catch (e) {
    throw new UsageError(`${flag}: cannot make ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** A sweep run: its store, its sweep file, the entries of every configuration, and the runs that failed. */
export interface SweepRun {
  store: ResultStore;
  sweep: SweepFile;
  entries: ReportEntry[];
  shard: Shard | null;
  maxTimeNs: number | null;
  failures: string[];
}

export async function whatifCommand(spec: string, flags: WhatifFlags): Promise<number> {
  const { sweep, entries, shard, maxTimeNs, failures } = await runSweep(spec, flags);
  const shown = entries.filter((e) => inShard(e.config.index, shard));
  process.stdout.write(`${modeLine(sweep)}\n${formatTable(sweep.columns, shown, maxTimeNs !== null)}\n`);
  for (const f of failures) process.stderr.write(`${f}\n`);
  return failures.length > 0 ? 1 : 0;
}

/**
 * Plans the grid, runs what the store does not hold yet on the pool, and
 * writes the reports: what `gomem whatif` and `gomem advise` share.
 * `command` names the command in progress and error lines.
 */
export async function runSweep(spec: string, flags: WhatifFlags, command = 'gomem whatif', outPrefix = 'whatif'): Promise<SweepRun> {
  // Flags first, then the program (loading a program file runs its code).
  const lists = listsOf(flags);
  const maxTimeNs = durationOf(flags.duration);
  const seed = flags.seed === undefined ? null : machineOptions({ seed: flags.seed }).seed!;
  let jobs = availableParallelism();
  if (flags.jobs !== undefined) {
    const n = parseInteger(flags.jobs);
    if (n === null || n < 1) throw new UsageError(`--jobs: "${flags.jobs}" is not a positive integer`);
    jobs = n;
  }
  const shard: Shard | null = flags.shard === undefined ? null : gridCall(() => parseShard(flags.shard!));
  const queue = flags.queue === undefined ? null : await import('./whatif_queue.ts').then((q) => q.reachQueue(flags.queue!));
  const program = await loadProgram(spec);
  const options = programOptions(flags.opt, program);
  if (flags.duration !== undefined && program.options?.duration !== undefined && options.duration === undefined) {
    Object.assign(options, programOptions([`duration=${flags.duration}`], program));
  }
  const fast = fastModeOf(spec, flags, lists);
  const store = outputDir(flags.out ?? `${outPrefix}-${program.name}`, '--out');
  const hash = programId(spec, program);
  const goEnv = goEnvironment();

  const planned: Planned[] = gridOf(lists).map((config) => {
    const s = config.settings;
    const env = settingsEnv({ gogc: s.gogc, memlimit: s.memlimit, gomaxprocs: s.gomaxprocs, godebug: s.godebug } as RunFlags, goEnv);
    const key: ResultKey = { gomem: pkg.version, program: hash, seed, env, memoryMax: s.cgroupMemoryMax ?? null, options, maxTimeNs };
    if (fast !== null) Object.assign(key, { mode: 'fast', calibrateNs: fast.calibrateNs });
    const machine: WhatifTask['machine'] = {};
    if (s.cgroupMemoryMax !== undefined) machine.cgroupMemoryMax = s.cgroupMemoryMax;
    if (flags.seed !== undefined) machine.seed = flags.seed;
    if (flags.duration !== undefined) machine.maxTime = flags.duration;
    return {
      config,
      key,
      sweep: { index: config.index, settings: settingsOf(env, s.cgroupMemoryMax), id: resultId(key) },
      task: { spec, env, machine, options },
    };
  });
  const columns = ['GOGC', 'GOMEMLIMIT', 'GOMAXPROCS', 'GODEBUG', 'memory.max'].filter((c) => planned.some((p) => p.sweep.settings[c] !== undefined));
  const sweep: SweepFile = {
    format: 'gomem-whatif',
    version: 1,
    gomem: pkg.version,
    program: { name: program.name, spec, hash },
    lists: Object.fromEntries(gridAxes.filter((a) => lists[a.key] !== undefined).map((a) => [a.flag, lists[a.key]!])),
    duration: flags.duration ?? null,
    seed,
    options,
    columns,
    configs: planned.map((p) => p.sweep),
  };
  if (fast !== null) Object.assign(sweep, { mode: 'fast', calibrate: fast.calibrate });
  store.writeSweep(sweep);

  const mine = planned.filter((p) => inShard(p.config.index, shard));
  const todo = mine.filter((p) => store.get(p.key, p.sweep.id) === null);
  if (fast !== null) calibrateTasks(todo, fast, { dir: store.dir, program: hash, seed, command });
  const progress = new Progress(mine.length, mine.length - todo.length, command);
  const failures: string[] = [];
  let stored = mine.length - todo.length;
  // Ctrl-C: what is stored stays (each result is whole or absent); the same command resumes.
  const interrupted = (): void => {
    progress.end();
    process.stderr.write(`${command}: interrupted; ${stored} of ${mine.length} results are in ${store.dir}: the same command runs the rest\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  if (todo.length > 0) {
    const threads = Math.min(jobs, todo.length);
    const runner: ConfigurationRunner = queue !== null ? await queue.open(command) : poolRunner(spec, threads);
    const label = (p: Planned): string => Object.entries(p.sweep.settings).map(([k, v]) => `${k}=${v}`).join(' ') || '(defaults)';
    await Promise.all(
      todo.map(async (p) => {
        try {
          const out = await runner.run({ task: p.task, key: p.key, id: p.sweep.id, label: label(p) });
          store.put({ key: p.key, ...out }, p.sweep.id);
          stored++;
          const r = out.row;
          progress.finished(label(p), `${outcomeText(r, maxTimeNs !== null)} at ${roughDuration(r.endNs)}, peak RSS ${mib(r.peakRss)}`);
        } catch (e) {
          const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
          failures.push(`${command}: ${label(p)}: the run failed: ${msg}`);
          progress.finished(label(p), 'failed');
        }
      }),
    );
    await runner.close();
  }
  process.removeListener('SIGINT', interrupted);
  progress.end();
  const entries = writeReports(store, sweep);
  return { store, sweep, entries, shard, maxTimeNs, failures };
}

/** The fast mode's inputs: the workload, and how long its calibration run lasts. */
interface FastMode {
  workload: Workload;
  calibrate: string;
  calibrateNs: number;
}

/** --mode: null for the exact mode; the fast mode takes a workload file and the settings its model has a part for. */
function fastModeOf(spec: string, flags: WhatifFlags, lists: Partial<Record<AxisKey, string[]>>): FastMode | null {
  const mode = flags.mode ?? 'exact';
  if (mode !== 'exact' && mode !== 'fast') throw new UsageError(`--mode: "${mode}" is not exact or fast`);
  if (mode === 'exact') {
    if (flags.calibrate !== undefined) throw new UsageError('--calibrate: only the fast mode calibrates (--mode fast)');
    return null;
  }
  if (extname(spec) !== '.json') throw new UsageError(`--mode fast: runs workload models (a .json file, docs/workloads.md); ${spec} runs in the exact mode`);
  if (lists.godebug !== undefined) throw new UsageError('--mode fast: models GOGC, GOMEMLIMIT, GOMAXPROCS and memory.max; a --godebug list needs --mode exact');
  const workload = parseWorkload(readFileSync(spec, 'utf8'), spec);
  if (flags.calibrate === undefined) {
    const ns = calibrationNs(workload);
    return { workload, calibrate: shortDuration(ns), calibrateNs: ns };
  }
  const d = parseDuration(flags.calibrate);
  if (!('ns' in d) || d.ns <= 0) throw new UsageError(`--calibrate: "${flags.calibrate}" is not a positive duration (Go's syntax: 10s, 1m)`);
  return { workload, calibrate: flags.calibrate, calibrateNs: d.ns };
}

/** Gives every fast task its model settings and the calibration for its GOMAXPROCS, made once (and kept) per GOMAXPROCS. */
function calibrateTasks(todo: Planned[], fast: FastMode, at: { dir: string; program: string; seed: number | null; command: string }): void {
  const made = new Map<number, Calibration>();
  for (const p of todo) {
    const config = fastConfig(fast.workload, p.task.env, p.key.memoryMax, p.task.options);
    let calibration = made.get(config.gomaxprocs);
    if (calibration === undefined) {
      const key = { gomem: pkg.version, program: at.program, gomaxprocs: config.gomaxprocs, seed: at.seed, runNs: fast.calibrateNs };
      const making = (): void => void process.stderr.write(`${at.command}: calibrating the fast mode: an exact run of ${fast.calibrate} at GOMAXPROCS=${config.gomaxprocs}\n`);
      try {
        calibration = calibrationFor(at.dir, fast.workload, key, making);
      } catch (e) {
        // A workload too slow to collect in the calibration's time: the user's to lengthen, in one line.
        if (e instanceof CalibrationError) throw new UsageError(e.message);
        throw e;
      }
      made.set(config.gomaxprocs, calibration);
    }
    p.task.fast = { config, calibration };
  }
}

/** The pool of worker threads on this machine. */
function poolRunner(spec: string, threads: number): ConfigurationRunner {
  const pool = new Tinypool({ filename: workerModule(spec), minThreads: threads, maxThreads: threads, idleTimeout: 0 });
  return { run: async (j) => (await pool.run(j.task)) as Outcome, close: () => pool.destroy() };
}

/** `gomem whatif merge DIR… [-o DIR]`: the shards' results in one directory, as the whole sweep run in one place writes it. */
export function mergeCommand(dirs: string[], out: string | undefined): number {
  if (dirs.length === 0) throw new UsageError('whatif merge: no directories (gomem whatif merge DIR... [-o DIR])');
  const stores = dirs.map((d) => {
    if (!existsSync(d) || !statSync(d).isDirectory()) throw new UsageError(`whatif merge: ${d}: no such directory`);
    const s = new ResultStore(d);
    const sweep = s.readSweep();
    if (sweep === null) throw new UsageError(`whatif merge: ${d}: no sweep.json (not a gomem whatif --out directory)`);
    return { store: s, sweep };
  });
  const first = stores[0]!;
  const sweepText = canonicalJson(first.sweep);
  for (const s of stores.slice(1)) {
    if (canonicalJson(s.sweep) !== sweepText) throw new UsageError(`whatif merge: ${s.store.dir}: not the same sweep as ${first.store.dir} (its sweep.json differs: program, lists, duration, seed or gomem version)`);
  }
  const target = outputDir(out ?? first.store.dir, '-o');
  target.writeSweep(first.sweep);
  let missing = 0;
  for (const c of first.sweep.configs) {
    const from = stores.find((s) => existsSync(s.store.path(c.id)));
    if (from === undefined) {
      missing++;
      continue;
    }
    if (resolve(from.store.path(c.id)) !== resolve(target.path(c.id))) writeFileSync(target.path(c.id), readFileSync(from.store.path(c.id)));
  }
  const entries = writeReports(target, first.sweep);
  process.stdout.write(`${modeLine(first.sweep)}\n${formatTable(first.sweep.columns, entries, first.sweep.duration !== null)}\n`);
  if (missing > 0) {
    process.stderr.write(`gomem whatif merge: ${missing} of ${first.sweep.configs.length} configurations have no result in ${dirs.join(', ')} (a shard not run, or not finished)\n`);
    return 1;
  }
  return 0;
}

export function registerWhatif(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('whatif')
    .description('run a program under every combination of settings given as lists (GOGC, GOMEMLIMIT, GOMAXPROCS, GODEBUG, the container limit) and tabulate how each run fared')
    .argument('<scenario-or-file>', 'a scenario name (gomem scenarios), a .go, .ts or .js program file, or a workload .json')
    .option('--gogc <LIST>', 'GOGC values, comma-separated: 50,100,off')
    .option('--memlimit <LIST>', 'GOMEMLIMIT values, comma-separated, in Go syntax: off,400MiB,450MiB')
    .option('--gomaxprocs <LIST>', 'GOMAXPROCS values, comma-separated: 2,4')
    .addOption(
      new Option('--godebug <LIST>', "GODEBUG values separated by ';' (a value is k=v,k=v as in gomem run), or the flag repeated: 'madvdontneed=0;madvdontneed=1'").argParser((v: string, prev: string[] = []) => [...prev, v]),
    )
    .option('--cgroup-memory-max <LIST>', "the container's memory.max values, comma-separated: 384MiB,512MiB,max")
    .option('--duration <DURATION>', 'virtual time each configuration runs (Go syntax: 10m, 90s); reaching it is surviving it; passed as --opt duration=… to a program that has that option')
    .option('--out <DIR>', 'where results go, one file per configuration, kept for a re-run to skip (default: whatif-<program name>)')
    .option('--shard <I/N>', 'run only the configurations whose number (from 0, in the grid order) mod N is I-1; I counts from 1')
    .option('--jobs <N>', "worker threads (default: the machine's cores)")
    .option('--queue <URL>', 'run the configurations on `gomem worker`s through a BullMQ queue on this Redis instead of here: redis://host:port[/db]')
    .option('--seed <N>', 'seed for everything random in each run')
    .option('--opt <key=value>', 'set a program option for every run (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--mode <MODE>', 'exact (every object simulated) or fast (a workload .json only: a cycle-level model calibrated by a short exact run; docs/fidelity.md)', 'exact')
    .option('--calibrate <DURATION>', "the fast mode's calibration: virtual time of its one exact run per GOMAXPROCS (default: about 12 GC cycles' worth, 10s to 1m)")
    .addHelpText(
      'after',
      `
The grid is the cross product of the lists, GOGC varying slowest, then
GOMEMLIMIT, GOMAXPROCS, GODEBUG and memory.max. Each value is checked as
gomem run checks its flag. Results go to --out DIR as they finish; the same
command run again skips the configurations whose result is there.

  gomem whatif container-oom --opt seconds=60 --gogc 100,off --memlimit off,450MiB --cgroup-memory-max 512MiB
  gomem whatif svc.go --duration 10m --gogc 50,100 --shard 2/4 --out sweep-2
  gomem whatif merge sweep-1 sweep-2 sweep-3 sweep-4 -o sweep

docs/whatif.md explains the columns.`,
    )
    .action(async (spec: string, flags: WhatifFlags) => {
      setExit(await whatifCommand(spec, flags));
    });
  cmd
    .command('merge')
    .description('join the --out directories of a sweep\'s shards into one, as the whole sweep run in one place writes it')
    .argument('<dir...>', 'the shards\' --out directories')
    .option('-o, --out <DIR>', 'where the merged sweep goes (default: the first DIR)')
    .action((dirs: string[], flags: { out?: string }) => {
      setExit(mergeCommand(dirs, flags.out));
    });
}
