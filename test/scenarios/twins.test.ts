// The gomem twins of the reality cases written for the garbage collector
// (src/scenarios: live-heap.ts, alloc-churn.ts, blahdo-gctrace.ts,
// append-growth-gctrace.ts, size-rounding-gctrace.ts, stack-release.ts) and
// the fixed blahdo: each runs to the end with its case's environment, prints
// the checkpoints of its case.json in order, allocates what the Go program
// allocates (TotalAlloc at every checkpoint within the reality tolerance:
// the program's objects, whatever the collector frees), and — for a case
// run with GODEBUG=gctrace=1 — prints a gctrace line per cycle, so the
// gctrace comparison has something to judge. Each runs as `gomem run <case>
// --json` in a child process (so that a run of tens of seconds does not
// block the test worker). The cases whose twin was removed (alloc-churn,
// live-heap-gogc200, live-heap-memlimit, append-growth-gctrace: nothing
// but the reality comparison needed them) run from their Go source, as
// `npm run reality` runs every case, and are held to the same checks.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCase, loadRecording } from '../../reality/cases.ts';
import { parseCheckpoints } from '../../reality/checkpoint.ts';
import { compareCase } from '../../reality/compare.ts';
import { parseGctrace } from '../../reality/gctrace.ts';
import { wantsGctrace } from '../../reality/record.ts';
import { scenarios } from '../../src/scenarios/index.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const twins = [
  'blahdo',
  'blahdo-gctrace',
  'live-heap-steady',
  'live-heap-gogc50',
  'live-heap-gogc100',
  'live-heap-gogc200',
  'live-heap-memlimit',
  'alloc-churn',
  'alloc-churn-gctrace',
  'append-growth-gctrace',
  'size-rounding-gctrace',
  'stack-release',
];

/** `gomem run <name> --json` (the case's main.go when no twin remains) with exactly the case's Go settings. */
function run(name: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of ['GOGC', 'GOMEMLIMIT', 'GOMAXPROCS', 'GODEBUG']) delete env[k];
  Object.assign(env, loadCase(name).env);
  return new Promise((resolve, reject) => {
    const target = scenarios.has(name) ? name : `reality/cases/${name}/main.go`;
    const child = spawn(process.execPath, ['bin/gomem.js', 'run', target, '--json'], { cwd: ROOT, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

describe('the GC cases’ twins run as their Go programs do', () => {
  for (const name of twins) {
    it(name, async () => {
      const r = await run(name);
      expect(r.status, r.stderr.split('\n').find((l) => !l.startsWith('gc ')) ?? '').toBe(0);
      const { checkpoints } = parseCheckpoints(r.stdout);
      expect(checkpoints.map((c) => c.name)).toEqual(loadCase(name).checkpoints);
      const rows = compareCase(loadRecording(name)!, checkpoints, { onlyKeys: ['memstats.TotalAlloc'] });
      expect(rows.length).toBe(checkpoints.length);
      expect(rows.filter((x) => x.verdict !== 'ok').map((x) => `${x.checkpoint}: real ${x.real?.median}, gomem ${x.gomem}`)).toEqual([]);
      const gc = parseGctrace(r.stderr);
      expect(gc.malformed).toEqual([]);
      if (wantsGctrace(loadCase(name).env)) {
        expect(gc.lines.length).toBeGreaterThan(0);
        expect(gc.lines.map((l) => l.n)).toEqual(gc.lines.map((_, i) => i + 1));
      } else {
        expect(gc.lines).toEqual([]);
      }
    }, 180_000);
  }
});
