// The command line as a user meets it: help, version, the scenario list,
// and user errors as one line with exit status 2 (never a stack trace).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** `run` gets --quiet unless `summary` (the tests read the program's own stderr). */
function gomem(args: string[], env: Record<string, string> = {}, summary = false): { status: number | null; stdout: string; stderr: string } {
  const argv = args[0] === 'run' && !summary ? ['run', '--quiet', ...args.slice(1)] : args;
  const r = spawnSync(process.execPath, ['bin/gomem.js', ...argv], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gomem CLI', () => {
  it('prints its version and help', () => {
    expect(gomem(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = gomem(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('run [options] <scenario-or-file>');
  });

  it('lists the scenarios, one line each', () => {
    const lines = gomem(['scenarios']).stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(
      expect.arrayContaining(['hello', 'busy-loop', 'gin-idle', 'blahdo', 'read-file', 'mmap-file', 'big-slice', 'big-slice-gc', 'big-slice-freeos', 'append-growth', 'size-rounding', 'size-rounding-scan', 'bonus']),
    );
  });

  it('runs hello and prints its checkpoints with --json', () => {
    const r = gomem(['run', 'hello', '--json', '--opt', 'sleep=1s']);
    expect(r.status).toBe(0);
    const names = r.stdout.split('\n').filter((l) => l.startsWith('CHECKPOINT ')).map((l) => JSON.parse(l.slice(11)).name);
    expect(names).toEqual(['start', 'after_println', 'after_sleep_1s', 'exit']);
    expect(r.stdout).toContain('hi\n');
  });

  const usageErrors: [string[], RegExp][] = [
    [['run', 'no-such-scenario'], /unknown scenario "no-such-scenario" \(gomem scenarios lists them; a file must end in .ts, .js, .go or .json\)\n$/],
    // A reality case whose twin was removed: the message names its Go source.
    [['run', 'live-heap-gogc200'], /unknown scenario "live-heap-gogc200" .*; the reality case live-heap-gogc200 runs from its Go source: gomem run reality\/cases\/live-heap-gogc200\/main.go\)\n$/],
    [['run', './missing.ts'], /no such file/],
    [['run', 'package.json'], /^gomem: package\.json: is not a workload model \(it has no "format": "gomem-workload\/1"; docs\/workloads\.md\)\n$/],
    [['run', 'hello', '--gogc', 'lots'], /--gogc: "lots" is not an integer or "off"/],
    [['run', 'hello', '--memlimit', '1GB'], /--memlimit: "1GB" is not a byte count/],
    [['run', 'hello', '--gomaxprocs', '0'], /--gomaxprocs: "0" is not a positive integer/],
    [['run', 'hello', '--thp', 'sometimes'], /--thp: "sometimes" is not always, madvise or never/],
    [['run', 'hello', '--cgroup-memory-max', 'lots'], /--cgroup-memory-max: "lots" is not a size/],
    [['run', 'hello', '--opt', 'nap=1s'], /hello has no option "nap"/],
    [['run', 'hello', '--bogus'], /unknown option '--bogus'/],
    [['run', 'hello', '--memprofile-at', 'exit'], /--memprofile-at: needs --memprofile FILE/],
    [['run', 'hello', '--smaps=bogus'], /--smaps: "bogus" is not heap, an address/],
    [['run', 'hello', '--memprofile', '/no/such/dir/heap.pb.gz'], /--memprofile: \/no\/such\/dir: no such directory/],
    [['nonsense'], /unknown command 'nonsense'/],
  ];
  for (const [args, msg] of usageErrors) {
    it(`gomem ${args.join(' ')}: one line, exit 2`, () => {
      const r = gomem(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('something the model does not cover yet is one line and exit 2, after what the program printed', () => {
    // fmt.Println of a [][]string: fmt's allocations for nested slices are not modelled.
    const dir = mkdtempSync(join(tmpdir(), 'gomem-cli-nm-'));
    writeFileSync(join(dir, 'nested.go'), 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("before")\n\tx := [][]string{[]string{"a"}, []string{"b", "c"}}\n\tfmt.Println(x)\n}\n');
    const r = gomem(['run', join(dir, 'nested.go')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('before\n');
    expect(r.stderr).toBe("gomem: fmt's allocations for a nested slice ([]string) are not modelled yet (src/go/fmt_allocs.ts)\n");
  });

  it('writes heap profiles at exit and at the checkpoints --memprofile-at names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gomem-cli-prof-'));
    const r = gomem(['run', 'blahdo', '--memprofile', join(dir, 'heap.pb.gz'), '--memprofile-at', 'before_loop']);
    expect(r.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['heap.before_loop.pb.gz', 'heap.pb.gz']);
    // gzip's magic number: the profile is gzipped, as pprof writes it.
    expect([...readFileSync(join(dir, 'heap.before_loop.pb.gz')).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
  });

  it('--explain splits VmRSS and VmSize at each checkpoint to the byte; --top and --smaps=heap print top and the heap mappings', () => {
    const r = gomem(['run', 'hello', '--json', '--explain']);
    expect(r.status).toBe(0);
    const cps = r.stdout.split('\n').filter((l) => l.startsWith('CHECKPOINT ')).map((l) => JSON.parse(l.slice(11)) as { name: string; proc: { VmRSS_kB: number; VmSize_kB: number } });
    const ex = r.stdout.split('\n').filter((l) => l.startsWith('EXPLAIN ')).map((l) => JSON.parse(l.slice(8)) as { checkpoint: string; vmRss: number; vmSize: number; rss: { bytes: number }[]; vsz: { bytes: number }[] });
    expect(ex.map((e) => e.checkpoint)).toEqual(cps.map((c) => c.name));
    ex.forEach((e, i) => {
      expect(e.vmRss).toBe(cps[i]!.proc.VmRSS_kB * 1024);
      expect(e.vmSize).toBe(cps[i]!.proc.VmSize_kB * 1024);
      expect(e.rss.reduce((s, l) => s + l.bytes, 0)).toBe(e.vmRss);
      expect(e.vsz.reduce((s, l) => s + l.bytes, 0)).toBe(e.vmSize);
    });
    const t = gomem(['run', 'busy-loop', '--top', '--smaps=heap']);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/# top -b at after_busy_1s\ntop - /);
    expect(t.stdout).toMatch(/\n {2}PID USER {6}PR {2}NI {4}VIRT {4}RES {4}SHR S {2}%CPU {2}%MEM {5}TIME\+ COMMAND\n/);
    expect(t.stdout).toMatch(/# \/proc\/\d+\/smaps \(heap\) at start\nc000000000-c000400000 rw-p /);
  });

  it('writes one Prometheus exposition per checkpoint with --prom', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gomem-cli-prom-')), 'made');
    const r = gomem(['run', 'blahdo', '--json', '--prom', dir]);
    expect(r.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['after_loop.prom', 'before_loop.prom', 'exit.prom']);
    const exit = JSON.parse(r.stdout.split('\n').filter((l) => l.startsWith('CHECKPOINT '))[2]!.slice('CHECKPOINT '.length)) as { memstats: { HeapAlloc: number } };
    expect(readFileSync(join(dir, 'exit.prom'), 'utf8')).toContain(`\ngo_memstats_heap_alloc_bytes ${exit.memstats.HeapAlloc}\n`);
  });

  it('a module that does not export a program is a usage error', () => {
    const r = gomem(['run', 'test/cli/fixtures/not-a-program.ts']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('gomem: test/cli/fixtures/not-a-program.ts: does not export a program (export default defineProgram({ name, description, main }))');
  });

  it('a program file runs', () => {
    const r = gomem(['run', 'test/cli/fixtures/tiny-program.ts', '--json']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('allocated 3 objects\n');
  });

  it('ends a run with a summary on stderr: how it ended, peaks, heap and goal, GC', () => {
    const r = gomem(['run', 'blahdo', '--json'], {}, true);
    expect(r.status).toBe(0);
    const exit = JSON.parse(r.stdout.split('\n').filter((l) => l.startsWith('CHECKPOINT '))[2]!.slice('CHECKPOINT '.length)) as {
      memstats: { NumGC: number; HeapInuse: number };
      proc: { VmHWM_kB: number };
    };
    const lines = r.stderr.trimEnd().split('\n').slice(-4);
    expect(lines[0]).toMatch(/^gomem: blahdo exited with status 0 after \d+\.\d{3} s of virtual time$/);
    expect(lines[1]).toBe(`  peak RSS ${(exit.proc.VmHWM_kB / 1024).toFixed(1)} MiB (VmHWM), peak VSZ ${lines[1]!.split('peak VSZ ')[1]}`);
    expect(lines[2]).toMatch(new RegExp(`^  heap in use ${(exit.memstats.HeapInuse / 1024).toFixed(1)} KiB \\(HeapInuse\\), goal 4\\.0 MiB \\(NextGC\\), at exit$`));
    expect(lines[3]).toMatch(new RegExp(`^  GC: ${exit.memstats.NumGC} cycles, \\d+\\.\\d% of the CPU \\(GCCPUFraction\\)$`));
    expect(gomem(['run', 'blahdo', '--quiet']).stderr).not.toContain('gomem: blahdo');
  });

  it('a malformed GOMEMLIMIT in the environment is fatal at start-up, as in Go', () => {
    const r = gomem(['run', 'hello'], { GOMEMLIMIT: '12MB' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('GOMEMLIMIT=12MB\nfatal error: malformed GOMEMLIMIT; see `go doc runtime/debug.SetMemoryLimit`\n');
  });

  it('a malformed GOGC in the environment means 100, as in Go', () => {
    const r = gomem(['run', 'hello', '--json', '--opt', 'sleep=1ms'], { GOGC: 'lots' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('"/gc/gogc:percent":100');
  });
});
