// Checks helpers_gorand.ts (the port of Go's math/rand source used by the
// TestGcPacer port) against values printed by real Go 1.23.5:
// testdata/gorand/expected.txt, produced by testdata/gorand/main.go.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GoRand } from './helpers_gorand.ts';

const lines = readFileSync(new URL('./testdata/gorand/expected.txt', import.meta.url), 'utf8').trim().split('\n');

describe('Go math/rand rngSource', () => {
  for (const line of lines) {
    const [seed, kind, ...vals] = line.split(' ');
    it(`seed ${seed} ${kind}`, () => {
      const r = new GoRand(BigInt(seed!));
      if (kind === 'int63') {
        expect(vals.map(() => r.Int63().toString())).toEqual(vals);
      } else {
        const got: number[] = [];
        for (let i = 1; i <= 2000; i++) {
          const f = r.Float64();
          if (i === 1000 || i === 2000) got.push(f);
        }
        expect(got).toEqual(vals.map(Number));
      }
    });
  }
});
