// big-slice: Efficient Go, Example 5-5 — a 600 MiB []byte is address space,
// not memory, until it is written: make() maps fresh pages that the kernel
// has not backed yet; three writes fault in three pages (or huge pages);
// writing every byte makes all 600 MiB resident.
package main

import (
	"runtime"

	"gomem/reality/checkpoint"
)

func main() {
	checkpoint.Mark("start")
	b := make([]byte, 600*1024*1024)
	checkpoint.Mark("after_make")

	b[5000] = 1
	b[100000] = 1
	b[104000] = 1
	checkpoint.Mark("after_3_writes")

	for i := range b {
		b[i] = 1
	}
	checkpoint.Mark("after_full_touch")
	runtime.KeepAlive(b)
	checkpoint.Exit()
}
