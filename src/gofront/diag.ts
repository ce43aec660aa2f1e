// Diagnostics as the gc compiler prints them: "./prog.go:3:2: undefined: x",
// line and column 1-based, the column counted in bytes as Go counts it.
// One error stops compilation (gomem reports the first, as a one-line
// message; go build reports up to ten).

import type { Node } from './grammar.ts';

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

  /** Line (in its own file) and byte column (1-based) of a node's start. tree-sitter's columns are bytes already. */
  pos(n: Node): { line: number; col: number } {
    return { line: n.startPosition.row - this.parts[this.partOf(n)]!.startRow + 1, col: n.startPosition.column + 1 };
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
