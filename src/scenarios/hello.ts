// hello: the "why does hello world use so much memory" program. An idle Go
// process already has ~1.2 GiB of VSZ (reserved, PROT_NONE address space for
// the page allocator's summaries and the scavenger's index, and the first
// 64 MiB heap arena) and ~2 MiB of RSS (the binary's text, a few runtime
// metadata pages and the heap pages touched so far).
//
// Go:   checkpoint.Mark("start"); fmt.Println("hi"); checkpoint.Mark("after_println")
//       time.Sleep(2 * time.Second); checkpoint.Mark("after_sleep_2s")

import { defineProgram } from '../go/program.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

export default defineProgram({
  name: 'hello',
  description: 'fmt.Println("hi"), then sleep: what an idle Go process costs (VSZ vs RSS)',
  binary: binaryOf('hello'),
  inits: initsOf('hello'),
  live: liveOf('hello'),
  options: { sleep: { default: '2s', help: 'how long to sleep after printing (the article sleeps 30s)', kind: 'duration' } },
  *main(go) {
    go.checkpoint('start');
    go.fmt.Println('hi');
    go.checkpoint('after_println');
    yield* go.time.Sleep(go.time.ParseDuration(go.option('sleep')));
    go.checkpoint(`after_sleep_${go.option('sleep')}`);
  },
});
