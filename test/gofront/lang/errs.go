// Errors: errors.New, fmt.Errorf with %v and %w, an os call's error, comparisons with nil
// and with a sentinel (real Go 1.23.5 output in errs.out).
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

var m1, m2 runtime.MemStats

var errNotFound = errors.New("not found")

func find(key string) (int, error) {
	if key == "answer" {
		return 42, nil
	}
	return 0, errNotFound
}

var sinkErr error

func main() {
	v, err := find("answer")
	fmt.Println(v, err, err == nil)
	_, err = find("question")
	fmt.Println(err, err == errNotFound)

	// (Not measured: fmt's printer grows its buffer for the longer text, which gomem's fmt model does not.)
	sinkErr = fmt.Errorf("lookup %s: %w", "question", err)
	fmt.Println(sinkErr)

	runtime.ReadMemStats(&m1)
	sinkErr = fmt.Errorf("code %d", 7)
	runtime.ReadMemStats(&m2)
	fmt.Println(sinkErr)
	fmt.Println("errorf allocs", m2.Mallocs-m1.Mallocs, m2.TotalAlloc-m1.TotalAlloc)

	_, err = os.Open("/nonexistent/file")
	if err != nil {
		fmt.Println("open failed:", err)
	}
}
