// min: the smallest Go program. Startup research for gomem (see ../../README.md).
// Built twice: plain (the program itself) and with -tags probe (reads
// runtime.MemStats at the first line of main and prints it with println).
package main

func main() {
	probe()
}
