// A user-input error: printed as one line "gomem: <message>", exit status 2.
export class UsageError extends Error {}
