// execve of a static ELF executable (fs/exec.c, fs/binfmt_elf.c
// load_elf_binary, arch/x86/entry/vdso/vma.c map_vdso), with ASLR off as
// under `setarch -R`. What exists right after exec, measured on this machine
// for a Go 1.23 binary (ptrace stop after execve, test/kernel/fixtures/hello-exec.*):
//
//   00400000-0049e000 r-xp  file   one VMA per PT_LOAD, page-rounded, MAP_PRIVATE
//   0049e000-00560000 r--p  file
//   00560000-0056b000 rw-p  file   …its last page written by padzero (bss start):
//                                   one anonymous COW page, RssAnon 4 kB
//   0056b000-0058f000 rw-p  anon   the rest of the bss (vm_brk_flags)
//   7ffff7ff7000 [vvar] 16K, [vvar_vclock] 8K, [vdso] 8K (below mmap_base)
//   7ffffffde000-7ffffffff000 [stack] 132 kB = 128 KiB + the argument page,
//                                   one page written (strings, argv, envp, auxv)
//   VmRSS 8 kB (all anonymous), VmPTE 24 kB (2 PTE + 2 PMD + 2 PUD tables)
//
// The binary's page cache: reading the ELF header reads ahead 4 pages; the
// padzero fault's read-around (2048 pages) caches the rest of a Go binary.

import {
  DEFAULT_STACK_RLIMIT,
  MAP_FIXED_NOREPLACE,
  MAP_PRIVATE,
  O_RDONLY,
  PAGE_SIZE,
  PROT_EXEC,
  PROT_WRITE,
  STACK_GUARD_GAP,
  STACK_TOP,
  TASK_SIZE,
  VM_ACCOUNT,
  VM_DONTDUMP,
  VM_DONTEXPAND,
  VM_EXEC,
  VM_GROWSDOWN,
  VM_IO,
  VM_MAYEXEC,
  VM_MAYREAD,
  VM_MAYWRITE,
  VM_PFNMAP,
  VM_READ,
  VM_WRITE,
  pageAlignDown,
  pageAlignUp,
} from './constants.ts';
import { OpenFile } from './fs.ts';
import type { Mm } from './mm.ts';
import { doMmap, vmEnoughMemory } from './mmap.ts';
import type { Process } from './process.ts';
import { fileRead } from './readahead.ts';
import { getUnmappedArea } from './unmapped_area.ts';
import { SPECIAL_STACK, SPECIAL_VDSO, SPECIAL_VVAR, SPECIAL_VVAR_VCLOCK, Vma } from './vma.ts';

/** One PT_LOAD program header. */
export interface ElfSegment {
  /** p_vaddr */
  vaddr: number;
  /** p_memsz */
  memsz: number;
  /** p_filesz */
  filesz: number;
  /** p_offset */
  offset: number;
  /** PROT_* from p_flags (PF_R → PROT_READ, PF_W → PROT_WRITE, PF_X → PROT_EXEC). */
  prot: number;
}

/** An ELF executable (ET_EXEC, static) as binfmt_elf maps it. */
export interface ExecImage {
  path: string;
  /** Size of the file in bytes. */
  fileSize: number;
  segments: readonly ElfSegment[];
}

/** Sizes of this kernel's vDSO image: [vvar] 4 pages, [vvar_vclock] 2 pages, [vdso] 2 pages. */
export const VVAR_PAGES = 4;
export const VVAR_VCLOCK_PAGES = 2;
export const VDSO_PAGES = 2;

/** mmap_base without ASLR (arch/x86/mm/mmap.c): TASK_SIZE − clamp(stack rlimit + guard gap, 128 MiB, 5/6 TASK_SIZE). */
export function mmapBase(stackRlimit: number): number {
  let gap = stackRlimit + STACK_GUARD_GAP;
  const gapMin = 128 * 1024 * 1024;
  const gapMax = Math.floor(TASK_SIZE / 6) * 5;
  if (gap < gapMin) gap = gapMin;
  else if (gap > gapMax) gap = gapMax;
  return pageAlignUp(TASK_SIZE - gap);
}

/** Auxiliary vector entries a static x86_64 binary gets on 6.x (incl. AT_NULL), 16 bytes each. */
const AUXV_ENTRIES = 24;

/** Loads `exe` into the fresh process `proc` (no VMAs yet). Throws if the image cannot be mapped. */
export function execImage(proc: Process, exe: ExecImage, argv: readonly string[], env: readonly string[]): void {
  const machine = proc.machine;
  const mm = proc.mm;
  const file = machine.fs.lookup(exe.path) ?? machine.fs.create(exe.path, exe.fileSize);
  if (file.size !== exe.fileSize) file.size = exe.fileSize;
  mm.mmapBase = mmapBase(proc.stackRlimit);

  // bprm->file: one open file for the header reads and every mapping.
  const of = new OpenFile(file, O_RDONLY, machine.raPages);
  fileRead(machine, of, 0, 256, proc.cgroup, proc); // prepare_binprm: BINPRM_BUF_SIZE

  // The argument strings at the top of the stack (copy_strings), then the
  // 128 KiB expansion of setup_arg_pages.
  let strBytes = 8 + exe.path.length + 1;
  for (const s of env) strBytes += s.length + 1;
  for (const s of argv) strBytes += s.length + 1;
  const argPages = Math.ceil(strBytes / PAGE_SIZE);
  const stackStart = STACK_TOP - argPages * PAGE_SIZE - 128 * 1024;
  if (STACK_TOP - stackStart > Math.max(proc.stackRlimit, DEFAULT_STACK_RLIMIT)) throw new Error('exec: arguments exceed the stack limit');
  const stackFlags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_GROWSDOWN | VM_ACCOUNT;
  if (!vmEnoughMemory(mm, (STACK_TOP - stackStart) / PAGE_SIZE)) throw new Error('exec: cannot commit the stack');
  mm.insert(new Vma(mm, stackStart, STACK_TOP, stackFlags, stackStart / PAGE_SIZE, null, SPECIAL_STACK));

  // PT_LOAD segments.
  let startCode = Infinity;
  let endCode = 0;
  let startData = 0;
  let endData = 0;
  let elfBrk = 0;
  const fd = installFd(proc, of);
  for (const seg of exe.segments) {
    const mapStart = pageAlignDown(seg.vaddr);
    const pageOff = seg.vaddr - mapStart;
    if (seg.filesz > 0) {
      const size = pageAlignUp(seg.filesz + pageOff);
      const r = doMmap(proc, mapStart, size, seg.prot, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, seg.offset - pageOff);
      if (r < 0) throw new Error(`exec: mapping segment at 0x${seg.vaddr.toString(16)} failed (errno ${-r})`);
    }
    if (seg.memsz > seg.filesz) {
      const zeroStart = seg.vaddr + seg.filesz;
      const zeroEnd = seg.vaddr + seg.memsz;
      // padzero: clear the rest of the last file page.
      if (zeroStart % PAGE_SIZE !== 0 && seg.filesz > 0 && seg.prot & PROT_WRITE) proc.write(zeroStart, PAGE_SIZE - (zeroStart % PAGE_SIZE));
      const bssStart = pageAlignUp(zeroStart);
      const bssEnd = pageAlignUp(zeroEnd);
      if (bssEnd > bssStart) {
        const flags = VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_ACCOUNT | (seg.prot & PROT_EXEC ? VM_EXEC : 0);
        if (!vmEnoughMemory(mm, (bssEnd - bssStart) / PAGE_SIZE)) throw new Error('exec: cannot commit the bss');
        mm.mergeAt(mm.insert(new Vma(mm, bssStart, bssEnd, flags, bssStart / PAGE_SIZE, null)));
      }
    }
    if (seg.prot & PROT_EXEC) {
      startCode = Math.min(startCode, seg.vaddr);
      endCode = Math.max(endCode, seg.vaddr + seg.filesz);
    }
    startData = Math.max(startData, seg.vaddr);
    endData = Math.max(endData, seg.vaddr + seg.filesz);
    elfBrk = Math.max(elfBrk, seg.vaddr + seg.memsz);
  }
  proc.fdTable.delete(fd);
  mm.startCode = startCode === Infinity ? 0 : startCode;
  mm.endCode = endCode;
  mm.startData = startData;
  mm.endData = endData;
  mm.startBrk = mm.brk = pageAlignUp(elfBrk);

  mapVdso(proc, mm);

  // create_elf_tables: platform string, AT_RANDOM bytes, auxv, envp, argv, argc.
  let p = STACK_TOP - strBytes;
  p = Math.floor(p / 16) * 16;
  p -= 7 + 16;
  const items = argv.length + 1 + env.length + 1 + 1;
  let sp = p - AUXV_ENTRIES * 16 - items * 8;
  sp = Math.floor(sp / 16) * 16;
  mm.startStack = sp;
  proc.write(sp, STACK_TOP - sp);
}

function installFd(proc: Process, of: OpenFile): number {
  let fd = 3;
  while (proc.fdTable.has(fd)) fd++;
  proc.fdTable.set(fd, of);
  return fd;
}

/** map_vdso: [vvar] [vvar_vclock] [vdso] as one top-down placement. */
function mapVdso(proc: Process, mm: Mm): void {
  const machine = proc.machine;
  const total = (VVAR_PAGES + VVAR_VCLOCK_PAGES + VDSO_PAGES) * PAGE_SIZE;
  const base = getUnmappedArea(mm, 0, total, false, 0, false);
  if (base < 0) throw new Error('exec: no room for the vDSO');
  const vvarFlags = VM_READ | VM_MAYREAD | VM_IO | VM_DONTDUMP | VM_PFNMAP | VM_DONTEXPAND;
  const vdsoFlags = VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_DONTEXPAND;
  let a = base;
  mm.insert(new Vma(mm, a, a + VVAR_PAGES * PAGE_SIZE, vvarFlags, 0, null, SPECIAL_VVAR));
  a += VVAR_PAGES * PAGE_SIZE;
  mm.insert(new Vma(mm, a, a + VVAR_VCLOCK_PAGES * PAGE_SIZE, vvarFlags, 0, null, SPECIAL_VVAR_VCLOCK));
  a += VVAR_VCLOCK_PAGES * PAGE_SIZE;
  mm.insert(new Vma(mm, a, a + VDSO_PAGES * PAGE_SIZE, vdsoFlags, 0, machine.vdso, SPECIAL_VDSO));
}

