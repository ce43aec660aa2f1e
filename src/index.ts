// gomem's public entry: what a program file imports as `from 'gomem'`
// (package.json "exports"; bin/gomem.js resolves the name from any directory).
// Everything else a program uses arrives through the `go` argument of main.

export { defineProgram, type Program } from './go/program.ts';
export { T } from './go/types.ts';
export type { GoType } from './go/types.ts';
export { Func, GoString, Iface, Ptr, Slice } from './go/values.ts';
export type { Go, Locals } from './go/api.ts';
