// gomem against real Go: the cases and keys the model must already match
// (issue 4's bar, before the garbage collector exists). gomem runs in
// process with each case's own environment; its CHECKPOINT lines go through
// the same comparator and tolerances as `npm run reality`. Each case runs
// from its own Go program (reality/cases/<name>/main.go, through the front
// end), as `npm run reality` runs it, so the bar holds for the program the
// recording was made from; gin-idle, outside the front end's subset, would
// run as its hand-written scenario (reality/run.ts: HAND_WRITTEN).

import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGoProgram } from '../src/cli/gosource.ts';
import { GoProcess } from '../src/go/process.ts';
import type { Program } from '../src/go/program.ts';
import { scenarios } from '../src/scenarios/index.ts';
import { parseCheckpoints } from './checkpoint.ts';
import { loadCase, loadRecording } from './cases.ts';
import { compareCase, type Row } from './compare.ts';
import { HAND_WRITTEN } from './run.ts';

async function programOf(name: string): Promise<Program> {
  if (!HAND_WRITTEN.has(name)) return loadGoProgram(resolve(`reality/cases/${name}/main.go`));
  const program = scenarios.get(name);
  if (!program) throw new Error(`no scenario ${name}`);
  return program;
}

async function runCase(name: string): Promise<string> {
  const program = await programOf(name);
  const out: string[] = [];
  const p = new GoProcess(program, {
    env: loadCase(name).env,
    stdout: (s) => void out.push(s),
    stderr: () => {},
    onCheckpoint: (json) => void out.push(`CHECKPOINT ${json}\n`),
  });
  const r = p.run();
  expect(r.status).toBe(0);
  return out.join('');
}

function bad(rows: Row[]): string[] {
  return rows
    .filter((r) => r.verdict === 'OUT' || r.verdict === 'missing')
    .map((r) => `${r.checkpoint} ${r.key}: real ${r.real ? `${r.real.median} (${r.real.min}–${r.real.max})` : '—'}, gomem ${r.gomem ?? '—'} (${r.verdict})`);
}

/**
 * Cases and the keys they must match (globs as in `npm run reality -- --only-keys`);
 * a third element limits the check to the named checkpoints.
 */
const bar: [string, string[], string[]?][] = [
  ['hello', ['proc.VmSize_kB', 'proc.VmRSS_kB', 'memstats.Sys', 'memstats.HeapSys', 'memstats.StackInuse']],
  ['busy-loop', ['proc.VmSize_kB', 'proc.VmRSS_kB', 'memstats.Sys', 'memstats.HeapSys', 'memstats.StackInuse']],
  // The heap's mappings (below 0x7f…; the 0x7f… metadata mappings change when a GC runs), RSS and HeapAlloc.
  ['big-slice', ['smaps_anon_ge1MiB[c0*', 'proc.VmRSS_kB', 'proc.RssAnon_kB', 'memstats.HeapAlloc']],
  ['mmap-file', ['proc.*', 'memstats.*', 'smaps_summary.*', 'smaps_anon_ge1MiB*']],
  // The workloads' own outputs. Real Go runs GCs during them (GOGC=100): heap totals after
  // that, and the allocations the first GC cycle itself makes, wait for the collector.
  ['append-growth', ['extra.*']],
  ['size-rounding', ['extra.size', 'extra.heapalloc_delta']],
  ['size-rounding-scan', ['extra.size', 'extra.obj_size', 'extra.heapalloc_delta']],
  // Before those workloads allocate (no GC yet in real Go either), everything matches.
  ['append-growth', ['memstats.*', 'metrics.*', 'proc.*', 'smaps_summary.*', 'smaps_anon_ge1MiB*'], ['start']],
  ['size-rounding', ['memstats.*', 'metrics.*', 'proc.*', 'smaps_summary.*', 'smaps_anon_ge1MiB*'], ['start']],
  // Every key of every checkpoint.
  ['hello', []],
  ['bonus', []],
  ['mmap-file', []],
];

describe('gomem matches real Go 1.23 (reality recordings)', () => {
  for (const [name, keys, at] of bar) {
    it(`${name}: ${keys.length ? keys.join(', ') : 'every key'}${at ? ` at ${at.join(', ')}` : ''}`, { timeout: 60_000 }, async () => {
      const rec = loadRecording(name);
      expect(rec, `reality/cases/${name}/recorded.json is missing`).not.toBeNull();
      const { checkpoints } = parseCheckpoints(await runCase(name));
      const rows = compareCase(rec!, checkpoints, { onlyKeys: keys }).filter((r) => !at || at.includes(r.checkpoint));
      expect(rows.length).toBeGreaterThan(0);
      expect(bad(rows)).toEqual([]);
    });
  }
});
