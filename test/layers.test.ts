// The layer rule of DESIGN.md: sim ← kernel ← runtime ← go ← trace ← gofront ← scenarios ← whatif ← import ← cli
// (trace/, the recorded event stream, observes the program layer and is read by the tools above it).
// An import from a lower layer into a higher one fails this test, and the
// runtime reaches the kernel only through mem_linux.ts (plus type imports).

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src', import.meta.url));
// src/index.ts, the public entry a program imports as 'gomem', sits on top of everything.
const order = ['sim', 'kernel', 'runtime', 'go', 'trace', 'gofront', 'scenarios', 'whatif', 'import', 'cli', 'index.ts'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

function layerOf(path: string): string {
  return relative(src, path).split('/')[0]!;
}

describe('layers', () => {
  const all = files(src);

  it('finds the source files', () => {
    expect(all.length).toBeGreaterThan(50);
  });

  it('no file imports from a higher layer', () => {
    const bad: string[] = [];
    for (const f of all) {
      const from = order.indexOf(layerOf(f));
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/^import\s[^;]*?from\s+'(\.[^']+)'/gms)) {
        const target = join(f, '..', m[1]!);
        const to = order.indexOf(layerOf(target));
        if (to > from) bad.push(`${relative(src, f)} imports ${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the runtime reaches the kernel only through mem_linux.ts (and type-only imports)', () => {
    const bad: string[] = [];
    for (const f of all.filter((x) => layerOf(x) === 'runtime')) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/^import\s+(type\s)?[^;]*?from\s+'(\.\.\/kernel[^']*)'/gms)) {
        if (m[1] === undefined && !f.endsWith('mem_linux.ts') && !f.endsWith('boot.ts')) bad.push(relative(src, f));
      }
    }
    expect(bad).toEqual([]);
  });

  it('the Go front end has no Node-only import outside grammar_node.ts (the browser compiles Go source too)', () => {
    const bad = all
      .filter((f) => layerOf(f) === 'gofront' && !f.endsWith('grammar_node.ts'))
      .filter((f) => /^import\s[^;]*?from\s+'node:/ms.test(readFileSync(f, 'utf8')));
    expect(bad.map((f) => relative(src, f))).toEqual([]);
  });

  it('nothing in src reads the host clock or Math.random', () => {
    // Except gomem serve's pacing of the pieces it streams to the page, in wall-clock time
    // while the model runs in a worker: the trace's bytes do not depend on it.
    const allowed = new Set(['cli/serve.ts']);
    const bad = all.filter((f) => !allowed.has(relative(src, f)) && /\b(Date\.now|performance\.now|process\.hrtime|Math\.random)\s*\(/.test(readFileSync(f, 'utf8')));
    expect(bad.map((f) => relative(src, f))).toEqual([]);
  });
});
