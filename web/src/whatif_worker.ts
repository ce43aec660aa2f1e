// The what-if Worker: runs a built-in scenario again, a Go file through
// the front end (src/gofront, as gomem run prog.go compiles it), or a
// workload model (src/whatif, as gomem run service.json makes it), on the
// model itself (src/go, src/runtime, src/kernel, bundled by Vite; no second implementation)
// with a trace writer attached as `gomem run --trace` attaches it
// (runTraced), and sends the trace's bytes back to the page, which draws
// them over the original run; asked for, also the ps row and the explain
// breakdown at each checkpoint, by the CLI's own calls (cli_texts.ts). Node built-ins the model's modules import are
// replaced by shims/node.ts (web/vite.config.ts); Buffer.byteLength by
// shims/buffer_global.ts, imported first.

import './shims/buffer_global.ts';
import { OomKilled, renderPsHeader, renderPsRow } from '../../src/kernel/index.ts';
import { explain, formatExplain } from '../../src/go/explain.ts';
import type { RunOptions } from '../../src/go/process.ts';
import type { Program } from '../../src/go/program.ts';
import { scenarios } from '../../src/scenarios/index.ts';
import { runTraced } from '../../src/trace/writer.ts';
import { parseWorkload } from '../../src/whatif/workload.ts';
import { workloadProgram } from '../../src/whatif/workload_program.ts';
import { GoSourceError, goProgram } from './gofront_browser.ts';
import type { CheckpointText, WhatIfReply, WhatIfRequest } from './whatif_protocol.ts';

/** gomem run's RunOptions from a trace header's settings (src/cli/trace.ts's traceSettings, backwards). */
function runOptions(s: WhatIfRequest['settings']): RunOptions {
  const o: RunOptions = { env: { ...s.env }, options: { ...s.options } };
  if (s.seed !== undefined) o.seed = s.seed;
  if (s.ncpu !== undefined) o.ncpu = s.ncpu;
  if (s.memTotal !== undefined) o.memTotal = s.memTotal;
  if (s.thp !== undefined) o.thp = s.thp as RunOptions['thp'];
  if (s.cgroupMemoryMax !== undefined) o.cgroupMemoryMax = s.cgroupMemoryMax;
  if (s.maxTimeNs !== undefined) o.maxTimeNs = s.maxTimeNs;
  return o;
}

const post = (m: WhatIfReply, transfer: Transferable[] = []): void => (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = async (e: MessageEvent<WhatIfRequest>) => {
  const { id, scenario, source, settings, texts } = e.data;
  let program: Program | undefined;
  if (source !== undefined) {
    try {
      // A workload model (docs/workloads.md) is the program gomem run FILE.json makes of it.
      program = source.path.endsWith('.json') ? workloadProgram(parseWorkload(source.text, source.path.slice(source.path.lastIndexOf('/') + 1))) : await goProgram(source.path, source.text);
    } catch (err) {
      post({ id, type: 'error', message: err instanceof Error ? err.message : String(err), ...(err instanceof GoSourceError ? { compile: true } : {}) });
      return;
    }
  } else program = scenario === undefined ? undefined : scenarios.get(scenario);
  if (program === undefined) {
    post({ id, type: 'error', message: `unknown scenario "${scenario ?? ''}"` });
    return;
  }
  const t0 = performance.now();
  try {
    const opts = runOptions(settings);
    const shown: CheckpointText[] = [];
    // What gomem run --ps --explain prints at each checkpoint, made by the same calls in the same order (src/cli/run.ts).
    if (texts === true) {
      opts.onCheckpoint = (_json, name, p) => {
        p.syncProcFields();
        const ps = renderPsRow(p.proc);
        shown.push({ name, psHeader: renderPsHeader(), ps, explain: formatExplain(explain(p, name)) });
      };
    }
    // A Go source's trace carries its text, as gomem run --trace's does, so the page can run it again.
    const { raw, result } = runTraced(program, opts, settings, source !== undefined ? { name: program.name, description: program.description, source } : undefined);
    post({ id, type: 'done', trace: raw, status: result.status, outcome: result.outcome, ms: performance.now() - t0, ...(texts === true ? { texts: shown } : {}) }, [raw.buffer as ArrayBuffer]);
  } catch (err) {
    // A cgroup below the new image: the kernel kills it while exec maps it in, before there is a trace.
    const message = err instanceof OomKilled ? `${program!.name}: killed by the OOM killer while exec mapped it in (the container limit is below the new image)` : err instanceof Error ? err.message : String(err);
    post({ id, type: 'error', message });
  }
};
