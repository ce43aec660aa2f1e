#!/usr/bin/env node
// Entry point. Runs the compiled CLI in dist/ (built by `npm ci` through the
// prepare script, and by `npm run build`) when it was built from the sources
// as they are now; otherwise the TypeScript sources in src/ through tsx. So an
// edit not yet rebuilt runs as written, slower, and dist/ never stands in for
// code that has changed since. GOMEM_CLI=dist or GOMEM_CLI=src picks one
// (dist refuses to run stale), for benchmarks and for debugging.
//
// GOGC, GOMEMLIMIT, GOMAXPROCS and GODEBUG are settings for the *simulated*
// Go process. tsx's transpiler (esbuild) is itself a Go program and would
// obey them too (a malformed GOMEMLIMIT kills it), so they are moved aside
// into GOMEM_GOENV before anything starts.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { SourceMap, findSourceMap, register } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const goEnv = {};
for (const k of ['GOGC', 'GOMEMLIMIT', 'GOMAXPROCS', 'GODEBUG']) {
  if (k in process.env) {
    goEnv[k] = process.env[k];
    delete process.env[k];
  }
}
process.env.GOMEM_GOENV = JSON.stringify(goEnv);
// A closed pipe (gomem … | head) ends the run quietly, as it would a Go program.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const root = fileURLToPath(new URL('..', import.meta.url));

/** Whether anything under dir (files, and directories, whose times change when an entry is added, removed or renamed) is as new as t or newer. */
function changedSince(dir, t) {
  if (statSync(dir).mtimeMs >= t) return true;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory() ? changedSince(path, t) : statSync(path).mtimeMs >= t) return true;
  }
  return false;
}

/**
 * changedSince(src, t) through GNU find, which walks the tree in a few
 * milliseconds of its own where the walk above (300 entries, a Stats object
 * each) takes 20-30 ms of every start, and runs beside the start instead of
 * before it. -newermt is strictly newer, so it is given a time 1 us before
 * t: as new as t counts as changed, as above (the kernel stamps files at a
 * coarse tick, and a file saved in the tick the build started in must
 * count). null when find cannot answer (not Linux, no GNU find, an error):
 * the walk above answers then.
 */
function changedSinceByFind(dir, t) {
  if (process.platform !== 'linux') return Promise.resolve(null);
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    const find = spawn('find', [dir, '-newermt', `@${((t - 0.001) / 1000).toFixed(6)}`, '-print', '-quit'], { stdio: ['ignore', 'pipe', 'pipe'] });
    find.stdout.on('data', (d) => (out += d));
    find.stderr.on('data', (d) => (err += d));
    find.on('error', () => resolve(null));
    find.on('close', (status) => resolve(status === 0 && err === '' ? out !== '' : null));
  });
}

/**
 * Whether dist/ holds the sources as they are now. The build's stamp carries
 * the time the build started (package.json's prebuild and postbuild), so a
 * file saved while tsc was running counts as changed. Anything that cannot
 * be read (no build yet, a file an editor is replacing) counts as changed too.
 */
async function distIsFresh() {
  try {
    const built = statSync(join(root, 'dist', '.built')).mtimeMs;
    if (['tsconfig.json', 'tsconfig.build.json'].some((f) => statSync(join(root, f)).mtimeMs >= built)) return false;
    const src = join(root, 'src');
    return !((await changedSinceByFind(src, built)) ?? changedSince(src, built));
  } catch {
    return false;
  }
}

/** The source maps of dist/'s modules that loaded while Node's were off, by file URL, read when a frame of theirs is formatted (null: none). */
const distMaps = new Map();
const distURL = new URL('../dist/', import.meta.url).href;

function sourceMapOf(file) {
  const known = findSourceMap(file);
  if (known !== undefined || !file.startsWith(distURL)) return known;
  let sm = distMaps.get(file);
  if (sm === undefined) {
    sm = null;
    try {
      const mapURL = new URL(`${file}.map`);
      const payload = JSON.parse(readFileSync(mapURL, 'utf8'));
      // As Node resolves a map's sources: against the map's own URL.
      payload.sources = payload.sources.map((s) => new URL((payload.sourceRoot ?? '') + s, mapURL).href);
      payload.sourceRoot = '';
      sm = new SourceMap(payload);
    } catch {
      // Not mapped: the frame shows its place in dist/.
    }
    distMaps.set(file, sm);
  }
  return sm ?? undefined;
}

/**
 * Error.prepareStackTrace as Node formats a stack with its source maps on
 * (lib/internal/source_map/prepare_stack_trace.js): each frame of a mapped
 * module at its original place, any other as V8 prints it. Node's own
 * errors (ERR_*) keep their "Error [CODE]: message" line, which their own
 * toString gives.
 */
function mappedStack(error, trace) {
  const nodeError = Object.hasOwn(error, 'toString') && typeof error.code === 'string';
  const head = nodeError ? String(error) : Error.prototype.toString.call(error);
  let lines = '';
  for (let i = 0; i < trace.length; i++) {
    const site = trace[i];
    let text = `${site}`;
    try {
      const file = site.getFileName() ?? site.getEvalOrigin();
      const sm = file === undefined ? undefined : sourceMapOf(file);
      if (sm !== undefined) text = mappedFrame(sm, site, trace[i + 1]);
    } catch {
      // The frame as V8 prints it.
    }
    lines += `\n    at ${text}`;
  }
  return head + lines;
}

/** One frame at its original place (serializeJSStackFrame in Node's prepare_stack_trace.js). */
function mappedFrame(sm, site, caller) {
  const { originalLine, originalColumn, originalSource } = sm.findEntry(site.getLineNumber() - 1, site.getColumnNumber() - 1);
  if (originalSource === undefined || originalLine === undefined || originalColumn === undefined) return `${site}`;
  let name = sm.findEntry(site.getEnclosingLineNumber() - 1, site.getEnclosingColumnNumber() - 1).name;
  if (!name && caller !== undefined && site.getFileName() === caller.getFileName()) name = sm.findEntry(caller.getLineNumber() - 1, caller.getColumnNumber() - 1).name;
  const source = originalSource.startsWith('file://') ? fileURLToPath(originalSource) : originalSource;
  const fn = site.getFunctionName() ?? site.getMethodName();
  const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
  const type = site.getTypeName();
  const original = `${type !== null && type !== 'global' ? `${type}.` : ''}${fn || '<anonymous>'}`;
  const shown = name && name !== original ? name : original;
  return `${prefix}${shown} (${source}:${originalLine + 1}:${originalColumn + 1})`;
}

const choice = process.env.GOMEM_CLI;
if (choice !== undefined && choice !== 'dist' && choice !== 'src') {
  process.stderr.write(`gomem: GOMEM_CLI="${choice}": want dist (the compiled CLI) or src (the TypeScript sources)\n`);
  process.exit(2);
}
// While find looks at src/, the model's core (dist/go/process.js and what it
// imports: the runtime, the kernel, sim) loads from dist/, with Node's source
// maps off (below): its modules only define things as they load, and are
// used only if dist/ turns out fresh. When it is not, they stay unused, as
// does a failure to load them.
const fresh = choice === 'src' ? Promise.resolve(false) : distIsFresh();
const core = choice === 'src' ? null : import('../dist/go/process.js').then(() => null, (e) => ({ e }));
const compiled = await fresh;
if (choice === 'dist' && !compiled) {
  process.stderr.write('gomem: GOMEM_CLI=dist: dist/ is missing or older than src/ (npm run build)\n');
  process.exit(2);
}

// A user's program file among the arguments: the only thing, beside the
// sources themselves, that needs module hooks (a worker thread, paid for at
// start-up) and, when it is TypeScript, tsx (for the imports TypeScript's
// conventions allow, such as ./helper.js naming helper.ts). Scenario names
// have no extension; an argument that only looks like a file costs time, not
// correctness.
const args = process.argv.slice(2);
const program = args.some((a) => !a.startsWith('-') && /\.[cm]?[jt]s$/.test(a));
const typescript = args.some((a) => !a.startsWith('-') && /\.[cm]?ts$/.test(a));

const tree = compiled ? 'dist' : 'src';
if (compiled) {
  // Stack traces, panics and heap profiles name lines of src/ and of the
  // user's program, not of dist/: through source maps, which tsx turns on
  // and which must otherwise be turned on here. While they are on, Node
  // reads and indexes the map of every module that loads (about 50 ms for
  // the CLI's 190 modules), though only two kinds are ever asked for
  // positions: built-in scenarios (a heap profile's lines) and program
  // files (a panic's and a heap profile's lines). So the model's core
  // (core, above) loads with them off, and its frames, which only a stack
  // trace of gomem's own errors shows, are mapped by mappedStack when one is
  // formatted. (The line Node prints above an uncaught error's stack, the
  // one that threw, is then dist/'s when that is in the core; the stack
  // names src/.)
  Error.prepareStackTrace = mappedStack;
  const failed = await core;
  if (failed !== null) throw failed.e;
  process.setSourceMapsEnabled(true);
  if (program) {
    // Most of the CLI's modules, loaded before any hooks are registered:
    // after, every import makes a round trip to the hooks thread (and
    // through tsx), which costs more than loading the module itself.
    await import('../dist/index.js');
    await import('../dist/cli/run.js');
  }
}
// dist/'s core, when it is not used, finishes loading before the hooks
// below are registered, which would otherwise see the rest of its imports.
if (!compiled && core !== null) await core;
if (!compiled || typescript) {
  const tsx = await import('tsx/esm/api');
  tsx.register();
}
if (!compiled || program) {
  // Registered after tsx's, so they run before them: user program files load
  // as ES modules from any directory and `import … from 'gomem'` works there.
  register(`../${tree}/cli/program_hooks.mjs`, import.meta.url);
}
await import(compiled ? '../dist/cli/main.js' : '../src/cli/main.ts');
