// Where mmap(NULL, …) puts mappings: Linux's top-down allocator with 6.x's
// THP alignment, against the strace of the real Go 1.23.5 hello program on
// this machine under setarch -R (fixtures/hello-run.strace) and the
// /proc/self/maps it printed at the end of the same run (hello-run.maps).

import { describe, expect, it } from 'vitest';
import {
  MADV_NOHUGEPAGE,
  MAP_ANONYMOUS,
  MAP_FIXED,
  MAP_FIXED_NOREPLACE,
  MAP_NORESERVE,
  MAP_PRIVATE,
  PROT_EXEC,
  PROT_NONE,
  PROT_READ,
  PROT_WRITE,
  StraceWriter,
  mmapBase,
  renderMaps,
  type Process,
} from '../../src/kernel/index.ts';
import { verify } from '../../src/kernel/export_test.ts';
import { HELLO, MiB, fixture, newMachine } from './helpers.ts';

const NAMES: Record<string, number> = { PROT_READ, PROT_WRITE, PROT_EXEC, PROT_NONE, MAP_PRIVATE, MAP_ANONYMOUS, MAP_FIXED, MADV_NOHUGEPAGE };
const bits = (s: string): number => s.split('|').reduce((a, n) => a | (NAMES[n] ?? Number(n)), 0);

/** Replays strace lines (mmap, madvise) against a process; returns the model's results. */
function replay(p: Process, log: string): { line: string; want: number; got: number }[] {
  const out: { line: string; want: number; got: number }[] = [];
  for (const line of log.trim().split('\n')) {
    const m = /^(\w+)\((.*)\)\s+= (\S+)/.exec(line)!;
    const a = m[2]!.split(', ');
    const want = Number(m[3]);
    let got: number;
    if (m[1] === 'mmap') got = p.mmap(a[0] === 'NULL' ? 0 : Number(a[0]), Number(a[1]), bits(a[2]!), bits(a[3]!), Number(a[4]), Number(a[5]));
    else got = p.madvise(Number(a[0]), Number(a[1]), bits(a[2]!));
    out.push({ line, want, got });
  }
  return out;
}

const RW = PROT_READ | PROT_WRITE;
const ANON = MAP_PRIVATE | MAP_ANONYMOUS;

describe('mmap placement', () => {
  it('mmap_base without ASLR is TASK_SIZE − 128 MiB: 0x7ffff7fff000, with the vDSO just below', () => {
    expect(mmapBase(8 * MiB)).toBe(0x7ffff7fff000);
    const p = newMachine().spawn({ comm: 'hello', exe: HELLO });
    expect(p.vmas().find((v) => v.name === '[vvar]')!.start).toBe(0x7ffff7ff7000);
  });

  it('reproduces the Go runtime start-up sequence address for address', () => {
    const m = newMachine();
    const p = m.spawn({ comm: 'hello', exe: HELLO });
    for (const r of replay(p, fixture('hello-run.strace'))) expect(`${r.line} → 0x${r.got.toString(16)}`).toBe(`${r.line} → 0x${r.want.toString(16)}`);
    verify(p);
  });

  it('produces the same strace text as the real run', () => {
    const m = newMachine();
    const p = m.spawn({ comm: 'hello', exe: HELLO });
    const w = new StraceWriter(m.events);
    replay(p, fixture('hello-run.strace'));
    expect(w.text()).toBe(fixture('hello-run.strace'));
  });

  it('ends with the same /proc/self/maps as the real run (splits and merges included)', () => {
    const p = newMachine().spawn({ comm: 'hello', exe: HELLO });
    replay(p, fixture('hello-run.strace'));
    expect(renderMaps(p)).toBe(fixture('hello-run.maps'));
  });

  it('aligns anonymous mappings whose length is a multiple of 2 MiB (hand-worked from __thp_get_unmapped_area)', () => {
    const p = newMachine().spawn({ comm: 'hello', exe: HELLO });
    // 256 KiB: not aligned, directly below the vDSO at 0x7ffff7ff7000
    expect(p.mmap(0, 256 * 1024, RW, ANON, -1, 0)).toBe(0x7ffff7fb7000);
    // 8 MiB: padded search gives 0x7ffff7fb7000 − 10 MiB = 0x7ffff75b7000, rounded up to 0x7ffff7600000
    expect(p.mmap(0, 8 * MiB, PROT_NONE, ANON, -1, 0)).toBe(0x7ffff7600000);
    // 64 MiB: padded start 0x7ffff3400000 is already aligned, so top-down puts it 2 MiB higher
    expect(p.mmap(0, 64 * MiB, PROT_NONE, ANON, -1, 0)).toBe(0x7ffff3600000);
    // 3 MiB is not a multiple of 2 MiB: no alignment
    expect(p.mmap(0, 3 * MiB, RW, ANON, -1, 0)).toBe(0x7ffff3600000 - 3 * MiB);
  });

  it('uses a free hint as is and ignores an occupied one', () => {
    const p = newMachine().spawn({ comm: 'hello', exe: HELLO });
    expect(p.mmap(0xc000000000, 64 * MiB, PROT_NONE, ANON, -1, 0)).toBe(0xc000000000);
    // occupied: falls back to top-down (and a hinted mapping gets no THP alignment)
    expect(p.mmap(0xc000000000, 4 * MiB, RW, ANON, -1, 0)).toBe(0x7ffff7ff7000 - 4 * MiB);
    // an unaligned hint is rounded down to its page
    expect(p.mmap(0xd000000123, 4096, RW, ANON, -1, 0)).toBe(0xd000000000);
  });

  it('MAP_FIXED replaces, MAP_FIXED_NOREPLACE refuses an occupied range with EEXIST', () => {
    const p = newMachine().spawn({ comm: 'hello', exe: HELLO });
    const a = p.mmap(0, 16 * MiB, RW, ANON, -1, 0);
    expect(p.mmap(a + 4096, 4096, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0)).toBe(-17);
    expect(p.mmap(a + 4096, 4096, PROT_NONE, ANON | MAP_FIXED, -1, 0)).toBe(a + 4096);
    expect(p.vmas().filter((v) => v.start >= a && v.end <= a + 16 * MiB).map((v) => [v.start - a, v.end - a, v.prot])).toEqual([
      [0, 4096, RW],
      [4096, 8192, PROT_NONE],
      [8192, 16 * MiB, RW],
    ]);
    verify(p);
  });

  it('reserves a terabyte PROT_NONE (not charged) and refuses 2^47 bytes with ENOMEM', () => {
    const p = newMachine().spawn({ comm: 'hello', exe: HELLO });
    const a = p.mmap(0, 2 ** 40, PROT_NONE, ANON, -1, 0);
    // padded search: 0x7ffff7ff7000 − (2^40 + 2 MiB) = 0x7efff7df7000, rounded up to 2 MiB
    expect(a).toBe(0x7efff7e00000);
    expect(p.mmap(0, 2 ** 47, PROT_NONE, ANON, -1, 0)).toBe(-12);
    expect(p.mmap(0, 2 ** 40, RW, ANON | MAP_NORESERVE, -1, 0)).toBeGreaterThan(0);
    expect(p.vmSize).toBeGreaterThan(2 * 2 ** 40);
  });

  it('falls back to bottom-up from TASK_UNMAPPED_BASE when nothing below mmap_base fits', () => {
    const p = newMachine().spawn({ comm: 'hello', exe: HELLO });
    // Fill every gap below the vDSO (0x7ffff7ff7000) except the ELF image.
    expect(p.mmap(0x1000, 0x400000 - 0x1000, PROT_NONE, ANON | MAP_FIXED, -1, 0)).toBe(0x1000);
    expect(p.mmap(0x58f000, 0x7ffff7ff7000 - 0x58f000, PROT_NONE, ANON | MAP_FIXED, -1, 0)).toBe(0x58f000);
    // The only room left is above mmap_base, between the vDSO's end and the stack guard gap.
    expect(p.mmap(0, 64 * MiB + 4096, RW, ANON, -1, 0)).toBe(0x7ffff7fff000);
    // A multiple of 2 MiB: the padded (4 MiB) bottom-up search returns the aligned 0x7ffffc000000,
    // and since the mm's layout is top-down (MMF_TOPDOWN) the mapping goes 2 MiB above it.
    expect(p.mmap(0, 2 * MiB, RW, ANON, -1, 0)).toBe(0x7ffffc200000);
    expect(p.mmap(0, 64 * MiB, RW, ANON, -1, 0)).toBe(-12);
    verify(p);
  });
});
