// Go source to a gomem Program: parse (tree-sitter-go), check, escape
// analysis, emit JavaScript, and build it once into a function over the
// process's go/ API. The core of gofront: no Node-only import, so the
// browser can compile pasted source with the same code.

import type { Go } from '../go/api.ts';
import type { Program } from '../go/program.ts';
import type { GoroutineBody } from '../runtime/runtime2.ts';
import { check, type Checked } from './check.ts';
import { Source } from './diag.ts';
import { type Edit, applyEdits, embedPrepass, shiftsOf } from './embed.ts';
import { emitProgram } from './emit.ts';
import { FrameModel } from './frames.ts';
import { type EscapeLine, type EscapeResult, analyzeEscapes } from './escape.ts';
import { type Language, type Node, firstSyntaxError, parseGo } from './grammar.ts';
import { CompiledRt, Ref } from './rt.ts';
import { registerGoCode } from '../go/go_lines.ts';
import { Kind } from '../go/types.ts';
import { isTuple, isUntyped } from './objects.ts';

export interface CompiledGo {
  readonly checked: Checked;
  readonly escapes: EscapeResult;
  /** The generated JavaScript (for debugging: gomem build --js). */
  readonly js: string;
  /** A gomem program running this source; `base` gives its name and binary facts. */
  program(base: Omit<Program, 'main'>): Program;
  /** Each compiled function's frame size as the gc compiler's -S prints it (`$N`, without the return address), by Go symbol name. */
  frameSizes(): Map<string, number>;
}

/** What the compiler's -gcflags say: `noInline` is -l (no function is inlined). */
export interface CompileOptions {
  readonly noInline?: boolean;
}

/** Compiles one file of package main. `file` is the name diagnostics show ("./prog.go"). */
export function compileGo(language: Language, file: string, text: string, options: CompileOptions = {}): CompiledGo {
  return compileGoPackage(language, [{ file, text }], options);
}

/**
 * A package main of several files (go build's order: by name): parsed as
 * their texts one after the other, each diagnostic and -m line placed in
 * its own file.
 */
export function compileGoPackage(language: Language, files: readonly { readonly file: string; readonly text: string }[], options: CompileOptions = {}): CompiledGo {
  const parts: { file: string; startRow: number }[] = [];
  let text = '';
  for (const f of files) {
    parts.push({ file: f.file, startRow: text.split('\n').length - 1 });
    text += f.text.endsWith('\n') ? f.text : `${f.text}\n`;
  }
  let src = new Source(files[0]!.file, text, parts);
  let tree = parseGo(language, text);
  const bad = firstSyntaxError(tree.rootNode);
  if (bad !== null) throw src.error(bad, bad.isMissing ? `syntax error: missing ${bad.type}` : `syntax error: unexpected ${bad.text.split('\n')[0]!.slice(0, 20) || 'token'}`);
  // Embedded fields: named, their promoted methods wrapped, then (after a check that finds them) promoted selectors
  // made explicit; elided types of composite literals (`[][]int{{4}}`) written out the same way.
  const pre = embedPrepass(tree.rootNode);
  const rows = text.split('\n').length - 1;
  const reparse = (edits: Edit[], extra: string): void => {
    // A generic function's body is checked once per instance: the same insertion is asked for by each.
    const seen = new Set<string>();
    const unique = edits.filter((e) => !seen.has(`${e.row}:${e.col}:${e.text}`) && seen.add(`${e.row}:${e.col}:${e.text}`) !== undefined);
    const shifts = [...src.shifts, shiftsOf(unique)];
    text = applyEdits(text, unique) + extra;
    src = new Source(files[0]!.file, text, parts);
    Object.assign(src, { shifts, embedded: pre.embedded, generatedFrom: rows });
    tree = parseGo(language, text);
  };
  if (pre.edits.length > 0) reparse(pre.edits, pre.wrappers);
  let checked = check(src, tree.rootNode);
  // Each rewrite may reveal more (a literal elided inside one whose type is now written): at most a few rounds.
  for (let round = 0; src.edits.length > 0 && round < 8; round++) {
    reparse([...src.edits], '');
    checked = check(src, tree.rootNode);
  }
  const escapes = analyzeEscapes(checked, options.noInline === true);
  const { code, types } = emitProgram(checked, escapes);
  // One JS function per program, built once; each run binds it to its process's API.
  // Registered for panics: a frame in this code is placed in the Go source by the statement marks.
  const build = new Function('go', '$rt', '$types', '$Ref', registerGoCode(code, files.map((f) => f.file))) as (go: Go, rt: CompiledRt, types: unknown[], ref: typeof Ref) => () => GoroutineBody;
  return {
    checked,
    escapes,
    js: code,
    frameSizes() {
      const model = new FrameModel(checked, escapes);
      const out = new Map<string, number>();
      for (const f of [...checked.funcs, ...checked.lits.values()]) out.set(f.name, model.size(f));
      return out;
    },
    program(base) {
      return {
        ...base,
        *main(go: Go): GoroutineBody {
          yield* build(go, new CompiledRt(go), types, Ref)();
        },
      };
    },
  };
}

/**
 * The name go build gives the binary of a Go program (the program's name in
 * gomem): a package directory's, or a lone main.go's, is its directory's
 * name; any other lone file's is the file's without .go. `dir`: the
 * directory's name, or null when there is none to take.
 */
export function goBinaryName(file: string, dir: string | null, isDir = false): string {
  return (isDir || file === 'main.go') && dir !== null ? dir : file.replace(/\.go$/, '');
}

/** Whether Go sources import the reality cases' checkpoint helper (provided natively). */
export function importsCheckpointHelper(texts: readonly string[]): boolean {
  return texts.some((t) => /"gomem\/reality\/checkpoint"/.test(t));
}

/** The -gcflags=-m lines the compiler prints for escapes, sorted by position, without duplicates. */
export function escapeLines(c: CompiledGo, inlining = false): string[] {
  const src = c.checked.src;
  const seen = new Set<string>();
  const rows: { part: number; line: number; col: number; text: string }[] = [];
  for (const l of c.escapes.lines as EscapeLine[]) {
    if (!inlining && l.msg.startsWith('can inline')) continue;
    if (l.node.startPosition.row >= src.generatedFrom) continue;
    const { line, col } = goPos(src, l.node, c.checked);
    const text = `${src.fileOf(l.node)}:${line}:${col}: ${l.msg}`;
    const key = `${text}\u0000${l.inst ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ part: src.partOf(l.node), line, col, text });
  }
  rows.sort((a, b) => a.part - b.part || a.line - b.line || a.col - b.col);
  return rows.map((r) => r.text);
}

/** Where the gc compiler places an expression: a call at its "(", a selector at its ".", a binary expression at its operator. */
function goPos(src: Source, n: Node, c: Checked): { line: number; col: number } {
  const at = (x: Node | null, shift = 0): { line: number; col: number } | null => {
    if (x === null) return null;
    const p = src.pos(x);
    return { line: p.line, col: p.col + shift };
  };
  switch (n.type) {
    case 'call_expression': {
      // string(b), []byte(s), string(r) (the copying conversions) are placed at their operand.
      const fnNode = n.childForFieldName('function')!;
      const conversion = c.typeNodes.has(fnNode.id) || c.uses.get(fnNode.id)?.kind === 'type';
      const arg = n.childForFieldName('arguments')?.namedChildren[0] ?? null;
      const to = c.exprs.get(n.id)?.type;
      const from = arg === null ? undefined : c.exprs.get(arg.id)?.type;
      const fromString = from !== undefined && !isTuple(from) && (isUntyped(from) ? from.untyped === 'string' : from.kind === Kind.String);
      const copying = to !== undefined && !isTuple(to) && !isUntyped(to) && !(to.kind === Kind.String && fromString) && (to.kind === Kind.String || (to.kind === Kind.Slice && to.elem!.kind === Kind.Uint8));
      if (conversion && copying && arg !== null) return goPos(src, arg, c);
      return at(n.childForFieldName('arguments')) ?? src.pos(n);
    }
    case 'type_conversion_expression':
      return at(n.childForFieldName('operand')) ?? src.pos(n);
    case 'composite_literal':
      return at(n.childForFieldName('body')) ?? src.pos(n);
    case 'selector_expression':
      return at(n.childForFieldName('field'), -1) ?? src.pos(n);
    case 'binary_expression':
      return at(n.childForFieldName('operator')) ?? src.pos(n);
    case 'index_expression':
    case 'slice_expression': {
      const bracket = n.children.find((c) => c?.type === '[') ?? null;
      return at(bracket) ?? src.pos(n);
    }
  }
  return src.pos(n);
}
