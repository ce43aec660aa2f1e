//go:build stop || stopcp

// The stop builds (-tags stop: at the first line of main; -tags stopcp: right
// after hellocp's "start" checkpoint) stop the whole process with SIGSTOP so
// that tools/resident.py can read /proc/PID/smaps and /proc/PID/pagemap
// while nothing runs. runtime.raise is tgkill(getpid(), gettid(), sig): no
// allocation, no package import besides unsafe (which has no init). Go 1.23
// refuses this linkname unless built with -ldflags=-checklinkname=0.
package main

import _ "unsafe"

//go:linkname raise runtime.raise
func raise(sig uint32)

const sigSTOP = 19
