// `top -b -p PID` as procps-ng 4.0.2 prints it on this machine (checked
// against captures in test/kernel/top.test.ts): the summary (uptime and load
// average, Tasks, %Cpu(s), MiB Mem, MiB Swap), a blank line, the column
// header and one row per process; later frames of the same run are preceded
// by a blank line, as batch mode separates them.
//
// Columns: PID 5, USER 8 L, PR 3, NI 3, VIRT 7, RES 6, SHR 6, S 1, %CPU 5,
// %MEM 5, TIME+ 9, COMMAND. Memory that does not fit in KiB is scaled to
// m/g/t with one decimal ("1025.6g"); TIME+ is minutes:seconds.hundredths
// (scale_tics). top does its arithmetic in float, and so does this file
// (Math.fround), so the last digit rounds as top's does.
//
// top's %CPU and %Cpu(s) are over the time since the previous frame: the
// ticks a process used since then over the /proc/uptime difference
// (Irix mode: 100% is one CPU). top's first frame looks 150 ms ahead
// (it reads twice, LIB_USLEEP apart); the model cannot, so a process's first
// frame covers its life since exec, like ps's %CPU, and so does that frame's
// %Cpu(s). The machine of the model runs nothing but its processes: its
// memory lines count their pages, the page cache and their page tables
// (no kernel or other memory; MemAvailable is MemFree plus the page cache,
// with no watermarks), no swap, no logged-in users, and its load average
// comes from their CPU time alone (cputime.ts).

import { avenrun, loadavgText, nsecToClockT, procUptimeSecs, USER_HZ } from './cputime.ts';
import type { Machine } from './machine.ts';
import type { Process } from './process.ts';

const f32 = Math.fround;

/** printf's "%.Nf" for a double: round to nearest, exact ties to even (as glibc), not away as toFixed does. */
function cFixed(x: number, digits: number): string {
  const scaled = x * 10 ** digits;
  if (Number.isInteger(scaled * 2) && !Number.isInteger(scaled)) {
    const down = Math.floor(scaled);
    const n = down % 2 === 0 ? down : down + 1;
    const neg = n < 0;
    const s = String(Math.abs(n)).padStart(digits + 1, '0');
    return (neg ? '-' : '') + (digits > 0 ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s);
  }
  return x.toFixed(digits);
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

// ── the process row ──────────────────────────────────────────────────────

export function renderTopHeader(): string {
  return '  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND';
}

/** scale_mem: KiB (as a float) if it fits, else m/g/t/p with one decimal. */
function scaleMem(kib: number, width: number): string {
  let num = f32(kib);
  const s = cFixed(num, 0);
  if (s.length <= width) return s;
  for (const unit of ['m', 'g', 't', 'p']) {
    num = f32(num / 1024);
    const t = cFixed(num, 1) + unit;
    if (t.length <= width) return t;
  }
  return '?';
}

/** scale_pcnt: "%#.1f", else "%*.0f", else "?". */
function scalePcnt(num: number, width: number): string {
  const a = cFixed(num, 1);
  if (a.length <= width) return a;
  const b = cFixed(num, 0).padStart(width);
  return b.length <= width ? b : '?';
}

/**
 * scale_tics for TIME+ (TICS_AS_SECS, width 9): "M:SS.hh" up to 360
 * minutes, then "M:SS", "H,MM" up to 96 hours, "Dd+Hh" / "Dd" up to 14
 * days, then weeks.
 */
export function fmtTimePlus(ticks: number, width = 9): string {
  const nt = Math.floor((ticks * 100) / USER_HZ);
  const cent = nt % 100;
  const secs = Math.floor(nt / 100);
  const mins = Math.floor(secs / 60);
  const hour = Math.floor(mins / 60);
  const days = Math.floor(hour / 24);
  const week = Math.floor(days / 7);
  const tries: string[] = [];
  if (mins < 361) tries.push(`${mins}:${two(secs % 60)}.${two(cent)}`, `${mins}:${two(secs % 60)}`);
  if (hour < 97) tries.push(`${hour},${two(mins % 60)}`);
  if (days < 15) tries.push(`${days}d+${hour % 24}h`, `${days}d`);
  tries.push(`${week}w+${days % 7}d`, `${week}w`);
  return tries.find((t) => t.length <= width) ?? '';
}

/** What a frame keeps of a process for the next one: its ticks and the uptime then. */
export interface TopProcSample {
  ticks: number;
  uptime: number;
}

/** A process as a frame first sees it: all its ticks, since its exec. */
function sampleAtStart(p: Process): TopProcSample {
  return { ticks: 0, uptime: procUptimeSecs(p.startTime) };
}

/**
 * top's Frame_etscale for a frame `et` seconds after the one before (the
 * /proc/uptime difference; under 10 ms counts as 5 ms).
 */
function etscale(et: number): number {
  let e = f32(et);
  if (e < 0.01) e = f32(0.005);
  return f32(100 / f32(f32(USER_HZ) * e));
}

/** One `top` process row (batch mode), its %CPU over the time since `since` (default: since the process's exec). */
export function renderTopRow(p: Process, since: TopProcSample = sampleAtStart(p)): string {
  const rssKb = p.vmRss / 1024;
  const shrKb = (p.rssFile + p.rssShmem) / 1024;
  const ticks = p.cputime.ticks;
  const scale = etscale(procUptimeSecs(p.machine.clock.now) - since.uptime);
  let cpu = f32(f32(ticks - since.ticks) * scale);
  const threads = p.exited !== undefined ? 1 : p.threads;
  if (cpu > 100 * threads) cpu = 100 * threads;
  const ncpu = p.machine.ncpu;
  const pmax = ncpu > 1 ? Math.min(f32(100 * ncpu), f32(999.9)) : f32(99.9);
  if (cpu > pmax) cpu = pmax;
  const mem = f32(f32(f32(rssKb) * 100) / (p.machine.memTotal / 1024));
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
    scalePcnt(cpu, 5).padStart(5) +
    ' ' +
    scalePcnt(mem, 5).padStart(5) +
    ' ' +
    fmtTimePlus(ticks).padStart(9) +
    ' ' +
    p.comm
  );
}

// ── the summary ──────────────────────────────────────────────────────────

/** The machine's CPU time as /proc/stat's cpu line counts it, in USER_HZ ticks (no nice, iowait, irq or steal time). */
export interface CpuTicks {
  user: number;
  system: number;
  idle: number;
}

/** /proc/stat's cpu line at `nowNs`: its processes' utime and stime, the rest of ncpu × uptime idle. */
export function machineCpuTicks(m: Machine, nowNs: number = m.clock.now): CpuTicks {
  let user = 0;
  let system = 0;
  for (const p of m.processes) {
    user += p.cputime.utimeNs;
    system += p.cputime.stimeNs;
  }
  return { user: nsecToClockT(user), system: nsecToClockT(system), idle: nsecToClockT(Math.max(0, m.ncpu * nowNs - user - system)) };
}

/** The /proc/meminfo figures top shows, kB. */
export interface TopMeminfo {
  total: number;
  free: number;
  used: number;
  buffCache: number;
  available: number;
}

/**
 * The model machine's /proc/meminfo as top reads it: MemFree is what its
 * processes' anonymous pages, the page cache and page tables leave;
 * MemAvailable adds the page cache back; used = MemTotal − MemAvailable
 * (procps 4); buff/cache = Cached (no buffers, no slab).
 */
export function topMeminfo(m: Machine): TopMeminfo {
  const total = m.memTotal / 1024;
  const cached = m.cachedPages * 4;
  let pgtables = 0;
  for (const p of m.processes) pgtables += p.vmPte / 1024;
  const free = Math.max(0, total - m.anonPages * 4 - cached - pgtables);
  const available = Math.min(total, free + cached);
  return { total, free, used: total - available, buffCache: cached, available };
}

/** do_memory's prT(mkM(kB)) with the MiB scale: "%#.1f " of the float, at most 9 characters (the 9th a '+' when cut). */
function mib(kb: number): string {
  const s = cFixed(f32(f32(kb) / 1024), 1) + ' ';
  const cut = s.length > 9 ? s.slice(0, 8) + '+' : s;
  return cut.padStart(9);
}

/** "%#5.1f" of a float percentage. */
function pct5(x: number): string {
  return cFixed(x, 1).padStart(5);
}

/** procps_uptime_sprint: " HH:MM:SS up [D day(s), ]H:MM|M min,  N user,  load average: a, b, c". */
function uptimeLine(m: Machine): string {
  const now = m.clock.now;
  const t = new Date((m.bootTime + Math.floor(now / 1e9)) * 1000);
  const up = Math.trunc(procUptimeSecs(now));
  const days = Math.floor(up / 86400);
  const hours = Math.floor(up / 3600) % 24;
  const mins = Math.floor(up / 60) % 60;
  let s = ` ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())} up `;
  if (days > 0) s += `${days} ${days > 1 ? 'days' : 'day'}, `;
  s += hours > 0 ? `${String(hours).padStart(2)}:${two(mins)}, ` : `${mins} min, `;
  const users = 0;
  const [a1, a5, a15] = loadavgText(avenrun(m.processes.map((p) => p.cputime), now));
  s += `${String(users).padStart(2)} ${users > 1 ? 'users' : 'user'},  load average: ${a1}, ${a5}, ${a15}`;
  return s;
}

/**
 * top's five summary lines for the processes shown (-p), with %Cpu(s) over
 * the /proc/stat ticks since `sinceCpu`.
 */
export function renderTopSummary(m: Machine, procs: readonly Process[], sinceCpu: CpuTicks): string {
  let running = 0;
  let sleeping = 0;
  let zombie = 0;
  for (const p of procs) {
    if (p.exited !== undefined) zombie++;
    else if (p.state === 'R') running++;
    else sleeping++;
  }
  const cpu = machineCpuTicks(m);
  const us = cpu.user - sinceCpu.user;
  const sy = cpu.system - sinceCpu.system;
  let idle = cpu.idle - sinceCpu.idle;
  let tot = us + sy + idle;
  if (tot < 1) idle = tot = 1;
  const scale = f32(100 / f32(tot));
  const z = pct5(0);
  const mem = topMeminfo(m);
  const n3 = (n: number) => String(n).padStart(3);
  return (
    `top -${uptimeLine(m)}\n` +
    `Tasks: ${n3(procs.length)} total, ${n3(running)} running, ${n3(sleeping)} sleeping, ${n3(0)} stopped, ${n3(zombie)} zombie\n` +
    `%Cpu(s):${pct5(f32(f32(us) * scale))} us,${pct5(f32(f32(sy) * scale))} sy,${z} ni,${pct5(f32(f32(idle) * scale))} id,${z} wa,${z} hi,${z} si,${z} st \n` +
    `MiB Mem : ${mib(mem.total)}total, ${mib(mem.free)}free, ${mib(mem.used)}used, ${mib(mem.buffCache)}buff/cache     \n` +
    `MiB Swap: ${mib(0)}total, ${mib(0)}free, ${mib(0)}used. ${mib(mem.available)}avail Mem \n`
  );
}

/**
 * `top -b -p PID[,PID…]` over a run: each frame() is what top prints at
 * that moment, its %CPU and %Cpu(s) over the time since the previous frame
 * (the first: since the processes' exec). Every process shown must be on
 * one machine.
 */
export class TopBatch {
  private frames = 0;
  private readonly prev = new Map<Process, TopProcSample>();
  private prevCpu: CpuTicks | null = null;

  /** The next frame for `procs` (one process or several, in the order given). */
  frame(procs: Process | readonly Process[]): string {
    const list = Array.isArray(procs) ? (procs as readonly Process[]) : [procs as Process];
    if (list.length === 0) throw new Error('top: no process to show');
    const m = list[0]!.machine;
    let since = this.prevCpu;
    if (since === null) {
      const start = Math.min(...list.map((p) => p.startTime));
      since = { user: 0, system: 0, idle: nsecToClockT(m.ncpu * start) };
    }
    let out = this.frames > 0 ? '\n' : '';
    out += renderTopSummary(m, list, since) + '\n' + renderTopHeader() + '\n';
    const now = procUptimeSecs(m.clock.now);
    for (const p of list) {
      out += renderTopRow(p, this.prev.get(p) ?? sampleAtStart(p)) + '\n';
      this.prev.set(p, { ticks: p.cputime.ticks, uptime: now });
    }
    this.prevCpu = machineCpuTicks(m);
    this.frames++;
    return out;
  }
}

/** One `top -b -n 1 -p PID` frame for p: its %CPU and %Cpu(s) over its life since exec. */
export function renderTop(p: Process): string {
  return new TopBatch().frame(p);
}
