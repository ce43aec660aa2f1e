// Reads a Go heap profile (the pprof protobuf that runtime/pprof's
// WriteHeapProfile and /debug/pprof/heap write, gzipped or not) into the
// figures the heap-profile importer uses: per sample the object size (the
// "bytes" label), the four values and the functions on its stack. The
// protobuf is decoded by pprof-format. The legacy text format
// (`heap profile: …`, debug=1) is refused with a line that says so.
//
// What the values mean (runtime/pprof/protomem.go, runtime/mprof.go):
// alloc_objects/alloc_space count every allocation since the process
// started, inuse_objects/inuse_space the objects not yet freed; both as of
// the most recently completed GC cycle, not the moment of writing (the
// runtime publishes a cycle's counts only once its sweep has accounted for
// its frees). They are already scaled up for sampling (scaleHeapSample
// divides each by the chance 1-exp(-size/rate) that an object of that size
// was sampled), so they estimate whole counts, and `bytes` is the size
// class's object size (mallocgc profiles the rounded size).

import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';

/** A file that is not a heap profile: one line naming it and what was wrong. */
export class PprofError extends Error {}

export interface HeapSample {
  /** The object size (the "bytes" label; alloc_space / alloc_objects without it), bytes; 0 when the sample has no objects. */
  readonly size: number;
  readonly allocObjects: number;
  readonly allocBytes: number;
  readonly inuseObjects: number;
  readonly inuseBytes: number;
  /** Function names from the allocating frame outwards (runtime frames above the caller are hidden by the writer). */
  readonly funcs: readonly string[];
}

export interface HeapProfile {
  readonly file: string;
  /** When it was written (Profile.time_nanos, ns since the Unix epoch); 0 when the file has none. */
  readonly timeNanos: number;
  /** The sampling rate it was written at (runtime.MemProfileRate), bytes; 0 when the file has none. */
  readonly period: number;
  readonly samples: readonly HeapSample[];
}

const required = ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'] as const;

const num = (v: number | bigint): number => (typeof v === 'bigint' ? Number(v) : v);

/** A heap profile from a file's bytes; `file` names it in errors. */
export function parseHeapProfile(data: Uint8Array, file: string): HeapProfile {
  let raw = data;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw);
    } catch (e) {
      throw new PprofError(`${file}: gzip data that cannot be decompressed (${(e as Error).message})`);
    }
  }
  const head = Buffer.from(raw.subarray(0, 64)).toString('latin1');
  if (head.startsWith('heap profile:')) {
    throw new PprofError(`${file}: a legacy text heap profile (debug=1); give the protobuf one (pprof.WriteHeapProfile, or /debug/pprof/heap without ?debug=1)`);
  }
  if (raw.length === 0) throw new PprofError(`${file}: empty file, not a heap profile`);
  let p: Profile;
  try {
    p = Profile.decode(raw);
  } catch (e) {
    throw new PprofError(`${file}: not a pprof protobuf profile (${(e as Error).message})`);
  }
  const str = (i: number | bigint): string => p.stringTable.strings[num(i)] ?? '';
  const types = p.sampleType.map((t) => str(t.type));
  const index = required.map((t) => types.indexOf(t));
  const missing = required.filter((_, i) => index[i]! < 0);
  if (missing.length > 0) {
    throw new PprofError(`${file}: not a heap profile: its sample types are [${types.join(', ') || 'none'}], a heap profile has ${required.join(', ')}`);
  }
  const funcName = new Map<number, string>();
  for (const f of p.function) funcName.set(num(f.id), str(f.name));
  const locFuncs = new Map<number, string[]>();
  for (const l of p.location) {
    // A location's lines run from the innermost inlined function outwards.
    locFuncs.set(num(l.id), l.line.map((ln) => funcName.get(num(ln.functionId)) ?? '?'));
  }
  const bytesKey = p.stringTable.strings.indexOf('bytes');
  const samples = p.sample.map((s, si): HeapSample => {
    const v = (k: number): number => {
      const x = s.value[index[k]!];
      if (x === undefined) throw new PprofError(`${file}: sample ${si} has ${s.value.length} values, the profile's types ${types.length}`);
      return num(x);
    };
    const allocObjects = v(0);
    const allocBytes = v(1);
    const inuseObjects = v(2);
    const inuseBytes = v(3);
    const label = bytesKey < 0 ? undefined : s.label.find((l) => num(l.key) === bytesKey);
    let size = label !== undefined ? num(label.num) : 0;
    if (size <= 0) size = allocObjects > 0 ? allocBytes / allocObjects : inuseObjects > 0 ? inuseBytes / inuseObjects : 0;
    if (![allocObjects, allocBytes, inuseObjects, inuseBytes, size].every((x) => Number.isFinite(x) && x >= 0)) {
      throw new PprofError(`${file}: sample ${si} has a negative or non-finite value`);
    }
    const funcs = s.locationId.flatMap((id) => locFuncs.get(num(id)) ?? []);
    return { size: Math.round(size), allocObjects, allocBytes, inuseObjects, inuseBytes, funcs };
  });
  return { file, timeNanos: num(p.timeNanos), period: num(p.period), samples };
}
