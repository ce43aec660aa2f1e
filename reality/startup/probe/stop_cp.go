//go:build stopcp

package main

func probe()      {}
func afterStart() { raise(sigSTOP) }
