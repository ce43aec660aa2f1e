// Test-only: running code inside a simulated process, recording what maps
// allocate, and reading maps and channels back out of simulated memory
// (hmap → buckets → overflow chains, hchan → buffer) the way a collector
// would, to check what they hold.

import type { Go } from '../../../src/go/api.ts';
import type { Alloc } from '../../../src/go/alloc.ts';
import { hchanType } from '../../../src/go/chan_layout.ts';
import type { Chan } from '../../../src/go/chan.ts';
import { type GoMap, observeMaps } from '../../../src/go/map.ts';
import { hmapType, mapLayout } from '../../../src/go/map_layout.ts';
import { GoProcess } from '../../../src/go/process.ts';
import { defineProgram } from '../../../src/go/program.ts';
import { type GoType, Kind } from '../../../src/go/types.ts';
import { GoString } from '../../../src/go/values.ts';
import { mallocgc } from '../../../src/runtime/malloc.ts';
import { forEachPointerWord } from '../../../src/runtime/mbarrier.ts';
import type { GoroutineBody, YieldValue } from '../../../src/runtime/runtime2.ts';

/**
 * GOGC=off: tests hold maps, keys and values in JS variables, which are not
 * roots (a collector would free them); the recorded Go runs the figures
 * come from ran with the GC off too.
 */
const env = { GOGC: 'off' };

/** Runs body as main.main of a fresh process with the given seed; returns its result (errors thrown inside are rethrown). */
export function inProcess<R>(body: (go: Go, p: GoProcess) => R, seed = 1): R {
  let out: R | undefined;
  let err: unknown = null;
  const p = new GoProcess(
    defineProgram({
      name: 'test',
      description: 'test',
      *main(go) {
        try {
          out = body(go, go.p);
        } catch (e) {
          err = e;
        }
      },
    }),
    { seed, env, stdout: () => {}, stderr: () => {} },
  );
  const r = p.run();
  if (err !== null) throw err;
  if (r.status !== 0) throw new Error(`process ended with ${r.outcome} (${r.status})`);
  return out as R;
}

/** Like inProcess, for a main that blocks (goroutines, channels). */
export function inProcessGen<R>(body: (go: Go, p: GoProcess) => Generator<YieldValue, R, unknown>, seed = 1): R {
  let out: R | undefined;
  let err: unknown = null;
  const p = new GoProcess(
    defineProgram({
      name: 'test',
      description: 'test',
      *main(go): GoroutineBody {
        try {
          out = yield* body(go, go.p);
        } catch (e) {
          err = e;
        }
      },
    }),
    { seed, env, stdout: () => {}, stderr: () => {} },
  );
  const r = p.run();
  if (err !== null) throw err;
  if (r.status !== 0) throw new Error(`process ended with ${r.outcome} (${r.status})`);
  return out as R;
}

/** The allocations maps make while fn runs, in order, as mallocgc arguments. */
export function mapAllocs(p: GoProcess, fn: () => void): Alloc[] {
  const out: Alloc[] = [];
  observeMaps(p, { alloc: (a) => out.push(a) });
  try {
    fn();
  } finally {
    observeMaps(p, null);
  }
  return out;
}

/** Counts hashGrow calls while fn runs. */
export function mapGrows(p: GoProcess, fn: () => void): { grows: number; sameSize: number; allocs: Alloc[] } {
  const r = { grows: 0, sameSize: 0, allocs: [] as Alloc[] };
  observeMaps(p, {
    alloc: (a) => r.allocs.push(a),
    grow: (same) => {
      r.grows++;
      if (same) r.sameSize++;
    },
  });
  try {
    fn();
  } finally {
    observeMaps(p, null);
  }
  return r;
}

const utf8 = new TextEncoder();

/** A heap string with the given text (as strconv.Itoa or a []byte conversion would leave it). */
export function heapString(p: GoProcess, text: string): GoString {
  const b = utf8.encode(text);
  const ptr = mallocgc(p.rt, b.length, null, false);
  p.rt.mem.writeBytes(ptr, b);
  return new GoString(text, ptr, b.length);
}

export interface Hmap {
  count: number;
  flags: number;
  B: number;
  noverflow: number;
  hash0: number;
  buckets: number;
  oldbuckets: number;
  nevacuate: number;
  extra: number;
}

/** The hmap's fields, read from memory. */
export function hmapOf(p: GoProcess, m: GoMap): Hmap {
  const mem = p.rt.mem;
  const off = (n: string) => hmapType.fields!.find((f) => f.name === n)!.offset;
  return {
    count: mem.loadInt64(m.addr + off('count')),
    flags: mem.loadInt(m.addr + off('flags'), 1, false),
    B: mem.loadInt(m.addr + off('B'), 1, false),
    noverflow: mem.loadInt(m.addr + off('noverflow'), 2, false),
    hash0: mem.loadInt(m.addr + off('hash0'), 4, false),
    buckets: mem.loadWord(m.addr + off('buckets')),
    oldbuckets: mem.loadWord(m.addr + off('oldbuckets')),
    nevacuate: mem.loadWord(m.addr + off('nevacuate')),
    extra: mem.loadWord(m.addr + off('extra')),
  };
}

/** Every pointer word of a value of type t at a (nested indirections not followed). */
function pointerWords(p: GoProcess, t: GoType, a: number, out: number[]): void {
  if (!t.pointers) return;
  forEachPointerWord(t, t.size, (o) => {
    const x = p.rt.mem.loadWord(a + o);
    if (x !== 0) out.push(x);
  });
}

/**
 * The non-zero pointer words a collector would find in the map's key and
 * elem slots (following indirect keys and elems into their objects), in
 * every bucket reachable from the hmap: the 2^B buckets and their overflow
 * chains, and while growing the old buckets and theirs. Slots are read
 * whatever their tophash says, so stale pointers in emptied or evacuated
 * slots count. Sorted.
 */
export function mapPointers(p: GoProcess, m: GoMap): number[] {
  const mem = p.rt.mem;
  const l = mapLayout(m.type);
  const off = (n: string) => l.bucket.fields!.find((f) => f.name === n)!.offset;
  const keysOff = off('keys');
  const elemsOff = off('elems');
  const ovfOff = off('overflow');
  const h = hmapOf(p, m);
  const out: number[] = [];
  const walk = (arr: number, n: number) => {
    for (let i = 0; i < n; i++) {
      for (let b = arr + i * l.bucketSize; b !== 0; b = mem.loadWord(b + ovfOff)) {
        for (let j = 0; j < 8; j++) {
          const k = b + keysOff + j * l.keySize;
          if (l.indirectKey) {
            const x = mem.loadWord(k);
            if (x !== 0) pointerWords(p, l.key, x, out);
          } else pointerWords(p, l.key, k, out);
          const e = b + elemsOff + j * l.valueSize;
          if (l.indirectElem) {
            const x = mem.loadWord(e);
            if (x !== 0) pointerWords(p, l.elem, x, out);
          } else pointerWords(p, l.elem, e, out);
        }
      }
    }
  };
  if (h.buckets !== 0) walk(h.buckets, 2 ** h.B);
  if (h.oldbuckets !== 0) walk(h.oldbuckets, 2 ** ((h.flags & 8) !== 0 ? h.B : h.B - 1));
  return out.sort((a, b) => a - b);
}

/** The number of overflow buckets chained from the map's current buckets. */
export function overflowBuckets(p: GoProcess, m: GoMap): number {
  const mem = p.rt.mem;
  const l = mapLayout(m.type);
  const ovfOff = l.bucket.fields!.find((f) => f.name === 'overflow')!.offset;
  const h = hmapOf(p, m);
  let n = 0;
  for (let i = 0; i < 2 ** h.B; i++) for (let b = mem.loadWord(h.buckets + i * l.bucketSize + ovfOff); b !== 0; b = mem.loadWord(b + ovfOff)) n++;
  return n;
}

/** The non-zero pointer words in every slot of the channel's buffer, read from memory. Sorted. */
export function chanPointers(p: GoProcess, c: Chan): number[] {
  const mem = p.rt.mem;
  const off = (n: string) => hchanType.fields!.find((f) => f.name === n)!.offset;
  const buf = mem.loadWord(c.addr + off('buf'));
  const n = mem.loadWord(c.addr + off('dataqsiz'));
  const elem = c.type.elem!;
  const out: number[] = [];
  for (let i = 0; i < n; i++) pointerWords(p, elem, buf + i * elem.size, out);
  return out.sort((a, b) => a - b);
}

/** The hchan's fields, read from memory. */
export function hchanOf(p: GoProcess, c: Chan): Record<string, number> {
  const mem = p.rt.mem;
  const r: Record<string, number> = {};
  for (const f of hchanType.fields!) {
    if (f.type.size === 8) r[f.name] = mem.loadWord(c.addr + f.offset);
    else if (f.type.size === 2 || f.type.size === 4) r[f.name] = mem.loadInt(c.addr + f.offset, f.type.size, false);
  }
  return r;
}

/** Key i of a test map: the integer i, or a heap string made beforehand (as a Go benchmark's strconv.Itoa keys). */
function makeKeys(p: GoProcess, keyType: GoType, n: number): unknown[] {
  const keys: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) keys[i] = keyType.kind === Kind.String ? heapString(p, `key-${i}`) : i;
  return keys;
}

/**
 * make(mapType, hint) and n insertions of distinct keys, `trials` times,
 * each map with its own hash0: returns each map's allocations. Maps share
 * one process (as the recorded Go runs did) unless a process per trial is
 * asked for (to bound host memory for big maps); seeds are seed, seed+1, …
 */
export function insertTrials(
  mapType: GoType,
  n: number,
  trials: number,
  opts: { seed?: number; hint?: number; processPerTrial?: boolean } = {},
): Alloc[][] {
  const seed = opts.seed ?? 1;
  const out: Alloc[][] = [];
  const run = (p: GoProcess, go: Go, keys: unknown[]) => {
    const numeric = mapType.elem!.kind <= Kind.Float64;
    out.push(
      mapAllocs(p, () => {
        const m = go.makeMap(mapType, opts.hint ?? 0);
        for (let i = 0; i < n; i++) m.set(keys[i], numeric ? i : null);
      }),
    );
  };
  if (opts.processPerTrial) {
    for (let t = 0; t < trials; t++) inProcess((go, p) => run(p, go, makeKeys(p, mapType.key!, n)), seed + t);
  } else {
    inProcess((go, p) => {
      const keys = makeKeys(p, mapType.key!, n);
      for (let t = 0; t < trials; t++) run(p, go, keys);
    }, seed);
  }
  return out;
}

/** insertTrials with a process per trial, giving the event loop a turn between trials (long runs stay responsive to the test runner). */
export async function insertTrialsAsync(mapType: GoType, n: number, trials: number, opts: { seed?: number; hint?: number } = {}): Promise<Alloc[][]> {
  const out: Alloc[][] = [];
  for (let t = 0; t < trials; t++) {
    out.push(...insertTrials(mapType, n, 1, { ...opts, seed: (opts.seed ?? 1) + t, processPerTrial: true }));
    await new Promise((r) => setImmediate(r));
  }
  return out;
}
