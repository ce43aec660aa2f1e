// runtime/metrics.Read, fmt.Fprintf/Fprintln to os.Stdout (%q, %.6f), time.Until, Time.Add and
// Duration.Milliseconds: what reality/cases/container-oom uses (real Go 1.23.5 output in metrics.out).
package main

import (
	"fmt"
	"os"
	"runtime/metrics"
	"time"
)

var names = []string{"/gc/gomemlimit:bytes", "/gc/cycles/total:gc-cycles", "/cpu/classes/total:cpu-seconds", "/no/such:metric"}

func main() {
	s := make([]metrics.Sample, len(names))
	for i := range s {
		s[i].Name = names[i]
	}
	metrics.Read(s)
	for i := range s {
		switch s[i].Value.Kind() {
		case metrics.KindUint64:
			fmt.Fprintf(os.Stdout, "%q:uint64", s[i].Name)
		case metrics.KindFloat64:
			fmt.Fprintf(os.Stdout, "%q:float64", s[i].Name)
		default:
			fmt.Fprintf(os.Stdout, "%q:bad", s[i].Name)
		}
		fmt.Fprintln(os.Stdout)
	}
	third := 1.0 / 3
	fmt.Fprintf(os.Stdout, "limit %d %.6f %.2f\n", s[0].Value.Uint64(), third, 2.5)
	start := time.Now()
	d := time.Until(start.Add(50 * time.Millisecond))
	positive, within := d > 0, d <= 50*time.Millisecond
	fmt.Fprintln(os.Stdout, positive, within, (1500 * time.Microsecond).Milliseconds())
}
