package calibrate

import (
	"syscall"
	"testing"
)

// Memory syscalls as the Go runtime issues them (mem_linux.go), on small
// regions, called directly (RawSyscall: no entersyscall/exitsyscall, which
// the runtime's own calls do not pay either):
//
//   mmap/64KiB           sysAlloc: mmap(nil, 64 KiB, RW, PRIVATE|ANON)
//   mmapReserve/64MiB    sysReserve: mmap(nil, 64 MiB, PROT_NONE)
//   mmapFixed/4MiB       sysMap: mmap(FIXED, RW) over a PROT_NONE reservation
//   munmap/64KiB         sysFree of an untouched region
//   munmapResident/N     munmap of N bytes whose every page is resident
//   madviseDontneed/N    sysUnused: MADV_DONTNEED, untouched or resident
//   madviseHuge/4MiB     sysHugePage then sysNoHugePage, per call
//
// The resident cases at two sizes separate the per-call from the per-page
// cost. Regions are prepared (mapped, touched) outside the timed part.

const k64 = 64 << 10

func BenchmarkSyscall(b *testing.B) {
	const batch = 256
	addrs := make([]uintptr, batch)

	b.Run("mmap/64KiB", func(b *testing.B) {
		batched(b, batch, func(int) {},
			func(i int) { addrs[i] = mmapRW(k64) },
			func(k int) {
				for _, a := range addrs[:k] {
					munmap(a, k64)
				}
			})
	})
	b.Run("mmapReserve/64MiB", func(b *testing.B) {
		batched(b, batch, func(int) {},
			func(i int) {
				addrs[i] = mmap(0, 64<<20, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
			},
			func(k int) {
				for _, a := range addrs[:k] {
					munmap(a, 64<<20)
				}
			})
	})
	b.Run("mmapFixed/4MiB", func(b *testing.B) {
		// Each op maps a 4 MiB piece RW inside one PROT_NONE reservation,
		// with 4 MiB of PROT_NONE between pieces, so each op splits a VMA
		// as sysMap does inside an arena reservation.
		const piece, stride = 4 << 20, 8 << 20
		var res uintptr
		batched(b, batch,
			func(k int) { res = mmap(0, uintptr(k)*stride, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON) },
			func(i int) {
				mmap(res+uintptr(i)*stride, piece, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_FIXED)
			},
			func(k int) { munmap(res, uintptr(k)*stride) })
	})
	for _, size := range []uintptr{k64, 2 << 20} {
		untouched := size == k64
		if untouched {
			b.Run("munmap/"+sizeName(int(size)), func(b *testing.B) { benchUnmap(b, size, false) })
		}
		b.Run("munmapResident/"+sizeName(int(size)), func(b *testing.B) { benchUnmap(b, size, true) })
		if untouched {
			b.Run("madviseDontneed/"+sizeName(int(size)), func(b *testing.B) { benchDontneed(b, size, false) })
		}
		b.Run("madviseDontneedResident/"+sizeName(int(size)), func(b *testing.B) { benchDontneed(b, size, true) })
	}
	b.Run("madviseHuge/4MiB", func(b *testing.B) {
		const size = 4 << 20
		var region uintptr
		batched(b, batch,
			func(int) { region = mmapRW(3 * size) },
			func(i int) {
				// The middle third flips between VM_HUGEPAGE and VM_NOHUGEPAGE:
				// each call splits or merges VMAs, as sysHugePage/sysNoHugePage do.
				if i%2 == 0 {
					madvise(region+size, size, madvHugepage)
				} else {
					madvise(region+size, size, madvNohugepage)
				}
			},
			func(int) { munmap(region, 3*size) })
	})
}

// benchUnmap: one op = munmap of one size-byte piece at the low end of a
// bigger mapping (the VMA shrinks), optionally with every page resident.
func benchUnmap(b *testing.B, size uintptr, resident bool) {
	batch := 64
	if size > k64 {
		batch = 16
	}
	var region uintptr
	batched(b, batch,
		func(k int) {
			region = mmapRW(uintptr(k) * size)
			if resident {
				touch(region, uintptr(k)*size, pageSize4K)
			}
		},
		func(i int) { munmap(region+uintptr(i)*size, size) },
		func(int) {})
}

// benchDontneed: one op = madvise(MADV_DONTNEED) of one size-byte piece.
func benchDontneed(b *testing.B, size uintptr, resident bool) {
	batch := 64
	if size > k64 {
		batch = 16
	}
	var region uintptr
	batched(b, batch,
		func(k int) {
			region = mmapRW(uintptr(k) * size)
			if resident {
				touch(region, uintptr(k)*size, pageSize4K)
			}
		},
		func(i int) { madvise(region+uintptr(i)*size, size, madvDontneed) },
		func(k int) { munmap(region, uintptr(k)*size) })
}
