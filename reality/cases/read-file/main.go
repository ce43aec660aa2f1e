// read-file: Efficient Go, Example 5-2 — buffering a large file in memory.
// A 600 MiB []byte is allocated and the file read into it with one
// (*os.File).Read; three bytes are printed, the file is closed, the slice is
// dropped and runtime.GC() runs. RSS follows the whole buffer, not the three
// bytes the program uses.
package main

import (
	"fmt"
	"log"
	"os"
	"runtime"

	"gomem/reality/checkpoint"
)

func main() {
	checkpoint.Mark("start")
	f, err := os.Open(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	b := make([]byte, 600*1024*1024)
	n, err := f.Read(b)
	if err != nil {
		log.Fatal(err)
	}
	if n != len(b) {
		log.Fatalf("read %d bytes, want %d", n, len(b))
	}
	checkpoint.Mark("after_read")

	fmt.Println("Reading 5000 index", b[5000])
	fmt.Println("Reading 100 000 index", b[100000])
	fmt.Println("Reading 104 000 index", b[104000])
	checkpoint.Mark("after_index_reads")

	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	checkpoint.Mark("after_close")

	b = b[0:]
	runtime.GC()
	checkpoint.Mark("after_gc")
	checkpoint.Exit()
}
