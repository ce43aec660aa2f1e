//go:build heapdumpprobe

// The heap-dump probe (reality/startup §12). tools/live_dump.py adds this
// file to a reality case with `go build -overlay`, together with a copy of
// the case's main.go whose main starts with heapdumpProbe(): nothing else of
// the case changes, and the probe imports only runtime, syscall and unsafe,
// which every case links already, so the package inits are the case's own.
//
// Two dumps: to file descriptor 3 at the first line of main (no GC has run:
// every object the start-up allocated, where it lies), to fd 4 after two
// runtime.GC() calls (what survived). The runner opens both files and the
// process inherits them, so the probe allocates nothing (syscall.Open would
// allocate the path's bytes). WriteHeapDump stops the world and flushes the
// mcaches (as ReadMemStats does) but allocates no heap object.
// runtime/debug.WriteHeapDump is reached through the runtime's own push
// linkname, so runtime/debug (and its imports) are not linked either.
// Output: builtin println to stderr, which allocates nothing.
package main

import (
	"runtime"
	"syscall"
	"unsafe"
)

//go:linkname heapdumpWrite runtime/debug.WriteHeapDump
func heapdumpWrite(fd uintptr)

// Globals, so that reading MemStats needs no heap object.
var heapdumpMS [2]runtime.MemStats

func heapdumpPrint(tag string, m *runtime.MemStats) {
	println("HEAPDUMP", tag, "Mallocs", m.Mallocs, "Frees", m.Frees, "HeapObjects", m.HeapObjects,
		"HeapAlloc", m.HeapAlloc, "TotalAlloc", m.TotalAlloc, "HeapInuse", m.HeapInuse, "NumGC", m.NumGC,
		"NextGC", m.NextGC, "StackInuse", m.StackInuse)
}

func heapdumpProbe() {
	var st syscall.Stat_t
	// Where g1's stack is at the first line of main (WriteHeapDump's frame
	// makes it grow and move before the first dump).
	println("HEAPDUMP stackAtMain", uintptr(unsafe.Pointer(&st)))
	if syscall.Fstat(3, &st) != nil || syscall.Fstat(4, &st) != nil {
		println("HEAPDUMP error: fds 3 and 4 must be open (run it through tools/live_dump.py)")
		syscall.Exit(3)
	}
	// The heap at the first line of main, as the case's "start" checkpoint sees it.
	runtime.ReadMemStats(&heapdumpMS[0])
	heapdumpWrite(3)
	// Two full cycles: runtime.GC returns after mark termination and a complete
	// sweep. The second cycle frees what the first could not: objects allocated
	// black during the first mark and the tiny blocks the mcaches still held when
	// it started (gcMarkTinyAllocs), which its mark termination released.
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&heapdumpMS[1])
	heapdumpWrite(4)
	heapdumpPrint("main", &heapdumpMS[0])
	heapdumpPrint("aftergc", &heapdumpMS[1])
	println("HEAPDUMP goroutines", runtime.NumGoroutine())
	syscall.Exit(0)
}
