// How a user's program file (.ts or .js, anywhere on disk) becomes the
// module that runs: one esbuild transform (TypeScript to JavaScript) with an inline
// source map. Plain JavaScript because it runs in two places: in Node's
// module-hooks thread, which loads it before any TypeScript support exists
// there (src/cli/program_hooks.mjs), and in the main thread, where the panic
// trace (panic_trace.ts) transforms the same file again to find its closures.
// The transform is deterministic, so both see byte-identical code and the
// positions V8 reports line up with what the trace scans.

import { createRequire } from 'node:module';

/** @type {import('esbuild') | null} */
let esbuild = null;

/**
 * The esbuild that tsx itself uses: resolved from tsx's own location so
 * gomem needs no second copy and no dependency of its own on it.
 */
function loadEsbuild() {
  if (esbuild === null) {
    const fromGomem = createRequire(import.meta.url);
    esbuild = createRequire(fromGomem.resolve('tsx/package.json'))('esbuild');
  }
  return esbuild;
}

/** File endings a program file may have; all are loaded as ES modules. */
export const programExtensions = ['.ts', '.mts', '.js', '.mjs'];

// No output format: esbuild would wrap a CommonJS file into an ES module
// (and so run it); left as it is, its `module` or `require` is undefined when
// it runs as an ES module, which the loader reports as not an ES module.
function options(path) {
  return {
    loader: /\.m?ts$/.test(path) ? 'ts' : 'js',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: path,
  };
}

/** The module code for a program file's source (async, for the hooks thread). */
export async function transformProgram(source, path) {
  return (await loadEsbuild().transform(source, options(path))).code;
}

/** The same, synchronously (for the main thread). */
export function transformProgramSync(source, path) {
  return loadEsbuild().transformSync(source, options(path)).code;
}

/** Marks a syntax error's one-line message, which crosses from the hooks thread as a message only. */
export const syntaxMarker = 'gomem-syntax-error: ';

/**
 * The first syntax error of an esbuild failure as Go's compilers print
 * one, "file:line:col: message" (1-based column), or null if `e` is not
 * an esbuild failure.
 */
export function syntaxErrorLine(e, file) {
  const first = e && Array.isArray(e.errors) ? e.errors[0] : undefined;
  if (first === undefined) return null;
  const loc = first.location;
  return loc ? `${file}:${loc.line}:${loc.column + 1}: ${first.text}` : `${file}: ${first.text}`;
}
