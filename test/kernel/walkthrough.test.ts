// The Example 5-3 walk-through (examples/mmap-file.ts, `gomem demo mmap-file`)
// against real Go 1.23.5 runs on this machine under setarch -R:
//   fixtures/mmapfile-go.txt  /tmp/k/mf: syscall.Mmap of a 600 MiB fallocated file (cold cache),
//                             status and the mapping's smaps entry at each step
//   fixtures/anon600-go.txt   /tmp/k/ma: a 600 MiB anonymous mapping, bytes written at the same
//                             offsets and then all; second half with MADV_HUGEPAGE

import { describe, expect, it } from 'vitest';
import { formatWalkthrough, mmapFileWalkthrough } from '../../src/kernel/walkthrough.ts';
import { fixture } from './helpers.ts';

const kb = (line: string, key: string): number => Number(new RegExp(`${key}: (\\d+) kB`).exec(line)![1]);

describe('Example 5-3 walk-through', () => {
  const w = mmapFileWalkthrough({ path: '/tmp/k/big600', ino: 2146600 });

  it('file mapping: VmSize +614400 kB, RssFile +0, +64, +64, +0, then back (as the real Go program)', () => {
    const real = fixture('mmapfile-go.txt')
      .split('\n')
      .filter((l) => /^(start|mmap|read@\d+|munmap) /.test(l));
    expect(real.length).toBe(6);
    const realVm = real.map((l) => kb(l, 'VmSize'));
    const realFile = real.map((l) => kb(l, 'RssFile'));
    const d = (xs: number[]): number[] => xs.slice(1).map((x, i) => x - xs[i]!);
    expect(d(w.file.map((s) => s.vszKb))).toEqual(d(realVm)); // [+614400, 0, 0, 0, −614400]
    expect(d(w.file.map((s) => s.rssFileKb))).toEqual(d(realFile)); // [0, +64, +64, 0, −128]
    expect(d(realFile)).toEqual([0, 64, 64, 0, -128]);
  });

  it('the mapping’s smaps entry after the reads equals the real one, line for line', () => {
    const lines = fixture('mmapfile-go.txt').split('\n');
    const afterReads = lines.indexOf(lines.find((l) => l.startsWith('read@104000'))!);
    const real = lines.slice(afterReads + 1, afterReads + 26).map((l) => l.replace(/^ {4}/, '') + '\n').join('');
    expect(w.file[4]!.smaps).toBe(real);
  });

  it('anonymous mapping: the same address, +4 kB per written page, 614400 kB when all written', () => {
    const real = fixture('anon600-go.txt').split('\n').filter((l) => l !== '');
    const plain = real.slice(0, 5);
    const huge = real.slice(5);
    const mapping = (l: string): [string, number, number] => {
      const right = l.split(' || ')[1]!;
      return [right.split(' | ')[0]!, kb(right, 'Rss'), kb(right, 'AnonHugePages')];
    };
    const start = (0x7fff8bc00000).toString(16);
    expect(plain.map(mapping)).toEqual([
      [`${start}-7fffb1400000`, 0, 0],
      [`${start}-7fffb1400000`, 4, 0],
      [`${start}-7fffb1400000`, 8, 0],
      [`${start}-7fffb1400000`, 12, 0],
      [`${start}-7fffb1400000`, 614400, 0],
    ]);
    expect(w.anon.slice(1, 6).map((s) => [s.mappingRssKb, s.anonHugeKb])).toEqual(plain.map((l) => mapping(l).slice(1)));
    expect(w.anonHuge.slice(1, 6).map((s) => [s.mappingRssKb, s.anonHugeKb])).toEqual(huge.map((l) => mapping(l).slice(1)));
    expect(w.anon[1]!.smaps!.split('\n')[0]!.startsWith(`${start}-7fffb1400000 rw-p`)).toBe(true);
    expect(w.anonHuge[1]!.smaps).toContain('THPeligible:           1\nVmFlags: rd wr mr mw me ac hg \n');
    expect(w.anon[1]!.smaps).toContain('THPeligible:           0\nVmFlags: rd wr mr mw me ac \n');
  });

  it('prints ps rows and the tables', () => {
    const text = formatWalkthrough(w);
    expect(text).toContain('USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND');
    expect(text).toContain('  read @100000              1839908 (+0)         136 (+64)         128 (+64)         8192 (+0)\n');
    expect(text).toContain('  write @5000               1839908 (+0)      2056 (+2048)      2056 (+2048)      2048 (+2048)\n');
  });
});
