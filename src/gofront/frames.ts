// Frame sizes as the gc compiler lays them out on linux/amd64: the `$N` of
// `go build -gcflags=-S`'s `TEXT main.f(SB), ABIInternal, $N-M`. A frame
// holds (cmd/compile/internal/ssagen AllocFrame and defframe, obj/x86's
// prologue):
//
//   - the outgoing-argument area: the largest ArgWidth of any call it makes
//     (Go functions, the standard library's, and the runtime calls the
//     compiler emits: newobject, growslice, panicIndex …). Under
//     ABIInternal a callee's register arguments are spilled into this area
//     of its caller, so it is as big as the callee's parameters laid out in
//     memory even when they travel in registers;
//   - the locals that live in memory: arrays, structs too big to be SSA
//     values, variables whose address is taken, and the compiler's own
//     temporaries (fmt's [n]any argument arrays, a send's value, a
//     non-escaping &T{} or make, the buffers of string conversions, map
//     iterators, select's cases, open-coded defers' slots), sorted
//     pointer-holding first and by alignment, rounded up to 8;
//   - spill slots for values the register allocator keeps across a call
//     (a loop counter, a local pointer): 8 bytes a word. A parameter spills
//     into its home in the caller's argument area, not here;
//   - the saved frame pointer (8 bytes) when the frame is not empty or the
//     function calls anything.
//
// The CALL pushes the return address on top: a frame takes N+8 bytes of
// stack. The model follows the compiler's layout for the subset; spill
// slots are estimated from a variable's uses around calls (the register
// allocator's real decisions, and stack-slot sharing between values that
// are never live together, are not modelled), inlined calls (the
// compiler's and the standard library's) contribute their callee's calls
// and locals to the caller. docs/fidelity.md gives its measured agreement
// (test/gofront/frames.test.ts).

import { Kind, type GoType } from '../go/types.ts';
import type { Checked } from './check.ts';
import type { EscapeResult } from './escape.ts';
import type { Node } from './grammar.ts';
import { type CType, type FuncDecl, type VarObj, isTuple, isUntyped } from './objects.ts';
import { under } from './universe.ts';

const ptrSize = 8;
// Runtime calls the SSA back end emits itself (ssagen's rtcall) reserve room for their results too.
const newobjectArea = 16; // newobject(typ) unsafe.Pointer
const growsliceArea = 64; // growslice(oldPtr, newLen, oldCap, num, et) []T
const roundUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** The bytes a call's arguments take in its caller's outgoing area (ABIInternal: stack arguments, spill space of register ones, stack results). */
export function argWidth(params: readonly GoType[], results: readonly GoType[] = []): number {
  let off = 0;
  let ints = 9;
  let floats = 15;
  for (const t of params) {
    off = roundUp(off, Math.max(t.align, 1)) + t.size;
    const r = regsOf(t);
    if (r !== null && r.ints <= ints && r.floats <= floats) {
      ints -= r.ints;
      floats -= r.floats;
    }
  }
  // Results in registers need no space; results that are not register-assignable are on the stack.
  let rints = 9;
  let rfloats = 15;
  for (const t of results) {
    const r = regsOf(t);
    if (r !== null && r.ints <= rints && r.floats <= rfloats) {
      rints -= r.ints;
      rfloats -= r.floats;
    } else off = roundUp(off, Math.max(t.align, 1)) + t.size;
  }
  return roundUp(off, ptrSize);
}

/** The integer and float registers a value of type t takes (null: it is not register-assignable, as arrays of more than one element). */
function regsOf(t: GoType): { ints: number; floats: number } | null {
  const u = under(t);
  switch (u.kind) {
    case Kind.Float32:
    case Kind.Float64:
      return { ints: 0, floats: 1 };
    case Kind.Complex64:
    case Kind.Complex128:
      return { ints: 0, floats: 2 };
    case Kind.String:
    case Kind.Interface:
      return { ints: 2, floats: 0 };
    case Kind.Slice:
      return { ints: 3, floats: 0 };
    case Kind.Array: {
      if (u.len === 0) return { ints: 0, floats: 0 };
      if (u.len === 1) return regsOf(u.elem!);
      return null;
    }
    case Kind.Struct: {
      let ints = 0;
      let floats = 0;
      for (const f of u.fields ?? []) {
        const r = regsOf(f.type);
        if (r === null) return null;
        ints += r.ints;
        floats += r.floats;
      }
      return { ints, floats };
    }
  }
  return { ints: u.size === 0 ? 0 : 1, floats: 0 };
}

/** Whether the compiler keeps a variable of type t as SSA values (registers and spill slots) rather than in memory. */
export function ssaAble(t: GoType): boolean {
  const u = under(t);
  if (u.size > 4 * ptrSize) return false;
  switch (u.kind) {
    case Kind.Array:
      return u.len! <= 1 && ssaAble(u.elem!);
    case Kind.Struct:
      return (u.fields ?? []).length <= 4 && (u.fields ?? []).every((f) => ssaAble(f.type));
  }
  return true;
}

/** The words of an SSA-able value that a spill keeps (a string's pointer and length …). */
function words(t: GoType): number {
  const u = under(t);
  if (u.kind === Kind.Struct) return (u.fields ?? []).reduce((s, f) => s + words(f.type), 0);
  if (u.kind === Kind.Array) return u.len === 1 ? words(u.elem!) : 0;
  return Math.ceil(u.size / ptrSize);
}

interface Auto {
  readonly size: number;
  readonly align: number;
  readonly pointers: boolean;
  /** Temporaries of one kind whose lifetimes never overlap share a slot (the compiler's MergeLocals, for autos over 24 bytes). */
  readonly merge?: string;
}
const autoOf = (t: GoType): Auto => ({ size: t.size, align: Math.max(t.align, 1), pointers: t.pointers });
const bytesAuto = (size: number, pointers = false): Auto => ({ size, align: pointers ? 8 : 1, pointers });

/**
 * Standard-library calls whose callee the compiler inlines: what the
 * inlined body calls (its outgoing area) and the temporaries it keeps in
 * the caller's frame. Others take their signature's ArgWidth.
 */
const stdInlined: Record<string, { arg: number; autos?: Auto[]; call?: boolean }> = {
  'fmt.Println': { arg: 40 }, // Fprintln(os.Stdout, a...)
  'fmt.Print': { arg: 40 }, // Fprint(os.Stdout, a...)
  'fmt.Printf': { arg: 56 }, // Fprintf(os.Stdout, format, a...)
  'log.Println': { arg: 32, autos: [{ ...bytesAuto(32, true), merge: 'log' }] }, // std.output(0, 2, func literal{v})
  'log.Printf': { arg: 32, autos: [{ ...bytesAuto(48, true), merge: 'log' }] }, // std.output(0, 2, func literal{format, v})
  'log.Print': { arg: 32, autos: [{ ...bytesAuto(32, true), merge: 'log' }] },
  'checkpoint.Mark': { arg: 24 }, // snapshot(name, seq)
  'checkpoint.Exit': { arg: 24 }, // Mark("exit")
  'errors.New': { arg: 16 }, // &errorString{text}: newobject
  'os.Open': { arg: 32 }, // OpenFile(name, O_RDONLY, 0)
  'strconv.Itoa': { arg: 48 }, // FormatInt: small(i), formatBits(…)
  'runtime.KeepAlive': { arg: 0, call: false }, // an intrinsic
  'metrics.Read': { arg: 24 }, // runtime_readMetrics(&m[0], len(m), cap(m))
  'time.Duration': { arg: 0, call: false },
};

interface Walk {
  maxarg: number;
  hasCall: boolean;
  autos: Auto[];
  /** Spill words (8 bytes each). */
  spill: number;
}

/** A variable's uses, for the spill estimate: where it is written and read, by source offset. */
interface VarUse {
  first: number;
  last: number;
  uses: number[];
}

export class FrameModel {
  constructor(
    private readonly c: Checked,
    private readonly esc: EscapeResult,
  ) {}

  /** The compiler's frame size `$N` of f compiled on its own (excluding the return address). */
  size(f: FuncDecl): number {
    return this.layout(f).size;
  }

  /** The frame's parts: outgoing-argument area, locals in memory (bytes, `p` when they hold pointers), spill words. */
  layout(f: FuncDecl): { size: number; args: number; autos: string[]; spills: number; calls: boolean } {
    const w: Walk = { maxarg: 0, hasCall: false, autos: [], spill: 0 };
    const saved = this.c.ctx.current;
    this.c.ctx.current = f;
    try {
      this.func(f, w, false, new Set([f]));
    } finally {
      this.c.ctx.current = saved;
    }
    // Pointer-holding first, then by alignment (cmpstackvarlt); each rounded to its alignment.
    const merged = new Map<string, Auto>();
    for (const a of w.autos) if (a.merge !== undefined && (merged.get(a.merge)?.size ?? -1) < a.size) merged.set(a.merge, a);
    const autos = [...w.autos.filter((a) => a.merge === undefined), ...merged.values()].sort((a, b) => Number(b.pointers) - Number(a.pointers) || b.align - a.align || b.size - a.size);
    let stk = 0;
    let lastPtr = false;
    for (const a of autos) {
      stk = roundUp(stk + (a.size === 0 && lastPtr ? 1 : a.size), a.align);
      lastPtr = a.pointers;
    }
    stk = roundUp(stk, ptrSize) + w.spill * ptrSize;
    let n = roundUp(w.maxarg, ptrSize) + stk;
    if (n > 0 || w.hasCall) n += ptrSize;
    return { size: n, args: roundUp(w.maxarg, ptrSize), autos: autos.map((a) => `${a.size}${a.pointers ? 'p' : ''}`), spills: w.spill, calls: w.hasCall };
  }

  // ── one function body (its own, or inlined into the caller) ──────────

  private func(f: FuncDecl, w: Walk, inlined: boolean, stack: Set<FuncDecl>, copy = inlined): void {
    const heap = copy ? this.esc.inlineHeap : this.esc.heapVars;
    const body = f.node.childForFieldName('body');
    // Defers are open-coded (a slot per defer and the deferBits byte) unless one is in a loop: then each is deferproc's.
    const deferCount = body && !deferInLoop(body) ? countDefers(body) : 0;
    const openDefers = deferCount > 0;
    // Each variable moved to the heap is allocated (newobject) where it is declared.
    const heapDecls = f.vars.filter((v) => heap.has(v) && !(v.param && !inlined)).map((v) => v.decl.startIndex);
    if (f.vars.some((v) => heap.has(v))) {
      w.maxarg = Math.max(w.maxarg, newobjectArea);
      w.hasCall = true;
    }
    if (deferCount > 0) {
      // Open-coded defers: the deferBits byte and one closure slot per defer statement.
      w.autos.push(bytesAuto(1));
      for (let i = 0; i < deferCount; i++) w.autos.push(bytesAuto(8, true));
      w.hasCall = true;
    }
    if (body === null) return;
    const uses = new Map<VarObj, VarUse>();
    const calls: number[] = [];
    const loops: [number, number][] = [];
    const consumes = new Map<number, VarObj>();
    calls.push(...heapDecls);
    const written = new Map<VarObj, (Node | null)[]>();
    const inlAddr = new Set<VarObj>();
    const realAddr = new Set<VarObj>();
    this.walk(body, f, w, copy, stack, { uses, calls, loops, consumes, openDefers, written, inlAddr, realAddr });
    // An address passed only to calls the compiler inlines is gone after inlining: the variable can stay an SSA value.
    const addrTaken = (v: VarObj): boolean => v.addrTaken && !(inlAddr.has(v) && !realAddr.has(v));
    // Variables in memory: not SSA-able, address taken (and not moved to the heap), or results under a defer.
    for (const v of f.vars) {
      if (v.param && !inlined) continue;
      if (heap.has(v)) continue;
      if (v.result && !inlined && deferCount === 0 && !addrTaken(v) && ssaAble(v.type)) continue;
      if (v.type.size === 0 && !addrTaken(v)) continue;
      if (!ssaAble(v.type) || addrTaken(v) || (v.result && deferCount > 0)) {
        if (!v.param || inlined) w.autos.push(autoOf(v.type));
      }
    }
    // A closure reads its captured variables through its context pointer, kept across calls made before their last use.
    if (f.lit !== undefined && !inlined) {
      let lastCap = -1;
      for (const [v, u] of uses) if (v.fn !== f && v.fn !== null && !isInside(v.fn, f)) lastCap = Math.max(lastCap, ...u.uses);
      if (calls.some((p) => p < lastCap)) w.spill += 1;
    }
    // Spills: a local SSA value live across a call (used after it, or in a loop around it).
    for (const [v, u] of uses) {
      if (v.fn !== f) continue;
      if (v.param && !inlined) continue;
      const inMemory = !ssaAble(v.type) || (addrTaken(v) && !heap.has(v));
      if (inMemory) continue;
      // A variable moved to the heap is its pointer, which exists from its declaration on.
      const first = heap.has(v) ? Math.min(u.first, v.decl.startIndex) : u.first;
      const live = calls.some((p) => {
        if (p <= first || consumes.get(p) === v) return false;
        if (u.uses.some((q) => q > p)) return true;
        return loops.some(([s, e]) => s <= p && p < e && first < s && u.uses.some((q) => q >= s && q < e));
      });
      if (live) w.spill += heap.has(v) ? 1 : this.spillWords(v, copy, written.get(v) ?? []);
    }
  }

  private typeOf(n: Node): CType | undefined {
    return this.c.exprs.get(n.id)?.type;
  }

  /** A map that does not escape: its hmap (48 bytes) and, for a small hint, its first bucket in the frame; rand32 seeds it. */
  private stackMap(u: GoType, bucket: boolean, w: Walk, ctx: Ctx, at: number): void {
    w.autos.push(bytesAuto(48, true));
    if (bucket) {
      const slot = (t: GoType): number => (t.size > 128 ? 8 : t.size);
      const k = slot(u.key!);
      const v = slot(u.elem!);
      w.autos.push({ size: 8 + 8 * k + 8 * v + 8, align: 8, pointers: true });
    }
    this.call(w, 0, ctx, at);
  }

  /**
   * The words of v a spill keeps. Values the compiler can recompute are not
   * spilled: a constant never reassigned, and the constant length and
   * capacity of a slice made with constant sizes (its pointer too when its
   * array is in the frame: an address of the stack).
   */
  private spillWords(v: VarObj, copy: boolean, writes: readonly (Node | null)[]): number {
    const decl = v.decl.parent?.parent;
    if (decl?.type !== 'short_var_declaration' && decl?.type !== 'var_spec') return words(v.type);
    const rhsList = decl.childForFieldName(decl.type === 'var_spec' ? 'value' : 'right');
    const rhs = rhsList ? named(rhsList) : [];
    const init = rhs.length === 1 ? rhs[0]! : null;
    if (init === null || writes.includes(null)) return words(v.type);
    if (writes.length === 0 && this.c.exprs.get(init.id)?.value !== undefined) return 0;
    // A struct literal of constants never written again: its fields are constants too.
    if (writes.length === 0 && init.type === 'composite_literal' && under(v.type).kind === Kind.Struct) {
      const elems = named(init.childForFieldName('body')!).map((e) => (e.type === 'keyed_element' ? named(e).at(-1)! : e)).map((e) => (e.type === 'literal_element' ? named(e)[0] ?? e : e));
      if (elems.every((e) => this.c.exprs.get(e.id)?.value !== undefined)) return 0;
    }
    if (under(v.type).kind !== Kind.Slice) return writes.length === 0 ? words(v.type) : words(v.type);
    // A slice whose every value has a constant length and capacity: its pointer alone (none if on the stack).
    const ptrWords = [init, ...writes].map((x) => this.constSlice(x!, copy));
    if (ptrWords.some((k) => k === null)) return words(v.type);
    return Math.max(...(ptrWords as number[]));
  }

  /** The spill words of a slice value of constant length and capacity (0: an array in the frame, 1: on the heap), null for others. */
  private constSlice(init: Node, copy: boolean): number | null {
    const sites = copy ? this.esc.inlineHeapSites : this.esc.heapSites;
    if (init.type === 'nil') return 0;
    if (init.type === 'call_expression' && init.childForFieldName('function')!.text === 'make') {
      const sizes = named(init.childForFieldName('arguments')!).slice(1);
      if (!sizes.every((a) => this.c.exprs.get(a.id)?.value !== undefined)) return null;
      return sites.has(init.id) ? 1 : 0;
    }
    const arg = init.type === 'call_expression' ? named(init.childForFieldName('arguments')!)[0] : init.type === 'type_conversion_expression' ? init.childForFieldName('operand') : undefined;
    if (arg && this.c.exprs.get(arg.id)?.value !== undefined) return sites.has(init.id) ? 1 : 0;
    if (init.type === 'composite_literal') return sites.has(init.id) ? 1 : 0;
    return null;
  }

  /** A call made at source offset `at`; one that never returns (panicIndex, gopanic) keeps nothing live across it. */
  private call(w: Walk, arg: number, ctx: Ctx, at: number, returns = true): void {
    w.maxarg = Math.max(w.maxarg, arg);
    w.hasCall = true;
    if (returns) ctx.calls.push(at);
  }

  private walk(n: Node, f: FuncDecl, w: Walk, inlined: boolean, stack: Set<FuncDecl>, ctx: Ctx): void {
    const heapSites = inlined ? this.esc.inlineHeapSites : this.esc.heapSites;
    const escapes = (x: Node): boolean => heapSites.has(x.id);
    const at = n.startIndex;
    switch (n.type) {
      case 'func_literal': {
        // Its own function; here only its closure object: on the stack when it does not escape and captures something.
        const caps = this.esc.captures.get(n.id) ?? [];
        // The captured variables (their values, or their heap pointers) are stored into the closure once it is allocated.
        for (const c of caps) {
          const u = ctx.uses.get(c.v) ?? { first: n.endIndex, last: n.endIndex, uses: [] };
          u.first = Math.min(u.first, n.endIndex);
          u.uses.push(n.endIndex);
          ctx.uses.set(c.v, u);
        }
        if (caps.length > 0) {
          if (escapes(n)) this.call(w, newobjectArea, ctx, at);
          else w.autos.push(bytesAuto(8 + caps.reduce((s, c) => s + (c.byRef ? 8 : roundUp(c.v.type.size, 8)), 0), true));
        }
        return;
      }
      case 'identifier': {
        const o = this.c.uses.get(n.id) ?? this.c.defs.get(n.id);
        if (o?.kind === 'var' && o.fn !== null) {
          // A variable on an assignment's left (or used in an index there) is written when the statement ends, after its calls.
          let at = n.startIndex;
          let x: Node = n;
          while (x.parent !== null && x.parent.type !== 'expression_list' && ['index_expression', 'selector_expression', 'unary_expression', 'parenthesized_expression'].includes(x.parent.type)) x = x.parent;
          const list = x.parent;
          const stmt = list?.type === 'expression_list' ? list.parent : null;
          if (stmt && (stmt.type === 'short_var_declaration' || stmt.type === 'assignment_statement') && stmt.childForFieldName('left')?.id === list!.id) {
            // … except a literal's object, which exists (allocated) before the calls that fill it.
            const rhs = named(stmt.childForFieldName('right')!);
            const lit = x === n && rhs.length === 1 && (rhs[0]!.type === 'composite_literal' || (rhs[0]!.type === 'unary_expression' && rhs[0]!.childForFieldName('operand')?.type === 'composite_literal'));
            at = lit ? rhs[0]!.startIndex : stmt.endIndex + 0.5;
          }
          const u = ctx.uses.get(o) ?? { first: at, last: at, uses: [] };
          u.first = Math.min(u.first, at);
          u.last = Math.max(u.last, at);
          u.uses.push(at);
          ctx.uses.set(o, u);
        }
        return;
      }
      case 'for_statement': {
        // A value set before the loop's test and used in it is live around the loop's calls.
        const body = n.childForFieldName('body');
        const clause = named(n).find((c) => c.type === 'for_clause');
        const cond = clause?.childForFieldName('condition') ?? null;
        ctx.loops.push([cond?.startIndex ?? body?.startIndex ?? n.startIndex, n.endIndex]);
        const range = named(n).find((c) => c.type === 'range_clause');
        if (range) this.rangeClause(range, w, ctx);
        for (const c of named(n)) this.walk(c, f, w, inlined, stack, ctx);
        return;
      }
      case 'call_expression':
        this.callExpr(n, f, w, inlined, stack, ctx);
        return;
      case 'type_conversion_expression': {
        const heapSites2 = inlined ? this.esc.inlineHeapSites : this.esc.heapSites;
        this.conversion(n, n.childForFieldName('operand') ?? undefined, w, ctx, (x) => heapSites2.has(x.id));
        break;
      }
      case 'send_statement': {
        const v = n.childForFieldName('value')!;
        const t = this.typeOf(v);
        // The runtime copies the value from memory: a value already in memory (*p, p.f, s[i]) is sent from where it is.
        const inMemory = (v.type === 'unary_expression' && v.child(0)?.text === '*') || v.type === 'index_expression' || v.type === 'selector_expression';
        if (this.c.exprs.get(v.id)?.value === undefined && !inMemory && t && !isTuple(t) && !isUntyped(t)) w.autos.push(autoOf(t));
        this.call(w, 16, ctx, n.endIndex);
        break;
      }
      case 'unary_expression': {
        const op = n.childForFieldName('operator')?.text ?? n.child(0)?.text;
        if (op === '<-') {
          const t = this.typeOf(n);
          const used = n.parent?.type !== 'expression_statement';
          if (used && t && !isTuple(t) && !isUntyped(t) && t.size > 0) w.autos.push(autoOf(isTuple(t) ? t : t));
          this.call(w, 16, ctx, n.endIndex);
        }
        if (op === '&') {
          const x = n.childForFieldName('operand')!;
          const o = x.type === 'identifier' ? this.c.uses.get(x.id) : undefined;
          if (o?.kind === 'var') {
            const call = n.parent?.type === 'argument_list' ? n.parent.parent : null;
            const fnNode = call?.type === 'call_expression' ? call.childForFieldName('function')! : null;
            const fo = fnNode?.type === 'identifier' ? this.c.uses.get(fnNode.id) : undefined;
            const callee = fo?.kind === 'func' ? fo.fn : call && fnNode?.type !== 'identifier' ? this.c.callTargets.get(call.id) : undefined;
            const inl = callee !== undefined && this.esc.inlinable.has(callee) && call!.parent?.type !== 'go_statement' && call!.parent?.type !== 'defer_statement';
            (inl ? ctx.inlAddr : ctx.realAddr).add(o);
          }
          if (x.type === 'composite_literal') {
            const t = this.typeOf(x);
            if (escapes(x) || escapes(n)) this.call(w, newobjectArea, ctx, at);
            else if (t && !isTuple(t) && !isUntyped(t)) w.autos.push(autoOf(t));
            for (const c of named(x)) this.walk(c, f, w, inlined, stack, ctx);
            return;
          }
        }
        break;
      }
      case 'composite_literal': {
        const t = this.typeOf(n);
        if (t && !isTuple(t) && !isUntyped(t)) {
          const u = under(t);
          const elems = named(n.childForFieldName('body')!).length;
          if (u.kind === Kind.Slice) {
            if (escapes(n)) this.call(w, newobjectArea, ctx, at);
            else if (elems > 0) w.autos.push(autoOf({ ...u.elem!, size: u.elem!.size * elems } as GoType));
          } else if (u.kind === Kind.Map) {
            if (!escapes(n)) this.stackMap(u, elems <= 8, w, ctx, at);
            else this.call(w, elems > 8 ? 24 : 0, ctx, at);
          }
        }
        break;
      }
      case 'index_expression': {
        const x = n.childForFieldName('operand')!;
        const t = this.typeOf(x);
        if (t && !isTuple(t) && !isUntyped(t)) {
          const u = under(t);
          if (u.kind === Kind.Map) {
            const k = under(u.key!);
            this.call(w, k.kind === Kind.String ? 32 : 24, ctx, at);
          } else if (this.boundsChecked(n, u)) this.call(w, 16, ctx, at, false);
        }
        break;
      }
      case 'slice_expression': {
        // A slice expression with a variable bound checks it (panicSlice*).
        const bounds = ['start', 'end', 'capacity'].map((k) => n.childForFieldName(k)).filter((b): b is Node => b !== null);
        if (bounds.some((b) => this.c.exprs.get(b.id)?.value === undefined) || bounds.length > 0) this.call(w, 16, ctx, at, false);
        break;
      }
      case 'binary_expression': {
        const op = n.childForFieldName('operator')!.text;
        const t = this.typeOf(n);
        if (op === '+' && t && !isTuple(t) && !isUntyped(t) && under(t).kind === Kind.String && this.c.exprs.get(n.id)?.value === undefined) {
          // a + b + c is one concatstringN(buf, a, b, c); the buffer is on the stack when the result does not escape.
          if (n.parent?.type === 'binary_expression' && n.parent.childForFieldName('operator')!.text === '+' && this.typeOf(n.parent) === t) break;
          const k = concatCount(n, this.c);
          this.call(w, k <= 5 ? 8 + 16 * k : 32, ctx, at);
          if (k > 5) w.autos.push(autoOf({ ...t, size: 16 * k } as GoType));
          if (!escapes(n)) w.autos.push(bytesAuto(32));
        }
        if ((op === '==' || op === '!=') && t !== undefined) {
          const lt = this.typeOf(n.childForFieldName('left')!);
          if (lt && !isTuple(lt) && !isUntyped(lt) && under(lt).kind === Kind.String) {
            const consts = [n.childForFieldName('left')!, n.childForFieldName('right')!].filter((x) => this.c.exprs.get(x.id)?.value !== undefined);
            if (consts.length === 0) this.call(w, 24, ctx, at);
          }
        }
        if (op === '<' || op === '>' || op === '<=' || op === '>=') {
          const lt = this.typeOf(n.childForFieldName('left')!);
          if (lt && !isTuple(lt) && !isUntyped(lt) && under(lt).kind === Kind.String) this.call(w, 32, ctx, at);
        }
        break;
      }
      case 'go_statement': {
        // newproc(fn); arguments (or a func literal's captures) go into a heap closure (gowrap).
        this.call(w, 8, ctx, at);
        const call = named(n)[0]!;
        const fnNode = call.type === 'call_expression' ? call.childForFieldName('function')! : call;
        const args = call.type === 'call_expression' ? named(call.childForFieldName('arguments')!) : [];
        if (fnNode.type === 'func_literal') {
          for (const a of args) this.walk(a, f, w, inlined, stack, ctx);
          if ((this.esc.captures.get(fnNode.id) ?? []).length > 0 || args.length > 0) this.call(w, newobjectArea, ctx, at);
        } else {
          for (const c of named(n)) if (c.type === 'call_expression') for (const a of args) this.walk(a, f, w, inlined, stack, ctx);
          if (args.length > 0 || fnNode.type === 'selector_expression') this.call(w, newobjectArea, ctx, at);
        }
        return;
      }
      case 'defer_statement': {
        const call = named(n)[0]!;
        if (!ctx.openDefers) {
          // deferproc(fn) with the deferred call wrapped in a heap closure.
          for (const c of named(call)) this.walk(c, f, w, inlined, stack, ctx);
          this.call(w, newobjectArea, ctx, at);
          this.call(w, 8, ctx, at);
          return;
        }
        const fnNode = call.type === 'call_expression' ? call.childForFieldName('function')! : call;
        const args = call.type === 'call_expression' ? named(call.childForFieldName('arguments')!) : [];
        for (const a of args) this.walk(a, f, w, inlined, stack, ctx);
        if (fnNode.type === 'func_literal') {
          const caps = this.esc.captures.get(fnNode.id) ?? [];
          if (caps.length > 0 || args.length > 0) w.autos.push(bytesAuto(8 + caps.reduce((s, c) => s + (c.byRef ? 8 : roundUp(c.v.type.size, 8)), 0) + args.length * 8, true));
        } else if (args.some((a) => this.c.exprs.get(a.id)?.value === undefined) || (fnNode.type === 'selector_expression' && this.c.uses.get(fnNode.childForFieldName('operand')!.id)?.kind !== 'pkg')) {
          // deferwrap: a closure holding the receiver and the arguments that are not constants.
          const argBytes = args.filter((a) => this.c.exprs.get(a.id)?.value === undefined).reduce((s, a) => {
            const t = this.typeOf(a);
            return s + (t && !isTuple(t) && !isUntyped(t) ? roundUp(t.size, 8) : 8);
          }, 0);
          w.autos.push(bytesAuto(8 + argBytes + (fnNode.type === 'selector_expression' && this.c.uses.get(fnNode.childForFieldName('operand')!.id)?.kind !== 'pkg' ? 8 : 0), true));
          if (fnNode.type === 'selector_expression') this.walk(fnNode.childForFieldName('operand')!, f, w, inlined, stack, ctx);
        }
        ctx.calls.push(at);
        return;
      }
      case 'select_statement': {
        const cases = named(n).filter((c) => c.type === 'communication_case');
        const hasDefault = named(n).some((c) => c.type === 'default_case');
        if (cases.length === 1 && hasDefault) this.call(w, 16, ctx, at);
        else if (cases.length > 0) {
          w.autos.push(bytesAuto(16 * cases.length, true));
          w.autos.push({ size: 4 * cases.length, align: 2, pointers: false });
          this.call(w, 48, ctx, at);
        }
        break;
      }
      case 'inc_statement':
      case 'dec_statement': {
        const x = named(n)[0];
        const o = x?.type === 'identifier' ? this.c.uses.get(x.id) : undefined;
        if (o?.kind === 'var') ctx.written.set(o, [...(ctx.written.get(o) ?? []), null]);
        break;
      }
      case 'assignment_statement': {
        const lefts = named(n.childForFieldName('left')!);
        const rights = named(n.childForFieldName('right')!);
        const plain = n.childForFieldName('operator')?.text === '=' || n.children.some((c) => c?.type === '=');
        lefts.forEach((l, i) => {
          const o = l.type === 'identifier' ? this.c.uses.get(l.id) : undefined;
          if (o?.kind === 'var') ctx.written.set(o, [...(ctx.written.get(o) ?? []), plain && lefts.length === rights.length ? rights[i]! : null]);
        });
        // A pointer stored outside the frame (a global, through a pointer, into a slice) takes the write barrier: a call.
        for (const l of named(n.childForFieldName('left')!)) if (this.storesOutside(l, inlined)) w.hasCall = true;
        // s += x on strings: concatstring2 (or more operands).
        const op = n.childForFieldName('operator')?.text ?? n.children.find((c) => c?.type.endsWith('='))?.type;
        const lt = this.typeOf(named(n.childForFieldName('left')!)[0]!);
        if (op === '+=' && lt && !isTuple(lt) && !isUntyped(lt) && under(lt).kind === Kind.String) {
          const k = 1 + concatCount(named(n.childForFieldName('right')!)[0]!, this.c);
          this.call(w, k <= 5 ? 8 + 16 * k : 32, ctx, n.endIndex);
        }
        break;
      }
      case 'type_assertion_expression': {
        // To an interface type: typeAssert (an rtcall: two arguments and the itab); to a concrete type, the failure's panicdottypeE.
        const t = this.typeOf(n);
        const to = t && isTuple(t) ? t.tuple[0] : t;
        const commaOk = n.parent?.type === 'expression_list' && n.parent.parent !== null && named(n.parent.parent.childForFieldName('left') ?? n.parent).length === 2;
        if (to && !isTuple(to) && !isUntyped(to) && under(to).kind === Kind.Interface) this.call(w, 24, ctx, n.endIndex);
        else if (!commaOk) this.call(w, 24, ctx, n.endIndex, false);
        break;
      }
      case 'type_switch_statement':
        break;
    }
    for (const c of named(n)) this.walk(c, f, w, inlined, stack, ctx);
  }

  private storesOutside(l: Node, copy: boolean): boolean {
    const t = this.typeOf(l);
    if (!t || isTuple(t) || isUntyped(t) || !t.pointers) return false;
    const heap = copy ? this.esc.inlineHeap : this.esc.heapVars;
    const base = (x: Node): boolean => {
      if (x.type === 'identifier') {
        const o = this.c.uses.get(x.id);
        return o?.kind === 'var' && (o.fn === null || heap.has(o));
      }
      if (x.type === 'parenthesized_expression') return base(named(x)[0]!);
      if (x.type === 'unary_expression') return true;
      if (x.type === 'selector_expression' || x.type === 'index_expression') {
        const op = x.childForFieldName('operand')!;
        const ot = this.typeOf(op);
        if (ot && !isTuple(ot) && !isUntyped(ot) && (under(ot).kind === Kind.Pointer || under(ot).kind === Kind.Slice || under(ot).kind === Kind.Map)) return true;
        return base(op);
      }
      return false;
    };
    return base(l);
  }

  /** range over a map (hiter, mapiterinit/mapiternext) or a channel (chanrecv2). */
  private rangeClause(r: Node, w: Walk, ctx: Ctx): void {
    const x = r.childForFieldName('right')!;
    const t = this.typeOf(x);
    if (!t || isTuple(t) || isUntyped(t)) return;
    const u = under(t);
    const left = r.childForFieldName('left');
    const vars = left ? named(left) : [];
    if (u.kind === Kind.Array && vars.length > 1 && vars[1]!.text !== '_') w.autos.push(autoOf(t));
    if (u.kind === Kind.Map) {
      w.autos.push(bytesAuto(96, true));
      this.call(w, 24, ctx, r.startIndex);
    } else if (u.kind === Kind.Chan) {
      if (u.elem!.size > 0) w.autos.push(autoOf(u.elem!));
      this.call(w, 16, ctx, r.startIndex);
    } else if (u.kind === Kind.String) {
      // A rune at or above 0x80 is decoded by decoderune(s, k).
      this.call(w, 24, ctx, r.startIndex);
    }
  }

  /** Whether indexing keeps a bounds check (panicIndex): a variable index, or a constant one into a slice or string. */
  private boundsChecked(n: Node, u: GoType): boolean {
    const idx = n.childForFieldName('index');
    if (idx === null) return false;
    const constant = this.c.exprs.get(idx.id)?.value !== undefined;
    if (u.kind === Kind.Array) return !constant;
    if (u.kind === Kind.Pointer && under(u.elem!).kind === Kind.Array) return !constant;
    // s[i] in `for i := range s` is proved in bounds.
    if (idx.type === 'identifier') {
      const o = this.c.uses.get(idx.id);
      const operand = n.childForFieldName('operand')!;
      for (let p = n.parent; p !== null; p = p.parent) {
        if (p.type !== 'for_statement') continue;
        const rc = named(p).find((c) => c.type === 'range_clause');
        const left = rc?.childForFieldName('left');
        const first = left ? named(left)[0] : undefined;
        if (rc && first && o !== undefined && (this.c.defs.get(first.id) === o || this.c.uses.get(first.id) === o) && rc.childForFieldName('right')!.text === operand.text) return false;
      }
    }
    return true;
  }

  private callExpr(n: Node, f: FuncDecl, w: Walk, inlined: boolean, stack: Set<FuncDecl>, ctx: Ctx): void {
    const heapSites = inlined ? this.esc.inlineHeapSites : this.esc.heapSites;
    const escapes = (x: Node): boolean => heapSites.has(x.id);
    const fnNode = n.childForFieldName('function')!;
    const argList = n.childForFieldName('arguments');
    const args = argList ? named(argList) : [];
    const inner = fnNode.type === 'parenthesized_expression' ? named(fnNode)[0]! : fnNode;
    const o = inner.type === 'identifier' ? this.c.uses.get(inner.id) : undefined;
    // Conversions.
    if (o?.kind === 'type' || this.c.typeNodes.has(inner.id)) {
      this.conversion(n, args[0], w, ctx, escapes);
      for (const a of args) this.walk(a, f, w, inlined, stack, ctx);
      return;
    }
    this.callExprRest(n, f, w, inlined, stack, ctx);
  }

  /** string(b), []byte(s), []rune(s), string(r): the runtime's conversion, into a stack buffer where the result does not escape. */
  private conversion(n: Node, arg: Node | undefined, w: Walk, ctx: Ctx, escapes: (x: Node) => boolean): void {
    const at = n.endIndex;
    {
      const to = this.typeOf(n);
      const from = arg ? this.typeOf(arg) : undefined;
      const args = arg ? [arg] : [];
      if (to && from && !isTuple(to) && !isUntyped(to) && !isTuple(from) && !isUntyped(from)) {
        const tu = under(to);
        const fu = under(from);
        if (tu.kind === Kind.String && fu.kind === Kind.Slice) {
          this.call(w, fu.elem!.size === 1 ? 24 : 32, ctx, at);
          if (!escapes(n)) w.autos.push(bytesAuto(32));
        } else if (tu.kind === Kind.Slice && fu.kind === Kind.String) {
          this.call(w, 24, ctx, at);
          if (!escapes(n)) w.autos.push(bytesAuto(tu.elem!.size === 1 ? 32 : 128));
        } else if (tu.kind === Kind.String && fu.kind !== Kind.String && this.c.exprs.get(args[0]!.id)?.value === undefined) {
          this.call(w, 16, ctx, at);
          if (!escapes(n)) w.autos.push(bytesAuto(4));
        }
      }
    }
  }

  private callExprRest(n: Node, f: FuncDecl, w: Walk, inlined: boolean, stack: Set<FuncDecl>, ctx: Ctx): void {
    const heapSites = inlined ? this.esc.inlineHeapSites : this.esc.heapSites;
    const escapes = (x: Node): boolean => heapSites.has(x.id);
    const fnNode = n.childForFieldName('function')!;
    const argList = n.childForFieldName('arguments');
    const args = argList ? named(argList) : [];
    const inner = fnNode.type === 'parenthesized_expression' ? named(fnNode)[0]! : fnNode;
    const at = n.endIndex;
    const o = inner.type === 'identifier' ? this.c.uses.get(inner.id) : undefined;
    if (o?.kind === 'builtin') {
      this.builtin(n, o.name, args, w, ctx, escapes(n) || (args[0] !== undefined && escapes(args[0])));
    } else if (inner.type === 'func_literal') {
      // Called where it is written: inlined when small, else a direct call.
      const lit = this.c.lits.get(inner.id)!;
      if (this.esc.inlinable.has(lit)) this.func(lit, w, inlined, stack);
      else this.call(w, argWidth(lit.sig.params ?? [], lit.sig.results ?? []), ctx, at);
    } else {
      const callee = o?.kind === 'func' ? o.fn : inner.type !== 'identifier' || o?.kind === 'generic' ? this.c.callTargets.get(n.id) : undefined;
      if (callee !== undefined && !(inner.type === 'selector_expression' && this.c.uses.get(inner.childForFieldName('operand')!.id)?.kind === 'pkg')) {
        if (this.esc.inlinable.has(callee) && !stack.has(callee)) {
          stack.add(callee);
          const saved = this.c.ctx.current;
          this.c.ctx.current = callee;
          const sub: Walk = { maxarg: 0, hasCall: false, autos: [], spill: 0 };
          // A call whose result outlives the caller: the callee's sites are decided as in its own body.
          this.func(callee, sub, true, stack, !this.esc.escapingCalls.has(n.id));
          this.c.ctx.current = saved;
          stack.delete(callee);
          w.maxarg = Math.max(w.maxarg, sub.maxarg);
          w.autos.push(...sub.autos);
          w.spill += sub.spill;
          if (sub.hasCall) this.call(w, 0, ctx, at);
          // Its parameters are the caller's locals; ones that hold no memory stay SSA values.
        } else this.call(w, argWidth(callee.sig.params ?? [], callee.sig.results ?? []), ctx, at);
      } else if (inner.type === 'selector_expression' && this.c.uses.get(inner.childForFieldName('operand')!.id)?.kind === 'pkg') {
        const pkg = inner.childForFieldName('operand')!.text;
        const name = `${pkg}.${inner.childForFieldName('field')!.text}`;
        const known = stdInlined[name];
        if (known !== undefined) {
          if (known.call !== false) this.call(w, known.arg, ctx, at);
          w.autos.push(...(known.autos ?? []));
        } else {
          const t = this.typeOf(inner);
          const sig = t && !isTuple(t) && !isUntyped(t) ? under(t) : undefined;
          this.call(w, sig?.kind === Kind.Func ? argWidth(sig.params ?? [], sig.results ?? []) : 0, ctx, at);
        }
      } else {
        // A method of an interface or of a standard type, or a func value.
        const t = this.typeOf(inner);
        const sig = t && !isTuple(t) && !isUntyped(t) ? under(t) : undefined;
        let recv = 0;
        if (inner.type === 'selector_expression') {
          const ot = this.typeOf(inner.childForFieldName('operand')!);
          if (ot && !isTuple(ot) && !isUntyped(ot) && under(ot).kind !== Kind.Func) recv = 8;
        }
        this.call(w, recv + (sig?.kind === Kind.Func ? argWidth(sig.params ?? [], sig.results ?? []) : 0), ctx, at);
      }
    }
    // The ... argument of a variadic call: an array on the stack when it does not escape.
    const ft = this.typeOf(inner);
    const fsig = ft && !isTuple(ft) && !isUntyped(ft) && under(ft).kind === Kind.Func ? under(ft) : undefined;
    if (fsig?.variadic && argList && !args.some((a) => a.type === 'variadic_argument')) {
      const fixed = (fsig.params ?? []).length - 1;
      const extra = args.length - fixed;
      const elem = under(fsig.params![fsig.params!.length - 1]!).elem!;
      if (extra > 0 && !escapes(argList)) w.autos.push({ size: elem.size * extra, align: Math.max(elem.align, 1), pointers: elem.pointers });
      else if (extra > 0) this.call(w, newobjectArea, ctx, at);
    }
    // Arguments converted to interfaces: convT* calls, or stack temporaries where they do not escape.
    for (const a of args) this.conv(a, w, ctx, escapes);
    for (const c of named(n)) this.walk(c, f, w, inlined, stack, ctx);
  }

  /** A value converted to an interface: convT64/convTstring/convTslice/convT where it escapes, a stack temporary where it does not. */
  private conv(a: Node, w: Walk, ctx: Ctx, escapes: (x: Node) => boolean): void {
    if (this.c.convs.get(a.id) === undefined) return;
    const t = this.typeOf(a);
    if (!t || isTuple(t) || isUntyped(t)) return;
    if (this.c.exprs.get(a.id)?.value !== undefined) return;
    const u = under(t);
    if (u.kind === Kind.Interface || u.kind === Kind.Pointer || u.kind === Kind.Map || u.kind === Kind.Chan || u.kind === Kind.Func || u.kind === Kind.UnsafePointer) return;
    if (u.size === 0) return;
    if (u.size === 1 && (u.kind === Kind.Uint8 || u.kind === Kind.Int8 || u.kind === Kind.Bool)) return;
    if (!escapes(a)) {
      w.autos.push(autoOf(t));
      return;
    }
    const arg = u.kind === Kind.String ? 16 : u.kind === Kind.Slice ? 24 : [2, 4, 8].includes(u.size) && !u.pointers ? 8 : 16;
    this.call(w, arg, ctx, a.endIndex);
  }

  private builtin(n: Node, name: string, args: Node[], w: Walk, ctx: Ctx, escapes: boolean): void {
    const at = n.endIndex;
    const t = this.typeOf(n);
    const rt = t && !isTuple(t) && !isUntyped(t) ? t : undefined;
    switch (name) {
      case 'new':
        if (escapes) this.call(w, newobjectArea, ctx, at);
        else if (rt) w.autos.push(autoOf(rt.elem!));
        return;
      case 'make': {
        if (!rt) return;
        const u = under(rt);
        if (u.kind === Kind.Slice) {
          const sizes = args.slice(1).map((a) => this.c.exprs.get(a.id)?.value);
          const n0 = sizes[sizes.length - 1];
          if (!escapes && typeof n0 === 'number' && sizes.every((s) => s !== undefined)) w.autos.push({ size: u.elem!.size * n0, align: Math.max(u.elem!.align, 1), pointers: u.elem!.pointers });
          else this.call(w, 24, ctx, at);
        } else if (u.kind === Kind.Map) {
          const hint = args[1] ? this.c.exprs.get(args[1].id)?.value : 0;
          if (!escapes) this.stackMap(u, typeof hint === 'number' && hint <= 8, w, ctx, at);
          else this.call(w, args.length > 1 ? 24 : 0, ctx, at);
        }
        else if (u.kind === Kind.Chan) this.call(w, 16, ctx, at);
        return;
      }
      case 'append':
        if (n.parent?.type === 'expression_list' && n.parent.parent?.type === 'assignment_statement' && args[0]?.type === 'identifier') {
          const o = this.c.uses.get(args[0].id);
          const left = named(n.parent.parent.childForFieldName('left')!)[0];
          if (o?.kind === 'var' && left?.type === 'identifier' && this.c.uses.get(left.id) === o) ctx.consumes.set(at, o);
        }
        if (args.length > 1 || args.some((a) => a.type === 'variadic_argument')) this.call(w, growsliceArea, ctx, at);
        return;
      case 'copy':
        this.call(w, rt && under(this.typeOf(args[0]!) as GoType).elem?.pointers ? 40 : 24, ctx, at);
        return;
      case 'delete':
        this.call(w, 32, ctx, at);
        return;
      case 'clear':
        this.call(w, 16, ctx, at);
        return;
      case 'close':
        this.call(w, 8, ctx, at);
        return;
      case 'recover':
        this.call(w, 8, ctx, at);
        return;
      case 'panic':
        this.call(w, 16, ctx, at, false);
        return;
      case 'print':
      case 'println': {
        // printlock, then one print call per argument (printint(v), printstring(s), printslice(s) …); an argument
        // that is not a variable or a constant is evaluated first into a temporary kept across those calls.
        let area = 0;
        for (const a of args) {
          const t = this.typeOf(a);
          if (!t || isTuple(t) || isUntyped(t)) {
            area = Math.max(area, t && isUntyped(t) && t.untyped === 'string' ? 16 : 8);
            continue;
          }
          const k = under(t).kind;
          area = Math.max(area, k === Kind.String || k === Kind.Interface || k === Kind.Complex128 ? 16 : k === Kind.Slice ? 24 : 8);
          const received = a.type === 'unary_expression' && a.child(0)?.text === '<-';
          const lenOf = a.type === 'call_expression' && ['len', 'cap'].includes(a.childForFieldName('function')!.text) && named(a.childForFieldName('arguments')!)[0]?.type === 'identifier';
          const safe = a.type === 'identifier' || lenOf || received || this.c.exprs.get(a.id)?.value !== undefined;
          if (!safe) w.spill += words(t);
        }
        this.call(w, area, ctx, at);
        return;
      }
    }
  }
}

interface Ctx {
  uses: Map<VarObj, VarUse>;
  calls: number[];
  /** Calls that take a variable and give its new value (v = append(v, …)): v is not live across them. */
  consumes: Map<number, VarObj>;
  /** The function's defers are open-coded. */
  openDefers: boolean;
  /** Variables assigned after their declaration (=, op=, ++, --), with the values a plain = gives them (null: another kind of write). */
  written: Map<VarObj, (Node | null)[]>;
  /** Variables whose address is an argument of an inlined call, or is taken anywhere else. */
  inlAddr: Set<VarObj>;
  realAddr: Set<VarObj>;
  loops: [number, number][];
}

/** Whether g is f or a func literal inside it. */
function isInside(g: FuncDecl, f: FuncDecl): boolean {
  for (let x: FuncDecl | undefined = g; x !== undefined; x = x.lit?.outer) if (x === f) return true;
  return false;
}

function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

function deferInLoop(body: Node): boolean {
  const walk = (n: Node, loop: boolean): boolean => {
    if (n.type === 'func_literal') return false;
    if (n.type === 'defer_statement' && loop) return true;
    return named(n).some((c) => walk(c, loop || n.type === 'for_statement'));
  };
  return walk(body, false);
}

function countDefers(body: Node): number {
  let k = 0;
  const walk = (n: Node): void => {
    if (n.type === 'func_literal') return;
    if (n.type === 'defer_statement') k++;
    for (const c of named(n)) walk(c);
  };
  walk(body);
  return k;
}

function concatCount(n: Node, c: Checked): number {
  if (n.type === 'binary_expression' && n.childForFieldName('operator')!.text === '+') {
    const t = c.exprs.get(n.id)?.type;
    if (t !== undefined && !isTuple(t) && !isUntyped(t) && under(t).kind === Kind.String) return concatCount(n.childForFieldName('left')!, c) + concatCount(n.childForFieldName('right')!, c);
  }
  return 1;
}

/** Bytes of the frame beyond its pointer slots (slotsEnd: where go.func's named slots end). */
export function frameExtra(total: number, slotsEnd: number): number {
  return Math.max(total - roundUp(slotsEnd, ptrSize), ptrSize);
}
