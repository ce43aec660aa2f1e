// Constants the size-class generator and the allocator share (sizeclasses.go,
// malloc.go, mbitmap.go on linux/amd64). Facts of Go 1.23, not tunables.

export const minHeapAlign = 8;
export const maxSmallSize = 32768; // _MaxSmallSize
export const smallSizeDiv = 8;
export const smallSizeMax = 1024;
export const largeSizeDiv = 128;
export const pageShift = 13; // _PageShift: the runtime page, not the OS page
export const pageSize = 1 << pageShift; // 8192
export const mallocHeaderSize = 8;
export const minSizeForMallocHeader = 512; // goarch.PtrSize * ptrBits
export const tinySize = 16; // _TinySize
