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
import { readdirSync, statSync } from 'node:fs';
import { register } from 'node:module';
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
 * Whether dist/ holds the sources as they are now. The build's stamp carries
 * the time the build started (package.json's prebuild and postbuild), so a
 * file saved while tsc was running counts as changed. Anything that cannot
 * be read (no build yet, a file an editor is replacing) counts as changed too.
 */
function distIsFresh() {
  try {
    const built = statSync(join(root, 'dist', '.built')).mtimeMs;
    if (['tsconfig.json', 'tsconfig.build.json'].some((f) => statSync(join(root, f)).mtimeMs >= built)) return false;
    return !changedSince(join(root, 'src'), built);
  } catch {
    return false;
  }
}

const choice = process.env.GOMEM_CLI;
if (choice !== undefined && choice !== 'dist' && choice !== 'src') {
  process.stderr.write(`gomem: GOMEM_CLI="${choice}": want dist (the compiled CLI) or src (the TypeScript sources)\n`);
  process.exit(2);
}
const compiled = choice === 'src' ? false : distIsFresh();
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
  // tsx turns Node's source maps on; without tsx they must be turned on
  // here, before anything loads, so that stack traces, panics and heap
  // profiles name lines of src/ and of the user's program, not of dist/.
  process.setSourceMapsEnabled(true);
  if (program) {
    // Most of the CLI's modules, loaded before any hooks are registered:
    // after, every import makes a round trip to the hooks thread (and
    // through tsx), which costs more than loading the module itself.
    await import('../dist/index.js');
    await import('../dist/cli/run.js');
  }
}
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
