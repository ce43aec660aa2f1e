// Runs the Go side of the harness under vitest, so `npm test` covers it:
// the checkpoint helper's tests (no allocation per checkpoint, the init-cost
// contract of reality/checkpoint/ALLOCATIONS.md, the procfs parsers), a
// compile of every case, and bench/go's one-allocation-per-op check.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REALITY = fileURLToPath(new URL('.', import.meta.url));
const BENCH_GO = fileURLToPath(new URL('../bench/go', import.meta.url));
const haveGo = spawnSync('go', ['version']).status === 0;
const env = { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };

describe.skipIf(!haveGo)('Go side (needs Go 1.23; skipped when `go` is not installed)', () => {
  // Only the helper and the cases: other folders under reality/ are not ours.
  const pkgs = ['./checkpoint/...', './cases/...'];
  it('reality: go vet and go test of the helper and the cases (helper tests; every case compiles)', () => {
    const vet = spawnSync('go', ['vet', ...pkgs], { cwd: REALITY, env, encoding: 'utf8' });
    expect(vet.stderr + vet.stdout).toBe('');
    const r = spawnSync('go', ['test', '-count=1', ...pkgs], { cwd: REALITY, env, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok\s+gomem\/reality\/checkpoint/m);
  }, 120_000);

  it('bench/go: every benchmark body is exactly one heap allocation', () => {
    const r = spawnSync('go', ['test', '-count=1', '-run', 'TestOneAllocationPerOp', '.'], { cwd: BENCH_GO, env, encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  }, 120_000);
});
