// Opening a trace: from a URL or a file the user picked or dropped. The file
// is gzip (docs/trace-format.md); the browser's DecompressionStream undoes
// it, and src/trace/reader.ts decodes the rest, as the CLI's tools do.

import { type Trace, decodeTrace } from '../../src/trace/reader.ts';

async function gunzipIfNeeded(buf: ArrayBuffer): Promise<Uint8Array> {
  const head = new Uint8Array(buf, 0, Math.min(2, buf.byteLength));
  // A server may already have undone the gzip (Content-Encoding); the magic tells.
  if (head[0] !== 0x1f || head[1] !== 0x8b) return new Uint8Array(buf);
  const stream = new Blob([buf]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export async function loadTraceUrl(url: string): Promise<Trace> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  return decodeTrace(await gunzipIfNeeded(await res.arrayBuffer()));
}

export async function loadTraceFile(file: Blob): Promise<Trace> {
  return decodeTrace(await gunzipIfNeeded(await file.arrayBuffer()));
}

/**
 * Follows a trace still being written (gomem serve's /live): the response is
 * a sequence of frames, each a 4-byte big-endian length and that many bytes
 * of whole records. onBytes gets the trace so far (one growing buffer, a
 * prefix of the trace that decodes on its own) after each frame; the
 * promise resolves when the response ends, i.e. when the run has.
 */
export async function followTrace(url: string, onBytes: (trace: Uint8Array) => void): Promise<Uint8Array> {
  const res = await fetch(url, { cache: 'no-store' });
  if (!res.ok || res.body === null) throw new Error(`${url}: ${res.status} ${res.statusText}`);
  const reader = res.body.getReader();
  let pending = new Uint8Array(0); // bytes received, not yet a whole frame
  let trace = new Uint8Array(1 << 16);
  let len = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const joined = new Uint8Array(pending.length + value.length);
    joined.set(pending);
    joined.set(value, pending.length);
    let at = 0;
    let grew = false;
    while (joined.length - at >= 4) {
      const n = ((joined[at]! << 24) >>> 0) + (joined[at + 1]! << 16) + (joined[at + 2]! << 8) + joined[at + 3]!;
      if (joined.length - at - 4 < n) break;
      if (len + n > trace.length) {
        let cap = trace.length * 2;
        while (cap < len + n) cap *= 2;
        const next = new Uint8Array(cap);
        next.set(trace.subarray(0, len));
        trace = next;
      }
      trace.set(joined.subarray(at + 4, at + 4 + n), len);
      len += n;
      at += 4 + n;
      grew = true;
    }
    pending = joined.slice(at);
    if (grew) onBytes(trace.subarray(0, len));
  }
  if (pending.length > 0) throw new Error(`${url}: the stream ended inside a frame`);
  return trace.subarray(0, len);
}
