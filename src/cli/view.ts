// `gomem view FILE`: the browser view (web/) of a recorded trace, served on
// the loopback interface only. It serves two things: the built page (from
// web/dist, nothing outside it) and the one trace named on the command line,
// at /trace.gz. Like `go tool pprof -http`, it prints the URL and runs until
// interrupted.

import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { isIP } from 'node:net';
import { createRequire } from 'node:module';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './errors.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Where `npm run build:web` puts the page. */
export const webDist = join(repoRoot, 'web', 'dist');

/** The path the page fetches the trace from. */
export const tracePathOnServer = '/trace.gz';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Whether a --host is on the loopback interface: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * The file under root a request path names, or null when it names nothing
 * there: any '..' or '.' segment, a backslash or NUL (after percent-decoding),
 * and a symbolic link leading out of root are refused outright rather than
 * normalised, so no spelling of a path reaches a file outside.
 */
export function staticFile(root: string, urlPath: string): string | null {
  let p: string;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (!p.startsWith('/') || p.includes('\0') || p.includes('\\')) return null;
  if (p.split('/').some((s) => s === '..' || s === '.')) return null;
  const base = realpathSync(root);
  let full = resolve(base, `.${p}`);
  if (full !== base && !full.startsWith(base + sep)) return null;
  if (!existsSync(full)) return null;
  if (statSync(full).isDirectory()) full = join(full, 'index.html');
  if (!existsSync(full)) return null;
  const real = realpathSync(full);
  if (!real.startsWith(base + sep)) return null;
  return statSync(real).isFile() ? real : null;
}

/** The newest modification time of the files under dir (skipping build output). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Makes sure web/dist holds the page built from the sources as they are:
 * builds it with vite when it is missing or older than web/ or src/trace.
 */
export function ensureBuilt(log: (s: string) => void): void {
  const index = join(webDist, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : -1;
  const sources = Math.max(newest(join(repoRoot, 'web')), newest(join(repoRoot, 'src', 'trace')));
  if (built >= sources) return;
  let vite: string;
  try {
    vite = join(createRequire(import.meta.url).resolve('vite/package.json'), '..', 'bin', 'vite.js');
  } catch {
    if (built >= 0) {
      log('gomem view: web/dist is older than web/ and vite is not installed to rebuild it; serving it as it is\n');
      return;
    }
    throw new UsageError('the browser view is not built (web/dist) and vite is not installed: run npm ci && npm run build:web');
  }
  log(`gomem view: building the page (${built < 0 ? 'web/dist is missing' : 'web/ changed since web/dist was built'})…\n`);
  const r = spawnSync(process.execPath, [vite, 'build', '--config', join(repoRoot, 'web', 'vite.config.ts'), '--logLevel', 'error'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 || !existsSync(index)) throw new UsageError('building the browser view failed (npm run build:web shows why)');
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(`${text}\n`);
}

export interface ViewServerOptions {
  trace: string;
  host: string;
  port: number;
  root?: string;
}

/** Starts the server; resolves with it and its URL once it listens. */
export async function startViewServer(o: ViewServerOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const root = o.root ?? webDist;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
    // A page elsewhere that resolves its own name to 127.0.0.1 (DNS rebinding) sends its own Host: refuse it.
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!isLoopback(host)) return send(res, 403, 'forbidden host');
    const raw = req.url ?? '';
    const path = raw.split('?')[0]!;
    if (path === tracePathOnServer) {
      const size = statSync(o.trace).size;
      // The gzip is the file's own format, not a transfer encoding: the page gunzips it itself.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      if (req.method === 'HEAD') return res.end();
      createReadStream(o.trace).pipe(res);
      return;
    }
    const file = staticFile(root, path);
    if (file === null) return send(res, 404, 'not found');
    res.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream', 'content-length': statSync(file).size, 'x-content-type-options': 'nosniff' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(o.port, o.host, () => ok());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : o.port;
  const h = o.host.includes(':') && !o.host.startsWith('[') ? `[${o.host}]` : o.host;
  return {
    url: `http://${h}:${port}/#trace=${tracePathOnServer.slice(1)}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        // An open page keeps its connection alive; closing must not wait for the tab.
        server.closeAllConnections();
      }),
  };
}

interface ViewFlags {
  port: string;
  host: string;
}

export function registerView(program: Command): void {
  program
    .command('view')
    .description('open a trace (gomem run … --trace FILE) in the browser view, served on 127.0.0.1 only')
    .argument('<file>', 'a trace file written by gomem run --trace')
    .option('--port <N>', 'the port to serve on (default: any free one)', '0')
    .option('--host <ADDR>', 'a loopback address to serve on: 127.0.0.1, ::1 or localhost', '127.0.0.1')
    .action(async (file: string, flags: ViewFlags) => {
      if (!isLoopback(flags.host)) throw new UsageError(`--host ${flags.host}: gomem view serves on the loopback interface only (127.0.0.1, ::1, localhost)`);
      const port = Number(flags.port);
      if (!/^\d+$/.test(flags.port) || port > 65535) throw new UsageError(`--port ${flags.port}: want a port number, 0 to 65535`);
      if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${file}: no such trace file`);
      ensureBuilt((s) => process.stderr.write(s));
      let server: Awaited<ReturnType<typeof startViewServer>>;
      try {
        server = await startViewServer({ trace: resolve(file), host: flags.host.replace(/^\[|\]$/g, ''), port });
      } catch (e) {
        throw new UsageError(`cannot serve on ${flags.host}:${port}: ${(e as Error).message}`);
      }
      process.stdout.write(`gomem view: ${file} at ${server.url}\n`);
      process.stdout.write('(Ctrl-C stops it)\n');
      await new Promise<void>((ok) => {
        const stop = (): void => {
          void server.close().then(ok);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
