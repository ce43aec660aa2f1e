// read-file (Efficient Go, Example 5-2): reading 600 MiB of a file into a
// []byte puts all of it in the process's RSS (the read(2) writes every
// byte of the buffer), on top of the page cache the kernel keeps.
//
// Go:   f, _ := os.Open(os.Args[1]); b := make([]byte, 600*1024*1024); f.Read(b)
//       fmt.Println("Reading 5000 index", b[5000]) …; f.Close(); runtime.GC()

import { defineProgram } from '../go/program.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

const file = '/data/file600m';

export default defineProgram({
  name: 'read-file',
  description: 'Example 5-2: read a 600 MiB file into a []byte (RSS grows by all of it)',
  binary: binaryOf('read-file'),
  inits: initsOf('read-file'),
  live: liveOf('read-file'),
  args: [file],
  files: [{ path: file, size: 600 << 20 }],
  *main(go) {
    const T = go.T;
    go.checkpoint('start');
    const f = go.os.Open(go.os.Args[1]!);
    const v = go.locals('main.main', { b: T.slice(T.byte) });
    const b = go.make(T.slice(T.byte), 600 * 1024 * 1024);
    v.b = b;
    const n = go.os.Read(f, b);
    if (n !== b.len) go.log.Fatal(`read ${n} bytes, want ${b.len}`);
    go.checkpoint('after_read');
    go.fmt.Println('Reading 5000 index', go.get(b, 5000));
    go.fmt.Println('Reading 100 000 index', go.get(b, 100000));
    go.fmt.Println('Reading 104 000 index', go.get(b, 104000));
    go.checkpoint('after_index_reads');
    go.os.Close(f);
    go.checkpoint('after_close');
    // b = b[0:]; runtime.GC(): b is not used again, so the stack map at the
    // call has no live slot for it and the collector frees the 600 MiB.
    v.b = null;
    yield* go.runtime.GC();
    go.checkpoint('after_gc');
  },
});
