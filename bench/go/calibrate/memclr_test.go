package calibrate

import (
	"fmt"
	"testing"
)

// Zeroing: memclrNoHeapPointers (memclr_amd64.s), which clear(buf) compiles
// to, on memory that is already resident (page faults are fault_test.go's).
//
//   Hot:  the same buffer cleared again and again: it stays in the caches
//         while it fits (L1d 48 KiB, L2 1 MiB per core, L3 32 MiB here).
//         At ≥ 32 MiB memclr switches to non-temporal stores.
//   Warm: successive chunks of an 8 MiB resident buffer: each chunk was
//         last written 8 MiB ago, so it is in the L3 but not in the L2 —
//         the state of memory reused by a heap of a few MiB (and of the
//         reused slots in BenchmarkMallocSteady, whose batches are 8 MiB).
//   Cold: successive chunks of a 256 MiB resident buffer (8× the L3), so
//         every chunk comes from DRAM, as when a large allocation reuses
//         memory freed long ago in a big heap.

func BenchmarkMemclrHot(b *testing.B) {
	for _, n := range []int{16, 64, 1024, 8192, 40960, 64 << 10, 1 << 20, 16 << 20, 64 << 20} {
		b.Run(sizeName(n), func(b *testing.B) {
			defer meter(b)()
			buf := make([]byte, n)
			clear(buf) // fault it in
			b.SetBytes(int64(n))
			b.ResetTimer()
			c0 := cpuNow()
			for i := 0; i < b.N; i++ {
				clear(buf)
			}
			reportCPU(b, cpuNow()-c0)
		})
	}
}

func BenchmarkMemclrWarm(b *testing.B) { memclrRotating(b, 8<<20) }
func BenchmarkMemclrCold(b *testing.B) { memclrRotating(b, 256<<20) }

func memclrRotating(b *testing.B, arena int) {
	big := make([]byte, arena)
	for i := range big {
		big[i] = 1 // resident, and not the kernel's zero page
	}
	for _, n := range []int{8192, 40960, 1 << 20} {
		b.Run(sizeName(n), func(b *testing.B) {
			defer meter(b)()
			b.SetBytes(int64(n))
			off := 0
			b.ResetTimer()
			c0 := cpuNow()
			for i := 0; i < b.N; i++ {
				if off+n > arena {
					off = 0
				}
				clear(big[off : off+n])
				off += n
			}
			reportCPU(b, cpuNow()-c0)
		})
	}
}

func sizeName(n int) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
