// stack-10k: 10,000 goroutines each recurse 100 frames deep into recurse,
// whose frame holds a [64]byte local (the compiler's `$88-8`: the array,
// a 16-byte outgoing-argument area for chansend1/chanrecv1/panicIndex and
// the saved frame pointer; 96 bytes with the return address), and block on
// a channel at the bottom. 100 × 96 bytes plus the goroutine's entry frame
// do not fit a 2 KiB stack: each stack grows by copying 2 → 4 → 8 → 16 KiB
// (8 KiB minus the 928-byte guard is 7,264 bytes, short of the ~9.6 KB in
// use). Checkpoints:
//   after_park     all 10,000 parked at depth 100: ~10,000 × 16 KiB of
//                  StackInuse
//   after_release  close(release): every goroutine returns and exits; its
//                  16 KiB stack goes back to the stack pools (StackInuse
//                  keeps the pools' spans until a GC frees the empty ones)
// `go worker()` takes no arguments, so no closure is allocated per goroutine;
// worker (a 24-byte frame) calls recurse(99) … recurse(0): 100 frames.
package main

import (
	"gomem/reality/checkpoint"
)

const (
	goroutines = 10000
	depth      = 100
)

var (
	parked  chan struct{} // buffered: one send per parked goroutine
	done    chan struct{} // buffered: one send per exiting goroutine
	release chan struct{} // closed by main to let every goroutine return
)

//go:noinline
func recurse(n int) int {
	var buf [64]byte
	buf[n%len(buf)] = byte(n)
	if n == 0 {
		parked <- struct{}{}
		<-release
		return int(buf[0])
	}
	return recurse(n-1) + int(buf[(n*7)%len(buf)])
}

func worker() {
	recurse(depth - 1)
	done <- struct{}{}
}

func main() {
	checkpoint.Mark("start")
	parked = make(chan struct{}, goroutines)
	done = make(chan struct{}, goroutines)
	release = make(chan struct{})
	for i := 0; i < goroutines; i++ {
		go worker()
	}
	for i := 0; i < goroutines; i++ {
		<-parked
	}
	checkpoint.Mark("after_park")
	close(release)
	for i := 0; i < goroutines; i++ {
		<-done
	}
	checkpoint.Mark("after_release")
	checkpoint.Exit()
}
