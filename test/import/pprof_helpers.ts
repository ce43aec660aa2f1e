// Shared by test/import/pprof.test.ts and prom.test.ts: the gomem command in
// a child process, and a workload with known figures whose runs on gomem
// (its heap profiles, its --prom scrapes) are imported back.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

/** `gomem ARGS` in `cwd`: its exit status and output. */
export function gomem(args: string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, 'bin/gomem.js'), ...args], { cwd, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), stdout, stderr });
    });
  });
}

/** 20 MiB/s of 48-byte pointerful, 1 KiB and 4 KiB noscan objects; a live set built to 24 MiB over 4 s, then held 4 s. */
export const knownWorkload = {
  format: 'gomem-workload/1',
  name: 'known',
  connections: 4,
  objects: [
    { size: 48, pointers: true, share: 0.2 },
    { size: 1024, pointers: false, share: 0.5 },
    { size: 4096, pointers: false, share: 0.3 },
  ],
  phases: [
    { duration: '4s', allocRate: '20MiB/s', requestRate: 500, live: ['0', '24MiB'] },
    { duration: '4s', allocRate: '20MiB/s', requestRate: 500, live: '24MiB' },
  ],
};
