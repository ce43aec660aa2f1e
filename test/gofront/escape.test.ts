// gomem build -m against the real compiler's go build -gcflags=-m on a
// corpus (test/gofront/escape/*.go, the in-subset cases of Go's own
// $GOROOT/test/escape*.go in test/gofront/escape/goroot/, compiled with
// the flags their headers name (-l: no inlining, on both sides), and the
// reality cases the front end runs), scored on escape lines only: "escapes to heap", "does not escape",
// "moved to heap", "leaking param". Inlining lines are not scored, nor the
// lines of the standard library's inlined bodies ("func literal does not
// escape" from log.Println). Needs Go; says SKIPPED without it.

import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGoFile } from '../../src/cli/gosource.ts';
import { compileGo, escapeLines } from '../../src/gofront/compile.ts';
import { loadGoGrammar } from '../../src/gofront/grammar_node.ts';
import { goStderr } from './go_build.ts';

function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const scored = /(escapes to heap|does not escape|moved to heap: |leaking param)/;

/** The compiler's flags a file of Go's own test suite names in its header (`// errorcheck -0 -m -l`): -l disables inlining. */
function noInline(file: string): boolean {
  return /^\/\/ errorcheck .*-l\b/.test(readFileSync(file, 'utf8').split('\n')[0]!);
}

async function realLines(file: string): Promise<string[]> {
  const dir = dirname(file);
  const flags = noInline(file) ? '-gcflags=-m -l' : '-gcflags=-m';
  const args = basename(file) === 'main.go' ? ['build', flags, '-o', '/dev/null', '.'] : ['build', flags, '-o', '/dev/null', basename(file)];
  const stderr = await goStderr(dir, args);
  const prefix = `./${basename(file)}:`;
  // In a file without func literals, "func literal" lines are the standard library's (log.Println's inlined body).
  const hasLits = /(=|\(|,|return|go|defer)\s*func\s*\(/.test(readFileSync(file, 'utf8'));
  const own = (l: string): boolean => hasLits || !l.includes('func literal');
  return stderr.split('\n').filter((l) => l.startsWith(prefix) && scored.test(l) && own(l));
}

async function gomemLines(file: string): Promise<string[]> {
  const compiled = noInline(file) ? compileGo(await loadGoGrammar(), `./${basename(file)}`, readFileSync(file, 'utf8'), { noInline: true }) : await compileGoFile(file);
  return escapeLines(compiled).filter((l) => scored.test(l));
}

const corpusDir = resolve('test/gofront/escape');
const langDir = resolve('test/gofront/lang');
const gorootDir = resolve('test/gofront/escape/goroot');
const corpus = [
  ...readdirSync(corpusDir).filter((f) => f.endsWith('.go')).map((f) => join(corpusDir, f)),
  ...readdirSync(gorootDir).filter((f) => f.endsWith('.go')).map((f) => join(gorootDir, f)),
  ...readdirSync(langDir).filter((f) => f.endsWith('.go')).map((f) => join(langDir, f)),
  ...readdirSync(resolve('reality/cases'))
    .filter((c) => c !== 'gin-idle')
    .map((c) => resolve(`reality/cases/${c}/main.go`)),
];

/**
 * Mismatches known and explained: the list in docs/fidelity/gofront.md's
 * `escape-mismatches` block (corpus-relative file, then the line), each
 * with its cause in the text above the block.
 */
const known = /```escape-mismatches\n([\s\S]*?)```/.exec(readFileSync(resolve('docs/fidelity/gofront.md'), 'utf8'))![1]!.split('\n').filter((l) => l !== '');

const hasGo = goAvailable();
if (!hasGo) console.log('SKIPPED: escape analysis against go build -gcflags=-m (go is not installed)');

describe.skipIf(!hasGo)('escape analysis against go build -gcflags=-m', () => {
  it('matches the compiler on at least 95% of its escape lines, listing every mismatch', { timeout: 600_000 }, async () => {
    let total = 0;
    let matched = 0;
    const mismatches: string[] = [];
    for (const file of corpus) {
      const real = await realLines(file);
      const ours = new Set(await gomemLines(file));
      total += real.length;
      for (const l of real) {
        if (ours.has(l)) matched++;
        else mismatches.push(`${file}: missing ${l}`);
      }
      for (const l of ours) if (!real.includes(l)) mismatches.push(`${file}: extra ${l}`);
    }
    console.log(`escape lines: ${matched}/${total} of the compiler's matched; ${mismatches.length} mismatches${mismatches.map((m) => `\n  ${m}`).join('')}`);
    expect(total).toBeGreaterThan(40);
    expect(matched / total).toBeGreaterThanOrEqual(0.95);
    expect(mismatches.filter((m) => !known.some((k) => m.endsWith(k)))).toEqual([]);
  });
});
