// The type checker for gomem's Go subset: resolves every name, gives each
// expression its type (and constant value), and reports the first error in
// the compiler's words ("undefined: x", "declared and not used: x").
// Follows the spec's rules as go/types applies them, for the subset only:
// package-level declarations in any order (types first, so that they may be
// recursive through pointers), then each function body in order.

import { Kind, T, type GoType } from '../go/types.ts';
import type { Node } from './grammar.ts';
import type { Source } from './diag.ts';
import { type CType, type ExprInfo, type FuncDecl, type GenericObj, NodeMap, type Obj, type PkgObj, type VarObj, isTuple, isUntyped } from './objects.ts';
import { stdMethods, stdPackages } from './stdlib.ts';
import { gotoTarget, gotosOf, labelled, terminates } from './check_flow.ts';
import {
  anyType, declaredMethods, missingMethod,
  assignable, defaultType, identical, isBoolType, isFloatType, isIntegerType, isInterface, isNumeric, isStringType, isUnsigned,
  representError, under, universe, untypedBool, untypedFloat, untypedInt, untypedNil, untypedRune, untypedString,
} from './universe.ts';
import { constBinary, constUnary, parseIntLit, parseStringLit, parseRuneLit, truncate } from './consts.ts';

export interface GlobalInit {
  readonly vars: readonly VarObj[];
  readonly value: Node | null;
}

export interface Checked {
  readonly src: Source;
  readonly root: Node;
  readonly funcs: FuncDecl[];
  readonly globals: VarObj[];
  readonly globalInits: GlobalInit[];
  /** The package's init function: the holder of package variables' initialisers (their func literals' outer function). */
  readonly initFn: FuncDecl;
  /** The function whose nodes the maps below answer for (a generic function's instance has its own layer). */
  readonly ctx: { current: FuncDecl | null };
  readonly exprs: NodeMap<ExprInfo>;
  readonly uses: NodeMap<Obj>;
  readonly defs: NodeMap<VarObj>;
  readonly typeNodes: NodeMap<GoType>;
  /** Calls of generic functions: the instance each calls. */
  readonly callTargets: NodeMap<FuncDecl>;
  /** Named types declared by the program, by name. */
  readonly named: Map<string, GoType>;
  /** Func literals, by node id: each a function of its own, compiled inside the function holding it. */
  readonly lits: Map<number, FuncDecl>;
  /** Expressions converted to an interface type where they are used (boxed: convT, staticuint64s …), by node: the interface type. */
  readonly convs: NodeMap<GoType>;
  /** A type switch's variable in each clause, by clause node. */
  readonly switchVars: Map<number, VarObj>;
}

class Scope {
  readonly names = new Map<string, Obj>();
  constructor(readonly parent: Scope | null) {}
  lookup(name: string): Obj | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }
}

/** Nodes that are not part of the program's meaning. */
function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** The type names a type expression holds by value (not through a pointer, slice, map, chan, func or interface). */
function valueDeps(n: Node): string[] {
  switch (n.type) {
    case 'pointer_type':
    case 'slice_type':
    case 'map_type':
    case 'channel_type':
    case 'function_type':
    case 'interface_type':
    case 'qualified_type':
      return [];
    case 'type_identifier':
      return [n.text];
    case 'array_type':
      return valueDeps(n.childForFieldName('element')!);
    case 'generic_type':
      // An instance holds its type arguments as its declaration says: assume by value.
      return [n.childForFieldName('type')!.text, ...named(n.childForFieldName('type_arguments')!).flatMap(valueDeps)];
  }
  return named(n).flatMap(valueDeps);
}

export function check(src: Source, root: Node): Checked {
  return new Checker(src, root).run();
}

/** A generic type declaration (`type Stack[T any] struct{…}`): its instances by type arguments, and its methods' declarations. */
interface GenericType {
  readonly name: string;
  readonly node: Node;
  readonly typeParams: readonly string[];
  readonly instances: Map<string, GoType>;
  readonly methods: Node[];
}

class Checker {
  private readonly genericTypes = new Map<string, GenericType>();
  private readonly pendingMethods: { f: FuncDecl; scope: Scope }[] = [];
  readonly ctx: { current: FuncDecl | null } = { current: null };
  readonly exprs = new NodeMap<ExprInfo>(this.ctx);
  readonly uses = new NodeMap<Obj>(this.ctx);
  readonly defs = new NodeMap<VarObj>(this.ctx);
  readonly typeNodes = new NodeMap<GoType>(this.ctx);
  readonly callTargets = new NodeMap<FuncDecl>(this.ctx);
  readonly funcs: FuncDecl[] = [];
  readonly globals: VarObj[] = [];
  readonly globalInits: GlobalInit[] = [];
  readonly namedTypes = new Map<string, GoType>();
  readonly lits = new Map<number, FuncDecl>();
  readonly convs = new NodeMap<GoType>(this.ctx);
  readonly switchVars = new Map<number, VarObj>();
  /** Func literals numbered per enclosing function (main.main.func1, main.main.func1.1). */
  private readonly litCount = new Map<FuncDecl, number>();
  /** Checking a 3-clause loop's post statement: Go 1.22 gives each iteration its own variable, so i++ there is not a reassignment a closure sees. */
  private inForPost = false;
  private readonly pkg = new Scope(new Scope(null));
  private readonly imports: PkgObj[] = [];
  private nextVar = 0;
  /** The function whose body is being checked. */
  private fn: FuncDecl | null = null;
  /** The package's initialisation (runtime.main runs it before main.main): what package variables' initialisers are part of. */
  readonly initFn: FuncDecl;
  /** Variables declared in the current function and not used yet. */
  private unused = new Set<VarObj>();
  private iota: number | null = null;

  constructor(
    readonly src: Source,
    readonly root: Node,
  ) {
    for (const [k, v] of universe) this.pkg.parent!.names.set(k, v);
    this.initFn = { name: 'main.init', node: root, sig: T.func(), params: [], results: [], vars: [], calls: new Set(), blocking: false, loops: false };
  }

  run(): Checked {
    const decls = named(this.root);
    // One package clause per file: each must be package main.
    const clauses = decls.filter((d) => d.type === 'package_clause');
    for (const pkgClause of clauses.length > 0 ? clauses : [undefined]) {
      const pkgName = pkgClause?.namedChildren[0]?.text;
      if (pkgName !== 'main') throw this.src.error(pkgClause ?? this.root, `package ${pkgName ?? '?'} is not a main package (gomem runs package main)`);
    }
    for (const d of decls) if (d.type === 'import_declaration') this.importDecl(d);
    // Types first (declared, then defined), so everything else can use them.
    const typeSpecs = decls.filter((d) => d.type === 'type_declaration').flatMap((d) => named(d).filter((s) => s.type === 'type_spec' || s.type === 'type_alias'));
    for (const s of typeSpecs) {
      const tps = s.childForFieldName('type_parameters');
      if (tps === null) continue;
      const name = s.childForFieldName('name')!;
      this.genericTypes.set(name.text, { name: name.text, node: s, typeParams: this.typeParamNames(tps), instances: new Map(), methods: [] });
    }
    const declared = typeSpecs.filter((s) => s.childForFieldName('type_parameters') === null).map((s) => {
      const name = s.childForFieldName('name')!;
      if (s.type === 'type_alias') throw this.src.unsupported(s, 'type aliases');
      const t = T.declare(`main.${name.text}`);
      this.declare(this.pkg, name, { kind: 'type', name: name.text, type: t });
      this.namedTypes.set(name.text, t);
      return { s, t };
    });
    for (const d of decls) {
      if (d.type !== 'method_declaration') continue;
      const g = this.genericTypeOfMethod(d);
      if (g !== undefined) g.methods.push(d);
    }
    // A type's layout needs those of the types it holds by value (struct fields, array elements): they are
    // defined first, whatever the source order; a type that holds itself by value is Go's invalid recursive type.
    const byName = new Map(declared.map((d) => [d.s.childForFieldName('name')!.text, d]));
    const state = new Map<string, 'defining' | 'defined'>();
    const path: string[] = [];
    const define = (d: { s: Node; t: GoType }): void => {
      const nameNode = d.s.childForFieldName('name')!;
      const name = nameNode.text;
      if (state.get(name) === 'defined') return;
      if (state.get(name) === 'defining') {
        const cycle = path.slice(path.indexOf(name));
        const first = byName.get(cycle[0]!)!.s.childForFieldName('name')!;
        if (cycle.length === 1) throw this.src.error(first, `invalid recursive type: ${name} refers to itself`);
        throw this.src.error(first, `invalid recursive type ${cycle[0]}\n${[...cycle, cycle[0]!].map((x, i) => `\t${this.src.at(byName.get(x)!.s.childForFieldName('name')!)}: ${x}${i < cycle.length ? ' refers to' : ''}`).join('\n')}`);
      }
      state.set(name, 'defining');
      path.push(name);
      for (const dep of valueDeps(d.s.childForFieldName('type')!)) {
        const x = byName.get(dep);
        if (x !== undefined) define(x);
      }
      path.pop();
      T.define(d.t, this.typeExpr(d.s.childForFieldName('type')!));
      state.set(name, 'defined');
    };
    for (const d of declared) define(d);
    for (const d of decls) {
      switch (d.type) {
        case 'package_clause':
        case 'import_declaration':
        case 'type_declaration':
          break;
        case 'const_declaration':
          this.constDecl(d, this.pkg);
          break;
        case 'var_declaration':
          break;
        case 'function_declaration':
          this.funcHeader(d);
          break;
        case 'method_declaration':
          if (this.genericTypeOfMethod(d) === undefined) this.methodHeader(d);
          break;
        default:
          throw this.src.unsupported(d, d.type.replace(/_/g, ' '));
      }
    }
    // Package variables in source order (Go orders by dependency; the subset's initialisers are constants and calls),
    // checked as the body of the package's init function: its func literals are main.init.func1, main.init.func2 …
    for (const d of decls) {
      if (d.type !== 'var_declaration') continue;
      this.fn = this.initFn;
      this.varDecl(d, this.pkg, true);
      this.fn = null;
    }
    for (const f of [...this.funcs]) if (f.typeArgs === undefined) this.funcBody(f);
    // The methods of generic types' instances, as they are instantiated (a body may instantiate more).
    while (this.pendingMethods.length > 0) {
      const { f, scope } = this.pendingMethods.shift()!;
      this.funcBody(f, scope);
    }
    this.ctx.current = null;
    for (const imp of this.imports) if (!imp.used) throw this.src.error(imp.decl, `"${imp.path}" imported and not used`);
    if (!this.funcs.some((f) => f.name === 'main.main')) throw this.src.error(this.root, 'function main is undeclared in the main package');
    return {
      src: this.src,
      root: this.root,
      funcs: this.funcs,
      globals: this.globals,
      globalInits: this.globalInits,
      initFn: this.initFn,
      ctx: this.ctx,
      callTargets: this.callTargets,
      exprs: this.exprs,
      uses: this.uses,
      defs: this.defs,
      typeNodes: this.typeNodes,
      named: this.namedTypes,
      lits: this.lits,
      convs: this.convs,
      switchVars: this.switchVars,
    };
  }

  // ── declarations ──────────────────────────────────────────────────────

  private declare(scope: Scope, id: Node, obj: Obj): void {
    const name = id.text;
    if (name === '_') return;
    if (scope.names.has(name)) throw this.src.error(id, `${name} redeclared in this block`);
    scope.names.set(name, obj);
  }

  private importDecl(d: Node): void {
    const specs = d.descendantsOfType('import_spec').filter((s): s is Node => s !== null);
    for (const s of specs) {
      const pathNode = s.childForFieldName('path')!;
      const path = parseStringLit(pathNode.text);
      const std = stdPackages[path];
      if (std === undefined) throw this.src.error(pathNode, `gomem does not support package ${path} yet`);
      const alias = s.childForFieldName('name');
      if (alias !== null) throw this.src.unsupported(alias, 'renamed imports');
      // Another file of the package importing it too (gomem keeps one package-wide import: an import unused in its own file is not reported).
      const prev = this.pkg.names.get(std.name);
      if (prev?.kind === 'pkg' && prev.path === path && this.src.partOf(prev.decl) !== this.src.partOf(pathNode)) continue;
      const obj: PkgObj = { kind: 'pkg', path, name: std.name, used: false, decl: pathNode };
      this.imports.push(obj);
      if (this.pkg.names.has(std.name)) throw this.src.error(pathNode, `${std.name} redeclared in this block`);
      this.pkg.names.set(std.name, obj);
    }
  }

  private newVar(id: Node, type: GoType, opts: { param?: boolean; result?: boolean; global?: boolean } = {}): VarObj {
    const v: VarObj = {
      kind: 'var',
      name: id.text,
      type,
      decl: id,
      fn: opts.global ? null : this.fn,
      param: opts.param ?? false,
      result: opts.result ?? false,
      id: this.nextVar++,
      addrTaken: false,
      captured: false,
      heap: false,
    };
    this.defs.set(id.id, v);
    if (opts.global) this.globals.push(v);
    else this.fn!.vars.push(v);
    return v;
  }

  private constDecl(d: Node, scope: Scope): void {
    let prev: { type: Node | null; values: Node[] } | null = null;
    let iota = 0;
    for (const spec of named(d).filter((s) => s.type === 'const_spec')) {
      const names = spec.childrenForFieldName('name').filter((c): c is Node => c !== null);
      let typeNode = spec.childForFieldName('type');
      const valueList = spec.childForFieldName('value');
      let values = valueList ? named(valueList) : [];
      if (valueList === null) {
        if (prev === null) throw this.src.error(spec, 'missing init expr for const declaration');
        typeNode = prev.type;
        values = prev.values;
      } else prev = { type: typeNode, values };
      if (values.length !== names.length) throw this.src.error(spec, values.length < names.length ? 'missing init expr for const declaration' : 'extra init expr');
      this.iota = iota;
      const t = typeNode ? this.typeExpr(typeNode) : null;
      names.forEach((id, i) => {
        const info = this.expr(values[i]!, t ?? undefined);
        if (info.value === undefined) throw this.src.error(values[i]!, `${values[i]!.text} (value of type ${this.typeStr(info.type)}) is not constant`);
        let type = info.type;
        let value = info.value;
        if (t !== null) {
          this.convertConst(values[i]!, info, t);
          type = t;
          value = isIntegerType(t) && typeof value === 'number' ? Math.trunc(value) : value;
        }
        this.declare(scope, id, { kind: 'const', name: id.text, type, value });
      });
      this.iota = null;
      iota++;
    }
  }

  private varDecl(d: Node, scope: Scope, global: boolean): void {
    const specs = d.descendantsOfType('var_spec').filter((s): s is Node => s !== null);
    for (const spec of specs) {
      const names = spec.childrenForFieldName('name').filter((c): c is Node => c !== null);
      const typeNode = spec.childForFieldName('type');
      const valueList = spec.childForFieldName('value');
      const values = valueList ? named(valueList) : [];
      const t = typeNode ? this.typeExpr(typeNode) : null;
      if (values.length > 0 && values.length !== names.length) {
        if (values.length === 1 && names.length > 1) throw this.src.unsupported(spec, 'multi-value var initialisation');
        throw this.src.error(spec, `assignment mismatch: ${names.length} variables but ${values.length} values`);
      }
      const types = names.map((_, i) => {
        if (values[i] === undefined) return t!;
        const info = this.expr(values[i]!, t ?? undefined);
        if (t !== null) {
          this.assign(values[i]!, info, t, 'variable declaration');
          return t;
        }
        return this.valueType(values[i]!, info);
      });
      const vars = names.map((id, i) => this.newVar(id, types[i]!, { global }));
      names.forEach((id, i) => this.declare(scope, id, vars[i]!));
      if (!global) for (const v of vars) if (v.name !== '_') this.unused.add(v);
      if (global) this.globalInits.push({ vars, value: values[0] ?? null });
    }
  }

  /** Methods of the program's named types, by type and name. */
  readonly methods = new Map<GoType, Map<string, FuncDecl>>();

  /** The generic type a method declaration's receiver names (`func (s *Stack[T]) Push`), if any. */
  private genericTypeOfMethod(d: Node): GenericType | undefined {
    const recv = named(d.childForFieldName('receiver')!)[0];
    const rtNode = recv?.childForFieldName('type');
    if (rtNode === null || rtNode === undefined) return undefined;
    const baseNode = rtNode.type === 'pointer_type' ? named(rtNode)[0]! : rtNode;
    if (baseNode.type !== 'generic_type') return undefined;
    const g = this.genericTypes.get(baseNode.childForFieldName('type')!.text);
    if (g === undefined) throw this.src.error(baseNode, `${baseNode.childForFieldName('type')!.text} is not a generic type`);
    return g;
  }

  /** The names of a type parameter list's parameters (constraints any and comparable). */
  private typeParamNames(tps: Node): string[] {
    const names: string[] = [];
    for (const decl of named(tps)) {
      const constraint = decl.childForFieldName('type')!.text;
      if (constraint !== 'any' && constraint !== 'comparable') throw this.src.unsupported(decl, `type constraints other than any and comparable (${constraint})`);
      for (const n of decl.childrenForFieldName('name')) if (n) names.push(n.text);
    }
    return names;
  }

  /**
   * A generic type's instance (Stack[int]): a named type of its own (main.Stack[int]), its underlying
   * type checked with the type parameters bound, its methods declared on it and checked in turn.
   */
  private instantiateType(g: GenericType, typeArgs: GoType[], at: Node): GoType {
    if (typeArgs.length !== g.typeParams.length) throw this.src.error(at, `${typeArgs.length < g.typeParams.length ? 'not enough' : 'too many'} type arguments for type ${g.name}: have ${typeArgs.length}, want ${g.typeParams.length}`);
    const key = typeArgs.map((t) => t.str).join(',');
    const have = g.instances.get(key);
    if (have !== undefined) return have;
    const t = T.declare(`main.${g.name}[${key}]`);
    g.instances.set(key, t);
    const tscope = new Scope(this.pkg);
    g.typeParams.forEach((n, i) => tscope.names.set(n, { kind: 'type', name: n, type: typeArgs[i]!, typeParam: true }));
    const saved = this.scopes;
    this.scopes = [tscope];
    T.define(t, this.typeExpr(g.node.childForFieldName('type')!));
    this.scopes = saved;
    for (const d of g.methods) {
      // The receiver's own names for the type parameters (func (p Pair[A, B]) …), bound to this instance's arguments.
      const recv = named(d.childForFieldName('receiver')!)[0]!;
      const rtNode = recv.childForFieldName('type')!;
      const baseNode = rtNode.type === 'pointer_type' ? named(rtNode)[0]! : rtNode;
      const mscope = new Scope(this.pkg);
      named(baseNode.childForFieldName('type_arguments')!).forEach((a, i) => {
        if (typeArgs[i] !== undefined) mscope.names.set(a.text, { kind: 'type', name: a.text, type: typeArgs[i]!, typeParam: true });
      });
      const saved2 = this.scopes;
      this.scopes = [mscope];
      const f = this.methodHeader(d, t);
      this.scopes = saved2;
      (f as { typeArgs?: readonly GoType[] }).typeArgs = typeArgs;
      this.pendingMethods.push({ f, scope: mscope });
    }
    return t;
  }

  private methodHeader(d: Node, instance?: GoType): FuncDecl {
    const recvList = d.childForFieldName('receiver')!;
    const recv = named(recvList)[0];
    if (recv === undefined) throw this.src.error(recvList, 'method has no receiver');
    const rtNode = recv.childForFieldName('type')!;
    const pointer = rtNode.type === 'pointer_type';
    const baseNode = pointer ? named(rtNode)[0]! : rtNode;
    const base = instance ?? this.typeExpr(baseNode);
    if (!base.name.startsWith('main.')) throw this.src.error(baseNode, `cannot define new methods on non-local type ${base.str}`);
    const id = d.childForFieldName('name')!;
    const typeName = base.name.slice(5);
    const pl = this.paramList(d.childForFieldName('parameters'));
    const variadic = pl.length > 0 && pl[pl.length - 1]!.variadic;
    const ps = pl.flatMap((p) => (p.names.length === 0 ? [p.type] : p.names.map(() => p.type)));
    const rs = this.resultTypes(d).flatMap((p) => (p.names.length === 0 ? [p.type] : p.names.map(() => p.type)));
    const recvType = pointer ? T.pointer(base) : base;
    const sig = T.func([recvType, ...ps], rs, variadic);
    const f: FuncDecl = {
      name: pointer ? `main.(*${typeName}).${id.text}` : `main.${typeName}.${id.text}`,
      node: d,
      sig,
      params: [],
      results: [],
      vars: [],
      calls: new Set(),
      blocking: false,
      loops: false,
      method: { recv: base, pointer, name: id.text },
    };
    let ms = this.methods.get(base);
    if (ms === undefined) this.methods.set(base, (ms = new Map()));
    if (ms.has(id.text)) throw this.src.error(id, `method ${typeName}.${id.text} already declared`);
    const field = under(base).fields?.find((x) => x.name === id.text);
    if (field !== undefined) throw this.src.error(id, `field and method with the same name ${id.text}`);
    ms.set(id.text, f);
    let dm = declaredMethods.get(base);
    if (dm === undefined) declaredMethods.set(base, (dm = new Map()));
    dm.set(id.text, { sig: T.func(ps, rs), pointer });
    this.funcs.push(f);
    return f;
  }

  private funcHeader(d: Node): void {
    const id = d.childForFieldName('name')!;
    const tps = d.childForFieldName('type_parameters');
    if (tps !== null) {
      const names: string[] = [];
      for (const decl of named(tps)) {
        const constraint = decl.childForFieldName('type')!.text;
        if (constraint !== 'any' && constraint !== 'comparable') throw this.src.unsupported(decl, `type constraints other than any and comparable (${constraint})`);
        for (const n of decl.childrenForFieldName('name')) if (n) names.push(n.text);
      }
      this.declare(this.pkg, id, { kind: 'generic', name: id.text, node: d, typeParams: names, instances: new Map() });
      return;
    }
    const sig = this.signature(d);
    const f: FuncDecl = { name: `main.${id.text}`, node: d, sig, params: [], results: [], vars: [], calls: new Set(), blocking: false, loops: false };
    if (id.text === 'init') throw this.src.unsupported(id, 'func init');
    if (id.text === 'main' && (sig.params!.length > 0 || sig.results!.length > 0)) throw this.src.error(id, 'func main must have no arguments and no return values');
    this.declare(this.pkg, id, { kind: 'func', name: id.text, fn: f });
    this.funcs.push(f);
  }

  /** The instance of a generic function for these type arguments: checked once, compiled as its own function. */
  private instantiate(g: GenericObj, typeArgs: GoType[]): FuncDecl {
    const key = typeArgs.map((t) => t.str).join(',');
    const have = g.instances.get(key);
    if (have !== undefined) return have;
    const tscope = new Scope(this.pkg);
    g.typeParams.forEach((n, i) => tscope.names.set(n, { kind: 'type', name: n, type: typeArgs[i]!, typeParam: true }));
    // Check the instance in its own context, then return to the caller's.
    const saved = { fn: this.fn, unused: this.unused, scopes: this.scopes, cur: this.ctx.current, iota: this.iota };
    this.scopes = [tscope];
    const sig = this.signature(g.node);
    // Named by its type arguments (Go prints main.fill[...] in traces; gomem needs one frame layout per name).
    const f: FuncDecl = { name: `main.${g.name}[${typeArgs.map((t) => t.str).join(", ")}]`, node: g.node, sig, params: [], results: [], vars: [], calls: new Set(), blocking: false, loops: false, typeArgs };
    g.instances.set(key, f);
    this.funcs.push(f);
    this.ctx.current = f;
    this.funcBody(f, tscope);
    this.fn = saved.fn;
    this.unused = saved.unused;
    this.scopes = saved.scopes;
    this.ctx.current = saved.cur;
    this.iota = saved.iota;
    return f;
  }

  /** Type arguments inferred from the arguments' types (function argument type inference, for the subset's shapes). */
  /** A generic function's type arguments at a call: those given (`F[int, string](…)`, a prefix), the rest inferred from the arguments. */
  private infer(g: GenericObj, call: Node, args: Node[], given: readonly GoType[] = []): GoType[] {
    const bound = new Map<string, GoType>();
    if (given.length > g.typeParams.length) throw this.src.error(call.childForFieldName('type_arguments') ?? call, `got ${given.length} type arguments but ${g.name} has ${g.typeParams.length} type parameters`);
    given.forEach((t, i) => bound.set(g.typeParams[i]!, t));
    if (given.length === g.typeParams.length) return [...given];
    const unify = (pn: Node, t: GoType): void => {
      if ((pn.type === 'type_identifier' || pn.type === 'identifier') && g.typeParams.includes(pn.text)) {
        if (!bound.has(pn.text)) bound.set(pn.text, t);
        return;
      }
      const u = under(t);
      if (pn.type === 'pointer_type' && u.kind === Kind.Pointer) unify(named(pn)[0]!, u.elem!);
      else if (pn.type === 'slice_type' && u.kind === Kind.Slice) unify(pn.childForFieldName('element')!, u.elem!);
      else if (pn.type === 'array_type' && u.kind === Kind.Array) unify(pn.childForFieldName('element')!, u.elem!);
      else if (pn.type === 'parenthesized_type') unify(named(pn)[0]!, t);
    };
    const params = named(g.node.childForFieldName('parameters')!).flatMap((p) => {
      const names = p.childrenForFieldName('name').filter((x) => x !== null);
      return (names.length === 0 ? [null] : names).map(() => p.childForFieldName('type')!);
    });
    args.forEach((a, i) => {
      if (params[i] === undefined) return;
      const info = this.expr(a);
      if (isTuple(info.type) || (isUntyped(info.type) && info.type.untyped === 'nil')) return;
      unify(params[i]!, this.valueType(a, info));
    });
    return g.typeParams.map((n) => {
      const t = bound.get(n);
      if (t === undefined) throw this.src.error(call, `in call to ${g.name}, cannot infer ${n}`);
      return t;
    });
  }

  private paramList(list: Node | null): { names: Node[]; type: GoType; variadic: boolean }[] {
    if (list === null) return [];
    return named(list).map((p) => {
      const variadic = p.type === 'variadic_parameter_declaration';
      // xs ...T is a []T inside the function.
      const t = variadic ? T.slice(this.typeExpr(p.childForFieldName('type')!)) : this.typeExpr(p.childForFieldName('type')!);
      return { names: p.childrenForFieldName('name').filter((c): c is Node => c !== null), type: t, variadic };
    });
  }

  private resultTypes(d: Node): { names: Node[]; type: GoType }[] {
    const r = d.childForFieldName('result');
    if (r === null) return [];
    if (r.type === 'parameter_list') return this.paramList(r);
    return [{ names: [], type: this.typeExpr(r) }];
  }

  private signature(d: Node): GoType {
    const pl = this.paramList(d.childForFieldName('parameters'));
    const ps = pl.flatMap((p) => (p.names.length === 0 ? [p.type] : p.names.map(() => p.type)));
    const rs = this.resultTypes(d).flatMap((p) => (p.names.length === 0 ? [p.type] : p.names.map(() => p.type)));
    const variadic = pl.length > 0 && pl[pl.length - 1]!.variadic;
    if (variadic && d.type !== 'function_declaration') throw this.src.unsupported(d, 'variadic func literals and func types');
    return T.func(ps, rs, variadic);
  }

  private funcBody(f: FuncDecl, outer: Scope = this.pkg): void {
    // A declaration without a body is implemented in assembly: go build wants its .s file.
    if (f.node.childForFieldName('body') === null) throw this.src.error(f.node.childForFieldName('name')!, 'missing function body');
    this.fn = f;
    this.ctx.current = f;
    this.unused = new Set();
    this.scopes = outer === this.pkg ? [] : [outer];
    const scope = new Scope(outer);
    if (f.method !== undefined) {
      const recv = named(f.node.childForFieldName('receiver')!)[0]!;
      const id = recv.childForFieldName('name');
      const rt = f.sig.params![0]!;
      const v = id !== null ? this.newVar(id, rt, { param: true }) : this.syntheticParam(f, rt);
      f.params.push(v);
      if (id !== null) this.declare(scope, id, v);
    }
    this.declareParamsAndResults(f, f.node, scope);
    const body = f.node.childForFieldName('body')!;
    this.block(body, scope);
    if (f.sig.results!.length > 0 && !terminates(body)) throw this.src.error(body.lastChild ?? body, 'missing return');
    for (const v of this.unused) throw this.src.error(v.decl, `declared and not used: ${v.name}`);
    this.fn = null;
  }

  /** Declares a function's (or func literal's) parameters and results in its scope; unnamed results get synthetic variables. */
  private declareParamsAndResults(f: FuncDecl, n: Node, scope: Scope): void {
    for (const p of this.paramList(n.childForFieldName('parameters'))) {
      for (const id of p.names) {
        const v = this.newVar(id, p.type, { param: true });
        f.params.push(v);
        this.declare(scope, id, v);
      }
    }
    let i = 0;
    for (const r of this.resultTypes(n)) {
      if (r.names.length === 0) {
        f.results.push(this.syntheticResult(f, r.type, i++));
        continue;
      }
      for (const id of r.names) {
        const v = this.newVar(id, r.type, { result: true });
        f.results.push(v);
        this.declare(scope, id, v);
        i++;
      }
    }
  }

  /** A func literal: a function of its own, checked in the scope that holds it (its captures are that scope's variables). */
  private funcLit(n: Node): ExprInfo {
    const outer = this.fn!;
    const k = (this.litCount.get(outer) ?? 0) + 1;
    this.litCount.set(outer, k);
    const sig = this.signature(n);
    const f: FuncDecl = { name: outer.lit ? `${outer.name}.${k}` : `${outer.name}.func${k}`, node: n, sig, params: [], results: [], vars: [], calls: new Set(), blocking: true, loops: false, lit: { outer, index: this.lits.size } };
    this.lits.set(n.id, f);
    const saved = this.fn;
    this.fn = f;
    const scope = new Scope(this.scope);
    this.declareParamsAndResults(f, n, scope);
    const body = n.childForFieldName('body')!;
    this.block(body, scope);
    if (sig.results!.length > 0 && !terminates(body)) throw this.src.error(body.lastChild ?? body, 'missing return');
    this.fn = saved;
    // The holder's analysis covers the literal's body: it needs the summaries of what the literal calls.
    for (const g of f.calls) outer.calls.add(g);
    return { type: sig };
  }

  /** An unnamed receiver. */
  private syntheticParam(f: FuncDecl, t: GoType): VarObj {
    const v: VarObj = { kind: 'var', name: '_', type: t, decl: f.node, fn: f, param: true, result: false, id: this.nextVar++, addrTaken: false, captured: false, heap: false };
    f.vars.push(v);
    return v;
  }

  /** An unnamed result: Go calls it ~r0, ~r1 … */
  private syntheticResult(f: FuncDecl, t: GoType, i: number): VarObj {
    const v: VarObj = { kind: 'var', name: `~r${i}`, type: t, decl: f.node, fn: f, param: false, result: true, id: this.nextVar++, addrTaken: false, captured: false, heap: false };
    f.vars.push(v);
    return v;
  }

  // ── types ─────────────────────────────────────────────────────────────

  typeExpr(n: Node): GoType {
    const t = this.typeExprInner(n);
    this.typeNodes.set(n.id, t);
    return t;
  }

  private typeExprInner(n: Node): GoType {
    switch (n.type) {
      case 'type_identifier':
      case 'identifier': {
        const o = this.lookup(n);
        if (o.kind !== 'type') throw this.src.error(n, `${n.text} is not a type`);
        return o.type;
      }
      case 'qualified_type': {
        const pkg = n.childForFieldName('package')!;
        const name = n.childForFieldName('name')!;
        const m = this.pkgMember(pkg, name);
        if (m.kind !== 'type') throw this.src.error(n, `${n.text} is not a type`);
        return m.type;
      }
      case 'pointer_type':
        return T.pointer(this.typeExpr(named(n)[0]!));
      case 'slice_type':
        return T.slice(this.typeExpr(n.childForFieldName('element')!));
      case 'array_type': {
        const lenNode = n.childForFieldName('length')!;
        const info = this.expr(lenNode);
        if (info.value === undefined || typeof info.value !== 'number') throw this.src.error(lenNode, `array length ${lenNode.text} (value of type ${this.typeStr(info.type)}) must be constant`);
        return T.array(this.typeExpr(n.childForFieldName('element')!), info.value);
      }
      case 'map_type':
        return T.map(this.typeExpr(n.childForFieldName('key')!), this.typeExpr(n.childForFieldName('value')!));
      case 'channel_type': {
        const dir = n.text.startsWith('<-') ? 'recv' : /^chan\s*<-/.test(n.text) ? 'send' : 'both';
        return T.chan(this.typeExpr(n.childForFieldName('value')!), dir);
      }
      case 'struct_type': {
        const fields: [string, GoType][] = [];
        const list = named(n)[0];
        for (const fd of list ? named(list) : []) {
          const t = this.typeExpr(fd.childForFieldName('type')!);
          const names = fd.childrenForFieldName('name').filter((c): c is Node => c !== null);
          if (names.length === 0) throw this.src.unsupported(fd, 'embedded fields in a struct type outside a type declaration');
          for (const id of names) fields.push([id.text, t]);
        }
        return T.struct(fields);
      }
      case 'interface_type': {
        const methods: { name: string; type: GoType }[] = [];
        for (const el of named(n)) {
          if (el.type === 'method_elem') {
            methods.push({ name: el.childForFieldName('name')!.text, type: this.signature(el) });
            continue;
          }
          // An embedded interface: its methods are this one's.
          const inner = named(el);
          if (el.type !== 'type_elem' || inner.length !== 1) throw this.src.unsupported(el, 'type constraints in interfaces');
          const et = this.typeExpr(inner[0]!);
          if (!isInterface(et)) throw this.src.unsupported(el, 'type constraints in interfaces');
          for (const m of under(et).methods ?? []) if (!methods.some((x) => x.name === m.name)) methods.push(m);
        }
        return T.interface(methods);
      }
      case 'parenthesized_type':
        return this.typeExpr(named(n)[0]!);
      case 'function_type':
        return this.signature(n);
      case 'generic_type': {
        const name = n.childForFieldName('type')!;
        const g = this.genericTypes.get(name.text);
        if (g === undefined && this.scope.lookup(name.text)?.kind === 'generic') throw this.src.unsupported(n, 'generic function values (F[int] not called)');
        if (g === undefined) throw this.src.error(name, this.scope.lookup(name.text) === undefined ? `undefined: ${name.text}` : `${name.text} is not a generic type`);
        const args = named(n.childForFieldName('type_arguments')!).map((a) => this.typeExpr(a.type === 'type_elem' ? named(a)[0]! : a));
        return this.instantiateType(g, args, n);
      }
      case 'type_elem':
        return this.typeExpr(named(n)[0]!);
      default:
        throw this.src.unsupported(n, n.type.replace(/_/g, ' '));
    }
  }

  typeStr(t: CType): string {
    if (isTuple(t)) return `(${t.tuple.map((x) => x.str).join(', ')})`;
    if (isUntyped(t)) return `untyped ${t.untyped}`;
    // Types of the package being compiled are named without it, wherever they occur (*C, []T, map[K]V).
    return t.str.replace(/\bmain\./g, '');
  }

  // ── names ─────────────────────────────────────────────────────────────

  private scopes: Scope[] = [];

  private get scope(): Scope {
    return this.scopes[this.scopes.length - 1] ?? this.pkg;
  }

  private lookup(id: Node): Obj {
    const name = id.text;
    if (name === '_') throw this.src.error(id, 'cannot use _ as value');
    const o = this.scope.lookup(name);
    if (o === undefined) throw this.src.error(id, `undefined: ${name}`);
    this.uses.set(id.id, o);
    if (o.kind === 'var') this.unused.delete(o);
    if (o.kind === 'pkg') o.used = true;
    return o;
  }

  private pkgMember(pkgId: Node, nameId: Node) {
    const o = this.lookup(pkgId);
    if (o.kind !== 'pkg') throw this.src.error(pkgId, `${pkgId.text} is not a package`);
    const m = stdPackages[o.path]!.members[nameId.text];
    if (m === undefined) {
      throw this.src.error(nameId, nameId.text[0]! === nameId.text[0]!.toLowerCase() ? `name ${nameId.text} not exported by package ${o.name}` : `gomem does not support ${o.name}.${nameId.text} yet`);
    }
    return m;
  }

  // ── statements ────────────────────────────────────────────────────────

  private block(b: Node, scope: Scope): void {
    this.scopes.push(scope);
    const list = b.type === 'block' ? named(b).find((c) => c.type === 'statement_list') : b;
    for (const s of list ? named(list) : []) this.stmt(s);
    this.scopes.pop();
  }

  private stmt(s: Node): void {
    switch (s.type) {
      case 'expression_statement': {
        const e = named(s)[0]!;
        const info = this.expr(e);
        if (e.type !== 'call_expression' && e.type !== 'unary_expression') throw this.src.error(e, `${e.text} (${this.describe(info)}) is not used`);
        return;
      }
      case 'short_var_declaration':
        return this.shortVarDecl(s);
      case 'var_declaration':
        return this.varDecl(s, this.scope, false);
      case 'const_declaration':
        return this.constDecl(s, this.scope);
      case 'assignment_statement':
        return this.assignStmt(s);
      case 'inc_statement':
      case 'dec_statement': {
        const x = named(s)[0]!;
        const info = this.expr(x);
        this.mustAssignable(x);
        if (!isTuple(info.type) && !isUntyped(info.type) && !isNumeric(info.type)) throw this.src.error(s, `invalid operation: ${s.text} (non-numeric type ${this.typeStr(info.type)})`);
        return;
      }
      case 'if_statement': {
        this.scopes.push(new Scope(this.scope));
        const init = s.childForFieldName('initializer');
        if (init) this.stmt(init);
        const cond = s.childForFieldName('condition')!;
        const c = this.expr(cond);
        if (isTuple(c.type) || (!isUntyped(c.type) && !isBoolType(c.type)) || (isUntyped(c.type) && c.type.untyped !== 'bool')) throw this.src.error(cond, `non-boolean condition in if statement`);
        this.block(s.childForFieldName('consequence')!, new Scope(this.scope));
        const alt = s.childForFieldName('alternative');
        if (alt) {
          if (alt.type === 'if_statement') this.stmt(alt);
          else this.block(alt, new Scope(this.scope));
        }
        this.scopes.pop();
        return;
      }
      case 'for_statement':
        return this.forStmt(s);
      case 'block':
        return this.block(s, new Scope(this.scope));
      case 'return_statement':
        return this.returnStmt(s);
      case 'break_statement':
      case 'continue_statement': {
        const label = named(s)[0];
        if (label === undefined) return;
        const target = labelled(s, label.text);
        if (target === null) throw this.src.error(label, `invalid ${s.type === 'break_statement' ? 'break' : 'continue'} label ${label.text}`);
        if (s.type === 'continue_statement' && target.type !== 'for_statement') throw this.src.error(label, `invalid continue label ${label.text}`);
        return;
      }
      case 'empty_statement':
        return;
      case 'expression_switch_statement':
        return this.switchStmt(s);
      case 'labeled_statement': {
        // A label for break and continue, or a goto's target (any statement, or none before a block's end).
        const inner = named(s).find((x) => x.type !== 'label_name');
        const name = named(s)[0]!;
        const used = [...s.descendantsOfType('break_statement'), ...s.descendantsOfType('continue_statement')].some((x) => x !== null && named(x)[0]?.text === name.text);
        const gotoTarget = gotosOf(s).some((g) => named(g)[0]?.text === name.text);
        if (!used && !gotoTarget) throw this.src.error(name, `label ${name.text} defined and not used`);
        if (inner === undefined) return;
        if (!gotoTarget && !['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement'].includes(inner.type)) throw this.src.unsupported(s, 'labels on statements other than for, switch and select');
        return this.stmt(inner);
      }
      case 'goto_statement': {
        const label = named(s)[0]!;
        const target = gotoTarget(s, label.text);
        if (target === null) throw this.src.error(label, `label ${label.text} not defined`);
        // Go's rule: the label's block must enclose the goto (no jump into a block).
        for (let x: Node | null = s.parent; ; x = x.parent) {
          if (x === null || x.type === 'func_literal' || x.type === 'function_declaration' || x.type === 'method_declaration') throw this.src.error(s, `goto ${label.text} jumps into block starting at ${this.src.pos(target.parent!).line}:${this.src.pos(target.parent!).col}`);
          if (x.id === target.parent!.id) break;
        }
        return;
      }
      case 'go_statement': {
        const call = named(s)[0]!;
        if (call.type !== 'call_expression') throw this.src.error(s, 'expression in go must be function call');
        this.expr(call);
        return;
      }
      case 'defer_statement': {
        const call = named(s)[0]!;
        if (call.type !== 'call_expression') throw this.src.error(s, 'expression in defer must be function call');
        const fnNode = call.childForFieldName('function')!;
        const b = fnNode.type === 'identifier' ? this.scope.lookup(fnNode.text) : undefined;
        if (b?.kind === 'builtin' && !['close', 'panic', 'print', 'println', 'delete'].includes(b.name)) throw this.src.unsupported(s, `defer ${b.name}(…)`);
        this.expr(call);
        // The deferred calls run from the function's exit path, which may call func values: a generator.
        this.fn!.blocking = true;
        return;
      }
      case 'select_statement':
        return this.selectStmt(s);
      case 'send_statement': {
        const chNode = s.childForFieldName('channel')!;
        const ct = this.valueType(chNode, this.expr(chNode));
        if (under(ct).kind !== Kind.Chan) throw this.src.error(s, `invalid operation: cannot send to non-channel ${chNode.text} (variable of type ${this.typeStr(ct)})`);
        if (under(ct).dir === 'recv') throw this.src.error(s, `invalid operation: cannot send to receive-only channel ${chNode.text} (variable of type ${this.typeStr(ct)})`);
        const v = s.childForFieldName('value')!;
        this.assign(v, this.expr(v, under(ct).elem!), under(ct).elem!, 'send');
        this.fn!.blocking = true;
        return;
      }
      case 'type_switch_statement':
        return this.typeSwitch(s);
      case 'type_declaration':
        throw this.src.unsupported(s, 'local type declarations');
      default:
        throw this.src.unsupported(s, s.type.replace(/_/g, ' '));
    }
  }

  private switchStmt(s: Node): void {
    this.scopes.push(new Scope(this.scope));
    const init = s.childForFieldName('initializer');
    if (init) this.stmt(init);
    const v = s.childForFieldName('value');
    const tag = v ? this.expr(v) : null;
    const tagType = tag ? this.valueType(v!, tag) : T.bool;
    const cases = named(s).filter((x) => x.type === 'expression_case' || x.type === 'default_case');
    for (const c of cases) {
      if (c.type === 'expression_case') {
        for (const e of named(c.childForFieldName('value')!)) {
          const info = this.expr(e, tagType);
          this.comparable(e, info, tagType);
        }
      }
      const body = named(c).filter((x) => x.type === 'statement_list');
      this.scopes.push(new Scope(this.scope));
      for (const b of body) for (const st of named(b)) {
        if (st.type === 'fallthrough_statement') {
          if (st !== named(b)[named(b).length - 1]) throw this.src.error(st, 'fallthrough statement out of place');
          if (c.id === cases[cases.length - 1]!.id) throw this.src.error(st, 'cannot fallthrough final case in switch');
          continue;
        }
        this.stmt(st);
      }
      this.scopes.pop();
    }
    this.scopes.pop();
  }

  /** select { case v, ok := <-ch: … case ch <- v: … default: … }: each clause its own scope. */
  private selectStmt(s: Node): void {
    this.fn!.blocking = true;
    for (const c of named(s).filter((y) => y.type === 'communication_case' || y.type === 'default_case')) {
      this.scopes.push(new Scope(this.scope));
      const comm = c.childForFieldName('communication');
      if (comm?.type === 'send_statement') this.stmt(comm);
      else if (comm?.type === 'receive_statement') {
        const right = comm.childForFieldName('right')!;
        const inner = right.type === 'parenthesized_expression' ? named(right)[0]! : right;
        if (inner.type !== 'unary_expression' || inner.childForFieldName('operator')!.text !== '<-') throw this.src.error(right, 'select case must be receive, send or assign recv');
        const et = this.valueType(right, this.expr(right));
        const left = comm.childForFieldName('left');
        const lhs = left ? named(left) : [];
        if (lhs.length > 2) throw this.src.error(lhs[2]!, `assignment mismatch: ${lhs.length} variables but ${right.text} returns 2 values`);
        const types = [et, T.bool];
        const define = comm.children.some((x) => x?.type === ':=');
        lhs.forEach((id, i) => {
          if (define) {
            const v = this.newVar(id, types[i]!);
            this.declare(this.scope, id, v);
            if (v.name !== '_') this.unused.add(v);
          } else if (id.text !== '_') {
            const x = this.expr(id);
            this.mustAssignable(id);
            if (!assignable(types[i]!, this.valueType(id, x))) throw this.src.error(id, `cannot assign ${types[i]!.str} to ${id.text}`);
          }
        });
      } else if (comm !== null) throw this.src.error(comm, 'select case must be receive, send or assign recv');
      for (const b of named(c).filter((y) => y.type === 'statement_list')) for (const st of named(b)) this.stmt(st);
      this.scopes.pop();
    }
  }

  /** switch v := x.(type) { case T1, T2: … }: in a clause of one type v has that type, else x's. */
  private typeSwitch(s: Node): void {
    this.scopes.push(new Scope(this.scope));
    const init = s.childForFieldName('initializer');
    if (init) this.stmt(init);
    const x = s.childForFieldName('value')!;
    const xt = this.valueType(x, this.expr(x));
    if (!isInterface(xt)) throw this.src.error(x, `${x.text} (${this.describe(this.exprs.get(x.id)!)}) is not an interface`);
    const alias = s.childForFieldName('alias');
    const id = alias ? named(alias)[0]! : null;
    let used = id === null;
    for (const c of named(s).filter((y) => y.type === 'type_case' || y.type === 'default_case')) {
      const types = c.childrenForFieldName('type').filter((y): y is Node => y !== null);
      const ts: (GoType | null)[] = types.map((tn) => {
        if (tn.text === 'nil') return null;
        const t = this.typeExpr(tn);
        if (!isInterface(t) && missingMethod(t, xt) !== null) throw this.src.error(tn, `impossible type switch case: ${x.text} (${this.describe(this.exprs.get(x.id)!)}) cannot have dynamic type ${this.typeStr(t)} (missing method ${missingMethod(t, xt)!.name})`);
        return t;
      });
      const scope = new Scope(this.scope);
      if (id !== null) {
        const v = this.newVar(id, ts.length === 1 && ts[0] !== null ? ts[0]! : xt);
        this.switchVars.set(c.id, v);
        scope.names.set(id.text, v);
        this.unused.add(v);
      }
      this.scopes.push(scope);
      for (const b of named(c).filter((y) => y.type === 'statement_list')) for (const st of named(b)) this.stmt(st);
      this.scopes.pop();
      if (id !== null) {
        const v = this.switchVars.get(c.id)!;
        if (!this.unused.has(v)) used = true;
        this.unused.delete(v);
      }
    }
    if (!used) throw this.src.error(id!, `declared and not used: ${id!.text}`);
    this.scopes.pop();
  }

  private comparable(e: Node, info: ExprInfo, t: GoType): void {
    if (isTuple(info.type)) throw this.src.error(e, `multiple-value ${e.text} in single-value context`);
    if (isUntyped(info.type)) {
      if (info.value !== undefined) this.convertConst(e, info, t);
      return;
    }
    if (!assignable(info.type, t) && !assignable(t, info.type)) throw this.src.error(e, `invalid case ${e.text} in switch (mismatched types ${this.typeStr(info.type)} and ${this.typeStr(t)})`);
  }

  private forStmt(s: Node): void {
    this.fn!.loops = true;
    this.scopes.push(new Scope(this.scope));
    const clause = named(s).find((c) => c.type === 'for_clause' || c.type === 'range_clause');
    if (clause?.type === 'for_clause') {
      const init = clause.childForFieldName('initializer');
      if (init) this.stmt(init);
      const cond = clause.childForFieldName('condition');
      if (cond) this.condition(cond, 'for');
      const upd = clause.childForFieldName('update');
      if (upd) {
        this.inForPost = true;
        try {
          this.stmt(upd);
        } finally {
          this.inForPost = false;
        }
      }
    } else if (clause?.type === 'range_clause') {
      this.rangeClause(clause);
    } else {
      const cond = named(s).find((c) => c.type !== 'block');
      if (cond) this.condition(cond, 'for');
    }
    this.block(s.childForFieldName('body')!, new Scope(this.scope));
    this.scopes.pop();
  }

  private condition(cond: Node, what: string): void {
    const c = this.expr(cond);
    const ok = !isTuple(c.type) && (isUntyped(c.type) ? c.type.untyped === 'bool' : isBoolType(c.type));
    if (!ok) throw this.src.error(cond, `non-boolean condition in ${what} statement`);
  }

  private rangeClause(c: Node): void {
    const right = c.childForFieldName('right')!;
    const info = this.expr(right);
    const rt = this.valueType(right, info);
    const u = under(rt.kind === Kind.Pointer && under(rt.elem!).kind === Kind.Array ? rt.elem! : rt);
    let kt: GoType;
    let vt: GoType | null;
    if (u.kind === Kind.Slice || u.kind === Kind.Array) [kt, vt] = [T.int, u.elem!];
    else if (isIntegerType(u)) [kt, vt] = [rt, null];
    else if (u.kind === Kind.String) [kt, vt] = [T.int, T.int32];
    else if (u.kind === Kind.Map) [kt, vt] = [u.key!, u.elem!];
    else if (u.kind === Kind.Chan) {
      // Each iteration receives: the loop may block.
      [kt, vt] = [u.elem!, null];
      this.fn!.blocking = true;
    }
    else throw this.src.error(right, `cannot range over ${right.text} (${this.describe(info)})`);
    const left = c.childForFieldName('left');
    if (left === null) return;
    const lhs = named(left);
    if (lhs.length > (vt === null ? 1 : 2)) throw this.src.error(lhs[vt === null ? 1 : 2]!, `range over ${right.text} permits only one iteration variable`);
    const define = c.children.some((x) => x?.type === ':=');
    const types = [kt, vt];
    lhs.forEach((id, i) => {
      if (define) {
        if (id.type !== 'identifier') throw this.src.error(id, `non-name ${id.text} on left side of :=`);
        const v = this.newVar(id, types[i]!);
        this.declare(this.scope, id, v);
        if (v.name !== '_') this.unused.add(v);
      } else if (id.text !== '_') {
        const x = this.expr(id);
        this.mustAssignable(id);
        if (!assignable(types[i]!, this.valueType(id, x))) throw this.src.error(id, `cannot assign ${types[i]!.str} to ${id.text}`);
      }
    });
  }

  private shortVarDecl(s: Node): void {
    const lhs = named(s.childForFieldName('left')!);
    const rhs = named(s.childForFieldName('right')!);
    const types = this.rhsTypes(s, lhs.length, rhs);
    let fresh = 0;
    lhs.forEach((id, i) => {
      if (id.type !== 'identifier') throw this.src.error(id, `non-name ${id.text} on left side of :=`);
      const existing = this.scope.names.get(id.text);
      if (existing !== undefined && id.text !== '_') {
        if (existing.kind !== 'var') throw this.src.error(id, `cannot assign to ${id.text}`);
        this.uses.set(id.id, existing);
        existing.assigned = true;
        if (!assignable(types[i]!, existing.type)) throw this.src.error(rhs[i] ?? s, `cannot use ${rhs[i]?.text ?? ''} as ${existing.type.str} value in assignment`);
        return;
      }
      if (id.text !== '_') fresh++;
      const v = this.newVar(id, types[i]!);
      this.declare(this.scope, id, v);
      if (v.name !== '_') this.unused.add(v);
    });
    if (fresh === 0) throw this.src.error(s, 'no new variables on left side of :=');
  }

  /** The types the right-hand side gives n variables (one multi-value call, or one value each). */
  private rhsTypes(s: Node, n: number, rhs: Node[]): GoType[] {
    if (rhs.length === 1 && n === 2 && this.commaOk(rhs[0]!)) {
      const info = this.expr(rhs[0]!);
      return [this.valueType(rhs[0]!, info), T.bool];
    }
    if (rhs.length === 1 && n > 1) {
      const info = this.expr(rhs[0]!);
      if (!isTuple(info.type) || info.type.tuple.length !== n) throw this.src.error(s, `assignment mismatch: ${n} variables but ${rhs[0]!.text} returns ${isTuple(info.type) ? info.type.tuple.length : 1} value${isTuple(info.type) && info.type.tuple.length === 1 ? '' : 's'}`);
      return [...info.type.tuple];
    }
    if (rhs.length !== n) throw this.src.error(s, `assignment mismatch: ${n} variable${n > 1 ? 's' : ''} but ${rhs.length} value${rhs.length > 1 ? 's' : ''}`);
    return rhs.map((r) => this.valueType(r, this.expr(r)));
  }

  /** v, ok := m[k] (a map index with two results). */
  private commaOk(r: Node): boolean {
    const x = r.type === 'parenthesized_expression' ? named(r)[0]! : r;
    if (x.type === 'type_assertion_expression') return true;
    if (x.type === 'unary_expression' && x.childForFieldName('operator')!.text === '<-') return true;
    if (x.type !== 'index_expression') return false;
    const op = x.childForFieldName('operand')!;
    const t = this.expr(op).type;
    return !isTuple(t) && !isUntyped(t) && under(t).kind === Kind.Map;
  }

  private assignStmt(s: Node): void {
    const lhs = named(s.childForFieldName('left')!);
    const rhs = named(s.childForFieldName('right')!);
    const op = s.childForFieldName('operator')!.text;
    if (op !== '=') {
      const l = this.expr(lhs[0]!);
      this.mustAssignable(lhs[0]!);
      const r = this.expr(rhs[0]!, isTuple(l.type) || isUntyped(l.type) ? undefined : l.type);
      this.binaryType(s, op.slice(0, -1), lhs[0]!, l, rhs[0]!, r);
      return;
    }
    if (rhs.length === 1 && lhs.length > 1) {
      const types = this.rhsTypes(s, lhs.length, rhs);
      lhs.forEach((l, i) => {
        if (l.text === '_') return;
        const x = this.expr(l);
        this.mustAssignable(l);
        if (!assignable(types[i]!, this.valueType(l, x))) throw this.src.error(l, `cannot assign ${types[i]!.str} to ${l.text}`);
      });
      return;
    }
    if (lhs.length !== rhs.length) throw this.src.error(s, `assignment mismatch: ${lhs.length} variable${lhs.length > 1 ? 's' : ''} but ${rhs.length} value${rhs.length > 1 ? 's' : ''}`);
    lhs.forEach((l, i) => {
      if (l.type === 'identifier' && l.text === '_') {
        this.valueType(rhs[i]!, this.expr(rhs[i]!));
        return;
      }
      const x = this.expr(l, undefined, true);
      this.mustAssignable(l);
      const t = this.valueType(l, x);
      this.assign(rhs[i]!, this.expr(rhs[i]!, t), t, 'assignment');
    });
  }

  /** Go: "cannot assign to x (neither addressable nor a map index expression)". */
  private mustAssignable(x: Node): void {
    if (x.type === 'parenthesized_expression') return this.mustAssignable(named(x)[0]!);
    if (x.type === 'identifier') {
      const o = this.uses.get(x.id);
      if (o?.kind === 'var') {
        if (!this.inForPost) o.assigned = true;
        return;
      }
      throw this.src.error(x, `cannot assign to ${x.text} (neither addressable nor a map index expression)`);
    }
    if (x.type === 'index_expression' || x.type === 'selector_expression') return;
    if (x.type === 'unary_expression' && x.childForFieldName('operator')!.text === '*') return;
    throw this.src.error(x, `cannot assign to ${x.text} (neither addressable nor a map index expression)`);
  }

  private returnStmt(s: Node): void {
    const f = this.fn!;
    const list = named(s)[0];
    const vals = list ? named(list) : [];
    const want = f.sig.results!;
    if (vals.length === 0) {
      if (want.length > 0 && f.results.some((r) => r.name.startsWith('~'))) throw this.src.error(s, 'not enough return values\n\thave ()');
      return;
    }
    if (vals.length === 1 && want.length > 1) {
      const info = this.expr(vals[0]!);
      if (isTuple(info.type) && info.type.tuple.length === want.length) return;
    }
    if (vals.length !== want.length) throw this.src.error(vals[0]!, vals.length > want.length ? 'too many return values' : 'not enough return values');
    vals.forEach((v, i) => this.assign(v, this.expr(v, want[i]), want[i]!, 'return statement'));
  }

  // ── assignability ─────────────────────────────────────────────────────

  private describe(info: ExprInfo): string {
    if (info.value !== undefined && isUntyped(info.type)) return `untyped ${info.type.untyped} constant`;
    if (info.value !== undefined) return `constant ${info.value} of type ${this.typeStr(info.type)}`;
    return `value of type ${this.typeStr(info.type)}`;
  }

  /** Checks that x may be assigned to type t, converting an untyped constant. */
  private assign(n: Node, info: ExprInfo, t: GoType, context: string): void {
    if (isTuple(info.type)) throw this.src.error(n, `multiple-value ${n.text} (value of type ${this.typeStr(info.type)}) in single-value context`);
    if (isInterface(t) && !(isUntyped(info.type) && info.type.untyped === 'nil') && (isUntyped(info.type) || !isInterface(info.type))) {
      // A value converted to an interface: it takes its default type, then is boxed (or not) where it is used.
      const from = this.valueType(n, this.exprs.get(n.id) ?? info);
      const miss = missingMethod(from, t);
      if (miss !== null) throw this.src.error(n, `cannot use ${n.text} (${n.type === 'identifier' ? 'variable' : 'value'} of type ${this.typeStr(from)}) as ${this.typeStr(t)} value in ${context}: ${this.typeStr(from)} does not implement ${this.typeStr(t)} (${miss.pointerOnly ? `method ${miss.name} has pointer receiver` : `missing method ${miss.name}`})`);
      this.convs.set(n.id, t);
      return;
    }
    if (info.value !== undefined && isUntyped(info.type)) {
      const why = representError(info.value, info.type as unknown as GoType, t, n.text);
      if (why !== null) throw this.src.error(n, /overflows|truncated/.test(why) ? why : `${why} in ${context}`);
      this.convertConst(n, info, t);
      return;
    }
    if (!assignable(info.type, t)) {
      const what = info.value !== undefined ? this.describe(info) : isUntyped(info.type) ? 'untyped nil' : `${n.type === 'identifier' ? 'variable' : 'value'} of type ${this.typeStr(info.type)}`;
      throw this.src.error(n, `cannot use ${n.text} (${what}) as ${this.typeStr(t)} value in ${context}`);
    }
    if (isUntyped(info.type)) this.exprs.set(n.id, { type: t, value: info.value });
  }

  private convertConst(n: Node, info: ExprInfo, t: GoType): void {
    const why = representError(info.value!, info.type as GoType, t, n.text);
    if (why !== null) throw this.src.error(n, why);
    if (isUntyped(info.type) || isTuple(info.type) || !identical(info.type, t)) this.exprs.set(n.id, { type: t, value: isIntegerType(t) && typeof info.value === 'number' ? Math.trunc(info.value) : info.value });
  }

  /** The type an expression's value has where it is stored: untyped constants get their default type. */
  valueType(n: Node, info: ExprInfo): GoType {
    if (isTuple(info.type)) throw this.src.error(n, `multiple-value ${n.text} (value of type ${this.typeStr(info.type)}) in single-value context`);
    if (isUntyped(info.type)) {
      if (info.type.untyped === 'nil') throw this.src.error(n, 'use of untyped nil in assignment');
      const t = defaultType(info.type);
      if (info.value !== undefined) this.convertConst(n, info, t);
      else this.exprs.set(n.id, { type: t });
      return t;
    }
    return info.type;
  }

  // ── expressions ───────────────────────────────────────────────────────

  /** Checks an expression; `hint` is the type an untyped constant operand would get (for messages). */
  expr(n: Node, hint?: GoType, lhs = false): ExprInfo {
    const info = this.exprInner(n, hint, lhs);
    this.exprs.set(n.id, info);
    return info;
  }

  private exprInner(n: Node, hint: GoType | undefined, lhs: boolean): ExprInfo {
    switch (n.type) {
      case 'int_literal':
        return { type: untypedInt, value: parseIntLit(n.text) };
      case 'float_literal':
        return { type: untypedFloat, value: Number(n.text.replace(/_/g, '')) };
      case 'rune_literal':
        return { type: untypedRune, value: parseRuneLit(n.text) };
      case 'interpreted_string_literal':
      case 'raw_string_literal':
        return { type: untypedString, value: parseStringLit(n.text) };
      case 'true':
        return { type: untypedBool, value: true };
      case 'false':
        return { type: untypedBool, value: false };
      case 'nil':
        return { type: untypedNil };
      case 'iota':
        if (this.iota === null) throw this.src.error(n, 'cannot use iota outside constant declaration');
        return { type: untypedInt, value: this.iota };
      case 'identifier': {
        if (n.text === 'iota' && this.iota !== null) return { type: untypedInt, value: this.iota };
        const o = this.lookup(n);
        if (lhs && o.kind === 'var') this.unused.add(o) && this.unused.delete(o);
        switch (o.kind) {
          case 'var':
            if (o.fn !== null && o.fn !== this.fn) o.captured = true;
            return { type: o.type };
          case 'const':
            return { type: o.type, value: o.value };
          case 'nil':
            return { type: untypedNil };
          case 'func':
            return { type: o.fn.sig };
          case 'type':
            throw this.src.error(n, `${n.text} (type) is not an expression`);
          case 'pkg':
            throw this.src.error(n, `use of package ${o.name} without selector`);
          case 'builtin':
            throw this.src.error(n, `${n.text} (built-in function ${n.text}) must be called`);
          case 'generic':
            throw this.src.error(n, `cannot use generic function ${n.text} without instantiation`);
        }
        break;
      }
      case 'parenthesized_expression':
        return this.expr(named(n)[0]!, hint);
      case 'binary_expression':
        return this.binary(n, hint);
      case 'unary_expression':
        return this.unary(n, hint);
      case 'call_expression':
        return this.call(n);
      case 'selector_expression':
        return this.selector(n);
      case 'index_expression':
        return this.index(n);
      case 'slice_expression':
        return this.sliceExpr(n);
      case 'composite_literal':
        return { type: this.compositeLit(n) };
      case 'type_conversion_expression': {
        const tn = n.childForFieldName('type')!;
        if (tn.type === 'generic_type' && this.scope.lookup(tn.childForFieldName('type')!.text)?.kind === 'generic') {
          // F[int](x): a call of a generic function with one type argument, which tree-sitter reads as a conversion.
          // Rewritten as (F)[int](x), which it reads as a call of an index expression (callTarget's f[T](args)), as embed.ts rewrites selectors.
          const fname = tn.childForFieldName('type')!;
          this.src.edits.push({ row: fname.startPosition.row, col: fname.startPosition.column, text: '(' });
          this.src.edits.push({ row: fname.endPosition.row, col: fname.endPosition.column, text: ')' });
          const g = this.scope.lookup(tn.childForFieldName('type')!.text) as GenericObj;
          const args = named(tn.childForFieldName('type_arguments')!).map((a) => this.typeArg(a.type === 'type_elem' ? named(a)[0]! : a));
          const f = this.instantiate(g, this.infer(g, n, [n.childForFieldName('operand')!], args));
          this.arguments(n, f.sig, [n.childForFieldName('operand')!], `${g.name}${tn.childForFieldName('type_arguments')!.text}`, true);
          const rs = f.sig.results!;
          return { type: rs.length === 1 ? rs[0]! : { tuple: rs } };
        }
        const callee = tn.type === 'generic_type' ? this.scope.lookup(tn.childForFieldName('type')!.text) : undefined;
        if (callee?.kind === 'var') {
          // m[k](x), fs[i](x): a call of an element, which tree-sitter reads as a conversion to a generic type.
          // Rewritten as (m)[k](x); until then, its type is the element's result (the next check checks it all).
          const fname = tn.childForFieldName('type')!;
          this.src.edits.push({ row: fname.startPosition.row, col: fname.startPosition.column, text: '(' });
          this.src.edits.push({ row: fname.endPosition.row, col: fname.endPosition.column, text: ')' });
          this.unused.delete(callee);
          for (const a of named(tn.childForFieldName('type_arguments')!)) {
            const o = this.scope.lookup(a.text);
            if (o?.kind === 'var') this.unused.delete(o);
          }
          let u = under(callee.type);
          if (u.kind === Kind.Pointer) u = under(u.elem!);
          const ft = u.kind === Kind.Map || u.kind === Kind.Slice || u.kind === Kind.Array ? under(u.elem!) : null;
          if (ft === null || ft.kind !== Kind.Func) throw this.src.error(n, `invalid operation: cannot call non-function ${tn.text}`);
          this.expr(n.childForFieldName('operand')!);
          const rs = ft.results!;
          return { type: rs.length === 1 ? rs[0]! : { tuple: rs } };
        }
        const t = this.typeExpr(tn);
        return this.conversion(n, t, n.childForFieldName('operand')!);
      }
      case 'func_literal':
        return this.funcLit(n);
      case 'type_assertion_expression': {
        const x = n.childForFieldName('operand')!;
        const xt = this.valueType(x, this.expr(x));
        if (!isInterface(xt)) throw this.src.error(x, `invalid operation: ${x.text} (${this.describe(this.exprs.get(x.id)!)}) is not an interface`);
        const t = this.typeExpr(n.childForFieldName('type')!);
        if (!isInterface(t)) {
          const miss = missingMethod(t, xt);
          if (miss !== null) throw this.src.error(n.childForFieldName('type')!, `impossible type assertion: ${x.text}.(${n.childForFieldName('type')!.text})\n\t${this.typeStr(t)} does not implement ${this.typeStr(xt)} (missing method ${miss.name})`);
        }
        return { type: t };
      }
    }
    throw this.src.unsupported(n, n.type.replace(/_/g, ' '));
  }

  private binary(n: Node, hint: GoType | undefined): ExprInfo {
    const op = n.childForFieldName('operator')!.text;
    const ln = n.childForFieldName('left')!;
    const rn = n.childForFieldName('right')!;
    const l = this.expr(ln, hint);
    const r = this.expr(rn, hint);
    return this.binaryType(n, op, ln, l, rn, r);
  }

  binaryType(n: Node, op: string, ln: Node, l: ExprInfo, rn: Node, r: ExprInfo): ExprInfo {
    if (isTuple(l.type) || isTuple(r.type)) throw this.src.error(isTuple(l.type) ? ln : rn, `multiple-value in single-value context`);
    if (op === '<<' || op === '>>') {
      const rt = r.type;
      if (!isUntyped(rt) && !isIntegerType(rt)) throw this.src.error(rn, `invalid operation: shift count ${rn.text} must be integer`);
      if (l.value !== undefined && r.value !== undefined) {
        const v = constBinary(op, l.value, r.value);
        return { type: l.type, value: isUntyped(l.type) ? v : truncate(v, l.type) };
      }
      if (isUntyped(l.type)) {
        if (r.value !== undefined) throw this.src.unsupported(n, 'non-constant shifts of untyped constants');
        this.exprs.set(ln.id, { type: T.int, value: l.value });
        return { type: T.int };
      }
      if (!isIntegerType(l.type)) throw this.src.error(n, `invalid operation: shifted operand ${ln.text} must be integer`);
      return { type: l.type };
    }
    const comparison = ['==', '!=', '<', '<=', '>', '>='].includes(op);
    let t: CType;
    if (isUntyped(l.type) && isUntyped(r.type)) {
      if (l.type.untyped === 'nil' || r.type.untyped === 'nil') {
        if (l.type.untyped === 'nil' && r.type.untyped === 'nil') throw this.src.error(n, `invalid operation: ${n.text} (operator ${op} not defined on nil)`);
      }
      const rank = ['int', 'rune', 'float'];
      t = rank.indexOf(l.type.untyped) >= rank.indexOf(r.type.untyped) ? l.type : r.type;
      if (l.type.untyped !== r.type.untyped && (!rank.includes(l.type.untyped) || !rank.includes(r.type.untyped))) {
        throw this.src.error(n, `invalid operation: ${n.text} (mismatched types untyped ${l.type.untyped} and untyped ${r.type.untyped})`);
      }
    } else if (isUntyped(l.type)) {
      t = r.type as GoType;
      this.operandTo(ln, l, t, n, op, rn);
    } else if (isUntyped(r.type)) {
      t = l.type as GoType;
      this.operandTo(rn, r, t, n, op, ln);
    } else {
      if (!identical(l.type, r.type)) throw this.src.error(n, `invalid operation: ${n.text} (mismatched types ${this.typeStr(l.type)} and ${this.typeStr(r.type)})`);
      t = l.type;
    }
    if (!isUntyped(t)) this.operatorDefined(n, op, t);
    if (comparison) {
      if (l.value !== undefined && r.value !== undefined) return { type: untypedBool, value: constBinary(op, l.value, r.value) };
      return { type: untypedBool };
    }
    if (op === '&&' || op === '||') {
      if (l.value !== undefined && r.value !== undefined) return { type: t, value: constBinary(op, l.value, r.value) };
      return { type: t };
    }
    if (l.value !== undefined && r.value !== undefined) {
      if ((op === '/' || op === '%') && r.value === 0) throw this.src.error(rn, 'invalid operation: division by zero');
      const intDiv = op === '/' && ((isUntyped(t) && t.untyped !== 'float') || (!isUntyped(t) && isIntegerType(t)));
      let v = constBinary(intDiv ? 'int/' : op, l.value, r.value);
      if (!isUntyped(t)) {
        const why = representError(v, t, t, n.text);
        if (why !== null && typeof v === 'number') throw this.src.error(n, `cannot use ${n.text} (constant ${v} of type ${this.typeStr(t)}) as ${this.typeStr(t)} value (overflows)`);
        v = truncate(v, t);
      }
      return { type: t, value: v };
    }
    if ((op === '/' || op === '%') && r.value === 0 && !isUntyped(t) && isIntegerType(t)) throw this.src.error(rn, 'invalid operation: division by zero');
    return { type: t };
  }

  private operatorDefined(n: Node, op: string, t: GoType): void {
    const ok =
      ['==', '!='].includes(op) ||
      (['<', '<=', '>', '>='].includes(op) && (isNumeric(t) || isStringType(t))) ||
      (op === '+' && (isNumeric(t) || isStringType(t))) ||
      (['-', '*', '/'].includes(op) && isNumeric(t)) ||
      (['%', '&', '|', '^', '&^'].includes(op) && isIntegerType(t)) ||
      (['&&', '||'].includes(op) && isBoolType(t));
    if (!ok) throw this.src.error(n, `invalid operation: operator ${op} not defined on ${n.childForFieldName('left')?.text ?? n.text} (variable of type ${this.typeStr(t)})`);
  }

  /** An untyped operand meets a typed one: it takes that type (a constant must be representable). */
  private operandTo(n: Node, info: ExprInfo, t: GoType, whole: Node, op: string, other: Node): void {
    const u = info.type as { untyped: string };
    if (u.untyped === 'nil') {
      if (!(['==', '!='].includes(op)) || !(isInterface(t) || [Kind.Pointer, Kind.Slice, Kind.Map, Kind.Chan, Kind.Func, Kind.UnsafePointer].includes(under(t).kind as never))) {
        throw this.src.error(whole, `invalid operation: ${whole.text} (mismatched types ${this.typeStr(t)} and untyped nil)`);
      }
      this.exprs.set(n.id, { type: t });
      return;
    }
    if (info.value !== undefined) {
      if (!assignable(info.type, t)) throw this.src.error(whole, `invalid operation: ${whole.text} (mismatched types ${this.typeStr(t)} and untyped ${u.untyped})`);
      const why = representError(info.value, info.type as GoType, t, n.text);
      if (why !== null) throw this.src.error(n, why.replace(/ value$/, ` value in ${other === n ? '' : 'operation'}`).replace(/ in $/, ''));
      this.exprs.set(n.id, { type: t, value: isIntegerType(t) && typeof info.value === 'number' ? Math.trunc(info.value) : info.value });
    } else {
      this.exprs.set(n.id, { type: t });
    }
  }

  private unary(n: Node, hint: GoType | undefined): ExprInfo {
    const op = n.childForFieldName('operator')!.text;
    const x = n.childForFieldName('operand')!;
    if (op === '&') {
      const inner = x.type === 'parenthesized_expression' ? named(x)[0]! : x;
      if (inner.type === 'composite_literal') return { type: T.pointer(this.expr(inner).type as GoType) };
      const info = this.expr(inner);
      this.addressable(inner);
      return { type: T.pointer(this.valueType(inner, info)) };
    }
    if (op === '*') {
      const info = this.expr(x);
      const t = this.valueType(x, info);
      if (under(t).kind !== Kind.Pointer) throw this.src.error(n, `invalid operation: cannot indirect ${x.text} (${this.describe(info)})`);
      return { type: under(t).elem! };
    }
    if (op === '<-') {
      const info = this.expr(x);
      const ct = this.valueType(x, info);
      if (under(ct).kind !== Kind.Chan) throw this.src.error(n, `invalid operation: cannot receive from non-channel ${x.text} (${this.describe(info)})`);
      if (under(ct).dir === 'send') throw this.src.error(n, `invalid operation: cannot receive from send-only channel ${x.text} (${this.describe(info)})`);
      this.fn!.blocking = true;
      return { type: under(ct).elem! };
    }
    const info = this.expr(x, hint);
    if (isTuple(info.type)) throw this.src.error(x, 'multiple-value in single-value context');
    if (op === '!') {
      if (!(isUntyped(info.type) ? info.type.untyped === 'bool' : isBoolType(info.type))) throw this.src.error(n, `invalid operation: operator ! not defined on ${x.text} (${this.describe(info)})`);
    } else if (!(isUntyped(info.type) ? ['int', 'float', 'rune'].includes(info.type.untyped) : isNumeric(info.type))) {
      throw this.src.error(n, `invalid operation: operator ${op} not defined on ${x.text} (${this.describe(info)})`);
    }
    if (info.value !== undefined) {
      let v = constUnary(op, info.value, isUntyped(info.type) ? null : info.type);
      if (!isUntyped(info.type)) v = truncate(v, info.type);
      return { type: info.type, value: v };
    }
    return { type: info.type };
  }

  /** &x: x must be a variable, a field of an addressable struct, an element of a slice or of an addressable array. */
  private addressable(x: Node): void {
    if (x.type === 'parenthesized_expression') return this.addressable(named(x)[0]!);
    if (x.type === 'identifier') {
      const o = this.uses.get(x.id);
      if (o?.kind !== 'var') throw this.src.error(x, `invalid operation: cannot take address of ${x.text}`);
      o.addrTaken = true;
      return;
    }
    if (x.type === 'selector_expression') {
      const operand = x.childForFieldName('operand')!;
      const ot = this.exprs.get(operand.id)?.type;
      if (ot && !isTuple(ot) && !isUntyped(ot) && under(ot).kind === Kind.Pointer) return;
      return this.addressable(operand);
    }
    if (x.type === 'index_expression') {
      const operand = x.childForFieldName('operand')!;
      const ot = this.exprs.get(operand.id)?.type;
      if (ot && !isTuple(ot) && !isUntyped(ot) && under(ot).kind === Kind.Slice) return;
      return this.addressable(operand);
    }
    if (x.type === 'unary_expression' && x.childForFieldName('operator')!.text === '*') return;
    throw this.src.error(x, `invalid operation: cannot take address of ${x.text}`);
  }

  private selector(n: Node): ExprInfo {
    const operand = n.childForFieldName('operand')!;
    const field = n.childForFieldName('field')!;
    if (operand.type === 'identifier') {
      const o = this.scope.lookup(operand.text);
      if (o?.kind === 'pkg') {
        const m = this.pkgMember(operand, field);
        if (m.kind === 'func') return { type: m.sig };
        if (m.kind === 'const') return { type: m.type, value: m.value };
        if (m.kind === 'var') return { type: m.type };
        throw this.src.error(n, `${n.text} (type) is not an expression`);
      }
    }
    const info = this.expr(operand);
    const t = this.valueType(operand, info);
    let st = under(t);
    if (st.kind === Kind.Pointer) st = under(st.elem!);
    if (isInterface(t) && (st.methods ?? []).some((m) => m.name === field.text)) throw this.src.unsupported(n, 'method values of interfaces');
    const recvBase = under(t).kind === Kind.Pointer && t.name === '' ? t.elem! : t;
    if (st.kind !== Kind.Struct && this.methods.get(recvBase)?.has(field.text)) throw this.src.unsupported(n, 'method values of non-struct types');
    if (st.kind !== Kind.Struct) throw this.src.error(field, `${n.text} undefined (type ${this.typeStr(t)} has no field or method ${field.text})`);
    const f = st.fields!.find((x) => x.name === field.text);
    const baseT = under(t).kind === Kind.Pointer && t.name === '' ? t.elem! : t;
    const pm = f === undefined ? this.methods.get(baseT)?.get(field.text) : undefined;
    if (pm !== undefined) {
      // A method value x.M: a func value with x bound (&x for a *T method on an addressable value).
      if (pm.method!.pointer && baseT === t) this.addressable(operand);
      this.callTargets.set(n.id, pm);
      return { type: T.func(pm.sig.params!.slice(1), pm.sig.results!) };
    }
    if (f === undefined) {
      const p = this.promoted(t, field.text);
      if (p === 'ambiguous') throw this.src.error(field, `ambiguous selector ${n.text}`);
      if (p !== null) {
        // x.f of an embedded field's f: x.E.f, made explicit by the next rewrite (embed.ts).
        this.src.edits.push({ row: field.startPosition.row, col: field.startPosition.column, text: `${p.path.join('.')}.` });
        return { type: p.type };
      }
    }
    if (f === undefined) throw this.src.error(field, `${n.text} undefined (type ${this.typeStr(t)} has no field or method ${field.text})`);
    return { type: f.type };
  }

  /**
   * A field or method that t has through its embedded fields: the shallowest (breadth first; two at
   * one depth are ambiguous), with the path of embedded fields to it and its type (a method's: its
   * signature without the receiver); 'ambiguous' when the shallowest depth that has it has it more than once.
   */
  private promoted(t: GoType, name: string): { path: string[]; type: GoType } | 'ambiguous' | null {
    const baseOf = (x: GoType): GoType => (under(x).kind === Kind.Pointer && x.name === '' ? x.elem! : x);
    let level: { type: GoType; path: string[] }[] = [{ type: baseOf(t), path: [] }];
    for (let depth = 0; depth < 8 && level.length > 0; depth++) {
      const next: typeof level = [];
      const hits: { path: string[]; type: GoType }[] = [];
      for (const l of level) {
        const st = under(l.type);
        if (st.kind !== Kind.Struct) continue;
        for (const f of st.fields!) {
          if (!this.src.embedded.has(`${l.type.name}.${f.name}`)) continue;
          const path = [...l.path, f.name];
          const ft = baseOf(f.type);
          const sf = under(ft).kind === Kind.Struct ? under(ft).fields!.find((x) => x.name === name) : undefined;
          const pm = this.methods.get(ft)?.get(name);
          const sm = stdMethods[`*${ft.str}`]?.[name] ?? stdMethods[ft.str]?.[name];
          if (sf !== undefined) hits.push({ path, type: sf.type });
          else if (pm !== undefined) hits.push({ path, type: T.func(pm.sig.params!.slice(1), pm.sig.results!, pm.sig.variadic) });
          else if (sm !== undefined) hits.push({ path, type: sm.sig });
          next.push({ type: ft, path });
        }
      }
      if (hits.length === 1) return hits[0]!;
      if (hits.length > 1) return 'ambiguous';
      level = next;
    }
    return null;
  }

  private index(n: Node): ExprInfo {
    const operand = n.childForFieldName('operand')!;
    const idx = n.childForFieldName('index')!;
    if (operand.type === 'identifier' && this.scope.lookup(operand.text)?.kind === 'generic') throw this.src.unsupported(n, 'generic function values (F[int] not called)');
    const info = this.expr(operand);
    const t = this.valueType(operand, info);
    let u = under(t);
    if (u.kind === Kind.Pointer && under(u.elem!).kind === Kind.Array) u = under(u.elem!);
    if (u.kind === Kind.Map) {
      this.assign(idx, this.expr(idx, u.key!), u.key!, 'map index');
      return { type: u.elem! };
    }
    if (u.kind !== Kind.Slice && u.kind !== Kind.Array && u.kind !== Kind.String) throw this.src.error(n, `invalid operation: cannot index ${operand.text} (${this.describe(info)})`);
    this.intIndex(idx, u.kind === Kind.Array ? u.len! : null);
    if (u.kind === Kind.String) {
      if (info.value !== undefined) throw this.src.unsupported(n, 'indexing constant strings');
      return { type: T.byte };
    }
    return { type: u.elem! };
  }

  private intIndex(idx: Node, len: number | null): void {
    const i = this.expr(idx, T.int);
    if (isTuple(i.type) || (isUntyped(i.type) ? !['int', 'rune', 'float'].includes(i.type.untyped) : !isIntegerType(i.type))) {
      throw this.src.error(idx, `invalid argument: index ${idx.text} (${this.describe(i)}) must be integer`);
    }
    if (i.value !== undefined) {
      if (typeof i.value !== 'number' || !Number.isInteger(i.value)) throw this.src.error(idx, `invalid argument: index ${idx.text} (${this.describe(i)}) must be integer`);
      if (i.value < 0) throw this.src.error(idx, `invalid argument: index ${idx.text} (constant of type int) must not be negative`);
      if (len !== null && i.value >= len) throw this.src.error(idx, `invalid argument: index ${i.value} out of bounds [0:${len}]`);
      if (isUntyped(i.type)) this.exprs.set(idx.id, { type: T.int, value: i.value });
    } else if (isUntyped(i.type)) this.exprs.set(idx.id, { type: T.int });
  }

  private sliceExpr(n: Node): ExprInfo {
    const operand = n.childForFieldName('operand')!;
    const info = this.expr(operand);
    const t = this.valueType(operand, info);
    let u = under(t);
    let result: GoType;
    if (u.kind === Kind.Slice) result = t;
    else if (u.kind === Kind.Pointer && under(u.elem!).kind === Kind.Array) result = T.slice(under(u.elem!).elem!);
    else if (u.kind === Kind.Array) {
      this.addressable(operand);
      result = T.slice(u.elem!);
    } else if (u.kind === Kind.String) {
      if (info.value !== undefined) throw this.src.unsupported(n, 'slicing constant strings');
      if (n.childForFieldName('capacity')) throw this.src.error(n, `invalid operation: 3-index slice of string`);
      result = isUntyped(t) ? T.string : t;
    }
    else throw this.src.error(n, `cannot slice ${operand.text} (${this.describe(info)})`);
    if (u.kind === Kind.Pointer) u = under(u.elem!);
    for (const f of ['start', 'end', 'capacity']) {
      const x = n.childForFieldName(f);
      if (x) this.intIndex(x, u.kind === Kind.Array ? u.len! + 1 : null);
    }
    return { type: result };
  }

  compositeLit(n: Node): GoType {
    const typeNode = n.childForFieldName('type')!;
    const body = n.childForFieldName('body')!;
    const elems = named(body);
    let t: GoType;
    if (typeNode.type === 'implicit_length_array_type') {
      const et = this.typeExpr(typeNode.childForFieldName('element')!);
      if (elems.some((e) => e.type === 'keyed_element')) throw this.src.unsupported(n, 'keyed [...] array literals');
      t = T.array(et, elems.length);
      this.typeNodes.set(typeNode.id, t);
    } else t = this.typeExpr(typeNode);
    return this.litElems(n, typeNode, body, t);
  }

  /**
   * The elements of a literal of type t (body: its `{…}`; typeNode: its type as written, null for a
   * literal whose type is elided). Elements that are literals with their type elided (`{4, 5}` in
   * `[][]int{{4, 5}}`, `&T` elided in `[]*T{{1}}`) are given it by a rewrite of the source, as
   * embedded fields' selectors are (embed.ts): the checker records the type's spelling to insert
   * before their `{`, the next check sees `[][]int{[]int{4, 5}}`, `[]*T{&T{1}}`.
   */
  private litElems(n: Node, typeNode: Node | null, body: Node, t: GoType): GoType {
    const elems = named(body);
    const u = under(t);
    // The element and key types as written in the literal's type, when it is written out (a type parameter stays one).
    const written = (field: 'element' | 'key' | 'value'): Node | null => {
      if (typeNode === null) return null;
      const tn = typeNode.type === 'parenthesized_type' ? named(typeNode)[0]! : typeNode;
      if (field === 'element' && ['slice_type', 'array_type', 'implicit_length_array_type'].includes(tn.type)) return tn.childForFieldName('element');
      if (field !== 'element' && tn.type === 'map_type') return tn.childForFieldName(field);
      return null;
    };
    if (u.kind === Kind.Struct) {
      const keyed = elems.some((e) => e.type === 'keyed_element');
      if (!keyed && elems.length > 0 && elems.length !== u.fields!.length) throw this.src.error(body, `too ${elems.length < u.fields!.length ? 'few' : 'many'} values in struct literal of type ${this.typeStr(t)}`);
      elems.forEach((e, i) => {
        let fieldType: GoType;
        let valueNode: Node;
        if (e.type === 'keyed_element') {
          const [k, v] = named(e).map((x) => (x.type === 'literal_element' ? named(x)[0]! : x));
          const f = u.fields!.find((x) => x.name === k!.text);
          if (f === undefined) throw this.src.error(k!, `unknown field ${k!.text} in struct literal of type ${this.typeStr(t)}`);
          fieldType = f.type;
          valueNode = v!;
        } else {
          fieldType = u.fields![i]!.type;
          valueNode = named(e)[0]!;
        }
        if (valueNode.type === 'literal_value') throw this.src.error(valueNode, 'missing type in composite literal');
        this.elemValue(valueNode, fieldType, null);
      });
      return t;
    }
    if (u.kind === Kind.Array || u.kind === Kind.Slice) {
      for (const e of elems) {
        if (e.type === 'keyed_element') throw this.src.unsupported(e, 'keyed array and slice literals');
        this.elemValue(named(e)[0]!, u.elem!, written('element'));
      }
      if (u.kind === Kind.Array && elems.length > u.len!) throw this.src.error(elems[u.len!]!, `index ${u.len!} out of bounds [0:${u.len!}]`);
      return t;
    }
    if (u.kind === Kind.Map) {
      for (const e of elems) {
        if (e.type !== 'keyed_element') throw this.src.error(e, 'missing key in map literal');
        const [k, v] = named(e).map((x) => (x.type === 'literal_element' ? named(x)[0]! : x));
        this.elemValue(k!, u.key!, written('key'));
        this.elemValue(v!, u.elem!, written('value'));
      }
      return t;
    }
    throw this.src.unsupported(n, `composite literals of type ${this.typeStr(t)}`);
  }

  private elemValue(v: Node, t: GoType, writtenType: Node | null): void {
    if (v.type === 'literal_value') return this.elidedLit(v, t, writtenType);
    this.assign(v, this.expr(v, t), t, 'struct literal');
  }

  /** A literal whose type t is elided (`{4, 5}`, or `{1}` for `&T{1}` when t is *T): checked, and its type's spelling recorded for the rewrite. */
  private elidedLit(v: Node, t: GoType, writtenType: Node | null): void {
    const ptr = under(t).kind === Kind.Pointer;
    const base = ptr ? under(t).elem! : t;
    const bk = under(base).kind;
    if (bk !== Kind.Struct && bk !== Kind.Array && bk !== Kind.Slice && bk !== Kind.Map) throw this.src.error(v, `invalid composite literal type ${this.typeStr(t)}`);
    // The spelling: the element type as written in the enclosing literal's type, else the type's own name in this package.
    let spelling: string;
    const wt = writtenType?.type === 'parenthesized_type' ? named(writtenType)[0]! : writtenType;
    if (wt !== null && wt !== undefined && (!ptr || wt.type === 'pointer_type')) spelling = ptr ? `&${named(wt)[0]!.text}` : wt.text;
    else {
      // Inside a generic function or method, the type's name is one instance's: only a type as written serves every instance.
      if (this.fn?.typeArgs !== undefined) throw this.src.unsupported(v, 'elided types in composite literals whose type is not written in the enclosing literal, in generic code');
      spelling = `${ptr ? '&' : ''}${base.str.replace(/\bmain\./g, '')}`;
    }
    this.src.edits.push({ row: v.startPosition.row, col: v.startPosition.column, text: spelling });
    this.litElems(v, null, v, base);
    this.exprs.set(v.id, { type: t });
  }

  // ── calls ─────────────────────────────────────────────────────────────

  private call(n: Node): ExprInfo {
    const fnNode = n.childForFieldName('function')!;
    const argList = n.childForFieldName('arguments')!;
    const args = named(argList);
    const spread = args.some((a) => a.type === 'variadic_argument');
    // A conversion T(x), a builtin, a package function or a function of the program.
    const target = this.callTarget(fnNode);
    if (target.kind === 'type') {
      if (args.length !== 1) throw this.src.error(n, `${args.length === 0 ? 'missing argument' : 'too many arguments'} in conversion to ${this.typeStr(target.type)}`);
      return this.conversion(n, target.type, args[0]!);
    }
    if (target.kind === 'builtin') return this.builtin(n, target.name, args);
    if (target.kind === 'const') {
      // unsafe.Sizeof(x): a constant of x's type; x is not evaluated.
      if (args.length !== 1) throw this.src.error(n, `wrong number of arguments in call to ${target.name}`);
      return { type: T.uintptr, value: target.fn(this.valueType(args[0]!, this.expr(args[0]!))) };
    }
    const sig = target.sig;
    if (target.kind === 'func' || target.kind === 'method') {
      this.fn!.calls.add(target.fn);
    } else if ((target.kind === 'std' && target.blocking) || target.kind === 'value') {
      // A func value's body is compiled as a generator (it may block): its caller yields to it.
      this.fn!.blocking = true;
    }
    if (spread) {
      // f(xs...): the slice is the variadic parameter itself.
      if ((target.kind !== 'func' && target.kind !== 'method') || !sig.variadic) throw this.src.unsupported(n, 'f(xs...) but to a variadic function of the program');
      const ps = sig.params!;
      if (args.length !== ps.length) throw this.src.error(n, `have ${args.length} arguments, want ${ps.length} in call to ${target.name} with ...`);
      args.forEach((a, i) => {
        // The last argument is xs... (a variadic_argument around xs).
        const x = a.type === 'variadic_argument' ? named(a)[0]! : a;
        this.assign(x, this.expr(x, ps[i]), ps[i]!, `argument to ${target.name}`);
        if (x !== a) this.exprs.set(a.id, this.exprs.get(x.id)!);
      });
    } else this.arguments(n, sig, args, target.name, target.kind === 'func' || target.kind === 'method' || target.kind === 'value');
    const rs = sig.results!;
    if (rs.length === 0) return { type: { tuple: [] } };
    if (rs.length === 1) return { type: rs[0]! };
    return { type: { tuple: rs } };
  }

  private callTarget(fnNode: Node):
    | { kind: 'type'; type: GoType }
    | { kind: 'builtin'; name: string }
    | { kind: 'func'; fn: FuncDecl; sig: GoType; name: string }
    | { kind: 'method'; fn: FuncDecl; sig: GoType; name: string }
    | { kind: 'std'; sig: GoType; name: string; blocking: boolean }
    | { kind: 'value'; sig: GoType; name: string }
    | { kind: 'const'; fn: (t: GoType) => number; name: string } {
    const inner = fnNode.type === 'parenthesized_expression' ? named(fnNode)[0]! : fnNode;
    if (inner.type === 'identifier') {
      const o = this.lookup(inner);
      if (o.kind === 'type') return { kind: 'type', type: o.type };
      if (o.kind === 'builtin') return { kind: 'builtin', name: o.name };
      if (o.kind === 'func') {
        this.exprs.set(inner.id, { type: o.fn.sig });
        return { kind: 'func', fn: o.fn, sig: o.fn.sig, name: o.name };
      }
      if (o.kind === 'generic') {
        const call = fnNode.parent!;
        // F[int, string](…): tree-sitter gives a call with two or more type arguments their own field.
        const ta = call.childForFieldName('type_arguments');
        const given = ta === null ? [] : named(ta).map((a) => this.typeArg(a.type === 'type_elem' ? named(a)[0]! : a));
        const f = this.instantiate(o, this.infer(o, call, named(call.childForFieldName('arguments')!), given));
        this.callTargets.set(call.id, f);
        return { kind: 'func', fn: f, sig: f.sig, name: ta === null ? o.name : `${o.name}${ta.text}` };
      }
      if (o.kind === 'var' && under(o.type).kind === Kind.Func) {
        this.exprs.set(inner.id, { type: o.type });
        return { kind: 'value', sig: under(o.type), name: inner.text };
      }
      throw this.src.error(fnNode, `invalid operation: cannot call non-function ${inner.text}`);
    }
    if (inner.type === 'selector_expression') {
      const operand = inner.childForFieldName('operand')!;
      const o = operand.type === 'identifier' ? this.scope.lookup(operand.text) : undefined;
      if (o?.kind === 'pkg') {
        const m = this.pkgMember(operand, inner.childForFieldName('field')!);
        if (m.kind === 'type') return { kind: 'type', type: m.type };
        if (m.kind !== 'func') throw this.src.error(fnNode, `invalid operation: cannot call non-function ${inner.text}`);
        this.exprs.set(inner.id, { type: m.sig });
        if (m.constant !== undefined) return { kind: 'const', fn: m.constant, name: inner.text };
        return { kind: 'std', sig: m.sig, name: inner.text, blocking: m.blocking ?? false };
      }
      const recv = this.valueType(operand, this.expr(operand));
      const field = inner.childForFieldName('field')!;
      if (isInterface(recv)) {
        const m = (under(recv).methods ?? []).find((x) => x.name === field.text);
        if (m === undefined) throw this.src.error(field, `${inner.text} undefined (type ${this.typeStr(recv)} has no field or method ${field.text})`);
        this.exprs.set(inner.id, { type: m.type });
        return { kind: 'value', sig: m.type, name: inner.text };
      }
      const base = under(recv).kind === Kind.Pointer && recv.name === '' ? recv.elem! : recv;
      const pm = this.methods.get(base)?.get(field.text);
      if (pm !== undefined) {
        // x.M() with a *T receiver on an addressable x is (&x).M(); a T receiver through a pointer is (*p).M().
        if (pm.method!.pointer && base === recv) this.addressable(operand);
        const call = fnNode.parent!;
        this.callTargets.set(call.id, pm);
        this.exprs.set(inner.id, { type: pm.sig });
        return { kind: 'method', fn: pm, sig: T.func(pm.sig.params!.slice(1), pm.sig.results!, pm.sig.variadic), name: inner.text };
      }
      const m = stdMethods[recv.str]?.[field.text];
      if (m === undefined) {
        const ft = this.valueType(inner, this.expr(inner));
        if (under(ft).kind === Kind.Func) return { kind: 'value', sig: under(ft), name: inner.text };
        throw this.src.unsupported(fnNode, 'method calls');
      }
      // wg.Add(1) on a sync value is (&wg).Add(1): the variable's address is taken.
      if (m.byAddr) this.addressable(operand);
      this.exprs.set(inner.id, { type: m.sig });
      return { kind: 'std', sig: m.sig, name: inner.text, blocking: m.blocking ?? false };
    }
    if (inner.type === 'index_expression') {
      // f[T](args): a generic function instantiated explicitly ((f)[T](args) as the rewrite of a type_conversion_expression writes it).
      const opParen = inner.childForFieldName('operand')!;
      const opNode = opParen.type === 'parenthesized_expression' ? named(opParen)[0]! : opParen;
      const o = opNode.type === 'identifier' ? this.lookup(opNode) : undefined;
      if (o?.kind === 'generic') {
        const call = fnNode.parent!;
        const f = this.instantiate(o, this.infer(o, call, named(call.childForFieldName('arguments')!), [this.typeArg(inner.childForFieldName('index')!)]));
        this.callTargets.set(call.id, f);
        return { kind: 'func', fn: f, sig: f.sig, name: `${o.name}[${inner.childForFieldName('index')!.text}]` };
      }
    }
    if (['slice_type', 'pointer_type', 'array_type', 'map_type', 'qualified_type', 'parenthesized_type', 'channel_type', 'interface_type'].includes(inner.type)) {
      return { kind: 'type', type: this.typeExpr(inner) };
    }
    const ft = this.valueType(inner, this.expr(inner));
    if (under(ft).kind === Kind.Func) return { kind: 'value', sig: under(ft), name: inner.text };
    throw this.src.error(fnNode, `invalid operation: cannot call non-function ${inner.text}`);
  }

  /** A call's arguments; `own`: the callee is the program's (its ...T arguments of interface type are boxed where they are packed, not by a model of the standard library's). */
  private arguments(n: Node, sig: GoType, args: Node[], name: string, own = false): void {
    const ps = sig.params!;
    if (sig.variadic) {
      const fixed = ps.length - 1;
      if (args.length < fixed) throw this.src.error(n.childForFieldName('arguments')!.lastChild ?? n, `not enough arguments in call to ${name}`);
      args.forEach((a, i) => {
        const t = i < fixed ? ps[i]! : ps[fixed]!.elem!;
        const info = this.expr(a, t);
        if (i >= fixed && isInterface(t) && !isTuple(info.type) && !own) {
          // An argument converted to an interface takes its default type.
          this.valueType(a, info);
          return;
        }
        this.assign(a, info, t, 'argument to ' + name);
      });
      return;
    }
    if (args.length === 1 && ps.length > 1) {
      const info = this.expr(args[0]!);
      if (isTuple(info.type) && info.type.tuple.length === ps.length) throw this.src.unsupported(n, 'f(g()) with a multi-value g');
    }
    if (args.length !== ps.length) {
      const where = args.length < ps.length ? n.childForFieldName('arguments')!.lastChild ?? n : args[ps.length]!;
      throw this.src.error(where, `${args.length < ps.length ? 'not enough' : 'too many'} arguments in call to ${name}\n\thave (${args.map((a) => this.typeStr(this.expr(a).type)).join(', ')})\n\twant (${ps.map((p) => this.typeStr(p)).join(', ')})`);
    }
    args.forEach((a, i) => {
      const info = this.expr(a, ps[i]);
      this.assign(a, info, ps[i]!, `argument to ${name}`);
    });
  }

  private conversion(_n: Node, t: GoType, x: Node): ExprInfo {
    const info = this.expr(x, t);
    if (isInterface(t) && !isTuple(info.type)) {
      if (isUntyped(info.type) && info.type.untyped === 'nil') return { type: t };
      this.assign(x, info, t, 'conversion');
      return { type: t };
    }
    if (isTuple(info.type)) throw this.src.error(x, 'multiple-value in single-value context');
    if (info.value !== undefined) {
      if (isStringType(t) && typeof info.value === 'number') return { type: t, value: String.fromCodePoint(info.value) };
      if (isNumeric(t) && typeof info.value === 'number') {
        if (isIntegerType(t) && !Number.isInteger(info.value)) throw this.src.error(x, `cannot convert ${x.text} (untyped float constant) to type ${this.typeStr(t)} (truncated)`);
        const why = representError(info.value, info.type as GoType, t, x.text);
        if (why !== null) throw this.src.error(x, `cannot convert ${x.text} (${this.describe(info)}) to type ${this.typeStr(t)}`);
        this.exprs.set(x.id, { type: isUntyped(info.type) ? (isFloatType(t) ? T.float64 : t) : info.type, value: info.value });
        return { type: t, value: info.value };
      }
      if (isStringType(t) && typeof info.value === 'string') return { type: t, value: info.value };
      if (isBoolType(t) && typeof info.value === 'boolean') return { type: t, value: info.value };
    }
    const from = isUntyped(info.type) ? (info.type.untyped === 'nil' ? null : defaultType(info.type)) : info.type;
    if (from === null) {
      if (!isInterface(t) && ![Kind.Pointer, Kind.Slice, Kind.Map, Kind.Chan, Kind.Func, Kind.UnsafePointer].includes(under(t).kind as never)) throw this.src.error(x, `cannot convert nil to type ${this.typeStr(t)}`);
      this.exprs.set(x.id, { type: t });
      return { type: t };
    }
    if (isUntyped(info.type)) this.exprs.set(x.id, info.value !== undefined ? { type: from, value: info.value } : { type: from });
    const ok =
      assignable(from, t) ||
      identical(under(from), under(t)) ||
      (isNumeric(from) && isNumeric(t)) ||
      (isStringType(t) && isIntegerType(from)) ||
      (isStringType(t) && under(from).kind === Kind.Slice && [Kind.Uint8, Kind.Int32].includes(under(under(from).elem!).kind as never)) ||
      (isStringType(from) && under(t).kind === Kind.Slice && [Kind.Uint8, Kind.Int32].includes(under(under(t).elem!).kind as never));
    if (!ok) throw this.src.error(x, `cannot convert ${x.text} (${this.describe(info)}) to type ${this.typeStr(t)}`);
    return { type: t };
  }

  private builtin(n: Node, name: string, args: Node[]): ExprInfo {
    const need = (k: number, max = k): void => {
      if (args.length < k) throw this.src.error(n, `not enough arguments for ${n.text} (expected ${k}, found ${args.length})`);
      if (args.length > max) throw this.src.error(args[max]!, `too many arguments for ${n.text} (expected ${max}, found ${args.length})`);
    };
    switch (name) {
      case 'len':
      case 'cap': {
        need(1);
        const info = this.expr(args[0]!);
        const t = this.valueType(args[0]!, info);
        let u = under(t);
        if (u.kind === Kind.Pointer && under(u.elem!).kind === Kind.Array) u = under(u.elem!);
        if (u.kind === Kind.Array) return { type: T.int, value: u.len! };
        if (name === 'len' && info.value !== undefined && typeof info.value === 'string') return { type: T.int, value: new TextEncoder().encode(info.value).length };
        const ok = u.kind === Kind.Slice || u.kind === Kind.Chan || (name === 'len' && (u.kind === Kind.String || u.kind === Kind.Map));
        if (!ok) throw this.src.error(args[0]!, `invalid argument: ${args[0]!.text} (${this.describe(info)}) for built-in ${name}`);
        return { type: T.int };
      }
      case 'new': {
        need(1);
        const t = this.typeArg(args[0]!);
        return { type: T.pointer(t) };
      }
      case 'make': {
        need(1, 3);
        const t = this.typeArg(args[0]!);
        const u = under(t);
        if (u.kind === Kind.Map) {
          if (args.length > 2) throw this.src.error(args[2]!, `invalid operation: ${n.text} expects 1 or 2 arguments; found ${args.length}`);
          if (args[1]) this.intIndex(args[1], null);
          return { type: t };
        }
        if (u.kind === Kind.Chan) {
          if (args.length > 2) throw this.src.error(args[2]!, `invalid operation: ${n.text} expects 1 or 2 arguments; found ${args.length}`);
          if (args[1]) this.intIndex(args[1], null);
          return { type: t };
        }
        if (u.kind !== Kind.Slice) throw this.src.error(args[0]!, `invalid argument: cannot make ${args[0]!.text}; type must be slice, map, or channel`);
        if (args.length < 2) throw this.src.error(n, `invalid operation: ${n.text} expects 2 or 3 arguments; found 1`);
        for (const a of args.slice(1)) this.intIndex(a, null);
        const [l, c] = args.slice(1).map((a) => this.exprs.get(a.id)?.value);
        if (typeof l === 'number' && typeof c === 'number' && l > c) throw this.src.error(args[1]!, `invalid argument: length and capacity swapped`);
        return { type: t };
      }
      case 'append': {
        need(1, Infinity);
        const info = this.expr(args[0]!);
        if (isUntyped(info.type) && info.type.untyped === 'nil') throw this.src.error(args[0]!, 'first argument to append must be a typed slice; have untyped nil');
        const t = this.valueType(args[0]!, info);
        if (under(t).kind !== Kind.Slice) throw this.src.error(args[0]!, `invalid argument: ${args[0]!.text} (${this.describe(info)}) is not a slice`);
        const spread = args.findIndex((a) => a.type === 'variadic_argument');
        if (spread >= 0) {
          // append(s, xs...): xs a slice of s's element type, or a string for a []byte.
          if (spread !== 1 || args.length !== 2) throw this.src.error(args[spread]!, `can only use ... with final argument in list`);
          const x = named(args[1]!)[0]!;
          const xi = this.expr(x);
          const xt = this.valueType(x, xi);
          const bytes = under(under(t).elem!).kind === Kind.Uint8 && isStringType(xt);
          if (!bytes && !(under(xt).kind === Kind.Slice && identical(under(xt).elem!, under(t).elem!))) {
            throw this.src.error(x, `cannot use ${x.text} (${this.describe(xi)}) as ${this.typeStr(t)} value in argument to append`);
          }
          this.exprs.set(args[1]!.id, { type: xt });
          return { type: t };
        }
        for (const a of args.slice(1)) this.assign(a, this.expr(a, under(t).elem!), under(t).elem!, 'argument to append');
        return { type: t };
      }
      case 'copy': {
        need(2);
        const d = this.valueType(args[0]!, this.expr(args[0]!));
        const s = this.valueType(args[1]!, this.expr(args[1]!));
        if (under(d).kind !== Kind.Slice || under(s).kind !== Kind.Slice || !identical(under(d).elem!, under(s).elem!)) throw this.src.error(n, `invalid argument: copy expects slice arguments`);
        return { type: T.int };
      }
      case 'min':
      case 'max': {
        need(1, Infinity);
        let info = this.expr(args[0]!);
        for (const a of args.slice(1)) info = this.binaryType(n, '<', args[0]!, info, a, this.expr(a));
        const types = args.map((a) => this.exprs.get(a.id)!);
        const typed = types.find((x) => !isUntyped(x.type));
        const t = typed?.type ?? types[0]!.type;
        if (types.every((x) => x.value !== undefined)) {
          const vs = types.map((x) => x.value as number);
          return { type: t, value: name === 'min' ? Math.min(...vs) : Math.max(...vs) };
        }
        if (!isTuple(t) && !isUntyped(t) && !isNumeric(t) && !isStringType(t)) throw this.src.error(n, `invalid argument: ${name} of ${this.typeStr(t)}`);
        if (!isTuple(t) && !isUntyped(t) && isStringType(t)) throw this.src.unsupported(n, `${name} of strings`);
        for (const a of args) this.valueType(a, this.exprs.get(a.id)!.type === t ? this.exprs.get(a.id)! : { ...this.exprs.get(a.id)! });
        for (const a of args) if (typed && isUntyped(this.exprs.get(a.id)!.type)) this.convertConst(a, this.exprs.get(a.id)!, typed.type as GoType);
        return { type: t };
      }
      case 'delete': {
        need(2);
        const t = this.valueType(args[0]!, this.expr(args[0]!));
        if (under(t).kind !== Kind.Map) throw this.src.error(args[0]!, `invalid argument: ${args[0]!.text} (variable of type ${this.typeStr(t)}) is not a map`);
        this.assign(args[1]!, this.expr(args[1]!, under(t).key!), under(t).key!, 'argument to delete');
        return { type: { tuple: [] } };
      }
      case 'clear': {
        need(1);
        const t = this.valueType(args[0]!, this.expr(args[0]!));
        if (under(t).kind !== Kind.Map && under(t).kind !== Kind.Slice) throw this.src.error(args[0]!, `invalid argument: ${args[0]!.text} (variable of type ${this.typeStr(t)}) must be a map or slice`);
        if (under(t).kind === Kind.Slice) throw this.src.unsupported(n, 'clear of a slice');
        return { type: { tuple: [] } };
      }
      case 'close': {
        need(1);
        const t = this.valueType(args[0]!, this.expr(args[0]!));
        if (under(t).kind !== Kind.Chan) throw this.src.error(args[0]!, `invalid operation: non-chan argument ${args[0]!.text} (variable of type ${this.typeStr(t)})`);
        return { type: { tuple: [] } };
      }
      case 'panic': {
        need(1);
        const info = this.expr(args[0]!);
        if (!isTuple(info.type) && isUntyped(info.type) && info.type.untyped !== 'nil') this.valueType(args[0]!, info);
        return { type: { tuple: [] } };
      }
      case 'print':
      case 'println':
        for (const a of args) this.valueType(a, this.expr(a));
        return { type: { tuple: [] } };
      case 'recover':
        need(0);
        return { type: anyType };
      default:
        throw this.src.unsupported(n, `the builtin ${name}`);
    }
  }

  private typeArg(n: Node): GoType {
    if (n.type === 'identifier' || n.type === 'type_identifier') {
      const o = this.lookup(n);
      if (o.kind !== 'type') throw this.src.error(n, `${n.text} is not a type`);
      this.typeNodes.set(n.id, o.type);
      return o.type;
    }
    if (n.type === 'selector_expression') {
      const m = this.pkgMember(n.childForFieldName('operand')!, n.childForFieldName('field')!);
      if (m.kind !== 'type') throw this.src.error(n, `${n.text} is not a type`);
      this.typeNodes.set(n.id, m.type);
      return m.type;
    }
    return this.typeExpr(n);
  }
}

export { isIntegerType, isUnsigned };
