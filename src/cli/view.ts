// `gomem view FILE`: the browser view (web/) of a recorded trace, served on
// the loopback interface only. It serves two things: the built page (from
// web/dist, nothing outside it) and the one trace named on the command line,
// at /trace.gz. Like `go tool pprof -http`, it prints the URL and runs until
// interrupted. `gomem serve` (serve.ts) uses the same server with a trace
// still being written, streamed to the page at /live.

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
/** The path the page follows a trace still being written at (gomem serve). */
export const livePathOnServer = '/live';

/**
 * A trace being written while it is served: its bytes so far, in pieces of
 * whole records (TraceWriter.drain), and whether the run has ended. At /live
 * each piece goes out as a frame — its length as 4 bytes, big-endian, then
 * the bytes — first every piece so far, then each as it comes; the response
 * ends when the trace does. The pieces concatenated are the trace's bytes,
 * uncompressed (the file gomem run --trace writes is them gzipped).
 */
export class LiveTrace {
  readonly pieces: Uint8Array[] = [];
  done = false;
  private readonly listeners = new Set<() => void>();

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.pieces.push(bytes);
    for (const f of this.listeners) f();
  }

  end(): void {
    this.done = true;
    for (const f of this.listeners) f();
  }

  /** Calls f when a piece comes or the trace ends; returns the unsubscribe. */
  watch(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** The whole trace so far. */
  bytes(): Uint8Array {
    return Buffer.concat(this.pieces);
  }
}

function frame(piece: Uint8Array): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(piece.length, 0);
  return Buffer.concat([head, piece]);
}

/** Streams a live trace to one response: the pieces so far, then each new one, until the trace ends or the page goes. */
function streamLive(live: LiveTrace, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  let sent = 0;
  const pump = (): void => {
    while (sent < live.pieces.length) res.write(frame(live.pieces[sent++]!));
    if (live.done) {
      stop();
      res.end();
    }
  };
  const stop = live.watch(pump);
  res.on('close', stop);
  pump();
}

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

/** The newest modification time of the files under dir (skipping build output, and the folders named in skip). */
function newest(dir: string, skip: readonly string[] = []): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules' || skip.includes(e.name)) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Makes sure web/dist holds the page built from the sources as they are:
 * builds it with vite when it is missing or older than web/ or src/ (the
 * page bundles the trace reader, and its what-if Worker the model itself
 * and the Go front end: go, runtime, kernel, sim, scenarios, trace,
 * gofront; not the CLI).
 */
export function ensureBuilt(log: (s: string) => void): void {
  const index = join(webDist, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : -1;
  const sources = Math.max(newest(join(repoRoot, 'web')), newest(join(repoRoot, 'src'), ['cli']));
  if (built >= sources) return;
  let vite: string;
  try {
    vite = join(createRequire(import.meta.url).resolve('vite/package.json'), '..', 'bin', 'vite.js');
  } catch {
    if (built >= 0) {
      log('gomem view: web/dist is older than web/ or src/ and vite is not installed to rebuild it; serving it as it is\n');
      return;
    }
    throw new UsageError('the browser view is not built (web/dist) and vite is not installed: run npm ci && npm run build:web');
  }
  log(`gomem view: building the page (${built < 0 ? 'web/dist is missing' : 'web/ or src/ changed since web/dist was built'})…\n`);
  const r = spawnSync(process.execPath, [vite, 'build', '--config', join(repoRoot, 'web', 'vite.config.ts'), '--logLevel', 'error'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 || !existsSync(index)) throw new UsageError('building the browser view failed (npm run build:web shows why)');
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
  res.end(`${text}\n`);
}

export interface ViewServerOptions {
  /** A trace file, served at /trace.gz as its bytes … */
  trace?: string;
  /** … or a trace being written, streamed at /live (gomem serve). */
  live?: LiveTrace;
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
    if (path === livePathOnServer && o.live !== undefined) {
      if (req.method === 'HEAD') {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
        return res.end();
      }
      return streamLive(o.live, res);
    }
    if (path === tracePathOnServer && o.trace !== undefined) {
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
    url: o.live !== undefined ? `http://${h}:${port}/#live=${livePathOnServer.slice(1)}` : `http://${h}:${port}/#trace=${tracePathOnServer.slice(1)}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        // An open page keeps its connection alive; closing must not wait for the tab.
        server.closeAllConnections();
      }),
  };
}

export interface ServeFlags {
  port: string;
  host: string;
}

/** The --host and --port of a command that serves the page (view, serve), checked: loopback only. */
export function serveAddress(command: string, flags: ServeFlags): { host: string; port: number } {
  if (!isLoopback(flags.host)) throw new UsageError(`--host ${flags.host}: gomem ${command} serves on the loopback interface only (127.0.0.1, ::1, localhost)`);
  const port = Number(flags.port);
  if (!/^\d+$/.test(flags.port) || port > 65535) throw new UsageError(`--port ${flags.port}: want a port number, 0 to 65535`);
  return { host: flags.host.replace(/^\[|\]$/g, ''), port };
}

/** The --port and --host options of a command that serves the page. */
export function addServeOptions(cmd: Command): Command {
  return cmd
    .option('--port <N>', 'the port to serve on (default: any free one)', '0')
    .option('--host <ADDR>', 'a loopback address to serve on: 127.0.0.1, ::1 or localhost', '127.0.0.1');
}

/** Starts the server, turning a failure to listen into a one-line error. */
export async function listen(o: ViewServerOptions): Promise<Awaited<ReturnType<typeof startViewServer>>> {
  try {
    return await startViewServer(o);
  } catch (e) {
    throw new UsageError(`cannot serve on ${o.host}:${o.port}: ${(e as Error).message}`);
  }
}

/** Serves until SIGINT or SIGTERM, then closes the server. */
export function serveUntilStopped(server: { close: () => Promise<void> }, onStop: () => void = () => {}): Promise<void> {
  return new Promise<void>((ok) => {
    const stop = (): void => {
      onStop();
      void server.close().then(ok);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

export function registerView(program: Command): void {
  addServeOptions(
    program
      .command('view')
      .description('open a trace (gomem run … --trace FILE) in the browser view, served on 127.0.0.1 only')
      .argument('<file>', 'a trace file written by gomem run --trace'),
  ).action(async (file: string, flags: ServeFlags) => {
    const { host, port } = serveAddress('view', flags);
    if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${file}: no such trace file`);
    ensureBuilt((s) => process.stderr.write(s));
    const server = await listen({ trace: resolve(file), host, port });
    process.stdout.write(`gomem view: ${file} at ${server.url}\n`);
    process.stdout.write('(Ctrl-C stops it)\n');
    await serveUntilStopped(server);
  });
}
