// `gomem serve [scenario-or-file] [run flags]`: runs a program as `gomem run`
// does and shows it in the browser view (web/) while it runs. The run goes
// on in a worker thread, so the server (view.ts's, on the loopback interface
// only) answers while the model computes; the trace writer's bytes are
// drained between records and streamed to the page at /live, which redraws
// as they come. When the run ends the page holds the whole trace: what
// `gomem view` shows of the file `gomem run --trace` writes.

import type { Command, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { OomKilled } from '../kernel/index.ts';
import { GoProcess, type RunOptions, type RunResult } from '../go/process.ts';
import type { Program } from '../go/program.ts';
import { TraceWriter } from '../trace/writer.ts';
import { SourceError, UsageError } from './errors.ts';
import { type RunFlags, goEnvironment, loadProgram, machineOptions, programOptions, settingsEnv } from './run.ts';
import { type SummaryStats, runSummary } from './summary.ts';
import { traceFile, tracePath, traceProgram, traceSettings } from './trace.ts';
import { LiveTrace, type ServeFlags, addServeOptions, ensureBuilt, listen, serveAddress, serveUntilStopped } from './view.ts';

/** The flags of gomem run that serve takes too: the program's settings and machine, --trace to keep the file, --json, --quiet. */
const runFlagsTaken = ['gogc', 'memlimit', 'gomaxprocs', 'godebug', 'cgroup-memory-max', 'mem-total', 'ncpu', 'max-time', 'thp', 'seed', 'opt', 'json', 'quiet', 'trace'];

/** Wall-clock ms between pieces sent to the page while the run goes on (the trace's bytes do not depend on it). */
const pieceEveryMs = 100;

interface WorkerInput {
  gomemServe: true;
  spec: string;
  flags: RunFlags;
  env: Record<string, string>;
  tsx: string | null;
  hooks: string | null;
  entry: string;
}

type WorkerMessage =
  | { type: 'loaded'; name: string }
  | { type: 'error'; message: string; source: boolean }
  | { type: 'piece'; bytes: Uint8Array }
  | { type: 'end'; status: number; outcome: string };

// ── the worker: loads the program, runs it with a trace writer, sends the bytes ──

async function workerMain(d: WorkerInput): Promise<void> {
  const port = parentPort!;
  const send = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  let program: Program;
  let runOpts: RunOptions;
  try {
    program = await loadProgram(d.spec);
    runOpts = { ...machineOptions(d.flags), env: d.env, options: programOptions(d.flags.opt, program) };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    send({ type: 'error', message: e.message, source: e instanceof SourceError });
    return;
  }
  let trace: TraceWriter | null = null;
  let lastPiece = performance.now();
  const piece = (): void => {
    lastPiece = performance.now();
    const b = trace!.drain();
    if (b.length > 0) send({ type: 'piece', bytes: b }, [b.buffer as ArrayBuffer]);
  };
  let last: SummaryStats | null = null;
  runOpts.stdout = (s) => {
    trace?.output('stdout', s);
    process.stdout.write(s);
  };
  runOpts.stderr = (s) => {
    trace?.output('stderr', s);
    process.stderr.write(s);
  };
  runOpts.onCheckpoint = (json, name) => {
    trace!.checkpoint(name, json);
    last = { name, memstats: (JSON.parse(json) as { memstats: SummaryStats['memstats'] }).memstats };
    if (d.flags.json) process.stdout.write(`CHECKPOINT ${json}\n`);
    piece();
  };
  let p: GoProcess;
  try {
    p = new GoProcess(program, runOpts);
  } catch (e) {
    if (!(e instanceof OomKilled)) throw e;
    send({ type: 'error', message: `${program.name}: killed by the OOM killer while exec mapped it in (--cgroup-memory-max is below the new image)`, source: false });
    return;
  }
  trace = new TraceWriter(p, traceProgram(d.spec, program), traceSettings(runOpts));
  send({ type: 'loaded', name: program.name });
  // Between records (these listeners come after the writer's): a piece at most every pieceEveryMs.
  let n = 0;
  const between = (): void => {
    if ((++n & 63) === 0 && performance.now() - lastPiece >= pieceEveryMs) piece();
  };
  for (const k of ['spanAlloc', 'spanFree', 'gcPhase', 'gcMark', 'scavenge'] as const) p.rt.events.on(k, between);
  p.machine.events.on('syscall', between);
  let r: RunResult;
  try {
    r = p.run();
  } catch (e) {
    const b = trace.finish(70, 'gomem error');
    send({ type: 'piece', bytes: b }, [b.buffer as ArrayBuffer]);
    throw e;
  }
  const b = trace.finish(r.status, r.outcome);
  send({ type: 'piece', bytes: b }, [b.buffer as ArrayBuffer]);
  if (!d.flags.quiet) for (const line of runSummary(p, r, last)) process.stderr.write(`${line}\n`);
  send({ type: 'end', status: r.status, outcome: r.outcome });
}

if (!isMainThread && (workerData as Partial<WorkerInput> | null)?.gomemServe === true) await workerMain(workerData as WorkerInput);

// ── the command ───────────────────────────────────────────────────────────

/**
 * The worker's first code (CommonJS, evaluated): the module hooks the CLI
 * runs with (tsx for TypeScript, program_hooks.mjs for program files, as
 * bin/gomem.js registers them; a worker does not inherit them), then this module.
 */
const boot = `
const { workerData } = require('node:worker_threads');
const { register } = require('node:module');
(async () => {
  if (workerData.tsx !== null) (await import(workerData.tsx)).register();
  if (workerData.hooks !== null) register(workerData.hooks);
  await import(workerData.entry);
})().catch((e) => { process.nextTick(() => { throw e; }); });
`;

/** Starts the run in a worker; resolves once the program has loaded (or rejects with its one-line error). */
function startRun(spec: string, flags: RunFlags, env: Record<string, string>, live: LiveTrace, onEnd: (status: number, outcome: string) => void): Promise<{ name: string; worker: Worker }> {
  const fromSources = import.meta.url.endsWith('.ts');
  const programFile = /\.[cm]?[jt]s$/.test(spec);
  const input: WorkerInput = {
    gomemServe: true,
    spec,
    flags,
    env,
    tsx: fromSources || /\.[cm]?ts$/.test(spec) ? import.meta.resolve('tsx/esm/api') : null,
    hooks: fromSources || programFile ? new URL('./program_hooks.mjs', import.meta.url).href : null,
    entry: import.meta.url,
  };
  const worker = new Worker(boot, { eval: true, workerData: input });
  return new Promise((ok, fail) => {
    let loaded = false;
    let end: { status: number; outcome: string } | null = null;
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'loaded') {
        loaded = true;
        ok({ name: m.name, worker });
      } else if (m.type === 'error') fail(m.source ? new SourceError(m.message) : new UsageError(m.message));
      else if (m.type === 'piece') live.push(m.bytes);
      else {
        live.end();
        end = m;
      }
    });
    worker.on('error', (e) => {
      if (!loaded) fail(e);
      else {
        process.stderr.write(`gomem serve: the run failed: ${e.stack ?? e.message}\n`);
        if (!live.done) live.end();
        end = { status: 70, outcome: 'gomem error' };
      }
    });
    // Said once the worker is gone, so after the last of the program's output it forwarded.
    worker.on('exit', () => {
      if (!loaded) fail(new Error('gomem serve: the run ended before its program loaded'));
      else if (end !== null) onEnd(end.status, end.outcome);
    });
  });
}

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('run a scenario or program file (as gomem run) and watch it in the browser view as it runs, served on 127.0.0.1 only')
    .argument('<scenario-or-file>', 'a scenario name (gomem scenarios), a .ts/.js program file or a .go file');
  // gomem run's own option definitions, so the two commands cannot drift apart.
  const run = program.commands.find((c) => c.name() === 'run');
  const options = (run as unknown as { options: Option[] } | undefined)?.options ?? [];
  for (const name of runFlagsTaken) {
    const o = options.find((x) => x.long === `--${name}`);
    if (o === undefined) throw new Error(`gomem serve: gomem run has no --${name}`);
    cmd.addOption(o);
  }
  addServeOptions(cmd).action(async (spec: string, flags: RunFlags & ServeFlags) => {
    const { host, port } = serveAddress('serve', flags);
    const env = settingsEnv(flags, goEnvironment());
    machineOptions(flags);
    const traceTo = flags.trace === undefined ? null : tracePath(flags.trace);
    const live = new LiveTrace();
    let url = '';
    let ended: (() => void) | null = null;
    const { name, worker } = await startRun(spec, { ...flags }, env, live, (status, outcome) => {
      if (url === '') {
        ended = () => said(status, outcome);
        return;
      }
      said(status, outcome);
    });
    const said = (status: number, outcome: string): void => {
      if (traceTo !== null) {
        try {
          writeFileSync(traceTo, traceFile(live.bytes()));
        } catch (e) {
          process.stderr.write(`gomem: --trace: cannot write ${traceTo}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
        }
      }
      process.stdout.write(`gomem serve: ${name} ended (${outcome}, exit status ${status}); the page shows the whole run at ${url} (Ctrl-C stops it)\n`);
    };
    ensureBuilt((s) => process.stderr.write(s));
    const server = await listen({ live, host, port });
    url = server.url;
    process.stdout.write(`gomem serve: ${name} at ${server.url}\n`);
    process.stdout.write('(Ctrl-C stops it)\n');
    (ended as (() => void) | null)?.();
    await serveUntilStopped(server, () => void worker.terminate());
  });
}
