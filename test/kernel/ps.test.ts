// `ps aux` and `top` rows against lines captured on this machine (procps-ng
// 4.0.2): model processes are shaped to the real processes' numbers, then
// rendered.

import { describe, expect, it } from 'vitest';
import { MAP_ANONYMOUS, MAP_PRIVATE, PROT_NONE, PROT_READ, PROT_WRITE, renderPsHeader, renderPsRow, renderTopHeader, renderTopRow, type Process, type Machine } from '../../src/kernel/index.ts';
import { HELLO, newMachine } from './helpers.ts';

/** 2025-01-01 03:48:00 UTC: the processes below start at virtual time 0. */
const BOOT_0348 = 1735689600 + 3 * 3600 + 48 * 60;

/** Gives p the VSZ, anonymous RSS and file RSS (kB) of a real process. */
function shape(m: Machine, p: Process, vszKb: number, anonKb: number, fileKb: number): void {
  const filePages = fileKb / 4;
  if (filePages > 0) {
    m.fs.create(`/lib/f${p.pid}`, filePages * 4096);
    const f = p.mmap(0, filePages * 4096, PROT_READ, MAP_PRIVATE, p.open(`/lib/f${p.pid}`), 0);
    p.read(f, filePages * 4096);
  }
  const anonPages = anonKb / 4 - p.mm.rssAnon;
  const a = p.mmap(0, anonPages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  p.write(a, anonPages * 4096);
  const rest = vszKb * 1024 - p.vmSize;
  p.mmap(0, rest, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  expect([p.vmSize / 1024, p.rssAnon / 1024, p.rssFile / 1024]).toEqual([vszKb, anonKb, fileKb]);
}

describe('ps aux', () => {
  it('prints the header and rows as procps does, overflowing wide values', () => {
    const m = newMachine({ bootTime: BOOT_0348, firstPid: 11446 });
    const sl = m.spawn({ comm: 'sl', exe: HELLO, argv: ['./sl'] });
    m.spawn({ comm: 'sh', exe: HELLO });
    const big = m.spawn({ comm: 'sl', exe: HELLO, argv: ['./sl', 'big'] });
    shape(m, sl, 1224936, 412, 936);
    shape(m, big, 1487672, 206708 - 1064, 1064);
    sl.threads = 5;
    big.threads = 5;
    // 36 ticks of CPU in 151 ticks of life: procps' 36 × 1000 / 151 = 238 per mille.
    m.clock.advance(1.51e9);
    big.cputime.update(0.36e9, m.clock.now);
    expect(renderPsHeader()).toBe('USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND');
    expect(renderPsRow(sl)).toBe('root     11446  0.0  0.0 1224936 1348 ?        Sl   03:48   0:00 ./sl');
    expect(renderPsRow(big)).toBe('root     11448 23.8  0.8 1487672 206708 ?      Sl   03:48   0:00 ./sl big');
  });

  it('prints a small single-threaded process without overflow, and START as MmmDD after a day', () => {
    // captured: "root     10925  0.0  0.0   2920  1772 ?        S    03:48   0:00 sleep 3"
    const m = newMachine({ bootTime: BOOT_0348, firstPid: 10925 });
    const p = m.spawn({ comm: 'sleep', exe: HELLO, argv: ['sleep', '3'] });
    shape(m, p, 2920, 104, 1668);
    expect(renderPsRow(p)).toBe('root     10925  0.0  0.0   2920  1772 ?        S    03:48   0:00 sleep 3');
    m.clock.advance(2 * 24 * 3600e9);
    expect(renderPsRow(p)).toContain(' Jan01 ');
  });
});

describe('top', () => {
  it('prints rows as top -b does, scaling memory that does not fit', () => {
    // captured: "11446 root      20   0 1224936   1348    936 S   0.0   0.0   0:00.00 sl"
    //           "12619 root      20   0 1025.6g 339088   1132 R  16.7   1.4   0:01.04 big"
    const m = newMachine({ bootTime: BOOT_0348, firstPid: 11446 });
    const sl = m.spawn({ comm: 'sl', exe: HELLO });
    shape(m, sl, 1224936, 412, 936);
    expect(renderTopHeader()).toBe('  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND');
    expect(renderTopRow(sl)).toBe('11446 root      20   0 1224936   1348    936 S   0.0   0.0   0:00.00 sl');
    const m2 = newMachine({ bootTime: BOOT_0348, firstPid: 12619, overcommitMemory: 1 });
    const big = m2.spawn({ comm: 'big', exe: HELLO });
    shape(m2, big, 1075382568, 339088 - 1132, 1132);
    big.state = 'R';
    // top's %CPU was over its refresh interval; the model's first frame is over the process's life:
    // 104 ticks in the 6.22 s /proc/uptime has moved since the exec give the captured 16.7.
    m2.clock.advance(6.228e9);
    big.cputime.update(1.04e9, m2.clock.now);
    expect(renderTopRow(big)).toBe('12619 root      20   0 1025.6g 339088   1132 R  16.7   1.4   0:01.04 big');
  });
});
