// `gomem why <scenario-or-file> --at CHECKPOINT`: why is it alive. Runs the
// program (with `gomem run`'s settings flags) up to the checkpoint and
// prints there, as viewcore once did for core files, the largest retained
// types each with a shortest retainer path from a root, or the path to the
// object at --addr; then the goroutines counted by where they are blocked,
// as the debug=1 goroutine profile groups them. --json gives the same as
// JSON. The search itself is src/go/why.ts.

import type { Command } from 'commander';
import type { RunOptions } from '../go/process.ts';
import { parseInteger } from '../go/units.ts';
import { type GoroutineGroup, type WhyPath, type WhyReport, parseAddress, whyAt } from '../go/why.ts';
import { reachCheckpoint, settingsOptions } from './at_checkpoint.ts';
import { UsageError } from './errors.ts';
import { type RunFlags, goEnvironment, loadProgram, machineOptions, programOptions, settingsEnv } from './run.ts';

export interface WhyFlags extends Omit<RunFlags, 'top'> {
  at: string;
  addr?: string;
  top?: string;
}

const num = (n: number): string => n.toLocaleString('en-US');

function pathLines(path: WhyPath, indent: string): string[] {
  const out = [`${indent}${path.root.name}${path.root.type !== undefined ? ` (${path.root.type})` : ''}`];
  for (const h of path.hops) {
    const o = h.object;
    const obj = `object ${o.addr} (${o.type}, size ${num(o.size)})`;
    if (h.from === undefined) out.push(`${indent}  → ${obj}`);
    else if (h.from.type.startsWith('(')) out.push(`${indent}  → word at +${h.from.offset} → ${obj}`); // a holder of no known type
    else out.push(`${indent}  → (*${h.from.type})${h.from.field.startsWith('[') || h.from.field === '' ? '' : '.'}${h.from.field} at +${h.from.offset} → ${obj}`);
  }
  return out;
}

function goroutineLines(title: string, groups: GoroutineGroup[]): string[] {
  const out = [title];
  if (groups.length === 0) return out;
  const w = Math.max(5, ...groups.map((g) => String(g.count).length));
  const sw = Math.max(5, ...groups.map((g) => g.state.length + 2));
  out.push(`  ${'count'.padStart(w)}  ${'state'.padEnd(sw)}  where`);
  for (const g of groups) {
    out.push(`  ${String(g.count).padStart(w)}  ${`[${g.state}]`.padEnd(sw)}  ${g.function}`);
    for (const f of g.stack) out.push(`  ${''.padStart(w)}  ${''.padEnd(sw)}    ${f.function}${f.line !== undefined ? `  ${f.file}:${f.line}` : ''}`);
  }
  return out;
}

/** The report as text. */
export function formatWhy(r: WhyReport): string {
  const out: string[] = [];
  out.push(`${r.program} at checkpoint ${r.checkpoint}`);
  out.push(
    `reachable from the roots: ${num(r.heap.reachableObjects)} objects, ${num(r.heap.reachableBytes)} bytes (HeapAlloc ${num(r.heap.heapAlloc)} bytes in ${num(r.heap.heapObjects)} objects, with what the next GC frees)`,
  );
  out.push('');
  if (r.types !== undefined) {
    out.push(`Largest retained types (bytes of reachable objects; type from: malloc header, span.largeType, or path = inferred from the typed word that reaches it):`);
    const w = Math.max(5, ...r.types.map((t) => num(t.bytes).length));
    const c = Math.max(7, ...r.types.map((t) => num(t.objects).length));
    out.push(`  ${'bytes'.padStart(w)}  ${'objects'.padStart(c)}  type`);
    for (const t of r.types) out.push(`  ${num(t.bytes).padStart(w)}  ${num(t.objects).padStart(c)}  ${t.type}  [type from: ${t.typeSources.join(', ')}]`);
    for (const t of r.types) {
      out.push('');
      out.push(`why ${t.type} is alive:`);
      const most = t.roots > t.retainers.length ? `; the ${t.retainers.length} that reach most` : '';
      out.push(`  reached from ${t.roots === 1 ? 'one root' : `${num(t.roots)} roots`}${most}:`);
      for (const r of t.retainers) out.push(`    ${num(r.bytes).padStart(12)} bytes  ${num(r.objects).padStart(9)} objects  ${r.root}`);
      out.push(`  one shortest path, to ${t.path.hops[t.path.hops.length - 1]!.object.addr}:`);
      out.push(...pathLines(t.path, '    '));
    }
  }
  if (r.object !== undefined) {
    const o = r.object;
    if (o.path === null) {
      out.push(`${o.object.addr} (${o.object.type}, size ${num(o.object.size)}) is not reachable from any root: garbage, which the next GC cycle frees`);
    } else {
      out.push(`why ${o.object.addr} (${o.object.type}, size ${num(o.object.size)}) is alive (one shortest path):`);
      out.push(...pathLines(o.path, '  '));
    }
  }
  out.push('');
  out.push(...goroutineLines(`Goroutines: ${r.goroutines.total} (as the goroutine profile counts them), by where they are:`, r.goroutines.groups));
  if (r.goroutines.runtime > 0) {
    out.push('');
    out.push(...goroutineLines(`Runtime goroutines (not in the profile): ${r.goroutines.runtime}`, r.goroutines.runtimeGroups));
  }
  return out.join('\n') + '\n';
}

export async function whyCommand(spec: string, flags: WhyFlags): Promise<number> {
  const { top: _top, ...settings } = flags; // run's --top is a flag of its own
  const env = settingsEnv(settings, goEnvironment());
  const machine = machineOptions(settings);
  let top = 5;
  if (flags.top !== undefined) {
    const n = parseInteger(flags.top);
    if (n === null || n < 1) throw new UsageError(`--top: "${flags.top}" is not a positive integer`);
    top = n;
  }
  let addr: number | undefined;
  if (flags.addr !== undefined) {
    const a = parseAddress(flags.addr);
    if (a === null) throw new UsageError(`--addr: "${flags.addr}" is not an address (0xc000123456)`);
    addr = a;
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(flags.at)) throw new UsageError(`--at: "${flags.at}" is not a checkpoint name`);
  const program = await loadProgram(spec);
  const runOpts: RunOptions = { ...machine, env, options: programOptions(flags.opt, program) };
  // A bad --addr is found at the checkpoint: the report is null then, and the error says why.
  const run = reachCheckpoint(program.name, flags.at, () => {
    const r = whyAt(program, runOpts, flags.at, { top, ...(addr !== undefined ? { addr } : {}) });
    if (r.error !== null) throw new UsageError(r.error.message);
    return r;
  });
  const report = run.report!;
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatWhy(report));
  return 0;
}

export function registerWhy(program: Command, setExit: (code: number) => void): void {
  const cmd = program
    .command('why')
    .description('why is it alive: at a checkpoint, retainer paths from the roots to the largest retained types (or to --addr), and goroutines by where they are blocked')
    .argument('<scenario-or-file>', 'a scenario name (gomem scenarios) or a .ts/.js file exporting a program')
    .requiredOption('--at <CHECKPOINT>', 'the checkpoint to stop at (its first occurrence; "exit" is the end of main)')
    .option('--addr <ADDR>', 'the path to the object holding this address (0xc000123456) instead of the type table')
    .option('--top <N>', 'how many of the largest retained types to show (default 5)')
    .option('--json', 'the same report as JSON');
  settingsOptions(cmd)
    .addHelpText(
      'after',
      `
Types come from the malloc header (small scan objects over 512 B) or
span.largeType (large scan objects) where the runtime records them, and
otherwise are inferred from the typed word the object is reached through (a
program variable or frame slot, a field of a typed object, a map's or
channel's internals), as viewcore typed a core file from DWARF. An object of
neither kind is named by the allocator's knowledge: scan/noscan, size class.
Lines are known for the goroutine running at the checkpoint only.`,
    )
    .action(async (spec: string, flags: WhyFlags) => {
      setExit(await whyCommand(spec, flags));
    });
}
