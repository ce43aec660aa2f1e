// How a simulated Go program dies: `throw` (fatal error, not recoverable)
// and `panic` (runtime errors such as an index out of range). Both unwind
// the simulation to the runner, which prints what Go prints and exits with
// Go's status 2. They are outcomes of the program, not failures of gomem.

export class GoFatalError extends Error {
  constructor(
    /** The text after "fatal error: ", e.g. "out of memory". */
    readonly reason: string,
    /** Lines the runtime printed before throwing (e.g. "runtime: out of memory: cannot allocate …"). */
    readonly preamble: string[] = [],
  ) {
    super(`fatal error: ${reason}`);
  }
}

export class GoPanic extends Error {
  constructor(readonly value: string) {
    super(`panic: ${value}`);
  }
}

/** runtime.throw. */
export function goThrow(reason: string, preamble: string[] = []): never {
  throw new GoFatalError(reason, preamble);
}
