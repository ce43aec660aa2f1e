// Benchmark runner: `npm run bench -- <name> [<name>...]`, or `all` (or no
// name) for every one. Each benchmark is a module bench/<name>.ts exporting
// `run()`, which prints one JSON line per case on stdout. Timing lives here
// and nowhere in tests.
//
//   --record                  append what the benchmarks printed to bench/history.jsonl
//   compare                   the newest recorded run of each case against the one before it
//   compare <name>... | all   run them, and compare each case with its last recorded value
//
// compare exits 1 when a case regressed (bench/history.ts says by what
// measure); any run exits 1 when a benchmark failed, after running the rest.

import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type HistoryEntry, compareLatest, compareWith, formatComparisons, loadAverages, parseHistory, resultsIn, thisCommit, thisMachine } from './history.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const historyPath = fileURLToPath(new URL('./history.jsonl', import.meta.url));
/** Modules here that are libraries or children of a benchmark, not benchmarks. */
const notBenchmarks = ['main.ts', 'timing.ts', 'history.ts'];
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !notBenchmarks.includes(f) && !f.startsWith('go_') && !f.endsWith('_child.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

const args = process.argv.slice(2);
const record = args.includes('--record');
let names = args.filter((a) => !a.startsWith('-'));
const compare = names.includes('compare');
names = names.filter((n) => n !== 'compare');
for (const name of names) {
  if (name !== 'all' && !available.includes(name)) {
    console.error(`gomem bench: unknown benchmark "${name}" (have: ${available.join(', ')}; all runs every one)`);
    process.exit(2);
  }
}

const history = (): HistoryEntry[] => (existsSync(historyPath) ? parseHistory(readFileSync(historyPath, 'utf8')) : []);

if (compare && names.length === 0) {
  if (record) {
    console.error('gomem bench: compare without a benchmark runs none, so there is nothing to --record');
    process.exit(2);
  }
  const cs = compareLatest(history());
  if (cs.length === 0) console.log(`compare: nothing recorded in bench/history.jsonl yet (npm run bench -- all --record)`);
  for (const line of formatComparisons(cs)) console.log(line);
  process.exit(cs.some((c) => c.verdict === 'regressed') ? 1 : 0);
}

const toRun = names.length === 0 || names.includes('all') ? available : [...new Set(names)];
const run = new Date().toISOString();
const { commit, dirty } = record || compare ? thisCommit(root) : { commit: '', dirty: false };
const machine = thisMachine();
// What was recorded before this run: compare measures against it, not against this run's own lines.
const before = compare ? history() : [];
const measured: HistoryEntry[] = [];
const failed: string[] = [];
for (const name of toRun) {
  const mod = (await import(`./${name}.ts`)) as { run: () => Promise<void> | void };
  let printed: string;
  try {
    printed = await capturingStdout(() => mod.run());
  } catch (e) {
    // One benchmark failing (a stale dist/ for startup, Go missing a file) leaves the others' results.
    console.error(`gomem bench: ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
    failed.push(name);
    continue;
  }
  const lines = resultsIn(printed).map((result): HistoryEntry => ({ run, commit, dirty, machine, load: loadAverages(), module: name, result }));
  measured.push(...lines);
  // Appended as each benchmark ends, so that a later one failing or being interrupted loses nothing.
  if (record && lines.length > 0) appendFileSync(historyPath, lines.map((e) => `${JSON.stringify(e)}\n`).join(''));
}
if (record) console.error(`gomem bench: recorded ${measured.length} line${measured.length === 1 ? '' : 's'} in bench/history.jsonl`);

let regressed = false;
if (compare) {
  const cs = compareWith(before, measured);
  console.log(`compare: ${toRun.join(', ')} against bench/history.jsonl`);
  for (const line of formatComparisons(cs)) console.log(line);
  regressed = cs.some((c) => c.verdict === 'regressed');
}
if (failed.length > 0) console.error(`gomem bench: failed: ${failed.join(', ')}`);
if (regressed || failed.length > 0) process.exit(1);

/**
 * Runs body while keeping a copy of what it writes to stdout (the
 * benchmarks' JSON lines); what it prints is unchanged.
 */
async function capturingStdout(body: () => Promise<void> | void): Promise<string> {
  const out = process.stdout;
  const write = out.write;
  const chunks: string[] = [];
  out.write = function (this: typeof out, chunk: unknown, ...rest: unknown[]): boolean {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof out.write;
  try {
    await body();
  } finally {
    out.write = write;
  }
  return chunks.join('');
}
