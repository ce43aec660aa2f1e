// /proc/PID/smaps narrowed to the mappings one asks about, each entry byte
// for byte as smaps prints it (procfs.ts): `--smaps=heap`, `--smaps=ADDRESS`
// or `--smaps=PATH`.
//
//   heap     the anonymous mappings that overlap the address ranges the
//            caller names as its heap. The kernel does not know what a Go
//            heap is: the Go layer passes the runtime's heap arenas
//            (GoProcess.heapArenaRanges: 64 MiB each, from 0xc000000000 up),
//            whose mappings are the used rw-p part and the reserved ---p rest.
//   ADDRESS  the one mapping that contains it (hex, with or without 0x, as
//            maps prints addresses), [vsyscall] included; none if unmapped.
//   PATH     the mappings whose pathname column is exactly PATH: a file
//            ("/usr/local/bin/hello"), or a name in brackets ("[stack]").

import { renderSmaps, renderSmapsEntry } from './procfs.ts';
import type { Process } from './process.ts';
import type { Vma } from './vma.ts';

/** The gate VMA every x86_64 process lists last (procfs.ts prints it; it is not a VMA). */
const VSYSCALL_START = 0xffffffffff600000;
const VSYSCALL_END = 0xffffffffff601000;

export type SmapsFilter = { kind: 'heap' } | { kind: 'address'; addr: number } | { kind: 'path'; path: string };

/** Parses a --smaps= value; throws an Error with a one-line message naming what is accepted. */
export function parseSmapsFilter(text: string): SmapsFilter {
  const t = text.trim();
  if (t === 'heap') return { kind: 'heap' };
  if (t.startsWith('/') || (t.startsWith('[') && t.endsWith(']'))) return { kind: 'path', path: t };
  const hex = /^(0x)?([0-9a-f]+)$/i.exec(t);
  if (hex !== null && hex[2]!.length <= 16) return { kind: 'address', addr: Number.parseInt(hex[2]!, 16) };
  throw new Error(`--smaps: "${text}" is not heap, an address (0xc000000000) or a path (/usr/local/bin/hello, [stack])`);
}

/** The VMAs a filter selects, in address order (the [vsyscall] gate is not a VMA: see renderSmapsFiltered). */
export function selectSmapsVmas(p: Process, filter: SmapsFilter, heap: readonly (readonly [number, number])[] = []): Vma[] {
  const vmas = p.vmas();
  switch (filter.kind) {
    case 'heap':
      return vmas.filter((v) => v.isAnonymous && v.name === '' && heap.some(([lo, hi]) => v.start < hi && v.end > lo));
    case 'address':
      return vmas.filter((v) => v.start <= filter.addr && filter.addr < v.end);
    case 'path':
      return vmas.filter((v) => v.name === filter.path);
  }
}

/**
 * The smaps entries a filter selects ('' when none does). `heap` is the
 * address ranges of the program's heap, for the heap filter.
 */
export function renderSmapsFiltered(p: Process, filter: SmapsFilter | string, heap: readonly (readonly [number, number])[] = []): string {
  const f = typeof filter === 'string' ? parseSmapsFilter(filter) : filter;
  let out = '';
  for (const v of selectSmapsVmas(p, f, heap)) out += renderSmapsEntry(p, v);
  const gate = (f.kind === 'address' && f.addr >= VSYSCALL_START && f.addr < VSYSCALL_END) || (f.kind === 'path' && f.path === '[vsyscall]');
  if (gate) {
    const all = renderSmaps(p);
    out += all.slice(all.indexOf(`${VSYSCALL_START.toString(16)}-`));
  }
  return out;
}
