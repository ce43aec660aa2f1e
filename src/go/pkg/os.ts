// os and syscall: files through the kernel model (open, read(2) through
// the page cache, close), os.ReadFile with Go's buffer sizing, os.Exit, and
// syscall.Mmap/Munmap of files. Each *os.File costs what os.newFile
// allocates (a File and a file, with a finalizer).

import { mallocgc } from '../../runtime/malloc.ts';
import { GoPanic } from '../../runtime/panic.ts';
import type { GoProcess } from '../process.ts';
import { GoExit } from '../process.ts';
import { T } from '../types.ts';
import { Slice } from '../values.ts';
import { MAP_PRIVATE, MAP_SHARED, PROT_EXEC, PROT_NONE, PROT_READ, PROT_WRITE } from '../../kernel/index.ts';

const byteSlice = T.slice(T.byte);

export class File {
  constructor(
    readonly fd: number,
    readonly name: string,
    /** Address of the *os.File on the heap. */
    readonly addr: number,
  ) {}

  Fd(): number {
    return this.fd;
  }
}

export class Os {
  /** os.Args. */
  readonly Args: readonly string[];

  constructor(private readonly p: GoProcess) {
    this.Args = p.argv;
  }

  Getpid(): number {
    return this.p.proc.pid;
  }

  /** os.Exit(code): the process ends at once (deferred calls do not run). */
  Exit(code: number): never {
    throw new GoExit(code);
  }

  /** os.Open(name); throws a Go-style error value as a JS Error when the file does not exist. */
  Open(name: string): File {
    const fd = this.p.proc.open(name);
    if (fd < 0) throw new Error(`open ${name}: no such file or directory`);
    const rt = this.p.rt;
    const addr = mallocgc(rt, 8, this.p.go.opaqueType('os.File', 8), true);
    mallocgc(rt, 88, this.p.go.opaqueType('os.file', 88), true);
    this.p.go.runtime.noteFinalizer();
    return new File(fd, name, addr);
  }

  /** f.Read(b): read(2) into b, through the page cache; every byte read is written into b. */
  Read(f: File, b: Slice): number {
    const n = this.read(f.fd, b.ptr, b.len, this.offset(f));
    if (n < 0) throw new Error(`read ${f.name}: errno ${-n}`);
    this.offsets.set(f, this.offset(f) + n);
    return n;
  }

  /**
   * read(2) of up to n bytes at off into memory at dst: the kernel copies
   * into dst, faulting its pages in, inside the call, and the goroutine is
   * at a safe point for all of it.
   */
  private read(fd: number, dst: number, n: number, off: number): number {
    const start = this.p.clock.now;
    const got = this.p.proc.pread(fd, n, off);
    if (got > 0) this.p.rt.sys.touch(dst, got);
    this.p.sched.syscall(start);
    return got;
  }

  private readonly offsets = new Map<File, number>();
  private offset(f: File): number {
    return this.offsets.get(f) ?? 0;
  }

  Close(f: File): void {
    this.p.proc.close(f.fd);
  }

  /** f.Stat().Size(). */
  Size(f: File): number {
    const of = this.p.proc.fdTable.get(f.fd);
    if (!of) throw new Error(`stat ${f.name}: bad file descriptor`);
    return of.file.size;
  }

  /** os.ReadFile: a buffer of size+1 (at least 512) bytes, filled by reads; the slice's len is the size. */
  ReadFile(name: string): Slice {
    const f = this.Open(name);
    const size = this.Size(f);
    const cap = Math.max(size + 1, 512);
    let b = this.p.go.make(byteSlice, 0, cap);
    const n = this.read(f.fd, b.ptr, size, 0);
    b = new Slice(byteSlice, b.ptr, n, cap);
    this.Close(f);
    return b;
  }
}

export class Syscall {
  readonly PROT_NONE = PROT_NONE;
  readonly PROT_READ = PROT_READ;
  readonly PROT_WRITE = PROT_WRITE;
  readonly PROT_EXEC = PROT_EXEC;
  readonly MAP_SHARED = MAP_SHARED;
  readonly MAP_PRIVATE = MAP_PRIVATE;
  /** The mmapper's active map (map[*byte][]byte) has its bucket once the first mapping is recorded. */
  private bucket = false;

  constructor(private readonly p: GoProcess) {}

  /** syscall.Mmap(fd, offset, length, prot, flags): a []byte over the mapping. */
  Mmap(fd: number, offset: number, length: number, prot: number, flags: number): Slice {
    const addr = this.p.proc.mmap(0, length, prot, flags, fd, offset);
    if (addr < 0) throw new Error(`mmap: errno ${-addr}`);
    if (!this.bucket) {
      // m.active[p] = b: the first insert allocates the map's bucket (8 keys, 8 []byte values).
      this.bucket = true;
      mallocgc(this.p.rt, 8 + 8 * 8 + 8 * 24 + 8, this.p.go.opaqueType('map.bucket[*uint8][]uint8', 272), true);
    }
    return new Slice(byteSlice, addr, length, length);
  }

  /** syscall.Munmap(b). */
  Munmap(b: Slice): void {
    const r = this.p.proc.munmap(b.ptr, b.cap);
    if (r < 0) throw new GoPanic(`munmap: errno ${-r}`);
  }
}
