// Records the monitoring data a service would have for two of the what-if
// corpus's programs (steady, cache), for the heap-profile and Prometheus
// importers' prediction check (issue 14: "the same for a heap profile and
// for Prometheus samples as the import source"). Each program is built
// unchanged with one file added by `go build -overlay` (observe.go.txt) and
// run once with real Go at GOGC=100 (GODEBUG=gctrace=1, as record.ts runs
// the corpus), which writes into observed/<name>/:
//
//   heap_10s.pb.gz, heap_25s.pb.gz   pprof.WriteHeapProfile at 10 s and 25 s
//   prom/0000.prom …                 a scrape every second (client_golang's names)
//   query_range.json                 the same scrapes as Prometheus's HTTP API
//                                    would return them for {__name__=~"go_.*|process_.*"}
//                                    (a matrix, timestamps from the process start)
//   gogc100.log, figures.json        its stderr and its figures (record.ts's figuresOf)
//
//   npx tsx reality/whatif/observed/record_observed.ts [--only steady]
//
// The real runs it is predicted against are record.ts's recordings of the
// same programs without the observer (<name>/recorded/figures.json).

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseExposition } from '../../../src/import/prom.ts';
import { figuresOf } from '../record.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const REALITY = join(HERE, '..', '..');
export const observedPrograms = ['steady', 'cache'];
/** The scrape interval, seconds. */
export const scrapeEvery = 1;
/** When the heap profiles are written, seconds after start. */
export const heapAt = [10, 25];

interface Family {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string>; buckets?: Record<string, string>; count?: string; sum?: string; quantiles?: Record<string, string> }[];
}

/** The scrapes as a query_range matrix result: one series per metric and label set (histogram buckets as _bucket{le}, as Prometheus stores them). */
function matrixOf(dir: string): unknown {
  const files = readdirSync(join(dir, 'prom')).sort();
  const series = new Map<string, { metric: Record<string, string>; values: [number, string][] }>();
  const add = (metric: Record<string, string>, t: number, v: string): void => {
    const key = JSON.stringify(metric);
    let s = series.get(key);
    if (s === undefined) series.set(key, (s = { metric, values: [] }));
    s.values.push([t, v]);
  };
  const t0 = 1765152000; // a fixed epoch second for the process start, so the file does not change with the day it was recorded
  files.forEach((f, i) => {
    const t = t0 + i * scrapeEvery;
    const fams = parseExposition(readFileSync(join(dir, 'prom', f), 'utf8'), f) as Family[];
    for (const fam of fams) {
      for (const m of fam.metrics) {
        const labels = m.labels ?? {};
        if (fam.type === 'HISTOGRAM') {
          for (const [le, c] of Object.entries(m.buckets ?? {})) add({ __name__: `${fam.name}_bucket`, ...labels, le }, t, c);
          add({ __name__: `${fam.name}_sum`, ...labels }, t, m.sum!);
          add({ __name__: `${fam.name}_count`, ...labels }, t, m.count!);
        } else if (fam.type === 'SUMMARY') {
          for (const [q, v] of Object.entries(m.quantiles ?? {})) add({ __name__: fam.name, ...labels, quantile: q }, t, v);
          add({ __name__: `${fam.name}_sum`, ...labels }, t, m.sum!);
          add({ __name__: `${fam.name}_count`, ...labels }, t, m.count!);
        } else add({ __name__: fam.name, ...labels }, t, m.value!);
      }
    }
  });
  return { status: 'success', data: { resultType: 'matrix', result: [...series.values()] } };
}

function run(bin: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, [], { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

function resultOf(stdout: string): Record<string, number> {
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (line === undefined) throw new Error(`no RESULT line in ${JSON.stringify(stdout)}`);
  return Object.fromEntries(line.slice(7).trim().split(/\s+/).map((kv) => [kv.split('=')[0]!, Number(kv.split('=')[1])]));
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--only');
  const only = i < 0 ? observedPrograms : process.argv[i + 1]!.split(',');
  const bindir = join(tmpdir(), `gomem-observed-${process.pid}`);
  mkdirSync(bindir, { recursive: true });
  const overlay = join(bindir, 'overlay.json');
  const replace: Record<string, string> = {};
  for (const name of only) replace[join(REALITY, 'whatif', name, 'zz_observe.go')] = join(HERE, 'observe.go.txt');
  writeFileSync(overlay, JSON.stringify({ Replace: replace }));
  const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout.trim();
  for (const name of only) {
    const bin = join(bindir, name);
    const b = spawnSync('go', ['build', '-overlay', overlay, '-o', bin, `./whatif/${name}`], { cwd: REALITY, encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local' } });
    if (b.status !== 0) throw new Error(`go build ${name}: ${b.stderr}`);
    const dir = join(HERE, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const loadBefore = loadavg();
    const r = await run(bin, {
      GOGC: '100',
      GODEBUG: 'gctrace=1',
      GOMEM_OBSERVE_DIR: dir,
      GOMEM_OBSERVE_HEAP: heapAt.join(','),
      GOMEM_OBSERVE_EVERY: String(scrapeEvery),
    });
    if (r.code !== 0) throw new Error(`${name} exited ${r.code}: ${r.stderr.slice(-500)}`);
    writeFileSync(join(dir, 'gogc100.log'), r.stderr);
    writeFileSync(join(dir, 'query_range.json'), JSON.stringify(matrixOf(dir)) + '\n');
    const result = resultOf(r.stdout);
    const f = figuresOf(r.stderr, 'gogc100.log', result);
    const figures = {
      gogc100: {
        env: { GOGC: '100', GODEBUG: 'gctrace=1' },
        ...f,
        result,
        heap_profiles_at_s: heapAt,
        scrape_every_s: scrapeEvery,
        machine: { cpus: cpus().length, loadavg_before: loadBefore.map((x) => Math.round(x * 100) / 100), loadavg_after: loadavg().map((x) => Math.round(x * 100) / 100), go: goVersion },
        recorded_at: new Date().toISOString(),
      },
    };
    writeFileSync(join(dir, 'figures.json'), JSON.stringify(figures, null, 2) + '\n');
    console.log(`${name}: ${f.cycles} cycles, peak RSS ${(f.peak_rss / 2 ** 20).toFixed(1)} MiB, max goal ${f.max_goal_MB} MB, ${readdirSync(join(dir, 'prom')).length} scrapes`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
