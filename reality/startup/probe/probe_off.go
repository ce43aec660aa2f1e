//go:build !probe && !stop && !stopcp

// Without -tags probe the program is exactly itself: probe is an empty
// function the compiler inlines away. Symlinked into every program directory.
package main

func probe() {}

// afterStart is called by hellocp right after its "start" checkpoint.
func afterStart() {}
