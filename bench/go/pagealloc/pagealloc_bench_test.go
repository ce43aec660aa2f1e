package runtime_test

// Baseline for bench/pagealloc.ts: the real Go 1.23 page allocator through
// its export_test.go API, on the same workload (a 64 MiB heap about half
// allocated in random runs of 1–16 pages). Copied into a writable GOROOT's
// src/runtime by bench/pagealloc.ts (GOMEM_GOROOT). Each call goes through
// systemstack + lock/unlock, as mheap's calls do.

import (
	"math/rand"
	. "runtime"
	"testing"
)

func gomemFragmentedHeap() *PageAlloc {
	chunks := map[ChunkIdx][]BitRange{}
	for i := ChunkIdx(0); i < 16; i++ {
		chunks[BaseChunkIdx+i] = []BitRange{}
	}
	p := NewPageAlloc(chunks, nil)
	r := rand.New(rand.NewSource(11))
	type blk struct{ a, n uintptr }
	var live []blk
	for {
		n := uintptr(1 + r.Intn(16))
		a, _ := p.Alloc(n)
		if a == 0 {
			break
		}
		live = append(live, blk{a, n})
	}
	for _, b := range live {
		if r.Intn(2) == 0 {
			p.Free(b.a, b.n)
		}
	}
	return p
}

func benchAllocFree(b *testing.B, npages uintptr) {
	p := gomemFragmentedHeap()
	defer FreePageAlloc(p)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a, _ := p.Alloc(npages)
		p.Free(a, npages)
	}
}

func BenchmarkGomemPageAllocFree1(b *testing.B)  { benchAllocFree(b, 1) }
func BenchmarkGomemPageAllocFree8(b *testing.B)  { benchAllocFree(b, 8) }
func BenchmarkGomemPageAllocFree64(b *testing.B) { benchAllocFree(b, 64) }

func BenchmarkGomemPageCacheAlloc1(b *testing.B) {
	c := NewPageCache(PageBase(BaseChunkIdx, 0), ^uint64(0), 0)
	for i := 0; i < b.N; i++ {
		if c.Empty() {
			c = NewPageCache(PageBase(BaseChunkIdx, 0), ^uint64(0), 0)
		}
		c.Alloc(1)
	}
}

func BenchmarkGomemPageCacheRefillFlush(b *testing.B) {
	p := gomemFragmentedHeap()
	defer FreePageAlloc(p)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := p.AllocToCache()
		c.Flush(p)
	}
}
