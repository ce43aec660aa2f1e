// Compile errors in the compiler's words and format, and constructs outside
// the subset named with their position: one line on stderr, exit status 2.
// The expected lines are go build's own (go 1.23) for the compile errors.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'gomem-gofront-'));

function run(name: string, src: string, cmd = 'run'): { status: number | null; stderr: string; stdout: string } {
  const file = join(dir, `${name}.go`);
  writeFileSync(file, src);
  const r = spawnSync('node', ['bin/gomem.js', cmd, ...(cmd === 'build' ? ['-m'] : []), file], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

const cases: [string, string, string][] = [
  ['undef', 'package main\n\nfunc main() {\n\tx = 1\n}\n', './undef.go:4:2: undefined: x'],
  ['unused', 'package main\n\nfunc main() {\n\tx := 1\n}\n', './unused.go:4:2: declared and not used: x'],
  ['imp', 'package main\n\nimport "fmt"\n\nfunc main() {\n}\n', './imp.go:3:8: "fmt" imported and not used'],
  ['mism', 'package main\n\nfunc main() {\n\tvar s string = 1\n\t_ = s\n}\n', './mism.go:4:17: cannot use 1 (untyped int constant) as string value in variable declaration'],
  ['types', 'package main\n\nfunc main() {\n\ta := 1\n\tb := "x"\n\tprintln(a + b)\n}\n', './types.go:6:10: invalid operation: a + b (mismatched types int and string)'],
  // Outside the subset (go build accepts these; gomem names them).
  ['goto', 'package main\n\nfunc main() {\n\tgoto end\n}\n', './goto.go:4:7: label end not defined'],
  ['globlit', 'package main\n\nvar f = func() int { return 1 }\n\nfunc main() {\n\tprintln(f())\n}\n', './globlit.go:3:9: gomem does not support func literals in package-level initialisers yet'],
  ['fallthrough', 'package main\n\nfunc main() {\n\tswitch {\n\tcase true:\n\t\tfallthrough\n\t}\n}\n', './fallthrough.go:6:3: cannot fallthrough final case in switch'],
  ['generic', 'package main\n\nfunc id[T any](x T) T { return x }\n\nfunc main() {\n\t_ = id[int](1)\n}\n', './generic.go:6:6: gomem does not support explicit instantiation of generic functions yet'],
  // Type errors of the newer constructs, worded as go build words them.
  ['impl', 'package main\n\ntype S interface{ M() }\n\ntype T struct{}\n\nfunc (t *T) M() {}\n\nfunc main() {\n\tvar s S = T{}\n\t_ = s\n}\n', './impl.go:10:12: cannot use T{} (value of type T) as S value in variable declaration: T does not implement S (method M has pointer receiver)'],
  ['label', 'package main\n\nfunc main() {\nouter:\n\tfor {\n\t\tbreak\n\t}\n}\n', './label.go:4:1: label outer defined and not used'],
  ['complex', 'package main\n\nfunc main() {\n\tc := complex(1, 2)\n\t_ = c\n}\n', './complex.go:4:7: gomem does not support the builtin complex yet'],
  ['methodval', 'package main\n\ntype S interface{ M() }\n\ntype T struct{}\n\nfunc (t T) M() {}\n\nfunc main() {\n\tvar s S = T{}\n\tm := s.M\n\tm()\n}\n', './methodval.go:11:7: gomem does not support method values of interfaces yet'],
  ['pkg', 'package main\n\nimport "net/http"\n\nfunc main() {\n\t_ = http.StatusOK\n}\n', './pkg.go:3:8: gomem does not support package net/http yet'],
];

describe('gomem run FILE.go: compile errors and unsupported constructs', () => {
  for (const [name, src, line] of cases) {
    it(`${name}: ${line}`, () => {
      const r = run(name, src);
      expect(r.stderr).toBe(`${line}\n`);
      expect(r.status).toBe(2);
    });
  }

  it('build -m reports the same error the same way', () => {
    const r = run('undef2', 'package main\n\nfunc main() {\n\ty = 2\n}\n', 'build');
    expect(r.stderr).toBe('./undef2.go:4:2: undefined: y\n');
    expect(r.status).toBe(2);
  });
});
