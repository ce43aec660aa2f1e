// The Node host's half of the parser: web-tree-sitter's runtime and the Go
// grammar's .wasm, read from node_modules. The only Node-only file of
// gofront (the browser loads the same two files by URL).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser } from 'web-tree-sitter';

let loaded: Promise<Language> | null = null;

/** The Go grammar, loaded once per process. */
export function loadGoGrammar(): Promise<Language> {
  loaded ??= (async () => {
    const require = createRequire(import.meta.url);
    const runtimeWasm = readFileSync(require.resolve('web-tree-sitter/tree-sitter.wasm'));
    await Parser.init({ wasmBinary: runtimeWasm });
    // tree-sitter-go has no exports map: its files resolve by path.
    return Language.load(readFileSync(require.resolve('tree-sitter-go/tree-sitter-go.wasm')));
  })();
  return loaded;
}
