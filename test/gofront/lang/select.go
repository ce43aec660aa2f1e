// Channels beyond send and receive: select (blocking, with default, with a send case),
// v, ok := <-ch, range over a channel, a closed channel's zero values (real Go 1.23.5 output in select.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

func producer(n int, out chan<- int, done chan struct{}) {
	for i := 0; i < n; i++ {
		out <- i * i
	}
	close(out)
	<-done
}

func main() {
	ch := make(chan int)
	done := make(chan struct{})
	go producer(5, ch, done)
	sum := 0
	for v := range ch {
		sum += v
	}
	close(done)
	fmt.Println("range sum", sum)

	v, ok := <-ch
	fmt.Println("closed", v, ok)

	buf := make(chan string, 2)
	select {
	case s := <-buf:
		fmt.Println("unexpected", s)
	default:
		fmt.Println("nothing ready")
	}
	buf <- "a"
	select {
	case s, ok := <-buf:
		fmt.Println("got", s, ok)
	default:
		fmt.Println("nothing ready")
	}

	results := make(chan int)
	quit := make(chan bool)
	go func() {
		for i := 1; i <= 3; i++ {
			results <- i * 10
		}
		quit <- true
	}()
	total := 0
loop:
	for {
		select {
		case r := <-results:
			total += r
		case <-quit:
			break loop
		}
	}
	fmt.Println("select total", total)

	out := make(chan int, 1)
	in := make(chan int)
	for i := 0; i < 3; i++ {
		select {
		case out <- i:
			fmt.Println("sent", i)
		case x := <-in:
			fmt.Println("received", x)
		default:
			fmt.Println("full at", i, "holding", <-out)
		}
	}

	runtime.ReadMemStats(&m1)
	c := make(chan int, 100)
	for i := 0; i < 100; i++ {
		select {
		case c <- i:
		default:
		}
	}
	n := 0
	for len(c) > 0 {
		n += <-c
	}
	runtime.ReadMemStats(&m2)
	fmt.Println("buffered", n)
	fmt.Println("buffered allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)
}
