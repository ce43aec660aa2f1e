package calibrate

import (
	"testing"
)

// First-touch page faults: the kernel's cost of a write to an anonymous
// private page that was mapped but never touched (do_anonymous_page: take
// the fault, allocate and zero a page, charge the memcg, install the PTE).
// This is what the Go heap pays when it first writes a page it got from
// sysMap, or a page it released with MADV_DONTNEED (Linux gives it a fresh
// zeroed page again).
//
//   4KiB:  one byte written per 4 KiB page of a fresh 64 MiB mapping
//          (THP mode is "madvise" here, so an un-advised mapping gets 4 KiB
//          pages). One op = one fault.
//   2MiB:  the same mapping 2 MiB-aligned and madvise(MADV_HUGEPAGE)'d, one
//          byte per 2 MiB: one op = one huge-page fault (allocating and
//          zeroing 2 MiB). The fraction of the region that really became
//          AnonHugePages is reported as "huge-%", read from
//          /proc/self/smaps_rollup while it is mapped.
//
// mmap and munmap run outside the timed part.

const faultRegion = 64 << 20

func BenchmarkPageFault(b *testing.B) {
	b.Run("4KiB", func(b *testing.B) {
		var mapping uintptr
		batched(b, faultRegion/pageSize4K,
			func(int) { mapping = mmapRW(faultRegion) },
			func(i int) { bytesAt(mapping, faultRegion)[i*pageSize4K] = 1 },
			func(int) { munmap(mapping, faultRegion) })
	})
	b.Run("2MiB", func(b *testing.B) {
		var raw, aligned uintptr
		var hugeSum, regions float64
		batched(b, faultRegion/hugePageSize,
			func(int) {
				raw = mmapRW(faultRegion + hugePageSize)
				aligned = (raw + hugePageSize - 1) &^ (hugePageSize - 1)
				madvise(aligned, faultRegion, madvHugepage)
			},
			func(i int) { bytesAt(aligned, faultRegion)[i*hugePageSize] = 1 },
			func(k int) {
				hugeSum += float64(anonHugeKB()) * 1024 / float64(k*hugePageSize)
				regions++
				munmap(raw, faultRegion+hugePageSize)
			})
		b.ReportMetric(100*hugeSum/regions, "huge-%")
	})
}

// anonHugeKB is AnonHugePages of the whole process.
func anonHugeKB() int {
	return procKB("/proc/self/smaps_rollup", "AnonHugePages:")
}
