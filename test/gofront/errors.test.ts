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
  ['varlit', 'package main\n\nfunc main() {\n\tf := func(xs ...int) int { return len(xs) }\n\tprintln(f(1, 2))\n}\n', './varlit.go:4:7: gomem does not support variadic func literals and func types yet'],
  ['fallthrough', 'package main\n\nfunc main() {\n\tswitch {\n\tcase true:\n\t\tfallthrough\n\t}\n}\n', './fallthrough.go:6:3: cannot fallthrough final case in switch'],
  ['generic', 'package main\n\nfunc id[T any](x T) T { return x }\n\nfunc main() {\n\tf := id[int]\n\t_ = f(1)\n}\n', './generic.go:6:7: gomem does not support generic function values (F[int] not called) yet'],
  // Explicit instantiation, checked as go build checks it.
  ['generic2', 'package main\n\nfunc id[T any](x T) T { return x }\n\nfunc main() {\n\tvar s string = id[int](1)\n\t_ = s\n}\n', './generic2.go:6:17: cannot use id[int](1) (value of type int) as string value in variable declaration'],
  ['generic3', 'package main\n\nfunc pair[K, V any](k K, v V) V { return v }\n\nfunc main() {\n\t_ = pair[int, string](1, 2)\n}\n', './generic3.go:6:27: cannot use 2 (untyped int constant) as string value in argument to pair[int, string]'],
  // Type errors of the newer constructs, worded as go build words them.
  ['impl', 'package main\n\ntype S interface{ M() }\n\ntype T struct{}\n\nfunc (t *T) M() {}\n\nfunc main() {\n\tvar s S = T{}\n\t_ = s\n}\n', './impl.go:10:12: cannot use T{} (value of type T) as S value in variable declaration: T does not implement S (method M has pointer receiver)'],
  ['label', 'package main\n\nfunc main() {\nouter:\n\tfor {\n\t\tbreak\n\t}\n}\n', './label.go:4:1: label outer defined and not used'],
  ['complex', 'package main\n\nfunc main() {\n\tc := complex(1, 2)\n\t_ = c\n}\n', './complex.go:4:7: gomem does not support the builtin complex yet'],
  ['methodval', 'package main\n\ntype S interface{ M() }\n\ntype T struct{}\n\nfunc (t T) M() {}\n\nfunc main() {\n\tvar s S = T{}\n\tm := s.M\n\tm()\n}\n', './methodval.go:11:7: gomem does not support method values of interfaces yet'],
  ['pkg', 'package main\n\nimport "net/http"\n\nfunc main() {\n\t_ = http.StatusOK\n}\n', './pkg.go:3:8: gomem does not support package net/http yet'],
  // Elided composite-literal types where Go allows none.
  ['elidefield', 'package main\n\ntype S struct{ f []int }\n\nfunc main() {\n\ts := S{f: {1}}\n\t_ = s\n}\n', './elidefield.go:6:12: missing type in composite literal'],
  ['elideint', 'package main\n\nfunc main() {\n\ts := []int{{1}}\n\t_ = s\n}\n', './elideint.go:4:13: invalid composite literal type int'],
  ['elideinner', 'package main\n\ntype P struct{ x, y int }\n\nfunc main() {\n\tps := []*P{{1, "a"}}\n\t_ = ps\n}\n', './elideinner.go:6:17: cannot use "a" (untyped string constant) as int value in struct literal'],
  // The same name at the same depth of embedding: ambiguous, for fields and methods alike.
  ['ambfield', 'package main\n\ntype A struct{ f int }\n\ntype B struct{ f int }\n\ntype C struct {\n\tA\n\tB\n}\n\nfunc main() {\n\tvar c C\n\tprintln(c.f)\n}\n', './ambfield.go:14:12: ambiguous selector c.f'],
  ['ambmethod', 'package main\n\ntype A struct{}\n\nfunc (A) M() {}\n\ntype B struct{}\n\nfunc (*B) M() {}\n\ntype C struct {\n\tA\n\t*B\n}\n\nfunc main() {\n\tc := &C{}\n\tc.M()\n}\n', './ambmethod.go:18:4: ambiguous selector c.M'],
  ['ptrtype', 'package main\n\ntype C struct{}\n\nfunc main() {\n\tc := &C{}\n\tc.f = 2\n}\n', './ptrtype.go:7:4: c.f undefined (type *C has no field or method f)'],
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
