// A compiled Go program as the kernel loads it and the runtime sees it: the
// ELF load segments (VSZ and RSS of the executable), the sizes of its data
// and bss sections (the GC's globals, the pointer masks in BuckHashSys), the
// bytes of its text and rodata the start-up executes and reads. These are
// facts about a binary, read off a real `go build` (reality/cases/*/binary.json
// records them for every case); gomem cannot compile Go, so a program names
// the binary it is the twin of.

import type { ExecImage } from '../kernel/index.ts';
import { PROT_EXEC, PROT_READ, PROT_WRITE } from '../kernel/index.ts';

export interface GoBinary {
  exec: ExecImage;
  /** .data and .noptrdata, .bss and .noptrbss sizes. */
  sections: { data: number; noptrdata: number; bss: number; noptrbss: number };
}

/** binary.json as the reality recorder writes it. */
export interface BinaryJson {
  binary: string;
  file_size: number;
  data_sections: Record<string, number>;
  load_segments: { offset: number; vaddr: number; filesz: number; memsz: number; flags: string }[];
}

export function binaryFromJson(j: BinaryJson, path: string): GoBinary {
  const prot = (flags: string): number =>
    (flags.includes('R') ? PROT_READ : 0) | (flags.includes('W') ? PROT_WRITE : 0) | (flags.includes('E') ? PROT_EXEC : 0);
  return {
    exec: {
      path,
      fileSize: j.file_size,
      segments: j.load_segments.map((s) => ({ vaddr: s.vaddr, memsz: s.memsz, filesz: s.filesz, offset: s.offset, prot: prot(s.flags) })),
    },
    sections: {
      data: j.data_sections['.data'] ?? 0,
      noptrdata: j.data_sections['.noptrdata'] ?? 0,
      bss: j.data_sections['.bss'] ?? 0,
      noptrbss: j.data_sections['.noptrbss'] ?? 0,
    },
  };
}

/**
 * gcController.globalsScan: what modulesinit adds for each module,
 * edata − data + ebss − bss — the .data and .bss sections, the ones that
 * may hold pointers (.noptrdata and .noptrbss are not scanned).
 */
export function globalsSize(b: GoBinary): number {
  return b.sections.data + b.sections.bss;
}

/**
 * What running the runtime does to the executable's pages before main:
 * its code and read-only data are read (the page cache is warm, so every
 * page ends up mapped), its initialised data is read, and the pages of
 * .data and .bss holding the runtime's written globals are dirtied. The
 * written pages are those measured for a Go 1.23.5 binary at its first
 * checkpoint (reality/startup, resident-hellocp-checkpoint.json): pages
 * 0–1, 5 and the last two of the RW file segment, and pages 0–2, 8, 16 and
 * 24–36 of the anonymous bss that follows it (page 7 only read).
 */
export function runtimeStartTouches(b: GoBinary, proc: { read(a: number, n: number): void; write(a: number, n: number): void }): void {
  const page = 4096;
  const segs = b.exec.segments;
  for (const s of segs) if (s.filesz > 0) proc.read(s.vaddr, s.filesz);
  const rw = segs.find((s) => s.memsz > s.filesz);
  if (rw === undefined) return;
  const dataPages = Math.ceil((rw.vaddr + rw.filesz) / page) - Math.floor(rw.vaddr / page);
  const data0 = Math.floor(rw.vaddr / page) * page;
  for (const i of [0, 1, 5, dataPages - 2, dataPages - 1]) if (i >= 0 && i < dataPages) proc.write(data0 + i * page, 1);
  const bss0 = Math.ceil((rw.vaddr + rw.filesz) / page) * page;
  const bssPages = Math.ceil((rw.vaddr + rw.memsz) / page) - bss0 / page;
  const written = [0, 1, 2, 8, 16, ...Array.from({ length: 13 }, (_, k) => 24 + k)];
  for (const i of written) if (i < bssPages) proc.write(bss0 + i * page, 1);
  if (7 < bssPages) proc.read(bss0 + 7 * page, 1);
}

/**
 * The main thread's own stack and the vDSO: M0's g0 runs on the OS stack
 * (the runtime's start-up uses about 12 KiB of it), and nanotime reads the
 * vDSO's data page. Measured: [stack] Rss 12 kB, [vdso] Rss 4 kB.
 */
export function runtimeStartOSTouches(proc: { vmas(): readonly { start: number; end: number; name: string }[]; read(a: number, n: number): void; write(a: number, n: number): void }): void {
  for (const v of proc.vmas()) {
    if (v.name === '[stack]') proc.write(v.end - 12 * 1024, 12 * 1024);
    if (v.name === '[vdso]') proc.read(v.start, 1);
  }
}
