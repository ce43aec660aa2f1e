// gomem's twin of main.go (run it with `node bin/gomem.js run
// reality/pending/idle-after-burst/twin.ts --json`): the same burst, drop,
// runtime.GC and 30 s of 64 KiB requests every 10 ms with a checkpoint each
// second. Not registered as a scenario yet (src/scenarios is being edited
// elsewhere), so `reality/run.ts` does not run it yet.

import type { Go } from '../../../src/go/api.ts';

export default {
  name: 'idle-after-burst',
  description: 'a 256 MiB burst dropped and collected, then 30 s near idle: the scavenger gives the memory back',
  checkpointHelper: true,
  *main(go: Go) {
    const T = go.T;
    const g = go.globals({ keep: T.slice(T.slice(T.byte)), sink: T.slice(T.byte), b: T.slice(T.byte) });
    go.checkpoint('start');
    g.keep = go.make(T.slice(T.slice(T.byte)), 0, 4096);
    for (let i = 0; i < 4096; i++) {
      g.b = go.make(T.slice(T.byte), 64 << 10);
      go.fill(g.b as never); // every page written (main.go writes one byte per page)
      g.keep = go.append(g.keep as never, g.b as never);
    }
    g.b = null;
    go.checkpoint('after_burst');
    g.keep = null;
    yield* go.runtime.GC();
    go.checkpoint('after_gc');
    for (let s = 1; s <= 30; s++) {
      for (let i = 0; i < 100; i++) {
        g.sink = go.make(T.slice(T.byte), 64 << 10);
        go.set(g.sink as never, 0, 1);
        yield* go.time.Sleep(10 * go.time.Millisecond);
      }
      go.checkpoint(`idle_${String(s).padStart(2, '0')}s`);
    }
  },
};
