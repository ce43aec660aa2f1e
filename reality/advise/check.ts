// Checks `gomem advise` against real Go (issue 14):
//
//   npx tsx reality/advise/check.ts [--runs N] [--advise-out DIR] [--jobs N] [--keep]
//   npx tsx reality/advise/check.ts --keep --setting GOGC,GOMEMLIMIT …   (real runs only)
//   npx tsx reality/advise/check.ts --predicted FILE                      (store predict.ts's output)
//   npx tsx reality/advise/check.ts --stored                              (a fresh advise against the stored runs)
//
// 1. Runs `gomem advise container-oom --cgroup-memory-max 512MiB
//    --duration 10m` (a child process; --advise-out keeps its results, so a
//    second check resumes the sweep instead of redoing it) and reads from
//    its output the setting it points to (the recommended one; when none
//    is fine, the one with most headroom or the one that held longest) and
//    each candidate's prediction: its verdict and, when killed, the time.
//    The subject is the built-in scenario container-oom, the hand-written
//    twin of reality/cases/container-oom/main.go, not the .go file itself:
//    the twin is what reality/compare_cgroup.ts already holds to the real
//    recordings of that program, and it makes the same allocations per
//    request and per cache entry. (main.go itself through gomem's Go front
//    end faulted at start on 2026-12-08: "unexpected fault address 0x0" at
//    0.001 s, a front-end regression, reported, not worked around here.)
// 2. Runs real Go 1.23 (main.go built with `go build`) in a real cgroup-v1
//    memory group of 512 MiB, N times (default 1) with the advised setting
//    and N times with Go's defaults (GOGC=100, no GOMEMLIMIT), at most two
//    at once; the default's runs start while advise is still sweeping, since
//    they do not depend on its answer.
// 3. Prints predicted against real: survived or OOM-killed, the time of the
//    kill (the process's SIGKILL, ms after start; the group's oom_kill count
//    says it was the OOM killer), peak charge (memory.max_usage_in_bytes) and
//    peak RSS; a run agrees when its outcome is the predicted one and, when
//    killed, the kill time is within 10% of the predicted time.
// 4. Writes reality/advise/recorded.json after each real run (small: each
//    run's end and peaks, one sample in ten, and advise's table), which
//    reality/advise/advise_real.test.ts compares with gomem's prediction
//    without running real Go again. --keep keeps the stored runs and runs
//    only those missing to make N per setting.
//
// When real Go or a writable memory cgroup is missing it says so and exits 2
// (it does not pass). Exit 1 when a run disagrees.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseDuration } from '../../src/go/units.ts';
import { ADVISE_DIR, buildContainerOom, cannotRun, goVersion, runReal, type RealRun } from './realgo.ts';

const ROOT = join(ADVISE_DIR, '..', '..');
export const RECORDING = join(ADVISE_DIR, 'recorded.json');
export const LIMIT = 512 * 1024 * 1024;
export const LIMIT_TEXT = '512MiB';
/**
 * advise's --duration: its own default, longer than the program's 8
 * minutes, because in a death spiral the program falls behind its clock
 * and runs (and can die) past 480 s: real Go with GOGC=100
 * GOMEMLIMIT=486MiB was killed at 564 s. At 8m the model's runs were cut
 * while still running, which hid how they end.
 */
export const DURATION = '10m';
/** A kill time agrees within this share of the predicted time (the issue's 10%). */
export const TOLERANCE = 0.1;

/** One candidate's line of advise's table. */
export interface Candidate {
  gogc: string;
  memlimit: string;
  verdict: string;
  /** The OOM killer ended the run (a death spiral may end in a kill or not). */
  killed: boolean;
  recommended: boolean;
  /** The run's end (the kill, when killed), ms of virtual time. */
  at_ms: number;
  peak_rss_mib: number;
  peak_charge_mib: number;
  gc_cpu_percent: number;
}

export interface AdviseReading {
  command: string;
  recommended: { gogc: string; memlimit: string } | null;
  /**
   * The setting advise's words point to: the recommended one; when none is
   * fine, the one with the most headroom ("no setting leaves 5% of it to
   * spare … The most headroom: …"), or, when every one is killed or
   * spirals, the one that held longest ("The latest into a death spiral: …",
   * "The longest run: …").
   */
  advised: { gogc: string; memlimit: string; why: 'recommended' | 'most headroom' | 'longest run' | 'latest into a death spiral' } | null;
  words: string[];
  candidates: Candidate[];
}

export interface AdviseRecording {
  case: string;
  recorded: Record<string, string>;
  limit_bytes: number;
  /** What `gomem advise` said, when its whole sweep has run (null until then). */
  advise: AdviseReading | null;
  /** gomem's prediction for the settings run for real (reality/advise/predict.ts, advise's code path), when stored. */
  predicted?: { command: string; candidates: Candidate[] };
  runs: RealRun[];
}

/** Reads `gomem advise`'s table and words. */
export function readAdvise(text: string, command: string): AdviseReading {
  const lines = text.split('\n');
  const head = lines.findIndex((l) => /^GOGC\s+GOMEMLIMIT\s+verdict/.test(l));
  if (head < 0) throw new Error(`advise printed no table:\n${text}`);
  const candidates: Candidate[] = [];
  let i = head + 1;
  for (; i < lines.length && lines[i]!.trim() !== ''; i++) {
    const c = lines[i]!.trim().split(/\s{2,}/);
    if (c.length < 9) throw new Error(`advise's table line "${lines[i]}" has ${c.length} columns, not 9`);
    const d = parseDuration(c[3]!);
    if (!('ns' in d)) throw new Error(`advise's table: "${c[3]}" is not a duration`);
    candidates.push({
      gogc: c[0]!,
      memlimit: c[1]!,
      verdict: c[2]!.replace(/\s*←$/, ''),
      killed: c[2]!.startsWith('OOM-killed'),
      recommended: c[2]!.endsWith('←'),
      at_ms: d.ns / 1e6,
      peak_rss_mib: parseFloat(c[4]!),
      peak_charge_mib: parseFloat(c[5]!),
      gc_cpu_percent: parseFloat(c[7]!),
    });
  }
  const words = lines.slice(i).filter((l) => l.trim() !== '');
  // A spiral's words say whether the container then killed it.
  for (const c of candidates) {
    const spiral = `Death spiral with GOGC=${c.gogc}${c.memlimit === 'off' ? ', no GOMEMLIMIT' : ` GOMEMLIMIT=${c.memlimit}`}:`;
    if (c.verdict === 'death spiral') c.killed = words.some((w) => w.startsWith(spiral) && w.includes('; it is OOM-killed at'));
  }
  const m = /set (?:no GOMEMLIMIT|GOMEMLIMIT=(\S+)) and GOGC=([^.\s]+)\./.exec(words[0] ?? '');
  const recommended = m ? { gogc: m[2]!, memlimit: m[1] ?? 'off' } : null;
  const marked = candidates.find((c) => c.recommended);
  if (recommended && (!marked || marked.gogc !== recommended.gogc || marked.memlimit !== recommended.memlimit)) {
    throw new Error(`advise's words recommend GOGC=${recommended.gogc} GOMEMLIMIT=${recommended.memlimit} but its table marks ${marked ? `${marked.gogc} ${marked.memlimit}` : 'none'}`);
  }
  let advised: AdviseReading['advised'] = recommended ? { ...recommended, why: 'recommended' } : null;
  for (const w of words) {
    const n = /The (most headroom|longest run|latest into a death spiral): GOGC=(\S+?)(?:, no GOMEMLIMIT| GOMEMLIMIT=(\S+?)),/.exec(w);
    if (advised === null && n) advised = { gogc: n[2]!, memlimit: n[3] ?? 'off', why: n[1] as 'most headroom' | 'longest run' | 'latest into a death spiral' };
  }
  return { command, recommended, advised, words, candidates };
}

/** Runs gomem advise in a child process (it runs 16 candidates for 8 virtual minutes each). */
export function runAdvise(out: string, jobs: string): Promise<AdviseReading> {
  const args = ['bin/gomem.js', 'advise', 'container-oom', '--cgroup-memory-max', LIMIT_TEXT, '--duration', DURATION, '--out', out, '--jobs', jobs];
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    let e = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (o += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => {
      e += d;
      process.stderr.write(d);
    });
    p.on('close', (code) => {
      if (code !== 0) rej(new Error(`gomem advise exited ${code}:\n${e.slice(-2000)}`));
      else {
        try {
          res(readAdvise(o, `gomem ${args.slice(1).filter((_, k) => k < 7).join(' ')}`));
        } catch (err) {
          rej(err as Error);
        }
      }
    });
  });
}

export interface Verdict {
  role: string;
  setting: string;
  predicted: string;
  real: string;
  /** (real − predicted) / predicted kill time, when both were killed. */
  timeError: number | null;
  peaks: string;
  agrees: boolean;
}

const s1 = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const mib = (b: number): string => `${(b / 1048576).toFixed(1)} MiB`;
const settingText = (gogc: string, memlimit: string): string => `GOGC=${gogc} ${memlimit === 'off' ? 'no GOMEMLIMIT' : `GOMEMLIMIT=${memlimit}`}`;

/** Whether a prediction (its verdict and end) and a real run agree: same outcome, and a kill within TOLERANCE of the predicted time. */
export function compareRun(c: Candidate, r: RealRun): Verdict {
  const predKilled = c.killed;
  const predText = predKilled ? `${c.verdict === 'OOM-killed' ? '' : `${c.verdict}, `}OOM-killed at ${s1(c.at_ms)}` : `survives (${c.verdict}) to ${s1(c.at_ms)}`;
  const realText = r.oom_killed ? `OOM-killed at ${s1(r.end_ms)}` : r.done && r.end === 'exit 0' ? `survived to ${s1(r.end_ms)}` : `${r.end} at ${s1(r.end_ms)}`;
  let agrees: boolean;
  let timeError: number | null = null;
  if (predKilled) {
    timeError = r.oom_killed ? (r.end_ms - c.at_ms) / c.at_ms : null;
    agrees = r.oom_killed && Math.abs(timeError!) <= TOLERANCE;
  } else {
    agrees = !r.oom_killed && r.done && r.end === 'exit 0';
  }
  return {
    role: r.role,
    setting: settingText(r.gogc, r.memlimit),
    predicted: predText,
    real: realText,
    timeError,
    peaks: `charge ${c.peak_charge_mib.toFixed(1)} / ${mib(r.max_usage_bytes)}, RSS ${c.peak_rss_mib.toFixed(1)} / ${mib(r.peak_rss_kB * 1024)}`,
    agrees,
  };
}

/** The candidate advise judged for a run's setting. */
export function candidateFor(a: AdviseReading, r: { gogc: string; memlimit: string }): Candidate {
  const c = a.candidates.find((x) => x.gogc === r.gogc && x.memlimit === r.memlimit);
  if (!c) throw new Error(`advise has no candidate GOGC=${r.gogc} GOMEMLIMIT=${r.memlimit}`);
  return c;
}

export function printVerdicts(vs: Verdict[]): void {
  const head = ['role', 'setting', 'predicted (gomem)', 'real Go', 'kill time err', 'peak charge / RSS, MiB (gomem / real)', ''];
  const rows = vs.map((v) => [v.role, v.setting, v.predicted, v.real, v.timeError === null ? '-' : `${(v.timeError * 100).toFixed(1)}%`, v.peaks, v.agrees ? 'ok' : 'DISAGREES']);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd());
}

/** Runs jobs with at most `n` at once, in order. */
async function pool<T>(jobs: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, jobs.length) }, async () => {
      while (next < jobs.length) {
        const k = next++;
        out[k] = await jobs[k]!();
      }
    }),
  );
  return out;
}

function recordedHeader(): Record<string, string> {
  return {
    date: new Date().toISOString(),
    go_version: goVersion(),
    kernel: spawnSync('uname', ['-srvm'], { encoding: 'utf8' }).stdout.trim(),
    cpus: spawnSync('nproc', [], { encoding: 'utf8' }).stdout.trim(),
    cgroup: `v1 memory controller, /sys/fs/cgroup/memory/gomem-advise-<role>-<pid>-<n>, memory.limit_in_bytes = memory.memsw.limit_in_bytes = ${LIMIT}, swappiness 0; program under nice -n 5, GOMAXPROCS=2, GODEBUG=gctrace=1`,
    program: 'reality/cases/container-oom/main.go (go build, CGO_ENABLED=0)',
    gomem: 'the scenario container-oom (its twin), gomem advise --duration 8m',
  };
}

async function main(argv: string[]): Promise<number> {
  let runs = 1;
  let out = join(ADVISE_DIR, '.advise-out');
  let stored = false;
  let keep = false;
  let defaultOnly = false;
  const settings: [string, string][] = [];
  let predictedFile: string | null = null;
  let jobs = '1';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runs' && /^[1-9]\d*$/.test(argv[i + 1] ?? '')) runs = Number(argv[++i]);
    else if (a === '--advise-out' && argv[i + 1]) out = resolve(argv[++i]!);
    else if (a === '--jobs' && /^[1-9]\d*$/.test(argv[i + 1] ?? '')) jobs = argv[++i]!;
    else if (a === '--stored') stored = true;
    else if (a === '--keep') keep = true;
    else if (a === '--default-only') defaultOnly = true;
    else if (a === '--predicted' && argv[i + 1]) predictedFile = argv[++i]!;
    else if (a === '--setting' && /^[^,]+,[^,]+$/.test(argv[i + 1] ?? '')) settings.push(argv[++i]!.split(',') as [string, string]);
    else {
      console.error(`advise check: unknown option ${a} (accepted: --runs N, --advise-out DIR, --jobs N, --keep, --default-only, --setting GOGC,GOMEMLIMIT (repeatable), --predicted FILE, --stored)`);
      return 2;
    }
  }
  const old = existsSync(RECORDING) ? (JSON.parse(readFileSync(RECORDING, 'utf8')) as AdviseRecording) : null;
  if (predictedFile !== null) {
    // predict.ts's output for the settings run for real: stored beside the runs and compared with them.
    if (old === null) {
      console.error(`advise check: no recording ${RECORDING} to add a prediction to`);
      return 2;
    }
    const candidates = JSON.parse(readFileSync(predictedFile, 'utf8').trim().split('\n').pop()!) as Candidate[];
    old.predicted = { command: `npx tsx reality/advise/predict.ts --duration ${DURATION} (runSweep + advise(), ${LIMIT_TEXT})`, candidates };
    writeFileSync(RECORDING, JSON.stringify(old, null, 1) + '\n');
    const vs = old.runs.filter((r) => candidates.some((c) => c.gogc === r.gogc && c.memlimit === r.memlimit)).map((r) => compareRun(candidates.find((c) => c.gogc === r.gogc && c.memlimit === r.memlimit)!, r));
    printVerdicts(vs);
    return vs.every((v) => v.agrees) ? 0 : 1;
  }
  if (stored) {
    if (old === null || old.runs.length === 0) {
      console.error(`advise check: no stored recording ${RECORDING}; run without --stored (as root, with real Go)`);
      return 2;
    }
    const a = await runAdvise(out, jobs);
    console.log(a.words.join('\n'));
    const vs = old.runs.map((r) => compareRun(candidateFor(a, r), r));
    printVerdicts(vs);
    return vs.every((v) => v.agrees) ? 0 : 1;
  }
  const why = cannotRun();
  if (why !== null) {
    console.error(`advise check: CANNOT RUN — ${why}. Nothing was checked.`);
    return 2;
  }
  const bin = buildContainerOom();
  // --keep: the stored runs stay; only the runs missing to make N per setting are run.
  const recording: AdviseRecording = {
    case: 'container-oom',
    recorded: recordedHeader(),
    limit_bytes: LIMIT,
    advise: keep && old ? old.advise : null,
    ...(keep && old?.predicted ? { predicted: old.predicted } : {}),
    runs: keep && old ? old.runs : [],
  };
  const save = (): void => writeFileSync(RECORDING, JSON.stringify(recording, null, 1) + '\n');
  const have = (gogc: string, memlimit: string): number => recording.runs.filter((r) => r.gogc === gogc && r.memlimit === memlimit).length;
  const realRun = (role: string, gogc: string, memlimit: string) => async (): Promise<void> => {
    const r = await runReal(bin, role, gogc, memlimit, LIMIT);
    console.error(
      `advise check: real Go ${role} ${settingText(gogc, memlimit)}: ${r.oom_killed ? `OOM-killed at ${s1(r.end_ms)}` : `${r.end} at ${s1(r.end_ms)}${r.done ? ' (DONE)' : ''}`}, max usage ${mib(r.max_usage_bytes)}, peak RSS ${mib(r.peak_rss_kB * 1024)}`,
    );
    recording.runs.push(r);
    save();
  };
  // The default's runs need no advice: they start at once, one at a time, beside the sweep.
  const defaultTodo = Math.max(0, runs - have('100', 'off'));
  let defaultsRunning = defaultTodo > 0;
  const defaults = pool(
    Array.from({ length: defaultTodo }, () => realRun('default', '100', 'off')),
    1,
  ).finally(() => (defaultsRunning = false));
  if (defaultOnly) {
    await defaults;
    return 0;
  }
  if (settings.length > 0) {
    // Real runs of candidates before advise has named one (the sweep is long): kept with --keep when it does.
    const todo = settings.flatMap(([g, m]) => Array.from({ length: Math.max(0, runs - have(g, m)) }, () => realRun('advised', g, m)));
    await Promise.all([defaults, pool(todo, defaultsRunning ? 1 : 2)]);
    return 0;
  }
  const a = await runAdvise(out, jobs);
  console.log(a.words.join('\n'));
  recording.advise = a;
  save();
  if (a.advised === null) {
    await defaults;
    console.error('advise check: advise pointed to no setting; there is no advised run to check');
    return 1;
  }
  const adv = a.advised;
  console.error(`advise check: the advised setting (${adv.why}): ${settingText(adv.gogc, adv.memlimit)}`);
  const isDefault = adv.gogc === '100' && adv.memlimit === 'off';
  await Promise.all([
    defaults,
    isDefault
      ? Promise.resolve([])
      : pool(
          Array.from({ length: Math.max(0, runs - have(adv.gogc, adv.memlimit)) }, () => realRun('advised', adv.gogc, adv.memlimit)),
          // Two real runs at most at once: one beside the default's, two once those are done.
          defaultsRunning ? 1 : 2,
        ),
  ]);
  recording.runs = [...recording.runs.filter((r) => r.role !== 'default'), ...recording.runs.filter((r) => r.role === 'default')];
  save();
  console.error(`advise check: wrote ${RECORDING}`);
  const vs = recording.runs.filter((r) => r.role === 'default' || (r.gogc === adv.gogc && r.memlimit === adv.memlimit)).map((r) => compareRun(candidateFor(a, r), r));
  printVerdicts(vs);
  return vs.every((v) => v.agrees) ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (c) => (process.exitCode = c),
    (e: Error) => {
      console.error(`advise check: ${e.message}`);
      process.exitCode = 1;
    },
  );
}
