// Records the what-if prediction corpus with real Go (issue 14's "Prediction,
// not replay"): each program under reality/whatif/<name>/ runs at GOGC=100,
// GOGC=50, GOGC=200, and GOGC=100 with a GOMEMLIMIT below its GOGC=100 peak,
// always with GODEBUG=gctrace=1. Its stderr (gctrace and the program's own
// log lines) goes to recorded/<setting>.log and the figures (GC cycles, peak
// RSS, heap goals, the program's RESULT line) to recorded/figures.json.
//
//   npx tsx reality/whatif/record.ts [--only steady,cache] [--settings gogc100,memlimit]
//
// Runs are one after another (each is 30 s of real time and has the machine
// to itself as far as this script goes; README.md says what else may run).

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseGctrace } from '../../src/import/gctrace.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REALITY = join(HERE, '..');

export interface Setting {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
}

/** The programs and, for each, the GOMEMLIMIT of its fourth run: below its GOGC=100 peak RSS (figures.json's gogc100.peak_rss). */
export const programs: Readonly<Record<string, { memlimit: string }>> = {
  steady: { memlimit: '110MiB' },
  cache: { memlimit: '200MiB' },
  bursts: { memlimit: '110MiB' },
};

export function settingsOf(name: string): Setting[] {
  return [
    { name: 'gogc100', env: { GOGC: '100' } },
    { name: 'gogc50', env: { GOGC: '50' } },
    { name: 'gogc200', env: { GOGC: '200' } },
    { name: 'memlimit', env: { GOGC: '100', GOMEMLIMIT: programs[name]!.memlimit } },
  ];
}

/** Parses "RESULT k=v k=v …" from the program's stdout. */
function resultOf(stdout: string): Record<string, number> {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`no RESULT line in ${JSON.stringify(stdout)}`);
  const out: Record<string, number> = {};
  for (const kv of line.slice(7).trim().split(/\s+/)) {
    const [k, v] = kv.split('=');
    out[k!] = Number(v);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The figures a recording is compared on, from its log and RESULT line. */
export function figuresOf(log: string, file: string, result: Record<string, number>) {
  const { cycles } = parseGctrace(log, file);
  const goals = cycles.map((c) => c.goalMB);
  return {
    cycles: cycles.length,
    forced_cycles: cycles.filter((c) => c.forced).length,
    peak_rss: result.vmhwm_kb! * 1024,
    max_goal_MB: Math.max(...goals),
    median_goal_MB: median(goals),
    max_heap1_MB: Math.max(...cycles.map((c) => c.heap1MB)),
    last_gc_at_s: cycles[cycles.length - 1]!.atS,
  };
}

function run(bin: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string; wallS: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const p = spawn(bin, [], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', GODEBUG: 'gctrace=1', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ stdout, stderr, wallS: Number(process.hrtime.bigint() - t0) / 1e9, code }));
  });
}

async function main(): Promise<void> {
  const arg = (flag: string): string[] | null => {
    const i = process.argv.indexOf(flag);
    return i < 0 ? null : process.argv[i + 1]!.split(',');
  };
  const only = arg('--only') ?? Object.keys(programs);
  const wantSettings = arg('--settings');
  const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout.trim();
  const bindir = join(tmpdir(), `gomem-whatif-${process.pid}`);
  mkdirSync(bindir, { recursive: true });
  for (const name of only) {
    if (!(name in programs)) throw new Error(`no program ${name} (${Object.keys(programs).join(', ')})`);
    const bin = join(bindir, name);
    const b = spawnSync('go', ['build', '-o', bin, `./whatif/${name}`], { cwd: REALITY, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' } });
    if (b.status !== 0) throw new Error(`go build ${name}: ${b.stderr}`);
    const dir = join(HERE, name, 'recorded');
    mkdirSync(dir, { recursive: true });
    const figFile = join(dir, 'figures.json');
    const figures = existsSync(figFile) ? (JSON.parse(readFileSync(figFile, 'utf8')) as Record<string, unknown>) : {};
    for (const s of settingsOf(name)) {
      if (wantSettings !== null && !wantSettings.includes(s.name)) continue;
      const loadBefore = loadavg();
      const r = await run(bin, { ...s.env });
      if (r.code !== 0) throw new Error(`${name} ${s.name} exited ${r.code}: ${r.stderr.slice(-500)}`);
      const logFile = join(dir, `${s.name}.log`);
      writeFileSync(logFile, r.stderr);
      const result = resultOf(r.stdout);
      const f = figuresOf(r.stderr, `${s.name}.log`, result);
      figures[s.name] = {
        env: { ...s.env, GODEBUG: 'gctrace=1' },
        ...f,
        wall_s: Math.round(r.wallS * 1000) / 1000,
        result,
        machine: { cpus: cpus().length, loadavg_before: loadBefore.map((x) => Math.round(x * 100) / 100), loadavg_after: loadavg().map((x) => Math.round(x * 100) / 100), go: goVersion },
        recorded_at: new Date().toISOString(),
      };
      writeFileSync(figFile, JSON.stringify(figures, null, 2) + '\n');
      console.log(`${name} ${s.name}: ${f.cycles} cycles, peak RSS ${(f.peak_rss / 2 ** 20).toFixed(1)} MiB, max goal ${f.max_goal_MB} MB, median goal ${f.median_goal_MB} MB, wall ${r.wallS.toFixed(1)} s, late ticks ${result.late_ticks}`);
    }
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
