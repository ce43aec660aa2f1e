// strings.Builder for compiled code (strings/builder.go): a Builder is
// { addr *Builder; buf []byte } (32 bytes). WriteString, WriteByte and
// WriteRune append to buf as append does (growslice: nextslicecap, then the
// size class); Grow(n) makes room once with bytealg.MakeNoZero(2*cap+n)
// (the size class's bytes); String() is the buffer's bytes, shared, with no
// copy. The bytes are written to the model's memory, so String() reads
// them back.

import type { Go } from '../go/api.ts';
import { T } from '../go/types.ts';
import { GoString, Slice } from '../go/values.ts';
import { mallocgc } from '../runtime/malloc.ts';
import { roundupsize } from '../runtime/msize.ts';
import { GoPanic } from '../runtime/panic.ts';
import { growsliceCap } from '../runtime/slice.ts';

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();
const byteSlice = T.slice(T.byte);

/** The field accessors of compiled code ($rt.get / $rt.set): a Builder may be in the frame (a Ref) or on the heap. */
export interface FieldAccess {
  get(x: unknown, k: string): unknown;
  set(x: unknown, k: string, v: unknown): void;
}

export class BuilderRt {
  constructor(
    private readonly go: Go,
    private readonly fields: FieldAccess,
  ) {}

  private buf(b: unknown): Slice | null {
    if (b === null) throw new GoPanic('runtime error: invalid memory address or nil pointer dereference');
    return (this.fields.get(b, 'buf') as Slice | null) ?? null;
  }

  /** append(b.buf, bytes...): a new array (growslice's capacity) when it does not fit, the old bytes copied. */
  private append(b: unknown, bytes: Uint8Array): void {
    const old = this.buf(b);
    const len = old?.len ?? 0;
    const cap = old?.cap ?? 0;
    const rt = this.go.p.rt;
    let s: Slice;
    if (len + bytes.length > cap) {
      const g = growsliceCap(cap, len + bytes.length, T.byte as never);
      const ptr = mallocgc(rt, g.memBytes, null, false);
      if (len > 0) rt.mem.writeBytes(ptr, rt.mem.readBytes(old!.ptr, len));
      s = new Slice(byteSlice, ptr, len + bytes.length, g.newcap);
    } else s = new Slice(byteSlice, old!.ptr, len + bytes.length, cap);
    if (bytes.length > 0) rt.mem.writeBytes(s.ptr + len, bytes);
    this.fields.set(b, 'buf', s);
  }

  WriteString(b: unknown, s: GoString): [number, null] {
    this.append(b, utf8.encode(s.text));
    return [s.len, null];
  }

  WriteByte(b: unknown, c: number): null {
    this.append(b, Uint8Array.of(c & 0xff));
    return null;
  }

  WriteRune(b: unknown, r: number): [number, null] {
    const n = Number(r);
    const bytes = utf8.encode(n >= 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff) ? String.fromCodePoint(n) : '\ufffd');
    this.append(b, bytes);
    return [bytes.length, null];
  }

  /** Grow(n): room for n more bytes, in one new array of 2*cap+n (rounded to its size class) when there is not. */
  Grow(b: unknown, n: number): void {
    if (n < 0) throw new GoPanic('strings.Builder.Grow: negative count');
    const old = this.buf(b);
    const len = old?.len ?? 0;
    const cap = old?.cap ?? 0;
    if (cap - len >= n) return;
    const rt = this.go.p.rt;
    const size = roundupsize(2 * cap + n, true);
    const ptr = mallocgc(rt, size, null, false);
    if (len > 0) rt.mem.writeBytes(ptr, rt.mem.readBytes(old!.ptr, len));
    this.fields.set(b, 'buf', new Slice(byteSlice, ptr, len, size));
  }

  /** String(): the buffer's bytes as a string, shared (no copy). */
  String(b: unknown): GoString {
    const s = this.buf(b);
    if (s === null || s.len === 0) return this.go.p.emptyString;
    const mem = this.go.p.rt.mem;
    mem.noteRead(s.ptr, s.len);
    return new GoString(utf8d.decode(mem.readBytes(s.ptr, s.len)), s.ptr, s.len);
  }

  Len(b: unknown): number {
    return this.buf(b)?.len ?? 0;
  }

  Cap(b: unknown): number {
    return this.buf(b)?.cap ?? 0;
  }

  Reset(b: unknown): void {
    this.fields.set(b, 'addr', null);
    this.fields.set(b, 'buf', null);
  }
}
