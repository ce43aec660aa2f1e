// What the whatif CLI tests share: gomem as a child process (the model's
// work stays out of the test's event loop), and a directory's files with
// their bytes, to compare two sweeps' outputs byte for byte.

import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../../..', import.meta.url));

export function gomem(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(process.execPath, ['bin/gomem.js', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 }, (e, stdout, stderr) => {
      const status = e === null ? 0 : typeof e.code === 'number' ? e.code : -1;
      ok({ status, stdout, stderr });
    });
  });
}

/** Every file under dir, by path relative to it, with its bytes. */
export function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}
