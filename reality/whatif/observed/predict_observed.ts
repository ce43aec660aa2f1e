// Prediction from a heap profile and from Prometheus samples (issue 14: "the
// same for a heap profile and for Prometheus samples as the import source"):
// each program's observed GOGC=100 run (record_observed.ts) is imported
//   pprof: gomem import pprof heap_10s.pb.gz heap_25s.pb.gz --uptime 25s --duration <wall>
//   pprof1: gomem import pprof heap_25s.pb.gz --uptime 25s --duration <wall>
//   pprof1-linear: the same with --live linear
//   prom:  gomem import prom prom/ --every 1s --duration <wall>
//   prom-nohist: the same without the go_gc_heap_allocs_by_size_bytes lines (client_golang's default: the default size mix)
//   prom-api: gomem import prom query_range.json --duration <wall>
// and run on gomem at GOGC=50, GOGC=200 and GOGC=100 with the program's
// GOMEMLIMIT; the predicted GC cycles, peak RSS and heap goal are printed
// beside real Go's recordings of the same program at those settings
// (record.ts's <name>/recorded/figures.json, the program without the
// observer), with the deviation. The bar is 15%.
//
//   npx tsx reality/whatif/observed/predict_observed.ts [--only steady] [--sources pprof,prom] [--settings gogc50] [--replay] [--jobs 2] [--json FILE] [--pointers-max all]
//
// --pointers-max all makes every kind pointerful (a diagnostic: gomem then
// writes each object's malloc header, so its pages become resident as a
// real program's written objects are; README.md says why it matters).

import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHeapProfile } from '../../../src/import/pprof.ts';
import { type PointerRule, defaultPointerRule, workloadFromHeapProfiles } from '../../../src/import/pprof_workload.ts';
import { scrapesOfMatrix, scrapesOfTexts } from '../../../src/import/prom.ts';
import { workloadFromScrapes } from '../../../src/import/prom_workload.ts';
import { type Figures, type Row, formatRows, recordedFigures, runOnGomem } from '../predict.ts';
import { settingsOf } from '../record.ts';
import { heapAt, observedPrograms, scrapeEvery } from './record_observed.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));

export const sources = ['pprof', 'pprof1', 'pprof1-linear', 'prom', 'prom-nohist', 'prom-api'] as const;
export type Source = (typeof sources)[number];

/** The observed run's wall time (the workload runs as long as the program did). */
function wallNs(name: string): number {
  const f = JSON.parse(readFileSync(join(HERE, name, 'figures.json'), 'utf8')) as { gogc100: { result: { elapsed_s: number } } };
  return Math.round(f.gogc100.result.elapsed_s * 1e9);
}

/** The workload a program's observed run gives from one source, as `gomem import` writes it. */
export function observedWorkload(name: string, source: Source, rule: PointerRule = defaultPointerRule): unknown {
  const dir = join(HERE, name);
  const durationNs = wallNs(name);
  const rel = (f: string): string => `observed/${name}/${f}`;
  if (source.startsWith('pprof')) {
    // pprof: both profiles; pprof1: the later one alone, with its uptime (and --live linear).
    const files = (source === 'pprof' ? heapAt : heapAt.slice(-1)).map((s) => `heap_${s}s.pb.gz`);
    const profiles = files.map((f) => parseHeapProfile(readFileSync(join(dir, f)), rel(f)));
    const uptimeNs = heapAt[heapAt.length - 1]! * 1e9;
    return workloadFromHeapProfiles(profiles, { files: files.map(rel), name: `${name}-${source}`, gogc: 100, uptimeNs, durationNs, rule, liveGrowth: source === 'pprof1-linear' ? 'linear' : 'held' }).workload;
  }
  if (source === 'prom' || source === 'prom-nohist') {
    // prom-nohist: without go_gc_heap_allocs_by_size_bytes, as client_golang's default collector exports (the default mix).
    const names = readdirSync(join(dir, 'prom')).sort();
    const strip = (t: string): string => (source === 'prom' ? t : t.split('\n').filter((l) => !l.includes('go_gc_heap_allocs_by_size_bytes')).join('\n'));
    const docs = names.map((f) => ({ file: rel(`prom/${f}`), text: strip(readFileSync(join(dir, 'prom', f), 'utf8')) }));
    return workloadFromScrapes(scrapesOfTexts(docs, scrapeEvery), { files: [rel('prom')], name: `${name}-${source}`, gogc: 100, durationNs, rule }).workload;
  }
  const text = readFileSync(join(dir, 'query_range.json'), 'utf8');
  return workloadFromScrapes(scrapesOfMatrix(text, rel('query_range.json')), { files: [rel('query_range.json')], name: `${name}-prom-api`, gogc: 100, durationNs, rule }).workload;
}

async function main(): Promise<void> {
  const arg = (flag: string): string | null => {
    const i = process.argv.indexOf(flag);
    return i < 0 ? null : process.argv[i + 1]!;
  };
  const only = arg('--only')?.split(',') ?? observedPrograms;
  const want = arg('--settings')?.split(',') ?? null;
  const srcs = (arg('--sources')?.split(',') ?? ['pprof', 'prom']) as Source[];
  const replay = process.argv.includes('--replay');
  const jobs = Number(arg('--jobs') ?? '2');
  const pm = arg('--pointers-max');
  const rule: PointerRule = pm === null ? defaultPointerRule : { ...defaultPointerRule, pointersMax: pm === 'all' ? 2 ** 30 : Number(pm) };
  const dir = mkdtempSync(join(tmpdir(), 'gomem-predict-observed-'));
  const tasks: (() => Promise<Row>)[] = [];
  for (const name of only) {
    const rec = recordedFigures(name);
    const settings = settingsOf(name).filter((s) => (replay || s.name !== 'gogc100') && (want === null || want.includes(s.name)));
    for (const src of srcs) {
      const file = join(dir, `${name}-${src}.json`);
      writeFileSync(file, JSON.stringify(observedWorkload(name, src, rule), null, 2));
      tasks.push(
        ...settings.map((s) => async (): Promise<Row> => {
          const { cycles, peak_rss: peakRss, max_goal_MB: maxGoalMB, median_goal_MB: medianGoalMB } = rec[s.name]!;
          const started = Date.now();
          const predicted = await runOnGomem(file, s);
          console.error(`  ${name} ${src} ${s.name}: ${Math.round((Date.now() - started) / 1000)} s`);
          return { program: `${name}/${src}`, setting: s.name + (s.name === 'gogc100' ? '*' : ''), real: { cycles, peakRss, maxGoalMB, medianGoalMB }, predicted };
        }),
      );
    }
  }
  // In batches of --jobs runs (each a gomem child process).
  const rows: Row[] = [];
  for (let i = 0; i < tasks.length; i += Math.max(1, jobs)) rows.push(...(await Promise.all(tasks.slice(i, i + Math.max(1, jobs)).map((t) => t()))));
  console.log(formatRows(rows));
  if (replay) console.log('* the source setting: a replay, not a prediction');
  const preds = rows.filter((r) => !r.setting.endsWith('*'));
  for (const [what, f] of [
    ['cycles', (x: Figures) => x.cycles],
    ['peak RSS', (x: Figures) => x.peakRss],
    ['max goal', (x: Figures) => x.maxGoalMB],
  ] as const) {
    const worst = Math.max(...preds.map((r) => Math.abs(f(r.predicted) / f(r.real) - 1)));
    console.log(`largest ${what} deviation (predictions only): ${(worst * 100).toFixed(1)}% (bar: 15%)`);
  }
  const jsonOut = arg('--json');
  if (jsonOut !== null) writeFileSync(jsonOut, JSON.stringify(rows, null, 2) + '\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
