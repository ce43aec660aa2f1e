package calibrate

import (
	"testing"
	"unsafe"
)

// mallocgc per path (malloc.go). Each case allocates one object per op with
// new(T) stored to a global, so exactly one mallocgc runs per op; -benchmem
// must show 1 allocs/op (calibrate.ts checks it).
//
//   tiny8      new(uint64): 8-byte noscan → tiny allocator (two per 16-byte block)
//   noscanN    new([N]byte): small noscan size class N
//   noscan32768 is the largest small size class (one object per 4-page span)
//   scanN      new([N/8]*byte): small scan; up to 512 bytes the heap bits
//              are in the span, above that an 8-byte malloc header is
//              added (1024 → class 1152, 2048 → 2304, 4096 → 4864,
//              8192 → 9472)
//   large40k   new([40960]byte): 5-page large span, noscan
//   large1m    new([1<<20]byte): 128-page large span, noscan
//   scanlarge40k new([5120]*byte): 5-page large span, scan (Go 1.23 zeroes
//              large objects after taking the span, scan or not)
//
// Steady: span reuse after a GC (needzero). Fresh: a heap that only grows
// (no zeroing, untouched memory). See allocSteady / allocFresh. The cases
// marked "check point" are not model constants: calibrate.ts compares them
// with what the model interpolates from the others.

type mallocCase struct {
	name   string
	steady func(*testing.B)
	fresh  func(*testing.B)
}

func mcase[T any](name string) mallocCase {
	return mallocCase{name, allocSteady[T], allocFresh[T]}
}

var mallocCases = []mallocCase{
	mcase[uint64]("tiny8"),
	mcase[[16]byte]("noscan16"),
	mcase[[64]byte]("noscan64"),
	mcase[[128]byte]("noscan128"), // check point: not a model constant
	mcase[[256]byte]("noscan256"),
	mcase[[1024]byte]("noscan1024"),
	mcase[[2048]byte]("noscan2048"), // check point
	mcase[[4096]byte]("noscan4096"),
	mcase[[8192]byte]("noscan8192"),
	mcase[[32768]byte]("noscan32768"),
	mcase[[2]*byte]("scan16"),
	mcase[[8]*byte]("scan64"),
	mcase[[16]*byte]("scan128"), // check point
	mcase[[32]*byte]("scan256"),
	mcase[[64]*byte]("scan512"),
	mcase[[128]*byte]("scan1024"),
	mcase[[256]*byte]("scan2048"), // check point
	mcase[[512]*byte]("scan4096"),
	mcase[[1024]*byte]("scan8192"),
	mcase[[40960]byte]("large40k"),
	mcase[[1 << 20]byte]("large1m"),
	mcase[[5120]*byte]("scanlarge40k"),
}

func BenchmarkMallocSteady(b *testing.B) {
	for _, c := range mallocCases {
		b.Run(c.name, c.steady)
	}
}

func BenchmarkMallocFresh(b *testing.B) {
	for _, c := range mallocCases {
		b.Run(c.name, c.fresh)
	}
}

// BenchmarkSinkStore is the loop without mallocgc: the same global pointer
// store of an existing object. It is the floor under every malloc case.
func BenchmarkSinkStore(b *testing.B) {
	defer meter(b)()
	x := new(int)
	p := unsafe.Pointer(x)
	for i := 0; i < b.N; i++ {
		sinkPtr = p
	}
}
