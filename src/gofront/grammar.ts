// Go syntax trees from tree-sitter-go, through web-tree-sitter (WebAssembly):
// the same parser in Node and in the browser. This file takes an already
// loaded grammar; where its .wasm bytes come from is the host's business
// (grammar_node.ts reads them from node_modules; a page would fetch them).

import { Parser, type Language, type Node, type Tree } from 'web-tree-sitter';

export type { Language, Node, Tree };

/** Parses Go source with a loaded Go grammar. */
export function parseGo(language: Language, source: string): Tree {
  const parser = new Parser();
  parser.setLanguage(language);
  const tree = parser.parse(source);
  parser.delete();
  if (tree === null) throw new Error('gomem: the Go parser returned no tree');
  return tree;
}

/** The first syntax error in a tree (an ERROR or MISSING node), if any. */
export function firstSyntaxError(root: Node): Node | null {
  if (!root.hasError) return null;
  const walk = (n: Node): Node | null => {
    if (n.isError || n.isMissing) return n;
    for (const c of n.children) {
      if (c !== null && (c.hasError || c.isMissing)) {
        const e = walk(c);
        if (e !== null) return e;
      }
    }
    return null;
  };
  return walk(root);
}
