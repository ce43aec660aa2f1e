// Go programs of the subset's newer constructs (closures, interfaces, defer,
// select, the standard library's errors/strings/strconv/sync), run through
// the front end: their output must be what real Go prints. Each program
// measures what a construct allocates with runtime.ReadMemStats (Mallocs
// and TotalAlloc deltas) and prints the figures, so the expected output
// holds allocation counts too. The .out files are real Go 1.23.5's output
// (`go run prog.go > prog.out`, linux/amd64); a program that panics has its
// expected stderr's first line and exit status beside it in the test.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGoProgram } from '../../src/cli/gosource.ts';
import type { Program } from '../../src/go/program.ts';
import { GoProcess } from '../../src/go/process.ts';
import { compileGoPackage } from '../../src/gofront/compile.ts';
import { loadGoGrammar } from '../../src/gofront/grammar_node.ts';

const dir = resolve('test/gofront/lang');

/** A directory of lang/ is a package main of several files, compiled together (go build's order: by name). */
async function loadPackage(dir: string): Promise<Program> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.go')).sort();
  const c = compileGoPackage(await loadGoGrammar(), files.map((f) => ({ file: `./${f}`, text: readFileSync(join(dir, f), 'utf8') })));
  return c.program({ name: 'main', description: `Go package ${dir}`, checkpointHelper: false } as Omit<Program, 'main'>);
}

/** Programs whose .out real Go printed with settings in its environment (`GOMAXPROCS=1 go run pool.go`). */
const envs: Record<string, Record<string, string>> = {
  pool: { GOMAXPROCS: '1' },
};

async function run(file: string, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string; status: number }> {
  let stdout = '';
  let stderr = '';
  const p = statSync(file).isDirectory() ? await loadPackage(file) : await loadGoProgram(file);
  const r = new GoProcess(p, { env, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) }).run();
  return { stdout, stderr, status: r.status };
}

/**
 * Programs that end in an unrecovered panic: real Go's first stderr lines,
 * the file and line of each frame after them (Go prints the absolute path
 * and a PC offset, gomem the path as given and +0x0), and the exit status.
 */
const panics: Record<string, { stderr: string[]; lines: string[]; status: number }> = {
  panic: { stderr: ['panic: main.code(42)', '', 'goroutine 1 [running]:', 'main.main()'], lines: ['panic.go:15'], status: 2 },
};

describe('Go programs through the front end print what real Go 1.23.5 prints (allocation counts included)', () => {
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.go') || statSync(join(dir, x)).isDirectory())) {
    const name = f.replace(/\.go$/, '');
    it(name, { timeout: 60_000 }, async () => {
      const r = await run(join(dir, f), envs[name]);
      expect(r.stdout).toBe(readFileSync(join(dir, `${name}.out`), 'utf8'));
      const p = panics[name];
      if (p === undefined) {
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
      } else {
        const lines = r.stderr.split('\n');
        expect(lines.slice(0, p.stderr.length)).toEqual(p.stderr);
        const at = lines.filter((l) => l.startsWith('\t')).map((l) => /([^/]+\.go:\d+) \+0x/.exec(l)?.[1]);
        expect(at).toEqual(p.lines);
        expect(r.status).toBe(p.status);
      }
    });
  }
});
