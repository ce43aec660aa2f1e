// The what-if sweep of issue 14 (point 5): 100 configurations × 10 virtual
// minutes of a service allocating 100 MB/s of mixed small objects
// (bench/whatif/service.json), in the fast mode, on this machine's cores,
// and the fast mode's largest deviation from the exact mode on a sample.
//
//   npm run bench -- whatif
//
// There is no real-Go side: the target is absolute (the sweep in 60 s of
// wall time on 2 cores), so the figure is the wall time of the whole
// `gomem whatif` process, from spawn to exit, in a fresh --out directory:
// Node's start, the worker pool's, the fast mode's calibration (one exact
// run of 10 virtual seconds), the 100 runs and writing the table and the
// HTML report.
//
// The sample: the same workload for 1 virtual minute under GOGC 50, 100,
// 200, 400, off × GOMEMLIMIT off, 250MiB in a 512 MiB container, run in
// both modes. The exact runs take tens of minutes, so their results are
// kept in bench/.whatif-sample (gitignored) and a later run reuses those
// whose key (configuration, workload bytes, seed, gomem's version) matches;
// GOMEM_BENCH_FRESH=1 runs them again (after a model change under the same
// version). The deviation is (fast − exact) / exact for peak RSS, GC cycles
// and GC CPU, and whether both were OOM-killed or both survived.
//
// Cases: whatif/sweep (wall_s; its ratio, the one bench history compares,
// is wall_s over the 60 s target: below 1 meets it), whatif/sample (the
// largest deviations, in %, and outcome mismatches; nothing to compare).

import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { printResult } from './timing.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const workload = join(root, 'bench/whatif/service.json');
const sampleDir = join(root, 'bench/.whatif-sample');

const sweepGrid = [
  '--gogc', '25,50,75,100,150,200,300,400,800,off',
  '--memlimit', 'off,180MiB,200MiB,250MiB,300MiB,350MiB,400MiB,450MiB,480MiB,500MiB',
  '--cgroup-memory-max', '512MiB',
];
const sampleGrid = ['--gogc', '50,100,200,400,off', '--memlimit', 'off,250MiB', '--cgroup-memory-max', '512MiB'];

function gomem(args: string[]): { status: number; stderr: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin/gomem.js'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`gomem ${args.join(' ')}: exit ${r.status}: ${r.stderr.trim().split('\n').pop()}`);
  return { status: r.status, stderr: r.stderr, ms };
}

interface StoredRow {
  key: { env: Record<string, string> };
  row: { outcome: string; peakRss: number; gcCycles: number; gcCpuFraction: number };
}

/** A sweep directory's rows by their settings (GOGC and GOMEMLIMIT). */
function rowsOf(dir: string): Map<string, StoredRow['row']> {
  const out = new Map<string, StoredRow['row']>();
  for (const f of readdirSync(join(dir, 'results'))) {
    if (!f.endsWith('.json')) continue;
    const r = JSON.parse(readFileSync(join(dir, 'results', f), 'utf8')) as StoredRow;
    out.set(`GOGC=${r.key.env.GOGC ?? '100'} GOMEMLIMIT=${r.key.env.GOMEMLIMIT ?? 'off'}`, r.row);
  }
  return out;
}

export function run(): void {
  const jobs = String(availableParallelism());
  const tmp = mkdtempSync(join(tmpdir(), 'gomem-bench-whatif-'));
  try {
    const sweep = gomem(['whatif', workload, '--mode', 'fast', '--duration', '10m', ...sweepGrid, '--seed', '1', '--jobs', jobs, '--out', join(tmp, 'sweep')]);
    printResult({ bench: 'whatif/sweep', configurations: 100, virtual: '10m', wall_s: +(sweep.ms / 1000).toFixed(1), target_s: 60, ratio: +(sweep.ms / 1000 / 60).toFixed(3), jobs: Number(jobs) });

    if (process.env.GOMEM_BENCH_FRESH === '1' && existsSync(sampleDir)) rmSync(sampleDir, { recursive: true });
    const exact = gomem(['whatif', workload, '--duration', '60s', ...sampleGrid, '--seed', '1', '--jobs', jobs, '--out', sampleDir]);
    const reused = /(\d+) of \d+ configurations done in an earlier run/.exec(exact.stderr)?.[1] ?? '0';
    gomem(['whatif', workload, '--mode', 'fast', '--duration', '60s', ...sampleGrid, '--seed', '1', '--jobs', jobs, '--out', join(tmp, 'fast')]);
    const e = rowsOf(sampleDir);
    const f = rowsOf(join(tmp, 'fast'));
    const dev = { rss: 0, cycles: 0, cpu: 0 };
    const worst = { rss: '', cycles: '', cpu: '' };
    const mismatched: string[] = [];
    const rel = (a: number, b: number): number => (b === 0 ? (a === 0 ? 0 : Infinity) : (a - b) / b);
    for (const [k, x] of e) {
      const y = f.get(k);
      if (y === undefined) throw new Error(`the fast sample has no ${k}`);
      if ((x.outcome === 'oom-kill') !== (y.outcome === 'oom-kill')) mismatched.push(`${k}: exact ${x.outcome}, fast ${y.outcome}`);
      const d = { rss: rel(y.peakRss, x.peakRss), cycles: rel(y.gcCycles, x.gcCycles), cpu: rel(y.gcCpuFraction, x.gcCpuFraction) };
      for (const m of ['rss', 'cycles', 'cpu'] as const) {
        if (Math.abs(d[m]) > Math.abs(dev[m])) {
          dev[m] = d[m];
          worst[m] = k;
        }
      }
    }
    const pct = (x: number): number => +(x * 100).toFixed(1);
    printResult({
      bench: 'whatif/sample',
      configurations: e.size,
      virtual: '60s',
      exact_reused: Number(reused),
      exact_wall_s: +(exact.ms / 1000).toFixed(1),
      max_dev_pct: Math.max(...Object.values(dev).map((x) => Math.abs(pct(x)))),
      peak_rss_pct: pct(dev.rss),
      peak_rss_at: worst.rss,
      gc_cycles_pct: pct(dev.cycles),
      gc_cycles_at: worst.cycles,
      gc_cpu_pct: pct(dev.cpu),
      gc_cpu_at: worst.cpu,
      oom_mismatches: mismatched,
    });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
