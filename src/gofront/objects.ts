// What the type checker knows about names and expressions: the objects
// identifiers denote (variables, constants, types, functions, packages,
// builtins) and, per expression, its type and constant value. Types with a
// layout are go/types.ts GoTypes, so sizes, alignment and pointer masks are
// the ones the rest of gomem computes; untyped constants and multi-value
// results have checker-only types.

import type { Node } from './grammar.ts';
import type { GoType } from '../go/types.ts';

/** The type of an untyped constant (or of nil) before it is given one. */
export interface Untyped {
  readonly untyped: 'int' | 'float' | 'rune' | 'string' | 'bool' | 'nil';
}
/** The results of a call returning several values. */
export interface Tuple {
  readonly tuple: readonly GoType[];
}
export type CType = GoType | Untyped | Tuple;

export function isUntyped(t: CType): t is Untyped {
  return 'untyped' in t;
}
export function isTuple(t: CType): t is Tuple {
  return 'tuple' in t;
}

/** A constant's value: integers as numbers (bigints beyond 2^53, exact), floats as numbers, strings, booleans. */
export type ConstVal = number | bigint | string | boolean;

export interface VarObj {
  readonly kind: 'var';
  readonly name: string;
  readonly type: GoType;
  /** The identifier that declares it. */
  readonly decl: Node;
  /** The function declaring it, null for a package-level variable. */
  readonly fn: FuncDecl | null;
  readonly param: boolean;
  readonly result: boolean;
  /** Unique within the program: the JS name is built from it. */
  readonly id: number;
  /** &v appears, or a method with a pointer receiver is called on it. */
  addrTaken: boolean;
  /** Used by a func literal. */
  captured: boolean;
  /** Escape analysis: the variable outlives its frame ("moved to heap"). */
  heap: boolean;
  /** Assigned after its declaration (a func literal captures it by reference then, as the compiler does). */
  assigned?: boolean;
}

export interface ConstObj {
  readonly kind: 'const';
  readonly name: string;
  readonly type: CType;
  readonly value: ConstVal;
}
export interface TypeObj {
  readonly kind: 'type';
  readonly name: string;
  readonly type: GoType;
  /** A generic function's type parameter, bound in one instance. */
  readonly typeParam?: boolean;
}
export interface FuncObj {
  readonly kind: 'func';
  readonly name: string;
  readonly fn: FuncDecl;
}
export interface PkgObj {
  readonly kind: 'pkg';
  readonly path: string;
  readonly name: string;
  /** The import's identifier was used (Go rejects unused imports). */
  used: boolean;
  readonly decl: Node;
}
export interface BuiltinObj {
  readonly kind: 'builtin';
  readonly name: string;
}
export interface NilObj {
  readonly kind: 'nil';
}
export type Obj = VarObj | ConstObj | TypeObj | FuncObj | PkgObj | BuiltinObj | NilObj | GenericObj;

/** A function declaration (or, later, a func literal). */
export interface FuncDecl {
  /** Go's symbol name: main.main, main.bigBytes. */
  readonly name: string;
  readonly node: Node;
  readonly sig: GoType;
  readonly params: VarObj[];
  readonly results: VarObj[];
  /** Every variable it declares, parameters and results included. */
  readonly vars: VarObj[];
  /** Functions of the program it calls directly. */
  readonly calls: Set<FuncDecl>;
  /** It may block (sleep, GC, channel operations, or a call to a function that may). */
  blocking: boolean;
  /** It contains a loop (loops cost virtual time, charged in generator functions). */
  loops: boolean;
  /** An instance of a generic function: its type arguments. */
  readonly typeArgs?: readonly GoType[];
  /** A method: its receiver is params[0]; `pointer` for a *T receiver. */
  readonly method?: { readonly recv: GoType; readonly pointer: boolean; readonly name: string };
  /** A func literal: the function whose body holds it (Go names it outer.func1, outer.func1.1 …). */
  readonly lit?: { readonly outer: FuncDecl; readonly index: number };
}

/** A generic function: instantiated (checked, compiled) once per list of type arguments. */
export interface GenericObj {
  readonly kind: 'generic';
  readonly name: string;
  readonly node: Node;
  readonly typeParams: readonly string[];
  readonly instances: Map<string, FuncDecl>;
}

/** What the checker records about an expression. */
export interface ExprInfo {
  readonly type: CType;
  /** Set for constant expressions. */
  readonly value?: ConstVal;
}

/**
 * What the checker records per syntax node. A generic function's body is
 * checked once per instantiation, with different types for the same
 * nodes: while `ctx.current` is an instance, reads and writes go to that
 * instance's own layer over the shared one.
 */
export class NodeMap<V> {
  private readonly base = new Map<number, V>();
  private readonly layers = new Map<FuncDecl, Map<number, V>>();
  constructor(private readonly ctx: { current: FuncDecl | null }) {}

  get(id: number): V | undefined {
    const cur = this.ctx.current;
    if (cur !== null && cur.typeArgs !== undefined) {
      const v = this.layers.get(cur)?.get(id);
      if (v !== undefined) return v;
    }
    return this.base.get(id);
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  set(id: number, v: V): this {
    const cur = this.ctx.current;
    if (cur !== null && cur.typeArgs !== undefined) {
      let m = this.layers.get(cur);
      if (m === undefined) this.layers.set(cur, (m = new Map()));
      m.set(id, v);
    } else this.base.set(id, v);
    return this;
  }
}
