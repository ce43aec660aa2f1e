// A user-input error: printed as one line "gomem: <message>", exit status 2.
export class UsageError extends Error {}

// An error in a program's source, printed as a compiler prints one
// ("file:line:col: message", no "gomem: " in front), exit status 2.
export class SourceError extends UsageError {}
