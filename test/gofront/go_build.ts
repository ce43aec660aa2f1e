// `go build` run as a child process that does not block the test worker:
// the corpus tests build about a hundred files, a minute or more in all, and
// a worker whose event loop is held that long misses vitest's own messages
// ("Timeout calling onTaskUpdate", an unhandled error that fails the run).

import { spawn } from 'node:child_process';

/** The compiler's stderr for `go <args>` in dir (its exit status does not matter: errors are on stderr too). */
export function goStderr(dir: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', args, { cwd: dir, env: { ...process.env, GOFLAGS: '-mod=mod' }, stdio: ['ignore', 'ignore', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
