// Prints reference values of Go's math/rand (rngSource seeded through
// seedrand) for conformance/gorand.test.ts: for each seed, the first five
// Int63 values, then the 1000th and 2000th Float64 of a fresh generator.
// Regenerate with: go run conformance/testdata/gorand/main.go
package main

import (
	"fmt"
	"math/rand"
)

func main() {
	for _, seed := range []int64{0x53, 0x1, 0xf, 0xe, 0x0, 0x152, -5, 2147483647, 2147483648, -9223372036854775808} {
		r := rand.New(rand.NewSource(seed))
		fmt.Printf("%d int63", seed)
		for i := 0; i < 5; i++ {
			fmt.Printf(" %d", r.Int63())
		}
		fmt.Println()
		r = rand.New(rand.NewSource(seed))
		var f1000, f2000 float64
		for i := 1; i <= 2000; i++ {
			f := r.Float64()
			if i == 1000 {
				f1000 = f
			}
			if i == 2000 {
				f2000 = f
			}
		}
		fmt.Printf("%d float64 %v %v\n", seed, f1000, f2000)
	}
}
