// `gomem run` on users' own program files, as a user meets it: run from a
// directory outside the repository, with and without a package.json near
// the program, by relative and absolute path. Syntax errors, exceptions
// (reported as Go panics), programs that never end (--max-time) and bad
// flag values each give an exact stderr and exit status.

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/gomem.js', import.meta.url));

let root: string;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

// Asynchronous, so the test worker stays responsive while gomem runs (and tests can run side by side).
// `run` gets --quiet: these tests read the program's own stderr (the run summary is tested in cli.test.ts).
function gomem(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const argv = args[0] === 'run' ? ['run', '--quiet', ...args.slice(1)] : args;
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...argv], { cwd, encoding: 'utf8', env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ status: code, stdout, stderr });
    });
  });
}

/** Writes files (path relative to the temporary root → text) and returns the root. */
function files(fs: Record<string, string>): void {
  for (const [p, text] of Object.entries(fs)) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), text);
  }
}

const hello = (name: string) => `export default {
  name: '${name}',
  description: 'prints and sleeps',
  *main(go) {
    go.fmt.Println('hello from ${name}');
    yield* go.time.Sleep(1e6);
  },
};
`;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'gomem-cli-'));
  files({
    // No package.json anywhere above these (the temporary directory).
    'bare/p.ts': hello('bare-ts').replace('*main(go)', '*main(go: any)'),
    'bare/p.js': hello('bare-js'),
    'bare/imports.ts': `import { defineProgram, type Program } from 'gomem';
import { shout } from './helper.ts';

const p: Program = defineProgram({
  name: 'imports',
  description: 'imports the API and a helper',
  *main(go) {
    go.fmt.Println(shout('typed'));
    yield* go.work(1000);
  },
});
export default p;
`,
    'bare/helper.ts': `export const shout = (s: string): string => s.toUpperCase() + '!';\n`,
    'bare/imports.js': `import { defineProgram } from 'gomem';
import { shout } from './helper2.js';
export default defineProgram({ name: 'imports-js', description: '', *main(go) { go.fmt.Println(shout('plain')); } });
`,
    'bare/helper2.js': `export function shout(s) { return s + '?'; }\n`,
    // A package.json that says CommonJS: a program file is still an ES module.
    'cjspkg/package.json': '{ "name": "mine", "type": "commonjs" }\n',
    'cjspkg/p.js': hello('cjs-package'),
    'esmpkg/package.json': '{ "name": "mine", "type": "module" }\n',
    'esmpkg/p.ts': `import { defineProgram } from 'gomem';\n${hello('esm-package').replace('export default {', 'export default defineProgram({').replace(/};\n$/, '});\n')}`,
    'work/.keep': '',
    'errors/syntax.ts': `export default {
  name: 'syntax',
  *main(go: any) {
    go.fmt.Println('x' +);
  },
};
`,
    'errors/uses-bad.ts': `import { broken } from './broken.ts';
export default { name: 'uses-bad', description: '', *main(go: any) { go.fmt.Println(broken); } };
`,
    'errors/broken.ts': `export const broken = {\n  a: 1,\n  b: ,\n};\n`,
    'errors/module.js': `module.exports = { name: 'cjs', *main(go) { go.fmt.Println('no'); } };\n`,
    'errors/require.js': `const fs = require('fs');\nexport default { name: 'req', *main(go) {} };\n`,
    'errors/old.cjs': `module.exports = {};\n`,
    'errors/notgen.js': `export default { name: 'notgen', description: '', main(go) { go.fmt.Println('x'); } };\n`,
    'panics/boom.ts': `export default {
  name: 'boom',
  description: 'throws in main',
  *main(go: any) {
    go.fmt.Println('before the panic');
    yield* go.time.Sleep(1e6);
    throw new Error('boom');
  },
};
`,
    'panics/nested.ts': `// Go names: main.helper, main.helper.func1, main.main.func1, main.main.func1.1.
function helper(n: number): void {
  const check = (x: number) => {
    if (x > 2) throw new Error('too big: ' + x);
  };
  check(n);
}

export default {
  name: 'nested',
  description: 'throws three calls deep',
  *main(go: any) {
    yield* go.work(5000);
    const run = () => {
      const inner = function () {
        helper(3);
      };
      inner();
    };
    run();
  },
};
`,
    'panics/bug.js': `export default {
  name: 'bug',
  description: 'reads a property of undefined',
  *main(go) {
    const config = undefined;
    go.fmt.Println(config.size);
  },
};
`,
    'panics/string.js': `export default { name: 'str', description: '', *main(go) { yield* go.time.Sleep(1); throw 'boom'; } };\n`,
    'panics/multiline.js': `export default { name: 'ml', description: '', *main(go) { throw new Error('first\\nsecond'); } };\n`,
    'panics/internal.js': `export default {
  name: 'internal',
  description: 'an error raised inside gomem',
  *main(go) {
    go.time.ParseDuration('abc');
  },
};
`,
    'forever/sleeps.js': `export default { name: 'sleeps', description: '', *main(go) { for (;;) yield* go.time.Sleep(60e9); } };\n`,
    'forever/busy.js': `export default { name: 'busy', description: '', *main(go) { for (;;) yield* go.work(1e6); } };\n`,
    'forever/long.js': `export default {
  name: 'long',
  description: 'sleeps 2h and says so; raises its own limit',
  maxTimeNs: 3 * 3600e9,
  *main(go) {
    yield* go.time.Sleep(2 * 3600e9);
    go.fmt.Println('woke up');
  },
};
`,
    'options/p.js': `export default {
  name: 'opts',
  description: 'options of every kind',
  options: {
    n: { default: '1', help: 'a count', kind: 'integer' },
    d: { default: '1s', help: 'a duration', kind: 'duration' },
    s: { default: '1M', help: 'a size', kind: 'size' },
    mode: { default: 'fast', help: 'a mode', kind: ['fast', 'slow'] },
    name: { default: 'x', help: 'any text' },
  },
  *main(go) { go.fmt.Println('ran'); },
};
`,
  });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe.concurrent('a program file loads from anywhere', () => {
  it('by a relative path, .ts and .js, with no package.json and no import', async () => {
    const dir = join(root, 'bare');
    expect(await gomem(dir, ['run', 'p.ts'])).toEqual({ status: 0, stdout: 'hello from bare-ts\n', stderr: '' });
    expect(await gomem(dir, ['run', './p.js'])).toEqual({ status: 0, stdout: 'hello from bare-js\n', stderr: '' });
  });

  it('by an absolute path and from a sibling directory (../)', async () => {
    expect((await gomem(join(root, 'work'), ['run', join(root, 'bare', 'p.ts')])).stdout).toBe('hello from bare-ts\n');
    expect(await gomem(join(root, 'work'), ['run', '../bare/p.ts'])).toEqual({ status: 0, stdout: 'hello from bare-ts\n', stderr: '' });
  });

  it("importing 'gomem' and a helper file, .ts and .js", async () => {
    expect(await gomem(root, ['run', 'bare/imports.ts'])).toEqual({ status: 0, stdout: 'TYPED!\n', stderr: '' });
    expect(await gomem(root, ['run', 'bare/imports.js'])).toEqual({ status: 0, stdout: 'plain?\n', stderr: '' });
  });

  it('next to a package.json of either type', async () => {
    expect(await gomem(join(root, 'cjspkg'), ['run', 'p.js'])).toEqual({ status: 0, stdout: 'hello from cjs-package\n', stderr: '' });
    expect(await gomem(join(root, 'work'), ['run', '../esmpkg/p.ts'])).toEqual({ status: 0, stdout: 'hello from esm-package\n', stderr: '' });
  });

  const loadErrors: [string, string][] = [
    ['module.js', 'gomem: module.js: is a CommonJS module (it uses module); a program file is an ES module: export default { name, description, *main(go) { … } }'],
    ['require.js', 'gomem: require.js: is a CommonJS module (it uses require); a program file is an ES module: export default { name, description, *main(go) { … } }'],
    ['old.cjs', 'gomem: old.cjs: is a CommonJS file; a program file is an ES module: export default { name, description, *main(go) { … } }'],
    ['notgen.js', 'gomem: notgen.js: main is not a generator function (write *main(go) { … }: blocking calls are yield* go.time.Sleep(…))'],
    ['./missing.ts', 'gomem: ./missing.ts: no such file'],
    ['../errors', 'gomem: ../errors: is a directory, not a program file'],
    ['main.go', 'gomem: main.go: no such file'],
  ];
  for (const [file, line] of loadErrors) {
    it(`${file}: one line, exit 2`, async () => {
      expect(await gomem(join(root, 'errors'), ['run', file])).toEqual({ status: 2, stdout: '', stderr: `${line}\n` });
    });
  }
});

describe.concurrent('a syntax error is one line, file:line:col: message', () => {
  it('in the program file, named as the user wrote it', async () => {
    expect(await gomem(join(root, 'errors'), ['run', './syntax.ts'])).toEqual({ status: 2, stdout: '', stderr: './syntax.ts:4:25: Unexpected ")"\n' });
    const abs = join(root, 'errors', 'syntax.ts');
    expect(await gomem(root, ['run', abs])).toEqual({ status: 2, stdout: '', stderr: `${abs}:4:25: Unexpected ")"\n` });
  });

  it('in a file the program imports, relative to the working directory', async () => {
    expect(await gomem(root, ['run', 'errors/uses-bad.ts'])).toEqual({ status: 2, stdout: '', stderr: 'errors/broken.ts:3:6: Unexpected ","\n' });
  });
});

describe.concurrent("an exception from the program's code is a Go panic", () => {
  it('throw new Error in main: panic: boom, the goroutine, main.main() at the .ts line', async () => {
    const r = await gomem(join(root, 'panics'), ['run', 'boom.ts']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('before the panic\n');
    expect(r.stderr).toBe(`panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t${join(root, 'panics', 'boom.ts')}:7 +0x0\n`);
  });

  it('frames of named functions and closures, innermost first, in Go names', async () => {
    const r = await gomem(root, ['run', 'panics/nested.ts']);
    const file = join(root, 'panics', 'nested.ts');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      [
        'panic: too big: 3',
        '',
        'goroutine 1 [running]:',
        'main.helper.func1()',
        `\t${file}:4 +0x0`,
        'main.helper()',
        `\t${file}:6 +0x0`,
        'main.main.func1.1()',
        `\t${file}:16 +0x0`,
        'main.main.func1()',
        `\t${file}:18 +0x0`,
        'main.main()',
        `\t${file}:20 +0x0`,
        '',
      ].join('\n'),
    );
  });

  it('a TypeError from a bug in the program', async () => {
    const r = await gomem(join(root, 'panics'), ['run', 'bug.js']);
    expect(r).toEqual({
      status: 2,
      stdout: '',
      stderr: `panic: Cannot read properties of undefined (reading 'size')\n\ngoroutine 1 [running]:\nmain.main()\n\t${join(root, 'panics', 'bug.js')}:6 +0x0\n`,
    });
  });

  it('a thrown string prints as Go prints a string value; newlines are indented', async () => {
    expect(await gomem(join(root, 'panics'), ['run', 'string.js'])).toEqual({ status: 2, stdout: '', stderr: 'panic: boom\n\ngoroutine 1 [running]:\n' });
    const r = await gomem(join(root, 'panics'), ['run', 'multiline.js']);
    expect(r.stderr.split('\n').slice(0, 3)).toEqual(['panic: first', '\tsecond', '']);
  });

  it("an error raised inside gomem's own code is not disguised as a panic", async () => {
    const r = await gomem(join(root, 'panics'), ['run', 'internal.js']);
    expect(r.status).toBe(1);
    expect(r.stderr).not.toContain('panic:');
    expect(r.stderr).toContain('Error: time: invalid duration "abc"');
    expect(r.stderr).toMatch(/at .*src\/go\/pkg\/time\.ts:\d+:\d+/);
  });
});

describe.concurrent('--max-time stops a program that does not end', () => {
  it('after 1h of virtual time by default', async () => {
    expect(await gomem(join(root, 'forever'), ['run', 'sleeps.js'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'gomem: sleeps did not finish within --max-time 1h of virtual time (raise it with --max-time)\n',
    });
  });

  it('at the limit given, for a busy loop too', async () => {
    expect(await gomem(join(root, 'forever'), ['run', 'busy.js', '--max-time', '90s'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'gomem: busy did not finish within --max-time 90s of virtual time (raise it with --max-time)\n',
    });
  });

  it('a program may raise its own limit, and the flag lowers it again', async () => {
    expect(await gomem(join(root, 'forever'), ['run', 'long.js'])).toEqual({ status: 0, stdout: 'woke up\n', stderr: '' });
    expect((await gomem(join(root, 'forever'), ['run', 'long.js', '--max-time', '2h30m'])).status).toBe(0);
    expect((await gomem(join(root, 'forever'), ['run', 'long.js', '--max-time', '1h30m'])).stderr).toBe(
      'gomem: long did not finish within --max-time 1h30m of virtual time (raise it with --max-time)\n',
    );
  });
});

describe.concurrent('every flag value is checked: one line, exit 2', () => {
  const cases: [string[], string][] = [
    [['--max-time', 'soon'], `--max-time: "soon" is not a duration (Go's syntax: 1h, 90s, 500ms, 2h30m)`],
    [['--max-time', '0'], '--max-time: "0" is not a positive duration'],
    [['--max-time', '300000h'], '--max-time: "300000h" is longer than the virtual clock counts (at most 2501h)'],
    [['--mem-total', 'lots'], '--mem-total: "lots" is not a size (bytes, or with a suffix: 512M, 4GiB)'],
    [['--mem-total', '1K'], '--mem-total: "1K" is less than a page (4096 bytes)'],
    [['--mem-total', '8000T'], '--mem-total: "8000T" is more RAM than x86-64 Linux addresses (at most 4PiB)'],
    [['--ncpu', '0'], '--ncpu: "0" is not a positive integer'],
    [['--ncpu', 'two'], '--ncpu: "two" is not a positive integer'],
    [['--ncpu', '1000000'], '--ncpu: 1000000 is more CPUs than gomem models (at most 262144)'],
    [['--gomaxprocs', '100000000'], '--gomaxprocs: 100000000 is more Ps than gomem models (at most 262144)'],
    [['--gogc', '99999999999'], '--gogc: "99999999999" is out of range (GOGC is an int32)'],
    [['--godebug', 'gctrace=yes'], '--godebug: gctrace="yes" is not an integer'],
    [['--godebug', 'gctrace'], '--godebug: "gctrace" is not key=value'],
    [['--seed', '1.5'], '--seed: "1.5" is not an integer (at most 2^53-1 either way)'],
    [['--cgroup-memory-max', '-5'], '--cgroup-memory-max: "-5" is not a size (bytes, or with a suffix: 512M, 4GiB)'],
    [['--opt', 'n=many'], '--opt n: "many" is not an integer'],
    [['--opt', 'd=abc'], `--opt d: "abc" is not a duration (Go's syntax: 1h, 90s, 500ms, 2h30m)`],
    [['--opt', 's=big'], '--opt s: "big" is not a size (bytes, or with a suffix: 512M, 4GiB)'],
    [['--opt', 'mode=medium'], '--opt mode: "medium" is not one of fast, slow'],
    [['--opt', 'colour=red'], '--opt: opts has no option "colour" (options: n, d, s, mode, name)'],
  ];
  for (const [flags, line] of cases) {
    it(flags.join(' '), async () => {
      expect(await gomem(join(root, 'options'), ['run', 'p.js', ...flags])).toEqual({ status: 2, stdout: '', stderr: `gomem: ${line}\n` });
    });
  }

  it('values of the right kind run', async () => {
    const r = await gomem(join(root, 'options'), ['run', 'p.js', '--opt', 'n=-3', '--opt', 'd=2h30m', '--opt', 's=4GiB', '--opt', 'mode=slow', '--opt', 'name=any thing']);
    expect(r).toEqual({ status: 0, stdout: 'ran\n', stderr: '' });
  });

  it('hello --opt sleep=abc is checked before the run starts', async () => {
    expect(await gomem(root, ['run', 'hello', '--opt', 'sleep=abc'])).toEqual({
      status: 2,
      stdout: '',
      stderr: `gomem: --opt sleep: "abc" is not a duration (Go's syntax: 1h, 90s, 500ms, 2h30m)\n`,
    });
  });

  it('GODEBUG keys gomem does not know are ignored, as Go ignores them; any integer is a seed', async () => {
    expect((await gomem(join(root, 'bare'), ['run', 'p.js', '--godebug', 'http2client=0,gctrace=0', '--seed', '99999999999'])).status).toBe(0);
  });

  it('a GOMAXPROCS from the environment that the model cannot hold is a usage error', async () => {
    expect(await gomem(join(root, 'bare'), ['run', 'p.js'], { GOMAXPROCS: '100000000' })).toEqual({
      status: 2,
      stdout: '',
      stderr: 'gomem: GOMAXPROCS=100000000: more Ps than gomem models (at most 262144)\n',
    });
  });

  it('--cgroup-memory-max 1 without --dmesg: only what the shell prints', async () => {
    // Killed while exec maps the image in: no Go runtime yet, so no gomem report either.
    expect(await gomem(join(root, 'bare'), ['run', 'p.js', '--cgroup-memory-max', '1'])).toEqual({ status: 137, stdout: '', stderr: 'Killed\n' });
  });

  it('--cgroup-memory-max 1 is a limit of 0 pages: the kernel OOM-kills the process, --dmesg shows its log, the shell says Killed', async () => {
    const r = await gomem(join(root, 'bare'), ['run', 'p.js', '--cgroup-memory-max', '1', '--dmesg']);
    expect(r.status).toBe(137);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    // The process is named after the program (bare-js): a program that names no binary runs as /usr/local/bin/<name>.
    expect(lines[0]).toBe('[    0.000000] bare-js invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0');
    expect(lines[1]).toBe('[    0.000000] memory: usage 0kB, limit 0kB, failcnt 2');
    expect(lines).toContain(
      '[    0.000000] Memory cgroup out of memory: Killed process 1000 (bare-js) total-vm:0kB, anon-rss:0kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0',
    );
    expect(lines[lines.length - 1]).toBe('Killed');
  });
});

describe.concurrent('--mem-total and --ncpu shape the machine', () => {
  it('--ncpu sets the CPUs, and GOMAXPROCS follows them as in Go', async () => {
    const r = await gomem(join(root, 'bare'), ['run', 'p.js', '--ncpu', '8', '--json', '--status']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Cpus_allowed_list:\t0-7\n');
    expect(r.stdout).toContain('"/sched/gomaxprocs:threads":8');
    const pinned = await gomem(join(root, 'bare'), ['run', 'p.js', '--ncpu', '8', '--gomaxprocs', '3', '--json']);
    expect(pinned.stdout).toContain('"/sched/gomaxprocs:threads":3');
  });

  it('--mem-total sets MemTotal: the signal-queue limit and %MEM follow it', async () => {
    const small = await gomem(join(root, 'bare'), ['run', 'p.js', '--mem-total', '64M', '--status', '--ps']);
    expect(small.status).toBe(0);
    // RLIMIT_SIGPENDING = (MemTotal pages / 32) / 2.
    expect(small.stdout).toContain('SigQ:\t0/256\n');
    const pct = (out: string) => Number(out.split('\n').find((l) => l.startsWith('root '))!.trim().split(/\s+/)[3]);
    expect(pct(small.stdout)).toBeGreaterThan(1);
    expect(pct((await gomem(join(root, 'bare'), ['run', 'p.js', '--ps'])).stdout)).toBe(0);
  });
});

describe('gomem run --help', () => {
  it('documents the new flags and what --max-time cannot stop', async () => {
    const h = await gomem(root, ['run', '--help']);
    expect(h.status).toBe(0);
    for (const flag of ['--max-time <DURATION>', '--mem-total <SIZE>', '--ncpu <N>']) expect(h.stdout).toContain(flag);
    expect(h.stdout).toContain('A JavaScript loop that never yields');
    expect(h.stdout).toContain("import { defineProgram, T } from 'gomem'");
  });
});
