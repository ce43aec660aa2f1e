// Real Go in a real memory cgroup, for reality/advise/check.ts: builds
// reality/cases/container-oom/main.go (into reality/advise/.build, not the
// shared reality/.build) and runs it once under a GOGC / GOMEMLIMIT setting
// in a fresh cgroup-v1 memory group with memory.limit_in_bytes (and
// memory.memsw.limit_in_bytes: no swap) at the container's limit, swappiness
// 0, under `nice -n 5`, as reality/record_cgroup.ts does for its three
// configurations (its parsers are reused). Sampled once per second from
// outside: the group's usage and max usage, /proc/PID/status; at the end:
// how the process ended, memory.oom_control's oom_kill count, the group's
// max_usage_in_bytes, and the kernel's OOM-killer lines. The time of death
// is when the process's SIGKILL was seen (the child's exit), in ms since it
// was started.

import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CGROUP_ROOT, createGroup, dmesgLines, parseKeyValues, parseStatus, read, removeGroup } from '../record_cgroup.ts';

export const ADVISE_DIR = dirname(fileURLToPath(import.meta.url));
const REALITY_DIR = join(ADVISE_DIR, '..');
const BUILD_DIR = join(ADVISE_DIR, '.build');

/** One real run, reduced to what the comparison needs (the recording stays small). */
export interface RealRun {
  /** Which advise candidate it was: "recommended" or "default". */
  role: string;
  gogc: string;
  memlimit: string;
  env: Record<string, string>;
  /** "exit 0", "signal SIGKILL" … */
  end: string;
  oom_killed: boolean;
  /** ms after start at which the process ended (the SIGKILL, when oom_killed). */
  end_ms: number;
  /** The program printed DONE: it ran its 480 s. */
  done: boolean;
  /** memory.max_usage_in_bytes at the end: the group's peak charge. */
  max_usage_bytes: number;
  /** The most VmHWM / VmRSS seen, kB. */
  peak_rss_kB: number;
  failcnt: number;
  oom_kill_events: number;
  /** The program's last runtime/metrics sample. */
  gc_cycles: number | null;
  gc_cpu_percent: number | null;
  /** The kernel's "Memory cgroup out of memory: Killed process …" line, if any. */
  oom_line: string | null;
  /** Every 10th second: t_ms, the group's usage, VmRSS kB, the program's heap goal and live heap. */
  samples: { t_ms: number; usage_bytes: number; rss_kB: number; heap_goal: number | null; heap_live: number | null }[];
}

/** The `go` command: on PATH, else where scripts/install-go.sh puts Debian's Go 1.23; null when neither runs. */
export function findGo(): string | null {
  for (const g of ['go', '/usr/lib/go-1.23/bin/go']) {
    const r = spawnSync(g, ['version'], { encoding: 'utf8' });
    if (r.status === 0 && /go1\.23/.test(r.stdout)) return g;
  }
  return null;
}

/**
 * Why real Go cannot be run in a memory cgroup here, or null when it can:
 * no Go 1.23, no cgroup-v1 memory controller, or a group cannot be made
 * (not root, read-only).
 */
export function cannotRun(): string | null {
  if (findGo() === null) return 'real Go 1.23 is not installed (neither `go` on PATH nor /usr/lib/go-1.23/bin/go; scripts/install-go.sh installs it)';
  if (!existsSync(join(CGROUP_ROOT, 'memory.limit_in_bytes'))) return `no cgroup-v1 memory controller at ${CGROUP_ROOT}`;
  const probe = join(CGROUP_ROOT, `gomem-advise-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    accessSync(join(probe, 'memory.limit_in_bytes'), constants.W_OK);
    rmdirSync(probe);
  } catch (e) {
    return `cannot make a memory cgroup under ${CGROUP_ROOT} (${(e as Error).message}); run as root`;
  }
  return null;
}

/** Builds the container-oom program with real Go; returns the binary. */
export function buildContainerOom(): string {
  const go = findGo();
  if (go === null) throw new Error('real Go 1.23 is not installed');
  mkdirSync(BUILD_DIR, { recursive: true });
  const bin = join(BUILD_DIR, 'container-oom');
  const r = spawnSync(go, ['build', '-buildvcs=false', '-o', bin, './cases/container-oom'], {
    cwd: REALITY_DIR,
    encoding: 'utf8',
    env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
  });
  if (r.status !== 0) throw new Error(`go build container-oom failed:\n${r.stderr}`);
  return bin;
}

export function goVersion(): string {
  const go = findGo();
  return go === null ? '' : spawnSync(go, ['version'], { encoding: 'utf8' }).stdout.trim();
}

let groups = 0;

/** Runs the binary once in a fresh group of `limit` bytes with GOGC and GOMEMLIMIT ("off": unset). */
export async function runReal(bin: string, role: string, gogc: string, memlimit: string, limit: number): Promise<RealRun> {
  const dir = createGroup(`gomem-advise-${role}-${process.pid}-${++groups}`, limit);
  const env: Record<string, string> = { GOMAXPROCS: '2', GODEBUG: 'gctrace=1', GOGC: gogc };
  if (memlimit !== 'off') env.GOMEMLIMIT = memlimit;
  const dmesgBefore = dmesgLines().length;
  const t0 = Date.now();
  const child = spawn('sh', ['-c', `echo $$ > ${dir}/cgroup.procs && exec nice -n 5 "$0"`, bin], {
    env: { ...env, PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  let out = '';
  let errTail = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  // gctrace lines: only the tail is kept (a stray runtime message would be there).
  child.stderr.setEncoding('utf8').on('data', (d: string) => (errTail = (errTail + d).slice(-4000)));
  let peakRss = 0;
  const raw: { t_ms: number; usage_bytes: number; rss_kB: number }[] = [];
  const timer = setInterval(() => {
    const st = parseStatus(read(`/proc/${pid}/status`));
    if (st.VmRSS === undefined) return;
    peakRss = Math.max(peakRss, st.VmRSS, st.VmHWM ?? 0);
    raw.push({ t_ms: Date.now() - t0, usage_bytes: Number(read(join(dir, 'memory.usage_in_bytes'))), rss_kB: st.VmRSS });
  }, 1000);
  // Both listeners at once: 'close' (the pipes drained) can follow 'exit' within the same turn.
  const closed = new Promise((res) => child.on('close', res));
  const ended: { code: number | null; signal: NodeJS.Signals | null } = await new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
  const endMs = Date.now() - t0;
  clearInterval(timer);
  await closed;
  const oom = parseKeyValues(read(join(dir, 'memory.oom_control')));
  const maxUsage = Number(read(join(dir, 'memory.max_usage_in_bytes')));
  const failcnt = Number(read(join(dir, 'memory.failcnt')));
  const dmesg = dmesgLines().slice(dmesgBefore);
  removeGroup(dir);
  const program = out
    .split('\n')
    .filter((l) => l.startsWith('SAMPLE '))
    .map((l) => JSON.parse(l.slice(7)) as Record<string, number>);
  const last = program[program.length - 1];
  const bySecond = new Map(program.map((p) => [Math.round(p.t_ms! / 1000), p]));
  const samples = raw
    .filter((_, i) => i % 10 === 9)
    .map((s) => {
      const p = bySecond.get(Math.round(s.t_ms / 1000)) ?? bySecond.get(Math.floor(s.t_ms / 1000));
      return { ...s, heap_goal: p?.heap_goal ?? null, heap_live: p?.heap_live ?? null };
    });
  const killed = ended.signal === 'SIGKILL' && (oom.oom_kill ?? 0) > 0;
  return {
    role,
    gogc,
    memlimit,
    env,
    end: ended.signal ? `signal ${ended.signal}` : `exit ${ended.code}`,
    oom_killed: killed,
    end_ms: endMs,
    done: /(^|\n)DONE\n/.test(out),
    max_usage_bytes: maxUsage,
    peak_rss_kB: peakRss,
    failcnt,
    oom_kill_events: oom.oom_kill ?? 0,
    gc_cycles: last?.gc_cycles ?? null,
    gc_cpu_percent: last && last.total_cpu_s ? Math.round(((1000 * last.gc_cpu_s!) / last.total_cpu_s) * 100) / 1000 : null,
    oom_line: dmesg.find((l) => /Killed process/.test(l))?.replace(/^\[\s*[\d.]+\]\s*/, '') ?? null,
    samples,
  };
}
