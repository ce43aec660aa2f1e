//go:build probe

// The probe (built with -tags probe): at the first line of main it reads
// runtime.MemStats and runtime.NumGoroutine and prints them to stderr with the
// builtin println, which allocates nothing and pulls in no package, so the
// probe does not change what it measures (only the binary's size a little).
// This file is symlinked into every program directory under progs/.
package main

import "runtime"

var probeMS runtime.MemStats

func probe() {
	runtime.ReadMemStats(&probeMS)
	m := &probeMS
	println("PROBE goroutines", runtime.NumGoroutine())
	println("PROBE Alloc", m.Alloc)
	println("PROBE TotalAlloc", m.TotalAlloc)
	println("PROBE Sys", m.Sys)
	println("PROBE Mallocs", m.Mallocs)
	println("PROBE Frees", m.Frees)
	println("PROBE HeapAlloc", m.HeapAlloc)
	println("PROBE HeapSys", m.HeapSys)
	println("PROBE HeapIdle", m.HeapIdle)
	println("PROBE HeapInuse", m.HeapInuse)
	println("PROBE HeapReleased", m.HeapReleased)
	println("PROBE HeapObjects", m.HeapObjects)
	println("PROBE StackInuse", m.StackInuse)
	println("PROBE StackSys", m.StackSys)
	println("PROBE MSpanInuse", m.MSpanInuse)
	println("PROBE MSpanSys", m.MSpanSys)
	println("PROBE MCacheInuse", m.MCacheInuse)
	println("PROBE MCacheSys", m.MCacheSys)
	println("PROBE BuckHashSys", m.BuckHashSys)
	println("PROBE GCSys", m.GCSys)
	println("PROBE OtherSys", m.OtherSys)
	println("PROBE NextGC", m.NextGC)
	println("PROBE NumGC", m.NumGC)
	for i := range m.BySize {
		if m.BySize[i].Mallocs != 0 || m.BySize[i].Frees != 0 {
			println("PROBE BySize", i, m.BySize[i].Size, m.BySize[i].Mallocs, m.BySize[i].Frees)
		}
	}
}

// afterStart is called by hellocp right after its "start" checkpoint.
func afterStart() {}
