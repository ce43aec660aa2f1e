// The end of a run that would not end by itself: the scheduler stops a
// program once its virtual time passes the run's limit (RunOptions.maxTimeNs,
// `gomem run --max-time`). Not a Go behaviour — a Go program may run
// forever — but a simulation has to give its user the prompt back.

export class VirtualTimeLimit extends Error {
  constructor(readonly limitNs: number) {
    super(`the program did not finish within ${limitNs} ns of virtual time`);
  }
}

/** The limit when neither the run nor the program sets one: an hour of virtual time. */
export const defaultMaxTimeNs = 3600e9;
