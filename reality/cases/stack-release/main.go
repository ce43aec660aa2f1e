// stack-release: goroutine stacks grown by recursion, shrunk by the GC,
// freed when the goroutines exit and released by the next GC, with
// GODEBUG=gctrace=1. 1000 goroutines (500 "shallow", 500 "deep") each
// recurse 80 calls into grow, whose 232-byte frame (a [200]byte local)
// takes 240 bytes of stack with the return address: ~19.5 KB used, so each
// stack grows 2 → 4 → 8 → 16 → 32 KiB by copying. A shallow goroutine
// returns from the recursion and then parks on a channel; a deep one parks
// at the bottom of it. Then:
//   after_spawn      1000 × 32 KiB of stacks in use
//   runtime.GC()     the shallow goroutines' stacks are mostly unused: the
//                    GC shrinks each to 16 KiB (the deep ones' ~20 KB in
//                    use are scanned: gctrace's "MB stacks", and the heap
//                    goal counts them)
//   after_gc_parked
//   close(release)   every goroutine exits; a non-standard stack is freed at
//                    exit (gfput), into the stack pools
//   after_exit
//   runtime.GC()     the pools' emptied spans go back to the heap
//   after_gc_exited
// The channels are globals and the goroutines take no arguments, so
// `go shallow()` allocates no closure; each blocked receive or send takes
// a sudog.
package main

import (
	"runtime"

	"gomem/reality/checkpoint"
)

const (
	pairs = 500
	depth = 80
)

var (
	ack     chan struct{} // buffered (2 × pairs): "parked", then "exiting"
	release chan struct{} // closed by main to let every goroutine go
)

//go:noinline
func grow(n int, park bool) int {
	var buf [200]byte
	buf[n%len(buf)] = byte(n)
	if n == 0 {
		if park {
			ack <- struct{}{}
			<-release
		}
		return int(buf[0])
	}
	return grow(n-1, park) + int(buf[(n*7)%len(buf)])
}

func shallow() {
	if grow(depth, false) < 0 {
		panic("unreachable")
	}
	ack <- struct{}{}
	<-release
	ack <- struct{}{}
}

func deep() {
	grow(depth, true)
	ack <- struct{}{}
}

func main() {
	checkpoint.Mark("start")
	ack = make(chan struct{}, 2*pairs)
	release = make(chan struct{})
	for i := 0; i < pairs; i++ {
		go shallow()
		go deep()
	}
	for i := 0; i < 2*pairs; i++ {
		<-ack
	}
	checkpoint.Mark("after_spawn")
	runtime.GC()
	checkpoint.Mark("after_gc_parked")
	close(release)
	for i := 0; i < 2*pairs; i++ {
		<-ack
	}
	checkpoint.Mark("after_exit")
	runtime.GC()
	checkpoint.Mark("after_gc_exited")
	checkpoint.Exit()
}
