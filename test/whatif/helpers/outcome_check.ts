// Runs a scenario with a trace writer drained in pieces, as gomem whatif's
// worker does, and prints (one JSON line) the row the trace gives, the same
// figures as the model holds them at the end, gomem run's summary of the
// process, and whether the pieces decode to the whole. A child of
// test/whatif/outcome.test.ts: the model's work stays out of vitest's fork.
//   node --import tsx test/whatif/helpers/outcome_check.ts SCENARIO ENV_JSON [CGROUP_BYTES]

import { GoProcess } from '../../../src/go/process.ts';
import { scenarios } from '../../../src/scenarios/index.ts';
import { TraceDecoder, decodeTrace } from '../../../src/trace/reader.ts';
import { TraceWriter } from '../../../src/trace/writer.ts';
import { OutcomeReader } from '../../../src/whatif/outcome.ts';
import { type SummaryStats, runSummary } from '../../../src/cli/summary.ts';

const [name, envText, cgroup] = process.argv.slice(2) as [string, string, string | undefined];
const env = JSON.parse(envText) as Record<string, string>;
let last: SummaryStats | null = null;
const p = new GoProcess(scenarios.get(name)!, {
  env,
  stdout: () => {},
  stderr: () => {},
  // What gomem run's summary reads: the last checkpoint's MemStats.
  onCheckpoint: (json, cp) => {
    last = { name: cp, memstats: (JSON.parse(json) as { memstats: SummaryStats['memstats'] }).memstats };
  },
  ...(cgroup !== undefined ? { cgroupMemoryMax: Number(cgroup) } : {}),
});
const w = new TraceWriter(p, { name }, { env, options: {} });
const pieces: Uint8Array[] = [];
let n = 0;
p.rt.events.on('spanAlloc', () => {
  if (++n % 1000 === 0) pieces.push(w.drain());
});
const r = p.run();
pieces.push(w.finish(r.status, r.outcome));

const all = new Uint8Array(pieces.reduce((a, b) => a + b.length, 0));
let at = 0;
for (const b of pieces) {
  all.set(b, at);
  at += b.length;
}
const whole = decodeTrace(all);
const d = new TraceDecoder();
const byPiece = pieces.flatMap((b) => d.push(b));
const text = (recs: typeof byPiece): string => JSON.stringify(recs.filter((x) => x.kind !== 'snapshot'));

const o = new OutcomeReader(whole.header);
o.push(whole.records);
const { row, series } = o.finish();
const end = p.clock.now;
process.stdout.write(
  `${JSON.stringify({
    pieces: pieces.length,
    piecesAreWhole: byPiece.length === whole.records.length && text(byPiece) === text(whole.records),
    gomaxprocs: whole.header.gomaxprocs,
    limiterRecords: whole.records.filter((x) => x.kind === 'gcLimiter').map((x) => (x.kind === 'gcLimiter' ? { on: x.on, totalNs: x.totalNs } : null)),
    row,
    series: { points: series.t.length, maxRss: Math.max(...series.rss) },
    model: {
      outcome: r.outcome,
      status: r.status,
      endNs: Math.round(end),
      vmHwm: p.proc.vmHwm,
      numgc: p.rt.memstats.numgc,
      gcCpuFraction: p.rt.memstats.gc_cpu_fraction,
      assistNs: p.gc.cpu.assist,
      limiterOn: p.gc.limiter.limiting(),
      limiterNs: Math.round(p.gc.limiter.limitingTime(end)),
    },
    summary: runSummary(p, r, last),
  })}\n`,
);
