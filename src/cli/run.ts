// `gomem run <scenario-or-file>`: runs a program on the model. Settings
// come from the environment as Go reads it (GOGC, GOMEMLIMIT, GOMAXPROCS,
// GODEBUG) and from flags, which win and are checked strictly: a bad flag
// value is a usage error, while a bad environment value behaves as in Go.
// The program's output goes to stdout, runtime traces to stderr; --json
// adds a `CHECKPOINT {json}` line at each checkpoint and at exit.

import type { Command } from 'commander';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  OomKilled,
  StraceWriter,
  TopBatch,
  parseSmapsFilter,
  renderCgroupView,
  renderPsHeader,
  renderPsRow,
  renderSmaps,
  renderSmapsFiltered,
  type OomSnapshot,
} from '../kernel/index.ts';
import { oomKillLines, oomReport } from '../go/oom_report.ts';
import { GoProcess, type RunOptions, type RunResult } from '../go/process.ts';
import { promExposition, promSnapshot } from '../go/pkg/client_golang.ts';
import { type SummaryStats, runSummary } from './summary.ts';
import { explain, formatExplain } from '../go/explain.ts';
import type { Program } from '../go/program.ts';
import { optionValueError } from '../go/program_options.ts';
import { programExtensions, syntaxMarker } from '../go/program_source.mjs';
import { parseDuration, parseInteger, parseSize as parseByteSize, shortDuration } from '../go/units.ts';
import { defaultMaxTimeNs } from '../runtime/deadline.ts';
import { atoi32, atoi64, defaultDebugVars, parseByteCount } from '../runtime/runtime1.ts';
import { scenarios } from '../scenarios/index.ts';
import { SourceError, UsageError } from './errors.ts';
import { goFilesIn, loadGoProgram } from './gosource.ts';
import { traceFile, tracePath, traceProgram, traceSettings } from './trace.ts';
import { TraceWriter } from '../trace/writer.ts';

export interface RunFlags {
  gogc?: string;
  memlimit?: string;
  gomaxprocs?: string;
  godebug?: string;
  cgroupMemoryMax?: string;
  memTotal?: string;
  ncpu?: string;
  maxTime?: string;
  thp?: string;
  seed?: string;
  json?: boolean;
  ps?: boolean;
  status?: boolean;
  /** --smaps, or --smaps=<heap|address|path>. */
  smaps?: boolean | string;
  top?: boolean;
  strace?: boolean;
  cgroup?: boolean;
  dmesg?: boolean;
  opt?: string[];
  memprofile?: string;
  memprofileAt?: string[];
  prom?: string;
  quiet?: boolean;
  explain?: boolean;
  trace?: string;
}

/**
 * The most Ps (and CPUs) gomem models: 262,144. Go itself sets no limit;
 * the scheduler model's cost is linear in Ps (100,000 Ps: about 0.84 GB of
 * host memory, bench/procs.ts), and GOMAXPROCS=100000000 would exhaust the
 * host's memory before the program starts.
 */
export const maxProcs = 1 << 18;

const pageSize = 4096;
/** x86-64 Linux addresses at most 4 PiB of physical memory (52 bits). */
const maxMemTotal = 2 ** 52;

/** A size with an optional binary suffix (4G, 512MiB, 100000000). */
export function parseSize(s: string, what: string): number {
  const n = parseByteSize(s);
  if (n === null) throw new UsageError(`${what}: "${s}" is not a size (bytes, or with a suffix: 512M, 4GiB)`);
  return n;
}

/** Go-syntax settings from flags, checked; the environment's values are passed through as Go reads them. */
export function settingsEnv(flags: RunFlags, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['GOGC', 'GOMEMLIMIT', 'GOMAXPROCS', 'GODEBUG']) if (env[k] !== undefined) out[k] = env[k]!;
  if (flags.gogc !== undefined) {
    if (flags.gogc !== 'off' && atoi32(flags.gogc) === null) {
      throw new UsageError(
        atoi64(flags.gogc) !== null ? `--gogc: "${flags.gogc}" is out of range (GOGC is an int32)` : `--gogc: "${flags.gogc}" is not an integer or "off"`,
      );
    }
    out.GOGC = flags.gogc;
  }
  if (flags.memlimit !== undefined) {
    if (flags.memlimit !== 'off' && parseByteCount(flags.memlimit) === null) {
      throw new UsageError(`--memlimit: "${flags.memlimit}" is not a byte count (Go's syntax: 512MiB, 4GiB, 1073741824, or "off")`);
    }
    out.GOMEMLIMIT = flags.memlimit;
  }
  if (flags.gomaxprocs !== undefined) {
    const n = parseInteger(flags.gomaxprocs);
    if (n === null || n < 1) throw new UsageError(`--gomaxprocs: "${flags.gomaxprocs}" is not a positive integer`);
    if (n > maxProcs) throw new UsageError(`--gomaxprocs: ${n} is more Ps than gomem models (at most ${maxProcs})`);
    out.GOMAXPROCS = String(n);
  } else if (out.GOMAXPROCS !== undefined) {
    // Go ignores a GOMAXPROCS that is not a positive int32; one it takes must fit the model.
    const n = atoi32(out.GOMAXPROCS);
    if (n !== null && n > maxProcs) throw new UsageError(`GOMAXPROCS=${out.GOMAXPROCS}: more Ps than gomem models (at most ${maxProcs})`);
  }
  if (flags.godebug !== undefined) {
    // Go skips unknown keys (they belong to other packages) and fields it cannot parse;
    // a flag is held to the syntax, and to integers for the runtime's own keys.
    const known = defaultDebugVars() as unknown as Record<string, number>;
    for (const f of flags.godebug.split(',')) {
      if (f === '') continue;
      const m = /^([a-z0-9_.]+)=([^=]*)$/i.exec(f);
      if (!m) throw new UsageError(`--godebug: "${f}" is not key=value`);
      const [, key, value] = m as unknown as [string, string, string];
      if (key === 'memprofilerate' ? atoi64(value) === null : key in known && atoi32(value) === null) {
        throw new UsageError(`--godebug: ${key}="${value}" is not an integer`);
      }
    }
    out.GODEBUG = flags.godebug;
  }
  return out;
}

/** The machine, the cgroup and the run's limits from flags (--seed, --thp, --cgroup-memory-max, --mem-total, --ncpu, --max-time). */
export function machineOptions(flags: RunFlags): RunOptions {
  const o: RunOptions = {};
  if (flags.seed !== undefined) {
    const n = parseInteger(flags.seed);
    if (n === null) throw new UsageError(`--seed: "${flags.seed}" is not an integer (at most 2^53-1 either way)`);
    o.seed = n;
  }
  if (flags.thp !== undefined) {
    if (!['always', 'madvise', 'never'].includes(flags.thp)) throw new UsageError(`--thp: "${flags.thp}" is not always, madvise or never`);
    o.thp = flags.thp as RunOptions['thp'];
  }
  if (flags.cgroupMemoryMax !== undefined && flags.cgroupMemoryMax !== 'max') {
    // Any size is a memory.max Linux accepts: it rounds the bytes down to
    // pages, so 1 (or 0) means a limit of 0 pages, and the process is
    // OOM-killed at the first page it faults. That is a result to show (the
    // kernel's OOM report and the shell's "Killed", exit 137), not an input
    // error; only what is not a size at all (-5, lots) is refused.
    o.cgroupMemoryMax = parseSize(flags.cgroupMemoryMax, '--cgroup-memory-max');
  }
  if (flags.memTotal !== undefined) {
    const n = parseSize(flags.memTotal, '--mem-total');
    // RAM comes in whole pages; a machine with none cannot boot.
    const bytes = Math.floor(n / pageSize) * pageSize;
    if (bytes === 0) throw new UsageError(`--mem-total: "${flags.memTotal}" is less than a page (${pageSize} bytes)`);
    if (bytes > maxMemTotal) throw new UsageError(`--mem-total: "${flags.memTotal}" is more RAM than x86-64 Linux addresses (at most 4PiB)`);
    o.memTotal = bytes;
  }
  if (flags.ncpu !== undefined) {
    const n = parseInteger(flags.ncpu);
    if (n === null || n < 1) throw new UsageError(`--ncpu: "${flags.ncpu}" is not a positive integer`);
    if (n > maxProcs) throw new UsageError(`--ncpu: ${n} is more CPUs than gomem models (at most ${maxProcs})`);
    o.ncpu = n;
  }
  if (flags.maxTime !== undefined) {
    const d = parseDuration(flags.maxTime);
    if (!('ns' in d)) throw new UsageError(`--max-time: "${flags.maxTime}" is not a duration (Go's syntax: 1h, 90s, 500ms, 2h30m)`);
    if (d.ns <= 0) throw new UsageError(`--max-time: "${flags.maxTime}" is not a positive duration`);
    // The virtual clock counts nanoseconds in a float64, exactly up to 2^53.
    if (d.ns > Number.MAX_SAFE_INTEGER) throw new UsageError(`--max-time: "${flags.maxTime}" is longer than the virtual clock counts (at most 2501h)`);
    o.maxTimeNs = d.ns;
  }
  return o;
}

/** A path to show the user: as they wrote it for the program file, else relative to the working directory when below it. */
function userPath(abs: string, spec: string, specPath: string): string {
  if (abs === specPath) return spec;
  const rel = relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

const exportHint = 'export default { name, description, *main(go) { … } }';

/** Loads a scenario by name or a program from a .ts/.js module exporting one (default export or `program`). */
export async function loadProgram(spec: string): Promise<Program> {
  const builtin = scenarios.get(spec);
  if (builtin) return builtin;
  const ext = extname(spec);
  if (ext === '.go') return loadGoProgram(spec);
  if (ext === '.json') return loadWorkloadProgram(spec);
  if (!programExtensions.includes(ext) && !['.cjs', '.cts'].includes(ext) && !spec.includes('/')) {
    // A reality case whose hand-written twin is gone runs from its Go source.
    const source = fileURLToPath(new URL(`../../reality/cases/${spec}/main.go`, import.meta.url));
    const hint = existsSync(source) ? `; the reality case ${spec} runs from its Go source: gomem run ${relative(process.cwd(), source)}` : '';
    throw new UsageError(`unknown scenario "${spec}" (gomem scenarios lists them; a file must end in .ts, .js, .go or .json${hint})`);
  }
  const path = resolve(spec);
  if (!existsSync(path)) throw new UsageError(`${spec}: no such file`);
  if (statSync(path).isDirectory()) {
    if (goFilesIn(path).length > 0) return loadGoProgram(spec);
    throw new UsageError(`${spec}: is a directory, not a program file`);
  }
  if (ext === '.cjs' || ext === '.cts') throw new UsageError(`${spec}: is a CommonJS file; a program file is an ES module: ${exportHint}`);
  if (!programExtensions.includes(ext)) throw new UsageError(`${spec}: a program file ends in ${programExtensions.join(', ')}`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    const line = loadErrorLine(e, spec, path);
    throw e instanceof Error && e.message.startsWith(syntaxMarker) ? new SourceError(line) : new UsageError(line);
  }
  const p = (mod.default ?? mod.program) as Program | undefined;
  if (!p || typeof p !== 'object' || typeof p.main !== 'function' || typeof p.name !== 'string') {
    throw new UsageError(`${spec}: does not export a program (export default defineProgram({ name, description, main }))`);
  }
  if (p.main.constructor.name !== 'GeneratorFunction') {
    throw new UsageError(`${spec}: main is not a generator function (write *main(go) { … }: blocking calls are yield* go.time.Sleep(…))`);
  }
  return p;
}

/** A workload model (docs/workloads.md) as a program; a file that is not one is the user's error, in one line. */
async function loadWorkloadProgram(spec: string): Promise<Program> {
  const path = resolve(spec);
  if (!existsSync(path) || statSync(path).isDirectory()) throw new UsageError(`${spec}: no such file`);
  const { parseWorkload, WorkloadError } = await import('../whatif/workload.ts');
  const { workloadProgram } = await import('../whatif/workload_program.ts');
  try {
    return workloadProgram(parseWorkload(readFileSync(path, 'utf8'), spec));
  } catch (e) {
    if (e instanceof WorkloadError) throw new UsageError(e.message);
    throw e;
  }
}

/** One line for a program file that does not load: a syntax error as file:line:col: message, CommonJS named as such. */
function loadErrorLine(e: unknown, spec: string, specPath: string): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (msg.startsWith(syntaxMarker)) {
    // "gomem-syntax-error: /abs/file.ts:3:7: message" from the load hook.
    const line = msg.slice(syntaxMarker.length);
    const m = /^(.*?):(\d+:\d+: .*)$/s.exec(line) ?? /^(.*?): (.*)$/s.exec(line);
    return m ? `${userPath(m[1]!, spec, specPath)}:${m[2]!.split('\n')[0]}` : line.split('\n')[0]!;
  }
  const cjs = /^(module|exports|require|__filename|__dirname) is not defined in ES module scope/.exec(msg);
  if (cjs) {
    const at = e instanceof Error ? /\((file:\/\/[^)]*?):\d+:\d+\)|at (file:\/\/\S*?):\d+:\d+/.exec(e.stack ?? '') : null;
    const url = at?.[1] ?? at?.[2];
    const file = url !== undefined ? userPath(fileURLToPath(url), spec, specPath) : spec;
    return `${file}: is a CommonJS module (it uses ${cjs[1]}); a program file is an ES module: ${exportHint}`;
  }
  return `${spec}: cannot load module: ${msg.split('\n')[0]}`;
}

/** --opt key=value, checked against the program's options (every command that runs a program takes them). */
export function programOptions(opts: string[] | undefined, program: Program): Record<string, string> {
  const out: Record<string, string> = {};
  const spec = program.options ?? {};
  for (const o of opts ?? []) {
    const i = o.indexOf('=');
    if (i <= 0) throw new UsageError(`--opt: "${o}" is not key=value`);
    const k = o.slice(0, i);
    const v = o.slice(i + 1);
    const option = spec[k];
    if (option === undefined) {
      const known = Object.keys(spec);
      throw new UsageError(`--opt: ${program.name} has no option "${k}"${known.length ? ` (options: ${known.join(', ')})` : ''}`);
    }
    const why = optionValueError(option.kind, v);
    if (why !== null) throw new UsageError(`--opt ${k}: "${v}" ${why}`);
    out[k] = v;
  }
  return out;
}

/**
 * Where heap profiles go, by checkpoint: --memprofile FILE at exit, and
 * with --memprofile-at NAME one more at checkpoint NAME, in FILE's
 * directory with NAME before its extension (heap.pb.gz → heap.after_loop.pb.gz),
 * so that `go tool pprof -base` can diff two of them.
 */
export function memProfileTargets(flags: RunFlags): Map<string, string> {
  const out = new Map<string, string>();
  const at = flags.memprofileAt ?? [];
  if (flags.memprofile === undefined) {
    if (at.length > 0) throw new UsageError('--memprofile-at: needs --memprofile FILE (the name the profiles are written beside)');
    return out;
  }
  const file = flags.memprofile;
  if (file === '' || (existsSync(file) && statSync(file).isDirectory())) throw new UsageError(`--memprofile: "${file}" is not a file name`);
  if (!existsSync(dirname(resolve(file)))) throw new UsageError(`--memprofile: ${dirname(file)}: no such directory`);
  out.set('exit', file);
  const base = basename(file);
  const dot = base.endsWith('.pb.gz') ? base.length - '.pb.gz'.length : base.lastIndexOf('.') > 0 ? base.lastIndexOf('.') : base.length;
  for (const name of at) {
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new UsageError(`--memprofile-at: "${name}" is not a checkpoint name`);
    if (name !== 'exit') out.set(name, join(dirname(file), `${base.slice(0, dot)}.${name}${base.slice(dot)}`));
  }
  return out;
}

/** --smaps=<filter> checked before the run: a bad filter is the user's error. */
function smapsFilterOf(text: string): ReturnType<typeof parseSmapsFilter> {
  try {
    return parseSmapsFilter(text);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** A directory for output files, made if missing; a file in the way is the user's error. */
function outputDir(dir: string, flag: string): string {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`${flag}: ${dir} is not a directory`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`${flag}: cannot make ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return dir;
}

/** Writes an output file; a failure is the user's (a path that cannot be written): one line. */
function writeOutput(path: string, data: Uint8Array, flag: string): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new UsageError(`${flag}: cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** The Go settings of gomem's own environment (bin/gomem.js sets them aside in GOMEM_GOENV). */
export function goEnvironment(): NodeJS.ProcessEnv {
  const saved = process.env.GOMEM_GOENV;
  return saved !== undefined ? (JSON.parse(saved) as NodeJS.ProcessEnv) : process.env;
}

export async function runCommand(spec: string, flags: RunFlags): Promise<number> {
  // Flags first: they are cheap to check, and loading a program file runs its top-level code.
  const env = settingsEnv(flags, goEnvironment());
  const machine = machineOptions(flags);
  const program = await loadProgram(spec);
  const traceTo = flags.trace === undefined ? null : tracePath(flags.trace);
  let trace: TraceWriter | null = null;
  const runOpts: RunOptions = {
    ...machine,
    env,
    options: programOptions(flags.opt, program),
    stdout: (s) => {
      trace?.output('stdout', s);
      process.stdout.write(s);
    },
    stderr: (s) => {
      trace?.output('stderr', s);
      process.stderr.write(s);
    },
  };
  const profiles = memProfileTargets(flags);
  const smapsFilter = typeof flags.smaps === 'string' ? smapsFilterOf(flags.smaps) : null;
  const top = flags.top ? new TopBatch() : null;
  const promDir = flags.prom === undefined ? null : outputDir(flags.prom, '--prom');
  if (profiles.size > 0) runOpts.memProfile = true;
  let psHeader = false;
  let last: SummaryStats | null = null;
  runOpts.onCheckpoint = (json, name, p) => {
    trace?.checkpoint(name, json);
    if (!flags.quiet) last = { name, memstats: (JSON.parse(json) as { memstats: SummaryStats['memstats'] }).memstats };
    const profilePath = profiles.get(name);
    if (profilePath !== undefined) writeOutput(profilePath, p.heapProfile(), '--memprofile');
    if (promDir !== null) writeOutput(join(promDir, `${name}.prom`), Buffer.from(promExposition(promSnapshot(json, p))), '--prom');
    if (flags.json) process.stdout.write(`CHECKPOINT ${json}\n`);
    if (flags.ps) {
      if (!psHeader) process.stdout.write(`# ps aux at each checkpoint\n${renderPsHeader()}\n`);
      psHeader = true;
      p.syncProcFields();
      process.stdout.write(`${renderPsRow(p.proc)}    # ${name}\n`);
    }
    if (flags.status) process.stdout.write(`# /proc/${p.proc.pid}/status at ${name}\n${p.statusText()}`);
    if (flags.smaps === true) process.stdout.write(`# /proc/${p.proc.pid}/smaps at ${name}\n${renderSmaps(p.proc)}`);
    if (smapsFilter !== null) {
      const text = renderSmapsFiltered(p.proc, smapsFilter, p.heapArenaRanges());
      process.stdout.write(`# /proc/${p.proc.pid}/smaps (${flags.smaps}) at ${name}\n${text === '' ? '# (no mapping matches)\n' : text}`);
    }
    if (top !== null) {
      p.syncProcFields();
      // top -b separates frames with a blank line: keep it above the label.
      const frame = top.frame(p.proc);
      const gap = frame.startsWith('\n') ? '\n' : '';
      process.stdout.write(`${gap}# top -b at ${name}\n${frame.slice(gap.length)}`);
    }
    if (flags.cgroup) process.stdout.write(`# cgroup ${p.proc.cgroup.path} at ${name}\n${renderCgroupView(p.proc.cgroup)}`);
    if (flags.explain) {
      const r = explain(p, name);
      if (flags.json) process.stdout.write(`EXPLAIN ${JSON.stringify({ checkpoint: name, vmRss: r.vmRss, vmSize: r.vmSize, rss: r.rss, vsz: r.vsz })}\n`);
      else process.stdout.write(`# explain at ${name}\n${formatExplain(r)}`);
    }
  };
  let p: GoProcess;
  try {
    p = new GoProcess(program, runOpts);
  } catch (e) {
    // A cgroup too small for the new image: the kernel kills it while exec maps it in.
    if (e instanceof OomKilled) return killed(e.kernelLog, [], flags);
    throw e;
  }
  if (flags.strace) new StraceWriter(p.machine.events, { sink: (line) => process.stderr.write(`${line}\n`) });
  if (traceTo !== null) trace = new TraceWriter(p, traceProgram(spec, program), traceSettings(runOpts));
  const endTrace = (status: number, outcome: string): void => {
    if (trace !== null && traceTo !== null) writeOutput(traceTo, traceFile(trace.finish(status, outcome)), '--trace');
  };
  let r: RunResult;
  try {
    r = p.run();
  } catch (e) {
    endTrace(70, 'gomem error'); // what was recorded up to a fault of gomem's own is kept
    throw e;
  }
  endTrace(r.status, r.outcome);
  const summary = (): void => {
    if (!flags.quiet) for (const line of runSummary(p, r, last)) process.stderr.write(`${line}\n`);
  };
  if (r.outcome === 'time-limit') {
    const limit = flags.maxTime ?? shortDuration(program.maxTimeNs ?? defaultMaxTimeNs);
    process.stderr.write(`gomem: ${program.name} did not finish within --max-time ${limit} of virtual time (raise it with --max-time)\n`);
    summary();
    return 2;
  }
  if (r.outcome === 'oom-kill') {
    const snap: OomSnapshot | undefined = p.proc.exited?.oom;
    const report = snap !== undefined ? oomReport(p, snap) : [];
    if (flags.cgroup) process.stdout.write(`# cgroup ${p.proc.cgroup.path} after the OOM kill\n${renderCgroupView(p.proc.cgroup)}`);
    return killed(r.kernelLog, report, flags, summary);
  }
  for (const line of r.kernelLog) process.stderr.write(`${line}\n`);
  summary();
  return r.status;
}

/**
 * An OOM kill: the kernel's log lines (what dmesg shows) with --dmesg,
 * gomem's account of the moment (oom_report.ts), then what the shell prints
 * for a job killed by SIGKILL; status 137.
 */
function killed(kernelLog: readonly string[], report: readonly string[], flags: RunFlags, summary: () => void = () => {}): number {
  const lines = oomKillLines(kernelLog, report, flags.dmesg === true);
  // gomem's account and summary, then what the shell prints once the process is gone.
  for (const line of lines.slice(0, -1)) process.stderr.write(`${line}\n`);
  summary();
  process.stderr.write(`${lines[lines.length - 1]}\n`);
  return 137;
}

export function registerRun(program: Command, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run a built-in scenario or a program file on the model')
    .argument('<scenario-or-file>', 'a scenario name (gomem scenarios) or a .ts/.js file exporting a program, from any directory')
    .option('--gogc <N|off>', 'GOGC (overrides the environment)')
    .option('--memlimit <SIZE|off>', 'GOMEMLIMIT, in Go syntax (512MiB, 4GiB, bytes)')
    .option('--gomaxprocs <N>', `GOMAXPROCS (default: the machine's CPUs; at most ${maxProcs})`)
    .option('--godebug <k=v,...>', 'GODEBUG (gctrace=1, scavtrace=1, madvdontneed=0, …; unknown keys are ignored, as Go does)')
    .option('--cgroup-memory-max <SIZE>', "run in a cgroup with this memory.max (the container's limit; 512M, 4GiB, or max)")
    .option('--mem-total <SIZE>', "the machine's RAM (MemTotal; default 24GiB)")
    .option('--ncpu <N>', `the machine's CPUs (default 2; GOMAXPROCS defaults to it, as in Go; at most ${maxProcs})`)
    .option('--max-time <DURATION>', 'stop a program still running after this much virtual time (Go syntax: 1h, 90s, 2h30m; default 1h)')
    .option('--thp <always|madvise|never>', 'transparent huge pages mode of the machine', undefined)
    .option('--seed <N>', 'seed for everything random in the run (map hash seeds, …)')
    .option('--json', 'print a CHECKPOINT {json} line at each checkpoint and at exit')
    .option('--ps', 'print a ps aux row at each checkpoint')
    .option('--status', 'print /proc/PID/status at each checkpoint')
    .option('--smaps [filter]', 'print /proc/PID/smaps at each checkpoint; --smaps=heap (the Go heap arenas), =ADDRESS (its mapping) or =PATH (a file\'s mappings) prints those only')
    .option('--top', "print top's header and the process row at each checkpoint (top -b)")
    .option('--strace', 'log the memory system calls on stderr, as strace -e trace=memory prints them')
    .option('--cgroup', "print the cgroup's memory.current, memory.stat, memory.events and the kubelet's working set at each checkpoint")
    .option('--dmesg', "print the kernel's log lines (the OOM killer's report) on stderr, as dmesg shows them")
    .option('--opt <key=value>', 'set a program option (repeatable; checked against its kind: duration, integer, size, …)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--memprofile <FILE>', 'turn heap profiling on (MemProfileRate 512 KiB) and write the heap profile at exit, for go tool pprof')
    .option('--explain', 'at each checkpoint, VmRSS and VmSize split into their causes, to the byte (gomem explain; EXPLAIN {json} lines with --json)')
    .option('--quiet', 'leave out the summary of the run on stderr (how it ended, peak RSS and VSZ, heap and goal, GC cycles and CPU)')
    .option('--prom <DIR>', "write DIR/<checkpoint>.prom at each checkpoint: Prometheus text as client_golang's Go and process collectors expose it")
    .option('--trace <FILE>', 'record the run as an event trace (docs/trace-format.md): RSS and VSZ changes with causes, GC phases, spans, scavenger, snapshots; for gomem view')
    .option('--memprofile-at <CHECKPOINT>', 'also write one at this checkpoint, beside FILE with the name inserted (repeatable; for pprof -base)', (v: string, prev: string[] = []) => [...prev, v])
    .addHelpText(
      'after',
      `
A program file is an ES module, .ts or .js, in any directory:
  export default { name: 'p', description: '…', *main(go) { go.fmt.Println('hi'); yield* go.time.Sleep(1e9); } }
It may import the API as: import { defineProgram, T } from 'gomem'

--max-time stops a program the next time the scheduler gets control after
that much virtual time: at a sleep, a slice of go.work, a blocking channel
operation. A JavaScript loop that never yields to it (for (;;) {} with no
yield*, even one that allocates) cannot be stopped by virtual time; interrupt
it with Ctrl-C.

An exception the program throws ends it as a Go panic does: "panic: …", the
goroutine's frames in the program's files, exit status 2.`,
    )
    .action(async (spec: string, flags: RunFlags) => {
      setExit(await runCommand(spec, flags));
    });
}
