// An exception thrown by a program's own code (`throw new Error("boom")`, a
// TypeError from a bug in it, `throw "boom"`) ends the process the way an
// unrecovered Go panic does: "panic: <value>", a blank line, the goroutine
// that was running and its frames in Go's form — only the program's own
// frames, never gomem's or Node's — and exit status 2 (runtime/panic.go
// printpanics, runtime/traceback.go). An exception whose innermost frame is
// in gomem's own src/ is a bug of gomem, not of the program: it is left to
// surface as the error it is.

import { readFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { extname, isAbsolute, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FuncLit, functionAt, functionLiterals, goFuncName } from './closure_names.ts';
import { programExtensions, transformProgramSync } from './program_source.mjs';
import { goFrameAt, isGoCode } from './go_lines.ts';

const srcDir = fileURLToPath(new URL('..', import.meta.url));

export type Origin = 'program' | 'gomem' | 'other';

function pathOf(file: string | null | undefined): string | null {
  if (!file) return null;
  if (file.startsWith('file:')) return fileURLToPath(file);
  return isAbsolute(file) ? file : null;
}

export function originOf(site: NodeJS.CallSite): Origin {
  const path = pathOf(site.getFileName());
  if (path === null || site.isNative()) return 'other';
  if (path.includes(`${sep}node_modules${sep}`)) return 'other';
  return path.startsWith(srcDir) ? 'gomem' : 'program';
}

/**
 * The structured stack of `e`, read through V8's stack-trace API. Setting
 * Error.prepareStackTrace replaces Node's own formatting (and its source
 * mapping), so the stack text it leaves on `e` is rebuilt with the same
 * mapping: an internal error rethrown afterwards still reads as usual.
 * With `text` false the text is left empty: an error made only to read the
 * stack (a heap-profile sample) skips the source mapping of every frame,
 * which costs about a millisecond a sample.
 */
export function callSites(e: Error, text = true): NodeJS.CallSite[] | null {
  const saved = Error.prepareStackTrace;
  let sites: NodeJS.CallSite[] | null = null;
  Error.prepareStackTrace = (err, s) => {
    sites = s;
    if (!text) return '';
    return saved !== undefined ? saved(err, s) : formatStack(err, s);
  };
  try {
    void e.stack;
  } finally {
    Error.prepareStackTrace = saved;
  }
  return sites;
}

interface Position {
  path: string;
  line: number;
  col: number;
}

/** Where a frame is in the source the user wrote (through the module's source map). */
export function sourcePosition(site: NodeJS.CallSite): Position | null {
  const file = site.getFileName();
  const path = pathOf(file);
  const line = site.getLineNumber();
  const col = site.getColumnNumber();
  if (!file || path === null || line === null || col === null) return null;
  const map = findSourceMap(file) ?? findSourceMap(path);
  const entry = map?.findEntry(line - 1, col - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number }> | undefined;
  if (entry?.originalLine === undefined || entry.originalSource === undefined) return { path, line, col };
  return { path: pathOf(entry.originalSource) ?? path, line: entry.originalLine + 1, col: (entry.originalColumn ?? 0) + 1 };
}

function formatStack(err: Error, sites: NodeJS.CallSite[]): string {
  const lines = [Error.prototype.toString.call(err)];
  for (const s of sites) {
    let text = String(s);
    try {
      const p = sourcePosition(s);
      const raw = `${s.getFileName()}:${s.getLineNumber()}:${s.getColumnNumber()}`;
      if (p !== null) text = text.replace(raw, `${p.path}:${p.line}:${p.col}`);
    } catch {
      // The raw position is still a position.
    }
    lines.push(`    at ${text}`);
  }
  return lines.join('\n');
}

/** The code V8 runs for a program file and its function literals, when they can be known for sure. */
const literalsCache = new Map<string, { code: string; lits: FuncLit[] } | null>();

function programCode(file: string, path: string): { code: string; lits: FuncLit[] } | null {
  let hit = literalsCache.get(file);
  if (hit !== undefined) return hit;
  hit = null;
  try {
    if (programExtensions.includes(extname(path))) {
      const code = transformProgramSync(readFileSync(path, 'utf8'), path);
      // Only if the module was loaded from exactly this code (bin/gomem.js's
      // hooks) do V8's positions index into it; its source map says so.
      const loaded = findSourceMap(file)?.payload.mappings;
      const inline = /\/\/# sourceMappingURL=data:application\/json;base64,(.*)\s*$/.exec(code)?.[1];
      const ours = inline !== undefined ? (JSON.parse(Buffer.from(inline, 'base64').toString('utf8')) as { mappings?: string }).mappings : undefined;
      const lits = loaded !== undefined && loaded === ours ? functionLiterals(code) : null;
      if (lits !== null) hit = { code, lits };
    }
  } catch {
    hit = null;
  }
  literalsCache.set(file, hit);
  return hit;
}

/** Go's name for the function of a program frame. */
function goFrameName(site: NodeJS.CallSite): string {
  const file = site.getFileName()!;
  const prog = programCode(file, pathOf(file)!);
  const line = site.getLineNumber();
  const col = site.getColumnNumber();
  if (prog !== null && line !== null && col !== null) {
    let off = 0;
    for (let l = 1; l < line && off >= 0; l++) off = prog.code.indexOf('\n', off) + 1;
    const f = off >= 0 ? functionAt(prog.lits, off + col - 1) : null;
    if (f !== null) return goFuncName(f, prog.lits);
  }
  // Code gomem did not load itself (a test runner's transform): V8's own name is all there is.
  return `main.${site.getFunctionName() ?? 'func1'}`;
}

/** printindented: each newline of a panic value is followed by a tab. */
function indented(s: string): string {
  return s.replaceAll('\n', '\n\t');
}

/** runtime.printfloat: +d.dddddde±ddd. */
function printfloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const n = 7;
  let sign = '+';
  let e = 0;
  if (v === 0) {
    if (1 / v < 0) sign = '-';
  } else {
    if (v < 0) {
      v = -v;
      sign = '-';
    }
    while (v >= 10) {
      e++;
      v /= 10;
    }
    while (v < 1) {
      e--;
      v *= 10;
    }
    let h = 5.0;
    for (let i = 0; i < n; i++) h /= 10;
    v += h;
    if (v >= 10) {
      e++;
      v /= 10;
    }
  }
  let digits = '';
  for (let i = 0; i < n; i++) {
    const s = Math.trunc(v);
    digits += String(s);
    v -= s;
    v *= 10;
  }
  const ae = Math.abs(e);
  return `${sign}${digits[0]}.${digits.slice(1)}e${e < 0 ? '-' : '+'}${String(Math.floor(ae / 100))}${String(Math.floor(ae / 10) % 10)}${String(ae % 10)}`;
}

/**
 * A thrown JavaScript value as Go's printpanicval prints the value it
 * stands for: an error's message, a string as it is, numbers as Go's
 * print does (an integer as int, anything else as float64), nil's
 * PanicNilError. An object without a String method has no address to
 * print; its type and JSON stand in for Go's "(T) 0xc000…".
 */
export function goPanicValue(v: unknown): string {
  if (v instanceof Error) return indented(v.message);
  switch (typeof v) {
    case 'string':
      return indented(v);
    case 'number':
      return Number.isSafeInteger(v) ? String(v) : printfloat(v);
    case 'bigint':
    case 'boolean':
      return String(v);
    case 'undefined':
      return 'panic called with nil argument';
    case 'symbol':
      return `(main.symbol) ${v.description ?? ''}`;
    case 'function':
      return `(func()) ${v.name}`;
  }
  if (v === null) return 'panic called with nil argument';
  const o = v as object;
  if (typeof (o as { toString?: unknown }).toString === 'function' && o.toString !== Object.prototype.toString && o.toString !== Array.prototype.toString) {
    return indented(String(o));
  }
  let json: string;
  try {
    json = JSON.stringify(o) ?? String(o);
  } catch {
    json = String(o);
  }
  return `(main.${o.constructor?.name ?? 'Object'}) ${json}`;
}

/**
 * Go's report of a panic for an exception thrown by the program's own
 * code, or null when the exception is gomem's own (its innermost frame is
 * in gomem's src/). `goid` is the goroutine that was running.
 */
export function programPanicReport(e: unknown, goid: number): string | null {
  return panicReport(e, goid, false);
}

/**
 * A misuse of the API the program made (a blocking call without yield*),
 * thrown from gomem's own code: reported as a panic in the program's frames,
 * not as a fault of gomem.
 */
export class ApiMisuse extends Error {}

/**
 * Something the program does that gomem's model does not cover yet (its
 * message names it): not a fault of the program, not a crash of gomem; the
 * CLI prints it as one line and exits 2.
 */
export class NotModelled extends Error {}

export function misusePanicReport(e: ApiMisuse, goid: number): string {
  return panicReport(e, goid, true)!;
}

/**
 * The frames of a Go panic raised in compiled Go code (src/gofront), as
 * Go's traceback prints them: `main.f(...)` (gomem does not print argument
 * words) and the Go file and line of the statement running in each, or null
 * when no frame is in compiled Go code.
 */
export function goSourceFrames(e: Error): string | null {
  const sites = callSites(e);
  if (sites === null) return null;
  const frames: string[] = [];
  for (const s of sites) {
    // Code made by new Function has no file name; its sourceURL names it.
    const file = s.getScriptNameOrSourceURL();
    if (!isGoCode(file)) continue;
    const f = goFrameAt(file, s.getLineNumber() ?? 0, s.getColumnNumber() ?? 0);
    if (f === null) continue;
    frames.push(`${f.fn}(${f.args ? '...' : ''})\n\t${f.file}:${f.line} +0x0\n`);
  }
  return frames.length > 0 ? frames.join('') : null;
}

function panicReport(e: unknown, goid: number, misuse: boolean): string | null {
  const head = `goroutine ${goid} [running]:\n`;
  if (!(e instanceof Error)) return `panic: ${goPanicValue(e)}\n\n${head}`;
  const sites = callSites(e);
  if (sites === null) return null;
  const frames: string[] = [];
  let innermost: Origin | null = null;
  for (const s of sites) {
    const origin = originOf(s);
    if (origin === 'other') continue;
    innermost ??= origin;
    if (origin !== 'program') continue;
    const pos = sourcePosition(s);
    if (pos === null) continue;
    frames.push(`${goFrameName(s)}()\n\t${pos.path}:${pos.line} +0x0\n`);
  }
  if (innermost !== 'program' && !misuse) return null;
  return `panic: ${goPanicValue(e)}\n\n${head}${frames.join('')}`;
}
