// Package calibrate holds the Go microbenchmarks that calibrate gomem's
// virtual-time cost model (src/sim/cost.ts, src/sim/costs.json). They run on
// the machine gomem is calibrated for, under the real Go 1.23 runtime, and are
// driven by bench/calibrate.ts (`npm run bench -- calibrate`), which chooses
// the environment of each group (GOGC=off, GOMAXPROCS=1, GODEBUG=gctrace=1)
// and the iteration counts, parses the results and writes costs.json.
//
// Files, one job each:
//
//	malloc_test.go   mallocgc per path: tiny, small noscan/scan, large
//	memclr_test.go   zeroing (memclrNoHeapPointers) of resident memory
//	fault_test.go    first-touch page faults, 4 KiB and 2 MiB (MADV_HUGEPAGE)
//	syscall_test.go  mmap / munmap / madvise on small regions
//	gc_test.go       mark per object and per pointer word, stack scan, sweep, STW
//	sched_test.go    goroutine creation, channels, Gosched, time.Sleep
//	helpers_test.go  sinks, batching, CPU-time clock, runtime/metrics readers
//	meter_test.go    how busy other processes kept the machine meanwhile
//	main_test.go     the 1 GiB untouched ballast that keeps the scavenger idle
//	results.ts       parsing and fitting helpers for bench/calibrate.ts
//
// Run by hand (what calibrate.ts does, one group):
//
//	go test -c -o /tmp/calibrate.test . &&
//	GOGC=off GOMAXPROCS=1 /tmp/calibrate.test -test.run='^$' \
//	    -test.bench='^BenchmarkMalloc' -test.benchmem -test.count=5
package calibrate
