// /proc/PID/status, maps, smaps and smaps_rollup, byte for byte in the 6.18
// kernel's formats (fs/proc/array.c proc_pid_status, fs/proc/task_mmu.c
// task_mem / show_map_vma / show_smap / show_smaps_rollup), checked against
// captures from this machine in test/kernel/fixtures/.
//
//   maps line: "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu " then, if there is a
//   name, spaces up to column 72 and one more before the name.
//   smaps field: a 16-character label, the value right-aligned in 8, " kB".

import type { Cgroup } from './cgroup.ts';
import { PAGE_SIZE, VM_EXEC, VM_FLAG_MNEMONICS, VM_MAYSHARE, VM_READ, VM_WRITE } from './constants.ts';
import type { Process } from './process.ts';
import { PSS_ONE, SPECIAL_NONE, SPECIAL_STACK, type Vma } from './vma.ts';

/** The gate VMA every x86_64 process lists last (not a VMA, not in VmSize). */
const VSYSCALL_START = 0xffffffffff600000;
const VSYSCALL_END = 0xffffffffff601000;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function kbField(label: string, bytes: number): string {
  return `${(label + ':').padEnd(16)}${String(Math.floor(bytes / 1024)).padStart(8)} kB\n`;
}

function statusKb(label: string, bytes: number): string {
  return `${label}:\t${String(Math.floor(bytes / 1024)).padStart(8)} kB\n`;
}

/** The maps header of a VMA, without the newline. */
function mapsLine(start: number, end: number, perms: string, offset: number, devMajor: number, devMinor: number, ino: number, name: string): string {
  const head = `${hex(start, 8)}-${hex(end, 8)} ${perms} ${hex(offset, 8)} ${hex(devMajor, 2)}:${hex(devMinor, 2)} ${ino} `;
  if (name === '') return head;
  return head.padEnd(72) + ' ' + name;
}

function perms(v: Vma): string {
  const f = v.vmFlags;
  return (f & VM_READ ? 'r' : '-') + (f & VM_WRITE ? 'w' : '-') + (f & VM_EXEC ? 'x' : '-') + (f & VM_MAYSHARE ? 's' : 'p');
}

function vmaHeader(v: Vma): string {
  const special = v.special !== SPECIAL_NONE && v.special !== SPECIAL_STACK;
  const f = special ? undefined : v.file;
  return mapsLine(v.start, v.end, perms(v), f === undefined ? 0 : v.offset, f?.devMajor ?? 0, f?.devMinor ?? 0, f?.ino ?? 0, v.name);
}

function vsyscallHeader(): string {
  return mapsLine(VSYSCALL_START, VSYSCALL_END, '--xp', 0, 0, 0, 0, '[vsyscall]');
}

/** /proc/PID/maps */
export function renderMaps(p: Process): string {
  let out = '';
  for (const v of p.vmas()) out += vmaHeader(v) + '\n';
  return out + vsyscallHeader() + '\n';
}

function vmFlagsLine(flags: number): string {
  let s = 'VmFlags: ';
  for (let b = 0; b < 32; b++) {
    if (flags & (1 << b)) {
      const m = VM_FLAG_MNEMONICS[b];
      if (m !== undefined) s += m + ' ';
    }
  }
  return s + '\n';
}

interface MemSize {
  rss: number;
  pss: number; // fixed point
  pssDirty: number;
  pssAnon: number;
  pssFile: number;
  pssShmem: number;
  sharedClean: number;
  sharedDirty: number;
  privateClean: number;
  privateDirty: number;
  anonymous: number;
  lazyFree: number;
  anonHuge: number;
}

function emptySize(): MemSize {
  return { rss: 0, pss: 0, pssDirty: 0, pssAnon: 0, pssFile: 0, pssShmem: 0, sharedClean: 0, sharedDirty: 0, privateClean: 0, privateDirty: 0, anonymous: 0, lazyFree: 0, anonHuge: 0 };
}

function addVma(m: MemSize, v: Vma): void {
  m.rss += v.rss;
  m.pss += v.anon * PSS_ONE + v.pssFile;
  m.pssDirty += (v.anon - v.lazy) * PSS_ONE + v.pssFileDirty;
  m.pssAnon += v.anon * PSS_ONE;
  if (v.file?.shmem) m.pssShmem += v.pssFile;
  else m.pssFile += v.pssFile;
  m.sharedClean += v.sharedClean;
  m.sharedDirty += v.sharedDirty;
  m.privateClean += v.privateClean;
  m.privateDirty += v.privateDirty;
  m.anonymous += v.anonymous;
  m.lazyFree += v.lazyFree;
  m.anonHuge += v.anonHugePages;
}

/** Fixed-point Pss to bytes (>> PSS_SHIFT). */
function pssBytes(fixed: number): number {
  return Math.floor(fixed / 4096);
}

function memSizeLines(m: MemSize, rollup: boolean): string {
  let s = kbField('Rss', m.rss) + kbField('Pss', pssBytes(m.pss)) + kbField('Pss_Dirty', pssBytes(m.pssDirty));
  if (rollup) s += kbField('Pss_Anon', pssBytes(m.pssAnon)) + kbField('Pss_File', pssBytes(m.pssFile)) + kbField('Pss_Shmem', pssBytes(m.pssShmem));
  s +=
    kbField('Shared_Clean', m.sharedClean) +
    kbField('Shared_Dirty', m.sharedDirty) +
    kbField('Private_Clean', m.privateClean) +
    kbField('Private_Dirty', m.privateDirty) +
    // Referenced: every mapped page counts as recently used (no page aging in the model).
    kbField('Referenced', m.rss) +
    kbField('Anonymous', m.anonymous) +
    kbField('KSM', 0) +
    kbField('LazyFree', m.lazyFree) +
    kbField('AnonHugePages', m.anonHuge) +
    kbField('ShmemPmdMapped', 0) +
    kbField('FilePmdMapped', 0) +
    kbField('Shared_Hugetlb', 0) +
    kbField('Private_Hugetlb', 0) +
    kbField('Swap', 0) +
    kbField('SwapPss', 0) +
    kbField('Locked', 0);
  return s;
}

/** The smaps entry of one VMA. */
export function renderSmapsEntry(p: Process, v: Vma): string {
  const m = emptySize();
  addVma(m, v);
  return (
    vmaHeader(v) +
    '\n' +
    kbField('Size', v.size) +
    kbField('KernelPageSize', PAGE_SIZE) +
    kbField('MMUPageSize', PAGE_SIZE) +
    memSizeLines(m, false) +
    `THPeligible:    ${String(p.machine.thp.eligible(v) ? 1 : 0).padStart(8)}\n` +
    vmFlagsLine(v.vmFlags)
  );
}

/** /proc/PID/smaps */
export function renderSmaps(p: Process): string {
  let out = '';
  for (const v of p.vmas()) out += renderSmapsEntry(p, v);
  return (
    out +
    vsyscallHeader() +
    '\n' +
    kbField('Size', VSYSCALL_END - VSYSCALL_START) +
    kbField('KernelPageSize', PAGE_SIZE) +
    kbField('MMUPageSize', PAGE_SIZE) +
    memSizeLines(emptySize(), false) +
    `THPeligible:    ${'0'.padStart(8)}\n` +
    vmFlagsLine(VM_EXEC)
  );
}

/** /proc/PID/smaps_rollup */
export function renderSmapsRollup(p: Process): string {
  const vmas = p.vmas();
  const m = emptySize();
  for (const v of vmas) addVma(m, v);
  const start = vmas.length > 0 ? vmas[0]!.start : 0;
  const end = vmas.length > 0 ? vmas[vmas.length - 1]!.end : 0;
  return mapsLine(start, end, '---p', 0, 0, 0, 0, '[rollup]') + '\n' + memSizeLines(m, true);
}

/** /proc/PID/status */
export function renderStatus(p: Process): string {
  const st = p.exited !== undefined ? 'Z (zombie)' : p.state === 'R' ? 'R (running)' : 'S (sleeping)';
  const ncpu = p.machine.ncpu;
  const x = p.statusExtras;
  let s = '';
  s += `Name:\t${p.comm}\n`;
  s += `Umask:\t0022\n`;
  s += `State:\t${st}\n`;
  s += `Tgid:\t${p.pid}\n`;
  s += `Ngid:\t0\n`;
  s += `Pid:\t${p.pid}\n`;
  s += `PPid:\t${x.ppid}\n`;
  s += `TracerPid:\t0\n`;
  s += `Uid:\t0\t0\t0\t0\n`;
  s += `Gid:\t0\t0\t0\t0\n`;
  s += `FDSize:\t${x.fdSize}\n`;
  s += `Groups:\t \n`;
  s += `NStgid:\t${p.pid}\n`;
  s += `NSpid:\t${p.pid}\n`;
  s += `NSpgid:\t${x.pgid}\n`;
  s += `NSsid:\t${x.sid}\n`;
  s += `Kthread:\t0\n`;
  s += statusKb('VmPeak', p.vmPeak);
  s += statusKb('VmSize', p.vmSize);
  s += statusKb('VmLck', 0);
  s += statusKb('VmPin', 0);
  s += statusKb('VmHWM', p.vmHwm);
  s += statusKb('VmRSS', p.vmRss);
  s += statusKb('RssAnon', p.rssAnon);
  s += statusKb('RssFile', p.rssFile);
  s += statusKb('RssShmem', p.rssShmem);
  s += statusKb('VmData', p.vmData);
  s += statusKb('VmStk', p.vmStk);
  s += statusKb('VmExe', p.vmExe);
  s += statusKb('VmLib', p.vmLib);
  s += statusKb('VmPTE', p.vmPte);
  s += statusKb('VmSwap', 0);
  s += statusKb('HugetlbPages', 0);
  s += `CoreDumping:\t0\n`;
  s += `THP_enabled:\t1\n`;
  s += `untag_mask:\t0xffffffffffffffff\n`;
  s += `Threads:\t${p.threads}\n`;
  s += `SigQ:\t0/${p.machine.sigPendingLimit}\n`;
  s += `SigPnd:\t0000000000000000\n`;
  s += `ShdPnd:\t0000000000000000\n`;
  s += `SigBlk:\t${x.sigBlk}\n`;
  s += `SigIgn:\t${x.sigIgn}\n`;
  s += `SigCgt:\t${x.sigCgt}\n`;
  s += `CapInh:\t0000000000000000\n`;
  s += `CapPrm:\t000001fffeffffff\n`;
  s += `CapEff:\t000001fffeffffff\n`;
  s += `CapBnd:\t000001fffeffffff\n`;
  s += `CapAmb:\t0000000000000000\n`;
  s += `NoNewPrivs:\t0\n`;
  s += `Seccomp:\t0\n`;
  s += `Seccomp_filters:\t0\n`;
  s += `Speculation_Store_Bypass:\tvulnerable\n`;
  s += `SpeculationIndirectBranch:\talways enabled\n`;
  s += `Cpus_allowed:\t${((2 ** ncpu) - 1).toString(16)}\n`;
  s += `Cpus_allowed_list:\t${ncpu === 1 ? '0' : `0-${ncpu - 1}`}\n`;
  s += `Mems_allowed:\t${Array(31).fill('00000000').join(',')},00000001\n`;
  s += `Mems_allowed_list:\t0\n`;
  s += `voluntary_ctxt_switches:\t${x.voluntaryCtxtSwitches}\n`;
  s += `nonvoluntary_ctxt_switches:\t${x.nonvoluntaryCtxtSwitches}\n`;
  return s;
}

/** memory.current, memory.max, memory.peak and an abridged memory.stat of a cgroup (bytes). */
export function renderMemoryStat(c: Cgroup): string {
  return (
    `anon ${c.statPages('anon') * PAGE_SIZE}\n` +
    `file ${c.statPages('file') * PAGE_SIZE}\n` +
    `kernel ${c.statPages('pagetables') * PAGE_SIZE}\n` +
    `pagetables ${c.statPages('pagetables') * PAGE_SIZE}\n` +
    `shmem ${c.statPages('shmem') * PAGE_SIZE}\n` +
    `anon_thp ${c.statPages('anon_thp') * PAGE_SIZE}\n`
  );
}

/**
 * The container's view of a cgroup, as `cat` of its files prints them:
 * memory.current, memory.max, memory.peak, the main memory.stat lines,
 * memory.events, and the working set the kubelet computes from them
 * (memory.current − inactive_file). The root cgroup has no memory.current
 * in cgroup v2: its usage is the machine's, and no limit applies.
 */
export function renderCgroupView(c: Cgroup): string {
  let s = '';
  if (c.parent === null) s += `# the root cgroup: no memory limit (run with --cgroup-memory-max SIZE for a container)\n`;
  s += `memory.current ${c.memoryCurrent}\n`;
  s += `memory.max ${c.renderMax()}\n`;
  s += `memory.peak ${c.memoryPeak}\n`;
  for (const [k, v] of c.memoryStat()) s += `memory.stat ${k} ${v}\n`;
  s += `memory.events max ${c.events.max} oom ${c.events.oom} oom_kill ${c.events.oom_kill}\n`;
  s += `working_set ${c.workingSet()}\n`;
  return s;
}
