// gomem's prediction for some of advise's candidates only, through the code
// path `gomem advise` takes (src/cli/advise.ts: runSweep over the grid in a
// 512 MiB container for --duration of virtual time, 10m by default, then
// src/whatif/advise.ts's advise() judging each row), for check.ts
// --predicted and reality/advise/advise_real.test.ts, which runs it as a
// child process (16 candidates × 10 virtual minutes is hours of model work
// here; a candidate in a death spiral alone takes tens of minutes):
//
//   npx tsx reality/advise/predict.ts --gogc 100 --memlimit off,486MiB --out DIR [--duration 10m]
//
// Prints one JSON line: each candidate as check.ts's Candidate.

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSweep } from '../../src/cli/whatif.ts';
import { advise, type Advice } from '../../src/whatif/advise.ts';
import type { Candidate } from './check.ts';
import { DURATION, LIMIT, LIMIT_TEXT } from './check.ts';

const verdictText: Record<string, string> = { fine: 'fine', tight: 'tight', spiral: 'death spiral', killed: 'OOM-killed', ended: 'ended' };

/** advise()'s judgement of each row, as the table shows it (times to the ms, sizes to 0.1 MiB, GC CPU to 0.1%). */
export function candidatesOf(a: Advice): Candidate[] {
  return a.judged.map((j) => ({
    gogc: j.gogc,
    memlimit: j.memlimit,
    verdict: verdictText[j.verdict]!,
    killed: j.row.outcome === 'oom-kill',
    recommended: j === a.best,
    at_ms: Math.round(j.row.endNs / 1e6),
    peak_rss_mib: Math.round((j.row.peakRss / 1048576) * 10) / 10,
    peak_charge_mib: Math.round((j.row.peakCharge / 1048576) * 10) / 10,
    gc_cpu_percent: Math.round(j.row.gcCpuFraction * 1000) / 10,
  }));
}

async function main(argv: string[]): Promise<number> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i]!;
    if (!['--gogc', '--memlimit', '--out', '--jobs', '--duration'].includes(k) || argv[i + 1] === undefined) {
      console.error(`predict: unknown option ${k} (accepted: --gogc LIST, --memlimit LIST, --out DIR, --jobs N, --duration D)`);
      return 2;
    }
    flags[k.slice(2)] = argv[i + 1]!;
  }
  if (!flags.gogc || !flags.memlimit || !flags.out) {
    console.error('predict: --gogc, --memlimit and --out are needed');
    return 2;
  }
  const run = await runSweep(
    'container-oom',
    { gogc: flags.gogc, memlimit: flags.memlimit, cgroupMemoryMax: LIMIT_TEXT, duration: flags.duration ?? DURATION, out: flags.out, jobs: flags.jobs ?? '2' },
    'gomem advise (some candidates)',
    'advise',
  );
  if (run.failures.length > 0) {
    for (const f of run.failures) console.error(f);
    return 1;
  }
  console.log(JSON.stringify(candidatesOf(advise(run.entries, LIMIT, LIMIT_TEXT, flags.duration ?? DURATION))));
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((c) => (process.exitCode = c));
}
