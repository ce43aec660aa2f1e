// Reading /proc/self/status and /proc/self/smaps without allocating: files
// are opened with openat(2) on NUL-terminated constant paths (os.Open and
// syscall.Open copy the path to the heap), read into the one read buffer,
// and parsed line by line in place.
//
// The procfs calls are raw syscalls (syscall.RawSyscall: no entersyscall):
// the goroutine keeps its P, so a checkpoint never lets sysmon hand the P
// to another thread, and never makes the runtime start one (a normal
// syscall that runs long on a loaded machine does, and a new M allocates
// ~5 KB of heap and 64 KiB of stack: a checkpoint would disturb the very
// numbers it prints). procfs reads do not block, so holding the P is safe.

package checkpoint

import (
	"syscall"
	"unsafe"
)

const (
	rdSize     = 8 << 10 // read buffer; the longest smaps line is < 4200 bytes
	statusPath = "/proc/self/status\x00"
	smapsPath  = "/proc/self/smaps\x00"
	atFDCWD    = ^uintptr(99) // AT_FDCWD = -100
)

var rdBuf []byte // len == cap == rdSize, fixed at init

// openProc opens a NUL-terminated constant path read-only; -1 on failure.
func openProc(path string) int {
	p := unsafe.Pointer(unsafe.StringData(path))
	for {
		fd, _, errno := syscall.RawSyscall6(syscall.SYS_OPENAT, atFDCWD, uintptr(p),
			uintptr(syscall.O_RDONLY|syscall.O_CLOEXEC), 0, 0, 0)
		if errno == syscall.EINTR {
			continue
		}
		if errno != 0 {
			return -1
		}
		return int(fd)
	}
}

// eachLine streams the file at path through rdBuf and calls fn for every
// line (without its '\n'). A line longer than the buffer is cut to the
// buffer's length (procfs never produces one).
func eachLine(path string, fn func(line []byte)) bool {
	fd := openProc(path)
	if fd < 0 {
		return false
	}
	n := 0
	for {
		if n == len(rdBuf) { // one line fills the buffer: hand over what we have
			fn(rdBuf[:n])
			n = 0
		}
		m := rawRead(fd, rdBuf[n:])
		if m == -int(syscall.EINTR) {
			continue
		}
		if m <= 0 {
			break
		}
		n += m
		start := 0
		for i := start; i < n; i++ {
			if rdBuf[i] == '\n' {
				fn(rdBuf[start:i])
				start = i + 1
			}
		}
		n = copy(rdBuf, rdBuf[start:n])
	}
	if n > 0 {
		fn(rdBuf[:n])
	}
	syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(fd), 0, 0)
	return true
}

// rawRead is read(2) without entersyscall; it returns the byte count, or
// -errno on failure.
func rawRead(fd int, b []byte) int {
	if len(b) == 0 {
		return 0
	}
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if errno != 0 {
		return -int(errno)
	}
	return int(n)
}

// fieldName returns the "Key" of a "Key:   value" line, or nil.
func fieldName(line []byte) []byte {
	for i, c := range line {
		if c == ':' {
			return line[:i]
		}
		if c == ' ' {
			return nil
		}
	}
	return nil
}

// fieldUint parses the first decimal number after the ':' of a line.
func fieldUint(line []byte) uint64 {
	i := 0
	for i < len(line) && line[i] != ':' {
		i++
	}
	for i < len(line) && (line[i] < '0' || line[i] > '9') {
		i++
	}
	var v uint64
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		v = v*10 + uint64(line[i]-'0')
		i++
	}
	return v
}

func equal(b []byte, s string) bool { return string(b) == s } // no allocation: compiler-recognised

// ---- /proc/self/status ----------------------------------------------------

// statusKeys are the /proc/self/status fields a checkpoint reports, in
// output order; all but Threads are in kB and get a "_kB" suffix.
var statusKeys = [...]string{
	"VmPeak", "VmSize", "VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem",
	"VmData", "VmStk", "VmExe", "VmLib", "VmPTE", "Threads",
}

var (
	statusVal  [len(statusKeys)]uint64
	statusSeen [len(statusKeys)]bool
)

func statusLine(line []byte) {
	k := fieldName(line)
	if k == nil {
		return
	}
	for i := range statusKeys {
		if equal(k, statusKeys[i]) {
			statusVal[i] = fieldUint(line)
			statusSeen[i] = true
			return
		}
	}
}

// writeProc emits `,"proc":{...}` from path (a NUL-terminated
// /proc/self/status, or a fixture in tests).
func writeProc(path string) {
	for i := range statusSeen {
		statusSeen[i] = false
	}
	eachLine(path, statusLine)
	putString(`,"proc":{`)
	first := true
	for i, k := range statusKeys {
		if !statusSeen[i] {
			continue
		}
		if !first {
			putByte(',')
		}
		first = false
		putByte('"')
		putString(k)
		if k != "Threads" {
			putString("_kB")
		}
		putString(`":`)
		putUint(statusVal[i])
	}
	putByte('}')
}

// ---- /proc/self/smaps -----------------------------------------------------

// mapping holds the entry being parsed: smaps prints a header line, then
// "Key: value kB" lines, and ends each entry with "VmFlags:".
type mapping struct {
	open      bool
	rangeText [48]byte // "c000000000-c000400000"
	rangeLen  int
	perms     [4]byte
	inode     uint64
	name      [256]byte // pathname or [stack]/[vdso]/...; cut at 256 bytes
	nameLen   int
	size      uint64 // kB, like every count below
	rss       uint64
	anon      uint64
	lazyfree  uint64
	anonhuge  uint64
	thp       string // "hg", "nh" or ""
}

// smapsSummary accumulates the smaps_summary object (all sizes in kB).
type smapsSummary struct {
	maps, size, rss, anonymous, lazyfree, anonhuge, protNone uint64
	anonMapsSize, anonMapsRss, fileMapsSize, fileMapsRss     uint64
	ge1MiBCount, ge1MiBSize, ge1MiBRss, ge1MiBAnon           uint64
}

var (
	cur      mapping
	sum      smapsSummary
	firstMap bool // no element written yet into smaps_anon_ge1MiB
)

func isHexDigit(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }

func smapsLine(line []byte) {
	if len(line) == 0 {
		return
	}
	if isHexDigit(line[0]) {
		finishMapping()
		startMapping(line)
		return
	}
	k := fieldName(line)
	if k == nil || !cur.open {
		return
	}
	switch {
	case equal(k, "Size"):
		cur.size = fieldUint(line)
	case equal(k, "Rss"):
		cur.rss = fieldUint(line)
	case equal(k, "Anonymous"):
		cur.anon = fieldUint(line)
	case equal(k, "LazyFree"):
		cur.lazyfree = fieldUint(line)
	case equal(k, "AnonHugePages"):
		cur.anonhuge = fieldUint(line)
	case equal(k, "VmFlags"):
		cur.thp = ""
		for i := len("VmFlags:"); i+2 <= len(line); i++ {
			if line[i-1] != ' ' || (i+2 < len(line) && line[i+2] != ' ') {
				continue
			}
			if line[i] == 'h' && line[i+1] == 'g' {
				cur.thp = "hg"
			} else if line[i] == 'n' && line[i+1] == 'h' {
				cur.thp = "nh"
			}
		}
		finishMapping()
	}
}

// startMapping parses "start-end perms offset dev inode   [name]".
func startMapping(line []byte) {
	cur = mapping{open: true}
	i := 0
	for i < len(line) && line[i] != ' ' {
		i++
	}
	cur.rangeLen = copy(cur.rangeText[:], line[:i])
	i++
	if i+4 <= len(line) {
		copy(cur.perms[:], line[i:i+4])
	}
	// skip perms, offset and dev; then read inode
	for f := 0; f < 3; f++ {
		for i < len(line) && line[i] != ' ' {
			i++
		}
		for i < len(line) && line[i] == ' ' {
			i++
		}
	}
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		cur.inode = cur.inode*10 + uint64(line[i]-'0')
		i++
	}
	for i < len(line) && line[i] == ' ' {
		i++
	}
	cur.nameLen = copy(cur.name[:], line[i:])
}

// isAnon: no backing file (inode 0) and either no name or one of the names
// the kernel gives anonymous memory; [vdso], [vvar], [vsyscall] are neither
// anonymous nor file mappings.
func (m *mapping) isAnon() bool {
	if m.inode != 0 {
		return false
	}
	n := m.name[:m.nameLen]
	return len(n) == 0 || equal(n, "[heap]") || equal(n, "[stack]") ||
		len(n) > 6 && equal(n[:6], "[anon:") || len(n) > 7 && equal(n[:7], "[stack:")
}

func finishMapping() {
	if !cur.open {
		return
	}
	cur.open = false
	sum.maps++
	sum.size += cur.size
	sum.rss += cur.rss
	sum.anonymous += cur.anon
	sum.lazyfree += cur.lazyfree
	sum.anonhuge += cur.anonhuge
	if cur.perms[0] == '-' && cur.perms[1] == '-' && cur.perms[2] == '-' {
		sum.protNone += cur.size
	}
	switch {
	case cur.inode != 0:
		sum.fileMapsSize += cur.size
		sum.fileMapsRss += cur.rss
	case cur.isAnon():
		sum.anonMapsSize += cur.size
		sum.anonMapsRss += cur.rss
		if cur.size >= 1024 {
			sum.ge1MiBCount++
			sum.ge1MiBSize += cur.size
			sum.ge1MiBRss += cur.rss
			sum.ge1MiBAnon += cur.anon
			writeMapping()
		}
	}
}

// writeMapping emits one element of smaps_anon_ge1MiB.
func writeMapping() {
	if !firstMap {
		putByte(',')
	}
	firstMap = false
	putString(`{"range":`)
	putJSONBytes(cur.rangeText[:cur.rangeLen])
	putString(`,"perms":`)
	putJSONBytes(cur.perms[:])
	putString(`,"name":`)
	putJSONBytes(cur.name[:cur.nameLen])
	putString(`,"size_kB":`)
	putUint(cur.size)
	putString(`,"rss_kB":`)
	putUint(cur.rss)
	putString(`,"anon_kB":`)
	putUint(cur.anon)
	putString(`,"lazyfree_kB":`)
	putUint(cur.lazyfree)
	putString(`,"anonhuge_kB":`)
	putUint(cur.anonhuge)
	putString(`,"thp":"`)
	putString(cur.thp)
	putString(`"}`)
}

// writeSmaps emits `,"smaps_anon_ge1MiB":[...],"smaps_summary":{...}` in one
// pass over path, a NUL-terminated /proc/self/smaps or a fixture (the array
// is written while parsing, so it comes before the summary it feeds).
func writeSmaps(path string) {
	sum = smapsSummary{}
	cur.open = false
	firstMap = true
	putString(`,"smaps_anon_ge1MiB":[`)
	eachLine(path, smapsLine)
	finishMapping()
	putString(`],"smaps_summary":{"maps":`)
	putUint(sum.maps)
	putString(`,"size_kB":`)
	putUint(sum.size)
	putString(`,"rss_kB":`)
	putUint(sum.rss)
	putString(`,"anonymous_kB":`)
	putUint(sum.anonymous)
	putString(`,"lazyfree_kB":`)
	putUint(sum.lazyfree)
	putString(`,"anonhuge_kB":`)
	putUint(sum.anonhuge)
	putString(`,"prot_none_size_kB":`)
	putUint(sum.protNone)
	putString(`,"anon_maps_size_kB":`)
	putUint(sum.anonMapsSize)
	putString(`,"anon_maps_rss_kB":`)
	putUint(sum.anonMapsRss)
	putString(`,"file_maps_size_kB":`)
	putUint(sum.fileMapsSize)
	putString(`,"file_maps_rss_kB":`)
	putUint(sum.fileMapsRss)
	putString(`,"anon_ge1MiB_count":`)
	putUint(sum.ge1MiBCount)
	putString(`,"anon_ge1MiB_size_kB":`)
	putUint(sum.ge1MiBSize)
	putString(`,"anon_ge1MiB_rss_kB":`)
	putUint(sum.ge1MiBRss)
	putString(`,"anon_ge1MiB_anon_kB":`)
	putUint(sum.ge1MiBAnon)
	putByte('}')
}
