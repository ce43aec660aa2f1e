// Generates src/scenarios/inits/<case>.json: the package-init steps of each
// reality case's own binary (Go 1.23.5), from the per-case uprobe trace
// summaries in reality/startup/data/cases/<case>.json (written by
// reality/startup/tools/trace_cases.sh; see reality/startup/README.md §11).
// The conversion rules are scripts/mkpkginit.ts's: heap allocations become
// `alloc` steps, the env/args copies per-variable / per-argument steps, the
// runtime's own work inside an init becomes an action (a new goroutine, a
// finalizer, the main goroutine's stack growth, a ReadMemStats, a change of P).
//
//   npx tsx scripts/mkinits.ts           rewrite the files
//   npx tsx scripts/mkinits.ts --check   exit 1 if any is stale or missing

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listCases, loadCase } from '../reality/cases.ts';

/** One package-init item of the traced run (tools/case_inits.py). */
export interface TracedItem {
  ev: 'malloc' | 'SetFinalizer' | 'newproc' | 'newm' | 'stackgrow' | 'ReadMemStats';
  pkg: string;
  P: number | null;
  size?: number;
  noscan?: boolean;
  type?: string | null;
  what?: string | null;
  /** Set on allocations the runtime makes inside an action (newproc1, allocm). */
  partOf?: 'newproc' | 'newm' | null;
  fn?: string | null;
  to?: number;
}

export interface CaseTrace {
  case: string;
  goVersion: string;
  runs: number;
  modalRuns: number;
  env: Record<string, string>;
  args: string[];
  atStart: { p: number; tiny: Record<string, number | null> };
  totals: { mallocs: number; tinySubAllocs: number; objects: number; bytes: number };
  items: TracedItem[];
}

export type Step =
  | { pkg: string; alloc: number; noscan: boolean; type: string }
  | { pkg: string; allocPerEnv: number; noscan: boolean; type: string }
  | { pkg: string; allocPerArg: number; noscan: boolean; type: string }
  | { pkg: string; action: 'createfing' }
  | { pkg: string; action: 'newproc'; name: string }
  | { pkg: string; action: 'SetFinalizer' }
  | { pkg: string; action: 'ReadMemStats' }
  | { pkg: string; action: 'stackgrow'; to: number }
  | { pkg: string; action: 'onP'; p: number };

export interface CaseInits {
  case: string;
  goVersion: string;
  /** Traced runs (full probe set), and how many had exactly this sequence. */
  runs: number;
  modalRuns: number;
  env: Record<string, string>;
  args: string[];
  /**
   * State left by the runtime's own start-up when the first package init
   * runs: the P g1 runs on (the most common in the lightly traced runs) and
   * each mcache's tiny-block offset (null: no block). Needed to tell the
   * tiny sub-allocations of the steps apart.
   */
  atStart: { p: number; tinyOffset: Record<string, number | null> };
  steps: Step[];
  totals: { mallocs: number; tinySubAllocs: number; bytes: number };
}

const root = new URL('..', import.meta.url);
const traceFile = (name: string): URL => new URL(`reality/startup/data/cases/${name}.json`, root);
const outDir = new URL('src/scenarios/inits/', root);

/** The steps of one traced run's package inits. */
export function steps(t: CaseTrace): Step[] {
  const envc = Object.keys(t.env).length;
  const argc = 1 + t.args.length; // os.Args[0] is the program
  const out: Step[] = [];
  let p = t.atStart.p;
  for (const it of t.items) {
    const pkg = it.pkg;
    if (it.P !== null && it.P !== p) {
      out.push({ pkg, action: 'onP', p: it.P });
      p = it.P;
    }
    switch (it.ev) {
      case 'malloc': {
        // newproc1's g and allgs growth are the newproc action's (modelled by the scheduler).
        if (it.partOf === 'newproc') break;
        if (it.partOf === 'newm') throw new Error(`${t.case}: ${pkg} init starts an M; no step models that`);
        const what = it.what ?? '';
        const size = it.size!;
        const noscan = it.noscan!;
        const type = it.type ?? '';
        if (what.includes('16 B per variable')) {
          if (size !== 16 * envc) throw new Error(`${t.case}: envs copy of ${size} B for ${envc} variables`);
          out.push({ pkg, allocPerEnv: 16, noscan, type });
        } else if (what.includes('16 B per argument')) {
          if (size !== 16 * argc) throw new Error(`${t.case}: args copy of ${size} B for ${argc} arguments`);
          out.push({ pkg, allocPerArg: 16, noscan, type });
        } else {
          out.push({ pkg, alloc: size, noscan, type });
        }
        break;
      }
      case 'newproc':
        // The first SetFinalizer starts the finalizer goroutine (createfing); any other go statement in an init is named.
        out.push(it.fn === 'runtime.runfinq' ? { pkg, action: 'createfing' } : { pkg, action: 'newproc', name: it.fn ?? '?' });
        break;
      case 'SetFinalizer':
        out.push({ pkg, action: 'SetFinalizer' });
        break;
      case 'ReadMemStats':
        out.push({ pkg, action: 'ReadMemStats' });
        break;
      case 'stackgrow':
        out.push({ pkg, action: 'stackgrow', to: it.to! });
        break;
      case 'newm':
        throw new Error(`${t.case}: ${pkg} init starts an M; no step models that`);
    }
  }
  return out;
}

export function build(name: string): CaseInits {
  const file = traceFile(name);
  if (!existsSync(file)) throw new Error(`no trace for case ${name}: run reality/startup/tools/trace_cases.sh ${name} (as root)`);
  const t = JSON.parse(readFileSync(file, 'utf8')) as CaseTrace;
  const def = loadCase(name);
  if (JSON.stringify(def.env) !== JSON.stringify(t.env) || JSON.stringify(def.args) !== JSON.stringify(t.args)) {
    throw new Error(`case ${name}: case.json's env/args differ from the traced ones: trace it again`);
  }
  return {
    case: name,
    goVersion: t.goVersion,
    runs: t.runs,
    modalRuns: t.modalRuns,
    env: t.env,
    args: t.args,
    atStart: { p: t.atStart.p, tinyOffset: t.atStart.tiny },
    steps: steps(t),
    totals: { mallocs: t.totals.mallocs, tinySubAllocs: t.totals.tinySubAllocs, bytes: t.totals.bytes },
  };
}

/** JSON with one step per line (diffs stay readable). */
export function format(c: CaseInits): string {
  const { steps: ss, ...rest } = c;
  const head = JSON.stringify(rest, null, 1).replace(/\n}$/, '');
  return `${head},\n "steps": [\n${ss.map((s) => '  ' + JSON.stringify(s)).join(',\n')}\n ]\n}\n`;
}

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const names = listCases();
  let bad = 0;
  if (!check) mkdirSync(outDir, { recursive: true });
  for (const name of names) {
    const target = fileURLToPath(new URL(`${name}.json`, outDir));
    const text = format(build(name));
    if (check) {
      if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
        console.error(`src/scenarios/inits/${name}.json is stale or missing: run npx tsx scripts/mkinits.ts`);
        bad++;
      }
    } else {
      writeFileSync(target, text);
    }
  }
  if (check && existsSync(outDir)) {
    for (const f of readdirSync(outDir)) {
      if (f.endsWith('.json') && !names.includes(f.slice(0, -5))) {
        console.error(`src/scenarios/inits/${f} has no case in reality/cases/`);
        bad++;
      }
    }
  }
  return bad > 0 ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
