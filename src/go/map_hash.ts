// Key hashing and key equality for maps: the role of runtime/alg.go
// (memhash, strhash, f32hash/f64hash, interhash, typehash) and of the key
// type's Equal function, on keys given as JS values or stored in simulated
// memory.
//
// Go hashes keys with aeshash (or wyhash), seeded by the map's hash0; its
// output cannot be reproduced here, so gomem uses its own 64-bit hash
// (murmur3's mixing steps, two independent 32-bit lanes) of the key's bits
// mixed with hash0. Which bucket one key lands in therefore differs from
// real Go: only the distribution matches (uniform over buckets, and
// independent of the key set for each hash0), and so do the figures that
// depend on it — overflow buckets, same-size grows, their allocations —
// within the spread between maps. test/go/map_layout.test.ts and
// map_model.test.ts compare them with recorded real-Go runs.
//
// What a key hashes, as in Go:
//   integers, bools, pointers, chans   their bits (a 64-bit word as two halves)
//   floats                             their bits, +0 and -0 alike; a NaN hashes
//                                      to a random value, so NaN keys never match
//   strings                            their bytes
//   structs, arrays                    fields (blank ones skipped) / elements in order
//   interfaces                         the dynamic type, then the value; a
//                                      dynamic type that is not comparable panics
// Equality is Go's ==: NaN != NaN, +0 == -0, strings by bytes.
//
// The key being looked up sits in KEY (prepareKey) and a hash comes out in
// HASH: module registers, so that the map's hot paths allocate nothing.

import { GoPanic } from '../runtime/panic.ts';
import type { GoProcess } from './process.ts';
import { loadValue } from './memops.ts';
import { type GoType, Kind } from './types.ts';
import { GoString, Iface, pointerOf } from './values.ts';

const two32 = 4294967296;
const maxExact = 2 ** 53 - 1;
const utf8 = new TextEncoder();

/** How a key type is hashed and compared (one per map type). */
export const KeyClass = {
  /** 8-byte integers, pointers, chans, unsafe.Pointer: one word. */
  Word: 0,
  /** bool and 1-, 2- or 4-byte integers. */
  Small: 1,
  /** float32 and float64. */
  Float: 2,
  String: 3,
  /** Structs, arrays, interfaces, complex numbers: through JS values. */
  Any: 4,
} as const;
export type KeyClass = (typeof KeyClass)[keyof typeof KeyClass];

export function keyClassOf(t: GoType): KeyClass {
  switch (t.kind) {
    case Kind.Int:
    case Kind.Int64:
    case Kind.Uint:
    case Kind.Uint64:
    case Kind.Uintptr:
    case Kind.Pointer:
    case Kind.UnsafePointer:
    case Kind.Chan:
      return KeyClass.Word;
    case Kind.Bool:
    case Kind.Int8:
    case Kind.Int16:
    case Kind.Int32:
    case Kind.Uint8:
    case Kind.Uint16:
    case Kind.Uint32:
      return KeyClass.Small;
    case Kind.Float32:
    case Kind.Float64:
      return KeyClass.Float;
    case Kind.String:
      return KeyClass.String;
  }
  return KeyClass.Any;
}

/** Whether == is defined on t (a map key type must be). */
export function comparable(t: GoType): boolean {
  switch (t.kind) {
    case Kind.Slice:
    case Kind.Map:
    case Kind.Func:
      return false;
    case Kind.Array:
      return comparable(t.elem!);
    case Kind.Struct:
      return t.fields!.every((f) => comparable(f.type));
  }
  return true;
}

/** k == k for every k of t (no floats inside): t.ReflexiveKey(). */
export function reflexive(t: GoType): boolean {
  switch (t.kind) {
    case Kind.Float32:
    case Kind.Float64:
    case Kind.Complex64:
    case Kind.Complex128:
    case Kind.Interface:
      return false;
    case Kind.Array:
      return reflexive(t.elem!);
    case Kind.Struct:
      return t.fields!.every((f) => reflexive(f.type));
  }
  return true;
}

/** Equal keys may differ in bits (±0, strings' pointers): an assignment rewrites the key (t.NeedKeyUpdate()). */
export function needKeyUpdate(t: GoType): boolean {
  switch (t.kind) {
    case Kind.Float32:
    case Kind.Float64:
    case Kind.Complex64:
    case Kind.Complex128:
    case Kind.Interface:
    case Kind.String:
      return true;
    case Kind.Array:
      return needKeyUpdate(t.elem!);
    case Kind.Struct:
      return t.fields!.some((f) => needKeyUpdate(f.type));
  }
  return false;
}

// ── registers ───────────────────────────────────────────────────────────

/** The key of the current map operation (prepareKey). */
export const KEY = {
  /** The key as the program gave it (a string key as a GoString once stored). */
  v: undefined as unknown,
  /** Word/Small: the key's bits; w = hi·2^32 + lo when exact (hi < 2^21), else -1. */
  lo: 0,
  hi: 0,
  w: 0,
  /** Float: the value (rounded to float32 for float32 keys). */
  f: 0,
  /** String: its pointer (0 for a JS string not stored yet), length in bytes and text. */
  sptr: 0,
  slen: 0,
  stext: null as string | null,
};

/** The last hash computed: 64 bits as two halves. */
export const HASH = { lo: 0, hi: 0 };

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One murmur3 lane over two 32-bit words. */
function lane(lo: number, hi: number, seed: number): number {
  let k = Math.imul(lo, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  let h = seed ^ Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  k = Math.imul(hi, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  return fmix(h ^ 8);
}

/** HASH of the 64-bit word (lo, hi) under seed. */
export function hashWord(lo: number, hi: number, seed: number): void {
  HASH.lo = lane(lo, hi, seed);
  HASH.hi = lane(hi, lo, Math.imul(seed ^ 0x27d4eb2f, 0x165667b1) ^ 0x9e3779b9);
}

// ── strings ─────────────────────────────────────────────────────────────

/** HASH of a byte sequence: two FNV-style lanes, then the word hash of both with the length. */
function hashByteArray(b: Uint8Array, seed: number): void {
  let a = 0x811c9dc5 ^ seed;
  let c = 0x01000193;
  for (let i = 0; i < b.length; i++) {
    const x = b[i]!;
    a = Math.imul(a ^ x, 0x01000193);
    c = Math.imul(c ^ x, 0x5bd1e995) ^ (c >>> 13);
  }
  hashWord(a >>> 0, (c ^ b.length) >>> 0, seed);
}

/** The same hash as hashByteArray over the UTF-8 encoding of text, without encoding it. */
function hashText(s: string, seed: number): void {
  let a = 0x811c9dc5 ^ seed;
  let c = 0x01000193;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp < 0xe000) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (cp < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else {
        cp = 0xfffd; // a lone surrogate encodes as U+FFFD, as TextEncoder does
      }
    }
    // 1 to 4 bytes of UTF-8.
    let bytes: number;
    let x0: number;
    let x1 = 0;
    let x2 = 0;
    let x3 = 0;
    if (cp < 0x80) {
      bytes = 1;
      x0 = cp;
    } else if (cp < 0x800) {
      bytes = 2;
      x0 = 0xc0 | (cp >>> 6);
      x1 = 0x80 | (cp & 63);
    } else if (cp < 0x10000) {
      bytes = 3;
      x0 = 0xe0 | (cp >>> 12);
      x1 = 0x80 | ((cp >>> 6) & 63);
      x2 = 0x80 | (cp & 63);
    } else {
      bytes = 4;
      x0 = 0xf0 | (cp >>> 18);
      x1 = 0x80 | ((cp >>> 12) & 63);
      x2 = 0x80 | ((cp >>> 6) & 63);
      x3 = 0x80 | (cp & 63);
    }
    for (let j = 0; j < bytes; j++) {
      const x = j === 0 ? x0 : j === 1 ? x1 : j === 2 ? x2 : x3;
      a = Math.imul(a ^ x, 0x01000193);
      c = Math.imul(c ^ x, 0x5bd1e995) ^ (c >>> 13);
    }
    n += bytes;
  }
  hashWord(a >>> 0, (c ^ n) >>> 0, seed);
}

/** Whether a string's bytes are in simulated memory (heap, globals) rather than a rodata literal. */
function bytesInMemory(p: GoProcess, ptr: number): boolean {
  return ptr !== 0 && !p.rodata.isLiteral(ptr);
}

/**
 * HASH of the string {ptr, len} (text: its text when known). The bytes are
 * hashed; a text that decoded without a replacement character is exactly
 * the UTF-8 of its bytes, so it is hashed instead of reading them back.
 */
export function hashString(p: GoProcess, ptr: number, len: number, text: string | null, seed: number): void {
  if (len === 0) hashText('', seed);
  else if (text !== null && (!bytesInMemory(p, ptr) || text.indexOf('\ufffd') < 0)) hashText(text, seed);
  else if (bytesInMemory(p, ptr)) hashByteArray(p.rt.mem.readBytes(ptr, len), seed);
  else hashText(p.rodata.literalText(ptr, len) ?? '', seed);
}

function stringBytes(p: GoProcess, ptr: number, len: number, text: string | null): Uint8Array {
  if (bytesInMemory(p, ptr)) return p.rt.mem.readBytes(ptr, len);
  return utf8.encode(text ?? p.rodata.literalText(ptr, len) ?? '');
}

/** Whether the strings {ptr, len} are equal byte for byte. */
function stringsEqual(p: GoProcess, ptr1: number, len1: number, text1: string | null, ptr2: number, len2: number, text2: string | null): boolean {
  if (len1 !== len2) return false;
  if (len1 === 0 || (ptr1 === ptr2 && ptr1 !== 0)) return true;
  if (text1 !== null && text2 !== null && !bytesInMemory(p, ptr1) && !bytesInMemory(p, ptr2)) return text1 === text2;
  const a = stringBytes(p, ptr1, len1, text1);
  const b = stringBytes(p, ptr2, len2, text2);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return a.length === b.length;
}

/** A string value's {ptr, len, text}: a GoString, or a JS string not stored anywhere yet. */
function stringParts(v: unknown): { ptr: number; len: number; text: string } {
  if (v instanceof GoString) return { ptr: v.ptr, len: v.len, text: v.text };
  if (typeof v === 'string') return { ptr: 0, len: Buffer.byteLength(v), text: v };
  if (v === null || v === undefined) return { ptr: 0, len: 0, text: '' };
  throw new TypeError(`cannot use ${String(v)} as a string key`);
}

// ── scalars ─────────────────────────────────────────────────────────────

/** Sets KEY.lo/hi/w from a 64-bit integer or pointer value. */
function wordBits(v: unknown, pointer: boolean): void {
  let x: number;
  if (pointer) x = pointerOf(v);
  else if (typeof v === 'number') x = v;
  else if (typeof v === 'bigint') {
    const u = BigInt.asUintN(64, v);
    KEY.lo = Number(u & 0xffffffffn);
    KEY.hi = Number(u >> 32n);
    KEY.w = KEY.hi < 0x200000 ? KEY.hi * two32 + KEY.lo : -1;
    return;
  } else if (typeof v === 'boolean') x = v ? 1 : 0;
  else if (v === null || v === undefined) x = 0;
  else throw new TypeError(`cannot use ${String(v)} as an integer key`);
  // As storeWord stores it: two's complement, the low word truncated.
  const hi = Math.floor(x / two32);
  KEY.lo = (x - hi * two32) >>> 0;
  KEY.hi = hi >>> 0;
  KEY.w = KEY.hi < 0x200000 ? KEY.hi * two32 + KEY.lo : -1;
}

const smallMasks: Record<number, number> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

function smallBits(v: unknown, size: number): number {
  const x = typeof v === 'boolean' ? (v ? 1 : 0) : typeof v === 'bigint' ? Number(BigInt.asUintN(32, v)) : v === null || v === undefined ? 0 : (v as number);
  return size === 4 ? x >>> 0 : x & smallMasks[size]!;
}

const f64 = new Float64Array(1);
const f64w = new Uint32Array(f64.buffer);

/** HASH of a float: its bits, +0 for -0, random for NaN. */
function hashFloat(p: GoProcess, f: number, seed: number): void {
  if (f !== f) {
    hashWord(p.rand.uint32(), p.rand.uint32(), seed);
    return;
  }
  f64[0] = f === 0 ? 0 : f;
  hashWord(f64w[0]!, f64w[1]!, seed);
}

// ── the current key ─────────────────────────────────────────────────────

/** Makes v the key of the next hash and comparisons. */
export function prepareKey(t: GoType, kc: KeyClass, v: unknown): void {
  KEY.v = v;
  switch (kc) {
    case KeyClass.Word:
      wordBits(v, t.kind === Kind.Pointer || t.kind === Kind.UnsafePointer || t.kind === Kind.Chan);
      return;
    case KeyClass.Small:
      KEY.lo = smallBits(v, t.size);
      KEY.hi = 0;
      KEY.w = KEY.lo;
      return;
    case KeyClass.Float: {
      const f = typeof v === 'number' ? v : v === null || v === undefined ? 0 : Number(v);
      KEY.f = t.size === 4 ? Math.fround(f) : f;
      return;
    }
    case KeyClass.String: {
      const s = stringParts(v);
      KEY.sptr = s.ptr;
      KEY.slen = s.len;
      KEY.stext = s.text;
      return;
    }
    case KeyClass.Any:
      if (!comparable(t)) throw new GoPanic(`runtime error: hash of unhashable type ${t.str}`);
  }
}

/** HASH of the current key. */
export function hashKey(p: GoProcess, t: GoType, kc: KeyClass, seed: number): void {
  switch (kc) {
    case KeyClass.Word:
    case KeyClass.Small:
      hashWord(KEY.lo, KEY.hi, seed);
      return;
    case KeyClass.Float:
      hashFloat(p, KEY.f, seed);
      return;
    case KeyClass.String:
      hashString(p, KEY.sptr, KEY.slen, KEY.stext, seed);
      return;
  }
  acc1 = 0x6a09e667;
  acc2 = 0xbb67ae85;
  feedValue(p, t, KEY.v, seed);
  HASH.lo = acc1;
  HASH.hi = acc2;
}

/** HASH of the key of type t stored at a. */
export function hashAt(p: GoProcess, t: GoType, kc: KeyClass, a: number, seed: number): void {
  const mem = p.rt.mem;
  switch (kc) {
    case KeyClass.Word: {
      const w = mem.loadWord(a);
      if (w <= maxExact) {
        const hi = Math.floor(w / two32);
        hashWord(w - hi * two32, hi, seed);
      } else {
        hashWord(mem.loadInt(a, 4, false), mem.loadInt(a + 4, 4, false), seed);
      }
      return;
    }
    case KeyClass.Small:
      hashWord(mem.loadInt(a, t.size as 1 | 2 | 4, false), 0, seed);
      return;
    case KeyClass.Float:
      hashFloat(p, t.size === 4 ? mem.loadFloat32(a) : mem.loadFloat64(a), seed);
      return;
    case KeyClass.String:
      hashString(p, mem.loadWord(a), mem.loadWord(a + 8), null, seed);
      return;
  }
  acc1 = 0x6a09e667;
  acc2 = 0xbb67ae85;
  feedValue(p, t, loadValue(p, a, t), seed);
  HASH.lo = acc1;
  HASH.hi = acc2;
}

/** Whether the key stored at a equals the current key (Go's ==). */
export function keyEqualAt(p: GoProcess, t: GoType, kc: KeyClass, a: number): boolean {
  const mem = p.rt.mem;
  switch (kc) {
    case KeyClass.Word:
      if (KEY.w >= 0) return mem.loadWord(a) === KEY.w;
      return mem.loadInt(a, 4, false) === KEY.lo && mem.loadInt(a + 4, 4, false) === KEY.hi;
    case KeyClass.Small:
      return mem.loadInt(a, t.size as 1 | 2 | 4, false) === KEY.lo;
    case KeyClass.Float:
      return (t.size === 4 ? mem.loadFloat32(a) : mem.loadFloat64(a)) === KEY.f;
    case KeyClass.String:
      return stringsEqual(p, mem.loadWord(a), mem.loadWord(a + 8), null, KEY.sptr, KEY.slen, KEY.stext);
  }
  return valuesEqual(p, t, loadValue(p, a, t), KEY.v);
}

/** k == k for the key stored at a (false only for NaNs). */
export function selfEqualAt(p: GoProcess, t: GoType, kc: KeyClass, a: number): boolean {
  if (kc === KeyClass.Float) {
    const f = t.size === 4 ? p.rt.mem.loadFloat32(a) : p.rt.mem.loadFloat64(a);
    return f === f;
  }
  if (kc !== KeyClass.Any) return true;
  const v = loadValue(p, a, t);
  return valuesEqual(p, t, v, v);
}

// ── composite keys, through JS values ──────────────────────────────────

let acc1 = 0;
let acc2 = 0;

/** Folds the 64-bit word (lo, hi) into the running hash of a composite key. */
function feedWord(lo: number, hi: number, seed: number): void {
  hashWord((lo ^ acc1) >>> 0, (hi ^ acc2) >>> 0, seed);
  acc1 = HASH.lo;
  acc2 = HASH.hi;
}

function numberOf(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  return 0;
}

function feedFloat(p: GoProcess, f: number, seed: number): void {
  if (f !== f) {
    feedWord(p.rand.uint32(), p.rand.uint32(), seed);
    return;
  }
  f64[0] = f === 0 ? 0 : f;
  feedWord(f64w[0]!, f64w[1]!, seed);
}

function feedValue(p: GoProcess, t: GoType, v: unknown, seed: number): void {
  switch (t.kind) {
    case Kind.Float32:
      feedFloat(p, Math.fround(numberOf(v)), seed);
      return;
    case Kind.Float64:
      feedFloat(p, numberOf(v), seed);
      return;
    case Kind.Complex64:
    case Kind.Complex128: {
      const [re, im] = (v as [number, number] | null) ?? [0, 0];
      const r = t.kind === Kind.Complex64 ? Math.fround : (x: number) => x;
      feedFloat(p, r(re), seed);
      feedFloat(p, r(im), seed);
      return;
    }
    case Kind.String: {
      const s = stringParts(v);
      hashString(p, s.ptr, s.len, s.text, seed);
      feedWord(HASH.lo, HASH.hi, seed);
      return;
    }
    case Kind.Interface: {
      if (v === null || v === undefined) {
        feedWord(0, 0, seed);
        return;
      }
      const x = v as Iface;
      if (!comparable(x.type)) throw new GoPanic(`runtime error: hash of unhashable type ${x.type.str}`);
      feedWord(p.rt.types.addrOf(x.type) >>> 0, 1, seed);
      feedValue(p, x.type, x.value, seed);
      return;
    }
    case Kind.Array: {
      const xs = v as readonly unknown[] | null;
      for (let i = 0; i < t.len!; i++) feedValue(p, t.elem!, xs?.[i], seed);
      return;
    }
    case Kind.Struct: {
      const o = v as Record<string, unknown> | null;
      for (const f of t.fields!) if (f.name !== '_') feedValue(p, f.type, o?.[f.name], seed);
      return;
    }
  }
  const kc = keyClassOf(t);
  if (kc === KeyClass.Small) {
    feedWord(smallBits(v, t.size), 0, seed);
    return;
  }
  wordBits(v, t.kind === Kind.Pointer || t.kind === Kind.UnsafePointer || t.kind === Kind.Chan);
  feedWord(KEY.lo, KEY.hi, seed);
}

/** a == b for values of type t, as Go compares them (panics on uncomparable dynamic types). */
export function valuesEqual(p: GoProcess, t: GoType, a: unknown, b: unknown): boolean {
  switch (t.kind) {
    case Kind.Float32:
      return Math.fround(numberOf(a)) === Math.fround(numberOf(b));
    case Kind.Float64:
      return numberOf(a) === numberOf(b);
    case Kind.Complex64:
    case Kind.Complex128: {
      const [ar, ai] = (a as [number, number] | null) ?? [0, 0];
      const [br, bi] = (b as [number, number] | null) ?? [0, 0];
      const r = t.kind === Kind.Complex64 ? Math.fround : (x: number) => x;
      return r(ar) === r(br) && r(ai) === r(bi);
    }
    case Kind.String: {
      const x = stringParts(a);
      const y = stringParts(b);
      return stringsEqual(p, x.ptr, x.len, x.text, y.ptr, y.len, y.text);
    }
    case Kind.Interface: {
      const x = (a ?? null) as Iface | null;
      const y = (b ?? null) as Iface | null;
      if (x === null || y === null) return x === y;
      if (x.type !== y.type) return false;
      if (!comparable(x.type)) throw new GoPanic(`runtime error: comparing uncomparable type ${x.type.str}`);
      return valuesEqual(p, x.type, x.value, y.value);
    }
    case Kind.Array: {
      const xs = a as readonly unknown[] | null;
      const ys = b as readonly unknown[] | null;
      for (let i = 0; i < t.len!; i++) if (!valuesEqual(p, t.elem!, xs?.[i], ys?.[i])) return false;
      return true;
    }
    case Kind.Struct: {
      const x = a as Record<string, unknown> | null;
      const y = b as Record<string, unknown> | null;
      for (const f of t.fields!) if (f.name !== '_' && !valuesEqual(p, f.type, x?.[f.name], y?.[f.name])) return false;
      return true;
    }
  }
  if (keyClassOf(t) === KeyClass.Small) return smallBits(a, t.size) === smallBits(b, t.size);
  const pointer = t.kind === Kind.Pointer || t.kind === Kind.UnsafePointer || t.kind === Kind.Chan;
  wordBits(a, pointer);
  const lo = KEY.lo;
  const hi = KEY.hi;
  wordBits(b, pointer);
  return lo === KEY.lo && hi === KEY.hi;
}
