// `gomem run FILE.go` and `gomem build -m FILE.go`: Go source through the
// front end (src/gofront). A file in a directory named after a built-in
// reality case (reality/cases/<name>/main.go) runs with that program's
// binary facts (layout, package inits, what holds start-up objects): they
// were measured from the very program, built by go build (caseFacts). Any
// other file gets the facts of a fmt program, as a .ts program file does.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Program } from '../go/program.ts';
import type { CompiledGo } from '../gofront/compile.ts';
import { binaryOf, hasBinaryFacts, initsOf, liveOf } from '../scenarios/binaries.ts';
import { scenarios } from '../scenarios/index.ts';
import { SourceError, UsageError } from './errors.ts';

/**
 * The Go front end (tree-sitter, the type checker, escape analysis, the
 * emitter: about a fifth of gomem's code), loaded when a Go source is
 * compiled rather than by every start of the CLI: `gomem run hello` never
 * needs it, and compiling it took about 0.1 s of each start.
 */
async function frontEnd() {
  const [compile, diag, grammar] = await Promise.all([import('../gofront/compile.ts'), import('../gofront/diag.ts'), import('../gofront/grammar_node.ts')]);
  return { ...compile, GoCompileError: diag.GoCompileError, loadGoGrammar: grammar.loadGoGrammar };
}

/** The Go files of a package directory (not its tests). */
export function goFilesIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
}

interface GoSources {
  /** Whether spec named a directory (a package) rather than one file. */
  isDir: boolean;
  /** The files, each with the name the compiler gives it in diagnostics. */
  files: { path: string; file: string; text: string }[];
}

/**
 * The files of a .go file or a package directory (gomem run DIR), read
 * once, in the order go build takes them (by name); each named as go build
 * in its directory names it in diagnostics (./prog.go).
 */
function goSourcesOf(spec: string): GoSources {
  const path = resolve(spec);
  if (!existsSync(path)) throw new UsageError(`${spec}: no such file`);
  const isDir = statSync(path).isDirectory();
  const paths = isDir ? goFilesIn(path).sort().map((f) => join(path, f)) : [path];
  if (paths.length === 0) throw new UsageError(`${spec}: no .go files`);
  return { isDir, files: paths.map((p) => ({ path: p, file: `./${basename(p)}`, text: readFileSync(p, 'utf8') })) };
}

/** The package clause's name of a file's text ('' if none is found). */
function packageName(text: string): string {
  return /^\s*package\s+([\p{L}_][\p{L}\p{N}_]*)/mu.exec(text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ''))?.[1] ?? '';
}

/** Compiles sources read by goSourcesOf; compile errors are one line in the compiler's format (exit 2). */
async function compileSources({ files }: GoSources): Promise<CompiledGo> {
  const { compileGo, compileGoPackage, GoCompileError, loadGoGrammar } = await frontEnd();
  const language = await loadGoGrammar();
  try {
    return files.length === 1 ? compileGo(language, files[0]!.file, files[0]!.text) : compileGoPackage(language, files);
  } catch (e) {
    if (e instanceof GoCompileError) throw new SourceError(e.message.split('\n')[0]!);
    throw e;
  }
}

/** Reads and compiles a .go file or a package directory. */
export async function compileGoFile(spec: string): Promise<CompiledGo> {
  return compileSources(goSourcesOf(spec));
}

/** The program a .go file, or a directory holding a package main, runs as. */
export async function loadGoProgram(spec: string): Promise<Program> {
  const sources = goSourcesOf(spec);
  const { isDir, files } = sources;
  const pkg = packageName(files[0]!.text);
  // go run of another package: "package x is not a main package".
  if (isDir && pkg !== 'main' && pkg !== '') throw new UsageError(`${spec}: package ${pkg} is not a main package`);
  const compiled = await compileSources(sources);
  const { goBinaryName, importsCheckpointHelper } = await frontEnd();
  const first = files[0]!.path;
  const dir = basename(isDir ? resolve(spec) : dirname(first));
  const file = basename(first);
  const named = isDir || file === 'main.go';
  const base: Omit<Program, 'main'> = {
    name: goBinaryName(file, dir, isDir),
    description: `Go source ${spec}`,
    checkpointHelper: importsCheckpointHelper(files.map((f) => f.text)),
    ...(named ? caseFacts(dir) : {}),
  };
  return compiled.program(base);
}

/**
 * What a program in reality/cases/<name>/ runs with besides its source: the
 * facts measured from its own binary (src/scenarios/binaries.ts: layout,
 * package inits, start-up roots), and the command line and files a built-in
 * scenario of that name declares (read-file's and mmap-file's os.Args[1],
 * the 600 MiB file they read). container-oom's binary was never measured
 * (it is recorded in a cgroup by record_cgroup.ts, not by record.ts): it
 * runs with what its built-in twin runs with, the default facts of a fmt
 * hello-world binary (src/go/default_binary.json), the twin declaring none.
 */
function caseFacts(name: string): Partial<Program> {
  const facts: Partial<Program> = hasBinaryFacts(name) ? { binary: binaryOf(name), inits: initsOf(name), live: liveOf(name) } : {};
  const twin = scenarios.get(name);
  if (twin === undefined) return facts;
  for (const k of ['binary', 'inits', 'live', 'args', 'files', 'memProfile'] as const) {
    if (facts[k] === undefined && twin[k] !== undefined) (facts as Record<string, unknown>)[k] = twin[k];
  }
  return facts;
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
      const { escapeLines } = await frontEnd();
      if (flags.m) for (const line of escapeLines(c, true)) process.stderr.write(`${line}\n`);
      if (flags.js) process.stdout.write(`${c.js}\n`);
    });
}
