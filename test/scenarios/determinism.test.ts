// Determinism: the same program, settings and seed give byte-identical
// output — every built-in scenario, run twice with every view enabled. The
// few whose one run takes tens of seconds are run as two `gomem run`
// processes side by side (same views: checkpoint lines, /proc/PID/status
// and smaps at each checkpoint, stderr, exit status), so that the test
// worker is not blocked for minutes.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderSmaps } from '../../src/kernel/index.ts';
import { GoProcess } from '../../src/go/process.ts';
import { scenarios } from '../../src/scenarios/index.ts';

function transcript(name: string): string {
  const out: string[] = [];
  const p = new GoProcess(scenarios.get(name)!, {
    env: { GOMAXPROCS: '2' },
    seed: 7,
    stdout: (s) => void out.push(`1> ${s}`),
    stderr: (s) => void out.push(`2> ${s}`),
    onCheckpoint: (json, cp, gp) => void out.push(`CHECKPOINT ${json}\n${gp.statusText()}${renderSmaps(gp.proc)}`, `at ${cp}\n`),
  });
  const r = p.run();
  out.push(JSON.stringify(r));
  return out.join('');
}

/** Scenarios that allocate millions of objects (live-heap-steady: 12.8M per run; container-oom: 7.8M over 8 virtual minutes). */
const heavy = new Set(['live-heap-steady', 'alloc-churn', 'live-heap-memlimit', 'container-oom']);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `gomem run <name> --json --status --smaps --seed 7` with GOMAXPROCS=2: everything it prints, and its status. */
function cliTranscript(name: string): Promise<string> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const k of ['GOGC', 'GOMEMLIMIT', 'GODEBUG']) delete env[k];
  env.GOMAXPROCS = '2';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/gomem.js', 'run', name, '--json', '--status', '--smaps', '--seed', '7'], { cwd: ROOT, env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (status) => resolve(`${Buffer.concat(out).toString('utf8')}stderr:\n${Buffer.concat(err).toString('utf8')}exit ${status}\n`));
  });
}

describe('every scenario is deterministic', () => {
  for (const name of scenarios.keys()) {
    if (heavy.has(name)) {
      it(name, async () => {
        const [a, b] = await Promise.all([cliTranscript(name), cliTranscript(name)]);
        expect(a.length).toBeGreaterThan(1000);
        expect(a).toMatch(/exit 0\n$/);
        expect(b).toBe(a);
      }, 240_000);
      continue;
    }
    it(name, async () => {
      // A macrotask first: runs of several seconds back to back must not starve the test
      // worker's messages to its runner (vitest reports "Timeout calling onTaskUpdate").
      await new Promise((r) => setImmediate(r));
      const a = transcript(name);
      expect(a.length).toBeGreaterThan(1000);
      await new Promise((r) => setImmediate(r));
      expect(transcript(name)).toBe(a);
    }, 120_000);
  }
});
