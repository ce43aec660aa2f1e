// VMA splitting and merging, and the VmFlags they carry, step by step against
// a real run on this machine (/tmp/k/pt/drv.c under setarch -R: a 64 MiB
// PROT_NONE reservation carved up by MAP_FIXED, mprotect and madvise; each
// step's VMAs below are that run's /proc/self/smaps, offsets from the base).

import { describe, expect, it } from 'vitest';
import {
  MADV_DONTNEED,
  MADV_HUGEPAGE,
  MADV_NOHUGEPAGE,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_PRIVATE,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  VM_FLAG_MNEMONICS,
  type Process,
} from '../../src/kernel/index.ts';
import { verify } from '../../src/kernel/export_test.ts';
import { HELLO, MiB, newMachine } from './helpers.ts';

const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;

function flags(f: number): string {
  const out: string[] = [];
  for (let b = 0; b < 32; b++) if (f & (1 << b) && VM_FLAG_MNEMONICS[b]) out.push(VM_FLAG_MNEMONICS[b]!);
  return out.join(' ');
}

/** The VMAs inside [base, base + 64 MiB) as "start-end perms flags [rss kB] [eligible]". */
function layout(p: Process, base: number): string[] {
  return p
    .vmas()
    .filter((v) => v.start >= base && v.end <= base + 64 * MiB)
    .map((v) => {
      const perms = (v.prot & PROT_READ ? 'r' : '-') + (v.prot & PROT_WRITE ? 'w' : '-') + '-p';
      const rss = v.rss ? ` rss=${v.rss / 1024}` : '';
      const thp = p.machine.thp.eligible(v) ? ' thp' : '';
      return `${(v.start - base).toString(16)}-${(v.end - base).toString(16)} ${perms} ${flags(v.vmFlags)}${rss}${thp}`;
    });
}

describe('VMA split and merge (real run, THP madvise mode)', () => {
  it('follows the measured sequence', () => {
    const p = newMachine().spawn({ comm: 'drv', exe: HELLO });
    const base = p.mmap(0, 64 * MiB, PROT_NONE, ANON, -1, 0);
    const pte0 = p.vmPte;
    expect(layout(p, base)).toEqual(['0-4000000 ---p mr mw me']);

    p.mmap(base, 4 * MiB, RW, ANON | MAP_FIXED, -1, 0);
    expect(layout(p, base)).toEqual(['0-400000 rw-p rd wr mr mw me ac', '400000-4000000 ---p mr mw me']);

    p.mmap(base + 4 * MiB, 4 * MiB, RW, ANON | MAP_FIXED, -1, 0); // merges with the RW mapping below
    expect(layout(p, base)).toEqual(['0-800000 rw-p rd wr mr mw me ac', '800000-4000000 ---p mr mw me']);

    p.write(base, 1);
    expect(layout(p, base)).toEqual(['0-800000 rw-p rd wr mr mw me ac rss=4', '800000-4000000 ---p mr mw me']);
    expect(p.vmPte - pte0).toBe(4096);

    p.mprotect(base + 8 * MiB, 4096, RW); // gains VM_ACCOUNT and merges
    expect(layout(p, base)).toEqual(['0-801000 rw-p rd wr mr mw me ac rss=4', '801000-4000000 ---p mr mw me']);

    p.mprotect(base + 8 * MiB, 4096, PROT_NONE); // keeps VM_ACCOUNT: the VMA has an anon_vma
    expect(layout(p, base)).toEqual(['0-800000 rw-p rd wr mr mw me ac rss=4', '800000-801000 ---p mr mw me ac', '801000-4000000 ---p mr mw me']);

    p.madvise(base, 64 * MiB, MADV_DONTNEED); // over PROT_NONE too; frees the now empty PTE table
    expect(layout(p, base)).toEqual(['0-800000 rw-p rd wr mr mw me ac', '800000-801000 ---p mr mw me ac', '801000-4000000 ---p mr mw me']);
    expect(p.vmPte).toBe(pte0);

    p.munmap(base + 4096, 4096);
    p.munmap(base, 16384);
    expect(layout(p, base)).toEqual(['4000-800000 rw-p rd wr mr mw me ac', '800000-801000 ---p mr mw me ac', '801000-4000000 ---p mr mw me']);

    p.madvise(base + 8 * MiB, 4 * MiB, MADV_HUGEPAGE);
    expect(layout(p, base)).toEqual([
      '4000-800000 rw-p rd wr mr mw me ac',
      '800000-801000 ---p mr mw me ac hg',
      '801000-c00000 ---p mr mw me hg thp',
      'c00000-4000000 ---p mr mw me',
    ]);

    p.madvise(base + 8 * MiB, 2 * MiB, MADV_NOHUGEPAGE);
    expect(layout(p, base)).toEqual([
      '4000-800000 rw-p rd wr mr mw me ac',
      '800000-801000 ---p mr mw me ac nh',
      '801000-a00000 ---p mr mw me nh',
      'a00000-c00000 ---p mr mw me hg thp',
      'c00000-4000000 ---p mr mw me',
    ]);

    p.mprotect(base + 8 * MiB, 8192, RW); // both pages now "ac nh": one VMA
    expect(layout(p, base)).toEqual([
      '4000-800000 rw-p rd wr mr mw me ac',
      '800000-802000 rw-p rd wr mr mw me ac nh',
      '802000-a00000 ---p mr mw me nh',
      'a00000-c00000 ---p mr mw me hg thp',
      'c00000-4000000 ---p mr mw me',
    ]);

    p.write(base + 8 * MiB, 1);
    p.mprotect(base + 8 * MiB, 8192, PROT_NONE); // resident pages stay; VM_ACCOUNT stays
    expect(layout(p, base)).toEqual([
      '4000-800000 rw-p rd wr mr mw me ac',
      '800000-802000 ---p mr mw me ac nh rss=4',
      '802000-a00000 ---p mr mw me nh',
      'a00000-c00000 ---p mr mw me hg thp',
      'c00000-4000000 ---p mr mw me',
    ]);
    expect(p.vmPte - pte0).toBe(4096);
    verify(p);
  });

  it('drops VM_ACCOUNT on mprotect(PROT_NONE) of an anonymous VMA that never had a page', () => {
    const p = newMachine().spawn({ comm: 'drv', exe: HELLO });
    const a = p.mmap(0, 64 * 4096, RW, ANON, -1, 0);
    const c0 = p.machine.committedPages;
    p.mprotect(a, 64 * 4096, PROT_NONE);
    expect(flags(p.vmas().find((v) => v.start === a)!.vmFlags)).toBe('mr mw me');
    expect(p.machine.committedPages).toBe(c0 - 64);
    verify(p);
  });

  it('does not merge two neighbours whose anon_vmas differ, and merges when one has none', () => {
    const p = newMachine().spawn({ comm: 'drv', exe: HELLO });
    const a = p.mmap(0x100000000, 8192, RW, ANON, -1, 0);
    const b = p.mmap(0x100004000, 8192, RW, ANON, -1, 0);
    p.write(a, 1); // both get their own anon_vma
    p.write(b, 1);
    // fill the hole between them: the new VMA merges with one side only
    p.mmap(0x100002000, 8192, RW, ANON | MAP_FIXED, -1, 0);
    const pieces = p.vmas().filter((v) => v.start >= a && v.end <= b + 8192).map((v) => [v.start - a, v.end - a]);
    expect(pieces).toEqual([
      [0, 0x4000],
      [0x4000, 0x6000],
    ]);
    verify(p);
  });

  it('splits a huge page mapping when a VMA boundary falls inside it', () => {
    const p = newMachine().spawn({ comm: 'drv', exe: HELLO });
    const a = p.mmap(0, 4 * MiB, RW, ANON, -1, 0);
    p.madvise(a, 4 * MiB, MADV_HUGEPAGE);
    p.write(a, 1);
    expect(p.vmas().find((v) => v.start === a)!.anonHugePages).toBe(2 * MiB);
    p.mprotect(a + 4096, 4096, PROT_READ);
    const vs = p.vmas().filter((v) => v.start >= a && v.end <= a + 4 * MiB);
    expect(vs.map((v) => v.anonHugePages)).toEqual([0, 0, 0]);
    expect(vs.map((v) => v.rss / 1024)).toEqual([4, 4, 2040]);
    verify(p);
  });
});
