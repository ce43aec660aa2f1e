// sync: WaitGroup, Mutex and Once across goroutines, and what sharing them costs
// (a WaitGroup a goroutine's closure captures moves to the heap) (real Go 1.23.5 output in sync.out).
package main

import (
	"fmt"
	"runtime"
	"sync"
)

var m1, m2 runtime.MemStats

type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) inc() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
}

var once sync.Once
var inits int

func setup() {
	inits++
}

func work(id int, c *counter, wg *sync.WaitGroup) {
	defer wg.Done()
	once.Do(setup)
	for i := 0; i < 100; i++ {
		c.inc()
	}
}

func main() {
	var wg sync.WaitGroup
	c := &counter{}
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go work(i, c, &wg)
	}
	wg.Wait()
	fmt.Println("count", c.n, "inits", inits)

	runtime.ReadMemStats(&m1)
	var wg2 sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for i := 1; i <= 4; i++ {
		wg2.Add(1)
		go func(k int) {
			defer wg2.Done()
			mu.Lock()
			total += k
			mu.Unlock()
		}(i)
	}
	wg2.Wait()
	runtime.ReadMemStats(&m2)
	fmt.Println("total", total)
	fmt.Println("goroutines allocs", m2.Mallocs-m1.Mallocs > 0)

	var local sync.Mutex
	runtime.ReadMemStats(&m1)
	for i := 0; i < 1000; i++ {
		local.Lock()
		local.Unlock()
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("lock/unlock allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
}
