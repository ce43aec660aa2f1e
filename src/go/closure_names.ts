// Go's names for the functions of a JavaScript program file, for panic
// traces: a top-level function keeps its name (main.boom), a method of a
// top-level class is main.(*T).m, and a function literal inside another
// function is a closure, numbered in source order as the Go compiler does
// (cmd/compile's closureName): main.main.func1, main.main.func2 inside a
// named function, main.main.func1.1 inside a closure, main.glob..func1 at
// the top level when it has no name.
//
// The input is the module code V8 runs (esbuild's output, see
// program_source.mjs): plain JavaScript without types, so a small
// tokenizer with bracket matching finds every function literal; no parser
// ships with gomem at run time.

interface Tok {
  v: string;
  k: 'name' | 'punct' | 'str' | 'num' | 'tmpl' | 'regex';
  s: number;
  e: number;
}

/** A function literal: its extent in the code, its own name if any, and its place in the nesting. */
export interface FuncLit {
  start: number;
  end: number;
  name: string | null;
  /** The class a method belongs to (for main.(*T).m). */
  className: string | null;
  parent: FuncLit | null;
  children: FuncLit[];
}

const regexAfterWord = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);
const notMethodWords = new Set(['if', 'for', 'while', 'switch', 'catch', 'with', 'function', 'return', 'typeof', 'new', 'await', 'yield']);
const methodModifiers = new Set(['*', 'async', 'get', 'set', 'static']);

function tokenize(src: string): Tok[] | null {
  const toks: Tok[] = [];
  const braces: ('{' | '${')[] = [];
  let i = 0;
  const n = src.length;
  const regexAllowed = (): boolean => {
    const p = toks[toks.length - 1];
    if (p === undefined) return true;
    if (p.k === 'name') return regexAfterWord.has(p.v);
    if (p.k === 'punct') return !(p.v === ')' || p.v === ']' || p.v === '}' || p.v === '++' || p.v === '--');
    return false;
  };
  // Reads template text from i (just after ` or the } closing a ${…}) to its end or the next ${.
  const templateChunk = (from: number): boolean => {
    let j = from;
    while (j < n) {
      const c = src[j]!;
      if (c === '\\') j += 2;
      else if (c === '`') {
        toks.push({ v: '`', k: 'tmpl', s: from, e: j + 1 });
        i = j + 1;
        return true;
      } else if (c === '$' && src[j + 1] === '{') {
        toks.push({ v: '`', k: 'tmpl', s: from, e: j });
        toks.push({ v: '${', k: 'punct', s: j, e: j + 2 });
        braces.push('${');
        i = j + 2;
        return true;
      } else j++;
    }
    return false;
  };
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029' || c === '\ufeff') {
      i++;
    } else if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
    } else if (c === '/' && src[i + 1] === '*') {
      const j = src.indexOf('*/', i + 2);
      if (j < 0) return null;
      i = j + 2;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      if (j >= n) return null;
      toks.push({ v: src.slice(i + 1, j), k: 'str', s: i, e: j + 1 });
      i = j + 1;
    } else if (c === '`') {
      if (!templateChunk(i + 1)) return null;
    } else if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let inClass = false;
      while (j < n && (inClass || src[j] !== '/')) {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') inClass = true;
        else if (src[j] === ']') inClass = false;
        else if (src[j] === '\n') return null;
        j++;
      }
      j++;
      while (j < n && /[a-z]/i.test(src[j]!)) j++;
      toks.push({ v: src.slice(i, j), k: 'regex', s: i, e: j });
      i = j;
    } else if (/[A-Za-z_$#\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$\u0080-\uffff]/.test(src[j]!)) j++;
      toks.push({ v: src.slice(i, j), k: 'name', s: i, e: j });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < n && /[\w.]/.test(src[j]!)) j++;
      toks.push({ v: src.slice(i, j), k: 'num', s: i, e: j });
      i = j;
    } else {
      const three = src.slice(i, i + 3);
      const two = src.slice(i, i + 2);
      const v = three === '...' ? three : ['=>', '?.', '++', '--'].includes(two) ? two : c;
      if (v === '{') braces.push('{');
      if (v === '}') {
        const open = braces.pop();
        if (open === undefined) return null;
        if (open === '${') {
          toks.push({ v: '}', k: 'punct', s: i, e: i + 1 });
          if (!templateChunk(i + 1)) return null;
          continue;
        }
      }
      toks.push({ v, k: 'punct', s: i, e: i + v.length });
      i += v.length;
    }
  }
  return toks;
}

/** Matching bracket indices, both ways; null if the brackets do not balance. */
function matchBrackets(toks: Tok[]): Int32Array | null {
  const match = new Int32Array(toks.length).fill(-1);
  const stack: number[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.k !== 'punct') continue;
    if (t.v === '(' || t.v === '[' || t.v === '{' || t.v === '${') stack.push(i);
    else if (t.v in pairs) {
      const o = stack.pop();
      if (o === undefined) return null;
      const ov = toks[o]!.v;
      if (ov !== pairs[t.v] && !(ov === '${' && t.v === '}')) return null;
      match[o] = i;
      match[i] = o;
    }
  }
  return stack.length === 0 ? match : null;
}

/** Every function literal of `src` with its nesting, or null if the code cannot be tokenized. */
export function functionLiterals(src: string): FuncLit[] | null {
  const toks = tokenize(src);
  if (toks === null) return null;
  const match = matchBrackets(toks);
  if (match === null) return null;
  const t = (i: number): Tok | undefined => toks[i];
  const is = (i: number, v: string): boolean => toks[i]?.v === v && toks[i]!.k === 'punct';
  const word = (i: number, v: string): boolean => toks[i]?.v === v && toks[i]!.k === 'name';
  // The name V8 infers for an anonymous literal from `x = …` or `x: …`.
  const inferred = (first: number): string | null => {
    const before = t(first - 1);
    const key = t(first - 2);
    if (before?.k === 'punct' && (before.v === '=' || before.v === ':') && key !== undefined && (key.k === 'name' || key.k === 'str')) return key.v;
    return null;
  };
  // The class whose body the `{` at index `open` is, if it is one: `class {`,
  // `class Name {`, or either with `extends <expression>` before the brace.
  const classOf = (open: number): { name: string | null } | null => {
    let k = open - 1;
    for (let j = open - 1; j >= 0; j--) {
      const x = toks[j]!;
      if (x.k === 'name' && x.v === 'extends') {
        k = j - 1;
        break;
      }
      if (x.k === 'punct' && (x.v === ')' || x.v === ']')) j = match[j]!;
      else if (x.k !== 'name' && !(x.k === 'punct' && (x.v === '.' || x.v === '?.'))) break;
    }
    if (word(k, 'class')) return { name: null };
    if (t(k)?.k === 'name' && word(k - 1, 'class')) return { name: t(k)!.v };
    return null;
  };
  // The innermost `{` enclosing token i.
  const enclosingBrace = (i: number): number => {
    for (let k = i - 1; k >= 0; k--) {
      const x = toks[k]!;
      if (x.k !== 'punct') continue;
      if (x.v === ')' || x.v === ']' || x.v === '}') k = match[k]!;
      else if (x.v === '{') return k;
      else if (x.v === '(' || x.v === '[' || x.v === '${') return -1;
    }
    return -1;
  };

  const lits: { start: number; end: number; name: string | null; className: string | null }[] = [];
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (tok.k === 'name' && tok.v === 'function') {
      let j = i + 1;
      if (is(j, '*')) j++;
      let name: string | null = null;
      if (t(j)?.k === 'name') name = toks[j++]!.v;
      if (!is(j, '(')) continue;
      const body = match[j]! + 1;
      if (!is(body, '{')) continue;
      const first = word(i - 1, 'async') ? i - 1 : i;
      lits.push({ start: toks[first]!.s, end: toks[match[body]!]!.e, name: name ?? inferred(first), className: null });
    } else if (tok.k === 'punct' && tok.v === '=>') {
      let first: number;
      if (is(i - 1, ')')) first = match[i - 1]!;
      else if (t(i - 1)?.k === 'name') first = i - 1;
      else continue;
      if (word(first - 1, 'async')) first--;
      let last: number;
      if (is(i + 1, '{')) last = match[i + 1]!;
      else {
        // An expression body ends at the first , ; or closing bracket at its own depth.
        let k = i + 1;
        for (; k < toks.length; k++) {
          const x = toks[k]!;
          if (x.k !== 'punct') continue;
          if (x.v === '(' || x.v === '[' || x.v === '{' || x.v === '${') k = match[k]!;
          else if (x.v === ',' || x.v === ';' || x.v === ')' || x.v === ']' || x.v === '}') break;
        }
        last = k - 1;
      }
      lits.push({ start: toks[first]!.s, end: toks[last]!.e, name: inferred(first), className: null });
    } else if (tok.k === 'punct' && tok.v === '(' && is(match[i]! + 1, '{')) {
      // A method: key(params) { … } in an object literal or a class body.
      let key = i - 1;
      const kt = t(key);
      if (kt === undefined) continue;
      let name: string | null;
      if (kt.k === 'name' && !notMethodWords.has(kt.v)) name = kt.v;
      else if (kt.k === 'str' || kt.k === 'num') name = kt.v;
      else if (kt.k === 'punct' && kt.v === ']') {
        name = null;
        key = match[key]!;
      } else continue;
      if (word(key - 1, 'function') || (is(key - 1, '*') && word(key - 2, 'function'))) continue;
      let first = key;
      while (first > 0 && methodModifiers.has(toks[first - 1]!.v) && toks[first - 1]!.k !== 'str') first--;
      const open = enclosingBrace(first);
      const cls = open >= 0 ? classOf(open) : null;
      const body = match[i]! + 1;
      lits.push({ start: toks[first]!.s, end: toks[match[body]!]!.e, name, className: cls?.name ?? null });
    }
  }
  lits.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: FuncLit[] = [];
  const stack: FuncLit[] = [];
  for (const l of lits) {
    while (stack.length > 0 && stack[stack.length - 1]!.end <= l.start) stack.pop();
    const parent = stack[stack.length - 1] ?? null;
    const f: FuncLit = { ...l, parent, children: [] };
    parent?.children.push(f);
    out.push(f);
    stack.push(f);
  }
  return out;
}

/** The innermost function literal containing code offset `pos`. */
export function functionAt(lits: readonly FuncLit[], pos: number): FuncLit | null {
  let best: FuncLit | null = null;
  for (const f of lits) if (f.start <= pos && pos < f.end && (best === null || f.start >= best.start)) best = f;
  return best;
}

/** Go's name for a function literal of package main. */
export function goFuncName(f: FuncLit, all: readonly FuncLit[]): string {
  if (f.parent === null) {
    if (f.name === null) {
      const anon = all.filter((x) => x.parent === null && x.name === null);
      return `main.glob..func${anon.indexOf(f) + 1}`;
    }
    return f.className !== null ? `main.(*${f.className}).${f.name}` : `main.${f.name}`;
  }
  const k = f.parent.children.indexOf(f) + 1;
  return `${goFuncName(f.parent, all)}${f.parent.parent === null ? '.func' : '.'}${k}`;
}
