// Prediction, not replay (issue 14): each program's GOGC=100 gctrace log is
// imported as a workload (src/import/gctrace_workload.ts), the workload runs
// on gomem at the three settings the log was not recorded at (GOGC=50,
// GOGC=200, GOGC=100 with the program's GOMEMLIMIT), and the predicted GC
// cycles, peak RSS (VmHWM) and heap goal are printed beside real Go's
// recordings of the same program at those settings, with the deviation.
// The bar is 15%.
//
//   npx tsx reality/whatif/predict.ts [--only steady,cache] [--settings gogc50,memlimit] [--replay] [--jobs 2] [--json FILE]
//
// --replay also runs the source setting (GOGC=100): it is not a prediction,
// only a check of the import and the model on the log's own setting.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGctrace } from '../../src/import/gctrace.ts';
import { workloadFromGctrace, type WorkloadJson } from '../../src/import/gctrace_workload.ts';
import { programs, settingsOf, type Setting } from './record.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const GOMEM = fileURLToPath(new URL('../../bin/gomem.js', import.meta.url));

/** The compared figures of one run, real or predicted. */
export interface Figures {
  cycles: number;
  peakRss: number;
  maxGoalMB: number;
  medianGoalMB: number;
}

interface Recorded {
  cycles: number;
  peak_rss: number;
  max_goal_MB: number;
  median_goal_MB: number;
  wall_s: number;
  result: { cpu_s: number };
}

export function recordedFigures(name: string): Record<string, Recorded> {
  return JSON.parse(readFileSync(join(HERE, name, 'recorded', 'figures.json'), 'utf8')) as Record<string, Recorded>;
}

/**
 * The workload imported from a program's GOGC=100 log, as `gomem import
 * gctrace recorded/gogc100.log --duration <its wall time> --cpu <its CPU
 * time over it>` writes it: the program ran that long (the log's last
 * cycle came earlier) and used that much CPU, as top would have shown.
 */
export function importedWorkload(name: string): WorkloadJson {
  const file = join(HERE, name, 'recorded', 'gogc100.log');
  const rec = recordedFigures(name).gogc100!;
  const log = parseGctrace(readFileSync(file, 'utf8'), `${name}/recorded/gogc100.log`);
  const cpu = rec.result.cpu_s >= 0 ? Math.round((rec.result.cpu_s / rec.wall_s) * 1000) / 1000 : null;
  return workloadFromGctrace(log, { file: `${name}/recorded/gogc100.log`, name, gogc: 100, memlimit: null, durationNs: Math.round(rec.wall_s * 1e9), cpu }).workload;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The figures of a gomem run from its output: the gctrace lines on stderr, the last VmHWM of --status on stdout. */
export function figuresOfRun(stdout: string, stderr: string): Figures {
  const cycles = parseGctrace(stderr, 'gomem stderr').cycles;
  const hwm = [...stdout.matchAll(/^VmHWM:\s+(\d+) kB$/gm)].pop();
  if (hwm === undefined) throw new Error(`no VmHWM in gomem's output: ${stdout.slice(0, 300)}`);
  const goals = cycles.map((c) => c.goalMB);
  return { cycles: cycles.length, peakRss: Number(hwm[1]) * 1024, maxGoalMB: Math.max(...goals), medianGoalMB: median(goals) };
}

/** Runs workload JSON on gomem at a setting; resolves to its figures. */
export function runOnGomem(workloadFile: string, s: Setting, extra: readonly string[] = []): Promise<Figures> {
  const args = [GOMEM, 'run', workloadFile, '--godebug', 'gctrace=1', '--status', '--quiet', '--gogc', s.env.GOGC ?? '100', ...extra];
  if (s.env.GOMEMLIMIT !== undefined) args.push('--memlimit', s.env.GOMEMLIMIT);
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`gomem run ${workloadFile} ${args.slice(3).join(' ')} exited ${code}: ${stderr.slice(-400)}`));
      try {
        resolve(figuresOfRun(stdout, stderr));
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** Signed deviation of predicted from real, as a fraction. */
export const deviation = (predicted: number, real: number): number => (predicted - real) / real;

export interface Row {
  program: string;
  setting: string;
  real: Figures;
  predicted: Figures;
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

export function formatRows(rows: readonly Row[]): string {
  const out = ['program  setting   cycles real/pred (dev)    peak RSS MiB real/pred (dev)   max goal MB real/pred (dev)   median goal MB real/pred (dev)'];
  for (const r of rows) {
    const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
    out.push(
      [
        r.program.padEnd(8),
        r.setting.padEnd(9),
        `${r.real.cycles}/${r.predicted.cycles} (${pct(deviation(r.predicted.cycles, r.real.cycles))})`.padEnd(24),
        `${mib(r.real.peakRss)}/${mib(r.predicted.peakRss)} (${pct(deviation(r.predicted.peakRss, r.real.peakRss))})`.padEnd(30),
        `${r.real.maxGoalMB}/${r.predicted.maxGoalMB} (${pct(deviation(r.predicted.maxGoalMB, r.real.maxGoalMB))})`.padEnd(29),
        `${r.real.medianGoalMB}/${r.predicted.medianGoalMB} (${pct(deviation(r.predicted.medianGoalMB, r.real.medianGoalMB))})`,
      ].join(' '),
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const arg = (flag: string): string | null => {
    const i = process.argv.indexOf(flag);
    return i < 0 ? null : process.argv[i + 1]!;
  };
  const only = arg('--only')?.split(',') ?? Object.keys(programs);
  const want = arg('--settings')?.split(',') ?? null;
  const replay = process.argv.includes('--replay');
  const jobs = Number(arg('--jobs') ?? '2');
  const dir = mkdtempSync(join(tmpdir(), 'gomem-predict-'));
  const tasks: (() => Promise<Row>)[] = [];
  for (const name of only) {
    const w = importedWorkload(name);
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(w, null, 2));
    console.error(`${name}: ${w.source.cycles} cycles → ${w.phases.length} phases (${file})`);
    const rec = recordedFigures(name);
    for (const s of settingsOf(name)) {
      if (s.name === 'gogc100' && !replay) continue;
      if (want !== null && !want.includes(s.name)) continue;
      const r = rec[s.name]!;
      const real: Figures = { cycles: r.cycles, peakRss: r.peak_rss, maxGoalMB: r.max_goal_MB, medianGoalMB: r.median_goal_MB };
      tasks.push(async () => {
        const t0 = Date.now();
        const predicted = await runOnGomem(file, s);
        console.error(`  ${name} ${s.name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        return { program: name, setting: s.name === 'gogc100' ? 'gogc100*' : s.name, real, predicted };
      });
    }
  }
  const rows: Row[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, jobs) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        rows[i] = await tasks[i]!();
      }
    }),
  );
  console.log(formatRows(rows));
  if (replay) console.log('* the source setting: a replay, not a prediction');
  const worst = Math.max(...rows.filter((r) => !r.setting.endsWith('*')).flatMap((r) => [r.predicted.cycles / r.real.cycles, r.predicted.peakRss / r.real.peakRss, r.predicted.maxGoalMB / r.real.maxGoalMB].map((x) => Math.abs(x - 1))));
  console.log(`largest deviation (cycles, peak RSS, max goal; predictions only): ${(worst * 100).toFixed(1)}% (bar: 15%)`);
  const jsonOut = arg('--json');
  if (jsonOut !== null) writeFileSync(jsonOut, JSON.stringify(rows, null, 2) + '\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
