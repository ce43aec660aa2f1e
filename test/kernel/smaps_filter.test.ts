// smaps narrowed by --smaps=heap | ADDRESS | PATH (src/kernel/smaps_filter.ts):
// each selected entry is the full smaps entry of that mapping, byte for byte.

import { describe, expect, it } from 'vitest';
import {
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_PRIVATE,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  parseSmapsFilter,
  renderSmaps,
  renderSmapsFiltered,
} from '../../src/kernel/index.ts';
import { HELLO, HELLO_PATH, newMachine } from './helpers.ts';

const MiB = 1 << 20;
const ARENA = 0xc000000000;

/** A process laid out as the Go runtime lays out its first heap arena: 64 MiB reserved at the hint, 4 MiB of it mapped rw. */
function goLike() {
  const m = newMachine();
  const p = m.spawn({ comm: 'hello', exe: HELLO });
  expect(p.mmap(ARENA, 64 * MiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)).toBe(ARENA);
  expect(p.mmap(ARENA, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)).toBe(ARENA);
  p.write(ARENA, 3 * 4096);
  // Something else anonymous, not heap: an off-heap mapping the runtime would make for metadata.
  p.mmap(0, 1 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return p;
}

/** The entries of a smaps text, each from its header line. */
function entries(text: string): string[] {
  return text.split(/(?=^[0-9a-f]+-[0-9a-f]+ )/m).filter((e) => e !== '');
}

describe('smaps filters', () => {
  it('parses heap, addresses (with or without 0x) and paths, and names what it accepts otherwise', () => {
    expect(parseSmapsFilter('heap')).toEqual({ kind: 'heap' });
    expect(parseSmapsFilter('0xc000001000')).toEqual({ kind: 'address', addr: 0xc000001000 });
    expect(parseSmapsFilter('c000001000')).toEqual({ kind: 'address', addr: 0xc000001000 });
    expect(parseSmapsFilter('/usr/local/bin/hello')).toEqual({ kind: 'path', path: '/usr/local/bin/hello' });
    expect(parseSmapsFilter('[stack]')).toEqual({ kind: 'path', path: '[stack]' });
    expect(() => parseSmapsFilter('heap2')).toThrow('--smaps: "heap2" is not heap, an address (0xc000000000) or a path (/usr/local/bin/hello, [stack])');
  });

  it('heap: the anonymous mappings over the ranges the caller names as its heap', () => {
    const p = goLike();
    const all = entries(renderSmaps(p));
    const heap = entries(renderSmapsFiltered(p, 'heap', [[ARENA, ARENA + 64 * MiB]]));
    expect(heap.map((e) => e.split('\n')[0])).toEqual(['c000000000-c000400000 rw-p 00000000 00:00 0 ', 'c000400000-c004000000 ---p 00000000 00:00 0 ']);
    for (const e of heap) expect(all).toContain(e);
    expect(heap[0]).toContain('\nRss:                  12 kB\n');
    expect(renderSmapsFiltered(p, 'heap')).toBe(''); // no ranges, no heap
  });

  it('an address: the one mapping containing it, the [vsyscall] gate included; nothing when unmapped', () => {
    const p = goLike();
    expect(entries(renderSmapsFiltered(p, '0xc000001234')).map((e) => e.split(' ')[0])).toEqual(['c000000000-c000400000']);
    expect(entries(renderSmapsFiltered(p, 'c000400000')).map((e) => e.split(' ')[0])).toEqual(['c000400000-c004000000']);
    expect(renderSmapsFiltered(p, '0xc004000000')).toBe('');
    const gate = renderSmapsFiltered(p, '0xffffffffff600000');
    expect(gate.startsWith('ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0')).toBe(true);
    expect(renderSmaps(p).endsWith(gate)).toBe(true);
  });

  it('a path: the mappings of that file, or of a named mapping', () => {
    const p = goLike();
    const bin = entries(renderSmapsFiltered(p, HELLO_PATH));
    expect(bin.length).toBe(3); // the hello binary's three PT_LOAD segments
    for (const e of bin) expect(e.split('\n')[0].endsWith(' ' + HELLO_PATH)).toBe(true);
    expect(entries(renderSmapsFiltered(p, '[stack]')).length).toBe(1);
    expect(renderSmapsFiltered(p, '/no/such/file')).toBe('');
  });
});
