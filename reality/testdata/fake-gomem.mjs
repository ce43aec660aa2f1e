#!/usr/bin/env node
// A stand-in for `node bin/gomem.js` in reality/compare.test.ts: for
// `run reality/cases/<case>/main.go --json` (or `run <case> --json`) it prints testdata/<case>-run.txt (CHECKPOINT lines of
// a real Go run not among the recorded ones) if there is one, and
// testdata/<case>-stderr.txt (that run's stderr: its gctrace lines) on
// stderr unless FAKE_GOMEM_NO_STDERR is set (a gomem that prints no gctrace);
// otherwise it fails the way a gomem without that scenario would, naming
// the Go settings it was given (so a test can check what run.ts passes).
import { existsSync, readFileSync } from 'node:fs';

const [cmd, spec] = process.argv.slice(2);
// run.ts runs a case from its source: reality/cases/<case>/main.go.
const name = /^reality\/cases\/([^/]+)\/main\.go$/.exec(spec ?? '')?.[1] ?? spec;
const file = new URL(`./${name}-run.txt`, import.meta.url);
if (cmd !== 'run' || !existsSync(file)) {
  const env = ['GOGC', 'GOMEMLIMIT', 'GOMAXPROCS', 'GODEBUG'].map((k) => `${k}=${process.env[k] ?? ''}`).join(' ');
  process.stderr.write(`gomem: unknown scenario "${name}" [${env}]\n`);
  process.exit(2);
}
const stderr = new URL(`./${name}-stderr.txt`, import.meta.url);
if (existsSync(stderr) && !process.env.FAKE_GOMEM_NO_STDERR) process.stderr.write(readFileSync(stderr, 'utf8'));
process.stdout.write(readFileSync(file, 'utf8'));
