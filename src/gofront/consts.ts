// Constant literals and constant arithmetic. Go's constants are exact;
// gomem keeps them as JS numbers (exact up to 2^53), which covers the
// subset's programs (sizes, counts, durations).

import { Kind, type GoType } from '../go/types.ts';
import type { ConstVal } from './objects.ts';

export function parseIntLit(text: string): number | bigint {
  const t = text.replace(/_/g, '');
  const n = /^0[0-7]+$/.test(t) ? BigInt(`0o${t.slice(1)}`) : BigInt(t.replace(/^0O/, '0o').replace(/^0X/, '0x').replace(/^0B/, '0b'));
  return exact(n);
}

/** An integer constant as a number when a double holds it exactly, else as a bigint. */
export function exact(n: bigint): number | bigint {
  return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
}

function isInt(v: ConstVal): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
}

/** Integer constant arithmetic in BigInt, exact at any size. */
function bigBinary(op: string, x: bigint, y: bigint): ConstVal | undefined {
  switch (op) {
    case '+':
      return exact(x + y);
    case '-':
      return exact(x - y);
    case '*':
      return exact(x * y);
    case 'int/':
      return exact(x / y);
    case '%':
      return exact(x % y);
    case '<<':
      return exact(x << y);
    case '>>':
      return exact(x >> y);
    case '&':
      return exact(x & y);
    case '|':
      return exact(x | y);
    case '^':
      return exact(x ^ y);
    case '&^':
      return exact(x & ~y);
  }
  return undefined;
}

const escapes: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };

/** The value of a Go string literal (interpreted or raw). */
export function parseStringLit(text: string): string {
  if (text.startsWith('`')) return text.slice(1, -1).replace(/\r/g, '');
  return unescape(text.slice(1, -1));
}

export function parseRuneLit(text: string): number {
  return unescape(text.slice(1, -1)).codePointAt(0) ?? 0;
}

function unescape(s: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\') {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...enc.encode(ch));
      i += ch.length - 1;
      continue;
    }
    const e = s[++i]!;
    if (e in escapes) bytes.push(escapes[e]!.charCodeAt(0));
    else if (e === 'x') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      bytes.push(...enc.encode(String.fromCodePoint(parseInt(s.slice(i + 1, i + 1 + n), 16))));
      i += n;
    } else if (/[0-7]/.test(e)) {
      bytes.push(parseInt(s.slice(i, i + 3), 8));
      i += 2;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** A comparison of two ordered constants of one kind, or undefined for another operator. */
function compareOrUndefined<T extends number | bigint | string>(op: string, x: T, y: T): boolean | undefined {
  switch (op) {
    case '==':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
  }
  return undefined;
}

function compare<T extends number | bigint | string>(op: string, x: T, y: T): boolean {
  const r = compareOrUndefined(op, x, y);
  if (r === undefined) throw new Error(`constant operator ${op}`);
  return r;
}

export function constBinary(op: string, a: ConstVal, b: ConstVal): ConstVal {
  if (typeof a === 'string' && typeof b === 'string') return op === '+' ? a + b : compare(op, a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') {
    switch (op) {
      case '&&':
        return a && b;
      case '||':
        return a || b;
      case '==':
        return a === b;
      case '!=':
        return a !== b;
    }
  }
  if (isInt(a) && isInt(b) && (typeof a === 'bigint' || typeof b === 'bigint' || ['*', '<<', '&', '|', '^', '&^'].includes(op))) {
    const r = bigBinary(op, BigInt(a), BigInt(b)) ?? compareOrUndefined(op, BigInt(a), BigInt(b));
    if (r !== undefined) return r;
  }
  const x = Number(a);
  const y = Number(b);
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    case 'int/':
      return Math.trunc(x / y);
    case '%':
      return x % y;
    case '<<':
      return x * 2 ** y;
    case '>>':
      return Math.floor(x / 2 ** y);
    case '&':
      return Number(BigInt(x) & BigInt(y));
    case '|':
      return Number(BigInt(x) | BigInt(y));
    case '^':
      return Number(BigInt(x) ^ BigInt(y));
    case '&^':
      return Number(BigInt(x) & ~BigInt(y));
  }
  return compare(op, x, y);
}

export function constUnary(op: string, a: ConstVal, t: GoType | null): ConstVal {
  switch (op) {
    case '-':
      return typeof a === 'bigint' ? exact(-a) : -(a as number);
    case '+':
      return a;
    case '!':
      return !a;
    case '^': {
      if (t !== null && t.kind >= Kind.Uint && t.kind <= Kind.Uintptr) return exact(BigInt.asUintN(t.size * 8, ~BigInt(a as number)));
      return exact(~BigInt(a as number));
    }
  }
  throw new Error(`constant operator ${op}`);
}

/** A typed constant's value in its type (integers stay integers). */
export function truncate(v: ConstVal, t: GoType): ConstVal {
  const k = (t.underlying ?? t).kind;
  if (typeof v === 'number' && k >= Kind.Int && k <= Kind.Uintptr) return Math.trunc(v);
  return v;
}
