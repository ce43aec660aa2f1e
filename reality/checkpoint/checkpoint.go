// Package checkpoint prints CHECKPOINT lines from a real Go program: one JSON
// snapshot of the process's memory per call, in the shape gomem prints too
// (the CHECKPOINT line; see docs/reality.md): runtime.MemStats, the scalar
// runtime/metrics under /memory/classes/, /gc/ and /sched/, /proc/self/status
// and a summary of /proc/self/smaps.
//
// The helper must not disturb what it measures. Its buffers are allocated
// once, in init (before main runs), and a checkpoint allocates nothing: no
// fmt, no encoding/json, no os.File; procfs is read with raw syscalls into a
// fixed buffer and numbers are formatted with strconv.Append* into a fixed
// output buffer. ALLOCATIONS.md lists exactly what init allocates, because
// gomem's twin of every case must allocate the same.
//
// Usage:
//
//	checkpoint.Mark("start")
//	... the workload ...
//	checkpoint.Extra("n", 42)       // optional, goes into the next line's "extra"
//	checkpoint.Mark("after_work")
//	checkpoint.Exit()               // the final checkpoint, named "exit"
package checkpoint

import (
	"runtime"
	"runtime/metrics"
	"strings"
	"time"
)

var (
	t0      time.Time        // program start, as near as a package can see it (this init)
	seq     int64            // checkpoints printed so far
	ms      runtime.MemStats // global, so ReadMemStats needs no heap object
	samples []metrics.Sample // every scalar metric under the three prefixes
)

// metricPrefixes are the runtime/metrics subtrees a checkpoint reports.
var metricPrefixes = [...]string{"/memory/classes/", "/gc/", "/sched/"}

func init() {
	t0 = time.Now()
	allocate()
	// A dry run: the first runtime/metrics.Read builds the runtime's metric
	// table (heap allocations), and the first pass through the formatting
	// code may grow the main goroutine's stack. Both happen here, before
	// main, rather than inside the first checkpoint.
	discard = true
	snapshot("init", 0)
	discard = false
}

// allocate makes every heap object the helper will ever use and writes
// each buffer once, so its pages are resident before the first checkpoint
// (otherwise the first checkpoints would show them faulting in).
func allocate() {
	outBuf = make([]byte, outSize)
	rdBuf = make([]byte, rdSize)
	extraBuf = make([]byte, extraSize)
	for _, b := range [...][]byte{outBuf, rdBuf, extraBuf} {
		for i := range b {
			b[i] = ' '
		}
	}
	outBuf = outBuf[:0]
	extraBuf = extraBuf[:0]

	n := 0
	for _, d := range metrics.All() {
		if wanted(d) {
			n++
		}
	}
	samples = make([]metrics.Sample, n)
	n = 0
	for _, d := range metrics.All() {
		if wanted(d) {
			samples[n].Name = d.Name
			n++
		}
	}
}

func wanted(d metrics.Description) bool {
	if d.Kind != metrics.KindUint64 && d.Kind != metrics.KindFloat64 {
		return false
	}
	for _, p := range metricPrefixes {
		if strings.HasPrefix(d.Name, p) {
			return true
		}
	}
	return false
}

// Mark prints one CHECKPOINT line named name.
func Mark(name string) {
	seq++
	snapshot(name, seq)
}

// Exit prints the final checkpoint, named "exit". The program then returns
// from main as usual (Exit does not end the process).
func Exit() {
	Mark("exit")
}

// snapshot assembles and writes one line. The runtime's numbers are read
// first (ReadMemStats stops the world briefly), then procfs.
func snapshot(name string, seq int64) {
	elapsed := time.Since(t0)
	runtime.ReadMemStats(&ms)
	metrics.Read(samples)
	goroutines := runtime.NumGoroutine()

	putString(`CHECKPOINT {"name":`)
	putJSONString(name)
	putString(`,"seq":`)
	putInt(seq)
	putString(`,"t_ms":`)
	putMillis(int64(elapsed))
	putString(`,"goroutines":`)
	putInt(int64(goroutines))
	writeMemStats()
	writeMetrics()
	writeProc(statusPath)
	writeSmaps(smapsPath)
	writeExtra()
	putString("}\n")
	flush()
}

func writeMemStats() {
	putString(`,"memstats":{"Alloc":`)
	putUint(ms.Alloc)
	putString(`,"TotalAlloc":`)
	putUint(ms.TotalAlloc)
	putString(`,"Sys":`)
	putUint(ms.Sys)
	putString(`,"Mallocs":`)
	putUint(ms.Mallocs)
	putString(`,"Frees":`)
	putUint(ms.Frees)
	putString(`,"HeapAlloc":`)
	putUint(ms.HeapAlloc)
	putString(`,"HeapSys":`)
	putUint(ms.HeapSys)
	putString(`,"HeapIdle":`)
	putUint(ms.HeapIdle)
	putString(`,"HeapInuse":`)
	putUint(ms.HeapInuse)
	putString(`,"HeapReleased":`)
	putUint(ms.HeapReleased)
	putString(`,"HeapObjects":`)
	putUint(ms.HeapObjects)
	putString(`,"StackInuse":`)
	putUint(ms.StackInuse)
	putString(`,"StackSys":`)
	putUint(ms.StackSys)
	putString(`,"MSpanInuse":`)
	putUint(ms.MSpanInuse)
	putString(`,"MSpanSys":`)
	putUint(ms.MSpanSys)
	putString(`,"MCacheInuse":`)
	putUint(ms.MCacheInuse)
	putString(`,"MCacheSys":`)
	putUint(ms.MCacheSys)
	putString(`,"BuckHashSys":`)
	putUint(ms.BuckHashSys)
	putString(`,"GCSys":`)
	putUint(ms.GCSys)
	putString(`,"OtherSys":`)
	putUint(ms.OtherSys)
	putString(`,"NextGC":`)
	putUint(ms.NextGC)
	putString(`,"LastGC":`)
	putUint(ms.LastGC)
	putString(`,"NumGC":`)
	putUint(uint64(ms.NumGC))
	putString(`,"NumForcedGC":`)
	putUint(uint64(ms.NumForcedGC))
	putString(`,"PauseTotalNs":`)
	putUint(ms.PauseTotalNs)
	putString(`,"GCCPUFraction":`)
	putFloat(ms.GCCPUFraction)
	putByte('}')
}

func writeMetrics() {
	putString(`,"metrics":{`)
	for i := range samples {
		if i > 0 {
			putByte(',')
		}
		putJSONString(samples[i].Name)
		putByte(':')
		switch samples[i].Value.Kind() {
		case metrics.KindUint64:
			putUint(samples[i].Value.Uint64())
		case metrics.KindFloat64:
			putFloat(samples[i].Value.Float64())
		default: // unknown to this runtime (cannot happen: names come from metrics.All)
			putString("null")
		}
	}
	putByte('}')
}
