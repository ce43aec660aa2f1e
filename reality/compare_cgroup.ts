// Compares gomem's container-oom table with real Go's in a real memory
// cgroup (reality/cases/container-oom/recorded-cgroup.json, made by
// record_cgroup.ts): `npx tsx reality/compare_cgroup.ts [--seconds N]`.
// Per configuration: the outcome (the same configurations must survive),
// the kill time and the peak charge (gomem within 10% of the real runs'
// min–max), with peak RSS, GC cycles and GC CPU beside them for reading.
// Exit status 1 when a compared figure is out.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { containerOomConfigs, runContainerOom, type ContainerOomRow } from '../src/scenarios/container-oom-table.ts';
import { CASE_DIR, type CgroupRecording, type CgroupRun } from './record_cgroup.ts';

export interface CgroupVerdict {
  config: string;
  figure: string;
  real: string;
  gomem: string;
  verdict: 'ok' | 'OUT' | 'info';
}

/** min–max of the real runs, widened by rel; whether v lies in it. */
function within(vals: number[], v: number, rel: number): boolean {
  return v >= Math.min(...vals) * (1 - rel) && v <= Math.max(...vals) * (1 + rel);
}

const range = (vals: number[], f: (x: number) => string): string => (Math.min(...vals) === Math.max(...vals) ? f(vals[0]!) : `${f(Math.min(...vals))}–${f(Math.max(...vals))}`);
const mib = (b: number): string => (b / 1048576).toFixed(1);
const s = (ms: number): string => (ms / 1000).toFixed(1);

export function compareConfig(config: string, real: CgroupRun[], g: ContainerOomRow): CgroupVerdict[] {
  const out: CgroupVerdict[] = [];
  const killed = real.map((r) => r.oom_killed);
  const realOutcome = killed.every((k) => k) ? 'killed' : killed.every((k) => !k) ? 'survived' : 'mixed';
  const gOutcome = g.killed ? 'killed' : 'survived';
  // Mixed: real Go itself was killed in some runs and not in others; either outcome is one it had.
  out.push({ config, figure: 'outcome', real: `${realOutcome} (${real.length} runs)`, gomem: gOutcome, verdict: realOutcome === gOutcome || realOutcome === 'mixed' ? 'ok' : 'OUT' });
  const killedRuns = real.filter((r) => r.oom_killed);
  if (g.killed && killedRuns.length > 0) {
    const t = killedRuns.map((r) => r.end_ms);
    out.push({ config, figure: 'kill time, s', real: range(t, s), gomem: s(g.endNs / 1e6), verdict: within(t, g.endNs / 1e6, 0.1) ? 'ok' : 'OUT' });
  }
  const peak = real.map((r) => r.max_usage_bytes);
  out.push({ config, figure: 'peak charge, MiB', real: range(peak, mib), gomem: mib(g.peakCharge), verdict: within(peak, g.peakCharge, 0.1) ? 'ok' : 'OUT' });
  out.push({ config, figure: 'peak RSS, MiB', real: range(real.map((r) => r.peak_rss_kB * 1024), mib), gomem: mib(g.peakRss), verdict: 'info' });
  out.push({ config, figure: 'peak VSZ, MiB', real: range(real.map((r) => r.peak_vsz_kB * 1024), mib), gomem: mib(g.peakVsz), verdict: 'info' });
  const last = real.map((r) => r.program[r.program.length - 1]!);
  out.push({ config, figure: 'GC cycles', real: range(last.map((p) => p.gc_cycles!), String), gomem: String(g.gcCycles), verdict: 'info' });
  out.push({
    config,
    figure: 'GC CPU, %',
    real: range(last.map((p) => (100 * p.gc_cpu_s!) / p.total_cpu_s!), (x) => x.toFixed(1)),
    gomem: (100 * g.gcCpuFraction).toFixed(1),
    verdict: 'info',
  });
  out.push({
    config,
    figure: 'limiter last enabled (cycle)',
    real: last.map((p) => String(p.limiter_last_enabled_cycle)).join(', '),
    gomem: g.limiterNs > 0 ? `on ${(g.limiterNs / 1e9).toFixed(1)} s` : 'never on',
    verdict: 'info',
  });
  return out;
}

function main(argv: string[]): number {
  const file = join(CASE_DIR, 'recorded-cgroup.json');
  if (!existsSync(file)) {
    console.error('compare_cgroup: no recording: run npx tsx reality/record_cgroup.ts (as root, cgroup v1)');
    return 2;
  }
  let seconds = 480;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds' && /^\d+$/.test(argv[i + 1] ?? '')) seconds = Number(argv[++i]);
    else {
      console.error(`compare_cgroup: unknown option ${argv[i]} (accepted: --seconds N)`);
      return 2;
    }
  }
  const rec = JSON.parse(readFileSync(file, 'utf8')) as CgroupRecording;
  const rows: CgroupVerdict[] = [];
  for (const c of containerOomConfigs) {
    const real = rec.runs.filter((r) => r.config === c.name);
    if (real.length === 0) continue;
    rows.push(...compareConfig(c.name, real, runContainerOom(c, { seconds, limit: rec.limit_bytes })));
  }
  const w = [20, 29, 22, 12];
  for (const r of rows) console.log([r.config.padEnd(w[0]!), r.figure.padEnd(w[1]!), r.real.padEnd(w[2]!), r.gomem.padEnd(w[3]!), r.verdict].join('  '));
  return rows.some((r) => r.verdict === 'OUT') ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
