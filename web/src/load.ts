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
