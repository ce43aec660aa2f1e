// busy-loop: a goroutine spinning on the CPU for one second of wall time,
// allocating nothing. Memory should not move; what does move (t_ms, sysmon's
// preemption, the forced-GC clock) is the runtime's background activity.
package main

import (
	"time"

	"gomem/reality/checkpoint"
)

var spins uint64 // global so the loop is not optimised away

func main() {
	checkpoint.Mark("start")
	begin := time.Now()
	for {
		for i := 0; i < 1<<20; i++ { // check the clock every 2^20 iterations
			spins++
		}
		if time.Since(begin) >= time.Second {
			break
		}
	}
	checkpoint.Extra("spins", int64(spins))
	checkpoint.Mark("after_busy_1s")
	checkpoint.Exit()
}
