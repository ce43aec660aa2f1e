// runtime/pprof's heap profile (pprof.go writeHeapInternal, protomem.go
// writeHeapProto): the runtime's memory-profile records as a gzipped
// profile.proto that `go tool pprof` reads — sample types alloc_objects,
// alloc_space, inuse_objects and inuse_space, period MemProfileRate, each
// record's counts scaled up by the probability that an allocation of its
// average size was sampled, and a "bytes" label with the block size.
// Encoded by pprof-format; gomem keeps no PCs, so each location is one
// function and line (Go's locations also carry addresses and a mapping).

import { gzipSync } from 'node:zlib';
import { Function as PFunction, Label, Location, Mapping, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { MemProfileRecord, ProfFrame } from '../../runtime/mprof.ts';

/** scaleHeapSample: undo the sampling, assuming allocations of the record's average size. */
export function scaleHeapSample(count: number, size: number, rate: number): [number, number] {
  if (count === 0 || size === 0) return [0, 0];
  if (rate <= 1) return [count, size];
  const avgSize = size / count;
  const scale = 1 / (1 - Math.exp(-avgSize / rate));
  return [Math.trunc(count * scale), Math.trunc(size * scale)];
}

export interface HeapProfileOptions {
  /** MemProfileRate when the profile is written. */
  rate: number;
  /** Wall-clock time of the profile (the virtual clock as Unix nanoseconds). */
  timeNanos: bigint;
  /** The executable's text mapping (the profile's main binary, its functions already named). */
  binary?: { path: string; start: number; limit: number; offset: number };
}

/** writeHeapProto: the records as a profile, gzipped as Go writes it. */
export function writeHeapProto(records: readonly MemProfileRecord[], o: HeapProfileOptions): Uint8Array {
  const strings = new StringTable();
  const vt = (type: string, unit: string): ValueType => new ValueType({ type: strings.dedup(type), unit: strings.dedup(unit) });
  const functions = new Map<string, PFunction>();
  const b = o.binary;
  const mapping =
    b === undefined
      ? []
      : [new Mapping({ id: 1, memoryStart: b.start, memoryLimit: b.limit, fileOffset: b.offset, filename: strings.dedup(b.path), hasFunctions: true, hasFilenames: true, hasLineNumbers: true })];
  const locations = new Map<string, Location>();
  const functionOf = (f: ProfFrame): PFunction => {
    let fn = functions.get(`${f.fn}\u0000${f.file}`);
    if (fn === undefined) {
      fn = new PFunction({ id: functions.size + 1, name: strings.dedup(f.fn), systemName: strings.dedup(f.fn), filename: strings.dedup(f.file) });
      functions.set(`${f.fn}\u0000${f.file}`, fn);
    }
    return fn;
  };
  /** One location per PC: a frame with the calls inlined into it, innermost first (pprof's "(inline)"). */
  const locationOf = (frames: readonly ProfFrame[]): Location => {
    const key = frames.map((f) => `${f.fn}\u0000${f.file}\u0000${f.line}`).join('\u0001');
    let loc = locations.get(key);
    if (loc === undefined) {
      loc = new Location({ id: locations.size + 1, mappingId: mapping.length, line: frames.map((f) => ({ functionId: functionOf(f).id, line: f.line })) });
      locations.set(key, loc);
    }
    return loc;
  };
  const locationIds = (stack: readonly ProfFrame[]): number[] => {
    const ids: number[] = [];
    let pending: ProfFrame[] = [];
    for (const f of stack) {
      pending.push(f);
      if (f.inline === true) continue;
      ids.push(Number(locationOf(pending).id));
      pending = [];
    }
    if (pending.length > 0) ids.push(Number(locationOf(pending).id));
    return ids;
  };
  const samples: Sample[] = [];
  const bytesKey = strings.dedup('bytes');
  for (const r of records) {
    // The stacks hold no runtime frames above the program's (the allocation's entry point is never recorded).
    const locs = locationIds(r.stack);
    const [ao, as] = scaleHeapSample(r.allocObjects, r.allocBytes, o.rate);
    const [io, is] = scaleHeapSample(r.allocObjects - r.freeObjects, r.allocBytes - r.freeBytes, o.rate);
    const blockSize = r.allocObjects > 0 ? Math.trunc(r.allocBytes / r.allocObjects) : 0;
    samples.push(
      new Sample({
        locationId: locs,
        value: [ao, as, io, is],
        label: blockSize !== 0 ? [new Label({ key: bytesKey, num: blockSize })] : [],
      }),
    );
  }
  const profile = new Profile({
    sampleType: [vt('alloc_objects', 'count'), vt('alloc_space', 'bytes'), vt('inuse_objects', 'count'), vt('inuse_space', 'bytes')],
    periodType: vt('space', 'bytes'),
    period: o.rate,
    sample: samples,
    mapping,
    location: [...locations.values()],
    function: [...functions.values()],
    timeNanos: o.timeNanos,
    stringTable: strings,
  });
  return gzipSync(profile.encode());
}
