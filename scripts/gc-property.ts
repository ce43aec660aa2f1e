// The collector's property test at full size: N random programs (default
// 10,000; CI runs 200 in test/go/gc_property.test.ts) of allocations,
// pointer stores, appends, map and channel operations, goroutines and forced
// and paced cycles, each run with GODEBUG=gccheckmark=1 against the plain-JS
// mirror (test/go/helpers/graph_program.ts). Prints one line per 500
// programs and a summary; exits 1 on any violation, with the seed and the
// shrunk program.
//
//   npx tsx scripts/gc-property.ts [N] [seed]

import fc from 'fast-check';
import { cycleOK, gcProgramArb, gcRunOptions, runBoth } from '../test/go/helpers/graph_program.ts';

const total = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? 1);
const batch = 500;
let cycles = 0;
for (let done = 0; done < total; done += batch) {
  const n = Math.min(batch, total - done);
  const r = fc.check(
    fc.property(gcProgramArb, (ops) => {
      const o = runBoth(ops, gcRunOptions);
      cycles += o.cycles.length;
      return o.cycles.every(cycleOK) && JSON.stringify(o.fieldsGomem) === JSON.stringify(o.fieldsMirror);
    }),
    { numRuns: n, seed: seed + done },
  );
  if (r.failed) {
    console.log(`violation after ${done + r.numRuns} programs (seed ${seed + done}): ${JSON.stringify(r.counterexample)}`);
    if (r.errorInstance) console.log(String(r.errorInstance).split('\n').slice(0, 5).join('\n'));
    process.exit(1);
  }
  console.log(`${done + n} programs, ${cycles} forced cycles checked, 0 violations`);
}
console.log(`gc-property: ${total} programs, ${cycles} forced cycles, 0 violations (gccheckmark on every cycle)`);
