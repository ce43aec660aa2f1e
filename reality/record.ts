// Records real Go: `npx tsx reality/record.ts [case…] [--runs N] [--data DIR] [--no-strace]`
// (later `npm run reality -- --record`). For each case: build it with the
// installed Go, create and warm its data files, run it N times (default 5)
// under `setarch x86_64 -R` (ASLR off) with exactly the case's environment,
// and write reality/cases/<name>/recorded.json (per checkpoint, per key:
// min/median/max and every run's value), binary.json (the executable's
// PT_LOAD segments and section sizes) and strace.txt (one run's memory
// syscalls under `strace -f -e trace=memory`, ASLR off). A case whose
// GODEBUG has gctrace=1 also gets every run's gctrace lines (stderr lines
// `gc N @…`), parsed into their fields (gctrace.ts), in recorded.json's
// "gctrace"; they are left out of "output".

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_DIR, DEFAULT_DATA_DIR, REALITY_DIR, caseArgs, loadCase, recordingPath, selectCases, type CaseDef } from './cases.ts';
import { parseCheckpoints, type Checkpoint } from './checkpoint.ts';
import { isGctraceLine, parseGctrace, type GctraceLine } from './gctrace.ts';
import { formatRecording, summarize, summarizeGctrace, type Recording } from './recording.ts';

const BUILD_CMD = 'CGO_ENABLED=0 GOTOOLCHAIN=local go build -buildvcs=false';
const DATA_FILE = 'file600m';
const DATA_BYTES = 600 * 1024 * 1024;
const RUN_TIMEOUT_MS = 300_000;

/** Absolute path of a command on the host PATH, or null. */
export function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const p = join(dir, cmd);
    if (dir !== '' && existsSync(p)) return p;
  }
  return null;
}

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

function hostInfo(): Record<string, string> {
  const read = (f: string): string => (existsSync(f) ? readFileSync(f, 'utf8').trim() : '');
  return {
    cpus: sh('nproc', []),
    // The CPU and the machine's load when recorded: clock and CPU fields (and the heap a
    // concurrent mark lets grow) differ between machines, e.g. where two vCPUs share one core.
    cpu_model: /^model name\s*:\s*(.*)$/m.exec(read('/proc/cpuinfo'))?.[1] ?? '',
    loadavg: read('/proc/loadavg'),
    mem_total: read('/proc/meminfo').split('\n')[0]?.replace(/\s+/g, ' ') ?? '',
    page_size: sh('getconf', ['PAGESIZE']),
    thp_enabled: read('/sys/kernel/mm/transparent_hugepage/enabled'),
    thp_defrag: read('/sys/kernel/mm/transparent_hugepage/defrag'),
    overcommit_memory: read('/proc/sys/vm/overcommit_memory'),
    randomize_va_space: read('/proc/sys/kernel/randomize_va_space'),
  };
}

/** Builds reality/cases/<name> with the installed Go into BUILD_DIR; returns the executable's path. */
export function build(name: string): string {
  const bin = join(BUILD_DIR, name);
  mkdirSync(BUILD_DIR, { recursive: true });
  const r = spawnSync('go', ['build', '-buildvcs=false', '-o', bin, `./cases/${name}`], {
    cwd: REALITY_DIR,
    encoding: 'utf8',
    env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
  });
  if (r.status !== 0) throw new Error(`go build ${name} failed:\n${r.stderr}`);
  return bin;
}

/** Creates the 600 MiB data file (a fixed byte pattern, no holes) unless it is already there. */
function ensureDataFile(dir: string): string {
  const file = join(dir, DATA_FILE);
  if (existsSync(file) && statSync(file).size === DATA_BYTES) return file;
  mkdirSync(dir, { recursive: true });
  const block = Buffer.alloc(1 << 20);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
  const fd = openSync(file, 'w');
  for (let off = 0; off < DATA_BYTES; off += block.length) writeSync(fd, block);
  closeSync(fd);
  console.error(`record: created ${file} (${DATA_BYTES} bytes)`);
  return file;
}

/** Reads the whole file so every page is in the page cache before a run. */
function warm(file: string): void {
  const buf = Buffer.alloc(8 << 20);
  const fd = openSync(file, 'r');
  while (readSync(fd, buf, 0, buf.length, null) > 0);
  closeSync(fd);
}

interface Tools {
  setarch: string;
  strace: string | null;
  readelf: string | null;
}

function runOnce(tools: Tools, bin: string, args: string[], env: Record<string, string>): SpawnSyncReturns<string> {
  return spawnSync(tools.setarch, ['x86_64', '-R', bin, ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    timeout: RUN_TIMEOUT_MS,
  });
}

// ---- binary.json: the executable's layout, for gomem's model of VSZ/RSS ----

export interface LoadSegment {
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: string;
  align: number;
}

export interface Section {
  name: string;
  type: string;
  addr: number;
  offset: number;
  size: number;
  flags: string;
}

export function parseLoadSegments(readelfL: string): LoadSegment[] {
  const re = /^\s*LOAD\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+0x[0-9a-f]+\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+([RWE ]+?)\s+(0x[0-9a-f]+)\s*$/;
  const out: LoadSegment[] = [];
  for (const line of readelfL.split('\n')) {
    const m = re.exec(line);
    if (m) {
      out.push({
        offset: Number(m[1]),
        vaddr: Number(m[2]),
        filesz: Number(m[3]),
        memsz: Number(m[4]),
        flags: m[5]!.replace(/\s+/g, ''),
        align: Number(m[6]),
      });
    }
  }
  return out;
}

export function parseSections(readelfS: string): Section[] {
  const re = /^\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([A-Za-z]*)\s+\d+\s+\d+\s+\d+\s*$/;
  const out: Section[] = [];
  for (const line of readelfS.split('\n')) {
    const m = re.exec(line);
    if (m) {
      out.push({
        name: m[1]!,
        type: m[2]!,
        addr: parseInt(m[3]!, 16),
        offset: parseInt(m[4]!, 16),
        size: parseInt(m[5]!, 16),
        flags: m[6]!,
      });
    }
  }
  return out;
}

function binaryLayout(tools: Tools, bin: string, goVersion: string): Record<string, unknown> {
  if (!tools.readelf) return { binary: bin, error: 'readelf not installed (apt-get install binutils)' };
  const load = parseLoadSegments(sh(tools.readelf, ['-lW', bin]));
  const sections = parseSections(sh(tools.readelf, ['-SW', bin])).filter((s) => s.name !== 'NULL');
  const data: Record<string, number> = {};
  for (const n of ['.data', '.bss', '.noptrdata', '.noptrbss']) {
    const s = sections.find((x) => x.name === n);
    if (s) data[n] = s.size;
  }
  return {
    binary: 'reality/' + bin.slice(REALITY_DIR.length),
    file_size: statSync(bin).size,
    build: BUILD_CMD,
    go_version: goVersion,
    data_sections: data,
    load_segments: load,
    sections,
  };
}

// ---- one case -------------------------------------------------------------

/** Whether a case's environment turns gctrace on (GODEBUG=…gctrace=N…, N > 0; the last setting wins, as in Go). */
export function wantsGctrace(env: Record<string, string>): boolean {
  let on = false;
  for (const kv of (env.GODEBUG ?? '').split(',')) {
    const [k, v] = kv.split('=');
    if (k === 'gctrace') on = Number(v) > 0;
  }
  return on;
}

/**
 * One run's gctrace lines, checked: every line parses and the cycles are
 * numbered 1, 2, 3 … Returns the lines, or why they cannot be used.
 */
export function gctraceOfRun(stderr: string): { lines: GctraceLine[] } | { error: string } {
  const { lines, malformed } = parseGctrace(stderr);
  if (malformed.length > 0) return { error: `unparsable gctrace line (another write inside it?): ${malformed[0]}` };
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.n !== i + 1) return { error: `gctrace cycles out of order: line ${i + 1} is gc ${lines[i]!.n}` };
  }
  return { lines };
}

/** Attempts per run when a run's gctrace lines cannot be parsed (a write from another thread inside one). */
const GCTRACE_ATTEMPTS = 3;

function recordCase(def: CaseDef, opts: { runs: number; dataDir: string; strace: boolean }, tools: Tools, goVersion: string): boolean {
  const t0 = Date.now();
  const bin = build(def.name);
  const args = caseArgs(def, opts.dataDir);
  const usesData = def.args.some((a) => a.includes('$REALITY_DATA'));
  if (usesData) ensureDataFile(opts.dataDir);
  const env = { ...def.env };

  const gctrace = wantsGctrace(def.env);
  const runs: Checkpoint[][] = [];
  const traces: GctraceLine[][] = [];
  let output: string[] = [];
  for (let i = 0; i < opts.runs; i++) {
    let r: SpawnSyncReturns<string> | null = null;
    let lines: GctraceLine[] = [];
    for (let attempt = 1; r === null; attempt++) {
      if (usesData) warm(join(opts.dataDir, DATA_FILE));
      const got = runOnce(tools, bin, args, env);
      if (got.error || got.status !== 0) {
        console.error(`record: ${def.name} run ${i + 1} failed (${got.error?.message ?? `exit ${got.status}`}):\n${got.stderr}`);
        return false;
      }
      if (gctrace) {
        const t = gctraceOfRun(got.stderr);
        if ('error' in t) {
          console.error(`record: ${def.name} run ${i + 1}: ${t.error}${attempt < GCTRACE_ATTEMPTS ? ': running it again' : ''}`);
          if (attempt >= GCTRACE_ATTEMPTS) return false;
          continue;
        }
        lines = t.lines;
      }
      r = got;
    }
    const parsed = parseCheckpoints(r.stdout);
    const names = parsed.checkpoints.map((c) => c.name);
    if (names.join(',') !== def.checkpoints.join(',')) {
      console.error(`record: ${def.name} printed checkpoints [${names.join(', ')}], case.json says [${def.checkpoints.join(', ')}]`);
      return false;
    }
    runs.push(parsed.checkpoints);
    traces.push(lines);
    const stderrLines = r.stderr.split('\n').filter((l) => l !== '' && !(gctrace && isGctraceLine(l)));
    if (i === 0) output = [...parsed.other, ...stderrLines];
  }

  const rec: Recording = {
    case: def.name,
    description: def.description,
    recorded: {
      date: new Date().toISOString(),
      go_version: goVersion,
      kernel: sh('uname', ['-srvm']),
      host: hostInfo(),
      runs: opts.runs,
      aslr: 'off (setarch x86_64 -R)',
      build: BUILD_CMD,
      binary: `reality/.build/${def.name}`,
    },
    env: def.env,
    args: def.args,
    output,
    checkpoints: summarize(runs),
    ...(gctrace ? { gctrace: summarizeGctrace(traces) } : {}),
  };
  writeFileSync(recordingPath(def.name), formatRecording(rec));
  writeFileSync(join(REALITY_DIR, 'cases', def.name, 'binary.json'), JSON.stringify(binaryLayout(tools, bin, goVersion), null, 2) + '\n');

  if (opts.strace) {
    if (!tools.strace) {
      console.error('record: strace not installed (apt-get install strace): no strace.txt');
    } else {
      if (usesData) warm(join(opts.dataDir, DATA_FILE));
      const out = join(REALITY_DIR, 'cases', def.name, 'strace.txt');
      const r = spawnSync(tools.setarch, ['x86_64', '-R', tools.strace, '-f', '-e', 'trace=memory', '-o', out, bin, ...args], {
        env,
        encoding: 'utf8',
        maxBuffer: 256 << 20,
        timeout: RUN_TIMEOUT_MS,
      });
      if (r.status !== 0) console.error(`record: strace run of ${def.name} failed: ${r.stderr.split('\n')[0]}`);
    }
  }
  const cycles = gctrace ? `, gctrace ${traces.map((t) => t.length).join('/')} cycles` : '';
  console.log(`recorded ${def.name}: ${opts.runs} runs, ${rec.checkpoints.length} checkpoints${cycles} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return true;
}

// ---- command line ---------------------------------------------------------

export function main(argv: string[]): number {
  const names: string[] = [];
  const opts = { runs: 5, dataDir: process.env.REALITY_DATA ?? DEFAULT_DATA_DIR, strace: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--data') opts.dataDir = argv[++i] ?? '';
    else if (a === '--no-strace') opts.strace = false;
    else if (a === '--record') continue; // when delegated from run.ts
    else if (a.startsWith('-')) {
      console.error(`record: unknown option ${a} (accepted: --runs N, --data DIR, --no-strace)`);
      return 2;
    } else names.push(a);
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) {
    console.error('record: --runs needs a positive integer');
    return 2;
  }
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    console.error('record: real Go is not installed (no `go` on PATH); install Go 1.23 with scripts/install-go.sh');
    return 2;
  }
  const goVersion = go.stdout.trim();
  if (!/\bgo1\.23(\.|\s)/.test(goVersion)) console.error(`record: warning: recordings are meant for Go 1.23, found "${goVersion}"`);
  const setarch = which('setarch');
  if (!setarch) {
    console.error('record: setarch (util-linux) is needed to run with ASLR off');
    return 2;
  }
  const tools: Tools = { setarch, strace: which('strace'), readelf: which('readelf') };
  let cases: string[];
  try {
    cases = selectCases(names);
  } catch (e) {
    console.error(`record: ${(e as Error).message}`);
    return 2;
  }
  let failed = 0;
  for (const name of cases) {
    if (!recordCase(loadCase(name), opts, tools, goVersion)) failed++;
  }
  return failed > 0 ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
