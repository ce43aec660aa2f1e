// Records real Go in a real memory cgroup (cgroup v1, run as root):
// `npx tsx reality/record_cgroup.ts [--runs N] [--config NAME]… [--append]`
// (--append adds runs to the recording instead of starting it again).
// For the container-oom case (reality/cases/container-oom/cgroup-case.json):
// builds main.go, and for each configuration, each run: creates the memory
// cgroup /sys/fs/cgroup/memory/gomem-container-oom-<config>-<run> with
// memory.limit_in_bytes (and memory.memsw.limit_in_bytes, so no swap) at the
// case's limit and swappiness 0, starts the program in it under `nice`,
// samples once per second /proc/PID/status and the group's
// memory.usage_in_bytes, memory.max_usage_in_bytes, memory.failcnt and
// memory.stat, keeps the program's own SAMPLE lines (runtime/metrics) and its
// gctrace lines, records how it ended (exit code or signal, memory.oom_control's
// oom_kill, the kernel's OOM lines from dmesg), then removes the group.
// Runs go configuration by configuration in turn (A1 B1 C1 A2 B2 C2), one at
// a time; reality/cases/container-oom/recorded-cgroup.json is rewritten after
// each run, so an interrupted recording keeps the runs it finished.
//
// The case has no case.json: the checkpoint harness (record.ts, run.ts, the
// recordings-on-disk tests) expects five runs of CHECKPOINT lines, and this
// case is sampled from outside instead.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES_DIR } from './cases.ts';
import { build } from './record.ts';

export const CASE = 'container-oom';
export const CASE_DIR = join(CASES_DIR, CASE);
export const CGROUP_ROOT = '/sys/fs/cgroup/memory';

export interface CgroupCaseDef {
  description: string;
  limit_bytes: number;
  seconds: number;
  env: Record<string, string>;
  configs: { name: string; env: Record<string, string> }[];
}

export interface CgroupSample {
  /** Milliseconds since the program was started (the recorder's clock). */
  t_ms: number;
  status: Record<string, number>;
  usage_bytes: number;
  max_usage_bytes: number;
  failcnt: number;
  stat: Record<string, number>;
}

export interface CgroupRun {
  config: string;
  run: number;
  env: Record<string, string>;
  /** How it ended: "exit 0", "signal SIGKILL" … */
  end: string;
  oom_killed: boolean;
  /** When it ended, ms after start (the kill time when oom_killed). */
  end_ms: number;
  oom_control: Record<string, number>;
  failcnt: number;
  max_usage_bytes: number;
  peak_rss_kB: number;
  peak_vsz_kB: number;
  dmesg: string[];
  samples: CgroupSample[];
  /** The program's own SAMPLE lines (runtime/metrics, once per second). */
  program: Record<string, number>[];
  gctrace_lines: number;
  done: boolean;
}

export interface CgroupRecording {
  case: string;
  description: string;
  recorded: Record<string, unknown>;
  limit_bytes: number;
  runs: CgroupRun[];
}

const STATUS_KEYS = ['VmPeak', 'VmSize', 'VmHWM', 'VmRSS', 'RssAnon', 'RssFile', 'RssShmem', 'VmData', 'VmPTE', 'Threads'];
const STAT_KEYS = ['cache', 'rss', 'rss_huge', 'shmem', 'mapped_file', 'inactive_anon', 'active_anon', 'inactive_file', 'active_file', 'unevictable', 'pgfault', 'pgmajfault', 'pgpgin', 'pgpgout'];

export function loadCgroupCase(): CgroupCaseDef {
  return JSON.parse(readFileSync(join(CASE_DIR, 'cgroup-case.json'), 'utf8')) as CgroupCaseDef;
}

/** /proc/PID/status's kB (and Threads) lines, by name. */
export function parseStatus(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)(?: kB)?$/.exec(line);
    if (m && STATUS_KEYS.includes(m[1]!)) out[m[1]!] = Number(m[2]);
  }
  return out;
}

/** memory.stat (or memory.oom_control) "key value" lines. */
export function parseKeyValues(text: string, only?: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && (!only || only.includes(k))) out[k] = Number(v);
  }
  return out;
}

/** A cgroup or procfs file's text; '' once it is gone (the group removed, the process exited). */
export function read(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function write(path: string, value: string): void {
  writeFileSync(path, value);
}

/** Creates the group; throws with the exact reason when the kernel refuses. */
export function createGroup(name: string, limit: number): string {
  const dir = join(CGROUP_ROOT, name);
  if (existsSync(dir)) rmdirSync(dir);
  mkdirSync(dir);
  write(join(dir, 'memory.limit_in_bytes'), String(limit));
  if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) write(join(dir, 'memory.memsw.limit_in_bytes'), String(limit));
  write(join(dir, 'memory.swappiness'), '0');
  const got = Number(read(join(dir, 'memory.limit_in_bytes')));
  if (got !== limit) throw new Error(`${dir}/memory.limit_in_bytes reads ${got} after writing ${limit}`);
  return dir;
}

/** Removes the group, retrying while the kernel still counts the dead process in it. */
export function removeGroup(dir: string): void {
  for (let i = 0; i < 50; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch {
      spawnSync('sleep', ['0.1']);
    }
  }
  console.error(`record_cgroup: could not remove ${dir}`);
}

/** The kernel log's lines ([] when dmesg cannot be read). */
export function dmesgLines(): string[] {
  const r = spawnSync('dmesg', [], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout.split('\n') : [];
}

async function runOnce(bin: string, def: CgroupCaseDef, config: { name: string; env: Record<string, string> }, run: number): Promise<CgroupRun> {
  const group = `gomem-${CASE}-${config.name}-${run}`;
  const dir = createGroup(group, def.limit_bytes);
  const dmesgBefore = dmesgLines().length;
  const env = { ...def.env, ...config.env, PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const t0 = Date.now();
  // The shell joins the group, then becomes the program (same PID).
  const child = spawn('sh', ['-c', `echo $$ > ${dir}/cgroup.procs && exec nice -n 5 "$0"`, bin], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid!;
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const samples: CgroupSample[] = [];
  let peakRss = 0;
  let peakVsz = 0;
  const take = (): void => {
    const status = parseStatus(read(`/proc/${pid}/status`));
    if (status.VmRSS === undefined) return;
    peakRss = Math.max(peakRss, status.VmRSS);
    peakVsz = Math.max(peakVsz, status.VmSize ?? 0);
    samples.push({
      t_ms: Date.now() - t0,
      status,
      usage_bytes: Number(read(join(dir, 'memory.usage_in_bytes'))),
      max_usage_bytes: Number(read(join(dir, 'memory.max_usage_in_bytes'))),
      failcnt: Number(read(join(dir, 'memory.failcnt'))),
      stat: parseKeyValues(read(join(dir, 'memory.stat')), STAT_KEYS),
    });
  };
  // Peaks between samples: /proc's VmHWM and the group's max_usage are read at each sample too.
  const timer = setInterval(take, 1000);
  const ended: { code: number | null; signal: NodeJS.Signals | null } = await new Promise((res) => child.on('close', (code, signal) => res({ code, signal })));
  clearInterval(timer);
  const endMs = Date.now() - t0;
  const oom = parseKeyValues(read(join(dir, 'memory.oom_control')));
  const failcnt = Number(read(join(dir, 'memory.failcnt')));
  const maxUsage = Number(read(join(dir, 'memory.max_usage_in_bytes')));
  const dmesg = dmesgLines().slice(dmesgBefore).filter((l) => l.trim() !== '');
  removeGroup(dir);
  const hwm = Math.max(0, ...samples.map((s) => s.status.VmHWM ?? 0));
  const program = out
    .split('\n')
    .filter((l) => l.startsWith('SAMPLE '))
    .map((l) => JSON.parse(l.slice(7)) as Record<string, number>);
  const gctrace = err.split('\n').filter((l) => l.startsWith('gc '));
  mkdirSync(join(CASE_DIR, 'gctrace'), { recursive: true });
  writeFileSync(join(CASE_DIR, 'gctrace', `${config.name}-run${run}.txt`), gctrace.join('\n') + '\n');
  const end = ended.signal ? `signal ${ended.signal}` : `exit ${ended.code}`;
  const other = err.split('\n').filter((l) => l !== '' && !l.startsWith('gc '));
  if (other.length > 0) console.error(`record_cgroup: ${group} stderr: ${other.slice(0, 5).join(' | ')}`);
  return {
    config: config.name,
    run,
    env: { ...def.env, ...config.env },
    end,
    oom_killed: ended.signal === 'SIGKILL' && (oom.oom_kill ?? 0) > 0,
    end_ms: endMs,
    oom_control: oom,
    failcnt,
    max_usage_bytes: maxUsage,
    peak_rss_kB: Math.max(peakRss, hwm),
    peak_vsz_kB: peakVsz,
    dmesg,
    samples,
    program,
    gctrace_lines: gctrace.length,
    done: out.includes('\nDONE') || out.startsWith('DONE'),
  };
}

export function summaryLine(r: CgroupRun): string {
  const mib = (b: number): string => (b / 1048576).toFixed(1);
  const last = r.program[r.program.length - 1];
  return `${r.config} run ${r.run}: ${r.oom_killed ? `OOM-killed at ${(r.end_ms / 1000).toFixed(1)} s` : r.done ? 'survived' : r.end} ` +
    `peak RSS ${mib(r.peak_rss_kB * 1024)} MiB, peak usage ${mib(r.max_usage_bytes)} MiB, peak VSZ ${mib(r.peak_vsz_kB * 1024)} MiB, ` +
    `GC cycles ${last?.gc_cycles ?? '?'}, GC CPU ${last && last.total_cpu_s ? ((100 * last.gc_cpu_s!) / last.total_cpu_s).toFixed(1) : '?'}%`;
}

async function main(argv: string[]): Promise<number> {
  let runs = 2;
  const only: string[] = [];
  let append = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runs') runs = Number(argv[++i]);
    else if (a === '--append') append = true;
    else if (a === '--config') only.push(argv[++i] ?? '');
    else {
      console.error(`record_cgroup: unknown option ${a} (accepted: --runs N, --config NAME, --append)`);
      return 2;
    }
  }
  if (!Number.isInteger(runs) || runs < 1) {
    console.error('record_cgroup: --runs needs a positive integer');
    return 2;
  }
  if (!existsSync(join(CGROUP_ROOT, 'memory.limit_in_bytes'))) {
    console.error(`record_cgroup: no cgroup v1 memory controller at ${CGROUP_ROOT}`);
    return 2;
  }
  const def = loadCgroupCase();
  const configs = only.length ? def.configs.filter((c) => only.includes(c.name)) : def.configs;
  if (configs.length === 0) {
    console.error(`record_cgroup: no such configuration (have: ${def.configs.map((c) => c.name).join(', ')})`);
    return 2;
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.status !== 0) {
    console.error('record_cgroup: real Go is not installed (scripts/install-go.sh)');
    return 2;
  }
  const bin = build(CASE);
  const out: CgroupRecording = {
    case: CASE,
    description: def.description,
    recorded: {
      date: new Date().toISOString(),
      go_version: go.stdout.trim(),
      kernel: spawnSync('uname', ['-srvm'], { encoding: 'utf8' }).stdout.trim(),
      cpus: spawnSync('nproc', [], { encoding: 'utf8' }).stdout.trim(),
      thp_enabled: read('/sys/kernel/mm/transparent_hugepage/enabled').trim(),
      cgroup: `v1 memory controller, ${CGROUP_ROOT}/gomem-${CASE}-<config>-<run>, memory.limit_in_bytes = memory.memsw.limit_in_bytes = ${def.limit_bytes}, swappiness 0; program under nice -n 5`,
      binary: `reality/.build/${CASE}`,
    },
    limit_bytes: def.limit_bytes,
    runs: [],
  };
  const file = join(CASE_DIR, 'recorded-cgroup.json');
  if (append && existsSync(file)) {
    const old = JSON.parse(readFileSync(file, 'utf8')) as CgroupRecording;
    out.runs = old.runs;
    out.recorded = { ...old.recorded, appended: [...((old.recorded.appended as string[] | undefined) ?? []), out.recorded.date as string] };
  }
  for (let run = 1; run <= runs; run++) {
    for (const c of configs) {
      let r: CgroupRun;
      try {
        r = await runOnce(bin, def, c, out.runs.filter((x) => x.config === c.name).length + 1);
      } catch (e) {
        console.error(`record_cgroup: ${(e as Error).message}`);
        return 1;
      }
      out.runs.push(r);
      writeFileSync(file, JSON.stringify(out) + '\n');
      console.log(summaryLine(r));
    }
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((c) => (process.exitCode = c));
}
