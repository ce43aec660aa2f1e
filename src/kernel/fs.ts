// The model's in-memory file system: named files with a size, an inode number
// and a device, as /proc/PID/maps prints them, plus open file descriptions
// (struct file) that carry the per-open readahead state (struct
// file_ra_state, include/linux/fs.h). File contents are not stored: only
// which pages are in the page cache matters to memory accounting.

import { EINVAL, O_RDONLY, O_RDWR, O_WRONLY, PAGE_SIZE } from './constants.ts';
import type { Vma } from './vma.ts';

/** Device of the root file system on this machine (/dev/vda: 254:0, maps prints fe:00). */
export const ROOT_DEV_MAJOR = 0xfe;
export const ROOT_DEV_MINOR = 0;

/** An inode: a regular file, a shmem object (MAP_SHARED|MAP_ANONYMOUS), or a kernel special mapping. */
export class File {
  /** Page-cache id used by PageCache (dense, per machine). */
  cacheId = -1;
  /** Every VMA that maps this file (the reverse map, address_space->i_mmap). */
  readonly mappings = new Set<Vma>();
  /** Kernel pages (the vDSO): always present, never charged or reclaimed. */
  pinned = false;

  constructor(
    readonly path: string,
    /** i_size in bytes. */
    public size: number,
    readonly ino: number,
    readonly devMajor: number,
    readonly devMinor: number,
    /** A shmem object: pages are swap-backed (RssShmem), never read from disk. */
    readonly shmem = false,
  ) {}

  /** Pages covering i_size. */
  get pages(): number {
    return Math.ceil(this.size / PAGE_SIZE);
  }
}

/** file_ra_state: the readahead window of one open file (mm/readahead.c). */
export class ReadaheadState {
  /** Window start, pages. */
  start = 0;
  /** Window size, pages. */
  size = 0;
  /** Pages before the window end at which the next async readahead starts. */
  asyncSize = 0;
  /** Last read position, bytes (−1: none). */
  prevPos = -1;
  /** mmap faults that missed the cache minus fault-around hits; read-around stops above 100 (MMAP_LOTSAMISS). */
  mmapMiss = 0;

  constructor(
    /** Maximum readahead, pages (bdi->ra_pages: read_ahead_kb / 4). */
    readonly raPages: number,
  ) {}
}

/** struct file: one open(2) of a File. */
export class OpenFile {
  readonly ra: ReadaheadState;
  constructor(
    readonly file: File,
    /** O_RDONLY, O_WRONLY or O_RDWR. */
    readonly accMode: number,
    raPages: number,
  ) {
    this.ra = new ReadaheadState(raPages);
  }

  get readable(): boolean {
    return this.accMode === O_RDONLY || this.accMode === O_RDWR;
  }

  get writable(): boolean {
    return this.accMode === O_WRONLY || this.accMode === O_RDWR;
  }
}

export interface CreateFileOptions {
  /** Inode number (default: the next free one); set it to match a real capture. */
  ino?: number;
}

export class FileSystem {
  private readonly files = new Map<string, File>();
  /** Next inode number handed out. */
  private nextIno = 1000001;

  /** Creates (or replaces) a regular file of `sizeBytes` bytes, like fallocate -l. */
  create(path: string, sizeBytes: number, opts: CreateFileOptions = {}): File {
    if (!path.startsWith('/')) throw new Error(`fs: path must be absolute: ${path}`);
    if (!(sizeBytes >= 0) || !Number.isInteger(sizeBytes)) throw new Error(`fs: bad size ${sizeBytes} (errno ${EINVAL})`);
    const ino = opts.ino ?? this.nextIno++;
    const f = new File(path, sizeBytes, ino, ROOT_DEV_MAJOR, ROOT_DEV_MINOR);
    this.files.set(path, f);
    return f;
  }

  lookup(path: string): File | undefined {
    return this.files.get(path);
  }

  /** A shmem object for a shared anonymous mapping (its "file" is /dev/zero, deleted). */
  createShmem(sizeBytes: number): File {
    return new File('/dev/zero (deleted)', sizeBytes, this.nextIno++, 0, 1, true);
  }
}
