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
  ) {
    this.bytes = new TextEncoder().encode(text);
    for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] === 10) this.lineStarts.push(i + 1);
  }

  /** Line and byte column (1-based) of a node's start. tree-sitter's columns are bytes already. */
  pos(n: Node): { line: number; col: number } {
    return { line: n.startPosition.row + 1, col: n.startPosition.column + 1 };
  }

  /** "./prog.go:L:C" of a node. */
  at(n: Node): string {
    const { line, col } = this.pos(n);
    return `${this.file}:${line}:${col}`;
  }

  error(n: Node, msg: string): GoCompileError {
    const { line, col } = this.pos(n);
    return new GoCompileError(this.file, line, col, msg);
  }

  /** A construct outside the subset, named and placed. */
  unsupported(n: Node, what: string): GoCompileError {
    return this.error(n, `gomem does not support ${what} yet`);
  }
}
