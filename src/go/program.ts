// A gomem program: the twin of a Go program. It names the binary it
// stands for (the executable's layout and its package inits are facts of
// that binary) and its main function, written against the Go API (api.ts)
// as a generator: a goroutine yields when it blocks (yield* go.time.Sleep).

import type { GoroutineBody } from '../runtime/runtime2.ts';
import type { Go } from './api.ts';
import type { GoBinary } from './binary.ts';
import type { InitStep } from './pkginit.ts';

/** Where the binary keeps what its start-up allocates (scripts/mklive.ts). */
export interface StartupRoots {
  /** Variables holding start-up objects: [section, offset in it] by symbol. */
  readonly symbols: Readonly<Record<string, readonly [string, number]>>;
  /** By init step index: a variable (symbol + offset), another step's object (+ offset), or a goroutine's stack. */
  readonly holders: Readonly<Record<string, { symbol?: string; step?: number; runtime?: string; offset?: number; stack?: string }>>;
}
import type { OptionKind } from './program_options.ts';

export interface Program {
  /** Short name (`hello`, `big-slice`). */
  name: string;
  /** One line: what the program does and what it shows. */
  description: string;
  /** The executable it is the twin of; default: a fmt hello-world binary. */
  binary?: GoBinary;
  /** Its package-init allocations, in order; default: those of a fmt program. */
  inits?: readonly InitStep[];
  /**
   * What holds its start-up objects, as measured in real Go: the binary's
   * variables and, per package-init step that stays live, its holder
   * (src/scenarios/live/<name>.json, scripts/mklive.ts). Default: every
   * package-init object stays live (held by its package's variables).
   */
  live?: StartupRoots;
  /** Command-line arguments after the program name (os.Args[1:]). */
  args?: readonly string[];
  /** Files the program expects, created in the model's file system (all in the page cache). */
  files?: readonly { path: string; size: number }[];
  /** The Go side prints its checkpoints through the reality helper (it is linked and initialised). */
  checkpointHelper?: boolean;
  /** Named options a user may set with --opt key=value (e.g. a sleep length); a value must be of the option's kind (default 'string'). */
  options?: Record<string, { default: string; help: string; kind?: OptionKind }>;
  /** Virtual time after which the run stops the program if it has not ended (default 1h; --max-time overrides). */
  maxTimeNs?: number;
  /**
   * The program reads heap profiles (a Go binary that links runtime/pprof's
   * heap profile or runtime.MemProfile): MemProfileRate starts at 512 KiB.
   * Otherwise it starts at 0, as Go's linker turns profiling off for a
   * program that can never read it.
   */
  memProfile?: boolean;
  main(go: Go): GoroutineBody;
}

export function defineProgram(p: Program): Program {
  return p;
}
