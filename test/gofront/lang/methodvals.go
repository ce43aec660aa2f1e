// Method values: x.M as a func value binds its receiver (a closure where it escapes)
// (real Go 1.23.5 figures in methodvals.out).
package main

import (
	"fmt"
	"runtime"
)

var m1, m2 runtime.MemStats

type account struct {
	balance int
}

func (a *account) deposit(n int) { a.balance += n }

func (a account) report() string { return fmt.Sprint("balance ", a.balance) }

var hook func(int)

func apply(f func(int), n int) {
	for i := 0; i < n; i++ {
		f(i)
	}
}

func main() {
	acc := &account{}
	runtime.ReadMemStats(&m1)
	dep := acc.deposit
	apply(dep, 5)
	runtime.ReadMemStats(&m2)
	fmt.Println("local", acc.balance, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	runtime.ReadMemStats(&m1)
	hook = acc.deposit
	hook(100)
	runtime.ReadMemStats(&m2)
	fmt.Println("escaping", acc.balance, m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	var v account
	v.balance = 7
	r := v.report
	v.balance = 8
	fmt.Println(r())
}
