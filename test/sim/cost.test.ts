import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { Clock } from '../../src/sim/clock.ts';
import {
  allocCharges,
  ClockCharger,
  COST_KEYS,
  CostModel,
  LARGE_PAGES,
  NOSCAN_SIZES,
  SCAN_SIZES,
  ZEROING_BYTES,
  type CostKey,
} from '../../src/sim/cost.ts';

// The checked-in constants, read as plain JSON (not through the model), so
// that the model is checked against the file rather than against itself.
interface FileEntry {
  ns: number;
  unit: string;
  source: string;
  note: string;
  spread: number;
}
const file = JSON.parse(readFileSync(new URL('../../src/sim/costs.json', import.meta.url), 'utf8')) as {
  measuredOn: { go: string; cpu: string; kernel: string; date: string };
  costs: Record<string, FileEntry>;
};
const ns = (k: string): number => {
  const e = file.costs[k];
  if (!e) throw new Error(`costs.json has no ${k}`);
  return e.ns;
};

/** A hand-made table with round numbers, for worked examples. */
function handTable(): Record<CostKey, number> {
  const t = {} as Record<CostKey, number>;
  for (const k of COST_KEYS) t[k] = 1;
  Object.assign(t, {
    'malloc.tiny': 9,
    'malloc.noscan.16': 10,
    'malloc.noscan.64': 20,
    'malloc.noscan.256': 40,
    'malloc.noscan.1024': 100,
    'malloc.noscan.4096': 300,
    'malloc.noscan.8192': 500,
    'malloc.noscan.32768': 2000,
    'malloc.scan.16': 30,
    'malloc.scan.64': 40,
    'malloc.scan.256': 80,
    'malloc.scan.512': 120,
    'malloc.scan.1024': 140,
    'malloc.scan.4096': 500,
    'malloc.scan.8192': 800,
    'malloc.large.5': 1000,
    'malloc.large.128': 4690, // 30 ns per page on the line through both
    'zeroing.8192': 100,
    'zeroing.40960': 420,
    'zeroing.1048576': 10_000,
    'zeroing.16777216': 200_000,
    'zeroing.67108864': 1_000_000,
    'fault.page4k': 2000,
    'fault.page2m': 100_000,
    'gc.stw.sweepTermination.p1': 6000,
    'gc.stw.sweepTermination.p2': 9000,
    'gc.stw.markTermination.p1': 3000,
    'gc.stw.markTermination.p2': 2000,
    'gc.stw.forced.sweepTermination.p1': 4000,
    'gc.stw.forced.sweepTermination.p2': 130_000,
    'sleep.idle.0': 5,
    'sleep.idle.1000000': 1_100_000,
    'sleep.idle.10000000': 10_300_000,
    'syscall.munmap': 2000,
    'syscall.munmapResident.call': 8000,
    'syscall.munmapResident.page': 400,
  } satisfies Partial<Record<CostKey, number>>);
  return t;
}

describe('costs.json (the checked-in calibration)', () => {
  it('has every constant the accessors read, each with a unit, a source and a note', () => {
    for (const k of COST_KEYS) {
      const e = file.costs[k];
      expect(e, k).toBeDefined();
      expect(Number.isFinite(e!.ns) && e!.ns >= 0, `${k} = ${e!.ns}`).toBe(true);
      expect(e!.unit.length, k).toBeGreaterThan(0);
      expect(e!.source.length, k).toBeGreaterThan(0);
      expect(e!.note.length, k).toBeGreaterThan(0);
    }
  });

  it('was measured on Go 1.23 and says where', () => {
    expect(file.measuredOn.go).toMatch(/go1\.23(\.\d+)? linux\/amd64/);
    expect(file.measuredOn.cpu.length).toBeGreaterThan(0);
    expect(file.measuredOn.kernel.length).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(file.measuredOn.date))).toBe(false);
  });

  it('holds tables that rise with size, so interpolation hits every measured point', () => {
    const rising = (keys: string[]) => {
      for (let i = 1; i < keys.length; i++) expect(ns(keys[i]!), `${keys[i]} vs ${keys[i - 1]}`).toBeGreaterThanOrEqual(ns(keys[i - 1]!));
    };
    rising(NOSCAN_SIZES.map((s) => `malloc.noscan.${s}`));
    rising(SCAN_SIZES.map((s) => `malloc.scan.${s}`));
    rising(LARGE_PAGES.map((p) => `malloc.large.${p}`));
    rising(ZEROING_BYTES.map((b) => `zeroing.${b}`));
  });
});

describe('CostModel on the checked-in file', () => {
  // Built inside each test, so that a broken file fails the tests that use
  // it, with the model's message, and not the whole suite at load time.
  let m: CostModel;
  beforeEach(() => {
    m = new CostModel();
  });

  it('returns the file\'s numbers at the measured points', () => {
    expect(m.mallocTiny()).toBe(ns('malloc.tiny'));
    for (const s of NOSCAN_SIZES) expect(m.mallocSmall(s, true), `noscan ${s}`).toBe(ns(`malloc.noscan.${s}`));
    for (const s of SCAN_SIZES) expect(m.mallocSmall(s, false), `scan ${s}`).toBe(ns(`malloc.scan.${s}`));
    for (const p of LARGE_PAGES) expect(m.mallocLarge(p), `large ${p} pages`).toBeCloseTo(ns(`malloc.large.${p}`), 6);
    for (const b of ZEROING_BYTES) expect(m.zeroing(b), `zeroing ${b}`).toBeCloseTo(ns(`zeroing.${b}`), 6);
    expect(m.pageFault(3)).toBe(3 * ns('fault.page4k'));
    expect(m.pageFault(2, true)).toBe(2 * ns('fault.page2m'));
    expect(m.markObject()).toBe(ns('gc.mark.object'));
    expect(m.markPointerWord()).toBe(ns('gc.mark.pointerWord'));
    expect(m.markNilWord()).toBe(ns('gc.mark.nilWord'));
    expect(m.markNoscanObject()).toBe(ns('gc.mark.noscanObject'));
    expect(m.markCycle()).toBe(ns('gc.mark.cycle'));
    expect(m.scanStackBytes(1000)).toBeCloseTo(1000 * ns('gc.stack.byte'), 6);
    expect(m.scanStackGoroutine()).toBe(ns('gc.stack.goroutine'));
    expect(m.sweepSpan()).toBe(ns('gc.sweep.spanUnchanged'));
    expect(m.sweepSpan('partial')).toBe(ns('gc.sweep.spanPartial'));
    expect(m.sweepSpan('freed')).toBe(ns('gc.sweep.spanFreed'));
    expect(m.sweepSpan('largeFreed')).toBe(ns('gc.sweep.largeSpanFreed'));
    expect(m.stwPause('sweepTermination', 1)).toBe(ns('gc.stw.sweepTermination.p1'));
    expect(m.stwPause('sweepTermination', 2)).toBe(ns('gc.stw.sweepTermination.p2'));
    expect(m.stwPause('markTermination', 1)).toBe(ns('gc.stw.markTermination.p1'));
    expect(m.stwPause('markTermination', 2)).toBe(ns('gc.stw.markTermination.p2'));
    expect(m.stwPause('sweepTermination', 1, true)).toBe(ns('gc.stw.forced.sweepTermination.p1'));
    expect(m.stwPause('sweepTermination', 2, true)).toBe(ns('gc.stw.forced.sweepTermination.p2'));
    expect(m.stwPause('markTermination', 1, true)).toBe(ns('gc.stw.forced.markTermination.p1'));
    expect(m.stwPause('markTermination', 2, true)).toBe(ns('gc.stw.forced.markTermination.p2'));
    expect(m.goroutineCreate()).toBe(ns('sched.goroutineCreate'));
    expect(m.chanOp()).toBe(ns('sched.chanBuffered'));
    expect(m.chanOp(true)).toBe(ns('sched.chanHandoff'));
    expect(m.gosched()).toBe(ns('sched.gosched'));
    expect(m.goroutineSwitch()).toBe(ns('sched.switch'));
    expect(m.sleepIdle(0)).toBe(ns('sleep.idle.0'));
    expect(m.sleepIdle(1e6)).toBe(ns('sleep.idle.1000000'));
    expect(m.sleepIdle(1e7)).toBe(ns('sleep.idle.10000000'));
    expect(m.syscall('mmap')).toBe(ns('syscall.mmap'));
    expect(m.syscall('mmapReserve')).toBe(ns('syscall.mmapReserve'));
    expect(m.syscall('mmapFixed')).toBe(ns('syscall.mmapFixed'));
    expect(m.syscall('munmap')).toBe(ns('syscall.munmap'));
    expect(m.syscall('madviseDontneed')).toBe(ns('syscall.madviseDontneed'));
    expect(m.syscall('madviseHugepage')).toBe(ns('syscall.madviseHugepage'));
    expect(m.syscall('madviseNohugepage')).toBe(ns('syscall.madviseHugepage'));
  });

  it('rises monotonically with size between and beyond the measured points', () => {
    for (const noscan of [true, false]) {
      let prev = -Infinity;
      for (let s = 1; s <= 32760; s += 7) {
        const v = m.mallocSmall(s, noscan);
        expect(v, `${noscan ? 'noscan' : 'scan'} ${s}`).toBeGreaterThanOrEqual(prev);
        prev = v;
      }
    }
    let prev = -Infinity;
    for (let b = 0; b <= 256 << 20; b += 12289) {
      const v = m.zeroing(b);
      expect(v, `zeroing ${b}`).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
    prev = -Infinity;
    for (let p = 4; p <= 100_000; p += 37) {
      const v = m.mallocLarge(p);
      expect(v, `large ${p}`).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
    prev = -Infinity;
    for (let d = 0; d <= 5e7; d += 99_991) {
      const v = m.sleepIdle(d);
      expect(v, `sleep ${d}`).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
  });

  it('is a pure function of its inputs', () => {
    const again = new CostModel();
    for (const s of [1, 8, 24, 100, 5000, 32760, 32761, 1 << 20]) {
      expect(again.malloc(s, true)).toBe(m.malloc(s, true));
      expect(again.malloc(s, false)).toBe(m.malloc(s, false));
    }
  });
});

describe('CostModel worked examples (hand-made table)', () => {
  const m = new CostModel({ costs: handTable() });

  it('interpolates small sizes linearly, flat below the first point, along the last segment above', () => {
    expect(m.mallocSmall(40, true)).toBe(15); // halfway between 16 (10) and 64 (20)
    expect(m.mallocSmall(640, true)).toBe(70); // halfway between 256 (40) and 1024 (100)
    expect(m.mallocSmall(8, false)).toBe(30); // below 16: flat
    expect(m.mallocSmall(16384, false)).toBe(1400); // beyond 8192 along 4096→8192: 800 + (300/4096)·8192
  });

  it('dispatches mallocgc as Go does: tiny, small up to 32760 bytes, then large spans', () => {
    expect(m.malloc(0, true)).toBe(0);
    expect(m.malloc(8, true)).toBe(9); // tiny
    expect(m.malloc(15, true)).toBe(9); // tiny
    expect(m.malloc(16, true)).toBe(10); // no longer tiny: size class 16
    expect(m.malloc(8, false)).toBe(30); // pointers: never tiny
    expect(m.malloc(32760, true)).toBeCloseTo(500 + (1500 / 24576) * (32760 - 8192), 9);
    expect(m.malloc(32761, true)).toBe(970); // large: ceil(32761/8192) = 4 pages, 1000 − 30 on the line
    expect(m.malloc(10 * 8192, false)).toBe(1150); // 1000 + 30·(10 − 5)
  });

  it('zeroes proportionally below 8 KiB and above 64 MiB, linearly between', () => {
    expect(m.zeroing(0)).toBe(0);
    expect(m.zeroing(4096)).toBe(50);
    expect(m.zeroing(24576)).toBe(260); // halfway from 8192 (100) to 40960 (420)
    expect(m.zeroing(128 << 20)).toBe(2_000_000);
  });

  it('charges resident pages on munmap as a call plus a per-page cost', () => {
    expect(m.syscall('munmap')).toBe(2000);
    expect(m.syscall('munmap', 16)).toBe(8000 + 16 * 400);
    expect(m.pageFault(512)).toBe(1_024_000);
    expect(m.pageFault(1, true)).toBe(100_000);
  });

  it('extrapolates STW pauses beyond 2 Ps by the 1→2 P increase, never decreasing', () => {
    expect(m.stwPause('sweepTermination', 4)).toBe(9000 + 2 * 3000);
    expect(m.stwPause('markTermination', 8)).toBe(2000); // 2 Ps measured faster than 1: no growth assumed
    expect(m.stwPause('sweepTermination', 2, true)).toBe(130_000); // forced cycles have their own constants
    expect(m.stwPause('sweepTermination', 3, true)).toBe(130_000 + 126_000);
  });

  it('rounds idle sleeps up to the 1 ms netpoll timeout', () => {
    expect(m.sleepIdle(0)).toBe(5);
    expect(m.sleepIdle(1000)).toBe(1_100_000);
    expect(m.sleepIdle(5.5e6)).toBe(1_100_000 + (9_200_000 * 4.5) / 9);
    expect(m.sleepIdle(2e7)).toBe(2e7 + 300_000);
  });

  it('flattens a table that dips, so costs never fall with size', () => {
    const dip = new CostModel({ costs: { ...handTable(), 'malloc.noscan.64': 5 } });
    expect(dip.mallocSmall(64, true)).toBe(10);
    expect(dip.mallocSmall(40, true)).toBe(10);
  });
});

describe('CostModel options and validation', () => {
  it('takes overrides on top of the file', () => {
    const m = new CostModel({ overrides: { 'fault.page4k': 1000 } });
    expect(m.pageFault(2)).toBe(2000);
    expect(m.markObject()).toBe(ns('gc.mark.object'));
  });

  it('refuses a table without a constant, naming it', () => {
    const t: Record<string, number> = { ...handTable() };
    delete t['gc.mark.object'];
    expect(() => new CostModel({ costs: t })).toThrow(/"gc\.mark\.object" is missing/);
  });

  it('refuses negative or non-numeric constants', () => {
    expect(() => new CostModel({ costs: { ...handTable(), 'sched.gosched': -1 } })).toThrow(/sched\.gosched/);
    expect(() => new CostModel({ costs: { ...handTable(), 'sched.gosched': Number.NaN } })).toThrow(/sched\.gosched/);
  });
});

describe('ClockCharger', () => {
  it('advances the clock in whole nanoseconds and carries the fractions', () => {
    const clock = new Clock();
    const ch = new ClockCharger(clock);
    ch.charge(0.4);
    ch.charge(0.4);
    expect(clock.now).toBe(0);
    ch.charge(0.4);
    expect(clock.now).toBe(1);
    for (let i = 0; i < 1000; i++) ch.charge(9.25);
    expect(clock.now).toBe(9251); // 1.2 + 9250 = 9251.2
  });

  it('plugs into the allocator as its charges', () => {
    const clock = new Clock();
    const charges = allocCharges(new CostModel({ costs: handTable() }), new ClockCharger(clock));
    charges.malloc(40, true);
    charges.zeroing(4096);
    expect(clock.now).toBe(65);
  });
});
