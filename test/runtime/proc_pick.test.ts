// The scheduler's pick through its index of idle Ps (proc.ts, proc_pindex.ts)
// is the pick a look at every P makes: the earliest start, ties to the lower
// P id, the same source and victim. Checked at every pick of programs that
// make every kind of pick (local, global, steal, stealnext, a mark worker;
// inside and outside mark phases; beside a running goroutine and not).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Go } from '../../src/go/api.ts';
import { GoProcess } from '../../src/go/process.ts';
import { defineProgram } from '../../src/go/program.ts';
import { T } from '../../src/go/types.ts';
import type { Slice } from '../../src/go/values.ts';
import { Sched } from '../../src/runtime/proc.ts';
import { PTimeIndex } from '../../src/runtime/proc_pindex.ts';
import { type G, type GoroutineBody, P } from '../../src/runtime/runtime2.ts';
import type { MCache } from '../../src/runtime/mcache.ts';
import { PageCache } from '../../src/runtime/mpagecache.ts';
import { Rand } from '../../src/sim/rand.ts';
import { scenarios } from '../../src/scenarios/index.ts';

/** runqsteal's usleep(3) before taking a running P's runnext. */
const stealRunNextDelay = 3_000;

interface Cand {
  start: number;
  from: string;
  victim?: P;
}

/** The scheduler's private state the reference reads. */
interface SchedState {
  ps: P[];
  globrunq: { readyAt: number }[];
  runningP: P | null;
  gc: { workerStart(p: P, userStart: number): number } | null;
}

/** Where p would find a goroutine, looking at every P (the scheduler as it was before its index). */
function userCandidate(s: SchedState, p: P): Cand | null {
  const local = p.runnext ?? p.runq[0] ?? null;
  if (local !== null && !(p.schedtick % 61 === 60 && s.globrunq.length > 0)) return { start: Math.max(p.time, local.readyAt), from: 'local' };
  if (s.globrunq.length > 0) return { start: Math.max(p.time, s.globrunq[0]!.readyAt), from: 'global' };
  let victim: P | null = null;
  for (const q of s.ps) if (q !== p && q.runq.length > 0 && (victim === null || q.runq.length > victim.runq.length)) victim = q;
  if (victim !== null) return { start: Math.max(p.time, victim.runq[0]!.readyAt), from: 'steal', victim };
  for (const q of s.ps) {
    const g = q.runnext;
    if (q === p || g === null) continue;
    const start = Math.max(p.time, g.readyAt) + stealRunNextDelay;
    if (q === s.runningP || q.time > start) return { start, from: 'stealnext', victim: q };
  }
  return null;
}

function referencePick(s: SchedState, skip: P | null): (Cand & { p: P }) | null {
  let best: (Cand & { p: P }) | null = null;
  for (const p of s.ps) {
    if (p === skip) continue;
    let cand = userCandidate(s, p);
    if (s.gc !== null) {
      const ws = s.gc.workerStart(p, cand?.start ?? Infinity);
      if (ws !== Infinity && (cand === null || ws <= cand.start)) cand = { start: ws, from: 'gc' };
    }
    if (cand !== null && (best === null || cand.start < best.start)) best = { p, ...cand };
  }
  return best;
}

function referenceIdlest(s: SchedState, cur: P): P | null {
  let to: P | null = null;
  for (const q of s.ps) {
    if (q === cur || userCandidate(s, q) !== null) continue;
    if (to === null || q.time < to.time) to = q;
  }
  return to;
}

const show = (c: (Cand & { p: P }) | null) => (c === null ? null : { p: c.p.id, start: c.start, from: c.from, victim: c.victim?.id });

type Patched = (this: SchedState & { rt: { gcBlackenEnabled: boolean } }, arg: P | null) => unknown;
const proto = Sched.prototype as unknown as Record<string, Patched>;
const saved = { pickNext: proto.pickNext!, idlestP: proto.idlestP! };
/** Picks seen, by source, mark phase and whether a goroutine was running beside them. */
let kinds: Map<string, number>;
let mismatches: string[];

beforeEach(() => {
  kinds = new Map();
  mismatches = [];
  proto.pickNext = function (arg) {
    const skip = arg ?? null;
    const want = show(referencePick(this, skip));
    const got = saved.pickNext.call(this, skip) as (Cand & { p: P }) | null;
    if (JSON.stringify(show(got)) !== JSON.stringify(want)) mismatches.push(`pick: got ${JSON.stringify(show(got))}, want ${JSON.stringify(want)}`);
    const k = `${got?.from ?? 'none'}${this.rt.gcBlackenEnabled ? ' marking' : ''}${skip !== null ? ' beside' : ''}`;
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
    return got;
  };
  proto.idlestP = function (cur) {
    const want = referenceIdlest(this, cur!);
    const got = saved.idlestP.call(this, cur) as P | null;
    if (got !== want) mismatches.push(`idlestP: got ${got?.id}, want ${want?.id}`);
    kinds.set('idlestP', (kinds.get('idlestP') ?? 0) + 1);
    return got;
  };
});

afterEach(() => {
  proto.pickNext = saved.pickNext;
  proto.idlestP = saved.idlestP;
});

/**
 * Workers doing a seeded mix of sleeps, busy loops, Gosched, garbage,
 * a token passed through a buffered channel, and ping-pong pairs on
 * unbuffered channels: runnable goroutines on run queues, in runnexts and
 * on the global queue, Ps idle at many different times, GC cycles.
 */
const mix = defineProgram({
  name: 'sched-mix',
  description: 'goroutines sleeping, working, yielding, allocating and passing values',
  options: { workers: { default: '24', help: 'workers', kind: 'integer' }, steps: { default: '40', help: 'steps per worker', kind: 'integer' } },
  *main(go) {
    const workers = Number(go.option('workers'));
    const steps = Number(go.option('steps'));
    const pairs = 4;
    // Globals keep the channels alive through the GC cycles.
    const g = go.globals({ tokens: T.chan(T.int), done: T.chan(T.int), p0: T.chan(T.int), p1: T.chan(T.int), p2: T.chan(T.int), p3: T.chan(T.int) });
    const tokens = (g.tokens = go.makeChan(T.chan(T.int), workers));
    const done = (g.done = go.makeChan(T.chan(T.int), 0));
    for (let k = 0; k < workers; k++) {
      go.go('main.worker', function* (go: Go): GoroutineBody {
        let x = 0x9e3779b9 ^ (k * 7919);
        for (let i = 0; i < steps; i++) {
          x = (Math.imul(x, 1103515245) + 12345) >>> 0;
          switch ((x >>> 8) % 6) {
            case 0:
              yield* go.time.Sleep(1_000 + (x % 200_000));
              break;
            case 1:
              yield* go.work(x % 30_000_000); // sysmon preempts past 10 ms
              break;
            case 2:
              yield* go.runtime.Gosched();
              break;
            case 3:
              go.make(T.slice(T.byte), 1 + (x % 300_000));
              break;
            case 4:
              yield* tokens.send(k);
              yield* go.work(x % 50_000);
              yield* tokens.recv();
              break;
            default:
              for (let j = 0; j < 200; j++) go.make(T.slice(T.int64), 1 + (j % 9));
          }
        }
        yield* done.send(k);
      });
    }
    for (let k = 0; k < pairs; k++) {
      const ch = (g[`p${k}` as 'p0'] = go.makeChan(T.chan(T.int), 0));
      go.go('main.ping', function* (go: Go): GoroutineBody {
        for (let i = 0; i < steps; i++) {
          yield* ch.send(i);
          go.make(T.slice(T.byte), 4096);
        }
        yield* done.send(-1);
      });
      go.go('main.pong', function* (go: Go): GoroutineBody {
        for (let i = 0; i < steps; i++) {
          yield* ch.recv();
          yield* go.work(20_000);
        }
        yield* done.send(-2);
      });
    }
    for (let k = 0; k < workers + 2 * pairs; k++) yield* done.recv();
  },
});

/**
 * The two rarer hand-offs, made on purpose: a goroutine readies another
 * into its P's runnext and works on while the other P is idle (which
 * steals it after runqsteal's 3 µs wait), and an allocation loop that runs
 * past sysmon's 10 ms while its cycles mark, so the preemption finds its P's
 * fractional worker behind (idlestP).
 */
const handoffs = defineProgram({
  name: 'sched-handoffs',
  description: 'a runnext stolen beside its running P; a preemption during mark',
  *main(go) {
    const g = go.globals({ ch: T.chan(T.int), done: T.chan(T.int), keep: T.slice(T.pointer(T.int64)) });
    const ch = (g.ch = go.makeChan(T.chan(T.int), 0));
    const done = (g.done = go.makeChan(T.chan(T.int), 0));
    go.go('main.receiver', function* (): GoroutineBody {
      for (let i = 0; i < 20; i++) yield* ch.recv();
      yield* done.send(0);
    });
    go.go('main.sender', function* (go: Go): GoroutineBody {
      for (let i = 0; i < 20; i++) {
        yield* ch.send(i);
        for (let j = 0; j < 5_000; j++) go.make(T.slice(T.int64), 2); // safe points the idle P catches up at
      }
      yield* done.send(0);
    });
    yield* done.recv();
    yield* done.recv();
    // A live heap that takes a while to mark, and a loop that runs past sysmon's 10 ms while its cycles mark.
    g.keep = go.make(T.slice(T.pointer(T.int64)), 300_000);
    for (let i = 0; i < 300_000; i++) go.set(g.keep as Slice, i, go.new(T.int64));
    for (let i = 0; i < 1_000; i++) go.make(T.slice(T.byte), 65_536);
  },
});

function run(program: typeof mix, gomaxprocs: number, gogc?: string): void {
  const env: Record<string, string> = { GOMAXPROCS: String(gomaxprocs) };
  if (gogc !== undefined) env.GOGC = gogc;
  const p = new GoProcess(program, { env, stdout: () => {}, stderr: () => {} });
  expect(p.run().status).toBe(0);
}

describe('the scheduler picks through its index as a look at every P would', () => {
  it('a mix of goroutines on 2, 5 and 64 Ps, with frequent GC cycles', () => {
    for (const procs of [2, 5, 64]) run(mix, procs, '20');
    run(handoffs, 2);
    expect(mismatches.slice(0, 5)).toEqual([]);
    const seen = [...kinds.keys()];
    for (const k of ['local', 'global', 'steal', 'gc marking', 'local beside', 'global beside', 'steal beside', 'stealnext beside', 'gc marking beside', 'idlestP']) {
      expect(seen, k).toContain(k);
    }
  });

  it('hello on 500 Ps: its GC cycle\'s mark workers on many idle Ps', () => {
    run(scenarios.get('hello')!, 500);
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(kinds.get('gc marking beside')).toBeGreaterThan(5);
  });
});

describe('PTimeIndex', () => {
  it('finds the earliest idle P and the lowest id at or before a time, as a scan does, through changes, hides and rebuilds', () => {
    const r = new Rand(7);
    const ps = Array.from({ length: 37 }, (_, i) => new P(i, null as unknown as MCache, new PageCache()));
    const ix = new PTimeIndex();
    ix.reset(ps);
    const g = {} as G;
    const hidden = new Set<number>();
    const idle = (p: P) => !hidden.has(p.id) && p.runnext === null && p.runq.length === 0;
    for (let step = 0; step < 3000; step++) {
      const p = ps[r.intn(ps.length)]!;
      switch (r.intn(6)) {
        case 0:
          // A stop-the-world: many Ps move at once (the index rebuilds).
          for (const q of ps) if (r.intn(2) === 0) q.time = r.intn(50);
          break;
        case 1:
          p.runnext = p.runnext === null ? g : null;
          ix.localChanged(p.id, p.runnext !== null);
          break;
        case 2:
          ix.sync();
          if (hidden.has(p.id)) {
            hidden.delete(p.id);
            ix.restore(p.id);
          } else {
            hidden.add(p.id);
            ix.hide(p.id);
          }
          break;
        default:
          p.time = r.intn(50);
      }
      ix.sync();
      const times = ps.filter(idle).map((q) => q.time);
      expect(ix.min()).toBe(times.length === 0 ? Infinity : Math.min(...times));
      const t = r.intn(55);
      expect(ix.leftmostAtMost(t)).toBe(ps.find((q) => idle(q) && q.time <= t)?.id ?? -1);
    }
  });
});
