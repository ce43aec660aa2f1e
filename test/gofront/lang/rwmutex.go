// sync.RWMutex: readers share it, a writer waits for them and holds new readers back
// (real Go 1.23.5 output in rwmutex.out).
package main

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
)

var m1, m2 runtime.MemStats

type cache struct {
	mu   sync.RWMutex
	vals map[string]int
}

func (c *cache) get(k string) (int, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.vals[k]
	return v, ok
}

func (c *cache) set(k string, v int) {
	c.mu.Lock()
	c.vals[k] = v
	c.mu.Unlock()
}

var events []string
var evmu sync.Mutex

func note(s string) {
	evmu.Lock()
	events = append(events, s)
	evmu.Unlock()
}

func main() {
	c := &cache{vals: map[string]int{}}
	c.set("a", 1)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				if _, ok := c.get("a"); !ok {
					panic("missing")
				}
			}
		}()
	}
	for i := 0; i < 10; i++ {
		c.set("b", i)
	}
	wg.Wait()
	v, _ := c.get("b")
	fmt.Println("b", v)

	var rw sync.RWMutex
	rw.RLock()
	done := make(chan bool)
	go func() {
		rw.Lock()
		note("writer")
		rw.Unlock()
		done <- true
	}()
	time.Sleep(10 * time.Millisecond)
	note("reader done")
	rw.RUnlock()
	<-done
	rw.RLock()
	note("reader again")
	rw.RUnlock()
	fmt.Println(strings.Join(events, ", "))

	var local sync.RWMutex
	runtime.ReadMemStats(&m1)
	local.RLock()
	local.RUnlock()
	local.Lock()
	local.Unlock()
	runtime.ReadMemStats(&m2)
	fmt.Println("local", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
}
