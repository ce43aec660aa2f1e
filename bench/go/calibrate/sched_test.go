package calibrate

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
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

// BenchmarkWakeIdleP: how long an idle P takes to start work made runnable
// while its M is parked (wakep → futex wake of the M → the M steals it), the
// latency behind a GC's idle and fractional mark workers joining a cycle
// late, on a P whose M slept. Per op, as when a running goroutine starts a
// cycle: the main goroutine spins for 3 ms (its P busy, the other idle long
// enough for its M to park), then starts a and b (b takes runnext, a goes to
// the run queue where another P may steal it) and spins until a runs.
// wake-ns is the median of the ops' latencies (the mean would follow the
// rare op where the OS ran something else first). With both Ps idle before
// (time.Sleep instead of the spin) it is ~15× longer on this VM: the woken
// timer's M is the spinning one, and no other M is woken for a.
func BenchmarkWakeIdleP(b *testing.B) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	defer meter(b)()
	lat := make([]int64, 0, b.N)
	var started atomic.Int64
	for i := 0; i < b.N; i++ {
		for t := time.Now(); time.Since(t) < 3*time.Millisecond; {
		}
		started.Store(0)
		t0 := time.Now()
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { started.Store(int64(time.Since(t0))); wg.Done() }()
		go func() { wg.Done() }()
		for started.Load() == 0 && time.Since(t0) < 20*time.Millisecond {
		}
		if d := started.Load(); d > 0 {
			lat = append(lat, d)
		}
		wg.Wait()
	}
	if len(lat) > 0 {
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2]), "wake-ns")
		b.ReportMetric(float64(lat[len(lat)/10]), "wake-p10-ns")
	}
}
