// gomem explain (issue 10, item 3): at every checkpoint of every built-in
// scenario, the RSS lines sum to VmRSS and the VSZ lines to VmSize exactly,
// and each line agrees with an independent source read at the same instant:
// the smaps of the mappings it covers (Rss, LazyFree, AnonHugePages) and
// MemStats (HeapAlloc, HeapInuse, HeapIdle, HeapReleased, StackInuse, GCSys, …).
// The checks are in helpers/explain_check.ts; each scenario runs in a child
// process, since the heavy ones block longer than vitest's worker allows.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explain } from '../../src/go/explain.ts';
import { GoProcess } from '../../src/go/process.ts';
import { scenarios } from '../../src/scenarios/index.ts';
import { type Case, line, runAll } from './helpers/explain_check.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// Every built-in scenario with its defaults; container-oom shortened (its --opt seconds);
// plus the release and huge-page variants that exercise the lazyfree and THP lines.
const cases: Case[] = [...scenarios.keys()].map((name) => (name === 'container-oom' ? { name, opts: { options: { seconds: '30' } } } : { name }));
cases.push({ name: 'idle-after-burst', opts: { env: { GODEBUG: 'madvdontneed=0' } } });
cases.push({ name: 'big-slice-freeos', opts: { env: { GODEBUG: 'madvdontneed=0' } } });
cases.push({ name: 'big-slice-gc', opts: { thp: 'always' } });
cases.push({ name: 'idle-after-burst', opts: { thp: 'always' } });

function inChild(c: Case): Promise<{ checkpoints?: number; reports?: number; error?: string }> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of ['GOGC', 'GOMEMLIMIT', 'GOMAXPROCS', 'GODEBUG']) delete env[k];
  const args = ['--import', 'tsx', 'test/go/helpers/explain_check.ts', c.name, ...(c.opts ? [JSON.stringify(c.opts)] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as { checkpoints?: number; reports?: number; error?: string });
      } catch {
        reject(new Error(`explain_check ${c.name}: ${out}${err}`));
      }
    });
  });
}

describe('gomem explain', () => {
  it('covers every built-in scenario', () => {
    expect(new Set(cases.map((c) => c.name))).toEqual(new Set(scenarios.keys()));
  });

  for (const c of cases) {
    const label = `${c.name}${c.opts?.env ? ` ${JSON.stringify(c.opts.env)}` : ''}${c.opts?.thp ? ` thp=${c.opts.thp}` : ''}${c.opts?.options ? ` ${JSON.stringify(c.opts.options)}` : ''}`;
    it(`${label}: every checkpoint sums exactly and agrees with smaps and MemStats`, { timeout: 900_000 }, async () => {
      const r = await inChild(c);
      expect(r.error).toBeUndefined();
      expect(r.checkpoints).toBeGreaterThan(0);
      expect(r.reports).toBe(r.checkpoints);
    });
  }

  it('sees MADV_FREE and THP rounding where they happen', { timeout: 300_000 }, () => {
    const lazy = runAll({ name: 'big-slice-freeos', opts: { env: { GODEBUG: 'madvdontneed=0' } } }).reports;
    expect(lazy.some((r) => line(r, 'heap.released-lazyfree') > 100 * 1024 * 1024)).toBe(true);
    const thp = runAll({ name: 'idle-after-burst', opts: { thp: 'always' } }).reports;
    expect(thp.every((r) => line(r, 'heap.released-thp') > 0)).toBe(true);
    expect(thp.some((r) => r.rss.some((l) => (l.hugeBytes ?? 0) > 0))).toBe(true);
  });

  it('does not change the run: explain reads state only', () => {
    const outs: string[] = [];
    for (const withExplain of [false, true]) {
      let json = '';
      const p = new GoProcess(scenarios.get('size-rounding-gctrace')!, {
        stdout: () => {},
        stderr: () => {},
        onCheckpoint: (j, name, proc) => {
          if (withExplain) explain(proc, name);
          json += j + '\n';
        },
      });
      p.run();
      outs.push(json);
    }
    expect(outs[1]).toBe(outs[0]);
  });
});
