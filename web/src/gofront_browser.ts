// The browser host's half of the Go parser (src/gofront/grammar_node.ts is
// Node's): web-tree-sitter's runtime and the Go grammar's .wasm, fetched by
// the URLs Vite gives the two files (data: URLs: the build inlines them,
// web/vite.config.ts, so that a page opened from file:// has them too), then
// the front end compiles a pasted program in the page's Worker exactly as
// `gomem run prog.go` does.

import { Language, Parser } from 'web-tree-sitter';
import runtimeWasm from 'web-tree-sitter/tree-sitter.wasm?url';
import goWasm from 'tree-sitter-go/tree-sitter-go.wasm?url';
import { compileGo, goBinaryName, importsCheckpointHelper } from '../../src/gofront/compile.ts';
import { GoCompileError } from '../../src/gofront/diag.ts';
import type { Program } from '../../src/go/program.ts';

let loaded: Promise<Language> | null = null;

/** The Go grammar, loaded once per Worker. */
function goGrammar(): Promise<Language> {
  loaded ??= (async () => {
    await Parser.init({ locateFile: () => runtimeWasm });
    return Language.load(goWasm);
  })();
  return loaded;
}

/** A compile error, one line in the compiler's format (./prog.go:3:2: undefined: x), as gomem run prints it. */
export class GoSourceError extends Error {}

/**
 * The program a Go file's text runs as: `path`'s base name is the file the
 * compiler's messages name; the program is named as go build names the
 * binary (main.go after its directory, any other file after itself). It
 * gets the facts of a fmt program, as gomem run gives any file outside
 * reality/cases (a reality case's main.go gets its own binary's there).
 */
export async function goProgram(path: string, text: string): Promise<Program> {
  const parts = path.split('/');
  const file = parts[parts.length - 1]!;
  const dir = parts.length > 1 && parts[parts.length - 2] !== '' && parts[parts.length - 2] !== '.' ? parts[parts.length - 2]! : null;
  const language = await goGrammar();
  try {
    const compiled = compileGo(language, `./${file}`, text);
    return compiled.program({ name: goBinaryName(file, dir), description: `Go source ${file}`, checkpointHelper: importsCheckpointHelper([text]) });
  } catch (e) {
    if (e instanceof GoCompileError) throw new GoSourceError(e.message.split('\n')[0]!);
    throw e;
  }
}
