// blahdo: ten 100,000,000-byte allocations, each made by a function that
// returns a pointer to its slice and dropped at once. The classic "why does
// HeapSys stay high" program: it prints a memory baseline and a comparison
// with log (Alloc, TotalAlloc, HeapAlloc, HeapSys, one per line).
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
