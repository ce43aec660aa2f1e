// The container-oom table: the container-oom program run in a 512 MiB
// cgroup under each configuration, one row each (survived or killed and
// when, peak RSS, the cgroup's peak charge, VSZ, GC cycles, GC CPU, time
// with the GC CPU limiter on). Every figure is the model's; real Go's, in a
// real cgroup, are in reality/cases/container-oom/recorded-cgroup.json.

import { GoProcess } from '../go/process.ts';
import { gcState, mib, oomReport, secs } from '../go/oom_report.ts';
import containerOom from './container-oom.ts';

export interface ContainerOomConfig {
  name: string;
  env: Record<string, string>;
}

/** The three configurations, named as the recording names them. */
export const containerOomConfigs: readonly ContainerOomConfig[] = [
  { name: 'gogc100', env: { GOGC: '100' } },
  { name: 'memlimit450', env: { GOGC: '100', GOMEMLIMIT: '450MiB' } },
  { name: 'gogcoff-memlimit450', env: { GOGC: 'off', GOMEMLIMIT: '450MiB' } },
];

export const containerLimit = 512 * 1024 * 1024;

export interface ContainerOomRow {
  config: string;
  env: Record<string, string>;
  killed: boolean;
  /** Virtual ns from the process's start to the kill, or to its exit. */
  endNs: number;
  peakRss: number;
  peakCharge: number;
  peakVsz: number;
  gcCycles: number;
  gcCpuFraction: number;
  limiterNs: number;
  /** gomem's account of the kill (oom_report.ts), when killed. */
  report: string[];
  kernelLog: string[];
}

export interface ContainerOomOptions {
  seconds?: number;
  limit?: number;
  seed?: number;
  gomaxprocs?: number;
}

export function runContainerOom(config: ContainerOomConfig, o: ContainerOomOptions = {}): ContainerOomRow {
  const env = { GOMAXPROCS: String(o.gomaxprocs ?? 2), ...config.env };
  const p = new GoProcess(containerOom, {
    env,
    cgroupMemoryMax: o.limit ?? containerLimit,
    options: { seconds: String(o.seconds ?? 480) },
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    stdout: () => {},
    stderr: () => {},
  });
  const r = p.run();
  const snap = p.proc.exited?.oom;
  const s = gcState(p);
  return {
    config: config.name,
    env,
    killed: r.outcome === 'oom-kill',
    endNs: snap?.t ?? p.clock.now,
    peakRss: p.proc.vmHwm,
    peakCharge: p.cgroup!.memoryPeak,
    peakVsz: p.proc.vmPeak,
    gcCycles: s.numGC,
    gcCpuFraction: s.gcCpuFraction,
    limiterNs: s.limiterNs,
    report: snap !== undefined ? oomReport(p, snap) : [],
    kernelLog: r.kernelLog,
  };
}

const header = ['configuration', 'outcome', 'peak RSS', 'peak charge', 'VSZ', 'GC cycles', 'GC CPU', 'limiter on'];

/** The table, one row per configuration, columns aligned. */
export function formatContainerOomTable(rows: readonly ContainerOomRow[], seconds: number, limit: number): string {
  const cells = rows.map((r) => [
    Object.entries(r.env)
      .filter(([k]) => k !== 'GOMAXPROCS')
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
    r.killed ? `killed at ${secs(r.endNs)}` : `survived ${seconds} s`,
    mib(r.peakRss),
    mib(r.peakCharge),
    mib(r.peakVsz),
    String(r.gcCycles),
    `${(100 * r.gcCpuFraction).toFixed(1)}%`,
    secs(r.limiterNs),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((x, i) => (i < 2 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ').trimEnd();
  return [
    `# container-oom: ${seconds} s of 2,000 req/s × 32 KiB short-lived + a 1 MiB/s leak, in a ${mib(limit)} cgroup (memory.max), GOMAXPROCS=${rows[0]?.env.GOMAXPROCS ?? 2}`,
    line(header),
    ...cells.map(line),
  ].join('\n');
}
