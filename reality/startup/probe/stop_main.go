//go:build stop

package main

func probe()      { raise(sigSTOP) }
func afterStart() {}
