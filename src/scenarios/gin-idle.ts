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

import { defineProgram } from '../go/program.ts';
import { binaryOf, initsOf, liveOf } from './binaries.ts';

export default defineProgram({
  name: 'gin-idle',
  description: 'an idle HTTP server (router, middleware, one route, a listener goroutine) at rest',
  binary: binaryOf('gin-idle'),
  inits: initsOf('gin-idle'),
  live: liveOf('gin-idle'),
  *main(go) {
    // The server's objects: the mux and its route tree, the listener's netFD and
    // pollDesc, the http.Server, the middleware closures (sizes from net/http).
    for (const [name, size] of [
      ['http.ServeMux', 144],
      ['http.routingNode', 160],
      ['net.netFD', 112],
      ['net.TCPListener', 16],
      ['http.Server', 368],
      ['func-closure', 16],
      ['func-closure', 16],
    ] as const) {
      // Pointerful structs of these sizes (their exact pointer layout does not matter here).
      go.new(go.T.named(go.T.array(go.T.unsafePointer, size / 8), name));
    }
    // net.Listen reads /proc/sys/net/core/somaxconn (maxListenerBacklog) through
    // net.open, whose read buffer is make([]byte, 0, 64*1024): garbage once read,
    // it is the bulk of what main allocates (the real program under
    // MemProfileRate=1: 64 KiB of main's 70,184 bytes in 71 objects).
    go.make(go.T.slice(go.T.byte), 0, 64 * 1024);
    // go srv.Serve(ln): the accept loop parks in the network poller.
    go.go('net/http.(*Server).Serve', function* (g) {
      void g;
      for (;;) yield 1;
    }, { closureBytes: 32 });
    yield* go.runtime.Gosched();
    go.checkpoint('start');
    yield* go.time.Sleep(go.time.Second);
    go.checkpoint('after_idle_1s');
  },
});
