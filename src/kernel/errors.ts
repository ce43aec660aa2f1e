// Outcomes the kernel delivers to a program as signals: a bad memory access
// (SIGSEGV, arch/x86/mm/fault.c bad_area) and the OOM killer's SIGKILL
// (mm/oom_kill.c). They are thrown from the faulting access so the caller can
// unwind; they are results to report, not bugs in gomem.

import { SEGV_ACCERR, SEGV_MAPERR } from './constants.ts';

/** SIGSEGV from an access to an unmapped address (SEGV_MAPERR) or against a VMA's protection (SEGV_ACCERR). */
export class SegmentationFault extends Error {
  constructor(
    readonly pid: number,
    /** The faulting address (si_addr). */
    readonly addr: number,
    /** SEGV_MAPERR or SEGV_ACCERR. */
    readonly code: number,
    readonly write: boolean,
  ) {
    super(
      `SIGSEGV: pid ${pid} ${write ? 'write' : 'read'} at 0x${addr.toString(16)} (${code === SEGV_MAPERR ? 'SEGV_MAPERR' : code === SEGV_ACCERR ? 'SEGV_ACCERR' : code})`,
    );
    this.name = 'SegmentationFault';
  }
}

/** SIGBUS: an access to a file mapping beyond the end of the file (VM_FAULT_SIGBUS). */
export class BusError extends Error {
  constructor(
    readonly pid: number,
    readonly addr: number,
  ) {
    super(`SIGBUS: pid ${pid} access at 0x${addr.toString(16)} beyond the end of the mapped file`);
    this.name = 'BusError';
  }
}

/** The process was chosen by the OOM killer and received SIGKILL (exit status 137). */
export class OomKilled extends Error {
  constructor(
    readonly pid: number,
    /** The kernel log lines, as dmesg prints them. */
    readonly kernelLog: readonly string[],
  ) {
    super(`pid ${pid} killed by the OOM killer (SIGKILL)`);
    this.name = 'OomKilled';
  }
}

/** A call on a process that has already exited: a bug in the caller, not an outcome. */
export class ProcessExited extends Error {
  constructor(readonly pid: number) {
    super(`pid ${pid} has exited`);
    this.name = 'ProcessExited';
  }
}
