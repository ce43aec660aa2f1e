// The per-case package-init traces (src/scenarios/inits/<case>.json, made by
// scripts/mkinits.ts from reality/startup/data/cases/<case>.json): one file
// per reality case, fresh, its steps adding up to its traced totals, its
// whole start-up adding up to what the untraced binaries report at their
// first checkpoint, and — for hello — the same steps as the package lists of
// scripts/mkpkginit.ts, which come from different binaries and traces.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listCases, loadCase } from '../../reality/cases.ts';
import { build as buildPkgInit, type InitStep } from '../../scripts/mkpkginit.ts';
import { build, format, type CaseInits, type Step } from '../../scripts/mkinits.ts';
import { sizeToClass } from '../../src/runtime/msize.ts';
import { class_to_size } from '../../src/runtime/sizeclasses.ts';
import { mallocHeaderSize, maxSmallSize, minSizeForMallocHeader, pageSize, tinySize } from '../../src/runtime/sizeclasses_const.ts';

const root = new URL('../../', import.meta.url);
const cases = listCases();
const fileOf = (name: string): URL => new URL(`src/scenarios/inits/${name}.json`, root);
const load = (name: string): CaseInits => JSON.parse(readFileSync(fileOf(name), 'utf8')) as CaseInits;

/** Bytes of heap a small or large request takes (mallocgc: size class, 8-byte header for pointerful objects > 512 B). */
function elemsize(size: number, noscan: boolean): number {
  if (size > maxSmallSize - mallocHeaderSize) return Math.ceil(size / pageSize) * pageSize;
  const header = !noscan && size > minSizeForMallocHeader ? mallocHeaderSize : 0;
  return class_to_size[sizeToClass(size + header)]!;
}

/**
 * Replays the steps the way mallocgc counts them: Mallocs, tiny
 * sub-allocations (Frees before any GC) and TotalAlloc. The tiny allocator
 * is per P (mcache), starts from the file's atStart state, follows onP, and
 * is reset by ReadMemStats (flushallmcaches → releaseAll). A new goroutine
 * (createfing, newproc) allocates its g (runtime.g, 432 B → 448) and, when
 * allgs is full, a doubled allgs array; 4 goroutines exist when the first
 * package init runs (g1, forcegchelper, bgsweep, bgscavenge), in an array
 * of capacity 4 (reality/startup/README.md §2 steps 11–15 and §4).
 */
function replay(c: CaseInits): { mallocs: number; tinySubAllocs: number; bytes: number } {
  const envc = Object.keys(c.env).length;
  const argc = 1 + c.args.length;
  const tiny = new Map<number, number | null>();
  for (const [p, off] of Object.entries(c.atStart.tinyOffset)) tiny.set(Number(p), off);
  let p = c.atStart.p;
  const allgs = { len: 4, cap: 4 };
  const t = { mallocs: 0, tinySubAllocs: 0, bytes: 0 };
  const malloc = (size: number, noscan: boolean): void => {
    t.mallocs++;
    if (noscan && size < tinySize) {
      const off = tiny.get(p) ?? null;
      let o = off ?? 0;
      if (size % 8 === 0) o = Math.ceil(o / 8) * 8;
      else if (size % 4 === 0) o = Math.ceil(o / 4) * 4;
      else if (size % 2 === 0) o = Math.ceil(o / 2) * 2;
      if (off !== null && o + size <= tinySize) {
        tiny.set(p, o + size);
        t.tinySubAllocs++;
        return;
      }
      t.bytes += tinySize;
      // A new block replaces the current one only if it leaves more room.
      if (off === null || size < off) tiny.set(p, size);
      return;
    }
    t.bytes += elemsize(size, noscan);
  };
  for (const s of c.steps) {
    if ('alloc' in s) malloc(s.alloc, s.noscan);
    else if ('allocPerEnv' in s) malloc(s.allocPerEnv * envc, s.noscan);
    else if ('allocPerArg' in s) malloc(s.allocPerArg * argc, s.noscan);
    else if (s.action === 'onP') p = s.p;
    else if (s.action === 'ReadMemStats') for (const k of [0, 1, ...tiny.keys()]) tiny.set(k, null);
    else if (s.action === 'createfing' || s.action === 'newproc') {
      malloc(432, false);
      if (allgs.len === allgs.cap) {
        allgs.cap *= 2;
        malloc(8 * allgs.cap, false);
      }
      allgs.len++;
    }
  }
  return t;
}

/** A step without its package, as scripts/mkpkginit.ts writes them. */
function bare(s: Step): InitStep {
  const { pkg: _pkg, ...rest } = s;
  return rest as InitStep;
}

function byPackage(steps: readonly Step[]): Map<string, Step[]> {
  const m = new Map<string, Step[]>();
  for (const s of steps) {
    if (!m.has(s.pkg)) m.set(s.pkg, []);
    m.get(s.pkg)!.push(s);
  }
  return m;
}

describe('per-case init traces', () => {
  it('there is a reality case to trace', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of cases) {
    describe(name, () => {
      it('has a file, fresh from its trace summary (scripts/mkinits.ts --check)', () => {
        expect(existsSync(fileOf(name)), `run npx tsx scripts/mkinits.ts`).toBe(true);
        expect(readFileSync(fileOf(name), 'utf8')).toBe(format(build(name)));
      });

      it("was traced with the case's own environment and arguments, enough times", () => {
        const c = load(name);
        const def = loadCase(name);
        expect(c.case).toBe(name);
        expect(c.goVersion).toBe('go1.23.5');
        expect(c.env).toEqual(def.env);
        expect(c.args).toEqual(def.args);
        expect(c.runs).toBeGreaterThanOrEqual(20);
        expect(c.modalRuns).toBeGreaterThanOrEqual(1);
        expect(c.modalRuns).toBeLessThanOrEqual(c.runs);
      });

      it('its steps add up to its traced totals', () => {
        const c = load(name);
        expect(replay(c)).toEqual(c.totals);
      });

      it('every step names its package; the env and args copies appear once each (syscall, os)', () => {
        const c = load(name);
        for (const s of c.steps) expect(s.pkg).toMatch(/^[a-z]/);
        const perEnv = c.steps.filter((s) => 'allocPerEnv' in s);
        const perArg = c.steps.filter((s) => 'allocPerArg' in s);
        expect(perEnv.map((s) => s.pkg)).toEqual(['syscall']); // every case links syscall (the checkpoint helper does)
        expect(perArg.map((s) => s.pkg)).toEqual(c.steps.some((s) => s.pkg === 'os') ? ['os'] : []);
      });

      it("grows the main goroutine's stack once, 2 → 4 KiB (README §4: StackInuse 8 spans, one of them g1's grown stack)", () => {
        const grows = load(name).steps.filter((s) => 'action' in s && s.action === 'stackgrow');
        expect(grows).toEqual([{ pkg: 'runtime/metrics', action: 'stackgrow', to: 4096 }]);
      });

      it("runs the checkpoint helper's init, whose dry run calls ReadMemStats once, before metrics.Read", () => {
        // reality/checkpoint/checkpoint.go: init → allocate() (outBuf, rdBuf, extraBuf, samples) → snapshot():
        // ReadMemStats, then metrics.Read (the runtime's initMetrics allocations).
        const steps = load(name).steps;
        const cp = steps.filter((s) => s.pkg === 'gomem/reality/checkpoint');
        expect(steps.filter((s) => 'action' in s && s.action === 'ReadMemStats').map((s) => s.pkg)).toEqual(['gomem/reality/checkpoint']);
        expect(cp.slice(0, 5).map(bare)).toEqual([
          { alloc: 8192, noscan: true, type: 'uint8' },
          { alloc: 8192, noscan: true, type: 'uint8' },
          { alloc: 2048, noscan: true, type: 'uint8' },
          { alloc: 1400, noscan: false, type: 'metrics.Sample' },
          { action: 'ReadMemStats' },
        ]);
      });
    });
  }
});

describe('whole start-up = runtime start-up + package inits, against the untraced binaries', () => {
  // The runtime's own start-up (schedinit … gcenable, main_init_done) is the same in every
  // program: 46 Mallocs, 2 tiny sub-allocations, 40,592 B TotalAlloc with the environment
  // GOMAXPROCS=2 alone and no argument (reality/startup/README.md §3, the `min` program:
  // func main(){}). goargs makes a []string of 16·argc B (§3), 16 B of it in that figure.
  const runtimePart = (argc: number) => ({ Mallocs: 46, Frees: 2, TotalAlloc: 40592 - 16 + elemsize(16 * argc, false) });
  interface Summary {
    checkVsRecorded: { comparable: boolean; Mallocs: { recorded: number[] }; Frees: { recorded: number[] }; TotalAlloc: { recorded: number[] } };
    untraced: { MallocsFreesTotalAlloc: Record<string, number> } | null;
  }
  const comparable = (name: string): boolean => {
    const summary = JSON.parse(readFileSync(new URL(`reality/startup/data/cases/${name}.json`, root), 'utf8')) as Summary;
    return summary.checkVsRecorded.comparable && JSON.stringify(loadCase(name).env) === JSON.stringify({ GOMAXPROCS: '2' });
  };
  // Cases whose main does work before the first checkpoint (gin-idle, blahdo, blahdo-gctrace),
  // or whose environment changes the runtime's goenvs allocations (GOGC, GOMEMLIMIT, GODEBUG:
  // live-heap-steady and the gctrace cases), cannot be compared with a first-checkpoint
  // MemStats; every other case is.
  it('compares every case but gin-idle, blahdo and those with more than GOMAXPROCS in their environment', () => {
    expect(cases.filter((c) => !comparable(c))).toEqual([
      'alloc-churn-gctrace',
      'append-growth-gctrace',
      'blahdo',
      'blahdo-gctrace',
      'gin-idle',
      'idle-after-burst',
      'live-heap-gogc100',
      'live-heap-gogc200',
      'live-heap-gogc50',
      'live-heap-memlimit',
      'live-heap-steady',
      'size-rounding-gctrace',
      'stack-release',
    ]);
  });
  for (const name of cases.filter(comparable)) {
    const summary = JSON.parse(readFileSync(new URL(`reality/startup/data/cases/${name}.json`, root), 'utf8')) as Summary;
    it(`${name}: 46 + inits = MemStats at the first checkpoint of some untraced run`, () => {
      const c = load(name);
      const rt = runtimePart(1 + c.args.length);
      const want = `${rt.Mallocs + c.totals.mallocs}/${rt.Frees + c.totals.tinySubAllocs}/${rt.TotalAlloc + c.totals.bytes}`;
      const rec = summary.checkVsRecorded;
      const seen = new Set(Object.keys(summary.untraced?.MallocsFreesTotalAlloc ?? {}));
      rec.Mallocs.recorded.forEach((m, i) => seen.add(`${m}/${rec.Frees.recorded[i]}/${rec.TotalAlloc.recorded[i]}`));
      expect([...seen]).toContain(want);
    });
  }
});

describe('hello: the same steps as scripts/mkpkginit.ts (traced from other binaries: hello, sysmix, hellocp)', () => {
  const hello = load('hello');
  const mine = byPackage(hello.steps);
  const theirs = buildPkgInit();

  it("runs the inits in Go's order: iter, runtime/metrics, sync, internal/godebug, syscall, internal/poll, os, unicode, the helper", () => {
    // Go ≥ 1.21 initialises packages in import-path order among those whose imports are done
    // (runtime/metrics needs only runtime, math and internal/godebugs, so it follows iter).
    expect([...mine.keys()]).toEqual([
      'iter', 'runtime/metrics', 'sync', 'internal/godebug', 'syscall', 'internal/poll', 'os', 'unicode', 'gomem/reality/checkpoint',
    ]);
  });

  for (const pkg of ['iter', 'runtime/metrics', 'sync', 'internal/godebug', 'syscall', 'internal/poll', 'os', 'unicode']) {
    it(`${pkg}: equal step for step (the stack growth aside, which mkpkginit does not place)`, () => {
      const steps = mine.get(pkg)!.filter((s) => !('action' in s && s.action === 'stackgrow')).map(bare);
      expect(steps).toEqual(theirs[pkg]);
    });
  }

  it('gomem/reality/checkpoint: equal allocations; overflow buckets and the ReadMemStats position differ', () => {
    // mkpkginit's copy comes from one hellocp run that had one overflow bucket in the runtime's
    // metric map (0–3 depending on the hash seed; 0 is the mode here) and puts ReadMemStats last,
    // where the dry run calls it before metrics.Read (see the checkpoint test above).
    const overflow = (s: InitStep): boolean => 'alloc' in s && s.type === 'map.bucket[string]runtime.metricData' && s.alloc === 272;
    const allocsOnly = (ss: InitStep[]): InitStep[] => ss.filter((s) => !('action' in s) && !overflow(s));
    const mineCp = mine.get('gomem/reality/checkpoint')!.map(bare);
    expect(allocsOnly(mineCp)).toEqual(allocsOnly(theirs['gomem/reality/checkpoint']!));
    expect(mineCp.filter(overflow)).toHaveLength(0);
  });
});
