// Module hooks (node:module register) for users' program files, registered
// by bin/gomem.js after tsx's (when tsx is registered), so they run first:
//
// - the bare specifier `gomem` names this repository's public entry
//   (src/index.ts) from any directory, with or without a package.json or a
//   node_modules near the program;
// - a program file, and any file of the user's it imports, is an ES module
//   whatever package.json is (or is not) near it: without one, Node and tsx
//   would treat a .ts/.js file as CommonJS, which cannot load an ES-module
//   program (Node's "Cannot require() ES Module … in a cycle");
// - such files are transformed by program_source.mjs, so a syntax error
//   names the file, line and column.
//
// Files under gomem's own src/ (dist/ for the copy there) and under any
// node_modules are left to tsx and Node. Plain JavaScript: these hooks run in
// Node's hooks thread, where nothing compiles TypeScript for them.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { programExtensions, syntaxErrorLine, syntaxMarker, transformProgram } from '../go/program_source.mjs';

const srcDir = fileURLToPath(new URL('..', import.meta.url));
// In the compiled tree (the copy of this file in dist/) the entry is the
// compiled one: src/index.ts would need tsx there, and would load a second
// copy of the model beside the one the CLI runs.
const entryFile = fileURLToPath(new URL('../index.ts', import.meta.url));
const entry = pathToFileURL(existsSync(entryFile) ? entryFile : entryFile.replace(/\.ts$/, '.js')).href;

function programPath(url) {
  if (!url.startsWith('file:')) return null;
  const path = fileURLToPath(url.replace(/[?#].*$/, ''));
  if (path.startsWith(srcDir) || path.includes(`${sep}node_modules${sep}`)) return null;
  return programExtensions.includes(extname(path)) ? path : null;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'gomem') return { url: entry, format: 'module', shortCircuit: true };
  // A file that exists as named is that file: tsx would take p.js to mean
  // p.ts when both exist (TypeScript's convention for imports), and run the
  // wrong program. Names that do not exist (./helper.js for helper.ts) go on to tsx.
  if (/^(file:|\.{0,2}\/)/.test(specifier) && context.parentURL !== undefined) {
    const url = new URL(specifier, context.parentURL).href;
    const path = programPath(url);
    if (path !== null && existsSync(path)) return { url, format: 'module', shortCircuit: true };
  }
  const r = await nextResolve(specifier, context);
  return programPath(r.url) !== null ? { ...r, format: 'module' } : r;
}

export async function load(url, context, nextLoad) {
  const path = programPath(url);
  if (path === null) return nextLoad(url, context);
  const source = await readFile(path, 'utf8');
  let code;
  try {
    code = await transformProgram(source, path);
  } catch (e) {
    const line = syntaxErrorLine(e, path);
    if (line === null) throw e;
    // Errors cross from this thread to the main one as name and message only.
    throw new SyntaxError(syntaxMarker + line);
  }
  return { format: 'module', source: code, shortCircuit: true };
}
