// CPU time as Linux accounts it (src/kernel/cputime.ts) and as procps-ng
// 4.0.2 prints it (src/kernel/ps.ts): the time formats, pr_pcpu's integer
// arithmetic on /proc's ticks, START's day rule, the user/system split from
// 250 Hz tick samples, and the load average's fixed-point decay.

import { describe, expect, it } from 'vitest';
import {
  LOAD_FREQ_NS,
  TaskCputime,
  avenrun,
  bootTics,
  fmtBsdTime,
  fmtCputime,
  fmtEtime,
  fmtPcpu,
  loadavgText,
  pcpuPermille,
  procUptimeSecs,
  renderPsRow,
} from '../../src/kernel/index.ts';
import { HELLO, newMachine } from './helpers.ts';

const S = 100; // ticks per second (USER_HZ)

describe('ps time formats (procps output.c)', () => {
  it("ps aux's TIME is pr_bsdtime: whole seconds as %3u:%02u minutes and seconds, an hour being 60:00", () => {
    expect(fmtBsdTime(0)).toBe('  0:00');
    expect(fmtBsdTime(99)).toBe('  0:00'); // 0.99 s: truncated
    expect(fmtBsdTime(100)).toBe('  0:01');
    expect(fmtBsdTime(61 * S)).toBe('  1:01');
    expect(fmtBsdTime(3600 * S)).toBe(' 60:00');
    expect(fmtBsdTime(1000 * 60 * S)).toBe('1000:00');
  });

  it('ps -o time is pr_time: [dd-]hh:mm:ss', () => {
    expect(fmtCputime(100)).toBe('00:00:01'); // what real ps printed after busy-loop's second
    expect(fmtCputime(61 * S)).toBe('00:01:01');
    expect(fmtCputime(3600 * S)).toBe('01:00:00');
    expect(fmtCputime((86400 + 3661) * S)).toBe('1-01:01:01');
  });

  it('ps -o etime is pr_etime: [[dd-]hh:]mm:ss', () => {
    expect(fmtEtime(1.02)).toBe('00:01');
    expect(fmtEtime(61)).toBe('01:01');
    expect(fmtEtime(3600)).toBe('01:00:00');
    expect(fmtEtime(86400 + 3661)).toBe('1-01:01:01');
  });

  it("%CPU is utime+stime ticks x 1000 over the life's jiffies, integer-divided, whole percent from 100", () => {
    // Real busy-loop figures read at its after_busy_1s line (/proc/PID/stat, /proc/uptime).
    expect(fmtPcpu(pcpuPermille(100, 101, 0))).toBe('99.0');
    expect(fmtPcpu(pcpuPermille(101, 103, 0))).toBe('98.0');
    expect(fmtPcpu(pcpuPermille(83, 104, 0))).toBe('79.8'); // on a loaded machine: ps printed 79.8
    expect(fmtPcpu(pcpuPermille(100, 100, 0))).toBe('100');
    expect(fmtPcpu(pcpuPermille(250, 100, 0))).toBe('250'); // two threads busy
    expect(fmtPcpu(pcpuPermille(36, 1151, 1000))).toBe('23.8');
    expect(pcpuPermille(5, 7, 7)).toBe(0); // no time has passed
    // TIME_ELAPSED is a double: 29 ticks / 100 × 100 = 28.999999999999996, truncated to 28 jiffies.
    expect(pcpuPermille(10, 29, 0)).toBe(357);
  });

  it('the uptime is read as /proc/uptime prints it (centiseconds) and multiplied out as a double', () => {
    expect(procUptimeSecs(1_001_957_619)).toBe(1.0);
    expect(procUptimeSecs(42_352_620_000_000)).toBe(42352.62);
    expect(bootTics(1.51e9)).toBe(151);
    expect(bootTics(0.29e9)).toBe(28); // 0.29 × 100 = 28.999999999999996
  });
});

describe('START (pr_stime)', () => {
  it('is HH:MM on the day ps runs, MmmDD from the next calendar day, the year from the next year', () => {
    const boot = Date.UTC(2025, 11, 31, 23, 58, 0) / 1000; // 2025-12-31 23:58 UTC
    const m = newMachine({ bootTime: boot });
    const p = m.spawn({ comm: 'hello', exe: HELLO });
    const col = () => renderPsRow(p).trim().split(/\s+/)[8];
    expect(col()).toBe('23:58');
    m.clock.advance(60e9);
    expect(col()).toBe('23:58');
    m.clock.advance(120e9); // 00:01 on 2026-01-01: another day and another year, three minutes later
    expect(col()).toBe('2025');
    const m2 = newMachine({ bootTime: Date.UTC(2025, 5, 6, 23, 58, 0) / 1000 });
    const q = m2.spawn({ comm: 'hello', exe: HELLO });
    m2.clock.advance(180e9);
    expect(renderPsRow(q).trim().split(/\s+/)[8]).toBe('Jun06');
  });
});

describe('utime and stime (kernel/sched/cputime.c, 250 Hz tick accounting)', () => {
  it('without a tick inside kernel work, all the runtime is user time', () => {
    const c = new TaskCputime(0);
    c.kernelWork(0, 1_900_000); // faults at start-up: no 4 ms tick falls in (0, 1.9 ms]
    c.update(1_001_957_619, 1_001_957_619);
    expect([c.utimeNs, c.stimeNs]).toEqual([1_001_957_619, 0]);
    expect([c.utimeTicks, c.stimeTicks, c.ticks]).toEqual([100, 0, 100]);
  });

  it('each tick inside kernel work is 4 ms of system time, scaled to the runtime', () => {
    const c = new TaskCputime(0);
    c.kernelWork(3_999_000, 16_000_000); // ticks at 4, 8, 12 and 16 ms
    c.update(1_005_000_000, 1.2e9);
    expect(c.stimeNs).toBe(16_000_000);
    expect(c.utimeNs).toBe(989_000_000);
    expect([c.utimeTicks, c.stimeTicks]).toEqual([98, 1]);
  });

  it('converts utime and stime to ticks separately, so a second of CPU can read 0.99 s', () => {
    const c = new TaskCputime(0);
    c.kernelWork(3.5e6, 4.5e6);
    c.update(1e9, 1e9);
    expect([c.utimeNs, c.stimeNs]).toEqual([996e6, 4e6]);
    expect(c.ticks).toBe(99);
    expect(c.runtimeNs).toBe(1e9);
  });

  it('never lets utime or stime go down (cputime_adjust prev_cputime)', () => {
    const c = new TaskCputime(0);
    c.kernelWork(7e6, 9e6); // one tick (8 ms)
    c.update(20e6, 30e6);
    expect([c.utimeNs, c.stimeNs]).toEqual([16e6, 4e6]);
    c.kernelWork(11e6, 21e6); // three more ticks: 16 ms of system time in 22 ms would leave utime 6 ms
    c.update(22e6, 32e6);
    expect([c.utimeNs, c.stimeNs]).toEqual([16e6, 6e6]); // utime stays; stime takes only the 2 ms added
    c.update(10e6, 40e6); // runtime never goes down
    expect(c.runtimeNs).toBe(22e6);
  });
});

describe('load average (kernel/sched/loadavg.c)', () => {
  it('decays in fixed point every 5.004 s: one busy thread for a minute is 0.63, 0.18, 0.06', () => {
    const c = new TaskCputime(0);
    const now = 60.05e9;
    c.update(now, now);
    // 12 samples of one running thread: calc_load by hand (EXP_1 1884, EXP_5 2014, EXP_15 2037, FIXED_1 2048).
    expect(avenrun([c], now)).toEqual([1299, 378, 132]);
    expect(loadavgText(avenrun([c], now))).toEqual(['0.63', '0.18', '0.06']);
    expect(loadavgText(avenrun([c], 5 * 1e9))).toEqual(['0.00', '0.00', '0.00']); // before the first sample
    expect(loadavgText(avenrun([c], LOAD_FREQ_NS))).toEqual(['0.08', '0.02', '0.01']);
    c.update(now, now + 10e9); // idle since: the 13th sample finds no thread running
    expect(loadavgText(avenrun([c], now + 10e9))).toEqual(['0.58', '0.18', '0.06']);
  });

  it('takes the average running threads since the last update', () => {
    const c = new TaskCputime(0);
    c.update(2 * 60.05e9 * 0.5, 60.05e9); // two threads half the time: one on average
    expect(loadavgText(avenrun([c], 60.05e9))).toEqual(['0.63', '0.18', '0.06']);
  });
});
