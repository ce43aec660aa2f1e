// Types for program_source.mjs (plain JavaScript: it also runs in Node's module-hooks thread).

/** File endings a program file may have; all are loaded as ES modules. */
export declare const programExtensions: readonly string[];
/** The module code for a program file's source (async, for the hooks thread). */
export declare function transformProgram(source: string, path: string): Promise<string>;
/** The same, synchronously (for the main thread). */
export declare function transformProgramSync(source: string, path: string): string;
/** The first syntax error of an esbuild failure as "file:line:col: message", or null if `e` is not one. */
export declare function syntaxErrorLine(e: unknown, file: string): string | null;
/** Marks a syntax error's one-line message, which crosses from the hooks thread as a message only. */
export declare const syntaxMarker: string;
