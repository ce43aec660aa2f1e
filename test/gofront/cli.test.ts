// The CLI's Go-source paths: gomem run DIR (a package main of one or more files) and
// gomem build -m, whose escape lines for blahdo are the ones
// `go build -gcflags=-m` (go 1.23) prints for reality/cases/blahdo.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function gomem(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('node', ['bin/gomem.js', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gomem run and build on Go source', () => {
  it('run DIR compiles the directory\'s one .go file (bonus: 2500)', () => {
    const r = gomem(['run', 'reality/cases/bonus', '--quiet']);
    expect(r).toEqual({ status: 0, stdout: '2500\n', stderr: '' });
  });

  it('run DIR compiles a package of several files (test/gofront/lang/multi prints what real Go 1.23.5 printed)', () => {
    const r = gomem(['run', 'test/gofront/lang/multi', '--quiet']);
    expect(r).toEqual({ status: 0, stdout: readFileSync('test/gofront/lang/multi.out', 'utf8'), stderr: '' });
  });

  it('a directory of another package is refused in one line, as go run refuses it', () => {
    const r = gomem(['run', 'reality/checkpoint']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('gomem: reality/checkpoint: package checkpoint is not a main package\n');
  });

  it('build -m prints the compiler\'s escape lines for blahdo', () => {
    const r = gomem(['build', '-m', 'reality/cases/blahdo/main.go']);
    expect(r.status).toBe(0);
    const escapeLines = r.stderr.split('\n').filter((l) => /escapes to heap|does not escape|moved to heap|leaking param/.test(l));
    expect(escapeLines).toEqual([
      './main.go:21:2: moved to heap: s',
      './main.go:21:11: make([]byte, 100000000) escapes to heap',
      './main.go:25:15: mem does not escape',
      './main.go:27:13: ... argument does not escape',
      './main.go:27:17: mem.Alloc escapes to heap',
      './main.go:28:13: ... argument does not escape',
      './main.go:28:17: mem.TotalAlloc escapes to heap',
      './main.go:29:13: ... argument does not escape',
      './main.go:29:17: mem.HeapAlloc escapes to heap',
      './main.go:30:13: ... argument does not escape',
      './main.go:30:17: mem.HeapSys escapes to heap',
      './main.go:36:13: ... argument does not escape',
      './main.go:36:14: "memory baseline..." escapes to heap',
      './main.go:41:16: make([]byte, 100000000) escapes to heap',
      './main.go:43:15: ... argument does not escape',
      './main.go:43:16: "oh noes" escapes to heap',
      './main.go:48:13: ... argument does not escape',
      './main.go:48:14: "memory comparison..." escapes to heap',
    ]);
    expect(r.stderr.split('\n')[0]).toBe('./main.go:20:6: can inline bigBytes');
  });
});
