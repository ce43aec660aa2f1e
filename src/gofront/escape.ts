// Escape analysis as the gc compiler does it (cmd/compile/internal/escape),
// for gomem's subset:
//
//   1. Each variable and each allocation site (new, &T{…}, make) is a
//      location; the heap is one more. Every assignment adds an edge
//      dst ← src with a deref count: &x is -1, x is 0, *p (p.f through a
//      pointer, s[i]) is +1.
//   2. Functions are analysed callees first; a call uses its callee's
//      summary (which parameters leak to the heap, which to which result).
//   3. From each root (the heap, then the results, then every location
//      found to escape) a walk over the edges finds, for every location,
//      the fewest derefs with which its value reaches the root. A location
//      whose address (derefs < 0) reaches the heap, or a result of its own
//      function, outlives its frame: it escapes. A parameter whose value
//      reaches the heap leaks ("leaking param: p"); reaching a result, it
//      leaks to that result.
//   4. Small functions are inlined (budget 80, as the compiler's): a call
//      whose result stays in a variable of the caller that does not escape
//      runs the inlined body, where what leaked only to the results stays
//      in the frame (blahdo's bigBytes: `s := make(…); return &s`).
//
// Not modelled yet: closures, interfaces beyond fmt's arguments, loop depth
// (a location declared inside a loop and assigned to one outside it).

import { Kind, type GoType, isDirectIface } from '../go/types.ts';
import type { Node } from './grammar.ts';
import type { Checked } from './check.ts';
import { gotosOf } from './check_flow.ts';
import { type FuncDecl, type VarObj, isTuple, isUntyped } from './objects.ts';
import { under } from './universe.ts';
import { stdMethods } from './stdlib.ts';

/** The compiler's limits (ir.MaxStackVarSize, ir.MaxImplicitStackVarSize). */
export const maxStackVarSize = 128 * 1024;
export const maxImplicitStackVarSize = 64 * 1024;
/** inlineMaxBudget: a function costing more is not inlined. */
const inlineBudget = 80;
/** inlineExtraCallCost: what a call the inliner cannot inline adds to the cost. */
const callCost = 57;

interface Loc {
  readonly name: string;
  readonly v: VarObj | null;
  readonly site: Node | null;
  readonly fn: FuncDecl | null;
  readonly edges: { src: Loc; derefs: number }[];
  /** How many loops enclose its declaration: a location's address kept by one declared outside its loop outlives it. */
  readonly loopDepth: number;
  escapes: boolean;
  /** Set by the walk of the current root. */
  dist: number;
}

export interface EscapeLine {
  readonly node: Node;
  readonly msg: string;
  /** The generic instance it belongs to: the compiler prints each instance's lines (no deduplication across them). */
  readonly inst?: string;
}

export interface EscapeResult {
  /** Variables moved to the heap when the function runs as its own call. */
  readonly heapVars: Set<VarObj>;
  /** Allocation sites (node ids) that escape. */
  readonly heapSites: Set<number>;
  /** The same for the inlined copies of inlinable functions. */
  readonly inlineHeap: Set<VarObj>;
  readonly inlineHeapSites: Set<number>;
  readonly inlinable: Set<FuncDecl>;
  /**
   * Calls of inlinable functions whose result outlives the caller's frame
   * (stored in the heap, returned): the callee's allocations that flow to
   * its results escape there, so such a call runs the callee as compiled on
   * its own (where they are on the heap) rather than the inlined copy.
   */
  readonly escapingCalls: Set<number>;
  /** Functions compiled as generators (they may block, or they loop and loops cost time). */
  readonly blocking: Set<FuncDecl>;
  /** The -m lines, unsorted. */
  readonly lines: EscapeLine[];
  /** What each func literal (by node id) captures, and how: by reference when the variable is reassigned, address-taken or over 128 bytes. */
  readonly captures: Map<number, Capture[]>;
}

export interface Capture {
  readonly v: VarObj;
  readonly byRef: boolean;
}

function isIntegerKind(k: Kind): boolean {
  const ints: readonly Kind[] = [Kind.Int, Kind.Int8, Kind.Int16, Kind.Int32, Kind.Int64, Kind.Uint, Kind.Uint8, Kind.Uint16, Kind.Uint32, Kind.Uint64, Kind.Uintptr];
  return ints.includes(k);
}

/** Whether a func literal's body (not literals inside it) has a statement the inliner refuses. */
function hasUninlinable(lit: Node): boolean {
  const walk = (n: Node): boolean => ['defer_statement', 'go_statement', 'select_statement'].includes(n.type) || named(n).some((c) => c.type !== 'func_literal' && walk(c));
  return walk(lit.childForFieldName('body')!);
}

/** The operands of a chain of string concatenations (a + b + c is one concatstrings call). */
function concatOperands(c: Checked, e: Node): Node[] {
  const inner = e.type === 'parenthesized_expression' ? named(e)[0]! : e;
  if (inner.type !== 'binary_expression' || inner.childForFieldName('operator')!.text !== '+' || c.exprs.get(inner.id)?.value !== undefined) return [e];
  return [...concatOperands(c, inner.childForFieldName('left')!), ...concatOperands(c, inner.childForFieldName('right')!)];
}

/** The expression a local variable is declared with (var x T = e, x := e), or null. */
function initializer(v: VarObj): Node | null {
  const id = v.decl;
  const list = id.parent;
  if (list === null) return null;
  if (list.type === 'var_spec') {
    const names = list.childrenForFieldName('name').filter((x): x is Node => x !== null);
    const vals = list.childForFieldName('value');
    const vs = vals ? named(vals) : [];
    const i = names.findIndex((x) => x.id === id.id);
    return vs.length === names.length && i >= 0 ? vs[i]! : null;
  }
  const decl = list.parent;
  if (list.type !== 'expression_list' || decl?.type !== 'short_var_declaration') return null;
  const lhs = named(list);
  const rhs = named(decl.childForFieldName('right')!);
  const i = lhs.findIndex((x) => x.id === id.id);
  return rhs.length === lhs.length && i >= 0 ? rhs[i]! : null;
}

/** Whether function g is f or a func literal inside f. */
function within(g: FuncDecl | null, f: FuncDecl): boolean {
  for (let x = g; x !== null && x !== undefined; x = x.lit?.outer ?? null) if (x === f) return true;
  return false;
}

/** The variables of enclosing functions a func literal uses, in order of first use (closure.go's capture rule). */
export function capturesOf(c: Checked, lit: FuncDecl): Capture[] {
  const out: Capture[] = [];
  const seen = new Set<VarObj>();
  const walk = (n: Node): void => {
    if (n.type === 'identifier') {
      const o = c.uses.get(n.id);
      if (o?.kind === 'var' && o.fn !== null && !within(o.fn, lit) && !seen.has(o)) {
        seen.add(o);
        out.push({ v: o, byRef: o.assigned === true || o.addrTaken || o.type.size > 128 });
      }
    }
    for (const ch of n.namedChildren) if (ch) walk(ch);
  };
  walk(lit.node.childForFieldName('body')!);
  return out;
}

function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** Parameter leak summary: to the heap at a deref level, to results. */
interface Summary {
  heap: (number | null)[];
  results: (number | null)[][];
}

export function analyzeEscapes(c: Checked, noInline = false): EscapeResult {
  const r: EscapeResult = {
    heapVars: new Set(),
    heapSites: new Set(),
    inlineHeap: new Set(),
    inlineHeapSites: new Set(),
    inlinable: new Set(),
    escapingCalls: new Set(),
    blocking: new Set(),
    lines: [],
    captures: new Map(),
  };
  for (const [id, lit] of c.lits) {
    c.ctx.current = lit.lit!.outer;
    r.captures.set(id, capturesOf(c, lit));
  }
  // Blocking: direct blocking calls and loops, then callers of blocking functions.
  for (const f of c.funcs) if (f.blocking || f.loops || f.name === 'main.main') r.blocking.add(f);
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of c.funcs) if (!r.blocking.has(f) && [...f.calls].some((g) => r.blocking.has(g))) (r.blocking.add(f), (changed = true));
  }
  // Callees first: a call of a function the inliner inlines costs that function's body, any other call 57.
  const costs = new Map<FuncDecl, number>();
  for (const f of order(c.funcs)) {
    const cost = inlineCost(c, f, (g) => (r.inlinable.has(g) ? costs.get(g)! : callCost));
    costs.set(f, cost);
    if (!noInline && f.name !== 'main.main' && cost <= inlineBudget && !f.calls.has(f)) r.inlinable.add(f);
  }
  for (const f of c.funcs) if (r.inlinable.has(f)) r.lines.push({ node: f.node.childForFieldName('name')!, msg: `can inline ${f.method ? (f.method.pointer ? `(*${f.method.recv.name.slice(5)}).${f.method.name}` : `${f.method.recv.name.slice(5)}.${f.method.name}`) : f.name.slice(5)}` });
  const summaries = new Map<FuncDecl, Summary>();
  for (const f of order(c.funcs)) {
    const a = new FuncAnalysis(c, f, summaries, r);
    a.build();
    summaries.set(f, a.solve(false));
    if (r.inlinable.has(f)) new FuncAnalysis(c, f, summaries, r).buildAndSolveInlined();
  }
  // Package variables' initialisers: the body of main.init, where every value goes into a global.
  if (c.globalInits.some((g) => g.value !== null)) {
    const a = new FuncAnalysis(c, c.initFn, summaries, r);
    a.buildInit();
    a.solve(false);
  }
  reportInlinedSites(c, r);
  return r;
}

function unparen(n: Node): Node {
  return n.type === 'parenthesized_expression' ? unparen(named(n)[0]!) : n;
}

/** escape.go's isSelfAssign: dst and src select fields (or index an array) of one and the same safe expression. */
function isSelfAssign(c: Checked, dst: Node, src: Node): boolean {
  const d = unparen(dst);
  const s = unparen(src);
  if (d.type !== s.type) return false;
  if (d.type === 'selector_expression') return sameSafeExpr(c, d.childForFieldName('operand')!, s.childForFieldName('operand')!);
  if (d.type === 'index_expression') {
    // (A map's index is OINDEXMAP, not one of these.)
    const t = c.exprs.get(d.childForFieldName('operand')!.id)?.type;
    if (t === undefined || isTuple(t) || isUntyped(t) || under(t).kind === Kind.Map) return false;
    if (mayAffectMemory(d.childForFieldName('index')!) || mayAffectMemory(s.childForFieldName('index')!)) return false;
    return sameSafeExpr(c, d.childForFieldName('operand')!, s.childForFieldName('operand')!);
  }
  return false;
}

/** ir.SameSafeExpr: the same variable reached through the same fields, dereferences and constant indexes. */
function sameSafeExpr(c: Checked, a0: Node, b0: Node): boolean {
  const a = unparen(a0);
  const b = unparen(b0);
  if (a.type !== b.type) return false;
  switch (a.type) {
    case 'identifier': {
      const o = c.uses.get(a.id);
      return o !== undefined && o === c.uses.get(b.id);
    }
    case 'selector_expression':
      return a.childForFieldName('field')!.text === b.childForFieldName('field')!.text && sameSafeExpr(c, a.childForFieldName('operand')!, b.childForFieldName('operand')!);
    case 'unary_expression':
      return a.childForFieldName('operator')!.text === '*' && b.childForFieldName('operator')!.text === '*' && sameSafeExpr(c, a.childForFieldName('operand')!, b.childForFieldName('operand')!);
    case 'index_expression':
      return sameSafeExpr(c, a.childForFieldName('index')!, b.childForFieldName('index')!) && sameSafeExpr(c, a.childForFieldName('operand')!, b.childForFieldName('operand')!);
  }
  // Constants: equal values.
  const av = c.exprs.get(a.id)?.value;
  return av !== undefined && av === c.exprs.get(b.id)?.value;
}

/** escape.go's mayAffectMemory: an index that reads memory or calls something. */
function mayAffectMemory(n0: Node): boolean {
  const n = unparen(n0);
  switch (n.type) {
    case 'identifier':
    case 'int_literal':
    case 'rune_literal':
    case 'interpreted_string_literal':
      return false;
    case 'binary_expression':
      return mayAffectMemory(n.childForFieldName('left')!) || mayAffectMemory(n.childForFieldName('right')!);
    case 'unary_expression':
      return n.childForFieldName('operator')!.text === '*' || n.childForFieldName('operator')!.text === '<-' || mayAffectMemory(n.childForFieldName('operand')!);
  }
  return true;
}

/**
 * The parts of a package variable's initialiser the compiler lays out as
 * static data (staticinit) rather than code in main.init: a func literal
 * that captures nothing, &T{…} and slice, array and struct literals (their
 * elements too): nothing allocates them, and -m says nothing of them.
 */
function staticInit(c: Checked, n: Node, out: Set<number>, captures: EscapeResult['captures']): void {
  const x = n.type === 'parenthesized_expression' ? named(n)[0]! : n;
  if (x.type === 'func_literal' && (captures.get(x.id) ?? []).length === 0) out.add(x.id);
  // A constant converted to an interface (an element of `var vals = []any{1, "two"}`) is static data: no -m line.
  if (c.exprs.get(x.id)?.value !== undefined) out.add(x.id);
  // errors.New("…"), inlined: its &errorString{…} of a constant is static data too.
  if (x.type === 'call_expression' && x.childForFieldName('function')!.text === 'errors.New') {
    const args = x.childForFieldName('arguments')!;
    if (named(args).every((a) => c.exprs.get(a.id)?.value !== undefined)) out.add(args.id);
  }
  if (x.type === 'unary_expression' && x.childForFieldName('operator')!.text === '&') {
    const inner = x.childForFieldName('operand')!;
    if (inner.type === 'composite_literal') {
      out.add(x.id);
      staticInit(c, inner, out, captures);
    }
  }
  if (x.type === 'composite_literal') {
    const t = c.exprs.get(x.id)?.type;
    if (t === undefined || isTuple(t) || isUntyped(t) || under(t).kind === Kind.Map) return;
    out.add(x.id);
    for (const e of named(x.childForFieldName('body')!)) {
      const v = named(e).at(-1);
      if (v !== undefined) staticInit(c, v.type === 'literal_element' ? named(v)[0]! : v, out, captures);
    }
  }
}

/**
 * An inlined body's allocations are reported again at each call site (the
 * compiler analyses the inlined copy as part of the caller), with the
 * decision for the copy.
 */
function reportInlinedSites(c: Checked, r: EscapeResult): void {
  /** An inlinable function's allocation sites, its own and those of the calls inlined into it, with their text. */
  const sitesOf = new Map<FuncDecl, { text: string; id: number; escapingCall: boolean }[]>();
  for (const f of order(c.funcs)) {
    const lo = f.node.startIndex;
    const hi = f.node.endIndex;
    const own = r.lines
      .filter((l) => / (escapes to heap|does not escape)$/.test(l.msg) && !l.msg.startsWith('... ') && l.node.type !== 'identifier' && l.node.startIndex >= lo && l.node.endIndex <= hi)
      .map((l) => ({ text: l.msg.replace(/ (escapes to heap|does not escape)$/, ''), id: l.node.id, escapingCall: false }));
    const nested: { text: string; id: number; escapingCall: boolean }[] = [];
    c.ctx.current = f;
    for (const call of f.node.descendantsOfType('call_expression')) {
      if (call === null) continue;
      const fnNode = call.childForFieldName('function')!;
      const o = fnNode.type === 'identifier' ? c.uses.get(fnNode.id) : undefined;
      const callee = o?.kind === 'func' ? o.fn : o?.kind === 'generic' || fnNode.type === 'index_expression' || fnNode.type === 'parenthesized_expression' || fnNode.type === 'selector_expression' ? c.callTargets.get(call.id) : undefined;
      // go f() and defer f() are not inlined.
      if (callee === undefined || !r.inlinable.has(callee) || call.parent?.type === 'go_statement' || call.parent?.type === 'defer_statement') continue;
      for (const site of sitesOf.get(callee) ?? []) {
        const escapingCall = site.escapingCall || r.escapingCalls.has(call.id);
        const escapes = (escapingCall ? r.heapSites : r.inlineHeapSites).has(site.id);
        r.lines.push({ node: call, msg: `${site.text} ${escapes ? 'escapes to heap' : 'does not escape'}`, inst: f.typeArgs ? f.name : undefined });
        nested.push({ ...site, escapingCall });
      }
    }
    // Lines already printed for f's own body stay; what f passes on to its callers is own + nested.
    if (r.inlinable.has(f)) sitesOf.set(f, [...own.filter((x) => !nested.some((n) => n.id === x.id)), ...nested]);
  }
}

/** Callees before callers (recursive cycles in source order). */
function order(funcs: readonly FuncDecl[]): FuncDecl[] {
  const out: FuncDecl[] = [];
  const seen = new Set<FuncDecl>();
  const visit = (f: FuncDecl): void => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const g of f.calls) visit(g);
    out.push(f);
  };
  funcs.forEach(visit);
  return out;
}

/** The inliner's cost: one per syntax node, a call it cannot inline costs 57 more. */
function inlineCost(c: Checked, f: FuncDecl, callCostOf: (g: FuncDecl) => number): number {
  c.ctx.current = f;
  let cost = 0;
  const walk = (n: Node): void => {
    if (!n.isNamed || n.type === 'comment') return;
    if (['go_statement', 'defer_statement', 'select_statement'].includes(n.type)) cost += 1000;
    if (n.type === 'call_expression') {
      const fnNode = n.childForFieldName('function')!;
      const o = fnNode.type === 'identifier' ? c.uses.get(fnNode.id) : undefined;
      const callee = o?.kind === 'func' ? o.fn : o?.kind === 'generic' || fnNode.type !== 'identifier' ? c.callTargets.get(n.id) : undefined;
      if (fnNode.type === 'selector_expression' && callee === undefined) cost += callCost;
      // A call of a func value: the inliner does not know its target.
      if (fnNode.type === 'identifier' && o?.kind === 'var') cost += callCost;
      if (callee !== undefined) cost += callee === f ? callCost : callCostOf(callee);
    }
    if (['identifier', 'int_literal', 'binary_expression', 'unary_expression', 'call_expression', 'selector_expression', 'index_expression', 'composite_literal', 'assignment_statement', 'short_var_declaration', 'return_statement', 'if_statement', 'for_statement', 'inc_statement', 'interpreted_string_literal', 'slice_expression'].includes(n.type)) cost++;
    for (const ch of n.namedChildren) if (ch) walk(ch);
  };
  walk(f.node.childForFieldName('body')!);
  return cost;
}

function hasPointers(t: GoType | null): boolean {
  // A time.Time holds its *Location (gomem keeps the instant alone, as a number).
  return t === null || t.pointers || t.str === 'time.Time';
}

class FuncAnalysis {
  private readonly heap: Loc;
  private readonly locs = new Map<VarObj, Loc>();
  private readonly sites = new Map<number, Loc>();
  private readonly all: Loc[] = [];
  private depth = 0;
  /** Results of calls to inlinable functions, by call node. */
  private readonly callResults = new Map<number, Loc>();
  /** The function whose return statements are being analysed: f, or a func literal inside it. */
  private cur: FuncDecl;
  /** Conversions whose operand is being analysed (the box's contents). */
  private readonly converting = new Set<number>();

  constructor(
    readonly c: Checked,
    readonly f: FuncDecl,
    readonly summaries: Map<FuncDecl, Summary>,
    readonly r: EscapeResult,
  ) {
    this.heap = this.newLoc('heap', null, null);
    this.cur = f;
  }

  private newLoc(name: string, v: VarObj | null, site: Node | null): Loc {
    const l: Loc = { name, v, site, fn: this.f, edges: [], loopDepth: this.depth, escapes: false, dist: Infinity };
    this.all.push(l);
    return l;
  }

  private varLoc(v: VarObj): Loc {
    if (v.fn === null) return this.heap; // package variables live in .bss: storing into one is storing to the heap
    let l = this.locs.get(v);
    if (l === undefined) {
      l = this.newLoc(v.name, v, null);
      this.locs.set(v, l);
    }
    return l;
  }

  private siteLoc(n: Node): Loc {
    let l = this.sites.get(n.id);
    if (l === undefined) {
      l = this.newLoc(n.text, null, n);
      this.sites.set(n.id, l);
    }
    return l;
  }

  private edge(dst: Loc, src: Loc, derefs: number): void {
    if (dst === src && derefs >= 0) return;
    dst.edges.push({ src, derefs });
  }

  build(): void {
    this.c.ctx.current = this.f;
    // Parameters and results first (loop depth 0); locals when their declaration is reached.
    for (const v of this.f.vars) if (v.param || v.result) this.varLoc(v);
    this.stmts(this.f.node.childForFieldName('body')!);
  }

  /** Sites of main.init laid out statically: no lines of theirs. */
  private readonly statics = new Set<number>();

  /** main.init's body: each package variable's initialiser, stored into the variable (the heap). */
  buildInit(): void {
    this.c.ctx.current = this.f;
    for (const g of this.c.globalInits) {
      if (g.value === null) continue;
      staticInit(this.c, g.value, this.statics, this.r.captures);
      this.flow(this.heap, g.value, 0);
    }
  }

  buildAndSolveInlined(): void {
    this.build();
    this.solve(true);
  }

  // ── building the graph ───────────────────────────────────────────────

  private type(n: Node): GoType | null {
    const i = this.c.exprs.get(n.id);
    if (i === undefined || isTuple(i.type) || isUntyped(i.type)) return null;
    return i.type;
  }

  private stmts(n: Node): void {
    // A looping label (a goto back to it) makes the rest of its block one loop deeper, as a for does.
    const depth = this.depth;
    for (const s of named(n)) this.stmt(s);
    this.depth = depth;
  }

  private stmt(s: Node): void {
    switch (s.type) {
      case 'block':
      case 'statement_list':
        return this.stmts(s);
      case 'expression_statement':
        return this.flow(null, named(s)[0]!, 0);
      case 'labeled_statement': {
        const name = named(s)[0]!.text;
        if (gotosOf(s).some((g) => named(g)[0]?.text === name && g.startIndex > s.startIndex)) this.depth++;
        const inner = named(s).find((x) => x.type !== 'label_name');
        if (inner !== undefined) this.stmt(inner);
        return;
      }
      case 'short_var_declaration':
      case 'assignment_statement': {
        const lhs = named(s.childForFieldName('left')!);
        const rhs = named(s.childForFieldName('right')!);
        if (rhs.length === 1 && lhs.length > 1) {
          const tmp = this.newLoc('tuple', null, null);
          this.flow(tmp, rhs[0]!, 0);
          for (const l of lhs) this.assign(l, null, tmp);
          return;
        }
        // val.x = val.y, val[i] = val[j]: the compiler ignores a self-assignment (nothing new is reachable from val).
        if (lhs.length === 1 && rhs.length === 1 && s.childForFieldName('operator')?.text === '=' && isSelfAssign(this.c, lhs[0]!, rhs[0]!)) {
          this.flow(null, rhs[0]!, 0);
          return;
        }
        lhs.forEach((l, i) => this.assign(l, rhs[i]!, null));
        return;
      }
      case 'var_declaration':
        for (const spec of s.descendantsOfType('var_spec').filter((x): x is Node => x !== null)) {
          const names = spec.childrenForFieldName('name').filter((x): x is Node => x !== null);
          const vl = spec.childForFieldName('value');
          const vals = vl ? named(vl) : [];
          names.forEach((id, i) => {
            // Declared here, at this loop depth, whether or not it has a value yet.
            const v = this.c.defs.get(id.id);
            if (v !== undefined) this.varLoc(v);
            if (vals[i]) this.assign(id, vals[i]!, null);
          });
        }
        return;
      case 'inc_statement':
      case 'dec_statement':
        // m[k]++ stores the key into the map.
        this.placeLoc(named(s)[0]!);
        return;
      case 'for_statement':
        // The loop's own variables (Go 1.22: one per iteration) and its body are one loop deeper.
        this.depth++;
        for (const ch of named(s)) {
          if (ch.type === 'range_clause') this.range(ch);
          else if (['block', 'for_clause'].includes(ch.type)) this.stmt(ch);
          else this.flow(null, ch, 0);
        }
        this.depth--;
        return;
      case 'if_statement':
      case 'expression_switch_statement':
      case 'for_clause':
      case 'expression_case':
      case 'default_case':
        for (const ch of named(s)) {
          if (ch.type === 'range_clause') this.range(ch);
          else if (['block', 'statement_list', 'if_statement', 'for_clause', 'expression_case', 'default_case', 'short_var_declaration', 'assignment_statement', 'inc_statement', 'dec_statement', 'expression_statement'].includes(ch.type)) this.stmt(ch);
          else this.flow(null, ch, 0);
        }
        return;
      case 'select_statement':
        for (const c of named(s)) {
          const comm = c.childForFieldName('communication');
          if (comm?.type === 'send_statement') this.stmt(comm);
          else if (comm?.type === 'receive_statement') {
            // A received value comes from the channel's buffer or a sender: nothing of this frame.
            this.flow(null, comm.childForFieldName('right')!, 0);
            const left = comm.childForFieldName('left');
            for (const l of left ? named(left) : []) {
              const v = this.c.defs.get(l.id);
              if (v !== undefined) this.varLoc(v);
              else if (l.text !== '_') this.assign(l, null, this.newLoc('recv', null, null));
            }
          }
          for (const b of named(c).filter((y) => y.type === 'statement_list')) this.stmt(b);
        }
        return;
      case 'type_switch_statement': {
        for (const ch of named(s)) {
          if (ch.type === 'short_var_declaration' || ch.type === 'assignment_statement' || ch.type === 'expression_statement') this.stmt(ch);
        }
        const x = s.childForFieldName('value')!;
        const tmp = this.newLoc('switch', null, null);
        this.flow(tmp, x, 0);
        for (const c of named(s).filter((y) => y.type === 'type_case' || y.type === 'default_case')) {
          const v = this.c.switchVars.get(c.id);
          if (v !== undefined) {
            const boxed = under(v.type).kind !== Kind.Interface && !isDirectIface(v.type);
            this.edge(this.varLoc(v), tmp, boxed ? 1 : 0);
          }
          for (const b of named(c).filter((y) => y.type === 'statement_list')) this.stmts(b);
        }
        return;
      }
      case 'go_statement':
      case 'defer_statement': {
        const call = named(s)[0]!;
        if (s.type === 'defer_statement') {
          // A defer outside loops keeps its call on the stack (open-coded); in a loop its record, holding the
          // function and the arguments, is on the heap. Either way the call is analysed where it is written.
          const fnNode = call.childForFieldName('function')!;
          const inner = fnNode.type === 'parenthesized_expression' ? named(fnNode)[0]! : fnNode;
          const args = named(call.childForFieldName('arguments')!);
          if (inner.type !== 'func_literal') {
            this.flow(null, call, 0);
            if (this.depth > 0) for (const a of args) this.flow(this.heap, a, 0);
            return;
          }
          this.flow(this.depth === 0 ? null : this.heap, inner, 0);
          const lit = this.c.lits.get(inner.id)!;
          args.forEach((a, i) => (lit.params[i] ? this.flow(this.varLoc(lit.params[i]!), a, 0) : this.flow(null, a, 0)));
          return;
        }
        // The arguments of go f(…) are kept by the new goroutine (and those of a defer in a loop by its heap-allocated record): they flow to the heap.
        
        for (const a of named(call.childForFieldName('arguments')!)) this.flow(this.heap, a, 0);
        {
          // go f(a, x, y) of a variadic f: the ... slice is made in the new goroutine's wrapper, from values it was given.
          const fn0 = call.childForFieldName('function')!;
          const o = fn0.type === 'identifier' ? this.c.uses.get(fn0.id) : undefined;
          const argList = call.childForFieldName('arguments')!;
          if (o?.kind === 'func' && o.fn.sig.variadic && !named(argList).some((a) => a.type === 'variadic_argument') && named(argList).length >= o.fn.sig.params!.length) this.siteLoc(argList);
        }
        const fnNode = call.childForFieldName('function')!;
        const ft = this.type(fnNode);
        if (ft !== null && under(ft).kind === Kind.Func && this.c.uses.get(fnNode.id)?.kind !== 'func') this.flow(this.heap, fnNode, 0);
        return;
      }
      case 'return_statement': {
        const list = named(s)[0];
        const vals = list ? named(list) : [];
        if (vals.length === 1 && this.cur.results.length > 1) {
          const tmp = this.newLoc('tuple', null, null);
          this.flow(tmp, vals[0]!, 0);
          for (const res of this.cur.results) this.edge(this.varLoc(res), tmp, 0);
          return;
        }
        vals.forEach((v, i) => this.flow(this.varLoc(this.cur.results[i]!), v, 0));
        return;
      }
    }
  }

  private range(rc: Node): void {
    const right = rc.childForFieldName('right')!;
    const left = rc.childForFieldName('left');
    const lhs = left ? named(left) : [];
    const tmp = this.newLoc('range', null, null);
    this.flow(tmp, right, 0);
    const t = this.type(right);
    const deref = t !== null && under(t).kind === Kind.Slice ? 1 : 0;
    const vn = lhs[1];
    if (vn && vn.text !== '_') {
      const elemLoc = this.newLoc('elem', null, null);
      this.edge(elemLoc, tmp, deref);
      this.assign(vn, null, elemLoc);
    }
  }

  /** dst = src (src a node, or a location already holding the value). */
  private assign(lhs: Node, rhs: Node | null, from: Loc | null): void {
    const dst = this.placeLoc(lhs);
    if (rhs !== null) this.flow(dst, rhs, 0);
    else if (from !== null && dst !== null) this.edge(dst, from, 0);
  }

  /** The location an assignment to this place stores into (the heap, through pointers). */
  private placeLoc(x: Node): Loc | null {
    if (x.type === 'parenthesized_expression') return this.placeLoc(named(x)[0]!);
    if (x.text === '_') return null;
    if (x.type === 'identifier') {
      const v = this.c.defs.get(x.id) ?? this.c.uses.get(x.id);
      return v?.kind === 'var' ? this.varLoc(v) : null;
    }
    if (x.type === 'selector_expression' || x.type === 'index_expression') {
      const operand = x.childForFieldName('operand')!;
      const t = this.type(operand);
      if (t !== null && (under(t).kind === Kind.Pointer || under(t).kind === Kind.Slice || under(t).kind === Kind.Map)) {
        this.flow(null, operand, 0);
        // m[k] = v: mapassign copies the key into the map too.
        if (under(t).kind === Kind.Map) this.flow(this.heap, x.childForFieldName('index')!, 0);
        return this.heap;
      }
      if (x.type === 'index_expression') this.flow(null, x.childForFieldName('index')!, 0);
      return this.placeLoc(operand);
    }
    if (x.type === 'unary_expression') {
      this.flow(null, x.childForFieldName('operand')!, 0);
      return this.heap;
    }
    return null;
  }

  /** The value of expression e flows to dst with `derefs` more dereferences (dst null: evaluated for effects). */
  private flow(dst: Loc | null, e: Node, derefs: number): void {
    // A value converted to an interface: the box is an allocation holding a copy of it, and the interface points at the box.
    // A pointer-shaped value is the data word itself: no box.
    const conv = this.c.convs.get(e.id);
    const dyn = conv !== undefined ? this.type(e) : null;
    if (conv !== undefined && dyn !== null && !isDirectIface(dyn) && !this.converting.has(e.id)) {
      const site = this.siteLoc(e);
      this.converting.add(e.id);
      this.flow(site, e, 0);
      this.converting.delete(e.id);
      this.edge(dst ?? this.newLoc('discard', null, null), site, derefs - 1);
      return;
    }
    // A value without pointers carries no address anywhere: only its operands' effects matter.
    const et = this.type(e);
    if (dst !== null && et !== null && !et.pointers && e.type !== 'call_expression') return this.flow(null, e, 0);
    const sink = dst ?? this.newLoc('discard', null, null);
    switch (e.type) {
      case 'identifier': {
        const o = this.c.uses.get(e.id);
        if (o?.kind === 'var' && hasPointers(o.type)) this.edge(sink, this.varLoc(o), derefs);
        return;
      }
      case 'parenthesized_expression':
      case 'variadic_argument':
        return this.flow(dst, named(e)[0]!, derefs);
      case 'unary_expression': {
        const op = e.childForFieldName('operator')!.text;
        const x = e.childForFieldName('operand')!;
        if (op === '&') return this.addrFlow(sink, x, derefs, e);
        if (op === '*') return this.flow(sink, x, derefs + 1);
        return this.flow(null, x, 0);
      }
      case 'binary_expression': {
        const op = e.childForFieldName('operator')!.text;
        const l = e.childForFieldName('left')!;
        const r = e.childForFieldName('right')!;
        if (op === '+' && et !== null && under(et).kind === Kind.String && this.c.exprs.get(e.id)?.value === undefined) {
          // s1 + s2 + …: one concatstrings call for the whole chain, whose result is an allocation site.
          const site = this.siteLoc(e);
          for (const x of concatOperands(this.c, e)) this.flow(null, x, 0);
          this.edge(sink, site, derefs - 1);
          return;
        }
        if (op === '==' || op === '!=') {
          // An interface compared with a concrete value: the value is converted into a temporary that does not escape.
          const lt = this.type(l);
          const rt = this.type(r);
          const isIface = (t: GoType | null): boolean => t !== null && under(t).kind === Kind.Interface;
          for (const [x, t, other] of [[l, lt, rt], [r, rt, lt]] as const) {
            // (An untyped constant has the interface's type already: it is converted all the same.)
            const converted = !isIface(t) || this.c.exprs.get(x.id)?.value !== undefined;
            if (converted && isIface(other) && x.type !== 'nil' && (t === null || !isDirectIface(t))) this.siteLoc(x);
          }
        }
        this.flow(null, l, 0);
        this.flow(null, r, 0);
        return;
      }
      case 'selector_expression': {
        const x = e.childForFieldName('operand')!;
        const t = this.type(x);
        if (t === null) return; // a package member
        const mv = this.c.callTargets.get(e.id);
        if (mv?.method !== undefined) {
          // A method value: its closure holds the receiver (&x for a *T method on a value).
          const site = this.siteLoc(e);
          const isPtr = under(t).kind === Kind.Pointer && t.name === '';
          if (mv.method.pointer && !isPtr) this.addrFlow(site, x, 0, null);
          else this.flow(site, x, mv.method.pointer || !isPtr ? 0 : 1);
          this.edge(sink, site, derefs - 1);
          return;
        }
        return this.flow(sink, x, derefs + (under(t).kind === Kind.Pointer ? 1 : 0));
      }
      case 'index_expression': {
        const x = e.childForFieldName('operand')!;
        this.flow(null, e.childForFieldName('index')!, 0);
        const t = this.type(x);
        return this.flow(sink, x, derefs + (t !== null && (under(t).kind === Kind.Pointer || under(t).kind === Kind.Slice || under(t).kind === Kind.Map) ? 1 : 0));
      }
      case 'slice_expression': {
        const x = e.childForFieldName('operand')!;
        for (const f of ['start', 'end', 'capacity']) {
          const i = e.childForFieldName(f);
          if (i) this.flow(null, i, 0);
        }
        const t = this.type(x);
        if (t !== null && under(t).kind === Kind.Array) return this.addrFlow(sink, x, derefs, null);
        return this.flow(sink, x, derefs);
      }
      case 'composite_literal': {
        // A struct or array value: its elements flow where it goes; a slice literal is an allocation.
        const t = this.type(e);
        const elems = named(e.childForFieldName('body')!).map((x) => named(x).pop()!);
        if (t !== null && under(t).kind === Kind.Map) {
          // A map literal: the map is an allocation; its keys and values are copied into it.
          const site = this.siteLoc(e);
          for (const el of named(e.childForFieldName('body')!)) for (const kv of named(el)) this.flow(this.heap, kv.type === 'literal_element' ? named(kv)[0]! : kv, 0);
          this.edge(sink, site, derefs - 1);
          return;
        }
        if (t !== null && under(t).kind === Kind.Slice) {
          const site = this.siteLoc(e);
          for (const el of elems) this.flow(site, el.type === 'literal_element' ? named(el)[0]! : el, 0);
          this.edge(sink, site, derefs - 1);
          this.sizeCheck(site, t.elem!.size * elems.length, true);
          return;
        }
        for (const el of elems) this.flow(sink, el.type === 'literal_element' ? named(el)[0]! : el, derefs);
        return;
      }
      case 'call_expression':
        return this.call(sink, e, derefs);
      case 'type_assertion_expression': {
        // x.(T): an interface's own words, or (a non-pointer T) a copy of what its data word points at.
        const t = this.type(e);
        const boxed = t !== null && under(t).kind !== Kind.Interface && !isDirectIface(t);
        return this.flow(sink, e.childForFieldName('operand')!, derefs + (boxed ? 1 : 0));
      }
      case 'func_literal': {
        // The closure object holds the captured variables (their addresses when captured by reference).
        const site = this.siteLoc(e);
        for (const cap of this.r.captures.get(e.id) ?? []) this.edge(site, this.varLoc(cap.v), cap.byRef ? -1 : 0);
        this.edge(sink, site, derefs - 1);
        // Called through a func value, its results go where the caller's unknown call puts them: the heap.
        const lit = this.c.lits.get(e.id)!;
        this.litBody(lit);
        for (const res of lit.results) this.edge(this.heap, this.varLoc(res), 0);
        return;
      }
      case 'type_conversion_expression':
        if (this.copyingConversion(e, e.childForFieldName('operand')!)) return this.edge(sink, this.siteLoc(e), derefs - 1);
        return this.flow(sink, e.childForFieldName('operand')!, derefs);
    }
  }

  /**
   * x.M() on an interface variable whose value is known statically (a
   * local declared from a conversion of a concrete value and never
   * reassigned): the compiler devirtualizes it into a call of the concrete
   * method (devirtualize.StaticCall), so the receiver does not leak.
   */
  private devirtualized(fnNode: Node): { method: FuncDecl; pointer: boolean } | null {
    if (fnNode.type !== 'selector_expression') return null;
    const operand = fnNode.childForFieldName('operand')!;
    const ot = this.type(operand);
    if (operand.type !== 'identifier' || ot === null || under(ot).kind !== Kind.Interface) return null;
    const v = this.c.uses.get(operand.id);
    if (v?.kind !== 'var' || v.fn === null || v.param || v.result || v.assigned === true || v.addrTaken) return null;
    const init = initializer(v);
    if (init === null || !this.c.convs.has(init.id)) return null;
    const dyn = this.type(init);
    if (dyn === null) return null;
    const pointer = under(dyn).kind === Kind.Pointer && dyn.name === '';
    const base = pointer ? dyn.elem! : dyn;
    const name = fnNode.childForFieldName('field')!.text;
    const method = this.c.funcs.find((f) => f.method?.recv === base && f.method.name === name);
    return method === undefined ? null : { method, pointer };
  }

  /** string(b), []byte(s), string(r): a conversion that makes a new string or slice (an allocation site); its operand is only read. */
  private copyingConversion(e: Node, x: Node): boolean {
    const to = this.type(e);
    const from = this.type(x);
    if (to === null || from === null || this.c.exprs.get(e.id)?.value !== undefined) return false;
    const tk = under(to).kind;
    const fk = under(from).kind;
    const copying = (tk === Kind.String && fk === Kind.Slice) || (tk === Kind.Slice && fk === Kind.String) || (tk === Kind.String && fk !== Kind.String && under(from).kind !== Kind.Interface && isIntegerKind(fk));
    if (copying) this.flow(null, x, 0);
    return copying;
  }

  /** A func literal's body, analysed with its holder's locations (its captures are the holder's variables). */
  private litBody(lit: FuncDecl): void {
    const saved = this.cur;
    this.cur = lit;
    for (const v of lit.vars) if (v.param || v.result) this.varLoc(v);
    this.stmts(lit.node.childForFieldName('body')!);
    this.cur = saved;
  }

  /** &x flows to dst. */
  private addrFlow(dst: Loc, x: Node, derefs: number, site: Node | null): void {
    const inner = x.type === 'parenthesized_expression' ? named(x)[0]! : x;
    if (inner.type === 'composite_literal' && site !== null) {
      const l = this.siteLoc(site);
      this.flow(l, inner, 0);
      this.edge(dst, l, derefs - 1);
      this.sizeCheck(l, this.type(inner)?.size ?? 0, true);
      return;
    }
    if (inner.type === 'identifier') {
      const o = this.c.uses.get(inner.id);
      if (o?.kind === 'var') this.edge(dst, this.varLoc(o), derefs - 1);
      return;
    }
    if (inner.type === 'selector_expression' || inner.type === 'index_expression') {
      const operand = inner.childForFieldName('operand')!;
      const t = this.type(operand);
      if (t !== null && (under(t).kind === Kind.Pointer || under(t).kind === Kind.Slice)) return this.flow(dst, operand, derefs);
      return this.addrFlow(dst, operand, derefs, null);
    }
    if (inner.type === 'unary_expression' && inner.childForFieldName('operator')!.text === '*') return this.flow(dst, inner.childForFieldName('operand')!, derefs);
  }

  private sizeCheck(l: Loc, size: number, implicit: boolean): void {
    if (size > (implicit ? maxImplicitStackVarSize : maxStackVarSize)) this.edge(this.heap, l, -1);
  }

  private call(dst: Loc, e: Node, derefs: number): void {
    const fnNode = e.childForFieldName('function')!;
    const args = named(e.childForFieldName('arguments')!);
    const o = fnNode.type === 'identifier' ? this.c.uses.get(fnNode.id) : undefined;
    const litNode = fnNode.type === 'parenthesized_expression' ? named(fnNode)[0]! : fnNode;
    if (litNode.type === 'func_literal') {
      // func(…){…}(args): called where it is written, it needs no closure object; its arguments are its parameters.
      // One the inliner refuses (a defer, go or select in it) is still a func value the compiler reports.
      if (hasUninlinable(litNode)) this.siteLoc(litNode);
      const lit = this.c.lits.get(litNode.id)!;
      this.litBody(lit);
      args.forEach((a, i) => lit.params[i] && this.flow(this.varLoc(lit.params[i]!), a, 0));
      for (const res of lit.results) this.edge(dst, this.varLoc(res), derefs);
      return;
    }
    if (o?.kind === 'builtin') return this.builtin(dst, e, o.name, args, derefs);
    if (o?.kind === 'type' || this.c.typeNodes.has(fnNode.id)) {
      if (this.copyingConversion(e, args[0]!)) return this.edge(dst, this.siteLoc(e), derefs - 1);
      return this.flow(dst, args[0]!, derefs);
    }
    const explicit = litNode.type === 'index_expression' || fnNode.type === 'selector_expression' ? this.c.callTargets.get(e.id) : undefined;
    const devirt = this.devirtualized(fnNode);
    if (o?.kind === 'func' || o?.kind === 'generic' || explicit !== undefined || devirt !== null) {
      const callee = devirt?.method ?? (o?.kind === 'func' ? o.fn : this.c.callTargets.get(e.id)!);
      // A method's receiver is its first argument: &x for a *T receiver on a value, *p for a T receiver through a pointer.
      type Arg = (to: Loc | null, d: number) => void;
      let argFlows: Arg[] = args.map((a) => (to, d) => this.flow(to, a, d));
      const argList = e.childForFieldName('arguments')!;
      if (callee.sig.variadic && !args.some((a) => a.type === 'variadic_argument')) {
        // f(a, b, c) of f(xs ...T): the extra arguments go into an implicit []T, an allocation site ("... argument").
        // (A method's receiver is not among args: it is its first parameter.)
        const fixed = callee.sig.params!.length - 1 - (callee.method !== undefined ? 1 : 0);
        const extra = args.slice(fixed);
        argFlows = argFlows.slice(0, fixed);
        if (extra.length > 0) {
          argFlows.push((to, d) => {
            const site = this.siteLoc(argList);
            for (const a of extra) this.flow(site, a, 0);
            if (to !== null) this.edge(to, site, d - 1);
          });
        }
      }
      if (devirt !== null) {
        // The receiver is the interface's data word: the pointer itself, or (a value type) what its box holds.
        const operand = fnNode.childForFieldName('operand')!;
        argFlows.unshift((to, d) => this.flow(to, operand, d + (devirt.pointer ? 0 : 1)));
      } else if (callee.method !== undefined) {
        const operand = fnNode.childForFieldName('operand')!;
        const ot = this.type(operand);
        const isPtr = ot !== null && under(ot).kind === Kind.Pointer && ot.name === '';
        if (callee.method.pointer && !isPtr) argFlows.unshift((to, d) => this.addrFlow(to ?? this.newLoc('discard', null, null), operand, d, null));
        else if (!callee.method.pointer && isPtr) argFlows.unshift((to, d) => this.flow(to, operand, d + 1));
        else argFlows.unshift((to, d) => this.flow(to, operand, d));
      }
      const s = this.summaries.get(callee);
      if (this.r.inlinable.has(callee) && callee.results.some((v) => v.type.pointers)) {
        // The call's value, as a location: where it goes decides which copy of the callee runs.
        const res = this.newLoc('call result', null, null);
        this.callResults.set(e.id, res);
        this.edge(dst, res, derefs);
        dst = res;
        derefs = 0;
      }
      argFlows.forEach((a, i) => {
        if (s === undefined) return a(this.heap, 0); // recursion: assume the worst
        const h = s.heap[i];
        if (h !== null && h !== undefined) a(this.heap, h);
        (s.results[i] ?? []).forEach((lvl) => lvl !== null && a(dst, derefs + lvl));
        if ((h === null || h === undefined) && (s.results[i] ?? []).every((x) => x === null)) a(null, 0);
      });
      return;
    }
    if (fnNode.type === 'selector_expression') {
      const pkg = this.c.uses.get(fnNode.childForFieldName('operand')!.id);
      const name = fnNode.childForFieldName('field')!.text;
      if (pkg?.kind === 'pkg') {
        if (pkg.path === 'fmt' || pkg.path === 'log') {
          // Each operand is converted to an interface: a copy that escapes (the printer keeps it), and "... argument does not escape".
          // Printf's format, and Fprint*'s writer (os.Stdout: a pointer already, no conversion copy), are not operands.
          const first = (name.endsWith('f') ? 1 : 0) + (name.startsWith('Fprint') ? 1 : 0);
          args.forEach((a, i) => {
            if (i < first) return this.flow(null, a, 0);
            // An operand that is an interface already is passed as it is: no conversion, no copy.
            if (this.type(a)?.kind === Kind.Interface || under(this.type(a) ?? ({ kind: 0 } as GoType)).kind === Kind.Interface) return this.flow(this.heap, a, 0);
            // The interface conversion's copy: reported even for constants, which need no allocation.
            const site = this.siteLoc(a);
            this.edge(this.heap, site, -1);
            this.flow(this.heap, a, 0);
          });
          if (args.length > first) this.r.lines.push({ node: e, msg: '... argument does not escape' });
          return;
        }
        if (pkg.path === 'errors' && name === 'New') {
          // errors.New is inlined: its &errorString{s} is an allocation site at the call's parenthesis.
          const site = this.siteLoc(e.childForFieldName('arguments')!);
          for (const a of args) this.flow(site, a, 0);
          this.edge(dst, site, derefs - 1);
          return;
        }
        if (pkg.path === 'runtime/metrics' && name === 'Read') {
          // The runtime fills the samples through a linkname'd function the compiler cannot see into: s leaks.
          for (const a of args) this.flow(this.heap, a, 0);
          return;
        }
        if (pkg.path === 'runtime' && name === 'KeepAlive') {
          // Converted to the interface parameter, which does not escape.
          for (const a of args) if (this.type(a)?.kind !== Kind.Interface) this.r.lines.push({ node: a, msg: `${a.text} does not escape` });
        }
        for (const a of args) this.flow(null, a, 0);
        return;
      }
    }
    const ft = this.type(fnNode);
    if (fnNode.type === 'selector_expression') {
      const operand = fnNode.childForFieldName('operand')!;
      const ot = this.type(operand)?.str ?? '';
      const m = stdMethods[ot]?.[fnNode.childForFieldName('field')!.text];
      if (m !== undefined && /^\*?sync\./.test(ot)) {
        // sync's methods hand their receiver to the runtime's semaphores: it leaks (a local Mutex moves to the heap).
        if (m.byAddr) this.addrFlow(this.heap, operand, 0, null);
        else this.flow(this.heap, operand, 0);
        // What Put hands the pool is kept beyond the call (it leaks, as sync.(*Pool).Put's x does).
        const kept = /sync\.Pool$/.test(ot) && fnNode.childForFieldName('field')!.text === 'Put';
        for (const a of args) this.flow(kept ? this.heap : null, a, 0);
        return;
      }
    }
    if (fnNode.type === 'selector_expression' && this.type(fnNode.childForFieldName('operand')!)?.str === 'metrics.Value' && ['Uint64', 'Float64'].includes(fnNode.childForFieldName('field')!.text)) {
      // Inlined, with the panic a wrong kind raises: its message converted to an interface at the call.
      const f = fnNode.childForFieldName('field')!.text;
      this.r.lines.push({ node: e.childForFieldName('arguments')!, msg: `"called ${f} on non-${f.toLowerCase()} metric value" escapes to heap` });
    }
    if (fnNode.type === 'selector_expression' && /^\*?strings\.Builder$/.test(this.type(fnNode.childForFieldName('operand')!)?.str ?? '') && ['WriteString', 'WriteByte'].includes(fnNode.childForFieldName('field')!.text)) {
      // Inlined with copyCheck, whose panic message is a constant converted to an interface at the call.
      this.r.lines.push({ node: e.childForFieldName('arguments')!, msg: '"strings: illegal use of non-zero Builder copied by value" escapes to heap' });
    }
    const stdMethod = fnNode.type === 'selector_expression' && stdMethods[this.type(fnNode.childForFieldName('operand')!)?.str ?? '']?.[fnNode.childForFieldName('field')!.text] !== undefined;
    if (ft !== null && under(ft).kind === Kind.Func && !stdMethod) {
      // A call of a func value or of an interface's method: its target is unknown, so its arguments (and the receiver) leak to the heap.
      const operand = fnNode.type === 'selector_expression' ? fnNode.childForFieldName('operand')! : null;
      const ot = operand !== null ? this.type(operand) : null;
      if (operand !== null && ot !== null && under(ot).kind === Kind.Interface) this.flow(this.heap, operand, 0);
      else this.flow(null, fnNode, 0);
      for (const a of args) this.flow(this.heap, a, 0);
    }
  }

  private builtin(dst: Loc, e: Node, name: string, args: Node[], derefs: number): void {
    switch (name) {
      case 'new': {
        const l = this.siteLoc(e);
        this.edge(dst, l, derefs - 1);
        this.sizeCheck(l, this.c.typeNodes.get(args[0]!.id)?.size ?? 0, true);
        return;
      }
      case 'make': {
        // A channel is always made by makechan on the heap: no escape decision, no -m line.
        if (under(this.c.typeNodes.get(args[0]!.id)!).kind === Kind.Chan) {
          for (const a of args.slice(1)) this.flow(null, a, 0);
          return;
        }
        const l = this.siteLoc(e);
        this.edge(dst, l, derefs - 1);
        const t = this.c.typeNodes.get(args[0]!.id)!;
        if (under(t).kind === Kind.Map) {
          // makemap: escapes like any allocation (a map that does not is on the stack in Go; gomem's is on the heap).
          for (const a of args.slice(1)) this.flow(null, a, 0);
          return;
        }
        const lens = args.slice(1).map((a) => this.c.exprs.get(a.id)?.value);
        for (const a of args.slice(1)) this.flow(null, a, 0);
        const n = lens[lens.length - 1];
        if (typeof n !== 'number') this.edge(this.heap, l, -1); // non-constant size
        else this.sizeCheck(l, n * t.elem!.size, true);
        return;
      }
      case 'append': {
        this.flow(dst, args[0]!, derefs);
        // append(s, xs...): xs's elements are copied into s's array (the heap, as for single values).
        if (args[1]?.type === 'variadic_argument') return this.flow(this.heap, named(args[1])[0]!, 1);
        for (const a of args.slice(1)) this.flow(this.heap, a, 0);
        return;
      }
      case 'panic': {
        // panic(v) converts v to an interface that the panic keeps: the copy escapes.
        const a = args[0]!;
        if (this.type(a) === null || under(this.type(a)!).kind !== Kind.Interface) this.edge(this.heap, this.siteLoc(a), -1);
        this.flow(this.heap, a, 0);
        return;
      }
      default:
        for (const a of args) this.flow(null, a, 0);
    }
  }

  // ── solving ──────────────────────────────────────────────────────────

  solve(inlined: boolean): Summary {
    this.c.ctx.current = this.f;
    const results = this.f.results.map((v) => this.varLoc(v));
    const params = this.f.params.map((v) => this.varLoc(v));
    const summary: Summary = { heap: params.map(() => null), results: params.map(() => results.map(() => null)) };
    const roots: Loc[] = [this.heap];
    // Results outlive the frame when the function runs as its own call; inlined, they are the caller's variables.
    if (!inlined) roots.push(...results);
    const firstLocal = roots.length;
    // Every other variable is a root too, for the loop rule only.
    roots.push(...this.all.filter((l) => l.v !== null && !l.v.param && !l.v.result));
    for (let i = 0; i < roots.length; i++) {
      const root = roots[i]!;
      const heapRoot = root === this.heap || root.escapes;
      this.walk(root);
      if (i >= firstLocal && !heapRoot) {
        for (const l of this.all) {
          if (l.dist < 0 && l !== root && !l.escapes && !l.v?.param && root.loopDepth < l.loopDepth) {
            l.escapes = true;
            roots.push(l);
          }
        }
        continue;
      }
      // Results outlive every location of the frame, parameters included: the caller may keep them (escape.go's outlives).
      const outlives = heapRoot || i < firstLocal;
      for (const l of this.all) {
        if (l.dist === Infinity || l === root) continue;
        if (l.dist < 0 && !l.escapes && (outlives || (!l.v?.param && l !== root))) {
          if (l.v?.param || l.v?.result) {
            // A parameter's own address escaping (to the heap, or to a result) moves the parameter to the heap.
            if (l.v.param && outlives) (l.escapes = true), roots.push(l);
            else if (!l.v.result) (l.escapes = true), roots.push(l);
            continue;
          }
          l.escapes = true;
          roots.push(l);
        }
        for (const [id, res] of this.callResults) if (res === l && l.dist <= 0 && !inlined) this.r.escapingCalls.add(id);
        const pi = l.v !== null ? params.indexOf(l) : -1;
        if (pi >= 0 && l.dist >= 0 && hasPointers(l.v!.type)) {
          if (heapRoot) summary.heap[pi] = Math.min(summary.heap[pi] ?? Infinity, l.dist);
          else {
            const ri = results.indexOf(root);
            if (ri >= 0) summary.results[pi]![ri] = Math.min(summary.results[pi]![ri] ?? Infinity, l.dist);
          }
        }
      }
    }
    // A parameter moved to the heap: the argument is stored into its heap copy, so it leaks to the heap at its callers.
    params.forEach((l, pi) => {
      if (l.escapes && hasPointers(l.v!.type)) summary.heap[pi] = 0;
    });
    this.record(inlined, summary, params);
    return summary;
  }

  /** Fewest derefs from each location to root (Bellman-Ford: edges carry derefs; a deref count never goes below -1). */
  private walk(root: Loc): void {
    for (const l of this.all) l.dist = Infinity;
    root.dist = 0;
    const work = [root];
    while (work.length > 0) {
      const l = work.pop()!;
      // root = &l; l = x: l's address flows to the root, x's does not (the compiler bounds the base at 0).
      const base = Math.max(l.dist, 0);
      for (const { src, derefs } of l.edges) {
        const d = base + derefs;
        // A location that escapes is a root of its own: what flows into it is found from there.
        if (l !== root && l.escapes && l.dist >= 0) continue;
        if (d < src.dist) {
          src.dist = d;
          work.push(src);
        }
      }
    }
  }

  private record(inlined: boolean, s: Summary, params: Loc[]): void {
    const heapVars = inlined ? this.r.inlineHeap : this.r.heapVars;
    const heapSites = inlined ? this.r.inlineHeapSites : this.r.heapSites;
    for (const l of this.all) {
      if (l.v !== null && l.escapes) {
        heapVars.add(l.v);
        if (!inlined) this.r.lines.push({ node: l.v.decl, msg: `moved to heap: ${l.v.name}` });
      }
      if (l.site !== null) {
        if (l.escapes) heapSites.add(l.site.id);
        // An inlined copy's sites are reported at its call sites (reportInlinedSites).
        if (!inlined && !this.statics.has(l.site.id)) this.r.lines.push({ node: l.site, msg: `${shaped(siteText(l.site, this.c, this.r.inlinable), this.f)} ${l.escapes ? 'escapes to heap' : 'does not escape'}`, inst: this.f.typeArgs ? this.f.name : undefined });
      }
    }
    // A generic function is compiled per shape: the compiler prints no parameter lines for its instances.
    if (inlined || this.f.typeArgs !== undefined) return;
    params.forEach((l, i) => {
      const v = l.v!;
      // A parameter moved to the heap is reported as moved, not as leaking (escape.go's paramTag).
      if (!hasPointers(v.type) || v.name === '_' || l.escapes) return;
      const h = s.heap[i];
      const res = s.results[i]!;
      if (h === 0) this.r.lines.push({ node: v.decl, msg: `leaking param: ${v.name}` });
      else if (h !== null && h !== undefined) this.r.lines.push({ node: v.decl, msg: `leaking param content: ${v.name}` });
      const ri = res.findIndex((x) => x !== null);
      if ((h === null || h === undefined) && ri >= 0) this.r.lines.push({ node: v.decl, msg: `leaking param: ${v.name} to result ${this.f.results[ri]!.name} level=${res[ri]}` });
      else if ((h === null || h === undefined) && !l.escapes) this.r.lines.push({ node: v.decl, msg: `${v.name} does not escape` });
    });
  }
}

/** Standard-library functions gc inlines (go build -gcflags=-m: "inlining call to …"), whose results print as ~r0. */
const inlinedStd = new Set(['strconv.Itoa', 'strings.Contains', 'strings.HasPrefix', 'strings.HasSuffix', 'strings.Index', 'strings.Split', 'errors.New']);

/**
 * A site's text in an instance of a generic function or method: gc compiles one body per shape, and
 * prints a type parameter in a type's arguments as its shape (node[T] in List[string]'s Add: node[go.shape.string]).
 */
function shaped(text: string, f: FuncDecl): string {
  if (f.typeArgs === undefined || !text.includes('[')) return text;
  const names: string[] = [];
  const tps = f.node.childForFieldName('type_parameters');
  if (tps !== null) for (const d of named(tps)) for (const n of d.childrenForFieldName('name')) if (n) names.push(n.text);
  const recv = f.method !== undefined ? named(f.node.childForFieldName('receiver')!)[0]?.childForFieldName('type') : null;
  const base = recv?.type === 'pointer_type' ? named(recv)[0] : recv;
  if (base?.type === 'generic_type') for (const a of named(base.childForFieldName('type_arguments')!)) names.push(a.text);
  const shape = (t: GoType): string => (under(t).kind === Kind.Pointer ? 'go.shape.*uint8' : `go.shape.${under(t).str}`);
  return text.replace(/\[([^\]]*)\]/g, (_, args: string) => `[${args.split(',').map((a) => {
    const i = names.indexOf(a.trim());
    return i >= 0 && f.typeArgs![i] !== undefined ? shape(f.typeArgs![i]!) : a.trim();
  }).join(',')}]`);
}

/** How the compiler names an allocation site in -m lines: the expression, with literals' bodies elided. */
function siteText(n: Node, c: Checked, inlinable: ReadonlySet<FuncDecl> = new Set()): string {
  // The operand of an explicit conversion to an interface is the boxing site; gc names it by the conversion: any(len(nums)).
  const call = n.parent?.type === 'argument_list' ? n.parent.parent : null;
  if (call?.type === 'call_expression' && c.convs.has(n.id)) {
    const f = unparen(call.childForFieldName('function')!);
    const o = f.type === 'identifier' ? c.uses.get(f.id) : undefined;
    const t = o?.kind === 'type' ? o.type : c.typeNodes.get(f.id);
    if (t !== undefined && under(t).kind === Kind.Interface) return `${f.text}(${siteTextOf(n, c, inlinable)})`;
  }
  return siteTextOf(n, c, inlinable);
}

function siteTextOf(n: Node, c: Checked, inlinable: ReadonlySet<FuncDecl>): string {
  // An inlined call's value is its result variable: ~r0.
  if (n.type === 'call_expression') {
    const fnNode = n.childForFieldName('function')!;
    const o = fnNode.type === 'identifier' ? c.uses.get(fnNode.id) : undefined;
    const callee = o?.kind === 'func' ? o.fn : o?.kind === 'generic' || fnNode.type !== 'identifier' ? c.callTargets.get(n.id) : undefined;
    if (callee !== undefined && inlinable.has(callee)) return callee.results[0]?.name.startsWith('~') ? '~r0' : callee.results[0]!.name;
    // The standard library's functions the compiler inlines show their result variable too.
    if (inlinedStd.has(fnNode.text)) return '~r0';
    const recvStr = fnNode.type === 'selector_expression' ? ((c.exprs.get(fnNode.childForFieldName('operand')!.id)?.type as { str?: string } | undefined)?.str ?? '') : '';
    if (fnNode.type === 'selector_expression' && ((recvStr === 'metrics.Value' && ['Uint64', 'Float64', 'Kind'].includes(fnNode.childForFieldName('field')!.text)) || (recvStr === 'time.Duration' && ['Milliseconds', 'Seconds'].includes(fnNode.childForFieldName('field')!.text)))) return '~r0';
    if (fnNode.type === 'selector_expression' && ['Len', 'Cap', 'String'].includes(fnNode.childForFieldName('field')!.text) && /^\*?strings\.Builder$/.test((c.exprs.get(fnNode.childForFieldName('operand')!.id)?.type as { str?: string } | undefined)?.str ?? '')) return '~r0';
  }
  // Arguments of new and make are shown constant-folded: make([]byte, 629145600).
  if (n.type === 'call_expression' && ['make', 'new'].includes(n.childForFieldName('function')!.text)) {
    const args = named(n.childForFieldName('arguments')!).map((a) => {
      // A type parameter's type is known only from the instance's dictionary at run time.
      const o = c.uses.get(a.id);
      if (o?.kind === 'type' && o.typeParam) return '<node DYNAMICTYPE>';
      const v = c.exprs.get(a.id)?.value;
      return typeof v === 'number' ? String(v) : a.text;
    });
    return `${n.childForFieldName('function')!.text}(${args.join(', ')})`;
  }
  if (n.type === 'unary_expression') {
    const x = named(n)[0]!;
    const inner = x.type === 'parenthesized_expression' ? named(x)[0]! : x;
    if (inner.type === 'composite_literal') return `&${inner.childForFieldName('type')!.text}{${named(inner.childForFieldName('body')!).length > 0 ? '...' : ''}}`;
  }
  if (n.type === 'func_literal') return 'func literal';
  if (n.type === 'argument_list' && n.parent?.childForFieldName('function')?.text === 'errors.New') return '&errors.errorString{...}';
  if (n.type === 'argument_list') return '... argument';
  // A conversion to a composite type is printed with the type in parentheses: ([]byte)(s).
  if (n.type === 'call_expression' && ['slice_type', 'array_type', 'map_type', 'pointer_type'].includes(n.childForFieldName('function')!.type)) {
    return `(${n.childForFieldName('function')!.text})(${named(n.childForFieldName('arguments')!).map((a) => siteText(a, c)).join(', ')})`;
  }
  if (n.type === 'type_conversion_expression') return `(${n.childForFieldName('type')!.text})(${siteText(n.childForFieldName('operand')!, c)})`;
  // A call is printed with its arguments as sites are: describe(Sq{...}).
  if (n.type === 'call_expression') return `${n.childForFieldName('function')!.text}(${named(n.childForFieldName('arguments')!).map((a) => siteText(a, c)).join(', ')})`;
  // A numeric literal that took another type than its default is printed converted: uint64(0).
  if ((n.type === 'int_literal' || n.type === 'float_literal') && n.parent?.type === 'binary_expression') {
    const t = c.exprs.get(n.id)?.type;
    const basic = t !== undefined && !isTuple(t) && !isUntyped(t) && /^(u?int(8|16|32|64)?|uintptr|float(32|64)|byte|rune)$/.test(t.str);
    if (basic && t.str !== (n.type === 'int_literal' ? 'int' : 'float64')) return `${t.str}(${n.text})`;
  }
  // The compiler prints binary expressions with spaces around the operator.
  if (n.type === 'binary_expression') return `${siteText(n.childForFieldName('left')!, c)} ${n.childForFieldName('operator')!.text} ${siteText(n.childForFieldName('right')!, c)}`;
  // A dereference of a dereference is parenthesized: *(*i), *(*v.p).
  if (n.type === 'unary_expression' && n.childForFieldName('operator')!.text === '*') {
    const x = n.childForFieldName('operand')!;
    const inner = siteText(x, c);
    return x.type === 'unary_expression' && x.childForFieldName('operator')!.text === '*' ? `*(${inner})` : `*${inner}`;
  }
  // An index is printed as its parts are: byPoint[Point{...}].
  if (n.type === 'index_expression') return `${siteText(n.childForFieldName('operand')!, c)}[${siteText(n.childForFieldName('index')!, c)}]`;
  if (n.type === 'composite_literal') return `${n.childForFieldName('type')!.text.replace(/^struct\s*\{\s*\}$/, 'struct {}')}{${named(n.childForFieldName('body')!).length > 0 ? '...' : ''}}`;
  return n.text.replace(/\s+/g, ' ');
}
