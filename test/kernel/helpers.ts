// Shared setup for the kernel tests: the real Go 1.23.5 hello binary's ELF
// layout (readelf -lW of /tmp/k/hello/hello built on this machine, kept in
// fixtures/hello.phdrs) and a machine with this machine's RAM.

import { readFileSync } from 'node:fs';
import { Machine, PROT_EXEC, PROT_READ, PROT_WRITE, type ExecImage, type MachineOptions } from '../../src/kernel/index.ts';

export const FIXTURES = new URL('./fixtures/', import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** MemTotal of this machine: 24684092 kB (/proc/meminfo). */
export const MEMTOTAL = 24684092 * 1024;

/** The hello binary: 2278215 bytes, inode 2146547 on fe:00, three PT_LOADs. */
export const HELLO_PATH = '/tmp/k/hello/hello';
export const HELLO_INO = 2146547;

/** Parses `readelf -lW` LOAD lines into an ExecImage. */
export function parsePhdrs(path: string, fileSize: number, text: string): ExecImage {
  const segments = text
    .trim()
    .split('\n')
    .map((line) => {
      const f = line.trim().split(/\s+/);
      // LOAD Offset VirtAddr PhysAddr FileSiz MemSiz Flg... Align
      const flags = f.slice(6, f.length - 1).join('');
      return {
        offset: Number(f[1]),
        vaddr: Number(f[2]),
        filesz: Number(f[4]),
        memsz: Number(f[5]),
        prot: (flags.includes('R') ? PROT_READ : 0) | (flags.includes('W') ? PROT_WRITE : 0) | (flags.includes('E') ? PROT_EXEC : 0),
      };
    });
  return { path, fileSize, segments };
}

export const HELLO: ExecImage = parsePhdrs(HELLO_PATH, 2278215, fixture('hello.phdrs'));

export function newMachine(opts: MachineOptions = {}): Machine {
  const m = new Machine({ memTotal: MEMTOTAL, ...opts });
  m.fs.create(HELLO_PATH, HELLO.fileSize, { ino: HELLO_INO });
  return m;
}

export const KiB = 1024;
export const MiB = 1024 * 1024;
