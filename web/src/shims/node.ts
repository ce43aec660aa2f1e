// Browser stand-ins for the few Node built-ins the model's modules import
// (web/vite.config.ts aliases node:fs, node:path, node:url, node:module and
// node:zlib here). The what-if Worker runs built-in scenarios, which never
// reach them: they serve a panic's Go-style traceback (panic_trace.ts reads
// the program's source files), pprof output and program files loaded from
// disk. What is called anyway answers as on a machine with no files.

const none = (what: string) => (): never => {
  throw new Error(`${what} is not available in the browser`);
};

// node:fs
export const existsSync = (): boolean => false;
export const readFileSync = none('fs.readFileSync');
export const readdirSync = (): string[] => [];
export const statSync = none('fs.statSync');
export const writeFileSync = none('fs.writeFileSync');

// node:path (POSIX, enough for the paths the model builds from file URLs)
export const sep = '/';
export const isAbsolute = (p: string): boolean => p.startsWith('/');
export const extname = (p: string): string => {
  const base = p.slice(p.lastIndexOf('/') + 1);
  const i = base.lastIndexOf('.');
  return i > 0 ? base.slice(i) : '';
};
export const join = (...parts: string[]): string => parts.filter((x) => x !== '').join('/').replace(/\/+/g, '/');
export const dirname = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) || '/' : '.');
export const resolve = (...parts: string[]): string => join(...parts);

// node:url: a file URL's path; the Worker's modules have http: URLs, whose path serves as well.
export const fileURLToPath = (u: string | URL): string => decodeURIComponent(new URL(String(u)).pathname);
export const pathToFileURL = (p: string): URL => new URL(`file://${p}`);

// node:module
export const findSourceMap = (): undefined => undefined;
export const createRequire = none('module.createRequire');

// node:zlib
export const gzipSync = none('zlib.gzipSync');

export default { existsSync, readFileSync, readdirSync, statSync, writeFileSync, sep, isAbsolute, extname, join, dirname, resolve, fileURLToPath, pathToFileURL, findSourceMap, createRequire, gzipSync };
