// gin-idle: an idle HTTP server's memory shape. The real twin (reality/
// cases/gin-idle) is a net/http server with gin's quick-start shape
// (router, logger and recovery middleware, one JSON route) listening on
// 127.0.0.1 and serving from a goroutine, receiving no request. What it
// approximates: a typical web binary at rest — a bigger binary and
// init-time heap (net/http's package inits), one more goroutine parked in
// the network poller, the listener's file and poll descriptor.
//
// Go:   mux := http.NewServeMux(); mux.HandleFunc("GET /ping", …); ln, _ := net.Listen("tcp", "127.0.0.1:0")
//       srv := &http.Server{Handler: logger(recovery(mux))}; go srv.Serve(ln); time.Sleep(time.Second)

import type { Go } from '../go/api.ts';
import { defineProgram } from '../go/program.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

// The real program's allocations in main and in the Serve goroutine, from a
// run at MemProfileRate=1 (go tool pprof -traces): [bytes (size class),
// count, noscan], in the order of their call sites (net/http, net, os,
// sync, fmt). 50 objects and 68,888 bytes in main — 64 KiB of it net.open's
// read buffer for /proc/sys/net/core/somaxconn (maxListenerBacklog) — and
// 20 objects, 1,280 bytes in Serve.
type Alloc = readonly [size: number, count: number, noscan: boolean];
const mainAllocs: readonly Alloc[] = [
  [224, 1, false], [240, 1, false], [16, 2, false], [8, 1, false], // NewServeMux, registerErr
  [24, 1, false], [96, 1, false], [80, 3, false], [416, 1, false], [48, 1, false], [8, 1, false], [24, 2, false], // parsePattern, routing tree and index
  [16, 1, false], [48, 1, false], [48, 1, false], [48, 1, false], [16, 1, true], [16, 1, false], [16, 1, false], // godebug, address lookup
  [65536, 1, true], [48, 1, false], [96, 2, false], [8, 2, false], [24, 1, true], [32, 1, true], // net.open and its os.File, syscall strings
  [32, 1, true], [32, 1, true], [128, 1, false], [64, 1, false], [48, 1, false], // socket: sockaddrs, netFD, listener
  [16, 2, false], [208, 1, false], [48, 1, false], [16, 1, false], [8, 1, false], // sync.Map
  [256, 1, false], [8, 1, false], [208, 1, false], [24, 1, true], [16, 1, true], [32, 1, true], // sync.Pool, fmt.Sprintf
  [24, 1, false], [24, 1, false], [240, 1, false], // logger, recovery, &http.Server
];
const serveAllocs: readonly Alloc[] = [
  [96, 1, false], [16, 4, false], [48, 2, false], [32, 1, false], [208, 1, false], [448, 1, false], // onceSetNextProtoDefaults, http2ConfigureServer
  [16, 1, false], [48, 1, false], [16, 1, false], [8, 1, false], [8, 1, false], // godebug, sync.Map, RegisterOnShutdown
  [48, 1, false], [80, 1, false], [16, 1, false], [48, 1, false], [48, 1, false], // trackListener, Serve, context.WithValue
];

/** count objects of `size` bytes: pointer-free ones as byte arrays, the others as pointer words (their exact layout does not matter here). */
function alloc(go: Go, size: number, count: number, noscan: boolean): void {
  const t = noscan ? go.T.array(go.T.byte, size) : go.T.array(go.T.unsafePointer, size / 8);
  go.allocN(t, count);
}

export default defineProgram({
  name: 'gin-idle',
  description: 'an idle HTTP server (router, middleware, one route, a listener goroutine) at rest',
  binary: binaryOf('gin-idle'),
  inits: initsOf('gin-idle'),
  live: liveOf('gin-idle'),
  *main(go) {
    // What main allocates up to `go srv.Serve(ln)`: the mux and its route
    // tree, net.Listen's address lookup, socket, netFD and listener file,
    // the middleware closures, the http.Server.
    for (const [size, count, noscan] of mainAllocs) alloc(go, size, count, noscan);
    // go srv.Serve(ln): it runs after main's checkpoint (real Go's 22 more
    // objects show at after_idle_1s), sets up HTTP/2 and the listener's
    // tracking, then its accept loop parks in the network poller.
    go.go('net/http.(*Server).Serve', function* (g) {
      for (const [size, count, noscan] of serveAllocs) alloc(g, size, count, noscan);
      for (;;) yield 1; // parked: nothing readies it
    }, { closureBytes: 32 });
    go.checkpoint('start');
    yield* go.time.Sleep(go.time.Second);
    go.checkpoint('after_idle_1s');
  },
});
