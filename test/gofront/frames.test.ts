// Frame sizes against the real compiler: for every function of the escape
// corpus (test/gofront/escape/*.go, test/gofront/lang/*.go, the reality
// cases' main.go but gin-idle's), the `$N` of `go build -gcflags=-S`'s
// `TEXT main.f(SB), ABIInternal, $N-M` (the frame without the return
// address) against src/gofront/frames.ts's FrameModel. Generic instances
// are left out: the compiler names its shape instances
// (main.step[go.shape.struct { … }]) and keeps main.step[main.s8] as a
// dictionary wrapper, so names do not pair. Needs Go; says SKIPPED without
// it. The figures are in docs/fidelity.md; the issue's bar (90% equal, the
// rest within 16 bytes) is not reached yet: the floors below are today's
// measurement, so a change that moves frames away from the compiler's fails.

import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGoFile } from '../../src/cli/gosource.ts';
import { goStderr } from './go_build.ts';

function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Each function's $N from the compiler's assembly listing (its STEXT header's locals=). */
async function realFrames(file: string): Promise<Map<string, number>> {
  const dir = dirname(file);
  const args = basename(file) === 'main.go' ? ['build', '-gcflags=-S', '-o', '/dev/null', '.'] : ['build', '-gcflags=-S', '-o', '/dev/null', basename(file)];
  const stderr = await goStderr(dir, args);
  const out = new Map<string, number>();
  for (const line of stderr.split('\n')) {
    const m = /^(\S+) STEXT.* locals=0x([0-9a-f]+)/.exec(line);
    if (m) out.set(m[1]!, parseInt(m[2]!, 16));
  }
  return out;
}

const corpusDir = resolve('test/gofront/escape');
const langDir = resolve('test/gofront/lang');
const corpus = [
  ...readdirSync(corpusDir).filter((f) => f.endsWith('.go')).map((f) => join(corpusDir, f)),
  ...readdirSync(langDir).filter((f) => f.endsWith('.go')).map((f) => join(langDir, f)),
  ...readdirSync(resolve('reality/cases'))
    .filter((c) => c !== 'gin-idle')
    .map((c) => resolve(`reality/cases/${c}/main.go`)),
];

const hasGo = goAvailable();
if (!hasGo) console.log('SKIPPED: frame sizes against go build -gcflags=-S (go is not installed)');

describe.skipIf(!hasGo)('frame sizes against go build -gcflags=-S', () => {
  it('stack-10k: main.recurse is $88 (96 bytes with the return address), as the compiler lays it out', async () => {
    const file = resolve('reality/cases/stack-10k/main.go');
    expect((await realFrames(file)).get('main.recurse')).toBe(88);
    expect((await compileGoFile(file)).frameSizes().get('main.recurse')).toBe(88);
  });

  it('matches the compiler on the corpus: equal and within 16 bytes at least as often as measured, listing every difference', { timeout: 300_000 }, async () => {
    let total = 0;
    let equal = 0;
    let within16 = 0;
    let worst = { diff: 0, name: '' };
    const diffs: string[] = [];
    for (const file of corpus) {
      const real = await realFrames(file);
      const ours = (await compileGoFile(file)).frameSizes();
      for (const [name, n] of ours) {
        if (name.includes('[')) continue;
        const r = real.get(name);
        if (r === undefined) continue;
        total++;
        if (r === n) equal++;
        if (Math.abs(r - n) <= 16) within16++;
        if (Math.abs(r - n) > Math.abs(worst.diff)) worst = { diff: n - r, name: `${file}: ${name}` };
        if (r !== n) diffs.push(`${file}: ${name} $${r}, gomem $${n} (${n > r ? '+' : ''}${n - r})`);
      }
    }
    console.log(`frame sizes: ${total} functions, ${equal} equal (${((100 * equal) / total).toFixed(1)}%), ${within16} within 16 bytes (${((100 * within16) / total).toFixed(1)}%), worst ${worst.diff > 0 ? '+' : ''}${worst.diff} (${worst.name})${diffs.map((d) => `\n  ${d}`).join('')}`);
    expect(total).toBeGreaterThan(150);
    // Measured 2026-12-07: 151 of 221 equal (68.3%), 195 within 16 bytes (88.2%), worst +208 bytes. (Before the
    // programs of elided literals, ...any, package-level func literals, explicit instantiation, append(s, xs...) and
    // go/defer of variadic calls joined lang/: 138 of 198, 178 within 16; their 23 functions: 13 equal, 17 within 16, the
    // mains 32-128 bytes off, govariadic's add and logf 16 bytes short.)
    // lang/fmtstruct.go then: 222 functions, 151 equal (68.0%), 195 within 16 (87.8%); its main is $368, gomem $336
    // (32 bytes short; not investigated).
    expect(equal / total).toBeGreaterThanOrEqual(0.68);
    expect(within16 / total).toBeGreaterThanOrEqual(0.875);
  });
});
