// The comparator's command line: `npx tsx reality/run.ts [case…] [options]`
// (`npm run reality`). For each case: run the case's own Go program,
// `node bin/gomem.js run reality/cases/<case>/main.go --json`, through the
// front end (src/gofront), with the case's environment (GOGC, GOMEMLIMIT,
// GOMAXPROCS, GODEBUG as Go reads them), parse its CHECKPOINT lines and
// compare them with the case's recording of real Go (reality/compare.ts);
// for a case recorded with GODEBUG=gctrace=1, also the gctrace lines gomem
// printed on stderr. So both sides run the very same source. gin-idle
// (net/http, net, encoding/json: outside the front end's subset) runs as
// its hand-written scenario, `gomem run gin-idle`. A case gomem cannot run
// yet is reported in one line and the run goes on. Exits 1 if any value is
// OUT, 2 on bad usage.
//
// Options:
//   --twin              run the hand-written scenarios of src/scenarios that
//                       bear the cases' names (`gomem run <case>`) instead
//                       of the sources, for the cases that still have one
//   --record            record real Go instead (delegates to record.ts; other args pass through)
//   --only-keys a,b     compare only these keys (exact, section prefix, or '*' glob)
//   --json              machine-readable: one JSON object per row (and per case status)
//   --failures          print only rows that are not ok
//   --gomem "<cmd>"     the gomem command (default: node bin/gomem.js)

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATA_DIR, loadCase, loadRecording, selectCases } from './cases.ts';
import { parseCheckpoints, type Checkpoint } from './checkpoint.ts';
import { compareCase, formatTable, summarizeRows, type Row, type Summary } from './compare.ts';
import { parseGctrace, type GctraceLine } from './gctrace.ts';
import { GCTRACE_CHECKPOINT } from './recording.ts';
import { main as recordMain } from './record.ts';
import { scenarios } from '../src/scenarios/index.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const GO_SETTINGS = ['GOGC', 'GOMEMLIMIT', 'GOMAXPROCS', 'GODEBUG'];

interface Options {
  cases: string[];
  onlyKeys?: string[];
  json: boolean;
  failures: boolean;
  gomem: string[];
  twin: boolean;
}

/** Cases whose Go program the front end cannot compile: they run as the built-in scenario of their name. */
export const HAND_WRITTEN = new Set(['gin-idle']);

/**
 * What `gomem run` is given for a case: its Go source, or with twin (and for
 * the HAND_WRITTEN cases) the name of its built-in scenario.
 */
export function runTarget(name: string, twin = false): string {
  return twin || HAND_WRITTEN.has(name) ? name : `reality/cases/${name}/main.go`;
}

type GomemResult = { ok: true; checkpoints: Checkpoint[]; gctrace: GctraceLine[] } | { ok: false; reason: string };

/** Runs gomem for a case with exactly the case's Go settings (none inherited from this shell). */
export function runGomem(cmd: string[], target: string, caseEnv: Record<string, string>): GomemResult {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of GO_SETTINGS) delete env[k];
  Object.assign(env, caseEnv, { REALITY_DATA: process.env.REALITY_DATA ?? DEFAULT_DATA_DIR });
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), 'run', target, '--json'], { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) return { ok: false, reason: r.error.message };
  const { checkpoints } = parseCheckpoints(r.stdout ?? '');
  if (r.status !== 0 || checkpoints.length === 0) {
    const why = (r.stderr ?? '').split('\n').find((l) => l.trim() !== '') ?? `exit status ${r.status}, no CHECKPOINT lines`;
    return { ok: false, reason: why.trim() };
  }
  return { ok: true, checkpoints, gctrace: parseGctrace(r.stderr ?? '').lines };
}

function parseArgs(argv: string[]): Options | string {
  const o: Options = { cases: [], json: false, failures: false, gomem: ['node', 'bin/gomem.js'], twin: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') o.json = true;
    else if (a === '--failures') o.failures = true;
    else if (a === '--twin') o.twin = true;
    else if (a === '--only-keys') {
      const v = argv[++i];
      if (!v) return '--only-keys needs a comma-separated list of keys';
      o.onlyKeys = v.split(',').filter((s) => s !== '');
    } else if (a === '--gomem') {
      const v = argv[++i];
      if (!v) return '--gomem needs a command';
      o.gomem = v.split(' ').filter((s) => s !== '');
    } else if (a.startsWith('-')) return `unknown option ${a} (accepted: --record, --twin, --only-keys a,b, --json, --failures, --gomem "<cmd>")`;
    else o.cases.push(a);
  }
  return o;
}

function summaryLine(name: string, s: Summary, gc?: Summary): string {
  const line = `${name.padEnd(22)} ok ${String(s.ok).padStart(5)}   OUT ${String(s.OUT).padStart(5)}   missing ${String(s.missing).padStart(5)}   info ${String(s.info).padStart(4)}`;
  if (!gc) return line;
  return `${line}   (gctrace: ok ${gc.ok}, OUT ${gc.OUT}, missing ${gc.missing})`;
}

export function main(argv: string[]): number {
  if (argv.includes('--record')) return recordMain(argv.filter((a) => a !== '--record'));
  const o = parseArgs(argv);
  if (typeof o === 'string') {
    console.error(`reality: ${o}`);
    return 2;
  }
  let names: string[];
  try {
    names = selectCases(o.cases);
  } catch (e) {
    console.error(`reality: ${(e as Error).message}`);
    return 2;
  }
  const summaries: string[] = [];
  let anyOut = false;
  for (const name of names) {
    const rec = loadRecording(name);
    if (!rec) {
      const msg = `not recorded: run npx tsx reality/record.ts ${name}`;
      if (o.json) console.log(JSON.stringify({ case: name, status: 'not-recorded', reason: msg }));
      else console.log(`== ${name}: ${msg}`);
      summaries.push(`${name.padEnd(22)} not recorded`);
      continue;
    }
    const target = runTarget(name, o.twin);
    if (o.twin && !scenarios.has(target)) {
      const msg = 'no hand-written twin (it runs from its main.go only)';
      if (o.json) console.log(JSON.stringify({ case: name, status: 'no-twin', reason: msg }));
      else console.log(`== ${name}: ${msg}`);
      summaries.push(`${name.padEnd(22)} ${msg}`);
      continue;
    }
    const g = runGomem(o.gomem, target, loadCase(name).env);
    if (!g.ok) {
      if (o.json) console.log(JSON.stringify({ case: name, status: 'cannot-run', reason: g.reason }));
      else console.log(`== ${name}: gomem cannot run this case yet (${g.reason})`);
      summaries.push(`${name.padEnd(22)} gomem cannot run it yet`);
      continue;
    }
    const rows: Row[] = compareCase(rec, g.checkpoints, { onlyKeys: o.onlyKeys, gctrace: g.gctrace });
    const s = summarizeRows(rows);
    const gc = rec.gctrace ? summarizeRows(rows.filter((r) => r.checkpoint === GCTRACE_CHECKPOINT)) : undefined;
    anyOut ||= s.OUT > 0;
    const shown = o.failures ? rows.filter((r) => r.verdict === 'OUT' || r.verdict === 'missing') : rows;
    if (o.json) {
      for (const r of shown) console.log(JSON.stringify(r));
    } else {
      console.log(`== ${name}: gomem run ${target} (real Go: ${rec.recorded.runs} runs, ${rec.recorded.go_version.replace(/^go version /, '')}, recorded ${rec.recorded.date.slice(0, 10)})`);
      if (shown.length > 0) console.log(formatTable(shown));
      console.log('');
    }
    summaries.push(summaryLine(name, s, gc));
  }
  if (!o.json) {
    console.log(`== summary (gomem ran ${o.twin ? 'the hand-written scenarios' : `the Go sources, ${[...HAND_WRITTEN].join(', ')} its hand-written scenario`})`);
    for (const l of summaries) console.log(l);
  }
  return anyOut ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
