// Generates src/go/pkginit_data.json: the heap allocations each standard
// package's init makes in Go 1.23.5 (and the first-use allocations of fmt
// and time), taken from the start-up traces in reality/startup (kernel
// uprobes on mallocgc of real Go programs; see reality/startup/README.md).
// Runtime actions that show up in those traces as allocations (the
// finalizer goroutine that os's first SetFinalizer starts) become actions,
// and the copies whose size depends on the environment or the arguments
// become per-variable / per-argument entries.
//
//   npx tsx scripts/mkpkginit.ts           rewrite the file
//   npx tsx scripts/mkpkginit.ts --check   exit 1 if it is stale

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface TracedAlloc {
  phase: string;
  size: number;
  noscan: boolean;
  type: string | null;
  what: string | null;
}

export type InitStep =
  | { alloc: number; noscan: boolean; type: string }
  | { allocPerEnv: number; noscan: boolean; type: string }
  | { allocPerArg: number; noscan: boolean; type: string }
  | { action: 'createfing' }
  | { action: 'SetFinalizer' }
  | { action: 'ReadMemStats' };

const root = new URL('..', import.meta.url);
const read = (prog: string): TracedAlloc[] =>
  (JSON.parse(readFileSync(new URL(`reality/startup/allocs-${prog}.json`, root), 'utf8')) as { probe: { allocs: TracedAlloc[] } }).probe.allocs;

function steps(allocs: TracedAlloc[]): InitStep[] {
  const out: InitStep[] = [];
  for (let i = 0; i < allocs.length; i++) {
    const a = allocs[i]!;
    const type = a.type ?? '';
    const what = a.what ?? '';
    if (what.startsWith('g of a new goroutine')) {
      // newproc1 → malg + allgadd: the finalizer goroutine (createfing), modelled by the scheduler.
      out.push({ action: 'createfing' });
      if (allocs[i + 1]?.what?.startsWith('allgs backing array')) i++;
      continue;
    }
    if (what.includes('16 B per variable')) out.push({ allocPerEnv: 16, noscan: a.noscan, type });
    else if (what.includes('16 B per argument')) out.push({ allocPerArg: 16, noscan: a.noscan, type });
    else out.push({ alloc: a.size, noscan: a.noscan, type });
    // os.newFile sets a finalizer on each *file it makes.
    if (type === 'os.file') out.push({ action: 'SetFinalizer' });
  }
  return out;
}

function byPhase(prog: string, phase: string): TracedAlloc[] {
  return read(prog).filter((a) => a.phase === phase);
}

export function build(): Record<string, InitStep[]> {
  const data: Record<string, InitStep[]> = {};
  for (const pkg of ['iter', 'sync', 'internal/godebug', 'syscall', 'internal/poll', 'os', 'unicode']) {
    data[pkg] = steps(byPhase('hello', `init ${pkg}`));
  }
  data['runtime/metrics'] = steps(byPhase('sysmix', 'init runtime/metrics'));
  // The reality harness's checkpoint helper (reality/checkpoint): its buffers and its dry-run checkpoint.
  // Its init makes its four buffers, then a dry-run checkpoint: ReadMemStats (which flushes
  // every mcache), then the first metrics.Read, which builds the runtime's metric table.
  const helper = steps(byPhase('hellocp', 'init gomem/reality/checkpoint'));
  const afterBuffers = helper.findIndex((s) => 'type' in s && s.type === 'metrics.Sample') + 1;
  data['gomem/reality/checkpoint'] = [...helper.slice(0, afterBuffers), { action: 'ReadMemStats' }, ...helper.slice(afterBuffers)];
  // First use of fmt's printer pool (sync.Pool registration, poolLocal array, a pp, its buffer).
  data['fmt.firstPrint'] = steps(byPhase('hello', 'main.main'));
  // The first time.Sleep of a goroutine: its timer and the P's timer heap entry.
  data['time.firstSleep'] = steps(byPhase('hellocp', 'main.main').filter((a) => a.type === 'runtime.timer' || a.type === 'runtime.timerWhen'));
  return data;
}

const target = fileURLToPath(new URL('src/go/pkginit_data.json', root));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = JSON.stringify(build(), null, 1) + '\n';
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== text) {
      console.error('src/go/pkginit_data.json is stale: run npx tsx scripts/mkpkginit.ts');
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
  }
}
