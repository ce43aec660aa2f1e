// size-rounding-gctrace: size-rounding's 1000 live make([]byte, n) per size
// (1, 8, 9, 17, 33, 100, 1025, 4097, 32769, 40000 bytes), done in six
// passes with GODEBUG=gctrace=1. Each pass replaces every object of the
// previous pass (the holders are one global [10][1000][]byte), so a pass
// allocates ~88 MB (82 MB of it in the 2000 large objects of 40 KiB) and
// leaves the previous pass's objects as garbage: the heap goal follows a
// live heap of one to two passes, and the sweeper frees small and large
// objects of every size class.
package main

import (
	"gomem/reality/checkpoint"
)

var (
	sizes = [...]int{1, 8, 9, 17, 33, 100, 1025, 4097, 32769, 40000}
	names = [...]string{"after_pass_1", "after_pass_2", "after_pass_3", "after_pass_4", "after_pass_5", "after_pass_6"}
	keep  [len(sizes)][1000][]byte // globals: the holders themselves are not heap objects
)

func main() {
	checkpoint.Mark("start")
	for pass := range names {
		for si, size := range sizes {
			for i := range keep[si] {
				keep[si][i] = make([]byte, size)
			}
		}
		checkpoint.Mark(names[pass])
	}
	checkpoint.Exit()
}
