#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources (and user program files
// written in TypeScript) run without a build step, then hands over to the CLI.
//
// GOGC, GOMEMLIMIT, GOMAXPROCS and GODEBUG are settings for the *simulated*
// Go process. tsx's transpiler (esbuild) is itself a Go program and would
// obey them too (a malformed GOMEMLIMIT kills it), so they are moved aside
// into GOMEM_GOENV before anything starts.
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

const { register } = await import('tsx/esm/api');
register();
// Registered after tsx's hooks, so they run before them: user program files
// load as ES modules from any directory and `import … from 'gomem'` works there.
const { register: registerHooks } = await import('node:module');
registerHooks('../src/cli/program_hooks.mjs', import.meta.url);
await import('../src/cli/main.ts');
