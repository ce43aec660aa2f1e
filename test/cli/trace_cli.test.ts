// gomem run --trace FILE as a user meets it: a gzipped trace carrying the
// program's source and settings, the same stdout as without it, and a bad
// path refused in one line before the run.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeTrace } from '../../src/trace/reader.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function gomem(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/gomem.js', ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gomem run --trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gomem-trace-'));

  it('writes a gzipped trace with the program, its source and the settings, and prints what an untraced run prints', () => {
    const file = join(dir, 'hello.trace');
    const args = ['run', 'hello', '--quiet', '--json', '--gogc', '50', '--opt', 'sleep=1s'];
    const traced = gomem([...args, '--trace', file]);
    const plain = gomem(args);
    expect(traced.status).toBe(0);
    expect(traced.stdout).toBe(plain.stdout);
    const bytes = readFileSync(file);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]); // gzip
    const t = decodeTrace(gunzipSync(bytes));
    expect(t.header.program).toMatchObject({ name: 'hello', scenario: 'hello', source: { path: 'src/scenarios/hello.ts' } });
    expect(t.header.program.source!.text).toContain("name: 'hello'");
    expect(t.header.settings).toMatchObject({ env: { GOGC: '50' }, options: { sleep: '1s' } });
    const names = t.records.filter((r) => r.kind === 'checkpoint').map((r) => (r as { name: string }).name);
    expect(names).toEqual(['start', 'after_println', 'after_sleep_1s', 'exit']);
    expect(t.records.some((r) => r.kind === 'output' && r.text === 'hi\n')).toBe(true);
  });

  it('refuses a directory or a missing parent in one line, before running anything', () => {
    for (const bad of [dir, join(dir, 'no', 'such', 'x.trace')]) {
      const r = gomem(['run', 'hello', '--quiet', '--trace', bad]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^gomem: --trace: /);
    }
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });
});
