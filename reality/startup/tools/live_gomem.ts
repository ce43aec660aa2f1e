// gomem's side of reality/startup §12 (live objects after a GC): runs a
// case's start-up in the model (GoProcess on the case's scenario, stopped at
// the first line of main) and records every heap allocation mallocgc made —
// address, slot, size class, the init step or runtime role it belongs to —
// so tools/live_join.py can match them with the objects of real Go's heap dump.
//
//   npx tsx reality/startup/tools/live_gomem.ts [case…] [--out DIR] [--root TREE]
//
// Writes DIR/<case>/gomem.json (default DIR: reality/startup/bin/live).
// --root: a gomem tree to load src/ from instead of this one (live_all.sh
// passes a clean export of the committed HEAD, so the data does not depend on
// uncommitted work in the shared working tree).
// src/ is not modified: mallocgc is observed through a module-loader hook
// (live_gomem_hook.mjs), init steps by wrapping GoProcess's initStep, and
// the runtime's roles by wrapping Startup and Sched methods.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
let ROOT = resolve(HERE, '../../..');
const CASES = resolve(HERE, '../../cases');
const DATA_DIR = '/tmp/gomem-reality'; // reality/cases.ts DEFAULT_DATA_DIR: the argument the recordings pass

register(new URL('./live_gomem_hook.mjs', import.meta.url).href, import.meta.url);

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

interface Alloc {
  seq: number;
  addr: number;
  size: number;
  noscan: boolean;
  type: string;
  /** Index in src/scenarios/inits/<case>.json "steps", or null for the runtime's start-up. */
  step: number | null;
  /** Stable name of a runtime object (null for a package-init step's own allocation). */
  name: string | null;
  p: number | null;
  stack: string[];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let outDir = resolve(HERE, '../bin/live');
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') outDir = resolve(argv[++i]!);
    else if (argv[i] === '--root') ROOT = resolve(argv[++i]!);
    else names.push(argv[i]!);
  }
  const all = readdirSync(CASES).filter((d) => existsSync(join(CASES, d, 'case.json'))).sort();
  for (const n of names) if (!all.includes(n)) throw new Error(`unknown case ${n} (have: ${all.join(', ')})`);

  // Which gomem this is: the commit, and whether src/ had uncommitted changes
  // (others edit the model in the same working tree).
  const git = (args: string[]): string => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim() ?? '';
  const exported = join(ROOT, '.gomem-commit'); // written by live_all.sh into its export of HEAD
  const provenance = existsSync(exported)
    ? { commit: readFileSync(exported, 'utf8').trim(), srcUncommitted: 0, tree: 'clean export of the commit' }
    : {
        commit: git(['rev-parse', 'HEAD']),
        srcUncommitted: git(['status', '--porcelain', '--', 'src']).split('\n').filter((l) => l !== '').length,
        tree: ROOT,
      };

  // Imported only now, after the hook is registered.
  const { scenarios } = await import(pathToFileURL(join(ROOT, 'src/scenarios/index.ts')).href);
  const { binaryOf, initsOf } = await import(pathToFileURL(join(ROOT, 'src/scenarios/binaries.ts')).href);
  const { GoProcess, GoExit } = await import(pathToFileURL(join(ROOT, 'src/go/process.ts')).href);
  const { Startup } = await import(pathToFileURL(join(ROOT, 'src/runtime/proc_start.ts')).href);
  const { Sched } = await import(pathToFileURL(join(ROOT, 'src/runtime/proc.ts')).href);
  const sizeclasses = await import(pathToFileURL(join(ROOT, 'src/runtime/sizeclasses.ts')).href);
  const msize = await import(pathToFileURL(join(ROOT, 'src/runtime/msize.ts')).href);

  // ── context kept by the wrappers ──────────────────────────────────────
  const ctx = {
    step: null as number | null,
    stepCounter: 0,
    mIndex: 0 as number, // 0 = m0 (schedinit), then 1, 2, 3 … per newm
    goroutine: null as string | null,
    counters: new Map<string, number>(),
  };
  const wrap = (proto: Any, method: string, before: (self: Any, args: Any[]) => void, after?: (self: Any) => void): void => {
    const orig = proto[method];
    if (typeof orig !== 'function') throw new Error(`live_gomem: ${method} is not a method any more; update the wrappers`);
    proto[method] = function (this: Any, ...args: Any[]) {
      before(this, args);
      try {
        return orig.apply(this, args);
      } finally {
        after?.(this);
      }
    };
  };
  wrap(GoProcess.prototype, 'initStep', () => {
    ctx.step = ctx.stepCounter++;
  }, () => {
    ctx.step = null;
  });
  let savedM = 0;
  wrap(Startup.prototype, 'newm', () => {
    savedM = ctx.mIndex;
    ctx.mIndex = ctx.counters.get('newm') ?? 1;
    ctx.counters.set('newm', ctx.mIndex + 1);
  }, () => {
    ctx.mIndex = savedM;
  });
  const goStack: (string | null)[] = [];
  wrap(Sched.prototype, 'newproc', (_self, args) => {
    goStack.push(ctx.goroutine);
    ctx.goroutine = String(args[0]);
  }, () => {
    ctx.goroutine = goStack.pop() ?? null;
  });

  const allocs: Alloc[] = [];
  let curRt: Any = null;
  const seen = (key: string): number => {
    const n = ctx.counters.get(key) ?? 0;
    ctx.counters.set(key, n + 1);
    return n;
  };
  (globalThis as Any).__gomemLiveMalloc = (rt: Any, x: number, size: number, typ: Any) => {
    if (rt !== curRt) return;
    const stack = (new Error().stack ?? '').split('\n').slice(2).map((l) => l.trim().replace(/^at /, '').replace(/ \(.*\)$/, ''));
    const fns = stack.filter((f) => !/^(mallocgc|newInit|newobject|newarray)$/.test(f));
    const noscan = typ === null || typ.ptrdata === 0;
    const has = (f: string): boolean => fns.some((s) => s.endsWith(f));
    let name: string | null = null;
    const mName = `m${ctx.mIndex}`;
    if (has('allgadd')) name = `allgs(cap ${size / 8})`;
    else if (has('allocG')) name = `g(${ctx.goroutine})`;
    else if (has('Startup.malg')) name = `${mName}.${seen(`${mName}.malg`) === 0 ? 'gsignal' : 'g0'}.g`;
    else if (has('Startup.mProfStackInit')) name = `${mName}.${seen(`${mName}.prof`) === 0 ? 'profStack' : 'mLockProfile.stack'}`;
    else if (has('Startup.newm')) name = `${mName}.m`;
    else if (has('Startup.cpuinit')) name = `cpuinit.options(${size / 32})`;
    else if (has('Startup.procresize')) {
      if (typ?.str === 'runtime.p') name = `p[${seen('p')}]`;
      else if (!noscan) name = 'allp';
      else if (ctx.counters.get('p') === undefined) name = seen('pmask') === 0 ? 'idlepMask' : 'timerpMask';
      else name = 'stealOrder.coprimes';
    } else if (has('Startup.schedinit')) {
      if (typ?.str === 'string') {
        // goargs, goenvs, parsedebugvars, in this order (argv and envv are never empty: argv[0]).
        name = ['goargs.argslice', 'goenvs.envs', 'parsedebugvars'][seen('schedinit.string')] ?? 'schedinit.string';
        if (name === 'goenvs.envs' && curEnvCount === 0) name = 'parsedebugvars';
      } else if (!noscan) name = 'modulesinit.activeModules';
      else if (seen('schedinit.noscan') === 0) name = 'modulesinit.append';
      else name = `goenvs.env[${seen('envstr')}]`;
    } else if (has('Startup.startMain')) {
      if (typ?.str === 'runtime.sudog') name = 'gcenable.sudog';
      else if (typ?.str === 'runtime.timer') name = 'scavenger.timer';
      else if (!noscan) name = `gcenable.closure(${seen('closure') === 0 ? 'bgsweep' : 'bgscavenge'})`;
      else name = seen('startMain.chan') === 0 ? 'gcenable.chan' : 'main_init_done';
    } else if (ctx.step === null) name = `other:${fns[0] ?? '?'}#${seen(`other:${fns[0]}`)}`;
    allocs.push({
      seq: allocs.length,
      addr: x,
      size,
      noscan,
      type: typ?.str ?? '',
      step: ctx.step,
      name,
      p: rt.curP?.id ?? null,
      stack: fns.slice(0, 6),
    });
  };
  let curEnvCount = 0;

  for (const name of names.length > 0 ? names : all) {
    const def = JSON.parse(readFileSync(join(CASES, name, 'case.json'), 'utf8')) as { env: Record<string, string>; args: string[] };
    const base = scenarios.get(name);
    const inits = initsOf(name);
    const program: Any = {
      ...(base ?? { name, description: name, checkpointHelper: true }),
      binary: base?.binary ?? binaryOf(name),
      inits: base?.inits ?? inits,
      args: def.args.map((a) => a.replaceAll('$REALITY_DATA', DATA_DIR)),
      *main() {
        throw new GoExit(0);
      },
    };
    if (program.inits !== inits && JSON.stringify(program.inits) !== JSON.stringify(inits)) {
      throw new Error(`${name}: the scenario's inits are not src/scenarios/inits/${name}.json`);
    }
    allocs.length = 0;
    Object.assign(ctx, { step: null, stepCounter: 0, mIndex: 0, goroutine: null });
    ctx.counters.clear();
    curEnvCount = Object.keys(def.env).length;
    // The runtime object is made in the constructor; allocations start in run().
    const p: Any = new GoProcess(program, { env: def.env, stdout: () => {}, stderr: () => {} });
    curRt = p.rt;
    const result = p.run();
    curRt = null;
    if (result.outcome !== 'exit') throw new Error(`${name}: start-up ended with ${result.outcome}`);
    if (ctx.stepCounter !== inits.length) throw new Error(`${name}: ran ${ctx.stepCounter} of ${inits.length} init steps`);

    // Slot, size class and tiny handling, as mallocgc placed each object.
    const tinyBlocks = new Set<number>();
    const out = allocs.map((a) => {
      let slot = a.addr;
      let elemsize: number;
      let kind: string;
      if (a.noscan && a.size < 16) {
        slot = a.addr - (a.addr % 16);
        elemsize = 16;
        kind = tinyBlocks.has(slot) ? 'tiny-sub' : 'tiny-new';
        tinyBlocks.add(slot);
      } else {
        const header = !a.noscan && a.size > 512;
        const size = a.size + (header ? 8 : 0);
        if (size <= 32768) {
          elemsize = sizeclasses.class_to_size[msize.sizeToClass(size)]!;
          if (header) slot = a.addr - 8;
          kind = header ? 'small+header' : 'small';
        } else {
          elemsize = Math.ceil(a.size / 8192) * 8192;
          kind = 'large';
        }
      }
      return { ...a, slot, elemsize, kind };
    });
    const stepsAlloc: { i: number; n: number; step: unknown }[] = inits.map((s: unknown, i: number) => ({
      i,
      n: out.filter((a) => a.step === i).length,
      step: s,
    }));
    const dir = join(outDir, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'gomem.json'),
      JSON.stringify(
        {
          case: name,
          scenario: base ? base.name : null,
          gomem: provenance,
          env: def.env,
          args: program.args,
          mallocs: out.length,
          steps: stepsAlloc.map((s) => ({ i: s.i, allocs: s.n, step: s.step })),
          allocs: out,
        },
        null,
        1,
      ),
    );
    const named = out.filter((a) => a.step === null).length;
    console.log(`${name}: ${out.length} mallocgc calls before main (${named} runtime start-up, ${out.length - named} in ${inits.length} init steps) -> ${join(dir, 'gomem.json')}`);
  }
}

await main();
