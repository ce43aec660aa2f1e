// Go functions compiled to JavaScript source over the go/ API. Each Go
// function becomes one JS function (a generator when it may block: its
// blocking calls are `yield*`), built once with go.func so that every call
// pushes its frame. Where a variable lives decides how it is read and
// written:
//
//   pointer-free local or global    a JS variable (its bytes are counted in
//                                   the frame size, but nothing scans them)
//   local holding pointers          a JS variable, written through to its
//                                   frame slot at each store (a GC root)
//   global holding pointers         a slot in .bss (go.globals), read and
//   (or a composite with pointers)  written in simulated memory
//   moved to heap (escape analysis) a heap object from go.new; the frame
//                                   holds its pointer
//
// A pointer to a variable that stays in its frame is a Ref (rt.ts): escape
// analysis proved it never reaches the heap or outlives the frame.

import { Kind, T, type GoType } from '../go/types.ts';
import type { Node } from './grammar.ts';
import type { Checked } from './check.ts';
import { gotosOf, gotoTarget, labelled } from './check_flow.ts';
import type { Source } from './diag.ts';
import { type CType, type ExprInfo, type FuncDecl, type Obj, type VarObj, isTuple, isUntyped } from './objects.ts';
import { type StdFunc, stdMethods, stdPackages } from './stdlib.ts';
import { defaultType, isFloatType, isIntegerType, isInterface, isStringType, isUnsigned, methodSet, under } from './universe.ts';
import type { EscapeResult } from './escape.ts';
import { FrameModel, frameExtra } from './frames.ts';
import { goMark, goNoFrame } from '../go/go_lines.ts';

/** Virtual time one loop iteration costs (a simple loop body on the reference machine: about a nanosecond). */
export const loopIterationNs = 1;
/** Iterations charged at once: one go.work call per this many. */
const loopBatch = 4096;

/**
 * The operands (0-based) a constant Printf format prints with %+v. A format
 * with * widths or [n] indexes gives none (they renumber the operands).
 */
function plusOperands(format: string): Set<number> {
  const out = new Set<number>();
  let op = 0;
  for (let i = 0; i < format.length; i++) {
    if (format[i] !== '%') continue;
    i++;
    if (format[i] === '%') continue;
    let plus = false;
    while (i < format.length && '+-# 0'.includes(format[i]!)) plus ||= format[i++] === '+';
    while (i < format.length && /[0-9.]/.test(format[i]!)) i++;
    if (format[i] === '*' || format[i] === '[') return new Set();
    if (plus && format[i] === 'v') out.add(op);
    op++;
  }
  return out;
}

/** Whether fmt's %v of a value of type t needs its Go type: structs, pointers to them, and lists of interfaces or structs. */
function needsTypedFormat(t: Parameters<typeof under>[0]): boolean {
  const u = under(t);
  if (u.kind === Kind.Struct) return true;
  if (u.kind === Kind.Pointer) return under(u.elem!).kind === Kind.Struct;
  if (u.kind === Kind.Slice || u.kind === Kind.Array) {
    const e = under(u.elem!);
    return e.kind === Kind.Interface || e.kind === Kind.Struct;
  }
  return false;
}

function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

type Place =
  | { kind: 'js'; path: string; root: VarObj | null }
  | { kind: 'map'; m: string; key: string; zero: string }
  | { kind: 'mem'; container: string; key: string }
  | { kind: 'whole'; ptr: string };

export interface Emitted {
  /** The module's source: `(go, $rt, $types) => main` as a function body. */
  readonly code: string;
  /** The Go types the code refers to, by index. */
  readonly types: GoType[];
}

export function emitProgram(c: Checked, esc: EscapeResult): Emitted {
  return new Emitter(c, esc).program();
}

/** The for, switch or select an unlabelled break leaves. */
function breakTarget(b: Node): Node | null {
  for (let x = b.parent; x !== null; x = x.parent) {
    if (['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement'].includes(x.type)) return x;
    if (x.type === 'func_literal') return null;
  }
  return null;
}

/** The for loop an unlabelled continue goes on with. */
function loopOf(c: Node): Node | null {
  for (let x = c.parent; x !== null && x.type !== 'func_literal'; x = x.parent) if (x.type === 'for_statement') return x;
  return null;
}

/** Whether a function's body (not the func literals inside it) has a defer statement. */
function hasDefer(fn: Node): boolean {
  const walk = (n: Node): boolean => n.type === 'defer_statement' || named(n).some((c) => c.type !== 'func_literal' && walk(c));
  return walk(fn.childForFieldName('body')!);
}

class Emitter {
  private readonly types: GoType[] = [];
  private readonly typeIndex = new Map<GoType, number>();
  private readonly lits: string[] = [];
  private readonly src: Source;
  private fn: FuncDecl | null = null;
  /** The current function is compiled as a generator. */
  private gen = false;
  /** The current function is compiled into its caller (no frame of its own). */
  private inlined = false;
  private tmp = 0;
  private frameModel: FrameModel | null = null;
  /** Bytes of arrays the current function keeps in its frame (make that does not escape). */
  private stackBytes = 0;
  /** go statements of variadic functions so far, per function (their wrappers' numbers). */
  private readonly gowraps = new Map<FuncDecl, number>();
  /** The current function has defer statements: its returns set its results, then its deferred calls run. */
  private deferring = false;
  /** Expressions already evaluated into temporaries (a defer statement's function and arguments), by node. */
  private readonly overrides = new Map<number, string>();

  private siteEscapes(n: Node): boolean {
    return (this.inlined ? this.esc.inlineHeapSites : this.esc.heapSites).has(n.id);
  }

  constructor(
    readonly c: Checked,
    readonly esc: EscapeResult,
  ) {
    this.src = c.src;
  }

  typeRef(t: GoType): string {
    let i = this.typeIndex.get(t);
    if (i === undefined) {
      i = this.types.length;
      this.types.push(t);
      this.typeIndex.set(t, i);
    }
    return `$types[${i}]`;
  }

  private lit(text: string): string {
    let i = this.lits.indexOf(text);
    if (i < 0) i = this.lits.push(text) - 1;
    return `($s${i} ??= go.str(${JSON.stringify(text)}))`;
  }

  program(): Emitted {
    const out: string[] = [];
    const pointerGlobals = this.c.globals.filter((v) => v.type.pointers);
    if (pointerGlobals.length > 0) {
      out.push(`const $G = go.globals({ ${pointerGlobals.map((v) => `${this.jsName(v)}: ${this.typeRef(v.type)}`).join(', ')} });`);
      for (const v of pointerGlobals) out.push(`const ${this.jsName(v)}$a = go.globalAddr($G, '${this.jsName(v)}');`);
    }
    for (const v of this.c.globals) if (!v.type.pointers) out.push(`let ${this.jsName(v)} = ${this.zero(v.type)};`);
    const funcs = this.c.funcs.map((f) => this.func(f, false));
    const inl = this.c.funcs.filter((f) => this.esc.inlinable.has(f)).map((f) => this.func(f, true));
    out.push(...funcs, ...inl);
    out.push(...this.methodTables());
    // Package variables are initialised by runtime.main before main.main (inside the goroutine, as Go's init tasks run).
    this.c.ctx.current = null;
    // Emitted as main.init's body (escape.ts's buildInit: its sites and variables are in heapSites and
    // heapVars), not as the last function emitted, which is an inlined copy when any function is
    // inlinable: with its state, a global's []string{…} was laid out as a frame's (stackPtrSlice) and read as nil.
    Object.assign(this, { fn: this.c.initFn, inlined: false, gen: true, stackBytes: 0, deferring: false });
    const inits = this.c.globalInits.filter((g) => g.value !== null).map((g) => this.assignTo(g.vars[0]!, this.value(g.value!, g.vars[0]!.type)) + ';');
    const lits = this.lits.map((_, i) => `let $s${i};`).join(' ');
    // runtime.main's part (package initialisers, the call of main.main) is no Go frame of the program: its mark says so.
    const code = `${lits}\n${out.join('\n')}\n${goNoFrame}return function* $main() {\n${inits.join('\n')}\nyield* ${this.fnName(this.c.funcs.find((f) => f.name === 'main.main')!)}();\n};`;
    return { code, types: this.types };
  }

  /** Each named type's methods, for calls through an interface (the itab's fun array, looked up by name). */
  private methodTables(): string[] {
    const byType = new Map<GoType, FuncDecl[]>();
    for (const f of this.c.funcs) {
      if (f.method === undefined) continue;
      const l = byType.get(f.method.recv) ?? [];
      l.push(f);
      byType.set(f.method.recv, l);
    }
    return [...byType].map(([t, fs]) => `$rt.methods(${this.typeRef(t)}, { ${fs.map((f) => `${JSON.stringify(f.method!.name)}: [${this.fnName(f)}, ${this.isGen(f)}, ${f.method!.pointer}]`).join(', ')} });`);
  }

  // ── names ─────────────────────────────────────────────────────────────

  private jsName(v: VarObj): string {
    return `${v.name.replace(/[^A-Za-z0-9_$]/g, '_')}$${v.id}`;
  }

  private fnName(f: FuncDecl): string {
    return `f$${this.c.funcs.indexOf(f)}_${f.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  }

  private isGen(f: FuncDecl): boolean {
    return this.esc.blocking.has(f);
  }

  // ── functions ─────────────────────────────────────────────────────────

  private func(f: FuncDecl, inlined: boolean): string {
    this.fn = f;
    this.c.ctx.current = f;
    this.gen = this.isGen(f);
    this.inlined = inlined;
    this.stackBytes = 0;
    const heapSet = inlined ? this.esc.inlineHeap : this.esc.heapVars;
    const params = f.params.map((p) => this.jsName(p));
    const { slots, inner, extra } = this.funcParts(f, heapSet);
    if (inlined && slots.length > 0) {
      // Inlined, its locals live in the caller's frame in Go; gomem gives the ones holding pointers
      // (roots) a frame of their own, with no return address, named for the inlined function.
      return `const ${this.fnName(f)}$inl = go.func('${f.name}·inlined', { ${slots.join(', ')} }, ${inner}, 0, true);`;
    }
    if (inlined) {
      // The compiler inlined it: its body runs in the caller's frame, and profiles show it "(inline)".
      if (this.gen) return `const ${this.fnName(f)}$inl = function* (${params.join(', ')}) { return yield* $rt.inlineGen('${f.name}', (${inner})(null, ${params.join(', ')})); };`;
      return `const ${this.fnName(f)}$inl = (${params.join(', ')}) => go.inline('${f.name}', () => (${inner})(null, ${params.join(', ')}));`;
    }
    return `const ${this.fnName(f)} = go.func('${f.name}', { ${slots.join(', ')} }, ${inner}, ${extra});`;
  }

  /** A function's slots, its body as a JS function over its frame and parameters, and its frame's extra bytes. */
  private funcParts(f: FuncDecl, heapSet: ReadonlySet<VarObj>): { slots: string[]; inner: string; extra: number } {
    const params = f.params.map((p) => this.jsName(p));
    const slotVars = f.vars.filter((v) => this.slotted(v, heapSet));
    const body: string[] = [];
    for (const v of f.vars) {
      if (v.param) continue;
      body.push(`let ${this.jsName(v)} = ${heapSet.has(v) ? 'null' : this.zero(v.type)};`);
    }
    if (this.gen && f.loops) body.push('let $it = 0;');
    // Parameters that escape move to the heap at entry; pointerful ones are roots in the frame.
    for (const p of f.params) {
      if (heapSet.has(p)) {
        body.push(`{ const $v = ${this.jsName(p)}; ${this.jsName(p)} = go.new(${this.typeRef(p.type)}); go.store(${this.jsName(p)}, $v); }`);
      }
      if (this.slotted(p, heapSet)) body.push(`${this.fr(p)}.${this.jsName(p)} = ${this.jsName(p)} instanceof $Ref ? null : ${this.jsName(p)};`);
    }
    // Named results that escape are allocated at entry; other variables where they are declared (each loop iteration its own).
    for (const v of f.vars) {
      if (!v.result || !heapSet.has(v)) continue;
      body.push(`${this.jsName(v)} = go.new(${this.typeRef(v.type)});`);
      body.push(`${this.fr(v)}.${this.jsName(v)} = ${this.jsName(v)};`);
    }
    const savedDeferring = this.deferring;
    this.deferring = hasDefer(f.node);
    const main = this.bodyWithLiveness(f, slotVars);
    if (this.deferring) {
      // Deferred calls run at every exit: a return (its results set first), or a panic, which one of them may recover.
      const rs = f.results.map((r) => this.readVar(r));
      const ret = rs.length === 0 ? 'return;' : `return ${rs.length === 1 ? rs[0] : `[${rs.join(', ')}]`};`;
      body.push(`const $D = $rt.deferFrame();\ntry ${main} catch ($e) { $rt.caught($D, $e); } finally { if ($D.fatal === null) { yield* $rt.runDefers($D); ${ret} } }`);
    } else body.push(main);
    this.deferring = savedDeferring;
    const star = this.gen ? '*' : '';
    const frame = f.lit ? `$fL${f.lit.index}` : '$f';
    const inner = `function${star} (${[frame, ...params].join(', ')}) {\n${body.join('\n')}\n}`;
    const slots = slotVars.map((v) => `${this.jsName(v)}: ${heapSet.has(v) ? this.ptrTypeRef(v.type) : this.typeRef(v.type)}`);
    // The compiler's frame (FrameModel) plus the return address; its pointer slots are part of it.
    let slotsEnd = 0;
    for (const v of slotVars) {
      const t = heapSet.has(v) ? { size: 8, align: 8 } : v.type;
      slotsEnd = Math.ceil(slotsEnd / Math.max(t.align, 1)) * Math.max(t.align, 1) + t.size;
    }
    this.frameModel ??= new FrameModel(this.c, this.esc);
    const extra = frameExtra(this.frameModel.size(f) + 8, slotsEnd);
    return { slots, inner, extra };
  }

  /**
   * The body, with each pointer slot cleared after the top-level statement
   * that uses its variable last: the compiler's stack maps only hold live
   * slots, so the collector frees what a dead variable still points to
   * (read-file's `b = b[0:]; runtime.GC()`).
   */
  private bodyWithLiveness(f: FuncDecl, slotVars: readonly VarObj[]): string {
    const b = f.node.childForFieldName('body')!;
    const list = named(b).find((c) => c.type === 'statement_list');
    const stmts = list ? named(list) : [];
    const last = new Map<VarObj, number>();
    // A variable a func literal captures stays live as long as the closure may run: its slot is not cleared.
    const tracked = new Set(slotVars.filter((v) => !v.result && !v.captured));
    stmts.forEach((s, i) => {
      const walk = (n: Node): void => {
        if (n.type === 'identifier') {
          const o = this.c.uses.get(n.id) ?? this.c.defs.get(n.id);
          if (o?.kind === 'var' && tracked.has(o)) last.set(o, i);
        }
        for (const c of n.namedChildren) if (c) walk(c);
      };
      walk(s);
    });
    // A goto may go back: every variable stays live (no slot cleared).
    if (gotosOf(b).length > 0) last.clear();
    const parts = stmts.map((s, i) => () => {
      const dead = [...last].filter(([, at]) => at === i).map(([v]) => v);
      const clear = dead.length > 0 && i < stmts.length - 1 ? `\n${dead.map((v) => `${this.fr(v)}.${this.jsName(v)} = null;`).join(' ')}` : '';
      return this.stmt(s) + clear;
    });
    return `{\n${this.stmtList(list ?? null, parts)}\n}`;
  }

  /** The JS name of the frame holding v's slot: a func literal's frame is its own, inside its holder's code. */
  private fr(v: VarObj): string {
    const f = v.fn;
    return f?.lit ? `$fL${f.lit.index}` : '$f';
  }

  /**
   * A func literal: its body a generator function with a frame of its own,
   * built where the literal is evaluated so that it reads its holder's
   * variables. A variable captured by value is a snapshot (each closure its
   * own copy, as the closure object holds it); one captured by reference is
   * the holder's variable itself (on the heap when the closure escapes).
   */
  private funcLit(n: Node): string {
    const lit = this.c.lits.get(n.id)!;
    const caps = this.esc.captures.get(n.id) ?? [];
    const saved = { fn: this.fn, gen: this.gen, stackBytes: this.stackBytes, deferring: this.deferring };
    this.fn = lit;
    this.gen = true;
    this.stackBytes = 0;
    const heapSet = this.inlined ? this.esc.inlineHeap : this.esc.heapVars;
    const { slots, inner, extra } = this.funcParts(lit, heapSet);
    Object.assign(this, saved);
    const fnExpr = `go.func('${lit.name}', { ${slots.join(', ')} }, ${inner}, ${extra})`;
    const escapes = this.siteEscapes(n);
    const byVal = caps.filter((c) => !c.byRef);
    const spec = caps.map((c) => (c.byRef ? `[${this.ptrTypeRef(c.v.type)}, ${this.heapVar(c.v) ? this.jsName(c.v) : 'null'}]` : `[${this.typeRef(c.v.type)}, ${this.jsName(c.v)}]`));
    const make = `$rt.closure('${lit.name}', ${this.typeRef(lit.sig)}, ${escapes}, [${spec.join(', ')}], ${fnExpr})`;
    if (byVal.length === 0) return make;
    return `((${byVal.map((c) => this.jsName(c.v)).join(', ')}) => ${make})(${byVal.map((c) => this.readVar(c.v)).join(', ')})`;
  }

  private ptrTypeRef(t: GoType): string {
    return `go.T.pointer(${this.typeRef(t)})`;
  }

  /** Whether a variable has a frame slot (it holds pointers, or a pointer to its heap copy). */
  private slotted(v: VarObj, heapSet: ReadonlySet<VarObj>): boolean {
    return heapSet.has(v) || v.type.pointers;
  }

  private heapVar(v: VarObj): boolean {
    return (this.inlined ? this.esc.inlineHeap : this.esc.heapVars).has(v);
  }

  // ── statements ────────────────────────────────────────────────────────

  private block(b: Node): string {
    const list = b.type === 'block' ? named(b).find((c) => c.type === 'statement_list') : b;
    const stmts = list ? named(list) : [];
    return `{\n${this.stmtList(list ?? null, stmts.map((s) => () => this.stmt(s)))}\n}`;
  }

  /** The labels in a statement list that gotos name, in order. */
  private gotoLabels(list: Node): Node[] {
    const gotos = gotosOf(list);
    if (gotos.length === 0) return [];
    return named(list).filter((s) => s.type === 'labeled_statement' && gotos.some((g) => named(g)[0]?.text === named(s)[0]?.text));
  }

  private gotoCase(list: Node, label: Node): number {
    return this.gotoLabels(list).findIndex((l) => l.id === label.id) + 1;
  }

  /**
   * A statement list's code (each entry makes one statement's code, in order). A list holding a goto's
   * label is a state machine: a loop around a switch on the label's index, each label a case, a goto
   * setting the index and continuing the loop (break and continue always name their loop, so they pass it).
   */
  private stmtList(list: Node | null, parts: (() => string)[]): string {
    const labels = list === null || list.type !== 'statement_list' ? [] : this.gotoLabels(list);
    if (labels.length === 0) return parts.map((p) => p()).join('\n');
    const stmts = named(list!);
    const out: string[] = [`let $pc${list!.id} = 0; $G${list!.id}: for (;;) { switch ($pc${list!.id}) { case 0:`];
    stmts.forEach((s, i) => {
      const k = labels.findIndex((l) => l.id === s.id);
      if (k >= 0) out.push(`case ${k + 1}:`);
      out.push(parts[i]!());
    });
    out.push('} break; }');
    return out.join('\n');
  }

  /** A statement, marked with its Go position and function (go_lines.ts: where a panic's frames are). */
  private stmt(s: Node): string {
    const code = this.stmtCode(s);
    if (code === '' || this.fn === null) return code;
    const { line } = this.src.pos(s);
    return `${goMark(this.src.partOf(s), line, this.fn.name, this.fn.sig.params!.length > 0 || this.fn.method !== undefined)}${code}`;
  }

  private stmtCode(s: Node): string {
    switch (s.type) {
      case 'expression_statement':
        return `${this.expr(named(s)[0]!)};`;
      case 'short_var_declaration':
      case 'assignment_statement':
        return this.assignStmt(s);
      case 'var_declaration': {
        const out: string[] = [];
        for (const spec of s.descendantsOfType('var_spec').filter((x): x is Node => x !== null)) {
          const names = spec.childrenForFieldName('name').filter((c): c is Node => c !== null);
          const vl = spec.childForFieldName('value');
          const values = vl ? named(vl) : [];
          names.forEach((id, i) => {
            const v = this.c.defs.get(id.id);
            if (v === undefined) return;
            const val = values[i] ? this.value(values[i]!, v.type) : this.zero(v.type);
            out.push(`${this.declare(v, val)};`);
          });
        }
        return out.join('\n');
      }
      case 'const_declaration':
      case 'empty_statement':
      case 'fallthrough_statement':
        return '';
      case 'goto_statement': {
        // To its label's place in the state machine of the label's statement list (stmtList).
        const target = gotoTarget(s, named(s)[0]!.text)!;
        const list = target.parent!;
        return `{ $pc${list.id} = ${this.gotoCase(list, target)}; continue $G${list.id}; }`;
      }
      case 'inc_statement':
      case 'dec_statement': {
        const x = named(s)[0]!;
        const t = this.typeOf(x);
        const op = s.type === 'inc_statement' ? '+' : '-';
        return this.update(x, (cur) => this.arith(op, cur, '1', t)) + ';';
      }
      case 'if_statement':
        return this.ifStmt(s);
      case 'for_statement':
        return this.forStmt(s);
      case 'block':
        return this.block(s);
      case 'return_statement':
        return this.returnStmt(s);
      case 'break_statement': {
        const label = named(s)[0];
        const target = label !== undefined ? labelled(s, label.text)! : breakTarget(s)!;
        if (target.type !== 'for_statement') return `break $swb${target.id};`;
        return `break $L${target.id};`;
      }
      case 'labeled_statement': {
        const inner = named(s).find((x) => x.type !== 'label_name');
        return inner === undefined ? '' : this.stmt(inner);
      }
      case 'continue_statement': {
        const label = named(s)[0];
        return `continue $L${(label !== undefined ? labelled(s, label.text) : loopOf(s))!.id};`;
      }
      case 'expression_switch_statement':
        return this.switchStmt(s);
      case 'send_statement': {
        const ch = s.childForFieldName('channel')!;
        return `yield* ${this.expr(ch)}.send(${this.value(s.childForFieldName('value')!, under(this.typeOf(ch)).elem!)});`;
      }
      case 'go_statement':
        return this.goStmt(named(s)[0]!);
      case 'type_switch_statement':
        return this.typeSwitch(s);
      case 'defer_statement':
        return this.deferStmt(named(s)[0]!);
      case 'select_statement':
        return this.selectStmt(s);
    }
    throw this.src.unsupported(s, s.type.replace(/_/g, ' '));
  }

  /**
   * go f(args): the arguments are evaluated now and written on the new
   * goroutine's first frame (newproc), where the pointerful ones are roots.
   */
  private goStmt(call: Node): string {
    const fnNode = call.childForFieldName('function')!;
    const o = this.c.uses.get(fnNode.id);
    if (o?.kind !== 'func') {
      // go fv(args), go func(…){…}(args): the func value and the arguments on the new goroutine's first frame.
      const sig = under(this.typeOf(fnNode));
      const args = named(call.childForFieldName('arguments')!);
      const vals = args.map((a, i) => this.value(a, sig.params![i]!));
      const inner = fnNode.type === 'parenthesized_expression' ? named(fnNode)[0]! : fnNode;
      const name = inner.type === 'func_literal' ? this.c.lits.get(inner.id)!.name : `${this.fn!.name}.gowrap`;
      const argSpec = [`fn: [${this.typeRef(this.typeOf(fnNode))}, ${this.expr(fnNode)}]`, ...vals.map((v, i) => `a${i}: [${this.typeRef(sig.params![i]!)}, ${v}]`)].join(', ');
      // The arguments are read from the new goroutine's frame once it runs (a generator starts at its first next()).
      return `go.go('${name}', (_go, $a) => (function* () { return yield* $rt.callf($a.fn${vals.map((_, i) => `, $a.a${i}`).join('')}); })(), { args: { ${argSpec} } });`;
    }
    const f = o.fn;
    const args = named(call.childForFieldName('arguments')!);
    let vals: string[];
    let types: GoType[];
    let callArgs: string[];
    if (f.sig.variadic && !args.some((a) => a.type === 'variadic_argument')) {
      // go f(a, x, y) of f(a T, xs ...U): the values are the goroutine's arguments; its ... slice is built in the new
      // goroutine, as the compiler's go wrapper calls f(a, x, y) there (in its frame: "... argument does not escape").
      const ps = f.sig.params!;
      const fixed = ps.length - 1;
      const st = ps[fixed]!;
      const elem = under(st).elem!;
      vals = args.map((a, i) => this.value(a, i < fixed ? ps[i]! : elem));
      types = args.map((_, i) => (i < fixed ? ps[i]! : elem));
      const extra = vals.slice(fixed).map((_, i) => `$a.a${fixed + i}`);
      const slice =
        extra.length === 0 ? `$rt.nilSlice(${this.typeRef(st)})`
        : !elem.pointers ? `$rt.stackSlice(${this.typeRef(st)}, [${extra.join(', ')}])`
        : pointerShaped(elem) ? `((a) => $rt.stackPtrSlice(${this.typeRef(st)}, a) ?? go.append(go.make(${this.typeRef(st)}, 0, a.length), ...a))([${extra.join(', ')}])`
        : `go.append(go.make(${this.typeRef(st)}, 0, ${extra.length}), ${extra.join(', ')})`;
      callArgs = [...vals.slice(0, fixed).map((_, i) => `$a.a${i}`), slice];
    } else {
      vals = args.map((a, i) => this.value(a, f.sig.params![i]!));
      types = args.map((_, i) => f.sig.params![i]!);
      callArgs = vals.map((_, i) => `$a.a${i}`);
    }
    const fnJs = this.fnName(f);
    const body = this.isGen(f) ? `(function* () { return yield* ${fnJs}(${callArgs.join(', ')}); })()` : `(function* () { ${fnJs}(${callArgs.join(', ')}); })()`;
    const argSpec = vals.map((v, i) => `a${i}: [${this.typeRef(types[i]!)}, ${v}]`).join(', ');
    // A variadic callee's wrapper has its own arguments at each go statement: its own name (the compiler's main.main.gowrap1 …).
    const gname = f.sig.variadic ? `${this.fn!.name}.gowrap${(this.gowraps.set(this.fn!, (this.gowraps.get(this.fn!) ?? 0) + 1), this.gowraps.get(this.fn!))}` : f.name;
    return `go.go('${gname}', (_go, $a) => ${body}${argSpec ? `, { args: { ${argSpec} } }` : ''});`;
  }

  private ifStmt(s: Node): string {
    const init = s.childForFieldName('initializer');
    const cond = this.expr(s.childForFieldName('condition')!);
    const alt = s.childForFieldName('alternative');
    const els = alt === null ? '' : ` else ${alt.type === 'if_statement' ? this.ifStmt(alt) : this.block(alt)}`;
    const core = `if (${cond}) ${this.block(s.childForFieldName('consequence')!)}${els}`;
    return init ? `{ ${this.stmt(init)}\n${core} }` : core;
  }

  private switchStmt(s: Node): string {
    const init = s.childForFieldName('initializer');
    const v = s.childForFieldName('value');
    const t = v ? this.typeOf(v) : null;
    const tag = `$sw${this.tmp++}`;
    const out: string[] = [];
    if (init) out.push(this.stmt(init));
    if (v) out.push(`const ${tag} = ${this.expr(v)};`);
    const cases = named(s).filter((x) => x.type === 'expression_case' || x.type === 'default_case');
    const body = (c: Node): string => named(c).filter((x) => x.type === 'statement_list').map((b) => this.block(b)).join('\n');
    let chain = '';
    const dflt = cases.find((c) => c.type === 'default_case');
    if (cases.some((c) => c.descendantsOfType('fallthrough_statement').some((f) => f !== null && f.parent?.parent?.id === c.id))) {
      // fallthrough: the matching case's index first, then each case's body in source order, a fallthrough going on to the next.
      const pc = `$sc${this.tmp++}`;
      let pick = '';
      cases.forEach((c, i) => {
        if (c.type !== 'expression_case') return;
        const conds = named(c.childForFieldName('value')!).map((e) => (t === null ? this.expr(e) : this.eq(tag, this.expr(e), t)));
        pick += `${pick ? ' else ' : ''}if (${conds.join(' || ')}) ${pc} = ${i};`;
      });
      if (dflt) pick += pick ? ` else ${pc} = ${cases.indexOf(dflt)};` : `${pc} = ${cases.indexOf(dflt)};`;
      const bodies = cases.map((c, i) => {
        const list = named(c).find((x) => x.type === 'statement_list');
        const stmts = list ? named(list) : [];
        const falls = stmts[stmts.length - 1]?.type === 'fallthrough_statement';
        return `if (${pc} === ${i}) { ${list ? this.block(list) : ''}${falls ? ` ${pc} = ${i + 1};` : ''} }`;
      });
      out.push(`let ${pc} = -1; ${pick}`);
      out.push(`$swb${s.id}: { ${bodies.join('\n')} }`);
      return `{ ${out.join('\n')} }`;
    }
    for (const c of cases) {
      if (c.type !== 'expression_case') continue;
      const conds = named(c.childForFieldName('value')!).map((e) => (t === null ? this.expr(e) : this.eq(tag, this.expr(e), t)));
      chain += `${chain ? ' else ' : ''}if (${conds.join(' || ')}) ${body(c)}`;
    }
    if (dflt) chain += chain ? ` else ${body(dflt)}` : body(dflt);
    // A labelled block so that `break` leaves the switch, as in Go.
    // A labelled block: `break` leaves the switch (break_statement names it), `continue` goes on to the loop.
    out.push(`$swb${s.id}: { ${chain} }`);
    return `{ ${out.join('\n')} }`;
  }

  /**
   * defer f(args): the function value and the arguments are evaluated now
   * (into temporaries the deferred call reads), the call runs at the exit.
   */
  private deferStmt(call: Node): string {
    const fnNode = call.childForFieldName('function')!;
    const inner = fnNode.type === 'parenthesized_expression' ? named(fnNode)[0]! : fnNode;
    const args = named(call.childForFieldName('arguments')!);
    const pre: [Node[], string][] = [];
    const o = inner.type === 'identifier' ? this.c.uses.get(inner.id) : undefined;
    const raw = (): void => args.forEach((a) => pre.push([[a], this.expr(a)]));
    const typed = (ps: readonly GoType[]): void => args.forEach((a, i) => pre.push([[a], this.value(a, ps[i]!)]));
    if (o?.kind === 'builtin') raw();
    else if (o?.kind === 'func' && o.fn.sig.variadic && !args.some((a) => a.type === 'variadic_argument')) {
      // defer f(a, x, y) of f(a T, xs ...U): the values now, the ... slice made of them at the exit.
      const ps = o.fn.sig.params!;
      typed(args.map((_, i) => (i < ps.length - 1 ? ps[i]! : under(ps[ps.length - 1]!).elem!)));
    }
    else if (o?.kind === 'func') typed(o.fn.sig.params!);
    else if (o?.kind === 'generic') typed(this.c.callTargets.get(call.id)!.sig.params!);
    else if (inner.type === 'selector_expression' && this.c.uses.get(inner.childForFieldName('operand')!.id)?.kind === 'pkg') raw();
    else if (inner.type === 'selector_expression' && this.c.callTargets.get(call.id)?.method !== undefined) {
      const m = this.c.callTargets.get(call.id)!;
      const operand = inner.childForFieldName('operand')!;
      const ot = this.typeOf(operand);
      const isPtr = under(ot).kind === Kind.Pointer && ot.name === '';
      // A pointer receiver on an addressable value is &x, the same address at the exit; any other receiver is its value now.
      if (!(m.method!.pointer && !isPtr)) pre.push([[operand], isPtr ? this.expr(operand) : this.value(operand, ot)]);
      typed(m.sig.params!.slice(1));
    } else if (inner.type === 'selector_expression' && isInterface(this.typeOf(inner.childForFieldName('operand')!))) {
      const operand = inner.childForFieldName('operand')!;
      const m = (under(this.typeOf(operand)).methods ?? []).find((x) => x.name === inner.childForFieldName('field')!.text)!;
      pre.push([[operand], this.expr(operand)]);
      typed(m.type.params!);
    } else if (inner.type === 'selector_expression' && stdMethods[this.typeOf(inner.childForFieldName('operand')!).str]?.[inner.childForFieldName('field')!.text] !== undefined) {
      pre.push([[inner.childForFieldName('operand')!], this.expr(inner.childForFieldName('operand')!)]);
      raw();
    } else {
      // A func value (a variable, a literal, a field): the value now, called at the exit.
      pre.push([[fnNode, inner], this.expr(inner)]);
      typed(under(this.typeOf(inner)).params!);
    }
    const temps = pre.map(([nodes, code]) => {
      const t = `$d${this.tmp++}`;
      for (const n of nodes) this.overrides.set(n.id, t);
      return `const ${t} = ${code};`;
    });
    const callCode = this.expr(call);
    for (const [nodes] of pre) for (const n of nodes) this.overrides.delete(n.id);
    return `{ ${temps.join(' ')} $D.list.push(function* () { ${callCode}; }); }`;
  }

  /**
   * select: the channels and the values to send evaluated first, in source
   * order; selectgo picks the case; its clause assigns what was received.
   */
  private selectStmt(s: Node): string {
    const clauses = named(s).filter((y) => y.type === 'communication_case' || y.type === 'default_case');
    const specs: string[] = [];
    const bodies: string[] = [];
    const sel = `$sel${this.tmp++}`;
    let dflt = '';
    for (const c of clauses) {
      const stmts = named(c).filter((y) => y.type === 'statement_list').map((b) => this.block(b)).join('\n');
      const comm = c.childForFieldName('communication');
      if (comm === null) {
        dflt = `case -1: { ${stmts} break $swb${s.id}; }`;
        continue;
      }
      const i = specs.length;
      if (comm.type === 'send_statement') {
        const ch = comm.childForFieldName('channel')!;
        specs.push(`{ ch: ${this.expr(ch)}, dir: 'send', value: ${this.value(comm.childForFieldName('value')!, under(this.typeOf(ch)).elem!)} }`);
        bodies.push(`case ${i}: { ${stmts} break $swb${s.id}; }`);
        continue;
      }
      const right = comm.childForFieldName('right')!;
      const inner = right.type === 'parenthesized_expression' ? named(right)[0]! : right;
      specs.push(`{ ch: ${this.expr(inner.childForFieldName('operand')!)}, dir: 'recv' }`);
      const left = comm.childForFieldName('left');
      const define = comm.children.some((x) => x?.type === ':=');
      const assigns = (left ? named(left) : []).map((l, k) => {
        if (l.text === '_') return '';
        const val = `${sel}[${k + 1}]`;
        const v = define ? this.c.defs.get(l.id) : undefined;
        return v !== undefined ? `${this.declare(v, val)};` : `${this.assignPlace(l, val)};`;
      });
      bodies.push(`case ${i}: { ${assigns.join(' ')}\n${stmts} break $swb${s.id}; }`);
    }
    const body = [...bodies, dflt].join('\n');
    return `{ const ${sel} = yield* $rt.select([${specs.join(', ')}], ${dflt !== ''});\n$swb${s.id}: switch (${sel}[0]) { ${body} } }`;
  }

  /** switch v := x.(type): each clause tests the dynamic type; v is the value as that type (one type) or x itself. */
  private typeSwitch(s: Node): string {
    const init = s.childForFieldName('initializer');
    const x = `$ts${this.tmp++}`;
    const out: string[] = [];
    if (init) out.push(this.stmt(init));
    out.push(`const ${x} = ${this.expr(s.childForFieldName('value')!)};`);
    const cases = named(s).filter((y) => y.type === 'type_case' || y.type === 'default_case');
    const body = (c: Node): string => {
      const v = this.c.switchVars.get(c.id);
      const types = c.childrenForFieldName('type').filter((y): y is Node => y !== null);
      let bind = '';
      if (v !== undefined) {
        const one = types.length === 1 && types[0]!.text !== 'nil' ? this.c.typeNodes.get(types[0]!.id) : undefined;
        const val = one !== undefined && !isInterface(v.type) ? `$rt.dyn(${x})` : x;
        bind = `${this.declare(v, val)};`;
      }
      return `{ ${bind}\n${named(c).filter((y) => y.type === 'statement_list').map((b) => this.block(b)).join('\n')} }`;
    };
    let chain = '';
    for (const c of cases) {
      if (c.type !== 'type_case') continue;
      const conds = c.childrenForFieldName('type').filter((y): y is Node => y !== null).map((tn) => {
        if (tn.text === 'nil') return `${x} === null`;
        const t = this.c.typeNodes.get(tn.id)!;
        return isInterface(t) ? `$rt.implements(${x}, ${this.typeRef(t)})` : `$rt.isType(${x}, ${this.typeRef(t)})`;
      });
      chain += `${chain ? ' else ' : ''}if (${conds.join(' || ')}) ${body(c)}`;
    }
    const dflt = cases.find((c) => c.type === 'default_case');
    if (dflt) chain += chain ? ` else ${body(dflt)}` : body(dflt);
    out.push(`$swb${s.id}: { ${chain} }`);
    return `{ ${out.join('\n')} }`;
  }

  private loopCharge(): string {
    if (!this.gen) return '';
    return `if (++$it === ${loopBatch}) { $it = 0; yield* go.work(${loopBatch * loopIterationNs}); }`;
  }

  private forStmt(s: Node): string {
    const clause = named(s).find((c) => c.type === 'for_clause' || c.type === 'range_clause');
    const bodyNode = s.childForFieldName('body')!;
    if (clause?.type === 'range_clause') return this.rangeStmt(clause, bodyNode);
    const body = this.block(bodyNode);
    const charge = this.loopCharge();
    if (clause?.type === 'for_clause') {
      const init = clause.childForFieldName('initializer');
      const cond = clause.childForFieldName('condition');
      const upd = clause.childForFieldName('update');
      // Go 1.22: each iteration has its own loop variable; without closures that cannot be observed.
      const updCode = upd ? this.stmt(upd).replace(/;\s*$/, '') : '';
      if (/[;{]/.test(updCode.replace(/\/\*[^*]*\*\//g, ''))) {
        // An update that is a statement (i, j = i+1, j-1): run at the top of every iteration but the first.
        const u = `$u${this.tmp++}`;
        return `{ ${init ? this.stmt(init) : ''}\n$L${s.id}: for (let ${u} = false; ; ${u} = true) { if (${u}) { ${updCode}; }\n${cond ? `if (!(${this.expr(cond)})) break;` : ''} ${charge}\n${body} } }`;
      }
      return `{ ${init ? this.stmt(init) : ''}\n$L${s.id}: for (; ${cond ? this.expr(cond) : ''}; ${updCode}) { ${charge}\n${body} } }`;
    }
    const cond = named(s).find((c) => c.type !== 'block');
    return `$L${s.id}: while (${cond ? this.expr(cond) : 'true'}) { ${charge}\n${body} }`;
  }

  private rangeStmt(c: Node, bodyNode: Node): string {
    const right = c.childForFieldName('right')!;
    const rt = this.typeOf(right);
    const left = c.childForFieldName('left');
    const lhs = left ? named(left) : [];
    const define = c.children.some((x) => x?.type === ':=');
    const u = under(rt);
    const i = `$i${this.tmp++}`;
    const n = `$n${this.tmp++}`;
    const x = `$x${this.tmp++}`;
    const assignVar = (node: Node | undefined, val: string): string => {
      if (node === undefined || node.text === '_') return '';
      if (define) return `${this.declare(this.c.defs.get(node.id)!, val)};`;
      return `${this.assignPlace(node, val)};`;
    };
    if (isIntegerType(rt)) {
      return `{ const ${n} = ${this.expr(right)}; $L${c.parent!.id}: for (let ${i} = 0; ${i} < ${n}; ${i}++) { ${this.loopCharge()} ${assignVar(lhs[0], i)}\n${this.block(bodyNode)} } }`;
    }
    // for i := range b { b[i] = K }: every element written with a constant — the pages are touched, no per-element stores.
    const fill = this.fillPattern(lhs, right, bodyNode);
    if (fill !== null) return `$rt.fill(${this.expr(right)}, ${fill});`;
    if (u.kind === Kind.String) {
      // for i, r := range s: the runes and their byte offsets (no allocation).
      const k = `$k${this.tmp++}`;
      const v = `$v${this.tmp++}`;
      return `{ const ${x} = ${this.expr(right)}; $L${c.parent!.id}: for (const [${k}, ${v}] of $rt.text.runes(${x})) { ${this.loopCharge()} ${assignVar(lhs[0], k)} ${lhs[1] && lhs[1].text !== '_' ? assignVar(lhs[1], v) : ''}\n${this.block(bodyNode)} } }`;
    }
    if (u.kind === Kind.Chan) {
      // for v := range ch: receive until the channel is closed and drained.
      const r = `$r${this.tmp++}`;
      return `{ const ${x} = ${this.expr(right)}; $L${c.parent!.id}: for (;;) { ${this.loopCharge()} const ${r} = yield* ${x}.recv2(); if (!${r}[1]) break; ${assignVar(lhs[0], `${r}[0]`)}\n${this.block(bodyNode)} } }`;
    }
    if (u.kind === Kind.Map) {
      const k = `$k${this.tmp++}`;
      const v = `$v${this.tmp++}`;
      return `{ const ${x} = ${this.expr(right)}; $L${c.parent!.id}: for (const [${k}, ${v}] of (${x} === null ? [] : ${x}.entries())) { ${this.loopCharge()} ${assignVar(lhs[0], k)} ${lhs[1] && lhs[1].text !== '_' ? assignVar(lhs[1], v) : ''}\n${this.block(bodyNode)} } }`;
    }
    const isSlice = u.kind === Kind.Slice;
    const arr = u.kind === Kind.Pointer ? under(u.elem!) : u;
    const len = isSlice ? `${x}.len` : `${arr.len}`;
    // The range expression is evaluated once; an array is copied (Go ranges over a copy when the value is used).
    const elem = lhs[1] && lhs[1].text !== '_' ? (isSlice || u.kind === Kind.Pointer ? `$rt.get(${x}, ${i})` : `$rt.clone(${x}[${i}])`) : '';
    return `{ const ${x} = ${this.expr(right)}; const ${n} = ${len}; $L${c.parent!.id}: for (let ${i} = 0; ${i} < ${n}; ${i}++) { ${this.loopCharge()} ${assignVar(lhs[0], i)} ${elem ? assignVar(lhs[1], elem) : ''}\n${this.block(bodyNode)} } }`;
  }

  private fillPattern(lhs: Node[], right: Node, body: Node): string | null {
    if (lhs.length !== 1 || right.type !== 'identifier' || under(this.typeOf(right)).kind !== Kind.Slice) return null;
    const list = named(body).find((x) => x.type === 'statement_list');
    const stmts = list ? named(list) : [];
    if (stmts.length !== 1 || stmts[0]!.type !== 'assignment_statement') return null;
    const a = stmts[0]!;
    if (a.childForFieldName('operator')!.text !== '=') return null;
    const l = named(a.childForFieldName('left')!);
    const r = named(a.childForFieldName('right')!);
    if (l.length !== 1 || l[0]!.type !== 'index_expression') return null;
    if (l[0]!.childForFieldName('operand')!.text !== right.text || l[0]!.childForFieldName('index')!.text !== lhs[0]!.text) return null;
    if (this.info(r[0]!).value === undefined) return null;
    return this.value(r[0]!, under(this.typeOf(right)).elem!);
  }

  private returnStmt(s: Node): string {
    const f = this.fn!;
    const list = named(s)[0];
    const vals = list ? named(list) : [];
    if (this.deferring) {
      // The results are set, then the deferred calls run (they may change named results): the exit path returns them.
      if (vals.length === 0) return 'return;';
      if (vals.length === 1 && f.results.length > 1) {
        const t = `$t${this.tmp++}`;
        return `{ const ${t} = ${this.expr(vals[0]!)}; ${f.results.map((r, i) => `${this.assignTo(r, `${t}[${i}]`)};`).join(' ')} return; }`;
      }
      const ts = vals.map((v, i) => [`$t${this.tmp++}`, this.value(v, f.sig.results![i]!)] as const);
      return `{ ${ts.map(([n, v]) => `const ${n} = ${v};`).join(' ')} ${f.results.map((r, i) => `${this.assignTo(r, ts[i]![0])};`).join(' ')} return; }`;
    }
    if (vals.length === 0) {
      if (f.results.length === 0) return 'return;';
      const rs = f.results.map((r) => this.readVar(r));
      return `return ${rs.length === 1 ? rs[0] : `[${rs.join(', ')}]`};`;
    }
    if (vals.length === 1 && f.results.length > 1) return `return ${this.expr(vals[0]!)};`;
    const vs = vals.map((v, i) => this.value(v, f.sig.results![i]!));
    return `return ${vs.length === 1 ? vs[0] : `[${vs.join(', ')}]`};`;
  }

  private assignStmt(s: Node): string {
    const lhs = named(s.childForFieldName('left')!);
    const rhs = named(s.childForFieldName('right')!);
    const op = s.type === 'assignment_statement' ? s.childForFieldName('operator')!.text : ':=';
    if (op !== '=' && op !== ':=') {
      const bop = op.slice(0, -1);
      const t = this.typeOf(lhs[0]!);
      const r = this.value(rhs[0]!, t);
      return this.update(lhs[0]!, (cur) => this.binaryOp(bop, cur, r, t)) + ';';
    }
    const target = (l: Node, val: string): string => {
      if (l.text === '_') return `${val};`;
      const def = op === ':=' ? this.c.defs.get(l.id) : undefined;
      if (def !== undefined && this.c.uses.get(l.id) === undefined) return `${this.declare(def, val)};`;
      if (def !== undefined) return `${this.assignTo(def, val)};`;
      return `${this.assignPlace(l, val)};`;
    };
    if (rhs.length === 1 && lhs.length === 2 && this.isMapIndex(rhs[0]!)) {
      const p = this.place(rhs[0]!.type === 'parenthesized_expression' ? named(rhs[0]!)[0]! : rhs[0]!) as Extract<Place, { kind: 'map' }>;
      const t = `$t${this.tmp++}`;
      return `{ const ${t} = $rt.mapLookup(${p.m}, ${p.key}, ${p.zero}); ${lhs.map((l, i) => target(l, `${t}[${i}]`)).join(' ')} }`;
    }
    const r0 = rhs[0]?.type === 'parenthesized_expression' ? named(rhs[0])[0]! : rhs[0];
    if (rhs.length === 1 && lhs.length === 2 && r0?.type === 'unary_expression' && r0.childForFieldName('operator')!.text === '<-') {
      // v, ok := <-ch: ok is false once the channel is closed and drained.
      const t = `$t${this.tmp++}`;
      return `{ const ${t} = yield* ${this.expr(r0.childForFieldName('operand')!)}.recv2(); ${lhs.map((l, i) => target(l, `${t}[${i}]`)).join(' ')} }`;
    }
    if (rhs.length === 1 && lhs.length === 2 && r0?.type === 'type_assertion_expression') {
      const t = `$t${this.tmp++}`;
      return `{ const ${t} = ${this.assertExpr(r0, true)}; ${lhs.map((l, i) => target(l, `${t}[${i}]`)).join(' ')} }`;
    }
    if (rhs.length === 1 && lhs.length > 1) {
      const t = `$t${this.tmp++}`;
      return `{ const ${t} = ${this.expr(rhs[0]!)}; ${lhs.map((l, i) => target(l, `${t}[${i}]`)).join(' ')} }`;
    }
    const lhsType = (l: Node, r: Node): GoType => (l.text === '_' ? this.typeOf(r) : (op === ':=' ? this.c.defs.get(l.id)?.type : undefined) ?? this.typeOf(l));
    if (lhs.length === 1) return target(lhs[0]!, this.value(rhs[0]!, lhsType(lhs[0]!, rhs[0]!)));
    // a, b = x, y: all right-hand sides first.
    const ts = rhs.map((r, i) => [`$t${this.tmp++}`, this.value(r, lhsType(lhs[i]!, r))] as const);
    return `{ ${ts.map(([n, v]) => `const ${n} = ${v};`).join(' ')} ${lhs.map((l, i) => target(l, ts[i]![0])).join(' ')} }`;
  }

  private isMapIndex(r: Node): boolean {
    const x = r.type === 'parenthesized_expression' ? named(r)[0]! : r;
    return x.type === 'index_expression' && under(this.typeOf(x.childForFieldName('operand')!)).kind === Kind.Map;
  }

  /** x op= v, x++ (the place is evaluated once in Go; the subset's places have no side effects). */
  private update(x: Node, f: (cur: string) => string): string {
    return this.assignPlace(x, f(this.expr(x)));
  }

  // ── variables and places ──────────────────────────────────────────────

  private readVar(v: VarObj): string {
    const n = this.jsName(v);
    if (this.heapVar(v)) return `go.load(${n})`;
    if (v.fn === null && v.type.pointers) return `go.load(${n}$a)`;
    return n;
  }

  /** A variable's declaration: one moved to the heap gets its object here (newobject), then its value. */
  private declare(v: VarObj, val: string): string {
    if (!this.heapVar(v)) return this.assignTo(v, val);
    const n = this.jsName(v);
    return `(${n} = go.new(${this.typeRef(v.type)}), ${this.fr(v)}.${n} = ${n}, go.store(${n}, ${val}))`;
  }

  /** v = val, with the write-through to its frame slot or its memory. */
  private assignTo(v: VarObj, val: string): string {
    const n = this.jsName(v);
    if (this.heapVar(v)) return `go.store(${n}, ${val})`;
    if (v.fn === null) return v.type.pointers ? `go.store(${n}$a, ${val})` : `${n} = ${val}`;
    if (v.type.pointers) return `${this.fr(v)}.${n} = (${n} = ${val}) instanceof $Ref ? null : ${n}`;
    return `${n} = ${val}`;
  }

  private place(x: Node): Place {
    if (x.type === 'parenthesized_expression') return this.place(named(x)[0]!);
    if (x.type === 'identifier') {
      const v = this.c.uses.get(x.id) ?? this.c.defs.get(x.id);
      if (v?.kind !== 'var') throw this.src.error(x, `cannot assign to ${x.text}`);
      const n = this.jsName(v);
      if (this.heapVar(v)) return { kind: 'whole', ptr: n };
      if (v.fn === null && v.type.pointers) return { kind: 'whole', ptr: `${n}$a` };
      return { kind: 'js', path: n, root: v };
    }
    if (x.type === 'selector_expression') {
      const operand = x.childForFieldName('operand')!;
      const key = `'${x.childForFieldName('field')!.text}'`;
      if (under(this.typeOf(operand)).kind === Kind.Pointer) return { kind: 'mem', container: this.expr(operand), key };
      return this.sub(this.place(operand), key, `.${x.childForFieldName('field')!.text}`);
    }
    if (x.type === 'index_expression') {
      const operand = x.childForFieldName('operand')!;
      const idx = this.value(x.childForFieldName('index')!, null);
      const k = under(this.typeOf(operand)).kind;
      if (k === Kind.Map) {
        const mt = under(this.typeOf(operand));
        return { kind: 'map', m: this.expr(operand), key: this.value(x.childForFieldName('index')!, mt.key!), zero: this.zero(mt.elem!) };
      }
      if (k === Kind.Slice || k === Kind.Pointer) return { kind: 'mem', container: this.expr(operand), key: idx };
      return this.sub(this.place(operand), idx, `[${this.boundsChecked(idx, under(this.typeOf(operand)).len!)}]`);
    }
    if (x.type === 'unary_expression' && x.childForFieldName('operator')!.text === '*') return { kind: 'whole', ptr: this.expr(x.childForFieldName('operand')!) };
    throw this.src.error(x, `cannot assign to ${x.text} (neither addressable nor a map index expression)`);
  }

  private boundsChecked(idx: string, len: number): string {
    if (/^\d+$/.test(idx)) return idx;
    return `$rt.index(${idx}, ${len})`;
  }

  private sub(p: Place, key: string, jsSuffix: string): Place {
    // A struct or array value in a map: read it whole, then take the part (Go: not assignable).
    if (p.kind === 'map') return { kind: 'js', path: `(${this.readPlace(p)})${jsSuffix}`, root: null };
    if (p.kind === 'js') return { kind: 'js', path: p.path + jsSuffix, root: p.root };
    if (p.kind === 'whole') return { kind: 'mem', container: p.ptr, key };
    return { kind: 'mem', container: `$rt.addr(${p.container}, ${p.key})`, key };
  }

  private readPlace(p: Place): string {
    if (p.kind === 'js') return p.path;
    if (p.kind === 'map') return `$rt.mapGet(${p.m}, ${p.key}, ${p.zero})`;
    if (p.kind === 'whole') return `$rt.load(${p.ptr})`;
    return `$rt.get(${p.container}, ${p.key})`;
  }

  private assignPlace(x: Node, val: string): string {
    const p = this.place(x);
    if (p.kind === 'js') {
      const root = p.root!;
      if (p.path === this.jsName(root)) return this.assignTo(root, val);
      const commit = root.type.pointers && root.fn !== null ? `, ${this.fr(root)}.${this.jsName(root)} = ${this.jsName(root)}` : '';
      return `(${p.path} = ${val}${commit})`;
    }
    if (p.kind === 'whole') return `$rt.store(${p.ptr}, ${val})`;
    if (p.kind === 'map') return `$rt.mapSet(${p.m}, ${p.key}, ${val})`;
    return `$rt.set(${p.container}, ${p.key}, ${val})`;
  }

  private addrOf(x: Node): string {
    const p = this.place(x);
    if (p.kind === 'map') throw this.src.error(x, `invalid operation: cannot take address of ${x.text} (map index expression)`);
    if (p.kind === 'whole') return p.ptr;
    if (p.kind === 'mem') return `$rt.addr(${p.container}, ${p.key})`;
    const root = p.root!;
    const commit = root.type.pointers && root.fn !== null ? `; ${this.fr(root)}.${this.jsName(root)} = ${this.jsName(root)}` : '';
    return `new $Ref(() => ${p.path}, ($v) => { ${p.path} = $v${commit}; })`;
  }

  // ── expressions ───────────────────────────────────────────────────────

  private info(n: Node): ExprInfo {
    const i = this.c.exprs.get(n.id);
    if (i === undefined) throw this.src.error(n, `gomem: no type for ${n.text}`);
    return i;
  }

  private typeOf(n: Node): GoType {
    const t = this.info(n).type;
    if (isTuple(t)) throw this.src.error(n, 'multiple-value in single-value context');
    if (isUntyped(t)) return t.untyped === 'float' ? ({ kind: Kind.Float64 } as GoType) : ({ kind: Kind.Int } as GoType);
    return t;
  }

  /**
   * An expression's value where a value of type t is stored (struct and
   * array values are copied; a non-interface value stored as an interface
   * is boxed, unless `boxing` is false: fmt and log model their operands'
   * boxing themselves).
   */
  private value(n: Node, t: GoType | null, boxing = true): string {
    const ov = this.overrides.get(n.id);
    if (ov !== undefined) return ov;
    if (boxing && this.c.convs.has(n.id)) return this.box(n);
    const info = this.info(n);
    if (info.value !== undefined) return this.constant(info.value, info.type);
    if (!isTuple(info.type) && isUntyped(info.type) && info.type.untyped === 'nil' && t !== null) return this.zero(t);
    const e = this.expr(n);
    const k = t === null || isTuple(info.type) || isUntyped(info.type) ? Kind.Invalid : under(info.type).kind;
    if ((k === Kind.Struct || k === Kind.Array) && n.type !== 'composite_literal' && n.type !== 'call_expression') return `$rt.clone(${e})`;
    return e;
  }

  /** n converted to an interface: the box where Go makes one (escape analysis decides heap or stack). */
  private box(n: Node): string {
    const t = this.typeOf(n);
    const constant = this.info(n).value !== undefined;
    return `$rt.box(${this.value(n, t, false)}, ${this.typeRef(t)}, ${this.siteEscapes(n)}, ${constant})`;
  }

  private constant(v: unknown, t: CType): string {
    if (typeof v === 'string') return this.lit(v);
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (typeof v === 'number') {
      if (!isTuple(t) && !isUntyped(t) && isStringType(t)) return this.lit(String(v));
      return Object.is(v, -0) ? '0' : String(v);
    }
    throw new Error(`constant ${String(v)}`);
  }

  zero(t: GoType): string {
    const u = under(t);
    switch (u.kind) {
      case Kind.Bool:
        return 'false';
      case Kind.String:
        return 'go.p.emptyString';
      case Kind.Slice:
        return `$rt.nilSlice(${this.typeRef(t)})`;
      case Kind.Struct:
        return `{ ${u.fields!.map((f) => `${JSON.stringify(f.name)}: ${this.zero(f.type)}`).join(', ')} }`;
      case Kind.Array:
        return u.len! > 64 ? `Array.from({ length: ${u.len} }, () => ${this.zero(u.elem!)})` : `[${Array.from({ length: u.len! }, () => this.zero(u.elem!)).join(', ')}]`;
      case Kind.Pointer:
      case Kind.Map:
      case Kind.Chan:
      case Kind.Func:
      case Kind.Interface:
      case Kind.UnsafePointer:
        return 'null';
      default:
        return '0';
    }
  }

  expr(n: Node): string {
    const ov = this.overrides.get(n.id);
    if (ov !== undefined) return ov;
    const info = this.info(n);
    if (info.value !== undefined) return this.constant(info.value, info.type);
    switch (n.type) {
      case 'identifier': {
        const o = this.c.uses.get(n.id) as Obj;
        if (o.kind === 'var') return this.readVar(o);
        if (o.kind === 'nil') return 'null';
        if (o.kind === 'func') return this.funcValue(o.fn);
        throw this.src.error(n, `gomem: cannot compile ${n.text}`);
      }
      case 'parenthesized_expression':
        return `(${this.expr(named(n)[0]!)})`;
      case 'nil':
        return 'null';
      case 'binary_expression':
        return this.binary(n);
      case 'unary_expression':
        return this.unary(n);
      case 'call_expression':
        return this.call(n);
      case 'selector_expression': {
        const mv = this.c.callTargets.get(n.id);
        if (mv?.method !== undefined) return this.methodValue(n, mv);
        const pkg = this.c.uses.get(n.childForFieldName('operand')!.id);
        if (pkg?.kind === 'pkg') {
          const m = stdPackages[pkg.path]!.members[n.childForFieldName('field')!.text]!;
          if (m.kind === 'var') return m.emit();
        }
        return this.readPlace(this.readablePlace(n));
      }
      case 'index_expression':
        if (isStringType(this.typeOf(n.childForFieldName('operand')!))) return `$rt.text.byteAt(${this.expr(n.childForFieldName('operand')!)}, ${this.value(n.childForFieldName('index')!, null)})`;
        return this.readPlace(this.readablePlace(n));
      case 'slice_expression': {
        const operand = n.childForFieldName('operand')!;
        const parts = ['start', 'end', 'capacity'].map((f) => n.childForFieldName(f)).map((x) => (x ? this.value(x, null) : 'undefined'));
        const u = under(this.typeOf(operand));
        if (u.kind === Kind.String) return `$rt.text.substr(${this.expr(operand)}, ${parts[0] === 'undefined' ? '0' : parts[0]}, ${parts[1]})`;
        const base = u.kind === Kind.Array ? this.readPlace(this.readablePlace(operand)) : this.expr(operand);
        return `$rt.slice(${base}, ${parts[0] === 'undefined' ? '0' : parts[0]}, ${parts[1]}, ${parts[2]})`;
      }
      case 'composite_literal':
        return this.composite(n);
      case 'func_literal':
        return this.funcLit(n);
      case 'type_conversion_expression':
        return this.convert(n.childForFieldName('operand')!, this.typeOf(n), n);
      case 'type_assertion_expression':
        return this.assertExpr(n, false);
      case 'variadic_argument':
        return this.expr(named(n)[0]!);
    }
    throw this.src.unsupported(n, n.type.replace(/_/g, ' '));
  }

  /** A place for reading: a value that is not a variable (a call's result) is read as a JS value. */
  private readablePlace(n: Node): Place {
    if (n.type === 'selector_expression') {
      const operand = n.childForFieldName('operand')!;
      if (under(this.typeOf(operand)).kind !== Kind.Pointer && !this.isPlace(operand)) return { kind: 'js', path: `(${this.expr(operand)}).${n.childForFieldName('field')!.text}`, root: null };
    }
    if (n.type === 'index_expression') {
      const operand = n.childForFieldName('operand')!;
      const k = under(this.typeOf(operand)).kind;
      if (k === Kind.Array && !this.isPlace(operand)) return { kind: 'js', path: `(${this.expr(operand)})[${this.value(n.childForFieldName('index')!, null)}]`, root: null };
    }
    return this.place(n);
  }

  private isPlace(n: Node): boolean {
    if (n.type === 'parenthesized_expression') return this.isPlace(named(n)[0]!);
    if (n.type === 'identifier') return this.c.uses.get(n.id)?.kind === 'var';
    if (n.type === 'selector_expression') return under(this.typeOf(n.childForFieldName('operand')!)).kind === Kind.Pointer || this.isPlace(n.childForFieldName('operand')!);
    if (n.type === 'index_expression') {
      const k = under(this.typeOf(n.childForFieldName('operand')!)).kind;
      return k === Kind.Slice || k === Kind.Pointer || k === Kind.Map || this.isPlace(n.childForFieldName('operand')!);
    }
    return n.type === 'unary_expression' && n.childForFieldName('operator')!.text === '*';
  }

  private eq(a: string, b: string, t: GoType): string {
    if (isStringType(t)) return `$rt.strEq(${a}, ${b})`;
    return `${a} === ${b}`;
  }

  private binary(n: Node): string {
    const op = n.childForFieldName('operator')!.text;
    const ln = n.childForFieldName('left')!;
    const rn = n.childForFieldName('right')!;
    const lt = this.info(ln);
    const rtI = this.info(rn);
    if ((op === '==' || op === '!=') && (this.isNilInfo(lt) || this.isNilInfo(rtI) || ln.type === 'nil' || rn.type === 'nil')) {
      const other = this.isNilInfo(lt) || ln.type === 'nil' ? rn : ln;
      return `${op === '!=' ? '!' : ''}$rt.isNil(${this.expr(other)})`;
    }
    if ((op === '==' || op === '!=') && (this.isIfaceInfo(lt) || this.isIfaceInfo(rtI))) {
      // An interface compared with a value: the value converted to the interface (a stack temporary), then the dynamic types and values.
      const side = (x: Node, i: ExprInfo): string => {
        // An untyped constant the checker gave the interface's type: boxed with its default type.
        const k = i.value;
        const constType = typeof k === 'string' ? T.string : typeof k === 'boolean' ? T.bool : typeof k === 'number' ? (Number.isInteger(k) ? T.int : T.float64) : typeof k === 'bigint' ? T.int : null;
        if (this.isIfaceInfo(i) && constType === null) return this.expr(x);
        const t = this.isIfaceInfo(i) ? constType! : !isTuple(i.type) && isUntyped(i.type) ? defaultType(i.type) : this.typeOf(x);
        return `$rt.box(${this.value(x, t, false)}, ${this.typeRef(t)}, false, ${i.value !== undefined})`;
      };
      return `${op === '!=' ? '!' : ''}$rt.ifaceEq(${side(ln, lt)}, ${side(rn, rtI)})`;
    }
    const t = this.typeOf(isUntyped(lt.type as CType) ? rn : ln);
    if (op === '+' && isStringType(t)) {
      // a + b + c is one concatstrings call; a result that does not escape may use the 32-byte stack buffer.
      const parts = this.concatOperands(n).map((x) => this.value(x, t));
      return this.siteEscapes(n) ? `go.concat(${parts.join(', ')})` : `$rt.concatTmp(${parts.join(', ')})`;
    }
    const l = this.value(ln, t);
    const r = this.value(rn, t);
    return this.binaryOp(op, l, r, t);
  }

  /** The operands of a chain of string concatenations (constant parts folded by the checker stay whole). */
  private concatOperands(e: Node): Node[] {
    const inner = e.type === 'parenthesized_expression' ? named(e)[0]! : e;
    if (inner.type !== 'binary_expression' || inner.childForFieldName('operator')!.text !== '+' || this.info(inner).value !== undefined) return [e];
    return [...this.concatOperands(inner.childForFieldName('left')!), ...this.concatOperands(inner.childForFieldName('right')!)];
  }

  private isIfaceInfo(i: ExprInfo): boolean {
    return !isTuple(i.type) && !isUntyped(i.type) && isInterface(i.type);
  }

  private isNilInfo(i: ExprInfo): boolean {
    return !isTuple(i.type) && isUntyped(i.type) && i.type.untyped === 'nil';
  }

  private binaryOp(op: string, l: string, r: string, t: GoType): string {
    switch (op) {
      case '&&':
      case '||':
        return `(${l} ${op} ${r})`;
      case '==':
      case '!=':
        if (isStringType(t)) return `${op === '!=' ? '!' : ''}$rt.strEq(${l}, ${r})`;
        // A 64-bit integer is a number or (beyond 2^53) a bigint: == compares them by value.
        return isIntegerType(t) ? `(${l} ${op} ${r})` : `(${l} ${op}= ${r})`;
      case '<':
      case '<=':
      case '>':
      case '>=':
        return isStringType(t) ? `(${l}.text ${op} ${r}.text)` : `(${l} ${op} ${r})`;
      case '+':
        if (isStringType(t)) return `go.concat(${l}, ${r})`;
        return this.arith(op, l, r, t);
      default:
        return this.arith(op, l, r, t);
    }
  }

  /** Integer arithmetic wraps at the type's width (64-bit types exactly, through rt's helpers); floats are IEEE doubles. */
  private arith(op: string, l: string, r: string, t: GoType): string {
    if (isFloatType(t)) {
      const e = `(${l} ${op} ${r})`;
      return under(t).kind === Kind.Float32 ? `Math.fround${e}` : e;
    }
    const signed = !isUnsigned(t);
    const fn: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '<<': 'shl', '>>': 'shr', '&': 'and', '|': 'or', '^': 'xor' };
    const bits = under(t).size * 8;
    if (op === '&^') return this.arith('&', l, this.arith('^', '-1', r, t), t);
    if (bits >= 64) return `$rt.${fn[op]}(${l}, ${r}, ${signed})`;
    // Narrow types: exact in a double except a 32-bit product, which Math.imul keeps exact.
    if (op === '*' && bits === 32) return `$rt.wrap(Math.imul(${l}, ${r}), 32, ${signed})`;
    const e = ['+', '-', '*'].includes(op) ? `(${l} ${op} ${r})` : `$rt.${fn[op]}(${l}, ${r}, ${signed})`;
    return `$rt.wrap(${e}, ${bits}, ${signed})`;
  }

  private unary(n: Node): string {
    const op = n.childForFieldName('operator')!.text;
    const x = n.childForFieldName('operand')!;
    if (op === '&') {
      const inner = x.type === 'parenthesized_expression' ? named(x)[0]! : x;
      if (inner.type === 'composite_literal') return this.newComposite(inner, n);
      return this.addrOf(inner);
    }
    if (op === '*') return `$rt.load(${this.expr(x)})`;
    if (op === '<-') return `(yield* ${this.expr(x)}.recv())`;
    if (op === '!') return `!${this.expr(x)}`;
    if (op === '-') return this.arith('-', '0', this.expr(x), this.typeOf(n));
    if (op === '^') return this.arith('^', '-1', this.expr(x), this.typeOf(n));
    return this.expr(x);
  }

  /**
   * &T{...}: a heap object when it escapes, else a value in the frame reached through a Ref. One
   * that does not escape but is an element of a map literal, or of a slice literal that escapes or
   * is nested in another literal, is on the heap all the same: gomem keeps those literals' arrays in
   * heap memory, which cannot hold a Ref to the frame (the compiler keeps it on the stack: one
   * allocation more than real Go, no -m line changed).
   */
  private newComposite(lit: Node, site: Node): string {
    const t = this.typeOf(lit);
    const v = this.composite(lit);
    if (this.siteEscapes(site) || this.inHeapLiteral(site)) return `((p) => (go.store(p, ${v}), p))(go.new(${this.typeRef(t)}))`;
    return `((o) => new $Ref(() => o, (v) => { o = v; }))(${v})`;
  }

  /** Whether x is stored (directly, or inside struct and array elements) into a slice or map literal's memory. */
  private inHeapLiteral(x: Node): boolean {
    let n = x.parent;
    while (n !== null && ['literal_element', 'keyed_element', 'literal_value', 'parenthesized_expression'].includes(n.type)) {
      if (n.type === 'literal_value' && n.parent?.type === 'composite_literal') {
        const k = under(this.typeOf(n.parent)).kind;
        if (k === Kind.Map) return true;
        if (k === Kind.Slice) return this.siteEscapes(n.parent) || n.parent.parent?.type === 'literal_element';
        if (k !== Kind.Struct && k !== Kind.Array) return false;
        n = n.parent;
      }
      n = n.parent;
    }
    return false;
  }

  private composite(n: Node): string {
    const t = this.typeOf(n);
    const u = under(t);
    const elems = named(n.childForFieldName('body')!);
    if (u.kind === Kind.Struct) {
      const vals = new Map<string, string>();
      elems.forEach((e, i) => {
        if (e.type === 'keyed_element') {
          const [k, v] = named(e).map((x) => (x.type === 'literal_element' ? named(x)[0]! : x));
          const f = u.fields!.find((x) => x.name === k!.text)!;
          vals.set(f.name, this.value(v!, f.type));
        } else vals.set(u.fields![i]!.name, this.value(named(e)[0]!, u.fields![i]!.type));
      });
      return `{ ${u.fields!.map((f) => `${JSON.stringify(f.name)}: ${vals.get(f.name) ?? this.zero(f.type)}`).join(', ')} }`;
    }
    if (u.kind === Kind.Array) {
      const vs = elems.map((e) => this.value(named(e)[0]!, u.elem!));
      for (let i = vs.length; i < u.len!; i++) vs.push(this.zero(u.elem!));
      return `[${vs.join(', ')}]`;
    }
    if (u.kind === Kind.Map) {
      const pairs = elems.map((e) => {
        const [k, v] = named(e).map((x) => (x.type === 'literal_element' ? named(x)[0]! : x));
        return `[${this.value(k!, u.key!)}, ${this.value(v!, u.elem!)}]`;
      });
      return `$rt.mapLit(go.makeMap(${this.typeRef(t)}, ${elems.length}), [${pairs.join(', ')}])`;
    }
    // A slice literal: its backing array on the heap (when it escapes) with the values stored;
    // one that does not escape and holds no pointers is in the frame, unless it is an element of
    // another composite literal, which may be stored in memory (a slice of slices, whose
    // pointerful backing array is always on the heap here): a frame's slice cannot be stored there.
    const vs = elems.map((e) => this.value(named(e)[0]!, u.elem!));
    const nested = n.parent?.type === 'literal_element';
    if (!nested && !this.siteEscapes(n) && !u.elem!.pointers && vs.length > 0 && !elems.some((e) => e.type === 'keyed_element')) {
      this.stackBytes += vs.length * u.elem!.size;
      return `$rt.stackSlice(${this.typeRef(t)}, [${vs.join(', ')}])`;
    }
    if (!nested && !this.siteEscapes(n) && pointerShaped(u.elem!) && vs.length > 0) return this.stackPtrSlice(t, vs);
    return `go.append(go.make(${this.typeRef(t)}, 0, ${vs.length}), ${vs.join(', ')})`;
  }

  private convert(x: Node, t: GoType, site: Node): string {
    // any(7), error(e): the checker recorded x's conversion (convs) as for an implicit one; value() boxes it.
    if (under(t).kind === Kind.Interface) return this.value(x, t);
    const from = this.typeOf(x);
    const v = this.expr(x);
    // string(b), []byte(s), string(r): a copy, on the heap where the result escapes, else in a 32-byte stack buffer when it fits.
    const tu = under(t);
    const fu = under(from);
    const escapes = this.siteEscapes(site);
    const runes = (u: GoType): boolean => under(u.elem!).kind === Kind.Int32;
    if (tu.kind === Kind.String && fu.kind === Kind.Slice) return runes(fu) ? `$rt.text.runesToString(${v}, ${escapes})` : `$rt.text.bytesToString(${v}, ${escapes})`;
    if (tu.kind === Kind.Slice && fu.kind === Kind.String) return runes(tu) ? `$rt.text.stringToRunes(${v}, ${this.typeRef(t)}, ${escapes})` : `$rt.text.stringToBytes(${v}, ${this.typeRef(t)}, ${escapes}, ${this.c.exprs.get(x.id)?.value !== undefined && bytesOfConst(this.c.exprs.get(x.id)!.value) <= maxImplicitStack})`;
    if (tu.kind === Kind.String && isIntegerType(from)) return `$rt.text.runeString(${v}, ${escapes})`;
    if (isIntegerType(t)) {
      const bits = under(t).size * 8;
      const trunc = isFloatType(from) ? `Math.trunc(${v})` : v;
      if (bits >= 64) return isIntegerType(from) && isUnsigned(from) === isUnsigned(t) && under(from).size === 8 ? trunc : `$rt.to64(${trunc}, ${!isUnsigned(t)})`;
      return `$rt.wrap(${trunc}, ${bits}, ${!isUnsigned(t)})`;
    }
    if (isFloatType(t) && isIntegerType(from)) return under(t).kind === Kind.Float32 ? `Math.fround(Number(${v}))` : `Number(${v})`;
    if (under(t).kind === Kind.Float32) return `Math.fround(${v})`;
    return v;
  }

  // ── calls ─────────────────────────────────────────────────────────────

  private call(n: Node): string {
    const fnNode = n.childForFieldName('function')!;
    const args = named(n.childForFieldName('arguments')!);
    const inner = fnNode.type === 'parenthesized_expression' ? named(fnNode)[0]! : fnNode;
    const t = this.c.typeNodes.get(inner.id);
    if (inner.type === 'identifier') {
      const o = this.c.uses.get(inner.id)!;
      if (o.kind === 'type') return this.convert(args[0]!, o.type, n);
      if (o.kind === 'builtin') return this.builtin(n, o.name, args);
      if (o.kind === 'func' || o.kind === 'generic') {
        const f = o.kind === 'func' ? o.fn : this.c.callTargets.get(n.id)!;
        const vals = f.sig.variadic ? this.variadicArgs(n, f.sig, args) : args.map((a, i) => this.value(a, f.sig.params![i]!));
        if (this.esc.inlinable.has(f) && !this.esc.escapingCalls.has(n.id)) return this.isGen(f) ? `(yield* ${this.fnName(f)}$inl(${vals.join(', ')}))` : `${this.fnName(f)}$inl(${vals.join(', ')})`;
        const call = `${this.fnName(f)}(${vals.join(', ')})`;
        return this.isGen(f) ? `(yield* ${call})` : call;
      }
      if (o.kind === 'var') return this.valueCall(fnNode, args);
    }
    if (inner.type === 'selector_expression' && this.c.uses.get(inner.childForFieldName('operand')!.id)?.kind !== 'pkg' && isInterface(this.typeOf(inner.childForFieldName('operand')!))) {
      return this.ifaceCall(inner, args);
    }
    const explicit = inner.type === 'index_expression' || inner.type === 'selector_expression' ? this.c.callTargets.get(n.id) : undefined;
    if (explicit !== undefined) {
      const own = explicit.method ? T.func(explicit.sig.params!.slice(1), explicit.sig.results!, explicit.sig.variadic) : explicit.sig;
      const vals = own.variadic ? this.variadicArgs(n, own, args) : args.map((a, i) => this.value(a, own.params![i]!));
      if (explicit.method !== undefined) {
        // The receiver: &x for a *T method on a value, a copy of *p for a T method through a pointer.
        const operand = inner.childForFieldName('operand')!;
        const ot = this.typeOf(operand);
        const isPtr = under(ot).kind === Kind.Pointer && ot.name === '';
        const recv = explicit.method.pointer ? (isPtr ? this.expr(operand) : this.addrOf(operand)) : isPtr ? `$rt.clone($rt.load(${this.expr(operand)}))` : this.value(operand, ot);
        vals.unshift(recv);
      }
      if (this.esc.inlinable.has(explicit) && !this.esc.escapingCalls.has(n.id)) return this.isGen(explicit) ? `(yield* ${this.fnName(explicit)}$inl(${vals.join(', ')}))` : `${this.fnName(explicit)}$inl(${vals.join(', ')})`;
      const call = `${this.fnName(explicit)}(${vals.join(', ')})`;
      return this.isGen(explicit) ? `(yield* ${call})` : call;
    }
    if (t !== undefined) return this.convert(args[0]!, t, n);
    if (inner.type === 'selector_expression') {
      const operand = inner.childForFieldName('operand')!;
      const o = this.c.uses.get(operand.id);
      if (o?.kind === 'pkg') {
        const m = stdPackages[o.path]!.members[inner.childForFieldName('field')!.text]!;
        if (m.kind === 'type') return this.convert(args[0]!, m.type, n);
        if (m.kind !== 'func') throw this.src.error(n, `cannot call ${inner.text}`);
        return this.stdCall(m, args, []);
      }
      const recv = this.typeOf(operand);
      const method = stdMethods[recv.str]?.[inner.childForFieldName('field')!.text];
      if (method !== undefined) return this.stdCall(method, args, [method.byAddr ? this.addrOf(operand) : this.expr(operand)]);
    }
    if (under(this.typeOf(fnNode)).kind === Kind.Func) return this.valueCall(fnNode, args);
    throw this.src.unsupported(n, 'this kind of call');
  }

  /**
   * A method value x.M: the receiver evaluated now (&x, a pointer, or a copy
   * of the value), bound in a closure (Go's M-fm wrapper) that is allocated
   * only where it escapes.
   */
  private methodValue(n: Node, m: FuncDecl): string {
    const operand = n.childForFieldName('operand')!;
    const ot = this.typeOf(operand);
    const isPtr = under(ot).kind === Kind.Pointer && ot.name === '';
    const recv = m.method!.pointer ? (isPtr ? this.expr(operand) : this.addrOf(operand)) : isPtr ? `$rt.clone($rt.load(${this.expr(operand)}))` : this.value(operand, ot);
    const recvType = m.sig.params![0]!;
    const call = `${this.fnName(m)}($r, ...$a)`;
    const body = `function* (...$a) { return ${this.isGen(m) ? `yield* ${call}` : call}; }`;
    return `(($r) => $rt.closure('${m.name}-fm', ${this.typeRef(T.func(m.sig.params!.slice(1), m.sig.results!))}, ${this.siteEscapes(n)}, [[${this.typeRef(recvType)}, $r]], ${body}))(${recv})`;
  }

  /** x.M(args) on an interface value: the dynamic type's method (a nil interface panics). */
  private ifaceCall(sel: Node, args: Node[]): string {
    const operand = sel.childForFieldName('operand')!;
    const name = sel.childForFieldName('field')!.text;
    const m = (under(this.typeOf(operand)).methods ?? []).find((x) => x.name === name)!;
    const vals = args.map((a, i) => this.value(a, m.type.params![i]!));
    return `(yield* $rt.icall(${[this.expr(operand), JSON.stringify(name), ...vals].join(', ')}))`;
  }

  /** x.(T): T's value (a copy), or with ok the pair [value or zero, ok]; a failed assertion without ok panics as Go does. */
  private assertExpr(n: Node, ok: boolean): string {
    const x = n.childForFieldName('operand')!;
    const t = this.typeOf(n);
    const xt = this.typeOf(x);
    if (isInterface(t)) return `$rt.assertIface(${this.expr(x)}, ${this.typeRef(t)}, ${ok})`;
    return `$rt.assertType(${this.expr(x)}, ${this.typeRef(t)}, ${JSON.stringify(this.goTypeName(xt))}, ${ok}, ${this.zero(t)})`;
  }

  /** A type's name as the runtime prints it in panics (interface {} for any). */
  private goTypeName(t: GoType): string {
    if (t.name !== '' && t.name !== undefined) return t.name === 'any' ? 'interface {}' : t.name;
    return t.str === 'any' ? 'interface {}' : t.str;
  }

  /**
   * The arguments of a call of a variadic function: the fixed ones, then
   * the rest packed into the ...T slice (nil for none; on the stack when it
   * does not escape and holds no pointers, else on the heap), or f(xs...)'s
   * slice as it is.
   */
  private variadicArgs(n: Node, sig: GoType, args: Node[]): string[] {
    const ps = sig.params!;
    const argList = n.childForFieldName('arguments')!;
    if (args.some((a) => a.type === 'variadic_argument')) return args.map((a, i) => this.value(a, ps[i]!));
    const fixed = ps.length - 1;
    const st = ps[fixed]!;
    const elem = under(st).elem!;
    const vals = args.slice(0, fixed).map((a, i) => this.value(a, ps[i]!));
    const rest = args.slice(fixed).map((a) => this.value(a, elem));
    if (rest.length === 0) return [...vals, `$rt.nilSlice(${this.typeRef(st)})`];
    if (!this.siteEscapes(argList) && !elem.pointers) {
      this.stackBytes += rest.length * elem.size;
      return [...vals, `$rt.stackSlice(${this.typeRef(st)}, [${rest.join(', ')}])`];
    }
    if (!this.siteEscapes(argList) && pointerShaped(elem)) return [...vals, this.stackPtrSlice(st, rest)];
    return [...vals, `go.append(go.make(${this.typeRef(st)}, 0, ${rest.length}), ${rest.join(', ')})`];
  }

  /** A slice of pointer-shaped values that does not escape: in the frame unless a value points into the heap (rt.stackPtrSlice). */
  private stackPtrSlice(st: GoType, vals: string[]): string {
    this.stackBytes += vals.length * under(st).elem!.size;
    return `((a) => $rt.stackPtrSlice(${this.typeRef(st)}, a) ?? go.append(go.make(${this.typeRef(st)}, 0, a.length), ...a))([${vals.join(', ')}])`;
  }

  /** A function of the program used as a value: its static funcval (no allocation). */
  private funcValue(f: FuncDecl): string {
    return `$rt.staticFunc('${f.name}', ${this.typeRef(f.sig)}, ${this.fnName(f)}, ${this.isGen(f)})`;
  }

  /** f(args) for a func value f: its body is a generator (it may block). */
  private valueCall(fnNode: Node, args: Node[]): string {
    const sig = under(this.typeOf(fnNode));
    const vals = args.map((a, i) => this.value(a, sig.params![i]!));
    return `(yield* $rt.callf(${[this.expr(fnNode), ...vals].join(', ')}))`;
  }

  /** A call of the standard library: its arguments converted to its parameters, then its own code. */
  private stdCall(m: StdFunc, args: Node[], recv: string[]): string {
    {
      {
        const ps = m.sig.params!;
        // A printer's constant format: which of its operands a %+v prints (struct fields named).
        const first = ps.length - 1;
        const fmtConst = m.prints === true && m.sig.variadic && first > 0 ? this.info(args[first - 1]!).value : undefined;
        const plusOps = typeof fmtConst === 'string' ? plusOperands(fmtConst) : new Set<number>();
        const vals = args.map((a, i) => {
          const pt = m.sig.variadic && i >= ps.length - 1 ? ps[ps.length - 1]!.elem! : ps[i]!;
          // A constant string converted to an interface is static data (no boxing): fmt gets the JS string.
          const k = this.info(a).value;
          if (under(pt).kind === Kind.Interface && typeof k === 'string') return JSON.stringify(k);
          if (m.prints === true && under(pt).kind === Kind.Interface && k === undefined) {
            const at = this.typeOf(a);
            // An interface operand is not boxed again: fmt prints its dynamic value (its Error or String method first).
            if (isInterface(at)) return `$rt.fmtText(${this.expr(a)})`;
            // A value with an Error or String method: boxed as Go boxes it, then printed by that method.
            const ms = methodSet(at);
            if (ms.has('Error') || ms.has('String')) return `$rt.fmtText(${this.box(a)})`;
            // A struct, a pointer to one, or a slice or array of interfaces or structs: boxed as Go boxes it,
            // printed by the front end's %v, which knows the type (fmt's formatValue sees only JS values).
            if (needsTypedFormat(at)) return `$rt.fmtText(${this.box(a)}${plusOps.has(i - first) ? ', true' : ''})`;
          }
          return this.value(a, pt, false);
        });
        const code = m.emit([...recv, ...vals], args.map((a) => this.info(a).type), this);
        return m.blocking ? `(${code})` : code;
      }
    }
  }

  private builtin(n: Node, name: string, args: Node[]): string {
    switch (name) {
      case 'len':
      case 'cap': {
        const t = under(this.typeOf(args[0]!));
        const v = this.expr(args[0]!);
        if (t.kind === Kind.String) return `${v}.len`;
        if (t.kind === Kind.Map) return `$rt.mapLen(${v})`;
        return `${v}.${name}`;
      }
      case 'new': {
        const t = this.c.typeNodes.get(args[0]!.id)!;
        if (this.siteEscapes(n)) return `go.new(${this.typeRef(t)})`;
        return `((o) => new $Ref(() => o, (v) => { o = v; }))(${this.zero(t)})`;
      }
      case 'close':
        return `${this.expr(args[0]!)}.close()`;
      case 'delete': {
        const mt = under(this.typeOf(args[0]!));
        return `$rt.mapDelete(${this.expr(args[0]!)}, ${this.value(args[1]!, mt.key!)})`;
      }
      case 'clear':
        return `$rt.mapClear(${this.expr(args[0]!)})`;
      case 'make': {
        const t = this.c.typeNodes.get(args[0]!.id)!;
        if (under(t).kind === Kind.Map) return `go.makeMap(${this.typeRef(t)}, ${args[1] ? this.value(args[1], null) : '0'})`;
        if (under(t).kind === Kind.Chan) return `go.makeChan(${this.typeRef(t)}, ${args[1] ? this.value(args[1], null) : '0'})`;
        const len = this.value(args[1]!, null);
        const cap = args[2] ? this.value(args[2], null) : len;
        // An array that does not escape (constant size, at most 64 KiB) is in the frame; pointer-free ones are kept in JS.
        const capVal = this.info(args[2] ?? args[1]!).value;
        if (!this.siteEscapes(n) && typeof capVal === 'number' && !under(t).elem!.pointers) {
          this.stackBytes += capVal * under(t).elem!.size;
          return `$rt.stackMake(${this.typeRef(t)}, ${len}, ${cap}, ${this.zero(under(t).elem!)})`;
        }
        return `go.make(${this.typeRef(t)}, ${len}, ${cap})`;
      }
      case 'append': {
        const t = this.typeOf(n);
        if (args[1]?.type === 'variadic_argument') return `$rt.appendSlice(${this.expr(args[0]!)}, ${this.expr(named(args[1])[0]!)})`;
        const vals = args.slice(1).map((a) => this.value(a, under(t).elem!));
        return `$rt.append(${this.expr(args[0]!)}${vals.map((v) => `, ${v}`).join('')})`;
      }
      case 'copy':
        return `$rt.copy(${this.expr(args[0]!)}, ${this.expr(args[1]!)})`;
      case 'min':
      case 'max': {
        const t = this.typeOf(n);
        return `Math.${name}(${args.map((a) => this.value(a, t)).join(', ')})`;
      }
      case 'panic': {
        // panic(v): v converted to an interface (boxed where it is not one), which recover returns.
        const a = args[0]!;
        const ai = this.info(a);
        if (this.isNilInfo(ai)) return '$rt.panic(null)';
        if (this.isIfaceInfo(ai)) return `$rt.panic(${this.expr(a)})`;
        const t = isUntyped(ai.type as CType) ? defaultType(ai.type as CType) : this.typeOf(a);
        return `$rt.panic($rt.box(${this.value(a, t, false)}, ${this.typeRef(t)}, ${this.siteEscapes(a)}, ${ai.value !== undefined}))`;
      }
      case 'recover':
        return '$rt.recover()';
      case 'print':
      case 'println':
        return `go.p.stderr(${args.map((a) => `String(${this.expr(a)})`).join(name === 'println' ? " + ' ' + " : ' + ')}${name === 'println' ? " + '\\n'" : ''})`;
    }
    throw this.src.unsupported(n, `the builtin ${name}`);
  }
}

/** A type whose values rt.stackPtrSlice can scan for heap pointers: pointer-shaped values, and structs and arrays of them. */
function pointerShaped(t: GoType): boolean {
  const u = under(t);
  if (u.kind === Kind.Struct) return u.fields!.every((f) => !f.type.pointers || pointerShaped(f.type));
  if (u.kind === Kind.Array) return !u.elem!.pointers || pointerShaped(u.elem!);
  const shaped: readonly Kind[] = [Kind.Interface, Kind.Pointer, Kind.String, Kind.Slice, Kind.Map, Kind.Chan, Kind.Func];
  return shaped.includes(u.kind);
}

/** The compiler's limit for an implicit stack variable (maxImplicitStackVarSize): a constant's []byte array larger than it is on the heap. */
const maxImplicitStack = 64 * 1024;

function bytesOfConst(v: unknown): number {
  return typeof v === 'string' ? new TextEncoder().encode(v).length : Infinity;
}
