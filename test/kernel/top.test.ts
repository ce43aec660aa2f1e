// `top -b -p PID` frames (src/kernel/top.ts) against frames captured on this
// machine with procps-ng 4.0.2 (`top -b -n 1 -p PID`, `top -b -n 2 -d 0.1 -p
// PID`): every line's layout, and model frames worked out by hand.

import { describe, expect, it } from 'vitest';
import { TopBatch, fmtTimePlus, renderTop } from '../../src/kernel/index.ts';
import { HELLO, newMachine } from './helpers.ts';

/** `top -b -n 2 -d 0.1 -p $$` on this machine (a bash), two frames. */
const REAL_TWO_FRAMES = `top - 22:48:07 up 11:52,  0 user,  load average: 3.54, 4.56, 3.53
Tasks:   1 total,   0 running,   1 sleeping,   0 stopped,   0 zombie
%Cpu(s): 85.7 us, 14.3 sy,  0.0 ni,  0.0 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st 
MiB Mem :  24105.2 total,  22939.6 free,    952.0 used,    476.0 buff/cache     
MiB Swap:      0.0 total,      0.0 free,      0.0 used.  23153.2 avail Mem 

  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND
11663 root      20   0    5128   4200   3116 S   0.0   0.0   0:01.45 bash

top - 22:48:07 up 11:52,  0 user,  load average: 3.54, 4.56, 3.53
Tasks:   1 total,   0 running,   1 sleeping,   0 stopped,   0 zombie
%Cpu(s): 84.6 us, 13.5 sy,  0.0 ni,  1.9 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st 
MiB Mem :  24105.2 total,  22939.6 free,    952.0 used,    476.0 buff/cache     
MiB Swap:      0.0 total,      0.0 free,      0.0 used.  23153.2 avail Mem 

  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND
11663 root      20   0    5128   4200   3116 S   0.0   0.0   0:01.45 bash
`;

/** `top -b -n 1 -p PID` of a busy `sh -c 'while :; do :; done'` (first frame: %CPU over top's 150 ms pre-read). */
const REAL_BUSY = `top - 22:42:33 up 11:46,  0 user,  load average: 2.01, 1.87, 2.21
Tasks:   1 total,   1 running,   0 sleeping,   0 stopped,   0 zombie
%Cpu(s):100.0 us,  0.0 sy,  0.0 ni,  0.0 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st 
MiB Mem :  24105.2 total,  23288.4 free,    626.5 used,    452.5 buff/cache     
MiB Swap:      0.0 total,      0.0 free,      0.0 used.  23478.7 avail Mem 

  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND
13741 root      20   0    2592   1716   1612 R  93.8   0.0   0:02.08 sh
`;

/** The layout of each line of a frame, from procps' formats (top_nls.c, top.c do_memory, uptime.c). */
const SHAPES = [
  /^top - \d\d:\d\d:\d\d up (\d+ days?, )?(( \d|\d\d):\d\d|\d+ min), +\d+ users?, {2}load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d$/,
  /^Tasks: [ \d]{2}\d total, [ \d]{2}\d running, [ \d]{2}\d sleeping, [ \d]{2}\d stopped, [ \d]{2}\d zombie$/,
  /^%Cpu\(s\):([ \d]{2}\d\.\d (us|sy|ni|id|wa|hi|si),)+[ \d]{2}\d\.\d st $/,
  /^MiB Mem : [ \d]{5}\d\.\d total, [ \d]{5}\d\.\d free, [ \d]{5}\d\.\d used, [ \d]{5}\d\.\d buff\/cache {5}$/,
  /^MiB Swap: [ \d]{5}\d\.\d total, [ \d]{5}\d\.\d free, [ \d]{5}\d\.\d used\. [ \d]{5}\d\.\d avail Mem $/,
  /^$/,
  /^ {2}PID USER {6}PR {2}NI {4}VIRT {4}RES {4}SHR S {2}%CPU {2}%MEM {5}TIME\+ COMMAND$/,
  /^[ \d]{4}\d root {5}[ \d]{2}\d [ \d]{2}\d [ \d.mgt]{7} [ \d.mgt]{6} [ \d.mgt]{6} [RSDZT] [ \d]{2}\d\.\d [ \d]{2}\d\.\d [ \d:.]{9} \S+$/,
];

/** Checks every line of one frame against SHAPES. */
function expectShape(frame: string): void {
  const lines = frame.replace(/\n$/, '').split('\n');
  expect(lines.length).toBe(SHAPES.length);
  lines.forEach((l, i) => expect(l).toMatch(SHAPES[i]!));
}

describe('top -b frames', () => {
  it('the captured frames have the layout the shapes describe (batch mode: frames apart by a blank line)', () => {
    const [f1, f2] = REAL_TWO_FRAMES.split('\n\ntop - ');
    expectShape(f1! + '\n');
    expectShape('top - ' + f2!);
    expectShape(REAL_BUSY);
  });

  it('prints a busy minute and an idle ten seconds as worked out by hand', () => {
    const m = newMachine(); // 2025-01-01 00:00:00 UTC, 24684092 kB, 2 CPUs
    const p = m.spawn({ comm: 'hello', exe: HELLO });
    m.clock.advance(60.05e9);
    p.cputime.update(60.05e9, m.clock.now); // one thread on a CPU all along
    const top = new TopBatch();
    const f1 = top.frame(p);
    // Load: 12 samples of one running thread (see ps_cputime.test.ts). %Cpu(s): 6005 user ticks of 12010.
    // Memory: MemTotal 24684092 kB = 24105.6 MiB; the process's 2 anonymous pages, 557 page-cache pages
    // (the binary's, read at exec) and 24 kB of page tables leave 24681832 kB free (24103.4); MemAvailable
    // adds the cache back: 24684060 kB (24105.5), used 32 kB (0.0), buff/cache 2228 kB (2.2).
    // %CPU: 6005 ticks over 60.05 s of /proc/uptime.
    expect(f1).toBe(
      'top - 00:01:00 up 1 min,  0 user,  load average: 0.63, 0.18, 0.06\n' +
        'Tasks:   1 total,   0 running,   1 sleeping,   0 stopped,   0 zombie\n' +
        '%Cpu(s): 50.0 us,  0.0 sy,  0.0 ni, 50.0 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st \n' +
        'MiB Mem :  24105.6 total,  24103.4 free,      0.0 used,      2.2 buff/cache     \n' +
        'MiB Swap:      0.0 total,      0.0 free,      0.0 used.  24105.5 avail Mem \n' +
        '\n' +
        '  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND\n' +
        ' 1000 root      20   0    1760      8      0 S 100.0   0.0   1:00.05 hello\n',
    );
    expectShape(f1);
    m.clock.advance(10e9);
    p.cputime.update(60.05e9, m.clock.now);
    const f2 = top.frame(p);
    expect(f2.startsWith('\ntop - 00:01:10 up 1 min,  0 user,  load average: 0.58, 0.18, 0.06\n')).toBe(true);
    expect(f2).toContain('%Cpu(s):  0.0 us,  0.0 sy,  0.0 ni,100.0 id,  0.0 wa,  0.0 hi,  0.0 si,  0.0 st \n');
    expect(f2.endsWith(' 1000 root      20   0    1760      8      0 S   0.0   0.0   1:00.05 hello\n')).toBe(true);
    expectShape(f2.slice(1));
  });

  it('prints uptime in hours and days as procps_uptime_sprint does', () => {
    const m = newMachine();
    m.clock.advance((11 * 3600 + 52 * 60) * 1e9);
    const p = m.spawn({ comm: 'hello', exe: HELLO });
    expect(renderTop(p).split('\n')[0]).toBe('top - 11:52:00 up 11:52,  0 user,  load average: 0.00, 0.00, 0.00');
    m.clock.advance((2 * 86400 - 8 * 3600 - 48 * 60) * 1e9); // 2 days, 3:04
    expect(renderTop(p).split('\n')[0]).toBe('top - 03:04:00 up 2 days,  3:04,  0 user,  load average: 0.00, 0.00, 0.00');
    m.clock.advance((86400 - 3 * 3600 + 60) * 1e9); // 3 days and 5 minutes: no hours, so minutes
    expect(renderTop(p).split('\n')[0]).toBe('top - 00:05:00 up 3 days, 5 min,  0 user,  load average: 0.00, 0.00, 0.00');
  });

  it('formats TIME+ as scale_tics does in 9 columns', () => {
    expect(fmtTimePlus(0)).toBe('0:00.00');
    expect(fmtTimePlus(145)).toBe('0:01.45');
    expect(fmtTimePlus(6100)).toBe('1:01.00');
    expect(fmtTimePlus(3600 * 100)).toBe('60:00.00');
    expect(fmtTimePlus(360 * 60 * 100 + 1)).toBe('360:00.01');
    expect(fmtTimePlus(361 * 60 * 100)).toBe('6,01'); // past 360 minutes: hours,minutes
    expect(fmtTimePlus(97 * 3600 * 100)).toBe('4d+1h');
  });
});
