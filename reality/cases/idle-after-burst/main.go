// idle-after-burst: a burst builds a 256 MiB live set (4096 buffers of
// 64 KiB, every page written), drops it and runs one GC; then a nearly
// idle service — a 64 KiB request every 10 ms, garbage at once — for 30 s,
// with a checkpoint each second. The requests keep GC cycles coming (the
// goal is back to 4 MiB), so the burst's memory, freed by the GC after the
// drop, becomes the background scavenger's to release from the next cycle
// on, at about 1% of the CPU: RSS and HeapReleased over time show when and
// how fast real Go gives it back.
package main

import (
	"runtime"
	"time"

	"gomem/reality/checkpoint"
)

var (
	keep [][]byte
	sink []byte
)

var names = [...]string{"idle_01s", "idle_02s", "idle_03s", "idle_04s", "idle_05s", "idle_06s", "idle_07s", "idle_08s", "idle_09s", "idle_10s", "idle_11s", "idle_12s", "idle_13s", "idle_14s", "idle_15s", "idle_16s", "idle_17s", "idle_18s", "idle_19s", "idle_20s", "idle_21s", "idle_22s", "idle_23s", "idle_24s", "idle_25s", "idle_26s", "idle_27s", "idle_28s", "idle_29s", "idle_30s"}

func request() {
	sink = make([]byte, 64<<10)
	sink[0] = 1
}

func main() {
	checkpoint.Mark("start")
	keep = make([][]byte, 0, 4096)
	for i := 0; i < 4096; i++ {
		b := make([]byte, 64<<10)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		keep = append(keep, b)
	}
	checkpoint.Mark("after_burst")
	keep = nil
	runtime.GC()
	checkpoint.Mark("after_gc")
	for _, name := range names {
		for i := 0; i < 100; i++ {
			request()
			time.Sleep(10 * time.Millisecond)
		}
		checkpoint.Mark(name)
	}
	checkpoint.Exit()
}
