// A workload model (workload.ts) run as a gomem program: the service the
// model describes, written against the Go API as a Go developer would write
// a load generator inside the service. In Go it would read:
//
//   var dir []*[511]unsafe.Pointer              // the long-lived set (a cache, an index), in chunks
//   func (c *conn) serve() {                    // one goroutine per connection, as net/http
//     for { r := c.next()                       // Poisson arrivals at the phase's request rate
//           req := make([]unsafe.Pointer, n)    // the request's objects, from the size mix
//           for i := range req { req[i] = new(objK) ; work(cpu/k) }
//           keepLiveSetAt(target(now)); replaceSome(turnover) }
//   }
//   main: start the connections and the idle goroutines, sleep until the end
//
// Everything random (arrivals, which long-lived objects a cache replaces)
// comes from streams seeded by --seed, so a run is deterministic. Request-
// scoped objects die when their request ends; the long-lived set follows the
// phases' live sizes (its objects in size-class bytes, as the marked heap
// counts them, and its table's chunks) and its turnover. What is allocated
// is written, as a service fills what it allocates. The requests of a phase allocate the phase's rate in
// all, the long-lived set's allocation included.

import type { Go } from '../go/api.ts';
import type { Chan } from '../go/chan.ts';
import { defineProgram, type Program } from '../go/program.ts';
import { T, type GoType } from '../go/types.ts';
import { shortDuration } from '../go/units.ts';
import { type Ptr, Slice } from '../go/values.ts';
import { class_to_size } from '../runtime/sizeclasses.ts';
import { sizeToClass } from '../runtime/msize.ts';
import { Rand } from '../sim/rand.ts';
import { type ObjectKind, type Workload, workloadDurationNs } from './workload.ts';
import { Timeline } from './workload_timeline.ts';

/** A request does its CPU work in this many pieces, with its allocations spread between them (so assists and preemption fall inside requests, as in a service). */
const cpuPieces = 4;

/** Pointerful objects over 512 bytes carry an 8-byte malloc header (Go 1.22+): their slot is the class of size + 8. */
const mallocHeaderMin = 512;
const maxSmallSize = 32768;
const pageSize = 8192;

/** The bytes an object of this kind takes in its span: its size class (with the header Go adds to large pointerful objects). */
export function slotBytes(k: ObjectKind): number {
  const header = k.pointers && k.size > mallocHeaderMin ? 8 : 0;
  // Large objects (over 32 KiB with the header) get a span of whole pages and no header: Go 1.22+ keeps their type in the span.
  if (k.size + header > maxSmallSize) return Math.ceil(k.size / pageSize) * pageSize;
  return class_to_size[sizeToClass(k.size + header)]!;
}

/** The Go type of an object kind: noscan bytes, or a struct whose first half of words are pointers. */
function kindType(k: ObjectKind, i: number): GoType {
  const t = T.declare(`main.obj${i}`);
  if (!k.pointers) {
    T.define(t, T.struct([['b', T.array(T.byte, k.size)]]));
    return t;
  }
  const words = Math.floor(k.size / 8);
  const ptrs = Math.ceil(words / 2);
  const rest = k.size - ptrs * 8;
  T.define(t, T.struct(rest > 0 ? [['p', T.array(T.unsafePointer, ptrs)], ['b', T.array(T.byte, rest)]] : [['p', T.array(T.unsafePointer, ptrs)]]));
  return t;
}

/**
 * The objects elems[from:from+n] point to, written whole: a service fills
 * what it allocates (a request's buffers, a cache entry's fields), so their
 * pages are resident, as real Go's are once written. No bytes are stored
 * (nothing reads them back) and no time is charged: cpuPerRequest is the
 * request's CPU besides allocating, its writes included. Objects side by
 * side in a span are touched as one range.
 */
function writeObjects(go: Go, elemsAddr: number, from: number, n: number, size: number): void {
  const rt = go.p.rt;
  let lo = 0;
  let hi = 0;
  for (let i = from; i < from + n; i++) {
    const a = rt.mem.loadWord(elemsAddr + i * 8);
    if (a === hi) {
      hi = a + size;
      continue;
    }
    if (hi > lo) rt.sys.touch(lo, hi - lo);
    lo = a;
    hi = a + size;
  }
  if (hi > lo) rt.sys.touch(lo, hi - lo);
}

/**
 * The long-lived set's table: chunks of 511 pointers ([511]unsafe.Pointer,
 * 4088 bytes: with its malloc header, the 4096-byte class), made as the set
 * grows and held by a directory slice. Its bytes count in the set's live
 * size, as a map's buckets count in a cache's marked heap.
 */
const chunkSlots = 511;
const chunkBytes = 4096;

/** The state every connection shares: the long-lived set and its bookkeeping. */
class LiveSet {
  /** Bytes (slot sizes) of the objects in the set. */
  bytes = 0;
  /** Bytes of the table's chunks. */
  tableBytes = 0;
  /** The table's chunks, in the directory's order (a handful of pointers: one per 511 objects). */
  chunks: Ptr[] = [];
  /** Kind of each element, to know what a removal frees. */
  kinds: number[] = [];
  /** Turnover owed, in bytes, since the last request that paid it. */
  turnoverDebt = 0;
  lastTurnover: number;
  /** Per kind, the fraction of an object owed to the set (growth is made in whole objects, by the mix's shares). */
  readonly carry: number[];

  constructor(kinds: number, t0: number) {
    this.carry = new Array<number>(kinds).fill(0);
    this.lastTurnover = t0;
  }
}

/** The program that runs workload `w`. */
export function workloadProgram(w: Workload): Program {
  const total = workloadDurationNs(w);
  // The program's types, made once: a sweep runs it many times in one process.
  const types = w.objects.map(kindType);
  return defineProgram({
    name: w.name,
    description: w.description,
    options: {
      duration: { default: shortDuration(total), kind: 'duration', help: "how long the service runs (virtual time); past the phases' end the last phase goes on" },
      every: { default: '0s', kind: 'duration', help: 'a checkpoint every so often (0s: one at the end of each phase only)' },
    },
    // The program ends itself at its duration; --max-time still stops it sooner.
    maxTimeNs: Number.MAX_SAFE_INTEGER,
    *main(go) {
      const durationNs = go.time.ParseDuration(go.option('duration'));
      const everyNs = go.time.ParseDuration(go.option('every'));
      const slots = w.objects.map(slotBytes);
      const shares = w.objects.map((k) => k.share);
      const anyPtr = T.slice(T.unsafePointer);
      const g = go.globals(w.globals >= 8 ? { dir: anyPtr, data: T.array(T.unsafePointer, Math.floor(w.globals / 8)) } : { dir: anyPtr });
      const chunkT = T.array(T.unsafePointer, chunkSlots);
      // The directory is made once, with room for the chunks of the largest live size the phases name.
      const meanSlot = 1 / w.objects.reduce((a, k, i) => a + k.share / slots[i]!, 0);
      const maxLive = Math.max(...w.phases.map((p) => Math.max(p.liveStart, p.liveEnd)));
      if (maxLive > 0) g.dir = go.make(anyPtr, 0, Math.ceil(maxLive / meanSlot / chunkSlots) + 1);
      const t0 = go.time.Now();
      const line = new Timeline(w.phases, t0, durationNs);
      const set = new LiveSet(slots.length, t0);
      const setRand = new Rand(go.p.seed, 0x6c697665);
      const mu = go.sync.Mutex();

      // The long-lived set: grow or shrink it to its target (objects and table), then replace what the turnover owes.
      const place = (i: number): [Ptr, number] => [set.chunks[Math.floor(i / chunkSlots)]!, i % chunkSlots];
      const keepLiveSet = (at: number): void => {
        // Ps run in turn, each in its own time: a request on a lagging P must not take the set back to an earlier target.
        const now = Math.max(at, set.lastTurnover);
        const target = line.liveAt(now);
        if (set.bytes + set.tableBytes < target) {
          // append per kind, the objects made in a row (allocN: the bulk path) into the table's chunks.
          const need = target - set.bytes - set.tableBytes;
          for (let k = 0; k < types.length; k++) {
            set.carry[k]! += (need * shares[k]!) / slots[k]!;
            let n = Math.floor(set.carry[k]!);
            set.carry[k]! -= n;
            while (n > 0) {
              const i = set.kinds.length;
              if (i % chunkSlots === 0) {
                const ch = go.new(chunkT);
                g.dir = go.append(g.dir as Slice, ch);
                set.chunks.push(ch);
                set.tableBytes += chunkBytes;
              }
              const [ch, slot] = place(i);
              const m = Math.min(n, chunkSlots - slot);
              go.allocN(types[k]!, m, ch, slot);
              writeObjects(go, ch.addr, slot, m, w.objects[k]!.size);
              for (let j = 0; j < m; j++) set.kinds.push(k);
              set.bytes += m * slots[k]!;
              n -= m;
            }
          }
        }
        // Shrinking waits for a chunk's worth over the target: growth overshoots by up to the chunk it
        // last made, and trimming that back each time would churn objects the next request remakes.
        while (set.kinds.length > 0 && set.bytes + set.tableBytes - slots[set.kinds[set.kinds.length - 1]!]! >= target + chunkBytes) {
          const i = set.kinds.length - 1;
          const [ch, slot] = place(i);
          go.set(ch, slot, null);
          set.bytes -= slots[set.kinds.pop()!]!;
          if (slot === 0) {
            // The chunk is empty: the directory lets it go.
            const dir = g.dir as Slice;
            go.set(dir, dir.len - 1, null);
            g.dir = dir.slice(0, dir.len - 1);
            set.chunks.pop();
            set.tableBytes -= chunkBytes;
          }
        }
        const p = w.phases[line.index(now)]!;
        set.turnoverDebt += (p.turnover * (now - set.lastTurnover)) / 1e9;
        set.lastTurnover = now;
        while (set.kinds.length > 0) {
          const j = setRand.intn(set.kinds.length);
          const k = set.kinds[j]!;
          if (set.turnoverDebt < slots[k]!) break;
          set.turnoverDebt -= slots[k]!;
          const [ch, slot] = place(j);
          go.set(ch, slot, go.new(types[k]!));
          writeObjects(go, ch.addr, slot, 1, w.objects[k]!.size);
        }
      };

      // One connection: requests in turn, each at its arrival time or as soon as the last one is done.
      const connection = (c: number) =>
        function* (): Generator<never, void, unknown> {
          const rand = new Rand(go.p.seed, 0x636f6e6e + c);
          const carry = w.objects.map(() => 0);
          let arrival = go.time.Now();
          for (;;) {
            const p = w.phases[line.index(arrival)]!;
            // Exponential gaps: each connection sees 1/connections of a Poisson stream.
            arrival += (-Math.log(1 - rand.float()) * 1e9 * w.connections) / p.requestRate;
            if (arrival >= line.end) return;
            const now = go.time.Now();
            if (now < arrival) yield* go.time.Sleep(arrival - now) as Generator<never, void, unknown>;
            yield* serve(go, carry, arrival);
          }
        };

      // One request: its objects in a slice held by its frame, its CPU in pieces between them.
      const serve = function* (go: Go, carry: number[], at: number): Generator<never, void, unknown> {
        const p = w.phases[line.index(at)]!;
        const shortRate = Math.max(0, p.allocRate - line.retainedRate(at));
        const bytes = shortRate / p.requestRate;
        const counts = w.objects.map((_, k) => {
          // Each object also costs its 8-byte slot in the request's slice.
          carry[k]! += (bytes * shares[k]!) / (slots[k]! + 8);
          const n = Math.floor(carry[k]!);
          carry[k]! -= n;
          return n;
        });
        const n = counts.reduce((a, b) => a + b, 0);
        const f = go.enter('main.(*conn).serve', { req: anyPtr }, w.requestStack);
        f.req = n > 0 ? go.make(anyPtr, n) : null;
        let at0 = 0;
        for (let piece = 0; piece < cpuPieces; piece++) {
          for (let k = 0; k < types.length; k++) {
            const m = Math.floor((counts[k]! * (piece + 1)) / cpuPieces) - Math.floor((counts[k]! * piece) / cpuPieces);
            if (m > 0) {
              go.allocN(types[k]!, m, f.req as Slice, at0);
              writeObjects(go, (f.req as Slice).ptr, at0, m, w.objects[k]!.size);
            }
            at0 += m;
          }
          if (piece === 0) {
            // The set is shared: goroutines on other Ps run between this one's safe points, so it is
            // changed under a lock, as a cache is (without one, two appends would race as they do in Go).
            yield* mu.Lock() as Generator<never, void, unknown>;
            keepLiveSet(go.time.Now());
            mu.Unlock();
          }
          if (p.cpuPerRequestNs > 0) yield* go.work(p.cpuPerRequestNs / cpuPieces) as Generator<never, void, unknown>;
        }
        go.leave(f);
      };

      for (let c = 0; c < w.connections; c++) go.go(`main.(*conn).serve·${c}`, connection(c));
      if (w.idleGoroutines > 0) {
        const never: Chan = go.makeChan(T.chan(T.int));
        for (let i = 0; i < w.idleGoroutines; i++) {
          go.go(`main.idle·${i}`, function* () {
            yield* never.recv();
          });
        }
      }

      // Checkpoints at each phase's end (and every `every`), until the duration is over.
      const marks: [number, string][] = [];
      line.starts.forEach((s, i) => {
        const end = s + w.phases[i]!.durationNs;
        if (end < line.end) marks.push([end, `phase_${i + 1}`]);
      });
      const phaseEnds = new Set(marks.map(([t]) => t));
      if (everyNs > 0) for (let t = t0 + everyNs; t < line.end; t += everyNs) if (!phaseEnds.has(t)) marks.push([t, `at_${shortDuration(t - t0)}`]);
      marks.sort((a, b) => a[0] - b[0]);
      for (const [t, name] of marks) {
        const now = go.time.Now();
        if (t > now) yield* go.time.Sleep(t - now);
        go.checkpoint(name);
      }
      const now = go.time.Now();
      if (line.end > now) yield* go.time.Sleep(line.end - now);
    },
  });
}
