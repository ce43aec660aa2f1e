// Heap profiles (runtime/mprof.ts, go/pkg/pprof.ts): a program with known
// allocation sites, its profile decoded with pprof-format and read by the
// real `go tool pprof` (when Go is installed), and blahdo's attribution
// against real Go 1.23.5's profile of the same program.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { describe, expect, it } from 'vitest';
import { GoProcess } from '../../src/go/process.ts';
import { defineProgram, type Program } from '../../src/go/program.ts';
import type { Slice } from '../../src/go/values.ts';
import { scenarios } from '../../src/scenarios/index.ts';

const haveGo = spawnSync('go', ['version']).status === 0;
const gomemBin = fileURLToPath(new URL('../../bin/gomem.js', import.meta.url));
const rate = 512 * 1024;

/** Runs a program with profiling on; returns the profile written at its end. */
function profileOf(program: Program, opts: { seed?: number } = {}): Uint8Array {
  let profile: Uint8Array | null = null;
  new GoProcess(program, {
    stdout: () => {},
    stderr: () => {},
    memProfile: true,
    ...opts,
    onCheckpoint: (_json, name, p) => {
      if (name === 'exit') profile = p.heapProfile();
    },
  }).run();
  if (profile === null) throw new Error('no exit checkpoint');
  return profile;
}

interface Totals {
  allocObjects: number;
  allocSpace: number;
  inuseObjects: number;
  inuseSpace: number;
}

/** Per innermost function: the four sample values summed (pprof's flat figures). */
function flatByFunction(buf: Uint8Array): { types: string[]; period: number; flat: Map<string, Totals>; stacks: string[][] } {
  const p = Profile.decode(gunzipSync(buf));
  const str = (i: number | bigint): string => p.stringTable.strings[Number(i)]!;
  const fnName = new Map(p.function.map((f) => [Number(f.id), str(f.name)]));
  const loc = new Map(p.location.map((l) => [Number(l.id), l.line.map((ln) => fnName.get(Number(ln.functionId))!)]));
  const flat = new Map<string, Totals>();
  const stacks: string[][] = [];
  for (const s of p.sample) {
    const frames = s.locationId.flatMap((id) => loc.get(Number(id))!);
    stacks.push(frames);
    const t = flat.get(frames[0]!) ?? { allocObjects: 0, allocSpace: 0, inuseObjects: 0, inuseSpace: 0 };
    const [ao, as, io, is] = s.value.map(Number) as [number, number, number, number];
    t.allocObjects += ao;
    t.allocSpace += as;
    t.inuseObjects += io;
    t.inuseSpace += is;
    flat.set(frames[0]!, t);
  }
  return { types: p.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`), period: Number(p.period), flat, stacks };
}

/**
 * Two sites: 20,000 × 1 KiB (kept) and 2,000 × 64 KiB (dropped), then
 * runtime.GC() so that every allocation and free is published.
 */
const twoSites = defineProgram({
  name: 'two-sites',
  description: 'small kept objects at one site, large dropped ones at another',
  memProfile: true,
  *main(go) {
    const T = go.T;
    const bytes = T.slice(T.byte);
    const g = go.globals({ keep: T.slice(bytes), sink: bytes });
    go.locals('main.main', {});
    g.keep = go.make(T.slice(bytes), 0, 20000);
    const allocSmall = go.func('main.allocSmall', { b: bytes }, (f) => {
      for (let i = 0; i < 20000; i++) {
        f.b = go.make(bytes, 1024);
        g.keep = go.append(g.keep as Slice, f.b);
      }
    });
    const allocLarge = go.func('main.allocLarge', {}, () => {
      for (let i = 0; i < 2000; i++) g.sink = go.make(bytes, 64 << 10);
    });
    allocSmall();
    allocLarge();
    g.sink = null;
    yield* go.runtime.GC();
  },
});

/** The standard error of a sampled total: n objects of `size` bytes, each sampled with p = 1 − e^(−size/rate). */
function standardError(n: number, size: number): number {
  const p = 1 - Math.exp(-size / rate);
  return size * Math.sqrt((n * (1 - p)) / p);
}

describe('heap profile of a program with known allocation sites', () => {
  const prof = flatByFunction(profileOf(twoSites));

  it('has Go’s four sample types and MemProfileRate as the period', () => {
    expect(prof.types).toEqual(['alloc_objects/count', 'alloc_space/bytes', 'inuse_objects/count', 'inuse_space/bytes']);
    expect(prof.period).toBe(rate);
  });

  it('names the program’s functions, then main.main and runtime.main', () => {
    const small = prof.stacks.find((s) => s[0] === 'main.allocSmall');
    const large = prof.stacks.find((s) => s[0] === 'main.allocLarge');
    expect(small).toEqual(['main.allocSmall', 'main.main', 'runtime.main']);
    expect(large).toEqual(['main.allocLarge', 'main.main', 'runtime.main']);
  });

  it('estimates each site’s allocations within three standard errors', () => {
    const small = prof.flat.get('main.allocSmall')!;
    const large = prof.flat.get('main.allocLarge')!;
    expect(Math.abs(small.allocSpace - 20000 * 1024)).toBeLessThan(3 * standardError(20000, 1024));
    expect(Math.abs(large.allocSpace - 2000 * 65536)).toBeLessThan(3 * standardError(2000, 65536));
    // Scaling keeps the object size: bytes / objects is the slot size (both truncated separately).
    expect(Math.abs(small.allocSpace / small.allocObjects / 1024 - 1)).toBeLessThan(1e-3);
    expect(Math.abs(large.allocSpace / large.allocObjects / 65536 - 1)).toBeLessThan(1e-3);
  });

  it.skipIf(!haveGo)('go tool pprof -top lists both sites within three standard errors of the truth (needs Go; skipped when `go` is not installed)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gomem-prof-')), 'two-sites.pb.gz');
    writeFileSync(file, profileOf(twoSites));
    const top = spawnSync('go', ['tool', 'pprof', '-top', '-sample_index=alloc_space', '-unit=B', file], { encoding: 'utf8' });
    expect(top.status).toBe(0);
    const flat = (fn: string): number => {
      const m = new RegExp(`^\\s*(\\d+)B\\s+[\\d.]+%\\s+[\\d.]+%\\s+\\d+B\\s+[\\d.]+%\\s+${fn.replace('.', '\\.')}$`, 'm').exec(top.stdout);
      if (m === null) throw new Error(`${fn} not in pprof -top:\n${top.stdout}`);
      return Number(m[1]);
    };
    expect(Math.abs(flat('main.allocSmall') - 20000 * 1024)).toBeLessThan(3 * standardError(20000, 1024));
    expect(Math.abs(flat('main.allocLarge') - 2000 * 65536)).toBeLessThan(3 * standardError(2000, 65536));
  });

  it('counts in use what the GC kept, and nothing of what it freed', () => {
    const small = prof.flat.get('main.allocSmall')!;
    const large = prof.flat.get('main.allocLarge')!;
    expect(small.inuseSpace).toBe(small.allocSpace);
    expect(large.inuseSpace).toBe(0);
    expect(large.inuseObjects).toBe(0);
  });

  it('is the same for the same seed and differs for another', () => {
    const again = flatByFunction(profileOf(twoSites));
    expect(again.flat).toEqual(prof.flat);
    const other = flatByFunction(profileOf(twoSites, { seed: 2 }));
    expect(other.flat.get('main.allocSmall')!.allocObjects).not.toBe(prof.flat.get('main.allocSmall')!.allocObjects);
  });

  it('at MemProfileRate = 1 records every allocation exactly', () => {
    const every = defineProgram({
      ...twoSites,
      name: 'two-sites-rate-1',
      *main(go) {
        go.runtime.MemProfileRate = 1;
        yield* twoSites.main(go);
      },
    });
    const f = flatByFunction(profileOf(every)).flat;
    expect(f.get('main.allocSmall')).toEqual({ allocObjects: 20000, allocSpace: 20000 * 1024, inuseObjects: 20000, inuseSpace: 20000 * 1024 });
    expect(f.get('main.allocLarge')).toEqual({ allocObjects: 2000, allocSpace: 2000 * 65536, inuseObjects: 0, inuseSpace: 0 });
    // The GC's worker goroutines, started inside allocSmall's allocation: their g (448 B) is
    // allocated on the system stack, so it is the runtime's, not allocSmall's.
    const malg = f.get('runtime.malg')!;
    expect(malg.allocSpace).toBe(malg.allocObjects * 448);
  });
});

describe('blahdo’s profile against real Go 1.23.5', () => {
  // Real Go, the same program with pprof.WriteHeapProfile after a runtime.GC()
  // (go tool pprof -raw): one sample, 10 objects, 1,000,079,360 bytes, none in
  // use, at main.bigBytes (inline) in main.main, then runtime.main.
  const blahdo = scenarios.get('blahdo')!;
  const withGC = defineProgram({
    ...blahdo,
    name: 'blahdo-gc',
    *main(go) {
      yield* blahdo.main(go);
      yield* go.runtime.GC();
    },
  });

  it('attributes all of it to bigBytes inlined in main, as real Go does', () => {
    const f = flatByFunction(profileOf(withGC));
    expect([...f.flat.keys()]).toEqual(['main.bigBytes']);
    expect(f.flat.get('main.bigBytes')).toEqual({ allocObjects: 10, allocSpace: 1000079360, inuseObjects: 0, inuseSpace: 0 });
    expect(f.stacks).toEqual([['main.bigBytes', 'main.main', 'runtime.main']]);
  });

  it('grows BuckHashSys by the bucket table and one bucket, as real Go', () => {
    // Real Go 1.23.5, blahdo linking runtime/pprof: BuckHashSys 2,386 at init and
    // 1,442,586 after the loop: +1,440,200 = the 179,999-entry table (1,439,992 B)
    // and one 208-byte bucket (header 48, 4 PCs, memRecord 128).
    const buckHashSys = (memProfile: boolean): number => {
      let v = 0;
      new GoProcess(blahdo, {
        stdout: () => {},
        stderr: () => {},
        memProfile,
        onCheckpoint: (json, name) => {
          if (name === 'after_loop') v = (JSON.parse(json) as { memstats: { BuckHashSys: number } }).memstats.BuckHashSys;
        },
      }).run();
      return v;
    };
    expect(buckHashSys(true) - buckHashSys(false)).toBe(1440200);
  });

  it.skipIf(!haveGo)('reads in go tool pprof with the article’s attribution (needs Go; skipped when `go` is not installed)', () => {
    // Through the CLI, as a user runs it: the profile written at exit, without a GC
    // after the loop, holds what the last two cycles have published — the first nine
    // allocations, 858.38MB. Real Go's profile written there held nine in two runs
    // of three and eight (763MB) in the third, its last cycle still marking.
    const dir = mkdtempSync(join(tmpdir(), 'gomem-prof-'));
    const file = join(dir, 'blahdo.pb.gz');
    const run = spawnSync(process.execPath, [gomemBin, 'run', 'blahdo', '--memprofile', file], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const top = spawnSync('go', ['tool', 'pprof', '-top', '-sample_index=alloc_space', file], { encoding: 'utf8' });
    expect(top.status).toBe(0);
    expect(top.stdout).toContain('Showing nodes accounting for 858.38MB, 100% of 858.38MB total');
    expect(top.stdout).toMatch(/858\.38MB\s+100%\s+100%\s+858\.38MB\s+100%\s+main\.bigBytes \(inline\)/);
    expect(top.stdout).toMatch(/0\s+0%\s+100%\s+858\.38MB\s+100%\s+main\.main/);
    const list = spawnSync('go', ['tool', 'pprof', '-list', '^main.main$', '-sample_index=alloc_space', file], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    // The line of the inlined call in main (the twin's `s := bigBytes()`).
    expect(list.stdout).toMatch(/858\.38MB\s+\d+:\s+go\.inline\('main\.bigBytes'/);
  });
});
