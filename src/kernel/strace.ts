// strace -e trace=memory output from the kernel's 'syscall' events, in
// strace 6.x's format (checked against this machine's strace in
// test/kernel/strace.test.ts):
//
//   mmap(NULL, 262144, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7fb7000
//   munmap(0x7fff8bc00000, 629145600)       = 0
//   madvise(0x7f59a1600001, 4096, MADV_DONTNEED) = -1 EINVAL (Invalid argument)
//
// The return value is padded to column 40 (strace -a 40) after ") ".

import type { EventStream } from '../sim/events.ts';
import {
  ERRNO_NAMES,
  ERRNO_TEXT,
  MADV_NAMES,
  MAP_TYPE,
  MAP_TYPE_NAMES,
  MMAP_FLAG_NAMES,
  PROT_EXEC,
  PROT_READ,
  PROT_WRITE,
} from './constants.ts';
import type { KernelEvents, SyscallEvent, SyscallName } from './events.ts';

const MEMORY_CALLS: ReadonlySet<SyscallName> = new Set(['mmap', 'munmap', 'mprotect', 'madvise', 'brk']);

/** Decimal text of an integer-valued number, exact above 2^53 (strace prints the full 64-bit value). */
function dec(n: number): string {
  return Number.isSafeInteger(n) || !Number.isInteger(n) ? String(n) : BigInt(n).toString();
}

function addr(a: number): string {
  return a === 0 ? 'NULL' : '0x' + a.toString(16);
}

function prot(p: number): string {
  if (p === 0) return 'PROT_NONE';
  const parts: string[] = [];
  if (p & PROT_READ) parts.push('PROT_READ');
  if (p & PROT_WRITE) parts.push('PROT_WRITE');
  if (p & PROT_EXEC) parts.push('PROT_EXEC');
  const rest = p & ~(PROT_READ | PROT_WRITE | PROT_EXEC);
  if (rest !== 0) parts.push(`0x${rest.toString(16)} /* PROT_??? */`);
  return parts.join('|');
}

function mmapFlags(f: number): string {
  const parts = [MAP_TYPE_NAMES[f & MAP_TYPE] ?? `0x${(f & MAP_TYPE).toString(16)} /* MAP_??? */`];
  let rest = f & ~MAP_TYPE;
  for (const [bit, name] of MMAP_FLAG_NAMES) {
    if (rest & bit) {
      parts.push(name);
      rest &= ~bit;
    }
  }
  if (rest !== 0) parts.push(`0x${rest.toString(16)}`);
  return parts.join('|');
}

function advice(a: number): string {
  return MADV_NAMES[a] ?? `0x${a.toString(16)} /* MADV_??? */`;
}

/** The call part, e.g. "munmap(0x7fff8bc00000, 629145600)". */
function callText(e: SyscallEvent): string {
  const a = e.args;
  switch (e.name) {
    case 'mmap': {
      const off = a[5]!;
      return `mmap(${addr(a[0]!)}, ${dec(a[1]!)}, ${prot(a[2]!)}, ${mmapFlags(a[3]!)}, ${a[4]}, ${off === 0 ? '0' : '0x' + off.toString(16)})`;
    }
    case 'munmap':
      return `munmap(${addr(a[0]!)}, ${dec(a[1]!)})`;
    case 'mprotect':
      return `mprotect(${addr(a[0]!)}, ${dec(a[1]!)}, ${prot(a[2]!)})`;
    case 'madvise':
      return `madvise(${addr(a[0]!)}, ${dec(a[1]!)}, ${advice(a[2]!)})`;
    case 'brk':
      return `brk(${addr(a[0]!)})`;
    case 'open':
      return `openat(AT_FDCWD, "${e.path}", ${['O_RDONLY', 'O_WRONLY', 'O_RDWR'][a[0]! & 3]}|O_CLOEXEC)`;
    case 'close':
      return `close(${a[0]})`;
    case 'pread64':
      return `pread64(${a[0]}, ..., ${a[1]}, ${a[2]})`;
  }
}

function retText(e: SyscallEvent): string {
  if (e.ret < 0) {
    const errno = -e.ret;
    return `-1 ${ERRNO_NAMES[errno] ?? `E${errno}`} (${ERRNO_TEXT[errno] ?? 'Unknown error'})`;
  }
  if (e.name === 'mmap' || e.name === 'brk') return e.ret === 0 ? '0' : '0x' + e.ret.toString(16);
  return String(e.ret);
}

/** One strace line (without pid prefix or newline). */
export function formatSyscall(e: SyscallEvent): string {
  const call = callText(e) + ' ';
  return call.padEnd(40) + '= ' + retText(e);
}

/** Collects strace lines for the memory syscalls (or all, with `all`), optionally "[pid N] "-prefixed as strace -f does. */
export class StraceWriter {
  readonly lines: string[] = [];
  private readonly off: () => void;

  constructor(
    events: EventStream<KernelEvents>,
    private readonly opts: { all?: boolean; pidPrefix?: boolean; pid?: number; sink?: (line: string) => void } = {},
  ) {
    this.off = events.on('syscall', (e) => this.onSyscall(e));
  }

  private onSyscall(e: SyscallEvent): void {
    if (this.opts.pid !== undefined && e.pid !== this.opts.pid) return;
    if (!this.opts.all && !MEMORY_CALLS.has(e.name)) return;
    const line = (this.opts.pidPrefix ? `[pid ${String(e.pid).padStart(5)}] ` : '') + formatSyscall(e);
    this.lines.push(line);
    this.opts.sink?.(line);
  }

  /** The log so far, one call per line. */
  text(): string {
    return this.lines.map((l) => l + '\n').join('');
  }

  close(): void {
    this.off();
  }
}
