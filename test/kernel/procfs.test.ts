// /proc/PID/{maps,smaps,smaps_rollup,status} right after exec, byte for byte
// against captures of the real Go 1.23.5 hello binary on this machine
// (fixtures/hello-exec.*: ptrace stop right after execve under setarch -R,
// /tmp/k/pt/atexec.c).

import { describe, expect, it } from 'vitest';
import { renderMaps, renderSmaps, renderSmapsRollup, renderStatus } from '../../src/kernel/index.ts';
import { verify } from '../../src/kernel/export_test.ts';
import { HELLO, fixture, newMachine } from './helpers.ts';

/** Lines about process identity and scheduling, which differ run to run: compared by shape only. */
const IDENTITY = /^(State|Tgid|Pid|PPid|TracerPid|NStgid|NSpid|NSpgid|NSsid|voluntary_ctxt_switches|nonvoluntary_ctxt_switches):\t.*$/gm;
const mask = (s: string): string => s.replace(IDENTITY, '$1:\t<id>');

function spawnHello() {
  const m = newMachine();
  m.sigPendingLimit = 96365; // SigQ limit on this machine (RLIMIT_SIGPENDING)
  const p = m.spawn({ comm: 'hello', exe: HELLO });
  return { m, p };
}

describe('procfs renderers after exec of a Go binary', () => {
  it('maps equals the real capture', () => {
    const { p } = spawnHello();
    expect(renderMaps(p)).toBe(fixture('hello-exec.maps'));
  });

  it('smaps equals the real capture, every field of every VMA incl. [vsyscall]', () => {
    const { p } = spawnHello();
    expect(renderSmaps(p)).toBe(fixture('hello-exec.smaps'));
  });

  it('smaps_rollup equals the real capture', () => {
    const { p } = spawnHello();
    expect(renderSmapsRollup(p)).toBe(fixture('hello-exec.smaps_rollup'));
  });

  it('status equals the real capture except identity and scheduling lines', () => {
    const { p } = spawnHello();
    const want = fixture('hello-exec.status');
    const got = renderStatus(p);
    expect(mask(got)).toBe(mask(want));
    // the masked lines are there, in the same order
    expect(got.split('\n').map((l) => l.split(':')[0])).toEqual(want.split('\n').map((l) => l.split(':')[0]));
  });

  it('status memory lines: VmSize 1760, VmRSS 8 (anon), VmData 188, VmStk 132, VmExe 632, VmLib 8, VmPTE 24 kB', () => {
    const { p } = spawnHello();
    expect(p.vmSize / 1024).toBe(1760);
    expect(p.vmRss / 1024).toBe(8);
    expect(p.rssAnon / 1024).toBe(8);
    expect(p.rssFile).toBe(0);
    expect(p.vmData / 1024).toBe(188);
    expect(p.vmStk / 1024).toBe(132);
    expect(p.vmExe / 1024).toBe(632);
    expect(p.vmLib / 1024).toBe(8);
    expect(p.vmPte / 1024).toBe(24);
    verify(p);
  });

  it('status of a sleeping multi-threaded process says so', () => {
    const { p } = spawnHello();
    p.threads = 4;
    const s = renderStatus(p);
    expect(s).toContain('State:\tS (sleeping)\n');
    expect(s).toContain('Threads:\t4\n');
  });

  it('maps pads the name to column 73 and leaves a trailing space on nameless lines', () => {
    const { p } = spawnHello();
    const lines = renderMaps(p).split('\n');
    expect(lines[0]!.indexOf('/tmp/k/hello/hello')).toBe(73);
    expect(lines[3]).toBe('0056b000-0058f000 rw-p 00000000 00:00 0 ');
  });
});
