// Determinism: the same program, settings and seed give byte-identical
// output — every built-in scenario, run twice with every view enabled.

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

describe('every scenario is deterministic', () => {
  for (const name of scenarios.keys()) {
    it(name, () => {
      const a = transcript(name);
      expect(a.length).toBeGreaterThan(1000);
      expect(transcript(name)).toBe(a);
    });
  }
});
