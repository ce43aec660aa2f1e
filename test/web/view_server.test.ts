// gomem view's server (gomem serve's too), without a browser: loopback only
// (a non-loopback --host is a one-line usage error, exit 2), nothing served
// outside its own folder however the path is spelt, the trace at /trace.gz
// as its bytes, or a trace being written streamed at /live.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveTrace, isLoopback, staticFile, startViewServer } from '../../src/cli/view.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function gomem(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/gomem.js', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One raw HTTP/1.1 request, the path sent as written (fetch and http.get would normalise "..": the point is not to). */
function raw(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; body: string }> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1');
    let data = '';
    s.on('data', (d) => (data += d.toString('latin1')));
    s.on('end', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1]);
      ok({ status, body: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    s.on('error', fail);
    s.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
  });
}

describe('gomem view: flags', () => {
  it.each(['0.0.0.0', '192.168.1.10', '10.0.0.1', '::', 'example.com'])('refuses --host %s in one line, exit 2', (host) => {
    const r = gomem(['view', 'no-such.trace', '--host', host]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`gomem: --host ${host}: gomem view serves on the loopback interface only (127.0.0.1, ::1, localhost)\n`);
    expect(r.stdout).toBe('');
  });

  it('accepts loopback addresses only', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '128.0.0.1', '::ffff:127.0.0.1', 'localhost.example.com', '']) expect(isLoopback(h), h).toBe(false);
  });

  it('says so in one line when the trace file is missing, and when the port is not one', () => {
    expect(gomem(['view', 'no-such.trace'])).toMatchObject({ status: 2, stderr: 'gomem: no-such.trace: no such trace file\n' });
    expect(gomem(['view', 'no-such.trace', '--port', 'http'])).toMatchObject({ status: 2, stderr: 'gomem: --port http: want a port number, 0 to 65535\n' });
  });
});

describe.each(['view', 'serve'] as const)('gomem %s: serves nothing outside its folder', (mode) => {
  const dir = mkdtempSync(join(tmpdir(), 'gomem-view-'));
  const site = join(dir, 'site');
  const secret = 'SECRET-OUTSIDE-THE-SITE';
  let server: Awaited<ReturnType<typeof startViewServer>>;
  let port = 0;

  beforeAll(async () => {
    mkdirSync(join(site, 'assets'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>page</title>');
    writeFileSync(join(site, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), secret);
    writeFileSync(join(dir, 'site-secret.txt'), secret); // shares the site folder's name as a prefix
    symlinkSync(join(dir, 'secret.txt'), join(site, 'link.txt'));
    writeFileSync(join(dir, 'run.trace'), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    const live = new LiveTrace();
    live.push(Buffer.from([1, 2, 3]));
    server = await startViewServer(mode === 'view' ? { trace: join(dir, 'run.trace'), host: '127.0.0.1', port: 0, root: site } : { live, host: '127.0.0.1', port: 0, root: site });
    port = Number(new URL(server.url).port);
  });
  afterAll(() => server.close());

  it('serves the page and the trace, and prints a loopback URL naming the trace', async () => {
    expect(await raw(port, '/')).toMatchObject({ status: 200, body: '<!doctype html><title>page</title>' });
    expect(await raw(port, '/assets/app.js')).toMatchObject({ status: 200, body: 'console.log(1)' });
    if (mode === 'serve') {
      // The run goes on: /live is followed, /trace.gz is not there.
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#live=live$/);
      expect((await raw(port, '/trace.gz')).status).toBe(404);
      return;
    }
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#trace=trace\.gz$/);
    expect((await raw(port, '/live')).status).toBe(404);
    const t = await raw(port, '/trace.gz');
    expect(t.status).toBe(200);
    expect(Buffer.from(t.body, 'latin1')).toEqual(Buffer.from([0x1f, 0x8b, 1, 2, 3]));
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/..\\secret.txt',
    '/./../secret.txt',
    '/../site-secret.txt',
    '/link.txt',
    '/%00/../secret.txt',
    '/%',
    `${join(dir, 'secret.txt')}`,
    '//' + join(dir, 'secret.txt').slice(1),
  ])('refuses %s', async (path) => {
    const r = await raw(port, path);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain(secret);
  });

  it('refuses a request whose Host is not loopback (DNS rebinding)', async () => {
    expect((await raw(port, '/', 'attacker.example:80')).status).toBe(403);
  });

  it('staticFile maps a path inside the folder and nothing else', () => {
    expect(staticFile(site, '/assets/app.js')).toBe(join(site, 'assets', 'app.js'));
    expect(staticFile(site, '/')).toBe(join(site, 'index.html'));
    expect(staticFile(site, '/../secret.txt')).toBeNull();
    expect(staticFile(site, '/link.txt')).toBeNull();
    expect(staticFile(site, 'assets/app.js')).toBeNull();
  });
});
