// mmap-file: Efficient Go, Example 5-3 — memory-mapping 600 MiB of a file
// (PROT_READ, MAP_SHARED) and touching three bytes. Only the pages around
// the touched bytes become resident (fault-around maps up to 16 cached pages
// per fault), and they count as RssFile, not RssAnon; munmap drops them.
package main

import (
	"fmt"
	"log"
	"os"
	"syscall"

	"gomem/reality/checkpoint"
)

func main() {
	checkpoint.Mark("start")
	f, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, 600*1024*1024, syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		log.Fatal(err)
	}
	checkpoint.Mark("after_mmap")

	fmt.Println("Reading 5000 index", b[5000])
	checkpoint.Mark("after_read_5000")
	fmt.Println("Reading 100 000 index", b[100000])
	checkpoint.Mark("after_read_100000")
	fmt.Println("Reading 104 000 index", b[104000])
	checkpoint.Mark("after_read_104000")

	if err := syscall.Munmap(b); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	checkpoint.Mark("after_munmap")
	checkpoint.Exit()
}
