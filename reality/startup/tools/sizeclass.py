"""Go 1.23 size classes (runtime/sizeclasses.go, a table of facts) and the
size arithmetic of mallocgc (malloc.go) for linux/amd64."""

# class -> object size; class 0 = large object
CLASS_TO_SIZE = [0, 8, 16, 24, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
                 288, 320, 352, 384, 416, 448, 480, 512, 576, 640, 704, 768, 896, 1024, 1152, 1280,
                 1408, 1536, 1792, 2048, 2304, 2688, 3072, 3200, 3456, 4096, 4864, 5376, 6144, 6528,
                 6784, 6912, 8192, 9472, 9728, 10240, 10880, 12288, 13568, 14336, 16384, 18432, 19072,
                 20480, 21760, 24576, 27264, 28672, 32768]
# class -> pages per span
CLASS_TO_NPAGES = [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                   1, 1, 1, 1, 1, 1, 1, 2, 1, 2, 1, 2, 1, 3, 2, 3, 1, 3, 2, 3, 4, 5, 6, 1, 7, 6, 5, 4,
                   3, 5, 7, 2, 9, 7, 5, 8, 3, 10, 7, 4]

MAX_SMALL = 32768
MALLOC_HEADER = 8
TINY = 16
PAGE = 8192


def size_to_class(n):
    for c in range(1, len(CLASS_TO_SIZE)):
        if CLASS_TO_SIZE[c] >= n:
            return c
    return 0


def classify(size, noscan):
    """What mallocgc does with a request: returns a dict with
    kind ('zero' | 'tiny' | 'small' | 'large'), sizeclass, elemsize (bytes of
    heap the object occupies, as TotalAlloc counts it), header (8-byte malloc
    header for scan objects > 512 bytes) and spanclass."""
    if size == 0:
        return {"kind": "zero", "sizeclass": None, "elemsize": 0, "header": False, "spanclass": None}
    if size <= MAX_SMALL - MALLOC_HEADER:
        if noscan and size < TINY:
            return {"kind": "tiny", "sizeclass": 2, "elemsize": 16, "header": False, "spanclass": 5}
        header = (not noscan) and size > 512
        n = size + (MALLOC_HEADER if header else 0)
        c = size_to_class(n)
        return {"kind": "small", "sizeclass": c, "elemsize": CLASS_TO_SIZE[c], "header": header,
                "spanclass": c * 2 + (1 if noscan else 0)}
    npages = (size + PAGE - 1) // PAGE
    return {"kind": "large", "sizeclass": 0, "elemsize": npages * PAGE, "header": False,
            "spanclass": 1 if noscan else 0, "npages": npages}


def span_nelems(sizeclass, noscan):
    """Objects per span (mheap.initSpan): scan spans of objects <= 512 bytes
    keep their pointer bitmap in the last nbytes/64 bytes of the span."""
    nbytes = CLASS_TO_NPAGES[sizeclass] * PAGE
    size = CLASS_TO_SIZE[sizeclass]
    if not noscan and size <= 512:
        return (nbytes - nbytes // 64) // size
    return nbytes // size
