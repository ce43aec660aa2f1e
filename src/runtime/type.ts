// What the runtime knows of a Go type (abi.Type, as malloc and the GC use
// it): its size, how many leading bytes may hold pointers, and the pointer
// bitmap over those bytes. The Go-program layer's GoType (src/go/types.ts)
// satisfies this interface; the runtime never looks beyond it.

export interface RType {
  /** unsafe.Sizeof. */
  readonly size: number;
  /** Bytes of the prefix that may contain pointers (abi.Type.PtrBytes); 0 for pointer-free types. */
  readonly ptrdata: number;
  /**
   * Pointer mask (GCData): bit (i & 7) of byte (i >> 3) set when word i
   * holds a pointer; covers ptrdata/8 words. Null when the compiler emitted
   * a GC program instead (ptrdata > 128 KiB).
   */
  readonly gcdata: Uint8Array | null;
  /** abi.KindGCProg. */
  readonly gcprog: boolean;
  /** For GC-program types (gcdata null): whether word w holds a pointer (the unrolled program). */
  readonly isPointerWord?: (w: number) => boolean;
  /** The type as Go prints it (`[]int64`, `*main.T`). */
  readonly str: string;
}

/**
 * The first ≤64 words of the pointer mask as two uint32 halves
 * (readUintptr(typ.GCData) in mbitmap.go: types ≤ 512 bytes fit in one word).
 */
export function typeMaskWords(t: RType): [number, number] {
  let lo = 0;
  let hi = 0;
  const g = t.gcdata;
  if (g === null) return [0, 0];
  for (let i = 0; i < Math.min(g.length, 8); i++) {
    if (i < 4) lo |= g[i]! << (8 * i);
    else hi |= g[i]! << (8 * (i - 4));
  }
  return [lo >>> 0, hi >>> 0];
}

/**
 * Type descriptors as the collector and interfaces see them: each type a
 * program uses gets an address in the binary's read-only data (where the
 * compiler puts its *_type), so that a malloc header or an interface's type
 * word is a plain word in memory and the type comes back from it. One entry
 * per type, never per object.
 */
export class TypeTable {
  /** Address of the first descriptor; set from the binary's rodata. */
  base = 0;
  /** Bytes between descriptors (abi.Type is 48 bytes; 64 keeps them aligned). */
  static readonly stride = 64;
  private readonly byIndex: RType[] = [];
  private readonly index = new WeakMap<RType, number>();

  /** The descriptor address of t, assigned on first use. */
  addrOf(t: RType): number {
    let i = this.index.get(t);
    if (i === undefined) {
      i = this.byIndex.length;
      this.byIndex.push(t);
      this.index.set(t, i);
    }
    return this.base + i * TypeTable.stride;
  }

  /** The type whose descriptor is at a, or null. */
  at(a: number): RType | null {
    const off = a - this.base;
    if (off < 0 || off % TypeTable.stride !== 0) return null;
    return this.byIndex[off / TypeTable.stride] ?? null;
  }
}
