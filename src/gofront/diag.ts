// Diagnostics as the gc compiler prints them: "./prog.go:3:2: undefined: x",
// line and column 1-based, the column counted in bytes as Go counts it.
// One error stops compilation (gomem reports the first, as a one-line
// message; go build reports up to ten).

import type { Node } from './grammar.ts';
import { type Edit, type Shift, unshift } from './embed.ts';

/** An error in the program's source: printed as "file:line:col: message". */
export class GoCompileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly msg: string,
  ) {
    super(`${file}:${line}:${col}: ${msg}`);
  }
}

/** Where diagnostics point: the file name as the compiler shows it. */
export class Source {
  private readonly lineStarts: number[] = [0];
  private readonly bytes: Uint8Array;

  constructor(
    /** "./prog.go": the name `go build` in the file's directory prints. */
    readonly file: string,
    readonly text: string,
    /**
     * A package of several files is parsed as their texts one after the
     * other: each file's name and the row its text starts at, in order.
     */
    readonly parts: readonly { readonly file: string; readonly startRow: number }[] = [{ file, startRow: 0 }],
  ) {
    this.bytes = new TextEncoder().encode(text);
    for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] === 10) this.lineStarts.push(i + 1);
  }

  /** The index in parts of the file a node is in. */
  partOf(n: Node): number {
    const row = n.startPosition.row;
    let i = this.parts.length - 1;
    while (i > 0 && this.parts[i]!.startRow > row) i--;
    return i;
  }

  /** The file a node is in ("./prog.go"). */
  fileOf(n: Node): string {
    return this.parts[this.partOf(n)]!.file;
  }

  /**
   * The rewrites the text went through (embed.ts: embedded fields named, promoted selectors made
   * explicit), last last: a node's column is mapped back across each to the source as written.
   */
  shifts: Shift[][] = [];
  /** "main.S.E" for each embedded field (embed.ts), for the checker's promoted selectors. */
  embedded: ReadonlySet<string> = new Set();
  /** The promoted selectors the checker found (`x.f` → `x.E.f`): the next rewrite. */
  readonly edits: Edit[] = [];
  /** Rows from here on are generated (promoted methods' wrappers): no diagnostics or -m lines of theirs are shown. */
  generatedFrom = Infinity;

  /** Line (in its own file) and byte column (1-based) of a node's start. tree-sitter's columns are bytes already. */
  pos(n: Node): { line: number; col: number } {
    const row = n.startPosition.row;
    let col = n.startPosition.column;
    for (let i = this.shifts.length - 1; i >= 0; i--) col = unshift(this.shifts[i]!, row, col);
    return { line: row - this.parts[this.partOf(n)]!.startRow + 1, col: col + 1 };
  }

  /** "./prog.go:L:C" of a node. */
  at(n: Node): string {
    const { line, col } = this.pos(n);
    return `${this.fileOf(n)}:${line}:${col}`;
  }

  error(n: Node, msg: string): GoCompileError {
    const { line, col } = this.pos(n);
    return new GoCompileError(this.fileOf(n), line, col, msg);
  }

  /** A construct outside the subset, named and placed. */
  unsupported(n: Node, what: string): GoCompileError {
    return this.error(n, `gomem does not support ${what} yet`);
  }
}
