// Generated files must be what their generators produce now (EXAMPLES.md
// habit 7): regenerating changes nothing.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function check(script: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--check'], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

describe('generated files are fresh', () => {
  for (const script of ['scripts/mksizeclasses.ts', 'scripts/mkpkginit.ts', 'scripts/sync-binaries.ts', 'scripts/mklive.ts', 'scripts/mkprograms-doc.ts']) {
    it(script, () => {
      expect(check(script)).toEqual({ status: 0, stderr: '' });
    });
  }
});
