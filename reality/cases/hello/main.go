// hello: "why does hello world use so much memory?" A program that prints one
// line and sleeps; its checkpoints show the idle runtime's fixed costs (VSZ
// ~1.2 GiB of mostly PROT_NONE reservations, ~2 MiB RSS, a 4 MiB heap chunk).
package main

import (
	"fmt"
	"time"

	"gomem/reality/checkpoint"
)

func main() {
	checkpoint.Mark("start")
	fmt.Println("hi")
	checkpoint.Mark("after_println")
	time.Sleep(2 * time.Second)
	checkpoint.Mark("after_sleep_2s")
	checkpoint.Exit()
}
