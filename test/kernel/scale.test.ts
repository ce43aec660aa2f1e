// Host-memory scale: what the model stores grows with pages touched, not
// with address space reserved or file size (counted structurally: page-state
// tables and page-cache chunks; timing lives in bench/pagetouch.ts).

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAP_ANONYMOUS, MAP_PRIVATE, MAP_SHARED, PROT_NONE, PROT_READ, PROT_WRITE } from '../../src/kernel/index.ts';
import { tableCounts, verify } from '../../src/kernel/export_test.ts';
import { HELLO, MiB, newMachine } from './helpers.ts';

const ANON = MAP_PRIVATE | MAP_ANONYMOUS;

describe('scale', () => {
  it('a terabyte reservation stores nothing per page', () => {
    const m = newMachine({ overcommitMemory: 1 });
    const p = m.spawn({ comm: 'x', exe: HELLO });
    const t0 = tableCounts(p);
    const a = p.mmap(0, 2 ** 40, PROT_NONE, ANON, -1, 0);
    p.mprotect(a, 2 ** 39, PROT_READ | PROT_WRITE);
    p.madvise(a, 2 ** 40, 4);
    expect(tableCounts(p)).toEqual(t0);
    expect(p.vmSize).toBeGreaterThan(2 ** 40);
    p.write(a + 2 ** 38, 1);
    expect(tableCounts(p).pte).toBe(t0.pte + 1);
    verify(p);
  });

  it('600 MiB touched page by page: 300 page-state tables of 512 bytes', () => {
    const m = newMachine();
    const p = m.spawn({ comm: 'x', exe: HELLO });
    const a = p.mmap(0, 600 * MiB, PROT_READ | PROT_WRITE, ANON, -1, 0);
    for (let off = 0; off < 600 * MiB; off += 4096) p.write(a + off, 1);
    expect(tableCounts(p).pte).toBe(2 + 300);
    expect(p.vmRss / 1024).toBe(614400 + 8);
  });

  it('a 100 GiB file with a few cached windows keeps a few 512-page chunks', () => {
    const m = newMachine();
    const f = m.fs.create('/huge', 100 * 1024 * MiB);
    const p = m.spawn({ comm: 'x', exe: HELLO });
    const a = p.mmap(0, 100 * 1024 * MiB, PROT_READ, MAP_SHARED, p.open('/huge'), 0);
    for (const gib of [0, 17, 99]) p.read(a + gib * 1024 * MiB, 1);
    expect(m.pageCache.cachedPages(f)).toBe(3 * 2048); // read-around windows of ra_pages (the first one starts at page 0)
    expect(m.pageCache.of(f).chunks.size).toBeLessThanOrEqual(13);
  });
});

describe('layering', () => {
  it('src/kernel imports only itself and src/sim', () => {
    const dir = new URL('../../src/kernel/', import.meta.url);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      for (const m of text.matchAll(/from '([^']+)'/g)) {
        const spec = m[1]!;
        expect(spec.startsWith('./') || spec.startsWith('../sim/') || spec.startsWith('node:'), `${f} imports ${spec}`).toBe(true);
      }
    }
  });
});
