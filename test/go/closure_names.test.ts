// Go's names for the functions of a program file (panic traces): each
// marker sits in a function body, and the function around it must get the
// name the Go compiler gives its twin (checked against go1.23.5's
// tracebacks: main.helper.func1, main.main.func1.1, main.glob..func1).

import { describe, expect, it } from 'vitest';
import { functionAt, functionLiterals, goFuncName } from '../../src/go/closure_names.ts';

const code = `
function helper(n) {
  const check = (x) => { M_check(); };
  check(n);
  return [1].map(function () { M_mapfn(); });
}
const top = () => M_top();
[0].forEach(() => { M_anon1(); });
class Box extends Object {
  open() { M_open(); }
  get size() { return M_size(); }
  static make() { return new Box(\`{\${(() => M_tmpl())()}}\`); }
}
var prog = {
  name: "p",
  *main(go) {
    const re = /[}{]\\/(/g;
    const s = "function () { }";
    const run = () => {
      const inner = function () { M_inner(); };
      const deeper = async (y) => y + M_deeper();
    };
    const obj = { m() { M_objm(); } };
    M_main();
  },
  other: function* (go) { M_other(); },
};
(() => { M_anon2(); })();
`;

describe('closure names', () => {
  const lits = functionLiterals(code)!;
  const nameAt = (marker: string): string | null => {
    const f = functionAt(lits, code.indexOf(marker));
    return f === null ? null : goFuncName(f, lits);
  };

  it('tokenizes the code (strings, regexes and templates with braces included)', () => {
    expect(lits).not.toBeNull();
  });

  const cases: [string, string][] = [
    ['M_check', 'main.helper.func1'],
    ['M_mapfn', 'main.helper.func2'],
    ['M_top', 'main.top'],
    ['M_anon1', 'main.glob..func1'],
    ['M_open', 'main.(*Box).open'],
    ['M_size', 'main.(*Box).size'],
    ['M_tmpl', 'main.(*Box).make.func1'],
    ['M_inner', 'main.main.func1.1'],
    ['M_deeper', 'main.main.func1.2'],
    ['M_objm', 'main.main.func2'],
    ['M_main', 'main.main'],
    ['M_other', 'main.other'],
    ['M_anon2', 'main.glob..func2'],
  ];
  for (const [marker, name] of cases) {
    it(`${marker} is in ${name}`, () => {
      expect(nameAt(marker)).toBe(name);
    });
  }

  it('code outside every function has none', () => {
    expect(functionAt(lits, code.indexOf('var prog'))).toBeNull();
  });

  it('unbalanced code is not guessed at', () => {
    expect(functionLiterals('function f() { (')).toBeNull();
  });
});
