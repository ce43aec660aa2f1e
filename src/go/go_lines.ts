// Go source positions of compiled Go code (src/gofront), for panics: the
// front end marks each statement in the JavaScript it generates with a
// comment naming the Go file, line and function, and registers the code
// under a sourceURL; a call site in that code is then placed in the Go
// source by the nearest mark before it. Comments cost nothing at run time.

export interface GoFrame {
  /** Go's name of the function (main.main, main.(*T).M, main.main.func1). */
  readonly fn: string;
  /** The function has parameters: Go prints its frame as fn(...). */
  readonly args: boolean;
  readonly file: string;
  readonly line: number;
}

interface Registered {
  readonly code: string;
  readonly files: readonly string[];
  /** Offsets of the first character of each line of code. */
  readonly lineStarts: number[];
}

const registry = new Map<string, Registered>();
let next = 0;

/** The mark the emitter puts before a statement. */
export function goMark(part: number, line: number, fn: string, args: boolean): string {
  return `/*@${part}:${line}:${args ? 1 : 0}:${fn}*/`;
}

/** The mark before generated code that is no Go function's (runtime.main's part). */
export const goNoFrame = '/*@-*/';

/**
 * Registers generated code; returns it with the sourceURL line V8 names its
 * frames by. `files` are the package's files in part order.
 */
export function registerGoCode(code: string, files: readonly string[]): string {
  const url = `gomem-go:${++next}`;
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
  registry.set(url, { code, files, lineStarts });
  return `${code}\n//# sourceURL=${url}`;
}

/** new Function(…) puts its parameter list and "{" on two lines before the body. */
const functionHeaderLines = 2;

/** The Go frame a position in registered code (1-based line and column, as V8 reports them) belongs to. */
export function goFrameAt(url: string, line: number, col: number): GoFrame | null {
  const r = registry.get(url);
  if (r === undefined) return null;
  const l = line - functionHeaderLines;
  if (l < 1 || l > r.lineStarts.length) return null;
  const off = r.lineStarts[l - 1]! + col - 1;
  const at = r.code.lastIndexOf('/*@', off);
  if (at < 0) return null;
  if (r.code.startsWith(goNoFrame, at)) return null;
  const m = /^\/\*@(\d+):(\d+):([01]):(.*?)\*\//.exec(r.code.slice(at, at + 300));
  if (m === null) return null;
  return { fn: m[4]!, args: m[3] === '1', file: r.files[Number(m[1])] ?? '?', line: Number(m[2]) };
}

/** Whether a V8 file name is registered Go code. */
export function isGoCode(file: string | null | undefined): file is string {
  return file !== null && file !== undefined && registry.has(file);
}
