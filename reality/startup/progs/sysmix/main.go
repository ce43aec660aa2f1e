// sysmix: a program that imports runtime/metrics, os, syscall and time (the
// packages the reality checkpoint helper uses) and touches each once.
// Startup research for gomem (see ../../README.md).
package main

import (
	"os"
	"runtime/metrics"
	"syscall"
	"time"
)

var sink int

func main() {
	probe()
	t := time.Now()
	sink = os.Getpid() + syscall.Getppid() + len(metrics.All()) + t.Nanosecond()
}
