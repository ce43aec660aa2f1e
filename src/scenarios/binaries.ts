// The binaries of the seed programs' real twins (reality/cases/*), as
// `go build` made them on the recording machine: layout facts the kernel
// model loads (scripts/sync-binaries.ts copies them from the recordings),
// and what their package inits allocate (scripts/mkinits.ts, from uprobe
// traces of the real binaries: reality/startup §11).

import { type GoBinary, binaryFromJson } from '../go/binary.ts';
import type { InitStep } from '../go/pkginit.ts';
import type { StartupRoots } from '../go/program.ts';
import { inits, lives, raw } from './facts.ts';

/**
 * Whether the binary of the program <name> (a reality case's directory name)
 * was measured: its layout, package inits and start-up roots are all here.
 */
export function hasBinaryFacts(name: string): boolean {
  return Object.hasOwn(raw, name) && Object.hasOwn(inits, name) && Object.hasOwn(lives, name);
}

/** The twin binary of a seed program, loaded at /usr/local/bin/<name>. */
export function binaryOf(name: string): GoBinary {
  const j = raw[name];
  if (j === undefined) throw new Error(`no binary layout for ${name}`);
  return binaryFromJson(j, `/usr/local/bin/${name}`);
}

/** The package-init steps of a seed program's twin binary, in order. */
export function initsOf(name: string): InitStep[] {
  const d = inits[name];
  if (d === undefined) throw new Error(`no init trace for ${name}`);
  return d.steps;
}

/** What holds a seed program's start-up objects in real Go (scripts/mklive.ts). */
export function liveOf(name: string): StartupRoots {
  const d = lives[name];
  if (d === undefined) throw new Error(`no live-object data for ${name}`);
  return d;
}
