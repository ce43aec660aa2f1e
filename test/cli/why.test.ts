// `gomem why` as a user meets it: the planted retainer of
// fixtures/why-leak.ts named in the text report and in --json, --addr, the
// goroutine table, and bad input as one line with exit status 2.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { WhyReport } from '../../src/go/why.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = 'test/cli/fixtures/why-leak.ts';

function gomem(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/gomem.js', ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const mapT = 'map[string][]*main.Leak';

describe('gomem why', () => {
  const json = gomem(['why', fixture, '--at', 'leaked', '--top', '3', '--json']);
  const report = JSON.parse(json.stdout) as WhyReport;

  it('--json: the largest retained type, its retainer and the path through the map', () => {
    expect(json.status).toBe(0);
    const top = report.types![0]!;
    expect([top.type, top.objects, top.bytes]).toEqual(['main.Leak', 300, 33600]);
    expect(top.retainers.map((r) => r.root)).toEqual(['main.registry']);
    expect(top.path.root.name).toBe('main.registry');
    expect(top.path.hops.map((h) => [h.from?.field.replace(/\d+/, 'N') ?? null, h.object.type])).toEqual([
      [null, `runtime.hmap (${mapT})`],
      ['buckets', 'map.bucket[string][]*main.Leak'],
      ['elems[N]', '[143]*main.Leak'],
      ['[N]', 'main.Leak'],
    ]);
    expect(report.goroutines.groups[0]).toMatchObject({ count: 10, state: 'chan receive', function: 'main.worker' });
  });

  it('the text report says the same', () => {
    const r = gomem(['why', fixture, '--at', 'leaked', '--top', '3']);
    expect(r.status).toBe(0);
    const hops = report.types![0]!.path.hops;
    expect(r.stdout).toContain('main.Leak  [type from: path]');
    expect(r.stdout).toContain(
      [
        `    main.registry (${mapT})`,
        `      → object ${hops[0]!.object.addr} (runtime.hmap (${mapT}), size 48)`,
        `      → (*runtime.hmap (${mapT})).buckets at +16 → object ${hops[1]!.object.addr} (map.bucket[string][]*main.Leak, size 352)`,
        `      → (*map.bucket[string][]*main.Leak).${hops[2]!.from!.field} at +${hops[2]!.from!.offset} → object ${hops[2]!.object.addr} ([143]*main.Leak, size 1,152)`,
        `      → (*[143]*main.Leak)[0] at +0 → object ${hops[3]!.object.addr} (main.Leak, size 112)`,
      ].join('\n'),
    );
    expect(r.stdout).toMatch(/^ +10 +\[chan receive\] +main\.worker$/m);
    expect(r.stdout).toMatch(/^ +3 +\[sleep\] +main\.main\.func1$/m);
  });

  it('--addr: the path to one object', () => {
    const addr = report.types![0]!.path.hops[3]!.object.addr;
    const r = gomem(['why', fixture, '--at', 'leaked', '--addr', addr, '--json']);
    expect(r.status).toBe(0);
    const o = (JSON.parse(r.stdout) as WhyReport).object!;
    expect(o.reachable).toBe(true);
    expect(o.path).toEqual(report.types![0]!.path);
  });

  const errors: [string[], RegExp][] = [
    [['why', fixture, '--at', 'nope'], /^gomem: --at: why-leak has no checkpoint "nope" \(its checkpoints: leaked, exit\)$/],
    [['why', fixture, '--at', 'leaked', '--addr', '0x1000'], /^gomem: --addr 0x1000: not a heap object/],
    [['why', fixture, '--at', 'leaked', '--addr', 'lots'], /^gomem: --addr: "lots" is not an address/],
    [['why', fixture, '--at', 'leaked', '--top', '0'], /^gomem: --top: "0" is not a positive integer$/],
    [['why', fixture], /required option '--at <CHECKPOINT>'/],
    [['why', 'no-such-scenario', '--at', 'x'], /unknown scenario "no-such-scenario"/],
  ];
  for (const [args, msg] of errors) {
    it(`gomem ${args.join(' ')}: one line, exit 2`, () => {
      const r = gomem(args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    });
  }

  it('works on a built-in scenario: gin-idle after its idle second', () => {
    const r = gomem(['why', 'gin-idle', '--at', 'after_idle_1s', '--top', '2', '--json']);
    expect(r.status).toBe(0);
    const g = JSON.parse(r.stdout) as WhyReport;
    expect(g.types).toHaveLength(2);
    expect(g.types![0]!.type).toBe('runtime.p');
    expect(g.goroutines.total).toBe(2);
    expect(g.goroutines.groups.map((x) => x.function).sort()).toEqual(['main.main', 'net/http.(*Server).Serve']);
  });
});
