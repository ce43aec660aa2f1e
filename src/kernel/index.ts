// The Linux virtual-memory model: the public surface (see README.md in this
// folder for a map of the files). Nothing here knows about Go.

export * from './constants.ts';
export { Machine, type MachineOptions, type SpawnOptions } from './machine.ts';
export { Process, type ExitInfo, type OomSnapshot, type StatusExtras } from './process.ts';
export { Vma } from './vma.ts';
export { Cgroup, type ChargeKind, type MemoryEvents } from './cgroup.ts';
export { File, FileSystem, OpenFile, type CreateFileOptions } from './fs.ts';
export { PageCache, FileCache } from './pagecache.ts';
export { Thp, type ThpMode } from './thp.ts';
export type { ExecImage, ElfSegment } from './exec.ts';
export { mmapBase } from './exec.ts';
export { SegmentationFault, OomKilled, BusError, ProcessExited } from './errors.ts';
export type { KernelEvents, SyscallEvent, SyscallName, FaultEvent, FaultKind, OomEvent, ExitEvent } from './events.ts';
export { renderStatus, renderMaps, renderSmaps, renderSmapsEntry, renderSmapsRollup, renderMemoryStat, renderCgroupView } from './procfs.ts';
export { renderPsHeader, renderPsRow, fmtBsdTime, fmtCputime, fmtEtime, fmtPcpu, pcpuPermille, bootTics, startTimeTicks } from './ps.ts';
export { renderTop, renderTopHeader, renderTopRow, renderTopSummary, TopBatch, fmtTimePlus, machineCpuTicks, topMeminfo, type CpuTicks, type TopMeminfo, type TopProcSample } from './top.ts';
export { TaskCputime, CONFIG_HZ, USER_HZ, TICK_NSEC, LOAD_FREQ_NS, nsecToClockT, avenrun, loadavgText, procUptimeSecs } from './cputime.ts';
export { StraceWriter, formatSyscall } from './strace.ts';
export { parseSmapsFilter, renderSmapsFiltered, selectSmapsVmas, type SmapsFilter } from './smaps_filter.ts';
