// Control flow the checker and the emitter share: whether a statement list
// terminates (the spec's terminating statements, for "missing return"),
// the statement a labelled break or continue names, and a function's gotos
// and their labels.

import type { Node } from './grammar.ts';

function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** Whether a statement list ends in a terminating statement (spec: Terminating statements), for the subset. */
export function terminates(b: Node): boolean {
  const list = b.type === 'block' ? named(b).find((c) => c.type === 'statement_list') : b;
  const stmts = list ? named(list) : [];
  const last = stmts[stmts.length - 1];
  if (last === undefined) return false;
  switch (last.type) {
    case 'return_statement':
    case 'goto_statement':
      return true;
    case 'expression_statement': {
      const call = named(last)[0]!;
      return call.type === 'call_expression' && call.childForFieldName('function')!.text === 'panic';
    }
    case 'block':
      return terminates(last);
    case 'labeled_statement': {
      const inner = named(last).find((x) => x.type !== 'label_name');
      return inner !== undefined && terminates(wrap(inner));
    }
    case 'if_statement': {
      const alt = last.childForFieldName('alternative');
      return alt !== null && terminates(last.childForFieldName('consequence')!) && (alt.type === 'if_statement' ? terminates(wrap(alt)) : terminates(alt));
    }
    case 'expression_switch_statement':
    case 'type_switch_statement':
    case 'select_statement': {
      // Terminating (spec): a default case (select needs none), no break out of it, every clause's list terminating.
      const clauses = named(last).filter((c) => /_case$|communication_case/.test(c.type));
      if (last.type !== 'select_statement' && !clauses.some((c) => c.type === 'default_case')) return false;
      const breaks = last.descendantsOfType('break_statement').some((x) => x !== null && x.namedChildren.length === 0 && innermostBreakable(x) === last);
      return !breaks && clauses.every((c) => {
        const list = named(c).find((x) => x.type === 'statement_list');
        return list !== undefined && terminates(list);
      });
    }
    case 'for_statement': {
      const clause = named(last).find((c) => c.type !== 'block');
      const infinite = clause === undefined || (clause.type === 'for_clause' && clause.childForFieldName('condition') === null);
      return infinite && !last.descendantsOfType('break_statement').some((x) => x !== null);
    }
  }
  return false;
}

/** The statement a labelled break or continue names: the one its enclosing labeled_statement holds. */
export function labelled(b: Node, name: string): Node | null {
  for (let x = b.parent; x !== null && x.type !== 'func_literal'; x = x.parent) {
    if (x.type === 'labeled_statement' && named(x)[0]?.text === name) return named(x).find((y) => y.type !== 'label_name') ?? null;
  }
  return null;
}

/** The goto statements of the function (not its func literals) that holds n. */
export function gotosOf(n: Node): Node[] {
  let fn: Node | null = n;
  while (fn !== null && !['func_literal', 'function_declaration', 'method_declaration'].includes(fn.type)) fn = fn.parent;
  if (fn === null) return [];
  const out: Node[] = [];
  const walk = (x: Node): void => {
    if (x.type === 'goto_statement') out.push(x);
    for (const c of named(x)) if (c.type !== 'func_literal') walk(c);
  };
  walk(fn.childForFieldName('body') ?? fn);
  return out;
}

/** The labeled_statement a goto names, in the goto's function. */
export function gotoTarget(g: Node, name: string): Node | null {
  let fn: Node | null = g;
  while (fn !== null && !['func_literal', 'function_declaration', 'method_declaration'].includes(fn.type)) fn = fn.parent;
  if (fn === null) return null;
  const walk = (x: Node): Node | null => {
    if (x.type === 'labeled_statement' && named(x)[0]?.text === name) return x;
    for (const c of named(x)) {
      if (c.type === 'func_literal') continue;
      const r = walk(c);
      if (r !== null) return r;
    }
    return null;
  };
  return walk(fn.childForFieldName('body') ?? fn);
}

/** The for, switch or select an unlabelled break leaves. */
function innermostBreakable(b: Node): Node | null {
  for (let x = b.parent; x !== null; x = x.parent) {
    if (['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement'].includes(x.type)) return x;
  }
  return null;
}

/** An else-if as a one-statement block. */
function wrap(ifStmt: Node): Node {
  return { type: 'statement_list', namedChildren: [ifStmt] } as unknown as Node;
}
