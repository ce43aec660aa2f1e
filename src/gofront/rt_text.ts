// strings and strconv for compiled code: Go's results, and the allocations
// Go 1.23's implementations make for them (strings/strings.go,
// strings/builder.go, strconv/itoa.go, strconv/atoi.go). A Builder grown
// once to the result's length allocates bytealg.MakeNoZero's size-class
// rounded buffer; substrings share their string's bytes; strconv.Itoa of
// 0–99 is a slice of a constant.

import type { Go } from '../go/api.ts';
import { T, type GoType } from '../go/types.ts';
import { tmpStringBufSize } from '../go/string_sizes.ts';
import { GoString, Iface, Slice } from '../go/values.ts';
import { mallocgc } from '../runtime/malloc.ts';
import { roundupsize } from '../runtime/msize.ts';
import { GoPanic } from '../runtime/panic.ts';
import { StackSlice } from './rt.ts';
import { numErrorType } from './stdlib.ts';

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();


/** The bytes of s (its text, as UTF-8). */
function bytesOf(s: GoString): Uint8Array {
  return utf8.encode(s.text);
}

/** Whether s's text is one JS char per byte (ASCII): offsets are the same in both. */
function ascii(s: GoString): boolean {
  return s.text.length === s.len;
}

export class TextRt {
  /** Each *NumError's message, by address (its fields are in memory; the text is kept here). */
  private readonly numErrorText = new Map<number, string>();

  constructor(private readonly go: Go) {}

  /** A new string in a buffer that strings.Builder grew once to n bytes (MakeNoZero: the size class's bytes, noscan). */
  private built(text: string): GoString {
    const bytes = utf8.encode(text);
    if (bytes.length === 0) return this.go.p.emptyString;
    const rt = this.go.p.rt;
    const ptr = mallocgc(rt, roundupsize(bytes.length, true), null, false);
    rt.mem.writeBytes(ptr, bytes);
    return new GoString(text, ptr, bytes.length);
  }

  /** A new string of exactly its length (rawstring: string(buf[i:]) in strconv). */
  private raw(text: string): GoString {
    const bytes = utf8.encode(text);
    if (bytes.length === 0) return this.go.p.emptyString;
    const rt = this.go.p.rt;
    const ptr = mallocgc(rt, bytes.length, null, false);
    rt.mem.writeBytes(ptr, bytes);
    return new GoString(text, ptr, bytes.length);
  }

  /** s[lo:hi]: the same bytes, no allocation; out of range panics as Go does. */
  substr(s: GoString, lo: number, hi: number | undefined): GoString {
    const h = hi ?? s.len;
    if (lo < 0 || h < lo || h > s.len) throw new GoPanic(`runtime error: slice bounds out of range [${hi === undefined || h <= s.len ? `${lo}:${h}` : `:${h}`}] with length ${s.len}`);
    if (h === lo) return this.go.p.emptyString;
    const text = ascii(s) ? s.text.slice(lo, h) : utf8d.decode(bytesOf(s).subarray(lo, h));
    return new GoString(text, s.ptr + lo, h - lo);
  }

  /** s[i]: a byte. */
  byteAt(s: GoString, i: number): number {
    if (!(i >= 0 && i < s.len)) throw new GoPanic(`runtime error: index out of range [${i}] with length ${s.len}`);
    return ascii(s) ? s.text.charCodeAt(i) : bytesOf(s)[i]!;
  }

  // ── conversions ──────────────────────────────────────────────────────

  /** The bytes a []byte holds (a heap slice's from memory, a frame slice's from its array). */
  private sliceBytes(b: Slice | StackSlice | null): Uint8Array {
    if (b === null) return new Uint8Array(0);
    if (b instanceof StackSlice) return Uint8Array.from(b.arr.slice(b.off, b.off + b.len) as number[]);
    if (b.len === 0) return new Uint8Array(0);
    const mem = this.go.p.rt.mem;
    mem.noteRead(b.ptr, b.len);
    return mem.readBytes(b.ptr, b.len);
  }

  /** string(b): "" and one byte cost nothing; a result that does not escape and fits 32 bytes is on the stack; else a copy. */
  bytesToString(b: Slice | StackSlice | null, escapes: boolean): GoString {
    const bytes = this.sliceBytes(b);
    const text = utf8d.decode(bytes);
    if (bytes.length === 0) return this.go.p.emptyString;
    if (bytes.length === 1) return new GoString(text, this.go.p.staticuint64(bytes[0]!), 1);
    if (!escapes && bytes.length <= tmpStringBufSize) return new GoString(text, 0, bytes.length);
    return this.raw(text);
  }

  /** []byte(s): a copy (capacity rounded to the size class), or the 32-byte stack buffer for one that does not escape and fits. */
  stringToBytes(s: GoString, t: GoType, escapes: boolean, constant = false): Slice | StackSlice {
    const bytes = bytesOf(s);
    // []byte("…") of a constant: the compiler makes a [len]byte array for it (on the stack when it does not escape), cap = len.
    if (constant && !escapes) return new StackSlice(t, Array.from(bytes), 0, bytes.length, bytes.length);
    if (!escapes && bytes.length <= tmpStringBufSize) {
      const arr: number[] = new Array(tmpStringBufSize).fill(0);
      bytes.forEach((x, i) => (arr[i] = x));
      return new StackSlice(t, arr, 0, bytes.length, tmpStringBufSize);
    }
    return this.go.stringToBytes(s);
  }

  /**
   * []rune(s) (stringtoslicerune): the 32-rune stack buffer where the result does not escape and fits,
   * else rawruneslice's size-class rounded array (its capacity the rounded bytes / 4); no runes, &zerobase.
   */
  stringToRunes(s: GoString, t: GoType, escapes: boolean): Slice | StackSlice {
    const rs = [...s.text].map((ch) => ch.codePointAt(0)!);
    const n = rs.length;
    if (!escapes && n <= tmpStringBufSize) {
      const arr: number[] = new Array(tmpStringBufSize).fill(0);
      rs.forEach((r, i) => (arr[i] = r));
      return new StackSlice(t, arr, 0, n, tmpStringBufSize);
    }
    const rt = this.go.p.rt;
    if (n === 0) return new Slice(t, rt.zerobase, 0, 0);
    const mem = roundupsize(n * 4, true);
    const ptr = mallocgc(rt, mem, null, false);
    const out = new Slice(t, ptr, n, mem / 4);
    rs.forEach((r, i) => this.go.set(out, i, r));
    return out;
  }

  /**
   * string(runes) (slicerunetostring): rawstringtmp of the UTF-8 length + 3, in the 32-byte stack
   * buffer where the result does not escape and that fits, else a new string of that many bytes.
   */
  runesToString(a: Slice | StackSlice | null, escapes: boolean): GoString {
    const rs: number[] = [];
    if (a instanceof StackSlice) for (let i = 0; i < a.len; i++) rs.push(Number(a.arr[a.off + i]));
    else if (a !== null) for (let i = 0; i < a.len; i++) rs.push(Number(this.go.get(a, i)));
    const text = rs.map((r) => (r >= 0 && r <= 0x10ffff && !(r >= 0xd800 && r <= 0xdfff) ? String.fromCodePoint(r) : '\ufffd')).join('');
    const bytes = utf8.encode(text);
    if (!escapes && bytes.length + 3 <= tmpStringBufSize) return new GoString(text, 0, bytes.length);
    const rt = this.go.p.rt;
    const ptr = mallocgc(rt, bytes.length + 3, null, false);
    rt.mem.writeBytes(ptr, bytes);
    return bytes.length === 0 ? this.go.p.emptyString : new GoString(text, ptr, bytes.length);
  }

  /** string(r): the rune's UTF-8 (U+FFFD when invalid); escaping, a 4-byte rawstring. */
  runeString(r: number | bigint, escapes: boolean): GoString {
    const n = Number(r);
    const text = n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '\ufffd';
    const len = utf8.encode(text).length;
    if (!escapes) return new GoString(text, 0, len);
    const rt = this.go.p.rt;
    const ptr = mallocgc(rt, 4, null, false);
    rt.mem.writeBytes(ptr, utf8.encode(text));
    return new GoString(text, ptr, len);
  }

  /** for i, r := range s: each rune's byte offset and value. */
  runes(s: GoString): [number, number][] {
    const out: [number, number][] = [];
    let off = 0;
    for (const ch of s.text) {
      out.push([off, ch.codePointAt(0)!]);
      off += utf8.encode(ch).length;
    }
    return out;
  }

  // ── strconv ──────────────────────────────────────────────────────────

  /** strconv.Itoa: 0–99 from a constant table, anything else a new string of its digits. */
  itoa(i: number | bigint): GoString {
    const text = String(i);
    if (typeof i === 'number' && i >= 0 && i < 100) return this.go.p.literal(text);
    return this.raw(text);
  }

  /** strconv.Atoi: the value, or a *NumError (with a copy of the input) for bad syntax or range. */
  atoi(s: GoString): [number | bigint, Iface | null] {
    const t = s.text;
    if (/^[+-]?[0-9]+$/.test(t)) {
      const v = BigInt(t);
      if (v >= -(2n ** 63n) && v < 2n ** 63n) return [v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v, null];
      return [v < 0n ? -(2n ** 63n) : 2n ** 63n - 1n, this.numError('Atoi', s, 'value out of range')];
    }
    return [0, this.numError('Atoi', s, 'invalid syntax')];
  }

  private numError(fn: string, s: GoString, why: string): Iface {
    const go = this.go;
    const p = go.new(numErrorType);
    go.set(p, 'Func', go.p.literal(fn));
    // cloneString: the input copied, so that the error does not keep a large string alive.
    go.set(p, 'Num', s.len === 0 ? go.p.emptyString : this.raw(s.text));
    const x = new Iface(T.pointer(numErrorType), p);
    x.data = p.addr;
    this.numErrorText.set(p.addr, `strconv.${fn}: parsing ${JSON.stringify(s.text)}: ${why}`);
    return x;
  }

  /** (*NumError).Error(): "strconv." + Func + ": parsing " + Quote(Num) + ": " + Err.Error(), a new string. */
  numErrorError(addr: number): GoString {
    return this.raw(this.numErrorText.get(addr) ?? 'strconv: error');
  }

  // ── strings ──────────────────────────────────────────────────────────

  contains(s: GoString, sub: GoString): boolean {
    return s.text.includes(sub.text);
  }

  hasPrefix(s: GoString, p: GoString): boolean {
    return s.text.startsWith(p.text);
  }

  hasSuffix(s: GoString, p: GoString): boolean {
    return s.text.endsWith(p.text);
  }

  /** strings.Index: a byte offset. */
  index(s: GoString, sub: GoString): number {
    const i = s.text.indexOf(sub.text);
    return i < 0 || ascii(s) ? i : utf8.encode(s.text.slice(0, i)).length;
  }

  /** strings.Repeat: count 0 or 1 cost nothing, nor runs of ' ', '-', '0', '=' that fit the package's constants; else one Builder. */
  repeat(s: GoString, count: number): GoString {
    if (count < 0) throw new GoPanic('strings: negative Repeat count');
    if (count === 0 || s.len === 0) return this.go.p.emptyString;
    if (count === 1) return s;
    const n = s.len * count;
    const limit: Record<string, number> = { ' ': 128, '-': 128, '0': 64, '=': 128 };
    const c = s.text[0]!;
    if (limit[c] !== undefined && n <= limit[c]! && s.text === c.repeat(s.len)) return this.go.p.literal(c.repeat(n));
    return this.built(s.text.repeat(count));
  }

  /** strings.Join: "" or the one element as it is, else one Builder of the total length. */
  join(elems: Slice | StackSlice | null, sep: GoString): GoString {
    const xs = this.strings(elems);
    if (xs.length === 0) return this.go.p.emptyString;
    if (xs.length === 1) return xs[0]!;
    return this.built(xs.map((x) => x.text).join(sep.text));
  }

  /** strings.Split: make([]string, n) (16 bytes each) of substrings sharing s's bytes. */
  split(s: GoString, sep: GoString): Slice {
    if (sep.len === 0) throw new GoPanic('gomem: strings.Split with an empty separator is not supported yet');
    const parts: GoString[] = [];
    let rest = s;
    for (;;) {
      const i = this.index(rest, sep);
      if (i < 0) break;
      parts.push(this.substr(rest, 0, i));
      rest = this.substr(rest, i + sep.len, undefined);
    }
    parts.push(rest);
    const out = this.go.make(T.slice(T.string), parts.length, parts.length);
    parts.forEach((x, i) => this.go.set(out, i, x));
    return out;
  }

  /** strings.ToUpper / ToLower on ASCII: s itself when nothing changes, else one Builder. */
  mapCase(s: GoString, upper: boolean): GoString {
    const t = upper ? s.text.toUpperCase() : s.text.toLowerCase();
    return t === s.text ? s : this.built(t);
  }

  /** strings.TrimSpace: a substring. */
  trimSpace(s: GoString): GoString {
    const lead = s.text.length - s.text.trimStart().length;
    const trail = s.text.length - s.text.trimEnd().length;
    if (!ascii(s)) {
      const t = s.text.trim();
      return t.length === 0 ? this.go.p.emptyString : new GoString(t, s.ptr + utf8.encode(s.text.slice(0, lead)).length, utf8.encode(t).length);
    }
    return this.substr(s, lead, s.len - trail);
  }

  private strings(x: Slice | StackSlice | null): GoString[] {
    if (x === null) return [];
    if (x instanceof StackSlice) return x.arr.slice(x.off, x.off + x.len) as GoString[];
    const out: GoString[] = [];
    for (let i = 0; i < x.len; i++) out.push(this.go.get(x, i) as GoString);
    return out;
  }
}
