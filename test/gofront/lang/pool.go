// sync.Pool: Get takes what Put left (or calls New), and a pooled object survives one GC in the
// victim cache and is dropped by the second (poolCleanup) (real Go 1.23.5 output in pool.out, run with
// GOMAXPROCS=1: with more Ps, which P's private slot main finds after a GC varies from run to run).
package main

import (
	"fmt"
	"runtime"
	"sync"
)

var m1, m2 runtime.MemStats

type buffer struct {
	data [1000]byte
	n    int
}

var news int

func newBuffer() any {
	news++
	return new(buffer)
}

var pool = sync.Pool{New: newBuffer}

func use(id int) {
	b := pool.Get().(*buffer)
	b.n = id
	pool.Put(b)
}

func main() {
	runtime.ReadMemStats(&m1)
	for i := 0; i < 10; i++ {
		use(i)
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("reuse", news, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.GC()
	b := pool.Get().(*buffer)
	fmt.Println("after one GC", news, b.n)
	pool.Put(b)

	runtime.GC()
	runtime.GC()
	b = pool.Get().(*buffer)
	fmt.Println("after two GCs", news, b.n)

	var empty sync.Pool
	x := empty.Get()
	fmt.Println("no New", x == nil)
}
