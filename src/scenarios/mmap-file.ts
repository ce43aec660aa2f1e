// mmap-file (Efficient Go, Example 5-3): mapping 600 MiB of a file adds
// 600 MiB of VSZ and nothing to RSS; each read of a byte in a new 64 KiB
// window maps that window of already-cached pages (fault-around: +64 kB of
// RssFile); munmap takes them out of the process (they stay in the page
// cache).
//
// Go:   f, _ := os.Open(os.Args[1]); b, _ := syscall.Mmap(int(f.Fd()), 0, 600<<20, syscall.PROT_READ, syscall.MAP_SHARED)
//       fmt.Println("Reading 5000 index", b[5000]) … syscall.Munmap(b); f.Close()

import { defineProgram } from '../go/program.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

const file = '/data/file600m';

export default defineProgram({
  name: 'mmap-file',
  description: 'Example 5-3: mmap 600 MiB of a file, read three bytes, munmap (VSZ vs RssFile)',
  binary: binaryOf('mmap-file'),
  inits: initsOf('mmap-file'),
  live: liveOf('mmap-file'),
  args: [file],
  files: [{ path: file, size: 600 << 20 }],
  *main(go) {
    go.checkpoint('start');
    const f = go.os.Open(go.os.Args[1]!);
    const b = go.syscall.Mmap(f.Fd(), 0, 600 << 20, go.syscall.PROT_READ, go.syscall.MAP_SHARED);
    go.checkpoint('after_mmap');
    go.fmt.Println('Reading 5000 index', go.get(b, 5000));
    go.checkpoint('after_read_5000');
    go.fmt.Println('Reading 100 000 index', go.get(b, 100000));
    go.checkpoint('after_read_100000');
    go.fmt.Println('Reading 104 000 index', go.get(b, 104000));
    go.checkpoint('after_read_104000');
    go.syscall.Munmap(b);
    go.os.Close(f);
    go.checkpoint('after_munmap');
  },
});
