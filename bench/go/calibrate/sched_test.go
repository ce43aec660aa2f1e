package calibrate

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// Scheduler basics (proc.go, chan.go, time.go) at GOMAXPROCS=1.
//
//   GoroutineCreate  go f() + the goroutine running to its end, per goroutine,
//                    in batches of 1000 waited for with a WaitGroup (f only
//                    calls wg.Done: one atomic add). Includes newproc, one
//                    schedule into it, goexit and gfput (the g is reused).
//   ChanBuffered     one send and one receive on a buffered channel by the
//                    same goroutine: never blocks, no switch.
//   ChanHandoff      one send/receive pair on an unbuffered channel between
//                    two goroutines: each pair costs about one goroutine
//                    switch (park, ready, schedule) plus the channel ops.
//   Gosched          runtime.Gosched() with nothing else runnable.
//   GoschedPingPong  two goroutines alternating through Gosched; per switch.
//   Sleep/D          time.Sleep(D); calibrate.ts takes wall ns − D as the
//                    overhead (timer, netpoll/futex sleep, wake-up).

func BenchmarkGoroutineCreate(b *testing.B) {
	defer meter(b)()
	var wg sync.WaitGroup
	c0 := cpuNow()
	for done := 0; done < b.N; {
		n := min(1000, b.N-done)
		wg.Add(n)
		for i := 0; i < n; i++ {
			go func() { wg.Done() }()
		}
		wg.Wait()
		done += n
	}
	reportCPU(b, cpuNow()-c0)
}

func BenchmarkChanBuffered(b *testing.B) {
	defer meter(b)()
	ch := make(chan int, 1)
	c0 := cpuNow()
	for i := 0; i < b.N; i++ {
		ch <- i
		<-ch
	}
	reportCPU(b, cpuNow()-c0)
}

func BenchmarkChanHandoff(b *testing.B) {
	defer meter(b)()
	ch := make(chan int)
	done := make(chan struct{})
	go func() {
		for i := 0; i < b.N; i++ {
			<-ch
		}
		close(done)
	}()
	c0 := cpuNow()
	for i := 0; i < b.N; i++ {
		ch <- i
	}
	<-done
	reportCPU(b, cpuNow()-c0)
}

func BenchmarkGosched(b *testing.B) {
	defer meter(b)()
	c0 := cpuNow()
	for i := 0; i < b.N; i++ {
		runtime.Gosched()
	}
	reportCPU(b, cpuNow()-c0)
}

func BenchmarkGoschedPingPong(b *testing.B) {
	defer meter(b)()
	var wg sync.WaitGroup
	wg.Add(2)
	c0 := cpuNow()
	for g := 0; g < 2; g++ {
		go func() {
			defer wg.Done()
			for i := 0; i < b.N; i++ {
				runtime.Gosched()
			}
		}()
	}
	wg.Wait()
	// 2·b.N Gosched calls, each a switch to the other goroutine.
	b.ReportMetric(float64(cpuNow()-c0)/float64(2*b.N), "cpu-ns/switch")
}

func BenchmarkSleep(b *testing.B) {
	for _, d := range []time.Duration{0, time.Microsecond, 100 * time.Microsecond, time.Millisecond, 10 * time.Millisecond} {
		b.Run(d.String(), func(b *testing.B) {
			defer meter(b)()
			t0 := time.Now()
			for i := 0; i < b.N; i++ {
				time.Sleep(d)
			}
			wall := float64(time.Since(t0).Nanoseconds()) / float64(b.N)
			b.ReportMetric(wall-float64(d.Nanoseconds()), "overhead-ns/op")
		})
	}
}
