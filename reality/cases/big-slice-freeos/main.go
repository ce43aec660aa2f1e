// big-slice-freeos: Efficient Go, Example 5-6, with debug.FreeOSMemory() in place of runtime.GC() —
// what happens to RSS when a fully written 600 MiB slice is dropped and
// debug.FreeOSMemory() runs, and when a 300 MiB slice is made and written afterwards:
// does the runtime reuse the freed pages, and does the scavenger give the
// rest back to the OS (and when)?
package main

import (
	"runtime"
	"runtime/debug"
	"time"

	"gomem/reality/checkpoint"
)

func main() {
	checkpoint.Mark("start")
	b := make([]byte, 600*1024*1024)
	for i := range b {
		b[i] = 1
	}
	checkpoint.Mark("after_full_touch")

	b = nil
	debug.FreeOSMemory()
	checkpoint.Mark("after_gc")
	time.Sleep(time.Second)
	checkpoint.Mark("after_gc_sleep1s")

	b = make([]byte, 300*1024*1024)
	checkpoint.Mark("after_make_300mb")
	for i := range b {
		b[i] = 1
	}
	checkpoint.Mark("after_300mb")
	time.Sleep(time.Second)
	checkpoint.Mark("after_300mb_sleep1s")
	runtime.KeepAlive(b)
	checkpoint.Exit()
}
