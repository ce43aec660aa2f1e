// blahdo-gctrace: the blahdo program (reality/cases/blahdo), unchanged, run
// with GODEBUG=gctrace=1 so that every GC cycle prints its gctrace line:
// ten 100,000,000-byte allocations, each made by a function that returns a
// pointer to its slice and dropped at once. bigBytes is inlined into main
// (go build -gcflags=-m: "inlining call to bigBytes", and no "moved to heap"
// in main), so the slice header stays on main's stack and each iteration is
// exactly one large noscan allocation of 100,000,000 B (12,208 pages).
// The article named "blahdo" could not be found; this follows the widely
// copied version of the program (a bigBytes() *[]byte helper, a loop of ten,
// "memory baseline..." / "memory comparison..." and log.Println of the four
// fields), written anew.
package main

import (
	"fmt"
	"log"
	"runtime"

	"gomem/reality/checkpoint"
)

// bigBytes allocates 100,000,000 bytes and returns a pointer to the slice.
func bigBytes() *[]byte {
	s := make([]byte, 100000000)
	return &s
}

func printMem(mem *runtime.MemStats) {
	runtime.ReadMemStats(mem)
	log.Println(mem.Alloc)
	log.Println(mem.TotalAlloc)
	log.Println(mem.HeapAlloc)
	log.Println(mem.HeapSys)
}

func main() {
	var mem runtime.MemStats

	fmt.Println("memory baseline...")
	printMem(&mem)

	checkpoint.Mark("before_loop")
	for i := 0; i < 10; i++ {
		s := bigBytes()
		if s == nil {
			log.Println("oh noes")
		}
	}
	checkpoint.Mark("after_loop")

	fmt.Println("memory comparison...")
	printMem(&mem)
	checkpoint.Exit()
}
