// A `ps aux` row as procps-ng 4.0.2 prints it on this machine (checked
// against captures in test/kernel/ps.test.ts), and the procps time formats.
//
// ps aux (procps' "OL_u" format: user,pid,pcpu,pmem,vsz,rss,tname,stat,
// start_time,bsdtime,args) columns (width, justification): USER 8 L, PID 5 R,
// %CPU 4 R, %MEM 4 R, VSZ 6 R, RSS 5 R, TTY 8 L, STAT 4 L, START 5 R,
// TIME 6 R, COMMAND. A value wider than its column pushes the line right and
// the following columns give the overflow back out of their padding, keeping
// at least one space (procps output.c show_one_proc):
//   root     11448 23.8  0.8 1487672 206708 ?      Sl   03:48   0:00 ./sl big
//
// The figures are /proc's (src/kernel/cputime.ts): utime + stime in USER_HZ
// ticks, each truncated; starttime in ticks since boot; the uptime as
// /proc/uptime prints it. %CPU is those ticks over the ticks since the
// start (pr_pcpu), TIME their whole seconds as minutes:seconds (pr_bsdtime:
// an hour is 60:00; `ps -o time` prints 01:00:00, fmtCputime), START the
// start's time of day, or its month and day once ps runs on a later day
// (pr_stime). Times come from the virtual clock and the machine's boot time.

import { nsecToClockT, procUptimeSecs, USER_HZ } from './cputime.ts';
import type { Process } from './process.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

interface Col {
  width: number;
  right: boolean;
}

const PS_COLS: readonly Col[] = [
  { width: 8, right: false }, // USER
  { width: 5, right: true }, // PID
  { width: 4, right: true }, // %CPU
  { width: 4, right: true }, // %MEM
  { width: 6, right: true }, // VSZ
  { width: 5, right: true }, // RSS
  { width: 8, right: false }, // TTY
  { width: 4, right: false }, // STAT
  { width: 5, right: true }, // START
  { width: 6, right: true }, // TIME
  { width: 0, right: false }, // COMMAND
];

/** Lays values out in procps's columns, absorbing overflow in later padding. */
function layout(cols: readonly Col[], values: readonly string[]): string {
  let out = '';
  let ideal = 0; // where the current column would start if nothing overflowed
  for (let i = 0; i < cols.length; i++) {
    const c = cols[i]!;
    const v = values[i]!;
    let pad = c.right ? ideal + c.width - v.length - out.length : ideal - out.length;
    if (i > 0 && pad < 1) pad = 1;
    out += ' '.repeat(Math.max(0, pad)) + v;
    ideal += c.width + 1;
  }
  return out;
}

export function renderPsHeader(): string {
  return 'USER       PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND';
}

/**
 * The clock ticks since boot ps reads at `nowNs` (procps' boot_tics): the
 * uptime's double from /proc/uptime times Hertz, truncated.
 */
export function bootTics(nowNs: number): number {
  return Math.trunc(procUptimeSecs(nowNs) * USER_HZ);
}

/** /proc/PID/stat field 22, starttime: the exec's time since boot in USER_HZ ticks. */
export function startTimeTicks(p: Process): number {
  return nsecToClockT(p.startTime);
}

/**
 * pr_pcpu's per-mille: the process's utime + stime ticks × 1000 over the
 * jiffies of its life, which procps 4.0.2 gets as TIME_ELAPSED (ticks since
 * the start ÷ Hertz, a double) × Hertz, truncated.
 */
export function pcpuPermille(ticks: number, bootTicsNow: number, startTicks: number): number {
  const elapsedTicks = bootTicsNow - startTicks;
  if (!(elapsedTicks > 0)) return 0;
  const jiffies = Math.trunc((elapsedTicks / USER_HZ) * USER_HZ);
  return jiffies > 0 ? Math.floor((ticks * 1000) / jiffies) : 0;
}

/** pr_pcpu's text: "%u.%u" of the per-mille, or whole percent from 100 up. */
export function fmtPcpu(permille: number): string {
  return permille > 999 ? String(Math.floor(permille / 10)) : `${Math.floor(permille / 10)}.${permille % 10}`;
}

/** pr_bsdtime (ps aux's TIME): whole seconds of utime + stime ticks as "%3u:%02u" minutes and seconds (an hour is 60:00). */
export function fmtBsdTime(ticks: number): string {
  const u = Math.floor(ticks / USER_HZ);
  return `${String(Math.floor(u / 60)).padStart(3)}:${two(u % 60)}`;
}

/** Whole seconds as days, hours, minutes and seconds. */
function dhms(seconds: number): { dd: number; hh: number; mm: number; ss: number } {
  const t = Math.floor(seconds);
  return { dd: Math.floor(t / 86400), hh: Math.floor(t / 3600) % 24, mm: Math.floor(t / 60) % 60, ss: t % 60 };
}

/** pr_time (ps -o time, cputime): "[dd-]hh:mm:ss" of the whole seconds of CPU time. */
export function fmtCputime(ticks: number): string {
  const { dd, hh, mm, ss } = dhms(ticks / USER_HZ);
  return (dd > 0 ? `${dd}-` : '') + `${two(hh)}:${two(mm)}:${two(ss)}`;
}

/** pr_etime (ps -o etime): "[[dd-]hh:]mm:ss" of the whole seconds since the start. */
export function fmtEtime(seconds: number): string {
  const { dd, hh, mm, ss } = dhms(seconds);
  return (dd > 0 ? `${dd}-` : '') + (dd > 0 || hh > 0 ? `${two(hh)}:` : '') + `${two(mm)}:${two(ss)}`;
}

function stat(p: Process): string {
  return (p.exited !== undefined ? 'Z' : p.state) + (p.threads > 1 ? 'l' : '');
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * pr_stime (ps aux's START): the start, in whole seconds after the boot
 * time, as "%H:%M" on the day ps runs, "%b%d" on an earlier day of the
 * year, "%Y" in an earlier year (the model's clock is UTC).
 */
function start(p: Process): string {
  const t = p.machine.bootTime + Math.floor(startTimeTicks(p) / USER_HZ);
  const now = p.machine.bootTime + Math.floor(p.machine.clock.now / 1e9);
  const d = new Date(t * 1000);
  const n = new Date(now * 1000);
  if (d.getUTCFullYear() !== n.getUTCFullYear()) return String(d.getUTCFullYear());
  if (d.getUTCMonth() !== n.getUTCMonth() || d.getUTCDate() !== n.getUTCDate()) return MONTHS[d.getUTCMonth()]! + two(d.getUTCDate());
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** One `ps aux` row. */
export function renderPsRow(p: Process): string {
  const memTotalKb = p.machine.memTotal / 1024;
  const rssKb = p.vmRss / 1024;
  const pmem = Math.floor((rssKb * 1000) / memTotalKb);
  const ticks = p.cputime.ticks;
  const values = [
    'root',
    String(p.pid),
    fmtPcpu(pcpuPermille(ticks, bootTics(p.machine.clock.now), startTimeTicks(p))),
    `${Math.floor(pmem / 10)}.${pmem % 10}`,
    String(p.vmSize / 1024),
    String(rssKb),
    '?',
    stat(p),
    start(p),
    fmtBsdTime(ticks),
    p.argv.join(' '),
  ];
  return layout(PS_COLS, values);
}
