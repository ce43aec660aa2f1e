// `gomem run <scenario-or-file>`: runs a program on the model. Settings
// come from the environment as Go reads it (GOGC, GOMEMLIMIT, GOMAXPROCS,
// GODEBUG) and from flags, which win and are checked strictly: a bad flag
// value is a usage error, while a bad environment value behaves as in Go.
// The program's output goes to stdout, runtime traces to stderr; --json
// adds a `CHECKPOINT {json}` line at each checkpoint and at exit.

import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StraceWriter, renderPsHeader, renderPsRow, renderSmaps } from '../kernel/index.ts';
import { GoProcess, type RunOptions } from '../go/process.ts';
import type { Program } from '../go/program.ts';
import { atoi32, parseByteCount } from '../runtime/runtime1.ts';
import { scenarios } from '../scenarios/index.ts';
import { UsageError } from './errors.ts';

export interface RunFlags {
  gogc?: string;
  memlimit?: string;
  gomaxprocs?: string;
  godebug?: string;
  cgroupMemoryMax?: string;
  thp?: string;
  seed?: string;
  json?: boolean;
  ps?: boolean;
  status?: boolean;
  smaps?: boolean;
  strace?: boolean;
  opt?: string[];
}

/** A size with an optional binary or decimal suffix (4G, 512MiB, 100000000); "max" means no limit. */
export function parseSize(s: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?)?b?$/i.exec(s.trim());
  if (!m) throw new UsageError(`${what}: bad size "${s}" (use bytes or a suffix: 512M, 4GiB, 2G)`);
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const pow = { '': 0, k: 1, m: 2, g: 3, t: 4, ki: 1, mi: 2, gi: 3, ti: 4 }[unit]!;
  const base = unit.endsWith('i') || unit.length === 1 ? 1024 : 1000;
  return Math.round(n * base ** pow);
}

/** Go-syntax settings from flags, checked; the environment's values are passed through as Go reads them. */
export function settingsEnv(flags: RunFlags, env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['GOGC', 'GOMEMLIMIT', 'GOMAXPROCS', 'GODEBUG']) if (env[k] !== undefined) out[k] = env[k]!;
  if (flags.gogc !== undefined) {
    if (flags.gogc !== 'off' && atoi32(flags.gogc) === null) throw new UsageError(`--gogc: "${flags.gogc}" is not an integer or "off"`);
    out.GOGC = flags.gogc;
  }
  if (flags.memlimit !== undefined) {
    if (flags.memlimit !== 'off' && parseByteCount(flags.memlimit) === null) {
      throw new UsageError(`--memlimit: "${flags.memlimit}" is not a byte count (Go's syntax: 512MiB, 4GiB, 1073741824, or "off")`);
    }
    out.GOMEMLIMIT = flags.memlimit;
  }
  if (flags.gomaxprocs !== undefined) {
    const n = atoi32(flags.gomaxprocs);
    if (n === null || n < 1) throw new UsageError(`--gomaxprocs: "${flags.gomaxprocs}" is not a positive integer`);
    out.GOMAXPROCS = String(n);
  }
  if (flags.godebug !== undefined) {
    for (const f of flags.godebug.split(',')) {
      if (!/^[a-z0-9_]+=[^,=]*$/i.test(f)) throw new UsageError(`--godebug: "${f}" is not key=value`);
    }
    out.GODEBUG = flags.godebug;
  }
  return out;
}

/** Loads a scenario by name or a program from a .ts/.js module exporting one (default export or `program`). */
export async function loadProgram(spec: string): Promise<Program> {
  const builtin = scenarios.get(spec);
  if (builtin) return builtin;
  if (!/\.[cm]?[jt]s$/.test(spec) && !spec.includes('/')) {
    throw new UsageError(`unknown scenario "${spec}" (gomem scenarios lists them; a file must end in .ts or .js)`);
  }
  const path = resolve(spec);
  if (!existsSync(path)) throw new UsageError(`${spec}: no such file`);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`${spec}: cannot load module: ${(e as Error).message.split('\n')[0]}`);
  }
  const p = (mod.default ?? mod.program) as Program | undefined;
  if (!p || typeof p !== 'object' || typeof p.main !== 'function' || typeof p.name !== 'string') {
    throw new UsageError(`${spec}: does not export a program (export default defineProgram({ name, description, main }))`);
  }
  return p;
}

function parseOpts(opts: string[] | undefined, program: Program): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of opts ?? []) {
    const i = o.indexOf('=');
    if (i <= 0) throw new UsageError(`--opt: "${o}" is not key=value`);
    const k = o.slice(0, i);
    if (!(k in (program.options ?? {}))) {
      const known = Object.keys(program.options ?? {});
      throw new UsageError(`--opt: ${program.name} has no option "${k}"${known.length ? ` (options: ${known.join(', ')})` : ''}`);
    }
    out[k] = o.slice(i + 1);
  }
  return out;
}

/** The Go settings of gomem's own environment (bin/gomem.js sets them aside in GOMEM_GOENV). */
export function goEnvironment(): NodeJS.ProcessEnv {
  const saved = process.env.GOMEM_GOENV;
  return saved !== undefined ? (JSON.parse(saved) as NodeJS.ProcessEnv) : process.env;
}

export async function runCommand(spec: string, flags: RunFlags): Promise<number> {
  const program = await loadProgram(spec);
  const env = settingsEnv(flags, goEnvironment());
  const runOpts: RunOptions = {
    env,
    options: parseOpts(flags.opt, program),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  };
  if (flags.seed !== undefined) {
    const n = atoi32(flags.seed);
    if (n === null) throw new UsageError(`--seed: "${flags.seed}" is not an integer`);
    runOpts.seed = n;
  }
  if (flags.thp !== undefined) {
    if (!['always', 'madvise', 'never'].includes(flags.thp)) throw new UsageError(`--thp: "${flags.thp}" is not always, madvise or never`);
    runOpts.thp = flags.thp as RunOptions['thp'];
  }
  if (flags.cgroupMemoryMax !== undefined && flags.cgroupMemoryMax !== 'max') {
    runOpts.cgroupMemoryMax = parseSize(flags.cgroupMemoryMax, '--cgroup-memory-max');
  }
  if (program.needsGC && env.GOGC !== 'off') {
    process.stderr.write(`gomem: ${program.name} depends on the garbage collector, which gomem does not model yet: it runs as if GOGC=off\n`);
  }
  let psHeader = false;
  runOpts.onCheckpoint = (json, name, p) => {
    if (flags.json) process.stdout.write(`CHECKPOINT ${json}\n`);
    if (flags.ps) {
      if (!psHeader) process.stdout.write(`# ps aux at each checkpoint\n${renderPsHeader()}\n`);
      psHeader = true;
      p.syncProcFields();
      process.stdout.write(`${renderPsRow(p.proc)}    # ${name}\n`);
    }
    if (flags.status) process.stdout.write(`# /proc/${p.proc.pid}/status at ${name}\n${p.statusText()}`);
    if (flags.smaps) process.stdout.write(`# /proc/${p.proc.pid}/smaps at ${name}\n${renderSmaps(p.proc)}`);
  };
  let p: GoProcess;
  try {
    p = new GoProcess(program, runOpts);
  } catch (e) {
    if (e instanceof Error && /^unknown option/.test(e.message)) throw new UsageError(e.message);
    throw e;
  }
  if (flags.strace) new StraceWriter(p.machine.events, { sink: (line) => process.stderr.write(`${line}\n`) });
  const r = p.run();
  for (const line of r.kernelLog) process.stderr.write(`${line}\n`);
  if (r.outcome === 'oom-kill') process.stderr.write('Killed\n');
  return r.status;
}

export function registerRun(program: Command, setExit: (code: number) => void): void {
  program
    .command('run')
    .description('run a built-in scenario or a program file on the model')
    .argument('<scenario-or-file>', 'a scenario name (gomem scenarios) or a .ts/.js module exporting a program')
    .option('--gogc <N|off>', 'GOGC (overrides the environment)')
    .option('--memlimit <SIZE|off>', 'GOMEMLIMIT, in Go syntax (512MiB, 4GiB, bytes)')
    .option('--gomaxprocs <N>', 'GOMAXPROCS')
    .option('--godebug <k=v,...>', 'GODEBUG (gctrace=1, scavtrace=1, madvdontneed=0, …)')
    .option('--cgroup-memory-max <SIZE>', "run in a cgroup with this memory.max (the container's limit)")
    .option('--thp <always|madvise|never>', 'transparent huge pages mode of the machine', undefined)
    .option('--seed <N>', 'seed for everything random in the run (map hash seeds, …)')
    .option('--json', 'print a CHECKPOINT {json} line at each checkpoint and at exit')
    .option('--ps', 'print a ps aux row at each checkpoint')
    .option('--status', 'print /proc/PID/status at each checkpoint')
    .option('--smaps', 'print /proc/PID/smaps at each checkpoint')
    .option('--strace', 'log the memory system calls on stderr, as strace -e trace=memory prints them')
    .option('--opt <key=value>', "set a program option (repeatable)", (v: string, prev: string[] = []) => [...prev, v])
    .action(async (spec: string, flags: RunFlags) => {
      setExit(await runCommand(spec, flags));
    });
}
