// `gomem run FILE.go` and `gomem build -m FILE.go`: Go source through the
// front end (src/gofront). A file in a directory named after a built-in
// scenario (reality/cases/<name>/main.go) runs with that scenario's binary
// facts (layout, package inits, what holds start-up objects): they were
// measured from the very program, built by go build. Any other file gets
// the facts of a fmt program, as a .ts program file does.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Program } from '../go/program.ts';
import { type CompiledGo, compileGo, escapeLines } from '../gofront/compile.ts';
import { GoCompileError } from '../gofront/diag.ts';
import { loadGoGrammar } from '../gofront/grammar_node.ts';
import { binaryOf, initsOf, liveOf } from '../scenarios/binaries.ts';
import { scenarios } from '../scenarios/index.ts';
import { SourceError, UsageError } from './errors.ts';

/** The Go files of a package directory (not its tests). */
export function goFilesIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
}

/** A .go file, or a directory holding one (gomem run DIR). */
function goFileOf(spec: string): string {
  const path = resolve(spec);
  if (!existsSync(path)) throw new UsageError(`${spec}: no such file`);
  if (!statSync(path).isDirectory()) return path;
  const files = goFilesIn(path);
  if (files.length !== 1) throw new UsageError(`${spec}: has ${files.length} .go files; gomem compiles a package of one file for now`);
  return join(path, files[0]!);
}

/** Reads and compiles a .go file; compile errors are one line in the compiler's format (exit 2). */
export async function compileGoFile(spec: string): Promise<CompiledGo> {
  const path = goFileOf(spec);
  const text = readFileSync(path, 'utf8');
  const language = await loadGoGrammar();
  try {
    // go build in the file's directory names it ./prog.go.
    return compileGo(language, `./${basename(path)}`, text);
  } catch (e) {
    if (e instanceof GoCompileError) throw new SourceError(e.message.split('\n')[0]!);
    throw e;
  }
}

/** The program a .go file runs as. */
export async function loadGoProgram(spec: string): Promise<Program> {
  const compiled = await compileGoFile(spec);
  const path = goFileOf(spec);
  const dir = basename(dirname(path));
  const file = basename(path, '.go');
  const twin = file === 'main' && scenarios.has(dir) ? dir : null;
  const usesCheckpoint = /"gomem\/reality\/checkpoint"/.test(readFileSync(path, 'utf8'));
  const base: Omit<Program, 'main'> = {
    name: file === 'main' ? dir : file,
    description: `Go source ${spec}`,
    checkpointHelper: usesCheckpoint,
    // The twin's command line and files are the case's (os.Args, the file it reads).
    ...(twin !== null ? { binary: binaryOf(twin), inits: initsOf(twin), live: liveOf(twin), args: scenarios.get(twin)!.args, files: scenarios.get(twin)!.files, memProfile: scenarios.get(twin)!.memProfile } : {}),
  };
  return compiled.program(base);
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('compile a Go file with the front end and print what the compiler decided')
    .argument('<file.go>', 'a Go source file of package main')
    .option('-m', "print the escape-analysis decisions, as go build -gcflags=-m prints them")
    .option('--js', 'print the JavaScript the front end generates')
    .action(async (spec: string, flags: { m?: boolean; js?: boolean }) => {
      const c = await compileGoFile(spec);
      if (flags.m) for (const line of escapeLines(c, true)) process.stderr.write(`${line}\n`);
      if (flags.js) process.stdout.write(`${c.js}\n`);
    });
}
