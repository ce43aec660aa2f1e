// A `ps aux` row and a `top` process row as procps-ng 4.0.2 prints them on
// this machine (checked against captures in test/kernel/ps.test.ts).
//
// ps aux columns (width, justification): USER 8 L, PID 5 R, %CPU 4 R,
// %MEM 4 R, VSZ 6 R, RSS 5 R, TTY 8 L, STAT 4 L, START 5 R, TIME 6 R,
// COMMAND. A value wider than its column pushes the line right and the
// following columns give the overflow back out of their padding, keeping at
// least one space (procps output.c show_one_proc):
//   root     11448 23.8  0.8 1487672 206708 ?      Sl   03:48   0:00 ./sl big
//
// top columns: PID 5, USER 8 L, PR 3, NI 3, VIRT 7, RES 6, SHR 6, S 1,
// %CPU 5, %MEM 5, TIME+ 9, COMMAND; memory that does not fit in KiB is
// scaled to m/g/t with one decimal ("1025.6g").
//
// Times come from the virtual clock: START is boot time + the process's
// start; %CPU is CPU time over elapsed time since the start.

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

/** Per-mille CPU over the process's life, as pr_pcpu computes it. */
function pcpuPermille(p: Process): number {
  const elapsed = (p.machine.clock.now - p.startTime) / 1e9;
  if (elapsed <= 0) return 0;
  return Math.floor((p.cpuTimeNs / 1e9) * 1000 / elapsed);
}

function fmtPcpu(permille: number): string {
  return permille > 999 ? String(Math.floor(permille / 10)) : `${Math.floor(permille / 10)}.${permille % 10}`;
}

function stat(p: Process): string {
  return (p.exited !== undefined ? 'Z' : p.state) + (p.threads > 1 ? 'l' : '');
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** ps START: HH:MM within a day, else MmmDD, else the year (UTC). */
function start(p: Process): string {
  const t = p.machine.bootTime + Math.floor(p.startTime / 1e9);
  const now = p.machine.bootTime + Math.floor(p.machine.clock.now / 1e9);
  const d = new Date(t * 1000);
  if (now - t > 365 * 24 * 3600) return String(d.getUTCFullYear());
  if (now - t > 24 * 3600) return MONTHS[d.getUTCMonth()]! + two(d.getUTCDate());
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

/** One `ps aux` row. */
export function renderPsRow(p: Process): string {
  const memTotalKb = p.machine.memTotal / 1024;
  const rssKb = p.vmRss / 1024;
  const pmem = Math.floor((rssKb * 1000) / memTotalKb);
  const cpuSec = Math.floor(p.cpuTimeNs / 1e9);
  const values = [
    'root',
    String(p.pid),
    fmtPcpu(pcpuPermille(p)),
    `${Math.floor(pmem / 10)}.${pmem % 10}`,
    String(p.vmSize / 1024),
    String(rssKb),
    '?',
    stat(p),
    start(p),
    `${Math.floor(cpuSec / 60)}:${two(cpuSec % 60)}`,
    p.argv.join(' '),
  ];
  return layout(PS_COLS, values);
}

export function renderTopHeader(): string {
  return '  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND';
}

/** top's scale_mem: KiB if it fits, else m/g/t/p with one decimal. */
function scaleMem(kib: number, width: number): string {
  const s = String(Math.round(kib));
  if (s.length <= width) return s;
  let v = kib;
  for (const unit of ['m', 'g', 't', 'p']) {
    v /= 1024;
    const t = v.toFixed(1) + unit;
    if (t.length <= width) return t;
  }
  return '?';
}

/** One `top` process row (batch mode). */
export function renderTopRow(p: Process): string {
  const rssKb = p.vmRss / 1024;
  const shrKb = (p.rssFile + p.rssShmem) / 1024;
  const cpu = pcpuPermille(p) / 10;
  const mem = (rssKb * 100) / (p.machine.memTotal / 1024);
  const cs = Math.floor(p.cpuTimeNs / 1e7);
  const time = `${Math.floor(cs / 6000)}:${two(Math.floor(cs / 100) % 60)}.${two(cs % 100)}`;
  return (
    String(p.pid).padStart(5) +
    ' ' +
    'root'.padEnd(8) +
    ' ' +
    '20'.padStart(3) +
    ' ' +
    '0'.padStart(3) +
    ' ' +
    scaleMem(p.vmSize / 1024, 7).padStart(7) +
    ' ' +
    scaleMem(rssKb, 6).padStart(6) +
    ' ' +
    scaleMem(shrKb, 6).padStart(6) +
    ' ' +
    (p.exited !== undefined ? 'Z' : p.state) +
    ' ' +
    cpu.toFixed(1).padStart(5) +
    ' ' +
    mem.toFixed(1).padStart(5) +
    ' ' +
    time.padStart(9) +
    ' ' +
    p.comm
  );
}
